"""``/api/sessions``: create, read, step, reset, change and delete training sessions."""

from __future__ import annotations

import functools
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Body, HTTPException, Path, Query, Request, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.requests import ClientDisconnect

from app.convert import curves, regions, state_fields, step_fields, trainer_config
from app.deps import StoreDep
from app.responses import ArrayJSONResponse
from app.schemas import (
    Curves,
    ErrorResponse,
    NewSession,
    Regions,
    SessionConfig,
    SessionState,
    SessionUpdate,
    Snapshot,
    StepRequest,
    StepResponse,
    ValidationErrorResponse,
)
from app.sessions import SessionStore
from app.snapshots import restore_trainer_in_thread, snapshot_of
from core import decision_regions
from core.regions import MAX_RESOLUTION, MIN_RESOLUTION

INLINE_GRID_WORK = 200_000  # grid points × weights computed on the event loop: ~2 ms at most
ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "No such session (or it was evicted)."},
    422: {"model": ValidationErrorResponse, "description": "An invalid value."},
}
DIVERGED: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorResponse, "description": "The net has diverged: reset it to train again."}
}

router = APIRouter(prefix="/api/sessions", tags=["sessions"], responses=ERRORS)

SESSION_ID = "The id `POST /api/sessions` returned, or `default`."
SessionId = Annotated[str, Path(description=SESSION_ID)]
NewSessionBody = Annotated[
    NewSession | None,
    Body(
        description="The config (omitted fields take their defaults), or a `snapshot` to "
        "restore instead. No body: all defaults."
    ),
]
ResetBody = Annotated[
    SessionConfig | None,
    Body(
        description="Changes to the config; omitted fields keep the session's current values. "
        "No body: the same config and seed (and the current learning rate)."
    ),
]
# The step endpoints read their path parameter and small body by hand (read_step_count), and
# answer through lean Starlette routes (app.routes.step_dispatch): FastAPI's parameter, body and
# routing machinery cost a one-step request, the API's busiest, about a third of its time. The
# FastAPI routes below document them (the default session's step takes only the body).
STEP_BODY_DOC: dict[str, Any] = {
    "parameters": [
        {
            "name": "session_id",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "title": "Session Id"},
            "description": SESSION_ID,
        }
    ],
    "requestBody": {
        "required": False,
        "description": "No body (or `null`): one step.",
        "content": {
            "application/json": {
                "schema": {"anyOf": [StepRequest.model_json_schema(), {"type": "null"}]}
            }
        },
    },
}

STEP_BODY_ONLY_DOC: dict[str, Any] = {"requestBody": STEP_BODY_DOC["requestBody"]}


async def read_step_count(request: Request) -> int:
    """The number of steps the body asks for: none (or ``null``) means one step; a bad body
    raises the same ``RequestValidationError`` (422) as FastAPI's own parsing would."""
    body = (await read_body(request)).strip()
    if body in (b"", b"null"):
        return 1
    if len(body) <= MAX_REMEMBERED_BODY:
        return _remembered_step_count(body)
    return _step_count(body)


async def read_body(request: Request) -> bytes:
    """The request's body, read from its ASGI messages as Starlette's ``Request.body`` does, but
    without its async generator (which cost a one-step request about 4 %, measured here)."""
    chunks = []
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _step_count(body: bytes) -> int:
    try:
        return StepRequest.model_validate_json(body).n
    except ValidationError as e:
        errors = e.errors(include_url=False)
        raise RequestValidationError(
            [{**err, "loc": ("body", *err["loc"])} for err in errors]
        ) from None


# A client steps with the same few bodies again and again (`{"n": 1}`): their step counts are
# remembered (validating one cost a one-step request about 4 %, measured here). Bad bodies raise
# and are not remembered.
MAX_REMEMBERED_BODY = 64  # bytes
_remembered_step_count = functools.lru_cache(maxsize=256)(_step_count)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=SessionState,
    responses={
        413: {"model": ErrorResponse, "description": "The body is over the size limit."},
        503: {"model": ErrorResponse, "description": "Every session slot is in use."},
    },
)
async def create_session(store: StoreDep, body: NewSessionBody = None) -> Response:
    """Starts a session: a fresh net with weights drawn from the config's seed, or the session a
    `snapshot` describes, whose next steps are bit for bit those the original would take."""
    if body is not None and body.snapshot is not None:
        session = store.restore(await restore_trainer_in_thread(body.snapshot.model_dump()))
    else:
        session = store.create(trainer_config(body.config() if body else SessionConfig()))
    async with store.use(session.id) as session:
        return ArrayJSONResponse(state_fields(session), status.HTTP_201_CREATED)


@router.get("/{session_id}", response_model=SessionState)
async def read_session(session_id: SessionId, store: StoreDep) -> Response:
    """The session's config, step count, weights and current errors."""
    async with store.use(session_id) as session:
        return ArrayJSONResponse(state_fields(session))


@router.post(
    "/{session_id}/step",
    response_model=StepResponse,
    responses=DIVERGED,
    openapi_extra=STEP_BODY_DOC,
)
async def step_session(request: Request) -> Response:
    """Takes `n` training steps, one sample each; returns the state and the last step's record.

    Long runs are trained in a worker thread; requests and live streams on the same session
    take turns, so every step is taken exactly once.
    """
    return await take_steps(request.path_params["session_id"], request)


async def take_steps(session_id: str, request: Request) -> Response:
    """The step endpoints' work: ``n`` steps on the session, its state and the last record."""
    n = await read_step_count(request)
    store: SessionStore = request.app.state.store
    async with store.use(session_id) as session:
        record = await session.run(n)
        return ArrayJSONResponse(step_fields(session, record))


@router.post("/{session_id}/reset", response_model=SessionState)
async def reset_session(
    session_id: SessionId, store: StoreDep, config: ResetBody = None
) -> Response:
    """Starts the session over: step 0, weights drawn again from the seed, history cleared."""
    async with store.use(session_id) as session:
        new_config = session.config if config is None else trainer_config(config, session.config)
        session.reset(new_config)
        return ArrayJSONResponse(state_fields(session))


@router.patch("/{session_id}", response_model=SessionState)
async def update_session(session_id: SessionId, store: StoreDep, update: SessionUpdate) -> Response:
    """Changes the learning rate, or sets one weight by hand (`weight`: `layer`, `row`,
    `column`, `value`), from the next step on, without a reset (also while a live stream
    plays). A weight index outside the session's shapes answers 422 naming it."""
    async with store.use(session_id) as session:
        if update.weight is not None:
            edit = update.weight
            session.trainer.set_weight(edit.layer, edit.row, edit.column, edit.value)
        if update.learning_rate is not None:
            session.set_learning_rate(update.learning_rate)
        return ArrayJSONResponse(state_fields(session))


@router.get("/{session_id}/history", response_model=Curves)
async def read_history(session_id: SessionId, store: StoreDep) -> Response:
    """Each set's network error and classification error against the step count."""
    async with store.use(session_id) as session:
        return ArrayJSONResponse(curves(session.trainer.history))


@router.get("/{session_id}/snapshot", response_model=Snapshot)
async def read_snapshot(session_id: SessionId, store: StoreDep) -> Response:
    """The session's whole state as one JSON document (config, weights, step count, history,
    the random generator's state): `POST /api/sessions` with `{"snapshot": ...}` restores it."""
    async with store.use(session_id) as session:
        document = snapshot_of(session)
    filename = f"playground-{document['step']}.json"
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return ArrayJSONResponse(document, headers=disposition)


@router.get(
    "/{session_id}/regions",
    response_model=Regions,
    responses={409: {"model": ErrorResponse, "description": "The data set is not 2-D."}},
)
async def read_regions(
    session_id: SessionId,
    store: StoreDep,
    resolution: Annotated[
        int,
        Query(
            ge=MIN_RESOLUTION,
            le=MAX_RESOLUTION,
            description="Grid points along each axis.",
        ),
    ] = 50,
) -> Response:
    """The class the net predicts over a grid of the plane, for data sets with two features."""
    async with store.use(session_id) as session:
        trainer = session.trainer
        try:
            if resolution**2 * sum(w.size for w in trainer.weights) <= INLINE_GRID_WORK:
                grid = decision_regions(trainer, resolution)  # cheaper than a thread hop
            else:
                grid = await to_thread.run_sync(decision_regions, trainer, resolution)
        except ValueError as e:  # the data set has not two features (resolution is checked)
            raise HTTPException(status.HTTP_409_CONFLICT, str(e)) from None
        return ArrayJSONResponse(regions(grid))


@router.delete(
    "/{session_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={409: {"model": ErrorResponse, "description": "The default session stays."}},
)
async def delete_session(session_id: SessionId, store: StoreDep) -> None:
    """Ends the session; its id answers 404 from now on and its live streams are closed."""
    try:
        store.delete(session_id)
    except ValueError as e:
        raise HTTPException(status.HTTP_409_CONFLICT, str(e)) from None
