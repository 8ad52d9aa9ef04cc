"""The one gate: every workbook kpi-xl reads is opened here, and only after the preflight passed.

python-calamine builds a dense grid from a sheet's first cell to its last, so a 1.6 KB file whose last
cell is XFD1000000 makes it ask for gigabytes and abort the process (a Rust allocation failure, not an
exception anyone can catch). `kpi_xl.io.preflight.check_file` reads that extent from the file's XML
first; the readers here open only a file it passed, and open what it checked (its bytes, or for an
.xlsx the package of the parts it checked).

- `read_sheets(path, what, error)`: every sheet's rows of a roster or role catalogue (openpyxl for
  .xlsx/.xlsm, as always; python-calamine for .xls and .ods). A refused file raises `error` with the
  preflight's message, which names the file and says what to do.
- `inspect(path, ...)` and `open_book(path, inspection)`: the rollup's two steps, so that it can decide
  from the workbook part alone (a summary, a generated scorecard) which sheets to check and read.
- `load_for_editing(path, what, error)`: an openpyxl workbook to change and save (the demo fills in
  the scorecards it generated).

No other module imports python-calamine or openpyxl's `load_workbook` (a test proves it); writing
workbooks with openpyxl's `Workbook()` happens elsewhere.
"""

from __future__ import annotations

import io
import os
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import KpiFileError
from .messages import shown_name
from .preflight import DEFAULT_LIMITS, Inspection, Limits, SheetsRead, check_file
from .reasons import unreadable

Rows = list[tuple[int, list[Any]]]  # (row number as the sheet shows it, the row's values)
_OPENPYXL_SUFFIXES = (".xlsx", ".xlsm")


class PasswordProtected(Exception):
    """The reader found a password the preflight could not see."""


class ReaderLimit(Exception):
    """The file is sound but the reader cannot read it (`kpi_xl.io.reasons` words why)."""


def inspect(path: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS, *,
            sheets_read: SheetsRead | None = None) -> Inspection:
    """The preflight of one workbook (`kpi_xl.io.preflight.check_file`): its problem, or what the
    reader goes on from (the checked bytes, the workbook part, the error cells)."""
    return check_file(path, limits, sheets_read=sheets_read)


def open_book(path: str | os.PathLike[str], inspection: Inspection) -> Any:
    """The python-calamine workbook of a file `inspect` passed: from the package of the parts it
    checked (.xlsx), else from the bytes it checked (zip containers), else from its path. A path python-calamine cannot take (a name that is no UTF-8:
    undecodable bytes from a zip or a Samba share) is opened here and handed over as a file object.
    A password raises `PasswordProtected`; a damaged file, whatever python-calamine raises."""
    if inspection.problem is not None:
        raise ValueError(f"{path}: refused by the preflight; it is not opened")  # a caller's mistake
    import python_calamine as calamine  # for start-up speed: only when a workbook is read

    try:
        if inspection.package is not None:
            # The checked parts, stored as the check unpacked them (`kpi_xl.io.preflight.package`).
            # Should python-calamine refuse it, the file's own bytes below say why in its words.
            try:
                return calamine.CalamineWorkbook.from_filelike(io.BytesIO(inspection.package))
            except calamine.CalamineError:
                pass
        if inspection.data is not None:
            try:
                return calamine.CalamineWorkbook.from_filelike(io.BytesIO(inspection.data))
            except calamine.CalamineError as e:
                if inspection.utf16:
                    raise ReaderLimit("parts in UTF-16") from None
                if "Cannot detect file format" not in str(e):
                    raise
                raise _why_not(path, inspection.data) from None
        try:
            return calamine.CalamineWorkbook.from_path(os.fspath(path))
        except calamine.PasswordError:
            raise
        except Exception as failed:  # noqa: BLE001 - retried below; the first error is the one reported
            try:
                with open(path, "rb") as f:
                    return calamine.CalamineWorkbook.from_filelike(f)
            except Exception:  # noqa: BLE001 - the retry failed too: report what from_path said
                raise failed from None
    except calamine.PasswordError:
        raise PasswordProtected(os.fspath(path)) from None


def _why_not(path: str | os.PathLike[str], data: bytes) -> Exception:
    """What python-calamine says of checked bytes it would not take from a file object: from a file
    object it tries every format and says only "Cannot detect file format"; from a path it reads the
    format the name gives and says what is wrong. The same bytes, in a temporary file."""
    import python_calamine as calamine  # for start-up speed: loaded already by open_book

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / ("book" + Path(path).suffix.lower())
        copy.write_bytes(data)
        try:
            calamine.CalamineWorkbook.from_path(os.fspath(copy)).close()
        except Exception as e:  # noqa: BLE001 - the error is the answer
            return e
    return calamine.CalamineError("Cannot detect file format")


def refusal(inspection: Inspection, what: str) -> str:
    """The preflight's message for a refused file that is no scorecard, in the words of `what` it is
    ("roster workbook": "ask for the roster again", not "...the scorecard again").

    >>> from kpi_xl.io.preflight import FileProblem
    >>> refusal(Inspection(FileProblem("r.ods", "empty", "error", "'r.ods' is empty: ask for the scorecard again")), "roster")
    "'r.ods' is empty: ask for the roster again"
    """
    assert inspection.problem is not None
    message = inspection.problem.message
    return message.replace("scorecard", what.removesuffix(" workbook"))


def worksheets(book: Any) -> Iterator[tuple[str, bool]]:
    """(name, hidden) of every worksheet of a python-calamine workbook, in order; chart and dialog
    sheets hold no rows and are left out."""
    import python_calamine as calamine  # for start-up speed: loaded already by open_book

    for meta in book.sheets_metadata:
        if meta.typ == calamine.SheetTypeEnum.WorkSheet:
            yield meta.name, meta.visible != calamine.SheetVisibleEnum.Visible


def read_sheets(path: str | os.PathLike[str], what: str, error: type[Exception] = KpiFileError,
                limits: Limits = DEFAULT_LIMITS) -> Iterator[tuple[str, Rows]]:
    """(title, rows) of every worksheet, first sheet first, rows numbered as the sheet shows them
    (leading empty rows kept). The file passes the preflight first; a refused file raises `error`
    with the preflight's message (it names the file), a file no reader can open raises `error`
    naming the file and `what` it was meant to be ("roster workbook"). Close the iterator to stop
    early: the workbook is closed with it."""
    p = Path(path)
    checked = inspect(p, limits)
    if checked.problem is not None:
        raise error(refusal(checked, what))
    try:
        if p.suffix.lower() in _OPENPYXL_SUFFIXES:
            yield from _openpyxl_sheets(p, checked)
        else:
            book = open_book(p, checked)
            for name, _hidden in worksheets(book):
                # skip_empty_area=False keeps leading empty rows, so row numbers match the sheet's.
                grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
                yield name, [(i, list(r)) for i, r in enumerate(grid, start=1)]
    except error:
        raise
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as e:  # noqa: BLE001 - any reader failure (a panic too) is a file to fix
        raise error(unreadable(e, shown_name(p))) from None


def _openpyxl_sheets(path: Path, checked: Inspection) -> Iterator[tuple[str, Rows]]:
    from openpyxl import load_workbook  # for start-up speed: only when a workbook is read

    source: Any = io.BytesIO(checked.data) if checked.data is not None else path
    with warnings.catch_warnings():
        # openpyxl warns of every part it drops (extensions, styles): nothing HR can act on.
        warnings.simplefilter("ignore")
        wb = load_workbook(source, read_only=True, data_only=True)
    try:
        for ws in wb.worksheets:
            # The sheet's own <dimension> may claim XFD1048576: openpyxl would pad every row to it.
            # The preflight checked the cells themselves, so the extent is taken from them.
            ws.reset_dimensions()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                rows = [(i, list(r)) for i, r in enumerate(ws.iter_rows(values_only=True), start=1)]
            yield ws.title, rows
    finally:
        wb.close()


def load_for_editing(path: str | os.PathLike[str], what: str, error: type[Exception] = KpiFileError,
                     limits: Limits = DEFAULT_LIMITS) -> Any:
    """An openpyxl workbook to change and save again, after the preflight (`error` with its message
    when the file is refused)."""
    p = Path(path)
    checked = inspect(p, limits)
    if checked.problem is not None:
        raise error(refusal(checked, what))
    from openpyxl import load_workbook  # for start-up speed: only when a workbook is edited

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes on parts it drops mean nothing to HR
            return load_workbook(io.BytesIO(checked.data) if checked.data is not None else p)
    except Exception as e:  # noqa: BLE001 - any reader failure is a file the user must fix
        raise error(unreadable(e, shown_name(p))) from None
