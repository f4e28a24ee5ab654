"""The layout's logo: checked like a section image, placed where the layout says, on the deck's master, and in the
one-pager's header; never over anything else on a slide."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from hkbrief.arrange import Edition, FontBook, Typesetter, arrange_deck, arrange_page
from hkbrief.build import build
from hkbrief.cli import main
from hkbrief.content import load_brief
from hkbrief.images import prepare_logo
from hkbrief.layoutspec import DeckLogo, load_layout
from hkbrief.plan import FrameRole, Kind

from conftest import CONTENT

TEAL = (11, 92, 107, 255)


def wordmark(path: Path, size=(480, 160), mode="RGBA") -> Path:
    """A logo: a teal square and a bar on a transparent ground, three times as wide as tall."""
    image = Image.new(mode, size, (0, 0, 0, 0) if mode == "RGBA" else (255, 255, 255))
    image.paste(TEAL[: len(mode)], (0, 0, size[1], size[1]))
    image.paste(TEAL[: len(mode)], (size[1] + 20, size[1] // 3, size[0], 2 * size[1] // 3))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    return path


def logo_layout(folder: Path, extends: str = "default", deck: str = "", onepager: str = "", theme: str = "") -> Path:
    wordmark(folder / "brand" / "logo.png")
    layout = folder / "logo.toml"
    layout.write_text(f'extends = "{extends}"\n[theme]\nlogo = "brand/logo.png"\n{theme}\n'
                      f"[deck]\n{deck}\n[onepager]\n{onepager}\n", encoding="utf-8")
    return layout


def arranged(layout_path: Path, language: str | None = None, tmp: Path | None = None):
    layout = load_layout(str(layout_path))
    brief = load_brief(CONTENT)
    edition = Edition(brief, brief.meta.language if language is None else brief.meta.language.__class__(language))
    typesetter = Typesetter(FontBook(layout.theme.east_asian_family))
    logo = prepare_logo(layout.theme.logo, "logo.png", "logo", tmp or layout_path.parent)
    return layout, arrange_deck(edition, layout, typesetter, {}, logo=logo), arrange_page(edition, layout, typesetter,
                                                                                       logo=logo)


def overlaps(a, b) -> bool:
    return a.x < b.right and b.x < a.right and a.y < b.bottom and b.y < a.bottom


# placement ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("extends", ["default", "print", "compact"])
@pytest.mark.parametrize("place", ["corner", "footer"])
def test_a_logo_on_every_slide_sits_on_the_master_clear_of_everything_on_every_slide(tmp_path, extends, place):
    layout, deck, _ = arranged(logo_layout(tmp_path, extends, deck=f'logo = "{place}"'))
    assert len(deck.master_frames) == 1
    logo = deck.master_frames[0]
    assert (logo.role, logo.name.kind, logo.alt_text) == (FrameRole.IMAGE, Kind.LOGO, "hkbrief sample brief")
    assert logo.box.w / logo.box.h == pytest.approx(3.0, rel=0.01)
    size = deck.size
    assert 0 <= logo.box.x and logo.box.right <= size.w and 0 <= logo.box.y and logo.box.bottom <= size.h
    assert logo.box.h >= 24, "a logo on every slide must stay legible"
    for slide in deck.slides:
        for frame in slide.frames:
            assert frame.name.kind is not Kind.LOGO
            assert not overlaps(frame.box, logo.box), (slide.name, frame.name, frame.box, logo.box)


def test_a_title_slide_logo_is_on_the_title_slide_only(tmp_path):
    layout, deck, _ = arranged(logo_layout(tmp_path, deck='logo = "title"'))
    assert deck.master_frames == ()
    with_logo = [slide for slide in deck.slides if any(f.name.kind is Kind.LOGO for f in slide.frames)]
    assert [slide.name.kind for slide in with_logo] == [Kind.TITLE]
    logo = next(f for f in with_logo[0].frames if f.name.kind is Kind.LOGO)
    assert logo.box.h >= 30
    assert not any(overlaps(f.box, logo.box) for f in with_logo[0].frames if f is not logo)


def test_a_logo_the_layout_keeps_off_the_master_is_on_each_slide(tmp_path):
    layout, deck, _ = arranged(logo_layout(tmp_path, deck="logo_on_master = false"))
    assert deck.master_frames == ()
    assert all(sum(f.name.kind is Kind.LOGO for f in slide.frames) == 1 for slide in deck.slides)


def test_no_logo_when_the_layout_says_none(tmp_path):
    layout, deck, page = arranged(logo_layout(tmp_path, deck='logo = "none"', onepager='logo = "none"'))
    assert deck.master_frames == ()
    assert not any(f.name.kind is Kind.LOGO for s in deck.slides for f in s.frames)
    assert not any(f.name.kind is Kind.LOGO for f in page.frames)


@pytest.mark.parametrize("extends", ["default", "print", "compact"])
def test_the_one_pager_header_carries_the_logo_beside_the_title(tmp_path, extends):
    _, _, page = arranged(logo_layout(tmp_path, extends))
    [logo] = [f for f in page.frames if f.name.kind is Kind.LOGO]
    header = [f for f in page.frames if f.name.kind is Kind.HEADER and f.role is not FrameRole.SHAPE]
    assert header and not any(overlaps(f.box, logo.box) for f in header), [(f.name, f.box) for f in header]
    bands = [f for f in page.frames if f.name.kind is Kind.HEADER and f.role is FrameRole.SHAPE]
    assert all(f.box.bottom >= logo.box.bottom for f in bands if f.box.h > 5), "the band holds the logo"
    others = [f for f in page.frames if f.name.kind not in (Kind.HEADER, Kind.LOGO)]
    assert not any(overlaps(f.box, logo.box) for f in others)


def test_the_alt_text_is_the_layouts_when_given(tmp_path):
    _, deck, page = arranged(logo_layout(tmp_path, theme='logo_alt = "Brand Office logo"'))
    assert deck.master_frames[0].alt_text == "Brand Office logo"
    assert next(f for f in page.frames if f.name.kind is Kind.LOGO).alt_text == "Brand Office logo"


def test_a_footer_logo_needs_the_footer(tmp_path):
    path = logo_layout(tmp_path, deck='logo = "footer"\nfooter = false')
    result = CliRunner().invoke(main, ["build", str(CONTENT), "--layout", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert result.output.strip() == (f'{path}: deck.logo: "footer" needs the footer (deck.footer = true); use'
                                     ' "corner" or "title"')


# the files ----------------------------------------------------------------------------------------------------

def test_the_deck_draws_the_logo_on_the_slide_master_and_every_layout_shows_it(tmp_path):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    result = build(CONTENT, str(logo_layout(tmp_path)), tmp_path / "out")
    deck = Presentation(str(next(p for p in result.written if p.suffix == ".pptx")))
    master = deck.slide_master
    pictures = [s for s in master.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) == 1 and pictures[0].name == "logo"
    assert pictures[0]._element.nvPicPr.cNvPr.get("descr") == "hkbrief sample brief"
    logo = Image.open(io.BytesIO(pictures[0].image.blob))
    assert logo.mode == "RGBA" and logo.getpixel((logo.width - 1, 0))[3] == 0, "transparency kept"
    for slide in deck.slides:
        assert slide._element.get("showMasterSp") in (None, "1")
        assert slide.slide_layout._element.get("showMasterSp") in (None, "1")
        assert slide.slide_layout.slide_master is master
        assert not any(s.shape_type == MSO_SHAPE_TYPE.PICTURE for s in slide.shapes)


def test_the_one_pager_draws_the_logo_with_its_transparency(tmp_path):
    import pdfplumber

    result = build(CONTENT, str(logo_layout(tmp_path)), tmp_path / "out")
    with pdfplumber.open(next(p for p in result.written if p.suffix == ".pdf")) as pdf:
        [image] = pdf.pages[0].images
        assert image["srcsize"] == (480, 160)
        assert image["stream"].get("SMask") is not None, "the logo's alpha travels as a soft mask"


def test_an_exif_rotated_jpeg_logo_is_drawn_upright(tmp_path):
    image = Image.new("RGB", (300, 100), (11, 92, 107))
    exif = image.getexif()
    exif[0x0112] = 6  # rotate 90° clockwise to display: upright it is 100 wide, 300 tall
    (tmp_path / "brand").mkdir()
    image.save(tmp_path / "brand" / "logo.jpg", quality=95, exif=exif)
    prepared = prepare_logo(tmp_path / "brand" / "logo.jpg", "brand/logo.jpg", "x", tmp_path)
    assert (prepared.width, prepared.height) == (100, 300)


def _bomb(path: Path, width: int = 20_000, height: int = 20_000) -> None:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", zlib.compress(b"\x00" * (width + 1), 9))
                     + chunk(b"IEND", b""))


BAD_LOGOS = {
    "missing": (None, 'no such file "logo.png" (paths are relative to the layout file)'),
    "not an image": (lambda p: p.write_text("not a picture", encoding="utf-8"),
                     "is not an image Pillow can read (a text file with an image name?); use PNG or JPEG"),
    "too many pixels": (_bomb, "the image is 20000×20000 pixels; at most 40,000,000 pixels are accepted"),
    "empty": (lambda p: p.write_bytes(b""), "the image file is empty"),
}


@pytest.mark.parametrize("case", list(BAD_LOGOS))
def test_a_bad_logo_file_is_one_line_and_nothing_is_written(tmp_path, case):
    make, message = BAD_LOGOS[case]
    layout = tmp_path / "kit" / "logo.toml"
    layout.parent.mkdir()
    layout.write_text('extends = "default"\n[theme]\nlogo = "logo.png"\n', encoding="utf-8")
    if make is not None:
        make(layout.parent / "logo.png")
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(CONTENT), "--layout", str(layout), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert result.output.strip() == f"{layout}: theme.logo: {message}"
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


@pytest.mark.parametrize(("given", "message"), [
    ("../outside.png", '"../outside.png" is outside the layout file\'s folder (through .. or a symbolic link); put'
                       " the logo beside the layout"),
    ("/etc/logo.png", '"/etc/logo.png": give a path relative to the layout file, with /'),
    ("logo.svg", '"logo.svg": the logo must be a PNG or JPEG file (.png, .jpg, .jpeg)'),
])
def test_a_logo_path_must_stay_in_the_layouts_folder_and_be_a_raster(tmp_path, given, message):
    wordmark(tmp_path / "outside.png")
    layout = tmp_path / "kit" / "logo.toml"
    layout.parent.mkdir()
    layout.write_text(f'extends = "default"\n[theme]\nlogo = "{given}"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(CONTENT), "--layout", str(layout), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert result.output.strip() == f"{layout}: theme.logo: {message}"


def test_a_link_out_of_the_layout_folder_is_refused(tmp_path):
    wordmark(tmp_path / "elsewhere" / "logo.png")
    (tmp_path / "kit").mkdir()
    (tmp_path / "kit" / "logo.png").symlink_to(tmp_path / "elsewhere" / "logo.png")
    layout = tmp_path / "kit" / "logo.toml"
    layout.write_text('extends = "default"\n[theme]\nlogo = "logo.png"\n', encoding="utf-8")
    with pytest.raises(Exception) as caught:
        load_layout(str(layout))
    assert "is outside the layout file's folder" in str(caught.value)


def test_deck_logo_places_are_a_closed_set(tmp_path):
    path = logo_layout(tmp_path, deck='logo = "top-left"')
    result = CliRunner().invoke(main, ["build", str(CONTENT), "--layout", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "deck.logo" in result.output and '"top-left" is not allowed' in result.output
    assert {str(p) for p in DeckLogo} == {"corner", "footer", "title", "none"}


def test_the_slides_handout_draws_the_master_logo_on_every_page(tmp_path):
    import pdfplumber

    from hkbrief.render.slides_pdf import render_slides

    layout, deck, _ = arranged(logo_layout(tmp_path), tmp=tmp_path)
    handout = tmp_path / "handout.pdf"
    handout.write_bytes(render_slides(deck))
    logo = deck.master_frames[0].box
    with pdfplumber.open(handout) as pdf:
        assert len(pdf.pages) == len(deck.slides)
        for page in pdf.pages:
            assert any(abs(i["x0"] - logo.x) < 0.5 and abs(i["top"] - logo.y) < 0.5 for i in page.images)


def test_a_logo_on_a_template_with_artwork_of_its_own_says_so(tmp_path):
    """A template's master may carry its own logo; the build says so rather than stacking two logos silently."""
    import template_fixtures

    template_fixtures.branded(tmp_path / "brand.pptx")
    wordmark(tmp_path / "logo.png")
    layout = tmp_path / "t.toml"
    layout.write_text('extends = "default"\ntemplate = "brand.pptx"\n[theme]\nlogo = "logo.png"\n', encoding="utf-8")
    result = build(CONTENT, str(layout), tmp_path / "out")
    notes = [w for w in result.warnings if "theme.logo" in w]
    assert notes == [f"{layout}: theme.logo: the template's masters already show 2 picture(s) or shape(s) of their"
                     ' own; look that the logo does not sit on them, or set deck.logo = "none" to leave the'
                     " template's artwork alone"]
    from pptx import Presentation

    deck = Presentation(str(next(p for p in result.written if p.suffix == ".pptx")))
    assert any(shape.name == "logo" for master in deck.slide_masters for shape in master.shapes)
