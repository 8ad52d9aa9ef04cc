"""The preflight: a workbook is checked before anything unpacks it.

`preflight(path)` looks at a file with the standard library only and answers with one `FileProblem` or
None: the name (Excel's `~$` lock files), the size, the magic bytes (a PNG or CSV renamed .xlsx), the
zip's central directory (`zip`: a zip bomb is refused there, before anything is unpacked: sizes, ratios,
parts), the first kilobyte of every XML part (a DTD in its prolog, where entity bombs live), the parts
a reader parses streamed to their end in 64 KB pieces (`xlsx`, `ods`: the workbook, its relationships,
styles and shared strings, and the sheets it opens: their size and CRC against the directory, so a part
whose header lies is refused; a sheet's cell references, for its extent), the OLE2 directory of .xls and
password-protected files, and the BIFF records of an .xls (`ole2`). It never raises for a bad file. The
parts it unpacks whole (up to 4 MB each) it hands on: an .xlsx reaches the reader as a package of the
checked parts, those stored unpacked (`package`), so python-calamine does not inflate them again. Every workbook kpi-xl reads passes `check_file` first
(`kpi_xl.io.workbook` is the one place that opens them), because python-calamine builds a dense grid
from the first to the last cell: a 400-byte .xlsx with values in A1 and XFD100000 asks it for 52 GB
and the process aborts (a Rust allocation failure, not an exception anyone can catch). `check_file`
also hands the reader the bytes it checked, the workbook part, the cells holding error values, and
streams only the sheets the reader will open (a generated scorecard's own sheet, not its record
sheets), so a normal file costs a fraction of a millisecond. A part whose packed bytes (and directory
entry) are those of a part that passed before in this process passes again without being unpacked
(`parts.check_part`): a role's scorecards differ only in their scorecard sheet.

Nothing here imports openpyxl, pandas or numpy.
"""

from __future__ import annotations

import os
import re
import stat
import struct
import zipfile
import zlib
from pathlib import Path
from xml.parsers import expat

from ..messages import shown_name
from .ole2 import OLE2_MAGIC, check_ole2
from .problems import (
    CODES,
    CORRUPT,
    DEFAULT_LIMITS,
    EMPTY,
    ENCRYPTED,
    ERROR,
    INFO,
    LOCK_FILE,
    LOCK_PREFIX,
    NOT_A_WORKBOOK,
    OTHER_FILE,
    SAVE_AS,
    TOO_LARGE,
    TOO_MANY_COLUMNS,
    TOO_MANY_ROWS,
    UNREADABLE,
    WARNING,
    WORKBOOK_SUFFIXES,
    WRONG_EXTENSION,
    XML_ENTITIES,
    ZIP_BOMB,
    FileProblem,
    Inspection,
    Limits,
    Refused,
    SheetsRead,
    mb,
)
from .zip import ZIP_MAGICS, check_zip

__all__ = [
    "CODES", "CORRUPT", "DEFAULT_LIMITS", "EMPTY", "ENCRYPTED", "ERROR", "INFO", "LOCK_FILE", "LOCK_PREFIX",
    "NOT_A_WORKBOOK", "OTHER_FILE", "TOO_LARGE", "TOO_MANY_COLUMNS", "TOO_MANY_ROWS", "UNREADABLE", "WARNING",
    "WORKBOOK_SUFFIXES", "WRONG_EXTENSION", "XML_ENTITIES", "ZIP_BOMB", "FileProblem", "Inspection", "Limits",
    "SheetsRead", "check_file", "preflight",
]

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
    The rollup sorts files by name before it reads any (`kpi_xl.rollup.find.find_files`), so only
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
            raise Refused(
                UNREADABLE,
                f"{name} is not a regular file (a folder, pipe or device); "
                "put the scorecard itself in the folder",
            )
        if st.st_size == 0:
            raise Refused(
                EMPTY,
                f"{name} is empty (0 bytes), probably cut off while copying: ask for the scorecard again",
            )
        if st.st_size > limits.max_file_bytes:
            raise Refused(
                TOO_LARGE,
                f"{name} is {mb(st.st_size)}, over the limit of "
                f"{mb(limits.max_file_bytes)} for one scorecard: delete what is not "
                "the scorecard (pictures, data sheets) and send it again",
            )
        with open(p, "rb") as f:
            # The whole file in one read (it is at most max_file_bytes): a zip is checked from these
            # bytes and handed to the reader with them, so what is read is exactly what was checked.
            data = f.read(min(st.st_size, limits.max_file_bytes) + 1)
            head = data[:512]
            if head.startswith(ZIP_MAGICS):
                if len(data) > limits.max_file_bytes:  # grew since stat()
                    raise Refused(
                        TOO_LARGE,
                        f"{name} is over the limit of {mb(limits.max_file_bytes)} for one scorecard: "
                        "delete what is not the scorecard (pictures, data sheets) and send it again",
                    )
                check_zip(data, name, suffix, limits, sheets_read, result)
                result.data = data
            elif head.startswith(OLE2_MAGIC):
                del data
                check_ole2(f, st.st_size, name, suffix, limits)
            else:
                raise Refused(NOT_A_WORKBOOK, _not_a_workbook(name, suffix, head))
    except Refused as r:
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
        # The library's words ("Bad CRC-32", "Bad magic number") mean nothing to HR: what broke, in ours.
        if isinstance(e, (zipfile.BadZipFile, zlib.error, EOFError)):
            part = _PART_NAME.search(str(e))
            what = (f"its part {part.group()} does not" if part else "its parts do not") + \
                " unpack as the file's directory says"
        else:
            what = "its inner structure is broken"
        return Inspection(FileProblem(str(path), CORRUPT, ERROR, f"{name} is damaged ({what}): {SAVE_AS}"))
    return result


_PART_NAME = re.compile(r"[\w\[\]./\\-]+\.(?:xml|rels|bin)\b")


def _not_a_workbook(name: str, suffix: str, head: bytes) -> str:
    """What a file that is no workbook is, from its first bytes."""
    what = _sniff(head)
    if what == "text":
        return (
            f"{name} is a CSV or text file with a {suffix} name, not a workbook: open it in Excel and "
            "save it as .xlsx (Excel Workbook), then send it again"
        )
    if what in ("a web page (HTML)", "an Excel 2003 XML spreadsheet"):
        return f"{name} is {what} with a {suffix} name, as some programs export 'to Excel': {SAVE_AS}"
    if what == _OLD_EXCEL:
        return f"{name} is {what}, which kpi-xl cannot read: {SAVE_AS}"
    if what == _UNKNOWN:
        return (f"{name} is no workbook (its content is of no kind kpi-xl knows), although its name "
                f"ends in {suffix}: ask for the scorecard again")
    return f"{name} is {what}, not a workbook, although its name ends in {suffix}: ask for the scorecard again"


_OLD_EXCEL = "an Excel 2.x, 3.0 or 4.0 workbook (from before 1995)"
_UNKNOWN = "unknown"
# A BIFF2-4 worksheet or workbook starts with its BOF record (no OLE2 container around it).
_OLD_BOF = (b"\x09\x00", b"\x09\x02", b"\x09\x04")


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
    if head.startswith(_OLD_BOF) and len(head) >= 4 and 4 <= head[2] <= 16 and head[3] == 0:
        return _OLD_EXCEL
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
    return _UNKNOWN


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
