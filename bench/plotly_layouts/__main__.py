"""What the live views' Plotly figures cost a frame, by how their plots are laid out.

Headless Chromium (as page-bench) opens a page with Plotly.js from the installed ``plotly``
package, new numbers on every animation frame, and reads over a window the main thread's busy
time (the Chrome DevTools Protocol's ``TaskDuration``, wall time) and its CPU time (the renderer
process's main thread, from /proc: what other processes on the machine take from it does not
count), each over the animation frames: ms a frame.

``figure.html``, bar plots alone: 12 plots of 6 bars on their own subplots, each plot's positive
and negative bars two traces (24 traces; the live views before 2026-12-02); the same 24 traces on
one pair of pixel axes; all 72 bars as one trace on one pair of pixel axes. Each by
``Plotly.animate`` (no transition, no redraw) and by ``Plotly.restyle``.

``live.html``, the live views of iris and of spiral 8,4 (their heatmaps and bars): in two figures,
the heatmaps restyled and the bars animated (before 2026-12-02, later morning), or in one figure,
one restyle a frame.

The median of ``--runs`` runs. Figures: docs/benchmarks.md.

Run: ``python -m bench.plotly_layouts`` (needs Chromium: Debian's ``/usr/bin/chromium``).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from app.static import plotly_path
from bench.cpu import thread_seconds
from bench.page_bench import CHROMIUM_ARGS, chromium_path

LAYOUTS = [
    ("subplots", "a subplot a plot, 24 traces"),
    ("pixels", "one pair of pixel axes, 24 traces"),
    ("one", "one pair of pixel axes, one trace"),
]
LIVE_LAYOUTS = [
    ("two", "heatmaps restyled, bars animated: two figures"),
    ("one", "heatmaps and bars, one figure, one restyle"),
]


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


def report(name: str, browser: Browser, url: str, args: argparse.Namespace) -> None:
    runs = [main_thread_ms_per_frame(browser, url, args.seconds) for _ in range(args.runs)]
    busy, cpu = (statistics.median(r[k] for r in runs) for k in (0, 1))
    print(
        f"{name:58s} {busy:5.1f} ms busy, {cpu:5.1f} ms CPU of the main thread a frame "
        f"(runs: {', '.join(f'{b:.1f}/{c:.1f}' for b, c in runs)})",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        for page in ("figure.html", "live.html"):
            shutil.copy(Path(__file__).with_name(page), directory)
        shutil.copy(plotly_path(), directory)
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Quiet, directory=directory)
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
            )
            try:
                for update in ("animate", "restyle"):
                    for layout, what in LAYOUTS:
                        url = f"{base}/figure.html?layout={layout}&update={update}"
                        report(f"{update:8s} {what}", browser, url, args)
                for net in ("iris", "spiral"):
                    for layout, what in LIVE_LAYOUTS:
                        report(
                            f"{net:8s} {what}",
                            browser,
                            f"{base}/live.html?net={net}&layout={layout}",
                            args,
                        )
            finally:
                browser.close()
        server.shutdown()


if __name__ == "__main__":
    main()
