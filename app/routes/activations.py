"""``/api/activations``: the transfer functions a session can use."""

from __future__ import annotations

from fastapi import APIRouter

from app.convert import activation_info
from app.schemas import ActivationInfo
from core import ACTIVATIONS

router = APIRouter(prefix="/api", tags=["catalog"])


@router.get("/activations")
async def read_activations() -> list[ActivationInfo]:
    """The activation functions, by the name a session's config uses."""
    return [activation_info(a) for a in ACTIVATIONS.values()]
