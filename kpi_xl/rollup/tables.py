"""The summary's tables (pandas DataFrames) from scored scorecards: the roster matched, duplicates flagged,
bands and rewards (through the core's `bonus_amounts` and the policy's 9-box grouping), scores by KRA,
level counts and the 9-box.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..policy import PERFORMANCE_GROUPS, Policy
from ..roster import parse_potential
from ..scoring import NO_LEVEL, bonus_amounts, budget_factor, round_kpi_column
from .annual import PeriodTables, period_tables, read_periods
from .calibration import (
    CalibrationEntry,
    CalibrationTable,
    apply_calibrations,
    calibration_table,
    effective_levels,
)
from .model import ERROR, SEVERITIES, WARNING, Issue, RawScorecard, id_key
from .rating import rate_all
from .score import score_all
from .store import Scorecards, as_store


@dataclass
class Tables:
    """The summary's content, before it is written: one DataFrame per sheet, plus the issues.

    `details` (one row per KPI row) and `by_kra` (one per scorecard and KRA) name their scorecard by
    `card`, its row in `summary`, which holds who it is and where it was read (employee ID, name,
    department, role, file, sheet): `summary["file"].to_numpy()[details["card"]]`. Not repeated on each
    of a run's 700,000 KPI rows, they cost nothing until the summary is written.
    """

    summary: pd.DataFrame
    details: pd.DataFrame
    by_kra: pd.DataFrame
    levels: LevelCounts
    missing: pd.DataFrame | None  # None: no roster was given
    nine_box: dict[tuple[str, str], list[str]] | None  # (potential, performance) -> names; None: no potentials
    issues: list[Issue]
    duplicates: int = 0  # scorecards that are one scorecard sent twice (same content; `flag_duplicates`)
    # The levels in each of the 9-box's performance groups, by the policy's bands (low: [1, 2]...).
    performance_levels: dict[str, list[int]] = field(default_factory=dict)
    # A run over more than one review period (or with earlier summaries): the Periods sheet's content.
    periods: PeriodTables | None = None
    calibration: CalibrationTable | None = None  # the Calibration sheet (None: not written)


# --- roster ------------------------------------------------------------------------------------------


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
    period_where = list(summary["period_where"]) if "period_where" in summary else None
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
        if period_where is not None and not columns["period"][i] and roster_fields["period"]:
            row = getattr(e, "row", None)
            period_where[i] = (roster_name, "", f"row {row}" if row else "")  # the roster gives the period
        for k in ("name", "role", "period"):
            columns[k][i] = columns[k][i] or roster_fields[k]
        s = getattr(e, "monthly_salary", None)
        salary[i] = float(s) if isinstance(s, (int, float)) and not isinstance(s, bool) else np.nan
        potential[i] = _potential(getattr(e, "potential", None))
    for k, v in columns.items():
        summary[k] = v
    if period_where is not None:
        summary["period_where"] = period_where
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


def flag_duplicates(summary: pd.DataFrame, issues: list[Issue],
                    content_keys: Sequence[str | bytes] | None = None) -> int:
    """Scorecards that would pay one bonus twice: an error on each, and none of them gets a bonus amount.

    - One scorecard sent twice (`duplicate-file`): the same content (`RawScorecard.content_key`:
      header fields and KPI rows as read) in two files or on two sheets, with or without an employee ID;
      a byte-identical copy is one. `content_keys` gives each summary row's key (None: not checked).
    - Two scorecards for the same employee ID and period, or for the same employee where one gives no
      period (it may be the same one). Scorecards already named as one scorecard sent twice, and only
      those, are not named again.

    Returns how many scorecards are one scorecard sent twice (every copy counted).
    """
    status = summary["status"].to_numpy(copy=True)
    files, sheets = summary["file"], summary["sheet"]

    def where(group: list[int]) -> str:
        return "; ".join(f"{files.iat[i]} [{sheets.iat[i]}]" for i in group)

    same_content: dict[int, frozenset[int]] = {}
    by_content: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(content_keys or ()):
        by_content[key].append(i)
    for group in by_content.values():
        if len(group) < 2:
            continue
        for i in group:
            same_content[i] = frozenset(group)
        in_files = len({files.iat[i] for i in group})
        message = (f"the same scorecard is in {len(group)} {'files' if in_files > 1 else 'places'} "
                   f"(same header and KPI rows): {where(group)}; it was sent twice: keep one")
        for i in group:
            status[i] = ERROR
            issues.append(Issue(files.iat[i], sheets.iat[i], "", ERROR, message))

    by_id: dict[str, list[int]] = defaultdict(list)
    for i, emp_id in enumerate(summary["employee_id"]):
        key = id_key(emp_id)
        if key:
            by_id[key].append(i)
    for rows in by_id.values():
        if len(rows) < 2:
            continue
        for group in _same_period_groups(rows, [id_key(summary["period"].iat[i]) for i in rows]):
            if same_content.get(group[0]) == frozenset(group):
                continue  # one scorecard sent twice, said above
            emp_id = summary["employee_id"].iat[group[0]]
            periods = {id_key(summary["period"].iat[i]) for i in group}
            if len(periods) == 1:
                period = summary["period"].iat[group[0]]
                message = (f"employee ID {emp_id}{f' (period {period})' if period else ''} is on "
                           f"{len(group)} scorecards: {where(group)}; keep one")
            else:
                message = (f"employee ID {emp_id} is on {len(group)} scorecards and not all of them give the "
                           f"period, so they may be for the same one: {where(group)}; type the period on each, "
                           "or keep one")
            for i in group:
                status[i] = ERROR
                issues.append(Issue(files.iat[i], sheets.iat[i], "", ERROR, message))
    summary["status"] = status
    return len(same_content)


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


def build_tables(cards: Scorecards | Sequence[RawScorecard], issues: list[Issue], policy: Policy, lang: str = "en",
                 employees: Sequence[Any] | None = None, roster_name: str = "roster",
                 roles: Mapping[str, Any] | None = None, history: Mapping[tuple[str, int], Any] | None = None,
                 history_files: Sequence[str] = (), *, calibrations: Sequence[CalibrationEntry] | None = None,
                 calibration_file: str = "", budget: float | None = None, fit_budget: bool = False) -> Tables:
    """Score, match the roster, read the periods, flag duplicates and build every table: the whole
    rollup after reading. `history`: earlier years' annual results (`kpi_xl.rollup.history`).

    >>> from kpi_xl.policy import default_policy
    >>> t = build_tables([], [], default_policy())
    >>> len(t.summary), t.levels.rows[3][:2]
    (0, (4, 'Exceeds Target'))
    """
    cards = as_store(cards)
    summary, details = score_all(cards, policy, issues)
    rate_all(cards, summary, policy, issues)  # the final rating's components, when the policy weighs them
    summary["period_where"] = [(file, sheet, cards.header_cells_of(i).get("period", ""))
                               for i, (file, sheet) in enumerate(zip(cards.files, cards.sheets))]
    missing = apply_roster(summary, employees, roster_name, issues)
    # Periods are judged normalised: "Q1 2026" and "2026-Q1" are one period (for duplicates too).
    summary["period_of"] = read_periods(summary, list(summary["period_where"]), issues, lang)
    summary = summary.drop(columns="period_where")
    duplicates = flag_duplicates(summary, issues, cards.content_keys)
    cards.release()  # everything the tables need of the scorecards is in them now
    summary, details = sort_by_employee(summary, details)
    if missing is not None:
        missing = missing.iloc[_employee_order(missing["employee_id"], missing["period"])].reset_index(drop=True)
    tables = finish(summary, details, policy, lang, issues, missing, roles, history, history_files,
                    calibrations=calibrations, calibration_file=calibration_file, budget=budget,
                    fit_budget=fit_budget)
    tables.duplicates = duplicates
    return tables


def _employee_order(ids: Any, periods: Any, files: Any = None, sheets: Any = None) -> list[int]:
    """Row order by employee ID (IDs compare as `id_key`; scorecards without one last), then period,
    file and sheet."""
    files = files if files is not None else [""] * len(ids)
    sheets = sheets if sheets is not None else [""] * len(ids)
    keys = [(not id_key(e), id_key(e), id_key(p), str(f), str(s), n)
            for n, (e, p, f, s) in enumerate(zip(ids, periods, files, sheets))]
    return [k[-1] for k in sorted(keys)]


def sort_by_employee(summary: pd.DataFrame, details: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The summary in HR's order (by employee ID, then period, then file: `_employee_order`), and the
    details renumbered to follow it, so that every sheet and the console list scorecards alike. The
    columns of `details` move into the new details (it is left empty) when the order changes.

    >>> s = pd.DataFrame({"employee_id": ["E2", "", "e1"], "period": ["", "", ""], "file": ["a", "b", "c"],
    ...                   "sheet": ["", "", ""]})
    >>> d = pd.DataFrame({"card": [0, 1, 2, 2], "kra": ["x", "y", "z1", "z2"]})
    >>> s2, d2 = sort_by_employee(s, d)
    >>> list(s2["file"]), list(d2["card"]), list(d2["kra"])
    (['c', 'a', 'b'], [0, 0, 1, 2], ['z1', 'z2', 'x', 'y'])
    """
    order = _employee_order(summary["employee_id"], summary["period"], summary["file"], summary["sheet"])
    if order == list(range(len(order))):
        return summary, details
    new_place = np.empty(len(order), dtype=np.int64)
    new_place[np.asarray(order, dtype=np.int64)] = np.arange(len(order))
    summary = summary.iloc[order].reset_index(drop=True)
    card = new_place[details["card"].to_numpy()]
    rows = np.argsort(card, kind="stable")
    # Column by column, each old column taken out of `details` as its new one is made: the details of
    # 100,000 scorecards are never held twice. `details` is left empty.
    moved = {}
    for key in list(details.columns):
        values = details.pop(key).to_numpy()
        moved[key] = (card if key == "card" else values)[rows]
    return summary, pd.DataFrame(moved, copy=False)


def finish(summary: pd.DataFrame, details: pd.DataFrame, policy: Policy, lang: str,
           issues: list[Issue], missing: pd.DataFrame | None, roles: Mapping[str, Any] | None = None,
           history: Mapping[tuple[str, int], Any] | None = None, history_files: Sequence[str] = (), *,
           calibrations: Sequence[CalibrationEntry] | None = None, calibration_file: str = "",
           budget: float | None = None, fit_budget: bool = False) -> Tables:
    """Bands, rewards, by-KRA scores, level counts and the 9-box, from scored scorecards.

    The money rule: the bonus amount is filled only for a complete scorecard; a scorecard with errors
    or not started has no level, label, bonus multiple or raise (its KPI value, if any, stays, and its
    status says it is not reliable).
    """
    bands = {b.level: b for b in policy.bands}
    status = summary["status"].to_numpy()
    # A status set after scoring (a duplicate is an error) takes the level away too.
    summary["level"] = np.where(np.isin(status, NO_LEVEL), 0, summary["level"].to_numpy())
    summary["kpi_value"] = round_kpi_column(summary["kpi_value"].to_numpy(dtype=float))
    if calibrations is not None:
        apply_calibrations(summary, calibrations, calibration_file, policy, issues)
    levels = effective_levels(summary)  # HR's calibrated level pays where there is one
    summary["label"] = [bands[lv].label(lang) if lv in bands else "" for lv in levels]
    multiple, amount = bonus_amounts(levels, summary["monthly_salary"].to_numpy(dtype=float), status,
                                     policy=policy)
    summary["bonus_multiple"] = multiple
    if budget is not None and fit_budget:
        # Never silently: the amounts at policy multiples stay beside the fitted ones, the Summary and the
        # console say the factor.
        summary["bonus_at_policy"] = amount
        amount = amount * budget_factor(amount, budget)
    summary["bonus_amount"] = amount
    summary["raise"] = [bands[lv].raise_text if lv in bands else "" for lv in levels]
    summary["department"] = summary["department"].astype(object)
    role_names(summary, lang, roles)
    if missing is not None:
        role_names(missing, lang, roles)  # a roster's role column may hold built-in role ids
    periods = None
    if "period_of" in summary:
        periods = period_tables(summary, list(summary["period_of"]), policy, lang, issues, history, history_files)
    issue_counts: dict[tuple[str, str], int] = defaultdict(int)
    for issue in issues:
        issue_counts[(issue.file, issue.sheet)] += 1
    rating_sheets = summary["rating_sheet"] if "rating_sheet" in summary else [""] * len(summary)
    summary["issues"] = [issue_counts.get((f, s), 0) + (issue_counts.get((f, r), 0) if r and r != s else 0)
                         for f, s, r in zip(summary["file"], summary["sheet"], rating_sheets)]

    by_kra = _by_kra(details, summary)
    level_table = _level_counts(summary, policy, lang)
    # Over several periods, the 9-box places each employee once, by the annual level.
    nine_box = _nine_box(summary if periods is None else periods.frame.rename(columns={"annual_level": "level"})
                         .fillna({"level": 0}), policy)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    issues.sort(key=lambda issue: order.get(issue.severity, 9))
    groups = {g: [b.level for b in policy.bands if policy.performance_group(b.level) == g] for g in PERFORMANCE_GROUPS}
    calibration = None
    if policy.rating is not None or policy.calibration is not None or budget is not None or calibrations is not None:
        calibration = calibration_table(summary, policy, budget=budget, fitted=fit_budget and budget is not None)
    return Tables(summary, details, by_kra, level_table, missing, nine_box, issues, performance_levels=groups,
                  periods=periods, calibration=calibration)


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


def _by_kra(details: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """Final scores and KRA scores per scorecard and KRA (in the order the KRAs first come on each
    scorecard). A blank actual counts as 0, as in the KPI value; a scorecard not started (no actual
    reported) has blank results, not 0.00. Grouped with integer keys, not text: a run of 100,000
    scorecards has 700,000 KPI rows."""
    card = details["card"].to_numpy()
    kra_code, kras = pd.factorize(details["kra"].to_numpy(dtype=object), use_na_sentinel=False)
    width = max(len(kras), 1)
    # factorize numbers the (scorecard, KRA) pairs as they first come: the groups in the details' order.
    group_of_row, keys = pd.factorize(card.astype(np.int64) * width + kra_code)
    n = keys.size
    group_card, group_kra = np.divmod(keys, width)
    final = np.nan_to_num(details["final"].to_numpy(dtype=float), nan=0.0)
    weight = np.nan_to_num(details["weight"].to_numpy(dtype=float), nan=0.0)  # a blank weight adds 0
    sum_weight = np.bincount(group_of_row, weights=weight, minlength=n)
    sum_final = np.bincount(group_of_row, weights=final, minlength=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        kra_score = np.where(sum_weight != 0, sum_final / sum_weight * 100, np.nan)
    # Not started: not one actual of the scorecard reported (the core's rule), whatever its status now.
    reported = np.bincount(card, weights=~np.isnan(details["actual"].to_numpy(dtype=float)),
                           minlength=len(summary))
    not_started = reported[group_card] == 0
    return pd.DataFrame({
        "card": group_card,
        "kra": np.asarray(kras, dtype=object)[group_kra] if n else np.empty(0, dtype=object),
        "kpis": np.bincount(group_of_row, minlength=n).astype(np.int64),
        "weight": sum_weight,
        "final": np.where(not_started, np.nan, sum_final),
        "kra_score": np.where(not_started, np.nan, kra_score),
    }, copy=False)


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
