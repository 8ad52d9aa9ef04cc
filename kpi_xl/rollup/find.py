"""Finding the input files of a rollup: folders walked (links followed, each folder once), files sorted
by name into workbooks to read and files skipped with the reason (Excel's lock files, files that are no
workbook, a temporary file, a second path to a file, the summary being written).

Nothing here opens a workbook: reading one is `kpi_xl.rollup.read`'s job.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..io.files import TEMP_PREFIX  # atomic_write's temporary files
from ..io.preflight import LOCK_PREFIX, WORKBOOK_SUFFIXES
from .model import ERROR, INFO, Issue


@dataclass
class Found:
    """The files under the inputs: workbooks to read, and the rest with the reason they were skipped."""

    workbooks: list[str] = field(default_factory=list)
    lock_files: list[str] = field(default_factory=list)
    other_files: list[str] = field(default_factory=list)  # skipped: no workbook, a temporary file, ...
    unreadable: list[str] = field(default_factory=list)  # broken links, pipes: found, never readable
    missing: list[str] = field(default_factory=list)  # inputs that do not exist
    excluded: list[str] = field(default_factory=list)  # the summary being written, met among the inputs
    folders_unreadable: list[str] = field(default_factory=list)  # folders that could not be opened
    issues: list[Issue] = field(default_factory=list)

    @property
    def files(self) -> list[str]:
        """Every file found, by the path it was found under (a file reached by two paths is here under
        both: read under one, skipped under the other)."""
        return self.workbooks + self.lock_files + self.other_files + self.unreadable

    @property
    def total(self) -> int:
        return len(self.workbooks) + len(self.lock_files) + len(self.other_files) + len(self.unreadable)


def find_files(inputs: Iterable[str | os.PathLike[str]], exclude: Iterable[str | os.PathLike[str]] = ()) -> Found:
    """Every file under the inputs (folders recursively, links followed, sorted), sorted into workbooks
    and skipped files.

    Excel's lock files (`~$name.xlsx`) and files that are no workbook are skipped with an info issue;
    an input that does not exist, a folder that cannot be opened, a broken link and a pipe are error
    issues. A file reached by a second path (a link to it) is read once, the second path skipped with
    an info issue; a folder reached again through a link is not walked twice. `exclude` (the summary
    being written) is skipped.
    """
    found = Found()
    excluded = {_real(p) for p in exclude}
    named: set[str] = set()  # files as named: the same file given twice (a folder and a file in it)
    seen: dict[str, str] = {}  # the real file -> the path it was first found by
    visited: dict[str, str] = {}  # the real folder -> the path it was walked by
    for given in inputs:
        top = os.fspath(Path(given))
        if os.path.isdir(top):
            entries = _walk(top, visited, found)
        elif os.path.lexists(top):
            entries = [(top, _real(os.path.dirname(top) or "."))]
        else:
            found.missing.append(top)
            found.issues.append(Issue(top, "", "", ERROR, "no such file or folder"))
            continue
        for name, real_folder in entries:
            base = os.path.basename(name)
            key = os.path.normcase(os.path.join(real_folder, base))
            if key in named:
                continue
            named.add(key)
            if base.startswith(TEMP_PREFIX):
                found.other_files.append(name)
                found.issues.append(Issue(name, "", "", INFO, "skipped: a temporary file an interrupted kpi-xl "
                                                              "run left behind; delete it"))
            elif base.startswith(LOCK_PREFIX):
                found.lock_files.append(name)
                found.issues.append(Issue(name, "", "", INFO,
                                          "skipped: Excel's lock file (the workbook is open somewhere)"))
            elif Path(base).suffix.lower() not in WORKBOOK_SUFFIXES:  # "..xlsx" is a workbook too
                found.other_files.append(name)
                found.issues.append(Issue(name, "", "", INFO,
                                          "skipped: not a workbook (.xlsx, .xlsm, .xls, .ods)"))
            else:
                _sort_workbook(found, name, real_folder, excluded, seen)
    return found


def _walk(top: str, visited: dict[str, str], found: Found) -> list[tuple[str, str]]:
    """Every file under `top` with the real path of its folder, sorted. Links to folders are followed,
    each real folder walked once (a link back to a parent makes no loop); a folder that cannot be opened
    is an error issue naming it."""

    def cannot_open(error: OSError) -> None:
        folder = error.filename if isinstance(error.filename, str) else top
        found.folders_unreadable.append(folder)
        found.issues.append(Issue(folder, "", "", ERROR, f"cannot open this folder ({error.strerror or error}): "
                                                         "the scorecards in it are not read; check that you may "
                                                         "read it"))

    files: list[tuple[str, str]] = []
    for folder, subfolders, names in os.walk(top, onerror=cannot_open, followlinks=True):
        real = _real(folder)
        first = visited.get(real)
        if first is not None:
            subfolders.clear()
            if os.path.abspath(first) != os.path.abspath(folder):
                found.issues.append(Issue(folder, "", "", INFO, f"the same folder as {first} (reached "
                                                                "through a link): read once"))
            continue
        visited[real] = folder
        files.extend((os.path.join(folder, name), real) for name in names)
    files.sort(key=lambda entry: entry[0].lower())
    return files


def _real(path: str | os.PathLike[str]) -> str:
    """The one name of a file or folder, links resolved (and case folded where names ignore it)."""
    return os.path.normcase(os.path.realpath(path))


def _sort_workbook(found: Found, name: str, real_folder: str, excluded: set[str], seen: dict[str, str]) -> None:
    """A file named like a workbook: to read, or skipped (the summary, a second path to a file read
    already), or unreadable (a broken link, a pipe)."""
    try:
        st = os.lstat(name)
        real = os.path.normcase(os.path.join(real_folder, os.path.basename(name)))
        if stat.S_ISLNK(st.st_mode):
            try:
                st = os.stat(name)
            except OSError:
                found.unreadable.append(name)
                found.issues.append(Issue(name, "", "", ERROR, "a broken link: the file it points to does not "
                                                               "exist; put the scorecard itself in the folder"))
                return
            real = _real(name)
    except OSError as e:  # gone since the folder was listed
        found.unreadable.append(name)
        found.issues.append(Issue(name, "", "", ERROR, f"cannot be opened ({e.strerror or e}); check that the "
                                                       "file is still there and that you may read it"))
        return
    if not stat.S_ISREG(st.st_mode):
        found.unreadable.append(name)
        found.issues.append(Issue(name, "", "", ERROR, "not a regular file (a folder, pipe or device); put the "
                                                       "scorecard itself in the folder"))
    elif real in excluded:
        found.other_files.append(name)
        found.excluded.append(name)
        found.issues.append(Issue(name, "", "", INFO, "skipped: this is the summary being written"))
    elif real in seen:
        found.other_files.append(name)
        found.issues.append(Issue(name, "", "", INFO, f"skipped: the same file as {seen[real]} (one is a link "
                                                      "to the other), which is read"))
    else:
        seen[real] = name
        found.workbooks.append(name)

