"""The slides as PDF: one page per planned slide, the plan's text and fonts, reproducible, no office suite."""

from __future__ import annotations

import io

import pdfplumber
from pypdf import PdfReader

from hkbrief.build import OutputFormat, arranged, build, render_output
from hkbrief.render.slides_pdf import render_slides, slide_title

from conftest import CONTENT


def test_one_page_per_slide_at_the_slide_size_with_the_planned_text(tmp_path):
    with arranged(CONTENT, "default", {OutputFormat.SLIDES_PDF}) as plans:
        data = render_output(plans, OutputFormat.SLIDES_PDF)
        deck = plans.deck
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == len(deck.slides) == 17
        for page, slide in zip(pdf.pages, deck.slides, strict=True):
            assert (round(float(page.width)), round(float(page.height))) == (960, 540)
            words = " ".join((page.extract_text() or "").split())
            title = slide_title(slide)
            assert " ".join(title.split()[:3]) in words, (slide.name, title)


def test_every_page_is_bookmarked_by_its_title_and_fonts_are_embedded():
    with arranged(CONTENT, "default", {OutputFormat.SLIDES_PDF}) as plans:
        reader = PdfReader(io.BytesIO(render_slides(plans.deck)))
    titles = [item.title for item in reader.outline]
    assert titles[0].startswith("1. Hong Kong: A Global Hub") and titles[-1] == "17. Key takeaways"
    fonts = {font["/BaseFont"] for page in reader.pages for font in page["/Resources"]["/Font"].values()}
    assert fonts and all("+" in str(name) for name in fonts)  # every font embedded as a subset
    assert not any("Helvetica" in str(name) for name in fonts)


def test_build_writes_name_slides_pdf_and_is_byte_identical_twice(tmp_path):
    first = build(CONTENT, "default", tmp_path / "a", (OutputFormat.SLIDES_PDF,))
    second = build(CONTENT, "default", tmp_path / "b", (OutputFormat.SLIDES_PDF,))
    (path,) = first.written
    assert path.name == "hong-kong-a-global-hub-for-innovation-and-technology-slides.pdf"
    assert path.read_bytes() == second.written[0].read_bytes()
    assert first.format_of(path) is OutputFormat.SLIDES_PDF


def test_traditional_chinese_slides_draw_han_text(tmp_path):
    from hkbrief.model import Language

    result = build(CONTENT, "default", tmp_path, (OutputFormat.SLIDES_PDF,), Language.ZH_HANT)
    with pdfplumber.open(result.written[0]) as pdf:
        assert "全球創新科技樞紐" in (pdf.pages[0].extract_text() or "").replace(" ", "")
