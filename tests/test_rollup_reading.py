"""What the rollup takes as its inputs: the summary file is never one of them (nor replaces anything but
a summary), a kpi-xl summary among them is skipped, a sheet added to a generated scorecard is read, folders
are walked through their links once, and the counts prove that every file found was accounted for."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from rollup_helpers import seed_sheet, seed_workbook

from kpi_xl.errors import KpiFileError
from kpi_xl.rollup import rollup
from kpi_xl.rollup.find import find_files
from kpi_xl.rollup.read import is_summary_book, is_summary_file
from kpi_xl.scorecard import write_scorecard

REPO = Path(__file__).resolve().parents[1]
ROLE = "digital-marketing-specialist"
IS_AN_INPUT = "this file is one of the inputs; choose another summary file"


def issues_of(result, severity=None):
    return [(Path(i.file).name, i.sheet, i.cell, i.severity, i.message) for i in result.issues
            if severity is None or i.severity == severity]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def team(folder: Path, n: int = 3) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [seed_workbook(folder / f"hm{i}.xlsx", who={"NIK": f"E{i}", "Nama": f"Staf {i}"}) for i in range(1, n + 1)]


def _cli(*args):
    from typer.testing import CliRunner

    from kpi_xl.cli import app

    return CliRunner().invoke(app, list(map(str, args)), env={"COLUMNS": "200"})


# --- the summary file is no input, and replaces nothing but a summary -----------------------------------


def test_the_summary_file_may_not_be_an_input_named_on_the_command_line(tmp_path):
    hm1, hm2, _ = team(tmp_path / "c3")
    before = sha(hm1)
    with pytest.raises(KpiFileError) as refused:
        rollup([hm1, hm2], hm1)
    assert str(refused.value) == f"{hm1}: {IS_AN_INPUT}"
    assert sha(hm1) == before
    done = _cli("rollup", hm1, hm2, "-o", hm1)  # the reviewer's command, through the CLI
    assert done.exit_code == 1 and IS_AN_INPUT in done.output and "Traceback" not in done.output
    assert sha(hm1) == before


def test_the_summary_file_may_not_be_a_scorecard_in_an_input_folder(tmp_path):
    cards = team(tmp_path / "scorecards")
    before = {p: sha(p) for p in cards}
    with pytest.raises(KpiFileError) as refused:
        rollup(tmp_path / "scorecards", cards[0])
    assert str(refused.value) == f"{cards[0]}: {IS_AN_INPUT}"
    assert {p: sha(p) for p in cards} == before


def test_the_summary_file_may_not_be_the_roster(tmp_path):
    team(tmp_path / "in")
    roster = tmp_path / "roster.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Employee ID", "Name", "Role", "Department"])
    wb.active.append(["E1", "Staf 1", ROLE, "Marketing"])
    wb.save(roster)
    before = sha(roster)
    with pytest.raises(KpiFileError, match=re.escape(f"{roster}: {IS_AN_INPUT}")):
        rollup(tmp_path / "in", roster, roster=roster)
    assert sha(roster) == before


def test_an_existing_file_that_is_no_summary_is_not_overwritten(tmp_path):
    team(tmp_path / "in")
    other = seed_workbook(tmp_path / "budget.xlsx")  # somebody's workbook, outside the inputs
    before = sha(other)
    with pytest.raises(KpiFileError) as refused:
        rollup(tmp_path / "in", other)
    assert str(refused.value) == (f"{other}: this file exists and is not a kpi-xl summary; choose another "
                                  "summary file (kpi-xl replaces only a summary it wrote)")
    assert sha(other) == before


def test_a_summary_is_replaced_and_a_summary_without_the_marker_is_recognised(tmp_path):
    team(tmp_path / "in")
    out = tmp_path / "summary.xlsx"
    rollup(tmp_path / "in", out)
    assert is_summary_file(out)
    assert rollup(tmp_path / "in", out).output == out  # a summary kpi-xl wrote is replaced
    # A summary written before the marker existed is recognised by its sheets.
    old = _without_marker(out, tmp_path / "old-summary.xlsx")
    with zipfile.ZipFile(old) as z:
        assert b"KPIXL_Summary" not in z.read("xl/workbook.xml")
    assert is_summary_file(old)
    assert rollup(tmp_path / "in", old).scorecards == 3
    assert not is_summary_file(tmp_path / "in" / "hm1.xlsx")
    assert not is_summary_book(b'<sheets><sheet name="Summary"/><sheet name="Details"/></sheets>')


def _without_marker(summary: Path, target: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(summary) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/workbook.xml":
                data = re.sub(rb"<definedName[^>]*KPIXL_Summary[^>]*>[^<]*</definedName>", b"", data)
            dst.writestr(info.filename, data)
    target.write_bytes(buffer.getvalue())
    return target


# --- a summary among the inputs ----------------------------------------------------------------------


def test_a_summary_in_an_input_folder_is_skipped_not_read_as_a_scorecard(tmp_path):
    d = tmp_path / "d"
    team(d)
    seed_workbook(d / "low.xlsx", who={"NIK": "E9", "Nama": "Staf 9"}, actuals=[10, 100_000, 5, 1, 5, 5, 5])
    clean = rollup(d, None)
    rollup(d, d / "summary.xlsx")  # HR keeps the summary beside the scorecards
    again = rollup(d, tmp_path / "other.xlsx")
    assert again.scorecards == clean.scorecards == 4
    assert sorted(again.summary["employee_id"]) == ["E1", "E2", "E3", "E9"]
    assert again.tables.levels.rows == clean.tables.levels.rows
    assert ("summary.xlsx", "", "", "info", "a kpi-xl summary, not a scorecard: skipped") in issues_of(again)
    assert (again.files_found, again.files_with_scorecards, again.files_unreadable, again.other_files) == \
        (5, 4, 0, 1)
    assert again.reconciles


def test_a_summary_saved_as_xls_is_recognised_by_its_sheets(tmp_path):
    import corpus as cp

    d = tmp_path / "d"
    team(d, 1)
    details = [["Source file", "Employee ID", "KRA", "Indicator", "Weight", "Target", "Actual", "Score"],
               ["hm1.xlsx", "E1", "Blog", "articles", 15, 40, 50, 125]]
    sheets = [cp.Sheet(name, details if name == "Details" else [[name]])
              for name in ("Summary", "By KRA", "Levels", "Details", "Issues", "Missing")]
    (d / "summary copy.xls").write_bytes(cp.xls_bytes(sheets))
    result = rollup(d, None)
    assert result.scorecards == 1
    assert ("summary copy.xls", "", "", "info", "a kpi-xl summary, not a scorecard: skipped") in issues_of(result)
    assert result.other_files == 1 and result.reconciles


# --- a sheet someone added to a generated scorecard ---------------------------------------------------


def _generated_with_added_sheet(path: Path, far: str | None = None) -> Path:
    write_scorecard(ROLE, path)
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("KPI Budi")
    seed_sheet(ws, who={"NIK": "E77", "Nama": "Budi"})
    if far:
        ws[far] = 1
    wb.save(path)
    return path


def test_a_hand_made_sheet_added_to_a_generated_workbook_is_read_by_its_labels(tmp_path):
    path = _generated_with_added_sheet(tmp_path / "filled.xlsx")
    result = rollup(path, None)
    kinds = dict(zip(result.summary["employee_id"], result.summary["kind"]))
    assert kinds["E77"] == "hand-made" and "generated" in kinds.values()
    budi = result.summary.set_index("employee_id").loc["E77"]
    assert budi["sheet"] == "KPI Budi" and round(budi["kpi_value"], 2) == 113.65
    # The generator's own record sheets are still not searched for a KPI table.
    assert not [i for i in result.issues if i.sheet in ("KRA record", "Task inventory", "Policy")]


def test_an_added_sheet_is_checked_for_its_extent_before_it_is_read(tmp_path):
    path = _generated_with_added_sheet(tmp_path / "filled.xlsx", far="A20000")
    result = rollup(path, None)
    assert result.scorecards == 0
    assert [(i.sheet, i.cell, i.severity) for i in result.issues] == [("KPI Budi", "A20000", "error")]


# --- walking folders ------------------------------------------------------------------------------------


needs_links = pytest.mark.skipif(not hasattr(os, "symlink") or sys.platform == "win32",
                                 reason="symbolic links need a POSIX file system")


@needs_links
def test_a_linked_subfolder_is_read_and_a_link_back_makes_no_loop(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    team(elsewhere, 2)
    d = tmp_path / "d"
    team(d, 1)
    os.symlink(elsewhere, d / "team")
    os.symlink(d, elsewhere / "back")  # d/team/back -> d: a loop
    result = rollup(d, None)
    assert result.scorecards == 3
    assert sorted(Path(f).relative_to(d).as_posix() for f in result.summary["file"]) == \
        ["hm1.xlsx", "team/hm1.xlsx", "team/hm2.xlsx"]
    assert ("back", "", "", "info", f"the same folder as {d} (reached through a link): read once") in \
        issues_of(result)
    assert result.reconciles


@needs_links
def test_a_link_to_a_file_read_already_is_said_and_not_a_duplicate_employee(tmp_path):
    d = tmp_path / "d"
    (hm1,) = team(d, 1)
    os.symlink(hm1, d / "link.xlsx")
    result = rollup(d, None)
    assert result.scorecards == 1 and result.summary["status"].tolist() == ["complete"]
    assert issues_of(result) == [("link.xlsx", "", "", "info",
                                  f"skipped: the same file as {hm1} (one is a link to the other), which is read")]
    assert (result.files_found, result.files_with_scorecards, result.other_files) == (2, 1, 1)
    assert result.reconciles


@needs_links
def test_a_broken_link_is_an_error_issue_and_counted(tmp_path):
    d = tmp_path / "d"
    team(d, 1)
    os.symlink(d / "gone.xlsx", d / "budi.xlsx")
    result = rollup(d, None)
    assert issues_of(result) == [("budi.xlsx", "", "", "error", "a broken link: the file it points to does not "
                                  "exist; put the scorecard itself in the folder")]
    assert (result.files_found, result.files_with_scorecards, result.files_unreadable) == (2, 1, 1)
    assert result.reconciles


def test_a_folder_that_cannot_be_opened_is_an_error_issue_naming_it(tmp_path, monkeypatch):
    d = tmp_path / "d"
    team(d, 1)
    team(d / "locked", 1)
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path) == str(d / "locked"):  # as a folder without read permission answers
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = rollup(d, None)
    assert result.scorecards == 1 and result.folders_unreadable == 1
    assert issues_of(result) == [("locked", "", "", "error", "cannot open this folder (Permission denied): the "
                                  "scorecards in it are not read; check that you may read it")]


def test_missing_inputs_are_counted_by_what_was_found_not_by_a_message(tmp_path):
    team(tmp_path / "in", 1)
    found = find_files([tmp_path / "in", tmp_path / "nope"])
    assert found.missing == [str(tmp_path / "nope")]
    assert rollup([tmp_path / "in", tmp_path / "nope"], None).inputs_missing == 1


# --- the counts reconcile, for real -------------------------------------------------------------------


def test_reconciles_fails_when_a_file_is_neither_in_the_summary_nor_in_the_issues(tmp_path):
    d = tmp_path / "d"
    team(d, 2)
    (d / "readme.txt").write_text("scorecards for Q4")
    (d / "empty.xlsx").write_bytes(b"")
    result = rollup(d, None)
    assert result.reconciles
    for lost in ("readme.txt", "empty.xlsx"):
        issues = [i for i in result.issues if Path(i.file).name != lost]
        assert not dataclasses.replace(result, issues=issues).reconciles, lost
    assert not dataclasses.replace(result, files_unreadable=result.files_unreadable + 1).reconciles


# --- a row number no reader can hold ------------------------------------------------------------------------


def test_a_sheet_with_a_ten_digit_row_number_is_refused_not_a_crash(tmp_path):
    """python-calamine asked for a grid down to row 10^9 aborts the process (not an exception): the
    rollup, with worker processes, must refuse the file and go on."""
    import corpus as cp

    d = tmp_path / "d"
    team(d, 4)
    card = cp.Card(cp.Employee("E8", "Budi"), cp.golden_kpis())
    parts = cp.replace_part(cp.xlsx_parts([card.sheet_obj()]), "xl/worksheets/sheet1.xml",
                            lambda x: x.replace(b"</sheetData>", b'<row r="40"><c r="C1000000000"><v>1</v></c>'
                                                                 b"</row></sheetData>"))
    (d / "far.xlsx").write_bytes(cp.zip_bytes(parts))
    done = subprocess.run([sys.executable, "-m", "kpi_xl", "rollup", str(d), "-o", str(tmp_path / "s.xlsx"),
                           "--jobs", "2"], capture_output=True, text=True, cwd=REPO, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    issues = list(openpyxl.load_workbook(tmp_path / "s.xlsx")["Issues"].iter_rows(min_row=2, values_only=True))
    assert [(Path(row[0]).name, row[2], row[3]) for row in issues] == [("far.xlsx", "C1000000000", "error")]
