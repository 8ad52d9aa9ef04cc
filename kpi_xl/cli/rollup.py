"""`kpi-xl rollup INPUT... -o SUMMARY.xlsx`, and `print_result`: the rollup's report on screen, which
`kpi-xl demo` prints too."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, List, Optional

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from ._app import LangOption, PolicyOption, ProgressBar, app, console, load_cli_policy

if TYPE_CHECKING:
    from ..rollup import RollupResult

PROGRESS_FROM = 50  # files; fewer are read before a bar would be worth drawing
TABLE_ROWS = 30  # scorecards listed on screen; the summary workbook has them all


def _fmt(value: object, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


# The screen table: who, KPI value, level, label, status (department, bonus and the rest are on the
# Summary sheet). ID, label and status are never cut: they are how HR finds the scorecard in the workbook.
_SCREEN_COLUMNS = (("ID", "left", True), ("name", "left", False), ("KPI %", "right", True),
                   ("level", "right", True), ("label", "left", True), ("status", "left", True))
_WIDEST_ID = 24  # characters of an employee ID kept whole on screen; a longer one is cut with "…"


def _results_table(s: Any) -> Table:
    rows = [[str(row.employee_id or ""), str(row.name or ""), _fmt(row.kpi_value), str(row.level or ""),
             str(row.label or ""), str(row.status)] for row in s.itertuples(index=False)]
    table = Table(title="Department summary", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for k, (header, justify, whole) in enumerate(_SCREEN_COLUMNS):
        widest = max([len(header), *(len(r[k]) for r in rows)])
        # Only the name may wrap: rich narrows wrapping columns first, the others only as a last resort.
        table.add_column(header, justify=justify, no_wrap=whole, overflow="ellipsis",
                         min_width=min(widest, _WIDEST_ID) if whole else None)
    for r in rows:
        # Text from the scorecards as plain text: "[/b]" in a name is no markup error, "[link=...]" no link.
        table.add_row(*(Text(v) for v in r))
    return table


def print_result(result: RollupResult, *, limit: int = TABLE_ROWS) -> None:
    """The short table of scorecards, then the counts that reconcile, then where the summary is."""
    s = result.summary
    if len(s):
        console.print(_results_table(s.head(limit)))
    if len(s) > limit:
        console.print(f"... and {len(s) - limit:,} more scorecards (all of them are on the Summary sheet)",
                      highlight=False)
    counted = result.tables.levels
    levels = ", ".join(f"level {level}: {sum(counts)}" for level, _, counts in counted.rows if level is not None)
    left_out = [f"{n:,} {'with errors' if status == 'error' else status}"
                for status, n in counted.not_counted.items() if n]
    if left_out:
        levels += f" (not counted: {', '.join(left_out)})"
    parts = [f"{result.files_with_scorecards:,} with scorecards", f"{result.files_unreadable:,} could not be read"]
    if result.lock_files:
        parts.append(f"{result.lock_files:,} lock files skipped")
    if result.other_files:
        parts.append(f"{result.other_files:,} other files skipped")
    status = Counter(str(v) for v in s["status"])
    issues = result.issue_counts
    read = (f"Scorecards read: {result.scorecards:,} ({status['complete']:,} complete, "
            f"{status['incomplete']:,} incomplete, {status['error']:,} with errors"
            + (f", {status['not started']:,} not started" if status["not started"] else "") + ")")
    lines = [
        f"Files found: {result.files_found:,} ({', '.join(parts)})",
        read,
        f"Levels: {levels}",
        f"Issues: {issues['error']:,} errors, {issues['warning']:,} warnings, {issues['info']:,} info"
        + (" (see the Issues sheet)" if sum(issues.values()) else ""),
        f"Files that could not be read: {result.files_unreadable:,}",
    ]
    missing = result.tables.missing
    if missing is not None:
        n = len(missing)
        lines.append(f"Missing: {n:,} roster employee{'' if n == 1 else 's'} without a scorecard"
                     + (" (see the Missing sheet)" if n else ""))
    if result.inputs_missing:
        lines.append(f"Inputs not found: {result.inputs_missing:,}")
    if not result.reconciles:  # never expected: say so loudly rather than hide it
        lines.append("WARNING: the file counts do not add up; please report this")
    if result.output is not None:
        lines.append(f"Summary: {result.output}")
    for line in lines:
        console.print(line, markup=False, highlight=False, soft_wrap=True)


@app.command("rollup")
def rollup_command(
    inputs: List[Path] = typer.Argument(..., help="Scorecard files (.xlsx, .xlsm, .xls, .ods) or folders of them "
                                                   "(searched recursively)."),
    output: Path = typer.Option(..., "-o", "--output", help="The summary workbook to write (.xlsx).",
                                dir_okay=False),
    roster: Optional[Path] = typer.Option(None, "--roster", help="Roster file (.xlsx, .csv...): department, "
                                          "supervisor, monthly salary, potential; lists employees with no "
                                          "scorecard.", dir_okay=False),
    policy: Optional[Path] = PolicyOption,
    lang: str = LangOption,
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Worker processes reading files (try 2 on a "
                                                             "2-core machine for thousands of files)."),
) -> None:
    """Roll filled scorecards up into one department summary workbook.

    Every score is recomputed from weight, target and actual. Exit code 0 when the summary was written
    (even with issues: they are on its Issues sheet), 1 when no summary could be written.
    """
    # Imported here for start-up speed: only this command needs it.
    from ..roles import builtin_role_index
    from ..rollup import rollup

    with ProgressBar(console, "Reading scorecards", PROGRESS_FROM) as progress:
        result = rollup(inputs, output, roster=roster, policy=load_cli_policy(policy), lang=lang, jobs=jobs,
                        progress=progress, roles=builtin_role_index())
    print_result(result)
