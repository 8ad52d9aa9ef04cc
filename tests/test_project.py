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


CORE_CALL = """
import sys
opened = []
sys.addaudithook(lambda event, args: opened.append(args[0]) if event == "open" else None)
from kpi_xl.policy.model import policy_from_dict
from kpi_xl.scoring import score_scorecard, score_scorecards, bonus_amounts
import numpy as np
policy = policy_from_dict({"bands": [
    {"level": 1, "above": None, "label": {"en": "Low", "id": "Rendah"}, "bonus": 0, "raise": "0%"},
    {"level": 2, "above": 100, "label": {"en": "High", "id": "Tinggi"}, "bonus": 1.5, "raise": "5%"}]})
opened.clear()  # imports read .py files; from here on the core is called
r = score_scorecard([60, 40], ["1.500.000", "ya"], [1e6, 1], ["naik", "milestone"], policy=policy)
many = score_scorecards(np.array([0, 0, 1]), 2, [60, 40, 100], [50, None, 3], [40, 1, 4], policy=policy)
bonus_amounts(many.levels, np.array([1e7, 1e7]), many.status, policy=policy)
print(round(r.kpi_value, 6), r.band.level)
print(sorted(m for m in ("xlwings", "openpyxl", "pandas", "python_calamine", "yaml", "pydantic")
             if m in sys.modules))
print([p for p in opened if not str(p).endswith((".py", ".pyc", ".so"))])
"""


def test_the_core_opens_no_file_and_loads_no_spreadsheet_library_or_pandas():
    out = subprocess.run([sys.executable, "-c", CORE_CALL], capture_output=True, text=True, check=True, cwd=ROOT)
    value, modules, opened = out.stdout.strip().splitlines()
    assert value == "130.0 2"  # "1.500.000" of 1e6 is 150 % x 60, "ya" on a milestone 100 % x 40
    assert modules == "[]"
    assert opened == "[]"


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
