"""Building many briefs at once: folders expanded, jobs run in parallel processes, every failure kept and named.

Each brief is one :func:`hkbrief.build.build`, so each keeps the single build's promise (all its outputs or none,
the folder otherwise as it was); one broken brief does not stop the others. Processes rather than threads:
arranging and rendering are pure Python and hold the GIL. In parallel, the workers only arrange and render
(:func:`~hkbrief.build.render_build`); the parent writes each brief's files as they come back, so no worker
waits on the disk (every file is flushed to it) or on another's lock on the output folder. On Linux the
workers are forked from a parent that has already built the first brief, so a worker starts with every import,
font and template loaded instead of paying for them again; elsewhere they are spawned.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from hkbrief.build import BuildResult, OutputFormat, RenderedBuild, output_stem, render_build, write_rendered
from hkbrief.collector import collect_rarely
from hkbrief.errors import HkbriefError, OutputError
from hkbrief.layoutspec import Paper
from hkbrief.model import Language

SCHEMA_SUFFIX = ".schema.json"  # a schema copy beside the briefs (as `hkbrief init` writes) is not a brief


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """Everything ``hkbrief build`` passes to :func:`~hkbrief.build.build` besides the content file."""

    layout: str = "default"
    out_dir: Path = Path("dist")
    formats: tuple[OutputFormat, ...] = (OutputFormat.PPTX, OutputFormat.PDF)
    language: Language | tuple[Language, ...] | None = None
    paper: Paper | None = None
    strict: bool = False
    allow_outside_images: bool = False
    name: str | None = None
    out_file: Path | None = None
    require_translated: bool = False
    template: Path | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """One brief's build: what it wrote, or the problems (one line each) that stopped it."""

    content: Path
    result: BuildResult | None = None
    problems: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.result is not None


@dataclass(slots=True)
class BatchSummary:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    def line(self) -> str:
        built = len(self.outcomes) - len(self.failed)
        files = sum(len(o.result.written) for o in self.outcomes if o.result)
        text = f"built {built} of {len(self.outcomes)} briefs ({files} files) in {self.seconds:.1f} s"
        return text + (f"; {len(self.failed)} failed" if self.failed else "")


def expand_inputs(paths: Iterable[Path]) -> list[Path]:
    """Content files from the command line: a folder stands for its ``*.json`` files and the ``content.json`` of
    each subfolder (the shape ``hkbrief init`` makes), in name order; schema copies are skipped."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = [p for p in path.glob("*.json") if not p.name.endswith(SCHEMA_SUFFIX)]
            inside += [p for p in path.glob("*/content.json")]
            if not inside:
                raise OutputError("is a folder with no content files in it (*.json, or */content.json); give a content"
                                  " file or a folder of them", str(path))
            found.extend(sorted(inside))
        else:
            found.append(path)
    unique: dict[Path, None] = {}
    for path in found:
        unique.setdefault(path, None)
    return list(unique)


def build_one(content: Path, options: BuildOptions) -> Outcome:
    """Build one brief, turning every error into lines that name it (a bug too: the others must go on)."""
    started = time.perf_counter()
    rendered = render_one(content, options)
    return rendered if isinstance(rendered, Outcome) else write_one(content, rendered, started)


def render_one(content: Path, options: BuildOptions) -> RenderedBuild | Outcome:
    """Arrange and render one brief to memory; an :class:`Outcome` naming the problems if that fails."""
    started = time.perf_counter()
    try:
        return render_build(content, options.layout, options.out_dir, options.formats, options.language,
                            options.paper, options.strict, options.allow_outside_images, options.require_translated,
                            options.name, options.out_file, options.template)
    except Exception as exc:  # noqa: BLE001 - a bug in hkbrief must not stop the other briefs
        return _failed(content, exc, started)


def write_one(content: Path, rendered: RenderedBuild, started: float) -> Outcome:
    """Write a rendered brief's files; its outcome, timed from ``started``."""
    try:
        result = write_rendered(rendered)
    except Exception as exc:  # noqa: BLE001 - as in render_one
        return _failed(content, exc, started)
    return Outcome(content, result, seconds=time.perf_counter() - started)


def _failed(content: Path, exc: Exception, started: float) -> Outcome:
    if isinstance(exc, HkbriefError):
        problems = tuple(str(p) if str(content) in p.where else f"{content}: {p}" for p in exc.problems)
    else:
        problems = (f"{content}: internal error: {type(exc).__name__}: {exc} (run it alone with --debug and report"
                    " it)",)
    return Outcome(content, problems=problems, seconds=time.perf_counter() - started)


def clashing_names(contents: Sequence[Path], options: BuildOptions) -> dict[Path, Path]:
    """Briefs whose outputs would take the name of an earlier brief's in the same folder: {later: earlier}.

    Only briefs whose meta loads are compared (read alone: the builds read the rest); one that does not is left
    for its own build to report.
    """
    from hkbrief.content import load_meta

    layout_name = Path(options.layout).stem
    first: dict[str, Path] = {}
    clashes: dict[Path, Path] = {}
    for content in contents:
        try:
            meta = load_meta(content)
        except HkbriefError:
            continue
        stem = output_stem(meta, options.language or meta.language, options.name, layout_name,
                           Path(options.template).stem if options.template else None)
        if stem in first:
            clashes[content] = first[stem]
        else:
            first[stem] = content
    return clashes


def run_batch(contents: Sequence[Path], options: BuildOptions, jobs: int = 1,
              on_done: Callable[[Outcome], None] | None = None) -> BatchSummary:
    """Build every brief, ``jobs`` at a time; ``on_done`` hears of each as it finishes (for a progress bar)."""
    started = time.perf_counter()
    summary = BatchSummary()
    clashes = clashing_names(contents, options) if len(contents) > 1 else {}

    def done(outcome: Outcome) -> None:
        summary.outcomes.append(outcome)
        if on_done is not None:
            on_done(outcome)

    pending: list[Path] = []
    for content in contents:
        if content in clashes:
            done(Outcome(content, problems=(
                f"{content}: its outputs would have the same names as those of {clashes[content]} in"
                f" {options.out_dir}; not built (give them different titles, or build them into different --out"
                " folders)",)))
        else:
            pending.append(content)
    if jobs <= 1 or len(pending) <= 1:
        for content in pending:
            done(build_one(content, options))
    else:
        _run_parallel(pending, options, jobs, done)
    order = {path: index for index, path in enumerate(contents)}
    summary.outcomes.sort(key=lambda o: order[o.content])
    summary.seconds = time.perf_counter() - started
    return summary


def _run_parallel(contents: Sequence[Path], options: BuildOptions, jobs: int,
                  done: Callable[[Outcome], None]) -> None:
    forking = sys.platform == "linux"
    if forking:
        done(_warm_up(contents[0], options))
        contents = contents[1:]
    context = multiprocessing.get_context("fork" if forking else "spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(contents)), mp_context=context,
                             initializer=_worker_started) as pool:
        futures: dict[Future, Path] = {pool.submit(render_one, c, options): c for c in contents}
        remaining = set(futures)
        while remaining:
            finished, remaining = wait(remaining, return_when=FIRST_COMPLETED)
            for future in finished:
                content = futures[future]
                try:
                    rendered = future.result()
                except Exception as exc:  # noqa: BLE001 - a worker that died (killed, out of memory)
                    done(Outcome(content, problems=(
                        f"{content}: the build process failed: {type(exc).__name__}: {exc}",)))
                    continue
                if isinstance(rendered, Outcome):
                    done(rendered)
                else:  # timed from when its worker started it, as a build alone is
                    rendering = sum(seconds for _, seconds in rendered.result.stages)
                    done(write_one(content, rendered, time.perf_counter() - rendering))


def _warm_up(first: Path, options: BuildOptions) -> Outcome:
    """Before the workers fork: build the first brief here, so that every import, font table and template the
    builds share is loaded once and inherited (and no brief is built twice for it), then freeze those objects
    out of the garbage collector's reach (no scanning, no copy-on-write of the shared pages)."""
    outcome = build_one(first, options)
    gc.collect()
    gc.freeze()
    return outcome


def _worker_started() -> None:
    """Collect garbage rarely in the workers, as the ``hkbrief`` command does (see :mod:`hkbrief.collector`)."""
    collect_rarely()


def default_jobs() -> int:
    """One job per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


__all__ = ["BatchSummary", "BuildOptions", "Outcome", "build_one", "default_jobs", "expand_inputs", "run_batch"]
