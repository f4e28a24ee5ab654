"""Checking and preparing section images before anything is drawn.

Paths are resolved relative to the content file and confined to its folder; files are checked to be regular
files (a FIFO or device is never opened), decoded with Pillow under a pixel cap, turned upright (EXIF), converted
to RGB and re-encoded as PNG, so both writers receive one kind of image they handle well. The layout's logo is
checked the same way, confined to the layout's folder, and keeps its transparency.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

from hkbrief.content import regular_file_size
from hkbrief.errors import ContentError, LayoutError, shown
from hkbrief.model import Brief

MAX_IMAGE_BYTES = 30 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
MAX_EDGE = 2400  # longest edge embedded; enough for a full-screen slide at 180 dpi
MAX_LOGO_EDGE = 1200  # a logo is drawn at most a few inches wide: 1,200 pixels print sharp at 300 dpi


@dataclass(frozen=True, slots=True)
class PreparedImage:
    path: str  # a PNG written into the build's scratch folder
    width: int
    height: int


def _resolve(raw: str, content_dir: Path, allow_outside: bool, where: str) -> Path:
    if "\\" in raw:
        raw = PureWindowsPath(raw).as_posix()
    candidate = Path(raw)
    if candidate.is_absolute() and not allow_outside:
        raise ContentError("absolute paths are not allowed; put the image next to the content file and give a"
                           " relative path (or use --allow-outside-images)", where)
    resolved = (content_dir / candidate).resolve()
    if not allow_outside and not resolved.is_relative_to(content_dir.resolve()):
        raise ContentError("the image is outside the content file's folder (through .. or a symbolic link);"
                           " move it there or use --allow-outside-images", where)
    return resolved


def check_image_files(brief: Brief, content_path: Path, allow_outside: bool = False) -> dict[str, tuple[Path, str]]:
    """Resolve every section image and check it is a readable regular file, without decoding it (no Pillow).

    ``validate`` runs this so that it refuses what ``build`` would refuse for a missing or misplaced file.
    Returns the resolved path and the message location, keyed by the path as written in the content.
    """
    found: dict[str, tuple[Path, str]] = {}
    for index, section in enumerate(brief.sections):
        if section.image is None or section.image.path in found:
            continue
        where = f"{content_path}: sections[{index}].image.path"
        path = _resolve(section.image.path, content_path.parent, allow_outside, where)
        _check_file(path, section.image.path, where)
        found[section.image.path] = (path, where)
    return found


def prepare_images(brief: Brief, content_path: Path, scratch: Path, allow_outside: bool = False
                   ) -> dict[str, PreparedImage]:
    """Every section image, checked and converted; keyed by the path as written in the content."""
    prepared: dict[str, PreparedImage] = {}
    for written, (path, where) in check_image_files(brief, content_path, allow_outside).items():
        prepared[written] = _prepare(path, scratch / f"image-{len(prepared)}.png", where)
    return prepared


def _check_file(path: Path, written: str, where: str, relative_to: str = "the content file") -> None:
    size = regular_file_size(path, where, kind="an image file", limit=MAX_IMAGE_BYTES, limit_name="images",
                             missing=f"no such file {shown(written, 120)} (paths are relative to {relative_to})")
    if size == 0:
        raise ContentError("the image file is empty", where)
    if path.suffix.lower() == ".svg":
        raise ContentError("SVG images are not supported; export it as PNG", where)


def check_logo_file(path: Path, written: str, where: str) -> None:
    """The layout's logo as a file (regular, not empty, under the size cap, not SVG), without decoding it."""
    try:
        _check_file(path, written, where, relative_to="the layout file")
    except ContentError as exc:
        raise LayoutError(exc.problems) from None


def prepare_logo(path: Path, written: str, where: str, scratch: Path) -> PreparedImage:
    """The layout's logo, checked and converted like a section image (pixel cap, EXIF orientation, PNG), except
    that it keeps its transparency: a logo sits on the slide's or the band's colour, not on a white box."""
    check_logo_file(path, written, where)
    try:
        return _prepare(path, scratch / "logo.png", where, keep_alpha=True, max_edge=MAX_LOGO_EDGE)
    except ContentError as exc:
        raise LayoutError(exc.problems) from None


def _prepare(path: Path, target: Path, where: str, keep_alpha: bool = False, max_edge: int = MAX_EDGE
             ) -> PreparedImage:

    from PIL import Image, ImageOps, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = None  # our own cap below is checked before decoding
    try:
        with Image.open(path) as probe:
            fmt = probe.format
            width, height = probe.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ContentError(f"the image is {width}×{height} pixels; at most {MAX_IMAGE_PIXELS:,} pixels are"
                                   " accepted", where)
            if fmt not in ("PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP"):
                raise ContentError(f"{fmt} images are not supported; use PNG or JPEG", where)
            probe.verify()
        with Image.open(path) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            if image.mode in ("I;16", "I;16B", "I;16L", "I"):
                # 16- and 32-bit greyscale: scale to 8 bits first (a plain convert clips everything to white)
                top = 65535 if image.mode.startswith("I;16") else max(1, image.getextrema()[1])
                image = image.convert("I").point(lambda v: v * 255 / top).convert("L")
            if keep_alpha and (image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info):
                image = image.convert("RGBA")
            elif image.mode not in ("RGB",):
                if image.mode in ("RGBA", "LA", "P", "PA"):
                    image = image.convert("RGBA")
                    background = Image.new("RGB", image.size, (255, 255, 255))
                    background.paste(image, mask=image.split()[-1])
                    image = background
                else:
                    image = image.convert("RGB")
            image.thumbnail((max_edge, max_edge))
            image.save(target, "PNG", optimize=False)
            return PreparedImage(str(target), image.width, image.height)
    except ContentError:
        raise
    except UnidentifiedImageError:
        kind = _signature(path)
        if kind is not None:
            raise ContentError(f"the file starts as a {kind} image but is damaged or cut off (Pillow cannot read"
                               " it); export it again", where) from None
        raise ContentError("is not an image Pillow can read (a text file with an image name?); use PNG or JPEG",
                           where) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ContentError(f"the image is damaged or truncated ({exc}); export it again", where) from None


# The first bytes of every format _prepare accepts: a file that starts like one but cannot be read is damaged,
# not mislabelled.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)


def _signature(path: Path) -> str | None:
    """The image format a file's first bytes announce, or None."""
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError:
        return None
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    return next((kind for signature, kind in _SIGNATURES if head.startswith(signature)), None)
