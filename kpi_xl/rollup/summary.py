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
import itertools
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
    ROWS_AT_A_TIME,
    MARGIN_INCHES,
    MAX_TEXT,
    PAPERS,
    PERCENT,
    Column,
    FrameRows,
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
    if len(value) <= TEXT_LIMIT and value.isprintable():
        return value  # what safe_text replaces is never printable: nothing to replace nor cut
    return safe_text(value, TEXT_LIMIT)


def text_cell(ws: Any, value: str) -> Any:
    """A string for a write-only row: as is when harmless, else a string cell (quote-prefixed when it
    looks like a formula) holding `cell_text(value)`."""
    if not looks_like_formula(value) and cell_text(value) == value:
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


MOST_LINES = 27  # Excel's highest row is 409 points


def text_lines(value: Any, width: float) -> int:
    """Lines a value takes in a wrapped column `width` characters wide: more than 1 only for text longer
    than the column holds (a cell keeps a character of padding on each side)."""
    if type(value) is str and len(value) > width - 2:
        return _wrapped_lines(value, max(1, int(width) - 2))
    return 1


def row_lines(values: Sequence[Any], columns: Sequence[Column],
              wrapped: Sequence[tuple[int, float]] | None = None) -> int:
    """Lines the tallest wrapped cell of a row takes: its height is set from it (Excel does not fit a row's
    height to wrapped text when it opens a file, nor LibreOffice always). `wrapped`: `wrapping(columns)`,
    when the caller writes many rows of the same columns."""
    lines = [text_lines(values[at] if at < len(values) else None, width)
             for at, width in (wrapping(columns) if wrapped is None else wrapped)]
    return min(max([1, *lines]), MOST_LINES)


def block_lines(block: Sequence[Sequence[Any]], wrapped: Sequence[tuple[int, float]]) -> list[int]:
    """`row_lines` of every row of a block of columns (`FrameRows.blocks`): each wrapped column's texts are
    measured once a block (a name comes back on every KPI row of its scorecard), numbers not at all."""
    rows = len(block[0]) if block else 0
    lines = [list(map(_LinesIn(width).__getitem__, block[at])) for at, width in wrapped if at < len(block)]
    return [min(n, MOST_LINES) for n in map(max, itertools.repeat(1, rows), *lines)]


class _LinesIn(dict):  # type: ignore[type-arg]
    """value -> `text_lines` in a column `width` wide, worked out on first sight."""

    def __init__(self, width: float) -> None:
        super().__init__()
        self.width = width

    def __missing__(self, value: Any) -> int:
        lines = self[value] = text_lines(value, self.width)
        return lines


def wrapping(columns: Sequence[Column]) -> list[tuple[int, float]]:
    """The columns whose text wraps (shown, `wrap`): (position, width)."""
    return [(at, col.width) for at, col in enumerate(columns) if col.wrap and not col.hidden]


@functools.lru_cache(maxsize=8192)
def _wrapped_lines(text: str, width: int) -> int:
    """len(textwrap.wrap(text, width)). The same KRA, indicator and file names come back row after row:
    each is wrapped once; a name or a file, on every sheet at another width, is counted by `_packed_lines`
    when it can be (textwrap spends ~10 us on each)."""
    words = text.split(" ")
    if text.isascii() and text.isprintable() and "-" not in text and all(words) and max(map(len, words)) <= width:
        return _packed_lines(words, width)
    return len(textwrap.wrap(text, width))


def _packed_lines(words: list[str], width: int) -> int:
    """The lines textwrap makes of `words` one space apart, each of printable ASCII with no hyphen and no
    longer than a line (so none is broken): as many words on a line as fit, with a space between each."""
    lines, used = 1, len(words[0])
    for length in map(len, words[1:]):
        if used + 1 + length <= width:
            used += 1 + length
        else:
            lines, used = lines + 1, length
    return lines


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


# The big tables are streamed as sheet XML by `_write_table_xml`: openpyxl's writer spends ~10 us a cell,
# and a department of 10,000 scorecards has 1.5 million. openpyxl still makes everything around them
# (styles, the charts, the 9-box, the workbook part with the filters' defined names).
FAST_SHEETS = ("Summary", "By KRA", "Details", "Issues", "Missing", "Periods")  # keys (kpi_xl.contract.SUMMARY_SHEETS)


class _Line:
    """A row under a table (its note; the counts under Periods): cells openpyxl made, from column A, and the
    row's height in points (None: one line)."""

    def __init__(self, cells: Sequence[Any], height: float | None = None, spans_table: bool = False) -> None:
        self.cells = _styled(cells)
        self.height = height
        self.spans_table = spans_table  # merged over the table's shown columns (a note, wrapped)


def _styled(cells: Sequence[Any]) -> list[tuple[Any, int]]:
    """(value, style id) of openpyxl's cells. A cell's style joins the workbook's styles when its id is first
    asked for: here, before the workbook is saved, not when the sheet is streamed after it."""
    return [(cell.value, cell.style_id) for cell in cells]


@dataclass
class _TableXml:
    """A table sheet to stream: its rows, and the cells and styles openpyxl made for it."""

    content: SheetContent
    header: list[tuple[Any, int]]  # `_styled` header cells
    header_height: float
    cells: list[_ColumnCells]  # per column: how its values become cells
    below: list[_Line]
    selected: bool


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
            fast[content.name] = _table_xml(ws, content, tables, lang, selected=not fast)
        elif content.key == "9-Box":
            _nine_box_sheet(ws, content)
        elif content.columns:
            table = _TableWriter(ws, content.columns, lang)
            for values in content.rows:
                table.append(values)
            table.finish()
            if content.key == "Levels":
                _levels_chart(ws, tables, lang)
            if content.note:
                ws.append([])  # a blank row keeps the note out of the table's region (sorting, Ctrl+A)
                at = table.rows + 3
                ws.row_dimensions[at].height = note_height(content.note, content.columns)
                ws.merged_cells.add(f"A{at}:{_shown_span(content.columns)}{at}")
                ws.append([_note_cell(ws, content.note)])
        else:
            ws.column_dimensions["A"].width = 100
            ws.append([_note_cell(ws, content.note)])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), fast


def _note_cell(ws: Any, note: str | None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, note)
    cell.alignment = WRAP
    return cell


def _first_row_below(count: int) -> int:
    """Where the lines under a streamed table start: a blank row keeps them out of the table's region
    (sorting, Ctrl+A); under a header with no rows, right below it."""
    return count + 3 if count else 2


def _table_xml(ws: Any, content: SheetContent, tables: Tables, lang: str, selected: bool) -> _TableXml:
    """What `_write_table_xml` needs to stream a table into `ws`'s part: the styles of its cells, registered
    in the workbook through cells made here, the filter's name, the lines under it and their chart."""
    columns = content.columns
    count = content.count or 0
    if count:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"  # openpyxl names it _FilterDatabase
    below = []
    if content.key == "Periods" and tables.periods is not None:
        below += _periods_below(ws, tables.periods, lang, _first_row_below(count), columns[1].width)
    if content.note:
        below.append(_Line([_note_cell(ws, content.note)], note_height(content.note, columns), spans_table=True))
    headers = [col.header(lang) for col in columns]
    cells = []
    for at, col in enumerate(columns, 1):
        quoted = _column_cell(ws, col, None)  # as `put_text` makes text that looks like a formula
        quoted.quotePrefix = True
        cells.append(_ColumnCells(get_column_letter(at), _column_cell(ws, col, col.number_format).style_id,
                                  _column_cell(ws, col, col.whole).style_id if col.whole else None,
                                  quoted.style_id))
    return _TableXml(content, _styled([_header_cell(ws, h, col) for h, col in zip(headers, columns)]),
                     header_height(columns, headers), cells, below, selected)


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


def _inline(text: str) -> str:
    """An inline string of text a cell may hold as it is (`cell_text`)."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if text[:1].isspace() or text[-1:].isspace():
        return f'<is><t xml:space="preserve">{escaped}</t></is>'
    return f"<is><t>{escaped}</t></is>"


def _page_xml(sheet_xml: str) -> tuple[str, str]:
    """The print setup openpyxl wrote for a sheet (`_print_setup`), to carry into the streamed sheet: its
    sheetPr element, and everything from printOptions/pageMargins to the end (page setup, header and
    footer, the drawing of a chart), so one function decides how every sheet prints."""
    pr = re.search(r"<sheetPr\b[^>]*/>|<sheetPr\b.*?</sheetPr>", sheet_xml, re.S)
    tail = re.search(r"<(?:printOptions|pageMargins)\b.*?(?=</worksheet>)", sheet_xml, re.S)
    return (pr.group(0) if pr else "", tail.group(0) if tail else "")


class _TextTails(dict):  # type: ignore[type-arg]
    """text -> the rest of its cell after the reference (style, inline string), made on first sight: a
    KRA, an indicator, a name comes back row after row."""

    def __init__(self, style: str, quote: str) -> None:
        super().__init__()
        self.style = style
        self.quote = quote  # text that looks like a formula: quote-prefixed, never a formula

    def __missing__(self, text: str) -> str:
        tail = self[text] = (f'{self.quote if looks_like_formula(text) else self.style} t="inlineStr">'
                             f"{_inline(cell_text(text))}</c>")
        return tail


class _ColumnCells:
    """One column's cells, a block of rows at a time (`FrameRows.blocks`): every string an inline string
    cell (never a formula, whatever it starts with), numbers in the column's format, a whole number in its
    `whole` format when it has one; no cell for a blank, an empty text or a number that is not finite."""

    def __init__(self, letter: str, style: int, whole: int | None, quote: int) -> None:
        self.head = f'<c r="{letter}'
        self.style = f' s="{style}"' if style else ""
        self.whole = f' s="{whole}"' if whole else self.style
        self.quote = f' s="{quote}"'

    def __call__(self, values: list[Any], rows: list[str]) -> list[str] | None:
        """The cells of `values` in rows `rows` ("2", "3", ...), "" where there is none; None for none at all."""
        kinds = set(map(type, values))
        kinds.discard(type(None))
        if len(kinds) > 1:  # a column of mixed values: each by its kind
            return [(self([value], [r]) or [""])[0] for r, value in zip(rows, values)]
        kind = kinds.pop() if kinds else None
        head, style, whole = self.head, self.style, self.whole
        if kind is None:
            return None
        if kind is str:
            tails = _TextTails(style, self.quote)
            return [f'{head}{r}"{tails[v]}' if v else "" for r, v in zip(rows, values)]
        if kind is float:  # v - v == 0: finite (not inf, nor nan)
            if whole != style:
                return [f'{head}{r}"{whole if v.is_integer() else style}><v>{v!r}</v></c>'
                        if v is not None and v - v == 0 else "" for r, v in zip(rows, values)]
            return [f'{head}{r}"{style}><v>{v!r}</v></c>' if v is not None and v - v == 0 else ""
                    for r, v in zip(rows, values)]
        if kind is int:
            return [f'{head}{r}"{whole}><v>{v}</v></c>' if v is not None else "" for r, v in zip(rows, values)]
        if kind is bool:
            return [f'{head}{r}" t="b"><v>{int(v)}</v></c>' if v is not None else "" for r, v in zip(rows, values)]
        tails = _TextTails("", self.quote)  # anything else (a date) as its text
        return [f'{head}{r}"{tails[str(v)]}' if v is not None else "" for r, v in zip(rows, values)]


def _column_blocks(rows: Any, width: int) -> Any:
    """A table's rows a block of columns at a time, `width` columns (a short row is padded with blanks)."""
    if isinstance(rows, FrameRows):
        yield from rows.blocks()
        return
    rows = iter(rows)
    while block := list(itertools.islice(rows, ROWS_AT_A_TIME)):
        yield [list(column) for column in itertools.zip_longest(*block)][:width]


def _written_cells(r: str, cells: Sequence[tuple[Any, int]], letters: Sequence[str]) -> str:
    """Cells openpyxl made (a header, the lines under a table: `_styled`) in row `r`; their text is already
    what a cell may hold (`put_text`)."""
    out = []
    for letter, (value, style_id) in zip(letters, cells):
        if value is None or value == "":
            continue
        style = f' s="{style_id}"' if style_id else ""
        if type(value) is str:
            out.append(f'<c r="{letter}{r}"{style} t="inlineStr">{_inline(value)}</c>')
        elif type(value) is bool:
            out.append(f'<c r="{letter}{r}"{style} t="b"><v>{int(value)}</v></c>')
        else:
            out.append(f'<c r="{letter}{r}"{style}><v>{value}</v></c>')
    return "".join(out)


def _block_xml(block: list[list[Any]], first: int, cells: Sequence[_ColumnCells],
               wrapped: Sequence[tuple[int, float]]) -> str:
    """The rows of a block of columns, numbered from `first`, each as tall as its tallest wrapped text."""
    rows = list(map(str, range(first, first + len(block[0]))))
    opening = [f'<row r="{r}" ht="{LINE_HEIGHT * n}" customHeight="1">' if n > 1 else f'<row r="{r}">'
               for r, n in zip(rows, block_lines(block, wrapped))]
    columns = [c for c in (write(values, rows) for write, values in zip(cells, block)) if c is not None]
    return "".join([f'{o}{"".join(c)}</row>' for o, c in zip(opening, zip(*columns))] if columns
                   else [f"{o}</row>" for o in opening])


def _write_table_xml(f: Any, table: _TableXml, page: tuple[str, str] = ("", "")) -> None:
    """A complete worksheet: frozen bold header, widths, the rows, the filter, the lines under the table."""
    content = table.content
    columns = content.columns
    count = content.count or 0
    first_below = _first_row_below(count)
    last_row = first_below + len(table.below) - 1 if table.below else count + 1
    letters = [get_column_letter(i) for i in range(1, max([len(columns)] + [len(x.cells) for x in table.below]) + 1)]
    view = ('<sheetView workbookViewId="0"' + (' tabSelected="1"' if table.selected else "") + '>'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>')
    cols = "".join(f'<col min="{i}" max="{i}" width="{c.width}" customWidth="1"' + (' hidden="1"' if c.hidden else "")
                   + "/>" for i, c in enumerate(columns, 1))
    f.write("".join([
        _SHEET_HEAD, page[0] or '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>',
        f'<dimension ref="A1:{letters[-1]}{last_row}"/>', f"<sheetViews>{view}</sheetViews>",
        '<sheetFormatPr defaultRowHeight="15"/>', f"<cols>{cols}</cols><sheetData>",
        f'<row r="1" ht="{table.header_height}" customHeight="1">{_written_cells("1", table.header, letters)}</row>',
    ]).encode("utf-8"))
    wrapped = wrapping(columns)
    first = 2
    for block in _column_blocks(content.rows, len(columns)):
        f.write(_block_xml(block, first, table.cells, wrapped).encode("utf-8", "replace"))
        first += len(block[0])
    tail, merged = [], []
    for r, line in enumerate(table.below, first_below):
        height = f' ht="{line.height}" customHeight="1"' if line.height else ""
        tail.append(f'<row r="{r}"{height}>{_written_cells(str(r), line.cells, letters)}</row>')
        if line.spans_table:
            merged.append(f'<mergeCell ref="A{r}:{_shown_span(columns)}{r}"/>')
    tail.append("</sheetData>")
    if count:
        tail.append(f'<autoFilter ref="A1:{get_column_letter(len(columns))}{count + 1}"/>')
    if merged:
        tail.append(f'<mergeCells count="{len(merged)}">{"".join(merged)}</mergeCells>')
    tail.append((page[1] or '<pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"/>') + "</worksheet>")
    f.write("".join(tail).encode("utf-8", "replace"))


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


def _periods_below(ws: Any, periods: PeriodTables, lang: str, top: int, label_width: float) -> list[_Line]:
    """Under the Periods table, from row `top`: scorecards per level and period, the department's average
    per period, and a line chart of that average (one point per period), added to `ws`."""
    title = WriteOnlyCell(ws, word("periods_counts", lang))
    title.font = Font(bold=True)
    rows = period_counts_rows(periods, lang)
    head = top + 1
    lines = [_Line([title]), _Line([_header_cell(ws, str(h)) for h in rows[0]], 30)]  # "TW III 2025" wraps
    for r, values in enumerate(rows[1:], start=1):
        average = r == len(rows) - 1  # the last row: the department's average KPI value per period
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
        # A wrapped label needs its row's height set: Excel does not fit it when it opens the file.
        lines.append(_Line(cells, 15 * text_lines(str(values[1]), label_width or 16) + 2))
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
    return lines


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
