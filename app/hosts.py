"""Only the server's own names in the ``Host`` header: a site whose name is made to resolve to
127.0.0.1 (DNS rebinding) gets its own name there, so its pages cannot drive a local server.

Starlette's ``TrustedHostMiddleware`` does the check (HTTP and WebSocket scopes alike, patterns
such as ``*.example.com``, ``*`` for any host); its refusal, a bare "Invalid host header", is
replaced by a 400 that names the refused host and the allowed ones. No ``www.`` redirect: a
refused host is refused.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import error_response

MAX_SHOWN = 100  # characters of a refused Host header repeated in the answer


class AllowedHostsMiddleware:
    """Answers requests and streams whose ``Host`` is one of ``allowed_hosts``; a clear 400 to the
    others (on a WebSocket, before the handshake)."""

    def __init__(self, app: ASGIApp, allowed_hosts: Sequence[str]) -> None:
        self.app = app
        self.allowed_hosts = list(allowed_hosts)
        self.check = TrustedHostMiddleware(self._allowed, self.allowed_hosts, www_redirect=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.check(scope, receive, _Refusal(scope, send, self.allowed_hosts))

    async def _allowed(self, scope: Scope, receive: Receive, send: Send) -> None:
        # past the check: the app answers through the server's own send, untouched
        await self.app(scope, receive, send.send if isinstance(send, _Refusal) else send)


class _Refusal:
    """The send given to Starlette's check: only its refusal comes through it, and is replaced."""

    __slots__ = ("allowed_hosts", "scope", "send")

    def __init__(self, scope: Scope, send: Send, allowed_hosts: list[str]) -> None:
        self.scope, self.send, self.allowed_hosts = scope, send, allowed_hosts

    async def __call__(self, message: Message) -> None:
        if not message["type"].endswith("http.response.start"):
            return  # Starlette's body: ours was sent with the start
        host = dict(self.scope["headers"]).get(b"host", b"").decode("latin-1")
        shown = host if len(host) <= MAX_SHOWN else host[:MAX_SHOWN] + "…"
        allowed = ", ".join(self.allowed_hosts)
        response = error_response(
            400,
            f"Host header {shown!r} refused: this server answers to {allowed} "
            "(the PLAYGROUND_ALLOWED_HOSTS setting)",
        )

        async def no_receive() -> Message:
            raise AssertionError("a refusal reads nothing")

        await response(self.scope, no_receive, self.send)
