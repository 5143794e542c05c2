"""The FastAPI application, assembled: settings, the session store, routers, middleware, and the
lifespan that restores saved sessions on start, checkpoints them while serving and on shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI
from fastapi.telemetry import TelemetryConfig
from fastapi.templating import Jinja2Templates

from app import heap, persistence
from app.checkpoint import Checkpointer
from app.compression import COMPRESSED_PATHS, PathGZipMiddleware
from app.errors import add_exception_handlers
from app.hosts import AllowedHostsMiddleware
from app.limits import BodyLimitMiddleware, LiveStreamLimitMiddleware
from app.routes import (
    activations,
    check,
    datasets,
    default_session,
    docs,
    gradient_check,
    health,
    live,
    page,
    sessions,
    steps,
)
from app.security import SecurityHeadersMiddleware
from app.sessions import SessionStore
from app.settings import Settings
from app.static import VENDOR_MAX_AGE, CachedStaticFiles, CompressedFile, plotly_path
from app.store import Store, create_store

GZIP_MINIMUM_SIZE = 1000  # bytes; smaller responses are sent as they are
GZIP_LEVEL = 6  # zlib's default: most of the highest level's gain for less CPU
log = logging.getLogger("uvicorn.error.persistence")  # shown with uvicorn's own messages
# FastAPI's built-in OpenTelemetry hook, off: the playground configures no OpenTelemetry provider,
# and looking for one costs every request, a noticeable share of a one-step request's time
# (docs/benchmarks.md)
TELEMETRY_OFF: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The store connected, the heap settled (``app.heap``); in memory with
    ``settings.persist``: the saved sessions back on start, checkpoints of the changed ones
    while serving, and a final one on a graceful shutdown (see ``app.persistence``; Redis
    keeps its own)."""
    settings: Settings = app.state.settings
    store: Store = app.state.store
    await store.start()
    heap.settle()
    try:
        archive = (
            persistence.SessionArchive.in_directory(settings.data_dir)
            if settings.persist and isinstance(store, SessionStore)
            else None
        )
        if archive is None:
            yield
            return
        assert isinstance(store, SessionStore)
        trainers = await to_thread.run_sync(
            persistence.load_trainers, archive, store.max_sessions, settings.csv_limits()
        )
        persistence.restore_sessions(store, trainers)
        checkpointer = Checkpointer(archive, store.sessions, settings.checkpoint_interval)
        checkpointer.adopt()
        checkpoints = asyncio.create_task(checkpointer.run())
        try:
            yield
        finally:
            checkpoints.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await checkpoints  # a write under way finishes first
            final = await checkpointer.checkpoint(wait=settings.shutdown_timeout)
            if final.busy:
                log.warning("%d sessions not saved in their latest state: still busy", final.busy)
            if final.ok:
                log.info("saved %d sessions to %s", final.kept, archive.path)
    finally:
        await store.close()


def create_app(settings: Settings | None = None) -> FastAPI:
    """The playground's application (``settings`` from the environment when ``None``)."""
    settings = settings if settings is not None else Settings()
    app = FastAPI(
        title="The delta-rule playground",
        summary="Backpropagation's delta, live: train a small net one sample at a time.",
        version="0.1.0",
        docs_url=None,  # served by app.routes.docs, from this server (no CDN, no inline script)
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        lifespan=lifespan,
        telemetry=TELEMETRY_OFF,
    )
    app.state.settings = settings
    app.state.store = create_store(settings)
    app.state.templates = Jinja2Templates(directory=settings.templates_dir)
    app.state.plotly = CompressedFile(plotly_path(), "text/javascript", VENDOR_MAX_AGE)

    add_exception_handlers(app)
    # the last added is the outermost: headers on every answer, even a 413
    app.add_middleware(
        PathGZipMiddleware,
        paths=COMPRESSED_PATHS,
        minimum_size=GZIP_MINIMUM_SIZE,
        compresslevel=GZIP_LEVEL,
    )
    app.add_middleware(
        LiveStreamLimitMiddleware,
        max_message_size=settings.max_message_size,
        max_frame_rate=settings.max_frame_rate,
    )
    app.add_middleware(
        BodyLimitMiddleware,
        max_body_size=settings.max_body_size,
        larger={
            ("POST", "/api/sessions"): settings.max_snapshot_size,  # snapshot uploads
            ("POST", "/api/check"): settings.max_check_size,  # a whole step, twice
            ("POST", "/api/datasets"): settings.max_upload_size,  # CSV uploads
        },
    )
    app.add_middleware(AllowedHostsMiddleware, allowed_hosts=settings.allowed_hosts)
    app.add_middleware(SecurityHeadersMiddleware)
    # routes are tried in the order they are added: the steps (the busiest) first, then the
    # routers, the sessions' first
    steps.add_step_routes(app.router)
    for module in (
        sessions,
        gradient_check,
        check,
        default_session,
        live,
        datasets,
        activations,
        health,
        docs,
        page,
    ):
        app.include_router(module.router)
    if settings.static_dir.is_dir():  # after the routes: /static/vendor/... is a route
        static = CachedStaticFiles(settings.static_dir, settings.static_max_age)
        app.mount("/static", static, name="static")
    return app
