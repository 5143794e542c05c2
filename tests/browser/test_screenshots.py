"""Screenshots of the page for a person to look at (saved in test-artifacts/, not committed):
iris after 100 steps, xor with one hidden layer after it has learned (docs/screenshot.png), and
spiral with two hidden layers while playing. Each test checks that the picture is one (a PNG of
the page's size) and shows what it is named for: the step, a net that has learned (no sample
misclassified), a page still playing when it was taken."""

from __future__ import annotations

import struct
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    SLOW_VIEWS,
    TIMEOUT_MS,
    open_page,
    pause,
    session_id,
    show_regions,
    step_count,
    wait_for_plotly,
    wait_for_step,
    wait_for_step_above,
    wait_for_views_to_catch_up,
)

pytestmark = pytest.mark.browser

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    """A PNG's width and height in pixels, from its header (the IHDR chunk comes first)."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def shoot(page: Page, path: Path) -> None:
    """The viewport's screenshot and the full page's (``-full``), each checked to be a PNG of
    the page's size."""
    viewport = page.viewport_size
    assert viewport is not None
    page.screenshot(path=path)
    assert png_size(path) == (viewport["width"], viewport["height"])
    full = path.with_name(f"{path.stem}-full.png")
    page.screenshot(path=full, full_page=True)
    width, height = png_size(full)
    assert width == viewport["width"]
    assert height >= viewport["height"]  # the whole page: the panels below the fold too


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
    expect(page.locator("#step-count")).to_have_text("101")
    expect(page.locator("#numbers")).to_contain_text("Step 101:")  # the step in numbers, too
    shoot(page, artifacts / "iris-100-steps.png")


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
    show_regions(page)  # (drawn only in sight) for the full page's screenshot
    settle(page, SLOW_VIEWS)
    # it has learned: every training sample classified right at the last point of its curve
    history = api.get(f"/api/sessions/{session_id(page)}/history").json()
    assert history["train"]["classification_error"][-1] == 0.0
    page.evaluate("() => window.scrollTo(0, 0)")  # the viewport's shot from the top
    shoot(page, artifacts / "xor-hidden.png")


def test_screenshot_spiral_with_two_hidden_layers_while_playing(
    page: Page, server_url: str, artifacts: Path
):
    open_page(page, server_url, dataset="spiral", hidden=[8, 4], speed=1000)
    wait_for_plotly(page)
    page.click("#play")
    wait_for_step_above(page, 3000)
    path = artifacts / "spiral-8-4-playing.png"
    page.screenshot(path=path)
    viewport = page.viewport_size
    assert viewport is not None
    assert png_size(path) == (viewport["width"], viewport["height"])
    # taken while playing: still playing after it, and the steps went on
    expect(page.locator("#play")).to_have_attribute("aria-pressed", "true")
    shot_at = step_count(page)
    wait_for_step_above(page, shot_at)
    page.click("#play")
