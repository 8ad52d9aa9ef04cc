"""Turning one KPI row's cells into numbers and text, with an issue naming the cell for every value that
is not what it should be.

The same code serves generated and hand-made sheets, so a value reads the same way wherever it is.
Numbers that a cell stores as numbers pass straight through (the fast path: a generated scorecard is
nearly all floats); text in a number cell goes through `kpi_xl.values.read_number`, which reads it only
when it is unambiguous ("1.500.000", "22%", "113,65": an info issue says how) and refuses the rest
("abc", "1.500": an error issue), never guessing. A cell whose value is an error (#DIV/0!, #N/A), which
python-calamine gives as a blank, is an error too: preflight found those cells in the sheet's XML.
A row whose target and actual are one percentage typed two ways (0.25 and 22) is flagged and not
scored. Text longer than `Limits.max_text` is cut for the summary, with a warning.
"""

from __future__ import annotations

import math
from typing import Any

from ..errors import KpiInputError
from ..io.preflight import DEFAULT_LIMITS
from ..io.text import safe_text, text_cut_message
from ..values import cell_text as text_of
from ..values import (
    is_blank,
    is_milestone_word,
    milestone_actual,
    mixed_percent,
    mixed_percent_message,
    parse_direction,
    read_number,
)
from .model import ERROR, INFO, WARNING, Issue, KpiRows

NAN = math.nan
INF = math.inf

# The cells `CellReader.add_plain_row` takes, in its order.
PLAIN_FIELDS = ("indicator", "unit", "direction", "weight", "target", "tolerance", "due", "actual", "score", "final")


def _name(where: str | tuple[str, int]) -> str:
    """A cell's name from where a value sits: its name ("H12"), or (column letters, row), joined only
    when a message needs it (a generated scorecard's rows are nearly all numbers, and need none)."""
    return where if type(where) is str else f"{where[0]}{where[1]}"


class CellReader:
    """Reads KPI rows of one sheet into `KpiRows`, appending issues to `issues`.

    `errors`: the sheet's cells holding an error value (cell -> "#DIV/0!"), from preflight.
    `max_text`: characters of one text kept; longer text is cut, with a warning naming the cell.
    """

    def __init__(self, issues: list[Issue], file: str, sheet: str, *, errors: dict[str, str] | None = None,
                 max_text: int = DEFAULT_LIMITS.max_text) -> None:
        self.issues = issues
        self.file = file
        self.sheet = sheet
        self.errors = errors or {}
        self.max_text = max_text

    def _issue(self, cell: str | tuple[str, int], severity: str, message: str) -> None:
        self.issues.append(Issue(self.file, self.sheet, _name(cell), severity, message))

    def text(self, value: Any, what: str, cell: str | tuple[str, int]) -> str:
        """A cell as text for the summary: cut to `max_text` characters (with a warning), characters an
        .xlsx cannot hold replaced (`kpi_xl.io.text.safe_text`)."""
        text = text_of(value)
        if len(text) <= self.max_text and text.isprintable():
            return text
        message = text_cut_message(text, what, self.max_text)
        if message is not None:
            self._issue(cell, WARNING, message)
        return safe_text(text, self.max_text)

    def number(self, value: Any, name: str, cell: str) -> float:
        """A cell as a number (NaN when blank or unreadable; an unreadable one is an error issue), read
        as a KPI row's numbers are (a competency rating, attendance days)."""
        return self._number(value, name, cell, [False])

    def _number(self, value: Any, name: str, where: str | tuple[str, int], bad: list[bool],
                milestone: bool = False) -> float:
        kind = type(value)
        if kind is float:
            return value if math.isfinite(value) else self._refuse(value, name, _name(where), bad)
        if kind is int:
            return float(value)
        if is_blank(value):
            if self.errors and _name(where) in self.errors:
                self._error_value(name, _name(where), bad)
            return NAN
        cell = _name(where)
        number, note = read_number(value, name)
        if number is None:
            if note is None:
                return NAN
            if milestone:
                note = note.replace(": type a number", ": type 1, yes/ya or the completion date")
            self._issue(cell, ERROR, f"{note} in {cell}")
            bad[0] = True
            return NAN
        if note is not None:
            self._issue(cell, INFO, note)
        return number

    def _error_value(self, name: str, cell: str, bad: list[bool]) -> None:
        shown = self.errors.get(cell) or "an error value"
        self._issue(cell, ERROR, f"{name} in {cell} shows {shown} (a formula that fails, or a value pasted "
                                 f"with its error): type the {name} as a number in {cell}")
        bad[0] = True

    def _refuse(self, value: Any, name: str, cell: str, bad: list[bool]) -> float:
        self._issue(cell, ERROR, f"{name} {value!r} is not a finite number; type a number in {cell}")
        bad[0] = True
        return NAN

    def _direction(self, value: Any, where: str | tuple[str, int], bad: list[bool]) -> str:
        try:
            return parse_direction(value)
        except KpiInputError as e:
            self._issue(where, ERROR, f"{e} in {_name(where)}")
            bad[0] = True
            return "higher"

    def add_row(self, rows: KpiRows, sheet_row: int, columns: dict[str, str], values: dict[str, Any],
                kra: str) -> bool:
        """Append one KPI row; False when the row holds no KPI (a heading, a blank or a notes row)."""
        get = values.get
        weight, target, actual = get("weight"), get("target"), get("actual")

        def at(key: str) -> tuple[str, int]:
            return columns.get(key, "?"), sheet_row

        if is_blank(weight) and is_blank(target) and is_blank(actual) and not (
                self.errors and any(_name(at(k)) in self.errors for k in ("weight", "target", "actual"))):
            indicator = text_of(get("indicator"))
            if indicator:
                self._issue(at("indicator") if "indicator" in columns else f"A{sheet_row}", WARNING,
                            f"indicator {safe_text(indicator, 80)!r} has no weight, target or actual; "
                            "it is not counted")
            return False
        indicator = self.text(get("indicator"), "indicator", at("indicator"))

        bad = [False]
        direction = self._direction(get("direction"), at("direction"), bad)
        number = self._number
        # A finite float (nearly every cell of a generated scorecard) is its own number: taken as it is,
        # without the call that reads any other value.
        w = weight if type(weight) is float and weight - weight == 0 else number(weight, "weight", at("weight"), bad)
        if math.isnan(w) and is_blank(weight) and _name(at("weight")) not in self.errors:
            self._issue(at("weight"), ERROR, f"weight is blank; type the KPI's weight in {_name(at('weight'))}")
            bad[0] = True
        elif w < 0:
            # Refused like a blank weight (the scorer gives the scorecard no KPI value), as the core does.
            self._issue(at("weight"), ERROR, f"weight {w:g} is below 0; weights are positive and sum to 100: "
                                             f"type the KPI's weight in {_name(at('weight'))}")
            bad[0] = True
        elif w == 0:
            self._issue(at("weight"), WARNING, "weight is 0: this KPI does not count in the KPI value")
        t = target if type(target) is float and target - target == 0 else number(target, "target", at("target"), bad)
        tolerance, due = get("tolerance"), get("due")
        tolerance = tolerance if type(tolerance) is float and tolerance - tolerance == 0 else \
            number(tolerance, "tolerance", at("tolerance"), bad)
        due = due if type(due) is float and due - due == 0 else number(due, "due date", at("due"), bad)
        if direction == "milestone" and is_milestone_word(actual):
            a = milestone_actual(actual)  # yes/ya/selesai: 1, no/belum: 0
        elif type(actual) is float and actual - actual == 0:
            a = actual
        else:
            a = number(actual, "actual", at("actual"), bad, milestone=direction == "milestone")
        if direction != "milestone" and not bad[0]:
            # A percentage typed two ways (target 0.25 from a % cell, actual 22) is not scored: which
            # way was meant cannot be told, and scoring it as typed gives 8800 %.
            side = mixed_percent(t, a)
            if side is not None:
                cell = _name(at(side))
                self._issue(cell, ERROR, mixed_percent_message(t, a, cell))
                bad[0] = True

        unit = self.text(get("unit"), "unit", at("unit")) if "unit" in values else ""
        _append(rows, kra, indicator, unit, direction, w, t, tolerance, due, a, _cached(get("score")),
                _cached(get("final")), sheet_row, bad[0])
        return True

    def add_plain_row(self, rows: KpiRows, sheet_row: int, columns: dict[str, str], cells: tuple[Any, ...],
                      kra: str) -> bool:
        """`add_row` for the row nearly every generated scorecard is made of, without its per-cell calls:
        weight (above 0), target and actual finite numbers, tolerance and due date finite numbers or
        empty (and no error value on the sheet), a direction typed as text that `parse_direction` reads,
        and not one percentage typed two ways. `cells` are the row's `PLAIN_FIELDS`; `columns` names
        them all. Any other row gives False, with nothing appended and nothing said: `add_row` reads
        it, and gives its issues. A plain row appended here is what `add_row` appends for it, with its
        issues (text cut), in the same order."""
        indicator, unit, direction, weight, target, tolerance, due, actual, score, final = cells
        # Chained comparisons: False for NaN and the infinities alike.
        if not (type(weight) is float and type(target) is float and type(actual) is float
                and 0 < weight < INF and -INF < target < INF and -INF < actual < INF
                and type(direction) is str):
            return False
        if not (type(tolerance) is float and -INF < tolerance < INF):
            if tolerance != "" or self.errors:
                return False
            tolerance = NAN  # an empty cell; with error cells on the sheet `add_row` looks whether it is one
        if not (type(due) is float and -INF < due < INF):
            if due != "" or self.errors:
                return False
            due = NAN
        try:
            direction = parse_direction(direction)
        except KpiInputError:
            return False
        if direction != "milestone" and mixed_percent(target, actual) is not None:
            return False
        indicator = self.text(indicator, "indicator", (columns["indicator"], sheet_row))
        unit = self.text(unit, "unit", (columns["unit"], sheet_row))
        _append(rows, kra, indicator, unit, direction, weight, target, tolerance, due, actual, _cached(score),
                _cached(final), sheet_row, False)
        return True


def _append(rows: KpiRows, kra: str, indicator: str, unit: str, direction: str, weight: float, target: float,
            tolerance: float, due: float, actual: float, score: float, final: float, sheet_row: int,
            bad: bool) -> None:
    rows.kra.append(kra)
    rows.indicator.append(indicator)
    rows.unit.append(unit)
    rows.direction.append(direction)
    rows.weight.append(weight)
    rows.target.append(target)
    rows.tolerance.append(tolerance)
    rows.due.append(due)
    rows.actual.append(actual)
    rows.cached_score.append(score)
    rows.cached_final.append(final)
    rows.row.append(sheet_row)
    rows.bad.append(bad)


def _cached(value: Any) -> float:
    """A formula's cached result as a number; text, errors and blanks give NaN (nothing to compare)."""
    if type(value) is float:
        return value if math.isfinite(value) else NAN
    if type(value) is int:
        return float(value)
    return NAN
