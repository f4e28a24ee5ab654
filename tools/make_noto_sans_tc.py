"""Make the bundled static Noto Sans TC Regular and Bold from the variable font.

reportlab embeds TrueType outlines only (it refuses the CFF-based Noto CJK OTFs), and the variable
``NotoSansTC[wght].ttf`` from Google Fonts is TrueType. This pins its weight axis at 400 and 700 with fontTools'
instancer and names each instance as a static member of the family "Noto Sans TC" so PDF viewers, LibreOffice and
font menus see ordinary Regular and Bold faces.

The variable font ships on PyPI in the wheel ``justmytype-intl-cjk`` (``fonts/ofl/notosanstc/``); pass the wheel
or the extracted TTF::

    python tools/make_noto_sans_tc.py justmytype_intl_cjk-0.1.0-py3-none-any.whl

Every character of the variable font is kept (see ``src/hkbrief/fonts/noto-sans-tc/README.md`` for why).
"""

from __future__ import annotations

import argparse
import io
import sys
import zipfile
from pathlib import Path

from fontTools.ttLib import TTFont
from fontTools.varLib import instancer

FAMILY = "Noto Sans TC"
VARIABLE_FONT_IN_WHEEL = "justmytype_intl_cjk/fonts/ofl/notosanstc/NotoSansTC[wght].ttf"
WEIGHTS = {"Regular": 400, "Bold": 700}
DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "src" / "hkbrief" / "fonts" / "noto-sans-tc"


def read_variable_font(source: Path) -> bytes:
    """The variable TTF's bytes, from the wheel or from the TTF itself."""
    if source.suffix == ".whl":
        with zipfile.ZipFile(source) as wheel:
            return wheel.read(VARIABLE_FONT_IN_WHEEL)
    return source.read_bytes()


def name_static_instance(font: TTFont, style: str, weight: int) -> None:
    """Give the instance its own static names so nothing calls it a variable font or "Thin"."""
    postscript_name = f"NotoSansTC-{style}"
    version = font["name"].getDebugName(5) or ""
    version_number = version.removeprefix("Version ").split(";")[0]
    names = {
        1: FAMILY,
        2: style,
        3: f"{version_number};{postscript_name}",
        4: FAMILY if style == "Regular" else f"{FAMILY} {style}",
        6: postscript_name,
    }
    name_table = font["name"]
    for name_id in (16, 17, 21, 22, 25):
        name_table.removeNames(nameID=name_id)
    for name_id, value in names.items():
        name_table.removeNames(nameID=name_id)
        name_table.setName(value, name_id, 3, 1, 0x409)
        name_table.setName(value, name_id, 1, 0, 0)
    os2 = font["OS/2"]
    os2.usWeightClass = weight
    bold = style == "Bold"
    os2.fsSelection = (os2.fsSelection & ~0b1100001) | (0b100000 if bold else 0b1000000)
    font["head"].macStyle = 1 if bold else 0


def make_instances(variable_font: bytes, output: Path) -> list[Path]:
    written = []
    for style, weight in WEIGHTS.items():
        font = TTFont(io.BytesIO(variable_font), recalcTimestamp=False)
        static = instancer.instantiateVariableFont(font, {"wght": weight}, updateFontNames=True)
        name_static_instance(static, style, weight)
        path = output / f"NotoSansTC-{style}.ttf"
        static.save(path, reorderTables=True)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="justmytype-intl-cjk wheel or NotoSansTC[wght].ttf")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="folder for the static TTFs")
    args = parser.parse_args(argv)
    for path in make_instances(read_variable_font(args.source), args.output):
        print(f"{path.name}: {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
