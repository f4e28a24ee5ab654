"""The floor hkbrief is measured against: a straight-line python-pptx + reportlab script, no hkbrief code.

It reads the same content JSON and writes what a careful person would write by hand for the same brief: a 16:9
deck (title slide, agenda, one slide per section with bullets, a footer and a slide number; stat cards four to a
slide, one slide per featured quote, sources, key takeaways) and an A4 one-pager in two columns with the same three
TrueType faces hkbrief's one-pager embeds (as subsets), set with platypus, stopping at what fits. It measures
nothing itself (PowerPoint and platypus wrap the text), so the ratio to this script is what hkbrief's guarantees
cost.

    python benchmarks/floor.py CONTENT.json OUT_DIR [--no-agenda] [--notes]

``--no-agenda`` leaves out the agenda and takeaways slides, as ``benchmarks/no-agenda.toml`` does for hkbrief.
Speaker notes are left out unless ``--notes`` is given: python-pptx names each notes slide by searching every part
name, like ``add_slide``, which makes 1,000 slides with notes take about 11 s instead of about 4 s here; without
them this script matches the reference straight-line script (3.6 s for 1,000 slides), a stricter floor.
``main`` can also be called in-process (the benchmark's warm figures).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.util import Emu, Pt
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, Paragraph, Spacer
from xml.sax.saxutils import escape

FONTS = Path(__file__).resolve().parent.parent / "src" / "hkbrief" / "fonts"
ACCENT = RGBColor(0x0B, 0x5C, 0x6B)
TEXT = RGBColor(0x17, 0x20, 0x2A)
SURFACE = RGBColor(0xEE, 0xF3, 0xF5)


def t(value, lang="en"):
    """A translatable text: a plain string or ``{"en": ..., "zh-Hant": ...}``."""
    if isinstance(value, dict):
        return value.get(lang) or next(iter(value.values()))
    return value or ""


def text_box(slide, x, y, w, h, paragraphs, size, bold=False, color=TEXT, name=None):
    """A word-wrapping text box with one run per paragraph, every run with explicit font, size and colour."""
    shape = slide.shapes.add_textbox(Pt(x), Pt(y), Pt(w), Pt(h))
    if name:
        shape.name = name
    frame = shape.text_frame
    frame.word_wrap = True
    for index, text in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.name = "Arial"
        run.font.color.rgb = color
    return shape


def deck(brief, path, agenda=True, notes=False):
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12_192_000), Emu(6_858_000)
    title_only = prs.slide_layouts[5]
    meta = brief["meta"]
    short = t(meta.get("short_title") or meta["title"])
    number = 0

    def new_slide(title):
        nonlocal number
        number += 1
        slide = prs.slides.add_slide(title_only)
        slide.shapes.title.text = title
        slide.shapes.title.left, slide.shapes.title.top = Pt(48), Pt(36)
        slide.shapes.title.width, slide.shapes.title.height = Pt(864), Pt(60)
        text_box(slide, 48, 510, 700, 20, [short], 10, name="footer")
        text_box(slide, 880, 510, 32, 20, [str(number)], 10, name="number")
        return slide

    number += 1
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, prs.slide_width, Pt(20))
    band.fill.solid()
    band.fill.fore_color.rgb = ACCENT
    text_box(slide, 48, 150, 864, 100, [t(meta["title"])], 40, bold=True)
    text_box(slide, 48, 260, 864, 80, [t(meta.get("subtitle"))], 20)
    text_box(slide, 48, 360, 864, 30, [f"{meta['date']}  ·  {t(meta.get('organisation'))}"], 14)
    sections = brief["sections"]
    if agenda:
        slide = new_slide("Agenda")
        text_box(slide, 48, 110, 864, 380, [f"{i:02d}  {t(s['heading'])}" for i, s in enumerate(sections, 1)], 18)
    for section in sections:
        slide = new_slide(t(section["heading"]))
        text_box(slide, 48, 110, 864, 380, ["\u2022 " + t(b) for b in section["bullets"]], 20)
        if notes and section.get("notes"):
            slide.notes_slide.notes_text_frame.text = "\n".join(t(n) for n in section["notes"])
    stats = brief.get("stats", [])
    for first in range(0, len(stats), 4):
        slide = new_slide("Key figures")
        for i, stat in enumerate(stats[first : first + 4]):
            card = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Pt(48 + i * 216), Pt(120), Pt(200), Pt(300))
            card.fill.solid()
            card.fill.fore_color.rgb = SURFACE
            text_box(slide, 56 + i * 216, 130, 184, 60, [t(stat["value"])], 32, bold=True, color=ACCENT)
            text_box(slide, 56 + i * 216, 200, 184, 200, [t(stat["label"])], 15)
    quotes = {q["id"]: q for q in brief.get("quotes", [])}
    featured = [f.split(":", 1)[1] for f in brief.get("featured", []) if f.startswith("quote:")]
    for quote_id in featured:
        quote = quotes[quote_id]
        slide = new_slide(t(quote["speaker"]))
        text_box(slide, 96, 140, 768, 240, ["\u201c" + t(quote["text"]) + "\u201d"], 28)
        text_box(slide, 96, 400, 768, 60, [f"\u2014 {t(quote['speaker'])}, {t(quote['title'])}"], 16)
    if brief.get("sources"):
        slide = new_slide("Sources")
        text_box(slide, 48, 110, 864, 380, [t(s["name"]) for s in brief["sources"]], 12)
    if agenda:
        slide = new_slide("Key takeaways")
        text_box(slide, 48, 110, 864, 380, [t(s["summary"]) for s in sections], 16)
    prs.save(path)


def _register_fonts():
    for name, file in (
        ("LiberationSans", "liberation-sans/LiberationSans-Regular.ttf"),
        ("LiberationSans-Bold", "liberation-sans/LiberationSans-Bold.ttf"),
        ("Caladea-Italic", "caladea/Caladea-Italic.ttf"),
    ):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(FONTS / file)))


def one_pager(brief, path):
    _register_fonts()
    body = ParagraphStyle("body", fontName="LiberationSans", fontSize=9, leading=11.5)
    heading = ParagraphStyle("heading", fontName="LiberationSans-Bold", fontSize=9.5, leading=12, spaceBefore=6)
    title = ParagraphStyle("title", fontName="LiberationSans-Bold", fontSize=20, leading=24)
    quote = ParagraphStyle("quote", fontName="Caladea-Italic", fontSize=11, leading=14, spaceBefore=6)
    meta = brief["meta"]
    width, height = A4
    canvas = Canvas(str(path), pagesize=A4, invariant=1)
    canvas.setTitle(t(meta["title"]))
    header = Frame(40, height - 140, width - 80, 110, showBoundary=0)
    header.addFromList([Paragraph(escape(t(meta["title"])), title),
                        Paragraph(escape(t(meta.get("subtitle"))), body)], canvas)
    stats = [s for s in brief.get("stats", [])][:4]
    flowables = [Paragraph(f"<b>{escape(t(s['value']))}</b> {escape(t(s['label']))}", body) for s in stats]
    quotes = brief.get("quotes", [])[:2]
    flowables += [Paragraph(escape("\u201c" + t(q["text"]) + "\u201d"), quote) for q in quotes]
    for section in brief["sections"]:
        flowables += [Paragraph(escape(t(section["heading"])), heading), Paragraph(escape(t(section["summary"])), body)]
    flowables.append(Spacer(1, 6))
    flowables += [Paragraph(escape(t(s["name"])), body) for s in brief.get("sources", [])]
    columns = [Frame(40 + i * 262, 40, 250, height - 190, showBoundary=0) for i in range(2)]
    for column in columns:
        while flowables and column.add(flowables[0], canvas):
            flowables.pop(0)
    canvas.showPage()
    canvas.save()


def main(content, out_dir, agenda=True, notes=False):
    with open(content, encoding="utf-8") as handle:
        brief = json.load(handle)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    deck(brief, out / "floor.pptx", agenda, notes)
    one_pager(brief, out / "floor.pdf")


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(arguments[0], arguments[1], agenda="--no-agenda" not in sys.argv, notes="--notes" in sys.argv)
