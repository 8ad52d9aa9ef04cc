"""The cell functions under their first module name.

They live in `kpi_xl.excel.udfs`; this name stays because xlwings.conf files written before
(and the UDF Modules boxes HR typed by hand) say `kpi_xl.udfs`. Excel imports the functions from
here exactly as from the new module.
"""

from .excel.udfs import (  # noqa: F401 - re-exported for existing xlwings.conf files
    FUNCTIONS,
    KPI_ANNUAL,
    KPI_BAND,
    KPI_BONUS,
    KPI_COMPETENCY,
    KPI_FINAL,
    KPI_LABEL,
    KPI_RAISE,
    KPI_RATING,
    KPI_SCORE,
    KPI_VALUE,
)

__all__ = ["FUNCTIONS", "KPI_ANNUAL", "KPI_BAND", "KPI_BONUS", "KPI_COMPETENCY", "KPI_FINAL", "KPI_LABEL", "KPI_RAISE", "KPI_RATING", "KPI_SCORE", "KPI_VALUE"]
