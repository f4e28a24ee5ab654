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
from itertools import repeat
from struct import unpack_from
from collections.abc import Iterator
from typing import TYPE_CHECKING, assert_never

from hkbrief.geometry import Box
from hkbrief.plan import DocumentProperties, Face, Frame, FrameRole, PagePlan, Paragraph

if TYPE_CHECKING:
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

__all__ = ["render_page"]

_registered_fonts: dict[tuple[str, str], TTFont] = {}  # (pdf_name, pdf_file) -> the font registered for it
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

    key = (face.pdf_name, face.pdf_file)
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
            font = _load_font(face.pdf_name, face.pdf_file)
        except (OSError, TTFError) as error:
            raise ValueError(
                f"font {face.pdf_name!r}: cannot embed {os.path.basename(face.pdf_file)!r}: {error}"
            ) from error
        pdfmetrics.registerFont(font)
        _registered_fonts[key] = font
        return font


def _load_font(name: str, path: str) -> TTFont:
    """reportlab's ``TTFont(name, path)``, with the face's character tables read in bulk.

    reportlab reads a TrueType file's cmap, hmtx and loca tables one number at a time in Python: ~40 ms for each
    Noto Sans TC face (20,950 glyphs), ~3.5 ms for each Liberation Sans face, on every run. ``_face_class`` reads
    the same tables with one ``struct`` call each and builds the very same dictionaries and lists (a test compares
    them with reportlab's own, for every bundled font), so subsetting and the PDF bytes are unchanged. Anything
    it does not expect (a cmap format other than 4 or 12) is left to reportlab's reader.
    """
    from weakref import WeakKeyDictionary

    from reportlab import rl_config
    from reportlab.pdfbase.ttfonts import TTEncoding, TTFont

    # What TTFont.__init__ sets (reportlab 4 and 5), with the face from _face_class instead of TTFontFace.
    font = TTFont.__new__(TTFont)
    font.fontName = name
    font.face = _face_class()(path)
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = not any(fnmatch.fnmatch(name, pattern) for pattern in rl_config.unShapedFontGlob)
    return font


@functools.cache
def _face_class() -> type:
    from reportlab.pdfbase.ttfonts import TTFError, TTFontFace

    class BulkTTFontFace(TTFontFace):
        def extractInfo(self, charInfo: int = 1) -> None:  # noqa: N802, N803 - reportlab's names
            super().extractInfo(charInfo=0)  # names, head, OS/2, post, hhea, maxp: small, read as reportlab does
            if not charInfo:
                return
            glyph_data_format = unpack_from(">H", self._ttf_data, self.get_table_pos("head")[0] + 52)[0]
            if glyph_data_format != 0:
                raise TTFError(f"Unknown glyph data format ({glyph_data_format})")
            if "loca" not in self.table:
                raise TTFError("missing location table")
            if not _read_character_tables(self):
                super().extractInfo(charInfo=1)  # a cmap format this reader does not know: reportlab reads it all

    return BulkTTFontFace


def _read_character_tables(face) -> bool:
    """Set ``charToGlyph``, ``glyphToChar``, ``charWidths``, ``hmetrics``, ``defaultWidth`` and ``glyphPos`` on a
    reportlab face exactly as ``TTFontFile.extractInfo`` does (same cmap subtable choice, same quirks, same
    insertion order), reading each table in bulk. Returns False, changing nothing, for a cmap format other than
    4 or 12."""
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
    start = cmap + chosen
    (table_format,) = unpack_from(">H", data, start)
    char_to_glyph: dict[int, int] = {}
    glyph_to_char: dict[int, list[int]] = {}
    if table_format == 4:
        length, _language, double_segments = unpack_from(">HHH", data, start + 2)
        segments = int(double_segments / 2.0)
        position = start + 14
        ends = unpack_from(f">{segments}H", data, position)
        position += 2 * segments + 2
        starts = unpack_from(f">{segments}H", data, position)
        position += 2 * segments
        deltas = unpack_from(f">{segments}h", data, position)
        position += 2 * segments
        range_offsets_start = position
        range_offsets = unpack_from(f">{segments}H", data, position)
        limit = start + length
        for n in range(segments):
            first, delta, range_offset = starts[n], deltas[n], range_offsets[n]
            for code in range(first, ends[n] + 1):
                if range_offset == 0:
                    glyph = (code + delta) & 0xFFFF
                else:
                    offset = range_offsets_start + 2 * n + (code - first) * 2 + range_offset
                    if offset >= limit:
                        glyph = 0
                    else:
                        (glyph,) = unpack_from(">H", data, offset)
                        if glyph != 0:
                            glyph = (glyph + delta) & 0xFFFF
                char_to_glyph[code] = glyph
                glyph_to_char.setdefault(glyph, []).append(code)
    elif table_format == 12:
        (groups,) = unpack_from(">L", data, start + 12)
        values = unpack_from(f">{3 * groups}L", data, start + 16)
        for n in range(0, 3 * groups, 3):
            first, last, first_glyph = values[n : n + 3]
            codes, glyph_ids = range(first, last + 1), range(first_glyph, first_glyph + last + 1 - first)
            char_to_glyph.update(zip(codes, glyph_ids))
            for code, glyph in zip(codes, glyph_ids):
                known = glyph_to_char.get(glyph)
                if known is None:
                    glyph_to_char[glyph] = [code]
                else:
                    known.append(code)
    else:
        return False
    face.charToGlyph, face.glyphToChar = char_to_glyph, glyph_to_char

    glyphs = face.numGlyphs
    (metric_count,) = unpack_from(">H", data, face.get_table_pos("hhea")[0] + 34)
    hmtx = face.get_table_pos("hmtx")[0]
    pairs = unpack_from(f">{2 * metric_count}H", data, hmtx)
    side_bearings = unpack_from(f">{max(0, glyphs - metric_count)}H", data, hmtx + 4 * metric_count)
    scale = face._pdfScale
    advances = list(map(scale, pairs[0::2]))
    # As reportlab does: glyphs past the long metrics keep the last advance, already scaled, in hmetrics too.
    face.hmetrics = list(zip(pairs[0::2], pairs[1::2]))
    face.hmetrics.extend(zip(repeat(advances[-1]), side_bearings))
    face.defaultWidth = advances[0]
    face.charWidths = char_widths = {}
    for glyph in sorted(glyph_to_char):  # in glyph order, as reportlab walks hmtx
        if glyph >= glyphs:
            break
        advance = advances[glyph] if glyph < metric_count else advances[-1]
        for code in glyph_to_char[glyph]:
            char_widths[code] = advance

    loca = face.get_table_pos("loca")[0]
    (location_format,) = unpack_from(">H", data, face.get_table_pos("head")[0] + 50)
    if location_format == 0:
        face.glyphPos = [offset << 1 for offset in unpack_from(f">{glyphs + 1}H", data, loca)]
        face._pos = loca + 2 * (glyphs + 1)
    elif location_format == 1:
        face.glyphPos = list(unpack_from(f">{glyphs + 1}L", data, loca))
        face._pos = loca + 4 * (glyphs + 1)
    else:
        return False  # reportlab refuses it, with its own message
    if 0x20 in char_to_glyph:
        char_to_glyph[0xA0] = char_to_glyph[0x20]
        char_widths[0xA0] = char_widths[0x20]
    elif 0xA0 in char_to_glyph:
        char_to_glyph[0x20] = char_to_glyph[0xA0]
        char_widths[0x20] = char_widths[0xA0]
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
                _parse_color(value, f"frame {frame.name!r} {field_name}")
        if frame.role is FrameRole.IMAGE and not (frame.image_path and os.path.isfile(frame.image_path)):
            raise ValueError(f"frame {frame.name!r}: image file {frame.image_path!r} is missing")
        for paragraph in frame.paragraphs:
            _parse_color(paragraph.style.color, f"frame {frame.name!r} text colour")
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
                f"frame {frame.name!r}: U+{ord(char):04X} {char!r} is not in font {face.pdf_name!r} "
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
        text.setFillColorRGB(*_parse_color(style.color, f"frame {frame.name!r} text colour"))
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
