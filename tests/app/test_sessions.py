"""``/api/sessions``: create, read, step, reset, change, history, regions, delete."""

from __future__ import annotations

import math

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.sessions import ID_BYTES
from core import Trainer, TrainerConfig, decision_regions, load_dataset
from tests.app.helpers import body, create_session, weights_of

STATE_KEYS = {"id", "config", "step", "layers", "metrics", "diverged"}
LAYER_TRACE_KEYS = {
    "input",
    "net",
    "output",
    "activation_diff",
    "incoming",
    "delta",
    "weights_before",
    "weight_update",
    "weights",
}


def test_create_session_answers_201_with_the_default_config(client: TestClient) -> None:
    response = client.post("/api/sessions")
    assert response.status_code == 201
    state = body(response)
    assert set(state) == STATE_KEYS
    assert state["config"] == {
        "dataset": "iris",
        "hidden": [],
        "activation": "tanh01",
        "loss": "squared_error",
        "learning_rate": 0.1,
        "max_weight": 0.5,
        "seed": 0,
        "sampling": "random",
        "features": ["x1", "x2"],
        "noise": 0.0,
    }
    assert state["step"] == 0
    assert state["diverged"] is False
    assert weights_of(Trainer(TrainerConfig())) == [layer["weights"] for layer in state["layers"]]


def test_create_session_takes_every_config_field(client: TestClient) -> None:
    config = {
        "dataset": "xor",
        "hidden": [4, 3],
        "activation": "sigmoid",
        "loss": "cross_entropy",
        "learning_rate": 0.5,
        "max_weight": 1.0,
        "seed": 7,
        "sampling": "epoch",
        "features": ["x1", "x1*x2", "sin(x2)"],
        "noise": 0.25,
    }
    response = client.post("/api/sessions", json=config)
    assert response.status_code == 201
    state = body(response)
    assert state["config"] == config
    shapes = [np.array(layer["weights"]).shape for layer in state["layers"]]
    assert shapes == [(4, 4), (3, 5), (1, 4)]  # (n_out, n_in + 1), input to output


def test_session_ids_are_unguessable_and_distinct(client: TestClient) -> None:
    ids = {create_session(client) for _ in range(5)}
    assert len(ids) == 5
    for session_id in ids:
        assert len(session_id) * 6 >= ID_BYTES * 8 >= 128  # base64url: 6 bits a character
        assert session_id.replace("-", "").replace("_", "").isalnum()


def test_read_session_answers_its_state(client: TestClient) -> None:
    session_id = create_session(client, seed=3)
    response = client.get(f"/api/sessions/{session_id}")
    assert response.status_code == 200
    state = body(response)
    assert state["id"] == session_id
    assert state["config"]["seed"] == 3
    assert set(state["metrics"]) == {"train", "validation", "test"}
    for errors in state["metrics"].values():
        assert set(errors) == {"error", "classification_error", "loss"}
        assert 0 <= errors["classification_error"] <= 1


def test_metrics_match_the_engines_set_errors(client: TestClient) -> None:
    session_id = create_session(client, seed=5)
    state = body(client.post(f"/api/sessions/{session_id}/step", json={"n": 50}))
    trainer = Trainer(TrainerConfig(seed=5))
    trainer.run(50)
    for name, errors in trainer.set_errors().items():
        assert state["metrics"][name] == {
            "error": errors.error,
            "classification_error": errors.classification_error,
            "loss": errors.loss,
        }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", ""),
        ("post", "/step"),
        ("post", "/reset"),
        ("get", "/history"),
        ("get", "/regions"),
        ("delete", ""),
    ],
)
def test_unknown_session_answers_404(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, f"/api/sessions/no-such-session{path}")
    assert response.status_code == 404
    assert "'no-such-session' not found" in body(response)["detail"]


def test_patch_unknown_session_answers_404(client: TestClient) -> None:
    response = client.patch("/api/sessions/nope", json={"learning_rate": 0.2})
    assert response.status_code == 404


def test_step_without_body_takes_one_step_and_returns_its_trace(client: TestClient) -> None:
    session_id = create_session(client)
    response = client.post(f"/api/sessions/{session_id}/step")
    assert response.status_code == 200
    state = body(response)
    assert set(state) == STATE_KEYS | {"trace"}
    assert state["step"] == 1
    trace = state["trace"]
    assert trace["step"] == 1
    assert trace["learning_rate"] == 0.1
    assert trace["diverged"] is False
    assert trace["sample"]["set"] == "train"
    assert len(trace["sample"]["x"]) == 4
    assert len(trace["sample"]["target"]) == 3
    (layer,) = trace["layers"]
    assert set(layer) == {*LAYER_TRACE_KEYS, "activation"}
    assert np.array(layer["weights_before"]).shape == (3, 5)
    assert layer["weights"] == state["layers"][0]["weights"]
    assert trace["loss"] == pytest.approx(0.5 * sum(e * e for e in trace["error"]))


def test_step_trace_is_the_engines_record_of_the_last_step(client: TestClient) -> None:
    session_id = create_session(client, dataset="xor", hidden=[3], seed=11)
    trace = body(client.post(f"/api/sessions/{session_id}/step", json={"n": 25}))["trace"]
    trainer = Trainer(TrainerConfig(dataset="xor", hidden=(3,), seed=11))
    record = trainer.run(25)
    assert record is not None
    assert trace["step"] == record.step == 25
    assert trace["sample"]["index"] == record.sample.index
    assert trace["sample"]["x"] == record.sample.x.tolist()
    assert trace["error"] == record.error.tolist()
    assert trace["loss"] == record.loss
    assert trace["loss_after"] == record.loss_after
    for layer, expected in zip(trace["layers"], record.layers, strict=True):
        assert set(layer) == {*LAYER_TRACE_KEYS, "activation"}
        assert layer["activation"] == expected.activation == "tanh01"
        for key in LAYER_TRACE_KEYS:
            assert layer[key] == getattr(expected, key).tolist(), key


@pytest.mark.parametrize("splits", [[1000], [1, 999], [300, 300, 400]])
def test_api_weights_equal_the_engines_for_the_same_steps(
    client: TestClient, splits: list[int]
) -> None:
    config = {"dataset": "circle", "hidden": [5], "activation": "tanh", "seed": 42}
    session_id = create_session(client, **config)
    for n in splits:
        assert client.post(f"/api/sessions/{session_id}/step", json={"n": n}).status_code == 200
    state = body(client.get(f"/api/sessions/{session_id}"))
    trainer = Trainer(TrainerConfig(dataset="circle", hidden=(5,), activation="tanh", seed=42))
    trainer.run(sum(splits), record_last=False)
    assert state["step"] == trainer.step_count == 1000
    assert [layer["weights"] for layer in state["layers"]] == weights_of(trainer)  # exactly


def test_step_takes_up_to_100000_steps(client: TestClient) -> None:
    session_id = create_session(client)
    response = client.post(f"/api/sessions/{session_id}/step", json={"n": 100_000})
    assert response.status_code == 200
    assert body(response)["step"] == 100_000


def test_patch_changes_the_learning_rate_without_reset(client: TestClient) -> None:
    session_id = create_session(client, seed=2)
    client.post(f"/api/sessions/{session_id}/step", json={"n": 10})
    response = client.patch(f"/api/sessions/{session_id}", json={"learning_rate": 0.7})
    assert response.status_code == 200
    state = body(response)
    assert state["step"] == 10
    assert state["config"]["learning_rate"] == 0.7
    after = body(client.post(f"/api/sessions/{session_id}/step", json={"n": 5}))
    assert after["trace"]["learning_rate"] == 0.7

    trainer = Trainer(TrainerConfig(seed=2))
    trainer.run(10)
    trainer.learning_rate = 0.7
    trainer.run(5)
    assert [layer["weights"] for layer in after["layers"]] == weights_of(trainer)


def test_reset_without_body_starts_over_with_the_same_config(client: TestClient) -> None:
    session_id = create_session(client, dataset="and", seed=9)
    first = body(client.post(f"/api/sessions/{session_id}/step", json={"n": 3}))
    client.post(f"/api/sessions/{session_id}/step", json={"n": 200})
    response = client.post(f"/api/sessions/{session_id}/reset")
    assert response.status_code == 200
    state = body(response)
    assert state["step"] == 0
    assert state["config"]["dataset"] == "and"
    again = body(client.post(f"/api/sessions/{session_id}/step", json={"n": 3}))
    assert again["layers"] == first["layers"]
    history = body(client.get(f"/api/sessions/{session_id}/history"))
    assert history["train"]["step"] == [0]


def test_reset_keeps_a_changed_learning_rate(client: TestClient) -> None:
    session_id = create_session(client)
    client.patch(f"/api/sessions/{session_id}", json={"learning_rate": 0.3})
    state = body(client.post(f"/api/sessions/{session_id}/reset"))
    assert state["config"]["learning_rate"] == 0.3


def test_reset_with_config_changes_only_the_fields_given(client: TestClient) -> None:
    session_id = create_session(client, dataset="xor", hidden=[2], seed=4)
    client.post(f"/api/sessions/{session_id}/step", json={"n": 10})
    response = client.post(f"/api/sessions/{session_id}/reset", json={"seed": 5})
    assert response.status_code == 200
    state = body(response)
    assert state["step"] == 0
    assert state["config"]["seed"] == 5
    assert state["config"]["dataset"] == "xor"
    assert state["config"]["hidden"] == [2]
    trainer = Trainer(TrainerConfig(dataset="xor", hidden=(2,), seed=5))
    assert [layer["weights"] for layer in state["layers"]] == weights_of(trainer)


def test_reset_with_a_bad_config_leaves_the_session_as_it_was(client: TestClient) -> None:
    session_id = create_session(client)
    client.post(f"/api/sessions/{session_id}/step", json={"n": 7})
    response = client.post(f"/api/sessions/{session_id}/reset", json={"dataset": "nope"})
    assert response.status_code == 422
    assert body(client.get(f"/api/sessions/{session_id}"))["step"] == 7


def test_history_holds_equal_length_curves_for_the_three_sets(client: TestClient) -> None:
    session_id = create_session(client)
    client.post(f"/api/sessions/{session_id}/step", json={"n": 1000})
    response = client.get(f"/api/sessions/{session_id}/history")
    assert response.status_code == 200
    history = body(response)
    assert set(history) == {"train", "validation", "test"}
    trainer = Trainer(TrainerConfig())
    trainer.run(1000, record_last=False)
    for name, curve in history.items():
        assert set(curve) == {"step", "error", "classification_error", "loss"}
        lengths = {len(curve[key]) for key in curve}
        assert len(lengths) == 1
        expected = trainer.history.curves[name]
        assert curve["step"] == expected.step
        assert curve["error"] == expected.error
        assert curve["classification_error"] == expected.classification_error
        assert curve["loss"] == expected.loss
    assert history["train"]["step"][0] == 0
    assert history["train"]["step"] == sorted(history["train"]["step"])


def test_regions_cover_a_grid_for_a_two_feature_data_set(client: TestClient) -> None:
    session_id = create_session(client, dataset="blobs", hidden=[4], seed=1)
    client.post(f"/api/sessions/{session_id}/step", json={"n": 100})
    response = client.get(f"/api/sessions/{session_id}/regions", params={"resolution": 7})
    assert response.status_code == 200
    regions = body(response)
    trainer = Trainer(TrainerConfig(dataset="blobs", hidden=(4,), seed=1))
    trainer.run(100)
    expected = decision_regions(trainer, 7)
    assert regions["x1"] == expected.x1.tolist()
    assert regions["x2"] == expected.x2.tolist()
    assert regions["predicted"] == expected.predicted.tolist()
    assert regions["output"] == expected.output.tolist()


def test_regions_default_to_a_50_point_grid(client: TestClient) -> None:
    session_id = create_session(client, dataset="xor")
    regions = body(client.get(f"/api/sessions/{session_id}/regions"))
    assert len(regions["x1"]) == len(regions["x2"]) == 50
    assert np.array(regions["predicted"]).shape == (50, 50)


def test_regions_of_a_four_feature_data_set_answer_409(client: TestClient) -> None:
    session_id = create_session(client, dataset="iris")
    response = client.get(f"/api/sessions/{session_id}/regions")
    assert response.status_code == 409
    assert "'iris' has 4 features" in body(response)["detail"]


@pytest.mark.parametrize("resolution", [1, 201, "x"])
def test_regions_reject_a_resolution_out_of_range(client: TestClient, resolution: object) -> None:
    session_id = create_session(client, dataset="xor")
    response = client.get(f"/api/sessions/{session_id}/regions?resolution={resolution}")
    assert response.status_code == 422
    assert f"resolution='{resolution}'" in body(response)["message"]  # as the query gave it


def test_delete_session_answers_204_then_404(client: TestClient) -> None:
    session_id = create_session(client)
    response = client.delete(f"/api/sessions/{session_id}")
    assert response.status_code == 204
    assert response.content == b""
    assert client.get(f"/api/sessions/{session_id}").status_code == 404
    assert client.delete(f"/api/sessions/{session_id}").status_code == 404


def test_dataset_sizes_and_trace_dimensions_agree(client: TestClient) -> None:
    for name in ("iris", "xor", "spiral"):
        session_id = create_session(client, dataset=name)
        trace = body(client.post(f"/api/sessions/{session_id}/step"))["trace"]
        dataset = load_dataset(name)
        assert len(trace["sample"]["x"]) == dataset.input_count
        assert len(trace["error"]) == dataset.output_count
        assert 0 <= trace["sample"]["index"] < dataset.train.size
        assert all(math.isfinite(v) for v in trace["layers"][-1]["delta"])


def test_large_regions_are_computed_in_a_worker_thread_with_the_same_result(
    client: TestClient,
) -> None:
    session_id = create_session(client, dataset="spiral", hidden=[32, 32], seed=2)
    response = client.get(f"/api/sessions/{session_id}/regions", params={"resolution": 120})
    assert response.status_code == 200
    trainer = Trainer(TrainerConfig(dataset="spiral", hidden=(32, 32), seed=2))
    assert body(response)["predicted"] == decision_regions(trainer, 120).predicted.tolist()
