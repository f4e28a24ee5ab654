"""The deck's own master and theme, decided from the layout and the slides already planned.

Without a template the deck is built on python-pptx's stock package, whose master is the generic Office theme
(colours 1F497D, 4F81BD..., Calibri, a centred black title): a slide a user adds in PowerPoint came out off-brand.
The master look gives the theme the layout's colours and fonts and the master the planned title and body styles,
with the title placeholder where the planned content slides put theirs.
"""

from __future__ import annotations

import dataclasses

from hkbrief.layoutspec import Layout, Role, family_name
from hkbrief.plan import THEME_COLOR_SLOTS, DeckBase, DeckPlan, Frame, FrameRole, MasterLook, TextStyle

# Which layout colour fills which theme slot: text on background (tx1/bg1), the accent as the second dark colour
# and first accent (headings, rules), the card surface as the second light colour; the rest of the layout's
# colours fill the remaining accents so that PowerPoint's colour picker offers the brand's colours only.
_SLOT_SOURCES = {
    "dk1": ("text",),
    "lt1": ("background",),
    "dk2": ("accent", "text"),
    "lt2": ("surface", "background"),
    "accent1": ("accent",),
    "accent2": ("highlight", "accent"),
    "accent3": ("muted",),
    "accent4": ("rule", "muted"),
    "accent5": ("surface", "background"),
    "accent6": ("text",),
    "hlink": ("accent",),
    "folHlink": ("muted",),
}


def with_master_look(deck: DeckPlan, layout: Layout) -> DeckPlan:
    """``deck`` with its base's master look set from ``layout`` and the deck's first content slide."""
    return dataclasses.replace(deck, base=DeckBase(deck.base.template_file, master_look(deck, layout)))


def master_look(deck: DeckPlan, layout: Layout) -> MasterLook:
    """The slide master's theme, fonts and title and body styles, taken from ``layout`` and the deck's first
    content slide (so text typed into a new slide looks like the deck's)."""
    colors = layout.theme.colors
    slots = tuple((slot, next(colors[name] for name in _SLOT_SOURCES[slot] if name in colors))
                  for slot in THEME_COLOR_SLOTS)
    roles = layout.deck.roles
    title_frame = _first_content_title(deck)
    body_frame = _first_body(deck)
    title_style = title_frame.paragraphs[0].style if title_frame is not None else None
    body_style = body_frame.paragraphs[0].style if body_frame is not None else None
    fallback_title = _first_title(deck)
    if title_style is None and fallback_title is not None:
        title_style = fallback_title.paragraphs[0].style
    if title_style is None or body_style is None:
        raise ValueError("the deck has no title or body text to take the master's styles from")
    return MasterLook(
        theme_name=f"hkbrief {layout.name}",
        colors=slots,
        heading_font=family_name(roles[Role.TITLE].family),
        body_font=family_name(roles[Role.BODY].family),
        east_asian_font=family_name(layout.theme.east_asian_family),
        background=colors["background"],
        title=_plain(title_style),
        body=_plain(body_style),
        title_box=title_frame.box if title_frame is not None else None,
        body_box=body_frame.box,
        title_align=title_style.align,
        title_valign=title_frame.valign if title_frame is not None else fallback_title.valign,
    )


def _plain(style: TextStyle) -> TextStyle:
    """``style`` with its paragraph spacing set to zero, as the master's title and body styles take it."""
    return dataclasses.replace(style, space_before=0.0, space_after=0.0)


def _first_content_title(deck: DeckPlan) -> Frame | None:
    """The title of the first slide that is neither the title slide nor the closing one."""
    for slide in deck.slides[1:-1] or deck.slides:
        for frame in slide.frames:
            if frame.role is FrameRole.TITLE and frame.paragraphs:
                return frame
    return None


def _first_title(deck: DeckPlan) -> Frame | None:
    """The first slide title with text on any slide: the fallback when no content slide has one."""
    return next((frame for slide in deck.slides for frame in slide.frames
                 if frame.role is FrameRole.TITLE and frame.paragraphs), None)


def _first_body(deck: DeckPlan) -> Frame | None:
    """The first bulleted text: a section's body."""
    for slide in deck.slides:
        for frame in slide.frames:
            if frame.role is FrameRole.TEXT and frame.paragraphs and frame.paragraphs[0].bullet:
                return frame
    return None
