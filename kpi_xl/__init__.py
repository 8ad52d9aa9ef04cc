"""kpi-xl: KRA/KPI performance scoring for HR, in Excel.

The scoring core (`kpi_xl.scoring`) imports no spreadsheet library; this package root stays that light.
"""

from typing import Any

from .errors import KpiError, KpiFileError, KpiInputError, PolicyError, RoleError
from .policy.model import Band, Policy

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


def __getattr__(name: str) -> Any:
    # Lazy, to keep the scoring core light (it imports this package first): the policy file loader
    # brings PyYAML and reads files.
    if name == "load_policy":
        from .policy.files import load_policy  # lazy: start-up speed, a light core

        return load_policy
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
