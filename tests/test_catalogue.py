"""Roles kept in Excel: the role catalogue workbook, read and written, and accepted wherever a role file is."""

from __future__ import annotations

import datetime as dt
import os
import stat

import openpyxl
import pytest
from typer.testing import CliRunner

from kpi_xl import RoleError
from kpi_xl import contract as C
from kpi_xl.roles import export_catalogue, read_catalogue
from kpi_xl.roles import check_roles
from kpi_xl.cli import app
from kpi_xl.roles import builtin_roles, load_roles, resolve_role
from kpi_xl.scorecard import build_scorecard

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False, env={"COLUMNS": "200"})


def test_round_trip_gives_the_same_roles(tmp_path):
    roles = builtin_roles()
    path = export_catalogue(roles, tmp_path / "roles.xlsx")
    back = read_catalogue(path)
    assert [r.id for r in back] == [r.id for r in roles]
    for original, read in zip(roles, back):
        assert read.model_dump() == original.model_dump(), original.id
    assert {r.source for r in back} == {"roles.xlsx"}


def test_exported_catalogue_layout(tmp_path):
    path = export_catalogue(builtin_roles(), tmp_path / "roles.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Read me", "KPIs", "Roles", "Activities", "Tasks"]
    ws = wb["KPIs"]
    headers = [c.value for c in ws[1]]
    assert headers[:10] == ["Role ID", "Role name (en)", "Role name (id)", "Department (en)", "Department (id)",
                            "KRA (en)", "KRA (id)", "Goal (en)", "Goal (id)", "Indicator (en)"]
    assert headers[13:19] == ["Weight", "Target", "Direction", "Tolerance", "Due date", "Period"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert len(rows) == sum(1 for r in builtin_roles() for _ in r.kpi_rows())
    golden = [r for r in rows if r[0] == "digital-marketing-specialist"]
    assert [(r[9], r[13], r[14]) for r in golden][:2] == [
        ("quality articles posted (monthly avg)", 15, 40), ("page views in the year", 10, 1_000_000)]
    assert ws.freeze_panes == "B2"
    assert {str(dv.sqref).split(":")[0] for dv in ws.data_validations.dataValidation} == {"P2", "N2"}


def _write(path, sheets):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


HAND_MADE = {
    "Katalog": [
        ["Katalog jabatan PT Contoh"],
        [],
        ["ID Jabatan", "Nama Jabatan", "Departemen", "KRA", "Tujuan", "Indikator", "Satuan", "Bobot", "Target",
         "Arah", "Toleransi atau tenggat", "Periode", "Metode"],
        ["cs-agent", "Agen Layanan", "Layanan", "Kepuasan", "Pelanggan puas", "skor CSAT", "poin", 40, 4.5,
         "Higher", None, "quarterly", "Survei"],
        ["cs-agent", "Agen Layanan", "Layanan", "Kecepatan", "Respons cepat", "waktu respons", "menit", 30, 10,
         "lower", None, "quarterly", None],
        ["cs-agent", "Agen Layanan", "Layanan", "Kepuasan", None, "keluhan terselesaikan", "%", "20", 95,
         "within", 3, "quarterly", None],
        ["cs-agent", "Agen Layanan", "Layanan", "Proyek", "Sistem baru", "migrasi helpdesk", "milestone", 10, None,
         "milestone", dt.datetime(2026, 9, 30), "annual", None],
        ["kasir", "Kasir", "Toko", "Transaksi", "Akurat", "selisih kas", "rupiah", 100, 0, "lower", None,
         "monthly", None],
    ],
}


def test_hand_made_catalogue_with_indonesian_headers(tmp_path):
    path = _write(tmp_path / "katalog.xlsx", HAND_MADE)
    agent, cashier = read_catalogue(path)
    assert (agent.id, agent.name.en, agent.name.id, agent.department.id, agent.period) == (
        "cs-agent", "Agen Layanan", "Agen Layanan", "Layanan", "quarterly")
    # Rows of one KRA need not be next to each other.
    assert [k.name.en for k in agent.kras] == ["Kepuasan", "Kecepatan", "Proyek"]
    assert [kpi.indicator.en for kpi in agent.kras[0].kpis] == ["skor CSAT", "keluhan terselesaikan"]
    assert agent.kras[0].goal.en == "Pelanggan puas"
    csat, resolved = agent.kras[0].kpis
    assert (csat.direction, csat.weight, csat.target, csat.method.en) == ("higher", 40, 4.5, "Survei")
    assert (resolved.weight, resolved.tolerance, resolved.due) == (20, 3, None)
    migration = agent.kras[2].kpis[0]
    assert (migration.direction, migration.due, migration.tolerance, migration.period) == (
        "milestone", dt.date(2026, 9, 30), None, "annual")
    assert cashier.kras[0].kpis[0].target == 0
    assert check_roles([agent, cashier]) == [w for w in check_roles([agent, cashier]) if w.severity == "warning"]


@pytest.mark.parametrize("change,message", [
    # Numbers are read by one rule (kpi_xl.values.read_number), which say what to type.
    (lambda rows: rows[3].__setitem__(7, "ten"),
     "katalog.xlsx: sheet Katalog, cell H4: weight 'ten' is not a number: type a number"),
    (lambda rows: rows[4].__setitem__(8, "soon"),
     "katalog.xlsx: sheet Katalog, cell I5: target 'soon' is not a number: type a number"),
    # "10,000" is 10000 in English and 10 in Indonesian: refused, never guessed.
    (lambda rows: rows[4].__setitem__(8, "10,000"),
     "katalog.xlsx: sheet Katalog, cell I5: target '10,000' is ambiguous (10000 or 10?): type the number "
     "without a thousands separator"),
    (lambda rows: rows[3].__setitem__(7, "1,500"),
     "katalog.xlsx: sheet Katalog, cell H4: weight '1,500' is ambiguous (1500 or 1.5?): type the number "
     "without a thousands separator"),
    (lambda rows: rows[3].__setitem__(7, True), "katalog.xlsx: sheet Katalog, cell H4: weight True is not a number"),
    (lambda rows: rows[5].__setitem__(10, "lots"),
     "katalog.xlsx: sheet Katalog, cell K6: tolerance or due date 'lots' is not a number: type a number"),
    (lambda rows: rows[3].__setitem__(7, None), "katalog.xlsx: sheet Katalog, cell H4: weight is blank"),
    (lambda rows: rows[4].__setitem__(3, None),
     "katalog.xlsx: sheet Katalog, cell D5: KRA is blank (every KPI row names its KRA)"),
    (lambda rows: rows[4].__setitem__(5, None), "katalog.xlsx: sheet Katalog, cell F5: indicator is blank"),
    (lambda rows: rows[5].__setitem__(0, None), "katalog.xlsx: sheet Katalog, cell A6: role ID is blank"),
    (lambda rows: rows[5].__setitem__(1, "Agen Lain"),
     "katalog.xlsx: sheet Katalog, cell B6: role 'cs-agent' has name 'Agen Lain' here but 'Agen Layanan' at "
     "sheet Katalog, cell B4"),
    (lambda rows: rows[6].__setitem__(10, "2026-13-45"),
     "katalog.xlsx: sheet Katalog, cell K7: due date '2026-13-45' is not a date (type a date, or YYYY-MM-DD)"),
    (lambda rows: rows[2].__setitem__(7, "Nilai"),
     "katalog.xlsx: no sheet with a header row naming at least Role ID, Indicator and Weight (one row per KPI)"),
])
def test_catalogue_errors_name_the_cell(tmp_path, change, message):
    rows = [list(r) for r in HAND_MADE["Katalog"]]
    change(rows)
    path = _write(tmp_path / "katalog.xlsx", {"Katalog": rows})
    with pytest.raises(RoleError) as info:
        read_catalogue(path)
    assert str(info.value) == message


@pytest.mark.parametrize("typed,read", [
    ("1.500.000", 1_500_000), ("1,500,000", 1_500_000), ("113,65", 113.65), (" 40 ", 40), ("0,5", 0.5),
    ("25%", 25), (40, 40),
])
def test_catalogue_numbers_typed_as_text(tmp_path, typed, read):
    rows = [list(r) for r in HAND_MADE["Katalog"]]
    rows[7][8] = typed  # the cashier's target
    (_, cashier) = read_catalogue(_write(tmp_path / "katalog.xlsx", {"Katalog": rows}))
    assert cashier.kras[0].kpis[0].target == pytest.approx(read)


def test_catalogue_is_written_with_the_usual_permissions(tmp_path):
    umask = os.umask(0)
    os.umask(umask)
    path = export_catalogue(builtin_roles()[:1], tmp_path / "roles.xlsx")
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == ["roles.xlsx"]


def test_optional_sheets_add_description_activities_and_tasks(tmp_path):
    sheets = {
        "KPI": [["Role ID", "Role", "Department", "KRA", "Indicator", "Unit", "Weight", "Target"],
                ["clerk", "Clerk", "Admin", "Filing", "files filed", "files", 100, 120]],
        "Peran": [["Role ID", "Description (en)", "Description (id)", "Period"],
                  ["clerk", "Keeps the files", "Menyimpan berkas", "monthly"]],
        "Aktivitas": [["Role ID", "KRA", "Aktivitas pendukung"],
                      ["clerk", None, "Scan documents"], ["clerk", "Filing", "Label folders"]],
        "Tugas": [["Role ID", "Tugas", "Frekuensi", "Bisa didelegasikan", "Keterangan"],
                  ["clerk", "Sort mail", "Harian", "ya", None], ["clerk", "Archive", "Bulanan", False, "yearly"]],
    }
    (clerk,) = read_catalogue(_write(tmp_path / "c.xlsx", sheets))
    assert (clerk.description.en, clerk.description.id, clerk.period) == ("Keeps the files", "Menyimpan berkas",
                                                                          "monthly")
    assert [a.en for a in clerk.supporting_activities] == ["Scan documents"]
    assert [a.en for a in clerk.kras[0].activities] == ["Label folders"]
    assert [(t.task.en, t.frequency.id, t.delegable) for t in clerk.tasks] == [
        ("Sort mail", "Harian", True), ("Archive", "Bulanan", False)]
    assert clerk.tasks[1].notes.en == "yearly"
    sheets["Aktivitas"].append(["clerk", "Cooking", "Bake"])
    with pytest.raises(RoleError, match="c2.xlsx: sheet Aktivitas, cell B4: role 'clerk' has no KRA 'Cooking'"):
        read_catalogue(_write(tmp_path / "c2.xlsx", sheets))
    sheets["Aktivitas"].pop()
    sheets["Tugas"].append(["clerk", "Nap", "Harian", "maybe"])
    with pytest.raises(RoleError, match="c3.xlsx: sheet Tugas, cell D4: 'maybe' is not yes or no"):
        read_catalogue(_write(tmp_path / "c3.xlsx", sheets))


def test_a_catalogue_is_accepted_wherever_a_role_file_is(tmp_path):
    path = _write(tmp_path / "katalog.xlsx", HAND_MADE)
    assert [r.id for r in load_roles(path)] == ["cs-agent", "kasir"]
    assert [r.id for r in load_roles(tmp_path)] == ["cs-agent", "kasir"]  # a folder holding it
    assert resolve_role(f"{path}#kasir").name.en == "Kasir"
    with pytest.raises(RoleError, match="holds 2 roles"):
        resolve_role(str(path))
    wb = build_scorecard(f"{path}#cs-agent", lang="id")
    ((sheet, ref),) = list(wb.defined_names[C.KPI_DIRECTION].destinations)
    assert [row[0].value for row in wb[sheet][ref.replace("$", "")]] == ["higher", "within", "lower", "milestone"]


def test_check_and_template_commands_take_a_catalogue(tmp_path):
    path = _write(tmp_path / "katalog.xlsx", HAND_MADE)
    result = run("check", str(path))
    assert result.exit_code == 0, result.output
    assert "2 roles checked: 0 errors" in result.output
    result = run("template", f"{path}#kasir", "-o", str(tmp_path / "kasir.xlsx"), "--lang", "id")
    assert result.exit_code == 0, result.output
    rows = [list(r) for r in HAND_MADE["Katalog"]]
    rows[4][7] = 50  # the agent's weights now sum to 120
    bad = _write(tmp_path / "bad.xlsx", {"Katalog": rows})
    result = run("check", str(bad))
    assert result.exit_code == 1
    assert "bad.xlsx: error: cs-agent: KPI weights sum to 120, not 100" in result.output


def test_roles_export_command(tmp_path):
    out = tmp_path / "roles.xlsx"
    result = run("roles", "export", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert f"10 roles written to {out}" in result.output
    assert len(read_catalogue(out)) == 10
    result = run("check", str(out))
    assert result.exit_code == 0
    assert "10 roles checked: 0 errors, 0 warnings" in result.output
    # Export chosen role files instead of the library; a catalogue converts to a catalogue.
    source = _write(tmp_path / "katalog.xlsx", HAND_MADE)
    result = run("roles", "export", "-o", str(tmp_path / "copy.xlsx"), str(source))
    assert result.exit_code == 0
    assert [r.model_dump() for r in read_catalogue(tmp_path / "copy.xlsx")] == [
        r.model_dump() for r in read_catalogue(source)]


@pytest.mark.parametrize("target,message", [
    ("roles.csv", "roles.csv: a role catalogue is written as .xlsx"),
    ("missing/roles.xlsx", "roles.xlsx: folder"),
])
def test_roles_export_refusals(tmp_path, target, message):
    result = run("roles", "export", "-o", str(tmp_path / target))
    assert result.exit_code == 1
    assert "Error: " in result.output and message in result.output


def test_unreadable_catalogue(tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK not really")
    with pytest.raises(RoleError, match=r"^.broken\.xlsx. is a CSV or text file with a \.xlsx name"):
        read_catalogue(broken)
