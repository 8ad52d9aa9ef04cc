"""`kpi-xl roles` (list, show, export) and `kpi-xl check`.

The role library (pydantic, PyYAML, the catalogue's openpyxl) is imported inside each command, for
start-up speed: `kpi-xl --help` never needs it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, List, Optional

import typer

from ..errors import KpiError
from ._app import PLAIN, LangOption, app, console
from .text import count, role_word, say

roles_app = typer.Typer(help="The built-in role library: list roles, show one, export them.",
                        no_args_is_help=False)
app.add_typer(roles_app, name="roles")

_GAP = 2  # characters between two columns of the roles table


def roles_table(roles: list[Any], lang: str, width: int) -> tuple[Any, bool]:
    """The roles as a table that fits `width` columns, and whether columns were left out for it.

    Ids and names are never cut (the id is what HR types next): department, then period, are dropped
    on a narrow screen instead; `roles show ID` has them.
    """
    # Imported here for start-up speed: only the roles table needs rich's tables.
    from rich import box
    from rich.table import Table
    from rich.text import Text

    rows = [{"id": r.id, "role": r.name(lang), "department": r.department(lang),
             "period": role_word(r.period or "", lang), "kras": str(len(r.kras)),
             "kpis": str(sum(1 for _ in r.kpi_rows()))} for r in roles]
    headers = {key: say(f"col_{key}", lang) for key in ("id", "role", "department", "period", "kras", "kpis")}
    widest = {key: max([len(h), *(len(row[key]) for row in rows)]) for key, h in headers.items()}
    keys = list(headers)
    for dropped in ("period", "department"):  # the least needed first
        if sum(widest[k] for k in keys) + _GAP * (len(keys) - 1) <= width:
            break
        keys.remove(dropped)
    table = Table(title=say("roles_title", lang), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for key in keys:
        table.add_column(headers[key], justify="right" if key in ("kras", "kpis") else "left", no_wrap=True,
                         min_width=widest[key] if key in ("id", "role") else None)
    for row in rows:
        table.add_row(*(Text(row[k]) for k in keys))
    return table, len(keys) < len(headers)


@roles_app.callback(invoke_without_command=True)
def roles_list(ctx: typer.Context, lang: str = LangOption) -> None:
    """List the built-in roles (id, name, department, period, KRAs, KPIs). --lang here applies to `show` too."""
    if ctx.invoked_subcommand is not None:
        return
    # Imported here for start-up speed: the role library loads pydantic and PyYAML.
    from ..roles import builtin_roles

    table, narrowed = roles_table(builtin_roles(), lang, console.width)
    console.print(table)
    console.print(say("roles_hint_narrow" if narrowed else "roles_hint", lang), **PLAIN)


@roles_app.command("show")
def roles_show(
    role: str = typer.Argument(..., metavar="ROLE", help="A built-in role id or name (English or Indonesian, "
                               "any case), or a role file (.yaml, or catalogue.xlsx#ROLE-ID)."),
    lang: str = LangOption,
) -> None:
    """Show one role as a table: its KRAs, KPIs, weights, targets and directions."""
    # Imported here for start-up speed: the role library loads pydantic and PyYAML, rich its tables.
    from rich.table import Table
    from rich.text import Text
    from ..roles import resolve_role

    r = resolve_role(role)
    console.print(say("role_heading", lang, name=r.name(lang), id=r.id, department=r.department(lang),
                      period=role_word(r.period, lang) if r.period else "-"), **PLAIN)
    if r.description:
        console.print(r.description(lang), **PLAIN)
    table = Table(show_lines=False)
    for key in ("kra", "indicator", "unit", "direction", "weight", "target"):
        table.add_column(say(f"col_{key}", lang), justify="right" if key in ("weight", "target") else "left")
    for kra in r.kras:
        for i, kpi in enumerate(kra.kpis):
            target = "" if kpi.target is None else f"{kpi.target:,.10g}"
            if kpi.direction == "within" and kpi.tolerance is not None:
                target += f" ± {kpi.tolerance:g}"
            if kpi.direction == "milestone" and kpi.due is not None:
                target = say("done_by", lang, date=kpi.due.isoformat())
            table.add_row(Text(kra.name(lang) if i == 0 else ""), Text(kpi.indicator(lang)),
                          Text(kpi.unit(lang) if kpi.unit else ""), role_word(kpi.direction, lang),
                          f"{kpi.weight:g}", target)
    bold = "bold"
    table.add_row(Text(say("total", lang), style=bold), "", "", "", Text(f"{r.total_weight:g}", style=bold), "")
    console.print(table)
    if r.supporting_activities:
        activities = "; ".join(a(lang) for a in r.supporting_activities)
        console.print(say("supporting", lang, activities=activities), **PLAIN)


@roles_app.command("export")
def roles_export(
    output: Path = typer.Option(..., "-o", "--output", metavar="FILE", help="The role catalogue .xlsx to write."),
    paths: Optional[List[Path]] = typer.Argument(
        None, metavar="ROLE_FILE...", help="Role files or folders to export (default: the built-in library)."),
    lang: str = LangOption,
) -> None:
    """Write roles as a role catalogue workbook (one row per KPI), a starting point for HR's own."""
    # Imported here for start-up speed: the catalogue writer loads openpyxl.
    from ..roles import builtin_roles, export_catalogue, load_roles

    roles = [r for p in paths for r in load_roles(p)] if paths else builtin_roles()
    path = export_catalogue(roles, output)
    console.print(say("roles_written", lang, roles=count(len(roles), "role", lang), path=path), **PLAIN)


@app.command("check")
def check(
    paths: List[Path] = typer.Argument(..., metavar="ROLE_FILE...",
                                       help="Role files (.yaml, catalogue .xlsx) or folders of them."),
    lang: str = LangOption,
) -> None:
    """Check role definitions for the common mistakes of writing KRAs and KPIs. Exits 1 on any error."""
    # Imported here for start-up speed: the role library loads pydantic and PyYAML.
    from ..roles import ERROR, check_roles, load_roles, role_files

    # Every file is checked even when one cannot be loaded: HR fixes them all in one pass.
    files = [f for p in paths for f in (role_files(p) if p.is_dir() else [p])]
    roles, unreadable = [], 0
    for f in files:
        try:
            roles.extend(load_roles(f))
        except KpiError as e:
            unreadable += 1
            console.print(say("check_error", lang, message=e), **PLAIN)
    findings = check_roles(roles)
    for finding in findings:
        console.print(str(finding), **PLAIN)
    errors = unreadable + sum(f.severity == ERROR for f in findings)
    warnings = len(findings) - (errors - unreadable)
    console.print(say("checked", lang, roles=count(len(roles), "role", lang), errors=count(errors, "error", lang),
                      warnings=count(warnings, "warning", lang)), **PLAIN)
    if errors:
        raise typer.Exit(1)
