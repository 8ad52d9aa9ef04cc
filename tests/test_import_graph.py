"""No import circles among kpi_xl's modules, and no import inside a function unless a comment on its
line or the line above says it is there for start-up speed (STYLE: "No import circles; a lazy import
only to keep start-up fast, with a comment saying so")."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "kpi_xl"
START_UP = ("start-up", "startup", "start up")

# Modules with function-level imports that give no reason, which other branches are changing now (and
# rollup/read.py's `_generator_sheets`, which the lead replaces with kpi_xl.contract's names): the lead
# empties this at merge.
NOT_YET: set[str] = set()  # every lazy import says why


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(node: ast.ImportFrom, here: str, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = here.split(".") if is_package else here.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _targets(node: ast.AST, here: str, is_package: bool) -> list[str]:
    """The kpi_xl modules an import statement loads (a name imported from a package that is one of
    its modules counts as that module)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name in MODULES]
    assert isinstance(node, ast.ImportFrom)
    source = _resolve(node, here, is_package)
    found = [f"{source}.{a.name}" for a in node.names if f"{source}.{a.name}" in MODULES]
    if len(found) < len(node.names) and source in MODULES:
        found.append(source)
    return found


def _module_level(tree: ast.Module) -> list[ast.AST]:
    """Import statements run when the module is imported: at the top, and inside top-level if/try
    blocks, but not under `if TYPE_CHECKING:`."""
    out: list[ast.AST] = []
    todo: list[ast.stmt] = list(tree.body)
    while todo:
        stmt = todo.pop(0)
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            out.append(stmt)
        elif isinstance(stmt, ast.If):
            if "TYPE_CHECKING" not in ast.unparse(stmt.test):
                todo[:0] = stmt.body + stmt.orelse
        elif isinstance(stmt, ast.Try):
            todo[:0] = stmt.body + [s for h in stmt.handlers for s in h.body] + stmt.orelse + stmt.finalbody
    return out


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        edges = graph.setdefault(name, set())
        for node in _module_level(tree):
            edges.update(t for t in _targets(node, name, path.name == "__init__.py") if t != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_graph_sees_the_imports():
    graph = import_graph()
    assert "kpi_xl.io.preflight" in graph["kpi_xl.io.workbook"]
    assert "kpi_xl.roles.model" in graph["kpi_xl.roles.checks"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_circles():
    assert cycles(import_graph()) == []


def lazy_imports_without_reason() -> dict[str, list[int]]:
    """Line numbers of imports inside functions with no start-up comment on the line or above (a run of
    imports right under such a comment shares it)."""
    out: dict[str, list[int]] = {}
    for name, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        tree = ast.parse(text)
        top = {id(n) for n in _module_level(tree)}
        explained: set[int] = set()  # last lines of lazy imports that have their reason
        for node in sorted(ast.walk(tree), key=lambda n: getattr(n, "lineno", 0)):
            if not isinstance(node, (ast.Import, ast.ImportFrom)) or id(node) in top:
                continue
            if any(isinstance(p, (ast.FunctionDef, ast.AsyncFunctionDef)) for p in _parents(tree, node)):
                near = " ".join(lines[max(0, node.lineno - 2): node.lineno]).lower()
                if node.lineno - 1 in explained or "#" in near and any(word in near for word in START_UP):
                    explained.add(node.end_lineno or node.lineno)
                else:
                    out.setdefault(str(path.relative_to(REPO)), []).append(node.lineno)
    return out


def _parents(tree: ast.AST, target: ast.AST) -> list[ast.AST]:
    path: list[ast.AST] = []

    def walk(node: ast.AST) -> bool:
        if node is target:
            return True
        for child in ast.iter_child_nodes(node):
            if walk(child):
                path.append(node)
                return True
        return False

    walk(tree)
    return path


def test_every_lazy_import_says_it_is_for_start_up_speed():
    found = lazy_imports_without_reason()
    assert {f: lines for f, lines in found.items() if f not in NOT_YET} == {}
