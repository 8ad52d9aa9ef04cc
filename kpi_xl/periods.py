"""Review periods as data: what HR types in a Period cell ("Q1 2026", "TW I 2026", "Semester 2 2026",
"Maret 2026", "2026") read into one normalised form, so quarters of one employee are told apart and
combined into the year.

Pure Python: no file, no spreadsheet library.

>>> parse_period("TW I 2026"), parse_period("2026-Q1") == parse_period("Triwulan 1 2026")
(Period(year=2026, kind='quarter', number=1), True)
>>> parse_period("Semester 2 2026").label("en"), parse_period("Mar 2026").label("id")
('H2 2026', 'Maret 2026')
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from .errors import KpiInputError
from .words import normalise, parse_lang

KINDS = {"year": 12, "half": 6, "quarter": 3, "month": 1}  # kind -> months it covers

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")
MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
             "Oktober", "November", "Desember")
_MONTH_WORDS = {**{m.lower(): i + 1 for i, m in enumerate(MONTHS_EN)},
                **{m.lower(): i + 1 for i, m in enumerate(MONTHS_ID)},
                **{m[:3].lower(): i + 1 for i, m in enumerate(MONTHS_EN)},
                **{m[:3].lower(): i + 1 for i, m in enumerate(MONTHS_ID)},
                "agust": 8, "sept": 9, "des": 12}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_QUARTER_WORDS = ("q", "quarter", "tw", "triwulan", "kuartal", "kw")
_HALF_WORDS = ("h", "half", "semester", "sem", "s")
_YEAR_WORDS = ("fy", "year", "tahun", "ty")

ACCEPTED = ("2026, Q1 2026, 2026-Q1, TW I 2026, Triwulan 1 2026, H1 2026, Semester 1 2026, "
            "2026-03, Maret 2026, Mar 2026")

_YEAR = r"((?:19|20)\d\d)"
_NUM = r"(\d{1,2}|iv|iii|ii|i)"


@dataclass(frozen=True, order=True)
class Period:
    """A year, or a half, quarter or month of it. Orders by year, then by where in the year it starts."""

    year: int
    kind: str  # year, half, quarter, month
    number: int = 1  # which half (1-2), quarter (1-4) or month (1-12); 1 for a year

    @property
    def months(self) -> int:
        """The months it covers (12, 6, 3 or 1)."""
        return KINDS[self.kind]

    @property
    def first_month(self) -> int:
        return (self.number - 1) * self.months + 1

    @property
    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.first_month, -self.months)

    def label(self, lang: str = "en") -> str:
        """The period as HR writes it, in a language: "Q1 2026" / "TW I 2026"."""
        lang = parse_lang(lang)
        roman = ("I", "II", "III", "IV")[self.number - 1] if self.number <= 4 else str(self.number)
        if self.kind == "year":
            return str(self.year)
        if self.kind == "half":
            return f"H{self.number} {self.year}" if lang == "en" else f"Semester {self.number} {self.year}"
        if self.kind == "quarter":
            return f"Q{self.number} {self.year}" if lang == "en" else f"TW {roman} {self.year}"
        names = MONTHS_EN if lang == "en" else MONTHS_ID
        return f"{names[self.number - 1]} {self.year}"

    def __str__(self) -> str:
        return self.label("en")


def _number(text: str) -> int:
    return _ROMAN[text] if text in _ROMAN else int(text)


def _made(year: str, kind: str, number: str | int, value: Any) -> Period:
    n = _number(number) if isinstance(number, str) else number
    most = 12 // KINDS[kind]
    if not 1 <= n <= most:
        raise KpiInputError(f"period {value!r}: there is no {kind} {n} (1 to {most}); write it as one of: "
                            f"{ACCEPTED}")
    return Period(int(year), kind, n)


def parse_period(value: Any, name: str = "period") -> Period:
    """A period typed or stored in a cell, normalised; a value that is no period is a `KpiInputError`
    naming the accepted forms. A date (a cell formatted as a date) is its month; a whole number is a year.

    >>> parse_period(2026), parse_period("2026-H2"), parse_period(dt.date(2026, 3, 31))
    (Period(year=2026, kind='year', number=1), Period(year=2026, kind='half', number=2), Period(year=2026, kind='month', number=3))
    """
    if isinstance(value, (dt.date, dt.datetime)):
        return Period(value.year, "month", value.month)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer() \
            and 1900 <= value <= 2099:
        return Period(int(value), "year")
    text = normalise(value) if isinstance(value, str) else ""
    text = re.sub(r"[\s_/.,-]+", " ", text).strip()
    found = _match(text, value)
    if found is None:
        raise KpiInputError(f"{name} {value!r} is not a period kpi-xl can read; write it as one of: {ACCEPTED}")
    return found


def _match(text: str, value: Any) -> Period | None:
    if re.fullmatch(rf"(?:(?:{'|'.join(_YEAR_WORDS)}) ?)?{_YEAR}", text):
        return Period(int(re.search(_YEAR, text).group(1)), "year")  # type: ignore[union-attr]
    for kind, words in (("quarter", _QUARTER_WORDS), ("half", _HALF_WORDS)):
        alt = "|".join(sorted(words, key=len, reverse=True))
        m = re.fullmatch(rf"(?:{alt}) ?{_NUM} {_YEAR}", text) or re.fullmatch(rf"{_NUM} ?(?:{alt}) {_YEAR}", text)
        if m:
            return _made(m.group(2), kind, m.group(1), value)
        m = re.fullmatch(rf"{_YEAR} (?:{alt}) ?{_NUM}", text)
        if m:
            return _made(m.group(1), kind, m.group(2), value)
    m = re.fullmatch(rf"{_YEAR} (\d{{1,2}})", text) or None
    if m:
        return _made(m.group(1), "month", int(m.group(2)), value)
    m = re.fullmatch(rf"(\d{{1,2}}) {_YEAR}", text)
    if m:
        return _made(m.group(2), "month", int(m.group(1)), value)
    m = re.fullmatch(rf"([a-z]+) {_YEAR}", text)
    if m and m.group(1) in _MONTH_WORDS:
        return Period(int(m.group(2)), "month", _MONTH_WORDS[m.group(1)])
    return None
