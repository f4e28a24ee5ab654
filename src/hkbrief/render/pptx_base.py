"""The package a deck is built on: an organisation's template, or python-pptx's stock package restyled.

A template keeps its slide size, masters, layouts, theme and master artwork exactly as they are; its own sample
slides are removed together with every part only they used (python-pptx writes only the parts that relationships
still reach), and a .potx is opened as the presentation it will become. Without a template, the stock package's
theme takes the layout's colours and fonts and its master takes the planned title and body styles, so a slide a
user adds in PowerPoint looks like the rest. Either way ``render_deck`` then adds the planned slides.
"""

from __future__ import annotations

import copy
import functools
import io
import zipfile

from hkbrief.plan import Align, DeckBase, MasterLook, TextStyle, VAlign

__all__ = ["adopt_notes_theme", "has_notes_master", "layout_parts", "open_base", "style_base"]

_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_P = "http://schemas.openxmlformats.org/presentationml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT_PRESENTATION = b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
_CT_TEMPLATE = b"application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"
_CT_SLIDESHOW = b"application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml"
# p:presentation/p:extLst entries that list slides by id: PowerPoint 2010 sections
_SLIDE_LISTING_EXTENSIONS = ("{521415D9-36F7-43E2-AB2F-B90AF26B5E84}",)
_ALIGN = {Align.LEFT: "l", Align.CENTER: "ctr", Align.RIGHT: "r"}
_ANCHOR = {VAlign.TOP: "t", VAlign.MIDDLE: "ctr", VAlign.BOTTOM: "b"}
_EMU_PER_POINT = 12_700


def open_base(base: DeckBase):
    """A python-pptx ``Presentation`` on the template's package (without its slides), or the stock one.

    The package is opened once per process and copied for each deck: a deep copy of the opened package takes
    under half the time of opening it again (parsing its forty-odd parts), and each deck then changes its own
    copy. A template is known by its bytes, so an edited template (in ``watch``) is opened afresh.
    """
    if base.template_file is None:
        return copy.deepcopy(_opened(None))
    with open(base.template_file, "rb") as stream:
        blob = stream.read()
    return copy.deepcopy(_opened(blob))


_OPENED_KEPT = 4  # packages kept opened: the stock one and the templates of a session


@functools.lru_cache(maxsize=_OPENED_KEPT)
def _opened(blob: bytes | None):
    """The stock package (``blob`` None) or a template's, opened, without slides; never handed out itself."""
    from pptx import Presentation

    if blob is None:
        return Presentation()
    presentation = Presentation(io.BytesIO(_as_presentation(blob)))
    _remove_slides(presentation)
    _add_missing_properties(presentation)
    return presentation


def style_base(presentation, base: DeckBase) -> None:
    """Write the planned master look into the stock package's theme and master (a template keeps its own)."""
    if base.template_file is None and base.master is not None:
        _style_theme(presentation, base.master)
        _style_master(presentation, base.master)


def adopt_notes_theme(presentation, base: DeckBase, had_notes_master: bool) -> None:
    """A template without a notes master gets python-pptx's stock one when slides have notes: give it the
    template's theme instead of the stock Office theme, so nothing of the stock package is left."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    if base.template_file is None or had_notes_master:
        return
    part = presentation.part
    if not any(rel.reltype == RT.NOTES_MASTER for rel in part.rels.values()):
        return
    notes_theme = part.notes_master_part.part_related_by(RT.THEME)
    blob = presentation.slide_master.part.part_related_by(RT.THEME).blob
    if hasattr(notes_theme, "_element"):  # python-pptx made it from its stock XML: an XmlPart, no blob setter
        from pptx.oxml import parse_xml

        notes_theme._element = parse_xml(blob)
    else:
        notes_theme.blob = blob


def has_notes_master(presentation) -> bool:
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    return any(rel.reltype == RT.NOTES_MASTER for rel in presentation.part.rels.values())


def layout_parts(presentation) -> dict[str, object]:
    """Every slide layout part of every master, by part name (``/ppt/slideLayouts/slideLayout2.xml``)."""
    found = {}
    for master in presentation.slide_masters:
        for layout in master.slide_layouts:
            found[str(layout.part.partname)] = layout.part
    return found


def _as_presentation(blob: bytes) -> bytes:
    """The package with a template's (or slide show's) main content type made a presentation's, as PowerPoint
    does when it makes a new deck from a .potx; python-pptx opens nothing else."""
    source = zipfile.ZipFile(io.BytesIO(blob))
    types = source.read("[Content_Types].xml")
    changed = types.replace(_CT_TEMPLATE, _CT_PRESENTATION).replace(_CT_SLIDESHOW, _CT_PRESENTATION)
    if changed == types:
        return blob
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, changed if info.filename == "[Content_Types].xml" else source.read(info))
    return output.getvalue()


def _remove_slides(presentation) -> None:
    """Drop the template's sample slides and whatever lists them (custom shows, sections)."""
    element = presentation.element
    part = presentation.part
    slide_list = element.find(f"{{{_P}}}sldIdLst")
    if slide_list is not None:
        rel_ids = [slide_id.get(f"{{{_R}}}id") for slide_id in slide_list]
        element.remove(slide_list)
        for rel_id in rel_ids:
            part.drop_rel(rel_id)
    shows = element.find(f"{{{_P}}}custShowLst")
    if shows is not None:
        element.remove(shows)
    extensions = element.find(f"{{{_P}}}extLst")
    if extensions is not None:
        for extension in list(extensions):
            if extension.get("uri") in _SLIDE_LISTING_EXTENSIONS:
                extensions.remove(extension)
        if len(extensions) == 0:
            element.remove(extensions)


_PROPERTY_PARTS = (
    # (relationship type suffix, part name, content type suffix, XML): parts PowerPoint repairs a deck for when
    # they are missing, and which LibreOffice's templates leave out
    ("presProps", "/ppt/presProps.xml", "presProps",
     f'<p:presentationPr xmlns:a="{_A}" xmlns:r="{_R}" xmlns:p="{_P}"/>'),
    ("viewProps", "/ppt/viewProps.xml", "viewProps",
     f'<p:viewPr xmlns:a="{_A}" xmlns:r="{_R}" xmlns:p="{_P}"><p:gridSpacing cx="76200" cy="76200"/></p:viewPr>'),
    ("tableStyles", "/ppt/tableStyles.xml", "tableStyles",
     f'<a:tblStyleLst xmlns:a="{_A}" def="{{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}}"/>'),
)


def _add_missing_properties(presentation) -> None:
    from pptx.opc.package import Part
    from pptx.opc.packuri import PackURI

    part = presentation.part
    present = {rel.reltype.rpartition("/")[2] for rel in part.rels.values()}
    for reltype, partname, content_type, xml in _PROPERTY_PARTS:
        if reltype in present:
            continue
        blob = ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n" + xml).encode("utf-8")
        new_part = Part(PackURI(partname), "application/vnd.openxmlformats-officedocument.presentationml."
                        f"{content_type}+xml", part.package, blob)
        part.relate_to(new_part, f"{_R}/{reltype}")


# -- the stock package restyled ---------------------------------------------------------------------------------


def _style_theme(presentation, look: MasterLook) -> None:
    from lxml import etree
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    theme_part = presentation.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(theme_part.blob)
    root.set("name", look.theme_name)
    elements = root.find(f"{{{_A}}}themeElements")
    scheme = elements.find(f"{{{_A}}}clrScheme")
    scheme.set("name", look.theme_name)
    for slot, colour in look.colors:
        holder = scheme.find(f"{{{_A}}}{slot}")
        if holder is None:
            continue
        for child in list(holder):
            holder.remove(child)
        etree.SubElement(holder, f"{{{_A}}}srgbClr", val=colour.lstrip("#").upper())
    fonts = elements.find(f"{{{_A}}}fontScheme")
    fonts.set("name", look.theme_name)
    for kind, latin in (("majorFont", look.heading_font), ("minorFont", look.body_font)):
        holder = fonts.find(f"{{{_A}}}{kind}")
        holder.find(f"{{{_A}}}latin").set("typeface", latin)
        holder.find(f"{{{_A}}}ea").set("typeface", look.east_asian_font)
    theme_part.blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _style_master(presentation, look: MasterLook) -> None:
    master = presentation.slide_master.element
    styles = master.find(f"{{{_P}}}txStyles")
    _style_level(styles.find(f"{{{_P}}}titleStyle/{{{_A}}}lvl1pPr"), look.title, _ALIGN[look.title_align])
    _style_level(styles.find(f"{{{_P}}}bodyStyle/{{{_A}}}lvl1pPr"), look.body, None)
    for shape in master.iter(f"{{{_P}}}sp"):
        placeholder = shape.find(f"{{{_P}}}nvSpPr/{{{_P}}}nvPr/{{{_P}}}ph")
        kind = placeholder.get("type") if placeholder is not None else None
        box = {"title": look.title_box, "body": look.body_box}.get(kind or "")
        if box is None:
            continue
        offset = shape.find(f"{{{_P}}}spPr/{{{_A}}}xfrm/{{{_A}}}off")
        extent = shape.find(f"{{{_P}}}spPr/{{{_A}}}xfrm/{{{_A}}}ext")
        if offset is not None and extent is not None:
            offset.set("x", str(round(box.x * _EMU_PER_POINT)))
            offset.set("y", str(round(box.y * _EMU_PER_POINT)))
            extent.set("cx", str(round(box.w * _EMU_PER_POINT)))
            extent.set("cy", str(round(box.h * _EMU_PER_POINT)))
        body = shape.find(f"{{{_P}}}txBody/{{{_A}}}bodyPr")
        if body is not None and kind == "title":
            body.set("anchor", _ANCHOR[look.title_valign])


def _style_level(level, style: TextStyle, align: str | None) -> None:
    """A text style level: alignment, line spacing, and size, weight, colour on its default run properties."""
    from lxml import etree

    if level is None:
        return
    if align is not None:
        level.set("algn", align)
    for old in level.findall(f"{{{_A}}}lnSpc"):
        level.remove(old)
    spacing = etree.Element(f"{{{_A}}}lnSpc")
    etree.SubElement(spacing, f"{{{_A}}}spcPct", val=str(round(style.line_height / style.size * 100_000)))
    level.insert(0, spacing)  # lnSpc comes first among a:lvl1pPr's children
    run = level.find(f"{{{_A}}}defRPr")
    run.set("sz", str(round(style.size * 100)))
    run.set("b", "1" if style.face.bold else "0")
    run.set("i", "1" if style.face.italic else "0")
    for old in run.findall(f"{{{_A}}}solidFill"):
        run.remove(old)
    fill = etree.Element(f"{{{_A}}}solidFill")
    etree.SubElement(fill, f"{{{_A}}}srgbClr", val=style.color.lstrip("#").upper())
    run.insert(0, fill)
