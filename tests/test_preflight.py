"""File checks before any reader opens a file (kpi_xl.io.preflight): every file of the hostile corpus gets its
expected code and message, the limits at their edges, damaged and random bytes never raise, and file names
shown in messages are escaped."""

from __future__ import annotations

import hashlib
import io
import json
import os
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import corpus as cp
import pytest
from corpus import PEAK_KB, Case, shared_corpus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi_xl.io.messages import shown_name
from kpi_xl.io.preflight import CODES, DEFAULT_LIMITS, Limits, check_file, preflight

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Case]:
    return shared_corpus(tmp_path_factory)


def by_name(cases: list[Case], relative: str) -> Case:
    return next(c for c in cases if c.path.as_posix().endswith(relative))


# --- preflight over the corpus -------------------------------------------------------------------------

# What a message must say for each limit it enforces (the default limits).
LIMIT_WORDS = {
    "too-large": ["50 MB"],
    "zip-bomb": ["200 MB", "limit of 100", "limit of 2,000"],
    "too-many-rows": ["10,000 rows"],
    "too-many-columns": ["256 columns"],
}


def test_preflight_gives_every_corpus_file_its_expected_code(corpus: list[Case]) -> None:
    wrong = []
    for case in corpus:
        problem = preflight(case.path)
        want = case.expect if case.stage == "preflight" else None
        got = problem.code if problem else None
        if got != want:
            wrong.append(f"{case.path}: expected {want}, got {got} ({problem and problem.message})")
    assert not wrong, "\n".join(wrong)


def test_preflight_messages_name_the_file_the_limit_and_the_place(corpus: list[Case]) -> None:
    for case in (c for c in corpus if c.stage == "preflight"):
        problem = preflight(case.path)
        assert problem is not None and problem.file == str(case.path)
        assert problem.severity == case.severity, case
        assert problem.message.startswith(shown_name(case.path)), problem.message
        assert "\n" not in problem.message and "Traceback" not in problem.message
        if case.expect in LIMIT_WORDS:
            assert any(w in problem.message for w in LIMIT_WORDS[case.expect]), problem.message
        if case.sheet:
            assert problem.sheet == case.sheet, (case, problem)
        if case.cell:
            assert problem.cell == case.cell, (case, problem)


PASSWORD = (
    "is password-protected: open it, remove the password (File > Info > Protect Workbook > Encrypt with "
    "Password, clear it) and send it again"
)
SAVE_AS = "open it in Excel and save it as .xlsx (Excel Workbook), then send it again"
MESSAGES = [
    (
        "empty/empty.xlsx",
        "'empty.xlsx' is empty (0 bytes), probably cut off while copying: ask for the scorecard again",
    ),
    ("encrypted/agile-small.xlsx", f"'agile-small.xlsx' {PASSWORD}"),
    ("encrypted/rc4.xls", f"'rc4.xls' {PASSWORD}"),
    (
        "encrypted/libreoffice.ods",
        "'libreoffice.ods' is password-protected: open it, save it again with File > Save "
        "As and 'Save with password' unticked, and send it again",
    ),
    (
        "bombs/two-gigabytes.xlsx",
        "'two-gigabytes.xlsx' is 2 MB but unpacks to 2,048 MB, over the limit of 200 MB: it "
        "is not a normal scorecard (possibly a zip bomb); ask for the original file",
    ),
    (
        "bombs/ratio.xlsx",
        "'ratio.xlsx': its part xl/worksheets/sheet1.xml unpacks 1,005 times its packed size, over "
        "the limit of 100: it is not a normal scorecard (possibly a zip bomb); ask for the original file",
    ),
    (
        "bombs/many-parts.xlsx",
        "'many-parts.xlsx' holds 2,507 parts, over the limit of 2,000: it is not a normal "
        "scorecard; ask for the original file",
    ),
    (
        "renamed/photo.xlsx",
        "'photo.xlsx' is a PNG image, not a workbook, although its name ends in .xlsx: ask for the "
        "scorecard again",
    ),
    (
        "renamed/export.xlsx",
        "'export.xlsx' is a CSV or text file with a .xlsx name, not a workbook: open it in Excel "
        "and save it as .xlsx (Excel Workbook), then send it again",
    ),
    (
        "renamed/web-export.xls",
        f"'web-export.xls' is a web page (HTML) with a .xls name, as some programs export 'to "
        f"Excel': {SAVE_AS}",
    ),
    (
        "big/million-rows.xlsx",
        "'million-rows.xlsx': sheet 'KPI' has values down to row 10,001 (at least), over the "
        "limit of 10,000 rows: delete the rows below the scorecard (or move that data to "
        "another file) and send it again",
    ),
    (
        "big/far-column.xlsx",
        "'far-column.xlsx': sheet 'KPI' has a value in column XFD (16,384), over the limit of 256 "
        "columns: delete what is right of the scorecard and send it again",
    ),
    (
        "locks/~$budi.xlsm",
        "'~$budi.xlsm' is Excel's lock file (the workbook was open when the folder was copied); "
        "skipped, nothing to do",
    ),
    (
        "wrong-extension/xlsx-as.xls",
        "'xlsx-as.xls' is an Excel workbook (.xlsx) with a .xls name: rename it to end in "
        ".xlsx and send it again",
    ),
    (
        "entities/shared-strings.xlsx",
        "'shared-strings.xlsx': its part xl/sharedStrings.xml declares a DTD "
        "(<!DOCTYPE>/<!ENTITY>), which no spreadsheet program writes and which can expand "
        f"to gigabytes: it is not read; {SAVE_AS}",
    ),
    (
        "truncated/cut-4.xlsx",
        "'cut-4.xlsx' is damaged or incomplete (cut off while copying?): it is not a complete "
        "workbook; ask for the file again",
    ),
    (
        "corrupt/9-bad-crc.xlsx",
        f"'9-bad-crc.xlsx' is damaged (its part xl/worksheets/sheet1.xml does not unpack as the file's directory "
        f"says): {SAVE_AS}",
    ),
    (
        "large/huge.xlsx",
        "'huge.xlsx' is 51 MB, over the limit of 50 MB for one scorecard: delete what is not the "
        "scorecard (pictures, data sheets) and send it again",
    ),
    ("other/notes.txt", "'notes.txt' is not a workbook (.xlsx, .xlsm, .xls, .ods); skipped"),
]


@pytest.mark.parametrize("relative, message", MESSAGES, ids=[m[0] for m in MESSAGES])
def test_preflight_exact_messages(corpus: list[Case], relative: str, message: str) -> None:
    problem = preflight(by_name(corpus, relative).path)
    assert problem is not None and problem.message == message


def test_preflight_changes_no_input(corpus: list[Case]) -> None:
    def digest(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    small = [c.path for c in corpus if c.path.stat().st_size < 5 * 2**20]
    before = {p: (digest(p), p.stat().st_mtime_ns) for p in small}
    for case in corpus:
        preflight(case.path)
    assert {p: (digest(p), p.stat().st_mtime_ns) for p in small} == before


PEAK_SCRIPT = (
    """
import json, resource, sys
from pathlib import Path
"""
    + PEAK_KB
    + """
from kpi_xl.io.preflight import preflight
codes = {}
for path in sorted(Path(sys.argv[1]).rglob("*")):
    if path.is_file():
        problem = preflight(path)
        codes[str(path)] = problem.code if problem else None
print(json.dumps({"peak_kb": peak_kb(), "codes": codes}))
"""
)


def test_preflight_over_the_whole_corpus_stays_small_in_memory(corpus: list[Case]) -> None:
    """One process checks every file, the zip bombs and the million-row sheet included: its peak
    resident memory stays under 300 MB and nothing is printed to stderr (no traceback)."""
    root = os.path.commonpath([str(c.path) for c in corpus])
    done = subprocess.run(
        [sys.executable, "-c", PEAK_SCRIPT, root], capture_output=True, text=True, cwd=REPO, timeout=600
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    result = json.loads(done.stdout)
    assert result["peak_kb"] < 300 * 1024, f"peak memory {result['peak_kb'] / 1024:.0f} MB"
    assert len(result["codes"]) == len(corpus)
    for case in corpus:
        assert result["codes"][str(case.path)] == (case.expect if case.stage == "preflight" else None), case


def test_no_python_spreadsheet_library_is_imported() -> None:
    code = (
        "import sys, kpi_xl.io.preflight, kpi_xl.io.text, kpi_xl.io.messages; "
        "heavy = ('openpyxl', 'pandas', 'python_calamine', 'numpy', 'xlwings'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert done.stdout.strip() == "[]"


# --- limits at their edges --------------------------------------------------------------------------------


def scorecard_parts(extra_rows: str = "") -> list[tuple[str, bytes]]:
    card = cp.Card(cp.Employee("E1", "Budi"), cp.golden_kpis())
    parts = cp.xlsx_parts([card.sheet_obj()])
    if extra_rows:
        parts = cp.replace_part(
            parts,
            "xl/worksheets/sheet1.xml",
            lambda d: d.replace(b"</sheetData>", extra_rows.encode() + b"</sheetData>"),
        )
    return parts


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def code(path: Path, limits: Limits = DEFAULT_LIMITS) -> str | None:
    problem = preflight(path, limits)
    return problem.code if problem else None


def test_a_good_scorecard_passes(tmp_path: Path) -> None:
    assert preflight(write(tmp_path, "budi.xlsx", cp.zip_bytes(scorecard_parts()))) is None


@pytest.mark.parametrize("last, expected", [(100, None), (101, "too-many-rows")])
def test_rows_limit_edge(tmp_path: Path, last: int, expected: str | None) -> None:
    row = f'<row r="{last}"><c r="B{last}"><v>1</v></c></row>'
    path = write(tmp_path, "rows.xlsx", cp.zip_bytes(scorecard_parts(row)))
    assert code(path, replace(DEFAULT_LIMITS, max_rows=100)) == expected


@pytest.mark.parametrize(
    "column, expected", [("CV", None), ("CW", "too-many-columns")]
)  # columns 100 and 101
def test_columns_limit_edge(tmp_path: Path, column: str, expected: str | None) -> None:
    row = f'<row r="40"><c r="{column}40" t="inlineStr"><is><t>x</t></is></c></row>'
    path = write(tmp_path, "cols.xlsx", cp.zip_bytes(scorecard_parts(row)))
    assert code(path, replace(DEFAULT_LIMITS, max_columns=100)) == expected


def test_styled_empty_cells_and_empty_rows_do_not_count(tmp_path: Path) -> None:
    # Excel writes formatted but empty cells as <c r=".." s=".."/>: a reader skips them, and so do we.
    rows = '<row r="500000" s="1" customFormat="1"><c r="XFD500000" s="1"/></row><row r="900000"/>'
    assert code(write(tmp_path, "styled.xlsx", cp.zip_bytes(scorecard_parts(rows)))) is None


def test_rows_and_cells_without_references_follow_the_previous_ones(tmp_path: Path) -> None:
    rows = "".join("<row><c><v>1</v></c></row>" for _ in range(30)) + "<row><c/><c/><c><v>2</v></c></row>"
    parts = cp.replace_part(
        cp.xlsx_parts([cp.Sheet("S", [])]),
        "xl/worksheets/sheet1.xml",
        lambda d: d.replace(b"<sheetData>", b"<sheetData>" + rows.encode()),
    )
    path = write(tmp_path, "implicit.xlsx", cp.zip_bytes(parts))
    assert code(path, replace(DEFAULT_LIMITS, max_rows=30)) == "too-many-rows"  # the 31st row
    assert code(path, replace(DEFAULT_LIMITS, max_rows=31)) is None
    assert code(path, replace(DEFAULT_LIMITS, max_columns=2)) == "too-many-columns"  # its third cell
    assert code(path, replace(DEFAULT_LIMITS, max_columns=3)) is None


def test_prefixed_and_utf16_sheets_are_scanned(tmp_path: Path) -> None:
    parts = cp.replace_part(
        scorecard_parts(),
        "xl/worksheets/sheet1.xml",
        lambda d: d.replace(
            b"</sheetData>", b'<x:row r="20001"><x:c r="A20001"><x:v>1</x:v></x:c></x:row></sheetData>'
        ),
    )
    assert code(write(tmp_path, "prefix.xlsx", cp.zip_bytes(parts))) == "too-many-rows"
    utf16 = cp.replace_part(
        parts,
        "xl/worksheets/sheet1.xml",
        lambda d: d.replace(b'encoding="UTF-8"', b'encoding="UTF-16"').decode().encode("utf-16"),
    )
    problem = preflight(write(tmp_path, "utf16.xlsx", cp.zip_bytes(utf16)))
    assert problem is not None and problem.code == "too-many-rows" and problem.cell == "A20001"


@pytest.mark.parametrize("shift", range(-48, 8, 3))
def test_a_cell_tag_cut_by_a_chunk_boundary_is_still_seen(tmp_path: Path, shift: int) -> None:
    # The sheet is streamed in 64 KB pieces; move the far cell's tag across the boundary a few bytes a time.
    far = '<row r="50000"><c r="B50000"><v>1</v></c></row>'
    before = dict(scorecard_parts())["xl/worksheets/sheet1.xml"].index(b"</sheetData>")
    head, tail = '<row r="30"><c r="A30" t="inlineStr"><is><t>', "</t></is></c></row>"
    pad = 65536 - before - len(head) - len(tail) + shift
    path = write(tmp_path, "cut.xlsx", cp.zip_bytes(scorecard_parts(head + "x" * pad + tail + far)))
    problem = preflight(path)
    assert problem is not None and (problem.code, problem.cell) == ("too-many-rows", "B50000")


@pytest.mark.parametrize("members, expected", [(20, None), (21, "zip-bomb")])
def test_members_limit_edge(tmp_path: Path, members: int, expected: str | None) -> None:
    parts = scorecard_parts()
    parts += [(f"xl/media/image{i}.png", b"\x89PNG") for i in range(members - len(parts))]
    path = write(tmp_path, "parts.xlsx", cp.zip_bytes(parts))
    assert code(path, replace(DEFAULT_LIMITS, max_members=20)) == expected


def test_unpacked_size_and_ratio_edges(tmp_path: Path) -> None:
    path = write(tmp_path, "size.xlsx", cp.zip_bytes(scorecard_parts()))
    with zipfile.ZipFile(path) as z:
        unpacked = sum(i.file_size for i in z.infolist())
        biggest = max(z.infolist(), key=lambda i: i.file_size)
    assert code(path, replace(DEFAULT_LIMITS, max_unpacked_bytes=unpacked)) is None
    assert code(path, replace(DEFAULT_LIMITS, max_unpacked_bytes=unpacked - 1)) == "zip-bomb"
    ratio = biggest.file_size / biggest.compress_size
    floor = replace(DEFAULT_LIMITS, ratio_floor_bytes=100)
    assert code(path, replace(floor, max_ratio=ratio)) is None
    assert code(path, replace(floor, max_ratio=ratio * 0.99)) == "zip-bomb"
    assert code(path, replace(DEFAULT_LIMITS, max_ratio=1.0)) is None  # small parts are never ratio-checked


def test_file_size_edge(tmp_path: Path) -> None:
    path = write(tmp_path, "size.xlsx", cp.zip_bytes(scorecard_parts()))
    size = path.stat().st_size
    assert code(path, replace(DEFAULT_LIMITS, max_file_bytes=size)) is None
    assert code(path, replace(DEFAULT_LIMITS, max_file_bytes=size - 1)) == "too-large"


def test_long_prolog_is_refused_with_its_limit(tmp_path: Path) -> None:
    parts = cp.replace_part(
        scorecard_parts(), "xl/sharedStrings.xml", lambda d: d.replace(b"\n", b"\n<!--" + b"x" * 200_000, 1)
    )
    problem = preflight(write(tmp_path, "prolog.xlsx", cp.zip_bytes(parts)))
    assert problem is not None and problem.code == "xml-entities" and "64 KB" in problem.message


def test_an_external_doctype_is_allowed_in_opendocument_only(tmp_path: Path) -> None:
    # OpenOffice 2 and 3 wrote <!DOCTYPE manifest:manifest PUBLIC ... "Manifest.dtd"> in every manifest.
    doctype = (
        b'\n<!DOCTYPE manifest:manifest PUBLIC "-//OpenOffice.org//DTD Manifest 1.0//EN" "Manifest.dtd">'
    )
    sheet = cp.Card(cp.Employee("E1", "Budi"), cp.golden_kpis()).sheet_obj()
    ods = cp.replace_part(
        cp.ods_parts([sheet]), "META-INF/manifest.xml", lambda d: d.replace(b"\n", doctype, 1)
    )
    assert code(write(tmp_path, "old.ods", cp.zip_bytes(ods))) is None
    xlsx = cp.replace_part(scorecard_parts(), "_rels/.rels", lambda d: d.replace(b"\n", doctype, 1))
    assert code(write(tmp_path, "dtd.xlsx", cp.zip_bytes(xlsx))) == "xml-entities"


def test_not_a_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    (tmp_path / "folder.xlsx").mkdir()
    assert code(tmp_path / "folder.xlsx") == "unreadable"
    if hasattr(os, "mkfifo"):  # opening a pipe would wait for a writer forever
        os.mkfifo(tmp_path / "pipe.xlsx")
        assert code(tmp_path / "pipe.xlsx") == "unreadable"
    assert code(tmp_path / "missing.xlsx") == "unreadable"


@pytest.fixture(scope="module")
def fuzz_folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="kpi-xl-fuzz-") as folder:
        yield Path(folder)


GOOD = cp.zip_bytes(scorecard_parts())
GOOD_XLS = cp.xls_bytes([cp.Card(cp.Employee("E1", "Budi"), cp.golden_kpis()).sheet_obj()])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    base=st.sampled_from([GOOD, GOOD_XLS]),
    at=st.integers(min_value=0),
    junk=st.binary(min_size=1, max_size=64),
    cut=st.booleans(),
    suffix=st.sampled_from([".xlsx", ".xls", ".ods", ".xlsm"]),
)
def test_preflight_never_raises_on_damaged_files(
    fuzz_folder: Path, base: bytes, at: int, junk: bytes, cut: bool, suffix: str
) -> None:
    at %= len(base)
    data = base[:at] if cut else base[:at] + junk + base[at + len(junk) :]
    problem = preflight(write(fuzz_folder, f"fuzz{suffix}", data))
    assert problem is None or (problem.code and problem.message and problem.severity in ("error", "info"))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2048), st.sampled_from([".xlsx", ".xls", ".ods"]))
def test_preflight_never_raises_on_random_bytes(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        problem = preflight(write(Path(folder), f"random{suffix}", data))
    assert problem is not None and problem.code in CODES


# --- the quick look and what it leaves to the exact one -------------------------------------------------


@pytest.mark.parametrize(
    "tag",
    [
        '<c\nr="B50000"><v>1</v></c>',  # cell tags written otherwise than `<c r="...`
        '<c\tr="B50000"><v>1</v></c>',
        '<c  r="B50000"><v>1</v></c>',
        '<c s="1" r="B50000"><v>1</v></c>',
        "<c r='B50000'><v>1</v></c>",
        '<c r = "B50000"><v>1</v></c>',
        '<c r="$B$50000"><v>1</v></c>',
        '<c r="b50000"><v>1</v></c>',
        '<c r="B050000"><v>1</v></c>',
        '<x:c r="B50000"><x:v>1</x:v></x:c>',
    ],
)
def test_a_far_cell_written_in_any_form_is_seen(tmp_path: Path, tag: str) -> None:
    path = write(tmp_path, "far.xlsx", cp.zip_bytes(scorecard_parts(f'<row r="50000">{tag}</row>')))
    problem = preflight(path)
    assert problem is not None and problem.code == "too-many-rows", problem


@pytest.mark.parametrize(
    "part",
    ["docProps/core.xml", "xl/theme/theme1.xml", "[Content_Types].xml", "xl/worksheets/sheet9.xml"],
)
def test_a_dtd_in_a_part_no_reader_parses_is_still_refused(tmp_path: Path, part: str) -> None:
    laughs = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
    parts = scorecard_parts()
    names = [n for n, _ in parts]
    body = b'<?xml version="1.0" encoding="UTF-8"?>\n<!-- made by hand -->' + laughs + b"<x>&a;</x>"
    parts = [(n, body if n == part else d) for n, d in parts] + ([] if part in names else [(part, body)])
    problem = preflight(write(tmp_path, "dtd.xlsx", cp.zip_bytes(parts)))
    assert problem is not None and problem.code == "xml-entities" and part in problem.message


def test_a_part_the_reader_parses_whose_header_lies_about_its_size_is_refused(tmp_path: Path) -> None:
    members = []
    for name, data in scorecard_parts():
        member = cp.packed(data)
        member.name = name
        if name == "xl/styles.xml":  # not a sheet, but python-calamine parses it on opening
            member = cp.repeated_member(name, data[:-12], b" " * 2**16, 64, data[-12:])
            member.size = 4000
        members.append(member)
    problem = preflight(write(tmp_path, "lies.xlsx", cp.raw_zip(members)))
    assert problem is not None and problem.code == "corrupt" and "xl/styles.xml" in problem.message


def test_check_file_returns_the_bytes_the_workbook_part_and_the_error_cells(tmp_path: Path) -> None:
    errors = (
        '<row r="31"><c r="E31" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
        '<c r="F31" s="2" t="e"><v>#N/A</v></c><c r="G31" t="e"/></row>'
    )
    path = write(tmp_path, "errors.xlsx", cp.zip_bytes(scorecard_parts(errors)))
    checked = check_file(path)
    assert checked.problem is None and checked.data == path.read_bytes()
    assert checked.workbook_xml is not None and checked.workbook_xml.startswith(b"<?xml")
    assert checked.error_cells == {"KPI": {"E31": "#DIV/0!", "F31": "#N/A"}}
    refused = check_file(write(tmp_path, "empty.xlsx", b""))
    assert refused.problem.code == "empty" and refused.data is None


def test_an_error_cell_cut_by_a_chunk_boundary_is_still_found(tmp_path: Path) -> None:
    before = dict(scorecard_parts())["xl/worksheets/sheet1.xml"].index(b"</sheetData>")
    head, tail = '<row r="30"><c r="A30" t="inlineStr"><is><t>', "</t></is></c></row>"
    for shift in range(-30, 10, 4):
        pad = 65536 - before - len(head) - len(tail) + shift
        error = '<row r="31"><c r="D31" t="e"><v>#VALUE!</v></c></row>'
        path = write(tmp_path, "cut.xlsx", cp.zip_bytes(scorecard_parts(head + "x" * pad + tail + error)))
        assert check_file(path).error_cells["KPI"]["D31"] in ("#VALUE!", ""), shift


# --- references of any length, and references that are no cell name ---------------------------------------


@pytest.mark.parametrize(
    "tag, code_, cell",
    [
        ('<c r="C1000000000"><v>1</v></c>', "too-many-rows", "C1000000000"),  # ten digits
        ('<c r="C12345678901234567890"><v>1</v></c>', "too-many-rows", "C12345678901234567890"),
        ('<c r="C00000000008000000"><v>1</v></c>', "too-many-rows", "C8000000"),  # leading zeros
        ('<c r="C0000000040"><v>1</v></c>', None, ""),  # leading zeros, row 40: fine
        ('<c r="AAAA40"><v>1</v></c>', "too-many-columns", "AAAA40"),  # four letters
        ('<c s="1" r="C1000000000"><v>1</v></c>', "too-many-rows", "C1000000000"),  # the general pattern
        ('<c t="e" r="C1000000000"><v>#N/A</v></c>', "too-many-rows", "C1000000000"),
    ],
)
def test_references_are_read_whatever_their_length(tmp_path: Path, tag: str, code_: str | None, cell: str) -> None:
    path = write(tmp_path, "far.xlsx", cp.zip_bytes(scorecard_parts(f'<row r="40">{tag}</row>')))
    problem = preflight(path)
    if code_ is None:
        assert problem is None, problem
    else:
        assert problem is not None and (problem.code, problem.cell) == (code_, cell), problem


def test_a_row_number_of_ten_digits_without_cell_references_is_seen(tmp_path: Path) -> None:
    path = write(tmp_path, "rows.xlsx", cp.zip_bytes(scorecard_parts('<row r="1000000000"><c><v>1</v></c></row>')))
    problem = preflight(path)
    assert problem is not None and (problem.code, problem.cell) == ("too-many-rows", "A1000000000")


@pytest.mark.parametrize("ref", ["C-5", "C1e3", " C5", "5", "C", ""])
def test_a_reference_that_is_no_cell_name_is_refused(tmp_path: Path, ref: str) -> None:
    # A reader would stop on it (or worse); where the sheet ends cannot be told, so it is refused.
    path = write(tmp_path, "odd.xlsx", cp.zip_bytes(scorecard_parts(f'<row r="40"><c r="{ref}"><v>1</v></c></row>')))
    problem = preflight(path)
    assert problem is not None and (problem.code, problem.sheet) == ("too-many-rows", "KPI")
    assert problem.message == (
        f"'odd.xlsx': sheet 'KPI' has a cell whose reference {ref!r} is no cell name, so where the sheet ends "
        f"cannot be told: {SAVE_AS}"
    )


def test_the_name_checks_are_preflights_and_check_file_reads_what_it_is_given(tmp_path: Path) -> None:
    # The rollup sorts lock files and other files out by name before it reads; check_file looks at content.
    lock = write(tmp_path, "~$budi.xlsx", cp.zip_bytes(scorecard_parts()))
    assert code(lock) == "lock-file" and check_file(lock).problem is None
    text = write(tmp_path, "notes.txt", b"Catatan rapat")
    assert code(text) == "other-file" and check_file(text).problem.code == "not-a-workbook"


def test_a_local_header_naming_another_part_is_refused_in_every_part(tmp_path: Path) -> None:
    # [Content_Types].xml is only checked for a DTD (no reader parses it); its local header must still
    # carry its own name, as for the parts that are read.
    data = cp.zip_bytes(scorecard_parts())
    name = b"[Content_Types].xml"
    assert data[:4] == b"PK\x03\x04" and data[30 : 30 + len(name)] == name  # the first part's local header
    forged = data[:30] + b"[Content_Typez].xml" + data[30 + len(name) :]
    problem = preflight(write(tmp_path, "forged.xlsx", forged))
    assert problem is not None and problem.code == "corrupt" and "[Content_Types].xml" in problem.message


# --- file names in messages ------------------------------------------------------------------------------

def test_shown_name_escapes_what_would_break_a_message() -> None:
    assert shown_name("/x/name with\nnewline.xlsx") == "'name with\\nnewline.xlsx'"
    assert shown_name("report\u202excod.xlsx") == "'report\\u202excod.xlsx'"
    assert shown_name(os.fsdecode(b"bad\xffname.xlsx")) == "'bad\ufffdname.xlsx'"


# --- the quick paths give what the thorough ones give -------------------------------------------------------


def _with_comment(data: bytes) -> bytes:
    return data[:-2] + b"\x05\x00hello"


def _prepended(data: bytes) -> bytes:
    # A self-extractor's stub before the zip: zipfile shifts every offset by it; the plain reading declines.
    return b"MZ" + b"\x00" * 62 + data


def _with_directory_field(data: bytes, field: int, fmt: str, value: int, entry: int = 0) -> bytes:
    """`data` with one field of its `entry`-th central directory entry set to `value`."""
    cd_offset = struct.unpack_from("<I", data, len(data) - 6)[0]
    pos = cd_offset
    for _ in range(entry):
        n, e, k = struct.unpack_from("<HHH", data, pos + 28)
        pos += 46 + n + e + k
    out = bytearray(data)
    struct.pack_into(fmt, out, pos + field, value)
    return bytes(out)


def _one_more_entry_claimed(data: bytes) -> bytes:
    count = struct.unpack_from("<H", data, len(data) - 12)[0]
    out = bytearray(data)
    struct.pack_into("<HH", out, len(data) - 14, count + 1, count + 1)
    return bytes(out)


def _not_utf8(data: bytes) -> bytes:
    # The directory's copy of a UTF-8 name (flag 0x800) made invalid UTF-8; the local header keeps its own.
    at = data.rindex("\u00e4".encode())
    return data[:at] + b"\xff\xfe" + data[at + 2:]


def _with_extra_field(parts: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for i, (name, data) in enumerate(parts):
            info = zipfile.ZipInfo(name, cp.FIXED_TIME)
            if i == 0:
                info.extra = struct.pack("<HH", 0xCAFE, 4) + b"abcd"
            z.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


GOOD_ZIP = cp.zip_bytes(scorecard_parts())
# How a zip's directory can be written: the plain reading takes the first, hands the rest to zipfile.
DIRECTORIES = [
    ("plain", GOOD_ZIP, True),
    ("archive comment", _with_comment(GOOD_ZIP), False),
    ("data before the zip", _prepended(GOOD_ZIP), False),
    ("extra field", _with_extra_field(scorecard_parts()), False),
    ("one entry more claimed", _one_more_entry_claimed(GOOD_ZIP), False),
    ("bad entry signature", _with_directory_field(GOOD_ZIP, 0, "<I", 0x02014B51, entry=3), False),
    ("zip version 9.9", _with_directory_field(GOOD_ZIP, 6, "<H", 99), False),
    ("zip64 sizes", _with_directory_field(GOOD_ZIP, 20, "<I", 0xFFFFFFFF, entry=2), False),
    ("name longer than the directory", _with_directory_field(GOOD_ZIP, 28, "<H", 60000, entry=4), False),
    ("a name that is no UTF-8", _not_utf8(cp.zip_bytes(scorecard_parts() + [("xl/media/\u00e4.png", b"x")])), False),
    ("a UTF-8 name", cp.zip_bytes(scorecard_parts() + [("xl/media/\u00e4.png", b"x")]), True),
    ("encrypted entry", _with_directory_field(GOOD_ZIP, 8, "<H", 0x1, entry=1), True),
]


def _zipfile_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kpi_xl.io.preflight.zip.directory", lambda data: None)


def _checked(path: Path) -> tuple[str | None, str | None]:
    problem = check_file(path).problem
    return (problem.code, problem.message) if problem else (None, None)


@pytest.mark.parametrize("what, data, plain", DIRECTORIES, ids=[d[0] for d in DIRECTORIES])
def test_the_plain_directory_reading_gives_what_zipfile_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, what: str, data: bytes, plain: bool
) -> None:
    from kpi_xl.io.preflight.zip import directory

    assert (directory(data) is not None) == plain, what
    path = write(tmp_path, "budi.xlsx", data)
    quick = _checked(path)
    _zipfile_only(monkeypatch)
    assert _checked(path) == quick


@settings(max_examples=300, deadline=None)
@given(at=st.integers(min_value=0), junk=st.binary(min_size=1, max_size=8), cut=st.booleans())
def test_the_plain_directory_reading_agrees_with_zipfile_on_damaged_files(at: int, junk: bytes, cut: bool) -> None:
    # Damage aimed at the directory (its last few hundred bytes), where the two readings could part.
    at = len(GOOD_ZIP) - 1 - at % 700
    data = GOOD_ZIP[:at] if cut else GOOD_ZIP[:at] + junk + GOOD_ZIP[at + len(junk):]
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        path = write(Path(folder), "fuzz.xlsx", data)
        quick = _checked(path)
        _zipfile_only(patch)
        assert _checked(path) == quick


def _forget_passed_parts() -> None:
    from kpi_xl.io.preflight import parts

    parts._PASSED.clear()
    parts._passed_size = 0


def test_every_corpus_file_gets_the_same_answer_whatever_was_read_before(corpus: list[Case]) -> None:
    # Parts that passed once pass again by their packed bytes: the answers with everything read before
    # (in both orders) are the answers of a fresh process.
    files = [case.path for case in corpus]
    fresh = {}
    for path in files:
        _forget_passed_parts()
        fresh[path] = preflight(path)
    for order in (files, files[::-1]):
        for path in order:
            assert preflight(path) == fresh[path], path


def _member_claims(data: bytes, part: str, **claims: int) -> bytes:
    """`data` (a zip of `zip_bytes`) with the directory entry of `part` claiming other sizes or CRC."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        index = [i.filename for i in z.infolist()].index(part)
    fields = {"crc": (16, "<I"), "size": (24, "<I")}
    for claim, value in claims.items():
        offset, fmt = fields[claim]
        data = _with_directory_field(data, offset, fmt, value, entry=index)
    return data


def test_a_part_that_passed_before_is_checked_again_when_its_directory_or_header_differs(tmp_path: Path) -> None:
    # The same packed bytes as a part that passed, under a directory entry or local header that lies:
    # refused as if nothing had been read before.
    assert preflight(write(tmp_path, "budi.xlsx", GOOD_ZIP)) is None  # every part has passed once
    styles = dict(scorecard_parts())["xl/styles.xml"]
    damaged = "is damaged (its part xl/styles.xml does not unpack as the file's directory says)"
    cases = [
        (_member_claims(GOOD_ZIP, "xl/styles.xml", crc=zlib.crc32(styles) ^ 1), damaged),
        (_member_claims(GOOD_ZIP, "xl/styles.xml", size=len(styles) - 1), damaged),
        (_member_claims(GOOD_ZIP, "xl/styles.xml", size=len(styles) + 1), damaged),
    ]
    name = b"[Content_Types].xml"
    forged = GOOD_ZIP[:30] + b"[Content_Typez].xml" + GOOD_ZIP[30 + len(name):]
    cases.append((forged, "is damaged (its part [Content_Types].xml does not unpack as the file's directory says)"))
    for i, (data, words) in enumerate(cases):
        problem = preflight(write(tmp_path, f"lies{i}.xlsx", data))
        assert problem is not None and problem.code == "corrupt", (i, problem)
        assert problem.message == f"'lies{i}.xlsx' {words}: {SAVE_AS}", i


# Error cells as an XML parser reads them (python-calamine gives every one as a blank): cell -> error text.
ERROR_CELLS = [
    ('<c r="E31" t="e"><v>#DIV/0!</v></c>', {"E31": "#DIV/0!"}),
    ('<c r="E31" s="2" t="e"><f>1/0</f><v>#DIV/0!</v></c>', {"E31": "#DIV/0!"}),
    ("<c r='E31' t='e'><v>#N/A</v></c>", {"E31": "#N/A"}),
    ('<c r="E31" t = "e"><v>#N/A</v></c>', {"E31": "#N/A"}),  # spaced as no program writes it
    ('<c r="E31" t ="e"><v>#REF!</v></c>', {"E31": "#REF!"}),
    ('<c t="e" r="E31"><v>#NAME?</v></c>', {"E31": "#NAME?"}),
    ('<x:c r="E31" t="e"><x:v>#NUM!</x:v></x:c>', {"E31": "#NUM!"}),
    ('<c r="E31" t="e"><f>1/0</f></c>', {"E31": ""}),  # no value saved: still no number
    ('<c r="E31" t="e"></c>', {"E31": ""}),
    ('<c r="E31" t="e"/>', {}),  # no value at all: a blank
    ('<c r="E31" t="str"><v>e</v></c>', {}),
    ('<c r="E31" t="inlineStr"><is><t>t="e"</t></is></c>', {}),
]


@pytest.mark.parametrize("cell, errors", ERROR_CELLS, ids=[c[0] for c in ERROR_CELLS])
def test_error_cells_are_found_however_they_are_written(tmp_path: Path, cell: str, errors: dict) -> None:
    path = write(tmp_path, "errors.xlsx", cp.zip_bytes(scorecard_parts(f'<row r="31">{cell}</row>')))
    checked = check_file(path)
    assert checked.problem is None
    assert checked.error_cells == ({"KPI": errors} if errors else {})
