"""Read an organisation's PowerPoint template (.pptx or .potx) into plain data, before ``arrange`` uses it.

The reader opens the zip itself (python-pptx refuses a .potx, and a template is untrusted input: a zip bomb, an
encrypted OLE file, macros or embedded objects must be refused before anything is parsed) and resolves what a
slide placed on each layout would inherit, the way PowerPoint does: placeholder → layout → master placeholder →
master text styles → presentation defaults → theme fonts and colours. Everything comes out in points, top-left
origin, so ``arrange`` measures inside the template's placeholders exactly as it measures its own boxes.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from hkbrief.errors import TemplateError
from hkbrief.geometry import Box, Insets, Size
from hkbrief.layoutspec import SlideKind

__all__ = [
    "MAX_PART_BYTES",
    "MAX_TEMPLATE_BYTES",
    "MAX_TOTAL_BYTES",
    "LayoutInfo",
    "MasterInfo",
    "PlaceholderInfo",
    "PlaceholderType",
    "Template",
    "TemplateError",
    "TextLook",
    "read_template",
]

MAX_TEMPLATE_BYTES = 64 * 1024 * 1024  # the file as stored: branded templates with photos run to a few MB
MAX_PART_BYTES = 32 * 1024 * 1024  # one part, uncompressed (a large background photo)
MAX_XML_PART_BYTES = 8 * 1024 * 1024  # one XML part, uncompressed: a master or layout is tens of kilobytes
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # everything, uncompressed: a decompression bomb stops here
MAX_ENTRIES = 4096  # zip members
MAX_COMPRESSION_RATIO = 200  # uncompressed/compressed for a part over 1 MB; XML rarely passes 20
_RATIO_FLOOR = 1024 * 1024

EMU_PER_POINT = 12_700
_DEFAULT_INSETS_EMU = (91_440, 45_720, 91_440, 45_720)  # OOXML's bodyPr defaults: 0.1 in left/right, 0.05 in
_DEFAULT_SIZE = 18.0  # points: the size OOXML gives text that no level of the chain sizes

_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")

NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
}
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RT_OFFICE_DOCUMENT = _RT + "officeDocument"
RT_SLIDE_MASTER = _RT + "slideMaster"
RT_SLIDE_LAYOUT = _RT + "slideLayout"
RT_THEME = _RT + "theme"
RT_IMAGE = _RT + "image"
RT_HYPERLINK = _RT + "hyperlink"
_EMBEDDING_TYPES = {
    _RT + "oleObject": "an embedded OLE object",
    _RT + "package": "an embedded document",
    _RT + "control": "an ActiveX control",
    "http://schemas.microsoft.com/office/2006/relationships/activeXControlBinary": "an ActiveX control",
    "http://schemas.microsoft.com/office/2006/relationships/vbaProject": "macros (a VBA project)",
    _RT + "audio": "embedded audio",
    _RT + "video": "embedded video",
    "http://schemas.microsoft.com/office/2007/relationships/media": "embedded media",
}

CT_PRESENTATION = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
CT_TEMPLATE = "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"
CT_SLIDESHOW = "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml"
_MACRO_TYPES = {
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml": ".pptm",
    "application/vnd.ms-powerpoint.template.macroEnabled.main+xml": ".potm",
    "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml": ".ppsm",
}
PRESENTATION_TYPES = (CT_PRESENTATION, CT_TEMPLATE, CT_SLIDESHOW)


class PlaceholderType(StrEnum):
    """``p:ph/@type`` (ECMA-376 ST_PlaceholderType); a placeholder without a type is an object placeholder."""

    TITLE = "title"
    CENTER_TITLE = "ctrTitle"
    SUBTITLE = "subTitle"
    BODY = "body"
    OBJECT = "obj"
    DATE = "dt"
    FOOTER = "ftr"
    SLIDE_NUMBER = "sldNum"
    HEADER = "hdr"
    CHART = "chart"
    TABLE = "tbl"
    CLIP_ART = "clipArt"
    DIAGRAM = "dgm"
    MEDIA = "media"
    SLIDE_IMAGE = "sldImg"
    PICTURE = "pic"

    @property
    def is_title(self) -> bool:
        return self in (PlaceholderType.TITLE, PlaceholderType.CENTER_TITLE)

    @property
    def holds_text(self) -> bool:
        """A placeholder a slide's body text can go into (an object placeholder takes text as well)."""
        return self in (PlaceholderType.BODY, PlaceholderType.OBJECT)

    @property
    def is_footer_area(self) -> bool:
        return self in (PlaceholderType.DATE, PlaceholderType.FOOTER, PlaceholderType.SLIDE_NUMBER,
                        PlaceholderType.HEADER)


@dataclass(frozen=True, slots=True)
class TextLook:
    """What the first paragraph level of a placeholder looks like once everything it inherits is resolved.

    ``latin``/``east_asian`` are real family names (theme references such as ``+mj-lt`` resolved); ``color`` is
    ``#RRGGBB`` or None where nothing sets one; ``line_spacing`` is a multiple of the size (None: single);
    ``bullet`` the bullet character (None: no bullet); ``margin``/``indent`` the paragraph's left margin and
    first-line indent in points (a hanging bullet has a negative indent).
    """

    latin: str
    east_asian: str
    size: float
    bold: bool
    italic: bool
    color: str | None
    insets: Insets
    anchor: str  # "t", "ctr" or "b"
    align: str  # "l", "ctr", "r", "just"
    bullet: str | None
    margin: float
    indent: float
    line_spacing: float | None
    autofit: str  # "none", "normal" or "shape"
    vertical: bool = False  # text set top to bottom (bodyPr vert): no place for a brief's titles or bullets


@dataclass(frozen=True, slots=True)
class PlaceholderInfo:
    idx: int
    type: PlaceholderType
    name: str
    box: Box  # points, on the slide
    look: TextLook


@dataclass(frozen=True, slots=True)
class LayoutInfo:
    """One slide layout: its part, name, placeholders, and the background a slide on it gets."""

    part: str  # "/ppt/slideLayouts/slideLayout2.xml"
    name: str
    layout_type: str  # p:sldLayout/@type ("title", "obj", "titleOnly", "blank", "cust", ...)
    master: int  # index into Template.masters
    placeholders: tuple[PlaceholderInfo, ...]
    backgrounds: tuple[str, ...]  # "#RRGGBB" colours text may be drawn on; empty for a picture background
    artwork: int  # pictures and drawn shapes (logos, bands) the slide shows from the layout and its master

    def first(self, *types: PlaceholderType) -> PlaceholderInfo | None:
        return next((ph for ph in self.placeholders if ph.type in types), None)

    @property
    def title(self) -> PlaceholderInfo | None:
        return self.first(PlaceholderType.TITLE, PlaceholderType.CENTER_TITLE)

    @property
    def bodies(self) -> tuple[PlaceholderInfo, ...]:
        return tuple(ph for ph in self.placeholders if ph.type.holds_text)

    @property
    def subtitle(self) -> PlaceholderInfo | None:
        return self.first(PlaceholderType.SUBTITLE)


@dataclass(frozen=True, slots=True)
class MasterInfo:
    part: str
    name: str
    theme_part: str
    layouts: tuple[int, ...]  # indexes into Template.layouts
    backgrounds: tuple[str, ...]
    artwork: int


@dataclass(frozen=True, slots=True)
class ThemeInfo:
    name: str
    colors: dict[str, str]  # dk1, lt1, dk2, lt2, accent1..6, hlink, folHlink -> "#RRGGBB"
    major_latin: str  # headings
    minor_latin: str  # body
    major_east_asian: str
    minor_east_asian: str


@dataclass(frozen=True, slots=True)
class Template:
    """A template as plain data: nothing here refers back to the zip, python-pptx or lxml."""

    path: str
    main_content_type: str
    slide_size: Size
    masters: tuple[MasterInfo, ...]
    layouts: tuple[LayoutInfo, ...]
    theme: ThemeInfo  # the first master's
    sample_slides: int
    kinds: dict[SlideKind, int] = field(default_factory=dict)  # slide kind -> index into layouts
    where: str = ""  # how messages name the template: the path as the user gave it

    @property
    def is_template(self) -> bool:
        return self.main_content_type == CT_TEMPLATE

    def layout_for(self, kind: SlideKind) -> LayoutInfo:
        return self.layouts[self.kinds[kind]]

    @property
    def has_title_placeholders(self) -> bool:
        return any(layout.title is not None for layout in self.layouts)


# -- reading the package ----------------------------------------------------------------------------------------


class _Package:
    """The zip's parts, read lazily with caps, and its relationships; every failure is a TemplateError."""

    def __init__(self, path: Path, where: str) -> None:
        self.where = where
        self._zip = zipfile.ZipFile(path)
        self._infos = {info.filename: info for info in self._zip.infolist()}
        self._xml: dict[str, Any] = {}
        self._check_sizes()

    def fail(self, message: str) -> TemplateError:
        return TemplateError(message, self.where)

    def _check_sizes(self) -> None:
        if len(self._infos) > MAX_ENTRIES:
            raise self.fail(f"has {len(self._infos):,} zip entries (at most {MAX_ENTRIES:,}); it is not a template")
        total = 0
        for info in self._infos.values():
            if info.flag_bits & 0x1:
                raise self.fail("is an encrypted zip; save it again without a password")
            if info.file_size > MAX_PART_BYTES:
                raise self.fail(f"part {info.filename} unpacks to {info.file_size:,} bytes (at most"
                                f" {MAX_PART_BYTES:,}); refusing a possible decompression bomb")
            if (info.file_size > _RATIO_FLOOR
                    and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)):
                raise self.fail(f"part {info.filename} is compressed {info.file_size // max(info.compress_size, 1)}"
                                " to 1; refusing a possible decompression bomb")
            total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise self.fail(f"unpacks to {total:,} bytes (at most {MAX_TOTAL_BYTES:,}); refusing a possible"
                            " decompression bomb")

    def has(self, part: str) -> bool:
        return part.lstrip("/") in self._infos

    def names(self) -> list[str]:
        return ["/" + name for name in self._infos]

    def read(self, part: str, cap: int = MAX_PART_BYTES) -> bytes:
        name = part.lstrip("/")
        info = self._infos.get(name)
        if info is None:
            raise self.fail(f"part {part} is missing")
        if info.file_size > cap:
            raise self.fail(f"part {part} is {info.file_size:,} bytes (at most {cap:,})")
        try:
            with self._zip.open(info) as stream:
                data = stream.read(cap + 1)  # the stored size may lie; never read past the cap
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
            raise self.fail(f"part {part} cannot be unpacked ({exc})") from None
        if len(data) > cap:
            raise self.fail(f"part {part} unpacks past {cap:,} bytes; refusing a possible decompression bomb")
        return data

    def xml(self, part: str):
        if part not in self._xml:
            from lxml import etree

            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True,
                                     load_dtd=False)
            try:
                self._xml[part] = etree.fromstring(self.read(part, MAX_XML_PART_BYTES), parser)
            except etree.XMLSyntaxError as exc:
                raise self.fail(f"part {part} is not well-formed XML ({exc.msg})") from None
        return self._xml[part]

    def rels(self, part: str) -> list[tuple[str, str, str, bool]]:
        """(id, type, target part or URL, external) for each relationship of ``part`` ("" for the package)."""
        folder, base = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", base + ".rels") if part else "/_rels/.rels"
        if not self.has(rels_part):
            return []
        found = []
        for rel in self.xml(rels_part).iter(f"{{{NS['pr']}}}Relationship"):
            target = rel.get("Target", "")
            external = rel.get("TargetMode") == "External"
            if not external:
                target = posixpath.normpath(target if target.startswith("/") else posixpath.join(folder or "/",
                                                                                                  target))
            found.append((rel.get("Id", ""), rel.get("Type", ""), target, external))
        return found

    def related(self, part: str, reltype: str) -> list[str]:
        return [target for _, kind, target, external in self.rels(part) if kind == reltype and not external]

    def content_type(self, part: str) -> str:
        types = self.xml("/[Content_Types].xml")
        for override in types.iter(f"{{{NS['ct']}}}Override"):
            if override.get("PartName", "").lower() == part.lower():
                return override.get("ContentType", "")
        extension = part.rpartition(".")[2].lower()
        for default in types.iter(f"{{{NS['ct']}}}Default"):
            if default.get("Extension", "").lower() == extension:
                return default.get("ContentType", "")
        return ""


def _open_package(path: Path, where: str) -> _Package:
    try:
        if not path.exists():
            raise TemplateError("no such template file", where)
        if not path.is_file():
            raise TemplateError("is not a file; give a .pptx or .potx file", where)
        size = path.stat().st_size
        if size > MAX_TEMPLATE_BYTES:
            raise TemplateError(f"is {size:,} bytes (at most {MAX_TEMPLATE_BYTES:,})", where)
        with path.open("rb") as stream:
            head = stream.read(8)
    except OSError as exc:
        raise TemplateError(f"cannot read: {exc.strerror}", where) from None
    if head.startswith(_OLE_SIGNATURE[:4]):
        raise TemplateError("is an OLE compound file: an encrypted or password-protected presentation, or an old"
                            " binary .ppt/.pot; remove the password and save it as .pptx or .potx", where)
    if not head.startswith(_ZIP_SIGNATURES):
        raise TemplateError("is not a PowerPoint template (not a zip file); give a .pptx or .potx", where)
    try:
        return _Package(path, where)
    except zipfile.BadZipFile as exc:
        raise TemplateError(f"is not a readable zip file ({exc}); give a .pptx or .potx", where) from None
    except OSError as exc:
        raise TemplateError(f"cannot read: {exc.strerror or exc}", where) from None


def main_part(package: _Package) -> tuple[str, str]:
    """The presentation part and its content type; refuses what is not a presentation or carries macros."""
    if not package.has("/[Content_Types].xml"):
        raise package.fail("is a zip file but not a presentation (no [Content_Types].xml); give a .pptx or .potx")
    documents = package.related("", RT_OFFICE_DOCUMENT)
    if not documents or not package.has(documents[0]):
        raise package.fail("is a zip file but not a presentation (no main document); give a .pptx or .potx")
    content_type = package.content_type(documents[0])
    if content_type in _MACRO_TYPES:
        raise package.fail(f"is macro-enabled ({_MACRO_TYPES[content_type]}); hkbrief does not carry macros:"
                           " save it as a .pptx or .potx without macros")
    if content_type not in PRESENTATION_TYPES:
        shown_type = content_type or "none"
        raise package.fail(f"is not a presentation (its main part is {shown_type}); give a .pptx or .potx")
    if any(name.lower().endswith("vbaproject.bin") for name in package.names()):
        raise package.fail("carries macros (vbaProject.bin); save it as a .pptx or .potx without macros")
    return documents[0], content_type


def _refuse_unsafe_parts(package: _Package, parts: list[str]) -> None:
    """Master, layout and theme parts must not carry embedded objects or links to outside files."""
    for part in parts:
        for _, reltype, target, external in package.rels(part):
            if reltype in _EMBEDDING_TYPES:
                raise package.fail(f"{posixpath.basename(part)} holds {_EMBEDDING_TYPES[reltype]}, which hkbrief"
                                   " cannot carry into a deck; remove it from the master or layout")
            if external and reltype != RT_HYPERLINK:
                raise package.fail(f"{posixpath.basename(part)} links to an outside file ({target[:60]}); embed it"
                                   " or remove it from the master or layout")


# -- colours and fonts ------------------------------------------------------------------------------------------

_SCHEME_NAMES = ("dk1", "lt1", "dk2", "lt2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6",
                 "hlink", "folHlink")
_DEFAULT_COLOR_MAP = {"bg1": "lt1", "tx1": "dk1", "bg2": "lt2", "tx2": "dk2", "accent1": "accent1",
                      "accent2": "accent2", "accent3": "accent3", "accent4": "accent4", "accent5": "accent5",
                      "accent6": "accent6", "hlink": "hlink", "folHlink": "folHlink"}
_PRESET_COLORS = {"black": "000000", "white": "FFFFFF", "red": "FF0000", "green": "008000", "blue": "0000FF",
                  "yellow": "FFFF00", "gray": "808080", "darkGray": "A9A9A9", "lightGray": "D3D3D3"}


def _q(name: str) -> str:
    prefix, _, local = name.partition(":")
    return f"{{{NS[prefix]}}}{local}"


def _child(element, *path: str):
    for name in path:
        if element is None:
            return None
        element = element.find(_q(name))
    return element


class _Colors:
    """Scheme colours of one theme seen through one colour map (the master's, or a layout's override)."""

    def __init__(self, scheme: dict[str, str], color_map: dict[str, str]) -> None:
        self.scheme = scheme
        self.map = color_map

    def resolve(self, fill) -> str | None:
        """The colour of an ``a:solidFill`` (or any colour choice element's parent), or None."""
        if fill is None:
            return None
        for element in fill:
            tag = element.tag.rpartition("}")[2]
            value = None
            if tag == "srgbClr":
                value = element.get("val", "")
            elif tag == "sysClr":
                value = element.get("lastClr") or ("FFFFFF" if element.get("val") == "window" else "000000")
            elif tag == "schemeClr":
                name = element.get("val", "")
                value = self.scheme.get(self.map.get(name, name), "")
                value = value.lstrip("#")
            elif tag == "prstClr":
                value = _PRESET_COLORS.get(element.get("val", ""), "")
            elif tag == "scrgbClr":
                value = "".join(f"{round(int(element.get(c, '0')) / 100000 * 255):02X}" for c in "rgb")
            if value is not None and re.fullmatch(r"[0-9A-Fa-f]{6}", value):
                return "#" + _modified(value.upper(), element)
        return None


def _modified(hex_value: str, element) -> str:
    """Apply lumMod/lumOff (how Office writes theme tints and shades), tint and shade."""
    import colorsys

    r, g, b = (int(hex_value[i:i + 2], 16) / 255 for i in (0, 2, 4))
    changed = False
    for modifier in element:
        tag = modifier.tag.rpartition("}")[2]
        amount = int(modifier.get("val", "100000")) / 100000
        if tag in ("lumMod", "lumOff"):
            h, lightness, s = colorsys.rgb_to_hls(r, g, b)
            lightness = lightness * amount if tag == "lumMod" else lightness + amount
            r, g, b = colorsys.hls_to_rgb(h, min(max(lightness, 0.0), 1.0), s)
            changed = True
        elif tag == "tint":
            r, g, b = (c + (1 - c) * (1 - amount) for c in (r, g, b))
            changed = True
        elif tag == "shade":
            r, g, b = (c * amount for c in (r, g, b))
            changed = True
    if not changed:
        return hex_value
    return "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02X}" for c in (r, g, b))


def _theme(package: _Package, theme_part: str) -> ThemeInfo:
    root = package.xml(theme_part)
    elements = _child(root, "a:themeElements")
    scheme_element = _child(elements, "a:clrScheme")
    colors: dict[str, str] = {}
    plain = _Colors({}, {})
    for name in _SCHEME_NAMES:
        resolved = plain.resolve(_child(scheme_element, f"a:{name}"))
        if resolved:
            colors[name] = resolved
    fonts = _child(elements, "a:fontScheme")

    def typeface(kind: str, script: str) -> str:
        found = _child(fonts, kind, script)
        return found.get("typeface", "") if found is not None else ""

    return ThemeInfo(root.get("name", ""), colors, typeface("a:majorFont", "a:latin"),
                     typeface("a:minorFont", "a:latin"), typeface("a:majorFont", "a:ea"),
                     typeface("a:minorFont", "a:ea"))


def _color_map(element, base: dict[str, str]) -> dict[str, str]:
    if element is None:
        return base
    return {key: element.get(key, value) for key, value in base.items()}


def _backgrounds(c_sld, colors: _Colors, package_theme) -> tuple[str, ...] | None:
    """Colours of a ``p:bg``: a solid fill gives one, a gradient its stops, a picture none; no ``p:bg``: None."""
    background = _child(c_sld, "p:bg")
    if background is None:
        return None
    properties = _child(background, "p:bgPr")
    if properties is not None:
        if _child(properties, "a:solidFill") is not None:
            found = colors.resolve(_child(properties, "a:solidFill"))
            return (found,) if found else ()
        gradient = _child(properties, "a:gradFill")
        if gradient is not None:
            stops = [colors.resolve(stop) for stop in gradient.iter(_q("a:gs"))]
            return tuple(s for s in stops if s)
        if _child(properties, "a:noFill") is not None:
            return ("#FFFFFF",)
        return ()  # a picture or pattern: no single colour to check text against
    reference = _child(background, "p:bgRef")
    if reference is not None:
        found = colors.resolve(reference)
        index = int(reference.get("idx", "0"))
        # idx 1001+ picks the theme's background fill styles; a plain colour is what most of them draw
        if found and package_theme is not None and index > 1000:
            styles = _child(package_theme, "a:themeElements", "a:fmtScheme", "a:bgFillStyleLst")
            if styles is not None and len(styles) >= index - 1000:
                style = styles[index - 1001]
                if style.tag == _q("a:solidFill"):
                    inner = style.find(_q("a:schemeClr"))
                    if inner is not None and inner.get("val") == "phClr":
                        return (found,)
                    solid = colors.resolve(style)
                    return (solid,) if solid else (found,)
                if style.tag == _q("a:gradFill"):
                    return (found,)  # a gradient of the reference colour: its tints stay close to it
                return ()
        return (found,) if found else ()
    return ()


# -- text inheritance -------------------------------------------------------------------------------------------


@dataclass
class _Partial:
    """Text properties found so far; the first level of the chain to set one wins."""

    latin: str | None = None
    east_asian: str | None = None
    size: float | None = None
    bold: bool | None = None
    italic: bool | None = None
    color: str | None = None
    align: str | None = None
    bullet: str | None = None
    bullet_none: bool | None = None
    margin: float | None = None
    indent: float | None = None
    line_spacing: float | None = None
    insets: list[float | None] = field(default_factory=lambda: [None, None, None, None])
    anchor: str | None = None
    autofit: str | None = None
    vertical: bool | None = None

    def take_paragraph(self, level, colors: _Colors) -> None:
        """A ``a:lvl1pPr``: paragraph attributes, bullet, spacing and its ``a:defRPr``."""
        if level is None:
            return
        if self.align is None and level.get("algn"):
            self.align = level.get("algn")
        if self.margin is None and level.get("marL") is not None:
            self.margin = int(level.get("marL")) / EMU_PER_POINT
        if self.indent is None and level.get("indent") is not None:
            self.indent = int(level.get("indent")) / EMU_PER_POINT
        if self.bullet_none is None:
            if _child(level, "a:buNone") is not None:
                self.bullet_none = True
            elif _child(level, "a:buChar") is not None:
                self.bullet_none = False
                self.bullet = _child(level, "a:buChar").get("char")
            elif _child(level, "a:buAutoNum") is not None:
                self.bullet_none = False
                self.bullet = "1."
        spacing = _child(level, "a:lnSpc", "a:spcPct")
        if self.line_spacing is None and spacing is not None:
            self.line_spacing = int(spacing.get("val", "100000")) / 100000
        self.take_run(_child(level, "a:defRPr"), colors)

    def take_run(self, run, colors: _Colors) -> None:
        if run is None:
            return
        if self.size is None and run.get("sz"):
            self.size = int(run.get("sz")) / 100
        if self.bold is None and run.get("b") is not None:
            self.bold = run.get("b") in ("1", "true")
        if self.italic is None and run.get("i") is not None:
            self.italic = run.get("i") in ("1", "true")
        if self.color is None:
            self.color = colors.resolve(_child(run, "a:solidFill"))
        latin, east_asian = _child(run, "a:latin"), _child(run, "a:ea")
        if self.latin is None and latin is not None and latin.get("typeface"):
            self.latin = latin.get("typeface")
        if self.east_asian is None and east_asian is not None and east_asian.get("typeface"):
            self.east_asian = east_asian.get("typeface")

    def take_body(self, body) -> None:
        if body is None:
            return
        for index, name in enumerate(("lIns", "tIns", "rIns", "bIns")):
            if self.insets[index] is None and body.get(name) is not None:
                self.insets[index] = int(body.get(name)) / EMU_PER_POINT
        if self.anchor is None and body.get("anchor"):
            self.anchor = body.get("anchor")
        if self.vertical is None and body.get("vert"):
            self.vertical = body.get("vert") not in ("horz", "")
        if self.autofit is None:
            for tag, value in (("a:noAutofit", "none"), ("a:normAutofit", "normal"), ("a:spAutoFit", "shape")):
                if _child(body, tag) is not None:
                    self.autofit = value

    def look(self, theme: ThemeInfo, heading: bool) -> TextLook:
        def font(name: str | None, fallback: str) -> str:
            name = name or fallback
            match name:
                case "+mj-lt":
                    return theme.major_latin
                case "+mn-lt":
                    return theme.minor_latin
                case "+mj-ea":
                    return theme.major_east_asian
                case "+mn-ea":
                    return theme.minor_east_asian
            return name

        insets = [value if value is not None else default / EMU_PER_POINT
                  for value, default in zip(self.insets, _DEFAULT_INSETS_EMU, strict=True)]
        return TextLook(
            latin=font(self.latin, "+mj-lt" if heading else "+mn-lt"),
            east_asian=font(self.east_asian, "+mj-ea" if heading else "+mn-ea"),
            size=self.size if self.size is not None else _DEFAULT_SIZE,
            bold=bool(self.bold),
            italic=bool(self.italic),
            color=self.color,
            insets=Insets(*insets),
            anchor=self.anchor or "t",
            align=self.align or "l",
            bullet=None if self.bullet_none in (None, True) else self.bullet,
            margin=self.margin or 0.0,
            indent=self.indent or 0.0,
            line_spacing=self.line_spacing,
            autofit=self.autofit or "none",
            vertical=bool(self.vertical),
        )


def _placeholder_of(shape):
    return _child(shape, "p:nvSpPr", "p:nvPr", "p:ph")


def _placeholders(root) -> list:
    tree = _child(root, "p:cSld", "p:spTree")
    return [] if tree is None else [shape for shape in tree.iter(_q("p:sp")) if _placeholder_of(shape) is not None]


def _type_of(ph) -> PlaceholderType:
    try:
        return PlaceholderType(ph.get("type", "obj"))
    except ValueError:
        return PlaceholderType.OBJECT


def _master_counterpart(master_placeholders: list, kind: PlaceholderType, idx: int):
    """The master placeholder a layout placeholder inherits from: same type (title for a centred title, body
    for a subtitle or object), else same idx."""
    wanted = {PlaceholderType.CENTER_TITLE: PlaceholderType.TITLE, PlaceholderType.SUBTITLE: PlaceholderType.BODY,
              PlaceholderType.OBJECT: PlaceholderType.BODY}.get(kind, kind)
    if not kind.is_title and not kind.is_footer_area and kind not in (PlaceholderType.SUBTITLE,
                                                                      PlaceholderType.OBJECT):
        wanted = PlaceholderType.BODY
    for shape in master_placeholders:
        if _type_of(_placeholder_of(shape)) is wanted:
            return shape
    for shape in master_placeholders:
        if int(_placeholder_of(shape).get("idx", "0")) == idx:
            return shape
    return None


def _box(shape) -> Box | None:
    transform = _child(shape, "p:spPr", "a:xfrm")
    offset, extent = _child(transform, "a:off"), _child(transform, "a:ext")
    if offset is None or extent is None:
        return None
    return Box(int(offset.get("x", "0")) / EMU_PER_POINT, int(offset.get("y", "0")) / EMU_PER_POINT,
               int(extent.get("cx", "0")) / EMU_PER_POINT, int(extent.get("cy", "0")) / EMU_PER_POINT)


def _artwork(root) -> int:
    """Pictures and drawn shapes that are not placeholders: what the master and layouts show on every slide."""
    tree = _child(root, "p:cSld", "p:spTree")
    if tree is None:
        return 0
    count = 0
    for element in tree:
        tag = element.tag.rpartition("}")[2]
        if tag in ("pic", "grpSp", "graphicFrame", "cxnSp"):
            count += 1
        elif tag == "sp" and _placeholder_of(element) is None:
            count += 1
    return count


# -- the reader -------------------------------------------------------------------------------------------------


def read_template(path: Path | str, where: str | None = None) -> Template:
    """Read ``path`` into a :class:`Template`; raises :class:`TemplateError` naming the file on any problem."""
    path = Path(path)
    where = where or str(path)
    package = _open_package(path, where)
    try:
        return _read(package, where, str(path))
    except TemplateError:
        raise
    except (KeyError, ValueError, TypeError, IndexError, AttributeError) as exc:
        raise TemplateError(f"is not a valid presentation ({type(exc).__name__}: {exc})", where) from None


def _read(package: _Package, where: str, path: str) -> Template:
    presentation_part, content_type = main_part(package)
    presentation = package.xml(presentation_part)
    if presentation.tag != _q("p:presentation"):
        raise package.fail("is not a presentation (its main part is not p:presentation)")
    size_element = _child(presentation, "p:sldSz")
    if size_element is None:
        slide_size = Size(960.0, 540.0)
    else:
        slide_size = Size(int(size_element.get("cx")) / EMU_PER_POINT, int(size_element.get("cy")) / EMU_PER_POINT)
    if not (72 <= slide_size.w <= 4032 and 72 <= slide_size.h <= 4032):
        raise package.fail(f"has a slide size of {slide_size.w:g} x {slide_size.h:g} pt, outside 1 to 56 inches")
    master_parts = _listed(package, presentation_part, _child(presentation, "p:sldMasterIdLst"), "p:sldMasterId",
                           RT_SLIDE_MASTER)
    if not master_parts:
        raise package.fail("has no slide master; save it from PowerPoint or LibreOffice as a .pptx or .potx")
    default_style = _child(presentation, "p:defaultTextStyle")
    sample_slides = len(_child(presentation, "p:sldIdLst") if _child(presentation, "p:sldIdLst") is not None
                        else [])
    masters: list[MasterInfo] = []
    layouts: list[LayoutInfo] = []
    first_theme: ThemeInfo | None = None
    for master_part in master_parts:
        theme_parts = package.related(master_part, RT_THEME)
        if not theme_parts:
            raise package.fail(f"{posixpath.basename(master_part)} has no theme")
        master = package.xml(master_part)
        layout_parts = _listed(package, master_part, _child(master, "p:sldLayoutIdLst"), "p:sldLayoutId",
                               RT_SLIDE_LAYOUT)
        _refuse_unsafe_parts(package, [master_part, *theme_parts[:1], *layout_parts])
        theme = _theme(package, theme_parts[0])
        first_theme = first_theme or theme
        color_map = _color_map(_child(master, "p:clrMap"), _DEFAULT_COLOR_MAP)
        colors = _Colors({k: v.lstrip("#") for k, v in theme.colors.items()}, color_map)
        theme_root = package.xml(theme_parts[0])
        master_background = _backgrounds(_child(master, "p:cSld"), colors, theme_root) or ("#FFFFFF",)
        master_placeholders = _placeholders(master)
        text_styles = _child(master, "p:txStyles")
        master_art = _artwork(master)
        indexes = []
        for layout_part in layout_parts:
            layout = package.xml(layout_part)
            if layout.tag != _q("p:sldLayout"):
                continue
            override = _child(layout, "p:clrMapOvr", "a:overrideClrMapping")
            layout_colors = _Colors(colors.scheme, _color_map(override, color_map))
            c_sld = _child(layout, "p:cSld")
            background = _backgrounds(c_sld, layout_colors, theme_root) or master_background
            placeholders = []
            for shape in _placeholders(layout):
                ph = _placeholder_of(shape)
                kind = _type_of(ph)
                idx = int(ph.get("idx", "0"))
                counterpart = _master_counterpart(master_placeholders, kind, idx)
                box = _box(shape) or (_box(counterpart) if counterpart is not None else None)
                if box is None:
                    continue
                look = _resolve_look(shape, counterpart, kind, text_styles, default_style, layout_colors, theme)
                name = _child(shape, "p:nvSpPr", "p:cNvPr")
                placeholders.append(PlaceholderInfo(idx, kind, name.get("name", "") if name is not None else "",
                                                    box, look))
            uses_master_art = layout.get("showMasterSp", "1") not in ("0", "false")
            indexes.append(len(layouts))
            layouts.append(LayoutInfo(layout_part, c_sld.get("name", "") if c_sld is not None else "",
                                      layout.get("type", "cust"), len(masters), tuple(placeholders), background,
                                      _artwork(layout) + (master_art if uses_master_art else 0)))
        masters.append(MasterInfo(master_part, (_child(master, "p:cSld").get("name", "")
                                                if _child(master, "p:cSld") is not None else ""),
                                  theme_parts[0], tuple(indexes), master_background, master_art))
    if not layouts:
        raise package.fail("has no slide layouts; save it from PowerPoint or LibreOffice with its layouts")
    assert first_theme is not None
    template = Template(path, content_type, slide_size, tuple(masters), tuple(layouts), first_theme, sample_slides,
                        where=where)
    template.kinds.update(map_kinds(template.layouts, slide_size))
    return template


def _listed(package: _Package, part: str, id_list, item: str, reltype: str) -> list[str]:
    """The parts an id list names (``p:sldLayoutIdLst``), in its order, which is the order PowerPoint shows;
    related parts the list leaves out come after them, in relationship order."""
    targets = {rel_id: target for rel_id, kind, target, external in package.rels(part)
               if kind == reltype and not external}
    ordered = []
    for entry in (id_list.iter(_q(item)) if id_list is not None else ()):
        target = targets.get(entry.get(_q("r:id"), ""))
        if target is not None and target not in ordered and package.has(target):
            ordered.append(target)
    ordered += [t for t in targets.values() if t not in ordered and package.has(t)]
    return ordered


def _resolve_look(shape, counterpart, kind: PlaceholderType, text_styles, default_style, colors: _Colors,
                  theme: ThemeInfo) -> TextLook:
    partial = _Partial()
    for source in (shape, counterpart):
        if source is None:
            continue
        body = _child(source, "p:txBody")
        partial.take_body(_child(body, "a:bodyPr"))
        partial.take_paragraph(_child(body, "a:lstStyle", "a:lvl1pPr"), colors)
        # LibreOffice writes a template's styles on the placeholder's sample paragraph instead of in lstStyle
        # or txStyles, and reads them back from there; so does the judge of what fits.
        sample = _child(body, "a:p")
        if sample is not None:
            partial.take_paragraph(_child(sample, "a:pPr"), colors)
            partial.take_run(_child(sample, "a:r", "a:rPr"), colors)
            partial.take_run(_child(sample, "a:endParaRPr"), colors)
    if kind.is_title:
        style_name = "p:titleStyle"
    elif kind.is_footer_area:
        style_name = "p:otherStyle"
    else:
        style_name = "p:bodyStyle"
    partial.take_paragraph(_child(text_styles, style_name, "a:lvl1pPr"), colors)
    partial.take_paragraph(_child(default_style, "a:lvl1pPr"), colors)
    partial.take_paragraph(_child(default_style, "a:defPPr"), colors)
    if partial.color is None:
        partial.color = colors.resolve(_tx1_fill())
    return partial.look(theme, kind.is_title)


def _tx1_fill():
    """Text with no colour anywhere in its chain is drawn in tx1."""
    from lxml import etree

    fill = etree.Element(_q("a:solidFill"))
    etree.SubElement(fill, _q("a:schemeClr"), val="tx1")
    return fill


# -- slide kinds onto layouts -----------------------------------------------------------------------------------

_NAME_HINTS: dict[SlideKind, tuple[str, ...]] = {
    SlideKind.TITLE: ("title slide", "title", "cover", "opening"),
    SlideKind.CLOSING: ("title and content", "title, content", "closing", "summary", "content"),
    SlideKind.AGENDA: ("agenda", "contents", "title and content", "title, content"),
    SlideKind.SECTIONS: ("title and content", "title, content", "content", "text", "bullets"),
    SlideKind.SOURCES: ("title and content", "title, content", "content", "text"),
    SlideKind.STATS: ("title only", "title, only", "only title", "blank"),
    SlideKind.QUOTES: ("title only", "title, only", "quote", "only title", "blank"),
}


def _area(box: Box) -> float:
    return max(box.w, 0.0) * max(box.h, 0.0)


def _shape_score(kind: SlideKind, layout: LayoutInfo, slide_area: float) -> float:
    """How well a layout's placeholders suit a slide kind; below zero: unsuitable."""
    title = layout.title
    bodies = layout.bodies
    subtitle = layout.subtitle
    if (title is not None and title.look.vertical) or any(body.look.vertical for body in bodies):
        return -1
    others = [ph for ph in layout.placeholders
              if not ph.type.is_title and not ph.type.is_footer_area and ph not in bodies and ph is not subtitle]
    match kind:
        case SlideKind.TITLE:
            if title is None:
                return -1
            score = 10.0
            if title.type is PlaceholderType.CENTER_TITLE:
                score += 20
            if subtitle is not None:
                score += 15
            elif len(bodies) == 1:
                score += 3
            if layout.layout_type == "title":
                score += 10
            return score - 5 * len(others) - 4 * max(len(bodies) - (0 if subtitle else 1), 0)
        case SlideKind.SECTIONS | SlideKind.AGENDA | SlideKind.SOURCES | SlideKind.CLOSING:
            if title is None or not bodies:
                return -1
            score = 20.0 + (8 if len(bodies) == 1 else 0) + (5 if title.type is PlaceholderType.TITLE else 0)
            if subtitle is not None:
                score -= 6
            if layout.layout_type in ("obj", "tx"):
                score += 6
            # the bigger the body, the more text it holds
            score += 10 * _area(bodies[0].box) / max(slide_area, 1.0)
            return score - 5 * len(others)
        case SlideKind.STATS | SlideKind.QUOTES:
            if title is not None and not bodies and subtitle is None:
                return 30.0 + (8 if layout.layout_type == "titleOnly" else 0) - 3 * len(others)
            if title is None and not bodies and subtitle is None:
                return 10.0 + (5 if layout.layout_type == "blank" else 0) - 3 * len(others)
            return -1
        case _:
            return -1


def _name_score(kind: SlideKind, name: str) -> float:
    lowered = re.sub(r"\s+", " ", name.lower()).strip()
    for rank, hint in enumerate(_NAME_HINTS[kind]):
        if lowered == hint:
            return 6.0 - rank * 0.5
        if hint in lowered:
            return 3.0 - rank * 0.3
    return 0.0


def _fallback(kind: SlideKind, layouts: tuple[LayoutInfo, ...]) -> int:
    """A layout for a kind no layout suits: one with a title placeholder and the fewest others; in a template
    without titles, the largest text placeholder for text kinds and the emptiest layout for the others."""
    titled = [i for i, layout in enumerate(layouts) if layout.title is not None]
    if titled:
        return min(titled, key=lambda i: len(layouts[i].placeholders))
    takes_text = kind in (SlideKind.SECTIONS, SlideKind.AGENDA, SlideKind.SOURCES, SlideKind.CLOSING)
    with_text = [i for i, layout in enumerate(layouts) if any(not ph.look.vertical for ph in layout.bodies)]
    if takes_text and with_text:
        return max(with_text, key=lambda i: max(_area(ph.box) for ph in layouts[i].bodies if not ph.look.vertical))
    return min(range(len(layouts)), key=lambda i: sum(1 for ph in layouts[i].placeholders
                                                     if not ph.type.is_footer_area))


def map_kinds(layouts: tuple[LayoutInfo, ...], slide: Size, preferred: dict[SlideKind, str] | None = None
              ) -> dict[SlideKind, int]:
    """Each slide kind's layout: the one whose placeholders suit it best, names a hint only.

    A title slide takes a centred title with a subtitle; sections, the agenda, sources and the closing takeaways
    take a title with one body or object placeholder; stats and quotes, which draw their own content, take a title-only layout, else a
    blank one. A kind no layout suits takes the layout with a title placeholder and the fewest others, and failing
    that the first layout (the title is then drawn as a text box: see ``Template.has_title_placeholders``).
    ``preferred`` (kind -> layout name, from a layout file) wins where that name exists.
    """
    chosen: dict[SlideKind, int] = {}
    by_name = {layout.name.casefold(): index for index, layout in enumerate(layouts)}
    for kind in SlideKind:
        if preferred and kind in preferred and preferred[kind].casefold() in by_name:
            chosen[kind] = by_name[preferred[kind].casefold()]
            continue
        best, best_score = None, -1.0
        for index, layout in enumerate(layouts):
            score = _shape_score(kind, layout, slide.w * slide.h)
            if score < 0:
                continue
            score += _name_score(kind, layout.name)
            if score > best_score:
                best, best_score = index, score
        if best is None:
            best = _fallback(kind, layouts)
        chosen[kind] = best
    return chosen


# -- the inspect report -----------------------------------------------------------------------------------------

_KIND_ORDER = tuple(SlideKind)


def describe(template: Template) -> list[str]:
    """``hkbrief template inspect``: what a designer needs to know about the template, one fact a line."""
    kind_of: dict[int, list[str]] = {}
    for kind in _KIND_ORDER:
        kind_of.setdefault(template.kinds[kind], []).append(str(kind))
    size = template.slide_size
    ratio = _ratio_name(size)
    theme = template.theme
    lines = [
        f"{Path(template.path).name}: {'template (.potx)' if template.is_template else 'presentation (.pptx)'},"
        f" slides {size.w:g} x {size.h:g} pt ({ratio}), {len(template.masters)} master(s),"
        f" {len(template.layouts)} layouts, {template.sample_slides} sample slide(s) (not carried into decks)",
        f"theme {theme.name or '(unnamed)'}: heading font {theme.major_latin or '(none)'}, body font"
        f" {theme.minor_latin or '(none)'}"
        + (f", East Asian {theme.major_east_asian or theme.minor_east_asian}"
           if theme.major_east_asian or theme.minor_east_asian else ""),
        "theme colours: " + ", ".join(f"{name} {value}" for name, value in theme.colors.items()),
    ]
    for number, master in enumerate(template.masters, start=1):
        lines.append(f"master {number} {_quoted(master.name)}: background {_colours(master.backgrounds)},"
                     f" {master.artwork} picture(s) or shape(s) of its own")
    for number, layout in enumerate(template.layouts, start=1):
        kinds = kind_of.get(number - 1)
        lines.append(f"layout {number} {_quoted(layout.name)} (type {layout.layout_type}, master {layout.master + 1}):"
                     f" background {_colours(layout.backgrounds)}; "
                     + (f"slide kinds: {', '.join(kinds)}" if kinds else "no slide kind"))
        for ph in layout.placeholders:
            look = ph.look
            box = ph.box
            style = "".join((" bold" if look.bold else "", " italic" if look.italic else ""))
            bullet = f", bullet {look.bullet!r} indent {look.margin:g} pt" if look.bullet else ""
            lines.append(
                f"  idx {ph.idx:<3} {ph.type:<8} {_quoted(ph.name):<28} x {box.x:.1f} y {box.y:.1f} w {box.w:.1f}"
                f" h {box.h:.1f} pt; {look.latin or '(no font)'} {look.size:g} pt{style},"
                f" colour {look.color or '(none)'}, insets {look.insets.left:g}/{look.insets.top:g}/"
                f"{look.insets.right:g}/{look.insets.bottom:g} pt{bullet}"
                + (", vertical text" if look.vertical else ""))
    lines.append("slide kinds: " + "; ".join(f"{kind} -> {_quoted(template.layout_for(kind).name)}"
                                            for kind in _KIND_ORDER))
    if not template.has_title_placeholders:
        lines.append("no layout has a title placeholder: hkbrief draws the titles itself as text boxes")
    return lines


def _ratio_name(size: Size) -> str:
    ratio = size.w / size.h
    for name, value in (("16:9", 16 / 9), ("4:3", 4 / 3), ("16:10", 16 / 10), ("A4", 297 / 210)):
        if abs(ratio - value) < 0.01:
            return name
    return f"{ratio:.2f}:1"


def _colours(colours: tuple[str, ...]) -> str:
    return " to ".join(colours) if colours else "a picture"


def _quoted(name: str) -> str:
    from hkbrief.errors import shown

    return shown(name, 60)


def starter_layout(template: Template, layout_file: Path) -> str:
    """A layout file that builds on ``template`` as it is: the default layout, the template, and the mapping."""
    import os

    relative = os.path.relpath(Path(template.path).resolve(), layout_file.resolve().parent)
    lines = [
        f"# A layout for {Path(template.path).name}, written by `hkbrief template inspect --write-layout`.",
        "# The deck takes the template's slide size, masters, layouts, theme colours and fonts; the keys below",
        "# choose which template layout each slide kind uses (see `hkbrief template inspect`).",
        f'description = {_toml_string(f"The default layout on {Path(template.path).name}")}',
        'extends = "default"',
        "",
        "[template]",
        f"file = {_toml_string(Path(relative).as_posix())}  # relative to this file",
        "",
        "[template.layouts]",
    ]
    lines += [f"{kind} = {_toml_string(template.layout_for(kind).name)}" for kind in _KIND_ORDER]
    return "\n".join(lines) + "\n"


def _toml_string(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string
