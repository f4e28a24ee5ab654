"""``hkbrief watch``: rebuild whenever the content, the layout, an image, a font or a template changes.

Changes are found by polling the files' modification times and sizes every :data:`POLL_INTERVAL_S`, rather than
with an OS notification library (watchdog): a brief is a handful of files, so a poll costs a few microseconds;
polling needs no dependency, sees files replaced by rename (how most editors save) without re-arming a watch, and
works on network drives, WSL and container mounts, where inotify events often never arrive. A change starts a
rebuild once the files have stayed unchanged for :data:`SETTLE_S` (the debounce), so an editor's write-then-rename
or a "save all" makes one build, not three.

Each build prints one line with its time. An error prints one line too (the first problem, and how many more) and
watching goes on; ``--serve`` shows every problem on the page until a build succeeds again.
"""

from __future__ import annotations

import dataclasses
import threading
import time
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from hkbrief.errors import HkbriefError

POLL_INTERVAL_S = 0.025  # 40 polls a second: a save is seen within 25 ms, at a negligible cost
SETTLE_S = 0.010  # once a change is seen, the files must stay as they are this long before the build starts
EMPTY_GRACE_S = 0.5  # an emptied content file is waited for this long (an editor mid-save) before it is built
FONT_SUFFIXES = (".ttf", ".otf", ".ttc")
TEMPLATE_SUFFIXES = (".pptx", ".potx")

Stamp = tuple[int, int] | None  # (mtime in ns, size), or None for a file that is not there


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What one rebuild did, for the terminal line and the served page."""

    number: int
    finished: float  # time.time() when it ended
    seconds: float
    ok: bool
    summary: str  # "17 slides, 3 files" or the first problem
    problems: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()  # the files whose change started it
    details: tuple[str, ...] = ()  # stage times and the like, for --verbose


@dataclass(slots=True)
class WatchState:
    """The latest build, shared with the preview server's threads."""

    latest: BuildReport | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    changed: threading.Condition = field(init=False)

    def __post_init__(self) -> None:
        self.changed = threading.Condition(self.lock)

    def publish(self, report: BuildReport) -> None:
        with self.changed:
            self.latest = report
            self.changed.notify_all()

    def snapshot(self) -> BuildReport | None:
        with self.lock:
            return self.latest


def layout_files(layout: str, content_dir: Path) -> list[Path]:
    """The layout file, the layouts it extends, and every file its values name (fonts, templates), if they exist.

    Built-in layouts are watched too: editing a built-in layout in a development checkout rebuilds.
    """
    from hkbrief.layoutspec import builtin_layout_dir

    found: list[Path] = []

    def resolve(name: str, relative_to: Path) -> Path | None:
        if not (name.endswith(".toml") or "/" in name or "\\" in name):
            candidate = builtin_layout_dir() / f"{name}.toml"
            return candidate if candidate.is_file() else None
        path = Path(name)
        path = path if path.is_absolute() else relative_to / path
        return path if path.is_file() else None

    def visit(path: Path | None) -> None:
        if path is None or path in found:
            return
        found.append(path)
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return  # the build will report it; the file itself is already watched
        for value in _strings(raw):
            if value.endswith(".toml") or value in _builtin_names():
                visit(resolve(value, path.parent))
            elif value.lower().endswith(FONT_SUFFIXES + TEMPLATE_SUFFIXES):
                named = Path(value) if Path(value).is_absolute() else path.parent / value
                if named.is_file() and named not in found:
                    found.append(named)

    visit(resolve(layout, Path.cwd()))
    return found


def _builtin_names() -> list[str]:
    from hkbrief.layoutspec import builtin_layout_names

    return builtin_layout_names()


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def bundled_fonts() -> list[Path]:
    fonts = Path(__file__).with_name("fonts")
    return sorted(p for p in fonts.rglob("*") if p.suffix.lower() in FONT_SUFFIXES)


def image_files(content: Path) -> list[Path] | None:
    """The images the brief names, resolved beside it; None when the brief cannot be read just now."""
    from hkbrief.content import load_brief

    try:
        brief = load_brief(content)
    except HkbriefError:
        return None
    return [content.parent / s.image.path for s in brief.sections if s.image is not None]


class Watcher:
    """Polls the brief's files and calls ``rebuild`` after each settled change (and once at the start)."""

    def __init__(self, content: Path, layout: str, rebuild: Callable[[], tuple[str, tuple[str, ...]]],
                 on_report: Callable[[BuildReport], None], extra_files: Iterable[Path] = (),
                 interval: float = POLL_INTERVAL_S) -> None:
        self.content = content
        self.layout = layout
        self.rebuild = rebuild
        self.on_report = on_report
        self.extra_files = list(extra_files)
        self.interval = interval
        self.images: list[Path] = []
        self.number = 0

    def files(self) -> list[Path]:
        paths = [self.content, *self.images, *layout_files(self.layout, self.content.parent), *self.extra_files,
                 *bundled_fonts()]
        return list(dict.fromkeys(paths))

    @staticmethod
    def stamps(paths: Iterable[Path]) -> dict[Path, Stamp]:
        found: dict[Path, Stamp] = {}
        for path in paths:
            try:
                info = path.stat()
                found[path] = (info.st_mtime_ns, info.st_size)
            except OSError:
                found[path] = None
        return found

    def build_once(self, changed: tuple[str, ...] = ()) -> BuildReport:
        self.number += 1
        started = time.perf_counter()
        try:
            summary, details = self.rebuild()
            report = BuildReport(self.number, time.time(), time.perf_counter() - started, True, summary,
                                 changed=changed, details=details)
        except HkbriefError as exc:
            problems = tuple(str(p) for p in exc.problems)
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            report = BuildReport(self.number, time.time(), time.perf_counter() - started, False,
                                 problems[0] + more if problems else "failed", problems, changed)
        except Exception as exc:  # noqa: BLE001 - a bug must not end the watch; it is shown like an error
            problem = f"internal error: {type(exc).__name__}: {exc} (run `hkbrief build --debug` and report it)"
            report = BuildReport(self.number, time.time(), time.perf_counter() - started, False, problem,
                                 (problem,), changed)
        self.images = image_files(self.content) or self.images
        self.on_report(report)
        return report

    def run(self, stop: threading.Event) -> None:
        """Build, then poll until ``stop`` is set. The files are stamped before each build reads them, so a save
        that lands during a build starts the next one."""
        self.images = image_files(self.content) or []
        paths = self.files()
        seen = self.stamps(paths)
        self.build_once()
        paths, seen = self._refresh(paths, seen)
        pending: dict[Path, Stamp] | None = None
        pending_since = 0.0
        while not stop.wait(self.interval if pending is None else min(self.interval, SETTLE_S)):
            now = self.stamps(paths)
            if pending is not None and now == pending and self._mid_save(now, pending_since):
                continue  # the content file is empty: an editor that truncates, then writes; give it a moment
            if pending is not None and now == pending:  # settled: nothing moved for one poll
                changed = tuple(_shown(p) for p in paths if now.get(p) != seen.get(p))
                seen, pending = now, None
                self.build_once(changed)
                paths, seen = self._refresh(paths, seen)
            elif now != seen:
                if pending is None:
                    pending_since = time.monotonic()
                pending = now
            else:
                pending = None

    def _mid_save(self, now: dict[Path, Stamp], since: float) -> bool:
        """True while the content file is empty and has been so for less than :data:`EMPTY_GRACE_S`."""
        stamp = now.get(self.content)
        return stamp is not None and stamp[1] == 0 and time.monotonic() - since < EMPTY_GRACE_S

    def _refresh(self, paths: list[Path], seen: dict[Path, Stamp]) -> tuple[list[Path], dict[Path, Stamp]]:
        """After a build the brief may name other images and the layout other files: watch those from now on."""
        current = self.files()
        if current == paths:
            return paths, seen
        added = self.stamps(p for p in current if p not in seen)
        return current, {p: seen[p] if p in seen else added[p] for p in current}


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def report_line(report: BuildReport) -> str:
    """``12:04:31  built in 84 ms: 17 slides, 2 files (content.json changed)``, or the first problem."""
    clock = time.strftime("%H:%M:%S", time.localtime(report.finished))
    cause = f" ({', '.join(report.changed)} changed)" if report.changed else ""
    if report.ok:
        return f"{clock}  built in {report.seconds * 1000:.0f} ms: {report.summary}{cause}"
    return f"{clock}  failed after {report.seconds * 1000:.0f} ms: {report.summary}"


def as_json(report: BuildReport | None) -> dict:
    if report is None:
        return {"number": 0}
    return dataclasses.asdict(report)


__all__ = ["BuildReport", "POLL_INTERVAL_S", "WatchState", "Watcher", "as_json", "layout_files", "report_line"]
