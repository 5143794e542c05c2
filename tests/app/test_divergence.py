"""A diverged net: 409 on further steps, nulls (never NaN) in the record, a reset to go on."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.app.helpers import body, create_session

DIVERGING = {"activation": "linear", "learning_rate": 1e5, "seed": 0}


def diverge(client: TestClient) -> tuple[str, dict[str, Any]]:
    session_id = create_session(client, **DIVERGING)
    response = client.post(f"/api/sessions/{session_id}/step", json={"n": 1000})
    assert response.status_code == 200
    return session_id, body(response)  # body() fails on NaN or Infinity


def test_a_diverging_step_is_reported_with_nulls_for_non_finite_numbers(
    client: TestClient,
) -> None:
    _, state = diverge(client)
    assert state["diverged"] is True
    assert state["trace"]["diverged"] is True
    assert state["step"] == state["trace"]["step"] < 1000
    layer = state["trace"]["layers"][-1]
    assert None in [v for row in layer["weight_update"] for v in row]
    assert layer["weights"] == layer["weights_before"]  # the update was not applied
    assert layer["weights"] == state["layers"][-1]["weights"]


def test_step_after_divergence_answers_409(client: TestClient) -> None:
    session_id, state = diverge(client)
    response = client.post(f"/api/sessions/{session_id}/step")
    assert response.status_code == 409
    assert "diverged" in body(response)["detail"]
    assert "reset" in body(response)["detail"]
    assert body(client.get(f"/api/sessions/{session_id}"))["step"] == state["step"]


def test_every_read_of_a_diverged_session_is_valid_json(client: TestClient) -> None:
    session_id, _ = diverge(client)
    for path in ("", "/history"):
        response = client.get(f"/api/sessions/{session_id}{path}")
        assert response.status_code == 200
        body(response)


def test_reset_after_divergence_trains_again(client: TestClient) -> None:
    session_id, _ = diverge(client)
    response = client.post(f"/api/sessions/{session_id}/reset", json={"learning_rate": 0.01})
    assert response.status_code == 200
    assert body(response)["diverged"] is False
    response = client.post(f"/api/sessions/{session_id}/step", json={"n": 100})
    assert response.status_code == 200
    assert body(response)["diverged"] is False


def test_huge_weights_give_null_errors_not_nan(client: TestClient) -> None:
    session_id = create_session(client, activation="linear", learning_rate=1e5, seed=0)
    for _ in range(200):  # one step at a time: the last finite state before divergence
        response = client.post(f"/api/sessions/{session_id}/step")
        if response.status_code == 409:
            break
        state = body(response)
        for errors in state["metrics"].values():
            assert errors["error"] is None or errors["error"] >= 0
    assert response.status_code == 409
