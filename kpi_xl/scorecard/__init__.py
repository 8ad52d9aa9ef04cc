"""Scorecard workbooks from role definitions (SPEC 6): one employee's KPI sheet for one period.

`build_scorecard(role, employee)` makes the workbook: the scorecard sheet (header, KPI table, totals,
KPI value, level, label, bonus multiple, raise, sign-off), the KRA record sheet (seed 000 step 5), the
task inventory sheet (seed 000 step 1) and the policy sheet the formulas read. `write_roster_scorecards`
makes one file per employee of a roster.

Two formula modes: ``native`` (plain formulas that Excel 2010+, LibreOffice 7.4+, Gnumeric and Google
Sheets compute the way `kpi_xl.scoring` does) and ``udf`` (the same cells call ``=KPI_SCORE()`` and friends
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

With a policy whose `rating:` block weighs competencies, a Competencies sheet follows the scorecard
sheet (`competencies`' module doc has its layout), and below the legend the scorecard sheet shows the
final rating block (KPI result, competency result, attendance inputs where weighed, FinalRating,
FinalLevel ... FinalSalaryRaise); the policy sheet then also holds the weights and the competency scale.

One job per module: `labels` (the words on the sheets), `styles`, `layout` (where cells are),
`formulas` (native and udf formula text), `sheets` (the scorecard sheet), `competencies` (the
competencies sheet), `records` (KRA record, task inventory, policy sheets), `build` (one workbook, its file name), `roster_run` (a roster's scorecards).
Defined names, sheet names and the Policy_Table layout: `kpi_xl.contract`.
"""

from __future__ import annotations

from ..contract import POLICY_TABLE
from .build import EXISTS, build_scorecard, scorecard_filename, write_scorecard
from .formulas import FORMULA_MODES, native_score_formula, udf_score_formula
from .labels import LABELS, LANGS
from .roster_run import RosterRun, write_roster_scorecards
from .styles import put_text

__all__ = [
    "EXISTS", "FORMULA_MODES", "LABELS", "LANGS", "POLICY_TABLE", "RosterRun", "build_scorecard", "native_score_formula",
    "put_text", "scorecard_filename", "udf_score_formula", "write_roster_scorecards", "write_scorecard",
]
