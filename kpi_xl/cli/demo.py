"""`kpi-xl demo [DIR]`: a small demo department, made and rolled up."""

from __future__ import annotations

from pathlib import Path

import typer

from ._app import PLAIN, LangOption, app, console
from .rollup import print_result
from .text import count, say


@app.command("demo")
def demo_command(
    directory: Path = typer.Argument(Path("kpi-xl-demo"), metavar="FOLDER",
                                     help="Folder for the demo department (created; "
                                     "files an earlier demo made are replaced, a folder holding other "
                                     "workbooks there is refused).", file_okay=False),
    lang: str = LangOption,
) -> None:
    """Build a small demo department (roster, filled scorecards, a hand-made sheet) and roll it up."""
    # Imported here to keep start-up fast: the demo loads openpyxl, pandas and the rollup.
    from ..demo import make_demo

    demo = make_demo(directory, lang=lang)
    console.print(say("demo_made", lang, folder=demo.folder, roster=demo.roster.name,
                      scorecards=count(len(demo.scorecards), "scorecard file", lang),
                      dir=demo.scorecards_dir.name), **PLAIN)
    print_result(demo.result, lang=lang)
    console.print(say("demo_open", lang, path=demo.result.output), **PLAIN)
    console.print(f"  kpi-xl rollup {demo.scorecards_dir} --roster {demo.roster} -o {demo.result.output}"
                  f" --policy {demo.policy}" + (" --lang id" if lang == "id" else ""), **PLAIN)
