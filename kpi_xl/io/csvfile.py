"""Reading the CSV files HR saves from Excel: UTF-8 (with or without BOM) or Windows-1252, with
commas, or semicolons as Indonesian-locale Excel writes them, or tabs."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

from ..errors import KpiFileError


DELIMITERS = (",", ";", "\t")
_SAMPLE_LINES = 50


def delimiter_of(text: str) -> str:
    """The delimiter that splits most of the first lines into the same number (above one) of cells.

    csv.Sniffer wants every line alike, so a title row above the header ("Daftar Karyawan 2026;;") made
    it give up; counting the lines that agree lets a title or a note line differ from the table below.

    >>> delimiter_of("Daftar Karyawan 2026;;\\nNIK;Nama;Jabatan;Gaji\\n1001;Rina;hr-manager;8,5\\n")
    ';'
    >>> delimiter_of("a,b\\n1,2\\n"), delimiter_of("weight\\n60\\n")
    (',', ',')
    """
    lines = [line for line in text.splitlines()[:_SAMPLE_LINES * 2] if line.strip()][:_SAMPLE_LINES]
    best, best_key = ",", (0, 0)
    for delimiter in DELIMITERS:
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        counts = [n for n in counts if n > 1]
        if not counts:
            continue
        widths = Counter(counts)
        width, agreeing = max(widths.items(), key=lambda item: (item[1], item[0]))
        if (agreeing, width) > best_key:
            best, best_key = delimiter, (agreeing, width)
    return best


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
        return list(csv.reader(io.StringIO(text), delimiter=delimiter_of(text)))
    except csv.Error as e:
        raise KpiFileError(f"{path.name}: not a readable CSV file ({e})") from None
