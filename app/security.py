"""Security headers on every response, and live streams only from the page's own origin.

Every HTTP response gets ``SECURITY_HEADERS``: a Content-Security-Policy that allows scripts,
styles, images, fonts and connections from the server itself only, no inline script (the page
and the API docs load theirs from files), inline styles (Plotly and Swagger UI set them), images
from ``data:`` and ``blob:`` URLs (icons, exported plots), no plugin, no ``<base>``, no framing by
other sites and forms posting only here; ``X-Content-Type-Options: nosniff``; and
``Referrer-Policy: no-referrer`` (a session's id is in its URLs). No CORS header is ever sent,
so other sites' scripts cannot read the API's answers.

Browsers do not apply CORS to WebSockets, so a stream whose handshake names another site as its
``Origin`` is refused (``403``): a page elsewhere cannot drive a session (scripts and ``curl``
send no ``Origin`` and are let in). Likewise a request with an unsafe method (``POST``, ``PUT``,
``PATCH``, ``DELETE``) naming another site (or ``null``) as its ``Origin`` is refused with a
``403``: a page elsewhere could send a "simple" cross-site POST without CORS's leave (it cannot read
the answer, but it could step or reset the default session, or fill the store with sessions and
evict the user's). Behind a reverse proxy, pass the ``Host`` header through.

Pure ASGI, with the headers encoded once: adding them costs a response a list concatenation
(``BaseHTTPMiddleware`` would cost the per-step requests a task and a stream each).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import error_response

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
CLOSE_FOREIGN_ORIGIN = 1008  # before the handshake is accepted: uvicorn answers 403
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CROSS_SITE_REFUSED = (
    "cross-site request refused: its Origin is not this server; changes are accepted from the "
    "playground's own page, or from clients that send no Origin (scripts, curl)"
)


class SecurityHeadersMiddleware:
    """Adds ``SECURITY_HEADERS`` to every HTTP response; refuses cross-site live streams and
    cross-site requests with unsafe methods."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":

            async def send_with_headers(message: Message) -> None:
                if message["type"] == "http.response.start":
                    message["headers"] = [*message.get("headers", ()), *SECURITY_HEADERS]
                await send(message)

            if scope["method"] in UNSAFE_METHODS and not same_origin(scope):
                await error_response(403, CROSS_SITE_REFUSED)(scope, receive, send_with_headers)
                return
            await self.app(scope, receive, send_with_headers)
        elif scope["type"] == "websocket" and not same_origin(scope):
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": CLOSE_FOREIGN_ORIGIN})
        else:
            await self.app(scope, receive, send)


def same_origin(scope: Scope) -> bool:
    """Whether the request has no ``Origin`` header or one naming the host it was sent to."""
    origin = host = None
    for name, value in scope["headers"]:
        if name == b"origin":
            origin = value.decode("latin-1")
        elif name == b"host":
            host = value.decode("latin-1")
    if origin is None:
        return True
    return host is not None and urlsplit(origin).netloc == host
