"""``python -m app [--host HOST] [--port PORT]``: serve the playground with uvicorn.

Options override the ``PLAYGROUND_HOST`` and ``PLAYGROUND_PORT`` settings (see ``app.settings``).
"""

from __future__ import annotations

import argparse

import uvicorn
from starlette.types import ASGIApp

from app.main import create_app
from app.settings import Settings


def parse_settings(argv: list[str] | None = None) -> Settings:
    """The settings from the environment, with ``--host``/``--port`` from ``argv`` on top."""
    settings = Settings()
    parser = argparse.ArgumentParser(
        prog="python -m app", description="Serve the delta-rule playground."
    )
    parser.add_argument("--host", default=settings.host, help=f"default: {settings.host}")
    parser.add_argument("--port", type=int, default=settings.port, help=f"default: {settings.port}")
    args = parser.parse_args(argv)
    return Settings.model_validate(settings.model_dump() | {"host": args.host, "port": args.port})


def serve(app: ASGIApp, settings: Settings) -> None:
    """Runs ``app`` under uvicorn as the playground is run (the benchmarks' floor app too)."""
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        ws_max_size=settings.max_message_size,
        timeout_graceful_shutdown=settings.shutdown_timeout,
        log_level=settings.log_level,
    )


def main(argv: list[str] | None = None) -> None:
    settings = parse_settings(argv)
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
