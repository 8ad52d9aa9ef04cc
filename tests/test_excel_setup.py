"""`kpi-xl excel classic|lite`: the files they write, and the worked example workbook."""

from __future__ import annotations

import ast
import csv
import inspect
import io
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import kpi_xl
from kpi_xl.cli import app
from kpi_xl.errors import KpiFileError
from kpi_xl.excel import udfs
from kpi_xl.excel.setup import LITE_MODULES, SIGNATURES, lite_main_py, lite_source, write_classic, write_lite
from kpi_xl.excel.udfs import FUNCTIONS
from kpi_xl.resources import templates_dir

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "worked-example-functions.xlsx"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False, env={"COLUMNS": "200"})


def machine_paths(tmp_path: Path) -> list[str]:
    """Paths of the machine the files are made on; none may appear in them."""
    paths = {str(tmp_path), str(Path.home()), sys.executable, str(Path(sys.executable).parent),
             str(ROOT), str(Path(kpi_xl.__file__).resolve().parent), "/work", "/root", "/tmp"}
    return sorted(p for p in paths if p and p not in ("/", "."))


def assert_no_machine_path(text: str, tmp_path: Path) -> None:
    for path in machine_paths(tmp_path):
        # A whole path component: "/work" must not match the "xl/workbook.xml" a docstring names.
        assert not re.search(re.escape(path) + r"(?![\w.-])", text), path


def test_documented_signatures_are_the_real_ones():
    page = (ROOT / "docs" / "cell-functions.md").read_text(encoding="utf-8")
    assert [s[1:s.index("(")] for s in SIGNATURES] == list(FUNCTIONS)
    for signature in SIGNATURES:
        name, args = signature[1:-1].split("(")
        documented = [a.strip() for a in args.split(",")]
        params = inspect.signature(getattr(udfs, name)).parameters.values()
        assert documented == [p.name if p.default is inspect.Parameter.empty else f"[{p.name}]" for p in params]
        assert f"`{signature}`" in page, signature


# --- classic add-in ---------------------------------------------------------------------------------


def test_excel_classic_writes_conf_and_steps(tmp_path):
    out = tmp_path / "workbooks"
    result = run("excel", "classic", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["SETUP.txt", "xlwings.conf"]

    raw = (out / "xlwings.conf").read_bytes()
    assert raw == b'"UDF MODULES","kpi_xl.excel.udfs"\r\n'  # VBA's Input # reads "KEY","VALUE" lines
    conf = {row[0]: row[1] for row in csv.reader(io.StringIO(raw.decode()))}
    assert conf == {"UDF MODULES": "kpi_xl.excel.udfs"}

    steps = (out / "SETUP.txt").read_text(encoding="utf-8")
    for must in ("xlwings addin install", "Import Functions", "UDF Modules", "kpi_xl.excel.udfs", ".xlsm",
                 "Trust access to the VBA project object model", "KPI_XL_POLICY", *FUNCTIONS):
        assert must in steps, must
    assert_no_machine_path(raw.decode() + steps, tmp_path)
    assert "wrote" in result.output and "xlwings.conf" in result.output


def test_excel_classic_keeps_other_settings_and_is_idempotent(tmp_path):
    conf = tmp_path / "xlwings.conf"
    conf.write_bytes(b'"INTERPRETER_WIN","%USERPROFILE%\\py\\pythonw.exe"\r\n"UDF MODULES","team_udfs;"\r\n')
    for _ in range(2):
        assert run("excel", "classic", str(tmp_path)).exit_code == 0
    rows = list(csv.reader(io.StringIO(conf.read_text(encoding="utf-8"))))
    assert rows == [["INTERPRETER_WIN", "%USERPROFILE%\\py\\pythonw.exe"],
                    ["UDF MODULES", "team_udfs;kpi_xl.excel.udfs"]]


def test_excel_classic_replaces_the_old_module_name():
    # Both names at once would import every function twice (VBA refuses two functions of one name).
    from kpi_xl.excel.setup import classic_conf

    assert classic_conf('"UDF MODULES","kpi_xl.udfs;team_udfs"\r\n') == '"UDF MODULES","team_udfs;kpi_xl.excel.udfs"\r\n'


def test_the_old_module_name_still_gives_the_seven_functions():
    import kpi_xl.udfs as old

    assert [getattr(old, name) for name in FUNCTIONS] == [getattr(udfs, name) for name in FUNCTIONS]
    assert old.KPI_VALUE(*([[w] for w in ws] for ws in ([15, 10, 10, 10, 20, 20, 15], [50, 1.5e6, 32, 6, 22, 21, 33],
                                                       [40, 1e6, 25, 5, 25, 20, 30]))) == 113.65


def test_excel_into_a_file_is_refused(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x")
    for kind, write in (("classic", write_classic), ("lite", write_lite)):
        result = run("excel", kind, str(target))
        assert result.exit_code == 2  # click checks the argument: a usage error
        assert "is a file" in result.output and "Traceback" not in result.output
        with pytest.raises(KpiFileError) as e:
            write(target)
        assert str(e.value) == f"{target}: is a file, not a folder"
    assert target.read_text() == "x"


# --- xlwings Lite -------------------------------------------------------------------------------------


def _embedded_files(main: str) -> dict[str, str]:
    tree = ast.parse(main)
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "_KPI_XL_FILES":
            return ast.literal_eval(node.value)
    raise AssertionError("main.py has no _KPI_XL_FILES")


def test_excel_lite_writes_main_and_requirements(tmp_path):
    out = tmp_path / "lite"
    result = run("excel", "lite", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["main.py", "requirements.txt"]

    main = (out / "main.py").read_text(encoding="utf-8")
    tree = ast.parse(main)
    imported = [n for n in tree.body if isinstance(n, ast.ImportFrom) and n.module == "kpi_xl.excel.udfs"]
    assert len(imported) == 1 and sorted(a.name for a in imported[0].names) == sorted(FUNCTIONS)

    # The embedded modules are the package's own files, byte for byte, and the built-in policy.
    files = _embedded_files(main)
    package = Path(kpi_xl.__file__).parent
    for name in LITE_MODULES:
        source = lite_source(name)
        relative = source.relative_to(package.parent).as_posix()
        assert files[relative] == source.read_text(encoding="utf-8"), relative
    assert len(files) == len(LITE_MODULES) + 2  # and kpi_xl/__init__.py, the policy
    builtin_policy = (templates_dir() / "policy.yaml").read_text(encoding="utf-8")
    assert files["kpi_xl/templates/policy.yaml"] == builtin_policy
    assert "kpi_xl/cli/__init__.py" not in files and "kpi_xl/roles.py" not in files
    assert "kpi_xl/rollup/__init__.py" not in files  # it reads files with python-calamine; see LITE_MODULES

    requirements = (out / "requirements.txt").read_text(encoding="utf-8").splitlines()
    packages = [line.split(">")[0].split("<")[0] for line in requirements
                if line and not line.startswith("#")]
    assert packages == ["xlwings", "numpy", "pyyaml", "pandas"]  # pandas: the kpi_rollup script
    assert_no_machine_path(main + "\n".join(requirements), tmp_path)


STUB_XLWINGS = '''
"""Stands in for xlwings Lite's decorators: records what main.py registers."""
registered, options, scripts = {}, {}, {}

class Book:  # only named in the scripts' type hints
    pass

def func(f=None, **kwargs):
    def inner(f):
        registered[f.__name__] = f
        return f
    return inner(f) if f is not None else inner

def arg(name, convert=None, **kwargs):
    def inner(f):
        options[(f.__name__, name)] = kwargs
        return f
    return inner

def ret(*args, **kwargs):
    return lambda f: f

def script(f=None, **kwargs):
    def inner(f):
        scripts[f.__name__] = f
        return f
    return inner(f) if f is not None else inner
'''

RUN_MAIN = '''
import json, runpy, sys
import xlwings
main = runpy.run_path("main.py", run_name="main")
import kpi_xl
W = [15, 10, 10, 10, 20, 20, 15]
A = [[50.0], [1.5e6], [32.0], [6.0], [22.0], [21.0], [33.0]]
T = [[40.0], [1e6], [25.0], [5.0], [25.0], [20.0], [30.0]]
value = xlwings.registered["KPI_VALUE"]([[w] for w in W], A, T)
print(json.dumps({
    "registered": sorted(xlwings.registered),
    "scripts": sorted(xlwings.scripts),
    "ndim": sorted({o.get("ndim") for o in xlwings.options.values()}, key=str),
    "kpi_value": value,
    "level": main["KPI_BAND"](value),
    "label": main["KPI_LABEL"](value, "id"),
    "bonus": main["KPI_BONUS"](value, 10_000_000),
    "raise": main["KPI_RAISE"](value),
    "scores": main["KPI_SCORE"](A, T),
    "kpi_xl_file": kpi_xl.__file__,
    "heavy": sorted(m for m in ("pandas", "openpyxl", "pydantic", "typer", "rich", "python_calamine")
                    if m in sys.modules),
}))
'''


def run_lite(folder: Path) -> dict:
    """Execute main.py as Lite would: a fresh Python whose `xlwings` is the stub; kpi-xl is not importable."""
    (folder / "xlwings.py").write_text(STUB_XLWINGS, encoding="utf-8")
    (folder / "run.py").write_text(RUN_MAIN, encoding="utf-8")
    (folder / "tmp").mkdir()
    # -E -s: no PYTHONPATH, no user site; the script's folder comes first, so the stub is `xlwings`.
    out = subprocess.run([sys.executable, "-E", "-s", "run.py"], cwd=folder, capture_output=True, text=True,
                         env={"TMPDIR": str(folder / "tmp"), "PATH": ""}, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_lite_main_runs_and_gives_the_golden_numbers(tmp_path):
    assert run("excel", "lite", str(tmp_path)).exit_code == 0
    got = run_lite(tmp_path)
    assert got["registered"] == sorted(FUNCTIONS)
    assert got["scripts"] == ["kpi_rollup", "kpi_rollup_id"]  # the department rollup, en and id
    assert got["ndim"] == [2, None]  # every range argument as a list of rows; lang as one value
    assert got["kpi_value"] == 113.65
    rewards = (got["level"], got["label"], got["bonus"], got["raise"])
    assert rewards == (4, "Melebihi Target", 15_000_000, "7%–9%")
    assert [s for (s,) in got["scores"]] == pytest.approx([125, 150, 128, 120, 88, 105, 110])
    # The embedded copy was imported (from the temporary folder), not an installed kpi-xl.
    assert Path(got["kpi_xl_file"]).is_relative_to(tmp_path / "tmp")
    assert got["heavy"] == []


def test_lite_with_a_company_policy_and_an_extra_script(tmp_path, monkeypatch):
    policy = tmp_path / "company.yaml"
    policy.write_text(textwrap.dedent("""\
        bands:
          - {level: 1, above: null, label: {id: Kurang, en: Poor}, bonus: 0, raise: "0%"}
          - {level: 2, above: 110, label: {id: Baik, en: Good}, bonus: 3, raise: "9%"}
        """), encoding="utf-8")
    monkeypatch.setenv("KPI_XL_POLICY", str(policy))
    extra = 'from xlwings import script\n\n\n@script\ndef hello(book):\n    """A later Lite script."""\n'
    folder = tmp_path / "lite"
    folder.mkdir()
    (folder / "main.py").write_text(lite_main_py([extra]), encoding="utf-8")
    got = run_lite(folder)
    assert (got["level"], got["label"], got["bonus"], got["raise"]) == (2, "Baik", 30_000_000, "9%")
    assert got["scripts"] == ["hello"]
    assert "the policy file company.yaml" in (folder / "main.py").read_text(encoding="utf-8")


def test_lite_refuses_a_broken_policy_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("bands: [{level: 1}]\n", encoding="utf-8")
    out = tmp_path / "lite"
    result = run("excel", "lite", str(out), "--policy", str(bad))
    assert result.exit_code == 1
    assert "Error: bad.yaml: bands: expected a list of at least two bands" in result.output
    assert not out.exists()


# --- the worked example workbook -----------------------------------------------------------------------


def _cells(path: Path, data_only: bool) -> dict[tuple[str, str], object]:
    wb = openpyxl.load_workbook(path, data_only=data_only)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if hasattr(value, "text"):  # an array formula
                    value = (value.ref, value.text)
                if value is not None:
                    out[(ws.title, cell.coordinate)] = value
    return out


def test_example_workbook_uses_every_function_and_shows_the_golden_results():
    formulas = _cells(EXAMPLE, data_only=False)
    text = " ".join(str(v) for v in formulas.values())
    for name in FUNCTIONS:
        assert f"{name}(" in text, name
    results = _cells(EXAMPLE, data_only=True)  # the stored results, shown before any recalculation
    ws = "Scorecard"
    assert results[(ws, "C14")] == pytest.approx(113.65)
    assert (results[(ws, "C15")], results[(ws, "C16")], results[(ws, "C17")]) == (4, "Exceeds Target",
                                                                                 "Melebihi Target")
    assert (results[(ws, "C19")], results[(ws, "C20")]) == (15_000_000, "7%–9%")
    assert [results[(ws, f"I{r}")] for r in range(5, 12)] == pytest.approx([125, 150, 128, 120, 88, 105, 110])
    assert (results[(ws, "F14")], results[(ws, "F15")]) == (4, "Melebihi Target")  # from the policy range
    assert results[("xlwings.conf", "B1")] == "kpi_xl.excel.udfs"
    wb = openpyxl.load_workbook(EXAMPLE)
    assert not wb.calculation.fullCalcOnLoad


def test_example_workbook_is_what_its_script_makes(tmp_path):
    out = tmp_path / "worked-example-functions.xlsx"
    script = ROOT / "examples" / "make_worked_example_functions.py"
    subprocess.run([sys.executable, str(script), str(out)], check=True, capture_output=True, timeout=120)
    for data_only in (False, True):
        assert _cells(out, data_only) == _cells(EXAMPLE, data_only)
