"""What the summary's sheets hold, independent of the library that writes them.

Sheet names, column headers in English and Indonesian, column widths and number formats, and the
rows of every sheet as plain lists (`sheet_rows`), which the Excel console and xlwings Lite write
into an open workbook. `summary.py` streams the same columns into the summary file with openpyxl.
Imports neither openpyxl nor python-calamine, so it also runs inside xlwings Lite.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..contract import SUMMARY_SHEET_NAMES, SUMMARY_SHEETS
from ..policy import PERFORMANCE_GROUPS
from .annual import PeriodTables
from .tables import Tables

SHEETS = SUMMARY_SHEETS
MAX_TEXT = 32_767  # Excel's limit for one cell

PERCENT = "0.00"  # KPI values and scores are percent numbers (113.65 means 113.65 %), not fractions
MULTIPLE = "0.0#"
GENERAL = None  # text
INTEGER = "0"
DATE = "yyyy-mm-dd"
# Numbers as the scorecards show them (kpi_xl.scorecard.sheets: targets with thousands separators):
# a whole number with separators, any other with separators and 2 decimals.
NUMBER, WHOLE_NUMBER = "#,##0.00", "#,##0"
DIGITS = 6  # stored values are rounded to 6 decimals (no float noise such as 96.50000000000001)

# Bonus amounts: currency code -> (symbol, decimals). The symbol is a quoted literal in the number format,
# which Excel 2010, LibreOffice and Gnumeric all show alike (a [$IDR] locale tag is not read alike).
CURRENCIES: dict[str, tuple[str, int]] = {
    "IDR": ("Rp", 0), "USD": ("US$", 2), "EUR": ("\u20ac", 2), "SGD": ("S$", 2), "MYR": ("RM", 2),
    "AUD": ("A$", 2), "JPY": ("\u00a5", 0),
}


def currency_format(currency: str = "IDR") -> str:
    """The number format of a bonus amount in `currency` (a code such as IDR; an unknown code is shown
    as itself with 2 decimals).

    >>> currency_format("IDR"), currency_format("usd"), currency_format("CHF")
    ('"Rp "#,##0', '"US$ "#,##0.00', '"CHF "#,##0.00')
    """
    code = str(currency or "IDR").strip().upper()
    symbol, decimals = CURRENCIES.get(code, (code, 2))
    symbol = symbol.replace('"', "")
    return f'"{symbol} "#,##0' + ("." + "0" * decimals if decimals else "")


# Paper sizes (Excel's paperSize codes) and the width one landscape page has for the columns at 100 %, in
# column-width characters (A4: 297 mm less 2 x 10 mm margins; Letter: 279 mm less the same).
PAPERS = {"A4": 9, "LETTER": 1}
MARGIN_INCHES = 0.4
PRINT_WIDTH_CHARS = {"A4": 148.0, "LETTER": 139.0}
MIN_PRINT_SCALE = 0.73  # 11 pt text at 73 % is 8 pt on paper


def paper_of(paper: str) -> str:
    """A4 or LETTER, from any case; anything else is refused (an argument error for HR)."""
    key = str(paper or "A4").strip().upper()
    if key not in PAPERS:
        raise ValueError(f"paper {paper!r} is not A4 or Letter")
    return key

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
    "file": ("Source file", "File sumber"),  # the full path (a hidden column)
    "shown_file": ("File", "Berkas"),  # the path from the folder rolled up
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
    "annual": ("Annual KPI value {year} (%)", "Nilai KPI tahunan {year} (%)"),
    "annual_level": ("Annual level {year}", "Level tahunan {year}"),
    "annual_label": ("Annual label", "Kriteria tahunan"),
    "annual_bonus_multiple": ("Annual bonus (x monthly salary)", "Bonus tahunan (x gaji sebulan)"),
    "annual_bonus_amount": ("Annual bonus amount", "Jumlah bonus tahunan"),
    "annual_raise": ("Annual raise", "Kenaikan gaji tahunan"),
    "annual_status": ("Year", "Tahun"),
    "period_kpi": ("KPI value {period} (%)", "Nilai KPI {period} (%)"),
    "period_rating": ("Final rating {period} (%)", "Nilai akhir {period} (%)"),
    "annual_rating": ("Annual final rating {year} (%)", "Nilai akhir tahunan {year} (%)"),
    "period_level": ("Level {period}", "Level {period}"),
    "change": ("Change (points)", "Perubahan (poin)"),
    "trend": ("Trend", "Tren"),
    "kpi_level": ("KPI level", "Level KPI"),
    "competency": ("Competency result (%)", "Hasil kompetensi (%)"),
    "attendance": ("Attendance (%)", "Kehadiran (%)"),
    "final_rating": ("Final rating (%)", "Nilai akhir (%)"),
    "calibrated_level": ("Calibrated level", "Level kalibrasi"),
    "calibration_reason": ("Calibration reason", "Alasan kalibrasi"),
    "calibrated_by": ("Calibrated by, on", "Dikalibrasi oleh, tanggal"),
    "bonus_at_policy": ("Bonus at policy multiples", "Bonus sesuai kelipatan kebijakan"),
    "group": ("Group", "Kelompok"),
    "employees": ("Employees", "Karyawan"),
    "mean_rating": ("Mean final rating (%)", "Rata-rata nilai akhir (%)"),
    "mean_level": ("Mean level", "Rata-rata level"),
    "flags": ("Flags", "Catatan"),
    "bonus_fitted": ("Bonus fitted to budget", "Bonus disesuaikan anggaran"),
    "level_count": ("Level {level}", "Level {level}"),
    "level_share": ("Level {level} share (%), target {target}", "Porsi level {level} (%), target {target}"),
}
WORDS: dict[str, tuple[str, str]] = {
    "complete": ("complete", "lengkap"),
    "incomplete": ("incomplete", "belum lengkap"),
    "error": ("error", "error"),
    "not started": ("not started", "belum dimulai"),
    "higher": ("higher", "naik"),
    "lower": ("lower", "turun"),
    "within": ("within", "dalam rentang"),
    "milestone": ("milestone", "milestone"),
    "title": ("KPI summary", "Ringkasan KPI"),
    "title_period": ("period", "periode"),
    "title_date": ("rollup of", "rollup tanggal"),
    "page": ("Page &P of &N", "Halaman &P dari &N"),
    "more": ("and {n} more", "dan {n} lainnya"),
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
    "perf_low": ("Low", "Rendah"),
    "perf_medium": ("Medium", "Sedang"),
    "perf_high": ("High", "Tinggi"),
    "money_rule": ("Bonus amount: filled only for complete scorecards. An incomplete scorecard shows its level, "
                   "bonus multiple and raise as they stand; a scorecard with errors, or not started (no actual "
                   "reported), has no level, label, bonus or raise (a KPI value shown with errors is not "
                   "reliable) and is not counted on the Levels and 9-Box sheets. Fix them (see the Issues "
                   "sheet) and run the rollup again.",
                   "Jumlah bonus: hanya diisi untuk scorecard yang lengkap. Scorecard yang belum lengkap "
                   "menunjukkan level, kelipatan bonus dan kenaikan gaji sementara; scorecard dengan error, atau "
                   "yang belum dimulai (belum ada aktual), tidak punya level, kriteria, bonus atau kenaikan gaji "
                   "(nilai KPI yang tampil pada scorecard error tidak dapat dipercaya) dan tidak dihitung di "
                   "sheet Level Kinerja dan 9-Box. Perbaiki (lihat sheet Masalah) lalu jalankan rollup lagi."),
    "department": ("department", "departemen"),
    "supervisor": ("supervisor", "atasan"),
    "lenient": ("lenient: mean level {diff:+.2f} from the company's", "longgar: rata-rata level {diff:+.2f} dari perusahaan"),
    "harsh": ("harsh: mean level {diff:+.2f} from the company's", "ketat: rata-rata level {diff:+.2f} dari perusahaan"),
    "off_target": ("share off target at level {levels}", "porsi di luar target pada level {levels}"),
    "calibration_note": (
        "Levels are the final rating's, before HR's calibration. A share is flagged when it lies outside the "
        "policy's target ± {tolerance:g} percent points. A supervisor is flagged when the mean level of their "
        "employees (at least {min_n}) differs from the company's mean level ({mean:.2f}, over every scorecard "
        "with a level) by more than {threshold:g}.",
        "Level adalah level nilai akhir, sebelum kalibrasi HR. Porsi ditandai bila di luar target kebijakan "
        "± {tolerance:g} poin persen. Atasan ditandai bila rata-rata level karyawannya (minimal {min_n}) berbeda "
        "dari rata-rata level perusahaan ({mean:.2f}, dari semua scorecard yang punya level) lebih dari "
        "{threshold:g}."),
    "no_target_note": ("The policy sets no calibration target: counts and means only.",
                       "Kebijakan tidak menetapkan target kalibrasi: hanya jumlah dan rata-rata."),
    "budget_note": ("Bonus budget {budget}: total at policy multiples {total}; the factor that fits the budget is "
                    "{factor:.4f}.", "Anggaran bonus {budget}: total sesuai kelipatan kebijakan {total}; faktor "
                    "agar sesuai anggaran {factor:.4f}."),
    "budget_fitted": ("Every bonus amount is multiplied by {factor:.4f} to fit the bonus budget {budget} "
                      "(--fit-budget); the column '{column}' keeps the amounts at policy multiples.",
                      "Setiap jumlah bonus dikalikan {factor:.4f} agar sesuai anggaran bonus {budget} "
                      "(--fit-budget); kolom '{column}' menyimpan jumlah sesuai kelipatan kebijakan."),
    "improving": ("improving", "membaik"),
    "declining": ("declining", "menurun"),
    "average": ("Average KPI value (%)", "Rata-rata nilai KPI (%)"),
    "periods_chart": ("Department: average KPI value per period", "Departemen: rata-rata nilai KPI per periode"),
    "periods_counts": ("Scorecards per level and period", "Jumlah scorecard per level dan periode"),
    "periods_note": ("Annual result: the periods' KPI values combined by the policy's annual method ({method}); "
                     "the annual bonus is filled only when every period of the year is in and complete.",
                     "Hasil tahunan: nilai KPI tiap periode digabung dengan metode tahunan kebijakan ({method}); "
                     "bonus tahunan hanya diisi bila semua periode dalam tahun itu ada dan lengkap."),
    "not_counted_error": ("{n} scorecards with errors are not counted here (see the Issues sheet).",
                          "{n} scorecard dengan error tidak dihitung di sini (lihat sheet Masalah)."),
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
    """One column of a summary table: its key (header label), width and number format, and how it prints.

    `whole`: the format of a whole number when it differs (targets: 1,000,000 but 22.50); `wrap`: long
    text wraps in the cell instead of running under its neighbour; `center`: short values (a level next to
    its label) stand apart from their neighbours; `hidden`: kept in the file, not shown nor printed.
    """

    key: str
    width: float
    number_format: str | None = None  # None: General
    title: str | None = None  # a header that is no label key (a department's name)
    whole: str | None = None
    wrap: bool = False
    center: bool = False
    hidden: bool = False

    def header(self, lang: str) -> str:
        return self.title if self.title is not None else label(self.key, lang)


def _text(key: str, width: float) -> Column:
    return Column(key, width, wrap=True)


def _short(key: str, width: float, number_format: str | None = None) -> Column:
    return Column(key, width, number_format, center=True)


def _number(key: str, width: float) -> Column:
    return Column(key, width, NUMBER, whole=WHOLE_NUMBER)


FULL_PATH = Column("file", 60, hidden=True)  # the full path, for filters and readers; HR reads shown_file
AMOUNT_KEY = "bonus_amount"
# Widths: the shown columns of each table fit one landscape page at MIN_PRINT_SCALE or more (a test holds
# every table to it), headers wrap at word boundaries inside their width.
SUMMARY_COLUMNS = [
    Column("employee_id", 11), _text("name", 15), _text("department", 13), _text("role", 17),
    _text("supervisor", 13), _short("period", 9), Column("kpi_value", 9, PERCENT), _short("level", 7),
    _text("label", 14), Column("bonus_multiple", 10, MULTIPLE), Column(AMOUNT_KEY, 15, WHOLE_NUMBER),
    _short("raise", 10), _text("status", 11), _short("issues", 9), _text("shown_file", 17), _text("sheet", 10),
    FULL_PATH,
]
BY_KRA_COLUMNS = [
    Column("employee_id", 11), _text("name", 16), _text("department", 13), _text("role", 18), _text("kra", 30),
    _short("kpis", 8), _number("weight", 8), Column("final", 9, PERCENT), Column("kra_score", 9, PERCENT),
    _text("shown_file", 20), _text("sheet", 10), FULL_PATH,
]
# The employee's department and role are on the Summary; here they are kept, hidden, for filters.
DETAIL_COLUMNS = [
    Column("employee_id", 10), _text("name", 13), Column("department", 12, hidden=True),
    Column("role", 16, hidden=True), _text("kra", 14), _text("indicator", 20), _text("unit", 9),
    _text("direction", 11), _number("weight", 8), _number("target", 11), _number("tolerance", 11),
    _short("due", 10, DATE), _number("actual", 11), Column("score", 8, PERCENT), Column("final", 8, PERCENT),
    _short("row_status", 8), _text("shown_file", 15), _text("sheet", 9), _short("cell", 6), FULL_PATH,
]
ISSUE_COLUMNS = [_text("file", 36), _text("sheet", 14), _short("cell", 7), _text("severity", 11),
                 _text("message", 90)]
MISSING_COLUMNS = [Column("employee_id", 11), _text("name", 20), _text("department", 16),
                   _text("supervisor", 16), _text("role", 24), _short("period", 9)]


# With rating components in the policy, the Summary shows them and the final rating next to the KPI value;
# the level, label, bonus and raise are the final rating's, the KPI value's level stays as its own column.
RATING_COLUMNS = [_short("kpi_level", 7), Column("competency", 13, PERCENT), Column("attendance", 11, PERCENT),
                  Column("final_rating", 8, PERCENT)]
# With calibrations applied: the level column keeps the final rating's level, and next to it the calibrated
# level, why and by whom; the label, bonus and raise are the calibrated level's.
CALIBRATION_COLUMNS = [_short("calibrated_level", 12), _text("calibration_reason", 18),
                       _text("calibrated_by", 13)]


def summary_columns(frame: Any, currency: str) -> list[Column]:
    """The Summary sheet's columns for this rollup: the rating's and the calibration's only when present."""
    columns = []
    for c in SUMMARY_COLUMNS:
        if c.key == AMOUNT_KEY:
            if frame["monthly_salary"].isna().all():
                continue  # no salary on the roster
            c = amount_column(currency)
        if c.key == "level" and "final_rating" in frame:
            columns += [r for r in RATING_COLUMNS if r.key != "attendance" or frame["attendance"].notna().any()]
        if c.key == "level" and "calibrated_level" in frame and frame["calibrated_level"].notna().any():
            columns.append(c)
            columns += CALIBRATION_COLUMNS
            continue
        if c.key in ("shown_file", "sheet") and "final_rating" in frame:
            # Room for the rating's columns on one printed page: the file stays, hidden, for filters (and
            # the Issues sheet names it).
            c = dataclasses.replace(c, hidden=True)
        columns.append(c)
        if c.key == AMOUNT_KEY and "bonus_at_policy" in frame:
            columns.insert(-1, Column("bonus_at_policy", 15, c.number_format))
    return fit_page(columns)


# Columns a Summary can do without on paper, first to go: each stays in the file (hidden), for filters.
_FIRST_TO_HIDE = ("role", "supervisor", "issues", "calibrated_by", "kpi_level", "raise")


def fit_page(columns: list[Column]) -> list[Column]:
    """The columns with the fewest hidden that still print one page wide at 8 pt or more on either paper
    (`MIN_PRINT_SCALE`): with a final rating, calibrations and a budget, a Summary has more columns than
    a landscape page holds.

    >>> wide = [Column(k, 40) for k in ("employee_id", "name", "role", "supervisor", "label", "status")]
    >>> [c.key for c in fit_page(wide) if not c.hidden]
    ['employee_id', 'name', 'label', 'status']
    """
    limit = min(PRINT_WIDTH_CHARS.values()) / MIN_PRINT_SCALE
    out = list(columns)
    for key in _FIRST_TO_HIDE:
        if sum(c.width for c in out if not c.hidden) <= limit:
            break
        out = [dataclasses.replace(c, hidden=True) if c.key == key else c for c in out]
    return out


def amount_column(currency: str) -> Column:
    """The bonus amount's column, in `currency` (`currency_format`)."""
    return Column(AMOUNT_KEY, 15, currency_format(currency))


def sheet_name(key: str, lang: str) -> str:
    """A summary sheet's tab in `lang` (`kpi_xl.contract.SUMMARY_SHEET_NAMES`): "Levels" is "Level Kinerja"."""
    return SUMMARY_SHEET_NAMES["id" if lang == "id" else "en"][key]


@dataclass
class SheetContent:
    """One summary sheet: a table (columns, then rows of plain values), or a note, or the 9-box grid."""

    name: str  # the tab, in the summary's language
    columns: list[Column]
    rows: Iterable[list[Any]]  # read once; a `FrameRows` also gives them a block of columns at a time
    note: str | None = None  # a line shown instead of (or below) the table
    count: int | None = None  # how many rows `rows` gives, when known before they are made
    key: str = ""  # the sheet's key in kpi_xl.contract.SUMMARY_SHEETS ("Levels"); "" means `name`

    def __post_init__(self) -> None:
        self.key = self.key or self.name


def _cleaned(values: list[Any]) -> list[Any]:
    """NaN (a blank number) is an empty cell; a float is rounded to DIGITS decimals (no float noise)."""
    return [v if type(v) is not float else None if math.isnan(v) else round(v, DIGITS) for v in values]


def _clean(value: Any) -> Any:
    """One value as `_cleaned` makes it."""
    return _cleaned([value])[0]


# Rows made into Python values at a time: a block, not the whole table, so that the Details of 100,000
# scorecards (700,000 rows) never exist as Python objects all at once while the summary is written.
ROWS_AT_A_TIME = 5000


class _Coded:
    """A categorical column, indexed a block at a time into its texts (never all rows at once); each text
    is cleaned once, not once per row."""

    def __init__(self, column: Any) -> None:
        self.codes = column.cat.codes.to_numpy()
        categories = column.cat.categories.to_numpy(dtype=object).tolist()
        self.texts = np.empty(len(categories) + 1, dtype=object)
        self.texts[:] = _cleaned(categories) + [None]  # code -1: blank

    def values(self, at: Any) -> list[Any]:
        return self.texts[self.codes[at]].tolist()


class _Plain:
    """A column of numbers, text or dates, as Python values a block at a time."""

    def __init__(self, column: Any) -> None:
        # Numbers and text as numpy arrays (views, not copies); anything else (dates) as the objects pandas gives.
        self.array = column.to_numpy() if column.dtype.kind in "biufO" else column.astype(object).to_numpy()
        self.clean = self.array.dtype.kind in "fO"  # whole numbers and booleans need no cleaning

    def values(self, at: Any) -> list[Any]:
        part = self.array[at]
        if part.dtype == np.float64:
            return _cleaned_floats(part)
        values = part.tolist()
        return _cleaned(values) if self.clean and float in set(map(type, values)) else values


# Below this a float's neighbours are closer than 1e-6 apart (2 ** 33 * 2 ** -52 = 2 ** -19 > 1e-6 above).
_ROUNDED_BELOW = 2.0 ** 33


def _cleaned_floats(array: Any) -> list[Any]:
    """`_cleaned(array.tolist())`, rounding only the values that need it: most have DIGITS decimals or fewer
    already (a score of 96.5), and a million calls of round() are 0.1 s. Where numpy's rounding
    (rint(x * 10**DIGITS) / 10**DIGITS, every step correctly rounded) gives x back, x is the float nearest to
    a number of DIGITS decimals, which is what round(x, DIGITS) returns: x itself."""
    values = array.tolist()
    with np.errstate(all="ignore"):
        kept = (np.round(array, DIGITS) == array) & (np.abs(array) < _ROUNDED_BELOW)
    if not kept.all():  # blanks (NaN), and values with more decimals
        at = np.flatnonzero(~kept).tolist()
        for i, value in zip(at, _cleaned([values[i] for i in at])):
            values[i] = value
    return values


class FrameRows:
    """`frame`'s rows as lists of the values of `keys`, cleaned (`_cleaned`), made one block of rows at a
    time. Iterated, it gives rows; `blocks()` gives each block as columns (a list of values per key), which
    the summary's writer streams a column at a time, with no list per row.

    A key `frame` lacks is its scorecard's, from `by_card` (the summary), through `frame`'s `card`
    column. `translate`: position of a key -> the function that makes each of its values what the sheet
    shows (a status in the summary's language).
    """

    def __init__(self, frame: Any, keys: list[str], translate: dict[int, Any] | None = None,
                 by_card: Any = None) -> None:
        self.frame = frame
        self.keys = keys
        self.translate = translate or {}
        self.by_card = by_card

    def __len__(self) -> int:
        return len(self.frame)

    def blocks(self) -> Iterator[list[list[Any]]]:
        frame, by_card = self.frame, self.by_card
        card = frame["card"].to_numpy() if by_card is not None else None
        columns = [(_column(frame[k]), False) if k in frame else (_column(by_card[k]), True) for k in self.keys]
        for start in range(0, len(frame), ROWS_AT_A_TIME):
            at = slice(start, start + ROWS_AT_A_TIME)
            block = [column.values(card[at] if per_card else at) for column, per_card in columns]
            for position, shown in self.translate.items():
                block[position] = _translated(block[position], shown)
            yield block

    def __iter__(self) -> Iterator[list[Any]]:
        for block in self.blocks():
            yield from map(list, zip(*block))


def _translated(values: list[Any], shown: Any) -> list[Any]:
    """`shown` of each value; of each text once (a status comes back on every row)."""
    if set(map(type, values)) <= {str, type(None)}:
        return list(map({v: shown(v) for v in set(values)}.__getitem__, values))
    return list(map(shown, values))


def _column(column: Any) -> _Coded | _Plain:
    return _Coded(column) if hasattr(column, "cat") else _Plain(column)


def source_folder(files: Iterable[str]) -> str | None:
    """The folder the sources have in common (the folder rolled up), or None when they have none (two
    drives, no file).

    >>> source_folder(["/hr/2025/a.xlsx", "/hr/2025/sales/b.xlsx"]) == os.path.normpath("/hr/2025")
    True
    """
    # By folder, not by file: a run of 100,000 files has a handful of folders.
    folders = {os.path.abspath(os.path.dirname(f) or os.curdir) for f in set(files) if f}
    if not folders:
        return None
    try:
        return os.path.commonpath(folders)
    except ValueError:  # two drives, or relative and absolute
        return None


def shown_path(file: str, base: str | None) -> str:
    """`file` as HR reads it: from `base` (the folder rolled up) down, else as it is.

    >>> shown_path("/hr/2025/sales/b.xlsx", "/hr/2025") == os.path.join("sales", "b.xlsx")
    True
    """
    if not base or not file:
        return file
    start = base + os.sep
    if len(file) > len(start) and file.startswith(start) and os.path.normpath(file) == file \
            and os.path.normpath(base) == base and os.path.isabs(base):
        rel = file[len(start):]  # what relpath gives for a clean path under a clean base, 20 times faster
    else:
        try:
            rel = os.path.relpath(os.path.abspath(file), base)
        except ValueError:  # another drive
            return file
    return file if rel.startswith(os.pardir) else rel


def _with_shown_file(frame: Any, base: str | None) -> Any:
    """`frame` with the column `shown_file`: each file as HR reads it (`shown_path`)."""
    frame = frame.copy(deep=False)
    paths = {f: shown_path(f, base) for f in set(frame["file"])}  # each file once, not once per KPI row
    frame["shown_file"] = [paths[f] for f in frame["file"]]
    return frame


def summary_title(tables: Tables, lang: str, date: dt.date | None = None, *, limit: int = 200) -> str:
    """The title printed on every page: department(s), period(s) and the date of the rollup.

    >>> from kpi_xl.rollup.tables import LevelCounts, Tables
    >>> import pandas as pd
    >>> t = Tables(pd.DataFrame({"department": ["Sales", "IT", "Sales"], "period": ["2025"] * 3}), None, None,
    ...            LevelCounts([], [], {}), None, None, [])
    >>> summary_title(t, "en", dt.date(2026, 1, 31))
    'KPI summary: IT, Sales | period 2025 | rollup of 2026-01-31'
    """
    frame = tables.summary

    def listed(key: str) -> str:
        values = sorted({str(v).strip() for v in frame.get(key, []) if v is not None and str(v).strip()
                         and str(v) != "nan"}, key=str.casefold)
        text = ", ".join(values)
        if len(text) > limit // 3:  # Excel's page header holds 255 characters
            shown: list[str] = []
            for v in values:
                if len(", ".join(shown + [v])) > limit // 3 - 20:
                    break
                shown.append(v)
            text = ", ".join(shown) + " " + word("more", lang).format(n=len(values) - len(shown))
        return text or "-"

    when = (date or dt.date.today()).isoformat()
    return (f"{word('title', lang)}: {listed('department')} | {word('title_period', lang)} {listed('period')} | "
            f"{word('title_date', lang)} {when}")


def summary_sheets(tables: Tables, lang: str = "en", *, currency: str = "IDR",
                   base: str | os.PathLike[str] | None = None) -> list[SheetContent]:
    """Every sheet of the summary, in order, as plain rows (the one place that decides what they hold).

    `currency`: the bonus amount's currency (`currency_format`); `base`: the folder rolled up, which file
    paths are shown from (None: the folder the sources have in common); the full path stays in a hidden
    column.
    """
    sheets = []
    if base is None:
        base = source_folder(tables.summary["file"]) if len(tables.summary) else None
    folder = os.path.abspath(base) if base else None
    s = _with_shown_file(tables.summary, folder)
    columns = summary_columns(s, currency)
    keys = [c.key for c in columns]
    # The money rule is written under the table when some scorecard is not complete (its blanks need
    # explaining).
    notes = [word("money_rule", lang)] if (s["status"] != "complete").any() else []
    cal = tables.calibration
    if cal is not None and cal.fitted:
        notes.append(word("budget_fitted", lang).format(factor=cal.factor, budget=f"{cal.budget:,.0f} {currency}",
                                                        column=label("bonus_at_policy", lang)))
    sheets.append(SheetContent(sheet_name("Summary", lang), columns, FrameRows(s, keys, {
        keys.index("status"): lambda v: word(v, lang),
        **{keys.index(k): (lambda v: v or None) for k in ("level", "kpi_level", "calibrated_level") if k in keys},
    }), note=" ".join(notes) or None, count=len(s), key="Summary"))
    by_kra = tables.by_kra  # who and where are the scorecard's, from the summary (`s`)
    sheets.append(SheetContent(sheet_name("By KRA", lang), BY_KRA_COLUMNS,
                               FrameRows(by_kra, [c.key for c in BY_KRA_COLUMNS], by_card=s),
                               count=len(by_kra), key="By KRA"))
    counts = tables.levels
    level_columns = ([_short("level", 8), _text("label", 22)]
                     + [Column(f"department:{d}", max(10, min(18, math.ceil(len(d) * 1.1) + 2)), title=d, center=True)
                        for d in counts.departments]
                     + [_short("total", 9)])
    sheets.append(SheetContent(sheet_name("Levels", lang), level_columns,
                               iter([[level, text, *per_department, sum(per_department)]
                                     for level, text, per_department in counts.rows]),
                               note=not_counted_note(tables, lang), key="Levels"))
    details = tables.details
    keys = [c.key for c in DETAIL_COLUMNS]
    sheets.append(SheetContent(sheet_name("Details", lang), DETAIL_COLUMNS, FrameRows(details, keys, {
        keys.index("row_status"): lambda v: word(v, lang),
        keys.index("direction"): lambda v: word(v, lang) if isinstance(v, str) else v,
    }, by_card=s), count=len(details), key="Details"))
    sheets.append(SheetContent(sheet_name("Issues", lang), ISSUE_COLUMNS, iter(
        [[i.file, i.sheet, i.cell, word(i.severity, lang), i.message] for i in tables.issues]),
        count=len(tables.issues), key="Issues"))
    if tables.missing is None:
        sheets.append(SheetContent(sheet_name("Missing", lang), [], iter(()), note=word("no_roster", lang),
                                   key="Missing"))
    else:
        rows = FrameRows(tables.missing, [c.key for c in MISSING_COLUMNS])
        sheets.append(SheetContent(sheet_name("Missing", lang), MISSING_COLUMNS, rows,
                                   note=None if rows else word("none_missing", lang), count=len(rows),
                                   key="Missing"))
    if tables.nine_box is not None:
        sheets.append(SheetContent(sheet_name("9-Box", lang), [], iter(nine_box_rows(tables, lang)), key="9-Box"))
    if tables.periods is not None:
        sheets.append(periods_sheet(tables.periods, lang, currency))
    if tables.calibration is not None:
        sheets.append(calibration_sheet(tables.calibration, lang, currency))
    return sheets


def calibration_sheet(cal: Any, lang: str, currency: str = "IDR") -> SheetContent:
    """The Calibration sheet: per department and per supervisor, count and share of each level against
    the target, mean final rating and level, flags; the bonus at policy multiples against the budget."""
    money = currency_format(currency)
    columns = [_text("group", 11), _text("name", 16), _short("employees", 9)]
    for level in cal.levels:
        columns.append(Column(f"count:{level}", 7, title=label("level_count", lang).format(level=level), center=True))
        target = cal.target.get(level)
        columns.append(Column(f"share:{level}", 10, PERCENT, title=label("level_share", lang).format(
            level=level, target="-" if target is None else f"{target:g} %")))
    columns += [Column("mean_rating", 10, PERCENT), Column("mean_level", 8, PERCENT), _text("flags", 22)]
    frame = cal.frame
    if len(frame):
        columns.append(Column("bonus_at_policy", 14, money))
        if "bonus_fitted" in frame:
            columns.append(Column("bonus_fitted", 14, money))
    rows = []
    for row in frame.to_dict("records"):
        flags = []
        if row["off_target"]:
            flags.append(word("off_target", lang).format(levels=", ".join(map(str, row["off_target"]))))
        if row["supervisor_flag"]:
            flags.append(word(row["supervisor_flag"], lang).format(diff=row["mean_level"] - cal.company_mean))
        values = {**row, "group": word(row["group"], lang), "flags": "; ".join(flags)}
        rows.append([_clean(values.get(c.key)) for c in columns])
    notes = [word("calibration_note", lang).format(tolerance=cal.tolerance, min_n=cal.min_employees,
                                                   mean=cal.company_mean, threshold=cal.threshold)
             if cal.target else word("no_target_note", lang)]
    if cal.factor is not None:
        notes.append(word("budget_note", lang).format(budget=f"{cal.budget:,.0f} {currency}",
                                                      total=f"{cal.total_at_policy:,.0f} {currency}", factor=cal.factor))
    if cal.fitted:
        notes.append(word("budget_fitted", lang).format(factor=cal.factor, budget=f"{cal.budget:,.0f} {currency}",
                                                        column=label("bonus_at_policy", lang)))
    return SheetContent(sheet_name("Calibration", lang), columns, iter(rows), note=" ".join(notes),
                        count=len(rows), key="Calibration")


def periods_columns(periods: PeriodTables, lang: str, currency: str = "IDR") -> list[Column]:
    """The Periods sheet's columns: who, each period's KPI value and level, the annual result of the
    run's last year, the trend, then each earlier year's annual value and level."""
    year = periods.year
    rated = periods.measure == "final_rating"  # the year is made of final ratings where the policy weighs them
    per_period, annual = ("period_rating", "annual_rating") if rated else ("period_kpi", "annual")
    columns = [Column("employee_id", 11), _text("name", 16), _text("department", 13)]
    for j, p in enumerate(periods.periods):
        columns += [Column(f"kpi:{j}", 9, PERCENT, title=label(per_period, lang).format(period=p.label(lang))),
                    Column(f"level:{j}", 7, center=True, title=label("period_level", lang).format(period=p.label(lang)))]
    columns += [Column("annual", 11, PERCENT, title=label(annual, lang).format(year=year)),
                Column("annual_level", 8, center=True, title=label("annual_level", lang).format(year=year)),
                _text("annual_label", 12), Column("annual_bonus_multiple", 10, MULTIPLE)]
    if not periods.frame["monthly_salary"].isna().all():
        columns.append(Column("annual_bonus_amount", 13, currency_format(currency)))
    columns += [_short("annual_raise", 10), _text("annual_status", 11), Column("change", 12, PERCENT),
                _text("trend", 10)]
    for y in periods.other_years:
        columns += [Column(f"year:{y}", 11, PERCENT, title=label("annual", lang).format(year=y)),
                    Column(f"level_year:{y}", 8, center=True, title=label("annual_level", lang).format(year=y))]
    return columns


def periods_sheet(periods: PeriodTables, lang: str, currency: str = "IDR") -> SheetContent:
    """One row per employee (`periods_columns`); the counts per level and period and the department's
    average per period follow the table (`period_counts_rows`), with the line chart."""
    columns = periods_columns(periods, lang, currency)
    keys = [c.key for c in columns]
    frame = periods.frame.copy()
    for key in keys:
        if key not in frame:
            frame[key] = None
    translate = {keys.index("annual_status"): lambda v: word(v, lang) if v else v,
                 keys.index("trend"): lambda v: word(v, lang) if v else v}
    rows = FrameRows(frame, keys, translate)
    return SheetContent(sheet_name("Periods", lang), columns, rows, count=len(rows), key="Periods")


def period_counts_rows(periods: PeriodTables, lang: str) -> list[list[Any]]:
    """The small table under the Periods sheet: a header (level, label, one column per period), a row
    per level with its scorecards in each period, and the department's average KPI value per period."""
    rows: list[list[Any]] = [[label("level", lang), label("label", lang), *(p.label(lang) for p in periods.periods)]]
    rows += [[level, text, *counts] for level, text, counts in periods.level_counts]
    rows.append(["", word("average", lang), *(_clean(v) for v in periods.averages)])
    return rows


def _group_head(group: str, tables: Tables, lang: str) -> str:
    """'High (level 4-5)': a performance group and the policy's levels in it (`Policy.performance_group`)."""
    levels = tables.performance_levels.get(group, [])
    if not levels:
        return word(f"perf_{group}", lang)
    span = str(levels[0]) if len(levels) == 1 else f"{levels[0]}-{levels[-1]}"
    return f"{word(f'perf_{group}', lang)} (level {span})"


def nine_box_rows(tables: Tables, lang: str) -> list[list[Any]]:
    """Title, the line saying who is left out (no level; else a blank row), header (performance low to
    high), then potential high to low with the names in each box."""
    boxes = tables.nine_box or {}
    note = not_counted_note(tables, lang)
    rows: list[list[Any]] = [[word("nine_box_title", lang)], [note] if note else [],
                             [f"{word('potential', lang)} \\ {word('performance', lang)}"]
                             + [_group_head(g, tables, lang) for g in PERFORMANCE_GROUPS]]
    for potential in reversed(PERFORMANCE_GROUPS):  # high potential on top
        row: list[Any] = [word(potential, lang)]
        for group in PERFORMANCE_GROUPS:
            names = boxes.get((potential, group), [])
            row.append(f"({len(names)})\n" + "\n".join(names))
        rows.append(row)
    return rows
