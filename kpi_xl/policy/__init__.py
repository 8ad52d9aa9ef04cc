"""The policy: band thresholds, labels, rewards, the score cap and the `lower` method (SPEC 3).

- `model`: the `Policy` and its `Band`s, validated; pure (the scoring core takes one, opens no file).
- `files`: a policy from a YAML file, `$KPI_XL_POLICY` or the built-in one.
- `cells`: a policy from a block of cells on a sheet (a cell function's policy range).
"""

from __future__ import annotations

from typing import Any

from .model import LOWER_METHODS, PERFORMANCE_GROUPS, Band, Calibration, Competency, Policy, Rating, policy_from_dict

_FROM_FILES = ("POLICY_ENV", "default_policy", "load_policy", "scoring_policy")

__all__ = ["LOWER_METHODS", "PERFORMANCE_GROUPS", "Band", "Calibration", "Competency", "Policy", "Rating", "policy_from_dict", *_FROM_FILES]


def __getattr__(name: str) -> Any:
    # Lazy, for start-up speed and to keep the scoring core light: importing kpi_xl.policy.model (as the core does) runs this
    # package's __init__, and the file loader would bring PyYAML and the file system with it.
    if name in _FROM_FILES:
        from . import files  # lazy: start-up speed, a light core

        return getattr(files, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
