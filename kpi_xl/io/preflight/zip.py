"""The zip container of .xlsx, .xlsm and .ods files: its central directory (sizes, ratios, number of
parts: zip bombs are refused here, before anything is unpacked), encryption, and what kind of file the
zip is; then the format's own check (`xlsx`, `ods`)."""

from __future__ import annotations

import io
import struct
import zipfile

from .ods import check_ods
from .package import repack
from .parts import Member, Parts, read_member
from .problems import (
    CORRUPT,
    ENCRYPTED,
    NOT_A_WORKBOOK,
    PASSWORD,
    SAVE_AS,
    WRONG_EXTENSION,
    ZIP_BOMB,
    Inspection,
    Limits,
    Refused,
    SheetsRead,
    mb,
)
from .xlsx import check_xlsx, office_document, part_key

ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


def check_zip(
    data: bytes, name: str, suffix: str, limits: Limits, sheets_read: SheetsRead | None, result: Inspection
) -> None:
    infos = directory(data)
    if infos is None:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                infos = [_member(info) for info in zf.infolist()]
        except zipfile.BadZipFile:
            raise Refused(
                CORRUPT,
                f"{name} is damaged or incomplete (cut off while copying?): it is not a "
                "complete workbook; ask for the file again",
            ) from None
    if len(infos) > limits.max_members:
        raise Refused(
            ZIP_BOMB,
            f"{name} holds {len(infos):,} parts, over the limit of "
            f"{limits.max_members:,}: it is not a normal scorecard; ask for the "
            "original file",
        )
    seen: set[str] = set()  # part names as readers compare them (part_key)
    unpacked = 0
    for info in infos:
        key = info.key
        if key in seen and not key.endswith("/"):
            raise Refused(CORRUPT, f"{name} holds two parts named {info.filename!r}: {SAVE_AS}")
        seen.add(key)
        unpacked += info.file_size
        if info.flag_bits & 0x1:
            raise Refused(ENCRYPTED, f"{name} {PASSWORD}")
    if unpacked > limits.max_unpacked_bytes:
        raise Refused(
            ZIP_BOMB,
            f"{name} is {mb(len(data))} but unpacks to {mb(unpacked)}, over the "
            f"limit of {mb(limits.max_unpacked_bytes)}: it is not a normal "
            "scorecard (possibly a zip bomb); ask for the original file",
        )
    for info in infos:
        if info.file_size > limits.ratio_floor_bytes:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_ratio:
                raise Refused(
                    ZIP_BOMB,
                    f"{name}: its part {info.filename} unpacks {ratio:,.0f} times its "
                    f"packed size, over the limit of {limits.max_ratio:,.0f}: it is "
                    "not a normal scorecard (possibly a zip bomb); ask for the "
                    "original file",
                )
    parts = Parts(data)
    book = office_document(parts, infos, seen)
    kind = _zip_kind(parts, infos, seen, book)
    expected = {".ods": "ods", ".xls": "xls"}.get(suffix, "xlsx")
    if kind in ("xlsx", "ods") and kind != expected:
        what = "an OpenDocument spreadsheet" if kind == "ods" else "an Excel workbook"
        raise Refused(
            WRONG_EXTENSION,
            f"{name} is {what} (.{kind}) with a {suffix} name: rename it to "
            f"end in .{kind} and send it again",
        )
    if kind == "xlsb":
        raise Refused(
            WRONG_EXTENSION,
            f"{name} is an Excel binary workbook (.xlsb) with a {suffix} name: {SAVE_AS}",
        )
    if kind not in ("xlsx", "ods"):
        raise Refused(
            NOT_A_WORKBOOK,
            f"{name} is {kind}, not a workbook, although its name ends in "
            f"{suffix}: ask for the scorecard again",
        )
    for info in infos:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Refused(
                CORRUPT,
                f"{name}: its part {info.filename} is packed with method "
                f"{info.compress_type}, which spreadsheet programs do not read: "
                f"{SAVE_AS}",
            )
    if kind == "ods":
        check_ods(parts, infos, name, limits)
    else:
        unpacked: dict[str, bytes] = {}
        check_xlsx(parts, infos, name, limits, sheets_read, result, book or "xl/workbook.xml", unpacked)
        result.package = repack(parts, infos, unpacked)


def _zip_kind(parts: Parts, infos: list[Member], names: set[str], book: str | None) -> str:
    """'xlsx', 'xlsb', 'ods', or what the zip is instead ("a Word document"). `names` are the parts'
    `part_key`s; `book` the workbook part `_rels/.rels` names (`office_document`), wherever it lies."""
    if "xl/workbook.bin" in names or (book or "").endswith(".bin"):
        return "xlsb"
    if book is not None and book.endswith(".xml"):
        return "xlsx"
    if ("xl/workbook.xml" in names or "[content_types].xml" in names) and (
        "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names)
    ):
        return "xlsx"
    if "mimetype" in names:
        info = next(i for i in infos if i.key == "mimetype")
        mime = read_member(parts, info) if info.file_size < 200 else b""
        if mime.strip() == _ODS_MIME:
            return "ods"
        if b"opendocument.text" in mime:
            return "an OpenDocument text document"
        return "an OpenDocument file that is no spreadsheet"
    if "content.xml" in names and "meta-inf/manifest.xml" in names:
        return "ods"
    if any(n.startswith("word/") for n in names):
        return "a Word document"
    if any(n.startswith("ppt/") for n in names):
        return "a PowerPoint presentation"
    if not names:
        return "an empty zip archive"
    return "a zip archive of other files"


# The end of central directory record, and the fields of one central directory entry the checks use
# (APPNOTE 4.3.16, 4.3.12): signature, version needed, flags, method, CRC, packed and unpacked size,
# name, extra and comment lengths, local header offset.
_END = struct.Struct("<4s4H2LH")
_ENTRY = struct.Struct("<4s2xBxHH4xLLLHHH8xL")
_END_SIZE, _ENTRY_SIZE = _END.size, _ENTRY.size
_UNSET = 0xFFFFFFFF  # a zip64 size or offset follows in the extra field


def directory(data: bytes) -> list[Member] | None:
    """The central directory of a plainly written zip, as `zipfile` reads it, at a fraction of its
    cost: the end record is the file's last 22 bytes (no comment, no zip64 locator before it), the
    directory ends right where it starts, its entries fill it exactly and are as many as it says,
    and no entry has an extra field, a NUL in its name or a zip64 size. None for anything else:
    `zipfile` reads that one, with all its rules, so both give the same entries or the same error.
    Excel, LibreOffice, openpyxl and XlsxWriter write their files plainly."""
    size = len(data)
    if size < _END_SIZE or not data.startswith(b"PK\x05\x06", size - _END_SIZE):
        return None
    _, disk, cd_disk, count_here, count, cd_size, cd_offset, comment = _END.unpack_from(data, size - _END_SIZE)
    if (comment or disk or cd_disk or count_here != count or cd_offset + cd_size != size - _END_SIZE
            or data.startswith(b"PK\x06\x07", size - _END_SIZE - 20)):
        return None
    members = []
    append, unpack, new = members.append, _ENTRY.unpack_from, tuple.__new__
    pos = cd_offset
    try:
        for _ in range(count):
            signature, version, flags, method, crc, packed, unpacked, name_length, extra_length, comment_length, \
                offset = unpack(data, pos)
            if (signature != b"PK\x01\x02" or extra_length or version > zipfile.MAX_EXTRACT_VERSION
                    or packed == _UNSET or unpacked == _UNSET or offset == _UNSET):
                return None
            pos += _ENTRY_SIZE
            raw = data[pos : pos + name_length]
            # ASCII reads the same in both encodings; cp437's codec is Python, ten times slower.
            filename = raw.decode() if raw.isascii() or flags & 0x800 else raw.decode("cp437")
            if "\0" in filename:
                return None
            key = filename.replace("\\", "/").lower()  # part_key, inline: this loop runs for every part
            append(new(Member, (filename, filename, flags, method, crc, packed, unpacked, offset, key, raw)))
            pos += name_length + comment_length
    except (struct.error, UnicodeDecodeError):
        return None
    return members if pos == cd_offset + cd_size else None


def _member(info: zipfile.ZipInfo) -> Member:
    raw_name = info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437")
    return Member(info.filename, info.orig_filename, info.flag_bits, info.compress_type, info.CRC,
                  info.compress_size, info.file_size, info.header_offset, part_key(info.filename), raw_name)
