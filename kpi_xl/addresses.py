"""Cell addresses: column letters and numbers, "H12". Plain Python (no numpy), so the file preflight,
the readers and every message use the same rule."""

from __future__ import annotations

_MAX_LETTERS = 12  # more letters than any spreadsheet has; a hostile reference is cut here


def column_letter(index: int) -> str:
    """0-based column index -> letters.

    >>> column_letter(0), column_letter(7), column_letter(27), column_letter(16383)
    ('A', 'H', 'AB', 'XFD')
    """
    letters = ""
    index += 1
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: str | bytes) -> int:
    """A column's number from its letters, 1-based, either case ("A" is 1, "iv" 256).

    >>> column_number("A"), column_number(b"iv"), column_number("XFD")
    (1, 256, 16384)
    """
    raw = letters.encode("ascii") if isinstance(letters, str) else letters
    n = 0
    for ch in raw[:_MAX_LETTERS].upper():
        n = n * 26 + ch - 64
    return n


def cell_name(row0: int, col0: int) -> str:
    """0-based row and column -> 'H12'."""
    return f"{column_letter(col0)}{row0 + 1}"
