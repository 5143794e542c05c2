"""``GET /api/sessions/{id}/gradient-check``: the last step's delta and update, checked
numerically."""

from __future__ import annotations

from typing import Any

from anyio import to_thread
from fastapi import APIRouter, HTTPException, status
from fastapi.responses import Response

from app.deps import StoreDep
from app.responses import ArrayJSONResponse
from app.routes.sessions import ERRORS, SessionId
from app.schemas import ErrorResponse
from app.schemas.gradient_check import GradientCheck
from core import StepRecord, Trainer
from core.gradient_check import gradient_check

INLINE_CHECK_WEIGHTS = 500  # weights whose central differences are computed on the event loop

router = APIRouter(prefix="/api/sessions", tags=["sessions"], responses=ERRORS)


def _check(trainer: Trainer, record: StepRecord) -> dict[str, Any]:
    result = gradient_check(
        [layer.weights_before for layer in record.layers],
        record.sample.x,
        record.sample.target,
        trainer.activation,
        trainer.loss,
        record.learning_rate,
    )
    return {
        "step": record.step,
        "epsilon": result.epsilon,
        "layers": [layer._asdict() for layer in result.layers],
    }


@router.get(
    "/{session_id}/gradient-check",
    response_model=GradientCheck,
    responses={409: {"model": ErrorResponse, "description": "No step to check yet."}},
)
async def read_gradient_check(session_id: SessionId, store: StoreDep) -> Response:
    """The session's last step recomputed from its weights before and its sample: each layer's
    delta and weight update beside the same by central differences of the sample's loss."""
    async with store.read(session_id) as session:
        trainer = session.trainer
        record = trainer.last_step
        if record is None:
            raise HTTPException(
                status.HTTP_409_CONFLICT,
                "no step to check yet: take a step first (a new, reset or restored session "
                "checks its next step)",
            )
        if sum(layer.weights.size for layer in record.layers) <= INLINE_CHECK_WEIGHTS:
            fields = _check(trainer, record)  # cheaper than a thread hop
        else:
            fields = await to_thread.run_sync(_check, trainer, record)
        return ArrayJSONResponse(fields)
