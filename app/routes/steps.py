"""``POST /api/sessions/{session_id}/step`` and ``POST /api/step``: training steps.

The API's busiest endpoints (a client steps one sample at a time). Their routes are
``LeanRoute``s, documented from their signatures like every route and answered without FastAPI's
per-request machinery (see ``app.lean_route``), and they are declared on the application's own
router, ahead of the included ones (``add_step_routes``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body, Response

from app.convert import step_fields
from app.deps import StoreDep
from app.lean_route import LeanRoute
from app.responses import ArrayJSONResponse
from app.routes.sessions import ERRORS, SessionId
from app.schemas import ErrorResponse, StepRequest, StepResponse
from app.sessions import DEFAULT_SESSION_ID
from app.store import Store

StepBody = Annotated[StepRequest | None, Body(description="No body (or `null`): one step.")]
DIVERGED: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorResponse, "description": "The net has diverged: reset it to train again."}
}


async def step_session(session_id: SessionId, store: StoreDep, steps: StepBody = None) -> Response:
    """Takes `n` training steps, one sample each; returns the state and the last step's record.

    Long runs are trained in a worker thread; requests and live streams on the same session
    take turns, so every step is taken exactly once.
    """
    return await take_steps(store, session_id, steps)


async def step_default_session(store: StoreDep, steps: StepBody = None) -> Response:
    """Steps the default session (as `POST /api/sessions/default/step`)."""
    return await take_steps(store, DEFAULT_SESSION_ID, steps)


def add_step_routes(router: APIRouter) -> None:
    """Declares the step endpoints on ``router``, the application's own, before any router is
    included: a route of an included router is matched through a second layer of routing, twice
    a request, a noticeable share of a one-step request's time (docs/benchmarks.md)."""
    declarations: list[tuple[str, Callable[..., Any], str, dict[int | str, dict[str, Any]]]] = [
        ("/api/sessions/{session_id}/step", step_session, "sessions", {**ERRORS, **DIVERGED}),
        # the default session always exists: no 404
        ("/api/step", step_default_session, "default session", {422: ERRORS[422], **DIVERGED}),
    ]
    for path, endpoint, tag, responses in declarations:
        router.add_api_route(
            path,
            endpoint,
            methods=["POST"],
            tags=[tag],
            response_model=StepResponse,
            responses=responses,
            route_class_override=LeanRoute,
        )


async def take_steps(store: Store, session_id: str, steps: StepRequest | None) -> Response:
    """``steps.n`` steps on the session (one without a body): its state and the last record."""
    async with store.use(session_id) as session:
        record = await session.run(1 if steps is None else steps.n)
        return ArrayJSONResponse(step_fields(session, record))
