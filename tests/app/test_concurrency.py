"""Concurrent requests through httpx's ASGI transport: one session's requests take turns (no step
lost or taken twice), and a long run does not hold up other sessions."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import anyio
import httpx
import pytest
from fastapi import FastAPI

from core import Trainer, TrainerConfig
from tests.app.helpers import body, weights_of

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(60)]


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://playground") as client:
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


async def test_a_long_run_does_not_hold_up_other_sessions(http: httpx.AsyncClient) -> None:
    busy = body(await http.post("/api/sessions"))["id"]
    other = body(await http.post("/api/sessions"))["id"]
    finished: dict[str, float] = {}

    async def long_run() -> None:
        response = await http.post(f"/api/sessions/{busy}/step", json={"n": 100_000})
        assert response.status_code == 200
        finished["long"] = time.monotonic()

    async def quick_reads() -> None:
        await anyio.sleep(0.05)  # the long run has started
        for _ in range(5):
            assert (await http.post(f"/api/sessions/{other}/step")).status_code == 200
            assert (await http.get("/healthz")).status_code == 200
        finished["quick"] = time.monotonic()

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(long_run)
        tasks.start_soon(quick_reads)
    assert finished["quick"] < finished["long"]
