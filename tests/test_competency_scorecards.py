"""Competencies and the final rating on generated scorecards: the worked example (digital marketing
specialist, KPI value 113.65) with competency ratings chosen so the final rating
(0.7 x 113.65 + 0.3 x competency %) lands on a band edge or just above it, filled, recalculated by
LibreOffice and by Gnumeric (native formulas) and evaluated here with the cell functions (udf formulas),
read back and compared with the core (`competency_score`, `final_rating`, `band_for`), in both languages.

With kpi 70 / competencies 30 and ratings 1 to 5 (3 meets = 100 %) the final rating runs from 89.555 to
129.555, so of the default edges (70, 95, 105, 130) the fills reach 95 and 105: two competencies rated
1 and 2 (or 2 and 3) weighted 45.55 and 54.45 give exactly 95 (105); 45.54 and 54.46 give just above. A
policy weighing kpi 40 / competencies 60 reaches the other two: ratings 1 and 2 (or 4 and 5) weighted 77.3
and 22.7 give a competency result of 40.9 (140.9) and exactly 70 (130); 77.29 and 22.71 just above.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from engines import recalculate_gnumeric, recalculate_libreoffice

from kpi_xl import contract as C
from kpi_xl.errors import RoleError
from kpi_xl.excel.udfs import KPI_BAND, KPI_BONUS, KPI_COMPETENCY, KPI_LABEL, KPI_RAISE, KPI_RATING
from kpi_xl.policy import load_policy, policy_from_dict
from kpi_xl.roles import Competency, builtin_role, check_role
from kpi_xl.scorecard import build_scorecard
from kpi_xl.scoring import attendance_percent, band_for, competency_score, final_rating, score_scorecard

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "policy-with-competencies.yaml"
WITH_COMPETENCIES = load_policy(TEMPLATE)
ROLE = builtin_role("digital-marketing-specialist")
ACTUALS = [50, 1_500_000, 32, 6, 22, 21, 33]
KPI = score_scorecard([k.weight for _, k in ROLE.kpi_rows()], ACTUALS, [k.target for _, k in ROLE.kpi_rows()],
                      [k.direction for _, k in ROLE.kpi_rows()], policy=WITH_COMPETENCIES).kpi_value
WITH_ATTENDANCE = policy_from_dict({
    "bands": [{"level": b.level, "above": b.above, "label": {"en": b.label_en, "id": b.label_id}, "bonus": b.bonus,
               "raise": b.raise_text} for b in WITH_COMPETENCIES.bands],
    "rating": {"components": {"kpi": 60, "competencies": 30, "attendance": 10}},
    "competencies": [{"name": {"en": "Integrity", "id": "Integritas"}}, {"name": {"en": "Teamwork", "id": "Kerja sama"}}],
}, "attendance policy")


WIDE = policy_from_dict({
    "bands": [{"level": b.level, "above": b.above, "label": {"en": b.label_en, "id": b.label_id}, "bonus": b.bonus,
               "raise": b.raise_text} for b in WITH_COMPETENCIES.bands],
    "rating": {"components": {"kpi": 40, "competencies": 60}},
}, "kpi 40 / competencies 60")


def _two(w1: float, w2: float) -> Any:
    return ROLE.model_copy(update={"competencies": [
        Competency(name={"en": "Ownership", "id": "Kepemilikan"}, weight=w1,
                   description={"en": "Owns the work", "id": "Memiliki pekerjaan"}),
        Competency(name={"en": "Collaboration", "id": "Kolaborasi"}, weight=w2)]})


@dataclass(frozen=True)
class Fill:
    case: str
    role: Any
    policy: Any
    supervisor: tuple[float | None, ...]
    self_rating: tuple[float | None, ...]
    days: tuple[float, float] | None = None  # days present, working days
    edge: float | None = None  # the final rating the fill aims at


FILLS = [
    Fill("edge95", _two(45.55, 54.45), WITH_COMPETENCIES, (1, 2), (3, 3), edge=95.0),
    Fill("above95", _two(45.54, 54.46), WITH_COMPETENCIES, (1, 2), (2, 2)),
    Fill("edge105", _two(45.55, 54.45), WITH_COMPETENCIES, (2, 3), (5, 4), edge=105.0),
    Fill("above105", _two(45.54, 54.46), WITH_COMPETENCIES, (2, 3), (3, 3)),
    Fill("company", ROLE, WITH_COMPETENCIES, (3, 4, 3, 5, 2), (4, 4, 4, 4, 4)),
    Fill("blank", ROLE, WITH_COMPETENCIES, (3, 4, None, 5, 2), (4, 4, 4, 4, 4)),
    Fill("attendance", ROLE, WITH_ATTENDANCE, (3, 5), (3, 3), days=(20, 22)),
    Fill("edge70", _two(77.3, 22.7), WIDE, (1, 2), (1, 1), edge=70.0),
    Fill("above70", _two(77.29, 22.71), WIDE, (1, 2), (2, 2)),
    Fill("edge130", _two(77.3, 22.7), WIDE, (4, 5), (5, 5), edge=130.0),
    Fill("above130", _two(77.29, 22.71), WIDE, (4, 5), (4, 4)),
]
LANGS = ("en", "id")


def _expected(fill: Fill) -> dict[str, Any]:
    """The core's competency result, final rating and its band; None where the sheet stays blank."""
    weights = [c.weight for c in fill.role.competencies] or [c.weight for c in fill.policy.competencies]
    weights = None if None in weights else weights
    if None in fill.supervisor:  # the sheet waits for every supervisor rating
        return {"competency": None, "final": None, "level": None}
    comp = competency_score(list(fill.supervisor), weights, policy=fill.policy)
    att = attendance_percent(*fill.days) if fill.days else None
    final = final_rating(KPI, comp, att, policy=fill.policy)
    band = band_for(final, policy=fill.policy)
    return {"competency": comp, "final": final, "level": band.level, "band": band, "attendance": att}


def _where(wb: openpyxl.Workbook, name: str) -> tuple[str, str]:
    ((sheet, ref),) = list(wb.defined_names[name].destinations)
    return sheet, ref.replace("$", "")


def _column(wb: openpyxl.Workbook, name: str) -> list[Any]:
    sheet, ref = _where(wb, name)
    return [row[0] for row in wb[sheet][ref]]


def _fill(fill: Fill, lang: str, formulas: str) -> openpyxl.Workbook:
    wb = build_scorecard(fill.role, lang=lang, formulas=formulas, policy=fill.policy)
    for cell, value in zip(_column(wb, C.KPI_ACTUAL), ACTUALS):
        cell.value = value
    for cell, value in zip(_column(wb, C.COMPETENCY_SUPERVISOR), fill.supervisor):
        cell.value = value
    for cell, value in zip(_column(wb, C.COMPETENCY_SELF), fill.self_rating):
        cell.value = value
    if fill.days:
        for name, value in zip((C.ATTENDANCE_PRESENT, C.ATTENDANCE_DAYS), fill.days):
            sheet, ref = _where(wb, name)
            wb[sheet][ref] = value
    return wb


def test_the_fills_reach_the_edges_in_the_core():
    for fill in FILLS:
        if fill.edge is not None:
            assert _expected(fill)["final"] == pytest.approx(fill.edge, abs=1e-9)
    levels = {f.case: _expected(f)["level"] for f in FILLS}
    assert levels == {"edge95": 2, "above95": 3, "edge105": 3, "above105": 4, "company": 4, "blank": None,
                      "attendance": 4, "edge70": 1, "above70": 2, "edge130": 4, "above130": 5}


@pytest.fixture(scope="module")
def native_files(tmp_path_factory) -> dict[tuple[str, str], Path]:
    folder = tmp_path_factory.mktemp("competency-native")
    files = {}
    for fill in FILLS:
        for lang in LANGS:
            path = folder / f"{fill.case}-{lang}.xlsx"
            _fill(fill, lang, "native").save(path)
            files[fill.case, lang] = path
    return files


@pytest.fixture(scope="module", params=["libreoffice", "gnumeric"])
def recalculated(request, native_files, tmp_path_factory) -> dict[tuple[str, str], openpyxl.Workbook]:
    request.getfixturevalue("soffice" if request.param == "libreoffice" else "gnumeric")
    engine = recalculate_libreoffice if request.param == "libreoffice" else recalculate_gnumeric
    keys = list(native_files)
    outputs = engine([native_files[k] for k in keys], tmp_path_factory.mktemp(f"competency-{request.param}"))
    return {k: openpyxl.load_workbook(p, data_only=True) for k, p in zip(keys, outputs)}


def _value(generated: openpyxl.Workbook, result: openpyxl.Workbook, name: str) -> Any:
    sheet, ref = _where(generated, name)
    value = result[sheet][ref].value
    return None if value == "" else value


@pytest.mark.filterwarnings("ignore:Workbook contains no default style:UserWarning")
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fill", FILLS, ids=[f.case for f in FILLS])
@pytest.mark.engine  # LibreOffice and Gnumeric, chosen by the fixture's parameter
def test_native_formulas_give_the_cores_final_rating(recalculated, native_files, fill: Fill, lang: str):
    generated = openpyxl.load_workbook(native_files[fill.case, lang])
    book = recalculated[fill.case, lang]
    want = _expected(fill)
    assert _value(generated, book, C.KPI_VALUE) == pytest.approx(KPI, abs=1e-9)
    got = {n: _value(generated, book, n) for n in (C.COMPETENCY_SCORE, C.FINAL_RATING, C.FINAL_LEVEL,
                                                   C.FINAL_LABEL, C.FINAL_BONUS, C.FINAL_RAISE)}
    if want["final"] is None:
        assert got == dict.fromkeys(got)  # blank, never a wrong number
        return
    assert got[C.COMPETENCY_SCORE] == pytest.approx(want["competency"], abs=1e-9)
    assert got[C.FINAL_RATING] == pytest.approx(want["final"], abs=1e-9)
    band = want["band"]
    assert (got[C.FINAL_LEVEL], got[C.FINAL_LABEL], got[C.FINAL_BONUS], got[C.FINAL_RAISE]) == (
        band.level, band.label(lang), band.bonus, band.raise_text)
    if fill.days:
        assert _value(generated, book, C.ATTENDANCE_PERCENT) == pytest.approx(want["attendance"], abs=1e-9)
    percents = [book[s][c].value for s, c in
                [(_where(generated, C.COMPETENCY_PERCENT)[0], cell.coordinate)
                 for cell in _column(generated, C.COMPETENCY_PERCENT)]]
    assert [None if p in ("", None) else round(p, 9) for p in percents] == [
        None if r is None else round(r / 3 * 100, 9) for r in fill.supervisor]


# --- udf formulas: the formula text, evaluated with the cell functions (no engine has the add-in) -------


def _range_values(wb: openpyxl.Workbook, name: str) -> list[list[Any]]:
    sheet, ref = _where(wb, name)
    block = wb[sheet][ref]
    return [[c.value for c in row] for row in block] if isinstance(block, tuple) else [[block.value]]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fill", FILLS, ids=[f.case for f in FILLS])
def test_udf_formulas_call_the_cell_functions_with_the_cores_result(fill: Fill, lang: str):
    wb = _fill(fill, lang, "udf")
    want = _expected(fill)
    formula = {n: wb[_where(wb, n)[0]][_where(wb, n)[1]].value for n in C.FINAL_FIELDS + (C.COMPETENCY_SCORE,)}
    weighted = all(c.weight is not None for c in (fill.role.competencies or fill.policy.competencies))
    n = len(fill.supervisor)
    weights = C.COMPETENCY_WEIGHT if weighted else ""
    assert formula[C.COMPETENCY_SCORE] == (f'=IF(COUNT({C.COMPETENCY_SUPERVISOR})<{n},"",KPI_COMPETENCY('
                                           f'{C.COMPETENCY_SUPERVISOR},{weights},{C.POLICY_TABLE}))')
    attendance = C.ATTENDANCE_PERCENT if fill.days else '""'
    assert formula[C.FINAL_RATING] == f"=KPI_RATING({C.KPI_VALUE},{C.COMPETENCY_SCORE},{attendance},{C.POLICY_TABLE})"
    assert formula[C.FINAL_LEVEL] == f'=IF(ISNUMBER({C.FINAL_RATING}),KPI_BAND({C.FINAL_RATING},{C.POLICY_TABLE}),"")'
    # Evaluate as Excel would: the named ranges' values into the functions, the Policy sheet as the policy.
    table = _range_values(wb, C.POLICY_TABLE)
    ratings = _range_values(wb, C.COMPETENCY_SUPERVISOR)
    comp = None if any(r[0] is None for r in ratings) else KPI_COMPETENCY(
        ratings, _range_values(wb, C.COMPETENCY_WEIGHT) if weighted else None, table)
    att = attendance_percent(*fill.days) if fill.days else ""
    final = KPI_RATING(KPI, "" if comp is None else comp, att, table)
    if want["final"] is None:
        assert comp is None and final is None
        return
    assert comp == pytest.approx(want["competency"], abs=1e-9)
    assert final == pytest.approx(want["final"], abs=1e-9)
    band = want["band"]
    assert (KPI_BAND(final, table), KPI_LABEL(final, lang, table), KPI_BONUS(final, 1, table),
            KPI_RAISE(final, table)) == (band.level, band.label(lang), band.bonus, band.raise_text)


# --- the sheet itself -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "sheet"), [("en", "Competencies"), ("id", "Kompetensi")])
def test_the_competencies_sheet_has_drop_downs_on_the_scale_unlocked_and_protected(lang, sheet):
    wb = build_scorecard(ROLE, lang=lang, policy=WITH_COMPETENCIES)
    assert wb.sheetnames[1] == sheet
    ws = wb[sheet]
    assert ws.protection.sheet
    names = [c.value for c in _column(wb, C.COMPETENCY_NAME)]
    assert names == [c.name(lang) for c in WITH_COMPETENCIES.competencies]
    assert [c.value for c in _column(wb, C.COMPETENCY_WEIGHT)] == [25, 20, 20, 20, 15]
    for name in (C.COMPETENCY_SELF, C.COMPETENCY_SUPERVISOR, C.COMPETENCY_COMMENT):
        assert all(not c.protection.locked for c in _column(wb, name))
    assert all(c.protection.locked for c in _column(wb, C.COMPETENCY_PERCENT))
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "list" and dv.formula1 == '"1,2,3,4,5"'
    cells = {str(r) for r in dv.sqref.ranges}
    assert cells == {f"E{r}:F{r}" for r in range(6, 11)}


def test_without_the_component_the_scorecard_has_no_competency_sheet_nor_final_rating():
    wb = build_scorecard(ROLE)
    assert "Competencies" not in wb.sheetnames
    assert not {C.FINAL_RATING, C.COMPETENCY_SCORE, C.POLICY_WEIGHT_KPI} & set(wb.defined_names)


def test_attendance_inputs_only_where_the_policy_weighs_attendance():
    assert C.ATTENDANCE_PRESENT not in build_scorecard(ROLE, policy=WITH_COMPETENCIES).defined_names
    wb = build_scorecard(ROLE, policy=WITH_ATTENDANCE)
    for name in (C.ATTENDANCE_PRESENT, C.ATTENDANCE_DAYS):
        sheet, ref = _where(wb, name)
        assert not wb[sheet][ref].protection.locked


def test_a_policy_weighing_competencies_with_none_listed_refuses_a_role_without_its_own():
    bare = policy_from_dict({"bands": [
        {"level": 1, "above": None, "label": {"en": "Low", "id": "Rendah"}, "bonus": 0, "raise": "0%"},
        {"level": 2, "above": 100, "label": {"en": "High", "id": "Tinggi"}, "bonus": 1, "raise": "5%"}],
        "rating": {"components": {"kpi": 70, "competencies": 30}}}, "bare.yaml")
    with pytest.raises(RoleError, match="weighs competencies, but neither role 'digital-marketing-specialist' "
                                        "nor the policy lists any"):
        build_scorecard(ROLE, policy=bare)
    assert build_scorecard(_two(50, 50), policy=bare)["Competencies"]["B6"].value == "Ownership"


@pytest.mark.parametrize(("weights", "severity", "words"), [
    ((60, 30), "warning", "competency weights sum to 90, not 100"),
    ((60, None), "error", "some competencies have a weight and some do not"),
    ((50, 50), None, None),
    ((None, None), None, None),
])
def test_role_checks_on_competency_weights(weights, severity, words):
    role = _two(*weights) if None not in weights else ROLE.model_copy(update={"competencies": [
        Competency(name={"en": "A", "id": "A"}, weight=weights[0]), Competency(name={"en": "B", "id": "B"}, weight=weights[1])]})
    found = [(f.severity, f.message) for f in check_role(role) if "competenc" in f.message]
    assert found == ([] if words is None else [(severity, words)])


@pytest.mark.parametrize(("competencies", "words"), [
    ([{"name": "Integrity"}], r"competencies\[0\].name: needs text for both 'en' and 'id'"),
    ([{"name": {"en": "A", "id": "A"}, "weight": 0}], r"competencies\[0\].weight: 0 must be above 0"),
    ([{"name": {"en": "A", "id": "A"}, "weight": 60}, {"name": {"en": "B", "id": "B"}}], "competencies: give every competency a weight, or none"),
    ([{"name": {"en": "A", "id": "A"}, "weight": 60}, {"name": {"en": "B", "id": "B"}, "weight": 30}], "competencies: the weights sum to 90, not 100"),
    ([{"name": {"en": "A", "id": "A"}, "description": {"en": "x"}}], r"competencies\[0\].description: needs text for both"),
    ([{"name": {"en": "A", "id": "A"}, "level": 3}], r"competencies\[0\]: unknown field\(s\) level"),
    ([{"name": {"en": "A", "id": "A"}}, {"name": {"en": "a", "id": "B"}}], r"competencies\[1\].name: 'a' appears twice"),
    ("Integrity", "competencies: expected a list"),
])
def test_a_broken_competency_list_is_refused_naming_the_field(competencies, words):
    from kpi_xl.errors import PolicyError
    data = {"bands": [{"level": 1, "above": None, "label": {"en": "L", "id": "R"}, "bonus": 0, "raise": "0%"},
                      {"level": 2, "above": 100, "label": {"en": "H", "id": "T"}, "bonus": 1, "raise": "5%"}],
            "competencies": competencies}
    with pytest.raises(PolicyError, match=f"^company.yaml: {words}"):
        policy_from_dict(data, "company.yaml")


def test_the_example_policy_file():
    assert WITH_COMPETENCIES.rating.weights == (("kpi", 70.0), ("competencies", 30.0))
    assert len(WITH_COMPETENCIES.competencies) == 5
    assert all(c.name_id and c.name_en and c.description_en and c.description_id for c in WITH_COMPETENCIES.competencies)
    assert math.isclose(KPI, 113.65)


@pytest.mark.parametrize("fill", [f for f in FILLS if f.days is None], ids=lambda f: f.case)
def test_the_rollup_of_the_filled_scorecards_gives_the_cores_final_rating(fill, native_files, tmp_path):
    """The fourth path: the rollup reads the filled (not recalculated) scorecard through its defined names
    and recomputes the final rating with the core: the same value and level at every edge."""
    from kpi_xl.rollup import rollup

    expected = _expected(fill)
    for lang in LANGS:
        row = rollup(native_files[fill.case, lang], None, policy=fill.policy).summary.iloc[0]
        assert round(float(row["kpi_value"]), 2) == 113.65
        if expected["final"] is None:
            assert math.isnan(float(row["final_rating"]))
            continue
        assert float(row["final_rating"]) == pytest.approx(expected["final"], abs=1e-6)
        assert int(row["level"]) == expected["level"]
