"""Plans as pictures: PNGs of every slide and of the one-pager, and a contact sheet of them all.

The slides and the page are drawn by the PDF writers and rasterised with PDFium (pypdfium2), the PDF engine of
Chromium: the pixels show exactly what the plan holds, with no office suite involved, in a few milliseconds a
page. The contact sheet's thumbnails are rasterised at their own size (sharper and cheaper than shrinking the
full pictures). PNG encoding, the slowest step, runs in threads while PDFium draws the next pages: both release
the GIL (zlib in Pillow's encoder, PDFium through ctypes), so the two cores work at once.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hkbrief.plan import DeckPlan, FrameRole, PagePlan, SlidePlan

if TYPE_CHECKING:
    from PIL.Image import Image

PREVIEW_DPI = 96.0  # a screen's pixel per point ratio: a 16:9 slide becomes 1280 x 720
PNG_COMPRESS_LEVEL = 3  # zlib level: files within ~10 % of level 9, encoded several times faster
ENCODER_THREADS = 3  # enough to keep two cores busy while PDFium draws on one of them
SHEET_COLUMNS = 4  # slide thumbnails per row of the contact sheet
SHEET_THUMB_WIDTH = 360  # pixels; a 16:9 thumbnail is 360 x 203, text still legible as shapes
SHEET_GAP = 16
SHEET_LABEL = 22  # pixels of label under each thumbnail
SHEET_LABEL_SIZE = 14  # pixels
SHEET_BACKGROUND = (236, 239, 241)
SHEET_LABEL_COLOUR = (69, 79, 91)


@dataclass(frozen=True, slots=True)
class Picture:
    """One rendered picture and its label as runs of (text, font file): ``3  Academic Prowess``, each run in the
    face the plan drew it in, so a Traditional Chinese title is labelled in a font that has its characters.
    ``thumbnail`` is the same page rasterised at the contact sheet's size, when it was asked for."""

    label: tuple[tuple[str, str | None], ...]
    image: Image
    thumbnail: Image | None = None


Rendered = Callable[[int, "Image"], None]  # told of each full-size page as soon as it is drawn (index, image)


def rasterise_pdf(data: bytes, dpi: float = PREVIEW_DPI, thumb_width: int | None = None,
                  on_rendered: Rendered | None = None) -> list[tuple[Image, Image | None]]:
    """Every page of a PDF as an RGB image at ``dpi``, and, with ``thumb_width``, at that width too."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        images = []
        for index in range(len(document)):
            page = document[index]
            try:
                image = page.render(scale=dpi / 72.0).to_pil().convert("RGB")
                if on_rendered is not None:
                    on_rendered(index, image)
                thumbnail = None
                if thumb_width is not None:
                    thumbnail = page.render(scale=thumb_width / page.get_width()).to_pil().convert("RGB")
                images.append((image, thumbnail))
            finally:
                page.close()
        return images
    finally:
        document.close()


def slide_pictures(deck: DeckPlan, dpi: float = PREVIEW_DPI, thumbnails: bool = True,
                   on_rendered: Rendered | None = None) -> list[Picture]:
    from hkbrief.render.slides_pdf import render_slides

    pages = rasterise_pdf(render_slides(deck), dpi, SHEET_THUMB_WIDTH if thumbnails else None, on_rendered)
    return [Picture(slide_label(number, slide), image, thumbnail)
            for number, (slide, (image, thumbnail)) in enumerate(zip(deck.slides, pages, strict=True), start=1)]


def slide_label(number: int, slide: SlidePlan) -> tuple[tuple[str, str | None], ...]:
    """``N  Title``: the title's planned spans with their faces' files; the slide's name if it has no title."""
    from hkbrief.render.slides_pdf import slide_title

    title = next((f for f in slide.frames if f.role is FrameRole.TITLE and f.paragraphs), None)
    runs: list[tuple[str, str | None]] = []
    if title is not None:
        for paragraph in title.paragraphs:
            for line in paragraph.lines:
                if runs:
                    runs.append((" ", runs[-1][1]))
                runs.extend((span.text, span.face.pdf_file) for span in line.spans if span.text)
    first_face = runs[0][1] if runs else _any_face_file(slide.frames)
    return ((f"{number}  ", first_face), *(runs or [(slide_title(slide), first_face)]))


def _any_face_file(frames) -> str | None:
    for frame in frames:
        for paragraph in frame.paragraphs:
            for line in paragraph.lines:
                for span in line.spans:
                    return span.face.pdf_file
    return None


def page_picture(page: PagePlan, dpi: float = PREVIEW_DPI) -> Picture:
    from hkbrief.render.pdf import render_page

    ((image, _),) = rasterise_pdf(render_page(page), dpi)
    return Picture((("one-pager", _any_face_file(page.frames)),), image)


def contact_sheet(slides: Sequence[Picture], page: Picture | None) -> Image:
    """Slides in a grid, numbered and titled, with the one-pager beside them at the grid's full height."""
    from PIL import Image, ImageDraw
    columns = min(SHEET_COLUMNS, max(1, len(slides)))
    rows = -(-len(slides) // columns) if slides else 0
    if slides:
        first = slides[0].thumbnail or slides[0].image
        thumb_h = round(SHEET_THUMB_WIDTH * first.height / first.width)
    else:
        thumb_h = 0
    cell_h = thumb_h + SHEET_LABEL
    grid_w = columns * SHEET_THUMB_WIDTH + (columns - 1) * SHEET_GAP if slides else 0
    grid_h = rows * cell_h + max(0, rows - 1) * SHEET_GAP
    page_w = page_h = 0
    if page is not None:
        page_h = max(grid_h - SHEET_LABEL, 2 * thumb_h, 480)
        page_w = round(page_h * page.image.width / page.image.height)
        grid_h = max(grid_h, page_h + SHEET_LABEL)
    width = SHEET_GAP * 2 + grid_w + (SHEET_GAP * 2 + page_w if page is not None else 0)
    height = SHEET_GAP * 2 + grid_h
    sheet = Image.new("RGB", (width, height), SHEET_BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    for index, picture in enumerate(slides):
        row, column = divmod(index, columns)
        x = SHEET_GAP + column * (SHEET_THUMB_WIDTH + SHEET_GAP)
        y = SHEET_GAP + row * (cell_h + SHEET_GAP)
        thumbnail = picture.thumbnail
        if thumbnail is None or thumbnail.size != (SHEET_THUMB_WIDTH, thumb_h):
            thumbnail = picture.image.resize((SHEET_THUMB_WIDTH, thumb_h), Image.Resampling.LANCZOS,
                                             reducing_gap=2.0)
        sheet.paste(thumbnail, (x, y))
        draw.rectangle([x - 1, y - 1, x + SHEET_THUMB_WIDTH, y + thumb_h], outline=(200, 206, 212))
        _draw_label(draw, (x, y + thumb_h + 4), picture.label, SHEET_THUMB_WIDTH)
    if page is not None:
        x = SHEET_GAP + grid_w + (SHEET_GAP * 2 if slides else 0)
        sheet.paste(page.image.resize((page_w, page_h), Image.Resampling.LANCZOS, reducing_gap=2.0), (x, SHEET_GAP))
        draw.rectangle([x - 1, SHEET_GAP - 1, x + page_w, SHEET_GAP + page_h], outline=(200, 206, 212))
        _draw_label(draw, (x, SHEET_GAP + page_h + 4), page.label, page_w)
    return sheet


def _draw_label(draw, origin: tuple[int, int], runs, width: int) -> None:
    """Draw the runs left to right in their own fonts, ending in an ellipsis where they would pass ``width``."""
    x, y = origin
    limit = x + width
    for text, font_file in runs:
        font = _label_font(font_file)
        if x + draw.textlength(text, font=font) > limit:
            while text and x + draw.textlength(text + "…", font=font) > limit:
                text = text[:-1]
            draw.text((x, y), text.rstrip() + "…", font=font, fill=SHEET_LABEL_COLOUR)
            return
        draw.text((x, y), text, font=font, fill=SHEET_LABEL_COLOUR)
        x += draw.textlength(text, font=font)


@functools.cache
def _label_font(font_file: str | None):
    from PIL import ImageFont

    return ImageFont.truetype(font_file, SHEET_LABEL_SIZE) if font_file else ImageFont.load_default(SHEET_LABEL_SIZE)


def encode_png(image: Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=PNG_COMPRESS_LEVEL)
    return buffer.getvalue()


class Encoder:
    """PNG encoding in worker threads, started as each picture is ready; ``results`` waits for them in order."""

    def __init__(self, threads: int = ENCODER_THREADS) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="hkbrief-png")
        self._futures: list = []

    def add(self, image: Image) -> None:
        self._futures.append(self._pool.submit(encode_png, image))

    def results(self) -> list[bytes]:
        try:
            return [future.result() for future in self._futures]
        finally:
            self._pool.shutdown()

    def __enter__(self) -> Encoder:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._pool.shutdown(cancel_futures=True)


__all__ = ["Encoder", "Picture", "contact_sheet", "encode_png", "page_picture", "rasterise_pdf", "slide_label",
           "slide_pictures"]
