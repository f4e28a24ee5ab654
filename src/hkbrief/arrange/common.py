"""What the deck and the one-pager share: resolving text into a language, citations, document properties."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from hkbrief import __version__, typography
from hkbrief.arrange.bilingual import Versions, second_version
from hkbrief.labels import Label, colon, label
from hkbrief.model import Brief, Language, Quote, Stat, Text
from hkbrief.plan import DocumentProperties


@dataclass(frozen=True, slots=True)
class Edition:
    """A brief read in one language: ``t`` resolves any :class:`Text`, falling back to the brief's language.

    The bilingual edition reads it in ``language`` (English) with ``second`` (Traditional Chinese) under it:
    ``t`` then returns :class:`~hkbrief.arrange.bilingual.Versions`, which the typesetter sets as two
    paragraphs, each in its own language, wherever the text is a paragraph of its own (titles, bullets, stat
    labels, headings, speakers). Text joined into a longer line (footers, citations) stays in ``language``.
    """

    brief: Brief
    language: Language
    source: str = "content.json"  # the content file's name, for messages
    second: Language | None = None

    @property
    def languages(self) -> tuple[Language, ...]:
        """The edition's languages, the first one first."""
        return (self.language,) if self.second is None else (self.language, self.second)

    def at(self, kind: str, item_id: str, attribute: str = "") -> str:
        """The JSON path of an item's field, for messages: ``content.json: sections[2].bullets``."""
        items = getattr(self.brief, kind)
        index = next(i for i, item in enumerate(items) if item.id == item_id)
        return f"{self.source}: {kind}[{index}]" + (f".{attribute}" if attribute else "")

    def meta_at(self, attribute: str) -> str:
        """The JSON path of a ``meta`` field, for messages: ``content.json: meta.title``."""
        return f"{self.source}: meta.{attribute}"

    def t(self, text: Text | None) -> str:
        """The text in this edition's language, typeset (typewriter apostrophes curled)."""
        if text is None:
            return ""
        first = typography.typeset(text.resolve(self.language, self.brief.meta.language))
        second = text.by_language.get(self.second) if self.second is not None else None
        if second is None or self.lang(text) is self.second:
            return first
        second = typography.typeset(second)
        return first if second == first else Versions(first, second, self.second)

    def both(self, text: Text | None) -> str:
        """Prose for the speaker notes: the text, then (bilingual) its second-language version under it."""
        value = self.t(text)
        return f"{value}\n{second_version(value)}" if isinstance(value, Versions) else value

    def label(self, which: Label) -> str:
        """One of hkbrief's own words (a slide title such as "Key figures") in the edition's language(s)."""
        first = label(which, self.language)
        return first if self.second is None else Versions(first, label(which, self.second), self.second)

    def _joined(self, parts: list[str]) -> str:
        """Parts joined as the typography of each language wants, in both languages of a bilingual edition."""
        first = typography.joined(parts)
        if self.second is None or not any(isinstance(part, Versions) for part in parts):
            return first
        return Versions(first, typography.joined([second_version(part) for part in parts]), self.second)

    def lang(self, text: Text | None) -> Language:
        """The language ``t`` gives this text in (the fallback's, when it has no translation)."""
        if text is None:
            return self.language
        return text.language_of(self.language, self.brief.meta.language)

    @property
    def short_title(self) -> str:
        """The short title for footers, or the title."""
        return self.t(self.brief.meta.short_title or self.brief.meta.title)

    def attribution(self, quote: Quote) -> str:
        """Title and organisation as the content gives them: ``President of the University of Dubai``."""
        parts = [self.t(quote.title)]
        if quote.organisation is not None:
            parts.append(self.t(quote.organisation))
        return self._joined(parts)

    def speaker_line(self, quote: Quote) -> str:
        """Name, title and organisation once, punctuated for their script: ``Falcon Chan, Strategy ...``."""
        return self._joined([self.t(quote.speaker), self.attribution(quote)])

    def quoted(self, quote: Quote) -> str:
        """The quotation in the marks of its language (any marks the content put around it left out)."""
        return typography.quoted(self.t(quote.text), self.lang(quote.text))

    def stat_citation(self, stat: Stat) -> str:
        """A stat and its source, for speaker notes."""
        source = self.t(self.brief.source(stat.source).name)
        source_label = f"{label(Label.SOURCE, self.language)}{colon(self.language)}"
        return f"{self.t(stat.value)}: {self.t(stat.label)} ({source_label}{source})"

    def quote_citation(self, quote: Quote) -> str:
        """A quote, its speaker and its source, for speaker notes."""
        source = self.brief.source(quote.source)
        where = self.t(source.name) + (f", {source.url}" if source.url else "")
        source_label = f"{label(Label.SOURCE, self.language)}{colon(self.language)}"
        who = self.speaker_line(quote)
        return f"{self.quoted(quote)} ({who}{typography.semicolon(who, where)}{source_label}{where})"


def format_date(date: dt.date, language: Language) -> str:
    """A date as each edition writes it: ``25 November 2026``, ``2026年11月25日``."""
    if language is Language.ZH_HANT:
        return f"{date.year}年{date.month}月{date.day}日"
    return f"{date.day} {date.strftime('%B')} {date.year}"


def document_properties(edition: Edition) -> DocumentProperties:
    """Metadata for both outputs; the date comes from the content (or SOURCE_DATE_EPOCH), never the clock."""
    meta = edition.brief.meta
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        created = dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).replace(tzinfo=None)
    else:
        created = dt.datetime.combine(meta.date, dt.time(0, 0))
    return DocumentProperties(
        title=edition.t(meta.title),
        subject=edition.t(meta.subtitle) or edition.t(meta.title),
        author=edition.t(meta.organisation),
        keywords=", ".join(edition.t(k) for k in meta.keywords),
        language=edition.language.office_tag,
        created=created,
        creator=f"hkbrief {__version__}",
    )
