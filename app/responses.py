"""JSON responses written straight from the engine's arrays, for the endpoints hit per step.

Building Pydantic models for a step's state and record, then letting FastAPI validate and
serialise them again, costs more than the step itself (docs/benchmarks.md). orjson writes NumPy
arrays directly, and writes NaN and ±Infinity as ``null``, the API's convention for non-finite
numbers. The routes still declare their Pydantic ``response_model`` for the OpenAPI schema; tests
validate these responses against it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import orjson
from starlette.responses import Response

OPTIONS = orjson.OPT_SERIALIZE_NUMPY


def _default(value: Any) -> Any:
    if isinstance(value, np.ndarray):  # not C-contiguous: orjson takes only contiguous arrays
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dumps(content: Any) -> bytes:
    """``content`` as JSON bytes; NumPy arrays as lists, non-finite numbers as ``null``."""
    return orjson.dumps(content, option=OPTIONS, default=_default)


class ArrayJSONResponse(Response):
    """A JSON response whose content may hold NumPy arrays and non-finite numbers."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)
