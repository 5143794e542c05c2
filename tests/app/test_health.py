"""``/healthz`` and the OpenAPI documentation."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.app.helpers import body

PATHS = {
    "/healthz": {"get"},
    "/api/datasets": {"get", "post"},
    "/api/activations": {"get"},
    "/api/sessions": {"post"},
    "/api/sessions/{session_id}": {"get", "patch", "delete"},
    "/api/sessions/{session_id}/step": {"post"},
    "/api/sessions/{session_id}/reset": {"post"},
    "/api/sessions/{session_id}/history": {"get"},
    "/api/sessions/{session_id}/regions": {"get"},
    "/api/sessions/{session_id}/snapshot": {"get"},
    "/api/sessions/{session_id}/gradient-check": {"get"},
    "/api/sessions/{session_id}/exercise": {"get"},
    "/api/check": {"post"},
    "/api/datasets/{name}": {"get"},
    "/api/datasets/{name}/samples": {"get"},
    "/api/step": {"post"},
    "/api/reset": {"post"},
    "/api/state": {"get"},
}


def test_healthz_answers_200(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert body(response) == {"status": "ok"}


def test_docs_are_served(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert "swagger" in response.text.lower()


def test_openapi_documents_every_endpoint(client: TestClient) -> None:
    schema = body(client.get("/openapi.json"))
    assert {path: set(ops) for path, ops in schema["paths"].items()} == PATHS


def test_every_field_of_every_schema_has_a_description(client: TestClient) -> None:
    schemas: dict[str, Any] = body(client.get("/openapi.json"))["components"]["schemas"]
    ours = {name: s for name, s in schemas.items() if name not in ("ValidationError",)}
    undescribed = [
        f"{name}.{field}"
        for name, schema in ours.items()
        for field, spec in schema.get("properties", {}).items()
        if not spec.get("description")
    ]
    assert undescribed == []


def test_openapi_documents_the_engines_limits(client: TestClient) -> None:
    config = body(client.get("/openapi.json"))["components"]["schemas"]["SessionConfig"]
    props = config["properties"]
    assert props["learning_rate"]["exclusiveMinimum"] == 0
    assert props["learning_rate"]["maximum"] == 1e6
    assert props["hidden"]["maxItems"] == 4
    assert props["hidden"]["items"]["maximum"] == 64
    assert props["seed"]["maximum"] == float(2**63 - 1)  # FastAPI's OpenAPI model has floats
    assert "iris" in props["dataset"]["anyOf"][0]["enum"]  # or an uploaded set's name
    assert props["dataset"]["anyOf"][1]["pattern"] == "^csv-[0-9a-f]{16}$"
    assert props["noise"]["maximum"] == 0.5
    assert "tanh01" in props["activation"]["enum"]
