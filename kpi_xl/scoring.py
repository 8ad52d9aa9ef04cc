"""The scoring core (SPEC 2 and 3): KPI scores, finals, the KPI value, bands and rewards.

Pure Python and numpy: no spreadsheet library, no pandas, no files. Every other part of kpi-xl (cell
functions, scorecard formulas, the rollup) calls these functions, so the numbers agree everywhere.

Two paths with the same results:
- single values: `score`, `final`, `kpi_value`, `band_for`... cheap enough for one Excel cell;
- whole columns: `score_column`, `levels_column`... vectorized with numpy, no Python loop per row.

Blank means "not yet reported": `None`, an empty string or NaN. A blank actual gives a blank score
(None, or NaN in a column) and counts as 0 in the KPI value.

>>> round(score(50, 40), 6)
125.0
>>> kpi_value([15, 10], [125, 150])
135.0
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import KpiInputError
from .policy import Band, Policy, default_policy

DIRECTIONS = ("higher", "lower", "within", "milestone")
_DIRECTION_CODE = {name: i for i, name in enumerate(DIRECTIONS)}
HIGHER, LOWER, WITHIN, MILESTONE = range(4)

# Words HR types for "done" / "not done" in a milestone's actual cell (English and Indonesian).
DONE_WORDS = frozenset({"yes", "ya", "y", "done", "selesai", "true", "benar", "sudah"})
NOT_DONE_WORDS = frozenset({"no", "tidak", "n", "not done", "belum", "false", "salah"})

_EXCEL_EPOCH = _dt.date(1899, 12, 30)  # day 0 of Excel's 1900 date system (valid after 1900-03-01)

Number = float | int


def excel_serial(value: _dt.date | _dt.datetime | np.datetime64) -> float:
    """A date as Excel stores it (days since 1899-12-30), so dates compare like numbers."""
    if isinstance(value, np.datetime64):
        return float(_datetime64_serials(np.asarray([value]))[0])
    if isinstance(value, _dt.datetime):
        delta = value - _dt.datetime(1899, 12, 30, tzinfo=value.tzinfo)
        return delta.days + delta.seconds / 86400
    return float((value - _EXCEL_EPOCH).days)


def _datetime64_serials(values: np.ndarray) -> np.ndarray:
    """datetime64 values (pandas date columns) as Excel serials; NaT is blank."""
    days = (values.astype("datetime64[ns]") - np.datetime64("1899-12-30", "ns")) / np.timedelta64(1, "D")
    return np.where(np.isnat(values), np.nan, days)


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return not value.strip()
    return False


def to_number(value: Any, name: str = "value") -> float | None:
    """One cell's value as a float, None when blank; text that is no number is an input error.

    Booleans count as 1 and 0 and dates as Excel serial numbers, as a spreadsheet stores them.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        v = float(value)
        if math.isnan(v):
            return None
        if math.isinf(v):
            raise KpiInputError(f"{name} {value!r} is not a finite number")
        return v
    if isinstance(value, (_dt.date, _dt.datetime)):
        return excel_serial(value)
    if isinstance(value, np.datetime64):
        serial = excel_serial(value)
        return None if math.isnan(serial) else serial
    if isinstance(value, np.generic):
        return to_number(value.item(), name)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            v = float(text)
        except ValueError:
            raise KpiInputError(f"{name} {value!r} is not a number") from None
        if not math.isfinite(v):
            raise KpiInputError(f"{name} {value!r} is not a finite number")
        return v
    raise KpiInputError(f"{name} {value!r} is not a number")


_LOCAL_DATE = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?")


def date_or_number(value: Any, name: str = "value") -> float | None:
    """Like `to_number`, and a date written as text in ISO form (2026-03-31, as a CSV holds it) is
    that date's serial. Other date texts (20/03/2026) are refused: day and month could be swapped."""
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return excel_serial(_dt.datetime.fromisoformat(value.strip()))
        except ValueError:
            raise KpiInputError(f"{name} {value!r} is not a date") from None
    if isinstance(value, str) and _LOCAL_DATE.fullmatch(value.strip()):
        raise KpiInputError(f"{name} {value!r} is not a date kpi-xl can read: write it as YYYY-MM-DD")
    return to_number(value, name)


def milestone_actual(value: Any, name: str = "actual") -> float | None:
    """A milestone's actual as a number: 1 done, 0 not done, a date as its serial; None when blank."""
    if isinstance(value, str):
        word = value.strip().lower()
        if word in DONE_WORDS:
            return 1.0
        if word in NOT_DONE_WORDS:
            return 0.0
    return date_or_number(value, name)


def parse_direction(value: Any, name: str = "direction") -> str:
    """A direction name; blank means `higher`, the default."""
    if is_blank(value):
        return "higher"
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _DIRECTION_CODE:
            return word
    raise KpiInputError(f"{name} {value!r} is not one of {', '.join(DIRECTIONS)}")


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
    policy: Policy | None = None,
) -> float | None:
    """One KPI row's score in percent, or None when the actual is blank.

    `tolerance` applies to `within`, `due` (a date or Excel serial) to `milestone`.

    >>> score(22, 25)
    88.0
    >>> score(8, 10, "lower")
    120.0
    >>> score("ya", None, "milestone")
    100.0
    """
    policy = policy or default_policy()
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


def band_for(value: Any, policy: Policy | None = None) -> Band:
    """The band of a KPI value: bounds are exclusive below, inclusive above (105 is level 3).

    >>> band_for(113.65).level
    4
    """
    policy = policy or default_policy()
    v = to_number(value, "KPI value")
    if v is None:
        raise KpiInputError("KPI value is blank")
    v = round_kpi(v)
    found = policy.bands[0]
    for b in policy.bands[1:]:
        if v > b.above:  # type: ignore[operator]
            found = b
    return found


def bonus_amount(value: Any, monthly_salary: Any, policy: Policy | None = None) -> float | None:
    """The bonus: the band's multiple x the monthly salary; None when the salary is blank.

    >>> bonus_amount(113.65, 10_000_000)
    15000000.0
    """
    return _bonus(band_for(value, policy), monthly_salary)


def _bonus(band: Band, monthly_salary: Any) -> float | None:
    salary = to_number(monthly_salary, "monthly salary")
    if salary is None:
        return None
    if salary < 0:
        raise KpiInputError(f"monthly salary {salary:g} is below 0")
    return band.bonus * salary


# --- columns --------------------------------------------------------------------------------------


def number_column(values: Any, name: str, *, dates: bool = False) -> np.ndarray:
    """A column (list, nested lists, numpy array, pandas Series) as a flat float array, NaN for blanks;
    text that is no number raises, naming its row. The one converter every column path shares.

    >>> number_column([[1], [None], ["2.5"]], "actual").tolist()
    [1.0, nan, 2.5]
    """
    if hasattr(values, "to_numpy"):  # a pandas Series, without importing pandas
        values = values.to_numpy()
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiub":
        return _finite(values.astype(float, copy=False).ravel(), name)
    if isinstance(values, np.ndarray) and values.dtype.kind == "M":
        return _datetime64_serials(values.ravel())
    try:
        # Fast path: numbers, None (NaN with dtype=float) and numeric text, which numpy parses as
        # float() would. Anything else falls to the slow path, which names the row.
        arr = _finite(np.asarray(values, dtype=float).ravel(), name)
        if not np.isnan(arr).any() or not _nan_from_text(values, arr):
            return arr
    except (TypeError, ValueError):
        pass
    items = list(np.asarray(values, dtype=object).ravel())
    out = np.empty(len(items))
    for i, item in enumerate(items):
        try:
            v = date_or_number(item, name) if dates else to_number(item, name)
        except KpiInputError as e:
            raise KpiInputError(f"row {i + 1}: {e}", row=i, detail=str(e)) from None
        out[i] = np.nan if v is None else v
    return out


def _nan_from_text(values: Any, arr: np.ndarray) -> bool:
    """Did numpy read the text "nan" as a blank? Only the NaN positions are looked at; the slow path
    then refuses that text, as `to_number` does, instead of taking it for a blank cell."""
    flat = np.asarray(values, dtype=object).ravel()
    return any(isinstance(flat[i], str) and flat[i].strip() for i in np.flatnonzero(np.isnan(arr)))


def _finite(arr: np.ndarray, name: str) -> np.ndarray:
    if np.isinf(arr).any():
        i = int(np.flatnonzero(np.isinf(arr))[0])
        detail = f"{name} {float(arr[i])!r} is not a finite number"
        raise KpiInputError(f"row {i + 1}: {detail}", row=i, detail=detail)
    return arr


def _broadcast(values: Any, n: int, name: str) -> Any:
    """A scalar applies to every row; a sequence must have one value per row."""
    if values is None or isinstance(values, (str, int, float, _dt.date)):
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
    policy: Policy | None = None,
) -> ColumnScores:
    """Score every row at once; rows that cannot be scored get NaN and a message instead of raising."""
    policy = policy or default_policy()
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
    policy: Policy | None = None,
) -> np.ndarray:
    """Score every row at once (NaN where the actual is blank); the first refused row raises.

    >>> score_column([50, None, 22], [40, 1, 25]).round(6).tolist()
    [125.0, nan, 88.0]
    """
    result = score_column_checked(actuals, targets, directions, tolerances, dues, policy)
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


def levels_column(values: Any, policy: Policy | None = None) -> np.ndarray:
    """The band level of every KPI value at once (same rule as `band_for`); NaN values give 0."""
    policy = policy or default_policy()
    v = round_kpi_column(number_column(values, "KPI value"))
    # Number of thresholds strictly below v = index of the band (lower bounds are exclusive).
    idx = np.searchsorted(np.asarray(policy.thresholds), v, side="left")
    levels = np.asarray([b.level for b in policy.bands])[np.minimum(idx, len(policy.bands) - 1)]
    return np.where(np.isnan(v), 0, levels)


# --- a whole scorecard ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScorecardResult:
    """What a scorecard adds up to: per-row scores and finals, the KPI value and its band."""

    scores: np.ndarray  # percent, NaN where the actual is blank or the row was refused
    finals: np.ndarray
    kpi_value: float  # unrounded; `band` used round_kpi(kpi_value)
    band: Band
    problems: dict[int, str]  # 0-based row -> message, rows that could not be scored

    @property
    def complete(self) -> bool:
        """Every row reported and scored."""
        return not self.problems and not bool(np.isnan(self.scores).any())

    @property
    def status(self) -> str:
        if self.problems:
            return "error"
        return "complete" if self.complete else "incomplete"

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
    policy: Policy | None = None,
) -> ScorecardResult:
    """Score a whole scorecard: the one call the CLI, the cell functions and the rollup share.

    Refused rows (a target of 0 on `higher`...) count as 0, like blank ones, and are listed in
    `problems` so the caller can report them by row.

    >>> r = score_scorecard([15, 10, 10, 10, 20, 20, 15], [50, 1.5e6, 32, 6, 22, 21, 33],
    ...                     [40, 1e6, 25, 5, 25, 20, 30])
    >>> round(r.kpi_value, 2), r.band.level, r.band.label_en
    (113.65, 4, 'Exceeds Target')
    """
    policy = policy or default_policy()
    checked = score_column_checked(actuals, targets, directions, tolerances, dues, policy)
    w = number_column(weights, "weight")
    if w.size != checked.scores.size:
        raise KpiInputError(f"{w.size} weights for {checked.scores.size} rows")
    value = _kpi_value(w, checked.scores)
    return ScorecardResult(
        scores=checked.scores,
        finals=w * checked.scores / 100,
        kpi_value=value,
        band=band_for(value, policy),
        problems=checked.problems,
    )
