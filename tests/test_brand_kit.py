"""The brand kit end to end: a layout with its own fonts (DejaVu Serif headings, DejaVu Sans body text, AR PL UMing HK
for Chinese), a logo and a print palette of its own (a dark deck, a white one-pager) builds the example brief in
English and Traditional Chinese; the PDF embeds those fonts (pdffonts), the deck names them, LibreOffice, drawing
the deck with the same fonts, draws nothing outside its box, and the logo is on every slide and on the one-pager."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from hkbrief.build import build
from hkbrief.layoutspec import load_layout
from hkbrief.model import Language

from conftest import CONTENT, brand_kit, brand_kit_folder, require_tool, system_font
import fitcheck


@dataclass(frozen=True)
class BrandBuild:
    layout: Path
    pptx: dict[Language, Path]
    pdf: dict[Language, Path]


@pytest.fixture(scope="module")
def brand(tmp_path_factory) -> BrandBuild:
    folder = tmp_path_factory.mktemp("brand")
    layout = brand_kit(folder / "kit")
    pptx, pdf = {}, {}
    for language in (Language.EN, Language.ZH_HANT):
        result = build(CONTENT, str(layout), folder / "out", language=language)
        pptx[language] = next(p for p in result.written if p.suffix == ".pptx")
        pdf[language] = next(p for p in result.written if p.suffix == ".pdf")
    return BrandBuild(layout, pptx, pdf)


def pdffonts(path: Path) -> list[tuple[str, str, str]]:
    """(font name without the subset tag, type, embedded) for each font poppler finds in the PDF."""
    tool = require_tool("pdffonts")
    out = subprocess.run([tool, str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    rows = []
    for line in out[2:]:
        fields = line.split()
        name = fields[0].split("+", 1)[-1]
        embedded = fields[-5]
        rows.append((name, fields[1], embedded))
    return rows


@pytest.mark.parametrize("language", [Language.EN, Language.ZH_HANT], ids=str)
def test_the_one_pager_embeds_the_layouts_own_fonts(brand, language):
    rows = pdffonts(brand.pdf[language])
    names = {name for name, _, _ in rows}
    assert all(kind == "TrueType" and embedded == "yes" for _, kind, embedded in rows), rows
    assert {"DejaVuSerif-Bold", "DejaVuSans"} <= names, names
    assert not any(name.startswith(("Liberation", "Carlito", "Caladea", "NotoSansTC")) for name in names), names
    if language is Language.ZH_HANT:
        assert any(name.startswith("UMingHK") for name in names), names


def test_the_chinese_one_pager_is_drawn_in_face_1_of_the_collection(brand):
    """Face 1 of uming.ttc is AR PL UMing HK; the PDF must carry that face, not the collection's first (CN)."""
    from pypdf import PdfReader

    reader = PdfReader(brand.pdf[Language.ZH_HANT])
    base_fonts = set()
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        base_fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert any(name.startswith("UMingHK") for name in base_fonts), base_fonts
    assert not any(name.startswith("UMingCN") for name in base_fonts), base_fonts
    text = reader.pages[0].extract_text()
    assert "香港" in text


@pytest.mark.parametrize("language", [Language.EN, Language.ZH_HANT], ids=str)
def test_the_deck_names_the_layouts_fonts(brand, language):
    latin, east_asian = fitcheck.deck_font_families(brand.pptx[language])
    assert {"DejaVu Serif", "DejaVu Sans"} <= latin, latin
    assert east_asian == {"AR PL UMing HK"}, east_asian


@pytest.fixture(scope="module")
def drawn_by_libreoffice(brand, tmp_path_factory) -> dict[Language, Path]:
    soffice = require_tool("soffice")
    stage = tmp_path_factory.mktemp("brand-decks")
    decks = []
    for language, deck in brand.pptx.items():
        target = stage / f"brand-{language}.pptx"
        target.write_bytes(deck.read_bytes())
        fitcheck.assert_fonts_available(target)
        decks.append(target)
    pdfs = fitcheck.convert_with_libreoffice(soffice, decks, tmp_path_factory.mktemp("brand-lo"))
    return dict(zip(brand.pptx, pdfs))


@pytest.mark.parametrize("language", [Language.EN, Language.ZH_HANT], ids=str)
def test_libreoffice_draws_the_brand_deck_inside_its_boxes(brand, drawn_by_libreoffice, language):
    fitcheck.assert_deck_fits(brand.pptx[language], drawn_by_libreoffice[language])


@pytest.mark.parametrize("language", [Language.EN, Language.ZH_HANT], ids=str)
def test_the_brand_one_pager_is_one_page_inside_its_margins(brand, language):
    layout = load_layout(str(brand.layout))
    m = layout.onepager.margins
    fitcheck.assert_onepager_fits(brand.pdf[language], (m.top, m.right, m.bottom, m.left))


@pytest.mark.parametrize("language", [Language.EN, Language.ZH_HANT], ids=str)
def test_libreoffice_shows_the_logo_on_every_slide(brand, drawn_by_libreoffice, language):
    """The logo lives on the slide master; LibreOffice draws it on every page, at the planned corner."""
    import pdfplumber
    from pptx import Presentation

    deck = Presentation(str(brand.pptx[language]))
    [picture] = [s for s in deck.slide_master.shapes if s.name == "logo"]
    left, top = picture.left / 12_700, picture.top / 12_700
    with pdfplumber.open(drawn_by_libreoffice[language]) as pdf:
        assert len(pdf.pages) == len(deck.slides)
        for number, page in enumerate(pdf.pages, start=1):
            near = [i for i in page.images if abs(i["x0"] - left) < 2 and abs(i["top"] - top) < 2]
            assert near, f"slide {number}: no logo at ({left:.0f}, {top:.0f}): {[(i['x0'], i['top']) for i in page.images]}"


@pytest.mark.parametrize("language", [Language.EN, Language.ZH_HANT], ids=str)
def test_the_one_pager_carries_the_logo_on_white_paper(brand, language):
    import pdfplumber

    with pdfplumber.open(brand.pdf[language]) as pdf:
        page = pdf.pages[0]
        assert [image["srcsize"] for image in page.images] == [(480, 160)]
        full = [r for r in page.rects if r["width"] >= page.width - 1 and r["height"] >= page.height - 1]
        assert full and tuple(full[0]["non_stroking_color"]) == (1, 1, 1), "the print palette's white paper"


def test_the_deck_keeps_the_dark_brand_colours(brand):
    from pptx import Presentation

    deck = Presentation(str(brand.pptx[Language.EN]))
    assert {str(slide.background.fill.fore_color.rgb) for slide in deck.slides} == {"0F2530"}


def _wider(font: bytes, extra_units: int) -> bytes:
    """The font with every advance width ``extra_units`` wider, saved by fontTools as a font editor saves a new
    version of the same face (same names, new table checksums)."""
    import io

    from fontTools.ttLib import TTFont

    face = TTFont(io.BytesIO(font))
    hmtx = face["hmtx"]
    hmtx.metrics = {glyph: (advance + extra_units, bearing) for glyph, (advance, bearing) in hmtx.metrics.items()}
    saved = io.BytesIO()
    face.save(saved)
    return saved.getvalue()


@pytest.fixture(scope="module")
def wider_dejavu_sans() -> bytes:
    return _wider(system_font("DejaVuSans.ttf").read_bytes(), 300)


def _body_text_as_drawn(pdf: Path, font: bytes) -> tuple[list[float], list[float]]:
    """For the one-pager's characters in DejaVu Sans (the body text): how far each one's PDF width (its /Widths
    entry) and its distance to the next character on its line (where it is drawn) are from the advance ``font``
    gives it, in points; ``font`` is the font file the PDF should have been drawn with."""
    import io

    import pdfplumber
    from fontTools.ttLib import TTFont

    face = TTFont(io.BytesIO(font))
    cmap, hmtx, units = face.getBestCmap(), face["hmtx"].metrics, face["head"].unitsPerEm
    with pdfplumber.open(pdf) as document:
        chars = [c for c in document.pages[0].chars if c["fontname"].split("+")[-1] == "DejaVuSans"]
    widths, steps = [], []
    for char, following in zip(chars, chars[1:] + [None]):
        advance = hmtx[cmap[ord(char["text"])]][0] / units * char["size"]
        widths.append(char["x1"] - char["x0"] - advance)
        if following is not None and abs(following["top"] - char["top"]) < 0.01 and following["x0"] > char["x0"]:
            steps.append(following["x0"] - char["x0"] - advance)
    assert len(widths) > 200 and len(steps) > 200, (len(widths), len(steps))
    return widths, steps


def _build_pdf(layout: Path, out: Path) -> Path:
    result = build(CONTENT, str(layout), out, formats=("pdf",), language=Language.EN)
    return next(p for p in result.written if p.suffix == ".pdf")


def _own_copy(layout: Path, name: str, data: bytes) -> Path:
    """The layout's font file ``name`` as a file of its own (not a link) holding ``data``."""
    font = layout.parent / "fonts" / name
    font.unlink()
    font.write_bytes(data)
    return font


def test_two_brand_kits_whose_fonts_share_a_name_each_embed_their_own(tmp_path, wider_dejavu_sans):
    """A batch (or a watch session switching layouts) builds brand kits one after the other in one process. Kit A
    brings a wider version of DejaVu Sans (the same PostScript name, DejaVuSans), kits B and C the installed one:
    each PDF is drawn with its own kit's file. reportlab's registerFont would register B's font as the face of that
    name registered first (A's): B's body text came out in A's widths, and C was refused ("already registered")."""
    wide = brand_kit_folder(tmp_path / "a")
    _own_copy(wide, "DejaVuSans.ttf", wider_dejavu_sans)
    original = system_font("DejaVuSans.ttf").read_bytes()
    for layout, font in ((wide, wider_dejavu_sans), (brand_kit_folder(tmp_path / "b"), original),
                         (brand_kit_folder(tmp_path / "c"), original)):
        widths, steps = _body_text_as_drawn(_build_pdf(layout, layout.parent / "out"), font)
        assert max(map(abs, widths)) < 0.01, layout
        assert max(map(abs, steps)) < 0.01, layout


def test_a_brand_font_saved_again_in_one_process_is_drawn_with_its_new_widths(tmp_path, wider_dejavu_sans):
    """A watch session that built another brand kit first: the designer saves the body font again, in place,
    with wider advances; the next PDF's widths and the positions its characters are drawn at are the new file's."""
    _build_pdf(brand_kit_folder(tmp_path / "other"), tmp_path / "other" / "out")
    layout = brand_kit_folder(tmp_path / "kit")
    original = system_font("DejaVuSans.ttf").read_bytes()
    body = _own_copy(layout, "DejaVuSans.ttf", original)
    before = _build_pdf(layout, tmp_path / "before")
    with open(body, "r+b") as handle:  # in place: the same file (inode), as an editor saving over it
        handle.write(wider_dejavu_sans)
        handle.truncate()
    after = _build_pdf(layout, tmp_path / "after")

    widths, steps = _body_text_as_drawn(after, wider_dejavu_sans)
    assert max(map(abs, widths)) < 0.01
    assert max(map(abs, steps)) < 0.01
    old_widths, _ = _body_text_as_drawn(before, original)
    assert max(map(abs, old_widths)) < 0.01


def test_a_font_file_saved_again_with_other_widths_gets_a_face_of_its_own(tmp_path):
    """In one process (a watch session), a brand font saved again under the same name with other advance widths
    is another face: it gets a new PDF name, so the PDF writer registers the new file instead of reusing the face
    it registered before (whose name was made from the file's place alone)."""
    layout = brand_kit_folder(tmp_path)
    body = tmp_path / "fonts" / "DejaVuSans.ttf"
    original = system_font("DejaVuSans.ttf").read_bytes()
    body.unlink()
    body.write_bytes(original)  # a file of its own, not a link
    first = load_layout(str(layout)).fonts["DejaVu Sans"].regular
    body.write_bytes(_wider(original, 100))
    second = load_layout(str(layout)).fonts["DejaVu Sans"].regular
    assert second.pdf_name != first.pdf_name
    assert second.metrics.width("Hong Kong", 10) > first.metrics.width("Hong Kong", 10)
    body.write_bytes(original)
    assert load_layout(str(layout)).fonts["DejaVu Sans"].regular.pdf_name == first.pdf_name


def test_the_same_brand_kit_kept_in_another_folder_gives_the_same_pdf(tmp_path):
    """A brand kit copied to another place (a colleague's machine, a shared drive) prints the same PDF, byte for
    byte: its faces are named after their content, not after where their files are."""
    pdfs = []
    for place in ("mine", "a colleague's copy"):
        layout = brand_kit_folder(tmp_path / place)
        for link in (layout.parent / "fonts").glob("DejaVu*.ttf"):
            _own_copy(layout, link.name, link.resolve().read_bytes())
        pdfs.append(_build_pdf(layout, tmp_path / place / "out").read_bytes())
    assert pdfs[0] == pdfs[1]
