"""Why a reader library could not read a file, in HR's words: the one table that turns what
python-calamine, openpyxl, zipfile or expat raise into a reason and what to do (`unreadable`).

The library's own text never reaches a message: it is matched here, by the error's type name and a
fragment of its text, and replaced. Every path that opens a workbook (the rollup, rosters, role
catalogues, `kpi-xl check`) goes through `kpi_xl.io.workbook`, which uses this table, so a file gets
the same reason on all of them.

Standard library only: the errors are recognised by name, so nothing here imports a reader.
"""

from __future__ import annotations

from .preflight.problems import PASSWORD

AGAIN = "open it in Excel, save it again as .xlsx and send it again"

DAMAGED = "it is damaged (the program that wrote it left out or broke a part Excel needs)"

# (type name or "", fragment of the error's text or "", reason). The first row that matches wins; a
# row with both empty would match everything, so the fallback is `_FALLBACK`, not a row.
REASONS: tuple[tuple[str, str, str], ...] = (
    ("PasswordError", "", "password"),
    ("PasswordProtected", "", "password"),
    ("MemoryError", "", "it needs more memory than this computer has"),
    ("RecursionError", "", "its content is nested too deeply"),
    ("", "macrosheet", "it holds an Excel 4.0 macro sheet, which the spreadsheet reader cannot open"),
    ("", "Parse float error",
     "it is saved as 'Strict Open XML Spreadsheet', which the spreadsheet reader cannot read"),
    ("", "Codepage", "its text is in a character set (code page) the spreadsheet reader does not know"),
    ("", "limit on input amplification factor",
     "it unpacks to far more than its size (possibly an XML bomb)"),
    ("", "Expecting 'table-cell'",
     "its table is laid out in a way the spreadsheet reader cannot follow (text between cells)"),
    ("", "'mimetype' file not found", "it lacks the part that says it is an OpenDocument spreadsheet"),
    ("", "UTF-16", "its parts are written in UTF-16, which the spreadsheet reader cannot read"),
    ("WorksheetNotFound", "", "it lists sheets that are not in the file"),
    ("", "Relationship not found", "its parts point at parts that are not in the file"),
    ("", "File not found", "a part Excel needs is missing from the file"),
    ("KeyError", "There is no item named", "a part Excel needs is missing from the file"),
    ("", "shared strings", "its cells point at texts that are not in the file"),
    ("", "Range is missing", "a sheet names cells that do not exist"),
    ("BadZipFile", "", "it is damaged or incomplete (cut off while copying?)"),
    ("XmlError", "", DAMAGED),
    ("ParseError", "", DAMAGED),
    ("ExpatError", "", DAMAGED),
    ("ZipError", "", "it is damaged or incomplete (cut off while copying?)"),
    ("", "End of stream", "it is cut off or damaged"),
    ("", "Cfb error", DAMAGED),
    ("", "Invalid", DAMAGED),
    ("CalamineError", "Cannot detect file format", "it is no spreadsheet format the reader knows"),
    ("TypeError", "", DAMAGED),
    ("ValueError", "", DAMAGED),
)
_FALLBACK = "the spreadsheet reader stopped on it (the file may be damaged)"


def reason(error: BaseException) -> str:
    """The reason a reader gave up on a file, in HR's words, from `REASONS`; "password" for a
    password the preflight could not see.

    >>> reason(KeyError("There is no item named '[Content_Types].xml' in the archive"))
    'a part Excel needs is missing from the file'
    >>> reason(RuntimeError("thread panicked"))
    'the spreadsheet reader stopped on it (the file may be damaged)'
    """
    names = {cls.__name__ for cls in type(error).__mro__}
    text = str(error)
    for kind, fragment, why in REASONS:
        if (not kind or kind in names) and (not fragment or fragment in text):
            return why
    return _FALLBACK


def unreadable(error: BaseException, name: str) -> str:
    """The message for a file a reader could not read, `name` its shown name
    (`kpi_xl.io.messages.shown_name`): the reason and what to do.

    >>> unreadable(ValueError("Unable to read workbook: could not read stylesheet from None."), "'budi.xlsx'")
    "'budi.xlsx' could not be read: it is damaged (the program that wrote it left out or broke a part Excel needs); open it in Excel, save it again as .xlsx and send it again"
    """
    why = reason(error)
    if why == "password":
        return f"{name} {PASSWORD}"
    return f"{name} could not be read: {why}; {AGAIN}"
