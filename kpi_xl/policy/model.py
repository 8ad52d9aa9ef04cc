"""The policy as data: its bands (threshold, level, labels, bonus, raise), the score cap and the `lower`
method (SPEC 3), validated once by `policy_from_dict` whatever it came from (a YAML file, a policy range).

Pure: no file, no spreadsheet library. The scoring core takes a `Policy` from here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..errors import PolicyError
from ..words import DEFAULT_LANG, LANGS, parse_lang

LOWER_METHODS = ("difference", "ratio")
# How review periods combine into the year's KPI value (kpi_xl.scoring.annual_kpi_value), and what a
# period with no scorecard does: count as 0, or leave the year incomplete (no bonus amount).
ANNUAL_METHODS = ("mean", "last", "sum-of-finals")
MISSING_PERIOD = ("incomplete", "zero")
# The 9-box's performance axis: every band falls in one of these groups (`Policy.performance_group`).
PERFORMANCE_GROUPS = ("low", "medium", "high")


@dataclass(frozen=True)
class Band:
    """One performance level: KPI value above `above` (exclusive) up to the next band's bound."""

    level: int
    above: float | None  # None for the lowest band: it has no lower bound
    label_id: str
    label_en: str
    bonus: float  # times the monthly salary
    raise_text: str  # "7%–9%": a range HR decides within, so it stays text

    def label(self, lang: str = DEFAULT_LANG) -> str:
        """The band's label in a language ("en" or "id", any case).

        >>> Band(4, 105.0, "Melebihi Target", "Exceeds Target", 1.5, "7%").label("ID")
        'Melebihi Target'
        """
        return self.label_en if parse_lang(lang) == "en" else self.label_id


COMPONENTS = ("kpi", "competencies", "attendance")


@dataclass(frozen=True)
class Rating:
    """How the final rating weighs its components, and the competency scale.

    `weights`: component -> weight (kpi, competencies, attendance), summing to 100. A competency rating
    r on the scale `low`..`high` is worth r / `meets` x 100 percent, so "meets expectations" (3 of 5 by
    default) equals meeting target (100 %). `scale_labels`: rating -> (English, Indonesian) label.
    `self_gap`: a self-rating this far or farther from the supervisor's is an issue.
    """

    weights: tuple[tuple[str, float], ...]
    low: int = 1
    high: int = 5
    meets: float = 3.0
    scale_labels: tuple[tuple[int, str, str], ...] = (
        (1, "Far below expectations", "Jauh di bawah harapan"), (2, "Below expectations", "Di bawah harapan"),
        (3, "Meets expectations", "Memenuhi harapan"), (4, "Exceeds expectations", "Melebihi harapan"),
        (5, "Outstanding", "Istimewa"))
    self_gap: float = 2.0

    def weight(self, component: str) -> float:
        return dict(self.weights).get(component, 0.0)


@dataclass(frozen=True)
class Competency:
    """A behaviour every employee is rated on (the policy's company-wide list, or a role's own):
    its name and behavioural description in both languages, and an optional weight."""

    name_en: str
    name_id: str
    weight: float | None = None  # None: the competencies count equally
    description_en: str = ""
    description_id: str = ""

    def name(self, lang: str = DEFAULT_LANG) -> str:
        return self.name_en if parse_lang(lang) == "en" else self.name_id

    def description(self, lang: str = DEFAULT_LANG) -> str:
        return self.description_en if parse_lang(lang) == "en" else self.description_id


@dataclass(frozen=True)
class Calibration:
    """The policy's calibration targets: the share of employees HR expects at each level (percent,
    summing to 100), how far a department's or supervisor's share may stray (`tolerance`, percent
    points) and how far a supervisor's mean level may sit from the company's (`supervisor_threshold`,
    in levels) before the Calibration sheet flags it."""

    target: tuple[tuple[int, float], ...]
    tolerance: float = 5.0
    supervisor_threshold: float = 0.5

    def share(self, level: int) -> float | None:
        return dict(self.target).get(level)


@dataclass(frozen=True)
class Policy:
    """Bands ordered from the lowest level up, with their thresholds strictly rising."""

    bands: tuple[Band, ...]
    lower_method: str = "difference"
    max_score: float | None = None
    source: str = "built-in policy"
    annual_method: str = "mean"
    missing_period: str = "incomplete"
    trend_threshold: float = 5.0  # percent points between the first and last period: improving/declining
    rating: Rating | None = None  # the final rating's components; None: the final rating is the KPI value
    currency: str = "IDR"  # of the monthly salaries and bonus amounts (the summary's number format)
    # Company-wide competencies, for roles that list none of their own.
    competencies: tuple[Competency, ...] = ()
    calibration: Calibration | None = None  # None: the Calibration sheet shows counts without targets
    bonus_budget: float | None = None  # the year's bonus budget, in `currency` (None: no budget check)

    @property
    def thresholds(self) -> tuple[float, ...]:
        """Lower bounds of every band but the lowest, ascending (70, 95, 105, 130 by default)."""
        return tuple(b.above for b in self.bands[1:])  # type: ignore[misc]

    def band_by_level(self, level: int) -> Band:
        for b in self.bands:
            if b.level == level:
                return b
        raise PolicyError(f"{self.source}: no band has level {level}")

    def performance_group(self, level: int) -> str:
        """The 9-box's performance group of a level, for any number of bands: the bands are split into
        three runs, the low and the high run of (n + 1) // 3 bands each and the middle run the rest, so the
        top band is always "high" and the lowest always "low" (five bands: 1-2 low, 3 medium, 4-5 high;
        three bands: one each; four: 1 low, 2-3 medium, 4 high; two: low and high).

        >>> from kpi_xl.policy import default_policy
        >>> [default_policy().performance_group(lv) for lv in range(1, 6)]
        ['low', 'low', 'medium', 'high', 'high']
        """
        levels = [b.level for b in self.bands]
        if level not in levels:
            raise PolicyError(f"{self.source}: no band has level {level}")
        n, i = len(levels), levels.index(level)
        outer = max(1, (n + 1) // 3)  # bands in the low run and in the high run
        if i < outer:
            return "low"
        if i >= n - outer:
            return "high"
        return "medium"


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
    unknown = set(data) - {"bands", "lower_method", "max_score", "annual", "rating", "currency", "competencies",
                             "calibration", "bonus_budget"}
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
    annual = _annual(data.get("annual"), source)
    rating = _rating(data.get("rating"), source)
    currency = data.get("currency", "IDR")
    if not isinstance(currency, str) or not currency.strip().isalpha() or len(currency.strip()) != 3:
        raise PolicyError(f"{source}: currency: {currency!r} is not a currency code such as IDR, USD or EUR")
    competencies = _competencies(data.get("competencies"), source)
    calibration = _calibration(data.get("calibration"), [b.level for b in bands], source)
    budget = _number(data.get("bonus_budget"), "bonus_budget", source, allow_none=True)
    if budget is not None and budget < 0:
        raise PolicyError(f"{source}: bonus_budget: {budget:g} is below 0")
    return Policy(tuple(bands), lower_method, max_score, source, **annual, rating=rating,
                  currency=currency.strip().upper(), competencies=competencies, calibration=calibration,
                  bonus_budget=budget)


def _calibration(data: Any, levels: list[int], source: str) -> Calibration | None:
    """The policy's `calibration:` block: target share per level (percent, summing to 100), tolerance
    (percent points) and supervisor_threshold (levels)."""
    if data is None:
        return None
    where = f"{source}: calibration"
    _mapping(data, where, ("target", "tolerance", "supervisor_threshold"))
    target = data.get("target")
    if not isinstance(target, dict) or not target:
        raise PolicyError(f"{where}.target: expected a share per level such as {{5: 5, 4: 20, 3: 50, 2: 20, 1: 5}}")
    shares = []
    for level, share in target.items():
        if isinstance(level, bool) or not isinstance(level, int) or level not in levels:
            raise PolicyError(f"{where}.target: {level!r} is not a level of the policy's bands")
        value = _number(share, f"calibration.target.{level}", source)
        if value < 0:  # type: ignore[operator]
            raise PolicyError(f"{where}.target.{level}: {value:g} is below 0")
        shares.append((level, float(value)))  # type: ignore[arg-type]
    _sum_100([v for _, v in shares], f"{where}.target", "shares")
    out: dict[str, Any] = {"target": tuple(sorted(shares, reverse=True))}
    for key in ("tolerance", "supervisor_threshold"):
        if key in data:
            value = _number(data[key], f"calibration.{key}", source)
            if value < 0:  # type: ignore[operator]
                raise PolicyError(f"{where}.{key}: {value:g} is below 0")
            out[key] = value
    return Calibration(**out)


def _mapping(data: Any, where: str, fields: tuple[str, ...]) -> None:
    """Refuse a block that is no mapping or has a field the policy does not know (a typo)."""
    if not isinstance(data, dict):
        raise PolicyError(f"{where}: expected a mapping ({', '.join(fields)})")
    unknown = set(data) - set(fields)
    if unknown:
        raise PolicyError(f"{where}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")


def _sum_100(values: list[float], where: str, what: str) -> None:
    """Weights or shares in percent must sum to 100 (float noise aside)."""
    total = sum(values)
    if abs(total - 100) > 1e-9:
        raise PolicyError(f"{where}: the {what} sum to {total:g}, not 100")


def _text(value: Any, where: str, *, required: bool) -> tuple[str, str]:
    """(English, Indonesian) of a field written {en: ..., id: ...}."""
    if value is None and not required:
        return "", ""
    if not isinstance(value, dict) or not all(isinstance(value.get(k), str) and value[k].strip() for k in LANGS):
        raise PolicyError(f"{where}: needs text for both 'en' and 'id'")
    return value["en"].strip(), value["id"].strip()


def _competencies(data: Any, source: str) -> tuple[Competency, ...]:
    """The policy's `competencies:` list: name, optional weight, description (both languages)."""
    if data is None:
        return ()
    if not isinstance(data, list) or not data:
        raise PolicyError(f"{source}: competencies: expected a list of competencies (name, weight, description)")
    out = []
    for i, raw in enumerate(data):
        where = f"{source}: competencies[{i}]"
        _mapping(raw, where, ("name", "weight", "description"))
        name_en, name_id = _text(raw.get("name"), f"{where}.name", required=True)
        weight = _number(raw.get("weight"), f"competencies[{i}].weight", source, allow_none=True)
        if weight is not None and weight <= 0:
            raise PolicyError(f"{where}.weight: {weight:g} must be above 0")
        desc_en, desc_id = _text(raw.get("description"), f"{where}.description", required=False)
        out.append(Competency(name_en, name_id, weight, desc_en, desc_id))
    given = [c.weight for c in out if c.weight is not None]
    if given and len(given) != len(out):
        raise PolicyError(f"{source}: competencies: give every competency a weight, or none (equal weights)")
    if given:
        _sum_100(given, f"{source}: competencies", "weights")
    names = [c.name_en.lower() for c in out]
    for i, n in enumerate(names):
        if n in names[:i]:
            raise PolicyError(f"{source}: competencies[{i}].name: {out[i].name_en!r} appears twice")
    return tuple(out)


def _annual(data: Any, source: str) -> dict[str, Any]:
    """The policy's `annual:` block: method, missing_period, trend_threshold (each optional)."""
    if data is None:
        return {}
    _mapping(data, f"{source}: annual", ("method", "missing_period", "trend_threshold"))
    out: dict[str, Any] = {}
    if "method" in data:
        if data["method"] not in ANNUAL_METHODS:
            raise PolicyError(f"{source}: annual.method: {data['method']!r} is not one of {', '.join(ANNUAL_METHODS)}")
        out["annual_method"] = data["method"]
    if "missing_period" in data:
        if data["missing_period"] not in MISSING_PERIOD:
            raise PolicyError(f"{source}: annual.missing_period: {data['missing_period']!r} is not one of "
                              f"{', '.join(MISSING_PERIOD)}")
        out["missing_period"] = data["missing_period"]
    if "trend_threshold" in data:
        threshold = _number(data["trend_threshold"], "annual.trend_threshold", source)
        if threshold < 0:  # type: ignore[operator]
            raise PolicyError(f"{source}: annual.trend_threshold: {threshold:g} is below 0")
        out["trend_threshold"] = threshold
    return out


def _rating(data: Any, source: str) -> Rating | None:
    """The policy's `rating:` block: components (weights summing to 100) and the competency scale."""
    if data is None:
        return None
    where = f"{source}: rating"
    _mapping(data, where, ("components", "scale", "self_gap"))
    components = data.get("components")
    if not isinstance(components, dict) or not components:
        raise PolicyError(f"{where}.components: expected weights such as {{kpi: 70, competencies: 30}}")
    weights = []
    for name, weight in components.items():
        if name not in COMPONENTS:
            raise PolicyError(f"{where}.components: {name!r} is not one of {', '.join(COMPONENTS)}")
        w = _number(weight, f"rating.components.{name}", source)
        if w <= 0:  # type: ignore[operator]
            raise PolicyError(f"{where}.components.{name}: {w:g} must be above 0 (leave the component out)")
        weights.append((name, float(w)))  # type: ignore[arg-type]
    if "kpi" not in dict(weights):
        raise PolicyError(f"{where}.components: the final rating needs the kpi component")
    _sum_100([w for _, w in weights], f"{where}.components", "weights")
    out: dict[str, Any] = {"weights": tuple(weights)}
    scale = data.get("scale") or {}
    if not isinstance(scale, dict):
        raise PolicyError(f"{where}.scale: expected a mapping (low, high, meets, labels)")
    for key in ("low", "high", "meets"):
        if key in scale:
            out[key] = _number(scale[key], f"rating.scale.{key}", source)
    low, high = int(out.get("low", 1)), int(out.get("high", 5))
    meets = float(out.get("meets", 3))
    if not low < high or not low <= meets <= high or meets <= 0:
        raise PolicyError(f"{where}.scale: needs low < high and low <= meets <= high, meets above 0 "
                          f"(got low {low}, high {high}, meets {meets:g})")
    out["low"], out["high"], out["meets"] = low, high, meets
    if "labels" in scale:
        labels = scale["labels"]
        if not isinstance(labels, dict) or set(labels) != set(range(low, high + 1)):
            raise PolicyError(f"{where}.scale.labels: one label for each rating {low} to {high}")
        rows = []
        for r in range(low, high + 1):
            text = labels[r]
            if not isinstance(text, dict) or not all(isinstance(text.get(k), str) and text[k].strip() for k in LANGS):
                raise PolicyError(f"{where}.scale.labels.{r}: needs text for both 'id' and 'en'")
            rows.append((r, text["en"].strip(), text["id"].strip()))
        out["scale_labels"] = tuple(rows)
    elif (low, high) != (1, 5):
        raise PolicyError(f"{where}.scale.labels: a scale other than 1 to 5 needs its labels")
    if "self_gap" in data:
        gap = _number(data["self_gap"], "rating.self_gap", source)
        if gap <= 0:  # type: ignore[operator]
            raise PolicyError(f"{where}.self_gap: {gap:g} must be above 0")
        out["self_gap"] = gap
    return Rating(**out)
