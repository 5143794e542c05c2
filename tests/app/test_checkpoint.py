"""Checkpoints: the changed sessions written (and only they), the gone ones removed, the order of
use kept, each one a single transaction a crash cannot tear; and a real server killed with
SIGKILL comes back with every session as of its last checkpoint."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from app.checkpoint import Checkpointer
from app.persistence import FILE_NAME, SessionArchive
from app.sessions import Session, SessionStore
from app.snapshots import restore_trainer
from core import Trainer, TrainerConfig
from core.snapshot import take_snapshot
from tests.app.helpers import body, server_process, weights_of
from tests.servers import free_port
from tests.waiting import wait_until

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parents[2]


def _rows(path: Path) -> dict[str, dict[str, Any]]:
    """The file's snapshots by id, read as another process would (never creating the file)."""
    if not path.exists():
        return {}
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        query = "SELECT id, snapshot FROM sessions ORDER BY position"
        return {str(i): orjson.loads(s) for i, s in connection.execute(query)}
    except sqlite3.OperationalError:  # no table yet
        return {}
    finally:
        connection.close()


async def _step(store: SessionStore, session: Session, n: int) -> None:
    async with store.use(session.id) as used:
        await used.run(n)


@pytest.fixture
def archive(tmp_path: Path) -> SessionArchive:
    return SessionArchive(tmp_path / FILE_NAME)


async def test_only_the_changed_sessions_are_written(archive: SessionArchive) -> None:
    store = SessionStore(4)
    first, second = (
        await store.create(TrainerConfig(seed=1)),
        await store.create(TrainerConfig(seed=2)),
    )
    checkpointer = Checkpointer(archive, store.sessions, 1.0)
    assert (await checkpointer.checkpoint()).written == 3  # the default session too
    before = _rows(archive.path)
    await _step(store, second, 25)
    done = await checkpointer.checkpoint()
    assert (done.written, done.kept) == (1, 3)
    after = _rows(archive.path)
    assert after[second.id] == take_snapshot(second.trainer)
    assert after[second.id]["step"] == 25
    assert after[first.id] == before[first.id]
    assert after["default"] == before["default"]
    assert (await checkpointer.checkpoint()).written == 0  # nothing changed: nothing written
    store.get(first.id)  # a read: no new state, but first is now the most recently used
    assert (await checkpointer.checkpoint()).written == 0
    assert list(_rows(archive.path)) == ["default", second.id, first.id]
    assert [i for i, _ in archive.load()] == ["default", second.id, first.id]


async def test_deleted_and_evicted_sessions_are_removed(archive: SessionArchive) -> None:
    store = SessionStore(2)
    first = await store.create(TrainerConfig())
    await store.create(TrainerConfig())
    checkpointer = Checkpointer(archive, store.sessions, 1.0)
    await checkpointer.checkpoint()
    await store.delete(first.id)
    third = await store.create(TrainerConfig())
    fourth = await store.create(
        TrainerConfig()
    )  # full: the second, the least recently used, is evicted
    done = await checkpointer.checkpoint()
    assert (done.written, done.kept) == (2, 3)
    assert list(_rows(archive.path)) == ["default", third.id, fourth.id]


async def test_a_session_restored_under_its_id_is_written_again(archive: SessionArchive) -> None:
    store = SessionStore(2)
    session = await store.create(TrainerConfig(seed=3))
    checkpointer = Checkpointer(archive, store.sessions, 1.0)
    await checkpointer.checkpoint()
    other = Trainer(TrainerConfig(seed=9))
    other.run(40)
    replaced = await store.restore(other, session.id)  # a new Session object, its version 0 again
    assert replaced.version == session.version == 0
    assert (await checkpointer.checkpoint()).written == 1
    assert _rows(archive.path)[session.id] == take_snapshot(other)


async def test_a_busy_session_is_left_for_the_next_checkpoint(archive: SessionArchive) -> None:
    store = SessionStore(2)
    session = await store.create(TrainerConfig())
    checkpointer = Checkpointer(archive, store.sessions, 1.0)
    async with store.use(session.id) as used:
        await used.run(5)
        done = await checkpointer.checkpoint()  # in the middle of a request
    assert (done.written, done.busy) == (1, 1)
    assert session.id not in _rows(archive.path)
    assert (await checkpointer.checkpoint()).written == 1
    assert _rows(archive.path)[session.id]["step"] == 5


async def test_a_session_deleted_while_the_final_checkpoint_waits_is_not_saved(
    archive: SessionArchive,
) -> None:
    store = SessionStore(2)
    session = await store.create(TrainerConfig())
    checkpointer = Checkpointer(archive, store.sessions, 1.0)
    await checkpointer.checkpoint()
    await _step(store, session, 3)  # changed since
    await session.lock.acquire()  # a request under way, which deletes it before it ends
    final = asyncio.create_task(checkpointer.checkpoint(wait=60))
    while not session.lock._waiters:  # until the checkpoint waits for the lock
        assert not final.done()
        await asyncio.sleep(0)
    await store.delete(session.id)
    session.lock.release()
    assert (await final).kept == 1
    assert list(_rows(archive.path)) == ["default"]


async def test_adopted_sessions_are_not_rewritten_and_stale_rows_go(
    archive: SessionArchive,
) -> None:
    store = SessionStore(4)
    kept, dropped = (
        await store.create(TrainerConfig(seed=1)),
        await store.create(TrainerConfig(seed=2)),
    )
    await Checkpointer(archive, store.sessions, 1.0).checkpoint()
    restarted = SessionStore(4)  # as the lifespan does: restore, then adopt
    for session_id, text in archive.load():
        if session_id != dropped.id:  # say its row could not be restored
            restarted.restore_now(restore_trainer(orjson.loads(text)), session_id)
    checkpointer = Checkpointer(archive, restarted.sessions, 1.0)
    checkpointer.adopt()
    done = await checkpointer.checkpoint()
    assert (done.written, done.kept) == (0, 2)
    assert list(_rows(archive.path)) == ["default", kept.id]


async def test_the_file_is_wal_and_owner_only(archive: SessionArchive) -> None:
    store = SessionStore(2)
    await Checkpointer(archive, store.sessions, 1.0).checkpoint()
    with sqlite3.connect(archive.path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    connection.close()
    for path in archive.path.parent.iterdir():  # the log and its index too
        assert path.stat().st_mode & 0o077 == 0, path


# a checkpoint killed half way: the process exits (no cleanup, as on SIGKILL) when SQLite starts
# the first statement after the upserts, whose rows are large enough to be in the log already
CRASH = """
import os, sqlite3, sys
from pathlib import Path
from app.persistence import SessionArchive

connect = sqlite3.connect
def crashing(*args, **kwargs):
    connection = connect(*args, **kwargs)
    def trace(statement):
        if statement.lstrip().upper().startswith("UPDATE"):
            os._exit(9)
    connection.set_trace_callback(trace)
    return connection
sqlite3.connect = crashing
rows = [(sys.argv[2], 0, '"' + "x" * 4_000_000 + '"'), ("new", 1, "{}")]
SessionArchive(Path(sys.argv[1])).write(rows, [(5, sys.argv[2])], [sys.argv[2], "new"])
"""


async def test_a_crash_in_the_middle_of_a_checkpoint_leaves_the_one_before(
    archive: SessionArchive,
) -> None:
    store = SessionStore(2)
    session = await store.create(TrainerConfig(seed=4))
    await _step(store, session, 30)
    await Checkpointer(archive, store.sessions, 1.0).checkpoint()
    before = _rows(archive.path)
    crashed = subprocess.run(
        [sys.executable, "-c", CRASH, str(archive.path), session.id], cwd=ROOT, check=False
    )
    assert crashed.returncode == 9
    assert _rows(archive.path) == before
    assert [i for i, _ in archive.load()] == ["default", session.id]


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_a_killed_server_comes_back_as_of_its_last_checkpoint(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    path = tmp_path / FILE_NAME
    env = {"DATA_DIR": str(tmp_path), "CHECKPOINT_INTERVAL": "0.2"}
    configs = [
        {"dataset": "iris", "hidden": [4], "seed": 1},
        {"dataset": "xor", "hidden": [3], "sampling": "epoch", "seed": 2},
        {"dataset": "spiral", "hidden": [6, 6], "seed": 3},
    ]

    def snapshot(session_id: str) -> dict[str, Any]:
        document: dict[str, Any] = body(httpx.get(f"{base}/api/sessions/{session_id}/snapshot"))
        return document

    with server_process(port, **env) as process:
        ids = [body(httpx.post(f"{base}/api/sessions", json=c))["id"] for c in configs]
        for n, session_id in enumerate(ids, start=1):
            httpx.post(f"{base}/api/sessions/{session_id}/step", json={"n": 300 * n}, timeout=30)
        httpx.post(f"{base}/api/step", json={"n": 7})
        answered = {i: snapshot(i) for i in [*ids, "default"]}
        steps = {i: d["step"] for i, d in answered.items()}
        wait_until(
            lambda: {i: d["step"] for i, d in _rows(path).items()} == steps,
            "the checkpoints never caught up",
            guard=60,
            every=0.05,
        )
        # steps answered right before the kill: some checkpointed, the last ones maybe not
        busy = ids[0]
        by_step = {answered[busy]["step"]: answered[busy]}
        for _ in range(30):
            httpx.post(f"{base}/api/sessions/{busy}/step", json={"n": 3})
            latest = snapshot(busy)
            by_step[latest["step"]] = latest
        process.kill()  # SIGKILL: no shutdown, no final save
        process.wait()
    in_file = _rows(path)  # what the last checkpoint holds
    with server_process(port, **env):
        restored = {i: snapshot(i) for i in [*ids, "default"]}
    assert not [p for p in tmp_path.iterdir() if ".unreadable-" in p.name]  # never a corrupt file
    assert restored == in_file
    for session_id in [*ids[1:], "default"]:  # not stepped since they were checkpointed
        assert restored[session_id] == answered[session_id]
    step = restored[busy]["step"]
    assert restored[busy] == by_step[step]  # exactly the state answered at that step
    missed = latest["step"] - step  # the answered steps the last checkpoint did not see
    assert 0 <= missed <= 90
    trainer = Trainer(TrainerConfig(dataset="iris", hidden=(4,), seed=1))
    trainer.run(step)
    assert restored[busy]["weights"] == weights_of(trainer)
