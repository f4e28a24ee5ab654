"""The one private reportlab call the PDF writer makes: setting the document's /ID.

Why it exists: in invariant mode reportlab's ID digests only the title, author, subject and keywords (and
``SOURCE_DATE_EPOCH`` when that is set), so two different pages could share an ID and one page's ID would change
with the environment. reportlab has no public setter, so the document's cached ID (``canvas._doc._ID``) is set
before saving. What would let us drop it: a public way to give reportlab the document ID.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

__all__ = ["set_document_id"]


def set_document_id(canvas: Canvas, digest: bytes) -> None:
    """Make the trailer's /ID ``digest`` (both halves), so it is a function of what the caller digested alone."""
    hex_id = digest.hex().upper().encode("ascii")
    canvas._doc._ID = b"[<" + hex_id + b"> <" + hex_id + b">]"
