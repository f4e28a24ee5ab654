"""The deck writer: what PowerPoint, LibreOffice and screen-reader users get from a hand-made plan."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import hashlib
import io
import shutil
import subprocess
import zipfile
from pathlib import Path, PurePosixPath

import pytest
from lxml import etree
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.util import Emu

import hkbrief.render.pptx as pptx_writer
from hkbrief.geometry import SLIDE_4_3, SLIDE_16_9, Box, Insets, Size
from hkbrief.plan import (
    Kind,
    Name,
    Align,
    DeckPlan,
    DocumentProperties,
    Face,
    Frame,
    FrameRole,
    Line,
    Paragraph,
    SlidePlan,
    Span,
    TextStyle,
    VAlign,
)
from hkbrief.langtag import office_tag
from hkbrief.render.pptx import render_deck

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
DECORATIVE = "{http://schemas.microsoft.com/office/drawing/2017/decorative}decorative"
DECORATIVE_URI = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"
CREATED = dt.datetime(2024, 5, 6, 9, 30, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))

REGULAR = Face("Arial", "Microsoft JhengHei", "LiberationSans", "fonts/LiberationSans-Regular.ttf")
BOLD = Face("Arial", "Microsoft JhengHei", "LiberationSans-Bold", "fonts/LiberationSans-Bold.ttf", bold=True)
BODY = TextStyle(REGULAR, 18, "#1A2B3C", 21.6, Align.LEFT, space_before=6, space_after=3)
SMALL = TextStyle(REGULAR, 13.5, "#333333", 16.2, Align.RIGHT)
TITLE = TextStyle(BOLD, 32, "#FFFFFF", 38.4, Align.CENTER)
TITLE_BOX = Box(40, 12, 880, 80)
BODY_BOX = Box(40, 110, 500, 300)
BODY_INSETS = Insets(7.2, 3.6, 7.2, 3.6)
PICTURE_BOX = Box(600, 110, 300, 150)
CHINESE = "創新及科技基金支持本地初創企業"


def line(text: str, face: Face, baseline: float) -> Line:
    return Line((Span(text, face),), 0.0, baseline, 100.0)


def title_frame(text: str = "Innovation and technology") -> Frame:
    first, _, second = text.partition(" and ")
    lines = (line(f"{first} and", BOLD, 30), line(second, BOLD, 68.4))
    return Frame(
        Name(Kind.TITLE),
        FrameRole.TITLE,
        TITLE_BOX,
        (Paragraph(text, lines, TITLE),),
        insets=Insets(4, 2, 4, 2),
        valign=VAlign.MIDDLE,
        keep_breaks=True,
    )


def body_frame() -> Frame:
    return Frame(
        Name(Kind.SECTION, "talent", "body"),
        FrameRole.TEXT,
        BODY_BOX,
        (
            Paragraph("HK$10bn fund for start-ups", (), BODY, "en", "•", 18),
            Paragraph(CHINESE, (), BODY, "zh-Hant", "•", 18),
            Paragraph("Source: Budget 2024", (), SMALL, "en-GB"),
        ),
        insets=BODY_INSETS,
        valign=VAlign.BOTTOM,
    )


@pytest.fixture
def images(tmp_path: Path) -> tuple[Path, Path]:
    picture = tmp_path / "chart.png"
    Image.new("RGB", (300, 150), (200, 30, 30)).save(picture)
    ornament = tmp_path / "ornament.jpg"
    Image.new("RGB", (40, 40), (30, 30, 200)).save(ornament)
    return picture, ornament


def make_plan(
    images: tuple[Path, Path], size: Size = SLIDE_16_9, title: str = "Hong Kong innovation brief"
) -> DeckPlan:
    picture, ornament = images
    card_box = Box(40, 430, 200, 60)
    first = SlidePlan(
        Name(Kind.SECTION, "talent"),
        (
            Frame(Name(Kind.TITLE, part="band"), FrameRole.SHAPE, Box(0, 0, 960, 100), fill="#003366"),
            title_frame(),
            body_frame(),
            Frame(Name(Kind.STAT, "itf", "card"), FrameRole.SHAPE, card_box, fill="#EEF2F7", stroke="#003366", stroke_width=1.5),
            Frame(Name(Kind.SECTION, "chart", "image"), FrameRole.IMAGE, PICTURE_BOX, image_path=str(picture), alt_text="Funding rose"),
            Frame(Name(Kind.SECTION, "ornament", "image"), FrameRole.IMAGE, Box(880, 480, 40, 40), image_path=str(ornament), decorative=True),
        ),
        background="#F5F5F0",
        notes="Open with the fund.\nThen the numbers.",
    )
    second = SlidePlan(
        Name(Kind.STAT, "itf-fund"),
        (
            Frame(
                Name(Kind.STAT, "itf-fund"),
                FrameRole.TEXT,
                Box(100, 100, 400, 200),
                (Paragraph("HK$10bn", (), BODY),),
                fill="#FFFFFF",
            ),
        ),
    )
    properties = DocumentProperties(
        title=title,
        subject="Innovation and technology",
        author="Policy Unit",
        keywords="innovation; 創新",
        language="en",
        created=CREATED,
        creator="hkbrief 0.1.0",
    )
    return DeckPlan(size, (first, second), properties)


@pytest.fixture
def deck_bytes(images: tuple[Path, Path]) -> bytes:
    return render_deck(make_plan(images))


@pytest.fixture
def deck(deck_bytes: bytes, tmp_path: Path):
    path = tmp_path / "deck.pptx"
    path.write_bytes(deck_bytes)
    return Presentation(str(path))


def shape_named(slide, name: str):
    return next(shape for shape in slide.shapes if shape.name == name)


def part_xml(deck_bytes: bytes, name: str):
    with zipfile.ZipFile(io.BytesIO(deck_bytes)) as package:
        return etree.fromstring(package.read(name))


def all_slide_xml(deck_bytes: bytes):
    with zipfile.ZipFile(io.BytesIO(deck_bytes)) as package:
        names = [n for n in package.namelist() if n.startswith("ppt/slides/slide")]
        return [etree.fromstring(package.read(n)) for n in names]


# -- slides and shapes ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [SLIDE_16_9, SLIDE_4_3])
def test_slide_count_and_size_are_as_planned(images, size: Size):
    deck = Presentation(io.BytesIO(render_deck(make_plan(images, size))))
    assert len(deck.slides) == 2
    assert (deck.slide_width, deck.slide_height) == (round(size.w * 12700), round(size.h * 12700))


def test_title_is_the_layout_title_placeholder_at_the_planned_box(deck):
    slide = deck.slides[0]
    title = slide.shapes.title
    assert title is not None
    assert title.is_placeholder and title.placeholder_format.type == PP_PLACEHOLDER.TITLE
    assert title.name == "title"
    assert slide.slide_layout.name == "Title Only"
    assert (title.left, title.top, title.width, title.height) == (
        Emu(508000),
        Emu(152400),
        Emu(11176000),
        Emu(1016000),
    )
    assert title.text_frame.text == "Innovation and\vtechnology"


def test_slide_without_title_frame_has_no_placeholder(deck):
    slide = deck.slides[1]
    assert slide.shapes.title is None
    assert len(slide.placeholders) == 0


def test_shapes_are_named_after_frames_in_plan_order_with_unique_ids(deck):
    slide = deck.slides[0]
    assert [shape.name for shape in slide.shapes] == [
        "title/band",
        "title",
        "section:talent/body",
        "stat:itf/card",
        "section:chart/image",
        "section:ornament/image",
    ]
    for slide in deck.slides:
        ids = [shape.shape_id for shape in slide.shapes]
        assert len(ids) == len(set(ids))
        assert 1 not in ids


def test_text_box_sits_at_the_planned_box(deck):
    body = shape_named(deck.slides[0], "section:talent/body")
    assert not body.is_placeholder
    assert (body.left, body.top, body.width, body.height) == (508000, 1397000, 6350000, 3810000)


def test_rectangles_are_filled_and_stroked_as_planned_without_theme_style(deck):
    slide = deck.slides[0]
    band = shape_named(slide, "title/band").element
    card = shape_named(slide, "stat:itf/card").element
    for element in (band, card):
        assert element.find(f"{P}style") is None
        assert element.find(f"{P}spPr/{A}effectLst") is not None
    assert band.find(f"{P}spPr/{A}solidFill/{A}srgbClr").get("val") == "003366"
    assert band.find(f"{P}spPr/{A}ln/{A}noFill") is not None
    assert card.find(f"{P}spPr/{A}solidFill/{A}srgbClr").get("val") == "EEF2F7"
    stroke = card.find(f"{P}spPr/{A}ln")
    assert stroke.get("w") == str(round(1.5 * 12700))
    assert stroke.find(f"{A}solidFill/{A}srgbClr").get("val") == "003366"


def test_slide_background_is_the_planned_solid_colour(deck_bytes):
    first, second = all_slide_xml(deck_bytes)
    assert first.find(f"{P}cSld/{P}bg/{P}bgPr/{A}solidFill/{A}srgbClr").get("val") == "F5F5F0"
    assert second.find(f"{P}cSld/{P}bg/{P}bgPr/{A}solidFill/{A}srgbClr").get("val") == "FFFFFF"


# -- text -------------------------------------------------------------------------------------------------------


def test_every_run_has_explicit_size_colour_and_fonts(deck_bytes):
    runs = [run for slide in all_slide_xml(deck_bytes) for run in slide.iter(f"{A}r")]
    assert runs
    for run in runs:
        properties = run.find(f"{A}rPr")
        assert properties is not None and properties.get("sz") is not None
        assert properties.find(f"{A}solidFill/{A}srgbClr") is not None
        assert [child.tag for child in properties] == [f"{A}solidFill", f"{A}latin", f"{A}ea"]
        assert properties.find(f"{A}latin").get("typeface") == "Arial"
        assert properties.find(f"{A}ea").get("typeface") == "Microsoft JhengHei"
    sizes = {run.find(f"{A}rPr").get("sz") for run in runs}
    assert sizes == {"3200", "1800", "1350"}


def test_bold_title_and_regular_body(deck):
    title_run = deck.slides[0].shapes.title.text_frame.paragraphs[0].runs[0]
    assert title_run.font.bold is True and title_run.font.size.pt == 32
    body_run = shape_named(deck.slides[0], "section:talent/body").text_frame.paragraphs[0].runs[0]
    assert body_run.font.bold is False and body_run.font.size.pt == 18
    assert str(body_run.font.color.rgb) == "1A2B3C"


def test_chinese_runs_carry_the_east_asian_font_and_hong_kong_language(deck):
    paragraphs = shape_named(deck.slides[0], "section:talent/body").text_frame.paragraphs
    chinese = paragraphs[1].runs[0]
    assert chinese.text == CHINESE
    properties = chinese._r.find(f"{A}rPr")
    assert properties.get("lang") == "zh-HK"
    assert properties.get("altLang") == "en-US"
    assert properties.find(f"{A}ea").get("typeface") == "Microsoft JhengHei"
    english = paragraphs[0].runs[0]._r.find(f"{A}rPr")
    assert english.get("lang") == "en-US" and english.get("altLang") is None
    assert paragraphs[2].runs[0]._r.find(f"{A}rPr").get("lang") == "en-GB"


def test_a_frame_the_plan_keeps_at_size_is_written_without_autofit(images):
    plan = make_plan(images)
    kept = dataclasses.replace(body_frame(), shrink_on_overflow=False)
    slide = dataclasses.replace(plan.slides[0], frames=(kept,))
    [body] = [b for xml in all_slide_xml(render_deck(dataclasses.replace(plan, slides=(slide,))))
              for b in xml.iter(f"{A}bodyPr")]
    assert [child.tag for child in body] == [f"{A}noAutofit"]


def test_text_bodies_wrap_shrink_only_on_overflow_and_use_planned_insets_and_anchor(deck_bytes, deck):
    bodies = [body for slide in all_slide_xml(deck_bytes) for body in slide.iter(f"{A}bodyPr")]
    assert len(bodies) == 3
    for body in bodies:
        assert body.get("wrap") == "square"
        # shrink on overflow, but no fontScale / lnSpcReduction: the viewer starts at the planned size
        assert [(child.tag, dict(child.attrib)) for child in body] == [(f"{A}normAutofit", {})]
    frame = shape_named(deck.slides[0], "section:talent/body").text_frame
    assert (frame.margin_left, frame.margin_top, frame.margin_right, frame.margin_bottom) == (
        91440,
        45720,
        91440,
        45720,
    )
    title_body = deck.slides[0].shapes.title.text_frame._txBody.find(f"{A}bodyPr")
    assert title_body.get("anchor") == "ctr"
    assert (title_body.get("lIns"), title_body.get("tIns")) == ("50800", "25400")
    assert frame._txBody.find(f"{A}bodyPr").get("anchor") == "b"


def test_paragraphs_have_exact_line_spacing_spacing_alignment_and_bullets(deck):
    paragraphs = shape_named(deck.slides[0], "section:talent/body").text_frame.paragraphs
    first, second, third = (paragraph._p.find(f"{A}pPr") for paragraph in paragraphs)
    assert first.find(f"{A}lnSpc/{A}spcPts").get("val") == "2160"
    assert first.find(f"{A}spcBef/{A}spcPts").get("val") == "0"  # not before the first paragraph
    assert second.find(f"{A}spcBef/{A}spcPts").get("val") == "600"
    assert second.find(f"{A}spcAft/{A}spcPts").get("val") == "300"
    for bulleted in (first, second):
        assert bulleted.find(f"{A}buChar").get("char") == "•"
        assert bulleted.find(f"{A}buFont").get("typeface") == "Arial"
        assert (bulleted.get("marL"), bulleted.get("indent")) == ("228600", "-228600")
        assert bulleted.get("algn") == "l"
    assert third.find(f"{A}buNone") is not None and third.find(f"{A}buChar") is None
    assert third.get("algn") == "r"
    assert third.find(f"{A}lnSpc/{A}spcPts").get("val") == "1620"
    title = deck.slides[0].shapes.title.text_frame.paragraphs[0]._p.find(f"{A}pPr")
    assert title.get("algn") == "ctr" and title.find(f"{A}buNone") is not None


def test_paragraph_text_is_one_run_unless_the_plan_keeps_its_breaks(deck):
    body = shape_named(deck.slides[0], "section:talent/body").text_frame
    assert [len(paragraph.runs) for paragraph in body.paragraphs] == [1, 1, 1]
    title = deck.slides[0].shapes.title.text_frame.paragraphs[0]._p
    assert len(title.findall(f"{A}br")) == 1
    assert [t.text for t in title.iter(f"{A}t")] == ["Innovation and", "technology"]
    assert title.find(f"{A}br/{A}rPr").get("sz") == "3200"


# -- pictures and notes -----------------------------------------------------------------------------------------


def test_picture_fills_its_box_and_carries_alt_text(deck):
    picture = shape_named(deck.slides[0], "section:chart/image")
    assert (picture.left, picture.top, picture.width, picture.height) == (7620000, 1397000, 3810000, 1905000)
    assert picture.element.find(f"{P}blipFill/{A}stretch/{A}fillRect") is not None
    assert picture.element.find(f"{P}blipFill/{A}srcRect") is None
    properties = picture.element.find(f"{P}nvPicPr/{P}cNvPr")
    assert properties.get("descr") == "Funding rose"
    assert properties.find(f"{A}extLst") is None
    assert picture.image.content_type == "image/png"


def test_decorative_picture_is_flagged_and_has_empty_description(deck):
    ornament = shape_named(deck.slides[0], "section:ornament/image")
    properties = ornament.element.find(f"{P}nvPicPr/{P}cNvPr")
    assert properties.get("descr") == ""
    extension = properties.find(f"{A}extLst/{A}ext")
    assert extension.get("uri") == DECORATIVE_URI
    assert extension[0].tag == DECORATIVE and extension[0].get("val") == "1"
    assert ornament.image.content_type == "image/jpeg"


def test_alt_text_is_never_a_file_name(deck_bytes):
    for slide in all_slide_xml(deck_bytes):
        for properties in slide.iter(f"{P}cNvPr"):
            description = properties.get("descr") or ""
            assert not description.endswith((".png", ".jpg", ".jpeg"))


def test_notes_are_written_and_empty_notes_make_no_notes_slide(deck):
    first, second = deck.slides
    assert first.has_notes_slide
    assert first.notes_slide.notes_text_frame.text == "Open with the fund.\nThen the numbers."
    assert not second.has_notes_slide


def test_each_slide_keeps_its_own_notes_and_windows_line_ends_become_paragraphs(images):
    plan = make_plan(images)
    first = plan.slides[0]
    slides = tuple(
        SlidePlan(Name(Kind.SECTION, f"s{index}"), first.frames, notes=f"Point {index}\r\nDetail {index}") for index in range(3)
    )
    deck = Presentation(io.BytesIO(render_deck(DeckPlan(plan.size, slides, plan.properties))))
    assert [slide.notes_slide.notes_text_frame.text for slide in deck.slides] == [
        f"Point {index}\nDetail {index}" for index in range(3)
    ]


def test_notes_master_is_listed_in_presentation_xml_in_schema_order(deck_bytes):
    presentation = part_xml(deck_bytes, "ppt/presentation.xml")
    assert [child.tag.split("}")[1] for child in presentation][:3] == [
        "sldMasterIdLst",
        "notesMasterIdLst",
        "sldIdLst",
    ]
    rel_id = presentation.find(f"{P}notesMasterIdLst/{P}notesMasterId").get(f"{R}id")
    relationships = part_xml(deck_bytes, "ppt/_rels/presentation.xml.rels")
    target = next(rel for rel in relationships if rel.get("Id") == rel_id)
    assert target.get("Target") == "notesMasters/notesMaster1.xml"


def test_a_deck_without_notes_has_no_notes_master(images):
    plan = make_plan(images)
    quiet = tuple(SlidePlan(slide.name, slide.frames, slide.background) for slide in plan.slides)
    data = render_deck(DeckPlan(plan.size, quiet, plan.properties))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert not any("notes" in name for name in package.namelist())
    assert part_xml(data, "ppt/presentation.xml").find(f"{P}notesMasterIdLst") is None


# -- XML as text -------------------------------------------------------------------------------------------------

SPECIAL = "R&D <AI> \"quoted\" 'single' ]]> \u5275\u65b0\tand a tab"


def special_plan(images: tuple[Path, Path]) -> DeckPlan:
    """The test plan plus a slide whose every text field holds characters XML must escape."""
    base = make_plan(images)
    face = Face('Arial & "Co"', "Microsoft <JhengHei>", "LiberationSans", "fonts/LiberationSans-Regular.ttf")
    style = TextStyle(face, 18, "#1A2B3C", 21.6, Align.LEFT)
    body = Frame(Name(Kind.SECTION, f"{SPECIAL}\nname"), FrameRole.TEXT, BODY_BOX,
                 (Paragraph(f"{SPECIAL}\nnext line", (), style, "en", "&"),))
    picture = Frame(Name(Kind.SECTION, "<&>", "image"), FrameRole.IMAGE, PICTURE_BOX, image_path=str(images[0]), alt_text=SPECIAL)
    slide = SlidePlan(Name(Kind.SECTION, SPECIAL), (body, picture), notes=f"{SPECIAL}\r\nsecond\u2028soft\r\rlast")
    return DeckPlan(base.size, (*base.slides, slide), base.properties)


def test_slides_and_notes_are_exactly_what_lxml_would_serialise(images):
    """Slides and notes are written as text: parsing and re-serialising each must give back the same bytes."""
    data = render_deck(special_plan(images))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = [n for n in package.namelist() if n.startswith(("ppt/slides/slide", "ppt/notesSlides/notesSlide"))]
        assert len(names) == 5
        for name in names:
            blob = package.read(name)
            assert etree.tostring(etree.fromstring(blob), encoding="UTF-8", standalone=True) == blob, name


def test_characters_xml_escapes_come_back_unchanged(images):
    data = render_deck(special_plan(images))
    slide = Presentation(io.BytesIO(data)).slides[2]
    assert slide.name == f"section:{SPECIAL}"
    body = slide.shapes[0]
    assert body.name == f"section:{SPECIAL}\nname"
    assert body.text_frame.text == f"{SPECIAL}\vnext line"
    element = part_xml(data, "ppt/slides/slide3.xml")
    assert element.find(f".//{A}buChar").get("char") == "&"
    assert {e.get("typeface") for e in element.iter(f"{A}latin")} == {'Arial & "Co"'}
    assert {e.get("typeface") for e in element.iter(f"{A}ea")} == {"Microsoft <JhengHei>"}
    assert element.findall(f".//{P}cNvPr")[-1].get("descr") == SPECIAL
    assert slide.notes_slide.notes_text_frame.text == f"{SPECIAL}\nsecond\vsoft\n\nlast"


def test_a_language_xml_cannot_carry_is_refused(images):
    plan = make_plan(images)
    broken = Paragraph("text", (), BODY, "en\x00")
    slide = SlidePlan(Name(Kind.SECTION, "x"), (Frame(Name(Kind.SECTION, "x", "body"), FrameRole.TEXT, BODY_BOX,
                                                      (broken,)),))
    with pytest.raises(ValueError, match=r"paragraph 1: language: .*U\+0000"):
        render_deck(DeckPlan(plan.size, (*plan.slides, slide), plan.properties))


# -- properties -------------------------------------------------------------------------------------------------


def test_core_properties_come_from_the_plan(deck):
    core = deck.core_properties
    assert core.title == "Hong Kong innovation brief"
    assert core.subject == "Innovation and technology"
    assert core.author == "Policy Unit"
    assert core.last_modified_by == "Policy Unit"
    assert core.keywords == "innovation; 創新"
    assert core.language == "en-US"
    assert core.comments == ""
    assert core.revision == 1
    assert core.created == core.modified == dt.datetime(2024, 5, 6, 1, 30, 0)


def test_no_template_defaults_remain_in_properties(deck_bytes):
    with zipfile.ZipFile(io.BytesIO(deck_bytes)) as package:
        for name in ("docProps/core.xml", "docProps/app.xml"):
            text = package.read(name).decode("utf-8")
            for leftover in ("python-pptx", "2013", "Steve Canny", "Macintosh", "14.0000", "4:3"):
                assert leftover not in text, (name, leftover)
    app = part_xml(deck_bytes, "docProps/app.xml")
    values = {child.tag.split("}")[1]: child.text for child in app}
    assert values["Application"] == "hkbrief 0.1.0"
    assert values["Slides"] == "2" and values["Notes"] == "1"
    assert values["PresentationFormat"] == "Widescreen"


def test_long_title_is_cut_at_a_word_with_an_ellipsis(images):
    long_title = " ".join(["innovation"] * 40)
    deck = Presentation(io.BytesIO(render_deck(make_plan(images, title=long_title))))
    title = deck.core_properties.title
    assert len(title) <= 255
    assert title.endswith("innovation…")


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("en", "en-US"), ("en-GB", "en-GB"), ("zh-Hant", "zh-HK"), ("zh-Hant-TW", "zh-TW"), ("zh-HK", "zh-HK")],
)
def test_office_language(tag: str, expected: str):
    assert office_tag(tag) == expected


# -- package ----------------------------------------------------------------------------------------------------


def test_every_relationship_resolves_and_every_part_is_used(deck_bytes):
    with zipfile.ZipFile(io.BytesIO(deck_bytes)) as package:
        names = set(package.namelist())
        targets: set[str] = set()
        for rels_name in (n for n in names if n.endswith(".rels")):
            source_folder = PurePosixPath(rels_name).parent.parent
            for relationship in etree.fromstring(package.read(rels_name)).iter(f"{REL}Relationship"):
                assert relationship.get("TargetMode") != "External"
                target = str(PurePosixPath(*_resolve(source_folder / relationship.get("Target")).parts))
                assert target in names, (rels_name, relationship.get("Target"))
                targets.add(target)
        parts = {n for n in names if not n.endswith(".rels") and n != "[Content_Types].xml"}
        assert parts == targets
        assert not any("thumbnail" in n or "printerSettings" in n for n in names)


def _resolve(path: PurePosixPath) -> PurePosixPath:
    parts: list[str] = []
    for piece in path.parts:
        if piece == "..":
            parts.pop()
        elif piece not in (".", ""):
            parts.append(piece)
    return PurePosixPath(*parts)


def test_zip_entries_have_fixed_order_dates_and_attributes(deck_bytes):
    with zipfile.ZipFile(io.BytesIO(deck_bytes)) as package:
        entries = package.infolist()
    assert entries[0].filename == "[Content_Types].xml"
    assert entries[1].filename == "_rels/.rels"
    for entry in entries:
        assert entry.date_time == (1980, 1, 1, 0, 0, 0)
        assert entry.external_attr == 0o644 << 16 and entry.create_system == 3
        assert entry.compress_type == zipfile.ZIP_DEFLATED


def test_identical_plans_give_identical_bytes(images):
    first = render_deck(make_plan(images))
    second = render_deck(make_plan(images))
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()


def test_slides_are_added_without_searching_the_whole_deck(images, monkeypatch):
    """python-pptx's add_slide is quadratic; the writer must not search relationships or part names per slide."""
    from pptx.opc import package as opc

    searched_sizes: list[int] = []
    name_searches: list[str] = []
    original_get_or_add = opc._Relationships.get_or_add
    original_next_partname = opc.OpcPackage.next_partname

    def get_or_add(self, reltype, target_part):
        searched_sizes.append(len(self))
        return original_get_or_add(self, reltype, target_part)

    def next_partname(self, template):
        name_searches.append(template)
        return original_next_partname(self, template)

    monkeypatch.setattr(opc._Relationships, "get_or_add", get_or_add)
    monkeypatch.setattr(opc.OpcPackage, "next_partname", next_partname)
    base = make_plan(images)
    many = DeckPlan(base.size, base.slides * 40, base.properties)
    render_deck(many)
    assert max(searched_sizes) < 10
    assert len(name_searches) <= 1  # the notes master's theme, once


# -- refusals ---------------------------------------------------------------------------------------------------


def test_characters_xml_cannot_carry_are_refused_with_where(images):
    plan = make_plan(images)
    broken = Paragraph("bad\x01text", (), BODY)
    slide = SlidePlan(Name(Kind.SECTION, "x"), (Frame(Name(Kind.SECTION, "x", "body"), FrameRole.TEXT, BODY_BOX,
                                                      (broken,)),))
    with pytest.raises(ValueError, match=r"slide 3 \(section:x\), frame section:x/body, paragraph 1: text: .*U\+0001"):
        render_deck(DeckPlan(plan.size, (*plan.slides, slide), plan.properties))


def test_an_image_that_is_neither_png_nor_jpeg_is_refused(images, tmp_path):
    plan = make_plan(images)
    gif = tmp_path / "anim.gif"
    Image.new("RGB", (10, 10)).save(gif)
    slide = SlidePlan(Name(Kind.SECTION, "gif"), (Frame(Name(Kind.SECTION, "gif", "image"), FrameRole.IMAGE, PICTURE_BOX, image_path=str(gif), alt_text="x"),))
    with pytest.raises(ValueError, match="neither PNG nor JPEG"):
        render_deck(DeckPlan(plan.size, (slide,), plan.properties))


# -- architecture -----------------------------------------------------------------------------------------------


def test_writer_imports_only_plan_and_geometry_from_hkbrief():
    source = Path(pptx_writer.__file__)
    tree = ast.parse(source.read_text(encoding="utf-8"))
    ours: set[str] = set()
    top_level: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative imports hide the arrow"
            names = [node.module or ""]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        ours.update(name for name in names if name.split(".")[0] == "hkbrief")
        if node in tree.body:
            top_level.update(name.split(".")[0] for name in names)
    # the writers' own helper modules (hkbrief.render.*) are held to the same rule by tests/test_architecture.py
    # besides the plan and geometry, a writer may use the leaf that spells language tags (it imports nothing)
    assert {name for name in ours if not name.startswith("hkbrief.render.")} <= {"hkbrief.plan", "hkbrief.geometry",
                                                                                 "hkbrief.langtag"}
    assert not top_level & {"pptx", "lxml", "PIL"}, "heavy imports belong inside functions"


# -- LibreOffice ------------------------------------------------------------------------------------------------


def test_libreoffice_opens_the_deck_with_one_page_per_slide(deck_bytes, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not on PATH: cannot check that it opens the deck")
    from pypdf import PdfReader

    deck_path = tmp_path / "deck.pptx"
    deck_path.write_bytes(deck_bytes)
    profile = tmp_path / "lo-profile"
    out = tmp_path / "pdf"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(deck_path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    reader = PdfReader(str(out / "deck.pdf"))
    assert len(reader.pages) == 2
    text = reader.pages[0].extract_text()
    assert "HK$10bn fund for start-ups" in text
    assert "創新" in text
