"""Zip members read strictly (`Parts`) and XML parts streamed through their prolog (`scan_part`): the
pieces the .xlsx and .ods checks share."""

from __future__ import annotations

import codecs
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from .problems import SAVE_AS, XML_ENTITIES, Limits, Refused, mb

PROLOG_PIECE = 2**10  # a part that is only checked for a DTD is unpacked this much at a time

if TYPE_CHECKING:
    from .xlsx import SheetExtent

CHUNK = 64 * 2**10
XML_PART = (".xml", ".rels")

class Member(NamedTuple):
    """One entry of a zip's central directory: what the checks use of `zipfile.ZipInfo`, with its
    attribute names, made without zipfile's per-entry cost (`kpi_xl.io.preflight.zip.directory`);
    `key` is its name as readers look parts up (`part_key`), `raw_name` its name's bytes as stored."""

    filename: str
    orig_filename: str
    flag_bits: int
    compress_type: int
    CRC: int
    compress_size: int
    file_size: int
    header_offset: int
    key: str
    raw_name: bytes


_LOCAL_LENGTHS = struct.Struct("<HH")


class Parts:
    """The unpacked bytes of zip members, in pieces, inflated with zlib straight from the file's bytes:
    cheaper than `zipfile.ZipFile.open` per part, and as strict. Each member must start where the
    central directory says, under the same name, unpack to exactly its declared size (never more: a
    member whose header lies about its size is cut there) and match its CRC; anything else raises
    `zipfile.BadZipFile`. A caller that stops early (a prolog checked) checks neither."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.buffer = memoryview(data)

    def start(self, info: Member) -> int:
        """Where the member's packed bytes begin, past its local header, which must be where the
        central directory says and carry the same name."""
        data = self.data
        offset = info.header_offset
        if not data.startswith(b"PK\x03\x04", offset) or offset + 30 > len(data):
            raise zipfile.BadZipFile(f"Bad magic number for file header of {info.filename}")
        name_length, extra_length = _LOCAL_LENGTHS.unpack_from(data, offset + 26)
        if data[offset + 30 : offset + 30 + name_length] != info.raw_name:
            raise zipfile.BadZipFile(f"File name in directory {info.filename!r} and header differ")
        return offset + 30 + name_length + extra_length

    def whole(self, info: Member) -> bytes:
        """A small member's unpacked bytes at once (what `chunks` gives, in one piece), as strictly."""
        if info.file_size > CHUNK or info.compress_size > CHUNK:
            return b"".join(self.chunks(info))
        start = self.start(info)
        packed = self.buffer[start : start + info.compress_size]
        if len(packed) < info.compress_size:
            raise EOFError(f"{info.filename} is cut off")
        if info.compress_type == zipfile.ZIP_DEFLATED:
            inflate = zlib.decompressobj(-15)
            data = inflate.decompress(packed, info.file_size + 1)
            if len(data) > info.file_size:
                raise zipfile.BadZipFile(
                    f"{info.filename} unpacks to more than the {info.file_size:,} bytes its header says"
                )
            if not inflate.eof:
                raise EOFError(f"{info.filename}: compressed data ended before its end-of-stream marker")
        else:
            data = bytes(packed)
        if len(data) != info.file_size:
            raise zipfile.BadZipFile(
                f"{info.filename} unpacks to {len(data):,} bytes, not the {info.file_size:,} its header says"
            )
        if zlib.crc32(data) != info.CRC:
            raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename!r}")
        return data

    def chunks(self, info: Member, size: int = CHUNK) -> Iterator[bytes]:
        """The member's unpacked bytes in pieces of about `size` bytes."""
        buffer = self.buffer
        pos = self.start(info)
        left = info.compress_size
        inflate = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        out = bytearray()
        produced = crc = 0
        while True:
            if inflate is not None and inflate.unconsumed_tail:
                source = inflate.unconsumed_tail
            elif left > 0:
                source = buffer[pos : pos + min(size, left)]
                if not len(source):
                    raise EOFError(f"{info.filename} is cut off")
                pos += len(source)
                left -= len(source)
            else:
                break
            piece = inflate.decompress(source, size - len(out)) if inflate is not None else bytes(source)
            produced += len(piece)
            if produced > info.file_size:
                raise zipfile.BadZipFile(
                    f"{info.filename} unpacks to more than the {info.file_size:,} bytes its header says"
                )
            crc = zlib.crc32(piece, crc)
            out += piece
            if len(out) >= size:
                yield bytes(out)
                out.clear()
            if inflate is not None and inflate.eof:
                break
        if inflate is not None and not inflate.eof:
            raise EOFError(f"{info.filename}: compressed data ended before its end-of-stream marker")
        if produced != info.file_size:
            raise zipfile.BadZipFile(
                f"{info.filename} unpacks to {produced:,} bytes, not the {info.file_size:,} its header says"
            )
        if crc != info.CRC:
            raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename!r}")
        if out:
            yield bytes(out)


_PLAIN_PROLOG = re.compile(rb'(?:\xef\xbb\xbf)?(?:<\?xml [^<>?]*\?>)?\s*<[A-Za-z_]')


def plain_prolog(parts: Parts, info: Member) -> bool:
    """True when a part plainly starts with its first element (an XML declaration at most before
    it), from its first 256 unpacked bytes: the quick answer for the parts no reader parses. False
    means "look properly" (`scan_part`), not that anything is wrong."""
    try:
        start = parts.start(info)
    except zipfile.BadZipFile:
        return False
    packed = parts.buffer[start : start + min(info.compress_size, 512)]
    try:
        if info.compress_type == zipfile.ZIP_DEFLATED:
            head = zlib.decompressobj(-15).decompress(packed, 256)
        else:
            head = bytes(packed[:256])
    except zlib.error:
        return False
    return _PLAIN_PROLOG.match(head) is not None


# Parts that passed a check, by what decides the check: its packed bytes (with the method, sizes and
# CRC the directory gives them) and how it was checked. The same packed bytes unpack to the same
# bytes, so the same part in the next file (a role's scorecards share all but their scorecard sheet
# byte for byte: styles, theme, workbook, relationships, record sheets) passes without being unpacked
# again, exactly as if it had been. Looked up by the directory's numbers, then compared byte for byte
# where the part lies (no copy, no hash of the bytes). Only passes are kept, and only of parts that
# are not sheets read for their extent (those differ in every file). Bounded: cleared when it holds
# _PASSED_BYTES.
_PASSED: dict[tuple[Any, ...], list[tuple[bytes, bytes]]] = {}
_PASSED_BYTES = 8 * 2**20
_PASSED_PART = 2**18  # larger packed parts are checked every time
_passed_size = 0


def _passed(parts: Parts, info: Member, how: tuple[Any, ...]) -> tuple[tuple[Any, ...], int, bytes | None]:
    """The remembered result of checking `info` the way `how` says, None when it has not passed
    before; with the key and the start of its packed bytes (its local header checked here)."""
    start = parts.start(info)
    key = (how, info.compress_type, info.compress_size, info.file_size, info.CRC)
    for packed, kept in _PASSED.get(key, ()):
        if parts.data.startswith(packed, start):
            return key, start, kept
    return key, start, None


def _remember(parts: Parts, key: tuple[Any, ...], start: int, info: Member, kept: bytes) -> None:
    global _passed_size
    packed = parts.data[start : start + info.compress_size]
    if len(packed) != info.compress_size:
        return  # cut off: only what was read whole is remembered
    size = len(packed) + len(kept)
    if _passed_size + size > _PASSED_BYTES:
        _PASSED.clear()
        _passed_size = 0
    _PASSED.setdefault(key, []).append((packed, kept))
    _passed_size += size


def read_member(parts: Parts, info: Member) -> bytes:
    """A small part's bytes (`Parts.whole`), as strictly as `zipfile.ZipFile.read`, which also refuses
    patched data; remembered as the checked parts are."""
    if info.flag_bits & 0x20:
        raise NotImplementedError("compressed patched data (flag bit 5)")
    key, start, data = _passed(parts, info, ("read",))
    if data is None:
        data = parts.whole(info)
        _remember(parts, key, start, info, data)
    return data


def check_part(parts: Parts, info: Member, name: str, limits: Limits, *, strict: bool, keep: bool = False,
               prolog_only: bool = False) -> bytes:
    """`scan_part` of a part that is no sheet read for its extent, answered from the parts that passed
    before when this one is byte for byte one of them. `prolog_only` parts plainly free of a DTD
    (`plain_prolog`) pass without a scan. The local header is checked every time."""
    if info.compress_size > _PASSED_PART:
        if prolog_only and plain_prolog(parts, info):
            return b""
        return scan_part(parts, info, name, limits, strict=strict, keep=keep, prolog_only=prolog_only)
    key, start, kept = _passed(parts, info, (strict, keep, prolog_only, limits.xml_prolog_bytes))
    if kept is None:
        if prolog_only and plain_prolog(parts, info):
            kept = b""
        else:
            kept = scan_part(parts, info, name, limits, strict=strict, keep=keep, prolog_only=prolog_only)
        _remember(parts, key, start, info, kept)
    return kept


def scan_part(
    parts: Parts,
    info: Member,
    name: str,
    limits: Limits,
    *,
    strict: bool,
    extent: SheetExtent | None = None,
    keep: bool = False,
    prolog_only: bool = False,
) -> bytes:
    """Stream one XML part: refuse a DOCTYPE in its prolog, feed a sheet's cells to `extent`, and read
    it to the end, so that its size and CRC are checked (a part that is not what its header says is
    damaged, and a reader would unpack it all). `prolog_only`: stop once the first element starts
    (a part no reader parses only has to be free of a DTD), unpacking a few kilobytes at a time."""
    kept: list[bytes] = []
    prolog = b""
    decoder = None
    prolog_done = False
    if prolog_only:
        pieces: Iterable[bytes] = parts.chunks(info, PROLOG_PIECE)
    elif info.file_size <= CHUNK and info.compress_size <= CHUNK:
        pieces = (parts.whole(info),)  # most parts of a scorecard: one piece, no generator
    else:
        pieces = parts.chunks(info)
    for chunk in pieces:
        if keep:
            kept.append(chunk)
        if decoder is None and not prolog_done and not prolog:
            decoder = _utf16_decoder(chunk)
        text = decoder.decode(chunk).encode("utf-8") if decoder else chunk
        if not prolog_done:
            prolog += text
            state = _prolog_state(prolog, strict)
            if state == "doctype":
                raise Refused(
                    XML_ENTITIES,
                    f"{name}: its part {info.filename} declares a DTD "
                    "(<!DOCTYPE>/<!ENTITY>), which no spreadsheet program writes "
                    "and which can expand to gigabytes: it is not read; "
                    f"{SAVE_AS}",
                )
            if state == "more":
                if len(prolog) > limits.xml_prolog_bytes:
                    raise Refused(
                        XML_ENTITIES,
                        f"{name}: its part {info.filename} has more than "
                        f"{mb(limits.xml_prolog_bytes)} before its first "
                        "element (a hidden DTD?): it is not read; "
                        f"{SAVE_AS}",
                    )
                continue
            prolog_done = True
            if prolog_only:
                break
            text, prolog = prolog, b""
        if extent is not None:
            extent.feed(text)
    return b"".join(kept)


def _utf16_decoder(first: bytes) -> Any:
    """An incremental UTF-16 decoder when a part is UTF-16 (so byte patterns would miss its tags)."""
    if first.startswith((b"\xff\xfe", b"\xfe\xff")):
        return codecs.getincrementaldecoder("utf-16")("replace")
    if first.startswith(b"<\x00"):
        return codecs.getincrementaldecoder("utf-16-le")("replace")
    if first.startswith(b"\x00<"):
        return codecs.getincrementaldecoder("utf-16-be")("replace")
    return None


_PROLOG_TOKEN = re.compile(rb"\s*(<\?.*?\?>|<!--.*?-->|<!DOCTYPE|<!ENTITY|<[A-Za-z_:]|<|[^<\s])", re.S | re.I)


def _prolog_state(data: bytes, strict: bool) -> str:
    """'doctype' when a DTD comes before the first element, 'done' when the first element starts,
    'more' when the prolog goes on past `data`. Any DOCTYPE counts when `strict` (OOXML forbids DTDs);
    for OpenDocument only one with an internal subset or entity declarations (old OpenOffice wrote an
    external DOCTYPE in its manifest)."""
    pos = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    while True:
        m = _PROLOG_TOKEN.match(data, pos)
        if m is None:
            return "more"  # only white space so far
        token = m.group(1)
        if token.upper() == b"<!DOCTYPE" or token.upper() == b"<!ENTITY":
            if strict or token.upper() == b"<!ENTITY":
                return "doctype"
            end = data.find(b">", m.end())
            bracket = data.find(b"[", m.end())
            if bracket != -1 and (end == -1 or bracket < end):
                return "doctype"
            if end == -1:
                return "more"
            pos = end + 1
            continue
        if token.startswith((b"<?", b"<!--")):
            pos = m.end()
            continue
        if token == b"<":
            rest = data[m.start(1) :]
            if rest.startswith((b"<?", b"<!")) or len(rest) < 10:
                return "more"  # a comment, instruction or declaration not closed yet, or a cut tag
        return "done"

