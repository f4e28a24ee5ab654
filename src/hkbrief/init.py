"""``hkbrief init``: a starter brief that builds as it is and shows every feature of the content format.

The starter (``starter/content.json``) is a short version of the bundled example: its facts, figures and
quotations are the article's, carried over exactly; the organisation is marked as text to replace, and the
picture is a drawn placeholder that says so in its alt text. Beside it go a layout that extends the default one,
the JSON Schema (so an editor completes keys offline) and the picture, generated here with Pillow.

Nothing is overwritten unless asked: if any of the files exists, nothing is written at all.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
from dataclasses import dataclass
from pathlib import Path

from hkbrief.errors import OutputError, Problem

STARTER_DIR = Path(__file__).with_name("starter")
PICTURE = "images/starter-picture.png"
PICTURE_SIZE = (1200, 800)  # 3:2, large enough for a full-height slide picture at 150 dpi
PICTURE_SEED = 17  # the same skyline on every run, so a starter folder is reproducible


@dataclass(frozen=True, slots=True)
class StarterFile:
    name: str  # relative to the target folder
    data: bytes


def starter_files(today: dt.date | None = None) -> list[StarterFile]:
    """The files of a starter brief, dated ``today`` (the brief's date is the day it was started)."""
    from hkbrief.schema import schema_text

    brief = json.loads((STARTER_DIR / "content.json").read_text(encoding="utf-8"))
    brief["meta"]["date"] = (today or dt.date.today()).isoformat()
    return [
        StarterFile("content.json", (json.dumps(brief, ensure_ascii=False, indent=2) + "\n").encode("utf-8")),
        StarterFile("layout.toml", (STARTER_DIR / "layout.toml").read_bytes()),
        StarterFile("content.schema.json", schema_text().encode("utf-8")),
        StarterFile(PICTURE, starter_picture()),
    ]


def init_brief(folder: Path, force: bool = False, today: dt.date | None = None) -> list[Path]:
    """Write a starter brief into ``folder`` (created if needed); returns the paths written.

    Raises :class:`OutputError` naming every file that already exists, writing nothing, unless ``force``.
    """
    files = starter_files(today)
    targets = [folder / item.name for item in files]
    if folder.exists() and not folder.is_dir():
        raise OutputError("is a file, not a folder; choose another folder for the starter brief", str(folder))
    clashes = [path for path in targets if path.exists() or path.is_symlink()]
    if clashes and not force:
        raise OutputError([_clash(path) for path in clashes])
    for path in clashes:
        if path.is_dir():
            raise OutputError("is a folder; move it away first (--force replaces files only)", str(path))
    written = []
    try:
        for item, path in zip(files, targets, strict=True):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(item.data)
            written.append(path)
    except OSError as exc:
        raise OutputError(f"cannot write the starter brief: {exc.strerror or exc}", str(folder)) from None
    return written


def _clash(path: Path) -> Problem:
    return Problem(str(path), "already exists; nothing was written (use --force to replace the starter files)")


def starter_picture() -> bytes:
    """A stylised harbour skyline at dusk, drawn with Pillow: a real PNG the starter brief's first section shows."""
    from PIL import Image, ImageDraw

    width, height = PICTURE_SIZE
    image = Image.new("RGB", PICTURE_SIZE)
    draw = ImageDraw.Draw(image)
    top, bottom = (46, 26, 71), (214, 140, 120)  # plum night sky fading to a warm horizon
    horizon = int(height * 0.72)
    for y in range(horizon):
        t = y / horizon
        draw.line([(0, y), (width, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom)))
    rng = random.Random(PICTURE_SEED)
    for layer, (shade, low, high) in enumerate((((70, 45, 92), 0.25, 0.55), ((38, 24, 52), 0.10, 0.42))):
        x = -rng.randint(0, 40)
        while x < width:
            w = rng.randint(40, 110)
            h = int(height * rng.uniform(low, high))
            draw.rectangle([x, horizon - h, x + w, horizon], fill=shade)
            if layer == 1:  # lit windows on the nearer row
                for wy in range(horizon - h + 14, horizon - 10, 22):
                    for wx in range(x + 8, x + w - 10, 18):
                        if rng.random() < 0.35:
                            draw.rectangle([wx, wy, wx + 7, wy + 10], fill=(250, 214, 150))
            x += w + rng.randint(2, 16)
    for y in range(horizon, height):  # the harbour, a darker reflection of the sky
        t = (y - horizon) / (height - horizon)
        draw.line([(0, y), (width, y)], fill=tuple(round(c * (0.55 - 0.25 * t)) for c in bottom))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


__all__ = ["init_brief", "starter_files", "starter_picture"]
