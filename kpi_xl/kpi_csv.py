"""A CSV file of KPI rows scored as one scorecard: what `kpi-xl score FILE` does.

Headers are recognised by `kpi_xl.words` (English or Indonesian: Bobot, Realisasi, Arah...), values read
by `kpi_xl.values` and the rows scored by the core, like every other path.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import KpiFileError, KpiInputError
from .io.csvfile import read_csv_rows
from .policy import Policy
from .scoring import ScorecardResult, score_scorecard
from .values import number_column
from .words import SCORECARD_COLUMNS, match

REQUIRED = ("weight", "target", "actual")
OPTIONAL = ("direction", "tolerance", "due")


@dataclass(frozen=True)
class ScoredCsv:
    """The file's KPI rows (line number, column -> text), its columns, and what they add up to."""

    lines: list[tuple[int, dict[str, str]]]
    headers: list[str]
    result: ScorecardResult
    total_weight: float

    @property
    def rows(self) -> list[dict[str, str]]:
        return [row for _, row in self.lines]


def read_kpi_csv(path: Path) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """(line number, row) of a KPI CSV, columns named by the field they hold (weight, target, actual...;
    other columns by their header in lower case); refuses one without weight, target and actual."""
    lines = [(i, row) for i, row in enumerate(read_csv_rows(path, "file"), start=1)
             if any(cell.strip() for cell in row)]
    headers = [match(h, SCORECARD_COLUMNS) or h.strip().lower() for h in (lines[0][1] if lines else [])]
    missing = [c for c in REQUIRED if c not in headers]
    if missing:
        raise KpiFileError(f"{path.name}: missing column(s) {', '.join(missing)} "
                           f"(the header row needs weight, target, actual)")
    # A short row (fewer cells than the header) has blanks in its missing cells.
    rows = [(i, {h: (row[k] if k < len(row) else "") for k, h in enumerate(headers)}) for i, row in lines[1:]]
    if not rows:
        raise KpiFileError(f"{path.name}: no KPI rows below the header")
    return rows, headers


def score_kpi_csv(path: Path, *, policy: Policy) -> ScoredCsv:
    """Score a KPI CSV as one scorecard; a row that cannot be scored is a `KpiInputError` naming its line.

    >>> import tempfile
    >>> from kpi_xl.policy import default_policy
    >>> p = Path(tempfile.mkdtemp()) / "kpi.csv"
    >>> _ = p.write_text("Bobot,Target,Realisasi,Arah\\n60,40,50,naik\\n40,10,8,turun\\n")
    >>> round(score_kpi_csv(p, policy=default_policy()).result.kpi_value, 2)
    123.0
    """
    lines, headers = read_kpi_csv(path)
    rows = [row for _, row in lines]
    column = {name: [r.get(name) for r in rows] for name in REQUIRED + OPTIONAL if name in headers}
    try:
        result = score_scorecard(column["weight"], column["actual"], column["target"], column.get("direction"),
                                 column.get("tolerance"), column.get("due"), policy=policy)
    except KpiInputError as e:
        where = f" line {lines[e.row][0]}" if e.row is not None else ""
        raise KpiInputError(f"{path.name}{where}: {e.detail}") from None
    if result.problems:
        first = min(result.problems)
        raise KpiInputError(f"{path.name} line {lines[first][0]}: {result.problems[first]}")
    total_weight = float(np.sum(number_column(column["weight"], "weight")))
    return ScoredCsv(lines, headers, result, total_weight)
