"""HR's calibration workbook (`kpi-xl rollup --calibration FILE.xlsx`): one row per employee and period,
with the calibrated level, the reason, who and when. The rollup writes a starter file listing every
scorecard when the file does not exist yet, and reads it when it does; it never writes over it, so what
HR typed survives every later rollup. The file is read through the one gate (`kpi_xl.io.workbook`).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook

from ..errors import KpiFileError
from ..io.files import save_workbook
from ..io.workbook import read_sheets
from ..values import cell_text
from ..words import CALIBRATION_COLUMNS, CALIBRATION_REQUIRED, match
from .calibration import CalibrationEntry

HEADER_SCAN_ROWS = 20
# The starter file's headers, in both languages (the words `CALIBRATION_COLUMNS` recognises).
STARTER_HEADERS = {
    "en": ("Employee ID", "Name", "Department", "Supervisor", "Period", "Level", "Calibrated level", "Reason",
           "By", "Date"),
    "id": ("ID Karyawan", "Nama", "Departemen", "Atasan", "Periode", "Level", "Level kalibrasi", "Alasan",
           "Oleh", "Tanggal"),
}


def read_calibrations(path: str | os.PathLike[str]) -> list[CalibrationEntry]:
    """The rows of HR's calibration workbook: its first sheet with a header row naming the employee ID
    and the calibrated level (EN or ID). Rows without a calibrated level are left out."""
    for sheet, rows in read_sheets(path, "calibration workbook"):
        header = _header(rows)
        if header is None:
            continue
        at, col = header
        out = []
        for number, cells in rows[at + 1:]:
            def get(key: str, cells: list[Any] = cells) -> Any:
                j = col.get(key)  # noqa: B023 - used at once, inside this iteration
                return cells[j] if j is not None and j < len(cells) else None

            if cell_text(get("calibrated_level")) == "":
                continue
            out.append(CalibrationEntry(cell_text(get("employee_id")), cell_text(get("period")),
                                        get("calibrated_level"), cell_text(get("reason")), cell_text(get("by")),
                                        _date_text(get("date")), number, sheet))
        return out
    raise KpiFileError(f"{path}: no sheet has a header row with Employee ID and Calibrated level "
                       "(ID Karyawan, Level kalibrasi); start from the file `kpi-xl rollup --calibration` writes")


def _header(rows: list[tuple[int, list[Any]]]) -> tuple[int, dict[str, int]] | None:
    for i, (_, cells) in enumerate(rows[:HEADER_SCAN_ROWS]):
        col: dict[str, int] = {}
        for j, value in enumerate(cells):
            key = match(value, CALIBRATION_COLUMNS)
            if key is not None and key not in col:
                col[key] = j
        if all(k in col for k in CALIBRATION_REQUIRED):
            return i, col
    return None


def _date_text(value: Any) -> str:
    if isinstance(value, (dt.datetime, dt.date)):
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    return cell_text(value)


def write_starter(path: str | os.PathLike[str], summary: pd.DataFrame, lang: str) -> Path:
    """A calibration workbook listing every scorecard (employee, period, level) with empty calibrated
    level, reason, by and date for HR to fill. Refuses an existing file: HR's calibrations are never
    written over."""
    target = Path(path)
    if os.path.lexists(target):
        raise KpiFileError(f"{target}: exists; kpi-xl reads a calibration file and never writes over it")
    wb = Workbook()
    ws = wb.active
    ws.title = "Kalibrasi" if lang == "id" else "Calibration"
    ws.append(list(STARTER_HEADERS["id" if lang == "id" else "en"]))
    for row in summary.itertuples(index=False):
        level = int(row.level) if row.level else None
        ws.append([row.employee_id, row.name, row.department, row.supervisor, row.period, level, None, None,
                   None, None])
    for letter, width in zip("ABCDEFGHIJ", (13, 22, 16, 16, 10, 8, 12, 40, 14, 12)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    return save_workbook(wb, target, "calibration workbook", KpiFileError)
