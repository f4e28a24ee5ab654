"""Write the compact metrics files that ``hkbrief.textfit`` measures with, one per bundled TTF.

Parsing a TTF with fontTools on every run costs ~20 ms to import fontTools plus ~95 ms for Noto Sans TC's cmap and
hmtx, too much for a build that should finish in about a third of a second. So the widths are read once, here, and
stored as JSON next to the fonts: the font-wide vertical metrics and the advance width of every character in the
cmap, run-length encoded over consecutive code points (the ~17,700 Han characters of Noto Sans TC, all one em wide,
collapse to a few hundred runs).

    python tools/make_font_metrics.py          # rewrite src/hkbrief/fonts/metrics/*.json
    python tools/make_font_metrics.py --check  # exit 1 if any file differs from what the TTFs give

``tests/test_textfit.py`` runs the same comparison, so the files cannot drift from the fonts.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
from pathlib import Path

from fontTools.ttLib import TTFont

FORMAT = 1
FONTS_ROOT = Path(__file__).resolve().parents[1] / "src" / "hkbrief" / "fonts"


def metrics_path(ttf: Path, fonts_root: Path = FONTS_ROOT) -> Path:
    return fonts_root / "metrics" / f"{ttf.stem}.json"


def advance_runs(cmap: dict[int, str], advances: dict[str, tuple[int, int]]) -> list[list[int]]:
    """``[first code point, count, advance]`` for each run of consecutive code points sharing one advance.

    The file stores them flattened (``first, count, advance, first, count, ...``), which ``json`` parses in half
    the time of a list of lists: ~0.7 ms for Noto Sans TC's 5,456 runs.
    """
    runs: list[list[int]] = []
    for code_point in sorted(cmap):
        advance = advances[cmap[code_point]][0]
        if runs and runs[-1][0] + runs[-1][1] == code_point and runs[-1][2] == advance:
            runs[-1][1] += 1
        else:
            runs.append([code_point, 1, advance])
    return runs


def metrics_from_ttf(ttf: Path, fonts_root: Path = FONTS_ROOT) -> dict:
    """Everything ``textfit.FontMetrics`` needs, read from the TTF itself: the metrics file's content."""
    data = ttf.read_bytes()
    font = TTFont(ttf, lazy=True)
    os2 = font["OS/2"]
    hhea = font["hhea"]
    hmtx = font["hmtx"].metrics
    name = font["name"]
    family = name.getDebugName(16) or name.getDebugName(1)
    style = name.getDebugName(17) or name.getDebugName(2)
    return {
        "format": FORMAT,
        "file": ttf.relative_to(fonts_root).as_posix(),
        "sha256": hashlib.sha256(data).hexdigest(),
        "family": family,
        "style": style,
        "postscript_name": name.getDebugName(6),
        "units_per_em": font["head"].unitsPerEm,
        "hhea": [hhea.ascent, hhea.descent, hhea.lineGap],
        "typo": [os2.sTypoAscender, os2.sTypoDescender, os2.sTypoLineGap],
        "win": [os2.usWinAscent, os2.usWinDescent],
        "use_typo_metrics": bool(os2.fsSelection & (1 << 7)),
        "cap_height": getattr(os2, "sCapHeight", 0),
        "x_height": getattr(os2, "sxHeight", 0),
        "notdef_advance": hmtx[font.getGlyphOrder()[0]][0],
        "advance_runs": [value for run in advance_runs(font.getBestCmap(), hmtx) for value in run],
    }


def render(metrics: dict) -> str:
    """JSON with one advance run per line: small, and a changed font shows up as a readable diff."""
    header = {key: value for key, value in metrics.items() if key != "advance_runs"}
    lines = ["{"]
    lines += [f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}," for key, value in header.items()]
    lines.append('  "advance_runs": [')
    flat = metrics["advance_runs"]
    runs = [",".join(map(str, flat[i : i + 3])) for i in range(0, len(flat), 3)]
    lines.append(",\n".join(runs))
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def bundled_ttfs(fonts_root: Path = FONTS_ROOT) -> list[Path]:
    return sorted(fonts_root.glob("*/*.ttf"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 on a difference")
    args = parser.parse_args(argv)
    logging.getLogger("fontTools").setLevel(logging.ERROR)  # Caladea's odd creation date is harmless
    stale = []
    for ttf in bundled_ttfs():
        target = metrics_path(ttf)
        text = render(metrics_from_ttf(ttf))
        if args.check:
            if not target.is_file() or target.read_text(encoding="utf-8") != text:
                stale.append(target.name)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"{target.name}: {len(text):,} bytes")
    if stale:
        print("out of date: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
