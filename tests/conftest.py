"""Shared fixtures: the repository root, the bundled content, and helpers to write broken copies of it."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content.json"


@pytest.fixture
def content_data() -> dict:
    return copy.deepcopy(json.loads(CONTENT.read_text(encoding="utf-8")))


@pytest.fixture
def write_json(tmp_path):
    """Write a Python value (or raw text/bytes) as content.json in a fresh folder and return its path."""

    def write(value, name: str = "content.json") -> Path:
        path = tmp_path / name
        if isinstance(value, bytes):
            path.write_bytes(value)
        elif isinstance(value, str):
            path.write_text(value, encoding="utf-8")
        else:
            path.write_text(json.dumps(value), encoding="utf-8")
        return path

    return write


def require_tool(name: str) -> str:
    """The path of an external tool, or skip with the reason (fail instead in CI, where it must be present)."""
    import os
    import shutil

    found = shutil.which(name)
    if found:
        return found
    reason = f"{name} is not installed (apt-get install libreoffice-impress poppler-utils)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run this test")
    pytest.skip(reason)
