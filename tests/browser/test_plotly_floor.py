"""page-bench's floor for the first live views (bench/plotly_floor.py): a page of Plotly.js alone,
loaded as the playground's page loads it, which draws its one figure once the script has run."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Browser

from bench.plotly_floor import FLOOR_PAGE, PLOTLY_TAG, first_plot_ms, floor_page
from bench.plotly_layouts.measure import serving

pytestmark = pytest.mark.browser


def test_the_floor_loads_the_pages_plotly_tag_from_its_server_and_draws(
    server_url: str, browser: Browser
) -> None:
    page_tag = PLOTLY_TAG.search(httpx.get(f"{server_url}/").text)
    assert page_tag is not None
    html = floor_page(server_url)
    floor_tag = PLOTLY_TAG.search(html)
    assert floor_tag is not None
    # the same attributes (async, priority), the script from the playground's server
    assert floor_tag.group(0) == page_tag.group(0).replace('src="/', f'src="{server_url}/')

    with serving({FLOOR_PAGE: html}) as floor:
        times = first_plot_ms(browser, f"{floor}/{FLOOR_PAGE}")
    # read from the page: Plotly.js came, ran, then the figure was drawn, in that order
    assert 0 < times["last byte"] <= times["run"] <= times["drawn"]
