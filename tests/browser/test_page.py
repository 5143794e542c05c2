"""The page as it loads: everything from 127.0.0.1, every plot there, under the server's strict
Content-Security-Policy (how soon the first plots come: make page-bench, docs/benchmarks.md)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from app.routes.page import PLOTLY_PATH
from core import load_dataset
from tests.browser.conftest import PageLog
from tests.browser.helpers import (
    close,
    hover,
    open_page,
    session_id,
    show_regions,
    shown,
    step_count,
    wait_for_draws,
    wait_for_plotly,
    wait_for_step,
    wait_for_step_above,
    wait_for_views_to_catch_up,
)

pytestmark = pytest.mark.browser

HEATMAPS = ("weights", "update")
# the bar plots of a layer, in the bars' figure (its bars named by their ids "plot:row")
OUTPUT_LAYER_BARS = ("delta-{n}", "error-{n}", "slope-{n}", "output-{n}")
HIDDEN_LAYER_BARS = ("delta-{n}", "sent-back-{n}", "slope-{n}")
POSITIVE, NEGATIVE = "#2166ac", "#b2182b"  # static/js/bars.js
CLASS_COLOURS = ("#e08214", "#5e3c99")  # static/js/regions.js
# the server's header: nothing inline but styles, nothing from another origin
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def test_no_request_leaves_127_0_0_1(page: Page, page_log: PageLog, server_url: str):
    open_page(page, server_url, dataset="xor", hidden=[2], speed=200)
    wait_for_plotly(page)
    page.click("#step-10")
    wait_for_step(page, 10)
    show_regions(page)  # (fetched only while in sight)
    page.click("#play")
    wait_for_step_above(page, 40)
    page.click("#play")
    assert any("/static/vendor/plotly.min.js" in url for url in page_log.urls)
    assert any(url.startswith("ws://127.0.0.1:") for url in page_log.urls)  # the live stream
    assert any("/regions?" in url for url in page_log.urls)
    assert page_log.foreign() == []


def figure_names(page: Page, figure: str) -> list[str]:
    names: list[str] = page.evaluate(
        "figure => document.getElementById(figure).data.map((trace) => trace.name)", figure
    )
    return names


def annotation_texts(page: Page, figure: str) -> list[str]:
    texts: list[str] = page.evaluate(
        "figure => document.getElementById(figure).layout.annotations.map((a) => a.text)", figure
    )
    return texts


def number_after(text: str, prefix: str) -> float:
    """The number printed after ``prefix`` in a hover label (Plotly prints a real minus)."""
    match = re.search(re.escape(prefix) + r"\s*([+\-\u2212]?[0-9.e+\-\u2212]+)", text)
    assert match, (prefix, text)
    return float(match.group(1).replace("\u2212", "-"))


def test_every_plot_is_there(page: Page, server_url: str, api: httpx.Client):
    open_page(page, server_url, dataset="xor", hidden=[3])
    page.click("#step-1")
    wait_for_step(page, 1)
    wait_for_plotly(page)
    # every heatmap and every bar chart in one Plotly figure, output layer on top: a trace a
    # heatmap, then every bar in one trace, the targets' marks too, and the units' bars again for
    # the negative values
    heatmaps = [f"{plot}-{n}" for n in (2, 1) for plot in HEATMAPS]
    assert figure_names(page, "live") == [*heatmaps, "bars", "negative"]
    bars = [
        plot.format(n=n)
        for n, plots in ((2, OUTPUT_LAYER_BARS), (1, HIDDEN_LAYER_BARS))
        for plot in plots
    ]
    # each bar as drawn: its trace's colour for it (an animate keeps the colours as made), as
    # given to Plotly and as painted
    drawn = page.evaluate(
        """() => {
            const live = document.getElementById('live');
            const groups = [...live.querySelectorAll('.barlayer .trace')];
            return live.data.filter((t) => t.type === 'bar').map((t) => {
                const group = groups.find((g) => g.__data__?.[0]?.trace.name === t.name);
                const paths = [...group.querySelectorAll('.point path')];
                return t.ids.map((id, i) => ({
                    trace: t.name,
                    id,
                    value: t.customdata[i][0],
                    x: t.x[i],
                    colour: Array.isArray(t.marker.color) ? t.marker.color[i] : t.marker.color,
                    painted: paths[i].style.fill,
                }));
            });
        }"""
    )
    positive, negative = drawn
    units = [b["id"] for b in positive if "-target" not in b["id"]]
    assert list(dict.fromkeys(i.split(":")[0] for i in units)) == bars
    assert [b["id"] for b in positive[len(units) :]] == ["output-2-target:0"]  # after the units
    assert [b["id"] for b in negative] == units
    # deltas and errors coloured by their sign (a negative one drawn in 'negative', the other
    # trace's bar empty), the other bars by their plot
    for bar, other in zip(positive, negative, strict=False):
        signed = bar["id"].startswith(("delta", "error", "sent-back"))
        drawn_in = other if signed and bar["value"] < 0 else bar
        assert drawn_in["x"] is not None, bar
        assert (bar if drawn_in is other else other)["x"] is None, bar
        assert drawn_in["painted"] == rgb(drawn_in["colour"]), drawn_in
        if signed:
            assert drawn_in["colour"] == (NEGATIVE if bar["value"] < 0 else POSITIVE), drawn_in
        else:
            assert drawn_in["colour"] not in (NEGATIVE, POSITIVE), drawn_in
    for layer in shown(page):
        for plot, values in layer.items():
            if plot not in ("output", "target"):
                assert values is not None, plot
    assert page.locator(".layer").evaluate_all("headings => headings.map(h => h.id)") == [
        "layer-2",
        "layer-1",
    ]
    expect(page.locator("#layer-2")).to_contain_text("Layer 2 of 2: output layer")
    names = annotation_texts(page, "live-frame")
    for name in ("a xor b", "h1", "h3", "a", "b", "bias", "W² after the step", "δ¹"):
        assert name in names, name

    # hovering a weight shows its exact value, its last update and its value before
    state = api.get(f"/api/sessions/{session_id(page)}").json()
    label = hover(page, "heatmaps", "weights-2", row=0, col=1)
    assert "W²[a xor b ← h2]" in label, label
    assert close(number_after(label, "] ="), state["layers"][1]["weights"][0][1], 1e-5)
    update = number_after(label, "last update ΔW =")
    before = number_after(label, "before it:")
    assert close(before + update, state["layers"][1]["weights"][0][1], 1e-5)
    label = hover(page, "heatmaps", "update-1", row=2, col=0)
    assert "= η × δ × input = 0.1 × " in label, label
    delta = shown(page)[1]["delta"][0]  # and a bar its value and what it is made of
    label = hover(page, "bars", "delta-2", row=0)
    assert close(number_after(label, "δ²[a xor b] ="), delta, 1e-5)
    assert "= e " in label, label
    assert "× f′(net) " in label, label
    page.mouse.move(0, 0)
    expect(page.locator(".hoverlayer .hovertext")).to_have_count(0)

    # learning curves: a Plotly figure with the three sets' two errors
    assert page.evaluate("document.getElementById('curves').data.length") == 6
    expect(page.locator("#curves .legend")).to_contain_text("validation")

    # the step in numbers and the explanation, always visible
    expect(page.locator("#equations-body")).to_contain_text("δ¹ = f′(net¹) ∘ (W²)ᵀδ²")
    expect(page.locator("#equations-body")).to_contain_text("e = t − y")
    expect(page.locator("#sample")).to_contain_text("Step 1:")
    expect(page.locator(".explain")).to_be_in_viewport()

    # the decision regions, once scrolled to (below the fold)
    show_regions(page)
    wait_for_draws(page, "regions", 1)
    expect(page.locator("#regions-legend")).to_contain_text("this step")
    expect(page.locator(".explain")).to_contain_text("−∂E/∂net")


# each heatmap of the live figure: the picture it drew (its image's data URL) and the one Plotly
# draws of the same traces in a figure made from scratch (a newPlot, not an animate)
_HEATMAP_PICTURES = """async () => {
    const live = document.getElementById('live');
    const pictures = (element) => Object.fromEntries(
        [...element.querySelectorAll('.heatmaplayer .hm')].map((g) => [
            g.__data__[0].trace.name,
            g.querySelector('image').getAttribute('href'),
        ]),
    );
    const copy = (o) => JSON.parse(JSON.stringify(o));
    const reference = document.createElement('div');
    document.body.append(reference);
    await Plotly.newPlot(reference, copy(live.data), copy(live.layout), { staticPlot: true });
    const result = { drawn: pictures(live), reference: pictures(reference) };
    Plotly.purge(reference);
    reference.remove();
    return result;
}"""


def test_heatmaps_draw_each_new_step(page: Page, server_url: str):
    # the live figure's frames are animates, which Plotly.js does not draw heatmaps in unless
    # they are made animatable (static/js/plotly.js animateHeatmaps): each step's pictures must
    # be those Plotly draws of the same data from scratch, and differ from the step's before
    open_page(page, server_url, dataset="xor", hidden=[3])
    wait_for_plotly(page)
    before = None
    for step in (1, 2, 3):
        page.click("#step-1")
        wait_for_step(page, step)
        wait_for_draws(page, "live", step + 1)  # the empty figure's draw, then one a step
        pictures = page.evaluate(_HEATMAP_PICTURES)
        assert sorted(pictures["drawn"]) == sorted(
            f"{plot}-{n}" for n in (1, 2) for plot in HEATMAPS
        )
        assert pictures["drawn"] == pictures["reference"]
        if before is not None:
            for name in ("weights-1", "weights-2", "update-1", "update-2"):
                assert pictures["drawn"][name] != before[name], (step, name)
        before = pictures["drawn"]


def samples_shown(page: Page, count: int) -> list[dict[str, Any]]:
    """The samples the decision regions show, once there are ``count`` of them: where, with
    which hover text, in which colour (as given to Plotly, and as drawn: a dot's fill, a ring's
    stroke), training samples last (scrolled into sight first)."""
    show_regions(page)
    read = """() => {
        const element = document.getElementById('regions');
        if (!element.data) return [];
        // each drawn trace holds its calcdata, which names the trace (data) it is made from
        const drawn = [...element.querySelectorAll('.scatterlayer .trace')];
        return element.data
            .map((trace, k) => [trace, k])
            .filter(([trace]) => trace.name === 'validation, test' || trace.name === 'training')
            .flatMap(([trace, k]) => {
                const group = drawn.find((g) => g.__data__?.[0]?.trace.index === k);
                const paths = group?.querySelectorAll('.points path') ?? [];
                return trace.x.map((x, i) => ({
                    x: [x, trace.y[i]],
                    text: trace.text[i],
                    colour: trace.marker.color[i],
                    drawn: paths[i]?.style[trace.name === 'training' ? 'fill' : 'stroke'],
                }));
            });
    }"""
    page.wait_for_function(
        f"count => (points => points.length === count && points.every(p => p.drawn))(({read})())",
        arg=count,
        timeout=5000,
    )
    points: list[dict[str, Any]] = page.evaluate(read)
    return points


def rgb(colour: str) -> str:
    """'#e08214' as the browser writes it back: 'rgb(224, 130, 20)'."""
    return "rgb({}, {}, {})".format(*(int(colour[i : i + 2], 16) for i in (1, 3, 5)))


def test_regions_show_every_sample_from_the_start(page: Page, server_url: str):
    open_page(page, server_url, dataset="xor", hidden=[3])
    points = samples_shown(page, 4)  # before any step: xor's 4 points
    assert step_count(page) == 0
    assert sorted(p["x"] for p in points) == [[0, 0], [0, 1], [1, 0], [1, 1]]
    # its validation and test sets: the same points
    assert all(p["text"].startswith("training sample #") for p in points)
    xor = load_dataset("xor")
    for p in points:  # in their class's colour
        index = int(p["text"].split("#")[1].split(":")[0])
        label = int(xor.train.target[index][0] > 0.5)
        assert p["colour"] == CLASS_COLOURS[label], p
        assert p["drawn"] == rgb(CLASS_COLOURS[label]), p
        assert p["text"].endswith(xor.class_names[label])
    expect(page.locator("#regions-legend")).not_to_contain_text("validation")

    page.select_option("#dataset", "circle")  # another data set: its samples, fetched once
    circle = load_dataset("circle")
    points = samples_shown(page, circle.train.size + circle.validation.size + circle.test.size)
    assert sum(p["text"].startswith("training") for p in points) == circle.train.size
    assert points[-1]["text"].startswith("training")  # drawn last, over the rings of the others
    for p in points:
        assert p["drawn"] == rgb(p["colour"]), p
    expect(page.locator("#regions-legend")).to_contain_text("validation, test")


def curves_x_axis(page: Page) -> dict[str, Any]:
    """The learning curves' x axis as drawn (its range and tick labels) and the training
    error's last point."""
    axis: dict[str, Any] = page.evaluate(
        """() => {
            const curves = document.getElementById('curves');
            return {
                range: curves._fullLayout.xaxis.range,
                ticks: [...curves.querySelectorAll('.xtick text')].map((t) => t.textContent),
                last: curves.data[0].x.at(-1),
            };
        }"""
    )
    return axis


def test_the_curves_steps_axis_widens_with_the_steps(page: Page, server_url: str):
    open_page(page, server_url, dataset="iris")
    wait_for_plotly(page)
    assert curves_x_axis(page)["range"] == [0, 100]  # before any step
    for step in (1000, 2000):  # each a wider range, relaid out after the lines moved
        page.click("#step-1000")
        wait_for_step(page, step)
        wait_for_views_to_catch_up(page, ("curves",))
        page.wait_for_function(
            "step => document.getElementById('curves').data[0].x.at(-1) === step", arg=step
        )
        axis = curves_x_axis(page)
        assert axis["range"] == [0, step], axis
        assert axis["ticks"][-1].replace(",", "") in (str(step), f"{step // 1000}k"), axis
        assert axis["last"] == step


def test_while_playing_the_steps_axis_holds_the_next_seconds(page: Page, server_url: str):
    open_page(page, server_url, dataset="iris", speed=1000)
    wait_for_plotly(page)
    page.click("#play")
    page.wait_for_function(  # the first draw past the first range, [0, 100]
        "() => document.getElementById('curves').data[0].x.at(-1) > 100", timeout=30_000
    )
    axis = curves_x_axis(page)
    page.click("#play")
    # widened to hold 2 s at 1,000 steps/s beyond the step s it widened at: niceCeil(s + 2,000),
    # 5,000 or more; the step alone would give niceCeil(s), 2,000 at most (unless the first draw
    # past 100 came after step 2,000: a stall of two seconds)
    assert axis["range"][0] == 0, axis
    assert axis["range"][1] >= 5000, axis
    assert axis["range"][1] >= axis["last"], axis


def test_iris_has_names_and_no_regions(page: Page, server_url: str):
    open_page(page, server_url)  # the defaults: iris, the tutorial's net
    names = annotation_texts(page, "live-frame")
    assert "petal<br>length" in names or "petal length" in names, names
    assert "versicolor" in names
    expect(page.locator("#regions")).to_be_hidden()
    expect(page.locator("#regions-note")).to_contain_text("two features")


def test_controls_are_labelled(page: Page, server_url: str):
    open_page(page, server_url)
    for label in (
        "Data set",
        "Activation f",
        "Hidden layers",
        "Learning rate η",
        "Max initial weight",
        "Seed",
        "Sampling",
        "Speed",
    ):
        expect(page.get_by_label(label, exact=False).first).to_be_visible()
    for name in ("Step", "10 steps", "100 steps", "1000 steps", "Play", "Reset"):
        expect(page.get_by_role("button", name=name, exact=True)).to_be_visible()


def test_works_under_the_servers_content_security_policy(
    page: Page, server_url: str, api: httpx.Client, tmp_path: Path
):
    page.add_init_script(
        "window.cspViolations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    response = page.goto(f"{server_url}/?dataset=circle&hidden=4")
    assert response is not None
    assert response.headers["content-security-policy"] == CSP  # the page itself...
    for path in ("/static/js/main.js", "/api/datasets", PLOTLY_PATH):  # ...and what it loads
        assert api.get(path).headers["content-security-policy"] == CSP, path
    wait_for_draws(page, "live", 1)
    page.click("#step-100")
    wait_for_step(page, 100)
    wait_for_plotly(page)  # Plotly.js adds <style> elements: 'unsafe-inline' styles only
    show_regions(page)
    wait_for_draws(page, "regions", 1)
    with page.expect_download() as download:  # a Blob and an object URL, no inline script
        page.click("#download-snapshot")
    saved = tmp_path / "snapshot.json"
    download.value.save_as(saved)
    assert json.loads(saved.read_text())["step"] == 100
    assert page.evaluate("window.cspViolations") == []


def test_readable_on_a_narrow_screen(page: Page, server_url: str, artifacts):
    page.set_viewport_size({"width": 400, "height": 860})
    open_page(page, server_url, dataset="xor", hidden=[2])
    page.click("#step-100")
    wait_for_step(page, 100)
    wait_for_plotly(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the page scrolls sideways: {width} px wide"
    # the page does not scroll sideways; a layer's plots may, inside their card
    for selector in ("#play", "#reset", "#dataset", "#layer-1", "#curves", "#regions"):
        box = page.locator(selector).bounding_box()
        assert box is not None, selector
        assert box["width"] > 0, selector
        assert 0 <= box["x"] <= box["x"] + box["width"] <= 400, selector
    page.screenshot(path=artifacts / "narrow-xor.png", full_page=True)
