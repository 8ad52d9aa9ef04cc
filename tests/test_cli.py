"""The CLI in-process: output, exit codes, one-line errors, help on every command."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from kpi_xl.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False, env={"COLUMNS": "200"})


def test_roles_lists_the_ten():
    result = runner.invoke(app, ["roles"], env={"COLUMNS": "80"})  # ids whole even in a narrow terminal
    assert result.exit_code == 0
    for role_id in ("sales-manager", "digital-marketing-specialist", "software-engineer",
                    "customer-service-manager", "social-media-specialist"):
        assert role_id in result.output
    result = run("roles")
    assert "Digital Marketing Specialist" in result.output


def test_roles_show_golden_in_both_languages():
    result = run("roles", "show", "digital-marketing-specialist")
    assert result.exit_code == 0
    assert "Manage the company blog" in result.output
    assert "1,000,000" in result.output
    assert "100" in result.output  # the total weight row
    result = run("roles", "show", "digital-marketing-specialist", "--lang", "id")
    assert result.exit_code == 0
    assert "Mengelola blog perusahaan" in result.output


def test_roles_show_unknown_is_one_line_exit_1():
    result = run("roles", "show", "chef")
    assert result.exit_code == 1
    assert "Error: unknown role 'chef'" in result.output
    assert "Traceback" not in result.output


def test_bad_lang_is_a_usage_error():
    result = run("roles", "show", "hr-manager", "--lang", "fr")
    assert result.exit_code == 2
    assert "'fr' is not en or id" in result.output


def test_check_builtin_folder_passes():
    result = run("check", str(ROOT / "templates" / "roles"))
    assert result.exit_code == 0, result.output
    assert "10 roles checked: 0 errors, 0 warnings" in result.output


def test_check_reports_errors_and_exits_1(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: bad\nname: Bad\ndepartment: X\nperiod: monthly\nkras:\n"
        "  - name: Only area\n    goal: G\n    kpis:\n"
        "      - {indicator: calls, unit: calls, weight: 60, target: 0, direction: higher}\n",
        encoding="utf-8",
    )
    result = run("check", str(bad))
    assert result.exit_code == 1
    assert "bad.yaml: error: bad: KPI weights sum to 60, not 100. Fix:" in result.output
    assert "bad.yaml: error: bad / Only area / calls: a target of 0 cannot be scored with direction higher" in result.output
    assert "bad.yaml: warning: bad: 1 KRAs; 4-6 keep a role focused" in result.output
    assert "1 role checked: 2 errors, 1 warning" in result.output


def test_check_unreadable_role_file(tmp_path):
    bad = tmp_path / "sales.yaml"
    bad.write_text("id: s\nname: S\ndepartment: X\nkras:\n  - name: A\n    kpis:\n      - {indicator: i, weight: 5, target: ten}\n",
                   encoding="utf-8")
    good = tmp_path / "good.yaml"
    good.write_text((ROOT / "templates" / "roles" / "hr-manager.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    hidden = tmp_path / ".git" / "junk.yaml"
    hidden.parent.mkdir()
    hidden.write_text("not: a role\n", encoding="utf-8")
    result = run("check", str(tmp_path))
    assert result.exit_code == 1
    # The unreadable file is reported and the good one beside it still checked; .git is skipped.
    assert result.output.strip().splitlines() == [
        "error: sales.yaml: kras[0].kpis[0].target: 'ten' is not a number",
        "1 role checked: 1 error, 0 warnings",
    ]


def test_score_golden_csv():
    result = run("score", str(ROOT / "examples" / "worked-example.csv"), "--salary", "10000000")
    assert result.exit_code == 0, result.output
    assert "KPI value: 113.65%" in result.output
    assert "Level: 4 (Exceeds Target)" in result.output
    assert "Bonus: 1.5 x monthly salary = 15,000,000.00" in result.output
    assert "Raise: 7%–9%" in result.output
    assert "18.75" in result.output and "17.60" in result.output


def test_score_csv_output_for_scripts():
    result = run("score", str(ROOT / "examples" / "worked-example.csv"), "--csv", "--lang", "id")
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    # One table: each KPI row with its indicator and score, the scorecard's result on every row.
    assert len(lines) == 8
    assert lines[0] == "row,indicator,weight,target,actual,score,final,kpi_value,level,label,bonus_multiple,raise"
    assert lines[1] == ("1,quality articles posted (monthly avg),15,40,50,125.000000,18.750000,"
                        "113.650000,4,Melebihi Target,1.5,7%–9%")
    assert lines[-1] == ("7,ad cost reduction (%),15,30,33,110.000000,16.500000,"
                         "113.650000,4,Melebihi Target,1.5,7%–9%")
    result = run("score", str(ROOT / "examples" / "worked-example.csv"), "--csv", "--salary", "10.000.000")
    lines = result.output.strip().splitlines()
    assert lines[0].endswith(",raise,bonus") and lines[1].endswith(",1.5,7%–9%,15000000.00")


@pytest.mark.parametrize(
    "content,message",
    [
        ("weight,target,actual\n50,40,50\n50,0,10\n", "Error: kpis.csv line 3: target is 0"),
        ("weight,target,actual\n50,40,abc\n50,10,10\n", "Error: kpis.csv line 2: actual 'abc' is not a number: type a number"),
        ("weight,target,actual,direction\n50,40,5,up\n50,10,10,\n",
         "Error: kpis.csv line 2: direction 'up' is not one of higher, lower, within, milestone (or naik, turun, rentang, tonggak)"),
        ("weight,target\n50,40\n", "Error: kpis.csv: missing column(s) actual (the header row needs weight, target, actual)"),
        ("weight,target,actual\n", "Error: kpis.csv: no KPI rows below the header"),
        ("weight,target,actual\n0,40,50\n", "Error: kpis.csv: weights sum to 0"),
        ("weight,target,actual\n50,40,50\n,10,10\n", "Error: kpis.csv line 3: weight is blank"),
        ("weight,target,actual\n50,40,50\n-50,10,10\n", "Error: kpis.csv line 3: weight -50 is below 0"),
        ("weight,target,actual\n50,40,nan\n", "Error: kpis.csv line 2: actual 'nan' is not a number: type a number"),
    ],
)
def test_score_bad_csv(tmp_path, content, message):
    path = tmp_path / "kpis.csv"
    path.write_text(content, encoding="utf-8")
    result = run("score", str(path))
    assert result.exit_code == 1
    assert result.output.strip() == message


def test_score_semicolon_windows_csv(tmp_path):
    # Indonesian-locale Excel saves ";"-separated CSV in Windows-1252.
    path = tmp_path / "kpis.csv"
    path.write_bytes("indikator;weight;target;actual\nposting artikel \xe9;100;40;50\n".encode("cp1252"))
    result = run("score", str(path))
    assert result.exit_code == 0, result.output
    assert "KPI value: 125.00%" in result.output


def test_score_milestone_due_in_target_column(tmp_path):
    path = tmp_path / "kpis.csv"
    path.write_text("weight,target,actual,direction\n50,46112,46100,milestone\n50,46112,46120,milestone\n",
                    encoding="utf-8")
    result = run("score", str(path), "--csv")
    assert [line.split(",")[:7] for line in result.output.strip().splitlines()[1:3]] == [
        ["1", "", "50", "46112", "46100", "100.000000", "50.000000"],
        ["2", "", "50", "46112", "46120", "0.000000", "0.000000"]]


def test_score_refuses_a_workbook_and_reads_short_rows(tmp_path):
    book = tmp_path / "rina.xlsx"
    book.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    result = run("score", str(book))
    assert result.exit_code == 1
    assert result.output.strip() == 'Error: rina.xlsx: this is a workbook, not a CSV file: save it from Excel as "CSV UTF-8" first'
    short = tmp_path / "short.csv"
    short.write_text("weight,target,actual\n50,40,50\n50,40\n", encoding="utf-8")
    result = run("score", str(short))
    assert result.exit_code == 0
    assert "KPI value: 62.50%" in result.output and "Status: incomplete" in result.output


def test_score_indonesian_headers_and_weights_not_100(tmp_path):
    path = tmp_path / "kpi.csv"
    path.write_text("Indikator;Bobot;Target;Aktual\nartikel;80;40;50\n", encoding="utf-8")
    result = run("score", str(path))
    assert result.exit_code == 0
    assert "KPI value: 125.00%" in result.output
    assert "Note: the weights sum to 80, not 100; the KPI value divides by their sum" in result.output


def test_score_milestone_iso_dates_and_refused_local_dates(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("weight,target,actual,direction,due\n50,1,2026-02-20,milestone,2026-03-01\n"
                    "50,1,2026-03-02,milestone,2026-03-01\n", encoding="utf-8")
    result = run("score", str(path), "--csv")
    assert [line.split(",")[5] for line in result.output.splitlines()[1:3]] == ["100.000000", "0.000000"]
    path.write_text("weight,target,actual,direction,due\n50,1,20/02/2026,milestone,2026-03-01\n", encoding="utf-8")
    result = run("score", str(path))
    assert result.output.strip() == ("Error: m.csv line 2: actual '20/02/2026' is not a date kpi-xl can read: "
                                     "write it as YYYY-MM-DD")


def test_score_incomplete_and_custom_policy(tmp_path):
    (tmp_path / "kpis.csv").write_text("weight,target,actual\n50,100,120\n50,100,\n", encoding="utf-8")
    policy = tmp_path / "p.yaml"
    policy.write_text((ROOT / "templates" / "policy.yaml").read_text(encoding="utf-8")
                      .replace("above: 70", "above: 50"), encoding="utf-8")
    result = run("score", str(tmp_path / "kpis.csv"), "--policy", str(policy))
    assert result.exit_code == 0
    assert "KPI value: 60.00%" in result.output
    assert "Level: 2 (Below Target)" in result.output  # 60 > 50 with the company's bands
    assert "Status: incomplete" in result.output
    bad = tmp_path / "broken.yaml"
    bad.write_text("bands: 3\n", encoding="utf-8")
    result = run("score", str(tmp_path / "kpis.csv"), "--policy", str(bad))
    assert result.exit_code == 1
    assert result.output.strip() == "Error: broken.yaml: bands: expected a list of at least two bands"


def _walk(command, path: tuple[str, ...] = ()):
    yield path, command
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            yield from _walk(sub, path + (name,))


def test_every_command_has_help_and_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    root = typer.main.get_command(app)
    commands = list(_walk(root))
    assert len(commands) >= 5
    for path, command in commands:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, path
        assert (command.help or "").strip(), f"kpi-xl {' '.join(path)} has no help text"
        if path:
            assert f"kpi-xl {' '.join(path)}" in readme, f"kpi-xl {' '.join(path)} is not in the README"


@pytest.mark.parametrize("args, expected", [
    (["roles", "show", "digital-marketing-specialist", "--lang", "ID"], "Spesialis Pemasaran Digital"),
    (["roles", "show", "digital-marketing-specialist", "--lang", " En "], "Digital Marketing Specialist"),
    (["score", str(ROOT / "examples" / "worked-example.csv"), "--lang", "Id"], "Level: 4 (Melebihi Target)"),
])
def test_lang_is_a_choice_in_any_case(args, expected):
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert expected in result.output


@pytest.mark.parametrize("args, message", [
    (["roles", "--lang", "fr"], "'fr' is not en or id"),
    (["score", str(ROOT / "examples" / "worked-example.csv"), "--lang", "english please"],
     "'english please' is not en or id"),
    (["template", "hr-manager", "-o", "x.xlsx", "--formulas", "VBA"], "'VBA' is not native or udf"),
])
def test_a_choice_outside_the_list_is_a_usage_error(args, message):
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_choices_are_shown_in_help():
    assert "[en|id]" in run("roles", "show", "--help").output
    assert "[native|udf]" in run("template", "--help").output


def test_each_command_module_holds_its_own_group():
    # demo and excel console live with their groups; roles export with roles.
    from kpi_xl.cli import demo, excel, roles

    assert demo.demo_command.__module__ == "kpi_xl.cli.demo"
    assert excel.excel_console.__module__ == "kpi_xl.cli.excel"
    assert roles.roles_export.__module__ == "kpi_xl.cli.roles"
    names = {c.name for c in excel.excel_app.registered_commands}
    assert names == {"classic", "lite", "console"}
