"""Scorecard workbooks from role definitions (SPEC 6): one employee's KPI sheet for one period.

`build_scorecard(role, employee)` makes the workbook: the scorecard sheet (header, KPI table, totals,
KPI value, level, label, bonus multiple, raise, sign-off), the KRA record sheet (seed 000 step 5), the
task inventory sheet (seed 000 step 1) and the policy sheet the formulas read. `write_roster_scorecards`
makes one file per employee of a roster.

Two formula modes: ``native`` (plain formulas that Excel 2010+, LibreOffice 7.4+ and Google Sheets
compute the way `kpi_xl.scoring` does) and ``udf`` (the same cells call ``=KPI_SCORE()`` and friends
from the kpi-xl add-in). A reader finds every field through the workbook-scoped defined names of
`kpi_xl.contract`; the layout below is what they point at.

Scorecard sheet (n KPI rows, first KPI row 11, totals row t = 11 + n):

| cells | what | defined name |
|---|---|---|
| C4 C5 C6 C7 | employee name, employee ID, department, supervisor (inputs) | EmployeeName ... Supervisor |
| I4 I5 I6 | role name, role ID, period (period is an input) | RoleName, RoleID, Period |
| C8 | role description | RoleDescription |
| A10:L10 | table header | |
| B..L 11:t-1 | KRA, indicator, unit, direction, weight, target, tolerance, due date, actual, score, final | KPI_KRA ... KPI_Final; KPI_Table = B11:L(t-1) |
| F t, L t | total weight, total final | TotalWeight, TotalFinal |
| C t+2 .. C t+6 | KPI value, level, label, bonus multiple, raise | KPIValue ... SalaryRaise |
| M1, M2 (hidden column) | contract version, language | KPIXL_Scorecard, ScorecardLanguage |
| M, N 11:t-1 (hidden, native mode) | the actual as typed (trimmed) and as the core reads it | |

Policy sheet: the bands (Policy_Levels ... Policy_Raise), the score cap and the lower method
(Policy_MaxScore, Policy_LowerMethod), and Policy_Table: all of it as one block, which udf-mode cells
pass to every cell function, so both modes score and band by the sheet.

Written files: atomically (`kpi_xl.files.atomic_write`), with the permissions of any new file; an
existing file is replaced only with `overwrite=True` (the default of the library calls; the CLI keeps
existing scorecards unless given --overwrite, since an employee may have filled one in).
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import absolute_coordinate, get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from . import contract as C
from .checks import ERROR, check_role
from .errors import KpiFileError, KpiInputError, RoleError
from .io.files import save_workbook
from .policy import Policy, load_policy
from .roles import Role, builtin_roles, resolve_role
from .roster import Employee, Roster, RosterProblem, read_roster
from .words import DONE_WORDS, NOT_DONE_WORDS

LANGS = ("en", "id")
FORMULA_MODES = ("native", "udf")

# Defined names the formulas use that are no part of the reader's contract (kept here, not in contract.py).
MILESTONE_DONE = "Milestone_DoneWords"
MILESTONE_NOT_DONE = "Milestone_NotDoneWords"
# The policy block the cell functions take: the bands with their header row, then the score cap and
# lower method rows (kpi_xl.udfs.policy_from_range reads both).
POLICY_TABLE = "Policy_Table"

# --- labels ------------------------------------------------------------------------------------------

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "sheet_scorecard": "Scorecard", "sheet_kra": "KRA record", "sheet_tasks": "Task inventory",
        "sheet_policy": "Policy",
        "title": "KPI Scorecard",
        "instructions": "Type your results in the yellow Actual cells. Scores, the KPI value, the level and "
                        "the rewards are calculated from the Policy sheet.",
        "employee_name": "Employee name", "employee_id": "Employee ID", "department": "Department",
        "supervisor": "Supervisor", "role": "Role", "role_id": "Role ID", "period": "Period",
        "cycle": "Review cycle", "description": "Role description",
        "no": "No.", "kra": "KRA", "indicator": "Indicator (KPI)", "unit": "Unit", "direction": "Direction",
        "weight": "Weight", "target": "Target", "tolerance": "Tolerance", "due": "Due date", "actual": "Actual",
        "score": "Score", "final": "Final score", "total": "TOTAL",
        "kpi_value": "KPI value", "level": "Performance level", "label": "Rating",
        "bonus": "Bonus (× monthly salary)", "raise": "Salary raise", "reported": "Rows reported",
        "reported_of": " of {n}",
        "signoff": "Sign-off", "signoff_employee": "Employee", "signoff_supervisor": "Supervisor",
        "signoff_name": "Name", "signoff_signature": "Signature", "signoff_date": "Date",
        "legend": "How it is calculated",
        "legend_directions": "Direction: higher = more is better (actual ÷ target × 100) · lower = less is "
                             "better · within = target ± tolerance scores 100 · milestone = type 1 or yes when "
                             "done, or the completion date (on or before the due date).",
        "legend_value": "KPI value = total final score ÷ total weight × 100. A blank actual counts as 0 "
                        "until it is reported.",
        "legend_levels": "Levels: ",
        # Messages a score cell shows where the core refuses the row.
        "msg_not_number": "actual is not a number", "msg_target_blank": "target is blank",
        "msg_target_zero": "target is 0", "msg_tolerance": "tolerance is below 0",
        "msg_ratio": "actual must be above 0", "msg_weights_zero": "weights sum to 0",
        # Data validation.
        "dv_title": "Actual", "dv_prompt": "Target: {target}. {how}", "dv_error_title": "Not a number",
        "dv_error": "Type a number (the actual result for the period).",
        "dv_milestone_prompt": "Due {due}. Type 1 or yes when done, 0 or no when not, or the completion date.",
        "dv_milestone_error": "Type 1, yes, 0, no or the completion date.",
        "how_higher": "More is better.", "how_lower": "Less is better.",
        "how_within": "Within ± {tolerance} scores 100.",
        # KRA record.
        "kra_title": "KRA record", "kra_intro": "The agreed Key Result Areas, their KPIs, how they are "
                                                "measured and their targets (reviewed with the supervisor).",
        "goal": "Company goal it serves", "method": "Measurement method", "target_text": "Target",
        "activities": "Supporting activities", "reviewed_on": "Reviewed on", "next_review": "Next review",
        "done_by": "done by {due}",
        # Task inventory.
        "tasks_title": "Task inventory", "tasks_intro": "Everything the role does, how often and how long it "
                                                       "takes, and what can be delegated.",
        "task": "Task", "frequency": "Frequency", "duration": "Duration per task",
        "delegable": "Can be delegated", "notes": "Notes", "yes": "Yes", "no_word": "No",
        # Policy.
        "policy_title": "Scoring policy", "policy_source": "Source: {source}. The scorecard's formulas read "
                                                          "this sheet.",
        # Header words the cell functions' policy_from_range recognises (level, above, label, bonus, raise).
        "pol_level": "Level", "pol_above": "Above (KPI value, exclusive)", "pol_label": "Label",
        "pol_bonus": "Bonus (× monthly salary)", "pol_raise": "Salary raise",
        "pol_max": "Score cap (blank: none)", "pol_lower": "Lower method (difference or ratio)",
        "pol_done": "Milestone words for done", "pol_not_done": "Milestone words for not done",
        "pol_marker": "kpi-xl scorecard contract version",
    },
    "id": {
        "sheet_scorecard": "Kartu KPI", "sheet_kra": "Catatan KRA", "sheet_tasks": "Inventaris Tugas",
        "sheet_policy": "Kebijakan",
        "title": "Kartu Penilaian KPI",
        "instructions": "Isi hasil Anda di sel Aktual yang berwarna kuning. Skor, nilai KPI, tingkat kinerja "
                        "dan imbalan dihitung dari lembar Kebijakan.",
        "employee_name": "Nama karyawan", "employee_id": "ID karyawan", "department": "Departemen",
        "supervisor": "Atasan langsung", "role": "Jabatan", "role_id": "ID jabatan", "period": "Periode",
        "cycle": "Siklus penilaian", "description": "Deskripsi peran",
        "no": "No.", "kra": "KRA", "indicator": "Indikator (KPI)", "unit": "Satuan", "direction": "Arah",
        "weight": "Bobot", "target": "Target", "tolerance": "Toleransi", "due": "Tenggat", "actual": "Aktual",
        "score": "Skor", "final": "Skor akhir", "total": "TOTAL",
        "kpi_value": "Nilai KPI", "level": "Tingkat kinerja", "label": "Kriteria",
        "bonus": "Bonus (× gaji sebulan)", "raise": "Kenaikan gaji", "reported": "Baris terisi",
        "reported_of": " dari {n}",
        "signoff": "Pengesahan", "signoff_employee": "Karyawan", "signoff_supervisor": "Atasan",
        "signoff_name": "Nama", "signoff_signature": "Tanda tangan", "signoff_date": "Tanggal",
        "legend": "Cara menghitung",
        "legend_directions": "Arah: higher = makin tinggi makin baik (aktual ÷ target × 100) · lower = makin "
                             "rendah makin baik · within = target ± toleransi bernilai 100 · milestone = isi 1 "
                             "atau ya bila selesai, atau tanggal selesai (paling lambat tenggat).",
        "legend_value": "Nilai KPI = total skor akhir ÷ total bobot × 100. Aktual yang kosong dihitung 0 "
                        "sampai diisi.",
        "legend_levels": "Tingkat: ",
        "msg_not_number": "aktual bukan angka", "msg_target_blank": "target kosong",
        "msg_target_zero": "target bernilai 0", "msg_tolerance": "toleransi di bawah 0",
        "msg_ratio": "aktual harus di atas 0", "msg_weights_zero": "total bobot 0",
        "dv_title": "Aktual", "dv_prompt": "Target: {target}. {how}", "dv_error_title": "Bukan angka",
        "dv_error": "Ketik angka (hasil aktual untuk periode ini).",
        "dv_milestone_prompt": "Tenggat {due}. Ketik 1 atau ya bila selesai, 0 atau tidak bila belum, atau "
                               "tanggal selesai.",
        "dv_milestone_error": "Ketik 1, ya, 0, tidak, atau tanggal selesai.",
        "how_higher": "Makin tinggi makin baik.", "how_lower": "Makin rendah makin baik.",
        "how_within": "Dalam ± {tolerance} bernilai 100.",
        "kra_title": "Catatan KRA", "kra_intro": "KRA yang disepakati, KPI-nya, metode pengukuran dan "
                                                 "targetnya (ditinjau bersama atasan).",
        "goal": "Tujuan perusahaan yang didukung", "method": "Metode pengukuran", "target_text": "Target",
        "activities": "Aktivitas pendukung", "reviewed_on": "Ditinjau pada", "next_review": "Tinjauan berikutnya",
        "done_by": "selesai paling lambat {due}",
        "tasks_title": "Inventaris Tugas", "tasks_intro": "Semua tugas jabatan ini, frekuensi dan durasinya, "
                                                         "serta tugas yang bisa didelegasikan.",
        "task": "Tugas", "frequency": "Frekuensi", "duration": "Durasi per tugas",
        "delegable": "Bisa didelegasikan", "notes": "Keterangan", "yes": "Ya", "no_word": "Tidak",
        "policy_title": "Kebijakan penilaian", "policy_source": "Sumber: {source}. Rumus di kartu KPI membaca "
                                                               "lembar ini.",
        "pol_level": "Tingkat (nilai)", "pol_above": "Batas bawah (nilai KPI di atas)",
        "pol_label": "Predikat (kriteria)", "pol_bonus": "Bonus (× gaji sebulan)", "pol_raise": "Kenaikan gaji",
        "pol_max": "Batas skor (kosong: tanpa batas)", "pol_lower": "Metode lower (difference atau ratio)",
        "pol_done": "Kata milestone untuk selesai", "pol_not_done": "Kata milestone untuk belum selesai",
        "pol_marker": "Versi kontrak kartu kpi-xl",
    },
}

PERIOD_WORDS = {
    "en": {"monthly": "Monthly", "quarterly": "Quarterly", "semiannual": "Semiannual", "annual": "Annual"},
    "id": {"monthly": "Bulanan", "quarterly": "Triwulanan", "semiannual": "Semesteran", "annual": "Tahunan"},
}

# --- styles: built once, shared by every workbook (openpyxl interns them per workbook cheaply) -------

NAVY, BLUE, INK, GREY = "1F3864", "2F5597", "1F2937", "6B7280"
_thin = Side(style="thin", color="C9D3E3")
_medium = Side(style="medium", color=BLUE)
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
BORDER_BOTTOM = Border(bottom=Side(style="thin", color="9CA3AF"))
BORDER_TOTAL = Border(top=_medium, bottom=_medium)
FILL_TITLE = PatternFill("solid", fgColor=NAVY)
FILL_HEAD = PatternFill("solid", fgColor=BLUE)
FILL_BAND = PatternFill("solid", fgColor="EEF3FB")
FILL_INPUT = PatternFill("solid", fgColor="FFF4C2")
FILL_TOTAL = PatternFill("solid", fgColor="DCE6F5")
FILL_LABEL = PatternFill("solid", fgColor="F3F4F6")
FONT = Font(name="Arial", size=10, color=INK)
FONT_TITLE = Font(name="Arial", size=16, bold=True, color="FFFFFF")
FONT_SUBTITLE = Font(name="Arial", size=10, italic=True, color=GREY)
FONT_HEAD = Font(name="Arial", size=10, bold=True, color="FFFFFF")
FONT_LABEL = Font(name="Arial", size=10, bold=True, color=BLUE)
FONT_BOLD = Font(name="Arial", size=10, bold=True, color=INK)
FONT_MUTED = Font(name="Arial", size=9, color=GREY)
FONT_BIG = Font(name="Arial", size=14, bold=True, color=NAVY)
FONT_SECTION = Font(name="Arial", size=12, bold=True, color=NAVY)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
WRAP_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
LEFT_CENTER = Alignment(vertical="center", horizontal="left")
RIGHT_TOP = Alignment(vertical="top", horizontal="right")
CENTER_TOP = Alignment(vertical="top", horizontal="center")
UNLOCKED = Protection(locked=False)
HIDDEN_TEXT = ";;;"  # shows nothing: a KRA's name is in every row, visible on its first row only
# Band colours from the lowest level (red) to the highest (green).
BAND_FILLS = ("F8CBAD", "FCE4D6", "FFF2CC", "E2EFDA", "A9D08E")

COLUMNS = ("no", "kra", "indicator", "unit", "direction", "weight", "target", "tolerance", "due", "actual",
           "score", "final")
WIDTHS = (5, 26, 40, 15, 11, 8, 13, 9, 11, 13, 9, 10)
COL = {name: get_column_letter(i + 1) for i, name in enumerate(COLUMNS)}
LAST_COL = COL["final"]
MARKER_COL = "M"
HEADER_ROW, FIRST_KPI_ROW = 10, 11


# --- helpers -----------------------------------------------------------------------------------------


def _safe_text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def put_text(ws: Worksheet, coordinate: str, value: Any) -> Any:
    """Write text as text: a value beginning with "=" from a roster or role must never become a formula."""
    cell = ws[coordinate]
    if isinstance(value, str):
        cell.value = _safe_text(value)
        if cell.data_type == "f":
            cell.data_type = "s"
    else:
        cell.value = value
    return cell


def _style(cell: Any, font: Font = FONT, fill: PatternFill | None = None, border: Border | None = None,
           alignment: Alignment | None = None, number_format: str | None = None,
           unlocked: bool = False) -> Any:
    cell.font = font
    if fill is not None:
        cell.fill = fill
    if border is not None:
        cell.border = border
    if alignment is not None:
        cell.alignment = alignment
    if number_format is not None:
        cell.number_format = number_format
    if unlocked:
        cell.protection = UNLOCKED
    return cell


def _name(wb: Workbook, name: str, ws: Worksheet, ref: str, *, hidden: bool = False) -> None:
    """A workbook-scoped defined name for a cell or range of `ws` ("C4", "J11:J17")."""
    target = f"{quote_sheetname(ws.title)}!{absolute_coordinate(ref)}"
    wb.defined_names[name] = DefinedName(name, attr_text=target, hidden=hidden or None)


def _fmt_number(value: float, lang: str) -> str:
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    if lang == "id":  # Indonesian: 1.000.000,5
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def _target_format(target: float | None) -> str:
    if target is None or float(target).is_integer():
        return "#,##0"
    return "#,##0.00"


def _actual_format(target: float | None) -> str:
    # Large whole-number targets (page views, rupiah) read better with separators; small ones stay
    # General so that 22.5 shows as typed.
    if target is not None and float(target).is_integer() and abs(target) >= 1000:
        return "#,##0"
    return "General"


def _lines(text: str, width: float, bold: bool = False) -> int:
    """How many lines `text` wraps to in a column `width` units wide (Arial 10 fits about 1.3 characters
    per unit, bold about 1.18, less a margin for word breaks). Spreadsheets do not grow a row for wrapped
    text written by a program, so the generator sets the height itself."""
    per_line = max(1.0, width * (1.18 if bold else 1.3))
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n")) if text else 1


def _row_height(items: Iterable[tuple[Any, float, bool]], line_height: float = 12.75,
                minimum: float = 15.0) -> float:
    """Row height for the tallest of (text, column width, bold) items."""
    lines = max((_lines(text, width, bold) for text, width, bold in items), default=1)
    return max(minimum, lines * line_height + 3)


def _width(*columns: str) -> float:
    return sum(WIDTHS[COLUMNS.index(c)] for c in columns)


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


# --- formulas ----------------------------------------------------------------------------------------

_CAP = f"IF(ISNUMBER({C.POLICY_MAX_SCORE}),{C.POLICY_MAX_SCORE},1E+307)"

# Native mode reads the actual cell in two hidden helper cells per KPI row, so the score formula reads
# a number exactly where the core does (`to_number`, `milestone_actual`):
# - TEXT_COL: the actual as typed, trimmed: a number or TRUE/FALSE as a number; text without control
#   characters (tabs, line breaks: CLEAN), no-break spaces as spaces, spaces trimmed (TRIM); "#" for an
#   error value;
# - NUMBER_COL: the actual as the core reads it: a number; "" when blank; for milestones the done /
#   not done words as 1 / 0; numeric text ("50", " 12.5 ", "1e3") as its number; any other text stays
#   text, and the score cell says "actual is not a number".
# Where the sheet and the core still read text differently (LibreOffice-checked; the sheet never shows a
# number the core would not give, it shows a message or treats odd spacing as spacing): the core's
# float() also takes "1_000", non-ASCII digits and Unicode spaces other than the no-break space, which
# the sheet refuses; the sheet also drops control characters inside the text and reads "not  done" or
# "not<no-break space>done" as "not done" (TRIM makes one space of a run), which the core refuses.
TEXT_COL, NUMBER_COL = "M", "N"


def _substitute(expr: str, pairs: Iterable[tuple[str, str]]) -> str:
    for old, new in pairs:
        expr = f"SUBSTITUTE({expr},{old},{new})"
    return expr


def actual_text_formula(r: int) -> str:
    """The hidden cell TEXT_COL r: KPI row r's actual, trimmed as the core's str.strip() trims it."""
    a = f"{COL['actual']}{r}"
    # The no-break space is written into the formula as the character itself: CHAR(160) is one only
    # where the computer's code page says so (Excel on Windows), not on a Mac nor in LibreOffice on Linux.
    text = f'TRIM(CLEAN(SUBSTITUTE({a},"\u00a0"," ")))'
    return f'=IFERROR(IF(ISNUMBER({a}),{a},IF(ISLOGICAL({a}),N({a}),{text})),"#")'


def _numeric_text(x: str) -> str:
    """The number in the trimmed text `x`, read as Python's float() reads it, else `x` itself.

    VALUE alone would not do: it also reads "1,000", "50%", "$5" and dates, which the core refuses,
    and it reads by the computer's language ("12.5" is 125 in an Indonesian Excel). So only text shaped
    like float()'s numbers goes to VALUE: digits, one decimal point, an optional exponent (E), signs only
    in front and after the E; and its point becomes the language's decimal sign (MID(1/2,2,1), the
    second character of 0.5 as text) first.
    """
    upper = f"UPPER({x})"
    chars = _substitute(upper, ((f'"{c}"', '""') for c in "0123456789.+-E"))
    signs = _substitute(upper, (('"E+"', '"E"'), ('"E-"', '"E"')))
    shaped = (f"AND(LEN({chars})=0,LEN({x})-LEN(SUBSTITUTE({x},\".\",\"\"))<=1,"
              f"LEN({x})-LEN(SUBSTITUTE({upper},\"E\",\"\"))<=1,"
              f'ISERROR(FIND("+",MID({signs},2,255))),ISERROR(FIND("-",MID({signs},2,255))),'
              f'IFERROR(FIND(".",{x}),0)<IFERROR(FIND("E",{upper}),999))')
    number = f'VALUE(SUBSTITUTE({x},".",MID(1/2,2,1)))'
    # "1e400": the core refuses it (float() gives infinity); LibreOffice's VALUE gives the largest float.
    return f"IF({shaped},IFERROR(IF(ABS({number})<1E+308,{number},{x}),{x}),{x})"


def actual_number_formula(direction: str, r: int) -> str:
    """The hidden cell NUMBER_COL r: KPI row r's actual as the core reads it (see TEXT_COL)."""
    x = f"{TEXT_COL}{r}"
    value = _numeric_text(x)
    if direction == "milestone":
        # SUMPRODUCT(--(list=word)): an exact, case-insensitive match without MATCH's wildcards.
        value = (f"IF(SUMPRODUCT(--({MILESTONE_DONE}=LOWER({x})))>0,1,"
                 f"IF(SUMPRODUCT(--({MILESTONE_NOT_DONE}=LOWER({x})))>0,0,{value}))")
    return f'=IF(ISNUMBER({x}),{x},IF({x}="","",{value}))'


def _finish(expr: str) -> str:
    """Floor 0, cap from the policy sheet: the core's `_finish`."""
    return f"MIN({_CAP},MAX(0,{expr}))"


def native_score_formula(direction: str, r: int, lang: str) -> str:
    """The native score formula of KPI row `r`: the actual as read in NUMBER_COL, target G, tolerance H,
    due I (blank: the target, when it is a date above 1)."""
    m = LABELS[lang]
    a, t, tol, due = f"{NUMBER_COL}{r}", f"{COL['target']}{r}", f"{COL['tolerance']}{r}", f"{COL['due']}{r}"
    if direction not in ("higher", "lower", "within", "milestone"):
        raise KpiInputError(f"direction {direction!r} is not one of higher, lower, within, milestone")
    start = f'=IF({a}="","",IF(NOT(ISNUMBER({a})),{_quote(m["msg_not_number"])},'
    if direction == "milestone":
        # Done: 1 (or a done word), or a completion date whose day is on or before the due date.
        by_date = (f"OR({a}=1,AND({a}>1,ISNUMBER({due}),INT({a})<={due}),"
                   f"AND({a}>1,NOT(ISNUMBER({due})),ISNUMBER({t}),{t}>1,INT({a})<={t}))")
        return f"{start}MIN({_CAP},IF({by_date},100,0))))"
    start += f"IF(NOT(ISNUMBER({t})),{_quote(m['msg_target_blank'])},"
    if direction == "higher":
        body = _finish(f"{a}/{t}*100")
        return f"{start}IF({t}=0,{_quote(m['msg_target_zero'])},{body}))))"
    if direction == "lower":
        ratio = f'{C.POLICY_LOWER_METHOD}="ratio"'
        body = _finish(f"IF({t}=0,IF({a}<=0,100,0),IF({ratio},{t}/{a}*100,(2-{a}/{t})*100))")
        return f"{start}IF(AND({t}<>0,{ratio},{a}<=0),{_quote(m['msg_ratio'])},{body}))))"
    gap = f"ABS({a}-{t})"
    body = _finish(f"IF({gap}<=N({tol}),100,100-100*({gap}-N({tol}))/ABS({t}))")
    return (f"{start}IF(N({tol})<0,{_quote(m['msg_tolerance'])},"
            f"IF({t}=0,{_quote(m['msg_target_zero'])},{body})))))")


def udf_score_formula(r: int) -> str:
    """The cell-function score formula of KPI row `r`: =KPI_SCORE(actual, target, direction, tolerance,
    due, policy), the policy being the Policy sheet's block, so its cap and lower method count."""
    cells = ",".join(f"{COL[c]}{r}" for c in ("actual", "target", "direction", "tolerance", "due"))
    return f"=KPI_SCORE({cells},{POLICY_TABLE})"


# --- the workbook ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    """Where the per-employee header cells are, so a roster run can refill a built workbook."""

    sheet: str
    cells: dict[str, str]  # contract name -> coordinate on the scorecard sheet
    department: str  # the role's department, shown when the employee's is blank


def _check_options(lang: str, formulas: str) -> None:
    if lang not in LANGS:
        raise KpiInputError(f"lang {lang!r} is not en or id")
    if formulas not in FORMULA_MODES:
        raise KpiInputError(f"formulas {formulas!r} is not native or udf")


def _usable_role(role: Role | str | os.PathLike[str]) -> Role:
    r = role if isinstance(role, Role) else resolve_role(role if isinstance(role, str) else Path(role))
    errors = [f for f in check_role(r) if f.severity == ERROR]
    if errors:
        first = errors[0]
        where = " / ".join(p for p in (first.kra, first.kpi) if p)
        more = f" (and {len(errors) - 1} more; run kpi-xl check)" if len(errors) > 1 else ""
        raise RoleError(f"{r.source or r.id}: role {r.id!r} cannot make a scorecard: "
                        f"{where + ': ' if where else ''}{first.message}{more}")
    return r


def build_scorecard(
    role: Role | str,
    employee: Employee | None = None,
    *,
    lang: str = "en",
    formulas: str = "native",
    policy: Policy | str | os.PathLike[str] | None = None,
    password: str | None = None,
    period: str | None = None,
) -> Workbook:
    """A scorecard workbook for `role` (a `Role`, a built-in id or a role file), optionally filled in
    with an employee's header fields. `period` overrides the employee's period.

    >>> wb = build_scorecard("digital-marketing-specialist", lang="id")
    >>> wb.sheetnames
    ['Kartu KPI', 'Catatan KRA', 'Inventaris Tugas', 'Kebijakan']
    >>> wb.defined_names["KPI_Actual"].attr_text
    "'Kartu KPI'!$J$11:$J$17"
    """
    wb, layout = _build(role, lang=lang, formulas=formulas, policy=policy, password=password)
    _fill_header(wb, layout, employee, period)
    return wb


EXISTS = "exists, not overwritten; use --overwrite"  # an employee may have filled it in


def write_scorecard(role: Role | str, path: str | os.PathLike[str], employee: Employee | None = None,
                    *, overwrite: bool = True, **options: Any) -> Path:
    """Build a scorecard (same options as `build_scorecard`) and save it to `path`, atomically.

    With `overwrite=False` an existing file is refused (KpiFileError) and left as it is.
    """
    p = Path(path)
    if p.suffix.lower() != ".xlsx":
        raise KpiFileError(f"{p}: a scorecard is written as .xlsx")
    if not overwrite and p.exists():
        raise KpiFileError(f"{p}: {EXISTS}")
    wb = build_scorecard(role, employee, **options)
    _save(wb, p)
    return p


def _save(wb: Workbook, path: Path) -> None:
    """Save next to the target and rename, so a crash never leaves half a scorecard."""
    save_workbook(wb, path, "scorecard", KpiFileError)


def _resolve_policy(policy: Policy | str | os.PathLike[str] | None) -> Policy:
    if isinstance(policy, Policy):
        return policy
    return load_policy(policy)


def _build(role: Role | str, *, lang: str, formulas: str, policy: Any, password: str | None
           ) -> tuple[Workbook, _Layout]:
    _check_options(lang, formulas)
    r = _usable_role(role)
    pol = _resolve_policy(policy)
    m = LABELS[lang]
    wb = Workbook()
    ws = wb.active
    ws.title = m["sheet_scorecard"]
    kra_ws = wb.create_sheet(m["sheet_kra"])
    task_ws = wb.create_sheet(m["sheet_tasks"])
    pol_ws = wb.create_sheet(m["sheet_policy"])
    # The policy sheet first: the scorecard's formulas name its ranges.
    _policy_sheet(wb, pol_ws, pol, lang)
    layout = _scorecard_sheet(wb, ws, r, pol, lang, formulas)
    _kra_sheet(wb, kra_ws, r, lang)
    _task_sheet(task_ws, r, lang)
    for sheet in wb.worksheets:
        sheet.protection.sheet = True
        # Still allowed under protection: widening a column or a row when a text is cut off.
        sheet.protection.formatColumns = sheet.protection.formatRows = False
        if password:
            sheet.protection.password = password
        sheet.sheet_view.showGridLines = False
    wb.properties.title = f"{m['title']} - {r.name(lang)}"
    wb.properties.subject = r.id
    wb.properties.creator = "kpi-xl"
    wb.active = 0
    return wb, layout


def _fill_header(wb: Workbook, layout: _Layout, employee: Employee | None, period: str | None) -> None:
    ws = wb[layout.sheet]
    values = {
        C.EMPLOYEE_NAME: employee.name if employee else None,
        C.EMPLOYEE_ID: employee.employee_id if employee else None,
        C.DEPARTMENT: (employee.department if employee else None) or layout.department,
        C.SUPERVISOR: employee.supervisor if employee else None,
        C.PERIOD: period if period is not None else (employee.period if employee else None),
    }
    for name, value in values.items():
        put_text(ws, layout.cells[name], value or None)


def _scorecard_sheet(wb: Workbook, ws: Worksheet, role: Role, pol: Policy, lang: str, formulas: str) -> _Layout:
    m = LABELS[lang]
    rows = list(role.kpi_rows())
    n = len(rows)
    last_kpi = FIRST_KPI_ROW + n - 1
    total_row = last_kpi + 1
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions[get_column_letter(i + 1)].width = width
    for col in {MARKER_COL, TEXT_COL, NUMBER_COL}:  # the contract marker; native mode's reading helpers
        ws.column_dimensions[col].hidden = True

    # Title and instructions.
    ws.merge_cells(f"A1:{LAST_COL}1")
    put_text(ws, "A1", f"{m['title']} · {role.name(lang)}")
    _style(ws["A1"], FONT_TITLE, FILL_TITLE, alignment=LEFT_CENTER)
    for col in COLUMNS[1:]:
        ws[f"{COL[col]}1"].fill = FILL_TITLE
    ws.row_dimensions[1].height = 30
    ws.merge_cells(f"A2:{LAST_COL}2")
    _style(put_text(ws, "A2", m["instructions"]), FONT_SUBTITLE, alignment=LEFT_CENTER)
    ws.row_dimensions[3].height = 6

    # Header block: labels in B and G:H, values in C:E and I:L.
    department = role.department(lang)
    left = ((C.EMPLOYEE_NAME, "employee_name", None), (C.EMPLOYEE_ID, "employee_id", None),
            (C.DEPARTMENT, "department", department), (C.SUPERVISOR, "supervisor", None))
    right = ((C.ROLE, "role", role.name(lang), False), (C.ROLE_ID, "role_id", role.id, False),
             (C.PERIOD, "period", None, True),
             (None, "cycle", PERIOD_WORDS[lang].get(role.period or "", role.period or ""), False))
    cells: dict[str, str] = {}
    for i, (name, label, value) in enumerate(left):
        row = 4 + i
        _style(put_text(ws, f"B{row}", m[label]), FONT_LABEL, alignment=LEFT_CENTER)
        ws.merge_cells(f"C{row}:E{row}")
        _style(put_text(ws, f"C{row}", value), FONT_BOLD, FILL_INPUT, BORDER_BOTTOM, LEFT_CENTER, "@",
               unlocked=True)
        for col in "DE":
            ws[f"{col}{row}"].fill = FILL_INPUT
            ws[f"{col}{row}"].border = BORDER_BOTTOM
        cells[name] = f"C{row}"
        _name(wb, name, ws, f"C{row}")
        ws.row_dimensions[row].height = 18
    for i, (name, label, value, is_input) in enumerate(right):
        row = 4 + i
        ws.merge_cells(f"G{row}:H{row}")
        _style(put_text(ws, f"G{row}", m[label]), FONT_LABEL, alignment=LEFT_CENTER)
        ws.merge_cells(f"I{row}:{LAST_COL}{row}")
        _style(put_text(ws, f"I{row}", value), FONT_BOLD, FILL_INPUT if is_input else None, BORDER_BOTTOM,
               LEFT_CENTER, "@", unlocked=is_input)
        for col in "JKL":
            ws[f"{col}{row}"].border = BORDER_BOTTOM
            if is_input:
                ws[f"{col}{row}"].fill = FILL_INPUT
        if name:
            cells[name] = f"I{row}"
            _name(wb, name, ws, f"I{row}")
    description = role.description(lang) if role.description else ""
    _style(put_text(ws, "B8", m["description"]), FONT_LABEL, alignment=Alignment(vertical="top"))
    ws.merge_cells(f"C8:{LAST_COL}8")
    _style(put_text(ws, "C8", description or None), FONT, alignment=WRAP_TOP)
    ws.row_dimensions[8].height = _row_height([(description, _width(*COLUMNS[2:]), False)])
    cells[C.ROLE_DESCRIPTION] = "C8"
    _name(wb, C.ROLE_DESCRIPTION, ws, "C8")

    # The KPI table.
    for col in COLUMNS:
        _style(put_text(ws, f"{COL[col]}{HEADER_ROW}", m[col]), FONT_HEAD, FILL_HEAD, BORDER, WRAP_CENTER)
    ws.row_dimensions[HEADER_ROW].height = 28
    validations: list[DataValidation] = []
    previous_kra = None
    group = -1
    for i, (kra, kpi) in enumerate(rows):
        r = FIRST_KPI_ROW + i
        first_of_kra = kra is not previous_kra
        if first_of_kra:
            group += 1
        previous_kra = kra
        band = FILL_BAND if group % 2 else None
        put_text(ws, f"A{r}", i + 1)
        put_text(ws, f"B{r}", kra.name(lang))
        put_text(ws, f"C{r}", kpi.indicator(lang))
        put_text(ws, f"D{r}", kpi.unit(lang) if kpi.unit else None)
        put_text(ws, f"E{r}", kpi.direction)
        put_text(ws, f"F{r}", kpi.weight)
        put_text(ws, f"G{r}", kpi.target)
        put_text(ws, f"H{r}", kpi.tolerance if kpi.direction == "within" else None)
        put_text(ws, f"I{r}", kpi.due if kpi.direction == "milestone" else None)
        for col in COLUMNS:
            cell = ws[f"{COL[col]}{r}"]
            cell.font = FONT
            cell.border = BORDER
            if band is not None:
                cell.fill = band
            cell.alignment = WRAP_TOP
        ws[f"A{r}"].alignment = CENTER_TOP
        if not first_of_kra:
            ws[f"B{r}"].number_format = HIDDEN_TEXT
        else:
            ws[f"B{r}"].font = FONT_BOLD
        ws[f"E{r}"].alignment = CENTER_TOP
        for col in ("weight", "target", "score", "final"):
            ws[f"{COL[col]}{r}"].alignment = RIGHT_TOP
        ws[f"F{r}"].number_format = "General"
        ws[f"G{r}"].number_format = _target_format(kpi.target)
        for col in ("tolerance", "due"):
            ws[f"{COL[col]}{r}"].font = FONT_MUTED
        ws[f"H{r}"].number_format = "General"
        ws[f"I{r}"].number_format = "yyyy-mm-dd"
        actual = ws[f"{COL['actual']}{r}"]
        actual.fill = FILL_INPUT
        actual.protection = UNLOCKED
        actual.font = FONT_BOLD
        actual.alignment = RIGHT_TOP
        actual.number_format = _actual_format(kpi.target)
        ws[f"K{r}"].number_format = "0.00"
        ws[f"L{r}"].number_format = "0.00"
        if formulas == "native":
            ws[f"{TEXT_COL}{r}"] = actual_text_formula(r)
            ws[f"{NUMBER_COL}{r}"] = actual_number_formula(kpi.direction, r)
            ws[f"K{r}"] = native_score_formula(kpi.direction, r, lang)
            ws[f"L{r}"] = f'=IF(ISNUMBER(K{r}),F{r}*K{r}/100,"")'
        else:
            ws[f"K{r}"] = udf_score_formula(r)
            ws[f"L{r}"] = f"=KPI_FINAL(F{r},K{r})"
        validations.append(_actual_validation(kpi, f"J{r}", lang))
        ws.row_dimensions[r].height = _row_height([
            (kra.name(lang) if first_of_kra else "", WIDTHS[1], True), (kpi.indicator(lang), WIDTHS[2], False),
            (kpi.unit(lang) if kpi.unit else "", WIDTHS[3], False)], minimum=17)

    # Named columns: KPI rows only, top to bottom.
    column_names = {C.KPI_KRA: "kra", C.KPI_INDICATOR: "indicator", C.KPI_UNIT: "unit",
                    C.KPI_DIRECTION: "direction", C.KPI_WEIGHT: "weight", C.KPI_TARGET: "target",
                    C.KPI_TOLERANCE: "tolerance", C.KPI_DUE: "due", C.KPI_ACTUAL: "actual",
                    C.KPI_SCORE: "score", C.KPI_FINAL: "final"}
    for name, col in column_names.items():
        _name(wb, name, ws, f"{COL[col]}{FIRST_KPI_ROW}:{COL[col]}{last_kpi}")
    _name(wb, C.KPI_TABLE, ws, f"B{FIRST_KPI_ROW}:{LAST_COL}{last_kpi}")
    for dv in validations:
        ws.add_data_validation(dv)

    # Totals.
    for col in COLUMNS:
        _style(ws[f"{COL[col]}{total_row}"], FONT_BOLD, FILL_TOTAL, BORDER_TOTAL)
    put_text(ws, f"B{total_row}", m["total"])
    ws[f"F{total_row}"] = f"=SUM({C.KPI_WEIGHT})"
    ws[f"L{total_row}"] = f"=SUM({C.KPI_FINAL})"
    ws[f"F{total_row}"].alignment = Alignment(horizontal="right")
    ws[f"L{total_row}"].number_format = "0.00"
    _name(wb, C.TOTAL_WEIGHT, ws, f"F{total_row}")
    _name(wb, C.TOTAL_FINAL, ws, f"L{total_row}")

    # Results (left) and sign-off (right).
    res = total_row + 2
    labels = ("kpi_value", "level", "label", "bonus", "raise", "reported")
    names = (C.KPI_VALUE, C.LEVEL, C.LABEL, C.BONUS_MULTIPLE, C.RAISE, None)
    # Results stay blank until a first actual is typed: a fresh scorecard shows no "Far Below Target".
    reported = f"SUMPRODUCT(--(LEN({C.KPI_SCORE})>0))"
    if formulas == "native":
        value_formulas = (
            f'=IF({reported}=0,"",IF({C.TOTAL_WEIGHT}=0,{_quote(m["msg_weights_zero"])},'
            f"{C.TOTAL_FINAL}/{C.TOTAL_WEIGHT}*100))",
            f"=IF(ISNUMBER({C.KPI_VALUE}),INDEX({C.POLICY_LEVELS},SUMPRODUCT(ISNUMBER({C.POLICY_THRESHOLDS})"
            f'*({C.POLICY_THRESHOLDS}<ROUND({C.KPI_VALUE},6)))+1),"")',
            *(f"=IF(ISNUMBER({C.LEVEL}),INDEX({rng},MATCH({C.LEVEL},{C.POLICY_LEVELS},0)),\"\")"
              for rng in (C.POLICY_LABELS, C.POLICY_BONUS, C.POLICY_RAISE)),
        )
    else:
        # Every function takes the policy sheet's block (bands, cap, lower method), so both modes score
        # and band by the same sheet.
        columns = ",".join((C.KPI_WEIGHT, C.KPI_ACTUAL, C.KPI_TARGET, C.KPI_DIRECTION, C.KPI_TOLERANCE, C.KPI_DUE,
                            POLICY_TABLE))
        value = f"ISNUMBER({C.KPI_VALUE})"
        value_formulas = (
            f'=IF({reported}=0,"",KPI_VALUE({columns}))',
            f'=IF({value},KPI_BAND({C.KPI_VALUE},{POLICY_TABLE}),"")',
            f'=IF({value},KPI_LABEL({C.KPI_VALUE},"{lang}",{POLICY_TABLE}),"")',
            f'=IF({value},KPI_BONUS({C.KPI_VALUE},1,{POLICY_TABLE}),"")',
            f'=IF({value},KPI_RAISE({C.KPI_VALUE},{POLICY_TABLE}),"")',
        )
    value_formulas = (*value_formulas, f"={reported}&{_quote(m['reported_of'].format(n=n))}")
    formats = ('0.00"%"', "0", "@", "General", "@", "@")
    for i, (label, name, formula, fmt) in enumerate(zip(labels, names, value_formulas, formats)):
        row = res + i
        _style(put_text(ws, f"B{row}", m[label]), FONT_LABEL, FILL_LABEL, BORDER, LEFT_CENTER)
        cell = ws[f"C{row}"]
        cell.value = formula
        _style(cell, FONT_BIG if i < 3 else FONT_BOLD, None, BORDER, LEFT_CENTER, fmt)
        ws.row_dimensions[row].height = 20
        if name:
            _name(wb, name, ws, f"C{row}")
    _band_colours(ws, pol, f"C{res}:C{res + 2}", f"$C${res + 1}")
    ws.conditional_formatting.add(
        f"K{FIRST_KPI_ROW}:K{last_kpi}",
        FormulaRule(formula=[f"ISTEXT(K{FIRST_KPI_ROW})"], font=Font(color="C00000", italic=True)),
    )

    ws.merge_cells(f"G{res}:{LAST_COL}{res}")
    _style(put_text(ws, f"G{res}", m["signoff"]), FONT_SECTION, alignment=LEFT_CENTER)
    heads = ((f"I{res + 1}", f"J{res + 1}", m["signoff_employee"]),
             (f"K{res + 1}", f"L{res + 1}", m["signoff_supervisor"]))
    for a, b, text in heads:
        ws.merge_cells(f"{a}:{b}")
        _style(put_text(ws, a, text), FONT_HEAD, FILL_HEAD, BORDER, WRAP_CENTER)
    # Name, signature (two rows tall, so the results beside it keep even rows), date.
    sign_rows = (("signoff_name", f'=IF({C.EMPLOYEE_NAME}="","",{C.EMPLOYEE_NAME})',
                  f'=IF({C.SUPERVISOR}="","",{C.SUPERVISOR})', False, 1),
                 ("signoff_signature", None, None, True, 2),
                 ("signoff_date", None, None, True, 1))
    row = res + 2
    for label, emp, sup, is_input, span in sign_rows:
        bottom = row + span - 1
        ws.merge_cells(f"G{row}:H{bottom}")
        _style(put_text(ws, f"G{row}", m[label]), FONT_LABEL, FILL_LABEL, BORDER, LEFT_CENTER)
        for (a, b), value in ((("I", "J"), emp), (("K", "L"), sup)):
            ws.merge_cells(f"{a}{row}:{b}{bottom}")
            cell = ws[f"{a}{row}"]
            cell.value = value
            _style(cell, FONT_BOLD, None, BORDER, LEFT_CENTER,
                   "yyyy-mm-dd" if label == "signoff_date" else None, unlocked=is_input)
            for r in range(row, bottom + 1):
                for col in "GHIJKL":
                    ws[f"{col}{r}"].border = BORDER
        row = bottom + 1

    # Legend.
    legend = res + len(labels) + 1
    _style(put_text(ws, f"B{legend}", m["legend"]), FONT_SECTION)
    levels = " · ".join(
        f"{b.level} {b.label(lang)} " + (f"> {_fmt_number(b.above, lang)}" if b.above is not None
                                         else f"≤ {_fmt_number(pol.bands[1].above, lang)}")
        for b in reversed(pol.bands))
    for i, text in enumerate((m["legend_directions"], m["legend_value"], m["legend_levels"] + levels)):
        row = legend + 1 + i
        ws.merge_cells(f"B{row}:{LAST_COL}{row}")
        _style(put_text(ws, f"B{row}", text), FONT_MUTED, alignment=WRAP_TOP)
        # 9-point text: about 15% more characters per line than the 10-point table.
        ws.row_dimensions[row].height = _row_height([(text, _width(*COLUMNS[1:]) * 1.15, False)], 12)
    last_row = legend + 3

    # The contract marker and language, in a hidden column (no print, no view).
    put_text(ws, f"{MARKER_COL}1", C.CONTRACT_VERSION)
    put_text(ws, f"{MARKER_COL}2", lang)
    _name(wb, C.MARKER, ws, f"{MARKER_COL}1", hidden=True)
    _name(wb, C.LANGUAGE, ws, f"{MARKER_COL}2", hidden=True)

    # View and print.
    ws.freeze_panes = f"A{FIRST_KPI_ROW}"
    ws.sheet_view.zoomScale = 100
    _print_setup(ws, f"A1:{LAST_COL}{last_row}", f"{HEADER_ROW}:{HEADER_ROW}", role.name(lang))
    return _Layout(ws.title, cells, department)


def _band_colours(ws: Worksheet, pol: Policy, target: str, level_cell: str) -> None:
    n = len(pol.bands)
    for rank, band in enumerate(pol.bands):
        colour = BAND_FILLS[round(rank * (len(BAND_FILLS) - 1) / (n - 1))]
        ws.conditional_formatting.add(
            target,
            FormulaRule(formula=[f"{level_cell}={band.level}"], fill=PatternFill("solid", fgColor=colour,
                                                                                  bgColor=colour)),
        )


def _actual_validation(kpi: Any, cell: str, lang: str) -> DataValidation:
    m = LABELS[lang]
    if kpi.direction == "milestone":
        word = f"LOWER(TRIM({cell}))"
        formula = (f"OR(ISNUMBER({cell}),ISLOGICAL({cell}),SUMPRODUCT(--({MILESTONE_DONE}={word}))>0,"
                   f"SUMPRODUCT(--({MILESTONE_NOT_DONE}={word}))>0)")
        dv = DataValidation(type="custom", formula1=formula, allow_blank=True)
        dv.prompt = m["dv_milestone_prompt"].format(due=kpi.due.isoformat() if kpi.due else "-")
        dv.error = m["dv_milestone_error"]
    else:
        dv = DataValidation(type="decimal", operator="between", formula1="-1E+15", formula2="1E+15",
                            allow_blank=True)
        unit = f" {kpi.unit(lang)}" if kpi.unit else ""
        how = m[f"how_{kpi.direction}"].format(tolerance=_fmt_number(kpi.tolerance or 0, lang))
        target = "-" if kpi.target is None else _fmt_number(kpi.target, lang) + unit
        dv.prompt = m["dv_prompt"].format(target=target, how=how)[:255]
        dv.error = m["dv_error"]
    dv.promptTitle = m["dv_title"]
    dv.errorTitle = m["dv_error_title"]
    dv.showInputMessage = True
    dv.showErrorMessage = True
    dv.add(cell)
    return dv


def _print_setup(ws: Worksheet, area: str, title_rows: str | None, footer: str) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.print_area = area
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.left.text = _safe_text(footer).replace("&", "&&")
    ws.oddFooter.right.text = "&P / &N"


def _sheet_title(ws: Worksheet, title: str, intro: str, last_col: str) -> None:
    ws.merge_cells(f"A1:{last_col}1")
    _style(put_text(ws, "A1", title), FONT_TITLE, FILL_TITLE, alignment=LEFT_CENTER)
    ws.row_dimensions[1].height = 28
    ws.merge_cells(f"A2:{last_col}2")
    _style(put_text(ws, "A2", intro), FONT_SUBTITLE, alignment=LEFT_CENTER)


def _table_header(ws: Worksheet, row: int, headers: Iterable[str]) -> None:
    for i, text in enumerate(headers):
        _style(put_text(ws, f"{get_column_letter(i + 1)}{row}", text), FONT_HEAD, FILL_HEAD, BORDER, WRAP_CENTER)
    ws.row_dimensions[row].height = 28


def _kra_sheet(wb: Workbook, ws: Worksheet, role: Role, lang: str) -> None:
    """Seed 000 step 5: the employee's KRAs recorded formally (who, role, KRAs, KPIs, methods, targets)."""
    m = LABELS[lang]
    widths = (28, 30, 38, 40, 22, 9)
    for i, w in enumerate(widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = w
    _sheet_title(ws, f"{m['kra_title']} · {role.name(lang)}", m["kra_intro"], "F")
    fields = (("employee_name", C.EMPLOYEE_NAME), ("employee_id", C.EMPLOYEE_ID),
              ("department", C.DEPARTMENT), ("supervisor", C.SUPERVISOR), ("role", C.ROLE), ("period", C.PERIOD))
    for i, (label, name) in enumerate(fields):
        row = 4 + i
        _style(put_text(ws, f"A{row}", m[label]), FONT_LABEL, alignment=LEFT_CENTER)
        ws.merge_cells(f"B{row}:D{row}")
        ws[f"B{row}"] = f'=IF({name}="","",{name})'
        _style(ws[f"B{row}"], FONT_BOLD, border=BORDER_BOTTOM, alignment=LEFT_CENTER)
    row = 4 + len(fields)
    description = role.description(lang) if role.description else ""
    _style(put_text(ws, f"A{row}", m["description"]), FONT_LABEL, alignment=Alignment(vertical="top"))
    ws.merge_cells(f"B{row}:F{row}")
    _style(put_text(ws, f"B{row}", description or None), FONT, alignment=WRAP_TOP)
    ws.row_dimensions[row].height = _row_height([(description, sum(widths[1:]), False)])

    head = row + 2
    _table_header(ws, head, (m["kra"], m["goal"], m["indicator"], m["method"], m["target_text"], m["weight"]))
    r = head
    for kra in role.kras:
        for j, kpi in enumerate(kra.kpis):
            r += 1
            unit = f" {kpi.unit(lang)}" if kpi.unit else ""
            if kpi.direction == "milestone":
                target = m["done_by"].format(due=kpi.due.isoformat() if kpi.due else "-")
            elif kpi.target is None:
                target = ""
            else:
                target = _fmt_number(kpi.target, lang) + unit
                if kpi.direction == "within" and kpi.tolerance is not None:
                    target = f"{_fmt_number(kpi.target, lang)} ± {_fmt_number(kpi.tolerance, lang)}{unit}"
                elif kpi.direction == "lower":
                    target = f"≤ {target}"
            values = (kra.name(lang) if j == 0 else None, (kra.goal(lang) if kra.goal else None) if j == 0 else None,
                      kpi.indicator(lang), kpi.method(lang) if kpi.method else None, target, kpi.weight)
            for c, value in enumerate(values):
                cell = put_text(ws, f"{get_column_letter(c + 1)}{r}", value)
                _style(cell, FONT_BOLD if c == 0 else FONT, None, BORDER, WRAP_TOP)
            ws.row_dimensions[r].height = _row_height(
                (value, widths[c], c == 0) for c, value in enumerate(values) if isinstance(value, str))
    activities = [a(lang) for a in role.supporting_activities]
    activities += [a(lang) for kra in role.kras for a in kra.activities]
    r += 2
    _style(put_text(ws, f"A{r}", m["activities"]), FONT_SECTION)
    for text in activities:
        r += 1
        ws.merge_cells(f"A{r}:F{r}")
        _style(put_text(ws, f"A{r}", f"• {text}"), FONT, alignment=WRAP_TOP)
        ws.row_dimensions[r].height = _row_height([(text, sum(widths), False)])
    r += 2
    for label in ("reviewed_on", "next_review"):
        _style(put_text(ws, f"A{r}", m[label]), FONT_LABEL, alignment=LEFT_CENTER)
        _style(ws[f"B{r}"], FONT_BOLD, FILL_INPUT, BORDER_BOTTOM, LEFT_CENTER, "yyyy-mm-dd", unlocked=True)
        r += 1
    _print_setup(ws, f"A1:F{r}", f"{head}:{head}", role.name(lang))


def _task_sheet(ws: Worksheet, role: Role, lang: str) -> None:
    """Seed 000 step 1: the role's tasks, how often, how long, delegable; blank rows for more."""
    m = LABELS[lang]
    widths = (5, 46, 14, 20, 14, 50)
    for i, w in enumerate(widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = w
    _sheet_title(ws, f"{m['tasks_title']} · {role.name(lang)}", m["tasks_intro"], "F")
    head = 4
    _table_header(ws, head, (m["no"], m["task"], m["frequency"], m["duration"], m["delegable"], m["notes"]))
    yes, no = m["yes"], m["no_word"]
    dv = DataValidation(type="list", formula1=_quote(f"{yes},{no}"), allow_blank=True)
    dv.promptTitle = m["delegable"][:32]
    dv.prompt = f"{yes} / {no}"
    dv.showInputMessage = True
    ws.add_data_validation(dv)
    extra_rows = 10
    for i in range(len(role.tasks) + extra_rows):
        r = head + 1 + i
        task = role.tasks[i] if i < len(role.tasks) else None
        values = (i + 1, task.task(lang) if task else None,
                  task.frequency(lang) if task and task.frequency else None,
                  task.duration(lang) if task and task.duration else None,
                  (yes if task.delegable else no) if task and task.delegable is not None else None,
                  task.notes(lang) if task and task.notes else None)
        for c, value in enumerate(values):
            cell = put_text(ws, f"{get_column_letter(c + 1)}{r}", value)
            _style(cell, FONT, FILL_BAND if i % 2 else None, BORDER, CENTER_TOP if c in (0, 4) else WRAP_TOP,
                   unlocked=c > 0)
        ws.row_dimensions[r].height = _row_height(
            (value, widths[c], False) for c, value in enumerate(values) if isinstance(value, str))
        dv.add(f"E{r}")
    ws.freeze_panes = f"A{head + 1}"
    _print_setup(ws, f"A1:F{head + len(role.tasks) + extra_rows}", f"{head}:{head}", role.name(lang))


def _policy_sheet(wb: Workbook, ws: Worksheet, pol: Policy, lang: str) -> None:
    """The bands (lowest level first), the cap and the lower method: the cells the formulas read."""
    m = LABELS[lang]
    widths = (10, 18, 28, 24, 16)
    for i, w in enumerate(widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = w
    _sheet_title(ws, m["policy_title"], m["policy_source"].format(source=pol.source), "E")
    head = 4
    _table_header(ws, head, (m["pol_level"], m["pol_above"], m["pol_label"], m["pol_bonus"], m["pol_raise"]))
    first = head + 1
    for i, band in enumerate(pol.bands):
        r = first + i
        values = (band.level, band.above, band.label(lang), band.bonus, band.raise_text)
        for c, value in enumerate(values):
            cell = put_text(ws, f"{get_column_letter(c + 1)}{r}", value)
            _style(cell, FONT, FILL_BAND if i % 2 else None, BORDER,
                   CENTER_TOP if c in (0, 1, 3, 4) else WRAP_TOP)
    last = first + len(pol.bands) - 1
    for name, col in ((C.POLICY_LEVELS, "A"), (C.POLICY_THRESHOLDS, "B"), (C.POLICY_LABELS, "C"),
                      (C.POLICY_BONUS, "D"), (C.POLICY_RAISE, "E")):
        _name(wb, name, ws, f"{col}{first}:{col}{last}")
    r = last + 2
    _name(wb, POLICY_TABLE, ws, f"A{head}:E{r + 1}")  # bands, a blank row, the cap and lower method rows
    for label, name, value in (("pol_max", C.POLICY_MAX_SCORE, pol.max_score),
                               ("pol_lower", C.POLICY_LOWER_METHOD, pol.lower_method)):
        ws.merge_cells(f"A{r}:C{r}")
        _style(put_text(ws, f"A{r}", m[label]), FONT_LABEL, FILL_LABEL, BORDER, LEFT_CENTER)
        _style(put_text(ws, f"D{r}", value), FONT_BOLD, None, BORDER, CENTER_TOP)
        _name(wb, name, ws, f"D{r}")
        r += 1
    r += 1
    done, not_done = sorted(DONE_WORDS), sorted(NOT_DONE_WORDS)
    _style(put_text(ws, f"A{r}", m["pol_done"]), FONT_LABEL)
    _style(put_text(ws, f"D{r}", m["pol_not_done"]), FONT_LABEL)
    for i, word in enumerate(done):
        _style(put_text(ws, f"B{r + 1 + i}", word), FONT, border=BORDER)
    for i, word in enumerate(not_done):
        _style(put_text(ws, f"E{r + 1 + i}", word), FONT, border=BORDER)
    _name(wb, MILESTONE_DONE, ws, f"B{r + 1}:B{r + len(done)}")
    _name(wb, MILESTONE_NOT_DONE, ws, f"E{r + 1}:E{r + len(not_done)}")
    r += max(len(done), len(not_done)) + 2
    _style(put_text(ws, f"A{r}", f"{m['pol_marker']}: {C.CONTRACT_VERSION}"), FONT_MUTED)
    _print_setup(ws, f"A1:E{r}", None, m["policy_title"])


# --- file names and roster runs ----------------------------------------------------------------------

_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                     *(f"lpt{i}" for i in range(1, 10))}
# A file name is at most 255 bytes on most file systems (ext4, APFS, NTFS counts 255 UTF-16 units):
# the stem keeps 200 bytes of UTF-8, which leaves room for "_12.xlsx" and the temporary file's prefix,
# and at most 100 characters, which keeps Windows paths short.
_MAX_STEM_BYTES, _MAX_STEM_CHARS = 200, 100


def _cut(stem: str) -> str:
    """At most _MAX_STEM_CHARS characters and _MAX_STEM_BYTES bytes of UTF-8, never half a character."""
    return stem[:_MAX_STEM_CHARS].encode("utf-8")[:_MAX_STEM_BYTES].decode("utf-8", errors="ignore")


def _safe_part(text: str) -> str:
    """Letters, digits and "-" kept; anything else (spaces, dots, path separators, ":", "*", quotes,
    control characters) becomes one "_", so no "..", no separator and no name ending in a dot."""
    kept = "".join(ch if ch.isalnum() or ch == "-" else "_" for ch in unicodedata.normalize("NFC", text))
    return re.sub(r"_+", "_", kept).strip("_")


def scorecard_filename(employee: Employee, taken: set[str]) -> str:
    """A safe file name for an employee's scorecard: ``ID_Name.xlsx``, unique within `taken`.

    No path separators, no ``..``, no character or name Windows refuses (``CON``, ``a:b``...);
    two employees never share a name, ignoring case as Windows and macOS do. `taken` holds the
    case-folded names already used and gets the new one added.

    >>> taken = set()
    >>> scorecard_filename(Employee("E1", "../../etc/passwd", "", "", "r", "", None, None, 2), taken)
    'E1_etc_passwd.xlsx'
    >>> scorecard_filename(Employee("", "CON", "", "", "r", "", None, None, 3), taken)
    '_CON.xlsx'
    """
    parts = [p for p in (_safe_part(employee.employee_id), _safe_part(employee.name)) if p]
    stem = _cut("_".join(parts)).strip("_") or "employee"
    if stem.lower() in _WINDOWS_RESERVED:
        stem = "_" + stem
    name, n = f"{stem}.xlsx", 1
    while name.casefold() in taken:
        n += 1
        name = f"{stem}_{n}.xlsx"
    taken.add(name.casefold())
    return name


@dataclass
class RosterRun:
    """What a roster run did: the files written, the existing files left alone (`overwrite=False`) and
    the roster rows refused (with their row numbers)."""

    written: list[Path] = field(default_factory=list)
    refused: list[RosterProblem] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # existing scorecards, not overwritten


def _role_index(roles: Iterable[Role]) -> dict[str, Role]:
    """Roles by id and by name in either language, case-insensitive: rosters say "Sales Manager"."""
    index: dict[str, Role] = {}
    for role in roles:
        for key in (role.name.en, role.name.id, role.id):
            index[key.strip().casefold()] = role
    return index


def write_roster_scorecards(
    roster_or_path: Roster | str | os.PathLike[str],
    outdir: str | os.PathLike[str],
    *,
    lang: str = "en",
    formulas: str = "native",
    policy: Policy | str | os.PathLike[str] | None = None,
    password: str | None = None,
    roles: Iterable[Role] | None = None,
    progress: Callable[[int, int], None] | None = None,
    overwrite: bool = True,
) -> RosterRun:
    """One scorecard per roster employee in `outdir`; a refused row never stops the others.

    `roles` adds role definitions (a catalogue's) to the built-in library; a roster's role column may
    hold a role id or a role name in either language. `progress(done, total)` is called after each row.
    With `overwrite=False` an employee whose scorecard file already exists is skipped (it may hold
    their actuals) and listed in `kept`.
    """
    _check_options(lang, formulas)
    roster = roster_or_path if isinstance(roster_or_path, Roster) else read_roster(roster_or_path)
    out = Path(outdir)
    if out.exists() and not out.is_dir():
        raise KpiFileError(f"{out}: exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    pol = _resolve_policy(policy)
    index = _role_index([*builtin_roles(), *(roles or [])])
    run = RosterRun(refused=list(roster.problems))
    built: dict[str, tuple[Workbook, _Layout] | RoleError] = {}
    taken: set[str] = set()
    root = out.resolve()
    total = len(roster.employees)
    for done, employee in enumerate(roster.employees, start=1):
        role = index.get(employee.role.strip().casefold())
        if role is None:
            run.refused.append(RosterProblem(
                employee.row, f"unknown role {employee.role!r} (use a role id such as sales-manager, "
                              f"a role name, or give --roles)", employee.employee_id))
        else:
            try:
                # Build each role's workbook once and refill only the header cells per employee.
                if role.id not in built:
                    try:
                        built[role.id] = _build(role, lang=lang, formulas=formulas, policy=pol, password=password)
                    except RoleError as e:
                        built[role.id] = e
                entry = built[role.id]
                if isinstance(entry, Exception):
                    raise entry
                path = out / scorecard_filename(employee, taken)
                if path.resolve().parent != root:  # scorecard_filename makes this impossible; keep it so
                    raise KpiFileError(f"{path.name}: would be written outside {out}")
                if not overwrite and path.exists():
                    run.kept.append(path)
                else:
                    wb, layout = entry
                    _fill_header(wb, layout, employee, None)
                    wb.properties.title = f"{LABELS[lang]['title']} - {employee.name}"
                    _save(wb, path)
                    run.written.append(path)
            except (RoleError, KpiFileError) as e:
                run.refused.append(RosterProblem(employee.row, str(e), employee.employee_id))
        if progress is not None:
            progress(done, total)
    run.refused.sort(key=lambda p: p.row)
    return run

