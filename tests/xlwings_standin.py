"""A stand-in for xlwings' Book, Sheet and Range under the classic add-in (COM, Windows only): only what
kpi-xl calls. No Excel, no kpi-xl imports, so a test can also copy this file beside an xlwings Lite main.py
and run it in a bare Python. Where xlwings runs here (its remote book, the one Lite and xlwings Server use:
tests/test_excel_xlwings.py) this behaves as it does: a sheet is found by its name in any case and a second
sheet of that name is refused, and `used_range.value` of one cell is the value, of one row a flat list, of
an empty sheet None."""

from __future__ import annotations

import re
from typing import Any


def column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n



class Cell:
    def __init__(self, sheet: Sheet, row: int, col: int, last: tuple[int, int] | None = None) -> None:
        self.sheet, self.row, self.column, self.last = sheet, row, col, last
        self.font = type("Font", (), {})()
        self.number_format = None

    @property
    def value(self) -> Any:
        return self.sheet.cells.get((self.row, self.column))

    @value.setter
    def value(self, value: Any) -> None:
        rows = value if isinstance(value, list) else [[value]]
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if v is None:
                    self.sheet.cells.pop((self.row + i, self.column + j), None)
                else:
                    self.sheet.cells[(self.row + i, self.column + j)] = v


class UsedRange:
    def __init__(self, sheet: Sheet) -> None:
        cells = sheet.cells or {(1, 1): None}
        self.row = min(r for r, _ in cells)
        self.column = min(c for _, c in cells)
        last_row = max(r for r, _ in cells)
        last_col = max(c for _, c in cells)
        self.grid = [[sheet.cells.get((r, c)) for c in range(self.column, last_col + 1)]
                     for r in range(self.row, last_row + 1)]
        # As xlwings gives a range's value: one cell as itself, one row or column as a flat list.
        if len(self.grid) == 1 and len(self.grid[0]) == 1:
            self.value: Any = self.grid[0][0]
        elif len(self.grid) == 1:
            self.value = self.grid[0]
        elif last_col == self.column:
            self.value = [row[0] for row in self.grid]
        else:
            self.value = self.grid


class Sheet:
    def __init__(self, name: str, cells: dict[tuple[int, int], Any] | None = None) -> None:
        self.name = name
        self.cells = dict(cells or {})

    def range(self, first: Any, last: Any = None) -> Cell:
        if isinstance(first, str):
            m = re.fullmatch(r"([A-Z]+)(\d+)", first)
            return Cell(self, int(m.group(2)), column_index(m.group(1)))
        return Cell(self, first[0], first[1], last)

    def __getitem__(self, ref: str) -> Cell:
        return self.range(ref)

    @property
    def used_range(self) -> UsedRange:
        return UsedRange(self)

    def clear(self) -> None:
        self.cells.clear()

    def autofit(self) -> None:
        pass

    def rows(self) -> list[list[Any]]:
        return UsedRange(self).grid


class Sheets(list):
    def __getitem__(self, key: Any) -> Sheet:
        if isinstance(key, str):  # Excel's sheet names are case-insensitive
            found = [s for s in self if s.name.lower() == key.lower()]
            if not found:
                raise KeyError(key)
            return found[0]
        return list.__getitem__(self, key)

    def add(self, name: str, after: Sheet | None = None) -> Sheet:
        if any(s.name.lower() == name.lower() for s in self):
            raise ValueError(f"Sheet named '{name}' already present in workbook")
        sheet = Sheet(name)
        self.append(sheet)
        return sheet


class Name:
    def __init__(self, cell: Cell) -> None:
        self.refers_to_range = cell


class Book:
    """A workbook: sheets of {(row, column): value} (1-based) and names pointing at single cells."""

    def __init__(self, fullname: str, sheets: dict[str, dict[tuple[int, int], Any]],
                 names: dict[str, tuple[str, str]] | None = None) -> None:
        self.fullname = fullname
        self.sheets = Sheets(Sheet(name, cells) for name, cells in sheets.items())
        self.names: dict[str, Name] = {}
        for name, (sheet, ref) in (names or {}).items():
            m = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", ref)
            self.names[name] = Name(Cell(self.sheets[sheet], int(m.group(2)), column_index(m.group(1))))

    def set(self, name: str, value: Any) -> None:
        self.names[name].refers_to_range.value = value
