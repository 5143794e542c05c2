"""The server over real sockets: uvicorn in a thread, and ``make run`` as the README says."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import threading
from collections.abc import Iterator
from itertools import accumulate
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Origin

from app.limits import COMMAND_BURST
from app.main import create_app
from app.settings import Settings
from tests.app.helpers import body, strict_json
from tests.servers import free_port, wait_until_healthy
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    """A uvicorn server on a free port of 127.0.0.1, serving a fresh app, in a thread."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(Settings(persist=False))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])))
    thread.start()
    try:
        wait_until(lambda: server.started, "uvicorn did not start", guard=10, every=0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def receive(ws: ClientConnection) -> dict[str, Any]:
    message: dict[str, Any] = strict_json(ws.recv(timeout=10))
    return message


def play_frames(ws: ClientConnection, steps_per_second: int, count: int) -> list[dict[str, Any]]:
    """Plays until ``count`` frames have come, then pauses; every frame up to the pause's status."""
    ws.send(json.dumps({"type": "play", "steps_per_second": steps_per_second}))
    assert receive(ws)["state"] == "playing"
    frames = [receive(ws) for _ in range(count)]
    ws.send(json.dumps({"type": "pause"}))
    while (message := receive(ws))["type"] == "frame":
        frames.append(message)
    assert message["state"] == "paused"
    assert {frame["type"] for frame in frames} == {"frame"}
    return frames


def play_on_a_new_session(server_url: str, steps_per_second: int, count: int) -> list[Any]:
    """The frames of ``play_frames`` on a new session, which has taken just their steps."""
    with httpx.Client(base_url=server_url) as client:
        session_id = body(client.post("/api/sessions"))["id"]
        ws_url = server_url.replace("http", "ws") + f"/api/sessions/{session_id}/live"
        with connect(ws_url) as ws:
            assert receive(ws)["type"] == "status"
            frames = play_frames(ws, steps_per_second, count)
        assert body(client.get(f"/api/sessions/{session_id}"))["step"] == sum(
            frame["steps"] for frame in frames
        )
    steps = [frame["step"] for frame in frames]
    assert steps == list(accumulate(frame["steps"] for frame in frames))  # none lost or repeated
    return frames


def test_rest_over_a_real_socket(server_url: str) -> None:
    with httpx.Client(base_url=server_url) as client:
        created = client.post("/api/sessions", json={"dataset": "xor", "hidden": [2]})
        assert created.status_code == 201
        session_id = body(created)["id"]
        response = client.post(f"/api/sessions/{session_id}/step", json={"n": 10})
        assert response.status_code == 200
        assert body(response)["step"] == 10


@pytest.mark.parametrize("speed", [1000, 20_000])
def test_live_stream_frames_carry_every_step_at_the_requested_speed(
    server_url: str, speed: int
) -> None:
    frames = play_on_a_new_session(server_url, speed, 30)
    # at most two frame periods' steps in a frame (a late frame's lateness beyond one is not made
    # up); the rates themselves are measured by make api-bench (docs/benchmarks.md)
    assert max(frame["steps"] for frame in frames) <= 2 * speed / Settings().max_frame_rate + 1


def test_live_stream_at_low_speed_sends_a_frame_per_step(server_url: str) -> None:
    frames = play_on_a_new_session(server_url, 20, 10)
    # a frame as soon as a whole step is owed: one step, two if it came a whole period late
    assert {frame["steps"] for frame in frames} <= {1, 2}


def test_unknown_session_closes_with_4404_over_a_real_socket(server_url: str) -> None:
    ws_url = server_url.replace("http", "ws") + "/api/sessions/nope/live"
    with connect(ws_url) as ws, pytest.raises(ConnectionClosed) as closed:
        ws.recv(timeout=10)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4404
    assert "session not found" in closed.value.rcvd.reason


@pytest.mark.slow
def test_make_run_serves_the_playground(tmp_path: Path) -> None:
    """The README's run command, as a user types it (with the port moved out of the way)."""
    if subprocess.run(["make", "-q", "install"], cwd=ROOT, check=False).returncode != 0:
        pytest.skip("the virtual environment is not up to date: run `make install` first")
    port = free_port()
    env = {**os.environ, "PLAYGROUND_PORT": str(port), "PLAYGROUND_DATA_DIR": str(tmp_path)}
    log = (tmp_path / "server.log").open("wb")
    process = subprocess.Popen(
        ["make", "run"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_healthy(base, process, 60, (tmp_path / "server.log").read_text)
        response = httpx.post(f"{base}/api/step", json={"n": 5}, timeout=10)
        assert response.status_code == 200
        assert body(response)["step"] == 5
        assert body(httpx.get(f"{base}/api/state", timeout=10))["step"] == 5
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def test_a_flood_of_live_commands_is_cut_off_and_the_server_stays_responsive(
    server_url: str,
) -> None:
    """2,000 commands sent without reading the answers, over a real socket: the first are
    answered, then the stream is closed 1008 with the reason; meanwhile others are served."""
    with httpx.Client(base_url=server_url) as client:
        session_id = body(client.post("/api/sessions"))["id"]
        ws_url = server_url.replace("http", "ws") + f"/api/sessions/{session_id}/live"
        with connect(ws_url) as ws:
            receive(ws)
            for _ in range(2_000):
                ws.send('{"type": "step", "n": 1}')
            assert client.get("/healthz", timeout=30).status_code == 200  # served meanwhile
            frames = 0
            with pytest.raises(ConnectionClosed) as closed:  # noqa: PT012
                while True:
                    assert receive(ws)["type"] == "frame"
                    frames += 1
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 1008
        assert closed.value.rcvd.reason.startswith("too many commands")
        assert frames >= COMMAND_BURST  # the burst is answered (exactly: test_command_limit.py)
        assert body(client.post(f"/api/sessions/{session_id}/step"))["step"] == frames + 1


def test_a_live_message_over_the_size_limit_closes_1009(server_url: str) -> None:
    with httpx.Client(base_url=server_url) as client:
        session_id = body(client.post("/api/sessions"))["id"]
    ws_url = server_url.replace("http", "ws") + f"/api/sessions/{session_id}/live"
    with connect(ws_url) as ws:
        receive(ws)
        ws.send(json.dumps({"type": "pause", "pad": "x" * 70_000}))
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1009


def test_a_live_stream_from_another_origin_is_refused_with_403(server_url: str) -> None:
    ws_url = server_url.replace("http", "ws") + "/api/sessions/default/live"
    with pytest.raises(InvalidStatus) as refused:
        connect(ws_url, origin=Origin("http://evil.example")).close()
    assert refused.value.response.status_code == 403
    with connect(ws_url, origin=Origin(server_url)) as ws:  # the page's own origin
        assert receive(ws)["type"] == "status"
