"""The package a deck is built on: an organisation's template kept whole, or the deck's own master and theme."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation

import template_fixtures as fixtures
from conftest import CONTENT, require_tool
from hkbrief.build import build
from hkbrief.geometry import Box, Insets
from hkbrief.layoutspec import SlideKind, load_layout
from hkbrief.plan import (
    Kind,
    Name,
    DeckBase,
    DeckPlan,
    DocumentProperties,
    Face,
    Frame,
    FrameRole,
    Kind,
    Line,
    Name,
    Paragraph,
    PlaceholderSlot,
    SlidePlan,
    Span,
    TextStyle,
    VAlign,
)
from hkbrief.render.pptx import render_deck
from hkbrief.template import CT_PRESENTATION, read_template

FACE = Face("Arial", "Microsoft JhengHei", "LiberationSans", "fonts/LiberationSans-Regular.ttf")
STYLE = TextStyle(FACE, 24, "#1B1B1B", 28.8)
CREATED = dt.datetime(2024, 5, 6, 9, 30)


# the plan name each slide kind's slide gets, as arrange names them
KIND_NAMES = {SlideKind.TITLE: Kind.TITLE, SlideKind.SECTIONS: Kind.SECTION, SlideKind.STATS: Kind.STATS}
SLIDE_KINDS = {str(name): kind for kind, name in KIND_NAMES.items()}  # the spelled slide name -> its kind


def _text(name: Name, role: FrameRole, box: Box, text: str, slot: PlaceholderSlot | None = None) -> Frame:
    paragraph = Paragraph(text, (Line((Span(text, FACE),), 0, 20, 100),), STYLE)
    return Frame(name, role, box, (paragraph,), insets=Insets(7.2, 3.6, 7.2, 3.6), valign=VAlign.TOP,
                 placeholder=slot)


def plan_on(template_path: Path) -> DeckPlan:
    """One slide per slide kind, each on the layout the template reader chose, titles in their placeholders."""
    template = read_template(template_path)
    slides = []
    for kind in (SlideKind.TITLE, SlideKind.SECTIONS, SlideKind.STATS):
        layout = template.layout_for(kind)
        title = layout.title
        frames = []
        if title is not None:
            frames.append(_text(Name(KIND_NAMES[kind], part="title"), FrameRole.TITLE, title.box, f"A {kind} slide",
                                PlaceholderSlot(str(title.type))))
        if kind is SlideKind.SECTIONS and layout.bodies:
            body = layout.bodies[0]
            frames.append(_text(Name(KIND_NAMES[kind], part="body"), FrameRole.TEXT, body.box, "Bullets go in the body",
                                PlaceholderSlot(str(body.type), body.idx)))
        slides.append(SlidePlan(Name(KIND_NAMES[kind]), tuple(frames), background=None, layout=layout.part))
    properties = DocumentProperties("Brief", "", "hkbrief", "", "en", CREATED, "hkbrief test")
    return DeckPlan(template.slide_size, tuple(slides), properties, DeckBase(template_file=str(template_path)))


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bases")


@pytest.fixture(scope="module", params=["stock", "stock-potx", "brand", "pandoc", "libreoffice-potx"])
def template_path(request, made) -> Path:
    match request.param:
        case "stock":
            return fixtures.stock(made / "stock.pptx")
        case "stock-potx":
            return fixtures.as_potx(fixtures.stock(made / "stock-for-potx.pptx"), made / "stock.potx")
        case "brand":
            return fixtures.branded(made / "brand.pptx")
        case "pandoc":
            require_tool("pandoc")
            return fixtures.pandoc(made / "reference.pptx")
        case "libreoffice-potx":
            require_tool("soffice")
            folder = made / "lo"
            folder.mkdir(exist_ok=True)
            return fixtures.libreoffice(fixtures.branded(made / "brand-for-lo.pptx"), folder, template=True)
    raise AssertionError(request.param)


def test_deck_keeps_the_templates_masters_layouts_and_theme(template_path, tmp_path):
    deck = tmp_path / "deck.pptx"
    deck.write_bytes(render_deck(plan_on(template_path)))
    before, after = read_template(template_path), read_template(deck)
    assert after.main_content_type == CT_PRESENTATION  # a .potx becomes a deck, not another template
    assert after.slide_size == before.slide_size
    assert [m.name for m in after.masters] == [m.name for m in before.masters]
    assert [(layout.name, layout.placeholders) for layout in after.layouts] == \
        [(layout.name, layout.placeholders) for layout in before.layouts]
    assert after.theme == before.theme
    assert [m.artwork for m in after.masters] == [m.artwork for m in before.masters]


def test_no_sample_slide_or_part_only_it_used_remains(template_path, tmp_path):
    deck = tmp_path / "deck.pptx"
    deck.write_bytes(render_deck(plan_on(template_path)))
    presentation = Presentation(str(deck))
    assert [slide.name for slide in presentation.slides] == ["title", "section", "stats"]
    with zipfile.ZipFile(deck) as package:
        names = set(package.namelist())
    slides = {n for n in names if n.startswith("ppt/slides/slide")}
    assert slides == {"ppt/slides/slide1.xml", "ppt/slides/slide2.xml", "ppt/slides/slide3.xml"}
    assert not any(n.startswith("ppt/notesSlides/") for n in names)
    assert "docProps/thumbnail.jpeg" not in names
    with zipfile.ZipFile(template_path) as package:
        template_media = {n for n in package.namelist() if n.startswith("ppt/media/")}
    used_by_masters = {n for n in template_media if _referenced_outside_slides(template_path, n)}
    assert {n for n in names if n.startswith("ppt/media/")} <= used_by_masters | template_media
    assert used_by_masters <= names  # the master's logo is still there


def _referenced_outside_slides(template_path: Path, media: str) -> bool:
    target = media.rpartition("/")[2]
    with zipfile.ZipFile(template_path) as package:
        return any(target.encode() in package.read(n) for n in package.namelist()
                   if n.endswith(".rels") and "slides/_rels" not in n and "notesSlides" not in n)


def test_titles_and_bullets_sit_in_the_layouts_placeholders(template_path, tmp_path):
    presentation = Presentation(io.BytesIO(render_deck(plan_on(template_path))))
    for slide in presentation.slides:
        title = slide.shapes.title
        assert title is not None and title.text_frame.text.startswith("A "), slide.name
        assert slide.slide_layout.name == read_template(template_path).layout_for(SLIDE_KINDS[slide.name]).name
    section = presentation.slides[1]
    bodies = [shape for shape in section.placeholders if shape != section.shapes.title]
    assert [shape.text_frame.text for shape in bodies] == ["Bullets go in the body"]


def test_deck_on_a_template_passes_openxml_audit(template_path, tmp_path):
    import subprocess

    tool = require_tool("openxml-audit")
    deck = tmp_path / "deck.pptx"
    deck.write_bytes(render_deck(plan_on(template_path)))
    result = subprocess.run([tool, str(deck)], capture_output=True, text=True, timeout=120)
    assert "Errors: 0" in result.stdout, result.stdout[-2000:]


# -- the deck's own master and theme ----------------------------------------------------------------------------


@pytest.mark.parametrize("layout_name", ["default", "print", "compact"])
def test_builtin_layouts_carry_their_look_in_the_master_and_theme(layout_name, tmp_path):
    build(CONTENT, layout_name, tmp_path, formats=("pptx",))
    deck = next(tmp_path.glob("*.pptx"))
    layout = load_layout(layout_name)
    read = read_template(deck)
    colors = layout.theme.colors
    assert read.theme.name == f"hkbrief {layout_name}"
    assert read.theme.colors["dk1"] == colors["text"] and read.theme.colors["lt1"] == colors["background"]
    assert read.theme.colors["accent1"] == colors["accent"]
    assert "#1F497D" not in read.theme.colors.values() and "#4F81BD" not in read.theme.colors.values()
    assert read.theme.major_latin == layout.deck.roles["title"].family
    assert read.theme.minor_latin == layout.deck.roles["body"].family
    # a slide a user adds on "Title Only" gets the planned title: where the content slides have it, as styled
    added = read.layout_for(SlideKind.STATS).title
    presentation = Presentation(str(deck))
    planned = next(shape for slide in list(presentation.slides)[1:] for shape in slide.shapes
                   if shape.is_placeholder and shape.placeholder_format.type == 1)
    assert added.box.x == pytest.approx(planned.left / 12_700, abs=0.1)
    assert added.box.y == pytest.approx(planned.top / 12_700, abs=0.1)
    assert added.box.w == pytest.approx(planned.width / 12_700, abs=0.1)
    title_role = layout.deck.roles["title"]
    assert added.look.latin == title_role.family
    assert added.look.color == title_role.color
    assert added.look.bold == (title_role.weight == "bold")
    assert title_role.min_size <= added.look.size <= title_role.size
    planned_align = planned.text_frame.paragraphs[0]._p.pPr.get("algn")
    assert added.look.align == planned_align
    body = read.layout_for(SlideKind.SECTIONS).bodies[0]
    assert body.look.color == layout.deck.roles["body"].color
    assert body.look.latin == layout.deck.roles["body"].family


def test_nothing_of_the_stock_package_is_left_on_a_template(tmp_path):
    template = fixtures.branded(tmp_path / "brand.pptx")
    plan = plan_on(template)
    plan = DeckPlan(plan.size, tuple(dataclasses.replace(s, notes="Speaker notes") for s in plan.slides),
                    plan.properties, plan.base)
    deck = tmp_path / "deck.pptx"
    deck.write_bytes(render_deck(plan))
    with zipfile.ZipFile(deck) as package:
        themes = [package.read(n) for n in package.namelist() if n.startswith("ppt/theme/")]
    assert themes and all(b"Harbour Brand" in theme and b'name="Office Theme"' not in theme for theme in themes)


def test_each_notes_master_gives_its_own_notes_slides_in_one_process(tmp_path):
    """The notes slide template is remembered by the notes master's XML: a deck on a template with another notes
    master, built after a stock one in the same process (a batch, watch), gets that master's placeholders."""
    import re

    def notes_xml(deck: bytes) -> bytes:
        with zipfile.ZipFile(io.BytesIO(deck)) as package:
            return package.read("ppt/notesSlides/notesSlide1.xml")

    def with_notes(plan: DeckPlan) -> DeckPlan:
        return dataclasses.replace(plan, slides=tuple(dataclasses.replace(s, notes="Speaker notes")
                                                      for s in plan.slides))

    first = tmp_path / "first.pptx"
    first.write_bytes(render_deck(with_notes(plan_on(fixtures.stock(tmp_path / "stock.pptx")))))
    assert b'type="sldImg"' in notes_xml(first.read_bytes())

    def without_slide_image(name: str, data: bytes) -> bytes:
        if name.startswith("ppt/notesMasters/notesMaster") and name.endswith(".xml"):
            return re.sub(rb"<p:sp>(?:(?!</p:sp>).)*type=\"sldImg\".*?</p:sp>", b"", data, flags=re.S)
        return data

    other = fixtures.rewrite_parts(first, tmp_path / "other.pptx", without_slide_image)
    notes = notes_xml(render_deck(with_notes(plan_on(other))))
    assert b"Speaker notes" in notes and b'type="sldImg"' not in notes
    assert b'type="sldImg"' in notes_xml(render_deck(with_notes(plan_on(fixtures.stock(tmp_path / "again.pptx")))))


def test_each_deck_gets_its_own_copy_of_the_package_and_an_edited_template_is_read_again(tmp_path):
    """The opened package is kept for the process and copied per deck (watch, batch): what one deck adds must
    not reach the next, and a template saved again with changes must be opened again."""
    template = fixtures.stock(tmp_path / "brand.pptx")
    first = render_deck(plan_on(template))
    assert render_deck(plan_on(template)) == first  # the second copy starts as the first did

    renamed = fixtures.rewrite_parts(template, tmp_path / "renamed.pptx", lambda name, data: data.replace(
        b'name="Title Slide"', b'name="Harbour Opening"'))
    template.write_bytes(renamed.read_bytes())
    with zipfile.ZipFile(io.BytesIO(render_deck(plan_on(template)))) as package:
        layouts = b"".join(package.read(n) for n in package.namelist() if n.startswith("ppt/slideLayouts/s"))
    assert b'name="Harbour Opening"' in layouts and b'name="Title Slide"' not in layouts
