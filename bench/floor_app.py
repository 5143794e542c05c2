"""The framework's floor: an empty ``async def`` POST endpoint returning a small JSON object,
served by uvicorn with the same settings as the playground (``python -m bench.floor_app``).

By default it is the target's floor: FastAPI as it comes. ``FLOOR_TELEMETRY=off python -m
bench.floor_app`` serves the same endpoint with the playground's own FastAPI setting
(``app.main.TELEMETRY_OFF``), a second, stricter reference.
"""

from __future__ import annotations

import os

from fastapi import FastAPI
from fastapi.telemetry import TelemetryConfig

from app.__main__ import parse_settings, serve
from app.main import TELEMETRY_OFF


def floor_app(telemetry: TelemetryConfig | None = None) -> FastAPI:
    """The empty endpoint on a FastAPI application with this ``telemetry`` setting."""
    application = FastAPI(telemetry=telemetry)

    @application.post("/floor")
    async def floor() -> dict[str, bool]:
        return {"ok": True}

    return application


def main() -> None:
    lean = os.environ.get("FLOOR_TELEMETRY", "on") == "off"
    serve(floor_app(TELEMETRY_OFF if lean else None), parse_settings())


if __name__ == "__main__":
    main()
