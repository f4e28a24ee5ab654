"""hkbrief's performance benchmark: wall time and peak memory of whole processes, next to a floor, with targets.

    python benchmarks/run.py                 # the full table (a few minutes)
    python benchmarks/run.py --quick         # fewer runs, no 1,000-section brief
    python benchmarks/run.py --no-bytecode   # as an editable install under PYTHONDONTWRITEBYTECODE=1 runs

Every figure is the median of several fresh processes, hkbrief and the floor (``benchmarks/floor.py``, a
straight-line python-pptx + reportlab script writing a comparable deck and one-pager) alternating, so that a busy
machine slows both alike. Peak memory is the command's own maximum resident set (``/usr/bin/time``'s %M, or the
children's ``ru_maxrss`` where it is missing, which overstates small figures). Processes run the
interpreter and the ``hkbrief`` script directly (not through a pyenv shim, which adds ~40 ms to anything), with
compiled bytecode cached in a private ``PYTHONPYCACHEPREFIX``, as after ``pip install .``; a warm-up run fills it.

Targets (each printed as PASS or FAIL):
- a cold build of content.json (both outputs) takes at most 1.35x the floor's time;
- ``hkbrief --help`` takes under 0.1 s and imports none of python-pptx, reportlab, Pillow;
- ``hkbrief validate`` (which arranges and renders both editions of content.json in memory, as ``build`` would,
  writing nothing) takes at most 2.2x a cold build of one edition;
- the marginal cost per slide from ~100 to ~1,000 slides is within 1.3x of that from ~10 to ~100, and the
  1,000-slide build is faster than the floor's;
- peak memory stays under 150 MB at 1,000 slides;
- the Traditional Chinese and the bilingual builds of content.json (the latter in layouts/stacked.toml, and side
  by side in the default layout) take at most 1.2x the English build's time (the median of each round's ratio,
  the builds running seconds apart) and peak under 70 MB (the CJK font is 7 MB a face: it is mapped and read
  on demand, never loaded whole).

Generated briefs have N sections of four bullets (plus a summary and a speaker note) and are built with
``benchmarks/no-agenda.toml`` (the default layout without the agenda and takeaways slides, as the floor writes them
with ``--no-agenda``), so N sections make N + 1 slides; the one-pager leaves out what does not fit.
- and benchmarks/everyday.py's: ``preview`` within 1 s, a ``watch`` rebuild within 100 ms of the save, 100 briefs
  with ``--jobs 2`` within 2.5 s (``--no-everyday`` skips them).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import everyday  # noqa: E402 - beside this file: preview, watch and batch figures
ROOT = HERE.parent
CONTENT = ROOT / "content.json"
FLOOR = HERE / "floor.py"
NO_AGENDA = HERE / "no-agenda.toml"
HEAVY_MODULES = ("pptx", "reportlab", "PIL", "lxml", "fontTools")
TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None

COLD_RATIO_TARGET = 1.35
VALIDATE_RATIO_TARGET = 2.2  # two editions arranged and rendered, against one built; no writing
STARTUP_TARGET_S = 0.1
MARGINAL_RATIO_TARGET = 1.3
MEMORY_TARGET_MB = 150.0
EDITION_RATIO_TARGET = 1.2
EDITION_MEMORY_TARGET_MB = 70.0
# (label, --lang, layout): the bilingual edition in the layout made for it (Chinese under the English everywhere)
# and in the default layout, whose one-pager sets the sections in a column per language, searching for the
# column widths at which the two languages end level
EDITIONS = (("zh-Hant", "zh-Hant", "default"), ("bilingual", "bilingual", "stacked"),
            ("bilingual, side by side", "bilingual", "default"))


@dataclass
class Sample:
    seconds: float
    peak_mb: float
    returncode: int
    stdout: str = ""


@dataclass
class Case:
    label: str
    command: list[str]
    runs: int
    samples: list[Sample] = field(default_factory=list)
    timed_out: bool = False

    @property
    def seconds(self) -> float:
        return statistics.median(s.seconds for s in self.samples) if self.samples else float("nan")

    @property
    def peak_mb(self) -> float:
        return statistics.median(s.peak_mb for s in self.samples) if self.samples else float("nan")

    @property
    def ok(self) -> bool:
        return bool(self.samples) and not self.timed_out and all(s.returncode == 0 for s in self.samples)


def run_once(command: list[str], env: dict[str, str], cwd: Path, timeout: float) -> Sample | None:
    """Run ``command`` as a fresh process: wall time from spawn to exit, and the command's own peak RSS.

    A child's ``ru_maxrss`` also counts the forked copy of this process before ``exec`` (~20 MB here), so when
    ``/usr/bin/time`` exists the command runs under it: it is the one that forks, and it is ~2 MB.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss_file:
        wrapped = [TIME, "-f", "%M", "-o", rss_file.name, *command] if TIME else command
        start = time.perf_counter()
        # A session of its own, so that a run that times out is stopped with everything it started.
        process = subprocess.Popen(wrapped, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        try:
            stdout, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return None
        elapsed = time.perf_counter() - start
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # a fallback only: the largest child so far
        peak_kb = float(rss_file.read().strip().splitlines()[-1]) if TIME else usage.ru_maxrss
    return Sample(elapsed, peak_kb / 1024, process.returncode, stdout.decode(errors="replace"))


def measure(pairs: list[tuple[Case, Case | None]], env: dict[str, str], cwd: Path, timeout: float) -> None:
    """Run each case ``runs`` times, hkbrief and its floor alternating (and swapping who goes first each round)."""
    rounds = max(case.runs for pair in pairs for case in pair if case)
    for round_index in range(rounds):
        for hk, floor in pairs:
            order = [hk, floor] if round_index % 2 == 0 else [floor, hk]
            for case in order:
                if case is None or case.timed_out or round_index >= case.runs:
                    continue
                sample = run_once(case.command, env, cwd, timeout)
                if sample is None:
                    case.timed_out = True
                else:
                    case.samples.append(sample)
        print(f"  round {round_index + 1}/{rounds} done", file=sys.stderr)


def generated_brief(sections: int) -> dict:
    """N sections of four bullets, a summary and a speaker note each; no stats, quotes or sources."""
    return {
        "meta": {
            "title": f"Generated brief of {sections} sections",
            "date": "2026-11-25",
            "organisation": "hkbrief benchmark",
            "language": "en",
        },
        "sections": [
            {
                "id": f"s{i}",
                "heading": f"Section {i + 1}: growth and investment",
                "bullets": [
                    f"Point {j + 1} of section {i + 1}: the city added new start-ups, research posts and funds"
                    " this year"
                    for j in range(4)
                ],
                "summary": f"Section {i + 1} summarises the figures for start-ups, research and funding.",
                "notes": [f"Speaker notes for section {i + 1}: what to say about growth and investment."],
            }
            for i in range(sections)
        ],
        "stats": [],
        "quotes": [],
        "sources": [],
    }


WARM_SCRIPT = r"""
import json, statistics, sys, time
kind, content, layout, out, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
if kind == "hkbrief":
    from hkbrief.build import build
    def once():
        build(content, layout, out)
else:
    sys.path.insert(0, sys.argv[6])
    import floor
    def once():
        floor.main(content, out)
once()
times = []
for _ in range(runs):
    start = time.perf_counter()
    once()
    times.append(time.perf_counter() - start)
print(json.dumps(statistics.median(times)))
"""

IMPORTS_SCRIPT = r"""
import json, sys
from hkbrief.cli import main
try:
    main(sys.argv[2:], standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.argv[1].split(",") if m in sys.modules)), file=sys.stderr)
"""


def heavy_imports(env: dict[str, str], cwd: Path, arguments: list[str]) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", IMPORTS_SCRIPT, ",".join(HEAVY_MODULES), *arguments],
        env=env, cwd=cwd, capture_output=True, text=True, check=False,
    )
    return json.loads(result.stderr.strip().splitlines()[-1])


def slides_written(case: Case) -> int | None:
    for sample in case.samples:
        found = re.search(r"\((\d+) slides\)", sample.stdout)
        if found:
            return int(found.group(1))
    return None


def hkbrief_command() -> list[str]:
    script = Path(sys.executable).parent / "hkbrief"
    return [sys.executable, str(script)] if script.is_file() else [sys.executable, "-m", "hkbrief"]


def describe_machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            names = [line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")]
        if names:
            cpu = names[0]
    except OSError:
        pass
    versions = []
    for module in ("pptx", "reportlab", "lxml", "click"):
        try:
            from importlib.metadata import version

            versions.append(f"{module} {version({'pptx': 'python-pptx'}.get(module, module))}")
        except Exception:  # noqa: BLE001 - informational only
            pass
    return (f"{platform.system()} {platform.release()}, {os.cpu_count()} CPUs ({cpu}), "
            f"Python {platform.python_version()}, {', '.join(versions)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9, help="fresh processes per small case (default 9)")
    parser.add_argument("--large-runs", type=int, default=3, help="processes per generated 1,000-section case")
    parser.add_argument("--sizes", default="10,100,1000", help="sections in the generated briefs")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a run counts as failed")
    parser.add_argument("--quick", action="store_true", help="3 runs, sizes 10,100")
    parser.add_argument("--layout", default=str(NO_AGENDA),
                        help="layout for the generated briefs (default benchmarks/no-agenda.toml: N + 1 slides)")
    parser.add_argument("--no-everyday", action="store_true",
                        help="skip preview, watch and batch (benchmarks/everyday.py)")
    parser.add_argument("--no-bytecode", action="store_true",
                        help="run without cached bytecode (PYTHONDONTWRITEBYTECODE=1), as an editable install here")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.large_runs, args.sizes = 3, 1, "10,100"
    sizes = [int(size) for size in args.sizes.split(",")]

    with tempfile.TemporaryDirectory(prefix="hkbrief-bench-") as scratch_name:
        scratch = Path(scratch_name)
        env = dict(os.environ)
        env.pop("PYTHONPYCACHEPREFIX", None)
        if args.no_bytecode:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        else:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
        hk = hkbrief_command()
        floor = [sys.executable, str(FLOOR)]
        for size in sizes:
            (scratch / f"sections-{size}.json").write_text(json.dumps(generated_brief(size)), encoding="utf-8")

        small = [
            (Case("cold build, content.json", [*hk, "build", str(CONTENT), "-o", "out-hk"], args.runs),
             Case("floor", [*floor, str(CONTENT), "out-floor"], args.runs)),
            *((Case(f"cold build, {label}", [*hk, "build", str(CONTENT), "--lang", edition, "-o", "out-hk",
                                               "--layout", layout], args.runs), None)
              for label, edition, layout in EDITIONS),
            (Case("hkbrief --help", [*hk, "--help"], args.runs), None),
            (Case("hkbrief validate", [*hk, "validate", str(CONTENT)], args.runs), None),
            (Case("python -c pass", [sys.executable, "-c", "pass"], args.runs), None),
        ]
        large: dict[int, tuple[Case, Case, Case]] = {}
        for size in sizes:
            runs = args.large_runs if size >= 1000 else max(3, args.runs // 3)
            brief = str(scratch / f"sections-{size}.json")
            large[size] = (
                Case(f"build, {size} sections", [*hk, "build", brief, "-l", args.layout, "-o", f"out-{size}"], runs),
                Case("floor", [*floor, brief, f"out-floor-{size}", "--no-agenda"], runs),
                Case(f"  deck only, {size} sections",
                     [*hk, "build", brief, "-l", args.layout, "-o", f"out-{size}", "--format", "pptx"], runs),
            )

        print("warming up (bytecode cache, page cache)", file=sys.stderr)
        for pair in small:
            for case in pair:
                if case is not None:
                    run_once(case.command, env, scratch, args.timeout)
        print("small cases", file=sys.stderr)
        measure(small, env, scratch, args.timeout)
        print("generated briefs", file=sys.stderr)
        for size in sizes:
            full, floor_case, deck_only = large[size]
            measure([(full, floor_case), (deck_only, None)], env, scratch, args.timeout)

        warm_runs = max(3, args.runs)
        warm = {}
        for kind in ("hkbrief", "floor"):
            result = subprocess.run(
                [sys.executable, "-c", WARM_SCRIPT, kind, str(CONTENT), "default", str(scratch / f"warm-{kind}"),
                 str(warm_runs), str(HERE)],
                env=env, cwd=scratch, capture_output=True, text=True, check=True,
            )
            warm[kind] = json.loads(result.stdout.strip().splitlines()[-1])
        heavy = {
            "--help": heavy_imports(env, scratch, ["--help"]),
            "validate": heavy_imports(env, scratch, ["validate", str(CONTENT)]),
        }
        everyday_results = [] if args.no_everyday else everyday.report(hk, env, scratch, max(3, args.runs // 2))

    report(args, small, large, warm, heavy, sizes)
    for passed, text in everyday_results:
        print(f"{'PASS' if passed else 'FAIL'}  {text}")
    return 0


def paired_ratio(case: Case, reference: Case) -> float:
    """The median over rounds of ``case``'s time over ``reference``'s in the same round: the two run seconds
    apart, so a machine whose speed drifts over minutes (by a third, on the shared 2-vCPU machine this was
    tuned on) slows both alike, where the ratio of the two medians can take them from different minutes."""
    return statistics.median(ours.seconds / theirs.seconds for ours, theirs in zip(case.samples, reference.samples))


def _fmt_s(case: Case) -> str:
    if case.timed_out and not case.samples:
        return "timeout"
    if not case.ok:
        return "failed"
    return f"{case.seconds:.3f}"


def report(args, small, large, warm, heavy, sizes) -> None:
    print()
    print(f"machine: {describe_machine()}")
    print(f"bytecode: {'not cached (PYTHONDONTWRITEBYTECODE=1)' if args.no_bytecode else 'cached'}; "
          f"medians of {args.runs} runs (generated 1,000-section briefs: {args.large_runs}); "
          f"generated briefs built with {Path(args.layout).name}")
    print()
    header = f"{'case':<34} {'hkbrief s':>10} {'peak MB':>8} {'floor s':>8} {'peak MB':>8} {'ratio':>6}"
    print(header)
    print("-" * len(header))

    def row(case: Case, floor: Case | None) -> None:
        floor_s = _fmt_s(floor) if floor else ""
        floor_mb = f"{floor.peak_mb:.0f}" if floor and floor.samples else ""
        ratio = f"{case.seconds / floor.seconds:.2f}" if floor and case.ok and floor.ok else ""
        mb = f"{case.peak_mb:.0f}" if case.samples else ""
        print(f"{case.label:<34} {_fmt_s(case):>10} {mb:>8} {floor_s:>8} {floor_mb:>8} {ratio:>6}")

    for hk, floor in small:
        row(hk, floor)
    print(f"{'warm build in-process, content.json':<34} {warm['hkbrief']:>10.3f} {'':>8} {warm['floor']:>8.3f} "
          f"{'':>8} {warm['hkbrief'] / warm['floor']:>6.2f}")
    slides: dict[int, int | None] = {}
    for size in sizes:
        full, floor, deck_only = large[size]
        slides[size] = slides_written(deck_only) or slides_written(full)
        row(full, floor)
        row(deck_only, None)
    print()
    print("slides per generated brief: " + ", ".join(f"{size} sections -> {slides[size]}" for size in sizes))
    print(f"heavy modules imported: --help {heavy['--help'] or 'none'}, validate {heavy['validate'] or 'none'}")
    print()

    results: list[tuple[bool, str]] = []
    cold, cold_floor = small[0]
    if cold.ok and cold_floor.ok:
        ratio = cold.seconds / cold_floor.seconds
        results.append((ratio <= COLD_RATIO_TARGET,
                        f"cold build {cold.seconds:.3f} s = {ratio:.2f}x floor (target <= {COLD_RATIO_TARGET}x)"))
    else:
        results.append((False, "cold build failed"))
    by_label = {hk.label: hk for hk, _ in small}
    for edition, _, _ in EDITIONS:
        case = by_label[f"cold build, {edition}"]
        if case.ok and cold.ok:
            ratio = paired_ratio(case, cold)
            results.append((ratio <= EDITION_RATIO_TARGET and case.peak_mb < EDITION_MEMORY_TARGET_MB,
                            f"{edition} build {case.seconds:.3f} s = {ratio:.2f}x the English build (target <="
                            f" {EDITION_RATIO_TARGET}x; the median of the rounds' ratios, the medians'"
                            f" ratio is {case.seconds / cold.seconds:.2f}x), peak {case.peak_mb:.0f} MB (target <"
                            f" {EDITION_MEMORY_TARGET_MB:.0f} MB)"))
        else:
            results.append((False, f"{edition} build failed"))
    helped = by_label["hkbrief --help"]
    fast = helped.ok and helped.seconds < STARTUP_TARGET_S
    results.append((fast and not heavy["--help"],
                    f"--help: {_fmt_s(helped)} s (target < {STARTUP_TARGET_S} s), heavy imports: "
                    f"{', '.join(heavy['--help']) or 'none'}"))
    checked = by_label["hkbrief validate"]
    if checked.ok and cold.ok:
        ratio = checked.seconds / cold.seconds
        results.append((ratio <= VALIDATE_RATIO_TARGET,
                        f"validate (both editions): {_fmt_s(checked)} s = {ratio:.2f}x a cold build "
                        f"(target <= {VALIDATE_RATIO_TARGET}x)"))
    else:
        results.append((False, "validate failed"))
    if {10, 100, 1000} <= set(sizes):
        full = {size: large[size][0] for size in (10, 100, 1000)}
        deck_only = {size: large[size][2] for size in (10, 100, 1000)}
        for name, cases in (("build", full), ("deck only", deck_only)):
            if all(c.ok for c in cases.values()) and all(slides[s] for s in (10, 100, 1000)):
                low = (cases[100].seconds - cases[10].seconds) / (slides[100] - slides[10])
                high = (cases[1000].seconds - cases[100].seconds) / (slides[1000] - slides[100])
                text = (f"{name}: marginal ms/slide {low * 1000:.2f} (~10->100), {high * 1000:.2f} (~100->1,000): "
                        f"{high / low:.2f}x (target <= {MARGINAL_RATIO_TARGET}x)")
                results.append((high / low <= MARGINAL_RATIO_TARGET, text) if name == "build" else (None, text))
            elif name == "build":
                results.append((False, "build: marginal cost per slide not measurable (a generated build failed or"
                                       " timed out)"))
        big, big_floor = large[1000][0], large[1000][1]
        if big.ok and big_floor.ok:
            results.append((big.seconds < big_floor.seconds,
                            f"1,000 sections: {big.seconds:.2f} s vs floor {big_floor.seconds:.2f} s (target: faster)"))
            results.append((big.peak_mb < MEMORY_TARGET_MB,
                            f"1,000 sections: peak {big.peak_mb:.0f} MB (target < {MEMORY_TARGET_MB:.0f} MB)"))
        else:
            results.append((False, f"1,000 sections: build {_fmt_s(big)}, floor {_fmt_s(big_floor)}"))
        deck_big = large[1000][2]
        if deck_big.ok:
            results.append(
                (None, f"1,000 sections, deck only: {deck_big.seconds:.2f} s, peak {deck_big.peak_mb:.0f} MB")
            )
    else:
        results.append((False, "scaling targets need --sizes 10,100,1000"))
    for passed, text in results:
        print(f"{'PASS' if passed else 'info' if passed is None else 'FAIL'}  {text}")


if __name__ == "__main__":
    sys.exit(main())
