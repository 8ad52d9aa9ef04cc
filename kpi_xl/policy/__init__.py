"""The policy: band thresholds, labels, rewards, the score cap and the `lower` method (SPEC 3).

- `model`: the `Policy` and its `Band`s, validated; pure (the scoring core takes one, opens no file).
- `files`: a policy from a YAML file, `$KPI_XL_POLICY` or the built-in one.
- `cells`: a policy from a block of cells on a sheet (a cell function's policy range).
"""

from .files import POLICY_ENV, default_policy, load_policy, scoring_policy
from .model import LOWER_METHODS, PERFORMANCE_GROUPS, Band, Policy, policy_from_dict

__all__ = ["LOWER_METHODS", "PERFORMANCE_GROUPS", "POLICY_ENV", "Band", "Policy", "default_policy",
           "load_policy", "policy_from_dict", "scoring_policy"]
