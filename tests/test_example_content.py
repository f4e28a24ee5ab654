"""Checks that the example brief (content.json) is faithful to its source article.

The article is a web capture at ../shared/sources/hk-innovation-hub-article.txt
(relative to the repository root). Quotations must be verbatim, figures must
come from the article, and every cross-reference in the brief must resolve.
Only json and the standard library are used.
"""

from __future__ import annotations

import itertools
import json
import re
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
CONTENT = ROOT / "content.json"
ARTICLE = ROOT.parent / "shared" / "sources" / "hk-innovation-hub-article.txt"

HEADINGS = [
    "A Global Super-Connector",
    "Academic Prowess",
    "Fostering Innovation",
    "International Collaborations",
    "Future Prospects",
]

# The four highlighted pull quotes, exactly as the pull-quote boxes print them.
PULL_QUOTES = {
    "Prof. Nancy Ip": (
        "Hong Kong serves as a vital gateway to connect Mainland China to the global market. "
        "The city plays a unique role as both a super-connector and a super value-adder, "
        "facilitating interactions between the Mainland and the rest of the world."
    ),
    "Falcon Chan": (
        "As the financial gateway of the GBA, Hong Kong facilitates the flow of capital and "
        "talent to enable seamless collaboration across the region."
    ),
    "Dr Eesa Al Bastaki": (
        "Hong Kong has established itself as a global hub for I&T, driven by its world-class "
        "universities, robust research ecosystem, and strategic government policies."
    ),
    "Abdulaziz Al Jaziri": (
        "Dubai and Hong Kong don't just embrace change, we design it. We've built environments "
        "where innovation isn't just encouraged, it's expected. There's a deep-rooted culture of "
        "future thinking, scientific collaboration, and entrepreneurship."
    ),
}

# Figures the brief must carry as stat values. Each entry: acceptable values
# (compared case-insensitively) or a regular expression the value must match.
REQUIRED_FIGURES = {
    "HK$10 billion": {"hk$10 billion"},
    "14,200": {"14,200"},
    "15,500": {"15,500"},
    "HK$1 billion": {"hk$1 billion"},
    "4,694": {"4,694"},
    "1,800": {"1,800"},
    "10 (HKUST unicorns)": {"10"},
    "over 87 million": re.compile(r"^(over )?87 million$", re.IGNORECASE),
    "five QS top-100 universities": {"5", "five"},
    "HK$6 billion": {"hk$6 billion"},
    "HK$500 million": {"hk$500 million"},
}

NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10",
}

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGS = {"en", "zh-Hant"}


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _no_duplicate_keys(pairs):
    keys = [k for k, _ in pairs]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise ValueError(f"duplicate JSON keys: {dupes}")
    return dict(pairs)


@pytest.fixture(scope="module")
def brief() -> dict:
    assert CONTENT.is_file(), f"{CONTENT} is missing"
    return json.loads(CONTENT.read_text(encoding="utf-8"), object_pairs_hook=_no_duplicate_keys)


@pytest.fixture(scope="module")
def article() -> str:
    if not ARTICLE.is_file():
        pytest.skip(f"source article not available at {ARTICLE}")
    return collapse(ARTICLE.read_text(encoding="utf-8"))


def en(value) -> str:
    """The English form of a user-visible string (plain or translation map)."""
    if isinstance(value, dict):
        return value["en"]
    return value


def is_translated(value) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("zh-Hant"), str)
        and value["zh-Hant"].strip() != ""
    )


def iter_texts(value):
    if isinstance(value, dict):
        yield from value.values()
    else:
        yield value


# --- structure -----------------------------------------------------------------


def test_top_level_keys(brief):
    assert set(brief) == {"$schema", "meta", "sections", "stats", "quotes", "sources", "featured", "takeaways"}
    assert brief["$schema"] == "./schema/content.schema.json"


def test_meta(brief):
    meta = brief["meta"]
    assert en(meta["title"]).strip()
    assert date.fromisoformat(meta["date"]) == date(2026, 11, 25)
    assert en(meta["organisation"]) == "hkbrief sample brief"
    assert meta.get("language", "en") in LANGS
    if "short_title" in meta:
        for text in iter_texts(meta["short_title"]):
            assert len(text) <= 40, text


def test_translation_maps_are_well_formed(brief):
    def walk(node, path):
        if isinstance(node, dict):
            if set(node) & LANGS and set(node) <= LANGS:
                assert "en" in node, f"{path}: translation map without 'en'"
                for lang, text in node.items():
                    assert isinstance(text, str) and text.strip(), f"{path}.{lang} is empty"
                return
            for key, child in node.items():
                walk(child, f"{path}.{key}")
        elif isinstance(node, list):
            for i, child in enumerate(node):
                walk(child, f"{path}[{i}]")

    walk(brief, "$")


def test_zh_hant_translations_present(brief):
    meta = brief["meta"]
    for key in ("title", "short_title", "subtitle", "handling"):
        if key in meta:
            assert is_translated(meta[key]), f"meta.{key} lacks zh-Hant"
    for kw in meta.get("keywords", []):
        assert is_translated(kw), f"keyword {kw!r} lacks zh-Hant"
    for section in brief["sections"]:
        assert is_translated(section["heading"]), section["id"]
        assert is_translated(section["summary"]), section["id"]
        for bullet in section["bullets"]:
            assert is_translated(bullet), f"{section['id']}: {bullet!r}"
    for stat in brief["stats"]:
        assert is_translated(stat["label"]), stat["id"]
    for takeaway in brief["takeaways"]:
        assert is_translated(takeaway), takeaway


def test_quotations_are_never_translated(brief):
    for quote in brief["quotes"]:
        assert isinstance(quote["text"], str), f"quote {quote['id']}: the quotation stays verbatim"


# Official Chinese forms of speakers and titles, each from a page the commit that added it cites; a speaker or
# title without an official Chinese form stays a plain string (the proper name as the article prints it).
OFFICIAL_CHINESE = {
    "Prof. Nancy Ip": "葉玉如教授",
    "President of the Hong Kong University of Science and Technology": "香港科技大學校長",
}


def test_speakers_and_titles_translated_only_from_official_forms(brief):
    for quote in brief["quotes"]:
        for key in ("speaker", "title"):
            value = quote[key]
            if isinstance(value, dict):
                assert OFFICIAL_CHINESE.get(value["en"]) == value["zh-Hant"], f"quote {quote['id']}: {key}"


def test_every_stat_value_has_a_chinese_form(brief):
    for stat in brief["stats"]:
        assert is_translated(stat["value"]), stat["id"]


_CHINESE_UNITS = {"萬": 10**4, "億": 10**8}
_ENGLISH_UNITS = {"million": 10**6, "billion": 10**9}
_COUNTERS = "個名家所"


def _english_amount(value: str) -> tuple[bool, bool, int]:
    """(over, Hong Kong dollars, amount) of "Over 87 million", "HK$10 billion", "14,200"."""
    match = re.fullmatch(r"(?i)(over )?(HK\$)?([\d,]+)(?: (million|billion))?", value)
    assert match, value
    over, dollars, digits, unit = match.groups()
    return bool(over), bool(dollars), int(digits.replace(",", "")) * _ENGLISH_UNITS.get((unit or "").lower(), 1)


def _chinese_amount(value: str) -> tuple[bool, bool, int]:
    """(逾, 港元, amount) of "逾8,700萬", "100億港元", "14,200個"."""
    match = re.fullmatch(rf"(逾)?([\d,]+)([萬億])?(港元|[{_COUNTERS}])?", value)
    assert match, value
    over, digits, unit, suffix = match.groups()
    return bool(over), suffix == "港元", int(digits.replace(",", "")) * _CHINESE_UNITS.get(unit or "", 1)


def test_chinese_stat_values_say_what_the_english_ones_say(brief):
    for stat in brief["stats"]:
        english, chinese = stat["value"]["en"], stat["value"]["zh-Hant"]
        if english == "Second largest":
            assert chinese == "第二大"
            continue
        assert _chinese_amount(chinese) == _english_amount(english), f"stat {stat['id']}: {english} vs {chinese}"


def test_headings_in_order(brief):
    assert [en(s["heading"]) for s in brief["sections"]] == HEADINGS


def test_section_shape(brief):
    for section in brief["sections"]:
        assert 3 <= len(section["bullets"]) <= 5, section["id"]
        for bullet in section["bullets"]:
            assert len(en(bullet)) <= 110, en(bullet)
        assert len(en(section["summary"])) <= 300, section["id"]
        assert "image" not in section, "no images are bundled with the example"


def test_ids_are_well_formed_and_unique(brief):
    for kind in ("sections", "stats", "quotes", "sources"):
        ids = [item["id"] for item in brief[kind]]
        for ident in ids:
            assert ID_RE.match(ident), f"{kind}: bad id {ident!r}"
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        assert not dupes, f"{kind}: duplicate ids {dupes}"


def test_references_resolve(brief):
    stat_ids = {s["id"] for s in brief["stats"]}
    quote_ids = {q["id"] for q in brief["quotes"]}
    source_ids = {s["id"] for s in brief["sources"]}
    for section in brief["sections"]:
        for ref in section.get("stats", []):
            assert ref in stat_ids, f"section {section['id']}: unknown stat {ref!r}"
        for ref in section.get("quotes", []):
            assert ref in quote_ids, f"section {section['id']}: unknown quote {ref!r}"
    for stat in brief["stats"]:
        assert stat["source"] in source_ids, f"stat {stat['id']}: unknown source"
    for quote in brief["quotes"]:
        assert quote["source"] in source_ids, f"quote {quote['id']}: unknown source"
    featured = brief["featured"]
    assert len(featured) == len(set(featured)), "featured lists an item twice"
    for ref in featured:
        kind, _, ident = ref.partition(":")
        assert kind in {"stat", "quote"}, ref
        assert ident in (stat_ids if kind == "stat" else quote_ids), f"featured: unknown {ref!r}"


def test_every_stat_and_quote_belongs_to_one_section(brief):
    for kind in ("stats", "quotes"):
        placed = [ref for s in brief["sections"] for ref in s.get(kind, [])]
        for item in brief[kind]:
            assert placed.count(item["id"]) == 1, f"{kind} {item['id']} placed {placed.count(item['id'])} times"


def test_every_source_is_used(brief):
    used = {s["source"] for s in brief["stats"]} | {q["source"] for q in brief["quotes"]}
    assert {s["id"] for s in brief["sources"]} == used


# --- faithfulness to the article ---------------------------------------------


def test_quotes_are_verbatim(brief, article):
    for quote in brief["quotes"]:
        text = collapse(quote["text"])
        assert text, quote["id"]
        assert text in article, f"quote {quote['id']} is not word for word in the article"
        assert collapse(en(quote["speaker"])) in article, f"quote {quote['id']}: speaker not in article"
        assert collapse(en(quote["title"])) in article, f"quote {quote['id']}: title not in article"
        assert "“" not in text and "”" not in text, f"quote {quote['id']} keeps its quotation marks"


def test_no_repeated_quotes(brief):
    texts = [(q["id"], collapse(q["text"]).casefold()) for q in brief["quotes"]]
    for (id_a, a), (id_b, b) in itertools.combinations(texts, 2):
        assert a != b, f"quotes {id_a} and {id_b} are the same"
        assert a not in b and b not in a, f"quotes {id_a} and {id_b}: one contains the other"


def test_pull_quotes_present_and_featured(brief, article):
    featured = set(brief["featured"])
    for speaker, text in PULL_QUOTES.items():
        assert text in article, f"pull quote by {speaker} not in the article (test data is stale)"
        matches = [q for q in brief["quotes"] if collapse(q["text"]) == text]
        assert matches, f"the pull quote by {speaker} is missing"
        quote = matches[0]
        assert en(quote["speaker"]) == speaker
        assert f"quote:{quote['id']}" in featured, f"the pull quote by {speaker} is not featured"


def test_required_figures_present(brief):
    values = [en(s["value"]).strip() for s in brief["stats"]]
    for name, accepted in REQUIRED_FIGURES.items():
        if isinstance(accepted, re.Pattern):
            ok = any(accepted.match(v) for v in values)
        else:
            ok = any(v.casefold() in accepted for v in values)
        assert ok, f"required figure {name} is not a stat value"


def test_stat_values_occur_in_article(brief, article):
    plain = article.casefold()
    as_digits = re.sub(
        r"\b(" + "|".join(NUMBER_WORDS) + r")\b",
        lambda m: NUMBER_WORDS[m.group(1)],
        plain,
    )
    for stat in brief["stats"]:
        value = collapse(en(stat["value"])).casefold()
        assert value in plain or value in as_digits, f"stat {stat['id']}: {stat['value']!r} not in the article"


def test_source_urls_come_from_the_article(brief, article):
    for source in brief["sources"]:
        if "url" in source:
            assert source["url"] in article, f"source {source['id']}: url not in the article"


def test_article_is_a_source(brief):
    names = [en(s["name"]) for s in brief["sources"]]
    assert "Hong Kong: A Global Hub for Innovation and Technology" in names


def test_takeaways_restate_facts_in_words_of_their_own(brief):
    """The closing points are not copies of the section bullets or of the article's sentences, and every figure
    in them is one of the brief's stats."""
    bullets = {en(b) for section in brief["sections"] for b in section["bullets"]}
    values = " ".join(en(stat["value"]) for stat in brief["stats"])
    figures = re.compile(r"HK\$\d[\d,.]*(?: (?:billion|million))?|\d[\d,]+")
    for takeaway in brief["takeaways"]:
        assert en(takeaway) not in bullets, en(takeaway)
        for figure in figures.findall(en(takeaway)):
            assert figure in values or figure.replace(",", "") in values or figure == "100", figure
