"""The rollup of hand-made sheets: the golden layout, header and column labels in both languages, header
fields, total rows and near-miss sheets, cached results typed over formulas, and the scores, roster matching
and policy of a department of hand-made sheets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pytest
from openpyxl import Workbook
from rollup_helpers import GOLDEN_FINALS, GOLDEN_ROWS, GOLDEN_SCORES, seed_sheet, seed_workbook

from kpi_xl.rollup import SHEETS, rollup
from kpi_xl.rollup.handmade import find_header, read_handmade_grid
from kpi_xl.roster import Employee, Roster
from kpi_xl.words import SCORECARD_COLUMNS as COLUMN_LABELS
from kpi_xl.words import is_total, match

WHO_ID = {"Nama": "Budi Santoso", "NIK": "E003", "Jabatan": "Digital Marketing Specialist", "Periode": "2025"}


def issues_of(result, severity=None):
    return [(i.file and Path(i.file).name, i.sheet, i.cell, i.severity, i.message) for i in result.issues
            if severity is None or i.severity == severity]


# --- the golden scorecard in the seed's layout ----------------------------------------------------------


def test_golden_seed_layout_in_indonesian_rolls_up_to_113_65_level_4(tmp_path):
    seed_workbook(tmp_path / "budi.xlsx", title="Contoh KPI Excel", who=WHO_ID)
    result = rollup(tmp_path, tmp_path / "summary.xlsx", lang="id")
    assert result.scorecards == 1
    row = result.summary.iloc[0]
    assert round(row.kpi_value, 2) == 113.65
    assert row.level == 4
    assert row.label == "Melebihi Target"
    assert row.bonus_multiple == 1.5
    assert row["raise"] == "7%–9%"
    assert row.status == "complete"
    assert (row.employee_id, row["name"], row.role, row.period) == ("E003", "Budi Santoso",
                                                                 "Digital Marketing Specialist", "2025")
    details = result.tables.details
    assert details["score"].round(6).tolist() == GOLDEN_SCORES
    assert details["final"].round(6).tolist() == GOLDEN_FINALS
    # The merged objective covers its rows: every KPI row has its KRA.
    assert details["kra"].tolist() == [
        "Mengelola blog perusahaan", "Mengelola blog perusahaan",
        "Mengelola kampanye media sosial", "Mengelola kampanye media sosial",
        "Meningkatkan marketing qualified lead (MQL)", "Meningkatkan marketing qualified lead (MQL)",
        "Mengefisienkan biaya iklan"]
    # Title (row 1), blank row, four header fields, blank row: the header is row 8; actuals in column E.
    assert details["cell"].tolist() == [f"E{r}" for r in range(9, 16)]
    assert issues_of(result) == []
    by_kra = result.tables.by_kra
    assert by_kra["kra_score"].round(4).tolist() == [round((18.75 + 15) / 25 * 100, 4), 124.0, 96.5, 110.0]


# --- finding the table ------------------------------------------------------------------------------------


@pytest.mark.parametrize("label, field", [
    ("Objective", "kra"), ("Sasaran", "kra"), ("KRA", "kra"), ("Indikator (KPI)", "indicator"),
    ("Indicator", "indicator"), ("Bobot", "weight"), ("Bobot (%)", "weight"), ("Weight", "weight"),
    ("  TARGET ", "target"), ("Aktual", "actual"), ("Actual:", "actual"), ("Realisasi", "actual"),
    ("Skor", "score"), ("Score", "score"), ("Skor Akhir", "final"), ("Final score", "final"),
    ("Satuan", "unit"), ("Arah", "direction"), ("Target value", "target"), ("Remarks", None),
    ("Nilai KPI", None), ("", None),
])
def test_column_labels_in_english_and_indonesian(label, field):
    assert match(label, COLUMN_LABELS) == field


def test_header_found_below_titles_and_right_of_a_margin(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws["B2"] = "PT Contoh Sejahtera"
    ws["B3"] = "Penilaian Kinerja 2025"
    seed_sheet(ws, top=12, left=3, who={"Name:": "Budi", "Employee ID": 1001})
    ws["K13"] = "Catatan"  # an extra column beside the table
    ws["K14"] = "good quarter"
    wb.save(tmp_path / "shifted.xlsx")
    result = rollup(tmp_path, None)
    card = result.summary.iloc[0]
    assert (card.employee_id, card["name"]) == ("1001", "Budi")
    assert round(card.kpi_value, 2) == 113.65
    assert result.tables.details["cell"].iloc[0] == "G16"  # actual column: C + 4; header row 15


def test_label_value_in_one_cell_and_english_headers(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["KPI Scorecard"])
    ws.append(["Employee: Sari Lestari"])
    ws.append(["Employee ID: E010", None, "Department: Sales"])
    ws.append([])
    ws.append(["KRA", "Indicator", "Weight", "Target", "Actual", "Score", "Final score"])
    ws.append(["Revenue", "sales (IDR bn)", 60, 10, 12])
    ws.append([])  # blank rows between KPI groups are no rows
    ws.append(["Customers", "new accounts", 40, 20, 15])
    ws.append(["Total", None, 100])
    ws.append([])
    ws.append(["Nilai", "Kriteria", "Nilai KPI"])  # the band table below the TOTAL row is not read
    ws.append([5, "Istimewa", "> 130 %"])
    wb.save(tmp_path / "english.xlsx")
    result = rollup(tmp_path, None)
    card = result.summary.iloc[0]
    assert (card.employee_id, card["name"], card.department) == ("E010", "Sari Lestari", "Sales")
    assert card.kpi_value == pytest.approx(60 * 120 / 100 + 40 * 75 / 100)
    assert len(result.tables.details) == 2
    assert issues_of(result) == []


def test_find_header_needs_weight_target_and_actual():
    assert find_header([["Objective", "Indikator (KPI)", "Bobot", "Target"]]) is None
    assert find_header([[], ["x", "Bobot", "Target", "Aktual"]]) == (1, {"weight": 1, "target": 2, "actual": 3})


# --- workbooks, files and counts ---------------------------------------------------------------------------


def test_multi_sheet_workbook_lock_files_and_counts_reconcile(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    seed_workbook(folder / "team.xlsx", sheets={
        "Budi": {"who": {"NIK": "E1", "Nama": "Budi"}},
        "Sari": {"who": {"NIK": "E2", "Nama": "Sari"}, "actuals": [40, 1_000_000, 25, 5, 25, 20, 30]},
    })
    wb = openpyxl.load_workbook(folder / "team.xlsx")
    wb.create_sheet("Notes")["A1"] = "remember the Q3 campaign"
    wb.save(folder / "team.xlsx")
    seed_workbook(folder / "sub" / "dewi.xlsx", who={"NIK": "E3", "Nama": "Dewi"})
    (folder / "~$team.xlsx").write_bytes(b"\x00lock")
    (folder / "readme.txt").write_text("scorecards for Q4")
    (folder / "empty.xlsx").write_bytes(b"")
    (folder / "photo.xlsx").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)

    result = rollup(folder, tmp_path / "summary.xlsx")
    assert result.scorecards == 3
    assert sorted(result.summary["employee_id"]) == ["E1", "E2", "E3"]
    assert result.summary.set_index("employee_id")["kpi_value"].round(2).to_dict() == {
        "E1": 113.65, "E2": 100.0, "E3": 113.65}
    assert (result.files_found, result.files_with_scorecards, result.files_unreadable, result.lock_files,
            result.other_files) == (6, 2, 2, 1, 1)
    assert result.reconciles
    messages = {(name, sheet, severity): message for name, sheet, _, severity, message in issues_of(result)}
    assert messages[("~$team.xlsx", "", "info")] == "skipped: Excel's lock file (the workbook is open somewhere)"
    assert messages[("readme.txt", "", "info")] == "skipped: not a workbook (.xlsx, .xlsm, .xls, .ods)"
    # Files that cannot be opened are refused before anything unpacks them (kpi_xl.io.preflight).
    assert messages[("empty.xlsx", "", "error")].startswith("'empty.xlsx' is empty (0 bytes)")
    assert messages[("photo.xlsx", "", "error")].startswith("'photo.xlsx' is a PNG image, not a workbook")
    assert messages[("team.xlsx", "Notes", "info")].startswith("no KPI table on this sheet")


def test_the_summary_in_the_input_folder_is_not_read_back(tmp_path):
    seed_workbook(tmp_path / "budi.xlsx")
    first = rollup(tmp_path, tmp_path / "summary.xlsx")
    second = rollup(tmp_path, tmp_path / "summary.xlsx")
    assert first.scorecards == second.scorecards == 1
    assert ("summary.xlsx", "", "", "info", "skipped: this is the summary being written") in issues_of(second)


# --- recomputing and issues --------------------------------------------------------------------------------


def test_a_cached_result_typed_over_a_formula_is_an_issue_naming_the_cell(tmp_path):
    cached = [(s, f) for s, f in zip(GOLDEN_SCORES, GOLDEN_FINALS)]
    cached[4] = (95, 19)  # lead generation: 88 and 17.6 by the formula, typed over as 95 and 19
    seed_workbook(tmp_path / "budi.xlsx", who={"NIK": "E3"}, cached=cached)
    result = rollup(tmp_path, None)
    assert round(result.summary["kpi_value"].iloc[0], 2) == 113.65  # recomputed, the typed values ignored
    assert issues_of(result, "warning") == [
        ("budi.xlsx", "KPI", "F8", "warning", "the score in the file is 95 but computes to 88.00: formula "
                                              "overwritten by hand? The summary uses the computed value"),
        ("budi.xlsx", "KPI", "G8", "warning", "the final in the file is 19 but computes to 17.60: formula "
                                              "overwritten by hand? The summary uses the computed value"),
    ]


def test_percent_formatted_cached_scores_agree(tmp_path):
    cached = [(s / 100, f) for s, f in zip(GOLDEN_SCORES, GOLDEN_FINALS)]  # 125 % stored as 1.25
    seed_workbook(tmp_path / "budi.xlsx", cached=cached)
    assert issues_of(rollup(tmp_path, None), "warning") == []


@pytest.mark.parametrize("row, value, cell, message", [
    (0, "abc", "E3", "actual 'abc' is not a number: type a number in E3"),
    (1, "1,5 juta", "E4", "actual '1,5 juta' is not a number: type a number in E4"),
    (0, "1.500", "E3", "actual '1.500' is ambiguous (1500 or 1.5?): type the number without a thousands "
                       "separator in E3"),
])
def test_text_in_a_number_cell_is_an_error_naming_the_cell(tmp_path, row, value, cell, message):
    actuals = [r[4] for r in GOLDEN_ROWS]
    actuals[row] = value
    seed_workbook(tmp_path / "a.xlsx", top=2, actuals=actuals)
    result = rollup(tmp_path, None)
    assert result.summary["status"].iloc[0] == "error"
    assert ("a.xlsx", "KPI", cell, "error", message) in issues_of(result)
    assert result.tables.details["row_status"].iloc[row] == "error"


def test_target_zero_blank_weight_and_weights_not_100(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Sari"
    ws.append(["Objective", "Indikator", "Bobot", "Target", "Aktual"])
    ws.append(["A", "one", 50, 0, 5])
    ws.append(["A", "two", 40, 10, 10])
    wb.save(tmp_path / "zero.xlsx")
    wb = Workbook()
    ws = wb.active
    ws.title = "Joko"
    ws.append(["Objective", "Indikator", "Bobot", "Target", "Aktual"])
    ws.append(["A", "one", None, 10, 5])
    ws.append(["A", "two", 100, 10, 10])
    wb.save(tmp_path / "blank_weight.xlsx")
    result = rollup(tmp_path, None)
    found = issues_of(result)
    assert ("zero.xlsx", "Sari", "D2", "error", "target is 0; this KPI row counts as 0 until it is fixed") in found
    assert ("zero.xlsx", "Sari", "", "warning",
            "the weights sum to 90, not 100; the KPI value divides by 90") in found
    assert ("blank_weight.xlsx", "Joko", "C2", "error", "weight is blank; type the KPI's weight in C2") in found
    s = result.summary.set_index("sheet")
    assert s.loc["Sari", "status"] == "error"
    assert s.loc["Sari", "kpi_value"] == pytest.approx(40 / 90 * 100)  # the refused row counts as 0, as in the core
    assert s.loc["Joko", "status"] == "error"
    assert np.isnan(s.loc["Joko", "kpi_value"]) and s.loc["Joko", "level"] == 0


def test_incomplete_scorecard(tmp_path):
    actuals = [r[4] for r in GOLDEN_ROWS]
    actuals[5] = actuals[6] = None
    seed_workbook(tmp_path / "a.xlsx", actuals=actuals)
    result = rollup(tmp_path, None)
    row = result.summary.iloc[0]
    assert row.status == "incomplete"
    assert round(row.kpi_value, 2) == round(113.65 - 21 - 16.5, 2)  # blank actuals count as 0
    assert issues_of(result) == [("a.xlsx", "KPI", "E7", "info", "2 of 7 actuals not yet reported (E7, E8); "
                                                               "they count as 0 and the scorecard is incomplete")]
    assert result.tables.details["row_status"].tolist()[-2:] == ["blank", "blank"]


# --- roster, duplicates, 9-box ------------------------------------------------------------------------------


def _employee(emp_id, name, dept, salary=None, potential=None, supervisor="Andi", role="digital-marketing-specialist"):
    return Employee(emp_id, name, dept, supervisor, role, "2025", salary, potential, 2)


def test_roster_matching_missing_and_bonus_amount(tmp_path):
    seed_workbook(tmp_path / "budi.xlsx", who={"NIK": "E3", "Nama": "Budi Santoso"})
    seed_workbook(tmp_path / "x.xlsx", who={"NIK": "X9", "Nama": "Stranger"})
    seed_workbook(tmp_path / "rina.xlsx", who={"NIK": "e1 ", "Nama": "Rina D."},
                  actuals=[40, 1_000_000, 25, 5, 25, 20, 30])
    roster = Roster([_employee("E1", "Rina Dewi", "Marketing", 10_000_000, "high"),
                     _employee("E3", "Budi Santoso", "Marketing", 9_000_000, "medium", supervisor="Sari"),
                     _employee("E8", "Siti Rahma", "HR", 16_000_000, "low")], [], "roster.xlsx")
    result = rollup(tmp_path, tmp_path / "summary.xlsx", roster=roster)
    s = result.summary.set_index("employee_id")
    assert s.loc["E3", "department"] == "Marketing" and s.loc["E3", "supervisor"] == "Sari"
    assert s.loc["E3", "bonus_amount"] == 1.5 * 9_000_000
    assert s.loc["e1", "bonus_amount"] == 1 * 10_000_000  # IDs match without case and spaces
    assert np.isnan(s.loc["X9", "bonus_amount"])
    assert result.tables.missing["employee_id"].tolist() == ["E8"]
    found = issues_of(result, "warning")
    assert ("x.xlsx", "KPI", "", "warning", "employee ID X9 is not on the roster (roster.xlsx)") in found
    assert ("rina.xlsx", "KPI", "", "warning", "employee ID e1 is 'Rina Dewi' on the roster but 'Rina D.' on the "
                                               "scorecard; check the ID") in found
    boxes = result.tables.nine_box
    assert boxes[("medium", "high")] == ["Budi Santoso (E3)"]  # level 4 is high performance
    assert boxes[("high", "medium")] == ["Rina D. (e1)"]  # level 3 is medium
    assert sum(len(v) for v in boxes.values()) == 2  # X9 has no potential; E8 has no scorecard

    wb = openpyxl.load_workbook(tmp_path / "summary.xlsx")
    assert wb.sheetnames == list(SHEETS[:-2])  # one period, no final rating: no Periods nor Calibration sheet
    grid = [[c for c in row] for row in wb["9-Box"].iter_rows(min_row=3, values_only=True)]
    assert grid[0] == ["Potential \\ Performance (level)", "Low (level 1-2)", "Medium (level 3)", "High (level 4-5)"]
    assert [row[0] for row in grid[1:]] == ["High", "Medium", "Low"]
    assert grid[1][2] == "(1)\nRina D. (e1)"
    assert grid[2][3] == "(1)\nBudi Santoso (E3)"
    missing = list(wb["Missing"].iter_rows(values_only=True))
    assert missing == [("Employee ID", "Name", "Department", "Supervisor", "Role", "Period"),
                       ("E8", "Siti Rahma", "HR", "Andi", "digital-marketing-specialist", "2025")]
    header = [c.value for c in wb["Summary"][1]]
    assert "Bonus amount" in header
    assert wb["Summary"].cell(2 + list(s.index).index("E3"), header.index("Bonus amount") + 1).value == 13_500_000


def test_roster_file_is_read_and_its_refused_rows_reported(tmp_path):
    seed_workbook(tmp_path / "budi.xlsx", who={"NIK": "1001"})
    roster = tmp_path / "roster.csv"
    roster.write_text("NIK,Nama,Jabatan,Departemen,Gaji bulanan,Potensi\n"
                      "1001,Budi,digital-marketing-specialist,Pemasaran,10.000.000,tinggi\n"
                      "1002,Sari,hr-manager,HR,lots,\n", encoding="utf-8")
    result = rollup(tmp_path / "budi.xlsx", None, roster=roster)
    assert result.summary["bonus_amount"].iloc[0] == 15_000_000
    assert result.summary["department"].iloc[0] == "Pemasaran"
    assert issues_of(result, "warning") == [
        ("roster.csv", "", "row 3", "warning", "roster row refused: monthly salary 'lots' is not a number")]


def test_duplicate_employee_ids_are_an_error_on_both(tmp_path):
    seed_workbook(tmp_path / "a.xlsx", who={"NIK": "E1", "Periode": "2025"})
    # Other actuals: a second scorecard for E1 and 2025, not the same one sent twice.
    seed_workbook(tmp_path / "b.xlsx", sheets={"Q": {"who": {"NIK": "E1", "Periode": "2025"},
                                                     "actuals": [10, 20, 30, 40, 50, 60, 70]},
                                               "Other year": {"who": {"NIK": "E1", "Periode": "2024"}}})
    result = rollup(tmp_path, None)
    errors = issues_of(result, "error")
    message = f"employee ID E1 (period 2025) is on 2 scorecards: {tmp_path / 'a.xlsx'} [KPI]; " \
              f"{tmp_path / 'b.xlsx'} [Q]; keep one"
    assert errors == [("a.xlsx", "KPI", "", "error", message), ("b.xlsx", "Q", "", "error", message)]
    # By employee ID, then period, then file.
    assert [(Path(f).name, s) for f, s in zip(result.summary["file"], result.summary["sheet"])] == \
        [("b.xlsx", "Other year"), ("a.xlsx", "KPI"), ("b.xlsx", "Q")]
    assert result.summary["status"].tolist() == ["complete", "error", "error"]


# --- the summary workbook ----------------------------------------------------------------------------------


# --- the command ----------------------------------------------------------------------------------------------


def test_header_fields_end_to_end(tmp_path):
    wb = Workbook()
    ws = wb.active
    for r in (["Nama", None, "NIK", "E5"], ["Jabatan", "Manager", "Atasan", "Sari"], []):
        ws.append(r)
    seed_sheet(ws, top=4)
    wb.save(tmp_path / "a.xlsx")
    row = rollup(tmp_path / "a.xlsx", None).summary.iloc[0]
    assert (row["name"], row.employee_id, row.role, row.supervisor) == ("", "E5", "Manager", "Sari")


@pytest.mark.parametrize("text, total", [("TOTAL", True), ("Total skor KPI", True), ("Jumlah:", True),
                                         ("Totalitas", False), ("jumlah pelanggan baru", True), (None, False)])
def test_is_total(text, total):
    assert is_total(text) == total


@pytest.mark.parametrize("label, field", [("Bobot%", "weight"), ("Weight %", "weight"), ("Target 2025", "target"),
                                          ("Aktual 2025", "actual"), ("Realisasi 2025", "actual"),
                                          ("Target 2025 (Rp)", "target"), ("Nilai", None)])
def test_labels_with_a_year_or_a_percent_sign(label, field):
    assert match(label, COLUMN_LABELS) == field


def test_a_table_of_text_targets_is_no_near_miss():
    """The KRA record of a generated scorecard (in an .xls/.ods copy, read by labels): who, then KRAs
    with their targets as text and weights. Not a scorecard nearly read: info, as any other sheet."""
    grid = [["Employee name", "Rina"], ["Employee ID", "E1"], [],
            ["KRA", "Indicator (KPI)", "Target", "Weight"], ["Blog", "articles", "40 a month", 15]]
    issues = []
    assert read_handmade_grid(issues, "f.xls", "KRA record", grid) is None
    assert [(i.severity, i.message[:15]) for i in issues] == [("info", "no KPI table on")]
    grid[4][2] = 40  # a number: now it reads as a scorecard missing its actual column
    issues = []
    read_handmade_grid(issues, "f.xls", "KRA record", grid)
    assert [(i.severity, i.cell, i.message[:60]) for i in issues] == [
        ("warning", "C4", "no KPI table read on this sheet: row 4 has Target and Weight")]


def test_a_hidden_sheet_without_a_table_stays_quiet():
    issues = []
    assert read_handmade_grid(issues, "f.xlsx", "lists", [["Bobot", "Target"]], hidden=True) is None
    assert issues == []


def test_the_nine_box_follows_the_policys_bands_three_bands_one_group_each(tmp_path):
    """With three bands the top band is "high" performance (the 9-box assumed five levels before)."""
    from kpi_xl.policy import policy_from_dict
    from kpi_xl.rollup.layout import nine_box_rows

    three = policy_from_dict({"bands": [
        {"level": 1, "above": None, "label": {"en": "Below", "id": "Di bawah"}, "bonus": 0, "raise": "0%"},
        {"level": 2, "above": 95, "label": {"en": "Meets", "id": "Memenuhi"}, "bonus": 1, "raise": "5%"},
        {"level": 3, "above": 110, "label": {"en": "Above", "id": "Di atas"}, "bonus": 2, "raise": "9%"}]})
    folder = tmp_path / "cards"
    folder.mkdir()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["NIK", "E1"])
    ws.append(["Indikator", "Bobot", "Target", "Aktual"])
    ws.append(["sales", 100, 100, 120])
    wb.save(folder / "e1.xlsx")
    roster = [Employee("E1", "Rina", "Sales", "", "sales-manager", "", 1e7, "high", 2)]
    result = rollup(folder, None, roster=roster, policy=three)
    assert int(result.summary.iloc[0]["level"]) == 3
    rows = nine_box_rows(result.tables, "en")
    assert rows[2][1:] == ["Low (level 1)", "Medium (level 2)", "High (level 3)"]
    high_potential = rows[3]
    assert high_potential[0] == "High" and high_potential[3] == "(1)\nRina (E1)"
