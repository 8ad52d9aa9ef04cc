"""What the summary's sheets hold, independent of the library that writes them.

Sheet names, column headers in English and Indonesian, column widths and number formats, and the
rows of every sheet as plain lists (`sheet_rows`), which the Excel console and xlwings Lite write
into an open workbook. `summary.py` streams the same columns into the summary file with openpyxl.
Imports neither openpyxl nor python-calamine, so it also runs inside xlwings Lite.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..contract import SUMMARY_SHEETS
from ..policy import PERFORMANCE_GROUPS
from .tables import Tables

SHEETS = SUMMARY_SHEETS
MAX_TEXT = 32_767  # Excel's limit for one cell

PERCENT = "0.00"  # KPI values and scores are percent numbers (113.65 means 113.65 %), not fractions
MULTIPLE = "0.0#"
GENERAL = None  # weights, targets and actuals as typed
AMOUNT = "#,##0"
INTEGER = "0"
DATE = "yyyy-mm-dd"

# Column headers: key -> (English, Indonesian).
LABELS: dict[str, tuple[str, str]] = {
    "employee_id": ("Employee ID", "ID Karyawan"),
    "name": ("Name", "Nama"),
    "department": ("Department", "Departemen"),
    "role": ("Role", "Jabatan"),
    "supervisor": ("Supervisor", "Atasan"),
    "period": ("Period", "Periode"),
    "kpi_value": ("KPI value (%)", "Nilai KPI (%)"),
    "level": ("Level", "Level"),
    "label": ("Label", "Kriteria"),
    "bonus_multiple": ("Bonus (x monthly salary)", "Bonus (x gaji sebulan)"),
    "bonus_amount": ("Bonus amount", "Jumlah bonus"),
    "raise": ("Raise", "Kenaikan gaji"),
    "status": ("Status", "Status"),
    "issues": ("Issues", "Masalah"),
    "file": ("Source file", "File sumber"),
    "sheet": ("Sheet", "Sheet"),
    "kra": ("KRA", "KRA (sasaran)"),
    "kpis": ("KPIs", "Jumlah KPI"),
    "weight": ("Weight", "Bobot"),
    "final": ("Final score", "Skor akhir"),
    "kra_score": ("KRA score (%)", "Skor KRA (%)"),
    "indicator": ("Indicator (KPI)", "Indikator (KPI)"),
    "unit": ("Unit", "Satuan"),
    "direction": ("Direction", "Arah"),
    "target": ("Target", "Target"),
    "tolerance": ("Tolerance", "Toleransi"),
    "due": ("Due date", "Tenggat"),
    "actual": ("Actual", "Aktual"),
    "score": ("Score (%)", "Skor (%)"),
    "row_status": ("Row", "Baris"),
    "cell": ("Cell", "Sel"),
    "severity": ("Severity", "Tingkat"),
    "message": ("Message", "Pesan"),
    "total": ("Total", "Total"),
}
WORDS: dict[str, tuple[str, str]] = {
    "complete": ("complete", "lengkap"),
    "incomplete": ("incomplete", "belum lengkap"),
    "error": ("error", "error"),
    "not started": ("not started", "belum dimulai"),
    "ok": ("ok", "ok"),
    "blank": ("blank", "kosong"),
    "warning": ("warning", "peringatan"),
    "info": ("info", "info"),
    "low": ("Low", "Rendah"),
    "medium": ("Medium", "Sedang"),
    "high": ("High", "Tinggi"),
    "no_roster": ("No roster was given: run the rollup with --roster FILE to list employees without a "
                  "scorecard.", "Tidak ada roster: jalankan rollup dengan --roster FILE untuk melihat karyawan "
                  "yang belum punya scorecard."),
    "none_missing": ("Every employee on the roster has a scorecard.",
                     "Semua karyawan di roster sudah punya scorecard."),
    "levels_title": ("Scorecards per performance level and department",
                     "Jumlah scorecard per level kinerja dan departemen"),
    "count": ("Scorecards", "Jumlah scorecard"),
    "performance": ("Performance (level)", "Kinerja (level)"),
    "potential": ("Potential", "Potensi"),
    "nine_box_title": ("9-Box: performance level against potential (from the roster)",
                       "9-Box: level kinerja terhadap potensi (dari roster)"),
    "perf_low": ("Low (level 1-2)", "Rendah (level 1-2)"),
    "perf_medium": ("Medium (level 3)", "Sedang (level 3)"),
    "perf_high": ("High (level 4-5)", "Tinggi (level 4-5)"),
    "money_rule": ("Bonus amount: filled only for complete scorecards. An incomplete scorecard shows its level, "
                   "bonus multiple and raise as they stand; a scorecard with errors, or not started (no actual "
                   "reported), has no level, label, bonus or raise (a KPI value shown with errors is not "
                   "reliable) and is not counted on the Levels and 9-Box sheets. Fix them (see the Issues "
                   "sheet) and run the rollup again.",
                   "Jumlah bonus: hanya diisi untuk scorecard yang lengkap. Scorecard yang belum lengkap "
                   "menunjukkan level, kelipatan bonus dan kenaikan gaji sementara; scorecard dengan error, atau "
                   "yang belum dimulai (belum ada aktual), tidak punya level, kriteria, bonus atau kenaikan gaji "
                   "(nilai KPI yang tampil pada scorecard error tidak dapat dipercaya) dan tidak dihitung di "
                   "sheet Levels dan 9-Box. Perbaiki (lihat sheet Issues) lalu jalankan rollup lagi."),
    "not_counted_error": ("{n} scorecards with errors are not counted here (see the Issues sheet).",
                          "{n} scorecard dengan error tidak dihitung di sini (lihat sheet Issues)."),
    "not_counted_not started": ("{n} scorecards not started (no actual reported) are not counted here.",
                                "{n} scorecard yang belum dimulai (belum ada aktual) tidak dihitung di sini."),
}



def label(key: str, lang: str) -> str:
    pair = LABELS.get(key) or WORDS[key]
    return pair[1] if lang == "id" else pair[0]


def word(key: str, lang: str) -> str:
    pair = WORDS.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "id" else pair[0]


def not_counted_note(tables: Tables, lang: str) -> str | None:
    """The line saying how many scorecards the Levels sheet and the 9-box leave out (no level), or None.

    >>> from kpi_xl.rollup.tables import LevelCounts, Tables
    >>> t = Tables(None, None, None, LevelCounts([], [], {"error": 2}), None, None, [])
    >>> not_counted_note(t, "en")
    '2 scorecards with errors are not counted here (see the Issues sheet).'
    """
    counts = tables.levels.not_counted
    lines = [word(f"not_counted_{status}", lang).format(n=n) for status, n in counts.items() if n]
    return " ".join(lines) or None


@dataclass(frozen=True)
class Column:
    """One column of a summary table: its key (header label), width and number format."""

    key: str
    width: float
    number_format: str | None = None  # None: General
    title: str | None = None  # a header that is no label key (a department's name)

    def header(self, lang: str) -> str:
        return self.title if self.title is not None else label(self.key, lang)


SUMMARY_COLUMNS = [
    Column("employee_id", 13), Column("name", 24), Column("department", 22), Column("role", 26),
    Column("supervisor", 20), Column("period", 11), Column("kpi_value", 11, PERCENT), Column("level", 7),
    Column("label", 20), Column("bonus_multiple", 12, MULTIPLE), Column("bonus_amount", 15, AMOUNT),
    Column("raise", 10), Column("status", 13), Column("issues", 8), Column("file", 40), Column("sheet", 18),
]
BY_KRA_COLUMNS = [
    Column("employee_id", 13), Column("name", 24), Column("department", 22), Column("role", 26),
    Column("kra", 34), Column("kpis", 7), Column("weight", 9), Column("final", 11, PERCENT),
    Column("kra_score", 12, PERCENT), Column("file", 40), Column("sheet", 18),
]
DETAIL_COLUMNS = [
    Column("employee_id", 13), Column("name", 24), Column("department", 22), Column("role", 26),
    Column("kra", 30), Column("indicator", 40), Column("unit", 12), Column("direction", 10),
    Column("weight", 8), Column("target", 12), Column("tolerance", 10), Column("due", 11, DATE),
    Column("actual", 12), Column("score", 10, PERCENT), Column("final", 10, PERCENT), Column("row_status", 8),
    Column("file", 40), Column("sheet", 18), Column("cell", 7),
]
ISSUE_COLUMNS = [Column("file", 40), Column("sheet", 18), Column("cell", 8), Column("severity", 10),
                 Column("message", 100)]
MISSING_COLUMNS = [Column("employee_id", 13), Column("name", 24), Column("department", 22),
                   Column("supervisor", 20), Column("role", 26), Column("period", 11)]


@dataclass
class SheetContent:
    """One summary sheet: a table (columns, then rows of plain values), or a note, or the 9-box grid."""

    name: str
    columns: list[Column]
    rows: Iterator[list[Any]]
    note: str | None = None  # a line shown instead of (or below) the table
    count: int | None = None  # how many rows `rows` gives, when known before they are made


def _clean(value: Any) -> Any:
    """NaN (a blank number) is an empty cell."""
    if type(value) is float and math.isnan(value):
        return None
    return value


def _frame_rows(frame: Any, keys: list[str], translate: dict[int, Any] | None = None) -> Iterator[list[Any]]:
    columns = [frame[k].tolist() for k in keys]
    for values in zip(*columns):
        row = [_clean(v) for v in values]
        if translate:
            for at, fn in translate.items():
                row[at] = fn(row[at])
        yield row


def summary_sheets(tables: Tables, lang: str = "en") -> list[SheetContent]:
    """Every sheet of the summary, in order, as plain rows (the one place that decides what they hold)."""
    sheets = []
    s = tables.summary
    columns = SUMMARY_COLUMNS
    if s["monthly_salary"].isna().all():
        columns = [c for c in columns if c.key != "bonus_amount"]  # no salary on the roster
    keys = [c.key for c in columns]
    # The money rule is written under the table when some scorecard is not complete (its blanks need
    # explaining).
    sheets.append(SheetContent("Summary", columns, _frame_rows(s, keys, {
        keys.index("status"): lambda v: word(v, lang),
        keys.index("level"): lambda v: v or None,  # no level: the scorecard has errors or is not started
    }), note=word("money_rule", lang) if (s["status"] != "complete").any() else None, count=len(s)))
    sheets.append(SheetContent("By KRA", BY_KRA_COLUMNS,
                               _frame_rows(tables.by_kra, [c.key for c in BY_KRA_COLUMNS]), count=len(tables.by_kra)))
    counts = tables.levels
    level_columns = ([Column("level", 8), Column("label", 24)]
                     + [Column(f"department:{d}", max(12, min(30, len(d) + 2)), title=d) for d in counts.departments]
                     + [Column("total", 10)])
    sheets.append(SheetContent("Levels", level_columns,
                               iter([[level, text, *per_department, sum(per_department)]
                                     for level, text, per_department in counts.rows]),
                               note=not_counted_note(tables, lang)))
    keys = [c.key for c in DETAIL_COLUMNS]
    sheets.append(SheetContent("Details", DETAIL_COLUMNS, _frame_rows(tables.details, keys, {
        keys.index("row_status"): lambda v: word(v, lang)}), count=len(tables.details)))
    sheets.append(SheetContent("Issues", ISSUE_COLUMNS, iter(
        [[i.file, i.sheet, i.cell, word(i.severity, lang), i.message] for i in tables.issues]),
        count=len(tables.issues)))
    if tables.missing is None:
        sheets.append(SheetContent("Missing", [], iter(()), note=word("no_roster", lang)))
    else:
        rows = list(_frame_rows(tables.missing, [c.key for c in MISSING_COLUMNS]))
        sheets.append(SheetContent("Missing", MISSING_COLUMNS, iter(rows),
                                   note=None if rows else word("none_missing", lang), count=len(rows)))
    if tables.nine_box is not None:
        sheets.append(SheetContent("9-Box", [], iter(nine_box_rows(tables, lang))))
    return sheets


def nine_box_rows(tables: Tables, lang: str) -> list[list[Any]]:
    """Title, the line saying who is left out (no level; else a blank row), header (performance low to
    high), then potential high to low with the names in each box."""
    boxes = tables.nine_box or {}
    note = not_counted_note(tables, lang)
    rows: list[list[Any]] = [[word("nine_box_title", lang)], [note] if note else [],
                             [f"{word('potential', lang)} \\ {word('performance', lang)}"]
                             + [word(f"perf_{g}", lang) for g in PERFORMANCE_GROUPS]]
    for potential in reversed(PERFORMANCE_GROUPS):  # high potential on top
        row: list[Any] = [word(potential, lang)]
        for group in PERFORMANCE_GROUPS:
            names = boxes.get((potential, group), [])
            row.append(f"({len(names)})\n" + "\n".join(names))
        rows.append(row)
    return rows
