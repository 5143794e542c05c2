"""Fixtures for the API tests: an app on temporary page files, and a client on it."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.redis_server import RedisServer
from tests.redis_server import redis_server as running_redis

# the test's own template: the page's context, as JSON (the real page is tests/browser's)
TEMPLATE = """<!doctype html>
<title>test page</title>
<script id="context" type="application/json">{{ {"datasets": datasets, "activations":
activations, "features": features, "defaults": defaults, "sampling_modes": sampling_modes,
"losses": losses, "limits": limits, "speed": speed, "snapshot_format": snapshot_format,
"modules": modules, "plotly_url": plotly_url} | tojson }}</script>
"""
STATIC_JS = "export const answer = 42;\n" + "// padding so that gzip applies\n" * 64


@pytest.fixture
def anyio_backend() -> str:
    """Async tests (``pytest.mark.anyio``) run on asyncio, as uvicorn does."""
    return "asyncio"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where a test's server saves its sessions on shutdown: never the repository's ``data/``
    (``Settings()`` reads ``PLAYGROUND_DATA_DIR``)."""
    data = tmp_path / "data"
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(data))
    return data


@pytest.fixture(autouse=True, scope="session")
def allowed_hosts() -> Iterator[None]:
    """Servers answer to ``TestClient``'s ``testserver`` too, besides the loopback names
    (``Settings()`` reads ``PLAYGROUND_ALLOWED_HOSTS``), module-scoped ones included."""
    hosts = [*Settings.model_fields["allowed_hosts"].get_default(), "testserver"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PLAYGROUND_ALLOWED_HOSTS", json.dumps(hosts))
        yield


@pytest.fixture
def settings(tmp_path: Path, data_dir: Path) -> Settings:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "index.html").write_text(TEMPLATE)
    static = tmp_path / "static"
    (static / "js").mkdir(parents=True)
    (static / "js" / "app.js").write_text(STATIC_JS)
    return Settings(templates_dir=templates, static_dir=static, max_sessions=8, data_dir=data_dir)


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """How many cases the fuzz test ran (docs/hardening.md reports it)."""
    fuzz = sys.modules.get("tests.app.test_fuzz")
    cases = getattr(fuzz, "CASES", None)
    if cases:
        terminalreporter.write_line(f"Schemathesis cases run: {cases}")


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A real redis-server on a free port for a test module, stopped after it."""
    with running_redis(tmp_path_factory.mktemp("redis")) as server:
        yield server
