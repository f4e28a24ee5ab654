"""Shared fixtures: the repository root, the bundled content, and helpers to write broken copies of it."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

import ooxmlcheck

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content.json"


@pytest.fixture
def content_data() -> dict:
    return copy.deepcopy(json.loads(CONTENT.read_text(encoding="utf-8")))


@pytest.fixture
def write_json(tmp_path):
    """Write a Python value (or raw text/bytes) as content.json in a fresh folder and return its path."""

    def write(value, name: str = "content.json") -> Path:
        path = tmp_path / name
        if isinstance(value, bytes):
            path.write_bytes(value)
        elif isinstance(value, str):
            path.write_text(value, encoding="utf-8")
        else:
            path.write_text(json.dumps(value), encoding="utf-8")
        return path

    return write


def on_a_terminal(command: list[str], env: dict[str, str]) -> tuple[int, bytes]:
    """Run ``command`` with its stdout and stderr a terminal (a pty); its exit code and everything it wrote."""
    import os
    import pty
    import subprocess

    leader, follower = pty.openpty()
    process = subprocess.Popen(command, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the other end closed: Linux reports it as EIO
            break
        if not chunk:
            break
        chunks.append(chunk)
    code = process.wait()
    os.close(leader)
    return code, b"".join(chunks)


def require_tool(name: str) -> str:
    """The path of an external tool, or skip with the reason (fail instead in CI, where it must be present)."""
    import os
    import shutil
    import sys

    # a tool pip installed sits beside the interpreter, which need not be on PATH (venv/bin/python -m pytest)
    found = shutil.which(name) or shutil.which(name, path=os.path.dirname(sys.executable))
    if found:
        return found
    reason = f"{name} is not installed (apt-get install libreoffice-impress poppler-utils)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run this test")
    pytest.skip(reason)


# Fonts a layout brings by file: Debian's DejaVu (fonts-dejavu-core) and AR PL UMing (fonts-arphic-uming)
SYSTEM_FONTS = {
    "DejaVuSerif.ttf": ("/usr/share/fonts/truetype/dejavu", "fonts-dejavu-core"),
    "DejaVuSerif-Bold.ttf": ("/usr/share/fonts/truetype/dejavu", "fonts-dejavu-core"),
    "DejaVuSerif-Italic.ttf": ("/usr/share/fonts/truetype/dejavu", "fonts-dejavu-core"),
    "DejaVuSerif-BoldItalic.ttf": ("/usr/share/fonts/truetype/dejavu", "fonts-dejavu-core"),
    "DejaVuSans.ttf": ("/usr/share/fonts/truetype/dejavu", "fonts-dejavu-core"),
    "DejaVuSans-Bold.ttf": ("/usr/share/fonts/truetype/dejavu", "fonts-dejavu-core"),
    "DejaVuSans-Oblique.ttf": ("/usr/share/fonts/truetype/dejavu", "fonts-dejavu-core"),
    "DejaVuSans-BoldOblique.ttf": ("/usr/share/fonts/truetype/dejavu", "fonts-dejavu-core"),
    "uming.ttc": ("/usr/share/fonts/truetype/arphic", "fonts-arphic-uming"),
}


def system_font(name: str) -> Path:
    """A font file from a Debian font package, or skip naming the package (fail instead in CI, which installs it)."""
    import os

    folder, package = SYSTEM_FONTS[name]
    path = Path(folder) / name
    if path.is_file():
        return path
    reason = f"{name} is not installed (apt-get install {package})"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run this test")
    pytest.skip(reason)


BRAND_ROLES = """
[deck.roles]
title = {{ family = "DejaVu Serif", size = 30, min_size = 22, weight = "bold", line_spacing = 1.1 }}
subtitle = {{ family = "DejaVu Sans", size = 18, min_size = 13, line_spacing = 1.25, color = "muted" }}
heading = {{ family = "DejaVu Serif", size = 13, min_size = 11, weight = "bold", line_spacing = 1.2, color = "accent", uppercase = true }}
body = {{ family = "DejaVu Sans", size = 19, min_size = 14, line_spacing = 1.25 }}
stat_value = {{ family = "DejaVu Serif", size = 36, min_size = 22, weight = "bold", line_spacing = 1.05, color = "accent", on = "surface" }}
stat_label = {{ family = "DejaVu Sans", size = 14, min_size = 11, line_spacing = 1.25, on = "surface" }}
quote = {{ family = "DejaVu Serif", size = 25, min_size = 17, style = "italic", line_spacing = 1.3 }}
attribution = {{ family = "DejaVu Sans", size = 14, min_size = 11, line_spacing = 1.3, color = "muted" }}
caption = {{ family = "DejaVu Sans", size = 11, min_size = 9, line_spacing = 1.25, color = "muted", on = "surface" }}
footer = {{ family = "DejaVu Sans", size = 10, min_size = 8, line_spacing = 1.2, color = "muted" }}

[onepager.roles]
title = {{ family = "DejaVu Serif", size = 20, min_size = 15, weight = "bold", line_spacing = 1.12, color = "on_accent", on = "accent" }}
subtitle = {{ family = "DejaVu Sans", size = 10, min_size = 8.5, line_spacing = 1.3, color = "on_accent", on = "accent" }}
heading = {{ family = "DejaVu Serif", size = 10.5, min_size = 9, weight = "bold", line_spacing = 1.2, color = "accent" }}
body = {{ family = "DejaVu Sans", size = 9, min_size = 7.5, line_spacing = 1.3 }}
stat_value = {{ family = "DejaVu Serif", size = 18, min_size = 12, weight = "bold", line_spacing = 1.1, color = "accent", on = "surface" }}
stat_label = {{ family = "DejaVu Sans", size = 8, min_size = 7, line_spacing = 1.25, on = "surface" }}
quote = {{ family = "DejaVu Serif", size = 10.5, min_size = 8.5, style = "italic", line_spacing = 1.3 }}
attribution = {{ family = "DejaVu Sans", size = 8, min_size = 7, line_spacing = 1.3, color = "muted" }}
caption = {{ family = "DejaVu Sans", size = 8, min_size = 7, weight = "bold", line_spacing = 1.2, color = "on_accent", on = "accent" }}
footer = {{ family = "DejaVu Sans", size = 7, min_size = 6.5, line_spacing = 1.3, color = "muted" }}
"""

BRAND_FONTS = """
[fonts."DejaVu Serif"]
regular = "fonts/DejaVuSerif.ttf"
bold = "fonts/DejaVuSerif-Bold.ttf"
italic = "fonts/DejaVuSerif-Italic.ttf"
bold_italic = "fonts/DejaVuSerif-BoldItalic.ttf"

[fonts."DejaVu Sans"]
regular = "fonts/DejaVuSans.ttf"
bold = "fonts/DejaVuSans-Bold.ttf"
italic = "fonts/DejaVuSans-Oblique.ttf"
bold_italic = "fonts/DejaVuSans-BoldOblique.ttf"

[fonts."AR PL UMing HK"]
regular = {{ file = "fonts/uming.ttc", index = 1 }}   # face 1 of the collection: AR PL UMing HK

[theme]
east_asian_family = "AR PL UMing HK"
{theme}
"""


# The brand kit's colours: a dark deck, and a print palette for a white paper brief
BRAND_COLORS = """
[theme.colors]
background = "#0F2530"
text = "#F2F5F7"
muted = "#B7C4CC"
accent = "#F2A541"
on_accent = "#0F2530"
surface = "#183845"
rule = "#3A5A68"
highlight = "#F2A541"

[onepager.theme.colors]   # the print palette: white paper, the brand's amber darkened to read on it
background = "#FFFFFF"
text = "#17202A"
muted = "#4A5563"
accent = "#8A5A12"
on_accent = "#FFFFFF"
surface = "#F6F1E9"
rule = "#D8CDBE"
"""


def brand_logo(path: Path) -> Path:
    """The brand kit's logo: an amber square and a white bar on a transparent ground, 3:1."""
    from PIL import Image

    image = Image.new("RGBA", (480, 160), (0, 0, 0, 0))
    image.paste((242, 165, 65, 255), (0, 0, 160, 160))
    image.paste((255, 255, 255, 255), (190, 56, 480, 104))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    return path


def brand_kit(folder: Path) -> Path:
    """The whole brand kit of issue 14's "done when": own fonts (DejaVu Serif, DejaVu Sans, AR PL UMing HK), a
    logo on the master and in the one-pager's header, a dark deck and a white print palette."""
    brand_logo(folder / "logo.png")
    return brand_kit_folder(folder, extra=BRAND_COLORS, theme='logo = "logo.png"\nlogo_alt = "Brand office"')


def brand_kit_folder(folder: Path, extra: str = "", extends: str = "default", theme: str = "") -> Path:
    """A layout folder with DejaVu Serif headings, DejaVu Sans body text and AR PL UMing HK for Chinese, the font
    files linked into ``fonts/`` beside it; returns the layout file (``theme`` holds further ``[theme]`` keys,
    ``extra`` further tables)."""
    fonts = folder / "fonts"
    fonts.mkdir(parents=True, exist_ok=True)
    for name in SYSTEM_FONTS:
        target = fonts / name
        if not target.exists():
            target.symlink_to(system_font(name))
    layout = folder / "brand.toml"
    layout.write_text(f'extends = "{extends}"\ndescription = "Brand kit"\n' + BRAND_FONTS.format(theme=theme)
                      + BRAND_ROLES.format() + extra, encoding="utf-8")
    return layout


# -- every deck the tests build passes openxml-audit (see ooxmlcheck) -----------------------------------------

AUDIT = ooxmlcheck.DeckAudit()


def pytest_configure(config) -> None:
    import signal

    import hkbrief.render.pptx

    hkbrief.render.pptx.render_deck = AUDIT.wrap(hkbrief.render.pptx.render_deck)
    # A shell starts a background job (`pytest &`) with Ctrl-C ignored, and every process it starts inherits
    # that: the tests that interrupt a build or stop a watch with SIGINT would see it ignored and fail.
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True)
def _every_deck_passes_openxml_audit(request):
    import time

    started = time.time()
    folder = request.getfixturevalue("tmp_path") if "tmp_path" in request.fixturenames else None
    yield
    if folder is not None:
        AUDIT.collect(folder, started)
    problems = AUDIT.problems()
    if problems:
        pytest.fail(f"openxml-audit: {len(problems)} error(s) in the deck(s) this test built:\n  "
                    + "\n  ".join(problems[:20]), pytrace=False)


def pytest_terminal_summary(terminalreporter) -> None:
    terminalreporter.write_line(AUDIT.summary())
