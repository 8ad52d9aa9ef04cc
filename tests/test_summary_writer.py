"""The summary's writer streams its big tables as sheet XML: the Periods sheet reads back as its table holds
it (values, formats, heights, the counts and chart under it) in both languages, and the writer's shortcuts
(row heights, rounding, shown paths, rows a block of columns at a time) give what the plain ways give."""

from __future__ import annotations

import math
import os
import random
import textwrap

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from rollup_helpers import one_kpi_card

from kpi_xl.rollup import rollup
from kpi_xl.rollup.layout import (
    PERCENT,
    FrameRows,
    _cleaned,
    _cleaned_floats,
    period_counts_rows,
    periods_sheet,
    shown_path,
    word,
)
from kpi_xl.rollup.summary import LINE_HEIGHT, _wrapped_lines, row_lines, wrapping
from kpi_xl.roster import Employee

FORMULA_NAME = '=HYPERLINK("http://x","y")'
# Names of every kind: one that wraps in its column, one a spreadsheet could take for a formula.
PEOPLE = {"E1": "Ana", "E2": "Budi Santoso Wijaya Kusumaatmaja", "E3": FORMULA_NAME, "E4": "Siti-Nur Aisyah"}
ACTUALS = {"E1": (90, 120), "E2": (110, 100), "E3": (100, 100.123456789), "E4": (60, 75)}


@pytest.fixture(scope="module", params=["en", "id"])
def periods_summary(request, tmp_path_factory):
    lang = request.param
    root = tmp_path_factory.mktemp(f"periods-{lang}")
    folders = []
    for q in (1, 2):
        folder = root / f"2026-Q{q}"
        for emp, name in PEOPLE.items():
            one_kpi_card(folder / f"{emp}.xlsx", ACTUALS[emp][q - 1], emp=emp, name=name)
        folders.append(folder)
    roster = [Employee(employee_id=e, name=n, department="Sales", supervisor="", role="", period="",
                       monthly_salary=10_000_000, potential="high", row=i + 2) for i, (e, n) in enumerate(PEOPLE.items())]
    out = root / "summary.xlsx"
    result = rollup(folders, out, lang=lang, roster=roster)
    return lang, result.tables, load_workbook(out)


def test_periods_sheet_reads_back_as_its_table(periods_summary):
    lang, tables, wb = periods_summary
    content = periods_sheet(tables.periods, lang)
    columns, rows = content.columns, list(content.rows)
    ws = wb[content.name]
    assert len(rows) == content.count == len(PEOPLE)
    assert [c.value for c in ws[1]] == [c.header(lang) for c in columns]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    assert [ws.column_dimensions[get_column_letter(i)].width for i in range(1, len(columns) + 1)] == \
        [c.width for c in columns]
    for r, values in enumerate(rows, 2):
        cells = ws[r][:len(columns)]
        assert [c.value for c in cells] == [None if v == "" else v for v in values]
        for cell, col, value in zip(cells, columns, values):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                whole = col.whole if col.whole and float(value).is_integer() else None
                assert cell.number_format == (whole or col.number_format or "General"), (cell.coordinate, value)
        lines = row_lines(values, columns, wrapping(columns))
        assert ws.row_dimensions[r].height == (LINE_HEIGHT * lines if lines > 1 else None)
    # The long name wraps (a taller row); the formula-like one stays text, aligned as its neighbours.
    names = {row[0]: r for r, row in enumerate(rows, 2)}
    assert ws.row_dimensions[names["E2"]].height > LINE_HEIGHT
    quoted, plain = ws.cell(names["E3"], 2), ws.cell(names["E1"], 2)
    assert quoted.value == FORMULA_NAME and quoted.data_type == "s" and quoted.quotePrefix
    assert (quoted.alignment.horizontal, quoted.alignment.indent) == (plain.alignment.horizontal, plain.alignment.indent)


def test_periods_counts_and_chart_under_the_table(periods_summary):
    lang, tables, wb = periods_summary
    ws = wb[periods_sheet(tables.periods, lang).name]
    top = len(PEOPLE) + 3  # header row, the table, a blank row
    assert all(c.value is None for c in ws[top - 1])
    assert ws.cell(top, 1).value == word("periods_counts", lang) and ws.cell(top, 1).font.b
    expected = period_counts_rows(tables.periods, lang)
    for r, values in enumerate(expected, top + 1):
        assert [c.value for c in ws[r][:len(values)]] == [None if v == "" else v for v in values]
    assert ws.row_dimensions[top + 1].height == 30
    average_row = top + len(expected)
    assert ws.cell(average_row, 3).number_format == PERCENT
    assert all(ws.row_dimensions[r].height >= 17 for r in range(top + 2, average_row + 1))
    (chart,) = ws._charts
    assert chart.anchor._from.row == average_row + 1  # "A{average_row + 2}", counted from 0
    assert chart.series[0].val.numRef.f.endswith(f"$C${average_row}:$D${average_row}")


@pytest.mark.parametrize("seed", range(4))
def test_wrapped_lines_are_textwraps(seed):
    rng = random.Random(seed)
    pieces = ["Employee", "000123", "a", "Budi", " ", " ", "  ", "-", "\t", "\u00a0", "é", "x" * 30, "\x1c"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        width = rng.randint(1, 30)
        assert _wrapped_lines.__wrapped__(text, width) == len(textwrap.wrap(text, width)), (text, width)


def test_floats_are_rounded_as_round_does():
    rng = np.random.default_rng(5)
    values = np.concatenate([rng.uniform(-1, 1, 20000) * 10.0 ** rng.integers(-8, 22, 20000),
                             [round(v, int(d)) for v, d in zip(rng.uniform(0, 1000, 20000), rng.integers(0, 9, 20000))],
                             [math.nan, math.inf, -math.inf, -0.0, 0.0, 2.675, 0.1 + 0.2, 96.50000000000001,
                              2.0 ** 33 - 0.5, 2.0 ** 33 + 0.5, 1e308, 5e-324]])
    got, want = _cleaned_floats(values), _cleaned(values.tolist())
    assert [repr(v) for v in got] == [repr(v) for v in want]


def test_shown_path_is_relpaths():
    rng = random.Random(7)
    parts = ["hr", "2025", "a.xlsx", "..", ".", "", "..b", "/"]
    for _ in range(20000):
        file = rng.choice(["/", "//", "/hr/", ""]) + "/".join(rng.choice(parts) for _ in range(rng.randint(0, 5)))
        base = rng.choice(["/hr", "/hr/2025", "/", "/hr/", "/hr/../hr", "//hr"])
        if not file:
            continue
        rel = os.path.relpath(os.path.abspath(file), base)
        assert shown_path(file, base) == (file if rel.startswith(os.pardir) else rel), (file, base)


def test_frame_rows_by_block_are_its_rows():
    frame = pd.DataFrame({"card": [0, 1, 1, 0], "x": [1.5, math.nan, 2.1234567891, 3.0],
                          "k": pd.Categorical(["a", "b", None, "a"]), "n": [1, 2, 3, 4]})
    by_card = pd.DataFrame({"name": ["Ana", "Budi"], "pay": [math.nan, 7.0]})
    rows = FrameRows(frame, ["k", "x", "name", "n", "pay"], {0: lambda v: v and v.upper()}, by_card=by_card)
    assert list(rows) == [["A", 1.5, "Ana", 1, None], ["B", None, "Budi", 2, 7.0],
                          [None, 2.123457, "Budi", 3, 7.0], ["A", 3.0, "Ana", 4, None]]
    assert [list(map(list, zip(*block))) for block in rows.blocks()] == [list(rows)]
