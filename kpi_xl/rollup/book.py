"""The rollup inside an open Excel workbook, through xlwings' Book API (classic add-in or xlwings Lite).

- `consolidate(book)`: the employee scorecard sheets of the open workbook become summary sheets in it
  (the xlwings Lite @script; in the browser there are no files to read).
- `write_summary_sheets(book, tables)`: the summary's sheets written into a workbook (the Excel
  console's `main()` puts them beside its console sheet).
- `roster_from_rows(rows)`: a roster kept on a sheet, read with the roster file's own rules.

Only the parts of the xlwings API that classic xlwings and Lite share are used (`book.sheets`,
`sheets.add`, `sheet.used_range`, `sheet.clear`, `range.value`), so tests can pass a small stand-in.
Imports neither openpyxl nor python-calamine: this module and what it imports run inside Lite.
"""

from __future__ import annotations

import math
from typing import Any

from ..io.text import looks_like_formula
from ..policy import Policy, load_policy
from ..roster import roster_from_rows as rows_to_roster
from .handmade import read_handmade_grid
from ..contract import ALL_SUMMARY_SHEET_NAMES
from .layout import summary_sheets
from .model import Issue, RawScorecard
from .tables import Tables, build_tables

BOOK = "this workbook"  # the "file" of issues about the open workbook's own sheets


def excel_text(value: str) -> str:
    """Text for Excel's `range.value`, which parses what it is given like typed input: a leading
    apostrophe keeps "=HYPERLINK(...)" from becoming a formula (`kpi_xl.io.text.looks_like_formula`
    decides what could be one) and "00123" or "2025-01-31" from becoming a number or date. Excel shows
    the text without the apostrophe.

    >>> excel_text("=1+1"), excel_text("00123"), excel_text("Budi"), excel_text("")
    ("'=1+1", "'00123", 'Budi', '')
    >>> excel_text(" \uff1dSUM(A1)"), excel_text("'quoted"), excel_text(" 42")
    ("' \uff1dSUM(A1)", "''quoted", "' 42")
    """
    if value and (looks_like_formula(value) or value[0] == "'" or value.lstrip(" \t\r\n")[:1].isdigit()):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return excel_text(value)
    if isinstance(value, float) and math.isnan(value):  # a blank number
        return None
    return value


def _as_grid(values: Any) -> list[list[Any]]:
    """`used_range.value` as rows: one cell arrives as a value and one row as a flat list."""
    if values is None:
        return []
    if not isinstance(values, list):
        return [[values]]
    if values and not isinstance(values[0], list):
        return [values]
    return values


def sheet_grid(sheet: Any) -> tuple[list[list[Any]], int, int]:
    """A sheet's used range as rows of values and its 0-based top-left (row, column)."""
    used = sheet.used_range
    return _as_grid(used.value), int(used.row) - 1, int(used.column) - 1


def read_book_scorecards(book: Any, *, skip: tuple[str, ...] = ALL_SUMMARY_SHEET_NAMES) -> tuple[list[RawScorecard], list[Issue]]:
    """The scorecard on each sheet of an open workbook (the summary's own sheets skipped)."""
    cards: list[RawScorecard] = []
    issues: list[Issue] = []
    for sheet in book.sheets:
        if sheet.name in skip:
            continue
        grid, r0, c0 = sheet_grid(sheet)
        card = read_handmade_grid(issues, BOOK, sheet.name, grid, r0, c0)
        if card is not None:
            cards.append(card)
    return cards, issues


def roster_from_rows(rows: list[list[Any]], source: str = "Roster sheet") -> Any:
    """A `kpi_xl.roster.Roster` from a sheet's rows (header row first, as in a roster file), or None
    when the rows hold no employee. Read by the roster's own rule (`kpi_xl.roster.roster_from_rows`),
    so the rules are a roster file's."""
    grid = _as_grid(rows)
    if sum(1 for r in grid if any(v not in (None, "") for v in r)) < 2:
        return None
    roster = rows_to_roster([[(i, list(r)) for i, r in enumerate(grid, start=1)]], source)
    roster.source = source
    return roster


def _sheet(book: Any, name: str) -> Any:
    for sheet in book.sheets:
        if sheet.name == name:
            sheet.clear()
            return sheet
    return book.sheets.add(name, after=book.sheets[len(book.sheets) - 1])


def write_summary_sheets(book: Any, tables: Tables, lang: str = "en") -> list[str]:
    """Write the summary's sheets into `book` (replacing earlier ones); returns their names."""
    names = []
    for content in summary_sheets(tables, lang):
        sheet = _sheet(book, content.name)
        rows: list[list[Any]] = []
        if content.columns:
            rows.append([excel_text(c.header(lang)) for c in content.columns])
        rows.extend([_plain(v) for v in row] for row in content.rows)
        if content.note:
            if len(rows) > (1 if content.columns else 0):
                rows.append([])  # a blank row between the table and its note, as in the summary file
            rows.append([excel_text(content.note)])
        width = max((len(r) for r in rows), default=0)
        if width:
            # One rectangular block in one call: cell by cell would take minutes over COM.
            sheet.range("A1").value = [r + [None] * (width - len(r)) for r in rows]
        _decorate(sheet, content, len(rows))
        names.append(content.name)
    return names


def _decorate(sheet: Any, content: Any, nrows: int) -> None:
    """Bold header, number formats, widths: nice to have, and not every xlwings runtime offers them."""
    try:
        if content.columns:
            sheet.range((1, 1), (1, len(content.columns))).font.bold = True
            for i, column in enumerate(content.columns, 1):
                if column.number_format and nrows > 1:
                    sheet.range((2, i), (nrows, i)).number_format = column.number_format
        sheet.autofit()
    except Exception:  # formatting is optional; the values are already written
        pass


def consolidate(book: Any, *, lang: str = "en", policy: Policy | str | None = None) -> Tables:
    """Roll the employee sheets of an open workbook up into summary sheets in it (xlwings Lite's
    @script): each sheet with a KPI table is one scorecard; a sheet named "Roster" gives the roster."""
    pol = policy if isinstance(policy, Policy) else load_policy(policy)
    roster = None
    for sheet in book.sheets:
        if sheet.name.strip().lower() == "roster":
            roster = roster_from_rows(sheet_grid(sheet)[0])
    cards, issues = read_book_scorecards(book, skip=ALL_SUMMARY_SHEET_NAMES + ("Roster",))
    employees = None
    if roster is not None:
        employees = roster.employees
        for problem in roster.problems:
            issues.append(Issue("Roster", "Roster", f"row {problem.row}", "warning",
                                f"roster row refused: {problem.message}"))
    tables = build_tables(cards, issues, pol, lang, employees, "the Roster sheet")
    write_summary_sheets(book, tables, lang)
    return tables


# --- xlwings Lite ---------------------------------------------------------------------------------------
# What `kpi-xl excel lite` adds to main.py for the consolidation: `kpi_xl.excel_setup.lite_main_py(
# [LITE_SCRIPT], roots=(*LITE_ROOTS, LITE_ROOT))` embeds this module with what it imports, and
# requirements.txt needs LITE_EXTRA_PACKAGES besides the cell functions' packages.
LITE_ROOT = "kpi_xl.rollup.book"
LITE_EXTRA_PACKAGES = ("pandas",)
LITE_SCRIPT = '''
import xlwings as xw
from xlwings import script


@script
def kpi_rollup(book: xw.Book):
    """kpi-xl: roll the employee scorecard sheets of this workbook up into summary sheets (English)."""
    from kpi_xl.rollup.book import consolidate

    consolidate(book, lang="en")


@script
def kpi_rollup_id(book: xw.Book):
    """kpi-xl: rekap sheet scorecard karyawan di workbook ini ke sheet ringkasan (Bahasa Indonesia)."""
    from kpi_xl.rollup.book import consolidate

    consolidate(book, lang="id")
'''
