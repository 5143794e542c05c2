"""``/healthz``: the server is up (the container's HEALTHCHECK asks it)."""

from __future__ import annotations

from fastapi import APIRouter

from app.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def read_health() -> Health:
    """200 while the server runs."""
    return Health(status="ok")
