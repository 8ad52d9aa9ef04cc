from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/ helpers (engines.py) import plainly

from engines import find_soffice, find_ssconvert  # noqa: E402

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
ENGINE_FIXTURES = ("soffice", "gnumeric", "pdftotext")


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


@pytest.hookimpl(tryfirst=True)  # before -m deselects by mark
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that takes an engine fixture, directly or through another fixture, is marked
    `engine`: `pytest -m "not engine"` runs none of them."""
    for item in items:
        if any(name in getattr(item, "fixturenames", ()) for name in ENGINE_FIXTURES):
            item.add_marker(pytest.mark.engine)
