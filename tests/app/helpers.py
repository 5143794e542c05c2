"""Helpers for the API tests: strict JSON, sessions made in one call."""

from __future__ import annotations

import json
from typing import Any, Protocol

from core import Trainer


class Response(Protocol):
    """An HTTP response of httpx, httpx2 (Starlette's test client) or the like."""

    @property
    def content(self) -> bytes: ...


def _no_constant(name: str) -> Any:
    raise AssertionError(f"the response holds {name}, which JSON does not have")


def strict_json(text: str | bytes) -> Any:
    """``json.loads`` that fails on NaN, Infinity and -Infinity (Python accepts them)."""
    return json.loads(text, parse_constant=_no_constant)


def body(response: Response) -> Any:
    """The response's JSON, parsed strictly."""
    return strict_json(response.content)


def create_session(client: Any, **config: Any) -> str:
    """A new session's id (``client``: a TestClient or any httpx-like client)."""
    response = client.post("/api/sessions", json=config)
    assert response.status_code == 201, response.text
    session_id: str = response.json()["id"]
    return session_id


def weights_of(trainer: Trainer) -> list[list[list[float]]]:
    return [w.tolist() for w in trainer.weights]
