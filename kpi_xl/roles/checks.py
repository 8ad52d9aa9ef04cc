"""Role checks (SPEC 5): seed 000's "common mistakes", as errors and warnings with a fix.

Errors make a role unusable for scoring (weights not summing to 100, a KPI that cannot be measured);
warnings are advice (more than 6 KRAs, a KRA that names no company goal).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..scoring import DIRECTIONS
from .model import KPI, KRA, Role

ERROR, WARNING = "error", "warning"
MIN_KRAS, MAX_KRAS = 4, 6
_WEIGHT_SLACK = 1e-9  # weights such as 33.3333333333 x 3 still count as 100


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" or "warning"
    role: str
    kra: str  # "" when about the whole role
    kpi: str  # "" when about a whole KRA or role
    message: str
    fix: str
    source: str = ""

    def __str__(self) -> str:
        where = " / ".join(part for part in (self.role, self.kra, self.kpi) if part)
        origin = f"{self.source}: " if self.source else ""
        return f"{origin}{self.severity}: {where}: {self.message}. Fix: {self.fix}"


def check_role(role: Role) -> list[Finding]:
    """Every finding for one role, errors first.

    >>> from kpi_xl.roles import builtin_role
    >>> [f for f in check_role(builtin_role("digital-marketing-specialist")) if f.severity == "error"]
    []
    """
    findings: list[Finding] = []

    def add(severity: str, message: str, fix: str, kra: KRA | None = None, kpi: KPI | None = None) -> None:
        findings.append(
            Finding(severity, role.id, kra.name.en if kra else "", kpi.indicator.en if kpi else "",
                    message, fix, role.source)
        )

    n = len(role.kras)
    if n == 0:
        add(ERROR, "the role has no KRAs", "add the role's 4-6 main areas of responsibility under kras")
    elif not MIN_KRAS <= n <= MAX_KRAS:
        add(WARNING, f"{n} KRAs; 4-6 keep a role focused",
            "merge minor areas into the main ones" if n > MAX_KRAS else "add the missing main areas")

    total = role.total_weight
    if role.kras and abs(total - 100) > _WEIGHT_SLACK:
        add(ERROR, f"KPI weights sum to {total:g}, not 100",
            "adjust the weights so that they add up to exactly 100")

    _check_competencies(role, add)
    seen: dict[str, str] = {}
    for kra in role.kras:
        if not kra.kpis:
            add(ERROR, "the KRA has no KPI", "add at least one measurable indicator", kra)
        if kra.goal is None or not kra.goal.en.strip():
            add(WARNING, "the KRA names no company goal it serves",
                "add a goal (which company objective this area supports)", kra)
        for kpi in kra.kpis:
            _check_kpi(role, kra, kpi, add)
            key = kpi.indicator.en.strip().lower()
            if key in seen:
                add(ERROR, f"indicator appears twice (also under {seen[key]!r})",
                    "remove the duplicate or make the indicators distinct", kra, kpi)
            else:
                seen[key] = kra.name.en
    findings.sort(key=lambda f: f.severity != ERROR)
    return findings


def _check_competencies(role: Role, add) -> None:  # noqa: ANN001 - local callback
    weights = [c.weight for c in role.competencies if c.weight is not None]
    if not weights:
        return
    if len(weights) != len(role.competencies):
        add(ERROR, "some competencies have a weight and some do not",
            "give every competency a weight, or none (they then count equally)")
    elif abs(sum(weights) - 100) > _WEIGHT_SLACK:
        add(WARNING, f"competency weights sum to {sum(weights):g}, not 100",
            "adjust the competency weights so that they add up to 100")
    for c in role.competencies:
        if c.weight is not None and c.weight <= 0:
            add(ERROR, f"competency {c.name.en!r}: weight {c.weight:g} is not positive",
                "give every competency a weight above 0")


def _check_kpi(role: Role, kra: KRA, kpi: KPI, add) -> None:  # noqa: ANN001 - local callback
    if kpi.weight <= 0:
        add(ERROR, f"weight {kpi.weight:g} is not positive", "give every KPI a weight above 0", kra, kpi)
    if kpi.direction not in DIRECTIONS:
        add(ERROR, f"direction {kpi.direction!r} is not one of {', '.join(DIRECTIONS)}",
            "use higher, lower, within or milestone", kra, kpi)
        return
    if not (kpi.period or role.period):
        add(ERROR, "no period: the KPI is not time-bound",
            "set the role's period (monthly, quarterly, annual...) or the KPI's own", kra, kpi)
    if kpi.direction == "milestone":
        if kpi.due is None:
            add(ERROR, "a milestone without a due date cannot be measured",
                "add due: YYYY-MM-DD", kra, kpi)
        return
    if kpi.target is None:
        add(ERROR, "no numeric target: the KPI cannot be measured", "add a number as target", kra, kpi)
    elif kpi.target == 0 and kpi.direction != "lower":
        add(ERROR, f"a target of 0 cannot be scored with direction {kpi.direction}",
            "use a non-zero target, or direction lower for 'as few as possible'", kra, kpi)
    if kpi.unit is None or not kpi.unit.en.strip():
        add(ERROR, "no unit: the KPI is not measurable as written", "add the unit (%, leads, hours...)",
            kra, kpi)
    if kpi.direction == "within" and kpi.tolerance is None:
        add(WARNING, "within without a tolerance scores 100 only on the exact target",
            "add tolerance: the accepted distance from the target", kra, kpi)
    if kpi.tolerance is not None and kpi.tolerance < 0:
        add(ERROR, f"tolerance {kpi.tolerance:g} is below 0", "use a tolerance of 0 or more", kra, kpi)


def check_roles(roles: list[Role]) -> list[Finding]:
    """Findings for many roles, plus a role id used twice."""
    findings: list[Finding] = []
    seen: dict[str, str] = {}
    for role in roles:
        if role.id in seen:
            findings.append(Finding(ERROR, role.id, "", "", f"role id also defined in {seen[role.id]}",
                                    "give each role its own id", role.source))
        seen.setdefault(role.id, role.source)
        findings.extend(check_role(role))
    return findings
