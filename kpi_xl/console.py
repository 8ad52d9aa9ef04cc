"""The Excel console under its first module name: it lives in `kpi_xl.excel.console`.

kpi_console.py files written by earlier versions (HR keeps them beside their console workbook, and
may have edited them) import `make_console_scorecards` and `run_console` from here.
"""

from .excel.console import (  # noqa: F401 - re-exported for existing kpi_console.py files
    CONSOLE_MODULE,
    CONSOLE_WORKBOOK,
    QUICKSTART,
    VBA_PART,
    make_console_scorecards,
    quickstart_path,
    run_console,
    write_console,
)

__all__ = ["CONSOLE_MODULE", "CONSOLE_WORKBOOK", "QUICKSTART", "VBA_PART", "make_console_scorecards",
           "quickstart_path", "run_console", "write_console"]
