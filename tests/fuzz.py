"""A fuzzing harness for the rollup: valid scorecards mutated at the zip and the XML level, rolled up in
batches in a subprocess, and what must hold whatever the file: no crash, no traceback, every file
accounted for (`RollupResult.reconciles`), memory bounded, inputs unchanged.

Seeded and reproducible: case i of seed s is always the same file. Run it alone for more cases:

    python tests/fuzz.py --cases 20000 --seed 7 [--keep FOLDER]

`tests/test_rollup_fuzz.py` runs DEFAULT_CASES in CI, 500 in the quick run (tests/thorough.py;
KPI_XL_FUZZ_CASES for more).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import re
import subprocess
import sys
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

DEFAULT_CASES = 3000
MAX_RSS_MB = 600  # the bound a batch's reading processes must stay under

# --- valid inputs ------------------------------------------------------------------------------------


def seeds() -> dict[str, bytes]:
    """The valid files every case starts from: generated scorecards (blank, filled, Indonesian) and
    hand-made sheets (the seed layout, a sheet with the header block, several sheets)."""
    from openpyxl import Workbook
    from rollup_helpers import seed_sheet

    from kpi_xl.roster import Employee
    from kpi_xl.scorecard import build_scorecard

    def saved(wb) -> bytes:
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()

    files: dict[str, bytes] = {}
    employee = Employee("E100", "Rina Dewi", "Marketing", "Sari", "", "2025", None, None, 0)
    wb = build_scorecard("digital-marketing-specialist", employee)
    files["generated-blank.xlsx"] = saved(wb)
    wb = build_scorecard("digital-marketing-specialist", employee, lang="id")
    ws = wb.worksheets[0]
    actual_col = next(c.column for c in ws[10] if c.value in ("Actual", "Aktual"))
    for r in range(11, 40):
        if isinstance(ws.cell(r, 6).value, (int, float)):
            ws.cell(r, actual_col, 10 * r)
    files["generated-filled-id.xlsx"] = saved(wb)

    wb = Workbook()
    seed_sheet(wb.active, who={"Nama": "Budi", "NIK": "E200", "Periode": "2025"}, title="KPI Budi")
    files["handmade.xlsx"] = saved(wb)
    wb = Workbook()
    wb.active.title = "Catatan"
    wb.active.append(["Catatan penilaian"])
    for i in range(3):
        seed_sheet(wb.create_sheet(f"KPI {i}"), who={"Nama": f"Karyawan {i}", "NIK": f"E3{i}"},
                   actuals=[40 + i, 1_000_000, 25, 5, 25, 20, 30])
    files["handmade-sheets.xlsx"] = saved(wb)
    return files


# --- mutations -----------------------------------------------------------------------------------------

Mutation = Callable[[bytes, random.Random], bytes]


def _parts(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, z.read(i)) for i in z.infolist()]


def _zip(parts: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a duplicate part name is the point
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            for name, content in parts:
                z.writestr(name, content)
    return out.getvalue()


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[:rng.randrange(0, len(data))]


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.choice((1, 2, 8, 64))):
        b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
    return bytes(b)


def drop_part(data: bytes, rng: random.Random) -> bytes:
    parts = _parts(data)
    del parts[rng.randrange(len(parts))]
    return _zip(parts)


def duplicate_part(data: bytes, rng: random.Random) -> bytes:
    parts = _parts(data)
    name, content = parts[rng.randrange(len(parts))]
    other = _xml_mutation(content, rng) if rng.random() < 0.5 else content
    parts.insert(rng.randrange(len(parts) + 1), (name, other))
    return _zip(parts)


def _xml_part(data: bytes, rng: random.Random, change: Callable[[bytes, random.Random], bytes]) -> bytes:
    """One XML part of the zip (a worksheet, the workbook, shared strings more often) changed."""
    parts = _parts(data)
    xml = [i for i, (n, _) in enumerate(parts) if n.endswith((".xml", ".rels"))]
    weighted = [i for i in xml if re.search(r"sheet\d|workbook\.xml$|sharedStrings", parts[i][0])] * 3 + xml
    i = rng.choice(weighted)
    parts[i] = (parts[i][0], change(parts[i][1], rng))
    return _zip(parts)


def break_tags(xml: bytes, rng: random.Random) -> bytes:
    b = bytearray(xml)
    for _ in range(rng.choice((1, 3, 20))):
        if not b:
            break
        at = rng.randrange(len(b))
        what = rng.random()
        if what < 0.3:
            del b[at:at + rng.randrange(1, 40)]
        elif what < 0.6:
            b[at:at] = rng.choice((b"<", b">", b"</x>", b"<x", b"&", b"&#0;", b"]]>", b"<!--", b"\x00"))
        else:
            closing = xml.find(b">", at)
            if closing > 0:
                b[closing:closing + 1] = b""
    return bytes(b)


def huge_attribute(xml: bytes, rng: random.Random) -> bytes:
    size = rng.choice((10_000, 100_000, 2_000_000))
    m = re.search(rb"<(?!\?)[\w:]+", xml[rng.randrange(len(xml) // 2 + 1):]) or re.search(rb"<(?!\?)[\w:]+", xml)
    if m is None:
        return xml
    at = xml.find(m.group(0)) + len(m.group(0))
    return xml[:at] + b' big="' + b"A" * size + b'"' + xml[at:]


def deep_nesting(xml: bytes, rng: random.Random) -> bytes:
    depth = rng.choice((1_000, 20_000, 100_000))
    at = xml.find(b">", xml.find(b"<", 40 if xml.startswith(b"<?xml") else 0)) + 1
    return xml[:at] + b"<a>" * depth + b"</a>" * depth * rng.choice((0, 1)) + xml[at:]


def odd_encoding(xml: bytes, rng: random.Random) -> bytes:
    what = rng.randrange(5)
    body = re.sub(rb"^<\?xml[^>]*\?>", b"", xml)
    if what == 0:
        return b'<?xml version="1.0" encoding="UTF-16"?>' + body.decode("utf-8", "replace").encode("utf-16")
    if what == 1:
        return b'<?xml version="1.0" encoding="ISO-8859-1"?>' + body
    if what == 2:
        return b'<?xml version="1.0" encoding="x-no-such-encoding"?>' + body
    if what == 3:
        return b"\xef\xbb\xbf\xef\xbb\xbf" + xml  # two byte order marks
    b = bytearray(xml)
    for _ in range(8):
        b[rng.randrange(len(b))] = rng.choice((0x80, 0xC3, 0xFF, 0xFE, 0xED))  # invalid UTF-8
    return bytes(b)


def odd_values(xml: bytes, rng: random.Random) -> bytes:
    """Cell values and references that parse but mean nonsense."""
    swaps = [(rb"<v>[^<]*</v>", rng.choice((b"<v>1e308</v>", b"<v>-0</v>", b"<v>NaN</v>", b"<v>abc</v>",
                                             b"<v>" + b"9" * 400 + b"</v>", b"<v>99999999</v>"))),
             (rb' r="[A-Z]+\d+"', rng.choice((b' r="XFD1048576"', b' r="A0"', b' r="ZZZZ9"', b' r=""'))),
             (rb' t="\w+"', rng.choice((b' t="s"', b' t="e"', b' t="b"', b' t="inlineStr"', b' t="zz"'))),
             (rb' ref="[^"]*"', b' ref="A1:XFD1048576"')]
    pattern, new = rng.choice(swaps)
    spots = list(re.finditer(pattern, xml))
    if not spots:
        return xml
    for m in sorted(rng.sample(spots, min(len(spots), rng.choice((1, 5, 50)))), key=lambda m: -m.start()):
        xml = xml[:m.start()] + new + xml[m.end():]
    return xml


XML_MUTATIONS = (break_tags, huge_attribute, deep_nesting, odd_encoding, odd_values)
ZIP_MUTATIONS = (truncate, flip_bytes, drop_part, duplicate_part)


def _xml_mutation(xml: bytes, rng: random.Random) -> bytes:
    return rng.choice(XML_MUTATIONS)(xml, rng)


@dataclass(frozen=True)
class Case:
    name: str  # the file name in the batch folder, which says how it was made
    data: bytes


def make_case(i: int, seed: int, bases: dict[str, bytes]) -> Case:
    """Case `i` of `seed`: one valid file with one to three mutations, the same every run."""
    rng = random.Random(f"{seed}:{i}")
    base = rng.choice(sorted(bases))
    data = bases[base]
    done = []
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        if rng.random() < 0.55:
            xml = rng.choice(XML_MUTATIONS)
            try:
                data = _xml_part(data, rng, xml)
            except Exception:  # noqa: BLE001 - no longer a zip after an earlier mutation: skip this one
                continue
            done.append(xml.__name__)
        else:
            mutation = rng.choice(ZIP_MUTATIONS)
            try:
                data = mutation(data, rng)
            except Exception:  # noqa: BLE001 - as above
                continue
            done.append(mutation.__name__)
    return Case(f"{i:06d}-{Path(base).stem}-{'+'.join(done) or 'none'}.xlsx", data)


def write_cases(folder: Path, start: int, count: int, seed: int, bases: dict[str, bytes]) -> dict[str, str]:
    """Write cases start..start+count-1 into `folder`; returns file -> sha256."""
    folder.mkdir(parents=True, exist_ok=True)
    digests = {}
    for i in range(start, start + count):
        case = make_case(i, seed, bases)
        path = folder / case.name
        path.write_bytes(case.data)
        digests[str(path)] = hashlib.sha256(case.data).hexdigest()
    return digests


def digest(folder: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


# --- one batch, one rollup, one subprocess ---------------------------------------------------------------

BATCH_SCRIPT = """
import json, resource, sys
from kpi_xl.rollup import rollup

result = rollup([sys.argv[1]], None, jobs=2)
named = {i.file for i in result.issues} | set(result.summary["file"])
peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({
    "files_found": result.files_found, "reconciles": result.reconciles,
    "files_with_scorecards": result.files_with_scorecards, "files_not_read": result.files_not_read,
    "files_without_scorecards": result.files_without_scorecards, "scorecards": result.scorecards,
    "unnamed": [f for f in result.files if f not in named],
    "died": sum(1 for i in result.issues if "stopped the spreadsheet reader" in i.message),
    "peak_kb": peak,
}))
"""


@dataclass
class Batch:
    returncode: int
    stderr: str
    report: dict | None
    seconds: float


def run_batch(folder: Path, timeout: float = 300) -> Batch:
    """Roll the folder up in a fresh Python (`jobs=2`: a reader that dies costs one file); its report."""
    import time

    env = dict(os.environ, PYTHONWARNINGS="ignore")
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", BATCH_SCRIPT, str(folder)], capture_output=True, text=True,
                          timeout=timeout, env=env)
    seconds = time.perf_counter() - t
    report = None
    if proc.returncode == 0 and proc.stdout.strip():
        report = json.loads(proc.stdout.strip().splitlines()[-1])
    return Batch(proc.returncode, proc.stderr, report, seconds)


def problems(batch: Batch, expected_files: int) -> list[str]:
    """What broke a promise in one batch (empty: all held)."""
    wrong = []
    if batch.returncode != 0:
        wrong.append(f"the rollup process ended with code {batch.returncode}")
    if "Traceback" in batch.stderr:
        wrong.append("a traceback on stderr:\n" + batch.stderr[-3000:])
    r = batch.report
    if r is None:
        return wrong + ["no report"]
    if r["files_found"] != expected_files:
        wrong.append(f"{r['files_found']} files found of {expected_files}")
    if not r["reconciles"]:
        wrong.append("the counts do not reconcile")
    if r["unnamed"]:
        wrong.append(f"files neither in the summary nor in the issues: {r['unnamed'][:5]}")
    if r["peak_kb"] > MAX_RSS_MB * 1024:
        wrong.append(f"max RSS {r['peak_kb'] / 1024:.0f} MB, over {MAX_RSS_MB} MB")
    return wrong


def main(argv: list[str] | None = None) -> int:
    import argparse
    import tempfile
    import time

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=int(os.environ.get("KPI_XL_FUZZ_CASES", DEFAULT_CASES)))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="write the cases here and keep them")
    args = parser.parse_args(argv)
    bases = seeds()
    root = args.keep or Path(tempfile.mkdtemp(prefix="kpi-xl-fuzz-"))
    failed = 0
    t = time.perf_counter()
    peak = 0
    for start in range(0, args.cases, args.batch):
        count = min(args.batch, args.cases - start)
        folder = root / f"batch-{start:06d}"
        before = write_cases(folder, start, count, args.seed, bases)
        batch = run_batch(folder)
        wrong = problems(batch, count) + (["inputs changed"] if digest(folder) != before else [])
        peak = max(peak, (batch.report or {}).get("peak_kb", 0))
        print(f"cases {start}..{start + count - 1}: {batch.seconds:.1f} s, "
              f"{json.dumps({k: v for k, v in (batch.report or {}).items() if k != 'unnamed'})}")
        for w in wrong:
            print("  FAIL:", w)
        failed += bool(wrong)
    print(f"{args.cases} cases, seed {args.seed}: {time.perf_counter() - t:.1f} s, max RSS {peak / 1024:.0f} MB, "
          f"{failed} failing batches; files in {root}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
