"""Role definitions (SPEC 5) as data: a role's KRAs and KPIs, each text in English and Indonesian.

`role_from_dict` validates parsed YAML (or a catalogue's rows) into a `Role`; its errors name the file
and the place in it: ``sales-manager.yaml: kras[2].kpis[0].target: 'ten' is not a number``.
Whether a loaded role is *good* (weights sum to 100, 4-6 KRAs...) is `kpi_xl.roles.checks`' job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import RoleError
from ..words import direction_of, parse_lang


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
        """The text in `lang`, named in any case ("EN", "id", "Indonesia": `kpi_xl.words.parse_lang`).

        >>> Text(en="Sales", id="Penjualan")("ID"), Text(en="Sales", id="Penjualan")("EN")
        ('Penjualan', 'Sales')
        """
        return self.id if parse_lang(lang) == "id" else self.en

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
        # Any direction word, English or Indonesian, in any case ("Naik" is higher); other text is left
        # for the field's own check to refuse with the list of directions.
        if isinstance(value, str):
            return direction_of(value) or value.strip().lower()
        return value


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


class Competency(_Model):
    """A behaviour the role is rated on (the same fields as the policy's company-wide competencies)."""

    name: Text
    weight: float | None = None  # None: the competencies count equally
    description: Text | None = None

    def description_text(self, lang: str = "en") -> str:
        return self.description(lang) if self.description else ""


class Role(_Model):
    id: str
    name: Text
    department: Text
    description: Text | None = None
    period: str | None = None
    supporting_activities: list[Text] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    kras: list[KRA] = Field(default_factory=list)
    # The role's own competencies; none: the policy's company-wide ones (the role catalogue has no column
    # for them yet).
    competencies: list[Competency] = Field(default_factory=list)
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
