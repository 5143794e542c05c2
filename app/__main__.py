"""``python -m app [--host HOST] [--port PORT] [--workers N]``: serve the playground with uvicorn.

Options override the ``PLAYGROUND_HOST`` and ``PLAYGROUND_PORT`` settings (see ``app.settings``).
``--workers N`` runs N processes on the one port, each its own app (read from the environment);
they share sessions only through Redis, so N > 1 needs ``PLAYGROUND_REDIS_URL``.
"""

from __future__ import annotations

import argparse

import uvicorn
from starlette.types import ASGIApp

from app.main import create_app
from app.settings import Settings


def parse_args(argv: list[str] | None = None) -> tuple[Settings, int]:
    """The settings from the environment, with ``--host``/``--port`` from ``argv`` on top, and
    the number of worker processes (more than one refused without Redis)."""
    settings = Settings()
    parser = argparse.ArgumentParser(
        prog="python -m app", description="Serve the delta-rule playground."
    )
    parser.add_argument("--host", default=settings.host, help=f"default: {settings.host}")
    parser.add_argument("--port", type=int, default=settings.port, help=f"default: {settings.port}")
    parser.add_argument(
        "--workers", type=int, default=1, help="processes serving the port (default: 1)"
    )
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error(f"--workers {args.workers}: must be at least 1")
    if args.workers > 1 and settings.redis_url is None:
        parser.error(
            f"--workers {args.workers} needs PLAYGROUND_REDIS_URL: without Redis each process "
            "keeps its sessions in its own memory, and a request reaching another process "
            "would not find its session"
        )
    chosen = {"host": args.host, "port": args.port}
    return Settings.model_validate(settings.model_dump() | chosen), args.workers


def parse_settings(argv: list[str] | None = None) -> Settings:
    """``parse_args``'s settings."""
    return parse_args(argv)[0]


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
    settings, workers = parse_args(argv)
    if workers == 1:
        serve(create_app(settings), settings)
        return
    # uvicorn's workers each import the app: a factory by name, the settings from the
    # environment (the address is uvicorn's)
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        workers=workers,
        host=settings.host,
        port=settings.port,
        ws_max_size=settings.max_message_size,
        timeout_graceful_shutdown=settings.shutdown_timeout,
        log_level=settings.log_level,
    )


if __name__ == "__main__":
    main()
