"""The roster: who gets a scorecard (and, for the rollup, their salary and potential rating).

A roster is an .xlsx/.xlsm workbook (the first sheet with a recognisable header row; .xls and .ods are
read too) or a .csv file, one row per employee. Column headers are matched in English or Indonesian,
ignoring case, spaces and punctuation:

| field | accepted headers (examples) | required |
|---|---|---|
| employee ID | Employee ID, ID Karyawan, NIK, NIP | yes |
| name | Name, Employee name, Nama | yes |
| role | Role, Job title, Position, Jabatan, Posisi | yes |
| department | Department, Departemen, Divisi | no |
| supervisor | Supervisor, Manager, Atasan | no |
| period | Period, Periode | no |
| monthly salary | Monthly salary, Salary, Gaji bulanan, Gaji | no |
| potential | Potential, Potensi (low/medium/high, 1-3, rendah/sedang/tinggi) | no |

`roster_from_rows` turns rows into employees (no file); `read_roster` reads a file's rows through the
one gate (`kpi_xl.io.workbook`, the preflight first) or `kpi_xl.io.csvfile`.

A row that cannot be used (blank ID, name or role, an ID used twice, a salary that is no number, a
potential rating that is none of the above) is refused: it goes to `Roster.problems` with its row
number (the spreadsheet row, or the CSV line) and the others are read on. A file without the required
columns, or with no employee row below its header, is refused as a whole (`KpiFileError`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import KpiFileError
from .io.csvfile import read_csv_rows
from .io.workbook import read_sheets
from .values import cell_text, read_number
from .words import POTENTIAL_WORDS, ROSTER_COLUMNS, match

ROSTER_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")

REQUIRED = ("employee_id", "name", "role")
_FIELD_NAMES = {"employee_id": "employee ID", "name": "name", "role": "role", "department": "department",
                "supervisor": "supervisor", "period": "period", "monthly_salary": "monthly salary",
                "potential": "potential"}

_HEADER_SCAN_ROWS = 10  # a title or notes above the header row are allowed


@dataclass(frozen=True)
class Employee:
    """One roster row. Texts are stripped ("" when blank); `row` is the spreadsheet row or CSV line."""

    employee_id: str
    name: str
    department: str
    supervisor: str
    role: str
    period: str
    monthly_salary: float | None
    potential: str | None  # "low", "medium" or "high"
    row: int


@dataclass(frozen=True)
class RosterProblem:
    """A refused roster row: its row number (as the spreadsheet or CSV shows it) and what is wrong."""

    row: int
    message: str
    employee_id: str = ""

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}"


@dataclass
class Roster:
    """The employees of a roster file and the rows refused, in file order."""

    employees: list[Employee] = field(default_factory=list)
    problems: list[RosterProblem] = field(default_factory=list)
    source: str = ""




def parse_salary(value: Any) -> float | None:
    """A monthly salary from a cell: a number, or text such as "10.000.000", "Rp 7,500,000" or "7500000,50",
    read by the same rules as every number typed as text (`kpi_xl.values.read_number`): an ambiguous
    "1,500" is refused, never guessed.

    >>> parse_salary("Rp 10.000.000"), parse_salary("7,500,000"), parse_salary(8.5e6), parse_salary("")
    (10000000.0, 7500000.0, 8500000.0, None)
    """
    if isinstance(value, bool):  # TRUE in a salary column is a mistake, not 1
        raise ValueError(f"{value!r} is not a number")
    number, problem = read_number(value, "monthly salary")
    if number is None and problem is not None:
        raise ValueError(f"{str(value).strip()!r} is not a number")
    return number


def parse_potential(value: Any) -> str | None:
    """A potential rating normalised to low, medium or high (None when blank).

    >>> parse_potential("Tinggi"), parse_potential(2), parse_potential(" l "), parse_potential(None)
    ('high', 'medium', 'low', None)
    """
    text = cell_text(value).lower()
    if not text:
        return None
    try:
        return POTENTIAL_WORDS[text]
    except KeyError:
        raise ValueError(
            f"{cell_text(value)!r} is not a potential rating (low/medium/high, 1-3, rendah/sedang/tinggi)"
        ) from None


# --- reading the file -------------------------------------------------------------------------------


def _rows_csv(path: Path) -> Iterator[tuple[int, list[Any]]]:
    yield from enumerate(read_csv_rows(path, "roster"), start=1)


def _rows_workbook(path: Path) -> Generator[list[tuple[int, list[Any]]], None, None]:
    """Every sheet's rows, one list per sheet, first sheet first, through the one gate (the preflight
    first: a refused file raises `KpiFileError` with its message)."""
    for _title, rows in read_sheets(path, "roster workbook"):
        yield rows


def _find_header(rows: list[tuple[int, list[Any]]]) -> tuple[int, dict[str, int]] | None:
    """(index in rows, field -> column) of the first row naming the required fields."""
    for idx, (_, cells) in enumerate(rows[:_HEADER_SCAN_ROWS]):
        columns: dict[str, int] = {}
        for col, value in enumerate(cells):
            name = match(value, ROSTER_COLUMNS)
            if name is not None and name not in columns:
                columns[name] = col
        if sum(f in columns for f in REQUIRED) >= 2:
            return idx, columns
    return None


def read_roster(path: str | Path) -> Roster:
    """Read a roster file; rows that cannot be used are refused by row number, the rest are read on.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "roster.csv"
    >>> _ = p.write_text("NIK,Nama,Jabatan,Gaji bulanan\\n1001,Rina Dewi,social-media-specialist,8.500.000\\n,X,hr-manager,\\n")
    >>> r = read_roster(p)
    >>> r.employees[0].employee_id, r.employees[0].monthly_salary, [str(x) for x in r.problems]
    ('1001', 8500000.0, ['row 3: employee ID is blank'])
    """
    p = Path(path)
    if p.is_dir():
        raise KpiFileError(f"{p}: is a folder, not a roster file")
    suffix = p.suffix.lower()
    if suffix not in ROSTER_SUFFIXES:
        raise KpiFileError(f"{p.name}: not a roster file (expected {', '.join(ROSTER_SUFFIXES)})")
    if not p.exists():
        raise KpiFileError(f"{p}: roster file not found")
    sheets: Generator[list[tuple[int, list[Any]]], None, None]
    sheets = (rows for rows in [list(_rows_csv(p))]) if suffix == ".csv" else _rows_workbook(p)
    # closing(): stop reading (and close the workbook) as soon as the sheet with the header is found.
    with contextlib.closing(sheets):
        return roster_from_rows(sheets, p.name)


def roster_from_rows(sheets: Iterable[list[tuple[int, list[Any]]]], source: str) -> Roster:
    """The roster in the rows of a file (no file is opened here): each item of `sheets` is one sheet's
    rows as (row number, values); the first sheet with a header row naming employee ID, name and role
    in its first rows is read. `source` (the file's name) starts every message.

    >>> rows = [(1, ["NIK", "Nama", "Jabatan"]), (2, ["1001", "Rina", "hr-manager"])]
    >>> [e.name for e in roster_from_rows([rows], "roster.xlsx").employees]
    ['Rina']
    """
    for rows in sheets:
        found = _find_header(rows)
        if found is None:
            continue
        idx, columns = found
        missing = [_FIELD_NAMES[f] for f in REQUIRED if f not in columns]
        if missing:
            header_row = rows[idx][0]
            raise KpiFileError(
                f"{source}: row {header_row}: no column for {', '.join(missing)} "
                f"(the header needs employee ID, name and role, e.g. NIK | Nama | Jabatan)"
            )
        roster = _read_rows(rows[idx + 1:], columns, source)
        if not roster.employees and not roster.problems:
            raise KpiFileError(f"{source}: no employees below the header row (row {rows[idx][0]}): "
                               f"add one row per employee")
        return roster
    raise KpiFileError(
        f"{source}: no header row with employee ID, name and role columns in the first "
        f"{_HEADER_SCAN_ROWS} rows (e.g. Employee ID | Name | Role, or NIK | Nama | Jabatan)"
    )


def _read_rows(rows: list[tuple[int, list[Any]]], columns: dict[str, int], source: str) -> Roster:
    roster = Roster(source=source)
    seen: dict[str, int] = {}
    for number, cells in rows:
        if not any(cell_text(c) for c in cells):
            continue  # blank lines between blocks are no employees
        values = {name: cells[col] if col < len(cells) else None for name, col in columns.items()}
        result = _employee(values, number, seen)
        if isinstance(result, RosterProblem):
            roster.problems.append(result)
        else:
            seen[result.employee_id] = number
            roster.employees.append(result)
    return roster


def _employee(values: dict[str, Any], number: int, seen: dict[str, int]) -> Employee | RosterProblem:
    """One roster row as an Employee, or the reason it is refused."""
    employee_id = cell_text(values.get("employee_id"))
    blank = [_FIELD_NAMES[f] for f in REQUIRED if not cell_text(values.get(f))]
    if blank:
        return RosterProblem(number, f"{' and '.join(blank)} {'is' if len(blank) == 1 else 'are'} blank",
                             employee_id)
    if employee_id in seen:
        return RosterProblem(number, f"employee ID {employee_id!r} is also on row {seen[employee_id]}", employee_id)
    try:
        salary = parse_salary(values.get("monthly_salary"))
    except ValueError as e:
        return RosterProblem(number, f"monthly salary {e}", employee_id)
    if salary is not None and salary < 0:
        return RosterProblem(number, f"monthly salary {salary:g} is below 0", employee_id)
    try:
        potential = parse_potential(values.get("potential"))
    except ValueError as e:
        return RosterProblem(number, f"potential {e}", employee_id)
    return Employee(
        employee_id=employee_id,
        name=cell_text(values.get("name")),
        department=cell_text(values.get("department")),
        supervisor=cell_text(values.get("supervisor")),
        role=cell_text(values.get("role")),
        period=cell_text(values.get("period")),
        monthly_salary=salary,
        potential=potential,
        row=number,
    )
