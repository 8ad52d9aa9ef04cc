"""Scoring a whole run at once, through the core: every KPI row of every scorecard is stacked into numpy
columns and scored and added up per scorecard by ONE call of `kpi_xl.scoring.score_scorecards`, the same
call `score_scorecard` makes for one scorecard. This module adds what the rollup reports around it: the
issues naming each cell, and the cached results typed over formulas.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..policy import Policy
from ..scoring import (
    NOT_STARTED,
    score_scorecards,
)
from .model import ERROR, HEADER_KEYS, INFO, WARNING, Issue, RawScorecard

# Numbers beyond these are no KPI figure (a damaged cell, 1E+308 typed): the row is refused, so that no
# score overflows to infinity, which the core refuses for the whole run.
LARGEST_NUMBER = 1e15
SMALLEST_TARGET = 1e-9

# A cached result differing from ours by more than this (in percent points) was typed over a formula.
CACHED_TOLERANCE = 0.005


# A scorecard's status (the core's): only a complete one gets a bonus amount; one with errors, or not
# started, gets no level and is not counted on the Levels sheet nor in the 9-box.


def _column(cards: Sequence[RawScorecard], name: str, dtype: Any = float) -> np.ndarray:
    chained = itertools.chain.from_iterable(getattr(card.rows, name) for card in cards)
    if dtype is object:
        return np.fromiter(chained, dtype=object, count=sum(len(card.rows) for card in cards))
    return np.fromiter(chained, dtype=dtype)


def score_all(cards: Sequence[RawScorecard], policy: Policy, issues: list[Issue]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score every row of every scorecard at once: (summary per scorecard, details per KPI row)."""
    n_cards = len(cards)
    counts = np.fromiter((len(card.rows) for card in cards), dtype=np.int64, count=n_cards)
    card_of_row = np.repeat(np.arange(n_cards), counts)
    weight = _column(cards, "weight")
    target = _column(cards, "target")
    actual = _column(cards, "actual")
    tolerance = _column(cards, "tolerance")
    due = _column(cards, "due")
    bad = _column(cards, "bad", bool)
    direction = _column(cards, "direction", object)
    sheet_rows = _column(cards, "row", np.int64)  # where each row lives, for messages naming the cell
    bad = bad | _out_of_range(cards, card_of_row, sheet_rows, issues,
                              {"weight": weight, "target": target, "actual": actual, "tolerance": tolerance})
    all_higher = bool((direction == "higher").all()) if direction.size else True
    # The core scores every row and adds them up per scorecard. A row with a cell that could not be read
    # (or one percentage typed two ways) is not scored: it counts as 0 until it is fixed, as the core
    # does with the rows it refuses.
    many = score_scorecards(card_of_row, n_cards, weight, actual, target, None if all_higher else direction,
                            tolerance, due, policy=policy, unreadable=bad)
    scores, finals = many.scores, many.finals
    sum_weight, sum_final, kpi, levels = many.sum_weight, many.sum_final, many.kpi_values, many.levels
    weight_blank, row_error, status = many.weight_refused, many.refused, many.status

    def cell(row: int, key: str) -> str:
        letter = cards[card_of_row[row]].columns.get(key)
        return f"{letter}{sheet_rows[row]}" if letter else ""

    for row, message in sorted(many.problems.items()):
        if bad[row]:
            continue  # the reader already named the cell it could not read ("target 'abc' is not a number")
        card = cards[card_of_row[row]]
        key = "target" if "target" in message else "tolerance" if "tolerance" in message else "actual"
        issues.append(Issue(card.file, card.sheet, cell(row, key), ERROR,
                            f"{message}; this KPI row counts as 0 until it is fixed"))

    blank_actual = many.blank_actuals
    not_started = status == NOT_STARTED
    kpi = np.where(not_started, np.nan, kpi)  # not one actual reported: no KPI value yet, not "far below"
    card_blank = np.bincount(card_of_row, weights=blank_actual, minlength=n_cards) > 0

    for i in np.flatnonzero((sum_weight == 0) & ~weight_blank):
        issues.append(Issue(cards[i].file, cards[i].sheet, "", ERROR,
                            "the weights sum to 0; no KPI value can be computed"))
    off_100 = np.flatnonzero(~weight_blank & (sum_weight != 0) & (np.abs(sum_weight - 100) > 1e-9))
    for i in off_100:
        issues.append(Issue(cards[i].file, cards[i].sheet, "", WARNING,
                            f"the weights sum to {sum_weight[i]:g}, not 100; the KPI value divides by "
                            f"{sum_weight[i]:g}"))

    for i in np.flatnonzero(card_blank):
        rows = np.flatnonzero(blank_actual & (card_of_row == i))
        cells = ", ".join(cell(int(r), "actual") for r in rows[:10]) + (", ..." if rows.size > 10 else "")
        if not_started[i]:
            message = (f"none of the {counts[i]} actuals is reported yet ({cells}): the scorecard is not "
                       "started and gets no KPI value, level or bonus until they are typed in")
        else:
            message = (f"{rows.size} of {counts[i]} actuals not yet reported ({cells}); they count as 0 "
                       "and the scorecard is incomplete")
        issues.append(Issue(cards[i].file, cards[i].sheet, cell(int(rows[0]), "actual"), INFO, message))

    _compare_cached_rows(cards, card_of_row, scores, finals, issues, cell)
    _compare_cached_results(cards, kpi, sum_final, levels, issues)

    summary = pd.DataFrame({key: [card.header.get(key, "") for card in cards] for key in HEADER_KEYS})
    summary["kpi_value"] = kpi
    summary["level"] = levels
    summary["status"] = status
    summary["file"] = [card.file for card in cards]
    summary["sheet"] = [card.sheet for card in cards]
    summary["kind"] = [card.kind for card in cards]

    row_status = np.where(row_error, "error", np.where(np.isnan(actual), "blank", "ok"))
    details = pd.DataFrame({
        "card": card_of_row,
        "kra": _column(cards, "kra", object),
        "indicator": _column(cards, "indicator", object),
        "unit": _column(cards, "unit", object),
        "direction": direction,
        "weight": weight,
        "target": target,
        "tolerance": tolerance,
        "due": due,
        "actual": actual,
        "score": scores,
        "final": finals,
        "row_status": row_status,
        "cell": [cell(i, "actual") for i in range(weight.size)],
    })
    return summary, details


def _out_of_range(cards: Sequence[RawScorecard], card_of_row: np.ndarray, sheet_rows: np.ndarray,
                  issues: list[Issue], columns: dict[str, np.ndarray]) -> np.ndarray:
    """Rows with a number no KPI has (over `LARGEST_NUMBER`, or a target closer to 0 than
    `SMALLEST_TARGET`): an error naming the cell, and the row is not scored (it counts as 0). The
    number is set to NaN in `columns`, in place."""
    out = np.zeros(card_of_row.size, dtype=bool)
    with np.errstate(invalid="ignore"):
        for key, values in columns.items():
            huge = np.abs(values) > LARGEST_NUMBER
            tiny = (np.abs(values) < SMALLEST_TARGET) & (values != 0) if key == "target" else False
            for row in np.flatnonzero(huge | tiny):
                card = cards[card_of_row[row]]
                letter = card.columns.get(key, "")
                issues.append(Issue(card.file, card.sheet, f"{letter}{sheet_rows[row]}" if letter else "", ERROR,
                                    f"the {key} {values[row]:g} is out of range for a KPI (a damaged cell?); "
                                    "type the real number: this KPI row counts as 0 until it is fixed"))
            out |= huge | tiny
            values[huge | tiny] = np.nan  # as the reader leaves a cell it could not read
    return out


def _differs(cached: np.ndarray, ours: np.ndarray) -> np.ndarray:
    """Cached results that disagree with ours. A percent-formatted cell (1.25 for 125 %) agrees."""
    with np.errstate(invalid="ignore"):
        present = ~np.isnan(cached)
        ours0 = np.nan_to_num(ours, nan=0.0)  # a formula over a blank actual shows 0
        same = (np.abs(cached - ours0) <= CACHED_TOLERANCE) | (np.abs(cached * 100 - ours0) <= CACHED_TOLERANCE)
    return present & ~same


def _compare_cached_rows(cards, card_of_row, scores, finals, issues, cell) -> None:
    for key, cached_name, ours in (("score", "cached_score", scores), ("final", "cached_final", finals)):
        cached = _column(cards, cached_name)
        for row in np.flatnonzero(_differs(cached, ours)):
            card = cards[card_of_row[row]]
            mine = "blank" if math.isnan(ours[row]) else f"{ours[row]:.2f}"
            issues.append(Issue(card.file, card.sheet, cell(row, key), WARNING,
                                f"the {key} in the file is {cached[row]:g} but computes to {mine}: "
                                "formula overwritten by hand? The summary uses the computed value"))


def _compare_cached_results(cards, kpi, sum_final, levels, issues) -> None:
    # The final rating's cached cell is compared by kpi_xl.rollup.rating, against the final rating.
    found = [(i, cached) for i, card in enumerate(cards) for cached in card.cached if cached.what != "final_rating"]
    results = [(i, cached) for i, cached in found if cached.what != "level"]
    # One `_differs` call over every cached KPI value and total of the run.
    ours = np.array([kpi[i] if cached.what == "kpi_value" else sum_final[i] for i, cached in results], dtype=float)
    theirs = np.array([cached.value for _, cached in results], dtype=float)
    differs = iter(_differs(theirs, ours) & ~np.isnan(ours) if results else ())
    for i, cached in found:
        card = cards[i]
        if cached.what == "level":
            if levels[i] and cached.value != levels[i]:
                issues.append(Issue(card.file, card.sheet, cached.cell, WARNING,
                                    f"the level in the file is {cached.value:g} but the policy gives "
                                    f"{levels[i]}: formula overwritten by hand, or another policy?"))
            continue
        if next(differs):
            mine = float(kpi[i] if cached.what == "kpi_value" else sum_final[i])
            what = "KPI value" if cached.what == "kpi_value" else "total of the final scores"
            issues.append(Issue(card.file, card.sheet, cached.cell, WARNING,
                                f"the {what} in the file is {cached.value:g} but computes to {mine:.2f}: "
                                "formula overwritten by hand? The summary uses the computed value"))
