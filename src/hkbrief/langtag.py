"""Language tags: the one place a BCP 47 tag (``en``, ``zh-Hant``, ``zh-Hant-TW``) becomes the language-REGION
tag Office and PDF readers expect (``en-US``, ``zh-HK``, ``zh-TW``).

A leaf module (it imports nothing of ours): the model names its languages' tags with it, and the deck writer
normalises whatever tag a plan carries with it.
"""

from __future__ import annotations

# Office wants a language with a region; these are the regions a tag without one stands for in a Hong Kong brief.
_DEFAULT_REGIONS = {"en": "en-US", "zh": "zh-HK", "zh-hant": "zh-HK", "zh-hans": "zh-CN", "yue": "zh-HK"}


def office_tag(tag: str) -> str:
    """The language tag Office expects (language-REGION) for a BCP 47 tag such as ``en`` or ``zh-Hant``."""
    subtags = tag.replace("_", "-").split("-")
    language = subtags[0].lower()
    for subtag in subtags[1:]:
        if (len(subtag) == 2 and subtag.isalpha()) or (len(subtag) == 3 and subtag.isdigit()):
            return f"{language}-{subtag.upper()}"
    script_tag = "-".join(subtags[:2]).lower()
    return _DEFAULT_REGIONS.get(script_tag) or _DEFAULT_REGIONS.get(language) or tag
