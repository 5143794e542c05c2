"""Helpers for the API tests: strict JSON, sessions made in one call, a real server process."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from core import Trainer, TrainerConfig
from tests.servers import wait_until_healthy

ROOT = Path(__file__).resolve().parents[2]
JSON = {"content-type": "application/json"}  # the header of a JSON body


class Response(Protocol):
    """An HTTP response of httpx, httpx2 (Starlette's test client) or the like."""

    @property
    def content(self) -> bytes: ...


def _no_constant(name: str) -> Any:
    raise AssertionError(f"the response holds {name}, which JSON does not have")


def strict_json(text: str | bytes) -> Any:
    """``json.loads`` that fails on NaN, Infinity and -Infinity (Python accepts them)."""
    return json.loads(text, parse_constant=_no_constant)


def body(response: Response) -> Any:
    """The response's JSON, parsed strictly."""
    return strict_json(response.content)


def create_session(client: Any, **config: Any) -> str:
    """A new session's id (``client``: a TestClient or any httpx-like client)."""
    response = client.post("/api/sessions", json=config)
    assert response.status_code == 201, response.text
    session_id: str = response.json()["id"]
    return session_id


def weights_of(trainer: Trainer) -> list[list[list[float]]]:
    return [w.tolist() for w in trainer.weights]


def serial_weights(config: TrainerConfig, steps: int) -> list[list[list[float]]]:
    """The weights after ``steps`` steps of a fresh trainer of ``config``: a serial run."""
    trainer = Trainer(config)
    if steps:
        trainer.run(steps)
    return weights_of(trainer)


def assert_serial_run(state: dict[str, Any], config: TrainerConfig, steps: int) -> None:
    """A session's JSON state (``GET /api/sessions/{id}``) is a serial run's after ``steps``."""
    assert state["step"] == steps
    assert [layer["weights"] for layer in state["layers"]] == serial_weights(config, steps)


@contextmanager
def server_process(port: int, *options: str, **env: str) -> Iterator[subprocess.Popen[bytes]]:
    """``python -m app`` on ``port`` of 127.0.0.1 with more ``options`` (e.g. ``--workers``) and
    ``PLAYGROUND_*`` settings from ``env`` (e.g. ``DATA_DIR``), once it answers ``/healthz``;
    its output is piped. Killed at the end if still running (stop it with SIGTERM to shut it
    down gracefully)."""
    settings = {f"PLAYGROUND_{name}": value for name, value in env.items()}
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "--host", "127.0.0.1", "--port", str(port), *options],
        cwd=ROOT,
        env={**os.environ, **settings},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its group: uvicorn's workers are killed with it
    )
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}", process, 30)
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
