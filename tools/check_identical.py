"""Build the example with every layout and language (and the stress brief) and compare SHA-256s with a record.

    python tools/check_identical.py record REFERENCE.json   # write the record from the current code
    python tools/check_identical.py check REFERENCE.json    # rebuild and compare; exit 1 on any difference

Used to show that a refactoring changed no output byte (builds are reproducible: same inputs, same bytes).
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

from hkbrief.cli import main as cli

ROOT = Path(__file__).resolve().parent.parent
CASES = [(ROOT / "content.json", layout, lang) for layout in ("default", "print", "compact")
         for lang in ("en", "zh-Hant")]
CASES += [(ROOT / "content.json", layout, "bilingual") for layout in ("default", "stacked")]
CASES += [(ROOT / "tests" / "data" / "stress.json", layout, None) for layout in ("default", "print", "compact")]


def digests() -> dict[str, str]:
    """SHA-256 of every output and of what the command printed, for each case, keyed by case and file name."""
    found: dict[str, str] = {}
    for content, layout, lang in CASES:
        with tempfile.TemporaryDirectory() as scratch:
            out = Path(scratch) / "out"
            args = ["build", str(content), "--layout", layout, "--out", str(out), "--format", "pptx,pdf,slides-pdf"]
            args += ["--lang", lang] if lang else []
            result = CliRunner().invoke(cli, args)
            if result.exit_code != 0:
                raise SystemExit(f"{args}: exit {result.exit_code}: {result.output}")
            key = f"{content.name}:{layout}:{lang or 'content'}"
            for path in sorted(out.iterdir()):
                data = path.read_bytes()
                found[f"{key}:{path.name}"] = hashlib.sha256(data).hexdigest()
                if path.suffix == ".pdf":
                    # the PDF's /ID digests the whole file, so any changed byte changes it too
                    found[f"{key}:{path.name}-without-id"] = hashlib.sha256(re.sub(rb"/ID\s*\[<[0-9A-F]+>\s*<[0-9A-F]+>\]",
                                                                              b"/ID", data)).hexdigest()
            said = result.output.replace(str(out), "OUT")
            found[f"{key}:printed"] = hashlib.sha256(said.encode()).hexdigest()
    return found


def main(argv: list[str]) -> int:
    """Record or check, as the module docstring says."""
    mode, record = argv[1], Path(argv[2])
    now = digests()
    if mode == "record":
        record.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n")
        print(f"recorded {len(now)} digests")
        return 0
    then = json.loads(record.read_text())
    changed = sorted(k for k in then.keys() | now.keys() if then.get(k) != now.get(k))
    for key in changed:
        print(f"differs: {key}")
    print(f"{len(then) - len(changed)} of {len(then)} identical")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
