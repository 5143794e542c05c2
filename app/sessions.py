"""Training sessions: one trainer each, behind a lock, in a store capped by least-recent use.

``SessionStore`` is the in-memory store, the embedded default; ``app.redis_store`` the one shared
by many processes. Both have the API of ``app.store.Store``.

Every use of a session's trainer (REST or live stream) holds the session's ``asyncio.Lock``, so
requests and streams on one session take turns and no step is lost or taken twice. Long runs of
steps go to a worker thread (the lock stays held), so the event loop keeps serving other sessions.
"""

from __future__ import annotations

import asyncio
import secrets
from collections import OrderedDict
from dataclasses import replace
from typing import Self

from anyio import to_thread

from app.datasets import DatasetRegistry
from core import Dataset, StepRecord, Trainer, TrainerConfig

DEFAULT_SESSION_ID = "default"  # the session of /api/step, /api/reset and /api/state
ID_BYTES = 24  # 192 random bits per id, 32 URL-safe characters
# runs up to this long stay on the event loop: short enough not to hold up other requests, and
# spared a worker thread's hop
INLINE_STEPS = 64


class SessionNotFoundError(LookupError):
    """No session has this id: it never existed, was deleted, or was evicted."""

    def __init__(self, session_id: str) -> None:
        shown = session_id if len(session_id) <= 64 else session_id[:64] + "…"
        super().__init__(
            f"session {shown!r} not found: it never existed, was deleted, or was evicted "
            "(the least recently used idle session goes when the server is full); create a new one"
        )


class SessionLimitError(RuntimeError):
    """The store is full and every session in it is in use."""


class Session:
    """A trainer, its current config (the learning rate may change), and who is using it."""

    def __init__(
        self,
        session_id: str,
        config: TrainerConfig,
        trainer: Trainer | None = None,
        dataset: Dataset | None = None,
    ) -> None:
        """A fresh trainer for ``config`` (on ``dataset``, an uploaded set it names), or
        ``trainer`` going on where it is (one restored from a snapshot: ``config`` then holds
        its current learning rate)."""
        self.id = session_id
        self.config = config
        self.trainer = trainer if trainer is not None else Trainer(config, dataset=dataset)
        self.lock = asyncio.Lock()
        self.streams = 0  # live streams connected to it
        self.closed = False  # deleted or evicted: nobody may use it any more
        # counts the changes of its state (steps, reset, learning rate, a weight set by hand):
        # what a store compares to know whether the copy it keeps is behind
        self.version = 0

    @classmethod
    def of_trainer(cls, session_id: str, trainer: Trainer) -> Self:
        """A session going on with ``trainer``; its config holds the current learning rate, as
        ``set_learning_rate`` keeps it."""
        config = replace(trainer.config, learning_rate=trainer.learning_rate)
        return cls(session_id, config, trainer)

    @property
    def idle(self) -> bool:
        """Whether nothing uses the session now: no live stream, no request holding it."""
        return self.streams == 0 and not self.lock.locked()

    async def run(self, n: int) -> StepRecord:
        """Takes ``n`` steps and returns the record of the last one (the caller holds the lock).

        Raises ``core.DivergedError`` if the net has already diverged.
        """
        assert self.lock.locked(), "hold the session's lock to train it"
        record: StepRecord | None
        if n == 1:
            record = self.trainer.step()  # run(1) with less overhead
        elif n <= INLINE_STEPS:
            record = self.trainer.run(n)
        else:
            record = await to_thread.run_sync(self.trainer.run, n)
        self.version += 1
        assert record is not None  # n >= 1 steps always leave a record
        return record

    def reset(self, config: TrainerConfig, dataset: Dataset | None = None) -> None:
        """Starts over with ``config`` (on ``dataset``, an uploaded set it names): new weights
        from its seed, step 0, empty history."""
        self.config, self.trainer = config, Trainer(config, dataset=dataset)
        self.version += 1

    def set_learning_rate(self, learning_rate: float) -> None:
        """Changes the learning rate from the next step on, without resetting anything."""
        self.trainer.learning_rate = learning_rate
        self.config = replace(self.config, learning_rate=self.trainer.learning_rate)
        self.version += 1

    def set_weight(self, layer: int, row: int, column: int, value: float) -> None:
        """Sets one weight by hand (``Trainer.set_weight``: ``ConfigError`` naming a bad index or
        value), from the next step on."""
        self.trainer.set_weight(layer, row, column, value)
        self.version += 1


class SessionStore:
    """The sessions by id, least recently used first, at most ``max_sessions`` besides the
    default session (which always exists and is never evicted), and the uploaded data sets
    they train on (``datasets``: a set stays while a session uses it)."""

    def __init__(self, max_sessions: int, datasets: DatasetRegistry | None = None) -> None:
        if max_sessions < 1:
            raise ValueError(f"max_sessions={max_sessions!r}: must be at least 1")
        self.max_sessions = max_sessions
        self.datasets = datasets if datasets is not None else DatasetRegistry(max_sessions + 1)
        self.datasets.in_use = self.dataset_names
        self.default = Session(DEFAULT_SESSION_ID, TrainerConfig())
        self._sessions: OrderedDict[str, Session] = OrderedDict()

    def dataset_names(self) -> set[str]:
        """The names of the data sets the sessions train on now."""
        return {session.trainer.dataset.name for session in self.sessions()}

    def __len__(self) -> int:
        return len(self._sessions)

    async def start(self) -> None:
        """Nothing to connect to (``Store``'s)."""

    async def close(self) -> None:
        """Nothing to disconnect (``Store``'s)."""

    async def create(self, config: TrainerConfig) -> Session:
        """A new session with an unguessable id, evicting the least recently used idle session
        when full; ``SessionLimitError`` when every session is in use, ``core.ConfigError`` when
        ``config`` names an uploaded set that is not here."""
        dataset = self.datasets.dataset_for(config)
        return self._add(Session(new_session_id(), config, dataset=dataset))

    async def restore(self, trainer: Trainer, session_id: str | None = None) -> Session:
        """``restore_now`` (``Store``'s)."""
        return self.restore_now(trainer, session_id)

    def restore_now(self, trainer: Trainer, session_id: str | None = None) -> Session:
        """A session going on with ``trainer``, with a new unguessable id or ``session_id`` (a
        saved session's, or ``default``: the default session's trainer is replaced), as the most
        recently used; evicts as ``create`` does. An uploaded set the trainer carries is kept
        in ``datasets`` (``DatasetLimitError`` if there is no room for it)."""
        if trainer.dataset.source is not None:
            self.datasets.put(trainer.dataset)
        if session_id == DEFAULT_SESSION_ID:
            self.default = Session.of_trainer(DEFAULT_SESSION_ID, trainer)
            return self.default
        session = Session.of_trainer(session_id or new_session_id(), trainer)
        if (old := self._sessions.pop(session.id, None)) is not None:
            old.closed = True
        return self._add(session)

    def sessions(self) -> list[Session]:
        """Every session, the default one first, then least recently used first."""
        return [self.default, *self._sessions.values()]

    def _add(self, session: Session) -> Session:
        if len(self._sessions) >= self.max_sessions:
            self._evict_one()
        self._sessions[session.id] = session
        return session

    def get(self, session_id: str) -> Session:
        """The session, now the most recently used; ``SessionNotFoundError`` if there is none."""
        if session_id == DEFAULT_SESSION_ID:
            return self.default
        session = self._sessions.get(session_id)
        if session is None:
            raise SessionNotFoundError(session_id)
        self._sessions.move_to_end(session_id)
        return session

    async def open(self, session_id: str) -> Session:
        """The session, for a live stream to follow (``get``)."""
        return self.get(session_id)

    async def delete(self, session_id: str) -> None:
        """Removes the session; a live stream on it is closed at its next frame or command."""
        if session_id == DEFAULT_SESSION_ID:
            raise ValueError("the default session always exists; reset it instead")
        session = self._sessions.pop(session_id, None)
        if session is None:
            raise SessionNotFoundError(session_id)
        session.closed = True

    def use(self, session_id: str, *, deferred: bool = False) -> SessionInUse:
        """The session, locked for the caller's exclusive use: ``async with store.use(id) as
        session``. ``SessionNotFoundError`` if there is none, or if it is deleted or evicted while
        the caller waits for the lock. (``deferred``: ``Store``'s; in memory, nothing to defer.)"""
        return SessionInUse(self.get(session_id))

    async def write_back(self, session_id: str) -> None:
        """``Store``'s: in memory, nothing is ever behind."""

    def read(self, session_id: str) -> SessionInUse:
        """The session, locked for a use that changes nothing (in memory: ``use``)."""
        return SessionInUse(self.get(session_id))

    async def put_dataset(self, dataset: Dataset) -> Dataset:
        """``datasets.put`` (``Store``'s)."""
        return self.datasets.put(dataset)

    async def get_dataset(self, name: str) -> Dataset:
        """``datasets.get`` (``Store``'s)."""
        return self.datasets.get(name)

    async def dataset_for(self, config: TrainerConfig) -> Dataset | None:
        """``datasets.dataset_for`` (``Store``'s)."""
        return self.datasets.dataset_for(config)

    def held_dataset(self, name: str) -> Dataset | None:
        """``datasets.held`` (``Store``'s: a lookup a worker thread may make)."""
        return self.datasets.held(name)

    def _evict_one(self) -> None:
        for session in self._sessions.values():  # least recently used first
            if session.idle:
                del self._sessions[session.id]
                session.closed = True
                return
        raise SessionLimitError(
            f"the server holds its maximum of {self.max_sessions} sessions and all are in use; "
            "delete one or try again later"
        )


class SessionInUse:
    """``store.use``'s context: holds the session's lock from entry to exit (a plain class: an
    ``asynccontextmanager``'s generator is a measurable share of a one-step request, see
    docs/benchmarks.md)."""

    __slots__ = ("session",)

    def __init__(self, session: Session) -> None:
        self.session = session

    async def __aenter__(self) -> Session:
        session = self.session
        await session.lock.acquire()
        if session.closed:  # deleted or evicted while waiting for the lock
            session.lock.release()
            raise SessionNotFoundError(session.id)
        return session

    async def __aexit__(self, *exc_info: object) -> None:
        self.session.lock.release()


def new_session_id() -> str:
    return secrets.token_urlsafe(ID_BYTES)
