"""Turning one KPI row's cells into numbers, with an issue naming the cell for every value that is not one.

The same code serves generated and hand-made sheets, so a value reads the same way wherever it is.
Numbers that a cell stores as numbers pass straight through (the fast path: a generated scorecard is
nearly all floats); text goes through `kpi_xl.scoring.to_number`, whose message names the field.
"""

from __future__ import annotations

import math
from typing import Any

from ..errors import KpiInputError
from ..scoring import DIRECTIONS, milestone_actual, to_number
from .cells import text_of
from .labels import DIRECTION_WORDS, normalize
from .model import ERROR, WARNING, Issue, KpiRows

NAN = math.nan
_NUMBER_FIELDS = ("weight", "target", "tolerance", "due")
_DIRECTION_NAMES = frozenset(DIRECTIONS)


def _is_blank(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


class CellReader:
    """Reads KPI rows of one sheet into `KpiRows`, appending issues to `issues`."""

    def __init__(self, issues: list[Issue], file: str, sheet: str) -> None:
        self.issues = issues
        self.file = file
        self.sheet = sheet

    def _issue(self, cell: str, severity: str, message: str) -> None:
        self.issues.append(Issue(self.file, self.sheet, cell, severity, message))

    def _number(self, value: Any, name: str, cell: str, bad: list[bool]) -> float:
        kind = type(value)
        if kind is float:
            return value if math.isfinite(value) else self._refuse(value, name, cell, bad)
        if kind is int:
            return float(value)
        if _is_blank(value):
            return NAN
        try:
            number = to_number(value, name)
        except KpiInputError as e:
            self._issue(cell, ERROR, f"{e}; type a number in {cell}")
            bad[0] = True
            return NAN
        return NAN if number is None else number

    def _refuse(self, value: Any, name: str, cell: str, bad: list[bool]) -> float:
        self._issue(cell, ERROR, f"{name} {value!r} is not a finite number; type a number in {cell}")
        bad[0] = True
        return NAN

    def _direction(self, value: Any, cell: str, bad: list[bool]) -> str:
        if _is_blank(value):
            return "higher"
        if isinstance(value, str):
            word = normalize(value)
            if word in _DIRECTION_NAMES:
                return word
            if word in DIRECTION_WORDS:
                return DIRECTION_WORDS[word]
        self._issue(cell, ERROR, f"direction {text_of(value)!r} is not one of {', '.join(DIRECTIONS)}")
        bad[0] = True
        return "higher"

    def add_row(self, rows: KpiRows, sheet_row: int, columns: dict[str, str], values: dict[str, Any],
                kra: str) -> bool:
        """Append one KPI row; False when the row holds no KPI (a heading, a blank or a notes row)."""
        weight, target, actual = values.get("weight"), values.get("target"), values.get("actual")
        indicator = text_of(values.get("indicator"))
        if _is_blank(weight) and _is_blank(target) and _is_blank(actual):
            if indicator:
                self._issue(f"{columns.get('indicator', 'A')}{sheet_row}", WARNING,
                            f"indicator {indicator[:80]!r} has no weight, target or actual; it is not counted")
            return False

        def at(key: str) -> str:
            return f"{columns.get(key, '?')}{sheet_row}"

        bad = [False]
        direction = self._direction(values.get("direction"), at("direction"), bad)
        w = self._number(weight, "weight", at("weight"), bad)
        if _is_blank(weight):
            self._issue(at("weight"), ERROR, f"weight is blank; type the KPI's weight in {at('weight')}")
            bad[0] = True
        elif w < 0:
            self._issue(at("weight"), ERROR, f"weight {w:g} is below 0; weights are positive and sum to 100")
            bad[0] = True
        elif w == 0:
            self._issue(at("weight"), WARNING, "weight is 0: this KPI does not count in the KPI value")
        t = self._number(target, "target", at("target"), bad)
        tolerance = self._number(values.get("tolerance"), "tolerance", at("tolerance"), bad)
        due = self._number(values.get("due"), "due date", at("due"), bad)
        if direction == "milestone" and not (type(actual) is float or _is_blank(actual)):
            try:
                a = milestone_actual(actual)
                a = NAN if a is None else a
            except KpiInputError as e:
                self._issue(at("actual"), ERROR, f"{e}; type 1, yes/ya or the completion date in {at('actual')}")
                bad[0] = True
                a = NAN
        else:
            a = self._number(actual, "actual", at("actual"), bad)

        rows.kra.append(kra)
        rows.indicator.append(indicator)
        rows.unit.append(text_of(values.get("unit")))
        rows.direction.append(direction)
        rows.weight.append(w)
        rows.target.append(t)
        rows.tolerance.append(tolerance)
        rows.due.append(due)
        rows.actual.append(a)
        rows.cached_score.append(_cached(values.get("score")))
        rows.cached_final.append(_cached(values.get("final")))
        rows.row.append(sheet_row)
        rows.bad.append(bad[0])
        return True


def _cached(value: Any) -> float:
    """A formula's cached result as a number; text, errors and blanks give NaN (nothing to compare)."""
    if type(value) is float:
        return value if math.isfinite(value) else NAN
    if type(value) is int:
        return float(value)
    return NAN
