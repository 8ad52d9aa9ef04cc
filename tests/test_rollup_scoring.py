"""What the rollup scores and pays: money only for complete scorecards, statuses and notes, duplicates
(an ID twice, a scorecard without a period) that get no bonus, negative weights, roster IDs twice."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from openpyxl import Workbook
from rollup_helpers import GOLDEN_ROWS, GOLDEN_SCORES, seed_sheet, seed_workbook
from typer.testing import CliRunner

from kpi_xl.cli import app
from kpi_xl.policy import default_policy
from kpi_xl.rollup import rollup
from kpi_xl.rollup.handmade import find_header_fields
from kpi_xl.roster import Employee, Roster
from kpi_xl.scoring import round_kpi, score_scorecard

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
    statuses = [r[12] for r in wb["Ringkasan"].iter_rows(min_row=2, max_row=5, values_only=True)]
    assert statuses == ["lengkap", "belum lengkap", "error", "belum dimulai"]
    assert wb["Ringkasan"]["A7"].value.startswith("Jumlah bonus: hanya diisi untuk scorecard yang lengkap.")
    assert list(wb["Level Kinerja"].iter_rows(values_only=True))[-1][0] == (
        "1 scorecard dengan error tidak dihitung di sini (lihat sheet Masalah). "
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


# --- 5. near-miss headers --------------------------------------------------------------------------------


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
    for emp_id, label, status in (("EMP-2025-000123", "Melebihi Target", "lengkap"),  # --lang id: statuses too
                                  ("EMP-2025-000124", "", "belum dimulai"),
                                  ("EMP-2025-000125", "Jauh Di Bawah Target", "lengkap")):
        line = next(line for line in lines if emp_id in line)
        assert label in line and line.rstrip().endswith(status), line


def test_no_blank_line_before_an_error(tmp_path):
    (tmp_path / "nothing").mkdir()
    out = _cli("rollup", tmp_path / "nothing", "-o", tmp_path / "s.xlsx")
    assert out.exit_code == 1
    assert out.output.startswith("Error: "), repr(out.output)


# --- 8. never replace someone's files ------------------------------------------------------------------------


# --- 9. role names in the summary's language ------------------------------------------------------------------


# --- 10. the summary marker, text for Excel -----------------------------------------------------------------


def test_rollup_agrees_with_the_core_for_every_direction(tmp_path):
    """Stacking all rows and grouping must give exactly what `score_scorecard` gives per scorecard."""
    rows = [("Delivery", "on-time releases", 30, 10, 8, "lower", None, None),
            ("Delivery", "uptime", 30, 99.5, 98.9, "within", 0.3, None),
            ("Projects", "migration done", 20, 1, dt.date(2025, 5, 1), "milestone", None, dt.date(2025, 6, 30)),
            ("Projects", "handbook done", 20, 1, "belum", "milestone", None, dt.date(2025, 3, 31))]
    wb = Workbook()
    ws = wb.active
    ws.append(["KRA", "Indicator", "Direction", "Weight", "Target", "Tolerance", "Due date", "Actual"])
    for kra, ind, w, t, a, d, tol, due in rows:
        ws.append([kra, ind, d, w, t, tol, due, a])
    wb.save(tmp_path / "mixed.xlsx")
    result = rollup(tmp_path / "mixed.xlsx", None)
    core = score_scorecard([r[2] for r in rows], [r[4] for r in rows], [r[3] for r in rows],
                           [r[5] for r in rows], [r[6] for r in rows], [r[7] for r in rows], policy=default_policy())
    assert result.summary["kpi_value"].iloc[0] == round_kpi(core.kpi_value)
    assert np.allclose(result.tables.details["score"], core.scores, equal_nan=True)
    assert result.summary["level"].iloc[0] == core.band.level
    assert result.tables.details["score"].round(6).tolist() == [120.0, round(100 - 100 * 0.3 / 99.5, 6), 100.0, 0.0]


def test_policy_is_used(tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "max_score: 120\nbands:\n"
        "  - {level: 1, above: null, label: {id: Kurang, en: Poor}, bonus: 0, raise: '0%'}\n"
        "  - {level: 2, above: 100, label: {id: Baik, en: Good}, bonus: 1, raise: '5%'}\n", encoding="utf-8")
    seed_workbook(tmp_path / "a.xlsx")
    result = rollup(tmp_path / "a.xlsx", None, policy=policy)
    capped = sum(w * min(s, 120) / 100 for (_, _, w, _, _), s in zip(GOLDEN_ROWS, GOLDEN_SCORES))
    assert result.summary["kpi_value"].iloc[0] == pytest.approx(capped)
    assert result.summary["label"].iloc[0] == "Good"


@pytest.mark.parametrize("column, value, message", [
    ("actuals", 1e308, "the actual 1e+308 is out of range for a KPI (a damaged cell?); type the real number: "
                       "this KPI row counts as 0 until it is fixed"),
    ("actuals", -1e300, "the actual -1e+300 is out of range for a KPI (a damaged cell?); type the real number: "
                        "this KPI row counts as 0 until it is fixed"),
])
def test_a_number_no_kpi_has_is_one_error_row_not_a_stopped_rollup(tmp_path, column, value, message):
    # 1E+308 / 40 * 100 overflows to infinity, which the core refuses for a whole run.
    seed_workbook(tmp_path / "a.xlsx", who={"NIK": "E1"}, actuals=[value, 1_500_000, 32, 6, 22, 21, 33])
    seed_workbook(tmp_path / "b.xlsx", who={"NIK": "E2"})
    result = rollup(tmp_path, None)
    errors = [(Path(i.file).name, i.cell, i.message) for i in result.issues if i.severity == "error"]
    assert errors == [("a.xlsx", "E4", message)]
    assert result.summary["status"].tolist() == ["error", "complete"]
    assert round(result.summary["kpi_value"].iloc[0], 2) == round(113.65 - 15 * 125 / 100, 2)
