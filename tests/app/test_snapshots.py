"""Snapshots through the API: a session's document restores a session whose next steps are bit
for bit the original's; a damaged or foreign document answers 422 saying where and what."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.schemas import Snapshot
from core import Trainer, TrainerConfig
from tests.app.helpers import JSON, body, create_session, weights_of

# the largest net the API allows, on the data set with the most inputs
LARGEST = {"dataset": "iris", "hidden": [64, 64, 64, 64], "sampling": "epoch"}


def _snapshot(client: TestClient, session_id: str) -> dict[str, Any]:
    response = client.get(f"/api/sessions/{session_id}/snapshot")
    assert response.status_code == 200
    document: dict[str, Any] = body(response)
    return document


def _restore(client: TestClient, document: Any) -> Any:
    """``POST /api/sessions`` with the snapshot (non-finite numbers written as JSON cannot)."""
    content = json.dumps({"snapshot": document})  # as Python writes them: Infinity, NaN
    return client.post("/api/sessions", content=content, headers=JSON)


@pytest.mark.parametrize(
    "config",
    [
        {},
        {"dataset": "xor", "hidden": [3], "sampling": "epoch", "seed": 11},
        {"dataset": "spiral", "hidden": [8, 8], "activation": "tanh", "sampling": "sequential"},
    ],
)
def test_a_restored_session_takes_bit_identical_next_steps(
    client: TestClient, config: dict[str, Any]
) -> None:
    original = create_session(client, **config)
    client.post(f"/api/sessions/{original}/step", json={"n": 1_537})
    client.patch(f"/api/sessions/{original}", json={"learning_rate": 0.25})
    created = _restore(client, _snapshot(client, original))
    assert created.status_code == 201
    restored = body(created)
    state = body(client.get(f"/api/sessions/{original}"))
    assert restored["id"] != original
    assert {**restored, "id": original} == state  # step, config, weights, metrics
    for n in (1, 999, 64):
        a = body(client.post(f"/api/sessions/{original}/step", json={"n": n}))
        b = body(client.post(f"/api/sessions/{restored['id']}/step", json={"n": n}))
        assert a["layers"] == b["layers"]
        assert a["trace"] == b["trace"]
    history = body(client.get(f"/api/sessions/{original}/history"))
    assert body(client.get(f"/api/sessions/{restored['id']}/history")) == history


def test_a_snapshot_is_the_engines_document_and_a_download(client: TestClient) -> None:
    session_id = create_session(client, dataset="xor", hidden=[2], seed=4)
    client.post(f"/api/sessions/{session_id}/step", json={"n": 321})
    response = client.get(f"/api/sessions/{session_id}/snapshot")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="playground-321.json"'
    document = body(response)
    Snapshot.model_validate(document)  # as documented
    assert document["format"] == "delta-playground-snapshot"
    assert document["version"] == 1
    assert document["step"] == 321
    trainer = Trainer(TrainerConfig(dataset="xor", hidden=(2,), seed=4))
    trainer.run(321, record_last=False)
    assert document["weights"] == weights_of(trainer)


def test_the_default_session_has_a_snapshot_too(client: TestClient) -> None:
    client.post("/api/step", json={"n": 10})
    document = _snapshot(client, "default")
    assert document["step"] == 10
    assert body(_restore(client, document))["step"] == 10


def test_the_largest_net_restores_although_its_snapshot_is_over_the_body_limit(
    client: TestClient,
) -> None:
    session_id = create_session(client, **LARGEST)
    client.post(f"/api/sessions/{session_id}/step", json={"n": 3_000})
    document = _snapshot(client, session_id)
    created = _restore(client, document)
    assert created.status_code == 201, created.text
    assert body(created)["layers"] == body(client.get(f"/api/sessions/{session_id}"))["layers"]


def test_a_diverged_session_restores_diverged(client: TestClient) -> None:
    session_id = create_session(client, activation="linear", learning_rate=10.0)
    client.post(f"/api/sessions/{session_id}/step", json={"n": 1_000})
    restored = body(_restore(client, _snapshot(client, session_id)))
    assert restored["diverged"] is True
    response = client.post(f"/api/sessions/{restored['id']}/step")
    assert response.status_code == 409


def _damaged(client: TestClient, change: Any) -> dict[str, Any]:
    session_id = create_session(client, hidden=[3])
    client.post(f"/api/sessions/{session_id}/step", json={"n": 100})
    document = copy.deepcopy(_snapshot(client, session_id))
    change(document)
    return document


@pytest.mark.parametrize(
    ("change", "message", "loc"),
    [
        # the engine's checks: where in the document, and what is wrong there
        (lambda d: d.update(format="other"), "snapshot: not a playground snapshot", []),
        (lambda d: d.update(version=2), "snapshot: a snapshot of version 2, which", []),
        (lambda d: d["config"].update(dataset="mnist"), "snapshot.config.dataset: 'mnist'", None),
        (lambda d: d["weights"][0].pop(), "snapshot.weights: shapes must be", ["weights"]),
        (lambda d: d["weights"][1][0].pop(), "snapshot.weights[1]: must be a non-empty", None),
        (
            lambda d: d["weights"][0][1].__setitem__(2, 1e999),
            "snapshot.weights[0][1][2]: must",
            None,
        ),
        (lambda d: d["sampler"]["queue"].append(75), "snapshot.sampler: sampler queue", None),
        (lambda d: d["history"]["test"]["error"].pop(), "snapshot.history.test: ", None),
        (lambda d: d["rng"].update(bit_generator="MT19937"), "snapshot.rng: not a PCG64", None),
        (
            lambda d: d["rng"]["state"].update(state="9" * 60),
            "snapshot.rng.state.state: must be in",
            None,
        ),
        # the document's shape (Pydantic): types, and integers a browser holds exactly
        (lambda d: d.update(step="many"), "snapshot.step='many'", ["step"]),
        (lambda d: d.update(step=2**60), "snapshot.step=1152921504606846976", ["step"]),
        (lambda d: d.update(version=True), "snapshot: a snapshot of version True", []),
        (lambda d: d.update(colour="red"), "snapshot.colour='red': Extra inputs", ["colour"]),
        (lambda d: d.pop("weights"), "snapshot.weights: Field required", ["weights"]),
        (lambda d: d["weights"][0][0].__setitem__(0, "0.1"), "snapshot.weights.0.0.0='0.1'", None),
    ],
)
def test_a_damaged_snapshot_answers_422_saying_where_and_what(
    client: TestClient, change: Any, message: str, loc: list[Any] | None
) -> None:
    response = _restore(client, _damaged(client, change))
    assert response.status_code == 422
    error = body(response)
    assert message in error["message"]
    assert error["detail"][0]["loc"][:2] == ["body", "snapshot"]
    if loc is not None:
        assert error["detail"][0]["loc"][2:] == loc


@pytest.mark.parametrize("document", [None, [], "snapshot", 3, {}, {"format": 1}])
def test_a_foreign_document_answers_422_or_is_no_snapshot(
    client: TestClient, document: Any
) -> None:
    response = _restore(client, document)
    if document is None:  # "snapshot": null is no snapshot: a session with the defaults
        assert response.status_code == 201
        return
    assert response.status_code == 422
    assert body(response)["message"].startswith("snapshot")


def test_a_snapshot_with_config_fields_answers_422(client: TestClient) -> None:
    document = _snapshot(client, create_session(client))
    response = client.post("/api/sessions", json={"snapshot": document, "seed": 3, "hidden": [2]})
    assert response.status_code == 422
    message = body(response)["message"]
    assert message.startswith("body: send either a snapshot or config fields, not both")
    assert "(got hidden, seed)" in message


def test_snapshot_of_an_unknown_session_answers_404(client: TestClient) -> None:
    response = client.get("/api/sessions/no-such-session/snapshot")
    assert response.status_code == 404
    assert "'no-such-session' not found" in body(response)["message"]
