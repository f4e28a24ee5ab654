"""Errors a user can act on.

Library code raises these with ``where`` (a file and a JSON path, a layout key, a slide and frame) so that the
command line can print one line per problem and exit 1 without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong, and where: ``content.json: stats[2].value: missing (required)``."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class HkbriefError(Exception):
    """Base of every error hkbrief reports to its user; carries one or more problems."""

    def __init__(self, problems: list[Problem] | Problem | str, where: str = "") -> None:
        if isinstance(problems, str):
            problems = [Problem(where, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def where(self) -> str:
        return self.problems[0].where if self.problems else ""


class ContentError(HkbriefError):
    """The content file cannot be read or does not describe a valid brief."""


class LayoutError(HkbriefError):
    """A layout cannot be found, read, or is invalid (including failed contrast)."""


class FitError(HkbriefError):
    """Text does not fit its frame under any size or continuation the layout allows."""


class TemplateError(HkbriefError):
    """A PowerPoint template cannot be used: not a presentation, encrypted, macro-enabled, too large, malformed."""


class OutputError(HkbriefError):
    """The outputs cannot be written where asked."""


# How alike a word must be to an allowed one (difflib's ratio) before a message suggests it.
NEAR_KEY = 0.6  # keys and option names: long enough that 0.6 catches one or two wrong letters
NEAR_ID = 0.5  # item ids are hyphenated words; a missing or extra word still deserves a suggestion
NEAR_LANGUAGE = 0.4  # language tags are short: "zh" against "zh-Hant" is 0.44


def did_you_mean(word: str, options: list[str] | tuple[str, ...], cutoff: float = NEAR_KEY,
                 list_otherwise: bool = True) -> str:
    """`` (did you mean "title"?)`` for a near miss; else the list of what is allowed, or "" without
    ``list_otherwise``. The one place hkbrief suggests a fix for a misspelt word."""
    import difflib

    close = difflib.get_close_matches(word, list(options), n=1, cutoff=cutoff)
    if close:
        return f" (did you mean {shown(close[0])}?)"
    return f" (expected one of: {', '.join(options)})" if list_otherwise else ""


_INVISIBLE_ESCAPES = {code: f"\\u{code:04x}" for code in
                      [*range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029]}


def shown(value: str, limit: int = 40) -> str:
    """A user's value quoted for a one-line message: escapes keep newlines and terminal codes out of it."""
    import json

    clipped = value if len(value) <= limit else value[:limit] + "…"
    return json.dumps(clipped, ensure_ascii=False).translate(_INVISIBLE_ESCAPES)


SHOWN_REFUSALS = 5  # characters a message lists before it only counts the rest


def refused_characters(refused: list[tuple[int, str, str]], advice: str = "remove {it}") -> str:
    """One message for every refused character of a field: the first with why, then the others by position.

    ``refused`` holds (1-based position, character, reason) in order; ``advice`` is what to do, with ``{it}``
    standing for "it" or "them".
    """
    position, ch, reason = refused[0]
    message = f"character U+{ord(ch):04X} at position {position} is {reason}"
    rest = refused[1:]
    if rest:
        listed = ", ".join(f"U+{ord(c):04X} at {p}" for p, c, _ in rest[:SHOWN_REFUSALS])
        more = f" and {len(rest) - SHOWN_REFUSALS:,} more" if len(rest) > SHOWN_REFUSALS else ""
        message += f"; {len(rest):,} more in this field ({listed}{more})"
    return f"{message}; {advice.format(it='them' if rest else 'it')}"
