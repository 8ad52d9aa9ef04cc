"""Hostile files end to end: the department rollup over the whole bad-input corpus (tests/corpus.py).

The rollup runs in a child process (twice, for the cell-for-cell comparison), so that a reader that
aborts the process (python-calamine does, on a sheet whose last cell is far away) fails these tests
instead of killing the test run. What must hold: no crash and no traceback; one issue row for every
file that cannot be read, with the expected severity and a message (with the limit, where one applies);
the data problems reported at their sheet and cell; every other file rolled up, with the core's KPI
values; counts that reconcile; inputs unchanged; text from inputs written back as text; the same
summary cell for cell on a second run; memory bounded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from corpus import PEAK_KB, PREFLIGHT, ROLLUP, Case, sha256_tree, shared_corpus

from kpi_xl.io.preflight import DEFAULT_LIMITS
from kpi_xl.io.text import safe_text

REPO = Path(__file__).resolve().parents[1]
FORMULA_FRAGMENTS = ("HYPERLINK", "cmd|", "IMPORTXML", "1+1", "2+2", "SUM(1", "!A0")
LIMIT_WORDS = {
    "too-large": ["50 MB"],
    "zip-bomb": ["200 MB", "limit of 100", "limit of 2,000"],
    "too-many-rows": ["10,000 rows"],
    "too-many-columns": ["256 columns"],
}

ROLLUP_SCRIPT = (
    """
import json, math, resource, sys
from kpi_xl.rollup import rollup
"""
    + PEAK_KB
    + """
result = rollup([sys.argv[1]], sys.argv[2])
summary = result.summary
print(json.dumps({
    "files_found": result.files_found, "files_with_scorecards": result.files_with_scorecards,
    "files_unreadable": result.files_unreadable, "lock_files": result.lock_files,
    "other_files": result.other_files, "reconciles": result.reconciles,
    "issues": [[i.file, i.sheet, i.cell, i.severity, i.message] for i in result.issues],
    "summary": [[str(e), f, s, None if math.isnan(k) else float(k), st] for e, f, s, k, st in zip(
        summary["employee_id"], summary["file"], summary["sheet"], summary["kpi_value"], summary["status"])],
    "peak_kb": peak_kb(),
}))
"""
)


@dataclass
class Run:
    """One rollup child process: its exit, its stderr and what it printed."""

    returncode: int
    stderr: str
    output: Path
    data: dict[str, Any] | None

    def need(self) -> dict[str, Any]:
        if self.data is None:
            lines = self.stderr.strip().splitlines()
            tail = "\n".join(lines[:4] + ["..."] + lines[-4:] if len(lines) > 9 else lines)
            pytest.fail(
                f"the rollup process ended with exit code {self.returncode} and wrote no result:\n{tail}"
            )
        return self.data

    def issues_for(self, case: Case) -> list[list[str]]:
        return [i for i in self.need()["issues"] if i[0] == str(case.path)]

    def cards_for(self, case: Case) -> list[list[Any]]:
        return [row for row in self.need()["summary"] if row[1] == str(case.path)]


def run_rollup(root: str, output: Path) -> Run:
    done = subprocess.run(
        [sys.executable, "-c", ROLLUP_SCRIPT, root, str(output)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=900,
    )
    data = None
    if done.returncode == 0:
        try:
            data = json.loads(done.stdout)
        except json.JSONDecodeError:
            data = None
    return Run(done.returncode, done.stderr, output, data)


@dataclass
class Hardening:
    cases: list[Case]
    root: str
    before: dict[str, str]
    after: dict[str, str]
    first: Run
    second: Run


@pytest.fixture(scope="module")
def hardening(tmp_path_factory: pytest.TempPathFactory) -> Hardening:
    cases = shared_corpus(tmp_path_factory)
    root = os.path.commonpath([str(c.path) for c in cases])
    out = tmp_path_factory.mktemp("summaries")
    before = sha256_tree(root)
    first = run_rollup(root, out / "summary.xlsx")
    second = run_rollup(root, out / "summary-again.xlsx")
    return Hardening(cases, root, before, sha256_tree(root), first, second)


def test_the_rollup_runs_over_the_corpus_without_a_crash_or_traceback(hardening: Hardening) -> None:
    run = hardening.first
    run.need()
    assert run.returncode == 0
    assert "Traceback" not in run.stderr, run.stderr[-2000:]
    for issue in run.need()["issues"]:
        assert "Traceback" not in issue[4] and issue[4].strip(), issue


def test_inputs_are_unchanged(hardening: Hardening) -> None:
    assert len(hardening.before) == len(hardening.cases)
    assert hardening.after == hardening.before


def test_counts_reconcile(hardening: Hardening) -> None:
    data = hardening.first.need()
    assert data["files_found"] == len(hardening.cases)
    assert data["reconciles"]
    assert data["files_found"] == (
        data["files_with_scorecards"] + data["files_unreadable"] + data["lock_files"] + data["other_files"]
    )
    expected_cards = sum(
        len(c.cards) for c in hardening.cases if c.stage == ROLLUP and c.expect != "no-kpi-table"
    )
    assert len(data["summary"]) == expected_cards
    files_in_summary = {row[1] for row in data["summary"]}
    files_in_issues = {issue[0] for issue in data["issues"]}
    missing = [str(c.path) for c in hardening.cases if str(c.path) not in files_in_summary | files_in_issues]
    assert not missing, f"files neither in the summary nor in the issues: {missing}"


def test_every_refused_file_has_one_issue_row(hardening: Hardening) -> None:
    wrong = []
    for case in (c for c in hardening.cases if c.stage == PREFLIGHT):
        issues = hardening.first.issues_for(case)
        severities = [i[3] for i in issues]
        if severities != [case.severity]:
            wrong.append(f"{case.path} ({case.expect}): expected one {case.severity} issue, got {issues}")
            continue
        message = issues[0][4]
        if "\n" in message or (
            case.expect in LIMIT_WORDS and not any(w in message for w in LIMIT_WORDS[case.expect])
        ):
            wrong.append(f"{case.path} ({case.expect}): the message does not state the limit: {message!r}")
        if hardening.first.cards_for(case):
            wrong.append(f"{case.path} ({case.expect}): refused, yet in the summary")
    assert not wrong, "\n".join(wrong)


def test_every_data_problem_is_reported_at_its_cell(hardening: Hardening) -> None:
    wrong = []
    for case in (c for c in hardening.cases if c.stage == ROLLUP and c.expect is not None):
        issues = hardening.first.issues_for(case)
        matching = [
            i
            for i in issues
            if i[3] == case.severity
            and (not case.cell or i[2] == case.cell)
            and (not case.sheet or not i[1] or i[1] == case.sheet)
        ]
        if case.twin:
            matching = [i for i in matching if case.twin in i[4]]
        if not matching:
            wrong.append(
                f"{case.path} ({case.expect}): expected a {case.severity} issue"
                f"{' at ' + case.cell if case.cell else ''}"
                f"{' naming ' + case.twin if case.twin else ''}; got {[i[1:] for i in issues]}"
            )
    assert not wrong, "\n".join(wrong)


def test_every_readable_file_is_rolled_up_with_the_cores_numbers(hardening: Hardening) -> None:
    wrong = []
    issues = hardening.first.need()["issues"]
    for case in (c for c in hardening.cases if c.stage == ROLLUP and c.expect != "no-kpi-table"):
        rows = hardening.first.cards_for(case)
        got = {row[0]: row for row in rows}
        for employee_id, kpi in case.cards:
            row = got.get(employee_id)
            if row is None:
                wrong.append(
                    f"{case.path} ({case.kind}): employee {employee_id} is not in the summary; "
                    f"issues: {[i[1:] for i in issues if i[0] == str(case.path)]}"
                )
            elif kpi is not None and (row[3] is None or abs(row[3] - kpi) > 0.005):
                wrong.append(f"{case.path} ({case.kind}): KPI value {row[3]}, expected {kpi:.6f}")
        if case.expect is None:
            bad = [i[1:] for i in issues if i[0] == str(case.path) and i[3] in ("error", "warning")]
            statuses = {row[4] for row in rows}
            if bad or statuses - {"complete"}:
                wrong.append(
                    f"{case.path} ({case.kind}): a good scorecard, yet status {statuses} and issues {bad}"
                )
    assert not wrong, "\n".join(wrong)


def _cells(path: Path) -> dict[tuple[str, str], tuple[Any, str]]:
    from openpyxl import load_workbook

    with open(path, "rb") as f:
        book = load_workbook(f)
        return {
            (ws.title, cell.coordinate): (cell.value, cell.data_type)
            for ws in book.worksheets
            for row in ws.iter_rows()
            for cell in row
            if cell.value is not None
        }


def test_text_from_inputs_comes_back_as_text(hardening: Hardening) -> None:
    hardening.first.need()
    cells = _cells(hardening.first.output)
    formulas = [(where, value) for where, (value, kind) in cells.items() if kind == "f"]
    assert not [f for f in formulas if any(x in str(f[1]) for x in FORMULA_FRAGMENTS)], formulas
    strings: dict[str, list[str]] = {}
    for value, kind in cells.values():
        if isinstance(value, str):
            strings.setdefault(value, []).append(kind)
    wrong = []
    for case in hardening.cases:
        for text in case.texts:
            want = safe_text(text.strip(), DEFAULT_LIMITS.max_text)
            if want not in strings:
                shown = f"{text[:40]!r}" + (
                    f"... ({len(text):,} characters, cut to {len(want):,} with the marker)"
                    if len(want) < len(text)
                    else ""
                )
                wrong.append(f"{case.path}: {shown} is not in the summary as a text cell")
            elif set(strings[want]) != {"s"}:
                wrong.append(f"{case.path}: {text[:40]!r} is written as {strings[want]}, not as text")
    assert not wrong, "\n".join(wrong)


def test_the_same_rollup_twice_gives_the_same_cells(hardening: Hardening) -> None:
    hardening.first.need()
    hardening.second.need()
    first, second = _cells(hardening.first.output), _cells(hardening.second.output)
    differ = sorted(k for k in first.keys() | second.keys() if first.get(k) != second.get(k))
    assert not differ, f"{len(differ)} cells differ, first: {differ[:5]}"


def test_memory_stays_bounded(hardening: Hardening) -> None:
    peak = hardening.first.need()["peak_kb"] / 1024
    assert peak < 400, f"the rollup over the corpus peaked at {peak:.0f} MB"


# --- the docs' reliability figures come from this run -------------------------------------------------------


def _doc(name: str) -> str:
    """A page of docs/: docs/reliability.md states the figures and limits, docs/rollup.md the Issues sheet."""
    return (REPO / "docs" / name).read_text(encoding="utf-8")


def test_the_docs_state_the_figures_this_run_measured(hardening: Hardening) -> None:
    from corpus import kinds

    data = hardening.first.need()
    words = " ".join(_doc("reliability.md").split())
    phrases = [
        f"**{len(hardening.cases):,} files of {len(kinds(hardening.cases))} kinds**",
        "**0 crashes**",
        "**0 files lost**",
        "**0 inputs changed**",
        f"{data['files_with_scorecards']:,} files give {len(data['summary']):,} scorecards",
        f"{data['files_unreadable']:,} refused with an error",
        f"{data['lock_files'] + data['other_files']:,} skipped with an info row",
        "under 400 MB",
    ]
    assert [p for p in phrases if p not in words] == []
    # What the figures stand for holds in this run: every file accounted for, inputs unchanged.
    assert data["files_found"] == len(hardening.cases) and data["reconciles"]
    assert hardening.after == hardening.before


def test_the_docs_state_the_size_limits_the_code_has() -> None:
    from dataclasses import fields

    from kpi_xl.io.preflight.problems import Limits, mb as _mb

    shown = {
        "max_file_bytes": _mb(DEFAULT_LIMITS.max_file_bytes),
        "max_unpacked_bytes": _mb(DEFAULT_LIMITS.max_unpacked_bytes),
        "max_ratio": f"{DEFAULT_LIMITS.max_ratio:,.0f} times",
        "ratio_floor_bytes": f"over {_mb(DEFAULT_LIMITS.ratio_floor_bytes)}",
        "max_members": f"{DEFAULT_LIMITS.max_members:,}",
        "max_rows": f"{DEFAULT_LIMITS.max_rows:,}",
        "max_columns": f"{DEFAULT_LIMITS.max_columns:,}",
        "max_text": f"{DEFAULT_LIMITS.max_text:,}",
        "xml_prolog_bytes": _mb(DEFAULT_LIMITS.xml_prolog_bytes),
    }
    assert set(shown) == {f.name for f in fields(Limits)}, "a new limit: state it in docs/reliability.md"
    rows = [line for line in _doc("reliability.md").splitlines() if line.startswith("|")]
    for name, value in shown.items():
        row = [line for line in rows if f"`{name}`" in line]
        assert len(row) == 1 and value in row[0].split("|")[-2], (name, value, row)  # the "default" column


def test_the_docs_tell_hr_what_each_kind_of_bad_file_gives() -> None:
    from corpus import DATA_CODES

    from kpi_xl.io.preflight import CODES

    section = _doc("rollup.md")
    assert [code for code in (*CODES, *DATA_CODES) if f"`{code}`" not in section] == []
