"""The PDF writer draws hand-made plans; the PDF is read back as a user's viewer or tools would see it."""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import re
import io
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

import hkbrief
from hkbrief.geometry import A4, LETTER, Box, Insets, Size
from hkbrief.plan import (
    Kind,
    Name,
    Align,
    DocumentProperties,
    Face,
    Frame,
    FrameRole,
    Line,
    PagePlan,
    Paragraph,
    Span,
    TextStyle,
)
from hkbrief.render.pdf import render_page

pypdf = pytest.importorskip("pypdf")
pdfplumber = pytest.importorskip("pdfplumber")

WRITER_SOURCE = Path(hkbrief.__file__).parent / "render" / "pdf.py"
BUNDLED_FONTS = Path(hkbrief.__file__).parent / "fonts" / "liberation-sans"
SYSTEM_FONTS = Path("/usr/share/fonts/truetype/liberation2")  # Debian's fonts-liberation2, until fonts are bundled
ASCENT = 0.905  # Liberation Sans hhea ascender, in ems: where arrange puts a first baseline
MARKUP_TEXT = 'a<b & <img src="x">'
BULLET = "\u2022"


def _font_file(name: str) -> Path:
    for folder in (BUNDLED_FONTS, SYSTEM_FONTS):
        if (folder / name).is_file():
            return folder / name
    pytest.skip(f"{name} is neither bundled nor installed")


@pytest.fixture(scope="module")
def faces() -> tuple[Face, Face]:
    """Regular and bold Liberation Sans under names no other module registers."""
    regular = Face("Arial", "Microsoft JhengHei", "HkbriefTestSans", str(_font_file("LiberationSans-Regular.ttf")))
    bold = Face(
        "Arial", "Microsoft JhengHei", "HkbriefTestSans-Bold", str(_font_file("LiberationSans-Bold.ttf")), bold=True
    )
    return regular, bold


def _width(text: str, face: Face, size: float) -> float:
    """Advance width as textfit would measure it (reportlab with the same TTF)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if face.pdf_name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(face.pdf_name, face.pdf_file))
    return pdfmetrics.stringWidth(text, face.pdf_name, size)


def _paragraph(
    texts: list[str],
    style: TextStyle,
    first_baseline: float,
    *,
    x: float = 0.0,
    bullet: str | None = None,
    indent: float = 0.0,
) -> Paragraph:
    lines = tuple(
        Line(
            spans=(Span(text, style.face),),
            x=x,
            baseline=first_baseline + index * style.line_height,
            width=_width(text, style.face, style.size),
        )
        for index, text in enumerate(texts)
    )
    return Paragraph(" ".join(texts), lines, style, bullet=bullet, indent=indent)


def _properties(language: str = "en", title: str = "Hong Kong brief") -> DocumentProperties:
    return DocumentProperties(
        title=title,
        subject="Innovation and technology",
        author="Policy Unit",
        keywords="Hong Kong, R&D, talent",
        language=language,
        created=dt.datetime(2024, 3, 5, 9, 30, 15, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        creator=f"hkbrief {hkbrief.__version__}",
    )


@pytest.fixture
def image_file(tmp_path: Path) -> Path:
    """A 40 x 20 PNG: left half red, right half blue."""
    from PIL import Image

    image = Image.new("RGB", (40, 20), (255, 0, 0))
    image.paste((0, 0, 255), (20, 0, 40, 20))
    path = tmp_path / "chart.png"
    image.save(path)
    return path


def _typical_plan(faces: tuple[Face, Face], size: Size, image_path: Path | None = None) -> PagePlan:
    """A band with a title on it, a filled body with two paragraphs (one bulleted, with markup-like text), a
    right-aligned footer with two spans and, if given, an image."""
    regular, bold = faces
    width = size.w
    title_style = TextStyle(bold, 24.0, "#FFFFFF", 28.8)
    body_style = TextStyle(regular, 11.0, "#222222", 13.2, space_before=6.0)
    footer_style = TextStyle(regular, 8.0, "#555555", 9.6, align=Align.RIGHT)

    title_box = Box(36.0, 24.0, width - 72.0, 44.0)
    title = Frame(
        Name(Kind.TITLE),
        FrameRole.TITLE,
        title_box,
        (_paragraph(["Hong Kong brief: R&D"], title_style, ASCENT * 24.0),),
        insets=Insets(6.0, 4.0, 6.0, 4.0),
        keep_breaks=True,
    )
    body_insets = Insets(8.0, 8.0, 8.0, 8.0)
    first = _paragraph(
        ["Research spending rose for the", "fifth year in a row."], body_style, ASCENT * 11.0
    )
    second_baseline = first.lines[-1].baseline + body_style.space_before + body_style.line_height
    second = _paragraph(
        ["Bulleted point: " + MARKUP_TEXT, "and its second line"],
        body_style,
        second_baseline,
        x=14.0,
        bullet=BULLET,
        indent=14.0,
    )
    body = Frame(
        Name(Kind.SECTION, "research", "body"),
        FrameRole.TEXT,
        Box(36.0, 110.0, width - 72.0, 90.0),
        (first, second),
        insets=body_insets,
        fill="#EEF2F7",
        stroke="#1F3A5F",
        stroke_width=1.0,
    )
    footer_box = Box(36.0, size.h - 40.0, width - 72.0, 16.0)
    source_text, date_text = "Source: Census and Statistics Department ", "(2024)"
    source_width = _width(source_text, regular, 8.0)
    line_width = source_width + _width(date_text, bold, 8.0)
    footer_line = Line(
        spans=(Span(source_text, regular), Span(date_text, bold, x=source_width)),
        x=footer_box.w - line_width,
        baseline=ASCENT * 8.0,
        width=line_width,
    )
    footer = Frame(
        Name(Kind.SOURCES),
        FrameRole.TEXT,
        footer_box,
        (Paragraph(source_text + date_text, (footer_line,), footer_style),),
    )
    frames = [
        Frame(Name(Kind.HEADER, part="band"), FrameRole.SHAPE, Box(0.0, 0.0, width, 90.0), fill="#1F3A5F"),
        title,
        body,
        footer,
    ]
    if image_path is not None:
        frames.insert(
            3, Frame(Name(Kind.SECTION, "chart", "image"), FrameRole.IMAGE, Box(36.0, 220.0, 200.0, 100.0), image_path=str(image_path))
        )
    return PagePlan(size, tuple(frames), _properties())


def _planned_glyphs(plan: PagePlan) -> list[tuple[str, Box, float | None, float | None]]:
    """Every character in drawing order: (character, its frame's box, expected x and baseline of a run's first
    character, else None)."""
    glyphs: list[tuple[str, Box, float | None, float | None]] = []
    for frame in plan.frames:
        left = frame.box.x + frame.insets.left
        top = frame.box.y + frame.insets.top
        for paragraph in frame.paragraphs:
            if paragraph.bullet:
                line = paragraph.lines[0]
                glyphs.append((paragraph.bullet, frame.box, left + line.x - paragraph.indent, top + line.baseline))
            for line in paragraph.lines:
                for span in line.spans:
                    for index, char in enumerate(span.text):
                        if index == 0:
                            glyphs.append((char, frame.box, left + line.x + span.x, top + line.baseline))
                        else:
                            glyphs.append((char, frame.box, None, None))
    return glyphs


def _pdftotext(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "page.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def _raster(pdf: bytes, tmp_path: Path):
    """The page as a viewer shows it, at 72 dpi (one pixel per point)."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    from PIL import Image

    path = tmp_path / "page.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "72", "-png", "-singlefile", str(path), str(tmp_path / "page")], check=True)
    return Image.open(tmp_path / "page.png").convert("RGB")


def _colours(image, area: tuple[int, int, int, int]) -> set[tuple[int, int, int]]:
    region = image.crop(area)
    return {colour for _, colour in region.getcolors(region.width * region.height)}


@pytest.mark.parametrize("size", [A4, LETTER], ids=["A4", "Letter"])
def test_one_page_of_the_planned_size(faces, size):
    reader = pypdf.PdfReader(io.BytesIO(render_page(_typical_plan(faces, size))))

    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.left) == 0 and float(box.bottom) == 0
    assert float(box.width) == pytest.approx(size.w, abs=0.01)
    assert float(box.height) == pytest.approx(size.h, abs=0.01)


def test_texts_come_out_in_plan_order(faces, tmp_path):
    plan = _typical_plan(faces, A4)
    text = _pdftotext(render_page(plan), tmp_path)

    expected = [
        "Hong Kong brief: R&D",
        "Research spending rose for the",
        "fifth year in a row.",
        "Bulleted point: " + MARKUP_TEXT,
        "and its second line",
        "Source: Census and Statistics Department (2024)",
    ]
    positions = [text.find(piece) for piece in expected]
    assert -1 not in positions, text
    assert positions == sorted(positions)


def test_content_stream_follows_plan_order_not_page_position(faces, tmp_path):
    regular, _ = faces
    style = TextStyle(regular, 12.0, "#000000", 14.4)
    lower = Frame(Name(Kind.SECTION, "lower"), FrameRole.TEXT, Box(40, 400, 300, 20), (_paragraph(["drawn first"], style, 11.0),))
    upper = Frame(Name(Kind.SECTION, "upper"), FrameRole.TEXT, Box(40, 100, 300, 20), (_paragraph(["drawn second"], style, 11.0),))
    text = _pdftotext(render_page(PagePlan(A4, (lower, upper), _properties())), tmp_path)

    assert text.find("drawn first") < text.find("drawn second")


def test_every_character_sits_where_planned_inside_its_frame(faces, image_file):
    plan = _typical_plan(faces, A4, image_file)
    with pdfplumber.open(io.BytesIO(render_page(plan))) as pdf:
        page = pdf.pages[0]
        chars = page.chars
        page_height = float(page.height)

    planned = _planned_glyphs(plan)
    assert "".join(char["text"] for char in chars) == "".join(glyph for glyph, *_ in planned)
    for char, (glyph, box, x, baseline) in zip(chars, planned, strict=True):
        assert box.x - 1 <= char["x0"] and char["x1"] <= box.right + 1, (glyph, char)
        assert box.y - 1 <= char["top"] and char["bottom"] <= box.bottom + 1, (glyph, char)
        if x is not None:
            assert char["x0"] == pytest.approx(x, abs=0.01), glyph
            assert page_height - char["matrix"][5] == pytest.approx(baseline, abs=0.01), glyph


def test_text_has_planned_font_size_and_colour(faces):
    plan = _typical_plan(faces, A4)
    with pdfplumber.open(io.BytesIO(render_page(plan))) as pdf:
        chars = pdf.pages[0].chars

    title = [char for char in chars if char["top"] < 90]
    body = [char for char in chars if 110 <= char["top"] < 200]
    assert {round(char["size"], 2) for char in title} == {24.0}
    assert {tuple(round(c, 3) for c in char["non_stroking_color"]) for char in title} == {(1.0, 1.0, 1.0)}
    assert {round(char["size"], 2) for char in body} == {11.0}
    assert all(char["fontname"].endswith("LiberationSans-Bold") for char in title)


def test_markup_like_text_prints_literally(faces, tmp_path):
    regular, _ = faces
    style = TextStyle(regular, 12.0, "#000000", 14.4)
    texts = ["R&D", MARKUP_TEXT, '<a href="javascript:alert(1)">x</a>', "<b>not bold</b> &amp;"]
    frame = Frame(Name(Kind.SECTION, "markup"), FrameRole.TEXT, Box(40, 40, 400, 80), (_paragraph(texts, style, 11.0),))
    pdf = render_page(PagePlan(LETTER, (frame,), _properties()))

    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        assert page.extract_text().splitlines() == texts
        assert page.images == []
        assert page.annots == [] and page.hyperlinks == []
    extracted = _pdftotext(pdf, tmp_path)
    for text in texts:
        assert text in extracted


def test_fonts_are_embedded_truetype_and_no_helvetica(faces, image_file):
    pdf = render_page(_typical_plan(faces, A4, image_file))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    fonts = reader.pages[0]["/Resources"]["/Font"]

    base_fonts = set()
    for reference in fonts.values():
        font = reference.get_object()
        base_fonts.add(str(font["/BaseFont"]))
        assert font["/Subtype"] == "/TrueType"
        assert "/FontFile2" in font["/FontDescriptor"], font["/BaseFont"]
    assert {name.split("+", 1)[1] for name in base_fonts} == {"LiberationSans", "LiberationSans-Bold"}
    assert not any("Helvetica" in name for name in base_fonts)
    assert b"Helvetica" not in pdf


def test_document_properties_and_language(faces):
    plan = _typical_plan(faces, A4)
    reader = pypdf.PdfReader(io.BytesIO(render_page(plan)))
    meta = reader.metadata

    assert meta.title == "Hong Kong brief"
    assert meta.author == "Policy Unit"
    assert meta.subject == "Innovation and technology"
    assert meta["/Keywords"] == "Hong Kong, R&D, talent"
    assert meta.creator == f"hkbrief {hkbrief.__version__}"
    assert meta.creation_date == plan.properties.created
    assert meta.modification_date == plan.properties.created
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"].value is True


def test_chinese_language_and_title(faces):
    plan = replace(_typical_plan(faces, A4), properties=_properties("zh-HK", "香港簡報 – 創新"))
    reader = pypdf.PdfReader(io.BytesIO(render_page(plan)))

    assert reader.trailer["/Root"]["/Lang"] == "zh-HK"
    assert reader.metadata.title == "香港簡報 – 創新"


def test_chinese_spans_in_a_bundled_han_font_are_embedded_and_extracted(faces, tmp_path):
    han_file = Path(hkbrief.__file__).parent / "fonts" / "noto-sans-tc" / "NotoSansTC-Regular.ttf"
    if not han_file.is_file():
        pytest.skip("Noto Sans TC is not bundled yet")
    regular, _ = faces
    han = Face("Arial", "Microsoft JhengHei", "HkbriefTestSansTC", str(han_file))
    style = TextStyle(regular, 12.0, "#000000", 14.4)
    latin_width = _width("GDP ", regular, 12.0)
    line = Line(
        (Span("GDP ", regular), Span("增長百分之三", han, x=latin_width)),
        x=0.0,
        baseline=11.0,
        width=latin_width + 6 * 12.0,
    )
    paragraph = Paragraph("GDP 增長百分之三", (line,), style, "zh-HK")
    frame = Frame(Name(Kind.STAT, "gdp"), FrameRole.TEXT, Box(40, 40, 300, 20), (paragraph,))
    pdf = render_page(PagePlan(A4, (frame,), _properties("zh-HK")))

    assert "GDP 增長百分之三" in _pdftotext(pdf, tmp_path)
    fonts = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    assert all("/FontFile2" in font.get_object()["/FontDescriptor"] for font in fonts.values())
    assert len(fonts) == 2


def test_identical_plans_give_identical_bytes(faces, image_file, monkeypatch):
    plan = _typical_plan(faces, A4, image_file)
    first = hashlib.sha256(render_page(plan)).hexdigest()
    second = hashlib.sha256(render_page(plan)).hexdigest()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    third = hashlib.sha256(render_page(plan)).hexdigest()

    assert first == second == third


def test_document_id_follows_the_plan(faces):
    plan = _typical_plan(faces, A4)
    other = replace(plan, frames=plan.frames[:-1])  # same properties, one frame fewer
    first_id = pypdf.PdfReader(io.BytesIO(render_page(plan))).trailer["/ID"]
    other_id = pypdf.PdfReader(io.BytesIO(render_page(other))).trailer["/ID"]

    assert len(first_id) == 2 and len(first_id[0]) == 16
    assert first_id != other_id


def test_band_fill_and_image_appear_as_planned(faces, image_file, tmp_path):
    plan = _typical_plan(faces, A4, image_file)
    pdf = render_page(plan)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        images = document.pages[0].images
    assert len(images) == 1
    for key, expected in (("x0", 36.0), ("top", 220.0), ("x1", 236.0), ("bottom", 320.0)):
        assert images[0][key] == pytest.approx(expected, abs=0.01)

    page = _raster(pdf, tmp_path)
    assert page.getpixel((10, 10)) == (0x1F, 0x3A, 0x5F)  # band, left of the title
    assert page.getpixel((300, 190)) == (0xEE, 0xF2, 0xF7)  # body fill below its text
    assert page.getpixel((36, 150)) == (0x1F, 0x3A, 0x5F)  # body stroke on its left edge
    assert page.getpixel((80, 270)) == (255, 0, 0)  # image, left half
    assert page.getpixel((190, 270)) == (0, 0, 255)  # image, right half, stretched to the box
    assert page.getpixel((300, 270)) == (255, 255, 255)  # page background beside the image
    assert (255, 255, 255) in _colours(page, (42, 28, 300, 64))  # the white title is drawn over the band
    assert any(max(colour) < 0x80 for colour in _colours(page, (44, 118, 300, 180)))  # text over its frame's fill


def test_character_missing_from_the_font_is_refused(faces):
    regular, _ = faces
    style = TextStyle(regular, 12.0, "#000000", 14.4)
    frame = Frame(Name(Kind.QUOTE, "ip"), FrameRole.TEXT, Box(40, 40, 300, 40), (_paragraph(["香港 IP"], style, 11.0),))

    with pytest.raises(ValueError, match=r"quote:ip.*U\+9999"):
        render_page(PagePlan(A4, (frame,), _properties()))


def test_bullet_missing_from_the_font_is_refused(faces):
    regular, _ = faces
    style = TextStyle(regular, 12.0, "#000000", 14.4)
    paragraph = _paragraph(["point"], style, 11.0, x=14.0, bullet="\u2714", indent=14.0)
    frame = Frame(Name(Kind.SOURCES, part="list"), FrameRole.TEXT, Box(40, 40, 300, 40), (paragraph,))

    with pytest.raises(ValueError, match=r"list.*U\+2714"):
        render_page(PagePlan(A4, (frame,), _properties()))


def test_font_name_taken_by_another_file_is_refused(faces):
    regular, bold = faces
    _width("x", regular, 12.0)
    impostor = replace(regular, pdf_file=bold.pdf_file)
    style = TextStyle(impostor, 12.0, "#000000", 14.4)
    frame = Frame(Name(Kind.SECTION, part="body"), FrameRole.TEXT, Box(40, 40, 300, 40), (_paragraph(["text"], style, 11.0),))

    with pytest.raises(ValueError, match="HkbriefTestSans.*already registered"):
        render_page(PagePlan(A4, (frame,), _properties()))


def test_malformed_colour_is_refused(faces):
    # a plan's colours are checked once, when the plan is made, so nothing malformed reaches the writer
    with pytest.raises(ValueError, match=r"colour 'navy' is not #RRGGBB"):
        band = Frame(Name(Kind.HEADER, part="band"), FrameRole.SHAPE, Box(0, 0, 100, 20), fill="navy")
        render_page(PagePlan(A4, (band,), _properties()))


def test_writer_imports_only_plan_geometry_and_libraries():
    tree = ast.parse(WRITER_SOURCE.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative import"
            imported.add(node.module)
    ours = {name for name in imported if name.split(".")[0] == "hkbrief"}
    others = {name.split(".")[0] for name in imported - ours}

    # the writers' own helper modules (hkbrief.render.*) are held to the same rule by tests/test_architecture.py
    # besides the plan and geometry, a writer may use the leaf that spells language tags (it imports nothing)
    assert {name for name in ours if not name.startswith("hkbrief.render.")} <= {"hkbrief.plan", "hkbrief.geometry",
                                                                                 "hkbrief.langtag"}
    assert others <= set(sys.stdlib_module_names) | {"reportlab", "PIL"}


def test_importing_the_writer_does_not_load_reportlab():
    code = "import sys, hkbrief.render.pdf; print('reportlab' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(Path(hkbrief.__file__).parent.parent)},
    )
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    "font_file", sorted((Path(hkbrief.__file__).parent / "fonts").glob("*/*.ttf")), ids=lambda path: path.name
)
def test_mapped_font_reading_answers_as_reportlab_does(font_file: Path):
    """The writer maps each TTF and reads its tables on demand; every lookup and the subset must be reportlab's."""
    from reportlab.pdfbase.ttfonts import TTFont

    from hkbrief.render._truetype import load_font

    theirs, ours = TTFont("HkbriefCompare", str(font_file)), load_font("HkbriefCompare", str(font_file))
    assert isinstance(ours, TTFont)
    assert vars(ours).keys() == vars(theirs).keys()
    assert ours.shapable == theirs.shapable and ours._asciiReadable == theirs._asciiReadable
    their_face, our_face = theirs.face, ours.face
    lazy = {"charToGlyph", "glyphToChar", "charWidths", "hmetrics", "glyphPos", "_ttf_data", "_pdfScale", "_pos"}  # _pos: a read cursor
    for name, value in vars(their_face).items():
        if name not in lazy:
            assert getattr(our_face, name) == value, name
    codes = sorted(their_face.charToGlyph)
    assert our_face.charToGlyph.keys() == codes
    for code in codes:
        assert our_face.charToGlyph[code] == their_face.charToGlyph[code], hex(code)
        assert our_face.charWidths.get(code) == their_face.charWidths.get(code), hex(code)
    for code in (0x1F600, 0xE000, 0x10FFFF, 0x0378):  # outside many fonts' cmaps: absent alike
        assert (code in our_face.charToGlyph) == (code in their_face.charToGlyph)
        assert our_face.charWidths.get(code, -1) == their_face.charWidths.get(code, -1)
    assert len(our_face.hmetrics) == len(their_face.hmetrics)
    assert all(our_face.hmetrics[g] == their_face.hmetrics[g] for g in range(len(their_face.hmetrics)))
    assert list(our_face.glyphPos) == their_face.glyphPos
    sample = [c for c in codes if c < 0x250 or 0x3000 <= c < 0x3040 or 0x4E00 <= c < 0x4E80][:300] + [0x1F600]
    assert our_face.makeSubset(sample) == their_face.makeSubset(sample)
    text = "".join(map(chr, sample)) + "\u00a0 \U00028779 \ufffe"
    for size in (7.5, 11, 24):  # measured from the characters met so far, then from the table of them
        # reportlab's pure-Python sum, which drew every earlier PDF (its C accelerator differs in the last digit)
        expected = 0.001 * size * sum(their_face.charWidths.get(ord(c), their_face.defaultWidth) for c in text)
        assert ours.stringWidth(text, size) == expected, size
        assert ours.stringWidth(text.encode("utf-8"), size) == expected, size
        assert ours.stringWidth(text, size) == pytest.approx(theirs.stringWidth(text, size), rel=1e-12)


def test_the_writer_runs_with_reportlab_s_c_accelerator():
    """rl_accel is a dependency: its C functions (numbers, ASCII85, checksums) must be the ones reportlab uses."""
    from reportlab.lib import rl_accel

    assert {"fp_str", "asciiBase85Encode", "calcChecksum", "instanceStringWidthTTF"} <= rl_accel._c_funcs.keys()


def test_document_id_is_the_digest_of_the_file_itself(faces):
    """Anyone can check the ID: put the placeholder back, and the MD5 of the file is the ID."""
    pdf = render_page(_typical_plan(faces, A4))
    [id_hex] = set(re.findall(rb"/ID\s*\[<([0-9A-F]{32})>\s*<([0-9A-F]{32})>\]", pdf)[0])
    reserved = pdf.replace(b"<" + id_hex + b">", b"<" + b"0" * 32 + b">")
    assert hashlib.md5(reserved).hexdigest().upper().encode() == id_hex
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).trailer["/ID"]) == 2
