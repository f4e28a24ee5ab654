"""Translation completeness: which fields an edition shows in another language, as validate and build report it."""

from __future__ import annotations

from click.testing import CliRunner

from hkbrief.build import OutputFormat, build, output_stem, slug
from hkbrief.cli import main
from hkbrief.content import load_brief
from hkbrief.model import BILINGUAL, Language, edition_languages
from hkbrief.translation import fallbacks

from conftest import CONTENT


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def partly_translated(content_data: dict) -> tuple[dict, set[str]]:
    """A copy of the example with three ordinary fields and one marked name left in English only."""
    data = content_data
    data["meta"]["organisation"] = "hkbrief sample brief"
    data["sections"][1]["bullets"][2] = data["sections"][1]["bullets"][2]["en"]
    data["stats"][0]["value"] = {"en": data["stats"][0]["value"]["en"]}
    data["quotes"][0]["title"] = {"en": data["quotes"][0]["title"]["en"]}  # a name marked for translation
    data["quotes"][1]["speaker"] = "Prof. Nancy Ip"  # a plain-string name: a proper name, not reported
    return data, {"meta.organisation", "sections[1].bullets[2]", "stats[0].value", "quotes[0].title"}


def test_the_example_is_complete_in_both_languages():
    brief = load_brief(CONTENT)
    assert fallbacks(brief, (Language.ZH_HANT,)) == []
    assert fallbacks(brief, BILINGUAL) == []


def test_validate_lists_exactly_the_missing_fields(content_data, write_json):
    data, missing = partly_translated(content_data)
    path = write_json(data)
    result = run("validate", "--lang", "zh-Hant", str(path))
    assert result.exit_code == 0, result.output
    summary, *listed = result.stdout.splitlines()
    assert "zh-Hant (4 fields not translated)" in summary
    assert {line.split(": ")[1] for line in listed} == missing
    assert all(line.startswith(f"{path}: ") and "the en text is shown instead" in line for line in listed)


def test_quotations_are_never_reported(content_data, write_json):
    content_data["quotes"][0]["text"] = {"en": content_data["quotes"][0]["text"]}
    result = run("validate", "--lang", "zh-Hant", str(write_json(content_data)))
    assert result.exit_code == 0 and result.stdout.count("\n") == 1


def test_require_translations_fails_naming_every_field(content_data, write_json):
    data, missing = partly_translated(content_data)
    path = write_json(data)
    result = run("validate", "--lang", "bilingual", "--require-translations", str(path))
    assert result.exit_code == 1
    assert {line.split(": ")[1] for line in result.stderr.splitlines()} == missing
    out = path.parent / "out"
    result = run("build", str(path), "--lang", "zh-HK", "--require-translations", "--out", str(out))
    assert result.exit_code == 1 and not out.exists()
    assert "Traceback" not in result.output


def test_build_says_how_many_fields_fell_back_in_one_line(content_data, write_json, tmp_path):
    data, missing = partly_translated(content_data)
    path = write_json(data)
    result = run("build", str(path), "--lang", "zh", "--format", "pdf", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    [line] = [line for line in result.stderr.splitlines() if "not translated" in line]
    assert f"{len(missing)} fields not translated" in line and f"hkbrief validate --lang zh-Hant {path}" in line
    english = run("build", str(path), "--format", "pdf", "--out", str(tmp_path / "out"))
    assert "not translated" not in english.stderr


def test_a_chinese_brief_with_english_text_is_reported(content_data, write_json):
    content_data["meta"]["language"] = "zh-Hant"
    content_data["sections"][0]["heading"] = "A Global Super-Connector"
    result = run("validate", str(write_json(content_data)))
    assert "zh-Hant (1 field not translated)" in result.stdout


def test_edition_names():
    assert edition_languages("zh-HK") == edition_languages("zh") == edition_languages("ZH-hant") == (
        Language.ZH_HANT,)
    assert edition_languages("bilingual") == edition_languages("en+zh-Hant") == BILINGUAL
    assert run("build", "--lang", "fr").exit_code == 2


def test_output_names(content_data, write_json):
    brief = load_brief(CONTENT)
    stem = "hong-kong-a-global-hub-for-innovation-and-technology"
    assert output_stem(brief.meta, Language.EN) == stem
    assert output_stem(brief.meta, (Language.ZH_HANT,)) == f"{stem}-zh-hant"
    assert output_stem(brief.meta, BILINGUAL) == f"{stem}-bilingual"
    assert output_stem(brief.meta, BILINGUAL, name="delegation") == "delegation-bilingual"
    content_data["meta"]["slug"] = "hk-hub"
    assert output_stem(load_brief(write_json(content_data)).meta, Language.EN) == "hk-hub"


def test_chinese_only_titles_get_stable_distinct_names():
    first, second = slug("香港：全球創新科技樞紐"), slug("香港：國際金融中心")
    assert first == slug("香港：全球創新科技樞紐") and first != second
    assert first.startswith("brief-") and len(first) == len("brief-") + 8
    assert slug("2026") != slug("2027")


def test_a_bad_slug_names_the_field(content_data, write_json):
    content_data["meta"]["slug"] = "../etc"
    result = run("validate", str(write_json(content_data)))
    assert result.exit_code == 1 and "meta.slug" in result.stderr


def test_two_chinese_only_briefs_do_not_overwrite_each_other(content_data, write_json, tmp_path):
    for title in ("香港：全球創新科技樞紐", "香港：國際金融中心"):
        content_data["meta"]["title"] = {"zh-Hant": title}
        content_data["meta"]["language"] = "zh-Hant"
        build(write_json(content_data), "default", tmp_path / "out", (OutputFormat.PDF,))
    assert len(list((tmp_path / "out").glob("brief-*.pdf"))) == 2


def test_the_glyph_check_and_the_translation_check_know_the_same_drawn_fields(content_data, write_json):
    """Two lists of the content's visible fields exist (translation: what a reader sees, notes included; the glyph
    check: what the writers draw, with the role that draws it). A field added to one must be added to the other."""
    import re

    from hkbrief.arrange import Edition
    from hkbrief.arrange.coverage import edition_texts
    from hkbrief.translation import visible_fields

    content_data["sections"][0]["image"] = {"path": "x.png", "alt": "A campus"}
    content_data["quotes"][0]["organisation"] = "HKUST"
    content_data["sources"][0]["url"] = "https://www.itf.gov.hk/"
    brief = load_brief(write_json(content_data))

    def fields(paths):
        return {re.sub(r"\[\d+\]", "[]", path) for path in paths}

    seen = fields(path for path, _, _ in visible_fields(brief))
    drawn = fields(path for path, _, _ in edition_texts(Edition(brief, Language.EN, "content.json")))
    not_drawn = {"meta.keywords[]", "sections[].notes[]"}  # document properties and speaker notes
    only_drawn = {"sources[].url"}  # an address: checked for glyphs, never translated
    assert seen - not_drawn == drawn - only_drawn
