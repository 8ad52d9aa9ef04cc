"""Role definitions kept in Excel: the role catalogue workbook (SPEC 5, issue 4).

HR often keeps roles in a workbook rather than YAML. A catalogue is accepted wherever a role file is
(`kpi-xl check roles.xlsx`, `kpi-xl template roles.xlsx#sales-manager`, `--roles roles.xlsx`), and
`kpi-xl roles export -o roles.xlsx` writes the built-in library in this form as a starting point.

The one sheet that matters holds one row per KPI:

    Role ID | Role name | Department | KRA | Goal | Indicator | Unit | Weight | Target | Direction |
    Tolerance | Due date | Period | Method

Sheets are recognised by their header row (in the first 10 rows), not by their names. Headers are
matched in English or Indonesian ("Bobot", "Indikator", "Arah"...); a text column may come twice, as
"Role name (en)" and "Role name (id)", or once for both languages. "Tolerance or due date" may be one
column: a number is a tolerance, a date a due date. Optional sheets add what one row per KPI cannot
hold: Roles (ID, description, period), Activities (role ID, KRA or blank for the role, activity) and
Tasks (the task inventory). Rows of a role and of a KRA need not be next to each other.

Every message names the file, the sheet and the cell: ``roles.xlsx: sheet KPIs, cell H7: weight 'ten'
is not a number``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..addresses import column_letter
from ..errors import RoleError
from ..io.files import save_workbook
from ..io.text import put_text
from ..io.workbook import read_sheets
from ..values import cell_text, is_blank, read_number, serial_date
from ..words import CATALOGUE_COLUMNS, NO_WORDS, YES_WORDS, match, split_lang_suffix
from .model import Role, Text, role_from_dict

TEXT_FIELDS = {"role_name", "department", "description", "kra", "goal", "indicator", "unit", "method",
               "activity", "task", "frequency", "duration", "notes"}
_HEADER_SCAN_ROWS = 10
EXCEL_TEXT = 32_767  # characters a cell holds: the catalogue keeps every role text whole

# What the exported sheets are called; the reader does not rely on these names.
SHEET_KPIS, SHEET_ROLES, SHEET_ACTIVITIES, SHEET_TASKS, SHEET_README = (
    "KPIs", "Roles", "Activities", "Tasks", "Read me")


@dataclass(frozen=True)
class _Column:
    field: str
    lang: str | None  # "en", "id", or None for both
    index: int


def _header(value: Any) -> tuple[str, str | None] | None:
    """(field, language) a header cell names, or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text, lang = split_lang_suffix(value.strip())
    field = match(text, CATALOGUE_COLUMNS)
    return None if field is None else (field, lang)


class _Sheet:
    """One sheet's header and data rows, with messages that name the cell."""

    def __init__(self, source: str, title: str, header_row: int, columns: list[_Column],
                 rows: list[tuple[int, Sequence[Any]]]) -> None:
        self.source, self.title, self.header_row, self.rows = source, title, header_row, rows
        self.columns: dict[str, list[_Column]] = {}
        for c in columns:
            self.columns.setdefault(c.field, []).append(c)

    def has(self, field: str) -> bool:
        return field in self.columns

    def where(self, row: int, field: str | None = None) -> str:
        if field and field in self.columns:
            return f"{self.source}: sheet {self.title}, cell {column_letter(self.columns[field][0].index)}{row}"
        return f"{self.source}: sheet {self.title}, row {row}"

    def raw(self, cells: Sequence[Any], field: str) -> Any:
        for c in self.columns.get(field, ()):
            value = cells[c.index] if c.index < len(cells) else None
            if not is_blank(value):
                return value
        return None

    def text(self, cells: Sequence[Any], field: str) -> dict[str, str] | None:
        """A bilingual text: {"en": ..., "id": ...} from the (en)/(id)/plain columns, None when blank."""
        found: dict[str | None, str] = {}
        for c in self.columns.get(field, ()):
            value = cells[c.index] if c.index < len(cells) else None
            if not is_blank(value):
                found.setdefault(c.lang, cell_text(value))
        if not found:
            return None
        plain = found.get(None)
        en = found.get("en") or plain or found.get("id")
        id_ = found.get("id") or plain or en
        return {"en": en, "id": id_}  # type: ignore[dict-item]

    def plain(self, cells: Sequence[Any], field: str) -> str | None:
        value = self.raw(cells, field)
        return None if value is None else cell_text(value)

    def number(self, cells: Sequence[Any], field: str, row: int) -> float | None:
        """A number cell, read by the one rule for numbers typed as text (`kpi_xl.values.read_number`):
        "1.500.000" and "113,65" are read, "1,500" (1500 or 1.5?) is refused rather than guessed."""
        value = self.raw(cells, field)
        if value is None:
            return None
        word = _FIELD_WORDS[field]
        if isinstance(value, bool):  # TRUE in a weight or target column is a slip, not 1
            raise RoleError(f"{self.where(row, field)}: {word} {value!r} is not a number")
        number, note = read_number(value, word)
        if number is None:
            raise RoleError(f"{self.where(row, field)}: {note or f'{word} {value!r} is not a number'}")
        return number

    def date(self, cells: Sequence[Any], field: str, row: int) -> dt.date | None:
        value = self.raw(cells, field)
        if value is None:
            return None
        try:
            return _as_date(value)
        except ValueError:
            raise RoleError(f"{self.where(row, field)}: due date {value!r} is not a date "
                            f"(type a date, or YYYY-MM-DD)") from None


_FIELD_WORDS = {"weight": "weight", "target": "target", "tolerance": "tolerance", "due": "due date",
                "tolerance_or_due": "tolerance or due date"}




def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        return serial_date(value)  # a serial number without a date format
    if isinstance(value, str):
        return dt.date.fromisoformat(value.strip()[:10])
    raise ValueError(value)


def _as_bool(value: Any, where: str) -> bool | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    word = cell_text(value).lower()
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise RoleError(f"{where}: {value!r} is not yes or no")


# --- reading -----------------------------------------------------------------------------------------


def _sheets(path: Path) -> list[_Sheet]:
    """The sheets with a header row naming a role ID and one more field, read through the one gate
    (the preflight first: a refused file raises `RoleError` with its message)."""
    if not path.exists():
        raise RoleError(f"{path}: role catalogue not found")
    sheets = []
    for title, rows in read_sheets(path, "role catalogue", RoleError):
        for idx, (number, cells) in enumerate(rows[:_HEADER_SCAN_ROWS]):
            columns = [_Column(h[0], h[1], i) for i, v in enumerate(cells) if (h := _header(v))]
            fields = {c.field for c in columns}
            if "role_id" in fields and len(fields) >= 2:
                sheets.append(_Sheet(path.name, title, number, columns, rows[idx + 1:]))
                break
    return sheets


def read_catalogue(path: str | os.PathLike[str]) -> list[Role]:
    """Every role of a role catalogue workbook, in the order they first appear.

    >>> import tempfile, pathlib
    >>> from kpi_xl.roles import builtin_role
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "roles.xlsx"
    >>> _ = export_catalogue([builtin_role("digital-marketing-specialist")], p)
    >>> [(r.id, len(r.kras), r.total_weight) for r in read_catalogue(p)]
    [('digital-marketing-specialist', 4, 100.0)]
    """
    p = Path(path)
    sheets = _sheets(p)
    kpi_sheets = [s for s in sheets if s.has("indicator") and s.has("weight")]
    if not kpi_sheets:
        raise RoleError(f"{p.name}: no sheet with a header row naming at least Role ID, Indicator and Weight "
                        f"(one row per KPI)")
    roles: dict[str, dict[str, Any]] = {}
    seen_at: dict[tuple[str, str], str] = {}  # (role id, field) -> where its value was first given

    def role_entry(role_id: str) -> dict[str, Any]:
        return roles.setdefault(role_id, {"id": role_id, "kras": {}, "supporting_activities": [], "tasks": []})

    def set_once(entry: dict[str, Any], key: str, value: Any, where: str) -> None:
        """Role-level values repeated on many rows must agree."""
        if value is None:
            return
        if entry.get(key) is None:
            entry[key] = value
            seen_at[(entry["id"], key)] = where
        elif _differs(entry[key], value):
            raise RoleError(f"{where}: role {entry['id']!r} has {key.replace('_', ' ')} {_show(value)} here but "
                            f"{_show(entry[key])} at {seen_at[(entry['id'], key)].split(': ', 1)[1]}")

    for sheet in (s for s in sheets if not s.has("indicator") and not s.has("task") and not s.has("activity")):
        for row, cells in sheet.rows:
            role_id = sheet.plain(cells, "role_id")
            if role_id is None:
                continue
            entry = role_entry(role_id)
            for key in ("role_name", "department", "description"):
                set_once(entry, "name" if key == "role_name" else key, sheet.text(cells, key), sheet.where(row, key))
            set_once(entry, "period", sheet.plain(cells, "period"), sheet.where(row, "period"))

    for sheet in kpi_sheets:
        for row, cells in sheet.rows:
            if all(is_blank(v) for v in cells):
                continue
            role_id = sheet.plain(cells, "role_id")
            if role_id is None:
                raise RoleError(f"{sheet.where(row, 'role_id')}: role ID is blank")
            entry = role_entry(role_id)
            set_once(entry, "name", sheet.text(cells, "role_name"), sheet.where(row, "role_name"))
            set_once(entry, "department", sheet.text(cells, "department"), sheet.where(row, "department"))
            kra_name = sheet.text(cells, "kra")
            if kra_name is None:
                raise RoleError(f"{sheet.where(row, 'kra')}: KRA is blank (every KPI row names its KRA)")
            kra = entry["kras"].setdefault(kra_name["en"], {"name": kra_name, "kpis": [], "activities": []})
            goal = sheet.text(cells, "goal")
            if goal is not None and kra.get("goal") is None:
                kra["goal"] = goal
            kpi = _kpi(sheet, cells, row)
            kpi["_period"] = sheet.plain(cells, "period")
            kra["kpis"].append(kpi)

    for sheet in (s for s in sheets if s.has("activity") and not s.has("indicator")):
        for row, cells in sheet.rows:
            role_id, activity = sheet.plain(cells, "role_id"), sheet.text(cells, "activity")
            if role_id is None or activity is None:
                continue
            entry = role_entry(role_id)
            kra_name = sheet.text(cells, "kra")
            if kra_name is None:
                entry["supporting_activities"].append(activity)
            elif kra_name["en"] in entry["kras"]:
                entry["kras"][kra_name["en"]]["activities"].append(activity)
            else:
                raise RoleError(f"{sheet.where(row, 'kra')}: role {role_id!r} has no KRA {kra_name['en']!r}")

    for sheet in (s for s in sheets if s.has("task") and not s.has("indicator")):
        for row, cells in sheet.rows:
            role_id, task = sheet.plain(cells, "role_id"), sheet.text(cells, "task")
            if role_id is None or task is None:
                continue
            item: dict[str, Any] = {"task": task}
            for key in ("frequency", "duration", "notes"):
                if (value := sheet.text(cells, key)) is not None:
                    item[key] = value
            delegable = _as_bool(sheet.raw(cells, "delegable"), sheet.where(row, "delegable"))
            if delegable is not None:
                item["delegable"] = delegable
            role_entry(role_id)["tasks"].append(item)

    out = []
    for role_id, entry in roles.items():
        kras = list(entry.pop("kras").values())
        kpis = [kpi for kra in kras for kpi in kra["kpis"]]
        if entry.get("period") is None:
            entry["period"] = next((k["_period"] for k in kpis if k["_period"]), None)
        for kpi in kpis:  # a KPI's own period only where it differs from the role's
            own = kpi.pop("_period")
            if own and own != entry["period"]:
                kpi["period"] = own
        if entry.get("name") is None:
            entry["name"] = role_id
        if entry.get("department") is None:
            raise RoleError(f"{p.name}: role {role_id!r} names no department (add a Department column)")
        data = {k: v for k, v in entry.items() if v is not None and v != []}
        data["kras"] = kras
        out.append(role_from_dict(data, p.name))
    return out


def _differs(old: Any, new: Any) -> bool:
    # A plain column fills both languages, so two texts conflict only where both have the language.
    if isinstance(old, dict) and isinstance(new, dict):
        return old["en"] != new["en"]
    return old != new


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return repr(value.get("en"))
    return repr(value)


def _kpi(sheet: _Sheet, cells: Sequence[Any], row: int) -> dict[str, Any]:
    indicator = sheet.text(cells, "indicator")
    if indicator is None:
        raise RoleError(f"{sheet.where(row, 'indicator')}: indicator is blank")
    weight = sheet.number(cells, "weight", row)
    if weight is None:
        raise RoleError(f"{sheet.where(row, 'weight')}: weight is blank")
    kpi: dict[str, Any] = {"indicator": indicator, "weight": weight}
    direction = sheet.plain(cells, "direction")
    if direction:
        kpi["direction"] = direction  # the role model reads it (English or Indonesian words)
    for key in ("unit", "method"):
        if (value := sheet.text(cells, key)) is not None:
            kpi[key] = value
    for key in ("target", "tolerance"):
        if (value := sheet.number(cells, key, row)) is not None:
            kpi[key] = value
    if (due := sheet.date(cells, "due", row)) is not None:
        kpi["due"] = due
    combined = sheet.raw(cells, "tolerance_or_due")
    if combined is not None:
        if isinstance(combined, (dt.date, dt.datetime)) or (
                isinstance(combined, str) and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}.*", combined)):
            kpi["due"] = sheet.date(cells, "tolerance_or_due", row)
        else:
            kpi["tolerance"] = sheet.number(cells, "tolerance_or_due", row)
    return kpi


# --- writing -----------------------------------------------------------------------------------------

def _texts(text: Text | None) -> tuple[str | None, str | None]:
    return (None, None) if text is None else (text.en, text.id)


def export_catalogue(roles: Iterable[Role], path: str | os.PathLike[str]) -> Path:
    """Write roles as a role catalogue workbook (KPIs, Roles, Activities, Tasks sheets); returns the path.

    Reading it back with `read_catalogue` gives the same roles.
    """
    # for start-up speed: openpyxl only when a catalogue is written
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    p = Path(path)
    if p.suffix.lower() != ".xlsx":
        raise RoleError(f"{p}: a role catalogue is written as .xlsx")
    roles = list(roles)
    head_font = Font(name="Arial", size=10, bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor="2F5597")
    wrap = Alignment(wrap_text=True, vertical="top")

    wb = Workbook()
    readme = wb.active
    readme.title = SHEET_README

    def sheet(title: str, headers: Sequence[tuple[str, float]], rows: Iterable[Sequence[Any]]) -> Any:
        ws = wb.create_sheet(title)
        for c, (text, width) in enumerate(headers, start=1):
            cell = ws.cell(1, c, text)
            cell.font, cell.fill, cell.alignment = head_font, head_fill, Alignment(wrap_text=True, vertical="center")
            ws.column_dimensions[get_column_letter(c)].width = width
        n = 1
        for n, values in enumerate(rows, start=2):
            for c, value in enumerate(values, start=1):
                cell = ws.cell(n, c)
                if isinstance(value, str):
                    put_text(cell, value, EXCEL_TEXT)  # a role text starting with "=" stays text
                else:
                    cell.value = value
                if isinstance(value, str):
                    cell.alignment = wrap
                elif isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
        ws.freeze_panes = "B2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(n, 2)}"
        return ws

    kpi_headers = [("Role ID", 24), ("Role name (en)", 24), ("Role name (id)", 24), ("Department (en)", 16),
                   ("Department (id)", 16), ("KRA (en)", 28), ("KRA (id)", 28), ("Goal (en)", 30),
                   ("Goal (id)", 30), ("Indicator (en)", 36), ("Indicator (id)", 36), ("Unit (en)", 14),
                   ("Unit (id)", 14), ("Weight", 8), ("Target", 12), ("Direction", 11), ("Tolerance", 10),
                   ("Due date", 12), ("Period", 11), ("Method (en)", 36), ("Method (id)", 36)]
    kpi_rows = []
    for role in roles:
        for kra, kpi in role.kpi_rows():
            kpi_rows.append((role.id, *_texts(role.name), *_texts(role.department), *_texts(kra.name),
                             *_texts(kra.goal), *_texts(kpi.indicator), *_texts(kpi.unit), kpi.weight, kpi.target,
                             kpi.direction, kpi.tolerance, kpi.due, kpi.period or role.period,
                             *_texts(kpi.method)))
    ws = sheet(SHEET_KPIS, kpi_headers, kpi_rows)
    directions = DataValidation(type="list", formula1='"higher,lower,within,milestone"', allow_blank=True)
    directions.add(f"P2:P{max(len(kpi_rows) + 1, 2) + 500}")
    ws.add_data_validation(directions)
    weights = DataValidation(type="decimal", operator="greaterThan", formula1="0", allow_blank=True)
    weights.add(f"N2:N{max(len(kpi_rows) + 1, 2) + 500}")
    ws.add_data_validation(weights)

    sheet(SHEET_ROLES, [("Role ID", 24), ("Role name (en)", 24), ("Role name (id)", 24), ("Department (en)", 16),
                        ("Department (id)", 16), ("Period", 11), ("Description (en)", 60),
                        ("Description (id)", 60)],
          [(r.id, *_texts(r.name), *_texts(r.department), r.period, *_texts(r.description)) for r in roles])
    sheet(SHEET_ACTIVITIES, [("Role ID", 24), ("KRA (en)", 28), ("Activity (en)", 60), ("Activity (id)", 60)],
          [(r.id, None, *_texts(a)) for r in roles for a in r.supporting_activities]
          + [(r.id, k.name.en, *_texts(a)) for r in roles for k in r.kras for a in k.activities])
    sheet(SHEET_TASKS, [("Role ID", 24), ("Task (en)", 40), ("Task (id)", 40), ("Frequency (en)", 12),
                        ("Frequency (id)", 12), ("Duration (en)", 16), ("Duration (id)", 16),
                        ("Can be delegated", 10), ("Notes (en)", 40), ("Notes (id)", 40)],
          [(r.id, *_texts(t.task), *_texts(t.frequency), *_texts(t.duration),
            None if t.delegable is None else ("yes" if t.delegable else "no"), *_texts(t.notes))
           for r in roles for t in r.tasks])

    readme.column_dimensions["A"].width = 110
    lines = [
        ("Role catalogue (kpi-xl)", Font(name="Arial", size=14, bold=True, color="1F3864")),
        ("One row per KPI on the KPIs sheet. The weights of a role's KPIs sum to 100.", None),
        ("Direction: higher (more is better), lower (less is better), within (target ± tolerance), "
         "milestone (done by the due date).", None),
        ("Columns ending in (en) and (id) hold the English and Indonesian text; one column without a "
         "suffix serves both languages.", None),
        ("Roles: description and period per role. Activities: supporting activities (KRA blank: the whole "
         "role). Tasks: the task inventory.", None),
        ("Check it with: kpi-xl check roles.xlsx    Make a scorecard with: kpi-xl template "
         "roles.xlsx#ROLE-ID -o scorecard.xlsx", None),
    ]
    for i, (text, font) in enumerate(lines, start=1):
        cell = readme.cell(i, 1, text)
        cell.font = font or Font(name="Arial", size=10)
        cell.alignment = Alignment(wrap_text=True)
    wb.active = 1

    return save_workbook(wb, p, "role catalogue", RoleError)
