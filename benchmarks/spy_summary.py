"""Summarise a py-spy ``--format raw`` (collapsed stacks) profile: inclusive and self time per function.

    py-spy record -r 1000 -f raw -o out.txt -- python -m hkbrief build ...
    python benchmarks/spy_summary.py out.txt [--rate 1000] [--top 40] [--match hkbrief]

Each frame is ``function (file:line)``; lines are dropped so that a function is one row.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter

_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^:]*)(?::\d+)?\)$")


def _frame_key(frame: str) -> str:
    match = _FRAME.match(frame.strip())
    if not match:
        return frame.strip()
    file = match["file"]
    for marker in ("site-packages/", "lib/python3.11/", "src/"):
        if marker in file:
            file = file.split(marker, 1)[1]
            break
    return f"{match['func']} ({file})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("raw")
    parser.add_argument("--rate", type=float, default=1000.0, help="samples per second given to py-spy -r")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--match", default="", help="only rows whose name contains this")
    args = parser.parse_args()
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    with open(args.raw, encoding="utf-8") as handle:
        for line in handle:
            stack, _, count_text = line.rstrip("\n").rpartition(" ")
            if not stack:
                continue
            count = int(count_text)
            frames = [_frame_key(frame) for frame in stack.split(";")]
            total += count
            for key in set(frames):
                inclusive[key] += count
            own[frames[-1]] += count
    ms = 1000.0 / args.rate
    print(f"total {total * ms:.0f} ms ({total} samples)")
    print(f"{'incl ms':>8} {'self ms':>8}  function")
    rows = [(key, value) for key, value in inclusive.most_common() if args.match in key]
    for key, value in rows[: args.top]:
        print(f"{value * ms:8.0f} {own[key] * ms:8.0f}  {key}")


if __name__ == "__main__":
    main()
