"""The live stream's pacing, on a stand-in socket whose sends can stall: the requested rate is kept
exactly over time, and a stalled client gets frames skipped, not a burst of queued ones."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any, cast

import pytest
from starlette.websockets import WebSocket

from app.live import LiveStream
from app.sessions import SessionStore
from core import TrainerConfig

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(30)]


class StallingSocket:
    """Receives queued commands; records sent messages; stalls once on the chosen frame."""

    def __init__(self, stall_on_frame: int | None = None, stall: float = 0.0) -> None:
        self.commands: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.sent: list[tuple[float, dict[str, Any]]] = []
        self.stall_on_frame = stall_on_frame
        self.stall = stall

    def command(self, **message: Any) -> None:
        self.commands.put_nowait({"type": "websocket.receive", "text": json.dumps(message)})

    def leave(self) -> None:
        self.commands.put_nowait({"type": "websocket.disconnect", "code": 1000})

    async def receive(self) -> dict[str, Any]:
        return await self.commands.get()

    async def send_text(self, text: str) -> None:
        message = json.loads(text)
        self.sent.append((time.monotonic(), message))
        if message["type"] == "frame" and len(self.frames()) == self.stall_on_frame:
            await asyncio.sleep(self.stall)  # a client that stops reading for a while

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        pass

    def frames(self) -> list[dict[str, Any]]:
        return [m for _, m in self.sent if m["type"] == "frame"]


async def play(socket: StallingSocket, steps_per_second: float, seconds: float) -> None:
    store = SessionStore(max_sessions=2)
    session = store.create(TrainerConfig())
    stream = LiveStream(cast(WebSocket, socket), store, session, max_frame_rate=60)
    socket.command(type="play", steps_per_second=steps_per_second)

    async def stop_later() -> None:
        await asyncio.sleep(seconds)
        socket.command(type="pause")
        socket.leave()

    await asyncio.gather(stream.serve(), stop_later())
    assert session.trainer.step_count == sum(f["steps"] for f in socket.frames())


async def test_steps_follow_the_requested_rate_at_most_60_frames_a_second() -> None:
    socket = StallingSocket()
    await play(socket, 3000, 1.0)
    frames = socket.frames()
    assert 30 <= len(frames) <= 61  # 60 on an idle machine
    assert 2400 <= sum(f["steps"] for f in frames) <= 3100
    assert max(f["steps"] for f in frames) <= 2 * 3000 / 60 + 1


async def test_a_low_speed_sends_one_frame_per_step() -> None:
    socket = StallingSocket()
    await play(socket, 10, 1.05)
    steps = [f["steps"] for f in socket.frames()]
    assert steps in ([1] * 10, [1] * 9)  # the 10th is due 50 ms before the end


async def test_a_stalled_client_gets_frames_skipped_not_a_burst() -> None:
    socket = StallingSocket(stall_on_frame=5, stall=0.5)
    await play(socket, 6000, 1.0)
    frames = socket.frames()
    assert len(frames) <= 60 - 25  # about 30 frames' time was lost in the stall
    assert max(f["steps"] for f in frames) <= 2 * 6000 / 60 + 1  # nothing made up in a lump
    times = [t for t, m in socket.sent if m["type"] == "frame"]
    assert times[5] - times[4] >= 0.5  # the 5th frame's send stalled
    soon_after = [t for t in times[5:] if t < times[5] + 0.25]
    assert len(soon_after) <= 0.25 * 60 + 2  # paced again, no burst of the frames missed
