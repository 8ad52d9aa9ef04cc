"""Review periods in the rollup: periods read from every source, the annual result per employee, the
Periods sheet, a missing quarter under each policy, earlier summaries (--history) and duplicates per
normalised period. Every expected value is worked out by hand below."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from kpi_xl.policy import default_policy
from kpi_xl.rollup import rollup

from rollup_helpers import one_kpi_card as card


def run(inputs: Any, out: Path | None = None, **kw: Any):
    return rollup(inputs, out, **kw)


def messages(result, severity: str | None = None) -> list[str]:
    return [i.message for i in result.issues if severity is None or i.severity == severity]


# --- reading the period from each source ---------------------------------------------------------------


def test_hand_made_indonesian_period_is_normalised(tmp_path: Path) -> None:
    card(tmp_path / "a.xlsx", 100, period="TW I 2026")
    result = run(tmp_path, lang="id")
    assert list(result.summary["period"]) == ["TW I 2026"]
    result = run(tmp_path, lang="en")
    assert list(result.summary["period"]) == ["Q1 2026"]


def test_roster_gives_the_period(tmp_path: Path) -> None:
    from kpi_xl.roster import Employee

    card(tmp_path / "cards" / "a.xlsx", 100)
    employees = [Employee(employee_id="E1", name="Ana", department="Sales", supervisor="", role="",
                          period="2026-Q2", monthly_salary=None, potential=None, row=2)]
    result = run(tmp_path / "cards", roster=employees)
    assert list(result.summary["period"]) == ["Q2 2026"]


def test_folder_name_gives_the_period(tmp_path: Path) -> None:
    card(tmp_path / "2026-Q3" / "a.xlsx", 100)
    result = run(tmp_path / "2026-Q3")
    assert list(result.summary["period"]) == ["Q3 2026"]
    assert any("taken from its folder '2026-Q3'" in m for m in messages(result, "info"))


def test_unreadable_period_is_a_warning_naming_the_cell(tmp_path: Path) -> None:
    card(tmp_path / "a.xlsx", 100, period="Kuartal pertama")
    result = run(tmp_path)
    assert list(result.summary["period"]) == ["Kuartal pertama"]  # shown as typed
    assert result.summary["status"].iat[0] == "complete"  # the scorecard stays
    [issue] = [i for i in result.issues if "not a period" in i.message]
    assert issue.severity == "warning" and issue.cell == "B3"
    assert "Q1 2026, 2026-Q1, TW I 2026" in issue.message


# --- four quarterly folders: per-period and annual results --------------------------------------------

# Ana: 90, 100, 110, 120 -> mean 105 (level 3: above 95, not above 105), change +30: improving.
# Budi: 120, 118, 116, 100 -> mean 113.5 (level 4), change -20: declining.
# Citra: 100, 102, 101, 103 -> mean 101.5 (level 3), change +3 (within 5 points): no marker.
QUARTERS = {"Ana": (90, 100, 110, 120), "Budi": (120, 118, 116, 100), "Citra": (100, 102, 101, 103)}
IDS = {"Ana": "E1", "Budi": "E2", "Citra": "E3"}
SALARY = {"E1": 10_000_000, "E2": 20_000_000, "E3": 8_000_000}


def year_folders(root: Path, skip: tuple[str, int] | None = None) -> list[Path]:
    folders = []
    for q in range(1, 5):
        folder = root / f"2026-Q{q}"
        folder.mkdir(parents=True, exist_ok=True)
        for name, values in QUARTERS.items():
            if skip == (name, q):
                continue
            card(folder / f"{name}.xlsx", values[q - 1], emp=IDS[name], name=name)
        folders.append(folder)
    return folders


def roster(potential: str = "high") -> list[Any]:
    from kpi_xl.roster import Employee

    return [Employee(employee_id=e, name=n, department="Sales", supervisor="", role="", period="",
                     monthly_salary=SALARY[e], potential=potential, row=i + 2)
            for i, (n, e) in enumerate(IDS.items())]


@pytest.mark.parametrize("lang, sheet, trend", [("en", "Periods", ("improving", "declining")),
                                                 ("id", "Periode", ("membaik", "menurun"))])
def test_four_quarters_give_the_annual_result(tmp_path: Path, lang: str, sheet: str, trend: tuple) -> None:
    out = tmp_path / "summary.xlsx"
    result = run(year_folders(tmp_path / "in"), out, lang=lang, roster=roster())
    assert len(result.summary) == 12
    p = result.tables.periods
    assert [q.label("en") for q in p.periods] == ["Q1 2026", "Q2 2026", "Q3 2026", "Q4 2026"]
    frame = p.frame.set_index("employee_id")
    assert frame.loc["E1", "annual"] == pytest.approx(105.0)
    assert frame.loc["E2", "annual"] == pytest.approx(113.5)
    assert frame.loc["E3", "annual"] == pytest.approx(101.5)
    assert [frame.loc[e, "annual_level"] for e in ("E1", "E2", "E3")] == [3, 4, 3]
    assert [frame.loc[e, f"level:{j}"] for e in ("E1",) for j in range(4)] == [2, 3, 4, 4]
    # Complete year, complete scorecards: bonus = band multiple x monthly salary.
    assert frame.loc["E1", "annual_bonus_amount"] == pytest.approx(1.0 * 10_000_000)
    assert frame.loc["E2", "annual_bonus_amount"] == pytest.approx(1.5 * 20_000_000)
    assert frame.loc["E2", "annual_raise"] == "7%–9%"
    assert [frame.loc[e, "change"] for e in ("E1", "E2", "E3")] == pytest.approx([30, -20, 3])
    assert [frame.loc[e, "trend"] for e in ("E1", "E2", "E3")] == ["improving", "declining", ""]
    assert p.averages == pytest.approx([310 / 3, 320 / 3, 327 / 3, 323 / 3])
    assert [counts for level, _, counts in p.level_counts if level == 4] == [[1, 1, 2, 1]]
    # The 9-box places each employee once, by the annual level (all potentials high).
    assert sum(len(names) for names in result.tables.nine_box.values()) == 3

    wb = load_workbook(out)
    ws = wb[sheet]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    by_id = {r[0]: r for r in rows[1:4]}
    head = rows[0]
    annual_at = next(i for i, h in enumerate(head) if str(h).startswith(("Annual KPI value 2026",
                                                                           "Nilai KPI tahunan 2026")))
    assert by_id["E2"][annual_at] == pytest.approx(113.5)
    assert {by_id[e][head.index("Trend" if lang == "en" else "Tren")] for e in ("E1", "E2")} == set(trend)
    assert len(ws._charts) == 1
    summary = wb["Summary" if lang == "en" else "Ringkasan"]
    periods = {r[5] for r in summary.iter_rows(min_row=2, values_only=True) if r[0]}
    assert periods == ({"Q1 2026", "Q2 2026", "Q3 2026", "Q4 2026"} if lang == "en"
                       else {"TW I 2026", "TW II 2026", "TW III 2026", "TW IV 2026"})


@pytest.mark.parametrize("missing, annual, complete", [("incomplete", (100 + 110 + 120) / 3, False),
                                                        ("zero", (0 + 100 + 110 + 120) / 4, True)])
def test_missing_quarter_under_each_policy(tmp_path: Path, missing: str, annual: float, complete: bool) -> None:
    import dataclasses

    policy = dataclasses.replace(default_policy(), missing_period=missing)
    result = run(year_folders(tmp_path / "in", skip=("Ana", 1)), roster=roster(), policy=policy)
    frame = result.tables.periods.frame.set_index("employee_id")
    assert frame.loc["E1", "annual"] == pytest.approx(annual)
    assert bool(frame.loc["E1", "annual_complete"]) is complete
    bonus = frame.loc["E1", "annual_bonus_amount"]
    assert bool(bonus == bonus) is complete  # NaN (no bonus) unless the year counts as complete
    [message] = [m for m in messages(result, "warning") if "has no scorecard for" in m]
    assert "E1 (Ana)" in message and "Q1 2026" in message


def test_history_adds_earlier_years(tmp_path: Path) -> None:
    earlier = tmp_path / "2025.xlsx"
    folders = []
    for half, values in (("2025-H1", {"E1": 80, "E2": 100}), ("2025-H2", {"E1": 100, "E2": 120})):
        for emp, v in values.items():
            card(tmp_path / "old" / half / f"{emp}.xlsx", v, emp=emp, name=emp)
        folders.append(tmp_path / "old" / half)
    run(folders, earlier)
    out = tmp_path / "2026.xlsx"
    result = run(year_folders(tmp_path / "in"), out, history=[earlier])
    p = result.tables.periods
    assert p.other_years == [2025]
    frame = p.frame.set_index("employee_id")
    assert frame.loc["E1", "year:2025"] == pytest.approx(90.0)  # (80 + 100) / 2
    assert frame.loc["E2", "year:2025"] == pytest.approx(110.0)
    assert frame.loc["E2", "level_year:2025"] == 4
    head = [c.value for c in next(load_workbook(out)["Periods"].iter_rows())]
    assert "Annual KPI value 2025 (%)" in head


def test_history_refuses_a_file_that_is_no_summary(tmp_path: Path) -> None:
    from kpi_xl.errors import KpiFileError

    card(tmp_path / "in" / "a.xlsx", 100, period="Q1 2026")
    other = card(tmp_path / "b.xlsx", 100)
    with pytest.raises(KpiFileError, match="not one"):
        run(tmp_path / "in", history=[other])


def test_duplicates_are_judged_per_normalised_period(tmp_path: Path) -> None:
    card(tmp_path / "a.xlsx", 100, period="Q1 2026")
    card(tmp_path / "b.xlsx", 101, period="2026-Q1")
    card(tmp_path / "c.xlsx", 102, period="TW II 2026")
    result = run(tmp_path)
    status = dict(zip(result.summary["file"].map(lambda f: Path(f).name), result.summary["status"]))
    assert status == {"a.xlsx": "error", "b.xlsx": "error", "c.xlsx": "complete"}
    assert any("(period Q1 2026) is on 2 scorecards" in m for m in messages(result, "error"))


def test_with_a_final_rating_the_year_is_made_of_final_ratings(tmp_path):
    """Where the policy weighs competencies the final rating decides level, bonus and raise, so the periods
    combine into the year by it (the demo's policy: KPI 70, competencies 30)."""
    from kpi_xl.demo import make_demo
    from kpi_xl.policy import load_policy
    from kpi_xl.resources import templates_dir
    from kpi_xl.scoring import annual_kpi_value

    demo = make_demo(tmp_path / "demo")
    tables = demo.result.tables
    assert tables.periods is not None and tables.periods.measure == "final_rating"
    rina = tables.summary[tables.summary["employee_id"] == "E001"].sort_values("period")
    ratings = [float(v) for v in rina["final_rating"]]
    assert len(ratings) == 2 and round(ratings[-1], 3) == 109.555  # Q4: KPI value 113.65 with competencies
    frame = tables.periods.frame.set_index("employee_id")
    policy = load_policy(templates_dir() / "policy-with-competencies.yaml")  # the demo's policy
    expected = annual_kpi_value(ratings, [3, 3], policy=policy)
    assert float(frame.loc["E001", "annual"]) == pytest.approx(round(expected.kpi_value, 6))
