"""One exception base for everything kpi-xl refuses.

Every message names where the problem is (file, sheet, cell, field or argument) and what is wrong,
so the CLI can print it on one line and a cell function can show it in the cell.
"""

from __future__ import annotations


class KpiError(Exception):
    """Base of every error kpi-xl raises on purpose. `exit_code` is what the `kpi-xl` command exits
    with when it stops on one (usage errors, which the command line parser reports, exit 2)."""

    exit_code = 1


class KpiInputError(KpiError, ValueError):
    """A value is unusable: a target of 0 on `higher`, text where a number belongs, a bad direction.

    `row` is the 0-based row of a column the value came from, when it came from one, and `detail`
    the message without the row, so a caller can name the line, cell or range position in its own
    terms ("kpis.csv line 4: target is 0").
    """

    def __init__(self, message: str, *, row: int | None = None, detail: str | None = None) -> None:
        super().__init__(message)
        self.row = row
        self.detail = detail or message


class KpiFileError(KpiError):
    """A file is missing, unreadable or malformed: a policy, a role definition, a workbook."""


class PolicyError(KpiFileError):
    """The policy file is broken (thresholds out of order, a level twice, a bonus that is no number)."""


class RoleError(KpiFileError):
    """A role definition cannot be loaded."""
