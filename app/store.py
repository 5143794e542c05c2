"""The store seam: where sessions (and uploaded data sets) live, as the routes and the live
stream see it.

Two implementations: ``app.sessions.SessionStore``, in this process's memory (the embedded
default), and ``app.redis_store.RedisStore``, in Redis, shared by any number of processes
(``PLAYGROUND_REDIS_URL``). ``use`` is for what may change a session (a step, a reset): with
Redis it holds the session's lease and writes the change back before the caller answers (a
live stream's ``deferred`` changes at least once a second, see ``Store.use``);
``read`` is for what only looks at it, and writes nothing.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Protocol

from app.datasets import DatasetRegistry
from app.sessions import Session, SessionStore
from app.settings import Settings
from core import Dataset, Trainer, TrainerConfig


class StoreUnavailableError(RuntimeError):
    """The shared store (Redis) does not answer: nothing was changed by the request."""


class SessionBusyError(RuntimeError):
    """Another process held the session for longer than the bounded wait for it."""


class Store(Protocol):
    """Sessions by id, at most ``max_sessions`` besides the default one (which always exists),
    the least recently used idle one evicted when full; and the uploaded data sets."""

    max_sessions: int

    async def start(self) -> None:
        """Connects (the app's start): the default session exists afterwards."""

    async def close(self) -> None:
        """Disconnects (the app's shutdown)."""

    async def create(self, config: TrainerConfig) -> Session:
        """A new session (``SessionLimitError`` when full and all in use, ``ConfigError`` for an
        uploaded set that is not here)."""

    async def restore(self, trainer: Trainer, session_id: str | None = None) -> Session:
        """A session going on with ``trainer``, under a new id or ``session_id``."""

    async def open(self, session_id: str) -> Session:
        """The session for a live stream to follow (``SessionNotFoundError``)."""

    def use(
        self, session_id: str, *, deferred: bool = False
    ) -> AbstractAsyncContextManager[Session]:
        """The session, held for a change: ``async with store.use(id) as session``. The change
        is in the store when the block ends, unless ``deferred`` (a live stream's frames): then
        it may stay in this process for up to ``stream_write_interval`` seconds (sooner if
        another process wants the session), or until ``write_back``."""

    async def write_back(self, session_id: str) -> None:
        """Writes the deferred changes of ``session_id`` now and lets the session go (a live
        stream that pauses or closes); nothing if there are none."""

    def read(self, session_id: str) -> AbstractAsyncContextManager[Session]:
        """The session, held for a look that changes nothing."""

    async def delete(self, session_id: str) -> None:
        """Ends the session (``ValueError`` for the default one)."""

    async def put_dataset(self, dataset: Dataset) -> Dataset:
        """Keeps an uploaded set (``DatasetLimitError`` when full and all in use)."""

    async def get_dataset(self, name: str) -> Dataset:
        """An uploaded set (``DatasetNotFoundError``)."""

    async def dataset_for(self, config: TrainerConfig) -> Dataset | None:
        """The uploaded set ``config`` trains on, or ``None`` for a built-in one."""

    def held_dataset(self, name: str) -> Dataset | None:
        """An uploaded set held in this process, or ``None`` (a lookup, for a worker thread)."""


def create_store(settings: Settings) -> Store:
    """The store ``settings`` ask for: Redis at ``redis_url``, else this process's memory."""
    if settings.redis_url is None:
        return SessionStore(settings.max_sessions, DatasetRegistry(settings.max_datasets))
    from app.redis_store import RedisStore  # the client library only where it is used

    return RedisStore(settings)
