"""The `kpi-xl` command: one Typer app; each command module adds its commands to it.

Every command only parses its options, makes one call into the library and prints. A `KpiError`
becomes a one-line message and exit code 1 (usage errors exit 2, as click does), never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from typer.core import TyperGroup

from ..errors import KpiError
from ..words import parse_lang


class _KpiGroup(TyperGroup):
    # Only typer's own API here: recent typer vendors its own click, so click's classes differ.
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KpiError as e:
            typer.echo(f"Error: {e}", err=True)
            raise typer.Exit(e.exit_code) from None


app = typer.Typer(
    cls=_KpiGroup,
    help="KRA/KPI performance scoring for HR: roles, scorecards, department rollups.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

def _version(value: bool) -> None:
    if value:
        # Imported here for start-up speed: only this command needs it.
        from .. import __version__

        typer.echo(f"kpi-xl {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """KRA/KPI performance scoring for HR: roles, scorecards, department rollups."""


console = Console()
err_console = Console(stderr=True)

# Options several commands share, declared once.
PolicyOption = typer.Option(
    None, "--policy", help="Policy YAML (bands, labels, rewards). Default: $KPI_XL_POLICY, else the built-in one.",
    dir_okay=False,
)
def check_lang(lang: str) -> str:
    """The --lang value as "en" or "id", in any case ("ID" is "id"): kpi_xl.words.parse_lang reads it."""
    try:
        return parse_lang(lang, "--lang")
    except KpiError:
        raise typer.BadParameter(f"{lang!r} is not en or id", param_hint="--lang") from None


# A choice read by its callback, so a command receives "en" or "id" only.
LangOption = typer.Option("en", "--lang", callback=check_lang, metavar="[en|id]",
                          help="Language of labels: en or id (any case).")


def load_cli_policy(path: Optional[Path]):  # noqa: ANN201 - returns kpi_xl.policy.Policy
    # Imported here for start-up speed: only this command needs it.
    from ..policy import load_policy

    return load_policy(path)


class ProgressBar:
    """A progress bar for a long run, as a context manager giving the library's `progress(done, total)`
    callback. Drawn only on a terminal and from `at_least` items on: a bar stopped on a pipe prints an
    empty line, which would come before an error message."""

    def __init__(self, screen: Console, label: str, at_least: int) -> None:
        self.screen, self.label, self.at_least = screen, label, at_least
        self.bar: Any = None

    def __enter__(self) -> Any:
        return self.update

    def update(self, done: int, total: int) -> None:
        if total < self.at_least or not self.screen.is_terminal:
            return
        if self.bar is None:  # started on the first item, once the run's size is known
            # Imported here for start-up speed: only long runs on a terminal draw a bar.
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn(self.label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                                console=self.screen, transient=True)
            self.bar.start()
            self.bar.add_task(self.label, total=total)
        self.bar.update(self.bar.task_ids[0], completed=done)

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.stop()
