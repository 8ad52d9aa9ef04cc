"""Benchmark: scorecards for a 1,000-employee roster against the bare-openpyxl floor.

    python bench/template.py [--employees 1000] [--target 2.0]

The floor writes, for every employee, the same cell values and formulas into a new workbook with bare
openpyxl: no styles, no defined names, no validation, no conditional formatting, no protection. The
kpi-xl run is `write_roster_scorecards` on a roster CSV (reading the roster included). Both write into
fresh temporary folders on the same disk. Prints both times, the ratio and PASS/FAIL (target: the
kpi-xl run takes at most 2 x the floor). Exit code 1 on FAIL.
"""

from __future__ import annotations

import argparse
import csv
import gc
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kpi_xl import contract as C
from kpi_xl.roles import builtin_roles
from kpi_xl.roster import read_roster
from kpi_xl.scorecard import build_scorecard, write_roster_scorecards


def make_roster(folder: Path, n: int) -> Path:
    roles = builtin_roles()
    path = folder / "roster.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["Employee ID", "Name", "Department", "Supervisor", "Role", "Period", "Monthly salary"])
        for i in range(n):
            role = roles[i % len(roles)]
            out.writerow([f"E{i:05d}", f"Employee {i}", role.department.en, f"Manager {i % 37}", role.id, "2026",
                          5_000_000 + 1000 * i])
    return path


def cell_lists(lang: str) -> dict[str, list[tuple[str, list[tuple[int, int, object]]]]]:
    """Per role: every sheet's non-empty cells (values and formula text) of its generated scorecard."""
    out = {}
    for role in builtin_roles():
        wb = build_scorecard(role, lang=lang)
        out[role.id] = [(ws.title, [(c.row, c.column, c.value) for row in ws.iter_rows() for c in row
                                    if c.value is not None]) for ws in wb.worksheets]
    return out


def header_cells(lang: str) -> dict[str, tuple[int, int]]:
    wb = build_scorecard(builtin_roles()[0], lang=lang)
    cells = {}
    for name in (C.EMPLOYEE_NAME, C.EMPLOYEE_ID, C.DEPARTMENT, C.SUPERVISOR, C.PERIOD):
        ((sheet, ref),) = list(wb.defined_names[name].destinations)
        cell = wb[sheet][ref.replace("$", "")]
        cells[name] = (cell.row, cell.column)
    return cells


def floor(roster_path: Path, outdir: Path, lang: str) -> float:
    """The same values and formulas per employee, written with bare openpyxl."""
    lists, header = cell_lists(lang), header_cells(lang)
    employees = read_roster(roster_path).employees
    start = time.perf_counter()
    for e in employees:
        values = {header[C.EMPLOYEE_NAME]: e.name, header[C.EMPLOYEE_ID]: e.employee_id,
                  header[C.DEPARTMENT]: e.department, header[C.SUPERVISOR]: e.supervisor,
                  header[C.PERIOD]: e.period}
        wb = Workbook()
        wb.remove(wb.active)
        for i, (title, cells) in enumerate(lists[e.role]):
            ws = wb.create_sheet(title)
            for row, col, value in cells:
                ws.cell(row, col, values.get((row, col), value) if i == 0 else value)
            if i == 0:
                for (row, col), value in values.items():
                    ws.cell(row, col, value)
        wb.save(outdir / f"{e.employee_id}.xlsx")
    return time.perf_counter() - start


def kpi_xl_run(roster_path: Path, outdir: Path, lang: str) -> tuple[float, int]:
    start = time.perf_counter()
    run = write_roster_scorecards(roster_path, outdir, lang=lang)
    elapsed = time.perf_counter() - start
    if run.refused:
        raise SystemExit(f"unexpected refused rows: {run.refused[:3]}")
    return elapsed, len(run.written)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--lang", default="en")
    parser.add_argument("--target", type=float, default=2.0, help="highest acceptable ratio to the floor")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kpi-xl-bench-") as tmp:
        folder = Path(tmp)
        roster = make_roster(folder, args.employees)
        (folder / "floor").mkdir()
        gc.collect()
        t_floor = floor(roster, folder / "floor", args.lang)
        gc.collect()
        t_ours, written = kpi_xl_run(roster, folder / "kpi-xl", args.lang)
        size_floor = sum(p.stat().st_size for p in (folder / "floor").iterdir())
        size_ours = sum(p.stat().st_size for p in (folder / "kpi-xl").iterdir())

    n = args.employees
    ratio = t_ours / t_floor
    print(f"scorecards for a {n:,}-employee roster ({args.lang}, native formulas)")
    print(f"  floor (bare openpyxl, same values and formulas): {t_floor:7.2f} s  "
          f"{1000 * t_floor / n:6.1f} ms/file  {size_floor / n / 1024:5.1f} KiB/file")
    print(f"  kpi-xl write_roster_scorecards:                  {t_ours:7.2f} s  "
          f"{1000 * t_ours / n:6.1f} ms/file  {size_ours / written / 1024:5.1f} KiB/file")
    verdict = "PASS" if ratio <= args.target else "FAIL"
    print(f"  ratio: {ratio:.2f} x the floor (target <= {args.target:g}): {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
