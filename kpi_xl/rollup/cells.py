"""Small helpers for cell values as python-calamine returns them: text, column letters."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any


def column_letter(index: int) -> str:
    """0-based column index -> letters.

    >>> column_letter(0), column_letter(7), column_letter(27)
    ('A', 'H', 'AB')
    """
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_name(row0: int, col0: int) -> str:
    """0-based row and column -> 'H12'."""
    return f"{column_letter(col0)}{row0 + 1}"


def text_of(value: Any) -> str:
    """A cell as text: an ID typed as a number (1001.0) reads '1001', a date its ISO form.

    >>> text_of(1001.0), text_of("  Budi "), text_of(None), text_of(dt.date(2025, 1, 31))
    ('1001', 'Budi', '', '2025-01-31')
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value).strip()
