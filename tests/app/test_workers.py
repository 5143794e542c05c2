"""``python -m app --workers N``: N processes on one port, sharing sessions through Redis."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

import app.__main__ as entry
from core import TrainerConfig
from tests.app.helpers import assert_serial_run, server_process
from tests.redis_server import redis_server
from tests.servers import free_port


def test_several_workers_without_redis_are_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PLAYGROUND_REDIS_URL", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        entry.parse_args(["--workers", "2"])
    assert exit_info.value.code == 2
    assert "--workers 2 needs PLAYGROUND_REDIS_URL" in capsys.readouterr().err


def test_workers_option_with_redis_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYGROUND_REDIS_URL", "redis://127.0.0.1:1/0")
    assert entry.parse_args(["--workers", "3"])[1] == 3


@pytest.mark.slow
def test_two_workers_on_one_port_serve_every_step_of_a_session(tmp_path: Path) -> None:
    port = free_port()
    with (
        redis_server(tmp_path / "redis") as redis,
        server_process(port, "--workers", "2", REDIS_URL=redis.url, PERSIST="false"),
    ):
        base = f"http://127.0.0.1:{port}"
        created = httpx.post(f"{base}/api/sessions", json={"hidden": [3], "seed": 2})
        assert created.status_code == 201, created.text
        session_id = created.json()["id"]
        for _ in range(40):  # a connection each: spread over the workers by the kernel
            with httpx.Client(base_url=base) as client:
                response = client.post(f"/api/sessions/{session_id}/step", json={"n": 2})
                assert response.status_code == 200, response.text
        state = httpx.get(f"{base}/api/sessions/{session_id}").json()
        assert_serial_run(state, TrainerConfig(hidden=(3,), seed=2), 80)
