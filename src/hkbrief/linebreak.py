"""Line breaking: where a paragraph may end a line, and which of those places make lines that fit a width.

Two steps, kept apart so that another script can be taught by adding break rules, not by touching the fitting:

1. :func:`find_breaks` lists the break opportunities of one line of text as :class:`Break` values. It implements
   the part of Unicode's line breaking algorithm (UAX #14) that English and Traditional Chinese need: breaks at
   spaces, after hyphens and dashes, between any two CJK characters, with kinsoku (no line starts with closing
   punctuation such as ``，。」）`` or ``,.;:!?)``; no line ends with opening punctuation such as ``「（`` or ``(``).
   A script with other rules (Thai needs a dictionary, Korean breaks at spaces) gets its own finder with the
   same signature, passed as ``find_breaks=``.
2. :func:`break_lines` fills lines greedily from those opportunities, then mends a stranded last line (one short
   word in English, two Han characters or fewer in Chinese) by carrying words down from the line before, when
   that line can spare them; :func:`break_lines_balanced` then narrows the measure as far as it can without
   adding a line, for titles.

Widths come from a ``measure(text) -> points`` function (``textfit.FontStack.measure(size)``); this module knows
nothing of fonts.

When in doubt, the rules do not break. PowerPoint and LibreOffice re-break the deck's text themselves; if every
break used here is one they would also allow, greedy filling here needs at least as many lines as theirs, so a
frame sized from these lines does not overflow there. Hence no breaks next to quotation marks unless there is a
space (UAX #14 rule LB19), none before ``%`` or after a currency sign, and none at soft hyphens (there is no
hyphenation dictionary: a word is kept whole, or cut between characters when it cannot fit a line at all).
"""

from __future__ import annotations

import math
import re
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable
from enum import StrEnum
from functools import cache, lru_cache
from typing import NamedTuple

from hkbrief.errors import FitError

Measure = Callable[[str], float]
"""Width of a text in points. Extending a text must never make it narrower (true of advance widths)."""

HARD_BREAK = re.compile("\r\n|[\n\r\v\u2028\u2029]")

ZERO_WIDTH_JOINER = "\u200d"


class CharClass(StrEnum):
    """How a character takes part in line breaking (a coarse grouping of UAX #14's classes)."""

    SPACE = "space"  # breakable white space: a line may end before it, and it is dropped there
    GLUE = "glue"  # no-break space, word joiner, non-breaking hyphen: never break on either side
    EXTEND = "extend"  # combining marks, variation selectors: stay with the character before
    JOINER = "joiner"  # zero width joiner: stays with the characters on both sides
    OPEN = "open"  # opening brackets, currency signs: no line ends with one
    CLOSE = "close"  # closing brackets, commas, stops, percent: no line starts with one
    OPEN_QUOTE = "open-quote"  # no line ends with one, and no break touches one unless at a space
    CLOSE_QUOTE = "close-quote"  # no line starts with one, and no break touches one unless at a space
    QUOTE = "quote"  # ASCII quotation marks, either way round: no break touches one unless at a space
    HYPHEN = "hyphen"  # hyphen-minus: a break after it between letters ("well-known", not "-5" or "2020-21")
    BREAK_AFTER = "break-after"  # hyphen, en dash: a break after it
    DASH = "dash"  # em dash, horizontal bar: a break before or after, never between two
    SLASH = "slash"  # a break after it only when asked (paths and URLs)
    OTHER = "other"  # letters, digits, symbols: no break inside a run of them


OPENING = frozenset(
    "([{\u00a1\u00bf$\u00a3\u00a5\u20ac"  # ( [ { ¡ ¿ $ £ ¥ €
    "\u3008\u300a\u300c\u300e\u3010\u3014\u3016\u3018\u301a\u301d"  # 〈 《 「 『 【 〔 〖 〘 〚 〝
    "\ufe59\ufe5b\ufe5d"  # small ﹙ ﹛ ﹝
    "\uff04\uff08\uff3b\uff5b\uff5f\uff62\uffe1\uffe5"  # ＄ （ ［ ｛ ｟ ｢ ￡ ￥
)
CLOSING = frozenset(
    ")]},.;:!?%\u00b0\u00b7"  # ) ] } , . ; : ! ? % ° ·
    "\u2025\u2026\u2027\u2030\u2032\u2033\u203c\u2047\u2048\u2049\u2103"  # ‥ … ‧ ‰ ′ ″ ‼ ⁇ ⁈ ⁉ ℃
    "\u3001\u3002\u3003\u3005\u3009\u300b\u300d\u300f\u3011\u3015\u3017\u3019\u301b\u301c\u301e\u301f\u303b"
    "\u3041\u3043\u3045\u3047\u3049\u3063\u3083\u3085\u3087\u308e\u3095\u3096"  # small hiragana
    "\u309b\u309c\u309d\u309e\u30a0"  # ゛ ゜ ゝ ゞ ゠
    "\u30a1\u30a3\u30a5\u30a7\u30a9\u30c3\u30e3\u30e5\u30e7\u30ee\u30f5\u30f6"  # small katakana
    "\u30fb\u30fc\u30fd\u30fe"  # ・ ー ヽ ヾ
    "\u31f0\u31f1\u31f2\u31f3\u31f4\u31f5\u31f6\u31f7\u31f8\u31f9\u31fa\u31fb\u31fc\u31fd\u31fe\u31ff"
    "\ufe50\ufe51\ufe52\ufe54\ufe55\ufe56\ufe57\ufe5a\ufe5c\ufe5e"  # small ﹐ ﹑ ﹒ ﹔ ﹕ ﹖ ﹗ ﹚ ﹜ ﹞
    "\uff01\uff05\uff09\uff0c\uff0e\uff1a\uff1b\uff1f\uff3d\uff5d\uff5e\uff60"  # ！ ％ ） ， ． ： ； ？ ］ ｝ ～ ｠
    "\uff61\uff63\uff64\uff65\uff70\uff9e\uff9f"  # halfwidth ｡ ｣ ､ ･ ｰ ﾞ ﾟ
)
OPENING_QUOTES = frozenset("\u00ab\u2018\u201a\u201b\u201c\u201e\u201f\u2039")  # « ‘ ‚ ‛ “ „ ‟ ‹
CLOSING_QUOTES = frozenset("\u00bb\u2019\u201d\u203a")  # » ’ ” ›
AMBIGUOUS_QUOTES = frozenset("\"'")
BREAKABLE_SPACES = frozenset("\t \u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u200b\u205f")
GLUE_CHARACTERS = frozenset("\u00a0\u2007\u2011\u202f\u2060\ufeff")
BREAK_AFTER_CHARACTERS = frozenset("\u2010\u2012\u2013")  # ‐ ‒ –
DASHES = frozenset("\u2014\u2015\u2e3a\u2e3b")  # — ― ⸺ ⸻

# Ideographs (CJK unified, extension A, compatibility, and the supplementary ideographic planes): plain
# characters of UAX #14's class ID, never punctuation, so a line may end between any two of them.
IDEOGRAPH_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))

FIRST_WIDE = "\u2e80"  # no character before it is wide (see WIDE_RANGES)

# Code point ranges whose characters may be broken before and after (ideographs, kana, bopomofo, CJK
# punctuation and fullwidth forms), subject to kinsoku. Hangul is left out: Korean breaks at spaces.
WIDE_RANGES = (
    (0x2E80, 0x2FFF),  # CJK radicals, Kangxi radicals, ideographic description characters
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3040, 0x30FF),  # hiragana, katakana
    (0x3100, 0x312F),  # bopomofo
    (0x3190, 0x31FF),  # kanbun, bopomofo extended, CJK strokes, katakana phonetic extensions
    (0x3200, 0x33FF),  # enclosed CJK letters, CJK compatibility
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFE50, 0xFE6F),  # small form variants
    (0xFF00, 0xFF60),  # fullwidth ASCII and brackets
    (0xFF61, 0xFF9F),  # halfwidth CJK punctuation and katakana
    (0xFFE0, 0xFFE6),  # fullwidth signs
    (0x1B000, 0x1B16F),  # kana supplement and extensions
    (0x1F200, 0x1F2FF),  # enclosed ideographic supplement
    (0x20000, 0x3FFFF),  # CJK extensions B onwards (supplementary and tertiary ideographic planes)
)


def is_wide(ch: str) -> bool:
    """Whether ``ch`` is a CJK character that allows a line break on either side of it."""
    if ch < FIRST_WIDE:
        return False
    code_point = ord(ch)
    return any(first <= code_point <= last for first, last in WIDE_RANGES)


_PROPERTIES: dict[str, tuple[CharClass, bool]] = {}


def char_properties(ch: str) -> tuple[CharClass, bool]:
    """``(char_class(ch), is_wide(ch))``, remembered: each distinct character is classified once."""
    known = _PROPERTIES.get(ch)
    if known is None:
        known = _PROPERTIES[ch] = (_classify(ch), is_wide(ch))
    return known


def char_class(ch: str) -> CharClass:
    """The :class:`CharClass` of one character."""
    return char_properties(ch)[0]


def _classify(ch: str) -> CharClass:
    if ch in BREAKABLE_SPACES:
        return CharClass.SPACE
    if ch in GLUE_CHARACTERS:
        return CharClass.GLUE
    if ch == ZERO_WIDTH_JOINER:
        return CharClass.JOINER
    if ch in OPENING:
        return CharClass.OPEN
    if ch in CLOSING:
        return CharClass.CLOSE
    if ch in OPENING_QUOTES:
        return CharClass.OPEN_QUOTE
    if ch in CLOSING_QUOTES:
        return CharClass.CLOSE_QUOTE
    if ch in AMBIGUOUS_QUOTES:
        return CharClass.QUOTE
    if ch == "-":
        return CharClass.HYPHEN
    if ch in BREAK_AFTER_CHARACTERS:
        return CharClass.BREAK_AFTER
    if ch in DASHES:
        return CharClass.DASH
    if ch == "/":
        return CharClass.SLASH
    if _is_extending(ch):
        return CharClass.EXTEND
    return CharClass.OTHER


def _is_extending(ch: str) -> bool:
    """Characters that belong to the one before: combining marks, selectors, joiners, skin tones, tags."""
    code_point = ord(ch)
    return (
        unicodedata.category(ch) in ("Mn", "Mc", "Me")
        or ch == "\u200c"
        or 0x1F3FB <= code_point <= 0x1F3FF
        or 0xE0020 <= code_point <= 0xE007F
    )


class Break(NamedTuple):
    """A place a line may end: the line keeps ``text[:end]``, the next line starts at ``text[resume:]``.

    ``text[end:resume]`` is the white space at the break, which no line shows.
    """

    end: int
    resume: int


BreakFinder = Callable[[str], list[Break]]


def _character_set(characters: Iterable[str], ranges: Iterable[tuple[int, int]] = ()) -> str:
    """A regular expression character class of ``characters`` and code point ``ranges``."""
    parts = [re.escape(ch) for ch in sorted(characters)]
    parts += [f"{re.escape(chr(first))}-{re.escape(chr(last))}" for first, last in ranges]
    return "[" + "".join(parts) + "]"


@cache
def _break_candidates() -> re.Pattern[str]:
    """Runs of breakable space, runs of ideographs, or one character a break can sit next to without a space.

    The scan looks at nothing else, so a Latin word costs one regular expression step, not a step per letter,
    and a run of Han characters one step, with a break between each two.
    Compiled on first use (~1 ms) so commands that never break lines do not pay for it.
    """
    return re.compile(
        f"({_character_set(BREAKABLE_SPACES)}+)"
        f"|({_character_set((), IDEOGRAPH_RANGES)}{{2,}})"
        f"|{_character_set({'-', '/'} | BREAK_AFTER_CHARACTERS | DASHES, WIDE_RANGES)}"
    )


def find_breaks(text: str, *, break_after_slash: bool = False) -> list[Break]:
    """Break opportunities in one line of text (no hard line breaks), in order.

    White space at the end of ``text`` is reported as a break whose line ends before it, so trailing spaces are
    dropped; white space at the start is kept. Kinsoku vetoes any break that would start a line with closing
    punctuation or end one with opening punctuation.
    """
    return list(_breaks(text, break_after_slash))


@lru_cache(maxsize=4096)
def _breaks(text: str, break_after_slash: bool) -> tuple[Break, ...]:
    """:func:`find_breaks`, remembered: arranging sets the same paragraph at several sizes and widths (shrinking,
    continuing, balancing titles, fitting the one-pager), and its break opportunities never change."""
    breaks: list[Break] = []
    length = len(text)
    checked = 0
    for match in _break_candidates().finditer(text):
        first, last = match.span()
        if match.lastindex == 1:  # a run of breakable space
            if last == length or (first > 0 and _space_may_break(text[first - 1], text[last])):
                breaks.append(Break(first, last))
            continue
        for boundary in (first, last):
            if checked < boundary < length and char_class(text[boundary - 1]) is not CharClass.SPACE:
                checked = boundary
                if char_class(text[boundary]) is not CharClass.SPACE and _may_break_before(
                    text, boundary, break_after_slash
                ):
                    breaks.append(Break(boundary, boundary))
            if boundary == first and match.lastindex == 2:  # a line may end between any two ideographs
                breaks.extend(Break(position, position) for position in range(first + 1, last))
                checked = last - 1
    return tuple(breaks)


_find_breaks = find_breaks  # the default finder, whose results break_lines may take from the cache


NO_LINE_END = frozenset({CharClass.OPEN, CharClass.OPEN_QUOTE})
NO_LINE_START = frozenset({CharClass.CLOSE, CharClass.CLOSE_QUOTE, CharClass.EXTEND})
NO_BREAK_BEFORE = NO_LINE_START | {CharClass.GLUE, CharClass.JOINER, CharClass.QUOTE, CharClass.OPEN_QUOTE}
NO_BREAK_AFTER = NO_LINE_END | {CharClass.GLUE, CharClass.JOINER, CharClass.QUOTE, CharClass.CLOSE_QUOTE}


def _space_may_break(before: str, after: str) -> bool:
    return char_class(before) not in NO_LINE_END and char_class(after) not in NO_LINE_START


def _may_break_before(text: str, position: int, break_after_slash: bool) -> bool:
    """Whether a line may end before ``text[position]``, neither it nor the character before being a space."""
    before, before_wide = char_properties(text[position - 1])
    after, after_wide = char_properties(text[position])
    if after in NO_BREAK_BEFORE or before in NO_BREAK_AFTER:
        return False
    if before is CharClass.DASH and after is CharClass.DASH:
        return False
    if before_wide or after_wide:
        return True
    if before is CharClass.DASH or after is CharClass.DASH:
        return True
    word_before = position > 1 and char_class(text[position - 2]) is not CharClass.SPACE
    if before is CharClass.BREAK_AFTER:
        return word_before
    if before is CharClass.HYPHEN:
        return word_before and text[position - 2].isalnum() and text[position].isalpha()
    if before is CharClass.SLASH:
        return break_after_slash and word_before
    return False


def cluster_boundaries(text: str, start: int, stop: int) -> list[int]:
    """Positions in ``(start, stop]`` where ``text`` may be cut inside a word without splitting a character
    from its combining marks or an emoji sequence."""
    boundaries = []
    for position in range(start + 1, stop):
        kind = char_class(text[position])
        if kind is CharClass.EXTEND or kind is CharClass.JOINER or text[position - 1] == ZERO_WIDTH_JOINER:
            continue
        boundaries.append(position)
    boundaries.append(stop)
    return boundaries


class CharacterTooWideError(FitError):
    """One character (with its combining marks) is wider than the whole line, so no breaking can make it fit."""

    def __init__(self, character: str, width: float, max_width: float, where: str = "") -> None:
        self.character = character
        self.width = width
        self.max_width = max_width
        super().__init__(
            f"{character!r} is {width:.2f} pt wide, more than the {max_width:.2f} pt the line allows", where
        )


def split_paragraph(text: str) -> list[str]:
    """The hard lines of a paragraph: split at ``\\n``, ``\\r\\n``, ``\\r``, vertical tab (python-pptx's line
    break) and the Unicode line and paragraph separators."""
    return HARD_BREAK.split(text)


def break_lines(
    text: str,
    max_width: float,
    measure: Measure,
    *,
    find_breaks: BreakFinder = find_breaks,
    mend_last_line: bool = True,
) -> list[str]:
    """Break a paragraph into lines no wider than ``max_width`` points, filling each line as far as it goes.

    Every hard line break in ``text`` ends a line; an empty hard line gives an empty line. Lines end only at
    break opportunities (see :func:`find_breaks`); the white space at a break is dropped and nothing else is
    dropped, added or reordered. A word too long for a line is cut between characters (never between a
    character and its combining marks), preferring a cut that respects kinsoku. Every line measures at most
    ``max_width``; if a single character is itself wider, :class:`CharacterTooWideError` (a ``FitError``) is
    raised rather than return a line that overflows.

    ``measure`` need not be additive (kerning, say): candidate lines are estimated from the widths of their
    pieces, and each chosen line is measured whole before it is accepted.

    Unless ``mend_last_line`` is false, a stranded last line (see :func:`is_stranded`) takes words from the line
    before when that line can spare them (:func:`_mend_last_line`); the number of lines stays the same.

    To break one paragraph at several widths, measure it once: :class:`MeasuredParagraph`.
    """
    return MeasuredParagraph(text, measure, find_breaks=find_breaks).break_lines(max_width,
                                                                                  mend_last_line=mend_last_line)


class MeasuredParagraph:
    """A paragraph's hard lines, their break opportunities and the widths of the pieces between them: all that
    greedy filling needs which does not depend on the width or the size, found once.

    Arranging breaks the same paragraph at many widths and sizes (the one-pager's column shares and scales, a
    title's balancing search, a frame's shrinking), and measuring every piece again each time was most of what
    breaking cost. The pieces are measured at one size; set at ``scale`` times it, their widths are that many
    times larger (advance widths are), and each line's furthest candidate break is found by bisecting their
    running widths, not by stepping through every break (every character, in Chinese). Only the line chosen is
    measured whole, at the size it is set.
    """

    __slots__ = ("text", "measure", "_lines")

    def __init__(self, text: str, measure: Measure, *, find_breaks: BreakFinder = find_breaks) -> None:
        """``text`` measured with ``measure`` (at one size), its breaks found by ``find_breaks``."""
        self.text = text
        self.measure = measure
        cached = _remembering(measure)  # while measuring: a piece that recurs ("the", "，") is measured once
        self._lines = [_HardLine(hard_line, cached,
                                 _breaks(hard_line, False) if find_breaks is _find_breaks else find_breaks(hard_line))
                       for hard_line in split_paragraph(text)]

    def break_lines(self, max_width: float, measure: Measure | None = None, scale: float = 1.0, *,
                    mend_last_line: bool = True) -> list[str]:
        """:func:`break_lines` of the paragraph at ``max_width``, set at ``scale`` times the size it was measured
        at, where ``measure`` gives widths (by default, at the size it was measured at)."""
        _check_width(max_width)
        at = _Scaled(self.measure, measure or self.measure, scale)
        lines: list[str] = []
        for hard in self._lines:
            lines.extend(hard.mended(max_width, at) if mend_last_line else hard.fill(max_width, at))
        return lines

    def line_count(self, max_width: float, measure: Measure | None = None, scale: float = 1.0) -> int:
        """How many lines :meth:`break_lines` gives (mending a last line never changes how many)."""
        _check_width(max_width)
        at = _Scaled(self.measure, measure or self.measure, scale)
        return sum(len(hard.fill(max_width, at)) for hard in self._lines)

    def break_lines_balanced(self, max_width: float, measure: Measure | None = None, scale: float = 1.0, *,
                             tolerance: float = 0.01) -> list[str]:
        """:func:`break_lines_balanced` of the paragraph at ``max_width`` (``measure`` and ``scale`` as for
        :meth:`break_lines`)."""
        if math.isinf(max_width):
            raise ValueError(f"max_width must be a positive, finite number of points, not {max_width!r}")
        _check_width(max_width)
        at = _Scaled(self.measure, measure or self.measure, scale)
        lines: list[str] = []
        for hard in self._lines:
            lines.extend(_balance(hard, max_width, at, tolerance))
        return lines


def _check_width(max_width: float) -> None:
    if not max_width > 0:
        raise ValueError(f"max_width must be a positive number of points, not {max_width!r}")


class _Scaled(NamedTuple):
    """How a :class:`MeasuredParagraph` is being set: ``measure`` at the size set, which is ``scale`` times the
    size its pieces were measured at with ``reference``."""

    reference: Measure
    measure: Measure
    scale: float


class _HardLine:
    """One hard line of a :class:`MeasuredParagraph`: where its breaks end and resume (with one at its end) and
    its running widths, kept unboxed (a long brief keeps thousands of paragraphs measured).

    ``ends[k]`` is the width from the line's start to break ``k``'s end, the white space at earlier breaks
    included, so a line from break ``first`` to break ``k`` is estimated as its first piece's width plus
    ``ends[k] - ends[first]``.
    """

    __slots__ = ("text", "pieces", "_stops", "_resumes", "_ends", "_count")

    def __init__(self, text: str, cached: Measure, breaks: list[Break] | tuple[Break, ...]) -> None:
        self.text = text
        self._count = len(breaks)  # the finder's own, before the one added at the end
        if not breaks or breaks[-1].resume != len(text):
            breaks = [*breaks, Break(len(text), len(text))]
        self._stops = array("q", [item.end for item in breaks])
        self._resumes = array("q", [item.resume for item in breaks])
        pieces = array("d")
        ends = array("d")
        running = 0.0
        previous_resume = 0
        for item in breaks:
            piece = cached(text[previous_resume : item.end])
            pieces.append(piece)
            running += piece
            ends.append(running)
            if item.resume > item.end:
                running += cached(text[item.end : item.resume])
            previous_resume = item.resume
        self.pieces = pieces  # the width of each piece between breaks, at the size measured
        self._ends = ends

    @property
    def breaks(self) -> list[Break]:
        """The break opportunities the finder gave."""
        return [Break(end, resume) for end, resume in zip(self._stops[: self._count], self._resumes)]

    def piece_texts(self) -> list[str]:
        """The text of each piece between breaks."""
        starts = [0, *self._resumes[:-1]]
        return [self.text[start:stop] for start, stop in zip(starts, self._stops)]

    def mended(self, max_width: float, at: _Scaled) -> list[str]:
        """Greedy first fit at ``max_width``, a stranded last line mended (:func:`_mend_last_line`; the breaks
        are only looked at when the last line is stranded)."""
        filled = self.fill(max_width, at)
        if len(filled) > 1 and is_stranded(filled[-1]):
            filled = _mend_last_line(self.text, filled, self.breaks, max_width, at.measure)
        return filled

    def fill(self, max_width: float, at: _Scaled) -> list[str]:
        """Greedy first fit at ``max_width``."""
        text = self.text
        stops, resumes = self._stops, self._resumes
        ends = self._ends
        measure = at.measure
        limit = max_width / at.scale  # the width in the units the pieces were measured in
        count = len(stops)
        lines: list[str] = []
        start = 0
        first = 0
        resumed = True  # the line starts where break ``first - 1`` resumes, not inside a cut word
        while first < count:
            head = self.pieces[first] if resumed else at.reference(text[start : stops[first]])
            # the furthest break whose estimate fits, then back from it to the first whose whole line does
            furthest = bisect_right(ends, limit - head + ends[first], first) - 1
            chosen = furthest
            while chosen >= first and measure(text[start : stops[chosen]]) > max_width:
                chosen -= 1
            if chosen < first:
                cut = _cut_word(text, start, stops[first], max_width, measure)
                lines.append(text[start : cut.end])
                start = cut.resume
                resumed = False
                continue
            lines.append(text[start : stops[chosen]])
            start = resumes[chosen]
            first = chosen + 1
            resumed = True
        return lines


def _remembering(measure: Measure) -> Measure:
    """``measure``, remembering each piece's width for as long as one paragraph is being broken."""
    widths: dict[str, float] = {}

    def cached(piece: str) -> float:
        width = widths.get(piece)
        if width is None:
            width = widths[piece] = measure(piece)
        return width

    return cached


SHORT_WORD = 10  # characters: a last line of one word this short looks stranded at a slide's or column's measure
SHORT_HAN = 2  # Han characters: a last line of this few (plus punctuation) looks stranded


def is_stranded(line: str) -> bool:
    """Whether a paragraph's last line is too slight to stand alone: one word of at most ``SHORT_WORD``
    characters, or at most ``SHORT_HAN`` Han characters, not counting punctuation."""
    stripped = line.strip()
    if _has_space(stripped) and max(stripped) < FIRST_WIDE:
        # words on a line of their own (the common case, settled without classifying every character): stranded
        # only if it holds nothing but punctuation
        return not any(not ch.isspace() and not unicodedata.category(ch).startswith("P") for ch in stripped)
    if sum(1 for ch in stripped[:4 * SHORT_HAN + 8] if _is_ideograph(ch)) > SHORT_HAN:
        return False  # more Han characters than a stranded line holds (ideographs are never punctuation)
    core = "".join(ch for ch in line if not ch.isspace() and not unicodedata.category(ch).startswith("P"))
    if not core:
        return bool(line.strip())
    wide = sum(1 for ch in core if is_wide(ch))
    if wide:
        return wide == len(core) and wide <= SHORT_HAN
    return not any(ch.isspace() for ch in line.strip()) and len(core) <= SHORT_WORD


_SPACE = re.compile(r"\s")


def _has_space(text: str) -> bool:
    return _SPACE.search(text) is not None


def _is_ideograph(ch: str) -> bool:
    code_point = ord(ch)
    return any(first <= code_point <= last for first, last in IDEOGRAPH_RANGES)


def _mend_last_line(text: str, lines: list[str], breaks, max_width: float, measure: Measure) -> list[str]:
    """Carry the fewest words (or characters) from the second-last line down to a stranded last line, so long
    as the last line still fits and the line before is not left stranded itself. The number of lines never
    changes, so nothing that was measured from them moves."""
    if len(lines) < 2 or not is_stranded(lines[-1]):
        return lines
    position = 0
    starts = []
    for line in lines:
        found = text.find(line, position)
        if found < 0:
            return lines
        starts.append(found)
        position = found + len(line)
    start, end = starts[-2], starts[-2] + len(lines[-2])
    inside = [b for b in breaks if start < b.end < end]
    # between words rather than after a hyphen ("start-" / "ups grow"), where the line has spaces
    spaced = [b for b in inside if b.resume > b.end]
    for item in reversed(spaced or inside):
        head, tail = text[start:item.end], text[item.resume:starts[-1] + len(lines[-1])]
        if measure(tail) > max_width:
            break
        if is_stranded(tail):
            continue
        if is_stranded(head):
            break
        return lines[:-2] + [head, tail]
    return lines


def _cut_word(text: str, start: int, stop: int, max_width: float, measure: Measure) -> Break:
    """Where to cut ``text[start:stop]``, a piece too wide for a line: the furthest cluster boundary that fits,
    moved back where possible so that kinsoku holds. A cut that lands on white space (which kinsoku had kept
    from being a break) drops it like any break."""
    boundaries = cluster_boundaries(text, start, stop)
    if measure(text[start : boundaries[0]]) > max_width:
        cluster = text[start : boundaries[0]]
        raise CharacterTooWideError(cluster, measure(cluster), max_width)
    low, high = 0, len(boundaries) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[start : boundaries[middle]]) <= max_width:
            low = middle
        else:
            high = middle - 1
    for index in range(low, -1, -1):
        cut = _cut_at(text, start, boundaries[index], stop)
        if char_class(text[cut.end - 1]) not in NO_LINE_END and char_class(text[cut.resume]) not in NO_LINE_START:
            return cut
    return _cut_at(text, start, boundaries[low], stop)


def _cut_at(text: str, start: int, position: int, stop: int) -> Break:
    """A break at ``position`` inside a piece, with any white space around it dropped (unless that would leave
    the line empty)."""
    end = position
    while end > start and char_class(text[end - 1]) is CharClass.SPACE:
        end -= 1
    resume = position
    while resume < stop and char_class(text[resume]) is CharClass.SPACE:
        resume += 1
    return Break(position, position) if end == start else Break(end, resume)


def break_lines_balanced(
    text: str,
    max_width: float,
    measure: Measure,
    *,
    find_breaks: BreakFinder = find_breaks,
    tolerance: float = 0.01,
) -> list[str]:
    """Lines as :func:`break_lines` would give, but at the narrowest width that needs no more lines.

    For titles: "Hong Kong's new talent scheme, explained" becomes two even lines instead of a full line and a
    lonely "explained". Each hard line is balanced on its own. The narrowest width is searched down to
    ``tolerance`` points, never below the widest unbreakable piece (so balancing never cuts a word that greedy
    filling would have kept whole).
    """
    return MeasuredParagraph(text, measure, find_breaks=find_breaks).break_lines_balanced(max_width,
                                                                                           tolerance=tolerance)


def _balance(hard: _HardLine, max_width: float, at: _Scaled, tolerance: float) -> list[str]:
    greedy = hard.mended(max_width, at)
    if len(greedy) < 2:
        return greedy
    widest_piece = max(at.measure(piece) for piece in hard.piece_texts())

    def count(width: float) -> int:
        """How many lines greedy filling gives at ``width`` (mending a last line never changes how many)."""
        return len(hard.fill(width, at))

    low = min(max_width, widest_piece)
    if count(low) <= len(greedy):
        return hard.mended(low, at)
    high = max_width
    narrowest_fitting = None
    while high - low > tolerance:
        middle = (low + high) / 2
        if count(middle) <= len(greedy):
            high = narrowest_fitting = middle
        else:
            low = middle
    return greedy if narrowest_fitting is None else hard.mended(narrowest_fitting, at)
