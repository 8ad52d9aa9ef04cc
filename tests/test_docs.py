"""The README and docs/ pages: every command and option documented, every link resolving, the README's first
screen showing how to start, the example roster working as the README says, no words from internal sources."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from kpi_xl.cli import app
from kpi_xl.roster import read_roster

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = sorted((ROOT / "docs").glob("*.md"))
DOCS = [README, *PAGES]

# The two commands the README's first screen shows, word for word (tests/test_project.py ties the second to CI).
DEMO_COMMAND = "python3 -m venv .venv && . .venv/bin/activate && pip install . && kpi-xl demo"
TEST_COMMAND = 'python3 -m venv .venv && . .venv/bin/activate && pip install ".[test]" && python -m pytest'
FIRST_SCREEN = 40  # lines

# Pictures another change adds; until they exist, their links are skipped rather than failed.

# Words of the project's internal sources, not HR's: the worked example is "the worked example".
INTERNAL_WORDS = ("golden", "seed")


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _all_docs() -> str:
    return "\n".join(_text(p) for p in DOCS)


def _walk(command, path: tuple[str, ...] = ()):
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _walk(sub, path + (name,))


COMMANDS = list(_walk(typer.main.get_command(app)))


# --- every command and option is documented -----------------------------------------------------------------


@pytest.mark.parametrize("path, command", COMMANDS, ids=[" ".join(p) or "kpi-xl" for p, _ in COMMANDS])
def test_every_command_and_option_is_documented(path, command):
    text = _all_docs()
    if path:
        assert f"kpi-xl {' '.join(path)}" in text, f"kpi-xl {' '.join(path)} is in no README or docs page"
    options = [o for p in command.params for o in p.opts if o.startswith("--")]
    missing = [o for o in options if not re.search(re.escape(o) + r"(?![\w-])", text)]
    assert not missing, f"kpi-xl {' '.join(path)}: {missing} in no README or docs page"


# --- links ----------------------------------------------------------------------------------------------------

_FENCE = re.compile(r"^```.*?^```", re.S | re.M)
_CODE = re.compile(r"`[^`\n]*`")
_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def _links(path: Path) -> list[str]:
    text = _CODE.sub("", _FENCE.sub("", _text(path)))
    return _LINK.findall(text)


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = _CODE.sub(lambda m: m.group(0).strip("`"), heading.strip()).lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = _FENCE.sub("", _text(path))
    return {_slug(m) for m in re.findall(r"^#{1,6} (.+)$", text, re.M)}


LINKS = [(doc, target) for doc in DOCS for target in _links(doc) if not re.match(r"[a-z]+:", target)]


@pytest.mark.parametrize("doc, target", LINKS, ids=[f"{d.relative_to(ROOT)}->{t}" for d, t in LINKS])
def test_relative_link_resolves(doc: Path, target: str):
    file, _, anchor = target.partition("#")
    resolved = (doc.parent / file).resolve() if file else doc
    where = resolved.relative_to(ROOT).as_posix() if resolved.is_relative_to(ROOT) else str(resolved)
    assert resolved.exists(), f"{doc.name}: {target} points at {where}, which does not exist"
    if anchor and resolved.suffix == ".md":
        assert anchor in _anchors(resolved), f"{doc.name}: {target}: no heading {anchor!r} in {where}"


def test_every_docs_page_is_linked_from_the_readme():
    linked = {(ROOT / t.partition("#")[0]).resolve() for t in _links(README)}
    assert [p.name for p in PAGES if p.resolve() not in linked] == []


# --- the README's first screen --------------------------------------------------------------------------------


def test_first_screen_shows_both_commands_and_the_workflow():
    first = _text(README).splitlines()[:FIRST_SCREEN]
    assert DEMO_COMMAND in first
    assert TEST_COMMAND in first
    assert [line for line in first if re.match(r"#+ .*\bworkflow\b", line, re.I)], "no workflow heading"


# --- no words from internal sources ---------------------------------------------------------------------------


@pytest.mark.parametrize("doc", DOCS, ids=[d.relative_to(ROOT).as_posix() for d in DOCS])
def test_no_words_from_internal_sources(doc: Path):
    text = _text(doc).lower()
    assert [w for w in INTERNAL_WORDS if w in text] == []


# --- the example roster ---------------------------------------------------------------------------------------


def _csv_rows() -> list[list[str]]:
    with open(ROOT / "examples" / "roster.csv", encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_example_roster_makes_a_scorecard_per_employee(tmp_path):
    employees = len(_csv_rows()) - 1
    result = CliRunner().invoke(app, ["template", "--roster", str(ROOT / "examples" / "roster.csv"),
                                      "-o", str(tmp_path / "scorecards")])
    assert result.exit_code == 0, result.output
    assert f"{employees} files written, 0 rows refused" in result.output
    assert len(list((tmp_path / "scorecards").glob("*.xlsx"))) == employees


def _employees(path: Path) -> list[tuple]:
    roster = read_roster(path)
    assert roster.problems == []
    return [(e.employee_id, e.name, e.department, e.supervisor, e.role, e.period, e.monthly_salary, e.potential)
            for e in roster.employees]


def test_example_roster_xlsx_and_csv_hold_the_same_employees():
    employees = _employees(ROOT / "examples" / "roster.csv")
    assert _employees(ROOT / "examples" / "roster.xlsx") == employees
    roles = {e[4] for e in employees}
    assert {"sales-manager", "Manajer Pemasaran"} <= roles, "the example shows a role id and a role name"


def test_readme_roster_table_is_the_example_file():
    header, *rows = _csv_rows()
    after = _text(README).split("| " + " | ".join(header) + " |\n", 1)[1].splitlines()[1:]  # past |---|
    table = []
    for line in after:
        if not line.startswith("|"):
            break
        table.append([cell.strip().replace(",", "") for cell in line.strip("|").split("|")])
    assert table and table == rows[: len(table)]
