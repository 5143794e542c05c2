"""The step endpoints' body: read straight from the ASGI messages, its step count validated by
``StepRequest`` (and remembered for short bodies, which must not change any answer)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.requests import ClientDisconnect, Request
from starlette.types import Message

from app.routes.sessions import MAX_REMEMBERED_BODY, read_body
from tests.app.helpers import body, create_session


def request_receiving(*messages: Message) -> Request:
    queue = list(messages)

    async def receive() -> Message:
        return queue.pop(0)

    return Request({"type": "http", "method": "POST", "headers": []}, receive)


@pytest.mark.anyio
async def test_a_body_sent_in_chunks_is_read_whole() -> None:
    request = request_receiving(
        {"type": "http.request", "body": b'{"n"', "more_body": True},
        {"type": "http.request", "body": b"", "more_body": True},
        {"type": "http.request", "body": b": 7}", "more_body": False},
    )
    assert await read_body(request) == b'{"n": 7}'


@pytest.mark.anyio
async def test_a_client_gone_before_its_body_is_read_raises_client_disconnect() -> None:
    request = request_receiving(
        {"type": "http.request", "body": b'{"n"', "more_body": True},
        {"type": "http.disconnect"},
    )
    with pytest.raises(ClientDisconnect):
        await read_body(request)


def step_count(client: TestClient, session_id: str) -> Any:
    return body(client.get(f"/api/sessions/{session_id}"))["step"]


def test_a_bad_short_body_is_refused_every_time(client: TestClient) -> None:
    session_id = create_session(client)
    for _ in range(3):  # a remembered answer would let the second one through
        response = client.post(f"/api/sessions/{session_id}/step", content=b'{"n": 0}')
        assert response.status_code == 422
        assert body(response)["message"] == "n=0: Input should be greater than or equal to 1"
    assert step_count(client, session_id) == 0


def test_short_bodies_step_as_many_times_as_each_says(client: TestClient) -> None:
    session_id = create_session(client)
    for n in (3, 1, 3, 2, 3):  # the same body again, and others between
        response = client.post(f"/api/sessions/{session_id}/step", content=f'{{"n": {n}}}')
        assert response.status_code == 200
    assert step_count(client, session_id) == 12


def test_a_body_too_long_to_be_remembered_is_validated_as_any_other(client: TestClient) -> None:
    session_id = create_session(client)
    padding = " " * MAX_REMEMBERED_BODY
    good = f'{{"n": {padding}4}}'
    bad = f'{{"n": 4, {padding}"m": 1}}'
    assert len(good) > MAX_REMEMBERED_BODY
    assert client.post(f"/api/sessions/{session_id}/step", content=good).status_code == 200
    response = client.post(f"/api/sessions/{session_id}/step", content=bad)
    assert response.status_code == 422
    assert body(response)["message"] == "m=1: Extra inputs are not permitted"
    assert step_count(client, session_id) == 4
