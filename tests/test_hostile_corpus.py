"""The generated bad-input corpus (tests/corpus.py): big enough, every kind it must hold, files that
really are what their case says, and the same bytes on every run."""

from __future__ import annotations

import os
import zipfile
import zlib
from pathlib import Path

import pytest
import python_calamine as calamine
from corpus import (
    DATA_CODES,
    PREFLIGHT_CODES,
    ROLLUP,
    Case,
    build_corpus,
    crc32_repeated,
    kinds,
    sha256_tree,
    shared_corpus,
)

from kpi_xl.io.preflight import CODES


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Case]:
    return shared_corpus(tmp_path_factory)


def by_name(cases: list[Case], relative: str) -> Case:
    return next(c for c in cases if c.path.as_posix().endswith(relative))


# Every kind of input issue 6 lists, as the corpus names it.
ISSUE_KINDS = {
    "zero-byte",
    "truncated-zip",
    "corrupt-zip",
    "renamed",
    "encrypted",
    "xls",
    "ods",
    "chart-sheet",
    "hidden-sheet",
    "no-kpi-table",
    "text-in-number",
    "mixed-percent",
    "negative-weight",
    "zero-weight",
    "weights-not-100",
    "blank-target",
    "duplicate-employee",
    "same-file-twice",
    "formula-text",
    "long-text",
    "non-latin",
    "million-rows",
    "zip-bomb",
    "xml-entities",
    "path-trick",
    "good",
}


def test_corpus_has_200_files_of_every_kind(corpus: list[Case]) -> None:
    assert len(corpus) >= 200
    assert len({c.path for c in corpus}) == len(corpus)
    counts = kinds(corpus)
    assert ISSUE_KINDS <= set(counts), ISSUE_KINDS - set(counts)
    for kind in ISSUE_KINDS - {"million-rows", "xls", "ods"}:
        assert counts[kind] >= 2, f"only one {kind} file: the corpus needs variations"
    assert (
        sum(c.expect is None for c in corpus) >= 80
    )  # good files, so "every other file still rolled up" means something


def test_every_case_names_a_known_problem(corpus: list[Case]) -> None:
    for case in corpus:
        assert case.path.exists(), case.path
        if case.expect is None:
            assert case.stage == ROLLUP and case.severity is None and case.cards, case
        elif case.stage == "preflight":
            assert case.expect in CODES and case.expect in PREFLIGHT_CODES, case
            assert case.severity == ("info" if case.expect in ("lock-file", "other-file") else "error")
        else:
            assert DATA_CODES[case.expect] == case.severity, case
    assert set(CODES) - {"unreadable"} <= {c.expect for c in corpus}


def test_the_files_the_issue_names_are_there(corpus: list[Case]) -> None:
    renamed = {c.name: c.path.read_bytes()[:8] for c in corpus if c.kind == "renamed"}
    assert renamed["photo.xlsx"].startswith(b"\x89PNG")
    assert renamed["export.xlsx"].startswith(b"Objectiv")  # a CSV
    assert renamed["notes.xlsx"].startswith(b"Catatan")  # a text file
    encrypted = by_name(corpus, "encrypted/agile-small.xlsx").path.read_bytes()
    assert encrypted.startswith(b"\xd0\xcf\x11\xe0") and "EncryptedPackage".encode("utf-16-le") in encrypted
    assert b"\x2f\x00" in by_name(corpus, "encrypted/rc4.xls").path.read_bytes()  # a FILEPASS record
    for name in ("empty/empty.xlsx", "empty/empty.xls", "empty/empty.ods"):
        assert by_name(corpus, name).path.stat().st_size == 0
    names = {c.name for c in corpus}
    assert {"..xlsx", " leading space.xlsx", "name with\nnewline.xlsx", "=cmd.xlsx"} <= names
    assert any(len(c.name.encode()) > 200 for c in corpus)
    texts = {t for c in corpus for t in c.texts}
    for start in "=+-@":
        assert any(t.startswith(start) for t in texts), start
    assert any("HYPERLINK(" in t for t in texts)
    assert any(len(t) == 10_000 for t in texts)
    assert {"王小明", "محمد عبد الله"} <= texts
    assert any("😀" in t for t in texts)


def cell_value(case: Case) -> object:
    """The value python-calamine reads at the case's sheet and cell."""
    book = calamine.CalamineWorkbook.from_path(str(case.path))
    grid = book.get_sheet_by_name(case.sheet).to_python(skip_empty_area=False)
    letters = "".join(ch for ch in case.cell if ch.isalpha())
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    row = int(case.cell[len(letters) :]) - 1
    return grid[row][col - 1] if row < len(grid) and col - 1 < len(grid[row]) else ""


def test_data_level_cases_hold_the_bad_value_in_the_named_cell(corpus: list[Case]) -> None:
    texts = {}
    for case in corpus:
        if case.stage != ROLLUP or not case.cell or case.kind == "long-text":
            continue
        value = cell_value(case)
        if case.expect in ("not-a-number", "read-as-number", "ambiguous-number"):
            assert isinstance(value, str) or type(value).__name__ == "CellError" or value != value, (
                case,
                value,
            )
            texts[value] = case.expect
        elif case.expect == "blank-target":
            assert value == "", (case, value)
        elif case.expect == "negative-weight":
            assert isinstance(value, float) and value < 0, (case, value)
        elif case.expect == "zero-weight":
            assert value == 0, (case, value)
        elif case.expect == "mixed-percent":
            assert isinstance(value, float) and 0 < value <= 1, (case, value)
    # the issue's own examples
    assert texts["abc"] == "not-a-number"
    assert texts["1.500.000"] == texts["113,65"] == texts["22%"] == "read-as-number"
    assert texts["1,500"] == "ambiguous-number"
    spaces = [c for c in corpus if c.kind == "text-in-number" and c.expect is None]
    assert "  40 " in {cell for c in spaces for cell in _strings(c.path)}


def _strings(path: Path) -> set[str]:
    book = calamine.CalamineWorkbook.from_path(str(path))
    return {v for row in book.get_sheet_by_name("KPI").to_python() for v in row if isinstance(v, str)}


def test_mixed_percent_rows_hold_a_fraction_and_percent_points(corpus: list[Case]) -> None:
    book = calamine.CalamineWorkbook.from_path(str(by_name(corpus, "percent/mixed-1.xlsx").path))
    grid = book.get_sheet_by_name("KPI").to_python()
    row = next(r for r in grid if r[1] == "Tingkat perolehan prospek (%)")
    assert row[3:5] == [0.25, 22.0]  # target 25 % typed in a percent cell, actual typed as 22


def test_good_files_hold_the_golden_numbers(corpus: list[Case]) -> None:
    golden = by_name(corpus, "good/golden-budi.xlsx")
    assert golden.cards == (("E1000", pytest.approx(113.65)),)
    ids = [
        card[0]
        for c in corpus
        if c.stage == ROLLUP
        for card in c.cards
        if c.expect not in ("duplicate-employee", "duplicate-file")
    ]
    assert len(ids) == len(set(ids)), "employee IDs repeat outside the duplicate cases"


def test_the_big_and_hostile_files_are_what_they_claim(corpus: list[Case]) -> None:
    bomb = by_name(corpus, "bombs/two-gigabytes.xlsx").path
    assert bomb.stat().st_size < 3 * 2**20
    with zipfile.ZipFile(bomb) as z:
        assert sum(i.file_size for i in z.infolist()) >= 2 * 2**30
    million = by_name(corpus, "big/million-rows.xlsx").path
    with zipfile.ZipFile(million) as z, z.open("xl/worksheets/sheet1.xml") as sheet:
        head = sheet.read(2000)
        assert b'<dimension ref="A1:G1000000"/>' in head
        tail = b""
        for chunk in iter(lambda: sheet.read(2**20), b""):
            tail = (tail + chunk)[-300:]
    assert b'<row r="1000000">' in tail
    laughs = by_name(corpus, "entities/shared-strings.xlsx").path
    with zipfile.ZipFile(laughs) as z:
        assert b'<!ENTITY lol9 "&lol8;&lol8;' in z.read("xl/sharedStrings.xml")
    assert by_name(corpus, "large/huge.xlsx").path.stat().st_size > 50 * 2**20


def test_duplicate_pairs_point_at_each_other(corpus: list[Case]) -> None:
    pairs = [c for c in corpus if c.twin]
    assert len(pairs) == 8
    for case in pairs:
        twin = next(c for c in pairs if c.name == case.twin)
        assert twin.twin == case.name and twin.cards[0][0] == case.cards[0][0]
        same_bytes = twin.path.read_bytes() == case.path.read_bytes()
        assert same_bytes == (case.expect == "duplicate-file")


def test_generation_is_deterministic(corpus: list[Case], tmp_path: Path) -> None:
    again = build_corpus(tmp_path / "again")
    first_root = Path(_root(corpus))
    assert [(c.path.relative_to(tmp_path / "again"), c.expect, c.cell, c.cards) for c in again] == [
        (c.path.relative_to(first_root), c.expect, c.cell, c.cards) for c in corpus
    ]
    assert sha256_tree(tmp_path / "again") == sha256_tree(first_root)


def _root(cases: list[Case]) -> str:
    return os.path.commonpath([str(c.path) for c in cases])


@pytest.mark.parametrize(("unit", "count", "start"), [
    (b" ", 0, 0), (b" ", 1, 0), (b" ", 2, 7), (b"<si><t>x</t></si>", 37, 12345), (bytes(range(256)), 300, 0xFFFFFFFF),
])
def test_the_crc_of_a_repeated_member_is_zlibs(unit, count, start):
    """The zip bombs' CRC-32 is computed by doubling, not over their gigabytes: the same number."""
    assert crc32_repeated(unit, count, start) == zlib.crc32(unit * count, start)
