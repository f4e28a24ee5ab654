"""Everyday commands' speed: preview, a watch rebuild after a save, a batch of 100 briefs (``run.py`` calls this).

    python benchmarks/everyday.py            # just these figures (about two minutes)

Targets (printed as PASS or FAIL):
- ``hkbrief preview`` of content.json, a fresh process, within 1 s (LibreOffice alone takes longer to convert);
- in ``hkbrief watch``, the rebuild line appears within 100 ms of the save (median of several saves);
- 100 briefs with ``hkbrief build FOLDER --jobs 2`` within 2.5 s, and well ahead of 100 separate builds.

The batch's briefs are 100 copies of the ``hkbrief init`` starter (three sections, four stats, three quotes),
each with its own title, without the starter's picture (each build would otherwise re-encode the same image).
"""

from __future__ import annotations

import json
import os
import queue
import resource
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONTENT = HERE.parent / "content.json"

PREVIEW_TARGET_S = 1.0
WATCH_TARGET_S = 0.1
BATCH_TARGET_S = 2.5
BATCH_BRIEFS = 100
BATCH_JOBS = 2
WATCH_SAVES = 9
WATCH_IDLE_S = 0.4  # between saves, so each save starts from an idle watcher (as an author's would)


CPU_SECONDS: dict[str, float] = {}  # CPU time (user + system) of the last command of each kind, all processes


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _wall(command: list[str], env: dict[str, str], cwd: Path, kind: str = "") -> float:
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.strip()[-300:]}")
    if kind:
        CPU_SECONDS[kind] = _children_cpu() - cpu
    return elapsed


def preview_seconds(hk: list[str], env: dict[str, str], scratch: Path, runs: int) -> float:
    command = [*hk, "preview", str(CONTENT), "-o", str(scratch / "out-preview"), "-q"]
    _wall(command, env, scratch)  # warm-up: bytecode and page cache
    return statistics.median(_wall(command, env, scratch, "preview") for _ in range(runs))


def watch_latencies(hk: list[str], env: dict[str, str], scratch: Path, saves: int = WATCH_SAVES) -> list[float]:
    """Seconds from the end of each save to the watcher's "built" line for it."""
    folder = scratch / "watch"
    folder.mkdir(exist_ok=True)
    brief = folder / "content.json"
    data = json.loads(CONTENT.read_text(encoding="utf-8"))
    brief.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    process = subprocess.Popen([*hk, "watch", "content.json", "-o", "out"], cwd=folder, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, env=env | {"PYTHONUNBUFFERED": "1"})
    lines: queue.Queue[tuple[float, str]] = queue.Queue()

    def read() -> None:
        for line in process.stdout:
            lines.put((time.perf_counter(), line))

    threading.Thread(target=read, daemon=True).start()

    def next_build(timeout: float = 30.0) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            try:
                at, line = lines.get(timeout=0.5)
            except queue.Empty:
                continue
            if "built in" in line:
                return at
            if "failed" in line:
                raise RuntimeError(line.strip())
        raise RuntimeError("watch printed no build line")

    latencies = []
    try:
        next_build(60.0)
        for index in range(saves):
            time.sleep(WATCH_IDLE_S)
            data["sections"][0]["heading"]["en"] = f"A Global Super-Connector ({index + 1})"
            text = json.dumps(data, ensure_ascii=False)
            with open(brief, "w", encoding="utf-8") as handle:
                handle.write(text)
            saved = time.perf_counter()
            latencies.append(next_build() - saved)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
    return latencies


def batch_briefs(scratch: Path, hk: list[str], env: dict[str, str]) -> list[Path]:
    folder = scratch / "batch-in"
    subprocess.run([*hk, "init", str(scratch / "starter")], env=env, capture_output=True, check=True)
    data = json.loads((scratch / "starter" / "content.json").read_text(encoding="utf-8"))
    for section in data["sections"]:
        section.pop("image", None)
    folder.mkdir(exist_ok=True)
    paths = []
    for index in range(BATCH_BRIEFS):
        data["meta"]["title"] = {"en": f"Starter brief {index + 1:03d}", "zh-Hant": f"簡報 {index + 1:03d}"}
        path = folder / f"brief-{index + 1:03d}.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    return paths


def batch_seconds(hk: list[str], env: dict[str, str], scratch: Path, runs: int) -> tuple[float, float]:
    """(one batch command with --jobs 2, 100 separate build commands one after another)."""
    paths = batch_briefs(scratch, hk, env)
    command = [*hk, "build", str(paths[0].parent), "-o", str(scratch / "batch-out"), "--jobs", str(BATCH_JOBS), "-q"]
    _wall(command, env, scratch)
    together = statistics.median(_wall(command, env, scratch, "batch") for _ in range(runs))
    start = time.perf_counter()
    cpu = _children_cpu()
    for path in paths:
        _wall([*hk, "build", str(path), "-o", str(scratch / "separate-out"), "-q"], env, scratch)
    CPU_SECONDS["separate"] = _children_cpu() - cpu
    return together, time.perf_counter() - start


def report(hk: list[str], env: dict[str, str], scratch: Path, runs: int = 5) -> list[tuple[bool, str]]:
    """Measure and print the three figures; returns (passed, line) for each target."""
    print("everyday commands", file=sys.stderr)
    preview = preview_seconds(hk, env, scratch, runs)
    latencies = watch_latencies(hk, env, scratch)
    together, separate = batch_seconds(hk, env, scratch, max(1, runs // 2))
    watch = statistics.median(latencies)
    print()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{'everyday case':<48} {'wall s':>8} {'CPU s':>8}")
    print("-" * 66)
    print(f"{'preview content.json (fresh process)':<48} {preview:>8.3f} {CPU_SECONDS['preview']:>8.3f}")
    print(f"{'watch: save to built line, median of ' + str(len(latencies)):<48} {watch:>8.3f}")
    print(f"{'  (fastest, slowest)':<48} {min(latencies):>8.3f} {max(latencies):.3f}")
    print(f"{f'build {BATCH_BRIEFS} briefs, --jobs {BATCH_JOBS} (one command)':<48} {together:>8.3f} "
          f"{CPU_SECONDS['batch']:>8.3f}")
    print(f"{f'build {BATCH_BRIEFS} briefs, {BATCH_BRIEFS} separate commands':<48} {separate:>8.3f} "
          f"{CPU_SECONDS['separate']:>8.3f}")
    print(f"load average while measuring: {load:.1f} on {os.cpu_count()} CPUs (wall times stretch with it; "
          "CPU times much less)")
    print()
    return [
        (preview <= PREVIEW_TARGET_S, f"preview {preview:.3f} s (target <= {PREVIEW_TARGET_S} s)"),
        (watch <= WATCH_TARGET_S, f"watch rebuild {watch * 1000:.0f} ms after the save (target <= "
                                  f"{WATCH_TARGET_S * 1000:.0f} ms)"),
        (together <= BATCH_TARGET_S and together < separate / 4,
         f"{BATCH_BRIEFS} briefs --jobs {BATCH_JOBS}: {together:.2f} s (target <= {BATCH_TARGET_S} s), "
         f"{separate / together:.1f}x faster than {BATCH_BRIEFS} separate builds ({separate:.1f} s)"),
    ]


def hkbrief_command() -> list[str]:
    script = Path(sys.executable).parent / "hkbrief"
    return [sys.executable, str(script)] if script.is_file() else [sys.executable, "-m", "hkbrief"]


def main() -> int:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="hkbrief-everyday-") as scratch_name:
        scratch = Path(scratch_name)
        env = dict(os.environ) | {"PYTHONPYCACHEPREFIX": str(scratch / "pycache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        results = report(hkbrief_command(), env, scratch)
    for passed, text in results:
        print(f"{'PASS' if passed else 'FAIL'}  {text}")
    return 0


__all__ = ["report"]


if __name__ == "__main__":
    sys.exit(main())
