"""What the preflight can find wrong with a file: the problem codes, the limits, `FileProblem`, and the
refusal every format check raises (`Refused`), with the one rule for a value past the row or column
limit (`refuse_extent`).

Standard library only, as the whole preflight: it runs before any spreadsheet reader is imported.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from ...addresses import column_letter, column_number  # noqa: F401 - column_number for the format modules
from ..text import MAX_TEXT

ERROR, WARNING, INFO = "error", "warning", "info"  # the rollup's severities (kpi_xl.rollup.model)

# Problem codes: what `FileProblem.code` can be.
EMPTY = "empty"
TOO_LARGE = "too-large"
NOT_A_WORKBOOK = "not-a-workbook"
WRONG_EXTENSION = "wrong-extension"
CORRUPT = "corrupt"
ENCRYPTED = "encrypted"
ZIP_BOMB = "zip-bomb"
XML_ENTITIES = "xml-entities"
TOO_MANY_ROWS = "too-many-rows"
TOO_MANY_COLUMNS = "too-many-columns"
LOCK_FILE = "lock-file"
OTHER_FILE = "other-file"
UNREADABLE = "unreadable"
CODES = (
    EMPTY,
    TOO_LARGE,
    NOT_A_WORKBOOK,
    WRONG_EXTENSION,
    CORRUPT,
    ENCRYPTED,
    ZIP_BOMB,
    XML_ENTITIES,
    TOO_MANY_ROWS,
    TOO_MANY_COLUMNS,
    LOCK_FILE,
    OTHER_FILE,
    UNREADABLE,
)

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
LOCK_PREFIX = "~$"


@dataclass(frozen=True)
class Limits:
    """How big an input may be. Every limit is checked before the file is unpacked.

    A filled scorecard is tens of kilobytes, a dozen columns and a few dozen rows; the defaults leave
    room for a hundred times that and keep one process far below 400 MB on any input:

    - `max_file_bytes` (50 MB): the file on disk.
    - `max_unpacked_bytes` (200 MB): all parts of a zip (.xlsx, .xlsm, .ods) together, unpacked,
      as the zip's central directory declares them.
    - `max_ratio` (100): unpacked / packed size of one part bigger than `ratio_floor_bytes` (1 MB);
      spreadsheet XML packs about 10:1, a zip bomb about 1000:1.
    - `max_members` (2,000): parts in one zip; a scorecard has about 15.
    - `max_rows` (10,000) and `max_columns` (256): the last row and column holding a value, on any
      sheet. A reader builds a grid that big (32 bytes a cell), so 10,000 × 256 cells is about 80 MB.
    - `max_text` (1,000): characters of one text kept in the summary; the rest is cut with a note.
    - `xml_prolog_bytes` (64 KB): how far into an XML part its first element must start; a DOCTYPE
      (where entity bombs live) can only come before it.
    """

    max_file_bytes: int = 50 * 2**20
    max_unpacked_bytes: int = 200 * 2**20
    max_ratio: float = 100.0
    ratio_floor_bytes: int = 2**20
    max_members: int = 2_000
    max_rows: int = 10_000
    max_columns: int = 256
    max_text: int = MAX_TEXT
    xml_prolog_bytes: int = 64 * 2**10


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class FileProblem:
    """Why a file is not read: one row of the rollup's Issues sheet.

    `code` is one of `CODES`; `message` names the file (and the limit, where one applies) and says
    what HR should do. `sheet` and `cell` are set when the problem sits on one sheet.
    """

    file: str
    code: str
    severity: str
    message: str
    sheet: str = ""
    cell: str = ""

    def __str__(self) -> str:
        where = ":".join(p for p in (self.file, self.sheet, self.cell) if p)
        return f"{where}: {self.severity}: {self.message}"


def mb(n: float) -> str:
    return f"{n / 2**20:,.0f} MB" if n >= 2**20 else f"{n / 2**10:,.0f} KB"

SAVE_AS = "open it in Excel and save it as .xlsx (Excel Workbook), then send it again"
PASSWORD = (
    "is password-protected: open it, remove the password (File > Info > Protect Workbook > "
    "Encrypt with Password, clear it) and send it again"
)


class Refused(Exception):
    """Internal: a check found its problem; the message is complete."""

    def __init__(self, code: str, message: str, sheet: str = "", cell: str = "") -> None:
        super().__init__(message)
        self.code, self.message, self.sheet, self.cell = code, message, sheet, cell


@dataclass
class Inspection:
    """What `check_file` found: the problem that keeps a file from being read (None: it may be read),
    and what the reader can use instead of reading the file a second time.

    `data` is the whole file of a zip container (.xlsx, .xlsm, .ods) that passed, so the reader opens
    the very bytes that were checked; `workbook_xml` is an .xlsx's `xl/workbook.xml` (its defined names
    say which sheets a generated scorecard holds); `error_cells` maps a sheet's name to the cells whose
    value is an error (`#DIV/0!`, `#N/A`: readers return them as blanks), cell -> error text, for every
    sheet streamed through. `package` is what the reader opens of an .xlsx instead of `data`: the same
    parts, those the check unpacked stored unpacked (`kpi_xl.io.preflight.package.repack`).
    """

    problem: FileProblem | None = None
    data: bytes | None = None
    package: bytes | None = None
    workbook_xml: bytes | None = None
    error_cells: dict[str, dict[str, str]] = field(default_factory=dict)
    utf16: bool = False  # the workbook part is UTF-16: Excel and openpyxl read it, python-calamine not


SheetsRead = Callable[[bytes], "Collection[str] | None"]

# --- cell addresses in messages -------------------------------------------------------------------------

_MAX_ROW_DIGITS = 30


def row_number(digits: bytes) -> int:
    """A row number as written, leading zeros and all ("00000000008000000" is 8,000,000)."""
    digits = digits.lstrip(b"0")
    return int(digits[:_MAX_ROW_DIGITS]) if digits else 0


def column_letters(n: int) -> str:
    """1-based column number -> letters (0 gives "")."""
    return column_letter(n - 1) if n > 0 else ""


def refuse_extent(file: str, sheet_name: str, limits: Limits, row: int, col: int) -> None:
    """Raise `Refused` when a value at (`row`, `col`), 1-based, on sheet `sheet_name` of `file` (its
    shown name) lies past the row or column limit."""
    limits = limits
    if row <= limits.max_rows and col <= limits.max_columns:
        return
    cell = f"{column_letters(col)}{row}"
    sheet = f"sheet '{sheet_name}'"
    if row > limits.max_rows:
        raise Refused(
            TOO_MANY_ROWS,
            f"{file}: {sheet} has values down to row {row:,} (at least), "
            f"over the limit of {limits.max_rows:,} rows: delete the rows below "
            "the scorecard (or move that data to another file) and send it again",
            sheet_name,
            cell,
        )
    if col > limits.max_columns:
        raise Refused(
            TOO_MANY_COLUMNS,
            f"{file}: {sheet} has a value in column "
            f"{column_letters(col)} ({col:,}), over the limit of "
            f"{limits.max_columns:,} columns: delete what is right of the "
            "scorecard and send it again",
            sheet_name,
            cell,
        )

