"""Properties, with Hypothesis.

1. Any valid brief the strategy generates (random sections, bullets, stats, quotes, sources, featured items,
   English and Traditional Chinese text in characters the bundled fonts cover, any built-in layout) builds both
   outputs with :func:`hkbrief.build.build`; the deck reopens with python-pptx and the one-pager with pypdf, on
   exactly one page, and nothing else is left in the output folder.
2. Random mutations of content.json (a key deleted, a type changed, a control or other odd character inserted,
   a key or item duplicated, bytes truncated or corrupted) either validate or raise
   :class:`hkbrief.errors.HkbriefError` whose every problem names the file; never another exception. Mutations
   that still validate must also build or fail with an HkbriefError.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import tempfile
from functools import lru_cache
from pathlib import Path

from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

from hkbrief.build import build
from hkbrief.content import parse_brief
from hkbrief.errors import HkbriefError

from conftest import CONTENT, ROOT

BUILD_SETTINGS = settings(max_examples=40, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                 HealthCheck.filter_too_much])
PARSE_SETTINGS = settings(max_examples=300, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                 HealthCheck.filter_too_much])


# -- characters the bundled fonts cover -----------------------------------------------------------------------------


@lru_cache(maxsize=None)
def cjk_covered() -> tuple[str, ...]:
    """CJK Unified Ideographs (U+4E00–U+9FFF) that both Noto Sans TC faces have."""
    from fontTools.ttLib import TTFont

    folder = ROOT / "src" / "hkbrief" / "fonts" / "noto-sans-tc"
    maps = [set(TTFont(str(folder / f"NotoSansTC-{w}.ttf"), lazy=True).getBestCmap()) for w in ("Regular", "Bold")]
    return tuple(chr(c) for c in range(0x4E00, 0xA000) if all(c in m for m in maps))


LATIN = "".join(chr(c) for c in [*range(0x41, 0x5B), *range(0x61, 0x7B), *range(0xC0, 0x100)] if c not in (0xD7, 0xF7))
DIGITS = "0123456789"
PUNCTUATION = [",", ";", ":", "!", "?", "-", "&", "/", "%", "(", ")", "'", "\u2019", "\u2013", "\u2014"]
ZH_PUNCTUATION = ["\uff0c", "\u3002", "\u3001", "\uff1a", "\uff1b"]

latin_word = st.text(alphabet=LATIN + DIGITS, min_size=1, max_size=12)
cjk_word = st.lists(st.sampled_from(cjk_covered()), min_size=1, max_size=8).map("".join)


@st.composite
def english(draw, max_words: int) -> str:
    words = draw(st.lists(latin_word, min_size=1, max_size=max_words))
    text = ""
    for i, word in enumerate(words):
        text += ("" if i == 0 else " ") + word
        if i < len(words) - 1 and draw(st.integers(0, 5)) == 0:
            text += draw(st.sampled_from(PUNCTUATION))
    return text + draw(st.sampled_from(["", ".", "!", "?"]))


@st.composite
def chinese(draw, max_words: int) -> str:
    words = draw(st.lists(cjk_word, min_size=1, max_size=max(1, max_words // 2)))
    text = ""
    for i, word in enumerate(words):
        text += word
        if i < len(words) - 1 and draw(st.booleans()):
            text += draw(st.sampled_from(ZH_PUNCTUATION))
    if draw(st.integers(0, 4)) == 0:  # some mixed-script text: "2024年" or "HKSTP 科技園"
        text = draw(latin_word) + " " + text
    return text + draw(st.sampled_from(["", "\u3002"]))


def text(max_words: int):
    """A plain English string, a plain Chinese string, or a translation map."""
    return st.one_of(
        english(max_words),
        chinese(max_words),
        st.fixed_dictionaries({"en": english(max_words), "zh-Hant": chinese(max_words)}),
        st.fixed_dictionaries({"en": english(max_words)}),
    )


def optional(strategy):
    return st.one_of(st.none(), strategy)


@st.composite
def briefs(draw) -> dict:
    sources = [{"id": f"src-{i}", "name": draw(text(8))} for i in range(draw(st.integers(1, 4)))]
    for i, source in enumerate(sources):
        if draw(st.booleans()):
            source["url"] = f"https://example.org/source/{i}"
    source_ids = [s["id"] for s in sources]
    stat_value = st.one_of(
        st.integers(0, 10**6).map(lambda n: f"{n:,}"),
        st.tuples(st.sampled_from(["HK$", "US$", ""]), st.integers(1, 999).map(str),
                  st.sampled_from(["", " bn", "%", "+"])).map("".join),
        st.sampled_from(["第二", "5", "4,694", "87 million", "No. 1", "一百"]),
    )
    stats = [{"id": f"stat-{i}", "value": draw(stat_value), "label": draw(text(12)),
              "source": draw(st.sampled_from(source_ids))} for i in range(draw(st.integers(0, 6)))]
    quotes = []
    for i in range(draw(st.integers(0, 3))):
        quote = {"id": f"quote-{i}", "text": draw(text(40)), "speaker": draw(text(3)), "title": draw(text(8)),
                 "source": draw(st.sampled_from(source_ids))}
        if draw(st.booleans()):
            quote["organisation"] = draw(text(4))
        quotes.append(quote)
    sections = []
    for i in range(draw(st.integers(1, 5))):
        section = {"id": f"section-{i}", "heading": draw(text(5)),
                   "bullets": draw(st.lists(text(18), min_size=1, max_size=5)), "summary": draw(text(30))}
        notes = draw(st.lists(text(40), max_size=2))
        if notes:
            section["notes"] = notes
        if stats and draw(st.booleans()):
            section["stats"] = draw(st.lists(st.sampled_from([s["id"] for s in stats]), max_size=3, unique=True))
        if quotes and draw(st.booleans()):
            section["quotes"] = draw(st.lists(st.sampled_from([q["id"] for q in quotes]), max_size=2, unique=True))
        sections.append(section)
    meta = {
        "title": draw(text(8)),
        "date": draw(st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31))).isoformat(),
        "organisation": draw(text(5)),
        "language": draw(st.sampled_from(["en", "zh-Hant"])),
    }
    for key, words in (("short_title", 4), ("subtitle", 20), ("handling", 3)):
        value = draw(optional(text(words)))
        if value is not None:
            meta[key] = value
    keywords = draw(st.lists(text(3), max_size=4))
    if keywords:
        meta["keywords"] = keywords
    brief = {"meta": meta, "sections": sections, "stats": stats, "quotes": quotes, "sources": sources}
    refs = [f"stat:{s['id']}" for s in stats] + [f"quote:{q['id']}" for q in quotes]
    if refs and draw(st.booleans()):
        brief["featured"] = draw(st.permutations(refs))[: draw(st.integers(0, len(refs)))]
    return brief


@given(brief=briefs(), layout=st.sampled_from(["default", "print", "compact"]),
       language=st.sampled_from([None, "en", "zh-Hant"]))
@BUILD_SETTINGS
def test_any_valid_brief_builds_both_outputs_that_reopen(brief, layout, language):
    from pptx import Presentation
    from pypdf import PdfReader

    from hkbrief.model import Language

    note(json.dumps(brief, ensure_ascii=False))
    with tempfile.TemporaryDirectory(prefix="hkbrief-prop-") as scratch:
        folder = Path(scratch)
        content = folder / "content.json"
        content.write_text(json.dumps(brief, ensure_ascii=False), encoding="utf-8")
        out = folder / "dist"
        result = build(content, layout, out, language=Language(language) if language else None)
        pptx_path, pdf_path = sorted(result.written, key=lambda p: p.suffix != ".pptx")
        assert pptx_path.suffix == ".pptx" and pdf_path.suffix == ".pdf"
        assert sorted(p.name for p in out.iterdir()) == sorted([pptx_path.name, pdf_path.name])
        deck = Presentation(str(pptx_path))
        assert len(deck.slides) == result.slides >= len(brief["sections"]) + 1
        assert len(PdfReader(str(pdf_path)).pages) == 1


# -- mutations of content.json ----------------------------------------------------------------------------------------


class Pairs(list):
    """A JSON object written as a list of pairs, so a key can appear twice."""


def to_json(value) -> str:
    if isinstance(value, Pairs):
        return "{" + ", ".join(f"{json.dumps(k)}: {to_json(v)}" for k, v in value) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {to_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(to_json(v) for v in value) + "]"
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return json.dumps(value, ensure_ascii=True)  # lone surrogates come out as \ud800 escapes


def nodes(value, path=()):
    """Every (path, value) in the tree, the root included."""
    yield path, value
    if isinstance(value, Pairs):  # already mutated: left as it is
        return
    if isinstance(value, dict):
        for key, item in value.items():
            yield from nodes(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from nodes(item, path + (index,))


def get(doc, path):
    for key in path:
        doc = doc[key]
    return doc


def put(doc, path, value):
    if not path:
        return value
    get(doc, path[:-1])[path[-1]] = value
    return doc


ODD_CHARACTERS = st.one_of(
    st.sampled_from(["\x00", "\x01", "\x07", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9b", "\ud800", "\udfff",
                     "\ufffe", "\uffff", "\u202e", "\u202a", "\u2066", "\u200b", "\u200f", "\ufeff", "\u2028",
                     "\U0001F680", "\u0301", "\u05d0", "\u0627", "\ue000", "\t", "\n", "<", "&", "\\", '"']),
    st.characters(codec="utf-8"),
    st.characters(),
)
OTHER_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**30), 10**30), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20), st.just(""), st.just([]), st.just({}), st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2), st.just("1" + "0" * 5000),
)


ALL_KINDS = ("delete", "retype", "character", "duplicate_key", "duplicate_item", "swap_reference")
ALL_BYTE_KINDS = ("none", "none", "truncate", "insert", "flip", "bom", "latin1")


@st.composite
def mutated_documents(draw, base: dict, kinds=ALL_KINDS, byte_kinds=ALL_BYTE_KINDS) -> bytes:
    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(kinds))
        everything = list(nodes(doc))
        if kind == "delete":
            keyed = [(p, v) for p, v in everything if isinstance(v, dict) and v]
            if keyed:
                path, obj = draw(st.sampled_from(keyed))
                del obj[draw(st.sampled_from(sorted(obj)))]
        elif kind == "retype":
            path, _ = draw(st.sampled_from(everything))
            doc = put(doc, path, draw(OTHER_VALUES))
        elif kind == "character":
            strings = [(p, v) for p, v in everything if isinstance(v, str)]
            if strings:
                path, value = draw(st.sampled_from(strings))
                at = draw(st.integers(0, len(value)))
                doc = put(doc, path, value[:at] + draw(ODD_CHARACTERS) + value[at:])
        elif kind == "duplicate_key":
            keyed = [(p, v) for p, v in everything if isinstance(v, dict) and v]
            if keyed:
                path, obj = draw(st.sampled_from(keyed))
                key = draw(st.sampled_from(sorted(obj)))
                pairs = Pairs(obj.items())
                pairs.insert(draw(st.integers(0, len(pairs))), (key, draw(st.one_of(st.just(obj[key]), OTHER_VALUES))))
                doc = put(doc, path, pairs)
        elif kind == "duplicate_item":
            lists = [(p, v) for p, v in everything if isinstance(v, list) and v and not isinstance(v, Pairs)]
            if lists:
                path, items = draw(st.sampled_from(lists))
                items.insert(draw(st.integers(0, len(items))), copy.deepcopy(draw(st.sampled_from(items))))
        elif kind == "swap_reference":  # ids, references, dates, languages: values the messages quote back
            strings = [(p, v) for p, v in everything if isinstance(v, str) and p and (
                p[-1] in ("source", "id", "date", "language") or (len(p) > 1 and p[-2] in ("stats", "quotes"))
                or p[0] == "featured")]
            if strings:
                path, value = draw(st.sampled_from(strings))
                doc = put(doc, path, draw(st.sampled_from(
                    ["nowhere", "", "Bad Id", "a" * 70, "src", "stat:nowhere", "x" * 5000, "\n" + value,
                     value + "\x1b[2J", value + "\r"])))
    data = to_json(doc).encode("utf-8", "surrogatepass")
    byte_kind = draw(st.sampled_from(byte_kinds))
    if byte_kind == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif byte_kind == "insert":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at:]
    elif byte_kind == "flip" and data:
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1:]
    elif byte_kind == "bom":
        data = draw(st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00"])) + data
    elif byte_kind == "latin1":
        data = data.decode("utf-8", "surrogatepass").encode("latin-1", "replace")
    return data


@lru_cache(maxsize=None)
def bundled() -> dict:
    return json.loads(CONTENT.read_text(encoding="utf-8"))


SMALL = {
    "meta": {"title": {"en": "Small brief", "zh-Hant": "小簡報"}, "date": "2026-11-25", "organisation": "Org"},
    "sections": [{"id": "a", "heading": "Heading", "bullets": ["One", "Two"], "summary": "Summary.",
                  "stats": ["s"], "quotes": ["q"], "notes": ["Notes."]}],
    "stats": [{"id": "s", "value": "42", "label": "Label", "source": "src"}],
    "quotes": [{"id": "q", "text": "Quote.", "speaker": "Speaker", "title": "Title", "source": "src"}],
    "sources": [{"id": "src", "name": "Source", "url": "https://example.org/"}],
    "featured": ["stat:s", "quote:q"],
}


def check_parses_or_fails_cleanly(data: bytes):
    try:
        return parse_brief(data, "content.json")
    except HkbriefError as exc:
        assert exc.problems, "an HkbriefError with no problems"
        for problem in exc.problems:
            line = str(problem)
            assert line.startswith("content.json"), f"a problem that does not name the file: {line!r}"
            assert "\n" not in line and "\r" not in line, f"a problem that is not one line: {line!r}"
            raw = [c for c in line if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F]
            assert not raw, f"a problem that echoes control characters to the terminal: {line!r}"
        return None


@given(data=st.one_of(mutated_documents(SMALL), st.deferred(lambda: mutated_documents(bundled()))))
@PARSE_SETTINGS
def test_mutated_content_validates_or_fails_cleanly(data):
    note(repr(data[:2000]))
    check_parses_or_fails_cleanly(data)


# Mutations that mostly keep the content valid (odd characters, repeated items, optional keys gone), so that
# the build itself meets them: emoji, right-to-left letters, combining marks, zero-width characters ...
KEEPS_VALID = ("character", "character", "duplicate_item", "delete")


@given(data=st.one_of(mutated_documents(SMALL, KEEPS_VALID, ("none",)),
                      st.deferred(lambda: mutated_documents(bundled(), KEEPS_VALID, ("none", "bom")))))
@settings(BUILD_SETTINGS, max_examples=25)
def test_mutated_content_that_validates_also_builds_or_fails_cleanly(data):
    note(repr(data[:2000]))
    assume(check_parses_or_fails_cleanly(data) is not None)
    with tempfile.TemporaryDirectory(prefix="hkbrief-prop-") as scratch:
        content = Path(scratch) / "content.json"
        content.write_bytes(data)
        out = Path(scratch) / "dist"
        try:
            result = build(content, "default", out)
        except HkbriefError as exc:
            assert all(str(p) and "\n" not in str(p) for p in exc.problems)
            assert not out.exists() or list(out.iterdir()) == []
            return
        assert len(result.written) == 2
