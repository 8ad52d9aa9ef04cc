"""The scoring core against SPEC 2 and 3: the golden example, band edges, directions, properties."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi_xl import KpiInputError
from kpi_xl.policy import default_policy, policy_from_dict
from kpi_xl.values import excel_serial
from kpi_xl.scoring import (
    band_for,
    bonus_amount,
    final,
    final_column,
    kpi_value,
    levels_column,
    round_kpi,
    score,
    score_column,
    score_column_checked,
    score_scorecard,
)

# SPEC 2: (weight, target, actual, score, final)
GOLDEN = [
    (15, 40, 50, 125, 18.75),
    (10, 1_000_000, 1_500_000, 150, 15),
    (10, 25, 32, 128, 12.8),
    (10, 5, 6, 120, 12),
    (20, 25, 22, 88, 17.6),
    (20, 20, 21, 105, 21),
    (15, 30, 33, 110, 16.5),
]
W = [r[0] for r in GOLDEN]
T = [r[1] for r in GOLDEN]
A = [r[2] for r in GOLDEN]


@pytest.mark.parametrize("weight,target,actual,expected_score,expected_final", GOLDEN)
def test_golden_rows_single_value(weight, target, actual, expected_score, expected_final):
    s = score(actual, target, policy=default_policy())
    assert s == pytest.approx(expected_score, abs=1e-9)
    assert final(weight, s) == pytest.approx(expected_final, abs=1e-9)


def test_golden_scorecard():
    result = score_scorecard(W, A, T, policy=default_policy())
    assert result.scores.tolist() == pytest.approx([r[3] for r in GOLDEN], abs=1e-9)
    assert result.finals.tolist() == pytest.approx([r[4] for r in GOLDEN], abs=1e-9)
    assert result.kpi_value == pytest.approx(113.65, abs=1e-9)
    assert round(result.kpi_value, 2) == 113.65
    assert result.band.level == 4
    assert result.band.label("id") == "Melebihi Target"
    assert result.band.label("en") == "Exceeds Target"
    assert result.band.bonus == 1.5
    assert result.bonus(8_000_000) == 12_000_000
    assert result.band.raise_text == "7%–9%"
    assert result.status == "complete"


def test_golden_column_path_matches():
    scores = score_column(A, T, policy=default_policy())
    assert scores.tolist() == [score(a, t, policy=default_policy()) for a, t in zip(A, T)]
    assert kpi_value(W, scores) == pytest.approx(113.65, abs=1e-9)
    assert final_column(W, scores).sum() == pytest.approx(113.65, abs=1e-9)


def test_golden_bonus_amount_and_raise():
    assert bonus_amount(113.65, 10_000_000, policy=default_policy()) == 15_000_000
    assert bonus_amount(113.65, None, policy=default_policy()) is None
    assert band_for(113.65, policy=default_policy()).raise_text == "7%–9%"


# SPEC 3: the band edge table.
EDGES = [(130, 4), (130.000001, 5), (105, 3), (105.05, 4), (95.05, 3), (70, 1), (70.05, 2), (0, 1),
         (95, 2), (200, 5), (-5, 1)]


@pytest.mark.parametrize("value,level", EDGES)
def test_band_edges(value, level):
    assert band_for(value, policy=default_policy()).level == level


def test_band_edges_column():
    values = [v for v, _ in EDGES]
    assert levels_column(values, policy=default_policy()).tolist() == [lvl for _, lvl in EDGES]


def test_float_noise_never_moves_a_band():
    noisy = 130 + 1e-9  # rounds to 130.000000 -> still level 4
    assert band_for(noisy, policy=default_policy()).level == 4
    assert levels_column([noisy], policy=default_policy()).tolist() == [4]
    assert round_kpi(2.0000005) == 2.000001  # half away from zero, as spreadsheets' ROUND
    assert round_kpi(-2.0000005) == -2.000001


@pytest.mark.parametrize(
    "level,label_id,label_en,bonus,raise_text",
    [
        (5, "Istimewa", "Outstanding", 2, "10%–12%"),
        (4, "Melebihi Target", "Exceeds Target", 1.5, "7%–9%"),
        (3, "Mencapai Target", "Meets Target", 1, "6%"),
        (2, "Belum Mencapai Target", "Below Target", 0.5, "0%"),
        (1, "Jauh Di Bawah Target", "Far Below Target", 0.25, "0%"),
    ],
)
def test_band_table(level, label_id, label_en, bonus, raise_text):
    band = default_policy().band_by_level(level)
    assert (band.label_id, band.label_en, band.bonus, band.raise_text) == (label_id, label_en, bonus, raise_text)


DUE = dt.date(2026, 3, 31)

# (actual, target, direction, tolerance, due, expected score or None for blank)
DIRECTIONS = [
    (50, 40, "higher", None, None, 125.0),
    (0, 40, "higher", None, None, 0.0),
    (-10, 40, "higher", None, None, 0.0),  # floor at 0
    (8, 10, "lower", None, None, 120.0),
    (10, 10, "lower", None, None, 100.0),
    (25, 10, "lower", None, None, 0.0),  # (2 - 2.5) x 100 < 0 -> 0
    (0, 0, "lower", None, None, 100.0),  # zero target, nothing happened: perfect
    (-1, 0, "lower", None, None, 100.0),
    (3, 0, "lower", None, None, 0.0),
    (103, 100, "within", 5, None, 100.0),
    (105, 100, "within", 5, None, 100.0),  # on the tolerance edge
    (110, 100, "within", 5, None, 95.0),
    (90, 100, "within", 5, None, 95.0),
    (300, 100, "within", 5, None, 0.0),
    (101, 100, "within", None, None, 99.0),
    (1, 1, "milestone", None, DUE, 100.0),
    (0, 1, "milestone", None, DUE, 0.0),
    (True, 1, "milestone", None, None, 100.0),
    ("ya", 1, "milestone", None, None, 100.0),
    ("Yes", None, "milestone", None, None, 100.0),
    ("belum", 1, "milestone", None, None, 0.0),
    (dt.date(2026, 3, 15), 1, "milestone", None, DUE, 100.0),
    (dt.date(2026, 3, 31), 1, "milestone", None, DUE, 100.0),
    (dt.date(2026, 4, 1), 1, "milestone", None, DUE, 0.0),
    (dt.date(2026, 3, 15), 1, "milestone", None, None, 0.0),  # a date with no due date proves nothing
    (None, 40, "higher", None, None, None),
    ("", 40, "higher", None, None, None),
    (float("nan"), 40, "lower", None, None, None),
    (None, 1, "milestone", None, DUE, None),
    (50, 40, None, None, None, 125.0),  # blank direction is higher
    (50, 40, " Higher ", None, None, 125.0),
    ("50", "40", "higher", None, None, 125.0),
]


@pytest.mark.parametrize("actual,target,direction,tolerance,due,expected", DIRECTIONS)
def test_directions(actual, target, direction, tolerance, due, expected):
    got = score(actual, target, direction, tolerance, due, policy=default_policy())
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected, abs=1e-9)
    col = score_column([actual], [target], [direction], [tolerance], [due], policy=default_policy())
    if expected is None:
        assert math.isnan(col[0])
    else:
        assert col[0] == pytest.approx(expected, abs=1e-9)


def test_lower_ratio_method_and_cap():
    ratio = policy_from_dict(
        {**_policy_dict(), "lower_method": "ratio", "max_score": 120}, "custom.yaml"
    )
    assert score(8, 10, "lower", policy=ratio) == 120  # 10 / 8 x 100 = 125, capped at 120
    assert score(20, 10, "lower", policy=ratio) == pytest.approx(50)
    assert score(50, 40, policy=ratio) == 120  # cap applies to every direction
    assert score_column([8, 20, 50], [10, 10, 40], ["lower", "lower", "higher"], policy=ratio).tolist() == [
        120, 50, 120]


# (actual, target, direction, tolerance, exact message)
BAD = [
    (50, 0, "higher", None, "target is 0"),
    (50, 0, "within", 5, "target is 0"),
    (50, None, "higher", None, "target is blank"),
    ("abc", 40, "higher", None, "actual 'abc' is not a number: type a number"),
    (50, "ten", "higher", None, "target 'ten' is not a number: type a number"),
    (50, 40, "up", None, "direction 'up' is not one of higher, lower, within, milestone (or naik, turun, rentang, tonggak)"),
    (50, 40, 3, None, "direction '3' is not one of higher, lower, within, milestone (or naik, turun, rentang, tonggak)"),
    (50, 40, "within", -1, "tolerance -1 is below 0"),
    ("maybe", 1, "milestone", None, "actual 'maybe' is not a number: type 1, yes/ya or the completion date"),
    (float("inf"), 40, "higher", None, "actual inf is not a finite number: type a number"),
]


@pytest.mark.parametrize("actual,target,direction,tolerance,message", BAD)
def test_bad_input_messages(actual, target, direction, tolerance, message):
    with pytest.raises(KpiInputError) as e:
        score(actual, target, direction, tolerance, policy=default_policy())
    assert str(e.value) == message


@pytest.mark.parametrize("actual,target,direction,tolerance,message", BAD)
def test_bad_input_messages_column_name_the_row(actual, target, direction, tolerance, message):
    with pytest.raises(KpiInputError) as e:
        score_column([50, actual], [40, target], ["higher", direction], [None, tolerance], policy=default_policy())
    assert str(e.value) == f"row 2: {message}"
    assert e.value.row == 1 and e.value.detail == message


def test_lower_ratio_refuses_zero_actual():
    ratio = policy_from_dict({**_policy_dict(), "lower_method": "ratio"}, "p")
    with pytest.raises(KpiInputError, match=r"^actual 0 is not above 0 \(lower_method ratio divides by it\)$"):
        score(0, 10, "lower", policy=ratio)


def test_checked_column_keeps_going_past_bad_rows():
    result = score_column_checked([50, 5, 22], [40, 0, 25], policy=default_policy())
    assert result.problems == {1: "target is 0"}
    assert result.scores[0] == 125 and math.isnan(result.scores[1]) and result.scores[2] == pytest.approx(88)


def test_blank_actual_counts_as_zero_and_marks_incomplete():
    result = score_scorecard([50, 50], [None, 110], [100, 100], policy=default_policy())
    assert math.isnan(result.scores[0])
    assert result.kpi_value == pytest.approx(55)
    assert result.status == "incomplete"
    assert result.band.level == 1


def test_scorecard_with_refused_row_is_error_status():
    result = score_scorecard([50, 50], [10, 110], [0, 100], policy=default_policy())
    assert result.problems == {0: "target is 0"}
    assert result.status == "error"


def test_kpi_value_errors():
    with pytest.raises(KpiInputError, match="^weights sum to 0$"):
        kpi_value([0, 0], [100, 100])
    with pytest.raises(KpiInputError, match="^2 weights but 3 scores$"):
        kpi_value([1, 2], [1, 2, 3])


def test_pandas_dates_and_datetime64_are_excel_serials():
    import pandas as pd

    due = pd.Series(pd.to_datetime(["2026-03-31", "2026-03-31", None]))
    got = score_column([dt.date(2026, 3, 1), dt.date(2026, 5, 1), dt.date(2026, 5, 1)], [1, 1, 1],
                       "milestone", None, due, policy=default_policy())
    assert got.tolist() == [100, 0, 0]
    assert score(dt.date(2026, 3, 1), 1, "milestone", due=np.datetime64("2026-03-31"), policy=default_policy()) == 100


def test_milestone_done_on_the_due_day_at_any_hour():
    assert score(dt.datetime(2026, 3, 31, 15), 1, "milestone", due=DUE, policy=default_policy()) == 100
    assert score_column([dt.datetime(2026, 3, 31, 15)], [1], "milestone", None, [DUE], policy=default_policy()).tolist() == [100]


def test_milestone_due_date_may_stand_in_the_target():
    assert score(dt.date(2026, 3, 1), DUE, "milestone", policy=default_policy()) == 100
    assert score(dt.date(2026, 4, 1), DUE, "milestone", policy=default_policy()) == 0
    assert score_column([dt.date(2026, 3, 1), dt.date(2026, 4, 1)], [DUE, DUE], "milestone", policy=default_policy()).tolist() == [100, 0]


def test_text_nan_is_refused_not_taken_for_blank():
    with pytest.raises(KpiInputError, match=r"^row 1: actual 'nan' is not a number: type a number$"):
        score_column(["nan", 5], [1, 1], policy=default_policy())
    assert np.isnan(score_column([float("nan"), None], [1, 1], policy=default_policy())).all()  # a real NaN is a blank cell


def test_negative_weight_and_salary_are_refused():
    with pytest.raises(KpiInputError, match=r"^row 1: weight -50 is below 0$"):
        kpi_value([-50, 150], [100, 100])
    with pytest.raises(KpiInputError, match=r"^monthly salary -100 is below 0$"):
        score_scorecard([100], [50], [40], policy=default_policy()).bonus(-100)


def test_excel_serial():
    assert excel_serial(dt.date(2026, 3, 31)) == 46112
    assert excel_serial(dt.datetime(2026, 3, 31, 12)) == 46112.5


def _policy_dict() -> dict:
    """The built-in policy.yaml as a dict: a fresh copy each time, parsed once (the properties below
    build a policy per example)."""
    return copy.deepcopy(_policy_yaml())


@functools.cache
def _policy_yaml() -> dict:
    import yaml

    from kpi_xl.resources import templates_dir

    return yaml.safe_load((templates_dir() / "policy.yaml").read_text(encoding="utf-8"))


# --- properties -----------------------------------------------------------------------------------

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
nonzero = finite.filter(lambda x: abs(x) > 1e-3)
positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False)
direction = st.sampled_from(["higher", "lower", "within", "milestone"])


@st.composite
def kpi_rows(draw, min_size=1, max_size=30):
    n = draw(st.integers(min_size, max_size))
    rows = []
    for _ in range(n):
        d = draw(direction)
        actual = draw(st.one_of(st.none(), finite)) if d != "milestone" else draw(
            st.one_of(st.none(), st.sampled_from([0, 1]), st.floats(40000, 50000)))
        target = draw(nonzero)
        tol = draw(st.floats(0, 100)) if d == "within" else None
        due = draw(st.floats(40000, 50000)) if d == "milestone" else None
        rows.append((actual, target, d, tol, due))
    return rows


@settings(max_examples=200, deadline=None)
@given(kpi_rows())
def test_column_path_equals_single_value_path(rows):
    actual, target, d, tol, due = map(list, zip(*rows))
    column = score_column(actual, target, d, tol, due, policy=default_policy())
    single = [score(*row, policy=default_policy()) for row in rows]
    for c, s in zip(column, single):
        assert (math.isnan(c) and s is None) or c == s


@settings(max_examples=200, deadline=None)
@given(nonzero.filter(lambda t: t > 0), finite, finite)
def test_higher_never_falls_and_lower_never_rises_as_actual_rises(target, a1, a2):
    lo, hi = sorted((a1, a2))
    assert score(hi, target, "higher", policy=default_policy()) >= score(lo, target, "higher", policy=default_policy())
    assert score(hi, target, "lower", policy=default_policy()) <= score(lo, target, "lower", policy=default_policy())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(positive, st.floats(0, 500, allow_nan=False)), min_size=1, max_size=30))
def test_kpi_value_lies_between_smallest_and_largest_score(rows):
    weights, scores = zip(*rows)
    v = kpi_value(weights, scores)
    assert min(scores) - 1e-9 * max(1, max(scores)) <= v <= max(scores) + 1e-9 * max(1, max(scores))


@settings(max_examples=200, deadline=None)
@given(kpi_rows(), st.one_of(st.none(), st.floats(50, 300)))
def test_no_score_below_zero_or_above_the_cap(rows, cap):
    policy = policy_from_dict({**_policy_dict(), "max_score": cap}, "p")
    actual, target, d, tol, due = map(list, zip(*rows))
    scores = score_column(actual, target, d, tol, due, policy=policy)
    present = scores[~np.isnan(scores)]
    assert (present >= 0).all()
    if cap is not None:
        assert (present <= cap).all()
