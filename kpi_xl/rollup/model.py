"""What the reader hands to the scorer: issues and scorecards as read, before any score is computed.

Plain dataclasses of lists and strings, so a worker process can send them back cheaply (pickle) and
the scorer can stack every scorecard's KPI rows into a few numpy columns at once.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from ..io.preflight import ERROR, INFO, WARNING

SEVERITIES = (ERROR, WARNING, INFO)

GENERATED, HAND_MADE = "generated", "hand-made"

# Header fields of a scorecard, in the order the Summary shows them.
HEADER_KEYS = ("employee_id", "name", "department", "supervisor", "role", "role_id", "period")
# The same fields as issue messages name them ("employee name is 1,200 characters long").
HEADER_WORDS = {"employee_id": "employee ID", "name": "employee name", "department": "department",
                "supervisor": "supervisor", "role": "role", "role_id": "role ID", "period": "period"}


@dataclass(frozen=True)
class Issue:
    """One line of the Issues sheet: where (file, sheet, cell) and what HR should do about it."""

    file: str
    sheet: str
    cell: str
    severity: str  # error, warning or info
    message: str

    def __str__(self) -> str:
        where = ":".join(p for p in (self.file, self.sheet, self.cell) if p)
        return f"{where}: {self.severity}: {self.message}"


@dataclass
class KpiRows:
    """A scorecard's KPI rows as columns (one list per field, same length).

    Numbers are floats with NaN for blank or unreadable cells; `bad[i]` is True when a cell of row i
    could not be read (its issue is already recorded), which makes the scorecard's status `error`.
    Milestone actuals are already 1 (done), 0 (not done) or a date's serial number.
    """

    kra: list[str] = field(default_factory=list)
    indicator: list[str] = field(default_factory=list)
    unit: list[str] = field(default_factory=list)
    direction: list[str] = field(default_factory=list)
    weight: list[float] = field(default_factory=list)
    target: list[float] = field(default_factory=list)
    tolerance: list[float] = field(default_factory=list)
    due: list[float] = field(default_factory=list)
    actual: list[float] = field(default_factory=list)
    cached_score: list[float] = field(default_factory=list)
    cached_final: list[float] = field(default_factory=list)
    row: list[int] = field(default_factory=list)  # 1-based sheet row, for cell names
    bad: list[bool] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.weight)


@dataclass
class Cached:
    """A result a formula left in the file (KPI value, total final, level), to compare with ours."""

    what: str  # "kpi_value", "total_final", "level" or "final_rating"
    cell: str  # "H20"
    value: float


@dataclass
class CompetencyRows:
    """A scorecard's competency table as read: one entry per competency (same length).

    Ratings and weights are floats, NaN when blank; a cell that could not be read is NaN too (its issue
    is already recorded). `cells`: each row's supervisor-rating cell ("F6"), for messages; `sheet`: the
    sheet the table is on (a generated scorecard keeps it on its Competencies sheet).
    """

    sheet: str = ""
    name: list[str] = field(default_factory=list)
    supervisor: list[float] = field(default_factory=list)
    self_rating: list[float] = field(default_factory=list)
    weight: list[float] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)
    self_cells: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.name)


@dataclass
class RawScorecard:
    """One scorecard as read from one sheet: who, the KPI rows, and where each field lives."""

    file: str
    sheet: str
    kind: str  # generated or hand-made
    header: dict[str, str]
    rows: KpiRows
    columns: dict[str, str]  # field (weight, actual, score...) -> column letter, for cell names
    cached: list[Cached] = field(default_factory=list)
    header_cells: dict[str, str] = field(default_factory=dict)  # header field -> its cell ("C6"), for messages
    competencies: CompetencyRows | None = None  # None: the scorecard has no competency table
    attendance: tuple[float, float] | None = None  # (days present, working days), NaN when blank

    def content_key(self) -> str:
        """A fingerprint of what the scorecard says, to tell one scorecard sent twice.

        Two scorecards have the same key when their header fields (employee ID, name, department,
        supervisor, role, role ID, period; spaces and case aside) and their KPI rows as read (KRA,
        indicator, unit, direction, weight, target, tolerance, due date, actual, in order) are the same.
        Where the scorecard sits is left out (file name, sheet name, the rows and columns it starts at,
        generated or hand-made), and so are the results formulas left in the file, which another
        spreadsheet program may compute differently: a byte-identical copy, a copy saved under
        another name, as .ods or with rows inserted above the table all have the same key.

        >>> a = RawScorecard("a.xlsx", "KPI", "hand-made", {"name": "Budi"}, KpiRows(weight=[100.0]), {})
        >>> b = RawScorecard("copy.xlsx", "Sheet1", "generated", {"name": " budi"}, KpiRows(weight=[100.0]), {})
        >>> a.content_key() == b.content_key()
        True
        """
        return self.content_digest().hex()

    def content_digest(self) -> bytes:
        """`content_key` as 32 bytes (what a run keeps of each scorecard: half the memory of the text)."""
        # Hashed: "\x1e" and each header field; then, column by column of the KPI rows, "\x1d" and
        # "\x1f" before each value. Made as text first and hashed in one call (the header encoded
        # strictly, the rows as they may come from undecodable file names, as ever).
        header = self.header
        values = [header.get(key, "") for key in HEADER_KEYS]
        plain = set(map(type, values)) == {str}
        head = "\x1e" + "\x1e".join(map(_FOLDED.__getitem__ if plain else _folded, values))
        rows = self.rows
        body = _columns([getattr(rows, name) for name in _CONTENT_TEXTS]) + \
            _columns([getattr(rows, name) for name in _CONTENT_NUMBERS])
        return hashlib.sha256(head.encode() + body.encode("utf-8", "surrogatepass")).digest()


def _folded(value: Any) -> str:
    """A text as a scorecard's content counts it: case aside, its spaces as one, none around it."""
    return " ".join(str(value or "").split()).casefold()


def _content_text(value: Any) -> str:
    """A KPI row value as a scorecard's content counts it: a number by its repr (NaN, a blank, as
    nothing), anything else as text (`_folded`)."""
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    return _folded(value)


class _FoldedTexts(dict):
    """`_folded` of each text, worked out once: KRAs, indicators, units, directions, departments and
    roles recur scorecard after scorecard. Only `str` keys go in: 0, 0.0 and False would be one key."""

    def __missing__(self, text: str) -> str:
        if len(self) >= 4096:
            self.clear()
        folded = self[text] = _folded(text)
        return folded


_FOLDED = _FoldedTexts()


def _columns(columns: list[list[Any]]) -> str:
    """KPI row columns as `content_digest` hashes them: "\x1d" a column, "\x1f" and `_content_text`
    a value. Columns all of text or all of floats are done a column at a time."""
    kinds = set(map(type, chain.from_iterable(columns)))
    if kinds == {str}:
        rule, blank = _FOLDED.__getitem__, None
    elif kinds == {float}:
        # `_content_text` of floats, in bulk: repr, and a blank's "nan" made nothing after. No other
        # float's repr holds "nan" (digits, ".", "e", signs, "inf"), and "\x1f" stands between values.
        rule, blank = repr, "nan"
    else:
        rule, blank = _content_text, None
    text = "".join(["\x1d\x1f" + "\x1f".join(map(rule, values)) if values else "\x1d" for values in columns])
    return text.replace(blank, "") if blank else text


def id_key(value: Any) -> str:
    """Employee IDs (and names) compare without case and surrounding spaces ('e001 ' is 'E001').

    >>> id_key(" e001 "), id_key("Rina  Dewi") == id_key("rina dewi")
    ('e001', True)
    """
    return re.sub(r"\s+", " ", str(value or "")).strip().casefold()


# The KPI row fields a scorecard's content is judged by (`RawScorecard.content_key`), in order: its text
# and its numbers.
_CONTENT_TEXTS = ("kra", "indicator", "unit", "direction")
_CONTENT_NUMBERS = ("weight", "target", "tolerance", "due", "actual")


# The message `read_workbook` gives a file it opened and found no scorecard in.
NO_SCORECARD = "no scorecard found"


@dataclass
class WorkbookRead:
    """Everything one input file gave: its scorecards and its issues (a file may give only issues)."""

    file: str
    scorecards: list[RawScorecard] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    skipped: bool = False  # a kpi-xl summary, not a scorecard: counted with the other skipped files

    # Opened and read through, and no sheet holds a scorecard (a list, a roster, notes), as opposed to
    # a file that could not be read at all (broken, encrypted, not a workbook). Set by `read_workbook`.
    no_scorecard: bool = False
