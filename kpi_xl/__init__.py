"""kpi-xl: KRA/KPI performance scoring for HR, in Excel.

The scoring core (`kpi_xl.scoring`) imports no spreadsheet library; this package root stays that light.
"""

from .errors import KpiError, KpiFileError, KpiInputError, PolicyError, RoleError
from .policy import Band, Policy, load_policy

__version__ = "0.1.0"

__all__ = [
    "Band",
    "KpiError",
    "KpiFileError",
    "KpiInputError",
    "Policy",
    "PolicyError",
    "RoleError",
    "__version__",
    "load_policy",
]
