"""``/api/reset``, ``/api/state`` (and ``/api/step``, in ``app.routes.steps``): the session that
always exists, for a quick ``curl`` without creating one. It is also ``/api/sessions/default``."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.deps import StoreDep
from app.routes.sessions import ERRORS, ResetBody, read_session, reset_session
from app.schemas import SessionState
from app.sessions import DEFAULT_SESSION_ID

router = APIRouter(prefix="/api", tags=["default session"], responses={422: ERRORS[422]})


@router.get("/state", response_model=SessionState)
async def read_default_session(store: StoreDep) -> Response:
    """The default session's state (as `GET /api/sessions/default`)."""
    return await read_session(DEFAULT_SESSION_ID, store)


@router.post("/reset", response_model=SessionState)
async def reset_default_session(store: StoreDep, config: ResetBody = None) -> Response:
    """Resets the default session (as `POST /api/sessions/default/reset`)."""
    return await reset_session(DEFAULT_SESSION_ID, store, config)
