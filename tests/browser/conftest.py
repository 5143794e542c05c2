"""Fixtures for the browser tests: the real server in a subprocess, headless Chromium, a page.

Chromium is Debian's (``/usr/bin/chromium``) or ``CHROMIUM_PATH``; Playwright cannot download its
own here. Without one the tests skip, unless ``REQUIRE_BROWSER=1`` (CI), where they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Playwright,
    Response,
    ViewportSize,
    sync_playwright,
)

from tests.servers import free_port, wait_until_healthy

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVER_START_TIMEOUT_S = 30


def chromium_path() -> str | None:
    """Where Chromium is: ``CHROMIUM_PATH``, else Debian's, else on the ``PATH``."""
    candidates = [os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")]
    return next((c for c in candidates if c and Path(c).is_file()), None)


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The playground served by ``python -m app`` (uvicorn) on a free port of 127.0.0.1, saving
    its sessions on shutdown into a temporary directory (never the repository's ``data/``)."""
    port = free_port()
    env = {
        **os.environ,
        "PLAYGROUND_LOG_LEVEL": "warning",
        "PLAYGROUND_DATA_DIR": str(tmp_path_factory.mktemp("data")),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process, SERVER_START_TIMEOUT_S)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def api(server_url: str) -> Iterator[httpx.Client]:
    """A plain HTTP client on the server, to read what the page should show."""
    with httpx.Client(base_url=server_url, timeout=10) as client:
        yield client


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    path = chromium_path()
    if path is None:
        message = "no Chromium: install Debian's chromium or set CHROMIUM_PATH"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {message}")
        pytest.skip(message)
    browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


class PageLog:
    """What a page did besides drawing: every request and WebSocket URL, its errors, and the
    responses with an error status (which a test must expect, see ``expect_http_errors``)."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.errors: list[str] = []
        self.http_errors: list[str] = []
        self.expect_http_errors = False

    def foreign(self) -> list[str]:
        """The URLs whose host is not 127.0.0.1."""
        return [u for u in self.urls if urlsplit(u).hostname != "127.0.0.1"]


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def page(browser: Browser, page_log: PageLog) -> Iterator[Page]:
    """A fresh page (own cache and storage) at 1280×800; a script error fails the test."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.on("request", lambda request: page_log.urls.append(request.url))
    page.on("websocket", lambda ws: page_log.urls.append(ws.url))
    page.on("pageerror", lambda error: page_log.errors.append(f"page error: {error}"))

    def on_response(response: Response) -> None:
        if response.status >= 400:
            page_log.http_errors.append(f"{response.status} {response.url}")

    def on_console(message: ConsoleMessage) -> None:
        # the browser's own note of an error status (recorded above), or a real script error
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            page_log.errors.append(f"console error: {message.text}")

    page.on("response", on_response)
    page.on("console", on_console)
    yield page
    context.close()
    assert page_log.errors == [], page_log.errors
    if not page_log.expect_http_errors:
        assert page_log.http_errors == [], page_log.http_errors


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where the tests leave screenshots (not committed: see .gitignore)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
