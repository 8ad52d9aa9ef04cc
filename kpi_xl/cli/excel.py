"""`kpi-xl excel classic DIR` and `kpi-xl excel lite DIR`: set up the cell functions in Excel.

`excel_app` is the `kpi-xl excel` group; other Excel commands register on it the same way. The
setup module is imported inside each command: it loads xlwings, which every other command can skip.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ._app import PolicyOption, app, console

excel_app = typer.Typer(
    help="Use kpi-xl inside Excel: the cell functions =KPI_SCORE(), =KPI_BAND()... for the classic "
    "xlwings add-in or xlwings Lite.",
    no_args_is_help=True,
)
app.add_typer(excel_app, name="excel")

DirArgument = typer.Argument(..., help="Folder to write into (created if missing).", file_okay=False)


def _report(paths: list[Path]) -> None:
    for path in paths:
        console.print(f"wrote {path}", markup=False, highlight=False, soft_wrap=True)


@excel_app.command("classic")
def excel_classic(directory: Path = DirArgument) -> None:
    """Windows with a local Python: write xlwings.conf (UDF Modules = kpi_xl.udfs) and SETUP.txt.

    Keep your workbooks in that folder; SETUP.txt lists the steps (install the xlwings add-in, Import
    Functions). An existing xlwings.conf keeps its other settings.
    """
    from ..excel_setup import write_classic

    _report(write_classic(directory))
    console.print(f"Next: follow {directory / 'SETUP.txt'}", markup=False, highlight=False, soft_wrap=True)


@excel_app.command("lite")
def excel_lite(directory: Path = DirArgument, policy: Optional[Path] = PolicyOption) -> None:
    """xlwings Lite (Windows, macOS, Excel on the web; no local Python): write main.py and requirements.txt.

    Paste both into the xlwings Lite task pane of your workbook. main.py carries kpi-xl's scoring code
    and the policy (from --policy, $KPI_XL_POLICY or the built-in one).
    """
    from ..excel_setup import write_lite

    _report(write_lite(directory, policy=policy))
    console.print("Next: paste main.py and requirements.txt into the xlwings Lite task pane",
                  markup=False, highlight=False)
