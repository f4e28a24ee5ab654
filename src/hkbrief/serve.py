"""The page ``hkbrief watch --serve`` shows on 127.0.0.1: the latest preview, reloading itself after each build.

The page asks ``/status`` four times a second for the number of the latest build and reloads when it changes.
After a failed build it shows every problem above the last good pictures, and the next good build clears them.
Only this machine can connect (the server binds 127.0.0.1), and only the preview's own pictures are served.
"""

from __future__ import annotations

import html
import json
import re
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from hkbrief.preview import CONTACT_SHEET, ONE_PAGER, SLIDE_PICTURE
from hkbrief.watch import WatchState, as_json

HOST = "127.0.0.1"
STATUS_POLL_MS = 250
_PICTURE_PATH = re.compile(r"^/preview/([A-Za-z0-9-]+\.png)$")

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
 body {{ font: 15px/1.4 system-ui, sans-serif; margin: 0; background: #eceff1; color: #17202a; }}
 header {{ position: sticky; top: 0; background: #17202a; color: #fff; padding: 10px 20px; display: flex;
          gap: 16px; align-items: baseline; }}
 header b {{ font-size: 16px; }}
 #status.failed {{ color: #ffb4a8; }}
 #problems {{ background: #fde8e4; color: #8a1c0c; border-left: 6px solid #c0392b; margin: 16px 20px 0;
             padding: 10px 16px; white-space: pre-wrap; font: 14px/1.5 ui-monospace, monospace; }}
 main {{ display: flex; gap: 20px; padding: 20px; align-items: flex-start; }}
 #slides {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 16px; flex: 3; }}
 figure {{ margin: 0; }} figure img {{ width: 100%; display: block; box-shadow: 0 1px 3px #0003; background: #fff; }}
 figcaption {{ font-size: 13px; color: #4a5563; padding-top: 4px; }}
 #onepager {{ flex: 1; min-width: 280px; position: sticky; top: 60px; }}
</style></head>
<body data-build="{number}">
<header><b>{title}</b><span id="status" class="{status_class}">{status}</span></header>
{problems}
<main><section id="slides">{slides}</section>{onepager}</main>
<script>
const shown = document.body.dataset.build;
async function poll() {{
  try {{
    const response = await fetch("/status", {{cache: "no-store"}});
    const state = await response.json();
    if (String(state.number) !== shown) {{ location.reload(); return; }}
  }} catch (error) {{ document.getElementById("status").textContent = "hkbrief watch has stopped"; }}
  setTimeout(poll, {poll_ms});
}}
setTimeout(poll, {poll_ms});
</script>
</body></html>
"""


def render_page(state: WatchState, folder: Path, title: str) -> str:
    report = state.snapshot()
    number = report.number if report else 0
    version = int(max((p.stat().st_mtime_ns for p in folder.glob("*.png")), default=0))
    slides = sorted((p.name for p in folder.glob("slide-*.png") if SLIDE_PICTURE.match(p.name)))
    figures = "".join(
        f'<figure><img src="/preview/{name}?v={version}" alt="slide {index}"><figcaption>{index}</figcaption></figure>'
        for index, name in enumerate(slides, start=1))
    onepager = (f'<figure id="onepager"><img src="/preview/{ONE_PAGER}?v={version}" alt="the one-pager">'
                f"<figcaption>one-pager</figcaption></figure>") if (folder / ONE_PAGER).is_file() else ""
    if report is None:
        status, status_class, problems = "building…", "", ""
    elif report.ok:
        status, status_class, problems = f"build {number}: {html.escape(report.summary)}, " \
            f"{report.seconds * 1000:.0f} ms", "ok", ""
    else:
        status, status_class = f"build {number} failed", "failed"
        problems = '<pre id="problems" role="alert">' + "\n".join(html.escape(p) for p in report.problems) + "</pre>"
    return _PAGE.format(title=html.escape(title), number=number, status=status, status_class=status_class,
                        problems=problems, slides=figures or "<p>No pictures yet.</p>", onepager=onepager,
                        poll_ms=STATUS_POLL_MS)


def make_handler(state: WatchState, folder: Path, title: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            path = self.path.split("?", 1)[0]
            if path in ("/", "/index.html"):
                self._send(render_page(state, folder, title).encode("utf-8"), "text/html; charset=utf-8")
            elif path == "/status":
                self._send(json.dumps(as_json(state.snapshot())).encode("utf-8"), "application/json")
            elif (match := _PICTURE_PATH.match(path)) and (
                    SLIDE_PICTURE.match(match[1]) or match[1] in (ONE_PAGER, CONTACT_SHEET)):
                try:
                    data = (folder / match[1]).read_bytes()
                except OSError:
                    self.send_error(HTTPStatus.NOT_FOUND)
                    return
                self._send(data, "image/png")
            else:
                self.send_error(HTTPStatus.NOT_FOUND)

        def _send(self, body: bytes, kind: str) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet: the terminal is for builds
            pass

    return Handler


def start_server(state: WatchState, folder: Path, title: str, port: int) -> tuple[ThreadingHTTPServer, str]:
    """Serve in a daemon thread; returns the server (to shut down) and its address."""
    server = ThreadingHTTPServer((HOST, port), make_handler(state, folder, title))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="hkbrief-serve", daemon=True).start()
    return server, f"http://{HOST}:{server.server_address[1]}/"


__all__ = ["HOST", "render_page", "start_server"]
