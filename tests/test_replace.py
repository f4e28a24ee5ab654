"""Replacing the outputs survives being interrupted at every step (hkbrief.replace).

A real build runs in a subprocess and is stopped at one step of the replacement (SIGKILL, as a power cut or the
OOM killer would, or SIGINT, as Ctrl-C does); the folder is then inspected as the user would find it, and the
next build (or ``recover``) must leave a consistent pair and no stray files, saying what it did in one line.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest

from conftest import CONTENT
from hkbrief import replace
from hkbrief.build import build
from hkbrief.errors import OutputError

STEPS_BEFORE_JOURNAL = ["parts written", "backups made"]
STEPS_AFTER_JOURNAL = ["journal written", "renamed 1", "renamed 2", "backups removed"]

INTERRUPT = """
import os, signal, sys
import hkbrief.replace
step, how = sys.argv[1], sys.argv[2]
def after(name):
    if name == step:
        os.kill(os.getpid(), signal.SIGKILL if how == "kill" else signal.SIGINT)
hkbrief.replace._after_step = after
from hkbrief.cli import main
main(sys.argv[3:])
"""


def brief(tmp_path: Path, bullet: str) -> Path:
    """The bundled content with its first bullet and summary changed: same file names, different bytes."""
    data = json.loads(CONTENT.read_text(encoding="utf-8"))
    data["sections"][0]["bullets"][0] = bullet
    data["sections"][0]["summary"] = bullet
    folder = tmp_path / f"brief-{abs(hash(bullet)) % 10_000}"
    folder.mkdir()
    path = folder / "content.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def pair(tmp_path):
    """An output folder holding the OLD pair; the bytes of the OLD and the NEW pair, by file name."""
    env = {"SOURCE_DATE_EPOCH": "1764000000"}
    with mock.patch.dict(os.environ, env):
        old_content, new_content = brief(tmp_path, "Old first bullet"), brief(tmp_path, "New first bullet")
        out = tmp_path / "dist"
        old = {p.name: p.read_bytes() for p in build(old_content, out_dir=out).written}
        elsewhere = tmp_path / "reference"
        new = {p.name: p.read_bytes() for p in build(new_content, out_dir=elsewhere).written}
    assert old.keys() == new.keys() and all(old[n] != new[n] for n in old)
    return out, new_content, old, new, env


def interrupted(step: str, how: str, content: Path, out: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", INTERRUPT, step, how, "build", str(content), "--out", str(out)],
                          capture_output=True, text=True, timeout=300, env=dict(os.environ, **env),
                          stdin=subprocess.DEVNULL)


def contents(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}


def which(found: dict[str, bytes], old: dict[str, bytes], new: dict[str, bytes]) -> dict[str, str]:
    return {name: "new" if found.get(name) == new[name] else "old" if found.get(name) == old[name] else "other"
            for name in old}


@pytest.mark.parametrize("step", STEPS_BEFORE_JOURNAL + STEPS_AFTER_JOURNAL)
def test_a_build_killed_at_any_step_is_set_right_by_the_next_one(step, pair):
    out, new_content, old, new, env = pair
    result = interrupted(step, "kill", new_content, out, env)
    assert result.returncode == -signal.SIGKILL, result.stderr
    found = contents(out)
    strays = sorted(set(found) - set(old))
    assert strays, "a killed build leaves its temporary files (that is what recovery is for)"
    if step in STEPS_BEFORE_JOURNAL:
        assert which(found, old, new) == {name: "old" for name in old}
        assert replace.JOURNAL not in found
    else:
        assert replace.JOURNAL in found
    if step == "renamed 1":
        assert sorted(which(found, old, new).values()) == ["new", "old"], "the mismatched pair of the bug report"

    with replace._locked(out):
        [note] = replace.recover(out)
    after = contents(out)
    assert set(after) == set(old), f"left behind: {sorted(set(after) - set(old))}"
    expected = "old" if step in STEPS_BEFORE_JOURNAL else "new"
    assert which(after, old, new) == {name: expected for name in old}, "the pair must match"
    if step in STEPS_BEFORE_JOURNAL:
        assert note == f"{out}: removed {len(strays)} leftover temporary files of an interrupted build"
    else:
        names = ", ".join(sorted(old, key=lambda n: not n.endswith(".pptx")))
        assert note.startswith(f"{out}: finished replacing {names}, which an interrupted build had left half done")


def test_the_next_build_says_in_one_line_what_it_set_right(pair):
    out, new_content, old, new, env = pair
    assert interrupted("renamed 1", "kill", new_content, out, env).returncode == -signal.SIGKILL
    result = subprocess.run([sys.executable, "-m", "hkbrief", "build", str(new_content), "--out", str(out)],
                            capture_output=True, text=True, timeout=300, env=dict(os.environ, **env))
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if line.startswith(f"{out}:")]
    assert len(notes) == 1 and "finished replacing" in notes[0], result.stderr
    assert set(contents(out)) == set(old) and which(contents(out), old, new) == {name: "new" for name in old}
    # and a build with nothing to set right says nothing about it
    again = subprocess.run([sys.executable, "-m", "hkbrief", "build", str(new_content), "--out", str(out)],
                           capture_output=True, text=True, timeout=300, env=dict(os.environ, **env))
    assert again.returncode == 0 and f"{out}:" not in again.stderr


def test_ctrl_c_during_the_renames_finishes_them_and_says_so(pair):
    out, new_content, old, new, env = pair
    result = interrupted("renamed 1", "interrupt", new_content, out, env)
    assert result.returncode == 130, result.stderr
    names = " and ".join(sorted(old, key=lambda n: not n.endswith(".pptx")))
    assert result.stderr.strip() == (f"hkbrief: {out}: interrupted after the outputs were replaced; it holds the"
                                     f" new {names}")
    assert set(contents(out)) == set(old) and which(contents(out), old, new) == {name: "new" for name in old}


@pytest.mark.parametrize("step", STEPS_BEFORE_JOURNAL)
def test_ctrl_c_before_the_renames_leaves_the_folder_as_it_was(step, pair):
    out, new_content, old, new, env = pair
    result = interrupted(step, "interrupt", new_content, out, env)
    assert result.returncode == 130, result.stderr
    assert result.stderr.strip() == "hkbrief: interrupted; the output folder was left as it was"
    assert contents(out) == old


def test_an_io_error_between_the_renames_is_undone_at_once(pair, monkeypatch):
    out, new_content, old, new, env = pair
    real = os.replace
    calls = []

    def failing(source, target):
        calls.append(Path(target).name)
        if len([c for c in calls if not c.startswith(".")]) == 2:
            raise OSError(28, "No space left on device")
        return real(source, target)

    monkeypatch.setattr(replace.os, "replace", failing)
    with mock.patch.dict(os.environ, env), pytest.raises(OutputError) as info:
        build(new_content, out_dir=out)
    assert "No space left on device; the folder was left as it was" in str(info.value.problems[0])
    assert contents(out) == old


def test_an_unreadable_journal_is_reported_not_guessed(tmp_path):
    out = tmp_path / "dist"
    out.mkdir()
    (out / replace.JOURNAL).write_text("{not json", encoding="utf-8")
    with pytest.raises(OutputError) as info:
        replace.replace_files([(out / "x.pdf", b"%PDF")], out)
    assert "journal is unreadable" in str(info.value.problems[0])
    assert not (out / "x.pdf").exists()
