"""Command-line entry point: `kpi-xl COMMAND`. See `kpi-xl --help`."""

from __future__ import annotations

from . import demo, excel, roles, rollup, score, template  # noqa: F401,E402 - each module registers its commands on `app`
from ._app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
