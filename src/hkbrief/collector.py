"""How often Python's cyclic garbage collector runs in an hkbrief process.

A build allocates some 80,000 objects that live to its end (modules, font tables, break caches, plans) and makes
few reference cycles. At Python's default threshold (a young collection every 700 allocations, and a full one
every hundred of those) the collector scans the same survivors again and again: 15 to 18 ms of an English build
of content.json, and 28 to 38 ms of a bilingual one, which has one full collection of everything (12 to 19 ms).
With the collector off, peak memory is the same to 1 % for content.json and for a 1,000-slide brief: what a
build lets go of is freed by reference counting. So hkbrief keeps the collector, for the rare cycle, but runs it
rarely.
"""

from __future__ import annotations

import gc

YOUNG_COLLECTION_EVERY = 20_000  # allocations (Python's default: 700): a handful of young collections a build
OLDER_COLLECTION_EVERY = 20  # young (then middle) collections between collections of the next generation


def collect_rarely() -> None:
    """Set this process's collector to run every :data:`YOUNG_COLLECTION_EVERY` allocations, not every 700."""
    gc.set_threshold(YOUNG_COLLECTION_EVERY, OLDER_COLLECTION_EVERY, OLDER_COLLECTION_EVERY)
