"""The gradient check and the weight edit, through the API."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from core import Trainer, TrainerConfig, backprop
from tests.app.helpers import body, create_session

EPS = 1e-6


def _hidden_f(name: str, net: np.ndarray) -> np.ndarray:
    # the two activations these tests use, written here
    y: np.ndarray = np.tanh(net) if name == "tanh" else (np.tanh(net) + 1) / 2  # tanh01
    return y


def _loss_from(
    layers: list[np.ndarray], activation: str, loss: str, net: np.ndarray, t: Any
) -> float:
    """E as a function of one layer's net, ``layers`` the weights above it."""
    for w in layers:
        net = w[:, :-1] @ _hidden_f(activation, net) + w[:, -1]
    t = np.array(t)
    if loss == "squared_error":
        return 0.5 * float(np.sum((t - _hidden_f(activation, net)) ** 2))
    if net.shape[0] == 1:
        y = 1 / (1 + math.exp(-net[0]))
        return -float(t[0] * math.log(y) + (1 - t[0]) * math.log(1 - y))
    y = np.exp(net - net.max()) / np.exp(net - net.max()).sum()
    return -float(np.sum(t * np.log(y)))


@pytest.mark.parametrize(
    "config",
    [
        {"hidden": [3], "activation": "tanh", "loss": "squared_error"},
        {"hidden": [4, 3], "activation": "tanh01", "loss": "cross_entropy"},
        {"dataset": "xor", "hidden": [3], "activation": "tanh", "loss": "cross_entropy"},
    ],
)
def test_the_gradient_check_matches_central_differences_taken_here(
    client: TestClient, config: dict[str, Any]
) -> None:
    session_id = create_session(client, seed=2, **config)
    step = body(client.post(f"/api/sessions/{session_id}/step", json={"n": 12}))
    trace = step["trace"]
    response = client.get(f"/api/sessions/{session_id}/gradient-check")
    assert response.status_code == 200, response.text
    check = body(response)
    assert check["step"] == 12
    assert check["epsilon"] > 0
    weights = [np.array(layer["weights_before"]) for layer in trace["layers"]]
    t = trace["sample"]["target"]
    lr = trace["learning_rate"]
    assert len(check["layers"]) == len(weights)
    for layer, (part, rec) in enumerate(zip(check["layers"], trace["layers"], strict=True)):
        assert part["delta"] == rec["delta"]
        assert part["weight_update"] == rec["weight_update"]
        net = np.array(rec["net"])
        above = weights[layer + 1 :]
        numerical = []
        for k in range(net.shape[0]):
            nudge = np.eye(net.shape[0])[k] * EPS
            plus = _loss_from(above, config["activation"], config["loss"], net + nudge, t)
            minus = _loss_from(above, config["activation"], config["loss"], net - nudge, t)
            numerical.append(-(plus - minus) / (2 * EPS))
        np.testing.assert_allclose(part["numerical_delta"], numerical, rtol=1e-6, atol=1e-10)
        np.testing.assert_allclose(part["numerical_delta"], rec["delta"], rtol=1e-5, atol=1e-9)
        a_b = np.append(rec["input"], 1.0)
        update = np.zeros_like(weights[layer])
        for k, j in np.ndindex(update.shape):
            w_plus, w_minus = weights[layer].copy(), weights[layer].copy()
            w_plus[k, j] += EPS
            w_minus[k, j] -= EPS
            plus = _loss_from(above, config["activation"], config["loss"], w_plus @ a_b, t)
            minus = _loss_from(above, config["activation"], config["loss"], w_minus @ a_b, t)
            update[k, j] = -lr * (plus - minus) / (2 * EPS)
        np.testing.assert_allclose(part["numerical_weight_update"], update, rtol=1e-6, atol=1e-12)
        assert 0 <= part["max_relative_difference"] < 1e-6


def test_the_gradient_check_answers_409_before_the_first_step(client: TestClient) -> None:
    session_id = create_session(client)
    response = client.get(f"/api/sessions/{session_id}/gradient-check")
    assert response.status_code == 409
    assert "take a step first" in body(response)["message"]
    client.post(f"/api/sessions/{session_id}/step")
    assert client.get(f"/api/sessions/{session_id}/gradient-check").status_code == 200
    client.post(f"/api/sessions/{session_id}/reset")
    assert client.get(f"/api/sessions/{session_id}/gradient-check").status_code == 409


def test_the_gradient_check_of_an_unknown_session_answers_404(client: TestClient) -> None:
    assert client.get("/api/sessions/nope/gradient-check").status_code == 404


def test_a_weight_edit_then_a_step_is_the_engines_arithmetic_from_the_edited_weights(
    client: TestClient,
) -> None:
    session_id = create_session(client, hidden=[3], seed=4)
    client.post(f"/api/sessions/{session_id}/step", json={"n": 7})
    edit = {"layer": 1, "row": 2, "column": 1, "value": -0.8}
    response = client.patch(f"/api/sessions/{session_id}", json={"weight": edit})
    assert response.status_code == 200, response.text
    state = body(response)
    assert state["layers"][1]["weights"][2][1] == -0.8
    edited = [np.array(layer["weights"]) for layer in state["layers"]]
    step = body(client.post(f"/api/sessions/{session_id}/step"))
    trace = step["trace"]
    for layer, w in zip(trace["layers"], edited, strict=True):
        assert layer["weights_before"] == w.tolist()
    trainer = Trainer(TrainerConfig(hidden=(3,), seed=4))
    expected = backprop(
        edited,
        np.array(trace["sample"]["x"]),
        np.array(trace["sample"]["target"]),
        trainer.activation,
        trainer.loss,
        0.1,
    )
    for got, want in zip(trace["layers"], expected.layers, strict=True):
        assert got["delta"] == want.delta.tolist()
        assert got["weights"] == want.weights.tolist()
    assert [layer["weights"] for layer in step["layers"]] == [
        want.weights.tolist() for want in expected.layers
    ]
    # a snapshot carries it: restored, the session goes on exactly as the original
    snapshot = body(client.get(f"/api/sessions/{session_id}/snapshot"))
    restored = body(client.post("/api/sessions", json={"snapshot": snapshot}))["id"]
    a = body(client.post(f"/api/sessions/{session_id}/step", json={"n": 20}))
    b = body(client.post(f"/api/sessions/{restored}/step", json={"n": 20}))
    assert a["layers"] == b["layers"]


def test_a_patch_may_change_the_learning_rate_and_a_weight_at_once(client: TestClient) -> None:
    session_id = create_session(client)
    update = {"learning_rate": 0.3, "weight": {"layer": 0, "row": 0, "column": 4, "value": 2}}
    state = body(client.patch(f"/api/sessions/{session_id}", json=update))
    assert state["config"]["learning_rate"] == 0.3
    assert state["layers"][0]["weights"][0][4] == 2.0


@pytest.mark.parametrize(
    ("weight", "named"),
    [
        ({"layer": 2, "row": 0, "column": 0, "value": 0.1}, "weight.layer=2"),
        ({"layer": -1, "row": 0, "column": 0, "value": 0.1}, "weight.layer=-1"),
        ({"layer": 0, "row": 3, "column": 0, "value": 0.1}, "weight.row=3"),
        ({"layer": 1, "row": 3, "column": 0, "value": 0.1}, "weight.row=3"),
        ({"layer": 0, "row": 0, "column": 5, "value": 0.1}, "weight.column=5"),
        ({"layer": 0, "row": 0, "column": 0, "value": 101}, "weight.value=101"),
        ({"layer": 0, "row": 0, "column": 0, "value": -1e300}, "weight.value=-1e+300"),
        ({"layer": 0, "row": 0, "column": 0, "value": "1"}, "weight.value='1'"),
        ({"layer": 0.5, "row": 0, "column": 0, "value": 1}, "weight.layer=0.5"),
        ({"layer": 0, "row": True, "column": 0, "value": 1}, "weight.row=True"),
        ({"layer": 0, "row": 0, "column": 0}, "weight.value: Field required"),
        ({"layer": 0, "row": 0, "column": 0, "value": 1, "unit": 2}, "weight.unit=2"),
    ],
)
def test_a_bad_weight_index_or_value_answers_422_naming_it(
    client: TestClient, weight: dict[str, Any], named: str
) -> None:
    session_id = create_session(client, hidden=[3])  # shapes (3, 5) and (3, 4)
    before = body(client.get(f"/api/sessions/{session_id}"))["layers"]
    response = client.patch(f"/api/sessions/{session_id}", json={"weight": weight})
    assert response.status_code == 422, response.text
    assert named in body(response)["message"]
    assert body(client.get(f"/api/sessions/{session_id}"))["layers"] == before


@pytest.mark.parametrize("raw", [b'{"weight": {"layer": 0, "row": 0, "column": 0, "value": NaN}}'])
def test_a_non_finite_weight_answers_422(client: TestClient, raw: bytes) -> None:
    session_id = create_session(client)
    response = client.patch(
        f"/api/sessions/{session_id}", content=raw, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert "weight.value=nan" in body(response)["message"]
