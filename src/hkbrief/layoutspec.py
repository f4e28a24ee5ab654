"""The layout file format: a human-edited TOML file that sets the theme, the deck and the one-pager.

A layout may ``extends = "default"`` (or a path) and override only the keys it names; tables merge, everything
else replaces. ``[fonts."Brand Sans"]`` declares a family by its files (relative to the layout file that names
them); roles and ``theme.east_asian_family`` then name it like a bundled one, and the files are read and checked
(:mod:`hkbrief.fontfile`) when the layout loads. Loading validates every key with one-line path errors
(``layouts/print.toml: theme.colors.accent: expected #RRGGBB``) and checks colour contrast (WCAG 2.1: 4.5:1 for
text, 3:1 for text of 18 pt and more) for every text role against the colour it is drawn on.
"""

from __future__ import annotations

import copy
import re
import tomllib
import dataclasses
import hashlib
import os
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from hkbrief import fontfile, textfit
from hkbrief.colour import Colour
from hkbrief.errors import LayoutError, Problem, did_you_mean, shown
from hkbrief.geometry import POINTS_PER_MM, Insets, mm

MAX_LAYOUT_BYTES = 256 * 1024
MAX_GROWTH = 2.0  # onepager.max_scale: type twice its size is a poster, not a brief


class SlideSize(StrEnum):
    WIDE = "16:9"
    STANDARD = "4:3"


class SlideKind(StrEnum):
    """The slide types a deck sequence can name."""

    TITLE = "title"
    AGENDA = "agenda"
    SECTIONS = "sections"
    STATS = "stats"
    QUOTES = "quotes"
    SOURCES = "sources"
    CLOSING = "closing"


class StatArrangement(StrEnum):
    ROW = "row"
    GRID = "grid"
    ONE_PER_SLIDE = "one-per-slide"
    BESIDE_SECTION = "beside-section"


class QuoteTreatment(StrEnum):
    FULL_SLIDE = "full-slide"
    SIDEBAR = "sidebar"
    BAND = "band"


class BilingualDeck(StrEnum):
    """How the bilingual edition (``--lang bilingual``) sets the deck's English and Traditional Chinese."""

    STACKED = "stacked"  # every slide in both languages: the Chinese under the English
    HALVES = "halves"  # every slide in English, then every slide again in Traditional Chinese


class BilingualPage(StrEnum):
    """How the bilingual edition (``--lang bilingual``) sets the one-pager's English and Traditional Chinese."""

    STACKED = "stacked"  # the Chinese under the English in every block
    COLUMNS = "columns"  # the sections in an English column and a Chinese column; header, figures, quotes shared


class FitPolicy(StrEnum):
    """What to do when text does not fit its frame at its size."""

    SHRINK = "shrink"  # step the size down to the role's min_size
    CONTINUE = "continue"  # shrink, then carry the rest onto a further slide "Heading (cont.)"
    FAIL = "fail"  # refuse the build, naming the frame and the overflow


class FitTarget(StrEnum):
    """The deck frames a fit policy can be set for."""

    TITLE = "title"
    BODY = "body"
    QUOTE = "quote"
    STAT = "stat"


class DeckLogo(StrEnum):
    """Where the deck shows the theme's logo."""

    CORNER = "corner"  # every slide, in the top right corner beside the title
    FOOTER = "footer"  # every slide, at the right of the footer line (needs deck.footer)
    TITLE = "title"  # the title slide only, above the title
    NONE = "none"


class PageLogo(StrEnum):
    """Where the one-pager shows the theme's logo."""

    HEADER = "header"  # at the right of the header, level with the title
    NONE = "none"


class Paper(StrEnum):
    A4 = "a4"
    LETTER = "letter"


class Block(StrEnum):
    """The one-pager's blocks, in the order the layout names them."""

    HEADER = "header"
    STATS = "stats"
    QUOTES = "quotes"
    SECTIONS = "sections"
    SOURCES = "sources"


class Role(StrEnum):
    """Text roles: each has a font, size, minimum size, line spacing and colour, per output."""

    TITLE = "title"
    SUBTITLE = "subtitle"
    HEADING = "heading"
    BODY = "body"
    STAT_VALUE = "stat_value"
    STAT_LABEL = "stat_label"
    QUOTE = "quote"
    ATTRIBUTION = "attribution"
    CAPTION = "caption"
    FOOTER = "footer"


class Weight(StrEnum):
    REGULAR = "regular"
    BOLD = "bold"


class FontStyle(StrEnum):
    NORMAL = "normal"
    ITALIC = "italic"


# A family is a name textfit has a metric clone for (Arial, Helvetica, ...) or a family the layout brings by file.
Family = str | textfit.FileFamily


def family_name(family: Family) -> str:
    """The family as the layout names it (and the deck writes it)."""
    return family if isinstance(family, str) else family.name


@dataclass(frozen=True, slots=True)
class RoleStyle:
    family: Family
    size: float
    min_size: float
    weight: Weight
    style: FontStyle
    line_spacing: float  # multiple of the size, baseline to baseline
    color: Colour
    on: Colour  # the colour this text is drawn on, for the contrast check
    uppercase: bool = False


@dataclass(frozen=True, slots=True)
class Theme:
    colors: dict[str, Colour]
    east_asian_family: Family
    logo: Path | None = None  # a PNG or JPEG inside the layout's folder (checked, not yet decoded)
    logo_alt: str | None = None  # None: the content's organisation names the logo


@dataclass(frozen=True, slots=True)
class DeckSpec:
    size: SlideSize
    margins: Insets  # points
    columns: int
    gutter: float
    sequence: tuple[SlideKind, ...]
    stats: StatArrangement
    stats_per_slide: int
    quotes: QuoteTreatment
    fit: dict[FitTarget, FitPolicy]
    roles: dict[Role, RoleStyle]
    footer: bool
    bilingual: BilingualDeck = BilingualDeck.STACKED
    logo: DeckLogo = DeckLogo.CORNER
    logo_on_master: bool = True  # on the slide master, so slides added in PowerPoint carry it too


@dataclass(frozen=True, slots=True)
class OnePagerSpec:
    paper: Paper
    margins: Insets  # points (written in millimetres in the file)
    columns: int
    gutter: float
    blocks: tuple[Block, ...]
    max_stats: int
    max_quotes: int
    roles: dict[Role, RoleStyle]
    colors: dict[str, Colour]  # the print palette: theme.colors with [onepager.theme.colors] over them
    logo: PageLogo = PageLogo.HEADER
    # how far every role may grow, together, to fill the page when the content is short (the mirror of shrinking
    # to min_size); 1 keeps the sizes as written
    max_scale: float = 1.0
    bilingual: BilingualPage = BilingualPage.STACKED


@dataclass(frozen=True, slots=True)
class TemplateChoice:
    """``template = "brand.potx"`` (or ``[template] file = ...``) in a layout file: the PowerPoint template the deck
    is built on, its path resolved against the layout file that names it, and any slide kinds the layout maps onto
    layouts by name (``[template.layouts] sections = "Content"``)."""

    file: str
    where: str  # "layouts/brand.toml: template", for messages about the template file
    layouts: dict[SlideKind, str] = field(default_factory=dict)
    fonts: dict[str, str] = field(default_factory=dict)  # a template font -> the measurable family used instead
    colors: dict[str, str] = field(default_factory=dict)  # layout colour name -> "#RRGGBB", over the template's


@dataclass(frozen=True, slots=True)
class Layout:
    name: str
    description: str
    theme: Theme
    deck: DeckSpec
    onepager: OnePagerSpec
    path: str
    fonts: dict[str, textfit.FileFamily] = field(default_factory=dict)  # the layout's own, by declared name
    notes: tuple[str, ...] = ()  # what a user should know but that does not stop the build (a missing bold face)
    template: TemplateChoice | None = None


# The names a layout may give without a font file are textfit's: what it has metrics for decides what fits.
OFFICE_FAMILIES = tuple(textfit.known_family_names(textfit.FontSlot.LATIN))
EAST_ASIAN_FAMILIES = tuple(textfit.known_family_names(textfit.FontSlot.EAST_ASIAN))


FACE_KEYS = ("regular", "bold", "italic", "bold_italic")


def _measurable(family: object, slot: textfit.FontSlot) -> bool:
    """Whether textfit can measure ``family`` (a name, any case) in ``slot`` without a font file."""
    clone = textfit.metric_clone(family) if isinstance(family, str) else None
    return clone is not None and clone.slot is slot
REQUIRED_COLORS = ("background", "text", "muted", "accent", "on_accent", "surface", "rule")


def builtin_layout_dir() -> Path:
    """Where the built-in layouts are: inside the installed package, or the repository's ``layouts/``."""
    packaged = Path(__file__).with_name("layouts")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "layouts"


def builtin_layout_names() -> list[str]:
    return sorted(p.stem for p in builtin_layout_dir().glob("*.toml"))


_parsed: dict[bytes, dict[str, Any]] = {}  # a layout file's bytes -> its TOML, parsed once per process


def _read_toml(path: Path, where: str) -> dict[str, Any]:
    try:
        if not path.is_file():
            raise LayoutError("is not a file", where)
        if path.stat().st_size > MAX_LAYOUT_BYTES:
            raise LayoutError(f"the file is larger than {MAX_LAYOUT_BYTES:,} bytes", where)
        data = path.read_bytes()
    except OSError as exc:
        raise LayoutError(f"cannot read: {exc.strerror}", where) from None
    parsed = _parsed.get(data)
    if parsed is None:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise LayoutError("is not UTF-8; save it as UTF-8", where) from None
        try:
            parsed = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise LayoutError(f"invalid TOML: {exc}", where) from None
        if len(_parsed) >= _LAYOUTS_KEPT:
            _parsed.clear()
        _parsed[data] = parsed
    return copy.deepcopy(parsed)  # the caller resolves paths and merges in place


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _resolve_path(name_or_path: str, relative_to: Path | None) -> tuple[Path, str]:
    """A built-in name (``print``) or a path to a .toml file; returns the path and the name used in messages."""
    looks_like_path = name_or_path.endswith(".toml") or "/" in name_or_path or "\\" in name_or_path
    if not looks_like_path:
        candidate = builtin_layout_dir() / f"{name_or_path}.toml"
        if candidate.is_file():
            return candidate, f"layouts/{name_or_path}.toml"
        names = builtin_layout_names()
        raise LayoutError(f'no layout named "{name_or_path}"{did_you_mean(name_or_path, names)}; '
                          "give a built-in name or the path of a .toml file", "--layout")
    path = Path(name_or_path)
    if not path.is_absolute() and relative_to is not None:
        path = relative_to / path
    if not path.exists():
        raise LayoutError("no such layout file", str(name_or_path))
    return path, str(name_or_path)


@dataclass(frozen=True, slots=True)
class _Located:
    """A value that names a file, with the folder of the layout file it was written in (paths are relative to it)."""

    value: Any
    folder: Path


def _locate_files(raw: dict[str, Any], folder: Path) -> None:
    """Tag every face of ``[fonts.*]`` and ``theme.logo`` with the folder they are relative to, before ``extends``
    merges the files."""
    theme = raw.get("theme")
    if isinstance(theme, dict) and "logo" in theme:
        theme["logo"] = _Located(theme["logo"], folder)
    fonts = raw.get("fonts")
    if not isinstance(fonts, dict):
        return
    for faces in fonts.values():
        if isinstance(faces, dict):
            for key, value in faces.items():
                faces[key] = _Located(value, folder)


def _load_raw(name_or_path: str, relative_to: Path | None, chain: tuple[str, ...]) -> tuple[dict[str, Any], str]:
    """The layout's table merged over its ``extends`` chain; a parent that cannot be found, or that leads back
    to a layout already in the chain, is reported at the ``extends`` key of the file that names it."""
    path, where = _resolve_path(name_or_path, relative_to)
    key = str(path.resolve())
    raw = _read_toml(path, where)
    _locate_files(raw, path.parent)
    _anchor_template(raw, path.parent, where)
    parent = raw.pop("extends", None)
    if parent is None:
        return raw, where
    at = f"{where}: extends"
    if not isinstance(parent, str):
        raise LayoutError("expected the name or path of a layout", at)
    try:
        parent_path, _ = _resolve_path(parent, path.parent)
    except LayoutError as exc:
        raise LayoutError(exc.problems[0].message, at) from None
    if str(parent_path.resolve()) in chain + (key,):
        raise LayoutError(f"{shown(parent)} extends itself, through a cycle of extends; extend another layout", at)
    base, _ = _load_raw(parent, path.parent, chain + (key,))
    base.pop("description", None)
    return _merge(base, raw), where


_TEMPLATE_KEY_ALIASES = {"section": "sections", "stat": "stats", "quote": "quotes", "source": "sources"}


def _anchor_template(raw: dict[str, Any], folder: Path, where: str) -> None:
    """Resolve ``template`` against the folder of the layout file that names it (before ``extends`` merges it
    into a child elsewhere), and keep that file's name for messages; ``template = "x.potx"`` becomes the table
    form ``{ file = ..., where = ... }``."""
    value = raw.get("template")
    if isinstance(value, str):
        value = {"file": value}
        raw["template"] = value
    if isinstance(value, dict) and isinstance(value.get("file"), str):
        file = Path(value["file"]).expanduser()
        value["file"] = str(file if file.is_absolute() else folder / file)
        value["_where"] = f"{where}: template"


_LAYOUTS_KEPT = 16  # validated layouts remembered: the few a watch session or a batch uses
_validated: dict[tuple[str, str, str], Layout] = {}


def load_layout(name_or_path: str = "default") -> Layout:
    """Load, merge (``extends``), validate and contrast-check a layout.

    The files are read every time; a layout that names no other file (no fonts, logo or template, which may
    change on their own) is validated once per process for the same merged text, so a batch or a ``watch``
    session does not check the same layout for every build.
    """
    raw, where = _load_raw(name_or_path, Path.cwd(), ())
    name = Path(where).stem
    key = (where, name, repr(raw)) if not _names_files(raw) else None
    if key is not None and key in _validated:
        return _validated[key]
    layout = _LayoutReader(where).layout(raw, name)
    if key is not None:
        if len(_validated) >= _LAYOUTS_KEPT:
            _validated.clear()
        _validated[key] = layout
    return layout


def _names_files(raw: dict[str, Any]) -> bool:
    """Whether a merged layout names files of its own: fonts, a logo or a template."""
    theme = raw.get("theme")
    return "fonts" in raw or "template" in raw or (isinstance(theme, dict) and "logo" in theme)


def relative_luminance(hex_color: str) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2.1 contrast ratio of two #RRGGBB colours (1 to 21)."""
    a, b = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


class _LayoutReader:
    def __init__(self, where: str) -> None:
        self.where = where
        self.problems: list[Problem] = []
        self.fonts: dict[str, textfit.FileFamily] = {}
        self.broken_fonts: set[str] = set()

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(f"{self.where}: {path}", message))

    def table(self, raw: Any, path: str, keys: tuple[str, ...], required: tuple[str, ...] = ()) -> dict[str, Any]:
        if not isinstance(raw, dict):
            self.fail(path, f"expected a table, found {type(raw).__name__}")
            return {}
        for key in raw:
            if key not in keys:
                plain = re.fullmatch(r"[A-Za-z0-9_-]{1,64}", key)
                at = (f"{path}.{key}" if path else key) if plain else f"{path}[{shown(key)}]"
                self.fail(at, f"unknown key{did_you_mean(key, keys) if plain else ''}")
        for key in required:
            if key not in raw:
                self.fail(f"{path}.{key}" if path else key, "missing (required)")
        return raw

    def number(self, raw: Any, path: str, low: float, high: float) -> float | None:
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            self.fail(path, f"expected a number from {low:g} to {high:g}")
            return None
        if not low <= raw <= high:
            self.fail(path, f"{raw:g} is out of range; expected {low:g} to {high:g}")
            return None
        return float(raw)

    def choice(self, raw: Any, path: str, enum: type[StrEnum]) -> Any:
        options = [str(x) for x in enum]
        try:
            return enum(raw)
        except ValueError:
            self.fail(path, f"{shown(str(raw))} is not allowed{did_you_mean(str(raw), options)}")
            return None

    def color(self, raw: Any, path: str, colors: dict[str, Colour]) -> Colour | None:
        """A theme colour by name, or a #RRGGBB colour; None (and a problem noted) for anything else."""
        if isinstance(raw, str) and raw in colors:
            return colors[raw]
        if Colour.is_valid(raw):
            return Colour(raw.upper())
        self.fail(path, f"expected #RRGGBB or a theme colour ({', '.join(colors)})")
        return None

    def margins(self, raw: Any, path: str, scale: float, high: float) -> Insets | None:
        """One number for all four sides, or a table of top, right, bottom and left, times ``scale`` (to points)."""
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            value = self.number(raw, path, 0, high)
            return None if value is None else Insets(*(value * scale,) * 4)
        table = self.table(raw, path, ("top", "right", "bottom", "left"), ("top", "right", "bottom", "left"))
        values = [self.number(table.get(k), f"{path}.{k}", 0, high) if k in table else None
                  for k in ("top", "right", "bottom", "left")]
        if any(v is None for v in values):
            return None
        top, right, bottom, left = (v * scale for v in values)  # type: ignore[operator]
        return Insets(left=left, top=top, right=right, bottom=bottom)

    def layout(self, raw: dict[str, Any], name: str) -> Layout:
        self.table(raw, "", ("description", "fonts", "theme", "deck", "onepager", "template"),
                   ("theme", "deck", "onepager"))
        description = raw.get("description", "")
        if not isinstance(description, str):
            self.fail("description", "expected a string")
        self.fonts = self.font_files(raw.get("fonts", {}))
        theme = self.theme(raw.get("theme", {}))
        deck = self.deck(raw.get("deck", {}), theme) if theme else None
        onepager = self.onepager(raw.get("onepager", {}), theme) if theme else None
        template = self.template(raw["template"]) if "template" in raw else None
        if self.problems or theme is None or deck is None or onepager is None:
            raise LayoutError(self.problems or [Problem(self.where, "invalid layout")])
        notes = self.fallback_notes(theme, deck, onepager)
        return Layout(name, str(description), theme, deck, onepager, self.where, self.fonts, notes, template)

    def font_files(self, raw: Any) -> dict[str, textfit.FileFamily]:
        """``[fonts."Family"]`` tables: each face a path or ``{ file, index }``, read and checked now."""
        if not isinstance(raw, dict):
            self.fail("fonts", f"expected a table of families, found {type(raw).__name__}")
            return {}
        families: dict[str, textfit.FileFamily] = {}
        for name, faces_raw in raw.items():
            at = f"fonts.{shown(name)}"
            self.broken_fonts.add(name)  # until all its faces have been read
            if not re.fullmatch(r"[^\x00-\x1f\x7f-\x9f\"<>&]{1,64}", name) or name != name.strip():
                self.fail(at, "a family name is 1 to 64 characters, without control characters, quotes, <, > or &,"
                          " and without spaces at either end")
                continue
            faces_table = self.table(faces_raw, at, FACE_KEYS)
            if "regular" not in faces_table:
                if isinstance(faces_raw, dict):
                    self.fail(f"{at}.regular", "missing: a family needs its regular face (bold and italic are"
                              " optional and fall back to it)")
                continue
            faces: dict[str, textfit.FileFace] = {}
            for key in FACE_KEYS:
                if key in faces_table:
                    face = self.font_face(faces_table[key], f"{at}.{key}")
                    if face is not None:
                        faces[key] = face
            if len(faces) == len([key for key in faces_table if key in FACE_KEYS]):
                families[name] = textfit.FileFamily(name, **faces)
                self.broken_fonts.discard(name)
        return families

    def font_face(self, located: Any, at: str) -> textfit.FileFace | None:
        value, folder = (located.value, located.folder) if isinstance(located, _Located) else (located, Path.cwd())
        index: Any = 0
        if isinstance(value, dict):
            self.table(value, at, ("file", "index"), ("file",))
            given, index = value.get("file"), value.get("index", 0)
            if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < 1024:
                self.fail(f"{at}.index", "expected the number of a face in the collection: 0, 1, 2, ...")
                return None
        else:
            given = value
        if not isinstance(given, str) or not given.strip():
            self.fail(at, 'expected the path of a .ttf or .ttc file, or { file = "....ttc", index = 1 }')
            return None
        path = Path(os.path.abspath(folder / given))  # an absolute path stays itself; ".." is folded away
        try:
            info, data = fontfile.read_face(path, index)
        except fontfile.FontFileError as exc:
            self.fail(at, f"{shown(given)} {exc}")
            return None
        # named after its content alone: a font saved again under the same file name (in a watch session) is another
        # face, and the same font kept in another folder gives the same PDF
        tag = hashlib.md5(f"{index}#{info.digest}".encode(), usedforsecurity=False).hexdigest()[:6]
        plain = re.sub(r"[^A-Za-z0-9-]", "", info.postscript_name)[:48] or "Font"
        metrics = textfit.FontMetrics.from_json(data, folder)
        return textfit.FileFace(path, index, metrics, f"{plain}-{tag}")

    def logo(self, located: Any) -> Path | None:
        """``theme.logo``: a path inside the folder of the layout file that names it (no ``..`` or link out)."""
        value, folder = (located.value, located.folder) if isinstance(located, _Located) else (located, Path.cwd())
        if not isinstance(value, str) or not value.strip():
            self.fail("theme.logo", "expected the path of a PNG or JPEG file, relative to the layout file")
            return None
        if Path(value).is_absolute() or "\\" in value:
            self.fail("theme.logo", f"{shown(value)}: give a path relative to the layout file, with /")
            return None
        path = (folder / value).resolve()
        if not path.is_relative_to(folder.resolve()):
            self.fail("theme.logo", f"{shown(value)} is outside the layout file's folder (through .. or a symbolic"
                      " link); put the logo beside the layout")
            return None
        if path.suffix.lower() not in (".png", ".jpg", ".jpeg"):
            self.fail("theme.logo", f"{shown(value)}: the logo must be a PNG or JPEG file (.png, .jpg, .jpeg)")
            return None
        return path

    def family(self, raw: Any, at: str, slot: textfit.FontSlot) -> Family | None:
        """A role's or the theme's family: a declared font (case as declared) or a name textfit can measure."""
        if isinstance(raw, str) and raw in self.fonts:
            return self.fonts[raw]
        if isinstance(raw, str) and raw in self.broken_fonts:
            return None  # declared, and its problem already reported at fonts."..."
        if _measurable(raw, slot):
            return str(raw)
        declared = list(self.fonts)
        known = declared + list(OFFICE_FAMILIES if slot is textfit.FontSlot.LATIN else EAST_ASIAN_FAMILIES)
        self.fail(at, f"{shown(str(raw))} has no bundled metric font and no [fonts.{shown(str(raw))}] files in the"
                  f" layout{did_you_mean(str(raw), known)}")
        return None

    def fallback_notes(self, theme: Theme, deck: DeckSpec, onepager: OnePagerSpec) -> tuple[str, ...]:
        """Say once per family and style when a declared family sets a style in another face."""
        wanted: dict[str, set[textfit.Style]] = {}
        east_asian = theme.east_asian_family
        for roles in (deck.roles, onepager.roles):
            for role in roles.values():
                style = textfit.Style.of(role.weight is Weight.BOLD, role.style is FontStyle.ITALIC)
                for family in (role.family, east_asian):
                    if isinstance(family, textfit.FileFamily):
                        wanted.setdefault(family.name, set()).add(style)
        notes = []
        for name, styles in wanted.items():
            family = self.fonts[name]
            for style in sorted(styles, key=list(textfit.Style).index):
                if family.lacks(style):
                    used = next(s for s in style.fallbacks() if not family.lacks(s))
                    notes.append(f"{self.where}: fonts.{shown(name)}: no {style.value.replace('-', ' ')} face; "
                                 f"{style.value.replace('-', ' ')} text is set in the {used.value.replace('-', ' ')} "
                                 f"face (add {style.value.replace('-', '_')} = \"...\" for a true one)")
        return tuple(notes)

    def template(self, raw: Any) -> TemplateChoice | None:
        if not isinstance(raw, dict):
            self.fail("template", "expected the path of a .pptx or .potx file, or a table with file and layouts")
            return None
        where = raw.pop("_where", f"{self.where}: template")
        table = self.table(raw, "template", ("file", "layouts", "fonts", "colors"), ("file",))
        if not isinstance(table.get("file"), str) or not table.get("file"):
            self.fail("template.file", "expected the path of a .pptx or .potx file")
            return None
        kinds = tuple(str(kind) for kind in SlideKind)
        names = self.table(table.get("layouts", {}), "template.layouts", kinds + tuple(_TEMPLATE_KEY_ALIASES))
        chosen: dict[SlideKind, str] = {}
        for key, value in names.items():
            kind = _TEMPLATE_KEY_ALIASES.get(key, key)
            if kind not in kinds:
                continue
            if not isinstance(value, str) or not value.strip():
                self.fail(f"template.layouts.{key}", "expected the name of one of the template's layouts")
                continue
            chosen[SlideKind(kind)] = value
        fonts: dict[str, str] = {}
        fonts_raw = table.get("fonts", {})
        for key, value in (fonts_raw.items() if isinstance(fonts_raw, dict) else ()):
            if not isinstance(value, str) or not _measurable(value, textfit.FontSlot.LATIN):
                self.fail(f"template.fonts[{shown(key)}]", f"{shown(str(value))} has no bundled metric font"
                          f"{did_you_mean(str(value), OFFICE_FAMILIES)}")
            else:
                fonts[key] = value
        if not isinstance(fonts_raw, dict):
            self.fail("template.fonts", "expected a table: template font = family to use instead")
        colors: dict[str, str] = {}
        colors_raw = table.get("colors", {})
        for key, value in (colors_raw.items() if isinstance(colors_raw, dict) else ()):
            if isinstance(value, str) and _HEX.match(value):
                colors[key] = value.upper()
            else:
                self.fail(f"template.colors.{key}", "expected #RRGGBB")
        return TemplateChoice(str(table["file"]), where, chosen, fonts, colors)

    def theme(self, raw: Any) -> Theme | None:
        table = self.table(raw, "theme", ("colors", "east_asian_family", "logo", "logo_alt"), ("colors",))
        logo = self.logo(table["logo"]) if "logo" in table else None
        logo_alt = table.get("logo_alt")
        if logo_alt is not None and (not isinstance(logo_alt, str) or not logo_alt.strip() or len(logo_alt) > 250
                                     or any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in logo_alt)):
            self.fail("theme.logo_alt", "expected the logo's alternative text: one line of 1 to 250 characters")
            logo_alt = None
        colors, colors_raw = self.palette(table.get("colors", {}), "theme.colors", REQUIRED_COLORS)
        east_asian = self.family(table.get("east_asian_family", EAST_ASIAN_FAMILIES[0]), "theme.east_asian_family",
                                 textfit.FontSlot.EAST_ASIAN)
        if len(colors) != len(colors_raw) or any(k not in colors for k in REQUIRED_COLORS) or east_asian is None:
            return None
        return Theme(colors, east_asian, logo, logo_alt)

    def palette(self, raw: Any, path: str, required: tuple[str, ...] = ()) -> tuple[dict[str, Colour], dict[str, Any]]:
        """A table of named ``#RRGGBB`` colours: the valid ones, and the table as written (to tell if all were)."""
        colors_raw = self.table(raw, path, tuple(raw.keys()) if isinstance(raw, dict) else (), required)
        colors: dict[str, Colour] = {}
        for key, value in colors_raw.items():
            if not re.fullmatch(r"[a-z][a-z0-9_]{0,40}", key):
                self.fail(f"{path}[{shown(key)}]", "colour names use lowercase letters, digits and _")
            elif Colour.is_valid(value):
                colors[key] = Colour(value.upper())
            else:
                self.fail(f"{path}.{key}", "expected #RRGGBB")
        return colors, colors_raw

    def roles(self, raw: Any, path: str, theme: Theme, own_colors: tuple[str, ...] = ()) -> dict[Role, RoleStyle]:
        """The roles of one output; a contrast problem names the colour to change: ``theme.colors.x``, or
        ``onepager.theme.colors.x`` for a colour of the print palette (``own_colors``)."""
        keys = ("family", "size", "min_size", "weight", "style", "line_spacing", "color", "on", "uppercase")
        table = self.table(raw, path, tuple(str(r) for r in Role), tuple(str(r) for r in Role))
        roles: dict[Role, RoleStyle] = {}
        for role in Role:
            if role not in table:
                continue
            at = f"{path}.{role}"
            spec = self.table(table[role], at, keys, ("family", "size"))
            family = self.family(spec.get("family"), f"{at}.family", textfit.FontSlot.LATIN) if "family" in spec \
                else None
            size = self.number(spec.get("size"), f"{at}.size", 4, 200) if "size" in spec else None
            min_size = (self.number(spec["min_size"], f"{at}.min_size", 4, 200) if "min_size" in spec else size)
            if size is not None and min_size is not None and min_size > size:
                self.fail(f"{at}.min_size", f"{min_size:g} is larger than size {size:g}")
            weight = self.choice(spec.get("weight", "regular"), f"{at}.weight", Weight)
            style = self.choice(spec.get("style", "normal"), f"{at}.style", FontStyle)
            spacing = self.number(spec.get("line_spacing", 1.2), f"{at}.line_spacing", 0.9, 3)
            color = self.color(spec.get("color", "text"), f"{at}.color", theme.colors)
            on = self.color(spec.get("on", "background"), f"{at}.on", theme.colors)
            uppercase = spec.get("uppercase", False)
            if not isinstance(uppercase, bool):
                self.fail(f"{at}.uppercase", "expected true or false")
            if None in (family, size, min_size, weight, style, spacing, color, on):
                continue
            ratio = contrast_ratio(color, on)
            needed = 3.0 if min_size >= 18 else 4.5
            if ratio < needed:
                names = [f"{'onepager.' if n in own_colors else ''}theme.colors.{n}"
                         for n in (spec.get("color", "text"), spec.get("on", "background"))
                         if isinstance(n, str) and n in theme.colors]
                source = f"; change {' or '.join(names)}" if names else ""
                self.fail(f"{at}.color", f"contrast {ratio:.2f}:1 of {color} on {on} is below {needed:g}:1"
                          f" (WCAG 2.1 for {'large' if needed == 3.0 else 'body'} text){source}")
            roles[role] = RoleStyle(family, size, min_size, weight, style, spacing, color, on,
                                    bool(uppercase))
        return roles

    def deck(self, raw: Any, theme: Theme) -> DeckSpec | None:
        keys = ("size", "margins", "columns", "gutter", "sequence", "stats", "stats_per_slide", "quotes", "fit",
                "roles", "footer", "bilingual", "logo", "logo_on_master")
        table = self.table(raw, "deck", keys, ("sequence", "roles"))
        size = self.choice(table.get("size", "16:9"), "deck.size", SlideSize)
        margins = self.margins(table.get("margins", 40), "deck.margins", 1.0, 200)
        columns = self.number(table.get("columns", 12), "deck.columns", 1, 24)
        gutter = self.number(table.get("gutter", 20), "deck.gutter", 0, 100)
        sequence_raw = table.get("sequence", [])
        sequence: list[SlideKind] = []
        if not isinstance(sequence_raw, list) or not sequence_raw:
            self.fail("deck.sequence", f"expected a list of slide types ({', '.join(SlideKind)})")
        else:
            for i, item in enumerate(sequence_raw):
                kind = self.choice(item, f"deck.sequence[{i}]", SlideKind)
                if kind is not None:
                    if kind in sequence:
                        self.fail(f"deck.sequence[{i}]", f'"{kind}" appears twice')
                    sequence.append(kind)
            if SlideKind.SECTIONS not in sequence and sequence:
                self.fail("deck.sequence", '"sections" is required: the deck must show the sections')
        stats = self.choice(table.get("stats", "grid"), "deck.stats", StatArrangement)
        per_slide = self.number(table.get("stats_per_slide", 4), "deck.stats_per_slide", 1, 6)
        quotes = self.choice(table.get("quotes", "full-slide"), "deck.quotes", QuoteTreatment)
        fit_table = self.table(table.get("fit", {}), "deck.fit", tuple(str(t) for t in FitTarget))
        fit = {t: FitPolicy.SHRINK for t in FitTarget} | {FitTarget.BODY: FitPolicy.CONTINUE}
        for key, value in fit_table.items():
            if key in tuple(FitTarget):
                policy = self.choice(value, f"deck.fit.{key}", FitPolicy)
                if policy is not None:
                    fit[FitTarget(key)] = policy
        logo = self.choice(table.get("logo", "corner"), "deck.logo", DeckLogo)
        on_master = table.get("logo_on_master", True)
        if not isinstance(on_master, bool):
            self.fail("deck.logo_on_master", "expected true or false")
        footer = table.get("footer", True)
        if logo is DeckLogo.FOOTER and footer is False:
            self.fail("deck.logo", '"footer" needs the footer (deck.footer = true); use "corner" or "title"')
        if not isinstance(footer, bool):
            self.fail("deck.footer", "expected true or false")
        bilingual = self.choice(table.get("bilingual", "stacked"), "deck.bilingual", BilingualDeck)
        roles = self.roles(table.get("roles", {}), "deck.roles", theme)
        if None in (size, margins, columns, gutter, stats, per_slide, quotes, bilingual) or len(roles) != len(Role):
            return None
        return DeckSpec(size, margins, int(columns), gutter, tuple(sequence), stats, int(per_slide), quotes,
                        fit, roles, bool(footer), bilingual, logo or DeckLogo.CORNER, bool(on_master))

    def onepager(self, raw: Any, theme: Theme) -> OnePagerSpec | None:
        keys = ("paper", "margins_mm", "columns", "gutter", "blocks", "max_stats", "max_quotes", "max_scale", "roles",
                "theme", "logo", "bilingual")
        table = self.table(raw, "onepager", keys, ("blocks", "roles"))
        # The print palette: the deck's colours with the one-pager's own over them (a dark deck, a white page)
        own = self.table(table.get("theme", {}), "onepager.theme", ("colors",))
        print_colors, _ = self.palette(own.get("colors", {}), "onepager.theme.colors")
        theme = dataclasses.replace(theme, colors=theme.colors | print_colors)
        paper = self.choice(table.get("paper", "a4"), "onepager.paper", Paper)
        margins = self.margins(table.get("margins_mm", 14), "onepager.margins_mm", POINTS_PER_MM, 60)
        if margins is not None and min(margins.top, margins.right, margins.bottom, margins.left) < mm(10):
            self.fail("onepager.margins_mm", "at least 10 mm on every side: printers cannot print closer to the edge")
        columns = self.number(table.get("columns", 2), "onepager.columns", 1, 4)
        gutter = self.number(table.get("gutter", 14), "onepager.gutter", 0, 72)
        blocks_raw = table.get("blocks", [])
        blocks: list[Block] = []
        if not isinstance(blocks_raw, list) or not blocks_raw:
            self.fail("onepager.blocks", f"expected a list of blocks ({', '.join(Block)})")
        else:
            for i, item in enumerate(blocks_raw):
                block = self.choice(item, f"onepager.blocks[{i}]", Block)
                if block is not None:
                    if block in blocks:
                        self.fail(f"onepager.blocks[{i}]", f'"{block}" appears twice')
                    blocks.append(block)
        max_stats = self.number(table.get("max_stats", 4), "onepager.max_stats", 0, 8)
        max_quotes = self.number(table.get("max_quotes", 2), "onepager.max_quotes", 0, 4)
        max_scale = self.number(table.get("max_scale", 1.0), "onepager.max_scale", 1, MAX_GROWTH)
        bilingual = self.choice(table.get("bilingual", "stacked"), "onepager.bilingual", BilingualPage)
        roles = self.roles(table.get("roles", {}), "onepager.roles", theme, tuple(print_colors))
        if (None in (paper, margins, columns, gutter, max_stats, max_quotes, max_scale, bilingual)
                or len(roles) != len(Role)):
            return None
        return OnePagerSpec(paper, margins, int(columns), gutter, tuple(blocks), int(max_stats), int(max_quotes),
                            roles, theme.colors, self.choice(table.get("logo", "header"), "onepager.logo", PageLogo)
                            or PageLogo.HEADER, max_scale, bilingual)
