"""Font metrics for measuring text before it is written, from the fonts bundled in ``hkbrief/fonts``.

The deck names Office fonts (Arial, Times New Roman, Courier New, Calibri, Cambria, Microsoft JhengHei) and the
one-pager embeds their metric clones (Liberation Sans, Liberation Serif, Liberation Mono, Carlito, Caladea, Noto Sans
TC); both are measured here with the clone's advance widths. :data:`METRIC_CLONES` also maps a few other names with
the same widths (Helvetica is Arial's model) to their clone, so a layout can name them without a font file.
Widths are plain advances without kerning. LibreOffice (and PowerPoint from its kerning threshold up) kern, which
in these fonts mostly tightens: on English news text the kerned width is 0.2-0.7 % narrower than the advance sum.
A few pairs widen (Carlito ``g,`` by 0.034 em, Liberation Sans ``f'`` with a curly apostrophe by 0.018 em), so the
planner keeps a small safety margin rather than trusting the last hundredth of a point.

Reading a TTF with fontTools on every run is too slow for a build that should take about a third of a second, so
``tools/make_font_metrics.py`` stores each font's vertical metrics and advance widths as JSON in
``fonts/metrics/``; they are loaded on first use and cached. ``tests/test_textfit.py`` regenerates them from the
TTFs and fails if they differ.
"""

from __future__ import annotations

import json
import operator
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import assert_never

from hkbrief.errors import LayoutError

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
METRICS_DIR = FONTS_DIR / "metrics"
METRICS_FORMAT = 1

HARD_BREAKS = frozenset("\n\r\v\u2028\u2029")
# Zero-width format characters: zero-width space, non-joiner and joiner, left-to-right and right-to-left marks,
# word joiner, the invisible operators, zero-width no-break space (U+FEFF), Arabic letter mark, Mongolian vowel
# separator. One rule for all of them: they stay in the text (the deck keeps them, where PowerPoint and
# LibreOffice do not draw them, and line breaking reads them: U+200B allows a break, U+2060 and U+FEFF forbid
# one), take no width, count as covered by every font, and are left out of the runs a writer draws, so the PDF
# never prints them as glyphs (Liberation Sans has visible ones for U+200C and U+200D).
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u061c\u180e")
# Texts whose width a font remembers before it starts over (a few MB at most; a brief has far fewer distinct words).
_MEASURED_LIMIT = 50_000


class Style(StrEnum):
    REGULAR = "regular"
    BOLD = "bold"
    ITALIC = "italic"
    BOLD_ITALIC = "bold-italic"

    @classmethod
    def of(cls, bold: bool = False, italic: bool = False) -> Style:
        if bold:
            return cls.BOLD_ITALIC if italic else cls.BOLD
        return cls.ITALIC if italic else cls.REGULAR

    @property
    def bold(self) -> bool:
        return self in (Style.BOLD, Style.BOLD_ITALIC)

    @property
    def italic(self) -> bool:
        return self in (Style.ITALIC, Style.BOLD_ITALIC)

    def fallbacks(self) -> tuple[Style, ...]:
        """Styles to try, best first, when a family lacks this one.

        Bold is kept before italic because a missing bold, synthesised by PowerPoint, is wider than the regular
        face, while a missing italic is a slanted regular with the regular's widths.
        """
        match self:
            case Style.REGULAR:
                return (Style.REGULAR,)
            case Style.BOLD:
                return (Style.BOLD, Style.REGULAR)
            case Style.ITALIC:
                return (Style.ITALIC, Style.REGULAR)
            case Style.BOLD_ITALIC:
                return (Style.BOLD_ITALIC, Style.BOLD, Style.ITALIC, Style.REGULAR)
            case _:
                assert_never(self)


class FontSlot(StrEnum):
    """Which DrawingML typeface slot a family fills: ``a:latin`` or ``a:ea`` (East Asian)."""

    LATIN = "latin"
    EAST_ASIAN = "ea"


class FontMetrics:
    """One font file's metrics, in font units, with measuring in points.

    Vertical metrics follow LibreOffice, which draws the deck on Linux and in the overflow test: the ``hhea``
    ascender, descender and line gap, unless the font sets ``USE_TYPO_METRICS`` (OS/2 fsSelection bit 7), in
    which case the OS/2 typo values. Windows text engines (GDI, DirectWrite, so PowerPoint) take ascent and
    descent from the OS/2 ``usWinAscent`` and ``usWinDescent`` instead; they are kept as ``win_ascent`` and
    ``win_descent``. For Liberation Sans, Carlito and Noto Sans TC the two agree on the ascent; Caladea's differ
    (900 vs 1050 of 1000), one more reason to state line spacing explicitly. ``descent`` is positive (a distance
    below the baseline).

    Advances come as runs of consecutive code points sharing one width and are looked up by bisection the first
    time a character is seen, then remembered (so is a character's absence): loading all 20,745 characters of
    Noto Sans TC into a dictionary up front would cost ~6 ms per face, while a brief uses a few hundred.
    """

    __slots__ = (
        "_known",
        "_lacking",
        "_measured",
        "_run_advances",
        "_run_ends",
        "_run_starts",
        "ascent",
        "cap_height",
        "descent",
        "family",
        "file",
        "line_gap",
        "missing_advance",
        "postscript_name",
        "style",
        "units_per_em",
        "win_ascent",
        "win_descent",
        "x_height",
    )

    def __init__(
        self,
        *,
        file: Path,
        family: str,
        style: str,
        postscript_name: str,
        units_per_em: int,
        ascent: int,
        descent: int,
        line_gap: int,
        win_ascent: int,
        win_descent: int,
        cap_height: int,
        x_height: int,
        missing_advance: int,
        advance_runs: Sequence[int],
    ) -> None:
        """``advance_runs`` is flat: first code point, count, advance, first code point, ... in code point order."""
        self.file = file
        self.family = family
        self.style = style
        self.postscript_name = postscript_name
        self.units_per_em = units_per_em
        self.ascent = ascent
        self.descent = descent
        self.line_gap = line_gap
        self.win_ascent = win_ascent
        self.win_descent = win_descent
        self.cap_height = cap_height
        self.x_height = x_height
        self.missing_advance = missing_advance
        self._run_starts = advance_runs[0::3]
        self._run_ends = list(map(operator.add, self._run_starts, advance_runs[1::3]))
        self._run_advances = advance_runs[2::3]
        self._known: dict[str, int] = dict.fromkeys(ZERO_WIDTH, 0)
        self._lacking: set[str] = set()
        self._measured: dict[str, int | None] = {}

    @classmethod
    def from_json(cls, data: dict, fonts_dir: Path = FONTS_DIR) -> FontMetrics:
        """Metrics from a ``fonts/metrics/*.json`` file's content (see ``tools/make_font_metrics.py``)."""
        if data.get("format") != METRICS_FORMAT:
            raise ValueError(f"font metrics format {data.get('format')!r}, expected {METRICS_FORMAT}")
        hhea_ascent, hhea_descent, hhea_line_gap = data["hhea"]
        typo_ascent, typo_descent, typo_line_gap = data["typo"]
        if data["use_typo_metrics"] and typo_ascent >= 0 and typo_descent <= 0:
            ascent, descent, line_gap = typo_ascent, -typo_descent, typo_line_gap
        else:
            ascent, descent, line_gap = hhea_ascent, -hhea_descent, hhea_line_gap
        win_ascent, win_descent = data["win"]
        return cls(
            file=fonts_dir / data["file"],
            family=data["family"],
            style=data["style"],
            postscript_name=data["postscript_name"],
            units_per_em=data["units_per_em"],
            ascent=ascent,
            descent=descent,
            line_gap=line_gap,
            win_ascent=win_ascent,
            win_descent=win_descent,
            cap_height=data["cap_height"],
            x_height=data["x_height"],
            missing_advance=data["notdef_advance"],
            advance_runs=data["advance_runs"],
        )

    def __repr__(self) -> str:
        return f"FontMetrics({self.postscript_name!r})"

    def _lookup(self, ch: str) -> int | None:
        """The advance of one character, or None if the font lacks it."""
        advance = self._known.get(ch)
        if advance is None and ch not in self._lacking and len(ch) == 1:
            code_point = ord(ch)
            index = bisect_right(self._run_starts, code_point) - 1
            if index >= 0 and code_point < self._run_ends[index]:
                advance = self._known[ch] = self._run_advances[index]
            else:
                self._lacking.add(ch)
        return advance

    def covers(self, ch: str) -> bool:
        """Whether the font has a glyph for this character (one code point)."""
        return self._lookup(ch) is not None

    def advance(self, ch: str) -> int:
        """Advance width in font units; a character the font lacks gets the width of the box drawn for it."""
        advance = self._lookup(ch)
        return self.missing_advance if advance is None else advance

    def advance_units(self, text: str) -> int:
        """Sum of the advances of ``text``, in font units (a character the font lacks as its missing-glyph box)."""
        units = self.covered_units(text)
        return sum(map(self.advance, text)) if units is None else units

    def covered_units(self, text: str) -> int | None:
        """Sum of the advances of ``text`` in font units, or None if the font lacks any of its characters.

        Remembered per text: arranging measures the same words and lines many times over (each piece while
        breaking, each line once broken, again per span, and again at every size it tries).
        """
        try:
            return self._measured[text]
        except KeyError:
            pass
        try:
            units: int | None = sum(map(self._known.__getitem__, text))
        except KeyError:
            units = 0
            for ch in text:
                advance = self._lookup(ch)
                if advance is None:
                    units = None
                    break
                units += advance
        if len(self._measured) >= _MEASURED_LIMIT:
            self._measured.clear()
        self._measured[text] = units
        return units

    def width(self, text: str, size: float) -> float:
        """Width of ``text`` set in this font at ``size`` points, in points (sum of advances, no kerning)."""
        return self.advance_units(text) * size / self.units_per_em

    def characters(self) -> Iterator[str]:
        """Every character the font has, in code point order."""
        for start, end in zip(self._run_starts, self._run_ends):
            yield from map(chr, range(start, end))

    def missing(self, text: str) -> list[str]:
        """Characters of ``text`` the font lacks, each once, in order (hard line breaks are not characters)."""
        return [ch for ch in dict.fromkeys(text) if ch not in HARD_BREAKS and self._lookup(ch) is None]

    def ascender(self, size: float) -> float:
        """Baseline to the top of the line box, in points at ``size``."""
        return self.ascent * size / self.units_per_em

    def descender(self, size: float) -> float:
        """Baseline to the bottom of the line box, in points at ``size`` (positive)."""
        return self.descent * size / self.units_per_em

    def line_height(self, size: float) -> float:
        """The font's own single line spacing at ``size``: ascent + descent + line gap, in points."""
        return (self.ascent + self.descent + self.line_gap) * size / self.units_per_em


@cache
def load_metrics(ttf_name: str) -> FontMetrics:
    """The metrics of a bundled TTF (by file name, e.g. ``Carlito-Bold.ttf``), read once per process."""
    path = METRICS_DIR / f"{Path(ttf_name).stem}.json"
    with path.open("rb") as handle:
        return FontMetrics.from_json(json.load(handle))


@dataclass(frozen=True, slots=True)
class FontFamily:
    """A bundled family and the Office family it stands in for.

    ``folder`` is the family's folder under ``hkbrief/fonts`` (with its licence file ``licence``); the four file
    fields name its TTFs, ``None`` where the family has no such face (see :meth:`Style.fallbacks`). ``aliases`` are
    further names with the clone's advance widths that a layout may use for it (``Helvetica`` for Liberation Sans).
    """

    name: str
    office_family: str
    slot: FontSlot
    folder: str
    licence: str
    regular: str
    bold: str | None = None
    italic: str | None = None
    bold_italic: str | None = None
    aliases: tuple[str, ...] = ()

    def file_name(self, style: Style) -> str:
        """The TTF that sets ``style``: the face itself, or the closest one the family has."""
        for candidate in style.fallbacks():
            match candidate:
                case Style.REGULAR:
                    name: str | None = self.regular
                case Style.BOLD:
                    name = self.bold
                case Style.ITALIC:
                    name = self.italic
                case Style.BOLD_ITALIC:
                    name = self.bold_italic
                case _:
                    assert_never(candidate)
            if name is not None:
                return name
        return self.regular

    def path(self, style: Style = Style.REGULAR) -> Path:
        """The TTF to embed in the PDF for ``style``."""
        return FONTS_DIR / self.folder / self.file_name(style)

    def pdf_name(self, style: Style = Style.REGULAR) -> str:
        """The name to register ``path(style)`` under in the PDF: one name per file, e.g. ``Carlito-Bold``."""
        return Path(self.file_name(style)).stem

    def face_index(self, style: Style = Style.REGULAR) -> int:
        """The face of ``path(style)`` to embed: the bundled files are single fonts."""
        return 0

    def licence_path(self) -> Path:
        return FONTS_DIR / self.folder / self.licence

    def metrics(self, style: Style = Style.REGULAR) -> FontMetrics:
        return load_metrics(self.file_name(style))

    def files(self) -> list[Path]:
        """Every TTF the family bundles."""
        names = (self.regular, self.bold, self.italic, self.bold_italic)
        return [FONTS_DIR / self.folder / name for name in names if name is not None]


LIBERATION_SANS = FontFamily(
    name="Liberation Sans",
    office_family="Arial",
    slot=FontSlot.LATIN,
    folder="liberation-sans",
    licence="LICENSE",
    regular="LiberationSans-Regular.ttf",
    bold="LiberationSans-Bold.ttf",
    italic="LiberationSans-Italic.ttf",
    bold_italic="LiberationSans-BoldItalic.ttf",
    aliases=("Helvetica", "Arimo"),
)
LIBERATION_SERIF = FontFamily(
    name="Liberation Serif",
    office_family="Times New Roman",
    slot=FontSlot.LATIN,
    folder="liberation-serif",
    licence="LICENSE",
    regular="LiberationSerif-Regular.ttf",
    bold="LiberationSerif-Bold.ttf",
    italic="LiberationSerif-Italic.ttf",
    bold_italic="LiberationSerif-BoldItalic.ttf",
    aliases=("Tinos",),
)
LIBERATION_MONO = FontFamily(
    name="Liberation Mono",
    office_family="Courier New",
    slot=FontSlot.LATIN,
    folder="liberation-mono",
    licence="LICENSE",
    regular="LiberationMono-Regular.ttf",
    bold="LiberationMono-Bold.ttf",
    italic="LiberationMono-Italic.ttf",
    bold_italic="LiberationMono-BoldItalic.ttf",
    aliases=("Cousine",),
)
CARLITO = FontFamily(
    name="Carlito",
    office_family="Calibri",
    slot=FontSlot.LATIN,
    folder="carlito",
    licence="OFL.txt",
    regular="Carlito-Regular.ttf",
    bold="Carlito-Bold.ttf",
    italic="Carlito-Italic.ttf",
    bold_italic="Carlito-BoldItalic.ttf",
)
CALADEA = FontFamily(
    name="Caladea",
    office_family="Cambria",
    slot=FontSlot.LATIN,
    folder="caladea",
    licence="OFL.txt",
    regular="Caladea-Regular.ttf",
    bold="Caladea-Bold.ttf",
    italic="Caladea-Italic.ttf",
    bold_italic="Caladea-BoldItalic.ttf",
)
NOTO_SANS_TC = FontFamily(
    name="Noto Sans TC",
    office_family="Microsoft JhengHei",
    slot=FontSlot.EAST_ASIAN,
    folder="noto-sans-tc",
    licence="OFL.txt",
    regular="NotoSansTC-Regular.ttf",
    bold="NotoSansTC-Bold.ttf",
)

FAMILIES: tuple[FontFamily, ...] = (LIBERATION_SANS, LIBERATION_SERIF, LIBERATION_MONO, CARLITO, CALADEA,
                                     NOTO_SANS_TC)
DEFAULT_EAST_ASIAN = NOTO_SANS_TC


@dataclass(frozen=True, slots=True)
class FileFace:
    """One face of a layout's own font: its file (a .ttf, or face ``index`` of a .ttc) and its metrics, read by
    :mod:`hkbrief.fontfile` into the same form as a bundled font's."""

    path: Path
    index: int
    metrics: FontMetrics = field(compare=False, hash=False, repr=False)
    pdf_name: str = ""


@dataclass(frozen=True, slots=True)
class FileFamily:
    """A family a layout brings by file (``[fonts."Brand Sans"]``): the deck names it, the PDF embeds its files.

    It answers the same questions as :class:`FontFamily` (``metrics``, ``path``, ``pdf_name``, ``office_family``),
    so measuring, the plan's faces and both writers treat it as they treat the bundled fonts. Missing bold or
    italic faces fall back as :meth:`Style.fallbacks` says.
    """

    name: str
    regular: FileFace
    bold: FileFace | None = None
    italic: FileFace | None = None
    bold_italic: FileFace | None = None

    @property
    def office_family(self) -> str:
        """The name the deck gives the font: the family as the layout declares it."""
        return self.name

    def face(self, style: Style) -> FileFace:
        for candidate in style.fallbacks():
            found = getattr(self, candidate.name.lower())
            if found is not None:
                return found
        return self.regular

    def lacks(self, style: Style) -> bool:
        """Whether ``style`` is set in another face (the regular one, for a family without bold or italic)."""
        return getattr(self, style.name.lower()) is None

    def path(self, style: Style = Style.REGULAR) -> Path:
        return self.face(style).path

    def pdf_name(self, style: Style = Style.REGULAR) -> str:
        return self.face(style).pdf_name

    def face_index(self, style: Style = Style.REGULAR) -> int:
        """The face of ``path(style)`` to embed: its index in a .ttc collection (0 for a .ttf)."""
        return self.face(style).index

    def metrics(self, style: Style = Style.REGULAR) -> FontMetrics:
        return self.face(style).metrics


def _folded(name: str) -> str:
    """A family name as it is compared: case and runs of spaces ignored."""
    return " ".join(name.split()).casefold()


# Every name a layout may use for a bundled family without a font file: the Office family it stands in for, the
# clone's own name and its aliases (Helvetica -> Liberation Sans, Times New Roman -> Liberation Serif, Courier New
# -> Liberation Mono, Calibri -> Carlito, Cambria -> Caladea, Microsoft JhengHei -> Noto Sans TC).
METRIC_CLONES: dict[str, FontFamily] = {
    _folded(alias): family
    for family in FAMILIES
    for alias in (family.office_family, family.name, *family.aliases)
}


def metric_clone(name: str) -> FontFamily | None:
    """The bundled family that measures ``name`` (an Office family, a clone's name or an alias), or None."""
    return METRIC_CLONES.get(_folded(name))


def known_family_names(slot: FontSlot | None = None) -> list[str]:
    """The Office family names of the bundled families (in ``slot``, if given), for messages and suggestions."""
    return [family.office_family for family in FAMILIES if slot is None or family.slot is slot]


def find_family(name: str | FileFamily, where: str = "") -> FontFamily | FileFamily:
    """The bundled family for an Office family name (``Arial``), an alias (``Helvetica``) or a clone's own name
    (``Liberation Sans``); a layout's own :class:`FileFamily` is its own answer.

    Case and surrounding spaces are ignored. An unknown name is a layout problem: only known metrics can
    promise a fit.
    """
    if isinstance(name, FileFamily):
        return name
    family = metric_clone(name)
    if family is not None:
        return family
    known = ", ".join(f"{family.office_family} ({family.name})" for family in FAMILIES)
    raise LayoutError(f"unknown font {name!r}; the fonts hkbrief can measure are {known}", where)


class FontStack:
    """A primary font and its fallbacks, as a writer sets mixed text: each character in the first font that has it.

    ``segments`` decides which font sets each part of a string; ``width`` is the sum of the segments' widths, so
    the PDF (which draws the segments) and the measurement agree. Neutral characters (spaces, punctuation) stay in
    the current run when its font has them, so ``香港 中文`` is one Noto Sans TC run, not three.
    """

    __slots__ = ("_first_font", "_units", "fonts")

    def __init__(self, fonts: Iterable[FontMetrics]) -> None:
        self.fonts: tuple[FontMetrics, ...] = tuple(fonts)
        if not self.fonts:
            raise ValueError("a font stack needs at least one font")
        self._first_font: dict[str, int | None] = {}
        self._units: dict[str, tuple[tuple[float, int], ...]] = {}  # text -> (units, per em) by font: :meth:`width`

    def __repr__(self) -> str:
        return f"FontStack({', '.join(font.postscript_name for font in self.fonts)})"

    def font_index(self, ch: str) -> int | None:
        """The first font in the stack that has ``ch``, or None."""
        try:
            return self._first_font[ch]
        except KeyError:
            index = next((i for i, font in enumerate(self.fonts) if font.covers(ch)), None)
            self._first_font[ch] = index
            return index

    def covers(self, ch: str) -> bool:
        return self.font_index(ch) is not None

    def missing(self, text: str) -> list[str]:
        """Characters no font in the stack has, each once, in order; they would print as boxes."""
        return [ch for ch in dict.fromkeys(text) if ch not in HARD_BREAKS and self.font_index(ch) is None]

    def _first_fonts(self, text: str) -> list[int | None]:
        """:meth:`font_index` of each character of ``text``: looked up all at once where every one is known."""
        try:
            return list(map(self._first_font.__getitem__, text))
        except KeyError:
            return list(map(self.font_index, text))

    def _choices(self, text: str) -> list[int]:
        """The index of the font that sets each character of ``text`` (the rule is in :meth:`segments`)."""
        indices = self._first_fonts(text)
        current = next((index for ch, index in zip(text, indices) if index is not None and ch.isalnum()), None)
        fonts = self.fonts
        choices: list[int] = []
        for ch, index in zip(text, indices):
            if index is None:
                choices.append(0 if current is None else current)
            elif ch.isalnum():  # a letter or digit starts a run; spaces and punctuation (neutral) stay in one
                current = index
                choices.append(index)
            elif current is not None and fonts[current].covers(ch):
                choices.append(current)
            else:
                choices.append(index)
                if current is None:
                    current = index
        return choices

    def _runs(self, text: str) -> list[tuple[int, int, int]]:
        """``(start, stop, font index)`` of each run of ``text`` one font sets, by :meth:`_choices`."""
        choices = self._choices(text)
        edges = [i for i in range(1, len(choices)) if choices[i] != choices[i - 1]]
        return [(start, stop, choices[start]) for start, stop in zip([0, *edges], [*edges, len(text)])]

    def segments(self, text: str) -> list[tuple[str, int]]:
        """``text`` split into ``(substring, font index)`` runs by coverage, zero-width characters left out.

        A character goes to the first font that has it, except that neutral characters and characters no font
        has stay in the current run (leading ones join the first run that can set them); a character no font has
        is measured as that run's missing-glyph box.
        """
        if not text:
            return []
        if self.fonts[0].covered_units(text) is not None:
            runs = [(text, 0)]
        else:
            runs = [(text[start:stop], index) for start, stop, index in self._runs(text)]
        if ZERO_WIDTH.isdisjoint(text):
            return runs
        # zero-width characters take no room and are never drawn (see ZERO_WIDTH)
        visible = [("".join(ch for ch in piece if ch not in ZERO_WIDTH), index) for piece, index in runs]
        return [(piece, index) for piece, index in visible if piece]

    def fonts_setting(self, text: str) -> set[int]:
        """The fonts that may set part of ``text``, however it is broken into lines: every font that
        :meth:`segments` gives some line of it is among these.

        A character is set in the first font that has it, or in the font of the run it is in (a font that
        sets a letter or digit of ``text``), or, where no font has it, in the stack's first: so the first font of
        every character, and the stack's first where one has none. A paragraph's line height is taken from
        these, so it does not depend on where its lines break.
        """
        if self.fonts[0].covered_units(text) is not None:
            return {0}
        if ZERO_WIDTH.isdisjoint(text) and HARD_BREAKS.isdisjoint(text):
            found = set(self._first_fonts(text))
        else:
            found = {index for ch, index in zip(text, self._first_fonts(text))
                     if ch not in ZERO_WIDTH and ch not in HARD_BREAKS}
        if None in found:
            found.discard(None)
            found.add(0)
        return found or {0}

    def width(self, text: str, size: float) -> float:
        """Width of ``text`` at ``size`` points, each character in the font :meth:`segments` gives it, in points.

        A text's width is its units in each font, scaled: the units do not depend on the size, so they are
        remembered by text (a paragraph is measured piece by piece at several sizes while it is fitted).
        """
        scales = self._units.get(text)
        if scales is None:
            primary = self.fonts[0]
            units = primary.covered_units(text)
            scales = ((units, primary.units_per_em),) if units is not None else self._units_of(text)
            if len(self._units) >= _MEASURED_LIMIT:
                self._units.clear()
            self._units[text] = scales
        if len(scales) == 1:  # one font sets it all (most pieces): the same sum, without a generator per call
            units, per_em = scales[0]
            return units * size / per_em
        return sum(units * size / per_em for units, per_em in scales)

    def _units_of(self, text: str) -> tuple[tuple[float, int], ...]:
        """(units, units per em) of each font of the stack that sets part of ``text``."""
        first_fonts = set(self._first_fonts(text))
        if len(first_fonts) == 1:
            (only,) = first_fonts
            if only is not None:
                return ((self.fonts[only].advance_units(text), self.fonts[only].units_per_em),)
        per_font = [0] * len(self.fonts)
        for start, stop, index in self._runs(text):  # run by run: each run's advances summed at once
            per_font[index] += self.fonts[index].advance_units(text[start:stop])
        return tuple((units, font.units_per_em) for units, font in zip(per_font, self.fonts) if units)

    def measure(self, size: float) -> Callable[[str], float]:
        """A ``measure(text) -> points`` function at ``size``, the shape ``linebreak`` asks for."""

        def measure(text: str) -> float:
            return self.width(text, size)

        return measure

    def ascender(self, size: float) -> float:
        """The tallest ascender in the stack at ``size``: mixed lines are as tall as their tallest font."""
        return max(font.ascender(size) for font in self.fonts)

    def descender(self, size: float) -> float:
        return max(font.descender(size) for font in self.fonts)

    def line_height(self, size: float) -> float:
        return max(font.line_height(size) for font in self.fonts)


def font_stack(
    family: str | FontFamily | FileFamily,
    style: Style = Style.REGULAR,
    east_asian: str | FontFamily | FileFamily | None = DEFAULT_EAST_ASIAN,
    where: str = "",
) -> FontStack:
    """The stack a run named with ``family`` (Latin slot) and ``east_asian`` (``a:ea`` slot) is measured with."""
    families: list[FontFamily | FileFamily] = [family if not isinstance(family, str) else find_family(family, where)]
    if east_asian is not None:
        fallback = east_asian if not isinstance(east_asian, str) else find_family(east_asian, where)
        if fallback not in families:
            families.append(fallback)
    return FontStack(item.metrics(style) for item in families)
