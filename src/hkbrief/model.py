"""The brief as validated data: what the user said, with no pptx, pdf or layout in it.

Every user-visible string is a :class:`Text`, which holds one string per language so that an English and a
Traditional Chinese edition come from the same file. ``content`` builds these objects from JSON and guarantees
their invariants (ids unique, references resolved, text non-empty and printable).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from hkbrief.errors import ContentError
from hkbrief.langtag import office_tag


class Language(StrEnum):
    """Languages a brief can be written and built in (BCP 47 tags)."""

    EN = "en"
    ZH_HANT = "zh-Hant"

    @property
    def office_tag(self) -> str:
        """The language tag Office and PDF readers expect: British English, Traditional Chinese as in Hong Kong."""
        match self:
            case Language.EN:
                return office_tag("en-GB")
            case Language.ZH_HANT:
                return office_tag("zh-Hant-HK")

    @property
    def english_name(self) -> str:
        """How messages name the language: "English", "Traditional Chinese"."""
        match self:
            case Language.EN:
                return "English"
            case Language.ZH_HANT:
                return "Traditional Chinese"


BILINGUAL = (Language.EN, Language.ZH_HANT)
"""The bilingual edition: English first, Traditional Chinese with it, in both outputs."""

# What ``--lang`` accepts, folded to lower case: the languages of each edition. zh-HK and zh are the Traditional
# Chinese of Hong Kong, which is all hkbrief writes as Chinese.
EDITION_NAMES: dict[str, tuple[Language, ...]] = {
    "en": (Language.EN,),
    "zh-hant": (Language.ZH_HANT,),
    "zh-hk": (Language.ZH_HANT,),
    "zh": (Language.ZH_HANT,),
    "bilingual": BILINGUAL,
    "en+zh-hant": BILINGUAL,
}


def edition_languages(name: str) -> tuple[Language, ...]:
    """The languages of the edition ``--lang`` names: ``"zh-HK"`` -> (zh-Hant,), ``"bilingual"`` -> (en, zh-Hant)."""
    try:
        return EDITION_NAMES[name.strip().lower()]
    except KeyError:
        raise ContentError(f'"{name}" is not an edition; use one of: en, zh-Hant (or zh-HK, zh), bilingual'
                           " (or en+zh-Hant)", "--lang") from None


@dataclass(frozen=True, slots=True)
class Text:
    """A user-visible string in one or more languages; ``resolve`` picks one, falling back to the brief's own."""

    by_language: Mapping[Language, str]
    # Written as a map of languages rather than a plain string. For a name that marks it for translation: a
    # plain-string name is a proper name used as it is in every edition (see ``hkbrief.translation``).
    localised: bool = field(default=True, compare=False)

    @classmethod
    def plain(cls, value: str, language: Language = Language.EN) -> Text:
        return cls({language: value}, localised=False)

    def resolve(self, language: Language, fallback: Language) -> str:
        for lang in (language, fallback):
            if lang in self.by_language:
                return self.by_language[lang]
        return next(iter(self.by_language.values()))

    def language_of(self, language: Language, fallback: Language) -> Language:
        """The language ``resolve`` actually returns, so a run can be tagged correctly."""
        for lang in (language, fallback):
            if lang in self.by_language:
                return lang
        return next(iter(self.by_language))

    @property
    def languages(self) -> frozenset[Language]:
        return frozenset(self.by_language)


@dataclass(frozen=True, slots=True)
class Meta:
    title: Text
    date: dt.date
    organisation: Text
    language: Language = Language.EN
    short_title: Text | None = None
    subtitle: Text | None = None
    handling: Text | None = None
    keywords: tuple[Text, ...] = ()
    slug: str | None = None  # the outputs' file name stem, when the content sets it


@dataclass(frozen=True, slots=True)
class Image:
    """A picture for a section. ``path`` is as written in the content (relative to the content file).

    Either ``alt`` describes it, or it is ``decorative`` and screen readers skip it; never both, never neither.
    """

    path: str
    alt: Text | None = None
    decorative: bool = False


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    heading: Text
    bullets: tuple[Text, ...]
    summary: Text
    notes: tuple[Text, ...] = ()
    image: Image | None = None
    stats: tuple[str, ...] = ()
    quotes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Stat:
    """A figure shown large: ``value`` exactly as displayed ("HK$10 billion"), a short label, where it is from."""

    id: str
    value: Text
    label: Text
    source: str


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation, verbatim, with the speaker's name and title exactly as the source prints them."""

    id: str
    text: Text
    speaker: Text
    title: Text
    source: str
    organisation: Text | None = None


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    name: Text
    url: str | None = None


class FeatureKind(StrEnum):
    """What the one-pager can feature."""

    STAT = "stat"
    QUOTE = "quote"


@dataclass(frozen=True, slots=True)
class FeatureRef:
    kind: FeatureKind
    id: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True, slots=True)
class Brief:
    """The whole brief. ``takeaways`` are the closing points, written for the close (never taken from the
    sections): without them the deck has no closing slide."""

    meta: Meta
    sections: tuple[Section, ...]
    stats: tuple[Stat, ...] = ()
    quotes: tuple[Quote, ...] = ()
    sources: tuple[Source, ...] = ()
    featured: tuple[FeatureRef, ...] = ()
    takeaways: tuple[Text, ...] = ()
    _index: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        index = self._index
        for prefix, items in (("stat", self.stats), ("quote", self.quotes), ("source", self.sources),
                              ("section", self.sections)):
            for item in items:
                index[f"{prefix}:{item.id}"] = item

    def stat(self, stat_id: str) -> Stat:
        return self._index[f"stat:{stat_id}"]  # type: ignore[return-value]

    def quote(self, quote_id: str) -> Quote:
        return self._index[f"quote:{quote_id}"]  # type: ignore[return-value]

    def source(self, source_id: str) -> Source:
        return self._index[f"source:{source_id}"]  # type: ignore[return-value]

    @property
    def languages(self) -> frozenset[Language]:
        """Languages that the title is written in: the editions this brief can be built in."""
        return self.meta.title.languages
