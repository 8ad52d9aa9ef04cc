"""The scoring core (SPEC 2 and 3): KPI scores, finals, the KPI value, bands and rewards.

Pure Python and numpy: no spreadsheet library, no pandas, no files. Every other part of kpi-xl (cell
functions, scorecard formulas, the rollup) calls these functions, so the numbers agree everywhere.

Two paths with the same results:
- single values: `score`, `final`, `kpi_value`, `band_for`... cheap enough for one Excel cell;
- whole columns: `score_column`, `levels_column`... vectorized with numpy, no Python loop per row.

Blank means "not yet reported": `None`, an empty string or NaN. A blank actual gives a blank score
(None, or NaN in a column) and counts as 0 in the KPI value.

Every rule that depends on the policy takes it as `policy=`: the core reads no file (the policy comes
from `kpi_xl.policy.files` or a policy range, chosen by the caller).

>>> from kpi_xl.policy import default_policy
>>> round(score(50, 40, policy=default_policy()), 6)
125.0
>>> kpi_value([15, 10], [125, 150])
135.0
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import KpiInputError
from .policy.model import Band, Policy, Rating
from .values import (
    date_or_number,
    is_blank,
    milestone_actual,
    number_column,
    parse_direction,
    to_number,
)
from .words import DIRECTIONS

_DIRECTION_CODE = {name: i for i, name in enumerate(DIRECTIONS)}
HIGHER, LOWER, WITHIN, MILESTONE = range(4)

# A scorecard's status. Only a complete one earns a bonus amount (`bonus_amounts`); an incomplete one
# has its level as it stands; one with errors, or not started (no actual reported at all), has none.
COMPLETE, INCOMPLETE, ERROR, NOT_STARTED = "complete", "incomplete", "error", "not started"
STATUSES = (COMPLETE, INCOMPLETE, ERROR, NOT_STARTED)
NO_LEVEL = (ERROR, NOT_STARTED)

__all__ = ["COMPLETE", "DIRECTIONS", "ERROR", "INCOMPLETE", "NOT_STARTED", "NO_LEVEL", "STATUSES",
           "AnnualResult", "ColumnScores", "ManyScorecards", "annual_kpi_value", "ScorecardResult", "band_for", "bonus_amount", "bonus_amounts",
           "final", "final_column", "is_blank", "kpi_value", "levels_column", "round_kpi", "round_kpi_column",
           "attendance_percent", "competency_percent", "competency_score", "final_rating",
           "score", "score_column", "score_column_checked", "score_scorecard", "score_scorecards"]


def _finish(s: float, policy: Policy) -> float:
    s = max(s, 0.0)
    if policy.max_score is not None:
        s = min(s, policy.max_score)
    return s


def score(
    actual: Any,
    target: Any,
    direction: Any = "higher",
    tolerance: Any = None,
    due: Any = None,
    *,
    policy: Policy,
) -> float | None:
    """One KPI row's score in percent, or None when the actual is blank.

    `tolerance` applies to `within`, `due` (a date or Excel serial) to `milestone`.

    >>> from kpi_xl.policy import default_policy
    >>> P = default_policy()
    >>> score(22, 25, policy=P), score(8, 10, "turun", policy=P), score("ya", None, "milestone", policy=P)
    (88.0, 120.0, 100.0)
    """
    d = parse_direction(direction)
    if d == "milestone":
        a = milestone_actual(actual)
        if a is None:
            return None
        due_n = date_or_number(due, "due date")
        if due_n is None:
            due_n = _due_from_target(date_or_number(target, "target"))
        # A completion date counts by its day: done at 15:00 on the due date is on time.
        done = a == 1.0 or (due_n is not None and 1.0 < a and math.floor(a) <= due_n)
        return _finish(100.0 if done else 0.0, policy)

    a = to_number(actual, "actual")
    t = to_number(target, "target")
    if a is None:
        return None
    if t is None:
        raise KpiInputError("target is blank")
    if d == "higher":
        if t == 0:
            raise KpiInputError("target is 0")
        s = a / t * 100
    elif d == "lower":
        if t == 0:
            s = 100.0 if a <= 0 else 0.0
        elif policy.lower_method == "ratio":
            if a <= 0:
                raise KpiInputError(f"actual {a:g} is not above 0 (lower_method ratio divides by it)")
            s = t / a * 100
        else:
            s = (2 - a / t) * 100
    else:  # within
        tol = to_number(tolerance, "tolerance") or 0.0
        if tol < 0:
            raise KpiInputError(f"tolerance {tol:g} is below 0")
        if t == 0:
            raise KpiInputError("target is 0")
        gap = abs(a - t)
        s = 100.0 if gap <= tol else 100 - 100 * (gap - tol) / abs(t)
    return _finish(s, policy)



def _due_from_target(target: float | None) -> float | None:
    """A milestone's due date may sit in its target cell: a target above 1 is a date serial (a
    target of 1 means plain "done"), so a CSV or a hand-made sheet needs no separate due column."""
    return target if target is not None and target > 1 else None


def final(weight: Any, row_score: Any) -> float | None:
    """weight x score / 100; None when the score is blank.

    >>> final(15, 125)
    18.75
    """
    w = to_number(weight, "weight")
    s = to_number(row_score, "score")
    if w is None:
        raise KpiInputError("weight is blank")
    if s is None:
        return None
    return w * s / 100


def kpi_value(weights: Iterable[Any], scores: Iterable[Any]) -> float:
    """The scorecard's KPI value in percent: sum of finals / sum of weights x 100.

    A blank score counts as 0, exactly as the spreadsheet formulas add it up.
    """
    w, s = number_column(weights, "weight"), number_column(scores, "score")
    if w.shape != s.shape:
        raise KpiInputError(f"{w.size} weights but {s.size} scores")
    return _kpi_value(w, s)


def _kpi_value(w: np.ndarray, s: np.ndarray) -> float:
    if np.isnan(w).any():
        row = int(np.flatnonzero(np.isnan(w))[0])
        raise KpiInputError(f"row {row + 1}: weight is blank", row=row, detail="weight is blank")
    if (w < 0).any():
        row = int(np.flatnonzero(w < 0)[0])
        detail = f"weight {w[row]:g} is below 0"
        raise KpiInputError(f"row {row + 1}: {detail}", row=row, detail=detail)
    total_weight = float(w.sum())
    if total_weight == 0:
        raise KpiInputError("weights sum to 0")
    finals = w * np.nan_to_num(s, nan=0.0) / 100
    return float(finals.sum()) / total_weight * 100


def round_kpi(value: float) -> float:
    """Round to 6 decimals, half away from zero as spreadsheets' ROUND does, so float noise never
    moves a band (130.00000000001 stays level 4)."""
    return math.copysign(math.floor(abs(value) * 1e6 + 0.5) / 1e6, value)


def band_for(value: Any, *, policy: Policy) -> Band:
    """The band of a KPI value: bounds are exclusive below, inclusive above (105 is level 3).

    >>> from kpi_xl.policy import default_policy
    >>> band_for(113.65, policy=default_policy()).level
    4
    """
    v = to_number(value, "KPI value")
    if v is None:
        raise KpiInputError("KPI value is blank")
    v = round_kpi(v)
    found = policy.bands[0]
    for b in policy.bands[1:]:
        if v > b.above:  # type: ignore[operator]
            found = b
    return found


def bonus_amount(value: Any, monthly_salary: Any, *, policy: Policy) -> float | None:
    """The bonus: the band's multiple x the monthly salary; None when the salary is blank.

    >>> from kpi_xl.policy import default_policy
    >>> bonus_amount(113.65, 10_000_000, policy=default_policy())
    15000000.0
    """
    return _bonus(band_for(value, policy=policy), monthly_salary)


def _bonus(band: Band, monthly_salary: Any) -> float | None:
    salary = to_number(monthly_salary, "monthly salary")
    if salary is None:
        return None
    if salary < 0:
        raise KpiInputError(f"monthly salary {salary:g} is below 0")
    return band.bonus * salary


# --- columns --------------------------------------------------------------------------------------


def _broadcast(values: Any, n: int, name: str) -> Any:
    """A scalar applies to every row; a sequence must have one value per row."""
    if values is None or isinstance(values, (str, int, float, dt.date)):
        return [values] * n
    seq = list(np.asarray(values, dtype=object).ravel())
    if len(seq) != n:
        raise KpiInputError(f"{name} has {len(seq)} values for {n} rows")
    return seq


def _optional_column(values: Any, n: int, name: str) -> np.ndarray:
    """Tolerances or due dates: None for none, one value for all rows, or one per row."""
    if values is None:
        return np.full(n, np.nan)
    if np.ndim(values) == 0:
        values = _broadcast(values, n, name)
    column = number_column(values, name, dates=name == "due date")
    if column.size != n:
        raise KpiInputError(f"{name} has {column.size} values for {n} rows")
    return column


def _direction_codes(directions: Any, n: int) -> np.ndarray:
    if directions is None:
        return np.zeros(n, dtype=np.int8)
    if isinstance(directions, str):
        return np.full(n, _DIRECTION_CODE[parse_direction(directions)], dtype=np.int8)
    seq = _broadcast(directions, n, "direction")
    codes = np.empty(n, dtype=np.int8)
    cache: dict[Any, int] = {}
    for i, d in enumerate(seq):
        key = d if isinstance(d, str) or d is None else repr(d)
        if key not in cache:
            try:
                cache[key] = _DIRECTION_CODE[parse_direction(d)]
            except KpiInputError as e:
                raise KpiInputError(f"row {i + 1}: {e}", row=i, detail=str(e)) from None
        codes[i] = cache[key]
    return codes


@dataclass(frozen=True)
class ColumnScores:
    """Scores of a column (NaN where blank or refused) and the refused rows' messages."""

    scores: np.ndarray
    problems: dict[int, str]  # 0-based row -> "target is 0"


def score_column_checked(
    actuals: Any,
    targets: Any,
    directions: Any = None,
    tolerances: Any = None,
    dues: Any = None,
    *,
    policy: Policy,
) -> ColumnScores:
    """Score every row at once; rows that cannot be scored get NaN and a message instead of raising."""
    t = number_column(targets, "target", dates=True)  # a milestone's target may hold its due date
    n = t.size
    codes = _direction_codes(directions, n)
    if (codes == MILESTONE).any():
        # Milestone actuals may be words ("ya", "done"): normalise them before the numeric pass.
        seq = _broadcast(actuals, n, "actual")
        a = np.array(
            [
                np.nan if (v := _milestone_or_number(x, c, i)) is None else v
                for i, (x, c) in enumerate(zip(seq, codes))
            ],
            dtype=float,
        )
    else:
        a = number_column(actuals, "actual")
        if a.size != n:
            raise KpiInputError(f"actual has {a.size} values for {n} rows")
    tol = np.nan_to_num(_optional_column(tolerances, n, "tolerance"), nan=0.0)
    due = _optional_column(dues, n, "due date")

    blank = np.isnan(a)
    higher, lower, within, milestone = (codes == k for k in range(4))
    problems: dict[int, str] = {}

    def refuse(mask: np.ndarray, message: str) -> None:
        for i in np.flatnonzero(mask & ~blank):
            problems.setdefault(int(i), message)

    refuse(np.isnan(t) & ~milestone, "target is blank")
    refuse((t == 0) & (higher | within), "target is 0")
    for i in np.flatnonzero(within & (tol < 0) & ~blank):
        problems.setdefault(int(i), f"tolerance {tol[i]:g} is below 0")
    ratio_lower = lower & (policy.lower_method == "ratio") & (t != 0)
    for i in np.flatnonzero(ratio_lower & (a <= 0) & ~blank):
        problems.setdefault(int(i), f"actual {a[i]:g} is not above 0 (lower_method ratio divides by it)")

    with np.errstate(divide="ignore", invalid="ignore"):
        r = a / t
        s_higher = r * 100
        if policy.lower_method == "ratio":
            s_lower_nonzero = t / a * 100
        else:
            s_lower_nonzero = (2 - r) * 100
        s_lower = np.where(t == 0, np.where(a <= 0, 100.0, 0.0), s_lower_nonzero)
        gap = np.abs(a - t)
        s_within = np.where(gap <= tol, 100.0, 100 - 100 * (gap - tol) / np.abs(t))
        due = np.where(np.isnan(due) & (t > 1), t, due)  # as _due_from_target, for every row
        done = (a == 1) | ((a > 1) & (np.floor(a) <= due))
        s_milestone = np.where(done, 100.0, 0.0)
    s = np.select([higher, lower, within, milestone], [s_higher, s_lower, s_within, s_milestone])
    s = np.maximum(s, 0.0)
    if policy.max_score is not None:
        s = np.minimum(s, policy.max_score)
    s[blank] = np.nan
    if problems:
        s[list(problems)] = np.nan
    return ColumnScores(s, problems)


def _milestone_or_number(value: Any, code: int, i: int) -> float | None:
    try:
        return milestone_actual(value) if code == MILESTONE else to_number(value, "actual")
    except KpiInputError as e:
        raise KpiInputError(f"row {i + 1}: {e}", row=i, detail=str(e)) from None


def score_column(
    actuals: Any,
    targets: Any,
    directions: Any = None,
    tolerances: Any = None,
    dues: Any = None,
    *,
    policy: Policy,
) -> np.ndarray:
    """Score every row at once (NaN where the actual is blank); the first refused row raises.

    >>> from kpi_xl.policy import default_policy
    >>> score_column([50, None, 22], [40, 1, 25], policy=default_policy()).round(6).tolist()
    [125.0, nan, 88.0]
    """
    result = score_column_checked(actuals, targets, directions, tolerances, dues, policy=policy)
    if result.problems:
        row = min(result.problems)
        raise KpiInputError(f"row {row + 1}: {result.problems[row]}", row=row, detail=result.problems[row])
    return result.scores


def final_column(weights: Any, scores: Any) -> np.ndarray:
    w = number_column(weights, "weight")
    s = number_column(scores, "score")
    if w.shape != s.shape:
        raise KpiInputError(f"{w.size} weights but {s.size} scores")
    return w * s / 100


def round_kpi_column(values: np.ndarray) -> np.ndarray:
    return np.copysign(np.floor(np.abs(values) * 1e6 + 0.5) / 1e6, values)


def levels_column(values: Any, *, policy: Policy) -> np.ndarray:
    """The band level of every KPI value at once (same rule as `band_for`); NaN values give 0."""
    v = round_kpi_column(number_column(values, "KPI value"))
    # Number of thresholds strictly below v = index of the band (lower bounds are exclusive).
    idx = np.searchsorted(np.asarray(policy.thresholds), v, side="left")
    levels = np.asarray([b.level for b in policy.bands])[np.minimum(idx, len(policy.bands) - 1)]
    return np.where(np.isnan(v), 0, levels)


# --- many scorecards at once -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ManyScorecards:
    """What many scorecards add up to, their KPI rows stacked into one column set.

    Per row: `scores`, `finals` (NaN where blank or refused), `refused` (a row that could not be scored:
    a problem the core found, or a cell the caller could not read), `problems` (row -> the core's
    message). Per scorecard: `sum_weight`, `sum_final`, `kpi_values` (NaN where a weight is blank or
    below 0, or the weights sum to 0), `levels` (0 for no level), `blank_actuals` (rows not yet
    reported), `status` (complete, incomplete, error, not started).
    """

    scores: np.ndarray
    finals: np.ndarray
    refused: np.ndarray
    problems: dict[int, str]
    sum_weight: np.ndarray
    sum_final: np.ndarray
    weight_refused: np.ndarray
    kpi_values: np.ndarray
    levels: np.ndarray
    blank_actuals: np.ndarray
    status: np.ndarray


def score_scorecards(
    card_of_row: np.ndarray,
    n_cards: int,
    weights: Any,
    actuals: Any,
    targets: Any,
    directions: Any = None,
    tolerances: Any = None,
    dues: Any = None,
    *,
    policy: Policy,
    unreadable: np.ndarray | None = None,
) -> ManyScorecards:
    """Score every KPI row of many scorecards with one vectorised call and add them up per scorecard.

    `card_of_row[i]` is the scorecard (0..n_cards-1) of row i. `unreadable` marks rows with a cell the
    caller could not read: they count as 0 and make their scorecard an error, like a row the core
    refuses. A blank score counts as 0 in the KPI value; a weight that is blank or below 0 leaves the
    scorecard without one. A scorecard without a single actual reported is "not started": it keeps its
    sums but gets no level.

    >>> from kpi_xl.policy import default_policy
    >>> many = score_scorecards(np.array([0, 0, 1]), 2, [60, 40, 100], [50, None, None], [40, 1, 5],
    ...                         policy=default_policy())
    >>> many.kpi_values.tolist(), many.levels.tolist(), many.status.tolist()
    ([75.0, 0.0], [2, 0], ['incomplete', 'not started'])
    """
    card_of_row = np.asarray(card_of_row, dtype=np.int64)
    checked = score_column_checked(actuals, targets, directions, tolerances, dues, policy=policy)
    w = number_column(weights, "weight")
    if w.size != checked.scores.size or card_of_row.size != w.size:
        raise KpiInputError(f"{w.size} weights for {checked.scores.size} rows")
    refused = np.zeros(w.size, dtype=bool)
    if checked.problems:
        refused[list(checked.problems)] = True
    if unreadable is not None and unreadable.any():
        refused |= unreadable
    scores = np.where(refused, np.nan, checked.scores) if refused.any() else checked.scores
    finals = w * scores / 100

    with np.errstate(invalid="ignore"):
        weight_bad = np.isnan(w) | (w < 0)
    counts = np.bincount(card_of_row, minlength=n_cards)
    sum_weight = np.bincount(card_of_row, weights=np.where(weight_bad, 0.0, w), minlength=n_cards)
    sum_final = np.bincount(card_of_row, weights=np.nan_to_num(finals, nan=0.0), minlength=n_cards)
    weight_refused = np.bincount(card_of_row, weights=weight_bad, minlength=n_cards) > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        kpi = np.where(weight_refused | (sum_weight == 0), np.nan, sum_final / sum_weight * 100)
    blank_actuals = np.isnan(checked.scores) & ~refused
    blank_count = np.bincount(card_of_row, weights=blank_actuals, minlength=n_cards)
    card_error = (np.bincount(card_of_row, weights=refused, minlength=n_cards) > 0) | np.isnan(kpi)
    not_started = ~card_error & (blank_count == counts) & (counts > 0)
    status = np.where(card_error, ERROR, np.where(not_started, NOT_STARTED,
                                                  np.where(blank_count > 0, INCOMPLETE, COMPLETE)))
    levels = levels_column(kpi, policy=policy).astype(np.int64)
    levels[np.isin(status, NO_LEVEL)] = 0
    return ManyScorecards(scores, finals, refused, checked.problems, sum_weight, sum_final, weight_refused,
                          kpi, levels, blank_actuals, status.astype(object))


def bonus_amounts(levels: np.ndarray, monthly_salaries: np.ndarray, status: np.ndarray, *,
                  policy: Policy) -> tuple[np.ndarray, np.ndarray]:
    """(bonus multiple, bonus amount) of each scorecard from its level: the band's multiple (NaN for no
    level), and multiple x monthly salary for a complete scorecard only; a blank salary gives none.

    >>> from kpi_xl.policy import default_policy
    >>> m, a = bonus_amounts(np.array([4, 4, 0]), np.array([1e7, 1e7, 1e7]),
    ...                      np.array(["complete", "incomplete", "error"]), policy=default_policy())
    >>> m.tolist()[:2], a.tolist()[0]
    ([1.5, 1.5], 15000000.0)
    """
    by_level = {b.level: b.bonus for b in policy.bands}
    multiple = np.array([by_level.get(int(lv), np.nan) for lv in levels], dtype=float)
    salary = np.asarray(monthly_salaries, dtype=float)
    if (salary < 0).any():
        raise KpiInputError(f"monthly salary {float(salary[salary < 0][0]):g} is below 0")
    return multiple, np.where(np.asarray(status) == COMPLETE, multiple * salary, np.nan)


# --- a whole scorecard ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScorecardResult:
    """What a scorecard adds up to: per-row scores and finals, the KPI value and its band."""

    scores: np.ndarray  # percent, NaN where the actual is blank or the row was refused
    finals: np.ndarray
    kpi_value: float  # unrounded; `band` used round_kpi(kpi_value)
    band: Band
    problems: dict[int, str]  # 0-based row -> message, rows that could not be scored
    status: str  # complete, incomplete, error (a refused row), not started (no actual reported)

    @property
    def complete(self) -> bool:
        """Every row reported and scored."""
        return self.status == COMPLETE

    def bonus(self, monthly_salary: Any) -> float | None:
        """The bonus amount for this scorecard's band; None when the salary is blank."""
        return _bonus(self.band, monthly_salary)


def score_scorecard(
    weights: Sequence[Any],
    actuals: Sequence[Any],
    targets: Sequence[Any],
    directions: Any = None,
    tolerances: Any = None,
    dues: Any = None,
    *,
    policy: Policy,
) -> ScorecardResult:
    """Score one scorecard: `score_scorecards` for a single one, so one scorecard and a department add up
    the same way. Weights must all be given, at least 0 and not sum to 0 (else a `KpiInputError` naming
    the row). Refused rows (a target of 0 on `higher`...) count as 0, like blank ones, and are listed in
    `problems` so the caller can report them by row.

    >>> from kpi_xl.policy import default_policy
    >>> r = score_scorecard([15, 10, 10, 10, 20, 20, 15], [50, 1.5e6, 32, 6, 22, 21, 33],
    ...                     [40, 1e6, 25, 5, 25, 20, 30], policy=default_policy())
    >>> round(r.kpi_value, 2), r.band.level, r.band.label_en, r.status
    (113.65, 4, 'Exceeds Target', 'complete')
    """
    w = number_column(weights, "weight")
    _kpi_value(w, np.zeros(w.size))  # refuses a blank or negative weight, or weights summing to 0
    many = score_scorecards(np.zeros(w.size, dtype=np.int64), 1, w, actuals, targets, directions,
                            tolerances, dues, policy=policy)
    value = float(many.kpi_values[0])
    return ScorecardResult(
        scores=many.scores,
        finals=many.finals,
        kpi_value=value,
        band=band_for(value, policy=policy),
        problems=many.problems,
        status=str(many.status[0]),
    )


# --- periods into the year ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AnnualResult:
    """The year's KPI value from its review periods: NaN when no period is reported; `complete` False
    when a period is missing and the policy leaves such a year incomplete (no bonus amount)."""

    kpi_value: float
    complete: bool
    months_reported: int
    months_expected: int


def annual_kpi_value(values: Sequence[Any], months: Sequence[Any] | None = None, *, policy: Policy,
                     method: str | None = None) -> AnnualResult:
    """Combine the KPI values of a year's review periods (in period order; blank = a period with no
    scorecard) into the year's KPI value. `months`: the months each period covers (default: the year
    shared evenly). `method` (default: the policy's `annual.method`):

    - `mean`: each period's value weighted by its months;
    - `last`: the last period's value (a year-end review);
    - `sum-of-finals`: each period's value counts for its share of the year, so a missing period adds
      nothing (for KPIs whose annual target is split over the periods).

    A missing period counts as 0 (policy `annual.missing_period: zero`) or leaves the year incomplete
    (`incomplete`, the default: `mean` then averages the periods reported, `last` takes the last one
    reported, and the year earns no bonus amount).

    >>> from kpi_xl.policy import default_policy
    >>> P = default_policy()
    >>> annual_kpi_value([100, 110, 120, 130], policy=P).kpi_value
    115.0
    >>> r = annual_kpi_value([100, None, 120, 130], policy=P)
    >>> round(r.kpi_value, 6), r.complete
    (116.666667, False)
    >>> annual_kpi_value([100, None, 120, 130], policy=P, method="sum-of-finals").kpi_value
    87.5
    """
    method = method or policy.annual_method
    if method not in ("mean", "last", "sum-of-finals"):
        raise KpiInputError(f"method {method!r} is not one of mean, last, sum-of-finals")
    v = number_column(values, "KPI value")
    if v.size == 0:
        raise KpiInputError("no period given")
    m = np.full(v.size, 12 / v.size) if months is None else number_column(months, "months")
    if m.size != v.size:
        raise KpiInputError(f"{m.size} months for {v.size} periods")
    if np.isnan(m).any() or (m <= 0).any():
        raise KpiInputError("months: every period covers at least one month")
    reported = ~np.isnan(v)
    expected = float(m.sum())
    got = float(m[reported].sum())
    complete = bool(reported.all()) or policy.missing_period == "zero"
    if not reported.any():
        value = math.nan
    elif method == "last":
        if reported[-1] or policy.missing_period != "zero":
            value = float(v[np.flatnonzero(reported)[-1]])
        else:
            value = 0.0
    elif method == "sum-of-finals" or policy.missing_period == "zero":
        value = float((np.nan_to_num(v) * m).sum() / expected)
    else:
        value = float((v[reported] * m[reported]).sum() / got)
    return AnnualResult(value, complete, int(round(got)), int(round(expected)))


# --- the final rating: KPI result, competencies, attendance ---------------------------------------------


def competency_percent(ratings: Any, *, policy: Policy) -> np.ndarray:
    """Competency ratings as percent by the policy's rule: rating / meets x 100 (3 of 5 = 100 %, so
    "meets expectations" equals meeting target); NaN where blank. A rating off the scale is refused.

    >>> import dataclasses
    >>> from kpi_xl.policy import default_policy
    >>> from kpi_xl.policy.model import Rating
    >>> RATED = dataclasses.replace(default_policy(), rating=Rating((("kpi", 70.0), ("competencies", 30.0))))
    >>> competency_percent([3, 4, None], policy=RATED).tolist()
    [100.0, 133.33333333333331, nan]
    """
    scale = _rating_of(policy)
    r = number_column(ratings, "rating")
    off = ~np.isnan(r) & ((r < scale.low) | (r > scale.high))
    if off.any():
        i = int(np.flatnonzero(off)[0])
        detail = f"rating {r[i]:g} is off the scale {scale.low} to {scale.high}"
        raise KpiInputError(f"row {i + 1}: {detail}", row=i, detail=detail)
    return r / scale.meets * 100


def competency_score(ratings: Any, weights: Any = None, *, policy: Policy) -> float:
    """The competency result in percent: the ratings' percents, weighted (equal weights by default);
    a blank rating is left out (the rollup reports it); NaN when no competency is rated.

    >>> import dataclasses
    >>> from kpi_xl.policy import default_policy
    >>> from kpi_xl.policy.model import Rating
    >>> RATED = dataclasses.replace(default_policy(), rating=Rating((("kpi", 70.0), ("competencies", 30.0))))
    >>> competency_score([3, 4, 5], policy=RATED), competency_score([3, 5], [75, 25], policy=RATED)
    (133.333333, 116.666667)
    """
    pct = competency_percent(ratings, policy=policy)
    w = np.ones(pct.size) if weights is None else number_column(weights, "weight")
    if w.size != pct.size:
        raise KpiInputError(f"{w.size} weights for {pct.size} ratings")
    if (np.isnan(w) | (w < 0)).any():
        raise KpiInputError("competency weights must be numbers of 0 or more")
    rated = ~np.isnan(pct)
    if not rated.any() or w[rated].sum() == 0:
        return math.nan
    return round_kpi(float((pct[rated] * w[rated]).sum() / w[rated].sum()))


def attendance_percent(days_present: Any, working_days: Any) -> float | None:
    """Days present / working days in percent, capped at 100; None when either is blank.

    >>> attendance_percent(20, 22), attendance_percent(23, 22)
    (90.909091, 100.0)
    """
    present, working = to_number(days_present, "days present"), to_number(working_days, "working days")
    if present is None or working is None:
        return None
    if working <= 0 or present < 0:
        raise KpiInputError("working days must be above 0 and days present 0 or more")
    return round_kpi(min(100.0, present / working * 100))


def final_rating(kpi_value: Any, competency: Any = None, attendance: Any = None, *, policy: Policy) -> float:
    """The final rating in percent: the components the policy weighs (KPI value, competency result,
    attendance), weighted; with no components in the policy, the KPI value itself. NaN when a component
    the policy weighs is blank. Banded like a KPI value (`band_for`).

    >>> import dataclasses
    >>> from kpi_xl.policy import default_policy
    >>> from kpi_xl.policy.model import Rating
    >>> RATED = dataclasses.replace(default_policy(), rating=Rating((("kpi", 70.0), ("competencies", 30.0))))
    >>> final_rating(113.65, 100, policy=RATED)
    109.555
    """
    kpi = to_number(kpi_value, "KPI value")
    if policy.rating is None:
        return math.nan if kpi is None else kpi
    values = {"kpi": kpi, "competencies": to_number(competency, "competency score"),
              "attendance": to_number(attendance, "attendance")}
    total = 0.0
    for component, weight in policy.rating.weights:
        value = values[component]
        if value is None:
            return math.nan
        total += weight * value
    return round_kpi(total / sum(w for _, w in policy.rating.weights))


def _rating_of(policy: Policy) -> Any:
    # A policy without a rating block still has the default competency scale (1 to 5, 3 meets).
    return policy.rating if policy.rating is not None else Rating(weights=(("kpi", 100.0),))


# --- the bonus budget ------------------------------------------------------------------------------------


def budget_factor(amounts: Any, budget: Any) -> float:
    """The factor that makes the bonus amounts (at the policy's multiples) fit a budget: budget / total,
    never above 1 (a budget larger than the total leaves every amount as it is); blank amounts (no
    salary, not complete) are left out. 1.0 when there is nothing to pay.

    >>> budget_factor([10_000_000, 30_000_000, None], 30_000_000)
    0.75
    >>> budget_factor([10_000_000], 50_000_000)
    1.0
    """
    total = budget_total(amounts)
    limit = to_number(budget, "bonus budget")
    if limit is None or limit < 0:
        raise KpiInputError(f"bonus budget {budget!r} must be a number of 0 or more")
    if total <= 0:
        return 1.0
    return min(1.0, limit / total)


def budget_total(amounts: Any) -> float:
    """The total of the bonus amounts, blanks left out.

    >>> budget_total([1.5, None, float("nan"), 2])
    3.5
    """
    a = number_column(amounts, "bonus amount")
    return float(np.nansum(a)) if a.size else 0.0
