"""The one private reportlab call the PDF writers make: setting the document's /ID.

Why it exists: in invariant mode reportlab's ID digests only the title, author, subject and keywords (and
``SOURCE_DATE_EPOCH`` when that is set), so two different pages could share an ID and one page's ID would change
with the environment. reportlab has no public setter, so the document's cached ID (``canvas._doc._ID``) is set
before saving: to a placeholder of the right length, which :func:`with_document_id` then replaces with a digest
of the file itself (as the PDF reference suggests an ID be made). What would let us drop it: a public way to
give reportlab the document ID.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

__all__ = ["reserve_document_id", "with_document_id"]

_PLACEHOLDER = b"0" * 32  # as long as an MD5 in hex, so putting the digest in its place moves no byte offset
_PLACEHOLDER_ID = b"[<" + _PLACEHOLDER + b"> <" + _PLACEHOLDER + b">]"


def reserve_document_id(canvas: Canvas) -> None:
    """Make the trailer's /ID a placeholder, for :func:`with_document_id` to fill once the file is written."""
    canvas._doc._ID = _PLACEHOLDER_ID


def with_document_id(pdf: bytes) -> bytes:
    """The file with its /ID (both halves) the MD5 of the file as written with the placeholder: identical pages
    give identical bytes, any change to what is drawn gives another ID, and nothing about the machine enters it."""
    head, placeholder, tail = pdf.rpartition(_PLACEHOLDER_ID)  # the trailer is the file's last object
    if not placeholder:
        raise ValueError("the PDF has no reserved document ID")
    hex_id = hashlib.md5(pdf, usedforsecurity=False).hexdigest().upper().encode("ascii")
    return head + b"[<" + hex_id + b"> <" + hex_id + b">]" + tail
