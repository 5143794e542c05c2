"""Servers started by tests (``python -m app`` in a subprocess): a free port, and waiting for
the server to answer."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Callable
from typing import Any

import httpx

from tests.waiting import wait_until


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_healthy(
    base_url: str,
    process: subprocess.Popen[Any],
    timeout: float,
    exit_message: Callable[[], str] | None = None,
) -> None:
    """Polls ``/healthz`` until it answers 200; fails if the process exits or ``timeout``
    seconds pass (``exit_message`` says why it exited, e.g. its log)."""

    def healthy() -> bool:
        if process.poll() is not None:
            raise AssertionError(
                exit_message() if exit_message else f"the server exited with {process.returncode}"
            )
        try:
            return httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    wait_until(healthy, "no /healthz", guard=timeout, every=0.05)
