"""Calibration (SPEC 7): how the levels spread per department and per supervisor against the policy's
target, which supervisors rate far more leniently or harshly than the company, the bonus budget, and
the levels HR calibrates by hand.

HR calibrates in a workbook it keeps (`kpi-xl rollup --calibration FILE.xlsx`): one row per employee and
period, with the calibrated level, the reason, who and when. The rollup writes a starter file listing
every scorecard when the file does not exist yet, and reads it when it does; it never writes over it, so
what HR typed survives every later rollup. The file is read through the one gate (`kpi_xl.io.workbook`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import KpiInputError
from ..periods import parse_period
from ..policy import Policy
from ..scoring import NO_LEVEL, budget_factor, budget_total
from ..values import cell_text
from .model import ERROR, WARNING, Issue, id_key


def period_key(text: object) -> str:
    """A period as calibrations match it: its normalised form ("2025-Q4" is "Q4 2025"), else as typed
    (case and spaces aside)."""
    try:
        return str(parse_period(text))
    except KpiInputError:
        return id_key(text)

MIN_SUPERVISOR_EMPLOYEES = 3  # a supervisor's mean level over fewer employees says too little to flag


@dataclass(frozen=True)
class CalibrationEntry:
    """One row of HR's calibration workbook as typed."""

    employee_id: str
    period: str
    calibrated_level: Any
    reason: str
    by: str
    date: str
    row: int  # the sheet row, for messages
    sheet: str


@dataclass
class CalibrationTable:
    """The Calibration sheet: one row per department and per supervisor (`frame`), the company's mean
    level, the budget check."""

    frame: pd.DataFrame
    levels: list[int]
    company_mean: float
    target: dict[int, float] = field(default_factory=dict)
    tolerance: float = 0.0
    threshold: float = 0.0
    budget: float | None = None
    total_at_policy: float = 0.0
    factor: float | None = None  # the factor that fits the budget (None: no budget)
    fitted: bool = False  # the factor was applied to every bonus amount
    min_employees: int = MIN_SUPERVISOR_EMPLOYEES  # a supervisor with fewer is not flagged


# --- HR's calibrations applied ---------------------------------------------------------------------


def apply_calibrations(summary: pd.DataFrame, entries: Sequence[CalibrationEntry], file: str, policy: Policy,
                       issues: list[Issue]) -> None:
    """Add calibrated_level, calibration_reason and calibrated_by to `summary`, in place, from HR's rows
    matched by employee ID and period (any form of the same period; case and spaces aside). A row without a reason, with a level the
    policy does not have, or naming no scorecard is an issue and is not applied; a scorecard without a
    level (errors, not started) is not calibrated."""
    levels = {b.level for b in policy.bands}
    where = {(id_key(e), period_key(p)): i for i, (e, p) in enumerate(zip(summary["employee_id"], summary["period"]))}
    calibrated = np.full(len(summary), np.nan)
    reason = [""] * len(summary)
    by = [""] * len(summary)
    status = summary["status"].to_numpy()
    for entry in entries:
        cell = f"row {entry.row}"
        value = entry.calibrated_level
        level = int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and \
            math.isfinite(value) and float(value).is_integer() else None
        if level is None and isinstance(value, str) and value.strip().isdigit():
            level = int(value.strip())
        if level is None or level not in levels:
            issues.append(Issue(file, entry.sheet, cell, ERROR,
                                f"calibrated level {cell_text(value)!r} of {entry.employee_id} is not a level of the "
                                f"policy ({', '.join(map(str, sorted(levels)))}): not applied"))
            continue
        if not entry.reason:
            issues.append(Issue(file, entry.sheet, cell, ERROR,
                                f"the calibration of {entry.employee_id} to level {level} has no reason: not applied; "
                                "type the reason next to it"))
            continue
        i = where.get((id_key(entry.employee_id), period_key(entry.period)))
        if i is None:
            issues.append(Issue(file, entry.sheet, cell, WARNING,
                                f"no scorecard of {entry.employee_id} for period {entry.period or '(none)'} in this "
                                "rollup: the calibration is kept in the file but not applied"))
            continue
        if status[i] in NO_LEVEL:
            issues.append(Issue(file, entry.sheet, cell, WARNING,
                                f"the scorecard of {entry.employee_id} has no level ({status[i]}): the calibration "
                                "is not applied until it is fixed"))
            continue
        calibrated[i] = level
        reason[i] = entry.reason
        by[i] = ", ".join(t for t in (entry.by, entry.date) if t)
    summary["calibrated_level"] = calibrated
    summary["calibration_reason"] = reason
    summary["calibrated_by"] = by


def effective_levels(summary: pd.DataFrame) -> np.ndarray:
    """The level that pays: the calibrated one where HR calibrated, else the (final rating's) level."""
    levels = summary["level"].to_numpy(dtype=np.int64)
    if "calibrated_level" not in summary:
        return levels
    cal = summary["calibrated_level"].to_numpy(dtype=float)
    return np.where(~np.isnan(cal) & (levels > 0), np.nan_to_num(cal).astype(np.int64), levels)


# --- the Calibration sheet -----------------------------------------------------------------------------


def calibration_table(summary: pd.DataFrame, policy: Policy, *, budget: float | None = None,
                      fitted: bool = False) -> CalibrationTable:
    """Count and share of each level (the final rating's, before HR's calibration) per department and
    per supervisor, against the policy's target; the mean final rating and level; supervisors whose
    mean level differs from the company's by more than the threshold; the bonus at policy multiples
    per department against the budget."""
    levels = sorted((b.level for b in policy.bands), reverse=True)
    cal = policy.calibration
    target = dict(cal.target) if cal else {}
    tolerance = cal.tolerance if cal else 0.0
    threshold = cal.supervisor_threshold if cal else 0.0
    lv = summary["level"].to_numpy(dtype=np.int64)
    rated = lv > 0
    company_mean = float(lv[rated].mean()) if rated.any() else math.nan
    rating = summary["final_rating"] if "final_rating" in summary else summary["kpi_value"]
    policy_amount = summary["bonus_at_policy"] if "bonus_at_policy" in summary else summary["bonus_amount"]
    rows = []
    for kind, key in (("department", "department"), ("supervisor", "supervisor")):
        names = summary[key].fillna("").astype(str)
        for name in sorted(set(names[rated])):
            mine = rated & (names == name).to_numpy()
            n = int(mine.sum())
            row: dict[str, Any] = {"group": kind, "name": name or "-", "employees": n}
            off = []
            for level in levels:
                count = int((lv[mine] == level).sum())
                share = count / n * 100
                row[f"count:{level}"] = count
                row[f"share:{level}"] = share
                if level in target and abs(share - target[level]) > tolerance + 1e-9:
                    off.append(level)
            row["off_target"] = off
            row["mean_rating"] = float(np.nanmean(rating.to_numpy(dtype=float)[mine])) if n else math.nan
            row["mean_level"] = float(lv[mine].mean())
            diff = row["mean_level"] - company_mean
            # Employees, not scorecards: one employee's two quarters are one person rated.
            people = len({id_key(e) for e in summary["employee_id"].to_numpy()[mine]})
            row["supervisor_flag"] = ("" if kind != "supervisor" or cal is None or people < MIN_SUPERVISOR_EMPLOYEES
                                      or abs(diff) <= threshold + 1e-9 else "lenient" if diff > 0 else "harsh")
            row["bonus_at_policy"] = budget_total(policy_amount.to_numpy(dtype=float)[mine]) if kind == "department" \
                else math.nan
            rows.append(row)
    total = budget_total(policy_amount.to_numpy(dtype=float))
    factor = budget_factor(policy_amount.to_numpy(dtype=float), budget) if budget is not None else None
    frame = pd.DataFrame(rows)
    if factor is not None and len(frame):
        frame["bonus_fitted"] = frame["bonus_at_policy"] * factor
    return CalibrationTable(frame, levels, company_mean, target, tolerance, threshold, budget, total, factor, fitted)
