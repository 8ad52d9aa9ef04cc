"""`kpi-xl demo [DIR]`: a small demo department, made and rolled up."""

from __future__ import annotations

from pathlib import Path

import typer

from ._app import LangOption, app, console
from .rollup import print_result


@app.command("demo")
def demo_command(
    directory: Path = typer.Argument(Path("kpi-xl-demo"), help="Folder for the demo department (created; "
                                     "files an earlier demo made are replaced, a folder holding other "
                                     "workbooks there is refused).", file_okay=False),
    lang: str = LangOption,
) -> None:
    """Build a small demo department (roster, filled scorecards, a hand-made sheet) and roll it up."""
    # Imported here to keep start-up fast: the demo loads openpyxl, pandas and the rollup.
    from ..demo import make_demo

    demo = make_demo(directory, lang=lang)
    console.print(f"Demo department in {demo.folder}: roster {demo.roster.name}, "
                  f"{len(demo.scorecards)} scorecard files in {demo.scorecards_dir.name}/", markup=False,
                  highlight=False, soft_wrap=True)
    print_result(demo.result)
    console.print(f"Open {demo.result.output} to see every sheet; run it yourself with:", markup=False,
                  highlight=False, soft_wrap=True)
    console.print(f"  kpi-xl rollup {demo.scorecards_dir} --roster {demo.roster} -o {demo.result.output}",
                  markup=False, highlight=False, soft_wrap=True)
