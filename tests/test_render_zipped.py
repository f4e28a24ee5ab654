"""The deck's zip writer: zipfile's bytes exactly, each distinct member deflated once per process."""

from __future__ import annotations

import io
import os
import zipfile

import pytest

from hkbrief.render import zipped
from hkbrief.render.zipped import zip_bytes

STAMP = (1980, 1, 1, 0, 0, 0)


def zipfile_bytes(members: list[tuple[str, bytes]], level: int, stamp=STAMP, system: int = 3,
                  mode: int = 0o644) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as target:
        for name, data in members:
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = system
            entry.external_attr = mode << 16
            target.writestr(entry, data, compresslevel=level)
    return output.getvalue()


MEMBERS = [
    ("[Content_Types].xml", b"<Types/>" * 40),
    ("_rels/.rels", b""),
    ("ppt/slides/slide1.xml", "<p:sld>香港 \u2014 slide</p:sld>".encode() * 300),
    ("ppt/media/image1.png", os.urandom(70_000)),  # does not deflate: stored larger than it is
]


@pytest.mark.parametrize("level", [1, 6, 9])
def test_the_archive_is_byte_for_byte_what_zipfile_writes(level):
    assert zip_bytes(MEMBERS, level, STAMP, 3, 0o644) == zipfile_bytes(MEMBERS, level)
    stamp = (2026, 12, 1, 18, 59, 31)
    assert zip_bytes(MEMBERS, level, stamp, 0, 0o600) == zipfile_bytes(MEMBERS, level, stamp, 0, 0o600)


def test_the_archive_reads_back_with_every_member_intact():
    with zipfile.ZipFile(io.BytesIO(zip_bytes(MEMBERS, 6, STAMP, 3, 0o644))) as archive:
        assert archive.testzip() is None
        assert [(i.filename, archive.read(i)) for i in archive.infolist()] == MEMBERS
        assert {i.external_attr >> 16 for i in archive.infolist()} == {0o644}


def test_a_member_seen_before_is_not_deflated_again(monkeypatch):
    monkeypatch.setattr(zipped, "_remembered", {})
    monkeypatch.setattr(zipped, "_remembered_size", 0)
    first = zip_bytes(MEMBERS, 6, STAMP, 3, 0o644)
    calls = []
    real = zipped.zlib.compressobj
    monkeypatch.setattr(zipped.zlib, "compressobj", lambda *a: calls.append(a) or real(*a))
    again = zip_bytes(MEMBERS + [("docProps/app.xml", b"<Properties/>")], 6, STAMP, 3, 0o644)
    assert len(calls) == 1  # only the new member
    assert again.startswith(first[:first.index(b"PK\x01\x02")])


def test_what_is_remembered_stays_within_its_bound(monkeypatch):
    monkeypatch.setattr(zipped, "_remembered", {})
    monkeypatch.setattr(zipped, "_remembered_size", 0)
    monkeypatch.setattr(zipped, "REMEMBERED_BYTES", 200_000)
    for number in range(10):
        zip_bytes([(f"ppt/media/image{number}.bin", os.urandom(60_000))], 6, STAMP, 3, 0o644)
        assert zipped._remembered_size <= 200_000
    assert 0 < len(zipped._remembered) <= 3
