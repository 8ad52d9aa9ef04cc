"""`kpi-xl demo`: the README's main job, from built-in data only."""

from __future__ import annotations

import openpyxl
import pytest
from typer.testing import CliRunner

from kpi_xl.cli import app
from kpi_xl.demo import EMPLOYEES, GOLDEN_ID, HANDMADE_ID, MISSING_ID, make_demo


def test_make_demo_builds_and_rolls_up_a_department(tmp_path):
    demo = make_demo(tmp_path / "demo")
    result = demo.result
    assert result.output == tmp_path / "demo" / "kpi-summary.xlsx" and result.output.exists()
    assert result.scorecards == len(EMPLOYEES) - 1 == len(demo.scorecards)
    s = result.summary.set_index("employee_id")
    # The golden scorecard, generated and in the seed's hand-made layout, both give the method's numbers.
    for emp_id, kind in ((GOLDEN_ID, "generated"), (HANDMADE_ID, "hand-made")):
        assert s.loc[emp_id, "kpi_value"] == 113.65
        assert s.loc[emp_id, "level"] == 4 and s.loc[emp_id, "label"] == "Exceeds Target"
        assert s.loc[emp_id, "kind"] == kind
    assert s.loc[GOLDEN_ID, "bonus_amount"] == 15_000_000
    assert s.loc["E005", "status"] == "incomplete"
    assert sorted(set(s["level"])) == [1, 2, 3, 4, 5]
    assert result.tables.missing["employee_id"].tolist() == [MISSING_ID]
    assert [i.severity for i in result.issues] == ["info"]  # only the incomplete scorecard's note
    assert result.reconciles
    wb = openpyxl.load_workbook(result.output)
    assert wb.sheetnames[-1] == "9-Box"


def test_demo_twice_replaces_its_own_files(tmp_path):
    make_demo(tmp_path)
    (tmp_path / "mine.txt").write_text("keep me")
    again = make_demo(tmp_path, lang="id")
    assert again.result.scorecards == len(EMPLOYEES) - 1
    assert (tmp_path / "mine.txt").read_text() == "keep me"
    assert again.result.summary.set_index("employee_id").loc[GOLDEN_ID, "label"] == "Melebihi Target"


def test_cli_demo_default_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["demo"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert (tmp_path / "kpi-xl-demo" / "kpi-summary.xlsx").exists()
    assert "Rina Dewi" in result.output and "113.65" in result.output
    assert "Files found: 7 (7 with scorecards, 0 could not be read)" in result.output
    assert "Summary: kpi-xl-demo/kpi-summary.xlsx" in result.output
    assert "kpi-xl rollup kpi-xl-demo/scorecards --roster kpi-xl-demo/roster.xlsx" in result.output


def test_demo_refuses_a_file_as_folder(tmp_path):
    (tmp_path / "x").write_text("")
    result = CliRunner().invoke(app, ["demo", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "is a file" in result.output


@pytest.mark.parametrize("lang, label", [("en", "Exceeds Target"), ("id", "Melebihi Target")])
def test_demo_in_both_languages(tmp_path, lang, label):
    demo = make_demo(tmp_path, lang=lang)
    assert demo.result.summary.set_index("employee_id").loc[GOLDEN_ID, "label"] == label
