"""What the rollup takes as its inputs: the summary file is never one of them (nor replaces anything but
a summary), a kpi-xl summary among them is skipped, a sheet added to a generated scorecard is read, folders
are walked through their links once, and the counts prove that every file found was accounted for. Also
what the rollup reads from a cell (numbers typed as text, error values, percentages typed two ways), the one
`Limits` it passes to the preflight, the sheets streamed for their extent, and file names that are no UTF-8."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import math
import os
import re
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook
from rollup_helpers import GOLDEN_ROWS, seed_sheet, seed_workbook

import kpi_xl.rollup as rollup_package
from kpi_xl import contract as c
from kpi_xl.errors import KpiFileError
from kpi_xl.io.preflight import DEFAULT_LIMITS, Limits, check_file, preflight
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


def test_no_workbook_at_all_is_an_error(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(KpiFileError, match="no scorecard workbooks"):
        rollup(tmp_path, tmp_path / "summary.xlsx")
    assert not (tmp_path / "summary.xlsx").exists()


GOLDEN_KPI = 113.65

READ_AS = "actual '{}' read as {} ({})"


TEXT_IN_NUMBER_CELLS = [
    # KPI row, typed, issues (severity, message), KPI value (None: the row is refused)
    (1, "1.500.000", [("info", READ_AS.format("1.500.000", 1500000, "dots as thousands separators"))], GOLDEN_KPI),
    (1, "1,500,000", [("info", READ_AS.format("1,500,000", 1500000, "commas as thousands separators"))],
     GOLDEN_KPI),
    (1, "1 500 000", [("info", READ_AS.format("1 500 000", 1500000, "spaces as thousands separators"))],
     GOLDEN_KPI),
    (1, "1.500.000,00", [("info", READ_AS.format("1.500.000,00", 1500000,
                                                  "dots as thousands separators, comma as decimal point"))],
     GOLDEN_KPI),
    (4, "22%", [("info", READ_AS.format("22%", 22, "percent points, like a target typed 25 for 25%"))],
     GOLDEN_KPI),
    (6, "33,0", [("info", READ_AS.format("33,0", 33, "comma as decimal point"))], GOLDEN_KPI),
    (0, "  50 ", [], GOLDEN_KPI),  # surrounding spaces: read silently
    (0, "\uff15\uff10", [("info", READ_AS.format("\uff15\uff10", 50, "full-width characters"))], GOLDEN_KPI),
    (0, "1.500", [("error", "actual '1.500' is ambiguous (1500 or 1.5?): type the number without a thousands "
                            "separator in E2")], None),
    (1, "1,500", [("error", "actual '1,500' is ambiguous (1500 or 1.5?): type the number without a thousands "
                            "separator in E3")], None),
    (0, "abc", [("error", "actual 'abc' is not a number: type a number in E2")], None),
    (0, "n/a", [("error", "actual 'n/a' is not a number: type a number in E2")], None),
    (0, "nan", [("error", "actual 'nan' is not a number: type a number in E2")], None),
    (0, "inf", [("error", "actual 'inf' is not a number: type a number in E2")], None),
]


@pytest.mark.parametrize("row, typed, issues, kpi", TEXT_IN_NUMBER_CELLS, ids=[t[1] for t in TEXT_IN_NUMBER_CELLS])
def test_text_in_a_number_cell_is_read_with_a_note_or_refused(tmp_path, row, typed, issues, kpi):
    result = rollup(with_actual(tmp_path, row, typed), None)
    cell = f"E{row + 2}"
    assert issues_of(result) == [("a.xlsx", "KPI", cell, severity, message) for severity, message in issues]
    card = result.summary.iloc[0]
    details = result.tables.details
    if kpi is None:
        # Refused, never guessed: the row is not scored and the scorecard is in error.
        assert card.status == "error"
        assert details["row_status"].iloc[row] == "error" and math.isnan(details["score"].iloc[row])
        assert round(card.kpi_value, 2) == round(GOLDEN_KPI - [18.75, 15, 12.8, 12, 17.6, 21, 16.5][row], 2)
    else:
        assert card.status == "complete" and round(card.kpi_value, 2) == kpi


def test_a_target_typed_as_text_is_read_the_same_way(tmp_path):
    rows = [list(r) for r in GOLDEN_ROWS]
    rows[1][3] = "Rp 1.000.000"
    seed_workbook(tmp_path / "a.xlsx", rows=[tuple(r) for r in rows])
    result = rollup(tmp_path, None)
    assert issues_of(result) == [("a.xlsx", "KPI", "D3", "info", "target 'Rp 1.000.000' read as 1000000 "
                                                                 "(currency sign dropped, dots as thousands separators)")]
    assert round(result.summary["kpi_value"].iloc[0], 2) == GOLDEN_KPI


def test_an_error_value_is_an_error_not_a_blank(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "KPI"
    seed_sheet(ws)
    ws["E5"] = "#DIV/0!"  # openpyxl stores it as an error cell (t="e"); python-calamine reads it as blank
    ws["D6"] = "#N/A"
    wb.save(tmp_path / "a.xlsx")
    assert check_file(tmp_path / "a.xlsx").error_cells == {"KPI": {"E5": "#DIV/0!", "D6": "#N/A"}}
    result = rollup(tmp_path, None)
    assert issues_of(result) == [
        ("a.xlsx", "KPI", "E5", "error", "actual in E5 shows #DIV/0! (a formula that fails, or a value pasted "
                                         "with its error): type the actual as a number in E5"),
        ("a.xlsx", "KPI", "D6", "error", "target in D6 shows #N/A (a formula that fails, or a value pasted "
                                         "with its error): type the target as a number in D6"),
    ]  # and no "actuals not yet reported": an error is not a blank
    assert result.summary["status"].iloc[0] == "error"
    assert result.tables.details["row_status"].tolist()[2:5] == ["ok", "error", "error"]


def test_a_percentage_typed_two_ways_is_flagged_and_not_scored(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "KPI"
    seed_sheet(ws)
    ws["D6"] = 0.25  # lead generation rate: target 25 % typed into a percent-formatted cell
    ws["D6"].number_format = "0%"
    wb.save(tmp_path / "a.xlsx")
    result = rollup(tmp_path, None)
    assert issues_of(result) == [
        ("a.xlsx", "KPI", "D6", "error", "target 0.25 and actual 22 look like one percentage typed two ways "
                                         "(0.25 is 25% stored as a fraction): type both as percent points (25) "
                                         "in D6; the row is not scored until then")]
    details = result.tables.details
    assert details["row_status"].iloc[4] == "error" and math.isnan(details["score"].iloc[4])
    assert result.summary["status"].iloc[0] == "error"
    assert round(result.summary["kpi_value"].iloc[0], 2) == round(GOLDEN_KPI - 17.6, 2)  # not 8800 %


def test_a_total_label_in_a_number_column_left_of_the_table_ends_it(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "KPI"
    ws.append(["No", "Objective", "Indikator (KPI)", "Bobot", "Target", "Aktual"])
    for i, (kra, indicator, w, t, a) in enumerate(GOLDEN_ROWS, 1):
        ws.append([i, kra, indicator, w, t, a])
    ws.append(["TOTAL", None, None, "=SUM(D2:D8)", None, None])
    ws.append([])
    ws.append(["Tanda tangan", None, None, 1, 2, 3])  # a sign-off block with numbers: not a KPI row
    wb.save(tmp_path / "numbered.xlsx")
    result = rollup(tmp_path, None)
    assert len(result.tables.details) == 7
    assert round(result.summary["kpi_value"].iloc[0], 2) == GOLDEN_KPI
    assert issues_of(result) == []


@pytest.mark.skipif(sys.platform != "linux", reason="file names that are no UTF-8 need a Linux file system")
def test_file_names_that_are_no_utf8_are_read_and_written_safely(tmp_path):
    import corpus as cp

    folder = os.fsencode(tmp_path)
    card = cp.Card(cp.Employee("E7", "Budi"), cp.golden_kpis())
    for name, data in ((b"bytes-\xff-name.xlsx", cp.xlsx_bytes([card.sheet_obj()])),
                       (b"legacy-\xfe.xls", cp.xls_bytes([card.sheet_obj()]))):
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
    out = tmp_path / "summary.xlsx"
    result = rollup(tmp_path, out)
    assert result.scorecards == 2 and result.files_unreadable == 0, [str(i) for i in result.issues]
    rows = list(openpyxl.load_workbook(out)["Summary"].iter_rows(values_only=True))
    # The rows of the table only: a note on the scorecards not complete may follow it (both are in error,
    # one employee on two scorecards).
    files = sorted(row[rows[0].index("Source file")] for row in rows[1:1 + result.scorecards])
    assert [Path(f).name for f in files] == ["bytes-\ufffd-name.xlsx", "legacy-\ufffd.xls"]


def test_the_rollup_has_one_limits_class_and_passes_it_to_preflight(tmp_path):
    assert rollup_package.Limits is Limits
    seed_workbook(tmp_path / "a.xlsx")  # rows 1 to 9
    tight = replace(DEFAULT_LIMITS, max_rows=8)
    result = rollup(tmp_path, None, limits=tight)
    assert result.scorecards == 0 and result.files_unreadable == 1
    ((file, sheet, cell, severity, message),) = issues_of(result)
    assert (file, sheet, cell, severity) == ("a.xlsx", "KPI", "A9", "error")
    assert "over the limit of 8 rows" in message
    assert rollup(tmp_path, None).scorecards == 1


def test_only_the_sheets_the_reader_opens_are_streamed_for_their_extent(tmp_path):
    """A generated scorecard is read through its defined names: the reader opens its scorecard sheet
    only. A far cell on the task sheet (never opened) does not stop the rollup; preflight on its own,
    which cannot know which sheets a reader opens, streams them all and refuses it."""
    tasks = _far_cell(write_scorecard("digital-marketing-specialist", tmp_path / "tasks.xlsx"), 2, "A20000")
    assert preflight(tasks).code == "too-many-rows"
    checked = check_file(tasks, sheets_read=lambda xml: {"Scorecard"})
    assert checked.problem is None and checked.data == tasks.read_bytes()
    assert b"KPI_Actual" in checked.workbook_xml
    result = rollup(tasks, None)
    assert result.scorecards == 1 and result.files_unreadable == 0
    scorecard = _far_cell(write_scorecard("digital-marketing-specialist", tmp_path / "card.xlsx"), 0, "B20000")
    refused = rollup(scorecard, None)
    assert refused.scorecards == 0
    assert [(i.sheet, i.cell, i.severity) for i in refused.issues] == [("Scorecard", "B20000", "error")]


def test_sheets_read_that_name_no_part_fall_back_to_every_sheet(tmp_path):
    tasks = _far_cell(write_scorecard("digital-marketing-specialist", tmp_path / "tasks.xlsx"), 2, "A20000")
    assert check_file(tasks, sheets_read=lambda xml: {"No such sheet"}).problem.code == "too-many-rows"
    assert check_file(tasks, sheets_read=lambda xml: None).problem.code == "too-many-rows"


def test_generated_scorecards_name_the_sheet_the_reader_opens():
    """The contract the selective check relies on: every KPI column name points at the scorecard sheet."""
    from kpi_xl.rollup.read import scorecard_names
    from kpi_xl.scorecard import build_scorecard

    for lang in ("en", "id"):
        wb = build_scorecard("digital-marketing-specialist", lang=lang)
        sheet = wb.worksheets[0].title
        xml = {n: wb.defined_names[n].attr_text for n in (c.KPI_WEIGHT, c.KPI_TARGET, c.KPI_ACTUAL)}
        assert all(v.startswith((f"'{sheet}'!", f"{sheet}!")) for v in xml.values())
        body = "".join(f'<definedName name="{n}">{v}</definedName>' for n, v in xml.items())
        assert set(scorecard_names(f"{c.MARKER}{body}".encode())) == {sheet}


def _far_cell(path: Path, sheet_index: int, cell: str) -> Path:
    wb = openpyxl.load_workbook(path)
    wb.worksheets[sheet_index][cell] = 1
    wb.save(path)
    return path


def with_actual(tmp_path: Path, row: int, value: object, name: str = "a.xlsx") -> Path:
    actuals = [r[4] for r in GOLDEN_ROWS]
    actuals[row] = value
    return seed_workbook(tmp_path / name, actuals=actuals)  # header row 1: KPI row i is sheet row i + 2




def _rewrite_part(path: Path, part: str, edit) -> None:
    with zipfile.ZipFile(path) as z:
        parts = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            z.writestr(name, edit(data) if name == part else data)


# The actual cell E5 holding an error value, written as programs (and hand-edited files) do.
ERROR_SPELLINGS = [
    ('<c r="E5" t="e"><v>#DIV/0!</v></c>', "#DIV/0!"),
    ("<c r='E5' t='e'><v>#DIV/0!</v></c>", "#DIV/0!"),
    ('<c r="E5" t = "e"><v>#DIV/0!</v></c>', "#DIV/0!"),
    ('<c t="e" r="E5" s="0"><f>D5/0</f><v>#DIV/0!</v></c>', "#DIV/0!"),
    ('<c r="E5" t="e"><f>D5/0</f></c>', "an error value"),  # no value saved with the formula
]


@pytest.mark.parametrize("cell, shown", ERROR_SPELLINGS, ids=[s[0] for s in ERROR_SPELLINGS])
def test_an_error_value_is_an_error_however_it_is_written(tmp_path, cell, shown):
    wb = Workbook()
    ws = wb.active
    ws.title = "KPI"
    seed_sheet(ws)
    ws["E5"] = "#DIV/0!"
    wb.save(tmp_path / "a.xlsx")
    _rewrite_part(tmp_path / "a.xlsx", "xl/worksheets/sheet1.xml",
                  lambda d: re.sub(rb'<c r="E5"[^>]*>.*?</c>', cell.encode(), d, count=1))
    result = rollup(tmp_path, None)
    message = (f"actual in E5 shows {shown} (a formula that fails, or a value pasted with its error): type the "
               "actual as a number in E5")
    assert issues_of(result) == [("a.xlsx", "KPI", "E5", "error", message)]


def test_an_error_value_in_a_generated_scorecard_is_an_error(tmp_path):
    path = write_scorecard(ROLE, tmp_path / "budi.xlsx", lang="en")
    names = {n.name: n.attr_text for n in openpyxl.load_workbook(path).defined_names.values()}
    actual = names[c.KPI_ACTUAL].split("!")[1].replace("$", "").split(":")[0]  # its first row
    weight = names[c.KPI_WEIGHT].split("!")[1].replace("$", "").split(":")[0]
    _rewrite_part(path, "xl/worksheets/sheet1.xml", lambda d: re.sub(
        rb'<c r="' + actual.encode() + rb'"([^>]*?)\s*/>', rb'<c r="' + actual.encode() + rb'" t = "e"><v>#N/A</v></c>',
        d, count=1))
    result = rollup(tmp_path, None)
    assert (f"actual in {actual} shows #N/A (a formula that fails, or a value pasted with its error): type the "
            f"actual as a number in {actual}") in [i[4] for i in issues_of(result, "error")], issues_of(result)
    assert weight  # the table is where the names say
