"""One gate (STYLE: "Only one module opens workbooks for reading, and it checks the file first"):
rosters and role catalogues go through `kpi_xl.io.workbook` and its preflight, and no other module
imports a spreadsheet reader."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from corpus import Sheet, ods_content, ods_parts, xlsx_parts, zip_bytes

from kpi_xl.errors import KpiFileError, RoleError
from kpi_xl.roster import read_roster

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "kpi_xl"
GATE = PACKAGE / "io" / "workbook.py"

# A row a million rows down with a value in column XFD (16,384): python-calamine would build a grid of
# 10^6 x 16,384 cells for it and abort the process ("memory allocation of 5767168000 bytes failed").
FAR_ROWS = (
    '<table:table-row table:number-rows-repeated="999997"><table:table-cell/></table:table-row>'
    '<table:table-row><table:table-cell table:number-columns-repeated="16383"/>'
    '<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
    "</table:table-row>"
)
ROSTER_ROWS = [["NIK", "Nama", "Jabatan"], ["1001", "Rina", "hr-manager"]]
CATALOGUE_ROWS = [["Role ID", "Department", "KRA", "Indicator", "Unit", "Weight", "Target", "Period"],
                  ["clerk", "Ops", "Filing", "Files filed", "files", 100, 10, "monthly"]]


def far_ods(path: Path, rows: list[list[object]]) -> Path:
    path.write_bytes(zip_bytes(ods_parts([], content=ods_content([Sheet("Staff", rows)], extra_rows=FAR_ROWS))))
    return path


def far_xlsx(path: Path, rows: list[list[object]]) -> Path:
    parts = xlsx_parts([Sheet("Staff", rows)])
    far = b'<row r="1000000"><c r="XFD1000000"><v>1</v></c></row>'
    parts = [(n, d.replace(b"</sheetData>", far + b"</sheetData>") if n == "xl/worksheets/sheet1.xml" else d)
             for n, d in parts]
    path.write_bytes(zip_bytes(parts))
    return path


READ = """
import sys
from kpi_xl.errors import KpiError
from kpi_xl.roster import read_roster
from kpi_xl.roles import read_catalogue
try:
    (read_roster if sys.argv[1] == "roster" else read_catalogue)(sys.argv[2])
except KpiError as e:
    print(e)
    sys.exit(e.exit_code + 10)
print("read")
"""


@pytest.mark.parametrize("reader,make,name", [
    ("roster", far_ods, "roster.ods"),
    ("roster", far_xlsx, "roster.xlsx"),
    ("catalogue", far_xlsx, "roles.xlsx"),
    ("catalogue", far_ods, "roles.ods"),
])
def test_a_far_cell_is_refused_before_any_reader_opens_the_file(tmp_path, reader, make, name):
    """In a subprocess: an abort would kill it, not pytest, and show as a signal exit code."""
    path = make(tmp_path / name, ROSTER_ROWS if reader == "roster" else CATALOGUE_ROWS)
    assert path.stat().st_size < 4096
    done = subprocess.run([sys.executable, "-c", READ, reader, str(path)], capture_output=True, text=True,
                          cwd=REPO, timeout=120)
    assert done.returncode == 11, (done.returncode, done.stdout, done.stderr[-2000:])
    assert done.stdout.strip() == (
        f"'{name}': sheet 'Staff' has values down to row 1,000,000 (at least), over the limit of 10,000 rows: "
        "delete the rows below the "
        + ("roster" if reader == "roster" else "role catalogue")
        + " (or move that data to another file) and send it again"
    )


@pytest.mark.parametrize("content,message", [
    (b"", "'r.xlsx' is empty (0 bytes), probably cut off while copying: ask for the roster again"),
    (b"NIK,Nama\n1,Ana\n", "'r.xlsx' is a CSV or text file with a .xlsx name, not a workbook: open it in Excel and "
                           "save it as .xlsx (Excel Workbook), then send it again"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "'r.xlsx' is a PNG image, not a workbook, although its name ends in .xlsx: "
                                        "ask for the roster again"),
])
def test_a_roster_the_preflight_refuses_says_why_in_hr_words(tmp_path, content, message):
    path = tmp_path / "r.xlsx"
    path.write_bytes(content)
    with pytest.raises(KpiFileError) as info:
        read_roster(path)
    assert str(info.value) == message


def test_a_catalogue_the_preflight_refuses_is_a_role_error(tmp_path):
    from kpi_xl.roles import load_roles

    path = tmp_path / "roles.xlsx"
    path.write_bytes(b"")
    with pytest.raises(RoleError, match=r"^'roles\.xlsx' is empty \(0 bytes\)"):
        load_roles(path)


def test_a_good_roster_still_reads(tmp_path):
    wb = openpyxl.Workbook()
    for row in ROSTER_ROWS:
        wb.active.append(row)
    wb.save(tmp_path / "r.xlsx")
    assert [e.name for e in read_roster(tmp_path / "r.xlsx").employees] == ["Rina"]


def _reader_imports(path: Path) -> list[str]:
    """What a module imports of a spreadsheet reader: python_calamine in any form, openpyxl's
    load_workbook (writing with openpyxl.Workbook is fine anywhere)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "python_calamine"]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            top = node.module.split(".")[0]
            if top == "python_calamine":
                found.append(node.module)
            elif top == "openpyxl":
                found += [f"{node.module}.{a.name}" for a in node.names if a.name == "load_workbook"]
        elif isinstance(node, ast.Attribute) and node.attr == "load_workbook":
            found.append("openpyxl.load_workbook")
    return found


def test_only_the_gate_imports_a_spreadsheet_reader():
    readers = {str(p.relative_to(REPO)): _reader_imports(p) for p in sorted(PACKAGE.rglob("*.py"))}
    assert readers.pop(str(GATE.relative_to(REPO)))  # the gate itself does
    assert {p: found for p, found in readers.items() if found} == {}


# --- one diagnosis on every path ----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "data", "words"), [
    ("roles.xlsx", "encrypted", "password-protected"),
    ("roles.xlsx", b"PK\x03\x04" + b"\x00" * 40, "damaged or incomplete"),
    ("roles.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "PNG image"),
])
def test_check_roster_catalogue_and_rollup_give_a_bad_file_the_same_reason(tmp_path, name, data, words):
    """`kpi-xl check`, a roster, a role catalogue and the rollup all open a workbook through the one gate:
    an encrypted file is "password-protected" everywhere (never BadZipFile), a cut-off one damaged."""
    import corpus as cp
    from typer.testing import CliRunner

    from kpi_xl.cli import app
    from kpi_xl.roles import read_catalogue
    from kpi_xl.roster import read_roster
    from kpi_xl.rollup import rollup

    path = tmp_path / name
    path.write_bytes(cp.encrypted_ooxml(1, 4096) if data == "encrypted" else data)
    checked = CliRunner().invoke(app, ["check", str(path)])
    assert checked.exit_code == 1 and words in checked.output
    for read in (read_roster, read_catalogue):
        with pytest.raises(KpiFileError, match=words):
            read(path)
    (issue,) = [i for i in rollup(path, None).issues if i.severity == "error"]
    assert words in issue.message
    for text in ("BadZipFile", "zipfile", "Traceback", "CalamineError"):
        assert text not in checked.output and text not in issue.message
