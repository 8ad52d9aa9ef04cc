"""Moved: the preflight is `kpi_xl.io.preflight`, text written into cells `kpi_xl.io.text`. Kept only
for kpi_xl.rollup's book, rows and summary modules until their imports point there; then delete it."""

from .io.preflight import DEFAULT_LIMITS  # noqa: F401
from .io.text import looks_like_formula, put_text, safe_text, text_cut_message  # noqa: F401
