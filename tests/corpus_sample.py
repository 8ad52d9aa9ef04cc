"""The quick run's sample of the shared corpus (`../shared/corpus`: 1,525 files of other projects).

Reading every file through the roster reader, the catalogue reader and the rollup takes minutes, and
nearly all of it goes to a thousand files that give the same answer ("no header row", "no scorecard
found"). The quick run reads a sample instead:

- every file listed in tests/corpus_sample.txt: for each outcome class its smallest file. A class is
  each distinct message the roster reader, the catalogue reader or the rollup gives (its file name,
  quoted texts and numbers taken out: `outcome`), and each project-and-suffix pair (`stratum`);
- and every `EVERY`th file of the corpus in path order, whatever it gives.

The exhaustive run (CI, or KPI_XL_EXHAUSTIVE=1: tests/thorough.py) reads every file and fails when
a class has no file in the sample, naming the file to add. `python tests/corpus_sample.py CORPUS`
writes the list anew from a full sweep (about two minutes).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

LIST = Path(__file__).with_name("corpus_sample.txt")
EVERY = 40
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")  # as kpi_xl.io.preflight's


def every_file(root: Path) -> list[Path]:
    return [p for p in sorted(root.rglob("*")) if p.is_file()]


def workbooks(paths: Iterable[Path]) -> list[Path]:
    return [p for p in paths if p.suffix.lower() in WORKBOOK_SUFFIXES]


def sample(root: Path) -> list[Path]:
    """The listed files and every EVERY-th file of the corpus, in path order."""
    listed = [root / line.strip() for line in LIST.read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#")]
    missing = [str(p) for p in listed if not p.is_file()]
    assert not missing, f"{LIST.name} lists files the corpus lacks (run tests/corpus_sample.py): {missing}"
    return sorted(set(listed) | set(every_file(root)[::EVERY]))


def outcome(message: str, path: Path) -> str:
    """The class of a message: the same words with the file name, quoted texts and numbers taken out.

    >>> outcome("'a.xls' is empty (0 bytes), probably cut off while copying", Path("x/a.xls"))
    "'…' is empty (# bytes), probably cut off while copying"
    """
    text = message.replace(path.name, "…")
    return re.sub(r"\d+", "#", re.sub(r"'[^']*'", "'…'", text))


def stratum(path: Path, root: Path) -> str:
    """The project a file comes from and its suffix ("calamine .xlsx")."""
    return f"{path.relative_to(root).parts[0]} {path.suffix.lower() or '(none)'}"


def _smallest_of_each(root: Path, classes: Mapping[Path, Iterable[str]]) -> dict[str, tuple[Path, bool]]:
    """class -> (its smallest file, whether the sample holds a file of it), from file -> its classes
    (its stratum added)."""
    members: dict[str, list[Path]] = {}
    for path, names in classes.items():
        for name in {*names, stratum(path, root)}:
            members.setdefault(name, []).append(path)
    chosen = set(sample(root)) if LIST.exists() else set()
    return {name: (min(paths, key=lambda p: (p.stat().st_size, p)), bool(chosen.intersection(paths)))
            for name, paths in sorted(members.items())}


def uncovered(root: Path, classes: Mapping[Path, Iterable[str]]) -> list[str]:
    """Each class of a full sweep (file -> its classes) with no file in the sample, as
    "class: the smallest file of it"."""
    return [f"{name}: {path.relative_to(root)}"
            for name, (path, held) in _smallest_of_each(root, classes).items() if not held]


def sweep(root: Path) -> dict[Path, set[str]]:
    """Every file's classes: what the roster reader, the catalogue reader and the rollup say of it."""
    from kpi_xl.errors import KpiFileError
    from kpi_xl.roles.catalogue import read_catalogue
    from kpi_xl.rollup import rollup
    from kpi_xl.roster import read_roster

    classes: dict[Path, set[str]] = {p: set() for p in every_file(root)}
    for path in workbooks(classes):
        for reader, read in (("roster", read_roster), ("catalogue", read_catalogue)):
            try:
                read(path)
                classes[path].add(f"{reader}: read")
            except KpiFileError as e:
                classes[path].add(f"{reader}: {outcome(str(e), path)}")
    for issue in rollup(root, None, jobs=2).issues:
        path = Path(issue.file)
        if path in classes:
            classes[path].add(f"rollup: {issue.severity}: {outcome(issue.message, path)}")
    return classes


def main(argv: list[str]) -> int:
    """Write corpus_sample.txt: the smallest file of every class a full sweep of the corpus finds."""
    root = Path(argv[0]).resolve()
    found = _smallest_of_each(root, sweep(root))
    smallest = sorted({path.relative_to(root).as_posix() for path, _ in found.values()})
    LIST.write_text("# The smallest file of each outcome class of ../shared/corpus; tests/corpus_sample.py made it.\n"
                    + "".join(f"{p}\n" for p in smallest), encoding="utf-8")
    print(f"{len(found)} classes, {len(smallest)} files: {LIST}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
