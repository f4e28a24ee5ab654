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
