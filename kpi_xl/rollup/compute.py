"""Scoring a whole run at once and building the summary's tables (pandas DataFrames).

Every KPI row of every scorecard is stacked into numpy columns and scored by ONE call of
`kpi_xl.scoring.score_column_checked`; the KPI values are grouped sums (`numpy.bincount`) over the
scorecard index. That is the same arithmetic as `score_scorecard` on each scorecard (a test checks it),
without a Python loop per scorecard.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..policy import Policy
from ..roster import parse_potential
from ..policy import PERFORMANCE_GROUPS
from ..scoring import (
    COMPLETE,
    INCOMPLETE,
    NO_LEVEL,
    NOT_STARTED,
    STATUSES,
    bonus_amounts,
    round_kpi_column,
    score_scorecards,
)
from .model import ERROR, HEADER_KEYS, INFO, SEVERITIES, WARNING, Issue, RawScorecard

# A cached result differing from ours by more than this (in percent points) was typed over a formula.
CACHED_TOLERANCE = 0.005


# A scorecard's status (the core's): only a complete one gets a bonus amount; one with errors, or not
# started, gets no level and is not counted on the Levels sheet nor in the 9-box.


@dataclass
class Tables:
    """The summary's content, before it is written: one DataFrame per sheet, plus the issues."""

    summary: pd.DataFrame
    details: pd.DataFrame
    by_kra: pd.DataFrame
    levels: LevelCounts
    missing: pd.DataFrame | None  # None: no roster was given
    nine_box: dict[tuple[str, str], list[str]] | None  # (potential, performance) -> names; None: no potentials
    issues: list[Issue]


def _column(cards: Sequence[RawScorecard], name: str, dtype: Any = float) -> np.ndarray:
    chained = itertools.chain.from_iterable(getattr(card.rows, name) for card in cards)
    if dtype is object:
        return np.fromiter(chained, dtype=object, count=sum(len(card.rows) for card in cards))
    return np.fromiter(chained, dtype=dtype)


def score_all(cards: Sequence[RawScorecard], policy: Policy, issues: list[Issue]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score every row of every scorecard at once: (summary per scorecard, details per KPI row)."""
    n_cards = len(cards)
    counts = np.fromiter((len(card.rows) for card in cards), dtype=np.int64, count=n_cards)
    card_of_row = np.repeat(np.arange(n_cards), counts)
    weight = _column(cards, "weight")
    target = _column(cards, "target")
    actual = _column(cards, "actual")
    tolerance = _column(cards, "tolerance")
    due = _column(cards, "due")
    bad = _column(cards, "bad", bool)
    direction = _column(cards, "direction", object)
    all_higher = bool((direction == "higher").all()) if direction.size else True
    # The core scores every row and adds them up per scorecard. A row with a cell that could not be read
    # (or one percentage typed two ways) is not scored: it counts as 0 until it is fixed, as the core
    # does with the rows it refuses.
    many = score_scorecards(card_of_row, n_cards, weight, actual, target, None if all_higher else direction,
                            tolerance, due, policy=policy, unreadable=bad)
    scores, finals = many.scores, many.finals
    sum_weight, sum_final, kpi, levels = many.sum_weight, many.sum_final, many.kpi_values, many.levels
    weight_blank, row_error, status = many.weight_refused, many.refused, many.status

    # Where each row lives, for messages naming the cell.
    sheet_rows = _column(cards, "row", np.int64)

    def cell(row: int, key: str) -> str:
        letter = cards[card_of_row[row]].columns.get(key)
        return f"{letter}{sheet_rows[row]}" if letter else ""

    for row, message in sorted(many.problems.items()):
        if bad[row]:
            continue  # the reader already named the cell it could not read ("target 'abc' is not a number")
        card = cards[card_of_row[row]]
        key = "target" if "target" in message else "tolerance" if "tolerance" in message else "actual"
        issues.append(Issue(card.file, card.sheet, cell(row, key), ERROR,
                            f"{message}; this KPI row counts as 0 until it is fixed"))

    blank_actual = many.blank_actuals
    not_started = status == NOT_STARTED
    kpi = np.where(not_started, np.nan, kpi)  # not one actual reported: no KPI value yet, not "far below"
    card_blank = np.bincount(card_of_row, weights=blank_actual, minlength=n_cards) > 0

    for i in np.flatnonzero((sum_weight == 0) & ~weight_blank):
        issues.append(Issue(cards[i].file, cards[i].sheet, "", ERROR,
                            "the weights sum to 0; no KPI value can be computed"))
    off_100 = np.flatnonzero(~weight_blank & (sum_weight != 0) & (np.abs(sum_weight - 100) > 1e-9))
    for i in off_100:
        issues.append(Issue(cards[i].file, cards[i].sheet, "", WARNING,
                            f"the weights sum to {sum_weight[i]:g}, not 100; the KPI value divides by "
                            f"{sum_weight[i]:g}"))

    for i in np.flatnonzero(card_blank):
        rows = np.flatnonzero(blank_actual & (card_of_row == i))
        cells = ", ".join(cell(int(r), "actual") for r in rows[:10]) + (", ..." if rows.size > 10 else "")
        if not_started[i]:
            message = (f"none of the {counts[i]} actuals is reported yet ({cells}): the scorecard is not "
                       "started and gets no KPI value, level or bonus until they are typed in")
        else:
            message = (f"{rows.size} of {counts[i]} actuals not yet reported ({cells}); they count as 0 "
                       "and the scorecard is incomplete")
        issues.append(Issue(cards[i].file, cards[i].sheet, cell(int(rows[0]), "actual"), INFO, message))

    _compare_cached_rows(cards, card_of_row, scores, finals, issues, cell)
    _compare_cached_results(cards, kpi, sum_final, levels, issues)

    summary = pd.DataFrame({key: [card.header.get(key, "") for card in cards] for key in HEADER_KEYS})
    summary["kpi_value"] = kpi
    summary["level"] = levels
    summary["status"] = status
    summary["file"] = [card.file for card in cards]
    summary["sheet"] = [card.sheet for card in cards]
    summary["kind"] = [card.kind for card in cards]

    row_status = np.where(row_error, "error", np.where(np.isnan(actual), "blank", "ok"))
    details = pd.DataFrame({
        "card": card_of_row,
        "kra": _column(cards, "kra", object),
        "indicator": _column(cards, "indicator", object),
        "unit": _column(cards, "unit", object),
        "direction": direction,
        "weight": weight,
        "target": target,
        "tolerance": tolerance,
        "due": due,
        "actual": actual,
        "score": scores,
        "final": finals,
        "row_status": row_status,
        "cell": [cell(i, "actual") for i in range(weight.size)],
    })
    return summary, details


def _differs(cached: np.ndarray, ours: np.ndarray) -> np.ndarray:
    """Cached results that disagree with ours. A percent-formatted cell (1.25 for 125 %) agrees."""
    with np.errstate(invalid="ignore"):
        present = ~np.isnan(cached)
        ours0 = np.nan_to_num(ours, nan=0.0)  # a formula over a blank actual shows 0
        same = (np.abs(cached - ours0) <= CACHED_TOLERANCE) | (np.abs(cached * 100 - ours0) <= CACHED_TOLERANCE)
    return present & ~same


def _compare_cached_rows(cards, card_of_row, scores, finals, issues, cell) -> None:
    for key, cached_name, ours in (("score", "cached_score", scores), ("final", "cached_final", finals)):
        cached = _column(cards, cached_name)
        for row in np.flatnonzero(_differs(cached, ours)):
            card = cards[card_of_row[row]]
            mine = "blank" if math.isnan(ours[row]) else f"{ours[row]:.2f}"
            issues.append(Issue(card.file, card.sheet, cell(row, key), WARNING,
                                f"the {key} in the file is {cached[row]:g} but computes to {mine}: "
                                "formula overwritten by hand? The summary uses the computed value"))


def _compare_cached_results(cards, kpi, sum_final, levels, issues) -> None:
    found = [(i, cached) for i, card in enumerate(cards) for cached in card.cached]
    results = [(i, cached) for i, cached in found if cached.what != "level"]
    # One `_differs` call over every cached KPI value and total of the run.
    ours = np.array([kpi[i] if cached.what == "kpi_value" else sum_final[i] for i, cached in results], dtype=float)
    theirs = np.array([cached.value for _, cached in results], dtype=float)
    differs = iter(_differs(theirs, ours) & ~np.isnan(ours) if results else ())
    for i, cached in found:
        card = cards[i]
        if cached.what == "level":
            if levels[i] and cached.value != levels[i]:
                issues.append(Issue(card.file, card.sheet, cached.cell, WARNING,
                                    f"the level in the file is {cached.value:g} but the policy gives "
                                    f"{levels[i]}: formula overwritten by hand, or another policy?"))
            continue
        if next(differs):
            mine = float(kpi[i] if cached.what == "kpi_value" else sum_final[i])
            what = "KPI value" if cached.what == "kpi_value" else "total of the final scores"
            issues.append(Issue(card.file, card.sheet, cached.cell, WARNING,
                                f"the {what} in the file is {cached.value:g} but computes to {mine:.2f}: "
                                "formula overwritten by hand? The summary uses the computed value"))


# --- roster ------------------------------------------------------------------------------------------


def id_key(value: Any) -> str:
    """Employee IDs (and names) compare without case and surrounding spaces ('e001 ' is 'E001').

    >>> id_key(" e001 "), id_key("Rina  Dewi") == id_key("rina dewi")
    ('e001', True)
    """
    return re.sub(r"\s+", " ", str(value or "")).strip().casefold()


def _potential(value: Any) -> str | None:
    """The roster's own reading of a potential rating; one it cannot read gives no 9-box place."""
    try:
        return parse_potential(value)
    except ValueError:
        return None


def apply_roster(summary: pd.DataFrame, employees: Sequence[Any] | None, roster_name: str,
                 issues: list[Issue]) -> pd.DataFrame | None:
    """Fill department, supervisor, salary and potential from the roster, matched by employee ID.

    Returns the roster employees with no scorecard (None when no roster was given). An ID on two roster
    rows (IDs match without case and spaces) is a warning naming both rows; the first row is used.
    """
    summary["monthly_salary"] = np.nan
    summary["potential"] = None
    if employees is None:
        return None
    by_id: dict[str, Any] = {}
    for e in employees:
        emp_id = getattr(e, "employee_id", "")
        key = id_key(emp_id)
        if not key:
            continue
        first = by_id.get(key)
        if first is None:
            by_id[key] = e
            continue
        rows = [getattr(x, "row", None) for x in (first, e)]
        where = f"rows {rows[0]} and {rows[1]}" if all(rows) else "two rows"
        issues.append(Issue(roster_name, "", f"row {rows[1]}" if rows[1] else "", WARNING,
                            f"employee ID {emp_id} is on the roster twice ({where}: "
                            f"{getattr(first, 'employee_id', '')!r} and {emp_id!r}); the first row is used, "
                            "the other ignored: give each employee one row"))
    matched: set[str] = set()
    salary = summary["monthly_salary"].to_numpy(copy=True)
    potential = summary["potential"].to_numpy(copy=True)
    columns = {k: summary[k].to_numpy(copy=True) for k in ("name", "department", "supervisor", "role", "period")}
    for i, (emp_id, file, sheet) in enumerate(zip(summary["employee_id"], summary["file"], summary["sheet"])):
        key = id_key(emp_id)
        if not key:
            issues.append(Issue(file, sheet, "", WARNING,
                                "no employee ID on this scorecard, so it cannot be matched to the roster; "
                                "type the ID in the scorecard's header"))
            continue
        e = by_id.get(key)
        if e is None:
            issues.append(Issue(file, sheet, "", WARNING,
                                f"employee ID {emp_id} is not on the roster ({roster_name})"))
            continue
        matched.add(key)
        roster_fields = {k: str(getattr(e, k, "") or "") for k in ("name", "department", "supervisor", "role",
                                                                   "period")}
        if columns["name"][i] and roster_fields["name"] and \
                id_key(columns["name"][i]) != id_key(roster_fields["name"]):
            issues.append(Issue(file, sheet, "", WARNING,
                                f"employee ID {emp_id} is {roster_fields['name']!r} on the roster but "
                                f"{columns['name'][i]!r} on the scorecard; check the ID"))
        # The roster is HR's record for who reports where; the scorecard fills what the roster lacks.
        for k in ("department", "supervisor"):
            columns[k][i] = roster_fields[k] or columns[k][i]
        for k in ("name", "role", "period"):
            columns[k][i] = columns[k][i] or roster_fields[k]
        s = getattr(e, "monthly_salary", None)
        salary[i] = float(s) if isinstance(s, (int, float)) and not isinstance(s, bool) else np.nan
        potential[i] = _potential(getattr(e, "potential", None))
    for k, v in columns.items():
        summary[k] = v
    summary["monthly_salary"] = salary
    summary["potential"] = potential
    keys = [id_key(getattr(e, "employee_id", "")) for e in employees]
    missing = [e for e, key in zip(employees, keys) if key not in matched and (not key or by_id[key] is e)]
    return pd.DataFrame({
        "employee_id": [str(getattr(e, "employee_id", "") or "") for e in missing],
        "name": [str(getattr(e, "name", "") or "") for e in missing],
        "department": [str(getattr(e, "department", "") or "") for e in missing],
        "supervisor": [str(getattr(e, "supervisor", "") or "") for e in missing],
        "role": [str(getattr(e, "role", "") or "") for e in missing],
        "period": [str(getattr(e, "period", "") or "") for e in missing],
    })


def flag_duplicates(summary: pd.DataFrame, issues: list[Issue]) -> None:
    """Two scorecards for the same employee and period, or for the same employee where one gives no
    period (it may be the same one): an error on each (a bonus must not be paid twice)."""
    by_id: dict[str, list[int]] = defaultdict(list)
    for i, emp_id in enumerate(summary["employee_id"]):
        key = id_key(emp_id)
        if key:
            by_id[key].append(i)
    status = summary["status"].to_numpy(copy=True)
    for rows in by_id.values():
        if len(rows) < 2:
            continue
        for group in _same_period_groups(rows, [id_key(summary["period"].iat[i]) for i in rows]):
            where = "; ".join(f"{summary['file'].iat[i]} [{summary['sheet'].iat[i]}]" for i in group)
            emp_id = summary["employee_id"].iat[group[0]]
            periods = {id_key(summary["period"].iat[i]) for i in group}
            if len(periods) == 1:
                period = summary["period"].iat[group[0]]
                message = (f"employee ID {emp_id}{f' (period {period})' if period else ''} is on "
                           f"{len(group)} scorecards: {where}; keep one")
            else:
                message = (f"employee ID {emp_id} is on {len(group)} scorecards and not all of them give the "
                           f"period, so they may be for the same one: {where}; type the period on each, or "
                           "keep one")
            for i in group:
                status[i] = ERROR
                issues.append(Issue(summary["file"].iat[i], summary["sheet"].iat[i], "", ERROR, message))
    summary["status"] = status


def _same_period_groups(rows: list[int], periods: list[str]) -> list[list[int]]:
    """The scorecards of one employee that clash: same period, or either without one (joined through
    a card without a period, which may be any of them). Groups of two or more, in input order.

    >>> _same_period_groups([0, 1, 2, 3], ["2025", "2024", "2025", "2023"])
    [[0, 2]]
    >>> _same_period_groups([0, 1, 2], ["2025", "", "2024"])
    [[0, 1, 2]]
    """
    if any(not p for p in periods):
        return [rows]  # a card without a period clashes with every other card of the employee
    groups: dict[str, list[int]] = defaultdict(list)
    for row, period in zip(rows, periods):
        groups[period].append(row)
    return [g for g in groups.values() if len(g) > 1]


# --- the finished tables ------------------------------------------------------------------------------


def build_tables(cards: Sequence[RawScorecard], issues: list[Issue], policy: Policy, lang: str = "en",
                 employees: Sequence[Any] | None = None, roster_name: str = "roster",
                 roles: Mapping[str, Any] | None = None) -> Tables:
    """Score, match the roster, flag duplicates and build every table: the whole rollup after reading.

    >>> from kpi_xl.policy import default_policy
    >>> t = build_tables([], [], default_policy())
    >>> len(t.summary), t.levels.rows[3][:2]
    (0, (4, 'Exceeds Target'))
    """
    summary, details = score_all(cards, policy, issues)
    missing = apply_roster(summary, employees, roster_name, issues)
    flag_duplicates(summary, issues)
    return finish(summary, details, policy, lang, issues, missing, roles)


def finish(summary: pd.DataFrame, details: pd.DataFrame, policy: Policy, lang: str,
           issues: list[Issue], missing: pd.DataFrame | None, roles: Mapping[str, Any] | None = None) -> Tables:
    """Bands, rewards, by-KRA scores, level counts and the 9-box, from scored scorecards.

    The money rule: the bonus amount is filled only for a complete scorecard; a scorecard with errors
    or not started has no level, label, bonus multiple or raise (its KPI value, if any, stays, and its
    status says it is not reliable).
    """
    bands = {b.level: b for b in policy.bands}
    status = summary["status"].to_numpy()
    # A status set after scoring (a duplicate is an error) takes the level away too.
    summary["level"] = np.where(np.isin(status, NO_LEVEL), 0, summary["level"].to_numpy())
    levels = summary["level"].to_numpy()
    summary["kpi_value"] = round_kpi_column(summary["kpi_value"].to_numpy(dtype=float))
    summary["label"] = [bands[lv].label(lang) if lv in bands else "" for lv in levels]
    multiple, amount = bonus_amounts(levels, summary["monthly_salary"].to_numpy(dtype=float), status,
                                     policy=policy)
    summary["bonus_multiple"] = multiple
    summary["bonus_amount"] = amount
    summary["raise"] = [bands[lv].raise_text if lv in bands else "" for lv in levels]
    summary["department"] = summary["department"].astype(object)
    role_names(summary, lang, roles)
    issue_counts: dict[tuple[str, str], int] = defaultdict(int)
    for issue in issues:
        issue_counts[(issue.file, issue.sheet)] += 1
    summary["issues"] = [issue_counts.get((f, s), 0) for f, s in zip(summary["file"], summary["sheet"])]

    card = details["card"].to_numpy()
    for key in ("employee_id", "name", "department", "role"):
        details[key] = summary[key].to_numpy(dtype=object)[card]
    details["file"] = summary["file"].to_numpy(dtype=object)[card]
    details["sheet"] = summary["sheet"].to_numpy(dtype=object)[card]

    by_kra = _by_kra(details)
    level_table = _level_counts(summary, policy, lang)
    nine_box = _nine_box(summary, policy)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    issues.sort(key=lambda issue: order.get(issue.severity, 9))
    return Tables(summary, details, by_kra, level_table, missing, nine_box, issues)


def role_names(frame: pd.DataFrame, lang: str, roles: Mapping[str, Any] | None) -> None:
    """Where a scorecard names a known role by its id (RoleID, or a roster's role column holding
    "sales-manager"), show the role's name in the summary's language, not in the scorecard's. `roles`:
    role id -> role (anything with `.name(lang)`), given by the caller; None leaves names as read."""
    if not roles or not len(frame):
        return
    ids = frame["role_id"] if "role_id" in frame else pd.Series([""] * len(frame), index=frame.index)
    if not (ids.astype(bool).any() or frame["role"].astype(str).str.contains("-").any()):
        return
    names = []
    for role_id, role in zip(ids, frame["role"]):
        found = roles.get(str(role_id or "").strip()) or roles.get(str(role or "").strip())
        names.append(found.name(lang) if found is not None else role)
    frame["role"] = names


def _by_kra(details: pd.DataFrame) -> pd.DataFrame:
    frame = details[["card", "kra", "weight", "final"]].copy()
    frame["final"] = frame["final"].fillna(0.0)
    frame["kpis"] = 1
    grouped = frame.groupby(["card", "kra"], sort=False, dropna=False).agg(
        kpis=("kpis", "sum"), weight=("weight", "sum"), final=("final", "sum")).reset_index()
    with np.errstate(divide="ignore", invalid="ignore"):
        grouped["kra_score"] = np.where(grouped["weight"] != 0, grouped["final"] / grouped["weight"] * 100, np.nan)
    first = details.drop_duplicates("card").set_index("card")
    for key in ("employee_id", "name", "department", "role", "file", "sheet"):
        grouped[key] = first[key].reindex(grouped["card"]).to_numpy()
    return grouped


def department_of(value: Any) -> str:
    text = str(value or "").strip()
    return text or "-"


@dataclass
class LevelCounts:
    """Scorecards per level (rows, lowest level first) and department (columns), and how many were not
    counted for want of a level (status -> count: error, not started)."""

    departments: list[str]
    rows: list[tuple[int | None, str, list[int]]]  # level, label, count per department
    not_counted: dict[str, int] = field(default_factory=dict)

    def total(self, level: int | None) -> int:
        return sum(next((counts for lv, _, counts in self.rows if lv == level), []))


def _level_counts(summary: pd.DataFrame, policy: Policy, lang: str) -> LevelCounts:
    counted = summary["level"].to_numpy() != 0
    departments = sorted({department_of(d) for d in summary["department"][counted]}, key=str.casefold)
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for level, dep in zip(summary["level"][counted], summary["department"][counted]):
        counts[(int(level), department_of(dep))] += 1
    rows: list[tuple[int | None, str, list[int]]] = [
        (band.level, band.label(lang), [counts[(band.level, d)] for d in departments]) for band in policy.bands]
    not_counted = Counter(str(s) for s in summary["status"][~counted])
    return LevelCounts(departments, rows, {s: not_counted[s] for s in NO_LEVEL if not_counted[s]})


def _nine_box(summary: pd.DataFrame, policy: Policy) -> dict[tuple[str, str], list[str]] | None:
    if "potential" not in summary or summary["potential"].isna().all():
        return None
    boxes: dict[tuple[str, str], list[str]] = {(p, g): [] for p in PERFORMANCE_GROUPS for g in PERFORMANCE_GROUPS}
    for name, emp_id, level, potential in zip(summary["name"], summary["employee_id"], summary["level"],
                                              summary["potential"]):
        if not isinstance(potential, str) or not level:
            continue  # no level: a scorecard with errors or not started is not placed
        group = policy.performance_group(int(level))
        label = f"{name} ({emp_id})" if name and emp_id else str(name or emp_id)
        boxes[(potential, group)].append(label)
    return boxes
