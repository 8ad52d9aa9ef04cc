"""The cell functions and the Lite rollup script run by real xlwings, as xlwings Lite runs them.

xlwings' `xlwings.server` functions are the registration and call code of xlwings Lite (and xlwings
Server): `custom_functions_meta` is what Excel is told about the functions, `custom_functions_call`
turns Office.js's payload into Python arguments (a range as a list of rows, a single cell unwrapped,
an empty single cell as the argument's default, an error cell as a dict) and the result back, and
`custom_scripts_call` runs an @script with the book Office.js sent. They need XLWINGS_ON_SERVER=true
(xlwings then gives its Office.js decorators, as Pyodide sets it) and a licence key, set before
xlwings is imported: so everything runs in one fresh Python (other tests import xlwings without them).

The module called is main.py as `kpi-xl excel lite` writes it, imported as Lite imports it: its
embedded kpi-xl copy is what answers. The classic add-in (COM, Windows) cannot run here; its
decorators are checked with a stand-in in tests/test_udfs.py.
"""

from __future__ import annotations

import ast
import importlib.util
import sys

import openpyxl
import pytest
import xlwings
from lite import cell, run_lite
from rollup_helpers import GOLDEN_FINALS, GOLDEN_SCORES, seed_sheet

from kpi_xl.excel.setup import LITE_MODULES, lite_source
from kpi_xl.excel.udfs import FUNCTIONS

W = [15, 10, 10, 10, 20, 20, 15]
A = [50, 1_500_000, 32, 6, 22, 21, 33]
T = [40, 1_000_000, 25, 5, 25, 20, 30]
SCORES = [125.0, 150.0, 128.0, 120.0, 88.0, 105.0, 110.0]


def col(values):
    """A column range as Office.js sends it: a list of one-cell rows."""
    return [[v] for v in values]


# An error cell, as Office.js sends it.
NA = {"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}
POLICY = [["threshold", "level", "label", "bonus", "raise"],  # a company's own bands, as a policy range
          ["", 1, "Poor", 0, "0%"],
          [110, 2, "Good", 3, "9%"]]

# (function, arguments as Office.js sends them (None: left out), the result Excel gets back).
# A refused input raises: Lite shows #VALUE! with the message.
CALLS = [
    ("KPI_SCORE", [cell(50), cell(40), None, None, None, None], [[125.0]]),
    ("KPI_SCORE", [col(A), col(T), None, None, None, None], col(SCORES)),
    ("KPI_SCORE", [cell("1.500.000"), cell(1_000_000), cell("naik"), None, None, None], [[150.0]]),
    ("KPI_SCORE", [cell("22,5"), cell(25), cell("Naik"), None, None, None], [[90.0]]),
    ("KPI_SCORE", [cell(80), cell(100), cell("turun"), None, None, None], [[120.0]]),
    ("KPI_SCORE", [col([50, "", 22]), col([40, 1, 25]), None, None, None, None], [[125.0], [""], [88.0]]),
    ("KPI_SCORE", [cell(""), cell(40), None, None, None, None], [[""]]),
    ("KPI_SCORE", [cell(NA), cell(40), None, None, None, None],
     "actual '#N/A' is not a number: type a number"),
    ("KPI_SCORE", [col([50, NA]), col([40, 40]), None, None, None, None], 
     "actual row 2: '#N/A' is not a number: type a number"),
    ("KPI_SCORE", [cell(50), cell(0), None, None, None, None], "target is 0"),
    ("KPI_FINAL", [cell(15), cell(125)], [[18.75]]),
    ("KPI_FINAL", [col(W), col(SCORES)], col([18.75, 15.0, 12.8, 12.0, 17.6, 21.0, 16.5])),
    ("KPI_VALUE", [col(W), col(A), col(T), None, None, None, None], [[113.65]]),
    ("KPI_VALUE", [col(W), col(["50", "1.500.000", "32", "6", "22", "21", "33"]), col(T), cell("naik"),
                   None, None, None], [[113.65]]),
    ("KPI_VALUE", [col(W), col(A), col(T), col(["naik"] * 4 + ["turun", "higher", "higher"]),
                   None, None, None],
     [[118.45]]),  # lead generation rate lower (2 - 22/25 = 112 %): final 22.4 instead of 17.6
    ("KPI_BAND", [cell(113.65), None], [[4]]),
    ("KPI_BAND", [col([113.65, "", 50]), None], [[4], [""], [1]]),
    ("KPI_BAND", [cell(113.65), POLICY], [[2]]),
    ("KPI_LABEL", [cell(113.65), None, None], [["Exceeds Target"]]),
    ("KPI_LABEL", [cell(113.65), "ID", None], [["Melebihi Target"]]),
    ("KPI_LABEL", [cell(113.65), [["id"]], None], [["Melebihi Target"]]),
    ("KPI_LABEL", [cell(113.65), "fr", None], "lang 'fr' is not en or id"),
    ("KPI_LABEL", [cell(113.65), None, POLICY], [["Good"]]),
    ("KPI_BONUS", [cell(113.65), cell(10_000_000), None], [[15_000_000.0]]),
    ("KPI_BONUS", [cell(113.65), cell("10.000.000"), None], [[15_000_000.0]]),
    ("KPI_BONUS", [col([113.65, 50]), col([10_000_000, 8_000_000]), None], [[15_000_000.0], [2_000_000.0]]),
    ("KPI_BONUS", [cell(113.65), cell(10_000_000), POLICY], [[30_000_000.0]]),
    ("KPI_RAISE", [cell(113.65), None], [["7%–9%"]]),
    ("KPI_RAISE", [cell(113.65), POLICY], [["9%"]]),
]

def office_js_book() -> dict:
    """A workbook as Office.js sends it to a Lite script: one employee's scorecard sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    seed_sheet(ws, who={"Nama": "Budi Santoso", "NIK": "E3"}, cached=list(zip(GOLDEN_SCORES, GOLDEN_FINALS)),
               merge=False)
    values = [["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)]
    sheet = {"name": "Budi", "values": values, "pictures": [], "tables": [], "charts": [], "shapes": [],
             "notes": [], "visibility": "Visible", "show_gridlines": True, "pivot_tables": []}
    return {"client": "Office.js", "version": xlwings.__version__, "names": [], "sheets": [sheet],
            "book": {"name": "team.xlsx", "active_sheet_index": 0, "selection": "A1"}}


@pytest.fixture(scope="module")
def lite(tmp_path_factory) -> dict:
    return run_lite(tmp_path_factory.mktemp("lite"), [(name, args) for name, args, _ in CALLS], office_js_book())


# --- registration --------------------------------------------------------------------------------------


def test_xlwings_registers_the_seven_functions_with_their_arguments_and_docs(lite):
    functions = {f["name"]: f for f in lite["meta"]["functions"]}
    assert sorted(functions) == sorted(FUNCTIONS)
    from kpi_xl.excel import udfs

    for name in FUNCTIONS:
        meta = functions[name]
        python = getattr(udfs, name)
        assert meta["description"] == python.__doc__
        params = list(python.__wrapped__.__code__.co_varnames[:python.__wrapped__.__code__.co_argcount])
        assert [p["name"] for p in meta["parameters"]] == params
        defaults = len(python.__wrapped__.__defaults__ or ())
        assert [p.get("optional", False) for p in meta["parameters"]] == \
            [False] * (len(params) - defaults) + [True] * defaults
        for p in meta["parameters"]:
            assert p["description"], (name, p["name"])
            # Every argument as a list of rows (lang too: Lite unwraps its one cell).
            assert p["dimensionality"] == "matrix" and p["type"] == "any", (name, p["name"])
        assert meta["result"]["dimensionality"] == "matrix"
    assert functions["KPI_SCORE"]["parameters"][2]["description"].startswith("higher (default), lower")


def test_xlwings_registers_the_rollup_scripts(lite):
    assert sorted(s["function_name"] for s in lite["scripts_meta"]) == ["kpi_rollup", "kpi_rollup_id"]


# --- calls -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("i", range(len(CALLS)), ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(CALLS)])
def test_every_function_called_as_office_js_calls_it(lite, i):
    _, _, expected = CALLS[i]
    got = lite["calls"][i]
    if isinstance(expected, str):
        assert got == {"error": "KpiInputError", "message": expected}
    else:
        assert "result" in got, got
        result = got["result"]
        assert [len(row) for row in result] == [len(row) for row in expected]  # the shape Excel spills
        flat = [v for row in result for v in row]
        assert flat == pytest.approx([v for row in expected for v in row], abs=1e-9)


# --- the Lite rollup script ---------------------------------------------------------------------------


def test_kpi_rollup_script_writes_the_summary_sheets(lite):
    actions = lite["actions"]
    added = [a["args"] for a in actions if a["func"] == "addSheet"]
    assert added == [[1, "Summary"], [2, "By KRA"], [3, "Levels"], [4, "Details"], [5, "Issues"],
                     [6, "Missing"]]
    written = {a["sheet_position"]: a["values"] for a in actions if a["func"] == "setValues"}
    header, budi = written[1]
    row = dict(zip(header, budi))
    assert (row["Employee ID"], row["Name"], row["Sheet"]) == ("E3", "Budi Santoso", "Budi")
    assert (row["KPI value (%)"], row["Level"], row["Label"]) == (113.65, 4, "Exceeds Target")
    # "7%" would be read as a number where typed: the apostrophe keeps it text, and Excel hides it.
    assert (row["Bonus (x monthly salary)"], row["Raise"], row["Status"]) == (1.5, "'7%–9%", "complete")
    assert [r[1:] for r in written[3][1:]] == [["Far Below Target", 0, 0], ["Below Target", 0, 0],
                                               ["Meets Target", 0, 0], ["Exceeds Target", 1, 1],
                                               ["Outstanding", 0, 0]]
    details = written[4]
    scores = [dict(zip(details[0], r))["Score (%)"] for r in details[1:]]
    assert scores == pytest.approx(SCORES)


# --- main.py's module list --------------------------------------------------------------------------------

# Packages Pyodide installs (its own builds, or pure-Python wheels micropip finds), plus the standard library.
PYODIDE_PACKAGES = {"xlwings", "numpy", "yaml", "pandas"}
# Packages only imported inside a function that Lite never calls: roster.read_roster opens roster files
# (Lite reads the Roster sheet instead, through a CSV it writes); nothing else may need them.
LAZY_ONLY = {("kpi_xl.io.workbook", "openpyxl"), ("kpi_xl.io.workbook", "python_calamine")}


def _imports(module: str) -> tuple[set[str], set[str], set[str]]:
    """The kpi_xl modules `module` imports, and the outside packages it imports at import time and
    inside functions."""
    path = lite_source(module)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = set(ast.walk(ast.Module(body=[n for n in tree.body if not isinstance(n, (ast.FunctionDef,
                                                                                       ast.AsyncFunctionDef,
                                                                                       ast.ClassDef))],
                                  type_ignores=[])))
    ours, eager, lazy = set(), set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = importlib.util.resolve_name("." * node.level + (node.module or ""), package)
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        for name in names:
            if name == "kpi_xl" or name.startswith("kpi_xl."):
                if lite_source(name) is not None:  # a module, not a name imported from one
                    ours.add(name)
            elif name.split(".")[0] not in sys.stdlib_module_names:
                (eager if node in top else lazy).add(name.split(".")[0])
    return ours, eager, lazy


def test_every_kpi_xl_module_the_lite_modules_import_is_listed():
    for module in LITE_MODULES:
        ours, _, _ = _imports(module)
        missing = {m for m in ours if m not in LITE_MODULES and m != "kpi_xl"}
        assert not missing, f"{module} imports {missing}: add them to LITE_MODULES"
        # Every package a listed module sits in comes with its __init__, but kpi_xl.rollup's
        # (see LITE_MODULES).
        parts = module.split(".")
        for i in range(2, len(parts)):
            parent = ".".join(parts[:i])
            assert parent in LITE_MODULES or parent == "kpi_xl.rollup", parent


def test_the_lite_modules_import_only_what_pyodide_installs():
    for module in LITE_MODULES:
        _, eager, lazy = _imports(module)
        assert eager <= PYODIDE_PACKAGES, (module, eager - PYODIDE_PACKAGES)
        assert {(module, p) for p in lazy - PYODIDE_PACKAGES} <= LAZY_ONLY, (module, lazy)


def test_the_rollup_package_init_stays_out_because_it_reads_files():
    ours, _, _ = _imports("kpi_xl.rollup")
    assert "kpi_xl.rollup.read" in ours  # files are opened through io.workbook: python-calamine, not in Pyodide
    assert "python_calamine" in _imports("kpi_xl.io.workbook")[2]  # imported where a file is opened
    assert "kpi_xl.rollup" not in LITE_MODULES
