"""Draw a :class:`~hkbrief.plan.DeckPlan` as a PDF, one page per slide: a handout made without an office suite.

The slides are drawn by the one-pager's writer (:mod:`hkbrief.render.pdf`), frame by frame, with the same
fonts, lines, colours and images the deck plan holds, so the handout shows what the plan decided; PowerPoint
re-breaks the deck's text with the same metrics, so the two agree line for line. Each page gets a bookmark named
after its slide's title, so a reader's outline pane works as a table of contents. The bytes are reproducible:
invariant mode, dates from the plan and a document ID derived from the plan.
"""

from __future__ import annotations

import io

from hkbrief.geometry import Box
from hkbrief.plan import DeckPlan, FrameRole, SlidePlan
from hkbrief.render._reportlab_document import reserve_document_id, with_document_id
from hkbrief.render.names import spell
from hkbrief.render.pdf import _check_plan, _draw_frame, _fill_rect, _registered_font, _set_properties, faces_in

__all__ = ["render_slides"]


def render_slides(plan: DeckPlan) -> bytes:
    """Return the PDF bytes of ``plan``: one page of ``plan.size`` per slide, frames drawn in plan order.

    Raises ``ValueError`` (naming the frame) for what the one-pager's writer refuses: a character missing from its
    face's font, a colour that is not ``#RRGGBB``, an image frame without a readable file.
    """
    from reportlab.pdfgen.canvas import Canvas

    drawn = (frame for slide in plan.slides for frame in slide.frames)
    fonts = {face.pdf_name: _registered_font(face) for face in faces_in(drawn)}
    for slide in plan.slides:
        _check_plan(slide, fonts)

    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=(plan.size.w, plan.size.h),
        invariant=1,
        pageCompression=1,
        lang=plan.properties.language or None,
        initialFontName=next(iter(fonts), None),
    )
    _set_properties(canvas, plan.properties)
    reserve_document_id(canvas)
    canvas.showOutline()
    for number, slide in enumerate(plan.slides, start=1):
        _fill_rect(canvas, plan.size.h, Box(0.0, 0.0, plan.size.w, plan.size.h), fill=slide.background)
        for frame in plan.master_frames:  # what the deck puts on its master (the logo), under the slide's own
            _draw_frame(canvas, plan.size.h, frame)
        for frame in slide.frames:
            _draw_frame(canvas, plan.size.h, frame)
        key = f"slide-{number}"
        canvas.bookmarkPage(key)
        canvas.addOutlineEntry(f"{number}. {slide_title(slide)}", key, level=0)
        canvas.showPage()
    canvas.save()
    return with_document_id(buffer.getvalue())


def slide_title(slide: SlidePlan) -> str:
    """The text of the slide's title frame, on one line (the slide's name when it has no title)."""
    for frame in slide.frames:
        if frame.role is FrameRole.TITLE and frame.paragraphs:
            return " ".join(" ".join(p.text.split()) for p in frame.paragraphs)
    return spell(slide.name)
