"""build(): what a user gets in the output folder, checked by reopening the files."""

from __future__ import annotations

from pptx import Presentation

from hkbrief.build import OutputFormat, build

from conftest import CONTENT

FIELD = "{http://schemas.openxmlformats.org/drawingml/2006/main}fld"


def test_slide_numbers_are_live_fields_showing_the_slide_number(tmp_path):
    """PowerPoint renumbers fields when slides are added or moved; plain text would go stale."""
    result = build(CONTENT, "default", tmp_path, (OutputFormat.PPTX,))
    [deck] = result.written
    prs = Presentation(deck)
    numbered = 0
    for index, slide in enumerate(prs.slides, start=1):
        shapes = [s for s in slide.shapes if s.name.endswith("/number") and not s.name.startswith("agenda:")]
        if index == 1:
            assert shapes == []  # the title slide carries no footer
            continue
        [shape] = shapes
        fields = list(shape.text_frame._txBody.iter(FIELD))
        assert [f.get("type") for f in fields] == ["slidenum"]
        assert shape.text_frame.text == str(index)
        numbered += 1
    assert numbered == len(prs.slides) - 1


def test_no_two_editions_layouts_or_templates_share_a_file_name():
    """Every edition × built-in layout × (no template, a template) of one brief gets its own name, so building them
    all into one folder overwrites nothing; a layout named like an edition is told apart from the edition."""
    from hkbrief.build import output_stem
    from hkbrief.content import load_brief
    from hkbrief.layoutspec import builtin_layout_names
    from hkbrief.model import BILINGUAL, Language

    brief = load_brief(CONTENT)
    layouts = [*builtin_layout_names(), "bilingual", "zh-hant"]
    stems = [output_stem(brief.meta, edition, None, layout, template)
             for edition in (Language.EN, (Language.ZH_HANT,), BILINGUAL)
             for layout in layouts for template in (None, "brand")]
    assert len(set(stems)) == len(stems), sorted(stems)
    slug = "hong-kong-a-global-hub-for-innovation-and-technology"
    assert output_stem(brief.meta, BILINGUAL, None, "default") == f"{slug}-bilingual"
    assert output_stem(brief.meta, Language.EN, None, "bilingual") == f"{slug}-bilingual-layout"
    assert output_stem(brief.meta, BILINGUAL, None, "stacked") == f"{slug}-bilingual-stacked"
    assert output_stem(brief.meta, Language.EN, None, "default", "brand") == f"{slug}-brand"


def test_a_template_build_beside_the_plain_one_keeps_both(tmp_path):
    from pptx import Presentation as NewPresentation

    template = tmp_path / "brand.pptx"
    NewPresentation().save(template)
    plain = build(CONTENT, "default", tmp_path / "out", (OutputFormat.PPTX,))
    branded = build(CONTENT, "default", tmp_path / "out", (OutputFormat.PPTX,), template=template)
    [plain_deck], [branded_deck] = plain.written, branded.written
    assert plain_deck != branded_deck and plain_deck.exists() and branded_deck.stem.endswith("-brand")
