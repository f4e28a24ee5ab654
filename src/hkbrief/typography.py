"""Typography that follows the language: apostrophes, the quotation marks hkbrief adds, attribution punctuation.

Content is written on keyboards, so it carries typewriter apostrophes (``don't``) and sometimes quotation marks
around a quotation that hkbrief will quote again (``"Our members..."`` would come out as ``“"Our members..."”``).
``arrange`` passes every string through :func:`typeset` and builds quotations and attributions with the helpers
here, so both outputs get the same punctuation:

- an apostrophe between letters or digits, after a plural ``s`` or before a year's digits (``’90s``) becomes ’;
  other straight quotation marks in the text stay as written: curly quotes appear only where hkbrief adds them;
- a quotation is wrapped in “…” in English and 「…」 in Chinese; quotation marks that already enclose the whole
  text are stripped (and :func:`quotation_notices` says so);
- attribution parts are joined with ", " in English and the full-width "，" when Chinese is involved, and led by
  an em dash (English) or a double em dash (Chinese).

Knows only strings and languages; nothing here measures or places text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from hkbrief.model import Brief, Language

APOSTROPHE = "\u2019"
# a straight apostrophe inside a word (don't, Hong Kong's, rock'n'roll), after a plural s (members' views), or
# eliding a year's first digits ('90s)
_WORD_APOSTROPHE = re.compile(r"(?<=[A-Za-z0-9\u00C0-\u024F])'(?=[A-Za-z\u00C0-\u024F])"
                              r"|(?<=[sS])'(?=[\s,.;:!?)\]\u2014\u2013]|$)"
                              r"|(?:(?<=^)|(?<=[\s(]))'(?=\d\ds\b)")

# quotation marks that may enclose a whole quotation, opening -> closings that may end it
ENCLOSING = {
    '"': '"\u201d',
    "'": "'\u2019",
    "\u201c": "\u201d\"",  # “ ”
    "\u2018": "\u2019'",  # ‘ ’
    "\u201e": "\u201c\u201d",  # „ “ (German)
    "\u00ab": "\u00bb",  # « »
    "\u300c": "\u300d",  # 「 」
    "\u300e": "\u300f",  # 『 』
    "\u301d": "\u301e\u301f",  # 〝 〞
}
HAN = re.compile(r"[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\U00020000-\U0003FFFF]")


def has_han(text: str) -> bool:
    return HAN.search(text) is not None


def typeset(text: str) -> str:
    """Typewriter apostrophes as ’ (the only change made to text as written)."""
    if "'" not in text:
        return text
    return _apostrophes_curled(text)


@lru_cache(maxsize=4096)
def _apostrophes_curled(text: str) -> str:
    """:func:`typeset` of a text with an apostrophe, remembered: arranging asks for the same texts at every size
    and attempt it tries."""
    return _WORD_APOSTROPHE.sub(APOSTROPHE, text)


def enclosing_marks(text: str) -> tuple[str, str] | None:
    """The quotation marks that enclose the whole of ``text``, if any (and only if they enclose it: a text that
    merely starts with a quoted phrase and goes on is left alone)."""
    stripped = text.strip()
    if len(stripped) < 2:
        return None
    opening, closing = stripped[0], stripped[-1]
    if closing not in ENCLOSING.get(opening, ""):
        return None
    inner = stripped[1:-1]
    # a mark of the same pair inside means the outer marks quote only parts ("a" and "b")
    if opening in inner or (closing != opening and closing in inner):
        return None
    return opening, closing


def unquoted(text: str) -> str:
    """``text`` without the quotation marks that enclose all of it."""
    if enclosing_marks(text) is None:
        return text
    return text.strip()[1:-1].strip()


def quoted(text: str, language: Language) -> str:
    """A quotation as hkbrief prints it: the marks of its language around it, typewriter apostrophes curled."""
    body = typeset(unquoted(text))
    match language:
        case Language.ZH_HANT:
            return f"\u300c{body}\u300d"
        case Language.EN:
            return f"\u201c{body}\u201d"


def comma(*parts: str) -> str:
    """The separator between attribution parts: full-width when any part is Chinese."""
    return "\uff0c" if any(has_han(p) for p in parts) else ", "


def semicolon(*parts: str) -> str:
    return "\uff1b" if any(has_han(p) for p in parts) else "; "


def joined(parts: list[str] | tuple[str, ...]) -> str:
    """Attribution parts joined with the separator their script takes (``President, University of Dubai``)."""
    kept = [p for p in parts if p]
    if not kept:
        return ""
    out = kept[0]
    for part in kept[1:]:
        out += comma(out, part) + part
    return out


def dash(text: str) -> str:
    """The dash that leads an attribution: ``— Name`` in English, ``——姓名`` in Chinese."""
    return f"\u2014\u2014{text}" if has_han(text) else f"\u2014 {text}"


def quotation_notices(brief: Brief, source: str = "content.json") -> tuple[str, ...]:
    """One line per quotation whose text already carries enclosing quotation marks: hkbrief strips them (it adds
    its own) and says so, so the author can clean the content."""
    notices = []
    for index, quote in enumerate(brief.quotes):
        for language, text in quote.text.by_language.items():
            marks = enclosing_marks(text)
            if marks is not None:
                where = f"{source}: quotes[{index}].text" + (f".{language}" if len(quote.text.by_language) > 1 else "")
                notices.append(f"{where}: the quotation marks around the text ({marks[0]}...{marks[1]}) were left "
                               "out; hkbrief adds its own")
    return tuple(notices)
