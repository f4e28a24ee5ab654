"""The bilingual edition (``--lang bilingual``): both languages in both outputs, each in its own language and font.

Every built-in layout is built from the bundled brief; the deck is reopened with python-pptx and the one-pager read
with poppler's pdftotext and pypdf. The LibreOffice fit judge and the one-page checks run on these builds too, in
``test_build_outputs`` (its content cases include the bilingual edition).
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from pptx import Presentation

from hkbrief.build import OutputFormat, build
from hkbrief.layoutspec import (BilingualDeck, BilingualPage, Role, builtin_layout_dir, builtin_layout_names,
                                load_layout)
from hkbrief.model import BILINGUAL, Language

from conftest import CONTENT, require_tool

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LAYOUTS = builtin_layout_names()
EXAMPLE = json.loads(CONTENT.read_text(encoding="utf-8"))
TITLES = (EXAMPLE["meta"]["title"]["en"], EXAMPLE["meta"]["title"]["zh-Hant"])


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, tuple]:
    """The bilingual deck and one-pager of the bundled brief, per built-in layout."""
    made = {}
    for layout in LAYOUTS:
        out = tmp_path_factory.mktemp(f"bilingual-{layout}")
        result = build(CONTENT, layout, out, language=BILINGUAL)
        pptx_path = next(p for p in result.written if p.suffix == ".pptx")
        pdf_path = next(p for p in result.written if p.suffix == ".pdf")
        made[layout] = (result, pptx_path, pdf_path)
    return made


def paragraphs(slide):
    for shape in slide.shapes:
        if shape.has_text_frame:
            for paragraph in shape.text_frame.paragraphs:
                text = "".join(run.text for run in paragraph.runs)
                if text.strip():
                    yield text, paragraph


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_outputs_are_named_bilingual_and_carry_both_titles(layout, built):
    result, pptx_path, pdf_path = built[layout]
    assert "-bilingual" in pptx_path.stem and "-bilingual" in pdf_path.stem
    slides = list(Presentation(pptx_path).slides)
    if load_layout(layout).deck.bilingual is BilingualDeck.STACKED:
        slides = slides[:1]  # both on the title slide
    texts = [text for slide in slides for text, _ in paragraphs(slide)]
    for title in TITLES:
        assert any(squeeze(title) in squeeze(text) for text in texts), (title, texts)
    pdftotext = require_tool("pdftotext")
    printed = squeeze(subprocess.run([pdftotext, "-layout", str(pdf_path), "-"], capture_output=True, text=True,
                                     check=True).stdout)
    for title in TITLES:
        assert squeeze(title) in printed, title


@pytest.mark.parametrize("layout", LAYOUTS)
def test_chinese_runs_are_tagged_zh_hk_and_english_runs_english(layout, built):
    _, pptx_path, _ = built[layout]
    chinese = english = 0
    for slide in Presentation(pptx_path).slides:
        for text, paragraph in paragraphs(slide):
            for run in paragraph.runs:
                properties = run._r.find(f"{A}rPr")
                lang = properties.get("lang")
                if HAN.search(text):
                    assert lang == "zh-HK", (text, lang)
                    assert properties.find(f"{A}ea").get("typeface") == load_layout(layout).theme.east_asian_family
                    chinese += 1
                elif re.search(r"[A-Za-z]{3}", text):
                    assert lang.startswith("en"), (text, lang)
                    english += 1
    assert chinese > 20 and english > 20


def test_stacked_slides_carry_each_bullet_in_both_languages(built):
    _, pptx_path, _ = built["default"]
    section = EXAMPLE["sections"][0]
    texts = [text for slide in Presentation(pptx_path).slides for text, _ in paragraphs(slide)]
    for bullet in section["bullets"][:2]:
        english = next(i for i, text in enumerate(texts) if squeeze(bullet["en"]) == squeeze(text))
        assert squeeze(texts[english + 1]) == squeeze(bullet["zh-Hant"])  # the Chinese right under the English


@pytest.mark.parametrize("layout", [name for name in LAYOUTS
                                    if load_layout(name).deck.bilingual is BilingualDeck.STACKED])
def test_stacked_slide_titles_keep_the_title_size(layout, built):
    """A content slide's title box holds a line of each language at the title role's size: Chinese needs a
    taller line than the role's spacing gives English, and a box two English lines tall set every bilingual
    title smaller (25 pt for 30 in the default layout)."""
    _, pptx_path, _ = built[layout]
    size = load_layout(layout).deck.roles[Role.TITLE].size
    titles = [shape for slide in list(Presentation(pptx_path).slides)[1:] for shape in slide.shapes
              if shape.name.endswith("/title")]
    assert len(titles) > 10
    for shape in titles:
        lines = [paragraph for paragraph in shape.text_frame.paragraphs if paragraph.runs]
        assert len(lines) == 2 and HAN.search(lines[1].runs[0].text)
        sizes = {run.font.size.pt for paragraph in lines for run in paragraph.runs}
        assert sizes == {size}, (shape.name, sizes)


def test_halves_put_every_english_slide_before_every_chinese_one(built, tmp_path):
    layout = next(name for name in LAYOUTS if load_layout(name).deck.bilingual is BilingualDeck.HALVES)
    _, pptx_path, _ = built[layout]
    slides = list(Presentation(pptx_path).slides)
    english = build(CONTENT, layout, tmp_path / "en", (OutputFormat.PPTX,), language=Language.EN)
    assert len(slides) == 2 * english.slides
    first, second = slides[: english.slides], slides[english.slides:]
    assert not any(HAN.search(text) for slide in first for text, _ in paragraphs(slide))
    assert all(any(HAN.search(text) for text, _ in paragraphs(slide)) for slide in second)
    numbers = [int(field.findtext(f"{A}t")) for slide in slides for shape in slide.shapes
               for field in shape._element.iter(f"{A}fld")]
    assert numbers == list(range(2, english.slides + 1)) + list(range(english.slides + 2, len(slides) + 1))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_built_in_layout_documents_its_bilingual_deck(layout):
    text = (builtin_layout_dir() / f"{layout}.toml").read_text(encoding="utf-8")
    if layout != "compact":  # compact extends default and inherits its choice and comment
        assert re.search(r'^bilingual = "(stacked|halves)"', text, re.MULTILINE), layout
    assert load_layout(layout).deck.bilingual in BilingualDeck


def test_a_missing_translation_shows_the_english_once_and_is_counted(content_data, write_json, tmp_path):
    content_data["sections"][0]["bullets"][0] = content_data["sections"][0]["bullets"][0]["en"]
    path = write_json(content_data)
    result = build(path, "default", tmp_path / "out", (OutputFormat.PPTX,), language=BILINGUAL)
    assert "bilingual edition: 1 field not translated" in result.fallbacks
    texts = [text for slide in Presentation(result.written[0]).slides for text, _ in paragraphs(slide)]
    bullets = content_data["sections"][0]["bullets"]
    at = next(i for i, text in enumerate(texts) if squeeze(bullets[0]) == squeeze(text))
    assert squeeze(texts[at + 1]) == squeeze(bullets[1]["en"])  # no Chinese line under the untranslated bullet


@pytest.mark.parametrize(("table", "value"), [("deck", "sideways"), ("onepager", "halves")])
def test_an_unknown_bilingual_arrangement_names_the_file_and_key(table, value, tmp_path):
    from hkbrief.errors import LayoutError

    path = tmp_path / "mine.toml"
    path.write_text(f'extends = "default"\n[{table}]\nbilingual = "{value}"\n', encoding="utf-8")
    with pytest.raises(LayoutError) as caught:
        load_layout(str(path))
    assert f'mine.toml: {table}.bilingual: "{value}" is not allowed' in str(caught.value)


# -- the one-pager side by side (onepager.bilingual = "columns") ----------------------------------------------------

COLUMNS = [name for name in LAYOUTS if load_layout(name).onepager.bilingual is BilingualPage.COLUMNS]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_built_in_layout_documents_its_bilingual_one_pager(layout):
    text = (builtin_layout_dir() / f"{layout}.toml").read_text(encoding="utf-8")
    onepager = text.split("\n[onepager]\n", 1)[1].split("\n[", 1)[0]
    found = re.search(r'((?:^#.*\n)+)(?:^[a-z_]+ = .*\n)*?^bilingual = "(stacked|columns)"', onepager, re.MULTILINE)
    assert found, f"{layout}: no commented onepager.bilingual"
    comment = found.group(1)
    assert "stacked" in comment and "columns" in comment, comment  # both choices named, and why this one
    assert load_layout(layout).onepager.bilingual is BilingualPage(found.group(2))


def test_a_built_in_layout_sets_its_bilingual_one_pager_side_by_side():
    assert COLUMNS


def chars_of(page, needle: str) -> list[dict]:
    """The characters pdfplumber read for ``needle``, found in drawing order (whitespace, case and apostrophe
    style aside)."""
    chars = [c for c in page.chars if not c["text"].isspace()]
    drawn = "".join(c["text"] for c in chars).replace("\u2019", "'").casefold()
    wanted = squeeze(needle).replace("\u2019", "'").casefold()
    at = drawn.find(wanted)
    assert at >= 0, f"{needle[:40]!r} is not on the one-pager"
    return chars[at:at + len(wanted)]


@pytest.mark.parametrize("layout", COLUMNS)
def test_side_by_side_one_pager_sets_each_language_in_its_own_column(layout, built):
    pdfplumber = pytest.importorskip("pdfplumber")
    result, _, pdf_path = built[layout]
    assert not [item for item in result.omitted if item.startswith("section:")]  # figures may go, no section
    with pdfplumber.open(str(pdf_path)) as document:
        assert len(document.pages) == 1
        [page] = document.pages
        lefts, rights, tops = [], [], []
        for section in EXAMPLE["sections"]:
            english = chars_of(page, section["heading"]["en"]) + chars_of(page, section["summary"]["en"])
            chinese = chars_of(page, section["heading"]["zh-Hant"]) + chars_of(page, section["summary"]["zh-Hant"])
            lefts.append(max(c["x1"] for c in english))
            rights.append(min(c["x0"] for c in chinese))
            tops.append((english[0]["bottom"], chinese[0]["bottom"]))
            assert all("NotoSansTC" in c["fontname"] for c in chinese if HAN.search(c["text"]))
            assert not any("NotoSansTC" in c["fontname"] for c in english)
        # every English section left of every Chinese one, the gutter between them, near the middle of the page
        assert max(lefts) + load_layout(layout).onepager.gutter <= min(rights) + 1
        assert page.width * 0.35 < min(rights) < page.width * 0.65
        # each pair's headings on one level (their baselines within a point or two, the fonts' descents aside)
        assert all(abs(en - zh) < 2 for en, zh in tops), tops
        # the figures and the quotations once, shared above or below the columns
        text = "".join(c["text"] for c in page.chars if not c["text"].isspace())
        for quote in EXAMPLE["quotes"][:1]:
            assert text.count(squeeze(quote["text"])[:40]) == 1
    pdftotext = require_tool("pdftotext")
    printed = subprocess.run([pdftotext, "-layout", str(pdf_path), "-"], capture_output=True, text=True,
                             check=True).stdout
    for title in TITLES:
        assert squeeze(title) in squeeze(printed), title

