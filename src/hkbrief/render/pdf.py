"""Draw a :class:`~hkbrief.plan.PagePlan` as a one-page PDF with the reportlab canvas.

Every line break, size, position, colour and font comes from the plan; this module only draws. Text goes through
the canvas's text objects, never through platypus ``Paragraph``, so content such as ``a<b`` or
``<img src="...">`` prints literally and never reaches a markup parser. Fonts are the plan's TrueType files,
embedded as subsets. The output is byte-identical for identical plans: reportlab's invariant mode, dates from the
plan's properties and a document ID derived from the plan.

reportlab is imported inside the functions so that importing this module (and ``hkbrief --help``) stays fast.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import functools
import hashlib
import io
import os
import threading
from struct import unpack_from
from collections.abc import Iterator
from typing import TYPE_CHECKING, assert_never

from hkbrief.geometry import Box
from hkbrief.plan import DocumentProperties, Face, Frame, FrameRole, PagePlan, Paragraph
from hkbrief.render.names import spell

if TYPE_CHECKING:
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

__all__ = ["render_page"]

_registered_fonts: dict[tuple[str, str, int], TTFont] = {}  # (pdf_name, pdf_file, pdf_index) -> the font registered
_registration_lock = threading.Lock()


def render_page(plan: PagePlan) -> bytes:
    """Return the PDF bytes of ``plan``: exactly one page of ``plan.size``, frames drawn in plan order.

    Raises ``ValueError`` (naming the frame) when a span holds a character its face's font cannot draw, a colour
    is not ``#RRGGBB``, or an image frame has no readable file; nothing is drawn in that case.
    """
    from reportlab.pdfgen.canvas import Canvas

    fonts = {face.pdf_name: _registered_font(face) for face in _faces_in(plan)}
    _check_plan(plan, fonts)

    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=(plan.size.w, plan.size.h),
        invariant=1,
        pageCompression=1,
        lang=plan.properties.language or None,
        # A TrueType initial font keeps reportlab from putting Helvetica into the page's resources.
        initialFontName=next(iter(fonts), None),
    )
    _set_properties(canvas, plan.properties)
    _fix_document_id(canvas, _plan_digest(plan))

    _fill_rect(canvas, plan.size.h, Box(0.0, 0.0, plan.size.w, plan.size.h), fill=plan.background)
    for frame in plan.frames:
        _draw_frame(canvas, plan.size.h, frame)

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _faces_in(plan: PagePlan) -> Iterator[Face]:
    """Every face a span or bullet is drawn in, in first-use order (so font resources come out in a stable order)."""
    seen: set[Face] = set()
    for frame in plan.frames:
        for paragraph in frame.paragraphs:
            for line in paragraph.lines:
                for span in line.spans:
                    if span.face not in seen:
                        seen.add(span.face)
                        yield span.face


def _registered_font(face: Face) -> TTFont:
    """Register ``face.pdf_file`` under ``face.pdf_name`` once per process and return reportlab's font.

    A name someone else registered (``textfit`` measures with the same TTFs) is reused only if it is the same file.
    """
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    key = (face.pdf_name, face.pdf_file, face.pdf_index)
    with _registration_lock:
        if key in _registered_fonts:
            return _registered_fonts[key]
        if face.pdf_name in pdfmetrics.getRegisteredFontNames():
            font = pdfmetrics.getFont(face.pdf_name)
            registered_file = getattr(getattr(font, "face", None), "filename", None)
            if not isinstance(font, TTFont) or not _same_file(registered_file, face.pdf_file):
                raise ValueError(
                    f"font name {face.pdf_name!r} is already registered for another font than "
                    f"{os.path.basename(face.pdf_file)!r}"
                )
            _registered_fonts[key] = font
            return font
        try:
            font = _load_font(face.pdf_name, face.pdf_file, face.pdf_index)
        except (OSError, TTFError) as error:
            raise ValueError(
                f"font {face.pdf_name!r}: cannot embed {os.path.basename(face.pdf_file)!r}: {error}"
            ) from error
        pdfmetrics.registerFont(font)
        _registered_fonts[key] = font
        return font


def _load_font(name: str, path: str, index: int = 0) -> TTFont:
    """reportlab's ``TTFont(name, path, subfontIndex=index)``, with the face's file mapped and its character tables
    read on demand.

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
    from reportlab.pdfbase.ttfonts import TTEncoding, TTFont

    # What TTFont.__init__ sets (reportlab 4 and 5), with the face from _face_class instead of TTFontFace.
    font = TTFont.__new__(TTFont)
    font.fontName = name
    font.face = _face_class()(path, subfontIndex=index)
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = not any(fnmatch.fnmatch(name, pattern) for pattern in rl_config.unShapedFontGlob)
    return font


@functools.cache
def _face_class() -> type:
    import mmap

    from reportlab.pdfbase.ttfonts import TTFError, TTFontFace

    class MappedTTFontFace(TTFontFace):
        def readFile(self, f) -> None:  # noqa: N802 - reportlab's name
            if isinstance(f, str) and not hasattr(self, "_ttf_data"):
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

    def _lookup(self, code: int) -> int | None:
        data = self._data
        if self._format == 12:
            low, high = 0, self._groups
            while low < high:  # the first group whose last code is >= code
                middle = (low + high) // 2
                if unpack_from(">L", data, self._start + 16 + 12 * middle + 4)[0] < code:
                    low = middle + 1
                else:
                    high = middle
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


def _same_file(registered: str | None, wanted: str) -> bool:
    if registered is None:
        return False
    try:
        return os.path.samefile(registered, wanted)
    except OSError:
        return os.path.abspath(registered) == os.path.abspath(wanted)


def _check_plan(plan: PagePlan, fonts: dict[str, TTFont]) -> None:
    """Refuse, before anything is drawn, what would otherwise print wrongly without an error.

    reportlab draws a character missing from the font as an empty ``.notdef`` box and says nothing; the plan
    should never let that happen, so this is a safety net.
    """
    _parse_color(plan.background, "page background")
    for frame in plan.frames:
        for field_name in ("fill", "stroke"):
            value = getattr(frame, field_name)
            if value is not None:
                _parse_color(value, f"frame {spell(frame.name)!r} {field_name}")
        if frame.role is FrameRole.IMAGE and not (frame.image_path and os.path.isfile(frame.image_path)):
            raise ValueError(f"frame {spell(frame.name)!r}: image file {frame.image_path!r} is missing")
        for paragraph in frame.paragraphs:
            _parse_color(paragraph.style.color, f"frame {spell(frame.name)!r} text colour")
            for line in paragraph.lines:
                for span in line.spans:
                    _check_coverage(frame, span.text, span.face, fonts)
            bullet_face = _bullet_face(paragraph)
            if paragraph.bullet and bullet_face is not None:
                _check_coverage(frame, paragraph.bullet, bullet_face, fonts)


def _check_coverage(frame: Frame, text: str, face: Face, fonts: dict[str, TTFont]) -> None:
    char_to_glyph = fonts[face.pdf_name].face.charToGlyph
    for char in text:
        if not char_to_glyph.get(ord(char)):
            raise ValueError(
                f"frame {spell(frame.name)!r}: U+{ord(char):04X} {char!r} is not in font {face.pdf_name!r} "
                f"({os.path.basename(face.pdf_file)})"
            )


def _bullet_face(paragraph: Paragraph) -> Face | None:
    """The bullet is drawn in the face of the paragraph's first span, as the deck's bullet follows its first run."""
    for line in paragraph.lines[:1]:
        for span in line.spans[:1]:
            return span.face
    return None


def _set_properties(canvas: Canvas, properties: DocumentProperties) -> None:
    """Document information from the plan; both dates are ``properties.created``, never the clock."""
    canvas.setTitle(properties.title)
    canvas.setAuthor(properties.author)
    canvas.setSubject(properties.subject)
    canvas.setKeywords(properties.keywords)
    canvas.setCreator(properties.creator)
    pdf_date = _pdf_date(properties.created)
    canvas.setDateFormatter(lambda *_clock_fields: pdf_date)
    canvas.setViewerPreference("DisplayDocTitle", "true")


def _pdf_date(moment: dt.datetime) -> str:
    """``D:YYYYMMDDHHmmSS+HH'mm'`` (PDF 32000 §7.9.4); a naive datetime is written without an offset."""
    text = moment.strftime("D:%Y%m%d%H%M%S")
    offset = moment.utcoffset()
    if offset is None:
        return text
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{text}{sign}{hours:02d}'{minutes:02d}'"


def _plan_digest(plan: PagePlan) -> bytes:
    """A digest of what decides the page: the plan's fields (fonts by path) and the bytes of its images."""
    digest = hashlib.md5(repr(plan).encode("utf-8"), usedforsecurity=False)
    for path in sorted({frame.image_path for frame in plan.frames if frame.image_path}):
        with open(path, "rb") as file:
            digest.update(hashlib.sha256(file.read()).digest())
    return digest.digest()


def _fix_document_id(canvas: Canvas, digest: bytes) -> None:
    """Make the trailer's /ID a function of the plan alone.

    In invariant mode reportlab's ID digests only the title, author, subject and keywords (and
    ``SOURCE_DATE_EPOCH`` when that is set), so two different pages could share an ID and one page's ID would
    change with the environment; reportlab has no public setter, so the document's cached ID is set before saving.
    """
    hex_id = digest.hex().upper().encode("ascii")
    canvas._doc._ID = b"[<" + hex_id + b"> <" + hex_id + b">]"


def _draw_frame(canvas: Canvas, page_height: float, frame: Frame) -> None:
    match frame.role:
        case FrameRole.SHAPE:
            _fill_rect(canvas, page_height, frame.box, frame.fill, frame.stroke, frame.stroke_width)
        case FrameRole.TEXT | FrameRole.TITLE:
            _fill_rect(canvas, page_height, frame.box, frame.fill, frame.stroke, frame.stroke_width)
            _draw_text(canvas, page_height, frame)
        case FrameRole.IMAGE:
            _draw_image(canvas, page_height, frame)
        case _:
            assert_never(frame.role)


def _fill_rect(
    canvas: Canvas,
    page_height: float,
    box: Box,
    fill: str | None = None,
    stroke: str | None = None,
    stroke_width: float = 0.0,
) -> None:
    """A rectangle with the planned fill and stroke; the stroke is centred on the box edge, as in the deck.

    A stroke of width 0 is not drawn: PDF would otherwise draw the thinnest line the device can show.
    """
    draws_stroke = stroke is not None and stroke_width > 0
    if fill is None and not draws_stroke:
        return
    canvas.saveState()
    if fill is not None:
        canvas.setFillColorRGB(*_parse_color(fill, "fill"))
    if draws_stroke:
        canvas.setStrokeColorRGB(*_parse_color(stroke, "stroke"))
        canvas.setLineWidth(stroke_width)
    canvas.rect(box.x, page_height - box.bottom, box.w, box.h, stroke=int(draws_stroke), fill=int(fill is not None))
    canvas.restoreState()


def _draw_text(canvas: Canvas, page_height: float, frame: Frame) -> None:
    """Each planned span at its planned origin, in one text object per frame.

    Baselines are relative to the frame's content box (``box`` minus ``insets``), which already accounts for the
    frame's vertical alignment.
    """
    left = frame.box.x + frame.insets.left
    top = frame.box.y + frame.insets.top
    text = canvas.beginText()
    for paragraph in frame.paragraphs:
        style = paragraph.style
        text.setFillColorRGB(*_parse_color(style.color, f"frame {spell(frame.name)!r} text colour"))
        bullet_face = _bullet_face(paragraph)
        if paragraph.bullet and bullet_face is not None:
            first_line = paragraph.lines[0]
            text.setTextOrigin(left + first_line.x - paragraph.indent, page_height - (top + first_line.baseline))
            text.setFont(bullet_face.pdf_name, style.size)
            text.textOut(paragraph.bullet)
        for line in paragraph.lines:
            baseline = page_height - (top + line.baseline)
            for span in line.spans:
                if not span.text:
                    continue
                text.setTextOrigin(left + line.x + span.x, baseline)
                text.setFont(span.face.pdf_name, style.size)
                text.textOut(span.text)
    canvas.drawText(text)


def _draw_image(canvas: Canvas, page_height: float, frame: Frame) -> None:
    """The image stretched to the box exactly: the plan already chose a box with the image's aspect ratio."""
    box = frame.box
    canvas.drawImage(
        frame.image_path,
        box.x,
        page_height - box.bottom,
        width=box.w,
        height=box.h,
        preserveAspectRatio=False,
        mask=None,
    )
    _fill_rect(canvas, page_height, box, None, frame.stroke, frame.stroke_width)


def _parse_color(value: str, where: str) -> tuple[float, float, float]:
    """``#RRGGBB`` as reportlab's 0..1 RGB triple."""
    digits = value[1:] if value.startswith("#") else ""
    if len(digits) != 6 or any(char not in "0123456789abcdefABCDEF" for char in digits):
        raise ValueError(f"{where}: colour {value!r} is not #RRGGBB")
    return tuple(int(digits[i : i + 2], 16) / 255 for i in range(0, 6, 2))  # type: ignore[return-value]
