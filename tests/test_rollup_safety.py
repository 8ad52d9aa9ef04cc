"""The rollup's safety hooks (issue 6): numbers typed as text read only when unambiguous, error values,
percentages typed two ways, long text, the TOTAL row, text written back as text, the one `Limits`, the
preflight that streams only the sheets the reader opens, and file names that are no UTF-8."""

from __future__ import annotations

import math
import os
import sys
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook
from rollup_helpers import GOLDEN_ROWS, seed_sheet, seed_workbook

import kpi_xl.rollup as rollup_package
from kpi_xl import contract as c
from kpi_xl.rollup import rollup
from kpi_xl.io.preflight import DEFAULT_LIMITS, Limits, check_file, preflight
from kpi_xl.io.text import safe_text
from kpi_xl.scorecard import write_scorecard

GOLDEN_KPI = 113.65


def issues_of(result, severity=None):
    return [(Path(i.file).name, i.sheet, i.cell, i.severity, i.message) for i in result.issues
            if severity is None or i.severity == severity]


def with_actual(tmp_path: Path, row: int, value: object, name: str = "a.xlsx") -> Path:
    actuals = [r[4] for r in GOLDEN_ROWS]
    actuals[row] = value
    return seed_workbook(tmp_path / name, actuals=actuals)  # header row 1: KPI row i is sheet row i + 2


# --- numbers typed as text ---------------------------------------------------------------------------------

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


def test_long_text_is_cut_with_a_warning_and_written_as_cut(tmp_path):
    rows = [list(r) for r in GOLDEN_ROWS]
    long = "Artikel-" * 625  # 5,000 characters
    rows[2][1] = long
    seed_workbook(tmp_path / "a.xlsx", rows=[tuple(r) for r in rows], who={"Nama": "B" * 1200, "NIK": "E1"})
    out = tmp_path / "summary.xlsx"
    result = rollup(tmp_path / "a.xlsx", out)
    assert issues_of(result) == [
        ("a.xlsx", "KPI", "B1", "warning", "employee name is 1,200 characters long; the summary keeps the first "
                                           "1,000 (the scorecard itself is unchanged): shorten it in the scorecard"),
        ("a.xlsx", "KPI", "B7", "warning", "indicator is 5,000 characters long; the summary keeps the first 1,000 "
                                           "(the scorecard itself is unchanged): shorten it in the scorecard"),
    ]
    wb = openpyxl.load_workbook(out)
    assert wb["Details"]["F4"].value == safe_text(long) == long[:1000] + "… [cut: 5,000 characters, first 1,000 kept]"
    assert wb["Summary"]["B2"].value == safe_text("B" * 1200)
    # The limit is the rollup's `limits.max_text`.
    small = rollup(tmp_path / "a.xlsx", None, limits=replace(DEFAULT_LIMITS, max_text=2000))
    assert [i for i in issues_of(small) if "characters long" in i[4]] == [
        ("a.xlsx", "KPI", "B7", "warning", "indicator is 5,000 characters long; the summary keeps the first 2,000 "
                                           "(the scorecard itself is unchanged): shorten it in the scorecard")]


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


# --- text written back -------------------------------------------------------------------------------------


def test_formula_like_text_is_quote_prefixed_text_in_every_sheet(tmp_path):
    evil = '=HYPERLINK("http://example.com","klik")'
    rows = [(evil, "+62 811 1234", 50, 10, 10), (None, "@SUM(1+1)", 50, 10, 10)]
    seed_workbook(tmp_path / "evil.xlsx", rows=rows, who={"NIK": "-1+1"})
    wb = openpyxl.load_workbook(tmp_path / "evil.xlsx")
    for row in wb.active.iter_rows():
        for cell in row:
            if cell.value == evil:
                cell.data_type = "s"  # openpyxl wrote it as a formula: make it the text someone typed
    wb.save(tmp_path / "evil.xlsx")
    out = tmp_path / "summary.xlsx"
    rollup(tmp_path / "evil.xlsx", out)
    wb = openpyxl.load_workbook(out)
    seen = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.lstrip().startswith(("=", "+", "-", "@")):
                    seen[(ws.title, cell.value)] = (cell.data_type, cell.quotePrefix)
    assert seen[("Details", evil)] == ("s", True)
    assert seen[("Details", "+62 811 1234")] == ("s", True)
    assert seen[("Details", "@SUM(1+1)")] == ("s", True)
    assert seen[("Summary", "-1+1")] == ("s", True)
    assert seen[("By KRA", evil)] == ("s", True)
    assert all(v == ("s", True) for v in seen.values()), seen
    plain = wb["Details"]["A2"]
    assert plain.value == "-1+1" and plain.quotePrefix
    assert not wb["Details"]["G1"].quotePrefix  # only what looks like a formula


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


# --- one set of limits, checked before anything is unpacked ------------------------------------------------


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


def _far_cell(path: Path, sheet_index: int, cell: str) -> Path:
    wb = openpyxl.load_workbook(path)
    wb.worksheets[sheet_index][cell] = 1
    wb.save(path)
    return path


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
