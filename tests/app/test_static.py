"""A file served from memory (``app.static.CompressedFile``, Plotly.js): read and gzipped once,
even when the first requests come at once."""

from __future__ import annotations

import asyncio
import gzip
from pathlib import Path

import pytest
from starlette.requests import Request

from app.static import CompressedFile


def request(accept_encoding: str) -> Request:
    headers = [(b"accept-encoding", accept_encoding.encode())]
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers})


@pytest.mark.anyio
async def test_the_first_requests_at_once_read_and_gzip_the_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.js"
    path.write_bytes(b"console.log(1);\n" * 10_000)
    served = CompressedFile(path, "text/javascript", 60)
    loads = []
    load = served._load

    def counted_load() -> tuple[bytes, bytes, dict[str, str]]:
        loads.append(1)
        return load()

    monkeypatch.setattr(served, "_load", counted_load)
    responses = await asyncio.gather(*(served.response(request("gzip")) for _ in range(5)))
    assert len(loads) == 1
    for response in responses:
        assert response.headers["content-encoding"] == "gzip"
        assert gzip.decompress(response.body) == path.read_bytes()
    plain = await served.response(request(""))
    assert plain.body == path.read_bytes()
    assert len(loads) == 1
