"""What one cell's value means: blank or not, its text, the number it holds, a date, a direction.

This is the one reading of a typed value. The cell functions, `kpi-xl score`, the rollup, rosters and
role catalogues all call it, so an employee's scorecard and HR's summary never read the same cell two
ways.

Numbers typed as text (`read_number`) are read only when they are unambiguous:

- surrounding spaces (also no-break and thin spaces) are dropped silently: "  40 " is 40;
- thousands separators are read when the grouping leaves no doubt: "1.500.000", "1,500,000",
  "1 500 000" (groups of three, more than one separator, or a decimal part after them: "1.500,50" or
  "1,500.50"); a decimal comma is read when it cannot be a thousands separator: "113,65" (one comma,
  not exactly three digits after it). The note says how it was read;
- one separator followed by exactly three digits ("1,500", "1.500") is 1500 in Indonesian and 1.5 in
  English: it is refused, never guessed; so is anything else that is not a number ("abc", "-", "n/a",
  "1_000");
- a percent sign is dropped and the number kept as percent points: "22%" is 22, as HR types percentage
  KPIs (target 25, actual 22). A cell formatted as a percentage stores 25 % as 0.25, so a row can hold
  the same kind of number typed two ways (target 0.25, actual 22); `mixed_percent` finds those rows so
  the rollup flags them instead of scoring 8800 %.

`to_number` is the same rule for a caller that has nowhere to show a note (a cell function): the number,
or a `KpiInputError` with the refusal's message.

Pure Python and numpy: no spreadsheet library, no pandas, no files.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from functools import lru_cache
from typing import Any

import numpy as np

from .errors import KpiInputError
from .words import DIRECTIONS, DONE_WORDS, NOT_DONE_WORDS, direction_of

EXCEL_EPOCH = dt.date(1899, 12, 30)  # day 0 of Excel's 1900 date system (valid after 1900-03-01)

# --- blank and text ------------------------------------------------------------------------------------


def is_blank(value: Any) -> bool:
    """None, NaN, or text of only spaces: a cell nobody filled in.

    >>> is_blank(None), is_blank(" "), is_blank(float("nan")), is_blank(0)
    (True, True, True, False)
    """
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return not value.strip()
    return False


def cell_text(value: Any) -> str:
    """A cell as text: an ID typed as a number (1001.0) reads '1001', a date its ISO form.

    >>> cell_text(1001.0), cell_text("  Budi "), cell_text(None), cell_text(dt.date(2025, 1, 31))
    ('1001', 'Budi', '', '2025-01-31')
    >>> cell_text(dt.datetime(2025, 1, 31)), cell_text(True)
    ('2025-01-31', 'TRUE')
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
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


# --- dates -------------------------------------------------------------------------------------------


def excel_serial(value: dt.date | dt.datetime | np.datetime64) -> float:
    """A date as Excel stores it (days since 1899-12-30), so dates compare like numbers.

    >>> excel_serial(dt.date(2026, 3, 31))
    46112.0
    """
    if isinstance(value, np.datetime64):
        return float(datetime64_serials(np.asarray([value]))[0])
    if isinstance(value, dt.datetime):
        delta = value - dt.datetime(1899, 12, 30, tzinfo=value.tzinfo)
        return delta.days + delta.seconds / 86400
    return float((value - EXCEL_EPOCH).days)


def datetime64_serials(values: np.ndarray) -> np.ndarray:
    """datetime64 values (pandas date columns) as Excel serials; NaT is blank."""
    days = (values.astype("datetime64[ns]") - np.datetime64("1899-12-30", "ns")) / np.timedelta64(1, "D")
    return np.where(np.isnat(values), np.nan, days)


def serial_date(serial: float) -> dt.date:
    """An Excel serial number as the date it shows."""
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


_LOCAL_DATE = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?")


# --- numbers -----------------------------------------------------------------------------------------

_SPACES = "\u00a0\u2007\u202f\u2009\u200a\u3000"
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_FULL_WIDTH = {0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20}
_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")  # "12." is 12, as in a spreadsheet
_GROUPED_DOT = re.compile(r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+(?:,[0-9]+)?")  # 1.500.000 / 1.500,5
_GROUPED_COMMA = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]+)?")  # 1,500,000 / 1,500.5
_GROUPED_SPACE = re.compile(r"[1-9][0-9]{0,2}(?: [0-9]{3})+(?:[.,][0-9]+)?")  # 1 500 000
_DECIMAL_COMMA = re.compile(r"[0-9]+,[0-9]+")
_ONE_GROUP = re.compile(r"([1-9][0-9]{0,2})[.,]([0-9]{3})")  # 1,500 / 12.500: ambiguous
_CURRENCY = re.compile(r"^(?:rp\.?|idr|usd|\$|€|£)\s*", re.I)


def read_number(value: Any, name: str = "value") -> tuple[float | None, str | None]:
    """A cell's value as a number, and a note on how text was read: (number, note).

    (number, None): a number, or text that is one plainly. (number, note): text read with a rule
    the note names. (None, None): blank. (None, message): refused, the message says why and what to
    type. The rules are in the module's docstring; `name` (target, actual...) starts the messages.
    Booleans count as 1 and 0 and dates as Excel serial numbers, as a spreadsheet stores them.

    >>> read_number("  40 ")
    (40.0, None)
    >>> read_number("1.500.000", "target")
    (1500000.0, "target '1.500.000' read as 1500000 (dots as thousands separators)")
    >>> read_number("113,65", "actual")
    (113.65, "actual '113,65' read as 113.65 (comma as decimal point)")
    >>> read_number("22%", "actual")
    (22.0, "actual '22%' read as 22 (percent points, like a target typed 25 for 25%)")
    >>> read_number("1,500", "target")[1]
    "target '1,500' is ambiguous (1500 or 1.5?): type the number without a thousands separator"
    >>> read_number("abc", "actual")
    (None, "actual 'abc' is not a number: type a number")
    """
    if value is None:
        return None, None
    kind = type(value)
    if kind is float or kind is int or kind is bool or isinstance(value, (int, float)):
        return _plain(value, name)
    if isinstance(value, str):
        return _cached_text(value, name)
    if isinstance(value, (dt.date, dt.datetime)):
        return excel_serial(value), None
    if isinstance(value, np.datetime64):
        serial = excel_serial(value)
        return (None if math.isnan(serial) else serial), None
    if isinstance(value, np.generic):
        return read_number(value.item(), name)
    return None, f"{name} {value!r} is not a number: type a number"


def to_number(value: Any, name: str = "value") -> float | None:
    """`read_number` for a caller with nowhere to show its note: the number (None when blank), or a
    `KpiInputError` with the refusal's message.

    >>> to_number("1.500.000", "actual"), to_number(None), to_number(True)
    (1500000.0, None, 1.0)
    """
    number, note = read_number(value, name)
    if number is None and note is not None:
        raise KpiInputError(note)
    return number


def _plain(value: Any, name: str) -> tuple[float | None, str | None]:
    number = float(value)
    if math.isnan(number):
        return None, None
    if math.isinf(number):
        return None, f"{name} {value!r} is not a finite number: type a number"
    return number, None


@lru_cache(maxsize=4096)
def _cached_text(value: str, name: str) -> tuple[float | None, str | None]:
    # A column of text numbers repeats itself (the same target on every scorecard): read each once.
    return _text_number(value, name)


def _text_number(value: str, name: str) -> tuple[float | None, str | None]:
    shown = _SURROGATE.sub("\ufffd", value.strip(" \t\r\n" + _SPACES))
    if len(shown) > 40:
        shown = shown[:37] + "..."
    notes: list[str] = []
    text = value.translate(_FULL_WIDTH)  # digits, signs and % typed with an Asian keyboard
    if text != value.replace("\u3000", " "):
        notes.append("full-width characters")
    text = text.strip(" \t\r\n" + _SPACES)
    for space in _SPACES:
        text = text.replace(space, " ")
    if not text:
        return None, None
    sign = 1.0
    if text[0] in "+-\u2212" and len(text) > 1:
        sign = -1.0 if text[0] != "+" else 1.0
        text = text[1:]  # "- 5" is refused: a sign stands right before its number
    currency = _CURRENCY.match(text)
    if currency:
        text = text[currency.end():]
        notes.append("currency sign dropped")
    percent = text.endswith("%")
    if percent:
        text = text[:-1].rstrip()
    number: float | None = None
    ambiguous = _ONE_GROUP.fullmatch(text)
    if ambiguous:  # 1,500 or 1.500: a thousands separator in one language, a decimal point in the other
        whole, frac = ambiguous.group(1), ambiguous.group(2)
        return None, (
            f"{name} '{shown}' is ambiguous ({whole}{frac} or {_g(float(whole + '.' + frac))}?): "
            "type the number without a thousands separator"
        )
    if _NUMBER.fullmatch(text):
        number = float(text)
    elif _GROUPED_DOT.fullmatch(text):
        whole, _, frac = text.partition(",")
        number = float(whole.replace(".", "") + ("." + frac if frac else ""))
        notes.append("dots as thousands separators" + (", comma as decimal point" if frac else ""))
    elif _GROUPED_COMMA.fullmatch(text):
        number = float(text.replace(",", ""))
        notes.append("commas as thousands separators")
    elif _GROUPED_SPACE.fullmatch(text):
        number = float(text.replace(" ", "").replace(",", "."))
        notes.append("spaces as thousands separators")
    elif _DECIMAL_COMMA.fullmatch(text):
        number = float(text.replace(",", "."))
        notes.append("comma as decimal point")
    if number is None or not math.isfinite(number):
        return None, f"{name} '{shown}' is not a number: type a number"
    number *= sign
    if percent:
        notes.append("percent points, like a target typed 25 for 25%")
    if not notes:
        return number, None
    return number, f"{name} '{shown}' read as {_g(number)} ({', '.join(notes)})"


def _g(number: float) -> str:
    number = float(number)
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)


def date_or_number(value: Any, name: str = "value") -> float | None:
    """Like `to_number`, and a date written as text in ISO form (2026-03-31, as a CSV holds it) is
    that date's serial. Other date texts (20/03/2026) are refused: day and month could be swapped.

    >>> date_or_number("2026-03-31"), date_or_number(46112)
    (46112.0, 46112.0)
    """
    if isinstance(value, str):
        text = value.strip()
        if _ISO_DATE.fullmatch(text):
            try:
                return excel_serial(dt.datetime.fromisoformat(text))
            except ValueError:
                raise KpiInputError(f"{name} {value!r} is not a date") from None
        if _LOCAL_DATE.fullmatch(text):
            raise KpiInputError(f"{name} {value!r} is not a date kpi-xl can read: write it as YYYY-MM-DD")
    return to_number(value, name)


def milestone_actual(value: Any, name: str = "actual") -> float | None:
    """A milestone's actual as a number: 1 done, 0 not done, a date as its serial; None when blank.

    >>> milestone_actual("Ya"), milestone_actual("belum"), milestone_actual(None)
    (1.0, 0.0, None)
    """
    if isinstance(value, str):
        word = value.strip().lower()
        if word in DONE_WORDS:
            return 1.0
        if word in NOT_DONE_WORDS:
            return 0.0
    try:
        return date_or_number(value, name)
    except KpiInputError as e:
        raise KpiInputError(str(e).replace(": type a number", ": type 1, yes/ya or the completion date")) from None


def is_milestone_word(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower() in DONE_WORDS | NOT_DONE_WORDS


@functools.lru_cache(maxsize=1024)
def _direction_of_text(text: str) -> str | None:
    # A column of directions repeats a handful of words row after row: each text is matched once.
    return direction_of(text)


def parse_direction(value: Any, name: str = "direction") -> str:
    """A direction in English or Indonesian ("naik" is higher); blank means `higher`, the default.

    >>> parse_direction("naik"), parse_direction("Lower"), parse_direction(None)
    ('higher', 'lower', 'higher')
    """
    if is_blank(value):
        return "higher"
    found = _direction_of_text(value) if type(value) is str else direction_of(value)
    if found is None:
        raise KpiInputError(f"{name} {cell_text(value)!r} is not one of {', '.join(DIRECTIONS)} "
                            "(or naik, turun, rentang, tonggak)")
    return found


# --- columns -----------------------------------------------------------------------------------------


def number_column(values: Any, name: str, *, dates: bool = False) -> np.ndarray:
    """A column (list, nested lists, numpy array, pandas Series) as a flat float array, NaN for blanks;
    a value that is no number raises, naming its row. Text is read by `read_number`, the same rule as
    one cell.

    >>> number_column([[1], [None], ["2,5"], ["1.500.000"]], "actual").tolist()
    [1.0, nan, 2.5, 1500000.0]
    """
    if hasattr(values, "to_numpy"):  # a pandas Series, without importing pandas
        values = values.to_numpy()
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiub":
        return _finite(values.astype(float, copy=False).ravel(), name)
    if isinstance(values, np.ndarray) and values.dtype.kind == "M":
        return datetime64_serials(values.ravel())
    items = np.asarray(values, dtype=object).ravel().tolist()
    if set(map(type, items)) <= _PLAIN_TYPES:  # numbers and blanks only: numpy converts them at once
        return _finite(np.array(items, dtype=float), name)
    out = np.empty(len(items))
    read = date_or_number if dates else to_number
    for i, item in enumerate(items):
        kind = type(item)
        if kind is float:
            out[i] = item
            continue
        try:
            v = read(item, name)
        except KpiInputError as e:
            raise KpiInputError(f"row {i + 1}: {e}", row=i, detail=str(e)) from None
        out[i] = np.nan if v is None else v
    return _finite(out, name)


_PLAIN_TYPES = frozenset({float, int, bool, type(None), np.float64, np.int64})


def _finite(arr: np.ndarray, name: str) -> np.ndarray:
    if np.isinf(arr).any():
        i = int(np.flatnonzero(np.isinf(arr))[0])
        detail = f"{name} {float(arr[i])!r} is not a finite number: type a number"
        raise KpiInputError(f"row {i + 1}: {detail}", row=i, detail=detail)
    return arr


# --- a percentage typed two ways ----------------------------------------------------------------------


def mixed_percent(target: float | None, actual: float | None) -> str | None:
    """Which of target and actual looks like a percentage stored as a fraction while the other is in
    percent points ("target" for target 0.25 with actual 22), or None.

    The rule: one of the two is a fraction (0 < |x| ≤ 1), the other is above 1, and the other is within
    a factor of 4 of the fraction × 100. So 0.25 and 22 (25 % vs 22) are flagged, while a target of 1
    project and an actual of 2, or 0.5 days and 3 days, are not. Such a row is flagged (and not scored)
    instead of guessing which way was meant; it applies to every direction but milestone.

    >>> mixed_percent(0.25, 22), mixed_percent(25, 0.22), mixed_percent(25, 22), mixed_percent(1, 2)
    ('target', 'actual', None, None)
    """
    if target is None or actual is None:
        return None
    if not (math.isfinite(target) and math.isfinite(actual)) or target == 0 or actual == 0:
        return None
    for fraction, other, side in ((target, actual, "target"), (actual, target, "actual")):
        if abs(fraction) <= 1 < abs(other):
            ratio = abs(other) / (abs(fraction) * 100)
            if 0.25 <= ratio <= 4:
                return side
    return None


def mixed_percent_message(target: float, actual: float, cell: str = "") -> str:
    """The message for a row `mixed_percent` flags, telling HR how to retype it."""
    side = mixed_percent(target, actual)
    fraction = target if side == "target" else actual
    where = f" in {cell}" if cell else ""
    return (
        f"target {_g(target)} and actual {_g(actual)} look like one percentage typed two ways "
        f"({_g(fraction)} is {_g(round(fraction * 100, 6))}% stored as a fraction): type both as percent "
        f"points ({_g(round(fraction * 100, 6))}){where}; the row is not scored until then"
    )
