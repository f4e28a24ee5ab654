"""A layout's own fonts: the reader agrees with fontTools, and every bad font file is one line, exit 1, nothing written."""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

import pytest
from click.testing import CliRunner

from hkbrief import fontfile, textfit
from hkbrief.cli import main
from hkbrief.errors import LayoutError
from hkbrief.layoutspec import Role, load_layout

from conftest import CONTENT, brand_kit_folder, system_font

BUNDLED_TTFS = sorted(textfit.FONTS_DIR.glob("*/*.ttf"))


def fonttools_metrics(path: Path, index: int = 0) -> dict:
    """What tools/make_font_metrics.py stores for a font, computed with fontTools (characters on .notdef left out,
    as the PDF cannot draw them)."""
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=index, lazy=True)
    os2, hhea, hmtx, name = font["OS/2"], font["hhea"], font["hmtx"].metrics, font["name"]
    notdef = font.getGlyphOrder()[0]
    runs: list[list[int]] = []
    cmap = font.getBestCmap()
    for code_point in sorted(cmap):
        if cmap[code_point] == notdef:
            continue
        advance = hmtx[cmap[code_point]][0]
        if runs and runs[-1][0] + runs[-1][1] == code_point and runs[-1][2] == advance:
            runs[-1][1] += 1
        else:
            runs.append([code_point, 1, advance])
    return {
        "family": name.getDebugName(16) or name.getDebugName(1),
        "style": name.getDebugName(17) or name.getDebugName(2),
        "postscript_name": name.getDebugName(6),
        "units_per_em": font["head"].unitsPerEm,
        "hhea": [hhea.ascent, hhea.descent, hhea.lineGap],
        "typo": [os2.sTypoAscender, os2.sTypoDescender, os2.sTypoLineGap],
        "win": [os2.usWinAscent, os2.usWinDescent],
        "use_typo_metrics": bool(os2.fsSelection & (1 << 7)),
        "cap_height": getattr(os2, "sCapHeight", 0),
        "x_height": getattr(os2, "sxHeight", 0),
        "notdef_advance": hmtx[notdef][0],
        "advance_runs": [value for run in runs for value in run],
    }


def assert_same_as_fonttools(path: Path, index: int = 0) -> dict:
    _, ours = fontfile.read_face(path, index)
    theirs = fonttools_metrics(path, index)
    assert {key: ours[key] for key in theirs} == theirs
    return ours


# the reader ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("ttf", BUNDLED_TTFS, ids=lambda path: path.name)
def test_reader_agrees_with_fonttools_on_every_bundled_font(ttf):
    assert_same_as_fonttools(ttf)


@pytest.mark.parametrize("name", ["DejaVuSerif.ttf", "DejaVuSerif-BoldItalic.ttf", "DejaVuSans.ttf",
                                  "DejaVuSans-Oblique.ttf"])
def test_reader_agrees_with_fonttools_on_dejavu(name):
    assert_same_as_fonttools(system_font(name))


@pytest.mark.parametrize(("index", "family"), [(0, "AR PL UMing CN"), (1, "AR PL UMing HK"), (2, "AR PL UMing TW"),
                                               (3, "AR PL UMing TW MBE")])
def test_collection_faces_are_read_by_index(index, family):
    path = system_font("uming.ttc")
    info, data = fontfile.read_face(path, index)
    assert (info.family, info.faces_in_file) == (family, 4)
    assert_same_as_fonttools(path, index)


def test_a_file_font_measures_like_a_bundled_one():
    """Measuring goes through the same FontMetrics: Liberation Sans read from its file is the bundled metrics."""
    path = textfit.LIBERATION_SANS.path()
    _, data = fontfile.read_face(path)
    from_file = textfit.FontMetrics.from_json(data)
    bundled = textfit.LIBERATION_SANS.metrics()
    text = "Hong Kong's HK$10 billion fund — 香港"
    assert from_file.width(text, 13) == bundled.width(text, 13)
    assert (from_file.ascender(10), from_file.descender(10), from_file.line_height(10)) == (
        bundled.ascender(10), bundled.descender(10), bundled.line_height(10))
    assert from_file.missing(text) == bundled.missing(text) == ["香", "港"]


def test_reading_a_layout_font_needs_no_heavy_library():
    import subprocess
    import sys

    code = ("import sys; from pathlib import Path; from hkbrief import fontfile; "
            f"fontfile.read_face(Path({str(textfit.CARLITO.path())!r})); "
            "print(','.join(m for m in ('fontTools', 'reportlab', 'pptx', 'PIL') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# a layout with its own fonts ----------------------------------------------------------------------------------

def test_a_layout_names_its_own_families_for_roles_and_chinese(tmp_path):
    layout = load_layout(str(brand_kit_folder(tmp_path)))
    serif = layout.fonts["DejaVu Serif"]
    assert layout.deck.roles[Role.TITLE].family is serif
    assert layout.theme.east_asian_family is layout.fonts["AR PL UMing HK"]
    assert layout.fonts["AR PL UMing HK"].regular.index == 1
    assert serif.path(textfit.Style.BOLD).name == "DejaVuSerif-Bold.ttf"
    assert serif.metrics(textfit.Style.ITALIC).postscript_name == "DejaVuSerif-Italic"
    # AR PL UMing has one face: bold and italic Chinese are set in it, and the layout says so, once per style
    assert [note.split(": ", 1)[1] for note in layout.notes] == [
        'fonts."AR PL UMing HK": no bold face; bold text is set in the regular face (add bold = "..." for a true one)',
        'fonts."AR PL UMing HK": no italic face; italic text is set in the regular face (add italic = "..." for a'
        " true one)",
    ]


def test_font_paths_are_relative_to_the_layout_that_declares_them(tmp_path, monkeypatch):
    parent = brand_kit_folder(tmp_path / "brand")
    child = tmp_path / "team" / "team.toml"
    child.parent.mkdir()
    child.write_text(f'extends = "../brand/{parent.name}"\n[theme.colors]\naccent = "#7A1F2B"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path / "team")
    layout = load_layout("team.toml")
    assert layout.fonts["DejaVu Sans"].regular.path == parent.parent / "fonts" / "DejaVuSans.ttf"


def test_unknown_family_says_how_to_bring_it(tmp_path):
    path = tmp_path / "georgia.toml"
    path.write_text('extends = "default"\n[deck.roles.body]\nfamily = "Georgia"\nsize = 20\n', encoding="utf-8")
    with pytest.raises(LayoutError) as caught:
        load_layout(str(path))
    assert str(caught.value).endswith('deck.roles.body.family: "Georgia" has no bundled metric font and no '
                                      '[fonts."Georgia"] files in the layout (expected one of: Arial, Times New Roman,'
                                      ' Courier New, Calibri, Cambria)')


# bad font input: one line each, exit 1, nothing written --------------------------------------------------------

def _restricted_copy(source: Path, target: Path, fs_type: int) -> Path:
    data = bytearray(source.read_bytes())
    count = struct.unpack_from(">H", data, 4)[0]
    for n in range(count):
        tag, _, offset, _ = struct.unpack_from(">4sLLL", data, 12 + 16 * n)
        if tag == b"OS/2":
            struct.pack_into(">H", data, offset + 8, fs_type)
    target.write_bytes(bytes(data))
    return target


def _cff_font(target: Path) -> Path:
    """A real CFF-flavoured OpenType font (OTTO), built with fontTools."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen

    builder = FontBuilder(1000, isTTF=False)
    builder.setupGlyphOrder([".notdef", "A"])
    builder.setupCharacterMap({ord("A"): "A"})
    pen = T2CharStringPen(600, None)
    pen.moveTo((0, 0)), pen.lineTo((600, 0)), pen.lineTo((300, 700)), pen.closePath()
    glyph = pen.getCharString()
    builder.setupCFF("BrandCFF", {"FullName": "Brand CFF"}, {".notdef": glyph, "A": glyph}, {})
    builder.setupHorizontalMetrics({".notdef": (600, 0), "A": (600, 0)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Brand CFF", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    builder.save(str(target))
    return target


BAD_FONTS = {
    "missing file": (lambda folder: folder / "fonts" / "Nowhere.ttf", "does not exist"),
    "not a font": (lambda folder: _write(folder / "fonts" / "Notes.ttf", b"These are not the glyphs you want.\n"),
                   "is not a TrueType font (.ttf or .ttc)"),
    "cff outlines": (lambda folder: _cff_font(folder / "fonts" / "Brand.otf"),
                     "has PostScript (CFF) outlines, which the PDF cannot embed; use the TrueType (.ttf) version of"
                     " the font, or convert it (fontTools: otf2ttf)"),
    "restricted licence": (lambda folder: _restricted_copy(system_font("DejaVuSans.ttf"),
                                                           folder / "fonts" / "Restricted.ttf", 0x0002),
                           "is DejaVu Sans Book, whose licence forbids embedding it (OS/2 fsType 0x0002, restricted); the"
                           " PDF must embed its fonts, so use a font licensed for embedding"),
    "no subsetting": (lambda folder: _restricted_copy(system_font("DejaVuSans.ttf"),
                                                      folder / "fonts" / "NoSubset.ttf", 0x0100),
                      "is DejaVu Sans Book, whose licence forbids subsetting (OS/2 fsType 0x0100), which the PDF needs;"
                      " use a font licensed for embedding"),
    "over the size cap": (lambda folder: _sparse(folder / "fonts" / "Huge.ttf", fontfile.MAX_FONT_BYTES + 1),
                          f"is {fontfile.MAX_FONT_BYTES + 1:,} bytes; font files are limited to "
                          f"{fontfile.MAX_FONT_BYTES:,} bytes"),
    "a folder": (lambda folder: _folder(folder / "fonts" / "Folder.ttf"),
                 "is a folder; give the path of a .ttf or .ttc file"),
    "truncated": (lambda folder: _write(folder / "fonts" / "Cut.ttf", system_font("DejaVuSans.ttf").read_bytes()[:4000]),
                  "is damaged or not a font hkbrief can read (table 'GPOS' lies past the end of the file)"),
}


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _sparse(path: Path, size: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def _folder(path: Path) -> Path:
    path.mkdir(parents=True)
    return path


def build_refusal(tmp_path: Path, layout: Path, *args: str) -> str:
    """Build with ``layout`` into an output folder that already holds a file; return the one stderr line."""
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    (out / "keep.txt").write_text("previous", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(CONTENT), "--layout", str(layout), "--out", str(out), *args])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    return lines[0]


@pytest.mark.parametrize("case", list(BAD_FONTS))
def test_a_bad_font_file_is_one_line_naming_the_layout_key(tmp_path, case):
    make, message = BAD_FONTS[case]
    folder = tmp_path / "kit"
    layout = brand_kit_folder(folder)
    bad = make(folder)
    text = layout.read_text(encoding="utf-8").replace('"fonts/DejaVuSerif-Italic.ttf"', f'"fonts/{bad.name}"')
    layout.write_text(text, encoding="utf-8")
    line = build_refusal(tmp_path, layout)
    assert line == f'{layout}: fonts."DejaVu Serif".italic: "fonts/{bad.name}" {message}'


def test_a_family_without_a_regular_face_is_refused(tmp_path):
    layout = brand_kit_folder(tmp_path / "kit")
    text = layout.read_text(encoding="utf-8").replace('regular = "fonts/DejaVuSans.ttf"\n', "")
    layout.write_text(text, encoding="utf-8")
    line = build_refusal(tmp_path, layout)
    assert line == (f'{layout}: fonts."DejaVu Sans".regular: missing: a family needs its regular face (bold and'
                    " italic are optional and fall back to it)")


def test_a_face_index_past_the_collection_is_refused(tmp_path):
    layout = brand_kit_folder(tmp_path / "kit")
    text = layout.read_text(encoding="utf-8").replace("index = 1 }", "index = 7 }")
    layout.write_text(text, encoding="utf-8")
    line = build_refusal(tmp_path, layout)
    assert line == (f'{layout}: fonts."AR PL UMing HK".regular: "fonts/uming.ttc" has 4 faces (index 0 to 3); index'
                    " 7 is not one of them")


def test_a_character_the_layout_fonts_lack_names_the_field_and_code_point(tmp_path, content_data):
    """DejaVu Sans and AR PL UMing have no U+1F680 (rocket): the field and the code point, not a PDF error."""
    content_data["sections"][1]["bullets"][0] = {"en": "Launch \U0001F680 soon", "zh-Hant": "即將推出"}
    content = tmp_path / "content.json"
    import json

    content.write_text(json.dumps(content_data, ensure_ascii=False), encoding="utf-8")
    layout = brand_kit_folder(tmp_path / "kit")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(content), "--layout", str(layout), "--out", str(out)])
    assert result.exit_code == 1
    assert result.output.strip() == (f"{content}: sections[1].bullets[0]: character U+1F680 at position 8 is not in"
                                     " the layout's fonts (DejaVu Sans or the East Asian font AR PL UMing HK);"
                                     " remove or replace it, or use a font that has it")
    assert not out.exists()


def test_a_copied_font_file_works_like_a_linked_one(tmp_path):
    """The fonts/ folder of a brand kit usually holds copies: build with copies and a space in the path."""
    folder = tmp_path / "brand kit"
    layout = brand_kit_folder(folder)
    for link in (folder / "fonts").iterdir():
        if link.name.startswith("DejaVuSans"):
            target = link.resolve()
            link.unlink()
            shutil.copyfile(target, link)
    from hkbrief.build import build

    result = build(CONTENT, str(layout), tmp_path / "out", language=None)
    assert len(result.written) == 2


def test_the_build_says_once_which_styles_fall_back_to_the_regular_face(tmp_path):
    layout = brand_kit_folder(tmp_path / "kit")
    result = CliRunner().invoke(main, ["build", str(CONTENT), "--layout", str(layout), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    notes = [line for line in result.output.splitlines() if "face; " in line]
    assert notes == [f'{layout}: fonts."AR PL UMing HK": no bold face; bold text is set in the regular face (add'
                     ' bold = "..." for a true one)',
                     f'{layout}: fonts."AR PL UMing HK": no italic face; italic text is set in the regular face'
                     ' (add italic = "..." for a true one)'], result.output
