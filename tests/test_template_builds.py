"""The example built on templates not made by hkbrief, judged as a user would: LibreOffice, openxml-audit, the
deck's own parts."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from pptx import Presentation

import fitcheck
import template_fixtures as fixtures
from conftest import CONTENT, require_tool
from hkbrief.build import OutputFormat, build
from hkbrief.cli import main
from hkbrief.template import read_template

TEMPLATES = ("stock-4x3", "stock-potx", "libreoffice-pptx", "libreoffice-potx", "pandoc", "brand")


@dataclass(frozen=True)
class Built:
    template: Path
    deck: Path
    slides: int
    messages: tuple[str, ...]


def _make(name: str, folder: Path) -> Path:
    match name:
        case "stock-4x3":
            return fixtures.stock(folder / "stock.pptx")
        case "stock-potx":
            return fixtures.as_potx(fixtures.stock(folder / "stock-source.pptx"), folder / "stock.potx")
        case "libreoffice-pptx":
            require_tool("soffice")
            (folder / "lo").mkdir(exist_ok=True)
            return fixtures.libreoffice(fixtures.stock(folder / "lo-source.pptx"), folder / "lo", template=False)
        case "libreoffice-potx":
            require_tool("soffice")
            (folder / "lo-brand").mkdir(exist_ok=True)
            return fixtures.libreoffice(fixtures.branded(folder / "lo-brand-source.pptx"), folder / "lo-brand",
                                        template=True)
        case "pandoc":
            require_tool("pandoc")
            return fixtures.pandoc(folder / "reference.pptx")
        case "brand":
            return fixtures.branded(folder / "brand.pptx")
    raise AssertionError(name)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Built]:
    """The example deck on every template, once per run (a template a tool cannot make is made on demand)."""
    root = tmp_path_factory.mktemp("template-builds")
    cache: dict[str, Built] = {}

    def get(name: str) -> Built:
        if name not in cache:
            folder = root / name
            folder.mkdir()
            template = _make(name, folder)
            result = build(CONTENT, "default", folder / "out", (OutputFormat.PPTX,), template=template)
            deck = next(p for p in result.written if p.suffix == ".pptx")
            renamed = deck.with_name(f"{name}.pptx")
            deck.rename(renamed)
            cache[name] = Built(template, renamed, result.slides, tuple(result.warnings))
        return cache[name]

    return get  # type: ignore[return-value]


@pytest.mark.parametrize("name", TEMPLATES)
def test_masters_layouts_and_theme_are_the_templates(name, built):
    case = built(name)
    before, after = read_template(case.template), read_template(case.deck)
    assert after.slide_size == before.slide_size
    assert [layout.name for layout in after.layouts] == [layout.name for layout in before.layouts]
    assert after.theme == before.theme
    assert [m.artwork for m in after.masters] == [m.artwork for m in before.masters]


@pytest.mark.parametrize("name", TEMPLATES)
def test_no_sample_slide_remains_and_every_title_is_in_a_title_placeholder(name, built):
    case = built(name)
    presentation = Presentation(str(case.deck))
    slides = list(presentation.slides)
    assert len(slides) == case.slides
    layouts = {layout.name for layout in read_template(case.template).layouts}
    for number, slide in enumerate(slides, start=1):
        assert slide.slide_layout.name in layouts
        title = slide.shapes.title
        assert title is not None and title.text_frame.text.strip(), f"slide {number} has no title in a placeholder"


@pytest.mark.parametrize("name", TEMPLATES)
def test_section_bullets_sit_in_the_body_placeholder(name, built):
    presentation = Presentation(str(built(name).deck))
    section = next(slide for slide in presentation.slides if slide.name.startswith("section:"))
    bodies = [shape for shape in section.placeholders if shape != section.shapes.title
              and shape.placeholder_format.type not in (13, 15, 16)]  # slide number, footer, date
    assert len(bodies) == 1 and bodies[0].text_frame.text.strip()


@pytest.mark.parametrize("name", TEMPLATES)
def test_openxml_audit_finds_no_errors(name, built):
    tool = require_tool("openxml-audit")
    result = subprocess.run([tool, str(built(name).deck)], capture_output=True, text=True, timeout=300)
    assert "Errors: 0" in result.stdout, result.stdout[-3000:]


WORLDS = ("with-clones", "without-clones")  # the metric clones installed, or hidden as on a viewer without them


@pytest.fixture(scope="module")
def rendered(built, tmp_path_factory) -> dict[tuple[str, str], Path]:
    """Every template's deck converted by LibreOffice in both font worlds, one process per world side by side."""
    from concurrent.futures import ThreadPoolExecutor

    soffice = require_tool("soffice")
    require_tool("fc-match")
    decks = [built(name).deck for name in TEMPLATES]
    envs = {"with-clones": None,
            "without-clones": fitcheck.fontconfig_without_clones(tmp_path_factory.mktemp("fontconfig"))}
    problems = sorted({f"{world}: {problem}" for world, env in envs.items() for deck in decks
                       for problem in fitcheck.font_problems(deck, env, clones=world == "with-clones")})
    if problems:
        pytest.fail("cannot judge the decks with LibreOffice on this machine:\n  " + "\n  ".join(problems))
    out = tmp_path_factory.mktemp("template-pdfs")

    def convert(world: str) -> list[Path]:
        return fitcheck.convert_with_libreoffice(soffice, decks, out / world, env=envs[world])

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip(WORLDS, pool.map(convert, WORLDS), strict=True))
    return {(world, name): pdf for world, pdfs in results.items() for name, pdf in zip(TEMPLATES, pdfs, strict=True)}


@pytest.mark.parametrize("world", WORLDS)
@pytest.mark.parametrize("name", TEMPLATES)
def test_libreoffice_draws_nothing_outside_its_box(name, world, built, rendered):
    fitcheck.assert_deck_fits(built(name).deck, rendered[world, name])


@pytest.mark.parametrize("name", TEMPLATES)
def test_text_is_drawn_at_its_planned_size_where_the_viewer_has_the_fonts(name, built, rendered):
    problems = fitcheck.check_sizes(built(name).deck, rendered["with-clones", name])
    assert not problems, f"{len(problems)} problem(s):\n  " + "\n  ".join(problems)


def test_the_brand_logo_is_on_the_master_every_slide_uses(built):
    case = built("brand")
    presentation = Presentation(str(case.deck))
    master = presentation.slide_master
    assert fixtures.LOGO_NAME in [shape.name for shape in master.shapes]
    assert all(slide.slide_layout.slide_master == master for slide in presentation.slides)
    assert all(slide.slide_layout.element.get("showMasterSp", "1") != "0" for slide in presentation.slides)


def test_a_starter_layout_builds_on_the_template_as_it_is(tmp_path):
    template = fixtures.branded(tmp_path / "brand.pptx")
    layout = tmp_path / "brand.toml"
    runner = CliRunner()
    result = runner.invoke(main, ["template", "inspect", str(template), "--write-layout", str(layout)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["build", str(CONTENT), "--layout", str(layout), "--out", str(tmp_path / "out"),
                                  "--format", "pptx"])
    assert result.exit_code == 0, result.output
    deck = next((tmp_path / "out").glob("*.pptx"))
    assert read_template(deck).theme.name == "Harbour Brand"


def test_a_template_without_title_placeholders_builds_and_says_so_once(tmp_path):
    def strip_titles(name: str, data: bytes) -> bytes:
        if name.startswith("ppt/slideLayouts/slideLayout") and name.endswith(".xml"):
            # the placeholders only: the layout's own type="title" attribute has no "body" value in the schema
            return data.replace(b'<p:ph type="title"', b'<p:ph type="body"').replace(b'<p:ph type="ctrTitle"',
                                                                                  b'<p:ph type="body"')
        return data

    template = fixtures.rewrite_parts(fixtures.stock(tmp_path / "s.pptx"), tmp_path / "untitled.pptx", strip_titles)
    result = CliRunner().invoke(main, ["build", str(CONTENT), "--template", str(template), "--out",
                                       str(tmp_path / "out"), "--format", "pptx"])
    assert result.exit_code == 0, result.output
    assert result.output.count("draws the slide titles itself") == 1


def test_a_bad_template_writes_nothing(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("yesterday's")
    bad = tmp_path / "brand.potx"
    bad.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504))
    result = CliRunner().invoke(main, ["build", str(CONTENT), "--template", str(bad), "--out", str(out)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"{bad}: is an OLE compound file: an encrypted or"
                                                  " password-protected presentation, or an old binary .ppt/.pot;"
                                                  " remove the password and save it as .pptx or .potx"]
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
