"""How the writers spell a plan :class:`~hkbrief.plan.Name`: the only place a name becomes a string."""

from __future__ import annotations

from hkbrief.plan import Name


def spell(name: Name) -> str:
    """``kind[:id][#sheet][/part][#piece]``: ``section:talent#2/title``, ``section:talent/body#2``, ``sources``."""
    text = str(name.kind)
    if name.id:
        text += f":{name.id}"
    if name.sheet:
        text += f"#{name.sheet}"
    if name.part:
        text += f"/{name.part}"
    if name.piece:
        text += f"#{name.piece}"
    return text
