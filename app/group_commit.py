"""Group commit: the Lua scripts that one process's concurrent requests run go to Redis together,
in one pipelined round trip, and each caller gets its own script's answer.

A round trip through redis-py costs a request more of the process's CPU than the script itself
costs Redis (a connection taken from the pool and given back, a socket write, timeouts armed,
the reply awaited on the event loop), and on a busy process many requests wait for one at once.
So one batch is in flight at a time: the scripts called meanwhile queue, and go together as
soon as it is back. A caller still waits for its own answer, so a write is confirmed by Redis
before the request that made it answers. A batch goes on a connection of the pipe's own, kept
from one batch to the next (not taken from the pool and given back each time, with the pool's
health checks and bookkeeping), under one timeout for its whole round trip (none armed for
each write or read). Each script runs on its own (a pipeline, not a transaction): one failing
never affects another's answer.

A call is packed into Redis's protocol when it is made, by ``hiredis.pack_command`` (hiredis,
redis-py's C parser, is a dependency already: its packer is the one redis-py's synchronous
client uses; the asyncio client's own Python packer cost a one-step request several times more,
docs/benchmarks.md), and a batch is the concatenation of its calls.

Scripts go by their SHA1 (``EVALSHA``); one Redis does not know (a restart emptied its script
cache) is loaded and its callers' scripts sent again, once. A connection that fails fails every
script of its batch with the client's error (which ``RedisStore.guarded`` turns into a 503),
and is reconnected for the next batch (within the batch's timeout too).
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

import hiredis
import redis.asyncio as aioredis
from redis.asyncio.connection import AbstractConnection
from redis.exceptions import NoScriptError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

Arg = bytes | str | int  # a command's argument, packed by hiredis


class ScriptPipe:
    """Runs ``scripts`` (Lua, by name) on ``redis``, the concurrent calls in one round trip."""

    def __init__(self, redis: aioredis.Redis, scripts: dict[str, str]) -> None:
        self.redis = redis
        self.scripts = scripts
        self._shas = {
            name: hashlib.sha1(text.encode()).hexdigest() for name, text in scripts.items()
        }
        self._queue: list[_Call] = []
        self._sending: asyncio.Task[None] | None = None
        self.round_trips = 0  # batches sent (for the tests and the profile)
        # the pipe's own connection, made as the client's are but with no timeout of its own
        pool = redis.connection_pool
        self.timeout: float | None = pool.connection_kwargs.get("socket_timeout")
        kwargs = pool.connection_kwargs | {"socket_timeout": None}
        self._connection: AbstractConnection = pool.connection_class(**kwargs)

    async def aclose(self) -> None:
        """Disconnects the pipe's connection (the client's own are the client's to close)."""
        await self._connection.disconnect()

    async def run(self, name: str, keys: list[str], args: list[Arg]) -> Any:
        """The answer of the script ``name`` on ``keys`` and ``args``; redis-py's errors."""
        call = _Call(name, _pack(b"EVALSHA", self._shas[name], len(keys), *keys, *args))
        self._queue.append(call)
        if self._sending is None:
            self._sending = asyncio.ensure_future(self._send_queued())
        return await call.answer

    async def _send_queued(self) -> None:
        try:
            while self._queue:
                batch, self._queue = self._queue, []
                await self._send(batch)
        finally:
            self._sending = None

    async def _send(self, batch: list[_Call]) -> None:
        """Sends ``batch`` in one write, reads its answers in order, and gives each to its caller
        (a script Redis did not know: loaded, and its call queued again)."""
        self.round_trips += 1
        try:
            answers = await self._round_trip([call.command for call in batch])
        except Exception as e:
            for call in batch:
                call.fail(e)
            return
        except BaseException:  # cancelled (a shutdown): so are its callers
            for call in batch:
                call.answer.cancel()
            raise
        unknown: list[_Call] = []  # scripts Redis did not know, sent again once loaded
        for call, answer in zip(batch, answers, strict=True):
            if isinstance(answer, NoScriptError) and not call.retried:
                unknown.append(call)
            elif isinstance(answer, Exception):
                call.fail(answer)
            elif not call.answer.done():  # a caller gone (cancelled) wants no answer
                call.answer.set_result(answer)
        if unknown:
            names = sorted({call.name for call in unknown})
            loads = [_pack(b"SCRIPT", b"LOAD", self.scripts[name]) for name in names]
            try:
                for loaded in await self._round_trip(loads):
                    if isinstance(loaded, Exception):
                        raise loaded
            except Exception as e:
                for call in unknown:
                    call.fail(e)
                return
            for call in unknown:
                call.retried = True
            self._queue[:0] = unknown

    async def _round_trip(self, commands: list[bytes]) -> list[Any]:
        """The answers to ``commands`` (packed), sent in one write on the pipe's connection
        (connected first if it is not), a command's error as its answer; within the timeout,
        or the connection is dropped (its replies unread: never to be reused as is)."""
        connection = self._connection
        answers: list[Any] = []
        try:
            async with asyncio.timeout(self.timeout):  # the connection's own: none
                if not connection.is_connected:
                    await connection.connect()  # type: ignore[no-untyped-call]
                await connection.send_packed_command(commands, check_health=False)
                for _ in commands:
                    try:
                        answers.append(await connection.read_response())
                    except ResponseError as e:  # this command's error: the others answer
                        answers.append(e)
        except TimeoutError:
            await connection.disconnect()
            raise RedisTimeoutError(f"no answer from Redis within {self.timeout:g} s") from None
        except BaseException:
            await connection.disconnect()
            raise
        return answers


def _pack(*args: Arg) -> bytes:
    """``args`` as one command in Redis's protocol."""
    packed: bytes = hiredis.pack_command(args)  # type: ignore[arg-type]  # its stub: a 1-tuple
    return packed


class _Call:
    __slots__ = ("answer", "command", "name", "retried")

    def __init__(self, name: str, command: bytes) -> None:
        self.name, self.command, self.retried = name, command, False
        self.answer: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    def fail(self, error: BaseException) -> None:
        if not self.answer.done():
            self.answer.set_exception(error)
