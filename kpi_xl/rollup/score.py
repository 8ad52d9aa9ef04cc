"""Scoring a whole run at once, through the core: every KPI row of every scorecard is stacked into numpy
columns and scored and added up per scorecard by ONE call of `kpi_xl.scoring.score_scorecards`, the same
call `score_scorecard` makes for one scorecard. This module adds what the rollup reports around it: the
issues naming each cell, and the cached results typed over formulas.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..policy import Policy
from ..scoring import (
    NOT_STARTED,
    score_scorecards,
)
from .model import ERROR, HEADER_KEYS, INFO, WARNING, Issue, RawScorecard
from .store import Scorecards, as_store

# Numbers beyond these are no KPI figure (a damaged cell, 1E+308 typed): the row is refused, so that no
# score overflows to infinity, which the core refuses for the whole run.
LARGEST_NUMBER = 1e15
SMALLEST_TARGET = 1e-9

# A cached result differing from ours by more than this (in percent points) was typed over a formula.
CACHED_TOLERANCE = 0.005


# A scorecard's status (the core's): only a complete one gets a bonus amount; one with errors, or not
# started, gets no level and is not counted on the Levels sheet nor in the 9-box.


def score_all(cards: Scorecards | Sequence[RawScorecard], policy: Policy,
              issues: list[Issue]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score every row of every scorecard at once: (summary per scorecard, details per KPI row).
    The KPI rows move from `cards` into the details table (`Scorecards.release_rows`)."""
    cards = as_store(cards)
    n_cards = len(cards)
    counts = cards.counts
    card_of_row = np.repeat(np.arange(n_cards, dtype=np.int32), counts)  # 4 bytes a KPI row: enough
    weight = cards.column("weight")
    target = cards.column("target")
    actual = cards.column("actual")
    tolerance = cards.column("tolerance")
    due = cards.column("due")
    bad = cards.column("bad")
    direction = cards.column("direction")
    sheet_rows = cards.column("row")  # where each row lives, for messages naming the cell
    numbers = {"weight": weight, "target": target, "actual": actual, "tolerance": tolerance}
    bad = bad | _out_of_range(cards, card_of_row, sheet_rows, issues, numbers)
    weight, target, actual, tolerance = numbers["weight"], numbers["target"], numbers["actual"], numbers["tolerance"]
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
        letter = cards.columns_of(card_of_row[row]).get(key)
        return cards.text(f"{letter}{sheet_rows[row]}") if letter else ""

    files, sheets = cards.files, cards.sheets
    for row, message in sorted(many.problems.items()):
        if bad[row]:
            continue  # the reader already named the cell it could not read ("target 'abc' is not a number")
        i = card_of_row[row]
        key = "target" if "target" in message else "tolerance" if "tolerance" in message else "actual"
        issues.append(Issue(files[i], sheets[i], cell(row, key), ERROR,
                            f"{message}; this KPI row counts as 0 until it is fixed"))

    blank_actual = many.blank_actuals
    not_started = status == NOT_STARTED
    kpi = np.where(not_started, np.nan, kpi)  # not one actual reported: no KPI value yet, not "far below"
    card_blank = np.bincount(card_of_row, weights=blank_actual, minlength=n_cards) > 0

    for i in np.flatnonzero((sum_weight == 0) & ~weight_blank):
        issues.append(Issue(files[i], sheets[i], "", ERROR,
                            "the weights sum to 0; no KPI value can be computed"))
    off_100 = np.flatnonzero(~weight_blank & (sum_weight != 0) & (np.abs(sum_weight - 100) > 1e-9))
    for i in off_100:
        issues.append(Issue(files[i], sheets[i], "", WARNING,
                            f"the weights sum to {sum_weight[i]:g}, not 100; the KPI value divides by "
                            f"{sum_weight[i]:g}"))

    starts = np.concatenate(([0], np.cumsum(counts)))
    for i in np.flatnonzero(card_blank):
        rows = starts[i] + np.flatnonzero(blank_actual[starts[i]:starts[i + 1]])
        cells = ", ".join(cell(int(r), "actual") for r in rows[:10]) + (", ..." if rows.size > 10 else "")
        if not_started[i]:
            message = (f"none of the {counts[i]} actuals is reported yet ({cells}): the scorecard is not "
                       "started and gets no KPI value, level or bonus until they are typed in")
        else:
            message = (f"{rows.size} of {counts[i]} actuals not yet reported ({cells}); they count as 0 "
                       "and the scorecard is incomplete")
        issues.append(Issue(files[i], sheets[i], cell(int(rows[0]), "actual"), INFO, message))

    _compare_cached_rows(cards, card_of_row, scores, finals, issues, cell)
    _compare_cached_results(cards, kpi, sum_final, levels, issues)

    summary = pd.DataFrame({key: cards.header(key) for key in HEADER_KEYS})
    summary["kpi_value"] = kpi
    summary["level"] = levels
    summary["status"] = status
    summary["file"] = cards.files
    summary["sheet"] = cards.sheets
    summary["kind"] = cards.kinds

    status_code = np.where(row_error, 2, np.where(np.isnan(actual), 1, 0)).astype(np.int8)
    row_status = pd.Categorical.from_codes(status_code, categories=pd.Index(ROW_STATUSES, dtype=object))
    cells = _cells(cards, card_of_row, sheet_rows)
    details = pd.DataFrame({
        "card": card_of_row,
        "kra": _category(cards.codes("kra"), cards.texts),
        "indicator": _category(cards.codes("indicator"), cards.texts),
        "unit": _category(cards.codes("unit"), cards.texts),
        "direction": _category(cards.codes("direction"), cards.texts),
        "weight": weight,
        "target": target,
        "tolerance": tolerance,
        "due": due,
        "actual": actual,
        "score": scores,
        "final": finals,
        "row_status": row_status,
        "cell": cells,
    }, copy=False)  # the store's own arrays, not copies
    del weight, target, actual, tolerance, due, bad, direction, numbers
    cards.release_rows()  # the details table holds the KPI rows from here on
    return summary, details


# A KPI row's status on the Details sheet (the codes of its categorical column).
ROW_STATUSES = ("ok", "blank", "error")


def _category(codes: np.ndarray, texts: list[str]) -> pd.Categorical:
    """A text column of the KPI rows as a pandas categorical: each text once, a small code a row (1 or
    2 bytes instead of an 8-byte reference: the details of 100,000 scorecards have 700,000 rows)."""
    used, inverse = np.unique(codes, return_inverse=True)
    return pd.Categorical.from_codes(inverse.reshape(-1),
                                     categories=pd.Index(np.asarray(texts, dtype=object)[used], dtype=object))


def _cells(cards: Scorecards, card_of_row: np.ndarray, sheet_rows: np.ndarray) -> pd.Categorical:
    """Each KPI row's actual cell ("J11"), as a categorical (a generated scorecard's rows are in the
    same cells on every scorecard)."""
    code = cards.text_code
    letters = [cards.columns_of(i).get("actual", "") for i in range(len(cards))]
    codes = np.fromiter((code(f"{letters[c]}{r}" if letters[c] else "") for c, r in zip(card_of_row.tolist(),
                        sheet_rows.tolist())), dtype=np.int32, count=card_of_row.size)
    return _category(codes, cards.texts)


def _out_of_range(cards: Scorecards, card_of_row: np.ndarray, sheet_rows: np.ndarray,
                  issues: list[Issue], columns: dict[str, np.ndarray]) -> np.ndarray:
    """Rows with a number no KPI has (over `LARGEST_NUMBER`, or a target closer to 0 than
    `SMALLEST_TARGET`): an error naming the cell, and the row is not scored (it counts as 0). The
    column in `columns` is replaced by one where that number is NaN."""
    out = np.zeros(card_of_row.size, dtype=bool)
    with np.errstate(invalid="ignore"):
        for key, values in columns.items():
            huge = np.abs(values) > LARGEST_NUMBER
            tiny = (np.abs(values) < SMALLEST_TARGET) & (values != 0) if key == "target" else False
            for row in np.flatnonzero(huge | tiny):
                i = card_of_row[row]
                letter = cards.columns_of(i).get(key, "")
                issues.append(Issue(cards.files[i], cards.sheets[i], f"{letter}{sheet_rows[row]}" if letter else "",
                                    ERROR,
                                    f"the {key} {values[row]:g} is out of range for a KPI (a damaged cell?); "
                                    "type the real number: this KPI row counts as 0 until it is fixed"))
            wrong = huge | tiny
            out |= wrong
            if wrong.any():  # the columns are the store's, read-only: a new one only when something is out
                columns[key] = np.where(wrong, np.nan, values)  # as the reader leaves a cell it could not read
    return out


def _differs(cached: np.ndarray, ours: np.ndarray) -> np.ndarray:
    """Cached results that disagree with ours. A percent-formatted cell (1.25 for 125 %) agrees."""
    with np.errstate(invalid="ignore"):
        present = ~np.isnan(cached)
        ours0 = np.nan_to_num(ours, nan=0.0)  # a formula over a blank actual shows 0
        same = (np.abs(cached - ours0) <= CACHED_TOLERANCE) | (np.abs(cached * 100 - ours0) <= CACHED_TOLERANCE)
    return present & ~same


def _compare_cached_rows(cards: Scorecards, card_of_row, scores, finals, issues, cell) -> None:
    for key, cached_name, ours in (("score", "cached_score", scores), ("final", "cached_final", finals)):
        cached = cards.column(cached_name)
        for row in np.flatnonzero(_differs(cached, ours)):
            i = card_of_row[row]
            mine = "blank" if math.isnan(ours[row]) else f"{ours[row]:.2f}"
            issues.append(Issue(cards.files[i], cards.sheets[i], cell(row, key), WARNING,
                                f"the {key} in the file is {cached[row]:g} but computes to {mine}: "
                                "formula overwritten by hand? The summary uses the computed value"))


def _compare_cached_results(cards: Scorecards, kpi, sum_final, levels, issues) -> None:
    # The final rating's cached cell is compared by kpi_xl.rollup.rating, against the final rating.
    owner, whats, cells, values = cards.cached_results()
    what = np.asarray(whats, dtype=object)
    is_level = what == "level"
    is_value = what == "kpi_value"
    # Every cached KPI value and total of the run at once; a level against the policy's.
    ours = np.where(is_value, kpi[owner], sum_final[owner]) if owner.size else np.zeros(0)
    with np.errstate(invalid="ignore"):
        wrong = np.where(is_level, (levels[owner] != 0) & (values != levels[owner]),
                         _differs(values, ours) & ~np.isnan(ours)) & (what != "final_rating")
    for k in np.flatnonzero(wrong):
        i = owner[k]
        if is_level[k]:
            issues.append(Issue(cards.files[i], cards.sheets[i], cells[k], WARNING,
                                f"the level in the file is {values[k]:g} but the policy gives "
                                f"{levels[i]}: formula overwritten by hand, or another policy?"))
            continue
        mine = float(ours[k])
        said = "KPI value" if is_value[k] else "total of the final scores"
        issues.append(Issue(cards.files[i], cards.sheets[i], cells[k], WARNING,
                            f"the {said} in the file is {values[k]:g} but computes to {mine:.2f}: "
                            "formula overwritten by hand? The summary uses the computed value"))
