"""Serving the layouts bench's pages and timing a frame of one in headless Chromium: the main
thread's busy time (the Chrome DevTools Protocol's ``TaskDuration``, wall time) and its CPU time
(the renderer process's main thread, from /proc: what other processes on the machine take from
it does not count), each over the animation frames. ``make page-bench`` times one of them too,
as a reference for the machine's speed in its own run."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

from playwright.sync_api import Browser

from app.static import plotly_path
from bench.cpu import thread_seconds

PAGES = ("figure.html", "live.html")
# page-bench's reference for the machine's speed: spiral 8,4's live views as the page draws
# them, one restyle a frame
REFERENCE = "live.html?net=spiral&layout=one"


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def renderers_main_cpu() -> dict[int, float]:
    """Seconds of CPU each Chromium renderer process's main thread has had (its thread id is the
    process's)."""
    seconds = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if b"--type=renderer" not in Path(f"/proc/{entry}/cmdline").read_bytes():
                continue
            seconds[int(entry)] = thread_seconds(int(entry), int(entry))
        except OSError:  # gone meanwhile
            continue
    return seconds


def main_thread_ms_per_frame(browser: Browser, url: str, seconds: float) -> tuple[float, float]:
    """The main thread's busy ms and CPU ms a frame."""
    page = browser.new_page()
    try:
        page.goto(url)
        page.wait_for_function("window.stats && window.stats().frames > 10")
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")

        def busy() -> float:
            metrics = cdp.send("Performance.getMetrics")["metrics"]
            return float(next(m["value"] for m in metrics if m["name"] == "TaskDuration"))

        cpu = renderers_main_cpu()
        start, frames = busy(), int(page.evaluate("window.stats().frames"))
        time.sleep(seconds)
        end, frames_end = busy(), int(page.evaluate("window.stats().frames"))
        cpu_end = renderers_main_cpu()
        # the page's renderer: the one whose main thread worked most in the window
        used = max(cpu_end[pid] - cpu.get(pid, 0.0) for pid in cpu_end)
        count = frames_end - frames
        return (end - start) * 1000 / count, used * 1000 / count
    finally:
        page.close()


@contextlib.contextmanager
def serving(extra: Mapping[str, str] | None = None) -> Iterator[str]:
    """The bench's pages, any ``extra`` ones (file name: HTML) and Plotly.js from the installed
    package, over HTTP on loopback, for as long as the block runs; yields the base URL."""
    with tempfile.TemporaryDirectory() as directory:
        for page in PAGES:
            shutil.copy(Path(__file__).with_name(page), directory)
        for name, html in (extra or {}).items():
            (Path(directory) / name).write_text(html)
        shutil.copy(plotly_path(), directory)
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Quiet, directory=directory)
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()
