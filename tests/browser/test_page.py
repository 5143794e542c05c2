"""The page as it loads: everything from 127.0.0.1, every plot there, fast, under a strict CSP."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect
from starlette.types import Message, Receive, Scope, Send

from app.main import create_app
from app.settings import Settings
from tests.browser.conftest import VIEWPORT, PageLog
from tests.browser.helpers import (
    canvas_is_drawn,
    open_page,
    stats,
    wait_for_plotly,
    wait_for_step,
)

pytestmark = pytest.mark.browser

FIRST_PLOT_BUDGET_MS = 1000
OUTPUT_LAYER_PLOTS = ("weights", "update", "delta", "error", "slope", "output")
HIDDEN_LAYER_PLOTS = ("weights", "update", "delta", "sent-back", "slope")
# what issue 5 will send: no inline script, nothing from another origin
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


def test_no_request_leaves_127_0_0_1(page: Page, page_log: PageLog, server_url: str):
    open_page(page, server_url, dataset="xor", hidden=[2], speed=200)
    wait_for_plotly(page)
    page.click("#step-10")
    wait_for_step(page, 10)
    page.click("#play")
    page.wait_for_function("Number(document.getElementById('step-count').textContent) > 40")
    page.click("#play")
    assert any("/static/vendor/plotly.min.js" in url for url in page_log.urls)
    assert any(url.startswith("ws://127.0.0.1:") for url in page_log.urls)  # the live stream
    assert any("/regions?" in url for url in page_log.urls)
    assert page_log.foreign() == []


def test_every_plot_is_there(page: Page, server_url: str):
    open_page(page, server_url, dataset="xor", hidden=[3])
    page.click("#step-1")
    wait_for_step(page, 1)
    wait_for_plotly(page)
    for n, plots in ((1, HIDDEN_LAYER_PLOTS), (2, OUTPUT_LAYER_PLOTS)):
        for plot in plots:
            assert canvas_is_drawn(page, f"#{plot}-{n}"), f"#{plot}-{n} is blank"
    assert page.locator("#layer-1 canvas").count() == len(HIDDEN_LAYER_PLOTS)
    # output layer first, as backpropagation goes
    assert page.locator(".layer").evaluate_all("cards => cards.map(c => c.id)") == [
        "layer-2",
        "layer-1",
    ]
    expect(page.locator("#layer-2 .row-labels").first).to_contain_text("a xor b")
    expect(page.locator("#layer-2 .col-labels").first).to_contain_text("h3")
    expect(page.locator("#layer-1 .col-labels").first).to_contain_text("bias")
    expect(page.locator("#layer-1 .row-labels").first).to_contain_text("h1")

    # hovering a weight shows its exact value and its last update
    page.hover("#weights-2")
    tooltip = page.get_by_role("tooltip")
    expect(tooltip).to_contain_text("W²[a xor b ← h")
    expect(tooltip).to_contain_text("last update ΔW = ")
    page.hover("#update-1")
    expect(tooltip).to_contain_text("= η × δ × input = 0.1 × ")
    page.mouse.move(0, 0)
    expect(tooltip).to_be_hidden()

    # learning curves: a Plotly figure with the three sets' two errors
    assert page.evaluate("document.getElementById('curves').data.length") == 6
    expect(page.locator("#curves .legend")).to_contain_text("validation")
    page.wait_for_function("window.playgroundStats.views.regions.draws > 0")
    assert canvas_is_drawn(page, "#regions")
    expect(page.locator("#regions-legend")).to_contain_text("this step")

    # the step in numbers and the explanation, always visible
    expect(page.locator("#equations-body")).to_contain_text("δ¹ = f′(net¹) ∘ (W²)ᵀδ²")
    expect(page.locator("#equations-body")).to_contain_text("e = t − y")
    expect(page.locator("#sample")).to_contain_text("Step 1:")
    expect(page.locator(".explain")).to_be_in_viewport()
    expect(page.locator(".explain")).to_contain_text("−∂E/∂net")


def test_iris_has_names_and_no_regions(page: Page, server_url: str):
    open_page(page, server_url)  # the defaults: iris, the tutorial's net
    expect(page.locator("#layer-1 .col-labels").first).to_contain_text("petal length")
    expect(page.locator("#layer-1 .row-labels").first).to_contain_text("versicolor")
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


def test_first_plots_within_a_second(browser: Browser, server_url: str, api: httpx.Client, capsys):
    # a running server (its first request loads the data sets; not the page's time)
    assert api.get("/").status_code == 200
    assert api.post("/api/sessions", json={}).status_code == 201
    # a first visit: fresh context, nothing cached
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        open_page(page, server_url)
        first = stats(page)["stats"]["views"]
        wait_for_plotly(page)
        curves = stats(page)["stats"]["views"]["curves"]["first"]
    finally:
        context.close()
    live = max(first[name]["first"] for name in ("weights", "updates", "vectors"))
    with capsys.disabled():
        print(f"\nfirst live plots drawn {live:.0f} ms after navigation, curves {curves:.0f} ms")
    assert live <= FIRST_PLOT_BUDGET_MS


@pytest.fixture(scope="module")
def csp_server_url() -> Iterator[str]:
    """The app behind a strict Content-Security-Policy header, on uvicorn in a thread."""
    app = create_app(Settings())

    async def with_csp(scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_csp(message: Message) -> None:
            if message["type"] == "http.response.start":
                header = (b"content-security-policy", STRICT_CSP.encode())
                message = {**message, "headers": [*message.get("headers", []), header]}
            await send(message)

        await app(scope, receive, send_with_csp)

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(with_csp, log_level="warning"))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])))
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def test_works_under_a_strict_content_security_policy(page: Page, csp_server_url: str):
    page.add_init_script(
        "window.cspViolations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    response = page.goto(csp_server_url)
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    open_page(page, csp_server_url, dataset="circle", hidden=[4])
    page.click("#step-100")
    wait_for_step(page, 100)
    wait_for_plotly(page)
    page.wait_for_function("window.playgroundStats.views.regions.draws > 0")
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
