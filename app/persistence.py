"""Sessions that survive a restart, even a crash: their snapshots in an SQLite file, written by
checkpoints (``app.checkpoint``) while the server runs and once more on a graceful shutdown, and
restored on start.

The file is ``sessions.sqlite3`` in the ``data_dir`` setting, readable by its owner only (a
session's id is the key to it), in WAL journal mode. One table, ``sessions``: ``id``,
``position`` (the default session ``-1``, then the others least recently used first) and
``snapshot`` (the document of ``GET /api/sessions/{id}/snapshot``, as JSON text). A checkpoint
is one transaction: it upserts the rows of the sessions that changed, renumbers the positions if
the order of use changed, and deletes the rows of sessions deleted or evicted since, so the file
holds one whole checkpoint or the one before, whenever the process stops. Starting reads the rows
back, with the same ids, steps, weights and order of use; a row that cannot be restored (a
damaged snapshot, one of a format this version does not read, a data set that no longer exists)
is skipped with a warning, and a file that is not a database is moved aside: the server always
starts.

The window of a crash (no graceful shutdown, e.g. SIGKILL): a session comes back as of the last
checkpoint, so it misses what it did after it, at most about one ``checkpoint_interval``
(default 1 s) of training plus the time a checkpoint takes; a session busy for a whole interval
(a long run of steps in a worker thread) is written at the first checkpoint after it is free.
A graceful shutdown loses nothing: its final checkpoint waits for busy sessions (up to
``shutdown_timeout``). Each write reaches the operating system before the checkpoint is counted
done (``synchronous=NORMAL``): a killed process loses nothing written, a power cut may lose the
last checkpoints.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from app.datasets import DatasetLimitError
from app.sessions import DEFAULT_SESSION_ID, SessionStore
from app.snapshots import restore_trainer
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
UPSERT = """
INSERT INTO sessions (id, position, snapshot) VALUES (?, ?, ?)
ON CONFLICT (id) DO UPDATE SET position = excluded.position, snapshot = excluded.snapshot
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
            # WAL: a reader never waits for a checkpoint, and a write is one append to the log;
            # NORMAL is safe against a killed process in WAL mode (see the module docstring)
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            yield connection
        finally:
            connection.close()

    def write(
        self, rows: list[tuple[str, int, str]], positions: list[tuple[int, str]], ids: list[str]
    ) -> None:
        """One checkpoint, in one transaction: ``rows`` (id, position, snapshot JSON) upserted,
        ``positions`` (position, id) set, and every row whose id is not in ``ids`` deleted."""
        with self._connect() as connection, connection:  # one transaction
            connection.execute(SCHEMA)
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            connection.executemany(UPSERT, rows)
            connection.executemany("UPDATE sessions SET position = ? WHERE id = ?", positions)
            connection.execute(
                "DELETE FROM sessions WHERE id NOT IN (SELECT value FROM json_each(?))",
                (orjson.dumps(ids).decode(),),
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


def _document(text: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as e:
        raise SnapshotError("", f"not JSON: {e}") from None


def _short(session_id: str) -> str:
    """Enough of an id to tell sessions apart in a log, not enough to use one."""
    return session_id if session_id == DEFAULT_SESSION_ID else session_id[:6] + "…"
