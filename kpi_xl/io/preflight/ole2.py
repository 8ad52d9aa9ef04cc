"""OLE2 compound files: .xls workbooks (their BIFF records: a password, each sheet's extent) and the
password-protected .xlsx files Office wraps in one."""

from __future__ import annotations

import struct
from typing import Any

from .problems import (
    ENCRYPTED,
    NOT_A_WORKBOOK,
    PASSWORD,
    SAVE_AS,
    WRONG_EXTENSION,
    Limits,
    Refused,
    refuse_extent,
)

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FREE, _END = 0xFFFFFFFF, 0xFFFFFFFE


class _Compound:
    """Just enough of an OLE2 compound file (MS-CFB) to list its streams and read one of them."""

    def __init__(self, f: Any, size: int) -> None:
        self.f, self.size = f, size
        f.seek(0)
        header = f.read(512)
        if len(header) < 512:
            raise ValueError("the OLE2 header is cut off")
        shift, mini_shift = struct.unpack_from("<HH", header, 30)
        if shift not in (9, 12) or mini_shift != 6:
            raise ValueError(f"OLE2 sector size 2^{shift} is invalid")
        self.sector = 1 << shift
        n_fat, first_dir, cutoff, first_minifat, n_minifat, first_difat, n_difat = struct.unpack_from(
            "<II4xIIIII", header, 44
        )
        self.cutoff = cutoff
        max_sectors = size // self.sector + 1
        if n_fat > max_sectors or n_difat > max_sectors:
            raise ValueError("the OLE2 allocation table is larger than the file")
        fat_sectors = [s for s in struct.unpack_from("<109I", header, 76) if s not in (_FREE, _END)]
        sector, seen = first_difat, set()
        per = self.sector // 4 - 1
        while sector not in (_FREE, _END) and len(fat_sectors) < n_fat:
            if sector in seen:
                raise ValueError("the OLE2 DIFAT chain loops")
            seen.add(sector)
            entries = struct.unpack(f"<{per + 1}I", self._sector(sector))
            fat_sectors.extend(s for s in entries[:per] if s not in (_FREE, _END))
            sector = entries[per]
        self.fat: list[int] = []
        for s in fat_sectors[:n_fat]:
            self.fat.extend(struct.unpack(f"<{self.sector // 4}I", self._sector(s)))
        self.entries: list[tuple[str, int, int, int]] = []  # name, type, start, size
        directory = self._chain_bytes(first_dir, limit=max_sectors * self.sector)
        for i in range(0, len(directory) - 127, 128):
            raw = directory[i : i + 128]
            length = struct.unpack_from("<H", raw, 64)[0]
            kind = raw[66]
            start, size_lo, size_hi = struct.unpack_from("<III", raw, 116)
            name = raw[: max(0, min(length, 64) - 2)].decode("utf-16-le", "replace")
            self.entries.append(
                (name, kind, start, size_lo if self.sector == 512 else size_lo | size_hi << 32)
            )
        self.first_minifat, self.n_minifat = first_minifat, n_minifat

    def _sector(self, index: int) -> bytes:
        offset = (index + 1) * self.sector
        if offset >= self.size:
            raise ValueError(f"OLE2 sector {index} is past the end of the file")
        self.f.seek(offset)
        return self.f.read(self.sector)

    def _chain(self, start: int) -> list[int]:
        chain, seen = [], set()
        while start not in (_END, _FREE):
            if start in seen or start >= len(self.fat):
                raise ValueError("an OLE2 sector chain is broken")
            seen.add(start)
            chain.append(start)
            start = self.fat[start]
        return chain

    def _chain_bytes(self, start: int, limit: int) -> bytes:
        out = bytearray()
        for s in self._chain(start):
            out += self._sector(s)
            if len(out) >= limit:
                break
        return bytes(out[:limit])

    def names(self) -> set[str]:
        return {name for name, kind, _, _ in self.entries if kind in (1, 2)}

    def read(self, wanted: str, limit: int) -> bytes:
        """The first `limit` bytes of the stream named `wanted` (any storage; names compare without
        case, as the format says and readers do: "WORKBOOK" and "Book" are workbook streams)."""
        for name, kind, start, size in self.entries:
            if kind == 2 and name.lower() == wanted.lower():
                size = min(size, limit)
                if size >= self.cutoff:
                    return self._chain_bytes(start, size)
                return self._mini(start, size)
        raise KeyError(wanted)

    def check_mini_stream(self) -> None:
        """The mini stream (the root entry's chain) whole: a reader loads it on opening and panics on
        a chain that breaks off (ValueError here, a damaged file)."""
        if self.entries and self.entries[0][3] > 0:
            root = self.entries[0]
            self._chain_bytes(root[2], min(root[3], self.size))  # raises when the chain breaks

    def _mini(self, start: int, size: int) -> bytes:
        root = self.entries[0]
        stream = self._chain_bytes(root[2], root[3])
        minifat_raw = self._chain_bytes(self.first_minifat, self.n_minifat * self.sector)
        minifat = struct.unpack(f"<{len(minifat_raw) // 4}I", minifat_raw)
        out, seen = bytearray(), set()
        while start not in (_END, _FREE) and len(out) < size:
            if start in seen or start >= len(minifat):
                raise ValueError("an OLE2 mini sector chain is broken")
            seen.add(start)
            piece = stream[start * 64 : (start + 1) * 64]
            if len(piece) < min(64, size - len(out)):  # a reader would slice past the mini stream's end
                raise ValueError("an OLE2 mini sector lies past the end of its stream")
            out += piece
            start = minifat[start]
        return bytes(out[:size])


def check_ole2(f: Any, size: int, name: str, suffix: str, limits: Limits) -> None:
    compound = _Compound(f, size)
    compound.check_mini_stream()
    streams = {s.lower() for s in compound.names()}  # stream names compare without case
    if "encryptioninfo" in streams or "encryptedpackage" in streams:
        raise Refused(ENCRYPTED, f"{name} {PASSWORD}")
    book = "Workbook" if "workbook" in streams else "Book" if "book" in streams else None
    if book is None:
        what = (
            "a Word document"
            if "worddocument" in streams
            else "a PowerPoint presentation"
            if "powerpoint document" in streams
            else "an Office file holding no workbook (no Workbook stream)"
        )
        raise Refused(
            NOT_A_WORKBOOK,
            f"{name} is {what}, although its name ends in {suffix}: ask for the scorecard again",
        )
    if suffix != ".xls":
        raise Refused(
            WRONG_EXTENSION,
            f"{name} is an Excel 97-2003 workbook (.xls) with a {suffix} name: "
            f"rename it to end in .xls, or {SAVE_AS}",
        )
    _check_biff(compound.read(book, limits.max_file_bytes), name, limits)


# BIFF records that hold one cell (row and column first) and MULRK (a run of cells in one row).
_BIFF_CELLS = frozenset({0x0006, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E, 0x00D6, 0x0206, 0x0406})
_BIFF_MULRK, _BIFF_BOF, _BIFF_FILEPASS, _BIFF_BOUNDSHEET = 0x00BD, 0x0809, 0x002F, 0x0085


def _check_biff(stream: bytes, name: str, limits: Limits) -> None:
    """Walk the BIFF records of an .xls: a FILEPASS record means a password; cell records give each
    sheet's extent (the reader builds a grid to the last cell, as for .xlsx)."""
    sheets: list[str] = []
    pos, index = 0, -1
    n = len(stream)
    while pos + 4 <= n:
        kind, length = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4 : pos + 4 + length]
        pos += 4 + length
        if kind == _BIFF_BOF:
            index += 1
        elif kind == _BIFF_FILEPASS and index == 0:
            raise Refused(ENCRYPTED, f"{name} {PASSWORD}")
        elif kind == _BIFF_BOUNDSHEET and len(body) >= 8:
            count, high = body[6], body[7] & 1
            raw = body[8 : 8 + count * (2 if high else 1)]
            sheets.append(raw.decode("utf-16-le" if high else "latin-1", "replace"))
        elif kind in _BIFF_CELLS and len(body) >= 4 or kind == _BIFF_MULRK and len(body) >= 6:
            row, col = struct.unpack_from("<HH", body, 0)
            if kind == _BIFF_MULRK:
                col = struct.unpack_from("<H", body, len(body) - 2)[0]
            if row + 1 > limits.max_rows or col + 1 > limits.max_columns:
                sheet = sheets[index - 1] if 0 < index <= len(sheets) else f"sheet {index}"
                refuse_extent(name, sheet, limits, row + 1, col + 1)

