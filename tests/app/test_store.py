"""The store seam's contract, run against both stores: in memory, and Redis (a real
``redis-server``, tests/redis_server.py); then what only a shared store does: several processes
(here, several stores or apps on one Redis) serving one session, leases, fencing, Redis down."""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.datasets import DatasetLimitError
from app.main import create_app
from app.redis_store import LeaseLostError, RedisStore
from app.sessions import DEFAULT_SESSION_ID, SessionLimitError, SessionNotFoundError, SessionStore
from app.settings import Settings
from app.store import SessionBusyError, Store, StoreUnavailableError, create_store
from core import Trainer, TrainerConfig
from core.csv_data import read_csv
from tests.app.helpers import assert_serial_run, create_session, weights_of
from tests.redis_server import RedisServer

WAIT = 30.0  # seconds: a guard against hanging, never a measurement
CSV = "a,b,label\n" + "".join(f"{i % 7},{(i * 3) % 5},{'xy'[i % 2]}\n" for i in range(24))


def redis_settings(server: RedisServer, **changes: object) -> Settings:
    return Settings.model_validate(
        {"redis_url": server.url, "max_sessions": 2, "max_datasets": 1} | changes
    )


@pytest.fixture
async def redis_store(redis_server: RedisServer) -> AsyncIterator[RedisStore]:
    async with opened(redis_server) as store:
        yield store


@asynccontextmanager
async def opened(server: RedisServer) -> AsyncIterator[RedisStore]:
    """A Redis store on an emptied ``server``."""
    store = RedisStore(redis_settings(server))
    await store.redis.flushdb()
    await store.start()
    try:
        yield store
    finally:
        await store.close()


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[Store]:
    """Each store, at most 2 sessions besides the default one and 1 uploaded set."""
    if request.param == "memory":
        memory = create_store(Settings(max_sessions=2, max_datasets=1))
        assert isinstance(memory, SessionStore)
        yield memory
    else:
        async with opened(request.getfixturevalue("redis_server")) as redis:
            yield redis


async def steps_of(store: Store, session_id: str) -> int:
    async with store.read(session_id) as session:
        return session.trainer.step_count


# --- the contract: both stores ---


@pytest.mark.anyio
async def test_a_created_session_steps_and_reads_back(store: Store) -> None:
    session = await store.create(TrainerConfig(seed=3))
    async with store.use(session.id) as used:
        await used.run(5)
    assert await steps_of(store, session.id) == 5
    reference = Trainer(TrainerConfig(seed=3))
    reference.run(5)
    async with store.read(session.id) as read:
        assert weights_of(read.trainer) == weights_of(reference)


@pytest.mark.anyio
async def test_reset_starts_over(store: Store) -> None:
    session = await store.create(TrainerConfig())
    async with store.use(session.id) as used:
        await used.run(3)
        used.reset(TrainerConfig(seed=9))
    async with store.read(session.id) as read:
        assert read.trainer.step_count == 0
        assert weights_of(read.trainer) == weights_of(Trainer(TrainerConfig(seed=9)))


@pytest.mark.anyio
async def test_a_deleted_session_is_not_found(store: Store) -> None:
    session = await store.create(TrainerConfig())
    await store.delete(session.id)
    with pytest.raises(SessionNotFoundError):
        async with store.use(session.id):
            pass
    with pytest.raises(SessionNotFoundError):
        await store.delete(session.id)
    with pytest.raises(ValueError, match="reset it instead"):
        await store.delete(DEFAULT_SESSION_ID)


@pytest.mark.anyio
async def test_the_least_recently_used_idle_session_is_evicted(store: Store) -> None:
    a = await store.create(TrainerConfig())
    b = await store.create(TrainerConfig())
    async with store.use(a.id):  # a is now the more recently used
        pass
    c = await store.create(TrainerConfig())
    with pytest.raises(SessionNotFoundError):
        await store.open(b.id)
    for kept in (a, c):
        assert (await store.open(kept.id)).id == kept.id
    assert await steps_of(store, DEFAULT_SESSION_ID) == 0  # outside the cap


@pytest.mark.anyio
async def test_sessions_in_use_are_not_evicted(store: Store) -> None:
    a = await store.create(TrainerConfig())
    b = await store.create(TrainerConfig())
    async with store.use(a.id), store.use(b.id):
        with pytest.raises(SessionLimitError, match="maximum of 2 sessions"):
            await store.create(TrainerConfig())
    await store.create(TrainerConfig())  # now one of them goes


@pytest.mark.anyio
async def test_a_restored_trainer_goes_on_under_its_id(store: Store) -> None:
    trainer = Trainer(TrainerConfig(seed=4))
    trainer.run(7)
    session = await store.restore(trainer, "saved-id")
    async with store.use(session.id) as used:
        await used.run(1)
    reference = Trainer(TrainerConfig(seed=4))
    reference.run(8)
    async with store.read("saved-id") as read:
        assert read.trainer.step_count == 8
        assert weights_of(read.trainer) == weights_of(reference)


@pytest.mark.anyio
async def test_uploaded_sets_are_kept_capped_and_kept_while_used(store: Store) -> None:
    first = read_csv(CSV)
    second = read_csv(CSV + "1,1,x\n")
    await store.put_dataset(first)
    assert (await store.get_dataset(first.name)).name == first.name
    session = await store.create(TrainerConfig(dataset=first.name))
    with pytest.raises(DatasetLimitError):
        await store.put_dataset(second)  # the only slot is used by a session
    await store.delete(session.id)
    await store.put_dataset(second)  # evicts the first, now unused
    assert await store.dataset_for(TrainerConfig(dataset=second.name)) is not None


# --- Redis only: many processes on one session ---


@pytest.mark.anyio
async def test_two_stores_stepping_alternately_make_a_serial_run(
    redis_store: RedisStore, redis_server: RedisServer
) -> None:
    other = RedisStore(redis_settings(redis_server))
    try:
        session = await redis_store.create(TrainerConfig(hidden=(3,), seed=5))
        for i in range(20):
            async with (redis_store, other)[i % 2].use(session.id) as used:
                await used.run(1 + i % 3)
        reference = Trainer(TrainerConfig(hidden=(3,), seed=5))
        reference.run(sum(1 + i % 3 for i in range(20)))
        for each in (redis_store, other):
            async with each.read(session.id) as read:
                assert read.trainer.step_count == reference.step_count
                assert weights_of(read.trainer) == weights_of(reference)
                assert read.trainer.history.curves == reference.history.curves
    finally:
        await other.close()


@pytest.mark.anyio
async def test_a_held_session_is_waited_for_then_busy(
    redis_store: RedisStore, redis_server: RedisServer
) -> None:
    impatient = RedisStore(redis_settings(redis_server, lease_wait=0))
    session = await redis_store.create(TrainerConfig())
    try:
        async with redis_store.use(session.id):
            with pytest.raises(SessionBusyError, match="held by another process"):
                async with impatient.use(session.id):
                    pass
            # a look needs no lease
            assert await steps_of(impatient, session.id) == 0
        async with impatient.use(session.id) as used:  # released: taken at once
            await used.run(1)
    finally:
        await impatient.close()


@pytest.mark.anyio
async def test_an_expired_lease_is_taken_over_and_the_stalled_holder_fenced_off(
    redis_store: RedisStore, redis_server: RedisServer
) -> None:
    stalling = RedisStore(redis_settings(redis_server, lease_ttl=0.05, stream_write_interval=0.01))
    session = await redis_store.create(TrainerConfig())
    held = stalling.use(session.id)
    stalled = await held.__aenter__()
    # it stalls: never started, it renews nothing either
    await stalled.run(4)  # not yet written
    async with redis_store.use(session.id) as used:  # waits for the lease to expire
        await used.run(2)
    with pytest.raises(LeaseLostError):
        await held.__aexit__(None, None, None)
    async with stalling.read(session.id) as read:  # reloaded: the newer state
        assert read.trainer.step_count == 2
    await stalling.close()


@pytest.mark.anyio
async def test_a_newer_version_is_reloaded_and_an_unchanged_one_kept(
    redis_store: RedisStore, redis_server: RedisServer
) -> None:
    other = RedisStore(redis_settings(redis_server))
    session = await redis_store.create(TrainerConfig())
    async with other.read(session.id) as seen:
        kept = seen.trainer
    async with other.read(session.id) as seen:
        assert seen.trainer is kept  # same version: nothing loaded
    async with redis_store.use(session.id) as used:
        used.set_learning_rate(0.3)
    async with other.read(session.id) as seen:
        assert seen.trainer is not kept
        assert seen.trainer.learning_rate == 0.3
    await other.close()


class HandClock:
    """Time that moves only when the test moves it (the deferred writes' interval)."""

    def __init__(self) -> None:
        self.time = 0.0
        self._moved = asyncio.Event()

    def now(self) -> float:
        return self.time

    async def wait(self, future: asyncio.Future[Any], timeout: float | None) -> bool:
        deadline = math.inf if timeout is None else self.time + timeout
        while not future.done() and self.time < deadline:
            moved = asyncio.ensure_future(self._moved.wait())
            await asyncio.wait({future, moved}, return_when=asyncio.FIRST_COMPLETED)
            moved.cancel()
        return future.done()

    def move(self, seconds: float) -> None:
        self.time += seconds
        self._moved.set()
        self._moved = asyncio.Event()


async def eventually(condition: Callable[[], Awaitable[bool]]) -> None:
    """Returns once ``condition()`` holds (a guard against hanging, not a measurement)."""
    async with asyncio.timeout(WAIT):
        while not await condition():
            await asyncio.sleep(0.005)


@asynccontextmanager
async def streaming_store(server: RedisServer, **changes: object) -> AsyncIterator[RedisStore]:
    """A started store on ``server`` (not emptied) whose deferred writes follow a hand clock."""
    store = RedisStore(redis_settings(server, **changes), clock=HandClock())
    await store.start()
    try:
        yield store
    finally:
        await store.close()


@pytest.mark.anyio
async def test_a_streams_steps_are_written_back_once_the_interval_has_passed(
    redis_store: RedisStore, redis_server: RedisServer
) -> None:
    session = await redis_store.create(TrainerConfig())
    async with streaming_store(redis_server) as streaming:
        clock = streaming.clock
        assert isinstance(clock, HandClock)
        for _ in range(3):  # three frames
            async with streaming.use(session.id, deferred=True) as used:
                await used.run(2)
            clock.move(0.25)
        assert await steps_of(streaming, session.id) == 6  # here at once
        assert await steps_of(redis_store, session.id) == 0  # in Redis not yet
        clock.move(0.25)  # a second after the first frame's steps

        async def written() -> bool:
            return await steps_of(redis_store, session.id) == 6

        await eventually(written)


@pytest.mark.anyio
async def test_a_stream_writes_back_at_once_when_another_process_wants_the_session(
    redis_store: RedisStore, redis_server: RedisServer
) -> None:
    """The stream's process hears the want (its interval here an hour, longer than the other's
    wait for the lease): the other process takes the session with the stream's steps."""
    changes = {"lease_ttl": 7200, "stream_write_interval": 3600}
    session = await redis_store.create(TrainerConfig(seed=4))
    async with streaming_store(redis_server, **changes) as streaming:
        async with streaming.use(session.id, deferred=True) as used:
            await used.run(5)
        other = RedisStore(redis_settings(redis_server, **changes, lease_wait=60))
        try:
            async with other.use(session.id) as taken:
                assert taken.trainer.step_count == 5
                await taken.run(1)
            async with streaming.use(session.id, deferred=True) as used:  # the turn back
                assert used.trainer.step_count == 6
                await used.run(1)
        finally:
            await other.close()
    reference = Trainer(TrainerConfig(seed=4))
    reference.run(7)  # written back when the stream's store closed
    async with redis_store.read(session.id) as read:
        assert weights_of(read.trainer) == weights_of(reference)


@pytest.mark.anyio
async def test_write_back_writes_a_streams_steps_and_lets_the_session_go(
    redis_store: RedisStore, redis_server: RedisServer
) -> None:
    session = await redis_store.create(TrainerConfig())
    async with streaming_store(redis_server) as streaming:
        async with streaming.use(session.id, deferred=True) as used:
            await used.run(3)
        assert await redis_store.redis.get(redis_store._key("l", session.id)) is not None
        await streaming.write_back(session.id)  # a pause
        assert await steps_of(redis_store, session.id) == 3
        assert await redis_store.redis.get(redis_store._key("l", session.id)) is None
        await streaming.write_back(session.id)  # nothing left: nothing to do


@pytest.mark.anyio
async def test_a_rest_step_after_a_streams_writes_them_too(
    redis_store: RedisStore, redis_server: RedisServer
) -> None:
    session = await redis_store.create(TrainerConfig())
    async with streaming_store(redis_server) as streaming:
        async with streaming.use(session.id, deferred=True) as used:
            await used.run(3)
        async with streaming.use(session.id) as used:  # answered once in Redis: all 4
            await used.run(1)
        assert await steps_of(redis_store, session.id) == 4


def test_the_stream_write_interval_is_shorter_than_the_lease() -> None:
    with pytest.raises(ValueError, match="stream_write_interval=5: must be shorter than lease_tt"):
        Settings(stream_write_interval=5, lease_ttl=5)


@pytest.mark.anyio
async def test_redis_down_is_a_clear_error_and_service_resumes(tmp_path: Path) -> None:
    server = RedisServer(tmp_path / "redis")
    server.start()
    store = RedisStore(redis_settings(server, redis_timeout=2))
    try:
        await store.start()
        session = await store.create(TrainerConfig())
        server.stop(save=True)
        with pytest.raises(StoreUnavailableError, match=f"Redis at 127.0.0.1:{server.port}"):
            async with store.use(session.id) as used:
                await used.run(1)
        with pytest.raises(StoreUnavailableError):
            await store.create(TrainerConfig())
        server.start()
        async with store.use(session.id) as used:
            await used.run(1)
        assert await steps_of(store, session.id) == 1
    finally:
        await store.close()
        server.stop()


# --- two apps on one Redis, through HTTP ---


def test_two_apps_on_one_redis_serve_one_session_as_a_serial_run(
    redis_server: RedisServer, settings: Settings
) -> None:
    shared = settings.model_copy(update={"redis_url": redis_server.url, "redis_prefix": "two:"})
    with TestClient(create_app(shared)) as first, TestClient(create_app(shared)) as second:
        session_id = create_session(first, hidden=[2], seed=8)
        for i in range(10):
            client = (first, second)[i % 2]
            response = client.post(f"/api/sessions/{session_id}/step", json={"n": i + 1})
            assert response.status_code == 200, response.text
        state = second.get(f"/api/sessions/{session_id}").json()
        assert_serial_run(state, TrainerConfig(hidden=(2,), seed=8), 55)
        for path in ("gradient-check", "exercise"):  # the last step, recomputed elsewhere
            mine = first.get(f"/api/sessions/{session_id}/{path}")
            assert mine.status_code == 200, mine.text
            assert mine.json() == second.get(f"/api/sessions/{session_id}/{path}").json()
        for client in (first, second):  # the default session is the cluster's
            assert client.post("/api/step").status_code == 200
        assert first.get("/api/state").json()["step"] == 2


def test_an_app_answers_503_naming_the_store_while_redis_is_down(
    tmp_path: Path, settings: Settings
) -> None:
    server = RedisServer(tmp_path / "redis")
    server.start()
    try:
        with TestClient(create_app(settings.model_copy(update={"redis_url": server.url}))) as c:
            session_id = create_session(c)
            server.stop(save=True)
            response = c.post(f"/api/sessions/{session_id}/step")
            assert response.status_code == 503
            assert "session store (Redis at" in response.json()["detail"]
            server.start()
            assert c.post(f"/api/sessions/{session_id}/step").json()["step"] == 1
    finally:
        server.stop()


def test_the_store_setting_picks_the_store(redis_server: RedisServer) -> None:
    assert isinstance(create_store(Settings()), SessionStore)
    assert isinstance(create_store(Settings(redis_url=redis_server.url)), RedisStore)


def test_a_live_stream_and_rest_through_two_apps_take_turns_on_one_session(
    redis_server: RedisServer, settings: Settings
) -> None:
    shared = settings.model_copy(update={"redis_url": redis_server.url, "redis_prefix": "live:"})
    with TestClient(create_app(shared)) as first, TestClient(create_app(shared)) as second:
        session_id = create_session(first, seed=6)
        with first.websocket_connect(f"/api/sessions/{session_id}/live") as live:
            assert live.receive_json()["type"] == "status"
            for _ in range(5):
                live.send_json({"type": "step", "n": 3})
                frame = live.receive_json()
                assert frame["type"] == "frame", frame
                response = second.post(f"/api/sessions/{session_id}/step", json={"n": 2})
                assert response.status_code == 200, response.text
            assert frame["step"] == 23  # the stream's 3 after REST's 2, four times over
        state = first.get(f"/api/sessions/{session_id}").json()
        assert_serial_run(state, TrainerConfig(seed=6), 25)


def test_a_paused_live_stream_has_written_its_steps_back_and_let_the_session_go(
    redis_server: RedisServer, settings: Settings
) -> None:
    """Its interval here a minute: only the pause can have written the steps back."""
    shared = settings.model_copy(
        update={
            "redis_url": redis_server.url,
            "redis_prefix": "pause:",
            "lease_ttl": 120.0,
            "stream_write_interval": 60.0,
            "lease_wait": 0.0,  # the other app's step below: 503 if the lease were kept
        }
    )
    with TestClient(create_app(shared)) as first, TestClient(create_app(shared)) as second:
        session_id = create_session(first, seed=2)
        with first.websocket_connect(f"/api/sessions/{session_id}/live") as live:
            assert live.receive_json()["type"] == "status"
            live.send_json({"type": "step", "n": 4})
            assert live.receive_json()["step"] == 4
            live.send_json({"type": "pause"})
            assert live.receive_json()["state"] == "paused"
            assert second.get(f"/api/sessions/{session_id}").json()["step"] == 4
            response = second.post(f"/api/sessions/{session_id}/step", json={"n": 1})
            assert response.status_code == 200, response.text
            assert response.json()["step"] == 5


def test_a_live_stream_says_when_redis_is_down_and_goes_on_when_it_is_back(
    tmp_path: Path, settings: Settings
) -> None:
    """A stream's commands while Redis is down get an error naming the store (not a 1011 close);
    the stream stays open and steps again once Redis is back; a stream opened meanwhile is
    closed with 1013, try again later."""
    server = RedisServer(tmp_path / "redis")
    server.start()
    try:
        with TestClient(create_app(settings.model_copy(update={"redis_url": server.url}))) as c:
            session_id = create_session(c)
            with c.websocket_connect(f"/api/sessions/{session_id}/live") as live:
                assert live.receive_json()["type"] == "status"
                server.stop(save=True)
                live.send_json({"type": "step", "n": 2})
                error = live.receive_json()
                assert error["type"] == "error"
                assert "session store (Redis at" in error["message"]
                live.send_json({"type": "set_learning_rate", "learning_rate": 0.2})
                assert live.receive_json()["type"] == "error"
                url = f"/api/sessions/{session_id}/live"
                with pytest.raises(WebSocketDisconnect) as closed, c.websocket_connect(url) as ws:
                    ws.receive_json()
                assert closed.value.code == 1013
                assert "Redis" in closed.value.reason
                server.start()
                live.send_json({"type": "step", "n": 2})
                frame = live.receive_json()
                assert (frame["type"], frame["step"]) == ("frame", 2)  # nothing was taken before
    finally:
        server.stop()
