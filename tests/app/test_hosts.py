"""Only the server's own names in ``Host``: a DNS-rebinding site (its name resolving to 127.0.0.1)
gets a clear 400 over HTTP and at a WebSocket's handshake, through a real server."""

from __future__ import annotations

import socket

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect
from websockets.typing import Origin

from app.settings import Settings
from tests.app.helpers import body, server_process
from tests.servers import free_port

FOREIGN = "rebound.example"


@pytest.fixture
def port(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.delenv("PLAYGROUND_ALLOWED_HOSTS")  # the default: the loopback names only
    return free_port()


@pytest.mark.slow
@pytest.mark.timeout(60)
def test_a_foreign_host_is_refused_over_http_and_websocket(port: int) -> None:
    base = f"http://127.0.0.1:{port}"
    with server_process(port, PERSIST="false"):
        refused = httpx.post(f"{base}/api/step", headers={"host": f"{FOREIGN}:{port}"})
        assert refused.status_code == 400
        message = body(refused)["message"]
        assert f"{FOREIGN}:{port}" in message
        assert "127.0.0.1, localhost, [::1]" in message
        assert refused.headers["x-content-type-options"] == "nosniff"  # still an answer of ours
        # the rebinding page's own origin, so the Origin check alone would let it in
        with socket.create_connection(("127.0.0.1", port)) as sock:
            uri = f"ws://{FOREIGN}:{port}/api/sessions/default/live"
            with pytest.raises(InvalidStatus) as handshake:
                connect(uri, sock=sock, origin=Origin(f"http://{FOREIGN}:{port}"))
        assert handshake.value.response.status_code == 400
        assert FOREIGN in handshake.value.response.body.decode()
        assert body(httpx.get(f"{base}/api/state"))["step"] == 0  # nothing was driven
        for host in ("127.0.0.1", "localhost", "[::1]"):  # the loopback names are answered
            answer = httpx.post(f"{base}/api/step", headers={"host": f"{host}:{port}"})
            assert answer.status_code == 200, (host, answer.text)
        with socket.create_connection(("127.0.0.1", port)) as sock:
            uri = f"ws://localhost:{port}/api/sessions/default/live"
            with connect(uri, sock=sock) as ws:
                assert '"status"' in str(ws.recv(timeout=30))


@pytest.mark.slow
@pytest.mark.timeout(60)
def test_a_configured_name_and_wildcard_are_answered(port: int) -> None:
    base = f"http://127.0.0.1:{port}"
    hosts = '["playground.example.org", "*.class.example", "127.0.0.1"]'  # 127.0.0.1: /healthz
    with server_process(port, PERSIST="false", ALLOWED_HOSTS=hosts):
        for host, status in (
            ("playground.example.org", 200),
            ("room-3.class.example", 200),
            ("www.playground.example.org", 400),  # no www redirect
            ("localhost", 400),  # the list replaces the default
        ):
            answer = httpx.get(f"{base}/api/state", headers={"host": host}, follow_redirects=False)
            assert answer.status_code == status, (host, answer.text)


def test_a_bad_wildcard_pattern_is_a_clear_settings_error() -> None:
    with pytest.raises(ValueError, match=r"'playground\.\*'"):
        Settings(allowed_hosts=["playground.*"])
