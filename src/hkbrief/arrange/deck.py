"""Brief x layout -> :class:`DeckPlan`: which slides, what goes on each, where, and at what size.

Each slide kind of a layout's ``deck.sequence`` is one function, ``(deck, number, shown) -> (slides, shown)``:
``deck`` is the read-only :class:`DeckContext` (edition, layout, typesetter, grid, the frames every content slide
shares), ``number`` the number of the first slide it makes, and ``shown`` the stats and quotes already on a slide
(so a stat beside its section is not repeated on the stats slides). :func:`arrange_deck` runs them in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from hkbrief.arrange.bilingual import Versions, each_version
from hkbrief.arrange.common import Edition, document_properties, format_date
from hkbrief.arrange.compose import (FILL_TOLERANCE, MAX_BALANCED_UNITS, Run, SlideRoom, card_grid, grid_rows,
                                     spread)
from hkbrief.arrange.templated import placeholder_role
from hkbrief.arrange.text import (HEIGHT_SAFETY, SHRINK_STEP, Para, SetText, Typesetter, aligned, scaled_size,
                                  stacked)
from hkbrief.errors import FitError
from hkbrief.geometry import SLIDE_4_3, SLIDE_16_9, Box, Insets, Size
from hkbrief.labels import Label, colon, label
from hkbrief.layoutspec import (
    BilingualDeck,
    DeckLogo,
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
from hkbrief.model import FeatureKind, Language, Quote, Section, Source, Stat
from hkbrief.plan import (
    Align,
    DeckBase,
    DeckPlan,
    Frame,
    FrameRole,
    Kind,
    Name,
    PlaceholderSlot,
    SlidePlan,
    TextField,
    VAlign,
)

if TYPE_CHECKING:
    from hkbrief.arrange.templated import TemplateDeck, TemplateSlide
    from hkbrief.images import PreparedImage

MAX_SLIDES = 2000  # a briefing deck; also bounds the time any content under the size cap can take
BULLET = "\u2022"
SEPARATOR = "  \u00b7  "  # between the parts of a footer or dateline: "Title  ·  Restricted"

# -- spacing shared by content slides (points unless a name says otherwise) --------------------------------------
BOX_PAD = 2  # added to a one-line box's height so descenders clear its edge
TITLE_GAP = 2  # between the kicker and the title
TITLE_LINES = 2  # a content slide's title box holds two lines of the title role
TITLE_SAMPLE = {Language.EN: "Hg", Language.ZH_HANT: "中文"}  # a one-line title in each language, to size the box
TITLE_PAD = 4  # added to the title box so a two-line title at full size is not cut by rounding
TITLE_RULE_GAP = 9  # from the title box to the accent rule under it
TITLE_RULE = (56, 3)  # width and height of that rule: a short accent mark, not a divider
BODY_GAP = 22  # from the title box to the body, and from the body to the footer
FOOTER_RULE_GAP = 6  # the hairline sits this far above the footer text
HAIRLINE = 0.75  # the thinnest rule that prints and projects reliably
FOOTER_TEXT_SHARE = 0.8  # the footer's title and handling take four fifths of its width ...
FOOTER_NUMBER_SHARE = 0.2  # ... and the slide number the fifth that is left
TEXT_MEASURE = 0.8  # text without a sidebar spans four fifths of the columns: a readable line length
BULLET_SPACE_EM = 0.55  # between bullets, in multiples of the body size

# -- the title slide -------------------------------------------------------------------------------------------
TITLE_BAND = 14  # height of the accent band across the top edge
TITLE_SLIDE_TOP = 34  # from the content area's top to the handling line: the band needs air under it
TITLE_SLIDE_SCALE = 1.45  # the title slide sets the title role this much larger than content slides
TITLE_SLIDE_LINES = 3  # the title box holds three lines of that size
TITLE_SLIDE_TITLE_GAP = 18  # from the handling line to the title box
TITLE_SLIDE_RULE_GAP = 14  # from the title to the accent rule under it
TITLE_SLIDE_RULE = (72, 4)  # the title slide's rule is longer and heavier than a content slide's
SUBTITLE_GAP = 22  # from that rule to the subtitle
SUBTITLE_LINES = 3  # the subtitle box holds three lines
DATELINE_PAD = 4  # added to the dateline's box so its descenders clear the content area's bottom

# -- the logo ---------------------------------------------------------------------------------------------------
LOGO_PAD = 4  # clear space between the logo and the band, rule or edge next to it
LOGO_MAX_WIDTH_SHARE = 0.25  # a logo takes at most a quarter of the content width; a wider one is set smaller
LOGO_MARGIN_SHARE = 0.5  # a corner or footer logo may reach this far into the slide's margin

# -- the agenda ------------------------------------------------------------------------------------------------
AGENDA_PER_COLUMN = 6  # more rows than this and the agenda takes a second column
AGENDA_COLUMNS = 2  # columns per agenda slide before it continues onto another
AGENDA_TOP = 8  # the first row starts this far under the body's top, clear of the title rule
AGENDA_ROW_LINES = 2.6  # a row is at most this many body lines tall: room for a two-line heading and air
AGENDA_NUMBER_DROP = 8  # the number's box starts this far under its row's rule
AGENDA_HEADING_DROP = 6  # the heading's box starts a little higher: its larger size has more leading

# -- section slides --------------------------------------------------------------------------------------------
SIDEBAR_SHARE = 5 / 12  # a sidebar (image, stats, quote) takes five twelfths of the columns ...
SIDEBAR_MIN_COLUMNS = 3  # ... and never fewer than three, or its cards get too narrow
SIDEBAR_GAP = 12  # between cards stacked in the sidebar
IMAGE_SHARE = 0.5  # an image takes at most half the sidebar's height, leaving room for cards
BAND_GAP = 16  # between the section text and a quote band under it
CONTINUE_MIN_SCALE = 0.9  # a section is set down to 90% of its size before it continues onto another slide
MAX_BALANCED_CHARS = 20_000  # past this much text a section is spread greedily: weighing it would take seconds
NEAR_FIT = 1.15  # ... when its text at that size would take at most this much of the box (line breaks round up)
FEWEST_SPREAD_SLIDES = 2  # a balanced spread starts at two slides: the caller has found one too few
SPREAD_SCALE = 1.0  # a spread weighs the bullets at full size; a smaller one fits on one slide instead

# -- cards: stat callouts and quote cards -------------------------------------------------------------------------
CARD_INSETS = Insets(14, 12, 14, 12)  # text inside a card: wider at the sides, where the eye enters
CARD_SLACK = 0.97  # a card sized to its text is text height / 0.97: a little looser than HEIGHT_SAFETY needs
STAT_EDGE = 4  # width of the accent edge down a stat card's left side
QUOTE_EDGE = 3  # height of the accent edge across a quote card's top
STAT_LABEL_SPACE_EM = 0.5  # between a stat's value and its label
STAT_SOURCE_SPACE_EM = 0.6  # between the label and the source line
SPEAKER_SPACE_EM = 0.8  # between a quote card's quotation and its speaker
ROW_MAX_STATS = 4  # a "row" arrangement never puts more than four cards side by side
WIDE_GRID = (2, 3)  # rows and columns for more than four stats on a slide
SQUARE_GRID = (2, 2)  # rows and columns for four stats in the "grid" arrangement
SINGLE_ROW_HEIGHT = 0.75  # one row of cards takes at most three quarters of the body: cards, not columns

# -- quotes ----------------------------------------------------------------------------------------------------
BAND_INSETS = Insets(18, 12, 18, 12)  # text inside a quote band
PLAIN_BAND_INSETS = Insets(20, 8, 0, 4)  # a band on the slide's colour: room for the bar on the left
BAND_MAX_SHARE = 0.5  # a band takes at most half the body's height: the section text stays the subject
BAND_ATTRIBUTION_SPACE_EM = 0.6  # between the quotation and the attribution in a band
QUOTE_SLIDE_SCALE = 1.35  # alone on a slide, a quote is set at least a third larger than body text
QUOTE_SLIDE_ATTRIBUTION = 0.75  # and its attribution at least three quarters of the body size
PANEL_PADDING = Insets(24, 20, 24, 20)  # inside the panel when quotes sit on their own colour
ATTRIBUTION_PAD = 2  # added to the attribution's box so its descenders clear it
QUOTE_GAP = 16  # between the quotation and its attribution
QUOTE_BAR = (16, 4)  # the accent bar: its gap left of the quotation, its width
BAR_ASCENT_EM = 0.78  # the bar starts this far above the first baseline: the top of the letters ...
BAR_DESCENT_EM = 0.22  # ... and ends this far under the last: the foot of the descenders
QUOTE_SLIDE_TOP = 0.12  # a quote slide's quote starts this share of the body down, on every quote slide

# -- sources and closing ---------------------------------------------------------------------------------------
SOURCE_SPACE_EM = 0.6  # between sources in the list: each is an entry of its own
SOURCE_MIN_SIZE = 12  # sources may be set down to this when many must fit
SOURCES_COLUMNS = 2  # columns of a long sources list; more would cut source names too short
TAKEAWAY_SPACE_EM = 0.9  # takeaways stand apart more than bullets: each is a point of its own
CENTRED_MARGIN_COLUMNS = 1  # a lone card or quote leaves this many columns free on each side


@dataclass(frozen=True, slots=True)
class Grid:
    """The slide's content area cut into columns; every box on a content slide starts and ends on a column."""

    size: Size
    content: Box
    columns: int
    gutter: float

    @property
    def column_width(self) -> float:
        """The width of one column."""
        return (self.content.w - (self.columns - 1) * self.gutter) / self.columns

    def span(self, first: int, count: int) -> tuple[float, float]:
        """The x and width of ``count`` columns from column ``first`` (counting from 0), gutters included."""
        x = self.content.x + first * (self.column_width + self.gutter)
        return x, count * self.column_width + (count - 1) * self.gutter

    def share(self, fraction: float) -> int:
        """``fraction`` of the columns, rounded, and at least one."""
        return max(1, round(self.columns * fraction))


@dataclass(frozen=True, slots=True)
class Shown:
    """The stats and quotes already on a slide: passed from one slide kind to the next and returned, never kept."""

    stats: frozenset[str] = frozenset()
    quotes: frozenset[str] = frozenset()

    def with_stats(self, *ids: str) -> Shown:
        """These stats as well."""
        return replace(self, stats=self.stats | set(ids))

    def with_quotes(self, *ids: str) -> Shown:
        """These quotes as well."""
        return replace(self, quotes=self.quotes | set(ids))


Slides = tuple[list[SlidePlan], Shown]


@dataclass(frozen=True, slots=True)
class DeckContext:
    """What every slide kind reads and nothing changes: the edition, the layout, the typesetter and the grid.

    It also makes the frames content slides share (kicker, title, rule, footer) and the boxes they sit in.
    """

    e: Edition
    layout: Layout
    ts: Typesetter
    grid: Grid
    images: dict[str, PreparedImage]
    template: TemplateDeck | None = None
    logo: PreparedImage | None = None
    title_lines: float = 0.0  # the title box's text height: two title lines, or a line in each language

    @classmethod
    def of(cls, edition: Edition, layout: Layout, typesetter: Typesetter,
           images: dict[str, PreparedImage] | None = None, template: TemplateDeck | None = None,
           logo: PreparedImage | None = None) -> DeckContext:
        """The context for one edition in one layout: the slide size and grid come from ``layout.deck``, or, on
        a template, from the template's slide size and its content layout's title and body placeholders."""
        spec = layout.deck
        if template is not None:
            content = template.slide(SlideKind.SECTIONS)
            area = content.body.box if content.body is not None else content.content
            top = content.title.box.y if content.title is not None else area.y
            grid = Grid(template.size, Box(area.x, top, area.w, area.bottom - top), spec.columns, spec.gutter)
            return cls(edition, layout, typesetter, grid, images or {}, template, logo)
        size = SLIDE_16_9 if spec.size is SlideSize.WIDE else SLIDE_4_3
        m = spec.margins
        grid = Grid(size, Box(m.left, m.top, size.w - m.left - m.right, size.h - m.top - m.bottom),
                    spec.columns, spec.gutter)
        return cls(edition, layout, typesetter, grid, images or {}, None, logo,
                   _title_lines(edition, spec.roles[Role.TITLE], typesetter, grid.content.w))

    def on_template(self, kind: Kind) -> TemplateSlide | None:
        """The template layout a slide of ``kind`` is made on (None without a template)."""
        if self.template is None:
            return None
        return self.template.slide(_SLIDE_KINDS[kind])

    @property
    def spec(self) -> DeckSpec:
        """The layout's deck settings."""
        return self.layout.deck

    @property
    def colors(self) -> dict[str, str]:
        """The theme's colours by name."""
        return self.layout.theme.colors

    def role(self, role: Role) -> RoleStyle:
        """The deck's style for a text role."""
        return self.spec.roles[role]

    def line(self, role: Role, lines: float = 1.0) -> float:
        """The height of ``lines`` lines of a role at its full size."""
        r = self.spec.roles[role]
        return r.size * r.line_spacing * lines

    @property
    def featured_quotes(self) -> list[str]:
        """The ids of the featured quotes, in the order the content features them."""
        return [f.id for f in self.e.brief.featured if f.kind is FeatureKind.QUOTE]

    # -- the logo -----------------------------------------------------------------------------------------------
    @property
    def logo_place(self) -> DeckLogo:
        """Where the logo goes: the layout's choice, or nowhere without a logo."""
        return self.spec.logo if self.logo is not None else DeckLogo.NONE

    def _logo_in(self, slot: Box, align: Align) -> Box:
        """The logo at its aspect ratio in ``slot`` (its height, at most a share of the content width), vertically
        centred, at the slot's left or right."""
        assert self.logo is not None
        aspect = self.logo.width / self.logo.height
        w = min(slot.h * aspect, self.grid.content.w * LOGO_MAX_WIDTH_SHARE)
        h = w / aspect
        x = slot.right - w if align is Align.RIGHT else slot.x
        return Box(x, slot.y + (slot.h - h) / 2, w, h)

    @property
    def logo_box(self) -> Box | None:
        """Where the logo sits: level with the kicker at the top right (corner), at the right of the footer line
        (footer), or above the handling line on the title slide (title); None without a logo."""
        c, m = self.grid.content, self.spec.margins
        match self.logo_place:
            case DeckLogo.CORNER:
                top = max(TITLE_BAND + LOGO_PAD, c.y - m.top * LOGO_MARGIN_SHARE)
                return self._logo_in(Box(c.x, top, c.w, self._kicker_row.bottom - top), Align.RIGHT)
            case DeckLogo.FOOTER:
                top = self.footer_box.y - FOOTER_RULE_GAP + HAIRLINE + LOGO_PAD
                return self._logo_in(Box(c.x, top, c.w, c.bottom + m.bottom * LOGO_MARGIN_SHARE - top), Align.RIGHT)
            case DeckLogo.TITLE:
                top = TITLE_BAND + 2 * LOGO_PAD
                return self._logo_in(Box(c.x, top, c.w, c.y + TITLE_SLIDE_TOP - LOGO_PAD - top), Align.LEFT)
            case DeckLogo.NONE:
                return None

    def logo_frame(self) -> Frame | None:
        """The logo as an image frame, described by the layout's alt text or the organisation's name."""
        box = self.logo_box
        if box is None or self.logo is None:
            return None
        alt = self.layout.theme.logo_alt or self.e.t(self.e.brief.meta.organisation)
        return Frame(Name(Kind.LOGO), FrameRole.IMAGE, box, image_path=self.logo.path, alt_text=alt)

    @property
    def on_every_slide(self) -> bool:
        """Whether the logo is on every slide (corner or footer) rather than only the title slide."""
        return self.logo_place in (DeckLogo.CORNER, DeckLogo.FOOTER)

    def clear_of_logo(self, box: Box, place: DeckLogo) -> Box:
        """``box`` narrowed so it ends a gutter before the logo, when the logo is at ``place`` and beside it."""
        logo = self.logo_box
        if logo is None or self.logo_place is not place or box.bottom <= logo.y or box.y >= logo.bottom:
            return box
        return Box(box.x, box.y, max(0.0, min(box.w, logo.x - self.grid.gutter - box.x)), box.h)

    # -- boxes of a content slide --------------------------------------------------------------------------
    @property
    def _kicker_row(self) -> Box:
        """The full-width row above the title, before any logo is cleared from it."""
        c = self.grid.content
        return Box(c.x, c.y, c.w, self.line(Role.HEADING) + BOX_PAD)

    @property
    def kicker_box(self) -> Box:
        """The one-line box above the title (``01 · SECTION``), short of a corner logo."""
        return self.clear_of_logo(self._kicker_row, DeckLogo.CORNER)

    @property
    def title_box(self) -> Box:
        """Two lines of the title role under the kicker, or in a stacked bilingual deck a line in each language
        (on a template: the content layout's title placeholder)."""
        if self.template is not None:
            return _template_title_box(self, self.template.slide(SlideKind.SECTIONS))
        top = self.kicker_box.bottom + TITLE_GAP
        x, w = self.grid.span(0, self.grid.columns)
        return Box(x, top, w, self.title_lines + TITLE_PAD)

    @property
    def footer_box(self) -> Box:
        """One line of the footer role at the content area's bottom."""
        c = self.grid.content
        h = self.line(Role.FOOTER) + BOX_PAD
        return Box(c.x, c.bottom - h, c.w, h)

    @property
    def body_box(self) -> Box:
        """Everything between the title and the footer (or the content area's bottom, without a footer); on a
        template, the content layout's body placeholder, or the area under its title."""
        if self.template is not None:
            content = self.template.slide(SlideKind.SECTIONS)
            return content.body.box if content.body is not None else content.content
        c = self.grid.content
        top = self.title_box.bottom + BODY_GAP
        bottom = (self.footer_box.y - BODY_GAP) if self.spec.footer else c.bottom
        return Box(c.x, top, c.w, bottom - top)

    def cols(self, first: int, count: int, top: float, height: float) -> Box:
        """A box on ``count`` columns from column ``first``."""
        x, w = self.grid.span(first, count)
        return Box(x, top, w, height)

    # -- frames shared by content slides --------------------------------------------------------------------
    def chrome(self, name: Name, kicker: str, title: str, title_lang: Language, number: int,
               cont: bool = False, field: str = "") -> list[Frame]:
        """The kicker (if any), the title (with "(cont.)" on continuation slides) and the accent rule under it.

        ``field`` names the content field a title that does not fit came from; without it the slide is named.
        """
        where = f"slide {number} ({_spelled(name)})"
        on = self.on_template(name.kind)
        if on is not None:
            return [_template_title(self, on, name, title, title_lang, number, cont, field or f"{where}: title",
                                    context=f"slide {number}, title" if field else "")]
        frames = []
        if kicker:
            frames.append(self.ts.frame(name.of("kicker"), [Para(kicker, self.role(Role.HEADING), self.e.language)],
                                        self.kicker_box, where=f"{where}: kicker"))
        if cont:
            title = continued(title, self.e.language)
        frames.append(self.ts.frame(
            name.of("title"), [Para(title, self.role(Role.TITLE), title_lang, balance=True)], self.title_box,
            valign=VAlign.BOTTOM, policy=self.spec.fit[FitTarget.TITLE], role=FrameRole.TITLE,
            where=field or f"{where}: title", context=f"slide {number}, title" if field else ""))
        rule_y = self.title_box.bottom + TITLE_RULE_GAP
        frames.append(Frame(name.of("rule"), FrameRole.SHAPE, Box(self.grid.content.x, rule_y, *TITLE_RULE),
                            fill=self.colors["accent"]))
        return frames

    def footer(self, name: Name, number: int) -> list[Frame]:
        """The hairline, the short title (and handling) and the live slide number; nothing if the layout says so."""
        if not self.spec.footer:
            return []
        on = self.on_template(name.kind)
        if on is not None:
            return _template_footer(self, on, name, number)
        box = self.footer_box
        role = self.role(Role.FOOTER)
        frames = [Frame(name.of("footer-rule"), FrameRole.SHAPE, Box(box.x, box.y - FOOTER_RULE_GAP, box.w, HAIRLINE),
                        fill=self.colors["rule"])]
        logo = self.logo_box if self.logo_place is DeckLogo.FOOTER else None
        if logo is not None:  # the logo ends the line; the number sits a gutter before it
            box = Box(box.x, box.y, logo.x - self.grid.gutter - box.x, box.h)
        text_w = box.w * FOOTER_TEXT_SHARE
        left = Box(box.x, box.y, text_w, box.h)
        right = Box(box.x + text_w, box.y, box.w * FOOTER_NUMBER_SHARE, box.h)
        text = self.e.short_title
        handling = self.e.t(self.e.brief.meta.handling)
        if handling:
            text = f"{text}{SEPARATOR}{handling}"
        if self.e.brief.meta.short_title is not None:
            where, context = self.e.meta_at("short_title"), f"slide {number}, footer"
        else:  # the footer shows the title: name it, and say how to give the footer a title of its own
            where = self.e.meta_at("title")
            context = (f"slide {number}, footer, which shows the title when there is no meta.short_title (add one"
                       " of at most 80 characters)")
        frames.append(self.ts.frame(name.of("footer"), [Para(text, role, self.e.lang(self.e.brief.meta.title))],
                                    left, where=where, context=context))
        frames.append(self.ts.frame(name.of("number"), [Para(str(number), role, Language.EN, align=Align.RIGHT,
                                                             field=TextField.SLIDE_NUMBER)],
                                    right, where=f"slide {number}: slide number"))
        return frames

    def note(self, which: Label) -> str:
        """A speaker-note label in the edition's language: "Quote: ", "引述："."""
        return label(which, self.e.language) + colon(self.e.language)

    def slide(self, name: Name, number: int, frames: list[Frame], notes: str = "") -> SlidePlan:
        """Slide ``number``; refuses a deck past :data:`MAX_SLIDES` as soon as it gets there."""
        if number > MAX_SLIDES:
            raise FitError(f"the deck would have more than {MAX_SLIDES:,} slides; shorten the content or split it"
                           " into several briefs", f"{self.e.source}: sections")
        logo = self.logo_frame()
        if logo is not None and self.on_every_slide and not self.spec.logo_on_master:
            frames = [*frames, logo]
        on = self.on_template(name.kind)
        if on is not None:
            return SlidePlan(name, tuple(_into_body(on, frames)), None, notes, layout=on.layout.part)
        return SlidePlan(name, tuple(frames), self.colors["background"], notes)


# -- on a template ------------------------------------------------------------------------------------------------

_SLIDE_KINDS = {Kind.TITLE: SlideKind.TITLE, Kind.AGENDA: SlideKind.AGENDA, Kind.SECTION: SlideKind.SECTIONS,
                Kind.STATS: SlideKind.STATS, Kind.STAT: SlideKind.STATS, Kind.QUOTE: SlideKind.QUOTES,
                Kind.SOURCES: SlideKind.SOURCES, Kind.CLOSING: SlideKind.CLOSING}
_ALIGNS = {"l": Align.LEFT, "ctr": Align.CENTER, "r": Align.RIGHT, "just": Align.LEFT}
_ANCHORS = {"t": VAlign.TOP, "ctr": VAlign.MIDDLE, "b": VAlign.BOTTOM}
COVER_SUBTITLE_SHARE = 0.75  # on a template's cover the subtitle is set at most three quarters of the title's size
_BODY_PARTS = ("body", "takeaways")  # the frames a layout's body placeholder takes: a section's bullets, takeaways


def _title_lines(edition: Edition, role: RoleStyle, ts: Typesetter, width: float) -> float:
    """The title box's text height: :data:`TITLE_LINES` lines of the title role; in an edition that stacks two
    languages, at least a one-line title in each, set as titles are set. Chinese needs a taller line than the
    role's spacing gives Latin text, so two lines' worth would set every bilingual title smaller than its size."""
    lines = role.size * role.line_spacing * TITLE_LINES
    if edition.second is None:
        return lines
    sample = Versions(TITLE_SAMPLE[edition.language], TITLE_SAMPLE[edition.second], edition.second)
    return max(lines, ts.height([Para(sample, role, edition.language, balance=True)], width))


def _template_title_box(deck: DeckContext, on: TemplateSlide) -> Box:
    """The layout's title placeholder, or, for a layout without one, two title lines above its content."""
    if on.title is not None:
        return on.title.box
    content = deck.template.slide(SlideKind.SECTIONS) if deck.template is not None else on
    body = content.body.box if content.body is not None else content.content
    height = deck.line(Role.TITLE, TITLE_LINES) + TITLE_PAD
    return Box(body.x, max(body.y - height - BODY_GAP, 0.0), body.w, height)


def _template_title(deck: DeckContext, on: TemplateSlide, name: Name, title: str, title_lang: Language,
                    number: int, cont: bool, where: str, context: str) -> Frame:
    """The slide title set in the layout's title placeholder, with the placeholder's insets and alignment, and
    filling it (so the template's own title style applies); drawn as a text box where the layout has none."""
    if cont:
        title = continued(title, deck.e.language)
    placeholder = on.title
    box = _template_title_box(deck, on)
    look = placeholder.look if placeholder is not None else None
    align = _ALIGNS.get(look.align, Align.LEFT) if look is not None else Align.LEFT
    role = deck.role(Role.TITLE)
    if placeholder is not None and deck.template is not None:
        role = placeholder_role(role, placeholder, on.background, deck.template)
    frame = deck.ts.frame(
        name.of("title"), [Para(title, role, title_lang, balance=True, align=align)], box,
        insets=look.insets if look is not None else Insets(),
        valign=_ANCHORS.get(look.anchor, VAlign.BOTTOM) if look is not None else VAlign.BOTTOM,
        policy=deck.spec.fit[FitTarget.TITLE], role=FrameRole.TITLE if placeholder is not None else FrameRole.TEXT,
        where=where, context=context)
    if placeholder is None:
        return frame
    return replace(frame, placeholder=PlaceholderSlot(str(placeholder.type)))


def _template_footer(deck: DeckContext, on: TemplateSlide, name: Name, number: int) -> list[Frame]:
    """The short title and the live slide number in the layout's own footer and slide-number placeholders."""
    frames = []
    if on.footer is not None:
        role = _footer_role(deck, on, on.footer)
        text = deck.e.short_title
        handling = deck.e.t(deck.e.brief.meta.handling)
        if handling:
            text = f"{text}{SEPARATOR}{handling}"
        look = on.footer.look
        frame = deck.ts.frame(name.of("footer"), [Para(text, role, deck.e.lang(deck.e.brief.meta.title),
                                                       align=_ALIGNS.get(look.align, Align.LEFT))],
                              on.footer.box, insets=look.insets, valign=_ANCHORS.get(look.anchor, VAlign.MIDDLE),
                              where=deck.e.meta_at('short_title'), context=f"slide {number}, footer")
        frames.append(replace(frame, placeholder=PlaceholderSlot(str(on.footer.type), on.footer.idx)))
    if on.number is not None:
        role = _footer_role(deck, on, on.number)
        look = on.number.look
        frame = deck.ts.frame(name.of("number"), [Para(str(number), role, Language.EN,
                                                       align=_ALIGNS.get(look.align, Align.RIGHT),
                                                       field=TextField.SLIDE_NUMBER)],
                              on.number.box, insets=look.insets, valign=_ANCHORS.get(look.anchor, VAlign.MIDDLE),
                              where=f"slide {number}: slide number")
        frames.append(replace(frame, placeholder=PlaceholderSlot(str(on.number.type), on.number.idx)))
    return frames


def _footer_role(deck: DeckContext, on: TemplateSlide, placeholder) -> RoleStyle:
    """The footer role as the template's footer placeholder sets it, readable on that slide's background (a dark
    cover's footer is light)."""
    assert deck.template is not None
    return placeholder_role(deck.role(Role.FOOTER), placeholder, on.background, deck.template)


def _into_body(on: TemplateSlide, frames: list[Frame]) -> list[Frame]:
    """The slide's main text (a section's bullets, the takeaways) goes into the layout's body placeholder."""
    if on.body is None:
        return frames
    slot = PlaceholderSlot(str(on.body.type), on.body.idx)
    placed = False
    out = []
    for frame in frames:
        if not placed and frame.role is FrameRole.TEXT and frame.name.part in _BODY_PARTS:
            frame = replace(frame, placeholder=slot)
            placed = True
        out.append(frame)
    return out


def continued(title: str, language: Language) -> str:
    """A continuation slide's title: "Academic Prowess (cont.)", "學術實力（續）", in each of its languages."""
    def cont(text: str, lang: Language) -> str:
        """One language's title with that language's "(cont.)" label (no space before it in Chinese)."""
        return f"{text}{'' if lang is Language.ZH_HANT else ' '}{label(Label.CONTINUED, lang)}"

    if isinstance(title, Versions):
        return Versions(cont(str(title), language), cont(title.second, title.second_lang), title.second_lang)
    return cont(title, language)


def _spelled(name: Name) -> str:
    """A slide's name as messages give it (``section:talent#2``), matching the writers' spelling."""
    return str(name.kind) + (f":{name.id}" if name.id else "") + (f"#{name.sheet}" if name.sheet else "")


def _sheet(part: int) -> int:
    """The ``sheet`` of the ``part``-th slide of a continued run (counting from 0): 0 for the first, then 2, 3 ..."""
    return part + 1 if part else 0


def _natural_height(setting: SetText) -> float:
    """The height of a box sized to its text, with the slack cards keep (:data:`CARD_SLACK`)."""
    return setting.height / CARD_SLACK


def _set_frame(name: Name, setting: SetText, box: Box, insets: Insets, valign: VAlign) -> Frame:
    """A text frame for paragraphs already set (cards whose size follows their text)."""
    inner = box.inset(insets)
    return Frame(name, FrameRole.TEXT, box, aligned(setting, inner.h, valign), insets, valign)


# -- the title slide ----------------------------------------------------------------------------------------------


def title_slide(deck: DeckContext, number: int, shown: Shown) -> Slides:
    """The cover: accent band, handling line, the title large, a rule, the subtitle, and the date line at the foot."""
    e, meta = deck.e, deck.e.brief.meta
    c = deck.grid.content
    name = Name(Kind.TITLE)
    on = deck.on_template(Kind.TITLE)
    if on is not None:
        return [_template_cover(deck, on, name, number)], shown
    frames = [Frame(name.of("band"), FrameRole.SHAPE, Box(0, 0, deck.grid.size.w, TITLE_BAND),
                    fill=deck.colors["accent"])]
    if deck.logo_place is DeckLogo.TITLE:
        frames.append(deck.logo_frame())
    top = c.y + TITLE_SLIDE_TOP
    handling = str(e.t(meta.handling))  # one line: the edition's first language
    if handling:
        frames.append(deck.ts.frame(name.of("handling"), [Para(handling, deck.role(Role.HEADING),
                                                               e.lang(meta.handling))],
                                    Box(c.x, top, c.w, deck.line(Role.HEADING) + BOX_PAD),
                                    where=e.meta_at('handling'), context="title slide"))
    title_role = deck.role(Role.TITLE)
    big = replace(title_role, size=title_role.size * TITLE_SLIDE_SCALE, min_size=title_role.min_size)
    x, w = deck.grid.span(0, deck.grid.share(TEXT_MEASURE))
    title_h = big.size * big.line_spacing * TITLE_SLIDE_LINES + TITLE_PAD
    title_box = Box(x, top + deck.line(Role.HEADING) + TITLE_SLIDE_TITLE_GAP, w, title_h)
    frames.append(deck.ts.frame(name.of("title"), [Para(e.t(meta.title), big, e.lang(meta.title), balance=True)],
                                title_box, valign=VAlign.BOTTOM, policy=deck.spec.fit[FitTarget.TITLE],
                                role=FrameRole.TITLE, where=e.meta_at('title'), context="title slide"))
    y = title_box.bottom + TITLE_SLIDE_RULE_GAP
    frames.append(Frame(name.of("rule"), FrameRole.SHAPE, Box(c.x, y, *TITLE_SLIDE_RULE),
                        fill=deck.colors["accent"]))
    y += SUBTITLE_GAP
    if meta.subtitle:
        sub_h = deck.line(Role.SUBTITLE, SUBTITLE_LINES) + TITLE_PAD
        frames.append(deck.ts.frame(name.of("subtitle"), [Para(e.t(meta.subtitle), deck.role(Role.SUBTITLE),
                                                               e.lang(meta.subtitle))],
                                    Box(x, y, w, sub_h), policy=FitPolicy.SHRINK,
                                    where=e.meta_at('subtitle'), context="title slide"))
    frames.append(_dateline(deck, name))
    return [deck.slide(name, number, frames, e.t(meta.subtitle))], shown


def _template_cover(deck: DeckContext, on: TemplateSlide, name: Name, number: int) -> SlidePlan:
    """The cover on the template's title layout: the title in its title placeholder, the subtitle, handling and
    date line in its subtitle placeholder (or under the title where the layout has none)."""
    e, meta = deck.e, deck.e.brief.meta
    title = _template_title(deck, on, name, e.t(meta.title), e.lang(meta.title), number, False,
                            e.meta_at("title"), "title slide")
    subtitle_role = deck.role(Role.SUBTITLE)
    placeholder = on.subtitle
    if placeholder is not None and deck.template is not None:
        subtitle_role = placeholder_role(subtitle_role, placeholder, on.background, deck.template)
    # the subtitle never outranks the title: a template's one-line title box can shrink a long title well below
    # its subtitle placeholder's size (LibreOffice's "Title Slide")
    title_size = title.paragraphs[0].style.size
    if subtitle_role.size > title_size * COVER_SUBTITLE_SHARE:
        subtitle_role = replace(subtitle_role, size=title_size * COVER_SUBTITLE_SHARE,
                                min_size=min(subtitle_role.min_size, title_size * COVER_SUBTITLE_SHARE))
    small = replace(subtitle_role, size=min(deck.role(Role.ATTRIBUTION).size, subtitle_role.size),
                    min_size=min(deck.role(Role.ATTRIBUTION).min_size, subtitle_role.min_size))
    look = placeholder.look if placeholder is not None else None
    align = _ALIGNS.get(look.align, Align.LEFT) if look is not None else Align.LEFT
    paras = []
    if meta.subtitle:
        paras.append(Para(e.t(meta.subtitle), subtitle_role, e.lang(meta.subtitle), align=align))
    paras.append(Para(f"{format_date(meta.date, e.language)}{SEPARATOR}{e.t(meta.organisation)}", small,
                      e.lang(meta.organisation), align=align, space_before_em=SUBTITLE_GAP / small.size))
    handling = e.t(meta.handling)
    if handling:
        paras.append(Para(handling, small, e.lang(meta.handling), align=align))
    if placeholder is not None:
        box = placeholder.box
    else:
        top = title.box.bottom + SUBTITLE_GAP
        box = Box(title.box.x, top, title.box.w, max(on.content.bottom - top, deck.line(Role.SUBTITLE, 3)))
    under = deck.ts.frame(name.of("subtitle"), paras, box, insets=look.insets if look is not None else Insets(),
                          valign=_ANCHORS.get(look.anchor, VAlign.TOP) if look is not None else VAlign.TOP,
                          policy=FitPolicy.SHRINK, where=e.meta_at("subtitle"), context="title slide")
    if placeholder is not None:
        under = replace(under, placeholder=PlaceholderSlot(str(placeholder.type), placeholder.idx))
    return deck.slide(name, number, [title, under, *deck.footer(name, number)], e.t(meta.subtitle))


def _dateline(deck: DeckContext, name: Name) -> Frame:
    """Date and organisation at the foot of the title slide."""
    e, meta = deck.e, deck.e.brief.meta
    c = deck.grid.content
    date_text = f"{format_date(meta.date, e.language)}{SEPARATOR}{e.t(meta.organisation)}"
    # the subtitle's colours (they are checked against the slide background), at the attribution's size
    dateline_role = replace(deck.role(Role.SUBTITLE), size=deck.role(Role.ATTRIBUTION).size,
                            min_size=deck.role(Role.ATTRIBUTION).min_size)
    line_h = dateline_role.size * dateline_role.line_spacing + DATELINE_PAD
    box = deck.clear_of_logo(Box(c.x, c.bottom - line_h, c.w, line_h), DeckLogo.FOOTER)
    return deck.ts.frame(name.of("dateline"), [Para(date_text, dateline_role, e.lang(meta.organisation))], box,
                         where=e.meta_at('organisation'), context="title slide")


# -- the agenda ---------------------------------------------------------------------------------------------------


def agenda_slides(deck: DeckContext, number: int, shown: Shown) -> Slides:
    """Numbered section headings: one column up to six, two up to twelve, then further agenda slides."""
    sections = list(deck.e.brief.sections)
    per_slide = AGENDA_PER_COLUMN * AGENDA_COLUMNS
    pages = [sections[i:i + per_slide] for i in range(0, len(sections), per_slide)]
    slides = []
    first_index = 0
    for part, page in enumerate(pages):
        n = number + part
        name = Name(Kind.AGENDA, sheet=_sheet(part))
        frames = deck.chrome(name, "", deck.e.label(Label.AGENDA), deck.e.language, n, cont=part > 0)
        frames += _agenda_rows(deck, page, first_index, n)
        first_index += len(page)
        frames += deck.footer(name, n)
        slides.append(deck.slide(name, n, frames))
    return slides, shown


def _agenda_rows(deck: DeckContext, page: list[Section], first_index: int, number: int) -> list[Frame]:
    """One agenda slide's rows: a rule, the section's number and its heading, in one or two columns."""
    e = deck.e
    body = deck.body_box
    columns = 1 if len(page) <= AGENDA_PER_COLUMN else AGENDA_COLUMNS
    rows = -(-len(page) // columns)
    row_h = min((body.h - AGENDA_TOP) / rows, deck.line(Role.BODY, AGENDA_ROW_LINES))
    col_span = deck.grid.columns // columns
    frames = []
    for offset, section in enumerate(page):
        col, row = divmod(offset, rows)
        y = body.y + AGENDA_TOP + row * row_h
        num_x, num_w = deck.grid.span(col * col_span, 1)
        # one column keeps a column free on the right, so a heading does not run the slide's full width
        text_x, text_w = deck.grid.span(col * col_span + 1, col_span - (2 if columns == 1 else 1))
        rule_x, rule_w = deck.grid.span(col * col_span, col_span)
        row_name = Name(Kind.AGENDA, section.id)
        frames.append(Frame(row_name.of("rule"), FrameRole.SHAPE, Box(rule_x, y, rule_w, HAIRLINE),
                            fill=deck.colors["rule"]))
        frames.append(deck.ts.frame(row_name.of("number"),
                                    [Para(f"{first_index + offset + 1:02d}", deck.role(Role.HEADING), Language.EN)],
                                    Box(num_x, y + AGENDA_NUMBER_DROP, num_w, row_h - AGENDA_NUMBER_DROP),
                                    where=f"slide {number} (agenda): number"))
        frames.append(deck.ts.frame(row_name,
                                    [Para(e.t(section.heading), deck.role(Role.BODY), e.lang(section.heading))],
                                    Box(text_x, y + AGENDA_HEADING_DROP, text_w, row_h - AGENDA_HEADING_DROP),
                                    where=e.at("sections", section.id, "heading"),
                                    context=f"slide {number}, agenda"))
    return frames


# -- section slides -----------------------------------------------------------------------------------------------


def sections_slides(deck: DeckContext, number: int, shown: Shown) -> Slides:
    """Every section's slides in order; then, if the sequence has no quotes slot, the featured quotes not yet shown."""
    slides: list[SlidePlan] = []
    for index, section in enumerate(deck.e.brief.sections, start=1):
        made, shown = section_slides(deck, index, section, number + len(slides), shown)
        slides += made
    if SlideKind.QUOTES not in deck.spec.sequence:
        # featured quotes that found no room beside their section still get a slide
        made, shown = quote_slides(deck, number + len(slides), shown)
        slides += made
    return slides, shown


@dataclass(frozen=True, slots=True)
class _SectionPlan:
    """How one section's first slide is divided: the text box, the sidebar (if any) and the quote band (if any)."""

    body: Box  # the body area left once a band is taken off
    text_box: Box
    text_cols: int
    sidebar_cols: int
    beside_stats: list[str]
    sidebar_quote: str | None
    band_quote: str | None
    band: list[Frame]


def section_slides(deck: DeckContext, index: int, section: Section, number: int, shown: Shown) -> Slides:
    """A section's bullets under its heading, with its sidebar or quote band; continued onto further slides.

    Under the "continue" fit policy the bullets keep their size and what does not fit goes onto continuation
    slides. The bullets are spread so the least full slide is as full as it can be (:func:`_spread`); the
    sidebar or band ("extras") goes on the first slide or, when that fills the slides more evenly, on the last.
    Slides without the extras set the text on the full text measure.
    """
    e = deck.e
    layout = _section_layout(deck, section, number, shown)
    paras = [Para(e.t(b), deck.role(Role.BODY), e.lang(b), bullet=BULLET, space_before_em=BULLET_SPACE_EM)
             for b in section.bullets]
    full = deck.body_box
    plain_box = deck.cols(0, deck.grid.share(TEXT_MEASURE), full.y, full.h)
    if layout.band_quote is not None and _band_splits_one_slide(deck, paras, layout.text_box, plain_box):
        # the quote gets a slide of its own among the quotes rather than split the section over two half-empty ones
        layout = _section_layout(deck, section, number, shown, with_band=False)
    extras, cited, after = _extras(deck, section, layout, number, shown)
    chunks, with_extras, scale = _section_chunks(deck, paras, layout, plain_box, extras)
    policy = deck.spec.fit[FitTarget.BODY]
    kicker = f"{index:02d}{SEPARATOR}{label(Label.SECTION, e.language)}" if e.language is Language.EN \
        else f"{label(Label.SECTION, e.language)} {index:02d}"
    slides = []
    for part, chunk in enumerate(chunks):
        n = number + part
        name = Name(Kind.SECTION, section.id, sheet=_sheet(part))
        frames = deck.chrome(name, kicker, e.t(section.heading), e.lang(section.heading), n, cont=part > 0,
                             field=e.at("sections", section.id, "heading"))
        here = part == with_extras
        frames.append(deck.ts.frame(Name(Kind.SECTION, section.id, "body", piece=_sheet(part)), chunk,
                                    layout.text_box if here else plain_box,
                                    policy=FitPolicy.FAIL if policy is FitPolicy.FAIL else FitPolicy.SHRINK,
                                    where=e.at("sections", section.id, "bullets"), context=f"slide {n}",
                                    most_scale=scale))
        notes = [e.both(p) for p in section.notes] if part == 0 else [
            label(Label.CONTINUES, e.language).format(heading=e.t(section.heading), number=number)]
        if here:
            # made again at this slide's number, so a card that does not fit names the slide it is on
            extras, cited, after = _extras(deck, section, layout, n, shown)
            frames += extras
            notes += cited
        if part == 0:
            notes += [deck.note(Label.ALSO_QUOTED) + e.quote_citation(e.brief.quote(q))
                      for q in section.quotes if q not in after.quotes]
        frames += deck.footer(name, n)
        slides.append(deck.slide(name, n, frames, "\n\n".join(notes)))
    return slides, after


def _extras(deck: DeckContext, section: Section, layout: _SectionPlan, number: int,
            shown: Shown) -> tuple[list[Frame], list[str], Shown]:
    """The section's sidebar and band, the speaker-note lines citing what they show, and ``shown`` with it."""
    e = deck.e
    frames: list[Frame] = []
    notes: list[str] = []
    if layout.sidebar_cols:
        side = deck.cols(layout.text_cols, layout.sidebar_cols, layout.body.y, layout.body.h)
        made, notes, shown = sidebar(deck, section, side, layout.beside_stats, layout.sidebar_quote, number, shown)
        frames += made
    if layout.band_quote is not None:
        frames += layout.band
        shown = shown.with_quotes(layout.band_quote)
        notes.append(deck.note(Label.QUOTE_NOTE) + e.quote_citation(e.brief.quote(layout.band_quote)))
    return frames, notes, shown


def _section_chunks(deck: DeckContext, paras: list[Para], layout: _SectionPlan, plain_box: Box,
                    extras: list[Frame]) -> tuple[list[list[Para]], int, float]:
    """The bullets slide by slide, the index of the slide that carries the sidebar or band (0 or the last), and
    the scale every slide of the section sets them at (at most 1)."""
    if deck.spec.fit[FitTarget.BODY] is not FitPolicy.CONTINUE:
        return [paras], 0, 1.0
    # a section that fits one slide a little smaller stays on one slide: a "(cont.)" slide costs the reader more
    # than a slightly smaller size does
    if _fits_one_slide(deck, paras, layout.text_box):
        return [paras], 0, 1.0
    natural = deck.ts.height(paras, layout.text_box.w)
    full = deck.body_box
    if layout.band_quote is not None:
        extra = SlideRoom(layout.text_box.h * HEIGHT_SAFETY, full.h - layout.body.h, measure=1)
    else:
        reach = max((f.box.bottom for f in extras), default=full.y) - full.y
        extra = SlideRoom(layout.text_box.h * HEIGHT_SAFETY, reach, beside=True, measure=1)
    has_extras = bool(layout.sidebar_cols) or layout.band_quote is not None
    spread_out = _spread_fewest(deck, paras, natural, plain_box, layout.text_box, extra if has_extras else None)
    if spread_out is None:
        return _continued(deck, paras, layout.text_box, plain_box), 0, 1.0
    return spread_out


def _spread_fewest(deck: DeckContext, paras: list[Para], natural: float, plain: Box, narrow: Box,
                   extra: SlideRoom | None) -> tuple[list[list[Para]], int, float] | None:
    """Paragraphs ``natural`` tall at full size spread over two slides or more (see :func:`_spread`), with the
    scale they are set at: the fewest slides at full size, or one slide fewer when the paragraphs fit that a
    little smaller (down to :data:`CONTINUE_MIN_SCALE`). Another "(cont.)" slide costs the reader more than a
    slightly smaller size does, and the slides it would save are the half-empty ones. None when the paragraphs
    are too many to weigh or no spread fits."""
    units = _spread_units(deck.ts, paras, plain, narrow)
    spread_out = _spread(deck, units, plain, narrow, extra) if units else None
    if spread_out is None:
        return None
    chunks, where = spread_out
    fewer = len(chunks) - 1
    if fewer >= FEWEST_SPREAD_SLIDES and _could_fit(natural, plain.h * fewer):
        for scale in _continue_scales(deck.role(Role.BODY)):
            smaller = _spread(deck, units, plain, narrow, extra, scale=scale, counts=range(fewer, fewer + 1))
            if smaller is not None:
                return *smaller, scale
    return chunks, where, 1.0


def _fits_one_slide(deck: DeckContext, paras: list[Para], box: Box) -> bool:
    """Whether the paragraphs fit ``box`` at full size or a little smaller (down to :data:`CONTINUE_MIN_SCALE`):
    what keeps a section on one slide."""
    natural = deck.ts.height(paras, box.w)
    if natural <= box.h * HEIGHT_SAFETY:
        return True
    # text takes about the square of its size in area: only text that could fit at CONTINUE_MIN_SCALE is tried
    return _could_fit(natural, box.h) and deck.ts.fit(paras, box.w, box.h, least_scale=CONTINUE_MIN_SCALE) is not None


def _could_fit(natural: float, room: float) -> bool:
    """Whether text ``natural`` tall at full size could fit ``room`` at :data:`CONTINUE_MIN_SCALE`: text takes
    about the square of its size in area, and line breaks round it up by up to :data:`NEAR_FIT`."""
    return natural * CONTINUE_MIN_SCALE ** 2 <= room * HEIGHT_SAFETY * NEAR_FIT


def _continue_scales(body: RoleStyle) -> list[float]:
    """The scales below full size, largest first and down to :data:`CONTINUE_MIN_SCALE`, a section's bullets are
    tried at to save a slide: one :data:`SHRINK_STEP` of the body size apart, as the fit search steps."""
    step = SHRINK_STEP / body.size
    count = int((1.0 - CONTINUE_MIN_SCALE) / step + 1e-9)
    return [1.0 - step * i for i in range(1, count + 1)]


def _spread(deck: DeckContext, units: list[Para], plain: Box, narrow: Box, extra: SlideRoom | None,
            scale: float = SPREAD_SCALE, counts: range | None = None) -> tuple[list[list[Para]], int] | None:
    """Pieces of text spread over the fewest slides (of ``counts``) so the least full slide is as full as it can
    be, every slide set at ``scale``.

    Slides are ``plain`` boxes, except the one carrying the section's ``extra`` (a sidebar beside the text or a
    band under it), whose text goes in ``narrow``; that slide is the first or the last, whichever spreads
    better. Returns the chunks and the extras' slide (0 without extras), or None (no spread fits): the caller
    then continues greedily, or keeps a spread it has.
    """
    ts = deck.ts
    heights, spaces, follows = _weighed(ts, units, plain.w, narrow.w, scale)
    plain_room = SlideRoom(plain.h * HEIGHT_SAFETY)
    for count in counts if counts is not None else range(FEWEST_SPREAD_SLIDES, len(units) + 1):
        options = _spread_options(heights, spaces, follows, count, plain_room, extra, plain.h)
        if not options:
            continue
        runs, where = _preferred_spread(options, extra)
        chunks = [units[run.start:run.stop] for run in runs]
        boxes = [narrow if i == where else plain for i in range(count)]
        if all(ts.fit(chunk, box.w, box.h, shrink=False, most_scale=scale) is not None
               for chunk, box in zip(chunks, boxes)):
            return chunks, (where or 0)
        return None
    return None


def _spread_units(ts: Typesetter, paras: list[Para], plain: Box, narrow: Box) -> list[Para] | None:
    """The pieces a spread weighs: the paragraphs split where they would break across the smaller of the two
    boxes; None when there are too many pieces or too much text to weigh in good time."""
    if len(paras) > MAX_BALANCED_UNITS or sum(len(p.text) for p in paras) > MAX_BALANCED_CHARS:
        return None
    width, height = min(plain.w, narrow.w), min(plain.h, narrow.h)
    units = stacked(paras)
    if any(ts.height([unit], width) > height * HEIGHT_SAFETY for unit in units):
        # only a paragraph taller than a slide is cut (between lines); the heights alone say none is, usually
        units = [piece for chunk in ts.split(paras, width, height) for piece in chunk]
    if len(units) > MAX_BALANCED_UNITS:
        return None
    return units


def _weighed(ts: Typesetter, units: list[Para], plain_w: float, narrow_w: float,
             scale: float) -> tuple[list[list[float]], list[float], list[bool]]:
    """What :func:`spread` weighs of the pieces at ``scale``: their heights at each measure (plain, then narrow),
    the space before each in points, and whether each follows the one before (a bullet's second-language
    version)."""
    heights = [[ts.height([u], plain_w, scale) for u in units], [ts.height([u], narrow_w, scale) for u in units]]
    spaces = [u.space_before_em * scaled_size(u.role, scale) for u in units]
    return heights, spaces, [u.follows for u in units]


def _spread_options(heights: list[list[float]], spaces: list[float], follows: list[bool], count: int,
                    plain_room: SlideRoom, extra: SlideRoom | None,
                    full: float) -> list[tuple[tuple[list[Run], float], int | None]]:
    """Every spread over ``count`` slides that fits, each with the slide carrying ``extra``: the first or the
    last, or None without extras. A spread is its runs of pieces and the least fullness, as :func:`spread` gives."""
    options = []
    for where in ([0, count - 1] if extra is not None else [None]):
        rooms = [extra if i == where else plain_room for i in range(count)]
        result = spread(heights, spaces, rooms, full, follows)
        if result is not None:
            options.append((result, where))
    return options


def _preferred_spread(options: list[tuple[tuple[list[Run], float], int | None]],
                      extra: SlideRoom | None) -> tuple[list[Run], int | None]:
    """The spread to use and its extras' slide: one within :data:`FILL_TOLERANCE` of the fullest option."""
    top = max(result[1] for result, _ in options)
    # among spreads about as even, a sidebar stays with the section's opening (its stats and picture
    # introduce it) and a band closes the section, after all its bullets
    preferred = sorted(options, key=lambda item: (item[1] == 0) == (extra is not None and extra.beside),
                       reverse=True)
    (runs, _), where = next(item for item in preferred if item[0][1] >= top - FILL_TOLERANCE)
    return runs, where


def _band_splits_one_slide(deck: DeckContext, paras: list[Para], text_box: Box, plain_box: Box) -> bool:
    """Whether a quote band is all that keeps the section's bullets off one slide: they fit the slide without it
    (down to :data:`CONTINUE_MIN_SCALE`, as any section kept on one slide) but not above it. Kept, the band
    would split a slide's worth of bullets over two slides each about half full."""
    return (deck.spec.fit[FitTarget.BODY] is FitPolicy.CONTINUE and not _fits_one_slide(deck, paras, text_box)
            and _fits_one_slide(deck, paras, plain_box))


def _section_layout(deck: DeckContext, section: Section, number: int, shown: Shown,
                    with_band: bool = True) -> _SectionPlan:
    """Which of the section's stats and quote go beside or under its text, and the boxes that leaves (without
    ``with_band``, no quote goes under the text: it is left for the quote slides)."""
    beside_stats = list(section.stats) if deck.spec.stats is StatArrangement.BESIDE_SECTION else []
    featured = deck.featured_quotes
    section_quote = next((q for q in section.quotes if q in featured and q not in shown.quotes), None)
    sidebar_quote = section_quote if deck.spec.quotes is QuoteTreatment.SIDEBAR else None
    band_quote = section_quote if deck.spec.quotes is QuoteTreatment.BAND and with_band else None
    body = deck.body_box
    band: list[Frame] = []
    if band_quote is not None:
        band, band_h = quote_band(deck, deck.e.brief.quote(band_quote), body, number)
        body = Box(body.x, body.y, body.w, body.h - band_h - BAND_GAP)
    sidebar_cols = 0
    if beside_stats or sidebar_quote is not None or section.image is not None:
        sidebar_cols = max(SIDEBAR_MIN_COLUMNS, round(deck.grid.columns * SIDEBAR_SHARE))
    text_cols = deck.grid.columns - sidebar_cols if sidebar_cols else deck.grid.share(TEXT_MEASURE)
    text_box = deck.cols(0, text_cols, body.y, body.h)
    return _SectionPlan(body, text_box, text_cols, sidebar_cols, beside_stats, sidebar_quote, band_quote, band)


def _continued(deck: DeckContext, paras: list[Para], text_box: Box, continued_box: Box) -> list[list[Para]]:
    """The bullets slide by slide: all on one unless "continue" is the policy and they do not fit at full size."""
    if deck.spec.fit[FitTarget.BODY] is not FitPolicy.CONTINUE \
            or deck.ts.fit(paras, text_box.w, text_box.h, shrink=False) is not None:
        return [paras]
    first, *rest = deck.ts.split(paras, text_box.w, text_box.h)
    remaining = [para for chunk in rest for para in chunk]
    chunks = [first] + (deck.ts.split(remaining, continued_box.w, continued_box.h) if remaining else [])
    return even_out(deck.ts, chunks, continued_box)


def even_out(ts: Typesetter, chunks: list[list[Para]], box: Box) -> list[list[Para]]:
    """Move bullets forward so the last continuation slide is not left with a lone bullet (4 + 1 -> 3 + 2).

    A bullet moves while the last slide has at least two fewer than the one before, and it still fits there.
    """
    chunks = [list(c) for c in chunks]

    def bullets(chunk: list[Para]) -> int:
        """Bullets on a slide: a bullet's second-language version is part of it."""
        return sum(not para.follows for para in chunk)

    while len(chunks) >= 2 and bullets(chunks[-2]) - bullets(chunks[-1]) >= 2:
        # a bullet's second-language version moves with it
        count = 2 if chunks[-2][-1].follows and len(chunks[-2]) > 2 else 1
        moved = chunks[-2][-count:] + chunks[-1]
        if ts.fit(moved, box.w, box.h, shrink=False) is None:
            break
        del chunks[-2][-count:]
        chunks[-1] = moved
    return chunks


def sidebar(deck: DeckContext, section: Section, box: Box, stat_ids: list[str], quote_id: str | None,
            number: int, shown: Shown) -> tuple[list[Frame], list[str], Shown]:
    """Cards stacked in the sidebar column: the image, the section's stats, then its quote, while they fit.

    Returns the frames, the speaker-note lines citing what it showed, and ``shown`` with those items added.
    """
    e = deck.e
    frames: list[Frame] = []
    notes: list[str] = []
    y = box.y
    if section.image is not None and deck.images.get(section.image.path) is not None:
        frame, h = image_frame(deck, section, Box(box.x, y, box.w, box.h * IMAGE_SHARE))
        frames.append(frame)
        y += h + SIDEBAR_GAP
    for stat_id in stat_ids:
        stat = e.brief.stat(stat_id)
        card = stat_card(deck, stat, Box(box.x, y, box.w, box.bottom - y), number, natural=True,
                         valign=VAlign.MIDDLE)
        if card is None:
            break
        card_frames, h = card
        frames += card_frames
        shown = shown.with_stats(stat_id)
        notes.append(deck.note(Label.FIGURE_NOTE) + e.stat_citation(stat))
        y += h + SIDEBAR_GAP
    if quote_id is not None:
        quote = e.brief.quote(quote_id)
        card_frames = quote_card(deck, quote, Box(box.x, y, box.w, box.bottom - y))
        if card_frames is not None:
            frames += card_frames
            shown = shown.with_quotes(quote_id)
            notes.append(deck.note(Label.QUOTE_NOTE) + e.quote_citation(quote))
    return frames, notes, shown


def image_frame(deck: DeckContext, section: Section, box: Box) -> tuple[Frame, float]:
    """The section's image, as large as fits ``box`` at its own aspect ratio; returns the frame and its height."""
    info = deck.images[section.image.path]
    scale = min(box.w / info.width, box.h / info.height)
    w, h = info.width * scale, info.height * scale
    alt = "" if section.image.decorative else deck.e.t(section.image.alt)
    return Frame(Name(Kind.SECTION, section.id, "image"), FrameRole.IMAGE, Box(box.x, box.y, w, h),
                 image_path=info.path, alt_text=alt, decorative=section.image.decorative), h


# -- stat cards ---------------------------------------------------------------------------------------------------


def stat_paras(deck: DeckContext, stat: Stat, value_cap: float | None = None) -> list[Para]:
    """A stat card's text: the value (one line, at most ``value_cap``), the label and a source line."""
    e = deck.e
    source = e.t(e.brief.source(stat.source).name)
    return [
        # the figure once, in the first language (a bilingual card stacks its label, not its value)
        Para(str(e.t(stat.value)), deck.role(Role.STAT_VALUE), e.lang(stat.value), one_line=True,
             size_cap=value_cap),
        Para(e.t(stat.label), deck.role(Role.STAT_LABEL), e.lang(stat.label), space_before_em=STAT_LABEL_SPACE_EM),
        Para(f"{label(Label.SOURCE, e.language)}{colon(e.language)}{source}", deck.role(Role.CAPTION), e.language,
             space_before_em=STAT_SOURCE_SPACE_EM),
    ]


def stat_card(deck: DeckContext, stat: Stat, box: Box, number: int, natural: bool = False,
              scale: float | None = None, valign: VAlign = VAlign.TOP,
              value_cap: float | None = None, block: float | None = None) -> tuple[list[Frame], float] | None:
    """A stat callout: a surface card with an accent edge, the value large, the label and a source line.

    ``natural`` sizes the card to its text at full size (None if that is taller than ``box``); otherwise the card
    fills ``box`` and its text is set at ``scale``, or as large as fits. ``block``, the height of the tallest
    text among the cards of its row, sets the text at the top of that block centred in the card (instead of
    ``valign``): every card's value then starts on one line and its label at one height, whatever the label's
    length. Returns the frames and the card's height.
    """
    paras = stat_paras(deck, stat, value_cap)
    inner_w = box.w - CARD_INSETS.left - CARD_INSETS.right - STAT_EDGE
    if natural:
        h = _natural_height(deck.ts.set(paras, inner_w)) + CARD_INSETS.top + CARD_INSETS.bottom
        if h > box.h:
            return None
        box = Box(box.x, box.y, box.w, h)
    text_box = Box(box.x + STAT_EDGE, box.y, box.w - STAT_EDGE, box.h)
    name = Name(Kind.STAT, stat.id)
    frames = [
        Frame(name.of("card"), FrameRole.SHAPE, box, fill=deck.role(Role.STAT_VALUE).on),
        Frame(name.of("edge"), FrameRole.SHAPE, Box(box.x, box.y, STAT_EDGE, box.h), fill=deck.colors["accent"]),
    ]
    insets = CARD_INSETS
    if block is not None:
        insets = replace(insets, top=insets.top + max(0.0, (text_box.h - insets.top - insets.bottom - block) / 2))
        valign = VAlign.TOP
    inner = text_box.inset(insets)
    setting = deck.ts.set(paras, inner.w, scale) if scale is not None else deck.ts.fit(paras, inner.w, inner.h)
    if setting is None or setting.height > inner.h:
        if deck.spec.fit[FitTarget.STAT] is FitPolicy.FAIL or setting is None:
            raise stat_too_big(deck, stat, inner.w, number)
    frames.append(_set_frame(name, setting, text_box, insets, valign))
    return frames, box.h


def stat_too_big(deck: DeckContext, stat: Stat, width: float, number: int) -> FitError:
    """Which part of a stat callout to shorten: the value if it cannot fit one line, else the label."""
    role = deck.role(Role.STAT_VALUE)
    value_fits = deck.ts.width(deck.e.t(stat.value), role, role.min_size) <= width
    field = "label" if value_fits else "value"
    return FitError(f"on slide {number}: does not fit its card even at the smallest size; shorten the {field}",
                    deck.e.at("stats", stat.id, field))


def stat_slides(deck: DeckContext, number: int, shown: Shown) -> Slides:
    """The stats not yet shown beside their section, in even groups per slide, every value on every slide at one
    size."""
    stats = [s for s in deck.e.brief.stats if s.id not in shown.stats]
    if not stats:
        return [], shown
    per = _stats_per_slide(deck.spec)
    slides = []
    groups = _even_groups(stats, per)
    layouts = [card_boxes(deck, len(group), per) for group in groups]
    # one value size and one scale for every slide of figures, so paging through them nothing jumps: the
    # smallest any slide needs
    sizes = [_shared_stat_size(deck, group, boxes, number + part)
             for part, (group, boxes) in enumerate(zip(groups, layouts))]
    cap, scale = min(size for size, _ in sizes), min(scale for _, scale in sizes)
    for part, (group, boxes) in enumerate(zip(groups, layouts)):
        n = number + part
        name = Name(Kind.STATS, sheet=_sheet(part))
        frames = deck.chrome(name, "", deck.e.label(Label.KEY_FIGURES), deck.e.language, n,
                             cont=part > 0)
        # every card's text starts where the tallest one's of its row, centred, does: the values of a row on one
        # line, the labels starting level under them, however long each label is (a lead card, taller than the
        # rows beside it, centres its own)
        blocks: dict[tuple[float, float], float] = {}
        for stat, box in zip(group, boxes):
            height = deck.ts.set(stat_paras(deck, stat, cap), _card_inner(box).w, scale).height
            blocks[box.y, box.h] = max(blocks.get((box.y, box.h), 0.0), height)
        for stat, box in zip(group, boxes):
            card = stat_card(deck, stat, box, n, scale=scale, value_cap=cap, block=blocks[box.y, box.h])
            frames += card[0]
        shown = shown.with_stats(*(stat.id for stat in group))
        frames += deck.footer(name, n)
        slides.append(deck.slide(name, n, frames, "\n\n".join(deck.e.stat_citation(stat) for stat in group)))
    return slides, shown


def _stats_per_slide(spec: DeckSpec) -> int:
    """How many stat cards a slide holds in the layout's arrangement."""
    match spec.stats:
        case StatArrangement.ONE_PER_SLIDE:
            return 1
        case StatArrangement.ROW:
            return min(spec.stats_per_slide, ROW_MAX_STATS)
        case StatArrangement.GRID | StatArrangement.BESIDE_SECTION:
            return spec.stats_per_slide


def _shared_stat_size(deck: DeckContext, group: list[Stat], boxes: list[Box], number: int) -> tuple[float, float]:
    """One value size and one scale for every card on a slide, so the figures line up: the smallest any needs."""
    value_role = deck.role(Role.STAT_VALUE)
    inner_w = min(box.w for box in boxes) - STAT_EDGE - CARD_INSETS.left - CARD_INSETS.right
    cap = min(deck.ts.one_line_size(deck.e.t(s.value), value_role, value_role.size, inner_w) for s in group)
    scales = []
    for stat, box in zip(group, boxes):
        inner = _card_inner(box)
        setting = deck.ts.fit(stat_paras(deck, stat, cap), inner.w, inner.h)
        if setting is None:
            raise stat_too_big(deck, stat, inner.w, number)
        scales.append(setting.scale)
    return cap, min(scales)


def _card_inner(box: Box) -> Box:
    """The room for a stat card's text in ``box``: right of the accent edge, inside the card's insets."""
    return Box(box.x + STAT_EDGE, box.y, box.w - STAT_EDGE, box.h).inset(CARD_INSETS)


def card_boxes(deck: DeckContext, count: int, per: int) -> list[Box]:
    """Boxes for ``count`` cards on a slide holding ``per``: one large, a row, or rows of the grid.

    The rows come from the count (:func:`~hkbrief.arrange.compose.grid_rows`): every row spans the body's width
    and no slot is left empty; where the rows would hold unequal counts, the first card leads beside full rows
    (:func:`~hkbrief.arrange.compose.card_grid`), so three cards in a 2 x 2 grid are a lead figure beside two.
    """
    body = deck.body_box
    g = deck.grid
    if per == 1:
        x, w = g.span(CENTRED_MARGIN_COLUMNS, g.columns - 2 * CENTRED_MARGIN_COLUMNS)
        return [Box(x, body.y, w, body.h)]
    if per == ROW_MAX_STATS and deck.spec.stats is StatArrangement.GRID:
        columns = SQUARE_GRID[1]
    elif per > ROW_MAX_STATS:
        columns = WIDE_GRID[1]
    else:
        columns = per
    rows = grid_rows(count, per, columns)
    card_h = (body.h - (len(rows) - 1) * g.gutter) / len(rows)
    if len(rows) == 1:
        card_h = min(card_h, body.h * SINGLE_ROW_HEIGHT)
    grid = card_grid(count, columns) if len(set(rows)) > 1 else None
    if grid is not None and grid.lead and grid.rows == len(rows):
        # rows of unequal counts (5 -> 3 + 2): the first card leads, as tall as the full rows beside it
        card_w = (body.w - (grid.columns - 1) * g.gutter) / grid.columns
        boxes = [Box(body.x, body.y, card_w, body.h)]
        for r, in_row in enumerate(grid.rows_of(count - 1)):
            y = body.y + r * (card_h + g.gutter)
            boxes += [Box(body.x + (c + 1) * (card_w + g.gutter), y, card_w, card_h) for c in range(in_row)]
        return boxes
    boxes = []
    # one row, shorter than the body, sits in the body's middle: hung from the title it left a blank band under it
    top = body.y + (body.h - card_h) / 2 if len(rows) == 1 else body.y
    for r, in_row in enumerate(rows):
        card_w = (body.w - (in_row - 1) * g.gutter) / in_row
        y = top + r * (card_h + g.gutter)
        boxes += [Box(body.x + c * (card_w + g.gutter), y, card_w, card_h) for c in range(in_row)]
    return boxes


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


# -- quotes -------------------------------------------------------------------------------------------------------


def quote_card(deck: DeckContext, quote: Quote, box: Box) -> list[Frame] | None:
    """A quote in the sidebar: a card as tall as its text (at most ``box``), or None if it cannot fit."""
    e = deck.e
    paras = [
        Para(e.quoted(quote), deck.role(Role.QUOTE), e.lang(quote.text)),
        Para(e.t(quote.speaker), replace(deck.role(Role.ATTRIBUTION), weight=deck.role(Role.HEADING).weight),
             e.lang(quote.speaker), space_before_em=SPEAKER_SPACE_EM),
        Para(e.attribution(quote), deck.role(Role.ATTRIBUTION), e.lang(quote.title)),
    ]
    inner_w = box.w - CARD_INSETS.left - CARD_INSETS.right
    setting = deck.ts.fit(paras, inner_w, box.h - CARD_INSETS.top - CARD_INSETS.bottom)
    if setting is None:
        return None
    h = _natural_height(setting) + CARD_INSETS.top + CARD_INSETS.bottom
    card = Box(box.x, box.y, box.w, min(h, box.h))
    name = Name(Kind.QUOTE, quote.id)
    return [
        Frame(name.of("card"), FrameRole.SHAPE, card, fill=deck.role(Role.QUOTE).on),
        Frame(name.of("edge"), FrameRole.SHAPE, Box(card.x, card.y, card.w, QUOTE_EDGE), fill=deck.colors["accent"]),
        _set_frame(name, setting, card, CARD_INSETS, VAlign.TOP),
    ]


def quote_band(deck: DeckContext, quote: Quote, body: Box, number: int) -> tuple[list[Frame], float]:
    """The quote under the section text, across the full width (the "band" treatment); frames and height.

    On a colour of its own (the quote role's ``on``) it is a filled band; on the slide's own colour it is set
    the way quote slides set it, after an accent bar exactly as tall as the quotation (light on toner).
    """
    e = deck.e
    quote_para = Para(e.quoted(quote), deck.role(Role.QUOTE), e.lang(quote.text))
    who = Para(e.speaker_line(quote), deck.role(Role.ATTRIBUTION), e.lang(quote.title),
               space_before_em=BAND_ATTRIBUTION_SPACE_EM)
    plain = deck.role(Role.QUOTE).on == deck.colors["background"]
    insets = PLAIN_BAND_INSETS if plain else BAND_INSETS
    x, w = deck.grid.span(0, deck.grid.columns)
    max_h = body.h * BAND_MAX_SHARE
    inner_w = w - insets.left - insets.right
    setting = deck.ts.fit([quote_para, who], inner_w, max_h - insets.top - insets.bottom)
    if setting is None:
        raise FitError(f"on slide {number}: does not fit a band at the smallest size; shorten it",
                       e.at("quotes", quote.id, "text"))
    h = _natural_height(setting) + insets.top + insets.bottom
    box = Box(x, body.bottom - h, w, h)
    name = Name(Kind.QUOTE, quote.id)
    if not plain:
        return [
            Frame(name.of("band"), FrameRole.SHAPE, box, fill=deck.role(Role.QUOTE).on),
            _set_frame(name, setting, box, insets, VAlign.TOP),
        ], h
    # the quotation and the attribution as two frames, so the bar can follow the quotation's planned lines
    inner = box.inset(insets)
    quote_set = SetText(setting.paragraphs[:1], setting.paragraphs[1].lines[0].baseline, setting.scale)
    quote_h = setting.paragraphs[0].lines[-1].baseline + setting.paragraphs[0].style.size * BAR_DESCENT_EM
    quote_box = Box(inner.x, inner.y, inner.w, quote_h)
    who_set = SetText(setting.paragraphs[1:], setting.height, setting.scale)
    return [
        _quote_bar(deck, name, quote_set, quote_box),
        replace(_set_frame(name, quote_set, Box(inner.x, inner.y, inner.w, quote_h + ATTRIBUTION_PAD), Insets(),
                           VAlign.TOP), keep_breaks=True),
    ] + [_set_frame(name.of("attribution"), _shifted(who_set, -quote_h), Box(inner.x, inner.y + quote_h, inner.w,
                                                                              inner.h - quote_h), Insets(),
                    VAlign.TOP)], h


def _shifted(setting: SetText, dy: float) -> SetText:
    """A setting moved down by ``dy`` (its baselines), for paragraphs set together and drawn in separate frames."""
    return SetText(tuple(replace(p, lines=tuple(replace(line, baseline=line.baseline + dy) for line in p.lines))
                         for p in setting.paragraphs), setting.height + dy, setting.scale)


def quote_slides(deck: DeckContext, number: int, shown: Shown) -> Slides:
    """A slide for each featured quote not yet shown beside or under its section."""
    slides = []
    for quote_id in deck.featured_quotes:
        if quote_id in shown.quotes:
            continue
        slides.append(quote_slide(deck, deck.e.brief.quote(quote_id), number + len(slides)))
        shown = shown.with_quotes(quote_id)
    return slides, shown


def quote_slide(deck: DeckContext, quote: Quote, number: int) -> SlidePlan:
    """The quotation large, under the heading of the section that cites it, with its speaker's name and title.

    Every quote slide places its quote the same way: from the same height (:data:`QUOTE_SLIDE_TOP` of the body,
    higher only if a long quote needs it), an accent bar exactly as tall as the quotation's lines, the speaker
    and title under it. The quotation keeps the planned line breaks, so the bar matches what is drawn. When the
    layout draws quotes on a colour other than the slide's, a panel of that colour carries them instead.
    """
    e = deck.e
    name = Name(Kind.QUOTE, quote.id)
    section = next((s for s in e.brief.sections if quote.id in s.quotes), None)
    if section is not None:
        frames = deck.chrome(name, label(Label.IN_THEIR_WORDS, e.language), e.t(section.heading),
                             e.lang(section.heading), number, field=e.at("sections", section.id, "heading"))
    else:
        frames = deck.chrome(name, "", label(Label.IN_THEIR_WORDS, e.language), e.language, number)
    body = deck.body_box
    # a layout may size quotes for a sidebar or band; alone on a slide they are set larger (QUOTE_SLIDE_SCALE)
    quote_role = deck.role(Role.QUOTE)
    body_size = deck.role(Role.BODY).size
    quote_role = replace(quote_role, size=max(quote_role.size, round(body_size * QUOTE_SLIDE_SCALE)))
    attribution_role = deck.role(Role.ATTRIBUTION)
    attribution_role = replace(attribution_role,
                               size=max(attribution_role.size, round(body_size * QUOTE_SLIDE_ATTRIBUTION)))
    panel = quote_role.on != deck.colors["background"]
    x, w = deck.grid.span(CENTRED_MARGIN_COLUMNS, deck.grid.columns - 2 * CENTRED_MARGIN_COLUMNS)
    pad = PANEL_PADDING if panel else Insets()
    inner_w = w - pad.left - pad.right
    speaker_role = replace(attribution_role, weight=deck.role(Role.HEADING).weight)
    attribution = [Para(e.t(quote.speaker), speaker_role, e.lang(quote.speaker)),
                   Para(e.attribution(quote), attribution_role, e.lang(quote.title))]
    attr_set = deck.ts.set(attribution, inner_w)
    attr_h = _natural_height(attr_set) + ATTRIBUTION_PAD
    room = body.h - attr_h - QUOTE_GAP - pad.top - pad.bottom
    policy = deck.spec.fit[FitTarget.QUOTE]
    setting = deck.ts.fit([Para(e.quoted(quote), quote_role, e.lang(quote.text))], inner_w, room,
                          shrink=policy is not FitPolicy.FAIL)
    if setting is None:
        raise FitError(f"on slide {number}: does not fit even at {quote_role.min_size:g} pt; shorten it",
                       e.at("quotes", quote.id, "text"))
    quote_h = _natural_height(setting)
    group_h = pad.top + quote_h + QUOTE_GAP + attr_h + pad.bottom
    top = body.y + min(body.h * QUOTE_SLIDE_TOP, max(0.0, body.h - group_h))
    if panel:
        frames.append(Frame(name.of("panel"), FrameRole.SHAPE, Box(x, top, w, group_h), fill=quote_role.on))
    quote_box = Box(x + pad.left, top + pad.top, inner_w, quote_h)
    if not panel:
        frames.append(_quote_bar(deck, name, setting, quote_box))
    frames.append(replace(_set_frame(name, setting, quote_box, Insets(), VAlign.TOP), keep_breaks=True))
    attr_box = Box(x + pad.left, quote_box.bottom + QUOTE_GAP, inner_w, attr_h)
    frames.append(_set_frame(name.of("attribution"), attr_set, attr_box, Insets(), VAlign.TOP))
    frames += deck.footer(name, number)
    return deck.slide(name, number, frames, e.quote_citation(quote))


def _quote_bar(deck: DeckContext, name: Name, setting: SetText, box: Box) -> Frame:
    """The accent bar left of a quotation, from the top of its first line's letters to the foot of its last."""
    lines = [line for paragraph in setting.paragraphs for line in paragraph.lines]
    size = setting.paragraphs[0].style.size
    top = box.y + lines[0].baseline - size * BAR_ASCENT_EM
    bottom = box.y + lines[-1].baseline + size * BAR_DESCENT_EM
    bar_gap, bar_w = QUOTE_BAR
    bar_x = box.x - bar_gap - bar_w
    return Frame(name.of("bar"), FrameRole.SHAPE, Box(bar_x, top, bar_w, bottom - top), fill=deck.colors["accent"])


# -- sources and closing ------------------------------------------------------------------------------------------


def cited_sources(deck: DeckContext, shown: Shown) -> list[Source]:
    """The sources of everything shown or cited in the deck, in the content's order."""
    brief = deck.e.brief
    used = {brief.stat(s).source for s in shown.stats} | {brief.quote(q).source for q in shown.quotes}
    for section in brief.sections:
        used |= {brief.quote(q).source for q in section.quotes}
        used |= {brief.stat(s).source for s in section.stats}
    return [s for s in brief.sources if s.id in used]


def sources_slides(deck: DeckContext, number: int, shown: Shown) -> Slides:
    """One slide listing the cited sources, numbered as the one-pager numbers them (``[1] Name (address)``).

    At body size in one column when they fit there, else in two columns, set smaller only if they must be.
    """
    e = deck.e
    sources = cited_sources(deck, shown)
    if not sources:
        return [], shown
    body_role = deck.role(Role.BODY)
    role = replace(body_role, min_size=min(body_role.min_size, SOURCE_MIN_SIZE))
    paras = [Para(each_version(e.t(s.name), lambda name, url=s.url, n=i: f"[{n}] {name}" + (f" ({url})" if url else "")),
                  role, e.lang(s.name), space_before_em=SOURCE_SPACE_EM) for i, s in enumerate(sources, start=1)]
    body = deck.body_box
    one = deck.cols(0, deck.grid.share(TEXT_MEASURE), body.y, body.h)
    columns = 1 if deck.ts.fit(paras, one.w, one.h, shrink=False) is not None else SOURCES_COLUMNS
    col_span = deck.grid.columns // columns
    per_col = -(-len(paras) // columns)
    name = Name(Kind.SOURCES)
    frames = deck.chrome(name, "", e.label(Label.SOURCES), e.language, number)
    for i in range(columns):
        chunk = paras[i * per_col:(i + 1) * per_col]
        box = one if columns == 1 else deck.cols(i * col_span, col_span, body.y, body.h)
        if chunk:
            frames.append(deck.ts.frame(name.of("list", i + 1), chunk, box,
                                        policy=FitPolicy.SHRINK, where=f"slide {number} (sources): list"))
    frames += deck.footer(name, number)
    notes = "\n".join(f"[{i}] " + e.t(s.name) + (f" {s.url}" if s.url else "") for i, s in enumerate(sources, 1))
    return [deck.slide(name, number, frames, notes)], shown


def closing_slides(deck: DeckContext, number: int, shown: Shown) -> Slides:
    """Key takeaways: the content's ``takeaways``, continued onto further slides if there are many; no slide at
    all without them (repeating the sections' first bullets would only say again what the deck said)."""
    e = deck.e
    if not e.brief.takeaways:
        return [], shown
    paras = [Para(e.t(t), deck.role(Role.BODY), e.lang(t), bullet=BULLET, space_before_em=TAKEAWAY_SPACE_EM)
             for t in e.brief.takeaways]
    x, w = deck.grid.span(0, deck.grid.share(TEXT_MEASURE))
    box = Box(x, deck.body_box.y, w, deck.body_box.h)
    chunks, scale = [paras], 1.0
    if deck.ts.fit(paras, box.w, box.h) is None:  # one slide, smaller if it must be, rather than two
        spread_out = _spread_fewest(deck, paras, deck.ts.height(paras, box.w), box, box, None)
        if spread_out is not None:
            chunks, _, scale = spread_out
        else:
            chunks = deck.ts.split(paras, box.w, box.h)
    slides = []
    for part, chunk in enumerate(chunks):
        n = number + part
        name = Name(Kind.CLOSING, sheet=_sheet(part))
        frames = deck.chrome(name, "", e.label(Label.TAKEAWAYS), e.language, n, cont=part > 0)
        frames.append(deck.ts.frame(name.of("takeaways"), chunk, box, policy=FitPolicy.SHRINK,
                                    where=f"slide {n} ({_spelled(name)}): takeaways", most_scale=scale))
        frames += deck.footer(name, n)
        slides.append(deck.slide(name, n, frames))
    return slides, shown


# -- the deck -----------------------------------------------------------------------------------------------------

SlideMaker = Callable[[DeckContext, int, Shown], Slides]

SLIDE_MAKERS: dict[SlideKind, SlideMaker] = {
    SlideKind.TITLE: title_slide,
    SlideKind.AGENDA: agenda_slides,
    SlideKind.SECTIONS: sections_slides,
    SlideKind.STATS: stat_slides,
    SlideKind.QUOTES: quote_slides,
    SlideKind.SOURCES: sources_slides,
    SlideKind.CLOSING: closing_slides,
}


def arrange_deck(edition: Edition, layout: Layout, typesetter: Typesetter,
                 images: dict[str, PreparedImage] | None = None, template: TemplateDeck | None = None,
                 logo: PreparedImage | None = None) -> DeckPlan:
    """The deck: the layout's slide sequence, each kind made by its function in :data:`SLIDE_MAKERS`.

    A bilingual edition in a layout whose ``deck.bilingual`` is "halves" runs the sequence once per language
    (English, then Traditional Chinese); "stacked" runs it once with both languages on every slide. A corner or
    footer logo goes on the slide master (``master_frames``) unless the layout puts it on each slide.
    """
    editions = [edition]
    if edition.second is not None and layout.deck.bilingual is BilingualDeck.HALVES:
        editions = [replace(edition, language=language, second=None) for language in edition.languages]
    slides: list[SlidePlan] = []
    for half in editions:
        deck = DeckContext.of(half, layout, typesetter, images, template, logo)
        shown = Shown()
        for kind in layout.deck.sequence:
            made, shown = SLIDE_MAKERS[kind](deck, len(slides) + 1, shown)
            slides += made
    base = DeckBase(template.template.path) if template is not None else DeckBase()
    logo = deck.logo_frame()
    on_master = (logo,) if logo is not None and deck.on_every_slide and layout.deck.logo_on_master else ()
    messages = layout.notes
    artwork = sum(master.artwork for master in template.template.masters) if template is not None else 0
    if logo is not None and artwork:
        messages += (f"{layout.path}: theme.logo: the template's masters already show {artwork} picture(s) or"
                     " shape(s) of their own; look that the logo does not sit on them, or set deck.logo = \"none\""
                     " to leave the template's artwork alone",)
    return DeckPlan(deck.grid.size, tuple(slides), document_properties(edition), messages=messages,
                    base=base, master_frames=on_master)
