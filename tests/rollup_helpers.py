"""Hand-made scorecard sheets for the rollup tests, built with openpyxl the way people build them."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from openpyxl import Workbook

# The golden scorecard of seed 001 (SPEC 2), in the seed's Indonesian wording.
GOLDEN_ROWS = [
    ("Mengelola blog perusahaan", "posting artikel berkualitas (rata-rata per bulan)", 15, 40, 50),
    (None, "page view total setahun", 10, 1_000_000, 1_500_000),
    ("Mengelola kampanye media sosial", "posting konten di Facebook, Instagram, Twitter (rata-rata per bulan)",
     10, 25, 32),
    (None, "posting video di YouTube (rata-rata per bulan)", 10, 5, 6),
    ("Meningkatkan marketing qualified lead (MQL)", "lead generation rate (%)", 20, 25, 22),
    (None, "lead conversion rate (%)", 20, 20, 21),
    ("Mengefisienkan biaya iklan", "mengurangi biaya iklan (%)", 15, 30, 33),
]
GOLDEN_SCORES = [125, 150, 128, 120, 88, 105, 110]
GOLDEN_FINALS = [18.75, 15, 12.8, 12, 17.6, 21, 16.5]
SEED_HEADER = ("Objective", "Indikator (KPI)", "Bobot", "Target", "Aktual", "Skor", "Skor Akhir")


def seed_sheet(ws: Any, *, top: int = 1, left: int = 1, rows=GOLDEN_ROWS, header=SEED_HEADER,
               who: dict[str, Any] | None = None, title: str | None = None, cached: list | None = None,
               total: bool = True, merge: bool = True, actuals: list | None = None) -> int:
    """The seed's table with its header row at (`top`, `left`); returns the header row.

    `who`: header fields written as "label | value" rows above the table; `cached`: numbers typed in
    the Skor / Skor Akhir columns instead of formulas ((score, final) per row; None keeps the formula).
    """
    r = top
    if title:
        ws.cell(r, left, title)
        r += 2
    for label, value in (who or {}).items():
        ws.cell(r, left, label)
        ws.cell(r, left + 1, value)
        r += 1
    if who:
        r += 1  # a blank row between the block and the table
    head = r
    for j, text in enumerate(header):
        ws.cell(head, left + j, text)
    r = head + 1
    first = r
    groups: list[list[int]] = []  # [first row, last row] of each objective
    for i, (kra, indicator, w, t, a) in enumerate(rows):
        if actuals is not None:
            a = actuals[i]
        if kra is not None or not groups:
            groups.append([r, r])
        groups[-1][1] = r
        ws.cell(r, left, kra)
        ws.cell(r, left + 1, indicator)
        ws.cell(r, left + 2, w)
        ws.cell(r, left + 3, t)
        ws.cell(r, left + 4, a)
        weight, target, actual, score = (_letter(left + k) for k in (2, 3, 4, 5))
        score_cell, final_cell = ws.cell(r, left + 5), ws.cell(r, left + 6)
        if cached is not None and cached[i] is not None:
            score_cell.value, final_cell.value = cached[i]
        else:
            score_cell.value = f"={actual}{r}/{target}{r}*100"
            final_cell.value = f"={weight}{r}*{score}{r}/100"
        r += 1
    if merge:
        for a, b in groups:
            if b > a:
                ws.merge_cells(start_row=a, start_column=left, end_row=b, end_column=left)
    if total:
        ws.cell(r, left, "TOTAL")
        ws.cell(r, left + 2, f"=SUM({_letter(left + 2)}{first}:{_letter(left + 2)}{r - 1})")
        ws.cell(r, left + 6, f"=SUM({_letter(left + 6)}{first}:{_letter(left + 6)}{r - 1})")
    return head


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


def seed_workbook(path: Path, sheets: dict[str, dict[str, Any]] | None = None, **options: Any) -> Path:
    """A workbook with one seed-layout sheet per entry of `sheets` (sheet name -> `seed_sheet` options)."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, sheet_options in (sheets or {"KPI": options}).items():
        seed_sheet(wb.create_sheet(name), **sheet_options)
    wb.save(path)
    return path


def digest(folder: Path) -> dict[str, str]:
    """sha256 of every file under `folder`, to prove a run changed nothing."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


ONE_KPI_HEADER = ("Objective", "Indikator (KPI)", "Bobot", "Target", "Aktual")


def one_kpi_card(path: Path, actual: float, *, emp: str = "E1", name: str = "Ana", period: Any = None,
                 label: str = "Periode") -> Path:
    """A hand-made scorecard (Indonesian labels) with one KPI: weight 100, target 100, so its KPI value
    is `actual` (under the policy's cap)."""
    who = {"Nama": name, "NIK": emp}
    if period is not None:
        who[label] = period
    path.parent.mkdir(parents=True, exist_ok=True)
    return seed_workbook(path, rows=[("Penjualan", "omzet", 100, 100, actual)], who=who, total=False,
                         header=ONE_KPI_HEADER)
