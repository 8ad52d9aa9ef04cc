"""`kpi-xl roles` (list, show, export) and `kpi-xl check`."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from rich.table import Table

from ..errors import KpiError
from ..roles import ERROR, builtin_roles, check_roles, export_catalogue, load_roles, resolve_role, role_files
from ._app import LangOption, app, console

roles_app = typer.Typer(help="The built-in role library: list roles, show one.", no_args_is_help=False)
app.add_typer(roles_app, name="roles")


@roles_app.callback(invoke_without_command=True)
def roles_list(ctx: typer.Context, lang: str = LangOption) -> None:
    """List the built-in roles (id, name, department, KRAs, KPIs)."""
    if ctx.invoked_subcommand is not None:
        return
    roles = builtin_roles()
    table = Table(title="Built-in roles", title_justify="left")
    # The id is what HR types next: never cut it, however narrow the terminal.
    table.add_column("id", no_wrap=True, min_width=max(len(r.id) for r in roles))
    for column in ("role", "department", "period", "KRAs", "KPIs"):
        table.add_column(column, justify="right" if column in ("KRAs", "KPIs") else "left")
    for role in roles:
        table.add_row(role.id, role.name(lang), role.department(lang), role.period or "",
                      str(len(role.kras)), str(sum(1 for _ in role.kpi_rows())))
    console.print(table)
    console.print("Show one with: kpi-xl roles show ID")


@roles_app.command("show")
def roles_show(
    role: str = typer.Argument(..., help="A built-in role id, or a role file (.yaml, or catalogue.xlsx#ROLE-ID)."),
    lang: str = LangOption,
) -> None:
    """Show one role as a table: its KRAs, KPIs, weights, targets and directions."""
    r = resolve_role(role)
    console.print(f"[bold]{r.name(lang)}[/bold] ({r.id}) - {r.department(lang)}, period: {r.period or '-'}")
    if r.description:
        console.print(r.description(lang))
    table = Table(show_lines=False)
    for column in ("KRA", "indicator", "unit", "direction", "weight", "target"):
        table.add_column(column, justify="right" if column in ("weight", "target") else "left")
    for kra in r.kras:
        for i, kpi in enumerate(kra.kpis):
            target = "" if kpi.target is None else f"{kpi.target:,.10g}"
            if kpi.direction == "within" and kpi.tolerance is not None:
                target += f" ± {kpi.tolerance:g}"
            if kpi.direction == "milestone" and kpi.due is not None:
                target = f"done by {kpi.due.isoformat()}"
            table.add_row(kra.name(lang) if i == 0 else "", kpi.indicator(lang),
                          kpi.unit(lang) if kpi.unit else "", kpi.direction, f"{kpi.weight:g}", target)
    table.add_row("[bold]total[/bold]", "", "", "", f"[bold]{r.total_weight:g}[/bold]", "")
    console.print(table)
    if r.supporting_activities:
        console.print("Supporting activities: " + "; ".join(a(lang) for a in r.supporting_activities))


@roles_app.command("export")
def roles_export(
    output: Path = typer.Option(..., "-o", "--output", help="The role catalogue .xlsx to write."),
    paths: Optional[List[Path]] = typer.Argument(
        None, help="Role files or folders to export (default: the built-in library)."),
) -> None:
    """Write roles as a role catalogue workbook (one row per KPI), a starting point for HR's own."""
    roles = [r for p in paths for r in load_roles(p)] if paths else builtin_roles()
    path = export_catalogue(roles, output)
    console.print(f"{len(roles)} role(s) written to {path}", markup=False, highlight=False)


@app.command("check")
def check(
    paths: List[Path] = typer.Argument(..., help="Role files (.yaml, catalogue .xlsx) or folders of them."),
) -> None:
    """Check role definitions for the common mistakes of writing KRAs and KPIs. Exits 1 on any error."""
    # Every file is checked even when one cannot be loaded: HR fixes them all in one pass.
    files = [f for p in paths for f in (role_files(p) if p.is_dir() else [p])]
    roles, unreadable = [], 0
    for f in files:
        try:
            roles.extend(load_roles(f))
        except KpiError as e:
            unreadable += 1
            console.print(f"error: {e}", markup=False, highlight=False, soft_wrap=True)
    findings = check_roles(roles)
    for finding in findings:
        console.print(str(finding), markup=False, highlight=False, soft_wrap=True)
    errors = unreadable + sum(f.severity == ERROR for f in findings)
    warnings = len(findings) - (errors - unreadable)
    console.print(f"{len(roles)} role(s) checked: {errors} error(s), {warnings} warning(s)",
                  markup=False, highlight=False)
    if errors:
        raise typer.Exit(1)
