"""Bad input, safe output: every broken input gets one line per problem naming the file, the JSON path and what
to do; exit 1; no traceback; and the output folder is never touched by a build that fails or is interrupted.

The content and layout cases are files in ``tests/bad_inputs/`` described by ``tests/bad_inputs/expected.toml``
(``python tests/bad_inputs/regenerate.py`` rewrites them). Each runs through ``hkbrief validate`` and
``hkbrief build`` with Click's CliRunner, a handful also as a real subprocess. The rest of this file covers what
cannot be a committed file (a 4 MiB file, a FIFO, a device), text that must survive (markup, combining marks,
very long words and paragraphs), how long the worst input under the size cap takes, and the output folder
(a file, a folder in the way, read-only, full, Ctrl-C, kill).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import tomllib
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from hkbrief.cli import main

from conftest import CONTENT

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
CASES: dict[str, dict] = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))
BASE = CORPUS / "_base.json"
BASE_STEM = "bad-input-corpus"  # the slug of _base.json's title
CONTENT_STEM = "hong-kong-a-global-hub-for-innovation-and-technology"
SUBPROCESS_TIMEOUT = 60


# -- helpers ------------------------------------------------------------------------------------------------------


def invoke(*args: str):
    # color=True: Click keeps escape sequences as it does on a terminal (it strips them when output is piped)
    return CliRunner().invoke(main, [str(a) for a in args], color=True)


def run_hkbrief(*args: str, tmp: Path, timeout: float = SUBPROCESS_TIMEOUT, **kwargs):
    """``python -m hkbrief ARGS`` in ``tmp``, with its scratch files there too (a killed run leaves them behind)."""
    env = dict(os.environ, TMPDIR=str(tmp))
    return subprocess.run([sys.executable, "-m", "hkbrief", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=tmp, env=env, **kwargs)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative name -> bytes), folders as a marker: a byte-for-byte picture."""
    if not folder.exists():
        return {}
    found = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        found[name] = b"<folder>" if path.is_dir() else path.read_bytes()
    return found


def stray_files(folder: Path, expected: set[str]) -> list[str]:
    """Anything in the output folder that is neither expected nor there before: temporary or partial files."""
    return sorted(p.name for p in folder.iterdir() if p.name not in expected) if folder.is_dir() else []


def seed_outputs(out: Path, stem: str = BASE_STEM) -> dict[str, bytes]:
    """An output folder holding yesterday's outputs (and an unrelated file), as a user's dist/ would."""
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{stem}.pptx").write_bytes(b"yesterday's deck: must survive a failed build")
    (out / f"{stem}.pdf").write_bytes(b"yesterday's one-pager: must survive a failed build")
    (out / "notes.txt").write_text("someone else's file\n")
    return snapshot(out)


def real_previous_build(content: Path, out: Path) -> dict[str, bytes]:
    result = invoke("build", content, "--out", out)
    assert result.exit_code == 0, result.output
    return snapshot(out)


def error_report(exit_code: int, stdout: str, stderr: str, prefix: str, spec: dict) -> list[str]:
    """Everything wrong with how an error was reported (empty when it was reported as the issue asks)."""
    wrong = []
    if exit_code != 1:
        wrong.append(f"exit code {exit_code}, expected 1")
    if "Traceback" in stdout + stderr:
        wrong.append("a traceback was printed")
    if "internal error" in stderr:
        wrong.append("hkbrief reported an internal error (a bug) instead of the problem")
    if stdout.strip():
        wrong.append(f"stdout is not empty: {stdout.strip()[:200]!r}")
    lines = stderr.splitlines()
    if not lines:
        wrong.append("nothing on stderr")
    for line in lines:
        if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in line):
            wrong.append(f"a raw control character reaches the terminal: {line[:300]!r}")
        if not line.startswith(f"{prefix}: "):
            wrong.append(f"line does not start with {prefix + ': '!r}: {line[:300]!r}")
    if "lines" in spec and len(lines) != spec["lines"]:
        wrong.append(f"{len(lines)} lines on stderr, expected {spec['lines']}")
    for item in spec.get("expect", []):
        head = f"{prefix}: {item['path']}: " if item["path"] else f"{prefix}: "
        if not any(line.startswith(head) and all(c in line for c in item["contains"]) for line in lines):
            wrong.append(f"no line starting with {head!r} and containing {item['contains']}")
    return wrong


def case_arguments(spec: dict) -> tuple[Path, list[str], str]:
    """(content path, extra build arguments, the prefix every error line must start with)."""
    if "content" in spec:  # a layout case
        content = CORPUS / spec["content"]
        layout = str(CORPUS / spec["file"]) if "file" in spec else spec["layout"]
        return content, ["--layout", layout], spec.get("prefix", layout)
    content = CORPUS / spec["file"]
    return content, [], spec.get("prefix", str(content))


def check_pptx_and_pdf(out: Path, stem: str) -> None:
    from pptx import Presentation
    from pypdf import PdfReader

    deck, page = out / f"{stem}.pptx", out / f"{stem}.pdf"
    assert len(Presentation(str(deck)).slides) >= 1
    assert len(PdfReader(str(page)).pages) == 1


# -- the corpus ---------------------------------------------------------------------------------------------------



def test_the_corpus_is_what_its_script_writes(tmp_path):
    """expected.toml and the case files are made by regenerate.py: edited by hand, the two drift apart."""
    copy = tmp_path / "bad_inputs"
    shutil.copytree(CORPUS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, str(copy / "regenerate.py")], check=True, capture_output=True,
                   timeout=SUBPROCESS_TIMEOUT)
    assert snapshot(copy) == {name: data for name, data in snapshot(CORPUS).items() if "__pycache__" not in name}

def test_every_corpus_file_has_a_case_and_every_case_a_file():
    listed = {spec["file"] for spec in CASES.values() if "file" in spec}
    listed |= {spec["content"] for spec in CASES.values() if "content" in spec}
    on_disk = {p.name for p in CORPUS.iterdir() if p.suffix in (".json", ".toml") and p.name != "expected.toml"}
    assert listed == on_disk
    for name, spec in CASES.items():
        erroring = [c for c in ("validate", "build") if spec.get(c, "error") == "error"]
        assert not erroring or spec.get("expect"), f"{name}: an error case needs an expected message"
        assert spec.get("what"), f"{name}: say what is wrong"


def corpus_params():
    for name, spec in CASES.items():
        for command in ("validate", "build"):
            if spec.get(command, "error") != "skip":
                yield pytest.param(name, command, id=f"{name}-{command}")


@pytest.mark.parametrize("name, command", list(corpus_params()))
def test_corpus_case(name, command, tmp_path):
    spec = CASES[name]
    content, extra, prefix = case_arguments(spec)
    out = tmp_path / "dist"
    before = seed_outputs(out)
    if command == "validate":
        result = invoke("validate", content)
    else:
        result = invoke("build", content, "--out", out, *extra)
    if spec.get(command, "error") == "ok":
        assert result.exit_code == 0, f"{spec['what']}: expected success, got:\n{result.output}"
        assert result.stderr == "" or command == "build", result.stderr
        if command == "build":
            check_pptx_and_pdf(out, BASE_STEM)
            assert stray_files(out, {f"{BASE_STEM}.pptx", f"{BASE_STEM}.pdf", "notes.txt"}) == []
        return
    wrong = error_report(result.exit_code, result.stdout, result.stderr, prefix, spec)
    assert not wrong, f"{name} ({spec['what']}), hkbrief {command}:\n  " + "\n  ".join(wrong) + \
        f"\n--- stderr ---\n{result.stderr}"
    assert snapshot(out) == before, "a failed build changed the output folder"


SUBPROCESS_CASES = ["latin1", "duplicate_key", "deep_nesting", "nul_char", "several_problems", "uncovered_emoji",
                    "layout_broken", "layout_unknown_name"]


@pytest.mark.parametrize("name", SUBPROCESS_CASES)
def test_corpus_case_in_a_real_process(name, tmp_path):
    """The installed entry point as a shell runs it: stderr, exit status, no traceback, output folder unchanged."""
    spec = CASES[name]
    content, extra, prefix = case_arguments(spec)
    out = tmp_path / "dist"
    before = seed_outputs(out)
    result = run_hkbrief("build", content, "--out", out, *extra, tmp=tmp_path)
    wrong = error_report(result.returncode, result.stdout, result.stderr, prefix, spec)
    assert not wrong, f"{name}: " + "; ".join(wrong) + f"\n--- stderr ---\n{result.stderr}"
    assert snapshot(out) == before
    if spec.get("validate", "error") == "error":
        result = run_hkbrief("validate", content, tmp=tmp_path)
        wrong = error_report(result.returncode, result.stdout, result.stderr, prefix, spec)
        assert not wrong, f"{name} (validate): " + "; ".join(wrong) + f"\n--- stderr ---\n{result.stderr}"


def test_debug_shows_the_traceback_for_a_corpus_case():
    result = invoke("--debug", "validate", CORPUS / "latin1.json")
    assert result.exit_code == 1 and result.exception is not None


# -- content files that cannot be committed -----------------------------------------------------------------------


def never_opened(monkeypatch, path: Path) -> list[Path]:
    """Record every attempt to open ``path`` for reading: a file refused by its size must never be opened."""
    opened: list[Path] = []
    real_open = Path.open

    def watching_open(self, *args, **kwargs):
        if Path(self) == path:
            opened.append(path)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", watching_open)
    return opened


def test_huge_file_is_refused_before_parsing(tmp_path, monkeypatch):
    """Over the 4 MiB cap: refused by size, not by what parsing would find (here: nesting far too deep)."""
    from hkbrief.content import MAX_CONTENT_BYTES

    path = tmp_path / "huge.json"
    path.write_bytes(b"[" * (MAX_CONTENT_BYTES + 1))
    opened = never_opened(monkeypatch, path)
    result = invoke("validate", path)
    assert opened == [], "the file was opened although its size alone refuses it"
    assert not error_report(result.exit_code, result.stdout, result.stderr, str(path),
                            {"lines": 1, "expect": [{"path": "", "contains": ["4,194,304 bytes"]}]}), result.stderr


def test_sparse_10_gib_file_is_refused_without_reading_it(tmp_path, monkeypatch):
    path = tmp_path / "sparse.json"
    with path.open("wb") as handle:
        handle.truncate(10 * 1024**3)
    opened = never_opened(monkeypatch, path)
    result = invoke("validate", path)
    assert opened == [], "a 10 GiB file was opened"
    assert result.exit_code == 1 and "limited to" in result.stderr and len(result.stderr.splitlines()) == 1


def test_content_path_that_is_missing_or_a_folder(tmp_path):
    missing = tmp_path / "nope.json"
    result = invoke("validate", missing)
    assert result.exit_code == 1 and result.stderr.startswith(f"{missing}: ") and "no such file" in result.stderr
    result = invoke("build", tmp_path, "--out", tmp_path / "dist")
    assert result.exit_code == 1 and result.stderr.startswith(f"{tmp_path}: ") and "folder" in result.stderr
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_content_fifo_or_device_is_never_opened(kind, tmp_path):
    """A FIFO would block open() forever and /dev/zero would never end: both refused at once (timeout = hang)."""
    if kind == "fifo":
        path = tmp_path / "content.json"
        os.mkfifo(path)
    else:
        path = Path("/dev/zero")
    for command in (["validate", path], ["build", path, "--out", tmp_path / "dist"]):
        result = run_hkbrief(*command, tmp=tmp_path, timeout=20)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert result.stderr.startswith(f"{path}: ") and "not a regular file" in result.stderr, result.stderr
    assert not (tmp_path / "dist").exists()


# -- text that must survive -----------------------------------------------------------------------------------------


def content_copy(tmp_path: Path, mutate) -> Path:
    data = json.loads(CONTENT.read_text(encoding="utf-8"))
    mutate(data)
    folder = tmp_path / "brief"
    folder.mkdir(exist_ok=True)
    path = folder / "content.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def deck_texts(pptx_path: Path) -> str:
    from pptx import Presentation

    texts = []
    for slide in Presentation(str(pptx_path)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
        if slide.has_notes_slide:
            texts.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(texts)


MARKUP = '<b>bold</b> & &amp; R&D a<b <img src="/etc/passwd"/> <a href="javascript:alert(1)">click</a>'


def test_markup_like_text_prints_literally_and_never_acts(tmp_path):
    from pypdf import PdfReader

    def mutate(data):
        data["sections"][0]["bullets"][1] = MARKUP
        data["sections"][0]["summary"] = MARKUP
        data["quotes"][0]["text"] = MARKUP
        data["stats"][0]["label"] = MARKUP

    content = content_copy(tmp_path, mutate)
    out = tmp_path / "dist"
    result = invoke("build", content, "--out", out)
    assert result.exit_code == 0, result.output
    deck = out / f"{CONTENT_STEM}.pptx"
    assert MARKUP in deck_texts(deck).replace("\n", " ").replace("\v", " ")
    with zipfile.ZipFile(deck) as package:
        rels = "".join(package.read(n).decode() for n in package.namelist() if n.endswith(".rels"))
    assert "javascript" not in rels and "/etc/passwd" not in rels

    reader = PdfReader(str(out / f"{CONTENT_STEM}.pdf"))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    squashed = "".join(page.extract_text().split())
    for piece in ("<b>bold</b>", "&amp;", "R&D", "a<b", '<imgsrc="/etc/passwd"/>', "javascript:alert(1)"):
        assert piece in squashed, f"{piece!r} missing from the one-pager's text"
    for annotation in page.get("/Annots") or []:
        assert "javascript" not in str(annotation.get_object()).lower()
    images = [name for name, obj in (page["/Resources"].get("/XObject") or {}).items()
              if obj.get_object().get("/Subtype") == "/Image"]
    assert images == [], "the one-pager embedded an image: markup was interpreted"


def test_text_is_nfc_normalised(tmp_path):
    decomposed = "Cafe\u0301 and Hong Kong"

    def mutate(data):
        data["sections"][0]["heading"] = decomposed

    out = tmp_path / "dist"
    result = invoke("build", content_copy(tmp_path, mutate), "--out", out)
    assert result.exit_code == 0, result.output
    texts = deck_texts(out / f"{CONTENT_STEM}.pptx")
    assert "Caf\u00e9 and Hong Kong" in texts and decomposed not in texts


PARAGRAPH = " ".join(f"word{i % 97}" for i in range(14_000))[:99_990]  # just under 100,000 characters
STRESS = {
    # name: (JSON path as a list, the value)
    "emoji_in_bullet": (["sections", 0, "bullets", 1], "Growth \U0001F4C8 and lift-off \U0001F680"),
    "combining_marks": (["sections", 0, "bullets", 1], "q\u0307\u0323 n\u0303\u0304 a\u0300\u0301\u0302 done"),
    "rtl_hebrew": (["sections", 0, "bullets", 1], "שלום עולם, Hong Kong"),
    "rtl_arabic": (["quotes", 0, "text"], "مرحبا بالعالم"),
    "word_5000_bullet0": (["sections", 0, "bullets", 0], "a" * 5000),
    "word_5000_bullet1": (["sections", 0, "bullets", 1], "a" * 5000),
    "word_5000_cjk": (["sections", 0, "bullets", 1], "創" * 5000),
    "word_5000_summary": (["sections", 0, "summary"], "W" * 5000),
    "word_5000_notes": (["sections", 0, "notes", 0], "W" * 5000),
    "word_200_heading": (["sections", 0, "heading"], "W" * 200),
    "word_300_title": (["meta", "title"], "W" * 300),
    "word_2000_quote": (["quotes", 0, "text"], "W" * 2000),
    "word_40_stat_value": (["stats", 0, "value"], "W" * 40),
    "paragraph_100k_bullet0": (["sections", 0, "bullets", 0], PARAGRAPH),
    "paragraph_100k_bullet1": (["sections", 0, "bullets", 1], PARAGRAPH),
    "paragraph_100k_summary": (["sections", 0, "summary"], PARAGRAPH),
    "paragraph_100k_notes": (["sections", 0, "notes", 0], PARAGRAPH),
    "paragraph_100k_cjk": (["sections", 0, "bullets", 1], "香港創新科技。" * 14_000),
}


def json_path(keys: list) -> str:
    return "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in keys).lstrip(".")


@pytest.mark.parametrize("name", list(STRESS))
def test_hard_text_renders_or_fails_naming_the_field(name, tmp_path):
    """Emoji, combining marks, right-to-left, a 5,000-character word, a 100,000-character paragraph: each builds
    both outputs (one page), or fails with one line per problem naming the file and the field; never a crash,
    never a spin."""
    keys, value = STRESS[name]

    def mutate(data):
        target = data
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    content = content_copy(tmp_path, mutate)
    out = tmp_path / "dist"
    before = seed_outputs(out, CONTENT_STEM)
    try:
        result = run_hkbrief("build", content, "--out", out, tmp=tmp_path, timeout=HANG_GUARD_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{name}: still running after {HANG_GUARD_SECONDS} s (a spin?)")
    if result.returncode == 0:
        check_pptx_and_pdf(out, CONTENT_STEM)
        assert stray_files(out, set(before)) == []
        return
    field = json_path(keys)
    spec = {"expect": [{"path": field, "contains": []}]}
    wrong = error_report(result.returncode, result.stdout, result.stderr, str(content), spec)
    assert not wrong, f"{name}: " + "; ".join(wrong) + f"\n--- stderr ---\n{result.stderr}"
    assert snapshot(out) == before


def test_an_uncovered_character_names_the_field_and_code_point(tmp_path):
    """No black boxes: U+1F4C8 has no glyph in any bundled font, so the build refuses and says where."""
    content = content_copy(tmp_path, lambda d: d["sections"][2]["bullets"].append("Up \U0001F4C8"))
    result = invoke("build", content, "--out", tmp_path / "dist")
    n = len(json.loads(CONTENT.read_text(encoding="utf-8"))["sections"][2]["bullets"])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{content}: sections[2].bullets[{n}]: character U+1F4C8 at position 4")
    assert not (tmp_path / "dist").exists()


# -- bounded --------------------------------------------------------------------------------------------------------

# A hang guard, not a speed target (those are in benchmarks/run.py): these builds take about a second, so one still
# running after this long is spinning, even on a loaded CI machine.
HANG_GUARD_SECONDS = 300


def test_the_worst_input_under_the_size_cap_finishes_or_fails_cleanly(tmp_path):
    """~3.9 MB of bullets (just under the 4 MiB cap), each under the 100,000-character limit: valid content that
    asks for thousands of continuation slides. It must build or be refused, never spin (benchmarks/run.py times
    it)."""
    from hkbrief.content import MAX_CONTENT_BYTES

    paragraph = " ".join(f"word{i % 97}" for i in range(14_000))

    def mutate(data):
        data["sections"][0]["bullets"] = ["A short first bullet"] + [paragraph] * 40

    content = content_copy(tmp_path, mutate)
    assert content.stat().st_size < MAX_CONTENT_BYTES
    out = tmp_path / "dist"
    try:
        result = run_hkbrief("build", content, "--out", out, tmp=tmp_path, timeout=HANG_GUARD_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{content.stat().st_size:,} bytes of valid content (under the cap) did not finish or fail"
                    f" within {HANG_GUARD_SECONDS} s")
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr


NO_ROOM_LAYOUT = """\
extends = "default"
description = "Body text so large that not one line fits a slide, with the continue policy"
[deck]
sequence = ["sections"]
margins = { top = 150, right = 200, bottom = 150, left = 200 }
[deck.fit]
body = "continue"
[deck.roles]
body = { family = "Calibri", size = 200, min_size = 200, line_spacing = 3 }
"""


def test_a_layout_that_leaves_no_room_for_one_line_does_not_spin(tmp_path):
    """Under the continue policy, a frame that cannot take even one line must fail, not add slides forever."""
    layout = tmp_path / "no-room.toml"
    layout.write_text(NO_ROOM_LAYOUT, encoding="utf-8")
    out = tmp_path / "dist"
    try:
        result = run_hkbrief("build", BASE, "--layout", layout, "--out", out, tmp=tmp_path, timeout=HANG_GUARD_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the build with {layout.name} was still running after {HANG_GUARD_SECONDS} s (the fit loop spins)")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "does not fit" in result.stderr
    assert not out.exists()


# -- the output folder ----------------------------------------------------------------------------------------------


def test_a_successful_build_replaces_both_outputs_and_leaves_no_temporary_file(tmp_path):
    out = tmp_path / "dist"
    seed_outputs(out)
    result = invoke("build", BASE, "--out", out)
    assert result.exit_code == 0, result.output
    check_pptx_and_pdf(out, BASE_STEM)
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{BASE_STEM}.pdf", f"{BASE_STEM}.pptx", "notes.txt"])


def test_out_that_is_a_file(tmp_path):
    out = tmp_path / "dist"
    out.write_bytes(b"a file where the output folder should be")
    result = invoke("build", BASE, "--out", out)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.splitlines() == [f"{out}: is a file, not a folder; choose another --out"]
    assert out.read_bytes() == b"a file where the output folder should be"


def test_out_below_a_file(tmp_path):
    blocker = tmp_path / "dist"
    blocker.write_bytes(b"x")
    out = blocker / "sub"
    result = invoke("build", BASE, "--out", out)
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(f"{out}: ") and "cannot create the output folder" in result.stderr
    assert blocker.read_bytes() == b"x"


def test_output_name_taken_by_a_folder(tmp_path):
    out = tmp_path / "dist"
    before = seed_outputs(out)
    (out / f"{BASE_STEM}.pdf").unlink()
    (out / f"{BASE_STEM}.pdf").mkdir()
    before = snapshot(out)
    result = invoke("build", BASE, "--out", out)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"{out / (BASE_STEM + '.pdf')}: is a folder; move it away or choose"
                                          " another --out"]
    assert snapshot(out) == before, "the deck was replaced although the one-pager could not be"


class _Immutable:
    """Make a folder refuse new entries even for root: chmod when not root, else the immutable attribute."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.how = ""

    def __enter__(self) -> str:
        if os.geteuid() != 0:
            self.folder.chmod(0o555)
            self.how = "chmod 0555"
        else:
            chattr = shutil.which("chattr")
            if not chattr:
                pytest.skip("running as root, where chmod 0555 does not stop writes, and chattr is missing")
            done = subprocess.run([chattr, "+i", str(self.folder)], capture_output=True, text=True)
            if done.returncode != 0:
                pytest.skip(f"running as root, where chmod 0555 does not stop writes, and chattr +i failed:"
                            f" {done.stderr.strip()}")
            self.how = "chattr +i (root ignores chmod)"
        probe = self.folder / ".probe"
        try:
            probe.write_bytes(b"")
        except OSError:
            return self.how
        probe.unlink()
        self.__exit__()
        pytest.skip(f"{self.how} did not make the folder read-only on this file system")

    def __exit__(self, *exc) -> None:
        if self.how.startswith("chattr"):
            subprocess.run([shutil.which("chattr"), "-i", str(self.folder)], check=False)
        else:
            self.folder.chmod(0o755)


def test_read_only_output_folder(tmp_path):
    out = tmp_path / "dist"
    before = real_previous_build(BASE, out)
    with _Immutable(out):
        result = invoke("build", BASE, "--out", out)
        after = snapshot(out)
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{out}: cannot write the outputs"), result.stderr
    assert after == before


def _limit_file_size() -> None:  # runs in the child before exec
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


def test_full_output_folder_by_file_size_limit(tmp_path):
    """A write that fails half-way (RLIMIT_FSIZE: EFBIG after 4 KiB, as a full disk fails with ENOSPC)."""
    out = tmp_path / "dist"
    before = real_previous_build(BASE, out)
    edited = tmp_path / "content.json"
    data = json.loads(BASE.read_text(encoding="utf-8"))
    data["sections"][0]["bullets"][0] = "A changed bullet"
    edited.write_text(json.dumps(data), encoding="utf-8")
    result = run_hkbrief("build", edited, "--out", out, tmp=tmp_path, preexec_fn=_limit_file_size)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{out}: cannot write the outputs"), result.stderr
    assert snapshot(out) == before


FULL_DISK_SCRIPT = r"""
set -e
mount -t tmpfs -o size=512k tmpfs "$OUT"
cp "$OLD"/* "$OUT"/
dd if=/dev/zero of="$OUT/filler" bs=4096 2>/dev/null || true
set +e
"$PY" -m hkbrief build "$CONTENT" --out "$OUT" >"$LOG.stdout" 2>"$LOG.stderr"
echo $? >"$LOG.rc"
for f in "$OUT"/*; do echo "$(basename "$f") $(sha256sum <"$f" | cut -c1-64)"; done >"$LOG.after"
ls -A "$OUT" >"$LOG.names"
"""


def test_full_output_folder_on_a_real_full_file_system(tmp_path):
    """A 512 KiB tmpfs filled to the last byte, mounted in a private mount namespace (vanishes with it)."""
    import hashlib

    unshare = shutil.which("unshare")
    if os.geteuid() != 0 or not unshare:
        pytest.skip("needs root and unshare to mount a private tmpfs (the RLIMIT_FSIZE test covers the same path)")
    if subprocess.run([unshare, "--mount", "true"], capture_output=True).returncode != 0:
        pytest.skip("unshare --mount is not permitted here (the RLIMIT_FSIZE test covers the same path)")
    old = tmp_path / "old"
    previous = real_previous_build(BASE, old)
    out, log = tmp_path / "mnt", tmp_path / "log"
    out.mkdir()
    env = dict(os.environ, OUT=str(out), OLD=str(old), LOG=str(log), PY=sys.executable, CONTENT=str(BASE))
    subprocess.run([unshare, "--mount", "--propagation", "private", "bash", "-c", FULL_DISK_SCRIPT], env=env,
                   check=True, timeout=SUBPROCESS_TIMEOUT, cwd=tmp_path)
    rc = int(Path(f"{log}.rc").read_text())
    stderr = Path(f"{log}.stderr").read_text()
    assert rc == 1 and "Traceback" not in stderr, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{out}: cannot write the outputs"), stderr
    assert Path(f"{log}.names").read_text().split() == sorted(list(previous) + ["filler"])
    hashes = dict(line.split() for line in Path(f"{log}.after").read_text().splitlines())
    for name, data in previous.items():
        assert hashes[name] == hashlib.sha256(data).hexdigest(), f"{name} changed"


@pytest.mark.parametrize("renderer", ["hkbrief.render.pptx.render_deck", "hkbrief.render.pdf.render_page"])
def test_ctrl_c_while_rendering(renderer, tmp_path, monkeypatch):
    import importlib

    module, name = renderer.rsplit(".", 1)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(importlib.import_module(module), name, interrupted)
    out = tmp_path / "dist"
    before = seed_outputs(out)
    result = invoke("build", BASE, "--out", out)
    assert result.exit_code == 130
    assert result.stderr.splitlines() == ["hkbrief: interrupted; the output folder was left as it was"]
    assert snapshot(out) == before


@pytest.mark.parametrize("failure", ["ctrl-c", "oserror"])
def test_failure_between_the_two_renames_leaves_the_previous_pair(failure, tmp_path, monkeypatch):
    """The deck is renamed into place, then the second rename fails (Ctrl-C, or an I/O error): the previous deck
    and one-pager must still be there, as a pair, and no temporary file."""
    out = tmp_path / "dist"
    before = real_previous_build(BASE, out)
    edited = tmp_path / "content.json"
    data = json.loads(BASE.read_text(encoding="utf-8"))
    data["sections"][0]["bullets"][0] = "A changed bullet, so the new outputs differ"
    edited.write_text(json.dumps(data), encoding="utf-8")
    real_replace = os.replace
    calls = []

    def replace(src, dst, *args, **kwargs):
        calls.append(dst)
        if len(calls) == 2:
            if failure == "ctrl-c":
                raise KeyboardInterrupt
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    result = invoke("build", edited, "--out", out)
    monkeypatch.undo()
    assert len(calls) >= 2, "the build did not get as far as renaming"
    assert result.exit_code == (130 if failure == "ctrl-c" else 1)
    assert len(result.stderr.splitlines()) == 1, result.stderr
    after = snapshot(out)
    assert sorted(after) == sorted(before), f"temporary or missing files: {sorted(after)}"
    changed = [name for name in before if after[name] != before[name]]
    assert changed == [], (f"stderr said {result.stderr.strip()!r}, but {changed} were replaced: a mismatched"
                           " pair of outputs")


SLOW_BULLETS = 3  # each ~96,000 characters: about 370 slides, a few seconds of arranging and rendering


def _slow_build(tmp_path: Path) -> tuple[list[str], Path, Path, dict]:
    paragraph = " ".join(f"word{i % 97}" for i in range(14_000))
    content = content_copy(tmp_path, lambda d: d["sections"][0]["bullets"].extend([paragraph] * SLOW_BULLETS))
    out = tmp_path / "dist"
    before = real_previous_build(CONTENT, out)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = dict(os.environ, TMPDIR=str(scratch))
    command = [sys.executable, "-m", "hkbrief", "build", str(content), "--out", str(out)]
    return command, out, scratch, {"env": env, "before": before}


def _start_and_wait_until_building(command, scratch: Path, env) -> subprocess.Popen:
    """Start the build and return once it is arranging/rendering (its scratch folder exists)."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                               cwd=scratch.parent)
    deadline = time.monotonic() + 30
    while not any(scratch.glob("hkbrief-*")):
        if process.poll() is not None:
            out, err = process.communicate()
            pytest.fail(f"the build ended before it could be interrupted (rc {process.returncode}): {err}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("the build never reached rendering")
        time.sleep(0.005)
    time.sleep(0.3)
    assert process.poll() is None, "the build finished too quickly to interrupt; make _slow_build slower"
    return process


def test_ctrl_c_in_a_real_process(tmp_path):
    command, out, scratch, extra = _slow_build(tmp_path)
    process = _start_and_wait_until_building(command, scratch, extra["env"])
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert stderr.splitlines() == ["hkbrief: interrupted; the output folder was left as it was"]
    assert "Traceback" not in stdout + stderr
    assert snapshot(out) == extra["before"]
    assert list(scratch.iterdir()) == [], "the scratch folder was left behind"


def test_killed_build_leaves_the_previous_outputs(tmp_path):
    command, out, scratch, extra = _slow_build(tmp_path)
    process = _start_and_wait_until_building(command, scratch, extra["env"])
    process.kill()
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert snapshot(out) == extra["before"], "a killed build left a partial or temporary file in the output folder"


UNDRAWABLE_FIELDS = {
    # every text either output draws is checked for glyphs before anything is drawn, the late additions included
    "takeaways[0]": lambda data, bad: data["takeaways"].__setitem__(0, f"Hong Kong adds {bad} to its I&T base"),
    "sources[0].url": lambda data, bad: data["sources"][0].__setitem__("url", f"https://example.org/{bad}"),
}


@pytest.mark.parametrize("field", list(UNDRAWABLE_FIELDS))
@pytest.mark.parametrize("character", ["\U0001F600", "\u05F5"], ids=["emoji", "unassigned"])
def test_a_character_no_font_has_is_refused_in_every_drawn_field(field, character, tmp_path):
    content = content_copy(tmp_path, lambda data: UNDRAWABLE_FIELDS[field](data, character))
    out = tmp_path / "dist"
    result = invoke("build", content, "--out", out, "--format", "pptx,pdf,slides-pdf")
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{content}: {field}: character U+{ord(character):04X}"), lines
    assert not out.exists()


def test_every_uncovered_character_of_a_field_is_reported(tmp_path):
    """Before, only the first character no font had was named; the user fixed it and met the next one."""
    content = content_copy(tmp_path, lambda d: d["sections"][2]["bullets"].append("Up \U0001F4C8 and \U0001F680!"))
    result = invoke("validate", content)
    assert result.exit_code == 1
    assert "character U+1F4C8 at position 4 is not in the layout's fonts" in result.stderr
    assert "; 1 more in this field (U+1F680 at 10); remove or replace them, or use a font that has them" in result.stderr

