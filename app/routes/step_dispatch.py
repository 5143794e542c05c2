"""The step endpoints, the API's busiest, dispatched by plain Starlette routes ahead of FastAPI's.

``POST /api/sessions/{session_id}/step`` and ``POST /api/step`` are declared twice with the same
endpoint functions: as FastAPI routes in ``app.routes.sessions`` and ``app.routes.default_session``,
which document them in the OpenAPI schema, and here, as Starlette routes that ``create_app`` puts
first, so that they answer every request. The endpoints read their own path parameter and body
and build their own response, so FastAPI's routing (its nested routers' matching, its dependency
solving and response handling) did nothing for them but cost a one-step request about a quarter
of its time, measured here with cold caches (docs/benchmarks.md). Errors take the same way as
everywhere else: Starlette's route hands them to the application's exception handlers.
"""

from __future__ import annotations

from fastapi import FastAPI

from app.routes.default_session import step_default_session
from app.routes.sessions import step_session

STEP_ROUTES = (
    ("/api/sessions/{session_id}/step", step_session),
    ("/api/step", step_default_session),
)


def add_step_routes(app: FastAPI) -> None:
    """Adds the step endpoints as Starlette routes; call it before any router is included, so
    that they are tried first."""
    for path, endpoint in STEP_ROUTES:
        app.add_route(path, endpoint, methods=["POST"], include_in_schema=False)
