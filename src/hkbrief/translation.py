"""Which user-visible fields an edition shows in another language than its own, by JSON path.

Every text in a brief is one of three kinds. Ordinary text (titles, bullets, labels, stat values, notes, the
organisation line) is expected in every language of the edition; where it is missing the edition falls back to
another language, and that is reported. A quotation is reproduced verbatim and never translated, so it is never
reported. A name or designation (a quote's speaker, title and organisation, a source's name) may have an
official translation but need not: it is reported only when the content marks it for translation by writing it
as a map of languages (``{"en": "Prof. Nancy Ip", "zh-Hant": "葉玉如教授"}``); a plain string (``"Falcon
Chan"``) is a proper name used as it is in every edition.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from hkbrief.errors import ContentError, Problem
from hkbrief.model import Brief, Language, Text


class FieldKind(StrEnum):
    TEXT = "text"
    NAME = "name"
    QUOTATION = "quotation"


@dataclass(frozen=True, slots=True)
class Fallback:
    """One field an edition cannot show in ``wanted``; it shows the text in ``shown`` instead."""

    path: str
    wanted: Language
    shown: Language

    def problem(self, where: str) -> Problem:
        return Problem(f"{where}: {self.path}", f"no {self.wanted} text ({self.wanted.english_name}); the"
                       f" {self.shown} text is shown instead")


def visible_fields(brief: Brief) -> Iterator[tuple[str, FieldKind, Text]]:
    """Every text a reader of the deck or the one-pager can see (speaker notes and file properties included)."""
    meta = brief.meta
    for key in ("title", "short_title", "subtitle", "organisation", "handling"):
        value = getattr(meta, key)
        if value is not None:
            yield f"meta.{key}", FieldKind.TEXT, value
    for i, keyword in enumerate(meta.keywords):
        yield f"meta.keywords[{i}]", FieldKind.TEXT, keyword
    for i, section in enumerate(brief.sections):
        at = f"sections[{i}]"
        yield f"{at}.heading", FieldKind.TEXT, section.heading
        for j, bullet in enumerate(section.bullets):
            yield f"{at}.bullets[{j}]", FieldKind.TEXT, bullet
        yield f"{at}.summary", FieldKind.TEXT, section.summary
        for j, note in enumerate(section.notes):
            yield f"{at}.notes[{j}]", FieldKind.TEXT, note
        if section.image is not None and section.image.alt is not None:
            yield f"{at}.image.alt", FieldKind.TEXT, section.image.alt
    for i, stat in enumerate(brief.stats):
        yield f"stats[{i}].value", FieldKind.TEXT, stat.value
        yield f"stats[{i}].label", FieldKind.TEXT, stat.label
    for i, quote in enumerate(brief.quotes):
        yield f"quotes[{i}].text", FieldKind.QUOTATION, quote.text
        yield f"quotes[{i}].speaker", FieldKind.NAME, quote.speaker
        yield f"quotes[{i}].title", FieldKind.NAME, quote.title
        if quote.organisation is not None:
            yield f"quotes[{i}].organisation", FieldKind.NAME, quote.organisation
    for i, source in enumerate(brief.sources):
        yield f"sources[{i}].name", FieldKind.NAME, source.name
    for i, takeaway in enumerate(brief.takeaways):
        yield f"takeaways[{i}]", FieldKind.TEXT, takeaway


def fallbacks(brief: Brief, languages: tuple[Language, ...]) -> list[Fallback]:
    """Every field the edition in ``languages`` shows in another language, in the order of the content file."""
    found = []
    for path, kind, text in visible_fields(brief):
        if kind is FieldKind.QUOTATION or (kind is FieldKind.NAME and not text.localised):
            continue
        for language in languages:
            if language not in text.by_language:
                found.append(Fallback(path, language, text.language_of(language, brief.meta.language)))
    return found


def edition_label(languages: tuple[Language, ...]) -> str:
    """``zh-Hant``, or ``bilingual`` for the English and Traditional Chinese edition (as ``--lang`` takes it)."""
    return str(languages[0]) if len(languages) == 1 else "bilingual"


def fallback_summary(brief: Brief, languages: tuple[Language, ...], where: str) -> str | None:
    """The one line ``build`` prints when fields fell back, saying how to list them; None when there are none."""
    found = fallbacks(brief, languages)
    if not found:
        return None
    label = edition_label(languages)
    count = f"{len(found)} field{'s' if len(found) != 1 else ''}"
    return (f"{where}: {label} edition: {count} not translated, shown in another language; list them with"
            f" `hkbrief validate --lang {label} {where}`")


def require_translations(brief: Brief, languages: tuple[Language, ...], where: str) -> None:
    """Raise one error naming every field that would fall back (``--require-translations``)."""
    found = fallbacks(brief, languages)
    if found:
        raise ContentError([fallback.problem(where) for fallback in found])
