"""Another site open in the same browser cannot change the playground: its "simple" cross-site
POST (no CORS preflight) is refused by its Origin, and nothing is stepped.

The other site is another local server (another port of 127.0.0.1): Chromium already keeps public
sites from sending requests to loopback addresses (Private Network Access), but not other local
sites, and not every browser does."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from playwright.sync_api import Page

from tests.browser.conftest import PageLog

pytestmark = pytest.mark.browser


class _ElsewhereHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<!doctype html><title>elsewhere</title><p>another site"
        self.send_response(200)
        self.send_header("content-type", "text/html")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def elsewhere() -> Iterator[str]:
    """Another site: a plain page on another port of 127.0.0.1."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ElsewhereHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_another_site_cannot_step_the_default_session(
    page: Page, page_log: PageLog, server_url: str, api: httpx.Client, elsewhere: str
) -> None:
    page_log.expect_http_errors = True  # the refused POST
    before = api.get("/api/state").json()["step"]
    page.goto(elsewhere)
    with page.expect_response(f"{server_url}/api/step") as answer:
        # a valid body and a content type the endpoint reads: only the Origin gives it away
        page.evaluate(
            """url => fetch(url, {method: "POST", mode: "no-cors", body: '{"n": 100}'})""",
            f"{server_url}/api/step",
        )
    assert answer.value.status == 403  # (the Origin is added below what Playwright reports)
    assert api.get("/api/state").json()["step"] == before
