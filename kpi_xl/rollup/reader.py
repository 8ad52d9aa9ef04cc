"""Reading scorecards: finding the files, opening them with python-calamine, one scorecard per sheet.

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

import html
import io
import math
import os
import re
import stat
import zipfile
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine as calamine

from .. import contract as c
from ..io.files import TEMP_PREFIX  # atomic_write's temporary files
from ..safety import (
    DEFAULT_LIMITS,
    LOCK_PREFIX,
    WORKBOOK_SUFFIXES,
    Limits,
    check_file,
    column_number,
    short_text,
    workbook_sheet_names,
    xml_attributes,
)
from ..values import column_letter
from .handmade import read_handmade_sheet
from .layout import SHEETS
from .model import (
    ERROR,
    GENERATED,
    HEADER_WORDS,
    INFO,
    WARNING,
    Cached,
    Issue,
    KpiRows,
    RawScorecard,
    WorkbookRead,
)
from .rows import CellReader

ZIP_SUFFIXES = (".xlsx", ".xlsm", ".ods")


# --- finding files ---------------------------------------------------------------------------------


@dataclass
class Found:
    """The files under the inputs: workbooks to read, and the rest with the reason they were skipped."""

    workbooks: list[str] = field(default_factory=list)
    lock_files: list[str] = field(default_factory=list)
    other_files: list[str] = field(default_factory=list)  # skipped: no workbook, a temporary file, ...
    unreadable: list[str] = field(default_factory=list)  # broken links, pipes: found, never readable
    missing: list[str] = field(default_factory=list)  # inputs that do not exist
    excluded: list[str] = field(default_factory=list)  # the summary being written, met among the inputs
    folders_unreadable: list[str] = field(default_factory=list)  # folders that could not be opened
    issues: list[Issue] = field(default_factory=list)

    @property
    def files(self) -> list[str]:
        """Every file found, by the path it was found under (a file reached by two paths is here under
        both: read under one, skipped under the other)."""
        return self.workbooks + self.lock_files + self.other_files + self.unreadable

    @property
    def total(self) -> int:
        return len(self.workbooks) + len(self.lock_files) + len(self.other_files) + len(self.unreadable)


def find_files(inputs: Iterable[str | os.PathLike[str]], exclude: Iterable[str | os.PathLike[str]] = ()) -> Found:
    """Every file under the inputs (folders recursively, links followed, sorted), sorted into workbooks
    and skipped files.

    Excel's lock files (`~$name.xlsx`) and files that are no workbook are skipped with an info issue;
    an input that does not exist, a folder that cannot be opened, a broken link and a pipe are error
    issues. A file reached by a second path (a link to it) is read once, the second path skipped with
    an info issue; a folder reached again through a link is not walked twice. `exclude` (the summary
    being written) is skipped.
    """
    found = Found()
    excluded = {_real(p) for p in exclude}
    named: set[str] = set()  # files as named: the same file given twice (a folder and a file in it)
    seen: dict[str, str] = {}  # the real file -> the path it was first found by
    visited: dict[str, str] = {}  # the real folder -> the path it was walked by
    for given in inputs:
        top = os.fspath(Path(given))
        if os.path.isdir(top):
            entries = _walk(top, visited, found)
        elif os.path.lexists(top):
            entries = [(top, _real(os.path.dirname(top) or "."))]
        else:
            found.missing.append(top)
            found.issues.append(Issue(top, "", "", ERROR, "no such file or folder"))
            continue
        for name, real_folder in entries:
            base = os.path.basename(name)
            key = os.path.normcase(os.path.join(real_folder, base))
            if key in named:
                continue
            named.add(key)
            if base.startswith(TEMP_PREFIX):
                found.other_files.append(name)
                found.issues.append(Issue(name, "", "", INFO, "skipped: a temporary file an interrupted kpi-xl "
                                                              "run left behind; delete it"))
            elif base.startswith(LOCK_PREFIX):
                found.lock_files.append(name)
                found.issues.append(Issue(name, "", "", INFO,
                                          "skipped: Excel's lock file (the workbook is open somewhere)"))
            elif Path(base).suffix.lower() not in WORKBOOK_SUFFIXES:  # "..xlsx" is a workbook too
                found.other_files.append(name)
                found.issues.append(Issue(name, "", "", INFO,
                                          "skipped: not a workbook (.xlsx, .xlsm, .xls, .ods)"))
            else:
                _sort_workbook(found, name, real_folder, excluded, seen)
    return found


def _walk(top: str, visited: dict[str, str], found: Found) -> list[tuple[str, str]]:
    """Every file under `top` with the real path of its folder, sorted. Links to folders are followed,
    each real folder walked once (a link back to a parent makes no loop); a folder that cannot be opened
    is an error issue naming it."""

    def cannot_open(error: OSError) -> None:
        folder = error.filename if isinstance(error.filename, str) else top
        found.folders_unreadable.append(folder)
        found.issues.append(Issue(folder, "", "", ERROR, f"cannot open this folder ({error.strerror or error}): "
                                                         "the scorecards in it are not read; check that you may "
                                                         "read it"))

    files: list[tuple[str, str]] = []
    for folder, subfolders, names in os.walk(top, onerror=cannot_open, followlinks=True):
        real = _real(folder)
        first = visited.get(real)
        if first is not None:
            subfolders.clear()
            if os.path.abspath(first) != os.path.abspath(folder):
                found.issues.append(Issue(folder, "", "", INFO, f"the same folder as {first} (reached "
                                                                "through a link): read once"))
            continue
        visited[real] = folder
        files.extend((os.path.join(folder, name), real) for name in names)
    files.sort(key=lambda entry: entry[0].lower())
    return files


def _real(path: str | os.PathLike[str]) -> str:
    """The one name of a file or folder, links resolved (and case folded where names ignore it)."""
    return os.path.normcase(os.path.realpath(path))


def _sort_workbook(found: Found, name: str, real_folder: str, excluded: set[str], seen: dict[str, str]) -> None:
    """A file named like a workbook: to read, or skipped (the summary, a second path to a file read
    already), or unreadable (a broken link, a pipe)."""
    try:
        st = os.lstat(name)
        real = os.path.normcase(os.path.join(real_folder, os.path.basename(name)))
        if stat.S_ISLNK(st.st_mode):
            try:
                st = os.stat(name)
            except OSError:
                found.unreadable.append(name)
                found.issues.append(Issue(name, "", "", ERROR, "a broken link: the file it points to does not "
                                                               "exist; put the scorecard itself in the folder"))
                return
            real = _real(name)
    except OSError as e:  # gone since the folder was listed
        found.unreadable.append(name)
        found.issues.append(Issue(name, "", "", ERROR, f"cannot be opened ({e.strerror or e}); check that the "
                                                       "file is still there and that you may read it"))
        return
    if not stat.S_ISREG(st.st_mode):
        found.unreadable.append(name)
        found.issues.append(Issue(name, "", "", ERROR, "not a regular file (a folder, pipe or device); put the "
                                                       "scorecard itself in the folder"))
    elif real in excluded:
        found.other_files.append(name)
        found.excluded.append(name)
        found.issues.append(Issue(name, "", "", INFO, "skipped: this is the summary being written"))
    elif real in seen:
        found.other_files.append(name)
        found.issues.append(Issue(name, "", "", INFO, f"skipped: the same file as {seen[real]} (one is a link "
                                                      "to the other), which is read"))
    else:
        seen[real] = name
        found.workbooks.append(name)


# --- kpi-xl summaries ------------------------------------------------------------------------------

# The sheets every summary has (the 9-Box only when the roster gives potentials).
SUMMARY_SHEETS = frozenset(SHEETS) - {"9-Box"}
_SUMMARY_BOOK_BYTES = 4 * 2**20  # a summary's workbook part is a few kilobytes


def is_summary_book(workbook_xml: bytes) -> bool:
    """True when an .xlsx's `xl/workbook.xml` is a kpi-xl summary's: it carries the hidden defined name
    `kpi_xl.contract.SUMMARY_MARKER` (summaries written since), or it has every sheet a summary has.

    >>> is_summary_book(b'<sheets>' + b''.join(b'<sheet name="%s"/>' % n.encode() for n in SUMMARY_SHEETS) + b'</sheets>')
    True
    >>> is_summary_book(b'<sheets><sheet name="Summary"/><sheet name="Details"/></sheets>')
    False
    """
    if c.SUMMARY_MARKER.encode() in workbook_xml:
        for m in _DEFINED_NAME.finditer(workbook_xml):
            if xml_attributes(m.group(1)).get(b"name") == c.SUMMARY_MARKER.encode():
                return True
    if b"Details" not in workbook_xml:  # the quick answer for scorecards
        return False
    return SUMMARY_SHEETS <= set(workbook_sheet_names(workbook_xml))


def is_summary_file(path: str | os.PathLike[str]) -> bool:
    """True when the file at `path` is a kpi-xl summary (`is_summary_book` of its workbook part);
    False for anything else, a file that cannot be read included."""
    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo("xl/workbook.xml")
            return info.file_size <= _SUMMARY_BOOK_BYTES and is_summary_book(z.read(info))
    except Exception:  # noqa: BLE001 - whatever it is, it is no summary kpi-xl can replace
        return False


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
    except Exception as e:  # one bad file must never stop a department's rollup
        out.scorecards.clear()
        out.issues.append(Issue(path, "", "", ERROR,
                                f"cannot be read ({type(e).__name__}: {short_text(str(e), 160)}); "
                                "open it in Excel and save it again as .xlsx"))
        return out
    if not out.scorecards and not out.skipped:
        out.issues.append(Issue(path, "", "", ERROR,
                                "no scorecard found: no sheet has a KPI table with weight, target and actual "
                                "columns (Bobot, Target, Aktual)"))
    return out


def read_workbooks(paths: list[str], limits: Limits = DEFAULT_LIMITS) -> list[WorkbookRead]:
    """`read_workbook` over a list (one worker process's share of the files)."""
    return [read_workbook(p, limits) for p in paths]


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
        return set(plan.names) | plan.by_label
    return None


def _read_into(out: WorkbookRead, path: str, limits: Limits) -> None:
    # Size, zip directory, XML prologs and the extent of the sheets read are checked before anything
    # unpacks the file: python-calamine builds a dense grid up to a sheet's last cell and aborts the
    # process (an uncatchable allocation failure) on a tiny file whose last cell is XFD1000000.
    checked = check_file(path, limits, sheets_read=_sheets_read)
    problem = checked.problem
    if problem is not None:
        raise _Unreadable(problem.message, problem.severity, problem.sheet, problem.cell)
    plan = book_plan(checked.workbook_xml) if checked.workbook_xml is not None else _HAND_MADE
    if plan.summary:
        _skip_summary(out, path)
        return
    try:
        book = _open_book(path, checked.data)
    except calamine.PasswordError:
        raise _Unreadable("the file is protected with a password; save it without one") from None
    except Exception as e:  # calamine raises several types for broken files
        raise _Unreadable(_open_error(path, e)) from None
    with book:
        if SUMMARY_SHEETS <= set(book.sheet_names):  # a summary saved as .xls or .ods
            _skip_summary(out, path)
            return
        for meta in book.sheets_metadata:
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue  # chart and dialog sheets hold no KPI rows
            sheet_names = plan.names.get(meta.name)
            if plan.names and not sheet_names and meta.name not in plan.by_label:
                continue  # a generated workbook's own other sheets (KRA record, tasks, policy)
            sheet = book.get_sheet_by_name(meta.name)
            hidden = meta.visible != calamine.SheetVisibleEnum.Visible
            errors = checked.error_cells.get(meta.name, {})
            if sheet_names:
                card = _read_generated_sheet(out, path, meta.name, sheet, sheet_names, limits, errors)
            else:
                card = read_handmade_sheet(out.issues, path, meta.name, sheet, limits, hidden=hidden,
                                           errors=errors)
            if card is not None:
                out.scorecards.append(card)


def _skip_summary(out: WorkbookRead, path: str) -> None:
    # Its Details sheet has a KPI table's headers: read as a scorecard it would add a bogus row.
    out.skipped = True
    out.issues.append(Issue(path, "", "", INFO, "a kpi-xl summary, not a scorecard: skipped"))


def _open_book(path: str, data: bytes | None = None) -> Any:
    """The workbook from the bytes preflight checked (zip containers), else from its path. A path
    python-calamine cannot take (a name that is no UTF-8: undecodable bytes from a zip or a Samba
    share) is opened here and handed over as a file object."""
    if data is not None:
        return calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        return calamine.CalamineWorkbook.from_path(path)
    except calamine.PasswordError:
        raise
    except Exception as failed:  # noqa: BLE001 - retried below; the first error is the one reported
        try:
            with open(path, "rb") as f:
                return calamine.CalamineWorkbook.from_filelike(f)
        except Exception:  # noqa: BLE001 - the retry failed too: report what from_path said
            raise failed from None


def _open_error(path: str, error: Exception) -> str:
    with open(path, "rb") as f:
        head = f.read(8)
    suffix = Path(path).suffix.lower()
    if head.startswith(b"\xd0\xcf\x11\xe0") and suffix in ZIP_SUFFIXES:
        return ("the file is encrypted with a password (or is an old .xls renamed " + suffix +
                "); open it in Excel and save it as .xlsx without a password")
    if suffix in ZIP_SUFFIXES and not head.startswith(b"PK"):
        return f"not a real {suffix} workbook (the content is something else); ask for the scorecard again"
    return (f"cannot be read ({type(error).__name__}: {short_text(str(error), 160)}); "
            "open it in Excel and save it again as .xlsx")


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
    names, covered = _parse_names(workbook_xml)
    if not names:
        return _HAND_MADE
    own = _generator_sheets()
    added = frozenset(s for s in workbook_sheet_names(workbook_xml) if s not in covered and s not in own)
    return BookPlan(names, added)


def _parse_names(workbook_xml: bytes) -> tuple[dict[str, dict[str, tuple]], set[str]]:
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
    return scorecards, covered


_OWN_SHEETS: frozenset[str] | None = None


def _generator_sheets() -> frozenset[str]:
    """The names of the record sheets `kpi_xl.scorecard` writes beside a scorecard (KRA record, task
    inventory, policy), in every language: no defined name points at some of them."""
    global _OWN_SHEETS
    if _OWN_SHEETS is None:
        from ..scorecard import LABELS  # only once a generated workbook is met: it imports the roles

        _OWN_SHEETS = frozenset(m[k] for m in LABELS.values() for k in ("sheet_kra", "sheet_tasks", "sheet_policy"))
    return _OWN_SHEETS


_HEADER_NAMES = {
    "employee_id": c.EMPLOYEE_ID, "name": c.EMPLOYEE_NAME, "department": c.DEPARTMENT,
    "supervisor": c.SUPERVISOR, "role": c.ROLE, "role_id": c.ROLE_ID, "period": c.PERIOD,
}
_COLUMN_NAMES = {
    "kra": c.KPI_KRA, "indicator": c.KPI_INDICATOR, "unit": c.KPI_UNIT, "direction": c.KPI_DIRECTION,
    "weight": c.KPI_WEIGHT, "target": c.KPI_TARGET, "tolerance": c.KPI_TOLERANCE, "due": c.KPI_DUE,
    "actual": c.KPI_ACTUAL, "score": c.KPI_SCORE, "final": c.KPI_FINAL,
}


def _read_generated_sheet(out: WorkbookRead, path: str, sheet_name: str, sheet: Any,
                          names: dict[str, tuple], limits: Limits,
                          errors: dict[str, str] | None = None) -> RawScorecard | None:
    weight_ref = names[c.KPI_WEIGHT]
    first, last = weight_ref[1], weight_ref[3]
    if last - first + 1 > limits.max_rows:
        out.issues.append(Issue(path, sheet_name, "", ERROR,
                                f"the KPI table has {last - first + 1:,} rows, over the limit of {limits.max_rows:,}"))
        return None
    bottom = max(r[3] for r in names.values() if r[0] == sheet_name)
    grid = sheet.to_python(skip_empty_area=False, nrows=bottom + 1)

    def cell(r: int, col: int) -> Any:
        if r < len(grid):
            row = grid[r]
            if col < len(row):
                return row[col]
        return ""

    reader = CellReader(out.issues, path, sheet_name, errors=errors, max_text=limits.max_text)
    header = {}
    for key, n in _HEADER_NAMES.items():
        ref = names.get(n)
        header[key] = reader.text(cell(ref[1], ref[2]), HEADER_WORDS[key], _range_name(ref)) if ref else ""
    columns = {key: column_letter(names[n][2]) for key, n in _COLUMN_NAMES.items() if n in names}
    rows = KpiRows()
    kra = ""
    col = {key: names[n][2] for key, n in _COLUMN_NAMES.items() if n in names}
    kra_col = col.get("kra")
    for r in range(first, last + 1):
        values = {key: cell(r, ci) for key, ci in col.items()}
        if kra_col is not None:  # a merged KRA cell holds its text in its first row only
            kra = reader.text(values["kra"], "KRA", f"{columns['kra']}{r + 1}") or kra
        reader.add_row(rows, r + 1, columns, values, kra)
    if not len(rows):
        out.issues.append(Issue(path, sheet_name, _range_name(weight_ref), WARNING,
                                "the KPI table has no rows with a weight"))
        return None
    cached = []
    for what, name in (("kpi_value", c.KPI_VALUE), ("total_final", c.TOTAL_FINAL), ("level", c.LEVEL)):
        if name in names:
            ref = names[name]
            value = cell(ref[1], ref[2])
            if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
                cached.append(Cached(what, f"{column_letter(ref[2])}{ref[1] + 1}", float(value)))
    return RawScorecard(path, sheet_name, GENERATED, header, rows, columns, cached)


def _range_name(ref: tuple) -> str:
    a = f"{column_letter(ref[2])}{ref[1] + 1}"
    b = f"{column_letter(ref[4])}{ref[3] + 1}"
    return a if a == b else f"{a}:{b}"
