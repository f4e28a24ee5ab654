"""Reading a layout's own font files (TrueType ``.ttf`` or one face of a ``.ttc`` collection) into metrics.

A layout can bring its brand font by file; hkbrief must measure it exactly as it measures the bundled fonts, and the
PDF must be able to embed it. This module reads the few tables that takes (``head``, ``hhea``, ``maxp``, ``OS/2``,
``name``, ``cmap``, ``hmtx``) with ``struct`` and returns the same dictionary ``tools/make_font_metrics.py`` stores
for a bundled font, which :meth:`hkbrief.textfit.FontMetrics.from_json` turns into metrics: one machinery for both
(a test checks that this reader and fontTools agree on every bundled font, DejaVu and AR PL UMing).

Why not fontTools or reportlab at run time: both are heavy imports (fontTools ~0.15 s, which alone is a third of a
build), and loading a layout must stay light; fontTools is a test and tooling dependency only. reportlab, which
embeds the font, reads it again when the PDF is drawn. What reportlab cannot embed is refused here, before anything
is arranged: CFF outlines (``OTTO``), fonts whose ``fsType`` forbids embedding or subsetting, and cmap formats it does
not read.

The reader is defensive: the file size is checked before it is read, every offset is checked against the file, and
any structural problem becomes :class:`FontFileError` with a one-line reason.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import stat as stat_module
from dataclasses import dataclass
from pathlib import Path
from struct import error as StructError
from struct import unpack_from

METRICS_FORMAT = 1
# AR PL UMing's four-face collection is 21 MB; a brand font is usually well under 1 MB.
MAX_FONT_BYTES = 40 * 1024 * 1024

_TRUETYPE = (b"\x00\x01\x00\x00", b"true")
_CFF = b"OTTO"
_COLLECTION = b"ttcf"
_REQUIRED_TABLES = ("head", "hhea", "hmtx", "maxp", "cmap", "name", "OS/2", "glyf", "loca")
# fontTools' getBestCmap order: full Unicode repertoire first, then the BMP.
_CMAP_PREFERENCE = ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0))
# OS/2 fsType (OpenType spec): bit 1 alone is "restricted licence embedding"; bits 2 (preview & print) and 3
# (editable) permit embedding; bit 8 forbids subsetting, bit 9 allows bitmaps only (the PDF embeds outlines).
_FS_RESTRICTED = 0x0002
_FS_EMBEDDING_ALLOWED = 0x000C
_FS_NO_SUBSETTING = 0x0100
_FS_BITMAP_ONLY = 0x0200


class FontFileError(Exception):
    """A font file hkbrief cannot use; the message says why and what to do, in one line."""


@dataclass(frozen=True, slots=True)
class FaceInfo:
    """What a layout needs to know about one face before it is measured."""

    path: Path
    index: int
    family: str
    style: str
    postscript_name: str
    faces_in_file: int
    # MD5 of the face's table directory, which holds every table's checksum, offset and length: it changes
    # whenever the face does, so a font file replaced under the same name is not taken for the one it replaced
    digest: str = ""


def read_face(path: Path, index: int = 0) -> tuple[FaceInfo, dict]:
    """The face ``index`` of the font file at ``path``: its names and its metrics dictionary (``FontMetrics``'s
    JSON format, with ``file`` the absolute path). Raises :class:`FontFileError`."""
    data = _read_bytes(path)
    tag = data[:4]
    if tag == _CFF:
        raise FontFileError("has PostScript (CFF) outlines, which the PDF cannot embed; use the TrueType (.ttf) "
                            "version of the font, or convert it (fontTools: otf2ttf)")
    faces_in_file = 1
    if tag == _COLLECTION:
        offsets = _collection_offsets(data)
        faces_in_file = len(offsets)
        if not 0 <= index < faces_in_file:
            raise FontFileError(f"has {faces_in_file} faces (index 0 to {faces_in_file - 1}); index {index} is not"
                                " one of them")
        start = offsets[index]
        if data[start:start + 4] == _CFF:
            raise FontFileError(f"face {index} has PostScript (CFF) outlines, which the PDF cannot embed; use a "
                                "TrueType font")
    elif tag in _TRUETYPE:
        if index != 0:
            raise FontFileError(f"is a single font, not a collection; index {index} does not exist (use 0)")
        start = 0
    else:
        raise FontFileError("is not a TrueType font (.ttf or .ttc)")
    try:
        tables = _table_directory(data, start)
        info, metrics = _read_tables(path, index, faces_in_file, data, tables)
        (count,) = unpack_from(">H", data, start + 4)
        directory = data[start:start + 12 + 16 * count]
        return dataclasses.replace(info, digest=hashlib.md5(directory, usedforsecurity=False).hexdigest()), metrics
    except (StructError, KeyError, IndexError, ValueError, UnicodeDecodeError) as exc:
        reason = f" ({exc})" if isinstance(exc, ValueError) and str(exc) else ""
        raise FontFileError(f"is damaged or not a font hkbrief can read{reason}") from None


def _read_bytes(path: Path) -> bytes:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise FontFileError("does not exist") from None
    except OSError as exc:
        raise FontFileError(f"cannot be read: {exc.strerror}") from None
    if stat_module.S_ISDIR(info.st_mode):
        raise FontFileError("is a folder; give the path of a .ttf or .ttc file")
    if not stat_module.S_ISREG(info.st_mode):
        raise FontFileError("is not a regular file (a device or pipe?); give a .ttf or .ttc file")
    if info.st_size > MAX_FONT_BYTES:
        raise FontFileError(f"is {info.st_size:,} bytes; font files are limited to {MAX_FONT_BYTES:,} bytes")
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FONT_BYTES + 1)
    except OSError as exc:
        raise FontFileError(f"cannot be read: {exc.strerror}") from None
    if len(data) > MAX_FONT_BYTES:
        raise FontFileError(f"is larger than the {MAX_FONT_BYTES:,} bytes font files are limited to")
    if len(data) < 12:
        raise FontFileError("is not a TrueType font (.ttf or .ttc)")
    return data


def _collection_offsets(data: bytes) -> list[int]:
    try:
        (count,) = unpack_from(">L", data, 8)
        if not 0 < count <= 1024:
            raise FontFileError("is a font collection with no readable faces")
        offsets = list(unpack_from(f">{count}L", data, 12))
    except StructError:
        raise FontFileError("is damaged: its collection header is cut short") from None
    if any(offset + 12 > len(data) for offset in offsets):
        raise FontFileError("is damaged: a face of the collection lies past the end of the file")
    return offsets


def _table_directory(data: bytes, start: int) -> dict[str, tuple[int, int]]:
    (count,) = unpack_from(">H", data, start + 4)
    tables: dict[str, tuple[int, int]] = {}
    for n in range(count):
        tag, _checksum, offset, length = unpack_from(">4sLLL", data, start + 12 + 16 * n)
        if offset + length > len(data):
            raise ValueError(f"table {tag.decode('latin-1')!r} lies past the end of the file")
        tables[tag.decode("latin-1")] = (offset, length)
    missing = [tag for tag in _REQUIRED_TABLES if tag not in tables]
    if missing:
        if "CFF " in tables or "CFF2" in tables:
            raise FontFileError("has PostScript (CFF) outlines, which the PDF cannot embed; use a TrueType font")
        raise FontFileError(f"lacks the {', '.join(missing)} table{'s' if len(missing) > 1 else ''} a TrueType"
                            " font needs")
    return tables


def _read_tables(path: Path, index: int, faces_in_file: int, data: bytes,
                 tables: dict[str, tuple[int, int]]) -> tuple[FaceInfo, dict]:
    head, _ = tables["head"]
    hhea, _ = tables["hhea"]
    maxp, _ = tables["maxp"]
    os2, os2_length = tables["OS/2"]
    hmtx, hmtx_length = tables["hmtx"]
    (units_per_em,) = unpack_from(">H", data, head + 18)
    if not 16 <= units_per_em <= 16384:
        raise ValueError(f"units per em {units_per_em}")
    (glyph_data_format,) = unpack_from(">H", data, head + 52)
    if glyph_data_format != 0:
        raise ValueError(f"glyph data format {glyph_data_format}")
    ascender, descender, line_gap = unpack_from(">hhh", data, hhea + 4)
    (metric_count,) = unpack_from(">H", data, hhea + 34)
    (glyph_count,) = unpack_from(">H", data, maxp + 4)
    if metric_count == 0 or 4 * metric_count > hmtx_length:
        raise ValueError("horizontal metrics cut short")
    os2_version, = unpack_from(">H", data, os2)
    (fs_type,) = unpack_from(">H", data, os2 + 8)
    (fs_selection,) = unpack_from(">H", data, os2 + 62)
    typo = unpack_from(">hhh", data, os2 + 68)
    win = unpack_from(">HH", data, os2 + 74)
    cap_height, x_height = (unpack_from(">hh", data, os2 + 86)[::-1] if os2_version >= 2 and os2_length >= 90
                            else (0, 0))
    names = _names(data, tables["name"][0])
    family = names.get(16) or names.get(1) or ""
    style = names.get(17) or names.get(2) or ""
    postscript_name = names.get(6) or ""
    if not family:
        raise ValueError("no family name")
    if fs_type & _FS_RESTRICTED and not fs_type & _FS_EMBEDDING_ALLOWED:
        raise FontFileError(f"is {family} {style}, whose licence forbids embedding it (OS/2 fsType {fs_type:#06x},"
                            " restricted); the PDF must embed its fonts, so use a font licensed for embedding")
    if fs_type & (_FS_NO_SUBSETTING | _FS_BITMAP_ONLY):
        which = "subsetting" if fs_type & _FS_NO_SUBSETTING else "embedding its outlines"
        raise FontFileError(f"is {family} {style}, whose licence forbids {which} (OS/2 fsType {fs_type:#06x}),"
                            " which the PDF needs; use a font licensed for embedding")
    advances = unpack_from(f">{2 * metric_count}H", data, hmtx)[0::2]
    cmap = _best_cmap(data, tables["cmap"][0], tables["cmap"][1])
    runs: list[list[int]] = []
    last_advance = advances[-1]
    for code_point in sorted(cmap):
        glyph = cmap[code_point]
        if glyph == 0 or glyph >= glyph_count:
            continue  # drawn as the missing-glyph box (or not at all): the character is not in the font
        advance = advances[glyph] if glyph < metric_count else last_advance
        if runs and runs[-1][0] + runs[-1][1] == code_point and runs[-1][2] == advance:
            runs[-1][1] += 1
        else:
            runs.append([code_point, 1, advance])
    if not runs:
        raise ValueError("no characters mapped")
    metrics = {
        "format": METRICS_FORMAT,
        "file": str(path),
        "family": family,
        "style": style,
        "postscript_name": postscript_name,
        "units_per_em": units_per_em,
        "hhea": [ascender, descender, line_gap],
        "typo": list(typo),
        "win": list(win),
        "use_typo_metrics": bool(fs_selection & (1 << 7)),
        "cap_height": cap_height,
        "x_height": x_height,
        "notdef_advance": advances[0],
        "advance_runs": [value for run in runs for value in run],
    }
    return FaceInfo(path, index, family, style, postscript_name, faces_in_file), metrics


def _names(data: bytes, table: int) -> dict[int, str]:
    """Name IDs 1, 2, 4, 6, 16 and 17, preferring Windows Unicode English, then any Windows Unicode, then Mac Roman."""
    _format, count, strings = unpack_from(">HHH", data, table)
    ranked: dict[int, tuple[int, str]] = {}
    for n in range(count):
        platform, encoding, language, name_id, length, offset = unpack_from(">6H", data, table + 6 + 12 * n)
        if name_id not in (1, 2, 4, 6, 16, 17):
            continue
        raw = data[table + strings + offset: table + strings + offset + length]
        if platform == 3 and encoding in (0, 1, 10):
            rank, text = (0 if language == 0x409 else 1), raw.decode("utf-16-be", errors="replace")
        elif platform == 0:
            rank, text = 2, raw.decode("utf-16-be", errors="replace")
        elif platform == 1 and encoding == 0:
            rank, text = 3, raw.decode("mac_roman", errors="replace")
        else:
            continue
        text = text.strip("\x00 ")
        if text and (name_id not in ranked or rank < ranked[name_id][0]):
            ranked[name_id] = (rank, text)
    return {name_id: text for name_id, (_, text) in ranked.items()}


def _best_cmap(data: bytes, table: int, length: int) -> dict[int, int]:
    """The character map a font is measured with: the first subtable in fontTools' order that this reader knows
    (formats 4, 6 and 12), as code point -> glyph id."""
    _version, count = unpack_from(">HH", data, table)
    subtables: dict[tuple[int, int], int] = {}
    for n in range(count):
        platform, encoding, offset = unpack_from(">HHL", data, table + 4 + 8 * n)
        if offset >= length:
            raise ValueError("a character map lies outside its table")
        subtables.setdefault((platform, encoding), table + offset)
    for key in _CMAP_PREFERENCE:
        start = subtables.get(key)
        if start is None:
            continue
        (table_format,) = unpack_from(">H", data, start)
        if table_format == 4:
            return _cmap_format_4(data, start)
        if table_format == 12:
            return _cmap_format_12(data, start)
        if table_format == 6:
            first, entries = unpack_from(">HH", data, start + 6)
            glyphs = unpack_from(f">{entries}H", data, start + 10)
            return dict(zip(range(first, first + entries), glyphs))
    raise FontFileError("has no Unicode character map (cmap format 4, 6 or 12) that hkbrief and the PDF can read")


def _cmap_format_4(data: bytes, start: int) -> dict[int, int]:
    length, _language, double_segments = unpack_from(">HHH", data, start + 2)
    segments = double_segments // 2
    position = start + 14
    ends = unpack_from(f">{segments}H", data, position)
    position += 2 * segments + 2
    starts = unpack_from(f">{segments}H", data, position)
    position += 2 * segments
    deltas = unpack_from(f">{segments}H", data, position)
    position += 2 * segments
    range_offsets_start = position
    range_offsets = unpack_from(f">{segments}H", data, position)
    cmap: dict[int, int] = {}
    for n in range(segments):
        first, last, delta, range_offset = starts[n], ends[n], deltas[n], range_offsets[n]
        if first > last:
            continue
        if range_offset == 0:
            for code in range(first, last + 1):
                cmap[code] = (code + delta) & 0xFFFF
            continue
        at = range_offsets_start + 2 * n + range_offset
        count = min(last - first + 1, max(0, (len(data) - at) // 2))  # a glyph array cut short maps nothing more
        glyphs = unpack_from(f">{count}H", data, at)
        for code, glyph in zip(range(first, last + 1), glyphs):
            cmap[code] = (glyph + delta) & 0xFFFF if glyph else 0
    cmap.pop(0xFFFF, None)  # the segment that ends every format 4 table
    return cmap


def _cmap_format_12(data: bytes, start: int) -> dict[int, int]:
    (groups,) = unpack_from(">L", data, start + 12)
    if groups > 0x110000:
        raise ValueError("too many character groups")
    values = unpack_from(f">{3 * groups}L", data, start + 16)
    cmap: dict[int, int] = {}
    for n in range(0, 3 * groups, 3):
        first, last, first_glyph = values[n:n + 3]
        if first > last or last > 0x10FFFF:
            raise ValueError("a character group out of range")
        cmap.update(zip(range(first, last + 1), range(first_glyph, first_glyph + last + 1 - first)))
    return cmap
