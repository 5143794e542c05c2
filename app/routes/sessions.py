"""``/api/sessions``: create, read, reset, change and delete training sessions (their steps:
``app.routes.steps``)."""

from __future__ import annotations

from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Body, HTTPException, Path, Query, Response, status

from app.convert import curves, regions, state_fields, trainer_config
from app.deps import SettingsDep, StoreDep
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
    ValidationErrorResponse,
)
from app.snapshots import restore_trainer_in_thread, snapshot_of
from core import decision_regions
from core.regions import MAX_RESOLUTION, MIN_RESOLUTION

# grid points × weights computed on the event loop (spared a worker thread's hop); larger grids
# go to a worker thread, so as not to hold up other requests
INLINE_GRID_WORK = 200_000
ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "No such session (or it was evicted)."},
    422: {"model": ValidationErrorResponse, "description": "An invalid value."},
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


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=SessionState,
    responses={
        413: {"model": ErrorResponse, "description": "The body is over the size limit."},
        503: {
            "model": ErrorResponse,
            "description": "Every session slot (or, for a snapshot on an uploaded set, every "
            "upload slot) is in use.",
        },
    },
)
async def create_session(
    store: StoreDep, settings: SettingsDep, body: NewSessionBody = None
) -> Response:
    """Starts a session: a fresh net with weights drawn from the config's seed, or the session a
    `snapshot` describes, whose next steps are bit for bit those the original would take (on
    an uploaded set, the set it carries: it restores on a server that never saw the set)."""
    if body is not None and body.snapshot is not None:
        document = body.snapshot.model_dump()
        trainer = await restore_trainer_in_thread(
            document, settings.csv_limits(), store.held_dataset
        )
        session = await store.restore(trainer)
    else:
        session = await store.create(trainer_config(body.config() if body else SessionConfig()))
    async with store.read(session.id) as session:
        return ArrayJSONResponse(state_fields(session), status.HTTP_201_CREATED)


@router.get("/{session_id}", response_model=SessionState)
async def read_session(session_id: SessionId, store: StoreDep) -> Response:
    """The session's config, step count, weights and current errors."""
    async with store.read(session_id) as session:
        return ArrayJSONResponse(state_fields(session))


@router.post("/{session_id}/reset", response_model=SessionState)
async def reset_session(
    session_id: SessionId, store: StoreDep, config: ResetBody = None
) -> Response:
    """Starts the session over: step 0, weights drawn again from the seed, history cleared."""
    async with store.use(session_id) as session:
        new_config = session.config if config is None else trainer_config(config, session.config)
        session.reset(new_config, await store.dataset_for(new_config))
        return ArrayJSONResponse(state_fields(session))


@router.patch("/{session_id}", response_model=SessionState)
async def update_session(session_id: SessionId, store: StoreDep, update: SessionUpdate) -> Response:
    """Changes the learning rate, or sets one weight by hand (`weight`: `layer`, `row`,
    `column`, `value`), from the next step on, without a reset (also while a live stream
    plays). A weight index outside the session's shapes answers 422 naming it."""
    async with store.use(session_id) as session:
        if update.weight is not None:
            edit = update.weight
            session.set_weight(edit.layer, edit.row, edit.column, edit.value)
        if update.learning_rate is not None:
            session.set_learning_rate(update.learning_rate)
        return ArrayJSONResponse(state_fields(session))


@router.get("/{session_id}/history", response_model=Curves)
async def read_history(session_id: SessionId, store: StoreDep) -> Response:
    """Each set's network error and classification error against the step count."""
    async with store.read(session_id) as session:
        return ArrayJSONResponse(curves(session.trainer.history))


@router.get("/{session_id}/snapshot", response_model=Snapshot)
async def read_snapshot(session_id: SessionId, store: StoreDep) -> Response:
    """The session's whole state as one JSON document (config, weights, step count, history,
    the random generator's state): `POST /api/sessions` with `{"snapshot": ...}` restores it."""
    async with store.read(session_id) as session:
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
    async with store.read(session_id) as session:
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
        await store.delete(session_id)
    except ValueError as e:
        raise HTTPException(status.HTTP_409_CONFLICT, str(e)) from None
