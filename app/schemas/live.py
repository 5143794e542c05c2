"""The live stream's messages (``WS /api/sessions/{id}/live``), all JSON objects with a ``type``.

Client to server: ``play``, ``pause``, ``step``, ``set_speed``, ``set_learning_rate``, and
``ready`` (frames on request: the next frame, please).
Server to client: ``status`` (on connecting and after each command that changes the stream),
``frame`` (a step response plus ``type`` and ``steps``), ``diverged`` and ``error``.
"""

from __future__ import annotations

import enum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from app.schemas.sessions import LearningRate, StepCount, StepResponse

MIN_STEPS_PER_SECOND = 1
MAX_STEPS_PER_SECOND = 100_000

StepsPerSecond = Annotated[
    float,
    Field(
        ge=MIN_STEPS_PER_SECOND,
        le=MAX_STEPS_PER_SECOND,
        allow_inf_nan=False,
        strict=True,
        description=f"Training speed, {MIN_STEPS_PER_SECOND} to {MAX_STEPS_PER_SECOND} steps per "
        "second.",
    ),
]


class StreamState(enum.StrEnum):
    """Whether a live stream is training its session."""

    PLAYING = "playing"
    PAUSED = "paused"


class _Command(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PlayCommand(_Command):
    """Train at ``steps_per_second`` and send frames, until paused."""

    type: Literal["play"] = Field(description="`play`.")
    steps_per_second: StepsPerSecond
    frames_on_request: bool = Field(
        default=False,
        strict=True,
        description="Send a frame only when asked for with `ready` (play asks for the first): "
        "for a client that draws on its display's beat and asks as it takes each frame to "
        "draw. Training goes on between asks; a frame's `steps` counts every step since the "
        "last one sent.",
    )


class ReadyCommand(_Command):
    """Ask for the next frame, with frames on request; its reply is that frame: at once the one
    trained since the last went, else once a step is owed; at most `max_frame_rate` asks a
    second. Asking again before it comes changes nothing; while paused it is ignored."""

    type: Literal["ready"] = Field(description="`ready`.")


class PauseCommand(_Command):
    """Stop training; no frame follows the `status` that answers it."""

    type: Literal["pause"] = Field(description="`pause`.")


class StepCommand(_Command):
    """Take ``n`` steps now and send their frame (playing or not)."""

    type: Literal["step"] = Field(description="`step`.")
    n: StepCount = 1


class SetSpeedCommand(_Command):
    """Change the speed, playing or not."""

    type: Literal["set_speed"] = Field(description="`set_speed`.")
    steps_per_second: StepsPerSecond


class SetLearningRateCommand(_Command):
    """Change the session's learning rate from the next step on (as `PATCH` does)."""

    type: Literal["set_learning_rate"] = Field(description="`set_learning_rate`.")
    learning_rate: LearningRate


Command = Annotated[
    PlayCommand
    | PauseCommand
    | StepCommand
    | SetSpeedCommand
    | SetLearningRateCommand
    | ReadyCommand,
    Field(discriminator="type"),
]
COMMAND: TypeAdapter[Command] = TypeAdapter(Command)


class StatusMessage(BaseModel):
    """The stream's state, sent on connecting and after each command that changes it."""

    type: Literal["status"] = Field(default="status", description="`status`.")
    state: StreamState = Field(description="`playing` or `paused`.")
    steps_per_second: float = Field(description="The speed, used while playing.")
    step: int = Field(description="The session's step count.")
    learning_rate: float = Field(description="The session's learning rate.")


class FrameMessage(StepResponse):
    """The session after the steps of one frame (or of a `step` command)."""

    type: Literal["frame"] = Field(default="frame", description="`frame`.")
    steps: int = Field(description="Steps this frame covers; `trace` is the last one's.")


class DivergedMessage(BaseModel):
    """Training stopped: a step would have made a weight non-finite. The stream is paused."""

    type: Literal["diverged"] = Field(default="diverged", description="`diverged`.")
    message: str = Field(description="What happened and what to do (reset).")
    step: int = Field(description="The session's step count.")


class ErrorMessage(BaseModel):
    """A command that could not be carried out; the stream goes on as before."""

    type: Literal["error"] = Field(default="error", description="`error`.")
    message: str = Field(description="What was wrong, naming the field and the bad value.")
