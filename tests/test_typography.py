"""Typography that follows the language: apostrophes, the quotation marks hkbrief adds, attribution punctuation."""

from __future__ import annotations

import json
import os
from unittest import mock

import pytest

from hkbrief import typography
from hkbrief.model import Language

pptx = pytest.importorskip("pptx")

from hkbrief.build import OutputFormat, build  # noqa: E402


@pytest.mark.parametrize(("typed", "printed"), [
    ("don't", "don\u2019t"),
    ("We've built environments where innovation isn't just encouraged, it's expected",
     "We\u2019ve built environments where innovation isn\u2019t just encouraged, it\u2019s expected"),
    ("the world's most dynamic tech hubs", "the world\u2019s most dynamic tech hubs"),
    ("the members' views", "the members\u2019 views"),
    ("since the '90s", "since the \u201990s"),
    ("HKUST's Redbird fund", "HKUST\u2019s Redbird fund"),
])
def test_typewriter_apostrophes_become_typographic(typed, printed):
    assert typography.typeset(typed) == printed


@pytest.mark.parametrize("text", ['a "so-called" hub', "a 'quoted' word", "5' 10\"", "香港：全球創新科技樞紐"])
def test_quotation_marks_in_the_text_are_left_as_written(text):
    assert typography.typeset(text) == text


@pytest.mark.parametrize(("text", "marks"), [
    ('"Our members are ready."', ('"', '"')),
    ("\u201cOur members are ready.\u201d", ("\u201c", "\u201d")),
    ("  'Our members are ready.'  ", ("'", "'")),
    ("「我們已準備好。」", ("「", "」")),
])
def test_quotation_marks_around_a_whole_quotation_are_found_and_stripped(text, marks):
    assert typography.enclosing_marks(text) == marks
    assert typography.quoted(text, Language.EN) == "\u201cOur members are ready.\u201d" if marks[0] != "「" \
        else typography.quoted(text, Language.ZH_HANT) == "「我們已準備好。」"


@pytest.mark.parametrize("text", ['"Yes," she said, "we are."', "A plain quotation", '"Half quoted', "“a” and “b”"])
def test_marks_that_do_not_enclose_the_whole_quotation_stay(text):
    assert typography.enclosing_marks(text) is None
    assert typography.unquoted(text) == text


def test_quotations_take_the_marks_of_their_language():
    assert typography.quoted("We design it", Language.EN) == "\u201cWe design it\u201d"
    assert typography.quoted("香港是全球樞紐", Language.ZH_HANT) == "「香港是全球樞紐」"


def test_attribution_parts_are_joined_with_the_comma_of_their_script():
    assert typography.joined(["Falcon Chan", "Partner at Deloitte China"]) == "Falcon Chan, Partner at Deloitte China"
    assert typography.joined(["測試講者", "測試機構主席"]) == "測試講者\uff0c測試機構主席"
    assert typography.joined(["Falcon Chan", "測試機構主席"]) == "Falcon Chan\uff0c測試機構主席"
    assert typography.dash("Falcon Chan") == "\u2014 Falcon Chan"
    assert typography.dash("測試講者") == "\u2014\u2014測試講者"


# -- in the outputs -------------------------------------------------------------------------------------------


def _build(tmp_path, data: dict, layout: str = "default", language: Language | None = None):
    path = tmp_path / "content.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with mock.patch.dict(os.environ):
        os.environ.pop("SOURCE_DATE_EPOCH", None)
        result = build(path, layout, tmp_path / "out", (OutputFormat.PPTX,), language)
    return result, pptx.Presentation(str(result.written[0]))


def _texts(prs, name: str) -> list[str]:
    """The text of every shape so named, line breaks (the planned ones a quotation keeps) as spaces."""
    return [" ".join(shape.text_frame.text.split()) for slide in prs.slides for shape in slide.shapes
            if shape.name == name and shape.has_text_frame]


def test_the_deck_curls_apostrophes_inside_the_quotation_marks_it_adds(tmp_path, content_data):
    _, prs = _build(tmp_path, content_data)
    [quote] = _texts(prs, "quote:al-jaziri-design-change")
    assert quote.startswith("\u201cDubai and Hong Kong don\u2019t just embrace change, we design it. We\u2019ve")
    assert "'" not in quote


def test_a_quotation_typed_with_its_own_marks_is_quoted_once_and_the_build_says_so(tmp_path, content_data):
    quote = next(q for q in content_data["quotes"] if q["id"] == "ip-gateway")
    quote["text"] = f'"{quote["text"]}"'
    result, prs = _build(tmp_path, content_data)
    [shape_text] = _texts(prs, "quote:ip-gateway")
    assert shape_text.startswith("\u201cHong Kong serves") and shape_text.endswith("rest of the world.\u201d")
    assert '"' not in shape_text
    index = content_data["quotes"].index(quote)
    assert any(w.startswith(f"{tmp_path / 'content.json'}: quotes[{index}].text: the quotation marks around")
               for w in result.warnings), result.warnings


def test_chinese_attributions_use_full_width_punctuation(tmp_path, content_data):
    quote = next(q for q in content_data["quotes"] if q["id"] == "al-bastaki-global-hub")
    quote["speaker"] = {"en": quote["speaker"], "zh-Hant": "測試講者"}
    quote["title"] = {"en": quote["title"], "zh-Hant": "測試機構主席"}
    quote["organisation"] = {"en": "Test Organisation", "zh-Hant": "測試機構"}
    _, prs = _build(tmp_path, content_data, "default", Language.ZH_HANT)
    notes = [slide.notes_slide.notes_text_frame.text for slide in prs.slides
             if slide.name == "quote:al-bastaki-global-hub"]
    assert notes and "測試講者\uff0c測試機構主席\uff0c測試機構" in notes[0], notes
    assert ", 測試" not in notes[0]
