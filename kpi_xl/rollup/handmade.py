"""Hand-made scorecard sheets: the KPI table found by its header labels, wherever it sits.

The layout of the KPI article's example is the model (Objective | Indikator (KPI) | Bobot | Target | Aktual | Skor |
Skor Akhir, the objective merged over its rows, a TOTAL row), and around it whatever people add:
title rows, a block of "Nama: ... / NIK: ..." above the table, blank rows, extra columns.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from ..addresses import cell_name, column_letter
from ..io.preflight import DEFAULT_LIMITS, Limits
from ..values import cell_text as text_of
from ..words import (
    COMPETENCY_COLUMNS,
    COMPETENCY_REQUIRED,
    KPI_VALUE_LABELS,
    REQUIRED_COLUMNS,
    TOTAL_LABELS,
    is_total,
    match,
    normalise,
)
from ..words import SCORECARD_COLUMNS as COLUMN_LABELS
from ..words import SCORECARD_FIELDS as HEADER_LABELS
from .model import (
    HAND_MADE, HEADER_KEYS, HEADER_WORDS, INFO, WARNING, Cached, CompetencyRows, Issue, KpiRows, RawScorecard,
)
from .rows import CellReader

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
    `cells`, when given, receives where each value was found (0-based row and column in the grid).

    A label's value is the next filled cell to its right, and never another label: in
    `Nama | (blank) | NIK | E5` the name is blank, not "NIK". A cell that reads like a label but sits
    between two labels is a value (`Jabatan | Manager | Atasan | Sari`: the role is "Manager"). A text
    kpi-xl does not read as a field ("Review cycle") is a label too when it stands in a column of
    labels (two or more other labels above or below it, as in a generated scorecard's header block)
    and has a value of its own to its right: a blank Supervisor beside it stays blank.

    >>> find_header_fields([["Nama", None, "NIK", "E5"], ["Jabatan", "Manager", "Atasan", "Sari"]], 2)
    {'employee_id': 'E5', 'role': 'Manager', 'supervisor': 'Sari'}
    >>> find_header_fields([["Name", "Budi", "Role", "Clerk"], ["Supervisor", None, "Review cycle", "Annual"],
    ...                     [None, None, "Period", "2025"]], 3)
    {'name': 'Budi', 'role': 'Clerk', 'period': '2025'}
    """
    rows = []
    for row in grid[:above]:
        filled = [(j, value) for j, value in enumerate(row) if text_of(value) not in ("", ":")]
        rows.append((filled, [_label_kind(value) for _, value in filled]))
    label_columns = Counter(j for filled, kinds in rows for (j, _), kind in zip(filled, kinds)
                            if kind is not None and kind[1] is None)
    fields: dict[str, str] = {}
    for i, (filled, kinds) in enumerate(rows):
        for q, (j, value) in enumerate(filled):
            if kinds[q] is None and isinstance(value, str) and label_columns[j] >= 2 and q + 1 < len(filled):
                kinds[q] = (_OTHER_LABEL, None)  # a label of a field not read, with its own value after it
        p = 0
        while p < len(filled):
            kind = kinds[p]
            p += 1
            if kind is None:
                continue
            key, inline = kind
            found, at = inline, filled[p - 1][0]
            if inline is None:  # "Label | value": the value is the next filled cell, unless it is a label
                found = ""
                if p < len(filled) and _is_value(kinds, p):
                    at, value = filled[p]
                    found = text_of(value).lstrip(":").strip()
                    p += 1
            if found and key != _OTHER_LABEL and key not in fields:
                fields[key] = found
                if cells is not None:
                    cells[key] = (i, at)
    return fields


_OTHER_LABEL = ""  # the field of a label kpi-xl does not read (`find_header_fields`)


def _label_kind(value: Any) -> tuple[str, str | None] | None:
    """(field, None) for a label cell, (field, value) for a "Label: value" cell, None for any other."""
    if not isinstance(value, str) or not value.strip():
        return None
    key = match(value, HEADER_LABELS)
    if key is not None:
        return key, None
    if ":" in value:
        label, _, rest = value.partition(":")
        key = match(label, HEADER_LABELS)
        if key is not None:
            return key, rest.strip()
    return None


def _is_value(kinds: list[tuple[str, str | None] | None], p: int) -> bool:
    """Whether the filled cell `p`, right of a label, is that label's value."""
    if kinds[p] is None:
        return True
    # A plain label word followed by another label is a value ("Jabatan | Manager | Atasan"); followed by
    # a value, or by nothing, it is a label whose own value follows (or is blank).
    return (kinds[p][0] != _OTHER_LABEL and kinds[p][1] is None and p + 1 < len(kinds)
            and kinds[p + 1] is not None)


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
            issues.append(_no_table_issue(path, sheet_name, grid, r0, c0))
        return None
    top, col = header
    columns = {key: column_letter(c0 + j) for key, j in col.items()}
    where: dict[str, tuple[int, int]] = {}
    fields = find_header_fields(grid, top, where)
    reader = CellReader(issues, path, sheet_name, errors=errors, max_text=max_text)
    info = {}
    header_cells = {key: cell_name(r0 + at[0], c0 + at[1]) for key, at in where.items()}
    for key in HEADER_KEYS:
        value = fields.get(key, "")
        if value and key in where:
            value = reader.text(value, HEADER_WORDS[key], header_cells[key])
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
    weights_above = 0.0  # the sum of the KPI weights so far: an unlabelled SUM row repeats it
    competency_top = find_competency_header(grid)
    for i in range(top + 1, len(grid)):
        row = grid[i]
        if competency_top is not None and i == competency_top[0]:
            break  # the competency table below the KPI rows
        values = {key: (row[j] if j < len(row) else "") for key, j in col.items()}
        no_result = text_of(values["target"]) == "" and text_of(values["actual"]) == ""
        labels = [row[j] for j in label_columns if j < len(row)]
        if no_result and (any(is_total(v) for v in labels) or _is_sum_row(values, weights_above)):
            if not any(isinstance(v, str) and normalise(v) in TOTAL_LABELS for v in labels) and \
                    _has_result(grid, i + 1, col):
                # "Total KRA 1" or a sum directly above more KPI rows: a subtotal, not the table's end.
                issues.append(Issue(path, sheet_name, cell_name(r0 + i, c0 + col["weight"]), WARNING,
                                    f"row {r0 + i + 1} looks like a subtotal (no target or actual) and is not "
                                    "counted as a KPI"))
                continue
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
        if reader.add_row(rows, r0 + i + 1, columns, values, kra) and rows.weight[-1] > 0:
            weights_above += rows.weight[-1]
    if total_at is not None:
        cached.extend(_kpi_value_cell(grid, total_at, r0, c0))
    if not len(rows):
        issues.append(Issue(path, sheet_name, cell_name(r0 + top, c0 + left), WARNING,
                                "the KPI table has a header row but no KPI rows below it"))
        return None
    card = RawScorecard(path, sheet_name, HAND_MADE, info, rows, columns, cached, header_cells)
    if competency_top is not None:
        card.competencies = _competency_rows(grid, competency_top, reader, sheet_name, r0, c0)
    return card


def find_competency_header(grid: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    """The row of a competency table's header (competency and supervisor rating labels, EN or ID) and the
    column of every label it has, or None.

    >>> find_competency_header([["Kompetensi", "Perilaku", "Bobot", "Nilai Diri", "Nilai Atasan"]])
    (0, {'competency': 0, 'behaviour': 1, 'weight': 2, 'self_rating': 3, 'supervisor': 4})
    """
    for i, row in enumerate(grid):
        found: dict[str, int] = {}
        for j, value in enumerate(row):
            key = match(value, COMPETENCY_COLUMNS) if isinstance(value, str) and value else None
            if key is not None and key not in found:
                found[key] = j
        if all(k in found for k in COMPETENCY_REQUIRED):
            return i, found
    return None


def _competency_rows(grid: list[list[Any]], header: tuple[int, dict[str, int]], reader: CellReader,
                     sheet_name: str, r0: int, c0: int) -> CompetencyRows:
    """The competencies below their header, down to the first row without a competency name."""
    top, col = header
    rows = CompetencyRows(sheet_name)
    for i in range(top + 1, len(grid)):
        row = grid[i]

        def at(key: str) -> Any:
            j = col.get(key)
            return row[j] if j is not None and j < len(row) else ""

        name = reader.text(at("competency"), "competency", cell_name(r0 + i, c0 + col["competency"]))
        if not name or is_total(name):
            break
        rows.name.append(name)
        for key, what in (("supervisor", "supervisor rating"), ("self_rating", "self-rating"), ("weight", "weight")):
            where = cell_name(r0 + i, c0 + col[key]) if key in col else ""
            getattr(rows, key).append(reader.number(at(key), what, where) if key in col else math.nan)
        rows.cells.append(cell_name(r0 + i, c0 + col["supervisor"]))
        rows.self_cells.append(cell_name(r0 + i, c0 + col["self_rating"]) if "self_rating" in col else "")
    return rows


def _has_result(grid: list[list[Any]], i: int, col: dict[str, int]) -> bool:
    """Whether row `i` of the grid holds a target or an actual."""
    if i >= len(grid):
        return False
    row = grid[i]
    return any(col[k] < len(row) and text_of(row[col[k]]) != "" for k in ("target", "actual"))


def _is_sum_row(values: dict[str, Any], weights_above: float) -> bool:
    """A row with no indicator, target or actual whose weight is the sum of the weights above: the
    table's total row without a label (`=SUM(C8:C14)`), not one more KPI.

    >>> _is_sum_row({"indicator": None, "weight": 100.0, "target": None, "actual": ""}, 100.0)
    True
    >>> _is_sum_row({"indicator": "new KPI", "weight": 100.0, "target": None, "actual": ""}, 100.0)
    False
    """
    weight = values.get("weight")
    return (weights_above > 0 and type(weight) in (float, int) and abs(weight - weights_above) < 1e-9
            and text_of(values.get("indicator")) == "")


# The fields a KPI table needs, as the warning names them.
_REQUIRED_WORDS = {"weight": "weight (Bobot/Weight)", "target": "target (Target)",
                   "actual": "actual (Aktual/Actual/Realisasi)"}


def _no_table_issue(path: str, sheet_name: str, grid: list[list[Any]], r0: int, c0: int) -> Issue:
    """Why a sheet gave no scorecard. A scorecard nearly read is a warning: a row with two of the three
    required labels over numbers (headed "Nilai" instead of "Aktual"), or an employee named above no
    table at all. Any other sheet is info: notes, lists, or a table of text targets (the KRA record a
    generated scorecard carries, read by labels in an .xls or .ods copy)."""
    text_table = False
    for i, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        found: dict[str, int] = {}
        for j, value in enumerate(row):
            key = match(value, COLUMN_LABELS)
            if key in REQUIRED_COLUMNS and key not in found:
                found[key] = j
        if len(found) != len(REQUIRED_COLUMNS) - 1:
            continue
        if not _numbers_below(grid, i, list(found.values())):
            text_table = True
            continue
        missing = next(k for k in REQUIRED_COLUMNS if k not in found)
        have = " and ".join(text_of(row[j]) for j in sorted(found.values()))
        return Issue(path, sheet_name, cell_name(r0 + i, c0 + min(found.values())), WARNING,
                     f"no KPI table read on this sheet: row {r0 + i + 1} has {have} but no column for the "
                     f"{_REQUIRED_WORDS[missing]}; name that column so the scorecard can be read")
    who = _scorecard_signs(grid) if not text_table else {}
    named = [text for key, text in (("name", "name"), ("employee_id", "employee ID")) if key in who]
    if named:
        return Issue(path, sheet_name, "", WARNING,
                     f"the sheet gives an employee's {' and '.join(named)} but no KPI table was found (a header "
                     "row with weight, target and actual: Bobot, Target, Aktual); sheet skipped")
    return Issue(path, sheet_name, "", INFO,
                 "no KPI table on this sheet (no header row with weight, target and actual); sheet skipped")


# Besides an employee's name or ID, what makes a sheet look like a scorecard.
_OTHER_SIGNS = ("employee_id", "period", "role", "role_id")


def _scorecard_signs(grid: list[list[Any]]) -> dict[str, str]:
    """The header fields of a sheet that looks like a scorecard, or {}: an employee's name or ID with a
    value, and a second sign (an employee ID, period or role with a value, or a row with two or more
    KPI column headers). A value that is itself a label word is no sign (a roster's header row,
    `Employee ID | Name | Department`). A sheet that merely has a "Name" cell (a list, a form, notes)
    is no scorecard and gets no warning.

    >>> _scorecard_signs([["Name", "Budi"], ["Address", "Jl. Merdeka 1"]])
    {}
    >>> _scorecard_signs([["Nama", "Budi"], ["NIK", "E5"]])
    {'name': 'Budi', 'employee_id': 'E5'}
    >>> _scorecard_signs([["Employee ID", "Name", "Department", "Role"], ["E1", "Budi", "Sales", "Clerk"]])
    {}
    """
    fields = {k: v for k, v in find_header_fields(grid, HEADER_SEARCH_ROWS).items()
              if match(v, HEADER_LABELS) is None and match(v, COLUMN_LABELS) is None}
    if "name" not in fields and "employee_id" not in fields:
        return {}
    signs = sum(1 for k in ("name", *_OTHER_SIGNS) if k in fields)
    kpi_headers = any(sum(1 for v in row if match(v, COLUMN_LABELS) is not None) >= 2
                      for row in grid[:HEADER_SEARCH_ROWS])
    return fields if signs + kpi_headers >= 2 else {}


def _numbers_below(grid: list[list[Any]], top: int, columns: list[int], rows: int = 50) -> bool:
    """Whether some row under `top` holds a number in every one of `columns`."""
    for row in grid[top + 1:top + 1 + rows]:
        if all(j < len(row) and type(row[j]) in (float, int) for j in columns):
            return True
    return False


def _kpi_value_cell(grid: list[list[Any]], total_at: int, r0: int, c0: int) -> list[Cached]:
    """A "Nilai KPI" / "KPI value" cell below the table: its number, to compare with ours."""
    for i in range(total_at, min(total_at + 1 + KPI_VALUE_SEARCH_ROWS, len(grid))):
        row = grid[i]
        for j, value in enumerate(row):
            if isinstance(value, str) and value and normalise(value) in KPI_VALUE_LABELS:
                for k in range(j + 1, len(row)):
                    if type(row[k]) in (float, int):
                        return [Cached("kpi_value", cell_name(r0 + i, c0 + k), float(row[k]))]
    return []
