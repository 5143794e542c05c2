"""Limits on what a client may send: request bodies, and a live stream's messages.

**Bodies** (``BodyLimitMiddleware``): at most ``max_body_size`` bytes, except where a route
needs more (a new session from a snapshot: ``max_snapshot_size``). A larger ``Content-Length`` is
refused before anything is read; a body sent in chunks is counted as it is read. Either way the
answer is a ``413`` JSON error with a ``message``, like every other error (Starlette's own limit
answers in plain text, so it is not used).

**Live streams** (``LiveStreamLimitMiddleware``): each connection may send ``COMMAND_BURST``
commands at once and ``COMMANDS_PER_SECOND`` on average (a token bucket), plus a ``ready`` a frame
(``max_frame_rate`` more of each: a page asks for every frame it draws), and no message over
``max_message_size`` bytes. A client that goes over is disconnected: the stream stops as if the
client had left, and the connection is closed with ``1008`` (policy violation) or ``1009``
(message too big) and a reason saying which limit. The work is bounded too: a stream reads its
next command only after answering the last (a ``step`` of at most ``MAX_STEPS`` steps included),
so one connection trains at most as fast as one core can, and a client that does not read its
answers is held up by its own socket (TCP's flow control), not buffered for without bound.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.clock import MONOTONIC, Clock
from app.errors import error_response

COMMANDS_PER_SECOND = 100.0  # far above a person's clicks and a speed slider's drag
COMMAND_BURST = 200.0
CLOSE_POLICY_VIOLATION = 1008
CLOSE_MESSAGE_TOO_BIG = 1009


def _too_large(limit: int) -> str:
    return f"the request body is over the limit of {limit} bytes"


class BodyTooLargeError(HTTPException):
    """A body found too large while being read (its ``Content-Length`` did not say so)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, _too_large(limit))


class BodyLimitMiddleware:
    """Refuses request bodies over the limit with a JSON ``413`` (pure ASGI: nothing is read
    or parsed for a request within the limit beyond its ``Content-Length``)."""

    def __init__(
        self, app: ASGIApp, max_body_size: int, larger: Mapping[tuple[str, str], int]
    ) -> None:
        """``larger``: a bigger limit for some ``(method, path)``s."""
        self.app = app
        self.max_body_size = max_body_size
        self.larger = dict(larger)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get((scope["method"], scope["path"]), self.max_body_size)
        for name, value in scope["headers"]:
            if name == b"content-length":
                if value.isdigit() and int(value) > limit:
                    await error_response(413, _too_large(limit))(scope, receive, send)
                    return
                break
        received = 0

        async def receive_within_limit() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:  # raised into the route: answered by app.errors, as JSON
                raise BodyTooLargeError(limit)
            return message

        await self.app(scope, receive_within_limit, send)


class _Bucket:
    """A token bucket: ``capacity`` at once, refilled at ``rate`` a second of ``clock``'s time."""

    def __init__(self, capacity: float, rate: float, clock: Clock) -> None:
        self.capacity, self.rate, self.clock = capacity, rate, clock
        self.tokens, self.counted = capacity, clock.now()

    def take(self, tokens: float) -> bool:
        now = self.clock.now()
        self.tokens = min(self.capacity, self.tokens + (now - self.counted) * self.rate)
        self.counted = now
        if tokens > self.tokens:
            return False
        self.tokens -= tokens
        return True


class StreamGuard:
    """One connection's limits."""

    def __init__(
        self, max_message_size: int, clock: Clock = MONOTONIC, asks_per_second: float = 0.0
    ) -> None:
        self.max_message_size = max_message_size
        # the asks for frames (``ready``, at most one a frame) come on top of the commands
        self.burst = COMMAND_BURST + asks_per_second
        self.rate = COMMANDS_PER_SECOND + asks_per_second
        self.commands = _Bucket(self.burst, self.rate, clock)

    def check(self, message: Message) -> tuple[int, str] | None:
        """The close code and reason if ``message`` goes over a limit, else ``None``."""
        data = message.get("text")
        if data is None:
            data = message.get("bytes") or b""
        if len(data) > self.max_message_size:
            return CLOSE_MESSAGE_TOO_BIG, f"message too big: at most {self.max_message_size} bytes"
        if not self.commands.take(1):
            return CLOSE_POLICY_VIOLATION, (
                f"too many commands: at most {self.rate:.0f} a second (bursts of {self.burst:.0f})"
            )
        return None


class LiveStreamLimitMiddleware:
    """Applies ``StreamGuard``'s limits to every WebSocket connection (pure ASGI; HTTP requests
    pass straight through)."""

    def __init__(
        self,
        app: ASGIApp,
        max_message_size: int,
        max_frame_rate: float = 0.0,
        clock: Clock = MONOTONIC,
    ) -> None:
        self.app = app
        self.max_message_size = max_message_size
        self.max_frame_rate = max_frame_rate  # the asks for frames on top of the commands
        self.clock = clock  # the buckets' time: the real one, or one a test moves by hand

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        guard = StreamGuard(self.max_message_size, self.clock, self.max_frame_rate)
        violation: tuple[int, str] | None = None
        closed = False

        async def guarded_receive() -> Message:
            nonlocal violation
            if violation is not None:
                return {"type": "websocket.disconnect", "code": violation[0]}
            message = await receive()
            if message["type"] == "websocket.receive":
                violation = guard.check(message)
                if violation is not None:  # the app stops as if the client had left
                    return {"type": "websocket.disconnect", "code": violation[0]}
            return message

        async def watched_send(message: Message) -> None:
            nonlocal closed
            closed = closed or message["type"] == "websocket.close"
            await send(message)

        await self.app(scope, guarded_receive, watched_send)
        if violation is not None and not closed:  # closed once the app has let go
            code, reason = violation
            await send({"type": "websocket.close", "code": code, "reason": reason})
