"""The sheets written beside the scorecard sheet: the KRA record (seed 000 step 5), the task
inventory (seed 000 step 1) and the policy sheet the formulas read (its names and the Policy_Table
layout are `kpi_xl.contract`'s)."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .. import contract as C
from ..policy import Policy
from ..roles import Role
from ..words import DONE_WORDS, NOT_DONE_WORDS
from .formulas import quote
from .labels import LABELS, format_number
from .layout import define_name
from .styles import (
    BORDER,
    BORDER_BOTTOM,
    CENTER_TOP,
    FILL_BAND,
    FILL_INPUT,
    FILL_LABEL,
    FONT,
    FONT_BOLD,
    FONT_LABEL,
    FONT_MUTED,
    FONT_SECTION,
    LEFT_CENTER,
    WRAP_TOP,
    print_setup,
    put_text,
    row_height,
    sheet_title,
    style,
    table_header,
)


def kra_sheet(wb: Workbook, ws: Worksheet, role: Role, lang: str) -> None:
    """Seed 000 step 5: the employee's KRAs recorded formally (who, role, KRAs, KPIs, methods, targets)."""
    m = LABELS[lang]
    widths = (28, 30, 38, 40, 22, 9)
    for i, w in enumerate(widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = w
    sheet_title(ws, f"{m['kra_title']} · {role.name(lang)}", m["kra_intro"], "F")
    fields = (("employee_name", C.EMPLOYEE_NAME), ("employee_id", C.EMPLOYEE_ID),
              ("department", C.DEPARTMENT), ("supervisor", C.SUPERVISOR), ("role", C.ROLE), ("period", C.PERIOD))
    for i, (label, name) in enumerate(fields):
        row = 4 + i
        style(put_text(ws, f"A{row}", m[label]), FONT_LABEL, alignment=LEFT_CENTER)
        ws.merge_cells(f"B{row}:D{row}")
        ws[f"B{row}"] = f'=IF({name}="","",{name})'
        style(ws[f"B{row}"], FONT_BOLD, border=BORDER_BOTTOM, alignment=LEFT_CENTER)
    row = 4 + len(fields)
    description = role.description(lang) if role.description else ""
    style(put_text(ws, f"A{row}", m["description"]), FONT_LABEL, alignment=Alignment(vertical="top"))
    ws.merge_cells(f"B{row}:F{row}")
    style(put_text(ws, f"B{row}", description or None), FONT, alignment=WRAP_TOP)
    ws.row_dimensions[row].height = row_height([(description, sum(widths[1:]), False)])

    head = row + 2
    table_header(ws, head, (m["kra"], m["goal"], m["indicator"], m["method"], m["target_text"], m["weight"]))
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
                target = format_number(kpi.target, lang) + unit
                if kpi.direction == "within" and kpi.tolerance is not None:
                    target = f"{format_number(kpi.target, lang)} ± {format_number(kpi.tolerance, lang)}{unit}"
                elif kpi.direction == "lower":
                    target = f"≤ {target}"
            values = (kra.name(lang) if j == 0 else None, (kra.goal(lang) if kra.goal else None) if j == 0 else None,
                      kpi.indicator(lang), kpi.method(lang) if kpi.method else None, target, kpi.weight)
            for c, value in enumerate(values):
                cell = put_text(ws, f"{get_column_letter(c + 1)}{r}", value)
                style(cell, FONT_BOLD if c == 0 else FONT, None, BORDER, WRAP_TOP)
            ws.row_dimensions[r].height = row_height(
                (value, widths[c], c == 0) for c, value in enumerate(values) if isinstance(value, str))
    activities = [a(lang) for a in role.supporting_activities]
    activities += [a(lang) for kra in role.kras for a in kra.activities]
    r += 2
    style(put_text(ws, f"A{r}", m["activities"]), FONT_SECTION)
    for text in activities:
        r += 1
        ws.merge_cells(f"A{r}:F{r}")
        style(put_text(ws, f"A{r}", f"• {text}"), FONT, alignment=WRAP_TOP)
        ws.row_dimensions[r].height = row_height([(text, sum(widths), False)])
    r += 2
    for label in ("reviewed_on", "next_review"):
        style(put_text(ws, f"A{r}", m[label]), FONT_LABEL, alignment=LEFT_CENTER)
        style(ws[f"B{r}"], FONT_BOLD, FILL_INPUT, BORDER_BOTTOM, LEFT_CENTER, "yyyy-mm-dd", unlocked=True)
        r += 1
    print_setup(ws, f"A1:F{r}", f"{head}:{head}", role.name(lang))


def task_sheet(ws: Worksheet, role: Role, lang: str) -> None:
    """Seed 000 step 1: the role's tasks, how often, how long, delegable; blank rows for more."""
    m = LABELS[lang]
    widths = (5, 46, 14, 20, 14, 50)
    for i, w in enumerate(widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = w
    sheet_title(ws, f"{m['tasks_title']} · {role.name(lang)}", m["tasks_intro"], "F")
    head = 4
    table_header(ws, head, (m["no"], m["task"], m["frequency"], m["duration"], m["delegable"], m["notes"]))
    yes, no = m["yes"], m["no_word"]
    dv = DataValidation(type="list", formula1=quote(f"{yes},{no}"), allow_blank=True)
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
            style(cell, FONT, FILL_BAND if i % 2 else None, BORDER, CENTER_TOP if c in (0, 4) else WRAP_TOP,
                  unlocked=c > 0)
        ws.row_dimensions[r].height = row_height(
            (value, widths[c], False) for c, value in enumerate(values) if isinstance(value, str))
        dv.add(f"E{r}")
    ws.freeze_panes = f"A{head + 1}"
    print_setup(ws, f"A1:F{head + len(role.tasks) + extra_rows}", f"{head}:{head}", role.name(lang))


def policy_sheet(wb: Workbook, ws: Worksheet, pol: Policy, lang: str) -> None:
    """The bands (lowest level first), the cap and the lower method: the cells the formulas read."""
    m = LABELS[lang]
    widths = (10, 18, 28, 24, 16)
    for i, w in enumerate(widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = w
    sheet_title(ws, m["policy_title"], m["policy_source"].format(source=pol.source), "E")
    head = 4
    table_header(ws, head, (m["pol_level"], m["pol_above"], m["pol_label"], m["pol_bonus"], m["pol_raise"]))
    first = head + 1
    for i, band in enumerate(pol.bands):
        r = first + i
        values = (band.level, band.above, band.label(lang), band.bonus, band.raise_text)
        for c, value in enumerate(values):
            cell = put_text(ws, f"{get_column_letter(c + 1)}{r}", value)
            style(cell, FONT, FILL_BAND if i % 2 else None, BORDER,
                  CENTER_TOP if c in (0, 1, 3, 4) else WRAP_TOP)
    last = first + len(pol.bands) - 1
    for i, name in enumerate(C.POLICY_TABLE_COLUMNS):  # the contract's column order
        col = get_column_letter(i + 1)
        define_name(wb, name, ws, f"{col}{first}:{col}{last}")
    # Policy_Table: the header, the bands, a blank row, one row per setting (contract.POLICY_TABLE).
    r = last + 2
    settings = {C.POLICY_MAX_SCORE: ("pol_max", pol.max_score),
                C.POLICY_LOWER_METHOD: ("pol_lower", pol.lower_method)}
    names = C.POLICY_TABLE_SETTINGS
    if pol.rating is not None:  # the final rating's weights (blank: not weighed) and competency scale
        weight = pol.rating.weight
        settings.update({
            C.POLICY_WEIGHT_KPI: ("pol_weight_kpi", weight("kpi") or None),
            C.POLICY_WEIGHT_COMPETENCIES: ("pol_weight_competencies", weight("competencies") or None),
            C.POLICY_WEIGHT_ATTENDANCE: ("pol_weight_attendance", weight("attendance") or None),
            C.POLICY_SCALE_LOW: ("pol_scale_low", pol.rating.low),
            C.POLICY_SCALE_HIGH: ("pol_scale_high", pol.rating.high),
            C.POLICY_SCALE_MEETS: ("pol_scale_meets", pol.rating.meets)})
        names += C.POLICY_RATING_SETTINGS
    value_col = get_column_letter(C.POLICY_TABLE_VALUE_COLUMN)
    define_name(wb, C.POLICY_TABLE, ws, f"A{head}:E{r + len(settings) - 1}")
    for name in names:
        label, value = settings[name]
        ws.merge_cells(f"A{r}:{get_column_letter(C.POLICY_TABLE_VALUE_COLUMN - 1)}{r}")
        style(put_text(ws, f"A{r}", m[label]), FONT_LABEL, FILL_LABEL, BORDER, LEFT_CENTER)
        style(put_text(ws, f"{value_col}{r}", value), FONT_BOLD, None, BORDER, CENTER_TOP)
        define_name(wb, name, ws, f"{value_col}{r}")
        r += 1
    r += 1
    done, not_done = sorted(DONE_WORDS), sorted(NOT_DONE_WORDS)
    style(put_text(ws, f"A{r}", m["pol_done"]), FONT_LABEL)
    style(put_text(ws, f"D{r}", m["pol_not_done"]), FONT_LABEL)
    for i, word in enumerate(done):
        style(put_text(ws, f"B{r + 1 + i}", word), FONT, border=BORDER)
    for i, word in enumerate(not_done):
        style(put_text(ws, f"E{r + 1 + i}", word), FONT, border=BORDER)
    define_name(wb, C.MILESTONE_DONE, ws, f"B{r + 1}:B{r + len(done)}")
    define_name(wb, C.MILESTONE_NOT_DONE, ws, f"E{r + 1}:E{r + len(not_done)}")
    r += max(len(done), len(not_done)) + 2
    style(put_text(ws, f"A{r}", f"{m['pol_marker']}: {C.CONTRACT_VERSION}"), FONT_MUTED)
    print_setup(ws, f"A1:E{r}", None, m["policy_title"])
