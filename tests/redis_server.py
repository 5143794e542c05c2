"""A real ``redis-server`` for tests: started on a free port of 127.0.0.1, waited for with PING,
stopped after (Debian's ``redis-server``; the tests of a Redis store never use a fake).

``RedisServer`` can be stopped and started again on the same port, to test what a client does
while Redis is down and after it is back; ``stop(save=True)`` keeps its data across the restart
(a ``SHUTDOWN SAVE`` to its directory, as a Redis with persistence would), ``stop()`` loses it.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.servers import free_port
from tests.waiting import wait_until

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
START_TIMEOUT = 10.0  # seconds: a guard against hanging, not a measurement


class RedisServer:
    """One ``redis-server`` process on ``port``, its files in ``directory``."""

    def __init__(
        self, directory: Path, port: int | None = None, args: tuple[str, ...] = ()
    ) -> None:
        self.directory = directory
        self.port = port if port is not None else free_port()
        self.args = args  # more options, over the defaults (e.g. an append-only file)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The ``redis://`` URL of its database 0 (``PLAYGROUND_REDIS_URL``)."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Starts it (again) and returns once it answers PING."""
        assert self.process is None, "already running"
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
                "--dbfilename",
                "dump.rdb",
                *self.args,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        process = self.process

        def answers() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"redis-server exited with {process.returncode}")
            return self.ping()

        wait_until(answers, "redis-server: no PONG", guard=START_TIMEOUT, every=0.02)

    def ping(self) -> bool:
        """Whether it answers PING now (a raw RESP exchange: no client library involved)."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        """``kill -9``: gone at once, its files (an append-only file, if on) as they were."""
        if self.process is None:
            return
        self.process.kill()
        self.process.wait()
        self.process = None

    def stop(self, *, save: bool = False) -> None:
        """Stops it; with ``save`` its data is written to its directory first and loaded by the
        next ``start``, else the next start is empty (the dump is removed)."""
        if self.process is None:
            return
        if save:
            with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
                sock.sendall(b"SHUTDOWN SAVE\r\n")
                sock.recv(64)  # the connection closes when it has saved
        else:
            (self.directory / "dump.rdb").unlink(missing_ok=True)
            self.process.terminate()
        try:
            self.process.wait(START_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
        if not save:
            (self.directory / "dump.rdb").unlink(missing_ok=True)


@contextmanager
def redis_server(directory: Path) -> Iterator[RedisServer]:
    """A running ``RedisServer`` with its files in ``directory``, stopped at the end."""
    server = RedisServer(directory)
    server.start()
    try:
        yield server
    finally:
        server.stop()
