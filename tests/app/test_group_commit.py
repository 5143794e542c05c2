"""app.group_commit against a real redis-server: concurrent scripts in one round trip, each
caller its own answer, a script Redis forgot loaded again, a failing script alone in failing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis
from redis.exceptions import ConnectionError, ResponseError

from app.group_commit import Arg, ScriptPipe
from tests.redis_server import RedisServer

SCRIPTS = {
    "add": "return redis.call('INCRBY', KEYS[1], ARGV[1])",
    "fail": "return redis.error_reply('ERR asked to fail: ' .. ARGV[1])",
    "echo": "return {KEYS[1], unpack(ARGV)}",
}


@pytest.fixture
async def client(redis_server: RedisServer) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(redis_server.url, socket_timeout=1)
    await client.flushdb()
    yield client
    await client.aclose()


@pytest.mark.anyio
async def test_concurrent_scripts_go_in_one_round_trip_each_with_its_own_answer(
    client: aioredis.Redis,
) -> None:
    pipe = ScriptPipe(client, SCRIPTS)
    await pipe.run("add", ["n"], [0])  # loads nothing: Redis does not know it yet
    before = pipe.round_trips
    answers = await asyncio.gather(*(pipe.run("add", [f"k{i}"], [i]) for i in range(20)))
    assert answers == list(range(20))
    assert pipe.round_trips == before + 1


@pytest.mark.anyio
async def test_arguments_reach_redis_as_redis_py_sends_them(client: aioredis.Redis) -> None:
    pipe = ScriptPipe(client, SCRIPTS)
    args: list[Arg] = ["é", 12, -3, b"\x00\r\n\xff", "", b"x" * 10_000]
    expected = await client.eval(SCRIPTS["echo"], 1, "k", *args)  # redis-py's own packing
    assert await pipe.run("echo", ["k"], args) == expected
    assert expected == [b"k", "é".encode(), b"12", b"-3", b"\x00\r\n\xff", b"", b"x" * 10_000]


@pytest.mark.anyio
async def test_a_failing_script_fails_alone(client: aioredis.Redis) -> None:
    pipe = ScriptPipe(client, SCRIPTS)
    results = await asyncio.gather(
        pipe.run("add", ["a"], [1]),
        pipe.run("fail", [], ["this one"]),
        pipe.run("add", ["a"], [2]),
        return_exceptions=True,
    )
    assert results[0] == 1
    assert results[2] == 3
    assert isinstance(results[1], ResponseError)
    assert "this one" in str(results[1])


@pytest.mark.anyio
async def test_scripts_redis_forgot_are_loaded_and_sent_again(client: aioredis.Redis) -> None:
    pipe = ScriptPipe(client, SCRIPTS)
    assert await pipe.run("add", ["a"], [5]) == 5
    await client.script_flush()  # as a restarted Redis: its script cache empty
    answers = await asyncio.gather(*(pipe.run("add", ["a"], [1]) for _ in range(3)))
    assert sorted(answers) == [6, 7, 8]
    assert await client.get("a") == b"8"


@pytest.mark.anyio
async def test_redis_down_fails_every_caller_and_the_next_batch_reconnects(
    tmp_path: Path,
) -> None:
    server = RedisServer(tmp_path)
    server.start()
    client = aioredis.Redis.from_url(server.url, socket_timeout=1)
    pipe = ScriptPipe(client, SCRIPTS)
    try:
        assert await pipe.run("add", ["a"], [1]) == 1
        server.stop(save=True)
        results = await asyncio.gather(
            *(pipe.run("add", ["a"], [1]) for _ in range(3)), return_exceptions=True
        )
        assert all(isinstance(r, ConnectionError) for r in results), results
        server.start()
        assert await pipe.run("add", ["a"], [1]) == 2  # its scripts loaded again, too
    finally:
        await client.aclose()
        server.stop()
