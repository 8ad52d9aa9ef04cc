"""What `kpi-xl excel classic DIR` and `kpi-xl excel lite DIR` write, so HR can use the cell functions.

Classic add-in (Windows, a local Python with kpi-xl installed): an `xlwings.conf` next to the workbooks
naming the function module (the add-in reads "UDF MODULES" from a file of that name in the active
workbook's folder, keys case-insensitive: xlwings docs "Config Hierarchy", addin/Config.bas
`GetDirectoryConfigFilePath`), and SETUP.txt with the steps. Neither holds a path of this machine:
`xlwings addin install` points the add-in at the user's own Python.

xlwings Lite (Windows, macOS, Excel on the web; Python runs in the browser via Pyodide): `main.py` and
`requirements.txt`. Pyodide installs only pure-Python wheels and its own builds (numpy, PyYAML), and
kpi-xl as a whole depends on packages it cannot install (python-calamine), nor is there a wheel URL a
workbook could fetch. So main.py carries kpi-xl's own source: the modules of `LITE_MODULES` (the cell
functions, the rollup's Lite script and what they import), copied verbatim from the installed package
when the file is made, plus the policy YAML. At start-up main.py writes them to the browser's
in-memory file system and imports `kpi_xl.excel.udfs` from there: the very module the classic add-in
uses, nothing duplicated in the repository.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from .. import __version__
from ..errors import KpiFileError
from ..io.files import atomic_write
from ..policy import POLICY_ENV, load_policy
from ..resources import templates_dir
from ..rollup.book import LITE_EXTRA_PACKAGES, LITE_SCRIPT
from .udfs import FUNCTIONS

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
UDF_MODULE = "kpi_xl.excel.udfs"
# The module's first name (kpi_xl.udfs still re-exports the functions). An xlwings.conf naming it gets
# the new name instead: both at once would import every function twice, and VBA refuses two
# functions of one name.
OLD_UDF_MODULE = "kpi_xl.udfs"
CONF_FILE = "xlwings.conf"
CONF_KEY = "UDF MODULES"
SETUP_FILE = "SETUP.txt"
LITE_MAIN = "main.py"
LITE_REQUIREMENTS = "requirements.txt"

# The kpi_xl modules main.py embeds, listed by hand (tests/test_excel_xlwings.py checks, by reading
# their imports, that nothing they import is missing): the cell functions and what they import, then
# the rollup's Lite script (`kpi_rollup`, kpi_xl.rollup.book) and what it imports. Package __init__
# files come with their subpackages, but for kpi_xl.rollup's: it imports the file-reading rollup
# (python-calamine, which Pyodide cannot install), so in Lite kpi_xl/rollup/ is a namespace package
# holding only the modules the script needs.
LITE_MODULES: tuple[str, ...] = (
    # the cell functions
    "kpi_xl.excel",
    "kpi_xl.excel.udfs",
    "kpi_xl.excel.arguments",
    "kpi_xl.errors",
    "kpi_xl.words",
    "kpi_xl.values",
    "kpi_xl.scoring",
    "kpi_xl.policy",
    "kpi_xl.policy.model",
    "kpi_xl.policy.files",
    "kpi_xl.policy.cells",
    "kpi_xl.io",
    "kpi_xl.io.files",
    "kpi_xl.resources",
    # the Lite rollup script: consolidate(book) over the open workbook's sheets (no file is read)
    "kpi_xl.rollup.book",
    "kpi_xl.rollup.score",
    "kpi_xl.rollup.store",
    "kpi_xl.rollup.tables",
    "kpi_xl.rollup.rating",
    "kpi_xl.rollup.calibration",
    "kpi_xl.rollup.annual",
    "kpi_xl.periods",
    "kpi_xl.rollup.handmade",
    "kpi_xl.rollup.layout",
    "kpi_xl.rollup.model",
    "kpi_xl.rollup.rows",
    "kpi_xl.roster",
    "kpi_xl.contract",
    "kpi_xl.addresses",
    "kpi_xl.io.csvfile",
    "kpi_xl.io.text",
    "kpi_xl.io.messages",
    "kpi_xl.io.workbook",
    "kpi_xl.io.reasons",
    "kpi_xl.io.preflight",
    "kpi_xl.io.preflight.problems",
    "kpi_xl.io.preflight.parts",
    "kpi_xl.io.preflight.package",
    "kpi_xl.io.preflight.zip",
    "kpi_xl.io.preflight.xlsx",
    "kpi_xl.io.preflight.ods",
    "kpi_xl.io.preflight.ole2",
)
# What those modules import from outside kpi-xl, all installable in Pyodide (numpy, PyYAML and pandas
# are Pyodide builds, so unpinned: their version follows Pyodide's).
LITE_PACKAGES: tuple[str, ...] = ("xlwings>=0.33,<1.0", "numpy", "pyyaml", *LITE_EXTRA_PACKAGES)

SIGNATURES = (
    "=KPI_SCORE(actual, target, [direction], [tolerance], [due], [policy])",
    "=KPI_FINAL(weight, score)",
    "=KPI_VALUE(weights, actuals, targets, [directions], [tolerances], [dues], [policy])",
    "=KPI_BAND(kpi_value, [policy])",
    "=KPI_LABEL(kpi_value, [lang], [policy])",
    "=KPI_BONUS(kpi_value, monthly_salary, [policy])",
    "=KPI_RAISE(kpi_value, [policy])",
    "=KPI_ANNUAL(values, [months], [method], [policy])",
    "=KPI_COMPETENCY(ratings, [weights], [policy])",
    "=KPI_RATING(kpi_value, competency_score, [attendance], [policy])",
)


# --- classic add-in ----------------------------------------------------------------------------------


def classic_conf(existing: str = "") -> str:
    """The directory `xlwings.conf`, with `kpi_xl.excel.udfs` in UDF MODULES (in place of the old
    `kpi_xl.udfs`); other settings kept.

    The add-in reads it with VBA's `Input #`: one "KEY","VALUE" pair per line, CRLF line ends.

    >>> classic_conf()
    '"UDF MODULES","kpi_xl.excel.udfs"\\r\\n'
    >>> classic_conf('"UDF MODULES","my_udfs;kpi_xl.udfs"\\r\\n"SHOW CONSOLE","True"\\r\\n').splitlines()
    ['"UDF MODULES","my_udfs;kpi_xl.excel.udfs"', '"SHOW CONSOLE","True"']
    """
    rows = [row for row in csv.reader(io.StringIO(existing)) if row and any(cell.strip() for cell in row)]
    modules: list[str] = []
    kept: list[list[str]] = []
    at = 0
    for row in rows:
        if row[0].strip().upper() == CONF_KEY:
            at = len(kept)
            modules += [m.strip() for m in (row[1] if len(row) > 1 else "").split(";")
                        if m.strip() and m.strip() != OLD_UDF_MODULE]
        else:
            kept.append(row)
    if UDF_MODULE not in modules:
        modules.append(UDF_MODULE)
    kept.insert(at, [CONF_KEY, ";".join(modules)])
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(kept)
    return out.getvalue()


def classic_steps() -> str:
    """SETUP.txt: the steps for the classic add-in, written for an HR user on Windows."""
    functions = "\n".join(f"  {s}" for s in SIGNATURES)
    return f"""kpi-xl cell functions in Excel: the classic xlwings add-in (Windows)
=====================================================================

This folder's xlwings.conf tells the xlwings add-in to take its functions from {UDF_MODULE}.
Every workbook saved in this folder can use them. Do once per computer:

1. Install Python 3.10 or newer from python.org. In the installer, tick
   "Add python.exe to PATH".
2. Open Command Prompt and install kpi-xl (with xlwings) from the kpi-xl folder or
   .whl file your IT team gave you:
       python -m pip install <kpi-xl folder or .whl file>
3. Install the xlwings add-in; it sets itself up to use the Python of step 1:
       xlwings addin install
4. In Excel: File > Options > Trust Center > Trust Center Settings > Macro Settings,
   tick "Trust access to the VBA project object model". Restart Excel.

Then, for each workbook:

5. Save the workbook in this folder as an Excel Macro-Enabled Workbook (.xlsm):
   importing the functions adds a small VBA module to it.
   (Stored on OneDrive or SharePoint? Then this file is not read: in the xlwings tab
   type {UDF_MODULE} into "UDF Modules" instead, or add a sheet named xlwings.conf
   with "UDF Modules" in A1 and {UDF_MODULE} in B1.)
6. In the xlwings tab, click "Import Functions".
7. Type =KPI_SCORE(50, 40) into a cell: it shows 125.

The functions:
{functions}

A range argument gives a range result that spills (Excel 365/2021). A wrong input shows its
reason in the cell, e.g. "target is 0" or "actual row 3: 'abc' is not a number".

Your company's own bands and rewards: set the Windows environment variable {POLICY_ENV} to
your policy file (Start > "Edit environment variables for your account"), then restart
Excel; or give every function but KPI_FINAL a policy range as its last argument: one row
per band with the columns threshold, level, label, bonus, raise, and optionally a
"Score cap" row and a "Lower method" row.

After updating kpi-xl: xlwings tab > "Restart UDF Server", then "Import Functions".
The same functions without a local Python (Windows, macOS, Excel on the web):
run "kpi-xl excel lite FOLDER" and use xlwings Lite.
"""


def write_classic(directory: str | os.PathLike[str]) -> list[Path]:
    """Write (or update) `xlwings.conf` and SETUP.txt in `directory`; returns the files written."""
    folder = _folder(directory)
    conf = folder / CONF_FILE
    try:
        existing = conf.read_text(encoding="utf-8-sig") if conf.is_file() else ""
    except (OSError, UnicodeDecodeError) as e:
        raise KpiFileError(f"{conf}: cannot read the existing file ({e})") from None
    return [
        _write(conf, classic_conf(existing)),
        _write(folder / SETUP_FILE, classic_steps().replace("\n", "\r\n")),  # Notepad-friendly
    ]


# --- xlwings Lite ------------------------------------------------------------------------------------


def lite_main_py(
    scripts: Sequence[str] = (LITE_SCRIPT,),
    *,
    modules: Iterable[str] = LITE_MODULES,
    policy: str | os.PathLike[str] | None = None,
) -> str:
    """The text of main.py for xlwings Lite: kpi-xl's source, embedded, the seven functions and the
    rollup scripts.

    `scripts`: the Python source appended after the functions (each block imports what it uses, e.g.
    `from xlwings import script`); `modules`: the kpi_xl modules to embed for them; `policy`: the
    policy YAML to make the default (else $KPI_XL_POLICY, else the built-in one).
    """
    policy_text, policy_source = _policy_yaml(policy)
    files = {"kpi_xl/__init__.py": _LITE_INIT.format(version=__version__)}
    for name in sorted(modules):
        path = _source_path(name)
        relative = name.replace(".", "/") + ("/__init__.py" if path.name == "__init__.py" else ".py")
        files[relative] = path.read_text(encoding="utf-8")
    files["kpi_xl/templates/policy.yaml"] = policy_text

    sources = "\n".join(f"    {name!r}: {_literal(text)}," for name, text in files.items())
    imports = "".join(f"    {name},\n" for name in FUNCTIONS)
    text = _LITE_MAIN.format(version=__version__, policy=policy_source, sources=sources, imports=imports)
    for block in scripts:
        text += "\n\n" + block.strip("\n") + "\n"
    return text


def lite_requirements(extra: Iterable[str] = ()) -> str:
    """requirements.txt for xlwings Lite: what the embedded modules import."""
    lines = ["# kpi-xl cell functions (made by `kpi-xl excel lite`): the packages main.py imports",
             *LITE_PACKAGES, *extra]
    return "\n".join(lines) + "\n"


def write_lite(
    directory: str | os.PathLike[str],
    *,
    policy: str | os.PathLike[str] | None = None,
    scripts: Sequence[str] = (),
) -> list[Path]:
    """Write main.py and requirements.txt for xlwings Lite in `directory`; returns the files written.

    main.py holds the seven cell functions and the `kpi_rollup` scripts that consolidate the open
    workbook's employee sheets into summary sheets (the department rollup, issue 5).
    """
    # Built before touching the folder: a bad policy writes nothing.
    main = lite_main_py([LITE_SCRIPT, *scripts], policy=policy)
    folder = _folder(directory)
    return [_write(folder / LITE_MAIN, main), _write(folder / LITE_REQUIREMENTS, lite_requirements())]


def _policy_yaml(path: str | os.PathLike[str] | None) -> tuple[str, str]:
    """The policy file's text (checked first: a broken policy is refused here, not in Excel)."""
    chosen = path if path is not None else (os.environ.get(POLICY_ENV) or None)
    load_policy(chosen)  # raises PolicyError naming the file and field
    if chosen is None:
        return (templates_dir() / "policy.yaml").read_text(encoding="utf-8"), "the built-in policy"
    return Path(chosen).read_text(encoding="utf-8"), f"the policy file {Path(chosen).name}"


def lite_source(module: str) -> Path | None:
    """The .py file of a kpi_xl module inside this installed package (nothing is imported)."""
    base = _PACKAGE_DIR.joinpath(*module.split(".")[1:])
    return next((p for p in (base.with_suffix(".py"), base / "__init__.py") if p.is_file()), None)


def _source_path(module: str) -> Path:
    path = lite_source(module)
    if path is None:
        raise KpiFileError(f"{module}: its Python source is not installed, so it cannot go into main.py")
    return path


def _literal(text: str) -> str:
    """A file's text as adjacent string literals, one source line per line, so main.py stays readable."""
    if not text:
        return "''"
    lines = text.splitlines(keepends=True)
    return "(\n" + "".join(f"        {line!r}\n" for line in lines) + "    )"


def _folder(directory: str | os.PathLike[str]) -> Path:
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise KpiFileError(f"{folder}: is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise KpiFileError(f"{folder}: cannot create the folder ({e.strerror})") from None
    return folder


def _write(path: Path, text: str) -> Path:
    """Write whole or not at all (`atomic_write`), so an interrupted run never leaves half a file."""
    try:
        return atomic_write(path, lambda temp: temp.write_text(text, encoding="utf-8", newline=""))
    except OSError as e:
        raise KpiFileError(f"{path}: cannot write it ({e.strerror or e})") from None


_LITE_INIT = '''"""kpi-xl {version}, embedded in an xlwings Lite workbook by `kpi-xl excel lite`."""

__version__ = "{version}"
'''

_LITE_MAIN = '''"""kpi-xl cell functions for xlwings Lite: =KPI_SCORE(), =KPI_FINAL(), =KPI_VALUE(),
=KPI_BAND(), =KPI_LABEL(), =KPI_BONUS(), =KPI_RAISE(). Made by `kpi-xl excel lite` from kpi-xl {version}.

In Excel (Windows, macOS or the web): open xlwings Lite (Home > Add-ins > xlwings Lite), replace
everything in its main.py tab with this file and its requirements.txt tab with the requirements.txt
made with it, restart xlwings Lite when it asks, then type =KPI_SCORE(50, 40) into a cell: 125.

Below is kpi-xl's own source, copied unchanged from the installed package, so these functions give
exactly what the classic add-in and the kpi-xl command give. To change anything, change kpi-xl or
the policy and run `kpi-xl excel lite` again; do not edit the copies.
Bands and rewards: {policy}.
"""

import sys
import tempfile
from pathlib import Path

# kpi-xl's files; written to the browser's in-memory file system below and imported from there.
_KPI_XL_FILES = {{
{sources}
}}


def _install_kpi_xl():
    root = Path(tempfile.mkdtemp(prefix="kpi-xl-"))
    for name, text in _KPI_XL_FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    # When main.py runs again after an edit, import these files, not the modules loaded last time.
    for module in [m for m in sys.modules if m == "kpi_xl" or m.startswith("kpi_xl.")]:
        del sys.modules[module]
    sys.path.insert(0, str(root))


_install_kpi_xl()

# xlwings Lite registers the @func functions it finds in main.py: these seven.
from kpi_xl.excel.udfs import (  # noqa: E402
{imports})
'''
