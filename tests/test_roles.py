"""Role files and role checks: the ten built-in roles pass and score, broken files say where and what."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kpi_xl import RoleError
from kpi_xl.policy import default_policy
from kpi_xl.roles import (
    ERROR,
    WARNING,
    builtin_role,
    builtin_roles,
    check_role,
    check_roles,
    load_roles,
    resolve_role,
    role_from_dict,
)
from kpi_xl.scoring import score_scorecard

BUILTIN_IDS = [
    "sales-manager", "hr-manager", "it-manager", "social-media-specialist", "marketing-manager",
    "finance-manager", "customer-service-manager", "product-manager", "digital-marketing-specialist",
    "software-engineer",
]


def _write(tmp_path: Path, name: str, data) -> Path:
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data, allow_unicode=True) if not isinstance(data, str) else data,
                 encoding="utf-8")
    return p


# --- policy ---------------------------------------------------------------------------------------


# --- roles ----------------------------------------------------------------------------------------


def test_builtin_library_has_the_ten_roles():
    assert sorted(r.id for r in builtin_roles()) == sorted(BUILTIN_IDS)


@pytest.mark.parametrize("role_id", BUILTIN_IDS)
def test_builtin_role_loads_and_passes_checks(role_id):
    role = builtin_role(role_id)
    findings = check_role(role)
    assert [f for f in findings if f.severity == ERROR] == []
    assert role.total_weight == pytest.approx(100)
    assert 4 <= len(role.kras) <= 6
    assert role.name.en and role.name.id and role.department.en and role.department.id
    for kra, kpi in role.kpi_rows():
        assert kra.name.id and kpi.indicator.id and kpi.indicator.en


def test_builtin_roles_score_100_when_every_actual_meets_its_target():
    for role in builtin_roles():
        rows = [kpi for _, kpi in role.kpi_rows()]
        actuals = [1 if k.direction == "milestone" else k.target for k in rows]
        result = score_scorecard([k.weight for k in rows], actuals, [k.target for k in rows],
                                 [k.direction for k in rows], [k.tolerance for k in rows],
                                 [k.due for k in rows], policy=default_policy())
        assert result.kpi_value == pytest.approx(100), role.id
        assert result.band.level == 3


def test_digital_marketing_specialist_is_the_golden_scorecard():
    role = builtin_role("digital-marketing-specialist")
    rows = [(kra.name.en, kpi.weight, kpi.target, kpi.direction) for kra, kpi in role.kpi_rows()]
    assert rows == [
        ("Manage the company blog", 15, 40, "higher"),
        ("Manage the company blog", 10, 1_000_000, "higher"),
        ("Manage social media campaigns", 10, 25, "higher"),
        ("Manage social media campaigns", 10, 5, "higher"),
        ("Grow marketing qualified leads", 20, 25, "higher"),
        ("Grow marketing qualified leads", 20, 20, "higher"),
        ("Make ad spend efficient", 15, 30, "higher"),
    ]
    result = score_scorecard([r[1] for r in rows], [50, 1_500_000, 32, 6, 22, 21, 33], [r[2] for r in rows], policy=default_policy())
    assert round(result.kpi_value, 2) == 113.65 and result.band.level == 4


def _role(**changes) -> dict:
    role = {
        "id": "tester",
        "name": {"en": "Tester", "id": "Penguji"},
        "department": "QA",
        "period": "quarterly",
        "kras": [
            {"name": f"Area {i}", "goal": "Ship quality", "kpis": [
                {"indicator": f"indicator {i}", "unit": "%", "weight": 25, "target": 10, "direction": "higher"}]}
            for i in range(4)
        ],
    }
    role.update(changes)
    return role


BROKEN_ROLE_FILES = [
    ({"target": "ten"}, "sales-manager.yaml: kras[2].kpis[0].target: 'ten' is not a number"),
    ({"weight": None}, "sales-manager.yaml: kras[2].kpis[0].weight: None is not a number"),
    ({"wieght": 5}, "sales-manager.yaml: kras[2].kpis[0].wieght: is not a known field (check the spelling)"),
    ({"weight": float("nan")}, "sales-manager.yaml: kras[2].kpis[0].weight: nan is not a finite number"),
    ({"target": float("inf")}, "sales-manager.yaml: kras[2].kpis[0].target: inf is not a finite number"),
    ({"due": "next spring"}, "sales-manager.yaml: kras[2].kpis[0].due: 'next spring' is not a date "
     "(write it as YYYY-MM-DD)"),
]


@pytest.mark.parametrize("change,message", BROKEN_ROLE_FILES)
def test_broken_role_file_messages(tmp_path, change, message):
    data = _role()
    data["kras"][2]["kpis"][0].update(change)
    path = _write(tmp_path, "sales-manager.yaml", data)
    with pytest.raises(RoleError) as e:
        load_roles(path)
    assert str(e.value) == message


def test_role_file_problems(tmp_path):
    missing = _role()
    del missing["kras"][0]["name"]
    with pytest.raises(RoleError, match=r"^x\.yaml: kras\[0\]\.name: is required$"):
        load_roles(_write(tmp_path, "x.yaml", missing))
    with pytest.raises(RoleError, match=r"^y\.yaml: expected a role \(a mapping with id, name, kras\), got list$"):
        load_roles(_write(tmp_path, "y.yaml", "- a\n- b\n"))
    with pytest.raises(RoleError, match=r"^z\.yaml: not valid YAML at line 3: expected .,. or .\]., but got .<stream end>.$"):
        load_roles(_write(tmp_path, "z.yaml", "id: x\nname: [unclosed\n"))
    with pytest.raises(RoleError, match=r"none\.yaml: role file not found$"):
        load_roles(tmp_path / "none.yaml")
    with pytest.raises(RoleError, match=r"^unknown role 'chef'; built-in roles: .*sales-manager"):
        resolve_role("chef")


def _findings(data: dict) -> list[tuple[str, str, str, str]]:
    return [(f.severity, f.kra, f.kpi, f.message) for f in check_role(role_from_dict(data, "t.yaml"))]


def _kpi(role: dict, **changes) -> dict:
    role["kras"][1]["kpis"][0].update(changes)
    return role


CHECKS = [
    (_role(), []),
    (_kpi(_role(), weight=20), [(ERROR, "", "", "KPI weights sum to 95, not 100")]),
    (_kpi(_role(), weight=-25), [(ERROR, "", "", "KPI weights sum to 50, not 100"),
                                 (ERROR, "Area 1", "indicator 1", "weight -25 is not positive")]),
    (_kpi(_role(), direction="up"),
     [(ERROR, "Area 1", "indicator 1", "direction 'up' is not one of higher, lower, within, milestone")]),
    (_kpi(_role(), target=0), [(ERROR, "Area 1", "indicator 1", "a target of 0 cannot be scored with direction higher")]),
    (_kpi(_role(), target=0, direction="lower"), []),
    (_kpi(_role(), target=None), [(ERROR, "Area 1", "indicator 1", "no numeric target: the KPI cannot be measured")]),
    (_kpi(_role(), unit=None), [(ERROR, "Area 1", "indicator 1", "no unit: the KPI is not measurable as written")]),
    (_kpi(_role(), direction="milestone"),
     [(ERROR, "Area 1", "indicator 1", "a milestone without a due date cannot be measured")]),
    (_kpi(_role(), direction="milestone", due="2026-03-31"), []),
    (_kpi(_role(), direction="within"),
     [(WARNING, "Area 1", "indicator 1", "within without a tolerance scores 100 only on the exact target")]),
    (_kpi(_role(), indicator="indicator 0"),
     [(ERROR, "Area 1", "indicator 0", "indicator appears twice (also under 'Area 0')")]),
    (_role(period=None), [(ERROR, f"Area {i}", f"indicator {i}", "no period: the KPI is not time-bound")
                          for i in range(4)]),
    (_role(kras=_role()["kras"][:3]), [(ERROR, "", "", "KPI weights sum to 75, not 100"),
                                      (WARNING, "", "", "3 KRAs; 4-6 keep a role focused")]),
    (_role(kras=[]), [(ERROR, "", "", "the role has no KRAs")]),
]


@pytest.mark.parametrize("data,expected", CHECKS)
def test_checks_table(data, expected):
    assert _findings(data) == expected


def test_kra_without_kpis_and_goal():
    data = _role()
    data["kras"].append({"name": "Empty area"})
    findings = _findings(data)
    assert (ERROR, "Empty area", "", "the KRA has no KPI") in findings
    assert (WARNING, "Empty area", "", "the KRA names no company goal it serves") in findings


def test_finding_text_names_role_kra_kpi_and_fix():
    finding = check_role(role_from_dict(_kpi(_role(), target=0), "t.yaml"))[0]
    assert str(finding) == ("t.yaml: error: tester / Area 1 / indicator 1: a target of 0 cannot be scored "
                            "with direction higher. Fix: use a non-zero target, or direction lower for "
                            "'as few as possible'")


def test_duplicate_role_ids_across_files():
    a = role_from_dict(_role(), "a.yaml")
    b = role_from_dict(_role(), "b.yaml")
    assert any(f.message == "role id also defined in a.yaml" for f in check_roles([a, b]))


@pytest.mark.parametrize("lang,expected", [("en", "en"), ("EN", "en"), (" id ", "id"), ("ID", "id"), (None, "en")])
def test_role_texts_take_the_language_in_any_case(lang, expected):
    from kpi_xl.roles import builtin_role

    role = builtin_role("digital-marketing-specialist")
    assert role.name(lang) == (role.name.en if expected == "en" else role.name.id)
    assert role.name.en != role.name.id
