"""How a scorecard's cells look (fonts, fills, borders, alignment, print set-up) and how text is
written into them (always as text, never as a formula).

The styles are built once and shared by every workbook; openpyxl interns them per workbook cheaply.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..io.text import put_text as write_text
from ..io.text import safe_text

NAVY, BLUE, INK, GREY = "1F3864", "2F5597", "1F2937", "6B7280"
_thin = Side(style="thin", color="C9D3E3")
_medium = Side(style="medium", color=BLUE)
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
BORDER_BOTTOM = Border(bottom=Side(style="thin", color="9CA3AF"))
BORDER_TOTAL = Border(top=_medium, bottom=_medium)
FILL_TITLE = PatternFill("solid", fgColor=NAVY)
FILL_HEAD = PatternFill("solid", fgColor=BLUE)
FILL_BAND = PatternFill("solid", fgColor="EEF3FB")
FILL_INPUT = PatternFill("solid", fgColor="FFF4C2")
FILL_TOTAL = PatternFill("solid", fgColor="DCE6F5")
FILL_LABEL = PatternFill("solid", fgColor="F3F4F6")
FONT = Font(name="Arial", size=10, color=INK)
FONT_TITLE = Font(name="Arial", size=16, bold=True, color="FFFFFF")
FONT_SUBTITLE = Font(name="Arial", size=10, italic=True, color=GREY)
FONT_HEAD = Font(name="Arial", size=10, bold=True, color="FFFFFF")
FONT_LABEL = Font(name="Arial", size=10, bold=True, color=BLUE)
FONT_BOLD = Font(name="Arial", size=10, bold=True, color=INK)
FONT_MUTED = Font(name="Arial", size=9, color=GREY)
FONT_BIG = Font(name="Arial", size=14, bold=True, color=NAVY)
FONT_SECTION = Font(name="Arial", size=12, bold=True, color=NAVY)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
WRAP_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
LEFT_CENTER = Alignment(vertical="center", horizontal="left")
RIGHT_TOP = Alignment(vertical="top", horizontal="right")
CENTER_TOP = Alignment(vertical="top", horizontal="center")
UNLOCKED = Protection(locked=False)
HIDDEN_TEXT = ";;;"  # shows nothing: a KRA's name is in every row, visible on its first row only
# Band colours from the lowest level (red) to the highest (green).
BAND_FILLS = ("F8CBAD", "FCE4D6", "FFF2CC", "E2EFDA", "A9D08E")


def put_text(ws: Worksheet, coordinate: str, value: Any) -> Any:
    """Write a value into a cell; text goes through `kpi_xl.io.text.put_text` (the one rule for text
    written back: a value beginning with "=" from a roster or role never becomes a formula)."""
    cell = ws[coordinate]
    if isinstance(value, str):
        write_text(cell, value)
    else:
        cell.value = value
    return cell


def style(cell: Any, font: Font = FONT, fill: PatternFill | None = None, border: Border | None = None,
          alignment: Alignment | None = None, number_format: str | None = None,
          unlocked: bool = False) -> Any:
    """Give `cell` a font and, where given, a fill, border, alignment, number format; unlock it."""
    cell.font = font
    if fill is not None:
        cell.fill = fill
    if border is not None:
        cell.border = border
    if alignment is not None:
        cell.alignment = alignment
    if number_format is not None:
        cell.number_format = number_format
    if unlocked:
        cell.protection = UNLOCKED
    return cell


def _lines(text: str, width: float, bold: bool = False) -> int:
    """How many lines `text` wraps to in a column `width` units wide (Arial 10 fits about 1.3 characters
    per unit, bold about 1.18, less a margin for word breaks). Spreadsheets do not grow a row for wrapped
    text written by a program, so the generator sets the height itself."""
    per_line = max(1.0, width * (1.18 if bold else 1.3))
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n")) if text else 1


def row_height(items: Iterable[tuple[Any, float, bool]], line_height: float = 12.75,
               minimum: float = 15.0) -> float:
    """Row height for the tallest of (text, column width, bold) items."""
    lines = max((_lines(text, width, bold) for text, width, bold in items), default=1)
    return max(minimum, lines * line_height + 3)


def print_setup(ws: Worksheet, area: str, title_rows: str | None, footer: str) -> None:
    """A4 landscape, one page wide, the title rows repeated, the footer naming the role and page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.print_area = area
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.left.text = safe_text(footer).replace("&", "&&")
    ws.oddFooter.right.text = "&P / &N"


def sheet_title(ws: Worksheet, title: str, intro: str, last_col: str) -> None:
    """A record sheet's title bar (row 1) and introduction (row 2), merged up to `last_col`."""
    ws.merge_cells(f"A1:{last_col}1")
    style(put_text(ws, "A1", title), FONT_TITLE, FILL_TITLE, alignment=LEFT_CENTER)
    ws.row_dimensions[1].height = 28
    ws.merge_cells(f"A2:{last_col}2")
    style(put_text(ws, "A2", intro), FONT_SUBTITLE, alignment=LEFT_CENTER)


def table_header(ws: Worksheet, row: int, headers: Iterable[str]) -> None:
    """A table's header row from column A."""
    for i, text in enumerate(headers):
        cell = put_text(ws, f"{get_column_letter(i + 1)}{row}", text)
        style(cell, FONT_HEAD, FILL_HEAD, BORDER, WRAP_CENTER)
    ws.row_dimensions[row].height = 28
