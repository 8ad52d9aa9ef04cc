"""The package the reader opens (`kpi_xl.io.preflight.package.repack`): the parts the preflight checked,
stored as it unpacked them, every other part's packed bytes as found. python-calamine must read from
it exactly what it reads from the file itself: every sheet's cells, names and kinds, for generated
scorecards and for other projects' files (`../shared/corpus`)."""

from __future__ import annotations

import io
import math
import zipfile
from pathlib import Path

import pytest
import python_calamine as calamine
from corpus_sample import every_file, sample
from test_corpus_reasons import _corpus
from thorough import EXHAUSTIVE

from kpi_xl.io.preflight import check_file
from kpi_xl.rollup.read import _sheets_read, read_workbook
from kpi_xl.scorecard.build import write_scorecard
from kpi_xl.roster import Employee


def _cells(grid: list[list]) -> list[list]:
    # NaN is not equal to itself: compared by what it is.
    return [["NaN" if isinstance(v, float) and math.isnan(v) else v for v in row] for row in grid]


def _what_calamine_reads(data: bytes) -> tuple:
    """Sheet names, their kinds and visibility, and every sheet's cells; or the error's type."""
    try:
        with calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)) as book:
            sheets = []
            for meta in book.sheets_metadata:
                try:
                    sheets.append((meta.name, str(meta.typ), str(meta.visible),
                                   _cells(book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False))))
                except Exception as e:  # noqa: BLE001 - the same failure on both sides is the same reading
                    sheets.append((meta.name, type(e).__name__))
            return tuple(sheets)
    except BaseException as e:  # noqa: BLE001 - a panic too
        return (type(e).__name__,)


def _scorecard(folder: Path) -> Path:
    path = folder / "budi.xlsx"
    employee = Employee("E001", "Budi", "Marketing", "Sari", "digital-marketing-specialist", "Q1 2026", None, None, 2)
    write_scorecard("digital-marketing-specialist", path, employee)
    return path


def test_a_generated_scorecard_reads_the_same_from_its_package(tmp_path):
    path = _scorecard(tmp_path)
    checked = check_file(path, sheets_read=_sheets_read)
    assert checked.problem is None and checked.package is not None
    assert _what_calamine_reads(checked.package) == _what_calamine_reads(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(checked.package)) as package, zipfile.ZipFile(path) as original:
        assert package.namelist() == original.namelist()  # every part, in order, under its name
        assert package.testzip() is None  # sizes and CRCs as the file's directory says
        methods = {info.filename: info.compress_type for info in package.infolist()}
        # What the preflight unpacked (the scorecard sheet, workbook, styles) is stored unpacked; the
        # record sheets, checked only for a DTD, keep their packed bytes.
        assert methods["xl/worksheets/sheet1.xml"] == zipfile.ZIP_STORED
        assert methods["xl/workbook.xml"] == methods["xl/styles.xml"] == zipfile.ZIP_STORED
        assert methods["xl/worksheets/sheet2.xml"] == zipfile.ZIP_DEFLATED
        for name in original.namelist():
            assert package.read(name) == original.read(name)


def test_the_rollup_reads_a_scorecard_the_same_with_and_without_its_package(tmp_path, monkeypatch):
    path = _scorecard(tmp_path)
    with_package = read_workbook(str(path))
    import kpi_xl.io.preflight.zip as zip_check

    monkeypatch.setattr(zip_check, "repack", lambda *args: None)  # the reader opens the file's own bytes
    without = read_workbook(str(path))
    assert with_package.scorecards[0].rows == without.scorecards[0].rows
    assert with_package.scorecards[0].header == without.scorecards[0].header
    assert [str(i) for i in with_package.issues] == [str(i) for i in without.issues]


def test_a_part_cut_short_gives_no_package_and_the_file_is_read_from_its_bytes(tmp_path):
    from kpi_xl.io.preflight.package import repack
    from kpi_xl.io.preflight.parts import Parts
    from kpi_xl.io.preflight.zip import directory

    data = _scorecard(tmp_path).read_bytes()
    infos = directory(data)
    assert infos is not None
    cut = infos[0]._replace(compress_size=len(data))  # its packed bytes would run past the file's end
    assert repack(Parts(data), [cut, *infos[1:]], {}) is None
    assert repack(Parts(data), infos, {}) is not None


def _corpus_workbooks() -> list[Path]:
    root = _corpus()
    files = every_file(root) if EXHAUSTIVE else sample(root)
    return [p for p in files if p.suffix.lower() in (".xlsx", ".xlsm")]


def test_other_projects_files_read_the_same_from_their_package():
    """Every .xlsx/.xlsm of the corpus the preflight lets through (the sample in a quick run, all of
    them in CI) reads, from its package, exactly as from its own bytes."""
    differ, packaged = [], 0
    for path in _corpus_workbooks():
        checked = check_file(path)  # every sheet checked for its extent: every sheet may be read
        if checked.problem is not None or checked.package is None:
            continue
        packaged += 1
        if _what_calamine_reads(checked.package) != _what_calamine_reads(checked.data):
            differ.append(str(path))
    assert packaged > 10
    assert not differ, differ


@pytest.mark.parametrize("limit", [0, 2**10])
def test_parts_over_the_kept_size_keep_their_packed_bytes(tmp_path, monkeypatch, limit):
    import kpi_xl.io.preflight.xlsx as xlsx

    path = _scorecard(tmp_path)
    monkeypatch.setattr(xlsx, "_KEEP_BYTES", limit)
    checked = check_file(path, sheets_read=_sheets_read)
    assert checked.problem is None and checked.package is not None
    with zipfile.ZipFile(io.BytesIO(checked.package)) as package:
        stored = [i.filename for i in package.infolist() if i.compress_type == zipfile.ZIP_STORED and i.file_size]
        assert all(i.file_size <= limit for i in package.infolist() if i.filename in stored)
    assert _what_calamine_reads(checked.package) == _what_calamine_reads(path.read_bytes())
