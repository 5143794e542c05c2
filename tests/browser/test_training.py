"""Training from the page: each plot shows the numbers of the step the server took, checked
against the server's state and against the delta rule computed here with NumPy."""

from __future__ import annotations

import itertools
import re

import httpx
import numpy as np
import pytest
from numpy.typing import NDArray
from playwright.sync_api import Page, expect

from core import load_dataset
from tests.browser.helpers import (
    close,
    open_page,
    session_id,
    shown,
    step_count,
    wait_for_draws,
    wait_for_step,
    wait_for_step_above,
)

pytestmark = pytest.mark.browser
Array = NDArray[np.float64]


def tanh01(net: Array) -> tuple[Array, Array]:
    """The tutorial's activation and its slope, written out here again:
    ``f = (tanh + 1) / 2`` and ``f' = (1 - tanh²) / 2``."""
    t = np.tanh(net)
    return (t + 1) / 2, (1 - t * t) / 2


def weights_of(api: httpx.Client, sid: str) -> list[Array]:
    response = api.get(f"/api/sessions/{sid}")
    assert response.status_code == 200
    return [np.array(layer["weights"]) for layer in response.json()["layers"]]


def sample_index(page: Page, step: int) -> int:
    """The training sample of step ``step``, as the step in numbers names it."""
    sample = page.locator("#sample")
    expect(sample).to_contain_text(f"Step {step}:")
    match = re.search(r"sample #(\d+)", sample.inner_text())
    assert match, sample.inner_text()
    return int(match.group(1))


def test_step_draws_the_servers_step_on_every_plot(page: Page, server_url: str, api: httpx.Client):
    open_page(page, server_url, dataset="iris")
    sid = session_id(page)
    w0 = weights_of(api, sid)[0]
    before = shown(page)[0]
    assert close(before["weights"], w0.tolist())
    assert before["update"] is None  # no step yet
    assert before["delta"] is None

    page.click("#step-1")
    wait_for_step(page, 1)

    state = api.get(f"/api/sessions/{sid}").json()
    assert state["step"] == step_count(page) == 1
    after = shown(page)[0]
    assert after["weights"] == state["layers"][0]["weights"]  # the heatmap shows the server's W
    assert not close(after["weights"], before["weights"])  # and it changed

    # the same step, computed here: net = W·[x;1], y = f(net), e = t − y, δ = e ∘ f'(net)
    train = load_dataset("iris").train
    index = sample_index(page, 1)
    x_b = np.append(train.x[index], 1.0)
    target = train.target[index]
    y, slope = tanh01(w0 @ x_b)
    error = target - y
    delta = error * slope
    update = 0.1 * np.outer(delta, x_b)
    assert close(after["output"], y.tolist())
    assert close(after["target"], target.tolist())
    assert close(after["error"], error.tolist())
    assert close(after["slope"], slope.tolist())
    assert close(after["delta"], delta.tolist())
    assert close(after["update"], update.tolist())
    assert close(after["weights"], (w0 + update).tolist())


def test_hidden_layer_delta_is_built_from_the_next_layers(
    page: Page, server_url: str, api: httpx.Client
):
    open_page(page, server_url, dataset="xor", hidden=[3], seed=4)
    sid = session_id(page)
    w1, w2 = weights_of(api, sid)
    page.click("#step-1")
    wait_for_step(page, 1)
    hidden, output = shown(page)

    train = load_dataset("xor").train
    index = sample_index(page, 1)
    x_b = np.append(train.x[index], 1.0)
    a1, slope1 = tanh01(w1 @ x_b)
    y, slope2 = tanh01(w2 @ np.append(a1, 1.0))
    delta2 = (train.target[index] - y) * slope2
    sent_back = w2[:, :-1].T @ delta2  # Wᵀδ without the bias column
    assert close(output["delta"], delta2.tolist())
    assert close(hidden["error"], sent_back.tolist())  # the bars of (W²)ᵀδ²
    assert close(hidden["slope"], slope1.tolist())
    assert close(hidden["delta"], (slope1 * sent_back).tolist())
    assert close(hidden["update"], (0.1 * np.outer(slope1 * sent_back, x_b)).tolist())


def test_step_buttons_and_keys(page: Page, server_url: str):
    open_page(page, server_url, dataset="and")
    page.click("#step-10")
    wait_for_step(page, 10)
    page.click("#step-100")
    wait_for_step(page, 110)
    page.click("#step-1000")
    wait_for_step(page, 1110)

    page.locator("body").press("ArrowRight")
    wait_for_step(page, 1111)
    page.locator("body").press("r")
    wait_for_step(page, 0)

    page.locator("body").press("ArrowRight")
    wait_for_step(page, 1)
    page.locator("#hidden").press("r")  # typing in a field: no reset, no step
    page.locator("#hidden").press("ArrowRight")
    page.locator("#hidden").press(" ")
    expect(page.locator("#hidden")).to_have_value("r ")
    expect(page.locator("#play")).to_have_attribute("aria-pressed", "false")
    page.fill("#hidden", "")
    page.locator("#hidden").blur()
    page.locator("body").press("ArrowRight")  # the second step: the keys in the field took none
    wait_for_step(page, 2)

    page.locator("body").press(" ")
    expect(page.locator("#play")).to_have_attribute("aria-pressed", "true")
    wait_for_step_above(page, 2)
    page.locator("body").press(" ")
    expect(page.locator("#play")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#play")).to_have_text("Play")


def test_learning_rate_changes_while_playing_without_reset(
    page: Page, server_url: str, api: httpx.Client
):
    open_page(page, server_url, dataset="iris", speed=1000)
    sid = session_id(page)
    page.click("#play")
    wait_for_step_above(page, 300)
    page.fill("#learning_rate", "0.35")
    page.locator("#learning_rate").press("Enter")
    expect(page.locator("#note")).to_contain_text("0.35")
    changed_at = step_count(page)

    state = api.get(f"/api/sessions/{sid}").json()
    assert state["config"]["learning_rate"] == 0.35
    wait_for_step_above(page, changed_at)
    assert step_count(page) > changed_at  # still training, from where it was: no reset
    expect(page.locator("#sample")).to_contain_text("η = 0.35")  # the steps use the new rate
    assert api.get(f"/api/sessions/{sid}").json()["step"] > changed_at
    page.click("#play")
    expect(page.locator("#play")).to_have_attribute("aria-pressed", "false")
    assert "learning_rate=0.35" in page.url


def test_url_reproduces_the_configuration(page: Page, server_url: str, api: httpx.Client):
    config = {
        "dataset": "circle",
        "hidden": [5, 3],
        "activation": "tanh",
        "learning_rate": 0.05,
        "max_weight": 0.8,
        "seed": 7,
        "sampling": "epoch",
        "features": ["x1", "x2", "x2^2"],
        "noise": 0.15,
    }
    open_page(page, server_url, **config, speed=2000)
    first = api.get(f"/api/sessions/{session_id(page)}").json()
    assert first["config"] == {**config, "loss": "squared_error"}  # no loss in the page's form yet
    expect(page.locator("#dataset")).to_have_value("circle")
    expect(page.locator("#hidden")).to_have_value("5,3")
    expect(page.locator("#activation")).to_have_value("tanh")
    expect(page.locator("#learning_rate")).to_have_value("0.05")
    expect(page.locator("#max_weight")).to_have_value("0.8")
    expect(page.locator("#seed")).to_have_value("7")
    expect(page.locator("#sampling")).to_have_value("epoch")
    expect(page.get_by_label("x2^2")).to_be_checked()
    expect(page.get_by_label("x1^2")).not_to_be_checked()
    expect(page.locator("#noise-value")).to_have_text("0.15")
    expect(page.locator("#speed-value")).to_have_text("2,000 steps/s")

    page.select_option("#sampling", "sequential")  # a change starts a new run and goes in the URL
    expect(page.locator("#note")).to_contain_text("New run (sampling changed)")
    link = page.url
    assert "sampling=sequential" in link

    # the link, opened elsewhere, starts the same run: same config, same initial weights
    other = page.context.new_page()
    other.goto(link)
    wait_for_draws(other, "live", 1)
    second = api.get(f"/api/sessions/{session_id(other)}").json()
    assert session_id(other) != session_id(page)
    assert second["config"] == {**config, "loss": "squared_error", "sampling": "sequential"}
    current = api.get(f"/api/sessions/{session_id(page)}").json()
    assert second["layers"] == current["layers"]
    assert shown(other)[0]["weights"] == second["layers"][0]["weights"]
    other.close()


def test_colour_range_only_widens_until_fit_scales(page: Page, server_url: str):
    open_page(page, server_url, dataset="xor", hidden=[4], learning_rate=2, seed=1)
    ranges = []
    for k in range(1, 6):
        page.click("#step-1000")
        wait_for_step(page, 1000 * k)
        for layer in shown(page):
            low, high = layer["weightsRange"]
            assert low == -high
            assert high >= max(abs(w) for row in layer["weights"] for w in row)
        ranges.append([layer["weightsRange"][1] for layer in shown(page)])
    for before, after in itertools.pairwise(ranges):
        assert all(a >= b for a, b in zip(after, before, strict=True)), ranges  # never narrows
    assert ranges[-1] != ranges[0]  # and it did widen: a colour change is a weight change
    draws = page.evaluate("window.playgroundStats.views.live.draws")
    page.click("#fit-scales")  # from the weights shown now, at most the range before
    wait_for_draws(page, "live", draws + 1)
    for layer, high in zip(shown(page), ranges[-1], strict=True):
        assert max(abs(w) for row in layer["weights"] for w in row) <= layer["weightsRange"][1]
        assert layer["weightsRange"][1] <= high
