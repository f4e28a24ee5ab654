"""An overflow check that does not trust the fit engine: it asks LibreOffice and poppler where the text ended up.

``check_deck`` takes a deck and the PDF LibreOffice made of it. For every slide it reopens the deck with
python-pptx, takes every shape that carries text (its planned box, EMU -> points), takes every character
LibreOffice drew on that page (pdfplumber) and checks that

(a) the PDF has one page per slide (and pages of the slide's size, so the coordinates compare);
(b) every drawn character lies on the slide (within ``SLIDE_TOLERANCE``);
(c) every non-whitespace character of every text shape is among the characters whose centre lies inside that
    shape's box (within ``BOX_TOLERANCE``), compared as a multiset and case-insensitively (layouts may uppercase
    a role), after NFKC (so a ligature drawn as one glyph still counts as its letters).

``check_onepager`` takes a one-pager PDF: exactly one page, of the expected size if given, and no character inside
the page's margins.

``font_problems`` asks fontconfig (``fc-match``, the way LibreOffice finds fonts) what it gives for every family a
deck names: a judge that draws Calibri as DejaVu Sans reports overflow that is the machine's fault, not the deck's,
so a test checks the fonts first and fails with the missing package instead.

Both return a list of readable problems (slide number, shape name, what is missing and how far outside it was
drawn); ``assert_*`` wrappers fail with all of them at once. Nothing from ``hkbrief`` is imported here except what a
caller passes in, so the judge stays independent of what it judges.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

EMU_PER_POINT = 12_700
SLIDE_TOLERANCE = 0.5  # points a drawn character may stray past the slide's edge
BOX_TOLERANCE = 1.5  # points a character's centre may lie outside its shape's box
MARGIN_TOLERANCE = 0.01  # the one-pager's margins are a hard limit (this only absorbs coordinate rounding)
MM = 72 / 25.4
MIN_MARGIN = 10 * MM  # printers cannot print closer to the edge


@dataclass(frozen=True, slots=True)
class Rect:
    """A box in points, origin top-left (the PDF's page coordinates as pdfplumber gives them)."""

    x0: float
    top: float
    x1: float
    bottom: float

    def contains(self, x: float, y: float, tolerance: float = 0.0) -> bool:
        return (self.x0 - tolerance <= x <= self.x1 + tolerance
                and self.top - tolerance <= y <= self.bottom + tolerance)

    def distance(self, x: float, y: float) -> float:
        """How far a point lies outside the box (0 inside)."""
        dx = max(self.x0 - x, 0.0, x - self.x1)
        dy = max(self.top - y, 0.0, y - self.bottom)
        return (dx * dx + dy * dy) ** 0.5

    def __str__(self) -> str:
        return f"({self.x0:.1f}, {self.top:.1f})-({self.x1:.1f}, {self.bottom:.1f}) pt"


@dataclass(frozen=True, slots=True)
class TextShape:
    slide: int  # 1-based
    name: str
    box: Rect
    text: str
    runs: tuple[tuple[str, float], ...] = ()  # (text, planned size in points) of every run and field


@dataclass(frozen=True, slots=True)
class Glyph:
    text: str  # one character, NFKC-normalised and case-folded
    raw: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float = 0.0  # the font size it was drawn at, in points

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.top + self.bottom) / 2


def comparable(text: str) -> list[str]:
    """The characters that must be drawn: NFKC, case-folded, one character each, whitespace dropped."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return [ch for ch in folded if not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf")]


def _direction(box: Rect, x: float, y: float) -> str:
    parts = []
    if y < box.top:
        parts.append(f"{box.top - y:.1f} pt above")
    elif y > box.bottom:
        parts.append(f"{y - box.bottom:.1f} pt below")
    if x < box.x0:
        parts.append(f"{box.x0 - x:.1f} pt left of")
    elif x > box.x1:
        parts.append(f"{x - box.x1:.1f} pt right of")
    return " and ".join(parts) + " the box" if parts else "inside the box"


# -- reading the inputs -----------------------------------------------------------------------------------------


def deck_text_shapes(pptx_path: Path | str) -> tuple[tuple[float, float], list[list[TextShape]]]:
    """The slide size in points and, per slide, every shape with non-empty text (groups are walked)."""
    from pptx import Presentation
    from pptx.shapes.group import GroupShape

    presentation = Presentation(str(pptx_path))
    size = (presentation.slide_width / EMU_PER_POINT, presentation.slide_height / EMU_PER_POINT)
    slides: list[list[TextShape]] = []
    for number, slide in enumerate(presentation.slides, start=1):
        found: list[TextShape] = []

        def walk(shapes, _found=found, _number=number) -> None:
            for shape in shapes:
                if isinstance(shape, GroupShape):
                    walk(shape.shapes)
                    continue
                if not getattr(shape, "has_text_frame", False) or not shape.text_frame.text.strip():
                    continue
                if shape.left is None or shape.width is None:
                    raise AssertionError(f"slide {_number}: shape {shape.name!r} has text but no position of its"
                                         " own (inherited from the layout), so its box cannot be checked")
                x, y = shape.left / EMU_PER_POINT, shape.top / EMU_PER_POINT
                w, h = shape.width / EMU_PER_POINT, shape.height / EMU_PER_POINT
                _found.append(TextShape(_number, shape.name, Rect(x, y, x + w, y + h), shape.text_frame.text,
                                        _planned_runs(shape.text_frame._txBody)))

        walk(slide.shapes)
        slides.append(found)
    return size, slides


def _planned_runs(body) -> tuple[tuple[str, float], ...]:
    """Each run's (and field's) text and its size as written (``a:rPr/@sz``), None-sized runs left out."""
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    runs = []
    for run in body.iter(f"{a}r", f"{a}fld"):
        properties = run.find(f"{a}rPr")
        text = "".join(t.text or "" for t in run.iter(f"{a}t"))
        if properties is not None and properties.get("sz") and text:
            runs.append((text, int(properties.get("sz")) / 100))
    return tuple(runs)


def pdf_pages(pdf_path: Path | str) -> list[tuple[float, float, list[Glyph]]]:
    """Per page: width, height (points) and every drawn character, split into single comparable characters."""
    import pdfplumber

    pages = []
    with pdfplumber.open(str(pdf_path)) as pdf:
        for page in pdf.pages:
            glyphs = []
            for char in page.chars:
                for ch in comparable(char["text"]) or ([" "] if char["text"].isspace() else []):
                    glyphs.append(Glyph(ch, char["text"], char["x0"], char["top"], char["x1"], char["bottom"],
                                        float(char.get("size") or 0.0)))
            pages.append((float(page.width), float(page.height), glyphs))
    return pages


# -- the checks -------------------------------------------------------------------------------------------------


def _describe(chars: Counter) -> str:
    return ", ".join(f"{ch!r}" + (f" x{n}" if n > 1 else "") for ch, n in sorted(chars.items()))


def check_deck(pptx_path: Path | str, pdf_path: Path | str) -> list[str]:
    """Every problem found in a deck as rendered by LibreOffice (empty when the deck holds its promise)."""
    (slide_w, slide_h), slides = deck_text_shapes(pptx_path)
    pages = pdf_pages(pdf_path)
    problems: list[str] = []
    if len(pages) != len(slides):
        problems.append(f"the PDF has {len(pages)} pages for {len(slides)} slides")
    for number, (shapes, (page_w, page_h, glyphs)) in enumerate(zip(slides, pages), start=1):
        if abs(page_w - slide_w) > 1 or abs(page_h - slide_h) > 1:
            problems.append(f"slide {number}: PDF page is {page_w:.1f} x {page_h:.1f} pt, the slide "
                            f"{slide_w:.1f} x {slide_h:.1f} pt; coordinates cannot be compared")
            continue
        slide_box = Rect(0, 0, slide_w, slide_h)
        off = [g for g in glyphs if g.text != " " and not (
            slide_box.contains(g.x0, g.top, SLIDE_TOLERANCE) and slide_box.contains(g.x1, g.bottom, SLIDE_TOLERANCE))]
        if off:
            worst = max(off, key=lambda g: max(slide_box.distance(g.x0, g.top), slide_box.distance(g.x1, g.bottom)))
            far = max(slide_box.distance(worst.x0, worst.top), slide_box.distance(worst.x1, worst.bottom))
            text = "".join(g.raw for g in off)
            problems.append(f"slide {number}: {len(off)} character(s) drawn off the slide, up to {far:.1f} pt "
                            f"beyond its edge: {text[:80]!r}")
        for shape in shapes:
            problem = _check_shape(shape, glyphs)
            if problem:
                problems.append(problem)
    return problems


def _check_shape(shape: TextShape, glyphs: list[Glyph]) -> str | None:
    wanted = Counter(comparable(shape.text))
    inside = Counter(g.text for g in glyphs if shape.box.contains(*g.centre, BOX_TOLERANCE))
    missing = wanted - inside
    if not missing:
        return None
    # Where did the missing characters go? The nearest drawn copy outside the box says how far it spilled.
    spills = []
    for ch in missing:
        outside = [g for g in glyphs if g.text == ch and not shape.box.contains(*g.centre, BOX_TOLERANCE)]
        if outside:
            nearest = min(outside, key=lambda g: shape.box.distance(*g.centre))
            spills.append((shape.box.distance(*nearest.centre), ch, nearest))
    if spills:
        far, ch, glyph = max(spills, key=lambda item: item[0])
        line = sorted((g for g in glyphs if abs(g.top - glyph.top) < 1 and abs(g.x0 - glyph.x0) < 120),
                      key=lambda g: g.x0)
        context = "".join(g.raw for g in line)
        detail = (f"; drawn outside it, e.g. {ch!r} {_direction(shape.box, *glyph.centre)} "
                  f"(up to {far:.1f} pt away) in {context!r}")
    else:
        detail = "; not drawn anywhere on the page (lost or substituted)"
    snippet = " ".join(shape.text.split())
    return (f"slide {shape.slide}, shape {shape.name!r} at {shape.box}: {sum(missing.values())} of "
            f"{sum(wanted.values())} characters not inside the box: {_describe(missing)}{detail}. "
            f"Text: {snippet[:100]!r}")


SIZE_TOLERANCE = 0.05  # points: LibreOffice writes sizes to the hundredth of a point


def check_sizes(pptx_path: Path | str, pdf_path: Path | str) -> list[str]:
    """Text drawn smaller than planned: every character inside a text box must be drawn at a size one of its runs
    names (a viewer that shrank the text to make it fit would show here)."""
    _, slides = deck_text_shapes(pptx_path)
    pages = pdf_pages(pdf_path)
    problems = []
    for shapes, (_, _, glyphs) in zip(slides, pages):
        for shape in shapes:
            planned: dict[str, set[float]] = {}
            for text, size in shape.runs:
                for ch in comparable(text):
                    planned.setdefault(ch, set()).add(size)
            smaller = [(g, max(planned[g.text])) for g in glyphs
                       if g.text in planned and shape.box.contains(*g.centre, BOX_TOLERANCE)
                       and all(abs(g.size - size) > SIZE_TOLERANCE for size in planned[g.text])]
            if smaller:
                scale = min(g.size / size for g, size in smaller)
                problems.append(f"slide {shape.slide}, shape {shape.name!r}: {len(smaller)} character(s) drawn at "
                                f"other than their planned size, down to {scale:.0%} of it "
                                f"(e.g. {smaller[0][0].raw!r} at {smaller[0][0].size:.2f} pt for "
                                f"{smaller[0][1]:.2f} pt)")
    return problems


def count_outside(pptx_path: Path | str, pdf_path: Path | str) -> int:
    """How many of the deck's characters are not drawn inside their box (a figure for the notes)."""
    _, slides = deck_text_shapes(pptx_path)
    pages = pdf_pages(pdf_path)
    total = 0
    for shapes, (_, _, glyphs) in zip(slides, pages):
        for shape in shapes:
            wanted = Counter(comparable(shape.text))
            inside = Counter(g.text for g in glyphs if shape.box.contains(*g.centre, BOX_TOLERANCE))
            total += sum((wanted - inside).values())
    return total


def check_onepager(pdf_path: Path | str, margins: tuple[float, float, float, float] | None = None,
                   size: tuple[float, float] | None = None) -> list[str]:
    """Problems of a one-pager: not one page, wrong size, or characters in the margins.

    ``margins`` is (top, right, bottom, left) in points; each is taken as at least 10 mm.
    """
    pages = pdf_pages(pdf_path)
    problems: list[str] = []
    if len(pages) != 1:
        problems.append(f"the one-pager has {len(pages)} pages, not 1")
    if not pages:
        return problems
    width, height, glyphs = pages[0]
    if size is not None and (abs(width - size[0]) > 1 or abs(height - size[1]) > 1):
        problems.append(f"page is {width:.2f} x {height:.2f} pt, expected {size[0]:.2f} x {size[1]:.2f} pt")
    top, right, bottom, left = (max(m, MIN_MARGIN) for m in (margins or (MIN_MARGIN,) * 4))
    area = Rect(left, top, width - right, height - bottom)
    tol = MARGIN_TOLERANCE
    stray = [g for g in glyphs if g.text != " " and not (area.contains(g.x0, g.top, tol)
                                                         and area.contains(g.x1, g.bottom, tol))]
    if stray:
        worst = max(stray, key=lambda g: max(area.distance(g.x0, g.top), area.distance(g.x1, g.bottom)))
        far = max(area.distance(worst.x0, worst.top), area.distance(worst.x1, worst.bottom))
        problems.append(f"{len(stray)} character(s) in the margins (printable area {area}), up to {far:.1f} pt "
                        f"into them, e.g. {worst.raw!r} at ({worst.x0:.1f}, {worst.top:.1f}): "
                        f"{''.join(g.raw for g in stray)[:80]!r}")
    return problems


def _fail(problems: list[str], what: str) -> None:
    if problems:
        raise AssertionError(f"{what}: {len(problems)} problem(s):\n  " + "\n  ".join(problems))


def assert_deck_fits(pptx_path: Path | str, pdf_path: Path | str) -> None:
    _fail(check_deck(pptx_path, pdf_path), f"{Path(pptx_path).name} as LibreOffice draws it")


def assert_onepager_fits(pdf_path: Path | str, margins=None, size=None) -> None:
    _fail(check_onepager(pdf_path, margins, size), Path(pdf_path).name)


# -- the fonts LibreOffice will use ---------------------------------------------------------------------------

# The metric-compatible clone of each proprietary family, and the Debian package that provides it. A family not
# listed here must be installed under its own name.
METRIC_CLONES = {
    "Calibri": ("Carlito", "fonts-crosextra-carlito"),
    "Cambria": ("Caladea", "fonts-crosextra-caladea"),
    "Arial": ("Liberation Sans", "fonts-liberation2"),
    "Helvetica": ("Liberation Sans", "fonts-liberation2"),
    "Times New Roman": ("Liberation Serif", "fonts-liberation2"),
    "Courier New": ("Liberation Mono", "fonts-liberation2"),
}
# Han text has no metric clone: every CJK font draws a Han character one em wide, so any font covering the
# edition's language will do; one must be there, or LibreOffice draws boxes.
CJK_LANGUAGE = "zh-hk"
CJK_PACKAGE = "fonts-arphic-uming"


# Where Debian puts the clones; a viewer without them is simulated by rejecting these folders.
CLONE_FOLDERS = (
    "/usr/share/fonts/truetype/crosextra",
    "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts/truetype/liberation2",
)


def fontconfig_without_clones(folder: Path) -> dict[str, str]:
    """The environment of a viewer without the metric clones: the system's fontconfig, the clones rejected."""
    folder.mkdir(parents=True, exist_ok=True)
    globs = "".join(f"<glob>{path}/*</glob>" for path in CLONE_FOLDERS)
    config = folder / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        "  <include>/etc/fonts/fonts.conf</include>\n"
        f"  <selectfont><rejectfont>{globs}</rejectfont></selectfont>\n</fontconfig>\n",
        encoding="utf-8")
    return dict(os.environ, FONTCONFIG_FILE=str(config))


def deck_font_families(pptx_path: Path | str) -> tuple[set[str], set[str]]:
    """The Latin and the East Asian typefaces the deck's runs name (``a:latin`` / ``a:ea``, theme fonts skipped)."""
    import zipfile

    latin: set[str] = set()
    east_asian: set[str] = set()
    with zipfile.ZipFile(pptx_path) as package:
        for name in package.namelist():
            if not (name.startswith("ppt/slides/slide") and name.endswith(".xml")):
                continue
            xml = package.read(name).decode("utf-8")
            for tag, found in (("latin", latin), ("ea", east_asian)):
                for face in re.findall(rf'<a:{tag} typeface="([^"]*)"', xml):
                    if face and not face.startswith("+"):
                        found.add(face)
    return latin, east_asian


def fc_match(pattern: str, env: dict[str, str] | None = None) -> tuple[str, str]:
    """The family fontconfig gives for a pattern, and the languages that font covers."""
    fc = shutil.which("fc-match")
    if fc is None:
        raise AssertionError("fc-match is not installed (apt-get install fontconfig): cannot tell which fonts "
                             "LibreOffice will draw with")
    result = subprocess.run([fc, "--format=%{family[0]}\t%{lang}", pattern], capture_output=True, text=True,
                            env=env, timeout=60, check=True)
    family, _, languages = result.stdout.partition("\t")
    return family, languages


def font_problems(pptx_path: Path | str, env: dict[str, str] | None = None, clones: bool = True) -> list[str]:
    """What is wrong with the fonts LibreOffice would use for this deck, in the font world ``env`` sets up.

    ``clones=True``: every family must map to itself or to its metric clone, and Han text to a font covering it.
    ``clones=False`` (the world of a viewer without the clones): no family may map to a metric clone, otherwise
    the "without" judgement judges nothing.
    """
    latin, east_asian = deck_font_families(pptx_path)
    problems = []
    for family in sorted(latin):
        got, _ = fc_match(family, env)
        clone, package = METRIC_CLONES.get(family, (family, None))
        if clones and got.casefold() not in (family.casefold(), clone.casefold()):
            where = f"; install {package}" if package else ""
            problems.append(f"fontconfig gives {got!r} for {family!r}, not {clone!r}, whose widths the deck was "
                            f"planned with: LibreOffice would draw it wider or narrower than planned{where}")
        if not clones and got.casefold() == clone.casefold() and clone != family:
            problems.append(f"fontconfig still gives the metric clone {got!r} for {family!r}: the clones are not "
                            "hidden")
    if clones:
        for family in sorted(east_asian):
            got, languages = fc_match(f"{family}:lang={CJK_LANGUAGE}", env)
            if CJK_LANGUAGE not in languages.split("|"):
                problems.append(f"fontconfig has no font for {CJK_LANGUAGE} text ({family!r} gives {got!r}); "
                                f"install {CJK_PACKAGE}")
    return problems


def assert_fonts_available(pptx_path: Path | str, env: dict[str, str] | None = None, clones: bool = True) -> None:
    _fail(font_problems(pptx_path, env, clones), f"{Path(pptx_path).name}: the fonts LibreOffice would use")


# -- LibreOffice ------------------------------------------------------------------------------------------------


def convert_with_libreoffice(soffice: str, decks: list[Path], out_dir: Path, timeout: float = 600,
                             env: dict[str, str] | None = None) -> list[Path]:
    """Convert decks to PDF in one LibreOffice run with a throwaway profile; returns the PDFs in input order.

    The decks' file stems must be distinct (LibreOffice names each PDF after its deck). ``env`` sets the font
    world (see ``fontconfig_without_clones``); the default is this process's environment.
    """
    stems = [deck.stem for deck in decks]
    assert len(set(stems)) == len(stems), f"deck names must be distinct: {stems}"
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hkbrief-lo-") as profile:
        env = dict(os.environ if env is None else env, HOME=profile)
        result = subprocess.run(
            [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
             "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, decks)],
            capture_output=True, text=True, timeout=timeout, env=env, stdin=subprocess.DEVNULL,
        )
    pdfs = [out_dir / f"{deck.stem}.pdf" for deck in decks]
    missing = [str(p) for p in pdfs if not p.is_file()]
    if missing:
        raise AssertionError(f"LibreOffice did not convert {missing} (exit {result.returncode}):\n"
                             f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return pdfs
