"""Moved to `kpi_xl.roles.catalogue`; kept for kpi_xl/cli/template.py and tests/test_scorecard_cli.py
until they import from `kpi_xl.roles`."""

from .roles.catalogue import export_catalogue, read_catalogue  # noqa: F401
