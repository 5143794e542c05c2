"""What delta is, on the page: the base case follows the loss, the step is checked numerically,
the sample's loss before and after its update."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import close, open_page, pin, session_id, wait_for_step

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
    summary = page.locator("#numerical-summary")
    expect(page.locator("#numerical")).to_be_hidden()
    page.check("#numerical-check")
    expect(summary).to_have_attribute("data-step", "10")
    assert float(summary.get_attribute("data-value") or "nan") < 1e-6
    expect(summary).to_contain_text("largest relative difference")
    layers = len(config["hidden"]) + 1
    expect(page.locator("#numerical-body tr")).to_have_count(3 * layers)
    # the next step shown is checked too
    page.click("#step-1")
    expect(summary).to_have_attribute("data-step", "11")
    assert float(summary.get_attribute("data-value") or "nan") < 1e-6


def part(page: Page, name: str) -> list[float]:
    """The full values of the pinned panel's numbers named ``name``, in order."""
    values: list[str] = page.locator(f'#pinned [data-part="{name}"]').evaluate_all(
        "spans => spans.map((s) => s.dataset.value)"
    )
    return [float(v) for v in values]


def test_a_pinned_hidden_weights_terms_sum_to_its_delta_and_update(
    page: Page, server_url: str, api: httpx.Client
):
    open_page(page, server_url, dataset="xor", hidden=[3], seed=2)
    page.click("#step-10")
    wait_for_step(page, 10)
    with page.expect_response("**/step") as answer:
        page.click("#step-1")
    record = answer.value.json()["trace"]
    wait_for_step(page, 11)
    k, j = 1, 0  # unit h2's weight from input a
    pin(page, "weights-1", k, j)
    expect(page.locator("#pinned-title")).to_have_text("Pinned: W¹[h2 ← a]")
    expect(page.locator('#pinned [data-part="incoming-sum"]')).to_have_count(1)
    hidden, output = record["layers"]

    weights, deltas = part(page, "term-weight"), part(page, "term-delta")
    assert weights == [row[k] for row in output["weights_before"]]  # column k of the next W
    assert deltas == output["delta"]
    (incoming,) = part(page, "incoming-sum")
    assert close(sum(w * d for w, d in zip(weights, deltas, strict=True)), incoming)
    assert close(incoming, hidden["incoming"][k])
    (shown_incoming,), (slope,) = part(page, "incoming"), part(page, "slope")
    (delta,), (delta_product,) = part(page, "delta"), part(page, "delta-product")
    assert shown_incoming == incoming
    assert delta == delta_product
    assert close(shown_incoming * slope, delta)
    assert close(delta, hidden["delta"][k])
    (eta,), (x,), (update,) = part(page, "learning-rate"), part(page, "x"), part(page, "update")
    assert x == record["sample"]["x"][j]
    assert close(eta * delta * x, update)
    assert close(update, hidden["weight_update"][k][j])
    (before,), (after,) = part(page, "weight-before"), part(page, "weight")
    assert close(before + update, after)

    # the transpose made visible: column k of the next layer's W outlined in its heatmap
    # (on the figure's one pair of axes, in px: cell (i, j) spans x0 + (j ± ½) dx, y0 + (i ± ½) dy)
    shapes, cells = page.evaluate(
        """() => {
            const element = document.getElementById('live');
            const cells = element.data.map((t) => [t.name, [t.x0, t.dx, t.y0, t.dy]]);
            return [element.layout.shapes ?? [], Object.fromEntries(cells)];
        }"""
    )

    def edges(name: str, row: int, col: int) -> tuple[float, float, float, float]:
        x0, dx, y0, dy = cells[name]
        return (
            x0 + (col - 0.5) * dx,
            x0 + (col + 0.5) * dx,
            y0 + (row - 0.5) * dy,
            y0 + (row + 0.5) * dy,
        )

    drawn = sorted((s["x0"], s["x1"], s["y0"], s["y1"]) for s in shapes)
    # column k of W² (its one row), and the pinned cell in W¹ and in ΔW¹
    meant = sorted([edges("weights-2", 0, k), edges("weights-1", k, j), edges("update-1", k, j)])
    assert [v for box in drawn for v in box] == pytest.approx([v for box in meant for v in box])


def test_a_pinned_output_weight_and_setting_it(page: Page, server_url: str, api: httpx.Client):
    open_page(page, server_url, dataset="xor", hidden=[2])
    with page.expect_response("**/step") as answer:
        page.click("#step-1")
    record = answer.value.json()["trace"]
    wait_for_step(page, 1)
    pin(page, "update-2", 0, 2)  # the output unit's bias weight
    output = record["layers"][1]
    (target,), (y,), (incoming,) = (
        part(page, "target"),
        part(page, "output"),
        part(page, "incoming-sum"),
    )
    assert close(target - y, incoming)
    assert close(incoming, output["incoming"][0])
    assert part(page, "x") == [1.0]
    assert close(part(page, "update")[0], output["weight_update"][0][2])
    expect(page.locator('#pinned [data-part="term-weight"]')).to_have_count(0)

    page.fill("#pinned-value", "0.75")
    page.click("#pinned-set")
    expect(page.locator('#pinned [data-part="weight"]')).to_have_attribute("data-value", "0.75")
    state = api.get(f"/api/sessions/{session_id(page)}").json()
    assert state["layers"][1]["weights"][0][2] == 0.75
    # its recent values: steps 1 and 2, the set value shown at step 1 again
    page.click("#step-1")
    wait_for_step(page, 2)
    history = page.locator("#pinned-history")
    expect(history).to_be_visible()
    page.wait_for_function(
        "() => document.getElementById('pinned-history').data?.[0].x.length === 2"
    )
    assert history.evaluate("e => e.data[0].x") == [1, 2]
    page.click("#pinned-unpin")
    expect(page.locator("#pinned")).to_be_hidden()


def test_a_saturated_unit_is_marked(page: Page, server_url: str, api: httpx.Client):
    open_page(page, server_url, dataset="xor", hidden=[2], activation="sigmoid")
    # h1's bias so large that its net sits far up the sigmoid's flat end, whatever the sample
    response = api.patch(
        f"/api/sessions/{session_id(page)}",
        json={"weight": {"layer": 0, "row": 0, "column": 2, "value": 12}},
    )
    assert response.status_code == 200
    with page.expect_response("**/step") as answer:
        page.click("#step-1")
    record = answer.value.json()["trace"]
    wait_for_step(page, 1)
    (sigmoid,) = [a for a in api.get("/api/activations").json() if a["name"] == "sigmoid"]
    expected = [
        [layer, row]
        for layer, unit in enumerate(record["layers"])
        for row, slope in enumerate(unit["activation_diff"])
        if slope < sigmoid["max_slope"] / 10
    ]
    assert [0, 0] in expected
    saturation = page.locator("#saturation")
    expect(saturation).to_be_visible()
    expect(saturation).to_have_attribute("data-units", json.dumps(expected, separators=(",", ":")))
    expect(saturation).to_contain_text("h1")
    expect(saturation).to_contain_text("damped whatever its error")
    pin(page, "weights-1", 0, 0)
    expect(page.locator("#pinned .saturated")).to_contain_text("damped whatever its error")
    pin(page, "weights-1", 1, 0)
    expect(page.locator("#pinned-title")).to_have_text("Pinned: W¹[h2 ← a]")
    expect(page.locator("#pinned .saturated")).to_have_count(1 if [0, 1] in expected else 0)


def test_step_through_visits_every_phase_in_order(page: Page, server_url: str):
    open_page(page, server_url, dataset="xor", hidden=[3, 2])
    page.click("#step-10")
    wait_for_step(page, 10)
    start = page.locator("#walk-start")
    expect(start).to_be_enabled()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    start.click()
    phase = page.locator("#walk-phase")
    order = ["sample", "forward-0", "forward-1", "forward-2", "error", "delta-2", "delta-1"]
    order += ["delta-0", "update", "after"]
    for n, key in enumerate(order):
        expect(phase).to_have_attribute("data-phase", key)
        expect(phase).to_contain_text(f"phase {n + 1} of {len(order)}")
        current = page.locator("#numbers .current")
        expect(current.first).to_have_attribute("data-phase", key)
        phases = current.evaluate_all("rows => rows.map((r) => r.dataset.phase)")
        assert set(phases) == {key}
        # every other line of the step in numbers dimmed
        dimmed = page.locator("#numbers .dimmed").evaluate_all(
            "rows => rows.map((r) => r.dataset.phase)"
        )
        assert dimmed
        assert key not in dimmed
        page.keyboard.press("]")
    expect(phase).to_have_attribute("data-phase", "after")  # the last phase stays
    page.keyboard.press("[")
    expect(phase).to_have_attribute("data-phase", "update")
    expect(page.locator("#layers")).to_have_attribute("data-walk", "heatmaps")
    # the update's phase is the heatmaps': the bars and targets' marks dimmed, the cells not
    for part, opacity in ((".heatmaplayer", "1"), (".barlayer", "0.35")):
        expect(page.locator(f"#live {part}")).to_have_css("opacity", opacity)
    page.click("#walk-back")
    expect(phase).to_have_attribute("data-phase", "delta-0")
    # delta's phases are the bars': the cells dimmed
    expect(page.locator("#live .heatmaplayer")).to_have_css("opacity", "0.35")
    expect(page.locator("#live .barlayer")).to_have_css("opacity", "1")
    # delta-0 comes from layer 2's delta: layers 1 and 2 shown, the output layer dimmed
    expect(page.locator("#layer-3")).to_have_class(re.compile(r"\bdimmed\b"))
    expect(page.locator("#layer-1")).not_to_have_class(re.compile(r"\bdimmed\b"))
    page.keyboard.press("Escape")
    expect(page.locator("#walk-controls")).to_be_hidden()
    expect(page.locator("#numbers .dimmed")).to_have_count(0)
    # walked from the record: no server call (but the decision regions', which the walk scrolled
    # into sight: only then is their grid fetched)
    assert [url for url in requests if "/regions?" not in url] == []
