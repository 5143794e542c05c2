"""Concurrent requests: one session's requests and live stream take turns (no step lost or taken
twice), through httpx's ASGI transport and on a real server with 50 clients; a long run does not
hold up other sessions."""

from __future__ import annotations

import json
import threading
from collections.abc import AsyncIterator
from typing import Any

import anyio
import httpx
import pytest
import websockets
from fastapi import FastAPI

from core import Sampling, Trainer, TrainerConfig
from tests.app.helpers import body, server_process, strict_json, weights_of
from tests.servers import free_port

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(60)]
HOLD_TIMEOUT_S = 30  # only a deadlock waits this long


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        yield client


async def test_concurrent_steps_on_one_session_add_up_exactly(http: httpx.AsyncClient) -> None:
    session_id = body(await http.post("/api/sessions", json={"seed": 6}))["id"]
    sizes = [1, 500, 3, 2000, 1, 70, 64, 65, 1000, 7] * 2
    steps_seen: list[int] = []

    async def step(n: int) -> None:
        response = await http.post(f"/api/sessions/{session_id}/step", json={"n": n})
        assert response.status_code == 200
        steps_seen.append(body(response)["step"])

    async with anyio.create_task_group() as tasks:
        for n in sizes:
            tasks.start_soon(step, n)
    state = body(await http.get(f"/api/sessions/{session_id}"))
    assert state["step"] == sum(sizes) == max(steps_seen)
    assert len(set(steps_seen)) == len(sizes)  # each request saw its own steps added
    trainer = Trainer(TrainerConfig(seed=6))
    trainer.run(sum(sizes), record_last=False)
    assert [layer["weights"] for layer in state["layers"]] == weights_of(trainer)


async def test_a_long_run_does_not_hold_up_other_sessions(
    http: httpx.AsyncClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The long run's worker thread is held until the other session's requests have been
    answered: they complete while the long run holds its session. Were the run on the event loop,
    nothing would be answered until the hold timed out, and the run would fail."""
    busy = body(await http.post("/api/sessions"))["id"]
    other = body(await http.post("/api/sessions"))["id"]
    trainer = app.state.store.get(busy).trainer
    running, release = threading.Event(), threading.Event()
    run = trainer.run

    def held_run(n: int, **options: Any) -> Any:
        running.set()
        assert release.wait(HOLD_TIMEOUT_S), "the other requests were not answered meanwhile"
        return run(n, **options)

    monkeypatch.setattr(trainer, "run", held_run)
    answers: list[int] = []

    async def long_run() -> None:
        response = await http.post(f"/api/sessions/{busy}/step", json={"n": 100_000})
        assert response.status_code == 200
        answers.append(body(response)["step"])

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(long_run)
        assert await anyio.to_thread.run_sync(running.wait, HOLD_TIMEOUT_S)  # it holds the lock
        for n in range(1, 6):
            response = await http.post(f"/api/sessions/{other}/step")
            assert response.status_code == 200
            assert body(response)["step"] == n
            assert (await http.get("/healthz")).status_code == 200
        assert answers == []  # all of that while the long run was still going
        assert app.state.store.get(busy).lock.locked()
        release.set()
    assert answers == [100_000]


CLIENTS = 50
SIZES = [1, 7, 65, 1, 200, 2]  # inline, and in a worker thread (> 64)
STREAM_SPEED = 2_000  # steps per second while the REST clients step


@pytest.mark.slow
@pytest.mark.timeout(300)  # a guard against a deadlock: a loaded machine takes minutes
async def test_fifty_clients_and_a_live_stream_on_one_session_lose_and_repeat_no_step() -> None:
    """A real server (``python -m app``): 50 REST clients, each on its own connection, step one
    session while a live stream plays on it. The step count is the REST steps plus the stream's
    frames' steps; the history has every point once; the weights and curves are those of the
    same number of steps run serially by the engine."""
    config = {"dataset": "spiral", "hidden": [6], "sampling": "epoch", "seed": 17}
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    frames: list[dict[str, Any]] = []
    seen: list[int] = []
    with server_process(port, PERSIST="false", LOG_LEVEL="warning"):
        async with httpx.AsyncClient(base_url=url) as setup:
            session_id = body(await setup.post("/api/sessions", json=config))["id"]
        ws_url = url.replace("http", "ws") + f"/api/sessions/{session_id}/live"
        async with websockets.connect(ws_url) as ws:
            assert strict_json(await ws.recv())["type"] == "status"
            await ws.send(json.dumps({"type": "play", "steps_per_second": STREAM_SPEED}))
            assert strict_json(await ws.recv())["state"] == "playing"

            async def read_frames() -> None:
                while (message := strict_json(await ws.recv()))["type"] == "frame":
                    frames.append(message)
                assert message["state"] == "paused"

            async def client() -> None:
                async with httpx.AsyncClient(base_url=url, timeout=60) as http:
                    for n in SIZES:
                        response = await http.post(
                            f"/api/sessions/{session_id}/step", json={"n": n}
                        )
                        assert response.status_code == 200
                        seen.append(body(response)["step"])

            async with anyio.create_task_group() as tasks:
                tasks.start_soon(read_frames)
                async with anyio.create_task_group() as clients:
                    for _ in range(CLIENTS):
                        clients.start_soon(client)
                await ws.send(json.dumps({"type": "pause"}))
        async with httpx.AsyncClient(base_url=url) as http:
            state = body(await http.get(f"/api/sessions/{session_id}"))
            snapshot = body(await http.get(f"/api/sessions/{session_id}/snapshot"))
    rest_steps = CLIENTS * sum(SIZES)
    stream_steps = sum(frame["steps"] for frame in frames)
    assert len(seen) == CLIENTS * len(SIZES)
    assert len(set(seen)) == len(seen)  # each request saw its own steps added
    assert stream_steps > 0
    assert state["step"] == rest_steps + stream_steps
    frame_steps = [frame["step"] for frame in frames]
    assert frame_steps == sorted(set(frame_steps))  # the stream's frames only go forward

    history = snapshot["history"]
    interval = history["interval"]
    for name in ("train", "validation", "test"):
        steps = history[name]["step"]
        assert steps == list(range(0, state["step"] + 1, interval))  # each point once, none missing
    trainer = Trainer(
        TrainerConfig(dataset="spiral", hidden=(6,), sampling=Sampling.EPOCH, seed=17)
    )
    trainer.run(state["step"], record_last=False)
    assert [layer["weights"] for layer in state["layers"]] == weights_of(trainer)
    curves = trainer.history.curves
    assert all(history[name]["step"] == curves[name].step for name in curves)
    assert all(history[name]["error"] == curves[name].error for name in curves)
    print(  # the figures for docs/hardening.md (shown with -s)
        f"\n{CLIENTS} clients x {len(SIZES)} requests: {rest_steps} REST steps, "
        f"{len(frames)} frames with {stream_steps} stream steps, final step {state['step']}"
    )
