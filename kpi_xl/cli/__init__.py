"""Command-line entry point: `kpi-xl COMMAND`. See `kpi-xl --help`."""

from __future__ import annotations

from ._app import app
# Each module registers its commands on `app`, in the order --help lists them (the order HR works in).
from . import roles, template, score, rollup, demo, excel  # noqa: F401,E402,I001


def main() -> None:
    app()


__all__ = ["app", "main"]
