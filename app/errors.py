"""Errors as answers: every bad request gets a 4xx naming the field and the bad value.

``422``: invalid values (Pydantic's checks, and the engine's ``core.ConfigError``), with a one-line
``message`` and the errors one by one in ``detail``. ``404``: unknown session. ``409``: a diverged
net asked to train, or a request the session's state does not allow. ``503``: the server is full.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from app.schemas import FieldError, ValidationErrorResponse
from app.sessions import SessionLimitError, SessionNotFoundError
from core import ConfigError, DivergedError

MAX_INPUT_CHARS = 80  # bad values are echoed back cut to this length


def describe(errors: Iterable[Mapping[str, Any]]) -> str:
    """Pydantic-style errors as one line: ``field=value: reason; ...``.

    The location's leading ``body``/``query``/``path`` is dropped; a missing field or a malformed
    JSON document has no value to show.
    """
    parts = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        if loc and loc[0] in ("body", "query", "path"):
            loc = loc[1:]
        where = ".".join(loc) or "body"
        if error.get("type") == "json_invalid":  # REST: loc (body, position); WS: loc ()
            reason = error.get("ctx", {}).get("error", "")
            if loc and loc[0].isdigit():
                where, reason = "body", f"{reason} at character {loc[0]}"
            parts.append(f"{where}: invalid JSON ({reason})")
        elif loc == [] and isinstance(error.get("input"), bytes):  # body not parsed as JSON
            parts.append("body: not a JSON object (is the Content-Type application/json?)")
        elif error.get("type") == "missing":
            parts.append(f"{where}: {error.get('msg', 'Field required')}")
        else:
            parts.append(f"{where}={_shown(error.get('input'))}: {error.get('msg', 'invalid')}")
    return "; ".join(parts)


def field_errors(errors: Sequence[Mapping[str, Any]]) -> list[FieldError]:
    return [
        FieldError(
            loc=[p if isinstance(p, int) else str(p) for p in error.get("loc", ())],
            msg=str(error.get("msg", "")),
            type=str(error.get("type", "")),
            input=_jsonable(error.get("input")),
        )
        for error in errors
    ]


def _shown(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**30:
        return f"<an integer of {value.bit_length()} bits>"
    text = repr(value)
    return text if len(text) <= MAX_INPUT_CHARS else text[: MAX_INPUT_CHARS - 1] + "…"


def _jsonable(value: Any, depth: int = 0) -> Any:
    """The bad value as JSON can carry it: non-finite floats as None, long or deep ones cut."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):  # huge ones have no repr (Python's 4300-digit limit)
        return value if abs(value) < 10**30 else f"<an integer of {value.bit_length()} bits>"
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return value if len(value) <= MAX_INPUT_CHARS else _shown(value)
    if depth < 3 and isinstance(value, list | tuple) and len(value) <= 16:
        return [_jsonable(v, depth + 1) for v in value]
    if depth < 3 and isinstance(value, dict) and len(value) <= 16:
        return {str(k): _jsonable(v, depth + 1) for k, v in value.items()}
    return _shown(value)


def validation_error_response(errors: Sequence[Mapping[str, Any]]) -> JSONResponse:
    body = ValidationErrorResponse(message=describe(errors), detail=field_errors(errors))
    return JSONResponse(body.model_dump(mode="json"), status.HTTP_422_UNPROCESSABLE_CONTENT)


def config_errors(error: ConfigError) -> list[dict[str, Any]]:
    """The engine's error in Pydantic's shape, located in the request body."""
    return [
        {"loc": ("body", error.field), "msg": error.reason, "type": "config", "input": error.value}
    ]


def _detail(status_code: int, error: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(error)}, status_code)


async def _on_validation_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    return validation_error_response(error.errors())


async def _on_config_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ConfigError)
    return validation_error_response(config_errors(error))


async def _on_session_not_found(_: Request, error: Exception) -> JSONResponse:
    return _detail(status.HTTP_404_NOT_FOUND, error)


async def _on_diverged(_: Request, error: Exception) -> JSONResponse:
    return _detail(status.HTTP_409_CONFLICT, error)


async def _on_session_limit(_: Request, error: Exception) -> JSONResponse:
    response = _detail(status.HTTP_503_SERVICE_UNAVAILABLE, error)
    response.headers["Retry-After"] = "10"
    return response


def add_exception_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(ConfigError, _on_config_error)
    app.add_exception_handler(SessionNotFoundError, _on_session_not_found)
    app.add_exception_handler(DivergedError, _on_diverged)
    app.add_exception_handler(SessionLimitError, _on_session_limit)
