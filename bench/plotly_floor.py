"""The first live views' floor: how soon any page drawing with this Plotly.js can show a figure.

A page of Plotly.js alone, loaded as the playground's page loads it (its own ``<script
id="plotly">`` tag, from the playground's server: the same file, compression and priority), that
draws one small figure (a 3x5 heatmap and three bars, iris's smallest live views) as soon as the
script has run. A cold visit's time from navigation to that draw is what the download, the compile
and the evaluation of the shipped bundle cost on this machine at this moment: ``make page-bench``
measures it in the same rounds as the page's first live views, so the page's own share of those is
their difference."""

from __future__ import annotations

import re
import urllib.request

from playwright.sync_api import Browser

FLOOR_PAGE = "floor.html"
PLOTLY_TAG = re.compile(r'<script id="plotly"[^>]*></script>')
FIGURE = """
  <div id="figure"></div>
  <script>
    // one heatmap and one bar trace, fixed ranges, no mode bar: the least a live view draws
    const draw = () => {
      window.floorRun = performance.now();
      Plotly.newPlot('figure', [
        { type: 'heatmap', z: [[1, -2, 3, -4, 5], [0.5, 0, -1, 2, -3], [4, 3, -2, 1, 0]],
          zmin: -5, zmax: 5, colorscale: 'RdBu', showscale: false },
        { type: 'bar', x: [0.3, -0.2, 0.1], y: [0, 1, 2], orientation: 'h',
          xaxis: 'x2', yaxis: 'y2' },
      ], {
        width: 400, height: 200, margin: { l: 0, r: 0, t: 0, b: 0 }, showlegend: false,
        xaxis: { domain: [0, 0.6], fixedrange: true }, yaxis: { fixedrange: true },
        xaxis2: { domain: [0.7, 1], range: [-1, 1], fixedrange: true, anchor: 'y2' },
        yaxis2: { fixedrange: true, anchor: 'x2' },
      }, { displayModeBar: false, responsive: false });
      window.floorDrawn = performance.now();
    };
    if (window.Plotly) draw();
    else document.getElementById('plotly').addEventListener('load', draw);
  </script>
"""


def floor_page(app_url: str) -> str:
    """The floor's page for the playground served at ``app_url``: its Plotly.js tag, copied from
    its page with the script's address made absolute (the floor is served from elsewhere)."""
    with urllib.request.urlopen(f"{app_url}/") as response:
        html = response.read().decode()
    match = PLOTLY_TAG.search(html)
    if match is None:
        raise RuntimeError(f'no <script id="plotly"> in the page at {app_url}/')
    tag = match.group(0).replace('src="/', f'src="{app_url}/', 1)
    return (
        '<!doctype html>\n<html>\n<head><meta charset="utf-8"><title>Plotly.js alone</title>\n'
        f"{tag}\n</head>\n<body>{FIGURE}</body>\n</html>\n"
    )


READ_FLOOR = """() => {
    const src = document.getElementById('plotly').src;
    const file = performance.getEntriesByType('resource').find((e) => e.name === src);
    return { 'last byte': file.responseEnd, run: window.floorRun, drawn: window.floorDrawn };
}"""


def first_plot_ms(browser: Browser, url: str) -> dict[str, float]:
    """A cold visit to the floor's page at ``url``: ms from navigation to Plotly.js's last byte,
    to the end of its run and to its figure drawn."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_function("window.floorDrawn !== undefined", timeout=30_000)
        times: dict[str, float] = page.evaluate(READ_FLOOR)
        return times
    finally:
        context.close()
