"""The policy: band thresholds, labels, rewards, the score cap and the `lower` method (SPEC 3).

One YAML file. The default is the seed's (`templates/policy.yaml`); a company passes its own with
`--policy FILE` or the environment variable `KPI_XL_POLICY`. Every path reads the same `Policy`.
Imports no spreadsheet library.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import PolicyError
from .files import read_yaml
from .resources import templates_dir

POLICY_ENV = "KPI_XL_POLICY"
LANGS = ("id", "en")
LOWER_METHODS = ("difference", "ratio")


@dataclass(frozen=True)
class Band:
    """One performance level: KPI value above `above` (exclusive) up to the next band's bound."""

    level: int
    above: float | None  # None for the lowest band: it has no lower bound
    label_id: str
    label_en: str
    bonus: float  # times the monthly salary
    raise_text: str  # "7%–9%": a range HR decides within, so it stays text

    def label(self, lang: str = "id") -> str:
        return self.label_en if lang == "en" else self.label_id


@dataclass(frozen=True)
class Policy:
    """Bands ordered from the lowest level up, with their thresholds strictly rising."""

    bands: tuple[Band, ...]
    lower_method: str = "difference"
    max_score: float | None = None
    source: str = "built-in policy"

    @property
    def thresholds(self) -> tuple[float, ...]:
        """Lower bounds of every band but the lowest, ascending (70, 95, 105, 130 by default)."""
        return tuple(b.above for b in self.bands[1:])  # type: ignore[misc]

    def band_by_level(self, level: int) -> Band:
        for b in self.bands:
            if b.level == level:
                return b
        raise PolicyError(f"{self.source}: no band has level {level}")


def _field(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _number(value: Any, where: str, source: str, *, allow_none: bool = False) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise PolicyError(f"{source}: {where}: {value!r} is not a number")
    return float(value)


def policy_from_dict(data: Any, source: str = "policy") -> Policy:
    """Build and validate a policy from parsed YAML; errors name the source and the field."""
    if not isinstance(data, dict):
        raise PolicyError(f"{source}: expected a mapping with 'bands', got {type(data).__name__}")
    unknown = set(data) - {"bands", "lower_method", "max_score"}
    if unknown:
        raise PolicyError(f"{source}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")

    lower_method = data.get("lower_method", "difference")
    if lower_method not in LOWER_METHODS:
        raise PolicyError(
            f"{source}: lower_method: {lower_method!r} is not one of {', '.join(LOWER_METHODS)}"
        )
    max_score = _number(data.get("max_score"), "max_score", source, allow_none=True)
    if max_score is not None and max_score <= 0:
        raise PolicyError(f"{source}: max_score: {max_score:g} must be above 0 (or null for no cap)")

    raw_bands = data.get("bands")
    if not isinstance(raw_bands, list) or len(raw_bands) < 2:
        raise PolicyError(f"{source}: bands: expected a list of at least two bands")

    bands: list[Band] = []
    seen_levels: dict[int, int] = {}
    for i, raw in enumerate(raw_bands):
        where = f"bands[{i}]"
        if not isinstance(raw, dict):
            raise PolicyError(f"{source}: {where}: expected a mapping")
        level = raw.get("level")
        if isinstance(level, bool) or not isinstance(level, int):
            raise PolicyError(f"{source}: {where}.level: {level!r} is not a whole number")
        if level in seen_levels:
            raise PolicyError(
                f"{source}: {where}.level: level {level} appears twice (also bands[{seen_levels[level]}])"
            )
        seen_levels[level] = i
        above = _number(raw.get("above"), _field(where, "above"), source, allow_none=True)
        label = raw.get("label")
        if not isinstance(label, dict) or not all(isinstance(label.get(k), str) and label.get(k).strip() for k in LANGS):
            raise PolicyError(f"{source}: {where}.label: needs text for both 'id' and 'en'")
        bonus = _number(raw.get("bonus"), _field(where, "bonus"), source)
        if bonus < 0:  # type: ignore[operator]
            raise PolicyError(f"{source}: {where}.bonus: {bonus:g} is below 0")
        raise_text = raw.get("raise")
        if isinstance(raise_text, (int, float)) and not isinstance(raise_text, bool):
            raise_text = f"{raise_text:g}%"
        if not isinstance(raise_text, str) or not raise_text.strip():
            raise PolicyError(f"{source}: {where}.raise: expected text such as \"6%\" or \"7%–9%\"")
        bands.append(Band(level, above, label["id"].strip(), label["en"].strip(), bonus, raise_text.strip()))  # type: ignore[arg-type]

    bands.sort(key=lambda b: b.level)
    bottoms = [b for b in bands if b.above is None]
    if len(bottoms) != 1 or bottoms[0] is not bands[0]:
        raise PolicyError(
            f"{source}: bands: exactly one band, the lowest level ({bands[0].level}), has above: null"
        )
    for lower, upper in zip(bands[1:], bands[2:]):
        if not upper.above > lower.above:  # type: ignore[operator]
            raise PolicyError(
                f"{source}: bands: thresholds out of order: level {upper.level} (above {upper.above:g}) "
                f"must start above level {lower.level} (above {lower.above:g})"
            )
    return Policy(tuple(bands), lower_method, max_score, source)


def load_policy(path: str | os.PathLike[str] | None = None) -> Policy:
    """The policy from `path`, else from `$KPI_XL_POLICY`, else the built-in one.

    >>> load_policy().band_by_level(4).label_en
    'Exceeds Target'
    """
    if path is None:
        from_env = os.environ.get(POLICY_ENV) or None
        if from_env is None:
            return default_policy()
        if not Path(from_env).is_file():
            raise PolicyError(f"{from_env}: policy file not found (named by the environment variable {POLICY_ENV})")
        path = from_env
    return _load_policy_file(str(Path(path)))


@lru_cache(maxsize=1)
def default_policy() -> Policy:
    return _load_policy_file(str(templates_dir() / "policy.yaml"), "built-in policy")


def _load_policy_file(path: str, source: str | None = None) -> Policy:
    source = source or Path(path).name
    return policy_from_dict(read_yaml(path, "policy file", PolicyError, source), source)
