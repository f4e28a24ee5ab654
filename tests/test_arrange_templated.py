"""A layout re-based on a template: the template's palette, fonts and placeholder sizes, readable on its slides."""

from __future__ import annotations

from pathlib import Path

import pytest

import template_fixtures as fixtures
from hkbrief.arrange.templated import adapt_layout, palette, template_deck
from hkbrief.errors import LayoutError
from hkbrief.layoutspec import Role, SlideKind, TemplateChoice, Weight, builtin_layout_names, contrast_ratio, \
    load_layout
from hkbrief.template import read_template


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("templated")


@pytest.fixture(scope="module")
def brand(made):
    return read_template(fixtures.branded(made / "brand.pptx"))


@pytest.fixture(scope="module")
def stock(made):
    return read_template(fixtures.stock(made / "stock.pptx"))


def test_palette_comes_from_the_theme_and_reads_on_the_content_background(brand):
    deck = template_deck(brand, None)
    colours = palette(deck)
    assert colours["background"] == "#FFFFFF"
    assert colours["text"] == "#" + fixtures.BRAND_COLORS["dk1"]
    # the brand orange (D9531E) is 3.9:1 on white: deepened, keeping its hue, until small text reads
    assert colours["accent"] != "#D9531E" and colours["accent"].startswith("#")
    for name in ("text", "muted", "accent"):
        assert contrast_ratio(colours[name], colours["background"]) >= 4.5, name
        assert contrast_ratio(colours[name], colours["surface"]) >= 4.5, name
    assert contrast_ratio(colours["on_accent"], colours["accent"]) >= 4.5


@pytest.mark.parametrize("layout_name", builtin_layout_names())
def test_every_builtin_layout_adapts_to_each_template(layout_name, brand, stock):
    for template in (brand, stock):
        deck = template_deck(template, None)
        adapted = adapt_layout(load_layout(layout_name), deck)
        roles = adapted.deck.roles
        title = deck.slide(SlideKind.SECTIONS).title.look
        body = deck.slide(SlideKind.SECTIONS).body.look
        assert roles[Role.TITLE].size == title.size and roles[Role.BODY].size <= body.size
        assert roles[Role.TITLE].family == title.latin and roles[Role.BODY].family == body.latin
        assert roles[Role.TITLE].weight is (Weight.BOLD if title.bold else Weight.REGULAR)
        for role, style in roles.items():
            needed = 3.0 if style.min_size >= 18 else 4.5
            assert contrast_ratio(style.color, style.on) >= needed, (layout_name, role)


def test_brand_fonts_become_heading_and_body_families(brand):
    adapted = adapt_layout(load_layout("default"), template_deck(brand, None))
    assert adapted.deck.roles[Role.STAT_VALUE].family == "Cambria"
    assert adapted.deck.roles[Role.STAT_LABEL].family == "Arial"


def test_a_font_without_metrics_is_an_error_naming_it_and_the_fix(made):
    def segoe(name: str, data: bytes) -> bytes:
        if name == "ppt/theme/theme1.xml":
            return data.replace(b'<a:latin typeface="Calibri"/>', b'<a:latin typeface="Segoe UI"/>')
        return data

    template = read_template(fixtures.rewrite_parts(fixtures.stock(made / "s.pptx"), made / "segoe.pptx", segoe))
    with pytest.raises(LayoutError) as raised:
        adapt_layout(load_layout("default"), template_deck(template, None))
    message = str(raised.value)
    assert '"Segoe UI"' in message and "[template.fonts]" in message and "font file" in message
    choice = TemplateChoice(template.path, "brand.toml: template", fonts={"Segoe UI": "Arial"})
    adapted = adapt_layout(load_layout("default"), template_deck(template, choice), choice)
    assert adapted.deck.roles[Role.BODY].family == "Arial"


def test_layout_names_in_the_layout_file_win_and_unknown_ones_are_errors(brand):
    choice = TemplateChoice(brand.path, "brand.toml: template", layouts={SlideKind.STATS: "Empty"})
    assert template_deck(brand, choice).slide(SlideKind.STATS).layout.name == "Empty"
    wrong = TemplateChoice(brand.path, "brand.toml: template", layouts={SlideKind.STATS: "Headlines"})
    with pytest.raises(LayoutError) as raised:
        template_deck(brand, wrong)
    assert "brand.toml: template.layouts.stats" in str(raised.value) and '"Headline"' in str(raised.value)


def test_a_template_without_title_placeholders_says_so_once(made):
    def strip_titles(name: str, data: bytes) -> bytes:
        if name.startswith("ppt/slideLayouts/slideLayout") and name.endswith(".xml"):
            return data.replace(b'type="title"', b'type="body"').replace(b'type="ctrTitle"', b'type="body"')
        return data

    template = read_template(fixtures.rewrite_parts(fixtures.stock(made / "t.pptx"), made / "untitled.pptx",
                                                    strip_titles))
    deck = template_deck(template, None)
    assert len(deck.messages) == 1 and "draws the slide titles itself" in deck.messages[0]
    assert all(slide.title is None for slide in deck.slides.values())
