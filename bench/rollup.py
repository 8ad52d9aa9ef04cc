"""Benchmark: the department rollup against fair floors and against the loops a pandas user would write.

    python bench/rollup.py --files 200 --rounds 2          # a quick run (a minute or two)
    python bench/rollup.py --files 10000                     # the targets' size, 3 rounds
    python bench/rollup.py --files 10000 --baseline-files 2000   # the pandas loops on 2,000 of them
    python bench/rollup.py --files 100000 --periods 4 --scale-from 10000 --skip-baseline --rounds 1

Needs python-calamine, pandas, openpyxl and XlsxWriter (pandas' default Excel writer when installed).

The files: N filled Digital Marketing Specialist scorecards (7 KPIs each, from `write_scorecard`, with
actuals and the cached formula results a spreadsheet would have saved). `--periods P` makes them N/P
employees over P review periods of 2026, one folder per period (2026-Q1 .. 2026-Q4 for 4, 2026-H1 and
2026-H2 for 2, 2026-01 .. 2026-12 for 12), each scorecard's Period filled in, the same employees in
every folder with other actuals: the rollup sees each employee's year and builds its Periods sheet.
They are made once into a pool under bench/.cache/ and every run uses folders of hard links to the
first N/P employees of each period.

The steps, each in a fresh process on the same files (all read once beforehand, so every step finds
them in the OS cache):

- read_floor: python-calamine opening each file and reading, with `to_python()`, only the sheets
  kpi-xl reads of it (of a generated scorecard: its scorecard sheet, as `kpi_xl.rollup.read.book_plan`
  says), nothing else; with `--jobs J` it reads in J processes too, the files split between them;
- write_floor: the summary's Summary and Details rows (kpi-xl's own, from `summary_sheets`, made
  beforehand and not timed) written as raw sheet XML (inline strings, numbers as <v>) with the few
  parts a workbook needs, zipped with zlib at kpi-xl's compression level; only the XML and the zip timed;
- baseline_calamine, baseline_openpyxl: the loop a user who knows pandas writes: read_excel per file
  (engine="calamine", and the default engine, openpyxl), stack the KPI rows, compute, to_excel; timed
  from outside their process, as ours_cli is (Python and pandas starting up included);
- ours_read: `rollup(folders, None, jobs=J)`, reading and scoring alone;
- ours_cli: `python -m kpi_xl rollup FOLDERS -o summary.xlsx --jobs J`, timed from outside, with the
  peak PSS of its whole process tree (workers included) sampled.

Fairness: the steps run interleaved, round after round in one fixed order (A B C ... A B C ...), and
every ratio is taken within a round, pair by pair, then its median (and min-max) over the rounds is
printed, so load from other users of the machine hits both sides of a ratio alike. The pandas loops
are slow (minutes at 10,000 files): they run on the first M files (`--baseline-files M`, M/P employees
of each period; default every file up to 10,000, none above) and are compared with a run of
`kpi-xl rollup` on the same M files in the same round. `--scale-from K` also runs `kpi-xl rollup` on a
K-file set (the first K/P employees of each period) in every round, for the time per scorecard at N
against K and the peak memory at both sizes.

Targets on a 2-core machine: at 10,000 files, reading and scoring <= 1.5 x the read floor, end to end
<= 2 x (read floor + write floor), >= 5 x faster than the pandas calamine loop and >= 15 x faster than
the default one; at 100,000 files (--periods 4), the time per scorecard <= 1.2 x that at 10,000 and a
peak under 400 MB (PSS of every process of `kpi-xl rollup`).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
POOL = CACHE / "pool-v2"  # generated files, one pool per period layout; sets of hard links point into them
ROLE = "digital-marketing-specialist"
YEAR = 2026
DEPARTMENTS = ("Marketing", "Sales", "Finance", "Operations", "IT")
WEIGHTS = (15, 10, 10, 10, 20, 20, 15)  # the role's KPIs, in the scorecard's order
TARGETS = (40, 1_000_000, 25, 5, 25, 20, 30)
BASELINE_MOST = 10_000  # above this many files the pandas loops are skipped unless --baseline-files asks
TICK = 0.02  # seconds between two samples of a step's memory

sys.path.insert(0, str(ROOT))


# --- the files ---------------------------------------------------------------------------------------


def period_folders(periods: int) -> list[str]:
    """The folder of each review period, named as HR names them ("2026-Q1"); one period: no folder."""
    if periods == 1:
        return [""]
    if periods == 2:
        return [f"{YEAR}-H{i}" for i in (1, 2)]
    if periods == 4:
        return [f"{YEAR}-Q{i}" for i in range(1, 5)]
    if periods == 12:
        return [f"{YEAR}-{i:02d}" for i in range(1, 13)]
    raise SystemExit("--periods: 1, 2, 4 or 12 (a year, halves, quarters or months)")


def period_labels(periods: int) -> list[str]:
    """What each period's scorecards say in their Period cell ("Q1 2026")."""
    from kpi_xl.periods import parse_period

    return [str(YEAR) if not folder else parse_period(folder).label("en") for folder in period_folders(periods)]


def _deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)  # zipfile's own level: the files read like saved ones
    return packer.compress(data) + packer.flush()


def _zip(entries: list[tuple[bytes, int, int, bytes]]) -> bytes:
    """A zip of already deflated parts, each (name, crc, size, deflated): the generator deflates the
    parts every scorecard shares once, and only the scorecard sheet per file."""
    local, central, offset = [], [], 0
    stamp = (0, 33)  # 1980-01-01 00:00, DOS time and date
    for name, crc, size, data in entries:
        head = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, *stamp, crc, len(data), size, len(name), 0)
        local += [head, name, data]
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, *stamp, crc, len(data), size,
                                   len(name), 0, 0, 0, 0, 0, offset) + name)
        offset += len(head) + len(name) + len(data)
    directory = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), offset, 0)
    return b"".join(local) + directory + end


def _template() -> tuple[list[tuple[bytes, int, int, bytes]], str, str]:
    """A generated scorecard as its shared zip parts (deflated), the scorecard sheet's part name, and
    that sheet as a format string whose fields are the employee, the period, the actuals and the cached
    formula results."""
    import re
    import tempfile
    import zipfile

    from kpi_xl import contract as c
    from kpi_xl.roster import Employee
    from kpi_xl.scorecard import write_scorecard

    with tempfile.TemporaryDirectory() as tmp:
        employee = Employee("@@ID@@", "@@NAME@@", "@@DEPT@@", "Sari Lestari", ROLE, "@@PERIOD@@", None, None, 2)
        path = write_scorecard(ROLE, Path(tmp) / "t.xlsx", employee, lang="en")
        with zipfile.ZipFile(path) as z:
            parts = {name: z.read(name) for name in z.namelist()}
    workbook = parts["xl/workbook.xml"].decode()
    sheet_part = "xl/worksheets/sheet1.xml"
    xml = parts.pop(sheet_part).decode().replace("{", "{{").replace("}", "}}")
    assert not any(b"@@" in data for data in parts.values()), "the employee is written outside the scorecard sheet"
    for field in ("ID", "NAME", "DEPT", "PERIOD"):
        assert xml.count(f"@@{field}@@") == 1, f"@@{field}@@ is not once in the scorecard sheet"
        xml = xml.replace(f"@@{field}@@", "{" + field.lower() + "}")

    def ref(name: str) -> tuple[str, int, int]:
        m = re.search(rf'<definedName name="{name}">[^!]*!\$([A-Z]+)\$(\d+)(?::\$[A-Z]+\$(\d+))?<', workbook)
        return m.group(1), int(m.group(2)), int(m.group(3) or m.group(2))

    col, first, last = ref(c.KPI_ACTUAL)
    for i, r in enumerate(range(first, last + 1)):
        xml, n = re.subn(rf'(<c r="{col}{r}"[^>]*?)\s*/>', rf'\1><v>{{a{i}}}</v></c>', xml, count=1)
        assert n == 1, f"actual cell {col}{r} not found"
    for field, name in (("s", c.KPI_SCORE), ("f", c.KPI_FINAL)):
        col, first, last = ref(name)
        for i, r in enumerate(range(first, last + 1)):
            xml, n = re.subn(rf'(<c r="{col}{r}"[^>]*>.*?</f>)<v\s*/>', rf'\1<v>{{{field}{i}}}</v>', xml, count=1)
            assert n == 1, f"formula cell {col}{r} not found"
    for field, name in (("total", c.TOTAL_FINAL), ("value", c.KPI_VALUE), ("level", c.LEVEL)):
        col, r, _ = ref(name)
        xml, n = re.subn(rf'(<c r="{col}{r}"[^>]*>.*?</f>)<v\s*/>', rf'\1<v>{{{field}}}</v>', xml, count=1)
        assert n == 1, f"result cell {col}{r} not found"
    shared = [(name.encode(), zlib.crc32(data), len(data), _deflate(data)) for name, data in parts.items()]
    return shared, sheet_part, xml


_MADE: dict = {}  # in a generating process: the template, set once by `_start_maker`


def _start_maker(template: tuple) -> None:
    _MADE["template"] = template


def _make_files(folder: str, label: str, first: int, columns: dict[str, list]) -> int:
    """Write the scorecards of employees first, first + 1, ... of one period (a generating process's task)."""
    shared, sheet_part, xml = _MADE["template"]
    name = sheet_part.encode()
    for k in range(len(columns["level"])):
        i = first + k
        fields = {key: values[k] for key, values in columns.items()}
        sheet = xml.format(id=f"E{i:06d}", name=f"Employee {i:06d}", dept=DEPARTMENTS[i % len(DEPARTMENTS)],
                           period=label, **fields).encode()
        path = Path(folder) / f"E{i:06d}.xlsx"
        partial = path.with_suffix(".partial")
        partial.write_bytes(_zip([*shared, (name, zlib.crc32(sheet), len(sheet), _deflate(sheet))]))
        os.replace(partial, path)
    return len(columns["level"])


def _cells(employees: int, periods: int) -> list[dict[str, list]]:
    """Every period's cell values, as columns of text (employee by employee): the actuals and what the
    sheet's formulas would have saved. Drawn in one stream, so employee i's values do not depend on
    how many employees are made."""
    import numpy as np

    from kpi_xl.policy import default_policy
    from kpi_xl.scoring import levels_column

    weights, targets = np.array(WEIGHTS, float), np.array(TARGETS, float)
    factors = np.random.default_rng(7).uniform(0.55, 1.6, size=(employees, periods, len(WEIGHTS)))
    actuals = np.round(targets * factors, 2)
    scores = actuals / targets * 100
    finals = weights * scores / 100
    totals = finals.sum(axis=2)
    values = totals / weights.sum() * 100
    levels = np.asarray(levels_column(values.ravel(), policy=default_policy()), int).reshape(values.shape)
    out = []
    for p in range(periods):
        columns = {"total": [repr(v) for v in totals[:, p].tolist()], "value": [repr(v) for v in values[:, p].tolist()],
                   "level": levels[:, p].tolist()}
        for j in range(len(WEIGHTS)):
            for key, grid in (("a", actuals), ("s", scores), ("f", finals)):
                columns[f"{key}{j}"] = [repr(v) for v in grid[:, p, j].tolist()]
        out.append(columns)
    return out


def generate(employees: int, periods: int, workers: int = 2) -> Path:
    """The first `employees` employees' scorecards for each period, in the pool of this period layout
    (made once, in `workers` processes)."""
    from concurrent.futures import ProcessPoolExecutor, as_completed

    pool = POOL / f"p{periods}"
    folders, labels = period_folders(periods), period_labels(periods)
    todo = []
    for folder, label in zip(folders, labels):
        (pool / folder).mkdir(parents=True, exist_ok=True)
        have = {p.name for p in (pool / folder).glob("E*.xlsx")}
        todo += [(folder, label, i) for i in range(employees) if f"E{i:06d}.xlsx" not in have]
    if not todo:
        return pool
    print(f"generating {len(todo):,} scorecards in {pool} (once) ...", flush=True)
    t0 = time.perf_counter()
    cells = _cells(employees, periods)
    chunk = 1000
    tasks = []  # runs of employees of one period, at most `chunk` long
    for folder, label in zip(folders, labels):
        p = folders.index(folder)
        wanted = sorted(i for f, _, i in todo if f == folder)
        while wanted:
            first, run = wanted[0], 1
            while run < min(chunk, len(wanted)) and wanted[run] == first + run:
                run += 1
            tasks.append((str(pool / folder), label, first, {k: v[first:first + run] for k, v in cells[p].items()}))
            wanted = wanted[run:]
    done = 0
    with ProcessPoolExecutor(workers, initializer=_start_maker, initargs=(_template(),)) as makers:
        for future in as_completed([makers.submit(_make_files, *task) for task in tasks]):
            done += future.result()
            if done % 10_000 < chunk or done == len(todo):
                print(f"  {done:,} / {len(todo):,} ({time.perf_counter() - t0:.0f} s)", flush=True)
    return pool


def scorecard_set(files: int, periods: int) -> list[Path]:
    """The folders of a set of `files` scorecards: files/periods employees in each period's folder, hard
    links into the pool (made when missing)."""
    employees = files // periods
    pool = generate(employees, periods)
    names = {f"E{i:06d}.xlsx" for i in range(employees)}
    top = CACHE / (f"n{files}" if periods == 1 else f"n{files}-p{periods}")
    out = []
    for folder in period_folders(periods):
        where = top / folder
        where.mkdir(parents=True, exist_ok=True)
        present = {p.name for p in where.glob("*.xlsx")}
        for stale in present - names:
            (where / stale).unlink()
        for name in names - present:
            os.link(pool / folder / name, where / name)
        out.append(where)
    return out


# --- the steps, each run in a fresh process -----------------------------------------------------------


def _files(folders: list[str]) -> list[str]:
    return [str(p) for folder in folders for p in sorted(Path(folder).glob("*.xlsx"))]


def _read_sheets(paths: list[str], sheets: list[str]) -> int:
    from python_calamine import CalamineWorkbook

    cells = 0
    for path in paths:
        with CalamineWorkbook.from_path(path) as book:
            for name in sheets:
                cells += sum(len(row) for row in book.get_sheet_by_name(name).to_python())
    return cells


def step_read_floor(folders: list[str], jobs: int, sheets: list[str]) -> dict:
    from concurrent.futures import ProcessPoolExecutor

    import python_calamine  # noqa: F401 - for _read_sheets, imported before the clock starts

    paths = _files(folders)
    t0 = time.perf_counter()
    if jobs <= 1:
        cells = _read_sheets(paths, sheets)
    else:  # as kpi-xl with --jobs: the workers' start-up is timed too
        share = -(-len(paths) // jobs)
        with ProcessPoolExecutor(jobs) as readers:
            cells = sum(readers.map(_read_sheets, [paths[i:i + share] for i in range(0, len(paths), share)],
                                    [sheets] * jobs))
    return {"seconds": time.perf_counter() - t0, "cells": cells}


def step_summary_rows(folders: list[str], jobs: int, sheets: list[str]) -> dict:
    """Not timed: the rows kpi-xl's Summary and Details sheets hold, for the write floor to write; and
    the check that the generated files read as meant: every scorecard found and counted, no error,
    and over several periods each employee's year on the Periods sheet."""
    from kpi_xl.rollup import rollup
    from kpi_xl.rollup.layout import summary_sheets

    files, periods = len(_files(folders)), len(folders)
    result = rollup(folders, None, jobs=jobs)
    assert result.scorecards == files and result.reconciles, (result.scorecards, result.reconciles)
    errors = [issue for issue in result.issues if issue.severity == "error"]
    assert not errors, errors[:3]
    if periods > 1:
        table = result.tables.periods
        assert table is not None and len(table.frame) == files // periods, "no Periods sheet of every employee"
    wanted = {}
    for content in summary_sheets(result.tables, "en"):
        if content.key in ("Summary", "Details"):
            wanted[content.key] = ([column.key for column in content.columns], [list(r) for r in content.rows])
    with open(_rows_file(folders), "wb") as f:
        pickle.dump(wanted, f, protocol=pickle.HIGHEST_PROTOCOL)
    return {"seconds": 0.0, "rows": sum(len(rows) for _, rows in wanted.values())}


def _rows_file(folders: list[str]) -> Path:
    return CACHE / f"summary-rows-{Path(folders[0]).parent.name if len(folders) > 1 else Path(folders[0]).name}.pickle"


def _sheet_xml(header: list[str], rows: list[list], every: int = 500) -> Iterator[bytes]:
    """The sheet's XML in pieces of `every` rows: streamed into the zip as kpi-xl streams its own, so
    the floor does not hold a 700,000-row sheet as one string either."""
    import math
    from xml.sax.saxutils import escape

    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(i) for i in range(1, len(header) + 1)]
    out = [('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
            '"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')]
    for r, row in enumerate([header, *rows], 1):
        cells = []
        for letter, value in zip(letters, row):
            if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):  # no cell
                continue
            if isinstance(value, bool):
                cells.append(f'<c r="{letter}{r}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, (int, float)):
                cells.append(f'<c r="{letter}{r}"><v>{value!r}</v></c>')
            else:
                cells.append(f'<c r="{letter}{r}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
        if len(out) >= every:
            yield "".join(out).encode()
            out = []
    out.append("</sheetData></worksheet>")
    yield "".join(out).encode()


_BOOK_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.'
    'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
    'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.sheet.main+xml"/>' + "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/>' for i in (1, 2)) + "</Types>",
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
    'org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.'
    'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Summary" sheetId="1" r:id="rId1"/><sheet name="Details" sheetId="2" '
    'r:id="rId2"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
    '"http://schemas.openxmlformats.org/package/2006/relationships">' + "".join(
        f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'worksheet" Target="worksheets/sheet{i}.xml"/>' for i in (1, 2)) + "</Relationships>",
}


def step_write_floor(folders: list[str], jobs: int, sheets: list[str]) -> dict:
    import xml.sax.saxutils  # noqa: F401 - for _sheet_xml, imported before the clock starts
    import zipfile

    import openpyxl.utils  # noqa: F401 - for _sheet_xml, imported before the clock starts

    from kpi_xl.rollup.summary import COMPRESSION

    with open(_rows_file(folders), "rb") as f:  # not timed: the floor is the writing alone
        wanted = pickle.load(f)
    out = CACHE / "write-floor.xlsx"
    t0 = time.perf_counter()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSION) as z:
        for name, text in _BOOK_PARTS.items():
            z.writestr(name, text)
        for i, key in enumerate(("Summary", "Details"), 1):
            with z.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as sheet:
                for piece in _sheet_xml(*wanted[key]):
                    sheet.write(piece)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "rows": sum(len(rows) for _, rows in wanted.values())}


def _baseline(folders: list[str], engine: str | None) -> dict:
    """What a user who knows pandas writes: read each file, stack the KPI rows, compute, write."""
    import numpy as np
    import pandas as pd

    files = _files(folders)
    t0 = time.perf_counter()
    frames = []
    for path in files:
        sheet = pd.read_excel(path, sheet_name=0, header=None, engine=engine)
        kpis = sheet.iloc[10:17, [1, 2, 5, 6, 9]].copy()  # KRA, indicator, weight, target, actual
        kpis.columns = ["kra", "indicator", "weight", "target", "actual"]
        kpis["employee_id"] = sheet.iat[4, 2]
        kpis["name"] = sheet.iat[3, 2]
        kpis["department"] = sheet.iat[5, 2]
        kpis["period"] = sheet.iat[5, 8]
        kpis["file"] = path
        frames.append(kpis)
    t_read = time.perf_counter() - t0
    details = pd.concat(frames, ignore_index=True)
    for column in ("weight", "target", "actual"):
        details[column] = pd.to_numeric(details[column])
    details["score"] = details["actual"] / details["target"] * 100
    details["final"] = details["weight"] * details["score"] / 100
    summary = details.groupby(["employee_id", "name", "department", "period", "file"], sort=False).agg(
        weight=("weight", "sum"), final=("final", "sum")).reset_index()
    summary["kpi_value"] = (summary["final"] / summary["weight"] * 100).round(6)
    summary["level"] = np.searchsorted([70, 95, 105, 130], summary["kpi_value"], side="left") + 1
    labels = {1: "Far Below Target", 2: "Below Target", 3: "Meets Target", 4: "Exceeds Target", 5: "Outstanding"}
    summary["label"] = summary["level"].map(labels)
    summary["bonus"] = summary["level"].map({1: 0.25, 2: 0.5, 3: 1, 4: 1.5, 5: 2})
    out = CACHE / f"baseline-{engine or 'default'}.xlsx"
    with pd.ExcelWriter(out) as writer:
        summary.to_excel(writer, sheet_name="Summary", index=False)
        details.to_excel(writer, sheet_name="Details", index=False)
        writer_engine = writer.engine
    assert len(summary) == len(files) and summary["kpi_value"].notna().all()
    return {"seconds": time.perf_counter() - t0, "read_seconds": t_read, "writer": writer_engine}


def step_baseline_calamine(folders: list[str], jobs: int, sheets: list[str]) -> dict:
    return _baseline(folders, "calamine")


def step_baseline_openpyxl(folders: list[str], jobs: int, sheets: list[str]) -> dict:
    return _baseline(folders, None)  # read_excel's default engine for .xlsx: openpyxl


def step_ours_read(folders: list[str], jobs: int, sheets: list[str]) -> dict:
    from kpi_xl.rollup import rollup

    t0 = time.perf_counter()
    result = rollup(folders, None, jobs=jobs)
    seconds = time.perf_counter() - t0
    assert result.scorecards == len(_files(folders)) and result.reconciles
    return {"seconds": seconds, "scorecards": result.scorecards}


STEPS = {"read_floor": step_read_floor, "write_floor": step_write_floor, "ours_read": step_ours_read,
         "baseline_calamine": step_baseline_calamine, "baseline_openpyxl": step_baseline_openpyxl,
         "summary_rows": step_summary_rows}


def _tree_pss_mb(pid: int) -> float:
    """Proportional set size of a process and all its descendants (shared pages counted once)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total / 1024


def _run(cmd: list[str]) -> tuple[str, float, float]:
    """Run a command; its stdout, wall time and the peak memory of its process tree (sampled)."""
    import threading

    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "COLUMNS": "100"})
    peak = [0.0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_pss_mb(proc.pid))
            time.sleep(TICK)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - t0
    sampler.join()
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd[:4])} ... failed:\n{out}\n{err}")
    return out, seconds, peak[0]


def run_step(step: str, folders: list[Path], jobs: int, sheets: list[str]) -> dict:
    """One step in a fresh Python process: its time and the peak memory of its process tree."""
    inputs = [str(f) for f in folders]
    if step == "ours_cli":
        out_file = CACHE / f"summary-{len(_files(inputs))}.xlsx"
        # The command as a user runs it (python -m kpi_xl is the kpi-xl entry point), timed from outside.
        out, seconds, peak = _run([sys.executable, "-m", "kpi_xl", "rollup", *inputs, "-o", str(out_file),
                                   "--jobs", str(jobs)])
        assert "Summary:" in out, out
        return {"seconds": seconds, "peak_tree": peak}
    out, wall, peak = _run([sys.executable, __file__, "--step", step, "--jobs", str(jobs), "--sheets", *sheets,
                            "--inputs", *inputs])
    data = json.loads(out.strip().splitlines()[-1])
    data["peak_tree"] = peak  # not the child's ru_maxrss: Linux carries this process's over into it
    if step.startswith("baseline"):
        # Timed from outside, as `kpi-xl rollup` is: the user waits for Python and pandas to start too.
        data["inside_seconds"], data["seconds"] = data["seconds"], wall
    return data


# --- the rounds and the ratios ------------------------------------------------------------------------


def sheets_read(path: str) -> list[str]:
    """The sheets kpi-xl reads of a generated scorecard, as its reader plans them from the workbook part."""
    import zipfile

    from kpi_xl.rollup.read import book_plan

    with zipfile.ZipFile(path) as z:
        plan = book_plan(z.read("xl/workbook.xml"))
    return sorted(set(plan.names) | plan.by_label | {ref[0] for ref in plan.components.values()})


def _spread(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=200, help="number of scorecards (default 200)")
    parser.add_argument("--periods", type=int, default=1, help="review periods: 1, 2, 4 or 12 (default 1)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes for kpi-xl and the read floor "
                                                            "(default 1)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every step, interleaved (default 3)")
    parser.add_argument("--baseline-files", type=int, help="run the pandas loops on the first M files, "
                                                           f"against kpi-xl on the same M (default: all up "
                                                           f"to {BASELINE_MOST:,}, none above)")
    parser.add_argument("--skip-baseline", action="store_true", help="do not run the (slow) pandas loops")
    parser.add_argument("--scale-from", type=int, metavar="K", help="also run kpi-xl rollup on K files, for "
                                                                    "the time per scorecard at N against K")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--inputs", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--sheets", nargs="*", default=[], help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.step:  # a child process: one step, JSON on the last line
        result = STEPS[args.step](args.inputs, args.jobs, args.sheets)
        print(json.dumps(result))
        return

    n, periods = args.files, args.periods
    period_folders(periods)  # refuses a layout it cannot name
    if n % periods:
        raise SystemExit(f"--files {n} is not {periods} periods of whole employees")
    m = None if args.skip_baseline else args.baseline_files or (n if n <= BASELINE_MOST else None)
    m = None if m is None else min(m, n) // periods * periods
    k = args.scale_from // periods * periods if args.scale_from else None
    sets = {size: scorecard_set(size, periods) for size in sorted({n, m, k} - {None}, reverse=True)}
    files = _files([str(f) for f in sets[n]])
    size_mb = 0
    for f in files:  # warm the OS cache so no step pays for the disk
        size_mb += len(Path(f).read_bytes()) / 2**20
    sheets = sheets_read(files[0])
    where = sets[n][0].parent if periods > 1 else sets[n][0]
    print(f"{n:,} scorecards ({n // periods:,} employees x {periods} period{'s' * (periods > 1)}, "
          f"{size_mb:.0f} MB) in {where}; {os.cpu_count()} cores", flush=True)
    t0 = time.perf_counter()
    run_step("summary_rows", sets[n], args.jobs, sheets)
    print(f"checked: kpi-xl reads and counts every scorecard{', one year per employee' * (periods > 1)}; "
          f"its Summary and Details rows kept for the write floor ({time.perf_counter() - t0:.0f} s, not timed)",
          flush=True)

    # One round: every run once, in this order; a pair of a ratio runs close together.
    runs = [("read_floor", n), ("ours_read", n), ("write_floor", n), ("ours_cli", n)]
    if k:
        runs.append(("ours_cli", k))
    if m:
        runs += [("ours_cli", m)] * (m not in (n, k)) + [("baseline_calamine", m), ("baseline_openpyxl", m)]
    jobs = {"read_floor": args.jobs, "ours_read": args.jobs, "ours_cli": args.jobs}
    print()
    print("Fairness: every step in a fresh process, files in the OS cache, steps interleaved in rounds")
    print("(A B C ... A B C ...); each ratio taken within a round, pair by pair; medians over the rounds.")
    print(f"  read floor: python-calamine to_python() of only the sheet{'s' * (len(sheets) > 1)} kpi-xl reads "
          f"({', '.join(sheets)}), --jobs {args.jobs} like kpi-xl")
    print("  write floor: kpi-xl's Summary and Details rows as raw sheet XML (inline strings), zipped with "
          "zlib at kpi-xl's level; 1 process")
    if m:
        print(f"  baselines: pandas read_excel loop, engine=calamine and the default (openpyxl), read + compute "
              f"+ to_excel; 1 process; on {m:,} files, against kpi-xl rollup on the same {m:,} in the same round")
    elif args.skip_baseline:
        print("  baselines: skipped (--skip-baseline)")
    else:
        print(f"  baselines: skipped above {BASELINE_MOST:,} files (the default loop takes minutes per "
              "thousand); --baseline-files M runs them on M files")
    print("  pandas loops and kpi-xl rollup are timed from outside their process (start-up and imports "
          "included, as a user waits for them); the floors and rollup(folders, None) from inside")
    print(f"  ours: rollup(folders, None) and kpi-xl rollup end to end (peak: PSS of its process tree), "
          f"--jobs {args.jobs}")
    print()

    times: dict[tuple[str, int], list[float]] = {run: [] for run in runs}
    extra: dict[tuple[str, int], list[dict]] = {run: [] for run in runs}
    for r in range(1, args.rounds + 1):
        for step, size in runs:
            got = run_step(step, sets[size], jobs.get(step, 1), sheets)
            times[(step, size)].append(got["seconds"])
            extra[(step, size)].append(got)
            print(f"  round {r}/{args.rounds}  {step:<18} {size:>7,} files  {got['seconds']:8.2f} s  "
                  f"peak {got['peak_tree']:6.0f} MB", flush=True)

    print()
    print(f"{'step':<20}{'files':>9}{'jobs':>6}{'median s':>10}{'min-max s':>17}{'peak MB':>9}")
    for step, size in runs:
        med, low, high = _spread(times[(step, size)])
        peak = max(e["peak_tree"] for e in extra[(step, size)])
        print(f"{step:<20}{size:>9,}{jobs.get(step, 1):>6}{med:>10.2f}{f'{low:.2f}-{high:.2f}':>17}{peak:>9.0f}")
        if step.startswith("baseline"):
            loop = statistics.median(e["read_seconds"] for e in extra[(step, size)])
            inside = statistics.median(e["inside_seconds"] for e in extra[(step, size)])
            print(f"{'  of it, inside the process':<35}{inside:>10.2f}")
            print(f"{'  of it, the read loop':<35}{loop:>10.2f}   (to_excel by {extra[(step, size)][0]['writer']})")

    def per_round(f) -> list[float]:
        return [f(i) for i in range(args.rounds)]

    def t(step: str, size: int):
        return lambda i: times[(step, size)][i]

    checks = [
        ("reading and scoring / read floor", per_round(lambda i: t("ours_read", n)(i) / t("read_floor", n)(i)),
         "<= 1.5", lambda v: v <= 1.5),
        ("end to end / (read floor + write floor)",
         per_round(lambda i: t("ours_cli", n)(i) / (t("read_floor", n)(i) + t("write_floor", n)(i))),
         "<= 2", lambda v: v <= 2),
    ]
    if m:
        for step, target in (("baseline_calamine", 5), ("baseline_openpyxl", 15)):
            name = f"pandas {step.split('_')[1]} loop / end to end ({m:,} files)"
            checks.append((name, per_round(lambda i, s=step: t(s, m)(i) / t("ours_cli", m)(i)), f">= {target}",
                           lambda v, x=target: v >= x))
    if k:
        checks.append((f"time per scorecard at {n:,} / at {k:,}",
                       per_round(lambda i: (t("ours_cli", n)(i) / n) / (t("ours_cli", k)(i) / k)), "<= 1.2",
                       lambda v: v <= 1.2))
    sizes = [k, n] if k else [n]
    for size in sizes:
        peaks = [e["peak_tree"] for e in extra[("ours_cli", size)]]
        checks.append((f"end to end peak MB at {size:,} (max over rounds)", [max(peaks)], "< 400", lambda v: v < 400))
    print()
    print(f"{'ratio':<52}{'median':>9}{'min-max':>16}  {'target':<7} ok")
    for name, values, target, ok in checks:
        med, low, high = _spread(values)
        print(f"{name:<52}{med:>9.2f}{f'{low:.2f}-{high:.2f}':>16}  {target:<7} {'yes' if ok(med) else 'NO'}")
    if n != 10_000:
        print(f"\n(the speed targets are for 10,000 files, the scale and memory ones for 100,000; "
              f"this run has {n:,})")


if __name__ == "__main__":
    main()
