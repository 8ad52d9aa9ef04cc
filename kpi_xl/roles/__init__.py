"""Roles (SPEC 5): what a role is (`model`), where roles come from (`library`: the built-in library,
YAML files, folders), role catalogue workbooks (`catalogue`), and whether a role is good (`checks`).

`catalogue` (a workbook reader, numpy) and `checks` (the scoring core) are imported on first use, for
start-up speed: `kpi-xl roles` lists roles without either.
"""

from typing import Any

from .library import (
    CATALOGUE_SUFFIXES,
    ROLE_SUFFIXES,
    builtin_role,
    builtin_role_index,
    builtin_roles,
    find_role,
    load_role_file,
    load_roles,
    resolve_role,
    role_files,
    role_names,
)
from .model import KPI, KRA, Competency, Role, Task, Text, role_from_dict

_LAZY = {"export_catalogue": "catalogue", "read_catalogue": "catalogue", "ERROR": "checks", "MAX_KRAS": "checks",
         "MIN_KRAS": "checks", "WARNING": "checks", "Finding": "checks", "check_role": "checks",
         "check_roles": "checks"}

__all__ = [
    "CATALOGUE_SUFFIXES", "ERROR", "KPI", "KRA", "Competency", "MAX_KRAS", "MIN_KRAS", "ROLE_SUFFIXES", "WARNING", "Finding",
    "Role", "Task", "Text", "builtin_role", "builtin_role_index", "builtin_roles", "check_role", "check_roles",
    "export_catalogue", "find_role", "load_role_file", "load_roles", "read_catalogue", "resolve_role", "role_files",
    "role_from_dict", "role_names",
]


def __getattr__(name: str) -> Any:
    # Lazy, for start-up speed: listing roles needs neither the catalogue reader nor the checks.
    if name in _LAZY:
        from importlib import import_module  # lazy: start-up speed

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
