"""The benchmarks' servers: ``python -m MODULE`` (the playground as ``make run`` starts it, or
the floor) on a free port of 127.0.0.1, up until the block ends."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 30


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.contextmanager
def running_server(
    module: str, health: tuple[str, str], env: dict[str, str]
) -> Iterator[tuple[str, int]]:
    """The server's URL and process id, once ``health`` (a method and a path) answers 200; ``env``
    on top of the environment (sessions are not saved unless ``env`` sets PLAYGROUND_PERSIST)."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", module],
        cwd=ROOT,
        env=os.environ | {"PLAYGROUND_PERSIST": "false"} | env | {"PLAYGROUND_PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    method, path = health
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            with contextlib.suppress(httpx.TransportError):
                if httpx.request(method, f"{url}{path}", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"python -m {module} did not come up")
            time.sleep(0.1)
        yield url, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
