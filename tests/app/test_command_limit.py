"""The live stream's command limit, on a clock moved by hand: a burst of ``COMMAND_BURST``
commands at once, then ``COMMANDS_PER_SECOND`` on average, exactly (the real-socket flood test
in test_server.py checks that a client over it is cut off with 1008)."""

from __future__ import annotations

import asyncio
from typing import Any

from app.limits import (
    CLOSE_MESSAGE_TOO_BIG,
    CLOSE_POLICY_VIOLATION,
    COMMAND_BURST,
    COMMANDS_PER_SECOND,
    StreamGuard,
)

COMMAND = {"type": "websocket.receive", "text": '{"type": "step", "n": 1}'}


class HandClock:
    """Time that passes only when the test says so."""

    def __init__(self) -> None:
        self.time = 1000.0

    def now(self) -> float:
        return self.time

    async def wait(self, future: asyncio.Future[Any], timeout: float | None) -> bool:
        raise AssertionError("the command limit never waits")


def accepted(guard: StreamGuard, sent: int) -> int:
    """How many of ``sent`` commands in a row the guard lets through before the first refusal."""
    for n in range(sent):
        if guard.check(COMMAND) is not None:
            return n
    return sent


def test_a_burst_is_let_through_then_the_next_command_is_refused() -> None:
    guard = StreamGuard(max_message_size=1024, clock=HandClock())
    assert accepted(guard, 1000) == COMMAND_BURST
    violation = guard.check(COMMAND)
    assert violation is not None
    code, reason = violation
    assert code == CLOSE_POLICY_VIOLATION
    assert reason == (
        f"too many commands: at most {COMMANDS_PER_SECOND:.0f} a second "
        f"(bursts of {COMMAND_BURST:.0f})"
    )


def test_the_bucket_refills_at_the_rate_and_never_beyond_the_burst() -> None:
    clock = HandClock()
    guard = StreamGuard(max_message_size=1024, clock=clock)
    assert accepted(guard, 1000) == COMMAND_BURST
    clock.time += 0.5  # half a second: half a second's commands
    assert accepted(guard, 1000) == int(0.5 * COMMANDS_PER_SECOND)
    clock.time += 3600.0  # an idle hour refills the burst, no more
    assert accepted(guard, 1000) == COMMAND_BURST


def test_a_steady_client_at_the_rate_is_never_refused() -> None:
    clock = HandClock()
    guard = StreamGuard(max_message_size=1024, clock=clock)
    for _ in range(10 * int(COMMANDS_PER_SECOND)):  # ten seconds at exactly the rate
        assert guard.check(COMMAND) is None
        clock.time += 1.0 / COMMANDS_PER_SECOND


def test_a_message_over_the_size_limit_is_refused_whatever_the_bucket() -> None:
    guard = StreamGuard(max_message_size=1024, clock=HandClock())
    violation = guard.check({"type": "websocket.receive", "text": "x" * 1025})
    assert violation == (CLOSE_MESSAGE_TOO_BIG, "message too big: at most 1024 bytes")
    assert guard.check({"type": "websocket.receive", "bytes": b"x" * 1024}) is None


def test_a_page_asking_for_every_frame_keeps_its_commands_rate() -> None:
    # a page asks for each frame it draws (``ready``, up to max_frame_rate a second) and still
    # sends commands at the full rate: a speed slider dragged while it plays
    clock = HandClock()
    frame_rate = 64.0
    guard = StreamGuard(max_message_size=1024, clock=clock, asks_per_second=frame_rate)
    ready = {"type": "websocket.receive", "text": '{"type": "ready"}'}
    per_second = int(COMMANDS_PER_SECOND + frame_rate)
    for k in range(10 * per_second):  # ten seconds of both
        assert guard.check(ready if k % 2 else COMMAND) is None
        clock.time += 1.0 / per_second
    clock.time += 10.0  # refilled: the burst holds both too
    assert accepted(guard, 1000) == COMMAND_BURST + frame_rate
    assert guard.check(COMMAND) == (
        CLOSE_POLICY_VIOLATION,
        f"too many commands: at most {per_second} a second "
        f"(bursts of {COMMAND_BURST + frame_rate:.0f})",
    )
