"""Where the bundled templates (policy, role library) live.

In a wheel they are installed as `kpi_xl/templates`; in a source checkout (editable install, tests run
from the repository) they are the top-level `templates/` folder beside the package.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .errors import KpiFileError


@lru_cache(maxsize=1)
def templates_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "policy.yaml").is_file():
            return candidate
    raise KpiFileError(f"kpi-xl is installed without its templates folder (looked in {here})")


def roles_dir() -> Path:
    return templates_dir() / "roles"
