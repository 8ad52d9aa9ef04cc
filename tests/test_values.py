"""The one reading of a typed value (kpi_xl.values) and the words (kpi_xl.words): rules that hold for every
input, checked with hypothesis, numbers typed as text read only when unambiguous, percentages typed two ways,
and the 9-box grouping for any number of bands."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_xl.errors import KpiInputError
from kpi_xl.policy import policy_from_dict
from kpi_xl.values import (
    mixed_percent,
    mixed_percent_message,
    number_column,
    parse_direction,
    read_number,
    to_number,
)
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


READ = [
    (40, (40.0, None)),
    (40.5, (40.5, None)),
    (None, (None, None)),
    ("", (None, None)),
    ("   ", (None, None)),
    (math.nan, (None, None)),
    ("  40 ", (40.0, None)),
    ("\u00a040\u00a0", (40.0, None)),
    ("113.65", (113.65, None)),
    ("0.250", (0.25, None)),
    ("1234.567", (1234.567, None)),
    ("-3", (-3.0, None)),
    ("\u22123", (-3.0, None)),
    ("1e3", (1000.0, None)),
    (".5", (0.5, None)),
    ("1.500.000", (1500000.0, "actual '1.500.000' read as 1500000 (dots as thousands separators)")),
    (
        "1.500.000,50",
        (
            1500000.5,
            "actual '1.500.000,50' read as 1500000.5 (dots as thousands separators, comma as decimal point)",
        ),
    ),
    (
        "1.500,5",
        (1500.5, "actual '1.500,5' read as 1500.5 (dots as thousands separators, comma as decimal point)"),
    ),
    ("1,500,000", (1500000.0, "actual '1,500,000' read as 1500000 (commas as thousands separators)")),
    ("1,500.5", (1500.5, "actual '1,500.5' read as 1500.5 (commas as thousands separators)")),
    ("1 500 000", (1500000.0, "actual '1 500 000' read as 1500000 (spaces as thousands separators)")),
    ("1\u202f500", (1500.0, "actual '1\u202f500' read as 1500 (spaces as thousands separators)")),
    ("113,65", (113.65, "actual '113,65' read as 113.65 (comma as decimal point)")),
    ("0,500", (0.5, "actual '0,500' read as 0.5 (comma as decimal point)")),
    ("1234,567", (1234.567, "actual '1234,567' read as 1234.567 (comma as decimal point)")),
    ("22%", (22.0, "actual '22%' read as 22 (percent points, like a target typed 25 for 25%)")),
    ("22 %", (22.0, "actual '22 %' read as 22 (percent points, like a target typed 25 for 25%)")),
    (
        "22,5%",
        (
            22.5,
            "actual '22,5%' read as 22.5 (comma as decimal point, percent points, like a target typed 25 "
            "for 25%)",
        ),
    ),
    ("-5%", (-5.0, "actual '-5%' read as -5 (percent points, like a target typed 25 for 25%)")),
    (
        "Rp 1.500.000",
        (
            1500000.0,
            "actual 'Rp 1.500.000' read as 1500000 (currency sign dropped, dots as thousands separators)",
        ),
    ),
    ("\uff14\uff10", (40.0, "actual '\uff14\uff10' read as 40 (full-width characters)")),
    (
        "\uff12\uff12\uff05",
        (
            22.0,
            "actual '\uff12\uff12\uff05' read as 22 (full-width characters, percent points, "
            "like a target typed 25 for 25%)",
        ),
    ),
    (
        "1,500",
        (None, "actual '1,500' is ambiguous (1500 or 1.5?): type the number without a thousands separator"),
    ),
    (
        "1.500",
        (None, "actual '1.500' is ambiguous (1500 or 1.5?): type the number without a thousands separator"),
    ),
    (
        "100.000",
        (
            None,
            "actual '100.000' is ambiguous (100000 or 100?): type the number without a thousands separator",
        ),
    ),
    ("abc", (None, "actual 'abc' is not a number: type a number")),
    ("-", (None, "actual '-' is not a number: type a number")),
    ("N/A", (None, "actual 'N/A' is not a number: type a number")),
    ("nan", (None, "actual 'nan' is not a number: type a number")),
    ("inf", (None, "actual 'inf' is not a number: type a number")),
    ("1_000", (None, "actual '1_000' is not a number: type a number")),
    ("1,50,000", (None, "actual '1,50,000' is not a number: type a number")),
    ("1.5.2", (None, "actual '1.5.2' is not a number: type a number")),
    ("(40)", (None, "actual '(40)' is not a number: type a number")),
    ("10\u00b2", (None, "actual '10\u00b2' is not a number: type a number")),
    (math.inf, (None, "actual inf is not a finite number: type a number")),
]


@pytest.mark.parametrize("value, expected", READ, ids=[repr(v) for v, _ in READ])
def test_read_number(value: object, expected: tuple) -> None:
    assert read_number(value, "actual") == expected


MIXED = [
    ((0.25, 22), "target"),
    ((25, 0.22), "actual"),
    ((0.2, 21), "target"),
    ((0.95, 97), "target"),
    ((1, 95), "target"),
    ((25, 22), None),
    ((1, 2), None),
    ((0.5, 3), None),
    ((0.25, 0.22), None),
    ((0.25, 500), None),
    ((0, 22), None),
    ((None, 22), None),
    ((math.nan, 22), None),
    ((-0.25, -22), "target"),
]


@pytest.mark.parametrize("pair, expected", MIXED, ids=[repr(p) for p, _ in MIXED])
def test_mixed_percent(pair: tuple, expected: str | None) -> None:
    assert mixed_percent(*pair) == expected


def test_mixed_percent_message() -> None:
    assert mixed_percent_message(0.25, 22, "D14") == (
        "target 0.25 and actual 22 look like one percentage typed two ways (0.25 is 25% stored as a "
        "fraction): type both as percent points (25) in D14; the row is not scored until then"
    )
