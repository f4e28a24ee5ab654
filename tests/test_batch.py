"""Building many briefs: folders, parallel jobs, a summary line, failures named without stopping the others."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from click.testing import CliRunner

from hkbrief.batch import BuildOptions, expand_inputs, run_batch
from hkbrief.cli import main

from conftest import CONTENT, on_a_terminal


def write_briefs(folder, count: int, broken: tuple[int, ...] = ()) -> list:
    folder.mkdir(parents=True, exist_ok=True)
    data = json.loads(CONTENT.read_text(encoding="utf-8"))
    paths = []
    for index in range(count):
        brief = json.loads(json.dumps(data))
        brief["meta"]["title"] = {"en": f"Brief {index:02d}", "zh-Hant": f"簡報 {index:02d}"}
        brief["sections"] = brief["sections"][:2]
        if index in broken:
            brief["stats"][0]["value"] = 10
        path = folder / f"brief-{index:02d}.json"
        path.write_text(json.dumps(brief, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    return paths


def test_a_folder_stands_for_its_briefs_and_init_style_subfolders(tmp_path):
    write_briefs(tmp_path, 2)
    (tmp_path / "content.schema.json").write_text("{}")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "content.json").write_text("{}")
    assert [p.relative_to(tmp_path).as_posix() for p in expand_inputs([tmp_path])] == [
        "brief-00.json", "brief-01.json", "sub/content.json"]


def test_one_broken_brief_does_not_stop_the_others_and_each_error_is_named(tmp_path):
    paths = write_briefs(tmp_path / "in", 4, broken=(1, 2))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(tmp_path / "in"), "-o", str(out), "--jobs", "2"])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if "stats[0].value" in line]
    assert [line.split(":")[0] for line in errors] == [str(paths[1]), str(paths[2])]
    assert result.output.strip().splitlines()[-1].startswith("built 2 of 4 briefs (4 files) in ")
    assert result.output.strip().endswith("; 2 failed")
    assert sorted(p.name for p in out.iterdir()) == ["brief-00.pdf", "brief-00.pptx", "brief-03.pdf", "brief-03.pptx"]


def test_a_broken_first_brief_is_reported_and_the_rest_built_in_parallel(tmp_path):
    """The first brief is built before the workers start (so what they share is loaded once): broken, it is
    reported like any other and the workers still build the rest, each brief once."""
    paths = write_briefs(tmp_path / "in", 3, broken=(0,))
    summary = run_batch(paths, BuildOptions(out_dir=tmp_path / "out"), jobs=2)
    assert [o.content for o in summary.outcomes] == paths
    assert [o.content for o in summary.failed] == [paths[0]]
    assert "stats[0].value" in summary.failed[0].problems[0]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "brief-01.pdf", "brief-01.pptx", "brief-02.pdf", "brief-02.pptx"]


def test_parallel_and_sequential_builds_write_the_same_bytes(tmp_path):
    paths = write_briefs(tmp_path / "in", 3)
    serial = run_batch(paths, BuildOptions(out_dir=tmp_path / "one"), jobs=1)
    parallel = run_batch(paths, BuildOptions(out_dir=tmp_path / "two"), jobs=3)
    assert not serial.failed and not parallel.failed
    assert [o.content for o in parallel.outcomes] == paths  # reported in the order given
    for name in sorted(p.name for p in (tmp_path / "one").iterdir()):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


def test_two_briefs_that_would_share_a_name_are_not_both_written(tmp_path):
    first, second = write_briefs(tmp_path / "in", 2)
    second.write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(first), str(second), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert f"{second}: its outputs would have the same names as those of {first}" in result.output


def test_name_and_a_file_out_are_refused_for_several_briefs(tmp_path):
    paths = [str(p) for p in write_briefs(tmp_path / "in", 2)]
    assert "cannot be given to several" in CliRunner().invoke(main, ["build", *paths, "--name", "x"]).output
    result = CliRunner().invoke(main, ["build", *paths, "-o", str(tmp_path / "x.pptx")])
    assert result.exit_code == 2 and "give a folder" in result.output


def test_a_terminal_gets_a_progress_bar_and_a_pipe_does_not(tmp_path):
    write_briefs(tmp_path / "in", 3)
    command = [sys.executable, "-m", "hkbrief", "build", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-j", "2"]
    piped = subprocess.run(command, capture_output=True, text=True)
    assert piped.returncode == 0, piped.stderr
    assert piped.stderr.strip().startswith("built 3 of 3 briefs (6 files)") and "building" not in piped.stderr
    code, seen = on_a_terminal(command, {k: v for k, v in os.environ.items() if k != "NO_COLOR"})
    assert code == 0
    assert b"building" in seen and b"3/3" in seen and b"built 3 of 3 briefs" in seen
