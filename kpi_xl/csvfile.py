"""Reading the CSV files HR saves from Excel: UTF-8 (with or without BOM) or Windows-1252, with
commas, or semicolons as Indonesian-locale Excel writes them, or tabs."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .errors import KpiFileError


def read_csv_rows(path: Path, what: str = "file") -> list[list[str]]:
    """Every row of a CSV file as lists of text; `what` names the file's role in messages."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise KpiFileError(f"{path}: {what} not found") from None
    except OSError as e:
        raise KpiFileError(f"{path}: cannot read the {what} ({e.strerror or e})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # what Excel's "CSV" saves on Windows
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text), dialect))
