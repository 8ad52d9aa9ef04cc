"""Every scorecard of a run, kept as columns while the files are read, so that 100,000 scorecards fit in
a few hundred megabytes.

A `RawScorecard` as read is a handful of Python lists and dicts (about 8 KB for a 7-KPI scorecard);
100,000 of them would not fit in the 400 MB a rollup may take. `Scorecards.add` folds each one into
columns as soon as it is read and lets it go: KPI rows into typed arrays (8 bytes a number), the text
of KPI rows and headers, which repeats from scorecard to scorecard (KRA names, indicators, departments,
cell names), stored once and shared, and each scorecard's fingerprint (`RawScorecard.content_key`)
taken while its rows are at hand. Nothing is dropped: `card(i)` gives the scorecard back (without its
KPI rows, which are in the columns) for the messages that name its cells.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from .model import HEADER_KEYS, Cached, CompetencyRows, KpiRows, RawScorecard

# The KPI row fields kept as numbers (array typecode), and those kept as text.
_NUMBERS = {"weight": "d", "target": "d", "tolerance": "d", "due": "d", "actual": "d", "cached_score": "d",
            "cached_final": "d", "row": "q", "bad": "b"}
_TEXTS = ("kra", "indicator", "unit", "direction")
_OWN = ("employee_id", "name")  # header fields each scorecard has its own of


class _Texts(dict):
    """Text stored once: equal strings become one object (`one`), or a small integer code (`code`, or
    `self[text]`: a dict's own lookup, so that a column of text is coded by `map` without a Python call
    per text already known). `by_code`: every text, in the order of their codes."""

    def __init__(self) -> None:
        super().__init__()
        self.by_code: list[str] = []

    def __missing__(self, text: str) -> int:
        code = self[text] = len(self.by_code)
        self.by_code.append(text)
        return code

    def one(self, text: str) -> str:
        return self.by_code[self[text]]

    def code(self, text: str) -> int:
        return self[text]


class _Packed:
    """Texts each scorecard has its own of (employee IDs, names), packed into one buffer while the files
    are read: no small object per scorecard outlives its file's reading, so the memory the reading
    used is whole again afterwards, not riddled with a few survivors per file. `values()` makes them
    strings, all at once, when the tables are built."""

    def __init__(self) -> None:
        self._bytes = bytearray()
        self._ends = array("q")

    def append(self, text: str) -> None:
        self._bytes += text.encode("utf-8", "surrogatepass")
        self._ends.append(len(self._bytes))

    def __getitem__(self, i: int) -> str:
        start = self._ends[i - 1] if i else 0
        return self._bytes[start:self._ends[i]].decode("utf-8", "surrogatepass")

    def values(self) -> list[str]:
        data, starts = bytes(self._bytes), [0, *self._ends]
        return [data[starts[i]:starts[i + 1]].decode("utf-8", "surrogatepass") for i in range(len(self._ends))]


class Scorecards:
    """The scorecards of a run, in the order added, as columns.

    >>> store = Scorecards()
    >>> store.add(RawScorecard("a.xlsx", "KPI", "hand-made", {"name": "Budi"},
    ...                        KpiRows(kra=["Sales"], weight=[100.0], actual=[5.0]), {"actual": "J"}))
    >>> len(store), store.row_count, store.column("weight").tolist(), store.column("kra").tolist()
    (1, 1, [100.0], ['Sales'])
    >>> store.card(0).header["name"], store.card(0).columns
    ('Budi', {'actual': 'J'})
    """

    def __init__(self) -> None:
        self._texts = _Texts()
        self._row_numbers = {name: array(code) for name, code in _NUMBERS.items()}
        self._row_texts = {name: array("i") for name in _TEXTS}
        self._counts = array("q")
        self.files: list[str] = []
        self.sheets: list[str] = []
        self.kinds: list[str] = []
        self._headers: dict[str, list[str] | _Packed] = {key: _Packed() if key in _OWN else []
                                                          for key in HEADER_KEYS}
        self._extra_headers: dict[int, dict[str, str]] = {}  # header fields beyond HEADER_KEYS (rare)
        self._columns: list[dict[str, str]] = []  # equal mappings are one shared dict
        self._header_cells: list[dict[str, str]] = []
        self._mappings: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}
        self._cached_start = array("q", [0])
        self._cached_what: list[str] = []
        self._cached_cell: list[str] = []
        self._cached_value = array("d")
        self.competencies: list[CompetencyRows | None] = []
        self.attendance: list[tuple[float, float] | None] = []
        self._digests = bytearray()  # each scorecard's content_digest, 32 bytes each

    @classmethod
    def of(cls, cards: Iterable[RawScorecard]) -> Scorecards:
        store = cls()
        for card in cards:
            store.add(card)
        return store

    def __len__(self) -> int:
        return len(self.files)

    @property
    def row_count(self) -> int:
        return len(self._row_numbers["weight"])

    def _mapping(self, mapping: dict[str, str]) -> dict[str, str]:
        # Keyed by the fields, then their cells: one flat tuple, quicker to make and hash than pairs.
        key = (*mapping, *mapping.values())
        shared = self._mappings.get(key)
        if shared is None:
            shared = self._mappings[key] = {k: self._texts.one(v) for k, v in mapping.items()}
        return shared

    def add(self, card: RawScorecard) -> None:
        """Fold one scorecard in; the caller may let `card` go."""
        texts = self._texts
        one = texts.one
        rows = card.rows
        for name, values in self._row_numbers.items():
            _extend(values, getattr(rows, name))
        code = texts.__getitem__
        for name, codes in self._row_texts.items():
            codes.fromlist(list(map(code, getattr(rows, name))))
        self._counts.append(len(rows))
        self.files.append(card.file)
        self.sheets.append(one(card.sheet))
        self.kinds.append(one(card.kind))
        header = card.header
        for key, values in self._headers.items():
            text = str(header.get(key, "") or "")
            # Departments, roles and periods repeat from scorecard to scorecard: one copy each. IDs and
            # names do not: they are packed (`_Packed`).
            values.append(text if key in _OWN else one(text))
        if not header.keys() <= self._headers.keys():
            self._extra_headers[len(self.files) - 1] = {k: v for k, v in header.items() if k not in self._headers}
        self._columns.append(self._mapping(card.columns))
        self._header_cells.append(self._mapping(card.header_cells))
        for cached in card.cached:
            self._cached_what.append(one(cached.what))
            self._cached_cell.append(one(cached.cell))
            self._cached_value.append(cached.value)
        self._cached_start.append(len(self._cached_value))
        self.competencies.append(card.competencies)
        self.attendance.append(card.attendance)
        self._digests += card.content_digest()

    def header(self, key: str) -> list[str]:
        """One header field (`HEADER_KEYS`) of every scorecard, in order."""
        values = self._headers[key]
        return values.values() if isinstance(values, _Packed) else values

    @property
    def content_keys(self) -> list[bytes]:
        """Each scorecard's `RawScorecard.content_digest`, in order."""
        data = bytes(self._digests)
        return [data[k:k + 32] for k in range(0, len(data), 32)]

    # --- the KPI rows, as columns ------------------------------------------------------------------

    @property
    def counts(self) -> np.ndarray:
        """KPI rows per scorecard."""
        return np.frombuffer(self._counts, dtype=np.int64) if len(self._counts) else np.zeros(0, np.int64)

    def column(self, name: str) -> np.ndarray:
        """One KPI row field over every row of the run: floats (NaN blank), `row` as ints, `bad` as
        booleans, text fields as an object array whose equal strings are one object."""
        if name in self._row_texts:
            return np.asarray(self._texts.by_code, dtype=object)[self.codes(name)]
        values = self._row_numbers[name]
        dtype = {"d": np.float64, "q": np.int64, "b": np.int8}[values.typecode]
        # A read-only view of the store's own numbers, not a copy: 700,000 rows are 5.6 MB a column.
        column = np.frombuffer(values, dtype=dtype) if len(values) else np.zeros(0, dtype)
        return column.astype(bool) if name == "bad" else column

    def codes(self, name: str) -> np.ndarray:
        """A text field of the KPI rows as codes into `texts` (what `column` gives as strings)."""
        codes = self._row_texts[name]
        return np.frombuffer(codes, dtype=np.int32) if len(codes) else np.zeros(0, np.int32)

    @property
    def texts(self) -> list[str]:
        """Every text kept once, in the order of their codes (`codes`, `text_code`)."""
        return self._texts.by_code

    def text_code(self, value: str) -> int:
        """`value`'s code among `texts` (kept once, as `text` does)."""
        return self._texts.code(value)

    def release_rows(self) -> None:
        """Let the KPI rows go once they are scored (the details table holds them from then on); their
        memory is freed when the last view `column` gave is gone."""
        self._row_numbers = {name: array(code) for name, code in _NUMBERS.items()}
        self._row_texts = {name: array("i") for name in _TEXTS}

    def release(self) -> None:
        """Let everything go (the summary's tables hold what a run needs from here on)."""
        self.__init__()  # type: ignore[misc]

    def text(self, value: str) -> str:
        """`value` as the one shared copy of that text (cell names made over and over, for instance)."""
        return self._texts.one(value)

    # --- one scorecard back -----------------------------------------------------------------------

    def columns_of(self, i: int) -> dict[str, str]:
        """Field -> column letter of scorecard i, for cell names."""
        return self._columns[i]

    def header_cells_of(self, i: int) -> dict[str, str]:
        return self._header_cells[i]

    def cached_of(self, i: int) -> list[Cached]:
        start, end = self._cached_start[i], self._cached_start[i + 1]
        return [Cached(self._cached_what[k], self._cached_cell[k], self._cached_value[k]) for k in range(start, end)]

    def card(self, i: int) -> RawScorecard:
        """Scorecard i as read, but for its KPI rows (see `column`)."""
        header = {key: values[i] for key, values in self._headers.items()}
        header.update(self._extra_headers.get(i, {}))
        return RawScorecard(self.files[i], self.sheets[i], self.kinds[i], header, KpiRows(), self._columns[i],
                            self.cached_of(i), self._header_cells[i], self.competencies[i], self.attendance[i])

    def __getitem__(self, i: int) -> RawScorecard:
        return self.card(i)

    def __iter__(self) -> Iterator[RawScorecard]:
        return (self.card(i) for i in range(len(self)))

    def cached_results(self) -> tuple[np.ndarray, list[str], list[str], np.ndarray]:
        """Every cached result of the run: (scorecard index, what, cell, value), in scorecard order."""
        starts = np.frombuffer(self._cached_start, dtype=np.int64)
        owner = np.repeat(np.arange(len(self)), np.diff(starts))
        values = np.frombuffer(self._cached_value, dtype=np.float64) if len(self._cached_value) else np.zeros(0)
        return owner, self._cached_what, self._cached_cell, values


def _extend(values: array, more: Any) -> None:
    # `fromlist` reads a list without the iterator `extend` goes through: a third of the time.
    if type(more) is list:
        values.fromlist(more)
    else:
        values.extend(more)


def as_store(cards: Any) -> Scorecards:
    """A `Scorecards` as it is, any other sequence of `RawScorecard`s folded into one."""
    return cards if isinstance(cards, Scorecards) else Scorecards.of(cards)
