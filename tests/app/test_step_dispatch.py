"""The step endpoints answer through their lean Starlette routes, tried before FastAPI's
routers, and are still documented in the OpenAPI schema by their FastAPI routes (see
``app.routes.step_dispatch``)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import Match, Route

from app.routes import default_session, sessions
from app.routes.default_session import step_default_session
from app.routes.sessions import step_session


def first_full_match(app: FastAPI, method: str, path: str) -> object:
    scope = {"type": "http", "method": method, "path": path, "root_path": "", "headers": []}
    for route in app.router.routes:
        match, _ = route.matches(scope)
        if match == Match.FULL:
            return route
    raise AssertionError(f"no route answers {method} {path}")


@pytest.mark.parametrize(
    ("path", "endpoint"),
    [("/api/sessions/abc/step", step_session), ("/api/step", step_default_session)],
)
def test_a_step_request_is_answered_by_the_lean_route(
    app: FastAPI, path: str, endpoint: object
) -> None:
    route = first_full_match(app, "POST", path)
    assert type(route) is Route  # Starlette's, not FastAPI's APIRoute
    assert route.endpoint is endpoint


@pytest.mark.parametrize(
    ("path", "endpoint"),
    [("/api/sessions/{session_id}/step", step_session), ("/api/step", step_default_session)],
)
def test_the_documented_route_has_the_same_endpoint(
    app: FastAPI, path: str, endpoint: object
) -> None:
    routes = [*sessions.router.routes, *default_session.router.routes]
    documented = [r for r in routes if isinstance(r, APIRoute) and r.path == path]
    assert [r.endpoint for r in documented] == [endpoint]
    assert "post" in app.openapi()["paths"][path]
