"""The per-step responses are written straight from the engine's arrays (app.responses): they
must still be exactly what the OpenAPI schema documents, with null for non-finite numbers."""

from __future__ import annotations

import math
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from app.schemas import Curves, FrameMessage, Regions, SessionState, StepResponse
from tests.app.helpers import body, create_session, strict_json

EXPLOSIVE = {"activation": "linear", "hidden": [8, 8], "learning_rate": 1e5, "seed": 2}


def _conforms(model: type[BaseModel], content: bytes) -> None:
    strict_json(content)  # no NaN or Infinity
    parsed = model.model_validate_json(content, strict=True)
    assert set(strict_json(content)) == set(model.model_fields)
    assert parsed.model_dump(mode="json") == strict_json(content)


@pytest.mark.parametrize("hidden", [[], [3], [4, 2]])
def test_state_and_step_responses_match_their_documented_models(
    client: TestClient, hidden: list[int]
) -> None:
    created = client.post("/api/sessions", json={"hidden": hidden})
    assert created.status_code == 201
    _conforms(SessionState, created.content)
    session_id = body(created)["id"]
    cases: list[tuple[Any, type[BaseModel]]] = [
        (client.get(f"/api/sessions/{session_id}"), SessionState),
        (client.post(f"/api/sessions/{session_id}/step", json={"n": 3}), StepResponse),
        (client.post(f"/api/sessions/{session_id}/step"), StepResponse),
        (client.patch(f"/api/sessions/{session_id}", json={"learning_rate": 0.2}), SessionState),
        (client.post(f"/api/sessions/{session_id}/reset"), SessionState),
        (client.post("/api/step"), StepResponse),
        (client.get("/api/state"), SessionState),
        (client.post("/api/reset"), SessionState),
    ]
    for response, model in cases:
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        _conforms(model, response.content)


def test_diverged_step_sends_null_for_non_finite_numbers_and_still_conforms(
    client: TestClient,
) -> None:
    session_id = create_session(client, **EXPLOSIVE)
    response = client.post(f"/api/sessions/{session_id}/step", json={"n": 100})
    assert response.status_code == 200
    _conforms(StepResponse, response.content)
    trace = body(response)["trace"]
    assert trace["diverged"] is True
    updates = [v for layer in trace["layers"] for row in layer["weight_update"] for v in row]
    assert None in updates  # the update that would have been non-finite
    assert all(v is None or math.isfinite(v) for v in updates)


def test_live_frames_match_the_documented_frame_message(client: TestClient) -> None:
    session_id = create_session(client, hidden=[3])
    with client.websocket_connect(f"/api/sessions/{session_id}/live") as ws:
        ws.receive_json()  # status
        ws.send_json({"type": "step", "n": 5})
        frame = ws.receive_text().encode()
    _conforms(FrameMessage, frame)
    assert strict_json(frame)["steps"] == 5


def test_history_and_regions_match_their_documented_models(client: TestClient) -> None:
    session_id = create_session(client, dataset="xor", hidden=[3])
    assert client.post(f"/api/sessions/{session_id}/step", json={"n": 95}).status_code == 200
    models: dict[str, type[BaseModel]] = {"history": Curves, "regions?resolution=7": Regions}
    for path, model in models.items():
        response = client.get(f"/api/sessions/{session_id}/{path}")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        _conforms(model, response.content)


def test_an_overflowed_network_error_is_null_in_the_history(client: TestClient) -> None:
    session_id = create_session(client, activation="linear", learning_rate=10.0)
    client.post(f"/api/sessions/{session_id}/step", json={"n": 300})
    response = client.get(f"/api/sessions/{session_id}/history")
    assert response.status_code == 200
    _conforms(Curves, response.content)
    assert None in body(response)["train"]["error"]  # finite but huge weights overflowed it
