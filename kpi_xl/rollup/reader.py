"""Moved: finding files is `kpi_xl.rollup.find`, reading one workbook `kpi_xl.rollup.read`. Kept only
for kpi_xl.rollup's own `__init__` until its imports point there; then delete it."""

from ..io.preflight import DEFAULT_LIMITS, WORKBOOK_SUFFIXES, Limits  # noqa: F401
from .find import find_files  # noqa: F401
from .read import is_summary_file, read_workbook, read_workbooks  # noqa: F401
