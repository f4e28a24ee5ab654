"""Composition decisions that only need heights and counts: how a section's text spreads over its slides, how
stat cards fill a grid, where a run of text lines breaks into balanced columns.

These are the choices that make a page look designed rather than filled in order: no continuation slide left
nearly empty after a slide that had room, no hole in a grid, no column ending far above its neighbour. They know
nothing of fonts or frames; ``deck`` and ``page`` measure, ask here, and place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# Above this many pieces of text a section is spread greedily: the balancing search grows with the square of
# the pieces, and a section that long is read as a document, not a slide.
MAX_BALANCED_UNITS = 80
# Spreads whose least full slide is within this share of the best are as good to the eye: among them the one that
# puts more on the earlier slides wins (a section reads from its first slide).
FILL_TOLERANCE = 0.03


@dataclass(frozen=True, slots=True)
class Run:
    """The text pieces ``start`` up to (not including) ``stop`` on one slide."""

    start: int
    stop: int


@dataclass(frozen=True, slots=True)
class SlideRoom:
    """What one slide of a section offers: the height its text may take and what else it carries.

    ``capacity`` is the text's usable height (the frame's height with the typesetter's safety taken off);
    ``extra`` is the height of the content that shares the slide's body band with the text (a quote band under
    it, added to the text's; a sidebar beside it, whichever is taller), for judging how full the slide looks.
    """

    capacity: float
    extra: float = 0.0
    beside: bool = False  # extra sits beside the text (a sidebar), not under it (a band)
    measure: int = 0  # which of the pieces' measured heights apply: the text's width on this slide


def run_height(heights: list[float], spaces: list[float], start: int, stop: int) -> float:
    """Height of pieces ``start..stop`` set together: their heights plus the space before every piece but the
    first (a frame's first paragraph has no space before)."""
    return sum(heights[start:stop]) + sum(spaces[start + 1:stop])


def spread(heights: list[list[float]], spaces: list[float], rooms: list[SlideRoom],
           full: float, joined: list[bool] | None = None) -> tuple[list[Run], float] | None:
    """The division of a section's pieces over ``len(rooms)`` slides, in order, that fits every slide and makes
    the least full slide as full as possible, with that least fullness (a share of ``full``); None if no
    division fits.

    ``heights[m]`` are the pieces' heights at measure ``m`` (a slide's text is narrower beside a sidebar than
    without it: each room names its measure); ``full`` is the body band's height against which fullness is
    judged. Every slide gets at least one piece, and two while there are enough for that and a division with two
    fits (a slide too small for two, beside a tall sidebar or over a band, takes one rather than the section
    taking another slide); no slide starts with a piece ``joined`` to the one before (a bullet's second-language
    version stays with it).
    """
    n, k = len(heights[0]), len(rooms)
    if k == 0 or n < k or n > MAX_BALANCED_UNITS:
        return None

    # no slide with a lone piece while there are enough to give every slide two
    for least in ((2, 1) if n >= 2 * k else (1,)):

        def fill(slide: int, start: int, stop: int) -> float | None:
            """How full slide ``slide`` looks with pieces ``start..stop``; None if they may not go there."""
            if stop - start < least or (joined is not None and 0 < start and joined[start]):
                return None
            return _fullness(rooms[slide], heights, spaces, start, stop, full)

        best = _best_spreads(n, k, fill)
        if best[k - 1][n][0] >= 0:
            return _runs_from(best, n), best[k - 1][n][0]
    return None


# A cell of the spread table with no placing found yet: below every real fullness (which is never negative).
_NO_SPREAD = (-1.0, -1)


def _fullness(room: SlideRoom, heights: list[list[float]], spaces: list[float], start: int, stop: int,
              full: float) -> float | None:
    """The share of ``full`` that pieces ``start..stop`` and the room's other content fill; None if the text
    does not fit the room."""
    h = run_height(heights[room.measure], spaces, start, stop)
    if h > room.capacity:
        return None
    content = max(h, room.extra) if room.beside else h + room.extra
    return content / full


def _best_spreads(n: int, k: int, fill: Callable[[int, int, int], float | None]) -> list[list[tuple[float, int]]]:
    """The spread table: ``best[s][i]`` is the best least-fullness placing pieces 0..i on slides 0..s (s + 1
    slides), with where the last slide's run starts (``_NO_SPREAD`` where nothing fits)."""
    best = [[_NO_SPREAD] * (n + 1) for _ in range(k)]
    for stop in range(1, n - k + 2):
        f = fill(0, 0, stop)
        if f is not None:
            best[0][stop] = (f, 0)
    for s in range(1, k):
        for stop in range(s + 1, n - (k - s - 1) + 1):
            found = _placings(best[s - 1], s, stop, fill)
            if found:
                best[s][stop] = _preferred(found)
    return best


def _placings(before: list[tuple[float, int]], s: int, stop: int,
              fill: Callable[[int, int, int], float | None]) -> list[tuple[float, int]]:
    """Every (least fullness, start) for slide ``s`` ending its run at ``stop``, given the table row ``before``
    for the slides ahead of it."""
    found = []
    for start in range(s, stop):
        earlier = before[start][0]
        if earlier < 0:
            continue
        f = fill(s, start, stop)
        if f is not None:
            found.append((min(earlier, f), start))
    return found


def _preferred(found: list[tuple[float, int]]) -> tuple[float, int]:
    """Among placings within ``FILL_TOLERANCE`` of the best, the latest start: earlier slides fuller, the last
    lighter."""
    top = max(score for score, _ in found)
    return max((item for item in found if item[0] >= top - FILL_TOLERANCE), key=lambda item: item[1])


def _runs_from(best: list[list[tuple[float, int]]], n: int) -> list[Run]:
    """The runs of the best spread of ``n`` pieces, read back from the table's last row to its first."""
    runs, stop = [], n
    for s in range(len(best) - 1, -1, -1):
        start = best[s][stop][1]
        runs.append(Run(start, stop))
        stop = start
    return runs[::-1]


def grid_rows(count: int, per_slide: int, columns: int) -> list[int]:
    """Cards per row for ``count`` cards on a slide whose full grid is ``per_slide`` cards in rows of
    ``columns``: as few rows as the grid allows, as even as possible, every row spanning the width (so no slot
    is left empty). A row's worth of cards or fewer share one row. Rows of unequal counts (three cards in a 2 x 2
    grid: 2 + 1) are for the caller to fill with a lead figure beside full rows (:func:`card_grid`), which keeps
    the grid's height where one row of three would leave a quarter of the slide blank under it."""
    if count <= 0:
        return []
    if count <= columns or per_slide <= columns:
        return [count]
    rows = -(-count // columns)
    base, extra = divmod(count, rows)
    return [base + (1 if r < extra else 0) for r in range(rows)]


@dataclass(frozen=True, slots=True)
class CardGrid:
    """Stat cards in ``rows`` rows of ``columns`` equal columns with every slot taken; with ``lead``, the first
    card is a lead figure taking the first column of every row, and the others fill the columns beside it."""

    rows: int
    columns: int
    lead: bool = False

    def rows_of(self, count: int) -> list[int]:
        """Cards per row, the lead figure not counted (it stands beside them all)."""
        per = self.columns - (1 if self.lead else 0)
        return [per] * self.rows if count else []


def card_grid(count: int, most: int) -> CardGrid | None:
    """The grid with the fewest rows (at most ``most`` columns) that ``count`` cards fill without a hole: rows
    of one count (6 -> 3 + 3), or a lead figure beside rows of one count when none divides (5 -> 1 + 2 x 2,
    7 -> 1 + 2 x 3). None when neither exists in a few rows (11 cards in columns of at most four): the caller keeps even rows.
    Each card of such a grid has the same width, so every value sits in the same measure."""
    if count <= 0:
        return None
    # no more rows than cards in rows one narrower than the most would need: past that the grid is a column
    for rows in range(1, -(-count // max(1, most - 1)) + 1):
        if count % rows == 0 and count // rows <= most:
            return CardGrid(rows, count // rows)
        rest = count - 1
        if rows >= 2 and rest % rows == 0 and rest // rows + 1 <= most:
            return CardGrid(rows, rest // rows + 1, lead=True)
    return None


def even_groups(count: int, per: int) -> list[int]:
    """Sizes of the fewest groups of at most ``per``, as even as possible (13 by 4 -> 4, 3, 3, 3)."""
    if count <= 0:
        return []
    groups = -(-count // per)
    base, extra = divmod(count, groups)
    return [base + (1 if i < extra else 0) for i in range(groups)]


def column_breaks(heights: list[float], spaces: list[float], breakable: list[bool], columns: int) -> list[int]:
    """Where a run of lines breaks into at most ``columns`` columns: the indexes at which columns 2.. start,
    chosen so the tallest column is as short as possible (so the columns end within about a line of each
    other). ``heights[i]`` is line ``i``'s height, ``spaces[i]`` the space above it (dropped when it starts a
    column), and ``breakable[i]`` whether a column may start at it (not between a heading and its first lines,
    not leaving one line of a paragraph behind)."""
    n = len(heights)
    if columns <= 1 or n == 0:
        return []
    prefix = [0.0]
    for h, gap in zip(heights, spaces):
        prefix.append(prefix[-1] + h + gap)

    def column(start: int, stop: int) -> float:
        """Height of lines ``start..stop`` as one column (the first line's space above dropped)."""
        return prefix[stop] - prefix[start] - spaces[start]

    starts = [i for i in range(1, n) if breakable[i]]
    best = _best_columns(n, starts, columns, column)
    used = max((c + 1 for c in range(columns) if best[c][n][0] < _NO_COLUMNS[0]), default=1)
    # more columns never make the tallest taller, so the most columns that can be filled are used
    breaks, i = [], n
    for c in range(used - 1, 0, -1):
        i = best[c][i][1]
        breaks.append(i)
    return breaks[::-1]


# A cell of the column table with no placing found: taller than any real column.
_NO_COLUMNS = (float("inf"), -1)
# Two tallest columns closer than this (points) are a tie, float noise: the break found first is kept.
_TIE = 1e-9


def _best_columns(n: int, starts: list[int], columns: int,
                  column: Callable[[int, int], float]) -> list[list[tuple[float, int]]]:
    """The column table: ``best[c][i]`` is (tallest column, where the last starts) placing lines 0..i-1 in
    c + 1 columns that start only at ``starts``."""
    best = [[_NO_COLUMNS] * (n + 1) for _ in range(columns)]
    ends = [*starts, n]
    for i in ends:
        best[0][i] = (column(0, i), 0)
    for c in range(1, columns):
        for i in ends:
            best[c][i] = _shortest_last_column(best[c - 1], starts, i, best[c][i], column)
    return best


def _shortest_last_column(before: list[tuple[float, int]], starts: list[int], stop: int,
                          current: tuple[float, int], column: Callable[[int, int], float]) -> tuple[float, int]:
    """The best (tallest column, last start) ending a column at ``stop``, from ``current`` and every start
    before ``stop`` that the table row ``before`` can reach."""
    for j in starts:
        if j >= stop:
            break
        earlier = before[j][0]
        if earlier == _NO_COLUMNS[0]:
            continue
        tallest = max(earlier, column(j, stop))
        if tallest < current[0] - _TIE:
            current = (tallest, j)
    return current
