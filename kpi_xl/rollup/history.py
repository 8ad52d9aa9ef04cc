"""Earlier years from earlier summaries (`kpi-xl rollup --history`): a kpi-xl summary (known by its
hidden `KPIXL_Summary` name) is read through `kpi_xl.io.workbook`, its Summary sheet's rows (employee
ID, name, period, KPI value, level) combined into each employee's annual value per year by the same
rule as the run's own periods (`kpi_xl.rollup.annual.years_of`).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any

from ..contract import SUMMARY_SHEET_NAMES
from ..errors import KpiFileError, KpiInputError
from ..io.workbook import read_sheets
from ..periods import parse_period
from ..policy import Policy
from .annual import employee_key, years_of
from .layout import LABELS
from .read import is_summary_file

_SUMMARY_TABS = {names["Summary"] for names in SUMMARY_SHEET_NAMES.values()}
_WANTED = ("employee_id", "name", "period", "kpi_value", "level")


def _columns(header: Sequence[Any]) -> dict[str, int]:
    """Column of each wanted field, by its header in either language."""
    found: dict[str, int] = {}
    for j, text in enumerate(header):
        for key in _WANTED:
            if key not in found and str(text or "").strip() in LABELS[key]:
                found[key] = j
    return found


def read_history(paths: Sequence[str | os.PathLike[str]], policy: Policy) -> dict[tuple[str, int], Any]:
    """(employee key, year) -> AnnualResult from earlier summaries; a file that is no kpi-xl summary,
    or has no Summary sheet kpi-xl can read, is a `KpiFileError` naming it."""
    rows: list[tuple[str, Any, float, bool]] = []
    for path in paths:
        name = os.fspath(path)
        if not is_summary_file(name):
            raise KpiFileError(f"{name}: --history takes summaries written by kpi-xl rollup; this file is not one")
        found = False
        for title, grid in read_sheets(name, "kpi-xl summary"):
            if title not in _SUMMARY_TABS or not grid:
                continue
            cols = _columns(grid[0][1])
            if not all(k in cols for k in _WANTED):
                continue
            found = True
            for _, values in grid[1:]:
                def get(key: str) -> Any:
                    j = cols[key]
                    return values[j] if j < len(values) else None
                try:
                    period = parse_period(get("period"))
                except KpiInputError:
                    continue  # a scorecard without a (readable) period is in no year
                value = get("kpi_value")
                value = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else math.nan
                rows.append((employee_key(get("employee_id"), get("name")), period, value, bool(get("level"))))
        if not found:
            raise KpiFileError(f"{name}: no Summary sheet with employee ID, name, period, KPI value and level; "
                               "give a summary written by kpi-xl rollup")
    return {key: result for key, (result, _missing) in years_of(rows, policy).items()}
