"""What the commands print, and how: quiet or verbose, colour only on a terminal and never under ``NO_COLOR``.

Results (``wrote dist/x.pptx``) go to stdout; warnings, errors, progress and stage times to stderr, so a script
can read the written paths from stdout alone. Colour follows https://no-color.org: any non-empty ``NO_COLOR``
turns it off; otherwise Click strips it whenever the stream is not a terminal.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import IntEnum

import click


class Verbosity(IntEnum):
    QUIET = 0  # errors only
    NORMAL = 1  # what was written, warnings, errors
    VERBOSE = 2  # and the time each stage took


def colour_allowed() -> bool:
    return not os.environ.get("NO_COLOR")


@dataclass(frozen=True, slots=True)
class Console:
    verbosity: Verbosity = Verbosity.NORMAL

    def _echo(self, text: str, err: bool, **style: object) -> None:
        colour = colour_allowed()
        click.echo(click.style(text, **style) if colour and style else text, err=err,
                   color=None if colour else False)

    def result(self, text: str) -> None:
        """A line on stdout saying what was made (silent under --quiet)."""
        if self.verbosity >= Verbosity.NORMAL:
            self._echo(text, False, fg="green")

    def info(self, text: str) -> None:
        """A plain line on stdout (silent under --quiet)."""
        if self.verbosity >= Verbosity.NORMAL:
            self._echo(text, False)

    def warning(self, text: str) -> None:
        if self.verbosity >= Verbosity.NORMAL:
            self._echo(text, True, fg="yellow")

    def error(self, text: str) -> None:
        """Always shown: ``--quiet`` silences success, never failure."""
        self._echo(text, True, fg="red")

    def detail(self, text: str) -> None:
        """Shown only with --verbose, on stderr."""
        if self.verbosity >= Verbosity.VERBOSE:
            self._echo(text, True, dim=True)

    def summary(self, text: str, failed: bool) -> None:
        if failed or self.verbosity >= Verbosity.NORMAL:
            self._echo(text, True, bold=True, fg="red" if failed else None)


def stage_times(stages: tuple[tuple[str, float], ...]) -> str:
    """``load 9 ms, arrange deck 16 ms, ... (total 120 ms)`` for --verbose."""
    parts = [f"{name} {seconds * 1000:.0f} ms" for name, seconds in stages]
    total = sum(seconds for _, seconds in stages)
    return ", ".join(parts) + f" (total {total * 1000:.0f} ms)"


__all__ = ["Console", "Verbosity", "colour_allowed", "stage_times"]
