"""The scorecard sheet: header, KPI table, totals, results, sign-off and legend (SPEC 6).

Layout (n KPI rows, first KPI row 11, totals row t = 11 + n) in `kpi_xl.scorecard`'s module doc;
cell positions in `.layout`, formula text in `.formulas`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .. import contract as C
from ..policy import Policy
from ..roles import Role
from .formulas import (
    actual_number_formula,
    actual_text_formula,
    attendance_formula,
    band_formulas,
    final_rating_formula,
    final_formula,
    milestone_validation_formula,
    native_score_formula,
    result_formulas,
    udf_score_formula,
)
from .labels import LABELS, PERIOD_WORDS, format_number
from .layout import (
    COL,
    COLUMNS,
    FIRST_KPI_ROW,
    HEADER_ROW,
    LAST_COL,
    MARKER_COL,
    NUMBER_COL,
    TEXT_COL,
    WIDTHS,
    columns_width,
    define_name,
)
from .styles import (
    BAND_FILLS,
    BORDER,
    BORDER_BOTTOM,
    BORDER_TOTAL,
    CENTER_TOP,
    FILL_BAND,
    FILL_HEAD,
    FILL_INPUT,
    FILL_LABEL,
    FILL_TITLE,
    FILL_TOTAL,
    FONT,
    FONT_BIG,
    FONT_BOLD,
    FONT_HEAD,
    FONT_LABEL,
    FONT_MUTED,
    FONT_SECTION,
    FONT_SUBTITLE,
    FONT_TITLE,
    HIDDEN_TEXT,
    LEFT_CENTER,
    RIGHT_TOP,
    UNLOCKED,
    WRAP_CENTER,
    WRAP_TOP,
    print_setup,
    put_text,
    row_height,
    style,
)


@dataclass(frozen=True)
class HeaderCells:
    """Where the per-employee header cells are, so a roster run can refill a built workbook."""

    sheet: str
    cells: dict[str, str]  # contract name -> coordinate on the scorecard sheet
    department: str  # the role's department, shown when the employee's is blank


def scorecard_sheet(wb: Workbook, ws: Worksheet, role: Role, pol: Policy, lang: str, formulas: str
                    ) -> HeaderCells:
    """Write the scorecard sheet of `role` on `ws` (the policy sheet's names must exist already) and
    return where its per-employee header cells are."""
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
    style(ws["A1"], FONT_TITLE, FILL_TITLE, alignment=LEFT_CENTER)
    for col in COLUMNS[1:]:
        ws[f"{COL[col]}1"].fill = FILL_TITLE
    ws.row_dimensions[1].height = 30
    ws.merge_cells(f"A2:{LAST_COL}2")
    style(put_text(ws, "A2", m["instructions"]), FONT_SUBTITLE, alignment=LEFT_CENTER)
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
        style(put_text(ws, f"B{row}", m[label]), FONT_LABEL, alignment=LEFT_CENTER)
        ws.merge_cells(f"C{row}:E{row}")
        style(put_text(ws, f"C{row}", value), FONT_BOLD, FILL_INPUT, BORDER_BOTTOM, LEFT_CENTER, "@",
              unlocked=True)
        for col in "DE":
            ws[f"{col}{row}"].fill = FILL_INPUT
            ws[f"{col}{row}"].border = BORDER_BOTTOM
        cells[name] = f"C{row}"
        define_name(wb, name, ws, f"C{row}")
        ws.row_dimensions[row].height = 18
    for i, (name, label, value, is_input) in enumerate(right):
        row = 4 + i
        ws.merge_cells(f"G{row}:H{row}")
        style(put_text(ws, f"G{row}", m[label]), FONT_LABEL, alignment=LEFT_CENTER)
        ws.merge_cells(f"I{row}:{LAST_COL}{row}")
        style(put_text(ws, f"I{row}", value), FONT_BOLD, FILL_INPUT if is_input else None, BORDER_BOTTOM,
              LEFT_CENTER, "@", unlocked=is_input)
        for col in "JKL":
            ws[f"{col}{row}"].border = BORDER_BOTTOM
            if is_input:
                ws[f"{col}{row}"].fill = FILL_INPUT
        if name:
            cells[name] = f"I{row}"
            define_name(wb, name, ws, f"I{row}")
    description = role.description(lang) if role.description else ""
    style(put_text(ws, "B8", m["description"]), FONT_LABEL, alignment=Alignment(vertical="top"))
    ws.merge_cells(f"C8:{LAST_COL}8")
    style(put_text(ws, "C8", description or None), FONT, alignment=WRAP_TOP)
    ws.row_dimensions[8].height = row_height([(description, columns_width(*COLUMNS[2:]), False)])
    cells[C.ROLE_DESCRIPTION] = "C8"
    define_name(wb, C.ROLE_DESCRIPTION, ws, "C8")

    # The KPI table.
    for col in COLUMNS:
        style(put_text(ws, f"{COL[col]}{HEADER_ROW}", m[col]), FONT_HEAD, FILL_HEAD, BORDER, WRAP_CENTER)
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
        else:
            ws[f"K{r}"] = udf_score_formula(r)
        ws[f"L{r}"] = final_formula(r, formulas)
        validations.append(_actual_validation(kpi, f"J{r}", lang))
        ws.row_dimensions[r].height = row_height([
            (kra.name(lang) if first_of_kra else "", WIDTHS[1], True), (kpi.indicator(lang), WIDTHS[2], False),
            (kpi.unit(lang) if kpi.unit else "", WIDTHS[3], False)], minimum=17)

    # Named columns: KPI rows only, top to bottom.
    column_names = {C.KPI_KRA: "kra", C.KPI_INDICATOR: "indicator", C.KPI_UNIT: "unit",
                    C.KPI_DIRECTION: "direction", C.KPI_WEIGHT: "weight", C.KPI_TARGET: "target",
                    C.KPI_TOLERANCE: "tolerance", C.KPI_DUE: "due", C.KPI_ACTUAL: "actual",
                    C.KPI_SCORE: "score", C.KPI_FINAL: "final"}
    for name, col in column_names.items():
        define_name(wb, name, ws, f"{COL[col]}{FIRST_KPI_ROW}:{COL[col]}{last_kpi}")
    define_name(wb, C.KPI_TABLE, ws, f"B{FIRST_KPI_ROW}:{LAST_COL}{last_kpi}")
    for dv in validations:
        ws.add_data_validation(dv)

    # Totals.
    for col in COLUMNS:
        style(ws[f"{COL[col]}{total_row}"], FONT_BOLD, FILL_TOTAL, BORDER_TOTAL)
    put_text(ws, f"B{total_row}", m["total"])
    ws[f"F{total_row}"] = f"=SUM({C.KPI_WEIGHT})"
    ws[f"L{total_row}"] = f"=SUM({C.KPI_FINAL})"
    ws[f"F{total_row}"].alignment = Alignment(horizontal="right")
    ws[f"L{total_row}"].number_format = "0.00"
    define_name(wb, C.TOTAL_WEIGHT, ws, f"F{total_row}")
    define_name(wb, C.TOTAL_FINAL, ws, f"L{total_row}")

    # Results (left) and sign-off (right).
    res = total_row + 2
    labels = ("kpi_value", "level", "label", "bonus", "raise", "reported")
    names = (C.KPI_VALUE, C.LEVEL, C.LABEL, C.BONUS_MULTIPLE, C.RAISE, None)
    value_formulas = result_formulas(formulas, lang, n)
    formats = ('0.00"%"', "0", "@", "General", "@", "@")
    for i, (label, name, formula, fmt) in enumerate(zip(labels, names, value_formulas, formats)):
        row = res + i
        style(put_text(ws, f"B{row}", m[label]), FONT_LABEL, FILL_LABEL, BORDER, LEFT_CENTER)
        cell = ws[f"C{row}"]
        cell.value = formula
        style(cell, FONT_BIG if i < 3 else FONT_BOLD, None, BORDER, LEFT_CENTER, fmt)
        ws.row_dimensions[row].height = 20
        if name:
            define_name(wb, name, ws, f"C{row}")
    _band_colours(ws, pol, f"C{res}:C{res + 2}", f"$C${res + 1}")
    ws.conditional_formatting.add(
        f"K{FIRST_KPI_ROW}:K{last_kpi}",
        FormulaRule(formula=[f"ISTEXT(K{FIRST_KPI_ROW})"], font=Font(color="C00000", italic=True)),
    )

    ws.merge_cells(f"G{res}:{LAST_COL}{res}")
    style(put_text(ws, f"G{res}", m["signoff"]), FONT_SECTION, alignment=LEFT_CENTER)
    heads = ((f"I{res + 1}", f"J{res + 1}", m["signoff_employee"]),
             (f"K{res + 1}", f"L{res + 1}", m["signoff_supervisor"]))
    for a, b, text in heads:
        ws.merge_cells(f"{a}:{b}")
        style(put_text(ws, a, text), FONT_HEAD, FILL_HEAD, BORDER, WRAP_CENTER)
    # Name, signature (two rows tall, so the results beside it keep even rows), date.
    sign_rows = (("signoff_name", f'=IF({C.EMPLOYEE_NAME}="","",{C.EMPLOYEE_NAME})',
                  f'=IF({C.SUPERVISOR}="","",{C.SUPERVISOR})', False, 1),
                 ("signoff_signature", None, None, True, 2),
                 ("signoff_date", None, None, True, 1))
    row = res + 2
    for label, emp, sup, is_input, span in sign_rows:
        bottom = row + span - 1
        ws.merge_cells(f"G{row}:H{bottom}")
        style(put_text(ws, f"G{row}", m[label]), FONT_LABEL, FILL_LABEL, BORDER, LEFT_CENTER)
        for (a, b), value in ((("I", "J"), emp), (("K", "L"), sup)):
            ws.merge_cells(f"{a}{row}:{b}{bottom}")
            cell = ws[f"{a}{row}"]
            cell.value = value
            style(cell, FONT_BOLD, None, BORDER, LEFT_CENTER,
                  "yyyy-mm-dd" if label == "signoff_date" else None, unlocked=is_input)
            for r in range(row, bottom + 1):
                for col in "GHIJKL":
                    ws[f"{col}{r}"].border = BORDER
        row = bottom + 1

    # Legend.
    legend = res + len(labels) + 1
    style(put_text(ws, f"B{legend}", m["legend"]), FONT_SECTION)
    levels = " · ".join(
        f"{b.level} {b.label(lang)} " + (f"> {format_number(b.above, lang)}" if b.above is not None
                                         else f"≤ {format_number(pol.bands[1].above, lang)}")
        for b in reversed(pol.bands))
    for i, text in enumerate((m["legend_directions"], m["legend_value"], m["legend_levels"] + levels)):
        row = legend + 1 + i
        ws.merge_cells(f"B{row}:{LAST_COL}{row}")
        style(put_text(ws, f"B{row}", text), FONT_MUTED, alignment=WRAP_TOP)
        # 9-point text: about 15% more characters per line than the 10-point table.
        ws.row_dimensions[row].height = row_height([(text, columns_width(*COLUMNS[1:]) * 1.15, False)], 12)
    last_row = legend + 3
    if pol.rating is not None:
        last_row = _final_rating(wb, ws, pol, lang, formulas, last_row + 2)

    # The contract marker and language, in a hidden column (no print, no view).
    put_text(ws, f"{MARKER_COL}1", C.CONTRACT_VERSION)
    put_text(ws, f"{MARKER_COL}2", lang)
    define_name(wb, C.MARKER, ws, f"{MARKER_COL}1", hidden=True)
    define_name(wb, C.LANGUAGE, ws, f"{MARKER_COL}2", hidden=True)

    # View and print.
    ws.freeze_panes = f"A{FIRST_KPI_ROW}"
    ws.sheet_view.zoomScale = 100
    print_setup(ws, f"A1:{LAST_COL}{last_row}", f"{HEADER_ROW}:{HEADER_ROW}", role.name(lang))
    return HeaderCells(ws.title, cells, department)


def _final_rating(wb: Workbook, ws: Worksheet, pol: Policy, lang: str, formulas: str, top: int) -> int:
    """The final rating block from row `top`: KPI result, competency result, attendance (days present and
    working days as inputs) where the policy weighs them, the final rating and its level, label, bonus
    multiple and raise. Returns its last row."""
    m = LABELS[lang]
    assert pol.rating is not None
    components = tuple(c for c, _ in pol.rating.weights)
    style(put_text(ws, f"B{top}", m["final_title"]), FONT_SECTION)
    rows: list[tuple[str, str | None, Any, str, bool]] = [("final_kpi", None, f"=IF(ISNUMBER({C.KPI_VALUE}),{C.KPI_VALUE},\"\")",
                                                           '0.00"%"', False)]
    if "competencies" in components:
        rows.append(("final_competencies", None,
                     f'=IF(ISNUMBER({C.COMPETENCY_SCORE}),{C.COMPETENCY_SCORE},"")', '0.00"%"', False))
    if "attendance" in components:
        rows += [("final_present", C.ATTENDANCE_PRESENT, None, "General", True),
                 ("final_days", C.ATTENDANCE_DAYS, None, "General", True),
                 ("final_attendance", C.ATTENDANCE_PERCENT, attendance_formula(lang), '0.00"%"', False)]
    rows.append(("final_rating", C.FINAL_RATING, final_rating_formula(formulas, components), '0.00"%"', False))
    bands = band_formulas(C.FINAL_RATING, C.FINAL_LEVEL, formulas, lang)
    for label, name, formula, fmt in zip(("level", "label", "bonus", "raise"), C.FINAL_FIELDS[1:], bands,
                                         ("0", "@", "General", "@")):
        rows.append((label, name, formula, fmt, False))
    first = top + 1
    for i, (label, name, formula, fmt, is_input) in enumerate(rows):
        row = first + i
        style(put_text(ws, f"B{row}", m[label]), FONT_LABEL, FILL_LABEL, BORDER, LEFT_CENTER)
        cell = ws[f"C{row}"]
        cell.value = formula
        big = name in (C.FINAL_RATING, C.FINAL_LEVEL, C.FINAL_LABEL)
        style(cell, FONT_BIG if big else FONT_BOLD, FILL_INPUT if is_input else None, BORDER, LEFT_CENTER, fmt,
              unlocked=is_input)
        ws.row_dimensions[row].height = 20
        if name:
            define_name(wb, name, ws, f"C{row}")
        if is_input:
            dv = DataValidation(type="decimal", operator="between", formula1="0", formula2="1E+6", allow_blank=True)
            dv.errorTitle, dv.error = m["dv_days_title"], m["dv_days_error"]
            dv.showErrorMessage = True
            dv.add(f"C{row}")
            ws.add_data_validation(dv)
    rating_row = first + [r[1] for r in rows].index(C.FINAL_RATING)
    _band_colours(ws, pol, f"C{rating_row}:C{rating_row + 2}", f"$C${rating_row + 1}")
    parts = " + ".join(f"{m['final_part_' + c]} × {w:g} %" for c, w in pol.rating.weights)
    how = first + len(rows)
    ws.merge_cells(f"B{how}:{LAST_COL}{how}")
    text = m["final_how"].format(parts=parts)
    style(put_text(ws, f"B{how}", text), FONT_MUTED, alignment=WRAP_TOP)
    ws.row_dimensions[how].height = row_height([(text, columns_width(*COLUMNS[1:]) * 1.15, False)], 12)
    return how


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
        dv = DataValidation(type="custom", formula1=milestone_validation_formula(cell), allow_blank=True)
        dv.prompt = m["dv_milestone_prompt"].format(due=kpi.due.isoformat() if kpi.due else "-")
        dv.error = m["dv_milestone_error"]
    else:
        dv = DataValidation(type="decimal", operator="between", formula1="-1E+15", formula2="1E+15",
                            allow_blank=True)
        unit = f" {kpi.unit(lang)}" if kpi.unit else ""
        how = m[f"how_{kpi.direction}"].format(tolerance=format_number(kpi.tolerance or 0, lang))
        target = "-" if kpi.target is None else format_number(kpi.target, lang) + unit
        dv.prompt = m["dv_prompt"].format(target=target, how=how)[:255]
        dv.error = m["dv_error"]
    dv.promptTitle = m["dv_title"]
    dv.errorTitle = m["dv_error_title"]
    dv.showInputMessage = True
    dv.showErrorMessage = True
    dv.add(cell)
    return dv


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
