"""Checking one's own backpropagation: ``POST /api/check``, and a session's last step as an
exercise (``GET /api/sessions/{id}/exercise``) to compute in one's own code."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Response, status

from app.deps import StoreDep
from app.responses import ArrayJSONResponse
from app.routes.sessions import ERRORS, SessionId
from app.schemas import CheckRequest, CheckResponse, ErrorResponse, Problem
from core.check import check_step
from core.records import StepRecord

router = APIRouter(prefix="/api", tags=["check"])


def exercise_of(record: StepRecord, activation: str) -> dict[str, Any]:
    """The problem a step solved: its start, for one's own code (``Problem``'s fields)."""
    return {
        "activation": activation,
        "loss": record.loss_function,
        "learning_rate": record.learning_rate,
        "x": record.sample.x,
        "target": record.target,
        "weights": [layer.weights_before for layer in record.layers],
    }


@router.post(
    "/check",
    response_model=CheckResponse,
    responses={
        413: {"model": ErrorResponse, "description": "The body is over the size limit."},
        422: ERRORS[422],
    },
)
async def create_check(body: CheckRequest) -> Response:
    """Checks one's own step against the engine's: every given quantity in computation order
    (`correct`, `wrong`, `not_given` or `convention`), the first wrong one, the known mistake
    that explains it, and the engine's whole step."""
    verdict = check_step(
        body.problem.model_dump(), body.answer.model_dump(exclude_none=True), body.tolerance
    )
    return ArrayJSONResponse(verdict.to_dict())


@router.get(
    "/sessions/{session_id}/exercise",
    response_model=Problem,
    responses={
        **ERRORS,
        409: {"model": ErrorResponse, "description": "The session has taken no step yet."},
    },
)
async def read_exercise(session_id: SessionId, store: StoreDep) -> Response:
    """The problem of the session's last step (the weights before it, its sample, the
    activation, loss and learning rate), to compute in one's own code and `POST /api/check`."""
    async with store.read(session_id) as session:
        record = session.trainer.last_step
        if record is None:
            raise HTTPException(
                status.HTTP_409_CONFLICT,
                "the session has taken no step since it started, was reset or restored: "
                "take a step first",
            )
        return ArrayJSONResponse(exercise_of(record, session.config.activation))
