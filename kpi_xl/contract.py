"""The scorecard workbook contract: the defined names and sheet names a generated scorecard carries
(SPEC 6), and the layout of its policy block.

The scorecard generator (`kpi_xl.scorecard`) writes them and the rollup and the cell functions read
through them, so all import these constants rather than spelling names twice. All names are
workbook-scoped and point at the scorecard sheet (or the policy sheet for POLICY_* and MILESTONE_*).
Column names cover the KPI rows only, top to bottom, same rows.
"""

from __future__ import annotations

# Marks a workbook as a kpi-xl scorecard; its value is the contract version.
MARKER = "KPIXL_Scorecard"
CONTRACT_VERSION = 1
SUMMARY_MARKER = "KPIXL_Summary"  # a hidden workbook name (value 1) in every department summary kpi-xl writes

# Header fields: one cell each.
EMPLOYEE_NAME = "EmployeeName"
EMPLOYEE_ID = "EmployeeID"
DEPARTMENT = "Department"
SUPERVISOR = "Supervisor"
ROLE = "RoleName"
ROLE_ID = "RoleID"
PERIOD = "Period"
ROLE_DESCRIPTION = "RoleDescription"
LANGUAGE = "ScorecardLanguage"
HEADER_FIELDS = (EMPLOYEE_NAME, EMPLOYEE_ID, DEPARTMENT, SUPERVISOR, ROLE, ROLE_ID, PERIOD)

# The KPI table: the whole block, then one column range per field.
KPI_TABLE = "KPI_Table"
KPI_KRA = "KPI_KRA"
KPI_INDICATOR = "KPI_Indicator"
KPI_UNIT = "KPI_Unit"
KPI_DIRECTION = "KPI_Direction"
KPI_WEIGHT = "KPI_Weight"
KPI_TARGET = "KPI_Target"
KPI_TOLERANCE = "KPI_Tolerance"
KPI_DUE = "KPI_Due"
KPI_ACTUAL = "KPI_Actual"
KPI_SCORE = "KPI_Score"
KPI_FINAL = "KPI_Final"
KPI_COLUMNS = (KPI_KRA, KPI_INDICATOR, KPI_UNIT, KPI_DIRECTION, KPI_WEIGHT, KPI_TARGET, KPI_TOLERANCE,
               KPI_DUE, KPI_ACTUAL, KPI_SCORE, KPI_FINAL)

# Results: one cell each.
TOTAL_WEIGHT = "TotalWeight"
TOTAL_FINAL = "TotalFinal"
KPI_VALUE = "KPIValue"
LEVEL = "PerformanceLevel"
LABEL = "PerformanceLabel"
BONUS_MULTIPLE = "BonusMultiple"
RAISE = "SalaryRaise"
RESULT_FIELDS = (TOTAL_WEIGHT, TOTAL_FINAL, KPI_VALUE, LEVEL, LABEL, BONUS_MULTIPLE, RAISE)

# The final rating (only when the policy weighs competencies or attendance: its `rating:` block), on the
# scorecard sheet below the legend; one cell each. FINAL_LEVEL ... FINAL_RAISE band FINAL_RATING as
# PerformanceLevel ... SalaryRaise band the KPI value.
ATTENDANCE_PRESENT = "Attendance_DaysPresent"  # input; only when the policy weighs attendance
ATTENDANCE_DAYS = "Attendance_WorkingDays"  # input; only when the policy weighs attendance
ATTENDANCE_PERCENT = "Attendance_Percent"  # days present / working days x 100, capped at 100
FINAL_RATING = "FinalRating"  # the components weighted, in percent; blank while one is blank
FINAL_LEVEL = "FinalLevel"
FINAL_LABEL = "FinalLabel"
FINAL_BONUS = "FinalBonusMultiple"
FINAL_RAISE = "FinalSalaryRaise"
FINAL_FIELDS = (FINAL_RATING, FINAL_LEVEL, FINAL_LABEL, FINAL_BONUS, FINAL_RAISE)

# The competencies sheet: one column range per field, the competency rows only, top to bottom; and the
# competency result (one cell), the supervisor's ratings weighted by the policy's rule.
COMPETENCY_NAME = "Competency_Name"
COMPETENCY_DESCRIPTION = "Competency_Description"
COMPETENCY_WEIGHT = "Competency_Weight"  # blank when the competencies count equally
COMPETENCY_SELF = "Competency_Self"  # the employee's self-rating (input)
COMPETENCY_SUPERVISOR = "Competency_Supervisor"  # the supervisor's rating (input): the one scored
COMPETENCY_PERCENT = "Competency_Percent"  # each supervisor rating in percent
COMPETENCY_COMMENT = "Competency_Comment"  # input
COMPETENCY_SCORE = "CompetencyScore"
COMPETENCY_COLUMNS = (COMPETENCY_NAME, COMPETENCY_DESCRIPTION, COMPETENCY_WEIGHT, COMPETENCY_SELF,
                      COMPETENCY_SUPERVISOR, COMPETENCY_PERCENT, COMPETENCY_COMMENT)

# The policy sheet the formulas read: one row per band, lowest level first.
POLICY_LEVELS = "Policy_Levels"
POLICY_THRESHOLDS = "Policy_Thresholds"  # lower bound (exclusive) of each band; blank for the lowest
POLICY_LABELS = "Policy_Labels"  # in the scorecard's language
POLICY_BONUS = "Policy_Bonus"
POLICY_RAISE = "Policy_Raise"
POLICY_MAX_SCORE = "Policy_MaxScore"  # one cell; blank for no cap
POLICY_LOWER_METHOD = "Policy_LowerMethod"  # one cell: difference or ratio
# The final rating's weights and competency scale (one cell each), only when the policy has a rating block:
# a blank weight leaves its component out.
POLICY_WEIGHT_KPI = "Policy_WeightKPI"
POLICY_WEIGHT_COMPETENCIES = "Policy_WeightCompetencies"
POLICY_WEIGHT_ATTENDANCE = "Policy_WeightAttendance"
POLICY_SCALE_LOW = "Policy_ScaleLow"
POLICY_SCALE_HIGH = "Policy_ScaleHigh"
POLICY_SCALE_MEETS = "Policy_ScaleMeets"  # a rating r is worth r / meets x 100 percent
POLICY_RATING_SETTINGS = (POLICY_WEIGHT_KPI, POLICY_WEIGHT_COMPETENCIES, POLICY_WEIGHT_ATTENDANCE,
                          POLICY_SCALE_LOW, POLICY_SCALE_HIGH, POLICY_SCALE_MEETS)

# The whole policy block the cell functions take (udf mode passes it to every function;
# kpi_xl.policy.cells.policy_from_range reads it): a header row naming POLICY_TABLE_COLUMNS in this order, one
# row per band (lowest level first, the rows of Policy_Levels...), one blank row, then one row per
# setting in POLICY_TABLE_SETTINGS order (then POLICY_RATING_SETTINGS when the policy has a rating block): the setting's name in the first column, its value in column
# POLICY_TABLE_VALUE_COLUMN (1-based: D), the cell POLICY_MAX_SCORE / POLICY_LOWER_METHOD point at.
POLICY_TABLE = "Policy_Table"
POLICY_TABLE_COLUMNS = (POLICY_LEVELS, POLICY_THRESHOLDS, POLICY_LABELS, POLICY_BONUS, POLICY_RAISE)
POLICY_TABLE_SETTINGS = (POLICY_MAX_SCORE, POLICY_LOWER_METHOD)
POLICY_TABLE_VALUE_COLUMN = 4

# The words a milestone's actual may hold for done / not done (kpi_xl.scoring.DONE_WORDS and
# NOT_DONE_WORDS, lower case, one per cell), on the policy sheet; native formulas match the actual
# against them.
MILESTONE_DONE = "Milestone_DoneWords"
MILESTONE_NOT_DONE = "Milestone_NotDoneWords"

# Sheet names, by scorecard language (ScorecardLanguage): the scorecard sheet and the record sheets
# written beside it. No defined name points at the KRA record and task inventory sheets, so a reader
# knows them by these names.
# The competencies sheet is written only when the policy weighs competencies.
SHEET_SCORECARD, SHEET_KRA, SHEET_TASKS, SHEET_POLICY = "scorecard", "kra", "tasks", "policy"
SHEET_COMPETENCIES = "competencies"
SHEET_NAMES: dict[str, dict[str, str]] = {
    "en": {SHEET_SCORECARD: "Scorecard", SHEET_KRA: "KRA record", SHEET_TASKS: "Task inventory",
           SHEET_POLICY: "Policy", SHEET_COMPETENCIES: "Competencies"},
    "id": {SHEET_SCORECARD: "Kartu KPI", SHEET_KRA: "Catatan KRA", SHEET_TASKS: "Inventaris Tugas",
           SHEET_POLICY: "Kebijakan", SHEET_COMPETENCIES: "Kompetensi"},
}
# The sheets beside a scorecard, in every language: the rollup knows them as the generator's own.
RECORD_SHEETS = frozenset(names[k] for names in SHEET_NAMES.values()
                          for k in (SHEET_KRA, SHEET_TASKS, SHEET_POLICY, SHEET_COMPETENCIES))

# The department summary's sheets, by summary language: key (the English name) -> the tab's name. The rollup
# writes them and recognises a summary among its inputs by them (besides SUMMARY_MARKER).
SUMMARY_SHEETS = ("Summary", "By KRA", "Levels", "Details", "Issues", "Missing", "9-Box", "Periods",
                  "Calibration")  # the keys
# The sheets written only sometimes: the 9-Box with potentials, Periods with more than one review period,
# Calibration with a final rating, a calibration target or a bonus budget.
OPTIONAL_SUMMARY_SHEETS = ("9-Box", "Periods", "Calibration")
SUMMARY_SHEET_NAMES: dict[str, dict[str, str]] = {
    "en": {k: k for k in SUMMARY_SHEETS},
    "id": {"Summary": "Ringkasan", "By KRA": "Per KRA", "Levels": "Level Kinerja", "Details": "Rincian",
           "Issues": "Masalah", "Missing": "Belum Ada Scorecard", "9-Box": "9-Box", "Periods": "Periode",
           "Calibration": "Kalibrasi"},
}
# Each language's sheet names in SUMMARY_SHEETS order: a summary has every one of one language's but the
# optional ones.
SUMMARY_SHEETS_BY_LANG: dict[str, tuple[str, ...]] = {
    lang: tuple(names[k] for k in SUMMARY_SHEETS) for lang, names in SUMMARY_SHEET_NAMES.items()}


def has_summary_sheets(sheet_names: "set[str] | frozenset[str]") -> bool:
    """True when a workbook's sheets are a kpi-xl summary's, in either language (every sheet of one
    language but the optional ones: the 9-Box and Periods)."""
    return any({n for k, n in SUMMARY_SHEET_NAMES[lang].items() if k not in OPTIONAL_SUMMARY_SHEETS}
               <= set(sheet_names) for lang in SUMMARY_SHEET_NAMES)


# Every summary sheet name in every language: the sheets a reader of a summary-shaped book skips.
ALL_SUMMARY_SHEET_NAMES = tuple(dict.fromkeys(n for names in SUMMARY_SHEETS_BY_LANG.values() for n in names))
