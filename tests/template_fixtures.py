"""Templates not made by hkbrief, generated at test time: where each comes from is the function that makes it.

- ``stock``: python-pptx's own default template (4:3, Office theme, the eleven Office layouts), saved as is.
- ``as_potx``: any .pptx with its main part's content type changed to the template type, as PowerPoint saves a
  .potx.
- ``libreoffice``: a deck converted by LibreOffice (``soffice --convert-to pptx`` and, as a .potx, the "Impress
  Office Open XML Template" filter): LibreOffice's own layout names ("Title, Content") and styles written on the
  placeholders' sample paragraphs.
- ``pandoc``: Pandoc's reference document (``pandoc -o ref.pptx --print-default-data-file reference.pptx``), 16:9
  at 10 inches wide, with four sample slides.
- ``branded``: an organisation's template as a designer would make one: 16:9, renamed layouts, custom theme
  colours and fonts, a dark title layout, a logo picture and a colour band on the master.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

CT_PRESENTATION = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
CT_TEMPLATE = "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"
CT_MACRO_TEMPLATE = "application/vnd.ms-powerpoint.template.macroEnabled.main+xml"

BRAND_LAYOUT_NAMES = {
    "Title Slide": "Cover",
    "Title and Content": "Headline + Text",
    "Title Only": "Headline",
    "Blank": "Empty",
    "Section Header": "Chapter",
}
BRAND_COLORS = {"dk1": "1B1B1B", "lt1": "FFFFFF", "dk2": "12294A", "lt2": "F2F4F7", "accent1": "D9531E",
                "accent2": "12294A", "accent3": "2E8B57", "accent4": "6B4C9A", "accent5": "1F7A8C",
                "accent6": "C9A227"}
BRAND_FONTS = ("Cambria", "Arial")  # headings, body
LOGO_NAME = "Brand logo"


def stock(path: Path) -> Path:
    from pptx import Presentation

    Presentation().save(path)
    return path


def rewrite_parts(source: Path, target: Path, change) -> Path:
    """Copy a package, passing each member's name and bytes through ``change`` (None drops the member)."""
    with zipfile.ZipFile(source) as reading, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as writing:
        for info in reading.infolist():
            data = change(info.filename, reading.read(info))
            if data is not None:
                writing.writestr(info.filename, data)
    return target


def with_main_type(source: Path, target: Path, content_type: str) -> Path:
    def change(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return data.replace(CT_PRESENTATION.encode(), content_type.encode())
        return data

    return rewrite_parts(source, target, change)


def as_potx(source: Path, target: Path) -> Path:
    return with_main_type(source, target, CT_TEMPLATE)


def libreoffice(source: Path, folder: Path, template: bool) -> Path:
    """Convert ``source`` with LibreOffice (a throwaway profile, so parallel runs do not share one)."""
    soffice = shutil.which("soffice") or "soffice"
    target = "potx:Impress Office Open XML Template" if template else "pptx:Impress Office Open XML"
    with tempfile.TemporaryDirectory(prefix="hkbrief-lo-") as profile:
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target,
                        "--outdir", str(folder), str(source)], check=True, capture_output=True, timeout=180)
    made = folder / (source.stem + (".potx" if template else ".pptx"))
    assert made.is_file(), f"LibreOffice made no {made.name}"
    return made


def pandoc(path: Path) -> Path:
    subprocess.run(["pandoc", "-o", str(path), "--print-default-data-file", "reference.pptx"], check=True,
                   capture_output=True, timeout=120)
    return path


def logo_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 80), "#D9531E")
    draw = ImageDraw.Draw(image)
    draw.rectangle((16, 16, 64, 64), fill="#FFFFFF")
    draw.rectangle((80, 30, 224, 50), fill="#FFFFFF")
    output = io.BytesIO()
    image.save(output, "PNG")
    return output.getvalue()


def branded(path: Path) -> Path:
    """A 16:9 brand template: renamed layouts, theme colours and fonts, a dark cover, a logo and band on the master."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Emu

    presentation = Presentation()
    old_width, old_height = presentation.slide_width, presentation.slide_height
    presentation.slide_width, presentation.slide_height = Emu(12_192_000), Emu(6_858_000)
    master = presentation.slide_master
    for element in [master.element, *(layout.element for layout in master.slide_layouts)]:
        for tag, attrs in (("off", ("x", "y")), ("ext", ("cx", "cy"))):
            for node in element.iter(f"{{http://schemas.openxmlformats.org/drawingml/2006/main}}{tag}"):
                if node.get(attrs[0]) is None:
                    continue
                node.set(attrs[0], str(round(int(node.get(attrs[0])) * 12_192_000 / old_width)))
                node.set(attrs[1], str(round(int(node.get(attrs[1])) * 6_858_000 / old_height)))
    for layout in master.slide_layouts:
        if layout.name in BRAND_LAYOUT_NAMES:
            layout.element.cSld.set("name", BRAND_LAYOUT_NAMES[layout.name])
    _add_master_artwork(master)
    cover = next(layout for layout in master.slide_layouts if layout.name == "Cover")
    cover.background.fill.solid()
    cover.background.fill.fore_color.rgb = RGBColor.from_string(BRAND_COLORS["dk2"])
    for placeholder in cover.placeholders:
        for paragraph in placeholder.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        _white_list_style(placeholder)
    theme_part = next(rel.target_part for rel in master.part.rels.values() if rel.reltype.endswith("/theme"))
    theme = theme_part.blob.decode("utf-8")
    theme = theme.replace('name="Office Theme"', 'name="Harbour Brand"', 1)
    for name, value in BRAND_COLORS.items():
        theme = re.sub(rf"<a:{name}>.*?</a:{name}>", f'<a:{name}><a:srgbClr val="{value}"/></a:{name}>', theme,
                       count=1, flags=re.S)
    theme = re.sub(r'(<a:majorFont><a:latin typeface=")[^"]*"', rf'\g<1>{BRAND_FONTS[0]}"', theme, count=1)
    theme = re.sub(r'(<a:minorFont><a:latin typeface=")[^"]*"', rf'\g<1>{BRAND_FONTS[1]}"', theme, count=1)
    theme_part._blob = theme.encode("utf-8")
    presentation.save(path)
    return path


def _white_list_style(placeholder) -> None:
    """White text on the dark cover, set in the layout placeholder's list style as PowerPoint does."""
    from lxml import etree

    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    body = placeholder.text_frame._txBody
    list_style = body.find(f"{{{a}}}lstStyle")
    if list_style is None:
        list_style = etree.SubElement(body, f"{{{a}}}lstStyle")
        body.find(f"{{{a}}}bodyPr").addnext(list_style)
    level = list_style.find(f"{{{a}}}lvl1pPr")
    if level is None:
        level = etree.SubElement(list_style, f"{{{a}}}lvl1pPr")
    run = level.find(f"{{{a}}}defRPr")
    if run is None:
        run = etree.SubElement(level, f"{{{a}}}defRPr")
    for old in run.findall(f"{{{a}}}solidFill"):
        run.remove(old)
    fill = etree.Element(f"{{{a}}}solidFill")
    etree.SubElement(fill, f"{{{a}}}schemeClr", val="bg1")
    run.insert(0, fill)


def _add_master_artwork(master) -> None:
    """A navy band along the foot of every slide and the logo in the top right corner, drawn on the master."""
    from lxml import etree

    _, rel_id = master.part.get_or_add_image_part(io.BytesIO(logo_png()))
    width, height = 12_192_000, 6_858_000
    band_height, logo_w, logo_h = 228_600, 1_371_600, 457_200
    namespaces = ('xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
                  ' xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
                  ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
    band = (f'<p:sp {namespaces}><p:nvSpPr><p:cNvPr id="90" name="Brand band"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr>'
            f'<p:spPr><a:xfrm><a:off x="0" y="{height - band_height}"/><a:ext cx="{width}" cy="{band_height}"/>'
            '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:solidFill><a:schemeClr val="tx2"/>'
            '</a:solidFill><a:ln><a:noFill/></a:ln></p:spPr></p:sp>')
    logo = (f'<p:pic {namespaces}><p:nvPicPr><p:cNvPr id="91" name="{LOGO_NAME}" descr="Harbour Brand logo"/>'
            '<p:cNvPicPr><a:picLocks noChangeAspect="1"/></p:cNvPicPr><p:nvPr/></p:nvPicPr>'
            f'<p:blipFill><a:blip r:embed="{rel_id}"/><a:stretch><a:fillRect/></a:stretch></p:blipFill>'
            f'<p:spPr><a:xfrm><a:off x="{width - logo_w - 274_320}" y="274320"/>'
            f'<a:ext cx="{logo_w}" cy="{logo_h}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr>'
            '</p:pic>')
    tree = master.shapes._spTree
    for xml in (band, logo):
        tree.append(etree.fromstring(xml))
    _clear_of_logo([master.element, *(layout.element for layout in master.slide_layouts)],
                   width - logo_w - 274_320 - 152_400, 274_320 + logo_h)


def _clear_of_logo(elements, logo_left: int, logo_bottom: int) -> None:
    """Title placeholders that reach under the logo end short of it, as a designer draws them."""
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    p = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
    for element in elements:
        for shape in element.iter(f"{p}sp"):
            placeholder = shape.find(f"{p}nvSpPr/{p}nvPr/{p}ph")
            offset = shape.find(f"{p}spPr/{a}xfrm/{a}off")
            extent = shape.find(f"{p}spPr/{a}xfrm/{a}ext")
            if placeholder is None or placeholder.get("type") != "title" or offset is None or extent is None:
                continue
            x, y, cx = int(offset.get("x")), int(offset.get("y")), int(extent.get("cx"))
            if y < logo_bottom and x + cx > logo_left:
                extent.set("cx", str(logo_left - x))
