"""Start-up time of the `kpi-xl` command and of the cell-function modules, against Python's own floor.

    python bench/startup.py [REPEATS]

Runs each command as a fresh subprocess REPEATS times (default 11, after one warm-up run that fills
the file cache) and prints the median wall time in ms, and its ratio to `python -c pass` (the floor:
no program starts faster) and to `python -c "import numpy"` (one common dependency). The commands take
turns, one run each per round, so a busy moment of the machine slows every figure alike. `import
xlwings` is there for the cell functions: the add-in host has loaded it (and numpy, pandas) before it
imports kpi_xl.excel.udfs, so the difference is what kpi-xl adds. Targets: `kpi-xl --help` and
`--version` within 250 ms, `kpi-xl roles` within 600 ms. Prints PASS/FAIL per target and exits 0 either
way: timing is a measurement, not a test (tests/test_cli.py checks which modules --help loads).
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REPEATS = int(sys.argv[1]) if len(sys.argv) > 1 else 11
PY = sys.executable
# `python -m kpi_xl` runs the same entry point as the installed `kpi-xl` script, from this checkout.
KPI_XL = [PY, "-m", "kpi_xl"]

RUNS: list[tuple[str, list[str], float | None]] = [  # name, command, target in ms
    ("python -c pass", [PY, "-c", "pass"], None),
    ("python -c 'import numpy'", [PY, "-c", "import numpy"], None),
    ("kpi-xl --help", [*KPI_XL, "--help"], 250.0),
    ("kpi-xl --version", [*KPI_XL, "--version"], 250.0),
    ("kpi-xl roles", [*KPI_XL, "roles"], 600.0),
    ("import xlwings", [PY, "-c", "import xlwings"], None),
    ("import kpi_xl.udfs", [PY, "-c", "import kpi_xl.udfs"], None),
    ("import kpi_xl.excel.udfs", [PY, "-c", "import kpi_xl.excel.udfs"], None),
]


def medians_ms() -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "80"}
    times: dict[str, list[float]] = {name: [] for name, _, _ in RUNS}
    for _, command, _ in RUNS:  # warm-up: file cache, .pyc files
        subprocess.run(command, env=env, capture_output=True, check=True)
    for _ in range(REPEATS):
        for name, command, _ in RUNS:
            start = time.perf_counter()
            subprocess.run(command, env=env, capture_output=True, check=True)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) * 1000 for name, t in times.items()}


def main() -> None:
    print(f"Python {platform.python_version()} on {platform.platform()}, {os.cpu_count()} CPUs; "
          f"median of {REPEATS} runs each")
    results = medians_ms()
    floor, numpy = results["python -c pass"], results["python -c 'import numpy'"]
    print(f"{'':28} {'median ms':>10} {'x pass':>8} {'x numpy':>8}  target")
    for name, _, target in RUNS:
        ms = results[name]
        verdict = "" if target is None else f"{'PASS' if ms <= target else 'FAIL'} (<= {target:.0f} ms)"
        print(f"{name:28} {ms:10.0f} {ms / floor:8.1f} {ms / numpy:8.2f}  {verdict}")


if __name__ == "__main__":
    main()
