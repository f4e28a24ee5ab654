"""``hkbrief preview``: pictures of every slide, the one-pager and a contact sheet, drawn from the plan."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from PIL import Image

from hkbrief.cli import main

from conftest import CONTENT, require_tool

ACCENT = (0x0B, 0x5C, 0x6B)  # the default layout's accent: the title slide's top band


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def pngs(folder):
    return sorted(p.name for p in folder.glob("*.png"))


def test_preview_draws_every_slide_the_one_pager_and_a_contact_sheet(tmp_path):
    result = run("preview", str(CONTENT), "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    folder = tmp_path / "preview"
    assert pngs(folder) == ["contact-sheet.png", "onepager.png"] + [f"slide-{n:02d}.png" for n in range(1, 18)]
    assert f"wrote {folder / 'contact-sheet.png'} (17 slides and the one-pager" in result.output
    with Image.open(folder / "slide-01.png") as slide:
        assert slide.size == (1280, 720)
        assert slide.convert("RGB").getpixel((640, 2)) == ACCENT  # the band across the top of the title slide
        assert slide.convert("RGB").getpixel((1200, 360)) == (255, 255, 255)
    with Image.open(folder / "onepager.png") as page:
        assert page.size == (794, 1123)  # A4 at 96 dpi
    with Image.open(folder / "contact-sheet.png") as sheet:
        width, height = sheet.size
        assert width > height > 700
        assert len(sheet.convert("RGB").getcolors(1 << 24)) > 1000


def test_slide_pictures_show_the_slides_text(tmp_path):
    """The picture of slide 3 has ink where the plan put the section's title, and none in the right margin."""
    run("preview", str(CONTENT), "-o", str(tmp_path))
    with Image.open(tmp_path / "preview" / "slide-03.png") as slide:
        grey = slide.convert("L")
        title_band = grey.crop((64, 40, 600, 80))  # 48 pt margin, the title near the top at 96 dpi
        assert title_band.getextrema()[0] < 80
        right_margin = grey.crop((1280 - 40, 0, 1280, 680))
        assert right_margin.getextrema()[0] > 200


def test_a_second_preview_replaces_old_slides_and_leaves_other_files(tmp_path):
    folder = tmp_path / "preview"
    folder.mkdir()
    (folder / "slide-40.png").write_bytes(b"from a longer deck")
    (folder / "notes.txt").write_text("mine")
    assert run("preview", str(CONTENT), "-o", str(tmp_path)).exit_code == 0
    assert not (folder / "slide-40.png").exists() and (folder / "notes.txt").read_text() == "mine"


def test_a_broken_brief_leaves_the_preview_as_it_was(tmp_path, content_data):
    assert run("preview", str(CONTENT), "-o", str(tmp_path)).exit_code == 0
    before = {p.name: p.read_bytes() for p in (tmp_path / "preview").iterdir()}
    content_data["stats"][0]["value"] = 10
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(content_data), encoding="utf-8")
    result = run("preview", str(broken), "-o", str(tmp_path))
    assert result.exit_code == 1 and "stats[0].value" in result.output
    assert {p.name: p.read_bytes() for p in (tmp_path / "preview").iterdir()} == before


def test_preview_needs_no_office_suite(tmp_path):
    """A real process whose PATH holds no LibreOffice (nor anything else) still previews."""
    empty = tmp_path / "bin"
    empty.mkdir()
    out = subprocess.run([sys.executable, "-m", "hkbrief", "preview", str(CONTENT), "-o", str(tmp_path)],
                         capture_output=True, text=True, env=os.environ | {"PATH": str(empty)})
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "preview" / "slide-17.png").is_file()


def test_traditional_chinese_labels_on_the_contact_sheet(tmp_path):
    assert run("preview", str(CONTENT), "-o", str(tmp_path), "--lang", "zh-Hant").exit_code == 0
    assert (tmp_path / "preview" / "contact-sheet.png").is_file()


def test_the_libreoffice_engine_renders_the_written_deck(tmp_path):
    require_tool("soffice")
    result = run("preview", str(CONTENT), "-o", str(tmp_path), "--engine", "LibreOffice")
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "preview").glob("slide-*.png"))) == 17
    with Image.open(tmp_path / "preview" / "slide-01.png") as slide:
        assert abs(slide.width - 1280) <= 2 and abs(slide.height - 720) <= 2  # LibreOffice rounds the page size


def test_the_libreoffice_engine_says_when_libreoffice_is_missing(tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    out = subprocess.run([sys.executable, "-m", "hkbrief", "preview", str(CONTENT), "-o", str(tmp_path),
                          "--engine", "libreoffice"], capture_output=True, text=True,
                         env=os.environ | {"PATH": str(empty)})
    assert out.returncode == 1 and "LibreOffice is not installed" in out.stderr
    assert not (tmp_path / "preview").exists()


@pytest.mark.parametrize("engine", ["plan"])
def test_the_preview_folder_may_not_be_a_file(tmp_path, engine):
    (tmp_path / "preview").write_text("a file")
    result = run("preview", str(CONTENT), "-o", str(tmp_path), "--engine", engine)
    assert result.exit_code == 1 and "is a file, not a folder" in result.output
