"""One table of inputs, every path: the same typed values give the same score, level and refusal in the
scoring core, the cell functions, `kpi-xl score`, the rollup of a hand-made sheet and of a generated
scorecard, and (tests marked `engine`) the native formulas recalculated by LibreOffice and Gnumeric.

A row is (id, actual, target, direction, tolerance, expected): `expected` is the score in percent, None for
a blank actual (no score), or a `Refused` with the words its message contains. Text values are typed as
HR types them: Indonesian and English thousands separators, decimal commas, percent signs, directions
in both languages.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from kpi_xl.cli import app
from kpi_xl.errors import KpiInputError
from kpi_xl.policy import default_policy
from kpi_xl.rollup import rollup
from kpi_xl.scoring import band_for, score
from kpi_xl.excel.udfs import KPI_BAND, KPI_LABEL, KPI_SCORE, KPI_VALUE

POLICY = default_policy()


@dataclass(frozen=True)
class Refused:
    words: str  # what the message says, in every path


DUE = dt.date(2026, 3, 31)

# id, actual, target, direction, tolerance, expected score
ROWS: list[tuple[str, Any, Any, Any, Any, Any]] = [
    ("plain", 50, 40, "higher", None, 125.0),
    ("text-id-thousands", "1.500.000", 1_000_000, "higher", None, 150.0),
    ("text-en-thousands", "1,500,000", 1_000_000, "higher", None, 150.0),
    ("text-decimal-comma", "22,5", 25, "higher", None, 90.0),
    ("text-percent", "22%", 25, "higher", None, 88.0),
    ("text-target", 22, "25", "higher", None, 88.0),
    ("text-spaces", " 40 ", 40, None, None, 100.0),
    ("zero-actual", 0, 40, "higher", None, 0.0),
    ("blank-actual", None, 40, "higher", None, None),
    ("lower", 8, 10, "lower", None, 120.0),
    ("lower-id", 8, 10, "turun", None, 120.0),
    ("higher-id", 50, 40, "naik", None, 125.0),
    ("higher-any-case", 50, 40, "Higher", None, 125.0),
    ("lower-zero-target", 0, 0, "lower", None, 100.0),
    ("within-in", 10.5, 10, "within", 1, 100.0),
    ("within-out-id", 13, 10, "rentang", 1, 80.0),
    ("milestone-ya", "ya", 1, "milestone", None, 100.0),
    ("milestone-belum", "belum", 1, "milestone", None, 0.0),
    ("milestone-id", "selesai", 1, "tonggak", None, 100.0),
    ("milestone-on-time", DUE - dt.timedelta(days=1), DUE, "milestone", None, 100.0),
    ("milestone-late", DUE + dt.timedelta(days=1), DUE, "milestone", None, 0.0),
    ("floor-at-zero", 25, 10, "lower", None, 0.0),
    ("refused-target-0", 50, 0, "higher", None, Refused("target is 0")),
    ("refused-ambiguous", "1,500", 1000, "higher", None, Refused("ambiguous")),
    ("refused-not-a-number", "abc", 40, "higher", None, Refused("not a number")),
    ("refused-direction", 50, 40, "sideways", None, Refused("is not one of higher")),
]
IDS = [row[0] for row in ROWS]


def _expect(got: Any, expected: Any) -> None:
    if expected is None:
        assert got is None or (isinstance(got, float) and math.isnan(got))
    else:
        assert got == pytest.approx(expected, abs=1e-9)


# --- the core and the cell functions -------------------------------------------------------------------


@pytest.mark.parametrize(("case", "actual", "target", "direction", "tolerance", "expected"), ROWS, ids=IDS)
def test_core(case, actual, target, direction, tolerance, expected):
    if isinstance(expected, Refused):
        with pytest.raises(KpiInputError, match=expected.words):
            score(actual, target, direction, tolerance, policy=POLICY)
    else:
        _expect(score(actual, target, direction, tolerance, policy=POLICY), expected)


def _as_excel(value: Any) -> Any:
    """A value as Excel hands it to a cell function: dates as serial numbers (Lite), ints as floats."""
    if isinstance(value, dt.date):
        return float((value - dt.date(1899, 12, 30)).days)
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


@pytest.mark.parametrize(("case", "actual", "target", "direction", "tolerance", "expected"), ROWS, ids=IDS)
def test_cell_function(case, actual, target, direction, tolerance, expected):
    args = [_as_excel(v) for v in (actual, target, direction, tolerance)]
    if isinstance(expected, Refused):
        with pytest.raises(KpiInputError, match=expected.words):
            KPI_SCORE(*args)
    else:
        _expect(KPI_SCORE(*args), expected)
        # The same row as a one-row scorecard: its KPI value is its score (a blank actual counts 0).
        assert KPI_VALUE([[100.0]], [[args[0]]], [[args[1]]], args[2], args[3]) == pytest.approx(expected or 0.0)


# --- kpi-xl score --------------------------------------------------------------------------------------


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return f'"{text}"' if "," in text else text


@pytest.mark.parametrize(("case", "actual", "target", "direction", "tolerance", "expected"), ROWS, ids=IDS)
def test_score_command(tmp_path, case, actual, target, direction, tolerance, expected):
    path = tmp_path / "kpis.csv"
    path.write_text("Bobot,Target,Realisasi,Arah,Toleransi\n"
                    + ",".join(_csv_cell(v) for v in (100, target, actual, direction, tolerance)) + "\n",
                    encoding="utf-8")
    result = CliRunner().invoke(app, ["score", str(path), "--csv"])
    if isinstance(expected, Refused):
        assert result.exit_code == 1
        assert expected.words in result.output
        assert "line 2" in result.output
        return
    assert result.exit_code == 0, result.output
    lines = list(csv.reader(result.output.strip().splitlines()))
    row = lines[1]
    if expected is None:
        assert row[4] == ""
    else:
        assert float(row[4]) == pytest.approx(expected, abs=1e-6)
    value = float(lines[-1][0])
    assert value == pytest.approx(expected or 0.0, abs=1e-6)


# --- the rollup of a hand-made sheet --------------------------------------------------------------------


@pytest.fixture(scope="module")
def handmade_rollup(tmp_path_factory):
    """All rows on one hand-made scorecard in Indonesian, rolled up; the row of each case by its indicator."""
    folder = tmp_path_factory.mktemp("cross") / "cards"
    folder.mkdir()
    wb = Workbook()
    ws = wb.active
    ws.title = "KPI"
    ws.append(["Nama", "Rina Dewi"])
    ws.append(["NIK", "E001"])
    ws.append([])
    ws.append(["Indikator (KPI)", "Bobot", "Target", "Realisasi", "Arah", "Toleransi"])
    for case, actual, target, direction, tolerance, _ in ROWS:
        ws.append([case, 1, target, actual, direction, tolerance])
    wb.save(folder / "rina.xlsx")
    result = rollup(folder, None)
    return result


@pytest.mark.parametrize(("case", "actual", "target", "direction", "tolerance", "expected"), ROWS, ids=IDS)
def test_rollup_of_a_handmade_sheet(handmade_rollup, case, actual, target, direction, tolerance, expected):
    details = handmade_rollup.tables.details
    row = details[details["indicator"] == case].iloc[0]
    if isinstance(expected, Refused):
        assert row["row_status"] == "error"
        assert math.isnan(row["score"])  # counts as 0 in the KPI value, like the native formulas
        cell = row["cell"]
        messages = [i.message for i in handmade_rollup.issues if i.cell and i.cell[1:] == cell[1:]]
        assert any(expected.words in m for m in messages), messages
    else:
        _expect(float(row["score"]), expected)


# --- bands: the KPI value's level at every edge, in every path -------------------------------------------

EDGES = [(0, 1), (70, 1), (70.000001, 2), (95, 2), (95.000001, 3), (105, 3), (105.000001, 4), (113.65, 4),
         (130, 4), (130.0000001, 4), (130.000001, 5), (1000, 5)]


@pytest.mark.parametrize(("value", "level"), EDGES)
def test_band_edges_in_the_core_and_the_cell_functions(value, level):
    assert band_for(value, policy=POLICY).level == level
    assert KPI_BAND(float(value)) == level
    assert KPI_LABEL(float(value), "ID") == POLICY.band_by_level(level).label("id")
    assert KPI_LABEL(float(value), "en") == POLICY.band_by_level(level).label("EN")


@pytest.mark.parametrize(("value", "level"), EDGES)
def test_band_edges_in_the_score_command(tmp_path, value, level):
    path = tmp_path / "kpis.csv"
    path.write_text(f"weight,target,actual\n100,100,{value}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["score", str(path), "--csv", "--lang", "ID"])
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1].split(",")
    assert int(last[1]) == level
    assert last[2] == POLICY.band_by_level(level).label("id")


def test_band_edges_in_the_rollup(tmp_path):
    folder = tmp_path / "cards"
    folder.mkdir()
    for i, (value, _) in enumerate(EDGES):
        wb = Workbook()
        ws = wb.active
        ws.append(["Employee ID", f"E{i:03}"])
        ws.append(["Indicator", "Weight", "Target", "Actual"])
        ws.append(["result", 100, 100, value])
        wb.save(folder / f"edge{i}.xlsx")
    summary = rollup(folder, None).summary.set_index("employee_id")
    assert [int(summary.loc[f"E{i:03}", "level"]) for i in range(len(EDGES))] == [lv for _, lv in EDGES]


def test_the_worked_example_is_113_65_level_4_in_every_path(tmp_path):
    weights = [15, 10, 10, 10, 20, 20, 15]
    actuals = [50, 1_500_000, 32, 6, 22, 21, 33]
    targets = [40, 1_000_000, 25, 5, 25, 20, 30]
    assert KPI_VALUE([[float(w)] for w in weights], [[float(a)] for a in actuals],
                     [[float(t)] for t in targets]) == 113.65
    path = tmp_path / "kpis.csv"
    path.write_text("weight,target,actual\n" + "".join(f"{w},{t},{a}\n" for w, t, a in zip(weights, targets, actuals)))
    last = CliRunner().invoke(app, ["score", str(path), "--csv"]).output.strip().splitlines()[-1].split(",")
    assert (float(last[0]), int(last[1])) == (113.65, 4)
    folder = tmp_path / "cards"
    folder.mkdir()
    wb = Workbook()
    ws = wb.active
    ws.append(["Indikator", "Bobot", "Target", "Aktual"])
    for w, t, a in zip(weights, targets, actuals):
        ws.append([f"kpi {w}-{t}", w, t, a])
    wb.save(folder / "golden.xlsx")
    row = rollup(folder, None).summary.iloc[0]
    assert (round(float(row["kpi_value"]), 2), int(row["level"])) == (113.65, 4)
