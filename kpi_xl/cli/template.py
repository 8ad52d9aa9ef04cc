"""`kpi-xl template`: scorecard workbooks from roles.

The library modules (openpyxl, pydantic behind them) are imported inside the commands: `import
kpi_xl.cli` happens for every command, and most never write a workbook.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ._app import PLAIN, LangOption, PolicyOption, ProgressBar, app, console, load_cli_policy
from .text import count, say

PROGRESS_FROM = 20  # employees; below this a run is over before a bar would help
FORMULA_MODES = ("native", "udf")  # kpi_xl.scorecard.FORMULA_MODES, without importing openpyxl for it


def check_formulas(formulas: str) -> str:
    """The --formulas value as "native" or "udf", in any case."""
    mode = formulas.strip().lower()
    if mode not in FORMULA_MODES:
        raise typer.BadParameter(f"{formulas!r} is not native or udf", param_hint="--formulas")
    return mode


# A choice read by its callback, so the command receives "native" or "udf" only.
FormulasOption = typer.Option("native", "--formulas", callback=check_formulas, metavar="[native|udf]",
                              help="native: plain formulas, no add-in needed; udf: =KPI_SCORE() cells.")


@app.command("template")
def template(
    ctx: typer.Context,
    role: Optional[str] = typer.Argument(
        None, metavar="ROLE", help="A built-in role id or name (English or Indonesian, any case), or a role "
        "file (.yaml, or catalogue.xlsx#ROLE-ID). Not with --roster."),
    output: Path = typer.Option(..., "-o", "--output", metavar="PATH",
                                help="The scorecard .xlsx to write; with --roster, the folder for the files."),
    roster: Optional[Path] = typer.Option(None, "--roster", dir_okay=False, metavar="FILE",
                                          help="A roster (.xlsx or .csv): one scorecard per employee."),
    roles: Optional[Path] = typer.Option(
        None, "--roles", metavar="PATH",
        help="More role definitions for --roster (catalogue .xlsx, YAML file or folder)."),
    employee_name: Optional[str] = typer.Option(None, "--employee-name", metavar="NAME", help="The employee's name."),
    employee_id: Optional[str] = typer.Option(None, "--employee-id", metavar="ID", help="The employee's ID (NIK)."),
    department: Optional[str] = typer.Option(None, "--department", metavar="NAME",
                                             help="Department (default: the role's)."),
    supervisor: Optional[str] = typer.Option(None, "--supervisor", metavar="NAME", help="The direct supervisor."),
    period: Optional[str] = typer.Option(None, "--period", metavar="PERIOD",
                                         help="The period scored, e.g. 2026 or 2026-Q1."),
    lang: str = LangOption,
    formulas: str = FormulasOption,
    policy: Optional[Path] = PolicyOption,
    password: Optional[str] = typer.Option(None, "--password", metavar="TEXT",
                                           help="Protect the sheets with this password (default: no password)."),
    overwrite: bool = typer.Option(False, "--overwrite",
                                   help="Replace existing scorecard files (default: keep them; an employee "
                                        "may have filled one in)."),
) -> None:
    """Make a scorecard workbook for a role, or one per employee of a roster (--roster)."""
    # Imported here for start-up speed: only this command needs it.
    from ..roles import load_roles
    from ..roster import Employee
    from ..scorecard import write_roster_scorecards, write_scorecard

    # ctx.fail: a usage error (exit 2) through typer's own click, which recent typer vendors.
    if (role is None) == (roster is None):
        ctx.fail("give a ROLE or --roster ROSTER (one of them)")
    pol = load_cli_policy(policy)
    options = dict(lang=lang, formulas=formulas, policy=pol, password=password, overwrite=overwrite)

    if roster is None:
        if roles is not None:
            ctx.fail("--roles goes with --roster; for one scorecard give the role file as ROLE")
        fields = (employee_id, employee_name, department, supervisor)
        employee = None
        if any(v is not None for v in fields):
            employee = Employee(employee_id or "", employee_name or "", department or "", supervisor or "",
                                role, period or "", None, None, 0)
        path = write_scorecard(role, output, employee, period=period, **options)
        console.print(say("scorecard_written", lang, path=path), **PLAIN)
        return

    if any(v is not None for v in (employee_name, employee_id, department, supervisor, period)):
        ctx.fail("the employee options come from the roster with --roster; leave them out")
    extra = load_roles(roles) if roles is not None else None
    with ProgressBar(console, say("making", lang), PROGRESS_FROM + 1) as progress:
        run = write_roster_scorecards(roster, output, roles=extra, progress=progress, **options)
    kept = say("kept_suffix", lang, kept=count(len(run.kept), "existing file", lang)) if run.kept else ""
    console.print(say("roster_run", lang, written=count(len(run.written), "file", lang), kept=kept,
                      refused=count(len(run.refused), "row", lang), folder=output), **PLAIN)
    for path in run.kept:
        console.print(f"  {path.name}: {say('exists', lang)}", **PLAIN)
    for problem in run.refused:
        console.print(f"  {roster.name} {problem}", **PLAIN)
    if run.refused:
        raise typer.Exit(1)
