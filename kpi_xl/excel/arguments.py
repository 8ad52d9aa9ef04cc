"""How Excel hands a cell function its arguments, and how a result goes back: the shapes only.

Both runtimes deliver a range as a list of rows ([[50.0], [22.0]]); xlwings Lite unwraps a single cell
(50.0) and gives an empty one as the argument's default, the classic add-in keeps [[50.0]]; numpy
arrays come from Python callers. `one` finds the single value of any of these, `Cells` wraps a range,
`Rows` the KPI-row arguments of KPI_SCORE / KPI_VALUE; `result` and `shaped` give a flat result
back in the shape of the range it came from, blanks as None (NaN would be #NUM! in Lite).

No cell's value is read here: numbers, directions and dates are read by `kpi_xl.values`, the same
reading the core, the scorecards and the rollup use. A core error about row i is put in the
argument's terms with the cell's position ("actuals row 3: 'abc' is not a number").

>>> one([[50.0]]), one(50.0), one([[1.0], [2.0]]) is MANY
(50.0, 50.0, True)
>>> result(np.array([125.0, np.nan]), (2, 1))
[[125.0], [None]]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import KpiInputError
from ..values import number_column, parse_direction
from ..words import parse_lang

__all__ = ["MANY", "Cells", "Rows", "common_size", "first_problem", "located", "numbers", "one", "one_lang",
           "position", "refuse_blanks", "result", "result_shape", "shaped"]

MANY = object()  # marks a range of several cells


def one(value: Any) -> Any:
    """The value of a single cell, however it arrived (50.0, [50.0], [[50.0]]), or MANY."""
    kind = type(value)
    if kind is list or kind is tuple:
        if len(value) != 1:
            return MANY
        value = value[0]
        kind = type(value)
        if kind is list or kind is tuple:
            if len(value) != 1:
                return MANY
            value = value[0]
            if type(value) in (list, tuple):
                return MANY
    elif kind is np.ndarray:
        return value.item() if value.size == 1 else MANY
    return value


class Cells:
    """One argument as Excel delivered it: one value, a list (row or column) or a list of rows.

    `name` is the argument's name in messages ("actuals"); `core_name` the word the core's messages
    start with for the same value ("actual"), so a core message can be put in the argument's terms.
    """

    __slots__ = ("name", "core_name", "value", "shape", "size")

    def __init__(self, value: Any, name: str, core_name: str | None = None) -> None:
        self.name = name
        self.core_name = core_name or name
        self.value = value
        if isinstance(value, np.ndarray):
            if value.ndim > 2:
                raise KpiInputError(f"{name} has {value.ndim} dimensions; select rows and columns")
            self.shape: tuple[int, ...] = value.shape
        elif isinstance(value, (list, tuple)):
            if not value:
                raise KpiInputError(f"{name} is an empty range")
            first = value[0]
            self.shape = (len(value), len(first)) if isinstance(first, (list, tuple)) else (len(value),)
        else:
            self.shape = ()
        self.size = math.prod(self.shape)

    def column(self, n: int) -> Any:
        """The cells as the core's column functions take them: the range itself (a list of rows is
        read row by row, as numpy ravels it), or one cell repeated for each of the n rows."""
        if self.size == 1 and n != 1:
            return [one(self.value)] * n
        if isinstance(self.value, np.ndarray):
            return self.value.ravel()
        return self.value if self.shape else [self.value]

    def ragged(self) -> bool:
        """A list of rows whose rows differ in length (or that mixes rows and single values)."""
        if len(self.shape) < 2 or isinstance(self.value, np.ndarray):
            return False
        width = self.shape[1]
        return any(not isinstance(row, (list, tuple)) or len(row) != width for row in self.value)

    def refuse(self, i: int, error: KpiInputError) -> KpiInputError:
        """The core's message for the i-th cell, in the argument's terms, with the cell's position
        after the argument's name: "actual 'abc' is not a number" -> "actuals row 3: 'abc' is not a
        number"."""
        detail = error.detail
        rest = next((detail[len(p) + 1:] for p in (self.name, self.core_name) if detail.startswith(p + " ")),
                    None)
        if self.size == 1:
            return KpiInputError(detail if rest is None else f"{self.name} {rest}")
        where = position(self.shape, i)
        message = f"{self.name} {where}: {detail if rest is None else rest}"
        return KpiInputError(message, row=i, detail=detail)


def located(error: KpiInputError, *cells: Cells | None) -> KpiInputError:
    """A core error about row i, turned into one that names the argument and the cell's position."""
    given = [c for c in cells if c is not None]
    for c in given:
        if c.ragged():  # the core saw lists where cells should be
            return KpiInputError(f"{c.name}: its rows have different lengths")
    if error.row is None:
        return error
    for c in given:
        if error.detail == c.core_name or error.detail.startswith(c.core_name + " "):
            return c.refuse(error.row, error)
    return error


def position(shape: tuple[int, ...], i: int) -> str:
    """Where the i-th cell (row by row) sits in a range: "row 3", "column 2", "row 2, column 3"."""
    if len(shape) == 2 and shape[1] > 1:
        if shape[0] == 1:
            return f"column {i + 1}"
        r, c = divmod(i, shape[1])
        return f"row {r + 1}, column {c + 1}"
    return f"row {i + 1}"


def numbers(cells: Cells, n: int) -> np.ndarray:
    """An argument as n floats (NaN for blank) by the core's column converter; one cell is repeated."""
    try:
        values = number_column(cells.value.ravel() if isinstance(cells.value, np.ndarray) else cells.value,
                                  cells.name)
    except KpiInputError as e:
        raise located(e, cells) from None
    return values if values.size == n else np.full(n, values[0])


def common_size(*cells: Cells | None) -> int:
    """The common number of cells; single cells apply to every row."""
    ranges = [c for c in cells if c is not None and c.size != 1]
    for other in ranges[1:]:
        if other.size != ranges[0].size:
            raise KpiInputError(
                f"{ranges[0].name} has {ranges[0].size} values but {other.name} has {other.size}"
            )
    return ranges[0].size if ranges else 1


def result_shape(*cells: Cells | None) -> tuple[int, ...]:
    """The result's shape: that of the first argument that is a range."""
    return next((c.shape for c in cells if c is not None and c.size != 1), ())


def refuse_blanks(values: np.ndarray, name: str, shape: tuple[int, ...], where: np.ndarray) -> None:
    blank = np.flatnonzero(np.isnan(values) & where)
    if blank.size:
        raise KpiInputError(f"{name} {position(shape, int(blank[0]))} is blank")


def first_problem(problems: dict[int, str], shape: tuple[int, ...]) -> KpiInputError:
    row = min(problems)
    return KpiInputError(f"{position(shape, row)}: {problems[row]}", row=row, detail=problems[row])


def result(values: np.ndarray, shape: tuple[int, ...], blank: np.ndarray | None = None) -> Any:
    """A flat result in the shape of the argument it came from; blank (NaN) cells become None."""
    if blank is None:
        blank = np.isnan(values)
    out = values.reshape(shape).tolist()
    for i in np.flatnonzero(blank):
        if len(shape) == 2:
            r, c = divmod(int(i), shape[1])
            out[r][c] = None
        else:
            out[int(i)] = None
    return out


def shaped(values: Sequence[Any], shape: tuple[int, ...]) -> Any:
    """Flat values (texts, levels, None for blank) in the shape of the range they came from.

    >>> shaped(["Good", None, "Poor", "Good"], (2, 2))
    [['Good', None], ['Poor', 'Good']]
    """
    if len(shape) == 2:
        width = shape[1]
        return [list(values[r * width:(r + 1) * width]) for r in range(shape[0])]
    return list(values)



_CORE_NAMES = ("actual", "target", "direction", "tolerance", "due date")


class Rows:
    """The KPI-row arguments of KPI_SCORE / KPI_VALUE, shaped for one call into the core."""

    def __init__(self, values: Sequence[Any], names: Sequence[str], weight: Cells | None = None) -> None:
        self.cells = [None if v is None else Cells(v, name, core) for v, name, core in
                      zip(values, names, _CORE_NAMES)]
        every = (weight, *self.cells)
        self.n, self.shape = common_size(*every), result_shape(*every)
        self.every = every

    def arguments(self) -> tuple[Any, ...]:
        """actuals, targets, directions, tolerances, dues as the core takes them."""
        a, t, d, tol, due = self.cells
        n = self.n
        direction: Any = None
        if d is not None:
            single = one(d.value)
            # One direction for every row: parsed once here, so its message names no row.
            direction = parse_direction(single, d.name) if single is not MANY else d.column(n)
        return (a.column(n), t.column(n), direction,  # type: ignore[union-attr]
                None if tol is None else tol.column(n), None if due is None else due.column(n))

    def located(self, error: KpiInputError) -> KpiInputError:
        return located(error, *self.every)



def one_lang(lang: Any) -> str:
    value = one(lang)
    if value is MANY:
        raise KpiInputError("lang is a range: give one cell, en or id")
    return parse_lang(value)
