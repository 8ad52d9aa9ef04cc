"""No file can stop a rollup: whatever reading one file raises, or a worker process that dies while
reading it, costs that one file (an error row in HR's words), and the others are rolled up."""

from __future__ import annotations

import faulthandler
import os
import signal
from pathlib import Path

import pytest

import kpi_xl.rollup.read as read_module
import kpi_xl.rollup.workers as workers
from kpi_xl.demo import make_demo
from kpi_xl.rollup import rollup


@pytest.fixture(scope="module")
def cards(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("isolation") / "demo"
    make_demo(folder)
    return folder / "scorecards"


def _victim(cards: Path) -> Path:
    return sorted(cards.rglob("*.xlsx"))[2]


def _count(cards: Path) -> int:
    return len(list(cards.rglob("*.xlsx")))


class PanicException(BaseException):
    """What python-calamine raises when its Rust code panics (pyo3's PanicException: a BaseException)."""


def _errors(result) -> list:
    return [i for i in result.issues if i.severity == "error"]


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGABRT])
def test_a_worker_that_dies_mid_file_costs_only_that_file(cards, tmp_path, monkeypatch, how):
    victim = _victim(cards)
    real = workers.read_workbook

    def dies_on_the_victim(path, limits):
        if path == str(victim):
            faulthandler.disable()  # pytest's handler would print the dying worker's stack: expected here
            os.kill(os.getpid(), how)  # as the OS's out-of-memory killer, or native code aborting
        return real(path, limits)

    monkeypatch.setattr(workers, "read_workbook", dies_on_the_victim)  # the forked workers inherit it
    result = rollup(cards, tmp_path / "summary.xlsx", jobs=2)
    assert result.output is not None and result.output.exists()
    assert result.files_found == _count(cards) and result.scorecards == _count(cards) - 1
    assert result.files_not_read == 1
    assert result.reconciles
    (error,) = _errors(result)
    assert error.file == str(victim)
    assert f"stopped by signal {how.name}" in error.message
    assert "the other files were read" in error.message
    assert str(victim) not in set(result.summary["file"])


def test_the_files_a_dying_worker_held_after_its_file_are_read_by_another(cards, tmp_path, monkeypatch):
    """Workers get files in batches: the one that died held files after the victim; each is read."""
    victim = _victim(cards)  # the third file: in the first worker's first batch, with one after it
    real = workers.read_workbook

    def dies_on_the_victim(path, limits):
        if path == str(victim):
            faulthandler.disable()
            os.kill(os.getpid(), signal.SIGKILL)
        return real(path, limits)

    monkeypatch.setattr(workers, "read_workbook", dies_on_the_victim)
    monkeypatch.setattr(workers, "batch_size", lambda files, jobs: 4)
    result = rollup(cards, None, jobs=2)
    alone = rollup(cards, None, jobs=1)
    assert result.files_not_read == 1 and result.scorecards == _count(cards) - 1
    (error,) = _errors(result)
    assert error.file == str(victim) and "stopped by signal SIGKILL" in error.message
    expected = alone.summary[alone.summary["file"] != str(victim)]
    assert list(result.summary["file"]) == list(expected["file"])  # every other file, in input order
    assert list(result.summary["kpi_value"]) == list(expected["kpi_value"])


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize(("raised", "words"), [
    (PanicException("called `Option::unwrap()` on a `None` value"), "the spreadsheet reader stopped on it"),
    (MemoryError(), "needs more memory than this computer has"),
    (RecursionError("maximum recursion depth exceeded"), "nested too deeply"),
    (KeyError("There is no item named '[Content_Types].xml' in the archive"), "a part Excel needs is missing"),
])
def test_whatever_a_reader_raises_is_one_error_row_in_hr_words(cards, tmp_path, monkeypatch, jobs, raised, words):
    victim = _victim(cards)
    real = read_module.open_book

    def fails_on_the_victim(path, checked):
        if path == str(victim):
            raise raised
        return real(path, checked)

    monkeypatch.setattr(read_module, "open_book", fails_on_the_victim)
    result = rollup(cards, tmp_path / "summary.xlsx", jobs=jobs)
    assert result.scorecards == _count(cards) - 1 and result.reconciles
    (error,) = _errors(result)
    assert error.file == str(victim)
    assert words in error.message
    assert "could not be read" in error.message and "save it again as .xlsx" in error.message
    # The library's own words never reach HR.
    for text in ("Option::unwrap", "Content_Types", "KeyError", "PanicException", "maximum recursion"):
        assert text not in error.message


def test_every_file_is_read_in_input_order_with_workers(cards, tmp_path):
    one = rollup(cards, None, jobs=1)
    two = rollup(cards, None, jobs=2)
    assert list(one.summary["file"]) == list(two.summary["file"])
    assert list(one.summary["kpi_value"]) == list(two.summary["kpi_value"])
