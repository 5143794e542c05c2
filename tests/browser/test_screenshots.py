"""Screenshots of the page for a person to look at (saved in test-artifacts/, not committed):
iris after 100 steps, xor with one hidden layer after it has learned (docs/screenshot.png), and
spiral with two hidden layers while playing."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page

from tests.browser.helpers import (
    SLOW_VIEWS,
    TIMEOUT_MS,
    open_page,
    pause,
    session_id,
    wait_for_plotly,
    wait_for_step,
    wait_for_step_above,
    wait_for_views_to_catch_up,
)

pytestmark = pytest.mark.browser


def settle(page: Page, views: tuple[str, ...] = ("equations", "curves")) -> None:
    """Waits for the throttled views to have drawn the state the counter shows, and for the
    history (fetched after it) to be in the curves: more than the newest point."""
    wait_for_views_to_catch_up(page, views)
    page.wait_for_function(
        "() => document.getElementById('curves').data[0].x.length > 1", timeout=TIMEOUT_MS
    )


def test_screenshot_iris_after_100_steps(page: Page, server_url: str, artifacts: Path):
    open_page(page, server_url, dataset="iris")
    wait_for_plotly(page)
    page.click("#step-100")
    wait_for_step(page, 100)
    page.click("#step-1")  # the last step drawn by itself, as a learner would look at it
    wait_for_step(page, 101)
    settle(page)
    page.mouse.move(0, 0)
    page.screenshot(path=artifacts / "iris-100-steps.png")
    page.screenshot(path=artifacts / "iris-100-steps-full.png", full_page=True)


def test_screenshot_xor_with_one_hidden_layer(
    page: Page, server_url: str, api: httpx.Client, artifacts: Path
):
    with page.expect_websocket() as connected:
        open_page(page, server_url, dataset="xor", hidden=[4], learning_rate=0.5, seed=1)
    wait_for_plotly(page)
    for _ in range(5):
        page.click("#step-1000")
    wait_for_step(page, 5000)
    page.click("#play")  # a moment of live play, for the decision regions and their samples
    wait_for_step_above(page, 5100)
    pause(page, connected.value)  # then the frames still on their way are drawn:
    wait_for_step(page, api.get(f"/api/sessions/{session_id(page)}").json()["step"])
    settle(page, SLOW_VIEWS)
    page.screenshot(path=artifacts / "xor-hidden.png")
    page.screenshot(path=artifacts / "xor-hidden-full.png", full_page=True)


def test_screenshot_spiral_with_two_hidden_layers_while_playing(
    page: Page, server_url: str, artifacts: Path
):
    open_page(page, server_url, dataset="spiral", hidden=[8, 4], speed=1000)
    wait_for_plotly(page)
    page.click("#play")
    wait_for_step_above(page, 3000)
    page.screenshot(path=artifacts / "spiral-8-4-playing.png")
    page.click("#play")
