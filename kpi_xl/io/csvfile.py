"""Reading the CSV files HR saves from Excel: UTF-8 (with or without BOM) or Windows-1252, with
commas, or semicolons as Indonesian-locale Excel writes them, or tabs."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import KpiFileError


def read_csv_rows(path: Path, what: str = "file") -> list[list[str]]:
    """Every row of a CSV file as lists of text; `what` names the file's role in messages."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise KpiFileError(f"{path}: {what} not found") from None
    except OSError as e:
        raise KpiFileError(f"{path}: cannot read the {what} ({e.strerror or e})") from None
    if raw[:4] == b"PK\x03\x04" or raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise KpiFileError(f"{path.name}: this is a workbook, not a CSV file: save it from Excel as "
                           f"\"CSV UTF-8\" first")
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = raw.decode("utf-16")  # Excel's "Unicode Text": tab-separated UTF-16
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")  # what Excel's "CSV" saves on Windows
    if "\x00" in text:
        raise KpiFileError(f"{path.name}: not a text file: save it from Excel as \"CSV UTF-8\"")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as e:
        raise KpiFileError(f"{path.name}: not a readable CSV file ({e})") from None
