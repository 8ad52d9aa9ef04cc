"""The .xlsx (and .xlsm) check: every XML part's prolog, the parts a reader parses streamed to their end,
and each sheet's extent (`SheetExtent`: the last row and column holding a value) and error cells."""

from __future__ import annotations

import functools
import html
import posixpath
import re

from ..messages import SURROGATES
from .parts import CHUNK, XML_PART, Member, Parts, check_part, read_member, scan_part
from .problems import (
    SAVE_AS,
    TOO_MANY_ROWS,
    Inspection,
    Limits,
    Refused,
    SheetsRead,
    column_letters,
    column_number,
    refuse_extent,
    row_number,
)

_WORKBOOK_SHEET = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)>")
_ATTR = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')


def xml_attributes(tag: bytes) -> dict[bytes, bytes]:
    """The attributes in the text of one start tag, name -> value as written (entities not expanded).

    >>> xml_attributes(b' name="KPI Budi" sheetId = "2" r:id="rId2"')
    {b'name': b'KPI Budi', b'sheetId': b'2', b'r:id': b'rId2'}
    """
    return dict(_ATTR.findall(tag))


def workbook_sheet_names(workbook_xml: bytes) -> list[str]:
    """The names of the sheets an .xlsx's `xl/workbook.xml` lists, in its order.

    >>> workbook_sheet_names(b'<sheets><sheet name="Scorecard" sheetId="1"/><sheet name="R&amp;D"/></sheets>')
    ['Scorecard', 'R&D']
    """
    return [html.unescape(xml_attributes(m.group(1)).get(b"name", b"").decode("utf-8", "replace"))
            for m in _WORKBOOK_SHEET.finditer(workbook_xml)]
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")
_OFFICE_DOCUMENT = b"/officeDocument"
# Parts a reader (python-calamine) parses when it opens an .xlsx, besides the sheets it opens: these
# are streamed to their end (size and CRC checked). The workbook's shared strings and styles are
# found through its relationships too, wherever they lie.
_OPENED_NAMES = ("styles.xml", "sharedstrings.xml")


def part_key(name: str) -> str:
    """A zip part's name as readers (and Excel) look parts up: `\\` taken for `/`, case ignored.

    >>> part_key("XL/Worksheets/Sheet1.XML")
    'xl/worksheets/sheet1.xml'
    """
    return name.replace("\\", "/").lower()


def office_document(parts: Parts, infos: list[Member], keys: set[str]) -> str | None:
    """The workbook part (its `part_key`) as `_rels/.rels` names it, when that part is in the zip
    (a workbook need not lie under xl/); None when the package does not say."""
    if "_rels/.rels" not in keys:
        return None
    info = next(i for i in infos if i.key == "_rels/.rels")
    if info.file_size > 2**16:
        return None
    target = _office_target(read_member(parts, info))
    return target if target in keys else None


@functools.lru_cache(maxsize=64)  # a role's scorecards share their package relationships byte for byte
def _office_target(rels: bytes) -> str | None:
    for m in _RELATIONSHIP.finditer(rels):
        attrs = xml_attributes(m.group(1))
        if attrs.get(b"Type", b"").endswith(_OFFICE_DOCUMENT):
            target = part_key(html.unescape(attrs.get(b"Target", b"").decode("utf-8", "replace")))
            return posixpath.normpath(target.lstrip("/"))
    return None
_OPENED_TYPES = (b"/sharedStrings", b"/styles")
_KEEP_BYTES = 4 * 2**20  # workbook parts larger than this are checked but not kept for the reader
_PROLOG_PIECE = 2**10  # a part that is only checked for a DTD is unpacked this much at a time

def check_xlsx(
    parts: Parts,
    infos: list[Member],
    name: str,
    limits: Limits,
    sheets_read: SheetsRead | None,
    result: Inspection,
    book: str = "xl/workbook.xml",
    unpacked: dict[str, bytes] | None = None,
) -> None:
    """Every XML part's prolog; the workbook, its relationships, shared strings, styles and the sheets
    a reader opens streamed to their end. Which sheets: those `sheets_read` names, when each of them
    is found in one part; else every worksheet (a workbook that does not say plainly where its sheets
    are is checked whole). `unpacked` receives the parts streamed to their end (`part_key` -> bytes,
    up to `_KEEP_BYTES` each), for the package the reader opens (`package.repack`)."""
    if unpacked is None:
        unpacked = {}
    by_name = {info.key: info for info in infos}
    folder, book_rels, opened, sheets_folder = _book_paths(book)
    saved: dict[str, bytes] = {}
    # The workbook and its relationships first: they say where the sheets are and what they are called.
    for part in (book, book_rels):
        info = by_name.get(part)
        if info is not None:
            keep = info.file_size <= _KEEP_BYTES
            data = check_part(parts, info, name, limits, strict=True, keep=keep)
            if keep:
                saved[part] = unpacked[part] = data
    sheet_names: dict[str, str] = {}
    opened_parts = opened
    scanned: set[str] | None = None  # None: every worksheet
    if len(saved) == 2:
        sheet_names, typed, plain = _workbook_parts(saved[book], saved[book_rels], folder)
        opened_parts |= typed
        result.workbook_xml = saved[book]
        result.utf16 = saved[book].startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<"))
        wanted = sheets_read(saved[book]) if sheets_read is not None else None
        if wanted is not None and plain:
            where = {sheet: part for part, sheet in sheet_names.items()}
            if all(sheet in where and where[sheet] in by_name for sheet in wanted):
                scanned = {where[sheet] for sheet in wanted}
    for info in infos:
        part = info.key
        if part in saved or part.endswith("/"):
            continue
        in_sheets = part.startswith(sheets_folder) and not part.startswith(sheets_folder + "_rels/")
        # A sheet is whatever the workbook's relationships point at, wherever it lies in the zip.
        is_sheet = in_sheets or part in sheet_names
        if is_sheet and (scanned is None or part in scanned):
            sheet = sheet_names.get(part, part)
            extent = SheetExtent(name, sheet, limits)
            keep = info.file_size <= _KEEP_BYTES
            data = scan_part(parts, info, name, limits, strict=True, extent=extent, keep=keep)
            if keep:
                unpacked[part] = data
            if extent.errors:
                result.error_cells[sheet] = extent.errors
        elif part in opened_parts:
            keep = info.file_size <= _KEEP_BYTES
            data = check_part(parts, info, name, limits, strict=True, keep=keep)
            if keep:
                unpacked[part] = data
        elif part.endswith(XML_PART) or is_sheet:
            check_part(parts, info, name, limits, strict=True, prolog_only=True)


@functools.lru_cache(maxsize=64)
def _book_paths(book: str) -> tuple[str, str, frozenset[str], str]:
    """Where a workbook part's folder, relationships, the parts a reader opens with it and its sheets
    folder are ("xl", "xl/_rels/workbook.xml.rels", ..., "xl/worksheets/")."""
    folder = posixpath.dirname(book)
    book_rels = posixpath.join(folder, "_rels", posixpath.basename(book) + ".rels")
    opened = frozenset({"_rels/.rels", book, book_rels} | {posixpath.join(folder, n) for n in _OPENED_NAMES})
    return folder, book_rels, opened, posixpath.join(folder, "worksheets") + "/"


# Scorecards made from one role share their workbook part and its relationships byte for byte.
_PARTS_CACHE: dict[tuple[bytes, bytes, str], tuple[dict[str, str], frozenset[str], bool]] = {}


def _workbook_parts(workbook_xml: bytes, rels_xml: bytes,
                    folder: str = "xl") -> tuple[dict[str, str], frozenset[str], bool]:
    """Where a workbook's parts are: zip part (its `part_key`) -> sheet name ('xl/worksheets/sheet1.xml'
    -> 'Scorecard'), the shared strings and styles parts, and whether every sheet has a name and a part
    of its own. Targets are relative to `folder`, the workbook part's."""
    key = (workbook_xml, rels_xml, folder)
    found = _PARTS_CACHE.get(key)
    if found is None:
        if len(_PARTS_CACHE) >= 64:
            _PARTS_CACHE.clear()
        found = _PARTS_CACHE[key] = _parse_workbook_parts(workbook_xml, rels_xml, folder)
    return found


def _parse_workbook_parts(workbook_xml: bytes, rels_xml: bytes,
                          folder: str) -> tuple[dict[str, str], frozenset[str], bool]:
    targets: dict[bytes, str] = {}
    typed: set[str] = set()
    for m in _RELATIONSHIP.finditer(rels_xml):
        attrs = xml_attributes(m.group(1))
        target = part_key(attrs.get(b"Target", b"").decode("utf-8", "replace"))
        part = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        part = posixpath.normpath(part)
        targets[attrs.get(b"Id", b"")] = part
        if attrs.get(b"Type", b"").endswith(_OPENED_TYPES):
            typed.add(part)
    parts: dict[str, str] = {}
    plain = True
    for m in _WORKBOOK_SHEET.finditer(workbook_xml):
        attrs = xml_attributes(m.group(1))
        rid = attrs.get(b"r:id") or next((v for k, v in attrs.items() if k.endswith(b":id")), b"")
        sheet = html.unescape(attrs.get(b"name", b"").decode("utf-8", "replace"))
        part = targets.get(rid)
        if part is None or part in parts or sheet in parts.values():
            plain = False
            continue
        parts[part] = sheet
    return parts, frozenset(typed), plain


_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
# An r attribute as written, and what a reference must be: column letters and a row number, each of
# any length (a reader takes "C1000000000" and "C00000000008000000" at their word: 10^9 rows, 8 million).
_R_ATTR = re.compile(rb'\sr\s*=\s*["\']([^"\'>]*)["\']')
_CELL_REF = re.compile(rb"\$?([A-Za-z]+)\$?([0-9]+)")
_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"
_IMPLICIT = re.compile(rb"<" + _PREFIX + rb"(?:row|c)(?=[\s/>])(?![^>]*\sr\s*=)")
# As Excel, LibreOffice and openpyxl write cells: <c r="B12" ...>, r first, no prefix: found by their
# literal start (letters, digits, and "/" when the tag closes itself), several times faster than the
# general pattern below, which is used when `_all_plain` finds a cell tag written otherwise.
_PLAIN_CELL = re.compile(rb'<c r="\$?([A-Za-z]+)\$?([0-9]+)"[^>]*?(/?)>')
_PREFIXED_CELL = re.compile(rb":c[\s>/]")


_CELL_START = re.compile(rb"<c[\s/>]")


def _all_plain(data: bytes, plain: int) -> bool:
    """Every cell tag of `data` is one of the `plain` ones `_PLAIN_CELL` found (a tag such as `<c\tr=`,
    `<c/>` or `<c r="C-5">` is a cell too, for an XML parser)."""
    return len(_CELL_START.findall(data)) == plain and not _PREFIXED_CELL.search(data)


# A cell with content: its start tag has an r attribute (as written) and does not close itself.
_VALUED_CELL = re.compile(rb"<" + _PREFIX + rb"c\s[^>]*?\br\s*=\s*[\"']([^\"'>]*)[\"'][^>]*(?<!/)>")
_LAST_ROW = re.compile(rb".*<" + _PREFIX + rb"row\s[^>]*?\br\s*=\s*[\"']([0-9]+)[\"']", re.S)
_LAST_CELL = re.compile(rb".*<" + _PREFIX + rb"c\s[^>]*?\br\s*=\s*[\"']\$?([A-Za-z]+)", re.S)
# Longer references are over any limit; capping them keeps the numbers (and messages) bounded.
# The quick look at a piece of a sheet, enough for sheets as programs write them: a search for a cell
# tag that is not `<c r="B12"` with a reference nearer than any cell over a limit could be (fewer
# column letters than the column limit has, IV for 256, and fewer row digits than the row limit, 5
# for 10,000), and one for a prefixed cell tag. Nothing found: no cell of the piece can be over a
# limit. Anything found: the exact look follows every cell. One pattern per limits.
_SUSPECT_PATTERNS: dict[tuple[int, int], re.Pattern[bytes]] = {}
# The quick look for error cells: a value "e" in quotes, which an error cell's type is however it is
# spaced (`t = "e"` is an error cell to an XML parser too). Plain substring searches, several times
# cheaper than a pattern; the exact look (`_ERROR_TAG`) only when one finds something.
_ERROR_TYPES = (b'"e"', b"'e'")
_ERROR_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\s([^>]*?\bt\s*=\s*[\"']e[\"'][^>]*)>")
_ERROR_VALUE = re.compile(rb"(?:\s|<(?:[A-Za-z_][\w.-]*:)?f\b[^>]*/>|<(?:[A-Za-z_][\w.-]*:)?f\b[^>]*>[^<]*"
                          rb"</(?:[A-Za-z_][\w.-]*:)?f>)*<(?:[A-Za-z_][\w.-]*:)?v>([^<]{1,40})<")


def _suspect(limits: Limits) -> re.Pattern[bytes]:
    key = (limits.max_rows, limits.max_columns)
    pattern = _SUSPECT_PATTERNS.get(key)
    if pattern is None:
        digits = len(str(max(limits.max_rows, 1))) - 1
        letters = len(column_letters(max(limits.max_columns, 1))) - 1
        near = (
            rb' r="\$?[A-Za-z]{1,%d}\$?[0-9]{1,%d}"[\s/>]' % (letters, digits)
            if letters and digits
            else rb"(?!)"  # limits this small: every cell is looked at
        )
        pattern = re.compile(rb"<c(?!" + near + rb")[\s/>]")
        _SUSPECT_PATTERNS[key] = pattern
    return pattern


class SheetExtent:
    """The last row and column holding a value on one sheet, from its XML streamed past in pieces.

    A cell with content (`<c ...>...</c>`) counts, a styled empty cell (`<c .../>`) does not: readers
    skip those too. Rows and cells without an `r` attribute follow the previous one, as the format says.
    A reference that is no cell name ("C-5", "C1e3") is refused with the extent problems: where the
    sheet ends cannot be told.
    """

    def __init__(self, file: str, sheet: str, limits: Limits) -> None:
        self.file, self.sheet, self.limits = file, sheet, limits
        self.row = 0
        self.col = 0
        self.carry = b""
        self.implicit = False  # a row or cell without an r attribute was seen: follow them one by one
        self.previous = b""
        self.suspect = _suspect(limits)
        self.errors: dict[str, str] = {}  # cell -> error text ("#DIV/0!"), "" when not seen

    def feed(self, data: bytes) -> None:
        data = self.carry + data
        cut = data.rfind(b"<")
        if cut != -1 and data.find(b">", cut) == -1:
            data, self.carry = data[:cut], data[cut:]
            if len(self.carry) > CHUNK:
                self.carry = b""  # a tag this long is no cell reference; drop it
        else:
            self.carry = b""
        # (a quote character is found at memory speed: most sheets have no ' at all)
        if _ERROR_TYPES[0] in data or (b"'" in data and _ERROR_TYPES[1] in data):
            self._error_cells(data)
        if (not self.implicit and self.suspect.search(data) is None
                and (b":c" not in data or _PREFIXED_CELL.search(data) is None)):
            self.previous = data  # the quick look: every cell tag plain and near
            return
        cells: list[tuple[bytes, bytes]] = []
        if not self.implicit:
            found = _PLAIN_CELL.findall(data)
            if _all_plain(data, len(found)):
                cells = [(letters, digits) for letters, digits, closed in found if not closed]
            elif _IMPLICIT.search(data):
                self.implicit = True
                self._resume(self.previous)
            else:
                cells = [self._reference(raw) for raw in _VALUED_CELL.findall(data)]
        if self.implicit:
            self._one_by_one(data)
            return
        # Every tag says where it is: compare the largest row and column of the cells with content,
        # and look closer only when one is over a limit.
        if cells:
            rows = max(map(row_number, {digits for _, digits in cells}))
            cols = max(map(column_number, {letters for letters, _ in cells}))
            if rows > self.limits.max_rows or cols > self.limits.max_columns:
                for letters, digits in cells:  # the first cell over a limit, in the sheet's order
                    self._check(row_number(digits), column_number(letters))
        self.previous = data

    def _reference(self, raw: bytes) -> tuple[bytes, bytes]:
        """A cell's r attribute as (letters, digits); refused when it is no cell name."""
        ref = _CELL_REF.fullmatch(raw)
        if ref is None:
            self._unreadable_reference(raw)
        return ref.group(1), ref.group(2)

    def _error_cells(self, data: bytes) -> None:
        """Cells whose value is an error (`t="e"`): readers give them as blanks, the rollup must not."""
        for m in _ERROR_TAG.finditer(data):
            attrs = m.group(1)
            if attrs.endswith(b"/"):
                continue  # no value at all
            raw = _R_ATTR.search(b" " + attrs)
            ref = _CELL_REF.fullmatch(raw.group(1)) if raw else None
            if ref is None:
                continue  # the extent check refuses a reference that is no cell name
            value = _ERROR_VALUE.match(data, m.end())
            text = value.group(1).decode("ascii", "replace").strip() if value else ""
            self.errors[f"{ref.group(1).decode('ascii').upper()}{row_number(ref.group(2))}"] = text

    def _resume(self, data: bytes) -> None:
        """Where the previous piece ended (its last row, and the last cell in it), to go on one by one."""
        row = _LAST_ROW.match(data)
        if row:
            self.row = row_number(row.group(1))
            cell = _LAST_CELL.match(data, row.end())
            self.col = column_number(cell.group(1)) if cell else 0

    def _one_by_one(self, data: bytes) -> None:
        for m in _CELL_TAG.finditer(data):
            attrs = m.group(2)
            raw = _R_ATTR.search(attrs)
            if m.group(1) == b"row":
                if raw is None:
                    self.row += 1
                elif raw.group(1).isdigit():
                    self.row = row_number(raw.group(1))
                else:
                    self._unreadable_reference(raw.group(1))
                self.col = 0
                continue
            valued = not attrs.endswith(b"/")
            if raw is None:
                self.col += 1
            elif valued:
                letters, digits = self._reference(raw.group(1))
                self.row, self.col = row_number(digits), column_number(letters)
            else:
                ref = _CELL_REF.fullmatch(raw.group(1))  # an empty cell only moves the count on
                if ref is not None:
                    self.row, self.col = row_number(ref.group(2)), column_number(ref.group(1))
            if valued:
                self._check(self.row, self.col)

    def _unreadable_reference(self, raw: bytes) -> None:
        shown = SURROGATES.sub("\ufffd", raw[:40].decode("utf-8", "replace"))
        raise Refused(
            TOO_MANY_ROWS,
            f"{self.file}: sheet '{self.sheet}' has a cell whose reference {shown!r} is no cell name, so "
            "where the sheet ends cannot be told: "
            f"{SAVE_AS}",
            self.sheet,
        )

    def _check(self, row: int, col: int) -> None:
        refuse_extent(self.file, self.sheet, self.limits, row, col)
