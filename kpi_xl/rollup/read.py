"""Reading one workbook into scorecards, through `kpi_xl.io.workbook` (the preflight first), one
scorecard per sheet.

A generated scorecard is read through the defined names of `kpi_xl.contract`, taken straight from the
zip's `xl/workbook.xml` (python-calamine does not expose defined names, and openpyxl would load the whole
workbook to give them). Any other sheet is searched for a KPI table by its header labels (`handmade`):
every sheet of a hand-made workbook, and a sheet someone added to a generated one. A kpi-xl summary
among the inputs is recognised by its workbook part and skipped, never read as a scorecard.

Nothing here scores: the reader turns cells into numbers and text, records an `Issue` for every cell it
cannot read, and hands `RawScorecard`s to the scorer, which scores every row of the run at once.
Nothing here raises for a bad input file either: a file that cannot be read becomes one issue row.
"""

from __future__ import annotations

import dataclasses
import html
import math
import operator
import os
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from .. import contract as c
from ..addresses import column_letter, column_number
from ..io.messages import shown_name
from ..io.preflight import DEFAULT_LIMITS, Limits
from ..io.preflight.problems import TOO_LARGE, ZIP_BOMB
from ..io.preflight.xlsx import workbook_sheet_names, xml_attributes
from ..io.reasons import unreadable
from ..io.workbook import inspect, open_book, worksheets
from .handmade import read_handmade_sheet
from .model import (
    ERROR,
    GENERATED,
    HEADER_WORDS,
    INFO,
    NO_SCORECARD,
    WARNING,
    Cached,
    CompetencyRows,
    Issue,
    KpiRows,
    RawScorecard,
    WorkbookRead,
)
from .rows import PLAIN_FIELDS, CellReader

# --- kpi-xl summaries ------------------------------------------------------------------------------

# The sheets every summary has (the 9-Box only when the roster gives potentials).


def is_summary_book(workbook_xml: bytes) -> bool:
    """True when an .xlsx's `xl/workbook.xml` is a kpi-xl summary's: it carries the hidden defined name
    `kpi_xl.contract.SUMMARY_MARKER` (summaries written since), or it has every sheet a summary has.

    >>> is_summary_book(b'<sheets>' + b''.join(b'<sheet name="%s"/>' % n.encode() for n in c.SUMMARY_SHEETS) + b'</sheets>')
    True
    >>> is_summary_book(b'<sheets><sheet name="Summary"/><sheet name="Details"/></sheets>')
    False
    """
    if c.SUMMARY_MARKER.encode() in workbook_xml:
        for m in _DEFINED_NAME.finditer(workbook_xml):
            if xml_attributes(m.group(1)).get(b"name") == c.SUMMARY_MARKER.encode():
                return True
    if b"Details" not in workbook_xml and b"Rincian" not in workbook_xml:  # the quick answer for scorecards
        return False
    return c.has_summary_sheets(set(workbook_sheet_names(workbook_xml)))


# A summary is bigger than any scorecard (100,000 scorecards: 117 MB, 1.3 GB unpacked), and only its
# workbook part is read to recognise it: the preflight's other checks stay, the size limits are a
# summary's (Excel's 1,048,576 rows of the Details sheet at most).
SUMMARY_LIMITS = dataclasses.replace(DEFAULT_LIMITS, max_file_bytes=2**31, max_unpacked_bytes=2**36)


def is_summary_file(path: str | os.PathLike[str]) -> bool:
    """True when the file at `path` is a kpi-xl summary (`is_summary_book` of its workbook part, read
    through the preflight with a summary's size limits, no sheet opened); False for anything else, a
    file that cannot be read or that the preflight refuses included."""
    try:
        checked = inspect(path, SUMMARY_LIMITS, sheets_read=_no_sheets)
    except Exception:  # noqa: BLE001 - whatever it is, it is no summary kpi-xl can replace
        return False
    return checked.problem is None and checked.workbook_xml is not None and is_summary_book(checked.workbook_xml)


def _no_sheets(workbook_xml: bytes) -> Collection[str]:
    return ()


# --- one workbook ----------------------------------------------------------------------------------


def read_workbook(path: str, limits: Limits = DEFAULT_LIMITS) -> WorkbookRead:
    """Every scorecard of one workbook, and its issues. Never raises for a bad file: it becomes an issue."""
    out = WorkbookRead(path)
    try:
        _read_into(out, path, limits)
    except _Unreadable as e:
        out.scorecards.clear()
        out.issues.append(Issue(path, e.sheet, e.cell, e.severity, str(e)))
        return out
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # noqa: BLE001 - one bad file must never stop a department's rollup
        # BaseException: the reader library's panic (pyo3's PanicException) derives from it, not from
        # Exception; so do errors raised deep in a damaged file (RecursionError, MemoryError are
        # Exceptions). The library's own words stay out of the message: they mean nothing to HR.
        out.scorecards.clear()
        out.issues.append(Issue(path, "", "", ERROR, _failed(path, e)))
        return out
    if not out.scorecards and not out.skipped:
        out.no_scorecard = True  # read through, and nothing in it is a scorecard
        out.issues.append(Issue(path, "", "", ERROR,
                                f"{NO_SCORECARD}: no sheet has a KPI table with weight, target and actual "
                                "columns (Bobot, Target, Aktual)"))
    return out


def read_workbooks(paths: list[str], limits: Limits = DEFAULT_LIMITS) -> list[WorkbookRead]:
    """`read_workbook` over a list."""
    return [read_workbook(p, limits) for p in paths]


def _failed(path: str, error: BaseException) -> str:
    """What HR reads when a reader gave up on a file (`kpi_xl.io.reasons`: never the library's words)."""
    return unreadable(error, shown_name(path))


class _Unreadable(Exception):
    """The whole file is refused; the message tells HR what to do."""

    def __init__(self, message: str, severity: str = ERROR, sheet: str = "", cell: str = "") -> None:
        super().__init__(message)
        self.severity, self.sheet, self.cell = severity, sheet, cell


def _sheets_read(workbook_xml: bytes) -> Collection[str] | None:
    """The sheets the reader opens in an .xlsx: a generated scorecard's named ones and any sheet added
    to it, none of a summary, else all (None)."""
    plan = book_plan(workbook_xml)
    if plan.summary:
        return ()
    if plan.names:
        return set(plan.names) | plan.by_label | {ref[0] for ref in plan.components.values()}
    return None


def _read_into(out: WorkbookRead, path: str, limits: Limits) -> None:
    # Size, zip directory, XML prologs and the extent of the sheets read are checked before anything
    # unpacks the file: python-calamine builds a dense grid up to a sheet's last cell and aborts the
    # process (an uncatchable allocation failure) on a tiny file whose last cell is XFD1000000.
    checked = inspect(path, limits, sheets_read=_sheets_read)
    problem = checked.problem
    if problem is not None and problem.code in (TOO_LARGE, ZIP_BOMB) and is_summary_file(path):
        _skip_summary(out, path)  # an earlier summary of a big department, among the scorecards
        return
    if problem is not None:
        raise _Unreadable(problem.message, problem.severity, problem.sheet, problem.cell)
    plan = book_plan(checked.workbook_xml) if checked.workbook_xml is not None else _HAND_MADE
    if plan.summary:
        _skip_summary(out, path)
        return
    book = open_book(path, checked)  # what a reader raises is worded by `_failed`
    with book:
        # A summary saved as .xls or .ods (an .xlsx one was known by its workbook part, above).
        if checked.workbook_xml is None and c.has_summary_sheets(set(book.sheet_names)):
            _skip_summary(out, path)
            return
        for name, hidden in worksheets(book):  # chart and dialog sheets hold no KPI rows
            sheet_names = plan.names.get(name)
            if plan.names and not sheet_names and name not in plan.by_label:
                continue  # a generated workbook's own other sheets (KRA record, tasks, policy)
            sheet = book.get_sheet_by_name(name)
            errors = checked.error_cells.get(name, {})
            if sheet_names:
                card = _read_generated_sheet(out, path, name, sheet, plan.layouts[name], limits, errors)
            else:
                card = read_handmade_sheet(out.issues, path, name, sheet, limits, hidden=hidden,
                                           errors=errors)
            if card is not None:
                out.scorecards.append(card)
        generated = [card for card in out.scorecards if card.kind == GENERATED]
        if plan.components and len(generated) == 1:  # a generated workbook holds one employee's scorecard
            _read_components(out, path, book, generated[0], plan.components, checked.error_cells, limits)


def _skip_summary(out: WorkbookRead, path: str) -> None:
    # Its Details sheet has a KPI table's headers: read as a scorecard it would add a bogus row.
    out.skipped = True
    out.issues.append(Issue(path, "", "", INFO, "a kpi-xl summary, not a scorecard: skipped"))


# --- generated scorecards: defined names ------------------------------------------------------------

_DEFINED_NAME = re.compile(rb"<(?:\w+:)?definedName\b([^>]*)>([^<]*)</(?:\w+:)?definedName>")
_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")


def parse_ref(ref: str) -> tuple[str, int, int, int, int] | None:
    """`'Score card'!$H$12:$H$18` -> ('Score card', 11, 7, 17, 7): sheet, 0-based first row/col, last row/col.

    >>> parse_ref("Scorecard!$B$3")
    ('Scorecard', 2, 1, 2, 1)
    """
    m = _REF.match(ref.strip())
    if not m:
        return None
    sheet = m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2)
    r1, c1 = int(m.group(4)) - 1, column_number(m.group(3)) - 1
    r2 = int(m.group(6)) - 1 if m.group(6) else r1
    c2 = column_number(m.group(5)) - 1 if m.group(5) else c1
    return sheet, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


@dataclass(frozen=True)
class BookPlan:
    """Which sheets of an .xlsx the reader opens, and how, from its `xl/workbook.xml` alone.

    `names`: the sheets of a generated scorecard, each with the defined names pointing at it (empty:
    not a generated workbook, every sheet is read by its labels). `by_label`: the sheets of a
    generated workbook that no defined name points at and that the generator did not make either
    (a "KPI Budi" sheet someone added), read by their labels. `summary`: a kpi-xl summary, not read.
    """

    names: dict[str, dict[str, tuple[str, int, int, int, int]]] = field(default_factory=dict)
    by_label: frozenset[str] = frozenset()
    summary: bool = False
    # The final rating's components (competency table, attendance days, FinalRating), wherever they sit.
    components: dict[str, tuple[str, int, int, int, int]] = field(default_factory=dict)
    # How each sheet of `names` is read (`SheetLayout`), worked out once for all the role's scorecards.
    layouts: dict[str, SheetLayout] = field(default_factory=dict)


_HAND_MADE = BookPlan()
# The scorecards of one role share their workbook.xml byte for byte: parse each distinct one once.
_PLANS: dict[bytes, BookPlan] = {}
_PLANS_SIZE = 256


def book_plan(workbook_xml: bytes) -> BookPlan:
    """The `BookPlan` of an .xlsx's `xl/workbook.xml`."""
    plan = _PLANS.get(workbook_xml)
    if plan is None:
        if len(_PLANS) >= _PLANS_SIZE:
            _PLANS.clear()
        plan = _PLANS[workbook_xml] = _make_plan(workbook_xml)
    return plan


def scorecard_names(workbook_xml: bytes) -> dict[str, dict[str, tuple[str, int, int, int, int]]]:
    """Defined names of `xl/workbook.xml` grouped by the sheet they point at, for sheets that carry a
    scorecard's KPI table (weight, target and actual ranges). Sheet-scoped names win over workbook ones.
    Empty when the workbook is not a generated scorecard."""
    return book_plan(workbook_xml).names


def _make_plan(workbook_xml: bytes) -> BookPlan:
    if is_summary_book(workbook_xml):
        return BookPlan(summary=True)
    if c.MARKER.encode() not in workbook_xml and c.KPI_ACTUAL.encode() not in workbook_xml:
        return _HAND_MADE
    names, covered, components = _parse_names(workbook_xml)
    if not names:
        return _HAND_MADE
    own = c.RECORD_SHEETS  # the generator's record sheets: no defined name points at some of them
    added = frozenset(s for s in workbook_sheet_names(workbook_xml) if s not in covered and s not in own)
    layouts = {sheet: SheetLayout.of(sheet_names) for sheet, sheet_names in names.items()}
    return BookPlan(names, added, components=components, layouts=layouts)


def _parse_names(workbook_xml: bytes) -> tuple[dict[str, dict[str, tuple]], set[str], dict[str, tuple]]:
    """The scorecard sheets with their names, and every sheet some name points at (Excel's own
    print areas and titles aside: a sheet copied in from elsewhere brings those along)."""
    by_sheet: dict[str, dict[str, tuple]] = {}
    local: dict[str, set[str]] = {}
    covered: set[str] = set()
    for m in _DEFINED_NAME.finditer(workbook_xml):
        attrs = xml_attributes(m.group(1))
        name = attrs.get(b"name", b"").decode("utf-8")
        ref = parse_ref(html.unescape(m.group(2).decode("utf-8")))
        if ref is None:
            continue
        if not name.startswith("_xlnm."):
            covered.add(ref[0])
        scope = attrs.get(b"localSheetId")
        sheet_names = by_sheet.setdefault(ref[0], {})
        if scope is not None:
            sheet_names[name] = ref
            local.setdefault(ref[0], set()).add(name)
        elif name not in local.get(ref[0], ()):
            sheet_names[name] = ref
    scorecards = {s: n for s, n in by_sheet.items() if all(k in n for k in (c.KPI_WEIGHT, c.KPI_TARGET, c.KPI_ACTUAL))}
    components = {n: ref for names in by_sheet.values() for n, ref in names.items() if n in _COMPONENT_NAMES}
    return scorecards, covered, components




_HEADER_NAMES = {
    "employee_id": c.EMPLOYEE_ID, "name": c.EMPLOYEE_NAME, "department": c.DEPARTMENT,
    "supervisor": c.SUPERVISOR, "role": c.ROLE, "role_id": c.ROLE_ID, "period": c.PERIOD,
}
_COLUMN_NAMES = {
    "kra": c.KPI_KRA, "indicator": c.KPI_INDICATOR, "unit": c.KPI_UNIT, "direction": c.KPI_DIRECTION,
    "weight": c.KPI_WEIGHT, "target": c.KPI_TARGET, "tolerance": c.KPI_TOLERANCE, "due": c.KPI_DUE,
    "actual": c.KPI_ACTUAL, "score": c.KPI_SCORE, "final": c.KPI_FINAL,
}


@dataclass(frozen=True)
class SheetLayout:
    """Where a generated scorecard sheet's fields are, from its defined names: the cells' 0-based
    (row, column) and the names messages give them, so that reading one scorecard only takes values."""

    first: int  # the KPI table's rows, 0-based, from its weight range
    last: int
    bottom: int  # the last row any name on the sheet reaches: what is read of the sheet
    weight_range: str
    header: tuple[tuple[str, int, int, str, str], ...]  # (field, row, column, cell name, words) of each header cell
    columns: dict[str, str]  # KPI field -> its column letters
    fields: tuple[tuple[str, int], ...]  # (KPI field, column index)
    cached: tuple[tuple[str, int, int, str], ...]  # (what, row, column, cell name) of results left by formulas
    # A KPI row's `rows.PLAIN_FIELDS` cells, taken at once, for `CellReader.add_plain_row`; None when the
    # sheet lacks one of those fields (every row is read by `add_row`). `width`: the row length it needs.
    plain: Callable[[list[Any]], tuple[Any, ...]] | None = None
    width: int = 0

    @classmethod
    def of(cls, names: dict[str, tuple]) -> SheetLayout:
        weight_ref = names[c.KPI_WEIGHT]
        sheet = weight_ref[0]
        header = tuple((key, names[n][1], names[n][2], _range_name(names[n]), HEADER_WORDS[key])
                       for key, n in _HEADER_NAMES.items() if n in names)
        fields = tuple((key, names[n][2]) for key, n in _COLUMN_NAMES.items() if n in names)
        cached = tuple((what, names[n][1], names[n][2], f"{column_letter(names[n][2])}{names[n][1] + 1}")
                       for what, n in (("kpi_value", c.KPI_VALUE), ("total_final", c.TOTAL_FINAL), ("level", c.LEVEL))
                       if n in names)
        at = dict(fields)
        plain = operator.itemgetter(*(at[key] for key in PLAIN_FIELDS)) if all(k in at for k in PLAIN_FIELDS) else None
        return cls(weight_ref[1], weight_ref[3], max(r[3] for r in names.values() if r[0] == sheet),
                   _range_name(weight_ref), header, {key: column_letter(ci) for key, ci in fields}, fields, cached,
                   plain, max(at.values()) + 1)


def _read_generated_sheet(out: WorkbookRead, path: str, sheet_name: str, sheet: Any,
                          layout: SheetLayout, limits: Limits,
                          errors: dict[str, str] | None = None) -> RawScorecard | None:
    first, last = layout.first, layout.last
    if last - first + 1 > limits.max_rows:
        out.issues.append(Issue(path, sheet_name, "", ERROR,
                                f"the KPI table has {last - first + 1:,} rows, over the limit of {limits.max_rows:,}"))
        return None
    grid = sheet.to_python(skip_empty_area=False, nrows=layout.bottom + 1)
    height = len(grid)

    def cell(r: int, col: int) -> Any:
        if r < height:
            row = grid[r]
            if col < len(row):
                return row[col]
        return ""

    reader = CellReader(out.issues, path, sheet_name, errors=errors, max_text=limits.max_text)
    text = reader.text
    header = dict.fromkeys(_HEADER_NAMES, "")
    header_cells = {}
    for key, r, col, where, words in layout.header:
        header[key] = text(cell(r, col), words, where)
        header_cells[key] = where
    columns = layout.columns
    fields = layout.fields
    rows = KpiRows()
    kra = ""
    kra_letters = columns.get("kra")
    kra_column = dict(fields).get("kra")
    plain, width = layout.plain, layout.width
    add_plain_row = reader.add_plain_row
    for r in range(first, last + 1):
        row = grid[r] if r < height else ()
        if kra_letters is not None:  # a merged KRA cell holds its text in its first row only
            kra = text(row[kra_column] if kra_column < len(row) else "", "KRA", (kra_letters, r + 1)) or kra
        if plain is not None and len(row) >= width and add_plain_row(rows, r + 1, columns, plain(row), kra):
            continue
        values = {key: row[col] if col < len(row) else "" for key, col in fields}
        reader.add_row(rows, r + 1, columns, values, kra)
    if not len(rows):
        out.issues.append(Issue(path, sheet_name, layout.weight_range, WARNING,
                                "the KPI table has no rows with a weight"))
        return None
    cached = []
    for what, r, col, where in layout.cached:
        value = cell(r, col)
        if type(value) in (float, int) and math.isfinite(value):
            cached.append(Cached(what, where, float(value)))
    return RawScorecard(path, sheet_name, GENERATED, header, rows, dict(columns), cached, header_cells)


def _range_name(ref: tuple) -> str:
    a = f"{column_letter(ref[2])}{ref[1] + 1}"
    b = f"{column_letter(ref[4])}{ref[3] + 1}"
    return a if a == b else f"{a}:{b}"


_RATING_WORDS = {"supervisor": "supervisor rating", "self_rating": "self-rating", "weight": "competency weight"}
_COMPONENT_NAMES = frozenset({c.COMPETENCY_NAME, c.COMPETENCY_SELF, c.COMPETENCY_SUPERVISOR, c.COMPETENCY_WEIGHT,
                              c.ATTENDANCE_PRESENT, c.ATTENDANCE_DAYS, c.FINAL_RATING})


def _read_components(out: WorkbookRead, path: str, book: Any, card: RawScorecard, names: dict[str, tuple],
                     error_cells: dict[str, dict[str, str]], limits: Limits) -> None:
    """The final rating's components of a generated scorecard, through their defined names: each
    competency's name, supervisor and self rating and weight, the attendance days, and the FinalRating
    a formula left (compared with ours, never used)."""
    grids: dict[str, list] = {}

    def cell(ref_sheet: str, r: int, col: int) -> Any:
        if ref_sheet not in grids:
            bottom = max(ref[3] for ref in names.values() if ref[0] == ref_sheet)
            grids[ref_sheet] = book.get_sheet_by_name(ref_sheet).to_python(skip_empty_area=False, nrows=bottom + 1)
        grid = grids[ref_sheet]
        return grid[r][col] if r < len(grid) and col < len(grid[r]) else ""

    if c.COMPETENCY_NAME in names and c.COMPETENCY_SUPERVISOR in names:
        sheet, first, _, last, _ = names[c.COMPETENCY_NAME]
        reader = CellReader(out.issues, path, sheet, errors=error_cells.get(sheet, {}), max_text=limits.max_text)
        rows = CompetencyRows(sheet)
        for r in range(first, last + 1):
            name = reader.text(cell(sheet, r, names[c.COMPETENCY_NAME][2]), "competency",
                               f"{column_letter(names[c.COMPETENCY_NAME][2])}{r + 1}")
            if not name:
                continue
            values = {}
            for key, n in (("supervisor", c.COMPETENCY_SUPERVISOR), ("self_rating", c.COMPETENCY_SELF),
                           ("weight", c.COMPETENCY_WEIGHT)):
                ref = names.get(n)
                where = f"{column_letter(ref[2])}{r + 1}" if ref else ""
                values[key] = reader.number(cell(ref[0], r, ref[2]), _RATING_WORDS[key], where) if ref else None
                values[key + "_cell"] = where
            rows.name.append(name)
            for key in ("supervisor", "self_rating", "weight"):
                getattr(rows, key).append(math.nan if values[key] is None else float(values[key]))
            rows.cells.append(values["supervisor_cell"])
            rows.self_cells.append(values["self_rating_cell"])
        card.competencies = rows
    if c.ATTENDANCE_PRESENT in names and c.ATTENDANCE_DAYS in names:
        got = []
        for n in (c.ATTENDANCE_PRESENT, c.ATTENDANCE_DAYS):
            ref = names[n]
            reader = CellReader(out.issues, path, ref[0], errors=error_cells.get(ref[0], {}), max_text=limits.max_text)
            value = reader.number(cell(ref[0], ref[1], ref[2]), "attendance days", _range_name(ref))
            got.append(math.nan if value is None else float(value))
        card.attendance = (got[0], got[1])
    if c.FINAL_RATING in names:
        ref = names[c.FINAL_RATING]
        value = cell(ref[0], ref[1], ref[2])
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            card.cached.append(Cached("final_rating", _range_name(ref), float(value)))
