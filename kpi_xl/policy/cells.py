"""A policy from a block of cells on a sheet: a cell function's policy range, or the Policy sheet of a
generated scorecard read back. Header and setting words are recognised by `kpi_xl.words`; values are
read by `kpi_xl.values`; the bands are validated by `policy_from_dict`, as a policy file's are.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import KpiInputError, PolicyError
from ..values import is_blank, to_number
from ..words import policy_column, policy_setting
from .files import scoring_policy
from .model import LOWER_METHODS, Policy, policy_from_dict

# Columns of a policy range, in the order they are read when the range has no header row.
POLICY_COLUMNS = ("threshold", "level", "label", "bonus", "raise")
# Rows of a policy range that set the scoring rules instead of a band: a label cell, then its value.
POLICY_SETTINGS = ("score cap", "lower method")


def policy_from_range(cells: Any, base: Policy | None = None) -> Policy:
    """A policy from a block of cells on a sheet: one row per band, in any order, and optionally the
    score cap and the `lower` method.

    Columns, in this order when there is no header row: threshold (the band's lower bound, exclusive;
    blank for the lowest band), level, label, bonus (times the monthly salary), raise (text such as
    "7%–9%", or a percentage cell), and optionally a sixth column with the English label when the
    label column holds the Indonesian one. With a header row (threshold/above, level, label, label
    (id), label (en), bonus, raise; Indonesian words too) the columns may come in any order. Blank rows
    are skipped.

    A row whose first filled cell names a setting sets it from the next filled cell: "Score cap" (or
    "max score", "Batas skor"; blank: no cap) and "Lower method" ("Metode lower"; difference or ratio,
    blank: difference), as on a generated scorecard's policy sheet. A setting the range leaves out
    comes from `base` (default: the scoring policy).

    >>> p = policy_from_range([["Level", "Above", "Label", "Bonus", "Raise"],
    ...                        [1, None, "Low", 0, 0], [2, 100, "High", 1, 0.05],
    ...                        ["Score cap", None, None, 120, None], ["Lower method", "ratio"]])
    >>> [(b.level, b.above, b.label("en"), b.bonus, b.raise_text) for b in p.bands]
    [(1, None, 'Low', 0.0, '0%'), (2, 100.0, 'High', 1.0, '5%')]
    >>> p.max_score, p.lower_method
    (120.0, 'ratio')
    """
    base = base or scoring_policy()
    try:
        key = tuple(tuple(row) for row in _rows(cells))
        hash(key)
    except TypeError:  # unhashable cell values: parse without the cache
        return _parse_policy_rows(_rows(cells), base)
    return _cached_policy(key, base)


@functools.lru_cache(maxsize=64)
def _cached_policy(rows: tuple[tuple[Any, ...], ...], base: Policy) -> Policy:
    return _parse_policy_rows(rows, base)


def _rows(cells: Any) -> list[Sequence[Any]]:
    if isinstance(cells, np.ndarray):
        cells = cells.tolist()
    if not isinstance(cells, (list, tuple)) or not cells or not isinstance(cells[0], (list, tuple)):
        raise PolicyError(
            "policy range: select a block of cells, one row per band, with the columns "
            + ", ".join(POLICY_COLUMNS)
        )
    return list(cells)


def _setting_row(row: Sequence[Any]) -> tuple[str, Any] | None:
    """(setting, value) when the row's first filled cell names a setting; the value is the next
    filled cell (None: left blank)."""
    filled = [v for v in row if not is_blank(v)]
    key = policy_setting(filled[0]) if filled else None
    if key is None:
        return None
    return key, (filled[1] if len(filled) > 1 else None)


def _parse_policy_rows(rows: Sequence[Sequence[Any]], base: Policy) -> Policy:
    width = max(len(row) for row in rows)
    header = [policy_column(c) for c in rows[0]]
    if sum(h is not None for h in header) >= 2:
        columns = {h: i for i, h in reversed(list(enumerate(header))) if h is not None}
        missing = [c for c in ("threshold", "level", "bonus", "raise") if c not in columns]
        if not columns.keys() & {"label", "label_id", "label_en"}:
            missing.insert(2, "label")
        if missing:
            raise PolicyError(
                f"policy range: the header row has no {', '.join(missing)} column "
                f"(it needs {', '.join(POLICY_COLUMNS)})"
            )
        first = 1
    else:
        if width < len(POLICY_COLUMNS):
            raise PolicyError(
                f"policy range has {width} column(s); it needs {len(POLICY_COLUMNS)}: "
                + ", ".join(POLICY_COLUMNS)
            )
        columns = {c: i for i, c in enumerate(POLICY_COLUMNS)}
        if width > len(POLICY_COLUMNS):
            columns["label_id"], columns["label_en"] = columns.pop("label"), len(POLICY_COLUMNS)
        first = 0

    bands, rows_of_level = [], {}
    settings: dict[str, tuple[Any, int]] = {}
    for r in range(first, len(rows)):
        row = rows[r]
        where = f"policy range row {r + 1}"
        setting = _setting_row(row)
        if setting is not None:
            key, value = setting
            if key in settings:
                raise PolicyError(
                    f"{where}: {_SETTING_WORDS[key]} appears twice (also row {settings[key][1]})")
            settings[key] = (_policy_setting(key, value, where), r + 1)
            continue
        cell = {c: (row[i] if i < len(row) else None) for c, i in columns.items()}
        if all(is_blank(v) for v in cell.values()):
            continue
        level = _policy_level(cell["level"], where)
        if level in rows_of_level:
            raise PolicyError(f"{where}: level {level} appears twice (also row {rows_of_level[level]})")
        rows_of_level[level] = r + 1
        bands.append({
            "level": level,
            "above": _policy_number(cell["threshold"], where, "threshold", blank_ok=True),
            "label": _policy_labels(cell, where),
            "bonus": _policy_number(cell["bonus"], where, "bonus"),
            "raise": _policy_raise(cell["raise"], where),
        })
    if not bands:
        raise PolicyError("policy range has no bands: every row is blank")
    data: dict[str, Any] = {
        "bands": bands,
        "lower_method": settings["lower_method"][0] if "lower_method" in settings else base.lower_method,
        "max_score": settings["max_score"][0] if "max_score" in settings else base.max_score,
    }
    rating = _rating_rows(settings, base)
    if rating is not None:
        data["rating"] = rating
    # The range sets the bands (and the cap, lower method and the final rating's weights and scale when it
    # has their rows); how periods combine into the year, the company competencies and the rest stay the
    # base policy's: a range has no rows for them.
    pol = policy_from_dict(data, source="policy range")
    return dataclasses.replace(pol, annual_method=base.annual_method, missing_period=base.missing_period,
                               trend_threshold=base.trend_threshold,
                               rating=pol.rating if rating is not None else base.rating, currency=base.currency,
                               competencies=base.competencies)


_SETTING_WORDS = {"max_score": "score cap", "lower_method": "lower method", "rating_kpi": "KPI weight",
                  "rating_competencies": "competencies weight", "rating_attendance": "attendance weight",
                  "scale_low": "lowest rating", "scale_high": "highest rating", "scale_meets": "meets rating"}
_COMPONENT_OF = {"rating_kpi": "kpi", "rating_competencies": "competencies", "rating_attendance": "attendance"}


def _rating_rows(settings: dict[str, tuple[Any, int]], base: Policy) -> dict[str, Any] | None:
    """The `rating:` block from a range's weight and scale rows (None: the range has none). A blank or 0
    weight leaves its component out; a scale row left out keeps the base policy's."""
    if not settings.keys() & {*_COMPONENT_OF, "scale_low", "scale_high", "scale_meets"}:
        return None
    components = {_COMPONENT_OF[k]: v for k, (v, _) in settings.items() if k in _COMPONENT_OF and v}
    b = base.rating
    scale = {k: settings[f"scale_{k}"][0] if settings.get(f"scale_{k}", (None,))[0] is not None
             else getattr(b, k, default) for k, default in (("low", 1), ("high", 5), ("meets", 3.0))}
    if b is not None and (scale["low"], scale["high"]) == (b.low, b.high):
        scale["labels"] = {r: {"en": en, "id": id_} for r, en, id_ in b.scale_labels}
    elif (scale["low"], scale["high"]) != (1, 5):
        scale["labels"] = {r: {"en": str(r), "id": str(r)} for r in range(int(scale["low"]), int(scale["high"]) + 1)}
    block: dict[str, Any] = {"components": components, "scale": scale}
    if b is not None:
        block["self_gap"] = b.self_gap
    return block


def _policy_setting(key: str, value: Any, where: str) -> Any:
    if key == "max_score":  # blank: no cap, as the scorecard's formulas read a blank cap cell
        return _policy_number(value, where, "score cap", blank_ok=True)
    if key != "lower_method":  # a final-rating weight or scale row: a number, blank for none
        return _policy_number(value, where, _SETTING_WORDS[key], blank_ok=True)
    word = "" if is_blank(value) else str(value).strip().lower()
    if not word:  # blank: difference, as the scorecard's formulas read a blank cell
        return "difference"
    if word not in LOWER_METHODS:
        raise PolicyError(f"{where}: lower method {value!r} is not {' or '.join(LOWER_METHODS)}")
    return word


def _policy_number(value: Any, where: str, column: str, *, blank_ok: bool = False) -> float | None:
    try:
        number = to_number(value, column)
    except KpiInputError as e:
        raise PolicyError(f"{where}: {e}") from None
    if number is None and not blank_ok:
        raise PolicyError(f"{where}: {column} is blank")
    return number


def _policy_level(value: Any, where: str) -> int:
    number = _policy_number(value, where, "level")
    if not float(number).is_integer():  # type: ignore[arg-type]
        raise PolicyError(f"{where}: level {value!r} is not a whole number")
    return int(number)  # type: ignore[arg-type]


def _policy_labels(cell: dict[str, Any], where: str) -> dict[str, str]:
    def text(column: str) -> str:
        value = cell.get(column)
        return "" if is_blank(value) else str(value).strip()

    label_id = text("label_id") or text("label") or text("label_en")
    label_en = text("label_en") or text("label") or label_id
    if not label_id:
        raise PolicyError(f"{where}: label is blank")
    return {"id": label_id, "en": label_en}


def _policy_raise(value: Any, where: str) -> str:
    if isinstance(value, str) and value.strip():
        return value.strip()
    number = _policy_number(value, where, "raise")
    # A cell typed as "6%" holds 0.06: a number below 1 is read as such a percentage.
    percent = number * 100 if abs(number) < 1 else number  # type: ignore[operator]
    return f"{round(percent, 6):g}%"
