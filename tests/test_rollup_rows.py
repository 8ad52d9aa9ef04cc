"""A generated scorecard's KPI rows read two ways give the same rows and the same issues: the plain row
(`CellReader.add_plain_row`, the common row of floats and known words) and every other row
(`CellReader.add_row`, which reads text numbers, blanks, error values, milestones...).

Each case is one KPI row's cells as python-calamine gives them, with the sheet's error cells. The sheet
is read with its plain rows taken by `add_plain_row` and again with every row read by `add_row`; the
scorecards and issues must be the same. `plain` says whether `add_plain_row` takes the row, so that the
table covers both sides; a row it does not take must leave no trace (nothing appended, nothing said).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any

import pytest

from kpi_xl import contract as c
from kpi_xl.io.preflight import DEFAULT_LIMITS
from kpi_xl.rollup.model import KpiRows, WorkbookRead
from kpi_xl.rollup.read import SheetLayout, _read_generated_sheet
from kpi_xl.rollup.rows import PLAIN_FIELDS, CellReader

# The generator's layout: header in C4:C7 and I4:I6, the KPI table in B11:L12 (two rows: the case, then
# a plain row, so that the order of issues across rows counts too), results below.
COLUMNS = {c.KPI_KRA: 1, c.KPI_INDICATOR: 2, c.KPI_UNIT: 3, c.KPI_DIRECTION: 4, c.KPI_WEIGHT: 5, c.KPI_TARGET: 6,
           c.KPI_TOLERANCE: 7, c.KPI_DUE: 8, c.KPI_ACTUAL: 9, c.KPI_SCORE: 10, c.KPI_FINAL: 11}
HEADER = {c.EMPLOYEE_NAME: (3, 2), c.EMPLOYEE_ID: (4, 2), c.DEPARTMENT: (5, 2), c.SUPERVISOR: (6, 2),
          c.ROLE: (3, 8), c.ROLE_ID: (4, 8), c.PERIOD: (5, 8)}
NAMES = {**{n: ("Scorecard", 10, col, 11, col) for n, col in COLUMNS.items()},
         **{n: ("Scorecard", r, col, r, col) for n, (r, col) in HEADER.items()},
         c.KPI_VALUE: ("Scorecard", 19, 2, 19, 2), c.TOTAL_FINAL: ("Scorecard", 17, 11, 17, 11),
         c.LEVEL: ("Scorecard", 20, 2, 20, 2)}
LAYOUT = SheetLayout.of(NAMES)
EVERY_ROW_BY_ADD_ROW = dataclasses.replace(LAYOUT, plain=None)

PLAIN = {"kra": "Sales", "indicator": "revenue", "unit": "Rp", "direction": "higher", "weight": 15.0,
         "target": 40.0, "tolerance": "", "due": "", "actual": 48.25, "score": 120.625, "final": 18.09375}
LONG = "x" * (DEFAULT_LIMITS.max_text + 5)

# (id, the case row's cells over PLAIN, the sheet's error cells, taken by add_plain_row)
CASES = [
    ("plain", {}, {}, True),
    ("kra of a merged cell below its first row", {"kra": ""}, {}, True),
    ("direction in Indonesian", {"direction": "Naik"}, {}, True),
    ("direction with spaces and case", {"direction": "  Lower "}, {}, True),
    ("direction blank", {"direction": ""}, {}, True),
    ("range with a tolerance", {"direction": "range", "tolerance": 5.0}, {}, True),
    ("milestone done by a date", {"direction": "milestone", "target": 1.0, "due": 46112.0, "actual": 1.0}, {}, True),
    ("milestone exempt from mixed percent", {"direction": "milestone", "target": 0.25, "actual": 22.0}, {}, True),
    ("negative target and actual", {"direction": "lower", "target": -5.0, "actual": -3.5}, {}, True),
    ("indicator cut", {"indicator": LONG}, {}, True),
    ("indicator and unit cut, in that order", {"indicator": LONG, "unit": LONG + "u"}, {}, True),
    ("kra cut", {"kra": LONG}, {}, True),
    ("indicator with a control character", {"indicator": "a\x00b"}, {}, True),
    ("unit typed as a number", {"unit": 1.0}, {}, True),
    ("indicator a date", {"indicator": dt.datetime(2026, 3, 31)}, {}, True),
    ("cached results text and infinite", {"score": "#N/A", "final": math.inf}, {}, True),
    ("cached results ints", {"score": 120, "final": 18}, {}, True),
    ("weight as text", {"weight": "15"}, {}, False),
    ("target with thousands separators", {"target": "1.500.000"}, {}, False),
    ("actual with a decimal comma", {"actual": "48,25"}, {}, False),
    ("actual as a percent", {"actual": "22%"}, {}, False),
    ("actual ambiguous", {"actual": "1.500"}, {}, False),
    ("actual not a number", {"actual": "abc"}, {}, False),
    ("actual an int", {"actual": 48}, {}, False),
    ("actual a bool", {"actual": True}, {}, False),
    ("actual blank", {"actual": ""}, {}, False),
    ("actual spaces", {"actual": "  "}, {}, False),
    ("actual infinite", {"actual": math.inf}, {}, False),
    ("target NaN", {"target": math.nan}, {}, False),
    ("weight 0", {"weight": 0.0}, {}, False),
    ("weight below 0", {"weight": -5.0}, {}, False),
    ("weight blank", {"weight": ""}, {}, False),
    ("weight, target and actual blank", {"weight": "", "target": "", "actual": ""}, {}, False),
    ("blank row", {"kra": "", "indicator": "", "unit": "", "direction": "", "weight": "", "target": "",
                   "actual": "", "score": "", "final": ""}, {}, False),
    ("tolerance as text", {"direction": "range", "tolerance": "5"}, {}, False),
    ("tolerance spaces", {"tolerance": " "}, {}, False),
    ("tolerance not a number", {"tolerance": "abc"}, {}, False),
    ("tolerance infinite", {"tolerance": -math.inf}, {}, False),
    ("due date infinite", {"due": math.inf}, {}, False),
    ("due date a date", {"direction": "milestone", "target": 1.0, "due": dt.datetime(2026, 3, 31), "actual": 1.0},
     {}, False),
    ("due date as text", {"direction": "milestone", "due": "2026-03-31"}, {}, False),
    ("milestone done as a word", {"direction": "milestone", "target": 1.0, "actual": "selesai"}, {}, False),
    ("milestone refused", {"direction": "milestone", "target": 1.0, "actual": "maybe"}, {}, False),
    ("direction unknown", {"direction": "sideways"}, {}, False),
    ("direction a number", {"direction": 1.0}, {}, False),
    ("direction None", {"direction": None}, {}, False),
    ("percentage typed two ways", {"target": 0.25, "actual": 22.0}, {}, False),
    ("percentage typed two ways, actual the fraction", {"target": 25.0, "actual": 0.22}, {}, False),
    ("error value in the actual", {"actual": ""}, {"J11": "#DIV/0!"}, False),
    ("error value in the weight, all blank", {"weight": "", "target": "", "actual": ""}, {"F11": "#N/A"}, False),
    ("error value in the tolerance", {"due": 46112.0}, {"H11": "#VALUE!"}, False),
    ("error value in the due date", {"tolerance": 5.0}, {"I11": "#REF!"}, False),
    ("error value in both", {}, {"H11": "#VALUE!", "I11": "#REF!"}, False),
    ("error value elsewhere on the sheet", {}, {"Z99": "#N/A"}, False),
    ("error value in a number read as a number", {}, {"F11": "#N/A"}, False),
    ("kra cut and actual refused, in that order", {"kra": LONG, "actual": "abc"}, {}, False),
]


class _Sheet:
    def __init__(self, grid: list[list[Any]]) -> None:
        self.grid = grid

    def to_python(self, skip_empty_area: bool = False, nrows: int | None = None) -> list[list[Any]]:
        return [list(row) for row in self.grid[:nrows]]


def _grid(case: dict[str, Any], width: int = 13) -> list[list[Any]]:
    grid = [[""] * 13 for _ in range(22)]
    for n, (r, col) in HEADER.items():
        grid[r][col] = f"{n} value"
    for r, cells in ((10, {**PLAIN, **case}), (11, {**PLAIN, "kra": "Service", "actual": 30.0})):
        grid[r][0] = float(r - 9)
        for key, col in LAYOUT.fields:
            grid[r][col] = cells[key]
    grid[19][2], grid[17][11], grid[20][2] = 109.5, 109.5, 4.0
    return [row[:width] for row in grid]


def _read(layout: SheetLayout, grid: list[list[Any]], errors: dict[str, str]) -> tuple[Any, list]:
    out = WorkbookRead("a.xlsx")
    card = _read_generated_sheet(out, "a.xlsx", "Scorecard", _Sheet(grid), layout, DEFAULT_LIMITS, dict(errors))
    return _plain(card), out.issues


def _plain(value: Any) -> Any:
    """A scorecard as comparable values: NaN as a word (NaN != NaN), dataclasses as dicts, types kept."""
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value):
        return type(value).__name__, {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return type(value).__name__, value


@pytest.mark.parametrize(("case", "errors", "plain"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_a_row_reads_the_same_whether_plain_or_not(case, errors, plain):
    grid = _grid(case)
    assert _read(LAYOUT, grid, errors) == _read(EVERY_ROW_BY_ADD_ROW, grid, errors)

    issues: list = []
    rows = KpiRows()
    reader = CellReader(issues, "a.xlsx", "Scorecard", errors=dict(errors))
    cells = tuple({**PLAIN, **case}[key] for key in PLAIN_FIELDS)
    assert reader.add_plain_row(rows, 11, LAYOUT.columns, cells, "Sales") is plain
    if not plain:
        assert not issues and _plain(rows) == _plain(KpiRows())


@pytest.mark.parametrize("width", [10, 11, 12])
def test_a_row_cut_short_is_read_by_add_row_the_same_way(width):
    # python-calamine's rows end at the sheet's last column; a sheet cut before the score columns reads
    # them as empty.
    grid = _grid({}, width=width)
    assert _read(LAYOUT, grid, {}) == _read(EVERY_ROW_BY_ADD_ROW, grid, {})


# A number as a float cell and as the text that `read_number` reads as the same number: the same row,
# the text's note aside.
@pytest.mark.parametrize(("field", "number", "text"), [
    ("weight", 15.0, "15"), ("weight", 15.0, " 15 "), ("target", 1_500_000.0, "1.500.000"),
    ("target", 40.0, "40"), ("actual", 48.25, "48,25"), ("actual", 22.0, "22%"), ("tolerance", 5.0, "5"),
])
def test_a_number_typed_as_text_gives_the_row_the_float_gives(field, number, text):
    (card, issues), (as_text, text_issues) = (_read(LAYOUT, _grid({field: v}), {}) for v in (number, text))
    assert card == as_text
    assert not issues and all(issue.severity == "info" for issue in text_issues)


def test_a_layout_without_every_plain_field_reads_every_row_by_add_row():
    names = {n: ref for n, ref in NAMES.items() if n != c.KPI_TOLERANCE}
    assert SheetLayout.of(names).plain is None and LAYOUT.plain is not None
