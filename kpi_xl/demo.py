"""`kpi-xl demo`: a small department made from the built-in roles, rolled up, offline, in seconds.

What it makes in the demo folder:
- `roster.xlsx`: eight employees in five departments, with monthly salary and potential rating;
- `scorecards/2025-Q3/` and `scorecards/2025-Q4/`: two review quarters, a generated scorecard per
  employee in each, filled with example actuals (Rina Dewi's in Q4 2025 is the worked Digital
  Marketing Specialist scorecard of the method: 113.65 %), one left incomplete, one employee without
  a scorecard (the Missing sheet), and in Q4 one hand-made scorecard in the method's own layout
  (Indonesian headers, objectives merged over their rows, a TOTAL row) for Budi Santoso;
- `kpi-summary.xlsx`: the department summary of all of them, with the Periods sheet (annual results),
  the final ratings (KPI value 70, competencies 30: templates/policy-with-competencies.yaml; every
  scorecard has its Competencies sheet filled) and the Calibration sheet;
- `kpi-xl-demo.txt`: the files above with their sha256, so a second run knows which files are its own.

Every number is derived from the roles' targets, so the demo follows the role library. Run again in
the same folder, the demo replaces its own files (unchanged since it made them) and refuses to touch any
other file it would overwrite or roll up (a roster, summary or scorecard of someone else's).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook

from . import contract as c
from .errors import KpiFileError
from .io.files import atomic_write
from .io.workbook import load_for_editing
from .policy import Policy, load_policy
from .resources import templates_dir
from .roles import KPI, builtin_role, builtin_role_index
from .rollup import RollupResult, rollup
from .roster import Employee, Roster
from .scorecard import write_roster_scorecards

PERIOD = "2025"
# The demo's review periods: a folder each, with how far every employee's results sit from the last one.
QUARTERS = (("2025-Q3", -0.05), ("2025-Q4", 0.0))
LAST_QUARTER = QUARTERS[-1][0]
HANDMADE_PERIOD = "TW IV 2025"  # the hand-made scorecard types its quarter the Indonesian way
ROSTER_FILE = "roster.xlsx"
SCORECARDS_DIR = "scorecards"
SUMMARY_FILE = "kpi-summary.xlsx"
HANDMADE_FILE = "KPI_Budi_Santoso_manual.xlsx"
MANIFEST_FILE = "kpi-xl-demo.txt"
MANIFEST_HEAD = ("Made by kpi-xl demo. Run again in this folder, it replaces the files below while they are "
                 "unchanged (sha256, path):")

# The golden scorecard's actuals (SPEC 2), in the role's KPI order.
GOLDEN_ACTUALS = (50, 1_500_000, 32, 6, 22, 21, 33)
# The demo's policy: the final rating weighs the KPI value 70 and the competencies 30, with a calibration
# target (templates/policy-with-competencies.yaml).
POLICY_FILE = "policy-with-competencies.yaml"
# Each competency's supervisor rating around the employee's own, so they are not all alike; self-ratings
# sit one above (people rate themselves a little higher), the golden scorecard's all "meets" (3).
_RATING_SPREAD = (0, 1, 0, -1, 0)


@dataclass(frozen=True)
class DemoEmployee:
    employee_id: str
    name: str
    role: str
    supervisor: str
    salary: float
    potential: str
    performance: float | None  # score every KPI should land near (1.0 = on target); None: no scorecard
    blank_actuals: int = 0  # KPIs not yet reported (the last ones)


EMPLOYEES = (
    DemoEmployee("E001", "Rina Dewi", "digital-marketing-specialist", "Andi Wijaya", 10_000_000, "high", None),
    DemoEmployee("E002", "Andi Wijaya", "marketing-manager", "Sari Lestari", 25_000_000, "medium", 1.02),
    DemoEmployee("E003", "Budi Santoso", "digital-marketing-specialist", "Andi Wijaya", 9_000_000, "medium", None),
    DemoEmployee("E004", "Dewi Anggraini", "sales-manager", "Sari Lestari", 20_000_000, "high", 1.36),
    DemoEmployee("E005", "Joko Prasetyo", "software-engineer", "Maya Putri", 15_000_000, "low", 0.97,
                 blank_actuals=2),
    DemoEmployee("E006", "Maya Putri", "it-manager", "Sari Lestari", 22_000_000, "medium", 1.0),
    DemoEmployee("E007", "Hendra Gunawan", "customer-service-manager", "Sari Lestari", 18_000_000, "low", 0.84),
    DemoEmployee("E008", "Siti Rahma", "hr-manager", "Sari Lestari", 16_000_000, "high", None),
)
GOLDEN_ID, HANDMADE_ID, MISSING_ID = "E001", "E003", "E008"

# Row by row around the employee's level, so the KPIs are not all alike.
_SPREAD = (0.06, -0.04, 0.02, -0.05, 0.03, 0.0, -0.02)


@dataclass
class Demo:
    """What `make_demo` made: the files and the rollup's result."""

    folder: Path
    roster: Path
    scorecards_dir: Path
    scorecards: list[Path] = field(default_factory=list)
    result: RollupResult | None = None
    policy: Path = field(default_factory=lambda: templates_dir() / POLICY_FILE)  # the policy rolled up with


def _roster(lang: str) -> Roster:
    employees = []
    for row, e in enumerate(EMPLOYEES, start=2):
        role = builtin_role(e.role)
        employees.append(Employee(e.employee_id, e.name, role.department(lang), e.supervisor, e.role, PERIOD,
                                  e.salary, e.potential, row))
    return Roster(employees, [], ROSTER_FILE)


def _write_roster(roster: Roster, path: Path, lang: str) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Roster"
    ws.append(["NIK", "Nama", "Departemen", "Atasan", "Jabatan", "Periode", "Gaji bulanan", "Potensi"]
              if lang == "id" else
              ["Employee ID", "Name", "Department", "Supervisor", "Role", "Period", "Monthly salary", "Potential"])
    for e in roster.employees:
        ws.append([e.employee_id, e.name, e.department, e.supervisor, e.role, e.period, e.monthly_salary,
                   e.potential])
    for letter, width in zip("ABCDEFGH", (12, 20, 18, 18, 30, 10, 16, 10)):
        ws.column_dimensions[letter].width = width
    _save(wb, path)


def example_actual(kpi: KPI, performance: float) -> float | dt.date | str:
    """An actual that scores about `performance` x 100 for this KPI (a date before the due date for a
    milestone that is done).

    >>> from kpi_xl.roles import KPI
    >>> example_actual(KPI(indicator="x", weight=10, target=40), 1.25)
    50.0
    >>> example_actual(KPI(indicator="x", weight=10, target=10, direction="lower"), 1.2)
    8.0
    """
    target = kpi.target or 0.0
    if kpi.direction == "milestone":
        if performance < 0.9:
            return "belum"
        return (kpi.due - dt.timedelta(days=10)) if kpi.due else "ya"
    if kpi.direction == "lower":
        value = target * (2 - performance)
    elif kpi.direction == "within":
        tolerance = kpi.tolerance or 0.0
        miss = max(0.0, 1 - performance) * abs(target)
        value = target + (tolerance / 2 if miss == 0 else tolerance + miss)
    else:
        value = target * performance
    return float(round(value)) if abs(target) >= 100 else round(value, 2)


def demo_policy() -> Policy:
    """The demo's policy (`POLICY_FILE`, bundled with kpi-xl)."""
    return load_policy(templates_dir() / POLICY_FILE)


def example_ratings(performance: float | None, n: int) -> tuple[list[int], list[int]]:
    """(supervisor ratings, self-ratings) of n competencies for an employee whose KPIs land near
    `performance` (1.0 on target: ratings around 3 of 5).

    >>> example_ratings(1.36, 3)
    ([4, 5, 4], [5, 5, 5])
    """
    base = 3 if performance is None else round(3 * performance)
    supervisor = [min(5, max(1, base + _RATING_SPREAD[i % len(_RATING_SPREAD)])) for i in range(n)]
    return supervisor, [min(5, r + 1) for r in supervisor]


def _fill(path: Path, actuals: list[object], ratings: tuple[list[int], list[int]] | None = None) -> None:
    """Type the actuals (and the competency ratings) into a generated scorecard, through its defined names
    (KPI_Actual, Competency_Supervisor, Competency_Self; never by position)."""
    wb = load_for_editing(path, "scorecard")
    names = [(c.KPI_ACTUAL, actuals)]
    if ratings is not None and c.COMPETENCY_SUPERVISOR in wb.defined_names:
        names += [(c.COMPETENCY_SUPERVISOR, ratings[0]), (c.COMPETENCY_SELF, ratings[1])]
    for name, values in names:
        sheet_name, cells = next(iter(wb.defined_names[name].destinations))
        ws = wb[sheet_name]
        for row, value in zip(ws[cells.replace("$", "")], values):
            row[0].value = value
    _save(wb, path)


def _save(wb: Workbook, path: Path) -> None:
    atomic_write(path, wb.save)


def write_handmade_golden(path: Path, *, name: str = "Budi Santoso", employee_id: str = HANDMADE_ID,
                          sheet: str = "KPI Budi") -> Path:
    """The seed's own Excel example (seed 001): Objective | Indikator (KPI) | Bobot | Target | Aktual | Skor |
    Skor Akhir, objectives merged over their indicators, a TOTAL row; a title and who above it."""
    role = builtin_role("digital-marketing-specialist")
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws["A1"] = "Contoh KPI Excel: Digital Marketing Specialist"
    ws["A3"], ws["B3"] = "Nama", name
    ws["A4"], ws["B4"] = "NIK", employee_id
    ws["A5"], ws["B5"] = "Jabatan", role.name("id")
    ws["D3"], ws["E3"] = "Periode", HANDMADE_PERIOD
    ws["D4"], ws["E4"] = "ID Jabatan", role.id  # the summary shows the role's name in its own language
    header = 7
    for col, text in enumerate(("Objective", "Indikator (KPI)", "Bobot", "Target", "Aktual", "Skor", "Skor Akhir"), 1):
        ws.cell(header, col, text)
    r = header + 1
    first = r
    for kra in role.kras:
        top = r
        for kpi, actual in zip(kra.kpis, GOLDEN_ACTUALS[r - first:]):
            ws.cell(r, 1, kra.name("id") if r == top else None)
            ws.cell(r, 2, kpi.indicator("id"))
            ws.cell(r, 3, kpi.weight)
            ws.cell(r, 4, kpi.target)
            ws.cell(r, 5, actual)
            ws.cell(r, 6, f"=E{r}/D{r}*100")  # the seed's own formulas
            ws.cell(r, 7, f"=C{r}*F{r}/100")
            r += 1
        if r - 1 > top:
            ws.merge_cells(start_row=top, start_column=1, end_row=r - 1, end_column=1)
    ws.cell(r, 1, "TOTAL")
    ws.cell(r, 3, f"=SUM(C{first}:C{r - 1})")
    ws.cell(r, 7, f"=SUM(G{first}:G{r - 1})")
    # The competency table below, as a hand-made sheet has it (Indonesian headers): the rollup finds it.
    r += 2
    for col, text in enumerate(("Kompetensi", "Perilaku", "Bobot", "Nilai Diri", "Nilai Atasan"), 1):
        ws.cell(r, col, text)
    for competency, (own, supervisor) in zip(demo_policy().competencies, ((4, 4), (4, 3), (3, 3), (5, 3), (3, 3))):
        r += 1
        for col, value in enumerate((competency.name("id"), competency.description("id"), competency.weight,
                                     own, supervisor), 1):
            ws.cell(r, col, value)
    for letter, width in zip("ABCDEFG", (34, 50, 8, 12, 12, 8, 11)):
        ws.column_dimensions[letter].width = width
    _save(wb, path)
    return path


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _own_files(root: Path) -> dict[str, str]:
    """The files an earlier demo made in `root` (relative path -> sha256), from its manifest."""
    manifest = root / MANIFEST_FILE
    if not manifest.is_file():
        return {}
    own = {}
    for line in manifest.read_text(encoding="utf-8", errors="replace").splitlines():
        m = re.fullmatch(r"([0-9a-f]{64})  (.+)", line)
        if m:
            own[m.group(2)] = m.group(1)
    return own


def _check_folder(root: Path) -> None:
    """Refuse a folder where the demo would overwrite, or roll up, files it did not make."""
    own = _own_files(root)
    at_risk = [root / ROSTER_FILE, root / SUMMARY_FILE]
    cards = root / SCORECARDS_DIR
    if cards.is_dir():  # every file in it would be rolled up with the demo's, but for the ones the rollup
        # skips itself: Excel's lock files and what an interrupted kpi-xl run left behind
        at_risk += sorted(p for p in cards.rglob("*") if p.is_file() and not p.name.startswith(("~$", ".kpi-xl-")))
    else:
        at_risk.append(cards)
    foreign = [p for p in at_risk if p.exists() and not (
        p.is_file() and own.get(p.relative_to(root).as_posix()) == _sha256(p))]
    if foreign:
        names = ", ".join(p.relative_to(root).as_posix() for p in foreign[:3]) + (" ..." if len(foreign) > 3 else "")
        raise KpiFileError(f"{root}: holds files kpi-xl demo did not make, or changed since it made them ({names}); "
                           f"the demo writes {ROSTER_FILE}, {SUMMARY_FILE} and {SCORECARDS_DIR}/ there and would "
                           "replace or roll them up: run it in a new or empty folder (kpi-xl demo FOLDER)")


def _write_manifest(root: Path, paths: list[Path]) -> None:
    lines = [MANIFEST_HEAD] + [f"{_sha256(p)}  {p.relative_to(root).as_posix()}" for p in paths]
    atomic_write(root / MANIFEST_FILE, lambda tmp: tmp.write_text("\n".join(lines) + "\n", encoding="utf-8"))


def make_demo(folder: str | os.PathLike[str] = "kpi-xl-demo", *, lang: str = "en") -> Demo:
    """Make the demo department in `folder` and roll it up into `folder/kpi-summary.xlsx`.

    Files an earlier demo made are replaced; a folder where the demo would replace or roll up any other
    file (a roster.xlsx, kpi-summary.xlsx or scorecards/ of someone else's) is refused with
    `KpiFileError`, before anything is written. Other files in the folder are never touched.
    """
    root = Path(folder)
    if root.exists() and not root.is_dir():
        raise KpiFileError(f"{root}: is a file, not a folder")
    if root.is_dir():
        _check_folder(root)
    cards_dir = root / SCORECARDS_DIR
    cards_dir.mkdir(parents=True, exist_ok=True)
    roster = _roster(lang)
    roster_path = root / ROSTER_FILE
    _write_roster(roster, roster_path, lang)

    policy = demo_policy()
    by_id = {d.employee_id: d for d in EMPLOYEES}
    written: list[Path] = []
    for quarter, shift in QUARTERS:
        # One folder per quarter; each generated scorecard carries its quarter in its Period field.
        folder = cards_dir / quarter
        folder.mkdir(parents=True, exist_ok=True)
        with_scorecards = Roster([dataclasses.replace(e, period=quarter) for e, d in zip(roster.employees, EMPLOYEES)
                                  if d.employee_id not in (HANDMADE_ID, MISSING_ID)], [], ROSTER_FILE)
        run = write_roster_scorecards(with_scorecards, folder, lang=lang, policy=policy)
        if run.refused:
            raise KpiFileError(f"demo: the built-in roles made no scorecard for: {run.refused[0]}")
        for path, employee in zip(run.written, with_scorecards.employees):
            d = by_id[employee.employee_id]
            role = builtin_role(d.role)
            kpis = [kpi for _, kpi in role.kpi_rows()]
            n = len(role.competencies) or len(policy.competencies)
            ratings = example_ratings(None if d.performance is None else d.performance + shift, n)
            if d.employee_id == GOLDEN_ID and quarter == LAST_QUARTER:
                actuals: list[object] = list(GOLDEN_ACTUALS)
                ratings = ([3] * n, [3] * n)  # meets expectations: final rating 0.7 x 113.65 + 0.3 x 100
            else:
                actuals = [example_actual(kpi, (d.performance or 1.0) + shift + _SPREAD[i % len(_SPREAD)])
                           for i, kpi in enumerate(kpis)]
                for i in range(len(actuals) - d.blank_actuals, len(actuals)):
                    actuals[i] = None
            _fill(path, actuals, ratings)
        written.extend(run.written)
    # The hand-made scorecard types its period as "TW IV 2025": read as Q4 2025.
    handmade = write_handmade_golden(cards_dir / LAST_QUARTER / HANDMADE_FILE)
    demo = Demo(root, roster_path, cards_dir, [*written, handmade])
    demo.result = rollup(cards_dir, root / SUMMARY_FILE, roster=roster_path, lang=lang,
                         roles=builtin_role_index(), policy=policy)
    _write_manifest(root, [roster_path, *demo.scorecards, root / SUMMARY_FILE])
    return demo
