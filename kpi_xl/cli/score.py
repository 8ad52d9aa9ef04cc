"""`kpi-xl score FILE.csv`: score a CSV of KPI rows and print the scorecard's result."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any, Optional

import typer

from ._app import PLAIN, LangOption, PolicyOption, app, console, load_cli_policy
from .text import say

# `--csv`: one row per KPI row, the scorecard's result repeated on each, so a script reads one table.
CSV_COLUMNS = ("row", "indicator", "weight", "target", "actual", "score", "final", "kpi_value", "level", "label",
               "bonus_multiple", "raise")


def _fmt(value: Any, digits: int = 2) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:,.{digits}f}"


def check_salary(ctx: typer.Context, salary: Optional[str]) -> Optional[float]:
    """--salary as a number, read like a salary in a roster ("8500000", "8.500.000", "Rp 8,500,000")."""
    if salary is None:
        return None
    # Imported here for start-up speed: the roster's rules load numpy.
    from ..roster import parse_salary

    try:
        amount = parse_salary(salary)
    except ValueError:
        amount = None
    if amount is None or amount < 0:
        raise typer.BadParameter(say("salary_not_number", ctx.meta.get("kpi_xl.lang", "en"), value=salary),
                                 param_hint="--salary")
    return amount


@app.command("score")
def score_csv(
    file: Path = typer.Argument(..., metavar="FILE.csv", dir_okay=False,
                                help="CSV with columns weight, target, actual (optional: indicator, direction, "
                                     "tolerance, due), in English or Indonesian (Bobot, Realisasi...)."),
    policy: Optional[Path] = PolicyOption,
    lang: str = LangOption,
    salary: Optional[str] = typer.Option(None, "--salary", metavar="AMOUNT", callback=check_salary,
                                         help="Monthly salary, to print the bonus amount."),
    as_csv: bool = typer.Option(False, "--csv", help="Print one CSV table for scripts: each KPI row with its "
                                "score, and the scorecard's result on every row."),
) -> None:
    """Score a CSV of KPI rows: each row's score and final, the KPI value, level, label, bonus, raise."""
    # Imported here for start-up speed: scoring loads numpy.
    from ..kpi_csv import score_kpi_csv

    scored = score_kpi_csv(file, policy=load_cli_policy(policy))
    result, rows, headers = scored.result, scored.rows, scored.headers
    amount: Optional[float] = salary  # type: ignore[assignment] - check_salary made it a number
    band = result.band
    label = band.label(lang)
    bonus = result.bonus(amount)
    label_column = next((h for h in ("indicator", "kpi", "name") if h in headers), None)
    # Not one actual reported: a KPI value of 0 would read as "far below target"; there is none yet (the
    # rollup's rule, SPEC's money rule).
    started = result.status != "not started"
    if as_csv:
        out = csv.writer(console.file, lineterminator="\n")
        out.writerow(list(CSV_COLUMNS) + (["bonus"] if bonus is not None else []))
        outcome = ([f"{result.kpi_value:.6f}", band.level, label, f"{band.bonus:g}", band.raise_text]
                   + ([f"{bonus:.2f}"] if bonus is not None else [])) if started else \
            [""] * (5 + (bonus is not None))
        for i, row in enumerate(rows):
            out.writerow([i + 1, row.get(label_column, "") if label_column else "", row.get("weight"),
                          row.get("target"), row.get("actual"), _fmt(result.scores[i], 6), _fmt(result.finals[i], 6),
                          *outcome])
        return

    # Imported here for start-up speed: only the table needs rich's tables.
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{file.name}", title_justify="left")
    table.add_column(say("col_row", lang), justify="right")
    if label_column:
        table.add_column(say("col_indicator", lang))
    for key in ("weight", "target", "actual", "score", "final"):
        table.add_column(say(f"col_{key}", lang), justify="right")
    for i, row in enumerate(rows):
        cells = [str(i + 1)] + ([row.get(label_column) or ""] if label_column else [])
        cells += [row.get("weight") or "", row.get("target") or "", row.get("actual") or say("blank", lang),
                  _fmt(result.scores[i]), _fmt(result.finals[i])]
        table.add_row(*(Text(c) for c in cells))
    console.print(table)
    if not started:
        console.print(say("not_started", lang), **PLAIN)
        return
    console.print(say("kpi_value", lang, value=f"{result.kpi_value:.2f}"), **PLAIN)
    console.print(say("level", lang, level=band.level, label=label), **PLAIN)
    console.print(say("bonus", lang, multiple=f"{band.bonus:g}") if bonus is None
                  else say("bonus_amount", lang, multiple=f"{band.bonus:g}", amount=f"{bonus:,.2f}"), **PLAIN)
    console.print(say("raise", lang, raise_=band.raise_text), **PLAIN)
    total_weight = scored.total_weight
    if abs(total_weight - 100) > 1e-9:
        console.print(say("weights_note", lang, total=f"{total_weight:g}"), **PLAIN)
    if result.status == "incomplete":
        console.print(say("incomplete", lang), **PLAIN)
