"""`kpi-xl excel classic DIR`, `kpi-xl excel lite DIR` and `kpi-xl excel console DIR`: kpi-xl in Excel.

The library modules are imported inside each command, to keep start-up fast: they load xlwings (and
the console the rollup), which every other command can skip.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ._app import PLAIN, LangOption, PolicyOption, app, console
from .text import say

excel_app = typer.Typer(
    help="Use kpi-xl inside Excel: the cell functions =KPI_SCORE(), =KPI_BAND()... for the classic "
    "xlwings add-in or xlwings Lite.",
    no_args_is_help=True,
)
app.add_typer(excel_app, name="excel")


@excel_app.callback()
def excel_group(lang: str = LangOption) -> None:
    """Use kpi-xl inside Excel. --lang here applies to the command that follows."""

DirArgument = typer.Argument(..., metavar="FOLDER", help="Folder to write into (created if missing).",
                             file_okay=False)


def _report(paths: list[Path], lang: str) -> None:
    for path in paths:
        console.print(say("wrote", lang, path=path), **PLAIN)


@excel_app.command("classic")
def excel_classic(directory: Path = DirArgument, lang: str = LangOption) -> None:
    """Windows with a local Python: write xlwings.conf (UDF Modules = kpi_xl.excel.udfs) and SETUP.txt.

    Keep your workbooks in that folder; SETUP.txt lists the steps (install the xlwings add-in, Import
    Functions). An existing xlwings.conf keeps its other settings.
    """
    # Imported here for start-up speed: only this command needs it.
    from ..excel.setup import write_classic

    _report(write_classic(directory), lang)
    console.print(say("next_classic", lang, path=directory / "SETUP.txt"), **PLAIN)


@excel_app.command("lite")
def excel_lite(directory: Path = DirArgument, policy: Optional[Path] = PolicyOption,
               lang: str = LangOption) -> None:
    """xlwings Lite (Windows, macOS, Excel on the web; no local Python): write main.py and requirements.txt.

    Paste both into the xlwings Lite task pane of your workbook. main.py carries kpi-xl's scoring code
    and the policy (from --policy, $KPI_XL_POLICY or the built-in one).
    """
    # Imported here for start-up speed: only this command needs it.
    from ..excel.setup import write_lite

    _report(write_lite(directory, policy=policy), lang)
    console.print(say("next_lite", lang), **PLAIN)


@excel_app.command("console")
def excel_console(
    directory: Path = DirArgument,
    lang: str = LangOption,
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace kpi_console.xlsm and kpi_console.py "
                                   "if they exist (their Console and Roster sheets are lost)."),
) -> None:
    """One click in Excel: write kpi_console.xlsm and kpi_console.py (classic xlwings add-in).

    Fill in the Console sheet (scorecards folder, roster, summary file), then xlwings tab > Run main:
    it rolls the scorecards up into the summary file and into sheets of the console workbook. With the
    Action cell set to "make scorecards" it writes one scorecard per employee of the Roster sheet.
    Existing console files are kept unless --overwrite is given.
    """
    # Imported here for start-up speed: only this command needs it.
    from ..excel.console import write_console

    made = write_console(directory, lang=lang, overwrite=overwrite)
    _report(made.written, lang)
    for path in made.kept:
        console.print(say("kept_file", lang, path=path), **PLAIN)
    console.print(say("next_console", lang), **PLAIN)
