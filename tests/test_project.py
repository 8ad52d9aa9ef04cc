"""Promises about the project itself: a light scoring core, the packaged templates, README and CI agree."""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import IN_CI

ROOT = Path(__file__).resolve().parent.parent


def test_scoring_core_loads_no_spreadsheet_library():
    code = (
        "import sys, kpi_xl.scoring, kpi_xl.policy, kpi_xl.errors;"
        "print(sorted(m for m in ('xlwings', 'openpyxl', 'pandas', 'python_calamine') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def _readme_block_after(heading: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split(heading, 1)[1]
    return re.search(r"```bash\n(.+?)\n```", section, re.S).group(1).strip()


def test_ci_runs_the_readme_test_command():
    readme_command = _readme_block_after("## Run the tests")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    ci_command = ci.strip().splitlines()[-1]
    # The README's command creates its own venv first; CI has made one already.
    assert readme_command.endswith(ci_command), (readme_command, ci_command)
    assert "libreoffice-calc-nogui" in ci


def test_installed_wheel_carries_the_templates():
    try:
        dist = importlib.metadata.distribution("kpi-xl")
    except importlib.metadata.PackageNotFoundError:
        if IN_CI:
            pytest.fail("kpi-xl is not installed in CI: the README's test command installs it")
        pytest.skip("kpi-xl is not installed (pip install .)")
    files = {str(f) for f in dist.files or []}
    if not any(f.startswith("kpi_xl/") for f in files):
        if IN_CI:
            pytest.fail("CI must install kpi-xl as a wheel (pip install .), not editable")
        pytest.skip("kpi-xl is installed editable: the wheel's contents are not visible")
    assert "kpi_xl/templates/policy.yaml" in files
    roles = {f for f in files if f.startswith("kpi_xl/templates/roles/") and f.endswith(".yaml")}
    assert len(roles) == 10
