"""The plans, before anything is drawn: every line fits its box, every box fits its slide or page, and the
decisions a reader sees (slide order, continuation, one-line stat values, what the one-pager leaves out) hold."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from hkbrief import linebreak, typography
from hkbrief.arrange import Edition, FontBook, Typesetter, arrange_deck, arrange_page
from hkbrief.arrange.text import WRAP_SAFETY
from hkbrief.content import load_brief
from hkbrief.errors import FitError
from hkbrief.geometry import A4, LETTER, SLIDE_4_3, SLIDE_16_9, Box
from hkbrief.layoutspec import (
    BilingualPage,
    FitPolicy,
    FitTarget,
    Layout,
    Paper,
    Role,
    SlideKind,
    SlideSize,
    FontStyle,
    RoleStyle,
    Weight,
    builtin_layout_names,
    contrast_ratio,
    load_layout,
)
from hkbrief.colour import Colour
from hkbrief.model import FeatureKind, Language
from hkbrief.plan import DeckPlan, Frame, FrameRole, Kind, Name, PagePlan, Span
from hkbrief.textfit import load_metrics

from conftest import CONTENT

LAYOUTS = builtin_layout_names()
LANGUAGES = list(Language)
EPS = 0.01  # points: rounding, nothing more

LONG_EN = ("Hong Kong's universities, research institutes and science parks together train tens of thousands of "
           "engineers and researchers every year, many of whom go on to found start-ups of their own")
LONG_ZH = ("香港的大學、研究所和科學園每年合共培訓數以萬計的工程師及研究人員，"
           "當中不少人其後創立初創企業，推動本地創新科技生態持續發展")


# helpers ----------------------------------------------------------------------------------------------------------

def typesetter(layout: Layout) -> Typesetter:
    return Typesetter(FontBook(layout.theme.east_asian_family))


def deck_of(brief, layout: Layout, language: Language) -> DeckPlan:
    return arrange_deck(Edition(brief, language), layout, typesetter(layout))


def page_of(brief, layout: Layout, language: Language, strict: bool = False) -> PagePlan:
    return arrange_page(Edition(brief, language), layout, typesetter(layout), None, strict)


@cache
def sample_brief():
    return load_brief(CONTENT)


@cache
def sample_deck(name: str, language: Language) -> DeckPlan:
    return deck_of(sample_brief(), load_layout(name), language)


@cache
def sample_page(name: str, language: Language) -> PagePlan:
    return page_of(sample_brief(), load_layout(name), language)


def brief_from(tmp_path: Path, data: dict):
    path = tmp_path / "content.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return load_brief(path)


def layout_from(tmp_path: Path, text: str, name: str = "custom") -> Layout:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return load_layout(str(path))


def line_text(line) -> str:
    return "".join(span.text for span in line.spans)


def metrics(span: Span):
    return load_metrics(Path(span.face.pdf_file).name)


def text_frames(frames) -> list[Frame]:
    return [f for f in frames if f.paragraphs]


def width_problems(frame: Frame, where: str) -> list[str]:
    """Every planned line of a text frame is no wider than the frame's content box (widths measured again here)."""
    problems = []
    inner = frame.box.inset(frame.insets)
    for p_index, paragraph in enumerate(frame.paragraphs):
        size = paragraph.style.size
        for l_index, line in enumerate(paragraph.lines):
            at = f"{where} {frame.name} paragraph {p_index} line {l_index} {line_text(line)!r}"
            measured = sum(metrics(span).width(span.text, size) for span in line.spans)
            if abs(measured - line.width) > 0.05:
                problems.append(f"{at}: planned width {line.width:.2f} but its spans measure {measured:.2f}")
            right = line.x + max(line.width, measured)
            if line.x < -EPS or right > inner.w + EPS:
                problems.append(f"{at}: spans x {line.x:.2f}..{right:.2f}, content width {inner.w:.2f}")
    return problems


def height_problems(frame: Frame, where: str) -> list[str]:
    """The last baseline plus the descent of the fonts on that line lies inside the frame's content height."""
    problems = []
    inner = frame.box.inset(frame.insets)
    lines = [(paragraph.style.size, line) for paragraph in frame.paragraphs for line in paragraph.lines]
    if not lines:
        return problems
    size, last = max(lines, key=lambda item: item[1].baseline)
    descent = max((metrics(span).descender(size) for span in last.spans if span.text), default=0.0)
    if last.baseline + descent > inner.h + EPS:
        problems.append(f"{where} {frame.name} last line {line_text(last)!r} at {size:g} pt: baseline"
                        f" {last.baseline:.2f} + descent {descent:.2f} = {last.baseline + descent:.2f} > content"
                        f" height {inner.h:.2f}")
    return problems


def frame_problems(frame: Frame, where: str) -> list[str]:
    return width_problems(frame, where) + height_problems(frame, where)


def deck_problems(deck: DeckPlan, check) -> list[str]:
    return [p for number, slide in enumerate(deck.slides, start=1)
            for frame in text_frames(slide.frames) for p in check(frame, f"slide {number} ({slide.name})")]


def outside_slide(deck: DeckPlan) -> list[str]:
    slide_box = Box(0, 0, deck.size.w, deck.size.h)
    return [f"slide {number} ({slide.name}) {frame.name}: {frame.box} is not inside the slide {deck.size}"
            for number, slide in enumerate(deck.slides, start=1) for frame in slide.frames
            if not slide_box.contains(frame.box)]


def all_deck_problems(deck: DeckPlan) -> list[str]:
    return outside_slide(deck) + deck_problems(deck, frame_problems)


def page_content(layout: Layout, page: PagePlan) -> Box:
    m = layout.onepager.margins
    return Box(m.left, m.top, page.size.w - m.left - m.right, page.size.h - m.top - m.bottom)


def slide_kind(name: Name) -> SlideKind:
    return {Kind.TITLE: SlideKind.TITLE, Kind.AGENDA: SlideKind.AGENDA, Kind.SECTION: SlideKind.SECTIONS,
            Kind.STATS: SlideKind.STATS, Kind.QUOTE: SlideKind.QUOTES, Kind.SOURCES: SlideKind.SOURCES,
            Kind.CLOSING: SlideKind.CLOSING}[name.kind]


def stat_frames(frames) -> list[Frame]:
    return [f for f in frames if f.name.kind is Kind.STAT and not f.name.part and f.paragraphs]


def name_of(ref) -> Name:
    """The frame name a featured item is drawn under: ``stat:hkd-10bn`` -> Name(STAT, "hkd-10bn")."""
    return Name(Kind(str(ref.kind)), ref.id)


def is_body_of(name: Name, section) -> bool:
    return name.kind is Kind.SECTION and name.id == section.id and name.part == "body"


def many_bullets(data: dict, count: int = 14) -> dict:
    data = copy.deepcopy(data)
    data["sections"][0]["bullets"] = [{"en": f"{i + 1}. {LONG_EN}", "zh-Hant": f"{i + 1}. {LONG_ZH}"}
                                      for i in range(count)]
    return data


# every built-in layout, both languages ----------------------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", LAYOUTS)
def test_deck_every_frame_lies_inside_its_slide(name, language):
    deck = sample_deck(name, language)
    expected = SLIDE_16_9 if load_layout(name).deck.size is SlideSize.WIDE else SLIDE_4_3
    assert deck.size == expected
    assert deck.slides
    problems = outside_slide(deck)
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", LAYOUTS)
def test_deck_every_line_fits_the_width_of_its_frame(name, language):
    problems = deck_problems(sample_deck(name, language), width_problems)
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", LAYOUTS)
def test_deck_last_line_fits_the_height_of_its_frame(name, language):
    problems = deck_problems(sample_deck(name, language), height_problems)
    assert not problems, f"{len(problems)} frames:\n" + "\n".join(problems[:20])


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", LAYOUTS)
def test_deck_shows_every_stat_once_as_a_named_frame(name, language):
    deck = sample_deck(name, language)
    names = [f.name for slide in deck.slides for f in stat_frames(slide.frames)]
    for stat in sample_brief().stats:
        wanted = Name(Kind.STAT, stat.id)
        assert names.count(wanted) == 1, f"stat:{stat.id} appears {names.count(wanted)} times"
        frame = next(f for slide in deck.slides for f in slide.frames if f.name == wanted)
        shown = " ".join(line_text(line) for p in frame.paragraphs for line in p.lines)
        assert Edition(sample_brief(), language).t(stat.value) in shown


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", LAYOUTS)
def test_deck_slide_order_follows_the_layout_sequence(name, language):
    layout = load_layout(name)
    deck = sample_deck(name, language)
    names = [s.name for s in deck.slides]
    assert names[0] == Name(Kind.TITLE)
    sequence = list(layout.deck.sequence)
    positions = [sequence.index(slide_kind(n)) for n in names]
    assert positions == sorted(positions), f"slides out of the layout's order: {names}"
    sections = [n.id for n in names if n.kind is Kind.SECTION and not n.sheet]
    assert sections == [s.id for s in sample_brief().sections]
    if SlideKind.SOURCES in sequence:
        after_sources = sequence[sequence.index(SlideKind.SOURCES) + 1:]
        index = names.index(Name(Kind.SOURCES))
        assert all(slide_kind(n) in after_sources for n in names[index + 1:])
        assert len(names) - 1 - index <= len(after_sources)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", LAYOUTS)
def test_onepager_frames_stay_inside_the_margins(name, language):
    layout = load_layout(name)
    page = sample_page(name, language)
    assert page.size == (A4 if layout.onepager.paper is Paper.A4 else LETTER)
    content = page_content(layout, page)
    problems = [f"{f.name}: {f.box} outside the margins {content}" for f in page.frames if not content.contains(f.box)]
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", LAYOUTS)
def test_onepager_every_line_fits_the_width_of_its_frame(name, language):
    problems = [p for f in text_frames(sample_page(name, language).frames) for p in width_problems(f, "one-pager")]
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", LAYOUTS)
def test_onepager_last_line_fits_the_height_of_its_frame(name, language):
    problems = [p for f in text_frames(sample_page(name, language).frames) for p in height_problems(f, "one-pager")]
    assert not problems, f"{len(problems)} frames:\n" + "\n".join(problems[:20])


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", LAYOUTS)
def test_onepager_shows_every_section_and_its_featured_stats(name, language):
    page = sample_page(name, language)
    names = {f.name for f in page.frames}
    brief = sample_brief()
    omitted = set(page.omitted)
    for section in brief.sections:
        assert Name(Kind.SECTION, section.id, "summary") in names or f"section:{section.id}" in omitted
    layout = load_layout(name)
    featured_stats = [f for f in brief.featured if f.kind is FeatureKind.STAT][: layout.onepager.max_stats]
    for ref in featured_stats:
        assert (name_of(ref) in names) != (str(ref) in omitted)


# the bilingual one-pager, stacked and side by side -----------------------------------------------------------------

COLUMNS = next(name for name in LAYOUTS if load_layout(name).onepager.bilingual is BilingualPage.COLUMNS)


def bilingual_page_of(brief, layout: Layout, strict: bool = False) -> PagePlan:
    edition = Edition(brief, Language.EN, second=Language.ZH_HANT)
    return arrange_page(edition, layout, typesetter(layout), None, strict)


def overlapping(frames) -> list[str]:
    """Text frames whose boxes overlap (by more than rounding)."""
    boxes = [(f.name, f.box) for f in text_frames(frames)]
    return [f"{a} and {b} overlap" for i, (a, one) in enumerate(boxes) for b, other in boxes[i + 1:]
            if min(one.right, other.right) - max(one.x, other.x) > EPS
            and min(one.bottom, other.bottom) - max(one.y, other.y) > EPS]


def language_pairs(page: PagePlan, brief) -> list[tuple[Frame, Frame]]:
    frames = {f.name: f for f in page.frames}
    return [(frames[Name(Kind.SECTION, s.id, "summary")], frames[Name(Kind.SECTION, s.id, "summary-zh-hant")])
            for s in brief.sections if f"section:{s.id}" not in page.omitted]


@pytest.mark.parametrize("name", LAYOUTS)
def test_bilingual_onepager_frames_fit_inside_the_margins_without_overlapping(name):
    layout = load_layout(name)
    page = bilingual_page_of(sample_brief(), layout)
    content = page_content(layout, page)
    problems = [f"{f.name}: {f.box} outside the margins {content}" for f in page.frames if not content.contains(f.box)]
    problems += [p for f in text_frames(page.frames) for p in frame_problems(f, "one-pager")]
    problems += overlapping(page.frames)
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("name", [n for n in LAYOUTS if load_layout(n).onepager.bilingual is BilingualPage.STACKED])
def test_stacked_onepager_sets_each_heading_and_summary_with_its_chinese_under_it(name):
    brief = sample_brief()
    page = bilingual_page_of(brief, load_layout(name))
    for section in brief.sections:
        if f"section:{section.id}" in page.omitted:
            continue
        pieces = [f for f in page.frames if f.name.kind is Kind.SECTION and f.name.id == section.id]
        paragraphs = [p for f in sorted(pieces, key=lambda f: f.name.piece) for p in f.paragraphs]
        langs = [p.lang for p in paragraphs]
        chinese = "".join(p.text for p in paragraphs if p.lang == "zh-HK")
        assert section.heading.by_language[Language.ZH_HANT] in chinese, (name, section.id)
        # the summary's Chinese may be split between columns: its pieces are its text, as written
        assert section.summary.by_language[Language.ZH_HANT] in chinese, (name, section.id)
        assert langs[:2] == ["en-GB", "zh-HK"] and langs[-1] == "zh-HK", (name, section.id, langs)


@pytest.mark.parametrize("language", LANGUAGES, ids=str)
def test_a_summary_split_between_columns_keeps_its_text_as_written(language):
    """The print one-pager carries two summaries over to the next column; the pieces' texts, put back
    together, are the summary: nothing added where a Chinese line was broken, one space where an English one was."""
    brief = sample_brief()
    page = page_of(brief, load_layout("print"), language)
    split = 0
    for section in brief.sections:
        pieces = sorted((f for f in page.frames if f.name.kind is Kind.SECTION and f.name.id == section.id),
                        key=lambda f: f.name.piece)
        summary = typography.typeset(section.summary.resolve(language, brief.meta.language))
        texts = [p.text for f in pieces for p in f.paragraphs if p.text in summary or summary.startswith(p.text)]
        if len(texts) > 1:
            split += 1
            assert ("" if language is Language.ZH_HANT else " ").join(texts) == summary, section.id
    assert split >= 2


@pytest.mark.parametrize("layout_name", [n for n in LAYOUTS if load_layout(n).onepager.bilingual is BilingualPage.COLUMNS])
def test_side_by_side_heights_by_share_are_those_of_setting_every_share(layout_name):
    """language_share sets a section only where its height may change with the share; every height it fills in
    must be the one setting the section at that share gives, on long and short summaries at every scale."""
    from hkbrief.arrange import page as page_module
    from hkbrief.content import brief_from_json

    layout = load_layout(layout_name)
    shares = sorted(page_module.language_shares())
    stress = json.loads((CONTENT.parent / "tests" / "data" / "stress.json").read_text(encoding="utf-8"))
    compared = 0
    for data in (json.loads(CONTENT.read_text(encoding="utf-8")), stress):
        brief = brief_from_json(data, "brief.json")
        edition = Edition(brief, Language.EN, "brief.json", Language.ZH_HANT)
        for scale in (1.0, 0.88, 0.76, 0.684, 1.2):
            page = page_module.PageContext.of(edition, layout, typesetter(layout), None)
            editions = page.editions()
            for section in brief.sections:
                found = page_module._heights_by_share(page, section, shares, scale, editions)
                fresh = page_module.PageContext.of(edition, layout, typesetter(layout), None)
                for index, language in enumerate(editions):
                    every = [fresh.section_height(section, fresh.language_widths(share)[index], scale, language)
                             for share in shares]
                    assert found[index] == every, (section.id, scale, index)
                    compared += len(shares)
    assert compared >= 1_000


def test_side_by_side_sections_start_level_each_in_its_own_language_and_font():
    brief = sample_brief()
    layout = load_layout(COLUMNS)
    page = bilingual_page_of(brief, layout)
    content = page_content(layout, page)
    pairs = language_pairs(page, brief)
    assert len(pairs) == len(brief.sections)  # every section kept (a full page may leave figures out)
    for (en, zh), section in zip(pairs, brief.sections):
        assert abs(en.box.y - zh.box.y) < EPS, section.id  # each pair starts level
        assert en.box.right + layout.onepager.gutter <= zh.box.x + EPS
        english = " ".join(p.text for p in en.paragraphs)
        chinese = "".join(p.text for p in zh.paragraphs)
        assert section.summary.by_language[Language.ZH_HANT] in chinese and not HAN.search(english)
        assert {p.lang for p in en.paragraphs} == {"en-GB"} and {p.lang for p in zh.paragraphs} == {"zh-HK"}
        han = [span for p in zh.paragraphs for line in p.lines for span in line.spans if HAN.search(span.text)]
        assert han and all(Path(span.face.pdf_file).name.startswith("NotoSansTC") for span in han)
    # the two columns span the page's width, and the next pair starts under the taller of the one before
    assert abs(pairs[0][0].box.x - content.x) < EPS and abs(pairs[0][1].box.right - content.right) < EPS
    for (en, zh), (next_en, _) in zip(pairs, pairs[1:]):
        assert next_en.box.y >= max(en.box.bottom, zh.box.bottom) - EPS
    # the wider English column keeps the pairs level: the Chinese column is no more than a line short in any pair
    line = layout.onepager.roles[Role.BODY].size * layout.onepager.roles[Role.BODY].line_spacing * 1.5
    assert all(abs(en.box.h - zh.box.h) <= line for en, zh in pairs), [(en.box.h, zh.box.h) for en, zh in pairs]


def test_side_by_side_shows_the_figures_and_quotations_once():
    brief = sample_brief()
    page = bilingual_page_of(brief, load_layout(COLUMNS))
    stats = [f for f in page.frames if f.name.kind is Kind.STAT and not f.name.part]
    quotes = [f for f in page.frames if f.name.kind is Kind.QUOTE and not f.name.part]
    assert stats and quotes
    assert len({f.name for f in stats}) == len(stats) and len({f.name for f in quotes}) == len(quotes)
    for frame in quotes:
        quote = brief.quote(frame.name.id)
        assert frame.paragraphs[0].lang == "en-GB"  # as spoken, never translated
        assert quote.text.by_language[Language.EN].strip('"“”') in frame.paragraphs[0].text


def test_side_by_side_leaves_out_the_lowest_priority_figures_first_and_says_so(tmp_path, content_data):
    brief = huge_brief(tmp_path, content_data)
    layout = load_layout(COLUMNS)
    page = bilingual_page_of(brief, layout)
    assert page.omitted, "the test brief should be too long for one page"
    stats = [f for f in brief.featured if f.kind is FeatureKind.STAT][: layout.onepager.max_stats]
    quotes = [f for f in brief.featured if f.kind is FeatureKind.QUOTE][: layout.onepager.max_quotes]
    lowest_first = [str(f) for f in reversed([f for f in brief.featured if f in stats or f in quotes])]
    lowest_first += [f"section:{s.id}" for s in reversed(brief.sections)]
    assert list(page.omitted) == lowest_first[: len(page.omitted)]
    assert [m for m in page.messages if "left out" in m] == \
        [f"one-pager: left out {item} to keep it to one page" for item in page.omitted]
    names = {f.name for f in page.frames}
    assert not any(name_of(ref) in names for ref in brief.featured if str(ref) in page.omitted)
    content = page_content(layout, page)
    assert all(content.contains(f.box) for f in page.frames)
    problems = [p for f in text_frames(page.frames) for p in frame_problems(f, "one-pager")] + \
        overlapping(page.frames)
    assert not problems, "\n".join(problems[:20])
    assert language_pairs(page, brief)  # the sections kept are still side by side
    with pytest.raises(FitError):
        bilingual_page_of(brief, layout, strict=True)


def test_side_by_side_stacks_instead_and_says_why_when_summaries_are_not_translated(tmp_path, content_data):
    for index in (1, 2):
        section = content_data["sections"][index]
        section["summary"] = section["summary"]["en"]
    brief = brief_from(tmp_path, content_data)
    page = bilingual_page_of(brief, load_layout(COLUMNS))
    assert not any(f.name.part == "summary-zh-hant" for f in page.frames)  # no column repeating the English
    shown = [p.text.replace("\u2019", "'") for f in page.frames if f.name.kind is Kind.SECTION for p in f.paragraphs]
    opening = brief.sections[1].summary.by_language[Language.EN][:40]
    assert sum(text.startswith(opening) for text in shown) == 1
    assert [m for m in page.messages if "side by side" in m] == [
        "one-pager: stacked, not side by side as the layout's onepager.bilingual asks: 2 section summaries have no"
        " Traditional Chinese (sections[1].summary, sections[2].summary)"]


def test_a_single_language_edition_ignores_the_side_by_side_choice():
    layout = load_layout(COLUMNS)
    page = sample_page(COLUMNS, Language.EN)
    assert not any(f.name.part == "summary-zh-hant" for f in page.frames)
    xs = {round(f.box.x) for f in page.frames if f.name.kind is Kind.SECTION}
    assert len(xs) == layout.onepager.columns  # the layout's own columns


# Chinese text ----------------------------------------------------------------------------------------------------

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@pytest.mark.parametrize("name", LAYOUTS)
def test_chinese_lines_use_noto_for_han_and_the_latin_face_for_latin(name):
    deck = sample_deck(name, Language.ZH_HANT)
    page = sample_page(name, Language.ZH_HANT)
    frames = [f for s in deck.slides for f in text_frames(s.frames)] + text_frames(page.frames)
    han_spans = latin_spans = 0
    problems = []
    for frame in frames:
        for paragraph in frame.paragraphs:
            for line in paragraph.lines:
                for span in line.spans:
                    file = Path(span.face.pdf_file).name
                    has_han = bool(HAN.search(span.text))
                    has_latin = any(ch.isascii() and ch.isalnum() for ch in span.text)
                    if has_han and has_latin:
                        problems.append(f"{frame.name}: one span mixes Han and Latin: {span.text!r}")
                    elif has_han:
                        han_spans += 1
                        if not file.startswith("NotoSansTC"):
                            problems.append(f"{frame.name}: Han span {span.text!r} drawn with {file}")
                    elif has_latin:
                        latin_spans += 1
                        if file.startswith("NotoSansTC"):
                            problems.append(f"{frame.name}: Latin span {span.text!r} drawn with {file}")
                    if span.face.east_asian_family != "Microsoft JhengHei":
                        problems.append(f"{frame.name}: east Asian family {span.face.east_asian_family}")
    assert not problems, "\n".join(problems[:20])
    assert han_spans > 50 and latin_spans > 5  # the edition really mixes the two scripts


def test_mixed_line_spans_follow_each_other_without_gaps():
    deck = sample_deck("default", Language.ZH_HANT)
    checked = 0
    for slide in deck.slides:
        for frame in text_frames(slide.frames):
            for paragraph in frame.paragraphs:
                for line in paragraph.lines:
                    if len(line.spans) < 2:
                        continue
                    checked += 1
                    x = 0.0
                    for span in line.spans:
                        assert span.x == pytest.approx(x, abs=0.01), (frame.name, line_text(line))
                        x += metrics(span).width(span.text, paragraph.style.size)
    assert checked > 0


# continuation -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("language", "suffix"), [(Language.EN, " (cont.)"), (Language.ZH_HANT, "（續）")])
@pytest.mark.parametrize("name", LAYOUTS)
def test_a_long_section_continues_on_further_slides(tmp_path, content_data, name, language, suffix):
    brief = brief_from(tmp_path, many_bullets(content_data))
    section = brief.sections[0]
    edition = Edition(brief, language)
    deck = deck_of(brief, load_layout(name), language)
    slides = [s for s in deck.slides if s.name.kind is Kind.SECTION and s.name.id == section.id]
    assert len(slides) >= 2
    assert [s.name for s in slides] == [Name(Kind.SECTION, section.id)] + [Name(Kind.SECTION, section.id, sheet=i)
                                                                          for i in range(2, len(slides) + 1)]
    names = [s.name for s in deck.slides]
    first = names.index(slides[0].name)
    assert names[first:first + len(slides)] == [s.name for s in slides]  # one after the other
    heading = edition.t(section.heading)
    for part, slide in enumerate(slides):
        title = next(f for f in slide.frames if f.role is FrameRole.TITLE)
        text = "".join(p.text for p in title.paragraphs)
        assert text == (heading if part == 0 else heading + suffix)
    # every word of every bullet is shown once, in order, across the slides
    shown = []
    for slide in slides:
        body = [f for f in slide.frames if is_body_of(f.name, section)]
        assert len(body) == 1
        shown += [p.text for p in body[0].paragraphs]
    wanted = [edition.t(b) for b in section.bullets]
    if language is Language.EN:
        assert " ".join(shown).split() == " ".join(wanted).split()
    else:
        assert re.sub(r"\s", "", "".join(shown)) == re.sub(r"\s", "", "".join(wanted))
    problems = [p for number, slide in enumerate(deck.slides, start=1) for f in slide.frames
                if is_body_of(f.name, section) for p in frame_problems(f, f"slide {number}")]
    assert not problems, "\n".join(problems[:20])


# stat values -------------------------------------------------------------------------------------------------------

def test_a_long_stat_value_on_a_narrow_card_stays_on_one_line_smaller(tmp_path, content_data):
    data = copy.deepcopy(content_data)
    data["stats"][0]["value"] = "HK$12,345,678,900"
    brief = brief_from(tmp_path, data)
    layout = layout_from(tmp_path, 'extends = "default"\n[deck]\nstats = "grid"\nstats_per_slide = 6\n')
    role = layout.deck.roles[Role.STAT_VALUE]
    ts = typesetter(layout)
    deck = arrange_deck(Edition(brief, Language.EN), layout, ts)
    frame = next(f for s in deck.slides for f in s.frames if f.name == Name(Kind.STAT, brief.stats[0].id))
    value = frame.paragraphs[0]
    inner = frame.box.inset(frame.insets)
    assert ts.width("HK$12,345,678,900", role, role.size) > inner.w  # too wide at full size: the test means it
    assert ts.width("HK$12,345,678,900", role, role.min_size) < inner.w * 0.9  # but fits at the minimum
    assert [line_text(line) for line in value.lines] == ["HK$12,345,678,900"]
    assert role.min_size <= value.style.size < role.size
    assert not frame_problems(frame, "stats slide")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", LAYOUTS)
def test_stat_values_that_fit_on_one_line_are_on_one_line(name, language):
    layout = load_layout(name)
    ts = typesetter(layout)
    plans = [("deck", layout.deck.roles[Role.STAT_VALUE], [f for s in sample_deck(name, language).slides
                                                          for f in stat_frames(s.frames)]),
             ("one-pager", layout.onepager.roles[Role.STAT_VALUE], stat_frames(sample_page(name, language).frames))]
    for where, role, frames in plans:
        assert frames
        for frame in frames:
            value = frame.paragraphs[0]
            inner = frame.box.inset(frame.insets)
            if ts.width(value.text, role, role.min_size) <= inner.w * 0.9:
                assert len(value.lines) == 1, (where, frame.name, [line_text(x) for x in value.lines])


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", LAYOUTS)
def test_stat_values_on_one_slide_share_one_size(name, language):
    deck = sample_deck(name, language)
    stats_slides = [s for s in deck.slides if slide_kind(s.name) is SlideKind.STATS]
    assert stats_slides
    for slide in stats_slides:
        sizes = {f.paragraphs[0].style.size for f in stat_frames(slide.frames)}
        assert len(sizes) == 1, f"{slide.name}: value sizes {sizes}"
    page_sizes = {f.paragraphs[0].style.size for f in stat_frames(sample_page(name, language).frames)}
    assert len(page_sizes) <= 1, f"one-pager value sizes {page_sizes}"


def first_baselines(frame: Frame) -> tuple[float, float]:
    """Where a stat card's value and its label start on the slide or page: their first baselines."""
    top = frame.box.y + frame.insets.top
    return top + frame.paragraphs[0].lines[0].baseline, top + frame.paragraphs[1].lines[0].baseline


def rows_of(frames: list[Frame]) -> list[list[Frame]]:
    """Stat text frames grouped by the top and height of their card: one list per row (a lead figure, as tall as
    the rows beside it, is a row of its own)."""
    rows: dict[tuple[float, float], list[Frame]] = {}
    for frame in frames:
        rows.setdefault((round(frame.box.y, 1), round(frame.box.h, 1)), []).append(frame)
    return list(rows.values())


@pytest.mark.parametrize("language", [*LANGUAGES, "bilingual"])
@pytest.mark.parametrize("name", LAYOUTS)
def test_stat_values_and_labels_of_a_row_start_level_on_the_stats_slides(name, language):
    """Labels of different lengths no longer move their values: every row's values share one baseline, and
    its labels start at one height under them, in cards of one height."""
    if language == "bilingual":
        deck = arrange_deck(Edition(sample_brief(), Language.EN, second=Language.ZH_HANT), load_layout(name),
                            typesetter(load_layout(name)))
    else:
        deck = sample_deck(name, language)
    rows = [row for slide in deck.slides if slide_kind(slide.name) is SlideKind.STATS
            for row in rows_of(stat_frames(slide.frames))]
    assert any(len(row) > 1 for row in rows)
    for row in rows:
        values = {round(first_baselines(frame)[0], 2) for frame in row}
        labels = {round(first_baselines(frame)[1], 2) for frame in row}
        heights = {round(frame.box.h, 2) for frame in row}
        assert len(values) == 1 and len(labels) == 1 and len(heights) == 1, (
            [str(f.name) for f in row], values, labels, heights)


@pytest.mark.parametrize("language", [*LANGUAGES, "bilingual"])
def test_every_stats_slide_of_a_grid_fills_the_grid_s_height(language):
    """13 figures in a 2 x 2 grid go 4, 3, 3, 3: three cards are a lead figure beside two, as tall as the full
    grid, not one row with a quarter of the slide blank under it."""
    if language == "bilingual":
        deck = arrange_deck(Edition(sample_brief(), Language.EN, second=Language.ZH_HANT), load_layout("default"),
                            typesetter(load_layout("default")))
    else:
        deck = sample_deck("default", language)
    slides = [slide for slide in deck.slides if slide_kind(slide.name) is SlideKind.STATS]
    assert len(slides) == 4
    spans = set()
    for slide in slides:
        cards = [f for f in slide.frames if f.name.part == "card"]
        spans.add((round(min(c.box.y for c in cards), 1), round(max(c.box.bottom for c in cards), 1)))
        assert len(cards) in (3, 4)
        if len(cards) == 3:
            assert len({round(c.box.h, 1) for c in cards}) == 2  # the lead, and the two beside it
    assert len(spans) == 1, spans


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", LAYOUTS)
def test_every_stats_slide_sets_its_values_and_labels_at_one_size(name, language):
    """Paging through the figures, nothing jumps: every value on every stats slide has one size, and every label
    one size (the print layout's were 25.5, 28, 22.5, 34 and 34 pt, slide by slide)."""
    slides = [s for s in sample_deck(name, language).slides if slide_kind(s.name) is SlideKind.STATS]
    frames = [f for s in slides for f in stat_frames(s.frames)]
    if not frames:
        pytest.skip("the layout shows its figures beside the sections")
    assert len({f.paragraphs[0].style.size for f in frames}) == 1
    assert len({f.paragraphs[1].style.size for f in frames}) == 1


def test_one_row_of_stat_cards_sits_in_the_middle_of_the_body():
    """The print layout's row of three (and the rows of two its 13 figures end with) is shorter than the body:
    centred in it, not hung from the title over a blank band."""
    deck = sample_deck("print", Language.EN)
    slides = [slide for slide in deck.slides if slide_kind(slide.name) is SlideKind.STATS]
    assert len(slides) >= 3
    title_rule = [f for f in slides[0].frames if f.name.part == "rule"][0]
    footer = [f for f in slides[0].frames if f.name.part == "footer-rule"][0]
    for slide in slides:
        cards = [f for f in slide.frames if f.name.part == "card"]
        assert len({round(c.box.y, 1) for c in cards}) == 1  # one row
        above = cards[0].box.y - title_rule.box.bottom
        below = footer.box.y - cards[0].box.bottom
        assert above > 20 and below > 20 and abs(above - below) < 20, (slide.name, above, below)


def test_a_quote_band_that_would_split_a_one_slide_section_goes_to_the_quote_slides():
    """The print layout sets a section's quote in a band under its bullets. Five bullets fit a slide, but not
    above the band: kept, the band split them 3 + 2 over two slides about half full. The section takes one
    slide, and its quote a quote slide of its own; every featured quote is still shown once."""
    brief = sample_brief()
    deck = sample_deck("print", Language.EN)
    for section in brief.sections:
        slides = [s for s in deck.slides if s.name.kind is Kind.SECTION and s.name.id == section.id]
        assert len(slides) == 1, section.id
    featured = [ref.id for ref in brief.featured if ref.kind is FeatureKind.QUOTE]
    shown = [f.name.id for s in deck.slides for f in s.frames
             if f.name.kind is Kind.QUOTE and f.role is FrameRole.TEXT and f.name.part == ""]
    quote_slides = [s.name.id for s in deck.slides if s.name.kind is Kind.QUOTE]
    assert set(featured) <= set(quote_slides) | set(shown)
    assert len(quote_slides) == len(set(quote_slides))
    assert len(quote_slides) >= 3


def test_one_long_value_shrinks_its_neighbours_on_the_same_slide(tmp_path, content_data):
    data = copy.deepcopy(content_data)
    data["stats"][1]["value"] = "HK$12,345,678,900"
    brief = brief_from(tmp_path, data)
    layout = layout_from(tmp_path, 'extends = "default"\n[deck]\nstats = "grid"\nstats_per_slide = 6\n')
    deck = deck_of(brief, layout, Language.EN)
    slide = next(s for s in deck.slides if any(f.name == Name(Kind.STAT, brief.stats[1].id) for f in s.frames))
    frames = stat_frames(slide.frames)
    assert len(frames) >= 2
    sizes = {f.paragraphs[0].style.size for f in frames}
    assert len(sizes) == 1
    assert sizes.pop() < layout.deck.roles[Role.STAT_VALUE].size
    assert all(len(f.paragraphs[0].lines) == 1 for f in frames)


# the one-pager leaves out, in priority order ------------------------------------------------------------------------

def huge_brief(tmp_path, content_data):
    data = copy.deepcopy(content_data)
    for section in data["sections"]:
        section["summary"] = {k: (" " if k == "en" else "").join([v] * 4) for k, v in section["summary"].items()}
    return brief_from(tmp_path, data)


def test_onepager_leaves_out_the_lowest_priority_featured_items_first(tmp_path, content_data):
    brief = huge_brief(tmp_path, content_data)
    layout = load_layout("default")
    page = page_of(brief, layout, Language.EN)
    assert page.omitted, "the test brief should be too long for one page"
    stats = [f for f in brief.featured if f.kind is FeatureKind.STAT][: layout.onepager.max_stats]
    quotes = [f for f in brief.featured if f.kind is FeatureKind.QUOTE][: layout.onepager.max_quotes]
    candidates = [f for f in brief.featured if f in stats or f in quotes]
    lowest_first = [str(f) for f in reversed(candidates)]
    assert list(page.omitted) == lowest_first[: len(page.omitted)]
    names = {f.name for f in page.frames}
    for ref in candidates:
        assert (str(ref) in page.omitted) != (name_of(ref) in names), str(ref)
    for section in brief.sections:
        assert Name(Kind.SECTION, section.id, "summary") in names
    content = page_content(layout, page)
    assert all(content.contains(f.box) for f in page.frames)
    problems = [p for f in text_frames(page.frames) for p in frame_problems(f, "one-pager")]
    assert not problems, "\n".join(problems[:20])


def test_onepager_strict_raises_instead_of_leaving_out(tmp_path, content_data):
    brief = huge_brief(tmp_path, content_data)
    with pytest.raises(FitError) as caught:
        page_of(brief, load_layout("default"), Language.EN, strict=True)
    message = str(caught.value)
    assert "one-pager" in message
    assert "stat:qs-top-100" in message or "leav" in message


def test_onepager_strict_is_quiet_when_everything_fits():
    page = page_of(sample_brief(), load_layout("default"), Language.EN, strict=True)
    assert page.omitted == ()


# fit policy "fail" ------------------------------------------------------------------------------------------------

def test_every_fit_policy_fail_still_builds_text_that_fits(tmp_path):
    layout = layout_from(tmp_path, 'extends = "default"\n[deck.fit]\ntitle = "fail"\nbody = "fail"\n'
                                   'quote = "fail"\nstat = "fail"\n')
    for language in LANGUAGES:
        assert deck_of(sample_brief(), layout, language).slides


def test_body_that_cannot_fit_under_fail_raises_naming_slide_and_frame(tmp_path, content_data):
    brief = brief_from(tmp_path, many_bullets(content_data))
    layout = layout_from(tmp_path, 'extends = "default"\n[deck.fit]\nbody = "fail"\n')
    with pytest.raises(FitError) as caught:
        deck_of(brief, layout, Language.EN)
    message = str(caught.value)
    assert "\n" not in message
    section_slide = list(layout.deck.sequence).index(SlideKind.SECTIONS) + 1  # after one title and one agenda slide
    assert f"slide {section_slide}" in message
    assert "sections[0].bullets" in message  # the JSON path of what to shorten


def test_title_that_cannot_fit_under_fail_raises_naming_slide_and_frame(tmp_path, content_data):
    data = copy.deepcopy(content_data)
    # three lines at the title's full size, two at its minimum: too tall unless the layout lets it shrink
    data["sections"][1]["heading"] = {"en": "Hong Kong's universities and research institutes train engineers and"
                                             " founders for the whole Greater Bay Area, year after year",
                                      "zh-Hant": "香港的大學"}
    brief = brief_from(tmp_path, data)
    layout = layout_from(tmp_path, 'extends = "default"\n[deck.fit]\ntitle = "fail"\n')
    with pytest.raises(FitError) as caught:
        deck_of(brief, layout, Language.EN)
    message = str(caught.value)
    assert "sections[1].heading" in message and "title" in message
    assert re.search(r"slide \d+", message)
    # the same heading fits when the layout lets the title shrink: "fail" refused what "shrink" could place
    shrink = layout_from(tmp_path, 'extends = "default"\n[deck.fit]\ntitle = "shrink"\n', name="shrink")
    deck = deck_of(brief, shrink, Language.EN)
    title = next(f for s in deck.slides if s.name == Name(Kind.SECTION, brief.sections[1].id) for f in s.frames
                 if f.role is FrameRole.TITLE)
    assert title.paragraphs[0].style.size < shrink.deck.roles[Role.TITLE].size
    assert not width_problems(title, "shrunk title")


# balanced titles ----------------------------------------------------------------------------------------------------

def test_balanced_title_avoids_a_one_word_last_line(tmp_path, content_data):
    layout = load_layout("default")
    ts = typesetter(layout)
    role = layout.deck.roles[Role.TITLE]
    deck = deck_of(sample_brief(), layout, Language.EN)
    title = next(f for s in deck.slides if s.name.kind is Kind.SECTION for f in s.frames
                 if f.role is FrameRole.TITLE)
    width = title.box.inset(title.insets).w * WRAP_SAFETY

    def measure(text: str) -> float:
        return ts.width(text, role, role.size)

    words = ("Why founders from across the region now choose Hong Kong for research, funding, talent and "
             "partners in every industry").split()
    heading = ""
    for word in words:  # grow the heading word by word until greedy filling spills one word onto a second line
        heading = f"{heading} {word}".strip()
        if len(linebreak.break_lines(heading, width, measure, mend_last_line=False)) == 2:
            break
    greedy = linebreak.break_lines(heading, width, measure, mend_last_line=False)
    assert len(greedy) == 2 and len(greedy[-1].split()) == 1  # the lonely word a balanced title should avoid

    data = copy.deepcopy(content_data)
    data["sections"][0]["heading"] = {"en": heading, "zh-Hant": "全球超級聯繫人"}
    brief = brief_from(tmp_path, data)
    deck = deck_of(brief, layout, Language.EN)
    frame = next(f for f in deck.slides[[s.name for s in deck.slides].index(Name(Kind.SECTION, brief.sections[0].id))].frames
                 if f.role is FrameRole.TITLE)
    lines = [line_text(line) for p in frame.paragraphs for line in p.lines]
    assert " ".join(lines).split() == heading.split()
    assert len(lines) == 2, lines
    assert all(len(line.split()) >= 2 for line in lines), lines
    assert frame.keep_breaks  # the deck keeps the balanced breaks instead of re-breaking greedily


# determinism -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", LAYOUTS)
def test_the_same_inputs_give_equal_plans(name):
    layout = load_layout(name)
    for language in LANGUAGES:
        assert deck_of(load_brief(CONTENT), layout, language) == sample_deck(name, language)
        assert page_of(load_brief(CONTENT), load_layout(name), language) == sample_page(name, language)
    shared = typesetter(layout)  # a warm typesetter (cached metrics) gives the same plan as a fresh one
    edition = Edition(sample_brief(), Language.EN)
    assert arrange_deck(edition, layout, shared) == arrange_deck(edition, layout, shared) == sample_deck(
        name, Language.EN)


def test_plans_do_not_depend_on_the_hash_seed():
    code = (
        "import hashlib\n"
        "from hkbrief.content import load_brief\n"
        "from hkbrief.layoutspec import load_layout\n"
        "from hkbrief.arrange import Edition, FontBook, Typesetter, arrange_deck, arrange_page\n"
        "from hkbrief.model import Language\n"
        f"brief = load_brief({str(CONTENT)!r})\n"
        "out = []\n"
        f"for name in {LAYOUTS!r}:\n"
        "    layout = load_layout(name)\n"
        "    for language in Language:\n"
        "        ts = Typesetter(FontBook(layout.theme.east_asian_family))\n"
        "        edition = Edition(brief, language)\n"
        "        out.append(repr(arrange_deck(edition, layout, ts)))\n"
        "        out.append(repr(arrange_page(edition, layout, ts)))\n"
        "print(hashlib.sha256('\\n'.join(out).encode()).hexdigest())\n"
    )
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": ""}
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        digests.add(result.stdout.strip())
    assert len(digests) == 1
    assert all(re.fullmatch(r"[0-9a-f]{64}", d) for d in digests)


# what text is drawn on ------------------------------------------------------------------------------------------

def _background_under(frame, earlier, default: str) -> str:
    """The colour a text frame sits on: its own fill, else the last filled frame drawn before it that covers it."""
    if frame.fill:
        return frame.fill
    for other in reversed(earlier):
        if other.fill and other.box.contains(frame.box, tolerance=0.5):
            return other.fill
    return default


@pytest.mark.parametrize("layout_name", LAYOUTS)
@pytest.mark.parametrize("language", LANGUAGES, ids=str)
def test_every_text_is_readable_on_what_it_is_drawn_on(layout_name, language):
    """Contrast is checked per role, but a role can be placed on another colour: the plan must not do that."""
    layout = load_layout(layout_name)
    brief = sample_brief()
    deck = deck_of(brief, layout, language)
    page = page_of(brief, layout, language)
    surfaces = [(f"slide {i}", s.frames, s.background) for i, s in enumerate(deck.slides, start=1)]
    surfaces.append(("one-pager", page.frames, page.background))
    for where, frames, background in surfaces:
        for index, frame in enumerate(frames):
            for paragraph in frame.paragraphs:
                under = _background_under(frame, frames[:index], background)
                ratio = contrast_ratio(paragraph.style.color, under)
                needed = 3.0 if paragraph.style.size >= 18 else 4.5
                assert ratio >= needed, (f"{where}: {frame.name}: {paragraph.style.color} on {under} is"
                                         f" {ratio:.2f}:1")


@pytest.mark.parametrize("bilingual", [False, True], ids=["en", "bilingual"])
@pytest.mark.parametrize("layout_name", LAYOUTS)
def test_continued_section_text_keeps_one_size(layout_name, bilingual):
    """Under "continue", a continued section's text is the same size on all its slides, at most CONTINUE_MIN_SCALE
    under the role's size (a section set a little smaller to take a slide fewer); a section kept on one slide is
    set at most that much smaller rather than continue."""
    from hkbrief.arrange.deck import CONTINUE_MIN_SCALE

    layout = load_layout(layout_name)
    if layout.deck.fit[FitTarget.BODY] is not FitPolicy.CONTINUE:
        pytest.skip("the layout does not continue body text")
    edition = Edition(sample_brief(), Language.EN, second=Language.ZH_HANT if bilingual else None)
    deck = arrange_deck(edition, layout, typesetter(layout))
    size = layout.deck.roles[Role.BODY].size
    continued = {s.name.id for s in deck.slides if s.name.kind is Kind.SECTION and s.name.sheet}
    for section in continued:
        sizes = {p.style.size for s in deck.slides if s.name.kind is Kind.SECTION and s.name.id == section
                 for f in s.frames if f.name.part == "body" for p in f.paragraphs}
        assert len(sizes) == 1, (section, sizes)
    every = {p.style.size for s in deck.slides for f in s.frames if f.name.part == "body" for p in f.paragraphs}
    assert min(every) >= size * CONTINUE_MIN_SCALE - 0.5
    for slide in deck.slides:
        bodies = [f for f in slide.frames if f.name.part == "body" and f.name.piece]
        for body in bodies:
            assert len(body.paragraphs) >= 2 or len(body.paragraphs[0].lines) > 1, \
                f"{slide.name}: a continuation slide with one short bullet"


def test_a_bilingual_section_takes_a_slide_fewer_a_little_smaller_rather_than_continue_twice(monkeypatch):
    """In the default layout, bilingual bullet pairs of content.json need three slides a section at full size:
    the last carried one pair under a "(cont.)" title and left most of the slide empty. Set a little smaller,
    each section takes two slides, and the takeaways two rather than three."""
    from hkbrief.arrange import deck as deck_module

    layout = load_layout("default")
    edition = Edition(sample_brief(), Language.EN, second=Language.ZH_HANT)
    size = layout.deck.roles[Role.BODY].size

    def runs(deck: DeckPlan) -> dict[tuple[Kind, str], list[Frame]]:
        """Each section's (and the takeaways') body frames, slide by slide."""
        found: dict[tuple[Kind, str], list[Frame]] = {}
        for slide in deck.slides:
            for kind, part in ((Kind.SECTION, "body"), (Kind.CLOSING, "takeaways")):
                if slide.name.kind is kind:
                    found.setdefault((kind, slide.name.id), []).append(
                        next(f for f in slide.frames if f.name.part == part))
        return found

    shown = runs(arrange_deck(edition, layout, typesetter(layout)))
    assert any(kind is Kind.CLOSING for kind, _ in shown)
    for key, frames in shown.items():
        assert len(frames) <= 2, (key, [f.name for f in frames])
        sizes = {p.style.size for f in frames for p in f.paragraphs}
        assert len(sizes) == 1 and min(sizes) >= size * deck_module.CONTINUE_MIN_SCALE - 0.5, (key, sizes)
    # without the smaller sizes, the same bullets continue onto a third slide
    monkeypatch.setattr(deck_module, "_continue_scales", lambda role: [])
    full_size = runs(arrange_deck(edition, layout, typesetter(layout)))
    saved = [key for key in shown if len(full_size[key]) > len(shown[key])]
    assert len(saved) >= 3, saved
    for key in saved:
        assert all(p.style.size < size for f in shown[key] for p in f.paragraphs)
        assert all(p.style.size == size for f in full_size[key] for p in f.paragraphs)


@pytest.mark.parametrize("layout_name", ["default", "print", "compact", "stacked"])
def test_the_scale_searches_find_what_trying_every_step_would(layout_name, monkeypatch):
    """Shrinking to fit and growing to fill search from a guess; their answers must be those of trying every
    step in turn (from 1 down, and from the fitting scale up), on briefs long and short."""
    from hkbrief.arrange import page as page_module
    from hkbrief.content import brief_from_json

    step = page_module.SCALE_STEP

    def every_step_down(page, content, min_scale):
        scale = 1.0
        while True:
            _, height = page_module.attempt(page, content, scale)
            if height <= page.content.h:
                return scale, height
            if scale <= min_scale:
                return None
            scale = max(min_scale, scale - step)

    def every_step_up(page, content, scale, height):
        while scale + step <= page.spec.max_scale + 1e-9:
            _, taller = page_module.attempt(page, content, scale + step)
            if taller > page.content.h:
                break
            scale, height = scale + step, taller
        return scale, height

    found = {"fit": [], "grow": []}

    def compared(kind, searching, trying):
        def both(*args, **options):  # options change how a search goes, never its answer
            answer = searching(*args, **options)
            found[kind].append((answer, trying(*args)))
            return answer
        return both

    monkeypatch.setattr(page_module, "fitting_scale", compared("fit", page_module.fitting_scale, every_step_down))
    monkeypatch.setattr(page_module, "growing_scale", compared("grow", page_module.growing_scale, every_step_up))
    layout = load_layout(layout_name)
    stress = json.loads((CONTENT.parent / "tests" / "data" / "stress.json").read_text(encoding="utf-8"))
    for data in (json.loads(CONTENT.read_text(encoding="utf-8")), stress):
        for keep in range(1, len(data["sections"]) + 1, 2):
            for cut in (60, 200, None):
                brief = copy.deepcopy(data)
                brief["sections"] = brief["sections"][:keep]
                for section in brief["sections"]:
                    section.pop("image", None)
                    summary = section["summary"]
                    section["summary"] = ({lang: text[:cut] for lang, text in summary.items()}
                                          if isinstance(summary, dict) else summary[:cut])
                edition = Edition(brief_from_json(brief, "brief.json"), Language.EN)
                try:
                    arrange_page(edition, layout, Typesetter(FontBook(layout.theme.east_asian_family)))
                except FitError:
                    pass  # what the page could not hold was still searched for
    assert sum(1 for ours, _ in found["grow"] if ours[0] > 1.0) >= 3  # short briefs did grow
    assert sum(1 for ours, _ in found["fit"] if ours is None or ours[0] < 1.0) >= 3  # long ones shrank
    assert all(ours == theirs for kind in found for ours, theirs in found[kind])


def _role(family) -> RoleStyle:
    return RoleStyle(family, 12.0, 9.0, Weight.REGULAR, FontStyle.NORMAL, 1.25, Colour("#000000"), Colour("#FFFFFF"))


def test_typesetters_share_line_breaks_in_the_bundled_fonts_and_keep_a_layout_s_own(monkeypatch):
    """A later build in the same process (watch, batch) reuses the breaks an earlier one found in the bundled
    fonts, which never change; breaks in a layout's own font files, which may change between builds, are not."""
    from hkbrief.arrange import text as text_module
    from hkbrief.arrange.text import Para
    from hkbrief.textfit import FileFace, FileFamily, Style, find_family, load_metrics

    monkeypatch.setattr(text_module, "_bundled_breaks", {})
    monkeypatch.setattr(text_module, "_bundled_measured", {})
    broken = []
    real = linebreak.MeasuredParagraph.break_lines
    monkeypatch.setattr(linebreak.MeasuredParagraph, "break_lines",
                        lambda self, *a, **k: broken.append(self.text) or real(self, *a, **k))
    words = "Hong Kong's innovation and technology ecosystem keeps growing, year after year."

    first = Typesetter(FontBook("Microsoft JhengHei")).set([Para(words, _role("Arial"), Language.EN)], 120)
    second = Typesetter(FontBook("Microsoft JhengHei")).set([Para(words, _role("Arial"), Language.EN)], 120)
    assert broken == [words] and first == second
    Typesetter(FontBook("Microsoft JhengHei")).set([Para(words, _role("Times New Roman"), Language.EN)], 120)
    assert len(broken) == 2  # another font: its own breaks

    sans = find_family("Arial")
    own = FileFamily("Brand Sans", FileFace(sans.path(), 0, load_metrics(sans.file_name(Style.REGULAR)), "BrandSans"))
    for _ in range(2):
        Typesetter(FontBook("Microsoft JhengHei")).set([Para(words, _role(own), Language.EN)], 120)
    assert len(broken) == 4  # each build measures a layout's own font afresh


def test_walking_down_by_new_guesses_ends_where_stepping_down_would():
    """A walk that jumps down by new guesses comes back up to the largest step that fits, on every ladder, every
    start and every guess, over- or undershooting."""
    from hkbrief.arrange.text import walk_to_largest

    for top in range(6):
        for largest in range(-1, top + 1):  # -1: nothing fits
            for start in range(top + 1):
                for jump in range(top + 1):
                    tried = []

                    def fits(step, largest=largest):
                        return step <= largest

                    def fits_once(step, largest=largest, tried=tried):
                        tried.append(step)
                        return step <= largest

                    stepping = walk_to_largest(fits, start, top)
                    guessing = walk_to_largest(fits_once, start, top, lambda step, jump=jump: step - jump)
                    assert guessing == stepping == (largest if largest >= 0 else None)
                    assert len(tried) == len(set(tried))  # no step is tried twice


@pytest.mark.parametrize("layout_name", ["default", "compact", "stacked"])
def test_fitting_text_to_a_frame_finds_what_trying_every_size_would(layout_name, monkeypatch):
    """Typesetter.fit searches from a guess; on every frame a deck and a one-pager fit (English, Chinese and
    both, long and short briefs) its answer must be that of trying every size from the top."""
    from hkbrief.arrange import text as text_module
    from hkbrief.content import brief_from_json

    def every_size(ts, paras, width, height, shrink=True, least_scale=0.0, most_scale=1.0):
        paras = text_module.stacked(paras)
        limit = height * text_module.HEIGHT_SAFETY
        scale = most_scale
        while True:
            try:
                result = ts.set(paras, width, scale)
            except linebreak.CharacterTooWideError:
                result = text_module.SetText((), float("inf"), scale)
            if result.height <= limit:
                return result
            if not shrink or all(text_module.scaled_size(p.role, scale) <= p.role.min_size for p in paras):
                return None
            scale = max(scale - min(text_module.SHRINK_STEP / p.role.size for p in paras), 0.0)
            if scale < least_scale - 1e-9:
                return None

    searching = Typesetter.fit
    found = []

    def both(ts, *args, **kwargs):
        answer = searching(ts, *args, **kwargs)
        found.append((answer, every_size(ts, *args, **kwargs)))
        return answer

    monkeypatch.setattr(Typesetter, "fit", both)
    layout = load_layout(layout_name)
    stress = json.loads((CONTENT.parent / "tests" / "data" / "stress.json").read_text(encoding="utf-8"))
    for data in (json.loads(CONTENT.read_text(encoding="utf-8")), stress):
        for keep in (1, 3, len(data["sections"])):
            brief = copy.deepcopy(data)
            brief["sections"] = brief["sections"][:keep]
            for section in brief["sections"]:
                section.pop("image", None)
            parsed = brief_from_json(brief, "brief.json")
            for edition in (Edition(parsed, Language.EN), Edition(parsed, Language.ZH_HANT),
                            Edition(parsed, Language.EN, "brief.json", Language.ZH_HANT)):
                typesetter = Typesetter(FontBook(layout.theme.east_asian_family))
                for arrange in (lambda: arrange_deck(edition, layout, typesetter),
                                lambda: arrange_page(edition, layout, typesetter)):
                    try:
                        arrange()
                    except FitError:
                        pass  # what could not fit was still searched for
    shrunk = [ours for ours, _ in found if ours is None or ours.scale < 1.0]
    assert len(shrunk) >= 20  # frames that had to shrink (or could not fit) were searched
    assert all(ours == theirs for ours, theirs in found)


def test_a_paragraphs_height_alone_is_the_height_its_setting_takes():
    """Typesetter.height (what the one-pager's column-share search asks at every share) agrees with set() to
    the last bit: every section of the example, in both languages, headings and summaries, at the widths and
    scales a page tries, a title balanced and a bullet hung."""
    from hkbrief.arrange.text import Para

    brief = sample_brief()
    roles = load_layout("default").onepager.roles
    heading, body, title = roles[Role.HEADING], roles[Role.BODY], roles[Role.TITLE]
    paragraphs = []
    for section in brief.sections:
        for language in (Language.EN, Language.ZH_HANT):
            edition = Edition(brief, language, "content.json")
            paragraphs.append([Para(edition.t(section.heading), heading, language),
                               Para(edition.t(section.summary), body, language, space_before_em=0.3)])
            paragraphs.append([Para(edition.t(section.heading), title, language, balance=True),
                               Para(edition.t(section.summary), body, language, bullet="•", hang=True)])
    typesetter = Typesetter(FontBook("Noto Sans TC"))
    for paras in paragraphs:
        for width in (96.0, 187.3, 233.9, 251.0, 301.7, 520.0):
            for scale in (1.0, 0.88, 0.684):
                height = typesetter.height(paras, width, scale)
                assert height == Typesetter(FontBook("Noto Sans TC")).set(paras, width, scale).height
                assert height == typesetter.set(paras, width, scale).height  # and once set, from it
