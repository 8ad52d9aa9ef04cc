"""Other projects' spreadsheet test files (`../shared/corpus`, read-only, never copied here) through
every path that reads a workbook: the exact reason for each file once refused with a wrong one, the
table of library errors and the words HR reads instead, the whole corpus rolled up in a subprocess
(a native crash fails the test, not pytest), and every file through the roster and catalogue readers.

The last two read every file in the exhaustive run (CI, KPI_XL_EXHAUSTIVE=1) and check that the quick
run's sample still holds a file of every outcome class; the quick run reads the sample
(tests/corpus_sample.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from corpus_sample import every_file, outcome, sample, uncovered, workbooks
from thorough import EXHAUSTIVE, IN_CI

from kpi_xl.errors import KpiFileError
from kpi_xl.io.reasons import AGAIN, reason, unreadable
from kpi_xl.rollup.read import read_workbook

# `../shared/corpus` beside the project; KPI_XL_CORPUS names it elsewhere (a git worktree's root differs).
CORPUS = Path(os.environ.get("KPI_XL_CORPUS") or Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus")
CORPUS = CORPUS.resolve()
# Words only a library says: none may reach HR.
LIBRARY_WORDS = ("CalamineError", "Cannot detect file format", "WorksheetNotFound", "BadZipFile", "KeyError",
                 "There is no item named", "ParseError", "amplification", "Traceback", "PanicException",
                 "Bad CRC", "Bad magic number", "XmlError", "Cfb error", "UserWarning")


def _corpus() -> Path:
    if not CORPUS.is_dir():
        if IN_CI:
            pytest.fail(f"the corpus of other projects' files is missing at {CORPUS} (required in CI)")
        pytest.skip(f"the corpus of other projects' files is not at {CORPUS}")
    return CORPUS


def _errors(path: Path) -> list[str]:
    return [i.message for i in read_workbook(str(path)).issues if i.severity == "error"]


NO_SCORECARD = "no scorecard found"
SHEETS = "poi-spreadsheet/test-data/spreadsheet/"


@pytest.mark.parametrize(("name", "expected"), [
    # Read (they hold no scorecard, so that is the one error).
    ("calamine/tests/capitalized_wbook_stream.xls", NO_SCORECARD),
    (SHEETS + "BOOK_in_capitals.xls", NO_SCORECARD),
    (SHEETS + "WORKBOOK_in_capitals.xls", NO_SCORECARD),
    ("phpspreadsheet/tests/data/Reader/XLSX/Zip-Windows-Directory-Separator.xlsx", NO_SCORECARD),
    ("calamine/tests/issue_530.xlsx", NO_SCORECARD),
    (SHEETS + "49609.xlsx", NO_SCORECARD),
    ("calamine/tests/minimal_package.xlsx", NO_SCORECARD),
    # Refused, with the precise reason.
    ("phpspreadsheet/tests/data/Reader/XLSX/utf16be.xlsx", "its parts are written in UTF-16"),
    (SHEETS + "xlmmacro.xlsm", "holds an Excel 4.0 macro sheet"),
    (SHEETS + "64420.xlsm", "holds an Excel 4.0 macro sheet"),
    (SHEETS + "testEXCEL_3.xls", "is an Excel 2.x, 3.0 or 4.0 workbook"),
    ("phpspreadsheet/tests/data/Reader/XLS/maccentraleurope.biff5.xls", "character set (code page)"),
    ("tealeg-xlsx/testdocs/badfile_noWorksheets.xlsx", "lists sheets that are not in the file"),
    (SHEETS + "clusterfuzz-testcase-minimized-POIHSSFFuzzer-5816431116615680.xls", "is damaged"),
])
def test_each_file_once_refused_with_a_wrong_reason_is_read_or_gets_its_reason(name, expected):
    path = _corpus() / name
    errors = _errors(path)
    assert len(errors) == 1 and expected in errors[0], errors
    assert errors[0].count("not a workbook") <= 1 and "no workbook, not a workbook" not in errors[0]
    assert not any(word in errors[0] for word in LIBRARY_WORDS)


class PanicException(BaseException):  # as pyo3 names a Rust panic
    pass


class CalamineError(Exception):
    pass


class XmlError(CalamineError):
    pass


class WorksheetNotFound(CalamineError):
    pass


class PasswordError(CalamineError):
    pass


class ParseError(SyntaxError):  # xml.etree's
    pass


@pytest.mark.parametrize(("error", "why"), [
    (PasswordError("Workbook is password protected"), "password"),
    (MemoryError(), "it needs more memory than this computer has"),
    (RecursionError("maximum recursion depth exceeded"), "its content is nested too deeply"),
    (CalamineError("Unrecognized sheet:type: xl/macrosheets/sheet1.xml"),
     "it holds an Excel 4.0 macro sheet, which the spreadsheet reader cannot open"),
    (CalamineError("Parse float error"),
     "it is saved as 'Strict Open XML Spreadsheet', which the spreadsheet reader cannot read"),
    (CalamineError("Cfb error: Codepage 272D not found"),
     "its text is in a character set (code page) the spreadsheet reader does not know"),
    (ParseError("limit on input amplification factor (from DTD and entities) breached"),
     "it unpacks to far more than its size (possibly an XML bomb)"),
    (CalamineError("Expecting 'table-cell', found 'Text(BytesText)'"),
     "its table is laid out in a way the spreadsheet reader cannot follow (text between cells)"),
    (CalamineError("'mimetype' file not found in archive"),
     "it lacks the part that says it is an OpenDocument spreadsheet"),
    (WorksheetNotFound("Tabelle1"), "it lists sheets that are not in the file"),
    (CalamineError("Relationship not found"), "its parts point at parts that are not in the file"),
    (CalamineError("File not found 'xl/_rels/workbook.xml.rels'"), "a part Excel needs is missing from the file"),
    (KeyError("There is no item named '[Content_Types].xml' in the archive"),
     "a part Excel needs is missing from the file"),
    (CalamineError("Cell string index not found in shared strings table"),
     "its cells point at texts that are not in the file"),
    (CalamineError("Range is missing the expected row component."), "a sheet names cells that do not exist"),
    (__import__("zipfile").BadZipFile("File is not a zip file"),
     "it is damaged or incomplete (cut off while copying?)"),
    (XmlError("workbook"), "it is damaged (the program that wrote it left out or broke a part Excel needs)"),
    (CalamineError("End of stream 'record length'"), "it is cut off or damaged"),
    (CalamineError("Invalid short string length, expected at least 2, found 1"),
     "it is damaged (the program that wrote it left out or broke a part Excel needs)"),
    (CalamineError("Cannot detect file format"), "it is no spreadsheet format the reader knows"),
    (TypeError("expected <class 'int'>"),
     "it is damaged (the program that wrote it left out or broke a part Excel needs)"),
    (ValueError("Unable to read workbook: could not read stylesheet from None."),
     "it is damaged (the program that wrote it left out or broke a part Excel needs)"),
    (PanicException("range end index 64 out of range for slice of length 1"),
     "the spreadsheet reader stopped on it (the file may be damaged)"),
])
def test_each_library_error_becomes_hr_words(error, why):
    assert reason(error) == why
    message = unreadable(error, "'budi.xlsx'")
    assert message.startswith("'budi.xlsx' ")
    if why == "password":
        assert "is password-protected" in message
    else:
        assert message == f"'budi.xlsx' could not be read: {why}; {AGAIN}"
    assert str(error) not in message or not str(error)


_RUN = textwrap.dedent("""
    import json, sys, warnings
    from kpi_xl.rollup import rollup
    result = rollup(sys.argv[1], None, jobs=int(sys.argv[2]))
    print(json.dumps({
        "reconciles": result.reconciles, "files": result.files_found,
        "with": result.files_with_scorecards, "unreadable": result.files_unreadable,
        "issues": sorted([i.file, i.sheet, i.cell, i.severity, i.message] for i in result.issues),
        "summary": result.summary.astype(str).values.tolist(),
    }))
""")


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def _rollup_in_a_subprocess(folder: Path, jobs: int) -> tuple[dict, str, float]:
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    run = subprocess.run([sys.executable, "-c", _RUN, str(folder), str(jobs)], capture_output=True, text=True,
                         timeout=300, env={**os.environ, "PYTHONWARNINGS": "default"}, check=False)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert run.returncode == 0, run.stderr[-2000:]
    assert before <= peak_mb * 1024
    return json.loads(run.stdout), run.stderr, peak_mb


def _swept(tmp_path: Path) -> tuple[Path, list[Path]]:
    """The folder the sweep reads and its files: the corpus itself (exhaustive run), or a copy of the
    quick run's sample, its folders kept."""
    corpus = _corpus()
    if EXHAUSTIVE:
        return corpus, every_file(corpus)
    for path in sample(corpus):
        copy = tmp_path / "sample" / path.relative_to(corpus)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, copy)
    return tmp_path / "sample", every_file(tmp_path / "sample")


def _unsampled(folder: Path, classes: dict[Path, set[str]]) -> list[str]:
    """The exhaustive run's check of the quick run's sample: every outcome class has a file in it."""
    return uncovered(folder, classes) if EXHAUSTIVE else []


@pytest.mark.corpus
@pytest.mark.parametrize("jobs", [1, 2])
def test_the_whole_corpus_rolls_up_with_nothing_lost_changed_or_leaked(jobs, tmp_path):
    folder, files = _swept(tmp_path)
    hashes = _hashes(folder)
    first, stderr, peak_mb = _rollup_in_a_subprocess(folder, jobs)
    assert "Traceback" not in stderr and "panicked" not in stderr
    assert "Warning" not in stderr, stderr[-2000:]
    assert first["reconciles"] and first["files"] == len(hashes) == len(files)
    assert peak_mb < 400, f"peak memory {peak_mb:.0f} MB"
    classes: dict[Path, set[str]] = {p: set() for p in files}
    for file, _sheet, _cell, severity, message in first["issues"]:
        assert not any(word in message for word in LIBRARY_WORDS), message
        classes[Path(file)].add(f"rollup: {severity}: {outcome(message, Path(file))}")
    again, _, _ = _rollup_in_a_subprocess(folder, jobs)
    assert again["summary"] == first["summary"] and again["issues"] == first["issues"]
    assert _hashes(folder) == hashes
    missing = _unsampled(folder, classes)
    assert not missing, f"add these files to tests/corpus_sample.txt: {missing}"


@pytest.mark.corpus
@pytest.mark.parametrize("reader", ["roster", "catalogue"])
def test_every_corpus_file_gives_a_result_or_an_hr_message(reader):
    from kpi_xl.roles.catalogue import read_catalogue
    from kpi_xl.roster import read_roster

    read = read_roster if reader == "roster" else read_catalogue
    corpus = _corpus()
    classes: dict[Path, set[str]] = {}
    for path in workbooks(every_file(corpus) if EXHAUSTIVE else sample(corpus)):
        try:
            read(path)
            classes[path] = {f"{reader}: read"}
        except KpiFileError as e:
            message = str(e)
            assert not any(word in message for word in LIBRARY_WORDS), (path, message)
            classes[path] = {f"{reader}: {outcome(message, path)}"}
    missing = _unsampled(corpus, classes)
    assert not missing, f"add these files to tests/corpus_sample.txt: {missing}"
