"""`kpi-xl demo`: the README's main job, from built-in data only; what it says, and the folders it refuses."""

from __future__ import annotations

import os
import shutil

import openpyxl
import pytest
from rollup_helpers import seed_workbook
from typer.testing import CliRunner

from kpi_xl.cli import app
from kpi_xl.demo import EMPLOYEES, GOLDEN_ID, HANDMADE_ID, MANIFEST_FILE, MISSING_ID, ROSTER_FILE, make_demo


def _copy(demo, folder):
    """A copy of a built demo folder, as if make_demo had made it there."""
    shutil.copytree(demo.folder, folder, dirs_exist_ok=True)
    return folder


def test_make_demo_builds_and_rolls_up_a_department(built_demo):
    demo = built_demo("en")
    result = demo.result
    assert demo.folder.name == "demo"
    assert result.output == demo.folder / "kpi-summary.xlsx" and result.output.exists()
    # Two quarters: six generated scorecards in each, and the hand-made one in Q4 2025.
    assert result.scorecards == 2 * (len(EMPLOYEES) - 2) + 1 == len(demo.scorecards)
    s = result.summary[result.summary["period"] != "Q3 2025"].set_index("employee_id")
    # The golden scorecard, generated and in the seed's hand-made layout, both give the method's numbers.
    for emp_id, kind in ((GOLDEN_ID, "generated"), (HANDMADE_ID, "hand-made")):
        assert s.loc[emp_id, "kpi_value"] == 113.65
        assert s.loc[emp_id, "level"] == 4 and s.loc[emp_id, "label"] == "Exceeds Target"
        assert s.loc[emp_id, "kind"] == kind
    assert s.loc[GOLDEN_ID, "bonus_amount"] == 15_000_000
    # The final rating (policy-with-competencies.yaml): KPI value 70, competencies 30. Rina's supervisor rates
    # every competency 3 (meets: 100 %): 0.7 x 113.65 + 0.3 x 100 = 109.555, level 4 as her KPI value's.
    assert s.loc[GOLDEN_ID, "competency"] == 100 and s.loc[GOLDEN_ID, "final_rating"] == 109.555
    assert s.loc[GOLDEN_ID, "kpi_level"] == 4
    # Budi's hand-made competency table (Indonesian): supervisor 4, 3, 3, 3, 3 weighted 25, 20, 20, 20, 15.
    assert s.loc[HANDMADE_ID, "competency"] == pytest.approx((4 * 25 + 3 * 75) / 3)
    assert s.loc["E005", "status"] == "incomplete"
    assert sorted(set(s["level"])) == [2, 3, 4, 5]
    assert result.tables.missing["employee_id"].tolist() == [MISSING_ID]
    # The incomplete scorecard's note in each quarter.
    # and Budi's self-rating 5 against his supervisor's 3 (policy self_gap 2).
    assert sorted(i.severity for i in result.issues) == ["info", "info", "warning", "warning"]
    assert any("E003 (Budi Santoso) has no scorecard for Q3 2025" in i.message for i in result.issues)
    assert result.tables.periods is not None and len(result.tables.periods.periods) == 2
    assert result.reconciles
    wb = openpyxl.load_workbook(result.output)
    assert wb.sheetnames[-3:] == ["9-Box", "Periods", "Calibration"]


def test_demo_twice_replaces_its_own_files(built_demo):
    # built_demo("id"): make_demo(lang="id") over the English demo's folder, with HR's mine.txt in it.
    again = built_demo("id")
    assert again.folder != built_demo("en").folder
    assert again.result.scorecards == 2 * (len(EMPLOYEES) - 2) + 1
    assert (again.folder / "mine.txt").read_text() == "keep me"
    s = again.result.summary
    assert s[s["period"] == "TW IV 2025"].set_index("employee_id").loc[GOLDEN_ID, "label"] == "Melebihi Target"


@pytest.fixture(scope="module")
def cli_demo(tmp_path_factory):
    """`kpi-xl demo` run once in an empty folder, with no folder named: (the folder, its output).
    (tests/test_cli_edges.py runs it with a folder named, in Indonesian.)"""
    folder = tmp_path_factory.mktemp("cli-demo")
    here = os.getcwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(app, ["demo"], env={"COLUMNS": "200"})
    finally:
        os.chdir(here)
    return folder, result


def test_cli_demo_default_folder(cli_demo):
    tmp_path, result = cli_demo
    assert result.exit_code == 0, result.output
    assert (tmp_path / "kpi-xl-demo" / "kpi-summary.xlsx").exists()
    assert "Rina Dewi" in result.output and "113.65" in result.output
    assert "Files found: 13 (13 with scorecards, 0 could not be read)" in result.output
    assert "Summary: kpi-xl-demo/kpi-summary.xlsx" in result.output
    assert "kpi-xl rollup kpi-xl-demo/scorecards --roster kpi-xl-demo/roster.xlsx" in result.output
    assert "policy-with-competencies.yaml" in result.output


def test_demo_refuses_a_file_as_folder(tmp_path):
    (tmp_path / "x").write_text("")
    result = CliRunner().invoke(app, ["demo", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "is a file" in result.output


@pytest.mark.parametrize("lang, label", [("en", "Exceeds Target"), ("id", "Melebihi Target")])
def test_demo_in_both_languages(built_demo, lang, label):
    demo = built_demo(lang)
    s = demo.result.summary
    assert s[s["kpi_value"] == 113.65].set_index("employee_id").loc[GOLDEN_ID, "label"] == label


def test_cli_demo_says_who_is_missing(cli_demo):
    _, out = cli_demo
    assert out.exit_code == 0, out.output
    assert "Missing: 1 roster employee without a scorecard (see the Missing sheet)" in out.output


def _cli(*args, columns=200):
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": str(columns)})


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


def test_demo_twice_then_an_edited_demo_file_is_refused(tmp_path, built_demo):
    assert (built_demo("en").folder / MANIFEST_FILE).read_text().count("  scorecards/") == 13
    _copy(built_demo("id"), tmp_path)  # the demo run twice: its own files replaced
    assert (tmp_path / MANIFEST_FILE).read_text().count("  scorecards/") == 13
    wb = openpyxl.load_workbook(tmp_path / ROSTER_FILE)
    wb.active["B2"] = "Rina Dewi Lestari"  # HR started using the demo roster
    wb.save(tmp_path / ROSTER_FILE)
    with pytest.raises(Exception, match=r"\(roster\.xlsx\)"):
        make_demo(tmp_path)


def test_demo_summary_roles_are_in_english(built_demo):
    s = built_demo("en").result.summary.set_index("employee_id")
    assert s.loc["E003", "role"] == "Digital Marketing Specialist"  # the hand-made one gives its role ID
