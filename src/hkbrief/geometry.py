"""Boxes and sizes in points (1/72 inch), origin at the top-left: the one unit above the writers."""

from __future__ import annotations

from dataclasses import dataclass

POINTS_PER_INCH = 72.0
POINTS_PER_MM = 72.0 / 25.4


def mm(value: float) -> float:
    """Millimetres to points."""
    return value * POINTS_PER_MM


@dataclass(frozen=True, slots=True)
class Size:
    w: float
    h: float


@dataclass(frozen=True, slots=True)
class Insets:
    """Space inside a box, in points."""

    left: float = 0.0
    top: float = 0.0
    right: float = 0.0
    bottom: float = 0.0


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle in points; ``y`` grows downwards."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def inset(self, insets: Insets) -> Box:
        return Box(
            self.x + insets.left,
            self.y + insets.top,
            self.w - insets.left - insets.right,
            self.h - insets.top - insets.bottom,
        )

    def contains(self, other: Box, tolerance: float = 0.01) -> bool:
        return (
            other.x >= self.x - tolerance
            and other.y >= self.y - tolerance
            and other.right <= self.right + tolerance
            and other.bottom <= self.bottom + tolerance
        )


SLIDE_16_9 = Size(960.0, 540.0)  # 13.333 in x 7.5 in, PowerPoint's widescreen
SLIDE_4_3 = Size(720.0, 540.0)  # 10 in x 7.5 in
A4 = Size(mm(210), mm(297))
LETTER = Size(612.0, 792.0)
