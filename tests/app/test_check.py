"""``POST /api/check`` and ``GET /api/sessions/{id}/exercise`` through an HTTP client."""

from __future__ import annotations

import math
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.schemas import CheckResponse, Problem
from tests.app.helpers import JSON, body, create_session

QUANTITIES = ("net", "output", "activation_diff", "delta", "weight_update", "weights")


def exercise(client: TestClient, **config: Any) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """A new session's id, the exercise of its first step, and that step's trace."""
    session = create_session(client, **config)
    trace = client.post(f"/api/sessions/{session}/step").json()["trace"]
    response = client.get(f"/api/sessions/{session}/exercise")
    assert response.status_code == 200, response.text
    return session, body(response), trace


def tutorial_step(problem: dict[str, Any], slope_at_output: bool = False) -> dict[str, Any]:
    """The tutorial's one-layer tanh01 step in plain Python; with ``slope_at_output`` the
    mistake of taking f' at the output y instead of at net."""
    x_b = [*problem["x"], 1.0]
    (w,) = problem["weights"]
    eta = problem["learning_rate"]
    net = [sum(wi * xi for wi, xi in zip(row, x_b, strict=True)) for row in w]
    y = [(math.tanh(n) + 1) / 2 for n in net]
    at = y if slope_at_output else net
    slope = [(1 - math.tanh(a) ** 2) / 2 for a in at]
    error = [t - yk for t, yk in zip(problem["target"], y, strict=True)]
    delta = [e * s for e, s in zip(error, slope, strict=True)]
    update = [[eta * d * xi for xi in x_b] for d in delta]
    return {"layers": [{"delta": delta, "weight_update": update}], "error": error}


def test_exercise_answers_409_before_the_first_step(client: TestClient) -> None:
    session = create_session(client)
    response = client.get(f"/api/sessions/{session}/exercise")
    assert response.status_code == 409
    assert "take a step first" in body(response)["message"]


def test_exercise_answers_404_for_an_unknown_session(client: TestClient) -> None:
    assert client.get("/api/sessions/nope/exercise").status_code == 404


def test_exercise_is_the_start_of_the_last_step(client: TestClient) -> None:
    _, problem, trace = exercise(client, hidden=[3])
    Problem.model_validate(problem)
    assert problem["activation"] == "tanh01"
    assert problem["loss"] == "squared_error"
    assert problem["learning_rate"] == trace["learning_rate"]
    assert problem["x"] == trace["sample"]["x"]
    assert problem["target"] == trace["sample"]["target"]
    assert problem["weights"] == [layer["weights_before"] for layer in trace["layers"]]


def test_exercise_is_cleared_by_a_reset(client: TestClient) -> None:
    session, _, _ = exercise(client)
    assert client.post(f"/api/sessions/{session}/reset").status_code == 200
    assert client.get(f"/api/sessions/{session}/exercise").status_code == 409


@pytest.mark.parametrize("loss", ["squared_error", "cross_entropy"])
def test_the_steps_own_trace_posted_back_is_all_correct(client: TestClient, loss: str) -> None:
    _, problem, trace = exercise(client, dataset="xor", hidden=[4, 3], loss=loss)
    answer = {
        "layers": [{q: layer[q] for q in QUANTITIES} for layer in trace["layers"]],
        "error": trace["error"],
    }
    response = client.post("/api/check", json={"problem": problem, "answer": answer})
    assert response.status_code == 200, response.text
    verdict = body(response)
    CheckResponse.model_validate(verdict)
    assert verdict["correct"] is True
    assert verdict["first_wrong"] is None
    assert {q["status"] for q in verdict["quantities"]} == {"correct"}
    assert verdict["expected"]["layers"][0]["delta"] == trace["layers"][0]["delta"]


def test_a_hand_computed_step_is_correct(client: TestClient) -> None:
    _, problem, _ = exercise(client)
    response = client.post(
        "/api/check", json={"problem": problem, "answer": tutorial_step(problem)}
    )
    assert response.status_code == 200
    assert body(response)["correct"] is True


def test_the_slope_taken_at_the_output_is_named(client: TestClient) -> None:
    _, problem, _ = exercise(client)
    answer = tutorial_step(problem, slope_at_output=True)
    response = client.post("/api/check", json={"problem": problem, "answer": answer})
    assert response.status_code == 200
    verdict = body(response)
    assert verdict["correct"] is False
    assert verdict["first_wrong"] == {"layer": 0, "quantity": "delta"}
    (delta,) = [q for q in verdict["quantities"] if q["quantity"] == "delta"]
    assert delta["status"] == "wrong"
    assert [m["id"] for m in delta["mistakes"]] == ["diff_of_output"]
    assert delta["mistakes"][0]["sentence"] == "f′ was applied to the output y instead of to net."
    assert delta["max_abs_difference"] > 1e-3
    statuses = {q["quantity"]: q["status"] for q in verdict["quantities"]}
    assert statuses["error"] == "correct"
    assert statuses["net"] == "not_given"


def test_column_vectors_are_read_as_vectors(client: TestClient) -> None:
    _, problem, _ = exercise(client)
    answer = tutorial_step(problem)
    answer["layers"][0]["delta"] = [[d] for d in answer["layers"][0]["delta"]]
    response = client.post("/api/check", json={"problem": problem, "answer": answer})
    assert body(response)["correct"] is True


def test_the_tolerance_is_taken_from_the_request(client: TestClient) -> None:
    _, problem, _ = exercise(client)
    answer = tutorial_step(problem)
    answer["layers"][0]["delta"] = [d * (1 + 1e-4) for d in answer["layers"][0]["delta"]]
    request = {"problem": problem, "answer": answer}
    assert body(client.post("/api/check", json=request))["correct"] is False
    loose = client.post("/api/check", json={**request, "tolerance": 1e-3})
    assert body(loose)["correct"] is True
    assert body(loose)["tolerance"] == 1e-3


@pytest.mark.parametrize(
    ("change", "place"),
    [
        ({"activation": "swish"}, "problem.activation"),
        ({"loss": "hinge"}, "problem.loss"),
        ({"x": [0.5, 0.5]}, "problem.weights[0]"),
        ({"target": [1.0]}, "problem.target"),
        ({"weights": [[[0.1, 0.2], [0.3]]]}, "problem.weights[0]"),
        ({"learning_rate": 0}, "problem.learning_rate"),
        ({"x": [0.5, "a", 0.5, 0.5]}, "problem.x.1"),
    ],
)
def test_a_problem_that_does_not_fit_answers_422_naming_the_place(
    client: TestClient, change: dict[str, Any], place: str
) -> None:
    _, problem, _ = exercise(client)
    response = client.post("/api/check", json={"problem": {**problem, **change}})
    assert response.status_code == 422, response.text
    assert place in body(response)["message"]


def test_an_answer_with_the_wrong_layer_count_answers_422(client: TestClient) -> None:
    _, problem, _ = exercise(client)
    response = client.post("/api/check", json={"problem": problem, "answer": {"layers": [{}, {}]}})
    assert response.status_code == 422
    assert body(response)["message"].startswith("answer.layers: has 2 layers")
    assert body(response)["detail"][0]["loc"] == ["body", "answer", "layers"]


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_numbers_answer_422(client: TestClient, number: str) -> None:
    _, problem, _ = exercise(client)
    weights = problem["weights"]
    text = (
        f'{{"problem": {{"activation": "tanh01", "learning_rate": 0.1, "x": [{number}, 0, 0, 0], '
        f'"target": [0, 0, 1], "weights": {weights}}}}}'
    )
    response = client.post("/api/check", content=text, headers=JSON)
    assert response.status_code == 422, response.text
    assert "x" in body(response)["message"]


@pytest.mark.parametrize("tolerance", [0, -1e-6, 0.5, "1e-6"])
def test_a_bad_tolerance_answers_422(client: TestClient, tolerance: Any) -> None:
    _, problem, _ = exercise(client)
    response = client.post("/api/check", json={"problem": problem, "tolerance": tolerance})
    assert response.status_code == 422
    assert "tolerance" in body(response)["message"]


def test_an_oversize_body_answers_413(client: TestClient) -> None:
    _, problem, _ = exercise(client)
    problem["x"] = [0.5] * 300_000  # over PLAYGROUND_MAX_CHECK_SIZE
    response = client.post("/api/check", json={"problem": problem})
    assert response.status_code == 413
    assert "limit of 1048576 bytes" in body(response)["message"]


def test_the_largest_nets_whole_step_fits_the_body_limit(client: TestClient) -> None:
    _, problem, trace = exercise(client, dataset="iris", hidden=[64, 64, 64, 64])
    answer = {
        "layers": [{q: layer[q] for q in QUANTITIES} for layer in trace["layers"]],
        "error": trace["error"],
    }
    response = client.post("/api/check", json={"problem": problem, "answer": answer})
    assert response.status_code == 200, response.text[:200]
    assert body(response)["correct"] is True
