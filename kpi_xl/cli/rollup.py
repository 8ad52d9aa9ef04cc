"""`kpi-xl rollup INPUT... -o SUMMARY.xlsx`, and `print_result`: the rollup's report on screen, which
`kpi-xl demo` prints too."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, List, Optional

import typer

from ._app import PLAIN, LangOption, PolicyOption, ProgressBar, app, console, load_cli_policy
from .text import count, say

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
# Headers: (English, Indonesian), short for the screen.
_SCREEN_COLUMNS = ((("ID", "ID"), "left", True), (("name", "nama"), "left", False),
                   (("KPI %", "KPI %"), "right", True), (("level", "level"), "right", True),
                   (("label", "kriteria"), "left", True), (("status", "status"), "left", True))
_FINAL_COLUMN = (("final %", "akhir %"), "right", True)
_WIDEST_ID = 24  # characters of an employee ID kept whole on screen; a longer one is cut with "…"


def _results_table(s: Any, lang: str) -> Any:
    # Imported here for start-up speed: only a rollup draws this table.
    from rich import box
    from rich.table import Table
    from rich.text import Text
    from ..rollup.layout import word

    rated = "final_rating" in s  # with a final rating, the level is its: shown next to it
    columns = _SCREEN_COLUMNS[:3] + ((_FINAL_COLUMN,) if rated else ()) + _SCREEN_COLUMNS[3:]
    rows = [[str(row.employee_id or ""), str(row.name or ""), _fmt(row.kpi_value),
             *([_fmt(row.final_rating)] if rated else []), str(row.level or ""),
             str(row.label or ""), word(str(row.status), lang)] for row in s.itertuples(index=False)]
    table = Table(title=say("summary_title", lang), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for k, (headers, justify, whole) in enumerate(columns):
        header = headers[1 if lang == "id" else 0]
        widest = max([len(header), *(len(r[k]) for r in rows)])
        # Only the name may wrap: rich narrows wrapping columns first, the others only as a last resort.
        table.add_column(header, justify=justify, no_wrap=whole, overflow="ellipsis",
                         min_width=min(widest, _WIDEST_ID) if whole else None)
    for r in rows:
        # Text from the scorecards as plain text: "[/b]" in a name is no markup error, "[link=...]" no link.
        table.add_row(*(Text(v) for v in r))
    return table


def print_result(result: RollupResult, *, lang: str = "en", limit: int = TABLE_ROWS) -> None:
    """The short table of scorecards, then the counts that reconcile, then where the summary is."""
    s = result.summary
    if len(s):
        console.print(_results_table(s.head(limit), lang))
    if len(s) > limit:
        console.print(say("more_scorecards", lang, n=f"{len(s) - limit:,}"), **PLAIN)
    counted = result.tables.levels
    levels = ", ".join(say("level_count", lang, level=level, n=sum(counts))
                       for level, _, counts in counted.rows if level is not None)
    left_out = [say("n_with_errors" if status == "error" else f"n_{status.replace(' ', '_')}", lang, n=f"{n:,}")
                for status, n in counted.not_counted.items() if n]
    if left_out:
        levels += say("not_counted", lang, parts=", ".join(left_out))
    parts = [say("with_scorecards", lang, n=f"{result.files_with_scorecards:,}"),
             say("not_read", lang, n=f"{result.files_not_read:,}")]
    if result.files_without_scorecards:
        parts.append(say("no_scorecard", lang, n=f"{result.files_without_scorecards:,}"))
    if result.lock_files:
        parts.append(say("skipped", lang, files=count(result.lock_files, "lock file", lang)))
    if result.other_files:
        parts.append(say("skipped", lang, files=count(result.other_files, "other file", lang)))
    status = Counter(str(v) for v in s["status"])
    read = [say(f"n_{key}", lang, n=f"{status[name]:,}")
            for key, name in (("complete", "complete"), ("incomplete", "incomplete"), ("with_errors", "error"))]
    if status["not started"]:
        read.append(say("n_not_started", lang, n=f"{status['not started']:,}"))
    issues = result.issue_counts
    lines = [
        say("files_found", lang, n=f"{result.files_found:,}", parts=", ".join(parts)),
        say("scorecards_read", lang, n=f"{result.scorecards:,}", parts=", ".join(read)),
        say("levels", lang, levels=levels),
        say("issues", lang, parts=", ".join(count(issues[k], k, lang) for k in ("error", "warning", "info")))
        + (say("see_issues", lang) if sum(issues.values()) else ""),
        say("unreadable", lang, n=f"{result.files_not_read:,}"),
    ]
    if result.duplicate_scorecards:
        lines.append(say("duplicates", lang, n=f"{result.duplicate_scorecards:,}"))
    missing = result.tables.missing
    if missing is not None:
        lines.append(say("missing", lang, employees=count(len(missing), "employee", lang))
                     + (say("see_missing", lang) if len(missing) else ""))
    if result.inputs_missing:
        lines.append(say("inputs_missing", lang, n=f"{result.inputs_missing:,}"))
    if not result.reconciles:  # never expected: say so loudly rather than hide it
        lines.append(say("not_reconciled", lang))
    periods = result.tables.periods
    if periods is not None:
        trend = Counter(periods.frame["trend"])
        lines.append(say("periods_line", lang, periods=", ".join(p.label(lang) for p in periods.periods),
                         year=periods.year, employees=count(len(periods.frame), "employee", lang),
                         improving=trend["improving"], declining=trend["declining"]))
    cal = result.tables.calibration
    if cal is not None:
        flagged = cal.frame[cal.frame["supervisor_flag"] != ""] if len(cal.frame) else cal.frame
        if len(flagged):
            lines.append(say("supervisor_flags", lang, names=", ".join(
                f"{n} ({say(f, lang)})" for n, f in zip(flagged["name"], flagged["supervisor_flag"]))))
        if cal.factor is not None:
            lines.append(say("budget_line", lang, budget=_fmt(cal.budget, 0), total=_fmt(cal.total_at_policy, 0),
                             factor=cal.factor))
        if cal.fitted:
            lines.append(say("budget_fitted", lang, factor=cal.factor))
    if result.calibrations_applied:
        lines.append(say("calibrations_applied", lang, n=result.calibrations_applied))
    if result.calibration_starter is not None:
        lines.append(say("calibration_starter", lang, path=result.calibration_starter))
    if result.output is not None:
        lines.append(say("summary_at", lang, path=result.output))
    for line in lines:
        console.print(line, **PLAIN)


@app.command("rollup")
def rollup_command(
    inputs: List[Path] = typer.Argument(
        ..., metavar="SCORECARD...",
        help="Scorecard files (.xlsx, .xlsm, .xls, .ods) or folders of them (searched recursively)."),
    output: Path = typer.Option(..., "-o", "--output", metavar="FILE", dir_okay=False,
                                help="The summary workbook to write (.xlsx)."),
    roster: Optional[Path] = typer.Option(
        None, "--roster", metavar="FILE", dir_okay=False,
        help="Roster file (.xlsx, .csv...): department, supervisor, monthly salary, potential; lists employees "
             "with no scorecard."),
    policy: Optional[Path] = PolicyOption,
    lang: str = LangOption,
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, metavar="N",
                             help="Worker processes reading files (try 2 on a 2-core machine for thousands of files)."),
    paper: str = typer.Option("A4", "--paper", metavar="[A4|Letter]", help="Paper size the summary prints on."),
    currency: Optional[str] = typer.Option(None, "--currency", metavar="CODE",
                                           help="Currency of the bonus amounts, e.g. IDR or USD (default: the policy's, IDR)."),
    history: Optional[List[Path]] = typer.Option(
        None, "--history", metavar="SUMMARY.xlsx",
        help="An earlier kpi-xl summary (repeat for several): its years' annual values join the Periods sheet."),
    calibration: Optional[Path] = typer.Option(
        None, "--calibration", metavar="FILE.xlsx", dir_okay=False,
        help="HR's calibration workbook: read when it exists (calibrated level, reason, by, date), else written "
             "as a starter listing every employee; never overwritten."),
    bonus_budget: Optional[float] = typer.Option(
        None, "--bonus-budget", metavar="AMOUNT", min=0,
        help="The bonus budget: the Calibration sheet compares the total bonus at policy multiples with it "
             "(default: the policy's bonus_budget)."),
    fit_budget: bool = typer.Option(
        False, "--fit-budget",
        help="Multiply every bonus amount by the factor that fits the budget (said on the Summary and here)."),
) -> None:
    """Roll filled scorecards up into one department summary workbook.

    Every score is recomputed from weight, target and actual. Exit code 0 when the summary was written
    (even with issues: they are on its Issues sheet), 1 when no summary could be written.
    """
    # Imported here for start-up speed: only this command needs it.
    from ..roles import builtin_role_index
    from ..rollup import rollup

    with ProgressBar(console, say("reading", lang), PROGRESS_FROM) as progress:
        result = rollup(inputs, output, roster=roster, policy=load_cli_policy(policy), lang=lang, jobs=jobs,
                        progress=progress, roles=builtin_role_index(), paper=paper, currency=currency,
                        history=history or (), calibration=calibration, bonus_budget=bonus_budget,
                        fit_budget=fit_budget)
    print_result(result, lang=lang)
