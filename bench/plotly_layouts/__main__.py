"""What the live views' Plotly figures cost a frame, by how their plots are laid out.

Headless Chromium (as page-bench) opens a page with Plotly.js from the installed ``plotly``
package, new numbers on every animation frame, and reads over a window the main thread's busy
time and its CPU time over the animation frames: ms a frame (``bench.plotly_layouts.measure``).

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
import statistics

from playwright.sync_api import Browser, sync_playwright

from bench.chromium import CHROMIUM_ARGS, chromium_path
from bench.plotly_layouts.measure import main_thread_ms_per_frame, serving

LAYOUTS = [
    ("subplots", "a subplot a plot, 24 traces"),
    ("pixels", "one pair of pixel axes, 24 traces"),
    ("one", "one pair of pixel axes, one trace"),
]
LIVE_LAYOUTS = [
    ("two", "heatmaps restyled, bars animated: two figures"),
    ("one", "heatmaps and bars, one figure, one restyle"),
    ("animated", "heatmaps and bars, one figure, one animate (heatmaps made animatable)"),
]


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
    with serving() as base, sync_playwright() as playwright:
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
                    url = f"{base}/live.html?net={net}&layout={layout}"
                    report(f"{net:8s} {what}", browser, url, args)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
