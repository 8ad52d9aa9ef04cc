"""Speed of the cell functions (issue 3): a 100,000-row column in one call, against the floor, and one cell.

    python bench/udf.py [ROWS]

Builds the column as Excel delivers it to a range argument (`ndim=2`): a list of one-element lists of
floats, some None (blank actuals). Times, in the same run:
- KPI_SCORE over the whole column in one call;
- the floor: the same lists turned into numpy arrays, the bare arithmetic (actual / target x 100) and
  the result back to lists, i.e. what no range function can avoid;
- KPI_SCORE called once per row, each call given its cells as Excel gives one cell ([[50.0]]).
Targets: the one call takes at most 3 times the floor; a single-cell call costs under 20 µs. In Excel
every call also pays the add-in's round trip, which is why ranges matter. Prints PASS/FAIL per target
and exits 0 either way: timing is a measurement, not a test.
"""

from __future__ import annotations

import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

import numpy as np

from kpi_xl.excel.udfs import KPI_SCORE

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
REPEATS = 7
FLOOR_RATIO_TARGET = 3.0
ONE_CELL_TARGET_US = 20.0


def best_of(function, repeats: int = REPEATS) -> float:
    """Fastest of `repeats` runs, in seconds (the least disturbed by the machine)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def floor(actuals: list[list[float | None]], targets: list[list[float | None]]) -> list:
    a = np.array(actuals, dtype=float)
    t = np.array(targets, dtype=float)
    return (a / t * 100).tolist()


def main() -> None:
    rng = random.Random(3)
    actuals = [[None] if rng.random() < 0.02 else [rng.uniform(0, 200)] for _ in range(ROWS)]
    targets = [[rng.uniform(1, 100)] for _ in range(ROWS)]
    cells = [([a], [t]) for a, t in zip(actuals, targets)]  # one cell per call, as Excel gives it

    # Same answers before timing anything: the one call and the per-cell calls agree.
    one_call = KPI_SCORE(actuals, targets)
    per_cell = [KPI_SCORE(a, t) for a, t in cells[:1000]]
    assert [row[0] for row in one_call[:1000]] == per_cell

    t_call = best_of(lambda: KPI_SCORE(actuals, targets))
    t_floor = best_of(lambda: floor(actuals, targets))

    def every_row() -> None:
        for a, t in cells:
            KPI_SCORE(a, t)

    t_rows = best_of(every_row, repeats=3)
    t_plain = best_of(lambda: [KPI_SCORE(50.0, 40.0) for _ in range(10_000)]) / 10_000

    ratio = t_call / t_floor
    per_cell_us = t_rows / ROWS * 1e6
    print(f"KPI_SCORE on {ROWS:,} rows (2% blank), "
          f"Python {platform.python_version()}, numpy {np.__version__}")
    print(f"  one call over the column        {t_call * 1e3:9.1f} ms")
    print(f"  floor (numpy + arithmetic)      {t_floor * 1e3:9.1f} ms")
    print(f"  once per row, all rows          {t_rows * 1e3:9.1f} ms   ({t_rows / t_call:.0f}x the one call)")
    print(f"  one cell ([[x]]), per call      {per_cell_us:9.2f} µs")
    print(f"  one cell (plain floats)         {t_plain * 1e6:9.2f} µs")
    verdict = {True: "PASS", False: "FAIL"}
    print(f"target: one call <= {FLOOR_RATIO_TARGET:g} x floor: {ratio:.2f} x  "
          f"{verdict[ratio <= FLOOR_RATIO_TARGET]}")
    print(f"target: one cell < {ONE_CELL_TARGET_US:g} µs: {per_cell_us:.2f} µs  "
          f"{verdict[per_cell_us < ONE_CELL_TARGET_US]}")


if __name__ == "__main__":
    main()
