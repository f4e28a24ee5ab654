"""The template reader: real templates from python-pptx, LibreOffice, Pandoc and a brand designer, and bad ones."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import template_fixtures as fixtures
from conftest import require_tool
from hkbrief.cli import main
from hkbrief.layoutspec import SlideKind
from hkbrief.template import (
    CT_TEMPLATE,
    MAX_PART_BYTES,
    PlaceholderType,
    TemplateError,
    read_template,
)


@pytest.fixture(scope="session")
def made(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("templates")


@pytest.fixture(scope="session")
def stock(made) -> Path:
    return fixtures.stock(made / "stock.pptx")


@pytest.fixture(scope="session")
def stock_potx(made, stock) -> Path:
    return fixtures.as_potx(stock, made / "stock.potx")


@pytest.fixture(scope="session")
def brand(made) -> Path:
    return fixtures.branded(made / "brand.pptx")


@pytest.fixture(scope="session")
def libreoffice_pptx(made, stock) -> Path:
    require_tool("soffice")
    folder = made / "lo-pptx"
    folder.mkdir()
    return fixtures.libreoffice(stock, folder, template=False)


@pytest.fixture(scope="session")
def libreoffice_potx(made, brand) -> Path:
    require_tool("soffice")
    folder = made / "lo-potx"
    folder.mkdir()
    return fixtures.libreoffice(brand, folder, template=True)


@pytest.fixture(scope="session")
def pandoc_reference(made) -> Path:
    require_tool("pandoc")
    return fixtures.pandoc(made / "reference.pptx")


# -- what is read -----------------------------------------------------------------------------------------------


def test_stock_template_is_4_3_with_the_office_layouts(stock):
    template = read_template(stock)
    assert (template.slide_size.w, template.slide_size.h) == (720, 540)
    assert len(template.layouts) == 11 and len(template.masters) == 1
    assert template.theme.major_latin == "Calibri" and template.theme.colors["dk2"] == "#1F497D"
    title_slide = template.layout_for(SlideKind.TITLE)
    assert title_slide.name == "Title Slide"
    assert title_slide.title.type is PlaceholderType.CENTER_TITLE and title_slide.subtitle is not None
    assert template.layout_for(SlideKind.SECTIONS).name == "Title and Content"
    assert template.layout_for(SlideKind.STATS).name == "Title Only"
    assert template.layout_for(SlideKind.QUOTES).name == "Title Only"


def test_placeholder_looks_are_resolved_through_the_master_and_theme(stock):
    template = read_template(stock)
    content = template.layout_for(SlideKind.SECTIONS)
    title, body = content.title, content.bodies[0]
    # the master's title style: 44 pt, +mj-lt (Calibri), centred; body style: 32 pt bullets with a hanging indent
    assert (title.look.latin, title.look.size, title.look.align) == ("Calibri", 44, "ctr")
    assert (body.look.size, body.look.bullet, body.look.margin, body.look.indent) == (32, "•", 27, -27)
    assert body.look.insets.left == pytest.approx(7.2) and body.look.insets.top == pytest.approx(3.6)
    assert (body.box.x, body.box.y, body.box.w) == pytest.approx((36, 126, 648))
    assert title.look.color == "#000000"  # tx1 through the master's colour map


def test_potx_reads_like_its_pptx(stock, stock_potx):
    as_pptx, as_potx = read_template(stock), read_template(stock_potx)
    assert as_potx.is_template and not as_pptx.is_template
    assert as_potx.main_content_type == CT_TEMPLATE
    assert as_potx.layouts == as_pptx.layouts and as_potx.kinds == as_pptx.kinds


def test_brand_template_renamed_layouts_map_by_what_they_hold(brand):
    template = read_template(brand)
    assert template.theme.name == "Harbour Brand"
    assert (template.theme.major_latin, template.theme.minor_latin) == fixtures.BRAND_FONTS
    assert template.theme.colors["accent1"] == "#" + fixtures.BRAND_COLORS["accent1"]
    names = {kind: template.layout_for(kind).name for kind in SlideKind}
    assert names[SlideKind.TITLE] == "Cover" and names[SlideKind.CLOSING] == "Headline + Text"
    assert names[SlideKind.SECTIONS] == "Headline + Text"
    assert names[SlideKind.STATS] == "Headline" and names[SlideKind.QUOTES] == "Headline"
    cover = template.layout_for(SlideKind.TITLE)
    assert cover.backgrounds == ("#" + fixtures.BRAND_COLORS["dk2"],)
    assert cover.title.look.color == "#FFFFFF" and cover.title.look.latin == "Cambria"
    assert template.masters[0].artwork == 2  # the band and the logo


def test_vertical_layouts_never_take_a_slide_kind(brand):
    template = read_template(brand)
    vertical = {i for i, layout in enumerate(template.layouts) if any(p.look.vertical for p in layout.placeholders)}
    assert len(vertical) == 2
    assert not vertical & set(template.kinds.values())


def test_libreoffice_template_styles_come_from_its_sample_paragraphs(libreoffice_pptx, libreoffice_potx):
    made_pptx = read_template(libreoffice_pptx)
    assert made_pptx.layout_for(SlideKind.SECTIONS).name == "Title, Content"
    assert made_pptx.layout_for(SlideKind.STATS).name == "Title Only"
    title = made_pptx.layout_for(SlideKind.SECTIONS).title
    assert title.look.size == 44 and title.look.insets.left == 0  # LibreOffice writes zero insets
    made_potx = read_template(libreoffice_potx)
    assert made_potx.is_template
    assert made_potx.layout_for(SlideKind.TITLE).title is not None


def test_pandoc_reference_counts_its_sample_slides(pandoc_reference):
    template = read_template(pandoc_reference)
    assert (template.slide_size.w, template.slide_size.h) == (720, 405)
    assert template.sample_slides == 4
    assert template.layout_for(SlideKind.TITLE).name == "Title Slide"
    assert template.layout_for(SlideKind.SECTIONS).name == "Title and Content"


def test_a_template_without_title_placeholders_still_maps_every_kind(tmp_path, stock):
    def strip_titles(name: str, data: bytes) -> bytes:
        if name.startswith("ppt/slideLayouts/slideLayout") and name.endswith(".xml"):
            return data.replace(b'type="title"', b'type="body"').replace(b'type="ctrTitle"', b'type="body"')
        return data

    template = read_template(fixtures.rewrite_parts(stock, tmp_path / "untitled.pptx", strip_titles))
    assert not template.has_title_placeholders
    assert set(template.kinds) == set(SlideKind)


# -- inspect ----------------------------------------------------------------------------------------------------


def test_inspect_lists_layouts_placeholders_theme_and_mapping(brand):
    result = CliRunner().invoke(main, ["template", "inspect", str(brand)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "960 x 540 pt (16:9)" in out
    assert "theme Harbour Brand: heading font Cambria, body font Arial" in out
    assert 'layout 1 "Cover"' in out and "slide kinds: title\n" in out
    assert "ctrTitle" in out and "Cambria 44 pt" in out
    assert 'sections -> "Headline + Text"' in out
    assert "accent1 #D9531E" in out


# -- bad templates ----------------------------------------------------------------------------------------------


def _one_line_error(path: Path) -> str:
    result = CliRunner().invoke(main, ["template", "inspect", str(path)])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(str(path) + ": "), lines[0]
    assert "Traceback" not in result.output
    return lines[0]


def test_missing_file(tmp_path):
    assert "no such template file" in _one_line_error(tmp_path / "absent.potx")


def test_not_a_zip(tmp_path):
    path = tmp_path / "notes.pptx"
    path.write_text("not a presentation")
    assert "not a zip file" in _one_line_error(path)


def test_a_zip_that_is_not_a_presentation(tmp_path):
    path = tmp_path / "archive.pptx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "not a presentation" in _one_line_error(path)


def test_a_word_document_is_not_a_presentation(tmp_path, stock):
    def as_word(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return data.replace(fixtures.CT_PRESENTATION.encode(),
                                b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")
        return data

    message = _one_line_error(fixtures.rewrite_parts(stock, tmp_path / "letter.pptx", as_word))
    assert "not a presentation" in message and "wordprocessingml" in message


def test_encrypted_ole_file(tmp_path):
    path = tmp_path / "locked.pptx"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504))
    assert "encrypted or password-protected" in _one_line_error(path)


def test_macro_enabled_template(tmp_path, stock):
    path = fixtures.with_main_type(stock, tmp_path / "macros.potm", fixtures.CT_MACRO_TEMPLATE)
    assert "macro-enabled (.potm)" in _one_line_error(path)


def test_no_slide_layouts(tmp_path, stock):
    def no_layouts(name: str, data: bytes) -> bytes | None:
        if name == "ppt/slideMasters/_rels/slideMaster1.xml.rels":
            return b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/' \
                   b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/' \
                   b'2006/relationships/theme" Target="../theme/theme1.xml"/></Relationships>'
        return data

    assert "no slide layouts" in _one_line_error(fixtures.rewrite_parts(stock, tmp_path / "bare.pptx", no_layouts))


def _with_master_relationship(stock: Path, target: Path, relationship: bytes) -> Path:
    def change(name: str, data: bytes) -> bytes:
        if name == "ppt/slideMasters/_rels/slideMaster1.xml.rels":
            return data.replace(b"</Relationships>", relationship + b"</Relationships>")
        return data

    return fixtures.rewrite_parts(stock, target, change)


def test_embedded_object_on_the_master(tmp_path, stock):
    path = _with_master_relationship(stock, tmp_path / "ole.pptx", (
        b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'oleObject" Target="../embeddings/oleObject1.bin"/>'))
    assert "embedded OLE object" in _one_line_error(path)


def test_external_link_on_the_master(tmp_path, stock):
    path = _with_master_relationship(stock, tmp_path / "linked.pptx", (
        b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'image" Target="file:///C:/Brand/logo.png" TargetMode="External"/>'))
    assert "links to an outside file" in _one_line_error(path)


def test_decompression_bomb(tmp_path, stock):
    path = tmp_path / "bomb.pptx"
    fixtures.rewrite_parts(stock, path, lambda name, data: data)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ppt/media/image99.png", bytes(MAX_PART_BYTES + 1))
    assert "decompression bomb" in _one_line_error(path)


def test_malformed_master_xml(tmp_path, stock):
    def break_master(name: str, data: bytes) -> bytes:
        return data[: len(data) // 2] if name == "ppt/slideMasters/slideMaster1.xml" else data

    message = _one_line_error(fixtures.rewrite_parts(stock, tmp_path / "broken.pptx", break_master))
    assert "slideMaster1.xml is not well-formed XML" in message


def test_errors_are_template_errors(tmp_path):
    path = tmp_path / "x.potx"
    path.write_bytes(b"")
    with pytest.raises(TemplateError) as raised:
        read_template(path)
    assert raised.value.where == str(path)


# -- the layout file's template key and the starter layout ------------------------------------------------------


def test_write_layout_writes_a_layout_that_loads_with_the_template_and_mapping(brand, tmp_path):
    from hkbrief.layoutspec import load_layout

    target = tmp_path / "brand.toml"
    result = CliRunner().invoke(main, ["template", "inspect", str(brand), "--write-layout", str(target)])
    assert result.exit_code == 0, result.output
    layout = load_layout(str(target))
    assert layout.template is not None
    assert Path(layout.template.file).resolve() == brand.resolve()
    assert layout.template.layouts[SlideKind.TITLE] == "Cover"
    assert layout.template.layouts[SlideKind.SECTIONS] == "Headline + Text"
    again = CliRunner().invoke(main, ["template", "inspect", str(brand), "--write-layout", str(target)])
    assert again.exit_code == 1 and "already exists" in again.output


def test_template_path_is_relative_to_the_layout_file_that_names_it(tmp_path, brand):
    from hkbrief.layoutspec import load_layout

    (tmp_path / "kit").mkdir()
    (tmp_path / "kit" / "local.toml").write_text('extends = "default"\ntemplate = "brand.potx"\n', encoding="utf-8")
    child = tmp_path / "child.toml"
    child.write_text('extends = "kit/local.toml"\n[template.layouts]\nsection = "Headline + Text"\n',
                     encoding="utf-8")
    layout = load_layout(str(child))
    assert layout.template.file == str(tmp_path / "kit" / "brand.potx")
    assert layout.template.layouts == {SlideKind.SECTIONS: "Headline + Text"}


def test_template_key_errors_name_the_key(tmp_path):
    from hkbrief.errors import LayoutError
    from hkbrief.layoutspec import load_layout

    path = tmp_path / "bad.toml"
    path.write_text('extends = "default"\n[template]\nfile = "x.potx"\nfonts = { "Segoe UI" = "Comic Sans" }\n'
                    '[template.layouts]\nsectoins = "Content"\n', encoding="utf-8")
    with pytest.raises(LayoutError) as raised:
        load_layout(str(path))
    messages = [str(p) for p in raised.value.problems]
    assert any("template.layouts.sectoins: unknown key" in m and "sections" in m for m in messages), messages
    assert any('template.fonts["Segoe UI"]' in m and "no bundled metric font" in m for m in messages), messages
