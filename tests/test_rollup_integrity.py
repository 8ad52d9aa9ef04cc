"""The rollup's integrity: nothing lost, nothing changed, nothing let in.

A department folder is built from the bad-input corpus (tests/corpus.py), scorecards that `kpi-xl
template --roster` made for a roster of hostile names, and that roster. Then, each through the command
a user runs, in its own process:

- every input is hashed before and after a rollup and two template runs: nothing changed, nothing added;
- every input file is in the summary or on its Issues sheet (read back from the workbook);
- a rollup killed (SIGKILL) while it writes the summary leaves the previous summary as it was, and no
  file under the summary's name when there was none; the temporary file it leaves is skipped next time;
- the same rollup twice gives the same summary, cell for cell and part for part (timestamps aside);
- the workbooks kpi-xl writes carry no macros and no external links, protected scorecard sheets have
  the settings the generator gives them, and the console workbook's VBA is xlwings' own, byte for byte.

On hand-made sheets, in-process: inputs never modified, a failed write keeps the previous summary and
leaves no partial file, jobs give the same summary, a temporary file left by an interrupted run is skipped.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from corpus import sha256_tree, shared_corpus
from rollup_helpers import GOLDEN_ROWS, digest, seed_workbook

from kpi_xl import contract as c
from kpi_xl.errors import KpiFileError
from kpi_xl.excel.console import QUICKSTART, VBA_PART, quickstart_path
from kpi_xl.io.text import safe_text
from kpi_xl.roles import builtin_roles, export_catalogue
from kpi_xl.rollup import rollup
from kpi_xl.roster import Employee
from kpi_xl.scorecard import write_scorecard

REPO = Path(__file__).resolve().parents[1]
ROLE = "digital-marketing-specialist"

# A roster HR might be sent: formulas, path tricks, reserved names, scripts from right to left, very long.
HOSTILE_ROSTER = [
    ("Employee ID", "Name", "Role", "Department", "Supervisor", "Monthly salary", "Potential"),
    ("E100", "=cmd|' /C calc'!A0", ROLE, "=1+1", "@SUM(1+1)", "10000000", "high"),
    ("E101", "../../../etc/passwd", "sales-manager", "Sales", "+62 811", "12000000", "medium"),
    ("E102", "CON", "finance-manager", "Finance", "-Budi", "9000000", "low"),
    ("E103", '=HYPERLINK("http://example.com/x","klik")', "hr-manager", "HR", "Sari", "", "2"),
    ("E104", "Rina \u202eslx.exe\u202c Putri", "it-manager", "IT", "Sari", "", ""),
    ("E105", "王小明 / محمد", ROLE, "Marketing", "Sari", "", "tinggi"),
    ("E106", "x" * 300, ROLE, "Marketing", "Sari", "", ""),
    ("..", "nul:", ROLE, "Marketing", "Sari", "", ""),
    ("E108", "a\\b\\..\\c", "product-manager", "Product", "Sari", "", ""),
]


def kpi_xl(*args: Any, timeout: float = 600) -> subprocess.CompletedProcess:
    """The kpi-xl command, as a user runs it, in its own process."""
    done = subprocess.run([sys.executable, "-m", "kpi_xl", *map(str, args)], capture_output=True, text=True,
                          cwd=REPO, timeout=timeout, env={**os.environ, "COLUMNS": "200"}, check=False)
    assert "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    return done


def tree(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under `folder`: its SHA-256 and its modification time (a read changes neither)."""
    hashes = sha256_tree(folder)
    root = os.fsencode(folder)
    times = {}
    for base, _, files in os.walk(root):
        for name in files:
            path = os.path.join(base, name)
            times[os.fsdecode(os.path.relpath(path, root))] = os.stat(path).st_mtime_ns
    return {k: (v, times[k]) for k, v in hashes.items()}


@dataclass
class Department:
    inputs: Path
    roster: Path
    out: Path
    before: dict[str, tuple[str, int]]
    summary: Path


@pytest.fixture(scope="module")
def department(tmp_path_factory: pytest.TempPathFactory) -> Department:
    root = tmp_path_factory.mktemp("integrity")
    inputs = root / "inputs"
    # A copy of the run's shared corpus (built once per run): the same files, without building them again.
    cases = shared_corpus(tmp_path_factory)
    shutil.copytree(os.path.commonpath([str(c.path) for c in cases]), inputs / "corpus")
    roster = inputs / "roster.csv"
    with open(roster, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(HOSTILE_ROSTER)
    made = kpi_xl("template", "--roster", roster, "-o", inputs / "scorecards", "--lang", "id")
    assert made.returncode == 0, made.stdout + made.stderr
    assert len(list((inputs / "scorecards").iterdir())) == len(HOSTILE_ROSTER) - 1
    out = root / "out"
    out.mkdir()
    before = tree(inputs)
    summary = out / "summary.xlsx"
    done = kpi_xl("rollup", inputs, "-o", summary, "--roster", roster)
    assert done.returncode == 0, done.stdout + done.stderr
    return Department(inputs, roster, out, before, summary)


# --- nothing changed, nothing lost ----------------------------------------------------------------------------


def test_a_rollup_and_template_runs_change_no_input(department: Department) -> None:
    assert len(department.before) > 280  # the corpus, the generated scorecards, the roster
    assert tree(department.inputs) == department.before  # after the rollup
    # Template runs over the same roster: into the folder of filled scorecards (kept: they may hold
    # actuals), and into a new folder, which gets every file and nothing lands anywhere else.
    kept = kpi_xl("template", "--roster", department.roster, "-o", department.inputs / "scorecards")
    assert kept.returncode == 0, kept.stdout + kept.stderr
    fresh = department.out / "fresh"
    again = kpi_xl("template", "--roster", department.roster, "-o", fresh)
    assert again.returncode == 0, again.stdout + again.stderr
    assert tree(department.inputs) == department.before
    assert sorted(p.name for p in department.out.iterdir()) == ["fresh", "summary.xlsx"]
    written = sorted(p.name for p in fresh.iterdir())
    assert len(written) == len(HOSTILE_ROSTER) - 1 and all(p.is_file() for p in fresh.iterdir())
    assert all(name.endswith(".xlsx") and "/" not in name and not name.startswith(".") for name in written)


def _column(ws: Any, header: str) -> list[Any]:
    rows = ws.iter_rows(values_only=True)
    heads = next(rows)
    at = heads.index(header)
    return [row[at] for row in rows]


def test_every_input_is_in_the_summary_or_its_issues(department: Department) -> None:
    wb = openpyxl.load_workbook(department.summary, read_only=True)
    listed = set(_column(wb["Summary"], "Source file")) | set(_column(wb["Issues"], "Source file"))
    root = os.fsencode(department.inputs)
    missing = []
    for base, _, files in os.walk(root):
        for name in files:
            path = os.fsdecode(os.path.join(base, name))
            if safe_text(path) not in listed:
                missing.append(path)
    assert not missing, missing
    assert len(_column(wb["Summary"], "Source file")) >= len(HOSTILE_ROSTER) - 1 + 80


# --- a rollup killed while it writes ------------------------------------------------------------------------

# The child rolls up through the command's own entry point, with the writer of the Details sheet
# stopped half-way: the Summary sheet is in the temporary file, Details has begun. The test kills it there.
KILLED_CHILD = """
import sys, time
from pathlib import Path
import kpi_xl.rollup.summary as summary

real = summary._write_table_xml

def stopped(f, table, *rest):
    if table.content.name not in ("Details", "Rincian"):
        return real(f, table, *rest)
    f.write(b'<?xml version="1.0"?><worksheet><sheetData><row r="1">')
    Path(sys.argv[3]).write_text("writing")
    time.sleep(600)

summary._write_table_xml = stopped
from kpi_xl.cli import app
app(["rollup", sys.argv[1], "-o", sys.argv[2]])
"""


def _kill_while_writing(inputs: Path, output: Path, ready: Path) -> list[Path]:
    """Start a rollup, SIGKILL it while it writes the summary; the temporary files it left."""
    child = subprocess.Popen([sys.executable, "-c", KILLED_CHILD, str(inputs), str(output), str(ready)],
                             cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 300
        while not ready.exists():
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "the rollup never began writing the summary"
            time.sleep(0.05)
        temps = sorted(output.parent.glob(".kpi-xl-*.xlsx"))
        assert temps and all(t.stat().st_size > 0 for t in temps)  # caught in the middle of writing
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.communicate()
    assert child.returncode == -signal.SIGKILL
    return temps


def test_a_rollup_killed_while_writing_leaves_the_previous_summary_intact(tmp_path: Path) -> None:
    from rollup_helpers import seed_workbook

    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(3):
        seed_workbook(inputs / f"e{i}.xlsx", who={"NIK": f"E{i}"})
    output = inputs / "summary.xlsx"  # in the input folder, as HR often does
    first = kpi_xl("rollup", inputs, "-o", output)
    assert first.returncode == 0, first.stdout + first.stderr
    previous = hashlib.sha256(output.read_bytes()).hexdigest()

    temps = _kill_while_writing(inputs, output, tmp_path / "ready")
    assert hashlib.sha256(output.read_bytes()).hexdigest() == previous
    assert openpyxl.load_workbook(output)["Summary"].max_row == 4  # still a whole, readable summary

    # The next run is not misled by the leftover: it is skipped, said so, and counted.
    again = kpi_xl("rollup", inputs, "-o", output)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Files found: 5 (3 with scorecards, 0 could not be read, 2 other files skipped)" in again.stdout
    wb = openpyxl.load_workbook(output)
    assert wb["Summary"].max_row == 4
    issues = list(wb["Issues"].iter_rows(min_row=2, values_only=True))
    assert (str(temps[0]), None, None, "info",
            "skipped: a temporary file an interrupted kpi-xl run left behind; delete it") in issues


def test_a_first_rollup_killed_while_writing_leaves_no_file_under_the_summarys_name(tmp_path: Path) -> None:
    from rollup_helpers import seed_workbook

    inputs = tmp_path / "in"
    inputs.mkdir()
    seed_workbook(inputs / "a.xlsx")
    out = tmp_path / "out"
    out.mkdir()
    _kill_while_writing(inputs, out / "summary.xlsx", tmp_path / "ready")
    assert not (out / "summary.xlsx").exists()
    assert [p.name.startswith(".kpi-xl-") for p in out.iterdir()] == [True]


# --- the same rollup twice ------------------------------------------------------------------------------------

TIMESTAMPS = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")


def _cells(wb: openpyxl.Workbook) -> dict[tuple[str, str], tuple]:
    return {(ws.title, cell.coordinate): (cell.value, cell.data_type, cell.number_format, cell.font.b,
                                         cell.quotePrefix, cell.alignment.wrap_text)
            for ws in wb.worksheets for row in ws.iter_rows() for cell in row}


def test_the_same_rollup_twice_gives_the_same_summary(department: Department) -> None:
    again = department.out / "again.xlsx"
    done = kpi_xl("rollup", department.inputs, "-o", again, "--roster", department.roster)
    assert done.returncode == 0, done.stdout + done.stderr
    a, b = openpyxl.load_workbook(department.summary), openpyxl.load_workbook(again)
    first, second = _cells(a), _cells(b)
    assert len(first) > 10_000
    differ = sorted(k for k in first.keys() | second.keys() if first.get(k) != second.get(k))
    assert not differ, differ[:10]
    assert a.sheetnames == b.sheetnames == ["Summary", "By KRA", "Levels", "Details", "Issues", "Missing", "9-Box"]
    # Part for part, too: only the document's created/modified times may differ.
    with zipfile.ZipFile(department.summary) as za, zipfile.ZipFile(again) as zb:
        assert za.namelist() == zb.namelist()
        for name in za.namelist():
            pa, pb = za.read(name), zb.read(name)
            if name == "docProps/core.xml":
                pa, pb = TIMESTAMPS.sub(b"", pa), TIMESTAMPS.sub(b"", pb)
            assert pa == pb, name
    os.remove(again)


# --- nothing let in: macros, external links, protection -------------------------------------------------------

# Relationship types and namespaces are http URLs by the standard; no Target may be one.
STANDARD_URLS = re.compile(rb"https?://(schemas\.openxmlformats\.org|schemas\.microsoft\.com|purl\.org|"
                           rb"www\.w3\.org)/")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory, department: Department) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("generated")
    employee = Employee("E1", "=1+1", "Marketing", "@Sari", ROLE, "2025", None, None, 2)
    books = {}
    for lang in ("en", "id"):
        for formulas in ("native", "udf"):
            books[f"scorecard-{lang}-{formulas}"] = write_scorecard(
                ROLE, folder / f"scorecard-{lang}-{formulas}.xlsx", employee, lang=lang, formulas=formulas)
    books["scorecard-password"] = write_scorecard(ROLE, folder / "password.xlsx", employee, password="rahasia")
    books["roster-scorecard"] = next((department.inputs / "scorecards").iterdir())
    books["summary"] = department.summary
    books["catalogue"] = export_catalogue(builtin_roles(), folder / "catalogue.xlsx")
    return books


def test_generated_workbooks_carry_no_macros_and_no_external_links(generated: dict[str, Path]) -> None:
    assert len(generated) == 8
    for what, path in generated.items():
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            assert not [n for n in names if n.endswith(".bin") or n.lower().startswith(
                ("xl/externallinks/", "xl/embeddings/", "xl/activex/", "customui"))], (what, names)
            types = z.read("[Content_Types].xml")
            assert b"macroEnabled" not in types and b"vbaProject" not in types, what
            workbook = z.read("xl/workbook.xml")
            assert b"externalReference" not in workbook, what
            for name in names:
                data = z.read(name)
                if name.endswith(".rels"):
                    targets = re.findall(rb'Target="([^"]*)"', data)
                    assert targets and not [t for t in targets if b":" in t or t.startswith(b"\\\\")], (what, name)
                    assert b"TargetMode" not in data, (what, name)
                if name.endswith(".xml"):
                    # In attributes (links, targets, sources); text cells may mention a web address.
                    urls = re.findall(rb"=\s*[\"'](https?://[^\"']*)", data)
                    assert all(STANDARD_URLS.match(u) for u in urls), (what, name, urls)
                    assert b"<hyperlink " not in data and b"ddeLink" not in data and b"oleLink" not in data
                    formulas = re.findall(rb"<f[^>]*>([^<]*)</f>", data)
                    assert not [f for f in formulas if re.search(rb"\[\d+\]", f)], (what, name)  # other workbooks


def test_scorecard_sheets_are_protected_as_the_generator_sets_them(generated: dict[str, Path]) -> None:
    for what, path in generated.items():
        if not what.startswith(("scorecard", "roster-scorecard")):
            continue
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            p = ws.protection
            assert p.sheet, (what, ws.title)
            # Allowed under protection: widening columns and rows, selecting any cell. Not allowed:
            # formatting cells, inserting or deleting rows and columns, sorting.
            assert (p.formatColumns, p.formatRows) == (False, False), (what, ws.title)
            assert (p.selectLockedCells, p.selectUnlockedCells) == (False, False), (what, ws.title)
            assert p.formatCells and p.insertRows and p.deleteRows and p.insertColumns and p.deleteColumns
            assert p.sort and p.autoFilter and p.objects is not True
            assert bool(p.password) == (what == "scorecard-password"), (what, ws.title)
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        assert cell.protection.locked, (what, ws.title, cell.coordinate)
        sheet, ref = next(iter(wb.defined_names[c.KPI_ACTUAL].destinations))
        actuals = [cell for (cell,) in wb[sheet][ref.replace("$", "")]]
        assert actuals and not any(cell.protection.locked for cell in actuals), what
        assert not wb.security or not wb.security.workbookPassword, what


def test_the_console_workbooks_vba_is_xlwings_own(tmp_path: Path) -> None:
    done = kpi_xl("excel", "console", tmp_path / "console")
    assert done.returncode == 0, done.stdout + done.stderr
    built = tmp_path / "console" / "kpi_console.xlsm"
    assert quickstart_path().name == QUICKSTART
    with zipfile.ZipFile(built) as ours, zipfile.ZipFile(quickstart_path()) as theirs:
        assert ours.read(VBA_PART) == theirs.read(VBA_PART)
        assert hashlib.sha256(ours.read(VBA_PART)).hexdigest() == hashlib.sha256(theirs.read(VBA_PART)).hexdigest()
        # No other code: the parts that can carry macros are exactly the quickstart's.
        code = [n for n in ours.namelist() if n.endswith(".bin") or "activeX" in n or "externalLink" in n]
        assert code == [n for n in theirs.namelist() if n.endswith(".bin") or "activeX" in n
                        or "externalLink" in n] == [VBA_PART]


def test_inputs_are_never_modified(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    seed_workbook(folder / "a.xlsx", who={"NIK": "E1"})
    seed_workbook(folder / "b.xlsx", who={"NIK": "E1"}, cached=[(1, 2)] * 7)
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 truncated")
    before = digest(folder)
    rollup(folder, tmp_path / "summary.xlsx", jobs=1)
    assert digest(folder) == before


def test_a_failed_write_keeps_the_previous_summary_and_leaves_no_partial_file(tmp_path, monkeypatch):
    seed_workbook(tmp_path / "a.xlsx")
    out = tmp_path / "summary.xlsx"
    rollup(tmp_path / "a.xlsx", out)
    before = out.read_bytes()

    def disk_full(f, table, *rest):
        f.write(b"<worksheet>half a summary")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("kpi_xl.rollup.summary._write_table_xml", disk_full)
    with pytest.raises(KpiFileError, match="cannot write the summary .No space left on device."):
        rollup(tmp_path / "a.xlsx", out)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "summary.xlsx"]


def test_jobs_give_the_same_summary(tmp_path):
    for i in range(12):
        actuals = [r[4] * (1 + i / 20) for r in GOLDEN_ROWS]
        seed_workbook(tmp_path / f"e{i:02}.xlsx", who={"NIK": f"E{i:02}"}, actuals=actuals)
    one = rollup(tmp_path, None, jobs=1)
    two = rollup(tmp_path, None, jobs=2)
    assert one.summary.equals(two.summary)
    assert [str(i) for i in one.issues] == [str(i) for i in two.issues]
    seen = []
    rollup(tmp_path, None, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (12, 12) and len(seen) == 12


def test_a_temporary_file_left_by_an_interrupted_run_is_skipped(tmp_path):
    seed_workbook(tmp_path / "a.xlsx")
    (tmp_path / ".kpi-xl-0123456789ab.xlsx").write_bytes(b"PK\x03\x04 half a summary")
    result = rollup(tmp_path, tmp_path / "summary.xlsx")
    assert result.scorecards == 1 and result.files_unreadable == 0 and result.other_files == 1
    assert (".kpi-xl-0123456789ab.xlsx", "", "", "info",
            "skipped: a temporary file an interrupted kpi-xl run left behind; delete it") in issues_of(result)
    assert (tmp_path / "summary.xlsx").stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def issues_of(result, severity=None):
    return [(i.file and Path(i.file).name, i.sheet, i.cell, i.severity, i.message) for i in result.issues
            if severity is None or i.severity == severity]
