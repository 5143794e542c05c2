"""Errors as answers: every bad request gets a 4xx naming the field and the bad value.

Every error answer is a JSON object with a one-line ``message``. ``422``: invalid values
(Pydantic's checks, the engine's ``core.ConfigError``, a snapshot the engine cannot restore, a
CSV that cannot be a data set, naming its row and column), with
the errors one by one in ``detail``. Other errors (``ErrorResponse``) repeat the message as
``detail``: ``404`` an unknown session or path, ``405`` a method a path does not have,
``409`` a diverged net asked to train or a request the session's state does not allow, ``413`` a
body over the limit, ``415`` an upload that is not CSV, ``503`` the server is full.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.utils import is_body_allowed_for_status_code
from starlette.exceptions import HTTPException

from app.datasets import DatasetLimitError, DatasetNotFoundError
from app.schemas import ErrorResponse, FieldError, ValidationErrorResponse
from app.sessions import SessionLimitError, SessionNotFoundError
from app.store import SessionBusyError, StoreUnavailableError
from core import ConfigError, DivergedError
from core.csv_data import CsvError
from core.exercise import ExerciseError
from core.snapshot import SnapshotError

MAX_INPUT_CHARS = 80  # bad values are echoed back cut to this length
_PATH_PART = re.compile(r"([A-Za-z_]\w*)|\[(\d+)\]")  # `weights[0][2]`: weights, 0, 2


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
        elif error.get("type") == "missing" or isinstance(error.get("input"), dict):
            # a field missing, or a check of a whole object (no use echoing it back)
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


def _shown_text(text: str) -> str:
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
    return _unprocessable(describe(errors), field_errors(errors))


def _unprocessable(message: str, detail: list[FieldError]) -> JSONResponse:
    body = ValidationErrorResponse(message=message, detail=detail)
    return JSONResponse(body.model_dump(mode="json"), status.HTTP_422_UNPROCESSABLE_CONTENT)


def config_errors(error: ConfigError) -> list[dict[str, Any]]:
    """The engine's error in Pydantic's shape, located in the request body."""
    loc = ("body", *error.field.split("."))  # `weight.layer`: body, weight, layer
    return [{"loc": loc, "msg": error.reason, "type": "config", "input": error.value}]


def snapshot_errors(error: SnapshotError) -> tuple[str, list[FieldError]]:
    """The engine's snapshot error as a message and one field error, located in the body's
    ``snapshot`` (``weights[0][2]`` becomes ``["body", "snapshot", "weights", 0, 2]``)."""
    where = f"snapshot.{error.path}" if error.path else "snapshot"
    loc: list[str | int] = ["body", "snapshot"]
    for name, index in _PATH_PART.findall(error.path):
        loc.append(name or int(index))
    detail = FieldError(loc=loc, msg=error.reason, type="snapshot", input=None)
    return f"{where}: {error.reason}", [detail]


def exercise_errors(error: ExerciseError) -> tuple[str, list[FieldError]]:
    """The engine's exercise error as a message and one field error located in the body
    (``problem.weights[1]`` becomes ``["body", "problem", "weights", 1]``)."""
    loc: list[str | int] = ["body"]
    for name, index in _PATH_PART.findall(error.place):
        loc.append(name or int(index))
    detail = FieldError(loc=loc, msg=error.reason, type="exercise", input=None)
    return str(error), [detail]


def csv_errors(error: CsvError) -> list[FieldError]:
    """The engine's CSV error as one field error, located in the body by row and column
    (``["body", "row", 3, "column", "2 ('b')"]``)."""
    loc: list[str | int] = ["body"]
    if error.row is not None:
        loc += ["row", error.row]
    if error.column is not None:
        loc += ["column", error.column]
    return [FieldError(loc=loc, msg=error.reason, type="csv", input=None)]


def error_response(
    status_code: int, message: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """An error answer (not a 422): ``message``, repeated as ``detail``."""
    body = ErrorResponse(message=message, detail=message)
    return JSONResponse(body.model_dump(), status_code, headers=headers)


def _detail(status_code: int, error: Exception) -> JSONResponse:
    return error_response(status_code, str(error))


async def _on_validation_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    return validation_error_response(error.errors())


async def _on_config_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ConfigError)
    return validation_error_response(config_errors(error))


async def _on_snapshot_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, SnapshotError)
    return _unprocessable(*snapshot_errors(error))


async def _on_exercise_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ExerciseError)
    return _unprocessable(*exercise_errors(error))


async def _on_csv_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, CsvError)
    return _unprocessable(str(error), csv_errors(error))


async def _on_http_exception(_: Request, error: Exception) -> Response:
    """Starlette's and FastAPI's own errors (404 for an unknown path, 405, 400 for a body that
    cannot be parsed, and ``HTTPException`` raised by a route), with a ``message``."""
    assert isinstance(error, HTTPException)
    if not is_body_allowed_for_status_code(error.status_code):  # 204, 304
        return Response(status_code=error.status_code, headers=error.headers)
    if error.status_code == status.HTTP_400_BAD_REQUEST and error.__cause__ is not None:
        # FastAPI's "There was an error parsing the body" (not UTF-8, too deep, too many digits
        # for an integer): invalid JSON to this server, a 422 as for any other (and as the
        # step endpoint, which reads its body itself, answers)
        reason = _shown_text(str(error.__cause__).split(";")[0])
        return validation_error_response(
            [{"type": "json_invalid", "loc": ("body",), "msg": reason, "ctx": {"error": reason}}]
        )
    return error_response(error.status_code, str(error.detail), error.headers)


async def _on_session_not_found(_: Request, error: Exception) -> JSONResponse:
    return _detail(status.HTTP_404_NOT_FOUND, error)


async def _on_diverged(_: Request, error: Exception) -> JSONResponse:
    return _detail(status.HTTP_409_CONFLICT, error)


async def _on_dataset_not_found(_: Request, error: Exception) -> JSONResponse:
    return _detail(status.HTTP_404_NOT_FOUND, error)


async def _on_full(_: Request, error: Exception) -> JSONResponse:
    retry = {"Retry-After": "10"}
    return error_response(status.HTTP_503_SERVICE_UNAVAILABLE, str(error), retry)


async def _on_busy(_: Request, error: Exception) -> JSONResponse:
    # a session held by another process, or the shared store down: worth a retry soon
    return error_response(status.HTTP_503_SERVICE_UNAVAILABLE, str(error), {"Retry-After": "1"})


def add_exception_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, _on_http_exception)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(SnapshotError, _on_snapshot_error)
    app.add_exception_handler(ConfigError, _on_config_error)
    app.add_exception_handler(ExerciseError, _on_exercise_error)
    app.add_exception_handler(SessionNotFoundError, _on_session_not_found)
    app.add_exception_handler(DivergedError, _on_diverged)
    app.add_exception_handler(SessionLimitError, _on_full)
    app.add_exception_handler(DatasetLimitError, _on_full)
    app.add_exception_handler(SessionBusyError, _on_busy)
    app.add_exception_handler(StoreUnavailableError, _on_busy)
    app.add_exception_handler(DatasetNotFoundError, _on_dataset_not_found)
    app.add_exception_handler(CsvError, _on_csv_error)
