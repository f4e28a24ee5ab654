"""Brief x layout x fonts -> plans: every decision (wrapping, sizes, positions, continuation, omission) lives here."""

from __future__ import annotations

from hkbrief.arrange.common import Edition
from hkbrief.arrange.deck import arrange_deck
from hkbrief.arrange.page import arrange_page
from hkbrief.arrange.text import FontBook, Typesetter

__all__ = ["Edition", "FontBook", "Typesetter", "arrange_deck", "arrange_page"]
