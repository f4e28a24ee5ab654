"""Write the bad-input corpus: one file per case in this folder, and ``expected.toml`` describing each.

The files are committed; this script documents how the binary ones were made and rewrites them all:
``python tests/bad_inputs/regenerate.py``. Every content case starts from ``BASE`` (a small valid brief) and
breaks one thing, so the expected message is about that one thing.

``expected.toml`` has one table per case:

    [latin1]
    file = "latin1.json"            # content file (or layout file, with content = "_base.json")
    what = "..."                    # what is wrong, for people
    validate = "error"              # "error" (default), "ok", or "skip" (not checked by validate)
    build = "error"                 # likewise, for `hkbrief build`
    prefix = "--layout"             # what every stderr line starts with; default: the path given to the CLI
    lines = 1                       # exact number of stderr lines, when it matters
    expect = [{ path = "meta.title", contains = ["duplicate key"] }]

Each ``expect`` item must be met by one stderr line reading ``<prefix>: <path>: ...`` (or ``<prefix>: ...`` when
``path`` is empty) and containing every ``contains`` substring.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

BASE: dict = {
    "meta": {"title": "Bad Input Corpus", "date": "2026-11-25", "organisation": "hkbrief tests"},
    "sections": [
        {
            "id": "first",
            "heading": "First section",
            "bullets": ["One bullet", "Another bullet"],
            "summary": "A summary of the first section.",
            "stats": ["one-stat"],
            "quotes": ["one-quote"],
        }
    ],
    "stats": [{"id": "one-stat", "value": "42", "label": "A stat label", "source": "src"}],
    "quotes": [{"id": "one-quote", "text": "A short quotation.", "speaker": "A Speaker", "title": "A title",
                "source": "src"}],
    "sources": [{"id": "src", "name": "A source", "url": "https://example.org/"}],
}

CASES: dict[str, dict] = {}
FILES: dict[str, bytes] = {}


def dumps(value, **kwargs) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1, **kwargs)


def base() -> dict:
    return copy.deepcopy(BASE)


def case(name: str, data: bytes | str | dict, what: str, expect: list[tuple[str, list[str]]] | None = None,
         *, ext: str = "json", **options) -> None:
    file = f"{name}.{ext}"
    if isinstance(data, dict):
        data = dumps(data)
    if isinstance(data, str):
        data = data.encode("utf-8")
    FILES[file] = data
    entry = {"file": file, "what": what, **options}
    if expect:
        entry["expect"] = [{"path": path, "contains": contains} for path, contains in expect]
    CASES[name] = entry


def with_token(mutate, token: str) -> str:
    """The base brief with one value replaced by a raw JSON token (NaN, a huge number, a duplicate key ...)."""
    value = base()
    mutate(value, "@@TOKEN@@")
    return dumps(value).replace('"@@TOKEN@@"', token)


def set_at(path: list, value):
    def mutate(doc, placeholder=None):
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value if placeholder is None else placeholder
        return doc

    return mutate


def mutated(path: list, value) -> dict:
    return set_at(path, value)(base())


# -- bytes and encodings --------------------------------------------------------------------------------------

case("invalid_json", '{\n "meta": {"title": "T", "date": "2026-11-25",},\n "sections": []\n}\n',
     "a trailing comma", [("", ["line 2, column", "invalid JSON"])], lines=1)
case("truncated", dumps(base()).encode()[:200], "the file is cut off half-way",
     [("", ["invalid JSON", "cut off"])], lines=1)
case("latin1", dumps(mutated(["meta", "title"], "Café Corpus")).encode("latin-1"),
     "Latin-1 bytes (é saved as 0xE9)", [("", ["0xE9", "not UTF-8", "Latin-1", "save it as UTF-8"])], lines=1)
case("windows1252", dumps(mutated(["sections", 0, "bullets", 0], "“Curly” quotes")).encode("cp1252"),
     "Windows-1252 curly quotes (0x93)", [("", ["0x93", "not UTF-8", "save it as UTF-8"])], lines=1)
case("utf8_bom", b"\xef\xbb\xbf" + dumps(base()).encode(), "UTF-8 with a BOM: accepted", validate="ok", build="ok")
zh = mutated(["meta", "title"], {"en": "Bad Input Corpus", "zh-Hant": "錯誤輸入語料"})
case("utf16le_bom", dumps(zh).encode("utf-16"), "UTF-16 (little-endian) with its BOM: accepted",
     validate="ok", build="ok")
case("utf16be_bom", b"\xfe\xff" + dumps(zh).encode("utf-16-be"), "UTF-16 (big-endian) with its BOM: accepted",
     validate="ok", build="ok")
case("utf16le_no_bom", dumps(base()).encode("utf-16-le"), "UTF-16 without a BOM: must be refused clearly",
     [("", ["UTF-16", "UTF-8"])], lines=1)
case("utf16_broken", b"\xff\xfe" + dumps(base()).encode("utf-16-le")[:-1], "UTF-16 with an odd number of bytes",
     [("", ["UTF-16", "save the file as UTF-8"])], lines=1)
case("utf32le_bom", dumps(base()).encode("utf-32"), "UTF-32 (little-endian, BOM)",
     [("", ["UTF-32", "save the file as UTF-8"])], lines=1)
case("utf32be_bom", b"\x00\x00\xfe\xff" + dumps(base()).encode("utf-32-be"), "UTF-32 (big-endian, BOM)",
     [("", ["UTF-32", "UTF-8"])], lines=1)
case("empty", b"", "an empty file (0 bytes)", [("", ["empty"])], lines=1)
case("whitespace_only", b"  \n\t\n", "only whitespace", [("", ["empty"])], lines=1)
case("bom_only", b"\xef\xbb\xbf", "only a UTF-8 BOM", [("", ["empty"])], lines=1)

# -- JSON that json.load would accept or crash on ---------------------------------------------------------------

case("duplicate_key", dumps(base()).replace('"title": "Bad Input Corpus"',
                                            '"title": "First title",\n  "title": "Bad Input Corpus"', 1),
     "meta.title given twice (json keeps the last silently)", [("meta.title", ["duplicate key"])], lines=1)
case("duplicate_key_top", dumps(base())[:-2] + ',\n "sources": ' + json.dumps(BASE["sources"]) + "\n}",
     "the top-level key sources given twice",
     [("sources", ["duplicate key"])], lines=1)
case("duplicate_language", with_token(set_at(["meta", "title"], None), '{"en": "One", "en": "Two"}'),
     "a translation map with en twice", [("meta.title.en", ["duplicate key"])], lines=1)
case("nan", with_token(set_at(["stats", 0, "value"], None), "NaN"), "NaN as a value",
     [("stats[0].value", ["NaN"])], lines=1)
case("infinity", with_token(set_at(["sections", 0, "heading"], None), "-Infinity"), "-Infinity as a value",
     [("sections[0].heading", ["Infinity"])], lines=1)
case("huge_integer", with_token(set_at(["stats", 0, "value"], None), "1" + "0" * 5000),
     "a 5,001-digit integer (json.loads refuses over 4,300 digits)", [("stats[0].value", ["too large"])], lines=1)
case("huge_float", with_token(set_at(["stats", 0, "value"], None), "1e400"), "1e400 (overflows to inf)",
     [("stats[0].value", ["too large"])], lines=1)
case("deep_nesting", "[" * 5000 + "]" * 5000, "5,000 nested lists (RecursionError in json)",
     [("", ["nested too deeply"])], lines=1)
case("deep_nesting_objects", '{"a": ' * 5000 + "1" + "}" * 5000, "5,000 nested objects",
     [("", ["nested too deeply"])], lines=1)
case("deep_nesting_in_field", with_token(set_at(["meta", "keywords"], None), "[" * 40 + "]" * 40),
     "40 nested lists inside meta.keywords", [("meta.keywords[0]", ["nested too deeply"])], lines=1)
case("top_level_list", "[]", "a list at the top level", [("", ["top level", "found a list"])], lines=1)
case("top_level_string", '"hello"', "a string at the top level", [("", ["top level", "found a string"])], lines=1)
case("top_level_null", "null", "null at the top level", [("", ["top level", "found null"])], lines=1)
case("top_level_number", "3", "a number at the top level", [("", ["top level", "found a number"])], lines=1)

# -- wrong types, nulls, empty text ----------------------------------------------------------------------------

case("wrong_type_meta", mutated(["meta"], "Bad Input Corpus"), "meta is a string",
     [("meta", ["expected an object", "found a string"])], lines=1)
case("wrong_type_sections", mutated(["sections"], BASE["sections"][0]), "sections is an object, not a list",
     [("sections", ["expected a list", "found an object"])], lines=1)
case("wrong_type_bullet", mutated(["sections", 0, "bullets", 1], 42), "a bullet is a number",
     [("sections[0].bullets[1]", ["found a number"])], lines=1)
case("wrong_type_heading_bool", mutated(["sections", 0, "heading"], True), "a heading is true",
     [("sections[0].heading", ["found true/false"])], lines=1)
case("wrong_type_date", mutated(["meta", "date"], 20261125), "the date is a number",
     [("meta.date", ["expected a date", "found a number"])], lines=1)
case("wrong_type_decorative", mutated(["sections", 0, "image"], {"path": "x.png", "decorative": "yes"}),
     "image.decorative is a string", [("sections[0].image.decorative", ["expected true or false"])], lines=1)
case("null_title", mutated(["meta", "title"], None), "meta.title is null", [("meta.title", ["found null"])],
     lines=1)
case("null_bullet", mutated(["sections", 0, "bullets", 0], None), "a bullet is null",
     [("sections[0].bullets[0]", ["found null"])], lines=1)
case("null_sections", mutated(["sections"], None), "sections is null",
     [("sections", ["expected a list", "found null"])])
case("null_translation", mutated(["meta", "title"], {"en": None}), "a translation is null",
     [("meta.title.en", ["found null"])], lines=1)
case("empty_heading", mutated(["sections", 0, "heading"], ""), "an empty heading",
     [("sections[0].heading", ["must not be empty"])], lines=1)
case("blank_summary", mutated(["sections", 0, "summary"], " \n\t "), "a summary of only whitespace",
     [("sections[0].summary", ["must not be empty"])], lines=1)
case("empty_translation", mutated(["meta", "title"], {"en": ""}), "an empty translation",
     [("meta.title.en", ["must not be empty"])], lines=1)
case("empty_language_map", mutated(["meta", "title"], {}), "a translation map with no languages",
     [("meta.title", ["empty"])], lines=1)
case("empty_bullets", mutated(["sections", 0, "bullets"], []), "a section with no bullets",
     [("sections[0].bullets", ["at least 1"])], lines=1)
case("empty_sections", mutated(["sections"], []), "no sections", [("sections", ["at least 1"])], lines=1)
case("empty_image_path", mutated(["sections", 0, "image"], {"path": "", "alt": "x"}), "an empty image path",
     [("sections[0].image.path", ["must not be empty"])], lines=1)

# -- keys, ids and references ----------------------------------------------------------------------------------

doc = base()
doc["meta"]["titel"] = doc["meta"].pop("title")
case("unknown_key", doc, "meta.titel (a typo)", [("meta.titel", ["unknown key", 'did you mean "title"']),
                                                  ("meta.title", ["missing"])], lines=2)
doc = base()
del doc["sections"][0]["summary"]
case("missing_key", doc, "a section without its summary", [("sections[0].summary", ["missing (required)"])],
     lines=1)
case("unknown_language", mutated(["meta", "title"], {"en": "Corpus", "fr": "Corpus"}), "a translation in fr",
     [("meta.title.fr", ["unknown language"])], lines=1)
case("unknown_ref_stat", mutated(["sections", 0, "stats"], ["one-sta"]), "a section names a stat that is not there",
     [("sections[0].stats[0]", ['"one-sta" is not the id of any item in stats', 'did you mean "one-stat"'])], lines=1)
case("unknown_ref_quote", mutated(["sections", 0, "quotes"], ["nobody"]), "a section names a missing quote",
     [("sections[0].quotes[0]", ['"nobody" is not the id of any item in quotes'])], lines=1)
case("unknown_ref_source", mutated(["stats", 0, "source"], "nowhere"), "a stat cites a missing source",
     [("stats[0].source", ['"nowhere" is not the id of any item in sources'])], lines=1)
case("unknown_ref_featured", mutated(["featured"], ["stat:none-such"]), "featured names a missing stat",
     [("featured[0]", ['"none-such" is not the id'])], lines=1)
case("bad_featured_kind", mutated(["featured"], ["section:first"]), "featured names a section",
     [("featured[0]", ["cannot be featured"])], lines=1)
doc = base()
doc["sections"].append(copy.deepcopy(doc["sections"][0]))
case("duplicate_id", doc, "two sections with the same id", [("sections[1].id", ["already the id of sections[0]"])],
     lines=1)
case("bad_id", mutated(["sections", 0, "id"], "First Section!"), "an id with capitals and punctuation",
     [("sections[0].id", ["not a valid id"])], lines=1)
case("bad_date", mutated(["meta", "date"], "2026-02-30"), "the 30th of February",
     [("meta.date", ["not a date", "YYYY-MM-DD"])], lines=1)
case("javascript_url", mutated(["sources", 0, "url"], "javascript:alert(1)"), "a javascript: link as a source url",
     [("sources[0].url", ["https://"])], lines=1)
case("image_url", mutated(["sections", 0, "image"], {"path": "https://example.org/a.png", "alt": "A picture"}),
     "an image given as a URL", [("sections[0].image.path", ["download it"])], lines=1)
case("image_without_alt", mutated(["sections", 0, "image"], {"path": "a.png"}), "an image with neither alt nor"
     " decorative", [("sections[0].image.alt", ["missing", "decorative"])], lines=1)
doc = base()
del doc["meta"]["date"]
doc["sections"][0]["bullets"] = "not a list"
doc["stats"][0]["source"] = "nowhere"
doc["quotes"][0]["speaker"] = ""
case("several_problems", doc, "four problems in one file: all are listed, one line each",
     [("meta.date", ["missing"]), ("sections[0].bullets", ["expected a list"]),
      ("stats[0].source", ["not the id"]), ("quotes[0].speaker", ["must not be empty"])], lines=4)

# -- characters ---------------------------------------------------------------------------------------------------

for name, field, text, code, position in [
    ("nul_char", ["sections", 0, "heading"], "Nul\x00here", "U+0000", 4),
    ("c0_bell", ["sections", 0, "bullets", 0], "Ring\x07", "U+0007", 5),
    ("c0_escape", ["sections", 0, "summary"], "Red \x1b[31mtext", "U+001B", 5),
    ("c0_form_feed", ["quotes", 0, "text"], "Page\x0cbreak", "U+000C", 5),
    ("del_char", ["stats", 0, "label"], "Delete\x7f", "U+007F", 7),
    ("c1_next_line", ["sections", 0, "summary"], "Next\x85line", "U+0085", 5),
    ("c1_csi", ["sources", 0, "name"], "\x9b31m source", "U+009B", 1),
    ("noncharacter_fffe", ["sections", 0, "heading"], "Not\ufffea char", "U+FFFE", 4),
    ("noncharacter_ffff", ["meta", "organisation"], "Org\uffff", "U+FFFF", 4),
    ("bidi_override_rlo", ["sections", 0, "bullets", 1], "invoice\u202efdp.exe", "U+202E", 8),
    ("bidi_embedding_lre", ["quotes", 0, "speaker"], "\u202aSpeaker", "U+202A", 1),
    ("bidi_isolate_rli", ["stats", 0, "label"], "label \u2067x", "U+2067", 7),
    ("control_in_alt", ["sections", 0, "image"], {"path": "a.png", "alt": "A\x01picture"}, "U+0001", 2),
    ("control_in_translation", ["meta", "title"], {"en": "Corpus", "zh-Hant": "語料\x02"}, "U+0002", 3),
    ("control_in_keyword", ["meta", "keywords"], ["ok", "bad\x03"], "U+0003", 4),
]:
    json_path = {"control_in_alt": "sections[0].image.alt", "control_in_translation": "meta.title.zh-Hant",
                 "control_in_keyword": "meta.keywords[1]"}.get(name)
    if json_path is None:
        json_path = "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in field).lstrip(".")
    case(name, mutated(field, text), f"{code} in {json_path}",
         [(json_path, [code, f"position {position}"])], lines=1)

# Values that messages quote back must not break the one-line rule or reach the terminal as control codes.
case("newline_in_id", mutated(["sections", 0, "id"], "first\nsection"), "a newline inside an id (quoted back)",
     [("sections[0].id", ["not a valid id"])], lines=1)
case("newline_in_date", mutated(["meta", "date"], "\n2026-11-25"), "a newline before the date (quoted back)",
     [("meta.date", ["not a date"])], lines=1)
case("escape_in_featured", mutated(["featured"], ["stat:one-stat", "\x1b[2Jstat:x"]),
     "a terminal escape sequence in a featured item (quoted back)", [("featured[1]", [])], lines=1)
doc = base()
doc["meta"]["colour\x1b]0;owned\x07"] = "red"
case("escape_in_unknown_key", doc, "an unknown key holding a terminal escape sequence (quoted back as the path)",
     [("", ["unknown key"])], lines=1)

# JSON escapes for lone surrogates: the text decoder never produces them, only \\u escapes do.
case("lone_surrogate_high", with_token(set_at(["sections", 0, "heading"], None), '"Broken \\ud800 text"'),
     "a lone high surrogate (\\ud800)", [("sections[0].heading", ["U+D800", "position 8"])], lines=1)
case("lone_surrogate_low", with_token(set_at(["meta", "organisation"], None), '"\\udfff"'),
     "a lone low surrogate (\\udfff)", [("meta.organisation", ["U+DFFF", "position 1"])], lines=1)

# Characters no bundled font has: valid content, refused by validate and build naming the field and the code point.
case("uncovered_emoji", mutated(["sections", 0, "heading"], "Launch \U0001F680"), "an emoji in a heading",
     [("sections[0].heading", ["U+1F680", "position 8", "font"])], lines=1)
doc = mutated(["sections", 0, "bullets", 1], "Devanagari क")
doc["stats"][0]["label"] = "Private use \ue000"
case("uncovered_two_fields", doc, "Devanagari in a bullet and a private-use character in a stat label",
     [("sections[0].bullets[1]", ["U+0915", "position 12"]), ("stats[0].label", ["U+E000", "position 13"])],
     lines=2)
case("tab_in_bullet", mutated(["sections", 0, "bullets", 0], "Name\tValue"),
     "a tab in a bullet: tab is allowed text (XML carries it), so the build must succeed", validate="ok",
     build="ok")
case("newline_in_summary", mutated(["sections", 0, "summary"], "Line one\nLine two"),
     "a newline in a summary: allowed", validate="ok", build="ok")

# -- layouts (content: _base.json) --------------------------------------------------------------------------------

FILES["_base.json"] = dumps(base()).encode()
layouts = {
    "layout_broken": ('extends = "default"\n[theme\n', "invalid TOML", [("", ["invalid TOML"])]),
    "layout_bad_value": ('extends = "default"\n[theme.colors]\naccent = "red"\n', "a colour that is not #RRGGBB",
                         [("theme.colors.accent", ["#RRGGBB"])]),
    "layout_unknown_key": ('extends = "default"\n[deck]\nsizee = "16:9"\n', "a misspelt key",
                           [("deck.sizee", ["unknown key", 'did you mean "size"'])]),
    "layout_bad_bilingual_page": ('extends = "default"\n[onepager]\nbilingual = "column"\n',
                                  "an unknown arrangement of the bilingual one-pager",
                                  [("onepager.bilingual", ['"column" is not allowed', 'did you mean "columns"'])]),
    "layout_wrong_type": ('extends = "default"\n[deck]\ncolumns = "many"\n', "a string where a number goes",
                          [("deck.columns", ["expected a number"])]),
    "layout_not_utf8": ('extends = "default"\ndescription = "Caf\xe9"\n'.encode("latin-1"), "Latin-1 bytes",
                        [("", ["not UTF-8"])]),
    "layout_cycle": ('extends = "layout_cycle.toml"\n', "a layout that extends itself",
                     [("", ["extends itself"])]),
    "layout_bad_parent": ('extends = "no-such-parent"\n', "extends names a layout that does not exist",
                          [("extends", ['no layout named "no-such-parent"'])]),
    "layout_low_contrast": ('extends = "default"\n[deck.roles]\nbody = { family = "Calibri", size = 20,'
                            ' min_size = 14, line_spacing = 1.2, color = "surface", on = "surface" }\n',
                            "body text the colour of its background", [("deck.roles.body.color", ["contrast"])]),
    "layout_empty": ("", "an empty layout file", [("theme", ["missing"])]),
}
for name, (text, what, expect) in layouts.items():
    case(name, text, what, expect, ext="toml", content="_base.json", validate="skip")
CASES["layout_unknown_name"] = {
    "layout": "defualt", "content": "_base.json", "what": "a built-in layout name with a typo", "validate": "skip",
    "prefix": "--layout", "lines": 1,
    "expect": [{"path": "", "contains": ['no layout named "defualt"', 'did you mean "default"']}],
}


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(value)


def write() -> None:
    for old in HERE.iterdir():
        if old.suffix in (".json", ".toml") and old.name != "expected.toml":
            old.unlink()
    for name, data in FILES.items():
        (HERE / name).write_bytes(data)
    lines = ["# The bad-input corpus: one table per case. Written by regenerate.py (see its docstring).", ""]
    for name, entry in CASES.items():
        lines.append(f"[{name}]")
        for key in ("file", "layout", "content", "what", "validate", "build", "prefix", "lines"):
            if key in entry:
                lines.append(f"{key} = {toml_value(entry[key])}")
        if "expect" in entry:
            lines.append("expect = [")
            lines.extend(f"  {toml_value(item)}," for item in entry["expect"])
            lines.append("]")
        lines.append("")
    (HERE / "expected.toml").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    write()
    print(f"{len(CASES)} cases, {len(FILES)} files")
