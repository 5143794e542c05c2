"""The session store: unguessable ids, a cap, eviction of the least recently used idle session."""

from __future__ import annotations

import asyncio

import pytest
from fastapi.testclient import TestClient

from app.sessions import DEFAULT_SESSION_ID, SessionLimitError, SessionNotFoundError, SessionStore
from core import TrainerConfig
from tests.app.helpers import body, create_session


@pytest.mark.anyio
async def test_the_least_recently_used_idle_session_is_evicted_first() -> None:
    store = SessionStore(max_sessions=3)
    a, b, c = [await store.create(TrainerConfig()) for _ in range(3)]
    store.get(a.id)  # a is now the most recently used: b is the least
    d = await store.create(TrainerConfig())
    assert len(store) == 3
    assert b.closed
    with pytest.raises(SessionNotFoundError):
        store.get(b.id)
    for session in (a, c, d):
        assert store.get(session.id) is session


@pytest.mark.anyio
async def test_sessions_in_use_are_not_evicted() -> None:
    store = SessionStore(max_sessions=2)
    streamed, locked = await store.create(TrainerConfig()), await store.create(TrainerConfig())
    streamed.streams = 1  # a live stream is connected
    async with locked.lock:  # a request is using it
        with pytest.raises(SessionLimitError, match="maximum of 2 sessions"):
            await store.create(TrainerConfig())
    fresh = await store.create(TrainerConfig())  # now `locked` is idle and goes
    assert locked.closed
    assert not streamed.closed
    assert store.get(fresh.id) is fresh


@pytest.mark.anyio
async def test_use_refuses_a_session_deleted_while_waiting_for_its_lock() -> None:
    store = SessionStore(max_sessions=2)
    session = await store.create(TrainerConfig())
    async with session.lock:
        await store.delete(session.id)
    with pytest.raises(SessionNotFoundError):
        async with store.use(session.id):
            pass


@pytest.mark.anyio
async def test_a_caller_waiting_for_a_session_deleted_meanwhile_gets_not_found() -> None:
    store = SessionStore(max_sessions=2)
    session = await store.create(TrainerConfig())
    entered = False

    async def wait_and_use() -> None:
        nonlocal entered
        async with store.use(session.id):
            entered = True

    await session.lock.acquire()  # another request holds it
    waiter = asyncio.create_task(wait_and_use())
    await asyncio.sleep(0)  # the waiter is now queued on the lock
    assert not waiter.done()
    await store.delete(session.id)
    session.lock.release()
    with pytest.raises(SessionNotFoundError, match=session.id):
        await waiter
    assert not entered
    assert not session.lock.locked()  # the refused caller let go of the lock


@pytest.mark.anyio
async def test_use_lets_go_of_the_lock_when_its_body_raises() -> None:
    store = SessionStore(max_sessions=2)
    session = await store.create(TrainerConfig())
    held = []

    async def fail_while_using() -> None:
        async with store.use(session.id) as used:
            held.append((used, session.lock.locked()))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await fail_while_using()
    assert held == [(session, True)]
    assert not session.lock.locked()


@pytest.mark.anyio
async def test_the_default_session_is_outside_the_cap() -> None:
    store = SessionStore(max_sessions=1)
    assert store.get(DEFAULT_SESSION_ID) is store.default
    await store.create(TrainerConfig())
    assert len(store) == 1
    with pytest.raises(ValueError, match="reset it instead"):
        await store.delete(DEFAULT_SESSION_ID)


def test_max_sessions_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_sessions=0"):
        SessionStore(max_sessions=0)


def test_an_evicted_session_answers_404(client: TestClient) -> None:
    oldest = create_session(client)
    kept = create_session(client)
    for _ in range(7):  # max_sessions is 8 in these tests
        create_session(client)
        client.get(f"/api/sessions/{kept}")  # reading a session keeps it recent
    response = client.get(f"/api/sessions/{oldest}")
    assert response.status_code == 404
    assert "evicted" in body(response)["detail"]
    assert client.get(f"/api/sessions/{kept}").status_code == 200


def test_creating_a_session_when_all_are_streaming_answers_503(client: TestClient) -> None:
    ids = [create_session(client) for _ in range(8)]
    streams = [client.websocket_connect(f"/api/sessions/{i}/live") for i in ids]
    try:
        for ws in streams:
            ws.__enter__().receive_text()
        response = client.post("/api/sessions")
        assert response.status_code == 503
        assert "all are in use" in body(response)["detail"]
        assert response.headers["retry-after"] == "10"
    finally:
        for ws in streams:
            ws.__exit__(None, None, None)


@pytest.mark.anyio
async def test_every_change_of_a_session_counts_in_its_version_and_a_read_does_not() -> None:
    store = SessionStore(max_sessions=2)
    session = await store.create(TrainerConfig())
    versions = [session.version]
    async with store.use(session.id) as used:
        await used.run(1)
        versions.append(used.version)
        await used.run(100)  # a worker thread's run counts once, as one change
        versions.append(used.version)
        used.set_learning_rate(0.2)
        versions.append(used.version)
        used.set_weight(0, 0, 0, 0.25)
        versions.append(used.version)
        used.reset(TrainerConfig())
        versions.append(used.version)
        assert used.trainer.weights  # reading changes nothing
        used.trainer.set_errors()
        versions.append(used.version)
    assert versions == [0, 1, 2, 3, 4, 5, 5]
