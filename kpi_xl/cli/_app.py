"""The `kpi-xl` command: one Typer app; each command module adds its commands to it.

Every command only parses its options, makes one call into the library and prints. A `KpiError`
becomes a one-line message and exit code 1 (usage errors exit 2, as click does), never a traceback.

`--lang` may come before the command (`kpi-xl --lang id rollup ...`), after a group (`kpi-xl roles --lang
id show ...`) or after the command: the nearest one given wins, else English. Option names are read in
any case (`--LANG ID`).

Start-up: `kpi-xl --help` and `--version` load typer and this module only; rich, numpy, pydantic and
the role library come with the command that needs them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from ..errors import KpiError
from ..words import parse_lang

LANG_KEY = "kpi_xl.lang"  # in click's ctx.meta, which every nested context shares


def _process(param: Any, ctx: Any, value: Any, convert: Any) -> Any:
    """No type conversion for a value that needs none: a missing one, or text for a text parameter.
    Typer converts every value through pydantic, which costs ~100 ms to import (start-up speed:
    `kpi-xl roles --help` and `kpi-xl --lang id ...` need no conversion)."""
    if not hasattr(param, "type_descriptor"):  # a typer without pydantic conversion: nothing to skip
        return convert(ctx, value)
    plain = value is None and not (param.multiple or param.nargs == -1)
    text = isinstance(value, str) and param.type_descriptor.annotation is str
    if not (plain or text) or (param.required and value is None):
        return convert(ctx, value)  # typer's own conversion and its own messages
    return value if param.callback is None else param.callback(ctx, param, value)


class _Argument(TyperArgument):
    """An argument shown by its name in capitals (ROLE, FILE...), never by a Python type."""

    @property
    def display_name_raw(self) -> str:
        return self.metavar or (self.name or "").upper()

    def display_type_rich(self, ctx: Any) -> Optional[str]:
        return None  # the name says what it is; "<list[Path]>" means nothing to HR

    def _rich_display_name(self) -> str:
        name = self.display_name_raw
        return name if self.nargs == 1 or name.endswith("...") else name + "..."

    def _usage_display_name(self) -> str:
        name = self._rich_display_name()
        return name if self.required else f"[{name}]"

    def process_value(self, ctx: Any, value: Any) -> Any:
        return _process(self, ctx, value, super().process_value)


# What an option takes when it names no metavar of its own, by the kind of value.
_VALUE_WORDS = {"file": "FILE", "dir": "FOLDER", "directory": "FOLDER", "path": "PATH", "int": "N",
                "float": "NUMBER", "str": "TEXT"}


class _Option(TyperOption):
    """An option's value shown as a word (FILE, N, TEXT), never as "<int range>" or "<file>"."""

    def display_type_rich(self, ctx: Any) -> Optional[str]:
        if self.metavar:
            return self.metavar
        kind = super().display_type_rich(ctx) or ""
        kind = kind.strip("<>").replace(" range", "")
        return _VALUE_WORDS.get(kind, "VALUE")

    def process_value(self, ctx: Any, value: Any) -> Any:
        return _process(self, ctx, value, super().process_value)


def _readable_param(param: Any) -> Any:
    if type(param) is TyperArgument:
        param.__class__ = _Argument
    elif type(param) is TyperOption:
        param.__class__ = _Option
    return param


def _readable(command: Any) -> None:
    """Every parameter of a command (and of the commands of a group) shown in words, converted lightly."""
    if type(command) is TyperCommand:
        command.__class__ = _KpiCommand
    elif type(command) is TyperGroup:
        command.__class__ = _KpiGroup
    for param in getattr(command, "params", []):
        _readable_param(param)
    for sub in getattr(command, "commands", {}).values():
        _readable(sub)


class _KpiCommand(TyperCommand):
    def get_help_option(self, ctx: Any) -> Any:
        return _readable_param(super().get_help_option(ctx))


class _KpiGroup(TyperGroup):
    # Only typer's own API here: recent typer vendors its own click, so click's classes differ.
    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        _readable(self)

    def get_help_option(self, ctx: Any) -> Any:
        return _readable_param(super().get_help_option(ctx))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KpiError as e:
            # "Error:" in both languages: the word Indonesian software uses too, and what scripts look for.
            typer.echo(f"Error: {e}", err=True)
            raise typer.Exit(e.exit_code) from None


def check_lang(ctx: typer.Context, lang: Optional[str]) -> str:
    """The --lang value as "en" or "id", in any case ("ID" is "id"): kpi_xl.words.parse_lang reads it.
    Not given here: the one given before (`kpi-xl --lang id roles show ...`), else English."""
    if lang is None:
        return ctx.meta.get(LANG_KEY, "en")
    try:
        ctx.meta[LANG_KEY] = parse_lang(lang, "--lang")
    except KpiError:
        raise typer.BadParameter(f"{lang!r} is not en or id", param_hint="--lang") from None
    return ctx.meta[LANG_KEY]


# A choice read by its callback, so a command receives "en" or "id" only.
LangOption = typer.Option(None, "--lang", callback=check_lang, metavar="[en|id]",
                          help="Language of the output (and of workbooks written): en or id, any case.")


app = typer.Typer(
    cls=_KpiGroup,
    help="KRA/KPI performance scoring for HR: roles, scorecards, department rollups.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    # Option names in any case: --LANG is --lang (command names too; values are not touched).
    context_settings={"token_normalize_func": str.lower},
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
    lang: str = LangOption,
) -> None:
    """KRA/KPI performance scoring for HR: roles, scorecards, department rollups."""


class _Screen:
    """The console, as a rich Console made when something is printed: `kpi-xl --help` never loads rich
    (start-up speed), and each print sees the stdout and $COLUMNS of its moment (a test runner swaps
    them; a Console made once would keep the first)."""

    def __init__(self, **options: Any) -> None:
        self._options = options

    def get(self) -> Any:
        # Imported here for start-up speed: --help and --version print without rich.
        from rich.console import Console

        return Console(**self._options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.get(), name)


console: Any = _Screen()
err_console: Any = _Screen(stderr=True)

# console.print(line, **PLAIN): a line as it is (no markup, no highlighting, never wrapped mid-path).
PLAIN = {"markup": False, "highlight": False, "soft_wrap": True}


# Options several commands share, declared once.
PolicyOption = typer.Option(
    None, "--policy", metavar="FILE",
    help="Policy YAML (bands, labels, rewards). Default: $KPI_XL_POLICY, else the built-in one.",
    dir_okay=False,
)


def load_cli_policy(path: Optional[Path]):  # noqa: ANN201 - returns kpi_xl.policy.Policy
    # Imported here for start-up speed: only this command needs it.
    from ..policy import load_policy

    return load_policy(path)


class ProgressBar:
    """A progress bar for a long run, as a context manager giving the library's `progress(done, total)`
    callback. Drawn only on a terminal and from `at_least` items on: a bar stopped on a pipe prints an
    empty line, which would come before an error message."""

    def __init__(self, screen: Any, label: str, at_least: int) -> None:
        # One Console for the whole run: the bar draws and redraws on it.
        self.screen = screen.get() if isinstance(screen, _Screen) else screen
        self.label, self.at_least = label, at_least
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
