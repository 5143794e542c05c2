"""The step endpoints' body, as the lean handler reads it: whole however it arrives, validated
by ``StepRequest`` as JSON whatever its ``Content-Type``, no body (or ``null``) one step, and
every bad body refused with a 422 naming the field and the value."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.requests import ClientDisconnect, Request
from starlette.types import Message

from app.lean_route import LeanRoute
from tests.app.helpers import body, create_session


def step_count(client: TestClient, session_id: str) -> Any:
    return body(client.get(f"/api/sessions/{session_id}"))["step"]


def test_a_body_sent_in_chunks_is_read_whole(client: TestClient) -> None:
    session_id = create_session(client)

    def chunks() -> Iterator[bytes]:
        yield from (b'{"n"', b"", b": 7}")

    response = client.post(f"/api/sessions/{session_id}/step", content=chunks())
    assert response.status_code == 200
    assert step_count(client, session_id) == 7


@pytest.mark.anyio
async def test_a_client_gone_before_its_body_is_read_raises_client_disconnect(app: FastAPI) -> None:
    messages: list[Message] = [
        {"type": "http.request", "body": b'{"n"', "more_body": True},
        {"type": "http.disconnect"},
    ]

    async def receive() -> Message:
        return messages.pop(0)

    (route,) = [r for r in app.routes if isinstance(r, LeanRoute) and r.path == "/api/step"]
    request = Request({"type": "http", "method": "POST", "headers": [], "app": app}, receive)
    with pytest.raises(ClientDisconnect):
        await route.get_route_handler()(request)


@pytest.mark.parametrize(
    ("content", "steps"),
    [(b"", 1), (b"null", 1), (b"  \n", 1), (b'{"n": 3}', 3), (b"{}", 1), (b' {"n":  4} ', 4)],
)
def test_a_body_asks_for_its_steps_whatever_its_content_type(
    client: TestClient, content: bytes, steps: int
) -> None:
    session_id = create_session(client)
    for headers in ({}, {"content-type": "text/plain"}, {"content-type": "application/json"}):
        response = client.post(f"/api/sessions/{session_id}/step", content=content, headers=headers)
        assert response.status_code == 200, response.text
    assert step_count(client, session_id) == 3 * steps


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"n": 0}', "n=0: Input should be greater than or equal to 1"),
        (b'{"n": 4, "m": 1}', "m=1: Extra inputs are not permitted"),
        (b'{"n": "2"}', "n='2': Input should be a valid integer"),
        (b"[1]", "body=[1]: Input should be an object"),
        (b'{"n": 1', "body: invalid JSON (EOF while parsing an object at line 1 column 7)"),
    ],
)
def test_a_bad_body_is_refused_every_time(client: TestClient, content: bytes, message: str) -> None:
    session_id = create_session(client)
    for _ in range(3):
        response = client.post(f"/api/sessions/{session_id}/step", content=content)
        assert response.status_code == 422
        assert body(response)["message"] == message
    assert step_count(client, session_id) == 0


def test_short_bodies_step_as_many_times_as_each_says(client: TestClient) -> None:
    session_id = create_session(client)
    for n in (3, 1, 3, 2, 3):  # the same body again, and others between
        response = client.post(f"/api/sessions/{session_id}/step", content=f'{{"n": {n}}}')
        assert response.status_code == 200
    assert step_count(client, session_id) == 12
