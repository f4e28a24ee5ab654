"""A TrueType reader for reportlab: its ``TTFont`` with the font file mapped and its tables read on demand.

Why it exists: reportlab reads a whole TrueType file into memory and turns its cmap, hmtx and loca tables into
Python dictionaries and lists of every glyph, one number at a time; for the bundled Noto Sans TC faces that is
~40 MB and ~80 ms on every Chinese build, for the few hundred characters a brief uses. This module answers the
same lookups from the mapped file, with reportlab's own rules, so subsets and PDF bytes are unchanged.

It reaches into reportlab's internals (``TTFont`` built without ``__init__``, ``TTFontFace.readFile``,
``extractInfo`` and ``get_table`` overridden, the face's private attributes, the registry ``pdfmetrics._fonts``):
a reportlab release may change them, and a test compares every lookup and subset with reportlab's own reader for
every bundled font. What would let us drop it: reportlab reading cmap/hmtx/loca lazily itself, a supported way to
hand it a face object, and a ``registerFont`` that registers a font under its own name whatever its face is called.
"""

from __future__ import annotations

import fnmatch
import functools
import sys
from array import array
from bisect import bisect_left
from struct import unpack_from
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reportlab.pdfbase.ttfonts import TTFont

__all__ = ["forget_font", "load_font", "register_font", "registered_font"]


def register_font(font: TTFont) -> None:
    """Make ``font`` the one reportlab's canvas draws under ``font.fontName``, replacing any font of that name.

    Not ``pdfmetrics.registerFont``: for a TrueType font it keeps the first font registered for each face name
    (the PostScript name inside the file, ``DejaVuSans``) and registers any later font of that face as that first
    font object. Two brand kits whose files carry the same PostScript name (two versions of one font, a copy and
    the original, a font saved again in a watch session) would then draw the second kit's PDF with the first
    kit's file: its widths and glyphs under the second kit's name, or a refusal when the names are checked.
    """
    from reportlab.pdfbase import pdfmetrics

    pdfmetrics._fonts[font.fontName] = font  # noqa: SLF001 - see the module docstring


def registered_font(name: str):  # noqa: ANN201 - a reportlab font or None
    """The font reportlab draws under ``name``, or None (never a standard font made up on the spot, as
    ``pdfmetrics.getFont`` does for a name it does not know)."""
    from reportlab.pdfbase import pdfmetrics

    return pdfmetrics._fonts.get(name)  # noqa: SLF001 - see the module docstring


def forget_font(font: TTFont) -> None:
    """Unregister ``font`` if reportlab still draws its name with it, so the memory it holds can be freed."""
    from reportlab.pdfbase import pdfmetrics

    if pdfmetrics._fonts.get(font.fontName) is font:  # noqa: SLF001 - see the module docstring
        del pdfmetrics._fonts[font.fontName]  # noqa: SLF001


def load_font(name: str, path: str, index: int = 0, data: bytes | None = None) -> TTFont:
    """reportlab's ``TTFont(name, path, subfontIndex=index)``, with the face's file mapped and its character tables
    read on demand; or, given ``data`` (the file's bytes, read by the caller), with its tables read from those
    bytes, so a file saved again while the font is in use cannot change what it draws.

    reportlab reads a whole TrueType file into memory and turns its cmap, hmtx and loca tables into dictionaries
    and lists of every glyph, one number at a time: for the two Noto Sans TC faces (20,950 glyphs, 7 MB each)
    that is ~40 MB and ~80 ms on every Chinese build, for the few hundred characters a brief uses. The face from
    ``_face_class`` maps the file instead (only the pages read count against memory) and answers reportlab's
    lookups (``charToGlyph``, ``charWidths``, ``hmetrics``, ``glyphPos``, the ``glyf`` table) from the mapped
    tables as they are asked, with reportlab's own rules (same cmap subtable, same quirks), so subsetting and the
    PDF bytes are unchanged (a test compares the subsets and every lookup with reportlab's, for every bundled
    font). Anything it does not expect (a cmap format other than 4 or 12) is left to reportlab's reader.
    """
    from weakref import WeakKeyDictionary

    from reportlab import rl_config
    from reportlab.pdfbase.ttfonts import TTEncoding

    # What TTFont.__init__ sets (reportlab 4 and 5), with the face from _face_class instead of TTFontFace.
    font = _font_class().__new__(_font_class())
    font.fontName = name
    font.face = _face_class()(path if data is None else _Snapshot(path, data), subfontIndex=index)
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = not any(fnmatch.fnmatch(name, pattern) for pattern in rl_config.unShapedFontGlob)
    return font


@functools.cache
def _font_class() -> type:
    from reportlab.pdfbase.ttfonts import TTFont

    class MappedTTFont(TTFont):
        """reportlab's ``TTFont`` whose string widths come from a table of the characters already measured.

        reportlab measures every string it draws (``textOut`` moves the cursor by the width), character by
        character through ``charWidths``; its C accelerator (rl_accel) insists on a real dict there, which the
        mapped face does not have. The sum is reportlab's own (0.001 x size x the advances), so drawing is unchanged.
        """

        def stringWidth(self, text, size, encoding="utf8"):  # noqa: ANN001, ANN201, N802 - reportlab's names
            if not isinstance(text, str):
                text = text.decode(encoding or "utf8")
            advances = self.__dict__.setdefault("_advances", {})
            for character in set(text) - advances.keys():
                advances[character] = self.face.charWidths.get(ord(character), self.face.defaultWidth)
            return 0.001 * size * sum(map(advances.__getitem__, text))

    return MappedTTFont


@functools.cache
def _face_class() -> type:
    import mmap

    from reportlab.pdfbase.ttfonts import TTFError, TTFontFace

    class MappedTTFontFace(TTFontFace):
        def readFile(self, f) -> None:  # noqa: N802 - reportlab's name
            if isinstance(f, _Snapshot) and not hasattr(self, "_ttf_data"):
                self.filename, self._ttf_data = f.path, f.data
            elif isinstance(f, str) and not hasattr(self, "_ttf_data"):
                self.filename = f
                with open(f, "rb") as handle:
                    self._ttf_data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
            super().readFile(f)

        def get_table(self, tag):  # noqa: ANN001, ANN201 - reportlab's signature
            if tag == "glyf" and isinstance(getattr(self, "charToGlyph", None), _Cmap):
                position, length = self.get_table_pos(tag)
                return _Slices(self._ttf_data, position, length)  # makeSubset slices out only the glyphs it needs
            return super().get_table(tag)

        def extractInfo(self, charInfo: int = 1) -> None:  # noqa: N802, N803 - reportlab's names
            super().extractInfo(charInfo=0)  # names, head, OS/2, post, hhea, maxp: small, read as reportlab does
            if not charInfo:
                return
            glyph_data_format = unpack_from(">H", self._ttf_data, self.get_table_pos("head")[0] + 52)[0]
            if glyph_data_format != 0:
                raise TTFError(f"Unknown glyph data format ({glyph_data_format})")
            if "loca" not in self.table:
                raise TTFError("missing location table")
            if not _map_character_tables(self):
                super().extractInfo(charInfo=1)  # a cmap format this reader does not know: reportlab reads it all

    return MappedTTFontFace


class _Snapshot:
    """A font file's bytes as they were read, with the path they were read from (reportlab names the face after it)."""

    __slots__ = ("data", "path")

    def __init__(self, path: str, data: bytes) -> None:
        self.path, self.data = path, data


class _Slices:
    """A table of a mapped font that hands out the slices asked for, as bytes, without copying the whole table."""

    __slots__ = ("_data", "_length", "_start")

    def __init__(self, data, start: int, length: int) -> None:  # noqa: ANN001 - an mmap or bytes
        self._data, self._start, self._length = data, start, length

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, item: slice) -> bytes:
        start, stop, _ = item.indices(self._length)
        return bytes(self._data[self._start + start : self._start + max(start, stop)])


class _Cmap:
    """``charToGlyph`` as reportlab builds it from one cmap subtable (format 4 or 12), looked up on demand.

    Format 4 maps every code of a segment (a glyph 0 included, as reportlab keeps it); format 12 every code of
    a group. U+00A0 takes the space's glyph (or the space U+00A0's), as reportlab arranges. Answers are memoised.
    """

    def __init__(self, data, start: int, table_format: int) -> None:  # noqa: ANN001 - an mmap or bytes
        self._data, self._start, self._format = data, start, table_format
        self._known: dict[int, int | None] = {}
        if table_format == 4:
            length, _language, double_segments = unpack_from(">HHH", data, start + 2)
            self._segments = int(double_segments / 2.0)
            self._ends = start + 14
            self._starts = self._ends + 2 * self._segments + 2
            self._deltas = self._starts + 2 * self._segments
            self._range_offsets = self._deltas + 2 * self._segments
            self._limit = start + length
        else:
            (self._groups,) = unpack_from(">L", data, start + 12)
        space, nbsp = self._lookup(0x20), self._lookup(0xA0)
        if space is not None:
            self._known[0xA0] = space
        elif nbsp is not None:
            self._known[0x20] = nbsp

    @functools.cached_property
    def _group_ends(self) -> array:
        """Format 12: every group's last code, read in one go (5,611 groups in Noto Sans TC: 0.1 ms), so that a
        lookup is one bisection in C rather than a dozen reads of the file."""
        ends = array("L")
        if ends.itemsize != 4:
            ends = array("I")
        ends.frombytes(bytes(self._data[self._start + 16 : self._start + 16 + 12 * self._groups]))
        if sys.byteorder == "little":
            ends.byteswap()
        return ends[1::3]

    def _lookup(self, code: int) -> int | None:
        data = self._data
        if self._format == 12:
            low = bisect_left(self._group_ends, code)  # the first group whose last code is >= code
            if low == self._groups:
                return None
            first, _last, first_glyph = unpack_from(">3L", data, self._start + 16 + 12 * low)
            return first_glyph + code - first if code >= first else None
        if code > 0xFFFF:
            return None
        low, high = 0, self._segments
        while low < high:  # the first segment whose end code is >= code (segments are sorted by end code)
            middle = (low + high) // 2
            if unpack_from(">H", data, self._ends + 2 * middle)[0] < code:
                low = middle + 1
            else:
                high = middle
        n = low
        if n == self._segments or unpack_from(">H", data, self._starts + 2 * n)[0] > code:
            return None
        first = unpack_from(">H", data, self._starts + 2 * n)[0]
        delta = unpack_from(">h", data, self._deltas + 2 * n)[0]
        range_offset = unpack_from(">H", data, self._range_offsets + 2 * n)[0]
        if range_offset == 0:
            return (code + delta) & 0xFFFF
        offset = self._range_offsets + 2 * n + (code - first) * 2 + range_offset
        if offset >= self._limit:
            return 0
        (glyph,) = unpack_from(">H", data, offset)
        return (glyph + delta) & 0xFFFF if glyph != 0 else 0

    def get(self, code: int, default: int | None = None) -> int | None:
        if code not in self._known:
            self._known[code] = self._lookup(code)
        glyph = self._known[code]
        return default if glyph is None else glyph

    def __contains__(self, code: object) -> bool:
        return isinstance(code, int) and self.get(code) is not None

    def __getitem__(self, code: int) -> int:
        glyph = self.get(code)
        if glyph is None:
            raise KeyError(code)
        return glyph

    def keys(self) -> list[int]:
        """Every mapped code: only reportlab's embed-the-whole-font mode asks, and it is slow."""
        if self._format == 12:
            codes = []
            for n in range(self._groups):
                first, last, _ = unpack_from(">3L", self._data, self._start + 16 + 12 * n)
                codes.extend(range(first, last + 1))
        else:
            codes = [code for n in range(self._segments)
                     for code in range(unpack_from(">H", self._data, self._starts + 2 * n)[0],
                                       unpack_from(">H", self._data, self._ends + 2 * n)[0] + 1)]
        return sorted({*codes, *(code for code, glyph in self._known.items() if glyph is not None)})


class _Widths:
    """``charWidths``: a mapped character's advance in PDF units, as reportlab computes it from hmtx."""

    def __init__(self, cmap: _Cmap, metrics: _Metrics, glyphs: int) -> None:
        self._cmap, self._metrics, self._glyphs = cmap, metrics, glyphs

    def get(self, code: int, default: float | None = None) -> float | None:
        glyph = self._cmap.get(code)
        if glyph is None or glyph >= self._glyphs:
            return default
        return self._metrics.advance(glyph)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, int) and self.get(code) is not None

    def __getitem__(self, code: int) -> float:
        width = self.get(code)
        if width is None:
            raise KeyError(code)
        return width


class _Metrics:
    """``hmetrics``: (advance, left side bearing) by glyph, as reportlab lists them.

    As reportlab does, glyphs past the long metrics keep the last advance already scaled to PDF units.
    """

    def __init__(self, data, position: int, metric_count: int, glyphs: int, scale) -> None:  # noqa: ANN001
        self._data, self._position, self._count, self._glyphs, self._scale = data, position, metric_count, glyphs, scale
        self._last = scale(unpack_from(">H", data, position + 4 * (metric_count - 1))[0])

    def __len__(self) -> int:
        return max(self._glyphs, self._count)

    def __getitem__(self, glyph: int) -> tuple[float, int]:
        if not 0 <= glyph < len(self):
            raise IndexError(glyph)
        if glyph < self._count:
            return unpack_from(">HH", self._data, self._position + 4 * glyph)
        (side_bearing,) = unpack_from(">H", self._data, self._position + 4 * self._count + 2 * (glyph - self._count))
        return self._last, side_bearing

    def advance(self, glyph: int) -> float:
        if glyph < self._count:
            return self._scale(unpack_from(">H", self._data, self._position + 4 * glyph)[0])
        return self._last


class _Locations:
    """``glyphPos``: where each glyph starts in the glyf table (one more entry than glyphs), from loca."""

    def __init__(self, data, position: int, long_format: bool, glyphs: int) -> None:  # noqa: ANN001
        self._data, self._position, self._long, self._count = data, position, long_format, glyphs + 1

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, glyph: int) -> int:
        if not 0 <= glyph < self._count:
            raise IndexError(glyph)
        if self._long:
            return unpack_from(">L", self._data, self._position + 4 * glyph)[0]
        return unpack_from(">H", self._data, self._position + 2 * glyph)[0] << 1


def _map_character_tables(face) -> bool:  # noqa: ANN001 - a reportlab face
    """Set ``charToGlyph``, ``charWidths``, ``hmetrics``, ``defaultWidth`` and ``glyphPos`` on a reportlab face
    as lookups over the mapped file, choosing the cmap subtable exactly as ``TTFontFile.extractInfo`` does.
    Returns False, changing nothing, for a cmap format other than 4 or 12 or an unknown loca format."""
    data = face._ttf_data
    cmap = face.get_table_pos("cmap")[0]
    version, count = unpack_from(">HH", data, cmap)
    if count == 0 and version != 0:
        count = version
    chosen, kind = None, 0
    for index in range(count):
        platform, encoding, offset = unpack_from(">HHL", data, cmap + 4 + 8 * index)
        if platform == 3:
            kind, chosen = 1, offset
        elif platform == 1 and encoding == 0 and kind != 1:
            kind, chosen = 2, offset
        elif platform == 1 and encoding == 1:
            kind, chosen = 1, offset
        elif platform == 0 and encoding != 5:
            kind, chosen = 1, offset
    if chosen is None:
        return False
    (table_format,) = unpack_from(">H", data, cmap + chosen)
    (location_format,) = unpack_from(">H", data, face.get_table_pos("head")[0] + 50)
    if table_format not in (4, 12) or location_format not in (0, 1):
        return False
    glyphs = face.numGlyphs
    (metric_count,) = unpack_from(">H", data, face.get_table_pos("hhea")[0] + 34)
    metrics = _Metrics(data, face.get_table_pos("hmtx")[0], metric_count, glyphs, face._pdfScale)
    char_to_glyph = _Cmap(data, cmap + chosen, table_format)
    face.charToGlyph = char_to_glyph
    face.hmetrics = metrics
    face.defaultWidth = metrics.advance(0)
    face.charWidths = _Widths(char_to_glyph, metrics, glyphs)
    face.glyphPos = _Locations(data, face.get_table_pos("loca")[0], location_format == 1, glyphs)
    return True
