"""The cluster, through its real parts: redis-server, two ``python -m app`` processes on it and
nginx with the repo's config (tests/cluster.py, compose.yaml's topology with local processes).

Every test compares with a serial run of the engine: with the config's seed, the n-th step of a
session is the same whichever process takes it, so a session stepped through both processes in
any order must hold exactly the weights of ``Trainer(config).run(total)``; a step lost or taken
twice changes them.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

from core import TrainerConfig
from tests.app import helpers
from tests.app.helpers import body
from tests.cluster import Cluster, cluster
from tests.waiting import wait_until

pytestmark = pytest.mark.slow
CONFIG = {"dataset": "circle", "hidden": [4], "seed": 3}  # a hidden layer: every part of a step
WAIT = 60.0  # seconds: a guard against hanging, never a measurement


def serial_weights(steps: int) -> list[list[list[float]]]:
    return helpers.serial_weights(TrainerConfig(dataset="circle", hidden=(4,), seed=3), steps)


@pytest.fixture(scope="module")
def topology(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with cluster(tmp_path_factory.mktemp("cluster")) as running:
        yield running


def new_session(url: str) -> str:
    response = httpx.post(f"{url}/api/sessions", json=CONFIG, timeout=WAIT)
    assert response.status_code == 201, response.text
    session_id: str = body(response)["id"]
    return session_id


def step(url: str, session_id: str, n: int = 1) -> dict[str, Any]:
    response = httpx.post(f"{url}/api/sessions/{session_id}/step", json={"n": n}, timeout=WAIT)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = body(response)
    return answer


def state(url: str, session_id: str) -> dict[str, Any]:
    response = httpx.get(f"{url}/api/sessions/{session_id}", timeout=WAIT)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = body(response)
    return answer


def weights(answer: dict[str, Any]) -> list[Any]:
    return [layer["weights"] for layer in answer["layers"]]


def receive(ws: ClientConnection) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(ws.recv(timeout=WAIT))
    return message


def test_a_session_stepped_alternately_through_two_processes_is_a_serial_run(
    topology: Cluster,
) -> None:
    first, second = (app.url for app in topology.apps)
    session_id = new_session(first)
    taken = 0
    for k, n in enumerate([1, 3, 1, 7, 2, 1, 50, 1, 1, 4]):
        answer = step((first, second)[k % 2], session_id, n)
        taken += n
        assert answer["step"] == taken  # each answer is every step so far, wherever taken
    for url in (first, second, topology.nginx.url):
        seen = state(url, session_id)
        assert seen["step"] == taken
        assert weights(seen) == serial_weights(taken)


def test_fifty_clients_over_two_processes_on_one_session_lose_and_double_no_step(
    topology: Cluster,
) -> None:
    urls = [app.url for app in topology.apps]
    session_id = new_session(urls[0])
    answered: list[int] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client(k: int) -> None:
        try:
            for j in range(4):
                answer = step(urls[(k + j) % 2], session_id)
                with lock:
                    answered.append(answer["step"])
        except (AssertionError, httpx.HTTPError) as e:  # reported by the test, not the thread
            with lock:
                failures.append(repr(e))

    threads = [threading.Thread(target=client, args=(k,)) for k in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert not failures
    assert sorted(answered) == list(range(1, 201))  # every step answered once, none twice
    for url in urls:
        seen = state(url, session_id)
        assert seen["step"] == 200
        assert weights(seen) == serial_weights(200)


def covered(frames: list[dict[str, Any]]) -> list[int]:
    """The step numbers the frames (and one-step answers) say they took."""
    return [s for f in frames for s in range(f["step"] - f.get("steps", 1) + 1, f["step"] + 1)]


def play_while_stepping(
    live_url: str, rest_url: str, session_id: str, rest_steps: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Plays the session's live stream through ``live_url`` while ``rest_steps`` one-step
    requests go through ``rest_url``; the frames and the REST answers, the stream paused."""
    ws_url = live_url.replace("http", "ws") + f"/api/sessions/{session_id}/live"
    frames: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []
    with connect(ws_url) as ws:
        assert receive(ws)["type"] == "status"
        ws.send(json.dumps({"type": "play", "steps_per_second": 500}))
        assert receive(ws)["state"] == "playing"
        while not frames:  # the stream trains before the REST steps start
            message = receive(ws)
            if message["type"] == "frame":
                frames.append(message)
        done = threading.Event()

        def rest() -> None:
            try:
                # a 503 (the lease held past PLAYGROUND_LEASE_WAIT) acknowledges nothing: again
                answers.extend(
                    retry_unavailable(lambda: step(rest_url, session_id)) for _ in range(rest_steps)
                )
            finally:
                done.set()

        thread = threading.Thread(target=rest)
        thread.start()
        while not done.is_set():
            message = receive(ws)
            assert message["type"] == "frame", message
            frames.append(message)
        thread.join(WAIT)
        ws.send(json.dumps({"type": "pause"}))
        while (message := receive(ws))["type"] != "status":
            frames.append(message)
        assert message["state"] == "paused"
    return frames, answers


def test_a_live_stream_through_one_process_and_rest_steps_through_the_other_take_turns(
    topology: Cluster,
) -> None:
    first, second = (app.url for app in topology.apps)
    session_id = new_session(first)
    frames, answers = play_while_stepping(first, second, session_id, rest_steps=40)
    assert len(answers) == 40
    steps = sorted(covered(frames) + covered(answers))
    total = state(second, session_id)["step"]
    assert steps == list(range(1, total + 1))  # every step once: none lost, none doubled
    assert weights(state(first, session_id)) == serial_weights(total)


def test_a_process_killed_while_streaming_loses_no_acknowledged_step(tmp_path: Path) -> None:
    with cluster(tmp_path) as running:
        streaming, other = running.apps
        session_id = new_session(other.url)
        ws_url = streaming.url.replace("http", "ws") + f"/api/sessions/{session_id}/live"
        with connect(ws_url) as ws:
            assert receive(ws)["type"] == "status"
            ws.send(json.dumps({"type": "play", "steps_per_second": 500}))
            # a 503 (the stream's process kept the lease past PLAYGROUND_LEASE_WAIT on a busy
            # machine) acknowledges nothing: asked again
            acknowledged = [
                retry_unavailable(lambda: step(other.url, session_id))["step"] for _ in range(10)
            ]
            while receive(ws)["type"] != "frame":  # it streams now, taking turns on the session
                pass
            streaming.kill()  # kill -9 while it serves the stream
        # the other process serves the session on, once the dead one's lease has expired
        after = retry_unavailable(lambda: step(other.url, session_id))
        assert after["step"] > max(acknowledged)
        seen = state(other.url, session_id)
        assert weights(seen) == serial_weights(seen["step"])
        # nginx sends the session's requests to the process still alive
        assert state(running.nginx.url, session_id)["step"] == seen["step"]


def retry_unavailable(call: Any) -> Any:
    """``call()``, again while it answers 503 (a lease still held by a dead process)."""
    answers: list[Any] = []

    def answered() -> bool:
        try:
            answers.append(call())
        except AssertionError as e:
            if "503" not in str(e) and "unavailable" not in str(e).lower():
                raise
            return False
        return True

    wait_until(answered, "still 503", guard=WAIT, every=0.1)
    return answers[0]


def test_nginx_routes_a_sessions_requests_to_one_process_and_proxies_its_stream(
    topology: Cluster,
) -> None:
    url = topology.nginx.url
    session_id = new_session(url)
    for n in range(1, 21):
        assert step(url, session_id)["step"] == n
    served = [app.served(f"/api/sessions/{session_id}/step") for app in topology.apps]
    assert sorted(served) == [0, 20]  # by the consistent hash of the id: one process
    ws_url = url.replace("http", "ws") + f"/api/sessions/{session_id}/live"
    with connect(ws_url) as ws:
        assert receive(ws)["step"] == 20
        ws.send(json.dumps({"type": "step", "n": 5}))
        frame = receive(ws)
        assert (frame["type"], frame["step"], frame["steps"]) == ("frame", 25, 5)
    assert weights(state(url, session_id)) == serial_weights(25)


def test_restarting_nginx_loses_nothing(tmp_path: Path) -> None:
    with cluster(tmp_path) as running:
        session_id = new_session(running.nginx.url)
        step(running.nginx.url, session_id, 30)
        running.nginx.stop()
        running.nginx.start()
        seen = state(running.nginx.url, session_id)
        assert seen["step"] == 30
        assert weights(seen) == serial_weights(30)


def test_nginx_passes_the_clients_host_on_so_the_app_refuses_a_foreign_one(
    topology: Cluster,
) -> None:
    """The app checks ``Host`` (PLAYGROUND_ALLOWED_HOSTS, the loopback names by default): a name
    it allows reaches it through nginx unchanged (were nginx to send its upstream's name,
    ``playground``, every request would be refused), and a foreign one (a DNS-rebinding page's)
    gets the app's 400, over HTTP and for a live stream."""
    url = topology.nginx.url
    session_id = new_session(url)
    allowed = httpx.get(f"{url}/api/sessions/{session_id}", headers={"Host": "localhost"})
    assert allowed.status_code == 200, allowed.text
    foreign = httpx.get(f"{url}/api/sessions/{session_id}", headers={"Host": "rebind.example"})
    assert foreign.status_code == 400
    assert "rebind.example" in body(foreign)["message"]
    with socket.create_connection(("127.0.0.1", topology.nginx.port)) as sock:
        ws_url = f"ws://rebind.example:{topology.nginx.port}/api/sessions/{session_id}/live"
        with pytest.raises(InvalidStatus) as refused:
            connect(ws_url, sock=sock)
    assert refused.value.response.status_code == 400
    assert "rebind.example" in refused.value.response.body.decode()  # the app's answer, not nginx's
