"""Department rollup (SPEC 7): many filled scorecards into one summary workbook HR can trust.

One public call, `rollup(inputs, output)`: find the workbooks, read every scorecard (generated ones
through their defined names, hand-made ones by their header labels), recompute every score with the
scoring core and the policy, match the roster, and write the summary workbook atomically. Inputs are
only ever read, and never overwritten: the summary may not be one of them, and only a kpi-xl summary
is ever replaced. Every input file ends up in the summary or in the issues, and `RollupResult` carries
the counts that prove it.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import KpiFileError, KpiInputError
from ..io.preflight import DEFAULT_LIMITS, WORKBOOK_SUFFIXES, Limits
from ..policy import Policy, load_policy
from ..roster import read_roster
from ..scoring import STATUSES
from ..words import parse_lang
from .calibration_file import read_calibrations, write_starter
from .find import find_files
from .history import read_history
from .layout import SHEETS
from .model import ERROR, INFO, SEVERITIES, WARNING, Issue, WorkbookRead
from .read import is_summary_file, read_workbook
from .store import Scorecards
from .summary import check_output, write_summary
from .tables import Tables, build_tables
from .workers import read_isolated

Progress = Callable[[int, int], None]  # (files done, files in all)


@dataclass
class RollupResult:
    """What a rollup did: the summary's tables, the issues and the counts that reconcile.

    files_found = files_with_scorecards + files_unreadable + lock_files + other_files, and every file
    found (`files`) is the source of a scorecard or named by an issue (`reconciles`). The files that
    gave no scorecard are of two kinds: files_unreadable = files_not_read + files_without_scorecards.
    """

    output: Path | None
    tables: Tables
    files_found: int
    files_with_scorecards: int
    files_unreadable: int  # files that gave no scorecard (not read, or read and none in it): each has an error
    lock_files: int  # Excel's ~$ lock files, skipped
    other_files: int  # files that are no workbook, kpi-xl summaries, a second path to a file: skipped
    inputs_missing: int  # input paths that do not exist
    issues: list[Issue] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # every file found, as issues and the summary name it
    folders_unreadable: int = 0  # folders that could not be opened: each has an error issue
    # Of files_unreadable: files that could not be read (broken, encrypted, not really a workbook, a
    # broken link, a reader that stopped), and files read that hold no scorecard (a list, notes).
    files_not_read: int = 0
    files_without_scorecards: int = 0
    duplicate_scorecards: int = 0  # scorecards that are one sent twice (same content): no bonus amount
    calibration_starter: Path | None = None  # the calibration workbook written for HR to fill, if any
    calibrations_applied: int = 0  # scorecards whose level HR calibrated

    @property
    def summary(self) -> pd.DataFrame:
        """One row per scorecard (the Summary sheet's content, untranslated)."""
        return self.tables.summary

    @property
    def scorecards(self) -> int:
        return len(self.tables.summary)

    @property
    def issue_counts(self) -> dict[str, int]:
        counts = Counter(issue.severity for issue in self.issues)
        return {severity: counts.get(severity, 0) for severity in SEVERITIES}

    @property
    def reconciles(self) -> bool:
        """Every file found is counted once, and is the source of a scorecard or named by an issue."""
        counted = self.files_with_scorecards + self.files_unreadable + self.lock_files + self.other_files
        if not self.files_found == counted == len(self.files):
            return False
        if self.files_not_read + self.files_without_scorecards != self.files_unreadable:
            return False
        listed = {issue.file for issue in self.issues}
        if "file" in self.tables.summary:
            listed.update(self.tables.summary["file"])
        return all(f in listed for f in self.files)

    @property
    def status_counts(self) -> dict[str, int]:
        counts = Counter(self.tables.summary["status"])
        return {s: counts.get(s, 0) for s in STATUSES}


def _as_list(inputs: Any) -> list[str]:
    if isinstance(inputs, (str, os.PathLike)):
        return [os.fspath(inputs)]
    return [os.fspath(p) for p in inputs]


def _check_output(out: Path, inputs: list[str], roster: Any) -> None:
    """Refuse a summary file that is one of the inputs named (a scorecard, the roster): it would be
    skipped as the summary, then overwritten."""
    real = os.path.realpath(out)
    named = inputs + ([os.fspath(roster)] if isinstance(roster, (str, os.PathLike)) else [])
    if any(os.path.realpath(p) == real for p in named):
        raise KpiFileError(f"{out}: this file is one of the inputs; choose another summary file")


def _check_existing_output(out: Path, found_among_inputs: bool) -> None:
    """Only a kpi-xl summary is replaced: any other file at `out` is refused, never overwritten."""
    if not os.path.lexists(out) or is_summary_file(out):
        return
    if found_among_inputs:
        raise KpiFileError(f"{out}: this file is one of the inputs; choose another summary file")
    raise KpiFileError(f"{out}: this file exists and is not a kpi-xl summary; choose another summary file "
                       "(kpi-xl replaces only a summary it wrote)")


def _load_roster(roster: Any, issues: list[Issue]) -> tuple[list[Any] | None, str]:
    """A roster path, a `Roster`, or a list of employees -> (employees, name for messages)."""
    if roster is None:
        return None, ""
    if isinstance(roster, (str, os.PathLike)):
        name = os.fspath(roster)
        roster = read_roster(roster)
    else:
        name = getattr(roster, "source", "") or "roster"
    employees = list(getattr(roster, "employees", roster))
    for problem in getattr(roster, "problems", []):
        row = getattr(problem, "row", None)
        message = getattr(problem, "message", str(problem))
        issues.append(Issue(name, "", f"row {row}" if row else "", WARNING,
                            f"roster row refused: {message}"))
    return employees, name


def _skip_roster(found: Any, roster: Any) -> None:
    """The roster file, found among the scorecards (it often sits in the same folder), is the roster:
    skipped with an info row, not read as a scorecard workbook. Compared by real path (links resolved)."""
    _skip_given(found, roster, "skipped: this is the roster given for this rollup, not a scorecard")


def _skip_given(found: Any, given: Any, message: str) -> None:
    """A file given for another job (the roster, HR's calibration workbook) found among the scorecards:
    skipped with an info row. Compared by real path (links resolved)."""
    if not isinstance(given, (str, os.PathLike)):
        return
    real = os.path.normcase(os.path.realpath(given))
    for path in [p for p in found.workbooks if os.path.normcase(os.path.realpath(p)) == real]:
        found.workbooks.remove(path)
        found.other_files.append(path)
        found.issues.append(Issue(path, "", "", INFO, message))


def read_each(files: Sequence[str], *, jobs: int = 1, progress: Progress | None = None,
              limits: Limits = DEFAULT_LIMITS) -> Iterator[WorkbookRead]:
    """Read every workbook, yielding each in input order as soon as it is read, so that the caller can
    keep what it needs and let the rest go. `jobs` > 1 reads in that many worker processes
    (`read_isolated`): a file that ends its process (native code aborting, the system killing it) is
    one error row."""
    total = len(files)
    if jobs <= 1:
        for i, path in enumerate(files, 1):
            yield read_workbook(path, limits)
            if progress is not None:
                progress(i, total)
        return
    # In worker processes: a file that kills its reader process costs only that file.
    yield from read_isolated(files, jobs=jobs, progress=progress, limits=limits)


def rollup(
    inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    output: str | os.PathLike[str] | None,
    *,
    roster: Any = None,
    policy: Policy | str | os.PathLike[str] | None = None,
    lang: str = "en",
    jobs: int = 1,
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
    roles: Mapping[str, Any] | None = None,
    paper: str = "A4",
    currency: str | None = None,
    history: Sequence[str | os.PathLike[str]] = (),
    calibration: str | os.PathLike[str] | None = None,
    bonus_budget: float | None = None,
    fit_budget: bool = False,
) -> RollupResult:
    """Roll scorecard files and folders up into the summary workbook `output` (None: do not write it).

    `roster`: a roster file (see `kpi_xl.roster`), a `Roster` or a list of employees; it gives
    department, supervisor, monthly salary (for the bonus amount) and potential (for the 9-box).
    `policy`: a `Policy` or a policy file (default: $KPI_XL_POLICY, else the built-in one).
    `roles`: role id -> role, whose names (in `lang`) replace role ids on the summary.
    `paper`: A4 or Letter, for printing; `currency`: the bonus amounts' currency (default: the policy's).
    `history`: earlier kpi-xl summaries whose years' annual values join the Periods sheet.
    `calibration`: HR's calibration workbook: read when it exists (its calibrated levels, with a reason,
    set the bonus and raise), else a starter file listing every scorecard is written there (never over
    an existing file). `bonus_budget` (default: the policy's): the Calibration sheet compares the total
    bonus at policy multiples with it; `fit_budget` scales every bonus amount by the factor that fits it.
    Scorecards may come from several folders (one per review period) or one folder of mixed periods; a
    folder named as a period ("2026-Q1") gives it to the scorecards in it that have none.
    Raises `KpiFileError` only when no summary can be made (no workbook found, unwritable output, an
    output that is one of the inputs or an existing file that is no kpi-xl summary); every problem
    with an input is an issue in the result and on the Issues sheet.
    """
    lang = parse_lang(lang)
    pol = policy if isinstance(policy, Policy) else load_policy(policy)
    paths = _as_list(inputs)
    history_files = [os.fspath(p) for p in history]
    earlier = read_history(history_files, pol) if history_files else None
    if output is not None:
        _check_output(check_output(output), paths, roster)  # before a long read
    found = find_files(paths, exclude=[output] if output is not None else [])
    if output is not None:
        _check_existing_output(Path(output), bool(found.excluded))
    if not found.workbooks:
        if found.missing and len(found.missing) == len(paths):
            raise KpiFileError(f"{', '.join(found.missing)}: no such file or folder")
        where = ", ".join(paths) or "(no input given)"
        raise KpiFileError(f"{where}: no scorecard workbooks ({', '.join(WORKBOOK_SUFFIXES)}) found")

    _skip_roster(found, roster)
    _skip_given(found, calibration, "skipped: this is the calibration file given for this rollup, not a scorecard")
    issues: list[Issue] = list(found.issues)
    employees, roster_name = _load_roster(roster, issues)
    # Each file's scorecards are folded into columns as soon as it is read (`Scorecards`): a run of
    # 100,000 scorecards never holds them all as Python objects.
    cards = Scorecards()
    with_scorecards = skipped = without = not_read = 0
    for read in read_each(found.workbooks, jobs=jobs, progress=progress, limits=limits):
        for card in read.scorecards:
            cards.add(card)
        issues.extend(read.issues)
        with_scorecards += bool(read.scorecards)
        skipped += read.skipped  # kpi-xl summaries among the inputs
        without += read.no_scorecard
        not_read += not read.scorecards and not read.skipped and not read.no_scorecard

    calibration_file = os.fspath(calibration) if calibration is not None else None
    entries = (read_calibrations(calibration_file)
               if calibration_file is not None and os.path.lexists(calibration_file) else None)
    budget = bonus_budget if bonus_budget is not None else pol.bonus_budget
    if fit_budget and budget is None:
        raise KpiInputError("--fit-budget needs a bonus budget: give --bonus-budget AMOUNT or bonus_budget in the policy")
    tables = build_tables(cards, issues, pol, lang, employees, roster_name, roles, earlier, history_files,
                          calibrations=entries, calibration_file=calibration_file or "", budget=budget,
                          fit_budget=fit_budget)
    starter = None
    if calibration_file is not None and entries is None:
        starter = write_starter(calibration_file, tables.summary, lang)
    # Sources are shown from the folder rolled up (one folder given), else from the files' common folder.
    base = paths[0] if len(paths) == 1 and os.path.isdir(paths[0]) else None
    written = (write_summary(tables, output, lang, paper=paper, currency=currency or pol.currency, base=base)
               if output is not None else None)
    return RollupResult(
        output=written,
        tables=tables,
        files_found=found.total,
        files_with_scorecards=with_scorecards,
        files_unreadable=not_read + without + len(found.unreadable),
        files_not_read=not_read + len(found.unreadable),
        files_without_scorecards=without,
        duplicate_scorecards=tables.duplicates,
        lock_files=len(found.lock_files),
        other_files=len(found.other_files) + skipped,
        inputs_missing=len(found.missing),
        issues=tables.issues,
        files=found.files,
        folders_unreadable=len(found.folders_unreadable),
        calibration_starter=starter,
        calibrations_applied=int(tables.summary["calibrated_level"].notna().sum())
        if "calibrated_level" in tables.summary else 0,
    )


__all__ = ["ERROR", "INFO", "SHEETS", "WARNING", "Issue", "Limits", "RollupResult", "Tables", "rollup"]
