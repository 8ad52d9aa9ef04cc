"""Text from inputs written back into cells: kept as typed, never evaluated.

A name or indicator that starts with "=" is kept exactly as typed and written as a string cell with
Excel's quote prefix (`put_text`), so nothing evaluates it, now or when someone edits the cell later;
characters that an .xlsx cannot hold are replaced by U+FFFD, and very long text is cut to `MAX_TEXT`
characters with a marker saying how long it was (`safe_text`).

Nothing here imports openpyxl: `put_text` takes a cell the caller already has.
"""

from __future__ import annotations

import re
from typing import Any

from .messages import SURROGATES

MAX_TEXT = 1_000  # characters of one text kept in a summary (`Limits.max_text`)

_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet could take the text for a formula: it starts (after tabs, returns or
    spaces) with =, +, -, @ or their full-width forms.

    >>> looks_like_formula("=HYPERLINK(\\"http://x\\")"), looks_like_formula("\\t+62 811")
    (True, True)
    >>> looks_like_formula("Budi"), looks_like_formula("e=mc2")
    (False, False)
    """
    return text.lstrip(" \t\r\n").startswith(_FORMULA_START)


def safe_text(value: Any, limit: int = MAX_TEXT) -> str:
    """Text from an input as the summary may hold it: the same characters, except those an .xlsx cannot
    store (control characters, lone surrogates from undecodable file names) which become U+FFFD, and
    cut to `limit` characters with a marker naming the full length. A leading "=" stays: `put_text`
    writes the result as a string cell, so it is never evaluated.

    >>> safe_text("=SUM(A1:A9)")
    '=SUM(A1:A9)'
    >>> safe_text("a\\x00b"), safe_text("x" * 30, limit=10)
    ('a\ufffdb', 'xxxxxxxxxx… [cut: 30 characters, first 10 kept]')
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = SURROGATES.sub("\ufffd", _ILLEGAL_XML.sub("\ufffd", text))
    if len(text) > limit:
        text = f"{text[:limit]}… [cut: {len(text):,} characters, first {limit:,} kept]"
    return text


def text_cut_message(value: Any, what: str, limit: int = MAX_TEXT) -> str | None:
    """The issue message when `safe_text` cuts a text, else None ("indicator is 10,000 characters...")."""
    if not isinstance(value, str) or len(value) <= limit:
        return None
    return (
        f"{what} is {len(value):,} characters long; the summary keeps the first {limit:,} "
        "(the scorecard itself is unchanged): shorten it in the scorecard"
    )


def put_text(cell: Any, value: Any, limit: int = MAX_TEXT) -> str:
    """Write text into an openpyxl cell so that it stays text: the cell's data type is set to string
    (openpyxl would otherwise store "=..." as a formula) and text that looks like a formula gets
    Excel's quote prefix, so editing the cell later does not turn it into one either. Returns the text
    written (`safe_text` of the value)."""
    text = safe_text(value, limit)
    cell.value = text
    cell.data_type = "s"
    if looks_like_formula(text):
        cell.quotePrefix = True
    return text
