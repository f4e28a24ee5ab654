"""A composition check that does not trust the plan: it looks at what LibreOffice drew and what the PDF holds.

``fitcheck`` asks whether text stays inside its boxes; this asks whether the pages look composed. It reads the
deck with python-pptx (shape names and boxes, the deck's public structure), the characters LibreOffice drew on
each slide and the characters and rectangles of the one-pager PDF (pdfplumber), and reports

- a **sparse continuation** slide: a text shape named ``...#N`` (a continued body, agenda or list) under
  ``SPARSE_FILL`` full, while the same text on the slide before left room for it;
- an **empty grid slot**: stat cards (``.../card`` shapes, or filled rectangles holding text on the one-pager) in
  rows of unequal counts, or a row that does not span the width the widest row spans;
- a **hollow card**: a card whose text sits off its middle, leaving more than ``HOLLOW_SHARE`` of the card's height
  more blank below the text than above it (or the reverse); cards of one height side by side in a row are judged
  together, by the text of the whole row (their values start level, so a shorter label leaves blank under it);
- **values out of line**: cards of one row whose values (their largest text, font by font) start more than
  ``LEVEL_TOLERANCE`` apart;
- a **quote bar** (``quote:*/bar`` on a slide, a thin vertical rectangle beside text on the one-pager) that runs
  more than ``BAR_TOLERANCE`` past the first or last line of the quote beside it;
- a **blank band**: a full-width strip of the one-pager, between the first and the last thing drawn, with
  nothing in it and taller than ``BLANK_BAND_SHARE`` of the page height;
- **uneven columns**: body-text columns of the one-pager side by side whose last lines end more than one line
  apart;
- **text through a rule**: a line of text crossing a horizontal rule (a column running down into the rule above
  the sources, a body running into the footer rule).

Every check returns readable findings (slide or page, shape, figures); ``assert_*`` wrappers fail with all of
them. Nothing from ``hkbrief`` is imported, so the judge stays independent of what it judges.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

EMU_PER_POINT = 12_700
SPARSE_FILL = 0.40  # a continuation slide's text should fill at least this share of its box ...
ROOM_SLACK = 0.9  # ... unless the slide before had no room for it (its text would need this share of the room)
HOLLOW_SHARE = 0.20  # blank below the text minus blank above it, as a share of the card's height
BAR_TOLERANCE = 3.0  # points a quote bar may run past its quote's glyph boxes, above or below
BLANK_BAND_SHARE = 0.08  # of the page height
ROW_TOLERANCE = 2.0  # points: cards whose tops are this close are in one row
LEVEL_TOLERANCE = 1.0  # points: the values of one row start within this of each other
SPAN_TOLERANCE = 0.05  # a row may be this share of the widest row's span short before it counts as a hole
RULE_MAX_HEIGHT = 3.5  # points: a filled rectangle at most this tall and ...
RULE_MIN_WIDTH = 40.0  # ... at least this wide is a rule
BAR_MAX_WIDTH = 5.0  # points: a filled rectangle at most this wide and ...
BAR_MIN_HEIGHT = 12.0  # ... at least this tall is a quote bar
CORE = 0.3  # a glyph crosses a rule when the rule passes through the middle (1 - 2 x CORE) of its box


@dataclass(frozen=True, slots=True)
class Rect:
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def w(self) -> float:
        return self.x1 - self.x0

    @property
    def h(self) -> float:
        return self.bottom - self.top

    def holds(self, x: float, y: float, tolerance: float = 1.0) -> bool:
        return (self.x0 - tolerance <= x <= self.x1 + tolerance
                and self.top - tolerance <= y <= self.bottom + tolerance)


@dataclass(frozen=True, slots=True)
class Shape:
    slide: int
    name: str
    box: Rect
    text: str


@dataclass(frozen=True, slots=True)
class Glyph:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    font: str = ""
    size: float = 0.0

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.top + self.bottom) / 2


# -- reading --------------------------------------------------------------------------------------------------


def deck_shapes(pptx_path: Path | str) -> list[list[Shape]]:
    """Every shape of every slide (groups walked), with its name, box in points and text."""
    from pptx import Presentation
    from pptx.shapes.group import GroupShape

    slides: list[list[Shape]] = []
    for number, slide in enumerate(Presentation(str(pptx_path)).slides, start=1):
        found: list[Shape] = []

        def walk(shapes, _found=found, _number=number) -> None:
            for shape in shapes:
                if isinstance(shape, GroupShape):
                    walk(shape.shapes)
                    continue
                if shape.left is None or shape.width is None:
                    continue
                x, y = shape.left / EMU_PER_POINT, shape.top / EMU_PER_POINT
                box = Rect(x, y, x + shape.width / EMU_PER_POINT, y + shape.height / EMU_PER_POINT)
                text = shape.text_frame.text if getattr(shape, "has_text_frame", False) else ""
                _found.append(Shape(_number, shape.name, box, text))

        walk(slide.shapes)
        slides.append(found)
    return slides


def read_pdf(pdf_path: Path | str) -> list[tuple[float, float, list[Glyph], list[tuple[Rect, tuple]]]]:
    """Per page: width, height, the drawn non-space characters, and the filled rectangles with their colour."""
    import pdfplumber

    pages = []
    with pdfplumber.open(str(pdf_path)) as pdf:
        for page in pdf.pages:
            glyphs = [Glyph(c["text"], c["x0"], c["top"], c["x1"], c["bottom"], c.get("fontname", ""),
                            round(float(c.get("size", 0.0)), 1))
                      for c in page.chars if c["text"].strip()]
            rects = []
            for r in page.rects:
                if not r.get("fill"):
                    continue
                box = Rect(r["x0"], r["top"], r["x1"], r["bottom"])
                if box.w >= page.width - 1 and box.h >= page.height - 1:
                    continue  # the page background
                rects.append((box, tuple(r.get("non_stroking_color") or ())))
            pages.append((float(page.width), float(page.height), glyphs, rects))
    return pages


def _inside(glyphs: list[Glyph], box: Rect, tolerance: float = 1.0) -> list[Glyph]:
    return [g for g in glyphs if box.holds(*g.centre, tolerance)]


def _extent(glyphs: list[Glyph]) -> tuple[float, float]:
    return min(g.top for g in glyphs), max(g.bottom for g in glyphs)


def _line_height(glyphs: list[Glyph]) -> float:
    """The distance between consecutive lines of some text (the median step between distinct line tops)."""
    tops = sorted({round(g.top, 0) for g in glyphs})
    steps = [b - a for a, b in zip(tops, tops[1:]) if b - a > 1]
    if steps:
        return statistics.median(steps)
    return max((g.bottom - g.top for g in glyphs), default=10.0)


# -- the deck -------------------------------------------------------------------------------------------------

CONTINUED = re.compile(r"^(?P<base>.+)#(?P<part>\d+)$")


def check_deck(pptx_path: Path | str, pdf_path: Path | str) -> list[str]:
    """Composition findings for a deck as LibreOffice drew it (``pdf_path`` is LibreOffice's PDF of it)."""
    slides = deck_shapes(pptx_path)
    pages = read_pdf(pdf_path)
    findings: list[str] = []
    if len(pages) != len(slides):
        return [f"the PDF has {len(pages)} pages for {len(slides)} slides; cannot compare"]
    for index, (shapes, (_, _, glyphs, _)) in enumerate(zip(slides, pages)):
        number = index + 1
        findings += _sparse_continuation(number, shapes, glyphs, slides, pages)
        cards = [s for s in shapes if s.name.endswith("/card")]
        title = next((s.box for s in shapes if s.name.endswith("/title")), None)
        findings += _grid_holes(f"slide {number}", [s.box for s in cards if s.name.startswith("stat:")],
                                (title.x0, title.x1) if title else None)
        stat_cards = [(f"slide {number}, {s.name}", s.box) for s in cards if s.name.startswith("stat:")]
        findings += _card_text(stat_cards, glyphs)
        for card in cards:
            if card.name.startswith("stat:"):
                continue
            finding = _hollow(f"slide {number}, {card.name}", card.box, _inside(glyphs, card.box))
            if finding:
                findings.append(finding)
        for bar in (s for s in shapes if s.name.startswith("quote:") and s.name.endswith("/bar")):
            quote = next((s for s in shapes if s.name == bar.name.removesuffix("/bar")), None)
            if quote is not None:
                finding = _bar(f"slide {number}, {bar.name}", bar.box, _inside(glyphs, quote.box, 1.5))
                if finding:
                    findings.append(finding)
        rules = [s.box for s in shapes if not s.text and s.box.h <= RULE_MAX_HEIGHT and s.box.w >= RULE_MIN_WIDTH]
        findings += _through_rules(f"slide {number}", rules, glyphs)
    return findings


CHROME = ("/title", "/kicker", "/rule", "/footer", "/footer-rule", "/number")


def _covered(top: float, bottom: float, shapes: list[Shape], glyphs: list[Glyph]) -> float:
    """How much of the band ``top``-``bottom`` of a slide its content covers, in points: the vertical union of
    the glyphs LibreOffice drew for every text shape that is not chrome (title, kicker, footer) and of every
    other shape (cards, bands, bars, pictures) in that band."""
    spans = []
    for shape in shapes:
        if shape.name.endswith(CHROME):
            continue
        if shape.text.strip():
            drawn = _inside(glyphs, shape.box, 1.5)
            if drawn:
                spans.append(_extent(drawn))  # a text block covers its lines and the space between them
        else:
            spans.append((shape.box.top, shape.box.bottom))
    total, reach = 0.0, top
    for a, b in sorted((max(a, top), min(b, bottom)) for a, b in spans if b > top and a < bottom):
        if b > reach:
            total += b - max(a, reach)
            reach = b
    return total


def _sparse_continuation(number: int, shapes: list[Shape], glyphs: list[Glyph], slides, pages) -> list[str]:
    """A continued text (``name#N``) whose slide is under ``SPARSE_FILL`` full, measured over the continued
    text's box (its bands, cards and sidebars count as content), while the text on the slide before, over that
    same band, left room enough for it (moving that slide's band or sidebar here would have made the room)."""
    findings = []
    for shape in shapes:
        match = CONTINUED.match(shape.name)
        if not match or not shape.text.strip() or number < 2:
            continue
        part = int(match["part"])
        before_name = match["base"] if part == 2 else f"{match['base']}#{part - 1}"
        before = next((s for s in slides[number - 2] if s.name == before_name), None)
        drawn = _inside(glyphs, shape.box, 1.5)
        if before is None or not drawn:
            continue
        band = shape.box
        fill = _covered(band.top, band.bottom, shapes, glyphs) / band.h
        if fill >= SPARSE_FILL:
            continue
        # the slide before could take the text if its own text left room for it: a band or a sidebar there could
        # have moved to this slide, where it counts as content
        room = band.h - _covered(band.top, band.bottom, [before], pages[number - 2][2])
        room -= _line_height(drawn) * 0.5  # a paragraph's space before
        # the same text set again in the slide before's (maybe narrower) measure
        needed = _rewrapped_height(drawn, before.box.w)
        if needed <= room * ROOM_SLACK:
            findings.append(f"slide {number}, {shape.name}: sparse continuation, {fill:.0%} full, while slide "
                            f"{number - 1} left {room:.0f} pt free for its {needed:.0f} pt")
    return findings


def _rewrapped_height(glyphs: list[Glyph], width: float) -> float:
    """About how tall text drawn as ``glyphs`` would be at another measure: each paragraph's drawn lines laid end
    to end and broken again at ``width``, at the line pitch and paragraph spacing it was drawn with."""
    rows: list[list[Glyph]] = []
    for g in sorted(glyphs, key=lambda g: g.top):
        if rows and g.top - rows[-1][0].top < 1:
            rows[-1].append(g)
        else:
            rows.append([g])
    tops = [min(g.top for g in row) for row in rows]
    steps = [b - a for a, b in zip(tops, tops[1:])]
    pitch = min(steps) if steps else max(g.bottom - g.top for g in glyphs)
    widths: list[float] = [0.0]
    gaps = 0.0
    for i, row in enumerate(rows):
        if i and steps[i - 1] > pitch * 1.15:
            widths.append(0.0)
            gaps += steps[i - 1] - pitch
        widths[-1] += max(g.x1 for g in row) - min(g.x0 for g in row)
    measure = max(width * 0.95, 1.0)
    lines = sum(max(1, -(-w // measure)) for w in widths)
    return lines * pitch + gaps


def _grid_holes(where: str, cards: list[Rect], width: tuple[float, float] | None = None) -> list[str]:
    """Rows of stat cards: every row holds as many cards as the fullest one and spans as wide as the widest
    (and as ``width``, the content's left and right edges, when given); a card as tall as several rows counts
    in each."""
    if len(cards) < 2:
        return []
    tops: list[float] = []
    for card in sorted(cards, key=lambda c: c.top):
        if not tops or card.top - tops[-1] > ROW_TOLERANCE:
            tops.append(card.top)
    # a row holds the cards starting at its top and those above spanning down through it (a lead figure)
    rows = [sorted((c for c in cards if c.top <= top + ROW_TOLERANCE and c.bottom > top + ROW_TOLERANCE),
                   key=lambda c: c.x0) for top in tops]
    if all(len(row) == 1 for row in rows):
        return []  # a stack of cards in a sidebar, not a grid
    findings = []
    most = max(len(row) for row in rows)
    left = min(c.x0 for row in rows for c in row)
    right = max(c.x1 for row in rows for c in row)
    if width is not None:
        left, right = min(left, width[0]), max(right, width[1])
    for i, row in enumerate(rows, start=1):
        span = max(c.x1 for c in row) - min(c.x0 for c in row)
        if len(row) < most:
            findings.append(f"{where}: empty grid slot, row {i} of {len(rows)} holds {len(row)} of {most} cards")
        elif span < (right - left) * (1 - SPAN_TOLERANCE):
            findings.append(f"{where}: empty grid slot, row {i} spans {span:.0f} of {right - left:.0f} pt")
    return findings


def _card_text(cards: list[tuple[str, Rect]], glyphs: list[Glyph]) -> list[str]:
    """Hollow cards and values out of line: cards of one top and height in a row are judged together (the
    text of the row as one block, and each card's value level with its neighbours'); a card alone,
    or one spanning rows, by its own text."""
    rows: dict[tuple[int, int], list[tuple[str, Rect]]] = defaultdict(list)
    for where, box in cards:
        rows[(round(box.top / ROW_TOLERANCE), round(box.h / ROW_TOLERANCE))].append((where, box))
    findings = []
    for row in rows.values():
        inside = [_inside(glyphs, box) for _, box in row]
        if len(row) == 1:
            finding = _hollow(row[0][0], row[0][1], inside[0])
        else:
            finding = _hollow(" and ".join(where for where, _ in row), row[0][1], [g for i in inside for g in i])
            findings += _out_of_line([where for where, _ in row], inside)
        if finding:
            findings.append(finding)
    return findings


def _out_of_line(wheres: list[str], inside: list[list[Glyph]]) -> list[str]:
    """The values of a row (each card's largest text) start level: compared font by font (a Chinese font's
    box stands higher or lower than a Latin one's on the same baseline)."""
    tops: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for where, glyphs in zip(wheres, inside):
        if not glyphs:
            continue
        size = max(g.size for g in glyphs)
        value = [g for g in glyphs if g.size == size]
        for font in {g.font for g in value}:
            tops[font].append((where, min(g.top for g in value if g.font == font)))
    findings = []
    for found in tops.values():
        if len(found) > 1 and max(t for _, t in found) - min(t for _, t in found) > LEVEL_TOLERANCE:
            findings.append("values out of line: " + ", ".join(f"{where} at y = {top:.1f}" for where, top in found))
    return findings


def _hollow(where: str, card: Rect, inside: list[Glyph]) -> str | None:
    if not inside or card.h < 20:
        return None
    top, bottom = _extent(inside)
    above, below = top - card.top, card.bottom - bottom
    if abs(below - above) > HOLLOW_SHARE * card.h:
        side = "below" if below > above else "above"
        return (f"{where}: hollow card, {max(above, below):.0f} pt blank {side} the text and "
                f"{min(above, below):.0f} pt on the other side of a {card.h:.0f} pt card")
    return None


def _bar(where: str, bar: Rect, quote: list[Glyph]) -> str | None:
    if not quote:
        return None
    top, bottom = _extent(quote)
    problems = []
    if bar.bottom > bottom + BAR_TOLERANCE:
        problems.append(f"{bar.bottom - bottom:.1f} pt past the last line")
    if bar.top < top - BAR_TOLERANCE:
        problems.append(f"{top - bar.top:.1f} pt above the first line")
    if bar.bottom < bottom - (bottom - top) * 0.1 - BAR_TOLERANCE:
        problems.append(f"{bottom - bar.bottom:.1f} pt short of the last line")
    if problems:
        return f"{where}: quote bar does not match its quote: " + ", ".join(problems)
    return None


def _through_rules(where: str, rules: list[Rect], glyphs: list[Glyph]) -> list[str]:
    findings = []
    for rule in rules:
        crossed = [g for g in glyphs
                   if g.x1 > rule.x0 + 1 and g.x0 < rule.x1 - 1
                   and g.top + CORE * (g.bottom - g.top) < rule.bottom
                   and g.bottom - CORE * (g.bottom - g.top) > rule.top]
        if crossed:
            text = "".join(g.text for g in sorted(crossed, key=lambda g: (g.top, g.x0)))
            findings.append(f"{where}: text through the rule at y = {rule.top:.1f} pt: {text[:60]!r}")
    return findings


# -- the one-pager --------------------------------------------------------------------------------------------


def check_onepager(pdf_path: Path | str) -> list[str]:
    """Composition findings for a one-pager PDF (its first page)."""
    pages = read_pdf(pdf_path)
    if not pages:
        return ["the one-pager has no page"]
    width, height, glyphs, rects = pages[0]
    findings: list[str] = []
    findings += _blank_bands(height, glyphs, [r for r, _ in rects])
    findings += _columns(glyphs, [r for r, _ in rects])
    cards = _cards(glyphs, rects)
    rules = [r for r, _ in rects if r.h <= RULE_MAX_HEIGHT and r.w >= RULE_MIN_WIDTH]
    widest = max(rules, key=lambda r: r.w, default=None)
    findings += _grid_holes("one-pager stats", cards, (widest.x0, widest.x1) if widest else None)
    findings += _card_text([(f"one-pager, card at ({card.x0:.0f}, {card.top:.0f})", card) for card in cards], glyphs)
    lines = _text_lines(glyphs)
    for bar in (r for r, _ in rects if r.w <= BAR_MAX_WIDTH and r.h >= BAR_MIN_HEIGHT):
        block = _block_beside(bar, lines)
        if block:
            finding = _bar(f"one-pager, quote bar at ({bar.x0:.0f}, {bar.top:.0f})", bar,
                           [Glyph("", r.x0, r.top, r.x1, r.bottom) for r in block])
            if finding:
                findings.append(finding)
    findings += _through_rules("one-pager", rules, glyphs)
    return findings


def _block_beside(bar: Rect, lines: list[Rect]) -> list[Rect]:
    """The lines a bar marks: those starting just right of it, from the one nearest its top down while each
    follows the one before closely (a paragraph's space, not a block's)."""
    beside = sorted((r for r in lines if bar.x1 <= r.x0 <= bar.x1 + 20
                     and bar.top - 20 <= r.top <= bar.bottom + 20), key=lambda r: r.top)
    if not beside:
        return []
    first = min(range(len(beside)), key=lambda i: abs(beside[i].top - bar.top))
    kept = [beside[first]]
    for line in beside[first + 1:]:
        if line.top - kept[-1].bottom <= (kept[-1].bottom - kept[-1].top) * 1.2:
            kept.append(line)
        else:
            break
    return kept


def _blank_bands(height: float, glyphs: list[Glyph], rects: list[Rect]) -> list[str]:
    """Full-width strips with nothing drawn, between the first and the last thing on the page."""
    spans = sorted([(g.top, g.bottom) for g in glyphs] + [(r.top, r.bottom) for r in rects])
    if not spans:
        return []
    findings = []
    reach = spans[0][1]
    for top, bottom in spans[1:]:
        if top - reach > BLANK_BAND_SHARE * height:
            findings.append(f"one-pager: blank band of {top - reach:.0f} pt ({(top - reach) / height:.1%} of the "
                            f"page height) from y = {reach:.0f} to {top:.0f} pt")
        reach = max(reach, bottom)
    return findings


def _body_font(glyphs: list[Glyph]) -> tuple[str, float] | None:
    counts: dict[tuple[str, float], int] = defaultdict(int)
    for g in glyphs:
        counts[(g.font, g.size)] += 1
    return max(counts, key=counts.get) if counts else None


def _text_lines(glyphs: list[Glyph]) -> list[Rect]:
    """Glyphs joined into lines: tops within a point, horizontally close (a gap over 1.5 em starts another)."""
    rows: list[list[Glyph]] = []
    for g in sorted(glyphs, key=lambda g: g.top):
        if rows and g.top - rows[-1][0].top < 1:
            rows[-1].append(g)
        else:
            rows.append([g])
    lines: list[Rect] = []
    for row in rows:
        current: Rect | None = None
        for g in sorted(row, key=lambda g: g.x0):
            if current is not None and g.x0 - current.x1 < 1.5 * (g.bottom - g.top):
                current = Rect(current.x0, min(current.top, g.top), max(current.x1, g.x1),
                               max(current.bottom, g.bottom))
            else:
                if current is not None:
                    lines.append(current)
                current = Rect(g.x0, g.top, g.x1, g.bottom)
        if current is not None:
            lines.append(current)
    return lines


def _columns(glyphs: list[Glyph], rects: list[Rect]) -> list[str]:
    """Body-text columns side by side (the most used font's size, in any font, outside cards and quotations) end
    within one line."""
    filled = [r for r in rects if r.w > 20 and r.h > 20]
    bars = [r for r in rects if r.w <= BAR_MAX_WIDTH and r.h >= BAR_MIN_HEIGHT]

    def quoted(g: Glyph) -> bool:
        """Beside a quote bar: quotations side by side are not text columns."""
        return any(b.top - 2 <= g.centre[1] <= b.bottom + 2 and b.x1 <= g.x0 <= b.x1 + 300 for b in bars)

    glyphs = [g for g in glyphs if not quoted(g) and not any(r.holds(*g.centre, 0) for r in filled)]
    body = _body_font(glyphs)
    if body is None:
        return []
    # lines from every glyph, kept when mostly at the body size: a Latin word in a Chinese line is in another font,
    # and a bilingual page sets its Chinese body text in the East Asian font at the English body's size
    lines = [line for line in _text_lines(glyphs)
             if 2 * sum(1 for g in _inside(glyphs, line, 0) if abs(g.size - body[1]) < 0.05)
             > len(_inside(glyphs, line, 0))]
    if not lines:
        return []
    # columns: lines starting at the same x (at least three of them)
    starts: list[list[Rect]] = []
    for line in sorted(lines, key=lambda r: r.x0):
        if starts and abs(starts[-1][0].x0 - line.x0) <= 2.5:
            starts[-1].append(line)
        else:
            starts.append([line])
    columns = [col for col in starts if len(col) >= 3]
    if len(columns) < 2:
        return []
    step = statistics.median(_step(col) for col in columns)
    ends = [(min(l.x0 for l in col), max(l.bottom for l in col), min(l.top for l in col)) for col in columns]
    # only columns that share vertical space are side by side
    findings = []
    groups: list[list[tuple[float, float, float]]] = []
    for end in sorted(ends, key=lambda e: e[2]):
        for group in groups:
            if any(end[2] < other[1] and other[2] < end[1] for other in group):
                group.append(end)
                break
        else:
            groups.append([end])
    for group in groups:
        if len(group) < 2:
            continue
        low, high = min(e[1] for e in group), max(e[1] for e in group)
        if high - low > step + 0.5:
            findings.append(f"one-pager: columns end {high - low:.0f} pt apart ({(high - low) / step:.1f} lines of "
                            f"{step:.1f} pt): " + ", ".join(f"x = {e[0]:.0f} ends at {e[1]:.0f}" for e in
                                                             sorted(group)))
    return findings


def _step(lines: list[Rect]) -> float:
    tops = sorted(l.top for l in lines)
    steps = [b - a for a, b in zip(tops, tops[1:]) if b - a > 1]
    return statistics.median(steps) if steps else max(l.bottom - l.top for l in lines)


def _cards(glyphs: list[Glyph], rects: list[tuple[Rect, tuple]]) -> list[Rect]:
    """Stat cards of the one-pager: filled rectangles in a row of two or more that hold text and carry a thin
    accent edge of the same width along their top (as the built-in layouts draw them)."""
    edges = [r for r, _ in rects if r.h <= RULE_MAX_HEIGHT]
    found = []
    for box, _ in rects:
        if box.h < 20 or box.w < 20 or box.w > 400:
            continue
        if not any(abs(e.x0 - box.x0) < 0.5 and abs(e.top - box.top) < 0.5 and abs(e.w - box.w) < 0.5 for e in edges):
            continue
        if _inside(glyphs, box, 0):
            found.append(box)
    return found


def assert_composed(findings: list[str], what: str) -> None:
    if findings:
        raise AssertionError(f"{what}: {len(findings)} composition finding(s):\n  " + "\n  ".join(findings))
