"""The live stream: one client's commands in, frames of its session's training out.

One task serves a connection: it waits for the next command or the next frame's time, whichever
comes first, so commands and frames are handled in order (a ``pause`` answered by ``status`` is
followed by no frame). Every command gets one reply: ``status`` (play, pause, set_speed,
set_learning_rate), ``frame`` (step; ready, whenever that frame goes), or ``error``/``diverged``;
a ``ready`` while paused gets none (it crossed a pause).

Pacing: while playing, each frame takes the steps owed since the last one at the requested speed,
carrying the fraction of a step to the next frame, so the long-run rate is exact; frames come at
most ``max_frame_rate`` times a second, and at low speeds only when a whole step is owed. When a
frame is late (a slow client's socket, a busy CPU), the time beyond one frame period (the wait
it was scheduled with) is not made up: frames are skipped, never queued, and no backlog of steps
builds up. Time is the stream's ``clock`` (``app.clock``): the real one in the server, one moved
by hand in the tests of the pacing.

Frames on request (``play`` with ``frames_on_request``): training keeps its beat, but a frame is
sent only when the client has asked for one (``ready``; ``play`` asks for the first), at most
``max_frame_rate`` asks a second: at once if steps were taken since the last one went (the
session as it is then, its ``steps`` counting them), else once a step is owed. Training goes on
in ticks of half a frame interval, so that an ask waits for at most half a frame's steps. A page
that draws on its display's beat asks as it takes each frame to draw, so the next arrives well
before its next animation frame. Frames paced by the server's own clock, on a beat as fast as
the display's, arrive at a phase to the display's that drifts: near it, jitter puts two frames
in one display period and none in the next, and that display frame is not drawn
(docs/benchmarks.md, "Frames on request").
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.websockets import WebSocket, WebSocketDisconnect

from app.clock import MONOTONIC, Clock
from app.convert import step_fields
from app.errors import describe
from app.responses import dumps
from app.schemas import (
    COMMAND,
    DivergedMessage,
    ErrorMessage,
    PauseCommand,
    PlayCommand,
    ReadyCommand,
    SetLearningRateCommand,
    SetSpeedCommand,
    StatusMessage,
    StepCommand,
    StreamState,
)
from app.sessions import Session, SessionNotFoundError
from app.store import SessionBusyError, Store, StoreUnavailableError
from core import DivergedError, StepRecord

DEFAULT_STEPS_PER_SECOND = 10.0
CLOSE_SESSION_NOT_FOUND = 4404  # a close code in the application's range (4000-4999)
CLOSE_REASON_NOT_FOUND = "session not found (deleted, evicted, or never created)"
COMMAND_TYPES = "play, pause, step, set_speed, set_learning_rate, ready"


class LiveStream:
    """A client's live connection to one session: its own play state and speed."""

    def __init__(
        self,
        websocket: WebSocket,
        store: Store,
        session: Session,
        max_frame_rate: float,
        clock: Clock = MONOTONIC,
    ) -> None:
        self.websocket = websocket
        self.clock = clock
        self.store = store
        self.session = session
        self.frame_interval = 1.0 / max_frame_rate
        self.state = StreamState.PAUSED
        self.steps_per_second = DEFAULT_STEPS_PER_SECOND
        self._counted = 0.0  # when the steps owed were last counted (the clock's time)
        self._owed = 0.0  # steps owed and not yet taken: a fraction of one, carried over
        self._due = 0.0  # when the next frame is due
        self._period = 0.0  # how long after the last count it was due
        self.frames_on_request = False  # frames only when asked for (see the module's doc)
        self._asked: float | None = None  # when the frame asked for and not sent yet was asked
        self._last_asked = -math.inf  # when the frame sent last was asked for
        self.unsent_steps = 0  # steps taken since the last frame sent (frames on request)

    async def serve(self) -> None:
        """Serves the connection until the client leaves or the session goes; training stops
        with it."""
        self.session.streams += 1
        receiving: asyncio.Future[Any] | None = None
        try:
            await self._send(self._status())
            while True:
                if receiving is None:
                    receiving = asyncio.ensure_future(self.websocket.receive())
                timeout = None
                if self.state is StreamState.PLAYING:
                    timeout = max(0.0, self._due - self.clock.now())
                if await self.clock.wait(receiving, timeout):
                    message, receiving = receiving.result(), None
                    if message["type"] == "websocket.disconnect":
                        return
                    await self._on_message(message)
                else:
                    await self._play_frame()
        except (WebSocketDisconnect, OSError):
            return  # the client left mid-send
        except SessionNotFoundError:  # deleted while the stream was open
            await close_not_found(self.websocket)
        finally:
            self.session.streams -= 1
            if receiving is not None:
                receiving.cancel()
            # its last steps written back: Redis down or the session gone, nobody to tell
            with contextlib.suppress(SessionBusyError, StoreUnavailableError, SessionNotFoundError):
                await self.store.write_back(self.session.id)

    async def _on_message(self, message: Mapping[str, Any]) -> None:
        text = message.get("text")
        if text is None:
            await self._error(f"commands are JSON text messages ({COMMAND_TYPES}), not binary")
            return
        try:
            command = COMMAND.validate_json(text)
        except ValidationError as e:
            await self._error(_describe_command_errors(e.errors(include_url=False)))
            return
        if isinstance(command, PlayCommand):
            self._bank_owed_steps()  # when already playing: the steps owed at the old speed
            self.steps_per_second = command.steps_per_second
            self.frames_on_request = command.frames_on_request
            await self._play()
        elif isinstance(command, ReadyCommand):
            await self._ready()
        elif isinstance(command, PauseCommand):
            self.state = StreamState.PAUSED
            if self.unsent_steps:  # the steps taken since the last frame: shown paused
                await self._send_state()
            await self._write_back()
            await self._send(self._status())
        elif isinstance(command, SetSpeedCommand):
            self._bank_owed_steps()
            self.steps_per_second = command.steps_per_second
            self._schedule()
            await self._send(self._status())
        elif isinstance(command, SetLearningRateCommand):
            try:
                async with self.store.use(self.session.id, deferred=True) as session:
                    # the command's schema holds the engine's bounds: no ConfigError can come
                    session.set_learning_rate(command.learning_rate)
            except (SessionBusyError, StoreUnavailableError) as e:  # nothing changed
                await self._error(str(e))
                return
            await self._send(self._status())
        else:
            assert isinstance(command, StepCommand)
            try:
                await self._take_steps(command.n)
            except (SessionBusyError, StoreUnavailableError) as e:  # no step was taken
                await self._error(str(e))

    async def _play(self) -> None:
        if self.session.trainer.diverged:
            await self._diverged()
            return
        if self.state is StreamState.PAUSED:
            self.state = StreamState.PLAYING
            self._counted, self._owed = self.clock.now(), 0.0
            self._asked = self.clock.now()  # play asks for the first frame
        self._schedule()
        await self._send(self._status())

    async def _ready(self) -> None:
        """The client asks for the next frame (frames on request): its reply is that frame."""
        if self.state is StreamState.PAUSED:
            return  # sent before a pause it crossed: nothing to answer, no error to show
        if not self.frames_on_request:
            await self._error(
                "ready: frames are paced by the server; play with frames_on_request: true to "
                "ask for each one"
            )
            return
        if self._asked is None:  # asking again before the frame came changes nothing
            self._asked = self.clock.now()
            self._schedule()

    def _schedule(self) -> None:
        self._period = self._wait()
        self._due = self._counted + self._period
        if self.frames_on_request and self._asked is not None:
            # an asked-for frame goes as soon as the asks' rate allows (steps were taken since
            # the last), or once a step is owed: not on the training's beat, so its phase is
            # the client's
            sendable = max(self._asked, self._next_answer())
            if not self.unsent_steps:
                sendable = max(sendable, self._counted + self._owed_in())
            self._due = min(self._due, sendable)

    def _sendable(self, now: float) -> bool:
        """Whether a frame may be sent now: always, unless frames are on request and none is
        asked for, or the last ask was answered less than a frame interval ago."""
        if not self.frames_on_request:
            return True
        return self._asked is not None and now >= self._next_answer()

    def _next_answer(self) -> float:
        """The earliest an ask may be answered: a frame interval after the last answered one was
        asked (a client asking faster than the stream's frame rate is held to it)."""
        return self._last_asked + self.frame_interval

    def _wait(self) -> float:
        """From the last count to the next frame: a frame interval, or longer at low speeds,
        until a whole step is owed. With frames on request, half an interval: an ask then finds
        steps taken (its frame goes at once) and waits for at most half a frame's."""
        interval = self.frame_interval
        if self.frames_on_request:
            interval /= 2
        return max(interval, self._owed_in())

    def _owed_in(self) -> float:
        """How long after the last count a whole step is owed."""
        return (1.0 - self._owed) / self.steps_per_second

    def _bank_owed_steps(self) -> None:
        """Counts the steps owed up to now at the current speed (before the speed changes)."""
        if self.state is StreamState.PLAYING:
            now = self.clock.now()
            self._owed += (now - self._counted) * self.steps_per_second
            self._counted = now

    async def _play_frame(self) -> None:
        now = self.clock.now()
        # lateness beyond one frame's period is forgiven: frames are skipped, not made up (at
        # low speeds the period is long, so a busy loop's usual lateness still counts in full)
        counted_until = min(now, self._due + self._period)
        self._owed += (counted_until - self._counted) * self.steps_per_second
        self._counted = now
        n = int(self._owed)
        self._owed -= n
        send = self._sendable(now)
        if send and self.unsent_steps:
            # steps taken since the last frame went: the session as it is goes at once, and the
            # steps owed now go into the next one while the client draws it
            # (another process kept the session past the wait: the ask is answered next tick)
            with contextlib.suppress(SessionBusyError):
                await self._send_state()
            send = False
        if n:
            try:
                await self._take_steps(n, send=send)
            except SessionBusyError:
                pass  # another process kept the session past the wait: a frame skipped
            except StoreUnavailableError as e:  # not a frame to skip: play stops, and says why
                self.state = StreamState.PAUSED
                await self._error(f"{e}; paused (play again once it is back)")
                await self._send(self._status())
                return
        self._schedule()

    async def _take_steps(self, n: int, send: bool = True) -> None:
        """Takes ``n`` steps and sends their frame, or (not ``send``: frames on request) counts
        them into the next one."""
        text = None
        diverged = True  # unless a step is taken
        async with self.store.use(self.session.id, deferred=True) as session:
            before = session.trainer.step_count
            try:
                record = await session.run(n)
            except DivergedError:  # it had diverged before: nothing to show but the message
                pass
            else:
                diverged = record.diverged
                self.unsent_steps += session.trainer.step_count - before
                if send or diverged:
                    text = self._frame(session, record)
        if text is not None:
            await self._send_frame(text)
        if diverged:
            await self._diverged()

    async def _send_state(self) -> None:
        """Sends the session as it is now: the frame of the steps taken since the last one."""
        text = None
        async with self.store.use(self.session.id, deferred=True) as session:
            record = session.trainer.last_step
            if record is not None:  # none: another client reset it since
                text = self._frame(session, record)
        if text is not None:
            await self._send_frame(text)

    def _frame(self, session: Session, record: StepRecord) -> str:
        """A FrameMessage of ``session`` after ``record``'s step, written straight from the
        arrays (see app.responses), its ``steps`` those taken since the last frame."""
        frame = {"type": "frame", **step_fields(session, record), "steps": self.unsent_steps}
        return dumps(frame).decode()

    async def _send_frame(self, text: str) -> None:
        self.unsent_steps = 0
        if self._asked is not None:
            self._last_asked, self._asked = self._asked, None
        await self._send_json(text)

    async def _write_back(self) -> None:
        """The stream's steps written back, the session let go (paused: nobody else waits for
        it, and a crash of this process loses none of them)."""
        try:
            await self.store.write_back(self.session.id)
        except (SessionBusyError, StoreUnavailableError) as e:  # the steps shown are not kept
            await self._error(str(e))

    async def _diverged(self) -> None:
        self.state = StreamState.PAUSED
        await self._write_back()
        step = self.session.trainer.step_count
        await self._send(
            DivergedMessage(
                message=f"the network diverged at step {step}: a weight would have become "
                "non-finite (try a smaller learning rate); reset it to train again",
                step=step,
            )
        )

    def _status(self) -> StatusMessage:
        return StatusMessage(
            state=self.state,
            steps_per_second=self.steps_per_second,
            step=self.session.trainer.step_count,
            learning_rate=self.session.trainer.learning_rate,
        )

    async def _error(self, message: str) -> None:
        await self._send(ErrorMessage(message=message))

    async def _send(self, message: BaseModel) -> None:
        await self._send_json(message.model_dump_json())

    async def _send_json(self, message: str) -> None:
        if self.session.closed:
            raise SessionNotFoundError(self.session.id)
        await self.websocket.send_text(message)


async def close_not_found(websocket: WebSocket) -> None:
    """Closes the connection with ``4404`` and a reason (at most 123 bytes, as WebSocket allows)."""
    with contextlib.suppress(WebSocketDisconnect, OSError):  # the client may have gone already
        await websocket.close(CLOSE_SESSION_NOT_FOUND, CLOSE_REASON_NOT_FOUND)


def _describe_command_errors(errors: Sequence[Mapping[str, Any]]) -> str:
    """Pydantic's errors for a command, with the command's type named as the field."""
    described = []
    for error in errors:
        kind = error.get("type")
        if kind == "union_tag_invalid":
            tag = error.get("ctx", {}).get("tag")
            described.append(
                {"loc": ("type",), "input": tag, "msg": f"unknown command; known: {COMMAND_TYPES}"}
            )
        elif kind == "union_tag_not_found" or (kind == "dict_type" and not error.get("loc")):
            reason = f"a command is a JSON object with a type ({COMMAND_TYPES})"
            described.append({"type": "missing", "loc": ("type",), "msg": reason})
        else:
            described.append({**error, "loc": tuple(error.get("loc", ()))[1:] or ("command",)})
    return describe(described)
