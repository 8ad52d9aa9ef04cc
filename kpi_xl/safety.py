"""The safety layer: a workbook is checked before anything unpacks it, numbers typed as text are read
only when they are unambiguous, and text from inputs is written back as text.

`preflight(path)` looks at a file with the standard library only and answers with one `FileProblem` or
None: the name (Excel's `~$` lock files), the size, the magic bytes (a PNG or CSV renamed .xlsx), the
zip's central directory (a zip bomb is refused there, before anything is unpacked: sizes, ratios,
parts), the first kilobyte of every XML part (a DTD in its prolog, where entity bombs live), the parts
a reader parses streamed to their end in 64 KB pieces (the workbook, its relationships, styles and
shared strings, and the sheets it opens: their size and CRC against the directory, so a part whose
header lies is refused; a sheet's cell references, for its extent), the OLE2 directory of .xls and
password-protected files, and the BIFF records of an .xls. It never raises for a bad file and keeps
no part in memory but the workbook part. The rollup calls `check_file` on every input before
python-calamine opens it, because python-calamine builds a dense grid from the first to the last cell:
a 400-byte .xlsx with values in A1 and XFD100000 asks it for 52 GB and the process aborts (a Rust
allocation failure, not an exception anyone can catch). `check_file` also hands the reader the bytes
it checked, the workbook part, the cells holding error values, and streams only the sheets the reader
will open (a generated scorecard's own sheet, not its record sheets), so a normal file costs a
fraction of a millisecond.

Numbers typed as text are read by `kpi_xl.values.read_number`.

Text (`safe_text`, `put_text`): a name or indicator that starts with "=" is kept exactly as typed and
written as a string cell with Excel's quote prefix, so nothing evaluates it, now or when someone edits
the cell later; characters that an .xlsx cannot hold are replaced by U+FFFD, and very long text is cut
to `Limits.max_text` characters with a marker saying how long it was.

Nothing here imports openpyxl or pandas; `put_text` takes an openpyxl cell the caller already has.
"""

from __future__ import annotations

import codecs
import html
import io
import math
import os
import posixpath
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

ERROR, WARNING, INFO = "error", "warning", "info"  # the rollup's severities (kpi_xl.rollup.model)

# Problem codes: what `FileProblem.code` can be.
EMPTY = "empty"
TOO_LARGE = "too-large"
NOT_A_WORKBOOK = "not-a-workbook"
WRONG_EXTENSION = "wrong-extension"
CORRUPT = "corrupt"
ENCRYPTED = "encrypted"
ZIP_BOMB = "zip-bomb"
XML_ENTITIES = "xml-entities"
TOO_MANY_ROWS = "too-many-rows"
TOO_MANY_COLUMNS = "too-many-columns"
LOCK_FILE = "lock-file"
OTHER_FILE = "other-file"
UNREADABLE = "unreadable"
CODES = (
    EMPTY,
    TOO_LARGE,
    NOT_A_WORKBOOK,
    WRONG_EXTENSION,
    CORRUPT,
    ENCRYPTED,
    ZIP_BOMB,
    XML_ENTITIES,
    TOO_MANY_ROWS,
    TOO_MANY_COLUMNS,
    LOCK_FILE,
    OTHER_FILE,
    UNREADABLE,
)

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
LOCK_PREFIX = "~$"


@dataclass(frozen=True)
class Limits:
    """How big an input may be. Every limit is checked before the file is unpacked.

    A filled scorecard is tens of kilobytes, a dozen columns and a few dozen rows; the defaults leave
    room for a hundred times that and keep one process far below 400 MB on any input:

    - `max_file_bytes` (50 MB): the file on disk.
    - `max_unpacked_bytes` (200 MB): all parts of a zip (.xlsx, .xlsm, .ods) together, unpacked,
      as the zip's central directory declares them.
    - `max_ratio` (100): unpacked / packed size of one part bigger than `ratio_floor_bytes` (1 MB);
      spreadsheet XML packs about 10:1, a zip bomb about 1000:1.
    - `max_members` (2,000): parts in one zip; a scorecard has about 15.
    - `max_rows` (10,000) and `max_columns` (256): the last row and column holding a value, on any
      sheet. A reader builds a grid that big (32 bytes a cell), so 10,000 × 256 cells is about 80 MB.
    - `max_text` (1,000): characters of one text kept in the summary; the rest is cut with a note.
    - `xml_prolog_bytes` (64 KB): how far into an XML part its first element must start; a DOCTYPE
      (where entity bombs live) can only come before it.
    """

    max_file_bytes: int = 50 * 2**20
    max_unpacked_bytes: int = 200 * 2**20
    max_ratio: float = 100.0
    ratio_floor_bytes: int = 2**20
    max_members: int = 2_000
    max_rows: int = 10_000
    max_columns: int = 256
    max_text: int = 1_000
    xml_prolog_bytes: int = 64 * 2**10


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class FileProblem:
    """Why a file is not read: one row of the rollup's Issues sheet.

    `code` is one of `CODES`; `message` names the file (and the limit, where one applies) and says
    what HR should do. `sheet` and `cell` are set when the problem sits on one sheet.
    """

    file: str
    code: str
    severity: str
    message: str
    sheet: str = ""
    cell: str = ""

    def __str__(self) -> str:
        where = ":".join(p for p in (self.file, self.sheet, self.cell) if p)
        return f"{where}: {self.severity}: {self.message}"


# --- names and sizes in messages ----------------------------------------------------------------------

_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def shown_name(path: str | os.PathLike[str], limit: int = 80) -> str:
    """A file's name as a message shows it, quoted: control and bidi characters escaped, bytes that are
    no UTF-8 shown as U+FFFD, the middle of a very long name left out (the extension stays).

    >>> print(shown_name("/hr/in/name with\\nnewline.xlsx"))
    'name with\\nnewline.xlsx'
    >>> print(shown_name("a" * 30 + "b" * 200 + ".xlsx", limit=40))
    'aaaaaaaaaaaaaaaaaaaaaaaa…bbbbbbbbbb.xlsx'
    """
    name = _SURROGATE.sub("\ufffd", os.path.basename(os.fspath(path)))
    name = _UNSAFE_NAME.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), name)
    if len(name) > limit:
        name = name[: limit - 16] + "…" + name[-15:]  # the end keeps the extension
    return f"'{name}'"


def _mb(n: float) -> str:
    return f"{n / 2**20:,.0f} MB" if n >= 2**20 else f"{n / 2**10:,.0f} KB"


# --- preflight ----------------------------------------------------------------------------------------

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_SAVE_AS = "open it in Excel and save it as .xlsx (Excel Workbook), then send it again"
_PASSWORD = (
    "is password-protected: open it, remove the password (File > Info > Protect Workbook > "
    "Encrypt with Password, clear it) and send it again"
)


class _Refused(Exception):
    """Internal: a check found its problem; the message is complete."""

    def __init__(self, code: str, message: str, sheet: str = "", cell: str = "") -> None:
        super().__init__(message)
        self.code, self.message, self.sheet, self.cell = code, message, sheet, cell


@dataclass
class Inspection:
    """What `check_file` found: the problem that keeps a file from being read (None: it may be read),
    and what the reader can use instead of reading the file a second time.

    `data` is the whole file of a zip container (.xlsx, .xlsm, .ods) that passed, so the reader opens
    the very bytes that were checked; `workbook_xml` is an .xlsx's `xl/workbook.xml` (its defined names
    say which sheets a generated scorecard holds); `error_cells` maps a sheet's name to the cells whose
    value is an error (`#DIV/0!`, `#N/A`: readers return them as blanks), cell -> error text, for every
    sheet streamed through.
    """

    problem: FileProblem | None = None
    data: bytes | None = None
    workbook_xml: bytes | None = None
    error_cells: dict[str, dict[str, str]] = field(default_factory=dict)


SheetsRead = Callable[[bytes], "Collection[str] | None"]


def preflight(path: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS) -> FileProblem | None:
    """The problem that keeps one input file from being read safely, or None when it may be opened.

    Looks only at what is cheap and bounded: the name, the size, the first bytes, the zip's central
    directory (sizes, ratios, parts), the first kilobytes of every XML part (a DTD in its prolog), the
    parts a reader parses streamed to their end (sizes and CRCs against the directory, the sheets'
    cell references for their extent), the OLE2 directory and BIFF records of an .xls. A file that
    passes can still hold no scorecard; that is for the reader to say. `check_file` does the same and
    also returns what it read.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     empty = pathlib.Path(folder) / "budi.xlsx"
    ...     _ = empty.write_bytes(b"")
    ...     problem = preflight(empty)
    >>> problem.code, problem.severity
    ('empty', 'error')
    """
    return _name_problem(path) or check_file(path, limits).problem


def _name_problem(path: str | os.PathLike[str]) -> FileProblem | None:
    """What a file's name alone says: Excel's lock file, or no workbook at all (both skipped, info).
    The rollup sorts files by name before it reads any (`kpi_xl.rollup.reader.find_files`), so only
    `preflight` needs this; `check_file` is handed workbooks."""
    p = Path(path)
    name = shown_name(p)
    if p.name.startswith(LOCK_PREFIX):
        message = (f"{name} is Excel's lock file (the workbook was open when the folder was copied); "
                   "skipped, nothing to do")
        return FileProblem(str(path), LOCK_FILE, INFO, message)
    if p.suffix.lower() not in WORKBOOK_SUFFIXES:
        message = f"{name} is not a workbook (.xlsx, .xlsm, .xls, .ods); skipped"
        return FileProblem(str(path), OTHER_FILE, INFO, message)
    return None


def check_file(
    path: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS, *, sheets_read: SheetsRead | None = None
) -> Inspection:
    """`preflight` of a file already taken for a workbook (its name is not looked at: the caller sorted
    out lock files and other files), returning an `Inspection` the reader goes on from (the file's
    bytes, its workbook part, its error cells).

    `sheets_read(workbook_xml)` names the sheets the reader will open (None: all of them): only those
    are streamed to the end for their extent. The rollup passes the sheets of a generated scorecard's
    defined names and any sheet added to it, so the KRA record, task and policy sheets beside the
    scorecard are only checked for a DTD, and nothing of a kpi-xl summary (an empty collection).
    Without it every worksheet is streamed. Never raises for a bad file.
    """
    p = Path(path)
    name = shown_name(p)
    suffix = p.suffix.lower()
    result = Inspection()
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise _Refused(
                UNREADABLE,
                f"{name} is not a regular file (a folder, pipe or device); "
                "put the scorecard itself in the folder",
            )
        if st.st_size == 0:
            raise _Refused(
                EMPTY,
                f"{name} is empty (0 bytes), probably cut off while copying: ask for the scorecard again",
            )
        if st.st_size > limits.max_file_bytes:
            raise _Refused(
                TOO_LARGE,
                f"{name} is {_mb(st.st_size)}, over the limit of "
                f"{_mb(limits.max_file_bytes)} for one scorecard: delete what is not "
                "the scorecard (pictures, data sheets) and send it again",
            )
        with open(p, "rb") as f:
            # The whole file in one read (it is at most max_file_bytes): a zip is checked from these
            # bytes and handed to the reader with them, so what is read is exactly what was checked.
            data = f.read(min(st.st_size, limits.max_file_bytes) + 1)
            head = data[:512]
            if head.startswith(_ZIP_MAGICS):
                if len(data) > limits.max_file_bytes:  # grew since stat()
                    raise _Refused(
                        TOO_LARGE,
                        f"{name} is over the limit of {_mb(limits.max_file_bytes)} for one scorecard: "
                        "delete what is not the scorecard (pictures, data sheets) and send it again",
                    )
                _check_zip(data, name, suffix, limits, sheets_read, result)
                result.data = data
            elif head.startswith(_OLE2):
                del data
                _check_ole2(f, st.st_size, name, suffix, limits)
            else:
                raise _Refused(NOT_A_WORKBOOK, _not_a_workbook(name, suffix, head))
    except _Refused as r:
        return Inspection(FileProblem(str(path), r.code, ERROR, r.message, r.sheet, r.cell))
    except OSError as e:
        return Inspection(
            FileProblem(
                str(path),
                UNREADABLE,
                ERROR,
                f"{name} cannot be opened ({e.strerror or type(e).__name__}): check that the "
                "file is not open elsewhere and that you may read it",
            )
        )
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        struct.error,
        ValueError,
        IndexError,
        KeyError,
        NotImplementedError,
        RuntimeError,
        OverflowError,
        expat.ExpatError,
    ) as e:
        return Inspection(FileProblem(str(path), CORRUPT, ERROR, f"{name} is damaged ({short_text(e)}): {_SAVE_AS}"))
    return result


def short_text(what: BaseException | str, limit: int = 120) -> str:
    """An error (or any text) on one line for a message: white space collapsed, at most `limit`
    characters, lone surrogates (from undecodable file names) shown as U+FFFD; an error that says
    nothing is named by its type.

    >>> short_text(ValueError("bad\\n   value")), short_text(KeyError()), short_text("x" * 9, limit=5)
    ('bad value', 'KeyError', 'xxxx…')
    """
    text = " ".join(str(what).split())
    if not text and isinstance(what, BaseException):
        text = type(what).__name__
    return _SURROGATE.sub("\ufffd", text if len(text) <= limit else text[: limit - 1] + "…")


def _not_a_workbook(name: str, suffix: str, head: bytes) -> str:
    """What a file that is no workbook is, from its first bytes."""
    what = _sniff(head)
    if what == "text":
        return (
            f"{name} is a CSV or text file with a {suffix} name, not a workbook: open it in Excel and "
            "save it as .xlsx (Excel Workbook), then send it again"
        )
    if what in ("a web page (HTML)", "an Excel 2003 XML spreadsheet"):
        return f"{name} is {what} with a {suffix} name, as some programs export 'to Excel': {_SAVE_AS}"
    return (
        f"{name} is {what}, not a workbook, although its name ends in {suffix}: ask for the scorecard again"
    )


def _sniff(head: bytes) -> str:
    signatures = (
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF", "a PDF document"),
        (b"{\\rtf", "an RTF document"),
        (b"MZ", "a Windows program"),
        (b"\x7fELF", "a program"),
        (b"Rar!", "a RAR archive"),
        (b"7z\xbc\xaf", "a 7-Zip archive"),
        (b"\x1f\x8b", "a gzip archive"),
    )
    for magic, what in signatures:
        if head.startswith(magic):
            return what
    text = _as_text(head)
    if text is not None:
        lowered = text.lstrip("\ufeff \t\r\n").lower()
        if lowered.startswith("<"):
            if "urn:schemas-microsoft-com:office:spreadsheet" in lowered:
                return "an Excel 2003 XML spreadsheet"
            if "<html" in lowered or "<!doctype html" in lowered or "<table" in lowered:
                return "a web page (HTML)"
            return "an XML file"
        return "text"
    return "not a workbook (its content is unknown)"


def _as_text(head: bytes) -> str | None:
    for bom, encoding in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[2:].decode(encoding, "ignore")
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.start < len(head) - 4:  # not just a character cut by the 512-byte read
            return None
        text = head[: e.start].decode("utf-8")
    if any(ch < " " and ch not in "\t\r\n\f" for ch in text):
        return None
    return text


# --- zip containers (.xlsx, .xlsm, .ods) ----------------------------------------------------------------

_CHUNK = 64 * 2**10
_XML_PART = (".xml", ".rels")
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


class _Parts:
    """The unpacked bytes of zip members, in pieces, inflated with zlib straight from the file's bytes:
    cheaper than `zipfile.ZipFile.open` per part, and as strict. Each member must start where the
    central directory says, under the same name, unpack to exactly its declared size (never more: a
    member whose header lies about its size is cut there) and match its CRC; anything else raises
    `zipfile.BadZipFile`. A caller that stops early (a prolog checked) checks neither."""

    def __init__(self, data: bytes) -> None:
        self.buffer = memoryview(data)

    def start(self, info: zipfile.ZipInfo) -> int:
        """Where the member's packed bytes begin, past its local header, which must be where the
        central directory says and carry the same name."""
        buffer = self.buffer
        offset = info.header_offset
        header = bytes(buffer[offset : offset + 30])
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile(f"Bad magic number for file header of {info.filename}")
        name_length, extra_length = struct.unpack_from("<HH", header, 26)
        stored_name = bytes(buffer[offset + 30 : offset + 30 + name_length])
        if stored_name != info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437"):
            raise zipfile.BadZipFile(f"File name in directory {info.filename!r} and header differ")
        return offset + 30 + name_length + extra_length

    def whole(self, info: zipfile.ZipInfo) -> bytes:
        """A small member's unpacked bytes at once (what `chunks` gives, in one piece), as strictly."""
        if info.file_size > _CHUNK or info.compress_size > _CHUNK:
            return b"".join(self.chunks(info))
        start = self.start(info)
        packed = self.buffer[start : start + info.compress_size]
        if len(packed) < info.compress_size:
            raise EOFError(f"{info.filename} is cut off")
        if info.compress_type == zipfile.ZIP_DEFLATED:
            inflate = zlib.decompressobj(-15)
            data = inflate.decompress(packed, info.file_size + 1)
            if len(data) > info.file_size:
                raise zipfile.BadZipFile(
                    f"{info.filename} unpacks to more than the {info.file_size:,} bytes its header says"
                )
            if not inflate.eof:
                raise EOFError(f"{info.filename}: compressed data ended before its end-of-stream marker")
        else:
            data = bytes(packed)
        if len(data) != info.file_size:
            raise zipfile.BadZipFile(
                f"{info.filename} unpacks to {len(data):,} bytes, not the {info.file_size:,} its header says"
            )
        if zlib.crc32(data) != info.CRC:
            raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename!r}")
        return data

    def chunks(self, info: zipfile.ZipInfo, size: int = _CHUNK) -> Iterator[bytes]:
        """The member's unpacked bytes in pieces of about `size` bytes."""
        buffer = self.buffer
        pos = self.start(info)
        left = info.compress_size
        inflate = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        out = bytearray()
        produced = crc = 0
        while True:
            if inflate is not None and inflate.unconsumed_tail:
                source = inflate.unconsumed_tail
            elif left > 0:
                source = buffer[pos : pos + min(size, left)]
                if not len(source):
                    raise EOFError(f"{info.filename} is cut off")
                pos += len(source)
                left -= len(source)
            else:
                break
            piece = inflate.decompress(source, size - len(out)) if inflate is not None else bytes(source)
            produced += len(piece)
            if produced > info.file_size:
                raise zipfile.BadZipFile(
                    f"{info.filename} unpacks to more than the {info.file_size:,} bytes its header says"
                )
            crc = zlib.crc32(piece, crc)
            out += piece
            if len(out) >= size:
                yield bytes(out)
                out.clear()
            if inflate is not None and inflate.eof:
                break
        if inflate is not None and not inflate.eof:
            raise EOFError(f"{info.filename}: compressed data ended before its end-of-stream marker")
        if produced != info.file_size:
            raise zipfile.BadZipFile(
                f"{info.filename} unpacks to {produced:,} bytes, not the {info.file_size:,} its header says"
            )
        if crc != info.CRC:
            raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename!r}")
        if out:
            yield bytes(out)


def _check_zip(
    data: bytes, name: str, suffix: str, limits: Limits, sheets_read: SheetsRead | None, result: Inspection
) -> None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise _Refused(
            CORRUPT,
            f"{name} is damaged or incomplete (cut off while copying?): it is not a "
            "complete workbook; ask for the file again",
        ) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_members:
            raise _Refused(
                ZIP_BOMB,
                f"{name} holds {len(infos):,} parts, over the limit of "
                f"{limits.max_members:,}: it is not a normal scorecard; ask for the "
                "original file",
            )
        seen: set[str] = set()
        unpacked = 0
        for info in infos:
            if info.filename in seen:
                raise _Refused(CORRUPT, f"{name} holds two parts named {info.filename!r}: {_SAVE_AS}")
            seen.add(info.filename)
            unpacked += info.file_size
            if info.flag_bits & 0x1:
                raise _Refused(ENCRYPTED, f"{name} {_PASSWORD}")
        if unpacked > limits.max_unpacked_bytes:
            raise _Refused(
                ZIP_BOMB,
                f"{name} is {_mb(len(data))} but unpacks to {_mb(unpacked)}, over the "
                f"limit of {_mb(limits.max_unpacked_bytes)}: it is not a normal "
                "scorecard (possibly a zip bomb); ask for the original file",
            )
        for info in infos:
            if info.file_size > limits.ratio_floor_bytes:
                ratio = info.file_size / max(info.compress_size, 1)
                if ratio > limits.max_ratio:
                    raise _Refused(
                        ZIP_BOMB,
                        f"{name}: its part {info.filename} unpacks {ratio:,.0f} times its "
                        f"packed size, over the limit of {limits.max_ratio:,.0f}: it is "
                        "not a normal scorecard (possibly a zip bomb); ask for the "
                        "original file",
                    )
        kind = _zip_kind(zf, seen)
        expected = {".ods": "ods", ".xls": "xls"}.get(suffix, "xlsx")
        if kind in ("xlsx", "ods") and kind != expected:
            what = "an OpenDocument spreadsheet" if kind == "ods" else "an Excel workbook"
            raise _Refused(
                WRONG_EXTENSION,
                f"{name} is {what} (.{kind}) with a {suffix} name: rename it to "
                f"end in .{kind} and send it again",
            )
        if kind == "xlsb":
            raise _Refused(
                WRONG_EXTENSION,
                f"{name} is an Excel binary workbook (.xlsb) with a {suffix} name: {_SAVE_AS}",
            )
        if kind not in ("xlsx", "ods"):
            raise _Refused(
                NOT_A_WORKBOOK,
                f"{name} is {kind}, not a workbook, although its name ends in "
                f"{suffix}: ask for the scorecard again",
            )
        for info in infos:
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise _Refused(
                    CORRUPT,
                    f"{name}: its part {info.filename} is packed with method "
                    f"{info.compress_type}, which spreadsheet programs do not read: "
                    f"{_SAVE_AS}",
                )
        parts = _Parts(data)
        if kind == "ods":
            _check_ods(parts, zf, infos, name, limits)
        else:
            _check_xlsx(parts, infos, name, limits, sheets_read, result)


def _zip_kind(zf: zipfile.ZipFile, names: set[str]) -> str:
    """'xlsx', 'xlsb', 'ods', or what the zip is instead ("a Word document")."""
    if "xl/workbook.bin" in names:
        return "xlsb"
    if ("xl/workbook.xml" in names or "[Content_Types].xml" in names) and (
        "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names)
    ):
        return "xlsx"
    if "mimetype" in names:
        mime = zf.read("mimetype") if zf.getinfo("mimetype").file_size < 200 else b""
        if mime.strip() == _ODS_MIME:
            return "ods"
        if b"opendocument.text" in mime:
            return "an OpenDocument text document"
        return "an OpenDocument file that is no spreadsheet"
    if "content.xml" in names and "META-INF/manifest.xml" in names:
        return "ods"
    if any(n.startswith("word/") for n in names):
        return "a Word document"
    if any(n.startswith("ppt/") for n in names):
        return "a PowerPoint presentation"
    if not names:
        return "an empty zip archive"
    return "a zip archive of other files"


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
_BOOK, _BOOK_RELS = "xl/workbook.xml", "xl/_rels/workbook.xml.rels"
# Parts a reader (python-calamine) parses when it opens an .xlsx, besides the sheets it opens: these
# are streamed to their end (size and CRC checked). The workbook's shared strings and styles are
# found through its relationships too, wherever they lie.
_OPENED_PARTS = frozenset({"_rels/.rels", _BOOK, _BOOK_RELS, "xl/styles.xml", "xl/sharedStrings.xml"})
_OPENED_TYPES = (b"/sharedStrings", b"/styles")
_KEEP_BYTES = 4 * 2**20  # workbook parts larger than this are checked but not kept for the reader
_PROLOG_PIECE = 2**10  # a part that is only checked for a DTD is unpacked this much at a time


def _check_xlsx(
    parts: _Parts,
    infos: list[zipfile.ZipInfo],
    name: str,
    limits: Limits,
    sheets_read: SheetsRead | None,
    result: Inspection,
) -> None:
    """Every XML part's prolog; the workbook, its relationships, shared strings, styles and the sheets
    a reader opens streamed to their end. Which sheets: those `sheets_read` names, when each of them
    is found in one part; else every worksheet (a workbook that does not say plainly where its sheets
    are is checked whole)."""
    by_name = {info.filename: info for info in infos}
    saved: dict[str, bytes] = {}
    # The workbook and its relationships first: they say where the sheets are and what they are called.
    for part in (_BOOK, _BOOK_RELS):
        info = by_name.get(part)
        if info is not None:
            keep = info.file_size <= _KEEP_BYTES
            data = _scan_part(parts, info, name, limits, strict=True, keep=keep)
            if keep:
                saved[part] = data
    sheet_names: dict[str, str] = {}
    opened_parts = set(_OPENED_PARTS)
    scanned: set[str] | None = None  # None: every worksheet
    if len(saved) == 2:
        sheet_names, typed, plain = _workbook_parts(saved[_BOOK], saved[_BOOK_RELS])
        opened_parts |= typed
        result.workbook_xml = saved[_BOOK]
        wanted = sheets_read(saved[_BOOK]) if sheets_read is not None else None
        if wanted is not None and plain:
            where = {sheet: part for part, sheet in sheet_names.items()}
            if all(sheet in where and where[sheet] in by_name for sheet in wanted):
                scanned = {where[sheet] for sheet in wanted}
    for info in infos:
        part = info.filename
        if part in saved or part.endswith("/"):
            continue
        in_sheets = part.startswith("xl/worksheets/") and not part.startswith("xl/worksheets/_rels/")
        # A sheet is whatever the workbook's relationships point at, wherever it lies in the zip.
        is_sheet = in_sheets or part in sheet_names
        if is_sheet and (scanned is None or part in scanned):
            sheet = sheet_names.get(part, part)
            extent = _SheetExtent(name, sheet, limits)
            _scan_part(parts, info, name, limits, strict=True, extent=extent)
            if extent.errors:
                result.error_cells[sheet] = extent.errors
        elif part in opened_parts:
            _scan_part(parts, info, name, limits, strict=True)
        elif (part.endswith(_XML_PART) or is_sheet) and not _plain_prolog(parts, info):
            _scan_part(parts, info, name, limits, strict=True, prolog_only=True)


# Scorecards made from one role share their workbook part and its relationships byte for byte.
_PARTS_CACHE: dict[tuple[bytes, bytes], tuple[dict[str, str], frozenset[str], bool]] = {}


def _workbook_parts(workbook_xml: bytes, rels_xml: bytes) -> tuple[dict[str, str], frozenset[str], bool]:
    """Where a workbook's parts are: zip part -> sheet name ('xl/worksheets/sheet1.xml' -> 'Scorecard'),
    the shared strings and styles parts, and whether every sheet has a name and a part of its own."""
    key = (workbook_xml, rels_xml)
    found = _PARTS_CACHE.get(key)
    if found is None:
        if len(_PARTS_CACHE) >= 64:
            _PARTS_CACHE.clear()
        found = _PARTS_CACHE[key] = _parse_workbook_parts(workbook_xml, rels_xml)
    return found


def _parse_workbook_parts(workbook_xml: bytes, rels_xml: bytes) -> tuple[dict[str, str], frozenset[str], bool]:
    targets: dict[bytes, str] = {}
    typed: set[str] = set()
    for m in _RELATIONSHIP.finditer(rels_xml):
        attrs = xml_attributes(m.group(1))
        target = attrs.get(b"Target", b"").decode("utf-8", "replace")
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
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


_PLAIN_PROLOG = re.compile(rb'(?:\xef\xbb\xbf)?(?:<\?xml [^<>?]*\?>)?\s*<[A-Za-z_]')


def _plain_prolog(parts: _Parts, info: zipfile.ZipInfo) -> bool:
    """True when a part plainly starts with its first element (an XML declaration at most before
    it), from its first 256 unpacked bytes: the quick answer for the parts no reader parses. False
    means "look properly" (`_scan_part`), not that anything is wrong."""
    try:
        start = parts.start(info)
    except zipfile.BadZipFile:
        return False
    packed = parts.buffer[start : start + min(info.compress_size, 512)]
    try:
        if info.compress_type == zipfile.ZIP_DEFLATED:
            head = zlib.decompressobj(-15).decompress(packed, 256)
        else:
            head = bytes(packed[:256])
    except zlib.error:
        return False
    return _PLAIN_PROLOG.match(head) is not None


def _scan_part(
    parts: _Parts,
    info: zipfile.ZipInfo,
    name: str,
    limits: Limits,
    *,
    strict: bool,
    extent: _SheetExtent | None = None,
    keep: bool = False,
    prolog_only: bool = False,
) -> bytes:
    """Stream one XML part: refuse a DOCTYPE in its prolog, feed a sheet's cells to `extent`, and read
    it to the end, so that its size and CRC are checked (a part that is not what its header says is
    damaged, and a reader would unpack it all). `prolog_only`: stop once the first element starts
    (a part no reader parses only has to be free of a DTD), unpacking a few kilobytes at a time."""
    kept: list[bytes] = []
    prolog = b""
    decoder = None
    prolog_done = False
    if prolog_only:
        pieces: Iterable[bytes] = parts.chunks(info, _PROLOG_PIECE)
    elif info.file_size <= _CHUNK and info.compress_size <= _CHUNK:
        pieces = (parts.whole(info),)  # most parts of a scorecard: one piece, no generator
    else:
        pieces = parts.chunks(info)
    for chunk in pieces:
        if keep:
            kept.append(chunk)
        if decoder is None and not prolog_done and not prolog:
            decoder = _utf16_decoder(chunk)
        text = decoder.decode(chunk).encode("utf-8") if decoder else chunk
        if not prolog_done:
            prolog += text
            state = _prolog_state(prolog, strict)
            if state == "doctype":
                raise _Refused(
                    XML_ENTITIES,
                    f"{name}: its part {info.filename} declares a DTD "
                    "(<!DOCTYPE>/<!ENTITY>), which no spreadsheet program writes "
                    "and which can expand to gigabytes: it is not read; "
                    f"{_SAVE_AS}",
                )
            if state == "more":
                if len(prolog) > limits.xml_prolog_bytes:
                    raise _Refused(
                        XML_ENTITIES,
                        f"{name}: its part {info.filename} has more than "
                        f"{_mb(limits.xml_prolog_bytes)} before its first "
                        "element (a hidden DTD?): it is not read; "
                        f"{_SAVE_AS}",
                    )
                continue
            prolog_done = True
            if prolog_only:
                break
            text, prolog = prolog, b""
        if extent is not None:
            extent.feed(text)
    return b"".join(kept)


def _utf16_decoder(first: bytes) -> Any:
    """An incremental UTF-16 decoder when a part is UTF-16 (so byte patterns would miss its tags)."""
    if first.startswith((b"\xff\xfe", b"\xfe\xff")):
        return codecs.getincrementaldecoder("utf-16")("replace")
    if first.startswith(b"<\x00"):
        return codecs.getincrementaldecoder("utf-16-le")("replace")
    if first.startswith(b"\x00<"):
        return codecs.getincrementaldecoder("utf-16-be")("replace")
    return None


_PROLOG_TOKEN = re.compile(rb"\s*(<\?.*?\?>|<!--.*?-->|<!DOCTYPE|<!ENTITY|<[A-Za-z_:]|<|[^<\s])", re.S | re.I)


def _prolog_state(data: bytes, strict: bool) -> str:
    """'doctype' when a DTD comes before the first element, 'done' when the first element starts,
    'more' when the prolog goes on past `data`. Any DOCTYPE counts when `strict` (OOXML forbids DTDs);
    for OpenDocument only one with an internal subset or entity declarations (old OpenOffice wrote an
    external DOCTYPE in its manifest)."""
    pos = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    while True:
        m = _PROLOG_TOKEN.match(data, pos)
        if m is None:
            return "more"  # only white space so far
        token = m.group(1)
        if token.upper() == b"<!DOCTYPE" or token.upper() == b"<!ENTITY":
            if strict or token.upper() == b"<!ENTITY":
                return "doctype"
            end = data.find(b">", m.end())
            bracket = data.find(b"[", m.end())
            if bracket != -1 and (end == -1 or bracket < end):
                return "doctype"
            if end == -1:
                return "more"
            pos = end + 1
            continue
        if token.startswith((b"<?", b"<!--")):
            pos = m.end()
            continue
        if token == b"<":
            rest = data[m.start(1) :]
            if rest.startswith((b"<?", b"<!")) or len(rest) < 10:
                return "more"  # a comment, instruction or declaration not closed yet, or a cut tag
        return "done"


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
_MAX_ROW_DIGITS, _MAX_LETTERS = 30, 12


def column_number(letters: str | bytes) -> int:
    """A column's number from its letters, 1-based, either case ("A" is 1, "iv" 256).

    >>> column_number("A"), column_number(b"iv"), column_number("XFD")
    (1, 256, 16384)
    """
    raw = letters.encode("ascii") if isinstance(letters, str) else letters
    n = 0
    for ch in raw[:_MAX_LETTERS].upper():
        n = n * 26 + ch - 64
    return n


def _row_number(digits: bytes) -> int:
    """A row number as written, leading zeros and all ("00000000008000000" is 8,000,000)."""
    digits = digits.lstrip(b"0")
    return int(digits[:_MAX_ROW_DIGITS]) if digits else 0


def _column_letters(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# The quick look at a piece of a sheet, enough for sheets as programs write them: a search for a cell
# tag that is not `<c r="B12"` with a reference nearer than any cell over a limit could be (fewer
# column letters than the column limit has, IV for 256, and fewer row digits than the row limit, 5
# for 10,000), and one for a prefixed cell tag. Nothing found: no cell of the piece can be over a
# limit. Anything found: the exact look follows every cell. One pattern per limits.
_SUSPECT_PATTERNS: dict[tuple[int, int], re.Pattern[bytes]] = {}
_ERROR_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\s([^>]*?\bt\s*=\s*[\"']e[\"'][^>]*)>")
_ERROR_VALUE = re.compile(rb"(?:\s|<(?:[A-Za-z_][\w.-]*:)?f\b[^>]*/>|<(?:[A-Za-z_][\w.-]*:)?f\b[^>]*>[^<]*"
                          rb"</(?:[A-Za-z_][\w.-]*:)?f>)*<(?:[A-Za-z_][\w.-]*:)?v>([^<]{1,40})<")


def _suspect(limits: Limits) -> re.Pattern[bytes]:
    key = (limits.max_rows, limits.max_columns)
    pattern = _SUSPECT_PATTERNS.get(key)
    if pattern is None:
        digits = len(str(max(limits.max_rows, 1))) - 1
        letters = len(_column_letters(max(limits.max_columns, 1))) - 1
        near = (
            rb' r="\$?[A-Za-z]{1,%d}\$?[0-9]{1,%d}"[\s/>]' % (letters, digits)
            if letters and digits
            else rb"(?!)"  # limits this small: every cell is looked at
        )
        pattern = re.compile(rb"<c(?!" + near + rb")[\s/>]")
        _SUSPECT_PATTERNS[key] = pattern
    return pattern


class _SheetExtent:
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
            if len(self.carry) > _CHUNK:
                self.carry = b""  # a tag this long is no cell reference; drop it
        else:
            self.carry = b""
        if b't="e"' in data or b"t='e'" in data:
            self._error_cells(data)
        if not self.implicit and self.suspect.search(data) is None and _PREFIXED_CELL.search(data) is None:
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
            rows = max(map(_row_number, {digits for _, digits in cells}))
            cols = max(map(column_number, {letters for letters, _ in cells}))
            if rows > self.limits.max_rows or cols > self.limits.max_columns:
                for letters, digits in cells:  # the first cell over a limit, in the sheet's order
                    self._check(_row_number(digits), column_number(letters))
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
            self.errors[f"{ref.group(1).decode('ascii').upper()}{_row_number(ref.group(2))}"] = text

    def _resume(self, data: bytes) -> None:
        """Where the previous piece ended (its last row, and the last cell in it), to go on one by one."""
        row = _LAST_ROW.match(data)
        if row:
            self.row = _row_number(row.group(1))
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
                    self.row = _row_number(raw.group(1))
                else:
                    self._unreadable_reference(raw.group(1))
                self.col = 0
                continue
            valued = not attrs.endswith(b"/")
            if raw is None:
                self.col += 1
            elif valued:
                letters, digits = self._reference(raw.group(1))
                self.row, self.col = _row_number(digits), column_number(letters)
            else:
                ref = _CELL_REF.fullmatch(raw.group(1))  # an empty cell only moves the count on
                if ref is not None:
                    self.row, self.col = _row_number(ref.group(2)), column_number(ref.group(1))
            if valued:
                self._check(self.row, self.col)

    def _unreadable_reference(self, raw: bytes) -> None:
        shown = _SURROGATE.sub("\ufffd", raw[:40].decode("utf-8", "replace"))
        raise _Refused(
            TOO_MANY_ROWS,
            f"{self.file}: sheet '{self.sheet}' has a cell whose reference {shown!r} is no cell name, so "
            "where the sheet ends cannot be told: "
            f"{_SAVE_AS}",
            self.sheet,
        )

    def _check(self, row: int, col: int) -> None:
        limits = self.limits
        if row <= limits.max_rows and col <= limits.max_columns:
            return
        cell = f"{_column_letters(col)}{row}"
        sheet = f"sheet '{self.sheet}'"
        if row > limits.max_rows:
            raise _Refused(
                TOO_MANY_ROWS,
                f"{self.file}: {sheet} has values down to row {row:,} (at least), "
                f"over the limit of {limits.max_rows:,} rows: delete the rows below "
                "the scorecard (or move that data to another file) and send it again",
                self.sheet,
                cell,
            )
        if col > limits.max_columns:
            raise _Refused(
                TOO_MANY_COLUMNS,
                f"{self.file}: {sheet} has a value in column "
                f"{_column_letters(col)} ({col:,}), over the limit of "
                f"{limits.max_columns:,} columns: delete what is right of the "
                "scorecard and send it again",
                self.sheet,
                cell,
            )


# --- OpenDocument -------------------------------------------------------------------------------------

_MANIFEST = "META-INF/manifest.xml"
_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def _check_ods(
    parts: _Parts, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], name: str, limits: Limits
) -> None:
    # The manifest first: an encrypted file's content.xml is noise, and should be called encrypted.
    for info in sorted(infos, key=lambda i: i.filename != _MANIFEST):
        part = info.filename
        if part.endswith("/") or not part.endswith(".xml"):
            continue
        if part == _MANIFEST:
            manifest = _scan_part(parts, info, name, limits, strict=False, keep=info.file_size <= 4 * 2**20)
            if b"encryption-data" in manifest:
                raise _Refused(
                    ENCRYPTED,
                    f"{name} is password-protected: open it, save it again with "
                    "File > Save As and 'Save with password' unticked, and send it again",
                )
        elif part == "content.xml":
            _scan_part(parts, info, name, limits, strict=False)  # the prolog and the CRC
            _ods_extent(parts, info, name, limits)
        else:
            _scan_part(parts, info, name, limits, strict=False)


class _Stop(Exception):
    pass


def _ods_extent(parts: _Parts, info: zipfile.ZipInfo, name: str, limits: Limits) -> None:
    """The last row and column holding a value on every table of content.xml, repeats counted: one
    `<table:table-row table:number-rows-repeated="1000000">` with a value is a million rows to a reader.
    Parsed by expat with callbacks (no tree kept); the prolog was checked for a DTD before."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    state = {
        "table": "",
        "row": 0,
        "rows": 1,
        "col": 0,
        "cell_col": 0,
        "cols": 1,
        "valued": False,
        "row_valued": False,
        "row_last_col": 0,
    }
    problem: list[_Refused] = []
    table_row, table_cell = f"{_TABLE_NS} table-row", f"{_TABLE_NS} table-cell"
    covered, table = f"{_TABLE_NS} covered-table-cell", f"{_TABLE_NS} table"
    value_type, text_p = f"{_OFFICE_NS} value-type", f"{_TEXT_NS} p"

    def repeat(attrs: dict[str, str], key: str) -> int:
        value = attrs.get(f"{_TABLE_NS} {key}")
        return max(1, int(value)) if value and value.isdigit() else 1

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == table:
            state.update(table=attrs.get(f"{_TABLE_NS} name", ""), row=0)
        elif tag == table_row:
            state.update(rows=repeat(attrs, "number-rows-repeated"), col=0, row_valued=False, row_last_col=0)
        elif tag in (table_cell, covered):
            state.update(
                cols=repeat(attrs, "number-columns-repeated"),
                cell_col=state["col"],
                valued=value_type in attrs,
            )
        elif tag == text_p:
            state["valued"] = True

    def end(tag: str) -> None:
        if tag in (table_cell, covered):
            if state["valued"]:
                state["row_valued"] = True
                state["row_last_col"] = state["cell_col"] + state["cols"]
            state["col"] = state["cell_col"] + state["cols"]
            state["valued"] = False
        elif tag == table_row:
            if state["row_valued"]:
                last_row, last_col = state["row"] + state["rows"], state["row_last_col"]
                try:
                    _SheetExtent(name, state["table"], limits)._check(last_row, last_col)
                except _Refused as refused:
                    problem.append(refused)
                    raise _Stop from None
            state["row"] += state["rows"]

    def no_entities(*_: Any) -> None:
        raise _Refused(
            XML_ENTITIES, f"{name}: its part content.xml declares entities: it is not read; {_SAVE_AS}"
        )

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.EntityDeclHandler = no_entities
    try:
        for chunk in parts.chunks(info):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Stop:
        raise problem[0] from None


# --- OLE2 compound files (.xls, encrypted OOXML) ------------------------------------------------------

_FREE, _END = 0xFFFFFFFF, 0xFFFFFFFE


class _Compound:
    """Just enough of an OLE2 compound file (MS-CFB) to list its streams and read one of them."""

    def __init__(self, f: Any, size: int) -> None:
        self.f, self.size = f, size
        f.seek(0)
        header = f.read(512)
        if len(header) < 512:
            raise ValueError("the OLE2 header is cut off")
        shift, mini_shift = struct.unpack_from("<HH", header, 30)
        if shift not in (9, 12) or mini_shift != 6:
            raise ValueError(f"OLE2 sector size 2^{shift} is invalid")
        self.sector = 1 << shift
        n_fat, first_dir, cutoff, first_minifat, n_minifat, first_difat, n_difat = struct.unpack_from(
            "<II4xIIIII", header, 44
        )
        self.cutoff = cutoff
        max_sectors = size // self.sector + 1
        if n_fat > max_sectors or n_difat > max_sectors:
            raise ValueError("the OLE2 allocation table is larger than the file")
        fat_sectors = [s for s in struct.unpack_from("<109I", header, 76) if s not in (_FREE, _END)]
        sector, seen = first_difat, set()
        per = self.sector // 4 - 1
        while sector not in (_FREE, _END) and len(fat_sectors) < n_fat:
            if sector in seen:
                raise ValueError("the OLE2 DIFAT chain loops")
            seen.add(sector)
            entries = struct.unpack(f"<{per + 1}I", self._sector(sector))
            fat_sectors.extend(s for s in entries[:per] if s not in (_FREE, _END))
            sector = entries[per]
        self.fat: list[int] = []
        for s in fat_sectors[:n_fat]:
            self.fat.extend(struct.unpack(f"<{self.sector // 4}I", self._sector(s)))
        self.entries: list[tuple[str, int, int, int]] = []  # name, type, start, size
        directory = self._chain_bytes(first_dir, limit=max_sectors * self.sector)
        for i in range(0, len(directory) - 127, 128):
            raw = directory[i : i + 128]
            length = struct.unpack_from("<H", raw, 64)[0]
            kind = raw[66]
            start, size_lo, size_hi = struct.unpack_from("<III", raw, 116)
            name = raw[: max(0, min(length, 64) - 2)].decode("utf-16-le", "replace")
            self.entries.append(
                (name, kind, start, size_lo if self.sector == 512 else size_lo | size_hi << 32)
            )
        self.first_minifat, self.n_minifat = first_minifat, n_minifat

    def _sector(self, index: int) -> bytes:
        offset = (index + 1) * self.sector
        if offset >= self.size:
            raise ValueError(f"OLE2 sector {index} is past the end of the file")
        self.f.seek(offset)
        return self.f.read(self.sector)

    def _chain(self, start: int) -> list[int]:
        chain, seen = [], set()
        while start not in (_END, _FREE):
            if start in seen or start >= len(self.fat):
                raise ValueError("an OLE2 sector chain is broken")
            seen.add(start)
            chain.append(start)
            start = self.fat[start]
        return chain

    def _chain_bytes(self, start: int, limit: int) -> bytes:
        out = bytearray()
        for s in self._chain(start):
            out += self._sector(s)
            if len(out) >= limit:
                break
        return bytes(out[:limit])

    def names(self) -> set[str]:
        return {name for name, kind, _, _ in self.entries if kind in (1, 2)}

    def read(self, wanted: str, limit: int) -> bytes:
        """The first `limit` bytes of the stream named `wanted` (any storage)."""
        for name, kind, start, size in self.entries:
            if kind == 2 and name == wanted:
                size = min(size, limit)
                if size >= self.cutoff:
                    return self._chain_bytes(start, size)
                return self._mini(start, size)
        raise KeyError(wanted)

    def _mini(self, start: int, size: int) -> bytes:
        root = self.entries[0]
        stream = self._chain_bytes(root[2], root[3])
        minifat_raw = self._chain_bytes(self.first_minifat, self.n_minifat * self.sector)
        minifat = struct.unpack(f"<{len(minifat_raw) // 4}I", minifat_raw)
        out, seen = bytearray(), set()
        while start not in (_END, _FREE) and len(out) < size:
            if start in seen or start >= len(minifat):
                raise ValueError("an OLE2 mini sector chain is broken")
            seen.add(start)
            out += stream[start * 64 : (start + 1) * 64]
            start = minifat[start]
        return bytes(out[:size])


def _check_ole2(f: Any, size: int, name: str, suffix: str, limits: Limits) -> None:
    compound = _Compound(f, size)
    streams = compound.names()
    if "EncryptionInfo" in streams or "EncryptedPackage" in streams:
        raise _Refused(ENCRYPTED, f"{name} {_PASSWORD}")
    book = "Workbook" if "Workbook" in streams else "Book" if "Book" in streams else None
    if book is None:
        what = (
            "a Word document"
            if "WordDocument" in streams
            else "a PowerPoint presentation"
            if "PowerPoint Document" in streams
            else "an OLE2 file that is no workbook"
        )
        raise _Refused(
            NOT_A_WORKBOOK,
            f"{name} is {what}, not a workbook, although its name ends in {suffix}: "
            "ask for the scorecard again",
        )
    if suffix != ".xls":
        raise _Refused(
            WRONG_EXTENSION,
            f"{name} is an Excel 97-2003 workbook (.xls) with a {suffix} name: "
            f"rename it to end in .xls, or {_SAVE_AS}",
        )
    _check_biff(compound.read(book, limits.max_file_bytes), name, limits)


# BIFF records that hold one cell (row and column first) and MULRK (a run of cells in one row).
_BIFF_CELLS = frozenset({0x0006, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E, 0x00D6, 0x0206, 0x0406})
_BIFF_MULRK, _BIFF_BOF, _BIFF_FILEPASS, _BIFF_BOUNDSHEET = 0x00BD, 0x0809, 0x002F, 0x0085


def _check_biff(stream: bytes, name: str, limits: Limits) -> None:
    """Walk the BIFF records of an .xls: a FILEPASS record means a password; cell records give each
    sheet's extent (the reader builds a grid to the last cell, as for .xlsx)."""
    sheets: list[str] = []
    pos, index = 0, -1
    n = len(stream)
    while pos + 4 <= n:
        kind, length = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4 : pos + 4 + length]
        pos += 4 + length
        if kind == _BIFF_BOF:
            index += 1
        elif kind == _BIFF_FILEPASS and index == 0:
            raise _Refused(ENCRYPTED, f"{name} {_PASSWORD}")
        elif kind == _BIFF_BOUNDSHEET and len(body) >= 8:
            count, high = body[6], body[7] & 1
            raw = body[8 : 8 + count * (2 if high else 1)]
            sheets.append(raw.decode("utf-16-le" if high else "latin-1", "replace"))
        elif kind in _BIFF_CELLS and len(body) >= 4 or kind == _BIFF_MULRK and len(body) >= 6:
            row, col = struct.unpack_from("<HH", body, 0)
            if kind == _BIFF_MULRK:
                col = struct.unpack_from("<H", body, len(body) - 2)[0]
            if row + 1 > limits.max_rows or col + 1 > limits.max_columns:
                sheet = sheets[index - 1] if 0 < index <= len(sheets) else f"sheet {index}"
                extent = _SheetExtent(name, sheet, limits)
                extent._check(row + 1, col + 1)


# --- text written back --------------------------------------------------------------------------------

_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet could take the text for a formula: it starts (after tabs, returns or
    spaces) with =, +, -, @ or their full-width forms.

    >>> looks_like_formula("=HYPERLINK(\\"http://x\\")"), looks_like_formula("\\t+62 811")
    (True, True)
    >>> looks_like_formula("Budi"), looks_like_formula("e=mc2")
    (False, False)
    """
    return text.lstrip(" \t\r\n").startswith(_FORMULA_START)


def safe_text(value: Any, limit: int = DEFAULT_LIMITS.max_text) -> str:
    """Text from an input as the summary may hold it: the same characters, except those an .xlsx cannot
    store (control characters, lone surrogates from undecodable file names) which become U+FFFD, and
    cut to `limit` characters with a marker naming the full length. A leading "=" stays: `put_text`
    writes the result as a string cell, so it is never evaluated.

    >>> safe_text("=SUM(A1:A9)")
    '=SUM(A1:A9)'
    >>> safe_text("a\\x00b"), safe_text("x" * 30, limit=10)
    ('a\ufffdb', 'xxxxxxxxxx… [cut: 30 characters, first 10 kept]')
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = _SURROGATE.sub("\ufffd", _ILLEGAL_XML.sub("\ufffd", text))
    if len(text) > limit:
        text = f"{text[:limit]}… [cut: {len(text):,} characters, first {limit:,} kept]"
    return text


def text_cut_message(value: Any, what: str, limit: int = DEFAULT_LIMITS.max_text) -> str | None:
    """The issue message when `safe_text` cuts a text, else None ("indicator is 10,000 characters...")."""
    if not isinstance(value, str) or len(value) <= limit:
        return None
    return (
        f"{what} is {len(value):,} characters long; the summary keeps the first {limit:,} "
        "(the scorecard itself is unchanged): shorten it in the scorecard"
    )


def put_text(cell: Any, value: Any, limit: int = DEFAULT_LIMITS.max_text) -> str:
    """Write text into an openpyxl cell so that it stays text: the cell's data type is set to string
    (openpyxl would otherwise store "=..." as a formula) and text that looks like a formula gets
    Excel's quote prefix, so editing the cell later does not turn it into one either. Returns the text
    written (`safe_text` of the value)."""
    text = safe_text(value, limit)
    cell.value = text
    cell.data_type = "s"
    if looks_like_formula(text):
        cell.quotePrefix = True
    return text
