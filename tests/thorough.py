"""How thorough a test run is. Two sweeps are long: every file of the shared corpus through every reader
(tests/test_corpus_reasons.py) and thousands of fuzzed scorecards (tests/test_rollup_fuzz.py).

- The quick run (the default on a developer's machine) reads a sample of the corpus
  (tests/corpus_sample.py says which files) and rolls up 500 fuzz cases.
- The exhaustive run reads every corpus file and rolls up 3,000 fuzz cases: in CI (`CI=true`, which
  .ci/run sets) and wherever `KPI_XL_EXHAUSTIVE=1` is set.
"""

from __future__ import annotations

import os

from fuzz import DEFAULT_CASES


def _yes(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes")


IN_CI = _yes("CI")
EXHAUSTIVE = IN_CI or _yes("KPI_XL_EXHAUSTIVE")
FUZZ_CASES = int(os.environ.get("KPI_XL_FUZZ_CASES") or (DEFAULT_CASES if EXHAUSTIVE else 500))


def describe() -> str:
    """One line for pytest's header: which run this is."""
    if EXHAUSTIVE:
        why = "CI=true" if IN_CI else "KPI_XL_EXHAUSTIVE=1"
        return f"kpi-xl: exhaustive run ({why}): every shared corpus file, {FUZZ_CASES} fuzz cases"
    return (f"kpi-xl: quick run: a sample of the shared corpus, {FUZZ_CASES} fuzz cases "
            f"(KPI_XL_EXHAUSTIVE=1 for all, as CI runs)")
