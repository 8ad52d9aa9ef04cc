"""Building one scorecard workbook (`build_scorecard`), saving it (`write_scorecard`) and naming its
file (`scorecard_filename`).

Written files: atomically (`kpi_xl.files.save_workbook`), with the permissions of any new file; an
existing file is replaced only with `overwrite=True` (the default of the library calls; the CLI keeps
existing scorecards unless given --overwrite, since an employee may have filled one in).
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from .. import contract as C
from ..errors import KpiFileError, KpiInputError, RoleError
from ..io.files import save_workbook
from ..policy import Policy, load_policy
from ..roles import ERROR, Role, check_role, resolve_role
from ..roster import Employee
from .formulas import FORMULA_MODES
from .labels import LABELS, LANGS
from .competencies import competencies_sheet
from .records import kra_sheet, policy_sheet, task_sheet
from .sheets import HeaderCells, scorecard_sheet
from .styles import put_text


def check_options(lang: str, formulas: str) -> None:
    """Refuse an unknown language or formula mode."""
    if lang not in LANGS:
        raise KpiInputError(f"lang {lang!r} is not en or id")
    if formulas not in FORMULA_MODES:
        raise KpiInputError(f"formulas {formulas!r} is not native or udf")


def usable_role(role: Role | str | os.PathLike[str]) -> Role:
    """The role (a `Role`, a built-in id or a role file), refused when its checks find an error."""
    r = role if isinstance(role, Role) else resolve_role(role if isinstance(role, str) else Path(role))
    errors = [f for f in check_role(r) if f.severity == ERROR]
    if errors:
        first = errors[0]
        where = " / ".join(p for p in (first.kra, first.kpi) if p)
        more = f" (and {len(errors) - 1} more; run kpi-xl check)" if len(errors) > 1 else ""
        raise RoleError(f"{r.source or r.id}: role {r.id!r} cannot make a scorecard: "
                        f"{where + ': ' if where else ''}{first.message}{more}")
    return r


def build_scorecard(
    role: Role | str,
    employee: Employee | None = None,
    *,
    lang: str = "en",
    formulas: str = "native",
    policy: Policy | str | os.PathLike[str] | None = None,
    password: str | None = None,
    period: str | None = None,
) -> Workbook:
    """A scorecard workbook for `role` (a `Role`, a built-in id or a role file), optionally filled in
    with an employee's header fields. `period` overrides the employee's period.

    >>> wb = build_scorecard("digital-marketing-specialist", lang="id")
    >>> wb.sheetnames
    ['Kartu KPI', 'Catatan KRA', 'Inventaris Tugas', 'Kebijakan']
    >>> wb.defined_names["KPI_Actual"].attr_text
    "'Kartu KPI'!$J$11:$J$17"
    """
    wb, layout = build_workbook(role, lang=lang, formulas=formulas, policy=policy, password=password)
    fill_header(wb, layout, employee, period)
    return wb


EXISTS = "exists, not overwritten; use --overwrite"  # an employee may have filled it in


def write_scorecard(role: Role | str, path: str | os.PathLike[str], employee: Employee | None = None,
                    *, overwrite: bool = True, **options: Any) -> Path:
    """Build a scorecard (same options as `build_scorecard`) and save it to `path`, atomically.

    With `overwrite=False` an existing file is refused (KpiFileError) and left as it is.
    """
    p = Path(path)
    if p.suffix.lower() != ".xlsx":
        raise KpiFileError(f"{p}: a scorecard is written as .xlsx")
    if not overwrite and p.exists():
        raise KpiFileError(f"{p}: {EXISTS}")
    wb = build_scorecard(role, employee, **options)
    save_scorecard(wb, p)
    return p


def save_scorecard(wb: Workbook, path: Path) -> None:
    """Save next to the target and rename, so a crash never leaves half a scorecard."""
    save_workbook(wb, path, "scorecard", KpiFileError)


def resolve_policy(policy: Policy | str | os.PathLike[str] | None) -> Policy:
    """A `Policy` as it is, a policy file loaded, None the default policy."""
    if isinstance(policy, Policy):
        return policy
    return load_policy(policy)


def build_workbook(role: Role | str, *, lang: str, formulas: str, policy: Any, password: str | None
                   ) -> tuple[Workbook, HeaderCells]:
    """A scorecard workbook with a blank header, and where its header cells are (for `fill_header`)."""
    check_options(lang, formulas)
    r = usable_role(role)
    pol = resolve_policy(policy)
    m = LABELS[lang]
    wb = Workbook()
    ws = wb.active
    ws.title = m["sheet_scorecard"]
    kra_ws = wb.create_sheet(m["sheet_kra"])
    task_ws = wb.create_sheet(m["sheet_tasks"])
    pol_ws = wb.create_sheet(m["sheet_policy"])
    # The policy sheet first: the scorecard's formulas name its ranges.
    policy_sheet(wb, pol_ws, pol, lang)
    if pol.rating is not None and pol.rating.weight("competencies"):
        # Beside the scorecard sheet: the employee and the supervisor fill it in with the scorecard.
        competencies_sheet(wb, wb.create_sheet(m["sheet_competencies"], 1), r, pol, lang, formulas)
    layout = scorecard_sheet(wb, ws, r, pol, lang, formulas)
    kra_sheet(wb, kra_ws, r, lang)
    task_sheet(task_ws, r, lang)
    for sheet in wb.worksheets:
        sheet.protection.sheet = True
        # Still allowed under protection: widening a column or a row when a text is cut off.
        sheet.protection.formatColumns = sheet.protection.formatRows = False
        if password:
            sheet.protection.password = password
        sheet.sheet_view.showGridLines = False
    wb.properties.title = f"{m['title']} - {r.name(lang)}"
    wb.properties.subject = r.id
    wb.properties.creator = "kpi-xl"
    wb.active = 0
    return wb, layout


def fill_header(wb: Workbook, layout: HeaderCells, employee: Employee | None, period: str | None) -> None:
    """Write (or clear) the employee's header fields; the department defaults to the role's."""
    ws = wb[layout.sheet]
    values = {
        C.EMPLOYEE_NAME: employee.name if employee else None,
        C.EMPLOYEE_ID: employee.employee_id if employee else None,
        C.DEPARTMENT: (employee.department if employee else None) or layout.department,
        C.SUPERVISOR: employee.supervisor if employee else None,
        C.PERIOD: period if period is not None else (employee.period if employee else None),
    }
    for name, value in values.items():
        put_text(ws, layout.cells[name], value or None)


_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                     *(f"lpt{i}" for i in range(1, 10))}
# A file name is at most 255 bytes on most file systems (ext4, APFS, NTFS counts 255 UTF-16 units):
# the stem keeps 200 bytes of UTF-8, which leaves room for "_12.xlsx" and the temporary file's prefix,
# and at most 100 characters, which keeps Windows paths short.
_MAX_STEM_BYTES, _MAX_STEM_CHARS = 200, 100


def _cut(stem: str) -> str:
    """At most _MAX_STEM_CHARS characters and _MAX_STEM_BYTES bytes of UTF-8, never half a character."""
    return stem[:_MAX_STEM_CHARS].encode("utf-8")[:_MAX_STEM_BYTES].decode("utf-8", errors="ignore")


def _safe_part(text: str) -> str:
    """Letters, digits and "-" kept; anything else (spaces, dots, path separators, ":", "*", quotes,
    control characters) becomes one "_", so no "..", no separator and no name ending in a dot."""
    kept = "".join(ch if ch.isalnum() or ch == "-" else "_" for ch in unicodedata.normalize("NFC", text))
    return re.sub(r"_+", "_", kept).strip("_")


def scorecard_filename(employee: Employee, taken: set[str]) -> str:
    """A safe file name for an employee's scorecard: ``ID_Name.xlsx``, unique within `taken`.

    No path separators, no ``..``, no character or name Windows refuses (``CON``, ``a:b``...);
    two employees never share a name, ignoring case as Windows and macOS do. `taken` holds the
    case-folded names already used and gets the new one added.

    >>> taken = set()
    >>> scorecard_filename(Employee("E1", "../../etc/passwd", "", "", "r", "", None, None, 2), taken)
    'E1_etc_passwd.xlsx'
    >>> scorecard_filename(Employee("", "CON", "", "", "r", "", None, None, 3), taken)
    '_CON.xlsx'
    """
    parts = [p for p in (_safe_part(employee.employee_id), _safe_part(employee.name)) if p]
    stem = _cut("_".join(parts)).strip("_") or "employee"
    if stem.lower() in _WINDOWS_RESERVED:
        stem = "_" + stem
    name, n = f"{stem}.xlsx", 1
    while name.casefold() in taken:
        n += 1
        name = f"{stem}_{n}.xlsx"
    taken.add(name.casefold())
    return name
