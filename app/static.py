"""Static files, cacheable: ``/static`` from the page's folder, and Plotly.js from the installed
``plotly`` package, gzipped once and kept in memory (Plotly.js is megabytes: compressing it per
request would cost far more CPU than serving it, see docs/benchmarks.md)."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import os
from email.utils import formatdate, parsedate_to_datetime
from importlib import resources
from pathlib import Path

from anyio import to_thread
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

PLOTLY_JS = "plotly.min.js"
VENDOR_MAX_AGE = 86_400  # Plotly.js changes only with the pinned plotly version


class CachedStaticFiles(StaticFiles):
    """``StaticFiles`` (ETag, Last-Modified, 304s) plus ``Cache-Control: max-age``."""

    def __init__(self, directory: Path, max_age: int) -> None:
        super().__init__(directory=directory)
        self.cache_control = f"public, max-age={max_age}"

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = self.cache_control
        return response


def plotly_path() -> Path:
    """Where the installed ``plotly`` package keeps its bundled ``plotly.min.js``."""
    return Path(str(resources.files("plotly") / "package_data" / PLOTLY_JS))


class CompressedFile:
    """One file served from memory, gzipped once, with ETag, Last-Modified and Cache-Control."""

    def __init__(self, path: Path, media_type: str, max_age: int) -> None:
        self.path = path
        self.media_type = media_type
        self.max_age = max_age
        self._loaded: tuple[bytes, bytes, dict[str, str]] | None = None
        self._loading = asyncio.Lock()  # the first requests at once read and gzip it only once

    def _load(self) -> tuple[bytes, bytes, dict[str, str]]:
        content = self.path.read_bytes()
        stat = self.path.stat()
        headers = {
            "ETag": f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"',
            "Last-Modified": formatdate(stat.st_mtime, usegmt=True),
            "Cache-Control": f"public, max-age={self.max_age}",
            "Vary": "Accept-Encoding",
        }
        return content, gzip.compress(content, compresslevel=9, mtime=0), headers

    async def response(self, request: Request) -> Response:
        if self._loaded is None:
            async with self._loading:
                if self._loaded is None:
                    self._loaded = await to_thread.run_sync(self._load)
        content, compressed, headers = self._loaded
        if _not_modified(request.headers, headers):
            return Response(status_code=304, headers=headers)
        if "gzip" in request.headers.get("accept-encoding", ""):
            headers = {**headers, "Content-Encoding": "gzip"}
            return Response(compressed, media_type=self.media_type, headers=headers)
        return Response(content, media_type=self.media_type, headers=headers)


def _not_modified(request_headers: Headers, headers: dict[str, str]) -> bool:
    if if_none_match := request_headers.get("if-none-match"):
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return "*" in tags or headers["ETag"] in tags
    if since := request_headers.get("if-modified-since"):
        try:
            return parsedate_to_datetime(since) >= parsedate_to_datetime(headers["Last-Modified"])
        except (TypeError, ValueError):  # a malformed date, or one without a time zone
            return False
    return False
