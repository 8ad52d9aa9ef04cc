"""The CLI's rough edges, in-process with exact lines: --lang in every command and position, readable help,
option errors, counted nouns, the roles table at 80 columns, role names, start-up imports.

Run serially: output compared line by line is wrapped by rich at the width given in COLUMNS.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from kpi_xl.cli import app
from kpi_xl.cli.text import count
from kpi_xl.resources import templates_dir

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = str(ROOT / "examples" / "worked-example.csv")
runner = CliRunner()


def run(*args: str, columns: int = 200):
    return runner.invoke(app, list(args), catch_exceptions=False, env={"COLUMNS": str(columns)})


HR_ID = "Manajer SDM (hr-manager) - Sumber Daya Manusia, periode: tahunan"
HR_EN = "HR Manager (hr-manager) - Human Resources, period: annual"


@pytest.mark.parametrize("args, first_line", [
    (["roles", "show", "hr-manager"], HR_EN),
    (["roles", "show", "hr-manager", "--lang", "ID"], HR_ID),
    (["--lang", "id", "roles", "show", "hr-manager"], HR_ID),  # before the command
    (["roles", "--lang", "id", "show", "hr-manager"], HR_ID),  # on the group
    (["--LANG", "Id", "roles", "show", "hr-manager"], HR_ID),  # the option's name in any case too
    (["--lang", "id", "roles", "show", "hr-manager", "--lang", "en"], HR_EN),  # the nearest one wins
    (["roles", "show", "Manajer SDM", "--lang", "id"], HR_ID),
])
def test_lang_in_any_position(args, first_line):
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == first_line


def test_score_in_indonesian():
    result = run("--lang", "id", "score", GOLDEN, "--salary", "Rp 10.000.000")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-4:] == [
        "Nilai KPI: 113.65%",
        "Level: 4 (Melebihi Target)",
        "Bonus: 1.5 x gaji sebulan = 15,000,000.00",
        "Kenaikan gaji: 7%–9%",
    ]
    assert "┃ # ┃ indikator" in result.output and "skor akhir ┃" in result.output


def test_check_and_export_in_indonesian(tmp_path):
    result = run("check", str(ROOT / "templates" / "roles"), "--lang", "id")
    assert result.output == "10 jabatan diperiksa: 0 error, 0 peringatan\n"
    out = tmp_path / "roles.xlsx"
    result = run("--lang", "id", "roles", "export", "-o", str(out))
    assert result.output == f"10 jabatan ditulis ke {out}\n"


def test_excel_commands_in_indonesian(tmp_path):
    result = run("--lang", "id", "excel", "classic", str(tmp_path))
    assert result.output.splitlines() == [f"ditulis {tmp_path / 'xlwings.conf'}", f"ditulis {tmp_path / 'SETUP.txt'}",
                                          f"Berikutnya: ikuti {tmp_path / 'SETUP.txt'}"]
    result = run("excel", "--lang", "id", "lite", str(tmp_path / "lite"))
    assert result.output.splitlines()[-1] == ("Berikutnya: tempel main.py dan requirements.txt ke panel tugas "
                                              "xlwings Lite")


def test_demo_and_rollup_in_indonesian(tmp_path):
    result = run("--lang", "id", "demo", str(tmp_path / "demo"))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    folder = tmp_path / "demo"
    assert lines[0] == f"Departemen demo di {folder}: roster roster.xlsx, 13 file scorecard di scorecards/"
    assert lines[1].strip() == "Ringkasan departemen"
    assert lines[3].split() == ["ID", "nama", "KPI", "%", "akhir", "%", "level", "kriteria", "status"]
    # The demo's final rating (KPI value 70, competencies 30): Joko's 63.40 KPI value rates 74.38, level 2.
    assert "E005   Joko Prasetyo     63.40     74.38       2   Belum Mencapai Target   belum lengkap" in result.output
    assert lines[-10:] == [
        "File ditemukan: 13 (13 berisi scorecard, 0 tidak dapat dibaca)",
        "Scorecard dibaca: 13 (11 lengkap, 2 belum lengkap, 0 dengan error)",
        "Level: level 1: 0, level 2: 5, level 3: 4, level 4: 2, level 5: 2",  # the final rating's levels
        "Masalah: 0 error, 2 peringatan, 2 info (lihat sheet Masalah)",
        "File yang tidak dapat dibaca: 0",
        "Belum punya scorecard: 1 karyawan roster (lihat sheet Belum Ada Scorecard)",
        "Periode: TW III 2025, TW IV 2025; tahunan 2025: 7 karyawan roster (3 membaik, 0 menurun; lihat sheet "
        "Periode)",
        f"Ringkasan: {folder / 'kpi-summary.xlsx'}",
        f"Buka {folder / 'kpi-summary.xlsx'} untuk melihat semua sheet; jalankan sendiri dengan:",
        f"  kpi-xl rollup {folder / 'scorecards'} --roster {folder / 'roster.xlsx'} -o "
        f"{folder / 'kpi-summary.xlsx'} --policy {templates_dir() / 'policy-with-competencies.yaml'} --lang id",
    ]
    # The rollup itself, --lang before the command: the same counts in Indonesian.
    again = run("--lang", "ID", "rollup", str(folder / "scorecards"), "-o", str(tmp_path / "again.xlsx"))
    assert again.exit_code == 0, again.output
    assert "Masalah: 0 error, 1 peringatan, 2 info (lihat sheet Masalah)" in again.output.splitlines()


ROLES_AT_80 = [
    "Built-in roles",
    "",
    " id                             role                           KRAs   KPIs ",
    " ───────────────────────────────────────────────────────────────────────── ",
    " customer-service-manager       Customer Service Manager          4      8 ",
    " digital-marketing-specialist   Digital Marketing Specialist      4      7 ",
]


def test_roles_table_fits_80_columns_without_cutting_ids_or_names():
    result = run("roles", columns=80)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert [line.rstrip() for line in lines[:6]] == [line.rstrip() for line in ROLES_AT_80]
    assert all(len(line) <= 80 for line in lines)
    assert "software-engineer              Software Engineer" in result.output
    assert lines[-1] == "Show one (department, period, KPIs) with: kpi-xl roles show ID"
    wide = run("roles", columns=120)  # room for every column
    assert "department" in wide.output and "Information Technology" in wide.output
    assert wide.output.splitlines()[-1] == "Show one with: kpi-xl roles show ID"
    indonesian = run("roles", "--lang", "id", columns=80)
    assert " hr-manager                     Manajer SDM" in indonesian.output


def _commands(command, path=()):
    yield path
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, path + (name,))


def test_help_shows_no_python_types():
    for path in _commands(typer.main.get_command(app)):
        text = run(*path, "--help").output
        for python_word in ("<", "{", "list[", "Path", "<int", "<str>", "<file>", "range>"):
            assert python_word not in text, (path, python_word, text)
    assert "Usage: root rollup [OPTIONS] SCORECARD..." in run("rollup", "--help").output
    assert "-j, --jobs N" in run("rollup", "--help").output
    assert "Usage: root template [OPTIONS] [ROLE]" in run("template", "--help").output


@pytest.mark.parametrize("amount, message", [
    ("abc", "Error: Invalid value for --salary: 'abc' is not an amount (e.g. 8500000 or 8.500.000)"),
    ("-5", "Error: Invalid value for --salary: '-5' is not an amount (e.g. 8500000 or 8.500.000)"),
])
def test_salary_that_is_no_amount_is_one_line_naming_the_option(amount, message):
    result = run("score", GOLDEN, "--salary", amount)
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == message
    assert "pydantic" not in result.output and "Input should be" not in result.output


@pytest.mark.parametrize("n, noun, lang, text", [
    (1, "error", "en", "1 error"), (0, "error", "en", "0 errors"), (2, "file", "en", "2 files"),
    (1, "file", "en", "1 file"), (1, "role", "en", "1 role"), (2, "row", "id", "2 baris"),
    (1, "employee", "en", "1 roster employee"), (1234, "warning", "en", "1,234 warnings"),
])
def test_counted_nouns(n, noun, lang, text):
    assert count(n, noun, lang) == text


@pytest.mark.parametrize("name", ["Digital Marketing Specialist", "digital marketing specialist",
                                  "SPESIALIS PEMASARAN DIGITAL", "digital-marketing-specialist"])
def test_template_takes_role_names(tmp_path, name):
    result = run("template", name, "-o", str(tmp_path / "card.xlsx"))
    assert result.exit_code == 0, result.output
    assert result.output == f"Scorecard written: {tmp_path / 'card.xlsx'}\n"


@pytest.mark.parametrize("typed, line", [
    ("sales-manger", "Error: unknown role 'sales-manger'; did you mean sales-manager? "
                     "(kpi-xl roles lists them all; or give a role file)"),
    ("Digital Marketer", "Error: unknown role 'Digital Marketer'; did you mean digital-marketing-specialist? "
                         "(kpi-xl roles lists them all; or give a role file)"),
    ("manajer sdn", "Error: unknown role 'manajer sdn'; did you mean hr-manager? "
                    "(kpi-xl roles lists them all; or give a role file)"),
])
def test_misspelt_role_gets_did_you_mean(tmp_path, typed, line):
    for args in (["roles", "show", typed], ["template", typed, "-o", str(tmp_path / "x.xlsx")]):
        result = run(*args)
        assert result.exit_code == 1
        assert result.output.splitlines() == [line]


def test_roster_with_a_title_row_and_an_empty_roster(tmp_path):
    roster = tmp_path / "karyawan.csv"
    roster.write_text("Daftar Karyawan 2026;;\nNIK;Nama;Jabatan;Gaji bulanan\n"
                      "1001;Rina Dewi;Digital Marketing Specialist;8.500.000\n1002;Budi;sales-manager;7.000.000\n",
                      encoding="utf-8")
    result = run("template", "--roster", str(roster), "-o", str(tmp_path / "cards"))
    assert result.exit_code == 0, result.output
    assert result.output == f"2 files written, 0 rows refused (in {tmp_path / 'cards'})\n"
    empty = tmp_path / "kosong.csv"
    empty.write_text("Daftar Karyawan 2026;;\nNIK;Nama;Jabatan;Gaji bulanan\n;;;\n", encoding="utf-8")
    result = run("template", "--roster", str(empty), "-o", str(tmp_path / "none"))
    assert result.exit_code == 1
    assert result.output == ("Error: kosong.csv: no employees below the header row (row 2): "
                             "add one row per employee\n")


HEAVY = ("numpy", "pandas", "openpyxl", "pydantic", "yaml", "rich", "xlwings", "kpi_xl.roles")
# The installed entry point in-process, then the heavy modules it loaded.
PROBE = """
import sys
sys.argv = ["kpi-xl", *sys.argv[1:]]
from kpi_xl.cli import main
try:
    main()
except SystemExit:
    pass
print("LOADED", sorted(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)
"""


@pytest.mark.parametrize("args, allowed", [
    (["--help"], []),
    (["--version"], []),
    (["roles", "--help"], []),
    (["roles"], ["kpi_xl.roles", "pydantic", "rich", "yaml"]),  # no numpy, pandas or openpyxl
])
def test_start_up_loads_only_what_the_command_needs(args, allowed):
    done = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), *args], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    assert done.stderr.strip().splitlines()[-1] == f"LOADED {sorted(allowed)}"


def test_score_of_a_scorecard_not_started_shows_no_kpi_value_level_or_bonus(tmp_path):
    """Not one actual reported: a KPI value of 0 would say "far below target"; there is none yet (as in
    the rollup)."""
    from typer.testing import CliRunner

    from kpi_xl.cli import app

    path = tmp_path / "blank.csv"
    path.write_text("weight,target,actual\n60,40,\n40,10,\n", encoding="utf-8")
    shown = CliRunner().invoke(app, ["score", str(path)])
    assert shown.exit_code == 0
    assert shown.output.strip().splitlines()[-1] == (
        "Status: not started (no actual reported yet): no KPI value, level or bonus until one is")
    assert "KPI value:" not in shown.output and "Level:" not in shown.output
    table = CliRunner().invoke(app, ["score", str(path), "--csv", "--salary", "8.500.000"])
    assert table.output.splitlines()[1:] == ["1,,60,40,,,,,,,,,", "2,,40,10,,,,,,,,,"]
