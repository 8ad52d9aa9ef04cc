"""The one reading of a typed value (kpi_xl.values) and the words (kpi_xl.words): rules that hold for every
input, checked with hypothesis, and the 9-box grouping for any number of bands."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_xl.errors import KpiInputError
from kpi_xl.policy import policy_from_dict
from kpi_xl.values import number_column, parse_direction, read_number, to_number
from kpi_xl.words import DIRECTION_WORDS, DIRECTIONS, parse_lang


def _grouped(n: int, sep: str) -> str:
    return f"{n:,}".replace(",", sep)


@given(st.integers(min_value=1_000_000, max_value=10**14))
def test_thousands_in_either_language_read_as_the_number(n):
    # Two or more groups leave no doubt: dots (Indonesian), commas (English) or spaces.
    for sep in (".", ",", " "):
        number, note = read_number(_grouped(n, sep), "target")
        assert number == n
        assert note is not None and "thousands separators" in note


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=999))
def test_one_group_of_three_is_ambiguous_and_refused(whole, frac):
    for sep in (".", ","):
        number, note = read_number(f"{whole}{sep}{frac:03}", "actual")
        assert number is None and "ambiguous" in note


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=99))
def test_a_decimal_comma_reads_as_a_decimal_point(whole, cents):
    number, _ = read_number(f"{whole},{cents:02}", "actual")
    assert number == pytest.approx(float(f"{whole}.{cents:02}"))


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_a_number_is_itself_and_so_is_its_plain_text(x):
    assert to_number(x) == x
    assert to_number(repr(x)) == pytest.approx(x)


@given(st.lists(st.one_of(st.none(), st.floats(-1e9, 1e9), st.integers(-10**9, 10**9),
                          st.sampled_from(["1.500.000", "22,5", " 40 ", "22%", "1,500,000", "", "  "])),
                max_size=30))
def test_a_column_reads_every_cell_as_one_cell_does(values):
    column = number_column(values, "actual")
    for got, value in zip(column.tolist(), values):
        one = to_number(value, "actual")
        assert (one is None and math.isnan(got)) or got == pytest.approx(one)


@pytest.mark.parametrize("text", ["1_000", "abc", "-", "n/a", "nan", "inf", "1,500", "12.500"])
def test_text_no_number_is_refused_in_one_cell_and_in_a_column(text):
    with pytest.raises(KpiInputError):
        to_number(text, "actual")
    with pytest.raises(KpiInputError, match="^row 2: actual"):
        number_column([1.0, text], "actual")


@given(st.sampled_from(sorted(DIRECTION_WORDS)), st.sampled_from([str.lower, str.upper, str.title]))
def test_every_direction_word_in_any_case(word, case):
    assert parse_direction(case(word)) == DIRECTION_WORDS[word]
    assert DIRECTION_WORDS[word] in DIRECTIONS


@pytest.mark.parametrize(("typed", "lang"), [("en", "en"), ("EN", "en"), ("Id", "id"), ("ID", "id"),
                                             (None, "en"), ("", "en"), ("Indonesia", "id")])
def test_language_in_any_case_with_one_default(typed, lang):
    assert parse_lang(typed) == lang


def _policy(n: int):
    bands = [{"level": i + 1, "above": None if i == 0 else float(10 * i), "label": {"en": f"L{i}", "id": f"T{i}"},
              "bonus": float(i), "raise": "0%"} for i in range(n)]
    return policy_from_dict({"bands": bands})


@pytest.mark.parametrize(("n", "groups"), [
    (2, ["low", "high"]),
    (3, ["low", "medium", "high"]),
    (4, ["low", "medium", "medium", "high"]),
    (5, ["low", "low", "medium", "high", "high"]),
    (7, ["low", "low", "medium", "medium", "medium", "high", "high"]),
])
def test_nine_box_groups_for_any_number_of_bands(n, groups):
    policy = _policy(n)
    assert [policy.performance_group(b.level) for b in policy.bands] == groups


@given(st.integers(min_value=2, max_value=12))
def test_the_top_band_is_always_high_and_the_lowest_low(n):
    policy = _policy(n)
    got = [policy.performance_group(b.level) for b in policy.bands]
    assert got[0] == "low" and got[-1] == "high"
    order = {"low": 0, "medium": 1, "high": 2}
    assert [order[g] for g in got] == sorted(order[g] for g in got)
    assert np.all(np.diff([order[g] for g in got]) >= 0)
