"""Setting text into frames: sizes, line breaks, baselines, shrinking and continuation.

Everything here is measured with the bundled fonts' metrics (the same fonts the PDF embeds, and metric clones
of the Office fonts the deck names), so the plan knows each frame's height before anything is written.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import NamedTuple

from hkbrief import linebreak, textfit
from hkbrief.arrange.bilingual import Versions
from hkbrief.errors import FitError, Problem
from hkbrief.geometry import Box, Insets
from hkbrief.layoutspec import FitPolicy, FontStyle, RoleStyle, Weight
from hkbrief.model import Language
from hkbrief.plan import Align, Face, Frame, FrameRole, Line, Name, Paragraph, Span, TextField, TextStyle, VAlign

# PowerPoint and LibreOffice re-break the deck's lines with their own engines; planning against a slightly
# narrower measure keeps their lines no longer than ours.
WRAP_SAFETY = 0.965
# A frame's content may use this much of its height; the rest absorbs rounding in other renderers.
HEIGHT_SAFETY = 0.98
# Sizes step down by half a point when text is shrunk to fit: finer steps look no different and cost time.
SHRINK_STEP = 0.5
# Text set at a fixed width grows in height about as its size to this power (its lines get taller, and more of
# them as fewer words fit each, but a short paragraph keeps its one line): what :meth:`Typesetter.fit` guesses
# its first size from. Of 1.5, 2, 2.5 and 3, measured on 12,451 fits (the example, the stress brief and the
# starter cut down at random, every built-in layout and edition), 1.5 needed the fewest settings.
TEXT_HEIGHT_EXPONENT = 1.5
# Once a guess does not fit, the next is made from how the height fell between the full size and that guess,
# an exponent kept within this range: a title's one line per language falls as the size (1), a long
# paragraph's faster, and two settings that break alike say too little to trust beyond it.
HEIGHT_EXPONENT_RANGE = (0.75, 3.0)
# Line breaks a typesetter remembers before it starts over: far more than a brief's paragraphs at a few sizes,
# and a few MB at most.
BREAKS_REMEMBERED = 20_000
# Line breaks in the bundled fonts, shared by every typesetter in the process: a bundled font never changes, so
# what one build found holds for the next (a watch session's rebuild after a one-word edit, a batch of briefs
# that share their organisation, sources and boilerplate). A layout's own font files may change between builds,
# so breaks in them stay with one build's typesetter.
_bundled_breaks: dict[tuple, tuple] = {}
_bundled_measured: dict[tuple, _Measured] = {}  # paragraphs measured in them, likewise
# Paragraphs measured for breaking that a typesetter (and the bundled fonts' cache) keeps before starting over:
# a paragraph is broken at its many widths and sizes within a few slides' or one page's fitting, and each one
# kept costs about 2 KB (a 1,000-slide brief measures 8,000).
MEASURED_REMEMBERED = 4_096
# The size paragraphs are measured at for breaking (:class:`linebreak.MeasuredParagraph`): set at any other, its
# pieces are that many times wider. One point, so a size is its own scale.
MEASURED_SIZE = 1.0
# A bullet's hanging indent, in multiples of the font size: room for the bullet and a space.
BULLET_INDENT_EM = 1.1


# Space above a paragraph's second-language version in a bilingual edition, in multiples of its size: the pair
# reads as one item, closer together than two bullets.
SECOND_LANGUAGE_SPACE_EM = 0.15


def stacked(paras: list[Para]) -> list[Para]:
    """Each paragraph of :class:`Versions` as two: its first language, then its second under it (indented
    under a bullet, without one). Plain paragraphs, and paragraphs already stacked, are left as they are."""
    if not any(isinstance(para.text, Versions) for para in paras):
        return paras
    out: list[Para] = []
    for para in paras:
        text = para.text
        if not isinstance(text, Versions):
            out.append(para)
            continue
        out.append(replace(para, text=str(text)))
        out.append(replace(para, text=text.second, lang=text.second_lang, bullet=None,
                           hang=para.hang or para.bullet is not None, space_before_em=SECOND_LANGUAGE_SPACE_EM,
                           field=None, follows=True))
    return out


# Han ideographs (the BMP blocks, compatibility ideographs, and the supplementary planes where HKSCS and Ext-B
# characters such as 𨋢 live) and CJK punctuation.
_HAN = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")


def language_tag(text: str, language: Language) -> str:
    """The language a paragraph's run is tagged with: Han text is Traditional Chinese as used in Hong Kong
    (``zh-HK``) whatever the brief's language says, because the tag decides the glyph forms a viewer draws (a Han
    run tagged ``en-GB`` comes out in LibreOffice's Japanese font); other text keeps its edition's language."""
    if language is not Language.ZH_HANT and _HAN.search(text):
        return Language.ZH_HANT.office_tag
    return language.office_tag


@dataclass(frozen=True, slots=True)
class Para:
    """A paragraph to set: its text, role style, language, and how it sits among its neighbours."""

    text: str
    role: RoleStyle
    lang: Language = Language.EN
    bullet: str | None = None
    space_before_em: float = 0.0  # in multiples of the paragraph's font size (the plan's TextStyle has points)
    align: Align = Align.LEFT
    balance: bool = False  # break evenly (titles), instead of greedily
    one_line: bool = False  # prefer a smaller size (down to the minimum) to breaking: stat values
    size_cap: float | None = None  # never larger than this (to match neighbours, e.g. values on one slide)
    field: TextField | None = None  # the deck keeps it live (slide number)
    hang: bool = False  # indented as far as a bullet's text, without a bullet (a bullet's second language)
    follows: bool = False  # the second-language version of the paragraph before: continued together with it


def too_long(setting: SetText, height: float) -> str:
    """How much text set as ``setting`` overflows ``height``, as a writer can act on it: the points, the lines and
    about how many characters to cut (at the setting's own line height and characters per line)."""
    overflow = setting.height - height * HEIGHT_SAFETY
    lines = [line for paragraph in setting.paragraphs for line in paragraph.lines]
    if not lines:
        return f"{overflow:.1f} pt too tall"
    line_height = max(paragraph.style.line_height for paragraph in setting.paragraphs)
    cut_lines = max(1, math.ceil(overflow / line_height - 1e-9))
    characters = sum(len(paragraph.text) for paragraph in setting.paragraphs)
    cut_characters = math.ceil(cut_lines * characters / len(lines))
    return (f"{overflow:.1f} pt too tall: cut about {cut_lines:,} line{'s' if cut_lines > 1 else ''} "
            f"({cut_characters:,} characters) of {len(lines):,}")


@dataclass(frozen=True, slots=True)
class SetText:
    """The result of setting paragraphs at one size: the planned paragraphs and the height they take."""

    paragraphs: tuple[Paragraph, ...]
    height: float
    scale: float


class FontBook:
    """The layout's fonts (bundled, or its own files), as faces for the plan and as metrics for measuring."""

    def __init__(self, east_asian_family: str | textfit.FileFamily) -> None:
        """Fonts for a layout whose East Asian family is ``east_asian_family`` (a bundled one, or the layout's)."""
        self.east_asian = textfit.find_family(east_asian_family)

    @lru_cache(maxsize=64)
    def stack(self, family: str, bold: bool, italic: bool) -> textfit.FontStack:
        """The metrics for a family and style, falling back to the East Asian font for what it lacks."""
        return textfit.font_stack(family, textfit.Style.of(bold, italic), self.east_asian)

    @lru_cache(maxsize=64)
    def faces(self, family: str, bold: bool, italic: bool) -> tuple[Face, ...]:
        """One face per font in the stack: the Latin family first, then the East Asian fallback."""
        style = textfit.Style.of(bold, italic)
        latin = textfit.find_family(family)
        families = [latin] if latin == self.east_asian else [latin, self.east_asian]
        return tuple(
            Face(
                office_family=latin.office_family,
                east_asian_family=self.east_asian.office_family,
                pdf_name=item.pdf_name(style),
                pdf_file=str(item.path(style)),
                bold=bold,
                italic=italic,
                pdf_index=item.face_index(style),
            )
            for item in families
        )


def _style_key(role: RoleStyle) -> tuple[str, bool, bool]:
    """A role's family, boldness and italic: the key :class:`FontBook` caches stacks and faces under."""
    return role.family, role.weight is Weight.BOLD, role.style is FontStyle.ITALIC


class _Measured(NamedTuple):
    """A paragraph measured at :data:`MEASURED_SIZE` for breaking at any width and size, and the fonts that may
    set it (:meth:`textfit.FontStack.fonts_setting`), whose ascent and descent give it one line height however it
    breaks."""

    paragraph: linebreak.MeasuredParagraph
    fonts: tuple[textfit.FontMetrics, ...]

    def ascent_descent(self, size: float) -> tuple[float, float]:
        """The largest ascent and the largest descent of the paragraph's fonts at ``size``."""
        key = (self.fonts, size)
        found = _extents.get(key)
        if found is None:
            if len(_extents) >= EXTENTS_REMEMBERED:
                _extents.clear()  # a long watch session with a layout's own fonts, which are read again each build
            found = _extents[key] = (max(font.ascender(size) for font in self.fonts),
                                     max(font.descender(size) for font in self.fonts))
        return found


# The largest ascent and descent of a set of fonts at a size (:meth:`_Measured.ascent_descent`): a handful of
# font sets at a few dozen sizes in a build, asked of every paragraph set.
_extents: dict[tuple[tuple[textfit.FontMetrics, ...], float], tuple[float, float]] = {}
EXTENTS_REMEMBERED = 1_024


class _Prepared(NamedTuple):
    """One paragraph at one size and width, before it is broken: its fonts, its indent and measure, the
    measured paragraph, and where its lines are remembered (``remembered[key]``)."""

    stack: textfit.FontStack
    faces: tuple[Face, ...]
    size: float
    indent: float
    available: float
    measured: _Measured
    remembered: dict[tuple, tuple]
    key: tuple

    def measure(self, text: str) -> float:
        """The width of ``text`` at the paragraph's size."""
        return self.stack.width(text, self.size)

    def line_height(self, role: RoleStyle) -> float:
        """The role's line spacing, but never tighter than the fonts' own ascent + descent, so no glyph box
        reaches past its line (Noto Sans TC needs 1.45 em; a title role's 1.1 would otherwise let lines
        overlap)."""
        ascent, descent = self.measured.ascent_descent(self.size)
        return max(self.size * role.line_spacing, ascent + descent)

    def lines(self, balance: bool) -> list[str]:
        """The paragraph broken into lines (balanced, for a title)."""
        paragraph = self.measured.paragraph
        scale = self.size / MEASURED_SIZE
        if balance:
            return paragraph.break_lines_balanced(self.available, self.measure, scale)
        return paragraph.break_lines(self.available, self.measure, scale)

    def line_count(self) -> int:
        """How many lines the paragraph takes (balancing a title never changes how many)."""
        return self.measured.paragraph.line_count(self.available, self.measure, self.size / MEASURED_SIZE)


# One measure function per bundled font stack for the whole process (:func:`_measure_of`), however many builds'
# typesetters measured the paragraphs that keep it.
_bundled_measures: dict[tuple, Callable[[str], float]] = {}


def _measure_of(stack: textfit.FontStack, key: tuple, measures: dict[tuple, Callable[[str], float]]
                ) -> Callable[[str], float]:
    """``stack``'s widths at :data:`MEASURED_SIZE`, the function kept in ``measures`` under the stack's ``key``.

    Every paragraph measured keeps its measure function, and with it a font stack and all the widths that stack
    remembers: one function per key means one stack, not one per build of a watch session.
    """
    found = measures.get(key)
    if found is None:
        found = measures[key] = stack.measure(MEASURED_SIZE)
    return found


class Typesetter:
    """Breaks, measures and places paragraphs; knows nothing of slides or pages."""

    def __init__(self, fonts: FontBook) -> None:
        """A typesetter measuring with ``fonts``."""
        self.fonts = fonts
        # Line breaks already found, by (text, measure, style, size, balanced): fitting tries the same paragraphs
        # at the same few sizes many times (the one-pager's scales and omissions, continuation's trial chunks),
        # and breaking is most of the time a build takes.
        self._breaks: dict[tuple, tuple] = {}
        self._measured: dict[tuple, _Measured] = {}  # by (text, style): any width, any size
        self._measure_of: dict[tuple, Callable[[str], float]] = {}  # by the stack's key: see _measure_of()
        self._settings: dict[tuple, SetText] = {}  # whole settings, by (paragraphs, width, scale), likewise
        east_asian = fonts.east_asian
        self._bundled_east_asian = east_asian.name if isinstance(east_asian, textfit.FontFamily) else None

    def missing(self, text: str, role: RoleStyle) -> list[str]:
        """The characters of ``text`` that no font of the role's stack can draw."""
        return self.fonts.stack(*_style_key(role)).missing(text)

    def width(self, text: str, role: RoleStyle, size: float) -> float:
        """The width of ``text`` on one line in the role's fonts at ``size``."""
        return self.fonts.stack(*_style_key(role)).width(text, size)

    def set(self, paras: list[Para], width: float, scale: float = 1.0) -> SetText:
        """Set paragraphs at ``scale`` of their role sizes (never below a role's minimum) into ``width``."""
        paras = stacked(paras)  # no Versions left, so equal paragraphs are equal texts
        key = (tuple(paras), width, scale)
        known = self._settings.get(key)
        if known is not None:
            return known
        placed: list[Paragraph] = []
        y = 0.0
        for index, para in enumerate(paras):
            text = para.text.upper() if para.role.uppercase else para.text
            size = self._size(para, text, width, scale)
            before = para.space_before_em * size if index else 0.0
            y += before
            paragraph, y = self._paragraph(para, text, size, before, width, y)
            placed.append(paragraph)
        result = SetText(tuple(placed), y, scale)
        if len(self._settings) >= BREAKS_REMEMBERED:
            self._settings.clear()
        self._settings[key] = result
        return result

    def _size(self, para: Para, text: str, width: float, scale: float) -> float:
        """The paragraph's size at ``scale``: capped to match its neighbours, smaller still to stay on one line."""
        size = scaled_size(para.role, scale)
        if para.size_cap is not None:
            size = max(para.role.min_size, min(size, para.size_cap))
        if para.one_line:
            size = self.one_line_size(text, para.role, size, width)
        return size

    def height(self, paras: list[Para], width: float, scale: float = 1.0) -> float:
        """The height :meth:`set` gives the paragraphs, found from how many lines each takes and nothing else.

        The one-pager's column-share search asks it of every section at up to a dozen widths per scale, and
        keeps one; building the lines' spans for all the others was most of what that search cost.
        """
        paras = stacked(paras)
        known = self._settings.get((tuple(paras), width, scale))
        if known is not None:
            return known.height
        y = 0.0
        for index, para in enumerate(paras):
            text = para.text.upper() if para.role.uppercase else para.text
            size = self._size(para, text, width, scale)
            y += para.space_before_em * size if index else 0.0
            prepared = self._prepared(para, text, size, width)
            laid = prepared.remembered.get(prepared.key)
            # mending a last line and balancing a title never change how many lines there are
            count = len(laid) if laid is not None else prepared.line_count()
            line_height = prepared.line_height(para.role)
            for _ in range(count):
                y += line_height  # added line by line, as set() does, so the two agree to the last bit
        return y

    def _prepared(self, para: Para, text: str, size: float, width: float) -> _Prepared:
        """What setting one paragraph at ``size`` into ``width`` starts from (see :class:`_Prepared`)."""
        key = _style_key(para.role)
        if para.lang is Language.ZH_HANT:
            # Chinese has no italic: a slanted Han font is a faux italic, so an italic role is set upright
            key = (key[0], key[1], False)
        stack = self.fonts.stack(*key)
        faces = self.fonts.faces(*key)
        indent = size * BULLET_INDENT_EM if para.bullet or para.hang else 0.0
        available = max(1.0, (width - indent) * WRAP_SAFETY)
        remembered, measured = self._breaks, self._measured
        if self._bundled_east_asian is not None and isinstance(para.role.family, str):  # bundled fonts alone
            remembered, measured = _bundled_breaks, _bundled_measured
            key = (self._bundled_east_asian, *key)  # the whole stack: the East Asian font under the family
        found = measured.get((text, key))
        if found is None:
            fonts = tuple(stack.fonts[i] for i in sorted(stack.fonts_setting(text)))
            measures = _bundled_measures if measured is _bundled_measured else self._measure_of
            found = _Measured(linebreak.MeasuredParagraph(text, _measure_of(stack, key, measures)), fonts)
            if len(measured) >= MEASURED_REMEMBERED:
                measured.clear()
            measured[(text, key)] = found
        return _Prepared(stack, faces, size, indent, available, found, remembered,
                         (text, available, key, size, para.balance))

    def _paragraph(self, para: Para, text: str, size: float, before: float, width: float,
                   y: float) -> tuple[Paragraph, float]:
        """Break one paragraph into lines from ``y`` down; returns the planned paragraph and the ``y`` under it."""
        prepared = self._prepared(para, text, size, width)
        laid = prepared.remembered.get(prepared.key)
        if laid is None:
            laid = self._set_lines(prepared, para.balance)
            if len(prepared.remembered) >= BREAKS_REMEMBERED:
                prepared.remembered.clear()
            prepared.remembered[prepared.key] = laid
        ascent, descent = prepared.measured.ascent_descent(size)
        line_height = prepared.line_height(para.role)
        half_leading = (line_height - (ascent + descent)) / 2
        lines = []
        for spans, line_width in laid:
            x = _line_start(para.align, prepared.indent, width, line_width)
            lines.append(Line(spans, x, y + half_leading + ascent, line_width))
            y += line_height
        style = TextStyle(face=prepared.faces[0], size=size, color=para.role.color, line_height=line_height,
                          align=para.align, space_before=before)
        return Paragraph(para.text if not para.role.uppercase else text, tuple(lines), style,
                         language_tag(text, para.lang), para.bullet, prepared.indent, para.field), y

    @staticmethod
    def _set_lines(prepared: _Prepared, balance: bool) -> tuple:
        """A paragraph broken into lines of spans (each in the face that draws it) with their widths: everything
        about its lines that does not depend on where."""
        stack, faces, size, measure = prepared.stack, prepared.faces, prepared.size, prepared.measure
        broken = prepared.lines(balance)
        laid = []
        for raw in broken:
            spans = []
            offset = 0.0
            for piece, font_index in stack.segments(raw):
                spans.append(Span(piece, faces[font_index], offset))
                offset += stack.fonts[font_index].width(piece, size)
            laid.append((tuple(spans), measure(raw)))
        return tuple(laid)

    def one_line_size(self, text: str, role: RoleStyle, size: float, width: float) -> float:
        """The largest size up to ``size`` (and not under the role's minimum) that keeps ``text`` on one line."""
        natural = self.fonts.stack(*_style_key(role)).width(text, size)
        limit = width * WRAP_SAFETY
        if natural <= limit:
            return size
        return max(role.min_size, int(size * limit / natural * 2) / 2)

    def fit(self, paras: list[Para], width: float, height: float, shrink: bool = True,
            least_scale: float = 0.0, most_scale: float = 1.0) -> SetText | None:
        """The largest setting (from ``most_scale``, full size unless told, down to the roles' minimums, and not
        under ``least_scale``) whose height fits, or None.

        The sizes are tried in steps (:data:`SHRINK_STEP` on the smallest role); the search starts from a guess
        made from the height at full size (:data:`TEXT_HEIGHT_EXPONENT`) and walks from there, as the
        one-pager's does: the answer of trying every step from the top, in a few settings instead of up to a
        dozen.
        """
        paras = stacked(paras)
        limit = height * HEIGHT_SAFETY
        ladder = [most_scale]
        if shrink:
            smallest_step = min(SHRINK_STEP / p.role.size for p in paras)
            while not all(scaled_size(p.role, ladder[-1]) <= p.role.min_size for p in paras):
                smaller = max(ladder[-1] - smallest_step, 0.0)
                if smaller < least_scale - 1e-9:
                    break
                ladder.append(smaller)
        ladder.reverse()  # smallest first
        settings: dict[int, SetText] = {}

        def fits(step: int) -> bool:
            if step not in settings:
                try:
                    settings[step] = self.set(paras, width, ladder[step])
                except linebreak.CharacterTooWideError:
                    settings[step] = SetText((), float("inf"), ladder[step])
            return settings[step].height <= limit

        top = len(ladder) - 1
        if fits(top):
            return settings[top]
        if top == 0:
            return None
        expected = expected_scale(most_scale, settings[top].height, limit, TEXT_HEIGHT_EXPONENT)

        below = guess_below(ladder, lambda step: settings[step].height, top, limit)
        found = walk_to_largest(fits, min(step_at_or_below(ladder, expected), top - 1), top, below)
        return None if found is None else settings[found]

    def frame(
        self,
        name: Name,
        paras: list[Para],
        box: Box,
        *,
        where: str,
        insets: Insets = Insets(),
        valign: VAlign = VAlign.TOP,
        policy: FitPolicy = FitPolicy.SHRINK,
        role: FrameRole = FrameRole.TEXT,
        fill: str | None = None,
        context: str = "",
        most_scale: float = 1.0,
    ) -> Frame:
        """A text frame whose paragraphs fit ``box``; raises :class:`FitError` naming the overflow otherwise.

        ``where`` is the field the message names (``content.json: sections[2].bullets``), ``context`` the slide;
        ``most_scale`` caps the size (the slides of one section share theirs).
        """
        inner = box.inset(insets)
        paras = stacked(paras)
        result = self.fit(paras, inner.w, inner.h, shrink=policy is not FitPolicy.FAIL, most_scale=most_scale)
        if result is None:
            if policy is FitPolicy.FAIL:
                setting = self.set(paras, inner.w)
                advice = ('at its size, and the layout\'s fit policy here is "fail"; shorten it or set the'
                          ' policy to "shrink"')
            else:
                setting = self.set(paras, inner.w, 0.0)
                advice = "even at the smallest size the layout allows; shorten it or allow a smaller min_size"
            on = f"on {context}: " if context else ""
            raise FitError(Problem(where, f"{on}text does not fit: {too_long(setting, inner.h)} {advice}"))
        return Frame(
            name=name,
            role=role,
            box=box,
            paragraphs=aligned(result, inner.h, valign),
            insets=insets,
            valign=valign,
            fill=fill,
            keep_breaks=any(p.balance for p in paras),
            # "fail" is the layout saying this text is never smaller than its size: the viewer may not shrink it
            # either (a viewer with wider fonts lets it spill instead). Everywhere else, shrinking in the viewer is
            # the lesser evil: the plan already fits with the fonts it measured, so it only happens where the
            # viewer's fonts are wider, or when someone types more into the box in PowerPoint.
            shrink_on_overflow=policy is not FitPolicy.FAIL,
        )

    def split(self, paras: list[Para], width: float, height: float) -> list[list[Para]]:
        """Cut paragraphs into chunks that each fit ``height`` at full size (for continuation slides).

        A paragraph too tall for a whole frame on its own is cut between lines into several paragraphs; it is
        broken into lines once, so even a 100,000-character paragraph is cut in linear time.
        """
        limit = height * HEIGHT_SAFETY
        paras = stacked(paras)
        chunks: list[list[Para]] = []
        current: list[Para] = []
        queue = list(reversed(paras))
        while queue:
            para = queue.pop()
            if queue and queue[-1].follows and not para.follows:
                # a paragraph and its second-language version move on together, unless they fill a frame alone
                pair = current + [para, queue[-1]]
                if self.set(pair, width).height <= limit:
                    current = pair
                    queue.pop()
                    continue
                if current:
                    chunks.append(current)
                    current = []
                    queue.append(para)
                    continue
            trial = current + [para]
            if self.set(trial, width).height <= limit:
                current = trial
                continue
            if current:
                chunks.append(current)
                current = []
                queue.append(para)
                continue
            pieces = self._pieces(para, width, limit)
            if len(pieces) == 1:
                # not even one line fits: keep it as a chunk of its own, and the frame reports the fit error
                chunks.append(pieces)
                continue
            chunks.extend([piece] for piece in pieces[:-1])
            queue.append(pieces[-1])
        if current:
            chunks.append(current)
        return chunks

    def _pieces(self, para: Para, width: float, limit: float) -> list[Para]:
        """A paragraph cut at line boundaries into pieces of as many lines as fit ``limit``."""
        planned = self.set([para], width).paragraphs[0]
        count = len(planned.lines)
        per_piece = max(1, int(limit // planned.style.line_height))
        return [replace(para, text=text_of_lines(planned, first, min(first + per_piece, count) - 1),
                        bullet=para.bullet if first == 0 else None,
                        space_before_em=para.space_before_em if first == 0 else 0.0)
                for first in range(0, count, per_piece)]


def text_of_lines(paragraph: Paragraph, first: int, last: int) -> str:
    """The part of a planned paragraph's text that its lines ``first`` to ``last`` show, as it is written (no
    space added where a Chinese line or a hyphenated word was broken; the spaces at the ends dropped)."""
    drawn = paragraph.text
    starts, position = [], 0
    for line in paragraph.lines:
        text = "".join(span.text for span in line.spans)
        found = drawn.find(text, position)
        starts.append(found if found >= 0 else position)
        position = starts[-1] + len(text)
    stop = starts[last + 1] if last + 1 < len(starts) else len(drawn)
    return drawn[starts[first]:stop].strip()


def scaled_size(role: RoleStyle, scale: float) -> float:
    """A role's size at ``scale``, rounded to the half point and never under its minimum: the one scaling rule."""
    return max(role.min_size, round(role.size * scale * 2) / 2)


def expected_scale(scale: float, height: float, room: float, exponent: float) -> float:
    """The scale at which something ``height`` tall at ``scale`` would be ``room`` tall, if its height grows as
    the scale to ``exponent``: where a search of sizes starts. Nothing tall grows without end; something
    immeasurable (a character too wide for any line), or no room, starts the search at the bottom."""
    if height <= 0:
        return float("inf")
    if room <= 0 or height == float("inf"):
        return 0.0
    return scale * (room / height) ** (1 / exponent)


def height_exponent(scale: float, height: float, larger_scale: float, larger_height: float) -> float:
    """How fast height grows with scale between two settings, as an exponent (within
    :data:`HEIGHT_EXPONENT_RANGE`); :data:`TEXT_HEIGHT_EXPONENT` where the two say nothing (the same height,
    or a height that cannot be measured)."""
    if not (0 < height < larger_height < float("inf")) or not 0 < scale < larger_scale:
        return TEXT_HEIGHT_EXPONENT
    low, high = HEIGHT_EXPONENT_RANGE
    return min(high, max(low, math.log(larger_height / height) / math.log(larger_scale / scale)))


def guess_below(ladder: list[float], height_at: Callable[[int], float], top: int,
                room: float) -> Callable[[int], int]:
    """``below`` for :func:`walk_to_largest`: under a step that does not fit, the step where the height would be
    ``room`` if it kept falling as it fell from the top step to that one (:func:`height_exponent`)."""

    def below(step: int) -> int:
        height = height_at(step)
        exponent = height_exponent(ladder[step], height, ladder[top], height_at(top))
        return step_at_or_below(ladder, expected_scale(ladder[step], height, room, exponent))

    return below


def step_at_or_below(ladder: list[float], scale: float) -> int:
    """The step of an ascending ladder of scales at or just below ``scale`` (0 if every step is above it)."""
    below = [step for step, value in enumerate(ladder) if value <= scale + 1e-9]
    return below[-1] if below else 0


def walk_to_largest(fits: Callable[[int], bool], start: int, top: int,
                    below: Callable[[int], int] | None = None) -> int | None:
    """From ``start`` on a ladder of sizes or scales (steps 0 to ``top``, smallest first): up while the next step
    fits, or down until one fits. The largest step that fits, if fitting only gets harder as the size grows (as
    it does, but for a line that happens to break better); None if no step down to 0 fits.

    ``below(step)``, for a step that does not fit, may name a step further down to try next (a new guess from
    what that step measured); from a step that fits there, the walk goes back up until the step under the one
    that did not fit, so the answer is the same as stepping down one at a time.
    """
    step = start
    if fits(step):
        while step < top and fits(step + 1):
            step += 1
        return step
    failed = step  # the smallest step known not to fit
    while step > 0:
        step = step - 1 if below is None else max(0, min(step - 1, below(step)))
        if fits(step):
            while step + 1 < failed and fits(step + 1):
                step += 1
            return step
        failed = step
    return None


def _line_start(align: Align, indent: float, width: float, line_width: float) -> float:
    """Where a line starts in its frame, for its alignment."""
    match align:
        case Align.LEFT:
            return indent
        case Align.CENTER:
            return indent + (width - indent - line_width) / 2
        case Align.RIGHT:
            return width - line_width


def aligned(result: SetText, height: float, valign: VAlign) -> tuple[Paragraph, ...]:
    """Shift baselines so the PDF matches the deck's vertical anchor."""
    match valign:
        case VAlign.TOP:
            return result.paragraphs
        case VAlign.MIDDLE:
            shift = (height - result.height) / 2
        case VAlign.BOTTOM:
            shift = height - result.height
    return tuple(
        replace(p, lines=tuple(replace(line, baseline=line.baseline + shift) for line in p.lines))
        for p in result.paragraphs
    )
