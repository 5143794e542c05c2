"""What a Plotly figure of bar plots costs a frame, by how its plots are laid out.

Headless Chromium (as page-bench) opens ``figure.html`` with Plotly.js from the installed
``plotly`` package, new bars on every animation frame, and reads the main thread's busy time
(the Chrome DevTools Protocol's ``TaskDuration``) over the animation frames in a window: the
main thread's ms a frame. Layouts: 12 plots of 6 bars on their own subplots, each plot's
positive and negative bars two traces (24 traces; the live views before 2026-12-02); the same 24
traces on one pair of pixel axes; all 72 bars as one trace on one pair of pixel axes. Each by
``Plotly.animate`` (no transition, no redraw) and by ``Plotly.restyle``. The median of
``--runs`` runs. Figures: docs/benchmarks.md.

Run: ``python -m bench.plotly_layouts`` (needs Chromium: Debian's ``/usr/bin/chromium``).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from app.static import plotly_path
from bench.page_bench import CHROMIUM_ARGS, chromium_path

LAYOUTS = [
    ("subplots", "a subplot a plot, 24 traces"),
    ("pixels", "one pair of pixel axes, 24 traces"),
    ("one", "one pair of pixel axes, one trace"),
]


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main_thread_ms_per_frame(browser: Browser, url: str, seconds: float) -> float:
    page = browser.new_page()
    try:
        page.goto(url)
        page.wait_for_function("window.stats && window.stats().frames > 10")
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")

        def busy() -> float:
            metrics = cdp.send("Performance.getMetrics")["metrics"]
            return float(next(m["value"] for m in metrics if m["name"] == "TaskDuration"))

        start, frames = busy(), int(page.evaluate("window.stats().frames"))
        time.sleep(seconds)
        end, frames_end = busy(), int(page.evaluate("window.stats().frames"))
        return (end - start) * 1000 / (frames_end - frames)
    finally:
        page.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        shutil.copy(Path(__file__).with_name("figure.html"), directory)
        shutil.copy(plotly_path(), directory)
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Quiet, directory=directory)
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/figure.html"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
            )
            try:
                for update in ("animate", "restyle"):
                    for layout, what in LAYOUTS:
                        url = f"{base}?layout={layout}&update={update}"
                        runs = [
                            main_thread_ms_per_frame(browser, url, args.seconds)
                            for _ in range(args.runs)
                        ]
                        print(
                            f"{update:8s} {what:36s} {statistics.median(runs):5.1f} ms of the "
                            f"main thread a frame (runs: {', '.join(f'{r:.1f}' for r in runs)})"
                        )
            finally:
                browser.close()
        server.shutdown()


if __name__ == "__main__":
    main()
