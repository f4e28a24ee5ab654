"""Layout files as a user meets them: the built-ins, `extends`, and every refusal with a one-line, findable error."""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from hkbrief.cli import main
from hkbrief.errors import LayoutError
from hkbrief.layoutspec import (
    Role,
    builtin_layout_dir,
    builtin_layout_names,
    contrast_ratio,
    load_layout,
    relative_luminance,
)

from conftest import CONTENT

BUILTINS = builtin_layout_names()


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def refusal(path: Path | str) -> LayoutError:
    """Load a layout that must be refused; return the error (exactly one problem, on one line)."""
    with pytest.raises(LayoutError) as caught:
        load_layout(str(path))
    error = caught.value
    assert "\n" not in str(error.problems[0]), str(error)
    return error


def only_problem(path: Path | str) -> str:
    error = refusal(path)
    assert len(error.problems) == 1, f"expected one problem, got: {error}"
    return str(error.problems[0])


# built-in layouts --------------------------------------------------------------------------------------------

def test_there_are_builtin_layouts_and_default_is_one_of_them():
    assert "default" in BUILTINS
    assert len(BUILTINS) >= 3
    assert BUILTINS == sorted(p.stem for p in builtin_layout_dir().glob("*.toml"))


@pytest.mark.parametrize("name", BUILTINS)
def test_every_builtin_layout_loads_complete(name):
    layout = load_layout(name)
    assert layout.name == name
    assert layout.description.strip(), f"{name} has no description"
    assert set(layout.deck.roles) == set(Role)
    assert set(layout.onepager.roles) == set(Role)
    assert "sections" in layout.deck.sequence
    for role in (*layout.deck.roles.values(), *layout.onepager.roles.values()):
        assert role.min_size <= role.size
        needed = 3.0 if role.min_size >= 18 else 4.5
        assert contrast_ratio(role.color, role.on) >= needed


@pytest.mark.parametrize("name", BUILTINS)
def test_builtin_layout_by_path_equals_by_name(name):
    path = builtin_layout_dir() / f"{name}.toml"
    by_path = load_layout(str(path))
    by_name = load_layout(name)
    assert by_path.theme == by_name.theme
    assert by_path.deck == by_name.deck
    assert by_path.onepager == by_name.onepager


def test_layouts_command_prints_one_line_per_layout_name_first():
    result = run("layouts")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == len(BUILTINS)
    for line, name in zip(lines, BUILTINS):
        first, _, rest = line.partition(" ")
        assert first == name
        assert rest.strip() == load_layout(name).description


# extends ------------------------------------------------------------------------------------------------------

def test_user_layout_extending_default_inherits_everything_it_does_not_override(tmp_path):
    path = write(tmp_path / "brand.toml", """
extends = "default"
description = "Our brand"

[theme.colors]
accent = "#1F3A5F"

[deck.roles.body]
size = 22
""")
    mine = load_layout(str(path))
    base = load_layout("default")
    assert mine.name == "brand"
    assert mine.description == "Our brand"

    assert mine.theme.colors == base.theme.colors | {"accent": "#1F3A5F"}
    assert mine.theme.east_asian_family == base.theme.east_asian_family

    # roles that name the theme colour "accent" in default.toml follow the new accent; nothing else changes
    raw = tomllib.loads((builtin_layout_dir() / "default.toml").read_text(encoding="utf-8"))
    old_accent = base.theme.colors["accent"]

    def expected(section: str, role: Role, style):
        spec = raw[section]["roles"][str(role)]
        if spec.get("color") == "accent":
            style = replace(style, color="#1F3A5F")
        if spec.get("on") == "accent":
            style = replace(style, on="#1F3A5F")
        return style

    for section, ours, theirs in (("deck", mine.deck, base.deck), ("onepager", mine.onepager, base.onepager)):
        for role in Role:
            want = expected(section, role, theirs.roles[role])
            if section == "deck" and role is Role.BODY:
                want = replace(want, size=22.0)
            assert ours.roles[role] == want, f"{section}.roles.{role}"
    assert mine.deck.roles[Role.BODY].min_size == base.deck.roles[Role.BODY].min_size
    assert mine.deck.roles[Role.BODY].family == base.deck.roles[Role.BODY].family
    assert replace(mine.deck, roles={}) == replace(base.deck, roles={})
    assert replace(mine.onepager, roles={}, colors={}) == replace(base.onepager, roles={}, colors={})
    assert mine.onepager.colors == mine.theme.colors  # no print palette of its own: the deck's colours
    # the accent really is used: a role drawn in accent in the default now uses the new colour
    assert any(r.color == "#1F3A5F" for r in mine.deck.roles.values())
    assert old_accent not in {r.color for r in mine.deck.roles.values()} | {r.on for r in mine.deck.roles.values()}


def test_extends_a_path_relative_to_the_extending_file(tmp_path, monkeypatch):
    write(tmp_path / "base" / "house.toml", 'extends = "default"\n[deck]\nstats_per_slide = 2\n')
    path = write(tmp_path / "base" / "team.toml", 'extends = "house.toml"\n[deck]\nfooter = false\n')
    monkeypatch.chdir(tmp_path)  # the parent is found next to team.toml, not in the working folder
    layout = load_layout(str(path))
    assert layout.deck.stats_per_slide == 2
    assert layout.deck.footer is False
    assert layout.deck.sequence == load_layout("default").deck.sequence


def test_extends_itself_is_refused(tmp_path):
    path = write(tmp_path / "loop.toml", 'extends = "loop.toml"\n')
    message = " ".join(str(p) for p in refusal(path).problems)
    assert "loop.toml" in message and "cycle" in message


def test_a_cycle_of_two_layouts_is_refused(tmp_path):
    write(tmp_path / "a.toml", 'extends = "b.toml"\n')
    write(tmp_path / "b.toml", 'extends = "a.toml"\n')
    message = " ".join(str(p) for p in refusal(tmp_path / "a.toml").problems)
    assert "cycle" in message


# unknown keys ----------------------------------------------------------------------------------------------------

def test_misspelt_table_is_refused_with_path_and_did_you_mean(tmp_path):
    path = write(tmp_path / "typo.toml", 'extends = "default"\n[theme.colours]\naccent = "#1F3A5F"\n')
    message = only_problem(path)
    assert message == f'{path}: theme.colours: unknown key (did you mean "colors"?)'


def test_misspelt_role_key_is_refused_with_path_and_did_you_mean(tmp_path):
    path = write(tmp_path / "typo.toml", 'extends = "default"\n[deck.roles.body]\nsizee = 20\n')
    message = only_problem(path)
    assert message.startswith(f"{path}: deck.roles.body.sizee: ")
    assert 'did you mean "size"' in message


def test_misspelt_key_through_the_cli_is_one_line_and_exit_1(tmp_path):
    path = write(tmp_path / "typo.toml", 'extends = "default"\n[deck.roles.body]\nsizee = 20\n')
    out = tmp_path / "out"
    result = run("build", str(CONTENT), "--layout", str(path), "--out", str(out))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert str(path) in lines[0] and "deck.roles.body.sizee" in lines[0] and 'did you mean "size"' in lines[0]
    assert "Traceback" not in result.output
    assert not out.exists() or not any(out.iterdir())


# values ---------------------------------------------------------------------------------------------------------

def test_bad_colour_is_refused(tmp_path):
    path = write(tmp_path / "teal.toml", 'extends = "default"\n[theme.colors]\naccent = "teal"\n')
    message = only_problem(path)
    assert "theme.colors.accent: expected #RRGGBB" in message
    assert message.startswith(str(path))


def test_low_contrast_body_text_is_refused_naming_role_and_ratio(tmp_path):
    path = write(tmp_path / "pale.toml", 'extends = "default"\n[deck.roles.body]\ncolor = "#AAAAAA"\n')
    message = only_problem(path)
    assert message.startswith(f"{path}: deck.roles.body.color: contrast 2.32:1"), message
    assert "4.5:1" in message


def test_low_contrast_in_onepager_roles_is_refused_too(tmp_path):
    path = write(tmp_path / "pale.toml", 'extends = "default"\n[onepager.roles.footer]\ncolor = "#999999"\n')
    message = only_problem(path)
    assert "onepager.roles.footer.color: contrast 2.85:1" in message


def test_large_text_needs_only_3_to_1(tmp_path):
    # #888888 on white is 3.54:1: enough for text never smaller than 18 pt, not for smaller text
    ok = write(tmp_path / "large.toml",
               'extends = "default"\n[deck.roles.body]\ncolor = "#888888"\nsize = 22\nmin_size = 18\n')
    assert load_layout(str(ok)).deck.roles[Role.BODY].color == "#888888"
    small = write(tmp_path / "small.toml",
                  'extends = "default"\n[deck.roles.body]\ncolor = "#888888"\nsize = 22\nmin_size = 17.5\n')
    assert "deck.roles.body.color: contrast 3.54:1" in only_problem(small)
    too_pale = write(tmp_path / "pale.toml",
                     'extends = "default"\n[deck.roles.body]\ncolor = "#AAAAAA"\nsize = 22\nmin_size = 18\n')
    message = only_problem(too_pale)
    assert "deck.roles.body.color: contrast 2.32:1" in message and "3:1" in message


@pytest.mark.parametrize("margins", ["8", "{ top = 14, right = 15, bottom = 9.5, left = 15 }"])
def test_onepager_margins_under_10_mm_are_refused(tmp_path, margins):
    path = write(tmp_path / "tight.toml", f'extends = "default"\n[onepager]\nmargins_mm = {margins}\n')
    message = only_problem(path)
    assert "onepager.margins_mm" in message and "10 mm" in message


def test_onepager_margins_of_exactly_10_mm_are_allowed(tmp_path):
    path = write(tmp_path / "ten.toml", 'extends = "default"\n[onepager]\nmargins_mm = 10\n')
    margins = load_layout(str(path)).onepager.margins
    assert margins.left == pytest.approx(10 * 72 / 25.4)


def test_unknown_font_family_is_refused(tmp_path):
    path = write(tmp_path / "font.toml", 'extends = "default"\n[deck.roles.body]\nfamily = "Comic Sans MS"\n')
    message = only_problem(path)
    assert "deck.roles.body.family" in message and "Comic Sans MS" in message
    near = write(tmp_path / "near.toml", 'extends = "default"\n[onepager.roles.title]\nfamily = "Arail"\n')
    message = only_problem(near)
    assert "onepager.roles.title.family" in message and 'did you mean "Arial"' in message


def test_unknown_east_asian_family_is_refused(tmp_path):
    path = write(tmp_path / "ea.toml", 'extends = "default"\n[theme]\neast_asian_family = "SimSun"\n')
    message = only_problem(path)
    assert "theme.east_asian_family" in message and "SimSun" in message


def test_invalid_toml_reports_the_parse_error(tmp_path):
    path = write(tmp_path / "broken.toml", '[deck\nsize = "16:9"\n')
    message = only_problem(path)
    assert message.startswith(str(path))
    assert "invalid TOML" in message and "line 1" in message


def test_missing_layout_file_is_refused(tmp_path):
    message = only_problem(tmp_path / "nowhere.toml")
    assert "nowhere.toml" in message


# choosing a layout on the command line ----------------------------------------------------------------------

def test_build_with_unknown_layout_name_exits_1_with_one_line_listing_names(tmp_path):
    out = tmp_path / "out"
    result = run("build", str(CONTENT), "--layout", "nosuch", "--out", str(out))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert '"nosuch"' in lines[0]
    assert all(name in lines[0] for name in BUILTINS)
    assert not out.exists()


def test_build_with_a_near_miss_layout_name_suggests_it(tmp_path):
    result = run("build", str(CONTENT), "--layout", "defualt", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and 'did you mean "default"' in lines[0]


def test_build_with_a_layout_given_as_a_path(tmp_path, monkeypatch):
    write(tmp_path / "layouts" / "mine.toml",
          'extends = "default"\ndescription = "mine"\n[onepager]\npaper = "letter"\n')
    monkeypatch.chdir(tmp_path)
    assert load_layout("layouts/mine.toml").onepager.paper == "letter"
    result = run("build", str(CONTENT), "--layout", "layouts/mine.toml", "--out", "out", "--format", "pdf")
    assert result.exit_code == 0, result.output
    written = list((tmp_path / "out").glob("*.pdf"))
    assert len(written) == 1
    data = written[0].read_bytes()
    assert data.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert [(float(w), float(h)) for w, h in boxes] == [(612.0, 792.0)]  # one Letter page, as the layout asked


# contrast -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("foreground", "background", "ratio"),
    [
        ("#000000", "#FFFFFF", 21.0),
        ("#FFFFFF", "#000000", 21.0),
        ("#777777", "#FFFFFF", 4.48),
        ("#AAAAAA", "#FFFFFF", 2.32),
        ("#0000FF", "#FFFFFF", 8.59),
        ("#123456", "#123456", 1.0),
    ],
)
def test_contrast_ratio_on_known_pairs(foreground, background, ratio):
    assert contrast_ratio(foreground, background) == pytest.approx(ratio, abs=0.005)
    assert contrast_ratio(background, foreground) == pytest.approx(ratio, abs=0.005)


def test_contrast_ratio_ignores_hex_case():
    assert contrast_ratio("#0b5c6b", "#ffffff") == pytest.approx(contrast_ratio("#0B5C6B", "#FFFFFF"))


def test_office_fonts_with_bundled_clones_need_no_font_file(tmp_path):
    """Helvetica, Times New Roman and Courier New are measured with Liberation Sans, Serif and Mono, which the
    one-pager embeds while the deck names what the layout asked for or its Office equivalent."""
    from pptx import Presentation
    from pypdf import PdfReader

    from hkbrief.build import build

    path = write(tmp_path / "clones.toml", 'extends = "default"\n'
                 '[deck.roles.title]\nfamily = "Helvetica"\nsize = 30\nweight = "bold"\n'
                 '[deck.roles.quote]\nfamily = "Times New Roman"\nsize = 26\nmin_size = 18\nstyle = "italic"\n'
                 '[onepager.roles.heading]\nfamily = "Times New Roman"\nsize = 10.5\nweight = "bold"\ncolor = "accent"\n'
                 '[onepager.roles.footer]\nfamily = "Courier New"\nsize = 7\ncolor = "muted"\n')
    layout = load_layout(str(path))
    assert layout.deck.roles[Role.TITLE].family == "Helvetica"
    result = build(CONTENT, str(path), tmp_path / "out")
    pdf = next(p for p in result.written if p.suffix == ".pdf")
    fonts = set()
    for page in PdfReader(pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert {"LiberationSerif-Bold", "LiberationMono"} <= fonts, fonts
    deck = Presentation(next(p for p in result.written if p.suffix == ".pptx"))
    typefaces = {element.get("typeface") for slide in deck.slides for element in slide._element.iter()
                 if element.tag.endswith("}latin")}
    assert "Times New Roman" in typefaces and typefaces & {"Arial", "Helvetica"}


# the print palette -------------------------------------------------------------------------------------------

DARK_DECK = """extends = "default"
[theme.colors]
background = "#10202B"
text = "#F4F6F8"
muted = "#B8C4CC"
accent = "#5FC3D2"
on_accent = "#10202B"
surface = "#1C3342"
rule = "#35505F"
highlight = "#5FC3D2"
"""

WHITE_PAPER = """
[onepager.theme.colors]   # a dark deck, a white paper brief
background = "#FFFFFF"
text = "#17202A"
muted = "#4A5563"
accent = "#0B5C6B"
on_accent = "#FFFFFF"
surface = "#EEF3F5"
rule = "#C9D4DA"
"""


def test_the_print_palette_overrides_the_deck_colours_for_the_one_pager_only(tmp_path):
    layout = load_layout(str(write(tmp_path / "dark.toml", DARK_DECK + WHITE_PAPER)))
    assert layout.theme.colors["background"] == "#10202B"
    assert layout.onepager.colors["background"] == "#FFFFFF"
    assert layout.onepager.colors["highlight"] == "#5FC3D2"  # not overridden: the deck's
    assert layout.deck.roles[Role.BODY].color == "#F4F6F8" and layout.deck.roles[Role.BODY].on == "#10202B"
    assert layout.onepager.roles[Role.BODY].color == "#17202A" and layout.onepager.roles[Role.BODY].on == "#FFFFFF"
    assert layout.onepager.roles[Role.TITLE].on == "#0B5C6B"


def test_a_dark_deck_prints_a_white_one_pager(tmp_path):
    import pdfplumber

    from hkbrief.build import build

    path = write(tmp_path / "dark.toml", DARK_DECK + WHITE_PAPER)
    result = build(CONTENT, str(path), tmp_path / "out")
    pdf = next(p for p in result.written if p.suffix == ".pdf")
    with pdfplumber.open(pdf) as document:
        page = document.pages[0]
        full = [r for r in page.rects if r["width"] >= page.width - 1 and r["height"] >= page.height - 1]
        assert full and tuple(full[0]["non_stroking_color"]) == (1, 1, 1), full[:1]
        body = [c for c in page.chars if c["text"].isalpha() and c["size"] < 10]
        assert body and all(tuple(round(v, 3) for v in c["non_stroking_color"]) != (0.957, 0.965, 0.973)
                            for c in body)
    from pptx import Presentation

    deck = Presentation(next(p for p in result.written if p.suffix == ".pptx"))
    fills = {slide.background.fill.fore_color.rgb for slide in deck.slides if slide.background.fill.type == 1}
    assert str(next(iter(fills))) == "10202B", fills


def test_a_print_palette_is_contrast_checked_and_names_its_own_colour(tmp_path):
    path = write(tmp_path / "grey.toml", 'extends = "default"\n[onepager.theme.colors]\ntext = "#BBBBBB"\n')
    error = refusal(path)
    messages = [str(p) for p in error.problems]
    assert any("onepager.roles.body.color: contrast" in m and "change onepager.theme.colors.text" in m
               for m in messages), messages
    assert not any(".deck." in m or ": deck.roles" in m for m in messages), messages


def test_a_print_palette_colour_must_be_hex(tmp_path):
    path = write(tmp_path / "bad.toml", 'extends = "default"\n[onepager.theme.colors]\naccent = "teal"\n')
    assert only_problem(path).endswith("onepager.theme.colors.accent: expected #RRGGBB")


def test_the_print_layout_prints_its_bands_in_grey_not_solid_black():
    layout = load_layout("print")
    assert layout.theme.colors["accent"] == "#000000"  # the deck keeps its black
    for name in ("accent", "rule"):
        grey = layout.onepager.colors[name]
        assert grey != "#000000" and 0.1 < relative_luminance(grey) < 0.6, (name, grey)


@pytest.mark.parametrize("value", [0.9, 2.5, "big"])
def test_onepager_max_scale_is_a_growth_between_one_and_two(tmp_path, value):
    layout = write(tmp_path / "grow.toml", f'extends = "default"\n[onepager]\nmax_scale = {value!r}\n'.replace("'", '"'))
    assert "onepager.max_scale" in only_problem(layout)


def test_builtin_layouts_let_a_short_brief_grow_to_fill_the_page():
    for name in builtin_layout_names():
        assert load_layout(name).onepager.max_scale > 1


def test_a_layout_edited_between_builds_is_read_again_and_one_naming_files_is_checked_each_time(tmp_path):
    """Layouts are validated once per process for the same text (watch, batch): an edit must show at once, and
    a layout with its own logo, fonts or template, which can change without the layout, is checked every time."""
    from hkbrief.layoutspec import load_layout

    mine = tmp_path / "mine.toml"
    mine.write_text('extends = "default"\n[theme.colors]\naccent = "#0B5563"\n', encoding="utf-8")
    assert load_layout(str(mine)).theme.colors["accent"] == "#0B5563"
    assert load_layout(str(mine)) is load_layout(str(mine))
    mine.write_text('extends = "default"\n[theme.colors]\naccent = "#7A1F2B"\n', encoding="utf-8")
    assert load_layout(str(mine)).theme.colors["accent"] == "#7A1F2B"

    (tmp_path / "logo.png").write_bytes((CONTENT.parent / "docs" / "deck-default.png").read_bytes())
    mine.write_text('extends = "default"\n[theme]\nlogo = "logo.png"\n', encoding="utf-8")
    assert load_layout(str(mine)) is not load_layout(str(mine))
