"""The Excel console (`kpi-xl excel console DIR`): the rollup with one click in Excel, classic xlwings add-in.

It writes two files side by side, as `xlwings quickstart` does:
- `kpi_console.xlsm`, made from xlwings' own quickstart workbook (its VBA project is copied byte for
  byte; that VBA is what the xlwings ribbon's "Run main" needs) with a Console sheet of named input
  cells and a Roster sheet;
- `kpi_console.py`, whose `main()` the ribbon runs: it reads the named cells and makes ONE call,
  `run_console(book)`, which rolls the scorecards up (or, when the Action cell says so, makes the
  scorecards of the Roster sheet: `make_scorecards()`).

The workbook is built by editing the quickstart's zip parts directly (no openpyxl round trip), so
nothing xlwings put in it is rewritten: only the first sheet, the new Roster sheet, the defined names
and the lists of parts change.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import xlwings

from ..errors import KpiError, KpiFileError
from ..io.files import atomic_write
from ..roles import builtin_role_index
from ..rollup import RollupResult, rollup
from ..rollup.book import roster_from_rows, sheet_grid, write_summary_sheets
from ..scorecard import write_roster_scorecards
from ..values import cell_text
from ..words import parse_lang

CONSOLE_WORKBOOK = "kpi_console.xlsm"
CONSOLE_MODULE = "kpi_console.py"
CONSOLE_SHEET = "Console"
ROSTER_SHEET = "Roster"
QUICKSTART = "quickstart.xlsm"
VBA_PART = "xl/vbaProject.bin"

# The named cells of the Console sheet: name -> (row, English label, Indonesian label, default value).
ACTION = "KPI_Action"
INPUT_FOLDER = "KPI_InputFolder"
ROSTER = "KPI_Roster"
OUTPUT = "KPI_Output"
SCORECARDS_FOLDER = "KPI_ScorecardsFolder"
LANG = "KPI_Lang"
STATUS = "KPI_Status"
ROLL_UP, MAKE_SCORECARDS = "roll up", "make scorecards"
CELLS: dict[str, tuple[int, str, str, str]] = {
    ACTION: (4, "Action (roll up / make scorecards)", "Aksi (roll up / make scorecards)", ROLL_UP),
    INPUT_FOLDER: (5, "Folder of filled scorecards", "Folder scorecard yang sudah diisi", "scorecards"),
    ROSTER: (6, "Roster file (blank: the Roster sheet)", "File roster (kosong: sheet Roster)", ""),
    OUTPUT: (7, "Summary file to write", "File ringkasan", "kpi-summary.xlsx"),
    SCORECARDS_FOLDER: (8, "Folder for new scorecards", "Folder untuk scorecard baru", "scorecards"),
    LANG: (9, "Language (en / id)", "Bahasa (en / id)", "en"),
    STATUS: (11, "Last run", "Hasil terakhir", ""),
}
ROSTER_HEADER = ("Employee ID", "Name", "Department", "Supervisor", "Role", "Period", "Monthly salary",
                 "Potential")
ROSTER_EXAMPLE = (
    ("E001", "Rina Dewi", "Marketing", "Andi Wijaya", "digital-marketing-specialist", "2025", 10_000_000, "high"),
    ("E002", "Andi Wijaya", "Marketing", "Sari Lestari", "marketing-manager", "2025", 25_000_000, "medium"),
    ("E003", "Dewi Anggraini", "Sales", "Sari Lestari", "sales-manager", "2025", 20_000_000, "medium"),
)


def quickstart_path() -> Path:
    """xlwings' own quickstart workbook, from the installed xlwings package."""
    path = Path(xlwings.__file__).resolve().parent / QUICKSTART
    if not path.is_file():
        raise KpiFileError(f"{path}: xlwings' quickstart workbook is missing; reinstall xlwings")
    return path


# --- the workbook -------------------------------------------------------------------------------------


def _cell(ref: str, value: Any, style: int | None = None) -> str:
    s = f' s="{style}"' if style is not None else ""
    if value is None or value == "":
        return f'<c r="{ref}"{s}/>' if style is not None else ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    text = escape(str(value))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _row(r: int, cells: list[str]) -> str:
    return f'<row r="{r}">{"".join(cells)}</row>'


def _sheet_xml(rows: list[str], widths: tuple[float, ...], extra: str = "", code_name: str | None = None,
               selected: bool = False) -> str:
    pr = f'<sheetPr codeName="{code_name}"/>' if code_name else ""
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, 1))
    view = '<sheetView tabSelected="1" workbookViewId="0"/>' if selected else '<sheetView workbookViewId="0"/>'
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'{pr}<sheetViews>{view}</sheetViews><sheetFormatPr defaultRowHeight="15.65"/>'
            f'<cols>{cols}</cols><sheetData>{"".join(rows)}</sheetData>{extra}'
            '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/></worksheet>')


BOLD = 2  # the quickstart's cellXfs: 2 is bold (used by its "Instructions:" cell)


def console_sheet_xml(lang: str = "en") -> str:
    """The Console sheet: title, how to use it, and the named input cells in column B."""
    en = lang != "id"
    rows = [
        _row(1, [_cell("A1", "kpi-xl console", BOLD)]),
        _row(2, [_cell("A2", "Fill in column B, then xlwings tab > Run main. Relative paths are relative to "
                             "this workbook's folder." if en else
                       "Isi kolom B, lalu tab xlwings > Run main. Path relatif dihitung dari folder workbook ini.")]),
    ]
    for name, (r, label_en, label_id, default) in sorted(CELLS.items(), key=lambda kv: kv[1][0]):
        if name == LANG:
            default = lang
        rows.append(_row(r, [_cell(f"A{r}", label_en if en else label_id, BOLD), _cell(f"B{r}", default)]))
    notes = (
        ["roll up: reads every scorecard in the folder (and its subfolders), writes the summary file and "
         "the summary sheets of this workbook.",
         "make scorecards: one scorecard per employee of the Roster sheet (Role: a built-in role id such as "
         "sales-manager, or a role name), into the folder for new scorecards.",
         "kpi-xl must be installed in the Python the xlwings add-in uses (xlwings addin install)."]
        if en else
        ["roll up: membaca semua scorecard di folder (dan subfoldernya), menulis file ringkasan dan sheet "
         "ringkasan di workbook ini.",
         "make scorecards: satu scorecard per karyawan di sheet Roster (Jabatan: id jabatan bawaan seperti "
         "sales-manager, atau nama jabatan), ke folder untuk scorecard baru.",
         "kpi-xl harus terpasang di Python yang dipakai add-in xlwings (xlwings addin install)."])
    rows += [_row(13 + i, [_cell(f"A{13 + i}", text)]) for i, text in enumerate(notes)]
    action_row = CELLS[ACTION][0]
    lang_row = CELLS[LANG][0]
    validations = (
        '<dataValidations count="2">'
        f'<dataValidation type="list" allowBlank="1" showErrorMessage="1" sqref="B{action_row}">'
        f'<formula1>"{ROLL_UP},{MAKE_SCORECARDS}"</formula1></dataValidation>'
        f'<dataValidation type="list" allowBlank="1" showErrorMessage="1" sqref="B{lang_row}">'
        '<formula1>"en,id"</formula1></dataValidation></dataValidations>')
    return _sheet_xml(rows, (40, 60), validations, code_name="Sheet1", selected=True)


def roster_sheet_xml() -> str:
    rows = [_row(1, [_cell(f"{chr(65 + i)}1", h, BOLD) for i, h in enumerate(ROSTER_HEADER)])]
    for r, values in enumerate(ROSTER_EXAMPLE, start=2):
        rows.append(_row(r, [_cell(f"{chr(65 + i)}{r}", v) for i, v in enumerate(values)]))
    return _sheet_xml(rows, (12, 22, 18, 18, 30, 10, 16, 11))


def _defined_names() -> str:
    names = "".join(f'<definedName name="{name}">{CONSOLE_SHEET}!$B${row}</definedName>'
                    for name, (row, *_rest) in sorted(CELLS.items()))
    return f"<definedNames>{names}</definedNames>"


def _edit_workbook_xml(xml: str) -> str:
    xml = xml.replace('<sheet name="Sheet1" sheetId="1" r:id="rId1"/>',
                      f'<sheet name="{CONSOLE_SHEET}" sheetId="1" r:id="rId1"/>'
                      f'<sheet name="{ROSTER_SHEET}" sheetId="3" r:id="rId7"/>', 1)
    if f'name="{ROSTER_SHEET}"' not in xml:
        raise KpiFileError("xlwings' quickstart workbook has changed: its first sheet is not Sheet1")
    # definedNames come right after the sheets (and before calcPr) in the workbook part's schema.
    return xml.replace("</sheets>", "</sheets>" + _defined_names(), 1)


def _edit_rels(xml: str) -> str:
    rel = ('<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           'worksheet" Target="worksheets/sheet3.xml"/>')
    if 'Id="rId7"' in xml:
        raise KpiFileError("xlwings' quickstart workbook has changed: rId7 is taken")
    return xml.replace("</Relationships>", rel + "</Relationships>", 1)


def _edit_content_types(xml: str) -> str:
    part = ('<Override PartName="/xl/worksheets/sheet3.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
    return xml.replace("</Types>", part + "</Types>", 1)


def _edit_app_xml(xml: str) -> str:
    xml = re.sub(r"<vt:i4>2</vt:i4>", "<vt:i4>3</vt:i4>", xml, count=1)
    return xml.replace('<vt:vector size="2" baseType="lpstr"><vt:lpstr>Sheet1</vt:lpstr>',
                       f'<vt:vector size="3" baseType="lpstr"><vt:lpstr>{CONSOLE_SHEET}</vt:lpstr>'
                       f'<vt:lpstr>{ROSTER_SHEET}</vt:lpstr>', 1)


def build_console_workbook(target: Path, lang: str = "en") -> Path:
    """kpi_console.xlsm from xlwings' quickstart.xlsm: every part copied as is, but for the edits above."""
    source = quickstart_path()
    edits = {
        "xl/workbook.xml": _edit_workbook_xml,
        "xl/_rels/workbook.xml.rels": _edit_rels,
        "[Content_Types].xml": _edit_content_types,
        "docProps/app.xml": _edit_app_xml,
        "xl/worksheets/sheet1.xml": lambda _: console_sheet_xml(lang),
    }
    def write(partial: Path) -> None:
        with zipfile.ZipFile(source) as src, zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as out:
            for info in src.infolist():
                data = src.read(info)
                if info.filename in edits:
                    data = edits[info.filename](data.decode("utf-8")).encode("utf-8")
                out.writestr(info, data)  # same name, date and compression as xlwings made it
            out.writestr("xl/worksheets/sheet3.xml", roster_sheet_xml())

    try:
        atomic_write(target, write)
    except OSError as e:
        raise KpiFileError(f"{target}: cannot write the console workbook ({e.strerror or e})") from None
    return target


MODULE_TEXT = '''"""kpi-xl console: the Python side of kpi_console.xlsm (made by `kpi-xl excel console`).

In Excel: fill in the Console sheet, then xlwings tab > Run main. main() does what the Action cell
says: "roll up" (the department summary) or "make scorecards" (one per employee of the Roster sheet).
kpi-xl must be installed in the Python the xlwings add-in runs (see the Console sheet).
"""

import xlwings as xw

from kpi_xl.excel.console import make_console_scorecards, run_console


def main(book=None):
    """Run by the xlwings ribbon's "Run main": the Action cell's job, reading the Console sheet."""
    run_console(book or xw.Book.caller())


def make_scorecards(book=None):
    """One scorecard per employee of the Roster sheet, into the folder named on the Console sheet.
    (For a button of its own: a VBA macro with RunPython "import kpi_console; kpi_console.make_scorecards()")"""
    make_console_scorecards(book or xw.Book.caller())


if __name__ == "__main__":
    # Run from an editor with the workbook open in Excel.
    xw.Book("kpi_console.xlsm").set_mock_caller()
    main()
'''


@dataclass(frozen=True)
class ConsoleFiles:
    """What `write_console` did: the files it wrote and the existing ones it kept."""

    written: list[Path]
    kept: list[Path]


def write_console(directory: str | os.PathLike[str], *, lang: str = "en", overwrite: bool = False) -> ConsoleFiles:
    """Write kpi_console.xlsm and kpi_console.py into `directory` (created).

    An existing file is kept unless `overwrite`: HR may have filled the console's Roster sheet and
    Console cells, or edited kpi_console.py.
    """
    lang = parse_lang(lang)
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise KpiFileError(f"{folder}: is a file, not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    kept: list[Path] = []
    workbook, module = folder / CONSOLE_WORKBOOK, folder / CONSOLE_MODULE
    if workbook.exists() and not overwrite:
        kept.append(workbook)
    else:
        written.append(build_console_workbook(workbook, lang))
    if module.exists() and not overwrite:
        kept.append(module)
    else:
        written.append(atomic_write(module, lambda p: p.write_text(MODULE_TEXT, encoding="utf-8")))
    return ConsoleFiles(written, kept)


# --- what main() and make_scorecards() do -----------------------------------------------------------------


@dataclass(frozen=True)
class ConsoleSettings:
    """The Console sheet's named cells, paths resolved against the workbook's folder."""

    action: str
    input_folder: Path
    roster: Path | None
    output: Path
    scorecards_folder: Path
    lang: str


def _value(book: Any, name: str) -> Any:
    try:
        return book.names[name].refers_to_range.value
    except Exception as e:  # xlwings raises different errors per platform
        raise KpiFileError(f"{CONSOLE_WORKBOOK}: the named cell {name} is missing ({e}); "
                           "make the console again with kpi-xl excel console --overwrite") from None


def read_settings(book: Any) -> ConsoleSettings:
    """The console's settings from its named cells; relative paths start at the workbook's folder."""
    base = Path(book.fullname).parent

    def path(name: str, default: str) -> Path:
        text = cell_text(_value(book, name)) or default
        p = Path(text).expanduser()
        return p if p.is_absolute() else base / p

    lang = parse_lang(cell_text(_value(book, LANG)), f"{CONSOLE_SHEET}!B{CELLS[LANG][0]} ({LANG}):")
    roster = cell_text(_value(book, ROSTER))
    return ConsoleSettings(
        action=cell_text(_value(book, ACTION)).lower() or ROLL_UP,
        input_folder=path(INPUT_FOLDER, "scorecards"),
        roster=path(ROSTER, "") if roster else None,
        output=path(OUTPUT, "kpi-summary.xlsx"),
        scorecards_folder=path(SCORECARDS_FOLDER, "scorecards"),
        lang=lang,
    )


def _status(book: Any, text: str) -> None:
    try:
        book.names[STATUS].refers_to_range.value = text
    except Exception:  # the status line is a courtesy; never hide the real outcome
        pass


def _roster_sheet(book: Any) -> Any:
    for sheet in book.sheets:
        if sheet.name == ROSTER_SHEET:
            return roster_from_rows(sheet_grid(sheet)[0], f"{CONSOLE_WORKBOOK} [{ROSTER_SHEET}]")
    return None


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y-%m-%d %H:%M")


def run_console(book: Any) -> RollupResult | Any | None:
    """What "Run main" does: the Action cell's job. A refused input is shown in the Last run cell
    (and raised again, so xlwings shows it too) rather than lost."""
    try:
        settings = read_settings(book)
        if settings.action == MAKE_SCORECARDS:
            return make_console_scorecards(book, settings)
        if settings.action != ROLL_UP:
            raise KpiFileError(f"{CONSOLE_SHEET}!B{CELLS[ACTION][0]}: {settings.action!r} is not "
                               f"{ROLL_UP!r} or {MAKE_SCORECARDS!r}")
        roster = settings.roster if settings.roster is not None else _roster_sheet(book)
        result = rollup(settings.input_folder, settings.output, roster=roster, lang=settings.lang,
                        roles=builtin_role_index())
        write_summary_sheets(book, result.tables, settings.lang)
        issues = result.issue_counts
        _status(book, f"{_stamp()}: {result.scorecards} scorecards from {result.files_found} files "
                      f"({result.files_not_read} could not be read"
                      + (f", {result.files_without_scorecards} hold no scorecard" if result.files_without_scorecards
                         else "") + f"); {issues['error']} errors, "
                      f"{issues['warning']} warnings; summary: {result.output}")
        return result
    except KpiError as e:
        _status(book, f"{_stamp()}: Error: {e}")
        raise


def make_console_scorecards(book: Any, settings: ConsoleSettings | None = None) -> Any:
    """One scorecard per employee of the Roster sheet (or the roster file named on the Console sheet)."""
    try:
        settings = settings or read_settings(book)
        roster = settings.roster if settings.roster is not None else _roster_sheet(book)
        if roster is None:
            raise KpiFileError(f"{CONSOLE_WORKBOOK} [{ROSTER_SHEET}]: no employees on the Roster sheet")
        # Existing scorecards are kept: an employee may already have typed their actuals into one.
        run = write_roster_scorecards(roster, settings.scorecards_folder, lang=settings.lang, overwrite=False)
        refused = "; ".join(str(p) for p in run.refused[:3]) + (" ..." if len(run.refused) > 3 else "")
        _status(book, f"{_stamp()}: {len(run.written)} scorecards written to {settings.scorecards_folder}"
                      + (f"; {len(run.kept)} existing ones kept (delete them to make them again)"
                         if run.kept else "")
                      + (f"; {len(run.refused)} roster rows refused: {refused}" if run.refused else ""))
        return run
    except KpiError as e:
        _status(book, f"{_stamp()}: Error: {e}")
        raise
