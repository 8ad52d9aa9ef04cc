"""A department of generated scorecards, filled, recalculated by LibreOffice and rolled up.

LibreOffice computes every native formula of the scorecards, so the rollup's "formula overwritten"
check compares our numbers with a real spreadsheet engine's: a clean department must give no such
issue, and the one score typed over a formula must give exactly its cells.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from engines import recalculate_libreoffice as recalculate
from rollup_helpers import digest
from typer.testing import CliRunner

from kpi_xl import contract as c
from kpi_xl.cli import app
from kpi_xl.demo import GOLDEN_ACTUALS, example_actual
from kpi_xl.policy import default_policy
from kpi_xl.roles import builtin_role
from kpi_xl.rollup import SHEETS, rollup
from kpi_xl.roster import Employee, Roster
from kpi_xl.scorecard import write_roster_scorecards
from kpi_xl.scoring import round_kpi, score_scorecard

# employee ID, name, role, department, performance (None: the golden actuals), blank actuals
DEPARTMENT = [
    ("E01", "Rina Dewi", "digital-marketing-specialist", "Marketing", None, 0),
    ("E02", "Andi Wijaya", "customer-service-manager", "Service", 0.88, 0),
    ("E03", "Budi Santoso", "finance-manager", "Finance", 1.01, 0),
    ("E04", "Dewi Anggraini", "hr-manager", "HR", 0.95, 0),
    ("E05", "Joko Prasetyo", "software-engineer", "IT", 1.1, 2),
    ("E06", "Maya Putri", "sales-manager", "Sales", 1.4, 0),
    ("E07", "Sari Lestari", "product-manager", "Product", 0.7, 0),
    ("E08", "Hendra Gunawan", "it-manager", "IT", 1.2, 0),
]
TAMPERED = "E08"  # one score typed over its formula, before LibreOffice recalculates
SPREAD = (0.05, -0.03, 0.0, 0.04, -0.06, 0.02, -0.01)


def _actuals(role_id: str, performance: float | None, blanks: int) -> list:
    kpis = [kpi for _, kpi in builtin_role(role_id).kpi_rows()]
    if performance is None:
        return list(GOLDEN_ACTUALS)
    actuals = [example_actual(kpi, performance + SPREAD[i % len(SPREAD)]) for i, kpi in enumerate(kpis)]
    for i in range(len(actuals) - blanks, len(actuals)):
        actuals[i] = None
    return actuals


def _expected(role_id: str, actuals: list):
    rows = [kpi for _, kpi in builtin_role(role_id).kpi_rows()]
    return score_scorecard([k.weight for k in rows], actuals, [k.target for k in rows],
                           [k.direction for k in rows], [k.tolerance for k in rows], [k.due for k in rows], policy=default_policy())


@pytest.fixture(scope="module")
def department(tmp_path_factory, soffice):
    base = tmp_path_factory.mktemp("department")
    roster = Roster([Employee(i, n, d, "Sari Lestari", r, "2025", 10_000_000, "medium", k + 2)
                     for k, (i, n, r, d, _, _) in enumerate(DEPARTMENT)], [], "roster")
    run = write_roster_scorecards(roster, base / "blank", lang="en")
    assert not run.refused and len(run.written) == len(DEPARTMENT)
    expected, tampered_cells = {}, []
    for path, (emp_id, _, role_id, _, performance, blanks) in zip(run.written, DEPARTMENT):
        actuals = _actuals(role_id, performance, blanks)
        expected[emp_id] = _expected(role_id, actuals)
        wb = openpyxl.load_workbook(path)
        sheet, ref = next(iter(wb.defined_names[c.KPI_ACTUAL].destinations))
        ws = wb[sheet]
        for (cell,), value in zip(ws[ref.replace("$", "")], actuals):
            cell.value = value
        if emp_id == TAMPERED:
            _, score_ref = next(iter(wb.defined_names[c.KPI_SCORE].destinations))
            first = ws[score_ref.replace("$", "").split(":")[0]]
            first.value = 999  # typed over the formula
            tampered_cells.append(first.coordinate)
        wb.save(path)
    recalculated = recalculate(run.written, base / "filled")
    folder = base / "filled"
    return {"folder": folder, "files": recalculated, "expected": expected, "tampered": tampered_cells,
            "base": base}


def test_generated_department_rolls_up_to_the_core_numbers(department, tmp_path):
    before = digest(department["folder"])
    out = tmp_path / "summary.xlsx"
    result = rollup(department["folder"], out)
    assert digest(department["folder"]) == before
    assert result.scorecards == len(DEPARTMENT)
    assert set(result.summary["kind"]) == {"generated"}
    by_id = result.summary.set_index("employee_id")
    for emp_id, core in department["expected"].items():
        if emp_id == TAMPERED:
            continue
        assert by_id.loc[emp_id, "kpi_value"] == round_kpi(core.kpi_value), emp_id
        assert by_id.loc[emp_id, "level"] == core.band.level, emp_id
        assert by_id.loc[emp_id, "status"] == core.status, emp_id
    assert by_id.loc["E01", "kpi_value"] == 113.65 and by_id.loc["E01", "level"] == 4
    assert by_id.loc["E05", "status"] == "incomplete"
    assert by_id.loc["E03", "department"] == "Finance" and by_id.loc["E03", "supervisor"] == "Sari Lestari"

    # LibreOffice's cached results agree with ours everywhere but the tampered scorecard.
    overwritten = [(Path(i.file).name, i.cell) for i in result.issues
                   if "overwritten" in i.message and i.severity == "warning"]
    tampered_file = next(p.name for p in department["files"] if p.name.startswith(TAMPERED))
    cell = department["tampered"][0]
    row = cell[1:]
    assert [f for f, _ in overwritten] == [tampered_file] * len(overwritten)
    cells = [c for _, c in overwritten]
    assert cells[:2] == [cell, f"L{row}"]  # the score typed over, and the final computed from it
    assert len(cells) == 5  # and the KPI value, total final and level built on them
    level_issue = [i.message for i in result.issues if i.cell == cells[-1]]
    assert level_issue[0].startswith("the level in the file is ")
    # The summary uses the recomputed value, not the tampered one.
    assert by_id.loc[TAMPERED, "kpi_value"] == round_kpi(department["expected"][TAMPERED].kpi_value)


def test_summary_sheets_chart_and_counts_read_back(department, tmp_path):
    out = tmp_path / "summary.xlsx"
    result = rollup(department["folder"], out, roster=Roster(
        [Employee(i, n, d, "Sari Lestari", r, "2025", 10_000_000, p, 2)
         for (i, n, r, d, _, _), p in zip(DEPARTMENT, ["high", "low", "medium"] * 3)]
        + [Employee("E99", "Nadia", "HR", "Sari", "hr-manager", "2025", None, None, 3)], []))
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == list(SHEETS[:-2])  # one period, no final rating: no Periods nor Calibration sheet
    summary = list(wb["Summary"].iter_rows(min_row=2, values_only=True))
    # The scorecards, then (E05 is incomplete) a blank row and the note saying who gets a bonus amount.
    assert len(summary) == len(DEPARTMENT) + 2
    assert summary[-1][0].startswith("Bonus amount: filled only for complete scorecards")
    summary = summary[:len(DEPARTMENT)]
    header = [c.value for c in wb["Summary"][1]]
    level_at, amount_at, status_at = header.index("Level"), header.index("Bonus amount"), header.index("Status")
    levels = Counter(row[level_at] for row in summary)
    level_rows = {row[0]: row[-1] for row in wb["Levels"].iter_rows(min_row=2, max_row=6, values_only=True)}
    assert level_rows == {lv: levels.get(lv, 0) for lv in range(1, 6)}
    # A bonus amount only for a complete scorecard: the incomplete one (E05) shows its level, no amount.
    assert all(row[amount_at] == ({1: 0.25, 2: 0.5, 3: 1, 4: 1.5, 5: 2}[row[level_at]] * 10_000_000
                                  if row[status_at] == "complete" else None) for row in summary)
    assert [row[0] for row in summary if row[amount_at] is None] == ["E05"]
    chart = wb["Levels"]._charts[0]
    assert chart.tagname == "barChart"
    kpi_rows = sum(len(list(builtin_role(r).kpi_rows())) for _, _, r, _, _, _ in DEPARTMENT)
    assert wb["Details"].max_row == 1 + kpi_rows
    kras = sum(len(builtin_role(r).kras) for _, _, r, _, _, _ in DEPARTMENT)
    assert wb["By KRA"].max_row == 1 + kras
    assert [r[0] for r in wb["Missing"].iter_rows(min_row=2, values_only=True)] == ["E99"]
    issues = list(wb["Issues"].iter_rows(min_row=2, values_only=True))
    assert len(issues) == len(result.issues) and all(len(r) == 5 for r in issues)
    assert sum(len(v) for v in result.tables.nine_box.values()) == len(DEPARTMENT)
    assert result.reconciles and result.files_found == len(DEPARTMENT)


def test_cli_rollup_prints_counts_and_writes_the_summary(department, tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(department["folder"], folder)
    (folder / "~$E01_Rina_Dewi.xlsx").write_bytes(b"lock")
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04broken")
    out = tmp_path / "summary.xlsx"
    result = CliRunner().invoke(app, ["rollup", str(folder), "-o", str(out), "--jobs", "2"],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert f"Files found: 10 ({len(DEPARTMENT)} with scorecards, 1 could not be read, 1 lock file skipped)" \
        in result.output
    assert f"Scorecards read: {len(DEPARTMENT)} (7 complete, 1 incomplete, 0 with errors)" in result.output
    assert "Files that could not be read: 1" in result.output
    assert f"Summary: {out}" in result.output
    assert "113.65" in result.output and "Rina Dewi" in result.output
    assert out.exists()


def test_xls_and_ods_copies_read_by_their_labels(department, tmp_path, soffice):
    files = [p for p in department["files"] if not p.name.startswith(TAMPERED)][:3]
    xls = recalculate(files, tmp_path / "xls", to="xls")
    ods = recalculate(files, tmp_path / "ods", to="ods")
    names = {i: n for i, n, *_ in DEPARTMENT}
    for copies in (xls, ods):
        result = rollup(copies, None)
        assert result.scorecards == 3
        assert set(result.summary["kind"]) == {"hand-made"}  # no defined names read there: found by labels
        for emp_id, value, name in zip(result.summary["employee_id"], result.summary["kpi_value"],
                                       result.summary["name"]):
            assert value == round_kpi(department["expected"][emp_id].kpi_value), emp_id
            assert name == names[emp_id]
        # The KRA record, task inventory and policy sheets are said to hold no KPI table; nothing else.
        assert {(i.sheet, i.severity, i.message[:15]) for i in result.issues} == {
            (sheet, "info", "no KPI table on") for sheet in ("KRA record", "Task inventory", "Policy")}
