"""The OpenDocument (.ods) check: encryption (its manifest), the prolog of every XML part, and the
extent of every table of content.xml, repeated rows and columns counted."""

from __future__ import annotations

from typing import Any
from xml.parsers import expat

from .parts import Member, Parts, scan_part
from .problems import ENCRYPTED, SAVE_AS, XML_ENTITIES, Limits, Refused, refuse_extent

_MANIFEST = "META-INF/manifest.xml"
_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def check_ods(parts: Parts, infos: list[Member], name: str, limits: Limits) -> None:
    # The manifest first: an encrypted file's content.xml is noise, and should be called encrypted.
    for info in sorted(infos, key=lambda i: i.filename != _MANIFEST):
        part = info.filename
        if part.endswith("/") or not part.endswith(".xml"):
            continue
        if part == _MANIFEST:
            manifest = scan_part(parts, info, name, limits, strict=False, keep=info.file_size <= 4 * 2**20)
            if b"encryption-data" in manifest:
                raise Refused(
                    ENCRYPTED,
                    f"{name} is password-protected: open it, save it again with "
                    "File > Save As and 'Save with password' unticked, and send it again",
                )
        elif part == "content.xml":
            scan_part(parts, info, name, limits, strict=False)  # the prolog and the CRC
            _ods_extent(parts, info, name, limits)
        else:
            scan_part(parts, info, name, limits, strict=False)


class _Stop(Exception):
    pass


def _ods_extent(parts: Parts, info: Member, name: str, limits: Limits) -> None:
    """The last row and column holding a value on every table of content.xml, repeats counted: one
    `<table:table-row table:number-rows-repeated="1000000">` with a value is a million rows to a reader.
    Parsed by expat with callbacks (no tree kept); the prolog was checked for a DTD before."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    state = {
        "table": "",
        "row": 0,
        "rows": 1,
        "col": 0,
        "cell_col": 0,
        "cols": 1,
        "valued": False,
        "row_valued": False,
        "row_last_col": 0,
    }
    problem: list[Refused] = []
    table_row, table_cell = f"{_TABLE_NS} table-row", f"{_TABLE_NS} table-cell"
    covered, table = f"{_TABLE_NS} covered-table-cell", f"{_TABLE_NS} table"
    value_type, text_p = f"{_OFFICE_NS} value-type", f"{_TEXT_NS} p"

    def repeat(attrs: dict[str, str], key: str) -> int:
        value = attrs.get(f"{_TABLE_NS} {key}")
        return max(1, int(value)) if value and value.isdigit() else 1

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == table:
            state.update(table=attrs.get(f"{_TABLE_NS} name", ""), row=0)
        elif tag == table_row:
            state.update(rows=repeat(attrs, "number-rows-repeated"), col=0, row_valued=False, row_last_col=0)
        elif tag in (table_cell, covered):
            state.update(
                cols=repeat(attrs, "number-columns-repeated"),
                cell_col=state["col"],
                valued=value_type in attrs,
            )
        elif tag == text_p:
            state["valued"] = True

    def end(tag: str) -> None:
        if tag in (table_cell, covered):
            if state["valued"]:
                state["row_valued"] = True
                state["row_last_col"] = state["cell_col"] + state["cols"]
            state["col"] = state["cell_col"] + state["cols"]
            state["valued"] = False
        elif tag == table_row:
            if state["row_valued"]:
                last_row, last_col = state["row"] + state["rows"], state["row_last_col"]
                try:
                    refuse_extent(name, state["table"], limits, last_row, last_col)
                except Refused as refused:
                    problem.append(refused)
                    raise _Stop from None
            state["row"] += state["rows"]

    def no_entities(*_: Any) -> None:
        raise Refused(
            XML_ENTITIES, f"{name}: its part content.xml declares entities: it is not read; {SAVE_AS}"
        )

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.EntityDeclHandler = no_entities
    try:
        for chunk in parts.chunks(info):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Stop:
        raise problem[0] from None

