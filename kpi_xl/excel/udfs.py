"""Excel cell functions (SPEC 4): =KPI_SCORE(), =KPI_FINAL(), =KPI_VALUE(), =KPI_BAND(), =KPI_LABEL(),
=KPI_BONUS() and =KPI_RAISE().

One module serves both runtimes. `from xlwings import func, arg` gives the classic add-in's decorators
on Windows ("UDF Modules" + "Import Functions"), the Office.js ones in xlwings Lite (its Pyodide
runtime sets XLWINGS_ON_SERVER=true before importing xlwings, as xlwings-server's wasm/config.py
does), and do-nothing decorators anywhere else, so the functions stay plain Python functions that
tests call directly.
`kpi-xl excel lite` embeds this very file (with the core it imports: `kpi_xl.excel.setup.LITE_MODULES`)
in the Lite main.py. `kpi_xl.udfs` re-exports these functions for xlwings.conf files that name it.

Every function is a thin wrapper: shape the arguments (`kpi_xl.excel.arguments`), make one call into
`kpi_xl.scoring`, shape the result. This module reads no cell's value itself: numbers, numeric text,
dates, directions and milestone words are read by the core's converters (`kpi_xl.values`), so a cell
function and the core (and the rollup) agree. One cell takes the single-value path (`score`,
`band_for`...); a range goes to the core as it arrived and is scored with one vectorized call (`score_column_checked`, `levels_column`...), never one Python call per
cell (KPI_BONUS over a range of salaries, one per employee, applies `bonus_amount` per row).

Policy: every function but KPI_FINAL takes an optional policy range (bands, and rows for the score
cap and the `lower` method); without one it uses $KPI_XL_POLICY or the built-in policy. A generated
scorecard passes its Policy sheet to every function, so the cap and the lower method typed there count
in KPI_SCORE and KPI_VALUE as in the band functions.

How Excel delivers arguments, which this module relies on:
- `@arg(..., ndim=2)` makes a range arrive as a list of rows, even a single cell ([[50.0]]), so a
  column stays a column and the result spills the same way (xlwings docs, "Dimension of arguments").
  Lite hands a single cell over unwrapped (50.0) and an empty single cell as the argument's default
  (xlwings.pro.udfs_officejs.custom_functions_call: `to_scalar`), so both forms are accepted here.
- Numbers arrive as floats (Lite may send whole numbers as int), empty cells as None, TRUE/FALSE as
  bool. Dates arrive as datetime in the classic add-in (pywin32 converts them) and as serial numbers
  in Lite (custom functions see no date formats: xlwings Server docs, "Reading date and time");
  `to_number` turns both into the same Excel serial.
- `err_to_str=True` makes an error cell such as #N/A arrive as its text, so it is reported
  ("actual '#N/A' is not a number") instead of silently read as blank (docs, "Reading error cells").
- A result range is returned as a list of rows; Excel with dynamic arrays and Lite spill it. A blank
  result is None, an empty cell: NaN would become #NUM! in Lite (`prepare_xl_data_element`).
- Errors: Lite and xlwings Server show an exception as #VALUE! with its message on hover (xlwings
  Server docs, "Error handling"; `showError` in its custom-functions JS). The classic add-in would
  put the whole Python traceback in the cell (xlwings issue #1108), so there a refused input is
  returned as its one-line message instead.

>>> KPI_SCORE(50, 40)
125.0
>>> KPI_SCORE([[50.0], [None], [22.0]], [[40.0], [1.0], [25.0]])
[[125.0], [None], [88.0]]
>>> KPI_VALUE([15, 10, 10, 10, 20, 20, 15], [50, 1.5e6, 32, 6, 22, 21, 33], [40, 1e6, 25, 5, 25, 20, 30])
113.65
>>> KPI_BAND(113.65), KPI_LABEL(113.65, "id"), KPI_BONUS(113.65, 10_000_000), KPI_RAISE(113.65)
(4, 'Melebihi Target', 15000000.0, '7%–9%')
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
from xlwings import arg, func

from ..errors import KpiError, KpiInputError
from ..policy import Band, Policy, scoring_policy
from ..policy.cells import POLICY_COLUMNS, POLICY_SETTINGS, policy_from_range
from ..scoring import (
    annual_kpi_value,
    band_for,
    bonus_amount,
    competency_score,
    final,
    final_column,
    final_rating,
    levels_column,
    round_kpi,
    score,
    score_column_checked,
    score_scorecard,
)
from ..values import is_blank
from . import arguments

FUNCTIONS = ("KPI_SCORE", "KPI_FINAL", "KPI_VALUE", "KPI_BAND", "KPI_LABEL", "KPI_BONUS", "KPI_RAISE",
             "KPI_ANNUAL", "KPI_COMPETENCY", "KPI_RATING")

# The classic add-in's decorators live in xlwings.udfs; there an exception would fill the cell with a
# traceback, so a refused input is returned as its message. Everywhere else it is raised.
ERRORS_AS_TEXT = getattr(func, "__module__", "") == "xlwings.udfs"

CATEGORY = "kpi-xl"  # the group in Excel's Insert Function dialog (classic add-in)
_RANGE = {"ndim": 2, "err_to_str": True}

__all__ = [*FUNCTIONS, "POLICY_COLUMNS", "POLICY_SETTINGS", "policy_from_range", "scoring_policy"]


# --- the policy the functions use --------------------------------------------------------------------

def _policy(policy: Any) -> Policy:
    """The policy range given to a function, or the scoring policy when it is left out (both
    runtimes pass the default, None)."""
    base = scoring_policy()
    if policy is None:
        return base
    return policy_from_range(policy, base)


def _cell_function(f: Callable[..., Any]) -> Callable[..., Any]:
    """Refused input: raised (Lite shows #VALUE! with the message) or, in the classic add-in, the
    message itself as the cell's value."""

    @functools.wraps(f)  # xlwings reads the signature and docstring through __wrapped__
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except KpiError as e:
            if ERRORS_AS_TEXT:
                return str(e)
            raise

    return call


# --- scoring -----------------------------------------------------------------------------------------

_POLICY_DOC = ("Optional: a policy block (threshold, level, label, bonus, raise; score cap and lower "
               "method rows) instead of the default")


@func(category=CATEGORY)
@arg("actual", **_RANGE, doc="The actual result: one cell or a range of KPI rows")
@arg("target", **_RANGE, doc="The target (for a milestone: the due date)")
@arg("direction", **_RANGE, doc="higher (default), lower, within or milestone; one cell or one per row")
@arg("tolerance", **_RANGE, doc="For within: the allowed distance from the target")
@arg("due", **_RANGE, doc="For milestone: the due date (default: the target)")
@arg("policy", **_RANGE, doc=_POLICY_DOC)
@_cell_function
def KPI_SCORE(actual, target, direction=None, tolerance=None, due=None, policy=None):  # noqa: N802 - Excel's name
    """The KPI score in percent: actual against target (higher: A / T x 100). A range gives a range."""
    # No type hints on cell functions: the classic add-in would take them as converters.
    pol = _policy(policy)
    cells = [arguments.one(v) for v in (actual, target, direction, tolerance, due)]
    if not any(v is arguments.MANY for v in cells):
        return score(*cells, policy=pol)

    rows = arguments.Rows((actual, target, direction, tolerance, due),
                 ("actual", "target", "direction", "tolerance", "due"))
    try:
        checked = score_column_checked(*rows.arguments(), policy=pol)
    except KpiInputError as e:
        raise rows.located(e) from None
    if checked.problems:
        raise arguments.first_problem(checked.problems, rows.shape)
    return arguments.result(checked.scores, rows.shape)


@func(category=CATEGORY)
@arg("weight", **_RANGE, doc="The KPI's weight (all weights of a scorecard sum to 100)")
@arg("score", **_RANGE, doc="The KPI's score in percent, e.g. from KPI_SCORE")
@_cell_function
def KPI_FINAL(weight, score):  # noqa: N802
    """The final score: weight x score / 100. A range gives a range."""
    one_w, one_s = arguments.one(weight), arguments.one(score)
    if one_w is not arguments.MANY and one_s is not arguments.MANY:
        return final(one_w, one_s)

    cells_w, cells_s = arguments.Cells(weight, "weight"), arguments.Cells(score, "score")
    n, shape = arguments.common_size(cells_w, cells_s), arguments.result_shape(cells_w, cells_s)
    w, s = arguments.numbers(cells_w, n), arguments.numbers(cells_s, n)
    arguments.refuse_blanks(w, "weight", shape, ~np.isnan(s))
    return arguments.result(final_column(w, s), shape)


@func(category=CATEGORY)
@arg("weights", **_RANGE, doc="The weights of the scorecard's KPI rows")
@arg("actuals", **_RANGE, doc="The actual results, same rows")
@arg("targets", **_RANGE, doc="The targets, same rows")
@arg("directions", **_RANGE, doc="higher (default), lower, within or milestone: one cell or one per row")
@arg("tolerances", **_RANGE, doc="For within rows: the allowed distance from the target")
@arg("dues", **_RANGE, doc="For milestone rows: the due dates (default: the targets)")
@arg("policy", **_RANGE, doc=_POLICY_DOC)
@_cell_function
def KPI_VALUE(weights, actuals, targets, directions=None, tolerances=None, dues=None, policy=None):  # noqa: N802
    """The scorecard's KPI value in percent: sum of finals / sum of weights x 100 (blank actuals count 0)."""
    pol = _policy(policy)
    cells_w = arguments.Cells(weights, "weights", "weight")
    rows = arguments.Rows((actuals, targets, directions, tolerances, dues),
                 ("actuals", "targets", "directions", "tolerances", "dues"), weight=cells_w)
    w = arguments.numbers(cells_w, rows.n)
    arguments.refuse_blanks(w, "weights", rows.shape, np.ones(w.size, dtype=bool))
    try:
        result = score_scorecard(w, *rows.arguments(), policy=pol)
    except KpiInputError as e:
        raise rows.located(e) from None
    # A refused row (a target of 0 on higher...) counts as 0, as on a scorecard with native formulas:
    # its own KPI_SCORE cell says why, and the KPI value stays what the rows that can be scored give.
    return round_kpi(result.kpi_value)


# --- bands and rewards -------------------------------------------------------------------------------


def _of_band(kpi_value: Any, policy: Policy, of: Callable[[Band], Any]) -> Any:
    """`of(band)` for the band of one KPI value, or for each value of a range (one levels_column call;
    a blank cell stays blank)."""
    single = arguments.one(kpi_value)
    if single is not arguments.MANY:
        return of(band_for(single, policy=policy))
    cells = arguments.Cells(kpi_value, "KPI value")
    values = arguments.numbers(cells, cells.size)
    by_level = {band.level: of(band) for band in policy.bands}
    levels = levels_column(values, policy=policy).tolist()
    return arguments.shaped([None if blank else by_level[level] for level, blank in
                             zip(levels, np.isnan(values).tolist())], cells.shape)


@func(category=CATEGORY)
@arg("kpi_value", **_RANGE, doc="The KPI value in percent, e.g. from KPI_VALUE")
@arg("policy", **_RANGE, doc=_POLICY_DOC)
@_cell_function
def KPI_BAND(kpi_value, policy=None):  # noqa: N802
    """The performance level (1-5 by default) of a KPI value. A range gives a range."""
    return _of_band(kpi_value, _policy(policy), lambda band: band.level)


@func(category=CATEGORY)
@arg("kpi_value", **_RANGE, doc="The KPI value in percent, e.g. from KPI_VALUE")
@arg("lang", doc="en (default) or id")
@arg("policy", **_RANGE, doc=_POLICY_DOC)
@_cell_function
def KPI_LABEL(kpi_value, lang=None, policy=None):  # noqa: N802
    """The label of a KPI value's band ("Exceeds Target"; "Melebihi Target" with lang id)."""
    language = arguments.one_lang(lang)
    return _of_band(kpi_value, _policy(policy), lambda band: band.label(language))


@func(category=CATEGORY)
@arg("kpi_value", **_RANGE, doc="The KPI value in percent, e.g. from KPI_VALUE")
@arg("monthly_salary", **_RANGE, doc="The monthly salary; the bonus is the band's multiple of it")
@arg("policy", **_RANGE, doc=_POLICY_DOC)
@_cell_function
def KPI_BONUS(kpi_value, monthly_salary, policy=None):  # noqa: N802
    """The bonus amount: the band's multiple (1.5 for level 4 by default) x the monthly salary."""
    pol = _policy(policy)
    one_v, one_s = arguments.one(kpi_value), arguments.one(monthly_salary)
    if one_v is not arguments.MANY and one_s is not arguments.MANY:
        return bonus_amount(one_v, one_s, policy=pol)

    cells_v = arguments.Cells(kpi_value, "KPI value")
    cells_s = arguments.Cells(monthly_salary, "monthly salary")
    n, shape = arguments.common_size(cells_v, cells_s), arguments.result_shape(cells_v, cells_s)
    values, salaries = arguments.numbers(cells_v, n), arguments.numbers(cells_s, n)
    bonuses = np.full(n, np.nan)
    # The core's own rule per row (band, then multiple x salary, a salary below 0 refused): a range of
    # salaries is one cell per employee, never the 100,000 rows a score column may have.
    for i in np.flatnonzero(~np.isnan(values) & ~np.isnan(salaries)).tolist():
        try:
            bonuses[i] = bonus_amount(values[i], salaries[i], policy=pol)
        except KpiInputError as e:
            raise cells_s.refuse(i, e) from None
    return arguments.result(bonuses, shape)


@func(category=CATEGORY)
@arg("kpi_value", **_RANGE, doc="The KPI value in percent, e.g. from KPI_VALUE")
@arg("policy", **_RANGE, doc=_POLICY_DOC)
@_cell_function
def KPI_RAISE(kpi_value, policy=None):  # noqa: N802
    """The salary raise of a KPI value's band, as text ("7%–9%" for level 4 by default)."""
    return _of_band(kpi_value, _policy(policy), lambda band: band.raise_text)


# --- review periods into the year --------------------------------------------------------------------


@func(category=CATEGORY)
@arg("values", **_RANGE, doc="The KPI values of the year's review periods, in order; blank: a period with no scorecard")
@arg("months", **_RANGE, doc="Optional: the months each period covers (default: the year shared evenly)")
@arg("method", doc="Optional: mean (default), last or sum-of-finals")
@arg("policy", **_RANGE, doc=_POLICY_DOC)
@_cell_function
def KPI_ANNUAL(values, months=None, method=None, policy=None):  # noqa: N802
    """The year's KPI value from its review periods (mean weighted by months, the last period, or each
    period's share of the year); a blank period counts as the policy says. KPI_BAND and the others band it."""
    pol = _policy(policy)
    cells = arguments.Cells(values, "values")
    chosen = arguments.one(method)
    if chosen is arguments.MANY:
        raise KpiInputError("method is a range: give one cell, mean, last or sum-of-finals")
    chosen = None if is_blank(chosen) else str(chosen).strip().lower()
    month_values = None if months is None else arguments.Cells(months, "months").column(cells.size)
    result = annual_kpi_value(cells.column(cells.size), month_values, method=chosen, policy=pol)
    return None if math.isnan(result.kpi_value) else round_kpi(result.kpi_value)


# --- the final rating -----------------------------------------------------------------------------------


@func(category=CATEGORY)
@arg("ratings", **_RANGE, doc="The supervisor's competency ratings (1-5 by default); blank: not yet rated")
@arg("weights", **_RANGE, doc="Optional: each competency's weight (default: equal)")
@arg("policy", **_RANGE, doc=_POLICY_DOC)
@_cell_function
def KPI_COMPETENCY(ratings, weights=None, policy=None):  # noqa: N802
    """The competency result in percent: each rating / the scale's "meets" x 100 (3 of 5 = 100 %), weighted."""
    pol = _policy(policy)
    cells = arguments.Cells(ratings, "ratings", "rating")
    weight_cells = None if weights is None else arguments.Cells(weights, "weights", "weight")
    try:
        value = competency_score(cells.column(cells.size),
                                 None if weight_cells is None else weight_cells.column(cells.size), policy=pol)
    except KpiInputError as e:
        raise arguments.located(e, cells, weight_cells) from None
    return None if math.isnan(value) else value


@func(category=CATEGORY)
@arg("kpi_value", doc="The KPI value in percent, e.g. from KPI_VALUE")
@arg("competency_score", doc="The competency result in percent, e.g. from KPI_COMPETENCY")
@arg("attendance", doc="Optional: attendance in percent (days present / working days)")
@arg("policy", **_RANGE, doc=_POLICY_DOC)
@_cell_function
def KPI_RATING(kpi_value, competency_score, attendance=None, policy=None):  # noqa: N802
    """The final rating in percent: the policy's components (e.g. KPI 70, competencies 30) weighted;
    without components in the policy, the KPI value. KPI_BAND and the others band it."""
    pol = _policy(policy)
    values = [arguments.one(v) for v in (kpi_value, competency_score, attendance)]
    if any(v is arguments.MANY for v in values):
        raise KpiInputError("KPI_RATING takes one cell per argument")
    value = final_rating(*values, policy=pol)
    return None if math.isnan(value) else value
