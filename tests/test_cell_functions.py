"""The cell functions (kpi_xl.excel.udfs) called as Excel calls them: the shapes it delivers, the golden numbers, the errors."""

from __future__ import annotations

import datetime as dt
import importlib.util
import math
import os
import types
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kpi_xl.excel.udfs as udfs
from kpi_xl.errors import KpiInputError, PolicyError
from kpi_xl.policy import default_policy
from kpi_xl.scoring import (
    band_for,
    bonus_amount,
    final,
    final_column,
    round_kpi,
    score,
    score_column,
    score_scorecard,
)
from kpi_xl.excel.udfs import (
    KPI_BAND,
    KPI_BONUS,
    KPI_FINAL,
    KPI_LABEL,
    KPI_RAISE,
    KPI_SCORE,
    KPI_VALUE,
    policy_from_range,
)

# SPEC 2, as floats: what Excel hands over for numbers.
W = [15.0, 10.0, 10.0, 10.0, 20.0, 20.0, 15.0]
T = [40.0, 1e6, 25.0, 5.0, 25.0, 20.0, 30.0]
A = [50.0, 1.5e6, 32.0, 6.0, 22.0, 21.0, 33.0]
SCORES = [125, 150, 128, 120, 88, 105, 110]
FINALS = [18.75, 15, 12.8, 12, 17.6, 21, 16.5]


def column(values):
    """A column as the add-in delivers it with ndim=2: a list of one-element lists."""
    return [[v] for v in values]


def flat(result):
    return [v for row in result for v in row]


# --- the golden example, in every shape Excel delivers ------------------------------------------------


@pytest.mark.parametrize("shape", ["float", "int", "1x1", "list of one"])
def test_score_one_cell_matches_the_core(shape):
    wrap = {"float": float, "int": int, "1x1": lambda v: [[v]], "list of one": lambda v: [v]}[shape]
    for a, t, expected in zip(A, T, SCORES):
        got = KPI_SCORE(wrap(a), wrap(t))
        assert got == score(a, t, policy=default_policy())
        assert got == pytest.approx(expected)


def test_score_column_in_column_out_matches_the_core():
    got = KPI_SCORE(column(A), column(T))
    assert [len(row) for row in got] == [1] * 7
    assert flat(got) == score_column(A, T, policy=default_policy()).tolist()
    assert flat(got) == pytest.approx(SCORES)


def test_score_block_in_block_out():
    actuals = [A[0:2], A[2:4], A[4:6]]
    targets = [T[0:2], T[2:4], T[4:6]]
    got = KPI_SCORE(actuals, targets)
    assert [len(row) for row in got] == [2, 2, 2]
    assert flat(got) == pytest.approx(SCORES[:6])


def test_score_row_in_row_out_and_plain_lists():
    assert KPI_SCORE([A], [T]) == [pytest.approx(SCORES)]
    assert KPI_SCORE(A, T) == pytest.approx(SCORES)  # a 1-D list (a direct Python call) stays 1-D


def test_score_one_target_applies_to_every_row():
    assert flat(KPI_SCORE(column([10.0, 20.0, None]), [[20.0]])) == [50.0, 100.0, None]
    assert flat(KPI_SCORE(column([10.0, 20.0]), 20)) == [50.0, 100.0]


def test_blank_actual_gives_a_blank_cell():
    assert KPI_SCORE(None, 40.0) is None
    assert KPI_SCORE([[None]], [[40.0]]) is None
    assert KPI_SCORE(column([50.0, None, 22.0]), column([40.0, 1.0, 25.0])) == [[125.0], [None], [88.0]]


def test_directions_tolerance_and_milestones():
    assert KPI_SCORE(8.0, 10.0, "lower") == pytest.approx(120.0)
    assert KPI_SCORE(9.0, 10.0, "within", 0.5) == pytest.approx(95.0)
    got = KPI_SCORE(column([8.0, 9.0, 50.0]), column([10.0, 10.0, 40.0]), column(["lower", "within", None]),
                    column([None, 0.5, None]))
    assert flat(got) == pytest.approx([120.0, 95.0, 125.0])
    # Milestones: TRUE/"ya" done, FALSE not; a completion date on or before the due date (the target).
    assert KPI_SCORE(True, None, "milestone") == 100.0
    assert KPI_SCORE(False, None, "milestone") == 0.0
    assert KPI_SCORE("ya", None, "milestone") == 100.0
    due = dt.datetime(2024, 6, 30)
    got = KPI_SCORE(column([dt.datetime(2024, 6, 1), dt.datetime(2024, 7, 2), True, "belum"]),
                    [[due]] * 4, "milestone")
    assert flat(got) == [100.0, 0.0, 100.0, 0.0]
    # Lite hands dates over as serial numbers: the same results.
    serial = (due - dt.datetime(1899, 12, 30)).days
    assert flat(KPI_SCORE(column([serial - 29.0, serial + 2.0]), column([serial, serial]), "milestone")) == [
        100.0, 0.0]
    # An explicit due overrides the target; mixed directions keep their rows.
    assert KPI_SCORE(serial - 1.0, 5.0, "milestone", None, serial) == 100.0
    assert flat(KPI_SCORE(column(["done", 30.0]), column([None, 25.0]), column(["milestone", "higher"]))) == [
        100.0, 120.0]


def test_final_matches_the_core():
    for w, s, expected in zip(W, SCORES, FINALS):
        assert KPI_FINAL(w, float(s)) == final(w, s) == pytest.approx(expected)
    got = KPI_FINAL(column(W), column([float(s) for s in SCORES]))
    assert flat(got) == final_column(W, SCORES).tolist()
    assert KPI_FINAL(column([15.0, None]), column([None, None])) == [[None], [None]]  # an unused row
    assert KPI_FINAL(15.0, None) is None


@pytest.mark.parametrize("shape", ["column", "row", "1-D"])
def test_kpi_value_golden(shape):
    wrap = {"column": column, "row": lambda v: [v], "1-D": list}[shape]
    expected = round_kpi(score_scorecard(W, A, T, policy=default_policy()).kpi_value)
    assert KPI_VALUE(wrap(W), wrap(A), wrap(T)) == expected == 113.65
    assert KPI_VALUE(wrap(W), wrap(A), wrap(T), wrap(["higher"] * 7)) == 113.65
    assert KPI_VALUE(wrap([int(w) for w in W]), wrap(A), wrap(T), "higher") == 113.65


def test_kpi_value_counts_a_blank_actual_as_zero():
    actuals = A[:-1] + [None]
    assert KPI_VALUE(column(W), column(actuals), column(T)) == round_kpi(
        score_scorecard(W, actuals, T, policy=default_policy()).kpi_value) == pytest.approx(113.65 - 16.5)


def test_bands_and_rewards_golden():
    assert KPI_BAND(113.65) == KPI_BAND([[113.65]]) == 4
    assert KPI_LABEL(113.65) == "Exceeds Target"
    assert KPI_LABEL(113.65, "id") == "Melebihi Target"
    assert KPI_LABEL([[113.65]], "EN") == "Exceeds Target"
    assert KPI_BONUS(113.65, 10_000_000.0) == bonus_amount(113.65, 10_000_000, policy=default_policy()) == 15_000_000
    assert KPI_BONUS(113.65, None) is None
    assert KPI_RAISE(113.65) == "7%–9%"


EDGES = [(130, 4), (130.000001, 5), (105, 3), (105.05, 4), (95.05, 3), (70, 1), (70.05, 2), (0, 1)]


def test_band_edges_one_cell_and_one_call_agree_with_the_core():
    values = [float(v) for v, _ in EDGES]
    levels = [level for _, level in EDGES]
    assert [KPI_BAND(v) for v in values] == levels == [band_for(v, policy=default_policy()).level for v in values]
    assert flat(KPI_BAND(column(values))) == levels
    assert KPI_BAND([values]) == [levels]
    policy = default_policy()
    assert flat(KPI_LABEL(column(values), "id")) == [policy.band_by_level(lv).label_id for lv in levels]
    assert flat(KPI_RAISE(column(values))) == [policy.band_by_level(lv).raise_text for lv in levels]
    assert flat(KPI_BONUS(column(values), 1000.0)) == [policy.band_by_level(lv).bonus * 1000 for lv in levels]


def test_band_ranges_keep_blank_rows_blank_and_their_shape():
    assert KPI_BAND(column([113.65, None])) == [[4], [None]]
    assert KPI_LABEL([[113.65, None], [140.0, 10.0]]) == [
        ["Exceeds Target", None], ["Outstanding", "Far Below Target"]]
    assert KPI_RAISE([[113.65, None]]) == [["7%–9%", None]]
    assert KPI_BONUS(column([113.65, 140.0, None]), column([10.0, None, 5.0])) == [[15.0], [None], [None]]
    assert KPI_BONUS(113.65, column([10.0, 20.0])) == [[15.0], [30.0]]


# Cells as HR fills them, which the functions must read exactly as the core does (one set of rules):
# numbers typed as text, spaces around them, words and dates for milestones, TRUE/FALSE.
AS_THE_CORE_READS = [
    ("50", 40.0, "higher", None, None),
    (" 32 ", 25.0, None, None, None),
    ("1e2", 100.0, "within", "5", None),
    ("6\u00a0", 8.0, "lower", None, None),
    (True, 1.0, "higher", None, None),
    (" YA ", None, "milestone", None, 46203.0),
    ("1", None, "milestone", None, 46203.0),
    (46203.625, None, "milestone", None, 46203.0),  # 15:00 on the due day is on time
    (46204.0, 46203.0, "milestone", None, None),  # the due date in the target cell: a day late
    (46203.0, 46203.0, "milestone", None, None),
    (2.0, 1.0, "milestone", None, None),  # a target of 1 is no date: no due date at all
    (dt.datetime(2026, 6, 30, 23, 59), dt.datetime(2026, 6, 30), "milestone", None, None),
]


@pytest.mark.parametrize("a, t, d, tol, due", AS_THE_CORE_READS, ids=[repr(r[0]) for r in AS_THE_CORE_READS])
def test_cells_are_read_as_the_core_reads_them(a, t, d, tol, due):
    expected = score(a, t, d, tol, due, policy=default_policy())
    assert KPI_SCORE(a, t, d, tol, due) == expected
    assert KPI_SCORE([[a]], [[t]], [[d]], [[tol]], [[due]]) == expected
    # The same row inside a range goes through the core's column path: same number.
    got = KPI_SCORE(column([a, 50.0]), column([t, 40.0]), column([d, "higher"]), column([tol, None]),
                    column([due, None]))
    assert got == [[pytest.approx(expected)], [125.0]]


def test_the_column_path_is_the_cores_column_path():
    actuals = ["50", None, " 22 ", True, "ya", dt.datetime(2026, 6, 30, 15)]
    targets = [40.0, 1.0, 25.0, 1.0, None, dt.datetime(2026, 6, 30)]
    directions = ["higher", "higher", "higher", "higher", "milestone", "milestone"]
    got = flat(KPI_SCORE(column(actuals), column(targets), column(directions)))
    want = score_column(actuals, targets, directions, policy=default_policy()).tolist()
    assert [v is None for v in got] == [math.isnan(v) for v in want]
    assert [v for v in got if v is not None] == [v for v in want if not math.isnan(v)] == [125, 88, 100, 100, 100]


def test_booleans_count_as_one_and_zero():
    assert KPI_SCORE(True, 1.0) == 100.0
    assert flat(KPI_SCORE(column([True, False]), column([1.0, 2.0]))) == [100.0, 0.0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(
    st.one_of(st.none(), st.floats(-1e6, 1e6)),
    st.floats(0.5, 1e6),
    st.sampled_from(["higher", "lower", "within", None]),
    st.floats(0, 10),
), min_size=2, max_size=30))
def test_one_call_over_a_range_equals_one_call_per_cell(rows):
    actuals, targets, directions, tolerances = (column(list(c)) for c in zip(*rows))
    one_call = flat(KPI_SCORE(actuals, targets, directions, tolerances))
    per_cell = [KPI_SCORE(a, t, d, tol)
                for (a,), (t,), (d,), (tol,) in zip(actuals, targets, directions, tolerances)]
    assert [v is None for v in one_call] == [v is None for v in per_cell]
    assert [v for v in one_call if v is not None] == pytest.approx([v for v in per_cell if v is not None])


# --- bad input: exact messages -----------------------------------------------------------------------

BAD = [
    (KPI_SCORE, ("abc", 40.0), "actual 'abc' is not a number: type a number"),
    (KPI_SCORE, (50.0, 0.0), "target is 0"),
    (KPI_SCORE, (50.0, None), "target is blank"),
    (KPI_SCORE, ("#N/A", 40.0), "actual '#N/A' is not a number: type a number"),  # an error cell, read with err_to_str
    (KPI_SCORE, (50.0, 40.0, "up"), "direction 'up' is not one of higher, lower, within, milestone (or naik, turun, rentang, tonggak)"),
    (KPI_SCORE, (9.0, 10.0, "within", -1.0), "tolerance -1 is below 0"),
    (KPI_SCORE, (column([1.0, 2.0, "abc"]), column([1.0, 2.0, 3.0])), "actual row 3: 'abc' is not a number: type a number"),
    (KPI_SCORE, (column([1.0, 2.0, 3.0]), column([1.0, 2.0, 3.0, 4.0])),
     "actual has 3 values but target has 4"),
    (KPI_SCORE, (column([1.0, 2.0, 3.0]), column([1.0, 0.0, 3.0])), "row 2: target is 0"),
    (KPI_SCORE, (column([1.0, 2.0]), column([1.0, None])), "row 2: target is blank"),
    (KPI_SCORE, ([[1.0, 2.0], [3.0, 4.0]], [[1.0, 2.0], [3.0, "x"]]),
     "target row 2, column 2: 'x' is not a number: type a number"),
    (KPI_SCORE, ([[1.0, 2.0, 3.0]], [[1.0, "x", 3.0]]), "target column 2: 'x' is not a number: type a number"),
    (KPI_SCORE, (column([1.0, 2.0]), column([1.0, 2.0]), column(["higher", "up"])),
     "direction row 2: 'up' is not one of higher, lower, within, milestone (or naik, turun, rentang, tonggak)"),
    (KPI_SCORE, (column([1.0, "nan"]), column([1.0, 2.0])), "actual row 2: 'nan' is not a number: type a number"),
    (KPI_SCORE, ([], 1.0), "actual is an empty range"),
    (KPI_FINAL, (None, 125.0), "weight is blank"),
    (KPI_FINAL, (column([15.0, None]), column([125.0, 100.0])), "weight row 2 is blank"),
    (KPI_FINAL, (column([15.0, 10.0]), column([125.0, "x"])), "score row 2: 'x' is not a number: type a number"),
    (KPI_VALUE, (column(W), column(A[:6]), column(T)), "weights has 7 values but actuals has 6"),
    (KPI_VALUE, (column([15.0, None]), column(A[:2]), column(T[:2])), "weights row 2 is blank"),
    (KPI_VALUE, (column(W[:2]), column(["abc", 1.0]), column(T[:2])), "actuals row 1: 'abc' is not a number: type a number"),
    (KPI_VALUE, (column([0.0, 0.0]), column(A[:2]), column(T[:2])), "weights sum to 0"),
    (KPI_VALUE, (column([150.0, -50.0]), column(A[:2]), column(T[:2])), "weights row 2: -50 is below 0"),
    (KPI_VALUE, (column(W[:2]), column(A[:2]), column(T[:2]), column(["higher", "up"])),
     "directions row 2: 'up' is not one of higher, lower, within, milestone (or naik, turun, rentang, tonggak)"),
    (KPI_VALUE, (column(W[:2]), column(A[:2]), column([40.0, "x"])), "targets row 2: 'x' is not a number: type a number"),
    (KPI_SCORE, (column([1.0, 2.0]), column([1.0, 2.0]), None, column([None, "wide"])),
     "tolerance row 2: 'wide' is not a number: type a number"),
    (KPI_SCORE, (column(["ya", "maybe"]), column([None, None]), "milestone"),
     "actual row 2: 'maybe' is not a number: type 1, yes/ya or the completion date"),
    (KPI_SCORE, (column([1.0, 2.0]), "x"), "target 'x' is not a number: type a number"),  # one cell for every row
    (KPI_SCORE, (column([1.0, "inf"]), column([1.0, 2.0])), "actual row 2: 'inf' is not a number: type a number"),
    (KPI_BAND, (None,), "KPI value is blank"),
    (KPI_BAND, ("high",), "KPI value 'high' is not a number: type a number"),
    (KPI_BAND, (column([100.0, "high"]),), "KPI value row 2: 'high' is not a number: type a number"),
    (KPI_LABEL, (113.65, "fr"), "lang 'fr' is not en or id"),
    (KPI_LABEL, (113.65, ["en", "id"]), "lang is a range: give one cell, en or id"),
    (KPI_SCORE, ([[1.0], 2.0], [[1.0], [2.0]]), "actual: its rows have different lengths"),
    (KPI_BONUS, (113.65, -5.0), "monthly salary -5 is below 0"),
    (KPI_BONUS, (column([113.65, 100.0]), column([10.0, -5.0])), "monthly salary row 2: -5 is below 0"),
    (KPI_BONUS, (column([113.65, 100.0]), column([1.0, 2.0, 3.0])),
     "KPI value has 2 values but monthly salary has 3"),
    (KPI_RAISE, ("x",), "KPI value 'x' is not a number: type a number"),
]


@pytest.mark.parametrize("function, args, message", BAD, ids=[m for _, _, m in BAD])
def test_bad_input_names_the_argument_and_the_problem(function, args, message):
    with pytest.raises(KpiInputError) as e:
        function(*args)
    assert str(e.value) == message


def test_classic_add_in_shows_the_message_in_the_cell(monkeypatch):
    monkeypatch.setattr(udfs, "ERRORS_AS_TEXT", True)
    assert KPI_SCORE(50.0, 0.0) == "target is 0"
    assert KPI_SCORE(column([1.0, "abc"]), column([1.0, 2.0])) == "actual row 2: 'abc' is not a number: type a number"
    assert KPI_BAND(113.65, [[1, 2, 3]]) == (
        "policy range has 3 column(s); it needs 5: threshold, level, label, bonus, raise")
    assert KPI_SCORE(50.0, 40.0) == 125.0  # good input is unaffected


# --- policy: the environment's file and policy ranges -------------------------------------------------

CUSTOM_YAML = """\
bands:
  - {level: 1, above: null, label: {id: Kurang, en: Poor}, bonus: 0, raise: "0%"}
  - {level: 2, above: THRESHOLD, label: {id: Baik, en: Good}, bonus: 3, raise: "9%"}
"""


def test_functions_follow_the_policy_file_in_the_environment(tmp_path, monkeypatch):
    path = tmp_path / "policy.yaml"
    path.write_text(CUSTOM_YAML.replace("THRESHOLD", "100"), encoding="utf-8")
    monkeypatch.setenv("KPI_XL_POLICY", str(path))
    assert (KPI_BAND(113.65), KPI_LABEL(113.65), KPI_BONUS(113.65, 10.0), KPI_RAISE(113.65)) == (
        2, "Good", 30.0, "9%")
    # An edited file is read again (its modification time changes).
    path.write_text(CUSTOM_YAML.replace("THRESHOLD", "120"), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert KPI_BAND(113.65) == 1
    monkeypatch.setenv("KPI_XL_POLICY", str(tmp_path / "missing.yaml"))
    with pytest.raises(PolicyError, match="missing.yaml: policy file not found"):
        KPI_BAND(113.65)


DEFAULT_RANGE = [["Threshold", "Level", "Label (id)", "Bonus", "Raise", "Label (en)"]] + [
    [b.above, float(b.level), b.label_id, b.bonus, b.raise_text, b.label_en]
    for b in reversed(default_policy().bands)
]


def test_a_policy_range_of_the_default_policy_gives_the_same_results():
    values = [113.65] + [float(v) for v, _ in EDGES]
    assert flat(KPI_BAND(column(values), DEFAULT_RANGE)) == flat(KPI_BAND(column(values)))
    assert flat(KPI_LABEL(column(values), "en", DEFAULT_RANGE)) == flat(KPI_LABEL(column(values), "en"))
    assert flat(KPI_LABEL(column(values), "id", DEFAULT_RANGE)) == flat(KPI_LABEL(column(values), "id"))
    assert KPI_BONUS(113.65, 10_000_000.0, DEFAULT_RANGE) == 15_000_000
    assert KPI_RAISE(113.65, DEFAULT_RANGE) == "7%–9%"
    assert policy_from_range(DEFAULT_RANGE).bands == default_policy().bands


SETTINGS_RANGE = DEFAULT_RANGE + [
    [None] * 6,
    ["Score cap (blank: none)", None, None, 120, None, None],
    ["Lower method (difference or ratio)", None, None, "ratio", None, None],
]


def test_a_policy_range_gives_score_and_value_its_cap_and_lower_method(monkeypatch):
    monkeypatch.delenv("KPI_XL_POLICY", raising=False)
    capped = default_policy().__class__(default_policy().bands, "ratio", 120.0, "capped")
    assert KPI_SCORE(1.5e6, 1e6) == 150  # the built-in policy: no cap
    assert KPI_SCORE(1.5e6, 1e6, None, None, None, SETTINGS_RANGE) == score(1.5e6, 1e6, policy=capped) == 120
    assert KPI_SCORE(33.0, 30.0, "lower", None, None, SETTINGS_RANGE) == pytest.approx(30 / 33 * 100)
    got = KPI_SCORE(column(A), column(T), None, None, None, SETTINGS_RANGE)
    assert flat(got) == pytest.approx(score_column(A, T, policy=capped).tolist())
    assert flat(got)[:4] == [120, 120, 120, 120]
    want = round_kpi(score_scorecard(W, A, T, policy=capped).kpi_value)
    assert KPI_VALUE(column(W), column(A), column(T), None, None, None, SETTINGS_RANGE) == want == 109.1
    # Setting rows in Indonesian, and in a range without a header row; blank cap: none; blank method:
    # difference.
    plain = [[None, 1.0, "Low", 0.0, "0%"], [100.0, 2.0, "High", 1.0, "5%"],
             ["Batas skor (kosong: tanpa batas)", None, None, None, None],
             ["Metode lower (difference atau ratio)", None, None, None, None]]
    policy = policy_from_range(plain, capped)
    assert (policy.max_score, policy.lower_method) == (None, "difference")
    assert (policy_from_range(DEFAULT_RANGE, capped).max_score, policy_from_range(DEFAULT_RANGE).max_score) == (
        120, None)  # a range without setting rows keeps the base's settings


def test_policy_range_layouts():
    # No header: threshold, level, label, bonus, raise; a raise typed as 5% arrives as 0.05.
    plain = [[None, 1.0, "Low", 0.0, 0.0], [100.0, 2.0, "High", 1.0, 0.05], [None, None, None, None, None]]
    policy = policy_from_range(plain)
    assert [(b.level, b.above, b.label_id, b.label_en, b.bonus, b.raise_text) for b in policy.bands] == [
        (1, None, "Low", "Low", 0.0, "0%"), (2, 100.0, "High", "High", 1.0, "5%")]
    # A header row, columns in another order, Indonesian words, an English label column.
    headed = [["Tingkat", "Predikat", "Predikat (en)", "Batas", "Kenaikan gaji", "Bonus"],
              [2.0, "Tinggi", "High", 100.0, "5%–6%", 1.0], [1.0, "Rendah", "Low", None, "0%", 0.0]]
    policy = policy_from_range(headed)
    assert [(b.level, b.above, b.label("id"), b.label("en"), b.raise_text) for b in policy.bands] == [
        (1, None, "Rendah", "Low", "0%"), (2, 100.0, "Tinggi", "High", "5%–6%")]
    assert KPI_LABEL(column([99.0, 101.0]), "id", headed) == [["Rendah"], ["Tinggi"]]
    # The headers the scorecard template writes on its policy sheet, in both languages.
    for header in (["Level", "Above (KPI value, exclusive)", "Label", "Bonus (× monthly salary)",
                    "Salary raise"],
                   ["Tingkat (nilai)", "Batas bawah (nilai KPI di atas)", "Predikat (kriteria)",
                    "Bonus (× gaji sebulan)", "Kenaikan gaji"]):
        bands = default_policy().bands
        rows = [header] + [[b.level, b.above, b.label_en, b.bonus, b.raise_text] for b in bands]
        assert KPI_BAND(113.65, rows) == 4 and KPI_RAISE(113.65, rows) == "7%–9%"
    # lower_method and max_score come from the scoring policy.
    assert policy.lower_method == default_policy().lower_method


BAD_POLICY = [
    ([[1, 2, 3]], "policy range has 3 column(s); it needs 5: threshold, level, label, bonus, raise"),
    ([1, 2, 3, 4, 5], "policy range: select a block of cells, one row per band, with the columns "
                      "threshold, level, label, bonus, raise"),
    ([[None] * 5, [None] * 5], "policy range has no bands: every row is blank"),
    ([["Level", "Label", "Bonus"], [1, "x", 0]],
     "policy range: the header row has no threshold, raise column "
     "(it needs threshold, level, label, bonus, raise)"),
    ([[None, 1, "Low", 0, "0%"], [100, "two", "High", 1, "5%"]],
     "policy range row 2: level 'two' is not a number: type a number"),
    ([[None, 1, "Low", 0, "0%"], [100, 2.5, "High", 1, "5%"]],
     "policy range row 2: level 2.5 is not a whole number"),
    ([[None, 1, "Low", 0, "0%"], [100, 1, "High", 1, "5%"]],
     "policy range row 2: level 1 appears twice (also row 1)"),
    ([[None, 1, "Low", "lots", "0%"], [100, 2, "High", 1, "5%"]],
     "policy range row 1: bonus 'lots' is not a number: type a number"),
    ([[None, 1, "Low", 0, "0%"], [100, 2, None, 1, "5%"]], "policy range row 2: label is blank"),
    ([[None, 1, "Low", 0, "0%"], [100, 2, "High", 1, None]], "policy range row 2: raise is blank"),
    ([[None, 1, "Low", 0, "0%"], ["x", 2, "High", 1, "5%"]],
     "policy range row 2: threshold 'x' is not a number: type a number"),
    ([[None, 1, "Low", 0, "0%"], [None, 2, "High", 1, "5%"]],
     "policy range: bands: exactly one band, the lowest level (1), has above: null"),
    ([[None, 1, "Low", 0, "0%"], [100, 2, "Mid", 1, "5%"], [90, 3, "High", 2, "9%"]],
     "policy range: bands: thresholds out of order: level 3 (above 90) must start above level 2 (above 100)"),
    ([[None, 1, "Low", -1, "0%"], [100, 2, "High", 1, "5%"]], "policy range: bands[0].bonus: -1 is below 0"),
    ([[None, 1, "Low", 0, "0%"], [100, 2, "High", 1, "5%"], ["Lower method", "sideways"]],
     "policy range row 3: lower method 'sideways' is not difference or ratio"),
    ([[None, 1, "Low", 0, "0%"], [100, 2, "High", 1, "5%"], ["Score cap", "lots"]],
     "policy range row 3: score cap 'lots' is not a number: type a number"),
    ([[None, 1, "Low", 0, "0%"], [100, 2, "High", 1, "5%"], ["Score cap", 0]],
     "policy range: max_score: 0 must be above 0 (or null for no cap)"),
    ([[None, 1, "Low", 0, "0%"], ["max score", 120], [100, 2, "High", 1, "5%"], ["Score cap", 150]],
     "policy range row 4: score cap appears twice (also row 2)"),
]


@pytest.mark.parametrize("cells, message", BAD_POLICY, ids=[m for _, m in BAD_POLICY])
def test_bad_policy_range_messages(cells, message):
    with pytest.raises(PolicyError) as e:
        KPI_BAND(113.65, cells)
    assert str(e.value) == message


# --- what the runtimes see: decorators and their options ----------------------------------------------


def _load_under(stub: types.ModuleType, monkeypatch) -> types.ModuleType:
    """Import a fresh copy of kpi_xl/excel/udfs.py with `stub` standing in for xlwings."""
    monkeypatch.setitem(__import__("sys").modules, "xlwings", stub)
    spec = importlib.util.spec_from_file_location("kpi_xl.excel._udfs_probe", Path(udfs.__file__))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _recording_xlwings(module_name: str) -> types.ModuleType:
    stub = types.ModuleType("xlwings")
    stub.registered, stub.options = {}, {}

    def func(f=None, **kwargs):
        def inner(f):
            stub.registered[f.__name__] = kwargs
            return f
        return inner(f) if f is not None else inner

    def arg(name, convert=None, **kwargs):
        def inner(f):
            stub.options[(f.__name__, name)] = kwargs
            return f
        return inner

    func.__module__ = arg.__module__ = module_name
    stub.func, stub.arg = func, arg
    return stub


# Registration and calls under xlwings Lite's own code: tests/test_excel_xlwings.py (real xlwings).
# The classic add-in (COM) cannot run here: its decorators are recorded by a stand-in.


def test_under_the_classic_add_in_errors_become_the_cell_text(monkeypatch):
    module = _load_under(_recording_xlwings("xlwings.udfs"), monkeypatch)
    assert module.ERRORS_AS_TEXT
    assert module.KPI_SCORE(50.0, 0.0) == "target is 0"


def test_range_results_have_no_nan():
    # NaN would reach Excel as #NUM! in Lite; blanks must be None.
    got = flat(KPI_SCORE(column([None, 1.0]), column([1.0, 1.0])))
    got += flat(KPI_FINAL(column([1.0, 2.0]), column([None, 1.0])))
    assert not any(isinstance(v, float) and math.isnan(v) for v in got)
    assert np.array([v for v in got if v is not None]).dtype == float


def test_kpi_value_counts_a_refused_row_as_0_like_the_native_formulas():
    # Row 2's target of 0 on higher cannot be scored: its KPI_SCORE cell says why, and the KPI value
    # counts it as 0, as a scorecard with native formulas does (15 x 125 % over weights 25 = 75 %).
    assert KPI_VALUE(column(W[:2]), column(A[:2]), column([40.0, 0.0])) == 75.0
    with pytest.raises(KpiInputError, match="^row 2: target is 0$"):
        KPI_SCORE(column(A[:2]), column([40.0, 0.0]))
