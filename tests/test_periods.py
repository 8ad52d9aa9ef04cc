"""Review periods: what HR types in a Period cell, read into one form, and a year's periods combined into
its KPI value by the policy's rule (the core's `annual_kpi_value`, and KPI_ANNUAL in a cell)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_xl.errors import KpiInputError, PolicyError
from kpi_xl.excel.udfs import KPI_ANNUAL, KPI_BAND
from kpi_xl.periods import Period, parse_period
from kpi_xl.policy import default_policy, policy_from_dict
from kpi_xl.scoring import annual_kpi_value

Q1, H2, MAR, YEAR = Period(2026, "quarter", 1), Period(2026, "half", 2), Period(2026, "month", 3), Period(2026, "year")


@pytest.mark.parametrize(("typed", "period"), [
    ("Q1 2026", Q1), ("2026-Q1", Q1), ("2026 q1", Q1), ("TW I 2026", Q1), ("TW1 2026", Q1),
    ("Triwulan 1 2026", Q1), ("triwulan I 2026", Q1), ("Kuartal 1 2026", Q1), ("1Q 2026", Q1),
    ("H2 2026", H2), ("2026-H2", H2), ("Semester 2 2026", H2), ("Semester II 2026", H2), ("S2 2026", H2),
    ("2026-03", MAR), ("03/2026", MAR), ("Mar 2026", MAR), ("March 2026", MAR), ("Maret 2026", MAR),
    (dt.date(2026, 3, 31), MAR), (dt.datetime(2026, 3, 1, 8, 0), MAR),
    ("2026", YEAR), (2026, YEAR), (2026.0, YEAR), ("FY2026", YEAR), ("Tahun 2026", YEAR),
])
def test_every_form_hr_types_reads_as_one_period(typed, period):
    assert parse_period(typed) == period


@pytest.mark.parametrize(("typed", "words"), [
    ("Q5 2026", "there is no quarter 5 (1 to 4)"), ("2026-13", "there is no month 13 (1 to 12)"),
    ("Semester 3 2026", "there is no half 3"), ("Q1", "is not a period kpi-xl can read"),
    ("next year", "is not a period kpi-xl can read"), (True, "is not a period kpi-xl can read"),
])
def test_a_period_that_cannot_be_read_names_the_accepted_forms(typed, words):
    with pytest.raises(KpiInputError, match=re.escape(words)) as e:
        parse_period(typed)
    assert "TW I 2026" in str(e.value) and "Semester 1 2026" in str(e.value)


@given(st.integers(2000, 2099), st.sampled_from([("year", 1), ("half", 2), ("quarter", 4), ("month", 12)]),
       st.data(), st.sampled_from(["en", "id", "EN", "Id"]))
def test_a_period_written_in_either_language_reads_back_as_itself(year, kind, data, lang):
    name, most = kind
    period = Period(year, name, data.draw(st.integers(1, most)))
    assert parse_period(period.label(lang)) == period


def test_periods_sort_by_when_they_start():
    periods = [parse_period(t) for t in ("Q3 2026", "2025", "Mar 2026", "H1 2026", "Q1 2026")]
    assert [str(p) for p in sorted(periods, key=lambda p: p.sort_key)] == [
        "2025", "H1 2026", "Q1 2026", "March 2026", "Q3 2026"]
    assert [p.months for p in (YEAR, H2, Q1, MAR)] == [12, 6, 3, 1]


# --- the year's KPI value ------------------------------------------------------------------------------

P = default_policy()
ZERO = policy_from_dict({"bands": [{"level": b.level, "above": b.above, "label": {"en": b.label_en, "id": b.label_id},
                                    "bonus": b.bonus, "raise": b.raise_text} for b in P.bands],
                         "annual": {"missing_period": "zero"}})

# values in period order (None: missing), months, method, policy, expected value, complete
ANNUAL = [
    ([100, 110, 120, 130], None, "mean", P, 115.0, True),
    ([100, None, 120, 130], None, "mean", P, 350 / 3, False),
    ([100, None, 120, 130], None, "mean", ZERO, 87.5, True),
    ([100, None, 120, 130], None, "sum-of-finals", P, 87.5, False),
    ([100, 110, 120, 130], None, "sum-of-finals", P, 115.0, True),
    ([100, 110, 120, 130], None, "last", P, 130.0, True),
    ([100, 110, 120, None], None, "last", P, 120.0, False),
    ([100, 110, 120, None], None, "last", ZERO, 0.0, True),
    ([90, 120], [6, 6], "mean", P, 105.0, True),
    ([90, 120], [9, 3], "mean", P, 97.5, True),  # three quarters at 90, one at 120
    ([113.65], [12], "mean", P, 113.65, True),
]


@pytest.mark.parametrize(("values", "months", "method", "policy", "value", "complete"), ANNUAL)
def test_the_year_from_its_periods_in_the_core_and_the_cell_function(values, months, method, policy, value,
                                                                      complete):
    result = annual_kpi_value(values, months, method=method, policy=policy)
    assert result.kpi_value == pytest.approx(value)
    assert result.complete is complete
    cells = [[None if v is None else float(v)] for v in values]
    month_cells = None if months is None else [[float(m)] for m in months]
    if policy is P:  # the cell function's policy is the file policy (a policy range sets no annual rule)
        assert KPI_ANNUAL(cells, month_cells, method.upper()) == pytest.approx(round(value, 6))


def test_the_policy_sets_the_default_method_and_the_missing_period_rule():
    assert (P.annual_method, P.missing_period, P.trend_threshold) == ("mean", "incomplete", 5.0)
    assert annual_kpi_value([100, None, 120, 130], policy=ZERO).kpi_value == 87.5
    with pytest.raises(PolicyError, match=r"annual.method: 'median' is not one of mean, last, sum-of-finals"):
        policy_from_dict({"bands": ZERO_BANDS, "annual": {"method": "median"}})
    with pytest.raises(PolicyError, match=r"annual.missing_period: 'skip' is not one of incomplete, zero"):
        policy_from_dict({"bands": ZERO_BANDS, "annual": {"missing_period": "skip"}})


ZERO_BANDS = [{"level": 1, "above": None, "label": {"en": "Low", "id": "Rendah"}, "bonus": 0, "raise": "0%"},
              {"level": 2, "above": 100, "label": {"en": "High", "id": "Tinggi"}, "bonus": 1, "raise": "5%"}]


def test_the_year_gets_its_level_by_the_same_bands():
    year = KPI_ANNUAL([[104.2], [109.8], [113.65], [118.1]])
    assert year == pytest.approx(111.4375)
    assert KPI_BAND(year) == 4


@pytest.mark.parametrize(("args", "words"), [
    (([[100.0], [110.0]], [[4.0], [4.0], [4.0]]), "3 months for 2 periods"),
    (([[100.0], [110.0]], [[6.0], [0.0]]), "every period covers at least one month"),
    (([[100.0]], None, "median"), "method 'median' is not one of mean, last, sum-of-finals"),
    (([["abc"]],), "'abc' is not a number"),
])
def test_kpi_annual_refuses_what_it_cannot_combine(args, words):
    with pytest.raises(KpiInputError, match=words):
        KPI_ANNUAL(*args)


def test_no_period_reported_gives_a_blank_year():
    assert KPI_ANNUAL([[None], [None]]) is None


def test_the_year_through_the_real_xlwings_as_lite_calls_it(tmp_path):
    # The same table, through xlwings' own registration and call code, with the payloads Office.js
    # sends: a range as rows of cells, an empty cell as "", a left-out argument as None.
    from lite import run_lite

    rows = [r for r in ANNUAL if r[3] is P]
    calls = [("KPI_ANNUAL", [[["" if v is None else float(v)] for v in values],
                             None if months is None else [[float(m)] for m in months], [[method.upper()]], None])
             for values, months, method, _, _, _ in rows]
    calls.append(("KPI_ANNUAL", [[[100.0]], None, [["median"]], None]))
    got = run_lite(tmp_path, calls)["calls"]
    for (values, months, method, _, value, _), answer in zip(rows, got):
        assert answer["result"] == [[pytest.approx(round(value, 6))]], (values, months, method)
    assert got[-1]["error"] == "KpiInputError"
    assert "method 'median' is not one of mean, last, sum-of-finals" in got[-1]["message"]
