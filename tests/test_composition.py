"""Composition: every built-in layout, from the example brief (English and Traditional Chinese; its one-pager
bilingual too, stacked or side by side as the layout says), a short brief (3 sections, 4 stats, 2 quotes) and
the stress brief, judged by ``compcheck`` on LibreOffice's render of the deck
and on the one-pager PDF. See tests/compcheck.py for what counts as a finding.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest

import compcheck
import fitcheck
from conftest import CONTENT, ROOT, require_tool

pytest.importorskip("pdfplumber")
pytest.importorskip("pptx")

from hkbrief.build import OutputFormat, build  # noqa: E402
from hkbrief.layoutspec import builtin_layout_names  # noqa: E402
from hkbrief.model import BILINGUAL, Language  # noqa: E402

BRIEFS = {
    "content-en": (CONTENT, Language.EN),
    "content-zh": (CONTENT, Language.ZH_HANT),
    "short": (ROOT / "tests" / "data" / "short.json", None),
    "stress": (ROOT / "tests" / "data" / "stress.json", None),
}


@dataclass(frozen=True, slots=True)
class Case:
    layout: str
    brief: str

    @property
    def id(self) -> str:
        return f"{self.layout}-{self.brief}"


CASES = [Case(layout, brief) for layout in builtin_layout_names() for brief in BRIEFS]

# Known findings, before the composition fixes land: each one is expected to fail until its fix makes it pass
# (strict, so a case that starts passing must be taken off this list).
KNOWN_DECK: set[str] = set()
KNOWN_ONEPAGER: set[str] = set()


def known(case: Case, failing: set[str]):
    marks = [pytest.mark.xfail(strict=True, reason="composition finding not yet fixed")] \
        if case.id in failing else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[Case, tuple[Path, Path]]:
    out = tmp_path_factory.mktemp("composition")
    made = {}
    with mock.patch.dict(os.environ):
        os.environ.pop("SOURCE_DATE_EPOCH", None)
        for case in CASES:
            content, language = BRIEFS[case.brief]
            result = build(content, case.layout, out / case.id, language=language)
            pptx_path = next(p for p in result.written if p.suffix == ".pptx")
            pdf_path = next(p for p in result.written if p.suffix == ".pdf")
            made[case] = (pptx_path, pdf_path)
    return made


@pytest.fixture(scope="module")
def rendered(built, tmp_path_factory) -> dict[Case, tuple[Path, Path]]:
    """Each deck (copied under its case's name) and LibreOffice's PDF of it; two LibreOffice processes."""
    soffice = require_tool("soffice")
    stage = tmp_path_factory.mktemp("composition-decks")
    decks = []
    for case in CASES:
        target = stage / f"{case.id}.pptx"
        target.write_bytes(built[case][0].read_bytes())
        decks.append((case, target))
    # Judge only where LibreOffice has the fonts the decks were planned with; otherwise say which are missing.
    problems = sorted({problem for _, deck in decks for problem in fitcheck.font_problems(deck)})
    if problems:
        pytest.fail("cannot judge the decks with LibreOffice on this machine:\n  " + "\n  ".join(problems))
    decks.sort(key=lambda item: item[1].stat().st_size, reverse=True)
    batches: list[list[tuple[Case, Path]]] = [decks[0::2], decks[1::2]]
    out = tmp_path_factory.mktemp("composition-pdf")
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(
            lambda batch: fitcheck.convert_with_libreoffice(soffice, [deck for _, deck in batch], out), batches))
    return {case: (deck, pdf) for batch, pdfs in zip(batches, results) for (case, deck), pdf in zip(batch, pdfs)}


@pytest.mark.parametrize("case", [known(case, KNOWN_DECK) for case in CASES])
def test_deck_is_composed(case, rendered):
    deck, pdf = rendered[case]
    compcheck.assert_composed(compcheck.check_deck(deck, pdf), f"{case.id} deck as LibreOffice draws it")


@pytest.mark.parametrize("case", [known(case, KNOWN_ONEPAGER) for case in CASES])
def test_onepager_is_composed(case, built):
    compcheck.assert_composed(compcheck.check_onepager(built[case][1]), f"{case.id} one-pager")


@pytest.mark.parametrize("layout", builtin_layout_names())
def test_bilingual_onepager_is_composed(layout, tmp_path):
    result = build(CONTENT, layout, tmp_path, (OutputFormat.PDF,), language=BILINGUAL)
    compcheck.assert_composed(compcheck.check_onepager(result.written[0]), f"{layout} bilingual one-pager")


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("count", range(1, 9))
def test_every_count_of_figures_makes_a_onepager_grid_without_a_hole(count, paper, tmp_path):
    """5 and 7 figures had left a row one card short (3 + 2, 4 + 3): now a lead figure stands beside full rows."""
    layout = tmp_path / "figures.toml"
    layout.write_text(f'extends = "default"\n[onepager]\nmax_stats = {count}\npaper = "{paper}"\n',
                      encoding="utf-8")
    result = build(CONTENT, str(layout), tmp_path / "out", (OutputFormat.PDF,), language=Language.EN)
    findings = compcheck.check_onepager(result.written[0])
    compcheck.assert_composed(findings, f"{count} figures on {paper}")
    import pdfplumber
    with pdfplumber.open(str(result.written[0])) as pdf:
        assert len(pdf.pages) == 1
        text = pdf.pages[0].extract_text()
    values = ["HK$10 billion", "14,200", "15,500", "HK$1 billion", "4,694", "1,800", "Over 87 million", "5"]
    assert all(value in text for value in values[:count]), (count, text[:400])


def test_five_cards_on_a_slide_of_six_lead_beside_full_rows(tmp_path):
    """A layout of six cards a slide puts 13 figures 5 + 4 + 4: the five had been 3 + 2, a row short."""
    soffice = require_tool("soffice")
    layout = tmp_path / "six.toml"
    layout.write_text('extends = "default"\n[deck]\nstats = "grid"\nstats_per_slide = 6\n', encoding="utf-8")
    result = build(CONTENT, str(layout), tmp_path / "out", (OutputFormat.PPTX,), language=Language.EN)
    [pdf] = fitcheck.convert_with_libreoffice(soffice, [result.written[0]], tmp_path / "pdf")
    compcheck.assert_composed(compcheck.check_deck(result.written[0], pdf), "six a slide")
    assert fitcheck.check_deck(result.written[0], pdf) == []
    first = next(shapes for shapes in compcheck.deck_shapes(result.written[0])
                 if sum(s.name.endswith("/card") for s in shapes) == 5)
    cards = sorted((s.box for s in first if s.name.endswith("/card")), key=lambda b: (b.x0, b.top))
    assert cards[0].h > 1.9 * cards[1].h  # the lead, as tall as the two rows beside it
    assert len({round(b.w, 1) for b in cards}) == 1


# -- the judge itself -------------------------------------------------------------------------------------------


def test_compcheck_finds_a_blank_band_uneven_columns_a_long_bar_and_a_hollow_card(tmp_path):
    """A hand-drawn page with each fault once: the check must name every one."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "faulty.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    height = A4[1]

    def top_down(x, y, text, size=9):
        canvas.setFont("Helvetica", size)
        canvas.drawString(x, height - y, text)

    top_down(40, 60, "A header line across the page", 18)
    for row in range(12):  # two body columns: the left one ends six lines early
        top_down(40, 120 + row * 12, "left column body text line")
        if row < 6:
            continue
        top_down(300, 48 + row * 12, "right column body text line")
    canvas.setFillColorRGB(0.9, 0.9, 0.9)  # a card with its text at the top
    canvas.rect(40, height - 400, 120, 100, stroke=0, fill=1)
    canvas.rect(180, height - 400, 120, 100, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0.3, 0.4)
    canvas.rect(40, height - 303, 120, 3, stroke=0, fill=1)
    canvas.rect(180, height - 303, 120, 3, stroke=0, fill=1)
    canvas.rect(40, height - 560, 2.5, 80, stroke=0, fill=1)  # a bar twice as tall as its two lines
    canvas.setFillColorRGB(0, 0, 0)
    top_down(46, 312, "Value")
    top_down(186, 312, "Value")
    top_down(50, 490, "A quoted line")
    top_down(50, 502, "and another")
    top_down(40, 800, "Sources: the footer, far below everything else", 7)
    canvas.save()
    findings = compcheck.check_onepager(path)
    text = "\n".join(findings)
    assert "blank band" in text, findings
    assert "columns end" in text, findings
    assert "quote bar" in text and "past the last line" in text, findings
    assert "hollow card" in text, findings


def test_compcheck_finds_a_hole_in_a_grid_and_a_sparse_continuation(tmp_path):
    """A two-slide deck: three cards in a 2 x 2 grid, then a continuation slide of one line after room."""
    soffice = require_tool("soffice")
    from pptx import Presentation
    from pptx.util import Pt

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    title = slide.shapes.add_textbox(Pt(40), Pt(20), Pt(640), Pt(40))
    title.name, title.text_frame.text = "stats/title", "Key figures"
    for i in range(3):
        r, c = divmod(i, 2)
        card = slide.shapes.add_shape(1, Pt(40 + c * 330), Pt(80 + r * 220), Pt(310), Pt(200))
        card.name = f"stat:s{i}/card"
    body = slide.shapes.add_textbox(Pt(40), Pt(500), Pt(300), Pt(20))
    body.name, body.text_frame.text = "section:a/body", "One short line"
    second = prs.slides.add_slide(prs.slide_layouts[6])
    cont = second.shapes.add_textbox(Pt(40), Pt(80), Pt(600), Pt(400))
    cont.name, cont.text_frame.text = "section:a/body#2", "Another short line"
    first_body = prs.slides[0].shapes[-1]
    first_body.height = Pt(400)
    first_body.top = Pt(80)
    path = tmp_path / "grid.pptx"
    prs.save(str(path))
    [pdf] = fitcheck.convert_with_libreoffice(soffice, [path], tmp_path / "pdf")
    findings = compcheck.check_deck(path, pdf)
    text = "\n".join(findings)
    assert "slide 1: empty grid slot, row 2 of 2 holds 1 of 2 cards" in text, findings
    assert "slide 2, section:a/body#2: sparse continuation" in text, findings
