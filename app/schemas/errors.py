"""Error bodies: every 4xx says what was wrong, naming the field and the bad value."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorResponse(BaseModel):
    """A request that could not be served as asked (404, 405, 409, 413, 503)."""

    message: str = Field(description="What went wrong and, where it helps, what to do instead.")
    detail: str = Field(description="The same as `message` (kept for older clients).")


class FieldError(BaseModel):
    """One invalid value in a request."""

    loc: list[str | int] = Field(
        description='Where the value is: `["body", "hidden", 0]`, `["query", "resolution"]`.'
    )
    msg: str = Field(description="What is wrong with it.")
    type: str = Field(description="A machine-readable kind of error, e.g. `less_than_equal`.")
    input: Any = Field(
        default=None,
        description="The bad value as received (non-finite numbers as null, long ones cut short).",
    )


class ValidationErrorResponse(BaseModel):
    """A request with invalid values (422): each one named with its field and value."""

    message: str = Field(
        description="All the errors in one line, each as `field=value: reason`, "
        "e.g. `learning_rate=nan: Input should be a finite number`."
    )
    detail: list[FieldError] = Field(description="The errors one by one.")
