"""Policy files: the default policy, a company's own file named in the environment, broken files say where and what."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kpi_xl import PolicyError
from kpi_xl.policy import POLICY_ENV, load_policy
from kpi_xl.resources import templates_dir


def test_default_policy_is_the_seeds():
    p = load_policy()
    assert p.thresholds == (70, 95, 105, 130)
    assert [b.level for b in p.bands] == [1, 2, 3, 4, 5]
    assert p.lower_method == "difference" and p.max_score is None


def test_policy_from_env(tmp_path, monkeypatch):
    data = _policy()
    data["bands"][0]["above"] = 120  # level 5 starts above 120 instead of 130
    path = _write(tmp_path, "company.yaml", data)
    monkeypatch.setenv(POLICY_ENV, str(path))
    p = load_policy()
    assert p.source == "company.yaml"
    assert p.thresholds == (70, 95, 105, 120)


def _broken(mutate):
    data = _policy()
    mutate(data)
    return data


BROKEN_POLICIES = [
    (lambda d: d["bands"][1].update(above=140), "company.yaml: bands: thresholds out of order: level 5 (above 130) "
     "must start above level 4 (above 140)"),
    (lambda d: d["bands"][1].update(level=5), "company.yaml: bands[1].level: level 5 appears twice (also bands[0])"),
    (lambda d: d["bands"][2].update(bonus="one"), "company.yaml: bands[2].bonus: 'one' is not a number"),
    (lambda d: d["bands"][2].update(above="95%"), "company.yaml: bands[2].above: '95%' is not a number"),
    (lambda d: d.update(lower_method="inverse"),
     "company.yaml: lower_method: 'inverse' is not one of difference, ratio"),
    (lambda d: d.update(max_score=-1), "company.yaml: max_score: -1 must be above 0 (or null for no cap)"),
    (lambda d: d["bands"][3].pop("label"), "company.yaml: bands[3].label: needs text for both 'id' and 'en'"),
    (lambda d: d["bands"][4].update(above=10),
     "company.yaml: bands: exactly one band, the lowest level (1), has above: null"),
    (lambda d: d.update(bands=[]), "company.yaml: bands: expected a list of at least two bands"),
    (lambda d: d.update(colour="red"), "company.yaml: unknown field(s) colour"),
]


@pytest.mark.parametrize("mutate,message", BROKEN_POLICIES)
def test_broken_policy_messages(tmp_path, mutate, message):
    path = _write(tmp_path, "company.yaml", _broken(mutate))
    with pytest.raises(PolicyError) as e:
        load_policy(path)
    assert str(e.value) == message


def test_policy_env_naming_a_missing_file(tmp_path, monkeypatch):
    monkeypatch.setenv(POLICY_ENV, str(tmp_path / "gone.yaml"))
    with pytest.raises(PolicyError, match=r"gone\.yaml: policy file not found \(named by the environment "
                                          r"variable KPI_XL_POLICY\)$"):
        load_policy()


def test_policy_file_missing_and_not_yaml(tmp_path):
    with pytest.raises(PolicyError, match=r"nope\.yaml: policy file not found$"):
        load_policy(tmp_path / "nope.yaml")
    bad = _write(tmp_path, "bad.yaml", "bands: [\n")
    with pytest.raises(PolicyError, match=r"^bad\.yaml: not valid YAML at line \d+"):
        load_policy(bad)


def _policy() -> dict:
    return yaml.safe_load((templates_dir() / "policy.yaml").read_text(encoding="utf-8"))


def _write(tmp_path: Path, name: str, data) -> Path:
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data, allow_unicode=True) if not isinstance(data, str) else data,
                 encoding="utf-8")
    return p


def test_the_policy_fields_shown_in_the_docs_load_as_documented():
    import re
    from pathlib import Path

    import yaml

    from kpi_xl.policy import policy_from_dict

    root = Path(__file__).resolve().parents[1]
    doc = (root / "docs" / "scorecards-and-roles.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(currency.*?)```", doc, re.S).group(1)
    data = yaml.safe_load((root / "templates" / "policy.yaml").read_text(encoding="utf-8"))
    data.update(yaml.safe_load(block))
    policy = policy_from_dict(data, "docs example")
    assert (policy.currency, policy.annual_method, policy.missing_period, policy.trend_threshold) == (
        "IDR", "mean", "incomplete", 5.0)
    assert policy.rating.weights == (("kpi", 70.0), ("competencies", 30.0))
    assert (policy.rating.low, policy.rating.high, policy.rating.meets, policy.rating.self_gap) == (1, 5, 3.0, 2.0)
