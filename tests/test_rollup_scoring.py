"""The rollup's rules for money, statuses, header fields, table ends, near-miss sheets, duplicates, role
names, the summary marker and what the commands print (review findings of the rollup, issue 5/6)."""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook
from rollup_helpers import GOLDEN_ROWS, seed_sheet, seed_workbook
from typer.testing import CliRunner

from kpi_xl import contract as c
from kpi_xl.cli import app
from kpi_xl.excel.console import CONSOLE_MODULE, CONSOLE_WORKBOOK, write_console
from kpi_xl.demo import MANIFEST_FILE, ROSTER_FILE, make_demo
from kpi_xl.roles import builtin_role, builtin_role_index
from kpi_xl.rollup import rollup
from kpi_xl.rollup.book import excel_text
from kpi_xl.rollup.handmade import find_header_fields, read_handmade_grid
from kpi_xl.words import SCORECARD_COLUMNS as COLUMN_LABELS
from kpi_xl.words import is_total, match
from kpi_xl.roster import Employee, Roster
from kpi_xl.scorecard import write_roster_scorecards

GOLDEN_ACTUALS = [r[4] for r in GOLDEN_ROWS]


def _employee(emp_id, name, salary=10_000_000, potential="high", row=2, period="2025"):
    return Employee(emp_id, name, "Marketing", "Andi", "digital-marketing-specialist", period, salary, potential, row)


def issues_of(result, severity=None):
    return [(Path(i.file).name if i.file else "", i.sheet, i.cell, i.severity, i.message) for i in result.issues
            if severity is None or i.severity == severity]


def _cli(*args, columns=200):
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": str(columns)})


# --- 1. money only on reliable scorecards ----------------------------------------------------------------


@pytest.fixture()
def department(tmp_path):
    """Five scorecards, one of each kind: complete, incomplete, error (text actual), not started, and a
    second scorecard of the complete one's employee would be a duplicate (tested below)."""
    folder = tmp_path / "in"
    folder.mkdir()
    seed_workbook(folder / "a_complete.xlsx", who={"NIK": "E1", "Nama": "Rina"})
    incomplete = GOLDEN_ACTUALS[:5] + [None, None]
    seed_workbook(folder / "b_incomplete.xlsx", who={"NIK": "E2", "Nama": "Andi"}, actuals=incomplete)
    seed_workbook(folder / "c_error.xlsx", who={"NIK": "E3", "Nama": "Budi"}, actuals=["abc", *GOLDEN_ACTUALS[1:]])
    seed_workbook(folder / "d_blank.xlsx", who={"NIK": "E4", "Nama": "Dewi"}, actuals=[None] * 7)
    roster = Roster([_employee(f"E{i}", n) for i, n in enumerate(("Rina", "Andi", "Budi", "Dewi"), 1)], [])
    return folder, roster


def test_money_only_for_complete_scorecards_and_no_level_for_errors(department, tmp_path):
    folder, roster = department
    result = rollup(folder, tmp_path / "summary.xlsx", roster=roster)
    s = result.summary.set_index("employee_id")
    assert s["status"].to_dict() == {"E1": "complete", "E2": "incomplete", "E3": "error", "E4": "not started"}
    # complete: everything, the bonus amount too
    assert (s.loc["E1", "level"], s.loc["E1", "bonus_multiple"], s.loc["E1", "bonus_amount"]) == (4, 1.5, 15_000_000)
    # incomplete: the level as it stands, no bonus amount yet
    assert s.loc["E2", "level"] == 2 and s.loc["E2", "bonus_multiple"] == 0.5
    assert math.isnan(s.loc["E2", "bonus_amount"])
    # error: the KPI value stays (the status says it is unreliable); no level, label, bonus or raise
    assert round(s.loc["E3", "kpi_value"], 2) == round(113.65 - 18.75, 2)
    assert (s.loc["E3", "level"], s.loc["E3", "label"], s.loc["E3", "raise"]) == (0, "", "")
    assert math.isnan(s.loc["E3", "bonus_multiple"]) and math.isnan(s.loc["E3", "bonus_amount"])
    # not started: no KPI value at all (not 0, not level 1, not 0.25 x salary)
    assert math.isnan(s.loc["E4", "kpi_value"]) and s.loc["E4", "level"] == 0
    assert math.isnan(s.loc["E4", "bonus_amount"]) and s.loc["E4", "label"] == ""
    assert ("d_blank.xlsx", "KPI", "E5", "info",
            "none of the 7 actuals is reported yet (E5, E6, E7, E8, E9, E10, E11): the scorecard is not started "
            "and gets no KPI value, level or bonus until they are typed in") in issues_of(result)
    # Levels count only the two scorecards with a level, and say who is left out.
    levels = result.tables.levels
    assert [levels.total(lv) for lv in range(1, 6)] == [0, 1, 0, 1, 0]
    assert levels.not_counted == {"error": 1, "not started": 1}
    # 9-box: the same two, and nobody else, though all four have a potential on the roster.
    assert sorted(n for names in result.tables.nine_box.values() for n in names) == ["Andi (E2)", "Rina (E1)"]

    wb = openpyxl.load_workbook(tmp_path / "summary.xlsx")
    rows = list(wb["Summary"].iter_rows(values_only=True))
    header = rows[0]
    by_id = {r[0]: dict(zip(header, r)) for r in rows[1:5]}
    assert by_id["E3"]["Level"] is None and by_id["E3"]["Bonus amount"] is None and by_id["E3"]["Raise"] is None
    assert by_id["E4"]["KPI value (%)"] is None and by_id["E4"]["Status"] == "not started"
    assert by_id["E2"]["Bonus amount"] is None and by_id["E2"]["Level"] == 2
    assert rows[5] == (None,) * len(header)  # a blank row, then the rule
    assert rows[6][0].startswith("Bonus amount: filled only for complete scorecards.")
    level_rows = list(wb["Levels"].iter_rows(values_only=True))
    assert level_rows[-1][0] == ("1 scorecards with errors are not counted here (see the Issues sheet). "
                                 "1 scorecards not started (no actual reported) are not counted here.")
    assert [r[-1] for r in level_rows[1:6]] == [0, 1, 0, 1, 0]
    assert wb["9-Box"]["A2"].value == level_rows[-1][0]


def test_statuses_and_notes_in_indonesian(department, tmp_path):
    folder, roster = department
    result = rollup(folder, tmp_path / "ringkasan.xlsx", roster=roster, lang="id")
    wb = openpyxl.load_workbook(tmp_path / "ringkasan.xlsx")
    statuses = [r[12] for r in wb["Summary"].iter_rows(min_row=2, max_row=5, values_only=True)]
    assert statuses == ["lengkap", "belum lengkap", "error", "belum dimulai"]
    assert wb["Summary"]["A7"].value.startswith("Jumlah bonus: hanya diisi untuk scorecard yang lengkap.")
    assert list(wb["Levels"].iter_rows(values_only=True))[-1][0] == (
        "1 scorecard dengan error tidak dihitung di sini (lihat sheet Issues). "
        "1 scorecard yang belum dimulai (belum ada aktual) tidak dihitung di sini.")
    assert result.summary["label"].tolist()[:2] == ["Melebihi Target", "Belum Mencapai Target"]


def test_no_note_when_every_scorecard_is_complete(tmp_path):
    seed_workbook(tmp_path / "a.xlsx", who={"NIK": "E1"})
    rollup(tmp_path / "a.xlsx", tmp_path / "s.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "s.xlsx")
    assert wb["Summary"].max_row == 2 and wb["Levels"].max_row == 6


def test_both_copies_of_a_duplicate_get_no_bonus_and_are_not_counted(tmp_path):
    seed_workbook(tmp_path / "a.xlsx", who={"NIK": "E1", "Periode": "2025"})
    seed_workbook(tmp_path / "b.xlsx", who={"NIK": "E1", "Periode": "2025"})
    result = rollup(tmp_path, None, roster=Roster([_employee("E1", "")], []))
    s = result.summary
    assert s["status"].tolist() == ["error", "error"]
    assert s["kpi_value"].tolist() == [113.65, 113.65]
    assert s["level"].tolist() == [0, 0] and s["bonus_amount"].isna().all() and s["bonus_multiple"].isna().all()
    assert [result.tables.levels.total(lv) for lv in range(1, 6)] == [0] * 5
    assert result.tables.levels.not_counted == {"error": 2}


def test_a_negative_weight_gives_no_kpi_value(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Objective", "Indikator", "Bobot", "Target", "Aktual"])
    ws.append(["A", "one", -20, 10, 10])
    ws.append(["A", "two", 120, 10, 12])
    wb.save(tmp_path / "neg.xlsx")
    result = rollup(tmp_path / "neg.xlsx", None, roster=Roster([_employee("", "x")], []))
    row = result.summary.iloc[0]
    assert row.status == "error" and math.isnan(row.kpi_value) and row.level == 0
    assert issues_of(result, "error") == [
        ("neg.xlsx", "Sheet", "C2", "error",
         "weight -20 is below 0; weights are positive and sum to 100: type the KPI's weight in C2")]
    assert not any("weights sum to" in i.message for i in result.issues)  # 100 = 120 - 20 is no excuse


# --- 2. markup in names ----------------------------------------------------------------------------------


def test_cli_prints_names_as_plain_text_never_as_markup(tmp_path):
    seed_workbook(tmp_path / "a.xlsx", who={"NIK": "E1", "Nama": "Budi [/b]"})
    seed_workbook(tmp_path / "b.xlsx", who={"NIK": "E2", "Nama": "[link=https://evil.example]Sales[/link]"})
    result = _cli("rollup", tmp_path, "-o", tmp_path / "s.xlsx")
    assert result.exit_code == 0, result.output
    assert "Budi [/b]" in result.output  # no MarkupError
    assert "[link=https://evil.example]Sales[/link]" in result.output  # shown, not turned into a hidden link
    assert "Summary:" in result.output


# --- 3. header fields ------------------------------------------------------------------------------------


@pytest.mark.parametrize("row, fields", [
    (["Nama", None, "NIK", "E5"], {"employee_id": "E5"}),  # the name is blank, not "NIK"
    (["Jabatan", "Manager", "Atasan", "Sari"], {"role": "Manager", "supervisor": "Sari"}),
    (["Nama", "Budi", "NIK", 1001.0], {"name": "Budi", "employee_id": "1001"}),
    (["Nama", "NIK: E7"], {"employee_id": "E7"}),
    (["Nama:", ":", "Budi", None, "Periode", "2025"], {"name": "Budi", "period": "2025"}),
    (["Nama", None, "NIK", None], {}),  # both blank
    (["Employee: Sari Lestari", "Department: Sales"], {"name": "Sari Lestari", "department": "Sales"}),
])
def test_a_header_value_is_never_the_next_label(row, fields):
    assert find_header_fields([row], 1) == fields


def test_header_fields_end_to_end(tmp_path):
    wb = Workbook()
    ws = wb.active
    for r in (["Nama", None, "NIK", "E5"], ["Jabatan", "Manager", "Atasan", "Sari"], []):
        ws.append(r)
    seed_sheet(ws, top=4)
    wb.save(tmp_path / "a.xlsx")
    row = rollup(tmp_path / "a.xlsx", None).summary.iloc[0]
    assert (row["name"], row.employee_id, row.role, row.supervisor) == ("", "E5", "Manager", "Sari")


# --- 4. total rows ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("label", ["Total skor KPI", "JUMLAH NILAI", "Total:", None])
def test_total_rows_end_the_table(tmp_path, label):
    wb = Workbook()
    ws = wb.active
    seed_sheet(ws, total=False)
    ws.append([label, None, 100, None, None, None, 113.65])  # None: an unlabelled SUM row
    ws.append([])
    ws.append(["Nilai", "Kriteria", 5, 130, 1])  # the band table below the total: not a KPI
    wb.save(tmp_path / "a.xlsx")
    result = rollup(tmp_path / "a.xlsx", None)
    assert len(result.tables.details) == 7
    assert result.summary["kpi_value"].iloc[0] == 113.65
    assert issues_of(result) == []


def test_a_subtotal_above_more_kpis_is_not_a_kpi_nor_the_end(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Objective", "Indikator", "Bobot", "Target", "Aktual"])
    ws.append(["A", "one", 60, 10, 12])
    ws.append(["Total KRA A", None, 60])
    ws.append(["B", "two", 40, 20, 15])
    wb.save(tmp_path / "a.xlsx")
    result = rollup(tmp_path / "a.xlsx", None)
    assert len(result.tables.details) == 2
    assert result.summary["kpi_value"].iloc[0] == pytest.approx(60 * 1.2 + 40 * 0.75)
    assert issues_of(result) == [("a.xlsx", "Sheet", "C3", "warning",
                                  "row 3 looks like a subtotal (no target or actual) and is not counted as a KPI")]


@pytest.mark.parametrize("text, total", [("TOTAL", True), ("Total skor KPI", True), ("Jumlah:", True),
                                         ("Totalitas", False), ("jumlah pelanggan baru", True), (None, False)])
def test_is_total(text, total):
    assert is_total(text) == total


# --- 5. near-miss headers --------------------------------------------------------------------------------


@pytest.mark.parametrize("label, field", [("Bobot%", "weight"), ("Weight %", "weight"), ("Target 2025", "target"),
                                          ("Aktual 2025", "actual"), ("Realisasi 2025", "actual"),
                                          ("Target 2025 (Rp)", "target"), ("Nilai", None)])
def test_labels_with_a_year_or_a_percent_sign(label, field):
    assert match(label, COLUMN_LABELS) == field


def test_near_miss_sheets_are_warnings_naming_what_is_missing(tmp_path):
    wb = Workbook()
    wb.remove(wb.active)
    seed_sheet(wb.create_sheet("Budi"), header=("Objective", "Indikator", "Bobot%", "Target 2025", "Aktual 2025",
                                                "Skor", "Skor Akhir"), who={"NIK": "E1"})
    seed_sheet(wb.create_sheet("Sari"), header=("Objective", "Indikator", "Bobot", "Target", "Nilai", "Skor",
                                                "Skor Akhir"), who={"NIK": "E2"})
    who = wb.create_sheet("Dewi")
    who.append(["Nama", "Dewi"])
    who.append(["NIK", "E3"])
    who.append(["KPI: see the attached file"])
    wb.create_sheet("Notes").append(["remember the Q3 campaign"])
    wb.save(tmp_path / "team.xlsx")
    result = rollup(tmp_path / "team.xlsx", None)
    assert result.summary["employee_id"].tolist() == ["E1"]
    assert result.summary["kpi_value"].iloc[0] == 113.65
    assert issues_of(result) == [
        ("team.xlsx", "Sari", "C3", "warning",
         "no KPI table read on this sheet: row 3 has Bobot and Target but no column for the actual "
         "(Aktual/Actual/Realisasi); name that column so the scorecard can be read"),
        ("team.xlsx", "Dewi", "", "warning",
         "the sheet gives an employee's name and employee ID but no KPI table was found (a header row with "
         "weight, target and actual: Bobot, Target, Aktual); sheet skipped"),
        ("team.xlsx", "Notes", "", "info",
         "no KPI table on this sheet (no header row with weight, target and actual); sheet skipped"),
    ]
    out = _cli("rollup", tmp_path / "team.xlsx", "-o", tmp_path / "s.xlsx")
    assert "Issues: 0 errors, 2 warnings, 1 info (see the Issues sheet)" in out.output


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


# --- 6. duplicates ---------------------------------------------------------------------------------------


def test_a_scorecard_without_a_period_duplicates_any_of_the_employee(tmp_path):
    seed_workbook(tmp_path / "a.xlsx", who={"NIK": "E30", "Periode": "2025"})
    seed_workbook(tmp_path / "b.xlsx", who={"NIK": "E30"})
    seed_workbook(tmp_path / "c.xlsx", who={"NIK": "E31", "Periode": "2024"})
    seed_workbook(tmp_path / "d.xlsx", who={"NIK": "E31", "Periode": "2025"})  # two periods: no clash
    result = rollup(tmp_path, None)
    message = (f"employee ID E30 is on 2 scorecards and not all of them give the period, so they may be for the "
               f"same one: {tmp_path / 'a.xlsx'} [KPI]; {tmp_path / 'b.xlsx'} [KPI]; type the period on each, or "
               "keep one")
    assert issues_of(result, "error") == [("a.xlsx", "KPI", "", "error", message),
                                          ("b.xlsx", "KPI", "", "error", message)]
    assert result.summary["status"].tolist() == ["error", "error", "complete", "complete"]


def test_an_id_twice_on_the_roster_is_a_warning_naming_both_rows(tmp_path):
    seed_workbook(tmp_path / "a.xlsx", who={"NIK": "E1"})
    roster = Roster([_employee("E1", "Rina", row=2), _employee("E2", "Andi", row=3),
                     _employee("e1 ", "Rina Dewi", salary=99, row=7), _employee("E2", "Andi", row=8)],
                    [], "roster.xlsx")
    result = rollup(tmp_path / "a.xlsx", None, roster=roster)
    assert issues_of(result, "warning") == [
        ("roster.xlsx", "", "row 7", "warning", "employee ID e1  is on the roster twice (rows 2 and 7: 'E1' and "
                                                "'e1 '); the first row is used, the other ignored: give each "
                                                "employee one row"),
        ("roster.xlsx", "", "row 8", "warning", "employee ID E2 is on the roster twice (rows 3 and 8: 'E2' and "
                                                "'E2'); the first row is used, the other ignored: give each "
                                                "employee one row"),
    ]
    assert result.summary["bonus_amount"].iloc[0] == 15_000_000  # row 2's salary
    assert result.tables.missing["employee_id"].tolist() == ["E2"]  # listed once


# --- 7. what the commands print --------------------------------------------------------------------------


def test_cli_says_how_many_roster_employees_have_no_scorecard(tmp_path):
    seed_workbook(tmp_path / "a.xlsx", who={"NIK": "E1"})
    roster = tmp_path / "roster.csv"
    roster.write_text("NIK,Nama,Jabatan\nE1,Rina,hr-manager\nE2,Andi,hr-manager\nE3,Budi,hr-manager\n")
    out = _cli("rollup", tmp_path / "a.xlsx", "-o", tmp_path / "s.xlsx", "--roster", roster)
    assert "Missing: 2 roster employees without a scorecard (see the Missing sheet)" in out.output
    roster.write_text("NIK,Nama,Jabatan\nE1,Rina,hr-manager\nE2,Andi,hr-manager\n")
    out = _cli("rollup", tmp_path / "a.xlsx", "-o", tmp_path / "s.xlsx", "--roster", roster)
    assert "Missing: 1 roster employee without a scorecard (see the Missing sheet)" in out.output
    out = _cli("rollup", tmp_path / "a.xlsx", "-o", tmp_path / "s.xlsx")
    assert "Missing:" not in out.output  # no roster, nothing to say


def test_cli_demo_says_who_is_missing(tmp_path):
    out = _cli("demo", tmp_path / "demo")
    assert out.exit_code == 0, out.output
    assert "Missing: 1 roster employee without a scorecard (see the Missing sheet)" in out.output


def test_80_columns_keep_ids_labels_and_statuses_whole(tmp_path):
    long_name = "Raden Mas Bagus Wicaksono Prawiranegara Hadikusumo"
    seed_workbook(tmp_path / "a.xlsx", who={"NIK": "EMP-2025-000123", "Nama": long_name,
                                            "Departemen": "Pemasaran Digital dan Komunikasi Korporat"})
    seed_workbook(tmp_path / "b.xlsx", who={"NIK": "EMP-2025-000124", "Nama": long_name}, actuals=[None] * 7)
    seed_workbook(tmp_path / "c.xlsx", who={"NIK": "EMP-2025-000125", "Nama": long_name},
                  actuals=[10, 500_000, 10, 1, 10, 10, 10])
    out = _cli("rollup", tmp_path, "-o", tmp_path / "s.xlsx", "--lang", "id", columns=80)
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert max(len(line) for line in lines if "EMP-" in line) <= 80
    for emp_id, label, status in (("EMP-2025-000123", "Melebihi Target", "complete"),
                                  ("EMP-2025-000124", "", "not started"),
                                  ("EMP-2025-000125", "Jauh Di Bawah Target", "complete")):
        line = next(line for line in lines if emp_id in line)
        assert label in line and line.rstrip().endswith(status), line


def test_no_blank_line_before_an_error(tmp_path):
    (tmp_path / "nothing").mkdir()
    out = _cli("rollup", tmp_path / "nothing", "-o", tmp_path / "s.xlsx")
    assert out.exit_code == 1
    assert out.output.startswith("Error: "), repr(out.output)


# --- 8. never replace someone's files ------------------------------------------------------------------------


def test_console_keeps_existing_files_unless_overwrite(tmp_path):
    folder = tmp_path / "c"
    write_console(folder)
    workbook = folder / CONSOLE_WORKBOOK
    wb = openpyxl.load_workbook(workbook, keep_vba=True)
    wb["Roster"]["A5"] = "E777"  # HR's own roster row
    wb.save(workbook)
    edited = workbook.read_bytes()
    again = write_console(folder, lang="id")
    assert (again.written, again.kept) == ([], [workbook, folder / CONSOLE_MODULE])
    assert workbook.read_bytes() == edited
    out = _cli("excel", "console", folder)
    assert out.exit_code == 0, out.output
    assert f"kept {workbook} (it exists: --overwrite replaces it)" in out.output
    assert "wrote" not in out.output and workbook.read_bytes() == edited
    out = _cli("excel", "console", folder, "--overwrite")
    assert f"wrote {workbook}" in out.output
    assert openpyxl.load_workbook(workbook)["Roster"]["A5"].value is None


def test_demo_refuses_a_folder_with_someone_elses_roster_or_scorecards(tmp_path):
    mine = tmp_path / "hr"
    mine.mkdir()
    (mine / ROSTER_FILE).write_bytes(b"HR's real roster")
    with pytest.raises(Exception, match="holds files kpi-xl demo did not make, or changed since it made them "
                                        r"\(roster\.xlsx\)"):
        make_demo(mine)
    assert (mine / ROSTER_FILE).read_bytes() == b"HR's real roster"
    assert sorted(p.name for p in mine.iterdir()) == [ROSTER_FILE]  # nothing written

    cards = tmp_path / "cards"
    (cards / "scorecards").mkdir(parents=True)
    seed_workbook(cards / "scorecards" / "real.xlsx")
    out = _cli("demo", cards)
    assert out.exit_code == 1 and "scorecards/real.xlsx" in out.output
    assert sorted(p.name for p in cards.iterdir()) == ["scorecards"]


def test_demo_twice_then_an_edited_demo_file_is_refused(tmp_path):
    make_demo(tmp_path)
    assert (tmp_path / MANIFEST_FILE).read_text().count("  scorecards/") == 7
    make_demo(tmp_path)  # its own files: replaced
    wb = openpyxl.load_workbook(tmp_path / ROSTER_FILE)
    wb.active["B2"] = "Rina Dewi Lestari"  # HR started using the demo roster
    wb.save(tmp_path / ROSTER_FILE)
    with pytest.raises(Exception, match=r"\(roster\.xlsx\)"):
        make_demo(tmp_path)


# --- 9. role names in the summary's language ------------------------------------------------------------------


def test_role_named_by_its_id_in_the_summarys_language(tmp_path):
    run = write_roster_scorecards(Roster([_employee("E1", "Rina")], []), tmp_path / "cards", lang="id")
    wb = openpyxl.load_workbook(run.written[0])
    sheet, ref = next(iter(wb.defined_names[c.KPI_ACTUAL].destinations))
    for (cell,), value in zip(wb[sheet][ref.replace("$", "")], GOLDEN_ACTUALS):
        cell.value = value
    wb.save(run.written[0])
    role = builtin_role("digital-marketing-specialist")
    assert role.name("en") != role.name("id")
    for lang in ("en", "id"):
        row = rollup(tmp_path / "cards", None, lang=lang, roles=builtin_role_index()).summary.iloc[0]
        assert (row.role, row.kpi_value) == (role.name(lang), 113.65)


def test_demo_summary_roles_are_in_english(tmp_path):
    s = make_demo(tmp_path).result.summary.set_index("employee_id")
    assert s.loc["E003", "role"] == "Digital Marketing Specialist"  # the hand-made one gives its role ID


# --- 10. the summary marker, text for Excel -----------------------------------------------------------------


def test_every_summary_carries_the_hidden_marker(tmp_path):
    seed_workbook(tmp_path / "a.xlsx")
    rollup(tmp_path / "a.xlsx", tmp_path / "s.xlsx")
    names = openpyxl.load_workbook(tmp_path / "s.xlsx").defined_names
    marker = names[c.SUMMARY_MARKER]
    assert (marker.attr_text, marker.hidden, marker.localSheetId) == ("1", True, None)
    assert f'<definedName name="{c.SUMMARY_MARKER}" hidden="1">1</definedName>' in \
        zipfile.ZipFile(tmp_path / "s.xlsx").read("xl/workbook.xml").decode()


@pytest.mark.parametrize("text, written", [
    ("\uff1dSUM(A1)", "'\uff1dSUM(A1)"),  # a full-width "=": a formula in Excel's eyes (kpi_xl.io.text)
    ("\t=1+1", "'\t=1+1"), ("-5", "'-5"), (" 42", "' 42"), ("'x", "''x"), ("Budi", "Budi"), ("e=mc2", "e=mc2"),
])
def test_excel_text_uses_the_safety_rules(text, written):
    assert excel_text(text) == written
