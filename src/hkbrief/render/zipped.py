"""Zip archives written the same way every time, with each member's deflated form remembered.

A deck is a zip of about eighty members, and most of them (the slide master, its layouts, the theme, notes
that did not change) are the same bytes in every deck built on one layout; deflating them again was a quarter
of the time it took to write a deck. The deflated form of each distinct member is kept for the life of the
process (up to :data:`REMEMBERED_BYTES`), so a batch or a ``watch`` session deflates a member once.

The archive is written here, not with ``zipfile``, because ``zipfile`` has no way to add data that is already
deflated. The bytes are exactly those ``zipfile.ZipFile.writestr`` writes for the same entries (a test compares
them): the zip format's own records, no data descriptors, no ZIP64 (members are far below its limit).
"""

from __future__ import annotations

import struct
import threading
import zlib
from collections.abc import Iterable

__all__ = ["REMEMBERED_BYTES", "zip_bytes"]

REMEMBERED_BYTES = 32 * 1024 * 1024  # deflated members kept: a few hundred decks' distinct parts, not a leak
_LIMIT = (1 << 31) - 1  # past this a member needs ZIP64 records, which nothing hkbrief writes comes near
_VERSION = 20  # "2.0": deflate, what zipfile writes as both version made by and version needed
_DEFLATED = 8
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")


_remembered: dict[tuple[int, bytes], tuple[int, bytes]] = {}  # (level, data) -> (CRC-32, deflated)
_remembered_size = 0
_lock = threading.Lock()


def zip_bytes(members: Iterable[tuple[str, bytes]], level: int, date_time: tuple[int, int, int, int, int, int],
              create_system: int, mode: int) -> bytes:
    """The archive of ``members`` (name, bytes) in the order given, every member deflated at ``level`` and
    carrying the same date, creating system and file mode. Names are ASCII, as every OOXML part name is."""
    year, month, day, hour, minute, second = date_time
    dos_date = (year - 1980) << 9 | month << 5 | day
    dos_time = hour << 11 | minute << 5 | second // 2
    pieces: list[bytes] = []
    directory: list[bytes] = []
    offset = 0
    count = 0
    for member, data in members:
        name = member.encode("ascii")
        crc, deflated = _deflated(data, level)
        if max(len(data), len(deflated), offset) > _LIMIT:
            raise ValueError(f"{member}: too large for a zip without ZIP64 records")
        local = _LOCAL.pack(b"PK\x03\x04", _VERSION, 0, 0, _DEFLATED, dos_time, dos_date, crc, len(deflated),
                            len(data), len(name), 0)
        directory.append(_CENTRAL.pack(b"PK\x01\x02", _VERSION, create_system, _VERSION, 0, 0, _DEFLATED,
                                       dos_time, dos_date, crc, len(deflated), len(data), len(name), 0, 0, 0,
                                       0, mode << 16, offset) + name)
        pieces += (local, name, deflated)
        offset += len(local) + len(name) + len(deflated)
        count += 1
    central = b"".join(directory)
    end = _END.pack(b"PK\x05\x06", 0, 0, count, count, len(central), offset, 0)
    return b"".join(pieces) + central + end


def _deflated(data: bytes, level: int) -> tuple[int, bytes]:
    """(CRC-32, raw deflate) of ``data``, as zipfile makes them, remembered."""
    global _remembered_size
    key = (level, data)
    found = _remembered.get(key)
    if found is not None:
        return found
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    made = zlib.crc32(data), compressor.compress(data) + compressor.flush()
    with _lock:
        if _remembered_size + len(data) + len(made[1]) > REMEMBERED_BYTES:
            _remembered.clear()
            _remembered_size = 0
        _remembered[key] = made
        _remembered_size += len(data) + len(made[1])
    return made
