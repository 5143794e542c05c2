"""Sessions and uploaded sets in Redis, shared by any number of processes on any machines.

Each process keeps the sessions it serves in memory and reloads one only when Redis holds a
newer version. A live stream's steps (a ``deferred`` use) are written back at most once every
``stream_write_interval`` (the first change since the last write starts the wait), at once when
another process wants the session, and when the stream pauses or closes (``write_back``): a
stream at 100 steps/s costs Redis one write a second, not one a frame.

A change (a step, a reset) is made by one process at a time: it holds the session's lease, a
Redis key with an expiry, renewed while held; another process waits for it (``lease_wait`` at
most, then ``SessionBusyError``) and takes over once it is released or has expired. Every write
is fenced: one Lua script checks that the writer still holds the lease, writes the compact
state, bumps the version and releases the lease, in one round trip, so a stalled ex-holder
cannot overwrite newer state and no answer is sent before its state is in Redis.

Keys, under the ``redis_prefix`` setting:

- ``s:{id}``: a hash: ``v`` the version, ``state`` the compact state (``app.state_codec``),
  ``dataset`` the name of the set it trains on;
- ``h:{id}``: its learning curves, a list of points, appended to (rewritten when thinned);
- ``l:{id}``: its lease: the holder's token (its process, a count), with an expiry; ``w:{id}``
  set while another process waits for it, which also publishes the id on the holder process's
  channel ``want:{process}``;
- ``lru``: a sorted set of the session ids (not ``default``) by last use (a count of uses,
  ``lru:uses``: no clocks to agree on), for the cluster-wide cap and eviction (the least
  recently used idle one: no lease held);
- ``ds:{name}``: an uploaded set's CSV (``csv``, ``label``, ``task``); ``dsu`` the set names
  by last use; ``du:{name}`` the ids of the sessions training on it (a set in use stays).

Redis unavailable: ``StoreUnavailableError`` (a 503 naming the store), never a hang (bounded
socket timeouts, no retries); the client reconnects by itself when Redis is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import math
import os
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from app import state_codec
from app.clock import MONOTONIC, Clock
from app.datasets import DatasetLimitError, DatasetNotFoundError
from app.group_commit import ScriptPipe
from app.sessions import (
    DEFAULT_SESSION_ID,
    Session,
    SessionLimitError,
    SessionNotFoundError,
    new_session_id,
)
from app.settings import Settings
from app.store import SessionBusyError, StoreUnavailableError
from core import ConfigError, Dataset, Trainer, TrainerConfig
from core.csv_data import CsvSource, is_upload_name, read_csv
from core.datasets import Task

T = TypeVar("T")
LEASE_POLL = (0.001, 0.05)  # seconds between looks at a held lease: first, and at most
LEASE_IDLE = 0.02  # seconds a kept lease outlives the last change, unless wanted sooner
LOCAL_SPARE = 1  # sessions kept in memory beyond the cap (the default one)
LISTEN_RETRY = 0.5  # seconds between tries to listen for wants while Redis is away

# the session's version, and its state when newer than the caller's (and a touch of its use)
PEEK = """
local v = redis.call('HGET', KEYS[1], 'v')
if not v then return {0} end
if ARGV[2] ~= 'default' then
  redis.call('ZADD', KEYS[3], 'XX', redis.call('INCR', KEYS[3] .. ':uses'), ARGV[2])
end
if v == ARGV[1] then return {1, v} end
return {1, v, redis.call('HGET', KEYS[1], 'state'), redis.call('LRANGE', KEYS[2], 0, -1)}
"""
# the lease taken (or renewed, by its holder), with PEEK's answer; or how long another holds
# it, marking it wanted (its holder then lets it go at its next write) and telling the holder's
# process so (on its channel ``want:{process}``: it writes back and lets go at once)
ACQUIRE = """
local v = redis.call('HGET', KEYS[1], 'v')
if not v then return {0} end
local holder = redis.call('GET', KEYS[3])
if holder and holder ~= ARGV[1] then
  redis.call('SET', KEYS[4], 1, 'PX', ARGV[2])
  local process = string.match(holder, '^(.+)-%d+$')
  if process then redis.call('PUBLISH', ARGV[4] .. process, ARGV[5]) end
  return {-1, redis.call('PTTL', KEYS[3])}
end
redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[2])
if v == ARGV[3] then return {1, v} end
return {1, v, redis.call('HGET', KEYS[1], 'state'), redis.call('LRANGE', KEYS[2], 0, -1)}
"""
# the fenced write: -1 the lease is not the writer's, 0 the session is gone, else the version
# and whether the lease was let go (another process wants it) or renewed
WRITE = """
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return -1 end
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local v = redis.call('HINCRBY', KEYS[1], 'v', 1)
redis.call('HSET', KEYS[1], 'state', ARGV[2])
local old = redis.call('HGET', KEYS[1], 'dataset')
if old ~= ARGV[6] then
  if old then redis.call('SREM', ARGV[7] .. 'du:' .. old, ARGV[4]) end
  redis.call('SADD', ARGV[7] .. 'du:' .. ARGV[6], ARGV[4])
  redis.call('HSET', KEYS[1], 'dataset', ARGV[6])
end
if ARGV[3] == 'replace' then redis.call('DEL', KEYS[2]) end
if #ARGV > 7 then redis.call('RPUSH', KEYS[2], unpack(ARGV, 8)) end
if ARGV[4] ~= 'default' then
  redis.call('ZADD', KEYS[4], redis.call('INCR', KEYS[4] .. ':uses'), ARGV[4])
end
if redis.call('DEL', KEYS[5]) == 1 then
  redis.call('DEL', KEYS[3])
  return {v, 1}
end
redis.call('PEXPIRE', KEYS[3], ARGV[5])
return {v, 0}
"""
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1], KEYS[3]) end
if ARGV[2] ~= 'default' then
  redis.call('ZADD', KEYS[2], 'XX', redis.call('INCR', KEYS[2] .. ':uses'), ARGV[2])
end
return 1
"""
RENEW = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])
"""
# a session put under its id (a new one, a restored one, the default one unless it exists:
# ARGV[6] '1'), evicting the least recently used one no process holds when the cap is reached
CREATE = """
local p = ARGV[4]
local exists = redis.call('EXISTS', KEYS[1]) == 1
if exists and ARGV[6] == '1' then return {1, redis.call('HGET', KEYS[1], 'v')} end
if ARGV[1] ~= 'default' and not exists and redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[3]) then
  local evicted = false
  for _, id in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do
    if redis.call('EXISTS', p .. 'l:' .. id) == 0 then
      local ds = redis.call('HGET', p .. 's:' .. id, 'dataset')
      if ds then redis.call('SREM', p .. 'du:' .. ds, id) end
      redis.call('DEL', p .. 's:' .. id, p .. 'h:' .. id)
      redis.call('ZREM', KEYS[3], id)
      evicted = true
      break
    end
  end
  if not evicted then return {-1} end
end
local t = redis.call('TIME')
local v = tonumber(t[1]) * 1000000 + tonumber(t[2])
local old = redis.call('HGET', KEYS[1], 'v')
if old and tonumber(old) >= v then v = tonumber(old) + 1 end
local ds = redis.call('HGET', KEYS[1], 'dataset')
if ds then redis.call('SREM', p .. 'du:' .. ds, ARGV[1]) end
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[1], 'v', v, 'state', ARGV[2], 'dataset', ARGV[5])
redis.call('SADD', p .. 'du:' .. ARGV[5], ARGV[1])
if #ARGV > 6 then redis.call('RPUSH', KEYS[2], unpack(ARGV, 7)) end
if ARGV[1] ~= 'default' then
  redis.call('ZADD', KEYS[3], redis.call('INCR', KEYS[3] .. ':uses'), ARGV[1])
end
return {1, redis.call('HGET', KEYS[1], 'v')}
"""
DELETE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local ds = redis.call('HGET', KEYS[1], 'dataset')
if ds then redis.call('SREM', ARGV[2] .. 'du:' .. ds, ARGV[1]) end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
redis.call('ZREM', KEYS[4], ARGV[1])
return 1
"""
# an uploaded set kept (the least recently used one no session trains on evicted when full)
PUT_DATASET = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[2] .. ':uses'), ARGV[1])
  return 1
end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then
  local evicted = false
  for _, name in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
    if redis.call('SCARD', ARGV[6] .. 'du:' .. name) == 0 then
      redis.call('DEL', ARGV[6] .. 'ds:' .. name)
      redis.call('ZREM', KEYS[2], name)
      evicted = true
      break
    end
  end
  if not evicted then return -1 end
end
redis.call('HSET', KEYS[1], 'csv', ARGV[2], 'label', ARGV[3], 'task', ARGV[4])
redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[2] .. ':uses'), ARGV[1])
return 1
"""
GET_DATASET = """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('ZADD', KEYS[2], 'XX', redis.call('INCR', KEYS[2] .. ':uses'), ARGV[1])
if ARGV[2] == '1' then return {1} end
return redis.call('HMGET', KEYS[1], 'csv', 'label', 'task')
"""


class LeaseLostError(SessionBusyError):
    """The lease expired while this process held the session, and another took it: the change
    was not written (this process reloads the session's newer state next time)."""


class RedisSession(Session):
    """A session as this process holds it: its version in Redis (``None``: unknown, reload),
    how many of its history's points Redis has (at which recording interval), and its lease.

    A process keeps the lease after a change, so that the next request spares a round trip
    (holding it, its copy is the newest: nobody else can have written); it lets it go once
    the session has been idle ``LEASE_IDLE`` seconds, or as soon as another process wants it
    (at once if idle, else at the end of the use). A live stream's changes it keeps a while
    (``behind``: not yet written), holding the lease until they are written."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stored: str | None = None
        self.written_version = self.version  # the (local) version Redis holds
        # deferred changes: the write due at ``stream_write_interval``, sooner once ``wake``
        # is resolved (another process wants the session: ``wanted``)
        self.write_back_task: asyncio.Future[None] | None = None
        self.wake: asyncio.Future[None] | None = None
        self.wanted = False
        self.written = state_codec.HistoryMark(0, 0)
        # the lease this process keeps between requests (None: none), trusted until
        # ``lease_until`` (half its time: never near its expiry), let go once idle
        self.lease: str | None = None
        self.lease_until = 0.0
        self.idle_since = 0.0  # when its last use ended (the event loop's time)
        self.release_task: asyncio.Future[None] | None = None

    @property
    def behind(self) -> bool:
        """Whether it has changes Redis does not hold yet (a live stream's, deferred)."""
        return self.version != self.written_version


class RedisStore:
    """``app.store.Store`` in Redis (``settings.redis_url``)."""

    def __init__(self, settings: Settings, clock: Clock = MONOTONIC) -> None:
        """``clock``: the time of the deferred writes' interval (one moved by hand in tests)."""
        assert settings.redis_url is not None
        self.clock = clock
        self.stream_write_interval = settings.stream_write_interval
        self.max_sessions = settings.max_sessions
        self.max_datasets = settings.max_datasets
        self.csv_limits = settings.csv_limits()
        self.lease_ms = max(1, round(settings.lease_ttl * 1000))
        self.lease_wait = settings.lease_wait
        self.prefix = settings.redis_prefix
        url = urlsplit(settings.redis_url)
        self.where = f"{url.hostname}:{url.port or 6379}"  # never a password in a message
        self.redis = aioredis.Redis.from_url(
            settings.redis_url,
            socket_timeout=settings.redis_timeout,
            socket_connect_timeout=settings.redis_timeout,
            retry=Retry(NoBackoff(), 0),
        )
        self.scripts = ScriptPipe(
            self.redis,
            {
                "peek": PEEK,
                "acquire": ACQUIRE,
                "write": WRITE,
                "release": RELEASE,
                "renew": RENEW,
                "create": CREATE,
                "delete": DELETE,
                "put_dataset": PUT_DATASET,
                "get_dataset": GET_DATASET,
            },
        )
        self._local: OrderedDict[str, RedisSession] = OrderedDict()
        self._datasets: OrderedDict[str, Dataset] = OrderedDict()
        self._tokens = itertools.count()
        self._process = f"{os.getpid()}-{secrets.token_hex(4)}"
        self._listening: asyncio.Task[None] | None = None
        # the sessions whose lease is kept while idle, let go by one timer (not one a use)
        self._kept: set[RedisSession] = set()
        self._sweeping: asyncio.TimerHandle | None = None
        self._renewing: asyncio.TimerHandle | None = None
        self._renewals: set[asyncio.Future[None]] = set()

    def __len__(self) -> int:
        return len(self._local)

    async def start(self) -> None:
        """Puts the default session into Redis unless another process did (no error when Redis
        is down: it is put on its first use then)."""
        self._listening = asyncio.ensure_future(self._listen_for_wants())
        self._renewing = asyncio.get_running_loop().call_later(self.lease_ms / 3000, self._renew)
        with contextlib.suppress(StoreUnavailableError):
            await self._put(RedisSession(DEFAULT_SESSION_ID, TrainerConfig()), if_new=True)

    async def close(self) -> None:
        """Writes back the deferred changes and lets go of the leases this process keeps
        (others need not wait for them to expire), then disconnects."""
        for timer in (self._sweeping, self._renewing):
            if timer is not None:
                timer.cancel()
        if self._listening is not None:
            self._listening.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listening
        for session in list(self._local.values()):
            if session.write_back_task is not None:
                session.write_back_task.cancel()
            if session.lease is not None and session.behind:
                with contextlib.suppress(StoreUnavailableError, SessionBusyError, LookupError):
                    await self._write(session)
            if session.lease is not None:
                keys = [self._key("l", session.id), self._key("lru"), self._key("w", session.id)]
                with contextlib.suppress(StoreUnavailableError):
                    await self._run("release", keys, [session.lease, session.id])
                session.lease = None
        await self.redis.aclose()

    # --- sessions ---

    async def create(self, config: TrainerConfig) -> Session:
        dataset = await self.dataset_for(config)
        return await self._put(RedisSession(new_session_id(), config, dataset=dataset))

    async def restore(self, trainer: Trainer, session_id: str | None = None) -> Session:
        if trainer.dataset.source is not None:
            await self.put_dataset(trainer.dataset)
        session = RedisSession.of_trainer(session_id or new_session_id(), trainer)
        return await self._put(session)

    async def open(self, session_id: str) -> Session:
        async with self.read(session_id) as session:
            return session

    def use(self, session_id: str, *, deferred: bool = False) -> _Held:
        return _Held(self, session_id, change=True, deferred=deferred)

    async def write_back(self, session_id: str) -> None:
        session = self._local.get(session_id)
        if session is not None and session.lease is not None:
            await self._write_back(session, let_go=True)

    def read(self, session_id: str) -> _Held:
        return _Held(self, session_id, change=False, deferred=False)

    async def delete(self, session_id: str) -> None:
        if session_id == DEFAULT_SESSION_ID:
            raise ValueError("the default session always exists; reset it instead")
        keys = [self._key("s", session_id), self._key("h", session_id)]
        keys += [self._key("l", session_id), self._key("lru")]
        found = await self._run("delete", keys, [session_id, self.prefix])
        self._forget(session_id)
        if not found:
            raise SessionNotFoundError(session_id)

    async def _put(self, session: RedisSession, *, if_new: bool = False) -> RedisSession:
        """Writes ``session`` whole under its id (``CREATE``), and keeps it here."""
        trainer = session.trainer
        points = state_codec.history_points(trainer.history, 0)
        args: list[Any] = [
            session.id,
            state_codec.encode(trainer),
            self.max_sessions,
            self.prefix,
            trainer.dataset.name,
            "1" if if_new else "0",
            *points,
        ]
        keys = [self._key("s", session.id), self._key("h", session.id), self._key("lru")]
        answer = await self._run("create", keys, args)
        if answer[0] == -1:
            raise SessionLimitError(
                f"the cluster holds its maximum of {self.max_sessions} sessions and all are in "
                "use; delete one or try again later"
            )
        if if_new:
            return session  # kept nowhere: loaded from Redis on its first use
        session.stored = _text(answer[1])
        session.written = state_codec.mark(trainer.history)
        if (old := self._local.pop(session.id, None)) is not None:
            old.closed = True
        self._keep(session)
        return session

    async def _local_session(self, session_id: str) -> RedisSession:
        """The session as this process holds it, loaded from Redis if it holds none."""
        session = self._local.get(session_id)
        if session is not None:
            self._local.move_to_end(session_id)
            return session
        keys = [self._key("s", session_id), self._key("h", session_id), self._key("lru")]
        answer = await self._run("peek", keys, ["", session_id])
        if answer[0] == 0:
            raise SessionNotFoundError(session_id)
        session = self._local.get(session_id)  # loaded meanwhile by another request
        if session is None:
            trainer = await self._trainer(answer[2], answer[3])
            session = RedisSession.of_trainer(session_id, trainer)
            session.stored = _text(answer[1])
            session.written = state_codec.mark(trainer.history)
            self._keep(session)
        return session

    async def _trainer(self, state: bytes, points: list[bytes]) -> Trainer:
        config, dataset_name = state_codec.config_of(state)
        dataset = await self.dataset_for(config) if is_upload_name(dataset_name) else None
        return state_codec.decode(state, points, dataset)

    async def _refresh(self, session: RedisSession, answer: list[Any]) -> None:
        """Takes Redis's newer state of ``session`` when ``answer`` (PEEK's or ACQUIRE's)
        carries one; ``SessionNotFoundError`` when it is gone."""
        if answer[0] == 0:
            self._forget(session.id)
            raise SessionNotFoundError(session.id)
        if len(answer) > 2:
            trainer = await self._trainer(answer[2], answer[3])
            session.trainer = trainer
            session.config = Session.of_trainer(session.id, trainer).config
            session.written = state_codec.mark(trainer.history)
            session.written_version = session.version  # any deferred change is superseded
        session.stored = _text(answer[1])

    def _keep(self, session: RedisSession) -> None:
        self._local[session.id] = session
        while len(self._local) > self.max_sessions + LOCAL_SPARE:
            for old in self._local.values():  # least recently used first
                if old.idle:
                    del self._local[old.id]  # still in Redis: reloaded when used again
                    break
            else:
                return

    def _forget(self, session_id: str) -> None:
        session = self._local.pop(session_id, None)
        if session is not None:
            session.closed = True

    # --- writes, deferred writes, letting go ---

    async def _write(self, session: RedisSession) -> None:
        """Writes ``session``'s state (fenced: only while its lease is this process's), and
        renews the lease, or lets it go if another process wants it."""
        trainer = session.trainer
        token = session.lease
        assert token is not None, "a change is made holding the lease"
        mode, points = state_codec.history_change(trainer.history, session.written)
        keys = [self._key(kind, session.id) for kind in ("s", "h", "l")]
        keys += [self._key("lru"), self._key("w", session.id)]
        args: list[Any] = [token, state_codec.encode(trainer), mode, session.id]
        args += [self.lease_ms, trainer.dataset.name, self.prefix, *points]
        written_at = time.monotonic()
        version_written = session.version
        try:
            answer = await self._run("write", keys, args)
        except BaseException:  # Redis down, or cancelled: it may or may not be there: reload
            session.stored = session.lease = None
            raise
        if answer == -1:
            session.stored = session.lease = None  # another process's newer state: reload
            raise LeaseLostError(
                f"session {session.id[:8]}…: this server's hold on it expired and another "
                "process took it over; the change was not kept, try again"
            )
        if answer == 0:
            session.lease = None
            self._forget(session.id)
            raise SessionNotFoundError(session.id)
        version, let_go = answer
        session.stored = str(version)
        session.written = state_codec.mark(trainer.history)
        session.written_version = version_written
        if let_go:
            session.lease, session.wanted = None, False
        else:
            session.lease_until = written_at + self.lease_ms / 2000

    async def _release(self, session: RedisSession, token: str) -> None:
        session.lease, session.wanted = None, False
        keys = [self._key("l", session.id), self._key("lru"), self._key("w", session.id)]
        try:
            with contextlib.suppress(StoreUnavailableError):  # it expires by itself
                await self._run("release", keys, [token, session.id])
        finally:
            session.release_task = None

    def _let_go_when_idle(self, session: RedisSession) -> None:
        """Lets the lease go ``LEASE_IDLE`` seconds from now unless used again (never with
        changes Redis does not hold: those are written first)."""
        if session.lease is not None and not session.behind:
            loop = asyncio.get_running_loop()
            session.idle_since = loop.time()
            self._kept.add(session)
            if self._sweeping is None:
                self._sweeping = loop.call_later(LEASE_IDLE, self._sweep)

    def _sweep(self) -> None:
        """Lets go of the leases idle for ``LEASE_IDLE``; again when the next one is due."""
        self._sweeping = None
        loop = asyncio.get_running_loop()
        now, due = loop.time(), math.inf
        for session in list(self._kept):
            if session.lease is None or session.lock.locked() or session.behind:
                self._kept.discard(session)  # let go, or in use (kept again once idle)
            elif now - session.idle_since >= LEASE_IDLE:
                self._kept.discard(session)
                self._let_go(session, session.lease)
            else:
                due = min(due, session.idle_since + LEASE_IDLE)
        if self._kept:
            self._sweeping = loop.call_at(due, self._sweep)

    def _let_go(self, session: RedisSession, token: str) -> None:
        """Lets the lease go in the background: no longer this process's from now on (a use
        starting meanwhile takes it anew, after this release's answer)."""
        session.lease = None
        session.release_task = asyncio.ensure_future(self._release(session, token))

    def _renew(self) -> None:
        """Renews the leases of the sessions in use a third of their time in (a long run of
        steps), and again each third."""
        self._renewing = asyncio.get_running_loop().call_later(self.lease_ms / 3000, self._renew)
        for session in self._local.values():
            if session.lease is not None and session.lock.locked():
                renewal = asyncio.ensure_future(self._renew_lease(session, session.lease))
                self._renewals.add(renewal)
                renewal.add_done_callback(self._renewals.discard)

    async def _renew_lease(self, session: RedisSession, token: str) -> None:
        renewed_at = time.monotonic()
        # Redis down: the write at the end fails and says so; nothing to say here
        with contextlib.suppress(StoreUnavailableError):
            renewed = await self._run("renew", [self._key("l", session.id)], [token, self.lease_ms])
            if renewed and session.lease == token:
                session.lease_until = renewed_at + self.lease_ms / 2000

    def _write_back_soon(self, session: RedisSession) -> None:
        """Schedules the write of ``session``'s deferred changes: ``stream_write_interval``
        after the first of them (sooner if the lease would be past the half of its time), at
        once when another process wants the session."""
        if session.write_back_task is None:
            session.wake = asyncio.get_running_loop().create_future()
            if session.wanted:
                session.wake.set_result(None)
            # and before the lease is past the half of its time (a write renews it)
            margin = max(0.0, session.lease_until - time.monotonic())
            due = self.clock.now() + min(self.stream_write_interval, margin)
            session.write_back_task = asyncio.ensure_future(self._write_back_later(session, due))

    async def _write_back_later(self, session: RedisSession, due: float) -> None:
        assert session.wake is not None
        await self.clock.wait(session.wake, max(0.0, due - self.clock.now()))
        session.write_back_task = session.wake = None  # a change from now on waits anew
        # Redis down, the lease lost, the session gone: the stream's next frame finds out
        with contextlib.suppress(StoreUnavailableError, SessionBusyError, SessionNotFoundError):
            await self._write_back(session, let_go=False)

    async def _write_back(self, session: RedisSession, *, let_go: bool) -> None:
        """Writes ``session``'s deferred changes (if any), then lets the lease go (``let_go``),
        or keeps it until idle."""
        async with session.lock:
            if session.closed or session.lease is None:
                return
            try:
                if session.behind:
                    await self._write(session)
                if let_go and session.lease is not None:
                    await self._release(session, session.lease)
            finally:
                self._let_go_when_idle(session)

    async def _listen_for_wants(self) -> None:
        """Hears which of the sessions this process holds another process waits for (ACQUIRE
        publishes them on this process's channel), and lets them go at once."""
        channel = self.prefix + "want:" + self._process
        while True:
            try:
                async with self.redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(channel)
                    async for message in pubsub.listen():
                        self._on_wanted(_text(message["data"]))
            except (RedisError, OSError):  # Redis away: listening again once it is back
                await asyncio.sleep(LISTEN_RETRY)

    def _on_wanted(self, session_id: str) -> None:
        session = self._local.get(session_id)
        if session is None or session.lease is None:
            return
        session.wanted = True  # a use under way lets go at its end (WRITE sees the want)
        if session.wake is not None and not session.wake.done():
            session.wake.set_result(None)  # its deferred changes written now, the lease let go
        elif not session.lock.locked() and not session.behind:  # kept, idle: let go now
            self._let_go(session, session.lease)

    # --- uploaded data sets ---

    async def put_dataset(self, dataset: Dataset) -> Dataset:
        source = dataset.source
        assert source is not None, "only uploaded sets are kept"
        keys = [self._key("ds", dataset.name), self._key("dsu")]
        args = [dataset.name, source.text, source.label, str(source.task)]
        answer = await self._run("put_dataset", keys, [*args, self.max_datasets, self.prefix])
        if answer == -1:
            raise DatasetLimitError(
                f"the cluster holds its maximum of {self.max_datasets} uploaded data sets and "
                "sessions use them all; delete a session or try again later"
            )
        return self._remember(self._datasets.get(dataset.name) or dataset)

    async def get_dataset(self, name: str) -> Dataset:
        held = self._datasets.get(name)
        keys = [self._key("ds", name), self._key("dsu")]
        answer = await self._run("get_dataset", keys, [name, "1" if held is not None else "0"])
        if answer is None:
            raise DatasetNotFoundError(name)
        if held is None:
            text, label, task = (_text(part) for part in answer)
            source = CsvSource(text, label, Task(task))
            # read as it was uploaded: the same text gives the same set (and name)
            held = await asyncio.to_thread(read_csv, text, label, source.task, self.csv_limits)
        return self._remember(held)

    async def dataset_for(self, config: TrainerConfig) -> Dataset | None:
        if not is_upload_name(config.dataset):
            return None
        try:
            return await self.get_dataset(config.dataset)
        except DatasetNotFoundError as e:
            raise ConfigError("dataset", config.dataset, str(e)) from None

    def held_dataset(self, name: str) -> Dataset | None:
        return self._datasets.get(name)

    def _remember(self, dataset: Dataset) -> Dataset:
        self._datasets[dataset.name] = dataset
        self._datasets.move_to_end(dataset.name)
        while len(self._datasets) > self.max_datasets:
            self._datasets.popitem(last=False)
        return dataset

    # --- Redis ---

    def _key(self, kind: str, name: str = "") -> str:
        return f"{self.prefix}{kind}:{name}" if name else f"{self.prefix}{kind}"

    def token(self) -> str:
        """A new lease token: this process and a count (each hold fenced on its own)."""
        return f"{self._process}-{next(self._tokens)}"

    async def _run(self, script: str, keys: list[str], args: list[Any]) -> Any:
        return await self.guarded(lambda: self.scripts.run(script, keys, args))

    async def guarded(self, call: Callable[[], Awaitable[T]]) -> T:
        """``call``'s answer; ``StoreUnavailableError`` naming the store if Redis fails."""
        try:
            return await call()
        except (RedisError, OSError) as e:
            raise StoreUnavailableError(
                f"the session store (Redis at {self.where}) is unavailable ({e}); the request "
                "was not completed: try again once it is back"
            ) from None


class _Held:
    """``store.use`` / ``store.read``: the session, locked in this process; for a change also
    leased in Redis (a lease kept from the last change spares the round trip), its new state
    written back, fenced, before the caller answers (``deferred``: within the stream write
    interval)."""

    __slots__ = ("change", "deferred", "session", "session_id", "store")

    def __init__(self, store: RedisStore, session_id: str, *, change: bool, deferred: bool) -> None:
        self.store, self.session_id, self.change, self.deferred = (
            store,
            session_id,
            change,
            deferred,
        )

    async def __aenter__(self) -> Session:
        store = self.store
        session = await store._local_session(self.session_id)
        self.session = session
        await session.lock.acquire()
        try:
            if session.closed:
                raise SessionNotFoundError(session.id)
            if session.lease is not None and time.monotonic() < session.lease_until:
                pass  # held since this process's last change: its copy is the newest
            elif self.change:
                await self._acquire(session)
            else:
                keys = [store._key("s", session.id), store._key("h", session.id)]
                args = [session.stored or "", session.id]
                answer = await store._run("peek", [*keys, store._key("lru")], args)
                await store._refresh(session, answer)
        except BaseException:
            session.lock.release()
            raise
        return session

    async def _acquire(self, session: RedisSession) -> None:
        store = self.store
        if session.release_task is not None:  # a letting go under way: its answer first
            with contextlib.suppress(StoreUnavailableError):
                await session.release_task
        # a lease still kept (past the half of its time it is trusted for) is renewed: it may
        # hold deferred changes, which a new token would wait for behind itself
        token = session.lease or store.token()
        keys = [store._key(kind, session.id) for kind in ("s", "h", "l", "w")]
        args = [token, store.lease_ms, session.stored or "", store.prefix + "want:", session.id]
        deadline = time.monotonic() + store.lease_wait
        pause = LEASE_POLL[0]
        while True:
            taken = time.monotonic()
            answer = await store._run("acquire", keys, args)
            if answer[0] != -1:
                break
            left = deadline - time.monotonic()
            if left <= 0:
                raise SessionBusyError(
                    f"session {session.id[:8]}… is held by another process (its lease has "
                    f"{answer[1]} ms left) beyond this server's wait of {store.lease_wait:g} s; "
                    "try again"
                )
            await asyncio.sleep(min(pause, left, max(int(answer[1]), 1) / 1000))
            pause = min(pause * 2, LEASE_POLL[1])
        session.lease, session.lease_until = token, taken + store.lease_ms / 2000
        try:
            await store._refresh(session, answer)
        except BaseException:
            session.lease = None
            raise

    async def __aexit__(self, *exc_info: object) -> None:
        store, session = self.store, self.session
        try:
            if not self.change:
                pass  # a look: it writes nothing (not even a stream's deferred changes)
            elif session.behind and session.lease is not None:
                if self.deferred:
                    store._write_back_soon(session)
                else:
                    await store._write(session)
            elif session.lease is not None:
                await store._release(session, session.lease)  # a use that changed nothing
        finally:
            store._let_go_when_idle(session)
            session.lock.release()


def _text(value: bytes | str | int) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
