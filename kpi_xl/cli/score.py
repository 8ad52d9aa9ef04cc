"""`kpi-xl score FILE.csv`: score a CSV of KPI rows and print the scorecard's result."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from ..kpi_csv import score_kpi_csv
from ._app import LangOption, PolicyOption, app, console, load_cli_policy


def _fmt(value: float, digits: int = 2) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:,.{digits}f}"


@app.command("score")
def score_csv(
    file: Path = typer.Argument(..., help="CSV with columns weight, target, actual (optional: direction, tolerance, due).",
                                dir_okay=False),
    policy: Optional[Path] = PolicyOption,
    lang: str = LangOption,
    salary: Optional[float] = typer.Option(None, "--salary", help="Monthly salary, to print the bonus amount."),
    as_csv: bool = typer.Option(False, "--csv", help="Print the rows and result as CSV, for scripts."),
) -> None:
    """Score a CSV of KPI rows: each row's score and final, the KPI value, level, label, bonus, raise."""
    scored = score_kpi_csv(file, policy=load_cli_policy(policy))
    result, rows, headers = scored.result, scored.rows, scored.headers

    band = result.band
    label = band.label(lang)
    bonus = result.bonus(salary)
    if as_csv:
        out = csv.writer(console.file, lineterminator="\n")
        out.writerow(["row", "weight", "target", "actual", "score", "final"])
        for i, row in enumerate(rows):
            out.writerow([i + 1, row.get("weight"), row.get("target"), row.get("actual"),
                          _fmt(result.scores[i], 6), _fmt(result.finals[i], 6)])
        out.writerow([])
        out.writerow(["kpi_value", "level", "label", "bonus_multiple", "raise"] + (["bonus"] if bonus is not None else []))
        out.writerow([f"{result.kpi_value:.6f}", band.level, label, f"{band.bonus:g}", band.raise_text]
                     + ([f"{bonus:.2f}"] if bonus is not None else []))
        return

    table = Table(title=f"{file.name}", title_justify="left")
    label_column = next((h for h in ("indicator", "kpi", "name") if h in headers), None)
    table.add_column("#", justify="right")
    if label_column:
        table.add_column(label_column)
    for name in ("weight", "target", "actual", "score", "final"):
        table.add_column(name, justify="right")
    for i, row in enumerate(rows):
        cells = [str(i + 1)] + ([row.get(label_column) or ""] if label_column else [])
        cells += [row.get("weight") or "", row.get("target") or "", row.get("actual") or "(blank)",
                  _fmt(result.scores[i]), _fmt(result.finals[i])]
        table.add_row(*cells)
    console.print(table)
    console.print(f"KPI value: {result.kpi_value:.2f}%", highlight=False)
    console.print(f"Level: {band.level} ({label})", highlight=False)
    console.print(f"Bonus: {band.bonus:g} x monthly salary" + (f" = {bonus:,.2f}" if bonus is not None else ""),
                  highlight=False)
    console.print(f"Raise: {band.raise_text}", highlight=False)
    total_weight = scored.total_weight
    if abs(total_weight - 100) > 1e-9:
        console.print(f"Note: the weights sum to {total_weight:g}, not 100; the KPI value divides by their sum",
                      highlight=False)
    if result.status in ("incomplete", "not started"):
        console.print("Status: incomplete (blank actuals count as 0 until they are reported)", highlight=False)
