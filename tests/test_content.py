"""The content model and loader: valid input, and each kind of invalid input with the message a user sees."""

from __future__ import annotations

import json

import pytest

from hkbrief.content import MAX_CONTENT_BYTES, load_brief, load_meta, parse_brief
from hkbrief.errors import ContentError
from hkbrief.model import FeatureKind, Language

from conftest import CONTENT


def messages(path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_brief(path)
    return [str(p) for p in info.value.problems]


def test_bundled_content_loads_with_both_languages():
    brief = load_brief(CONTENT)
    assert [brief.meta.title.resolve(Language.EN, Language.EN)][0].startswith("Hong Kong")
    assert len(brief.sections) == 5
    assert brief.languages == {Language.EN, Language.ZH_HANT}
    assert brief.featured[0].kind in (FeatureKind.STAT, FeatureKind.QUOTE)
    assert brief.stat("industry-fund").value.resolve(Language.EN, Language.EN) == "HK$10 billion"


def test_translation_falls_back_to_the_brief_language(content_data, write_json):
    content_data["sections"][0]["heading"] = {"en": "Only English"}
    brief = load_brief(write_json(content_data))
    assert brief.sections[0].heading.resolve(Language.ZH_HANT, Language.EN) == "Only English"


def test_missing_required_field_everywhere_is_listed_once_per_place(content_data, write_json):
    for stat in content_data["stats"]:
        del stat["value"]
    found = messages(write_json(content_data))
    assert len(found) == len(content_data["stats"])
    assert found[2].endswith("content.json: stats[2].value: missing (required)")


def test_unknown_key_suggests_the_near_miss(content_data, write_json):
    content_data["meta"]["titel"] = "x"
    assert any('meta.titel: unknown key (did you mean "title"?)' in m for m in messages(write_json(content_data)))


def test_unknown_reference_names_both_places(content_data, write_json):
    content_data["sections"][0]["stats"] = ["industry-fnd"]
    [message] = messages(write_json(content_data))
    assert 'sections[0].stats[0]: "industry-fnd" is not the id of any item in stats (did you mean "industry-fund"?)' \
        in message


def test_duplicate_ids_point_at_the_first(content_data, write_json):
    content_data["sources"][1]["id"] = content_data["sources"][0]["id"]
    found = messages(write_json(content_data))
    assert any("sources[1].id:" in m and "already the id of sources[0]" in m for m in found)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('[1, 2]', "expected a JSON object at the top level, found a list"),
        ('{"meta": {', "line 1, column 11: invalid JSON"),
        ("", "the file is empty"),
        ('{"meta": 1, "meta": 2, "sections": []}', "meta: duplicate key"),
        ('{"meta": {"title": NaN}, "sections": []}', "meta.title: expected text"),
        ('{"meta": {"title": 1' + "0" * 5000 + '}, "sections": []}', "a number too large"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_broken_json_gives_one_clear_line(write_json, raw, expected):
    found = messages(write_json(raw))
    assert any(expected in m for m in found), found
    assert all(": " in m and "content.json" in m for m in found)


def test_cut_off_file_says_so(write_json):
    text = CONTENT.read_text(encoding="utf-8")
    [message] = messages(write_json(text[: len(text) // 2]))
    assert "invalid JSON" in message and "cut off" in message and "line " in message


def test_latin1_bytes_are_refused_with_advice(write_json):
    [message] = messages(write_json('{"meta": "café"}'.encode("latin-1")))
    assert "not UTF-8" in message and "save it as UTF-8" in message and "line 1" in message


def test_bom_and_utf16_are_accepted(write_json):
    text = CONTENT.read_text(encoding="utf-8")
    assert load_brief(write_json(b"\xef\xbb\xbf" + text.encode("utf-8"))).sections
    assert load_brief(write_json(text.encode("utf-16"))).sections


def test_size_cap_is_checked_before_parsing(write_json):
    [message] = messages(write_json(b" " * (MAX_CONTENT_BYTES + 1)))
    assert "limited to" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\u0000b", "U+0000 at position 2 is a control character"),
        ("a\u202eb", "U+202E at position 2 is an invisible bidirectional override"),
        ("a\ud800b", "U+D800 at position 2 is a lone surrogate"),
        ("a\u0085b", "U+0085 at position 2 is a control character"),
        ("   ", "must not be empty"),
    ],
)
def test_unwritable_or_hidden_characters_are_refused_with_position(content_data, write_json, text, expected):
    content_data["sections"][1]["bullets"][0] = text
    [message] = messages(write_json(content_data))
    assert f"sections[1].bullets[0]: character {expected}" in message or expected in message


def test_the_quick_search_for_refused_characters_finds_exactly_those_refused():
    """A text is searched for any refused character at once, and read character by character only if one is
    there: the search must find every character the per-character rule refuses, and no other."""
    from hkbrief.content import _ANY_REFUSED, _refusal

    disagree = [hex(code) for code in range(0x110000)
                if bool(_refusal(chr(code))) != bool(_ANY_REFUSED.search(chr(code)))]
    assert disagree == []


def test_text_is_nfc_normalised(content_data, write_json):
    content_data["sections"][0]["heading"] = "Cafe\u0301"
    brief = load_brief(write_json(content_data))
    assert brief.sections[0].heading.resolve(Language.EN, Language.EN) == "Caf\u00e9"


def test_wrong_types_and_nulls(content_data, write_json):
    content_data["stats"][0]["label"] = None
    content_data["sections"][0]["bullets"] = "one string"
    content_data["meta"]["language"] = "fr"
    found = messages(write_json(content_data))
    assert any("stats[0].label: expected text (a string or a map of languages), found null" in m for m in found)
    assert any("sections[0].bullets: expected a list, found a string" in m for m in found)
    assert any('meta.language: expected one of: en, zh-Hant; found "fr"' in m for m in found)


def test_unknown_language_in_a_translation_map(content_data, write_json):
    content_data["meta"]["title"] = {"en": "x", "zh-hant": "y"}
    [message] = messages(write_json(content_data))
    assert 'meta.title.zh-hant: unknown language (did you mean "zh-Hant"?)' in message


def test_featured_must_name_a_kind_and_an_existing_id(content_data, write_json):
    content_data["featured"] = ["industry-fund", "quote:nobody", "section:x"]
    found = messages(write_json(content_data))
    assert any('featured[0]: expected "stat:<id>", "quote:<id>"' in m for m in found)
    assert any('featured[1]: "nobody" is not the id of any item in quotes' in m for m in found)
    assert any('featured[2]: "section" cannot be featured' in m for m in found)


def test_image_needs_alt_text_or_decorative(content_data, write_json):
    content_data["sections"][0]["image"] = {"path": "map.png"}
    [message] = messages(write_json(content_data))
    assert "sections[0].image.alt: missing: describe the picture" in message


def test_url_must_be_web_address(content_data, write_json):
    content_data["sources"][0]["url"] = "javascript:alert(1)"
    [message] = messages(write_json(content_data))
    assert "sources[0].url: expected a web address" in message


def test_parse_brief_names_the_file_it_was_given():
    with pytest.raises(ContentError) as info:
        parse_brief(json.dumps({"meta": {}}).encode(), "brief.json")
    assert all(str(p).startswith("brief.json: ") for p in info.value.problems)


def test_takeaways_are_an_optional_translatable_list(content_data, write_json):
    brief = load_brief(write_json(content_data))
    assert len(brief.takeaways) == 5
    assert brief.takeaways[0].languages == {Language.EN, Language.ZH_HANT}
    del content_data["takeaways"]
    assert load_brief(write_json(content_data)).takeaways == ()


@pytest.mark.parametrize(("value", "expected"), [
    ([], "takeaways: "), ("One point", "takeaways: "), ([""], "takeaways[0]: "), ([{"fr": "Un"}], "takeaways[0]"),
])
def test_bad_takeaways_name_the_field(content_data, write_json, value, expected):
    content_data["takeaways"] = value
    assert any(expected in m for m in messages(write_json(content_data)))


def test_featured_twice_quotes_the_reference_safely(content_data, write_json):
    content_data["featured"] = ["stat:industry-fund\u001b[2J", "stat:industry-fund\u001b[2J"]
    assert all("\u001b" not in m for m in messages(write_json(content_data)))


# -- null, refused characters, nesting (issue: every field and every character reported) ----------------------

NULLABLE = [  # every optional key, at each place it can be written
    ("stats",), ("quotes",), ("sources",), ("featured",), ("meta", "short_title"), ("meta", "subtitle"),
    ("meta", "handling"), ("meta", "language"), ("meta", "keywords"), ("sections", 0, "notes"),
    ("sections", 0, "image"), ("sections", 0, "stats"), ("sections", 0, "quotes"), ("quotes", 0, "organisation"),
    ("sources", 0, "url"), ("takeaways",), ("meta", "slug"),
]


@pytest.mark.parametrize("where", NULLABLE, ids=[".".join(map(str, w)) for w in NULLABLE])
def test_null_is_an_error_for_every_optional_field(where, content_data, write_json):
    """null is not "none": before, "stats": null was read as no stats and the build went on."""
    target = content_data
    for step in where[:-1]:
        target = target[step]
    target[where[-1]] = None
    path = "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in where).lstrip(".")
    found = messages(write_json(content_data))
    assert any(f": {path}: null is not allowed; leave \"{where[-1]}\" out" in m for m in found), found


def test_every_refused_character_of_a_field_is_reported(content_data, write_json):
    content_data["sections"][1]["bullets"][0] = "a\x07b\x08c\u202ed" + "\x01" * 8
    [message] = messages(write_json(content_data))
    assert "sections[1].bullets[0]: character U+0007 at position 2 is a control character" in message
    assert "; 10 more in this field (U+0008 at 4, U+202E at 6, U+0001 at 8, U+0001 at 9, U+0001 at 10" in message
    assert message.endswith("and 5 more); remove them")


def test_one_refused_character_reads_as_one(content_data, write_json):
    content_data["meta"]["title"] = "Brief\x00"
    [message] = messages(write_json(content_data))
    assert message.endswith("meta.title: character U+0000 at position 6 is a control character; remove it")


def test_nesting_thousands_deep_names_the_field_and_line(content_data, write_json):
    """Before, 5,000 levels gave "nested too deeply" with no place: json raised RecursionError first."""
    text = json.dumps(content_data, indent=2).replace('"notes": [', '"notes": [' + "[" * 5000 + "]" * 5000 + ",", 1)
    path = write_json(text)
    [message] = messages(path)
    assert message.startswith(f"{path}: sections[0].notes: nested too deeply (more than 32 levels; line ")


def test_the_meta_alone_reads_as_the_whole_brief_reads_it(content_data, write_json):
    """A batch names every brief's outputs from its meta before building: the meta must be the brief's, and a
    brief broken elsewhere still has one (its own build reports the rest)."""
    assert load_meta(CONTENT) == load_brief(CONTENT).meta
    content_data["stats"][0]["value"] = 7
    assert load_meta(write_json(content_data)) == load_brief(CONTENT).meta
    content_data["meta"]["date"] = "25 November"
    with pytest.raises(ContentError) as caught:
        load_meta(write_json(content_data))
    assert "meta.date" in str(caught.value)


@pytest.mark.parametrize("depth", [1, 31, 32, 33, 200])
def test_the_quick_nesting_count_agrees_with_the_search_that_says_where(depth):
    from hkbrief.content import nests_deeper, too_deep

    for opening, closing in (("[", "]"), ('{"a": ', "}")):
        text = '{"meta": {"title": "[[{{ not nesting }}]]"}, "x": ' + opening * depth + "1" + closing * depth + "}"
        assert nests_deeper(text) == (too_deep(text) is not None), (opening, depth)
