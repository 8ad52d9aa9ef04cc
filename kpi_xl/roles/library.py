"""Where roles come from: the built-in role library, role files (YAML), role catalogue workbooks, and
folders of either (`load_roles`, `resolve_role`, `builtin_role_index`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..errors import RoleError
from ..io.files import read_yaml
from ..resources import roles_dir
from .catalogue import read_catalogue
from .model import Role, role_from_dict

ROLE_SUFFIXES = (".yaml", ".yml")
CATALOGUE_SUFFIXES = (".xlsx", ".xlsm")


def load_role_file(path: str | Path) -> Role:
    """One role from a YAML file."""
    p = Path(path)
    return role_from_dict(read_yaml(p, "role file", RoleError), p.name)


def role_files(folder: Path) -> list[Path]:
    """Role files below a folder, skipping hidden folders (.git, .venv...) and Excel's lock files."""
    files = sorted(
        f for f in folder.rglob("*")
        if f.is_file() and f.suffix.lower() in ROLE_SUFFIXES + CATALOGUE_SUFFIXES
        and not f.name.startswith("~$")
        and not any(part.startswith(".") for part in f.relative_to(folder).parts)
    )
    if not files:
        raise RoleError(f"{folder}: no role files (.yaml, .yml, .xlsx) in this folder")
    return files


def load_roles(path: str | Path) -> list[Role]:
    """Every role in a YAML file, a role catalogue workbook, or a folder of either."""
    p = Path(path)
    if p.is_dir():
        return [role for f in role_files(p) for role in load_roles(f)]
    if p.suffix.lower() in CATALOGUE_SUFFIXES:
        return read_catalogue(p)
    if p.suffix.lower() in ROLE_SUFFIXES:
        return [load_role_file(p)]
    if not p.exists():
        raise RoleError(f"{p}: no such file or folder")
    raise RoleError(f"{p}: not a role file (expected .yaml, .yml or a role catalogue .xlsx)")


@lru_cache(maxsize=1)
def _builtin() -> dict[str, Role]:
    roles = [load_role_file(f) for f in sorted(roles_dir().glob("*.yaml"))]
    return {role.id: role for role in roles}


def builtin_roles() -> list[Role]:
    """The ten example roles of the role library, in file-name order."""
    return list(_builtin().values())


def builtin_role_index() -> dict[str, Role]:
    """The built-in roles by id (what the rollup shows role names from)."""
    return dict(_builtin())


def builtin_role(role_id: str) -> Role:
    roles = _builtin()
    try:
        return roles[role_id]
    except KeyError:
        raise RoleError(
            f"unknown role {role_id!r}; built-in roles: {', '.join(roles)} (or give a role file)"
        ) from None


def resolve_role(spec: str | Path) -> Role:
    """A built-in role id, or a file holding exactly one role (or the role with that id in a catalogue
    given as `catalogue.xlsx#role-id`)."""
    text = str(spec)
    if isinstance(spec, str) and spec in _builtin():
        return builtin_role(spec)
    wanted = None
    if "#" in text and not Path(text).exists():
        text, wanted = text.rsplit("#", 1)
    p = Path(text)
    if not p.exists():
        if p.suffix == "" and "/" not in text:
            return builtin_role(text)  # raises with the list of built-in ids
        raise RoleError(f"{p}: no such role file")
    roles = load_roles(p)
    if wanted is not None:
        for role in roles:
            if role.id == wanted:
                return role
        raise RoleError(f"{p}: no role with id {wanted!r} (found: {', '.join(r.id for r in roles)})")
    if len(roles) != 1:
        raise RoleError(
            f"{p}: holds {len(roles)} roles ({', '.join(r.id for r in roles)}); name one as {p.name}#ROLE-ID"
        )
    return roles[0]
