"""`kpi-xl score FILE.csv`: score a CSV of KPI rows and print the scorecard's result."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from ..csvfile import read_csv_rows
from ..errors import KpiFileError, KpiInputError
from ..scoring import score_scorecard
from ._app import LangOption, PolicyOption, app, check_lang, console, load_cli_policy

REQUIRED = ("weight", "target", "actual")
OPTIONAL = ("direction", "tolerance", "due")
# Indonesian headers, as the seed's own sheet has them, mean the same columns.
ALIASES = {"bobot": "weight", "aktual": "actual", "realisasi": "actual", "arah": "direction",
           "toleransi": "tolerance", "tenggat": "due", "due date": "due", "indikator": "indicator",
           "indikator (kpi)": "indicator"}


def read_score_csv(path: Path) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """(line number, row) of a KPI CSV with lower-cased headers; refuses one without weight, target, actual."""
    lines = [(i, row) for i, row in enumerate(read_csv_rows(path, "file"), start=1)
             if any(cell.strip() for cell in row)]
    headers = [h.strip().lower() for h in (lines[0][1] if lines else [])]
    headers = [ALIASES.get(h, h) for h in headers]
    missing = [c for c in REQUIRED if c not in headers]
    if missing:
        raise KpiFileError(f"{path.name}: missing column(s) {', '.join(missing)} "
                           f"(the header row needs weight, target, actual)")
    # A short row (fewer cells than the header) has blanks in its missing cells.
    rows = [(i, {h: (row[k] if k < len(row) else "") for k, h in enumerate(headers)}) for i, row in lines[1:]]
    if not rows:
        raise KpiFileError(f"{path.name}: no KPI rows below the header")
    return rows, headers


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
    check_lang(lang)
    pol = load_cli_policy(policy)
    lines, headers = read_score_csv(file)
    rows = [row for _, row in lines]
    column = {name: [r.get(name) for r in rows] for name in REQUIRED + OPTIONAL if name in headers}
    try:
        result = score_scorecard(column["weight"], column["actual"], column["target"], column.get("direction"),
                                 column.get("tolerance"), column.get("due"), pol)
    except KpiInputError as e:
        where = f" line {lines[e.row][0]}" if e.row is not None else ""
        raise KpiInputError(f"{file.name}{where}: {e.detail}") from None
    if result.problems:
        first = min(result.problems)
        raise KpiInputError(f"{file.name} line {lines[first][0]}: {result.problems[first]}")

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
    total_weight = sum(float(w) for w in column["weight"])  # scoring has read every weight as a number
    if abs(total_weight - 100) > 1e-9:
        console.print(f"Note: the weights sum to {total_weight:g}, not 100; the KPI value divides by their sum",
                      highlight=False)
    if result.status == "incomplete":
        console.print("Status: incomplete (blank actuals count as 0 until they are reported)", highlight=False)
