"""Driving the playground page: open it, wait for its plots, read what they show.

The page counts the draws of each view in ``window.playgroundStats`` (see static/js/scheduler.js);
what the plots show is read back from their Plotly figures (``element.data``): every heatmap is a
trace of the ``#live`` figure, named after the plot and its layer (``weights-2``), and every bar a
point of its ``bars`` trace (each target's mark one too, after the units' bars), named by its
``ids`` (``delta-1:0``: plot, row).

Every function waited for is an arrow function, never a bare expression: Playwright polls a bare
expression with ``eval``, which the server's Content-Security-Policy (no ``'unsafe-eval'``) forbids.
"""

from __future__ import annotations

import json
import math
from typing import Any
from urllib.parse import urlencode

from playwright.sync_api import Page, WebSocket, expect

LIVE_VIEWS = ("live",)
# slow views (static/js/main.js: a steady beat): the text and the side panels
SLOW_VIEWS = (
    "values",
    "equations",
    "curves",
    "regions",
    "pinned",
    "saturation",
    "walk",
    "numerical",
)
TIMEOUT_MS = 15_000


def open_page(page: Page, server_url: str, **params: Any) -> None:
    """Goes to the playground with ``params`` in the query string; returns when the live plots
    have drawn the first state."""
    query = urlencode(
        {k: ",".join(map(str, v)) if isinstance(v, list) else v for k, v in params.items()}
    )
    page.goto(f"{server_url}/?{query}" if query else f"{server_url}/")
    wait_for_draws(page, "live", 1)


def show_regions(page: Page) -> None:
    """Scrolls the decision regions into sight, as a user would: below the fold of the tests'
    1280x800 screen, they are neither drawn nor fetched until then (static/js/visibility.js)."""
    page.locator("#regions-figure").scroll_into_view_if_needed()


def wait_for_draws(page: Page, view: str, count: int) -> None:
    page.wait_for_function(
        "([view, count]) => (window.playgroundStats?.views[view]?.draws ?? 0) >= count",
        arg=[view, count],
        timeout=TIMEOUT_MS,
    )


def wait_for_views_to_catch_up(page: Page, views: tuple[str, ...]) -> None:
    """Waits for each of ``views`` to have drawn the state the step counter shows now."""
    page.wait_for_function(
        """views => {
            const counter = document.getElementById('step-count').textContent;
            const step = Number(counter.replaceAll(',', ''));
            return views.every(v => window.playgroundStats.views[v].step === step);
        }""",
        arg=list(views),
        timeout=TIMEOUT_MS,
    )


def wait_for_plotly(page: Page) -> None:
    """Waits for the learning curves' first draw (the live views draw before them)."""
    wait_for_draws(page, "curves", 1)


def stats(page: Page) -> dict[str, Any]:
    """The page's counters (``stats``), read in one task, with the page's clock (``now``)."""
    result: dict[str, Any] = page.evaluate(
        "JSON.parse(JSON.stringify({now: performance.now(), stats: window.playgroundStats}))"
    )
    return result


# each layer's plots as the figures hold them: a heatmap's matrix; a bar chart's values, one a
# unit, read from its drawn bars (the figure's 'bars' trace, the targets' marks too, and its
# 'negative' one, each point named by its ids "plot:row", its value first in its customdata, as
# its hover label shows it); None for a plot with nothing on it yet (before the first step)
_SHOWN = """() => {
    const traces = new Map();
    for (const trace of document.getElementById('live').data) traces.set(trace.name, trace);
    const matrix = (name) => (traces.get(name).z.length ? traces.get(name).z : null);
    const points = new Map(); // plot name -> [row, value] of its drawn bars or marks
    for (const trace of [traces.get('bars'), traces.get('negative')]) {
        trace.ids.forEach((id, i) => {
            if (trace.x[i] === null || trace.x[i] === undefined) return;
            const [plot, row] = id.split(':');
            if (!points.has(plot)) points.set(plot, []);
            points.get(plot).push([Number(row), trace.customdata[i][0]]);
        });
    }
    const bars = (name) => {
        const drawn = points.get(name);
        if (!drawn) return null;
        const x = [];
        for (const [row, v] of drawn) x[row] = v;
        return x;
    };
    const count = document.querySelectorAll('#layers .layer').length;
    return Array.from({ length: count }, (_, i) => {
        const n = i + 1;
        const weights = traces.get(`weights-${n}`);
        return {
            weights: matrix(`weights-${n}`),
            update: matrix(`update-${n}`),
            delta: bars(`delta-${n}`),
            error: bars(`error-${n}`) ?? bars(`sent-back-${n}`),
            slope: bars(`slope-${n}`),
            output: bars(`output-${n}`),
            target: bars(`output-${n}-target`),
            weightsRange: [weights.zmin, weights.zmax],
        };
    });
}"""


def shown(page: Page) -> list[dict[str, Any]]:
    """What each layer's plots drew last, input layer first."""
    layers: list[dict[str, Any]] = page.evaluate(_SHOWN)
    return layers


def cell_centre(page: Page, trace: str, row: int, col: int) -> tuple[float, float]:
    """Where cell (``row``, ``col``) of heatmap ``trace`` is on the screen (px, its centre)."""
    x, y = page.evaluate(
        """([name, row, col]) => {
            const element = document.getElementById('live');
            const t = element.data.find((t) => t.name === name);
            const { xaxis, yaxis } = element._fullLayout;
            const box = element.getBoundingClientRect();
            return [
                box.left + xaxis._offset + xaxis.l2p(t.x0 + col * t.dx),
                box.top + yaxis._offset + yaxis.l2p(t.y0 + row * t.dy),
            ];
        }""",
        [trace, row, col],
    )
    return x, y


def hover(page: Page, figure: str, trace: str, row: int, col: int = 0) -> str:
    """Moves the mouse over point (``row``, ``col``) of plot ``trace`` (a heatmap's cell, or the
    middle of a bar or a target's mark: ``trace`` is then a bar plot's name, or it with
    ``-target``) in the live figure, its ``figure`` part (``heatmaps`` or ``bars``), and returns
    the hover label's text, a line a line, once there is one."""
    if figure == "heatmaps":
        where = cell_centre(page, trace, row, col)
    else:
        where = page.evaluate(
            """(id) => {
                const element = document.getElementById('live');
                const { xaxis, yaxis } = element._fullLayout;
                for (const t of element._fullData) {
                    const i = t.ids ? t.ids.indexOf(id) : -1;
                    if (i < 0 || t.x[i] === null) continue;
                    const x = t.type === 'bar' ? t.base[i] + t.x[i] / 2 : t.x[i];
                    const box = element.getBoundingClientRect();
                    return [
                        box.left + xaxis._offset + xaxis.l2p(x),
                        box.top + yaxis._offset + yaxis.l2p(t.y[i]),
                    ];
                }
                throw new Error(`no bar or mark ${id} drawn`);
            }""",
            f"{trace}:{row}",
        )
    labels = page.locator("#live .hoverlayer .hovertext")
    page.mouse.move(0, 0)  # off any plot: the label read next is the new point's
    expect(labels).to_have_count(0, timeout=TIMEOUT_MS)
    page.mouse.move(*where)
    label = labels.first
    label.wait_for(timeout=TIMEOUT_MS)
    lines = label.locator("tspan.line").all_text_contents()
    return "\n".join(lines) if lines else label.text_content() or ""


def pin(page: Page, trace: str, row: int, col: int) -> None:
    """Clicks cell (``row``, ``col``) of heatmap ``trace`` with the real mouse."""
    hover(page, "heatmaps", trace, row, col)
    page.mouse.down()
    page.mouse.up()
    expect(page.locator("#pinned")).to_be_visible()
    # and its numbers drawn (the panel is a slow view: it draws on the next beat)
    expect(page.locator('#pinned [data-part="weight"]').first).to_be_attached(timeout=TIMEOUT_MS)


def session_id(page: Page) -> str:
    sid: str = page.evaluate("window.playground.session.id")
    return sid


def step_count(page: Page) -> int:
    """The step counter as the page shows it."""
    return int(page.locator("#step-count").inner_text().replace(",", ""))


def wait_for_step(page: Page, step: int) -> None:
    """Waits for the counter to show ``step``: the live plots drew that state in the same
    animation frame, just before it."""
    page.wait_for_function(
        "step => document.getElementById('step-count').textContent.replaceAll(',', '')"
        " === String(step)",
        arg=step,
        timeout=TIMEOUT_MS,
    )


def wait_for_step_above(page: Page, step: int) -> None:
    """Waits for the counter to show more than ``step`` (while playing)."""
    page.wait_for_function(
        "step => Number(document.getElementById('step-count').textContent.replaceAll(',', ''))"
        " > step",
        arg=step,
        timeout=TIMEOUT_MS,
    )


def close(a: Any, b: Any, tolerance: float = 1e-9) -> bool:
    """Whether two numbers, or nested lists of them, are equal within ``tolerance``."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y, tolerance) for x, y in zip(a, b, strict=True))
    if a is None or b is None:
        return a is b
    return math.isclose(float(a), float(b), rel_tol=tolerance, abs_tol=tolerance)


def _is_paused_status(payload: str | bytes) -> bool:
    message = json.loads(payload)
    return bool(message["type"] == "status" and message["state"] == "paused")


def pause(page: Page, stream: WebSocket) -> None:
    """Clicks Pause while playing and waits for the server's "paused" status on the page's live
    ``stream`` (from ``page.expect_websocket()``): the server sends no frame after it."""
    with stream.expect_event("framereceived", _is_paused_status, timeout=TIMEOUT_MS):
        page.click("#play")
    expect(page.locator("#play")).to_have_attribute("aria-pressed", "false")
