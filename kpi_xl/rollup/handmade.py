"""Hand-made scorecard sheets: the KPI table found by its header labels, wherever it sits.

The seed's own layout is the model (Objective | Indikator (KPI) | Bobot | Target | Aktual | Skor |
Skor Akhir, the objective merged over its rows, a TOTAL row), and around it whatever people add:
title rows, a block of "Nama: ... / NIK: ..." above the table, blank rows, extra columns.
"""

from __future__ import annotations

from typing import Any

from ..safety import DEFAULT_LIMITS, Limits
from .cells import cell_name, column_letter, text_of
from .labels import (
    COLUMN_LABELS,
    HEADER_LABELS,
    KPI_VALUE_LABELS,
    REQUIRED_COLUMNS,
    is_total,
    match,
    normalize,
)
from .model import HAND_MADE, HEADER_KEYS, HEADER_WORDS, INFO, WARNING, Cached, Issue, KpiRows, RawScorecard
from .values import CellReader

HEADER_SEARCH_ROWS = 200  # the KPI table's header row is near the top of a scorecard
BLANK_ROWS_END_TABLE = 3  # this many blank rows in a row end a table that has no TOTAL row
KPI_VALUE_SEARCH_ROWS = 10  # rows below the TOTAL row searched for a "Nilai KPI" cell


def find_header(grid: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    """The first row holding weight, target and actual labels, and the column of every known label.

    >>> find_header([["KPI Karyawan"], [], ["Objective", "Indikator (KPI)", "Bobot", "Target", "Aktual"]])
    (2, {'kra': 0, 'indicator': 1, 'weight': 2, 'target': 3, 'actual': 4})
    """
    for i, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        found: dict[str, int] = {}
        for j, value in enumerate(row):
            if isinstance(value, str) and value:
                key = match(value, COLUMN_LABELS)
                if key is not None and key not in found:
                    found[key] = j
        if all(k in found for k in REQUIRED_COLUMNS):
            return i, found
    return None


def find_header_fields(grid: list[list[Any]], above: int,
                       cells: dict[str, tuple[int, int]] | None = None) -> dict[str, str]:
    """Employee name, ID, department... from "label | value" (or "label: value") cells above the table.
    `cells`, when given, receives where each value was found (0-based row and column in the grid)."""
    fields: dict[str, str] = {}
    for i, row in enumerate(grid[:above]):
        for j, value in enumerate(row):
            if not isinstance(value, str) or not value.strip():
                continue
            key = match(value, HEADER_LABELS)
            found = ""
            at = j
            if key is not None:
                for k, right in enumerate(row[j + 1:], j + 1):
                    text = text_of(right)
                    if text and text != ":":
                        found = text.lstrip(":").strip()
                        at = k
                        break
            elif ":" in value:
                label, _, rest = value.partition(":")
                key = match(label, HEADER_LABELS)
                found = rest.strip()
            if key is not None and found and key not in fields:
                fields[key] = found
                if cells is not None:
                    cells[key] = (i, at)
    return fields


def read_handmade_sheet(issues: list[Issue], path: str, sheet_name: str, sheet: Any,
                        limits: Limits = DEFAULT_LIMITS, *, hidden: bool = False,
                        errors: dict[str, str] | None = None) -> RawScorecard | None:
    """The scorecard on one python-calamine sheet found by its labels, or None (no KPI table there).
    `errors`: the sheet's cells holding an error value, from preflight (python-calamine gives blanks)."""
    max_rows = limits.max_rows
    grid = sheet.to_python(skip_empty_area=True, nrows=max_rows + 1)
    if not grid:
        return None
    start = sheet.start or (0, 0)
    if len(grid) > max_rows:
        issues.append(Issue(path, sheet_name, "", WARNING,
                            f"the sheet has more than {max_rows:,} rows; only the first {max_rows:,} were read"))
        grid = grid[:max_rows]
    return read_handmade_grid(issues, path, sheet_name, grid, int(start[0]), int(start[1]), hidden=hidden,
                              errors=errors, max_text=limits.max_text)


def read_handmade_grid(issues: list[Issue], path: str, sheet_name: str, grid: list[list[Any]], r0: int = 0,
                       c0: int = 0, *, hidden: bool = False, errors: dict[str, str] | None = None,
                       max_text: int = DEFAULT_LIMITS.max_text) -> RawScorecard | None:
    """The scorecard in a grid of cell values (rows of values; `grid[0][0]` is cell (r0, c0), 0-based),
    or None when it holds no KPI table. Works on any grid: a calamine sheet, an xlwings range's values."""
    header = find_header(grid)
    if header is None:
        if not hidden:
            issues.append(Issue(path, sheet_name, "", INFO,
                                    "no KPI table on this sheet (no header row with weight, target and actual); "
                                    "sheet skipped"))
        return None
    top, col = header
    columns = {key: column_letter(c0 + j) for key, j in col.items()}
    where: dict[str, tuple[int, int]] = {}
    fields = find_header_fields(grid, top, where)
    reader = CellReader(issues, path, sheet_name, errors=errors, max_text=max_text)
    info = {}
    for key in HEADER_KEYS:
        value = fields.get(key, "")
        if value and key in where:
            value = reader.text(value, HEADER_WORDS[key], cell_name(r0 + where[key][0], c0 + where[key][1]))
        info[key] = value
    rows = KpiRows()
    cached: list[Cached] = []
    kra = ""
    blanks = 0
    left = min(col.values())
    # The TOTAL label sits in a column before the weights (often a "No." column no label names), in
    # a row without target and actual; a unit such as "jumlah" (count) in a KPI row is no total.
    label_columns = [j for j in range(col["weight"]) if j not in (col.get("unit"), col.get("direction"))]
    total_at = None
    for i in range(top + 1, len(grid)):
        row = grid[i]
        values = {key: (row[j] if j < len(row) else "") for key, j in col.items()}
        if any(is_total(row[j]) for j in label_columns if j < len(row)) and \
                text_of(values["target"]) == "" and text_of(values["actual"]) == "":
            total_at = i
            final_j = col.get("final")
            if final_j is not None and final_j < len(row) and type(row[final_j]) in (float, int):
                cached.append(Cached("total_final", cell_name(r0 + i, c0 + final_j), float(row[final_j])))
            break
        if all(text_of(v) == "" for v in values.values()):
            blanks += 1
            if blanks >= BLANK_ROWS_END_TABLE:
                break
            continue
        blanks = 0
        if "kra" in col:  # a merged objective holds its text in its top cell
            kra = reader.text(values["kra"], "objective (KRA)", cell_name(r0 + i, c0 + col["kra"])) or kra
        reader.add_row(rows, r0 + i + 1, columns, values, kra)
    if total_at is not None:
        cached.extend(_kpi_value_cell(grid, total_at, r0, c0))
    if not len(rows):
        issues.append(Issue(path, sheet_name, cell_name(r0 + top, c0 + left), WARNING,
                                "the KPI table has a header row but no KPI rows below it"))
        return None
    return RawScorecard(path, sheet_name, HAND_MADE, info, rows, columns, cached)


def _kpi_value_cell(grid: list[list[Any]], total_at: int, r0: int, c0: int) -> list[Cached]:
    """A "Nilai KPI" / "KPI value" cell below the table: its number, to compare with ours."""
    for i in range(total_at, min(total_at + 1 + KPI_VALUE_SEARCH_ROWS, len(grid))):
        row = grid[i]
        for j, value in enumerate(row):
            if isinstance(value, str) and value and normalize(value) in KPI_VALUE_LABELS:
                for k in range(j + 1, len(row)):
                    if type(row[k]) in (float, int):
                        return [Cached("kpi_value", cell_name(r0 + i, c0 + k), float(row[k]))]
    return []
