"""The plan: pure data that the writers draw, with every decision already taken.

``arrange`` produces a :class:`DeckPlan` and a :class:`PagePlan`; ``render.pptx`` and ``render.pdf`` draw them and
decide nothing: line breaks, sizes, positions, colours, fonts and which items appear are all fixed here, in points
with the origin at the top-left of the slide or page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import StrEnum

from hkbrief.colour import Colour, colour_or_none
from hkbrief.geometry import Box, Insets, Size


class Align(StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


class VAlign(StrEnum):
    TOP = "top"
    MIDDLE = "middle"
    BOTTOM = "bottom"


@dataclass(frozen=True, slots=True)
class Face:
    """One font as both writers need it.

    The deck names the Office family (``Arial``) and the East Asian family (``Microsoft JhengHei``) so PowerPoint
    uses them and LibreOffice substitutes metric clones; the PDF embeds ``pdf_file`` (a bundled TTF, or a layout's
    own .ttf, or face ``pdf_index`` of its .ttc collection) under ``pdf_name``. Measurement in ``textfit`` used that
    same file.
    """

    office_family: str
    east_asian_family: str
    pdf_name: str
    pdf_file: str
    bold: bool = False
    italic: bool = False
    pdf_index: int = 0


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of one line drawn in one face (a line mixing Latin and Han may need two faces in the PDF)."""

    text: str
    face: Face
    x: float = 0.0  # offset from the line's start, in points


@dataclass(frozen=True, slots=True)
class Line:
    """One planned line: its spans, its left offset and its baseline, both relative to the frame's content box."""

    spans: tuple[Span, ...]
    x: float
    baseline: float
    width: float


@dataclass(frozen=True, slots=True)
class TextStyle:
    """How one paragraph is drawn: face, size, colour, line height, alignment and spacing, all in points."""

    face: Face
    size: float
    color: Colour  # "#RRGGBB"; a plain string is checked and made a Colour
    line_height: float  # points from one baseline to the next (written as exact line spacing in the deck)
    align: Align = Align.LEFT
    space_before: float = 0.0  # points before the paragraph (not before the first one in a frame)
    space_after: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "color", Colour(self.color))


class TextField(StrEnum):
    """Text the deck keeps live (PowerPoint updates it); the PDF draws the planned value."""

    SLIDE_NUMBER = "slidenum"


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph as the user wrote it (``text``) and as the plan broke it (``lines``).

    The deck writes ``text`` and lets PowerPoint re-break it with the same metrics, unless the frame says
    ``keep_breaks`` (titles balanced by the plan), in which case it writes the planned lines with line breaks.
    ``bullet`` is the bullet character (or None); ``indent`` is the hanging indent for the bullet, in points.
    ``lang`` is a BCP 47 tag such as ``en`` or ``zh-HK``.
    """

    text: str
    lines: tuple[Line, ...]
    style: TextStyle
    lang: str = "en"
    bullet: str | None = None
    indent: float = 0.0
    field: TextField | None = None


class Kind(StrEnum):
    """What a slide or frame was made for: one of the deck's slide kinds, a content item, or a one-pager block."""

    TITLE = "title"
    AGENDA = "agenda"
    SECTION = "section"
    STATS = "stats"
    STAT = "stat"
    QUOTE = "quote"
    SOURCES = "sources"
    CLOSING = "closing"
    HEADER = "header"
    LOGO = "logo"


@dataclass(frozen=True, slots=True)
class Name:
    """Where a slide or frame came from, as data: tests and tools compare fields, never parse a string.

    Only the writers spell it (``section:talent#2/title``, ``stat:hkd-10bn/card``, ``sources/list#1``), as the
    deck's shape and slide names a user sees in PowerPoint's selection pane.
    """

    kind: Kind
    id: str = ""  # the content item's id (section, stat or quote); "" for the deck's and page's own parts
    part: str = ""  # which part of the item: "title", "body", "card", ...; "" for the item's main text
    sheet: int = 0  # which slide of a continued run, counting from 2 (0: the first, or not continued)
    piece: int = 0  # which of several frames of one part, when they are numbered (0: not numbered)

    def of(self, part: str, piece: int = 0) -> Name:
        """The name of one part of this slide or item: ``Name(SECTION, "talent").of("body")``."""
        return replace(self, part=part, piece=piece)


class FrameRole(StrEnum):
    """What a frame is, so the deck can put a title into the title placeholder and the PDF can tag reading order."""

    TITLE = "title"
    TEXT = "text"
    IMAGE = "image"
    SHAPE = "shape"


@dataclass(frozen=True, slots=True)
class PlaceholderSlot:
    """A layout placeholder a frame fills (so outline view, screen readers and the template's styles see it):
    its OOXML type (``title``, ``ctrTitle``, ``subTitle``, ``body``, ``obj``) and, for all but titles, its idx."""

    type: str = "title"
    idx: int | None = None


@dataclass(frozen=True, slots=True)
class Frame:
    """One box on a slide or page.

    ``name`` is stable and says where the content came from (kind ``stat``, id ``hkd-10bn``, part ``card``);
    it becomes the shape name in the deck. Text frames carry paragraphs laid out inside
    ``box.inset(insets)``; image frames carry a file path to an already-checked raster image (PNG or JPEG, RGB)
    and its alt text;
    shape frames are filled or stroked rectangles (bands, rules, cards). Frames are drawn in order.
    """

    name: Name
    role: FrameRole
    box: Box
    paragraphs: tuple[Paragraph, ...] = ()
    insets: Insets = Insets()
    valign: VAlign = VAlign.TOP
    fill: Colour | None = None  # a plain string is checked and made a Colour
    stroke: Colour | None = None
    stroke_width: float = 0.0
    keep_breaks: bool = False
    image_path: str | None = None  # drawn to fill ``box`` exactly: the plan already kept the aspect ratio
    alt_text: str = ""
    decorative: bool = False
    placeholder: PlaceholderSlot | None = None  # None for a title: the layout's title placeholder
    # The deck's safety net for viewers whose fonts are wider than the ones measured: the viewer may shrink the
    # text when it overflows (``normAutofit``; the planned size is still written on every run). False where the
    # plan needs the size kept even then (see ``arrange``).
    shrink_on_overflow: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "fill", colour_or_none(self.fill))
        object.__setattr__(self, "stroke", colour_or_none(self.stroke))


@dataclass(frozen=True, slots=True)
class DocumentProperties:
    title: str
    subject: str
    author: str
    keywords: str
    language: str
    created: dt.datetime
    creator: str  # "hkbrief 0.1.0"


@dataclass(frozen=True, slots=True)
class SlidePlan:
    """One slide. ``layout`` names the base package's slide layout part it is made from
    (``/ppt/slideLayouts/slideLayout6.xml``); empty means the base's title-only layout. ``background`` None: the
    slide shows its layout's and master's own background (a template's), else it is painted over."""

    name: Name  # Name(TITLE), Name(SECTION, "talent"), Name(STATS, sheet=2), ...
    frames: tuple[Frame, ...]
    background: Colour | None = Colour("#FFFFFF")
    notes: str = ""
    layout: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "background", colour_or_none(self.background))


THEME_COLOR_SLOTS = ("dk1", "lt1", "dk2", "lt2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6",
                     "hlink", "folHlink")


@dataclass(frozen=True, slots=True)
class MasterLook:
    """The deck's own master and theme, so that a slide a user adds in PowerPoint looks like the planned ones.

    ``colors`` fills every theme colour slot (``THEME_COLOR_SLOTS``); the fonts become the theme's heading and body
    fonts; ``title`` and ``body`` become the master's title and body text styles, and ``title_box`` and ``body_box``
    move the master's title and body placeholders to where the planned slides put their titles and bullets.
    """

    theme_name: str
    colors: tuple[tuple[str, str], ...]  # (slot, "#RRGGBB")
    heading_font: str
    body_font: str
    east_asian_font: str
    background: str
    title: TextStyle
    body: TextStyle
    title_box: Box | None = None
    body_box: Box | None = None
    title_align: Align = Align.LEFT
    title_valign: VAlign = VAlign.BOTTOM


@dataclass(frozen=True, slots=True)
class DeckBase:
    """What the deck is built on: a template's package (its masters, layouts, theme and artwork kept as they are),
    or python-pptx's stock package with its master and theme rewritten to ``master``."""

    template_file: str | None = None  # a .pptx or .potx the template reader has already checked
    master: MasterLook | None = None


@dataclass(frozen=True, slots=True)
class DeckPlan:
    """The deck. ``messages`` are what arranging it has to tell the user (the writers ignore them).

    ``master_frames`` belong on the slide master (the layout's logo): the deck draws them there, so every slide
    shows them and so does a slide a user adds in PowerPoint; the planned slides keep their place free.
    """

    size: Size
    slides: tuple[SlidePlan, ...]
    properties: DocumentProperties
    base: DeckBase = DeckBase()
    messages: tuple[str, ...] = field(default=())
    master_frames: tuple[Frame, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class PagePlan:
    """The one-pager: exactly one page.

    ``omitted`` lists the content items (``stat:hkd-10bn``, ``section:talent``) the plan left out to keep it to one
    page; ``messages`` are what arranging it has to tell the user (layout caps, omissions), one line each.
    """

    size: Size
    frames: tuple[Frame, ...]
    properties: DocumentProperties
    background: Colour = Colour("#FFFFFF")
    omitted: tuple[str, ...] = field(default=())
    messages: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "background", Colour(self.background))
