"""Every deck hkbrief writes while the tests run is checked by openxml-audit, an OOXML schema and semantics
validator that is not hkbrief (and not LibreOffice, which opens much that PowerPoint repairs or refuses).

Policy: strict, against the Microsoft 365 format; any finding of severity "error" fails the test that built the
deck (at its teardown), with the part, the path and the message. Decks are caught two ways:

- in-process: ``hkbrief.render.pptx.render_deck`` is wrapped when the session starts, so every deck a test renders
  (through ``build`` or directly) is recorded;
- out of process (tests that run the ``hkbrief`` command): after each test that used ``tmp_path``, every ``.pptx``
  under it whose app properties name hkbrief as the application is checked.

Identical decks (builds repeat byte for byte) are audited once; ``summary`` gives the figures for the report.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
import zipfile
from pathlib import Path

from openxml_audit import FileFormat, OpenXmlValidator, ValidationSeverity

FILE_FORMAT = FileFormat.MICROSOFT_365


class DeckAudit:
    def __init__(self) -> None:
        self._validator = OpenXmlValidator(file_format=FILE_FORMAT, strict=True)
        self._results: dict[str, list[str]] = {}  # SHA-256 of the deck -> its errors
        self._pending: list[bytes] = []
        self.seconds = 0.0
        self.warnings = 0

    # -- collecting -----------------------------------------------------------------------------------------

    def record(self, deck: bytes) -> None:
        self._pending.append(deck)

    def wrap(self, render_deck):
        """``render_deck`` that records what it returns."""

        def audited_render_deck(*args, **kwargs):
            deck = render_deck(*args, **kwargs)
            self.record(deck)
            return deck

        audited_render_deck.__wrapped__ = render_deck
        audited_render_deck.__doc__ = render_deck.__doc__
        return audited_render_deck

    def collect(self, folder: Path, since: float) -> None:
        """hkbrief's decks written under ``folder`` since ``since`` (a time.time())."""
        if not folder.is_dir():
            return
        for path in folder.rglob("*.pptx"):
            try:
                if not path.is_file() or path.stat().st_mtime < since - 1:
                    continue
                blob = path.read_bytes()
            except OSError:
                continue
            if written_by_hkbrief(blob):
                self.record(blob)

    # -- checking -------------------------------------------------------------------------------------------

    def problems(self) -> list[str]:
        """The errors of every deck recorded since the last call."""
        pending, self._pending = self._pending, []
        found = []
        for deck in pending:
            key = hashlib.sha256(deck).hexdigest()
            if key not in self._results:
                self._results[key] = self.audit(deck)
            found.extend(self._results[key])
        return found

    def audit(self, deck: bytes) -> list[str]:
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="hkbrief-audit-") as folder:
            path = Path(folder) / "deck.pptx"
            path.write_bytes(deck)
            result = self._validator.validate(path)
        self.seconds += time.perf_counter() - started
        self.warnings += result.warning_count
        return [str(error) for error in result.errors if error.severity is ValidationSeverity.ERROR]

    def summary(self) -> str:
        failing = sum(1 for errors in self._results.values() if errors)
        errors = sum(len(errors) for errors in self._results.values())
        return (f"openxml-audit ({FILE_FORMAT.value}, strict): {len(self._results)} distinct decks checked in "
                f"{self.seconds:.1f} s, {errors} error(s) in {failing} deck(s), {self.warnings} warning(s)")


def written_by_hkbrief(deck: bytes) -> bool:
    """Whether a .pptx is one of ours (its app properties name hkbrief), not a template or a test's own deck."""
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(deck)) as package:
            app = package.read("docProps/app.xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError):
        return False
    return "<Application>hkbrief " in app
