"""End to end: build every built-in layout from the bundled brief (English and Traditional Chinese) and from a
stress brief, then judge the outputs with tools that are not hkbrief.

- LibreOffice renders each deck to PDF once per session in each of two font worlds (with the metric-compatible
  clones the decks were planned with, and with them hidden, as on a machine without them; one process per world,
  throwaway profiles), after ``fc-match`` confirmed each world has the fonts it promises. ``fitcheck`` checks
  that every character of every text box is drawn inside that box and on the slide in both worlds, and, with the
  clones, at its planned size.
- The one-pager is read back with pdfplumber, pypdf and poppler's pdftotext: one page, the right paper, nothing
  in the margins, the featured items, metadata, embedded fonts and reading order.
- The deck is read back with python-pptx and lxml: stat and quote shapes, title placeholders, explicit run sizes,
  shrink on overflow without a font scale, speaker notes, core properties.
- Builds repeat byte for byte, and a failed build leaves an existing output folder exactly as it was.

The stress brief (tests/data/stress.json) is oversized on purpose: sections of 10-14 long bullets, 300- and
500-character summaries, a 600-character quote, a 60-character word that cannot be broken, 22 stats and
Traditional Chinese bullets, so that every layout shrinks text, continues sections onto "(cont.)" slides and
leaves items out of the one-pager.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from unittest import mock

import pytest

from conftest import CONTENT, ROOT, require_tool
import fitcheck

pdfplumber = pytest.importorskip("pdfplumber")
pypdf = pytest.importorskip("pypdf")
pptx = pytest.importorskip("pptx")

from hkbrief.build import BuildResult, build  # noqa: E402
from hkbrief.errors import HkbriefError  # noqa: E402
from hkbrief.layoutspec import Block, Role, builtin_layout_names, load_layout  # noqa: E402

STRESS = ROOT / "tests" / "data" / "stress.json"
LAYOUTS = builtin_layout_names()
A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)
MARKUP = 'a<b & <img src="x"> R&D'
A_NS = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


@dataclass(frozen=True, slots=True)
class Case:
    layout: str
    brief: str  # "content" or "stress"
    lang: str | None  # None: the brief's own language

    @property
    def id(self) -> str:
        return f"{self.layout}-{self.brief}-{self.lang or 'own'}"

    @property
    def content(self) -> Path:
        return CONTENT if self.brief == "content" else STRESS

    @property
    def language(self) -> str:
        return self.lang or brief_json(self.brief)["meta"].get("language", "en")


CONTENT_CASES = [Case(layout, "content", lang) for layout in LAYOUTS for lang in ("en", "zh-Hant", "bilingual")]
STRESS_CASES = [Case(layout, "stress", None) for layout in LAYOUTS]
ALL_CASES = CONTENT_CASES + STRESS_CASES


def ids(cases: list[Case]) -> list[str]:
    return [case.id for case in cases]


# -- helpers ----------------------------------------------------------------------------------------------------

_BRIEFS: dict[str, dict] = {}


def brief_json(name: str) -> dict:
    if name not in _BRIEFS:
        path = CONTENT if name == "content" else STRESS
        _BRIEFS[name] = json.loads(path.read_text(encoding="utf-8"))
    return copy.deepcopy(_BRIEFS[name])


def resolve(value, lang: str, own: str = "en") -> str:
    """A content text (a string or a map of languages) in ``lang``, falling back as hkbrief documents."""
    if isinstance(value, str):
        return value
    for key in (lang, own):
        if key in value:
            return value[key]
    return next(iter(value.values()))


def collapse(text: str) -> str:
    """Runs of whitespace as one space, and apostrophes as typed: compares text whatever the line breaks did and
    whether the apostrophes were curled (test_typography checks that they are)."""
    return " ".join(text.replace("\u2019", "'").split())


def squeeze(text: str) -> str:
    """Whitespace removed, case folded, apostrophes as typed: compares text whatever the line breaks, uppercase
    roles and typography did."""
    return "".join(text.replace("\u2019", "'").split()).casefold()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry under a folder: files by SHA-256, folders as 'dir'."""
    entries = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        entries[rel] = "dir" if path.is_dir() else sha256(path)
    return entries


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    return subprocess.run([sys.executable, "-m", "hkbrief", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, env=env, timeout=300, stdin=subprocess.DEVNULL)


def do_build(content: Path, layout: str, out: Path, **kwargs) -> BuildResult:
    with mock.patch.dict(os.environ):
        os.environ.pop("SOURCE_DATE_EPOCH", None)
        return build(content, layout, out, **kwargs)


def pdf_stream_text(pdf: Path) -> str:
    """The one-pager's characters in drawing order (each frame's lines stay together, whatever the columns)."""
    with pdfplumber.open(str(pdf)) as document:
        return "".join(char["text"] for page in document.pages for char in page.chars)


@dataclass
class Built:
    case: Case
    pptx: Path
    pdf: Path
    result: BuildResult


class Builds:
    """Builds each case once per session, on first use."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._built: dict[Case, Built] = {}

    def get(self, case: Case) -> Built:
        if case not in self._built:
            out = self.root / case.id
            from hkbrief.model import edition_languages

            result = do_build(case.content, case.layout, out, language=edition_languages(case.lang) if case.lang else None)
            pptx_path = next(p for p in result.written if p.suffix == ".pptx")
            pdf_path = next(p for p in result.written if p.suffix == ".pdf")
            self._built[case] = Built(case, pptx_path, pdf_path, result)
        return self._built[case]


@pytest.fixture(scope="session")
def builds(tmp_path_factory) -> Builds:
    return Builds(tmp_path_factory.mktemp("builds"))


class FontWorld(StrEnum):
    """The two kinds of viewer the deck is judged in."""

    WITH_CLONES = "with-clones"  # the metric-compatible fonts the deck was planned with are installed
    WITHOUT_CLONES = "without-clones"  # they are hidden (a Mac, a conference PC, LibreOffice without them)


FONT_WORLDS = list(FontWorld)


@pytest.fixture(scope="session")
def rendered(builds, tmp_path_factory) -> dict[tuple[FontWorld, Case], Path]:
    """Every deck converted to PDF by LibreOffice once per font world: one LibreOffice process per world, side by
    side, each converting every deck in one run (starting LibreOffice is most of the cost)."""
    soffice = require_tool("soffice")
    require_tool("fc-match")
    stage = tmp_path_factory.mktemp("decks")
    decks = []
    for case in ALL_CASES:
        target = stage / f"{case.id}.pptx"
        target.write_bytes(builds.get(case).pptx.read_bytes())
        decks.append((case, target))
    envs = {FontWorld.WITH_CLONES: dict(os.environ),
            FontWorld.WITHOUT_CLONES: fitcheck.fontconfig_without_clones(tmp_path_factory.mktemp("fontconfig"))}
    # Judge only where fontconfig gives the fonts each world promises; otherwise say what is missing.
    problems = sorted({f"{world}: {problem}" for world, env in envs.items() for _, deck in decks
                       for problem in fitcheck.font_problems(deck, env, clones=world is FontWorld.WITH_CLONES)})
    if problems:
        pytest.fail("cannot judge the decks with LibreOffice on this machine:\n  " + "\n  ".join(problems))
    out = tmp_path_factory.mktemp("libreoffice")

    def convert(world: FontWorld) -> list[Path]:
        return fitcheck.convert_with_libreoffice(soffice, [deck for _, deck in decks], out / world.value,
                                                 env=envs[world])

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip(FONT_WORLDS, pool.map(convert, FONT_WORLDS)))
    return {(world, case): pdf for world, pdfs in results.items() for (case, _), pdf in zip(decks, pdfs)}


def presentation(path: Path):
    from pptx import Presentation

    return Presentation(str(path))


def shapes_named(prs, name: str) -> list[tuple[int, object]]:
    return [(number, shape) for number, slide in enumerate(prs.slides, start=1) for shape in slide.shapes
            if shape.name == name]


def expected_paper(layout: str) -> tuple[float, float]:
    return A4 if str(load_layout(layout).onepager.paper) == "a4" else LETTER


def margins_of(layout: str) -> tuple[float, float, float, float]:
    m = load_layout(layout).onepager.margins
    return m.top, m.right, m.bottom, m.left


# == 1. nothing spills: the independent renderer is the judge ==================================================


@pytest.mark.parametrize("world", FONT_WORLDS, ids=[world.value for world in FONT_WORLDS])
@pytest.mark.parametrize("case", ALL_CASES, ids=ids(ALL_CASES))
def test_deck_text_stays_inside_its_boxes_in_libreoffice(case, world, builds, rendered):
    """One PDF page per slide; every character on the slide; every text box's characters drawn inside it, whether
    or not the viewer has the fonts the deck was planned with (without them, the viewer shrinks the text)."""
    fitcheck.assert_deck_fits(builds.get(case).pptx, rendered[world, case])


@pytest.mark.parametrize("case", ALL_CASES, ids=ids(ALL_CASES))
def test_deck_text_is_drawn_at_its_planned_size_where_the_viewer_has_the_fonts(case, builds, rendered):
    """With the metric clones, the safety net stays unused: every character is drawn at the size the plan chose."""
    problems = fitcheck.check_sizes(builds.get(case).pptx, rendered[FontWorld.WITH_CLONES, case])
    assert not problems, f"{len(problems)} problem(s):\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("case", ALL_CASES, ids=ids(ALL_CASES))
def test_onepager_is_one_page_of_the_layouts_paper_with_nothing_in_the_margins(case, builds):
    fitcheck.assert_onepager_fits(builds.get(case).pdf, margins_of(case.layout), expected_paper(case.layout))


def test_fitcheck_catches_text_outside_its_box(tmp_path):
    """The judge itself: a text box whose text LibreOffice draws past its bottom edge must be reported."""
    soffice = require_tool("soffice")
    from pptx import Presentation
    from pptx.util import Pt

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    box = slide.shapes.add_textbox(Pt(50), Pt(50), Pt(200), Pt(20))
    box.name = "overflowing"
    box.text_frame.word_wrap = True
    box.text_frame.text = "This sentence is far too long to fit a box only twenty points tall, so it spills. " * 3
    for run in box.text_frame.paragraphs[0].runs:
        run.font.size = Pt(14)
        run.font.name = "Calibri"
    fine = slide.shapes.add_textbox(Pt(50), Pt(300), Pt(300), Pt(40))
    fine.name = "fine"
    fine.text_frame.text = "Fits."
    fine.text_frame.paragraphs[0].runs[0].font.name = "Calibri"
    path = tmp_path / "overflow.pptx"
    prs.save(str(path))
    fitcheck.assert_fonts_available(path)
    [pdf] = fitcheck.convert_with_libreoffice(soffice, [path], tmp_path / "pdf")
    problems = fitcheck.check_deck(path, pdf)
    assert len(problems) == 1, problems
    assert problems[0].startswith("slide 1, shape 'overflowing'") and "below the box" in problems[0], problems


def test_fitcheck_catches_text_drawn_smaller_than_planned(tmp_path):
    """The size judge itself: a box LibreOffice shrinks to make its text fit (normAutofit) must be reported."""
    soffice = require_tool("soffice")
    from pptx import Presentation
    from pptx.enum.text import MSO_AUTO_SIZE
    from pptx.util import Pt

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    box = slide.shapes.add_textbox(Pt(50), Pt(50), Pt(200), Pt(40))
    box.name = "shrunk"
    box.text_frame.word_wrap = True
    box.text_frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    box.text_frame.text = "This sentence is far too long to fit a box only forty points tall at its size. " * 3
    for run in box.text_frame.paragraphs[0].runs:
        run.font.size = Pt(14)
        run.font.name = "Calibri"
    path = tmp_path / "shrunk.pptx"
    prs.save(str(path))
    fitcheck.assert_fonts_available(path)
    [pdf] = fitcheck.convert_with_libreoffice(soffice, [path], tmp_path / "pdf")
    assert fitcheck.check_deck(path, pdf) == []
    problems = fitcheck.check_sizes(path, pdf)
    assert len(problems) == 1 and problems[0].startswith("slide 1, shape 'shrunk'"), problems


def test_font_check_names_the_missing_clone_instead_of_judging(tmp_path):
    """Where fontconfig would draw Calibri as DejaVu Sans, the judge says which package is missing."""
    require_tool("fc-match")
    deck = do_build(CONTENT, "compact", tmp_path / "out").written[0]
    assert fitcheck.font_problems(deck) == []
    hidden = fitcheck.fontconfig_without_clones(tmp_path / "fontconfig")
    problems = fitcheck.font_problems(deck, hidden)
    assert any("'Calibri'" in p and "fonts-crosextra-carlito" in p for p in problems), problems
    assert any("'Cambria'" in p and "fonts-crosextra-caladea" in p for p in problems), problems
    assert fitcheck.font_problems(deck, hidden, clones=False) == []
    assert fitcheck.font_problems(deck, clones=False), "with the clones installed, the hidden world must be told apart"


def test_fitcheck_catches_text_in_the_margins_and_extra_pages(tmp_path):
    """The one-pager judge itself, on PDFs drawn directly with reportlab."""
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "bad.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    canvas.drawString(100, 400, "inside")
    canvas.drawString(8, 400, "in the left margin")
    canvas.showPage()
    canvas.drawString(100, 400, "a second page")
    canvas.save()
    problems = fitcheck.check_onepager(path, (40, 40, 40, 40), A4)
    assert any("2 pages" in p for p in problems), problems
    assert any("in the margins" in p and "at (8.0, " in p for p in problems), problems
    good = tmp_path / "good.pdf"
    canvas = Canvas(str(good), pagesize=A4)
    canvas.drawString(100, 400, "inside")
    canvas.save()
    assert fitcheck.check_onepager(good, (40, 40, 40, 40), A4) == []
    assert fitcheck.check_onepager(good, (40, 40, 40, 40), LETTER)  # wrong paper is reported


# == 2. the stress brief: shrinking, continuation, omission ====================================================


def test_stress_brief_is_valid_content():
    result = run_cli("validate", str(STRESS))
    assert result.returncode == 0, result.stderr
    assert ": valid:" in result.stdout


@pytest.mark.parametrize("case", STRESS_CASES, ids=ids(STRESS_CASES))
def test_stress_deck_continues_long_sections_on_cont_slides(case, builds):
    prs = presentation(builds.get(case).pptx)
    data = brief_json("stress")
    slides = list(prs.slides)
    titles = [slide.shapes.title.text_frame.text if slide.shapes.title is not None else "" for slide in slides]
    assert any(collapse(t).endswith("(cont.)") for t in titles), f"no continuation slide in {case.layout}"
    for section in data["sections"]:
        heading = collapse(resolve(section["heading"], case.language))
        numbers = [i for i, slide in enumerate(slides) if slide.name.split("#")[0] == f"section:{section['id']}"]
        assert numbers, f"section {section['id']} has no slide"
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), \
            f"section {section['id']}: its slides are not consecutive: {[n + 1 for n in numbers]}"
        first, *rest = numbers
        assert collapse(titles[first]) == heading
        for i in rest:
            assert collapse(titles[i]) == f"{heading} (cont.)", f"slide {i + 1}: title {titles[i]!r}"
        # continuing loses and repeats nothing: the bodies together hold exactly the section's bullets
        body = "".join(shape.text_frame.text for i in numbers for shape in slides[i].shapes
                       if shape.name.split("#")[0] == f"section:{section['id']}/body")
        wanted = "".join(resolve(b, case.language) for b in section["bullets"])
        assert sorted(squeeze(body)) == sorted(squeeze(wanted)), \
            f"section {section['id']}: the bullets on its slides differ from the content's"
    assert sum(1 for t in titles if collapse(t).endswith("(cont.)")) >= len(data["sections"]), \
        "every stress section is long enough to need a continuation slide"


@pytest.mark.parametrize("case", STRESS_CASES, ids=ids(STRESS_CASES))
def test_stress_deck_shrinks_within_the_layouts_limits(case, builds):
    """The long quote is set smaller than its role's size, and no body or quote text goes below min_size."""
    prs = presentation(builds.get(case).pptx)
    roles = load_layout(case.layout).deck.roles

    def sizes(element) -> list[float]:
        return [int(r.get("sz")) / 100 for r in element.iter(f"{A_NS}rPr")]

    # the quotation is the frame's first paragraph (cards and bands add the speaker and title after it)
    quote = [size for _, shape in shapes_named(prs, "quote:very-long")
             for size in sizes(shape.text_frame.paragraphs[0]._p)]
    assert quote, "the long quote is not in the deck"
    assert min(quote) < roles[Role.QUOTE].size, "the 600-character quote was not shrunk"
    assert min(quote) >= roles[Role.QUOTE].min_size, f"quote set at {min(quote)} pt, below the layout's minimum"
    for number, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            if re.fullmatch(r"section:[a-z0-9-]+/body(#\d+)?", shape.name):
                low = min(sizes(shape._element))
                assert low >= roles[Role.BODY].min_size, \
                    f"slide {number}, {shape.name}: {low} pt is below the body minimum {roles[Role.BODY].min_size}"


@pytest.mark.parametrize("case", STRESS_CASES, ids=ids(STRESS_CASES))
def test_stress_onepager_leaves_items_out_and_says_so(case, builds, tmp_path):
    built = builds.get(case)
    omitted = built.result.omitted
    assert omitted, "the stress brief cannot fit on one page, yet nothing was left out"
    assert all(re.fullmatch(r"(stat|quote|section):[a-z0-9-]+", item) for item in omitted), omitted
    text = squeeze(pdf_stream_text(built.pdf))
    data = brief_json("stress")
    for item in omitted:
        kind, _, ident = item.partition(":")
        if kind == "quote":
            quote = next(q for q in data["quotes"] if q["id"] == ident)
            assert squeeze(resolve(quote["text"], case.language)) not in text, f"{item} is left out, yet printed"
        elif kind == "section":
            section = next(s for s in data["sections"] if s["id"] == ident)
            assert squeeze(resolve(section["summary"], case.language)) not in text, f"{item} left out, yet printed"
    # the command line says what it left out, one line each, and still succeeds
    result = run_cli("build", str(STRESS), "--layout", case.layout, "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    said = [line for line in result.stderr.splitlines() if line.startswith("one-pager: left out ")]
    assert [line.removeprefix("one-pager: left out ").split()[0] for line in said] == list(omitted), result.stderr


@pytest.mark.parametrize("layout", LAYOUTS)
def test_strict_refuses_to_leave_items_out_with_one_line(layout, tmp_path):
    out = tmp_path / "out"
    result = run_cli("build", str(STRESS), "--layout", layout, "--out", str(out), "--strict")
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected a one-line error, got:\n{result.stderr}"
    assert "--strict" in lines[0] and "Traceback" not in result.stderr
    assert "wrote" not in result.stdout
    assert not out.exists() or not any(out.iterdir()), "a refused build wrote something"


# == 3. the deck ===============================================================================================

DECK_CASES = CONTENT_CASES + STRESS_CASES


@pytest.mark.parametrize("case", DECK_CASES, ids=ids(DECK_CASES))
def test_deck_every_stat_value_is_in_its_stat_shape(case, builds):
    prs = presentation(builds.get(case).pptx)
    data = brief_json(case.brief)
    missing = []
    for stat in data.get("stats", []):
        value = collapse(resolve(stat["value"], case.language))
        found = [shape for _, shape in shapes_named(prs, f"stat:{stat['id']}")
                 if value in collapse(shape.text_frame.text)]
        if not found:
            missing.append(f"stat:{stat['id']} ({value!r})")
    assert not missing, f"stat values not on any slide in a shape named stat:<id>: {missing}"


@pytest.mark.parametrize("case", DECK_CASES, ids=ids(DECK_CASES))
def test_deck_every_featured_quote_is_in_its_quote_shape(case, builds):
    prs = presentation(builds.get(case).pptx)
    data = brief_json(case.brief)
    featured = [ref.partition(":")[2] for ref in data.get("featured", []) if ref.startswith("quote:")]
    assert featured
    missing = []
    for ident in featured:
        quote = next(q for q in data["quotes"] if q["id"] == ident)
        # squeezed: a quotation keeps its planned line breaks, which may fall after a hyphen
        text = squeeze(resolve(quote["text"], case.language))
        if not any(text in squeeze(shape.text_frame.text) for _, shape in shapes_named(prs, f"quote:{ident}")):
            missing.append(f"quote:{ident}")
    assert not missing, f"{case.layout}: featured quotes in no shape named quote:<id>: {missing}"


@pytest.mark.parametrize("case", DECK_CASES, ids=ids(DECK_CASES))
def test_deck_every_slide_has_a_title_placeholder_with_text(case, builds):
    from pptx.enum.shapes import PP_PLACEHOLDER

    prs = presentation(builds.get(case).pptx)
    for number, slide in enumerate(prs.slides, start=1):
        title = slide.shapes.title
        assert title is not None, f"slide {number} ({slide.name}) has no title placeholder"
        assert title.placeholder_format.type in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
        assert title.text_frame.text.strip(), f"slide {number} ({slide.name}): the title placeholder is empty"


@pytest.mark.parametrize("case", DECK_CASES, ids=ids(DECK_CASES))
def test_deck_runs_have_explicit_sizes_and_bodies_shrink_only_on_overflow(case, builds):
    from lxml import etree

    problems = []
    with zipfile.ZipFile(builds.get(case).pptx) as package:
        names = sorted((n for n in package.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)),
                       key=lambda n: int(re.search(r"\d+", n).group()))
        for name in names:
            root = etree.fromstring(package.read(name))
            for run in root.iter(f"{A_NS}r", f"{A_NS}fld"):
                properties = run.find(f"{A_NS}rPr")
                if properties is None or properties.get("sz") is None:
                    problems.append(f"{name}: run {''.join(run.itertext())[:40]!r} has no explicit size")
            for body in root.iter(f"{A_NS}bodyPr"):
                children = [child for child in body]
                kinds = [etree.QName(child).localname for child in children]
                if kinds != ["normAutofit"] or children[0].attrib:
                    problems.append(f"{name}: bodyPr autofit is {kinds} {[dict(c.attrib) for c in children]}")
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("case", DECK_CASES, ids=ids(DECK_CASES))
def test_deck_section_slides_have_speaker_notes(case, builds):
    prs = presentation(builds.get(case).pptx)
    for number, slide in enumerate(prs.slides, start=1):
        if not slide.name.startswith("section:"):
            continue
        if case.brief == "stress" and "#" in slide.name:
            continue  # continuation slides: the notes stay with the section's first slide
        notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
        assert notes.strip(), f"slide {number} ({slide.name}) has no speaker notes"


@pytest.mark.parametrize("case", CONTENT_CASES, ids=ids(CONTENT_CASES))
def test_deck_core_properties(case, builds):
    prs = presentation(builds.get(case).pptx)
    data = brief_json("content")
    core = prs.core_properties
    assert core.title == resolve(data["meta"]["title"], case.language)
    assert core.author == resolve(data["meta"]["organisation"], case.language)
    assert core.created is not None and core.created.date() == dt.date(2026, 11, 25)
    expected = "zh" if case.language == "zh-Hant" else "en"  # the bilingual edition is English first
    assert core.language and core.language.split("-")[0].lower() == expected, core.language


@pytest.mark.parametrize("case", DECK_CASES, ids=ids(DECK_CASES))
def test_deck_properties_do_not_name_python_pptx(case, builds):
    with zipfile.ZipFile(builds.get(case).pptx) as package:
        for name in package.namelist():
            if name.startswith("docProps/"):
                assert b"python-pptx" not in package.read(name).lower(), f"{name} mentions python-pptx"


# == 4. the one-pager ==========================================================================================


def test_onepager_is_a4_by_default_and_letter_on_request(builds, tmp_path):
    with pdfplumber.open(str(builds.get(Case("default", "content", "en")).pdf)) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        assert page.width == pytest.approx(A4[0], abs=1) and page.height == pytest.approx(A4[1], abs=1)
    result = run_cli("build", str(CONTENT), "--layout", "default", "--paper", "letter", "--format", "pdf",
                     "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    [written] = tmp_path.glob("*.pdf")
    assert not list(tmp_path.glob("*.pptx")), "--format pdf wrote a deck"
    with pdfplumber.open(str(written)) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        assert page.width == pytest.approx(LETTER[0], abs=1) and page.height == pytest.approx(LETTER[1], abs=1)
    fitcheck.assert_onepager_fits(written, margins_of("default"), LETTER)


def _shown_featured(case: Case) -> tuple[list[dict], list[dict]]:
    """The featured stats and quotes the one-pager has room for (the layout's caps), in featured order."""
    data = brief_json(case.brief)
    spec = load_layout(case.layout).onepager
    stats = {s["id"]: s for s in data.get("stats", [])}
    quotes = {q["id"]: q for q in data.get("quotes", [])}
    featured = data.get("featured", [])
    shown_stats = [stats[r[5:]] for r in featured if r.startswith("stat:")][: spec.max_stats]
    shown_quotes = [quotes[r[6:]] for r in featured if r.startswith("quote:")][: spec.max_quotes]
    return shown_stats, shown_quotes


# A bilingual page carries every section twice (stacked, or side by side): the single-language layouts may leave
# figures out of it (the build says so, and the stress cases check that what is left out is not printed); the
# stacked layout shows fewer figures and leaves nothing out.
COMPLETE_CASES = [c for c in CONTENT_CASES if c.lang != "bilingual" or c.layout == "stacked"]


@pytest.mark.parametrize("case", COMPLETE_CASES, ids=ids(COMPLETE_CASES))
def test_onepager_shows_the_featured_stats_and_quotes(case, builds):
    built = builds.get(case)
    assert built.result.omitted == (), f"the bundled brief should fit without omissions: {built.result.omitted}"
    text = squeeze(pdf_stream_text(built.pdf))
    stats, quotes = _shown_featured(case)
    assert stats and quotes
    missing = [f"stat:{s['id']} value {resolve(s['value'], case.language)!r}" for s in stats
               if squeeze(resolve(s["value"], case.language)) not in text]
    missing += [f"quote:{q['id']}" for q in quotes if squeeze(resolve(q["text"], case.language)) not in text]
    assert not missing, f"not on the one-pager: {missing}"


@pytest.mark.parametrize("case", ALL_CASES, ids=ids(ALL_CASES))
def test_onepager_metadata_and_language(case, builds):
    data = brief_json(case.brief)
    meta = data["meta"]
    reader = pypdf.PdfReader(str(builds.get(case).pdf))
    info = reader.metadata
    own = meta.get("language", "en")
    assert info.title == resolve(meta["title"], case.language, own)
    assert info.author == resolve(meta["organisation"], case.language, own)
    assert info.subject == resolve(meta.get("subtitle", meta["title"]), case.language, own)
    assert info.creator == f"hkbrief {importlib.metadata.version('hkbrief')}"
    lang = reader.trailer["/Root"].get("/Lang")
    assert lang is not None, "the catalog has no /Lang"
    assert str(lang).split("-")[0].lower() == ("zh" if case.language == "zh-Hant" else "en"), lang


@pytest.mark.parametrize("case", ALL_CASES, ids=ids(ALL_CASES))
def test_onepager_embeds_every_font(case, builds):
    reader = pypdf.PdfReader(str(builds.get(case).pdf))
    [page] = reader.pages
    fonts = page["/Resources"].get_object().get("/Font", {})
    assert fonts, "no fonts on the page"
    for key, ref in fonts.items():
        font = ref.get_object()
        descriptors = []
        if font.get("/Subtype") == "/Type0":
            descriptors = [d.get_object().get("/FontDescriptor") for d in font["/DescendantFonts"]]
        else:
            descriptors = [font.get("/FontDescriptor")]
        for descriptor in descriptors:
            assert descriptor is not None, f"font {key} ({font.get('/BaseFont')}) has no font descriptor"
            assert "/FontFile2" in descriptor.get_object(), f"font {key} ({font.get('/BaseFont')}) is not embedded"


@pytest.mark.parametrize("layout", LAYOUTS)
def test_onepager_reading_order(layout, builds):
    """pdftotext reads the blocks in the layout's order: header, stats, quotes, sections, "Sources:".

    ``-raw`` keeps the content stream's order, which is what copy-paste and text-to-speech of an untagged PDF
    follow; poppler's default column analysis regroups side-by-side blocks by geometry instead.
    """
    pdftotext = require_tool("pdftotext")
    case = Case(layout, "content", "en")
    result = subprocess.run([pdftotext, "-raw", "-enc", "UTF-8", str(builds.get(case).pdf), "-"], capture_output=True,
                            text=True, check=True, timeout=60)
    text = squeeze(result.stdout)
    data = brief_json("content")
    stats, quotes = _shown_featured(case)

    def at(needle: str, what: str, start: int = 0) -> int:
        index = text.find(squeeze(needle), start)
        assert index >= 0, f"{what} ({needle[:50]!r}) not found in pdftotext's output"
        return index

    title = at(resolve(data["meta"]["title"], "en"), "title")
    spans = {
        Block.HEADER: (title, title),
        Block.STATS: (at(resolve(stats[0]["value"], "en"), "first stat value", title + 1),) * 2,
        Block.QUOTES: (at(resolve(quotes[0]["text"], "en")[:60], "first quote", title + 1),) * 2,
        Block.SOURCES: (at("Sources:", "sources line", title + 1),) * 2,
    }
    headings = [at(resolve(s["heading"], "en"), f"heading of {s['id']}", title + 1) for s in data["sections"]]
    spans[Block.SECTIONS] = (min(headings), max(headings))
    order = [b for b in load_layout(layout).onepager.blocks if b in spans]
    for before, after in zip(order, order[1:]):
        assert spans[before][1] < spans[after][0], \
            f"{layout}: pdftotext reads {after} before {before} (blocks are {[str(b) for b in order]})"


# == 5. content that looks like markup ========================================================================


@pytest.mark.parametrize("layout", LAYOUTS)
def test_markup_like_content_is_printed_literally(layout, tmp_path):
    data = brief_json("content")
    data["sections"][0]["bullets"][0] = MARKUP
    data["sections"][0]["summary"] = f"{MARKUP} is how the summary starts."
    content = tmp_path / "content.json"
    content.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = do_build(content, layout, tmp_path / "out")
    pptx_path = next(p for p in result.written if p.suffix == ".pptx")
    pdf_path = next(p for p in result.written if p.suffix == ".pdf")
    prs = presentation(pptx_path)
    texts = [shape.text_frame.text for slide in prs.slides for shape in slide.shapes if shape.has_text_frame]
    assert any(MARKUP in text for text in texts), "the bullet's markup-like text is not in the deck literally"
    with zipfile.ZipFile(pptx_path) as package:
        xml = b"".join(package.read(n) for n in package.namelist() if n.startswith("ppt/slides/slide"))
    assert b"a&lt;b &amp; &lt;img" in xml
    assert squeeze(MARKUP) in squeeze(pdf_stream_text(pdf_path)), "the summary's text is not printed literally"
    with pdfplumber.open(str(pdf_path)) as pdf:
        assert not pdf.pages[0].images, "markup in the content produced an image"
        plain = pdf.pages[0].extract_text()
    assert squeeze(MARKUP) in squeeze(plain)


# == 6. reproducible and atomic ===============================================================================

REPEAT_CASES = CONTENT_CASES + [Case("default", "stress", None)]


@pytest.mark.parametrize("case", REPEAT_CASES, ids=ids(REPEAT_CASES))
def test_building_twice_gives_identical_bytes(case, builds, tmp_path):
    first = builds.get(case)
    from hkbrief.model import edition_languages

    again = do_build(case.content, case.layout, tmp_path / "again",
                     language=edition_languages(case.lang) if case.lang else None)
    second = {p.suffix: p for p in again.written}
    assert first.pptx.name == second[".pptx"].name and first.pdf.name == second[".pdf"].name
    assert sha256(first.pptx) == sha256(second[".pptx"]), "the .pptx differs between two builds"
    assert sha256(first.pdf) == sha256(second[".pdf"]), "the .pdf differs between two builds"


def _unfittable(tmp_path: Path) -> list[str]:
    data = brief_json("content")
    quote_id = next(r[6:] for r in data["featured"] if r.startswith("quote:"))
    quote = next(q for q in data["quotes"] if q["id"] == quote_id)
    quote["text"] = ("An endless quotation that no slide can hold at any size the layout allows. " * 26)[:2000]
    path = tmp_path / "unfittable.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return [str(path), "--layout", "default"]


def _broken_field(tmp_path: Path) -> list[str]:
    data = brief_json("content")
    data["stats"][0]["value"] = 42
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return [str(path)]


FAILURES = {
    "unknown-layout": lambda tmp_path: [str(CONTENT), "--layout", "no-such-layout"],
    "broken-field": _broken_field,
    "unfittable-quote": _unfittable,
    "pdf-target-is-a-folder": lambda tmp_path: [str(CONTENT)],
}


@pytest.mark.parametrize("reason", list(FAILURES))
def test_failed_build_leaves_the_output_folder_unchanged(reason, tmp_path):
    out = tmp_path / "out"
    first = do_build(CONTENT, "default", out)
    (out / "notes.txt").write_text("the user's own file\n", encoding="utf-8")
    if reason == "pdf-target-is-a-folder":
        pdf = next(p for p in first.written if p.suffix == ".pdf")
        pdf.unlink()
        pdf.mkdir()
        (pdf / "inside.txt").write_text("x", encoding="utf-8")
    before = snapshot(out)
    args = FAILURES[reason](tmp_path)
    result = run_cli("build", *args, "--out", str(out))
    assert result.returncode == 1, (reason, result.stdout, result.stderr)
    assert result.stderr.strip() and "Traceback" not in result.stderr
    assert "wrote" not in result.stdout
    assert snapshot(out) == before, f"{reason}: the output folder changed"
    leftovers = [p.name for p in out.rglob("*") if p.name.endswith(".part") or p.name.startswith(".")]
    assert not leftovers, f"{reason}: temporary files left behind: {leftovers}"


def test_the_same_brief_gives_the_same_bytes_wherever_it_and_hkbrief_are(tmp_path):
    """Reproducible means the same bytes for the same inputs, not for the same folders: hkbrief installed in two
    places (so its fonts are at two paths) builds a brief with a picture, kept in two folders, into equal files."""
    import shutil

    package = Path(__import__("hkbrief").__file__).parent
    layouts = package / "layouts" if (package / "layouts").is_dir() else ROOT / "layouts"
    outputs = []
    for place in ("one", "two"):
        install = tmp_path / place / "site"
        shutil.copytree(package, install / "hkbrief", ignore=shutil.ignore_patterns("__pycache__"))
        if not (install / "hkbrief" / "layouts").is_dir():
            shutil.copytree(layouts, install / "hkbrief" / "layouts")
        env = {**os.environ, "PYTHONPATH": str(install), "SOURCE_DATE_EPOCH": "1764547200"}
        brief = tmp_path / place / "brief"
        run = [sys.executable, "-m", "hkbrief"]
        subprocess.run([*run, "init", str(brief)], env=env, check=True, capture_output=True, cwd=tmp_path)
        out = tmp_path / place / "out"
        result = subprocess.run([*run, "build", str(brief / "content.json"), "--out", str(out),
                                 "--format", "pptx,pdf,slides-pdf"], env=env, capture_output=True, text=True,
                                cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        outputs.append({path.name: sha256(path) for path in sorted(out.iterdir())})
    assert len(outputs[0]) == 3 and outputs[0] == outputs[1], outputs


# == text the bad-input corpus found: each test failed before its fix ==========================================


def _brief_with(tmp_path: Path, change) -> Path:
    data = brief_json("content")
    change(data)
    path = tmp_path / "brief" / "content.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _run_properties(pptx_path: Path, needle: str) -> list[dict]:
    """The rPr attributes of every run (and field) whose text contains ``needle``."""
    from lxml import etree

    found = []
    with zipfile.ZipFile(pptx_path) as package:
        for name in package.namelist():
            if not re.fullmatch(r"ppt/slides/slide\d+\.xml", name):
                continue
            for run in etree.fromstring(package.read(name)).iter(f"{A_NS}r"):
                if needle in "".join(run.itertext()):
                    found.append(dict(run.find(f"{A_NS}rPr").attrib))
    return found


@pytest.mark.parametrize("own", ["en", "zh-Hant"])
def test_han_text_in_a_plain_string_is_tagged_zh_hk_whatever_the_brief_language(own, tmp_path):
    """LibreOffice draws a Han run tagged en-GB with Japanese glyph forms; the tag must follow the script."""
    bullet = "創新及科技基金支持本地初創企業"

    def change(data):
        data["meta"]["language"] = own
        data["sections"][0]["bullets"][0] = bullet  # a plain string: no language of its own

    result = do_build(_brief_with(tmp_path, change), "default", tmp_path / "out")
    deck = next(p for p in result.written if p.suffix == ".pptx")
    runs = _run_properties(deck, bullet)
    assert runs and all(r["lang"] == "zh-HK" for r in runs), runs


def test_characters_outside_the_bmp_extract_as_themselves(tmp_path):
    """𨋢 (U+282E2) and 𠝹 (U+20779), HKSCS / Ext-B: the ToUnicode map must give them as UTF-16 surrogate pairs."""
    summary = "升降機（𨋢）與𠝹字測試：香港增補字符集"

    def change(data):
        data["sections"][0]["summary"] = {"en": summary, "zh-Hant": summary}

    result = do_build(_brief_with(tmp_path, change), "default", tmp_path / "out")
    pdf = next(p for p in result.written if p.suffix == ".pdf")
    pdftotext = require_tool("pdftotext")
    text = subprocess.run([pdftotext, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "𨋢" in text and "𠝹" in text, [ch for ch in text if ord(ch) > 0xFFFF or 0x2800 <= ord(ch) <= 0x28FF]
    assert "\u282e" not in text and "\u2077" not in text  # what reportlab's 5-digit entries read as
    extracted = "".join(page.extract_text() for page in pypdf.PdfReader(str(pdf)).pages)
    assert "𨋢" in extracted and "𠝹" in extracted


def test_zero_width_characters_are_kept_in_the_deck_and_never_drawn_in_the_pdf(tmp_path):
    """ZWJ/ZWNJ drew visible marks in the PDF; U+2060 and U+FEFF were refused as "not in any bundled font"."""
    bullet = "Zero\u200dwidth\u200cjoiners, a word\u2060joiner and a stray\ufeffBOM"

    def change(data):
        data["sections"][0]["bullets"][0] = bullet

    content = _brief_with(tmp_path, change)
    result = do_build(content, "default", tmp_path / "out")
    deck = next(p for p in result.written if p.suffix == ".pptx")
    pdf = next(p for p in result.written if p.suffix == ".pdf")
    assert _run_properties(deck, bullet), "the deck keeps the text as written"
    with pdfplumber.open(str(pdf)) as document:
        drawn = "".join(char["text"] for page in document.pages for char in page.chars)
    assert not set(drawn) & set("\u200b\u200c\u200d\u2060\ufeff"), "a zero-width character was drawn as a glyph"



def test_a_title_too_long_for_the_footer_names_meta_title_and_says_what_to_do(tmp_path):
    """Before, a 300-character title failed naming meta.short_title, which the file did not have."""
    def change(data):
        data["meta"]["title"] = ("Hong Kong as a global hub for innovation and technology " * 6)[:300]
        data["meta"].pop("short_title", None)

    content = _brief_with(tmp_path, change)
    with pytest.raises(HkbriefError) as info:
        do_build(content, "default", tmp_path / "out")
    messages = [str(p) for p in info.value.problems]
    assert all("meta.short_title:" not in m for m in messages), messages
    assert any(m.startswith(f"{content}: meta.title: on slide ") and "add one of at most 80 characters" in m
               for m in messages), messages


def test_a_fit_failure_says_how_many_lines_and_characters_to_cut(tmp_path):
    def change(data):
        data["sections"][0]["bullets"] = ["A bullet long enough to take a couple of lines on a slide. " * 3] * 12

    content = _brief_with(tmp_path, change)
    layout = tmp_path / "fail.toml"
    layout.write_text('extends = "default"\n[deck.fit]\nbody = "fail"\n', encoding="utf-8")
    with pytest.raises(HkbriefError) as info:
        do_build(content, str(layout), tmp_path / "out")
    messages = [str(p) for p in info.value.problems]
    assert any(re.search(r"text does not fit: [\d.]+ pt too tall: cut about [\d,]+ lines? \([\d,]+ characters\)"
                         r" of [\d,]+", m) for m in messages), messages


def test_frames_under_the_fail_policy_keep_their_size_in_the_viewer_too(tmp_path):
    """ "fail" says the text is never smaller than its size: such frames get noAutofit, all others normAutofit."""
    from lxml import etree

    layout = tmp_path / "fail.toml"
    layout.write_text('extends = "default"\n[deck.fit]\nbody = "fail"\n', encoding="utf-8")
    result = do_build(CONTENT, str(layout), tmp_path / "out")
    deck = next(p for p in result.written if p.suffix == ".pptx")
    kinds: dict[str, set[str]] = {}
    prs = presentation(deck)
    for slide in prs.slides:
        for shape in slide.shapes:
            if not shape.has_text_frame or not shape.text_frame.text.strip():
                continue
            body = shape.text_frame._txBody.find(f"{A_NS}bodyPr")
            autofit = {etree.QName(child).localname for child in body}
            kinds.setdefault(shape.name.split("/")[-1].split("#")[0], set()).update(autofit)
    assert kinds.get("body") == {"noAutofit"}, kinds
    assert all(v == {"normAutofit"} for k, v in kinds.items() if k != "body"), kinds



def test_a_word_too_long_for_the_page_fails_naming_the_summary_not_vanishing(tmp_path):
    """Before, a 5,000-character word in a summary left its section off the one-pager, exit 0."""
    def change(data):
        data["sections"][1]["summary"] = "x" * 5000

    content = _brief_with(tmp_path, change)
    out = tmp_path / "out"
    with pytest.raises(HkbriefError) as info:
        do_build(content, "default", out)
    [message] = [str(p) for p in info.value.problems]
    assert message.startswith(f"{content}: sections[1].summary: too long for the one-pager"), message
    assert re.search(r"cut about [\d,]+ lines \([\d,]+ characters\)", message), message
    assert not out.exists()

