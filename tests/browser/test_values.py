"""The numbers printed on the live views: a cell's value in the heatmaps (a figure of text points
over the cells), a bar's beside it, the colour bars' ends; and the live views saved as one PNG."""

from __future__ import annotations

import base64
import struct

import httpx
import pytest
from playwright.sync_api import Page

from tests.browser.helpers import (
    TIMEOUT_MS,
    close,
    open_page,
    session_id,
    shown,
    wait_for_draws,
    wait_for_step,
)

pytestmark = pytest.mark.browser

MINUS = "\u2212"


def printed(page: Page, name: str) -> list[str]:
    """The texts of heatmap ``name``'s trace in the values' figure: its cells row by row, then
    its colour bar's two ends."""
    texts: list[str] = page.evaluate(
        """name => document.getElementById('heatmaps-values').data
            .find((trace) => trace.name === name).text""",
        name,
    )
    return texts


def as_number(text: str) -> float:
    return float(text.replace(MINUS, "-"))


def test_cells_show_their_values_and_the_colour_bars_their_ends(
    page: Page, server_url: str, api: httpx.Client
):
    open_page(page, server_url, dataset="iris")
    for step in (1, 2):  # and again after the next step: the values follow the weights
        page.click("#step-1")
        wait_for_step(page, step)
        wait_for_draws(page, "heatmaps", step + 1)
        weights = api.get(f"/api/sessions/{session_id(page)}").json()["layers"][0]["weights"]
        texts = printed(page, "weights-1")
        cells, ends = texts[:-2], texts[-2:]
        decimals = len(cells[0].split(".")[1])  # as many as the colour range needs
        assert cells == [f"{w:.{decimals}f}".replace("-", MINUS) for row in weights for w in row]
        (layer,) = shown(page)
        low, high = layer["weightsRange"]
        assert [as_number(end) for end in ends] == [float(f"{low:.2g}"), float(f"{high:.2g}")]
        # and they are drawn: every cell's text is in the figure
        drawn = page.locator("#heatmaps-values .textpoint text").all_text_contents()
        for text in cells:
            assert text in drawn, text
    # a colour bar under each heatmap, between its ends (Plotly's, of the frame figure)
    heatmaps = page.evaluate("() => document.getElementById('heatmaps').data.length")
    assert page.locator("#heatmaps-frame .colorbar").count() == heatmaps
    # the updates' cells too, with the decimals their (narrower) range needs, or none at all
    # when those do not fit in a cell
    update = printed(page, "update-1")[:-2]
    record_update = [u for row in shown(page)[0]["update"] for u in row]
    if update != [""] * len(record_update):
        for text, u in zip(update, record_update, strict=True):
            decimals = len(text.split(".")[1])
            assert close(as_number(text), u, 0.51 * 10**-decimals)


def test_the_values_let_the_pointer_through_to_the_cells(page: Page, server_url: str):
    open_page(page, server_url, dataset="iris")
    page.click("#step-1")
    wait_for_step(page, 1)
    cell = page.evaluate(
        """() => {
            const box = document.getElementById('heatmaps').getBoundingClientRect();
            return [box.left + box.width / 3, box.top + box.height / 2];
        }"""
    )
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('.js-plotly-plot')?.id", cell
    )
    assert on_top == "heatmaps"


def test_bars_show_their_values_beside_them(page: Page, server_url: str):
    open_page(page, server_url, dataset="iris")
    for step in (1, 2):
        page.click("#step-1")
        wait_for_step(page, step)
        wait_for_draws(page, "bars", step + 1)
        (layer,) = shown(page)
        # each bar's value to two significant digits, at the bar's end, as drawn
        for plot, name in (
            ("delta", "delta"),
            ("error", "error"),
            ("slope", "slope"),
            ("output", "output"),
        ):
            trace = page.evaluate(
                """name => {
                    const element = document.getElementById('bars');
                    const k = element.data.findIndex((t) => t.name === name);
                    const drawn = element.querySelectorAll('.scatterlayer .trace')[
                        element._fullData.filter((t, i) => i < k && t.type === 'scatter').length
                    ];
                    return {
                        x: element.data[k].x,
                        text: element.data[k].text,
                        drawn: [...drawn.querySelectorAll('.textpoint text')].map(
                            (t) => t.textContent,
                        ),
                    };
                }""",
                f"{name}-1-values",
            )
            assert [as_number(text) for text in trace["text"]] == [
                float(f"{v:.2g}") for v in layer[plot]
            ], plot
            assert trace["x"] == layer[plot]
            assert trace["drawn"] == trace["text"], plot


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk comes first
    return width, height


def test_save_png_downloads_the_live_views_as_drawn(page: Page, server_url: str):
    open_page(page, server_url, dataset="iris")
    page.click("#step-10")
    wait_for_step(page, 10)
    wait_for_draws(page, "heatmaps", 2)
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
            const element = document.getElementById('heatmaps');
            const k = element.data.findIndex((t) => t.name === 'weights-1');
            const trace = element._fullData[k];
            const z = element.data[k].z;
            let best = [0, 0];
            z.forEach((row, i) => row.forEach((w, j) => {
                if (Math.abs(w) > Math.abs(z[best[0]][best[1]])) best = [i, j];
            }));
            const layout = element._fullLayout;
            const xa = layout[trace.xaxis.replace('x', 'xaxis')];
            const ya = layout[trace.yaxis.replace('y', 'yaxis')];
            // a corner of the cell, away from its printed value
            const x = Math.round(xa._offset + xa.l2p(best[1] - 0.4));
            const y = Math.round(ya._offset + ya.l2p(best[0] - 0.4));
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
    wait_for_draws(page, "regions", 1)
    for figure in ("curves", "regions"):
        page.hover(f"#{figure}")
        button = page.locator(f"#{figure} .modebar-btn[data-title='Download plot as a PNG']")
        assert button.count() == 1, figure
