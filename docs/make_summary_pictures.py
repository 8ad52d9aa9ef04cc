"""Remake docs/summary-*.png: the demo department's summary as HR prints it, in English and Indonesian.

    python docs/make_summary_pictures.py [--paper A4|Letter] [--keep FOLDER]

Makes the `kpi-xl demo` department (kpi_xl.demo.make_demo) in a temporary folder, writes its summary
with a fixed rollup date (so the pictures do not change from day to day), prints it to PDF with
headless LibreOffice and turns the Summary page and the Levels page into small PNGs with poppler's
pdftoppm (60 dpi). Needs LibreOffice (soffice) and poppler-utils (pdftoppm, pdftotext).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the one LibreOffice helper, shared with the tests

from libreoffice import recalculate  # noqa: E402 - after the sys.path line

from kpi_xl.demo import make_demo  # noqa: E402 - after the sys.path line
from kpi_xl.rollup.layout import word  # noqa: E402 - after the sys.path line
from kpi_xl.rollup.summary import write_summary  # noqa: E402 - after the sys.path line

DATE = dt.date(2026, 1, 15)
DPI = 60


def summary_pdf(folder: Path, lang: str, paper: str = "A4") -> Path:
    """The demo's summary in `lang`, printed to PDF by LibreOffice, in `folder`."""
    demo = make_demo(folder / f"demo-{lang}", lang=lang)
    assert demo.result is not None
    book = folder / f"summary{lang}.xlsx"
    write_summary(demo.result.tables, book, lang, paper=paper, base=demo.scorecards_dir, date=DATE)
    (pdf,) = recalculate([book], folder / "pdf", to="pdf")
    return pdf


def page_with(pdf: Path, text: str) -> int:
    """The first page of `pdf` whose text holds `text` (1-based)."""
    pages = int(next(line.split()[-1] for line in subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
        if line.startswith("Pages:")))
    for page in range(1, pages + 1):
        got = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
                             capture_output=True, text=True, check=True).stdout
        if text in " ".join(got.split()):
            return page
    raise SystemExit(f"{pdf}: no page shows {text!r}")


def render(pdf: Path, page: int, out: Path) -> Path:
    subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(out.with_suffix(""))], check=True)
    return out


def make_pictures(out_dir: Path = ROOT / "docs", paper: str = "A4", keep: Path | None = None) -> list[Path]:
    if shutil.which("pdftoppm") is None:
        raise SystemExit("pdftoppm is missing: apt-get install poppler-utils")
    made = []
    with tempfile.TemporaryDirectory(prefix="kpi-xl-summary-") as tmp:
        folder = keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for lang in ("en", "id"):
            pdf = summary_pdf(folder, lang, paper)
            made.append(render(pdf, 1, out_dir / f"summary-{lang}.png"))
            levels = page_with(pdf, word("levels_title", lang))
            made.append(render(pdf, levels, out_dir / f"summary-levels-{lang}.png"))
    return made


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paper", default="A4")
    parser.add_argument("--keep", type=Path, help="keep the demo, the summaries and their PDFs in this folder")
    args = parser.parse_args()
    for path in make_pictures(paper=args.paper, keep=args.keep):
        print(f"written: {path}")
