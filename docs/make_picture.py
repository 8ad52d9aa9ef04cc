"""Remake docs/scorecard.png: the golden scorecard as LibreOffice renders it.

    python docs/make_picture.py

Generates the Digital Marketing Specialist scorecard for an example employee, types the golden actuals
of SPEC 2 into it (KPI value 113.65, level 4), lets headless LibreOffice recalculate it and print it to
PDF, and turns the first page (the scorecard sheet) into a PNG with poppler's pdftoppm. Needs
LibreOffice (soffice) and poppler-utils (pdftoppm).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the one LibreOffice helper, shared with the tests

from libreoffice import recalculate  # noqa: E402 - after the sys.path line

from kpi_xl import contract as C  # noqa: E402 - after the sys.path line
from kpi_xl.roster import Employee  # noqa: E402 - after the sys.path line
from kpi_xl.scorecard import build_scorecard  # noqa: E402 - after the sys.path line

ROLE = "digital-marketing-specialist"
GOLDEN_ACTUALS = [50, 1_500_000, 32, 6, 22, 21, 33]
EMPLOYEE = Employee("MKT-0142", "Rina Dewi", "Marketing", "Budi Santoso", ROLE, "2026", None, None, 0)


def make_picture(out: Path = ROOT / "docs" / "scorecard.png", lang: str = "en") -> Path:
    if shutil.which("pdftoppm") is None:
        raise SystemExit("pdftoppm is missing: apt-get install poppler-utils")
    wb = build_scorecard(ROLE, EMPLOYEE, lang=lang)
    ((sheet, ref),) = list(wb.defined_names[C.KPI_ACTUAL].destinations)
    for row, actual in zip(wb[sheet][ref.replace("$", "")], GOLDEN_ACTUALS):
        row[0].value = actual
    with tempfile.TemporaryDirectory(prefix="kpi-xl-picture-") as tmp:
        source = Path(tmp) / "scorecard.xlsx"
        wb.save(source)
        (pdf,) = recalculate([source], Path(tmp) / "pdf", to="pdf")
        # -singlefile: the first page only, which is the scorecard sheet.
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", str(pdf), str(out.with_suffix(""))],
                       check=True)
    return out


if __name__ == "__main__":
    print(f"written: {make_picture()}")
