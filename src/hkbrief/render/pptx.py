"""Draw a :class:`~hkbrief.plan.DeckPlan` as an editable PowerPoint deck.

The plan has already decided every break, size, position, colour and font; this module only turns points into EMU
and frames into DrawingML, writing every property explicitly so that PowerPoint and LibreOffice show what
``arrange`` measured instead of what the template would inherit. python-pptx and lxml are imported inside the
functions that need them, so that the command line starts fast.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import assert_never

from hkbrief.geometry import SLIDE_4_3, SLIDE_16_9, Insets, Size
from hkbrief.langtag import office_tag
from hkbrief.plan import (
    Align,
    Colour,
    DeckPlan,
    DocumentProperties,
    Frame,
    FrameRole,
    Paragraph,
    PlaceholderSlot,
    SlidePlan,
    VAlign,
)
from hkbrief.render.pptx_base import adopt_notes_theme, has_notes_master, layout_parts, open_base, style_base
from hkbrief.render._pptx_package import add_new_relationship, package_members, package_relationships
from hkbrief.render.names import spell
from hkbrief.render.zipped import zip_bytes

__all__ = ["EMU_PER_POINT", "emu", "render_deck"]

EMU_PER_POINT = 12_700

_NAMESPACES = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
_DECORATIVE_NAMESPACE = "http://schemas.microsoft.com/office/drawing/2017/decorative"
_DECORATIVE_EXTENSION_URI = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"
_EXTENDED_PROPERTIES_NAMESPACE = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"

_TITLE_LAYOUT_NAME = "Title Only"
_FIRST_SLIDE_ID = 256  # the lowest id p:sldId allows
_CORE_TEXT_LIMIT = 255  # python-pptx refuses longer core property strings
_ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry
_ZIP_COMPRESS_LEVEL = 6
_ZIP_CREATE_SYSTEM = 3  # Unix, so that the file mode below means the same on every machine
_ZIP_FILE_MODE = 0o644  # explicit: zipfile would otherwise put in its own default for a zero mode

_ALIGNMENTS = {Align.LEFT: "l", Align.CENTER: "ctr", Align.RIGHT: "r"}
_ANCHORS = {VAlign.TOP: "t", VAlign.MIDDLE: "ctr", VAlign.BOTTOM: "b"}
_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\u2028]")
_NOTES_NEWLINE = re.compile(r"\r\n?")
# Characters XML 1.0 cannot carry (C0 controls but tab, newline and carriage return; surrogates; U+FFFE, U+FFFF);
# vertical tab is allowed where the writer turns it into a line break. Listed, not negated: the negated class
# "[^\t\n\r\x20-\ud7ff...]" spans all of Unicode and took ~6 ms each to compile at every start.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NOT_XML_EXCEPT_BREAKS = re.compile("[\x00-\x08\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_EAST_ASIAN_LANGUAGES = frozenset({"zh", "ja", "ko", "yue"})
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"


def render_deck(plan: DeckPlan) -> bytes:
    """Return the bytes of a .pptx that draws ``plan``; identical plans give identical bytes.

    Raises ``ValueError`` naming the slide, frame and field when the plan holds something a deck cannot carry
    (characters XML cannot hold, an image that is not PNG or JPEG). Colours were checked when the plan was made.
    """
    _check_plan(plan)
    presentation = open_base(plan.base)
    _set_slide_size(presentation, plan.size)
    style_base(presentation, plan.base)
    _drop_template_leftovers(presentation)
    had_notes_master = has_notes_master(presentation)
    images = _ImageParts(presentation.part.package)
    _write_master_frames(presentation, plan, images)
    _write_slides(presentation, plan, images)
    adopt_notes_theme(presentation, plan.base, had_notes_master)
    _write_properties(presentation, plan)
    return _package_bytes(presentation)


def emu(points: float) -> int:
    """Points to EMU, the integer unit of OOXML."""
    return round(points * EMU_PER_POINT)


# -- checks -----------------------------------------------------------------------------------------------------


def _check_plan(plan: DeckPlan) -> None:
    """Refuse, before anything is written, what would crash lxml or come out as garbage in the deck."""
    properties = plan.properties
    for field_name in ("title", "subject", "author", "keywords", "language", "creator"):
        _check_xml_text(getattr(properties, field_name), f"properties.{field_name}", _NOT_XML)
    for slide_number, slide in enumerate(plan.slides, start=1):
        where = f"slide {slide_number} ({spell(slide.name)})"
        _check_xml_text(spell(slide.name), f"{where}: name", _NOT_XML)
        _check_xml_text(slide.notes, f"{where}: notes", _NOT_XML_EXCEPT_BREAKS)
        for frame in slide.frames:
            _check_frame(frame, f"{where}, frame {spell(frame.name)}")
    for frame in plan.master_frames:
        _check_frame(frame, f"master, frame {spell(frame.name)}")


def _check_frame(frame: Frame, where: str) -> None:
    _check_xml_text(spell(frame.name), f"{where}: name", _NOT_XML)
    _check_xml_text(frame.alt_text, f"{where}: alt text", _NOT_XML)
    if frame.box.w < 0 or frame.box.h < 0:
        raise ValueError(f"{where}: box has a negative size {frame.box}")
    if frame.role is FrameRole.IMAGE and not frame.image_path:
        raise ValueError(f"{where}: image frame without an image path")
    for index, paragraph in enumerate(frame.paragraphs):
        at = f"{where}, paragraph {index + 1}"
        _check_xml_text(paragraph.text, f"{at}: text", _NOT_XML_EXCEPT_BREAKS)
        _check_xml_text(paragraph.bullet or "", f"{at}: bullet", _NOT_XML)
        _check_xml_text(paragraph.lang, f"{at}: language", _NOT_XML)
        face = paragraph.style.face
        _check_xml_text(face.office_family, f"{at}: font", _NOT_XML)
        _check_xml_text(face.east_asian_family, f"{at}: East Asian font", _NOT_XML)
        for line in paragraph.lines:
            for span in line.spans:
                _check_xml_text(span.text, f"{at}: line text", _NOT_XML)


def _check_xml_text(text: str, where: str, forbidden: re.Pattern[str]) -> None:
    found = forbidden.search(text)
    if found:
        raise ValueError(
            f"{where}: character U+{ord(found.group()):04X} at position {found.start() + 1} cannot be written"
        )


# -- package ----------------------------------------------------------------------------------------------------


def _set_slide_size(presentation, size: Size) -> None:
    """Size the slides as planned and move the template's master and layouts to match, for slides users add."""
    width, height = emu(size.w), emu(size.h)
    template_width, template_height = presentation.slide_width, presentation.slide_height
    if (width, height) == (template_width, template_height):
        return
    presentation.slide_width, presentation.slide_height = width, height
    slide_size = presentation.element.find(_q("p:sldSz"))
    if (width, height) == (emu(SLIDE_4_3.w), emu(SLIDE_4_3.h)):
        slide_size.set("type", "screen4x3")
    else:
        slide_size.attrib.pop("type", None)
    master = presentation.slide_master
    for element in [master.element, *(layout.element for layout in master.slide_layouts)]:
        for offset in element.iter(_q("a:off")):
            offset.set("x", str(round(int(offset.get("x")) * width / template_width)))
            offset.set("y", str(round(int(offset.get("y")) * height / template_height)))
        for extent in element.iter(_q("a:ext")):
            if extent.get("cx") is not None:
                extent.set("cx", str(round(int(extent.get("cx")) * width / template_width)))
                extent.set("cy", str(round(int(extent.get("cy")) * height / template_height)))


def _drop_template_leftovers(presentation) -> None:
    """Remove the template's Mac printer settings and its thumbnail of an empty 4:3 slide."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    part = presentation.part
    for rel_id, relationship in list(part.rels.items()):
        if relationship.reltype == RT.PRINTER_SETTINGS:
            part.drop_rel(rel_id)
    package = part.package
    for rel_id, relationship in package_relationships(package):
        if relationship.reltype == RT.THUMBNAIL:
            package.drop_rel(rel_id)


def _write_master_frames(presentation, plan: DeckPlan, images: _ImageParts) -> None:
    """Draw the plan's master frames (the logo) on every slide master, above the master's own shapes.

    Every slide shows its master's shapes (no layout the deck uses hides them), and so does a slide a user adds
    in PowerPoint, which is why the logo lives there and not on each slide.
    """
    if not plan.master_frames:
        return
    from lxml import etree

    for master in presentation.slide_masters:
        tree = master.element.find(f"{_q('p:cSld')}/{_q('p:spTree')}")
        ids = [int(value) for value in master.element.xpath("//p:cNvPr/@id")
               if str(value).isdigit()]
        out = [f'<p:spTree xmlns:a="{_NAMESPACES["a"]}" xmlns:p="{_NAMESPACES["p"]}" xmlns:r="{_NAMESPACES["r"]}">']
        for shape_id, frame in enumerate(plan.master_frames, start=max(ids, default=1) + 1):
            match frame.role:
                case FrameRole.IMAGE:
                    image_part = images.part_for(frame.image_path or "", f"master frame {spell(frame.name)}")
                    _add_picture(out, shape_id, frame, _relate_image(master.part, image_part))
                case FrameRole.SHAPE:
                    _add_rectangle(out, shape_id, frame)
                case FrameRole.TITLE | FrameRole.TEXT:
                    raise ValueError(f"master frame {spell(frame.name)}: text belongs on the slides, not the master")
                case _:
                    assert_never(frame.role)
        out.append("</p:spTree>")
        for element in etree.fromstring("".join(out).encode("utf-8")):
            tree.append(element)


def _write_slides(presentation, plan: DeckPlan, images: _ImageParts) -> None:
    """Add every slide in linear time, each as finished XML.

    ``Slides.add_slide`` searches all relationships and part names for each new slide (quadratic: seconds for
    1,000 slides), so slide, notes and image part names and relationship ids are allocated here instead. Each
    slide is written as text (see ``_slide_xml``) into a plain part: building it element by element through
    python-pptx's lxml classes took ~1.5 ms a slide and kept every slide's tree in memory until the deck was saved.
    """
    from pptx.opc.constants import CONTENT_TYPE as CT
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT
    from pptx.opc.package import Part
    from pptx.opc.packuri import PackURI

    presentation_part = presentation.part
    package = presentation_part.package
    layouts = layout_parts(presentation)
    default_layout = None
    slide_list = presentation.element.get_or_add_sldIdLst()
    notes = _NotesWriter(presentation) if any(slide.notes for slide in plan.slides) else None
    for number, slide_plan in enumerate(plan.slides, start=1):
        slide_part = Part(PackURI(f"/ppt/slides/slide{number}.xml"), CT.PML_SLIDE, package)
        if slide_plan.layout:
            layout_part = layouts.get(slide_plan.layout)
            if layout_part is None:
                raise ValueError(f"slide {number} ({spell(slide_plan.name)}): the base has no layout {slide_plan.layout}")
        else:
            default_layout = default_layout or _title_only_layout(presentation).part
            layout_part = default_layout
        slide_part.relate_to(layout_part, RT.SLIDE_LAYOUT)
        # A new part cannot already be related, so skip get_or_add's search of every existing relationship.
        rel_id = add_new_relationship(presentation_part.rels, RT.SLIDE, slide_part)
        _sub(slide_list, "p:sldId", {"id": str(_FIRST_SLIDE_ID + number - 1), "r:id": rel_id})
        slide_part.blob = _slide_xml(slide_part, slide_plan, images)
        if slide_plan.notes and notes is not None:
            notes.add(slide_part, slide_plan.notes)


def _title_only_layout(presentation):
    for layout in presentation.slide_layouts:
        if layout.name == _TITLE_LAYOUT_NAME:
            return layout
    raise LookupError(f"the template has no {_TITLE_LAYOUT_NAME!r} layout")


class _ImageParts:
    """One image part per distinct image, named without searching the package each time."""

    def __init__(self, package) -> None:
        self._package = package
        self._by_content: dict[bytes, object] = {}

    def part_for(self, path: str, where: str):
        from pptx.opc.packuri import PackURI
        from pptx.parts.image import ImagePart

        with open(path, "rb") as image_file:
            blob = image_file.read()
        existing = self._by_content.get(blob)
        if existing is not None:
            return existing
        if blob.startswith(_PNG_SIGNATURE):
            extension, content_type = "png", "image/png"
        elif blob.startswith(_JPEG_SIGNATURE):
            extension, content_type = "jpeg", "image/jpeg"
        else:
            raise ValueError(f"{where}: image is neither PNG nor JPEG")
        partname = PackURI(f"/ppt/media/image{len(self._by_content) + 1}.{extension}")
        image_part = ImagePart(partname, content_type, self._package, blob)
        self._by_content[blob] = image_part
        return image_part


class _NotesWriter:
    """Notes slides, named by count instead of python-pptx's search of every part name.

    python-pptx builds one notes slide (cloning the notes master's placeholders, the slow part) as a template,
    with a marker paragraph as its text; every notes slide is that XML with the marker replaced by its own
    paragraphs, written as python-pptx's ``TextFrame.text`` would write them.
    """

    def __init__(self, presentation) -> None:
        from pptx.opc.constants import RELATIONSHIP_TYPE as RT

        presentation_part = presentation.part
        self._master_part = presentation_part.notes_master_part
        self._count = 0
        self._head, self._tail = _notes_template(self._master_part)
        # python-pptx relates the notes master but does not list it in presentation.xml, where the schema puts it
        # right after the slide masters and where readers such as Keynote look for it.
        rel_id = next(rid for rid, rel in presentation_part.rels.items() if rel.reltype == RT.NOTES_MASTER)
        element = presentation.element
        if element.find(_q("p:notesMasterIdLst")) is None:
            id_list = _sub(element, "p:notesMasterIdLst")
            _sub(id_list, "p:notesMasterId", {"r:id": rel_id})
            element.find(_q("p:sldMasterIdLst")).addnext(id_list)

    def add(self, slide_part, text: str) -> None:
        from pptx.opc.constants import CONTENT_TYPE as CT
        from pptx.opc.constants import RELATIONSHIP_TYPE as RT
        from pptx.opc.package import Part
        from pptx.opc.packuri import PackURI

        self._count += 1
        blob = self._head + _notes_paragraphs(text).encode("utf-8") + self._tail
        notes_part = Part(
            PackURI(f"/ppt/notesSlides/notesSlide{self._count}.xml"), CT.PML_NOTES_SLIDE, slide_part.package, blob
        )
        notes_part.relate_to(self._master_part, RT.NOTES_MASTER)
        notes_part.relate_to(slide_part, RT.SLIDE)
        slide_part.relate_to(notes_part, RT.NOTES_SLIDE)


_NOTES_MARKER = "hkbrief-notes-marker"
_NOTES_TEMPLATES_KEPT = 16  # notes masters whose template is remembered: one per layout or template in use
_notes_templates: dict[bytes, tuple[bytes, bytes]] = {}  # notes master XML -> (head, tail)


def _notes_template(master_part) -> tuple[bytes, bytes]:
    """A notes slide's XML before and after its text paragraphs, as python-pptx writes a new notes slide.

    It depends on the notes master alone, and cloning the master's placeholders took a tenth of writing a deck,
    so it is remembered by the master's XML for the rest of the process (a batch, a ``watch`` session).
    """
    master_xml = master_part.blob
    found = _notes_templates.get(master_xml)
    if found is None:
        if len(_notes_templates) >= _NOTES_TEMPLATES_KEPT:
            _notes_templates.clear()
        found = _notes_templates[master_xml] = _new_notes_template(master_part)
    return found


def _new_notes_template(master_part) -> tuple[bytes, bytes]:
    from pptx.opc.constants import CONTENT_TYPE as CT
    from pptx.opc.packuri import PackURI
    from pptx.oxml.slide import CT_NotesSlide
    from pptx.parts.slide import NotesSlidePart

    # A part no relationship reaches, so it is never saved: only its XML is wanted.
    part = NotesSlidePart(
        PackURI("/ppt/notesSlides/notesSlide0.xml"), CT.PML_NOTES_SLIDE, master_part.package, CT_NotesSlide.new()
    )
    part.notes_slide.clone_master_placeholders(master_part.notes_master)
    part.notes_slide.notes_text_frame.text = _NOTES_MARKER
    head, marker, tail = part.blob.partition(f"<a:p><a:r><a:t>{_NOTES_MARKER}</a:t></a:r></a:p>".encode())
    if not marker:
        raise LookupError("the notes master has no body placeholder to hold speaker notes")
    return head, tail


def _notes_paragraphs(text: str) -> str:
    """Notes text as python-pptx's ``TextFrame.text`` writes it: a paragraph per line, ``\v`` a line break.

    python-pptx makes paragraphs of "\n" and line breaks of "\v" but writes "\r" as a visible _x000D_, so Windows
    line ends become "\n" and U+2028 (line separator) "\v" first.
    """
    text = _NOTES_NEWLINE.sub("\n", text).replace("\u2028", "\v")
    out: list[str] = []
    for paragraph in text.split("\n"):
        content = []
        for index, piece in enumerate(paragraph.split("\v")):
            if index:
                content.append("<a:br/>")
            if piece:
                content.append(f"<a:r><a:t>{_text(piece)}</a:t></a:r>")
        out.append(f"<a:p>{''.join(content)}</a:p>" if content else "<a:p/>")
    return "".join(out)


# -- slides and shapes ------------------------------------------------------------------------------------------
#
# Slides are composed as text. Every value that comes from the plan passes through ``_text`` or ``_attribute``,
# which escape exactly as lxml does, so the bytes are what lxml would serialise for the same tree (a test parses
# and re-serialises every slide to check); ``_check_plan`` has already refused characters XML cannot carry.

_XML_DECLARATION = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_SLIDE_START = (
    f'{_XML_DECLARATION}<p:sld xmlns:a="{_NAMESPACES["a"]}" xmlns:p="{_NAMESPACES["p"]}" xmlns:r="{_NAMESPACES["r"]}">'
)
_SHAPE_TREE_START = (
    '<p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>'
)
_SLIDE_END = "</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>"


def _slide_xml(slide_part, slide_plan: SlidePlan, images: _ImageParts) -> bytes:
    out = [_SLIDE_START, f'<p:cSld name="{_attribute(spell(slide_plan.name))}">']
    if slide_plan.background is not None:
        out += ["<p:bg><p:bgPr>", _solid_fill(slide_plan.background), "<a:effectLst/></p:bgPr></p:bg>"]
    out.append(_SHAPE_TREE_START)
    title_placed = False
    for shape_id, frame in enumerate(slide_plan.frames, start=2):
        match frame.role:
            case FrameRole.TITLE | FrameRole.TEXT:
                # The first title goes into the placeholder; a second one can only be a text box.
                as_title = frame.role is FrameRole.TITLE and not title_placed
                title_placed = title_placed or as_title
                slot = (frame.placeholder or PlaceholderSlot()) if as_title else frame.placeholder
                _add_text_shape(out, shape_id, frame, slot)
            case FrameRole.SHAPE:
                _add_rectangle(out, shape_id, frame)
            case FrameRole.IMAGE:
                image_part = images.part_for(frame.image_path or "", f"slide {spell(slide_plan.name)}, frame {spell(frame.name)}")
                _add_picture(out, shape_id, frame, _relate_image(slide_part, image_part))
            case _:
                assert_never(frame.role)
    out.append(_SLIDE_END)
    return "".join(out).encode("utf-8")


def _relate_image(slide_part, image_part) -> str:
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    return slide_part.relate_to(image_part, RT.IMAGE)


def _add_text_shape(out: list[str], shape_id: int, frame: Frame, slot: PlaceholderSlot | None) -> None:
    """A placeholder of the slide's layout (seen by outline view and screen readers) or a text box, both with
    explicit formats."""
    out.append(f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="{_attribute(spell(frame.name))}"/>')
    if slot is not None:
        index = f' idx="{slot.idx}"' if slot.idx else ""  # 0 is the default, and what titles have
        out.append(f'<p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr><p:ph type="{_attribute(slot.type)}"'
                   f"{index}/></p:nvPr></p:nvSpPr>")
    else:
        out.append('<p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr>')
    _add_shape_properties(out, frame)
    _add_text_body(out, frame)
    out.append("</p:sp>")


def _add_rectangle(out: list[str], shape_id: int, frame: Frame) -> None:
    """A plain rectangle: no p:style, so no theme line, shadow or effect beyond what the plan says."""
    out.append(
        f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="{_attribute(spell(frame.name))}"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr>'
    )
    _add_shape_properties(out, frame)
    if frame.paragraphs:
        _add_text_body(out, frame)
    out.append("</p:sp>")


def _add_picture(out: list[str], shape_id: int, frame: Frame, rel_id: str) -> None:
    """A picture stretched over the planned box, described for screen readers or marked decorative."""
    description = "" if frame.decorative else frame.alt_text
    out.append(
        f'<p:pic><p:nvPicPr><p:cNvPr id="{shape_id}" name="{_attribute(spell(frame.name))}" descr="{_attribute(description)}"'
    )
    if frame.decorative:
        out.append(
            f'><a:extLst><a:ext uri="{_DECORATIVE_EXTENSION_URI}"><adec:decorative xmlns:adec="{_DECORATIVE_NAMESPACE}"'
            ' val="1"/></a:ext></a:extLst></p:cNvPr>'
        )
    else:
        out.append("/>")
    out.append(
        '<p:cNvPicPr><a:picLocks noChangeAspect="1"/></p:cNvPicPr><p:nvPr/></p:nvPicPr>'
        f'<p:blipFill><a:blip r:embed="{_attribute(rel_id)}"/><a:stretch><a:fillRect/></a:stretch></p:blipFill>'
    )
    _add_shape_properties(out, frame, explicit_no_fill=False)
    out.append("</p:pic>")


def _add_shape_properties(out: list[str], frame: Frame, *, explicit_no_fill: bool = True) -> None:
    box = frame.box
    out.append(
        f'<p:spPr><a:xfrm><a:off x="{emu(box.x)}" y="{emu(box.y)}"/><a:ext cx="{emu(box.w)}" cy="{emu(box.h)}"/>'
        '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
    )
    if frame.fill is not None:
        out.append(_solid_fill(frame.fill))
    elif explicit_no_fill:
        out.append("<a:noFill/>")
    if frame.stroke is not None and frame.stroke_width > 0:
        out.append(f'<a:ln w="{emu(frame.stroke_width)}">{_solid_fill(frame.stroke)}</a:ln>')
    else:
        out.append("<a:ln><a:noFill/></a:ln>")
    out.append("<a:effectLst/></p:spPr>")


def _solid_fill(colour: Colour) -> str:
    """A solid fill of a plan colour."""
    return f'<a:solidFill><a:srgbClr val="{_attribute(colour.hex)}"/></a:solidFill>'


# -- text -------------------------------------------------------------------------------------------------------


def _add_text_body(out: list[str], frame: Frame) -> None:
    """Wrap in the box, insets and anchor as planned, and shrink on overflow only where the plan allows it.

    The plan already made the text fit with the fonts it measured. ``normAutofit`` without a ``fontScale`` keeps
    every run at its planned size (scale 100 %) where the viewer has those fonts, and lets a viewer with wider
    fonts (LibreOffice without the metric clones, PowerPoint after an edit) shrink the text instead of spilling it.
    """
    insets: Insets = frame.insets
    autofit = "<a:normAutofit/>" if frame.shrink_on_overflow else "<a:noAutofit/>"
    out.append(
        f'<p:txBody><a:bodyPr vert="horz" wrap="square" lIns="{emu(insets.left)}" tIns="{emu(insets.top)}"'
        f' rIns="{emu(insets.right)}" bIns="{emu(insets.bottom)}" rtlCol="0" anchor="{_ANCHORS[frame.valign]}"'
        f' anchorCtr="0">{autofit}</a:bodyPr><a:lstStyle/>'
    )
    if not frame.paragraphs:
        out.append("<a:p/>")
    for index, paragraph in enumerate(frame.paragraphs):
        _add_paragraph(out, paragraph, first=index == 0, keep_breaks=frame.keep_breaks)
    out.append("</p:txBody>")


def _add_paragraph(out: list[str], paragraph: Paragraph, *, first: bool, keep_breaks: bool) -> None:
    style = paragraph.style
    margin = emu(paragraph.indent)
    # hangingPunct="0": the plan measured every character inside the line, so no punctuation may hang past the
    # box edge.
    out.append(
        f'<a:p><a:pPr marL="{margin}" indent="{-margin if paragraph.bullet else 0}" algn="{_ALIGNMENTS[style.align]}"'
        ' hangingPunct="0">'
    )
    out.append(_spacing("a:lnSpc", style.line_height))
    out.append(_spacing("a:spcBef", 0.0 if first else style.space_before))
    out.append(_spacing("a:spcAft", style.space_after))
    if paragraph.bullet:
        out.append(
            f'<a:buFont typeface="{_attribute(style.face.office_family)}"/>'
            f'<a:buChar char="{_attribute(paragraph.bullet)}"/>'
        )
    else:
        out.append("<a:buNone/>")
    out.append("</a:pPr>")
    attributes, content = _run_properties(paragraph)
    run_properties = f"<a:rPr {attributes}>{content}</a:rPr>"
    if paragraph.field is not None:
        out.append(f'<a:fld id="{_FIELD_ID}" type="{paragraph.field}">{run_properties}'
                   f"<a:t>{_text(paragraph.text)}</a:t></a:fld>")
    for index, piece in enumerate(() if paragraph.field is not None else _pieces(paragraph, keep_breaks)):
        if index:
            out.append(f"<a:br>{run_properties}</a:br>")
        if piece:
            out.append(f"<a:r>{run_properties}<a:t>{_text(piece)}</a:t></a:r>")
    out.append(f"<a:endParaRPr {attributes}>{content}</a:endParaRPr></a:p>")


_FIELD_ID = "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}"  # any fixed GUID: fields need one, output stays reproducible


def _pieces(paragraph: Paragraph, keep_breaks: bool) -> Iterator[str]:
    """The texts between line breaks: the planned lines when the plan keeps its breaks, else the user's text."""
    if keep_breaks and paragraph.lines:
        for line in paragraph.lines:
            yield "".join(span.text for span in line.spans)
    else:
        yield from _LINE_BREAK.split(paragraph.text)


def _spacing(tag: str, points: float) -> str:
    return f'<{tag}><a:spcPts val="{round(points * 100)}"/></{tag}>'


def _run_properties(paragraph: Paragraph) -> tuple[str, str]:
    """Attributes and children of a run's properties: language, size, face, colour, Latin and East Asian fonts.

    Every run of a paragraph (and its end-of-paragraph properties) carries the same properties, in the schema's
    child order.
    """
    style = paragraph.style
    face = style.face
    language = office_tag(paragraph.lang)
    alternative = ' altLang="en-US"' if language.split("-")[0] in _EAST_ASIAN_LANGUAGES else ""
    attributes = (
        f'lang="{_attribute(language)}"{alternative} sz="{round(style.size * 100)}" b="{"1" if face.bold else "0"}"'
        f' i="{"1" if face.italic else "0"}" dirty="0"'
    )
    content = (
        f'{_solid_fill(style.color)}<a:latin typeface="{_attribute(face.office_family)}"/>'
        f'<a:ea typeface="{_attribute(face.east_asian_family)}"/>'
    )
    return attributes, content


# -- XML --------------------------------------------------------------------------------------------------------


def _text(value: str) -> str:
    """Element text escaped as lxml escapes it."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _attribute(value: str) -> str:
    """An attribute value (inside double quotes) escaped as lxml escapes it."""
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\t", "&#9;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
    )


def _q(name: str) -> str:
    """``a:rPr`` to Clark notation ``{namespace}rPr``."""
    prefix, _, local = name.partition(":")
    return f"{{{_NAMESPACES[prefix]}}}{local}"


def _sub(parent, name: str, attributes: dict[str, str] | None = None):
    """Append a child named like ``a:rPr`` with attributes named like ``r:id`` or ``sz`` (for template parts)."""
    from lxml import etree

    qualified = {(_q(key) if ":" in key else key): value for key, value in (attributes or {}).items()}
    return etree.SubElement(parent, _q(name), qualified)


# -- properties -------------------------------------------------------------------------------------------------


def _write_properties(presentation, plan: DeckPlan) -> None:
    """Overwrite every core property the template carries (python-pptx, 2013) and write app.xml afresh."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    properties = plan.properties
    created = _utc(properties.created)
    core = presentation.core_properties
    core.title = _core_text(properties.title)
    core.subject = _core_text(properties.subject)
    core.author = _core_text(properties.author)
    core.keywords = _core_text(properties.keywords)
    core.language = _core_text(office_tag(properties.language)) if properties.language else ""
    core.comments = ""
    core.category = ""
    core.last_modified_by = _core_text(properties.author)
    core.revision = 1
    core.created = created
    core.modified = created
    app_part = presentation.part.package.part_related_by(RT.EXTENDED_PROPERTIES)
    app_part.blob = _app_properties(plan, properties)


def _core_text(value: str) -> str:
    """Shorten at a word boundary, with an ellipsis, to the length Office and python-pptx accept."""
    if len(value) <= _CORE_TEXT_LIMIT:
        return value
    cut = value[: _CORE_TEXT_LIMIT - 1]
    space = cut.rfind(" ")
    if space > _CORE_TEXT_LIMIT // 2:
        cut = cut[:space]
    return cut.rstrip() + "\u2026"


def _utc(moment: dt.datetime) -> dt.datetime:
    """python-pptx writes the clock time with a Z, so hand it UTC (a naive time is taken to be UTC)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _app_properties(plan: DeckPlan, properties: DocumentProperties) -> bytes:
    """docProps/app.xml naming hkbrief and counting this deck, instead of the template's Mac PowerPoint 2010."""
    from lxml import etree

    namespace = _EXTENDED_PROPERTIES_NAMESPACE
    root = etree.Element(f"{{{namespace}}}Properties", nsmap={None: namespace})
    values = (
        ("TotalTime", "0"),
        ("Application", properties.creator),
        ("PresentationFormat", _presentation_format(plan.size)),
        ("Slides", str(len(plan.slides))),
        ("Notes", str(sum(1 for slide in plan.slides if slide.notes))),
        ("HiddenSlides", "0"),
        ("MMClips", "0"),
        ("ScaleCrop", "false"),
        ("LinksUpToDate", "false"),
        ("SharedDoc", "false"),
        ("HyperlinksChanged", "false"),
    )
    for name, value in values:
        etree.SubElement(root, f"{{{namespace}}}{name}").text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _presentation_format(size: Size) -> str:
    """The name PowerPoint gives a slide size in the document's extended properties."""
    in_emu = (emu(size.w), emu(size.h))
    if in_emu == (emu(SLIDE_16_9.w), emu(SLIDE_16_9.h)):
        return "Widescreen"
    if in_emu == (emu(SLIDE_4_3.w), emu(SLIDE_4_3.h)):
        return "On-screen Show (4:3)"
    return "Custom"


# -- zip --------------------------------------------------------------------------------------------------------


def _package_bytes(presentation) -> bytes:
    """The package as a zip with entries in a fixed order and fixed dates and attributes, so builds repeat.

    python-pptx's ``save`` compresses every entry with its own dates and order, which would have to be read back
    and compressed again; its package writer is asked for the entries instead, and they are compressed once
    (a member seen before in this process, such as a layout, is not compressed again: see ``render.zipped``).
    """
    members = package_members(presentation.part.package)
    return zip_bytes(((name, members[name]) for name in sorted(members, key=_entry_order)), _ZIP_COMPRESS_LEVEL,
                     _ZIP_TIMESTAMP, _ZIP_CREATE_SYSTEM, _ZIP_FILE_MODE)


def _entry_order(name: str) -> tuple[int, list[int | str]]:
    """Content types first (as Office writes it), then package relationships, then by name, slide2 before slide10."""
    rank = {"[Content_Types].xml": 0, "_rels/.rels": 1}.get(name, 2)
    return rank, [int(piece) if piece.isdigit() else piece for piece in re.split(r"(\d+)", name)]

