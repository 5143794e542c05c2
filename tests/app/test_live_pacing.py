"""The live stream's pacing, on a clock the test moves by hand and a stand-in socket: the requested
speed is kept exactly in the stream's own accounting (the fraction of a step carried), frames come
at most ``max_frame_rate`` times a second of that clock, a late frame is skipped and its steps not
made up, and a paused stream sends nothing however much time passes; with frames on request, a
frame goes only when asked for, at once if a step is owed and the asks' rate allows, while the
training keeps its beat."""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Callable
from itertools import pairwise
from types import TracebackType
from typing import Any, cast

import pytest
from starlette.websockets import WebSocket

from app.live import LiveStream
from app.sessions import Session, SessionStore
from core import Trainer, TrainerConfig

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(60)]

FRAME_RATE = 64  # its period, and the speeds' steps a frame, are exact binary fractions
PERIOD = 1 / FRAME_RATE
TICK = 1 / 1024  # a fine tick of the clock, exact too


class FakeClock:
    """Time that moves only when the test advances it. The stream's ``wait`` returns when its
    command comes or when the clock reaches its deadline; ``settled`` tells when the stream is
    waiting again with nothing due."""

    def __init__(self) -> None:
        self.time = 0.0
        self._waiting: asyncio.Future[Any] | None = None  # what the stream waits for now
        self._deadline = math.inf
        self._tick: asyncio.Future[None] | None = None  # resolved when the time moves
        self._blocked = asyncio.Event()  # set each time the stream starts waiting

    def now(self) -> float:
        return self.time

    async def wait(self, future: asyncio.Future[Any], timeout: float | None) -> bool:
        deadline = math.inf if timeout is None else self.time + timeout
        while not future.done() and self.time < deadline:
            self._tick = asyncio.get_running_loop().create_future()
            self._waiting, self._deadline = future, deadline
            self._blocked.set()
            try:
                await asyncio.wait({future, self._tick}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                self._waiting = None
        return future.done()

    def move(self, seconds: float) -> None:
        """Moves the time on (and wakes the stream's wait to look at it)."""
        self.time += seconds
        if self._tick is not None and not self._tick.done():
            self._tick.set_result(None)

    def idle(self) -> bool:
        """Whether the stream waits with nothing due: no command arrived, its deadline ahead."""
        return self._waiting is not None and not self._waiting.done() and self.time < self._deadline

    async def settled(self, busy: Callable[[], bool]) -> None:
        """Returns once the stream is idle and not ``busy`` (e.g. a command is on its way)."""
        while busy() or not self.idle():
            self._blocked.clear()
            await self._blocked.wait()


class Socket:
    """Takes the test's commands; records what is sent, with the clock's time; a chosen frame's
    send takes ``stall`` seconds of the clock (a client that stopped reading for a while)."""

    def __init__(self, clock: FakeClock, stall_on_frame: int | None, stall: float) -> None:
        self.clock = clock
        self.commands: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.sent: list[tuple[float, dict[str, Any]]] = []
        self.stall_on_frame, self.stall = stall_on_frame, stall

    async def receive(self) -> dict[str, Any]:
        return await self.commands.get()

    async def send_text(self, text: str) -> None:
        message = json.loads(text)
        self.sent.append((self.clock.time, message))
        if message["type"] == "frame" and len(self.frames()) == self.stall_on_frame:
            self.clock.move(self.stall)

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        pass

    def frames(self) -> list[dict[str, Any]]:
        return [m for _, m in self.sent if m["type"] == "frame"]

    def frame_times(self) -> list[float]:
        return [t for t, m in self.sent if m["type"] == "frame"]


class Live:
    """A live stream on a new session, served by its own task, on a fake clock."""

    def __init__(self, stall_on_frame: int | None = None, stall: float = 0.0) -> None:
        self.clock = FakeClock()
        self.socket = Socket(self.clock, stall_on_frame, stall)
        store = SessionStore(max_sessions=2)
        self.session: Session = store.restore_now(Trainer(TrainerConfig()))  # a new session
        self.stream = LiveStream(
            cast(WebSocket, self.socket), store, self.session, FRAME_RATE, clock=self.clock
        )
        self.others = 0  # steps the test takes itself, not through the stream

    async def __aenter__(self) -> Live:
        self.task = asyncio.ensure_future(self.stream.serve())
        await self.settled()
        assert self.socket.sent[0][1]["type"] == "status"
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.socket.commands.put_nowait({"type": "websocket.disconnect", "code": 1000})
        await self.task
        if kind is None:  # every step taken was sent in a frame, or is owed to the next one
            frames = self.socket.frames()
            taken = sum(f["steps"] for f in frames) + self.stream.unsent_steps + self.others
            assert self.session.trainer.step_count == taken

    async def settled(self) -> None:
        await self.clock.settled(busy=lambda: self.socket.commands.qsize() > 0)

    async def command(self, **message: Any) -> dict[str, Any]:
        """Sends a command; its reply, once the stream waits again."""
        sent = len(self.socket.sent)
        self.socket.commands.put_nowait({"type": "websocket.receive", "text": json.dumps(message)})
        await self.settled()
        reply: dict[str, Any] = self.socket.sent[sent][1]
        return reply

    async def send(self, **message: Any) -> None:
        """Sends a message that may have no reply yet (``ready``), once the stream waits again."""
        self.socket.commands.put_nowait({"type": "websocket.receive", "text": json.dumps(message)})
        await self.settled()

    async def advance(self, seconds: float, tick: float) -> None:
        """Moves the clock on by ``seconds`` in ticks of ``tick``, letting the stream send what is
        due after each."""
        end = self.clock.time + seconds
        while self.clock.time < end - 1e-12:
            self.clock.move(min(tick, end - self.clock.time))
            await self.settled()

    def steps(self) -> int:
        return sum(f["steps"] for f in self.socket.frames())


async def test_frames_come_at_most_max_frame_rate_times_a_second() -> None:
    async with Live() as live:
        await live.command(type="play", steps_per_second=3000)
        await live.advance(1.0, tick=TICK)
        times = live.socket.frame_times()
    assert FRAME_RATE - 3 <= len(times) <= FRAME_RATE  # a frame as soon as it is due
    assert all(b - a >= PERIOD - 1e-9 for a, b in pairwise(times))


async def test_the_steps_follow_the_requested_speed_with_the_fraction_carried() -> None:
    async with Live() as live:
        await live.command(type="play", steps_per_second=1000)
        await live.advance(1.0, tick=PERIOD)
        steps = [f["steps"] for f in live.socket.frames()]
    assert len(steps) == FRAME_RATE
    assert set(steps) == {15, 16}  # 1000/64 = 15.625 a frame: the fraction carried to the next
    assert sum(steps) == 1000


@pytest.mark.parametrize("tick", [0.001, 0.0037, 0.011])
async def test_the_speed_is_kept_however_the_time_comes(tick: float) -> None:
    async with Live() as live:
        await live.command(type="play", steps_per_second=2500)
        await live.advance(1.3, tick=tick)
        last_frame = live.socket.frame_times()[-1]  # the steps counted up to here
        assert abs(live.steps() - 2500 * last_frame) < 1


async def test_a_low_speed_sends_a_frame_per_step() -> None:
    async with Live() as live:
        await live.command(type="play", steps_per_second=8)
        await live.advance(1.0, tick=TICK)
        steps = [f["steps"] for f in live.socket.frames()]
        times = live.socket.frame_times()
    assert steps == [1] * 8
    assert times == [k / 8 for k in range(1, 9)]  # each when its step is owed


async def test_a_late_frame_is_skipped_and_its_steps_not_made_up() -> None:
    async with Live() as live:
        await live.command(type="play", steps_per_second=6400)
        await live.advance(5 * PERIOD, tick=PERIOD)
        assert [f["steps"] for f in live.socket.frames()] == [100] * 5
        live.clock.move(0.5)  # the event loop was busy for half a second
        await live.settled()
        await live.advance(3 * PERIOD, tick=PERIOD)
        # one frame for the half second, with the steps of two periods at most, then paced again
        assert [f["steps"] for f in live.socket.frames()] == [100] * 5 + [200] + [100] * 3


async def test_a_stalled_client_gets_frames_skipped_not_a_burst() -> None:
    async with Live(stall_on_frame=5, stall=0.5) as live:
        await live.command(type="play", steps_per_second=6400)
        await live.advance(0.5 + 10 * PERIOD, tick=PERIOD)
        frames = live.socket.frames()
        times = live.socket.frame_times()
    assert [f["steps"] for f in frames[:5]] == [100] * 5
    assert times[5] - times[4] >= 0.5  # the 5th frame's send took half a second
    assert max(f["steps"] for f in frames) <= 2 * 100  # nothing made up in a lump
    assert len(frames) <= 5 + 1 + 10  # no burst of the 32 frames missed
    assert all(b - a >= PERIOD - 1e-9 for a, b in pairwise(times[5:]))


async def test_pause_means_paused() -> None:
    async with Live() as live:
        await live.command(type="play", steps_per_second=3200)
        await live.advance(10 * PERIOD, tick=PERIOD)
        status = await live.command(type="pause")
        assert status["state"] == "paused"
        taken = live.steps()
        assert status["step"] == taken
        sent = len(live.socket.sent)
        await live.advance(10.0, tick=1 / 16)
        assert len(live.socket.sent) == sent  # nothing sent while paused
        assert live.session.trainer.step_count == taken
        # playing again owes nothing for the time paused
        await live.command(type="play", steps_per_second=3200)
        await live.advance(PERIOD, tick=PERIOD)
        assert live.socket.frames()[-1]["steps"] == 50


async def test_a_speed_change_counts_the_steps_owed_at_the_old_speed() -> None:
    async with Live() as live:
        await live.command(type="play", steps_per_second=640)
        await live.advance(PERIOD / 2, tick=PERIOD / 2)  # 5 steps owed, no frame due yet
        assert live.socket.frames() == []
        status = await live.command(type="set_speed", steps_per_second=6400)
        # the speed asked for, echoed in the reply: a setting, not a measured rate
        assert (status["state"], status["steps_per_second"]) == ("playing", 6400)
        await live.advance(PERIOD, tick=PERIOD / 2)
        assert [f["steps"] for f in live.socket.frames()] == [5 + 100]


async def test_frames_on_request_come_only_when_asked_and_the_training_goes_on() -> None:
    async with Live() as live:
        await live.command(type="play", steps_per_second=1024, frames_on_request=True)
        await live.advance(PERIOD, tick=TICK)
        # play asks for the first frame: sent as soon as a step is owed
        assert live.socket.frame_times() == [TICK]
        assert [f["steps"] for f in live.socket.frames()] == [1]
        await live.advance(1.0, tick=TICK)  # nobody asks: no frame, the steps taken all the same
        assert len(live.socket.frames()) == 1
        asked = live.clock.time
        await live.send(type="ready")
        assert live.socket.frame_times() == [TICK, asked]  # at once: steps had been taken
        assert live.session.trainer.step_count == 1024 * asked  # the speed kept throughout
        # the frame covers every step since the first but those owed at the ask, which go into
        # the next while the client draws this one: fewer than a frame interval's
        held = live.stream.unsent_steps
        assert 0 < held < 1024 * PERIOD
        assert live.socket.frames()[1]["steps"] == 1024 * asked - 1 - held


async def test_an_ask_sooner_than_a_frame_interval_after_the_last_waits_for_it() -> None:
    async with Live() as live:
        await live.command(type="play", steps_per_second=1024, frames_on_request=True)
        await live.advance(PERIOD, tick=TICK)  # the first frame at TICK, asked for at 0
        await live.send(type="ready")  # at PERIOD, a frame interval after the last ask: at once
        await live.advance(4 * TICK, tick=TICK)
        await live.send(type="ready")  # 4 ticks after the last ask: the rate allows it at 16
        await live.send(type="ready")  # asking again before it comes changes nothing
        await live.advance(2 * PERIOD, tick=TICK)
        assert live.socket.frame_times() == [TICK, PERIOD, 2 * PERIOD]


async def test_at_a_low_speed_an_ask_with_no_step_taken_since_waits_for_a_whole_step() -> None:
    async with Live() as live:
        await live.command(type="play", steps_per_second=8, frames_on_request=True)
        await live.advance(1.0, tick=TICK)  # steps at 1/8, 2/8, ..., 1: only the first asked for
        assert live.socket.frame_times() == [1 / 8]
        await live.send(type="ready")  # at 1: steps were taken since the first frame
        await live.advance(1 / 16, tick=TICK)
        await live.send(type="ready")  # none taken since: the next step is owed at 9/8
        await live.advance(1 / 8, tick=TICK)
        assert live.socket.frame_times() == [1 / 8, 1, 9 / 8]
        assert [f["steps"] for f in live.socket.frames()] == [1, 7, 1]


async def test_ready_is_ignored_while_paused_and_refused_with_paced_frames() -> None:
    async with Live() as live:
        sent = len(live.socket.sent)
        await live.send(type="ready")  # paused (a ready that crossed a pause): no reply
        await live.advance(1.0, tick=1 / 16)
        assert len(live.socket.sent) == sent
        await live.command(type="play", steps_per_second=640)
        assert await live.command(type="ready") == {
            "type": "error",
            "message": "ready: frames are paced by the server; play with frames_on_request: "
            "true to ask for each one",
        }


async def test_a_pause_sends_the_steps_taken_since_the_last_frame_then_play_shows_them_all() -> (
    None
):
    async with Live() as live:
        await live.command(type="play", steps_per_second=1024, frames_on_request=True)
        await live.advance(2 * PERIOD, tick=TICK)  # steps taken since the first frame, not sent
        held = live.stream.unsent_steps
        assert held > 0
        frames = len(live.socket.frames())
        await live.command(type="pause")
        # their frame goes before the status: the paused client shows the last step taken
        assert live.socket.frames()[frames]["steps"] == held
        assert live.socket.sent[-1][1]["type"] == "status"
        assert live.stream.unsent_steps == 0
        live.session.trainer.run(5)  # another client's steps while this one is paused
        live.others = 5
        await live.command(type="play", steps_per_second=1024, frames_on_request=True)
        await live.advance(PERIOD, tick=TICK)
        assert live.socket.frames()[-1]["step"] == live.session.trainer.step_count - (
            live.stream.unsent_steps
        )
        assert live.socket.frames()[-1]["step"] > 5 + live.socket.frames()[0]["step"]
