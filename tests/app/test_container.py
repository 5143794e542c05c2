"""The Dockerfile and compose.yaml (Docker cannot run here): they must install and start what
``make run`` and the cluster tests do."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from tests import cluster

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def instructions(name: str) -> list[str]:
    """The arguments of every ``name`` instruction, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [line.split(None, 1)[1] for line in joined.splitlines() if line.startswith(name + " ")]


def make_recipe(target: str) -> list[str]:
    lines = (ROOT / "Makefile").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{target}:"))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


def test_container_starts_the_same_command_as_make_run() -> None:
    (cmd,) = instructions("CMD")
    assert make_recipe("run") == ["$(PY) -m app"]
    assert json.loads(cmd) == ["python", "-m", "app"]


def test_container_installs_the_requirements_make_installs() -> None:
    assert "-r requirements.txt" in (ROOT / "requirements-dev.txt").read_text()
    runs = instructions("RUN")
    assert "python -m pip install -r requirements.txt" in runs
    # dependencies before the code, so that code changes keep the dependency layer
    copies = instructions("COPY")
    assert copies[0] == "requirements.txt ./"
    assert DOCKERFILE.index("pip install") < DOCKERFILE.index("COPY app")


def test_container_runs_as_a_non_root_user_on_all_interfaces_port_8000() -> None:
    (base,) = instructions("FROM")
    assert base == "python:3.11-slim"
    (user,) = instructions("USER")
    assert user not in ("root", "0")
    env = " ".join(instructions("ENV"))
    assert "PLAYGROUND_HOST=0.0.0.0" in env
    assert "PLAYGROUND_PORT=8000" in env
    assert instructions("EXPOSE") == ["8000"]


def test_container_health_check_asks_healthz() -> None:
    (check,) = instructions("HEALTHCHECK")
    assert "http://127.0.0.1:8000/healthz" in check


def test_container_copies_every_folder_the_server_reads() -> None:
    copied = {c.split()[0] for c in instructions("COPY")}
    assert {"core", "app", "templates", "static"} <= copied
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert not {"core", "app", "templates", "static"} & set(ignored)


COMPOSE = ROOT / "compose.yaml"


def compose() -> dict[str, Any]:
    services: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())["services"]
    return services


def test_compose_runs_the_image_command_behind_the_repos_nginx_config_on_redis() -> None:
    """compose.yaml's topology is what tests/cluster.py starts: the same app command, the same
    nginx template filled from the same variables, the app on Redis."""
    services = compose()
    app = services["app"]
    assert app["build"] == "."
    assert "command" not in app  # the image's CMD, `python -m app`: cluster.APP_COMMAND's
    assert cluster.APP_COMMAND[1:] == json.loads(instructions("CMD")[0])[1:]
    assert app["environment"]["PLAYGROUND_REDIS_URL"] == "redis://redis:6379/0"
    assert app["deploy"]["replicas"] >= 2
    assert json.loads(app["environment"]["PLAYGROUND_ALLOWED_HOSTS"])  # a JSON list of names
    nginx = services["nginx"]
    (volume,) = nginx["volumes"]
    source, target, _ = volume.split(":")
    assert (ROOT / source).resolve() == cluster.TEMPLATE
    assert target == "/etc/nginx/templates/" + cluster.TEMPLATE.name
    # the template's placeholders are exactly the variables compose gives the image
    placeholders = set(re.findall(r"\$\{(\w+)\}", cluster.TEMPLATE.read_text()))
    assert placeholders == set(nginx["environment"])
    assert nginx["ports"] == [f"{nginx['environment']['NGINX_PORT']}:8080"]
    assert "redis-server" in services["redis"]["command"]
