"""The page's drawing speed, in headless Chromium against a server this run starts.

For each scenario (a data set and net, a requested speed) and each run: a fresh browser context (a
cold cache) opens the page; the time from navigation to the first draw of every live view (the
per-layer views) and of the learning curves is read from the page's own counters
(``window.playgroundStats``, see static/js/scheduler.js). Then the page plays, and over a window
of ``--seconds`` the draws of every view are counted by the page, and the browser's
``requestAnimationFrame`` callbacks by a counter this bench adds: the reference, measured in the
same window. A live view's figure is its draws per second over the animation frames per second
of the paused page, counted just before Play: the browser's own rate, which a page that fills
every frame with work pulls down while playing (so the playing page's frames are reported beside
it, not used as the reference). The slow views (curves, regions, the text panels) are reported in
draws per second, and the cores the server, everything else (the browser, most of it) and
nothing used in the window, and those the host (the hypervisor) gave to other machines
(``bench.cpu.CpuWindow``). The decision regions lie below the fold of the 1280x800 screen, where
the page neither draws nor fetches them: their rate (and the live views' share meanwhile) is
measured in a second window of the same visit, scrolled to them. The median of ``--runs`` runs
per scenario is reported, and before and after the scenarios the machine's speed for drawing:
a fixed Plotly workload's main-thread ms a frame (``bench.plotly_layouts``), against its figure
on the machine where the targets were last met. Just before each visit, a page of Plotly.js alone
(``bench.plotly_floor``): how soon any page drawing with the shipped bundle shows a figure, the
first live views' floor on this machine at that moment.

Targets: every live view of a one-weight-layer net (iris) >= 0.9 of the paused page's frames, of a
three-layer net (spiral 8,4) >= 0.5; curves and regions >= 10 draws/s; the first live views within
1.2 s of navigation. Figures: docs/benchmarks.md.

Run: ``make page-bench`` (needs Chromium: Debian's ``/usr/bin/chromium`` or ``CHROMIUM_PATH``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from playwright.sync_api import Browser, Page, sync_playwright

from bench.chromium import CHROMIUM_ARGS, chromium_path
from bench.cpu import CpuWindow
from bench.plotly_floor import FLOOR_PAGE, first_plot_ms, floor_page
from bench.plotly_layouts.measure import REFERENCE, main_thread_ms_per_frame, serving
from bench.servers import running_server

VIEWPORT = {"width": 1280, "height": 800}
LIVE_VIEWS = ("live",)  # every heatmap and bar chart, one figure drawn with every new state
# all the other views the page counts draw on the slow beat (curves, regions, the text panels)
IDLE_SECONDS = 1.0  # the paused page's animation frames: the browser's own rate, the reference
COUNTER = "counter"  # the step counter: drawn with every new state, not a plot
CURVES, REGIONS = "curves", "regions"
TIMEOUT_MS = 30_000
FIRST_LIVE_TARGET_MS = 1200
REFERENCE_SECONDS = 3.0
REFERENCE_WHERE_MET = 13.3  # ms a frame, 2026-12-02 (docs/benchmarks.md)
SLOW_TARGET_PER_SECOND = 10


@dataclass(frozen=True)
class Scenario:
    name: str
    config: dict[str, Any]
    weight_layers: int
    speed: int

    @property
    def live_target(self) -> float | None:
        """The live views' share of the animation frames aimed at (none given for two layers)."""
        return {1: 0.9, 3: 0.5}.get(self.weight_layers)


NETS = [
    ("iris", {"dataset": "iris"}, 1),
    ("circle 4", {"dataset": "circle", "hidden": "4"}, 2),
    ("spiral 8,4", {"dataset": "spiral", "hidden": "8,4"}, 3),
]
SCENARIOS = [
    Scenario(f"{name} at {speed:,} steps/s", config, layers, speed)
    for name, config, layers in NETS
    for speed in (1_000, 20_000)
]

COUNT_ANIMATION_FRAMES = """() => {
    window.benchAnimationFrames = 0;
    const count = () => {
        window.benchAnimationFrames += 1;
        requestAnimationFrame(count);
    };
    requestAnimationFrame(count);
}"""
# when Plotly.js's script has run (its load event), for the first live views' split
MARK_PLOTLY_RUN = """document.addEventListener('load', (event) => {
    if (event.target.id === 'plotly') window.benchPlotlyRun = performance.now();
}, true)"""
PLOTLY_LOAD = """() => {
    const src = document.getElementById('plotly').src;
    const file = performance.getEntriesByType('resource').find((e) => e.name === src);
    return { asked: file.requestStart, lastByte: file.responseEnd, run: window.benchPlotlyRun };
}"""
READ = """() => JSON.parse(JSON.stringify({
    now: performance.now(),
    animationFrames: window.benchAnimationFrames ?? 0,
    stats: window.playgroundStats,
    step: Number(document.getElementById('step-count').textContent.replaceAll(',', '')),
}))"""


def wait_for_draws(page: Page, view: str, count: int) -> None:
    page.wait_for_function(
        "([view, count]) => (window.playgroundStats?.views[view]?.draws ?? 0) >= count",
        arg=[view, count],
        timeout=TIMEOUT_MS,
    )


def run_once(
    browser: Browser, url: str, server: int, scenario: Scenario, seconds: float, floor_url: str
) -> dict[str, Any]:
    """One cold visit: the first draws' times, then the draws over the animation frames while
    playing, and where the cores went meanwhile; with decision regions, then a window more with
    them scrolled into sight (below the fold, the page neither draws nor fetches them). Just
    before it, a cold visit to Plotly.js alone at ``floor_url``: the first live views' floor at
    that moment."""
    floor = first_plot_ms(browser, floor_url)
    in_sight = None
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    try:
        page = context.new_page()
        page.add_init_script(MARK_PLOTLY_RUN)
        query = urlencode({**scenario.config, "speed": scenario.speed})
        page.goto(f"{url}/?{query}")
        wait_for_draws(page, "curves", 1)  # every plot drawn once: Plotly.js is there too
        first = page.evaluate(READ)["stats"]["views"]
        plotly = page.evaluate(PLOTLY_LOAD)
        live = [v for v in LIVE_VIEWS if v in first]
        plane = page.locator("#regions").is_visible()  # a 2-D set's regions (iris has none)
        slow = [v for v in first if v not in (*LIVE_VIEWS, COUNTER) and (v != REGIONS or plane)]

        page.evaluate(COUNT_ANIMATION_FRAMES)
        idle_start = page.evaluate(READ)
        time.sleep(IDLE_SECONDS)
        idle_end = page.evaluate(READ)
        page.click("#play")
        page.wait_for_function(  # playing: the first frames have come
            "n => window.playgroundStats.framesReceived >= n",
            arg=page.evaluate(READ)["stats"]["framesReceived"] + 5,
            timeout=TIMEOUT_MS,
        )
        cpu = CpuWindow([server], redis=None)
        start = page.evaluate(READ)
        cpu.start()
        time.sleep(seconds)
        split = cpu.stop()
        end = page.evaluate(READ)
        if plane:  # scrolled to, as a user would: no click (Playwright scrolls to what it clicks)
            page.locator("#regions-figure").scroll_into_view_if_needed()
            page.wait_for_function(
                "view => window.playgroundStats.views[view].visible", arg=REGIONS
            )
            shown = page.evaluate(READ)
            time.sleep(seconds)
            in_sight = (shown, page.evaluate(READ))
        page.click("#play")
    finally:
        context.close()

    elapsed = (end["now"] - start["now"]) / 1000
    frames = end["animationFrames"] - start["animationFrames"]

    def draws(view: str) -> int:
        count: int = end["stats"]["views"][view]["draws"] - start["stats"]["views"][view]["draws"]
        return count

    received = end["stats"]["framesReceived"] - start["stats"]["framesReceived"]
    idle_frames = idle_end["animationFrames"] - idle_start["animationFrames"]
    idle_rate = idle_frames / ((idle_end["now"] - idle_start["now"]) / 1000)
    result = {
        "idle animation frames per second": idle_rate,
        "draws / idle animation frames": {v: draws(v) / elapsed / idle_rate for v in live},
        "first_live_views_ms": max(first[v]["first"] for v in live),
        "first_curves_ms": first["curves"]["first"],
        # where the first live views' time goes: Plotly.js's request, its last byte (the browser
        # compiles it meanwhile), the end of its run (its evaluation, on the main thread)
        "plotly_ms": {
            "asked": plotly["asked"],
            "last byte": plotly["lastByte"],
            "run": plotly["run"],
        },
        "plotly_alone_ms": floor,
        "first_live_views_over_plotly_alone_ms": max(first[v]["first"] for v in live)
        - floor["drawn"],
        "animation_frames_per_second": frames / elapsed,
        "draws / animation frames": {v: draws(v) / frames for v in (*live, COUNTER, *slow)},
        "draws per second": {v: draws(v) / elapsed for v in (*live, *slow)},
        "stream frames / animation frames": received / frames,
        "steps / requested": (end["step"] - start["step"]) / elapsed / scenario.speed,
        # the browser is most of "other": every process but the server and this bench's own
        "cores while playing": {
            "server": split.apps[0],
            "other": split.other,
            "idle": split.idle,
            "stolen": split.stolen,
        },
    }
    if in_sight:
        shown, shown_end = in_sight
        shown_elapsed = (shown_end["now"] - shown["now"]) / 1000

        def shown_draws(view: str) -> float:
            views = (shown["stats"]["views"][view], shown_end["stats"]["views"][view])
            count: int = views[1]["draws"] - views[0]["draws"]
            return count / float(shown_elapsed)

        result["regions in sight"] = {
            "draws / idle animation frames": {v: shown_draws(v) / idle_rate for v in live},
            "draws per second": {v: shown_draws(v) for v in (CURVES, REGIONS)},
        }
    return result


def machine_reference(browser: Browser, layouts: str) -> float:
    """The machine's speed for drawing, in this run's browser: a fixed Plotly workload's
    main-thread busy ms a frame (``bench.plotly_layouts``: spiral 8,4's live views, redrawn every
    frame), so that a run on a slower host or in a slower window reads as such."""
    busy, _ = main_thread_ms_per_frame(browser, f"{layouts}/{REFERENCE}", REFERENCE_SECONDS)
    return busy


def median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Each figure's median over the runs (nested dictionaries figure by figure)."""
    first = runs[0]
    return {
        key: median_of([r[key] for r in runs])
        if isinstance(first[key], dict)
        else statistics.median(r[key] for r in runs)
        for key in first
    }


def verdicts(scenario: Scenario, result: dict[str, Any]) -> list[str]:
    lines = []
    share = result["draws / animation frames"]
    idle = result["draws / idle animation frames"]
    target = scenario.live_target
    for view in idle:
        verdict = "      " if target is None else ("MET   " if idle[view] >= target else "MISSED")
        aim = "no target" if target is None else f"target >= {target}"
        lines.append(
            f"  {verdict} {view}: {idle[view]:.2f} of the paused page's animation frames ({aim}); "
            f"{share[view]:.2f} of those painted while playing"
        )
    sight = result.get("regions in sight")
    rates = {CURVES: result["draws per second"][CURVES]}
    if sight:  # the regions' rate where they are seen
        rates[REGIONS] = sight["draws per second"][REGIONS]
    for view, rate in rates.items():
        verdict = "MET   " if rate >= SLOW_TARGET_PER_SECOND else "MISSED"
        where = " (scrolled into sight)" if view == REGIONS else ""
        lines.append(
            f"  {verdict} {view}: {rate:.1f} draws/s{where} (target >= {SLOW_TARGET_PER_SECOND})"
        )
    if sight:
        shares = ", ".join(
            f"{v} {x:.2f}" for v, x in sight["draws / idle animation frames"].items()
        )
        lines.append(
            f"         regions scrolled into sight: {shares} of the paused page's animation "
            f"frames, curves {sight['draws per second'][CURVES]:.1f} draws/s; out of sight "
            f"(above) the regions drew {result['draws per second'][REGIONS]:.1f} a second"
        )
    ms = result["first_live_views_ms"]
    verdict = "MET   " if ms <= FIRST_LIVE_TARGET_MS else "MISSED"
    lines.append(
        f"  {verdict} first live views {ms:.0f} ms after navigation, cold cache "
        f"(target <= {FIRST_LIVE_TARGET_MS}); curves {result['first_curves_ms']:.0f} ms"
    )
    plotly = result["plotly_ms"]
    lines.append(
        f"         Plotly.js asked for at {plotly['asked']:.0f} ms, its last byte at "
        f"{plotly['last byte']:.0f} ms, run by {plotly['run']:.0f} ms"
    )
    alone = result["plotly_alone_ms"]
    over = result["first_live_views_over_plotly_alone_ms"]
    lines.append(
        f"         Plotly.js alone just before (bench/plotly_floor.py), the floor: drawn at "
        f"{alone['drawn']:.0f} ms, the page's first live views {over:+.0f} ms against it; its "
        f"last byte at {alone['last byte']:.0f} ms, run by {alone['run']:.0f} ms"
    )
    lines.append(
        f"         reference: {result['idle animation frames per second']:.1f} animation "
        f"frames/s paused, {result['animation_frames_per_second']:.1f} while playing; "
        f"{result['steps / requested']:.2f} of the requested steps taken"
    )
    used = result["cores while playing"]
    lines.append(
        f"         cores while playing: server {used['server']:.2f}, the browser and the rest "
        f"{used['other']:.2f}, idle {used['idle']:.2f}, taken by the host {used['stolen']:.2f}"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per scenario (median)")
    parser.add_argument("--seconds", type=float, default=2.0, help="measured window while playing")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()

    results: dict[str, Any] = {"runs": args.runs, "seconds": args.seconds, "scenarios": {}}
    env = {"PLAYGROUND_LOG_LEVEL": "warning"}
    reference: dict[str, float] = {}
    with (
        running_server("app", ("GET", "/healthz"), env) as (url, server),
        serving({FLOOR_PAGE: floor_page(url)}) as layouts,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        try:
            reference["start"] = machine_reference(browser, layouts)
            # warm-up: the server's first requests
            floor_url = f"{layouts}/{FLOOR_PAGE}"
            run_once(browser, url, server, SCENARIOS[0], 0.5, floor_url)
            runs: dict[str, list[dict[str, Any]]] = {s.name: [] for s in SCENARIOS}
            for _ in range(args.runs):  # round by round: a busy moment hits every scenario
                for scenario in SCENARIOS:
                    result = run_once(browser, url, server, scenario, args.seconds, floor_url)
                    runs[scenario.name].append(result)
            reference["end"] = machine_reference(browser, layouts)
        finally:
            browser.close()
    results["machine reference, ms a frame"] = reference
    print(
        f"machine reference (the layouts bench's {REFERENCE}, main-thread busy ms a frame): "
        f"{reference['start']:.1f} before the scenarios, {reference['end']:.1f} after "
        f"({REFERENCE_WHERE_MET} where the targets were last met)"
    )
    for scenario in SCENARIOS:
        result = median_of(runs[scenario.name])
        results["scenarios"][scenario.name] = {**result, "all runs": runs[scenario.name]}
        print(scenario.name)
        print("\n".join(verdicts(scenario, result)))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
