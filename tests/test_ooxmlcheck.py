"""The independent OOXML check itself: it must find what PowerPoint would repair or refuse."""

from __future__ import annotations

import io
import re
import zipfile

import ooxmlcheck
from conftest import CONTENT
from hkbrief.build import build


def rewrite(deck: bytes, part: str, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(deck)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, change(data) if item.filename == part else data)
    return out.getvalue()


def test_the_audit_passes_our_deck_and_reports_an_invalid_size_and_an_unknown_element(tmp_path):
    deck = next(p for p in build(CONTENT, "compact", tmp_path / "out").written if p.suffix == ".pptx").read_bytes()
    audit = ooxmlcheck.DeckAudit()
    assert audit.audit(deck) == []
    assert ooxmlcheck.written_by_hkbrief(deck)
    # both seen in the wild: LibreOffice opens such a deck without a word, PowerPoint repairs it
    bad_size = rewrite(deck, "ppt/slides/slide1.xml", lambda xml: re.sub(rb'sz="\d+"', b'sz="20pt"', xml, count=1))
    assert audit.audit(bad_size), "an invalid sz attribute must be reported"
    unknown = rewrite(deck, "ppt/slides/slide1.xml",
                      lambda xml: xml.replace(b"<a:normAutofit/>", b"<a:normAutofit/><a:shrinkMe/>", 1))
    assert audit.audit(unknown), "an unknown element in a:bodyPr must be reported"
