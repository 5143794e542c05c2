"""The numbers printed on the live views: a cell's value in the heatmaps, a bar's beside it, the
colour bars' ends and the bars' ranges (text points of the values' figure over the live figure,
drawn on the slow views' beat); and the live views saved as one PNG."""

from __future__ import annotations

import base64
import struct
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    TIMEOUT_MS,
    close,
    open_page,
    session_id,
    show_regions,
    shown,
    wait_for_draws,
    wait_for_step,
    wait_for_views_to_catch_up,
)

pytestmark = pytest.mark.browser

MINUS = "\u2212"


# the values' figure's text points, with where they are (px, in the live figure's frame: the
# values' figure lies on it, left and top edges together) and each heatmap's and bar's place in it
_PRINTED = """() => {
    const values = document.getElementById('live-values');
    const live = document.getElementById('live');
    const edges = (e) => ['left', 'top'].map((side) => e.getBoundingClientRect()[side]);
    const heatmaps = live.data.filter((t) => t.type === 'heatmap');
    const bars = live.data.filter((t) => t.type === 'bar'); // 'bars' and 'negative'
    const [t] = values.data;
    return {
        points: t.x.map((x, i) => ({ x, y: t.y[i], text: t.text[i] })),
        drawn: [...values.querySelectorAll('.textpoint text')].map((e) => e.textContent),
        cells: Object.fromEntries(
            heatmaps.map((h) => [h.name, { x0: h.x0, dx: h.dx, y0: h.y0, dy: h.dy, z: h.z }]),
        ),
        sameEdges: edges(live).every((edge, i) => edge === edges(values)[i]),
        bars: bars.flatMap((b) =>
            b.ids.map((id, i) => ({ id, x: b.x[i], base: b.base[i], y: b.y[i] })),
        ),
    };
}"""


def printed(page: Page) -> dict[str, Any]:
    """The values' figure's text points (``points``: x, y, text), the texts drawn, each
    heatmap's cells (``cells``: x0, dx, y0, dy, z) and each bar (``bars``: its id, length,
    base, y), and whether the values' figure lies on the live figure (``sameEdges``)."""
    result: dict[str, Any] = page.evaluate(_PRINTED)
    return result


def text_at(points: list[dict[str, Any]], x: float, y: float) -> str | None:
    """The text printed at (``x``, ``y``), if any."""
    found = [p["text"] for p in points if abs(p["x"] - x) < 1e-6 and abs(p["y"] - y) < 1e-6]
    assert len(found) <= 1, (x, y, found)
    return found[0] if found else None


def cell_texts(values: dict[str, Any], name: str) -> tuple[list[str | None], list[str]]:
    """Heatmap ``name``'s printed values, cell by cell at their centres, row by row, and its
    colour bar's two ends (the texts under its cells, left to right)."""
    c = values["cells"][name]
    rows, cols = len(c["z"]), len(c["z"][0])
    texts = [
        text_at(values["points"], c["x0"] + j * c["dx"], c["y0"] + i * c["dy"])
        for i in range(rows)
        for j in range(cols)
    ]
    bottom = c["y0"] + (rows - 0.5) * c["dy"]
    span = (c["x0"] - c["dx"] / 2, c["x0"] + (cols - 0.5) * c["dx"])
    under = [p for p in values["points"] if p["y"] > bottom and span[0] < p["x"] < span[1]]
    return texts, [p["text"] for p in sorted(under, key=lambda p: p["x"])]


def as_number(text: str) -> float:
    return float(text.replace(MINUS, "-"))


def test_cells_show_their_values_and_the_colour_bars_their_ends(
    page: Page, server_url: str, api: httpx.Client
):
    open_page(page, server_url, dataset="iris")
    for step in (1, 2):  # and again after the next step: the values follow the weights
        page.click("#step-1")
        wait_for_step(page, step)
        wait_for_views_to_catch_up(page, ("live", "values"))
        weights = api.get(f"/api/sessions/{session_id(page)}").json()["layers"][0]["weights"]
        values = printed(page)
        assert values["sameEdges"]
        cells, ends = cell_texts(values, "weights-1")
        assert cells[0] is not None
        decimals = len(cells[0].split(".")[1])  # as many as the colour range needs
        assert cells == [f"{w:.{decimals}f}".replace("-", MINUS) for row in weights for w in row]
        (layer,) = shown(page)
        low, high = layer["weightsRange"]
        assert [as_number(end) for end in ends] == [float(f"{low:.2g}"), float(f"{high:.2g}")]
        # and they are drawn: every cell's text is in the figure
        for text in cells:
            assert text in values["drawn"], text
    # a colour bar under each heatmap, between its ends (Plotly's, of the frame figure)
    heatmaps = len(values["cells"])
    assert page.locator("#live-frame .colorbar").count() == heatmaps
    # the updates' cells too, with the decimals their (narrower) range needs, or none at all
    # when those do not fit in a cell
    update, update_ends = cell_texts(values, "update-1")
    assert len(update_ends) == 2
    record_update = [u for row in shown(page)[0]["update"] for u in row]
    if update != [None] * len(record_update):
        for text, u in zip(update, record_update, strict=True):
            assert text is not None
            decimals = len(text.split(".")[1])
            assert close(as_number(text), u, 0.51 * 10**-decimals)


def test_the_values_let_the_pointer_through_to_the_cells(page: Page, server_url: str):
    open_page(page, server_url, dataset="iris")
    page.click("#step-1")
    wait_for_step(page, 1)
    cell = page.evaluate(
        """() => {
            const box = document.getElementById('live').getBoundingClientRect();
            return [box.left + box.width / 3, box.top + box.height / 2];
        }"""
    )
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('.js-plotly-plot')?.id", cell
    )
    assert on_top == "live"


def test_bars_show_their_values_beside_them(page: Page, server_url: str):
    open_page(page, server_url, dataset="iris")
    for step in (1, 2):
        page.click("#step-1")
        wait_for_step(page, step)
        wait_for_views_to_catch_up(page, ("live", "values"))
        (layer,) = shown(page)
        values = printed(page)
        assert values["sameEdges"]
        # each bar's value to two significant digits, in its row: at the bar's end (outside or
        # inside it), or at the zero line where the bar is too short and its lane too narrow
        for plot, name in (
            ("delta", "delta"),
            ("error", "error"),
            ("slope", "slope"),
            ("output", "output"),
        ):
            for row, v in enumerate(layer[plot]):
                (bar,) = [
                    b for b in values["bars"] if b["id"] == f"{name}-1:{row}" and b["x"] is not None
                ]
                ends = [bar["base"] + bar["x"], bar["base"]]
                texts = [text_at(values["points"], x, bar["y"]) for x in ends]
                (text,) = [t for t in texts if t is not None]
                assert as_number(text) == float(f"{v:.2g}"), (plot, row)
                assert text in values["drawn"], (plot, row)
        # and each plot's range under it: the output layer's errors e = t − y within ±1
        assert "\u00b11" in values["drawn"]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk comes first
    return width, height


def test_save_png_downloads_the_live_views_as_drawn(page: Page, server_url: str):
    open_page(page, server_url, dataset="iris")
    page.click("#step-10")
    wait_for_step(page, 10)
    wait_for_draws(page, "live", 2)
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        page.click("#save-png")
    assert download.value.suggested_filename == "delta-playground-iris-step-10.png"
    data = download.value.path().read_bytes()
    size = page.evaluate(
        "() => [document.getElementById('layers').scrollWidth,"
        " document.getElementById('layers').scrollHeight]"
    )
    assert list(png_size(data)) == size
    # the image holds the cells: the pixel at the cell of the largest weight has that cell's
    # colour as the page draws it (not the white of an empty image)
    same = page.evaluate(
        """async (url) => {
            const image = new Image();
            image.src = url;
            await image.decode();
            const canvas = document.createElement('canvas');
            canvas.width = image.width;
            canvas.height = image.height;
            const context = canvas.getContext('2d');
            context.drawImage(image, 0, 0);
            const element = document.getElementById('live');
            const trace = element.data.find((t) => t.name === 'weights-1');
            const z = trace.z;
            let best = [0, 0];
            z.forEach((row, i) => row.forEach((w, j) => {
                if (Math.abs(w) > Math.abs(z[best[0]][best[1]])) best = [i, j];
            }));
            const { xaxis, yaxis } = element._fullLayout;
            // a corner of the cell, away from its printed value
            const x = Math.round(xaxis._offset + xaxis.l2p(trace.x0 + (best[1] - 0.4) * trace.dx));
            const y = Math.round(yaxis._offset + yaxis.l2p(trace.y0 + (best[0] - 0.4) * trace.dy));
            const [r, g, b] = context.getImageData(x, y, 1, 1).data;
            return { r, g, b };
        }""",
        "data:image/png;base64," + base64.b64encode(data).decode(),
    )
    assert min(same["r"], same["g"], same["b"]) < 200, same  # a strong red or blue
    assert max(same["r"], same["g"], same["b"]) - min(same["r"], same["g"], same["b"]) > 60, same


def test_curves_and_regions_have_plotlys_png_download(page: Page, server_url: str):
    open_page(page, server_url, dataset="xor", hidden=[2])
    page.click("#step-10")
    wait_for_step(page, 10)
    show_regions(page)
    wait_for_draws(page, "regions", 1)
    for figure in ("curves", "regions"):
        page.hover(f"#{figure}")
        button = page.locator(f"#{figure} .modebar-btn[data-title='Download plot as a PNG']")
        assert button.count() == 1, figure


# the regions' two figures rendered apart, and the regions' PNG: each read at the pixel (x, y)
_REGIONS_PIXELS = """async ([url, x, y]) => {
    const read = async (src) => {
        const image = new Image();
        image.src = src;
        await image.decode();
        const canvas = document.createElement('canvas');
        [canvas.width, canvas.height] = [image.width, image.height];
        const context = canvas.getContext('2d');
        context.drawImage(image, 0, 0);
        return [...context.getImageData(x, y, 1, 1).data];
    };
    const alone = (id) => Plotly.toImage(document.getElementById(id), { format: 'png' });
    return {
        grid: await read(await alone('regions-grid')),
        samples: await read(await alone('regions')),
        saved: await read(url),
    };
}"""


def away_from_samples(page: Page) -> tuple[float, float]:
    """A point of the regions' grid (on the screen, px) 20 px or more from every sample, the
    figure scrolled into view."""
    page.locator("#regions").scroll_into_view_if_needed()
    x, y = page.evaluate(
        """() => {
            const element = document.getElementById('regions');
            const grid = document.getElementById('regions-grid').data[0];
            const { xaxis, yaxis } = element._fullLayout;
            const box = element.getBoundingClientRect();
            const at = (x, y) => [
                box.left + xaxis._offset + xaxis.l2p(x),
                box.top + yaxis._offset + yaxis.l2p(y),
            ];
            const samples = element._fullData
                .filter((t) => t.type === 'scatter')
                .flatMap((t) => t.x.map((x, i) => at(x, t.y[i])));
            for (const x of grid.x) {
                for (const y of grid.y) {
                    const [px, py] = at(x, y);
                    if (samples.every(([sx, sy]) => Math.hypot(sx - px, sy - py) >= 20)) {
                        return [px, py];
                    }
                }
            }
            return null;
        }"""
    )
    return x, y


def test_the_regions_png_holds_the_grid_under_the_samples(page: Page, server_url: str):
    open_page(page, server_url, dataset="circle", hidden=[4])
    page.click("#step-100")
    wait_for_step(page, 100)
    show_regions(page)
    wait_for_views_to_catch_up(page, ("regions",))
    page.hover("#regions")
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        page.click("#regions .modebar-btn[data-title='Download plot as a PNG']")
    assert download.value.suggested_filename == "decision-regions.png"
    data = download.value.path().read_bytes()
    box = page.locator("#regions").bounding_box()
    assert box is not None
    assert png_size(data) == (round(box["width"]), round(box["height"]))
    url = "data:image/png;base64," + base64.b64encode(data).decode()
    # a point of the grid with no sample near it: there the saved image has the grid's colour
    x, y = away_from_samples(page)
    pixels = page.evaluate(_REGIONS_PIXELS, [url, round(x - box["x"]), round(y - box["y"])])
    assert pixels["samples"][3] == 0, pixels  # the samples' figure is transparent there
    assert pixels["saved"][:3] == pixels["grid"][:3], pixels


def test_the_regions_hover_shows_the_grid_where_there_is_no_sample(page: Page, server_url: str):
    open_page(page, server_url, dataset="circle", hidden=[4])
    page.click("#step-10")
    wait_for_step(page, 10)
    show_regions(page)
    wait_for_views_to_catch_up(page, ("regions",))
    # the grid's figure is under the samples': the pointer over the plane's corner (no sample
    # near it) shows the grid's label there
    box = page.locator("#regions").bounding_box()
    assert box is not None
    x, y = away_from_samples(page)
    page.mouse.move(x - 2, y - 2)
    page.mouse.move(x, y)
    grid_label = page.locator("#regions-grid .hoverlayer .hovertext")
    grid_label.wait_for(timeout=TIMEOUT_MS)
    assert "predicts" in (grid_label.text_content() or "")
    # and over a sample, the sample's own label, the grid's gone
    where = page.evaluate(
        """() => {
            const element = document.getElementById('regions');
            const trace = element._fullData.find((t) => t.name === 'training');
            const { xaxis, yaxis } = element._fullLayout;
            const box = element.getBoundingClientRect();
            return [
                box.left + xaxis._offset + xaxis.l2p(trace.x[0]),
                box.top + yaxis._offset + yaxis.l2p(trace.y[0]),
            ];
        }"""
    )
    page.mouse.move(*where)
    sample_label = page.locator("#regions .hoverlayer .hovertext")
    sample_label.wait_for(timeout=TIMEOUT_MS)
    assert " sample #" in (sample_label.text_content() or "")  # training (or one held out there)
    expect(grid_label).to_have_count(0)
