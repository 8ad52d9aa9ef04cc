"""`kpi-xl template` in-process: one scorecard, a roster run, options, exit codes, one-line errors."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.protection import hash_password
from rich.console import Console
from typer.testing import CliRunner

from kpi_xl import contract as C
from kpi_xl.roles import export_catalogue
from kpi_xl.cli import app
from kpi_xl.cli import template as template_cli
from kpi_xl.roles import role_from_dict
from kpi_xl.scorecard import FORMULA_MODES

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False, env={"COLUMNS": "200"})


def _value(wb, name):
    ((sheet, ref),) = list(wb.defined_names[name].destinations)
    return wb[sheet][ref.replace("$", "")].value


def test_one_scorecard_with_every_option(tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "max_score: 150\nlower_method: ratio\nbands:\n"
        "  - {level: 1, above: null, label: {id: Kurang, en: Poor}, bonus: 0, raise: '0%'}\n"
        "  - {level: 2, above: 100, label: {id: Baik, en: Good}, bonus: 1, raise: '5%'}\n", encoding="utf-8")
    out = tmp_path / "rina.xlsx"
    result = run("template", "digital-marketing-specialist", "-o", str(out), "--employee-name", "Rina Dewi",
                 "--employee-id", "1001", "--department", "Digital", "--supervisor", "Budi", "--period", "2026",
                 "--lang", "id", "--formulas", "udf", "--policy", str(policy), "--password", "rahasia")
    assert result.exit_code == 0, result.output
    assert result.output == f"Scorecard ditulis: {out}\n"  # --lang id: the console in Indonesian too
    wb = openpyxl.load_workbook(out)
    assert [_value(wb, n) for n in (C.EMPLOYEE_NAME, C.EMPLOYEE_ID, C.DEPARTMENT, C.SUPERVISOR, C.PERIOD)] == [
        "Rina Dewi", "1001", "Digital", "Budi", "2026"]
    assert wb.sheetnames[0] == "Kartu KPI"
    assert wb["Kartu KPI"]["K11"].value == "=KPI_SCORE(J11,G11,E11,H11,I11,Policy_Table)"
    assert (_value(wb, C.POLICY_MAX_SCORE), _value(wb, C.POLICY_LOWER_METHOD)) == (150, "ratio")
    assert wb["Kartu KPI"].protection.password == hash_password("rahasia")


def test_one_scorecard_defaults(tmp_path):
    out = tmp_path / "blank.xlsx"
    result = run("template", "hr-manager", "-o", str(out))
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "Scorecard"
    assert _value(wb, C.EMPLOYEE_NAME) is None
    assert _value(wb, C.DEPARTMENT) == "Human Resources"
    assert wb["Scorecard"]["K11"].value.startswith('=IF(N11="","",')  # native: the actual as read in N11
    assert wb["Scorecard"].protection.sheet and wb["Scorecard"].protection.password is None


def test_role_from_a_yaml_file(tmp_path):
    role = tmp_path / "clerk.yaml"
    role.write_text("id: clerk\nname: Clerk\ndepartment: Admin\nperiod: monthly\nkras:\n"
                    "  - {name: Filing, goal: Order, kpis: [{indicator: files, unit: files, weight: 100, "
                    "target: 10}]}\n", encoding="utf-8")
    result = run("template", str(role), "-o", str(tmp_path / "clerk.xlsx"))
    assert result.exit_code == 0, result.output
    assert _value(openpyxl.load_workbook(tmp_path / "clerk.xlsx"), C.ROLE_ID) == "clerk"


@pytest.mark.parametrize("args,code,message", [
    (["template", "hr-manager", "-o", "x.xlsx", "--formulas", "vba"], 2, "'vba' is not native or udf"),
    (["template", "hr-manager", "-o", "x.xlsx", "--lang", "fr"], 2, "'fr' is not en or id"),
    (["template", "-o", "x.xlsx"], 2, "give a ROLE or --roster ROSTER (one of them)"),
    (["template", "hr-manager", "--roster", "r.csv", "-o", "out"], 2, "give a ROLE or --roster ROSTER"),
    (["template", "hr-manager"], 2, "Missing option '-o'"),
    (["template", "--roster", "r.csv", "-o", "out", "--employee-name", "Ana"], 2,
     "the employee options come from the roster with --roster; leave them out"),
    (["template", "hr-manager", "-o", "x.xlsx", "--roles", "cat.xlsx"], 2, "--roles goes with --roster"),
    (["template", "chef", "-o", "x.xlsx"], 1, "Error: unknown role 'chef'; built-in roles: "),
    (["template", "hr-manager", "-o", "x.xls"], 1, "Error: x.xls: a scorecard is written as .xlsx"),
    (["template", "hr-manager", "-o", "no/such/dir/x.xlsx"], 1,
     "Error: no/such/dir/x.xlsx: folder no/such/dir does not exist"),
    (["template", "hr-manager", "-o", "x.xlsx", "--policy", "nope.yaml"], 1,
     "Error: nope.yaml: policy file not found"),
    (["template", "--roster", "missing.csv", "-o", "out"], 1, "Error: missing.csv: roster file not found"),
])
def test_refusals_and_exit_codes(tmp_path, monkeypatch, args, code, message):
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.xlsx").exists()


ROSTER = (
    "NIK,Nama,Departemen,Atasan,Jabatan,Periode,Gaji bulanan\n"
    "1001,Rina Dewi,Pemasaran,Budi,digital-marketing-specialist,2026,10000000\n"
    "1002,Andi,Penjualan,Budi,sales-manager,2026,\n"
    ",Tanpa ID,Penjualan,Budi,sales-manager,2026,\n"
    "1003,Koki,Dapur,Budi,chef,2026,\n"
    "1004,../../etc/passwd,TI,Budi,it-manager,2026,\n"
    "1005,Rina Dewi,Pemasaran,Budi,Digital Marketing Specialist,2026,\n"
)


def test_roster_run_writes_the_others_and_lists_refused_rows(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    out = tmp_path / "cards"
    result = run("template", "--roster", str(roster), "-o", str(out), "--lang", "id")
    assert result.exit_code == 1  # some rows were refused; the others are written
    lines = result.output.splitlines()
    assert lines[0] == f"4 file ditulis, 2 baris ditolak (di {out})"  # --lang id: the console in Indonesian
    assert lines[1:] == [
        "  roster.csv row 4: employee ID is blank",
        "  roster.csv row 5: unknown role 'chef' (use a role id such as sales-manager, a role name, or give --roles)",
    ]
    assert sorted(p.name for p in out.iterdir()) == [
        "1001_Rina_Dewi.xlsx", "1002_Andi.xlsx", "1004_etc_passwd.xlsx", "1005_Rina_Dewi.xlsx"]
    wb = openpyxl.load_workbook(out / "1004_etc_passwd.xlsx")
    assert _value(wb, C.EMPLOYEE_NAME) == "../../etc/passwd"
    assert wb.sheetnames[0] == "Kartu KPI"


def test_roster_run_all_written_exits_0_and_shows_progress_for_many(tmp_path, monkeypatch):
    roster = tmp_path / "big.csv"
    lines = ["Employee ID,Name,Role"] + [f"E{i:03d},Person {i},sales-manager" for i in range(25)]
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("template", "--roster", str(roster), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    # Not on a terminal (a pipe, a log): no bar, only the closing line.
    assert result.output == f"25 files written, 0 rows refused (in {tmp_path / 'out'})\n"
    assert len(list((tmp_path / "out").glob("*.xlsx"))) == 25
    # On a terminal: a bar counting the employees.
    screen = io.StringIO()
    monkeypatch.setattr(template_cli, "console", Console(file=screen, force_terminal=True, width=100))
    result = run("template", "--roster", str(roster), "-o", str(tmp_path / "again"))
    assert result.exit_code == 0
    assert "Scorecards" in screen.getvalue() and "25/25" in screen.getvalue()
    assert "25 files written, 0 rows refused" in screen.getvalue()


def test_small_roster_run_has_no_progress_bar(tmp_path):
    roster = tmp_path / "small.csv"
    roster.write_text("Employee ID,Name,Role\nE1,Ana,hr-manager\n", encoding="utf-8")
    result = run("template", "--roster", str(roster), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0
    assert result.output == f"1 file written, 0 rows refused (in {tmp_path / 'out'})\n"


def test_roster_with_roles_from_a_catalogue(tmp_path):
    clerk = role_from_dict({"id": "clerk", "name": {"en": "Clerk", "id": "Juru Arsip"}, "department": "Admin",
                            "period": "monthly", "kras": [{"name": "Filing", "goal": "Order", "kpis": [
                                {"indicator": "files", "unit": "files", "weight": 100, "target": 10}]}]}, "x")
    catalogue = export_catalogue([clerk], tmp_path / "roles.xlsx")
    roster = tmp_path / "roster.csv"
    roster.write_text("NIK,Nama,Jabatan\n1,Ana,Juru Arsip\n2,Budi,clerk\n", encoding="utf-8")
    result = run("template", "--roster", str(roster), "-o", str(tmp_path / "out"), "--roles", str(catalogue))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["1_Ana.xlsx", "2_Budi.xlsx"]
    result = run("template", "--roster", str(roster), "-o", str(tmp_path / "out2"))
    assert result.exit_code == 1
    assert "0 files written, 2 rows refused" in result.output


def test_existing_files_are_kept_unless_overwrite(tmp_path):
    out = tmp_path / "rina.xlsx"
    assert run("template", "hr-manager", "-o", str(out)).exit_code == 0
    filled = openpyxl.load_workbook(out)
    filled.worksheets[0]["J11"] = 95  # the employee has started on it
    filled.save(out)
    result = run("template", "hr-manager", "-o", str(out))
    assert result.exit_code == 1
    assert result.output == f"Error: {out}: exists, not overwritten; use --overwrite\n"
    assert openpyxl.load_workbook(out).worksheets[0]["J11"].value == 95
    result = run("template", "hr-manager", "-o", str(out), "--overwrite")
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out).worksheets[0]["J11"].value is None

    roster = tmp_path / "roster.csv"
    roster.write_text("NIK,Nama,Jabatan\n1,Ana,hr-manager\n2,Budi,hr-manager\n", encoding="utf-8")
    cards = tmp_path / "cards"
    assert run("template", "--roster", str(roster), "-o", str(cards)).exit_code == 0
    roster.write_text("NIK,Nama,Jabatan\n1,Ana,hr-manager\n2,Budi,hr-manager\n3,Cici,hr-manager\n",
                      encoding="utf-8")
    result = run("template", "--roster", str(roster), "-o", str(cards))
    assert result.exit_code == 0, result.output  # keeping a file is no error: the new employee is written
    assert result.output.splitlines() == [
        f"1 file written, 2 existing files kept, 0 rows refused (in {cards})",
        "  1_Ana.xlsx: exists, not overwritten; use --overwrite",
        "  2_Budi.xlsx: exists, not overwritten; use --overwrite",
    ]
    result = run("template", "--roster", str(roster), "-o", str(cards), "--overwrite")
    assert result.output == f"3 files written, 0 rows refused (in {cards})\n"


def test_importing_the_cli_loads_no_spreadsheet_library():
    # Every command imports kpi_xl.cli; only the ones that write workbooks need openpyxl.
    code = "import kpi_xl.cli, sys; print('openpyxl' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parent.parent)
    assert done.stdout == "False\n"


def test_the_cli_knows_the_formula_modes_of_the_library():
    assert template_cli.FORMULA_MODES == FORMULA_MODES


def test_help_texts():
    for args in (["template", "--help"], ["roles", "export", "--help"]):
        result = run(*args)
        assert result.exit_code == 0
        assert "Usage:" in result.output
    assert "one per employee of a roster" in run("template", "--help").output
    assert "role catalogue workbook" in run("roles", "export", "--help").output
