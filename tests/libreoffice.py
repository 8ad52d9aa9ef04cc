"""Let a real spreadsheet engine (LibreOffice, headless) recalculate workbooks, many per call.

Tests that need it take the `soffice` fixture from conftest.py: outside CI they skip with a reason
when LibreOffice is missing; in CI (CI=true) they fail, because .ci/run installs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
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


def recalculate(paths: list[Path], outdir: Path, *, to: str = "xlsx", timeout: float = 600) -> list[Path]:
    """Open every file in LibreOffice, recalculate, save as `to` in `outdir`; one soffice call.

    Returns the output paths in input order. Inputs must have distinct stems.
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
    outputs = [outdir / f"{Path(p).stem}.{to.split(':')[0]}" for p in paths]
    missing = [str(p) for p in outputs if not p.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not write {missing}: {done.stdout}\n{done.stderr}")
    return outputs
