"""Each endpoint is declared once: the route that answers a request is the route the OpenAPI
schema documents. The step endpoints are ``LeanRoute``s (see ``app.lean_route``): their
operations are generated from their signatures, and a signature the lean handler could not
honour is refused when the route is declared."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

import pytest
from fastapi import APIRouter, Body, FastAPI, Request, Response
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute
from starlette.types import Receive, Scope, Send

from app.deps import StoreDep
from app.lean_route import LeanRoute
from app.routes.steps import step_default_session, step_session
from app.schemas import StepRequest

STEP_PATHS = [
    ("/api/sessions/{session_id}/step", "/api/sessions/default/step", step_session),
    ("/api/step", "/api/step", step_default_session),
]


def answering_route(app: FastAPI, method: str, path: str, **request: Any) -> BaseRoute:
    """The route that answered a real request (the one routing put in the request's scope)."""
    routes: list[BaseRoute] = []

    async def recording(scope: Scope, receive: Receive, send: Send) -> None:
        await app(scope, receive, send)
        if scope["type"] == "http":
            routes.append(scope["route"])

    with TestClient(recording) as client:
        response = client.request(method, path, **request)
    assert response.status_code == 200, response.text
    return routes[-1]


def documented_routes(app: FastAPI, method: str, path: str) -> list[APIRoute]:
    """The routes the OpenAPI schema documents as ``method path`` (as FastAPI walks them)."""
    return [
        context.original_route
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        and context.original_route.include_in_schema
        and context.path == path
        and method in (context.methods or ())
    ]


@pytest.mark.parametrize(("documented", "requested", "endpoint"), STEP_PATHS)
def test_a_step_is_answered_by_the_route_that_documents_it(
    app: FastAPI, documented: str, requested: str, endpoint: object
) -> None:
    route = answering_route(app, "POST", requested, json={"n": 2})
    assert isinstance(route, LeanRoute)
    assert route.endpoint is endpoint
    assert documented_routes(app, "POST", documented) == [route]


@pytest.mark.parametrize(("documented", "requested", "endpoint"), STEP_PATHS)
def test_the_step_operations_are_generated_from_the_signature(
    app: FastAPI, documented: str, requested: str, endpoint: object
) -> None:
    operation = app.openapi()["paths"][documented]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["anyOf"] == [{"$ref": "#/components/schemas/StepRequest"}, {"type": "null"}]
    assert operation["requestBody"].get("required", False) is False  # no body: one step
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/StepResponse"}
    errors = {"409", "422"} | ({"404"} if "{session_id}" in documented else set())
    assert errors <= set(operation["responses"])
    params = [p["name"] for p in operation.get("parameters", [])]
    assert params == (["session_id"] if "{session_id}" in documented else [])


def test_every_endpoint_is_declared_once(app: FastAPI) -> None:
    declared = Counter(
        (method, context.path)
        for context in iter_route_contexts(app.routes)
        for method in (context.methods or ())
    )
    assert [endpoint for endpoint, count in declared.items() if count > 1] == []


async def query_parameter(store: StoreDep, n: int = 1) -> Response:
    return Response()


async def request_param(request: Request, session_id: str) -> Response:
    return Response(session_id)


async def returns_a_dict(store: StoreDep) -> dict[str, int]:
    return {}


async def embedded_body(steps: Annotated[StepRequest | None, Body(embed=True)] = None) -> Response:
    return Response()


async def constrained_body(n: Annotated[int, Body(ge=1)] = 1) -> Response:
    return Response()


@pytest.mark.parametrize(
    ("path", "endpoint", "refused"),
    [
        ("/q", query_parameter, "query, header or cookie parameters"),
        ("/d", returns_a_dict, "a return type that is not a Response"),
        ("/e", embedded_body, "neither embedded nor constrained"),
        ("/c", constrained_body, "neither embedded nor constrained"),
    ],
)
def test_a_signature_the_lean_handler_cannot_honour_is_refused(
    path: str, endpoint: Any, refused: str
) -> None:
    router = APIRouter(route_class=LeanRoute)
    with pytest.raises(TypeError, match=refused):
        router.add_api_route(path, endpoint, methods=["POST"])


def test_a_lean_route_passes_the_request_and_the_path_parameters() -> None:
    router = APIRouter(route_class=LeanRoute)
    router.add_api_route("/echo/{session_id}", request_param, methods=["POST"])
    app = FastAPI()
    app.include_router(router)
    with TestClient(app) as client:
        assert client.post("/echo/abc").text == "abc"


def test_a_step_path_asked_with_another_method_answers_405(client: TestClient) -> None:
    for path in ("/api/step", "/api/sessions/default/step"):
        response = client.get(path)
        assert response.status_code == 405
        assert response.headers["allow"] == "POST"
        assert "message" in response.json()


def test_a_lean_route_with_a_body_limit_of_its_own_is_refused() -> None:
    router = APIRouter(route_class=LeanRoute)
    with pytest.raises(TypeError, match="max_body_size"):
        router.add_api_route("/r/{session_id}", request_param, methods=["POST"], max_body_size=1)
