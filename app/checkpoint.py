"""Checkpoints: the sessions that changed, written to their ``SessionArchive`` every so often,
so a crash loses at most about one interval of training (``app.persistence`` says the window).

A checkpoint looks at the sessions in their order of use and takes, on the event loop, a copy of
the state of each one that changed since it was last written (``Session.version``, compared per
``Session`` object: a restored session is a new object under an old id). The copy is cheap; the
snapshot documents, their JSON and the SQLite transaction are made in a worker thread, so the
event loop goes on serving meanwhile. A session in use (its lock held: a run of steps, a live
stream's step) is left for the next checkpoint, except in the final one of a graceful shutdown,
which waits for it. It needs only the sessions in order of use (``store.sessions``): deletions
and evictions are the ids that are gone from that list.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass

import orjson
from anyio import to_thread

from app.persistence import SessionArchive
from app.sessions import Session
from core import Dataset
from core.snapshot import snapshot_document
from core.state import TrainerState

log = logging.getLogger("uvicorn.error.persistence")  # shown with uvicorn's own messages


@dataclass(frozen=True)
class Checkpoint:
    """What one checkpoint did: ``written`` sessions upserted, ``busy`` ones left for later (in
    use), ``kept`` sessions in the file after it; ``ok`` is false if the write failed (the file
    then holds the checkpoint before)."""

    written: int
    busy: int
    kept: int
    ok: bool = True


class Checkpointer:
    """Writes the changed sessions of ``sessions()`` (the default session first, then least
    recently used first) to ``archive``: ``checkpoint()`` once, ``run()`` every ``interval``
    seconds until cancelled. One checkpoint at a time."""

    def __init__(
        self, archive: SessionArchive, sessions: Callable[[], list[Session]], interval: float
    ) -> None:
        self.archive = archive
        self.sessions = sessions
        self.interval = interval
        self._saved: dict[str, tuple[Session, int]] = {}  # id: the object and version written
        self._order: list[str] | None = None  # the ids in the file, in order; None: not known
        self._failing = False

    def adopt(self) -> None:
        """Takes the sessions there are now as written as they are: call it right after they
        were restored from the archive, so the first checkpoint does not write them again (rows
        of the file that were not restored are deleted by it)."""
        self._saved = {session.id: (session, session.version) for session in self.sessions()}

    async def checkpoint(self, wait: float = 0.0) -> Checkpoint:
        """Writes the sessions that changed since they were last written, renumbers the order of
        use if it changed, and deletes the rows of sessions that are gone, in one transaction (in
        a worker thread). A session in use is waited for up to ``wait`` seconds in all (0: left
        for the next checkpoint)."""
        sessions = self.sessions()
        ids = [session.id for session in sessions]
        deadline = time.monotonic() + wait
        changed: list[tuple[Session, int]] = []  # each with the version its copy is of
        rows: list[tuple[str, int, TrainerState, Dataset]] = []
        busy = 0
        for position, session in enumerate(sessions, start=-1):
            if self._saved.get(session.id) == (session, session.version):
                continue
            if not await _acquire(session.lock, deadline):
                busy += 1
                continue
            try:  # the copy is taken holding the lock, so no step is half in it
                trainer = session.trainer
                rows.append((session.id, position, trainer.state(), trainer.dataset))
                changed.append((session, session.version))
            finally:
                session.lock.release()
        written = {session.id for session, _ in changed}
        in_file = [i for i in ids if i in self._saved or i in written]  # busy new ones are not
        if not rows and in_file == self._order:
            return Checkpoint(0, busy, len(in_file))
        positions = [] if in_file == self._order else list(enumerate(ids, start=-1))
        try:
            await to_thread.run_sync(self._write, rows, positions, ids)
        except (OSError, sqlite3.Error) as e:
            if not self._failing:
                log.error(
                    "checkpoint to %s failed: %s (tried again each interval)", self.archive.path, e
                )
            self._failing = True
            return Checkpoint(0, busy, len(self._order or ()), ok=False)
        if self._failing:
            log.info("checkpoints to %s written again", self.archive.path)
        self._failing = False
        alive = set(ids)
        self._saved = {i: saved for i, saved in self._saved.items() if i in alive}
        self._saved.update((session.id, (session, version)) for session, version in changed)
        self._order = in_file
        return Checkpoint(len(rows), busy, len(in_file))

    def _write(
        self,
        rows: list[tuple[str, int, TrainerState, Dataset]],
        positions: list[tuple[int, str]],
        ids: list[str],
    ) -> None:
        documents = [
            (session_id, position, orjson.dumps(snapshot_document(state, dataset)).decode())
            for session_id, position, state, dataset in rows
        ]
        self.archive.write(documents, positions, ids)

    async def run(self) -> None:
        """Checkpoints every ``interval`` seconds (from the start of one to the start of the
        next, or at once if one took longer), until cancelled."""
        loop = asyncio.get_running_loop()
        while True:
            started = loop.time()
            try:
                await self.checkpoint()
            except Exception:  # a bug must not end the checkpoints of a running server
                log.exception("checkpoint failed")
            await asyncio.sleep(max(0.0, started + self.interval - loop.time()))


async def _acquire(lock: asyncio.Lock, deadline: float) -> bool:
    """Takes ``lock``: at once if it is free, else waiting until ``deadline`` at most."""
    if not lock.locked():
        await lock.acquire()  # does not wait
        return True
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        return False
    try:
        await asyncio.wait_for(lock.acquire(), remaining)
    except TimeoutError:
        return False
    return True
