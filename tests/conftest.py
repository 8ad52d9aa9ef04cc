from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/ helpers (libreoffice.py) import plainly

from libreoffice import find_soffice  # noqa: E402

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def soffice() -> str:
    """The LibreOffice executable. Missing: a failure in CI (it installs it), a skip elsewhere."""
    exe = find_soffice()
    if exe is None:
        if IN_CI:
            pytest.fail("LibreOffice (soffice) is missing in CI: .ci/run must install libreoffice-calc-nogui")
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")
    return exe
