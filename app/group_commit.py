"""Group commit: the Lua scripts that one process's concurrent requests run go to Redis together,
in one pipelined round trip, and each caller gets its own script's answer.

A round trip through redis-py costs a request more of the process's CPU than the script itself
costs Redis (a connection taken from the pool and given back, a socket write, timeouts armed,
the reply awaited on the event loop), and on a busy process many requests wait for one at once.
So one batch is in flight at a time: the scripts called meanwhile queue, and go together as
soon as it is back. A caller still waits for its own answer, so a write is confirmed by Redis
before the request that made it answers. Each script runs on its own (a pipeline, not a
transaction): one failing never affects another's answer.

A call is packed into Redis's protocol when it is made, by ``hiredis.pack_command`` (hiredis,
redis-py's C parser, is a dependency already: its packer is the one redis-py's synchronous
client uses; the asyncio client's own Python packer cost a one-step request several times more,
docs/benchmarks.md), and a batch is the concatenation of its calls.

Scripts go by their SHA1 (``EVALSHA``); one Redis does not know (a restart emptied its script
cache) is loaded and its callers' scripts sent again, once. A connection that fails fails every
script of its batch with the client's error (which ``RedisStore.guarded`` turns into a 503),
and is reconnected for the next batch.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
from typing import Any

import hiredis
import redis.asyncio as aioredis
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

    async def run(self, name: str, keys: list[str], args: list[Arg]) -> Any:
        """The answer of the script ``name`` on ``keys`` and ``args``; redis-py's errors."""
        command = (b"EVALSHA", self._shas[name], len(keys), *keys, *args)
        # (hiredis's stub types the tuple as of one item)
        call = _Call(name, hiredis.pack_command(command))  # type: ignore[arg-type]
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
        pool = self.redis.connection_pool
        answers: list[Any] = []
        try:
            connection = await pool.get_connection()  # type: ignore[no-untyped-call]
            try:
                await connection.send_packed_command([call.command for call in batch])
                # one timeout for the batch's answers, not one armed for each
                async with asyncio.timeout(connection.socket_timeout):
                    for _ in batch:
                        try:
                            answers.append(await connection.read_response(timeout=math.inf))
                        except ResponseError as e:  # this script's error: the others answer
                            answers.append(e)
            except TimeoutError:
                await connection.disconnect()
                raise RedisTimeoutError(
                    f"no answer from Redis within {connection.socket_timeout:g} s"
                ) from None
            except BaseException:
                await connection.disconnect()  # its replies unread: never to be reused as is
                raise
            finally:
                await pool.release(connection)
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
            try:
                for name in {call.name for call in unknown}:
                    await self.redis.script_load(self.scripts[name])
            except Exception as e:
                for call in unknown:
                    call.fail(e)
                return
            for call in unknown:
                call.retried = True
            self._queue[:0] = unknown


class _Call:
    __slots__ = ("answer", "command", "name", "retried")

    def __init__(self, name: str, command: bytes) -> None:
        self.name, self.command, self.retried = name, command, False
        self.answer: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    def fail(self, error: BaseException) -> None:
        if not self.answer.done():
            self.answer.set_exception(error)
