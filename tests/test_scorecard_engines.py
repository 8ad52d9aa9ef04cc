"""The proof by real engines: generated scorecards, filled and recalculated by LibreOffice and by
Gnumeric, give the core's numbers.

A representative sample, about forty workbooks, each recalculated by both engines: every built-in
role in both languages (random, partly blank, zero and empty fills in turn; the golden example for
the digital marketing specialist), every default band edge reached through real actuals, a custom
policy (a cap, the ratio `lower` method, other thresholds and rewards) and a policy typed over the
policy sheet, each with a random fill and edges. Every band edge of every policy also goes through the
generated level, label, bonus and raise formulas on a probe sheet (several scorecards' worth of KPI
values in one workbook). Awkward rows (zero targets, words and dates for milestones, numbers typed as
text, text where a number belongs, completion times on the due date, due dates kept in the target
cells) come as one role with one KRA per fill, so a few workbooks hold every fill.

Each file is read back with openpyxl and compared, cell by cell, with `kpi_xl.scoring`: scores,
finals and the KPI value within 1e-9; level, label, bonus multiple and raise exactly; a refused row
shows words, never a number; no error value in any cell of any sheet. Native formulas only: udf-mode
cells need the kpi-xl add-in, which neither engine has (tests/test_cell_functions.py proves the functions).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from engines import recalculate_gnumeric, recalculate_libreoffice

from kpi_xl import KpiInputError
from kpi_xl import contract as C
from kpi_xl.policy import Policy, default_policy, policy_from_dict
from kpi_xl.roles import Role, builtin_roles, role_from_dict
from kpi_xl.roster import Employee
from kpi_xl.scorecard import LABELS, build_scorecard
from kpi_xl.values import read_number
from kpi_xl.scoring import band_for, round_kpi, score_scorecard

# Gnumeric's .xlsx files carry no "Normal" cell style; openpyxl says so, and supplies its own.
pytestmark = [pytest.mark.engine,
              pytest.mark.filterwarnings("ignore:Workbook contains no default style:UserWarning")]

GOLDEN_ROLE = "digital-marketing-specialist"
GOLDEN_ACTUALS = [50, 1_500_000, 32, 6, 22, 21, 33]
DEFAULT_EDGES = (0, 70, 70.05, 95, 95.05, 105, 105.05, 130, 130.000001)
# SPEC 3: the level each default edge must land in.
DEFAULT_EDGE_LEVELS = {0: 1, 70: 1, 70.05: 2, 95: 2, 95.05: 3, 105: 3, 105.05: 4, 130: 4, 130.000001: 5}

CUSTOM_POLICY = policy_from_dict({
    "lower_method": "ratio",
    "max_score": 120,
    "bands": [
        {"level": 1, "above": None, "label": {"id": "Kurang", "en": "Poor"}, "bonus": 0, "raise": "0%"},
        {"level": 2, "above": 60, "label": {"id": "Cukup", "en": "Fair"}, "bonus": 0.5, "raise": "2%"},
        {"level": 3, "above": 90, "label": {"id": "Baik", "en": "Good"}, "bonus": 1.25, "raise": "5%"},
        {"level": 4, "above": 110, "label": {"id": "Sangat Baik", "en": "Excellent"}, "bonus": 3,
         "raise": "8%–10%"},
    ],
}, "custom test policy")
CUSTOM_EDGES = (0, 60, 60.000001, 90, 90.05, 110, 110.000001, 120)

# Typed over the default policy sheet of a generated scorecard (same number of bands): the formulas
# must follow the sheet, not the policy the file was made with.
EDITED_POLICY = policy_from_dict({
    "lower_method": "ratio",
    "max_score": 110,
    "bands": [
        {"level": 1, "above": None, "label": {"id": "E", "en": "E"}, "bonus": 0.1, "raise": "0%"},
        {"level": 2, "above": 50, "label": {"id": "D", "en": "D"}, "bonus": 0.2, "raise": "1%"},
        {"level": 3, "above": 80, "label": {"id": "C", "en": "C"}, "bonus": 0.3, "raise": "2%"},
        {"level": 4, "above": 100, "label": {"id": "B", "en": "B"}, "bonus": 0.4, "raise": "3%"},
        {"level": 5, "above": 104.5, "label": {"id": "A", "en": "A"}, "bonus": 0.5, "raise": "4%"},
    ],
}, "edited policy sheet")
EDITED_EDGES = (50, 80.000001, 100, 104.5, 104.500001)
CUSTOM_EDGE_LEVELS = {0: 1, 60: 1, 60.000001: 2, 90: 2, 90.05: 3, 110: 3, 110.000001: 4, 120: 4}

DUE = dt.date(2026, 6, 30)

# A role of awkward rows: every direction, a zero target on `lower`, a tolerance, milestones.
AWKWARD_ROLE_DICT: dict[str, Any] = {
    "id": "awkward", "name": {"en": "Awkward Rows", "id": "Baris Sulit"}, "department": "QA", "period": "annual",
    "kras": [
        {"name": "Growth", "goal": "Grow", "kpis": [
            {"indicator": "sales", "unit": "units", "weight": 20, "target": 250, "direction": "higher"},
            {"indicator": "margin", "unit": "%", "weight": 10, "target": 12.5, "direction": "higher"}]},
        {"name": "Quality", "goal": "Fewer defects", "kpis": [
            {"indicator": "defects", "unit": "defects", "weight": 15, "target": 0, "direction": "lower"},
            {"indicator": "complaints", "unit": "complaints", "weight": 10, "target": 8, "direction": "lower"}]},
        {"name": "Budget", "goal": "On budget", "kpis": [
            {"indicator": "spend vs budget", "unit": "%", "weight": 15, "target": 100, "tolerance": 5,
             "direction": "within"},
            {"indicator": "headcount", "unit": "people", "weight": 5, "target": 40, "direction": "within"}]},
        {"name": "Projects", "goal": "Deliver", "kpis": [
            {"indicator": "launch", "unit": "milestone", "weight": 15, "direction": "milestone", "due": DUE},
            {"indicator": "audit", "unit": "milestone", "weight": 10, "direction": "milestone", "due": DUE}]},
    ],
}

# (name, actuals) for the awkward role: words, dates on/around the due date, booleans, bad text.
AWKWARD_FILLS = [
    ("words", [260, 12.5, 0, 6, 104, 41, "YA", " tidak "]),
    ("dates", [100, 20, 3, 12, 95, 40, dt.datetime(2026, 6, 30), dt.datetime(2026, 7, 1)]),
    ("early", [0, 0, -1, 0, 110, 38, dt.datetime(2026, 1, 15), "selesai"]),
    ("booleans", [250, 12, 0, 16, 89.5, 45, True, False]),
    ("numbers", [1, 1, 1, 1, 1, 1, 1, 2]),
    ("bad_text", ["abc", 10, 0, 8, 100, 40, "maybe", "Sudah"]),
    ("partial", [None, 13, None, 7, None, 39.5, None, "no"]),
    # Numbers typed as text (a cell formatted as text, a paste from a web page): the core reads them,
    # so the sheet does; spaces, line breaks and no-break spaces around them and around milestone words.
    ("text_numbers", ["260", " 12.5 ", "0", "6\u00a0", "1e2", "\n41\n", " 1 ", "\u00a0YA\u00a0"]),
    ("text_numbers_2", ["+250", "12.", "-1", ".5E1", "104.0", "0038", "1", "\u00a0sudah\r\n"]),
    # Text the core refuses is refused by the sheet too, even where Excel's VALUE would read it.
    ("odd_text", ["1,000", "50%", "$5", "2026-06-30", "1e400", "5-", "1.5.2026", "2"]),
    ("odd_text_2", ["12:00", "1/2", "nan", "inf", "- 5", "1 000", "not done", "n/a"]),
    # TRUE/FALSE in number rows count 1 and 0, as the core reads them.
    ("booleans_everywhere", [True, False, True, False, True, True, "1", "0"]),
    # A completion date counts by its day: 15:00 on the due date is on time, the next day is late.
    ("same_day", [250, 12.5, 0, 8, 100, 40, dt.datetime(2026, 6, 30, 15, 0), dt.datetime(2026, 7, 1, 0, 1)]),
]
# The same fills once more with the milestones' due dates moved into their target cells (the due date
# cells left blank): the due date defaults to the target when the target is a date.
DUE_IN_TARGET_FILLS = {"dates", "same_day", "early", "text_numbers"}


def _kpis(role: Role) -> list:
    return [kpi for _, kpi in role.kpi_rows()]


def _random_actuals(role: Role, rng: random.Random, blank_share: float) -> list[Any]:
    out: list[Any] = []
    for kpi in _kpis(role):
        if rng.random() < blank_share:
            out.append(None)
        elif kpi.direction == "milestone":
            out.append(rng.choice([1, 0, "ya", "Tidak", "yes", "done", True, False,
                                   dt.datetime.combine(kpi.due, dt.time()) - dt.timedelta(days=rng.randint(0, 40)),
                                   dt.datetime.combine(kpi.due, dt.time()) + dt.timedelta(days=rng.randint(1, 40))]))
        elif kpi.direction == "within":
            spread = (kpi.tolerance or 0) * 2 + abs(kpi.target) * 0.3
            out.append(kpi.target + rng.uniform(-spread, spread))
        else:
            out.append(kpi.target * rng.uniform(0.05, 1.9))
    return out


def _zero_actuals(role: Role) -> list[Any]:
    return [0 for _ in _kpis(role)]


def _edge_actuals(role: Role, edge: float, policy: Policy) -> list[Any] | None:
    """Actuals giving every higher/lower row the same score s and within/milestone rows 100 (or 0 for
    low edges), with s chosen so that the KPI value is exactly `edge`; None where no such s exists."""
    kpis = _kpis(role)
    fixed = sum(k.weight for k in kpis if k.direction in ("within", "milestone"))
    free = sum(k.weight for k in kpis if k.direction in ("higher", "lower"))
    if free == 0:
        return None
    fixed_score = 100
    s = (edge * (fixed + free) - fixed_score * fixed) / free
    if s < 0:
        fixed_score = 0
        s = edge * (fixed + free) / free
    if policy.max_score is not None and s > policy.max_score:
        return None
    out: list[Any] = []
    for k in kpis:
        if k.direction == "milestone":
            out.append(1 if fixed_score else 0)
        elif k.direction == "within":
            out.append(k.target if fixed_score else k.target + (k.tolerance or 0) + 2 * abs(k.target))
        elif k.direction == "higher":
            out.append(k.target * s / 100)
        elif policy.lower_method == "ratio":
            if s == 0:
                return None
            out.append(k.target * 100 / s)
        else:
            out.append(k.target * (2 - s / 100))
    return out


def _stem(edge: float) -> str:
    # No dots in file stems: soffice names "x-130.000001.xlsx"'s output "x-130.xlsx".
    return f"{edge:.12g}".replace(".", "_")


@dataclass(frozen=True)
class Case:
    stem: str
    role: Role
    lang: str
    policy: Policy
    actuals: tuple[Any, ...]
    edge: float | None = None  # the KPI value the actuals were built to land on
    expect_level: int | None = None
    edit_policy: bool = False  # generated with the default policy, then EDITED_POLICY typed over its sheet
    due_in_target: bool = False  # milestone due dates moved from the due date cells into the targets
    probe: tuple[float, ...] = ()  # KPI values put through the level... raise formulas on a probe sheet
    typed: tuple[tuple[str, int, Any], ...] = ()  # (column name, row, value) typed over a generated cell


# Awkward fills, one KRA each (its eight KPIs, the AWKWARD_ROLE's, weights shared out to sum to 100).
def _awkward_role(fills: list[str]) -> Role:
    kras = AWKWARD_ROLE_DICT["kras"]
    share = 1 / len(fills)
    return role_from_dict({
        **AWKWARD_ROLE_DICT, "id": f"awkward-{len(fills)}",
        "kras": [{"name": f"{fill}", "goal": "Test", "kpis": [
            {**kpi, "indicator": f"{kpi['indicator']} ({fill})", "weight": kpi["weight"] * share}
            for kra in kras for kpi in kra["kpis"]]} for fill in fills],
    }, "awkward.yaml")


AWKWARD_NAMES = [name for name, _ in AWKWARD_FILLS]
AWKWARD_ALL = _awkward_role(AWKWARD_NAMES)
DUE_IN_TARGET_NAMES = [name for name in AWKWARD_NAMES if name in DUE_IN_TARGET_FILLS]
AWKWARD_DUE = _awkward_role(DUE_IN_TARGET_NAMES)
AWKWARD_ROWS = 8  # KPI rows per fill
AWKWARD_ONE = _awkward_role(["refused"])
# Rows the core refuses, typed over a generated scorecard as HR might after unprotecting it: on `higher`
# a target of 0, or text; a blank target, or spaces; on `within` a tolerance below 0, or text, and a
# target of 0; with an actual that is no number, a ratio `lower` row dividing by 0 (custom policy) and a
# plain row.
REFUSED_TYPED = {
    "en": ((C.KPI_TARGET, 0, 0), (C.KPI_TARGET, 1, None), (C.KPI_TOLERANCE, 4, -1), (C.KPI_TARGET, 5, 0)),
    "id": ((C.KPI_TARGET, 0, "abc"), (C.KPI_TARGET, 1, "  "), (C.KPI_TOLERANCE, 4, "lima"), (C.KPI_TARGET, 5, 0)),
}
REFUSED_ACTUALS = (250, 12.5, 0, 0, 104, 41, "soon", "ya")


def _awkward_actuals(names: list[str]) -> tuple[Any, ...]:
    fills = dict(AWKWARD_FILLS)
    return tuple(a for name in names for a in fills[name])


FILL_KINDS = ("random", "blanks", "zeros", "empty")


def _fill_kind(kind: str, role: Role, rng: random.Random) -> tuple[Any, ...]:
    if kind == "random":
        return tuple(_random_actuals(role, rng, 0))
    if kind == "blanks":
        return tuple(_random_actuals(role, rng, 0.4))
    if kind == "zeros":
        return tuple(_zero_actuals(role))
    return tuple(None for _ in _kpis(role))


def _cases() -> list[Case]:
    rng = random.Random(20260630)
    default = default_policy()
    roles = builtin_roles()
    cases: list[Case] = []
    # Every role in both languages; the fill kinds take turns, so each kind meets both languages.
    for n, role in enumerate(roles):
        for i, lang in enumerate(("en", "id")):
            if role.id == GOLDEN_ROLE:
                cases.append(Case(f"golden-{lang}", role, lang, default, tuple(GOLDEN_ACTUALS), None, 4,
                                  probe=DEFAULT_EDGES))
                continue
            kind = FILL_KINDS[(n + i) % len(FILL_KINDS)]
            cases.append(Case(f"{role.id}-{lang}-{kind}", role, lang, default, _fill_kind(kind, role, rng)))
    # Every default edge through real actuals, on a different role and language each time.
    for k, edge in enumerate(DEFAULT_EDGES):
        for role in roles[k % len(roles):] + roles[:k % len(roles)]:
            actuals = _edge_actuals(role, edge, default)
            if actuals is not None:
                lang = ("en", "id")[k % 2]
                cases.append(Case(f"{role.id}-{lang}-edge-{_stem(edge)}", role, lang, default, tuple(actuals), edge,
                                  DEFAULT_EDGE_LEVELS[edge]))
                break
    # A custom policy: random, high (over the cap), two edges; every edge on the probe sheet.
    cases.append(Case("custom-random-en", roles[1], "en", CUSTOM_POLICY, tuple(_random_actuals(roles[1], rng, 0.1)),
                      probe=CUSTOM_EDGES))
    cases.append(Case("custom-high-id", roles[2], "id", CUSTOM_POLICY,
                      tuple(a * 1.5 if isinstance(a, float) else a for a in _random_actuals(roles[2], rng, 0))))
    for role, edge in ((roles[3], 60.000001), (roles[0], 110.000001)):
        cases.append(Case(f"custom-edge-{_stem(edge)}", role, "en", CUSTOM_POLICY,
                          tuple(_edge_actuals(role, edge, CUSTOM_POLICY)), edge, CUSTOM_EDGE_LEVELS[edge]))
    # A policy typed over the sheet of a default scorecard: random, the top two edges, every edge probed.
    cases.append(Case("edited-random", roles[4], "id", EDITED_POLICY, tuple(_random_actuals(roles[4], rng, 0.1)),
                      edit_policy=True, probe=EDITED_EDGES))
    for role, edge in ((roles[5], 104.5), (roles[6], 104.500001)):
        cases.append(Case(f"edited-edge-{_stem(edge)}", role, "en", EDITED_POLICY,
                          tuple(_edge_actuals(role, edge, EDITED_POLICY)), edge, edit_policy=True))
    # Awkward rows: every fill in one workbook per policy; the due-date-in-target fills in one more.
    cases.append(Case("awkward-default", AWKWARD_ALL, "en", default, _awkward_actuals(AWKWARD_NAMES)))
    cases.append(Case("awkward-custom", AWKWARD_ALL, "id", CUSTOM_POLICY, _awkward_actuals(AWKWARD_NAMES)))
    cases.append(Case("awkward-due-in-target", AWKWARD_DUE, "en", default, _awkward_actuals(DUE_IN_TARGET_NAMES),
                      due_in_target=True))
    for policy, lang in ((default, "en"), (CUSTOM_POLICY, "id")):
        cases.append(Case(f"refused-{lang}", AWKWARD_ONE, lang, policy, REFUSED_ACTUALS, typed=REFUSED_TYPED[lang]))
    return cases


CASES = _cases()
CASE_IDS = [c.stem for c in CASES]
ENGINES = {"libreoffice": ("soffice", recalculate_libreoffice), "gnumeric": ("gnumeric", recalculate_gnumeric)}


def _cells(wb: openpyxl.Workbook, name: str) -> list[Any]:
    """The cells a workbook-scoped defined name points at, top to bottom."""
    ((sheet, ref),) = list(wb.defined_names[name].destinations)
    block = wb[sheet][ref.replace("$", "")]
    if not isinstance(block, tuple):
        return [block]
    return [row[0] if isinstance(row, tuple) else row for row in block]


def _fill(wb: openpyxl.Workbook, actuals: tuple[Any, ...]) -> None:
    cells = _cells(wb, C.KPI_ACTUAL)
    assert len(cells) == len(actuals)
    for cell, value in zip(cells, actuals):
        cell.value = value


def _move_due_into_target(wb: openpyxl.Workbook) -> None:
    """Every milestone's due date typed into its target cell (as a date serial), its due date cell cleared."""
    columns = (_cells(wb, n) for n in (C.KPI_DIRECTION, C.KPI_TARGET, C.KPI_DUE))
    for direction, target, due in zip(*columns):
        if direction.value == "milestone":
            target.value = (due.value - dt.date(1899, 12, 30)).days
            due.value = None


def _type_policy(wb: openpyxl.Workbook, policy: Policy, lang: str) -> None:
    """Type a policy over the policy sheet's cells, as HR would after unprotecting it."""
    columns = {C.POLICY_LEVELS: lambda b: b.level, C.POLICY_THRESHOLDS: lambda b: b.above,
               C.POLICY_LABELS: lambda b: b.label(lang), C.POLICY_BONUS: lambda b: b.bonus,
               C.POLICY_RAISE: lambda b: b.raise_text}
    for name, value in columns.items():
        cells = _cells(wb, name)
        assert len(cells) == len(policy.bands)
        for cell, band in zip(cells, policy.bands):
            cell.value = value(band)
    _cells(wb, C.POLICY_MAX_SCORE)[0].value = policy.max_score
    _cells(wb, C.POLICY_LOWER_METHOD)[0].value = policy.lower_method


PROBE_SHEET = "Probe"


def _add_probe(wb: openpyxl.Workbook, values: tuple[float, ...]) -> None:
    """A sheet putting each KPI value through the scorecard's own level, label, bonus and raise
    formulas (their text copied, the KPIValue and PerformanceLevel names swapped for the probe's cells)."""
    formulas = {name: _cells(wb, name)[0].value for name in (C.LEVEL, C.LABEL, C.BONUS_MULTIPLE, C.RAISE)}
    ws = wb.create_sheet(PROBE_SHEET)
    for r, value in enumerate(values, start=1):
        ws[f"A{r}"] = value
        ws[f"B{r}"] = formulas[C.LEVEL].replace(C.KPI_VALUE, f"A{r}")
        for col, name in zip("CDE", (C.LABEL, C.BONUS_MULTIPLE, C.RAISE)):
            ws[f"{col}{r}"] = formulas[name].replace(C.LEVEL, f"B{r}")


@pytest.fixture(scope="session")
def filled(tmp_path_factory) -> list[Path]:
    """Every case generated, filled and saved (not yet recalculated)."""
    folder = tmp_path_factory.mktemp("scorecards")
    employee = Employee("E-01", "Rina Dewi", "", "Budi Santoso", "", "2026", None, None, 2)
    paths = []
    for case in CASES:
        wb = build_scorecard(case.role, employee, lang=case.lang,
                             policy=default_policy() if case.edit_policy else case.policy)
        _fill(wb, case.actuals)
        if case.edit_policy:
            _type_policy(wb, case.policy, case.lang)
        if case.due_in_target:
            _move_due_into_target(wb)
        if case.probe:
            _add_probe(wb, case.probe)
        for name, row, value in case.typed:
            _cells(wb, name)[row].value = value
        path = folder / f"{case.stem}.xlsx"
        wb.save(path)
        paths.append(path)
    return paths


@pytest.fixture(scope="session", params=list(ENGINES))
def recalculated(request, filled, tmp_path_factory) -> dict[str, Path]:
    """Every case recalculated by one engine (LibreOffice, then Gnumeric): stem -> recalculated file."""
    fixture, recalculate = ENGINES[request.param]
    request.getfixturevalue(fixture)  # the engine is installed, or a skip (a failure in CI)
    out = tmp_path_factory.mktemp(request.param)
    half = len(filled) // 2
    # Two engine processes share the work: two soffice calls, each with its own profile; Gnumeric
    # runs two ssconvert processes at a time by itself.
    chunks = (filled[:half], filled[half:]) if request.param == "libreoffice" else (filled,)
    with ThreadPoolExecutor(len(chunks)) as pool:
        done = list(pool.map(lambda chunk: recalculate(chunk, out), chunks))
    return {p.stem: p for chunk in done for p in chunk}


ERROR_VALUES = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}


def _is_error(cell: Any) -> bool:
    value = cell.value
    return cell.data_type == "e" or (isinstance(value, str) and (value in ERROR_VALUES or value.startswith("Err:")))


def _blank(value: Any) -> bool:
    return value is None or value == ""


def _core(weights, actuals, targets, directions, tolerances, dues, policy):
    """score_scorecard, with a row whose actual, target or tolerance the core refuses outright (text
    that is no number) counted as a refused row, as the spreadsheet shows it."""
    refused: dict[int, str] = {}
    targets, tolerances = list(targets), list(tolerances)
    while True:
        try:
            result = score_scorecard(weights, actuals, targets, directions, tolerances, dues, policy=policy)
        except KpiInputError as e:
            assert e.row is not None and e.row not in refused, e
            refused[e.row] = e.detail
            actuals[e.row] = None
            for column, word in ((targets, "target"), (tolerances, "tolerance")):
                if e.detail.startswith(word):
                    column[e.row] = None
            continue
        return dataclasses.replace(result, problems={**result.problems, **refused})


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_recalculated_scorecard_matches_the_core(recalculated, case: Case):
    wb = openpyxl.load_workbook(recalculated[case.stem], data_only=True)
    errors = [f"{ws.title}!{cell.coordinate}={cell.value!r}" for ws in wb.worksheets
              for row in ws.iter_rows() for cell in row if _is_error(cell)]
    assert errors == []

    # The row data comes back through the defined names, as the rollup reads it.
    weights = [c.value for c in _cells(wb, C.KPI_WEIGHT)]
    targets = [c.value for c in _cells(wb, C.KPI_TARGET)]
    directions = [c.value for c in _cells(wb, C.KPI_DIRECTION)]
    tolerances = [c.value for c in _cells(wb, C.KPI_TOLERANCE)]
    dues = [c.value for c in _cells(wb, C.KPI_DUE)]
    assert [k.weight for k in _kpis(case.role)] == pytest.approx(weights)
    assert [k.direction for k in _kpis(case.role)] == directions

    core = _core(weights, [_as_the_sheet_reads(a) for a in case.actuals], targets, directions, tolerances, dues,
                 case.policy)
    scores = [c.value for c in _cells(wb, C.KPI_SCORE)]
    finals = [c.value for c in _cells(wb, C.KPI_FINAL)]
    for i, (got_score, got_final) in enumerate(zip(scores, finals)):
        want = core.scores[i]
        if i in core.problems:
            # A refused row says why in words, never a number; it counts as 0 in the KPI value.
            assert isinstance(got_score, str) and got_score.strip(), (i, core.problems[i], got_score)
            assert _blank(got_final)
        elif math.isnan(want):
            assert _blank(got_score) and _blank(got_final), (i, got_score)
        else:
            assert isinstance(got_score, (int, float)), (i, got_score)
            assert got_score == pytest.approx(want, abs=1e-9), i
            assert got_final == pytest.approx(core.finals[i], abs=1e-9), i

    total_final = sum(0 if math.isnan(f) else f for f in core.finals)
    assert _cells(wb, C.TOTAL_FINAL)[0].value == pytest.approx(total_final, abs=1e-9)
    assert _cells(wb, C.TOTAL_WEIGHT)[0].value == pytest.approx(sum(weights))
    value, level, label, bonus, raise_ = (_cells(wb, n)[0].value for n in
                                          (C.KPI_VALUE, C.LEVEL, C.LABEL, C.BONUS_MULTIPLE, C.RAISE))
    if all(_blank(a) for a in case.actuals):
        # Nothing reported yet: the results stay blank rather than show "Far Below Target".
        assert all(_blank(v) for v in (value, level, label, bonus, raise_))
        return
    assert value == pytest.approx(core.kpi_value, abs=1e-9)
    assert level == core.band.level
    assert label == core.band.label(case.lang)
    assert bonus == core.band.bonus
    assert raise_ == core.band.raise_text
    if case.edge is not None:
        assert round_kpi(core.kpi_value) == case.edge  # the fill really sits on the edge
    if case.expect_level is not None:
        assert level == case.expect_level


PROBED = [c for c in CASES if c.probe]


@pytest.mark.parametrize("case", PROBED, ids=[c.stem for c in PROBED])
def test_every_band_edge_through_the_sheets_own_band_formulas(recalculated, case: Case):
    ws = openpyxl.load_workbook(recalculated[case.stem], data_only=True)[PROBE_SHEET]
    got = [tuple(ws[f"{col}{r}"].value for col in "ABCDE") for r in range(1, len(case.probe) + 1)]
    want = [(v, (b := band_for(v, policy=case.policy)).level, b.label(case.lang), b.bonus, b.raise_text)
            for v in case.probe]
    assert got == want
    expected_levels = {DEFAULT_EDGES: DEFAULT_EDGE_LEVELS, CUSTOM_EDGES: CUSTOM_EDGE_LEVELS}.get(case.probe)
    if expected_levels:  # SPEC 3's edges for the default policy, and the custom policy's
        assert [level for _, level, *_ in got] == [expected_levels[v] for v in case.probe]


def test_every_band_edge_is_covered():
    def covered(policy: Policy) -> set[float]:
        return {c.edge for c in CASES if c.policy is policy and c.edge is not None} | {
            v for c in CASES if c.policy is policy for v in c.probe}

    assert {c.edge for c in CASES if c.policy is default_policy() and c.edge is not None} == set(DEFAULT_EDGES)
    assert covered(default_policy()) == set(DEFAULT_EDGES)
    assert covered(CUSTOM_POLICY) == set(CUSTOM_EDGES)
    assert covered(EDITED_POLICY) == set(EDITED_EDGES)


def test_every_builtin_role_in_both_languages_and_every_fill_in_both():
    pairs = {(c.role.id, c.lang) for c in CASES if c.policy is default_policy()}
    assert {(r.id, lang) for r in builtin_roles() for lang in ("en", "id")} <= pairs
    kinds = {(c.stem.rsplit("-", 1)[1], c.lang) for c in CASES if c.stem.endswith(FILL_KINDS)}
    assert kinds == {(kind, lang) for kind in FILL_KINDS for lang in ("en", "id")}
    assert len(CASES) <= 45  # a sample, not every combination: each engine recalculates all of them


@pytest.mark.parametrize("lang,label", [("en", "Exceeds Target"), ("id", "Melebihi Target")])
def test_golden_scorecard_recalculates_to_113_65(recalculated, lang, label):
    wb = openpyxl.load_workbook(recalculated[f"golden-{lang}"], data_only=True)
    assert [c.value for c in _cells(wb, C.KPI_SCORE)] == pytest.approx([125, 150, 128, 120, 88, 105, 110], abs=1e-9)
    assert [c.value for c in _cells(wb, C.KPI_FINAL)] == pytest.approx([18.75, 15, 12.8, 12, 17.6, 21, 16.5],
                                                                         abs=1e-9)
    assert _cells(wb, C.KPI_VALUE)[0].value == pytest.approx(113.65, abs=1e-9)
    assert _cells(wb, C.LEVEL)[0].value == 4
    assert _cells(wb, C.LABEL)[0].value == label
    assert _cells(wb, C.BONUS_MULTIPLE)[0].value == 1.5
    assert _cells(wb, C.RAISE)[0].value == "7%–9%"
    # The header survives the round trip and the KRA record sheet shows it through formulas.
    assert _cells(wb, C.EMPLOYEE_NAME)[0].value == "Rina Dewi"
    kra_sheet = wb[C.SHEET_NAMES[lang][C.SHEET_KRA]]
    assert "Rina Dewi" in [c.value for c in kra_sheet["B"]]


def _fill_cells(recalculated: dict[str, Path], stem: str, fill: str, name: str = C.KPI_SCORE) -> list[Any]:
    """One awkward fill's cells of the column `name`, from the workbook holding it."""
    names = DUE_IN_TARGET_NAMES if stem == "awkward-due-in-target" else AWKWARD_NAMES
    start = names.index(fill) * AWKWARD_ROWS
    wb = openpyxl.load_workbook(recalculated[stem], data_only=True)
    return [c.value for c in _cells(wb, name)][start:start + AWKWARD_ROWS]


def _as_the_sheet_reads(actual: Any) -> Any:
    """The documented difference between the native formulas and the core: text the core reads only by a
    rule its note names (thousands separators, a decimal comma, a percent or currency sign) is beyond
    plain formulas; the sheet says "actual is not a number" there, never a different number, and counts
    the row as 0. Such an actual stands here as text the core refuses too."""
    if isinstance(actual, str):
        number, note = read_number(actual, "actual")
        if number is not None and note is not None:
            return "(read by the core only)"
    return actual


def test_awkward_rows_show_a_message_not_an_error(recalculated):
    scores = _fill_cells(recalculated, "awkward-default", "bad_text")
    assert scores[0] == "actual is not a number"
    assert scores[6] == "actual is not a number"  # "maybe" is no milestone word
    assert scores[7] == 100  # "Sudah" is done
    scores = _fill_cells(recalculated, "awkward-custom", "early")
    assert scores[2] == 100  # lower with target 0: actual -1 <= 0
    assert scores[3] == "aktual harus di atas 0"  # ratio method divides by the actual 0
    assert scores[6] == 100 and scores[7] == 100  # done before the due date; "selesai"


def test_text_numbers_and_completion_days_read_as_the_core_reads_them(recalculated):
    scores = _fill_cells(recalculated, "awkward-default", "text_numbers")
    assert scores == [pytest.approx(104), 100, 100, pytest.approx(125), 100, pytest.approx(97.5), 100, 100]
    scores = _fill_cells(recalculated, "awkward-default", "odd_text")
    # 1,000 (ambiguous) 50% $5 (read by the core with a note: beyond plain formulas) a date 1e400 5- 1.5.2026
    assert scores[:7] == ["actual is not a number"] * 7
    assert scores[7] == 100  # 2: a date serial (1900-01-01), long before the due date
    assert _fill_cells(recalculated, "awkward-default", "same_day")[6:] == [100, 0]  # 15:00 on time; 00:01 late
    assert _fill_cells(recalculated, "awkward-due-in-target", "same_day")[6:] == [100, 0]
    # The target held the due date there.
    assert _fill_cells(recalculated, "awkward-due-in-target", "same_day", C.KPI_DUE)[6:] == [None, None]
    assert _fill_cells(recalculated, "awkward-due-in-target", "same_day", C.KPI_TARGET)[6:] == [46203, 46203]


@pytest.mark.parametrize("lang", ["en", "id"])
def test_refused_rows_say_why_and_count_as_0(recalculated, lang):
    """SPEC 4: where the core refuses a row, the score cell says why in words, never a number, and the
    KPI value counts the row as 0, as the core does."""
    wb = openpyxl.load_workbook(recalculated[f"refused-{lang}"], data_only=True)
    scores = [c.value for c in _cells(wb, C.KPI_SCORE)]
    finals = [c.value for c in _cells(wb, C.KPI_FINAL)]
    m = LABELS[lang]
    words = {0: m["msg_target_zero"], 1: m["msg_target_blank"], 4: m["msg_tolerance"], 5: m["msg_target_zero"],
             6: m["msg_not_number"]}
    if lang == "id":  # text typed over numbers; the custom policy's ratio method cannot divide by 0
        words.update({0: m["msg_target_text"], 3: m["msg_ratio"], 4: m["msg_tolerance_text"]})
    assert {i: s for i, s in enumerate(scores) if isinstance(s, str)} == words
    assert all(_blank(finals[i]) for i in words)
    scored = [i for i in range(len(scores)) if i not in words]
    assert all(isinstance(scores[i], (int, float)) for i in scored)
    weights = [k.weight for k in _kpis(AWKWARD_ONE)]
    want = sum(finals[i] for i in scored) / sum(weights) * 100
    assert _cells(wb, C.KPI_VALUE)[0].value == pytest.approx(want, abs=1e-9)
