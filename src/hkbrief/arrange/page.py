"""Brief x layout -> :class:`PagePlan`: the one-pager, always exactly one page.

The page is a vertical stack of the layout's blocks (header, stats, quotes, sections, sources). If it does not fit,
every text role shrinks together down to its minimum; if it still does not fit, the lowest-priority featured items
are left out one at a time (then, as a last resort, the last sections), and the plan lists what it left out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from hkbrief.arrange.common import Edition, document_properties
from hkbrief.arrange.deck import _format_date
from hkbrief.arrange.text import HEIGHT_SAFETY, Para, SetText, Typesetter, aligned
from hkbrief.errors import FitError
from hkbrief.geometry import A4, LETTER, Box, Insets
from hkbrief.labels import Label, colon, label
from hkbrief.layoutspec import Block, Layout, Paper, Role, RoleStyle
from hkbrief.model import FeatureKind, FeatureRef, Quote, Section, Stat
from hkbrief.plan import Align, Frame, FrameRole, PagePlan, VAlign

CARD = Insets(9, 8, 9, 8)
SCALE_STEP = 0.04


@dataclass(frozen=True, slots=True)
class _Content:
    """What is on the page in one attempt."""

    stats: tuple[Stat, ...]
    quotes: tuple[Quote, ...]
    sections: tuple[Section, ...]


class PageArranger:
    def __init__(self, edition: Edition, layout: Layout, typesetter: Typesetter, paper: Paper | None) -> None:
        self.e = edition
        self.spec = layout.onepager
        self.colors = layout.theme.colors
        self.ts = typesetter
        paper = paper or self.spec.paper
        self.size = A4 if paper is Paper.A4 else LETTER
        m = self.spec.margins
        self.content = Box(m.left, m.top, self.size.w - m.left - m.right, self.size.h - m.top - m.bottom)
        self.scale = 1.0
        self._section_heights: dict = {}

    def role(self, role: Role) -> RoleStyle:
        return self.spec.roles[role]

    def lh(self, role: Role) -> float:
        r = self.role(role)
        return _size(r, self.scale) * r.line_spacing

    def text(self, name: str, paras: list[Para], box: Box, insets: Insets = Insets(),
             valign: VAlign = VAlign.TOP) -> tuple[Frame, float]:
        """Set paragraphs at the page's current scale into a box of the given width; returns frame and height."""
        setting: SetText = self.ts.set(paras, box.w - insets.left - insets.right, self.scale)
        height = setting.height / HEIGHT_SAFETY + insets.top + insets.bottom
        full = Box(box.x, box.y, box.w, max(box.h, height))
        inner_h = full.h - insets.top - insets.bottom
        return Frame(name, FrameRole.TEXT, full, aligned(setting, inner_h, valign), insets, valign), full.h

    # blocks -------------------------------------------------------------------------------------------------
    def header(self, y: float) -> tuple[list[Frame], float]:
        e, meta = self.e, self.e.brief.meta
        c = self.content
        title_role = self.role(Role.TITLE)
        banded = title_role.on != self.colors["background"]
        pad = Insets(16, 14, 16, 14) if banded else Insets(0, 0, 0, 6)
        inner_w = c.w - pad.left - pad.right
        frames: list[Frame] = []
        cursor = y + pad.top
        handling = e.t(meta.handling)
        if handling:
            frame, h = self.text("header/handling", [Para(handling.upper(), self.role(Role.CAPTION),
                                                          e.lang(meta.handling), align=Align.RIGHT)],
                                 Box(c.x + pad.left, cursor, inner_w, 0))
            frames.append(frame)
            cursor += h + 2
        title = Para(e.t(meta.title), title_role, e.lang(meta.title), balance=True)
        frame, h = self.text("header/title", [title], Box(c.x + pad.left, cursor, inner_w * 0.86, 0))
        frames.append(replace(frame, role=FrameRole.TITLE, keep_breaks=True))
        cursor += h
        sub_role = self.role(Role.SUBTITLE)
        paras = []
        if meta.subtitle:
            paras.append(Para(e.t(meta.subtitle), sub_role, e.lang(meta.subtitle), space_before=0.3))
        dateline = f"{_format_date(meta.date, e.language)}  \u00b7  {e.t(meta.organisation)}"
        paras.append(Para(dateline, replace(sub_role, weight=self.role(Role.HEADING).weight),
                          e.lang(meta.organisation), space_before=0.5))
        frame, h = self.text("header/subtitle", paras, Box(c.x + pad.left, cursor + 4, inner_w * 0.86, 0))
        frames.append(frame)
        cursor += h + 4 + pad.bottom
        height = cursor - y
        background = [Frame("header/band", FrameRole.SHAPE, Box(c.x, y, c.w, height), fill=title_role.on)] if banded \
            else [Frame("header/rule", FrameRole.SHAPE, Box(c.x, y + height - 1.5, c.w, 1.5), fill=self.colors["rule"])]
        return background + frames, height

    def stats(self, y: float, stats: tuple[Stat, ...], markers: dict[str, int]) -> tuple[list[Frame], float]:
        """Stat callouts in rows of at most four, rows as even as possible (6 -> 3 + 3), one value size."""
        if not stats:
            return [], 0.0
        c = self.content
        gap = self.spec.gutter * 0.75
        rows = -(-len(stats) // 4)
        per_row = -(-len(stats) // rows)
        w = (c.w - gap * (per_row - 1)) / per_row
        e = self.e
        value_role = self.role(Role.STAT_VALUE)
        inner_w = w - CARD.left - CARD.right
        cap = min(self.ts.one_line_size(e.t(s.value), value_role, _size(value_role, self.scale), inner_w)
                  for s in stats)
        frames: list[Frame] = []
        top = y
        for row in range(rows):
            group = stats[row * per_row:(row + 1) * per_row]
            settings = []
            for i, stat in enumerate(group):
                marker = f" [{markers[stat.source]}]"
                paras = [Para(e.t(stat.value), value_role, e.lang(stat.value), one_line=True, size_cap=cap),
                         Para(e.t(stat.label) + marker, self.role(Role.STAT_LABEL), e.lang(stat.label),
                              space_before=0.35)]
                settings.append(self.text(f"stat:{stat.id}", paras, Box(c.x + i * (w + gap), top, w, 0), CARD))
            height = max(h for _, h in settings) + 3
            for (frame, _), stat in zip(settings, group):
                box = Box(frame.box.x, top, w, height)
                frames.append(Frame(f"stat:{stat.id}/card", FrameRole.SHAPE, box, fill=value_role.on))
                frames.append(Frame(f"stat:{stat.id}/edge", FrameRole.SHAPE, Box(box.x, top, w, 3),
                                    fill=self.colors["accent"]))
                frames.append(replace(frame, box=Box(box.x, top + 3, w, height - 3)))
            top += height + gap
        return frames, top - gap - y

    def quotes(self, y: float, quotes: tuple[Quote, ...], markers: dict[str, int]) -> tuple[list[Frame], float]:
        if not quotes:
            return [], 0.0
        c = self.content
        gap = self.spec.gutter
        w = (c.w - gap * (len(quotes) - 1)) / len(quotes)
        placed = []
        for i, quote in enumerate(quotes):
            e = self.e
            attribution = f"\u2014 {e.t(quote.speaker)}, {e.attribution(quote)} [{markers[quote.source]}]"
            paras = [Para(e.quoted(quote), self.role(Role.QUOTE), e.lang(quote.text)),
                     Para(attribution, self.role(Role.ATTRIBUTION), e.lang(quote.title), space_before=0.5)]
            placed.append(self.text(f"quote:{quote.id}", paras, Box(c.x + i * (w + gap) + 10, y, w - 10, 0)))
        height = max(h for _, h in placed)
        frames: list[Frame] = []
        for (frame, h), quote in zip(placed, quotes):
            frames.append(Frame(f"quote:{quote.id}/bar", FrameRole.SHAPE, Box(frame.box.x - 10, y + 2, 2.5, h - 4),
                                fill=self.colors["accent"]))
            frames.append(frame)
        return frames, height

    def sections(self, y: float, sections: tuple[Section, ...]) -> tuple[list[Frame], float]:
        if not sections:
            return [], 0.0
        c = self.content
        columns = min(self.spec.columns, len(sections))
        gap = self.spec.gutter
        w = (c.w - gap * (columns - 1)) / columns
        e = self.e
        blocks = []
        for section in sections:
            paras = [Para(e.t(section.heading), self.role(Role.HEADING), e.lang(section.heading)),
                     Para(e.t(section.summary), self.role(Role.BODY), e.lang(section.summary), space_before=0.35)]
            blocks.append((section, paras, self.section_height(section, w)))
        spacing = self.lh(Role.BODY) * 0.9
        columns_of = _balance([h for _, _, h in blocks], columns, spacing)
        frames: list[Frame] = []
        height = 0.0
        for col, indexes in enumerate(columns_of):
            cy = y
            x = c.x + col * (w + gap)
            for i in indexes:
                section, paras, _ = blocks[i]
                frame, h = self.text(f"section:{section.id}/summary", paras, Box(x, cy, w, 0))
                frames.append(frame)
                cy += h + spacing
            height = max(height, cy - spacing - y)
        return frames, height

    def sources(self, y: float, markers: dict[str, int]) -> tuple[list[Frame], float]:
        c = self.content
        e = self.e
        meta = e.brief.meta
        parts = []
        for source_id, number in markers.items():
            source = e.brief.source(source_id)
            parts.append(f"[{number}] {e.t(source.name)}" + (f" ({source.url})" if source.url else ""))
        paras = []
        if parts:
            heading = f"{label(Label.SOURCES, e.language)}{colon(e.language)}"
            paras.append(Para(heading + "   ".join(parts), self.role(Role.FOOTER), e.language))
        line = "  \u00b7  ".join(x for x in (e.short_title, e.t(meta.handling), _format_date(meta.date, e.language))
                                 if x)
        paras.append(Para(line, self.role(Role.FOOTER), e.language, space_before=0.4))
        frame, h = self.text("sources", paras, Box(c.x, y + 6, c.w, 0))
        rule = Frame("sources/rule", FrameRole.SHAPE, Box(c.x, y, c.w, 0.75), fill=self.colors["rule"])
        return [rule, frame], h + 6

    # the page -----------------------------------------------------------------------------------------------
    def attempt(self, content: _Content, extra_gap: float = 0.0) -> tuple[list[Frame], float]:
        # sources are numbered in the order a reader meets them on the page
        markers: dict[str, int] = {}
        for block in self.spec.blocks:
            items = content.stats if block is Block.STATS else content.quotes if block is Block.QUOTES else ()
            for item in items:
                markers.setdefault(item.source, len(markers) + 1)
        frames: list[Frame] = []
        y = self.content.y
        gap = self.lh(Role.BODY) * 1.1 + extra_gap
        blocks = [b for b in self.spec.blocks if b is not Block.SOURCES]
        for block in blocks:
            match block:
                case Block.HEADER:
                    made, h = self.header(y)
                case Block.STATS:
                    made, h = self.stats(y, content.stats, markers)
                case Block.QUOTES:
                    made, h = self.quotes(y, content.quotes, markers)
                case Block.SECTIONS:
                    made, h = self.sections(y, content.sections)
                case Block.SOURCES:
                    made, h = [], 0.0
            if made:
                frames += made
                y += h + gap
        if Block.SOURCES in self.spec.blocks:
            made, h = self.sources(0, markers)
            bottom = self.content.bottom
            shift = bottom - h
            frames += [_moved(f, shift) for f in made]
            y += h
        return frames, y - self.content.y

    def arrange(self, strict: bool) -> PagePlan:
        brief = self.e.brief
        stats = [brief.stat(f.id) for f in brief.featured if f.kind is FeatureKind.STAT][: self.spec.max_stats]
        quotes = [brief.quote(f.id) for f in brief.featured if f.kind is FeatureKind.QUOTE][: self.spec.max_quotes]
        candidates: list[FeatureRef | Section] = [f for f in brief.featured if
                                                  (f.kind is FeatureKind.STAT and brief.stat(f.id) in stats)
                                                  or (f.kind is FeatureKind.QUOTE and brief.quote(f.id) in quotes)]
        min_scale = self.min_scale()
        hopeless = self.hopeless_sections(min_scale)
        drop_order: list[FeatureRef | Section] = hopeless + list(reversed(candidates)) + [
            s for s in reversed(brief.sections) if s not in hopeless]
        first = self.first_possible_drop(drop_order, len(hopeless), len(candidates), min_scale)
        for dropped in range(first, len(drop_order) + 1):
            gone = drop_order[:dropped]
            content = _Content(
                tuple(s for s in stats if FeatureRef(FeatureKind.STAT, s.id) not in gone),
                tuple(q for q in quotes if FeatureRef(FeatureKind.QUOTE, q.id) not in gone),
                tuple(s for s in brief.sections if s not in gone),
            )
            scale = 1.0
            while True:
                self.scale = scale
                frames, height = self.attempt(content)
                if height <= self.content.h:
                    omitted = tuple(str(g) if isinstance(g, FeatureRef) else f"section:{g.id}" for g in gone)
                    if omitted and strict:
                        raise FitError(f"the one-pager does not fit on one page without leaving out "
                                       f"{', '.join(omitted)} (--strict)", "one-pager")
                    # spread what is left over between the blocks, so the page reads as designed, not cut short
                    gaps = max(1, sum(1 for b in self.spec.blocks if b is not Block.SOURCES))
                    extra = min((self.content.h - height) / gaps, self.lh(Role.BODY) * 1.6)
                    frames, _ = self.attempt(content, extra)
                    return PagePlan(self.size, tuple(frames), document_properties(self.e),
                                    self.colors["background"], omitted)
                if scale <= min_scale:
                    break
                scale = max(min_scale, scale - SCALE_STEP)
        raise FitError("the header alone does not fit on one page; shorten the title or subtitle", "one-pager")

    def first_possible_drop(self, drop_order, hopeless: int, featured: int, min_scale: float) -> int:
        """The fewest items to leave out before the page can possibly fit: the sections block alone, at the
        smallest sizes, is at least as tall as its average column, so while the sections kept are too tall for
        that, leaving out featured items cannot help and trying every scale is wasted."""
        kept = drop_order[hopeless + featured:][::-1]  # sections in page order, the first to go last
        columns = self.spec.columns
        if len(kept) < columns:
            return hopeless
        self.scale = min_scale
        w = (self.content.w - self.spec.gutter * (columns - 1)) / columns
        spacing = self.lh(Role.BODY) * 0.9
        heights = [self.section_height(section, w) for section in kept]
        total = sum(heights)
        count = len(kept)
        dropped = hopeless + featured
        while count > columns and (total + spacing * (count - columns)) / columns > self.content.h:
            count -= 1
            total -= heights[count]
            dropped += 1
        return hopeless if dropped == hopeless + featured else dropped

    def section_height(self, section: Section, w: float) -> float:
        key = (section.id, w, self.scale)
        height = self._section_heights.get(key)
        if height is None:
            e = self.e
            paras = [Para(e.t(section.heading), self.role(Role.HEADING), e.lang(section.heading)),
                     Para(e.t(section.summary), self.role(Role.BODY), e.lang(section.summary), space_before=0.35)]
            height = self._section_heights[key] = self.ts.set(paras, w, self.scale).height / HEIGHT_SAFETY
        return height

    def hopeless_sections(self, min_scale: float) -> list[Section]:
        """Sections whose summary alone is taller than the page at the smallest sizes: left out first."""
        self.scale = min_scale
        width = (self.content.w - self.spec.gutter * (self.spec.columns - 1)) / self.spec.columns
        found = []
        for section in self.e.brief.sections:
            paras = [Para(self.e.t(section.heading), self.role(Role.HEADING)),
                     Para(self.e.t(section.summary), self.role(Role.BODY), space_before=0.35)]
            if self.ts.set(paras, width, min_scale).height > self.content.h * 0.8:
                found.append(section)
        return found

    def min_scale(self) -> float:
        """The scale at which every role has reached its minimum size."""
        return min(r.min_size / r.size for r in self.spec.roles.values())


def _size(role: RoleStyle, scale: float) -> float:
    return max(role.min_size, round(role.size * scale * 2) / 2)


def _moved(frame: Frame, dy: float) -> Frame:
    return replace(frame, box=Box(frame.box.x, frame.box.y + dy, frame.box.w, frame.box.h))


def _balance(heights: list[float], columns: int, spacing: float) -> list[list[int]]:
    """Split blocks, in order, into ``columns`` runs so that the tallest run is as short as possible."""
    n = len(heights)
    best: tuple[float, list[list[int]]] | None = None

    def runs(start: int, left: int) -> list[list[list[int]]]:
        if left == 1:
            return [[list(range(start, n))]]
        out = []
        for end in range(start + 1, n - left + 2):
            for rest in runs(end, left - 1):
                out.append([list(range(start, end))] + rest)
        return out

    for option in runs(0, columns):
        tallest = max(sum(heights[i] for i in run) + spacing * (len(run) - 1) for run in option)
        if best is None or tallest < best[0] - 0.01:
            best = (tallest, option)
    assert best is not None
    return best[1]


def arrange_page(edition: Edition, layout: Layout, typesetter: Typesetter, paper: Paper | None = None,
                 strict: bool = False) -> PagePlan:
    return PageArranger(edition, layout, typesetter, paper).arrange(strict)
