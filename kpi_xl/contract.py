"""The scorecard workbook contract: the defined names a generated scorecard carries (SPEC 6).

The template generator writes them and the rollup reads through them, so both import these constants
rather than spelling names twice. All names are workbook-scoped and point at the scorecard sheet
(or the policy sheet for POLICY_*). Column names cover the KPI rows only, top to bottom, same rows.
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

# The policy sheet the formulas read: one row per band, lowest level first.
POLICY_LEVELS = "Policy_Levels"
POLICY_THRESHOLDS = "Policy_Thresholds"  # lower bound (exclusive) of each band; blank for the lowest
POLICY_LABELS = "Policy_Labels"  # in the scorecard's language
POLICY_BONUS = "Policy_Bonus"
POLICY_RAISE = "Policy_Raise"
POLICY_MAX_SCORE = "Policy_MaxScore"  # one cell; blank for no cap
POLICY_LOWER_METHOD = "Policy_LowerMethod"  # one cell: difference or ratio
