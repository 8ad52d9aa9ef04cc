"""Where a policy comes from: a YAML file given by `--policy FILE`, the file named by the environment
variable `KPI_XL_POLICY`, or the built-in one (`templates/policy.yaml`, shipped in the package).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from ..errors import PolicyError
from ..io.files import read_yaml
from ..resources import templates_dir
from .model import Policy, policy_from_dict

POLICY_ENV = "KPI_XL_POLICY"


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


_env_policies: dict[str, tuple[tuple[int, int], Policy]] = {}


def scoring_policy() -> Policy:
    """The policy of a cell function given no policy range: the file named by $KPI_XL_POLICY, else
    the built-in one. The file is read again only when it changes, so a single cell pays no file read."""
    path = os.environ.get(POLICY_ENV)
    if not path:
        return default_policy()
    try:
        stat = os.stat(path)
    except OSError:
        return load_policy(path)  # raises the PolicyError that names the file
    key = (stat.st_mtime_ns, stat.st_size)
    cached = _env_policies.get(path)
    if cached is None or cached[0] != key:
        cached = _env_policies[path] = (key, load_policy(path))
    return cached[1]
