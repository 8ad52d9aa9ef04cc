"""The proof by a real engine: generated scorecards, filled and recalculated by LibreOffice, give the
core's numbers.

Every built-in role in both languages is filled with random actuals, blanks, zeros, actuals that land
the KPI value exactly on every band edge, and the golden example; a custom policy (a cap, the ratio
`lower` method, other thresholds and rewards) and a role of awkward rows (zero targets, words and dates
for milestones, numbers typed as text, text where a number belongs, completion times on the due date,
due dates kept in the target cells) go through the same batch. All files are recalculated in
two parallel soffice calls (one session fixture), read back with openpyxl and compared, cell by cell,
with `kpi_xl.scoring.score_scorecard`: scores, finals and the KPI value within 1e-9; level, label, bonus
multiple and raise exactly; no error value in any cell of any sheet.
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
from libreoffice import recalculate

from kpi_xl import KpiInputError
from kpi_xl import contract as C
from kpi_xl.policy import Policy, default_policy, policy_from_dict
from kpi_xl.roles import Role, builtin_roles, role_from_dict
from kpi_xl.roster import Employee
from kpi_xl.scorecard import build_scorecard
from kpi_xl.scoring import round_kpi, score_scorecard

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
AWKWARD_ROLE = role_from_dict({
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
}, "awkward.yaml")

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


def _cases() -> list[Case]:
    rng = random.Random(20260630)
    cases: list[Case] = []
    default = default_policy()
    for n, role in enumerate(builtin_roles()):
        for lang in ("en", "id"):
            base = f"{role.id}-{lang}"
            cases.append(Case(f"{base}-random", role, lang, default, tuple(_random_actuals(role, rng, 0))))
            cases.append(Case(f"{base}-blanks", role, lang, default, tuple(_random_actuals(role, rng, 0.4))))
            cases.append(Case(f"{base}-zeros", role, lang, default, tuple(_zero_actuals(role))))
            cases.append(Case(f"{base}-empty", role, lang, default, tuple(None for _ in _kpis(role))))
            if lang != ("en", "id")[n % 2]:
                continue  # every edge for every role, in one language each (the formulas are the same)
            for edge in DEFAULT_EDGES:
                actuals = _edge_actuals(role, edge, default)
                if actuals is not None:
                    cases.append(Case(f"{base}-edge-{_stem(edge)}", role, lang, default, tuple(actuals), edge,
                                      DEFAULT_EDGE_LEVELS[edge]))
        custom = f"{role.id}-custom"
        cases.append(Case(f"{custom}-random", role, "en", CUSTOM_POLICY, tuple(_random_actuals(role, rng, 0.1))))
        cases.append(Case(f"{custom}-high", role, "id", CUSTOM_POLICY,
                          tuple(a * 1.5 if isinstance(a, float) else a for a in _random_actuals(role, rng, 0))))
        for edge in CUSTOM_EDGES if n % 3 == 0 else ():
            actuals = _edge_actuals(role, edge, CUSTOM_POLICY)
            if actuals is not None:
                cases.append(Case(f"{custom}-edge-{_stem(edge)}", role, "en", CUSTOM_POLICY, tuple(actuals), edge,
                                  CUSTOM_EDGE_LEVELS[edge]))
    for role in builtin_roles()[::4]:
        base = f"{role.id}-edited"
        cases.append(Case(f"{base}-random", role, "id", EDITED_POLICY, tuple(_random_actuals(role, rng, 0.1)),
                          edit_policy=True))
        for edge in EDITED_EDGES:
            actuals = _edge_actuals(role, edge, EDITED_POLICY)
            if actuals is not None:
                cases.append(Case(f"{base}-edge-{_stem(edge)}", role, "en", EDITED_POLICY, tuple(actuals), edge,
                                  edit_policy=True))
    golden = next(r for r in builtin_roles() if r.id == "digital-marketing-specialist")
    for lang in ("en", "id"):
        cases.append(Case(f"golden-{lang}", golden, lang, default_policy(), tuple(GOLDEN_ACTUALS), None, 4))
    for name, actuals in AWKWARD_FILLS:
        for policy, tag in ((default, "default"), (CUSTOM_POLICY, "custom")):
            cases.append(Case(f"awkward-{name}-{tag}", AWKWARD_ROLE, "id" if tag == "custom" else "en", policy,
                              tuple(actuals)))
        if name in DUE_IN_TARGET_FILLS:
            cases.append(Case(f"awkward-{name}-due-in-target", AWKWARD_ROLE, "en", default, tuple(actuals),
                              due_in_target=True))
    return cases


CASES = _cases()
CASE_IDS = [c.stem for c in CASES]


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


@pytest.fixture(scope="session")
def recalculated(soffice, tmp_path_factory) -> dict[str, Path]:
    """Every case generated, filled, saved, and recalculated by LibreOffice: stem -> recalculated file."""
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
        path = folder / f"{case.stem}.xlsx"
        wb.save(path)
        paths.append(path)
    half = len(paths) // 2
    out = folder / "recalculated"
    # Two soffice processes, each with its own profile, share the work.
    with ThreadPoolExecutor(2) as pool:
        done = list(pool.map(lambda chunk: recalculate(chunk, out), (paths[:half], paths[half:])))
    return {p.stem: p for chunk in done for p in chunk}


ERROR_VALUES = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}


def _is_error(cell: Any) -> bool:
    value = cell.value
    return cell.data_type == "e" or (isinstance(value, str) and (value in ERROR_VALUES or value.startswith("Err:")))


def _blank(value: Any) -> bool:
    return value is None or value == ""


def _core(weights, actuals, targets, directions, tolerances, dues, policy):
    """score_scorecard, with a row whose actual the core refuses outright (text that is no number)
    counted as a refused row, as the spreadsheet shows it."""
    refused: dict[int, str] = {}
    while True:
        try:
            result = score_scorecard(weights, actuals, targets, directions, tolerances, dues, policy=policy)
        except KpiInputError as e:
            assert e.row is not None and e.row not in refused, e
            refused[e.row] = e.detail
            actuals[e.row] = None
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
    assert [k.weight for k in _kpis(case.role)] == weights
    assert [k.direction for k in _kpis(case.role)] == directions

    core = _core(weights, list(case.actuals), targets, directions, tolerances, dues, case.policy)
    scores = [c.value for c in _cells(wb, C.KPI_SCORE)]
    finals = [c.value for c in _cells(wb, C.KPI_FINAL)]
    for i, (got_score, got_final) in enumerate(zip(scores, finals)):
        want = core.scores[i]
        if i in core.problems:
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


def test_every_band_edge_is_covered_by_some_role():
    covered = {c.edge for c in CASES if c.policy is default_policy() and c.edge is not None}
    assert covered == set(DEFAULT_EDGES)
    covered = {c.edge for c in CASES if c.policy is EDITED_POLICY and c.edge is not None}
    assert covered == set(EDITED_EDGES)
    covered = {c.edge for c in CASES if c.policy is CUSTOM_POLICY and c.edge is not None}
    assert covered == set(CUSTOM_EDGES)


def test_every_builtin_role_is_recalculated_in_both_languages():
    pairs = {(c.role.id, c.lang) for c in CASES if c.policy is default_policy()}
    assert {(r.id, lang) for r in builtin_roles() for lang in ("en", "id")} <= pairs


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
    kra_sheet = wb.worksheets[1]
    assert "Rina Dewi" in [c.value for c in kra_sheet["B"]]


def test_awkward_rows_show_a_message_not_an_error(recalculated):
    wb = openpyxl.load_workbook(recalculated["awkward-bad_text-default"], data_only=True)
    scores = [c.value for c in _cells(wb, C.KPI_SCORE)]
    assert scores[0] == "actual is not a number"
    assert scores[6] == "actual is not a number"  # "maybe" is no milestone word
    assert scores[7] == 100  # "Sudah" is done
    wb = openpyxl.load_workbook(recalculated["awkward-early-custom"], data_only=True)
    scores = [c.value for c in _cells(wb, C.KPI_SCORE)]
    assert scores[2] == 100  # lower with target 0: actual -1 <= 0
    assert scores[3] == "aktual harus di atas 0"  # ratio method divides by the actual 0
    assert scores[6] == 100 and scores[7] == 100  # done before the due date; "selesai"


def test_text_numbers_and_completion_days_read_as_the_core_reads_them(recalculated):
    scores = _scores(recalculated, "awkward-text_numbers-default")
    assert scores == [pytest.approx(104), 100, 100, pytest.approx(125), 100, pytest.approx(97.5), 100, 100]
    scores = _scores(recalculated, "awkward-odd_text-default")
    assert scores[:7] == ["actual is not a number"] * 7  # 1,000 50% $5 a date 1e400 5- 1.5.2026
    assert scores[7] == 100  # 2: a date serial (1900-01-01), long before the due date
    scores = _scores(recalculated, "awkward-same_day-default")
    assert scores[6:] == [100, 0]  # 15:00 on the due date is on time; one minute into the next day is late
    scores = _scores(recalculated, "awkward-same_day-due-in-target")
    assert scores[6:] == [100, 0]
    wb = openpyxl.load_workbook(recalculated["awkward-same_day-due-in-target"], data_only=True)
    assert [c.value for c in _cells(wb, C.KPI_DUE)][6:] == [None, None]  # the target held the due date
    assert [c.value for c in _cells(wb, C.KPI_TARGET)][6:] == [46203, 46203]


def _scores(recalculated: dict[str, Path], stem: str) -> list[Any]:
    wb = openpyxl.load_workbook(recalculated[stem], data_only=True)
    return [c.value for c in _cells(wb, C.KPI_SCORE)]
