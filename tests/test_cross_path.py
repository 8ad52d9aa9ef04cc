"""One table of inputs, every path: the same typed values give the same score, level and refusal in the
scoring core, the cell functions (called directly and through xlwings' own Office.js call machinery),
`kpi-xl score`, the rollup of a hand-made sheet, generated scorecards (native formulas recalculated by
LibreOffice and by Gnumeric, udf formulas evaluated here) and the rollup of those scorecards.

A row is (id, actual, target, direction, tolerance, expected): `expected` is the core's score in percent,
None for a blank actual (no score), or a `Refused` with the words its message contains. Text values are
typed as HR types them: Indonesian and English thousands separators, decimal commas, percent signs,
directions in both languages. Where a path differs from the core, the row says so for that path:
`native` holds the native formulas' documented difference (`SheetSays`), `scorecard` why a generated
scorecard cannot hold the row at all (`NotApplicable`). Every other row gives the core's result on every
path.

Generated scorecards: one role with one KPI per row (the row's direction as the core reads the word;
weights shared out to 100), the row's actual, target, tolerance and direction word typed into its cells
as HR types them (text stays text, dates stay dates); a milestone's due date is the row's target. Tests
taking an engine are marked `engine`.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from engines import recalculate_gnumeric, recalculate_libreoffice
from lite import cell, run_lite
from openpyxl import Workbook
from typer.testing import CliRunner

from kpi_xl import contract as C
from kpi_xl.cli import app
from kpi_xl.errors import KpiInputError
from kpi_xl.excel.udfs import KPI_BAND, KPI_LABEL, KPI_SCORE, KPI_VALUE
from kpi_xl.policy import default_policy
from kpi_xl.roles import Role, check_role, role_from_dict
from kpi_xl.roles.checks import ERROR
from kpi_xl.rollup import rollup
from kpi_xl.roster import Employee
from kpi_xl.scorecard import LABELS, build_scorecard
from kpi_xl.scoring import band_for, score, score_scorecard
from kpi_xl.values import parse_direction, read_number

POLICY = default_policy()


@dataclass(frozen=True)
class Refused:
    words: str  # what the message says, in every path that gives the core's message
    sheet: str | None = None  # the native formulas' words: a LABELS key (None: no scorecard holds the row)


@dataclass(frozen=True)
class SheetSays:
    """The native formulas' documented difference: text the core reads only by a rule its note names
    (thousands separators, a decimal comma, a percent or currency sign) is beyond plain formulas. The
    score cell says these words (a LABELS key), never a different number, and the row counts 0."""

    message: str


@dataclass(frozen=True)
class NotApplicable:
    """A row no generated scorecard can hold: its target or direction comes from the role."""

    reason: str


@dataclass(frozen=True)
class Row:
    case: str
    actual: Any
    target: Any
    direction: Any
    tolerance: Any
    expected: Any  # the core's score in percent; None: blank; Refused
    native: SheetSays | None = None  # native formulas (LibreOffice, Gnumeric), where they differ
    scorecard: NotApplicable | None = None  # every generated-scorecard path (native, udf, their rollup)


DUE = dt.date(2026, 3, 31)
READ_BY_A_RULE = SheetSays("msg_not_number")
TEXT_TARGET = NotApplicable("a role's target is a number: the scorecard cannot hold the text '25'")
UNKNOWN_DIRECTION = NotApplicable("a role refuses a direction that is no direction word")

ROWS: list[Row] = [
    Row("plain", 50, 40, "higher", None, 125.0),
    Row("text-id-thousands", "1.500.000", 1_000_000, "higher", None, 150.0, native=READ_BY_A_RULE),
    Row("text-en-thousands", "1,500,000", 1_000_000, "higher", None, 150.0, native=READ_BY_A_RULE),
    Row("text-decimal-comma", "22,5", 25, "higher", None, 90.0, native=READ_BY_A_RULE),
    Row("text-percent", "22%", 25, "higher", None, 88.0, native=READ_BY_A_RULE),
    Row("text-target", 22, "25", "higher", None, 88.0, scorecard=TEXT_TARGET),
    Row("text-spaces", " 40 ", 40, None, None, 100.0),
    Row("zero-actual", 0, 40, "higher", None, 0.0),
    Row("blank-actual", None, 40, "higher", None, None),
    Row("lower", 8, 10, "lower", None, 120.0),
    Row("lower-id", 8, 10, "turun", None, 120.0),
    Row("higher-id", 50, 40, "naik", None, 125.0),
    Row("higher-any-case", 50, 40, "Higher", None, 125.0),
    Row("lower-zero-target", 0, 0, "lower", None, 100.0),
    Row("within-in", 10.5, 10, "within", 1, 100.0),
    Row("within-out-id", 13, 10, "rentang", 1, 80.0),
    Row("milestone-ya", "ya", 1, "milestone", None, 100.0),
    Row("milestone-belum", "belum", 1, "milestone", None, 0.0),
    Row("milestone-id", "selesai", 1, "tonggak", None, 100.0),
    Row("milestone-on-time", DUE - dt.timedelta(days=1), DUE, "milestone", None, 100.0),
    Row("milestone-late", DUE + dt.timedelta(days=1), DUE, "milestone", None, 0.0),
    Row("floor-at-zero", 25, 10, "lower", None, 0.0),
    Row("refused-target-0", 50, 0, "higher", None, Refused("target is 0", "msg_target_zero")),
    Row("refused-ambiguous", "1,500", 1000, "higher", None, Refused("ambiguous", "msg_not_number")),
    Row("refused-not-a-number", "abc", 40, "higher", None, Refused("not a number", "msg_not_number")),
    Row("refused-direction", 50, 40, "sideways", None, Refused("is not one of higher"),
        scorecard=UNKNOWN_DIRECTION),
]
IDS = [row.case for row in ROWS]


def _expect(got: Any, expected: Any) -> None:
    if expected is None:
        assert got is None or got == "" or (isinstance(got, float) and math.isnan(got))
    else:
        assert isinstance(got, (int, float)) and not isinstance(got, bool), got
        assert got == pytest.approx(expected, abs=1e-9)


# --- the core and the cell functions -------------------------------------------------------------------


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_core(row: Row):
    args = (row.actual, row.target, row.direction, row.tolerance)
    if isinstance(row.expected, Refused):
        with pytest.raises(KpiInputError, match=row.expected.words):
            score(*args, policy=POLICY)
    else:
        _expect(score(*args, policy=POLICY), row.expected)


EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def _as_excel(value: Any) -> Any:
    """A value as Excel hands it to a cell function: dates as serial numbers (Lite), ints as floats."""
    if isinstance(value, dt.date):
        moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        return (moment - EXCEL_EPOCH) / dt.timedelta(days=1)
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_cell_function(row: Row):
    args = [_as_excel(v) for v in (row.actual, row.target, row.direction, row.tolerance)]
    if isinstance(row.expected, Refused):
        with pytest.raises(KpiInputError, match=row.expected.words):
            KPI_SCORE(*args)
    else:
        _expect(KPI_SCORE(*args), row.expected)
        # The same row as a one-row scorecard: its KPI value is its score (a blank actual counts 0).
        assert KPI_VALUE([[100.0]], [[args[0]]], [[args[1]]], args[2], args[3]) == pytest.approx(row.expected or 0.0)


# --- the cell functions through xlwings, as xlwings Lite calls them -----------------------------------


def _office_js(row: Row) -> tuple[list[Any], list[Any]]:
    """KPI_SCORE's and KPI_VALUE's arguments for the row as Office.js sends them: one cell each, an
    empty actual cell as "", a left-out argument as None, a date as its serial number."""
    actual, target, direction, tolerance = (cell(_as_excel(v)) if v is not None else None
                                            for v in (row.actual, row.target, row.direction, row.tolerance))
    actual = actual or cell("")
    return [actual, target, direction, tolerance, None, None], [cell(100), actual, target, direction, tolerance,
                                                                None, None]


@pytest.fixture(scope="module")
def through_xlwings(tmp_path_factory) -> dict[str, tuple[dict, dict]]:
    """Every row's KPI_SCORE and KPI_VALUE calls, all in one xlwings run: case -> (score, value)."""
    calls = []
    for row in ROWS:
        score_args, value_args = _office_js(row)
        calls += [("KPI_SCORE", score_args), ("KPI_VALUE", value_args)]
    got = run_lite(tmp_path_factory.mktemp("lite"), calls)["calls"]
    return {row.case: (got[2 * i], got[2 * i + 1]) for i, row in enumerate(ROWS)}


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_cell_function_through_xlwings(through_xlwings, row: Row):
    got_score, got_value = through_xlwings[row.case]
    if isinstance(row.expected, Refused):
        # Lite shows #VALUE! with the message on hover.
        assert got_score["error"] == "KpiInputError" and row.expected.words in got_score["message"], got_score
        # KPI_VALUE refuses what it cannot read and counts a row it reads but cannot score (a target of 0)
        # as 0: through xlwings as when called directly.
        try:
            direct = {"result": [[KPI_VALUE(*_office_js(row)[1])]]}
        except KpiInputError as e:
            direct = {"error": "KpiInputError", "message": str(e)}
        assert got_value == direct
        return
    ((result,),) = got_score["result"]
    _expect(result, row.expected)
    assert got_value["result"] == [[pytest.approx(row.expected or 0.0, abs=1e-9)]]


# --- kpi-xl score --------------------------------------------------------------------------------------


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return f'"{text}"' if "," in text else text


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_score_command(tmp_path, row: Row):
    path = tmp_path / "kpis.csv"
    path.write_text("Bobot,Target,Realisasi,Arah,Toleransi\n"
                    + ",".join(_csv_cell(v) for v in (100, row.target, row.actual, row.direction, row.tolerance))
                    + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["score", str(path), "--csv"])
    if isinstance(row.expected, Refused):
        assert result.exit_code == 1
        assert row.expected.words in result.output
        assert "line 2" in result.output
        return
    assert result.exit_code == 0, result.output
    out = list(csv.DictReader(result.output.strip().splitlines()))  # one table: the result on every row
    if row.expected is None:  # the only row blank: the scorecard is not started, no KPI value yet
        assert out[0]["score"] == "" and out[0]["kpi_value"] == "" and out[0]["level"] == ""
        return
    assert float(out[0]["score"]) == pytest.approx(row.expected, abs=1e-6)
    assert float(out[0]["kpi_value"]) == pytest.approx(row.expected, abs=1e-6)


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
    for row in ROWS:
        ws.append([row.case, 1, row.target, row.actual, row.direction, row.tolerance])
    wb.save(folder / "rina.xlsx")
    return rollup(folder, None)


def _check_rolled_up(result, row: Row, file: str | None = None) -> None:
    """The row's line in the rollup's details (of `file`, when several were rolled up) gives the core's
    score; a refused row is an error whose issue says the core's words, and counts as 0."""
    details = result.tables.details
    files = result.summary["file"].map(lambda f: Path(f).name)
    mine = details[(details["indicator"] == row.case)
                   & (details["card"].map(files.__getitem__) == file if file else True)]
    assert len(mine) == 1, mine
    line = mine.iloc[0]
    if isinstance(row.expected, Refused):
        assert line["row_status"] == "error"
        assert math.isnan(line["score"])  # counts as 0 in the KPI value, like the native formulas
        messages = [i.message for i in result.issues if i.cell and i.cell[1:] == line["cell"][1:]
                    and (file is None or Path(i.file).name == file)]
        assert any(row.expected.words in m for m in messages), messages
    else:
        _expect(float(line["score"]), row.expected)


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_rollup_of_a_handmade_sheet(handmade_rollup, row: Row):
    _check_rolled_up(handmade_rollup, row)


# --- generated scorecards: the table's rows typed into them ---------------------------------------------

ON_SCORECARDS = [row for row in ROWS if row.scorecard is None]
SCORECARD_IDS = [row.case for row in ON_SCORECARDS]
LANGS = ("en", "id")
ENGINES = {"libreoffice": ("soffice", recalculate_libreoffice), "gnumeric": ("gnumeric", recalculate_gnumeric)}


def _role(kpis: list[dict[str, Any]], role_id: str) -> Role:
    return role_from_dict({"id": role_id, "name": "Cross path", "department": "QA", "period": "annual",
                           "kras": [{"name": "Every path", "goal": "One table", "kpis": kpis}]}, f"{role_id}.yaml")


def _table_role() -> Role:
    """One KPI per row, its direction as the core reads the row's word, weights shared out to 100. The role
    holds a number as target (a milestone a due date): _type_rows types the row's own over it."""
    kpis = []
    for row in ON_SCORECARDS:
        direction = parse_direction(row.direction)
        kpi = {"indicator": row.case, "unit": "units", "weight": 100 / len(ON_SCORECARDS), "direction": direction,
               "tolerance": row.tolerance}
        if direction == "milestone":
            kpi["due"] = DUE
        else:
            kpi["target"] = row.target or 1  # a role refuses a target of 0 on higher; HR types it over
        kpis.append(kpi)
    return _role(kpis, "cross-path")


def _named(wb: openpyxl.Workbook, name: str) -> list[list[Any]]:
    """The cells a workbook-scoped defined name points at, as rows."""
    ((sheet, ref),) = list(wb.defined_names[name].destinations)
    block = wb[sheet][ref.replace("$", "")]
    return [list(r) if isinstance(r, tuple) else [r] for r in block] if isinstance(block, tuple) else [[block]]


def _cells(wb: openpyxl.Workbook, name: str) -> list[Any]:
    """A column's cells, top to bottom."""
    return [r[0] for r in _named(wb, name)]


def _type_rows(wb: openpyxl.Workbook) -> None:
    """Every row's actual, target, tolerance and direction word typed into its KPI row as HR types them
    (the sheets unprotected): text stays text, dates stay dates. A milestone's due date is its target's,
    as in the row; a blank direction stays the role's `higher`, the default."""
    columns = (C.KPI_ACTUAL, C.KPI_TARGET, C.KPI_TOLERANCE, C.KPI_DIRECTION, C.KPI_DUE)
    for row, actual, target, tolerance, direction, due in zip(ON_SCORECARDS, *(_cells(wb, n) for n in columns),
                                                              strict=True):
        actual.value, target.value, tolerance.value, due.value = row.actual, row.target, row.tolerance, None
        if row.direction is not None:
            direction.value = row.direction


EDGES = [(0, 1), (70, 1), (70.000001, 2), (95, 2), (95.000001, 3), (105, 3), (105.000001, 4), (113.65, 4),
         (130, 4), (130.0000001, 4), (130.000001, 5), (1000, 5)]
EDGE_ROLE = _role([{"indicator": "result", "unit": "%", "weight": 100, "target": 100}], "edge")


def _edge_lang(i: int) -> str:
    return LANGS[i % 2]


@dataclass(frozen=True)
class Scorecards:
    """The filled, not recalculated, files: the table in both languages and modes, the edges (native)."""

    table: dict[tuple[str, str], Path]  # (formulas, lang) -> file
    edges: list[Path]


@pytest.fixture(scope="module")
def scorecards(tmp_path_factory) -> Scorecards:
    folder = tmp_path_factory.mktemp("generated")
    table: dict[tuple[str, str], Path] = {}
    role = _table_role()
    for n, (formulas, lang) in enumerate((f, lang) for f in ("native", "udf") for lang in LANGS):
        employee = Employee(f"E{n}", f"Rina {formulas} {lang}", "", "", "", "2026", None, None, n + 2)
        wb = build_scorecard(role, employee, lang=lang, formulas=formulas)
        assert [c.value for c in _cells(wb, C.KPI_INDICATOR)] == SCORECARD_IDS
        _type_rows(wb)
        table[formulas, lang] = folder / f"table-{formulas}-{lang}.xlsx"
        wb.save(table[formulas, lang])
    edges = []
    for i, (value, _) in enumerate(EDGES):
        wb = build_scorecard(EDGE_ROLE, lang=_edge_lang(i))
        _cells(wb, C.KPI_ACTUAL)[0].value = value
        edges.append(folder / f"edge-{i}.xlsx")  # no dots in the stem: soffice would cut it there
        wb.save(edges[-1])
    return Scorecards(table, edges)


def test_rows_no_generated_scorecard_can_hold():
    """The rows marked not applicable to generated scorecards, and why: the role gives their cells."""
    assert {row.case: row.scorecard for row in ROWS if row.scorecard} == {
        "text-target": TEXT_TARGET, "refused-direction": UNKNOWN_DIRECTION}
    role = _role([{"indicator": "x", "unit": "u", "weight": 100, "target": "25"}], "text-target")
    assert next(role.kpi_rows())[1].target == 25.0  # a number: the scorecard's target cell holds 25, not "25"
    role = _role([{"indicator": "x", "unit": "u", "weight": 100, "target": 40, "direction": "sideways"}], "sideways")
    assert [f.message for f in check_role(role) if f.severity == ERROR] == [
        "direction 'sideways' is not one of higher, lower, within, milestone"]


@pytest.mark.parametrize("row", [row for row in ROWS if isinstance(row.actual, str)],
                         ids=[row.case for row in ROWS if isinstance(row.actual, str)])
def test_the_native_difference_is_text_the_core_reads_by_a_rule(row: Row):
    """Exactly the rows whose actual the core reads with a note differ in the native formulas."""
    number, note = read_number(row.actual, "actual")
    assert (row.native == READ_BY_A_RULE) == (number is not None and note is not None), (number, note)


# --- native formulas, recalculated by LibreOffice and by Gnumeric ----------------------------------------


@dataclass(frozen=True)
class Recalculated:
    scores: dict[str, list[Any]]  # lang -> the KPI_Score cells of the table
    kpi_values: dict[str, Any]  # lang -> the table's KPIValue cell
    edges: list[tuple[Any, Any, Any]]  # KPI value, level, label of each edge's scorecard


@pytest.fixture(scope="module", params=list(ENGINES))
def recalculated(request, scorecards: Scorecards, tmp_path_factory) -> Recalculated:
    """Every native scorecard recalculated by one engine, in one call, and read back."""
    fixture, recalculate = ENGINES[request.param]
    request.getfixturevalue(fixture)  # the engine is installed, or a skip (a failure in CI)
    paths = [scorecards.table["native", lang] for lang in LANGS] + scorecards.edges
    done = recalculate(paths, tmp_path_factory.mktemp(request.param))
    books = [openpyxl.load_workbook(p, data_only=True) for p in done]
    return Recalculated(
        {lang: [c.value for c in _cells(wb, C.KPI_SCORE)] for lang, wb in zip(LANGS, books)},
        {lang: _cells(wb, C.KPI_VALUE)[0].value for lang, wb in zip(LANGS, books)},
        [tuple(_cells(wb, name)[0].value for name in (C.KPI_VALUE, C.LEVEL, C.LABEL)) for wb in books[len(LANGS):]])


@pytest.mark.engine
@pytest.mark.filterwarnings("ignore:Workbook contains no default style:UserWarning")  # Gnumeric's files
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("row", ON_SCORECARDS, ids=SCORECARD_IDS)
def test_native_formulas(recalculated: Recalculated, row: Row, lang: str):
    got = recalculated.scores[lang][ON_SCORECARDS.index(row)]
    if row.native is not None:
        # The documented difference: words, never a different number (the core gives one).
        assert isinstance(row.expected, float)
        assert got == LABELS[lang][row.native.message]
    elif isinstance(row.expected, Refused):
        assert got == LABELS[lang][row.expected.sheet]
    else:
        _expect(got, row.expected)


def _kpi_value(rows: list[Row]) -> float:
    """The table scorecard's KPI value counting only `rows` (equal weights; others count 0)."""
    return sum(row.expected for row in rows if isinstance(row.expected, float)) / len(ON_SCORECARDS)


@pytest.mark.engine
@pytest.mark.filterwarnings("ignore:Workbook contains no default style:UserWarning")
@pytest.mark.parametrize("lang", LANGS)
def test_native_kpi_value_counts_refused_and_differing_rows_as_0(recalculated: Recalculated, lang: str):
    assert recalculated.kpi_values[lang] == pytest.approx(
        _kpi_value([row for row in ON_SCORECARDS if row.native is None]), abs=1e-9)


@pytest.mark.engine
@pytest.mark.filterwarnings("ignore:Workbook contains no default style:UserWarning")
@pytest.mark.parametrize(("i", "value", "level"), [(i, v, lv) for i, (v, lv) in enumerate(EDGES)],
                         ids=[str(v) for v, _ in EDGES])
def test_band_edges_through_the_native_level_formula(recalculated: Recalculated, i, value, level):
    kpi_value, got_level, label = recalculated.edges[i]
    core = score_scorecard([100], [value], [100], policy=POLICY)
    assert kpi_value == pytest.approx(core.kpi_value, abs=1e-9)
    assert got_level == core.band.level == level
    assert label == POLICY.band_by_level(level).label(_edge_lang(i))


# --- udf formulas, evaluated here: no engine has the kpi-xl add-in ---------------------------------------

_KPI_SCORE_CALL = re.compile(r"=KPI_SCORE\(([^()]*)\)")
_CELL = re.compile(r"\$?[A-Z]{1,3}\$?[0-9]+")


def _as_passed(value: Any) -> Any:
    """A cell's typed value as Excel passes it to a cell function (a formula would need computing: refused)."""
    assert not (isinstance(value, str) and value.startswith("=")), f"a formula this evaluator cannot compute: {value}"
    return _as_excel(value)


def _evaluate_kpi_score(wb: openpyxl.Workbook, ws: Any, formula: Any) -> Any:
    """`=KPI_SCORE(...)` whose arguments are cells of `ws` or workbook-scoped names, each passed as a list
    of rows of typed values, as Excel passes a range; any other formula fails."""
    match = _KPI_SCORE_CALL.fullmatch(formula) if isinstance(formula, str) else None
    assert match, f"not a formula this evaluator knows: {formula!r}"
    args = []
    for ref in match.group(1).split(","):
        if _CELL.fullmatch(ref):
            rows = [[ws[ref.replace("$", "")]]]
        else:
            assert ref in wb.defined_names, f"{ref!r} is no cell and no defined name"
            rows = _named(wb, ref)
        args.append([[_as_passed(c.value) for c in r] for r in rows])
    return KPI_SCORE(*args)


@pytest.fixture(scope="module")
def udf_books(scorecards: Scorecards) -> dict[str, openpyxl.Workbook]:
    return {lang: openpyxl.load_workbook(scorecards.table["udf", lang]) for lang in LANGS}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("row", ON_SCORECARDS, ids=SCORECARD_IDS)
def test_udf_formulas(udf_books, row: Row, lang: str):
    wb = udf_books[lang]
    score_cell = _cells(wb, C.KPI_SCORE)[ON_SCORECARDS.index(row)]
    if isinstance(row.expected, Refused):
        with pytest.raises(KpiInputError, match=row.expected.words):
            _evaluate_kpi_score(wb, score_cell.parent, score_cell.value)
    else:
        _expect(_evaluate_kpi_score(wb, score_cell.parent, score_cell.value), row.expected)


# --- the rollup of the filled generated scorecards -----------------------------------------------------


@pytest.fixture(scope="module")
def generated_rollup(scorecards: Scorecards):
    """The filled table scorecards (both modes and languages, not recalculated) rolled up together."""
    result = rollup(sorted(scorecards.table.values()), None)
    assert result.files_with_scorecards == len(scorecards.table)
    return result


@pytest.mark.parametrize("file", [f"table-{f}-{lang}.xlsx" for f in ("native", "udf") for lang in LANGS])
@pytest.mark.parametrize("row", ON_SCORECARDS, ids=SCORECARD_IDS)
def test_rollup_of_the_generated_scorecards(generated_rollup, row: Row, file: str):
    _check_rolled_up(generated_rollup, row, file)


def test_rollup_of_the_generated_scorecards_counts_refused_rows_as_0(generated_rollup):
    assert generated_rollup.summary["kpi_value"].tolist() == pytest.approx([_kpi_value(ON_SCORECARDS)] * 4, abs=1e-9)


# --- bands: the KPI value's level at every edge, in every path -------------------------------------------



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
    out = next(csv.DictReader(result.output.strip().splitlines()))
    assert int(out["level"]) == level
    assert out["label"] == POLICY.band_by_level(level).label("id")


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
    out = next(csv.DictReader(CliRunner().invoke(app, ["score", str(path), "--csv"]).output.strip().splitlines()))
    assert (float(out["kpi_value"]), int(out["level"])) == (113.65, 4)
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
