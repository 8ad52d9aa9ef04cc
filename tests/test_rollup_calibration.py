"""The final rating in the rollup (generated and hand-made competency tables), calibration (the
Calibration sheet's flags, HR's calibration workbook kept across rollups) and the bonus budget, with
values worked out by hand."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from kpi_xl import contract as C
from kpi_xl.cli import app
from kpi_xl.policy import load_policy
from kpi_xl.roles import builtin_role
from kpi_xl.rollup import rollup
from kpi_xl.rollup.calibration_file import read_calibrations
from kpi_xl.scorecard import build_scorecard
from kpi_xl.scoring import budget_factor, competency_score, final_rating, score_scorecard

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "policy-with-competencies.yaml"
POLICY = load_policy(TEMPLATE)
ACTUALS = [50, 1_500_000, 32, 6, 22, 21, 33]
SALARY = 10_000_000


def _names(wb: openpyxl.Workbook, name: str) -> list:
    ((sheet, ref),) = list(wb.defined_names[name].destinations)
    cells = wb[sheet][ref.replace("$", "")]
    return [row[0] for row in cells] if isinstance(cells, tuple) else [cells]


def _handmade(folder: Path, eid: str, supervisor: str, actual: float, rating: int, *, lang: str = "id") -> None:
    """A hand-made scorecard: one KPI row and a competency table (Indonesian or English headers)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "KPI"
    if lang == "id":
        head = [["Nama", eid], ["NIK", eid], ["Departemen", "Penjualan"], ["Atasan", supervisor], [],
                ["Indikator", "Bobot", "Target", "Aktual"], ["Penjualan", 100, 100, actual], ["Total", 100], [],
                ["Kompetensi", "Perilaku", "Bobot", "Nilai Diri", "Nilai Atasan"]]
    else:
        head = [["Name", eid], ["Employee ID", eid], ["Department", "Sales"], ["Supervisor", supervisor], [],
                ["Indicator", "Weight", "Target", "Actual"], ["Sales", 100, 100, actual], ["Total", 100], [],
                ["Competency", "Behaviour", "Weight", "Self rating", "Supervisor rating"]]
    for row in head:
        ws.append(row)
    ws.append(["Integritas", "Jujur", 100, rating, rating])
    wb.save(folder / f"{eid}.xlsx")


def _department(tmp_path: Path) -> tuple[Path, Path]:
    """Sales: Lenny rates leniently (levels 5, 5, 5), Harry harshly (1, 1, 1), Mia as the company (3, 3, 3)."""
    cards = tmp_path / "cards"
    cards.mkdir()
    for i, a in enumerate([140, 140, 120]):
        _handmade(cards, f"L{i}", "Lenny", a, 5)
    for i, a in enumerate([60, 60, 80]):
        _handmade(cards, f"H{i}", "Harry", a, 1)
    for i in range(3):
        _handmade(cards, f"M{i}", "Mia", 100, 3)
    roster = tmp_path / "roster.csv"
    roster.write_text("Employee ID,Name,Role,Department,Supervisor,Monthly salary\n" + "".join(
        f"{p}{i},{p}{i},Sales rep,Penjualan,{s},{SALARY}\n" for p, s in (("L", "Lenny"), ("H", "Harry"), ("M", "Mia"))
        for i in range(3)))
    return cards, roster


def test_final_rating_read_from_a_generated_scorecard_equals_the_core(tmp_path):
    role = builtin_role("digital-marketing-specialist")
    wb = build_scorecard(role, lang="en", formulas="native", policy=POLICY)
    for cell, value in zip(_names(wb, C.KPI_ACTUAL), ACTUALS):
        cell.value = value
    supervisor, own = [3, 4, 3, 5, 2], [5, 4, 4, 4, 4]
    for cell, value in zip(_names(wb, C.COMPETENCY_SUPERVISOR), supervisor):
        cell.value = value
    for cell, value in zip(_names(wb, C.COMPETENCY_SELF), own):
        cell.value = value
    _names(wb, C.FINAL_RATING)[0].value = 99.0  # typed over the formula
    wb.save(tmp_path / "budi.xlsx")
    result = rollup([tmp_path / "budi.xlsx"], None, policy=POLICY)
    rows = list(role.kpi_rows())
    kpi = score_scorecard([k.weight for _, k in rows], ACTUALS, [k.target for _, k in rows],
                          [k.direction for _, k in rows], policy=POLICY).kpi_value
    assert kpi == pytest.approx(113.65)
    comp = competency_score(supervisor, [c.weight for c in POLICY.competencies], policy=POLICY)
    row = result.summary.iloc[0]
    assert row["kpi_value"] == pytest.approx(113.65)
    assert row["competency"] == pytest.approx(comp) == pytest.approx(115.0)  # (3x25+4x20+3x20+5x20+2x15)/3
    assert row["final_rating"] == pytest.approx(final_rating(kpi, comp, policy=POLICY)) == pytest.approx(114.055)
    assert (row["level"], row["kpi_level"], row["status"]) == (4, 4, "complete")
    messages = [i.message for i in result.issues]
    assert any("final rating in the file is 99 but computes to 114.06" in m for m in messages)
    assert not any("total of the final scores" in m for m in messages)
    gaps = [i for i in result.issues if "self-rating" in i.message]
    assert [(i.sheet, i.cell) for i in gaps] == [("Competencies", "E6"), ("Competencies", "E10")]
    assert row["issues"] == 3  # the two gaps on the Competencies sheet and the cached final rating


def test_a_handmade_sheet_with_an_indonesian_competency_table(tmp_path):
    _handmade(tmp_path, "E01", "Ani", 112, 4)
    result = rollup([tmp_path], None, policy=POLICY, lang="id")
    row = result.summary.iloc[0]
    # 4 of 5, meets 3: 133.33 %; 0.7 x 112 + 0.3 x 133.333333 = 118.4
    assert row["competency"] == pytest.approx(133.333333)
    assert row["final_rating"] == pytest.approx(118.4)
    assert row["level"] == 4


@pytest.mark.parametrize("supervisor, message, status", [
    (None, "supervisor rating of 'Integritas' is missing", "incomplete"),
    (7, "supervisor rating 7 of 'Integritas' is off the scale 1 to 5", "error"),
])
def test_rating_problems_are_issues(tmp_path, supervisor, message, status):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [["NIK", "E01"], ["Indikator", "Bobot", "Target", "Aktual"], ["Penjualan", 100, 100, 100],
                ["Total", 100], [], ["Kompetensi", "Nilai Diri", "Nilai Atasan"], ["Integritas", 3, supervisor]]:
        ws.append(row)
    wb.save(tmp_path / "e01.xlsx")
    result = rollup([tmp_path], None, policy=POLICY)
    assert any(message in i.message for i in result.issues)
    assert result.summary.iloc[0]["status"] == status
    assert result.summary.iloc[0]["bonus_multiple"] != result.summary.iloc[0]["bonus_multiple"] or status != "error"


def test_lenient_and_harsh_supervisors_are_flagged(tmp_path):
    cards, roster = _department(tmp_path)
    result = rollup([cards], tmp_path / "summary.xlsx", policy=POLICY, roster=roster)
    frame = result.tables.calibration.frame
    flags = dict(zip(frame["name"], frame["supervisor_flag"]))
    # Company mean level (5+5+5+1+1+1+3+3+3)/9 = 3; Lenny 5 (+2), Harry 1 (-2), Mia 3: threshold 0.5.
    assert flags == {"Penjualan": "", "Harry": "harsh", "Lenny": "lenient", "Mia": ""}
    dept = frame[frame["group"] == "department"].iloc[0]
    assert (dept["count:5"], dept["count:3"], dept["count:1"]) == (3, 3, 3)
    assert dept["share:3"] == pytest.approx(100 / 3)
    assert dept["off_target"] == [5, 4, 3, 2, 1]  # 33.3 % against 5, 20, 50, 20, 5 (± 5)
    wb = openpyxl.load_workbook(tmp_path / "summary.xlsx")
    assert "Calibration" in wb.sheetnames
    text = " ".join(str(c) for row in wb["Calibration"].iter_rows(values_only=True) for c in row if c)
    assert "lenient" in text and "harsh" in text and "more than 0.5" in text


def test_a_policy_without_components_keeps_the_summary_as_today(tmp_path):
    _handmade(tmp_path, "E01", "Ani", 112, 4)
    result = rollup([tmp_path], None)
    assert "final_rating" not in result.summary and result.tables.calibration is None


def test_calibrations_applied_refused_and_kept_across_two_rollups(tmp_path):
    cards, roster = _department(tmp_path)
    cal = tmp_path / "calibration.xlsx"
    first = rollup([cards], tmp_path / "s.xlsx", policy=POLICY, roster=roster, calibration=cal)
    assert first.calibration_starter == cal and cal.exists()
    ids = [e.employee_id for e in read_calibrations(cal)]
    assert ids == []  # nothing calibrated yet: the starter lists employees only
    wb = openpyxl.load_workbook(cal)
    ws = wb.active
    listed = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
    assert listed == ["H0", "H1", "H2", "L0", "L1", "L2", "M0", "M1", "M2"]
    ws["G2"], ws["H2"], ws["I2"], ws["J2"] = 3, "calibration committee: led the key account", "HR Ani", "2026-02-01"
    ws["G3"] = 2  # no reason: refused
    ws["G4"], ws["H4"] = 9, "typo"  # no such level
    wb.save(cal)
    before = cal.read_bytes()
    for _ in range(2):  # a second rollup finds the same calibrations: the file is never written over
        result = rollup([cards], tmp_path / "s.xlsx", policy=POLICY, roster=roster, calibration=cal)
        assert cal.read_bytes() == before and result.calibration_starter is None
        s = result.summary.set_index("employee_id")
        assert (s.loc["H0", "level"], s.loc["H0", "calibrated_level"]) == (1, 3)
        assert s.loc["H0", "bonus_amount"] == 1 * SALARY  # level 3 pays 1 x salary, not level 1's 0.25
        assert s.loc["H0", "calibration_reason"].startswith("calibration committee")
        assert s.loc["H0", "calibrated_by"] == "HR Ani, 2026-02-01"
        assert s.loc["H1", "calibrated_level"] != s.loc["H1", "calibrated_level"]  # NaN: not applied
        assert s.loc["H1", "bonus_amount"] == 0.25 * SALARY
        messages = [i.message for i in result.issues]
        assert any("H1 to level 2 has no reason: not applied" in m for m in messages)
        assert any("'9' of H2 is not a level of the policy" in m for m in messages)
        assert result.calibrations_applied == 1


def test_budget_totals_and_the_fitted_factor(tmp_path):
    cards, roster = _department(tmp_path)
    # At policy multiples: 3 x 2 (level 5) + 3 x 1 (level 3) + 3 x 0.25 (level 1) = 9.75 salaries = 97.5 M.
    total = 97_500_000
    budget = 60_000_000
    factor = budget / total
    assert budget_factor([20e6] * 3 + [10e6] * 3 + [2.5e6] * 3, budget) == pytest.approx(factor)
    plain = rollup([cards], None, policy=POLICY, roster=roster, bonus_budget=budget)
    cal = plain.tables.calibration
    assert cal.total_at_policy == total and cal.factor == pytest.approx(factor) and not cal.fitted
    assert plain.summary["bonus_amount"].sum() == total  # never changed without --fit-budget
    fitted = rollup([cards], tmp_path / "s.xlsx", policy=POLICY, roster=roster, bonus_budget=budget, fit_budget=True)
    assert fitted.summary["bonus_amount"].sum() == pytest.approx(budget)
    assert list(fitted.summary["bonus_at_policy"]) == list(plain.summary["bonus_amount"])
    assert fitted.summary.set_index("employee_id").loc["L0", "bonus_amount"] == pytest.approx(2 * SALARY * factor)
    ws = openpyxl.load_workbook(tmp_path / "s.xlsx")["Summary"]
    text = " ".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str))
    assert "multiplied by 0.6154" in text


@pytest.mark.parametrize("lang, words", [("en", ("Bonus budget", "multiplied by 0.6154", "Harry (harsh)")),
                                         ("id", ("Anggaran bonus", "dikalikan 0.6154", "Harry (ketat)"))])
def test_console_says_the_budget_and_the_flags(tmp_path, lang, words):
    cards, roster = _department(tmp_path)
    out = CliRunner().invoke(app, ["rollup", str(cards), "-o", str(tmp_path / "s.xlsx"), "--roster", str(roster),
                                   "--policy", str(TEMPLATE), "--bonus-budget", "60000000", "--fit-budget",
                                   "--lang", lang], env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    for w in words:
        assert w in out.output


def test_fit_budget_without_a_budget_is_refused(tmp_path):
    cards, _ = _department(tmp_path)
    out = CliRunner().invoke(app, ["rollup", str(cards), "-o", str(tmp_path / "s.xlsx"), "--policy", str(TEMPLATE),
                                   "--fit-budget"])
    assert out.exit_code != 0 and "needs a bonus budget" in out.output


BANDS = [{"level": b.level, "above": b.above, "label": {"en": b.label_en, "id": b.label_id}, "bonus": b.bonus,
          "raise": b.raise_text} for b in POLICY.bands]


@pytest.mark.parametrize("block, message", [
    ({"target": {5: 5, 4: 20, 3: 50, 2: 20, 1: 4}}, "calibration.target: the shares sum to 99, not 100"),
    ({"target": {6: 100}}, "calibration.target: 6 is not a level of the policy's bands"),
    ({"target": {3: 100}, "tolerance": -1}, "calibration.tolerance: -1 is below 0"),
    ({"target": {3: 100}, "spread": 1}, "calibration: unknown field(s) spread"),
])
def test_a_calibration_block_refused(block, message):
    from kpi_xl.errors import PolicyError
    from kpi_xl.policy import policy_from_dict

    with pytest.raises(PolicyError, match=message.replace("(", r"\(").replace(")", r"\)")):
        policy_from_dict({"bands": BANDS, "calibration": block}, "p.yaml")


def test_the_policy_bonus_budget_is_the_default_budget():
    from kpi_xl.policy import policy_from_dict

    assert policy_from_dict({"bands": BANDS, "bonus_budget": 5e7}).bonus_budget == 5e7
    assert POLICY.calibration.share(3) == 50 and POLICY.calibration.supervisor_threshold == 0.5


def test_a_calibration_matches_its_period_in_any_form():
    from kpi_xl.rollup.calibration import period_key

    assert period_key("2025-Q4") == period_key("Q4 2025") == period_key("TW IV 2025") == period_key(" q4 2025 ")
    assert period_key("2025") == period_key(2025.0)
    assert period_key("Akhir tahun") == "akhir tahun"  # not a period kpi-xl reads: as typed, case aside


def test_with_ratings_calibrations_and_a_budget_every_sheet_still_prints_one_page_wide_at_8_pt(tmp_path):
    from kpi_xl.rollup.layout import MIN_PRINT_SCALE, PRINT_WIDTH_CHARS, summary_sheets

    cards, roster = _department(tmp_path)
    cal = tmp_path / "calibration.xlsx"
    rollup([cards], None, policy=POLICY, roster=roster, calibration=cal)  # the starter file
    wb = openpyxl.load_workbook(cal)
    wb.active["G2"], wb.active["H2"], wb.active["I2"] = 3, "calibration committee", "HR Ani"
    wb.save(cal)
    result = rollup([cards], None, policy=POLICY, roster=roster, calibration=cal, bonus_budget=60_000_000,
                    fit_budget=True)
    limit = min(PRINT_WIDTH_CHARS.values()) / MIN_PRINT_SCALE
    for lang in ("en", "id"):
        for sheet in summary_sheets(result.tables, lang):
            shown = [c for c in sheet.columns if not c.hidden]
            assert sum(c.width for c in shown) <= limit, (lang, sheet.name)
        summary = summary_sheets(result.tables, lang)[0]
        kept = [c.key for c in summary.columns if not c.hidden]
        assert {"employee_id", "name", "final_rating", "level", "calibrated_level", "calibration_reason",
                "bonus_amount"} <= set(kept)
