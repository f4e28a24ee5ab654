"""A fix to reportlab's ToUnicode maps, so that text outside the BMP extracts as itself.

Why it exists: reportlab writes each line of a font subset's ToUnicode CMap as ``<04> <282E2>``, the bare code
point, for characters outside the Basic Multilingual Plane (HKSCS and CJK Extension B, e.g. 𨋢 U+282E2). The PDF
format wants the destination in UTF-16, ``<D860DEE2>``: pdftotext reads the five digits as U+282E (a Braille
pattern), pypdf drops the character, and copying it from a viewer gives the wrong text. The page looks right
either way; only the text layer is wrong. reportlab builds the map with a module-level function,
``reportlab.pdfbase.ttfonts.makeToUnicodeCMap``; this module wraps it so that those lines are written in UTF-16
and every BMP line stays byte for byte as reportlab writes it. What would let us drop it: reportlab writing
UTF-16 destinations itself.
"""

from __future__ import annotations

import re
import threading

__all__ = ["install_utf16_to_unicode"]

_BFCHAR = re.compile(r"^<([0-9A-F]{2})> <([0-9A-F]{5,6})>$", re.MULTILINE)
_lock = threading.Lock()


def install_utf16_to_unicode() -> None:
    """Wrap reportlab's ToUnicode map builder once per process (idempotent, thread-safe)."""
    from reportlab.pdfbase import ttfonts

    with _lock:
        original = ttfonts.makeToUnicodeCMap
        if getattr(original, "writes_utf16", False):
            return

        def make_to_unicode_cmap(fontname, subset):  # noqa: ANN001, ANN202 - reportlab's signature
            return _BFCHAR.sub(_utf16_line, original(fontname, subset))

        make_to_unicode_cmap.writes_utf16 = True
        ttfonts.makeToUnicodeCMap = make_to_unicode_cmap


def _utf16_line(match: re.Match) -> str:
    units = chr(int(match.group(2), 16)).encode("utf-16-be").hex().upper()
    return f"<{match.group(1)}> <{units}>"
