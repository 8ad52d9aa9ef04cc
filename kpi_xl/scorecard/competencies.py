"""The competencies sheet: each competency with its behavioural description, weight, self-rating and
supervisor rating (drop-downs limited to the policy's scale), a comment, its percent and the competency
result. Written only when the policy weighs competencies (its `rating:` block).

Layout (k competencies, first row 6, result row 6 + k):

| cells | what | defined name |
|---|---|---|
| B, C, D 6:5+k | competency, expected behaviour, weight (blank: equal weights) | Competency_Name, _Description, _Weight |
| E, F 6:5+k | self-rating, supervisor rating (inputs, drop-downs) | Competency_Self, Competency_Supervisor |
| G, H 6:5+k | the supervisor rating in percent, comment (input) | Competency_Percent, Competency_Comment |
| G 6+k | the competency result, blank until every competency has a supervisor rating | CompetencyScore |
| I, J 6:5+k (hidden, native mode) | weighted percent and weight of each rated row | |
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .. import contract as C
from ..errors import RoleError
from ..policy import Competency, Policy
from ..roles import Role
from .formulas import competency_helper_formulas, competency_percent_formula, competency_score_formula
from .labels import LABELS
from .layout import define_name
from .styles import (
    BORDER,
    CENTER_TOP,
    FILL_BAND,
    FILL_INPUT,
    FILL_LABEL,
    FILL_TOTAL,
    FONT,
    FONT_BIG,
    FONT_BOLD,
    FONT_LABEL,
    FONT_MUTED,
    LEFT_CENTER,
    UNLOCKED,
    WRAP_TOP,
    print_setup,
    put_text,
    row_height,
    sheet_title,
    style,
    table_header,
)

HEADER_ROW, FIRST_ROW = 5, 6
WIDTHS = (5, 24, 48, 8, 11, 11, 10, 30)
HELPER_PART, HELPER_WEIGHT = "I", "J"


def scorecard_competencies(role: Role, pol: Policy) -> tuple[Competency, ...]:
    """The competencies a scorecard rates: the role's own, else the policy's company-wide ones."""
    if role.competencies:
        return tuple(Competency(c.name.en, c.name.id, c.weight, c.description_text("en"), c.description_text("id"))
                     for c in role.competencies)
    if pol.competencies:
        return pol.competencies
    raise RoleError(f"{role.source or role.id}: the policy ({pol.source}) weighs competencies, but neither role "
                    f"{role.id!r} nor the policy lists any: add competencies to the role or to the policy")


def competencies_sheet(wb: Workbook, ws: Worksheet, role: Role, pol: Policy, lang: str, formulas: str) -> None:
    """Write the competencies sheet (the policy sheet's names must exist already)."""
    m = LABELS[lang]
    rating = pol.rating
    assert rating is not None  # written only when the policy has a rating block
    items = scorecard_competencies(role, pol)
    n = len(items)
    weighted = all(c.weight is not None for c in items)
    last = FIRST_ROW + n - 1
    for i, w in enumerate(WIDTHS):
        ws.column_dimensions[get_column_letter(i + 1)].width = w
    for col in (HELPER_PART, HELPER_WEIGHT):
        ws.column_dimensions[col].hidden = True
    sheet_title(ws, m["comp_title"], m["comp_intro"], "H")
    labels = dict((r, en if lang == "en" else id_) for r, en, id_ in rating.scale_labels)
    scale = " · ".join(f"{r} {labels[r]}" for r in range(rating.low, rating.high + 1))
    ws.merge_cells("A3:H3")
    style(put_text(ws, "A3", m["comp_scale"].format(scale=scale, meets=f"{rating.meets:g}")), FONT_MUTED,
          alignment=WRAP_TOP)
    ws.row_dimensions[3].height = row_height([(ws["A3"].value, sum(WIDTHS) * 1.15, False)], 12)
    table_header(ws, HEADER_ROW, (m["no"], m["comp_name"], m["comp_description"], m["comp_weight"], m["comp_self"],
                                  m["comp_supervisor"], m["comp_percent"], m["comp_comment"]))
    dv = DataValidation(type="list", formula1='"' + ",".join(str(r) for r in range(rating.low, rating.high + 1)) + '"',
                        allow_blank=True)
    dv.promptTitle, dv.errorTitle = m["dv_rating_title"], m["dv_rating_title"]
    dv.prompt = m["dv_rating_prompt"].format(low=rating.low, high=rating.high)
    dv.error = m["dv_rating_error"].format(low=rating.low, high=rating.high)
    dv.showInputMessage = dv.showErrorMessage = True
    for i, c in enumerate(items):
        r = FIRST_ROW + i
        for col, value in zip("ABCD", (i + 1, c.name(lang), c.description(lang) or None, c.weight)):
            put_text(ws, f"{col}{r}", value)
        for col in "ABCDEFGH":
            style(ws[f"{col}{r}"], FONT, FILL_BAND if i % 2 else None, BORDER, WRAP_TOP)
        ws[f"B{r}"].font = FONT_BOLD
        for col in "ADG":
            ws[f"{col}{r}"].alignment = CENTER_TOP
        for col in "EFH":
            cell = ws[f"{col}{r}"]
            cell.fill, cell.protection = FILL_INPUT, UNLOCKED
            cell.alignment = CENTER_TOP if col != "H" else WRAP_TOP
        ws[f"E{r}"].font = ws[f"F{r}"].font = FONT_BOLD
        dv.add(f"E{r}:F{r}")
        ws[f"G{r}"] = competency_percent_formula(f"F{r}")
        ws[f"G{r}"].number_format = '0.00"%"'
        if formulas == "native":
            part, weight = competency_helper_formulas(f"F{r}", f"D{r}", weighted)
            ws[f"{HELPER_PART}{r}"], ws[f"{HELPER_WEIGHT}{r}"] = part, weight
        ws.row_dimensions[r].height = row_height([(c.name(lang), WIDTHS[1], True),
                                                  (c.description(lang), WIDTHS[2], False)], minimum=17)
    ws.add_data_validation(dv)
    for name, col in zip(C.COMPETENCY_COLUMNS, "BCDEFGH"):
        define_name(wb, name, ws, f"{col}{FIRST_ROW}:{col}{last}")

    result = last + 1
    ws.merge_cells(f"A{result}:F{result}")
    style(put_text(ws, f"A{result}", m["comp_result"]), FONT_LABEL, FILL_LABEL, BORDER, LEFT_CENTER)
    helpers = (f"{HELPER_PART}{FIRST_ROW}:{HELPER_PART}{last}", f"{HELPER_WEIGHT}{FIRST_ROW}:{HELPER_WEIGHT}{last}")
    ws[f"G{result}"] = competency_score_formula(formulas, n, weighted, helpers)
    style(ws[f"G{result}"], FONT_BIG, FILL_TOTAL, BORDER, CENTER_TOP, '0.00"%"')
    ws.row_dimensions[result].height = 22
    define_name(wb, C.COMPETENCY_SCORE, ws, f"G{result}")
    ws.freeze_panes = f"A{FIRST_ROW}"
    print_setup(ws, f"A1:H{result}", f"{HEADER_ROW}:{HEADER_ROW}", m["comp_title"])
