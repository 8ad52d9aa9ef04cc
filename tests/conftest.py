from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/ helpers (engines.py) import plainly

from engines import find_soffice, find_ssconvert
from thorough import IN_CI, describe

ENGINE_FIXTURES = ("soffice", "gnumeric", "pdftotext")


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """The whole suite (`python -m pytest`, with or without -m) runs on every core, through pytest-xdist:
    `-n auto`, each test module on one worker (its module fixtures are built once). Left alone: a run of
    files or tests named on the command line (one process, quickest to start), an explicit `-n`
    (`-n 0`: one process), `-p no:xdist`, and xdist's own workers."""
    if (config.pluginmanager.hasplugin("xdist") and config.option.numprocesses is None
            and not hasattr(config, "workerinput") and config.args_source is pytest.Config.ArgsSource.TESTPATHS):
        config.option.numprocesses = "auto"
        if config.option.dist == "no":
            config.option.dist = "loadscope"


def pytest_report_header() -> str:
    return describe()


def _engine(exe: str | None, what: str, package: str) -> str:
    """The engine's executable. Missing: a failure in CI (.ci/run installs it), a skip elsewhere."""
    if exe is None:
        if IN_CI:
            pytest.fail(f"{what} is missing in CI: .ci/run must install {package}")
        pytest.skip(f"{what} is not installed: apt-get install {package}")
    return exe


@pytest.fixture(scope="session")
def soffice() -> str:
    """The LibreOffice executable (soffice)."""
    return _engine(find_soffice(), "LibreOffice (soffice)", "libreoffice-calc-nogui")


@pytest.fixture(scope="session")
def gnumeric() -> str:
    """The Gnumeric converter (ssconvert)."""
    return _engine(find_ssconvert(), "Gnumeric (ssconvert)", "gnumeric")


@pytest.fixture(scope="session")
def pdftotext() -> str:
    """poppler's pdftotext, which measures the text of a PDF LibreOffice printed."""
    return _engine(shutil.which("pdftotext"), "pdftotext (poppler)", "poppler-utils")


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory: pytest.TempPathFactory):
    """`build(lang)`: the demo department (`kpi_xl.demo.make_demo`), made once per language and test
    process, for tests that only read it; a test that changes a demo folder copies it first. The
    Indonesian one is the demo run twice: made over a copy of the English one's folder, beside a file
    of HR's (mine.txt, "keep me") that the second run must leave alone."""
    from kpi_xl.demo import make_demo  # imported when a test asks for the demo

    made = {}

    def build(lang: str = "en"):
        if lang not in made:
            folder = tmp_path_factory.mktemp(f"demo-{lang}") / "demo"
            if lang != "en":
                shutil.copytree(build("en").folder, folder)
                (folder / "mine.txt").write_text("keep me")
            made[lang] = make_demo(folder, lang=lang)
        return made[lang]

    return build


@pytest.hookimpl(tryfirst=True)  # before -m deselects by mark
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that takes an engine fixture, directly or through another fixture, is marked
    `engine`: `pytest -m "not engine"` runs none of them."""
    for item in items:
        if any(name in getattr(item, "fixturenames", ()) for name in ENGINE_FIXTURES):
            item.add_marker(pytest.mark.engine)
