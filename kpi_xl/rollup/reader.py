"""Reading scorecards: finding the files, opening them with python-calamine, one scorecard per sheet.

A generated scorecard is read through the defined names of `kpi_xl.contract`, taken straight from the
zip's `xl/workbook.xml` (python-calamine does not expose defined names, and openpyxl would load the whole
workbook to give them). Any other sheet is searched for a KPI table by its header labels (`handmade`).

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
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine as calamine

from .. import contract as c
from ..safety import DEFAULT_LIMITS, Limits, check_file
from .cells import column_letter
from .handmade import read_handmade_sheet
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
from .values import CellReader

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
ZIP_SUFFIXES = (".xlsx", ".xlsm", ".ods")
LOCK_PREFIX = "~$"
TEMP_PREFIX = ".kpi-xl-"  # kpi_xl.files.atomic_write's temporary files


# --- finding files ---------------------------------------------------------------------------------


@dataclass
class Found:
    """The files under the inputs: workbooks to read, and the rest with the reason they were skipped."""

    workbooks: list[str] = field(default_factory=list)
    lock_files: list[str] = field(default_factory=list)
    other_files: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.workbooks) + len(self.lock_files) + len(self.other_files)


def find_files(inputs: Iterable[str | os.PathLike[str]], exclude: Iterable[str | os.PathLike[str]] = ()) -> Found:
    """Every file under the inputs (folders recursively, sorted), sorted into workbooks and skipped files.

    Excel's lock files (`~$name.xlsx`) and files that are no workbook are skipped with an info issue;
    an input that does not exist is an error issue. `exclude` (the summary being written) is skipped.
    """
    found = Found()
    excluded = {_same_file_key(p) for p in exclude}
    seen: set[str] = set()
    for given in inputs:
        p = Path(given)
        if p.is_dir():
            files = sorted((f for f in p.rglob("*") if f.is_file()), key=lambda f: str(f).lower())
        elif p.is_file():
            files = [p]
        else:
            found.issues.append(Issue(str(p), "", "", ERROR, "no such file or folder"))
            continue
        for f in files:
            key = _same_file_key(f)
            if key in seen:
                continue  # the same file given twice (a folder and a file in it)
            seen.add(key)
            name = str(f)
            if key in excluded:
                found.other_files.append(name)
                found.issues.append(Issue(name, "", "", INFO, "skipped: this is the summary being written"))
            elif f.name.startswith(TEMP_PREFIX):
                found.other_files.append(name)
                found.issues.append(Issue(name, "", "", INFO, "skipped: a temporary file an interrupted kpi-xl "
                                                              "run left behind; delete it"))
            elif f.name.startswith(LOCK_PREFIX):
                found.lock_files.append(name)
                found.issues.append(Issue(name, "", "", INFO,
                                          "skipped: Excel's lock file (the workbook is open somewhere)"))
            elif f.suffix.lower() in WORKBOOK_SUFFIXES:
                found.workbooks.append(name)
            else:
                found.other_files.append(name)
                found.issues.append(Issue(name, "", "", INFO,
                                          "skipped: not a workbook (.xlsx, .xlsm, .xls, .ods)"))
    return found


def _same_file_key(p: str | os.PathLike[str]) -> str:
    return os.path.normcase(os.path.abspath(p))


# --- one workbook ----------------------------------------------------------------------------------


def read_workbook(path: str, limits: Limits = DEFAULT_LIMITS) -> WorkbookRead:
    """Every scorecard of one workbook, and its issues. Never raises for a bad file: it becomes an issue."""
    out = WorkbookRead(path)
    try:
        _read_into(out, path, limits)
    except _Unreadable as e:
        out.unreadable = True
        out.scorecards.clear()
        out.issues.append(Issue(path, e.sheet, e.cell, e.severity, str(e)))
    except Exception as e:  # one bad file must never stop a department's rollup
        out.unreadable = True
        out.scorecards.clear()
        out.issues.append(Issue(path, "", "", ERROR,
                                f"cannot be read ({type(e).__name__}: {_short(str(e))}); "
                                "open it in Excel and save it again as .xlsx"))
    if not out.unreadable and not out.scorecards:
        out.unreadable = True
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


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _sheets_read(workbook_xml: bytes) -> Collection[str] | None:
    """The sheets the reader opens in a workbook: a generated scorecard's named ones, else all (None)."""
    return set(scorecard_names(workbook_xml)) or None


def _read_into(out: WorkbookRead, path: str, limits: Limits) -> None:
    # Size, zip directory, XML prologs and the extent of the sheets read are checked before anything
    # unpacks the file: python-calamine builds a dense grid up to a sheet's last cell and aborts the
    # process (an uncatchable allocation failure) on a tiny file whose last cell is XFD1000000.
    checked = check_file(path, limits, sheets_read=_sheets_read)
    problem = checked.problem
    if problem is not None:
        raise _Unreadable(problem.message, problem.severity, problem.sheet, problem.cell)
    names = scorecard_names(checked.workbook_xml) if checked.workbook_xml is not None else {}
    try:
        book = _open_book(path, checked.data)
    except calamine.PasswordError:
        raise _Unreadable("the file is protected with a password; save it without one") from None
    except Exception as e:  # calamine raises several types for broken files
        raise _Unreadable(_open_error(path, e)) from None
    with book:
        for meta in book.sheets_metadata:
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue  # chart and dialog sheets hold no KPI rows
            sheet_names = names.get(meta.name)
            if names and not sheet_names:
                continue  # a generated workbook's other sheets (KRA record, tasks, policy)
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
    return (f"cannot be read ({type(error).__name__}: {_short(str(error))}); "
            "open it in Excel and save it again as .xlsx")


# --- generated scorecards: defined names ------------------------------------------------------------

_DEFINED_NAME = re.compile(rb"<(?:\w+:)?definedName\b([^>]*)>([^<]*)</(?:\w+:)?definedName>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def parse_ref(ref: str) -> tuple[str, int, int, int, int] | None:
    """`'Score card'!$H$12:$H$18` -> ('Score card', 11, 7, 17, 7): sheet, 0-based first row/col, last row/col.

    >>> parse_ref("Scorecard!$B$3")
    ('Scorecard', 2, 1, 2, 1)
    """
    m = _REF.match(ref.strip())
    if not m:
        return None
    sheet = m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2)
    r1, c1 = int(m.group(4)) - 1, _column_index(m.group(3))
    r2 = int(m.group(6)) - 1 if m.group(6) else r1
    c2 = _column_index(m.group(5)) if m.group(5) else c1
    return sheet, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


# The scorecards of one role share their workbook.xml byte for byte: parse each distinct one once.
_NAMES_CACHE: dict[bytes, dict[str, dict[str, tuple]]] = {}
_NAMES_CACHE_SIZE = 256


def scorecard_names(workbook_xml: bytes) -> dict[str, dict[str, tuple[str, int, int, int, int]]]:
    """Defined names of `xl/workbook.xml` grouped by the sheet they point at, for sheets that carry a
    scorecard's KPI table (weight, target and actual ranges). Sheet-scoped names win over workbook ones.
    Empty when the workbook is not a generated scorecard."""
    if c.MARKER.encode() not in workbook_xml and c.KPI_ACTUAL.encode() not in workbook_xml:
        return {}
    cached = _NAMES_CACHE.get(workbook_xml)
    if cached is None:
        if len(_NAMES_CACHE) >= _NAMES_CACHE_SIZE:
            _NAMES_CACHE.clear()
        cached = _NAMES_CACHE[workbook_xml] = _parse_names(workbook_xml)
    return cached


def _parse_names(workbook_xml: bytes) -> dict[str, dict[str, tuple[str, int, int, int, int]]]:
    by_sheet: dict[str, dict[str, tuple]] = {}
    local: dict[str, set[str]] = {}
    for m in _DEFINED_NAME.finditer(workbook_xml):
        attrs = dict(_ATTR.findall(m.group(1)))
        name = attrs.get(b"name", b"").decode("utf-8")
        ref = parse_ref(html.unescape(m.group(2).decode("utf-8")))
        if ref is None:
            continue
        scope = attrs.get(b"localSheetId")
        sheet_names = by_sheet.setdefault(ref[0], {})
        if scope is not None:
            sheet_names[name] = ref
            local.setdefault(ref[0], set()).add(name)
        elif name not in local.get(ref[0], ()):
            sheet_names[name] = ref
    return {s: n for s, n in by_sheet.items() if all(k in n for k in (c.KPI_WEIGHT, c.KPI_TARGET, c.KPI_ACTUAL))}


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
