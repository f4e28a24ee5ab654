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
import io
import os
import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, assert_never

from hkbrief.geometry import Box
from hkbrief.plan import Colour, DocumentProperties, Face, Frame, FrameRole, PagePlan, Paragraph
from hkbrief.render._reportlab_document import reserve_document_id, with_document_id
from hkbrief.render._reportlab_tounicode import install_utf16_to_unicode
from hkbrief.render._truetype import forget_font, load_font, register_font, registered_font
from hkbrief.render.names import spell

if TYPE_CHECKING:
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

__all__ = ["render_page"]

# The fonts the package ships (``hkbrief/fonts``): files that never change while hkbrief runs.
_SHIPPED_FONTS = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))), "fonts")
# How many layouts' font files (each a private copy in memory) a process keeps registered: a watch session needs
# its layout's few faces; a batch, those of a few brand kits; earlier versions of a file are dropped at once.
MAX_BRAND_FONT_VERSIONS = 16
# (pdf_name, pdf_file as planned, face index) -> a shipped font registered
_shipped_fonts: dict[tuple[str, str, int], TTFont] = {}
# (pdf_name, real path, face index, the file's stamp) -> a layout's font registered, least recently used first
_brand_fonts: dict[tuple[str, str, int, tuple[int, ...]], TTFont] = {}
_registration_lock = threading.Lock()


def render_page(plan: PagePlan) -> bytes:
    """Return the PDF bytes of ``plan``: exactly one page of ``plan.size``, frames drawn in plan order.

    Raises ``ValueError`` (naming the frame) when a span holds a character its face's font cannot draw, a colour
    is not ``#RRGGBB``, or an image frame has no readable file; nothing is drawn in that case.
    """
    from reportlab.pdfgen.canvas import Canvas

    fonts = {face.pdf_name: _registered_font(face) for face in faces_in(plan.frames)}
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
    reserve_document_id(canvas)

    _fill_rect(canvas, plan.size.h, Box(0.0, 0.0, plan.size.w, plan.size.h), fill=plan.background)
    for frame in plan.frames:
        _draw_frame(canvas, plan.size.h, frame)

    canvas.showPage()
    canvas.save()
    return with_document_id(buffer.getvalue())


def faces_in(frames: Iterable[Frame]) -> Iterator[Face]:
    """Every face a span is drawn in, in first-use order (so font resources come out in a stable order)."""
    seen: set[Face] = set()
    for frame in frames:
        for paragraph in frame.paragraphs:
            for line in paragraph.lines:
                for span in line.spans:
                    if span.face not in seen:
                        seen.add(span.face)
                        yield span.face


def _registered_font(face: Face) -> TTFont:
    """The font reportlab draws ``face`` with, registered under ``face.pdf_name`` (once per file and version).

    A font file shipped in the package never changes while hkbrief runs: it is mapped, once per process. Any
    other file (a layout's brand font) can be saved again at any moment, in place or by a rename, while a watch
    session or a batch keeps the process alive: it is read whole into a private copy, which nothing can change
    under the registered face (a font mapped while a designer re-exports it would draw the new glyphs with the
    widths it already read, or stop the process if the file shrank), and registered again whenever the file's
    stamp (device, inode, size, modification and change times) differs from the copy's. A name someone else
    registered (not this module) is reused only if it is the same file.
    """
    install_utf16_to_unicode()  # before any subset is written: characters outside the BMP extract as themselves
    planned = (face.pdf_name, face.pdf_file, face.pdf_index)
    with _registration_lock:
        font = _shipped_fonts.get(planned)
        if font is not None and registered_font(face.pdf_name) is font:
            return font  # the common case, without a look at the disk
    path = os.path.realpath(face.pdf_file)
    shipped = os.path.commonpath([path, _SHIPPED_FONTS]) == _SHIPPED_FONTS
    stamp = None if shipped else _stamp(face, path)
    brand_key = (face.pdf_name, path, face.pdf_index, stamp)
    with _registration_lock:
        font = _shipped_fonts.pop(planned, None) if shipped else _brand_fonts.pop(brand_key, None)
        if font is None:
            font = _reusable(face, shipped)
        if font is None:
            font = _loaded(face, path, stamp)
            # the file's earlier versions can never be asked for again: their stamps are gone with them
            for dead in [other for other in _brand_fonts if other[1:3] == brand_key[1:3]]:
                forget_font(_brand_fonts.pop(dead))
        if shipped:
            _shipped_fonts[planned] = font
        else:
            _brand_fonts[brand_key] = font  # the most recently used last
            while len(_brand_fonts) > MAX_BRAND_FONT_VERSIONS:
                forget_font(_brand_fonts.pop(next(iter(_brand_fonts))))
        if registered_font(face.pdf_name) is not font:
            register_font(font)
        return font


def _stamp(face: Face, path: str) -> tuple[int, ...]:
    """What changes whenever a file is written or replaced: device, inode, size, modification and change times."""
    try:
        info = os.stat(path)
    except OSError as error:
        raise ValueError(f"font {face.pdf_name!r}: cannot read {os.path.basename(face.pdf_file)!r}: "
                         f"{error.strerror}") from error
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


def _reusable(face: Face, shipped: bool) -> TTFont | None:
    """The font already registered under ``face.pdf_name`` if it is ``face.pdf_file`` (``textfit`` or a test may
    have registered it); None if the name is free, or if it holds a layout's font and ``face`` is one too (a
    layout's face is named after its content: the same face kept elsewhere, or a version saved since, is read
    anew); ``ValueError`` if the name stands for another font."""
    from reportlab.pdfbase.ttfonts import TTFont

    font = registered_font(face.pdf_name)
    if font is None or (not shipped and any(font is ours for ours in _brand_fonts.values())):
        return None
    registered_file = getattr(getattr(font, "face", None), "filename", None)
    if not isinstance(font, TTFont) or not _same_file(registered_file, face.pdf_file):
        raise ValueError(
            f"font name {face.pdf_name!r} is already registered for another font than "
            f"{os.path.basename(face.pdf_file)!r}"
        )
    return font


def _loaded(face: Face, path: str, stamp: tuple[int, ...] | None) -> TTFont:
    """reportlab's font for ``face``: mapped from a shipped file (``stamp`` None), else from a private copy of the
    file, refused if the file changed while it was read."""
    from reportlab.pdfbase.ttfonts import TTFError

    name = os.path.basename(face.pdf_file)
    try:
        data = None
        if stamp is not None:
            with open(path, "rb") as handle:
                data = handle.read()
            if _stamp(face, path) != stamp:
                raise ValueError(f"font {face.pdf_name!r}: {name!r} changed while it was read; build again once it"
                                 " is saved")
        return load_font(face.pdf_name, face.pdf_file, face.pdf_index, data)
    except (OSError, TTFError) as error:
        raise ValueError(f"font {face.pdf_name!r}: cannot embed {name!r}: {error}") from error


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
    for frame in plan.frames:  # colours need no check: a plan's colours are Colours, checked when made
        if frame.role is FrameRole.IMAGE and not (frame.image_path and os.path.isfile(frame.image_path)):
            raise ValueError(f"frame {spell(frame.name)!r}: image file {frame.image_path!r} is missing")
        for paragraph in frame.paragraphs:
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
    fill: Colour | None = None,
    stroke: Colour | None = None,
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
        canvas.setFillColorRGB(*fill.rgb)
    if draws_stroke:
        canvas.setStrokeColorRGB(*stroke.rgb)
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
        text.setFillColorRGB(*style.color.rgb)
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
    from reportlab.lib.utils import ImageReader

    box = frame.box
    canvas.drawImage(
        # An ImageReader, not the path: reportlab names an image drawn from a path after the path, so the same
        # picture kept in another folder would give other bytes; from a reader it names it after its pixels.
        ImageReader(frame.image_path),
        box.x,
        page_height - box.bottom,
        width=box.w,
        height=box.h,
        preserveAspectRatio=False,
        mask="auto",  # a logo's transparency shows the band or page under it
    )
    _fill_rect(canvas, page_height, box, None, frame.stroke, frame.stroke_width)

