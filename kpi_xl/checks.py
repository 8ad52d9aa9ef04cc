"""Moved to `kpi_xl.roles.checks`; kept for kpi_xl/scorecard.py and kpi_xl/cli/roles.py until they import
from `kpi_xl.roles`."""

from .roles.checks import ERROR, WARNING, Finding, check_role, check_roles  # noqa: F401
