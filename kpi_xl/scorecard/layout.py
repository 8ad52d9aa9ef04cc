"""Where things are on the scorecard sheet: its columns, rows and hidden helper columns, and the
defined names that point at them (the names themselves are in `kpi_xl.contract`)."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.utils import absolute_coordinate, get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

COLUMNS = ("no", "kra", "indicator", "unit", "direction", "weight", "target", "tolerance", "due", "actual",
           "score", "final")
WIDTHS = (5, 26, 40, 15, 11, 8, 13, 9, 11, 13, 9, 10)
COL = {name: get_column_letter(i + 1) for i, name in enumerate(COLUMNS)}
LAST_COL = COL["final"]
HEADER_ROW, FIRST_KPI_ROW = 10, 11
# Hidden columns: the contract marker and language (M1, M2); in native mode, per KPI row, the actual
# as typed and trimmed (TEXT_COL) and as the core reads it (NUMBER_COL); see kpi_xl.scorecard.formulas.
MARKER_COL = "M"
TEXT_COL, NUMBER_COL = "M", "N"


def define_name(wb: Workbook, name: str, ws: Worksheet, ref: str, *, hidden: bool = False) -> None:
    """A workbook-scoped defined name for a cell or range of `ws` ("C4", "J11:J17")."""
    target = f"{quote_sheetname(ws.title)}!{absolute_coordinate(ref)}"
    wb.defined_names[name] = DefinedName(name, attr_text=target, hidden=hidden or None)


def columns_width(*columns: str) -> float:
    """The width of the scorecard sheet's `columns` together."""
    return sum(WIDTHS[COLUMNS.index(c)] for c in columns)
