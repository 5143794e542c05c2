"""Sessions that survive a restart: their snapshots in an SQLite file, saved on a graceful
shutdown and restored on start.

The file is ``sessions.sqlite3`` in the ``data_dir`` setting, readable by its owner only (a
session's id is the key to it). One table, ``sessions``: ``id``, ``position`` (the default
session ``-1``, then the others least recently used first) and ``snapshot`` (the document of
``GET /api/sessions/{id}/snapshot``, as JSON text). A save replaces every row in one transaction,
so the file holds one whole save or the one before. Starting reads the rows back, with the same
ids, steps, weights and order of use; a row that cannot be restored (a damaged snapshot, one of a
format this version does not read, a data set that no longer exists) is skipped with a warning,
and a file that is not a database is moved aside: the server always starts.

A crash (no graceful shutdown, e.g. SIGKILL) saves nothing: the next start finds the sessions of
the last graceful shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from anyio import to_thread

from app.datasets import DatasetLimitError
from app.sessions import DEFAULT_SESSION_ID, SessionStore
from app.snapshots import restore_trainer, snapshot_of
from core import Dataset, Trainer
from core.csv_data import CsvLimits
from core.snapshot import SnapshotError

FILE_NAME = "sessions.sqlite3"
SCHEMA_VERSION = 1  # PRAGMA user_version of the file
SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    snapshot TEXT NOT NULL
)
"""

log = logging.getLogger("uvicorn.error.persistence")  # shown with uvicorn's own messages


class SessionArchive:
    """The SQLite file the sessions are saved in."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def in_directory(cls, data_dir: Path) -> SessionArchive | None:
        """The archive in ``data_dir`` (created, owner-only, if missing); ``None`` (logged) if the
        directory cannot be made."""
        try:
            data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as e:
            log.error("sessions will not be saved: cannot make %s (%s)", data_dir, e)
            return None
        return cls(data_dir / FILE_NAME)

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        if not self.path.exists():  # created owner-only: ids in it are keys to sessions
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        connection = sqlite3.connect(self.path, timeout=10)
        try:
            yield connection
        finally:
            connection.close()

    def save(self, rows: list[tuple[str, int, str]]) -> None:
        """Replaces the saved sessions with ``rows`` (id, position, snapshot JSON), at once."""
        with self._connect() as connection, connection:  # one transaction
            connection.execute(SCHEMA)
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            connection.execute("DELETE FROM sessions")
            connection.executemany(
                "INSERT INTO sessions (id, position, snapshot) VALUES (?, ?, ?)", rows
            )

    def load(self) -> list[tuple[str, str]]:
        """The saved (id, snapshot JSON) rows in ``position`` order; none if there is no file,
        and none (logged, the file moved aside) if it is not a database this version reads."""
        if not self.path.exists():
            return []
        try:
            with self._connect() as connection:
                (version,) = connection.execute("PRAGMA user_version").fetchone()
                if version not in (0, SCHEMA_VERSION):
                    raise sqlite3.DatabaseError(f"schema version {version}, not {SCHEMA_VERSION}")
                connection.execute(SCHEMA)
                query = "SELECT id, snapshot FROM sessions ORDER BY position"
                return [(str(i), str(s)) for i, s in connection.execute(query)]
        except sqlite3.DatabaseError as e:
            aside = self.path.with_name(f"{self.path.name}.unreadable-{int(time.time())}")
            log.error("saved sessions not restored: %s: %s; moved to %s", self.path, e, aside)
            with contextlib.suppress(OSError):
                self.path.rename(aside)
            return []


def load_trainers(
    archive: SessionArchive, max_sessions: int, limits: CsvLimits | None = None
) -> list[tuple[str, Trainer]]:
    """The saved sessions' trainers by id, in order, skipping (with a warning) those that
    cannot be restored, and the least recently used beyond ``max_sessions`` (besides the
    default session). An uploaded set a snapshot carries is read (within ``limits``) once for
    all the sessions on it. Runs in a worker thread at start: each session takes a restore's
    time."""
    rows = archive.load()
    others = [row for row in rows if row[0] != DEFAULT_SESSION_ID]
    if len(others) > max_sessions:
        log.warning(
            "%d saved sessions, %d allowed: the %d least recently used are dropped",
            len(others),
            max_sessions,
            len(others) - max_sessions,
        )
        dropped = {session_id for session_id, _ in others[: len(others) - max_sessions]}
        rows = [row for row in rows if row[0] not in dropped]
    trainers = []
    uploaded: dict[str, Dataset] = {}
    for session_id, text in rows:
        try:
            trainer = restore_trainer(_document(text), limits, uploaded.get)
            trainers.append((session_id, trainer))
            if trainer.dataset.source is not None:
                uploaded[trainer.dataset.name] = trainer.dataset
        except SnapshotError as e:
            log.warning("saved session %s skipped: snapshot %s", _short(session_id), e)
    return trainers


def restore_sessions(store: SessionStore, trainers: list[tuple[str, Trainer]]) -> None:
    """Puts the restored trainers into the store, under their ids, in their order of use
    (skipping, with a warning, those whose uploaded set finds no room)."""
    restored = 0
    for session_id, trainer in trainers:
        try:
            store.restore_now(trainer, session_id)
        except DatasetLimitError as e:
            log.warning("saved session %s skipped: %s", _short(session_id), e)
            continue
        restored += 1
    log.info("restored %d saved sessions", restored)


async def save_sessions(store: SessionStore, archive: SessionArchive, timeout: float) -> None:
    """Saves every session, each snapshot taken holding its session's lock (a run of steps in
    progress finishes first; sessions still busy ``timeout`` seconds after the start are left
    out)."""
    rows = []
    deadline = time.monotonic() + timeout  # for all the sessions together
    for position, session in enumerate(store.sessions(), start=-1):
        if not await _acquire(session.lock, deadline):
            log.warning("session %s not saved: still busy", _short(session.id))
            continue
        try:
            document = snapshot_of(session)
        finally:
            session.lock.release()
        rows.append((session.id, position, orjson.dumps(document).decode()))
    try:
        await to_thread.run_sync(archive.save, rows)
    except (OSError, sqlite3.Error) as e:
        log.error("sessions not saved to %s: %s", archive.path, e)
        return
    log.info("saved %d sessions to %s", len(rows), archive.path)


async def _acquire(lock: asyncio.Lock, deadline: float) -> bool:
    """Takes ``lock``: at once if it is free, else waiting until ``deadline`` at most."""
    if not lock.locked():
        await lock.acquire()  # does not wait
        return True
    try:
        await asyncio.wait_for(lock.acquire(), max(0.0, deadline - time.monotonic()))
    except TimeoutError:
        return False
    return True


def _document(text: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as e:
        raise SnapshotError("", f"not JSON: {e}") from None


def _short(session_id: str) -> str:
    """Enough of an id to tell sessions apart in a log, not enough to use one."""
    return session_id if session_id == DEFAULT_SESSION_ID else session_id[:6] + "…"
