"""The command line as a user meets it: --help, --version, validate, exit codes, no tracebacks."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from hkbrief import __version__
from hkbrief.cli import main

from conftest import CONTENT


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_version_and_help():
    assert run("--version").output.strip() == f"hkbrief, version {__version__}"
    result = run("--help")
    assert result.exit_code == 0
    assert "Examples:" in result.output and "hkbrief build" in result.output


def test_validate_prints_a_one_line_summary():
    result = run("validate", str(CONTENT))
    assert result.exit_code == 0
    assert result.stdout.count("\n") == 1
    assert "valid: 5 sections" in result.stdout and "languages: en, zh-Hant" in result.stdout
    # both editions arranged and rendered with the layout, as build would
    assert "fits layout default: en: 17 slides and a one-page PDF; zh-Hant: 17 slides" in result.stdout
    # and it warns what build warns
    assert "one-pager: shows the first 8 of 13 featured stats" in result.stderr


def test_validate_errors_are_one_line_each_and_exit_1(tmp_path):
    path = tmp_path / "content.json"
    path.write_text('{"meta": {"title": "x", "date": "2026-11-25", "organisation": "o"}, "sections": 3}')
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert result.output.strip() == f"{path}: sections: expected a list, found a number"
    assert "Traceback" not in result.output


def test_missing_file_and_usage_errors(tmp_path):
    result = run("validate", str(tmp_path / "nope.json"))
    assert result.exit_code == 1 and "no such file" in result.output
    assert run("validate", "a", "b").exit_code == 2
    assert run("frobnicate").exit_code == 2


def test_debug_shows_the_traceback(tmp_path):
    path = tmp_path / "content.json"
    path.write_text("[]")
    result = run("--debug", "validate", str(path))
    assert result.exit_code == 1 and result.exception is not None


def test_help_imports_no_heavy_libraries():
    """--help stays instant; validate, which arranges and renders both outputs as build does, may not."""
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from hkbrief.cli import main\n"
        f"r = CliRunner().invoke(main, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "heavy = [m for m in ('pptx', 'reportlab', 'PIL', 'fontTools', 'lxml') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_python_dash_m_works():
    out = subprocess.run([sys.executable, "-m", "hkbrief", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and __version__ in out.stdout


def test_validate_refuses_a_missing_image_as_build_would(tmp_path, content_data):
    import json

    content_data["sections"][0]["image"] = {"path": "images/campus.jpg", "alt": "The campus"}
    path = tmp_path / "content.json"
    path.write_text(json.dumps(content_data), encoding="utf-8")
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert result.output.strip() == (f'{path}: sections[0].image.path: no such file "images/campus.jpg"'
                                     " (paths are relative to the content file)")


def test_build_says_when_the_layout_shows_fewer_featured_items(tmp_path):
    result = CliRunner().invoke(main, ["build", str(CONTENT), "--out", str(tmp_path), "--format", "pdf"])
    assert result.exit_code == 0, result.output
    assert "one-pager: shows the first 8 of 13 featured stats (the layout's onepager.max_stats)" in result.stderr
    assert "one-pager: shows the first 2 of 4 featured quotes" in result.stderr


def test_lang_and_paper_ignore_case(tmp_path):
    result = CliRunner().invoke(main, ["build", str(CONTENT), "--out", str(tmp_path), "--format", "pdf",
                                       "--lang", "ZH-HANT", "--paper", "Letter"])
    assert result.exit_code == 0, result.output
    [pdf] = tmp_path.glob("*.pdf")
    assert pdf.name.endswith("-zh-hant.pdf")
