"""The playground's server: a FastAPI application around the engine in ``core``.

``app.main.create_app`` assembles it; ``python -m app`` serves it with uvicorn.
"""
