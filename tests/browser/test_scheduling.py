"""The page's frame scheduling (static/js/scheduler.js), counted by the page itself in
``window.playgroundStats``: while playing, every live view draws every state the page shows (as
many draws as the step counter's), at most once an animation frame; frames that arrive together
are skipped, only the newest drawn; after a pause the page shows the server's last step and the
slow views catch up; the decision regions out of sight are neither drawn nor fetched. How fast it
all draws is measured by make page-bench (docs/benchmarks.md)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.browser.conftest import PageLog
from tests.browser.helpers import (
    SLOW_VIEWS,
    open_page,
    pause,
    session_id,
    show_regions,
    step_count,
    wait_for_plotly,
    wait_for_step,
    wait_for_views_to_catch_up,
)

pytestmark = pytest.mark.browser

TALL_VIEWPORT: ViewportSize = {"width": 1280, "height": 1400}
FRAMES = 10  # frames to play for: every view draws several times
PLAY_TIMEOUT_MS = 120_000  # a loaded machine may take that long to paint them; only a hang waits it


def counts(page: Page) -> dict[str, Any]:
    """The page's counters, read in one task (between two animation frames)."""
    result: dict[str, Any] = page.evaluate("JSON.parse(JSON.stringify(window.playgroundStats))")
    return result


def live_views(stats: dict[str, Any]) -> list[str]:
    """The views drawn on every animation frame with a new state: all but the slow ones and
    the step counter (the reference: it draws every state shown)."""
    return [name for name in stats["views"] if name not in (*SLOW_VIEWS, "counter")]


def draws(before: dict[str, Any], after: dict[str, Any], view: str) -> int:
    count: int = after["views"][view]["draws"] - before["views"][view]["draws"]
    return count


@pytest.mark.parametrize(
    ("speed", "config"),
    [
        (1000, {"dataset": "iris"}),
        (20000, {"dataset": "iris"}),
        (1000, {"dataset": "circle", "hidden": [4]}),
        (20000, {"dataset": "spiral", "hidden": [8, 4]}),
    ],
    ids=["iris-1000", "iris-20000", "circle-hidden-1000", "spiral-two-hidden-20000"],
)
def test_every_live_view_draws_every_state_shown_and_pause_means_paused(
    page: Page, server_url: str, api: httpx.Client, speed: int, config: dict[str, object]
):
    with page.expect_websocket() as connected:
        open_page(page, server_url, speed=speed, **config)
    stream = connected.value
    wait_for_plotly(page)
    expect(page.locator("#speed-value")).to_have_text(f"{speed:,} steps/s")
    slow_views = tuple(v for v in SLOW_VIEWS if config["dataset"] != "iris" or v != "regions")
    # every view in sight (the decision regions are drawn only then), Play and Pause too
    page.set_viewport_size(TALL_VIEWPORT)
    wait_for_views_to_catch_up(page, slow_views)
    before = counts(page)

    page.click("#play")
    page.wait_for_function(
        "n => window.playgroundStats.framesReceived >= n",
        arg=before["framesReceived"] + FRAMES,
        timeout=PLAY_TIMEOUT_MS,
    )
    pause(page, stream)
    last_step = api.get(f"/api/sessions/{session_id(page)}").json()["step"]
    wait_for_step(page, last_step)  # paused at the server's last step, shown
    wait_for_views_to_catch_up(page, (*live_views(before), *slow_views))
    after = counts(page)

    shown = draws(before, after, "counter")  # the states the page showed, one a draw
    received = after["framesReceived"] - before["framesReceived"]
    ticks = after["ticks"] - before["ticks"]
    assert 0 < shown <= received  # a frame is drawn once at most: skipped, never queued
    assert shown <= ticks  # one state at most an animation frame
    for view in live_views(before):
        assert draws(before, after, view) == shown, view
    for view in slow_views:
        assert draws(before, after, view) >= 1, view
    assert step_count(page) == last_step
    assert api.get(f"/api/sessions/{session_id(page)}").json()["step"] == last_step


def test_frames_that_arrive_together_are_skipped_and_the_newest_drawn(
    page: Page, server_url: str, api: httpx.Client
):
    open_page(page, server_url, dataset="xor", hidden=[3])
    wait_for_plotly(page)
    sid = session_id(page)
    # five states of the page's session, handed to it in one task: no animation frame between
    states = [api.post(f"/api/sessions/{sid}/step", json={"n": 1}).json() for _ in range(5)]
    before = counts(page)
    page.evaluate(
        "states => states.forEach(s => window.playground.session.accept(s, false))", states
    )
    wait_for_step(page, 5)
    wait_for_views_to_catch_up(page, tuple(live_views(before)))
    after = counts(page)
    assert after["framesReceived"] - before["framesReceived"] == 5
    for view in (*live_views(before), "counter"):
        assert draws(before, after, view) == 1, view  # steps 1 to 4 skipped
        assert after["views"][view]["step"] == 5, view


def test_regions_out_of_sight_are_neither_drawn_nor_fetched_until_scrolled_to(
    page: Page, page_log: PageLog, server_url: str
):
    open_page(page, server_url, dataset="xor", hidden=[3])
    wait_for_plotly(page)
    # below the fold of the 1280x800 screen: the page is told so (IntersectionObserver)
    page.wait_for_function("() => window.playgroundStats.views.regions.visible === false")

    def regions_asked() -> int:
        return sum("/regions?" in url for url in page_log.urls)

    before, asked = counts(page), regions_asked()
    for button, step in (("#step-10", 10), ("#step-100", 110)):
        page.click(button)
        wait_for_step(page, step)
        wait_for_views_to_catch_up(page, ("curves", "equations"))  # the others drew the step
    assert counts(page)["views"]["regions"]["draws"] == before["views"]["regions"]["draws"]
    assert regions_asked() == asked

    show_regions(page)  # in sight: the newest step drawn, its grid fetched
    wait_for_views_to_catch_up(page, ("regions",))
    after = counts(page)
    assert after["views"]["regions"]["visible"] is True
    assert draws(before, after, "regions") >= 1
    page.wait_for_function("() => document.getElementById('regions-grid').data?.[0]?.z?.length > 0")
    assert regions_asked() > asked
