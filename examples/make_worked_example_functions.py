"""Make examples/worked-example-functions.xlsx: the worked example (SPEC 2) with every kpi-xl cell function.

    python examples/make_worked_example_functions.py [OUT.xlsx]

The workbook's formulas call =KPI_SCORE(), =KPI_FINAL(), =KPI_VALUE(), =KPI_BAND(), =KPI_LABEL(),
=KPI_BONUS() and =KPI_RAISE(); with the classic xlwings add-in (Import Functions) or xlwings Lite they
give 113.65 and level 4. The file also carries each formula's result, computed here by calling the
same functions, so it shows the right numbers as soon as it opens, before any recalculation (openpyxl
writes formulas without results; the results are put into the sheet XML afterwards).
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing

import openpyxl  # noqa: E402
from openpyxl.styles import Alignment, Font, PatternFill  # noqa: E402
from openpyxl.worksheet.formula import ArrayFormula  # noqa: E402

from kpi_xl.excel import udfs  # noqa: E402
from kpi_xl.policy import default_policy  # noqa: E402

OUT = HERE / "worked-example-functions.xlsx"

# SPEC 2: KRA, indicator, weight, target, actual (all `higher`).
ROWS = [
    ("Manage the company blog", "quality articles posted (monthly avg)", 15, 40, 50),
    ("Manage the company blog", "page views in the year", 10, 1_000_000, 1_500_000),
    ("Manage social media campaigns", "posts on Facebook, Instagram, Twitter (monthly avg)", 10, 25, 32),
    ("Manage social media campaigns", "YouTube videos (monthly avg)", 10, 5, 6),
    ("Grow marketing qualified leads", "lead generation rate (%)", 20, 25, 22),
    ("Grow marketing qualified leads", "lead conversion rate (%)", 20, 20, 21),
    ("Make ad spend efficient", "ad cost reduction (%)", 15, 30, 33),
]
FIRST, LAST = 5, 5 + len(ROWS) - 1  # the KPI rows
SALARY = 10_000_000
POLICY_RANGE = "Policy!A1:F6"

BOLD = Font(bold=True)
INPUT = PatternFill("solid", fgColor="FFF2CC")  # cells HR types into


def build(out: Path = OUT) -> Path:
    """Write the workbook to `out` with formulas and their cached results."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Scorecard"
    cached: dict[str, object] = {}  # cell -> result of its formula

    ws["A1"] = "The worked example: Digital Marketing Specialist, scored with kpi-xl cell functions"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = ("Classic xlwings add-in: save as .xlsm, xlwings tab > Import Functions, then Ctrl+Alt+F9. "
                "xlwings Lite: paste the main.py made by `kpi-xl excel lite`. See docs/cell-functions.md.")
    headers = ["KRA", "Indicator", "Weight", "Target", "Actual", "Direction", "Score (KPI_SCORE)",
               "Final (KPI_FINAL)", "Scores, one call for the column"]
    for col, text in enumerate(headers, start=1):
        cell = ws.cell(row=4, column=col, value=text)
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")

    weights, targets, actuals = [], [], []
    for r, (kra, indicator, weight, target, actual) in zip(range(FIRST, LAST + 1), ROWS):
        ws[f"A{r}"], ws[f"B{r}"] = kra, indicator
        for col, value in (("C", weight), ("D", target), ("E", actual), ("F", "higher")):
            ws[f"{col}{r}"] = value
            ws[f"{col}{r}"].fill = INPUT
        ws[f"G{r}"] = f"=KPI_SCORE(E{r},D{r},F{r})"
        cached[f"G{r}"] = s = udfs.KPI_SCORE(actual, target, "higher")
        ws[f"H{r}"] = f"=KPI_FINAL(C{r},G{r})"
        cached[f"H{r}"] = udfs.KPI_FINAL(weight, s)
        weights.append([weight])
        targets.append([target])
        actuals.append([actual])
        for col in "GHI":
            ws[f"{col}{r}"].number_format = "0.00"
        ws[f"D{r}"].number_format = ws[f"E{r}"].number_format = "#,##0"

    # One call for the whole column: a range in, a range out (a classic array formula, so it works in
    # every Excel; Excel 365 would spill it from one cell).
    column = f"I{FIRST}:I{LAST}"
    ws[f"I{FIRST}"] = ArrayFormula(column, f"=KPI_SCORE(E{FIRST}:E{LAST},D{FIRST}:D{LAST},F{FIRST}:F{LAST})")
    spilled = udfs.KPI_SCORE(actuals, targets, [["higher"]] * len(ROWS))
    cached[f"I{FIRST}"] = spilled[0][0]
    for r, (value,) in zip(range(FIRST + 1, LAST + 1), spilled[1:]):
        ws[f"I{r}"] = value  # the other cells of an array formula hold only its values

    total = LAST + 1
    ws[f"A{total}"] = "Total"
    ws[f"A{total}"].font = BOLD
    ws[f"C{total}"] = f"=SUM(C{FIRST}:C{LAST})"
    cached[f"C{total}"] = sum(row[2] for row in ROWS)
    ws[f"H{total}"] = f"=SUM(H{FIRST}:H{LAST})"
    cached[f"H{total}"] = sum(cached[f"H{r}"] for r in range(FIRST, LAST + 1))  # type: ignore[misc]
    ws[f"H{total}"].number_format = "0.00"

    kpi_value = udfs.KPI_VALUE(weights, actuals, targets, [["higher"]] * len(ROWS))
    results = [
        ("KPI value (%)", f"=KPI_VALUE(C{FIRST}:C{LAST},E{FIRST}:E{LAST},D{FIRST}:D{LAST},F{FIRST}:F{LAST})",
         kpi_value, "0.00"),
        ("Level", "=KPI_BAND(C14)", udfs.KPI_BAND(kpi_value), "0"),
        ("Label (en)", '=KPI_LABEL(C14,"en")', udfs.KPI_LABEL(kpi_value, "en"), None),
        ("Label (id)", '=KPI_LABEL(C14,"id")', udfs.KPI_LABEL(kpi_value, "id"), None),
        ("Monthly salary", SALARY, None, "#,##0"),
        ("Bonus", "=KPI_BONUS(C14,C18)", udfs.KPI_BONUS(kpi_value, SALARY), "#,##0"),
        ("Raise", "=KPI_RAISE(C14)", udfs.KPI_RAISE(kpi_value), None),
    ]
    for r, (label, formula, value, number_format) in zip(range(14, 21), results):
        ws[f"A{r}"] = label
        ws[f"A{r}"].font = BOLD
        ws[f"C{r}"] = formula
        if value is not None:
            cached[f"C{r}"] = value
        else:
            ws[f"C{r}"].fill = INPUT
        if number_format:
            ws[f"C{r}"].number_format = number_format

    # The same results from the policy range on the Policy sheet (a workbook carrying its own bands).
    policy_rows = _policy_sheet(wb)
    ws["E13"] = f"With the policy range {POLICY_RANGE}"
    ws["E13"].font = BOLD
    policy_results = [
        ("Level", f"=KPI_BAND(C14,{POLICY_RANGE})", udfs.KPI_BAND(kpi_value, policy_rows)),
        ("Label (id)", f'=KPI_LABEL(C14,"id",{POLICY_RANGE})', udfs.KPI_LABEL(kpi_value, "id", policy_rows)),
        ("Bonus", f"=KPI_BONUS(C14,C18,{POLICY_RANGE})", udfs.KPI_BONUS(kpi_value, SALARY, policy_rows)),
        ("Raise", f"=KPI_RAISE(C14,{POLICY_RANGE})", udfs.KPI_RAISE(kpi_value, policy_rows)),
    ]
    for r, (label, formula, value) in zip(range(14, 18), policy_results):
        ws[f"E{r}"], ws[f"F{r}"] = label, formula
        cached[f"F{r}"] = value
    ws["F16"].number_format = "#,##0"

    # A year of quarterly KPI values into the year's (review periods): KPI_ANNUAL, banded like any value.
    quarters = [("Q1", 104.2), ("Q2", 109.8), ("Q3", 113.65), ("Q4", 118.1)]
    ws["A23"] = "Quarters of the year"
    ws["A23"].font = BOLD
    for r, (label, value) in zip(range(24, 28), quarters):
        ws[f"A{r}"], ws[f"C{r}"] = label, value
        ws[f"C{r}"].fill = INPUT
        ws[f"C{r}"].number_format = "0.00"
    annual = udfs.KPI_ANNUAL([[v] for _, v in quarters])
    ws["A28"], ws["C28"] = "Year (%)", "=KPI_ANNUAL(C24:C27)"
    ws["A28"].font = BOLD
    ws["C28"].number_format = "0.00"
    cached["C28"] = annual
    ws["A29"], ws["C29"] = "Year level", "=KPI_BAND(C28)"
    ws["A29"].font = BOLD
    cached["C29"] = udfs.KPI_BAND(annual)

    # Competencies beside the KPI value: the final rating the policy's components weigh (the built-in
    # policy has none, so the final rating is the KPI value; a company's policy sets e.g. KPI 70, 30).
    ratings = [("Communication", 4), ("Teamwork", 3), ("Initiative", 5)]
    ws["E23"] = "Competencies (supervisor's rating, 1-5)"
    ws["E23"].font = BOLD
    for r, (name, rating) in zip(range(24, 27), ratings):
        ws[f"E{r}"], ws[f"F{r}"] = name, rating
        ws[f"F{r}"].fill = INPUT
    competency = udfs.KPI_COMPETENCY([[float(v)] for _, v in ratings])
    ws["E27"], ws["F27"] = "Competency result (%)", "=KPI_COMPETENCY(F24:F26)"
    cached["F27"] = competency
    ws["E28"], ws["F28"] = "Final rating (%)", "=KPI_RATING(C14,F27)"
    cached["F28"] = udfs.KPI_RATING(kpi_value, competency)
    for cell in ("F27", "F28"):
        ws[cell].number_format = "0.00"

    # Classic add-in: a sheet named xlwings.conf overrides the ribbon's "UDF Modules" for this workbook.
    conf = wb.create_sheet("xlwings.conf")
    conf["A1"], conf["B1"] = "UDF Modules", udfs.__name__

    for col, width in zip("ABCDEFGHI", (32, 48, 16, 12, 12, 14, 14, 14, 16)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A5"
    # Show the stored results on opening: recalculating without the add-in would give #NAME?.
    wb.calculation.fullCalcOnLoad = False
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    _store_results(out, ws.title, cached)
    return out


def _policy_sheet(wb: openpyxl.Workbook) -> list[list[object]]:
    """The default policy as a policy range (seed order, level 5 first); returns its cell values."""
    ws = wb.create_sheet("Policy")
    rows: list[list[object]] = [["Threshold", "Level", "Label (id)", "Bonus", "Raise", "Label (en)"]]
    for band in reversed(default_policy().bands):
        rows.append([band.above, band.level, band.label_id, band.bonus, band.raise_text, band.label_en])
    for row in rows:
        ws.append(row)
    for cell in ws[1]:
        cell.font = BOLD
    for col, width in zip("ABCDEF", (11, 7, 24, 7, 10, 18)):
        ws.column_dimensions[col].width = width
    ws["H1"] = "One row per band. Threshold: the band starts above it (blank for the lowest band)."
    return rows


def _store_results(path: Path, sheet_title: str, results: dict[str, object]) -> None:
    """Put each formula's result into its empty <v/> in the sheet XML, as Excel stores them."""
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
        infos = {i.filename: i for i in z.infolist()}
    sheet = "xl/worksheets/sheet1.xml"  # the first sheet: `sheet_title`
    xml = parts[sheet].decode("utf-8")
    for ref, value in results.items():
        if isinstance(value, str):
            kind, text = ' t="str"', escape(value)
        else:
            kind, text = "", repr(float(value)) if isinstance(value, float) else str(value)
        pattern = re.compile(rf'<c r="{ref}"([^>]*)>(<f[^>]*>[^<]*</f>)<v\s*/>')
        xml, count = pattern.subn(lambda m: f'<c r="{ref}"{m.group(1)}{kind}>{m.group(2)}<v>{text}</v>', xml)
        if count != 1:
            raise RuntimeError(f"{sheet_title}!{ref}: no formula cell to store its result in")
    parts[sheet] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(infos[name], data)


if __name__ == "__main__":
    print(f"wrote {build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)}")
