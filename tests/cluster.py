"""The deployment's topology with local processes, for tests and benchmarks: a real
``redis-server`` (tests.redis_server), playground processes started with the container's command
(``python -m app``, settings from ``PLAYGROUND_*`` variables) and Debian's ``nginx`` with the
repo's config (deploy/), each on a free port, all stopped at the end. compose.yaml runs the same
commands in containers: Docker cannot run here, so this is how the topology is tested.

Without ``redis-server`` or ``nginx`` the tests that need them skip, unless ``REQUIRE_SERVICES=1``
(CI: .ci/run installs both), where they fail.
"""

from __future__ import annotations

import getpass
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from tests.redis_server import RedisServer
from tests.servers import free_port, wait_until_healthy

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
TEMPLATE = DEPLOY / "playground.conf.template"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
START_TIMEOUT = 60.0  # seconds: a guard against hanging, not a measurement
APP_COMMAND = [sys.executable, "-m", "app"]  # the Dockerfile's CMD, in this interpreter


def require(program: str) -> str:
    """``program``'s path; skips the test where it is missing (fails under REQUIRE_SERVICES=1)."""
    path = shutil.which(program) or next(
        (p for p in (f"/usr/sbin/{program}", f"/usr/bin/{program}") if os.access(p, os.X_OK)),
        None,
    )
    if path is None:
        message = f"no {program}: install Debian's {program} package"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"REQUIRE_SERVICES=1 but {message}")
        pytest.skip(message)
    return path


def fill_template(text: str, values: dict[str, str]) -> str:
    """``text`` with ``${NAME}`` and ``$NAME`` replaced for the names in ``values`` only, as the
    nginx image's envsubst does for the variables defined in its environment (nginx's own
    variables, such as ``$host``, stay)."""
    names = "|".join(map(re.escape, values))
    return re.sub(rf"\$\{{({names})\}}|\$({names})\b", lambda m: values[m[1] or m[2]], text)


def stop_group(process: subprocess.Popen[bytes] | None, number: int) -> None:
    """Sends ``number`` to ``process``'s group (none: nothing to do) and waits for it to end,
    killing the group if it hangs."""
    if process is None:
        return
    os.killpg(process.pid, number)
    try:
        process.wait(START_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class AppProcess:
    """One playground process on ``port``, its output in ``log``."""

    def __init__(self, directory: Path, env: dict[str, str], port: int | None = None) -> None:
        self.port = port if port is not None else free_port()
        self.directory = directory
        self.log = directory / f"app-{self.port}.log"
        self.env = {
            **os.environ,
            "PLAYGROUND_PORT": str(self.port),
            "PLAYGROUND_DATA_DIR": str(directory / f"data-{self.port}"),
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Starts it (again, on the same port) and returns once ``/healthz`` answers."""
        assert self.process is None, "already running"
        self.directory.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                APP_COMMAND,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until_healthy(self.url, self.process, START_TIMEOUT, self.log.read_text)

    def kill(self) -> None:
        """``kill -9``: no shutdown of any kind."""
        self._signal(signal.SIGKILL)

    def stop(self) -> None:
        """A graceful stop (SIGTERM, as ``docker stop``), a kill if it hangs."""
        self._signal(signal.SIGTERM)

    def _signal(self, number: int) -> None:
        stop_group(self.process, number)
        self.process = None

    def served(self, text: str) -> int:
        """How many requests uvicorn's access log shows with ``text`` in their line."""
        return sum(text in line for line in self.log.read_text(errors="replace").splitlines())


class Nginx:
    """Debian's nginx with the repo's config, in front of ``servers`` (``host:port`` each)."""

    def __init__(self, directory: Path, servers: list[str], port: int | None = None) -> None:
        self.port = port if port is not None else free_port()
        self.prefix = directory / "nginx"
        self.servers = servers
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        assert self.process is None, "already running"
        for name in ("logs", "tmp"):
            (self.prefix / name).mkdir(parents=True, exist_ok=True)
        shutil.copy(DEPLOY / "nginx.conf", self.prefix / "nginx.conf")
        servers = " ".join(f"server {server};" for server in self.servers)
        values = {"NGINX_PORT": str(self.port), "APP_SERVERS": servers}
        conf = fill_template(TEMPLATE.read_text(), values)
        (self.prefix / "playground.conf").write_text(conf)
        log = self.prefix / "logs" / "error.log"
        command = [require("nginx"), "-p", str(self.prefix), "-c", "nginx.conf"]
        check = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
        assert check.returncode == 0, f"nginx -t: {check.stderr}"
        self.process = subprocess.Popen(
            # workers as this user, not nginx's default `nobody`, who may not enter the tests'
            # directories (the user directive is ignored, with a warning, when not root)
            [*command, "-g", f"daemon off; user {getpass.getuser()};"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until_healthy(self.url, self.process, START_TIMEOUT, log.read_text)

    def stop(self) -> None:
        stop_group(self.process, signal.SIGQUIT)  # nginx's graceful stop
        self.process = None


class Cluster:
    """Redis, ``len(apps)`` playground processes on it, nginx in front."""

    def __init__(self, redis: RedisServer, apps: list[AppProcess], nginx: Nginx) -> None:
        self.redis, self.apps, self.nginx = redis, apps, nginx


@contextmanager
def cluster(
    directory: Path,
    processes: int = 2,
    env: dict[str, str] | None = None,
    redis_args: tuple[str, ...] = (),
) -> Iterator[Cluster]:
    """The topology of compose.yaml, running, and stopped at the end (``redis_args``: more
    ``redis-server`` options)."""
    require("redis-server")
    require("nginx")
    with ExitStack() as stack:
        redis = RedisServer(directory / "redis", args=redis_args)
        redis.start()
        stack.callback(redis.stop)
        settings = {"PLAYGROUND_REDIS_URL": redis.url, "PLAYGROUND_PERSIST": "false", **(env or {})}
        apps = []
        for _ in range(processes):
            app = AppProcess(directory, settings)
            app.start()
            stack.callback(app.stop)
            apps.append(app)
        nginx = Nginx(directory, [f"127.0.0.1:{app.port}" for app in apps])
        nginx.start()
        stack.callback(nginx.stop)
        yield Cluster(redis, apps, nginx)
