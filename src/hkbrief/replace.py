"""Replacing a set of output files (the deck and the one-pager) so that an interruption at any point is recovered.

A build replaces its outputs in five steps, in the output folder itself (renames within one folder are atomic):

1. each new file is written beside its target as ``.NAME.XXXXXXXX.part`` and flushed to disk;
2. each target that exists gets a hard-link backup ``.NAME.XXXXXXXX.old``;
3. a journal, ``.hkbrief-replace.json``, lists every (part, target, backup); it is written to a part of its own,
   flushed, and renamed into place;
4. the parts are renamed over their targets, one after the other;
5. the backups, then the journal, are removed.

Killed (power cut, SIGKILL, a crash) during 1-3, nothing a user sees has changed: there is no journal, and the next
build removes the ``.part`` and ``.old`` files left behind. Killed during 4-5, the journal is there: the next build
finishes the replacement (every part it names is complete, because step 1 flushed them before step 3 wrote the
journal), removes the backups and the journal, and says so in one line. An error during 4 (a full disk, a
permission) is undone at once from the backups. Ctrl-C is held from step 3 to the end, so it never splits the
pair; it then stops the program with a message that says what the folder holds (:class:`Interrupted`).

Two builds into one folder take turns: the folder is locked (``flock``) while one recovers or replaces.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from hkbrief.errors import OutputError

JOURNAL = ".hkbrief-replace.json"
# What steps 1-3 leave behind: ``.<name>.<mkstemp's 8 characters>.part`` or ``.old``, for our outputs (decks,
# one-pagers, slide PDFs, preview pictures) and the journal
_LEFTOVER = re.compile(r"^\.(?P<target>.+\.(?:pptx|pdf|png|json))\.[a-z0-9_]{8}\.(?:part|old)$")


class Interrupted(KeyboardInterrupt):
    """Ctrl-C arrived while the outputs were being replaced; ``state`` says what the folder holds now."""

    def __init__(self, state: str) -> None:
        super().__init__(state)
        self.state = state


def _after_step(step: str) -> None:
    """Called after each step of a replacement ("parts written", "backups made", "journal written",
    "renamed 1", ..., "backups removed"); does nothing. Tests interrupt a replacement here to check each step's
    recovery."""


def replace_files(files: list[tuple[Path, bytes]], folder: Path) -> list[str]:
    """Write ``files`` (target, bytes; every target in ``folder``) so that all are replaced or none.

    Returns one-line notes on anything an earlier, interrupted build left behind and this one set right.
    Raises :class:`OutputError` (the folder left as it was) or :class:`Interrupted`.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder: {exc.strerror}", str(folder)) from None
    for target, _ in files:
        if target.is_dir():
            raise OutputError("is a folder; move it away or choose another --out", str(target))
    with _locked(folder):
        notes = recover(folder)
        _replace(files, folder)
    return notes


def recover(folder: Path) -> list[str]:
    """Finish a replacement an interrupted build left in ``folder`` and remove its leftovers; what was done, in
    one line (or nothing). The caller holds the folder's lock."""
    finished: list[str] = []
    journal = folder / JOURNAL
    referenced: set[str] = set()
    with _interrupts_held() as received:
        if journal.is_file():
            entries = _read_journal(journal)
            for part, target, backup in entries:
                if (folder / part).exists():
                    os.replace(folder / part, folder / target)
                finished.append(target)
                referenced.update(name for name in (part, backup) if name)
            _sync(folder)
            for _, _, backup in entries:
                if backup:
                    (folder / backup).unlink(missing_ok=True)
            journal.unlink()
            _sync(folder)
        removed = 0
        for entry in folder.iterdir():
            if _LEFTOVER.match(entry.name) and entry.is_file() and not entry.is_symlink():
                entry.unlink(missing_ok=True)
                removed += 1
    if received:
        raise Interrupted(f"{folder}: interrupted while finishing an earlier build's replacement, which is now"
                          " complete")
    parts = []
    if finished:
        parts.append(f"finished replacing {', '.join(finished)}, which an interrupted build had left half done")
    if removed:
        parts.append(f"removed {removed} leftover temporary file{'s' if removed > 1 else ''} of an interrupted"
                     " build")
    return [f"{folder}: {'; '.join(parts)}"] if parts else []


def _read_journal(journal: Path) -> list[tuple[str, str, str | None]]:
    where = str(journal)
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
        entries = [(item["part"], item["target"], item.get("backup")) for item in data["replacing"]]
    except (OSError, ValueError, KeyError, TypeError):
        raise OutputError("an interrupted build's journal is unreadable, so hkbrief cannot tell which outputs are"
                          " current; check the files beside it, then delete it", where) from None
    for names in entries:
        for name in names:
            if name is not None and (not isinstance(name, str) or Path(name).name != name or name in ("", ".", "..")):
                raise OutputError(f"names a file outside its folder ({name!r}); delete it", where)
    return entries


def _replace(files: list[tuple[Path, bytes]], folder: Path) -> None:
    mode = 0o666 & ~_umask()
    parts: list[tuple[Path, Path]] = []
    backups: dict[Path, Path] = {}
    journal_written = False
    renamed: list[Path] = []
    try:
        for target, data in files:
            handle, name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".part")
            parts.append((Path(name), target))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(name, mode)
        _after_step("parts written")
        for _, target in parts:
            if target.exists():
                backup = Path(tempfile.mktemp(dir=folder, prefix=f".{target.name}.", suffix=".old"))
                try:
                    os.link(target, backup)
                except OSError:
                    shutil.copy2(target, backup)  # a file system without hard links
                backups[target] = backup
        _after_step("backups made")
        with _interrupts_held() as received:
            try:
                _write_journal(folder, parts, backups)
                journal_written = True
                _after_step("journal written")
                for number, (part, target) in enumerate(parts, start=1):
                    os.replace(part, target)
                    renamed.append(target)
                    _after_step(f"renamed {number}")
                _sync(folder)
            except BaseException:  # an I/O error, or an interrupt delivered by other means: undo
                for target in reversed(renamed):
                    if target in backups:
                        os.replace(backups.pop(target), target)
                    else:
                        target.unlink(missing_ok=True)
                if journal_written:
                    (folder / JOURNAL).unlink(missing_ok=True)
                raise
            parts.clear()
            for backup in backups.values():
                backup.unlink(missing_ok=True)
            backups.clear()
            _after_step("backups removed")
            (folder / JOURNAL).unlink()
            _sync(folder)
    except OSError as exc:
        raise OutputError(f"cannot write the outputs: {exc.strerror or exc}; the folder was left as it was",
                          str(folder)) from None
    finally:
        for part, _ in parts:
            part.unlink(missing_ok=True)
        for backup in backups.values():
            backup.unlink(missing_ok=True)
    if received:
        names = " and ".join(target.name for target, _ in files)
        raise Interrupted(f"{folder}: interrupted after the outputs were replaced; it holds the new {names}")


def _write_journal(folder: Path, parts: list[tuple[Path, Path]], backups: dict[Path, Path]) -> None:
    entries = [{"part": part.name, "target": target.name,
                "backup": backups[target].name if target in backups else None} for part, target in parts]
    handle, name = tempfile.mkstemp(dir=folder, prefix=f"{JOURNAL}.", suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump({"replacing": entries}, stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(name, folder / JOURNAL)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    _sync(folder)


def _sync(folder: Path) -> None:
    """Flush the folder's entries (the renames) to disk, where the platform allows it."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # some file systems (and Windows) cannot sync a folder
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on the folder (released by the system if the process dies); no-op without flock."""
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


@contextlib.contextmanager
def _interrupts_held() -> Iterator[list[int]]:
    """Hold SIGINT while the block runs; the caller gets the list of signals received (main thread only)."""
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield received
    finally:
        signal.signal(signal.SIGINT, previous)
