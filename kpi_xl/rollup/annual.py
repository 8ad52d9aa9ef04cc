"""Review periods in a rollup: every scorecard's period read into a `Period`, and the year's result per
employee combined from the periods' KPI values by the core's `annual_kpi_value`.

- `read_periods`: the period typed on the scorecard (or given by the roster, or by the name of the folder
  the scorecard sits in) normalised, so "Q1 2026" and "2026-Q1" are one period; an unreadable one is a
  warning naming its cell and the accepted forms, and the scorecard stays without a period.
- `period_tables`: one row per employee (employee ID; else the name) with each period's KPI value and
  level, the annual value and its level, label, bonus and raise by the policy's bands, and the trend.
"""

from __future__ import annotations

import math
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import KpiInputError
from ..periods import Period, parse_period
from ..policy import Policy
from ..scoring import COMPLETE, annual_kpi_value, bonus_amounts, levels_column
from .model import INFO, WARNING, Issue, id_key

IMPROVING, DECLINING = "improving", "declining"


def read_periods(summary: pd.DataFrame, where: Sequence[tuple[str, str, str]], issues: list[Issue],
                 lang: str) -> list[Period | None]:
    """Each scorecard's period as a `Period` (None: none given, or unreadable), and the Summary's period
    column set to its label in `lang` ("Q1 2026" / "TW I 2026"); an unreadable period stays as typed.

    `where`: for each row, the (file, sheet, cell) its period came from, for the warning. A scorecard
    without a period takes its folder's name when that reads as a period (an info row says so).
    """
    found: list[Period | None] = []
    shown = summary["period"].to_numpy(dtype=object, copy=True)
    # The same few period texts and folders come on thousands of scorecards: each read once, and each
    # period one object with one label.
    known: dict[str, tuple[Period, str] | KpiInputError] = {}

    def read(text: str) -> tuple[Period, str] | KpiInputError:
        if text not in known:
            try:
                period = parse_period(text)
                known[text] = (period, period.label(lang))
            except KpiInputError as e:
                known[text] = e
        return known[text]

    for i, (text, file, sheet) in enumerate(zip(shown, summary["file"], summary["sheet"])):
        period = None
        if str(text or "").strip():
            result = read(str(text))
            if isinstance(result, KpiInputError):
                src_file, src_sheet, cell = where[i]
                issues.append(Issue(src_file or file, src_sheet, cell, WARNING,
                                    f"{result}; the scorecard is kept, with no period (not in the annual result)"))
            else:
                period, shown[i] = result
        else:
            folder = os.path.basename(os.path.dirname(os.path.abspath(str(file))))
            result = read(folder)
            if not isinstance(result, KpiInputError):
                period, shown[i] = result
                issues.append(Issue(file, sheet, "", INFO, f"no period on the scorecard: period "
                                                           f"{shown[i]} taken from its folder {folder!r}"))
        found.append(period)
    summary["period"] = shown
    return found


def employee_key(employee_id: Any, name: Any) -> str:
    """Who a scorecard is for, across periods: the employee ID (case and spaces aside), else the name."""
    key = id_key(employee_id)
    return key if key else ("name:" + id_key(name) if id_key(name) else "")


@dataclass
class PeriodTables:
    """The Periods sheet's content: one row per employee, and the department's figures per period."""

    periods: list[Period]  # the run's periods, in order
    year: int  # the year whose annual result gets level, bonus and raise (the run's last)
    frame: pd.DataFrame  # employee_id, name, department, kpi:<i>, level:<i>, annual_*, change, trend, year:<y>
    other_years: list[int]  # earlier years (of the run, or from --history), as columns year:<y>, level_year:<y>
    level_counts: list[tuple[int, str, list[int]]]  # level, label, scorecards per period
    averages: list[float]  # the department's average KPI value per period (NaN: none)
    history_files: list[str] = field(default_factory=list)
    # What the periods combine: the KPI value, or the final rating where the policy weighs competencies
    # (it decides level, bonus and raise then, so the year is made of it too).
    measure: str = "kpi_value"


def _annual(values: dict[Period, float], expected: list[Period], policy: Policy):
    return annual_kpi_value([values.get(p, math.nan) for p in expected], [p.months for p in expected],
                            policy=policy)


def years_of(rows: Iterable[tuple[str, Period, float, bool]], policy: Policy
             ) -> dict[tuple[str, int], tuple[Any, list[Period]]]:
    """(employee key, year) -> (AnnualResult, the periods missing) from (key, period, KPI value, counted)
    rows; the periods expected in a year are those found in the rows for that year."""
    expected: dict[int, set[Period]] = defaultdict(set)
    values: dict[str, dict[Period, float]] = defaultdict(dict)
    present: dict[str, set[Period]] = defaultdict(set)
    for key, period, value, counted in rows:
        expected[period.year].add(period)
        if not key:
            continue
        present[key].add(period)
        if counted and not math.isnan(value):
            values[key].setdefault(period, value)
    out = {}
    for key in present:
        for year in sorted({p.year for p in present[key]}):
            periods = sorted(expected[year], key=lambda p: p.sort_key)
            missing = [p for p in periods if p not in present[key]]
            out[(key, year)] = (_annual(values[key], periods, policy), missing)
    return out


def period_tables(summary: pd.DataFrame, periods_of: Sequence[Period | None], policy: Policy, lang: str,
                  issues: list[Issue], history: Mapping[tuple[str, int], Any] | None = None,
                  history_files: Sequence[str] = ()) -> PeriodTables | None:
    """The annual results of a run over more than one period (None for a run of one period and no
    history). `history`: (employee key, year) -> AnnualResult from earlier summaries (`kpi_xl.rollup.history`).
    A missing period of an employee is a warning naming the employee and the period."""
    periods = sorted({p for p in periods_of if p is not None}, key=lambda p: p.sort_key)
    history = dict(history or {})
    if not periods or (len(periods) < 2 and not history):
        return None
    status = summary["status"].to_numpy()
    levels = summary["level"].to_numpy()
    measure = "final_rating" if "final_rating" in summary else "kpi_value"
    kpi = summary[measure].to_numpy(dtype=float)
    keys = [employee_key(e, n) for e, n in zip(summary["employee_id"], summary["name"])]
    rows = [(k, p, float(v), bool(lv)) for k, p, v, lv in zip(keys, periods_of, kpi, levels) if p is not None]
    annual = years_of(rows, policy)
    year = periods[-1].year
    index = {p: i for i, p in enumerate(periods)}

    people: dict[str, list[int]] = defaultdict(list)
    for i, (k, p) in enumerate(zip(keys, periods_of)):
        if k and p is not None:
            people[k].append(i)
    bands = {b.level: b for b in policy.bands}
    run_years = sorted({p.year for p in periods})
    other_years = sorted({y for y in run_years if y != year} | {y for _, y in history if y not in run_years})
    table: list[dict[str, Any]] = []
    complete_year = sum(p.months for p in periods if p.year == year) == 12
    for k, at in people.items():
        at = sorted(at, key=lambda i: periods_of[i].sort_key)  # type: ignore[union-attr]
        last = at[-1]
        row: dict[str, Any] = {"employee_id": summary["employee_id"].iat[last], "name": summary["name"].iat[last],
                               "department": summary["department"].iat[last],
                               "monthly_salary": summary["monthly_salary"].iat[last],
                               "potential": summary["potential"].iat[last]}
        reported: list[float] = []
        for i in at:
            j = index[periods_of[i]]  # type: ignore[index]
            if f"kpi:{j}" in row:
                continue  # a second scorecard for one period: a duplicate, named on the Issues sheet
            row[f"kpi:{j}"] = kpi[i] if levels[i] else math.nan
            row[f"level:{j}"] = int(levels[i]) or None
            if levels[i] and not math.isnan(kpi[i]):
                reported.append(float(kpi[i]))
        for y in run_years:
            result, missing = annual.get((k, y), (None, []))
            for p in missing:
                source = summary["file"].iat[last]
                what = ("counts as 0 in the annual value" if policy.missing_period == "zero"
                        else "the annual value is incomplete and earns no bonus amount")
                issues.append(Issue("", "", "", WARNING,
                                    f"employee {_who(row)} has no scorecard for {p.label(lang)} (other "
                                    f"scorecards of the year, e.g. {source}): {what}"))
            if result is None:
                continue
            if y == year:
                cards_complete = all(status[i] == COMPLETE for i in at if periods_of[i].year == year)  # type: ignore[union-attr]
                row["annual"] = result.kpi_value
                row["annual_complete"] = result.complete and complete_year and cards_complete
                row["annual_status"] = "complete" if row["annual_complete"] else "incomplete"
            else:
                row[f"year:{y}"] = result.kpi_value
        for (hk, y), result in history.items():
            if hk == k and y not in run_years:
                row[f"year:{y}"] = result.kpi_value
        if len(reported) >= 2:
            change = reported[-1] - reported[0]
            row["change"] = change
            row["trend"] = (IMPROVING if change > policy.trend_threshold
                            else DECLINING if change < -policy.trend_threshold else "")
        table.append(row)
    frame = pd.DataFrame(table)
    for col in ("annual", "change", "monthly_salary", *(f"kpi:{j}" for j in range(len(periods))),
                *(f"year:{y}" for y in other_years)):
        if col not in frame:
            frame[col] = np.nan
    for col in ("annual_status", "trend", *(f"level:{j}" for j in range(len(periods)))):
        if col not in frame:
            frame[col] = None
    if "annual_complete" not in frame:
        frame["annual_complete"] = False
    frame["annual_complete"] = frame["annual_complete"].fillna(False).astype(bool)
    frame["trend"] = frame["trend"].fillna("")
    _annual_bands(frame, policy, lang, bands)
    for y in other_years:
        values = frame[f"year:{y}"].to_numpy(dtype=float)
        frame[f"level_year:{y}"] = [int(lv) or None for lv in _levels(values, policy)]
    counts: list[tuple[int, str, list[int]]] = []
    for band in policy.bands:
        counts.append((band.level, band.label(lang),
                       [int(sum(1 for lv, p in zip(levels, periods_of) if p == q and lv == band.level))
                        for q in periods]))
    averages = []
    for q in periods:
        got = [kpi[i] for i, p in enumerate(periods_of) if p == q and levels[i] and not math.isnan(kpi[i])]
        averages.append(float(np.mean(got)) if got else math.nan)
    return PeriodTables(periods, year, frame, other_years, counts, averages, list(history_files), measure)


def _who(row: Mapping[str, Any]) -> str:
    emp, name = str(row.get("employee_id") or ""), str(row.get("name") or "")
    return f"{emp} ({name})" if emp and name else emp or name


def _levels(values: np.ndarray, policy: Policy) -> np.ndarray:
    out = np.zeros(values.size, dtype=int)
    ok = ~np.isnan(values)
    if ok.any():
        out[ok] = levels_column(values[ok], policy=policy)
    return out


def _annual_bands(frame: pd.DataFrame, policy: Policy, lang: str, bands: Mapping[int, Any]) -> None:
    """The annual value's level, label and raise by the policy's bands; its bonus (multiple and amount)
    only when the year is complete (`annual_complete`)."""
    values = frame["annual"].to_numpy(dtype=float)
    levels = _levels(values, policy)
    frame["annual_level"] = [int(lv) or None for lv in levels]
    frame["annual_label"] = [bands[lv].label(lang) if lv in bands else "" for lv in levels]
    complete = frame["annual_complete"].to_numpy(dtype=bool)
    multiple, amount = bonus_amounts(levels, frame["monthly_salary"].to_numpy(dtype=float),
                                     np.where(complete, COMPLETE, "incomplete"), policy=policy)
    frame["annual_bonus_multiple"] = np.where(complete, multiple, np.nan)
    frame["annual_bonus_amount"] = amount
    frame["annual_raise"] = [bands[lv].raise_text if lv in bands else "" for lv in levels]
