"""Snapshots: a session's whole state as one self-contained JSON document, and a new session
restored from one.

The engine (``core.snapshot``) writes and checks the document; these models give its shape, for
the OpenAPI schema and for a first check of a request: the types, and integers a JavaScript
client can hold (up to 2**53). Whether the parts fit together (the weights' shapes for the
config, the generator's state, the history's steps) is the engine's check, which names the
place in the document that is wrong (``app.errors``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, model_validator
from pydantic_core import PydanticCustomError

from app.schemas.sessions import SessionConfig
from core.features import RAW_FEATURES
from core.snapshot import FORMAT, VERSION

# integers in a snapshot stay exact in a browser's JSON.parse (and in orjson's 64-bit integers)
MAX_SAFE_INTEGER = 2**53 - 1
SafeInt = Annotated[int, Field(strict=True, ge=0, le=MAX_SAFE_INTEGER)]
Number = Annotated[float, Field(strict=True)]
# a network error that overflowed (huge but finite weights) is written as "inf" or "nan"
SetError = Number | Literal["inf", "nan"]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SnapshotConfig(_Part):
    """The session's config as it started (its `learning_rate` is the initial one)."""

    dataset: str = Field(strict=True, description="The data set, by name.")
    hidden: list[Annotated[int, Field(strict=True)]] = Field(
        strict=True, description="Hidden-layer sizes from input to output."
    )
    activation: str = Field(strict=True, description="The activation of every layer, by name.")
    loss: str = Field(
        default="squared_error",
        strict=True,
        description="The loss, by name; snapshots without it are squared error's.",
    )
    learning_rate: Number = Field(description="The learning rate the session started with.")
    max_weight: Number = Field(description="Bound of the initial weights.")
    seed: int = Field(strict=True, description="Seed of the session's random generator.")
    sampling: str = Field(strict=True, description="`random`, `epoch` or `sequential`.")
    features: list[Annotated[str, Field(strict=True)]] = Field(
        default_factory=lambda: list(RAW_FEATURES),
        strict=True,
        description="A 2-D set's inputs (absent: the set's own x1, x2).",
    )
    noise: Number = Field(default=0.0, description="A 2-D set's noise (absent: 0).")


class SnapshotDataset(_Part):
    """The uploaded data set the session trains on, as it was uploaded (a server that never
    saw it reads it again; its name, derived from the content, must be the config's)."""

    csv: str = Field(strict=True, description="The CSV text.")
    label: str = Field(strict=True, description="The label column's name.")
    task: Literal["classification", "regression"] = Field(description="What the label is.")


class SnapshotSampler(_Part):
    """Training-sample indices drawn ahead (the `epoch` order) and how many are used."""

    queue: list[SafeInt] = Field(description="Indices into the training set, drawn ahead.")
    position: SafeInt = Field(description="How many of `queue` have been used.")


class SnapshotCurve(_Part):
    """One set's recorded errors; the lists have equal length."""

    step: list[SafeInt] = Field(description="Step counts, increasing from 0.")
    error: list[SetError] = Field(
        description='The network error at each step ("inf" or "nan" if it overflowed).'
    )
    classification_error: list[Number | None] = Field(
        description="The classification error, in [0, 1]; null for a regression set."
    )
    loss: list[SetError] | None = Field(
        default=None,
        description='The mean loss at each step ("inf" or "nan" if it overflowed); snapshots '
        "without it are squared error's, whose mean loss is n_outputs / 2 times the error.",
    )


class SnapshotHistory(_Part):
    """The learning curves and how they are being recorded."""

    capacity: SafeInt = Field(description="Points kept per curve before they are thinned.")
    interval: SafeInt = Field(description="Steps between recorded points, now.")
    train: SnapshotCurve = Field(description="The training set's curve.")
    validation: SnapshotCurve = Field(description="The validation set's curve.")
    test: SnapshotCurve = Field(description="The test set's curve.")


class Snapshot(_Part):
    """A session's whole state: restoring it gives a session whose next steps are bit for bit
    those the original would have taken. Weights are exact JSON numbers; the generator's
    128-bit integers are decimal strings (a browser's JSON.parse would round them as numbers),
    so a client should keep the document as text rather than parse and re-serialise it."""

    format: str = Field(
        strict=True, description="`delta-playground-snapshot`: what the document is."
    )
    version: Annotated[int, Field(strict=True)] = Field(
        description="The format's version (1); a server refuses versions it does not know."
    )
    config: SnapshotConfig = Field(description="What the session trains.")
    learning_rate: Number = Field(description="The current learning rate (it may have changed).")
    step: SafeInt = Field(description="Steps taken.")
    diverged: bool = Field(strict=True, description="Whether training stopped on a divergence.")
    weights: list[list[list[Number]]] = Field(
        description="Each layer's weights from input to output, shape (n_out, n_in + 1), the "
        "last column the bias."
    )
    rng: dict[str, JsonValue] = Field(
        description="The state of the session's random generator (NumPy's PCG64 "
        "`bit_generator.state`, integers as decimal strings)."
    )
    sampler: SnapshotSampler = Field(description="The sample order's state.")
    dataset: SnapshotDataset | None = Field(
        default=None, description="The uploaded set the session trains on (absent: a built-in)."
    )
    history: SnapshotHistory = Field(description="The learning curves.")

    @model_validator(mode="before")
    @classmethod
    def _of_this_format(cls, data: Any) -> Any:
        """Another kind of document, or another version of this one, is refused in a sentence
        (not as the list of every field it lacks)."""
        if not isinstance(data, dict):
            return data  # Pydantic says what it is instead of an object
        if data.get("format") != FORMAT:
            raise PydanticCustomError(
                "snapshot_format",
                "not a playground snapshot: its format must be {expected}, got {got}",
                {"expected": repr(FORMAT), "got": _shown(data.get("format"))},
            )
        version = data.get("version")
        if type(version) is not int or version != VERSION:
            raise PydanticCustomError(
                "snapshot_version",
                "a snapshot of version {got}, which this server does not read (it reads {known})",
                {"got": _shown(version), "known": VERSION},
            )
        return data


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


class NewSession(SessionConfig):
    """A new session: either config fields (all optional) or a `snapshot` to restore, not both."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"dataset": "xor", "hidden": [4], "seed": 1}]}
    )

    snapshot: Snapshot | None = Field(
        default=None,
        description="A document from `GET /api/sessions/{id}/snapshot`: the new session "
        "goes on exactly where that one was (a new id). It holds its own config: send no "
        "config field with it.",
    )

    @model_validator(mode="after")
    def _snapshot_or_config(self) -> NewSession:
        config_fields = sorted(self.model_fields_set - {"snapshot"})
        if self.snapshot is not None and config_fields:
            raise PydanticCustomError(
                "snapshot_with_config",
                "send either a snapshot or config fields, not both: a snapshot holds its own "
                "config (got {fields})",
                {"fields": ", ".join(config_fields)},
            )
        return self

    def config(self) -> SessionConfig:
        """The config fields alone, those the request set counted as set (``trainer_config``
        merges only those with the defaults)."""
        fields = self.model_dump(exclude={"snapshot"}, exclude_unset=True)
        return SessionConfig.model_construct(_fields_set=set(fields), **fields)
