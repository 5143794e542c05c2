"""The FastAPI application, assembled: settings, the session store, routers, middleware."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.templating import Jinja2Templates

from app.compression import COMPRESSED_PATHS, PathGZipMiddleware
from app.errors import add_exception_handlers
from app.routes import activations, datasets, default_session, health, live, page, sessions
from app.sessions import SessionStore
from app.settings import Settings
from app.static import VENDOR_MAX_AGE, CachedStaticFiles, CompressedFile, plotly_path

GZIP_MINIMUM_SIZE = 1000  # bytes; smaller responses are sent as they are
GZIP_LEVEL = 6  # zlib's default: most of level 9's gain at a third less CPU


def create_app(settings: Settings | None = None) -> FastAPI:
    """The playground's application (``settings`` from the environment when ``None``)."""
    settings = settings if settings is not None else Settings()
    app = FastAPI(
        title="The delta-rule playground",
        summary="Backpropagation's delta, live: train a small net one sample at a time.",
        version="0.1.0",
        max_body_size=settings.max_body_size,
    )
    app.state.settings = settings
    app.state.store = SessionStore(settings.max_sessions)
    app.state.templates = Jinja2Templates(directory=settings.templates_dir)
    app.state.plotly = CompressedFile(plotly_path(), "text/javascript", VENDOR_MAX_AGE)

    add_exception_handlers(app)
    app.add_middleware(
        PathGZipMiddleware,
        paths=COMPRESSED_PATHS,
        minimum_size=GZIP_MINIMUM_SIZE,
        compresslevel=GZIP_LEVEL,
    )
    # the routers are tried in this order: the sessions' (the busiest) first
    for module in (sessions, default_session, live, datasets, activations, health, page):
        app.include_router(module.router)
    if settings.static_dir.is_dir():  # after the routes: /static/vendor/... is a route
        static = CachedStaticFiles(settings.static_dir, settings.static_max_age)
        app.mount("/static", static, name="static")
    return app
