"""What the reader hands to the scorer: issues and scorecards as read, before any score is computed.

Plain dataclasses of lists and strings, so a worker process can send them back cheaply (pickle) and
the scorer can stack every scorecard's KPI rows into a few numpy columns at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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

    what: str  # "kpi_value", "total_final" or "level"
    cell: str  # "H20"
    value: float


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


@dataclass
class WorkbookRead:
    """Everything one input file gave: its scorecards and its issues (a file may give only issues)."""

    file: str
    scorecards: list[RawScorecard] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    skipped: bool = False  # a kpi-xl summary, not a scorecard: counted with the other skipped files
