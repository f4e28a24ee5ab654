"""Colours: ``#RRGGBB``, checked once when one is made (where a layout is read), trusted everywhere after.

A leaf module (it imports nothing of ours), so the layout reader, the plan and the writers can all share it.
"""

from __future__ import annotations

import re

_HEX = re.compile(r"#[0-9A-Fa-f]{6}")


class Colour(str):
    """A ``#RRGGBB`` colour. It is a ``str`` (it reads and compares as its text); making one checks it.

    Raises ``ValueError`` for anything else, so a plan cannot hold a colour a writer could not draw.
    """

    __slots__ = ()

    def __new__(cls, value: str) -> Colour:
        """``value`` as a colour, or ``ValueError`` if it is not ``#RRGGBB``."""
        if isinstance(value, Colour):
            return value
        if not isinstance(value, str) or not _HEX.fullmatch(value):
            raise ValueError(f"colour {value!r} is not #RRGGBB")
        return super().__new__(cls, value)

    @classmethod
    def is_valid(cls, value: object) -> bool:
        """Whether ``value`` would make a colour."""
        return isinstance(value, str) and _HEX.fullmatch(value) is not None

    @property
    def hex(self) -> str:
        """``RRGGBB`` in capitals, as OOXML writes a colour."""
        return self[1:].upper()

    @property
    def rgb(self) -> tuple[float, float, float]:
        """Red, green and blue from 0 to 1, as reportlab takes a colour."""
        return (int(self[1:3], 16) / 255, int(self[3:5], 16) / 255, int(self[5:7], 16) / 255)


def colour_or_none(value: str | None) -> Colour | None:
    """``Colour(value)``, or None for None (an absent fill or stroke)."""
    return None if value is None else Colour(value)
