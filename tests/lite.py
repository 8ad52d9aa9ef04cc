"""Cell functions and scripts run by real xlwings, as xlwings Lite runs them: one fresh Python per call.

xlwings' `xlwings.server` functions are the registration and call code of xlwings Lite (and xlwings
Server): `custom_functions_call` turns Office.js's payload into Python arguments (a range as a list of
rows, a single cell unwrapped, an empty single cell as the argument's default, an error cell as a
dict) and the result back. They need XLWINGS_ON_SERVER=true and a licence key set before xlwings is
imported, so they run in a subprocess (other tests import xlwings without them), against main.py as
`kpi-xl excel lite` writes it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from kpi_xl.excel.setup import lite_main_py

DRIVER = r'''
import asyncio, importlib.util, json, sys
import xlwings as xw
import xlwings.server as server

folder, = sys.argv[1:]
request = json.load(sys.stdin)
spec = importlib.util.spec_from_file_location("main", folder + "/main.py")
main = importlib.util.module_from_spec(spec)
spec.loader.exec_module(main)
import kpi_xl

out = {"kpi_xl_file": kpi_xl.__file__, "meta": server.custom_functions_meta(main),
       "scripts_meta": server.custom_scripts_meta(main), "calls": []}
for name, args in request["calls"]:
    data = {"func_name": name, "args": args, "caller_address": "Sheet1!B2", "version": xw.__version__,
            "client": "Office.js", "runtime": "1.4", "culture_info_name": "en-US", "date_format": "M/d/yyyy"}
    try:
        out["calls"].append({"result": asyncio.run(server.custom_functions_call(data, main))})
    except Exception as e:
        out["calls"].append({"error": type(e).__name__, "message": str(e)})
if request.get("book") is not None:
    book = xw.Book(json=request["book"])
    asyncio.run(server.custom_scripts_call(main, "kpi_rollup", typehint_to_value={xw.Book: book}))
    out["actions"] = book.json()["actions"]
print(json.dumps(out))
'''


def cell(value: Any) -> list[list[Any]]:
    """A single cell as Office.js sends it for a matrix parameter."""
    return [[value]]


def run_lite(folder: Path, calls: list[tuple[str, list[Any]]], book: dict | None = None) -> dict:
    """Call the cell functions (name, arguments as Office.js sends them; None: left out) of the Lite
    main.py written into `folder`, then, given an Office.js `book`, run its kpi_rollup script on it.

    Returns the registration ("meta", "scripts_meta"), one {"result": ...} or {"error", "message"} per
    call ("calls") and the book's actions ("actions", with a book).
    """
    (folder / "main.py").write_text(lite_main_py(), encoding="utf-8")
    request = {"calls": [[name, args] for name, args in calls], "book": book}
    env = {**os.environ, "XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial",
           "TMPDIR": str(folder), "KPI_XL_POLICY": ""}
    out = subprocess.run([sys.executable, "-c", DRIVER, str(folder)], input=json.dumps(request), env=env, check=False,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert Path(got["kpi_xl_file"]).is_relative_to(folder)  # main.py's embedded copy answered
    return got
