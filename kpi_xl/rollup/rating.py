"""The final rating of every scorecard, through the core: each scorecard's competency result
(`competency_score` over the supervisor's ratings), its attendance (`attendance_percent`) and the final
rating (`final_rating`) the policy's components weigh, recomputed from the ratings and days as read,
never taken from a cached cell. Adds what the rollup reports around it: a missing supervisor rating, a
rating off the scale, a self-rating far from the supervisor's, a FinalRating typed over its formula.

Without rating components in the policy nothing changes: the level stays the KPI value's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import KpiInputError
from ..policy import Policy
from ..scoring import (
    COMPLETE,
    ERROR,
    INCOMPLETE,
    NO_LEVEL,
    attendance_percent,
    competency_score,
    final_rating,
    levels_column,
)
from .model import ERROR as ERROR_ISSUE
from .model import WARNING, Issue, RawScorecard

# A cached final rating differing from ours by more than this (percent points) was typed over a formula.
CACHED_TOLERANCE = 0.005


def rate_all(cards: Sequence[RawScorecard], summary: pd.DataFrame, policy: Policy, issues: list[Issue]) -> None:
    """Add the final rating's columns to `summary` (one row per card, in `cards`' order), in place:
    competency (percent), attendance (percent), final_rating, kpi_level (the KPI value's own level), and
    `level` becomes the final rating's. A scorecard whose final rating is blank while its KPI rows are
    complete is incomplete (no bonus amount) until the ratings are typed in."""
    rating = policy.rating
    if rating is None:
        return
    weighs = dict(rating.weights)
    n = len(cards)
    competency = np.full(n, np.nan)
    attendance = np.full(n, np.nan)
    status = summary["status"].to_numpy(dtype=object).copy()
    refused = np.zeros(n, dtype=bool)
    for i, card in enumerate(cards):
        if "competencies" in weighs:
            competency[i], refused[i] = _competency(card, policy, issues)
        if "attendance" in weighs:
            attendance[i] = _attendance(card, issues)
    kpi = summary["kpi_value"].to_numpy(dtype=float)
    final = np.array([final_rating(None if math.isnan(k) else k, None if math.isnan(c) else c,
                                   None if math.isnan(a) else a, policy=policy)
                      for k, c, a in zip(kpi, competency, attendance)], dtype=float)
    status[refused & (status != ERROR)] = ERROR
    status[np.isnan(final) & (status == COMPLETE)] = INCOMPLETE
    _compare_cached(cards, final, issues)
    summary["kpi_level"] = summary["level"].to_numpy()
    levels = levels_column(final, policy=policy).astype(np.int64)
    levels[np.isin(status, NO_LEVEL)] = 0
    # The sheet the competency table is on, when not the scorecard's own (a generated Competencies
    # sheet): its issues count on the scorecard's row too.
    summary["rating_sheet"] = [card.competencies.sheet if card.competencies is not None else "" for card in cards]
    summary["competency"] = competency
    summary["attendance"] = attendance
    summary["final_rating"] = final
    summary["level"] = levels
    summary["status"] = status


def _competency(card: RawScorecard, policy: Policy, issues: list[Issue]) -> tuple[float, bool]:
    """(competency result, refused): NaN while a supervisor rating is missing; a rating off the scale
    is an error and makes the scorecard's status error."""
    rows = card.competencies
    scale = policy.rating
    if rows is None or not len(rows):
        issues.append(Issue(card.file, card.sheet, "", WARNING,
                            "no competency table found (Competency, Supervisor rating, Self rating, Weight): the "
                            "final rating stays blank and the scorecard gets no bonus until it is filled"))
        return math.nan, False
    sup = np.asarray(rows.supervisor, dtype=float)
    own = np.asarray(rows.self_rating, dtype=float)
    off = False
    for j in range(len(rows)):
        for value, cell, who in ((sup[j], rows.cells[j], "supervisor rating"), (own[j], rows.self_cells[j], "self-rating")):
            if not math.isnan(value) and not scale.low <= value <= scale.high:
                issues.append(Issue(card.file, rows.sheet, cell, ERROR_ISSUE,
                                    f"the {who} {value:g} of {rows.name[j]!r} is off the scale {scale.low} to "
                                    f"{scale.high}; type a rating from {scale.low} to {scale.high}"))
                off = off or who == "supervisor rating"
        if math.isnan(sup[j]):
            issues.append(Issue(card.file, rows.sheet, rows.cells[j], WARNING,
                                f"the supervisor rating of {rows.name[j]!r} is missing: the final rating stays "
                                "blank until the supervisor rates every competency"))
        elif not math.isnan(own[j]) and abs(own[j] - sup[j]) >= scale.self_gap:
            issues.append(Issue(card.file, rows.sheet, rows.self_cells[j], WARNING,
                                f"the self-rating {own[j]:g} of {rows.name[j]!r} is {abs(own[j] - sup[j]):g} from "
                                f"the supervisor's {sup[j]:g} (policy: a gap of {scale.self_gap:g} is worth a talk)"))
    if off:
        return math.nan, True
    if np.isnan(sup).any():
        return math.nan, False
    weights = np.asarray(rows.weight, dtype=float)
    if np.isnan(weights).all():
        weights = None  # the competencies count equally
    elif np.isnan(weights).any():
        issues.append(Issue(card.file, rows.sheet, "", WARNING,
                            "some competencies have a weight and some none: the ones without count 0"))
        weights = np.nan_to_num(weights, nan=0.0)
    try:
        return competency_score(sup, weights, policy=policy), False
    except KpiInputError as e:
        issues.append(Issue(card.file, rows.sheet, "", ERROR_ISSUE, f"the competency result cannot be computed: {e}"))
        return math.nan, True


def _attendance(card: RawScorecard, issues: list[Issue]) -> float:
    days = card.attendance
    if days is None or any(math.isnan(d) for d in days):
        issues.append(Issue(card.file, card.sheet, "", WARNING,
                            "the attendance days (days present, working days) are blank: the final rating stays "
                            "blank until they are typed in"))
        return math.nan
    try:
        value = attendance_percent(*days)
    except KpiInputError as e:
        issues.append(Issue(card.file, card.sheet, "", ERROR_ISSUE, f"attendance: {e}"))
        return math.nan
    return math.nan if value is None else value


def _compare_cached(cards: Sequence[RawScorecard], final: np.ndarray, issues: list[Issue]) -> None:
    for i, card in enumerate(cards):
        for cached in card.cached:
            if cached.what != "final_rating" or math.isnan(final[i]):
                continue
            if abs(cached.value - final[i]) > CACHED_TOLERANCE and abs(cached.value * 100 - final[i]) > CACHED_TOLERANCE:
                issues.append(Issue(card.file, card.sheet, cached.cell, WARNING,
                                    f"the final rating in the file is {cached.value:g} but computes to "
                                    f"{final[i]:.2f}: formula overwritten by hand? The summary uses the computed value"))
