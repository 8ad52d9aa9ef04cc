"""The zip container of .xlsx, .xlsm and .ods files: its central directory (sizes, ratios, number of
parts: zip bombs are refused here, before anything is unpacked), encryption, and what kind of file the
zip is; then the format's own check (`xlsx`, `ods`)."""

from __future__ import annotations

import io
import zipfile

from .ods import check_ods
from .parts import Parts
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
from .xlsx import check_xlsx

ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


def check_zip(
    data: bytes, name: str, suffix: str, limits: Limits, sheets_read: SheetsRead | None, result: Inspection
) -> None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise Refused(
            CORRUPT,
            f"{name} is damaged or incomplete (cut off while copying?): it is not a "
            "complete workbook; ask for the file again",
        ) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_members:
            raise Refused(
                ZIP_BOMB,
                f"{name} holds {len(infos):,} parts, over the limit of "
                f"{limits.max_members:,}: it is not a normal scorecard; ask for the "
                "original file",
            )
        seen: set[str] = set()
        unpacked = 0
        for info in infos:
            if info.filename in seen:
                raise Refused(CORRUPT, f"{name} holds two parts named {info.filename!r}: {SAVE_AS}")
            seen.add(info.filename)
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
        kind = _zip_kind(zf, seen)
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
        parts = Parts(data)
        if kind == "ods":
            check_ods(parts, zf, infos, name, limits)
        else:
            check_xlsx(parts, infos, name, limits, sheets_read, result)


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
