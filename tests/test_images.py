"""Section images, good and bad, built from a copy of content.json with the image on its first section.

Accepted images must reach the deck upright, in RGB, with their alt text, and both outputs must build; every
refused one gets one line naming the file and ``sections[0].image.path`` and saying what is wrong, exit 1, and
leaves the output folder alone. Nothing may hang: cases that could block (a FIFO, a device) run in a subprocess
with a timeout.
"""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from hkbrief.cli import main

from conftest import CONTENT

STEM = "hong-kong-a-global-hub-for-innovation-and-technology"
ALT = "A red and blue test card"
RED, BLUE = (220, 30, 30), (30, 30, 220)


# -- making images --------------------------------------------------------------------------------------------------


def two_halves(size=(80, 40)) -> Image.Image:
    """Left half red, right half blue: orientation and colour are both visible in the result."""
    image = Image.new("RGB", size, RED)
    image.paste(BLUE, (size[0] // 2, 0, size[0], size[1]))
    return image


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def bomb_png(path: Path, width: int = 20_000, height: int = 20_000) -> None:
    """A valid PNG header claiming width x height greyscale pixels, with one compressed row: a few hundred bytes
    on disk, 400 million pixels (and gigabytes) if anyone decoded it."""
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    data = png_chunk(b"IDAT", zlib.compress(b"\x00" * (width + 1), 9))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + header + data + png_chunk(b"IEND", b""))


def make(kind: str, folder: Path) -> str:
    """Create the image (or non-image) for ``kind`` inside ``folder``; return the path as the content gives it."""
    if kind == "png":
        two_halves().save(folder / "card.png")
        return "card.png"
    if kind == "exif_rotated_jpeg":
        image = two_halves()
        exif = image.getexif()
        exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
        image.save(folder / "rotated.jpg", quality=95, exif=exif)
        return "rotated.jpg"
    if kind == "cmyk_jpeg":
        image = Image.new("CMYK", (80, 40), (0, 255, 255, 0))  # pure red in CMYK
        image.save(folder / "cmyk.jpg", quality=95)
        return "cmyk.jpg"
    if kind == "png_16bit":
        image = Image.new("I;16", (80, 40), 30_000)  # mid grey (30000 / 65535 = 46 %)
        image.save(folder / "grey16.png")
        return "grey16.png"
    if kind == "rgba_png":
        image = Image.new("RGBA", (80, 40), (30, 30, 220, 255))
        image.paste((0, 0, 0, 0), (0, 0, 40, 40))  # left half fully transparent
        image.save(folder / "rgba.png")
        return "rgba.png"
    if kind == "palette_gif":
        frames = [two_halves().convert("P"), Image.new("RGB", (80, 40), (0, 200, 0)).convert("P")]
        frames[0].save(folder / "animated.gif", save_all=True, append_images=frames[1:], duration=100, loop=0)
        return "animated.gif"
    if kind == "webp":
        two_halves().save(folder / "card.webp", "WEBP", quality=95)
        return "card.webp"
    if kind == "backslash_path":
        (folder / "images").mkdir()
        two_halves().save(folder / "images" / "card.png")
        return "images\\card.png"
    if kind == "subfolder_path":
        (folder / "images").mkdir()
        two_halves().save(folder / "images" / "card.png")
        return "images/./card.png"
    raise ValueError(kind)


# -- running ----------------------------------------------------------------------------------------------------------


def brief_with_image(folder: Path, image: dict) -> Path:
    data = json.loads(CONTENT.read_text(encoding="utf-8"))
    data["sections"][0]["image"] = image
    path = folder / "content.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def brief_dir(tmp_path) -> Path:
    folder = tmp_path / "brief"
    folder.mkdir()
    return folder


def build(content: Path, out: Path, *extra: str):
    return CliRunner().invoke(main, ["build", str(content), "--out", str(out), *extra])


def pictures(pptx_path: Path) -> list[tuple[int, str, Image.Image, bool]]:
    """(slide number, alt text, decoded image, marked decorative) for every picture in the deck."""
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    found = []
    for number, slide in enumerate(Presentation(str(pptx_path)).slides, start=1):
        for shape in slide.shapes:
            if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
                properties = shape._element.nvPicPr.cNvPr
                decorative = b"decorative" in __import__("lxml.etree").etree.tostring(properties)
                image = Image.open(io.BytesIO(shape.image.blob))
                image.load()
                found.append((number, properties.get("descr", ""), image, decorative))
    return found


def one_page(pdf_path: Path) -> bool:
    from pypdf import PdfReader

    return len(PdfReader(str(pdf_path)).pages) == 1


def close(pixel, colour, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour))


# -- accepted images ------------------------------------------------------------------------------------------------

ACCEPTED = ["png", "exif_rotated_jpeg", "cmyk_jpeg", "png_16bit", "rgba_png", "palette_gif", "webp",
            "backslash_path", "subfolder_path"]


@pytest.mark.parametrize("kind", ACCEPTED)
def test_accepted_image_reaches_the_deck_with_its_alt_text(kind, brief_dir, tmp_path):
    content = brief_with_image(brief_dir, {"path": make(kind, brief_dir), "alt": ALT})
    out = tmp_path / "dist"
    result = build(content, out)
    if kind == "webp" and result.exit_code == 1:  # refusing WebP is allowed if the message says so
        assert result.stderr.startswith(f"{content}: sections[0].image.path: ") and "WebP" in result.stderr
        return
    assert result.exit_code == 0, result.output
    assert one_page(out / f"{STEM}.pdf")
    found = pictures(out / f"{STEM}.pptx")
    assert len(found) == 1, f"expected one picture in the deck, found {len(found)}"
    _, alt, image, decorative = found[0]
    assert alt == ALT and not decorative
    assert image.format in ("PNG", "JPEG") and image.mode in ("RGB", "L", "P"), (image.format, image.mode)
    rgb = image.convert("RGB")
    w, h = rgb.size
    if kind == "exif_rotated_jpeg":
        assert h > w, f"EXIF orientation not applied: the picture is {w}x{h}, expected portrait"
        assert close(rgb.getpixel((w // 2, h // 4)), RED) and close(rgb.getpixel((w // 2, 3 * h // 4)), BLUE)
    elif kind == "cmyk_jpeg":
        assert close(rgb.getpixel((w // 2, h // 2)), (237, 28, 36), tolerance=60), rgb.getpixel((w // 2, h // 2))
    elif kind == "png_16bit":
        grey = rgb.getpixel((w // 2, h // 2))
        assert close(grey, (117, 117, 117), tolerance=12), f"16-bit grey 30000/65535 came out as {grey}"
    elif kind == "rgba_png":
        assert close(rgb.getpixel((w // 4, h // 2)), (255, 255, 255), 5)  # transparent -> white, not black
        assert close(rgb.getpixel((3 * w // 4, h // 2)), (30, 30, 220), 5)
    else:
        assert w > h
        assert close(rgb.getpixel((w // 4, h // 2)), RED) and close(rgb.getpixel((3 * w // 4, h // 2)), BLUE)


def test_decorative_image_has_no_alt_text_and_is_marked(brief_dir, tmp_path):
    content = brief_with_image(brief_dir, {"path": make("png", brief_dir), "decorative": True})
    out = tmp_path / "dist"
    result = build(content, out)
    assert result.exit_code == 0, result.output
    [(_, alt, _, decorative)] = pictures(out / f"{STEM}.pptx")
    assert alt == "" and decorative


def test_outside_image_is_accepted_with_allow_outside_images(brief_dir, tmp_path):
    two_halves().save(tmp_path / "outside.png")
    content = brief_with_image(brief_dir, {"path": "../outside.png", "alt": ALT})
    out = tmp_path / "dist"
    assert build(content, out).exit_code == 1
    result = build(content, out, "--allow-outside-images")
    assert result.exit_code == 0, result.output
    assert [alt for _, alt, _, _ in pictures(out / f"{STEM}.pptx")] == [ALT]


def test_the_same_image_on_two_sections_is_embedded_once(brief_dir, tmp_path):
    path = make("png", brief_dir)
    data = json.loads(CONTENT.read_text(encoding="utf-8"))
    data["sections"][0]["image"] = {"path": path, "alt": ALT}
    data["sections"][1]["image"] = {"path": path, "alt": "The same card again"}
    content = brief_dir / "content.json"
    content.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "dist"
    result = build(content, out)
    assert result.exit_code == 0, result.output
    assert sorted(alt for _, alt, _, _ in pictures(out / f"{STEM}.pptx")) == sorted([ALT, "The same card again"])


# -- refused images ---------------------------------------------------------------------------------------------------


def refused_setup(kind: str, folder: Path, tmp_path: Path) -> tuple[str, list[str]]:
    """Create the bad image for ``kind``; return (path as written in the content, expected substrings)."""
    if kind == "missing":
        return "nowhere.png", ["no such file", "nowhere.png"]
    if kind == "folder":
        (folder / "folder.png").mkdir()
        return "folder.png", ["folder"]
    if kind == "empty":
        (folder / "empty.png").write_bytes(b"")
        return "empty.png", ["empty"]
    if kind == "text_named_png":
        (folder / "notes.png").write_text("These are notes, not a picture.\n")
        return "notes.png", ["not an image"]
    if kind == "truncated_png":
        buffer = io.BytesIO()
        two_halves((400, 300)).save(buffer, "PNG")
        (folder / "truncated.png").write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
        return "truncated.png", ["damaged or truncated"]
    if kind == "truncated_jpeg":
        buffer = io.BytesIO()
        Image.effect_noise((400, 300), 60).convert("RGB").save(buffer, "JPEG")
        (folder / "truncated.jpg").write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
        return "truncated.jpg", ["damaged or truncated"]
    if kind == "png_header_only":
        header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 400, 300, 8, 2, 0, 0, 0))
        (folder / "header.png").write_bytes(b"\x89PNG\r\n\x1a\n" + header)
        return "header.png", ["PNG", "damaged or cut off"]
    if kind == "png_signature_only":
        (folder / "signature.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        return "signature.png", ["PNG", "damaged or cut off"]
    if kind == "svg":
        (folder / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
        return "logo.svg", ["SVG", "PNG"]
    if kind == "svg_named_png":
        (folder / "logo.png").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
        return "logo.png", ["not an image"]
    if kind == "decompression_bomb":
        bomb_png(folder / "bomb.png")
        return "bomb.png", ["20000×20000", "pixels"]
    if kind == "over_byte_cap":
        with (folder / "huge.png").open("wb") as handle:  # sparse: no disk used
            handle.truncate(31 * 1024 * 1024)
        return "huge.png", ["bytes", "limited to"]
    if kind == "dotdot":
        two_halves().save(tmp_path / "outside.png")
        return "../outside.png", ["outside the content file's folder", "--allow-outside-images"]
    if kind == "backslash_dotdot":
        two_halves().save(tmp_path / "outside.png")
        return "..\\outside.png", ["outside the content file's folder"]
    if kind == "absolute":
        two_halves().save(tmp_path / "outside.png")
        return str(tmp_path / "outside.png"), ["absolute", "relative path"]
    if kind == "symlink_out":
        two_halves().save(tmp_path / "outside.png")
        (folder / "link.png").symlink_to(tmp_path / "outside.png")
        return "link.png", ["outside the content file's folder"]
    if kind == "symlinked_folder_out":
        (tmp_path / "elsewhere").mkdir()
        two_halves().save(tmp_path / "elsewhere" / "card.png")
        (folder / "images").symlink_to(tmp_path / "elsewhere")
        return "images/card.png", ["outside the content file's folder"]
    if kind == "https_url":
        return "https://example.org/card.png", ["download it"]
    if kind == "file_url":
        return "file:///etc/hostname", ["download it"]
    raise ValueError(kind)


REFUSED = ["missing", "folder", "empty", "text_named_png", "truncated_png", "truncated_jpeg", "png_header_only",
           "png_signature_only", "svg", "svg_named_png",
           "decompression_bomb", "over_byte_cap", "dotdot", "backslash_dotdot", "absolute", "symlink_out",
           "symlinked_folder_out", "https_url", "file_url"]


@pytest.mark.parametrize("kind", REFUSED)
def test_refused_image_gets_one_clear_line(kind, brief_dir, tmp_path):
    path, expected = refused_setup(kind, brief_dir, tmp_path)
    content = brief_with_image(brief_dir, {"path": path, "alt": ALT})
    out = tmp_path / "dist"
    out.mkdir()
    (out / f"{STEM}.pptx").write_bytes(b"old deck")
    from PIL import ImageFile

    decoded: list[str] = []
    real_load = ImageFile.ImageFile.load

    def watching_load(image):
        decoded.append(getattr(image, "filename", ""))
        return real_load(image)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ImageFile.ImageFile, "load", watching_load)
        result = build(content, out)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{content}: sections[0].image.path: "), lines[0]
    for piece in expected:
        assert piece in lines[0], f"{piece!r} not in {lines[0]!r}"
    assert sorted(p.name for p in out.iterdir()) == [f"{STEM}.pptx"] and (out / f"{STEM}.pptx").read_bytes() == \
        b"old deck"
    if kind == "decompression_bomb":
        assert (brief_dir / "bomb.png").stat().st_size < 100_000
        assert decoded == [], f"the bomb was decoded: {decoded}"


def run_build_process(content: Path, out: Path, *extra: str, timeout: float = 20):
    """A real process with a timeout, its scratch files kept beside the output (a killed run leaves them)."""
    env = dict(os.environ, TMPDIR=str(out.parent))
    return subprocess.run([sys.executable, "-m", "hkbrief", "build", str(content), "--out", str(out), *extra],
                          capture_output=True, text=True, timeout=timeout, cwd=out.parent, env=env)


def test_fifo_image_is_never_opened(brief_dir, tmp_path):
    """open() on a FIFO blocks until a writer comes: the build must refuse it without opening (timeout = hang)."""
    os.mkfifo(brief_dir / "pipe.png")
    content = brief_with_image(brief_dir, {"path": "pipe.png", "alt": ALT})
    try:
        result = run_build_process(content, tmp_path / "dist")
    except subprocess.TimeoutExpired:
        pytest.fail("hkbrief hung on a FIFO named as an image")
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [f"{content}: sections[0].image.path: is not a regular file (a device or"
                                          " pipe?); give an image file"]


def test_device_image_is_never_read(brief_dir, tmp_path):
    """/dev/zero never ends; with --allow-outside-images the path is allowed, the kind of file is not."""
    content = brief_with_image(brief_dir, {"path": "/dev/zero", "alt": ALT})
    try:
        result = run_build_process(content, tmp_path / "dist", "--allow-outside-images")
    except subprocess.TimeoutExpired:
        pytest.fail("hkbrief hung reading /dev/zero as an image")
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith(f"{content}: sections[0].image.path: ") and "regular file" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_image_on_a_later_section_names_that_section(brief_dir, tmp_path):
    data = json.loads(CONTENT.read_text(encoding="utf-8"))
    data["sections"][3]["image"] = {"path": "nowhere.png", "alt": ALT}
    content = brief_dir / "content.json"
    content.write_text(json.dumps(data), encoding="utf-8")
    result = build(content, tmp_path / "dist")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{content}: sections[3].image.path: no such file")
