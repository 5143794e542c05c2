"""The "Check your own backprop" panel: the shown step as an exercise, a learner's delta checked
with the mistake named, and "predict first" holding δ and ΔW back until the learner's are in."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    LIVE_VIEWS,
    TIMEOUT_MS,
    open_page,
    pin,
    shown,
    stats,
    wait_for_draws,
    wait_for_step,
    wait_for_step_above,
    wait_for_views_to_catch_up,
)

pytestmark = pytest.mark.browser

DIFF_OF_OUTPUT = "f′ was applied to the output y instead of to net."


def exercise(page: Page) -> dict[str, Any]:
    """The problem the panel shows (its JSON form)."""
    problem: dict[str, Any] = json.loads(page.locator("#exercise").inner_text())
    return problem


def tutorial_delta(problem: dict[str, Any], slope_at_output: bool = False) -> list[float]:
    """The one-layer tanh01 net's delta, by hand; ``slope_at_output``: f' taken at y, the
    mistake."""
    (w,) = problem["weights"]
    x_b = [*problem["x"], 1.0]
    net = [sum(wi * xi for wi, xi in zip(row, x_b, strict=True)) for row in w]
    y = [(math.tanh(n) + 1) / 2 for n in net]
    at = y if slope_at_output else net
    return [
        (t - yk) * (1 - math.tanh(a) ** 2) / 2
        for t, yk, a in zip(problem["target"], y, at, strict=True)
    ]


def typed(values: list[float]) -> str:
    return ", ".join(repr(v) for v in values)


def test_the_shown_step_is_the_exercise(page: Page, server_url: str) -> None:
    open_page(page, server_url, dataset="iris")
    page.click("#step-1")
    wait_for_step(page, 1)
    expect(page.locator("#copy-exercise-json")).to_be_enabled(timeout=TIMEOUT_MS)
    problem = exercise(page)
    assert problem["activation"] == "tanh01"
    assert problem["learning_rate"] == 0.1
    assert len(problem["weights"]) == 1
    assert problem["target"] == [0.0, 0.0, 1.0]  # the first sample drawn from seed 0: virginica
    page.click("#copy-exercise-numpy")
    expect(page.locator("#exercise")).to_contain_text("import numpy as np")
    expect(page.locator("#exercise")).to_contain_text("weights = [np.array(w)")


def test_a_pasted_delta_with_the_slope_at_the_output_is_named(page: Page, server_url: str) -> None:
    open_page(page, server_url, dataset="iris")
    page.click("#step-1")
    wait_for_step(page, 1)
    expect(page.locator("#check-answer")).to_be_enabled(timeout=TIMEOUT_MS)
    wrong = tutorial_delta(exercise(page), slope_at_output=True)
    page.fill("#answer-delta", typed(wrong))
    page.click("#check-answer")
    first = page.locator("#verdict .first-wrong")
    expect(first).to_contain_text("δ: wrong", timeout=TIMEOUT_MS)
    expect(first.locator("[data-mistake='diff_of_output']")).to_contain_text(DIFF_OF_OUTPUT)
    expect(page.locator("#verdict .verdict-summary")).to_have_text("First wrong: δ of layer 1.")

    page.fill("#answer-delta", typed(tutorial_delta(exercise(page))))
    page.click("#check-answer")
    expect(page.locator("#verdict .verdict-summary")).to_have_text(
        "Every number you gave is right."
    )
    expect(page.locator("#verdict .first-wrong")).to_have_count(0)


def test_an_answer_pasted_as_json_is_checked(page: Page, server_url: str) -> None:
    open_page(page, server_url, dataset="iris")
    page.click("#step-1")
    wait_for_step(page, 1)
    expect(page.locator("#check-answer")).to_be_enabled(timeout=TIMEOUT_MS)
    delta = [-d for d in tutorial_delta(exercise(page))]  # the other sign, weights not given
    page.fill("#answer-json", json.dumps({"layers": [{"delta": delta}]}))
    page.click("#check-answer")
    first = page.locator("#verdict .first-wrong")
    expect(first.locator("[data-mistake='sign_flipped']")).to_have_count(1, timeout=TIMEOUT_MS)
    expect(first.locator("[data-mistake='wikipedia_convention']")).to_have_count(1)


def _hidden(values: list[Any] | None) -> bool:
    """Whether a plot shows nothing for these values (the page's views draw null as nothing)."""
    return values is None or all(v is None for v in values)


def frame_titles(page: Page) -> list[str]:
    titles: list[str] = page.evaluate(
        "() => document.getElementById('live-frame').layout.annotations.map((a) => a.text)"
    )
    return titles


def test_predict_first_hides_delta_and_update_until_checked(page: Page, server_url: str) -> None:
    open_page(page, server_url, dataset="iris")
    page.click("#step-1")
    wait_for_step(page, 1)
    page.check("#numerical-check")  # the central differences would give δ and ΔW away
    expect(page.locator("#numerical-summary")).to_contain_text("Step 1", timeout=TIMEOUT_MS)
    pin(page, "weights-1", 0, 0)  # a pinned weight's factors too
    page.mouse.move(0, 0)
    page.check("#predict-first")
    page.click("#step-1")
    wait_for_step(page, 2)
    page.wait_for_function("() => window.playground.predicting()", timeout=TIMEOUT_MS)
    wait_for_views_to_catch_up(page, LIVE_VIEWS)
    (layer,) = shown(page)
    assert _hidden(layer["delta"])
    assert all(_hidden(row) for row in layer["update"])
    delta_line = page.locator("#equations-body tr.predicted").first
    expect(delta_line.locator("td")).to_be_hidden()
    # the weights shown are those before the step, and the title says so
    assert "W before the step" in frame_titles(page)
    assert "W after the step" not in frame_titles(page)
    expect(page.locator("#numerical-summary")).to_contain_text("Held back", timeout=TIMEOUT_MS)
    expect(page.locator("#numerical-body tr")).to_have_count(0)
    expect(page.locator("#pinned-lines")).to_have_text(
        "This step’s δ and ΔW are held back until you have checked your prediction.",
        timeout=TIMEOUT_MS,
    )

    right = tutorial_delta(exercise(page))  # the held step's problem, the learner's numbers
    draws = {view: stats(page)["stats"]["views"][view]["draws"] for view in LIVE_VIEWS}
    page.fill("#answer-delta", typed(right))
    page.click("#check-answer")
    expect(page.locator("#verdict .verdict-summary")).to_have_text(
        "Every number you gave is right.", timeout=TIMEOUT_MS
    )
    page.wait_for_function("() => !window.playground.predicting()", timeout=TIMEOUT_MS)
    for view, count in draws.items():
        wait_for_draws(page, view, count + 1)  # the held step drawn whole
    (layer,) = shown(page)
    assert all(abs(a - b) < 1e-12 for a, b in zip(layer["delta"], right, strict=True))
    assert not any(_hidden(row) for row in layer["update"])
    expect(delta_line.locator("td")).to_be_visible()
    assert "W after the step" in frame_titles(page)
    expect(page.locator("#numerical-summary")).to_contain_text("Step 2", timeout=TIMEOUT_MS)
    expect(page.locator("#pinned-lines")).to_contain_text("ΔW", timeout=TIMEOUT_MS)
    expect(page.locator("#pinned-lines")).not_to_contain_text("held back")


def test_while_playing_the_panel_waits_for_the_pause(page: Page, server_url: str) -> None:
    open_page(page, server_url, dataset="iris", speed=200)
    page.check("#predict-first")
    page.click("#play")
    wait_for_step_above(page, 20)
    expect(page.locator("#exercise")).to_have_text("Pause to take the shown step as an exercise.")
    expect(page.locator("#check-answer")).to_be_disabled()
    assert not page.evaluate("window.playground.predicting()")  # nothing held while playing
    page.click("#play")
    expect(page.locator("#check-answer")).to_be_enabled(timeout=TIMEOUT_MS)
    assert exercise(page)["activation"] == "tanh01"
