"""The bilingual edition's text: a string in the first language that carries its second-language version.

:class:`~hkbrief.arrange.common.Edition` makes :class:`Versions` when it reads a text in the bilingual edition;
the typesetter (:func:`hkbrief.arrange.text.stacked`) sets a paragraph of it as two paragraphs, each in its own
language; everything else uses it as the plain first-language string it is.
"""

from __future__ import annotations

from collections.abc import Callable

from hkbrief.model import Language


class Versions(str):
    """Text in an edition's first language that also carries its version in the second (bilingual editions).

    It is the first-language string wherever a string is used; the typesetter sets a paragraph of it as two
    paragraphs, the second under the first in its own language (so each is measured in its own fonts and the
    deck tags it with its own language). Slicing or joining it gives a plain first-language string.
    """

    second: str
    second_lang: Language

    def __new__(cls, first: str, second: str, second_lang: Language) -> Versions:
        """``first``, carrying ``second`` in ``second_lang`` (a str is immutable, so both are set here)."""
        made = super().__new__(cls, first)
        made.second, made.second_lang = second, second_lang
        return made


def each_version(text: str, make: Callable[[str], str]) -> str:
    """``make`` applied to the text and, for :class:`Versions`, to its second-language version too."""
    if isinstance(text, Versions):
        return Versions(make(str(text)), make(text.second), text.second_lang)
    return make(text)


def second_version(text: str) -> str:
    """The second-language version of :class:`Versions`, or the text itself."""
    return text.second if isinstance(text, Versions) else text
