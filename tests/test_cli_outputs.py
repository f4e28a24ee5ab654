"""Output names and messages: --name, --out as a file, layouts in names, --format in any case, quiet, verbose, colour."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from hkbrief.cli import main

from conftest import CONTENT, on_a_terminal

STEM = "hong-kong-a-global-hub-for-innovation-and-technology"


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env)


def names(folder):
    return sorted(p.name for p in folder.iterdir())


def test_format_ignores_case_and_spaces(tmp_path):
    result = run("build", str(CONTENT), "-o", str(tmp_path), "--format", "PDF, Slides-PDF")
    assert result.exit_code == 0, result.output
    assert names(tmp_path) == [f"{STEM}-slides.pdf", f"{STEM}.pdf"]
    assert "(17 pages, one per slide)" in result.output and "(1 page)" in result.output


def test_an_unknown_format_is_refused_naming_the_choices(tmp_path):
    result = run("build", str(CONTENT), "-o", str(tmp_path), "--format", "docx")
    assert result.exit_code == 2 and "pptx, pdf, slides-pdf" in result.output
    assert not tmp_path.exists() or names(tmp_path) == []


def test_name_sets_the_stem_of_every_output(tmp_path):
    result = run("build", str(CONTENT), "-o", str(tmp_path), "--name", "mission-2026",
                 "--format", "pptx,pdf,slides-pdf")
    assert result.exit_code == 0, result.output
    assert names(tmp_path) == ["mission-2026-slides.pdf", "mission-2026.pdf", "mission-2026.pptx"]


@pytest.mark.parametrize("bad", ["a/b", "..", "x.pptx", " lead", "what?"])
def test_a_name_that_is_not_a_file_name_is_refused(tmp_path, bad):
    result = run("build", str(CONTENT), "-o", str(tmp_path), "--name", bad)
    assert result.exit_code == 1 and "--name" in result.output
    assert not tmp_path.exists() or names(tmp_path) == []


def test_out_ending_in_pptx_is_the_file_name_never_a_folder(tmp_path):
    target = tmp_path / "x" / "mission.pptx"
    result = run("build", str(CONTENT), "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.is_file() and names(tmp_path / "x") == ["mission.pptx"]
    assert result.output.strip() == f"wrote {target} (17 slides)"


def test_out_ending_in_pdf_is_the_one_pager_or_the_slides(tmp_path):
    assert run("build", str(CONTENT), "-o", str(tmp_path / "brief.pdf")).exit_code == 0
    assert run("build", str(CONTENT), "-o", str(tmp_path / "handout.PDF"), "--format", "slides-pdf").exit_code == 0
    from pypdf import PdfReader

    assert len(PdfReader(tmp_path / "brief.pdf").pages) == 1
    assert len(PdfReader(tmp_path / "handout.PDF").pages) == 17


@pytest.mark.parametrize(("out", "extra", "message"), [
    ("deck.pptx", ["--format", "pptx,pdf"], "holds one output"),
    ("deck.pptx", ["--format", "pdf"], "ends in .pptx but --format is pdf"),
    ("deck.pdf", ["--name", "x"], "already names the file"),
])
def test_out_as_a_file_is_refused_clearly_when_it_cannot_hold_the_outputs(tmp_path, out, extra, message):
    result = run("build", str(CONTENT), "-o", str(tmp_path / out), *extra)
    assert result.exit_code == 2 and message in result.output
    assert names(tmp_path) == []


def test_two_layouts_into_one_folder_keep_both_decks(tmp_path):
    assert run("build", str(CONTENT), "-o", str(tmp_path)).exit_code == 0
    assert run("build", str(CONTENT), "-o", str(tmp_path), "--layout", "print").exit_code == 0
    assert run("build", str(CONTENT), "-o", str(tmp_path), "--layout", "compact", "--lang", "zh-hant").exit_code == 0
    assert names(tmp_path) == sorted([f"{STEM}.pptx", f"{STEM}.pdf", f"{STEM}-print.pptx", f"{STEM}-print.pdf",
                                      f"{STEM}-zh-hant-compact.pptx", f"{STEM}-zh-hant-compact.pdf"])


def test_quiet_prints_nothing_on_success_but_still_prints_errors(tmp_path):
    result = run("build", str(CONTENT), "-o", str(tmp_path), "-q")
    assert result.exit_code == 0 and result.output == ""
    result = run("build", str(tmp_path / "missing.json"), "-o", str(tmp_path), "-q")
    assert result.exit_code == 1 and "no such file" in result.output
    assert run("build", str(CONTENT), "-q", "-v").exit_code == 2


def test_verbose_times_every_stage(tmp_path):
    result = run("build", str(CONTENT), "-o", str(tmp_path), "--verbose")
    assert result.exit_code == 0
    last = result.output.strip().splitlines()[-1]
    for stage in ("load", "arrange deck", "arrange one-pager", "render pptx", "render pdf", "write", "total"):
        assert f"{stage} " in last
    assert last.endswith(" ms)")


def _hkbrief(args: list[str], env_extra: dict, tty: bool) -> bytes:
    """Run hkbrief in a real process, its stdout and stderr a terminal (a pty) or a pipe."""
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | env_extra
    command = [sys.executable, "-m", "hkbrief", *args]
    if not tty:
        return subprocess.run(command, capture_output=True, env=env).stdout
    return on_a_terminal(command, env)[1]


def test_colour_only_on_a_terminal_and_never_under_no_color(tmp_path):
    args = ["build", str(CONTENT), "-o", str(tmp_path), "--format", "pdf"]
    assert b"\x1b[" in _hkbrief(args, {}, tty=True)
    assert b"\x1b[" not in _hkbrief(args, {"NO_COLOR": "1"}, tty=True)
    piped = _hkbrief(args, {}, tty=False)
    assert b"wrote" in piped and b"\x1b[" not in piped


def test_shell_completion_offers_layout_names_and_files(tmp_path):
    env = {"_HKBRIEF_COMPLETE": "bash_complete", "COMP_WORDS": "hkbrief build --layout pr", "COMP_CWORD": "3"}
    out = subprocess.run([sys.executable, "-c", "from hkbrief.cli import main; main(prog_name='hkbrief')"],
                         env=os.environ | env, capture_output=True, text=True)
    lines = out.stdout.splitlines()
    assert "plain,print" in lines and "file,pr" in lines
    env |= {"COMP_WORDS": "hkbrief build con", "COMP_CWORD": "2"}
    out = subprocess.run([sys.executable, "-c", "from hkbrief.cli import main; main(prog_name='hkbrief')"],
                         env=os.environ | env, capture_output=True, text=True)
    assert out.stdout.splitlines() == ["file,con"]


def test_the_new_commands_help_and_schema_load_no_heavy_library():
    """--help of every new command, and `schema`, stay as light as `hkbrief --help` (no pptx, reportlab, PIL,
    fontTools, pypdfium2, selenium)."""
    heavy = ("pptx", "reportlab", "PIL", "fontTools", "pypdfium2", "selenium", "jsonschema")
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from hkbrief.cli import main\n"
        "for args in (['preview', '--help'], ['watch', '--help'], ['init', '--help'], ['schema'],"
        " ['build', '--help'], ['--help']):\n"
        "    assert CliRunner().invoke(main, args).exit_code == 0, args\n"
        f"print(','.join(m for m in {heavy!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""
