"""Where roles come from: the built-in role library, role files (YAML), role catalogue workbooks, and
folders of either (`load_roles`, `resolve_role`, `builtin_role_index`), and how a role is named: by its id
or its name in English or Indonesian, in any case (`find_role`), with a "did you mean" when misspelt."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from ..errors import RoleError
from ..io.files import read_yaml
from ..resources import roles_dir
from ..words import normalise
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
        # Imported here for start-up speed: the catalogue reader loads numpy and the workbook gate.
        from .catalogue import read_catalogue

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


def role_names(roles: Iterable[Role]) -> dict[str, Role]:
    """Every way a role is named, normalised (`kpi_xl.words.normalise`: any case, single spaces): its id
    and its name in English and Indonesian. The first role with a name keeps it."""
    index: dict[str, Role] = {}
    for role in roles:
        for key in (role.id, role.name.en, role.name.id):
            index.setdefault(normalise(key), role)
    return index


def find_role(name: str, roles: Iterable[Role] | None = None) -> Role:
    """The role `name` names (id, or name in English or Indonesian, any case) among `roles` (default: the
    built-in library); `RoleError` with the closest names when there is none.

    >>> find_role("Digital marketing SPECIALIST").id, find_role("manajer sdm").id
    ('digital-marketing-specialist', 'hr-manager')
    >>> find_role("sales-manger")
    Traceback (most recent call last):
    kpi_xl.errors.RoleError: unknown role 'sales-manger'; did you mean sales-manager? (kpi-xl roles lists them all; or give a role file)
    """
    index = role_names(_builtin().values() if roles is None else roles)
    role = index.get(normalise(name))
    if role is not None:
        return role
    ids = closest_roles(name, index)
    if ids:
        hint = f"did you mean {' or '.join(ids)}? (kpi-xl roles lists them all; or give a role file)"
    else:
        known = ", ".join(dict.fromkeys(r.id for r in index.values()))
        hint = f"{'built-in roles' if roles is None else 'roles'}: {known} (or give a role file)"
    raise RoleError(f"unknown role {name!r}; {hint}")


def closest_roles(name: str, index: dict[str, Role]) -> list[str]:
    """The ids of the roles whose id or name is closest to a misspelled `name` (none when nothing is
    close): the closest, and any other as close ("sales-manger" is sales-manager, not finance-manager)."""
    typed = normalise(name)
    ratios = sorted(((difflib.SequenceMatcher(None, typed, key).ratio(), key) for key in index), reverse=True)
    if not ratios:
        return []
    return list(dict.fromkeys(index[key].id for ratio, key in ratios if ratio >= max(0.6, ratios[0][0] - 0.05)))


def builtin_role(role_id: str) -> Role:
    """A built-in role by its id or name (`find_role`)."""
    return find_role(role_id)


def resolve_role(spec: str | Path) -> Role:
    """A built-in role (by id or name, `find_role`), or a file holding exactly one role (or the role with
    that id in a catalogue given as `catalogue.xlsx#role-id`)."""
    text = str(spec)
    if isinstance(spec, str) and normalise(spec) in role_names(_builtin().values()) and not Path(spec).is_file():
        return find_role(spec)
    wanted = None
    if "#" in text and not Path(text).exists():
        text, wanted = text.rsplit("#", 1)
    p = Path(text)
    if not p.exists():
        if p.suffix.lower() not in ROLE_SUFFIXES + CATALOGUE_SUFFIXES and "/" not in text and "\\" not in text:
            return find_role(text)  # raises with the closest role names
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
