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
