"""Writing the department summary workbook (SPEC 7), streamed with openpyxl's write-only mode.

The sheets and their rows come from `layout.summary_sheets`; this module adds what a file needs: bold
frozen header rows, filters, number formats, column widths, the native bar chart on Levels and the
coloured 9-box.

Text that came from an input is always written as a text cell, never as a formula: every string goes
through `kpi_xl.io.text.safe_text` (characters an .xlsx cannot hold, such as control characters and the
lone surrogates of an undecodable file name, become U+FFFD) and is written as a string cell; a string
that a spreadsheet could take for a formula ("=HYPERLINK(...)", "+62...", "@SUM") also gets Excel's
quote prefix, so editing the cell later does not turn it into one either.
The workbook is written to a temporary file beside the target and moved into place in one step, so a
reader never sees half a summary and a crash leaves the previous summary intact. Every summary carries
the hidden workbook name `KPIXL_Summary` (`kpi_xl.contract.SUMMARY_MARKER`, value 1), so a summary can be
told from a scorecard without reading its sheets.
"""

from __future__ import annotations

import io
import math
import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName

from ..contract import SUMMARY_MARKER
from ..errors import KpiFileError
from ..io.files import atomic_write
from ..io.text import looks_like_formula, put_text, safe_text
from ..policy import PERFORMANCE_GROUPS
from .layout import MAX_TEXT, Column, SheetContent, label, summary_sheets, word
from .tables import Tables

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="305496")
WRAP = Alignment(wrap_text=True, vertical="top")
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


def _header_cell(ws: Any, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws)
    put_text(cell, text, TEXT_LIMIT)  # a department's name heads a Levels column: text, never a formula
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = WRAP
    return cell


class _TableWriter:
    """Streams one table into a write-only sheet: header, rows, then the filter over what was written."""

    def __init__(self, ws: Any, columns: Sequence[Column], lang: str) -> None:
        self.ws = ws
        self.columns = columns
        for i, col in enumerate(columns, 1):
            ws.column_dimensions[get_column_letter(i)].width = col.width
        ws.freeze_panes = "A2"
        # One styled cell per formatted column, reused row after row: openpyxl writes a row's cells as
        # soon as it is appended, and making a styled cell per value would double the writing time.
        self._styled: list[WriteOnlyCell | None] = []
        for col in columns:
            cell = None
            if col.number_format:
                cell = WriteOnlyCell(ws)
                cell.number_format = col.number_format
            self._styled.append(cell)
        ws.append([_header_cell(ws, col.header(lang)) for col in columns])
        self.rows = 0

    def append(self, values: Sequence[Any]) -> None:
        row: list[Any] = []
        for value, styled in zip(values, self._styled):
            kind = type(value)
            if value is None or (kind is float and math.isnan(value)):
                row.append(None)
            elif kind is str:
                row.append(text_cell(self.ws, value))
            elif styled is not None:
                styled.value = value
                row.append(styled)
            else:
                row.append(value)
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


def write_summary(tables: Tables, output: str | os.PathLike[str], lang: str = "en") -> Path:
    """Write the summary workbook atomically (a temporary file beside it, then `os.replace`)."""
    target = check_output(output)
    skeleton, tables_xml = _skeleton(tables, lang)
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
FAST_SHEETS = ("Summary", "By KRA", "Details", "Issues", "Missing")


@dataclass
class _TableXml:
    """A table sheet to stream: its rows, and the style ids openpyxl registered for its cells."""

    content: SheetContent
    headers: list[str]
    header_style: int
    column_styles: list[int]
    selected: bool
    quote_style: int  # text that looks like a formula: quote-prefixed


def _skeleton(tables: Tables, lang: str) -> tuple[bytes, dict[str, _TableXml]]:
    """The summary made by openpyxl with the big tables' sheets left empty, and what goes in them."""
    wb = Workbook(write_only=True)
    wb.defined_names[SUMMARY_MARKER] = DefinedName(SUMMARY_MARKER, attr_text="1", hidden=True)
    fast: dict[str, _TableXml] = {}
    for content in summary_sheets(tables, lang):
        ws = wb.create_sheet(content.name)
        _print_setup(ws)
        if content.name in FAST_SHEETS and content.columns and content.count is not None:
            header = _header_cell(ws, "")
            styles = []
            for col in content.columns:
                cell = WriteOnlyCell(ws)
                if col.number_format:
                    cell.number_format = col.number_format
                styles.append(cell.style_id if col.number_format else 0)
            if content.count:
                last = get_column_letter(len(content.columns))
                ws.auto_filter.ref = f"A1:{last}{content.count + 1}"  # openpyxl names it _FilterDatabase
            quoted = WriteOnlyCell(ws)
            quoted.quotePrefix = True
            fast[content.name] = _TableXml(content, [c.header(lang) for c in content.columns], header.style_id,
                                           styles, selected=not fast, quote_style=quoted.style_id)
        elif content.name == "9-Box":
            _nine_box_sheet(ws, content)
        elif content.columns:
            table = _TableWriter(ws, content.columns, lang)
            for values in content.rows:
                table.append(values)
            table.finish()
            if content.name == "Levels":
                _levels_chart(ws, tables, lang)
            if content.note:
                ws.append([])  # a blank row keeps the note out of the table's region (sorting, Ctrl+A)
                ws.append([content.note])
        else:
            ws.column_dimensions["A"].width = 100
            ws.append([content.note])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), fast


def _print_setup(ws: Any) -> None:
    """Every sheet prints landscape, one page wide, as HR hands the summary to management on paper."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True


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
                with out.open(info.filename, "w", force_zip64=True) as f:
                    _write_table_xml(f, fast[parts[info.filename]])
            else:
                out.writestr(info.filename, src.read(info))


COMPRESSION = 1  # zlib level: the summary is written once; level 1 is 3x faster and 20 % bigger
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
               'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">')
_ROWS_PER_WRITE = 500


def _xml_text(value: str) -> str:
    value = cell_text(value)
    text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if value[:1].isspace() or value[-1:].isspace():
        return f'<is><t xml:space="preserve">{text}</t></is>'
    return f"<is><t>{text}</t></is>"


def _write_table_xml(f: Any, table: _TableXml) -> None:
    """A complete worksheet: frozen bold header, widths, the rows, the filter. Every string is an
    inline string cell: a string never becomes a formula here, whatever it starts with."""
    content = table.content
    columns = content.columns
    letters = [get_column_letter(i) for i in range(1, len(columns) + 1)]
    count = content.count or 0
    # A note goes under the table, a blank row between (see `_skeleton`).
    note_row = count + (3 if count else 2)
    last_row = note_row if content.note else count + 1
    view = ('<sheetView workbookViewId="0"' + (' tabSelected="1"' if table.selected else "") + '>'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>')
    cols = "".join(f'<col min="{i}" max="{i}" width="{c.width}" customWidth="1"/>'
                   for i, c in enumerate(columns, 1))
    head = [_SHEET_HEAD, '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>',
            f'<dimension ref="A1:{letters[-1]}{last_row}"/>', f"<sheetViews>{view}</sheetViews>",
            '<sheetFormatPr defaultRowHeight="15"/>', f"<cols>{cols}</cols><sheetData>", '<row r="1">']
    head += [f'<c r="{letter}1" s="{table.header_style}" t="inlineStr">{_xml_text(text)}</c>'
             for letter, text in zip(letters, table.headers)]
    head.append("</row>")
    f.write("".join(head).encode("utf-8"))
    number_cells = [f' s="{s}"' if s else "" for s in table.column_styles]
    quote = f' s="{table.quote_style}"'
    buffer: list[str] = []
    r = 1
    for values in content.rows:
        r += 1
        parts = [f'<row r="{r}">']
        for letter, style, value in zip(letters, number_cells, values):
            kind = type(value)
            if value is None:
                continue
            if kind is str:
                if value:
                    quoted = quote if looks_like_formula(value) else ""
                    parts.append(f'<c r="{letter}{r}"{quoted} t="inlineStr">{_xml_text(value)}</c>')
            elif kind is float:
                if math.isfinite(value):
                    parts.append(f'<c r="{letter}{r}"{style}><v>{value!r}</v></c>')
            elif kind is int:
                parts.append(f'<c r="{letter}{r}"{style}><v>{value}</v></c>')
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
        buffer.append(f'<row r="{note_row}"><c r="A{note_row}" t="inlineStr">{_xml_text(content.note)}</c></row>')
    tail = ["</sheetData>"]
    if count:
        tail.append(f'<autoFilter ref="A1:{letters[-1]}{count + 1}"/>')
    tail.append('<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
                '<pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"/></worksheet>')  # as _print_setup
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
    if counts.departments:
        data = Reference(ws, min_col=3, max_col=2 + len(counts.departments), min_row=1, max_row=1 + band_rows)
        chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, min_row=2, max_row=1 + band_rows))
    ws.add_chart(chart, f"A{len(counts.rows) + 4}")


def _nine_box_sheet(ws: Any, content: SheetContent) -> None:
    rows = list(content.rows)
    ws.column_dimensions["A"].width = 18
    for letter in "BCD":
        ws.column_dimensions[letter].width = 36
    title, blank, heads, *grid = rows
    first = WriteOnlyCell(ws)
    put_text(first, title[0], TEXT_LIMIT)
    first.font = Font(bold=True, size=12)
    ws.append([first])
    ws.append(blank)
    corner = WriteOnlyCell(ws)
    put_text(corner, heads[0], TEXT_LIMIT)
    corner.font = Font(bold=True)
    ws.append([corner] + [_header_cell(ws, h) for h in heads[1:]])
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
