"""``hkbrief init``: a starter that validates and builds, shows every feature, and never overwrites silently."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner
from PIL import Image

from hkbrief.cli import main
from hkbrief.content import load_brief
from hkbrief.layoutspec import load_layout

from conftest import CONTENT

STARTER_FILES = ("content.json", "layout.toml", "content.schema.json", "images/starter-picture.png")


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_init_writes_a_brief_that_uses_every_feature(tmp_path):
    result = run("init", str(tmp_path / "brief"))
    assert result.exit_code == 0, result.output
    folder = tmp_path / "brief"
    assert all((folder / name).is_file() for name in STARTER_FILES)
    brief = load_brief(folder / "content.json")
    assert len(brief.sections) >= 3 and brief.stats and brief.quotes and brief.featured
    assert any(s.notes for s in brief.sections) and any(s.image for s in brief.sections)
    assert any(s.stats for s in brief.sections) and any(s.quotes for s in brief.sections) and brief.takeaways
    assert {str(lang) for lang in brief.languages} == {"en", "zh-Hant"}
    with Image.open(folder / "images/starter-picture.png") as picture:
        assert picture.format == "PNG" and picture.size == (1200, 800)
        assert len(picture.convert("RGB").getcolors(1 << 24)) > 100  # a drawn picture, not a flat placeholder
    layout = load_layout(str(folder / "layout.toml"))
    assert layout.theme.colors["accent"] != load_layout("default").theme.colors["accent"]
    assert (folder / "layout.toml").read_text().splitlines()[2] == 'extends = "default"'


def test_the_starter_quotes_and_figures_are_the_examples(tmp_path):
    """The starter invents nothing: each quote and stat is the bundled example's, word for word."""
    run("init", str(tmp_path))
    starter = json.loads((tmp_path / "content.json").read_text(encoding="utf-8"))
    example = json.loads(CONTENT.read_text(encoding="utf-8"))
    assert starter["takeaways"] and all(item in example["takeaways"] for item in starter["takeaways"])
    for key in ("quotes", "stats", "sources"):
        known = {item["id"]: item for item in example[key]}
        for item in starter[key]:
            assert item == known[item["id"]], (key, item["id"])


def test_init_refuses_to_overwrite_and_names_every_file(tmp_path):
    (tmp_path / "content.json").write_text("mine")
    (tmp_path / "layout.toml").write_text("mine too")
    result = run("init", str(tmp_path))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 2 and all("already exists" in line for line in lines)
    assert str(tmp_path / "content.json") in lines[0] and str(tmp_path / "layout.toml") in lines[1]
    assert (tmp_path / "content.json").read_text() == "mine"
    assert not (tmp_path / "images").exists()  # nothing at all was written
    assert run("init", str(tmp_path), "--force").exit_code == 0
    load_brief(tmp_path / "content.json")


def test_the_starter_builds_from_a_real_shell(tmp_path):
    folder = tmp_path / "new"
    hkbrief = [sys.executable, "-m", "hkbrief"]
    subprocess.run([*hkbrief, "init", str(folder)], check=True, capture_output=True)
    out = subprocess.run([*hkbrief, "build", str(folder / "content.json"), "--layout", str(folder / "layout.toml"),
                          "-o", str(tmp_path / "dist")], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert sorted(p.suffix for p in (tmp_path / "dist").iterdir()) == [".pdf", ".pptx"]
