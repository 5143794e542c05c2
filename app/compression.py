"""Gzip for the page and its files, not for the API's per-step JSON.

The page, its ES modules and the history and regions are worth compressing for a browser across a
network; a step's response is not: it is small, and compressing it costs a step request a
noticeable share of its time for little saved (docs/benchmarks.md).
"""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

# the page, its files, and the larger read-only API answers (each a prefix of the path)
COMPRESSED_PATHS = ("/static/", "/docs", "/openapi.json", "/api/datasets", "/api/sessions/")
UNCOMPRESSED_SUFFIXES = ("/step", "/reset")  # (live streams are WebSockets: never gzipped)


class PathGZipMiddleware:
    """``GZipMiddleware`` for requests whose path is ``/`` or starts with one of ``paths`` (and
    is not a step or reset); other requests pass through untouched."""

    def __init__(
        self, app: ASGIApp, paths: tuple[str, ...], minimum_size: int, compresslevel: int
    ) -> None:
        self.app = app
        self.paths = paths
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size, compresslevel=compresslevel)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] == "http" and (
            path == "/"
            or (path.startswith(self.paths) and not path.endswith(UNCOMPRESSED_SUFFIXES))
        ):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)
