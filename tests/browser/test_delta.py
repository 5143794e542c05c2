"""What delta is, on the page: the base case follows the loss, the step is checked numerically,
the sample's loss before and after its update."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import open_page, session_id, wait_for_step

pytestmark = pytest.mark.browser


def test_switching_the_loss_changes_the_base_case(page: Page, server_url: str):
    open_page(page, server_url, dataset="xor", hidden=[2])
    equations = page.locator("#equations-body")
    rule = page.locator("#layer-2 .layer-rule")
    expect(equations).to_contain_text("δ² = e ∘ f′(net²)")
    expect(rule).to_contain_text("δ² = e ∘ f′(net²)")
    expect(page.locator('#explain [data-loss="squared_error"]')).to_be_visible()
    expect(page.locator('#explain [data-loss="cross_entropy"]')).to_be_hidden()

    page.select_option("#loss", "cross_entropy")
    expect(equations).to_contain_text("δ² = t − y (f′ cancels)")
    expect(equations).not_to_contain_text("δ² = e ∘ f′(net²)")
    expect(equations).to_contain_text("E = −[t ln y + (1−t) ln(1−y)]")
    expect(rule).to_contain_text("cross-entropy (sigmoid): δ² = t − y")
    expect(page.locator('#explain [data-loss="cross_entropy"]')).to_be_visible()
    expect(page.locator('#explain [data-loss="squared_error"]')).to_be_hidden()
    expect(page).to_have_url(re.compile(r"loss=cross_entropy"))


def test_the_loss_comes_from_the_link(page: Page, server_url: str, api: httpx.Client):
    open_page(page, server_url, dataset="iris", loss="cross_entropy")
    expect(page.locator("#loss")).to_have_value("cross_entropy")
    assert api.get(f"/api/sessions/{session_id(page)}").json()["config"]["loss"] == "cross_entropy"
    expect(page.locator("#equations-body")).to_contain_text("E = −Σ tₖ ln yₖ")
    expect(page.locator("#layers .layer-rule").first).to_contain_text("softmax")


def test_the_samples_loss_before_and_after_its_update(page: Page, server_url: str):
    open_page(page, server_url, dataset="xor", hidden=[2], loss="cross_entropy")
    with page.expect_response("**/step") as answer:
        page.click("#step-1")
    trace = answer.value.json()["trace"]
    wait_for_step(page, 1)
    row = page.locator("#equations-body tr", has_text="before → after")
    expect(row).to_contain_text(
        f"{trace['loss']:.6g} → {trace['loss_after']:.6g}".replace("-", "−")
    )


@pytest.mark.parametrize(
    "config",
    [
        {"dataset": "xor", "hidden": [2], "loss": "squared_error"},
        {"dataset": "iris", "hidden": [4], "loss": "cross_entropy"},
    ],
)
def test_the_numerical_check_agrees_with_the_engine(
    page: Page, server_url: str, config: dict[str, Any]
):
    open_page(page, server_url, **config)
    page.click("#step-10")
    wait_for_step(page, 10)
    summary = page.locator("#check-summary")
    expect(page.locator("#check")).to_be_hidden()
    page.check("#check-numerically")
    expect(summary).to_have_attribute("data-step", "10")
    assert float(summary.get_attribute("data-value") or "nan") < 1e-6
    expect(summary).to_contain_text("largest relative difference")
    layers = len(config["hidden"]) + 1
    expect(page.locator("#check-body tr")).to_have_count(3 * layers)
    # the next step shown is checked too
    page.click("#step-1")
    expect(summary).to_have_attribute("data-step", "11")
    assert float(summary.get_attribute("data-value") or "nan") < 1e-6
