"""Writing the department summary workbook (SPEC 7), streamed with openpyxl's write-only mode.

The sheets and their rows come from `layout.summary_sheets`; this module adds what a file needs: bold
frozen header rows, filters, number formats, column widths, the native bar chart on Levels and the
coloured 9-box.

Text that came from an input is always written as a text cell, never as a formula: every string goes
through `kpi_xl.io.text.safe_text` (characters an .xlsx cannot hold, such as control characters and the
lone surrogates of an undecodable file name, become U+FFFD) and is written as a string cell; a string
that a spreadsheet could take for a formula ("=HYPERLINK(...)", "+62...", "@SUM") also gets Excel's
quote prefix, so editing the cell later does not turn it into one either.
Every sheet prints as HR hands it to directors (`_print_setup`): landscape on A4 (or Letter), one page
wide at a scale that keeps text at 8 pt or more (the column widths in `layout` are held to it), rows
flowing onto further pages under the repeated header row, the title (departments, periods, date of the
rollup) above and page numbers below.
The workbook is written to a temporary file beside the target and moved into place in one step, so a
reader never sees half a summary and a crash leaves the previous summary intact. Every summary carries
the hidden workbook name `KPIXL_Summary` (`kpi_xl.contract.SUMMARY_MARKER`, value 1), so a summary can be
told from a scorecard without reading its sheets.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import os
import re
import textwrap
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.page import PageMargins
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName

from ..contract import SUMMARY_MARKER
from ..errors import KpiFileError
from ..io.files import atomic_write
from ..io.text import looks_like_formula, put_text, safe_text
from ..policy import PERFORMANCE_GROUPS
from .layout import (
    DIGITS,
    MARGIN_INCHES,
    MAX_TEXT,
    PAPERS,
    PERCENT,
    Column,
    SheetContent,
    label,
    paper_of,
    period_counts_rows,
    summary_sheets,
    summary_title,
    word,
)
from .annual import PeriodTables
from .tables import Tables

HEADER_FONT = Font(name="Calibri", size=11, bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="305496")
WRAP = Alignment(wrap_text=True, vertical="top")
LINE_HEIGHT = 15  # points per line of 11 pt text
NINE_BOX_FILLS = {("high", "high"): "C6EFCE", ("high", "medium"): "E2EFDA", ("medium", "high"): "E2EFDA",
                  ("low", "low"): "FFC7CE", ("low", "medium"): "FCE4D6", ("medium", "low"): "FCE4D6"}


# Characters of one text in a cell: Excel's 32,767, less room for the marker saying how long it was. Text
# from a scorecard was cut to `Limits.max_text` when it was read; this bounds messages and file names.
TEXT_LIMIT = MAX_TEXT - 100


def cell_text(value: str) -> str:
    """Text a cell can hold (`kpi_xl.io.text.safe_text`), at most `TEXT_LIMIT` characters."""
    return safe_text(value, TEXT_LIMIT)


def text_cell(ws: Any, value: str) -> Any:
    """A string for a write-only row: as is when harmless, else a string cell (quote-prefixed when it
    looks like a formula) holding `cell_text(value)`."""
    if len(value) <= TEXT_LIMIT and value.isprintable() and not looks_like_formula(value):
        return value
    cell = WriteOnlyCell(ws)
    put_text(cell, value, TEXT_LIMIT)  # "=HYPERLINK(...)" typed by someone stays text in the summary
    return cell


def _header_cell(ws: Any, text: str, col: Column | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws)
    put_text(cell, text, TEXT_LIMIT)  # a department's name heads a Levels column: text, never a formula
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    # Headers wrap, aligned as their column, with padding so two headers never read as one.
    cell.alignment = (Alignment(horizontal="center", vertical="top", wrap_text=True) if col is not None and col.center
                      else Alignment(horizontal="left", vertical="top", wrap_text=True, indent=1 if col else 0))
    return cell


def row_lines(values: Sequence[Any], columns: Sequence[Column],
              wrapped: Sequence[tuple[int, float]] | None = None) -> int:
    """Lines the tallest wrapped cell of a row takes: its height is set from it (Excel does not fit a row's
    height to wrapped text when it opens a file, nor LibreOffice always). `wrapped`: `wrapping(columns)`,
    when the caller writes many rows of the same columns."""
    lines = 1
    for at, width in wrapping(columns) if wrapped is None else wrapped:
        value = values[at] if at < len(values) else None
        if type(value) is str and len(value) > width - 2:
            lines = max(lines, _wrapped_lines(value, max(1, int(width) - 2)))
    return min(lines, 27)  # Excel's highest row is 409 points


def wrapping(columns: Sequence[Column]) -> list[tuple[int, float]]:
    """The columns whose text wraps (shown, `wrap`): (position, width)."""
    return [(at, col.width) for at, col in enumerate(columns) if col.wrap and not col.hidden]


@functools.lru_cache(maxsize=8192)
def _wrapped_lines(text: str, width: int) -> int:
    # The same KRA, indicator and file names come back row after row: wrap each once.
    return len(textwrap.wrap(text, width))


def _alignment(col: Column) -> Alignment:
    """Text wraps in its column, short values are centred, and every cell has a little padding (indent), so
    a level and its label never read as one ("4Exceeds Target")."""
    if col.center:
        return Alignment(horizontal="center", vertical="top", wrap_text=col.wrap)
    if col.number_format or col.whole:
        return Alignment(vertical="top", indent=1 if not col.wrap else 0)
    return Alignment(horizontal="left", vertical="top", wrap_text=col.wrap, indent=1)


def _column_cell(ws: Any, col: Column, number_format: str | None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws)
    if number_format:
        cell.number_format = number_format
    cell.alignment = _alignment(col)
    return cell


def header_lines(text: str, width: float) -> int:
    """Lines a header takes when wrapped at word boundaries in a column `width` characters wide (bold
    text is about a tenth wider).

    >>> header_lines("Bonus (x monthly salary)", 9), header_lines("Level", 7)
    (4, 1)
    """
    fits = max(1, int(width / 1.1) - 1)
    return max(1, len(textwrap.wrap(text, fits, break_long_words=True)) + text.count("\n"))


def header_height(columns: Sequence[Column], headers: Sequence[str]) -> float:
    """The header row's height in points: every header shown whole, wrapped."""
    return LINE_HEIGHT * max([header_lines(h, c.width) for c, h in zip(columns, headers)] or [1]) + 3


def note_height(note: str, columns: Sequence[Column]) -> float:
    """A note under a table is one cell merged over the table's shown columns, wrapped (a long note would
    run past the printed page): the height of its row in points."""
    width = sum(c.width for c in columns if not c.hidden) or 100
    return LINE_HEIGHT * min(27, len(textwrap.wrap(note, max(20, int(width * 0.9)))) or 1)


def _shown_span(columns: Sequence[Column]) -> str:
    shown = [i for i, c in enumerate(columns, 1) if not c.hidden] or [1]
    return get_column_letter(shown[-1])


class _TableWriter:
    """Streams one table into a write-only sheet: header, rows, then the filter over what was written."""

    def __init__(self, ws: Any, columns: Sequence[Column], lang: str) -> None:
        self.ws = ws
        self.columns = columns
        for i, col in enumerate(columns, 1):
            dim = ws.column_dimensions[get_column_letter(i)]
            dim.width = col.width
            dim.hidden = col.hidden
        ws.freeze_panes = "A2"
        headers = [col.header(lang) for col in columns]
        ws.row_dimensions[1].height = header_height(columns, headers)
        ws.append([_header_cell(ws, h, col) for h, col in zip(headers, columns)])
        self.rows = 0
        self.wrapped = wrapping(columns)

    def append(self, values: Sequence[Any]) -> None:
        row: list[Any] = []
        for value, col in zip(values, self.columns):
            kind = type(value)
            if value is None or (kind is float and math.isnan(value)):
                row.append(None)
                continue
            if kind is str:
                cell = text_cell(self.ws, value)
                if isinstance(cell, str):
                    cell = WriteOnlyCell(self.ws, cell)
            else:
                cell = WriteOnlyCell(self.ws, round(value, DIGITS) if kind is float else value)
                cell.number_format = _number_format(col, value) or "General"
            cell.alignment = _alignment(col)
            row.append(cell)
        lines = row_lines(values, self.columns, self.wrapped)
        if lines > 1:
            self.ws.row_dimensions[self.rows + 2].height = LINE_HEIGHT * lines
        self.ws.append(row)
        self.rows += 1

    def finish(self) -> None:
        if self.rows:
            self.ws.auto_filter.ref = f"A1:{get_column_letter(len(self.columns))}{self.rows + 1}"


def check_output(output: str | os.PathLike[str]) -> Path:
    """The summary's path, refused unless it is an .xlsx file in a folder that exists (checked before
    a long read, and again before writing)."""
    target = Path(output)
    if target.suffix.lower() != ".xlsx":
        raise KpiFileError(f"{target}: the summary must be an .xlsx file")
    if not target.parent.is_dir():
        raise KpiFileError(f"{target.parent}: the summary's folder does not exist")
    return target


def _number_format(col: Column, value: Any) -> str | None:
    """A column's format for one value: its `whole` format for a whole number, else its format."""
    if col.whole and type(value) in (int, float) and float(value).is_integer():
        return col.whole
    return col.number_format


@dataclass(frozen=True)
class PrintSetup:
    """How the summary prints: paper (A4 or LETTER), the title on every page, the summary's language."""

    paper: str
    title: str
    lang: str


def write_summary(tables: Tables, output: str | os.PathLike[str], lang: str = "en", *, paper: str = "A4",
                  currency: str = "IDR", base: str | os.PathLike[str] | None = None,
                  date: dt.date | None = None) -> Path:
    """Write the summary workbook atomically (a temporary file beside it, then `os.replace`).

    `paper`: "A4" or "Letter"; `currency`: the bonus amount's currency code ("IDR": Rp 13,500,000);
    `base`: the folder the rollup was given, which source files are shown from (None: the folder the
    sources have in common); `date`: the rollup's date in the printed title (None: today).
    """
    target = check_output(output)
    try:
        setup = PrintSetup(paper_of(paper), summary_title(tables, lang, date), lang)
    except ValueError as e:
        raise KpiFileError(f"{target}: {e}") from None
    skeleton, tables_xml = _skeleton(tables, lang, setup, currency, base)
    try:
        atomic_write(target, lambda tmp: _assemble(skeleton, tables_xml, str(tmp)))
    except PermissionError:
        raise KpiFileError(f"{target}: cannot write the summary (is it open in Excel? Close it and run "
                           "again)") from None
    except OSError as e:
        raise KpiFileError(f"{target}: cannot write the summary ({e.strerror or e})") from None
    return target


# The big tables are streamed as sheet XML by `_TableXml`: openpyxl's writer spends ~10 us a cell, and
# a department of 10,000 scorecards has 1.5 million. openpyxl still makes everything around them
# (styles, the Levels chart, the 9-box, the workbook part with the filters' defined names).
FAST_SHEETS = ("Summary", "By KRA", "Details", "Issues", "Missing")  # sheet keys (kpi_xl.contract.SUMMARY_SHEETS)


@dataclass
class _TableXml:
    """A table sheet to stream: its rows, and the style ids openpyxl registered for its cells."""

    content: SheetContent
    headers: list[str]
    header_styles: list[int]
    column_styles: list[int]
    whole_styles: list[int]  # a whole number in a column with a `whole` format
    selected: bool
    quote_style: int  # text that looks like a formula: quote-prefixed


def _skeleton(tables: Tables, lang: str, setup: PrintSetup | None = None, currency: str = "IDR",
              base: str | os.PathLike[str] | None = None) -> tuple[bytes, dict[str, _TableXml]]:
    """The summary made by openpyxl with the big tables' sheets left empty, and what goes in them."""
    setup = setup or PrintSetup("A4", summary_title(tables, lang), lang)
    wb = Workbook(write_only=True)
    wb.defined_names[SUMMARY_MARKER] = DefinedName(SUMMARY_MARKER, attr_text="1", hidden=True)
    wb.properties.title = setup.title
    fast: dict[str, _TableXml] = {}
    for content in summary_sheets(tables, lang, currency=currency, base=base):
        ws = wb.create_sheet(content.name)
        _print_setup(ws, setup, header_row=bool(content.columns))
        if content.key in FAST_SHEETS and content.columns and content.count is not None:
            headers = [_header_cell(ws, "", col).style_id for col in content.columns]
            styles = [_column_cell(ws, col, col.number_format).style_id for col in content.columns]
            wholes = [_column_cell(ws, col, col.whole).style_id if col.whole else s
                      for col, s in zip(content.columns, styles)]
            if content.count:
                last = get_column_letter(len(content.columns))
                ws.auto_filter.ref = f"A1:{last}{content.count + 1}"  # openpyxl names it _FilterDatabase
            quoted = WriteOnlyCell(ws)
            quoted.quotePrefix = True
            quoted.alignment = Alignment(vertical="top", wrap_text=True)
            fast[content.name] = _TableXml(content, [c.header(lang) for c in content.columns], headers,
                                           styles, wholes, selected=not fast, quote_style=quoted.style_id)
        elif content.key == "9-Box":
            _nine_box_sheet(ws, content)
        elif content.columns:
            table = _TableWriter(ws, content.columns, lang)
            for values in content.rows:
                table.append(values)
            table.finish()
            if content.key == "Levels":
                _levels_chart(ws, tables, lang)
            if content.key == "Periods" and tables.periods is not None:
                _periods_extras(ws, tables.periods, lang, table.rows)
            if content.note:
                ws.append([])  # a blank row keeps the note out of the table's region (sorting, Ctrl+A)
                at = table.rows + 3
                ws.row_dimensions[at].height = note_height(content.note, content.columns)
                ws.merged_cells.add(f"A{at}:{_shown_span(content.columns)}{at}")
                note = WriteOnlyCell(ws, content.note)
                note.alignment = WRAP
                ws.append([note])
        else:
            ws.column_dimensions["A"].width = 100
            note = WriteOnlyCell(ws, content.note)
            note.alignment = WRAP
            ws.append([note])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), fast


def _header_text(text: str) -> str:
    return text.replace("&", "&&")  # "&" starts a code in a page header (&P: the page number)


def _print_setup(ws: Any, setup: PrintSetup, header_row: bool = True) -> None:
    """Every sheet prints landscape on `setup.paper`, one page wide and as many pages down as the rows
    need, the header row repeated on each page, the title above and the page number below: HR hands the
    summary to directors on paper."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPERS[setup.paper]
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=MARGIN_INCHES, right=MARGIN_INCHES, top=0.7, bottom=0.6, header=0.3,
                                  footer=0.3)
    ws.print_options.horizontalCentered = True
    ws.oddHeader.center.text = _header_text(setup.title)
    ws.oddHeader.center.size = 10
    ws.oddFooter.center.text = word("page", setup.lang)
    ws.oddFooter.center.size = 9
    if header_row:
        ws.print_title_rows = "1:1"


_RELS_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_PKG_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part in the zip, from the workbook part and its relationships."""
    book = ElementTree.fromstring(z.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{_PKG_NS}Relationship")}
    parts = {}
    for sheet in book.iter(f"{_MAIN_NS}sheet"):
        target = targets[sheet.get(f"{_RELS_NS}id")]
        parts[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return parts


def _assemble(skeleton: bytes, fast: dict[str, _TableXml], path: str) -> None:
    with zipfile.ZipFile(io.BytesIO(skeleton)) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSION) as out:
        parts = {part: name for name, part in _sheet_parts(src).items() if name in fast}
        for info in src.infolist():
            if info.filename in parts:
                page = _page_xml(src.read(info).decode("utf-8"))
                with out.open(info.filename, "w", force_zip64=True) as f:
                    _write_table_xml(f, fast[parts[info.filename]], page)
            else:
                out.writestr(info.filename, src.read(info))


COMPRESSION = 1  # zlib level: the summary is written once; level 1 is 3x faster and 20 % bigger
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
               'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">')
_ROWS_PER_WRITE = 500


@functools.lru_cache(maxsize=16384)
def _string_cell(value: str) -> tuple[bool, str]:
    """(looks like a formula, the inline string) of a text cell. KRAs, indicators, units, file names
    and words come back row after row: each is made once."""
    return looks_like_formula(value), _xml_text(value)


def _xml_text(value: str) -> str:
    value = cell_text(value)
    text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if value[:1].isspace() or value[-1:].isspace():
        return f'<is><t xml:space="preserve">{text}</t></is>'
    return f"<is><t>{text}</t></is>"


def _page_xml(sheet_xml: str) -> tuple[str, str]:
    """The print setup openpyxl wrote for a sheet (`_print_setup`), to carry into the streamed sheet: its
    sheetPr element, and everything from printOptions/pageMargins to the end (page setup, header and
    footer), so one function decides how every sheet prints."""
    pr = re.search(r"<sheetPr\b[^>]*/>|<sheetPr\b.*?</sheetPr>", sheet_xml, re.S)
    tail = re.search(r"<(?:printOptions|pageMargins)\b.*?(?=</worksheet>)", sheet_xml, re.S)
    return (pr.group(0) if pr else "", tail.group(0) if tail else "")


def _write_table_xml(f: Any, table: _TableXml, page: tuple[str, str] = ("", "")) -> None:
    """A complete worksheet: frozen bold header, widths, the rows, the filter. Every string is an
    inline string cell: a string never becomes a formula here, whatever it starts with."""
    content = table.content
    columns = content.columns
    letters = [get_column_letter(i) for i in range(1, len(columns) + 1)]
    count = content.count or 0
    # A note goes under the table, a blank row between (see `_skeleton`), one row per line.
    note_row = count + (3 if count else 2)
    last_row = note_row if content.note else count + 1
    view = ('<sheetView workbookViewId="0"' + (' tabSelected="1"' if table.selected else "") + '>'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>')
    cols = "".join(f'<col min="{i}" max="{i}" width="{c.width}" customWidth="1"' + (' hidden="1"' if c.hidden else "")
                   + "/>" for i, c in enumerate(columns, 1))
    height = header_height(columns, table.headers)
    head = [_SHEET_HEAD, page[0] or '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>',
            f'<dimension ref="A1:{letters[-1]}{last_row}"/>', f"<sheetViews>{view}</sheetViews>",
            '<sheetFormatPr defaultRowHeight="15"/>', f"<cols>{cols}</cols><sheetData>",
            f'<row r="1" ht="{height}" customHeight="1">']
    head += [f'<c r="{letter}1" s="{style}" t="inlineStr">{_xml_text(text)}</c>'
             for letter, style, text in zip(letters, table.header_styles, table.headers)]
    head.append("</row>")
    f.write("".join(head).encode("utf-8"))
    number_cells = [f' s="{s}"' if s else "" for s in table.column_styles]
    whole_cells = [f' s="{s}"' if s else "" for s in table.whole_styles]
    quote = f' s="{table.quote_style}"'
    buffer: list[str] = []
    wrapped = wrapping(columns)
    r = 1
    for values in content.rows:
        r += 1
        lines = row_lines(values, columns, wrapped)
        parts = [f'<row r="{r}" ht="{LINE_HEIGHT * lines}" customHeight="1">' if lines > 1 else f'<row r="{r}">']
        for letter, style, whole, value in zip(letters, number_cells, whole_cells, values):
            kind = type(value)
            if value is None:
                continue
            if kind is str:
                if value:
                    formula_like, xml = _string_cell(value)
                    parts.append(f'<c r="{letter}{r}"{quote if formula_like else style} t="inlineStr">{xml}</c>')
            elif kind is float:
                if math.isfinite(value):
                    value = round(value, DIGITS)  # no float noise (96.50000000000001) for readers
                    parts.append(f'<c r="{letter}{r}"{whole if value.is_integer() else style}><v>{value!r}</v></c>')
            elif kind is int:
                parts.append(f'<c r="{letter}{r}"{whole}><v>{value}</v></c>')
            elif kind is bool:
                parts.append(f'<c r="{letter}{r}" t="b"><v>{int(value)}</v></c>')
            else:
                text = str(value)
                quoted = quote if looks_like_formula(text) else ""
                parts.append(f'<c r="{letter}{r}"{quoted} t="inlineStr">{_xml_text(text)}</c>')
        parts.append("</row>")
        buffer.append("".join(parts))
        if len(buffer) >= _ROWS_PER_WRITE:
            f.write("".join(buffer).encode("utf-8", "replace"))
            buffer.clear()
    if content.note:
        buffer.append(f'<row r="{note_row}" ht="{note_height(content.note, columns)}" customHeight="1">'
                      f'<c r="A{note_row}"{quote} t="inlineStr">{_xml_text(content.note)}</c></row>')
    tail = ["</sheetData>"]
    if count:
        tail.append(f'<autoFilter ref="A1:{letters[-1]}{count + 1}"/>')
    if content.note:
        tail.append(f'<mergeCells count="1"><mergeCell ref="A{note_row}:{_shown_span(columns)}{note_row}"/></mergeCells>')
    tail.append((page[1] or '<pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"/>') + "</worksheet>")
    f.write(("".join(buffer) + "".join(tail)).encode("utf-8", "replace"))


def _levels_chart(ws: Any, tables: Tables, lang: str) -> None:
    """A stacked column chart: scorecards per level, one colour per department."""
    counts = tables.levels
    band_rows = sum(level is not None for level, _, _ in counts.rows)
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = word("levels_title", lang)
    chart.y_axis.title = word("count", lang)
    chart.x_axis.title = label("level", lang)
    chart.height = 9
    chart.width = 18
    # Scorecards are counted in whole numbers: an integer axis (steps of 1, or a round step for big
    # departments), starting at 0. openpyxl hides axes unless told (delete=False).
    most = max([sum(per_department) for _, _, per_department in counts.rows] or [0])
    chart.y_axis.majorUnit = axis_step(most)
    chart.y_axis.number_format = "0"
    chart.y_axis.scaling.min = 0
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    if counts.departments:
        data = Reference(ws, min_col=3, max_col=2 + len(counts.departments), min_row=1, max_row=1 + band_rows)
        chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, min_row=2, max_row=1 + band_rows))
    ws.add_chart(chart, f"A{len(counts.rows) + 4}")


def _periods_extras(ws: Any, periods: PeriodTables, lang: str, table_rows: int) -> None:
    """Under the Periods table: scorecards per level and period, the department's average per period,
    and a line chart of that average (one point per period)."""
    ws.append([])
    top = table_rows + 3  # header row, the table, a blank row
    title = WriteOnlyCell(ws, word("periods_counts", lang))
    title.font = Font(bold=True)
    ws.append([title])
    rows = period_counts_rows(periods, lang)
    head = top + 1
    ws.row_dimensions[head].height = 30  # period headers ("TW III 2025") wrap to two lines
    ws.append([_header_cell(ws, str(h)) for h in rows[0]])
    label_width = int(ws.column_dimensions["B"].width or 16) - 2
    for r, values in enumerate(rows[1:], start=1):
        average = r == len(rows) - 1  # the last row: the department's average KPI value per period
        # A wrapped label needs its row's height set: Excel does not fit it when it opens the file.
        lines = _wrapped_lines(str(values[1]), max(1, label_width)) if len(str(values[1])) > label_width else 1
        ws.row_dimensions[head + r].height = 15 * lines + 2
        cells = []
        for c, value in enumerate(values):
            cell = WriteOnlyCell(ws)
            if c == 1:
                put_text(cell, value, TEXT_LIMIT)
                cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True, indent=1)
            else:
                cell.value = value
                cell.alignment = Alignment(horizontal="center", vertical="top")
                if average and c >= 2:
                    cell.number_format = PERCENT  # shown with 2 decimals, as every KPI value
            cells.append(cell)
        ws.append(cells)
    average_row = head + len(rows) - 1
    n = len(periods.periods)
    chart = LineChart()
    chart.title = word("periods_chart", lang)
    chart.y_axis.title = label("kpi_value", lang)
    chart.x_axis.title = label("period", lang)
    chart.height = 8
    chart.width = 16
    averages = [v for v in periods.averages if v == v]
    # Whole-number axis from a round value below the lowest average: KPI values are percents.
    low = math.floor(min(averages, default=0) / 10) * 10
    chart.y_axis.scaling.min = max(0, low - 10)
    chart.y_axis.majorUnit = 10
    chart.y_axis.number_format = "0"
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    data = Reference(ws, min_col=2, max_col=2 + n, min_row=average_row, max_row=average_row)
    chart.add_data(data, from_rows=True, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=3, max_col=2 + n, min_row=head, max_row=head))
    ws.add_chart(chart, f"A{average_row + 2}")


def axis_step(most: int) -> int:
    """The count axis' step: 1 up to 10 scorecards, then a round whole number giving at most 10 steps.

    >>> axis_step(3), axis_step(10), axis_step(37), axis_step(480)
    (1, 1, 5, 50)
    """
    step = 1
    while most / step > 10:
        for factor in (2, 5, 10):
            if most / (step * factor) <= 10 or factor == 10:
                step *= factor
                break
    return step


def _nine_box_sheet(ws: Any, content: SheetContent) -> None:
    rows = list(content.rows)
    ws.column_dimensions["A"].width = 24
    for letter in "BCD":
        ws.column_dimensions[letter].width = 34
    title, blank, heads, *grid = rows
    first = WriteOnlyCell(ws)
    put_text(first, title[0], TEXT_LIMIT)
    first.font = Font(bold=True, size=12)
    ws.append([first])
    ws.append(blank)
    ws.row_dimensions[3].height = 30  # "Potential \ Performance" wraps to two lines
    ws.append([_header_cell(ws, h) for h in heads])
    for r, (potential, row) in enumerate(zip(reversed(PERFORMANCE_GROUPS), grid)):
        cells = [_header_cell(ws, row[0])]
        tallest = 1
        for group, text in zip(PERFORMANCE_GROUPS, row[1:]):
            cell = WriteOnlyCell(ws)
            put_text(cell, text, TEXT_LIMIT)  # names from the roster: text, never a formula
            cell.alignment = WRAP
            cell.fill = PatternFill("solid", fgColor=NINE_BOX_FILLS.get((potential, group), "FFF2CC"))
            cells.append(cell)
            tallest = max(tallest, text.count("\n") + 1)
        ws.row_dimensions[4 + r].height = min(409, 15 * tallest + 4)
        ws.append(cells)
