"""The final rating: the KPI result weighed with competencies (and attendance) as the policy says, the
competency scale's percent rule, and the policy's `rating:` block. Core and cell functions, one table."""

from __future__ import annotations

import math

import pytest

from kpi_xl.errors import KpiInputError, PolicyError
from kpi_xl.excel.udfs import KPI_BAND, KPI_COMPETENCY, KPI_RATING
from kpi_xl.policy import default_policy, policy_from_dict
from kpi_xl.policy.model import Rating
from kpi_xl.scoring import attendance_percent, band_for, competency_score, final_rating

BASE = default_policy()
BANDS = [{"level": b.level, "above": b.above, "label": {"en": b.label_en, "id": b.label_id}, "bonus": b.bonus,
          "raise": b.raise_text} for b in BASE.bands]
KPI_COMP = policy_from_dict({"bands": BANDS, "rating": {"components": {"kpi": 70, "competencies": 30}}})
THREE = policy_from_dict({"bands": BANDS, "rating": {"components": {"kpi": 60, "competencies": 30, "attendance": 10}}})


@pytest.mark.parametrize(("ratings", "weights", "score"), [
    ([3, 3, 3], None, 100.0),  # meets expectations = meeting target
    ([4, 4], None, 400 / 3),
    ([1, 5], None, 100.0),
    ([3, 5], [75, 25], 350 / 3),
    ([3, None, 5], None, 400 / 3),  # a blank rating is left out
    ([None, None], None, math.nan),
])
def test_competency_result_in_the_core_and_the_cell_function(ratings, weights, score):
    got = competency_score(ratings, weights, policy=KPI_COMP)
    cells = [[None if r is None else float(r)] for r in ratings]
    cell = KPI_COMPETENCY(cells, None if weights is None else [[float(w)] for w in weights])
    if math.isnan(score):
        assert math.isnan(got) and cell is None
    else:
        assert got == pytest.approx(score, abs=1e-6)
        assert cell == pytest.approx(score, abs=1e-6)


# The worked example's KPI value (113.65) with competency results chosen so the final rating lands on
# each band edge of the default policy (70, 95, 105, 130): final = 0.7 x 113.65 + 0.3 x c.
EDGE_COMPETENCIES = [((edge - 0.7 * 113.65) / 0.3, edge) for edge in (70.0, 95.0, 105.0, 130.0)]


@pytest.mark.parametrize(("competency", "edge"), EDGE_COMPETENCIES)
def test_the_final_rating_lands_on_each_band_edge_and_gets_that_bands_level(competency, edge):
    rating = final_rating(113.65, competency, policy=KPI_COMP)
    assert rating == pytest.approx(edge, abs=1e-6)
    assert band_for(rating, policy=KPI_COMP).level == band_for(edge, policy=BASE).level
    assert KPI_RATING(113.65, competency) == pytest.approx(113.65)  # the built-in policy weighs the KPI only


def test_three_components_and_attendance_capped_at_100():
    assert attendance_percent(20, 22) == pytest.approx(90.909091)
    assert attendance_percent(23, 22) == 100.0
    assert attendance_percent(None, 22) is None
    assert final_rating(113.65, 100, 100, policy=THREE) == pytest.approx(0.6 * 113.65 + 30 + 10)
    assert math.isnan(final_rating(113.65, None, 100, policy=THREE))  # a weighed component is blank
    assert final_rating(113.65, None, policy=BASE) == 113.65  # no components: the KPI value


def test_a_rating_off_the_scale_is_refused_naming_its_row():
    with pytest.raises(KpiInputError, match="^row 2: rating 6 is off the scale 1 to 5$"):
        competency_score([3, 6], policy=KPI_COMP)
    with pytest.raises(KpiInputError, match="ratings row 2: 6 is off the scale 1 to 5"):
        KPI_COMPETENCY([[3.0], [6.0]])


def test_the_percent_rule_is_a_policy_field():
    ten = policy_from_dict({"bands": BANDS, "rating": {
        "components": {"kpi": 50, "competencies": 50},
        "scale": {"low": 1, "high": 4, "meets": 2, "labels": {r: {"en": f"r{r}", "id": f"n{r}"} for r in range(1, 5)}}}})
    assert ten.rating == Rating((("kpi", 50.0), ("competencies", 50.0)), 1, 4, 2.0,
                                ((1, "r1", "n1"), (2, "r2", "n2"), (3, "r3", "n3"), (4, "r4", "n4")))
    assert competency_score([2, 3], policy=ten) == 125.0
    assert KPI_BAND(final_rating(100, 125, policy=ten)) == 4  # 112.5 exceeds target


@pytest.mark.parametrize(("block", "words"), [
    ({"components": {"kpi": 70, "competencies": 20}}, "the weights sum to 90, not 100"),
    ({"components": {"competencies": 100}}, "needs the kpi component"),
    ({"components": {"kpi": 70, "behaviour": 30}}, "'behaviour' is not one of kpi, competencies, attendance"),
    ({"components": {"kpi": 100}, "scale": {"low": 1, "high": 5, "meets": 6}}, "low <= meets <= high"),
    ({"components": {"kpi": 100}, "scale": {"low": 1, "high": 4}}, "a scale other than 1 to 5 needs its labels"),
    ({"components": {"kpi": 100}, "self_gap": 0}, "self_gap: 0 must be above 0"),
])
def test_a_broken_rating_block_is_refused_naming_the_field(block, words):
    with pytest.raises(PolicyError, match=words):
        policy_from_dict({"bands": BANDS, "rating": block}, source="company.yaml")
