"""Bad input: every invalid value answers 422 with a message naming the field and the value."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.app.helpers import JSON, body, create_session

BAD_CONFIGS: list[tuple[dict[str, Any], str]] = [
    ({"dataset": "mnist"}, "dataset='mnist'"),
    ({"dataset": 3}, "dataset=3"),
    ({"activation": "softmax"}, "activation='softmax'"),
    ({"learning_rate": 0}, "learning_rate=0"),
    ({"learning_rate": -0.1}, "learning_rate=-0.1"),
    ({"learning_rate": 2e6}, "learning_rate=2000000.0"),
    ({"learning_rate": "0.1"}, "learning_rate='0.1'"),
    ({"learning_rate": True}, "learning_rate=True"),
    ({"hidden": [3, 3, 3, 3, 3]}, "hidden=[3, 3, 3, 3, 3]"),
    ({"hidden": [65]}, "hidden.0=65"),
    ({"hidden": [2, 0]}, "hidden.1=0"),
    ({"hidden": [2.5]}, "hidden.0=2.5"),
    ({"hidden": 3}, "hidden=3"),
    ({"max_weight": -1}, "max_weight=-1"),
    ({"max_weight": 101}, "max_weight=101"),
    ({"seed": -1}, "seed=-1"),
    ({"seed": 2**63}, "seed=9223372036854775808"),
    ({"seed": 1.5}, "seed=1.5"),
    ({"sampling": "shuffled"}, "sampling='shuffled'"),
    ({"speed": 3}, "speed=3"),  # unknown fields are refused, not ignored
]


@pytest.mark.parametrize(("config", "named"), BAD_CONFIGS)
def test_create_session_rejects_a_bad_config(
    client: TestClient, config: dict[str, Any], named: str
) -> None:
    response = client.post("/api/sessions", json=config)
    assert response.status_code == 422
    error = body(response)
    assert named in error["message"]
    field = next(iter(config))
    assert error["detail"][0]["loc"][:2] == ["body", field]


@pytest.mark.parametrize(("config", "named"), BAD_CONFIGS[:6])
def test_reset_rejects_a_bad_config(client: TestClient, config: dict[str, Any], named: str) -> None:
    session_id = create_session(client)
    response = client.post(f"/api/sessions/{session_id}/reset", json=config)
    assert response.status_code == 422
    assert named in body(response)["message"]


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        (b'{"learning_rate": NaN}', "learning_rate=nan"),
        (b'{"learning_rate": Infinity}', "learning_rate=inf"),
        (b'{"learning_rate": -Infinity}', "learning_rate=-inf"),
        (b'{"learning_rate": 1e999}', "learning_rate=inf"),
        (b'{"max_weight": NaN}', "max_weight=nan"),
    ],
)
def test_create_session_rejects_non_finite_numbers(
    client: TestClient, raw: bytes, named: str
) -> None:
    response = client.post("/api/sessions", content=raw, headers=JSON)
    assert response.status_code == 422
    error = body(response)  # the echoed value is null: the answer is valid JSON
    assert named in error["message"]
    assert "finite" in error["message"]
    assert error["detail"][0]["input"] is None


@pytest.mark.parametrize(
    ("payload", "named"),
    [
        ({"n": 0}, "n=0"),
        ({"n": 100_001}, "n=100001"),
        ({"n": -5}, "n=-5"),
        ({"n": 1.5}, "n=1.5"),
        ({"n": "10"}, "n='10'"),
        ({"n": None}, "n=None"),
        ({"m": 1}, "m=1"),
        ([1], "body=[1]"),
    ],
)
def test_step_rejects_a_bad_n(client: TestClient, payload: Any, named: str) -> None:
    session_id = create_session(client)
    response = client.post(f"/api/sessions/{session_id}/step", json=payload)
    assert response.status_code == 422
    assert named in body(response)["message"]
    assert body(client.get(f"/api/sessions/{session_id}"))["step"] == 0


def test_step_rejects_nan_n(client: TestClient) -> None:
    session_id = create_session(client)
    response = client.post(f"/api/sessions/{session_id}/step", content=b'{"n": NaN}', headers=JSON)
    assert response.status_code == 422
    assert "n=nan" in body(response)["message"]


@pytest.mark.parametrize(
    ("payload", "named"),
    [
        ({"learning_rate": 0}, "learning_rate=0"),
        ({"learning_rate": 1e7}, "learning_rate=10000000.0"),
        ({"learning_rate": "fast"}, "learning_rate='fast'"),
        ({}, "send a learning_rate, a weight or both"),
        ({"learning_rate": 0.1, "seed": 1}, "seed=1"),
    ],
)
def test_patch_rejects_a_bad_learning_rate(client: TestClient, payload: Any, named: str) -> None:
    session_id = create_session(client)
    response = client.patch(f"/api/sessions/{session_id}", json=payload)
    assert response.status_code == 422
    assert named in body(response)["message"]
    assert body(client.get(f"/api/sessions/{session_id}"))["config"]["learning_rate"] == 0.1


def test_patch_rejects_nan_learning_rate(client: TestClient) -> None:
    session_id = create_session(client)
    raw = b'{"learning_rate": NaN}'
    response = client.patch(f"/api/sessions/{session_id}", content=raw, headers=JSON)
    assert response.status_code == 422
    assert "learning_rate=nan" in body(response)["message"]


@pytest.mark.parametrize("raw", [b"{", b"not json", b'{"n": 1,}', b"\xff\xfe"])
def test_malformed_json_answers_422(client: TestClient, raw: bytes) -> None:
    session_id = create_session(client)
    response = client.post(f"/api/sessions/{session_id}/step", content=raw, headers=JSON)
    assert response.status_code == 422
    assert body(response)["message"].startswith("body: invalid JSON (")


def test_a_body_over_the_size_limit_answers_413(client: TestClient) -> None:
    session_id = create_session(client)
    raw = b'{"hidden": [' + b"1, " * 40_000 + b"1]}"  # 120 kB, over the 64 kB default
    response = client.post(f"/api/sessions/{session_id}/reset", content=raw, headers=JSON)
    assert response.status_code == 413
    assert body(response)["message"] == "the request body is over the limit of 65536 bytes"


def test_a_new_session_may_have_a_larger_body_for_its_snapshot(client: TestClient) -> None:
    raw = b'{"hidden": [' + b"1, " * 40_000 + b"1]}"  # 120 kB: read, and refused as a config
    response = client.post("/api/sessions", content=raw, headers=JSON)
    assert response.status_code == 422
    raw = b'{"hidden": [' + b"1, " * 1_400_000 + b"1]}"  # 4.2 MB, over the 4 MiB default
    response = client.post("/api/sessions", content=raw, headers=JSON)
    assert response.status_code == 413
    assert body(response)["message"] == "the request body is over the limit of 4194304 bytes"


def test_an_integer_too_long_to_parse_answers_422(client: TestClient) -> None:
    raw = b'{"seed": 1' + b"0" * 5000 + b"}"  # more digits than Python converts to an int
    response = client.post("/api/sessions", content=raw, headers=JSON)
    assert response.status_code == 422  # FastAPI's 400 for a body its parser cannot read, as 422
    assert "body: invalid JSON (Exceeds the limit (4300 digits)" in body(response)["message"]


def test_a_body_that_is_not_utf_8_answers_422(client: TestClient) -> None:
    response = client.post("/api/sessions", content=b'"\xce\x58"', headers=JSON)
    assert response.status_code == 422
    assert body(response)["message"].startswith("body: invalid JSON ('utf-8' codec can't decode")


def test_a_body_without_json_content_type_is_not_parsed(client: TestClient) -> None:
    response = client.post("/api/sessions", content=b'{"seed": 3}')
    assert response.status_code == 422  # FastAPI's strict content type: no CSRF by form posts
    assert "Content-Type application/json" in body(response)["message"]
