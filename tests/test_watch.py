"""``hkbrief watch``: real processes that rebuild on a save, keep going after an error, and (``--serve``) a real
headless browser that sees its page reload itself, show an error in the content, and clear it after the fix."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from hkbrief.watch import Watcher, layout_files

from conftest import CONTENT, ROOT, require_tool

WAIT_S = 60  # generous: CI machines are slow and shared; the benchmark, not the tests, measures speed


class Watching:
    """``hkbrief watch`` in a real process, its output lines collected as they come."""

    def __init__(self, folder: Path, *args: str) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen([sys.executable, "-m", "hkbrief", "watch", *args], cwd=folder,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, pattern: str) -> str:
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                assert self.process.poll() is None, f"watch ended early: {self.seen}"
                continue
            self.seen.append(line)
            if re.search(pattern, line):
                return line
        raise AssertionError(f"no line matching {pattern!r} within {WAIT_S} s: {self.seen}")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=WAIT_S)
        finally:
            if self.process.poll() is None:
                self.process.kill()


def edit(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


@pytest.fixture
def brief(tmp_path):
    path = tmp_path / "content.json"
    path.write_bytes(CONTENT.read_bytes())
    return path


def test_a_save_rebuilds_an_error_is_shown_and_watching_goes_on(tmp_path, brief):
    watching = Watching(tmp_path, "content.json", "-o", "out", "--format", "pptx")
    try:
        first = watching.wait_for(r"built in \d+ ms: 17 slides, 1 files")
        assert re.match(r"^\d\d:\d\d:\d\d  built in", first)
        deck = next((tmp_path / "out").glob("*.pptx"))
        before = deck.read_bytes()
        edit(brief, lambda d: d["sections"][0]["heading"].__setitem__("en", "A Global Connector"))
        line = watching.wait_for(r"built in")
        assert "(content.json changed)" in line
        assert deck.read_bytes() != before
        kept = deck.read_bytes()
        edit(brief, lambda d: d["stats"][0].__setitem__("value", 10))
        failed = watching.wait_for(r"failed after")
        assert "content.json: stats[0].value: expected text" in failed
        assert deck.read_bytes() == kept  # a failed build leaves the outputs as they were
        edit(brief, lambda d: (d["stats"][0].__setitem__("value", "HK$10 billion"),
                               d["sections"][0]["heading"].__setitem__("en", "The Super-Connector")))
        watching.wait_for(r"built in")
        assert deck.read_bytes() != kept  # the fixed brief, with its new heading, was built
    finally:
        code = watching.stop()
    assert code == 0
    assert any("stopped watching" in line for line in watching.seen + list(watching.lines.queue))


def test_the_layout_and_the_files_it_names_are_watched(tmp_path):
    layout = tmp_path / "brand.toml"
    layout.write_text('extends = "print"\n[theme]\ntemplate = "brand.potx"\n')
    (tmp_path / "brand.potx").write_bytes(b"x")
    os.chdir(tmp_path)
    found = layout_files(str(layout), tmp_path)
    assert found[0] == layout and (tmp_path / "brand.potx") in found
    assert any(p.name == "print.toml" for p in found)


def test_a_changed_image_rebuilds(tmp_path):
    """The watcher polls the images the brief names, so replacing a picture rebuilds."""
    from hkbrief.init import init_brief

    init_brief(tmp_path)
    builds: list[tuple[str, ...]] = []
    stop = threading.Event()
    watcher = Watcher(tmp_path / "content.json", str(tmp_path / "layout.toml"), lambda: ("ok", ()),
                      lambda report: builds.append(report.changed), interval=0.01)
    thread = threading.Thread(target=watcher.run, args=(stop,))
    thread.start()
    try:
        deadline = time.monotonic() + WAIT_S
        while not builds and time.monotonic() < deadline:
            time.sleep(0.01)
        picture = tmp_path / "images" / "starter-picture.png"
        picture.write_bytes(picture.read_bytes() + b"\0")
        while len(builds) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        stop.set()
        thread.join()
    assert len(builds) == 2 and builds[1] == (str(picture),)


def chromium(user_data_dir: Path):
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    binary = require_tool("chromium")
    driver_path = require_tool("chromedriver")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run",
                     f"--user-data-dir={user_data_dir}"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(driver_path), options=options)


def test_serve_a_browser_sees_the_page_reload_an_error_and_its_fix(tmp_path, brief):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    watching = Watching(tmp_path, "content.json", "-o", "out", "--serve", "--port", "0")
    driver = None
    try:
        url = re.search(r"http://127\.0\.0\.1:\d+/", watching.wait_for(r"serving the preview at")).group(0)
        watching.wait_for(r"built in")
        driver = chromium(tmp_path / "chromium-profile")
        driver.get(url)
        wait = WebDriverWait(driver, WAIT_S)
        wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-build") == "1")
        images = driver.find_elements(By.CSS_SELECTOR, "#slides img")
        assert len(images) == 17
        wait.until(lambda d: all(d.execute_script("return arguments[0].naturalWidth", i) == 1280 for i in images))
        driver.execute_script("window.hkbriefMarker = 'before'")

        edit(brief, lambda d: d["stats"][0].__setitem__("value", 10))
        watching.wait_for(r"failed after")
        wait.until(lambda d: d.find_elements(By.ID, "problems"))
        assert "content.json: stats[0].value: expected text" in driver.find_element(By.ID, "problems").text
        assert driver.execute_script("return window.hkbriefMarker") is None  # the page reloaded itself
        assert len(driver.find_elements(By.CSS_SELECTOR, "#slides img")) == 17  # the last good pictures stay

        edit(brief, lambda d: (d["stats"][0].__setitem__("value", "HK$10 billion"),
                               d["sections"].pop()))
        watching.wait_for(r"built in")
        # a slow machine may catch the file half-written and build it once more; wait for the good build's page
        wait.until(lambda d: not d.find_elements(By.ID, "problems")
                   and len(d.find_elements(By.CSS_SELECTOR, "#slides img")) == 16)  # one section fewer
        assert int(driver.find_element(By.TAG_NAME, "body").get_attribute("data-build")) >= 3
        assert re.match(r"build \d+: 16 slides", driver.find_element(By.ID, "status").text)
    finally:
        if driver is not None:
            driver.quit()
        watching.stop()


def test_serve_listens_on_this_machine_only(tmp_path, brief):
    watching = Watching(tmp_path, "content.json", "-o", "out", "--serve", "--port", "0", "--format", "pdf")
    try:
        line = watching.wait_for(r"serving the preview at")
        assert "http://127.0.0.1:" in line
        port = int(re.search(r":(\d+)/", line).group(1))
        out = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True)
        if out.returncode == 0:
            local_addresses = [line.split()[3] for line in out.stdout.splitlines()]
            assert local_addresses == [f"127.0.0.1:{port}"]
        import urllib.error
        import urllib.request

        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/preview/../content.json", timeout=10)
    finally:
        watching.stop()


def test_an_emptied_content_file_is_given_a_moment_before_it_is_built(tmp_path):
    """Editors that truncate and then write would otherwise flash "the file is empty" between two good builds."""
    content = tmp_path / "content.json"
    content.write_bytes(CONTENT.read_bytes())
    builds: list[tuple[str, ...]] = []
    stop = threading.Event()
    watcher = Watcher(content, "default", lambda: ("ok", ()), lambda report: builds.append(report.changed),
                      interval=0.01)
    thread = threading.Thread(target=watcher.run, args=(stop,))
    thread.start()
    try:
        deadline = time.monotonic() + WAIT_S
        while not builds and time.monotonic() < deadline:
            time.sleep(0.01)
        content.write_bytes(b"")
        time.sleep(0.2)  # well past the settle time, within the grace for an empty file
        assert len(builds) == 1
        content.write_bytes(CONTENT.read_bytes())
        while len(builds) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.1)
    finally:
        stop.set()
        thread.join()
    assert len(builds) == 2
