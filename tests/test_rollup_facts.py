"""What the rollup tells HR, and that it is true: one scorecard sent twice, files that could not be read
against files that hold no scorecard, the roster met among the scorecards, sheets that only look like
scorecards, header fields read from value cells only, the order of the summary, and a scorecard not
started."""

from __future__ import annotations

import math
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from openpyxl import Workbook
from rollup_helpers import seed_workbook
from xlwings_standin import Book

from kpi_xl.rollup import rollup
from kpi_xl.rollup.book import consolidate
from kpi_xl.roster import Employee
from kpi_xl.scorecard import build_scorecard

NO_ID = {"Nama": "Budi Santoso", "Jabatan": "Digital Marketing Specialist", "Periode": "2025"}
WITH_ID = {"Nama": "Budi Santoso", "NIK": "E1", "Periode": "2025"}


def issues_of(result, severity=None):
    return [(Path(i.file).name if i.file else "", i.sheet, i.cell, i.severity, i.message) for i in result.issues
            if severity is None or i.severity == severity]


# --- one scorecard sent twice ---------------------------------------------------------------------------


def test_two_byte_identical_copies_without_an_employee_id_are_one_scorecard_sent_twice(tmp_path):
    seed_workbook(tmp_path / "budi.xlsx", who=NO_ID)
    shutil.copyfile(tmp_path / "budi.xlsx", tmp_path / "budi (1).xlsx")
    result = rollup(tmp_path, None)
    message = (f"the same scorecard is in 2 files (same header and KPI rows): {tmp_path / 'budi (1).xlsx'} [KPI]; "
               f"{tmp_path / 'budi.xlsx'} [KPI]; it was sent twice: keep one")
    assert issues_of(result, "error") == [("budi (1).xlsx", "KPI", "", "error", message),
                                          ("budi.xlsx", "KPI", "", "error", message)]
    assert result.summary["status"].tolist() == ["error", "error"]
    assert result.summary["level"].tolist() == [0, 0]
    assert result.summary["kpi_value"].round(2).tolist() == [113.65, 113.65]  # kept, as for any error
    assert result.duplicate_scorecards == 2 and result.reconciles


def test_the_same_scorecard_under_another_name_and_sheet_pays_no_bonus(tmp_path):
    seed_workbook(tmp_path / "budi.xlsx", who=WITH_ID)
    # The same content typed again: another file, another sheet name, a title above the table.
    seed_workbook(tmp_path / "resent.xlsx", sheets={"Penilaian": {"who": WITH_ID, "title": "KPI Budi"}})
    roster = [Employee("E1", "Budi Santoso", "Pemasaran", "Sari", "", "2025", 10_000_000.0, None, 2)]
    result = rollup(tmp_path, None, roster=roster)
    errors = issues_of(result, "error")
    assert [e[:2] for e in errors] == [("budi.xlsx", "KPI"), ("resent.xlsx", "Penilaian")]
    assert all("the same scorecard is in 2 files" in e[4] for e in errors)
    assert not any("employee ID E1" in e[4] for e in errors)  # said once, as the copy it is
    assert result.summary["bonus_amount"].isna().all()
    assert result.summary["status"].tolist() == ["error", "error"]


def test_a_second_scorecard_with_other_results_is_not_a_copy(tmp_path):
    seed_workbook(tmp_path / "a.xlsx", who=NO_ID)
    seed_workbook(tmp_path / "b.xlsx", who=NO_ID, actuals=[40, 1_000_000, 25, 5, 25, 20, 30])
    result = rollup(tmp_path, None)
    assert issues_of(result, "error") == []
    assert result.summary["status"].tolist() == ["complete", "complete"]
    assert result.duplicate_scorecards == 0


def test_two_identical_sheets_of_one_workbook_are_one_scorecard_twice(tmp_path):
    seed_workbook(tmp_path / "a.xlsx", sheets={"KPI": {"who": NO_ID}, "KPI (2)": {"who": NO_ID}})
    result = rollup(tmp_path, None)
    where = f"{tmp_path / 'a.xlsx'} [KPI]; {tmp_path / 'a.xlsx'} [KPI (2)]"
    assert [e[4] for e in issues_of(result, "error")] == [
        f"the same scorecard is in 2 places (same header and KPI rows): {where}; it was sent twice: keep one"] * 2


# --- honest counts ---------------------------------------------------------------------------------------


def _list_workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Daftar"
    for row in (["Name", "Address", "Phone"], ["Budi", "Jl. Merdeka 1", "0811"], ["Sari", "Jl. Sudirman 2", "0812"]):
        ws.append(row)
    wb.save(path)
    return path


def test_files_not_read_and_files_without_a_scorecard_are_counted_apart(tmp_path):
    seed_workbook(tmp_path / "budi.xlsx", who=WITH_ID)
    _list_workbook(tmp_path / "phone list.xlsx")
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 this zip ends here")
    (tmp_path / "renamed.xlsx").write_text("a letter, not a workbook", encoding="utf-8")
    result = rollup(tmp_path, None)
    assert (result.files_found, result.files_with_scorecards, result.files_unreadable, result.files_not_read,
            result.files_without_scorecards) == (4, 1, 3, 2, 1)
    assert result.reconciles
    import dataclasses

    assert not dataclasses.replace(result, files_not_read=3).reconciles


def test_the_roster_found_among_the_scorecards_is_skipped_as_the_roster(tmp_path):
    seed_workbook(tmp_path / "budi.xlsx", who=WITH_ID)
    wb = Workbook()
    wb.active.append(["Employee ID", "Name", "Role", "Department", "Monthly salary"])
    wb.active.append(["E1", "Budi Santoso", "digital-marketing-specialist", "Pemasaran", 10_000_000])
    wb.save(tmp_path / "roster.xlsx")
    link = tmp_path.parent / f"{tmp_path.name}-roster-link.xlsx"
    os.symlink(tmp_path / "roster.xlsx", link)  # the same file by another path
    try:
        result = rollup(tmp_path, None, roster=link)
    finally:
        link.unlink()
    assert issues_of(result, "error") == []
    assert ("roster.xlsx", "", "", "info", "skipped: this is the roster given for this rollup, not a scorecard") \
        in issues_of(result, "info")
    assert (result.files_found, result.files_with_scorecards, result.other_files, result.files_unreadable) == \
        (2, 1, 1, 0)
    assert result.reconciles
    assert result.summary["bonus_amount"].tolist() == [15_000_000]


# --- sheets that only look like scorecards ------------------------------------------------------------


def _rows_workbook(path: Path, rows: list[list]) -> Path:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.active.title = "Sheet1"
    wb.save(path)
    return path


NO_TABLE_INFO = "no KPI table on this sheet (no header row with weight, target and actual); sheet skipped"
NAMED_WARNING = ("the sheet gives an employee's {} but no KPI table was found (a header row with weight, "
                 "target and actual: Bobot, Target, Aktual); sheet skipped")


@pytest.mark.parametrize("rows, severity, message", [
    # Foreign sheets that merely have a "Name" cell: info, not a warning.
    ([["Name", "Budi"], ["Address", "Jl. Merdeka 1"]], "info", NO_TABLE_INFO),
    ([["Name", "Address", "Phone"], ["Budi", "Jl. Merdeka 1", "0811"]], "info", NO_TABLE_INFO),
    ([["Employee ID", "Name", "Department", "Role"], ["E1", "Budi", "Sales", "Clerk"]], "info", NO_TABLE_INFO),
    ([["Meeting notes"], ["Name", "Sari"], ["Department", "HR"]], "info", NO_TABLE_INFO),
    # Sheets that look like a scorecard: two signs.
    ([["Nama", "Budi"], ["NIK", "E5"]], "warning", NAMED_WARNING.format("name and employee ID")),
    ([["Name", "Budi"], ["Period", "2025"]], "warning", NAMED_WARNING.format("name")),
    ([["Name", "Budi"], [], ["KRA", "Indicator (KPI)", "Score"]], "warning", NAMED_WARNING.format("name")),
])
def test_only_a_sheet_that_looks_like_a_scorecard_is_warned_about(tmp_path, rows, severity, message):
    _rows_workbook(tmp_path / "sheet.xlsx", rows)
    result = rollup(tmp_path / "sheet.xlsx", None)
    assert [i for i in issues_of(result) if i[1] == "Sheet1"] == [("sheet.xlsx", "Sheet1", "", severity, message)]
    assert result.files_without_scorecards == 1 and result.files_not_read == 0


# --- header fields from value cells only ----------------------------------------------------------------


def _standin_book(wb) -> Book:
    """The values of an openpyxl workbook as the xlwings Lite book sees them (formulas left out: the
    header is what is tested)."""
    sheets = {}
    for ws in wb.worksheets:
        sheets[ws.title] = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row
                            if c.value is not None and not (isinstance(c.value, str) and c.value.startswith("="))}
    return Book("book.xlsx", sheets)


def test_a_generated_scorecard_with_a_blank_supervisor_read_by_its_labels(tmp_path):
    employee = Employee("E7", "Rina Dewi", "Marketing", "", "", "2025", None, None, 0)
    wb = build_scorecard("digital-marketing-specialist", employee)
    book = _standin_book(wb)
    tables = consolidate(book)
    row = tables.summary.iloc[0]
    assert (row.employee_id, row["name"], row.department, row.supervisor, row.period) == \
        ("E7", "Rina Dewi", "Marketing", "", "2025")
    assert row.role == "Digital Marketing Specialist"
    assert "Review cycle" not in tables.summary.to_numpy().tolist()[0]


# --- the summary's order and a scorecard not started -------------------------------------------------------


def test_the_summary_is_sorted_by_employee_id_then_period_then_file(tmp_path):
    for file, who in (("a.xlsx", {"NIK": "E2", "Periode": "2025"}), ("b.xlsx", {"Nama": "No ID"}),
                      ("c.xlsx", {"NIK": "e1", "Periode": "2025"}), ("d.xlsx", {"NIK": "E1", "Periode": "2024"})):
        seed_workbook(tmp_path / file, who=who, actuals=[40 + len(file + str(who))] + [1] * 6)
    (tmp_path / "out").mkdir()
    result = rollup(tmp_path, tmp_path / "out" / "summary.xlsx")
    assert [Path(f).name for f in result.summary["file"]] == ["d.xlsx", "c.xlsx", "a.xlsx", "b.xlsx"]
    assert result.summary["employee_id"].tolist() == ["E1", "e1", "E2", ""]
    # Every table follows: details and by-KRA rows come in the summary's order (each names its
    # scorecard by its summary row, `card`).
    files = result.summary["file"].to_numpy()
    for frame in (result.tables.details, result.tables.by_kra):
        assert frame["card"].is_monotonic_increasing
        assert [Path(f).name for f in dict.fromkeys(files[frame["card"].to_numpy()])] == \
            ["d.xlsx", "c.xlsx", "a.xlsx", "b.xlsx"]
    import openpyxl

    ws = openpyxl.load_workbook(tmp_path / "out" / "summary.xlsx", read_only=True)["Summary"]
    ids = [r[0] for r in ws.iter_rows(min_row=2, max_col=1, values_only=True)]
    assert ids[:4] == ["E1", "e1", "E2", None]


def test_a_scorecard_not_started_has_blank_results_not_zero(tmp_path):
    seed_workbook(tmp_path / "blank.xlsx", who=WITH_ID, actuals=[None] * 7)
    result = rollup(tmp_path, None)
    row = result.summary.iloc[0]
    assert row.status == "not started" and math.isnan(row.kpi_value) and row.level == 0
    by_kra = result.tables.by_kra
    assert len(by_kra) == 4
    assert by_kra["final"].isna().all() and by_kra["kra_score"].isna().all()
    assert by_kra["weight"].tolist() == [25, 20, 40, 15]


def test_an_incomplete_scorecard_still_counts_its_blank_actuals_as_0(tmp_path):
    seed_workbook(tmp_path / "half.xlsx", who=WITH_ID, actuals=[50, None, 32, 6, 22, 21, 33])
    by_kra = rollup(tmp_path, None).tables.by_kra
    assert np.round(by_kra["final"].to_numpy(), 2).tolist() == [18.75, 24.8, 38.6, 16.5]
