"""Let real spreadsheet engines recalculate workbooks, many files per call: LibreOffice (headless) and
Gnumeric (ssconvert). Both are Debian packages (.ci/run installs them).

Tests that need an engine take the `soffice` or `gnumeric` fixture from conftest.py: outside CI they
skip with a reason when the engine is missing; in CI (CI=true) they fail. Every test using one is
marked `engine` (conftest.py does it), so `pytest -m "not engine"` runs none.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# A LibreOffice profile that recalculates every formula of an .xlsx on load. By default LibreOffice
# may trust cached results of files that claim to come from Excel; ours must be computed by it.
_RECALC_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def find_ssconvert() -> str | None:
    return shutil.which("ssconvert")


def _outputs(paths: Sequence[Path], outdir: Path, to: str) -> list[Path]:
    return [outdir / f"{Path(p).stem}.{to.split(':')[0]}" for p in paths]


def recalculate_libreoffice(paths: Sequence[Path], outdir: Path, *, to: str = "xlsx",
                            timeout: float = 600) -> list[Path]:
    """Open every file in LibreOffice, recalculate, save as `to` in `outdir`; one soffice call.

    Returns the output paths in input order. Inputs must have distinct stems, without dots (soffice
    names "x-130.5.xlsx"'s output "x-130.xlsx").
    """
    exe = find_soffice()
    if exe is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kpi-xl-lo-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_RECALC_PROFILE, encoding="utf-8")
        cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", to, "--outdir", str(outdir), *map(str, paths)]
        env = {**os.environ, "HOME": profile}
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    outputs = _outputs(paths, outdir, to)
    missing = [str(p) for p in outputs if not p.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not write {missing}: {done.stdout}\n{done.stderr}")
    return outputs


def recalculate_gnumeric(paths: Sequence[Path], outdir: Path, *, timeout: float = 120,
                         workers: int = 2) -> list[Path]:
    """Recalculate every .xlsx with Gnumeric (`ssconvert --recalc`) into `outdir`, same stems.

    One ssconvert process per file (about 0.1 s each), `workers` at a time. Returns the output paths
    in input order.
    """
    exe = find_ssconvert()
    if exe is None:
        raise RuntimeError("Gnumeric (ssconvert) is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    outputs = _outputs(paths, outdir, "xlsx")

    def one(pair: tuple[Path, Path]) -> str:
        source, target = pair
        cmd = [exe, "--recalc", "--export-type=Gnumeric_Excel:xlsx2", str(source), str(target)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
        return "" if target.exists() else f"{source}: {done.stdout}\n{done.stderr}"

    with tempfile.TemporaryDirectory(prefix="kpi-xl-gnumeric-") as home:
        env = {**os.environ, "HOME": home}  # Gnumeric's settings stay out of the user's home
        with ThreadPoolExecutor(workers) as pool:
            failures = [f for f in pool.map(one, zip(map(Path, paths), outputs)) if f]
    if failures:
        raise RuntimeError("Gnumeric did not write:\n" + "\n".join(failures))
    return outputs


ENGINES = {"libreoffice": recalculate_libreoffice, "gnumeric": recalculate_gnumeric}
