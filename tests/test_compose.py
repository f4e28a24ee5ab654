"""Composition decisions from heights and counts: spreading a section over slides, grids, balanced columns."""

from __future__ import annotations

import random

import pytest

from hkbrief.arrange.compose import (CardGrid, Run, SlideRoom, card_grid, column_breaks, even_groups, grid_rows,
                                     run_height, spread)


def test_a_section_spreads_so_the_least_full_slide_is_as_full_as_it_can_be():
    heights, spaces = [40.0] * 5, [0.0] + [10.0] * 4
    # greedy filling puts four pieces on the first slide and leaves one alone on the second
    runs, _ = spread([heights], spaces, [SlideRoom(200), SlideRoom(200)], 200)
    assert runs == [Run(0, 3), Run(3, 5)]


def test_a_band_on_the_last_slide_counts_as_its_content():
    heights, spaces = [40.0] * 5, [0.0] + [10.0] * 4
    rooms = [SlideRoom(260), SlideRoom(260 - 110, extra=110)]
    runs, least = spread([heights], spaces, rooms, 260)
    assert runs == [Run(0, 3), Run(3, 5)]  # two pieces and the band on the last slide: no piece alone
    fills = [run_height(heights, spaces, r.start, r.stop) + room.extra for r, room in zip(runs, rooms)]
    assert min(fills) / 260 == pytest.approx(least) and least > 0.5


def test_a_sidebar_beside_the_text_counts_as_tall_as_it_is():
    heights, spaces = [40.0] * 4, [0.0] + [10.0] * 3
    runs, _ = spread([heights], spaces, [SlideRoom(200, extra=190, beside=True), SlideRoom(200)], 200)
    assert runs == [Run(0, 2), Run(2, 4)]  # the sidebar fills the first slide; two pieces each all the same


def test_a_slide_too_small_for_two_pieces_takes_one_rather_than_the_section_another_slide():
    """Two pieces a slide is a preference: over a band with room for one, the slide takes one and the others fit
    the slide after, where insisting on two would need a third slide."""
    heights, spaces = [90.0] * 4, [0.0] * 4
    runs, _ = spread([heights], spaces, [SlideRoom(100), SlideRoom(300)], 300)
    assert runs == [Run(0, 1), Run(1, 4)]
    # where two fit everywhere, no slide is left with one
    runs, _ = spread([heights], spaces, [SlideRoom(200), SlideRoom(300)], 300)
    assert all(run.stop - run.start >= 2 for run in runs)


def test_no_division_that_fits_is_none():
    assert spread([[100.0, 100.0, 100.0]], [0.0] * 3, [SlideRoom(150), SlideRoom(150)], 150) is None


@pytest.mark.parametrize(("count", "per", "columns", "rows"), [
    (4, 4, 2, [2, 2]), (3, 4, 2, [2, 1]), (2, 4, 2, [2]), (1, 4, 2, [1]),
    (6, 6, 3, [3, 3]), (5, 6, 3, [3, 2]), (4, 6, 3, [2, 2]), (3, 3, 3, [3]), (2, 3, 3, [2]),
])
def test_grid_rows_leave_no_slot_empty(count, per, columns, rows):
    assert grid_rows(count, per, columns) == rows
    assert sum(rows) == count


def test_even_groups():
    assert even_groups(13, 4) == [4, 3, 3, 3]
    assert even_groups(13, 3) == [3, 3, 3, 2, 2]
    assert even_groups(0, 4) == []


def test_columns_break_evenly():
    heights, spaces = [10.0] * 10, [0.0] * 10
    assert column_breaks(heights, spaces, [True] * 10, 2) == [5]
    assert column_breaks(heights, spaces, [True] * 9 + [False], 3) in ([4, 7], [3, 6], [4, 8], [3, 7])


def test_columns_only_break_where_allowed_and_drop_the_space_above_a_column():
    heights = [10.0] * 6
    spaces = [0.0, 0.0, 0.0, 20.0, 0.0, 0.0]
    breakable = [False, False, False, True, False, False]
    assert column_breaks(heights, spaces, breakable, 2) == [3]


@pytest.mark.parametrize("seed", range(10))
def test_columns_end_within_the_tallest_line(seed):
    rng = random.Random(seed)
    n = rng.randint(8, 60)
    heights = [rng.choice([11.0, 12.5, 14.0]) for _ in range(n)]
    spaces = [0.0] * n
    breaks = column_breaks(heights, spaces, [True] * n, 3)
    edges = [0, *breaks, n]
    tallest = [sum(heights[a:b]) for a, b in zip(edges, edges[1:])]
    assert max(tallest) - min(tallest) <= 2 * max(heights)


def test_card_grid_fills_every_slot():
    assert [card_grid(n, 4) for n in (1, 4, 6, 8, 9)] == [CardGrid(1, 1), CardGrid(1, 4), CardGrid(2, 3),
                                                         CardGrid(2, 4), CardGrid(3, 3)]
    # no count divides: a lead figure beside full rows
    assert card_grid(5, 4) == CardGrid(2, 3, lead=True) and card_grid(5, 4).rows_of(4) == [2, 2]
    assert card_grid(7, 4) == CardGrid(2, 4, lead=True) and card_grid(7, 4).rows_of(6) == [3, 3]
    assert card_grid(11, 4) is None and card_grid(0, 4) is None
