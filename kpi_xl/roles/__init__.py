"""Roles (SPEC 5): what a role is (`model`), where roles come from (`library`: the built-in library,
YAML files, folders), role catalogue workbooks (`catalogue`), and whether a role is good (`checks`)."""

from .catalogue import export_catalogue, read_catalogue
from .checks import ERROR, MAX_KRAS, MIN_KRAS, WARNING, Finding, check_role, check_roles
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
from .model import KPI, KRA, Role, Task, Text, role_from_dict

__all__ = [
    "CATALOGUE_SUFFIXES", "ERROR", "KPI", "KRA", "MAX_KRAS", "MIN_KRAS", "ROLE_SUFFIXES", "WARNING", "Finding",
    "Role", "Task", "Text", "builtin_role", "builtin_role_index", "builtin_roles", "check_role", "check_roles",
    "export_catalogue", "find_role", "load_role_file", "load_roles", "read_catalogue", "resolve_role", "role_files",
    "role_from_dict", "role_names",
]
