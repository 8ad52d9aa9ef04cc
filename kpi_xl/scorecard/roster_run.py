"""Scorecards for a roster: one file per employee, each role's workbook built once (SPEC 6)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook

from ..errors import KpiFileError, RoleError
from ..policy import Policy
from ..roles import Role, builtin_roles
from ..roles.library import closest_roles, role_names
from ..roster import Roster, RosterProblem, read_roster
from ..words import normalise
from .build import (
    build_workbook,
    check_options,
    fill_header,
    resolve_policy,
    save_scorecard,
    scorecard_filename,
)
from .labels import LABELS
from .sheets import HeaderCells


@dataclass
class RosterRun:
    """What a roster run did: the files written, the existing files left alone (`overwrite=False`) and
    the roster rows refused (with their row numbers)."""

    written: list[Path] = field(default_factory=list)
    refused: list[RosterProblem] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # existing scorecards, not overwritten


def write_roster_scorecards(
    roster_or_path: Roster | str | os.PathLike[str],
    outdir: str | os.PathLike[str],
    *,
    lang: str = "en",
    formulas: str = "native",
    policy: Policy | str | os.PathLike[str] | None = None,
    password: str | None = None,
    roles: Iterable[Role] | None = None,
    progress: Callable[[int, int], None] | None = None,
    overwrite: bool = True,
) -> RosterRun:
    """One scorecard per roster employee in `outdir`; a refused row never stops the others.

    `roles` adds role definitions (a catalogue's) to the built-in library; a roster's role column may
    hold a role id or a role name in either language. `progress(done, total)` is called after each row.
    With `overwrite=False` an employee whose scorecard file already exists is skipped (it may hold
    their actuals) and listed in `kept`.
    """
    check_options(lang, formulas)
    roster = roster_or_path if isinstance(roster_or_path, Roster) else read_roster(roster_or_path)
    out = Path(outdir)
    if out.exists() and not out.is_dir():
        raise KpiFileError(f"{out}: exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    pol = resolve_policy(policy)
    index = role_names([*(roles or []), *builtin_roles()])  # a catalogue's role wins over a built-in one
    run = RosterRun(refused=list(roster.problems))
    built: dict[str, tuple[Workbook, HeaderCells] | RoleError] = {}
    taken: set[str] = set()
    root = out.resolve()
    total = len(roster.employees)
    for done, employee in enumerate(roster.employees, start=1):
        role = index.get(normalise(employee.role))  # by id or name, English or Indonesian, any case
        if role is None:
            close = closest_roles(employee.role, index)
            run.refused.append(RosterProblem(
                employee.row, f"unknown role {employee.role!r}" + (f"; did you mean {' or '.join(close)}?" if close
                                                                    else "")
                + " (use a role id such as sales-manager, a role name, or give --roles)", employee.employee_id))
        else:
            try:
                # Build each role's workbook once and refill only the header cells per employee.
                if role.id not in built:
                    try:
                        built[role.id] = build_workbook(role, lang=lang, formulas=formulas, policy=pol,
                                                        password=password)
                    except RoleError as e:
                        built[role.id] = e
                entry = built[role.id]
                if isinstance(entry, Exception):
                    raise entry
                path = out / scorecard_filename(employee, taken)
                if path.resolve().parent != root:  # scorecard_filename makes this impossible; keep it so
                    raise KpiFileError(f"{path.name}: would be written outside {out}")
                if not overwrite and path.exists():
                    run.kept.append(path)
                else:
                    wb, layout = entry
                    fill_header(wb, layout, employee, None)
                    wb.properties.title = f"{LABELS[lang]['title']} - {employee.name}"
                    save_scorecard(wb, path)
                    run.written.append(path)
            except (RoleError, KpiFileError) as e:
                run.refused.append(RosterProblem(employee.row, str(e), employee.employee_id))
        if progress is not None:
            progress(done, total)
    run.refused.sort(key=lambda p: p.row)
    return run
