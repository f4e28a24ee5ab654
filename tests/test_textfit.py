"""Font metrics: the bundled fonts, their licences, and widths a reader of the deck or PDF would notice."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hkbrief import textfit
from hkbrief.errors import LayoutError
from hkbrief.textfit import FontStack, Style

ROOT = Path(__file__).resolve().parents[1]
BUNDLED_TTFS = sorted(textfit.FONTS_DIR.glob("*/*.ttf"))
CJK_PUNCTUATION = "，。、；：？！「」『』（）《》〈〉【】〔〕…—～　·"


def load_tool(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def big5_hkscs_han() -> list[str]:
    """Every Han character Python's ``big5hkscs`` codec decodes (Big5 plus HKSCS-2004)."""
    import unicodedata

    found = []
    for lead in range(0x81, 0xFF):
        for trail in [*range(0x40, 0x7F), *range(0xA1, 0xFF)]:
            try:
                ch = bytes((lead, trail)).decode("big5hkscs")
            except UnicodeDecodeError:
                continue
            if len(ch) == 1 and unicodedata.name(ch, "").startswith(("CJK UNIFIED", "CJK COMPATIBILITY IDEOGRAPH")):
                found.append(ch)
    return found


def fonttools_width(ttf: Path, text: str, size: float) -> float:
    from fontTools.ttLib import TTFont

    font = TTFont(ttf, lazy=True)
    cmap = font.getBestCmap()
    hmtx = font["hmtx"].metrics
    return sum(hmtx[cmap[ord(ch)]][0] for ch in text) * size / font["head"].unitsPerEm


# The catalogue


@pytest.mark.parametrize(
    ("office", "bundled"),
    [
        ("Arial", "Liberation Sans"),
        ("Times New Roman", "Liberation Serif"),
        ("Courier New", "Liberation Mono"),
        ("Calibri", "Carlito"),
        ("Cambria", "Caladea"),
        ("Microsoft JhengHei", "Noto Sans TC"),
    ],
)
def test_office_fonts_map_to_their_bundled_clones(office, bundled):
    assert textfit.find_family(office).name == bundled
    assert textfit.find_family(f"  {office.upper()} ") is textfit.find_family(office)
    assert textfit.find_family(bundled).office_family == office


@pytest.mark.parametrize(
    ("alias", "bundled"),
    [("Helvetica", "Liberation Sans"), ("Arimo", "Liberation Sans"), ("Tinos", "Liberation Serif"),
     ("Cousine", "Liberation Mono"), ("liberation serif", "Liberation Serif")],
)
def test_aliases_with_the_same_widths_map_to_the_clone(alias, bundled):
    assert textfit.metric_clone(alias).name == bundled
    assert textfit.find_family(alias) is textfit.metric_clone(alias)


def test_the_metric_clones_are_the_ones_office_users_expect():
    expected = {"Helvetica": "Liberation Sans", "Arial": "Liberation Sans", "Times New Roman": "Liberation Serif",
                "Courier New": "Liberation Mono", "Calibri": "Carlito", "Cambria": "Caladea",
                "Microsoft JhengHei": "Noto Sans TC"}
    assert {name: textfit.metric_clone(name).name for name in expected} == expected
    assert textfit.metric_clone("Georgia") is None and textfit.metric_clone("") is None


def test_times_new_roman_and_courier_new_clones_have_their_widths():
    # Courier New is monospaced at 0.6 em (1229 of 2048 units); Liberation Mono keeps that for every character
    mono = textfit.LIBERATION_MONO.metrics()
    assert {mono.advance(ch) for ch in "iW .,mM0"} == {1229}
    # Times New Roman's "Hong Kong" at 10 pt: H 1479, o 1024, n 1024, g 1024, space 512, K 1479 (of 2048 units)
    serif = textfit.LIBERATION_SERIF.metrics()
    assert serif.width("Hong Kong", 10) == pytest.approx((1479 * 2 + 1024 * 6 + 512) * 10 / 2048)


def test_unknown_font_is_a_layout_error_naming_the_fonts_it_knows():
    with pytest.raises(LayoutError) as raised:
        textfit.find_family("Comic Sans MS", where="layouts/x.toml: theme.font")
    message = str(raised.value)
    assert message.startswith("layouts/x.toml: theme.font: unknown font 'Comic Sans MS'")
    assert "Arial" in message and "Microsoft JhengHei" in message


def test_every_family_file_exists_with_metrics_and_distinct_pdf_names():
    names = set()
    for family in textfit.FAMILIES:
        for style in Style:
            assert family.path(style).is_file()
            names.add((family.pdf_name(style), family.path(style)))
        for path in family.files():
            assert (textfit.METRICS_DIR / f"{path.stem}.json").is_file()
    assert len({name for name, _ in names}) == len({path for _, path in names})


def test_missing_styles_fall_back_to_the_closest_face():
    noto = textfit.NOTO_SANS_TC
    assert noto.path(Style.ITALIC).name == "NotoSansTC-Regular.ttf"
    assert noto.path(Style.BOLD_ITALIC).name == "NotoSansTC-Bold.ttf"
    assert textfit.CARLITO.path(Style.BOLD_ITALIC).name == "Carlito-BoldItalic.ttf"
    assert Style.of(bold=True, italic=True) is Style.BOLD_ITALIC and Style.BOLD_ITALIC.bold


# The files: licences, reportlab, coverage


def test_every_bundled_ttf_has_a_licence_file_next_to_it():
    assert len(BUNDLED_TTFS) == 22
    for ttf in BUNDLED_TTFS:
        licences = [ttf.parent / name for name in ("LICENSE", "OFL.txt") if (ttf.parent / name).is_file()]
        assert licences, f"{ttf.parent.name} has no licence file"
        text = licences[0].read_text(encoding="utf-8")
        assert "SIL OPEN FONT LICENSE Version 1.1" in text
        assert "copyright" in text.splitlines()[0].lower()
    for family in textfit.FAMILIES:
        assert family.licence_path().is_file()


def test_fonts_readme_lists_every_family():
    readme = (textfit.FONTS_DIR / "README.md").read_text(encoding="utf-8")
    for family in textfit.FAMILIES:
        assert family.name in readme and family.office_family in readme and f"`{family.folder}/`" in readme
    assert (textfit.FONTS_DIR / "noto-sans-tc" / "README.md").is_file()


@pytest.mark.parametrize("ttf", BUNDLED_TTFS, ids=lambda path: path.name)
def test_reportlab_embeds_each_ttf(ttf):
    from reportlab.pdfbase.ttfonts import TTFont

    font = TTFont(f"test-{ttf.stem}", str(ttf))
    assert font.face.unitsPerEm > 0


def test_chinese_drawn_with_noto_sans_tc_comes_back_out_of_the_pdf():
    """The instanced font embeds, and its cmap survives subsetting: a reader can search and copy the text."""
    from pypdf import PdfReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    text = "香港特別行政區「高才通」計劃，吸引環球專才。"
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    for style in (Style.REGULAR, Style.BOLD):
        name = f"test-{textfit.NOTO_SANS_TC.pdf_name(style)}"
        pdfmetrics.registerFont(TTFont(name, str(textfit.NOTO_SANS_TC.path(style))))
        canvas.setFont(name, 14)
        canvas.drawString(72, 700 - 40 * (style is Style.BOLD), text)
    canvas.save()
    extracted = PdfReader(io.BytesIO(buffer.getvalue())).pages[0].extract_text()
    assert extracted.count(text) == 2


def test_noto_sans_tc_instances_are_named_as_static_regular_and_bold():
    from fontTools.ttLib import TTFont

    for style, weight in (("Regular", 400), ("Bold", 700)):
        font = TTFont(textfit.FONTS_DIR / "noto-sans-tc" / f"NotoSansTC-{style}.ttf", lazy=True)
        assert "glyf" in font and "CFF " not in font and "fvar" not in font
        assert font["name"].getDebugName(1) == "Noto Sans TC"
        assert font["name"].getDebugName(2) == style
        assert font["name"].getDebugName(6) == f"NotoSansTC-{style}"
        assert font["OS/2"].usWeightClass == weight


@pytest.mark.parametrize("style", [Style.REGULAR, Style.BOLD])
def test_noto_sans_tc_covers_big5_hkscs_han_and_cjk_punctuation_one_em_each(style):
    noto = textfit.NOTO_SANS_TC.metrics(style)
    han = big5_hkscs_han()
    assert len(han) > 17_000
    assert [ch for ch in han if not noto.covers(ch)] == []
    assert {noto.advance(ch) for ch in han} == {noto.units_per_em}
    assert noto.missing(CJK_PUNCTUATION) == []


# Widths


def test_arial_metric_width_of_a_known_string():
    """Arial's advances: H 1479, e 1139, l 455, o 1139 (of 2048); Liberation Sans has the same."""
    arial = textfit.find_family("Arial").metrics()
    assert arial.width("Hello", 12) == pytest.approx((1479 + 1139 + 455 + 455 + 1139) * 12 / 2048)


@pytest.mark.parametrize("ttf", BUNDLED_TTFS, ids=lambda path: path.name)
def test_widths_match_the_fonttools_hmtx_sum(ttf):
    metrics = textfit.load_metrics(ttf.name)
    text = "Hong Kong 2025: talent & trade, HK$10bn (+3.5%) — “quoted”"
    if "NotoSansTC" in ttf.name:
        text += "香港特別行政區「高才通」計劃，吸引環球專才。"
    assert metrics.missing(text) == []
    assert metrics.width(text, 11.5) == pytest.approx(fonttools_width(ttf, text, 11.5), abs=1e-9)


def test_han_characters_are_one_em_wide():
    stack = textfit.font_stack("Arial")
    assert stack.width("香港特別行政區", 10) == pytest.approx(70)
    assert textfit.NOTO_SANS_TC.metrics(Style.BOLD).width("國際金融中心", 24) == pytest.approx(144)


def test_missing_characters_are_reported_once_and_measured_as_the_missing_glyph_box():
    liberation = textfit.LIBERATION_SANS.metrics()
    assert liberation.missing("香港\n香港 ok") == ["香", "港"]
    assert liberation.width("香", 10) == pytest.approx(liberation.missing_advance * 10 / 2048)
    stack = textfit.font_stack("Arial")
    assert stack.missing("Hong Kong 香港 \U0001f600 한글\n") == ["\U0001f600", "한", "글"]
    assert stack.covers("港") and not stack.covers("\U0001f600")


def test_vertical_metrics_follow_libreoffice():
    liberation = textfit.LIBERATION_SANS.metrics()
    assert (liberation.ascent, liberation.descent, liberation.line_gap) == (1854, 434, 67)
    caladea = textfit.CALADEA.metrics()  # sets USE_TYPO_METRICS, so the typo values win
    assert (caladea.ascent, caladea.descent, caladea.line_gap) == (900, 250, 0)
    carlito = textfit.CARLITO.metrics()
    assert carlito.line_height(10) == pytest.approx(2500 / 2048 * 10)  # Calibri's familiar 1.22 em
    assert carlito.win_ascent + carlito.win_descent == 2500


# Font stacks


def test_segments_split_by_coverage_and_keep_spaces_and_punctuation_with_their_run():
    stack = textfit.font_stack("Arial")
    assert stack.segments("Hong Kong 香港 is「國際」city，really.") == [
        ("Hong Kong ", 0),
        ("香港 ", 1),
        ("is", 0),
        ("「國際」", 1),
        ("city", 0),
        ("，", 1),
        ("really.", 0),
    ]
    assert stack.segments("香港 中文") == [("香港 中文", 1)]
    assert stack.segments(" (香港)") == [(" (香港)", 1)]
    assert stack.segments("Plain English.") == [("Plain English.", 0)]
    assert stack.segments("") == []


def test_stack_width_is_the_sum_of_its_segments_in_their_fonts():
    stack = textfit.font_stack("Calibri", Style.BOLD)
    text = "政府推出 Top Talent Pass Scheme（高才通），吸引 global talent 來港。"
    expected = sum(stack.fonts[index].width(part, 13) for part, index in stack.segments(text))
    assert stack.width(text, 13) == pytest.approx(expected)
    assert stack.measure(13)(text) == stack.width(text, 13)
    assert "".join(part for part, _ in stack.segments(text)) == text


def test_a_stack_needs_a_font():
    with pytest.raises(ValueError):
        FontStack([])


# Metrics files and speed


def test_metrics_files_match_the_ttfs():
    tool = load_tool("make_font_metrics")
    for ttf in BUNDLED_TTFS:
        stored = tool.metrics_path(ttf, textfit.FONTS_DIR)
        assert stored.read_text(encoding="utf-8") == tool.render(tool.metrics_from_ttf(ttf, textfit.FONTS_DIR)), (
            f"{stored.name} is stale: run python tools/make_font_metrics.py"
        )
    assert {path.stem for path in textfit.METRICS_DIR.glob("*.json")} == {ttf.stem for ttf in BUNDLED_TTFS}


def test_every_character_the_ttf_maps_is_measured_as_the_ttf_says():
    from fontTools.ttLib import TTFont

    ttf = textfit.NOTO_SANS_TC.path()
    font = TTFont(ttf, lazy=True)
    hmtx = font["hmtx"].metrics
    expected = {chr(cp): hmtx[glyph][0] for cp, glyph in font.getBestCmap().items()}
    metrics = textfit.FontMetrics.from_json(
        json.loads((textfit.METRICS_DIR / f"{ttf.stem}.json").read_text(encoding="utf-8"))
    )
    assert {ch: metrics.advance(ch) for ch in metrics.characters()} == expected


def test_measuring_needs_neither_fonttools_nor_reportlab():
    """Measuring reads the precomputed metrics tables: importing fontTools (~0.1 s) or reportlab's TTF parser would
    cost more than the whole arrangement (benchmarks/run.py has the figures)."""
    script = (
        "import sys\n"
        "from hkbrief import textfit\n"
        "stack = textfit.font_stack('Arial', textfit.Style.BOLD)\n"
        "assert stack.width('Hong Kong 香港', 12) > 0\n"
        "heavy = sorted(name for name in ('fontTools', 'reportlab') if name in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert result.stdout.strip() == "", f"measuring imported {result.stdout.strip()}"


def test_the_fonts_setting_a_text_include_every_font_any_of_its_lines_is_set_in():
    """A paragraph's line height comes from fonts_setting, however it breaks: every line's runs (segments) are
    in those fonts, wherever the line starts (a line that opens with punctuation, a digit or a space)."""
    text = "香港（Hong Kong）2024年：「創科」100億港元，逾8,700萬 — 第二大 (second) …%"
    stack = textfit.font_stack("Calibri")
    fonts = stack.fonts_setting(text)
    assert fonts == {0, 1}  # Latin for the English and digits, Noto Sans TC for the Han
    for start in range(len(text)):
        for stop in range(start + 1, len(text) + 1):
            assert {index for _, index in stack.segments(text[start:stop])} <= fonts
    assert stack.fonts_setting("Hong Kong") == {0}
    assert stack.fonts_setting("香港創科") == {1}
