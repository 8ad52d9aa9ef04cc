"""The package the reader opens: the zip the preflight checked, written again from what it checked.

The preflight unpacks the parts a reader parses (the workbook, its relationships, styles, shared
strings and the sheets it opens) to check them; python-calamine would unpack them all again, and
inflating is a third of its time on a scorecard. `repack` hands it the same parts, in the same order
and under the same names, with those it holds unpacked stored as they are (no compression) and every
other part's packed bytes copied unchanged. Opening that costs the reader no inflating of what was
checked, and the reader sees only what the preflight saw: one directory, written here, and no bytes
between or around the parts (a zip whose local headers and directory disagree cannot tell the reader
one thing and the check another).
"""

from __future__ import annotations

import struct
import zipfile

from .parts import Member, Parts

# APPNOTE 4.3.7, 4.3.12, 4.3.16: a local header, a central directory entry, the end record. Sizes,
# CRC and method are the checked part's; no extra fields, no data descriptor, no comment.
_LOCAL = struct.Struct("<4s5H3L2H")
_ENTRY = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_VERSION = 20  # 2.0: deflate, folders
_UTF8_NAME = 0x800  # the only flag carried over: how the name's bytes are read
_LARGEST = 2**32 - 1  # past this a zip needs zip64 records; a scorecard never comes near


def repack(parts: Parts, infos: list[Member], unpacked: dict[str, bytes]) -> bytes | None:
    """The package for the reader: `infos`' parts in order, those in `unpacked` (by `Member.key`,
    checked whole: size and CRC as the directory says) stored, the others' packed bytes as found.
    None when a part cannot be copied as it is (the reader then opens the file's own bytes)."""
    out: list[bytes] = []
    directory: list[bytes] = []
    offset = copied = 0
    try:
        for info in infos:
            kept = unpacked.get(info.key)
            if kept is not None:
                method, body = zipfile.ZIP_STORED, kept
                packed_size = len(kept)
            else:
                start = parts.start(info)
                body = parts.buffer[start:start + info.compress_size]
                method, packed_size = info.compress_type, info.compress_size
                copied += packed_size
                # Entries whose packed bytes overlap would be copied once each: never more than the file.
                if len(body) != packed_size or copied > len(parts.data):
                    return None
            flags = info.flag_bits & _UTF8_NAME
            name = info.raw_name
            out.append(_LOCAL.pack(b"PK\x03\x04", _VERSION, flags, method, 0, 0x21, info.CRC, packed_size,
                                   info.file_size, len(name), 0))
            out.append(name)
            out.append(body)
            directory.append(_ENTRY.pack(b"PK\x01\x02", _VERSION, _VERSION, flags, method, 0, 0x21, info.CRC,
                                         packed_size, info.file_size, len(name), 0, 0, 0, 0, 0, offset))
            directory.append(name)
            offset += _LOCAL.size + len(name) + packed_size
            if offset > _LARGEST:
                return None
        size = sum(map(len, directory))
        end = _END.pack(b"PK\x05\x06", 0, 0, len(infos), len(infos), size, offset, 0)
    except (zipfile.BadZipFile, struct.error):
        return None
    out += directory
    out.append(end)
    return b"".join(out)
