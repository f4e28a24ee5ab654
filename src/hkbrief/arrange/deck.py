"""Brief x layout -> :class:`DeckPlan`: which slides, what goes on each, where, and at what size."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from hkbrief.arrange.common import Edition, document_properties
from hkbrief.arrange.text import Para, SetText, Typesetter, aligned
from hkbrief.errors import FitError
from hkbrief.geometry import SLIDE_4_3, SLIDE_16_9, Box, Insets, Size
from hkbrief.labels import Label, colon, label
from hkbrief.layoutspec import (
    DeckSpec,
    FitPolicy,
    FitTarget,
    Layout,
    QuoteTreatment,
    Role,
    RoleStyle,
    SlideKind,
    SlideSize,
    StatArrangement,
)
from hkbrief.model import FeatureKind, Language, Quote, Section, Stat
from hkbrief.plan import Align, DeckPlan, Frame, FrameRole, SlidePlan, TextField, VAlign

if TYPE_CHECKING:
    from hkbrief.images import PreparedImage

CARD_INSETS = Insets(14, 12, 14, 12)
MAX_SLIDES = 2000  # a briefing deck; also bounds the time any content under the size cap can take
BULLET = "\u2022"


@dataclass(frozen=True, slots=True)
class Grid:
    """The slide's content area cut into columns; every box on a content slide starts and ends on a column."""

    size: Size
    content: Box
    columns: int
    gutter: float

    @property
    def column_width(self) -> float:
        return (self.content.w - (self.columns - 1) * self.gutter) / self.columns

    def span(self, first: int, count: int) -> tuple[float, float]:
        x = self.content.x + first * (self.column_width + self.gutter)
        return x, count * self.column_width + (count - 1) * self.gutter


class DeckArranger:
    def __init__(self, edition: Edition, layout: Layout, typesetter: Typesetter,
                 images: dict[str, PreparedImage] | None = None) -> None:
        self.e = edition
        self.images = images or {}
        self.layout = layout
        self.spec: DeckSpec = layout.deck
        self.ts = typesetter
        self.colors = layout.theme.colors
        size = SLIDE_16_9 if self.spec.size is SlideSize.WIDE else SLIDE_4_3
        m = self.spec.margins
        self.grid = Grid(size, Box(m.left, m.top, size.w - m.left - m.right, size.h - m.top - m.bottom),
                         self.spec.columns, self.spec.gutter)
        self.roles = self.spec.roles
        self.shown_stats: set[str] = set()
        self.shown_quotes: set[str] = set()
        self.slides: list[SlidePlan] = []
        featured_quotes = [f.id for f in edition.brief.featured if f.kind is FeatureKind.QUOTE]
        self.featured_quotes = featured_quotes

    # geometry of a content slide ------------------------------------------------------------------------
    def role(self, role: Role) -> RoleStyle:
        return self.roles[role]

    def line(self, role: Role, lines: float = 1.0) -> float:
        r = self.roles[role]
        return r.size * r.line_spacing * lines

    @property
    def kicker_box(self) -> Box:
        c = self.grid.content
        return Box(c.x, c.y, c.w, self.line(Role.HEADING) + 2)

    @property
    def title_box(self) -> Box:
        top = self.kicker_box.bottom + 2
        x, w = self.grid.span(0, self.grid.columns)
        return Box(x, top, w, self.line(Role.TITLE, 2) + 4)

    @property
    def footer_box(self) -> Box:
        c = self.grid.content
        h = self.line(Role.FOOTER) + 2
        return Box(c.x, c.bottom - h, c.w, h)

    @property
    def body_box(self) -> Box:
        c = self.grid.content
        top = self.title_box.bottom + 22
        bottom = (self.footer_box.y - 22) if self.spec.footer else c.bottom
        return Box(c.x, top, c.w, bottom - top)

    def cols(self, first: int, count: int, top: float, height: float) -> Box:
        x, w = self.grid.span(first, count)
        return Box(x, top, w, height)

    # frames shared by content slides ------------------------------------------------------------------------
    def chrome(self, name: str, kicker: str, title: str, title_lang: Language, number: int,
               cont: bool = False, field: str = "") -> list[Frame]:
        frames = []
        if kicker:
            frames.append(self.ts.frame(f"{name}/kicker", [Para(kicker, self.role(Role.HEADING), self.e.language)],
                                        self.kicker_box, where=f"slide {number} ({name}): kicker"))
        if cont:
            joiner = "" if self.e.language is Language.ZH_HANT else " "
            title = f"{title}{joiner}{label(Label.CONTINUED, self.e.language)}"
        frames.append(self.ts.frame(
            f"{name}/title", [Para(title, self.role(Role.TITLE), title_lang, balance=True)], self.title_box,
            valign=VAlign.BOTTOM, policy=self.spec.fit[FitTarget.TITLE], role=FrameRole.TITLE,
            where=field or f"slide {number} ({name}): title", context=f"slide {number}, title" if field else ""))
        rule_y = self.title_box.bottom + 9
        frames.append(Frame(f"{name}/rule", FrameRole.SHAPE, Box(self.grid.content.x, rule_y, 56, 3),
                            fill=self.colors["accent"]))
        return frames

    def footer(self, name: str, number: int) -> list[Frame]:
        if not self.spec.footer:
            return []
        box = self.footer_box
        role = self.role(Role.FOOTER)
        frames = [Frame(f"{name}/footer-rule", FrameRole.SHAPE, Box(box.x, box.y - 6, box.w, 0.75),
                        fill=self.colors["rule"])]
        left, right = Box(box.x, box.y, box.w * 0.8, box.h), Box(box.x + box.w * 0.8, box.y, box.w * 0.2, box.h)
        text = self.e.short_title
        handling = self.e.t(self.e.brief.meta.handling)
        if handling:
            text = f"{text}  \u00b7  {handling}"
        frames.append(self.ts.frame(f"{name}/footer", [Para(text, role, self.e.lang(self.e.brief.meta.title))],
                                    left, where=self.e.meta_at('short_title'), context=f"slide {number}, footer"))
        frames.append(self.ts.frame(f"{name}/number", [Para(str(number), role, Language.EN, align=Align.RIGHT,
                                                        field=TextField.SLIDE_NUMBER)],
                                    right, where=f"slide {number}: slide number"))
        return frames

    def note(self, which: Label) -> str:
        """A speaker-note label in the edition's language: "Quote: ", "引述："."""
        return label(which, self.e.language) + colon(self.e.language)

    def slide(self, name: str, frames: list[Frame], notes: str = "") -> None:
        if len(self.slides) >= MAX_SLIDES:
            raise FitError(f"the deck would have more than {MAX_SLIDES:,} slides; shorten the content or split it"
                           " into several briefs", f"{self.e.source}: sections")
        self.slides.append(SlidePlan(name, tuple(frames), self.colors["background"], notes))

    @property
    def next_number(self) -> int:
        return len(self.slides) + 1

    # slides -------------------------------------------------------------------------------------------------
    def arrange(self) -> DeckPlan:
        for kind in self.spec.sequence:
            match kind:
                case SlideKind.TITLE:
                    self.title_slide()
                case SlideKind.AGENDA:
                    self.agenda_slide()
                case SlideKind.SECTIONS:
                    for index, section in enumerate(self.e.brief.sections, start=1):
                        self.section_slides(index, section)
                    if SlideKind.QUOTES not in self.spec.sequence:
                        # featured quotes that found no room beside their section still get a slide
                        self.quote_slides()
                case SlideKind.STATS:
                    self.stat_slides()
                case SlideKind.QUOTES:
                    self.quote_slides()
                case SlideKind.SOURCES:
                    self.sources_slides()
                case SlideKind.CLOSING:
                    self.closing_slide()
        return DeckPlan(self.grid.size, tuple(self.slides), document_properties(self.e))

    def title_slide(self) -> None:
        meta = self.e.brief.meta
        size = self.grid.size
        c = self.grid.content
        frames = [Frame("title/band", FrameRole.SHAPE, Box(0, 0, size.w, 14), fill=self.colors["accent"])]
        handling = self.e.t(meta.handling)
        top = c.y + 34
        if handling:
            frames.append(self.ts.frame("title/handling", [Para(handling, self.role(Role.HEADING),
                                                                self.e.lang(meta.handling))],
                                        Box(c.x, top, c.w, self.line(Role.HEADING) + 2),
                                        where=self.e.meta_at('handling'), context="title slide"))
        title_role = self.role(Role.TITLE)
        big = replace(title_role, size=title_role.size * 1.45, min_size=title_role.min_size)
        cols = max(1, round(self.grid.columns * 0.8))
        x, w = self.grid.span(0, cols)
        title_h = big.size * big.line_spacing * 3 + 4
        title_box = Box(x, top + self.line(Role.HEADING) + 18, w, title_h)
        frames.append(self.ts.frame("title/title", [Para(self.e.t(meta.title), big, self.e.lang(meta.title),
                                                         balance=True)],
                                    title_box, valign=VAlign.BOTTOM, policy=self.spec.fit[FitTarget.TITLE],
                                    role=FrameRole.TITLE, where=self.e.meta_at('title'), context="title slide"))
        y = title_box.bottom + 14
        frames.append(Frame("title/rule", FrameRole.SHAPE, Box(c.x, y, 72, 4), fill=self.colors["accent"]))
        y += 22
        if meta.subtitle:
            sub_h = self.line(Role.SUBTITLE, 3) + 4
            frames.append(self.ts.frame("title/subtitle", [Para(self.e.t(meta.subtitle), self.role(Role.SUBTITLE),
                                                                 self.e.lang(meta.subtitle))],
                                        Box(x, y, w, sub_h), policy=FitPolicy.SHRINK,
                                        where=self.e.meta_at('subtitle'), context="title slide"))
        date_text = f"{_format_date(meta.date, self.e.language)}  \u00b7  {self.e.t(meta.organisation)}"
        # the subtitle's colours (they are checked against the slide background), at the attribution's size
        dateline_role = replace(self.role(Role.SUBTITLE), size=self.role(Role.ATTRIBUTION).size,
                                min_size=self.role(Role.ATTRIBUTION).min_size)
        line_h = dateline_role.size * dateline_role.line_spacing + 4
        frames.append(self.ts.frame("title/dateline", [Para(date_text, dateline_role,
                                                            self.e.lang(meta.organisation))],
                                    Box(c.x, c.bottom - line_h, c.w, line_h),
                                    where=self.e.meta_at('organisation'), context="title slide"))
        self.slide("title", frames, self.e.t(meta.subtitle))

    def agenda_slide(self) -> None:
        """Numbered section headings: one column up to six, two up to twelve, then further agenda slides."""
        sections = list(self.e.brief.sections)
        per_column, max_columns = 6, 2
        pages = [sections[i:i + per_column * max_columns] for i in range(0, len(sections), per_column * max_columns)]
        first_index = 0
        for part, page in enumerate(pages):
            n = self.next_number
            name = "agenda" + (f"#{part + 1}" if part else "")
            frames = self.chrome(name, "", label(Label.AGENDA, self.e.language), self.e.language, n, cont=part > 0)
            body = self.body_box
            columns = 1 if len(page) <= per_column else max_columns
            rows = -(-len(page) // columns)
            row_h = min((body.h - 8) / rows, self.line(Role.BODY, 2.6))
            col_span = self.grid.columns // columns
            for offset, section in enumerate(page):
                i = first_index + offset
                col, row = divmod(offset, rows)
                y = body.y + 8 + row * row_h
                num_x, num_w = self.grid.span(col * col_span, 1)
                text_x, text_w = self.grid.span(col * col_span + 1, col_span - (2 if columns == 1 else 1))
                rule_x, rule_w = self.grid.span(col * col_span, col_span)
                frames.append(Frame(f"agenda:{section.id}/rule", FrameRole.SHAPE,
                                    Box(rule_x, y, rule_w, 0.75), fill=self.colors["rule"]))
                frames.append(self.ts.frame(f"agenda:{section.id}/number",
                                            [Para(f"{i + 1:02d}", self.role(Role.HEADING), Language.EN)],
                                            Box(num_x, y + 8, num_w, row_h - 8), where=f"slide {n} (agenda): number"))
                frames.append(self.ts.frame(f"agenda:{section.id}",
                                            [Para(self.e.t(section.heading), self.role(Role.BODY),
                                                  self.e.lang(section.heading))],
                                            Box(text_x, y + 6, text_w, row_h - 6),
                                            where=self.e.at("sections", section.id, "heading"),
                                            context=f"slide {n}, agenda"))
            first_index += len(page)
            frames += self.footer(name, n)
            self.slide(name, frames)

    def section_slides(self, index: int, section: Section) -> None:
        e = self.e
        beside_stats = ([s for s in section.stats] if self.spec.stats is StatArrangement.BESIDE_SECTION else [])
        section_quote = next((q for q in section.quotes if q in self.featured_quotes
                              and q not in self.shown_quotes), None)
        sidebar_quote = section_quote if self.spec.quotes is QuoteTreatment.SIDEBAR else None
        band_quote = section_quote if self.spec.quotes is QuoteTreatment.BAND else None
        body = self.body_box
        band: list[Frame] = []
        if band_quote is not None:
            band, band_h = self.quote_band(e.brief.quote(band_quote), body)
            body = Box(body.x, body.y, body.w, body.h - band_h - 16)
        sidebar_cols = 0
        if beside_stats or sidebar_quote is not None or section.image is not None:
            sidebar_cols = max(3, round(self.grid.columns * 5 / 12))
        text_cols = self.grid.columns - sidebar_cols if sidebar_cols else max(1, round(self.grid.columns * 0.8))
        text_box = self.cols(0, text_cols, body.y, body.h)
        paras = [Para(e.t(b), self.role(Role.BODY), e.lang(b), bullet=BULLET, space_before=0.55)
                 for b in section.bullets]
        policy = self.spec.fit[FitTarget.BODY]
        chunks = [paras]
        # continuation slides carry no sidebar or band: their text takes the full text measure and height
        full = self.body_box
        continued_box = self.cols(0, max(1, round(self.grid.columns * 0.8)), full.y, full.h)
        # "continue" keeps body text at its size on every slide and carries what does not fit onto the next
        if policy is FitPolicy.CONTINUE and self.ts.fit(paras, text_box.w, text_box.h, shrink=False) is None:
            first, *rest = self.ts.split(paras, text_box.w, text_box.h)
            remaining = [para for chunk in rest for para in chunk]
            chunks = [first] + (self.ts.split(remaining, continued_box.w, continued_box.h) if remaining else [])
            chunks = self.even_out(chunks, continued_box)
        kicker = f"{index:02d}  \u00b7  {label(Label.SECTION, e.language)}" if e.language is Language.EN \
            else f"{label(Label.SECTION, e.language)} {index:02d}"
        for part, chunk in enumerate(chunks):
            n = self.next_number
            name = f"section:{section.id}" + (f"#{part + 1}" if part else "")
            frames = self.chrome(name, kicker, e.t(section.heading), e.lang(section.heading), n, cont=part > 0,
                                 field=e.at("sections", section.id, "heading"))
            frames.append(self.ts.frame(f"section:{section.id}/body" + (f"#{part + 1}" if part else ""), chunk,
                                        continued_box if part else text_box,
                                        policy=FitPolicy.FAIL if policy is FitPolicy.FAIL else FitPolicy.SHRINK,
                                        where=e.at("sections", section.id, "bullets"), context=f"slide {n}"))
            if part == 0:
                first_number = n
                notes = [e.t(p) for p in section.notes]
            else:
                notes = [label(Label.CONTINUES, e.language).format(heading=e.t(section.heading), number=first_number)]
            if part == 0:
                if sidebar_cols:
                    side = self.cols(text_cols, sidebar_cols, body.y, body.h)
                    frames += self.sidebar(section, side, beside_stats, sidebar_quote, notes)
                frames += band
                if band_quote is not None:
                    self.shown_quotes.add(band_quote)
                    notes.append(self.note(Label.QUOTE_NOTE) + e.quote_citation(e.brief.quote(band_quote)))
                other = [q for q in section.quotes if q not in self.shown_quotes]
                for q in other:
                    notes.append(self.note(Label.ALSO_QUOTED) + e.quote_citation(e.brief.quote(q)))
            frames += self.footer(name, n)
            self.slide(name, frames, "\n\n".join(notes))

    def even_out(self, chunks: list[list[Para]], box: Box) -> list[list[Para]]:
        """Move bullets forward so the last continuation slide is not left with a lone bullet (4 + 1 -> 3 + 2)."""
        chunks = [list(c) for c in chunks]
        while len(chunks) >= 2 and len(chunks[-2]) - len(chunks[-1]) >= 2:
            moved = [chunks[-2][-1]] + chunks[-1]
            if self.ts.fit(moved, box.w, box.h, shrink=False) is None:
                break
            chunks[-2].pop()
            chunks[-1] = moved
        return chunks

    def sidebar(self, section: Section, box: Box, stat_ids: list[str], quote_id: str | None,
                notes: list[str]) -> list[Frame]:
        """Cards stacked in the sidebar column: the image, the section's stats, then its quote, while they fit."""
        frames: list[Frame] = []
        y = box.y
        gap = 12
        if section.image is not None and self.images.get(section.image.path) is not None:
            frame, h = self.image_frame(section, Box(box.x, y, box.w, box.h * 0.5))
            frames.append(frame)
            y += h + gap
        for stat_id in stat_ids:
            stat = self.e.brief.stat(stat_id)
            card = self.stat_card(stat, Box(box.x, y, box.w, box.bottom - y), natural=True)
            if card is None:
                break
            card_frames, h = card
            frames += card_frames
            self.shown_stats.add(stat_id)
            notes.append(self.note(Label.FIGURE_NOTE) + self.e.stat_citation(stat))
            y += h + gap
        if quote_id is not None:
            quote = self.e.brief.quote(quote_id)
            card = self.quote_card(quote, Box(box.x, y, box.w, box.bottom - y))
            if card is not None:
                frames += card
                self.shown_quotes.add(quote_id)
                notes.append(self.note(Label.QUOTE_NOTE) + self.e.quote_citation(quote))
        return frames

    def image_frame(self, section: Section, box: Box) -> tuple[Frame, float]:
        info = self.images[section.image.path]
        scale = min(box.w / info.width, box.h / info.height)
        w, h = info.width * scale, info.height * scale
        alt = "" if section.image.decorative else self.e.t(section.image.alt)
        return Frame(f"section:{section.id}/image", FrameRole.IMAGE, Box(box.x, box.y, w, h),
                     image_path=info.path, alt_text=alt, decorative=section.image.decorative), h

    def stat_paras(self, stat: Stat, value_cap: float | None = None) -> list[Para]:
        e = self.e
        source = e.t(e.brief.source(stat.source).name)
        return [
            Para(e.t(stat.value), self.role(Role.STAT_VALUE), e.lang(stat.value), one_line=True, size_cap=value_cap),
            Para(e.t(stat.label), self.role(Role.STAT_LABEL), e.lang(stat.label), space_before=0.5),
            Para(f"{label(Label.SOURCE, e.language)}{colon(e.language)}{source}", self.role(Role.CAPTION), e.language,
                 space_before=0.6),
        ]

    def stat_card(self, stat: Stat, box: Box, natural: bool = False, scale: float | None = None,
                  valign: VAlign = VAlign.TOP, value_cap: float | None = None) -> tuple[list[Frame], float] | None:
        """A stat callout: a surface card with an accent edge, the value large, the label and a source line."""
        paras = self.stat_paras(stat, value_cap)
        inner_w = box.w - CARD_INSETS.left - CARD_INSETS.right - 4
        if natural:
            setting = self.ts.set(paras, inner_w)
            h = setting.height / 0.97 + CARD_INSETS.top + CARD_INSETS.bottom
            if h > box.h:
                return None
            box = Box(box.x, box.y, box.w, h)
        text_box = Box(box.x + 4, box.y, box.w - 4, box.h)
        frames = [
            Frame(f"stat:{stat.id}/card", FrameRole.SHAPE, box, fill=self.role(Role.STAT_VALUE).on),
            Frame(f"stat:{stat.id}/edge", FrameRole.SHAPE, Box(box.x, box.y, 4, box.h), fill=self.colors["accent"]),
        ]
        inner = text_box.inset(CARD_INSETS)
        setting = self.ts.set(paras, inner.w, scale) if scale is not None else self.ts.fit(paras, inner.w, inner.h)
        if setting is None or setting.height > inner.h:
            if self.spec.fit[FitTarget.STAT] is FitPolicy.FAIL or setting is None:
                raise self.stat_too_big(stat, inner.w, self.next_number)
        frames.append(self._frame_from(f"stat:{stat.id}", setting, text_box, CARD_INSETS, valign))
        return frames, box.h

    def _frame_from(self, name: str, setting: SetText, box: Box, insets: Insets, valign: VAlign) -> Frame:
        """A text frame for paragraphs already set (cards whose size follows their text)."""
        inner = box.inset(insets)
        return Frame(name, FrameRole.TEXT, box, aligned(setting, inner.h, valign), insets, valign)

    def stat_too_big(self, stat: Stat, width: float, number: int) -> FitError:
        """Which part of a stat callout to shorten: the value if it cannot fit one line, else the label."""
        role = self.role(Role.STAT_VALUE)
        value_fits = self.ts.width(self.e.t(stat.value), role, role.min_size) <= width
        field = "label" if value_fits else "value"
        return FitError(f"on slide {number}: does not fit its card even at the smallest size; shorten the {field}",
                        self.e.at("stats", stat.id, field))

    def quote_card(self, quote: Quote, box: Box) -> list[Frame] | None:
        e = self.e
        paras = [
            Para(e.quoted(quote), self.role(Role.QUOTE), e.lang(quote.text)),
            Para(e.t(quote.speaker), replace(self.role(Role.ATTRIBUTION), weight=self.role(Role.HEADING).weight),
                 e.lang(quote.speaker), space_before=0.8),
            Para(e.attribution(quote), self.role(Role.ATTRIBUTION), e.lang(quote.title)),
        ]
        inner_w = box.w - CARD_INSETS.left - CARD_INSETS.right
        setting = self.ts.fit(paras, inner_w, box.h - CARD_INSETS.top - CARD_INSETS.bottom)
        if setting is None:
            return None
        h = setting.height / 0.97 + CARD_INSETS.top + CARD_INSETS.bottom
        card = Box(box.x, box.y, box.w, min(h, box.h))
        return [
            Frame(f"quote:{quote.id}/card", FrameRole.SHAPE, card, fill=self.role(Role.QUOTE).on),
            Frame(f"quote:{quote.id}/edge", FrameRole.SHAPE, Box(card.x, card.y, card.w, 3),
                  fill=self.colors["accent"]),
            self._frame_from(f"quote:{quote.id}", setting, card, CARD_INSETS, VAlign.TOP),
        ]

    def quote_band(self, quote: Quote, body: Box) -> tuple[list[Frame], float]:
        """A full-width band under the section text carrying the quote (the "band" treatment)."""
        e = self.e
        paras = [
            Para(e.quoted(quote), self.role(Role.QUOTE), e.lang(quote.text)),
            Para(f"{e.t(quote.speaker)}, {e.attribution(quote)}", self.role(Role.ATTRIBUTION), e.lang(quote.title),
                 space_before=0.6),
        ]
        insets = Insets(18, 12, 18, 12)
        x, w = self.grid.span(0, self.grid.columns)
        max_h = body.h * 0.5
        setting = self.ts.fit(paras, w - insets.left - insets.right, max_h - insets.top - insets.bottom)
        if setting is None:
            raise FitError(f"on slide {self.next_number}: does not fit a band at the smallest size; shorten it",
                           self.e.at("quotes", quote.id, "text"))
        h = setting.height / 0.97 + insets.top + insets.bottom
        box = Box(x, body.bottom - h, w, h)
        return [
            Frame(f"quote:{quote.id}/band", FrameRole.SHAPE, box, fill=self.role(Role.QUOTE).on),
            self._frame_from(f"quote:{quote.id}", setting, box, insets, VAlign.TOP),
        ], h

    def stat_slides(self) -> None:
        stats = [s for s in self.e.brief.stats if s.id not in self.shown_stats]
        if not stats:
            return
        match self.spec.stats:
            case StatArrangement.ONE_PER_SLIDE:
                per = 1
            case StatArrangement.ROW:
                per = min(self.spec.stats_per_slide, 4)
            case StatArrangement.GRID | StatArrangement.BESIDE_SECTION:
                per = self.spec.stats_per_slide
        groups = _even_groups(stats, per)
        for part, group in enumerate(groups):
            n = self.next_number
            name = "stats" + (f"#{part + 1}" if part else "")
            frames = self.chrome(name, "", label(Label.KEY_FIGURES, self.e.language), self.e.language, n,
                                 cont=part > 0)
            boxes = self.card_boxes(len(group), per)
            # one scale and one value size for every card on the slide, so the figures line up
            value_role = self.role(Role.STAT_VALUE)
            inner_w = boxes[0].w - 4 - CARD_INSETS.left - CARD_INSETS.right
            cap = min(self.ts.one_line_size(self.e.t(s.value), value_role, value_role.size, inner_w) for s in group)
            scales = []
            for stat, box in zip(group, boxes):
                inner = Box(box.x + 4, box.y, box.w - 4, box.h).inset(CARD_INSETS)
                setting = self.ts.fit(self.stat_paras(stat, cap), inner.w, inner.h)
                if setting is None:
                    raise self.stat_too_big(stat, inner.w, n)
                scales.append(setting.scale)
            scale = min(scales)
            notes = []
            for stat, box in zip(group, boxes):
                card = self.stat_card(stat, box, scale=scale, valign=VAlign.TOP, value_cap=cap)
                frames += card[0]
                notes.append(self.e.stat_citation(stat))
                self.shown_stats.add(stat.id)
            frames += self.footer(name, n)
            self.slide(name, frames, "\n\n".join(notes))

    def card_boxes(self, count: int, per: int) -> list[Box]:
        body = self.body_box
        g = self.grid
        if per == 1:
            x, w = g.span(1, g.columns - 2)
            return [Box(x, body.y, w, body.h)]
        if per == 4 and self.spec.stats is StatArrangement.GRID:
            rows, cols = 2, 2
        elif per > 4:
            rows, cols = 2, 3
        else:
            rows, cols = 1, per
        card_h = (body.h - (rows - 1) * g.gutter) / rows
        if rows == 1:
            card_h = min(card_h, body.h * 0.75)
        card_w = (body.w - (cols - 1) * g.gutter) / cols
        boxes = []
        for i in range(count):
            r, c = divmod(i, cols)
            boxes.append(Box(body.x + c * (card_w + g.gutter), body.y + r * (card_h + g.gutter), card_w, card_h))
        return boxes

    def quote_slides(self) -> None:
        for quote_id in self.featured_quotes:
            if quote_id in self.shown_quotes:
                continue
            self.quote_slide(self.e.brief.quote(quote_id))

    def quote_slide(self, quote: Quote) -> None:
        """The quotation large, its speaker as the slide title, title and organisation under it.

        The quote and its attribution sit a little above the middle of the body area; when the layout draws
        quotes on a colour other than the slide's (a dark band in the print layout), a panel of that colour
        carries them.
        """
        e = self.e
        n = self.next_number
        name = f"quote:{quote.id}"
        frames = self.chrome(name, label(Label.IN_THEIR_WORDS, e.language), e.t(quote.speaker), e.lang(quote.speaker),
                             n, field=e.at("quotes", quote.id, "speaker"))
        body = self.body_box
        # a layout may size quotes for a sidebar or band; alone on a slide they are set at least a third larger
        # than body text
        quote_role = self.role(Role.QUOTE)
        body_size = self.role(Role.BODY).size
        quote_role = replace(quote_role, size=max(quote_role.size, round(body_size * 1.35)))
        attribution_role = self.role(Role.ATTRIBUTION)
        attribution_role = replace(attribution_role, size=max(attribution_role.size, round(body_size * 0.75)))
        panel = quote_role.on != self.colors["background"]
        x, w = self.grid.span(1, self.grid.columns - 2)
        pad = Insets(24, 20, 24, 20) if panel else Insets()
        inner_w = w - pad.left - pad.right
        attribution = [Para(e.attribution(quote), attribution_role, e.lang(quote.title))]
        attr_set = self.ts.set(attribution, inner_w)
        attr_h = attr_set.height / 0.97 + 2
        gap = 16
        room = body.h - attr_h - gap - pad.top - pad.bottom
        quote_paras = [Para(e.quoted(quote), quote_role, e.lang(quote.text))]
        policy = self.spec.fit[FitTarget.QUOTE]
        setting = self.ts.fit(quote_paras, inner_w, room, shrink=policy is not FitPolicy.FAIL)
        if setting is None:
            raise FitError(f"on slide {n}: does not fit even at {quote_role.min_size:g} pt; shorten it",
                           e.at("quotes", quote.id, "text"))
        quote_h = setting.height / 0.97
        group_h = pad.top + quote_h + gap + attr_h + pad.bottom
        top = body.y + max(0.0, (body.h - group_h) * 0.4)
        if panel:
            frames.append(Frame(f"quote:{quote.id}/panel", FrameRole.SHAPE, Box(x, top, w, group_h),
                                fill=quote_role.on))
        else:
            bar_x = self.grid.content.x + self.grid.column_width - 10
            frames.append(Frame(f"quote:{quote.id}/bar", FrameRole.SHAPE, Box(bar_x, top + 4, 4, quote_h - 4),
                                fill=self.colors["accent"]))
        quote_box = Box(x + pad.left, top + pad.top, inner_w, quote_h)
        frames.append(self._frame_from(f"quote:{quote.id}", setting, quote_box, Insets(), VAlign.TOP))
        attr_box = Box(x + pad.left, quote_box.bottom + gap, inner_w, attr_h)
        frames.append(self._frame_from(f"quote:{quote.id}/attribution", attr_set, attr_box, Insets(), VAlign.TOP))
        frames += self.footer(name, n)
        self.shown_quotes.add(quote.id)
        self.slide(name, frames, e.quote_citation(quote))

    def cited_sources(self) -> list:
        brief = self.e.brief
        used = {brief.stat(s).source for s in self.shown_stats} | {brief.quote(q).source for q in self.shown_quotes}
        for section in brief.sections:
            used |= {brief.quote(q).source for q in section.quotes}
            used |= {brief.stat(s).source for s in section.stats}
        return [s for s in brief.sources if s.id in used]

    def sources_slides(self) -> None:
        e = self.e
        sources = self.cited_sources()
        if not sources:
            return
        paras = [Para(e.t(s.name) + (f" \u2014 {s.url}" if s.url else ""), self.role(Role.BODY), e.lang(s.name),
                      space_before=0.35)
                 for s in sources]
        paras = [replace(p, role=replace(p.role, size=min(p.role.size, 16), min_size=min(p.role.min_size, 12)))
                 for p in paras]
        body = self.body_box
        columns = 2 if len(paras) > 5 else 1
        col_span = self.grid.columns // columns
        boxes = [self.cols(i * col_span, col_span, body.y, body.h) for i in range(columns)]
        per_col = -(-len(paras) // columns)
        n = self.next_number
        frames = self.chrome("sources", "", label(Label.SOURCES, e.language), e.language, n)
        for i, box in enumerate(boxes):
            chunk = paras[i * per_col:(i + 1) * per_col]
            if chunk:
                frames.append(self.ts.frame(f"sources/list#{i + 1}", chunk, box, policy=FitPolicy.SHRINK,
                                            where=f"slide {n} (sources): list"))
        frames += self.footer("sources", n)
        self.slide("sources", frames, "\n".join(e.t(s.name) + (f" {s.url}" if s.url else "") for s in sources))

    def closing_slide(self) -> None:
        """Key takeaways: each section's first bullet, continued onto further slides if there are many."""
        e = self.e
        paras = [Para(e.t(s.bullets[0]), self.role(Role.BODY), e.lang(s.bullets[0]), bullet=BULLET,
                      space_before=0.55) for s in e.brief.sections]
        x, w = self.grid.span(0, max(1, round(self.grid.columns * 0.8)))
        box = Box(x, self.body_box.y, w, self.body_box.h)
        chunks = [paras] if self.ts.fit(paras, box.w, box.h) else self.ts.split(paras, box.w, box.h)
        for part, chunk in enumerate(chunks):
            n = self.next_number
            name = "closing" + (f"#{part + 1}" if part else "")
            frames = self.chrome(name, "", label(Label.TAKEAWAYS, e.language), e.language, n, cont=part > 0)
            frames.append(self.ts.frame(f"{name}/takeaways", chunk, box, policy=FitPolicy.SHRINK,
                                        where=f"slide {n} ({name}): takeaways"))
            frames += self.footer(name, n)
            self.slide(name, frames)


def _even_groups(items: list, per: int) -> list[list]:
    """Split into the fewest groups of at most ``per``, as even as possible (13 by 4 -> 4, 3, 3, 3)."""
    count = -(-len(items) // per)
    base, extra = divmod(len(items), count)
    groups, start = [], 0
    for index in range(count):
        size = base + (1 if index < extra else 0)
        groups.append(items[start:start + size])
        start += size
    return groups


def _format_date(date, language: Language) -> str:
    if language is Language.ZH_HANT:
        return f"{date.year}年{date.month}月{date.day}日"
    return f"{date.day} {date.strftime('%B')} {date.year}"


def arrange_deck(edition: Edition, layout: Layout, typesetter: Typesetter,
                 images: dict[str, PreparedImage] | None = None) -> DeckPlan:
    return DeckArranger(edition, layout, typesetter, images).arrange()
