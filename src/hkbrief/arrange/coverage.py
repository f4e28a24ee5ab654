"""Refusing characters that no bundled font can draw, before anything is drawn (no black boxes, no tofu)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from hkbrief.arrange.bilingual import Versions
from hkbrief.arrange.common import Edition
from hkbrief.arrange.text import Typesetter
from hkbrief.errors import FitError, Problem, refused_characters
from hkbrief.layoutspec import Layout, Role, family_name
from hkbrief.model import Text


def edition_texts(edition: Edition) -> Iterator[tuple[str, Role, Text]]:
    """Every user-visible text with its JSON path and the role that draws it."""
    brief = edition.brief
    meta = brief.meta
    for key, role in (("title", Role.TITLE), ("short_title", Role.FOOTER), ("subtitle", Role.SUBTITLE),
                      ("organisation", Role.ATTRIBUTION), ("handling", Role.HEADING)):
        value = getattr(meta, key)
        if value is not None:
            yield f"meta.{key}", role, value
    for i, section in enumerate(brief.sections):
        at = f"sections[{i}]"
        yield f"{at}.heading", Role.TITLE, section.heading
        for j, bullet in enumerate(section.bullets):
            yield f"{at}.bullets[{j}]", Role.BODY, bullet
        yield f"{at}.summary", Role.BODY, section.summary
        if section.image is not None and section.image.alt is not None:
            yield f"{at}.image.alt", Role.CAPTION, section.image.alt
    for i, stat in enumerate(brief.stats):
        yield f"stats[{i}].value", Role.STAT_VALUE, stat.value
        yield f"stats[{i}].label", Role.STAT_LABEL, stat.label
    for i, quote in enumerate(brief.quotes):
        yield f"quotes[{i}].text", Role.QUOTE, quote.text
        yield f"quotes[{i}].speaker", Role.ATTRIBUTION, quote.speaker
        yield f"quotes[{i}].title", Role.ATTRIBUTION, quote.title
        if quote.organisation is not None:
            yield f"quotes[{i}].organisation", Role.ATTRIBUTION, quote.organisation
    for i, takeaway in enumerate(brief.takeaways):
        yield f"takeaways[{i}]", Role.BODY, takeaway
    for i, source in enumerate(brief.sources):
        yield f"sources[{i}].name", Role.BODY, source.name
        if source.url is not None:  # printed after the name on the sources slide and the one-pager
            yield f"sources[{i}].url", Role.BODY, Text.plain(source.url, meta.language)


def _versions(value: str) -> tuple[str, ...]:
    """The text, and its second-language version in a bilingual edition."""
    return (str(value), value.second) if isinstance(value, Versions) else (value,)


def _all_drawable(fields: list[tuple[str, Role, str]], typesetter: Typesetter, layout: Layout) -> bool:
    """Whether every character of every field can be drawn in the roles that draw it, judged on the distinct
    characters of all the fields at once (a brief has a few hundred, against thousands in its texts)."""
    by_role: dict[Role, set[str]] = {}
    for _, role, value in fields:
        by_role.setdefault(role, set()).update(*_versions(value))
    if any(unicodedata.bidirectional(ch) in ("R", "AL") for characters in by_role.values() for ch in characters):
        return False
    return not any(typesetter.missing("".join(sorted(characters)), spec)
                   for role, characters in by_role.items()
                   for spec in (layout.deck.roles[role], layout.onepager.roles[role]))


def check_coverage(edition: Edition, typesetter: Typesetter, layout: Layout, where: str) -> None:
    """Raise one error listing every field with a character that neither output could draw."""
    fields = [(path, role, edition.t(text)) for path, role, text in edition_texts(edition)]
    if _all_drawable(fields, typesetter, layout):
        return  # nearly every brief: the fields need not be read one by one
    problems = []
    for path, role, value in fields:
        rtl = next((i for i, ch in enumerate(value) if unicodedata.bidirectional(ch) in ("R", "AL")), None)
        if rtl is not None:
            problems.append(Problem(f"{where}: {path}", f"character U+{ord(value[rtl]):04X} at position {rtl + 1} is"
                                    " right-to-left text, which hkbrief cannot lay out yet; remove it"))
            continue
        roles = (layout.deck.roles[role], layout.onepager.roles[role])
        uncovered = next(((spec, version, missing) for spec in roles for version in _versions(value)
                          if (missing := set(typesetter.missing(version, spec)))), None)
        if uncovered is not None:
            spec, version, missing = uncovered
            east_asian = family_name(layout.theme.east_asian_family)
            reason = (f"not in the layout's fonts ({family_name(spec.family)} or the East Asian font"
                      f" {east_asian})")
            refused = [(i, ch, reason) for i, ch in enumerate(version, start=1) if ch in missing]
            problems.append(Problem(f"{where}: {path}",
                                    refused_characters(refused, "remove or replace {it}, or use a font that has {it}")))
    if problems:
        raise FitError(problems)
