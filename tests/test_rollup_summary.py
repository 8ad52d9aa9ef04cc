"""The department summary and what `kpi-xl rollup` prints: the summary workbook's sheets, formats, chart, labels and marker, roles in the summary's language, the command's output and refusals."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest
from rollup_helpers import GOLDEN_ROWS, seed_workbook
from typer.testing import CliRunner

from kpi_xl import contract as c
from kpi_xl.cli import app
from kpi_xl.errors import KpiFileError
from kpi_xl.roles import builtin_role, builtin_role_index
from kpi_xl.rollup import rollup
from kpi_xl.roster import Employee, Roster
from kpi_xl.scorecard import write_roster_scorecards


def test_summary_must_be_xlsx_in_an_existing_folder(tmp_path):
    seed_workbook(tmp_path / "a.xlsx")
    with pytest.raises(KpiFileError, match=r"summary\.csv: the summary must be an \.xlsx file"):
        rollup(tmp_path, tmp_path / "summary.csv")
    with pytest.raises(KpiFileError, match="the summary's folder does not exist"):
        rollup(tmp_path, tmp_path / "nope" / "summary.xlsx")


def test_summary_workbook_sheets_formats_chart_and_labels(tmp_path):
    seed_workbook(tmp_path / "budi.xlsx", who={"NIK": "E3", "Nama": "Budi"})
    out = tmp_path / "ringkasan.xlsx"
    result = rollup(tmp_path / "budi.xlsx", out, lang="id")
    assert result.output == out
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Ringkasan", "Per KRA", "Level Kinerja", "Rincian", "Masalah",
                             "Belum Ada Scorecard"]  # no potentials: no 9-Box
    summary = wb["Ringkasan"]
    header = [c.value for c in summary[1]]
    assert header[:9] == ["ID Karyawan", "Nama", "Departemen", "Jabatan", "Atasan", "Periode", "Nilai KPI (%)",
                          "Level", "Kriteria"]
    assert "Jumlah bonus" not in header  # no salary, no amount column
    values = dict(zip(header, [c.value for c in summary[2]]))
    assert values["Nilai KPI (%)"] == pytest.approx(113.65)
    assert values["Kriteria"] == "Melebihi Target" and values["Status"] == "lengkap"
    assert summary.cell(2, header.index("Nilai KPI (%)") + 1).number_format == "0.00"
    for name in ("Ringkasan", "Per KRA", "Level Kinerja", "Rincian"):
        ws = wb[name]
        assert ws.freeze_panes == "A2", name
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row if name != 'Level Kinerja' else 6}", name
        assert ws.cell(1, 1).font.b, name
    assert summary.column_dimensions["B"].width == 15
    levels = wb["Level Kinerja"]
    assert [c.value for c in levels[1]] == ["Level", "Kriteria", "-", "Total"]
    assert [[c.value for c in row] for row in levels.iter_rows(min_row=2, max_row=6)] == [
        [1, "Jauh Di Bawah Target", 0, 0], [2, "Belum Mencapai Target", 0, 0], [3, "Mencapai Target", 0, 0],
        [4, "Melebihi Target", 1, 1], [5, "Istimewa", 0, 0]]
    chart = levels._charts[0]
    assert chart.tagname == "barChart" and chart.grouping == "stacked"
    assert len(wb["Rincian"]["A"]) == 8 and wb["Rincian"]["E2"].value == "Mengelola blog perusahaan"
    assert wb["Belum Ada Scorecard"]["A1"].value.startswith("Tidak ada roster")


def test_cli_exit_0_with_a_summary_even_when_no_file_could_be_read(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "broken.xlsx").write_bytes(b"PK\x03\x04 not really")
    result = _cli("rollup", tmp_path / "in", "-o", tmp_path / "summary.xlsx")
    assert result.exit_code == 0, result.output
    assert "Files found: 1 (0 with scorecards, 1 could not be read)" in result.output
    assert "Scorecards read: 0 (0 complete, 0 incomplete, 0 with errors)" in result.output
    assert "Issues: 1 error, 0 warnings, 0 info (see the Issues sheet)" in result.output
    issues = list(openpyxl.load_workbook(tmp_path / "summary.xlsx")["Issues"].iter_rows(values_only=True))
    assert issues[1][0] == str(tmp_path / "in" / "broken.xlsx") and issues[1][3] == "error"


@pytest.mark.parametrize("args, code, message", [
    (["rollup", "{tmp}/nothing", "-o", "{tmp}/s.xlsx"], 1, "no scorecard workbooks (.xlsx, .xlsm, .xls, .ods) found"),
    (["rollup", "{tmp}/gone", "-o", "{tmp}/s.xlsx"], 1, "gone: no such file or folder"),
    (["rollup", "{tmp}/in", "-o", "{tmp}/s.xlsx", "--lang", "fr"], 2, "'fr' is not en or id"),
    (["rollup", "{tmp}/in"], 2, "Missing option '-o'"),
    (["rollup", "{tmp}/in", "-o", "{tmp}/no/s.xlsx"], 1, "the summary's folder does not exist"),
    (["rollup", "{tmp}/in", "-o", "{tmp}/s.xlsx", "--roster", "{tmp}/none.csv"], 1, "roster file not found"),
])
def test_cli_refusals(tmp_path, args, code, message):
    (tmp_path / "nothing").mkdir()
    (tmp_path / "in").mkdir()
    seed_workbook(tmp_path / "in" / "a.xlsx")
    result = _cli(*[a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "s.xlsx").exists()


def _cli(*args):


    return CliRunner().invoke(app, list(map(str, args)), env={"COLUMNS": "200"})


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


GOLDEN_ACTUALS = [r[4] for r in GOLDEN_ROWS]


def _employee(emp_id, name, salary=10_000_000, potential="high", row=2, period="2025"):
    return Employee(emp_id, name, "Marketing", "Andi", "digital-marketing-specialist", period, salary, potential, row)


def test_every_summary_carries_the_hidden_marker(tmp_path):
    seed_workbook(tmp_path / "a.xlsx")
    rollup(tmp_path / "a.xlsx", tmp_path / "s.xlsx")
    names = openpyxl.load_workbook(tmp_path / "s.xlsx").defined_names
    marker = names[c.SUMMARY_MARKER]
    assert (marker.attr_text, marker.hidden, marker.localSheetId) == ("1", True, None)
    assert f'<definedName name="{c.SUMMARY_MARKER}" hidden="1">1</definedName>' in \
        zipfile.ZipFile(tmp_path / "s.xlsx").read("xl/workbook.xml").decode()


def test_a_summary_over_a_scorecards_size_limits_is_still_known_replaced_and_skipped(tmp_path):
    # A department of 100,000 scorecards writes a 117 MB summary (1.3 GB unpacked): over the limits of
    # one scorecard (50 MB, 200 MB unpacked), it is still recognised by its workbook part, so the next
    # rollup replaces it, and a rollup that finds it among the scorecards skips it.
    import dataclasses

    from kpi_xl.io.preflight import DEFAULT_LIMITS
    from kpi_xl.rollup.read import SUMMARY_LIMITS, read_workbook

    assert SUMMARY_LIMITS.max_file_bytes >= 1024 * 2**20 and SUMMARY_LIMITS.max_unpacked_bytes >= 16 * 2**30
    (tmp_path / "cards").mkdir()
    seed_workbook(tmp_path / "cards" / "a.xlsx")
    out = tmp_path / "cards" / "summary.xlsx"
    rollup(tmp_path / "cards", out)
    small = dataclasses.replace(DEFAULT_LIMITS, max_file_bytes=1000)  # the summary is over this one
    read = read_workbook(str(out), small)
    assert read.skipped and [i.message for i in read.issues] == ["a kpi-xl summary, not a scorecard: skipped"]
    result = rollup(tmp_path / "cards", out, limits=small)  # its own earlier summary: replaced, not refused
    assert result.output == out and result.other_files == 1
