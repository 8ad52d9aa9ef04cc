"""Generated scorecard workbooks read back with openpyxl: layout, names, protection, validation,
formatting, print set-up, both languages, both formula modes, roster runs and safe file names.

What the formulas compute is proven by LibreOffice and Gnumeric in test_scorecard_engines.py.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.protection import hash_password

from kpi_xl import KpiFileError, KpiInputError, RoleError
from kpi_xl import contract as C
from kpi_xl.io.files import atomic_write
from kpi_xl.policy import default_policy, policy_from_dict
from kpi_xl.roles import builtin_role, builtin_roles, role_from_dict
from kpi_xl.roster import Employee, Roster, RosterProblem, read_roster
from kpi_xl.scorecard import (
    LABELS,
    POLICY_TABLE,
    build_scorecard,
    native_score_formula,
    scorecard_filename,
    write_roster_scorecards,
    write_scorecard,
)

GOLDEN = "digital-marketing-specialist"
RINA = Employee("1001", "Rina Dewi", "Marketing", "Budi Santoso", GOLDEN, "2026", 8_500_000, "high", 2)


def _cells(wb, name):
    ((sheet, ref),) = list(wb.defined_names[name].destinations)
    block = wb[sheet][ref.replace("$", "")]
    if not isinstance(block, tuple):
        return [block]
    return [row[0] for row in block] if isinstance(block[0], tuple) else list(block)


def _value(wb, name):
    (cell,) = _cells(wb, name)
    return cell.value


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """The golden role's scorecard for Rina, in both languages, saved and read back."""
    folder = tmp_path_factory.mktemp("cards")
    out = {}
    for lang in ("en", "id"):
        path = write_scorecard(GOLDEN, folder / f"golden-{lang}.xlsx", RINA, lang=lang)
        out[lang] = openpyxl.load_workbook(path)
    return out


CONTRACT_NAMES = (C.HEADER_FIELDS + (C.ROLE_DESCRIPTION, C.LANGUAGE, C.MARKER, C.KPI_TABLE) + C.KPI_COLUMNS
                  + C.RESULT_FIELDS + (C.POLICY_LEVELS, C.POLICY_THRESHOLDS, C.POLICY_LABELS, C.POLICY_BONUS,
                                       C.POLICY_RAISE, C.POLICY_MAX_SCORE, C.POLICY_LOWER_METHOD))


@pytest.mark.parametrize("role", [r.id for r in builtin_roles()])
@pytest.mark.parametrize("lang", ["en", "id"])
@pytest.mark.parametrize("formulas", ["native", "udf"])
def test_every_contract_name_exists_in_every_scorecard(role, lang, formulas):
    wb = build_scorecard(role, lang=lang, formulas=formulas)
    missing = [n for n in CONTRACT_NAMES if n not in wb.defined_names]
    assert missing == []
    n = sum(1 for _ in builtin_role(role).kpi_rows())
    columns = [_cells(wb, name) for name in C.KPI_COLUMNS]
    assert {len(c) for c in columns} == {n}
    # Same rows, top to bottom, for every column.
    assert {tuple(cell.row for cell in c) for c in columns} == {tuple(range(11, 11 + n))}
    assert _value(wb, C.MARKER) == C.CONTRACT_VERSION
    assert _value(wb, C.LANGUAGE) == lang
    assert wb.defined_names[C.MARKER].hidden


def test_names_point_at_the_golden_layout(saved):
    wb = saved["en"]
    where = {name: wb.defined_names[name].attr_text for name in CONTRACT_NAMES}
    assert where[C.EMPLOYEE_NAME] == "'Scorecard'!$C$4"
    assert where[C.EMPLOYEE_ID] == "'Scorecard'!$C$5"
    assert where[C.DEPARTMENT] == "'Scorecard'!$C$6"
    assert where[C.SUPERVISOR] == "'Scorecard'!$C$7"
    assert where[C.ROLE] == "'Scorecard'!$I$4"
    assert where[C.ROLE_ID] == "'Scorecard'!$I$5"
    assert where[C.PERIOD] == "'Scorecard'!$I$6"
    assert where[C.ROLE_DESCRIPTION] == "'Scorecard'!$C$8"
    assert where[C.KPI_TABLE] == "'Scorecard'!$B$11:$L$17"
    assert [where[n] for n in C.KPI_COLUMNS] == [f"'Scorecard'!${c}$11:${c}$17" for c in "BCDEFGHIJKL"]
    assert where[C.TOTAL_WEIGHT] == "'Scorecard'!$F$18"
    assert where[C.TOTAL_FINAL] == "'Scorecard'!$L$18"
    assert [where[n] for n in (C.KPI_VALUE, C.LEVEL, C.LABEL, C.BONUS_MULTIPLE, C.RAISE)] == [
        f"'Scorecard'!$C${r}" for r in range(20, 25)]
    assert where[C.POLICY_LEVELS] == "'Policy'!$A$5:$A$9"
    assert where[C.POLICY_THRESHOLDS] == "'Policy'!$B$5:$B$9"
    assert where[C.MARKER] == "'Scorecard'!$M$1"


def test_header_and_rows_hold_the_role_and_employee(saved):
    wb = saved["en"]
    assert [_value(wb, n) for n in C.HEADER_FIELDS] == [
        "Rina Dewi", "1001", "Marketing", "Budi Santoso", "Digital Marketing Specialist", GOLDEN, "2026"]
    assert _value(wb, C.ROLE_DESCRIPTION).startswith("Runs marketing through digital media")
    assert [c.value for c in _cells(wb, C.KPI_WEIGHT)] == [15, 10, 10, 10, 20, 20, 15]
    assert [c.value for c in _cells(wb, C.KPI_TARGET)] == [40, 1_000_000, 25, 5, 25, 20, 30]
    assert [c.value for c in _cells(wb, C.KPI_DIRECTION)] == ["higher"] * 7
    assert [c.value for c in _cells(wb, C.KPI_ACTUAL)] == [None] * 7
    # Every row carries its KRA (a reader needs no fill-down); repeats are only hidden by a format.
    kras = _cells(wb, C.KPI_KRA)
    assert [c.value for c in kras] == ["Manage the company blog"] * 2 + ["Manage social media campaigns"] * 2 + [
        "Grow marketing qualified leads"] * 2 + ["Make ad spend efficient"]
    assert [c.number_format == ";;;" for c in kras] == [False, True, False, True, False, True, False]


def test_indonesian_labels(saved):
    wb = saved["id"]
    assert wb.sheetnames == ["Kartu KPI", "Catatan KRA", "Inventaris Tugas", "Kebijakan"]
    ws = wb["Kartu KPI"]
    assert [ws.cell(10, c).value for c in range(1, 13)] == [
        "No.", "KRA", "Indikator (KPI)", "Satuan", "Arah", "Bobot", "Target", "Toleransi", "Tenggat", "Aktual",
        "Skor", "Skor akhir"]
    assert ws["A1"].value == "Kartu Penilaian KPI · Spesialis Pemasaran Digital"
    assert [ws[f"B{r}"].value for r in range(4, 8)] == ["Nama karyawan", "ID karyawan", "Departemen",
                                                        "Atasan langsung"]
    assert [ws[f"B{r}"].value for r in range(20, 25)] == ["Nilai KPI", "Tingkat kinerja", "Kriteria",
                                                          "Bonus (× gaji sebulan)", "Kenaikan gaji"]
    assert _value(wb, C.ROLE) == "Spesialis Pemasaran Digital"
    assert _cells(wb, C.KPI_KRA)[0].value == "Mengelola blog perusahaan"
    assert [c.value for c in _cells(wb, C.POLICY_LABELS)] == [
        "Jauh Di Bawah Target", "Belum Mencapai Target", "Mencapai Target", "Melebihi Target", "Istimewa"]
    assert "4 Melebihi Target > 105 · 3 Mencapai Target > 95" in ws["B30"].value


def test_english_labels(saved):
    wb = saved["en"]
    assert wb.sheetnames == ["Scorecard", "KRA record", "Task inventory", "Policy"]
    ws = wb["Scorecard"]
    assert [ws.cell(10, c).value for c in range(1, 13)] == [
        "No.", "KRA", "Indicator (KPI)", "Unit", "Direction", "Weight", "Target", "Tolerance", "Due date",
        "Actual", "Score", "Final score"]
    assert [ws[f"B{r}"].value for r in range(20, 26)] == ["KPI value", "Performance level", "Rating",
                                                          "Bonus (× monthly salary)", "Salary raise",
                                                          "Rows reported"]
    assert [c.value for c in _cells(wb, C.POLICY_LABELS)] == [
        "Far Below Target", "Below Target", "Meets Target", "Exceeds Target", "Outstanding"]
    assert [c.value for c in _cells(wb, C.POLICY_THRESHOLDS)] == [None, 70, 95, 105, 130]
    assert [c.value for c in _cells(wb, C.POLICY_BONUS)] == [0.25, 0.5, 1, 1.5, 2]
    assert [c.value for c in _cells(wb, C.POLICY_RAISE)] == ["0%", "0%", "6%", "7%–9%", "10%–12%"]
    assert _value(wb, C.POLICY_MAX_SCORE) is None
    assert _value(wb, C.POLICY_LOWER_METHOD) == "difference"


def test_only_inputs_are_unlocked_and_every_sheet_is_protected(saved):
    wb = saved["en"]
    ws = wb["Scorecard"]
    unlocked = sorted(c.coordinate for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=13)
                      for c in row if not c.protection.locked and type(c).__name__ != "MergedCell")
    # Employee fields, period, the seven actuals, signature and date of employee and supervisor.
    assert unlocked == sorted(["C4", "C5", "C6", "C7", "I6", *(f"J{r}" for r in range(11, 18)),
                               "I23", "K23", "I25", "K25"])
    formulas = [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
    # Per row: the actual read (two hidden cells), score and final; totals, results, sign-off names.
    assert len(formulas) == 7 * 4 + 2 + 6 + 2
    assert all(c.protection.locked for c in formulas)
    for sheet in wb.worksheets:
        assert sheet.protection.sheet, sheet.title
        assert sheet.protection.password is None, sheet.title


def test_password_protects_every_sheet():
    wb = build_scorecard(GOLDEN, password="rahasia")
    assert {ws.protection.password for ws in wb.worksheets} == {hash_password("rahasia")}


def test_actual_cells_validate_numbers_with_an_input_message(saved):
    ws = saved["en"]["Scorecard"]
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert sorted(rules) == [f"J{r}" for r in range(11, 18)]
    dv = rules["J12"]
    assert (dv.type, dv.operator, dv.allow_blank, dv.showInputMessage, dv.showErrorMessage) == (
        "decimal", "between", True, True, True)
    assert dv.prompt == "Target: 1,000,000 page views. More is better."
    assert dv.promptTitle == "Actual"
    assert dv.error == "Type a number (the actual result for the period)."
    rules_id = {str(dv.sqref): dv for dv in saved["id"]["Kartu KPI"].data_validations.dataValidation}
    assert rules_id["J12"].prompt == "Target: 1.000.000 page view. Makin tinggi makin baik."


def test_milestone_and_within_rows_have_their_own_messages():
    wb = build_scorecard("finance-manager")
    rules = {str(dv.sqref): dv for dv in wb["Scorecard"].data_validations.dataValidation}
    milestone, within = rules["J11"], rules["J12"]
    assert milestone.type == "custom"
    assert milestone.formula1.startswith("OR(ISNUMBER(J11),ISLOGICAL(J11),SUMPRODUCT(--(Milestone_DoneWords=")
    assert milestone.prompt == ("Due 2026-12-31. Type 1 or yes when done, 0 or no when not, or the "
                                "completion date.")
    assert within.prompt == "Target: 100 % of budget. Within ± 5 scores 100."
    assert wb["Scorecard"]["I11"].value == dt.date(2026, 12, 31)
    assert wb["Scorecard"]["I11"].number_format == "yyyy-mm-dd"
    assert wb["Scorecard"]["H12"].value == 5


def test_level_is_coloured_by_conditional_formatting(saved):
    ws = saved["en"]["Scorecard"]
    ranges = {str(cf.sqref): [r.formula[0] for r in cf.rules] for cf in ws.conditional_formatting}
    assert ranges["C20:C22"] == ["$C$21=1", "$C$21=2", "$C$21=3", "$C$21=4", "$C$21=5"]
    fills = [r.dxf.fill.bgColor.rgb for cf in ws.conditional_formatting if str(cf.sqref) == "C20:C22"
             for r in cf.rules]
    assert len(set(fills)) == 5  # a colour per level
    assert ranges["K11:K17"] == ["ISTEXT(K11)"]  # a refused row's message stands out


def test_print_setup_view_and_formats(saved):
    ws = saved["en"]["Scorecard"]
    assert ws.page_setup.orientation == "landscape"
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$10:$10"
    assert ws.print_area == "'Scorecard'!$A$1:$L$30"
    assert ws.freeze_panes == "A11"
    assert ws.column_dimensions["M"].hidden
    assert ws["G12"].number_format == "#,##0"  # 1,000,000
    assert ws["J12"].number_format == "#,##0"
    assert ws["K11"].number_format == ws["L11"].number_format == "0.00"
    assert ws["C20"].number_format == '0.00"%"'
    assert ws.column_dimensions["C"].width == 40
    for sheet in saved["en"].worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title


GOLDEN_HIGHER_K11 = (
    '=IF(N11="","",IF(NOT(ISNUMBER(N11)),"actual is not a number",IF(NOT(ISNUMBER(G11)),'
    'IF(TRIM(G11)="","target is blank","target is not a number"),IF(G11=0,"target is 0",MIN(IF(ISNUMBER(Policy_MaxScore),Policy_MaxScore,1E+307),'
    'MAX(0,N11/G11*100))))))')


def test_native_formulas(saved):
    ws = saved["en"]["Scorecard"]
    assert ws["K11"].value == GOLDEN_HIGHER_K11
    # The actual is read in two hidden cells of the row, as the core reads it (LibreOffice proves how).
    assert ws["M11"].value == ('=IFERROR(IF(ISNUMBER(J11),J11,IF(ISLOGICAL(J11),N(J11),'
                               'TRIM(CLEAN(SUBSTITUTE(J11,"\u00a0"," "))))),"#")')
    assert ws["N11"].value.startswith('=IF(ISNUMBER(M11),M11,IF(M11="","",IF(AND(LEN(SUBSTITUTE(')
    assert 'VALUE(SUBSTITUTE(M11,".",MID(1/2,2,1)))' in ws["N11"].value
    assert ws.column_dimensions["M"].hidden and ws.column_dimensions["N"].hidden
    assert ws["M11"].protection.locked and ws["N11"].protection.locked
    assert ws["L11"].value == '=IF(ISNUMBER(K11),F11*K11/100,"")'
    assert ws["F18"].value == "=SUM(KPI_Weight)"
    assert ws["L18"].value == "=SUM(KPI_Final)"
    # Inside SUMPRODUCT ranges meet only operators, never LEN() or ISNUMBER(): Gnumeric takes one cell
    # of a range given to such a function there (the engine tests prove all three engines agree).
    assert ws["C20"].value == ('=IF(SUMPRODUCT(--(KPI_Score<>""))=0,"",IF(TotalWeight=0,"weights sum to 0",'
                               'TotalFinal/TotalWeight*100))')
    assert ws["C21"].value == ('=IF(ISNUMBER(KPIValue),INDEX(Policy_Levels,SUMPRODUCT((Policy_Thresholds<>"")'
                               '*(Policy_Thresholds<ROUND(KPIValue,6)))+1),"")')
    assert ws["C22"].value == '=IF(ISNUMBER(PerformanceLevel),INDEX(Policy_Labels,MATCH(PerformanceLevel,Policy_Levels,0)),"")'
    assert saved["id"]["Kartu KPI"]["K11"].value == GOLDEN_HIGHER_K11.replace(
        "actual is not a number", "aktual bukan angka").replace("target is blank", "target kosong").replace(
        "target is not a number", "target bukan angka").replace("target is 0", "target bernilai 0")


FORBIDDEN = ("LET(", "XLOOKUP(", "IFS(", "SWITCH(", "LAMBDA(", "FILTER(", "MAXIFS(", "MINIFS(", "TEXTJOIN(",
             "CONCAT(", "UNIQUE(", "SEQUENCE(", "XMATCH(", "_xlfn", "NUMBERVALUE(", "UNICHAR(", "UNICODE(")


@pytest.mark.parametrize("role", [r.id for r in builtin_roles()])
def test_native_formulas_use_only_functions_excel_2010_and_libreoffice_know(role):
    wb = build_scorecard(role, policy=policy_from_dict(
        {"max_score": 150, "lower_method": "ratio", "bands": [
            {"level": 1, "above": None, "label": {"en": "a", "id": "a"}, "bonus": 0, "raise": "0%"},
            {"level": 2, "above": 90, "label": {"en": "b", "id": "b"}, "bonus": 1, "raise": "5%"}]}))
    formulas = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas
    bad = [f for f in formulas if any(word in f.upper() for word in FORBIDDEN)]
    assert bad == []
    assert max(len(f) for f in formulas) < 8192  # Excel's limit for one formula


@pytest.mark.parametrize("direction,expected", [
    ("lower", '=IF(N12="","",IF(NOT(ISNUMBER(N12)),"actual is not a number",IF(NOT(ISNUMBER(G12)),'
              'IF(TRIM(G12)="","target is blank","target is not a number"),IF(AND(G12<>0,Policy_LowerMethod="ratio",N12<=0),"actual must be above 0",'
              'MIN(IF(ISNUMBER(Policy_MaxScore),Policy_MaxScore,1E+307),MAX(0,IF(G12=0,IF(N12<=0,100,0),'
              'IF(Policy_LowerMethod="ratio",G12/N12*100,(2-N12/G12)*100))))))))'),
    # A blank tolerance is 0 (IF(ISNUMBER()), not N(): Gnumeric's N() of an empty cell is #NUM!).
    ("within", '=IF(N12="","",IF(NOT(ISNUMBER(N12)),"actual is not a number",IF(NOT(ISNUMBER(G12)),'
               'IF(TRIM(G12)="","target is blank","target is not a number"),IF(AND(NOT(ISNUMBER(H12)),'
               'TRIM(H12)<>""),"tolerance is not a number",IF(IF(ISNUMBER(H12),H12,0)<0,"tolerance is below 0",'
               'IF(G12=0,"target is 0",MIN(IF(ISNUMBER(Policy_MaxScore),Policy_MaxScore,1E+307),MAX(0,'
               'IF(ABS(N12-G12)<=IF(ISNUMBER(H12),H12,0),100,100-100*(ABS(N12-G12)-IF(ISNUMBER(H12),H12,0))'
               '/ABS(G12))))))))))'),
    # Done words are read in the hidden cell N (as 1 and 0); a completion date counts by its day (INT);
    # the due date is I, or the target when I is blank and the target is a date (above 1).
    ("milestone", '=IF(N12="","",IF(NOT(ISNUMBER(N12)),"actual is not a number",'
                  'MIN(IF(ISNUMBER(Policy_MaxScore),Policy_MaxScore,1E+307),IF(OR(N12=1,'
                  'AND(N12>1,ISNUMBER(I12),INT(N12)<=I12),AND(N12>1,NOT(ISNUMBER(I12)),ISNUMBER(G12),G12>1,'
                  'INT(N12)<=G12)),100,0))))'),
])
def test_native_score_formula_per_direction(direction, expected):
    assert native_score_formula(direction, 12, "en") == expected


def test_native_score_formula_refuses_an_unknown_direction():
    with pytest.raises(KpiInputError, match="direction 'sideways' is not one of higher, lower, within, milestone"):
        native_score_formula("sideways", 11, "en")


@pytest.mark.parametrize("lang", ["en", "id"])
def test_udf_mode_writes_the_same_cells_with_cell_functions(lang):
    wb = build_scorecard("finance-manager", lang=lang, formulas="udf")
    ws = wb.worksheets[0]
    # Every function takes the Policy sheet's block: its cap and lower method count as its bands do.
    assert ws["K11"].value == "=KPI_SCORE(J11,G11,E11,H11,I11,Policy_Table)"
    assert ws["K18"].value == "=KPI_SCORE(J18,G18,E18,H18,I18,Policy_Table)"
    assert ws["L11"].value == "=KPI_FINAL(F11,K11)"
    assert ws["F19"].value == "=SUM(KPI_Weight)"
    assert ws["M11"].value is None and ws["N11"].value is None  # no reading helpers: the core reads
    assert [ws[f"C{r}"].value for r in range(21, 26)] == [
        '=IF(SUMPRODUCT(--(KPI_Score<>""))=0,"",KPI_VALUE(KPI_Weight,KPI_Actual,KPI_Target,KPI_Direction,'
        'KPI_Tolerance,KPI_Due,Policy_Table))',
        '=IF(ISNUMBER(KPIValue),KPI_BAND(KPIValue,Policy_Table),"")',
        f'=IF(ISNUMBER(KPIValue),KPI_LABEL(KPIValue,"{lang}",Policy_Table),"")',
        '=IF(ISNUMBER(KPIValue),KPI_BONUS(KPIValue,1,Policy_Table),"")',
        '=IF(ISNUMBER(KPIValue),KPI_RAISE(KPIValue,Policy_Table),"")',
    ]
    # Same names and the same unlocked inputs as native mode.
    native = build_scorecard("finance-manager", lang=lang)
    assert set(wb.defined_names) == set(native.defined_names)
    assert [c.protection.locked for c in _cells(wb, C.KPI_ACTUAL)] == [False] * 8


CAPPED_RATIO = policy_from_dict({"max_score": 120, "lower_method": "ratio", "bands": [
    {"level": 1, "above": None, "label": {"en": "Poor", "id": "Kurang"}, "bonus": 0, "raise": "0%"},
    {"level": 2, "above": 60, "label": {"en": "Fair", "id": "Cukup"}, "bonus": 0.5, "raise": "2%"},
    {"level": 3, "above": 110, "label": {"en": "Great", "id": "Hebat"}, "bonus": 3, "raise": "8%–10%"}]},
    "capped ratio policy")


@pytest.mark.parametrize("lang", ["en", "id"])
def test_policy_sheet_is_a_policy_block_the_cell_functions_read(lang, monkeypatch):
    udfs = pytest.importorskip("kpi_xl.excel.udfs")
    monkeypatch.delenv("KPI_XL_POLICY", raising=False)  # the built-in policy is the functions' own
    wb = build_scorecard(GOLDEN, lang=lang, policy=CAPPED_RATIO)
    block = [[c.value for c in row] for row in _cells_block(wb, POLICY_TABLE)]
    # Read with no base: the bands, the cap and the lower method all come from the sheet's block.
    read = udfs.policy_from_range(block)
    assert [(b.level, b.above, b.label(lang), b.bonus, b.raise_text) for b in read.bands] == [
        (b.level, b.above, b.label(lang), b.bonus, b.raise_text) for b in CAPPED_RATIO.bands]
    assert (read.max_score, read.lower_method) == (120, "ratio")
    assert (default_policy().max_score, default_policy().lower_method) == (None, "difference")
    assert _value(wb, C.POLICY_MAX_SCORE) == 120
    assert _value(wb, C.POLICY_LOWER_METHOD) == "ratio"
    # HR clears the cap and types difference on the sheet: the block says so.
    cap_cell, lower_cell = _cells_block(wb, C.POLICY_MAX_SCORE), _cells_block(wb, C.POLICY_LOWER_METHOD)
    cap_cell.value, lower_cell.value = None, "difference"
    read = udfs.policy_from_range([[c.value for c in row] for row in _cells_block(wb, POLICY_TABLE)])
    assert (read.max_score, read.lower_method) == (None, "difference")


def test_udf_scorecard_scores_by_its_own_policy_sheet(monkeypatch):
    """What Excel computes in a udf-mode scorecard, cell by cell: the same numbers as the core with the
    scorecard's policy (the golden example, capped at 120, and a lower row by ratio)."""
    udfs = pytest.importorskip("kpi_xl.excel.udfs")
    from kpi_xl.scoring import score_scorecard

    monkeypatch.delenv("KPI_XL_POLICY", raising=False)
    wb = build_scorecard(GOLDEN, policy=CAPPED_RATIO, formulas="udf")
    ws = wb.worksheets[0]
    block = [[c.value for c in row] for row in _cells_block(wb, POLICY_TABLE)]
    cells = {name: [c.value for c in _cells(wb, name)] for name in C.KPI_COLUMNS}
    actuals = [50, 1_500_000, 32, 6, 22, 21, 33]
    directions = cells[C.KPI_DIRECTION][:-1] + ["lower"]  # ad cost: 33 against 30, less is better
    core = score_scorecard(cells[C.KPI_WEIGHT], actuals, cells[C.KPI_TARGET], directions, policy=CAPPED_RATIO)
    assert core.scores[1] == 120 and core.scores[6] == pytest.approx(30 / 33 * 100)  # capped; ratio
    rows = zip(actuals, cells[C.KPI_TARGET], directions, cells[C.KPI_TOLERANCE], cells[C.KPI_DUE])
    for r, (a, t, d, tol, due) in enumerate(rows, start=11):
        assert ws[f"K{r}"].value == f"=KPI_SCORE(J{r},G{r},E{r},H{r},I{r},Policy_Table)"
        got = udfs.KPI_SCORE([[a]], [[t]], [[d]], [[tol]], [[due]], block)  # one cell each, as Excel passes
        assert got == pytest.approx(core.scores[r - 11])
    column = [[v] for v in actuals]
    targets = [[t] for t in cells[C.KPI_TARGET]]
    got = udfs.KPI_SCORE(column, targets, [[d] for d in directions], None, None, block)
    assert [row[0] for row in got] == pytest.approx(core.scores.tolist())
    value = udfs.KPI_VALUE([[w] for w in cells[C.KPI_WEIGHT]], column, targets, [[d] for d in directions],
                           [[None]] * 7, [[None]] * 7, block)
    assert value == pytest.approx(core.kpi_value, abs=1e-6) == pytest.approx(106.236364, abs=1e-6)
    assert udfs.KPI_BAND(value, block) == core.band.level == 2  # 113.65 uncapped would be level 3
    # Without the policy block the functions would use the built-in policy: no cap, difference.
    assert udfs.KPI_SCORE(1_500_000, 1_000_000) == 150
    assert udfs.KPI_SCORE(1_500_000, 1_000_000, None, None, None, block) == 120


def _cells_block(wb, name):
    ((sheet, ref),) = list(wb.defined_names[name].destinations)
    return wb[sheet][ref.replace("$", "")]


def test_kra_record_and_task_inventory(saved):
    wb = saved["en"]
    kra = wb["KRA record"]
    assert kra["A1"].value == "KRA record · Digital Marketing Specialist"
    assert kra["B4"].value == '=IF(EmployeeName="","",EmployeeName)'
    headers = [kra.cell(12, c).value for c in range(1, 7)]
    assert headers == ["KRA", "Company goal it serves", "Indicator (KPI)", "Measurement method", "Target", "Weight"]
    assert [kra.cell(13, c).value for c in (1, 3, 5, 6)] == [
        "Manage the company blog", "quality articles posted (monthly avg)", "40 articles", 15]
    assert kra.cell(14, 5).value == "1,000,000 page views"
    texts = [c.value for row in kra.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Supporting activities" in texts
    assert "• Grow organic traffic through SEO" in texts
    tasks = wb["Task inventory"]
    assert [tasks.cell(4, c).value for c in range(1, 7)] == [
        "No.", "Task", "Frequency", "Duration per task", "Can be delegated", "Notes"]
    assert [tasks.cell(5, c).value for c in range(1, 6)] == [
        1, "Write and publish blog articles", "Daily", "1–2 hours per article", "Yes"]
    assert tasks.cell(6, 5).value == "No"
    assert not tasks["B19"].protection.locked  # blank rows for the employee's own tasks
    assert tasks.cell(5 + 5 + 10, 1).value is None  # five tasks plus ten blank rows
    dv = tasks.data_validations.dataValidation[0]
    assert (dv.type, dv.formula1) == ("list", '"Yes,No"')
    tasks_id = saved["id"]["Inventaris Tugas"]
    assert tasks_id.cell(5, 5).value == "Ya"


def test_text_from_a_roster_is_never_a_formula(tmp_path):
    evil = Employee("=1+1", '=HYPERLINK("http://x","click")', "@SUM(A1)", "+cmd", GOLDEN, "-2026", None, None, 2)
    path = write_scorecard(GOLDEN, tmp_path / "evil.xlsx", evil)
    wb = openpyxl.load_workbook(path)
    for name, value in ((C.EMPLOYEE_ID, "=1+1"), (C.EMPLOYEE_NAME, '=HYPERLINK("http://x","click")'),
                        (C.DEPARTMENT, "@SUM(A1)"), (C.SUPERVISOR, "+cmd"), (C.PERIOD, "-2026")):
        (cell,) = _cells(wb, name)
        assert (cell.value, cell.data_type) == (value, "s")


def test_blank_employee_fields_leave_inputs_blank_and_department_defaults_to_the_role():
    wb = build_scorecard(GOLDEN, lang="id")
    assert [_value(wb, n) for n in (C.EMPLOYEE_NAME, C.EMPLOYEE_ID, C.SUPERVISOR, C.PERIOD)] == [None] * 4
    assert _value(wb, C.DEPARTMENT) == "Pemasaran"
    wb = build_scorecard(GOLDEN, Employee("7", "Sari", "", "", GOLDEN, "", None, None, 2), period="2026-Q1")
    assert _value(wb, C.DEPARTMENT) == "Marketing"
    assert _value(wb, C.PERIOD) == "2026-Q1"


def test_custom_role_object_and_role_file(tmp_path):
    role_file = tmp_path / "clerk.yaml"
    role_file.write_text(
        "id: clerk\nname: {en: Clerk, id: Juru Tulis}\ndepartment: Admin\nperiod: monthly\nkras:\n"
        "  - {name: Filing, goal: Order, kpis: [{indicator: files, unit: files, weight: 100, target: 12.5}]}\n",
        encoding="utf-8")
    wb = build_scorecard(str(role_file), lang="id")
    assert _value(wb, C.ROLE) == "Juru Tulis"
    assert wb.defined_names[C.KPI_ACTUAL].attr_text == "'Kartu KPI'!$J$11:$J$11"
    ws = wb.worksheets[0]
    assert ws["G11"].number_format == "#,##0.00"
    assert ws["I7"].value == "Bulanan"  # review cycle


@pytest.mark.parametrize("call,error,message", [
    (lambda: build_scorecard(GOLDEN, lang="fr"), KpiInputError, "lang 'fr' is not en or id"),
    (lambda: build_scorecard(GOLDEN, formulas="vba"), KpiInputError, "formulas 'vba' is not native or udf"),
    (lambda: build_scorecard("chef"), RoleError, "unknown role 'chef'; built-in roles: "),
    (lambda: build_scorecard(GOLDEN, policy="/nonexistent/policy.yaml"), KpiFileError,
     "/nonexistent/policy.yaml: policy file not found"),
    (lambda: write_scorecard(GOLDEN, "card.xls"), KpiFileError, "card.xls: a scorecard is written as .xlsx"),
    (lambda: write_scorecard(GOLDEN, "/nonexistent/dir/card.xlsx"), KpiFileError,
     "/nonexistent/dir/card.xlsx: folder /nonexistent/dir does not exist"),
])
def test_refusals(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert str(info.value).startswith(message)


def test_a_role_with_check_errors_makes_no_scorecard():
    role = role_from_dict({"id": "half", "name": "Half", "department": "X", "period": "monthly", "kras": [
        {"name": "A", "goal": "G", "kpis": [{"indicator": "calls", "unit": "calls", "weight": 60, "target": 10}]}]},
        "half.yaml")
    with pytest.raises(RoleError) as info:
        build_scorecard(role)
    assert str(info.value) == "half.yaml: role 'half' cannot make a scorecard: KPI weights sum to 60, not 100"


# --- file names and roster runs ----------------------------------------------------------------------

def _employee(employee_id, name, role=GOLDEN, row=2):
    return Employee(employee_id, name, "", "", role, "", None, None, row)


@pytest.mark.parametrize("employee_id,name,expected", [
    ("1001", "Rina Dewi", "1001_Rina_Dewi.xlsx"),
    ("E1", "../../etc/passwd", "E1_etc_passwd.xlsx"),
    ("", "../../etc/passwd", "etc_passwd.xlsx"),
    ("", "CON", "_CON.xlsx"),
    ("", "con.txt", "con_txt.xlsx"),  # "con.txt" is reserved on Windows; "con_txt" is not
    ("", "nul", "_nul.xlsx"),
    ("LPT1", "", "_LPT1.xlsx"),
    ("7", 'a/b\\c:d*e?f"g<h>i|j', "7_a_b_c_d_e_f_g_h_i_j.xlsx"),
    ("..", "..", "employee.xlsx"),
    ("", "", "employee.xlsx"),
    ("12", "Siti Nur'aini", "12_Siti_Nur_aini.xlsx"),
    ("12", "José Ñúñez", "12_José_Ñúñez.xlsx"),
    ("9", "tab\there\nnewline\x00nul", "9_tab_here_newline_nul.xlsx"),
])
def test_scorecard_filename_is_safe(employee_id, name, expected):
    assert scorecard_filename(_employee(employee_id, name), set()) == expected


def test_scorecard_filename_never_clashes_ignoring_case():
    taken: set[str] = set()
    names = [scorecard_filename(_employee(i, n), taken) for i, n in
             (("", "Rina"), ("", "rina"), ("", "RINA"), ("", "Rina"))]
    assert names == ["Rina.xlsx", "rina_2.xlsx", "RINA_3.xlsx", "Rina_4.xlsx"]
    long = scorecard_filename(_employee("1", "x" * 500), set())
    assert len(long) <= 110 and long.endswith(".xlsx")


def test_long_non_latin_names_fit_a_file_name(tmp_path):
    # 120 characters of 3 bytes each: 360 bytes, over the 255 bytes a file name may have (ext4, APFS).
    name = "名" * 120
    taken: set[str] = set()
    first, second = (scorecard_filename(_employee("1", name), taken) for _ in range(2))
    assert first == "1_" + "名" * 66 + ".xlsx"  # 2 + 198 bytes of stem: whole characters only
    assert second == "1_" + "名" * 66 + "_2.xlsx"
    assert len(second.encode("utf-8")) <= 210
    run = write_roster_scorecards(Roster([_employee("1", name), _employee("2", "é" * 150, row=3)]), tmp_path)
    assert [p.name for p in run.written] == [first, "2_" + "é" * 98 + ".xlsx"]  # 100 characters, 198 bytes
    assert all(p.is_file() for p in run.written) and run.refused == []


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def test_written_scorecards_get_the_usual_permissions_and_leave_no_temporary_file(tmp_path):
    # A temporary file made by mkstemp is 0600; renamed into place it would keep that mode.
    path = write_scorecard(GOLDEN, tmp_path / "card.xlsx", RINA)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~_umask()
    run = write_roster_scorecards(Roster([_employee("1", "Ana")]), tmp_path / "cards")
    assert stat.S_IMODE(run.written[0].stat().st_mode) == 0o666 & ~_umask()
    # A file being replaced keeps its own mode (someone made it private on purpose).
    path.chmod(0o600)
    write_scorecard(GOLDEN, path, RINA)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["card.xlsx", "cards"]


def test_atomic_write_removes_the_temporary_file_when_writing_fails(tmp_path):
    target = tmp_path / "card.xlsx"
    target.write_bytes(b"the employee's filled-in scorecard")

    def half_then_fail(temp: Path) -> None:
        temp.write_bytes(b"half a workbook")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        atomic_write(target, half_then_fail)
    assert target.read_bytes() == b"the employee's filled-in scorecard"
    assert [p.name for p in tmp_path.iterdir()] == ["card.xlsx"]


def test_existing_scorecards_are_kept_unless_overwrite(tmp_path):
    roster = Roster([_employee("1", "Ana", row=2), _employee("2", "Budi", row=3)])
    first = write_roster_scorecards(roster, tmp_path)
    assert [p.name for p in first.written] == ["1_Ana.xlsx", "2_Budi.xlsx"]
    filled = openpyxl.load_workbook(first.written[0])
    _cells(filled, C.KPI_ACTUAL)[0].value = 50  # Ana has started on hers
    filled.save(first.written[0])
    roster.employees.append(_employee("3", "Cici", row=4))
    again = write_roster_scorecards(roster, tmp_path, overwrite=False)
    assert [p.name for p in again.kept] == ["1_Ana.xlsx", "2_Budi.xlsx"]
    assert [p.name for p in again.written] == ["3_Cici.xlsx"]
    assert again.refused == []
    assert _cells(openpyxl.load_workbook(tmp_path / "1_Ana.xlsx"), C.KPI_ACTUAL)[0].value == 50
    replaced = write_roster_scorecards(roster, tmp_path, overwrite=True)
    assert len(replaced.written) == 3 and replaced.kept == []
    assert _cells(openpyxl.load_workbook(tmp_path / "1_Ana.xlsx"), C.KPI_ACTUAL)[0].value is None
    with pytest.raises(KpiFileError) as info:
        write_scorecard(GOLDEN, tmp_path / "1_Ana.xlsx", overwrite=False)
    assert str(info.value) == f"{tmp_path / '1_Ana.xlsx'}: exists, not overwritten; use --overwrite"


HOSTILE = (
    "Employee ID,Name,Department,Supervisor,Role,Period\n"
    "1,../../etc/passwd,IT,Ana,it-manager,2026\n"
    "2,CON,IT,Ana,it-manager,2026\n"
    "3,a/b:c*d,Sales,Ana,Sales Manager,2026\n"
    ",Nobody,Sales,Ana,sales-manager,2026\n"
    "4,Budi,Sales,Ana,chef,2026\n"
    "5,Rina Dewi,Marketing,Ana,digital-marketing-specialist,2026\n"
    "5b,Rina Dewi,Marketing,Ana,Spesialis Pemasaran Digital,2026\n"
    "/,..,X,Ana,hr-manager,2026\n"
)


def test_roster_run_with_hostile_names(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(HOSTILE, encoding="utf-8")
    out = tmp_path / "out"
    calls = []
    run = write_roster_scorecards(roster, out, progress=lambda done, total: calls.append((done, total)))
    assert [p.name for p in run.written] == [
        "1_etc_passwd.xlsx", "2_CON.xlsx", "3_a_b_c_d.xlsx", "5_Rina_Dewi.xlsx", "5b_Rina_Dewi.xlsx",
        "employee.xlsx"]
    assert all(p.parent == out and p.is_file() for p in run.written)
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in run.written)  # no temp files left
    assert [(p.row, p.message) for p in run.refused] == [
        (5, "employee ID is blank"),
        (6, "unknown role 'chef' (use a role id such as sales-manager, a role name, or give --roles)"),
    ]
    assert calls[-1] == (7, 7) and len(calls) == 7
    wb = openpyxl.load_workbook(out / "3_a_b_c_d.xlsx")
    assert _value(wb, C.EMPLOYEE_NAME) == "a/b:c*d"
    assert _value(wb, C.ROLE_ID) == "sales-manager"  # found by its English name
    wb = openpyxl.load_workbook(out / "5b_Rina_Dewi.xlsx")
    assert (_value(wb, C.EMPLOYEE_ID), _value(wb, C.ROLE_ID)) == ("5b", GOLDEN)  # by its Indonesian name


def test_roster_run_refills_each_employees_header(tmp_path):
    roster = Roster([
        Employee("1", "Ana", "Sales", "Budi", "sales-manager", "2026-Q1", None, None, 2),
        Employee("2", "Cici", "", "Dedi", "sales-manager", "", None, None, 3),
        Employee("3", "Eka", "Pemasaran", "Fajar", GOLDEN, "2026", None, None, 4),
    ], [RosterProblem(5, "employee ID is blank")])
    run = write_roster_scorecards(roster, tmp_path, lang="id")
    assert [p.row for p in run.refused] == [5]
    got = []
    for path in run.written:
        wb = openpyxl.load_workbook(path)
        got.append([_value(wb, n) for n in (C.EMPLOYEE_ID, C.EMPLOYEE_NAME, C.DEPARTMENT, C.SUPERVISOR,
                                            C.PERIOD, C.ROLE_ID)])
    assert got == [["1", "Ana", "Sales", "Budi", "2026-Q1", "sales-manager"],
                   ["2", "Cici", "Penjualan", "Dedi", None, "sales-manager"],
                   ["3", "Eka", "Pemasaran", "Fajar", "2026", GOLDEN]]


def test_roster_run_with_extra_roles_and_a_broken_one(tmp_path):
    clerk = role_from_dict({"id": "clerk", "name": "Clerk", "department": "Admin", "period": "monthly", "kras": [
        {"name": "Filing", "goal": "Order", "kpis": [{"indicator": "files", "unit": "files", "weight": 100,
                                                      "target": 10}]}]}, "cat.xlsx")
    broken = role_from_dict({"id": "broken", "name": "Broken", "department": "X", "period": "monthly", "kras": [
        {"name": "A", "goal": "G", "kpis": [{"indicator": "x", "unit": "u", "weight": 50, "target": 1}]}]},
        "cat.xlsx")
    roster = Roster([_employee("1", "A", "clerk", 2), _employee("2", "B", "broken", 3),
                     _employee("3", "C", "Clerk", 4)])
    run = write_roster_scorecards(roster, tmp_path / "new" / "dir", roles=[clerk, broken])
    assert [p.name for p in run.written] == ["1_A.xlsx", "3_C.xlsx"]
    assert [(p.row, p.message) for p in run.refused] == [
        (3, "cat.xlsx: role 'broken' cannot make a scorecard: KPI weights sum to 50, not 100")]


def test_roster_run_refuses_an_output_that_is_a_file(tmp_path):
    target = tmp_path / "file.xlsx"
    target.write_text("x")
    with pytest.raises(KpiFileError, match="file.xlsx: exists and is not a folder"):
        write_roster_scorecards(Roster([_employee("1", "A")]), target)


def test_roster_run_accepts_a_roster_file_path(tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("NIK;Nama;Jabatan\n1;Ana;hr-manager\n", encoding="utf-8")
    run = write_roster_scorecards(str(roster), tmp_path / "o", formulas="udf")
    assert [p.name for p in run.written] == ["1_Ana.xlsx"]
    assert read_roster(roster).employees[0].role == "hr-manager"
    wb = openpyxl.load_workbook(run.written[0])
    assert wb.worksheets[0]["K11"].value.startswith("=KPI_SCORE(")


def test_labels_are_complete_in_both_languages():
    assert set(LABELS["en"]) == set(LABELS["id"])
    assert all(v.strip() for lang in LABELS.values() for v in lang.values())
    assert default_policy()  # the default policy loads for the generator


def test_saving_a_built_workbook_twice_gives_the_same_file(tmp_path):
    # Roster runs save one built workbook many times: saving must not change it.
    wb = build_scorecard(GOLDEN, RINA)
    wb.save(tmp_path / "a.xlsx")
    wb.save(tmp_path / "b.xlsx")
    import zipfile

    a, b = zipfile.ZipFile(tmp_path / "a.xlsx"), zipfile.ZipFile(tmp_path / "b.xlsx")
    assert a.namelist() == b.namelist()
    for name in a.namelist():
        if name != "docProps/core.xml":  # holds the save time
            # openpyxl notes outlineLevelCol="0" on the second save: the same sheet, said twice.
            assert a.read(name) == b.read(name).replace(b' outlineLevelCol="0"', b""), name


def test_module_doc_names_every_contract_field():
    import kpi_xl.scorecard as module

    assert Path(module.__file__).exists()
    for name in (C.KPI_TABLE, C.MARKER, C.LANGUAGE):
        assert name in module.__doc__
