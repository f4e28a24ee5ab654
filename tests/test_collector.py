"""The garbage collector's pace in hkbrief's processes (hkbrief.collector)."""

from __future__ import annotations

import gc
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from hkbrief.cli import main
from hkbrief.collector import OLDER_COLLECTION_EVERY, YOUNG_COLLECTION_EVERY, collect_rarely
from conftest import ROOT


@pytest.fixture
def default_pace():
    """Python's own thresholds around the test, whatever it sets."""
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_collect_rarely_keeps_the_collector_but_runs_it_every_20000_allocations(default_pace):
    collect_rarely()
    assert gc.isenabled()
    assert gc.get_threshold() == (YOUNG_COLLECTION_EVERY, OLDER_COLLECTION_EVERY, OLDER_COLLECTION_EVERY)
    assert YOUNG_COLLECTION_EVERY == 20_000


def test_every_hkbrief_command_runs_at_that_pace(default_pace):
    result = CliRunner().invoke(main, ["layouts"])
    assert result.exit_code == 0, result.output
    assert gc.get_threshold()[0] == YOUNG_COLLECTION_EVERY


def test_a_build_leaves_almost_nothing_for_the_collector(tmp_path):
    """What a build lets go of is freed by reference counting: a full collection after a bilingual build finds
    a few hundred objects in cycles (of the ~80,000 it allocates), so collecting rarely costs no memory."""
    script = f"""
import gc, json
from hkbrief.build import build
from hkbrief.model import BILINGUAL
build("content.json", "stacked", {str(tmp_path / "first")!r}, language=BILINGUAL)
gc.collect()
gc.disable()
build("content.json", "stacked", {str(tmp_path / "second")!r}, language=BILINGUAL)
print(json.dumps(gc.collect()))
"""
    found = json.loads(subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                                      check=True).stdout)
    assert found < 2_000
