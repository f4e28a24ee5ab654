"""Reading a brief: bytes -> text -> JSON -> :class:`~hkbrief.model.Brief`, with every problem reported at once.

We decode the bytes ourselves (UTF-8 with or without a BOM, UTF-16 by its BOM), refuse what ``json`` would
silently accept (duplicate keys, NaN and Infinity, numbers too large to hold), cap the size before parsing, and
name the file and the JSON path in every message: ``content.json: stats[2].value: missing (required)``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat as stat_module
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from hkbrief.errors import NEAR_ID, NEAR_LANGUAGE, ContentError, Problem, did_you_mean, refused_characters, shown
from hkbrief.model import (
    Brief,
    FeatureKind,
    FeatureRef,
    Image,
    Language,
    Meta,
    Quote,
    Section,
    Source,
    Stat,
    Text,
)

MAX_CONTENT_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 32
MAX_TEXT_CHARS = 100_000
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")

# Characters refused in any text, with why. XML 1.0 cannot carry C0 controls (except tab and newline),
# lone surrogates, U+FFFE and U+FFFF; C1 controls and bidirectional overrides are invisible and can make
# text read differently from how it displays, so they are refused too rather than silently dropped.
_BIDI_CONTROLS = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))
# Every character _refusal refuses, as one class, so a clean text (nearly all) is checked in one search
_ANY_REFUSED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]")


def _refusal(ch: str) -> str | None:
    code = ord(ch)
    if code < 0x20 and ch not in "\t\n":
        return "a control character"
    if 0x7F <= code <= 0x9F:
        return "a control character"
    if 0xD800 <= code <= 0xDFFF:
        return "a lone surrogate (broken UTF-16)"
    if code in (0xFFFE, 0xFFFF):
        return "a non-character"
    if code in _BIDI_CONTROLS:
        return "an invisible bidirectional override"
    return None


class _Pairs(dict):
    """A JSON object that remembers keys it saw twice (``json`` would keep the last one silently)."""

    duplicates: list[str]


def _pairs_hook(pairs: list[tuple[str, Any]]) -> _Pairs:
    obj = _Pairs()
    obj.duplicates = []
    for key, value in pairs:
        if key in obj and key not in obj.duplicates:
            obj.duplicates.append(key)
        obj[key] = value
    return obj


class _Unusable:
    """A JSON value we refuse (NaN, Infinity, a huge number), kept so the error can name its path."""

    def __init__(self, description: str) -> None:
        self.description = description


def _parse_int(token: str) -> int | _Unusable:
    if len(token.lstrip("-")) > 18:
        return _Unusable(f"a number too large to use ({token[:12]}…)")
    return int(token)


def _parse_float(token: str) -> float | _Unusable:
    value = float(token)
    if value in (float("inf"), float("-inf")):
        return _Unusable(f"a number too large to use ({token[:12]})")
    return value


def _parse_constant(token: str) -> _Unusable:
    return _Unusable(f"{token}, which JSON content may not contain")


def decode_content(data: bytes, where: str) -> str:
    """Bytes to text: UTF-8 (a BOM is accepted) or UTF-16 with a BOM; anything else is refused with advice."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise ContentError("UTF-32 is not supported; save the file as UTF-8", where)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ContentError(f"broken UTF-16 at byte {exc.start}; save the file as UTF-8", where) from None
    head = data[:200]
    if len(head) >= 4 and (head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4):
        raise ContentError("the file looks like UTF-16 without a byte-order mark; save it as UTF-8", where)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ContentError(
            f"line {line}: byte 0x{data[exc.start]:02X} is not UTF-8 (was the file saved as Latin-1 or Windows-1252?);"
            " save it as UTF-8",
            where,
        ) from None


_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\],:]')
SHOWN_DEPTH = 3  # levels of the JSON path a "nested too deeply" message spells out before "…"


def too_deep(text: str, limit: int = MAX_DEPTH) -> tuple[str, int, int] | None:
    """Where JSON text first nests deeper than ``limit``: the JSON path of the field it happens in (its first
    ``SHOWN_DEPTH`` levels, as ``_Reader.check_depth`` names it), line and column; or None.

    Found by scanning brackets outside strings before ``json`` parses anything, because ``json`` only raises
    RecursionError, without a position, on very deep nesting.
    """
    stack: list[list] = []  # per open container: [kind, current key or index, expecting a key]
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "{[":
            if len(stack) >= limit:
                path = ""
                for kind, step, _ in stack[:SHOWN_DEPTH]:
                    if kind == "[":
                        path += f"[{step}]"
                    elif step is not None:
                        path = _join(path, step)
                line = text.count("\n", 0, match.start()) + 1
                column = match.start() - text.rfind("\n", 0, match.start())
                return path, line, column
            stack.append([token, 0 if token == "[" else None, token == "{"])
        elif token in "}]":
            if stack:
                stack.pop()
        elif token == ",":
            if stack:
                top = stack[-1]
                if top[0] == "[":
                    top[1] += 1
                else:
                    top[2] = True
        elif token == ":":
            if stack:
                stack[-1][2] = False
        elif stack and stack[-1][0] == "{" and stack[-1][2]:
            try:
                stack[-1][1] = json.loads(token)
            except ValueError:
                stack[-1][1] = token.strip('"')
    return None


def nests_deeper(text: str, limit: int = MAX_DEPTH) -> bool:
    """Whether JSON text nests deeper than ``limit`` anywhere: the quick count that :func:`too_deep` (which also
    says where, and is several times slower) is run after, for the message."""
    depth = 0
    for token in _JSON_TOKEN.findall(text):
        if token in ("{", "["):
            depth += 1
            if depth > limit:
                return True
        elif token in ("}", "]"):
            depth -= 1
    return False


def parse_json(text: str, where: str) -> Any:
    """JSON text to Python values, with syntax errors as ``line L, column C: ...``."""
    if not text.strip():
        raise ContentError("the file is empty; expected a JSON object", where)
    deep = too_deep(text) if nests_deeper(text) else None
    if deep is not None:
        path, line, column = deep
        raise ContentError(f"nested too deeply (more than {MAX_DEPTH} levels; line {line}, column {column})",
                           f"{where}: {path}" if path else where)
    try:
        return json.loads(
            text,
            object_pairs_hook=_pairs_hook,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_parse_constant,
        )
    except json.JSONDecodeError as exc:
        cut_off = exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
        hint = " (the file seems to be cut off)" if cut_off else ""
        raise ContentError(f"line {exc.lineno}, column {exc.colno}: invalid JSON: {exc.msg}{hint}", where) from None
    except RecursionError:
        raise ContentError(f"nested too deeply (more than {MAX_DEPTH} levels)", where) from None


def _kind(value: Any) -> str:
    match value:
        case None:
            return "null"
        case bool():
            return "true/false"
        case int() | float():
            return "a number"
        case str():
            return "a string"
        case list():
            return "a list"
        case dict():
            return "an object"
        case _Unusable():
            return value.description
    return type(value).__name__


class _Reader:
    """Walks the JSON tree with a path, collecting every problem instead of stopping at the first."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.problems: list[Problem] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(f"{self.where}: {path}" if path else self.where, message))

    def check_depth(self, value: Any, path: str, depth: int = 0) -> bool:
        """Refuse nesting deeper than any brief needs, naming the field where it starts (not 32 levels down)."""
        if depth > MAX_DEPTH:
            self.fail(path, f"nested too deeply (more than {MAX_DEPTH} levels)")
            return False
        if isinstance(value, dict):
            return all(self.check_depth(v, _join(path, k) if depth < 3 else path, depth + 1)
                       for k, v in value.items())
        if isinstance(value, list):
            return all(self.check_depth(v, f"{path}[{i}]" if depth < 3 else path, depth + 1)
                       for i, v in enumerate(value))
        return True

    def obj(self, value: Any, path: str, required: Iterable[str], optional: Iterable[str]) -> dict | None:
        """An object with known keys: unknown keys get a 'did you mean', missing ones are reported."""
        if not isinstance(value, dict):
            self.fail(path, f"expected an object, found {_kind(value)}")
            return None
        required, optional = list(required), list(optional)
        known = required + optional
        for key in getattr(value, "duplicates", []):
            self.fail(_join(path, key), "duplicate key (each key may appear once)")
        for key in value:
            if key not in known:
                self.fail(_join(path, key), f"unknown key{did_you_mean(key, known)}")
        for key in required:
            if key not in value:
                self.fail(_join(path, key), "missing (required)")
        nulls = [key for key in optional if key in value and value[key] is None]
        for key in nulls:
            # null does not mean "none": leave the key out (a required key's null is reported by its reader)
            self.fail(_join(path, key), f'null is not allowed; leave "{key}" out if there is none')
        return {key: item for key, item in value.items() if key not in nulls} if nulls else value

    def text(self, value: Any, path: str, max_chars: int = MAX_TEXT_CHARS) -> Text | None:
        """A plain string, or a map of language to string: ``{"en": "...", "zh-Hant": "..."}``."""
        if isinstance(value, str):
            clean = self.clean(value, path, max_chars)
            return None if clean is None else Text({Language.EN: clean}, localised=False)
        if isinstance(value, dict) and not isinstance(value, _Unusable):
            for key in getattr(value, "duplicates", []):
                self.fail(_join(path, key), "duplicate key (each key may appear once)")
            if not value:
                self.fail(path, "expected text, found an empty map of languages")
                return None
            by_language: dict[Language, str] = {}
            for key, item in value.items():
                try:
                    lang = Language(key)
                except ValueError:
                    advice = did_you_mean(key, [str(x) for x in Language], NEAR_LANGUAGE, list_otherwise=False)
                    self.fail(_join(path, key), f"unknown language{advice}; languages are: "
                              + ", ".join(str(x) for x in Language))
                    continue
                if not isinstance(item, str):
                    self.fail(_join(path, key), f"expected a string, found {_kind(item)}")
                    continue
                clean = self.clean(item, _join(path, key), max_chars)
                if clean is not None:
                    by_language[lang] = clean
            return Text(by_language) if by_language and len(by_language) == len(value) else None
        self.fail(path, f"expected text (a string or a map of languages), found {_kind(value)}")
        return None

    def clean(self, value: str, path: str, max_chars: int) -> str | None:
        """NFC-normalise and refuse characters that cannot be written or that hide what the text says."""
        refused = [(position, ch, reason) for position, ch in enumerate(value, start=1) if (reason := _refusal(ch))
                   ] if _ANY_REFUSED.search(value) else []
        if refused:
            self.fail(path, refused_characters(refused))
            return None
        value = unicodedata.normalize("NFC", value).replace("\t", " ")  # a tab is a space on a slide
        if not value.strip():
            self.fail(path, "must not be empty")
            return None
        if len(value) > max_chars:
            self.fail(path, f"too long ({len(value):,} characters; at most {max_chars:,})")
            return None
        return value

    def plain(self, value: Any, path: str) -> str | None:
        text = self.text(value, path) if isinstance(value, str) else None
        if text is None:
            if not isinstance(value, str):
                self.fail(path, f"expected a string, found {_kind(value)}")
            return None
        return text.by_language[Language.EN]

    def ident(self, value: Any, path: str) -> str | None:
        if not isinstance(value, str):
            self.fail(path, f"expected an id (a string), found {_kind(value)}")
            return None
        if not ID_PATTERN.match(value):
            self.fail(path, f'{shown(value)} is not a valid id: use lowercase letters, digits and hyphens'
                      " (at most 64, starting with a letter or digit)")
            return None
        return value

    def items(self, value: Any, path: str, minimum: int = 0) -> list[tuple[str, Any]]:
        if not isinstance(value, list):
            self.fail(path, f"expected a list, found {_kind(value)}")
            return []
        if len(value) < minimum:
            self.fail(path, f"expected at least {minimum} item{'s' if minimum > 1 else ''}, found none"
                      if not value else f"expected at least {minimum} items, found {len(value)}")
        return [(f"{path}[{i}]", item) for i, item in enumerate(value)]

    def texts(self, value: Any, path: str, minimum: int = 0) -> tuple[Text, ...]:
        return tuple(t for p, item in self.items(value, path, minimum) if (t := self.text(item, p)) is not None)


def _join(path: str, key: str) -> str:
    """``meta.title``, or ``meta["odd key"]`` for a key that is not a plain word."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", key):
        return f"{path}[{shown(key)}]"
    return f"{path}.{key}" if path else key


def _optional(reader: _Reader, obj: dict, key: str, path: str, read: Callable[[Any, str], Any]) -> Any:
    if key not in obj:
        return None
    return read(obj[key], _join(path, key))


def _meta(r: _Reader, value: Any) -> Meta | None:
    obj = r.obj(value, "meta", ["title", "date", "organisation"],
                ["short_title", "subtitle", "handling", "language", "keywords", "slug"])
    if obj is None:
        return None
    title = r.text(obj["title"], "meta.title", 300) if "title" in obj else None
    organisation = r.text(obj["organisation"], "meta.organisation", 200) if "organisation" in obj else None
    date = None
    if "date" in obj:
        raw = obj["date"]
        if not isinstance(raw, str):
            r.fail("meta.date", f"expected a date like 2026-11-25, found {_kind(raw)}")
        else:
            try:
                date = dt.date.fromisoformat(raw) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw) else None
            except ValueError:
                date = None
            if date is None:
                r.fail("meta.date", f"{shown(raw)} is not a date; write it as YYYY-MM-DD, e.g. 2026-11-25")
    language = Language.EN
    if "language" in obj:
        raw = obj["language"]
        try:
            language = Language(raw)
        except (ValueError, TypeError):
            r.fail("meta.language", f"expected one of: {', '.join(str(x) for x in Language)}; found "
                   + (shown(raw) if isinstance(raw, str) else _kind(raw)))
    keywords = r.texts(obj["keywords"], "meta.keywords") if "keywords" in obj else ()
    slug = None
    if obj.get("slug") is not None:
        raw = obj["slug"]
        if not isinstance(raw, str):
            r.fail("meta.slug", f"expected a file name stem like \"hk-innovation-brief\", found {_kind(raw)}")
        elif not SLUG_PATTERN.match(raw):
            r.fail("meta.slug", f"{shown(raw)} cannot name the outputs: use lowercase letters, digits and hyphens"
                   " (at most 80, starting and ending with a letter or digit)")
        else:
            slug = raw
    meta_kwargs = dict(
        short_title=_optional(r, obj, "short_title", "meta", lambda v, p: r.text(v, p, 80)),
        subtitle=_optional(r, obj, "subtitle", "meta", lambda v, p: r.text(v, p, 600)),
        handling=_optional(r, obj, "handling", "meta", lambda v, p: r.text(v, p, 80)),
    )
    if title is None or organisation is None or date is None:
        return None
    return Meta(title=title, date=date, organisation=organisation, language=language, keywords=keywords,
                slug=slug, **meta_kwargs)


def _image(r: _Reader, value: Any, path: str) -> Image | None:
    obj = r.obj(value, path, ["path"], ["alt", "decorative"])
    if obj is None:
        return None
    image_path = r.plain(obj["path"], _join(path, "path")) if "path" in obj else None
    alt = _optional(r, obj, "alt", path, lambda v, p: r.text(v, p, 1000))
    decorative = obj.get("decorative", False)
    if not isinstance(decorative, bool):
        r.fail(_join(path, "decorative"), f"expected true or false, found {_kind(decorative)}")
        return None
    if decorative and alt is not None:
        r.fail(path, 'give either "alt" (what the picture shows) or "decorative": true, not both')
        return None
    if not decorative and alt is None and "alt" not in obj:
        r.fail(_join(path, "alt"), 'missing: describe the picture for screen readers, or mark it "decorative": true')
        return None
    if image_path is None:
        return None
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", image_path):
        r.fail(_join(path, "path"), "images must be local files next to the content file; download it and give"
               " its relative path")
        return None
    return Image(path=image_path, alt=alt, decorative=decorative)


def _section(r: _Reader, value: Any, path: str) -> Section | None:
    obj = r.obj(value, path, ["id", "heading", "bullets", "summary"], ["notes", "image", "stats", "quotes"])
    if obj is None:
        return None
    ident = r.ident(obj["id"], _join(path, "id")) if "id" in obj else None
    heading = r.text(obj["heading"], _join(path, "heading"), 200) if "heading" in obj else None
    bullets = r.texts(obj["bullets"], _join(path, "bullets"), 1) if "bullets" in obj else ()
    summary = r.text(obj["summary"], _join(path, "summary")) if "summary" in obj else None
    notes = r.texts(obj["notes"], _join(path, "notes")) if "notes" in obj else ()
    image = _image(r, obj["image"], _join(path, "image")) if "image" in obj else None
    stats = _ids(r, obj.get("stats"), _join(path, "stats"))
    quotes = _ids(r, obj.get("quotes"), _join(path, "quotes"))
    if ident is None or heading is None or not bullets or summary is None:
        return None
    return Section(ident, heading, bullets, summary, notes, image, stats, quotes)


def _ids(r: _Reader, value: Any, path: str) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(i for p, item in r.items(value, path) if (i := r.ident(item, p)) is not None)


def _stat(r: _Reader, value: Any, path: str) -> Stat | None:
    obj = r.obj(value, path, ["id", "value", "label", "source"], [])
    if obj is None:
        return None
    ident = r.ident(obj["id"], _join(path, "id")) if "id" in obj else None
    shown = r.text(obj["value"], _join(path, "value"), 40) if "value" in obj else None
    label = r.text(obj["label"], _join(path, "label"), 300) if "label" in obj else None
    source = r.ident(obj["source"], _join(path, "source")) if "source" in obj else None
    if None in (ident, shown, label, source):
        return None
    return Stat(ident, shown, label, source)


def _quote(r: _Reader, value: Any, path: str) -> Quote | None:
    obj = r.obj(value, path, ["id", "text", "speaker", "title", "source"], ["organisation"])
    if obj is None:
        return None
    ident = r.ident(obj["id"], _join(path, "id")) if "id" in obj else None
    text = r.text(obj["text"], _join(path, "text"), 2000) if "text" in obj else None
    speaker = r.text(obj["speaker"], _join(path, "speaker"), 120) if "speaker" in obj else None
    title = r.text(obj["title"], _join(path, "title"), 300) if "title" in obj else None
    source = r.ident(obj["source"], _join(path, "source")) if "source" in obj else None
    organisation = _optional(r, obj, "organisation", path, lambda v, p: r.text(v, p, 200))
    if None in (ident, text, speaker, title, source):
        return None
    return Quote(ident, text, speaker, title, source, organisation)


def _source(r: _Reader, value: Any, path: str) -> Source | None:
    obj = r.obj(value, path, ["id", "name"], ["url"])
    if obj is None:
        return None
    ident = r.ident(obj["id"], _join(path, "id")) if "id" in obj else None
    name = r.text(obj["name"], _join(path, "name"), 300) if "name" in obj else None
    url = _optional(r, obj, "url", path, r.plain)
    if url is not None and not re.match(r"^https?://[^\s]+$", url):
        r.fail(_join(path, "url"), "expected a web address starting with https:// or http://")
        url = None
    if ident is None or name is None:
        return None
    return Source(ident, name, url)


def _featured(r: _Reader, value: Any) -> tuple[tuple[str, FeatureRef], ...]:
    found = []
    for path, item in r.items(value, "featured"):
        kinds = ", ".join(f'"{k}:<id>"' for k in FeatureKind)
        if not isinstance(item, str) or ":" not in item:
            r.fail(path, f"expected {kinds}, found " + (shown(item) if isinstance(item, str) else _kind(item)))
            continue
        kind, _, ident = item.partition(":")
        try:
            found.append((path, FeatureRef(FeatureKind(kind), ident)))
        except ValueError:
            r.fail(path, f"{shown(kind)} cannot be featured; expected {kinds}")
    return tuple(found)


def _unique(r: _Reader, name: str, items: list[tuple[str, Any]]) -> None:
    seen: dict[str, str] = {}
    for path, item in items:
        if item.id in seen:
            r.fail(f"{path}.id", f"{shown(item.id)} is already the id of {seen[item.id]}; ids must be unique in {name}")
        else:
            seen[item.id] = path


def _raw_ids(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [item["id"] for item in value
            if isinstance(item, dict) and isinstance(item.get("id"), str) and ID_PATTERN.match(item["id"])]


def _resolve(r: _Reader, path: str, ident: str, table: str, ids: Iterable[str]) -> None:
    ids = list(ids)
    if ident in ids:
        return
    advice = did_you_mean(ident, ids, NEAR_ID, list_otherwise=False)
    r.fail(path, f"{shown(ident)} is not the id of any item in {table}{advice}")


def brief_from_json(value: Any, where: str) -> Brief:
    """Validate parsed JSON and build the brief, or raise one :class:`ContentError` listing every problem."""
    r = _Reader(where)
    root = _root(r, value, where)
    meta = _meta(r, root["meta"]) if "meta" in root else None
    sections = _list(r, root.get("sections", []), "sections", _section, minimum=1)
    stats = _list(r, root.get("stats", []), "stats", _stat)
    quotes = _list(r, root.get("quotes", []), "quotes", _quote)
    sources = _list(r, root.get("sources", []), "sources", _source)
    featured = _featured(r, root["featured"]) if "featured" in root else None
    takeaways = r.texts(root["takeaways"], "takeaways", 1) if "takeaways" in root else ()
    for name, items in (("sections", sections), ("stats", stats), ("quotes", quotes), ("sources", sources)):
        _unique(r, name, items)
    _check_references(r, root, sections, stats + quotes, featured)
    if r.problems or meta is None:
        if not r.problems:
            r.fail("meta", "invalid")
        raise ContentError(r.problems)
    return Brief(
        meta=meta,
        sections=tuple(s for _, s in sections),
        stats=tuple(s for _, s in stats),
        quotes=tuple(q for _, q in quotes),
        sources=tuple(s for _, s in sources),
        featured=_featured_refs(featured, stats, quotes),
        takeaways=takeaways,
    )


def _list(r: _Reader, value: Any, path: str, read, minimum: int = 0) -> list:  # noqa: ANN001 - an item reader
    """The valid items of a top-level list, each with its JSON path: ``[("stats[0]", Stat(...)), ...]``."""
    return [(p, item) for p, v in r.items(value, path, minimum) if (item := read(r, v, p))]


def _root(r: _Reader, value: Any, where: str) -> dict:
    """The top-level object with its keys checked; raises at once if it is not an object or nests too deep."""
    if not isinstance(value, dict):
        raise ContentError(f"expected a JSON object at the top level, found {_kind(value)}", where)
    if not r.check_depth(value, ""):
        raise ContentError(r.problems)
    root = r.obj(value, "", ["meta", "sections"], ["stats", "quotes", "sources", "featured", "takeaways", "$schema"])
    if "$schema" in root and not isinstance(root["$schema"], str):
        r.fail('["$schema"]', f"expected the path or address of a JSON Schema, found {_kind(root['$schema'])}")
    return root


def _check_references(r: _Reader, root: dict, sections: list, cited: list, featured: list | None) -> None:
    """Every id a section, stat, quote or ``featured`` names must exist, and nothing is featured twice.

    Ids are taken from every item that names one, valid or not, so one broken item does not cascade into
    reference errors.
    """
    stat_ids, quote_ids, source_ids = (_raw_ids(root.get(key)) for key in ("stats", "quotes", "sources"))
    for path, section in sections:
        for i, ident in enumerate(section.stats):
            _resolve(r, f"{path}.stats[{i}]", ident, "stats", stat_ids)
        for i, ident in enumerate(section.quotes):
            _resolve(r, f"{path}.quotes[{i}]", ident, "quotes", quote_ids)
    for path, item in cited:
        _resolve(r, f"{path}.source", item.source, "sources", source_ids)
    if featured is None:
        return
    seen: set[str] = set()
    for path, ref in featured:
        _resolve(r, path, ref.id, f"{ref.kind}s", stat_ids if ref.kind is FeatureKind.STAT else quote_ids)
        if str(ref) in seen:
            r.fail(path, f"{shown(str(ref))} is featured twice")
        seen.add(str(ref))


def _featured_refs(featured: list | None, stats: list, quotes: list) -> tuple[FeatureRef, ...]:
    """What the brief features: as ``featured`` lists it, or every stat then every quote when it is absent."""
    if featured is not None:
        return tuple(ref for _, ref in featured)
    return (tuple(FeatureRef(FeatureKind.STAT, s.id) for _, s in stats)
            + tuple(FeatureRef(FeatureKind.QUOTE, q.id) for _, q in quotes))


def parse_brief(data: bytes, where: str) -> Brief:
    """A brief from the bytes of a content file; ``where`` is the name used in messages."""
    if len(data) > MAX_CONTENT_BYTES:
        raise ContentError(f"the file is {len(data):,} bytes; content files are limited to {MAX_CONTENT_BYTES:,}"
                           " bytes", where)
    return brief_from_json(parse_json(decode_content(data, where), where), where)


def regular_file_size(path: Path, where: str, *, kind: str, limit: int, limit_name: str,
                      missing: str = "no such file") -> int:
    """The size of a file about to be read, refusing folders, devices and FIFOs before anything opens them
    (so nothing hangs) and files over ``limit``. ``kind`` says what was expected: "an image file"."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ContentError(missing, where) from None
    except OSError as exc:
        raise ContentError(f"cannot read: {exc.strerror}", where) from None
    if stat_module.S_ISDIR(info.st_mode):
        raise ContentError(f"is a folder; give the path of {kind}", where)
    if not stat_module.S_ISREG(info.st_mode):
        raise ContentError(f"is not a regular file (a device or pipe?); give {kind}", where)
    if info.st_size > limit:
        raise ContentError(f"the file is {info.st_size:,} bytes; {limit_name} are limited to {limit:,} bytes", where)
    return info.st_size


def read_content_bytes(path: Path) -> bytes:
    """The bytes of a content file (checked first, so a FIFO or device is never opened)."""
    where = str(path)
    regular_file_size(path, where, kind="a content .json file", limit=MAX_CONTENT_BYTES, limit_name="content files")
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_CONTENT_BYTES + 1)
    except OSError as exc:
        raise ContentError(f"cannot read: {exc.strerror}", where) from None


def load_brief(path: Path | str) -> Brief:
    """Read and validate a content file."""
    path = Path(path)
    return parse_brief(read_content_bytes(path), str(path))


def load_meta(path: Path | str) -> Meta:
    """Read a content file's ``meta`` alone (what names its outputs), its fields checked as :func:`load_brief`
    checks them; raises :class:`ContentError` if the file or its meta is broken. A batch names every brief's
    outputs before building them, so this is kept quick: the file is parsed by ``json`` without the checks of
    the whole file (nesting, duplicate keys, numbers), which the brief's own build makes and reports."""
    path = Path(path)
    where = str(path)
    try:
        value = json.loads(decode_content(read_content_bytes(path), where))
    except (ValueError, RecursionError):
        raise ContentError("is not valid JSON", where) from None
    r = _Reader(where)
    meta = _meta(r, value["meta"]) if isinstance(value, dict) and "meta" in value else None
    if r.problems or meta is None:
        if not r.problems:
            r.fail("meta", "invalid")
        raise ContentError(r.problems)
    return meta
