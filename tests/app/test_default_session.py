"""``/api/step``, ``/api/reset``, ``/api/state``: the session that always exists."""

from __future__ import annotations

from fastapi.testclient import TestClient

from core import Trainer, TrainerConfig
from tests.app.helpers import body, weights_of


def test_state_of_the_default_session_is_the_default_config_at_step_0(
    client: TestClient,
) -> None:
    response = client.get("/api/state")
    assert response.status_code == 200
    state = body(response)
    assert state["id"] == "default"
    assert state["step"] == 0
    assert state["config"]["dataset"] == "iris"
    assert [layer["weights"] for layer in state["layers"]] == weights_of(Trainer(TrainerConfig()))


def test_step_and_reset_drive_the_default_session(client: TestClient) -> None:
    response = client.post("/api/step")
    assert response.status_code == 200
    assert body(response)["step"] == 1
    assert body(client.post("/api/step", json={"n": 9}))["step"] == 10
    assert body(client.get("/api/sessions/default"))["step"] == 10
    response = client.post("/api/reset")
    assert response.status_code == 200
    assert body(response)["step"] == 0
    assert body(client.get("/api/state"))["step"] == 0


def test_reset_of_the_default_session_takes_a_config(client: TestClient) -> None:
    response = client.post("/api/reset", json={"dataset": "or", "seed": 1})
    assert response.status_code == 200
    assert body(response)["config"]["dataset"] == "or"
    assert body(client.get("/api/state"))["config"]["seed"] == 1


def test_step_of_the_default_session_validates_n(client: TestClient) -> None:
    response = client.post("/api/step", json={"n": 0})
    assert response.status_code == 422
    assert "n=0" in body(response)["message"]


def test_default_session_cannot_be_deleted(client: TestClient) -> None:
    response = client.delete("/api/sessions/default")
    assert response.status_code == 409
    assert "reset it instead" in body(response)["detail"]
    assert client.get("/api/state").status_code == 200


def test_default_session_is_never_evicted(client: TestClient) -> None:
    client.post("/api/step")
    for _ in range(20):  # more than max_sessions (8)
        assert client.post("/api/sessions").status_code == 201
    assert body(client.get("/api/state"))["step"] == 1
