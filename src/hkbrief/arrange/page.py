"""Brief x layout -> :class:`PagePlan`: the one-pager, always exactly one page.

The page is a vertical stack of the layout's blocks (header, stats, quotes, sections, sources). If it does not fit,
every text role shrinks together down to its minimum; if it still does not fit, the lowest-priority featured items
are left out one at a time (then, as a last resort, the last sections), and the plan lists what it left out.

Each block is one function, ``(page, y, scale, ...) -> (frames, height)``: ``page`` is the read-only
:class:`PageContext`, ``y`` the block's top and ``scale`` the fraction of every role's size the attempt uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from hkbrief import typography
from hkbrief.arrange.bilingual import Versions, each_version
from hkbrief.arrange.common import Edition, document_properties, format_date
from hkbrief.arrange.compose import card_grid, column_breaks, even_groups
from hkbrief.arrange.text import (HEIGHT_SAFETY, Para, SetText, Typesetter, aligned, expected_scale, guess_below,
                                  scaled_size, stacked, step_at_or_below, text_of_lines, too_long, walk_to_largest)
from hkbrief.errors import FitError, Problem
from hkbrief.geometry import A4, LETTER, Box, Insets, Size
from hkbrief.labels import Label, colon, label
from hkbrief.layoutspec import BilingualPage, Block, Layout, OnePagerSpec, PageLogo, Paper, Role, RoleStyle
from hkbrief.model import Brief, FeatureKind, FeatureRef, Language, Quote, Section, Stat
from hkbrief.plan import Align, Frame, FrameRole, Kind, Name, PagePlan, VAlign

if TYPE_CHECKING:
    from hkbrief.images import PreparedImage

# A page's height grows about as its scale to this power (lines get taller, and more of them as fewer words fit
# a line of the same width; the stat cards and gaps only taller): measured on the example and the starter brief
# cut down 640 ways, a first guess from it is within one step of the answer for 85 % of pages.
GROWTH_EXPONENT = 1.4
SCALE_STEP = 0.04  # each attempt sets every role 4% smaller: ten steps span the usual size-to-minimum range
SEPARATOR = "  \u00b7  "  # between the parts of the dateline and the footer line
HAIRLINE = 0.75  # the thinnest rule that prints reliably

# -- the header ------------------------------------------------------------------------------------------------
BANDED_PADDING = Insets(16, 14, 16, 14)  # inside the header band, when the title sits on its own colour
PLAIN_PADDING = Insets(0, 0, 0, 6)  # without a band: only room above the rule under the header
HANDLING_GAP = 2  # between the handling line and the title
HEADER_MEASURE = 0.86  # title and subtitle stop short of the right edge, leaving the handling line its corner
LOGO_HEIGHT = 34  # the header's logo: 12 mm tall, level with the title
LOGO_MAX_WIDTH_SHARE = 0.3  # of the header's inner width; a wider logo is set smaller
LOGO_GAP = 14  # between the title (and subtitle) and the logo
SUBTITLE_SPACE_EM = 0.3  # between the title block and the subtitle
DATELINE_SPACE_EM = 0.5  # between the subtitle and the date line
SUBTITLE_GAP = 4  # between the title frame and the subtitle frame
HEADER_RULE = 1.5  # the rule under an unbanded header: heavier than a hairline, it closes the masthead

# -- stat callouts ---------------------------------------------------------------------------------------------
CARD = Insets(9, 8, 9, 8)  # text inside a stat card
STATS_PER_ROW = 4  # at most four cards side by side: a value of about ten characters still fits at full size
STAT_GAP_SHARE = 0.75  # cards sit closer than columns: three quarters of the gutter
STAT_LABEL_SPACE_EM = 0.35  # between a stat's value and its label
STAT_EDGE = 3  # height of the accent edge across a card's top

# -- quotes, sections, sources ---------------------------------------------------------------------------------
QUOTE_INDENT = 10  # the quote's text starts this far right of its column, past the accent bar
QUOTE_BAR_WIDTH = 2.5  # the accent bar beside a quote
QUOTE_BAR_INSET = 2  # the bar starts this far under the quote's top and ends as far above its bottom
QUOTE_ATTRIBUTION_SPACE_EM = 0.5  # between the quotation and its attribution
SUMMARY_SPACE_EM = 0.35  # between a section's heading and its summary
KEEP_LINES = 2  # a summary broken across columns keeps at least this many lines on each side
MAX_FEATHER_LINES = 5.0  # a short column adds at most this many body lines between two of its sections ...
MAX_HEADING_FEATHER_LINES = 0.5  # ... and this many under a heading, which must stay with its text ...
MAX_LONE_HEADING_FEATHER_LINES = 2.0  # ... unless the column holds that one section alone
SECTION_SPACING_LINES = 0.9  # between sections in a column, in body lines
SOURCES_GAP = 6  # between the rule over the sources and their text
SOURCES_JOINER = "   "  # between the numbered sources on their one running line
FOOTER_SPACE_EM = 0.4  # between the sources and the footer line

# -- the page --------------------------------------------------------------------------------------------------
BLOCK_GAP_LINES = 1.1  # between blocks, in body lines at the attempt's scale
MAX_SPREAD_LINES = 1.6  # spare height spread between blocks adds at most this many body lines to each gap
HOPELESS_SHARE = 0.8  # a section whose summary alone takes more of the page than this cannot be placed
BALANCE_TOLERANCE = 0.01  # column splits less than this much shorter (points) are no better: keep the earlier

# -- the side-by-side bilingual page (onepager.bilingual = "columns") -------------------------------------------
# Chinese takes about two thirds of the English's height at one width, so equal columns would leave the Chinese
# one short under every section; the longer language's column is made wider, in steps, until the pairs end as
# level as they can. Neither column takes more than this share of the width, so the two still read as columns
# of one page rather than a text and its margin note.
MAX_LANGUAGE_SHARE = 0.6
LANGUAGE_SHARE_STEP = 0.02  # finer steps move a column edge by less than a character: no visible difference
MESSAGE_PATHS = 3  # a message names this many untranslated summaries, then says how many more

Placed = tuple[list[Frame], float]


@dataclass(frozen=True, slots=True)
class _Content:
    """What is on the page in one attempt."""

    stats: tuple[Stat, ...]
    quotes: tuple[Quote, ...]
    sections: tuple[Section, ...]


@dataclass(frozen=True, slots=True)
class PageContext:
    """What every block reads and nothing changes: the edition, the one-pager spec, the typesetter, the page.

    ``heights`` only memoises section heights (the same section is measured at the same width and scale in many
    attempts), ``paragraphs`` their paragraphs and ``shares`` the column shares found for them; none ever changes
    a result.
    """

    e: Edition
    spec: OnePagerSpec
    colors: dict[str, str]
    ts: Typesetter
    size: Size
    content: Box
    heights: dict[tuple[str, tuple[Language, ...], float, float], float] = field(default_factory=dict)
    paragraphs: dict[tuple[str, tuple[Language, ...]], list[Para]] = field(default_factory=dict)
    shares: dict[tuple[tuple[str, ...], float], float] = field(default_factory=dict)  # language_share's, by call
    logo: PreparedImage | None = None  # in the header, when the layout puts it there
    logo_alt: str = ""
    side_by_side: bool = False  # the sections in a column per language (see :func:`wants_side_by_side`)

    @classmethod
    def of(cls, edition: Edition, layout: Layout, typesetter: Typesetter, paper: Paper | None,
           logo: PreparedImage | None = None) -> PageContext:
        """The context for one edition in one layout, on ``paper`` (or the layout's paper)."""
        spec = layout.onepager
        size = A4 if (paper or spec.paper) is Paper.A4 else LETTER
        m = spec.margins
        content = Box(m.left, m.top, size.w - m.left - m.right, size.h - m.top - m.bottom)
        shown_logo = logo if spec.logo is PageLogo.HEADER else None
        alt = layout.theme.logo_alt or edition.t(edition.brief.meta.organisation)
        paired = wants_side_by_side(edition, spec) and not untranslated_summaries(edition)
        return cls(edition, spec, spec.colors, typesetter, size, content, logo=shown_logo,  # the print palette
                   logo_alt=alt, side_by_side=paired)

    def role(self, role: Role) -> RoleStyle:
        """The one-pager's style for a text role."""
        return self.spec.roles[role]

    def lh(self, role: Role, scale: float) -> float:
        """One line of a role at ``scale``."""
        r = self.role(role)
        return scaled_size(r, scale) * r.line_spacing

    def text(self, name: Name, paras: list[Para], box: Box, scale: float, insets: Insets = Insets(),
             valign: VAlign = VAlign.TOP) -> Placed:
        """Set paragraphs at ``scale`` into a box of the given width; returns the frame and its height.

        The frame is as tall as its text needs (with :data:`HEIGHT_SAFETY`), or ``box.h`` if that is taller.
        """
        setting: SetText = self.ts.set(paras, box.w - insets.left - insets.right, scale)
        height = setting.height / HEIGHT_SAFETY + insets.top + insets.bottom
        full = Box(box.x, box.y, box.w, max(box.h, height))
        inner_h = full.h - insets.top - insets.bottom
        return [Frame(name, FrameRole.TEXT, full, aligned(setting, inner_h, valign), insets, valign)], full.h

    def editions(self) -> tuple[Edition, ...]:
        """The edition's languages as single-language editions, the first first: one per language column."""
        return tuple(replace(self.e, language=language, second=None) for language in self.e.languages)

    def language_widths(self, share: float) -> tuple[float, float]:
        """The widths of the first and second language's columns when the first takes ``share`` of the room."""
        room = self.content.w - self.spec.gutter
        return room * share, room * (1 - share)

    @property
    def column_width(self) -> float:
        """The width of one column of the sections block at the layout's column count."""
        columns = self.spec.columns
        return (self.content.w - self.spec.gutter * (columns - 1)) / columns

    def section_paras(self, section: Section, edition: Edition | None = None) -> list[Para]:
        """A section's heading and summary, as the sections block sets them (in ``edition``, or the page's)."""
        e = edition or self.e
        key = (section.id, e.languages)
        paras = self.paragraphs.get(key)
        if paras is None:
            paras = self.paragraphs[key] = [
                Para(e.t(section.heading), self.role(Role.HEADING), e.lang(section.heading)),
                Para(e.t(section.summary), self.role(Role.BODY), e.lang(section.summary),
                     space_before_em=SUMMARY_SPACE_EM)]
        return list(paras)

    def section_height(self, section: Section, w: float, scale: float, edition: Edition | None = None) -> float:
        """A section's height at width ``w`` and ``scale``, in ``edition`` or the page's (memoised)."""
        e = edition or self.e
        key = (section.id, e.languages, w, scale)
        height = self.heights.get(key)
        if height is None:
            height = self.ts.height(self.section_paras(section, edition), w, scale) / HEIGHT_SAFETY
            self.heights[key] = height
        return height

    def min_scale(self) -> float:
        """The scale at which every role has reached its minimum size."""
        return min(r.min_size / r.size for r in self.spec.roles.values())


def wants_side_by_side(edition: Edition, spec: OnePagerSpec) -> bool:
    """Whether the layout asks for the sections in a column per language: a bilingual edition, "columns"."""
    return edition.second is not None and spec.bilingual is BilingualPage.COLUMNS


def untranslated_summaries(edition: Edition) -> list[Section]:
    """The sections whose summary has no version in the edition's second language.

    Side by side, such a section would fill the second language's column with the first language again, so a
    page with any of them is stacked instead (and says so): the writer translates, or chooses stacking.
    """
    return [section for section in edition.brief.sections if not isinstance(edition.t(section.summary), Versions)]


# -- blocks -------------------------------------------------------------------------------------------------------


def header_block(page: PageContext, y: float, scale: float) -> Placed:
    """The masthead: handling, the title, subtitle and date line, on a band or over a rule."""
    e, meta = page.e, page.e.brief.meta
    c = page.content
    title_role = page.role(Role.TITLE)
    banded = title_role.on != page.colors["background"]
    pad = BANDED_PADDING if banded else PLAIN_PADDING
    inner_w = c.w - pad.left - pad.right
    measure = inner_w * HEADER_MEASURE
    logo_size = None
    if page.logo is not None:
        aspect = page.logo.width / page.logo.height
        logo_w = min(LOGO_HEIGHT * aspect, inner_w * LOGO_MAX_WIDTH_SHARE)
        logo_size = (logo_w, logo_w / aspect)
        measure = min(measure, inner_w - logo_w - LOGO_GAP)
    name = Name(Kind.HEADER)
    frames: list[Frame] = []
    cursor = y + pad.top
    handling = e.t(meta.handling)
    if handling:
        made, h = page.text(name.of("handling"), [Para(handling.upper(), page.role(Role.CAPTION),
                                                       e.lang(meta.handling), align=Align.RIGHT)],
                            Box(c.x + pad.left, cursor, inner_w, 0), scale)
        frames += made
        cursor += h + HANDLING_GAP
    title = Para(e.t(meta.title), title_role, e.lang(meta.title), balance=True)
    title_top = cursor
    made, h = page.text(name.of("title"), [title], Box(c.x + pad.left, cursor, measure, 0), scale)
    frames += [replace(frame, role=FrameRole.TITLE, keep_breaks=True) for frame in made]
    cursor += h
    sub_role = page.role(Role.SUBTITLE)
    paras = []
    if meta.subtitle:
        paras.append(Para(e.t(meta.subtitle), sub_role, e.lang(meta.subtitle), space_before_em=SUBTITLE_SPACE_EM))
    dateline = f"{format_date(meta.date, e.language)}{SEPARATOR}{e.t(meta.organisation)}"
    paras.append(Para(dateline, replace(sub_role, weight=page.role(Role.HEADING).weight),
                      e.lang(meta.organisation), space_before_em=DATELINE_SPACE_EM))
    made, h = page.text(name.of("subtitle"), paras,
                        Box(c.x + pad.left, cursor + SUBTITLE_GAP, measure, 0), scale)
    frames += made
    cursor += h + SUBTITLE_GAP
    if logo_size is not None and page.logo is not None:
        logo_w, logo_h = logo_size
        box = Box(c.x + pad.left + inner_w - logo_w, title_top, logo_w, logo_h)
        frames.append(Frame(Name(Kind.LOGO), FrameRole.IMAGE, box, image_path=page.logo.path, alt_text=page.logo_alt))
        cursor = max(cursor, box.bottom)
    cursor += pad.bottom
    height = cursor - y
    if banded:
        background = [Frame(name.of("band"), FrameRole.SHAPE, Box(c.x, y, c.w, height), fill=title_role.on)]
    else:
        background = [Frame(name.of("rule"), FrameRole.SHAPE, Box(c.x, y + height - HEADER_RULE, c.w, HEADER_RULE),
                            fill=page.colors["rule"])]
    return background + frames, height


def stats_block(page: PageContext, y: float, scale: float, stats: tuple[Stat, ...],
                markers: dict[str, int]) -> Placed:
    """Stat callouts in a grid of at most four columns with no hole (:func:`~hkbrief.arrange.compose.card_grid`):
    full rows of one count (6 -> 3 + 3), or the first figure as a lead card as tall as the rows beside it
    (5 -> 1 + 2 x 2, 7 -> 1 + 2 x 3); rows as even as possible only where no such grid exists. One value size
    for all; every card's text from the top of a row as tall as its tallest, the lead's centred in its height."""
    if not stats:
        return [], 0.0
    c = page.content
    gap = page.spec.gutter * STAT_GAP_SHARE
    grid = card_grid(len(stats), STATS_PER_ROW)
    lead = stats[0] if grid is not None and grid.lead else None
    rest = stats[1:] if lead is not None else stats
    rows = grid.rows_of(len(rest)) if grid is not None else even_groups(len(stats), STATS_PER_ROW)
    columns = grid.columns if grid is not None else max(rows)
    narrowest = (c.w - gap * (columns - 1)) / columns
    e = page.e
    value_role = page.role(Role.STAT_VALUE)
    cap = min(page.ts.one_line_size(e.t(s.value), value_role, scaled_size(value_role, scale),
                                    narrowest - CARD.left - CARD.right) for s in stats)

    def setting_of(stat: Stat, w: float) -> SetText:
        marker = f" [{markers[stat.source]}]"
        # the figure once, in the first language (a bilingual card stacks its label, not its value)
        paras = [Para(str(e.t(stat.value)), value_role, e.lang(stat.value), one_line=True, size_cap=cap),
                 Para(each_version(e.t(stat.label), lambda text: text + marker), page.role(Role.STAT_LABEL),
                      e.lang(stat.label), space_before_em=STAT_LABEL_SPACE_EM)]
        return page.ts.set(paras, w - CARD.left - CARD.right, scale)

    def card_height(setting: SetText) -> float:
        return setting.height / HEIGHT_SAFETY + CARD.top + CARD.bottom + STAT_EDGE

    placed = []  # each row: its cards' (stat, setting, x, w) and its height
    start = 0
    left = c.x + (narrowest + gap if lead is not None else 0.0)
    for count in rows:
        group = stats[len(stats) - len(rest):][start:start + count]
        start += count
        w = narrowest if grid is not None else (c.w - gap * (count - 1)) / count
        cards = [(stat, setting_of(stat, w), left + i * (w + gap), w) for i, stat in enumerate(group)]
        placed.append((cards, max(card_height(setting) for _, setting, _, _ in cards)))
    lead_setting = setting_of(lead, narrowest) if lead is not None else None
    if lead_setting is not None:
        # a lead text taller than the rows beside it makes every row taller by a share of the difference
        short = card_height(lead_setting) - (sum(h for _, h in placed) + gap * (len(placed) - 1))
        if short > 0:
            placed = [(cards, h + short / len(placed)) for cards, h in placed]
    frames: list[Frame] = []
    top = y
    for cards, height in placed:
        for stat, setting, x, w in cards:
            # each text from the card's top: the row is as tall as its tallest text, so the values share one
            # line and the labels start level under them
            frames += _stat_frames(page, stat, setting, Box(x, top, w, height), VAlign.TOP)
        top += height + gap
    total = top - gap - y
    if lead is not None and lead_setting is not None:
        frames = _stat_frames(page, lead, lead_setting, Box(c.x, y, narrowest, total), VAlign.MIDDLE) + frames
    return frames, total


def _stat_frames(page: PageContext, stat: Stat, setting: SetText, box: Box, valign: VAlign) -> list[Frame]:
    """One stat card: its surface, the accent edge across its top and its text, anchored ``valign``."""
    name = Name(Kind.STAT, stat.id)
    text_box = Box(box.x, box.y + STAT_EDGE, box.w, box.h - STAT_EDGE)
    inner_h = text_box.h - CARD.top - CARD.bottom
    return [Frame(name.of("card"), FrameRole.SHAPE, box, fill=page.role(Role.STAT_VALUE).on),
            Frame(name.of("edge"), FrameRole.SHAPE, Box(box.x, box.y, box.w, STAT_EDGE), fill=page.colors["accent"]),
            Frame(name, FrameRole.TEXT, text_box, aligned(setting, inner_h, valign), CARD, valign)]


def quotes_block(page: PageContext, y: float, scale: float, quotes: tuple[Quote, ...],
                 markers: dict[str, int]) -> Placed:
    """The featured quotes side by side, each with an accent bar and its attribution with a source marker."""
    if not quotes:
        return [], 0.0
    c = page.content
    gap = page.spec.gutter
    w = (c.w - gap * (len(quotes) - 1)) / len(quotes)
    e = page.e
    placed = []
    for i, quote in enumerate(quotes):
        marker = f" [{markers[quote.source]}]"
        attribution = each_version(e.speaker_line(quote), lambda who, end=marker: typography.dash(who) + end)
        paras = [Para(e.quoted(quote), page.role(Role.QUOTE), e.lang(quote.text)),
                 Para(attribution, page.role(Role.ATTRIBUTION), e.lang(quote.title),
                      space_before_em=QUOTE_ATTRIBUTION_SPACE_EM)]
        made, h = page.text(Name(Kind.QUOTE, quote.id), paras,
                            Box(c.x + i * (w + gap) + QUOTE_INDENT, y, w - QUOTE_INDENT, 0), scale)
        placed.append((made[0], h))
    height = max(h for _, h in placed)
    frames: list[Frame] = []
    for (frame, h), quote in zip(placed, quotes):
        bar = Box(frame.box.x - QUOTE_INDENT, y + QUOTE_BAR_INSET, QUOTE_BAR_WIDTH, h - 2 * QUOTE_BAR_INSET)
        frames.append(Frame(Name(Kind.QUOTE, quote.id, "bar"), FrameRole.SHAPE, bar, fill=page.colors["accent"]))
        frames.append(frame)
    return frames, height


@dataclass(frozen=True, slots=True)
class _Line:
    """One line of the sections block, before it is given a column: where it came from and what it takes."""

    section: int
    para: int
    line: int
    height: float  # the line's own height (its line pitch)
    space: float  # the space above it (dropped at the top of a column)
    breakable: bool  # a column may start here
    under: bool = False  # the summary's first line: a short column spreads some of its spare height above it


def sections_block(page: PageContext, y: float, scale: float, sections: tuple[Section, ...]) -> Placed:
    """Each section's heading and summary, flowing through the columns so they end within a line of each other.

    A column may start at a section's heading, or inside a summary with at least :data:`KEEP_LINES` lines
    before and after the break (a heading never ends a column alone). A section split between columns is two
    frames: ``section:<id>/summary`` and ``section:<id>/summary#2``. Side by side (:attr:`PageContext.side_by_side`)
    the sections are set by :func:`language_sections_block` instead.
    """
    if not sections:
        return [], 0.0
    if page.side_by_side:
        return language_sections_block(page, y, scale, sections)
    w = page.column_width
    spacing = page.lh(Role.BODY, scale) * SECTION_SPACING_LINES
    # each paragraph set alone (a stacked bilingual one as two: the Chinese under the English), so its lines can
    # be dealt out to columns
    paras_of = [stacked(page.section_paras(section)) for section in sections]
    settings = [[page.ts.set([para], w, scale).paragraphs[0] for para in paras] for paras in paras_of]
    heading = page.role(Role.HEADING)
    lines = _section_lines(settings, paras_of, [sum(1 for p in paras if p.role is heading) for paras in paras_of],
                           spacing)
    starts = column_breaks([ln.height for ln in lines], [ln.space for ln in lines],
                           [ln.breakable for ln in lines], page.spec.columns)
    columns_of = _columns_of(lines, starts)
    heights = [_column_height(column) for column in columns_of]
    tallest = max(heights)
    line = page.lh(Role.BODY, scale)
    frames: list[Frame] = []
    pieces: dict[str, int] = {}
    for col, column in enumerate(columns_of):
        x = page.content.x + col * (w + page.spec.gutter)
        under, feather = _feathering(column, (tallest - heights[col]) * HEIGHT_SAFETY, line)
        frames += _column_frames(page, sections, settings, column, Box(x, y, w, 0), pieces, under, feather)
    return frames, tallest


def language_sections_block(page: PageContext, y: float, scale: float, sections: tuple[Section, ...]) -> Placed:
    """The sections side by side: every section in the first language in the left column and in the second in
    the right, each pair starting level (a reader finds the same section across the page).

    The first language's column takes the share of the width (at most :data:`MAX_LANGUAGE_SHARE`, at least its
    mirror) at which the block is shortest, so the pairs end as nearly level as the two languages allow. The
    second language's frames are ``section:<id>/summary-zh-hant``; they follow all the first's, so the text
    reads one language after the other.
    """
    editions = page.editions()
    share = language_share(page, sections, scale)
    widths = page.language_widths(share)
    spacing = page.lh(Role.BODY, scale) * SECTION_SPACING_LINES
    rows = [max(page.section_height(section, w, scale, e) for w, e in zip(widths, editions)) for section in sections]
    frames: list[Frame] = []
    x = page.content.x
    for w, edition in zip(widths, editions):
        part = "summary" if edition.language is page.e.language else f"summary-{edition.language.lower()}"
        top = y
        for section, row in zip(sections, rows):
            name = Name(Kind.SECTION, section.id, part)
            made, _ = page.text(name, page.section_paras(section, edition), Box(x, top, w, 0), scale)
            frames += made
            top += row + spacing
        x += w + page.spec.gutter
    return frames, sum(rows) + spacing * (len(rows) - 1)


def language_shares() -> list[float]:
    """The first language's column shares :func:`language_share` tries, nearest half first (either language may
    be the longer one): ``[0.5, 0.52, 0.48, ...]`` up to :data:`MAX_LANGUAGE_SHARE` and down to its mirror."""
    steps = round((MAX_LANGUAGE_SHARE - 0.5) / LANGUAGE_SHARE_STEP)
    return [0.5] + [0.5 + sign * LANGUAGE_SHARE_STEP * i for i in range(1, steps + 1) for sign in (1, -1)]


def language_share(page: PageContext, sections: tuple[Section, ...], scale: float) -> float:
    """The first language's share of the width at which the side-by-side sections are shortest (each pair as tall
    as its taller side); of shares as short, the one nearest half.

    Every share is tried: stepping from half until the height rises missed the shortest in 62 of 1,200 cases
    tried (each pair's height falls then rises with the share, but their sum need not), by up to a line. A
    section is not set at every share, though: its height in one language only falls as its column widens, so
    where two shares give it the same height every share between them does too (:func:`_heights_by_share`).
    """
    key = (tuple(section.id for section in sections), scale)
    known = page.shares.get(key)
    if known is not None:
        return known
    editions = page.editions()
    shares = sorted(language_shares())
    columns = [_heights_by_share(page, section, shares, scale, editions) for section in sections]
    totals = {share: sum(max(first[i], second[i]) for first, second in columns) for i, share in enumerate(shares)}
    best: tuple[float, float] | None = None
    for share in language_shares():
        height = totals[share]
        if best is None or height < best[0] - BALANCE_TOLERANCE:
            best = (height, share)
    assert best is not None
    page.shares[key] = best[1]
    return best[1]


def _heights_by_share(page: PageContext, section: Section, shares: list[float], scale: float,
                      editions: tuple[Edition, ...]) -> tuple[list[float], list[float]]:
    """A section's height in each language's column at each of ``shares`` (ascending) of the width.

    Greedy lines never grow in number as the measure widens, so a language's height is a step function of its
    width: set at the two ends of a range of shares, a section that is as tall at both is as tall at every share
    between, and only ranges whose ends differ are split. The same heights as setting it at every share (a test
    compares them) in about half the settings.
    """
    found = []
    for index, edition in enumerate(editions):
        heights: list[float | None] = [None] * len(shares)

        def height(i: int, edition: Edition = edition, index: int = index, heights: list = heights) -> float:
            if heights[i] is None:
                heights[i] = page.section_height(section, page.language_widths(shares[i])[index], scale, edition)
            return heights[i]

        ranges = [(0, len(shares) - 1)]
        while ranges:
            low, high = ranges.pop()
            if height(low) == height(high):
                for i in range(low + 1, high):
                    heights[i] = heights[low]
            elif high - low > 1:
                middle = (low + high) // 2
                ranges += [(low, middle), (middle, high)]
        found.append(heights)
    return found[0], found[1]


def _section_lines(settings: list[list], paras_of: list[list[Para]], heads: list[int], spacing: float) -> list[_Line]:
    """Every line of every section's set paragraphs, in reading order, with the space above it and whether a
    column may start there: at a heading, inside a summary with :data:`KEEP_LINES` lines either side, or (stacked)
    between a summary and its translation when each has that many. ``heads`` counts each section's heading
    paragraphs (two when the Chinese is stacked under the English)."""
    lines: list[_Line] = []
    for si, (paragraphs, paras, head) in enumerate(zip(settings, paras_of, heads)):
        for pi, (paragraph, para) in enumerate(zip(paragraphs, paras)):
            count = len(paragraph.lines)
            before = len(paragraphs[pi - 1].lines) if pi else 0
            for li in range(count):
                breakable = (pi == 0 and li == 0) or (pi >= head and KEEP_LINES <= li <= count - KEEP_LINES) or (
                    pi > head and li == 0 and before >= KEEP_LINES and count >= KEEP_LINES)
                lines.append(_Line(si, pi, li, paragraph.style.line_height,
                                   _line_space(si, pi, li, para.space_before_em * paragraph.style.size, spacing),
                                   breakable, under=pi == head and li == 0))
    return lines


def _line_space(si: int, pi: int, li: int, before: float, spacing: float) -> float:
    """The space above line ``li`` of paragraph ``pi`` of section ``si``: only a paragraph's first line has one,
    the paragraph's own (``before``: :data:`SUMMARY_SPACE_EM` under a heading, less between a text and its
    translation), ``spacing`` between sections, none at the very top."""
    if li == 0 and pi:
        return before
    if li == 0 and si:
        return spacing
    return 0.0


def _columns_of(lines: list[_Line], starts: list[int]) -> list[list[list[_Line]]]:
    """The lines cut into columns at ``starts``, each column a list of pieces (one section's lines each)."""
    edges = [0, *starts, len(lines)]
    columns_of: list[list[list[_Line]]] = []
    for first, stop in zip(edges, edges[1:]):
        column: list[list[_Line]] = []
        for ln in lines[first:stop]:
            if column and column[-1][0].section == ln.section:
                column[-1].append(ln)
            else:
                column.append([ln])
        columns_of.append(column)
    return columns_of


def _column_height(column: list[list[_Line]]) -> float:
    """A column's height before feathering: its pieces and the spaces between them (the first's is dropped)."""
    inside = sum(_piece_height(piece) for piece in column)
    return inside + sum(piece[0].space for piece in column[1:])


def _feathering(column: list[list[_Line]], spare: float, line: float) -> tuple[float, float]:
    """How a column ``spare`` points shorter than the tallest spreads them, so the columns end on one line:
    ``(under, feather)``, added under each heading and between sections, at most
    :data:`MAX_HEADING_FEATHER_LINES` and :data:`MAX_FEATHER_LINES` body lines (``line`` points each)."""
    between = len(column) - 1
    inside = sum(1 for piece in column for ln in piece if ln.under)
    # (a column holding one section has only the space under its heading to spread)
    most = MAX_HEADING_FEATHER_LINES if between else MAX_LONE_HEADING_FEATHER_LINES
    under = min(spare / (between + inside), line * most) if between + inside else 0.0
    feather = min((spare - under * inside) / between, line * MAX_FEATHER_LINES) if between else 0.0
    return under, feather


def _column_frames(page: PageContext, sections: tuple[Section, ...], settings: list[list],
                   column: list[list[_Line]], box: Box, pieces: dict[str, int], under: float,
                   feather: float) -> list[Frame]:
    """One column's pieces as frames stacked down from ``box``'s top, ``feather`` added between sections and
    ``under`` under headings; ``pieces`` counts each section's frames so far (for the ``#2`` of a split one)."""
    frames: list[Frame] = []
    cy = box.y
    for index, piece in enumerate(column):
        if index:
            cy += piece[0].space + feather
        si = piece[0].section
        frame, h = _section_piece(page, sections[si], settings[si], piece, Box(box.x, cy, box.w, 0), pieces, under)
        frames.append(frame)
        cy += h
    return frames


def _piece_height(piece: list[_Line]) -> float:
    """A piece's frame height: its lines and the spaces between its paragraphs, with the height safety."""
    first_of = {}
    for ln in piece:
        first_of.setdefault(ln.para, ln)
    spaces = sum(ln.space for ln in list(first_of.values())[1:])
    return (sum(ln.height for ln in piece) + spaces) / HEIGHT_SAFETY


def _section_piece(page: PageContext, section: Section, paragraphs: list, piece: list[_Line], box: Box,
                   pieces: dict[str, int], feather: float = 0.0) -> tuple[Frame, float]:
    """The lines of one section that fall in one column, as a frame at ``box``'s top; returns it and its height."""
    placed = []
    y = 0.0
    for pi in sorted({ln.para for ln in piece}):
        mine = [ln for ln in piece if ln.para == pi]
        paragraph = paragraphs[pi]
        if placed:
            y += mine[0].space + (feather if mine[0].under else 0.0)
        # set alone, a paragraph's line k sits k line pitches under its first: move the piece's first line to y
        offset = y - mine[0].line * paragraph.style.line_height
        chosen = tuple(replace(line, baseline=line.baseline + offset)
                       for line in paragraph.lines[mine[0].line:mine[-1].line + 1])
        text = text_of_lines(paragraph, mine[0].line, mine[-1].line)
        placed.append(replace(paragraph, text=text if len(chosen) < len(paragraph.lines) else paragraph.text,
                              lines=chosen, style=replace(paragraph.style, space_before=mine[0].space if y else 0.0)))
        y += sum(ln.height for ln in mine)
    part = pieces.get(section.id, 0)
    pieces[section.id] = part + 1
    name = Name(Kind.SECTION, section.id, "summary", piece=part + 1 if part else 0)
    h = y / HEIGHT_SAFETY
    return Frame(name, FrameRole.TEXT, Box(box.x, box.y, box.w, h), tuple(placed)), h


def sources_block(page: PageContext, y: float, scale: float, markers: dict[str, int]) -> Placed:
    """A rule, the numbered sources on one running line, and the footer line (short title, handling, date)."""
    c = page.content
    e = page.e
    meta = e.brief.meta
    parts = []
    for source_id, number in markers.items():
        source = e.brief.source(source_id)
        parts.append(f"[{number}] {e.t(source.name)}" + (f" ({source.url})" if source.url else ""))
    paras = []
    if parts:
        heading = f"{label(Label.SOURCES, e.language)}{colon(e.language)}"
        paras.append(Para(heading + SOURCES_JOINER.join(parts), page.role(Role.FOOTER), e.language))
    line = SEPARATOR.join(x for x in (e.short_title, e.t(meta.handling), format_date(meta.date, e.language)) if x)
    paras.append(Para(line, page.role(Role.FOOTER), e.language, space_before_em=FOOTER_SPACE_EM))
    name = Name(Kind.SOURCES)
    made, h = page.text(name, paras, Box(c.x, y + SOURCES_GAP, c.w, 0), scale)
    rule = Frame(name.of("rule"), FrameRole.SHAPE, Box(c.x, y, c.w, HAIRLINE), fill=page.colors["rule"])
    return [rule] + made, h + SOURCES_GAP


# -- the page -----------------------------------------------------------------------------------------------------


def source_markers(spec: OnePagerSpec, content: _Content) -> dict[str, int]:
    """Source numbers in the order a reader meets them on the page: ``{"itf": 1, "hkstp": 2}``."""
    markers: dict[str, int] = {}
    for block in spec.blocks:
        items = content.stats if block is Block.STATS else content.quotes if block is Block.QUOTES else ()
        for item in items:
            markers.setdefault(item.source, len(markers) + 1)
    return markers


def attempt(page: PageContext, content: _Content, scale: float, extra_gap: float = 0.0) -> Placed:
    """The page with ``content`` at ``scale``: the blocks stacked top down, the sources at the foot.

    Returns the frames and the height they take (which may be more than the page has: the caller checks).
    """
    markers = source_markers(page.spec, content)
    frames: list[Frame] = []
    y = page.content.y
    gap = page.lh(Role.BODY, scale) * BLOCK_GAP_LINES + extra_gap
    for block in page.spec.blocks:
        match block:
            case Block.HEADER:
                made, h = header_block(page, y, scale)
            case Block.STATS:
                made, h = stats_block(page, y, scale, content.stats, markers)
            case Block.QUOTES:
                made, h = quotes_block(page, y, scale, content.quotes, markers)
            case Block.SECTIONS:
                made, h = sections_block(page, y, scale, content.sections)
            case Block.SOURCES:
                made, h = [], 0.0  # drawn last, at the foot of the page
        if made:
            frames += made
            y += h + gap
    if Block.SOURCES in page.spec.blocks:
        made, h = sources_block(page, 0, scale, markers)
        shift = page.content.bottom - h
        frames += [_moved(f, shift) for f in made]
        y += h
    return frames, y - page.content.y


def fitting_scale(page: PageContext, content: _Content, min_scale: float,
                  smallest_first: bool = False) -> tuple[float, float] | None:
    """The largest scale (from 1 down in :data:`SCALE_STEP`, to ``min_scale``) at which ``content`` fits, and its
    height; or None. Searched as :func:`growing_scale` searches, from a guess made from the height at 1.

    ``smallest_first`` tries ``min_scale`` before anything else, when the page is probably hopeless (it did not
    fit with one more item): then one setting says so, instead of the search's three or four.
    """
    ladder = [1.0]
    while ladder[-1] > min_scale:
        ladder.append(max(min_scale, ladder[-1] - SCALE_STEP))
    ladder.reverse()  # smallest first
    fits, heights = _trial(page, content, ladder)
    if smallest_first and not fits(0):
        return None
    top = len(ladder) - 1
    if fits(top):
        return ladder[top], heights[top]
    room = page.content.h
    step = step_at_or_below(ladder, expected_scale(1.0, heights[top], room, GROWTH_EXPONENT))
    # a new guess under each scale that does not fit; once the roles reach their minimum sizes the height falls
    # slowly, and the guess goes straight to the bottom
    found = walk_to_largest(fits, min(step, top - 1), top, guess_below(ladder, heights.__getitem__, top, room))
    return None if found is None else (ladder[found], heights[found])


def growing_scale(page: PageContext, content: _Content, scale: float, height: float) -> tuple[float, float]:
    """The largest scale up to the layout's ``max_scale`` (in :data:`SCALE_STEP`) at which ``content`` still fits:
    a short brief's type and spacing grow, together, to fill the page instead of leaving its foot blank.

    Each try sets the whole page, so the search starts where the answer should be (see
    :data:`GROWTH_EXPONENT`) and walks from there: the answer of trying every step in turn, in two or three
    tries instead of up to a dozen.
    """
    ladder = [scale]
    while ladder[-1] + SCALE_STEP <= page.spec.max_scale + 1e-9:
        ladder.append(ladder[-1] + SCALE_STEP)
    fits, heights = _trial(page, content, ladder, {0: height})
    if len(ladder) == 1:
        return scale, height
    step = max(1, step_at_or_below(ladder, expected_scale(scale, height, page.content.h, GROWTH_EXPONENT)))
    found = walk_to_largest(fits, step, len(ladder) - 1)
    assert found is not None  # step 0 fits: the caller set it
    return ladder[found], heights[found]


def _trial(page: PageContext, content: _Content, ladder: list[float], known: dict[int, float] | None = None):
    """``fits(step)``, setting the page at ``ladder[step]`` once, and the heights it found by step."""
    heights = dict(known or {})

    def fits(step: int) -> bool:
        if step not in heights:
            _, heights[step] = attempt(page, content, ladder[step])
        return heights[step] <= page.content.h

    return fits, heights


def refuse_sections_too_long(page: PageContext, min_scale: float) -> None:
    """An error naming every summary that alone is taller than the page can hold at the smallest sizes.

    Such a section used to be left out first, so it vanished from the one-pager (a 5,000-character word is cut
    into a column of lines taller than the page) for a reason no notice made clear; the writer has to shorten it.
    """
    room = page.content.h * HOPELESS_SHARE
    problems = []
    if page.side_by_side:  # each language alone, in the widest column it can have
        widest = page.language_widths(MAX_LANGUAGE_SHARE)[0]
        versions = [(edition, widest) for edition in page.editions()]
    else:
        versions = [(page.e, page.column_width)]
    for section in page.e.brief.sections:
        setting = max((page.ts.set(page.section_paras(section, e), w, min_scale) for e, w in versions),
                      key=lambda made: made.height)
        if setting.height > room:
            problems.append(Problem(page.e.at("sections", section.id, "summary"),
                                    "too long for the one-pager even alone in its column at the smallest sizes: "
                                    f"{too_long(setting, room)}; shorten it"))
    if problems:
        raise FitError(problems)


def first_possible_drop(page: PageContext, drop_order: list, featured: int, min_scale: float) -> int:
    """The fewest items to leave out before the page can possibly fit.

    The sections block alone, at the smallest sizes, is at least as tall as its average column, so while the
    sections kept are too tall for that, leaving out featured items cannot help and trying every scale is wasted.
    """
    kept = drop_order[featured:][::-1]  # sections in page order, the first to go last
    if page.side_by_side:
        return _first_possible_drop_side_by_side(page, kept, featured, min_scale)
    columns = page.spec.columns
    if len(kept) < columns:
        return 0
    w = page.column_width
    spacing = page.lh(Role.BODY, min_scale) * SECTION_SPACING_LINES
    heights = [page.section_height(section, w, min_scale) for section in kept]
    total = sum(heights)
    count = len(kept)
    dropped = featured
    while count > columns and (total + spacing * (count - columns)) / columns > page.content.h:
        count -= 1
        total -= heights[count]
        dropped += 1
    return 0 if dropped == featured else dropped


def _first_possible_drop_side_by_side(page: PageContext, kept: list[Section], featured: int,
                                      min_scale: float) -> int:
    """:func:`first_possible_drop` for sections side by side: each pair is at least as tall as its taller side set
    in the widest column either language can have, so while those pairs alone overfill the page, leaving out
    featured items cannot help."""
    widest = page.language_widths(MAX_LANGUAGE_SHARE)[0]
    spacing = page.lh(Role.BODY, min_scale) * SECTION_SPACING_LINES
    rows = [max(page.section_height(section, widest, min_scale, e) for e in page.editions()) for section in kept]
    count = len(rows)
    dropped = featured
    while count > 1 and sum(rows[:count]) + spacing * (count - 1) > page.content.h:
        count -= 1
        dropped += 1
    return 0 if dropped == featured else dropped


def stacked_messages(page: PageContext) -> list[str]:
    """Say when a layout that sets the sections side by side stacks them, because summaries lack a translation."""
    missing = untranslated_summaries(page.e) if wants_side_by_side(page.e, page.spec) else []
    if not missing:
        return []
    sections = page.e.brief.sections
    paths = [f"sections[{sections.index(section)}].summary" for section in missing]
    listed = ", ".join(paths[:MESSAGE_PATHS]) + (f" and {len(paths) - MESSAGE_PATHS} more"
                                                 if len(paths) > MESSAGE_PATHS else "")
    language = page.e.second.english_name if page.e.second else ""
    some = "1 section summary has" if len(paths) == 1 else f"{len(paths)} section summaries have"
    return [f"one-pager: stacked, not side by side as the layout's onepager.bilingual asks: {some} no {language}"
            f" ({listed})"]


def cap_messages(brief: Brief, spec: OnePagerSpec) -> list[str]:
    """Say when the layout shows fewer featured items than the content features (they stay in the deck)."""
    notes = []
    for kind, cap, key in ((FeatureKind.STAT, spec.max_stats, "max_stats"),
                           (FeatureKind.QUOTE, spec.max_quotes, "max_quotes")):
        featured = sum(1 for ref in brief.featured if ref.kind is kind)
        if featured > cap:
            notes.append(f"one-pager: shows the first {cap} of {featured} featured {kind}s (the layout's"
                         f" onepager.{key}); the others are in the deck")
    return notes


def _drop_order(page: PageContext) -> tuple[list[FeatureRef | Section], int]:
    """What to leave out, first to last: featured items (lowest priority first), then sections (last first).

    Returns that order and how many featured items lead it.
    """
    brief = page.e.brief
    spec = page.spec
    stats = [f for f in brief.featured if f.kind is FeatureKind.STAT][: spec.max_stats]
    quotes = [f for f in brief.featured if f.kind is FeatureKind.QUOTE][: spec.max_quotes]
    candidates = [f for f in brief.featured if f in stats or f in quotes]
    order: list[FeatureRef | Section] = list(reversed(candidates)) + list(reversed(brief.sections))
    return order, len(candidates)


def _kept(page: PageContext, gone: list[FeatureRef | Section]) -> _Content:
    """What is on the page once ``gone`` is left out (featured items capped by the layout)."""
    brief = page.e.brief
    stats = [brief.stat(f.id) for f in brief.featured if f.kind is FeatureKind.STAT][: page.spec.max_stats]
    quotes = [brief.quote(f.id) for f in brief.featured if f.kind is FeatureKind.QUOTE][: page.spec.max_quotes]
    return _Content(
        tuple(s for s in stats if FeatureRef(FeatureKind.STAT, s.id) not in gone),
        tuple(q for q in quotes if FeatureRef(FeatureKind.QUOTE, q.id) not in gone),
        tuple(s for s in brief.sections if s not in gone),
    )


def arrange_page(edition: Edition, layout: Layout, typesetter: Typesetter, paper: Paper | None = None,
                 strict: bool = False, logo: PreparedImage | None = None) -> PagePlan:
    """The one-pager: the largest scale at which it fits, leaving out as little as it must (``strict``: nothing).

    The plan's ``messages`` say what the layout's caps and the omissions left off the page.
    """
    page = PageContext.of(edition, layout, typesetter, paper, logo)
    min_scale = page.min_scale()
    refuse_sections_too_long(page, min_scale)
    drop_order, featured = _drop_order(page)
    first = first_possible_drop(page, drop_order, featured, min_scale)
    for dropped in range(first, len(drop_order) + 1):
        gone = drop_order[:dropped]
        content = _kept(page, gone)
        fitted = fitting_scale(page, content, min_scale, smallest_first=dropped > first)
        if fitted is None:
            continue
        scale, height = fitted
        if scale >= 1.0:
            scale, height = growing_scale(page, content, scale, height)
        omitted = tuple(str(g) if isinstance(g, FeatureRef) else f"section:{g.id}" for g in gone)
        if omitted and strict:
            raise FitError(f"the one-pager does not fit on one page without leaving out "
                           f"{', '.join(omitted)} (--strict)", "one-pager")
        # spread what is left over between the blocks, so the page reads as designed, not cut short
        gaps = max(1, sum(1 for b in page.spec.blocks if b is not Block.SOURCES))
        extra = min((page.content.h - height) / gaps, page.lh(Role.BODY, scale) * MAX_SPREAD_LINES)
        frames, _ = attempt(page, content, scale, extra)
        messages = list(layout.notes) + cap_messages(edition.brief, page.spec) + stacked_messages(page)
        messages += [f"one-pager: left out {item} to keep it to one page" for item in omitted]
        return PagePlan(page.size, tuple(frames), document_properties(edition), page.colors["background"],
                        omitted, tuple(messages))
    raise FitError("the header alone does not fit on one page; shorten the title or subtitle", "one-pager")


def _moved(frame: Frame, dy: float) -> Frame:
    """The frame moved down by ``dy``."""
    return replace(frame, box=Box(frame.box.x, frame.box.y + dy, frame.box.w, frame.box.h))


def _balance(heights: list[float], columns: int, spacing: float) -> list[list[int]]:
    """Split blocks, in order, into ``columns`` runs so that the tallest run is as short as possible."""
    n = len(heights)
    best: tuple[float, list[list[int]]] | None = None

    def runs(start: int, left: int) -> list[list[list[int]]]:
        """Every way to cut blocks ``start``.. into ``left`` non-empty runs."""
        if left == 1:
            return [[list(range(start, n))]]
        out = []
        for end in range(start + 1, n - left + 2):
            for rest in runs(end, left - 1):
                out.append([list(range(start, end))] + rest)
        return out

    for option in runs(0, columns):
        tallest = max(sum(heights[i] for i in run) + spacing * (len(run) - 1) for run in option)
        if best is None or tallest < best[0] - BALANCE_TOLERANCE:
            best = (tallest, option)
    assert best is not None
    return best[1]
