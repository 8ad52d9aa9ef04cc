"""Role definitions (SPEC 5): a role's KRAs and KPIs, loaded from YAML or a role catalogue workbook.

Loader errors name the file and the place in it:
``sales-manager.yaml: kras[2].kpis[0].target: 'ten' is not a number``.
Whether a loaded role is *good* (weights sum to 100, 4-6 KRAs...) is `kpi_xl.checks`' job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import RoleError
from .io.files import read_yaml
from .resources import roles_dir

ROLE_SUFFIXES = (".yaml", ".yml")
CATALOGUE_SUFFIXES = (".xlsx", ".xlsm")


class _Model(BaseModel):
    # Unknown fields are refused: a typo such as `wieght:` must not silently drop a weight.
    # NaN and infinity are refused too: `weight: .nan` would pass every check and score nothing.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Text(_Model):
    """A text in both languages; plain text in YAML means the same text for both."""

    en: str
    id: str

    @model_validator(mode="before")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"en": value, "id": value}
        if isinstance(value, dict) and set(value) <= {"en", "id"} and value:
            # One language given: use it for the other too rather than refuse the file.
            only = next(iter(value.values()))
            return {"en": value.get("en", only), "id": value.get("id", only)}
        return value

    def __call__(self, lang: str = "en") -> str:
        return self.id if lang == "id" else self.en

    def __str__(self) -> str:
        return self.en


class KPI(_Model):
    indicator: Text
    unit: Text | None = None
    weight: float
    target: float | None = None
    direction: str = "higher"
    tolerance: float | None = None
    due: dt.date | None = None
    period: str | None = None
    method: Text | None = None

    @field_validator("direction", mode="before")
    @classmethod
    def _lower_direction(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value


class KRA(_Model):
    name: Text
    goal: Text | None = None
    activities: list[Text] = Field(default_factory=list)
    kpis: list[KPI] = Field(default_factory=list)


class Task(_Model):
    """One row of the task inventory (seed 000 step 1)."""

    task: Text
    frequency: Text | None = None
    duration: Text | None = None
    delegable: bool | None = None
    notes: Text | None = None


class Role(_Model):
    id: str
    name: Text
    department: Text
    description: Text | None = None
    period: str | None = None
    supporting_activities: list[Text] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    kras: list[KRA] = Field(default_factory=list)
    source: str = Field(default="", exclude=True, repr=False)  # file it came from, for messages

    def kpi_rows(self) -> Iterator[tuple[KRA, KPI]]:
        """Every KPI with its KRA, in scorecard order."""
        for kra in self.kras:
            for kpi in kra.kpis:
                yield kra, kpi

    @property
    def total_weight(self) -> float:
        return sum(kpi.weight for _, kpi in self.kpi_rows())


def _location(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("function-before", "function-after", "nullable") or str(part).startswith(
            ("function-", "union[", "tagged-union[")
        ):
            continue  # pydantic's internal validator names are no place in the file
        else:
            out += f".{part}" if out else str(part)
    return out


def _explain(error: dict[str, Any]) -> str:
    kind, value = error["type"], error.get("input")
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field (check the spelling)"
    if kind == "finite_number":
        return f"{value!r} is not a finite number"
    if kind.startswith(("float_", "int_")):
        return f"{value!r} is not a number"
    if kind.startswith("date"):
        return f"{value!r} is not a date (write it as YYYY-MM-DD)"
    if kind.startswith("bool"):
        return f"{value!r} is not true or false"
    if kind in ("model_type", "dict_type") and error["loc"] and isinstance(value, (list, int, float)):
        return f"{value!r} should be text or a mapping with 'en' and 'id'"
    if kind in ("string_type",):
        return f"{value!r} is not text"
    if kind == "list_type":
        return f"expected a list, got {type(value).__name__}"
    return error["msg"]


def role_from_dict(data: Any, source: str) -> Role:
    """Validate parsed YAML (or a catalogue's rows) as a role; errors name `source` and the field."""
    if not isinstance(data, dict):
        raise RoleError(f"{source}: expected a role (a mapping with id, name, kras), got {type(data).__name__}")
    try:
        role = Role.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        more = f" (and {e.error_count() - 1} more problem(s))" if e.error_count() > 1 else ""
        raise RoleError(f"{source}: {_location(first['loc'])}: {_explain(first)}{more}") from None
    return role.model_copy(update={"source": source})


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
        from .catalogue import read_catalogue  # openpyxl only when a workbook is asked for

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
