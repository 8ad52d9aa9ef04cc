"""The Excel console: kpi_console.xlsm keeps xlwings' VBA, has its named cells, and main() works with a
stand-in for xlwings' Book (no Excel on this machine). Also the Lite consolidation on a stand-in book, and existing console files kept unless overwrite."""

from __future__ import annotations

import importlib.util
import re
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from rollup_helpers import GOLDEN_FINALS, GOLDEN_SCORES, seed_sheet
from typer.testing import CliRunner
from xlwings_standin import Book

from kpi_xl import contract as c
from kpi_xl.cli import app
from kpi_xl.contract import SUMMARY_SHEETS_BY_LANG
from kpi_xl.demo import GOLDEN_ACTUALS
from kpi_xl.excel.console import (
    ACTION,
    CELLS,
    CONSOLE_MODULE,
    CONSOLE_WORKBOOK,
    STATUS,
    VBA_PART,
    quickstart_path,
    write_console,
)
from kpi_xl.rollup import SHEETS
from kpi_xl.rollup.book import consolidate


def book_from_file(path: Path) -> Book:
    """A stand-in Book holding a real workbook's values and its single-cell defined names."""
    wb = openpyxl.load_workbook(path)
    sheets = {ws.title: {(cell.row, cell.column): cell.value for row in ws.iter_rows() for cell in row
                         if cell.value is not None} for ws in wb}
    names = {name: next(iter(d.destinations)) for name, d in wb.defined_names.items()}
    return Book(str(path), sheets, {n: (sheet, ref) for n, (sheet, ref) in names.items() if ":" not in ref})


# --- the workbook -----------------------------------------------------------------------------------------


@pytest.fixture()
def console_dir(tmp_path):
    write_console(tmp_path / "console")
    return tmp_path / "console"


def test_vba_project_is_xlwings_own_and_untouched(console_dir):
    made = zipfile.ZipFile(console_dir / CONSOLE_WORKBOOK)
    original = zipfile.ZipFile(quickstart_path())
    assert made.read(VBA_PART) == original.read(VBA_PART)
    edited = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "docProps/app.xml",
              "xl/worksheets/sheet1.xml"}
    for info in original.infolist():
        if info.filename not in edited:
            assert made.read(info.filename) == original.read(info.filename), info.filename
    assert sorted(made.namelist()) == sorted(original.namelist() + ["xl/worksheets/sheet3.xml"])
    types = made.read("[Content_Types].xml").decode()
    assert 'Extension="bin" ContentType="application/vnd.ms-office.vbaProject"' in types
    assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types
    rels = made.read("xl/_rels/workbook.xml.rels").decode()
    assert 'Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"' in rels
    # The ribbon's "Run main" runs main() of the .py named like the workbook.
    assert Path(CONSOLE_WORKBOOK).stem == Path(CONSOLE_MODULE).stem
    # Sheet1 keeps its VBA code name (the VBA project has a module for it).
    assert '<sheetPr codeName="Sheet1"/>' in made.read("xl/worksheets/sheet1.xml").decode()


def test_named_cells_and_sheets(console_dir):
    wb = openpyxl.load_workbook(console_dir / CONSOLE_WORKBOOK, keep_vba=True)
    assert wb.sheetnames == ["Console", "Roster", "_xlwings.conf"]
    names = {name: d.attr_text for name, d in wb.defined_names.items()}
    assert names == {name: f"Console!$B${row}" for name, (row, *_rest) in CELLS.items()}
    ws = wb["Console"]
    assert ws["B4"].value == "roll up" and ws["B5"].value == "scorecards" and ws["B9"].value == "en"
    assert ws["A7"].value == "Summary file to write"
    assert [dv.formula1 for dv in ws.data_validations.dataValidation] == ['"roll up,make scorecards"', '"en,id"']
    assert next(wb["Roster"].iter_rows(values_only=True))[:5] == ("Employee ID", "Name", "Department",
                                                                   "Supervisor", "Role")


def test_cli_excel_console(tmp_path):
    result = CliRunner().invoke(app, ["excel", "console", str(tmp_path / "c"), "--lang", "id"])
    assert result.exit_code == 0, result.output
    assert f"ditulis {tmp_path / 'c' / CONSOLE_WORKBOOK}" in result.output  # --lang id: the console line too
    wb = openpyxl.load_workbook(tmp_path / "c" / CONSOLE_WORKBOOK)
    assert wb["Console"]["B9"].value == "id" and wb["Console"]["A7"].value == "File ringkasan"


# --- main() and make_scorecards() with a stand-in book --------------------------------------------------------


def _load_module(path: Path):
    spec = importlib.util.spec_from_file_location("kpi_console_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fill(path: Path, actuals) -> None:
    wb = openpyxl.load_workbook(path)
    sheet, ref = next(iter(wb.defined_names[c.KPI_ACTUAL].destinations))
    for (cell,), value in zip(wb[sheet][ref.replace("$", "")], actuals):
        cell.value = value
    wb.save(path)


def test_make_scorecards_then_main_rolls_them_up(console_dir):
    module = _load_module(console_dir / CONSOLE_MODULE)
    book = book_from_file(console_dir / CONSOLE_WORKBOOK)

    book.set(ACTION, "make scorecards")
    module.main(book=book)  # the Action cell chooses make_scorecards()
    made = sorted(p.name for p in (console_dir / "scorecards").iterdir())
    assert made == ["E001_Rina_Dewi.xlsx", "E002_Andi_Wijaya.xlsx", "E003_Dewi_Anggraini.xlsx"]
    assert "3 scorecards written to" in book.names[STATUS].refers_to_range.value

    _fill(console_dir / "scorecards" / "E001_Rina_Dewi.xlsx", GOLDEN_ACTUALS)
    book.set(ACTION, "roll up")
    module.main(book=book)
    assert (console_dir / "kpi-summary.xlsx").exists()
    assert [s.name for s in book.sheets] == ["Console", "Roster", "_xlwings.conf", *SHEETS[:-2]]  # one period, no final rating: no Periods nor Calibration sheet
    rows = book.sheets["Summary"].rows()
    header = rows[0]
    by_id = {row[0]: dict(zip(header, row)) for row in rows[1:]}
    assert by_id["E001"]["KPI value (%)"] == 113.65
    assert by_id["E001"]["Label"] == "Exceeds Target"
    assert by_id["E001"]["Bonus amount"] == 15_000_000  # the salary from the Roster sheet
    # E002 has not typed one actual: not started, so no level and no bonus (not "incomplete" at level 1).
    assert by_id["E002"]["Status"] == "not started"
    assert (by_id["E002"]["KPI value (%)"], by_id["E002"]["Level"], by_id["E002"]["Bonus amount"]) == (None, None, None)
    status = book.names[STATUS].refers_to_range.value
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d: 3 scorecards from 3 files \(0 could not be read\); "
                        r"0 errors, 0 warnings; summary: .*kpi-summary\.xlsx", status), status
    # Run again: the summary sheets are replaced, not added twice.
    module.main(book=book)
    assert [s.name for s in book.sheets].count("Summary") == 1

    # Making the scorecards again keeps the ones that exist: E001's actuals are not wiped out.
    filled = (console_dir / "scorecards" / "E001_Rina_Dewi.xlsx").read_bytes()
    book.set(ACTION, "make scorecards")
    module.main(book=book)
    assert (console_dir / "scorecards" / "E001_Rina_Dewi.xlsx").read_bytes() == filled
    assert "0 scorecards written to" in book.names[STATUS].refers_to_range.value
    assert "3 existing ones kept (delete them to make them again)" in book.names[STATUS].refers_to_range.value


def test_main_reports_a_refused_setting_in_the_status_cell(console_dir):
    module = _load_module(console_dir / CONSOLE_MODULE)
    book = book_from_file(console_dir / CONSOLE_WORKBOOK)
    book.set(ACTION, "dance")
    with pytest.raises(Exception, match="'dance' is not 'roll up' or 'make scorecards'"):
        module.main(book=book)
    assert "Error: Console!B4: 'dance' is not 'roll up' or 'make scorecards'" in \
        book.names[STATUS].refers_to_range.value


# --- xlwings Lite: consolidating the employee sheets of the open workbook ----------------------------------------


def test_lite_consolidate_employee_sheets_into_summary_sheets(tmp_path):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    seed_sheet(wb.create_sheet("Budi"), top=3, who={"Nama": "Budi Santoso", "NIK": "00123"})
    seed_sheet(wb.create_sheet("Sari"), who={"Nama": "=HYPERLINK(\"x\")", "NIK": "E2"},
               actuals=[40, 1_000_000, 25, 5, 25, 20, None])
    wb.create_sheet("Notes")["A1"] = "not a scorecard"
    roster = wb.create_sheet("Roster")
    for row in (["NIK", "Nama", "Jabatan", "Gaji bulanan", "Potensi"],
                ["00123", "Budi Santoso", "digital-marketing-specialist", 9_000_000, "tinggi"]):
        roster.append(row)
    wb.save(tmp_path / "book.xlsx")
    book = book_from_file(tmp_path / "book.xlsx")
    tables = consolidate(book)
    assert tables.summary["kpi_value"].round(2).tolist() == [113.65, 85.0]
    assert tables.summary["status"].tolist() == ["complete", "incomplete"]
    rows = book.sheets["Summary"].rows()
    assert rows[1][0] == "'00123"  # written for Excel with a text marker: it stays text, zeros kept
    assert rows[2][1] == "'=HYPERLINK(\"x\")"  # never a formula
    header = rows[0]
    assert rows[1][header.index("Bonus amount")] == 13_500_000
    assert [s.name for s in book.sheets][-len(SHEETS) + 2:] == list(SHEETS[:-2])  # one period, no final rating: no Periods nor Calibration sheet
    assert [r[1:4] for r in book.sheets["Issues"].rows()[1:]] == [
        ["Sari", "", "warning"], ["Notes", "", "info"], ["Sari", "E11", "info"]]


LITE_STUB = '''
"""Stands in for xlwings in xlwings Lite: records the @script functions main.py registers."""
scripts = {}

def func(f=None, **kwargs):
    return f if f is not None else (lambda g: g)

def arg(*args, **kwargs):
    return lambda f: f

def ret(*args, **kwargs):
    return lambda f: f

def script(f=None, **kwargs):
    def inner(f):
        scripts[f.__name__] = f
        return f
    return inner(f) if f is not None else inner

class Book:
    pass
'''

LITE_RUN = '''
import json, runpy, sys
import xlwings
runpy.run_path("main.py", run_name="main")
import kpi_xl
from xlwings_standin import Book
data = json.load(open("book.json"))
book = Book("book.xlsx", {name: {(r, c): v for r, c, v in cells} for name, cells in data.items()})
xlwings.scripts["kpi_rollup_id"](book)
print(json.dumps({"scripts": sorted(xlwings.scripts), "summary": book.sheets["Ringkasan"].rows(),
                  "kpi_xl_file": kpi_xl.__file__, "sheets": [s.name for s in book.sheets],
                  "heavy": sorted(m for m in ("openpyxl", "python_calamine", "typer", "pydantic")
                                  if m in sys.modules)}))
'''


def test_lite_script_embedded_in_main_py_consolidates_a_book(tmp_path):
    """main.py made by the cell functions' generator with the rollup's script added, run as Lite would:
    a fresh Python with a stub xlwings, kpi-xl not installed, only the embedded copy."""
    import json
    import shutil
    import subprocess

    from kpi_xl.excel.setup import lite_main_py

    folder = tmp_path / "lite"
    (folder / "tmp").mkdir(parents=True)
    (folder / "main.py").write_text(lite_main_py(), encoding="utf-8")
    (folder / "xlwings.py").write_text(LITE_STUB, encoding="utf-8")
    (folder / "run.py").write_text(LITE_RUN, encoding="utf-8")
    shutil.copy(Path(__file__).with_name("xlwings_standin.py"), folder)
    wb = openpyxl.Workbook()
    wb.active.title = "Budi"
    seed_sheet(wb.active, who={"Nama": "Budi Santoso", "NIK": "E3"}, cached=list(zip(GOLDEN_SCORES, GOLDEN_FINALS)))
    (folder / "book.json").write_text(json.dumps({ws.title: [[c.row, c.column, c.value] for row in ws.iter_rows()
                                                             for c in row if c.value is not None] for ws in wb}))
    out = subprocess.run([sys.executable, "-E", "-s", "run.py"], cwd=folder, capture_output=True, text=True,
                         env={"TMPDIR": str(folder / "tmp"), "PATH": ""}, timeout=120)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got["scripts"] == ["kpi_rollup", "kpi_rollup_id"]
    assert Path(got["kpi_xl_file"]).is_relative_to(folder / "tmp")  # the embedded copy, not this checkout
    assert got["heavy"] == []
    values = dict(zip(*got["summary"][:2]))
    assert values["Nilai KPI (%)"] == 113.65 and values["Kriteria"] == "Melebihi Target"
    assert got["sheets"] == ["Budi", *SUMMARY_SHEETS_BY_LANG["id"][:-3]]  # Indonesian tabs; no potentials: no 9-Box; one period: no Periods; no final rating: no Kalibrasi


def test_console_keeps_existing_files_unless_overwrite(tmp_path):
    folder = tmp_path / "c"
    write_console(folder)
    workbook = folder / CONSOLE_WORKBOOK
    wb = openpyxl.load_workbook(workbook, keep_vba=True)
    wb["Roster"]["A5"] = "E777"  # HR's own roster row
    wb.save(workbook)
    edited = workbook.read_bytes()
    again = write_console(folder, lang="id")
    assert (again.written, again.kept) == ([], [workbook, folder / CONSOLE_MODULE])
    assert workbook.read_bytes() == edited
    out = _cli("excel", "console", folder)
    assert out.exit_code == 0, out.output
    assert f"kept {workbook} (it exists: --overwrite replaces it)" in out.output
    assert "wrote" not in out.output and workbook.read_bytes() == edited
    out = _cli("excel", "console", folder, "--overwrite")
    assert f"wrote {workbook}" in out.output
    assert openpyxl.load_workbook(workbook)["Roster"]["A5"].value is None


def _cli(*args, columns=200):
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": str(columns)})
