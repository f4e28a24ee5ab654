"""A deck inside an organisation's template: which layout each slide kind uses, where its text goes, in what look.

The template reader gives plain data; this module decides what the deck arranger needs from it: for each slide
kind the layout, its title, body and subtitle placeholders and the area left for hkbrief's own content (stat
cards, quotes); the palette (the theme's colours, checked for contrast against the layout's real background); and
the layout's roles re-based on the template's fonts and placeholder sizes, so that text is measured with what
PowerPoint will use.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from hkbrief import textfit
from hkbrief.errors import LayoutError, Problem, shown
from hkbrief.geometry import Box, Size
from hkbrief.layoutspec import (
    Family,
    Layout,
    Role,
    RoleStyle,
    SlideKind,
    TemplateChoice,
    Weight,
    contrast_ratio,
)
from hkbrief.template import LayoutInfo, PlaceholderInfo, PlaceholderType, Template, map_kinds

__all__ = ["TemplateDeck", "TemplateSlide", "adapt_layout", "template_deck"]

SINGLE_SPACING = 1.2  # PowerPoint's single line spacing for these fonts, as a multiple of the size
CONTENT_GAP = 14  # points between the title placeholder and hkbrief's own content under it
FOOTER_GAP = 8  # points between that content and the footer placeholders
OUR_SLIDE_HEIGHT = 540  # the built-in layouts' role sizes are for a 7.5-inch-tall slide
MUTED_MIX = 0.3  # muted text is the text colour this far towards the background (then contrast-checked)
SURFACE_MIX = 0.9  # card surfaces: the accent this far towards the background, a light tint
RULE_MIX = 0.7  # rules: the text colour this far towards the background
LARGE_TEXT = 18  # points from which WCAG 2.1 asks 3:1 instead of 4.5:1
NORMAL_CONTRAST = 4.5  # WCAG 2.1 AA's least contrast for text below LARGE_TEXT
LARGE_CONTRAST = 3.0  # WCAG 2.1 AA's least contrast for text at LARGE_TEXT and above
TIGHTEST_SPACING = 0.9  # a placeholder's line spacing is planned at no less than this share of single spacing
# Where hkbrief's content goes on a layout with no title or body placeholder to align to: the slide's middle
# nine tenths across, from under where a title would sit to a twentieth above the foot
FALLBACK_LEFT = 0.05
FALLBACK_RIGHT = 0.95
FALLBACK_TOP = 0.08
FALLBACK_BOTTOM = 0.95
HEADING_ROLES = (Role.TITLE, Role.HEADING, Role.STAT_VALUE, Role.QUOTE)


@dataclass(frozen=True, slots=True)
class TemplateSlide:
    """One slide kind in the template: its layout, the placeholders hkbrief fills, and the rest of the slide."""

    kind: SlideKind
    layout: LayoutInfo
    title: PlaceholderInfo | None
    body: PlaceholderInfo | None
    subtitle: PlaceholderInfo | None
    footer: PlaceholderInfo | None
    number: PlaceholderInfo | None
    content: Box  # for stat cards, quotes, sidebars: under the title, above the footers
    background: str


@dataclass(frozen=True, slots=True)
class TemplateDeck:
    """The template read for a deck: each slide kind's slide, what the reader has to say, and the layout's fonts."""

    template: Template
    slides: dict[SlideKind, TemplateSlide]
    messages: tuple[str, ...] = ()
    choice: TemplateChoice | None = None
    fonts: dict[str, textfit.FileFamily] = dataclasses.field(default_factory=dict)  # the layout's font files

    @property
    def size(self) -> Size:
        """The template's slide size, in points."""
        return self.template.slide_size

    def slide(self, kind: SlideKind) -> TemplateSlide:
        """The template's slide for ``kind``."""
        return self.slides[kind]


def template_deck(template: Template, choice: TemplateChoice | None,
                  fonts: dict[str, textfit.FileFamily] | None = None) -> TemplateDeck:
    """The slide kinds placed on the template's layouts; a layout file's ``[template.layouts]`` names win."""
    kinds = dict(template.kinds)
    if choice is not None and choice.layouts:
        names = {layout.name.casefold(): layout.name for layout in template.layouts}
        problems = [Problem(f"{choice.where.rpartition(': ')[0]}: template.layouts.{kind}",
                            f"{shown(name)} is not a layout of {template.path.rpartition('/')[2]} (its layouts:"
                            f" {', '.join(shown(n) for n in names.values())})")
                    for kind, name in choice.layouts.items() if name.casefold() not in names]
        if problems:
            raise LayoutError(problems)
        kinds = map_kinds(template.layouts, template.slide_size, choice.layouts)
    slides = {kind: _slide(template, kind, template.layouts[index]) for kind, index in kinds.items()}
    messages = ()
    if not template.has_title_placeholders:
        messages = (f"{template.where or template.path}: no layout has a title placeholder; hkbrief draws the slide titles itself"
                    " as text boxes",)
    return TemplateDeck(template, slides, messages, choice, dict(fonts or {}))


def _slide(template: Template, kind: SlideKind, layout: LayoutInfo) -> TemplateSlide:
    """Slide kind ``kind`` on ``layout``: the placeholders it fills (no vertical text), its content area and its
    background (the layout's, else its master's, else white)."""
    title = layout.title
    if title is not None and title.look.vertical:
        title = None
    takes_body = kind in (SlideKind.SECTIONS, SlideKind.AGENDA, SlideKind.SOURCES)
    bodies = [ph for ph in layout.bodies if not ph.look.vertical]
    # the largest: in a layout with a caption or a heading strip besides its content, the content
    body = max(bodies, key=lambda ph: ph.box.w * ph.box.h) if takes_body and bodies else None
    subtitle = layout.subtitle if kind in (SlideKind.TITLE, SlideKind.CLOSING) else None
    footer = layout.first(PlaceholderType.FOOTER)
    number = layout.first(PlaceholderType.SLIDE_NUMBER)
    return TemplateSlide(kind, layout, title, body, subtitle, footer, number,
                         _content_area(template, layout, title), layout.backgrounds[0] if layout.backgrounds
                         else template.masters[layout.master].backgrounds[0] if template.masters[
                             layout.master].backgrounds else "#FFFFFF")


def _content_area(template: Template, layout: LayoutInfo, title: PlaceholderInfo | None) -> Box:
    """Under the title placeholder and above the footer placeholders, across the title's width (or the master's
    body placeholder, or the slide's middle nine tenths when the layout has neither)."""
    size = template.slide_size
    reference = title.box if title is not None else None
    bodies = [ph.box for ph in layout.bodies]
    footers = [ph.box for ph in layout.placeholders if ph.type.is_footer_area]
    left, right = _content_sides(size, bodies, reference)
    top = reference.bottom + CONTENT_GAP if reference else size.h * FALLBACK_TOP
    bottom = _content_bottom(size, bodies, footers, top)
    return Box(left, top, right - left, max(bottom - top, 0.0))


def _content_sides(size: Size, bodies: list[Box], reference: Box | None) -> tuple[float, float]:
    """The content's left and right: spanning the body placeholders and the title, else the fallback sides."""
    edges = bodies + ([reference] if reference else [])
    if not edges:
        return size.w * FALLBACK_LEFT, size.w * FALLBACK_RIGHT
    return min(b.x for b in edges), max(b.right for b in edges)


def _content_bottom(size: Size, bodies: list[Box], footers: list[Box], top: float) -> float:
    """The content's bottom: above the first footer below ``top`` (or the fallback foot), reaching down to the
    lowest body placeholder but never off the slide."""
    bottom = min([f.y for f in footers if f.y > top] or [size.h * FALLBACK_BOTTOM]) - FOOTER_GAP
    if bodies:
        bottom = max(bottom, max(b.bottom for b in bodies))
        bottom = min(bottom, size.h)
    return bottom


# -- the layout re-based on the template ------------------------------------------------------------------------


def _mix(colour: str, other: str, amount: float) -> str:
    """``colour`` moved ``amount`` of the way towards ``other``."""
    a = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * amount):02X}" for x, y in zip(a, b, strict=True))


def _deepened(colour: str | None, towards: str, background: str, needed: float = 4.5) -> str | None:
    """``colour`` moved towards ``towards`` in tenths until it reads on ``background`` (None if it never does)."""
    if colour is None:
        return None
    for step in range(11):
        candidate = _mix(colour, towards, step / 10)
        if contrast_ratio(candidate, background) >= needed:
            return candidate
    return None


def _readable(candidates: list[str], on: str, needed: float) -> str | None:
    """The first of ``candidates`` that reaches contrast ``needed`` on ``on`` (None if none does)."""
    return next((c for c in candidates if c and contrast_ratio(c, on) >= needed), None)


def palette(deck: TemplateDeck) -> dict[str, str]:
    """The layout's colour names filled from the template's theme, each readable on the content background."""
    theme = deck.template.theme.colors
    content = deck.slide(SlideKind.SECTIONS)
    background = content.background
    body = content.body or content.title
    text = _readable([body.look.color if body else None, theme.get("dk1"), theme.get("lt1"), "#000000",
                      "#FFFFFF"], background, 4.5) or "#000000"
    # cards are a light tint of the brand accent; the accent itself colours headings and stat values (small text
    # among them, on the background and on cards): it must reach 4.5:1 on both, so an accent that does not is
    # deepened towards the text colour, keeping its hue, before another theme colour is tried
    surface = _mix(theme.get("accent1", text), background, SURFACE_MIX)
    darker = background if contrast_ratio(surface, text) > contrast_ratio(background, text) else surface
    accent = _readable([_deepened(theme.get("accent1"), text, darker), theme.get("dk2"), text], darker, 4.5) \
        or text
    on_accent = max(("#FFFFFF", "#000000"), key=lambda c: contrast_ratio(c, accent))
    muted = _readable([_mix(text, background, MUTED_MIX), text], darker, 4.5) or text
    colours = {
        "background": background,
        "text": text,
        "muted": muted,
        "accent": accent,
        "on_accent": on_accent,
        "surface": surface,
        "rule": _mix(text, background, RULE_MIX),
        "highlight": _readable([theme.get("accent2"), accent], background, 3.0) or accent,
    }
    return colours


def measurable(name: str, choice: TemplateChoice | None, where: str,
               declared: dict[str, textfit.FileFamily] | None = None) -> Family:
    """A template font hkbrief can measure: the layout's own font files for it (``[fonts."Brand Sans"]``), its
    own name when a metric clone exists (Calibri -> Carlito), the family the layout names instead of it, or an
    error naming the font and the fix."""
    substitute = (choice.fonts.get(name) if choice is not None else None) or name
    if declared and substitute in declared:
        return declared[substitute]
    if textfit.metric_clone(substitute) is not None:
        return substitute
    raise LayoutError(
        f"the template's font {shown(name)} has no metrics in hkbrief, so the fit cannot be promised; give its"
        f" font file in the layout ([fonts.{shown(name)}] regular = \"...\") or name a family to use instead"
        f" ([template.fonts] {shown(name)} = \"Arial\"; measurable without a file:"
        f" {', '.join(textfit.known_family_names(textfit.FontSlot.LATIN))})", where)


def adapt_layout(layout: Layout, deck: TemplateDeck, choice: TemplateChoice | None = None) -> Layout:
    """``layout`` with the template's palette and fonts, titles and body text at the placeholders' sizes.

    Roles that reference a layout colour by name (``accent``) take the template's colour of that name; every
    deck role is then checked for contrast (WCAG 2.1) on what it is drawn on, and a failure names the template
    colour and the layout key that overrides it.
    """
    where = deck.template.where or deck.template.path
    theme = deck.template.theme
    colours = palette(deck)
    names = _colour_names(layout)
    if choice is not None:
        colours.update(choice.colors)
    heading_font = measurable(theme.major_latin or "Arial", choice, f"{where}: theme heading font", layout.fonts)
    body_font = measurable(theme.minor_latin or "Arial", choice, f"{where}: theme body font", layout.fonts)
    scale = deck.size.h / OUR_SLIDE_HEIGHT
    content = deck.slide(SlideKind.SECTIONS)
    title_slide = deck.slide(SlideKind.STATS)

    def recolour(value: str) -> str:
        """The template's colour for a layout colour given by value (``#1F4E79`` named ``accent``), else the value."""
        return colours.get(names.get(value, ""), value)

    roles: dict[Role, RoleStyle] = {}
    for role, style in layout.deck.roles.items():
        family = heading_font if role in HEADING_ROLES else body_font
        placeholder = {Role.TITLE: (content.title or title_slide.title), Role.BODY: content.body}.get(role)
        if placeholder is None:
            roles[role] = dataclasses.replace(style, family=family, size=style.size * scale,
                                              min_size=style.min_size * scale, color=recolour(style.color),
                                              on=recolour(style.on))
        else:
            roles[role] = _role_in_placeholder(
                role, style, placeholder, family, scale, recolour,
                _PlaceholderSite(content.background, f"{where}: layout {shown(content.layout.name)},"
                                 f" placeholder {shown(placeholder.name)}", choice, layout.fonts))
    _check_contrast(roles, layout, where)
    theme_spec = dataclasses.replace(layout.theme, colors={**layout.theme.colors, **colours})
    deck_spec = dataclasses.replace(layout.deck, roles=roles)
    return dataclasses.replace(layout, theme=theme_spec, deck=deck_spec)


def _contrast_needed(min_size: float) -> float:
    """The WCAG 2.1 contrast text as small as ``min_size`` needs."""
    return LARGE_CONTRAST if min_size >= LARGE_TEXT else NORMAL_CONTRAST


def _colour_names(layout: Layout) -> dict[str, str]:
    """Each colour value of the layout's theme to its first name (``#1F4E79`` -> ``accent``)."""
    names: dict[str, str] = {}
    for name, value in layout.theme.colors.items():
        names.setdefault(value, name)
    return names


@dataclass(frozen=True, slots=True)
class _PlaceholderSite:
    """Where a placeholder's text is drawn and how its fonts are found: the slide's background, the place an
    error names, and the template choice and font files ``measurable`` reads."""

    background: str
    where: str
    choice: TemplateChoice | None
    fonts: dict[str, textfit.FileFamily]


def _role_in_placeholder(role: Role, style: RoleStyle, placeholder: PlaceholderInfo, family: Family, scale: float,
                         recolour: Callable[[str], str], site: _PlaceholderSite) -> RoleStyle:
    """``style`` as the template's ``placeholder`` sets it: its font (else ``family``), size, weight, line
    spacing and colour (the placeholder's when it reads on the background, else the layout's), never uppercased."""
    look = placeholder.look
    if look.latin:
        family = measurable(look.latin, site.choice, site.where, site.fonts)
    size = look.size
    if role is Role.BODY and look.autofit == "normal":
        # the template lets PowerPoint shrink its body text to fit (Office's stock 32 pt bullets say so):
        # plan no larger than the layout's own body size, and write the size on every run
        size = min(size, style.size * scale)
    min_size = min(size, style.min_size * scale)
    colour = recolour(style.color)
    colour = _readable([look.color, colour], site.background,
                       NORMAL_CONTRAST if min_size < LARGE_TEXT else LARGE_CONTRAST) or colour
    return dataclasses.replace(style, family=family, size=size, min_size=min_size,
                               weight=Weight.BOLD if look.bold else Weight.REGULAR, color=colour,
                               on=recolour(style.on),
                               line_spacing=max(look.line_spacing or SINGLE_SPACING, SINGLE_SPACING * TIGHTEST_SPACING),
                               uppercase=False)


def _check_contrast(roles: dict[Role, RoleStyle], layout: Layout, where: str) -> None:
    """Raise one error listing every role whose colour does not reach WCAG 2.1 contrast on what it is drawn on."""
    problems = []
    for role, style in roles.items():
        needed = _contrast_needed(style.min_size)
        ratio = contrast_ratio(style.color, style.on)
        if ratio < needed:
            problems.append(Problem(
                f"{where}: deck.roles.{role}",
                f"the template's colours give {style.color} on {style.on}, contrast {ratio:.2f}:1, below"
                f" {needed:g}:1 (WCAG 2.1); set the colour in {layout.path} under [template.colors]"))
    if problems:
        raise LayoutError(problems)


def placeholder_role(role: RoleStyle, placeholder: PlaceholderInfo, background: str, deck: TemplateDeck
                     ) -> RoleStyle:
    """``role`` as the placeholder sets it: its font, size, weight and colour, the colour readable on the slide's
    background (the placeholder's own, else the role's, else an error naming both)."""
    look = placeholder.look
    where = f"{deck.template.where or deck.template.path}: placeholder {shown(placeholder.name)}"
    family = measurable(look.latin, deck.choice, where, deck.fonts) if look.latin else role.family
    size = look.size
    min_size = min(size, role.min_size * deck.size.h / OUR_SLIDE_HEIGHT)
    needed = _contrast_needed(min_size)
    colour = _readable([look.color, role.color, deck.template.theme.colors.get("lt1"),
                        deck.template.theme.colors.get("dk1")], background, needed)
    if colour is None:
        raise LayoutError(f"no theme colour reads on its background {background} (WCAG 2.1 {needed:g}:1); set"
                          " one under [template.colors] in the layout", where)
    return dataclasses.replace(role, family=family, size=size, min_size=min_size,
                               weight=Weight.BOLD if look.bold else Weight.REGULAR, color=colour, on=background,
                               uppercase=False)
