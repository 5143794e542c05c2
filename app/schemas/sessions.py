"""Sessions: their config, their state, the record of a step, learning curves, decision regions.

Numbers the engine computes are sent as they are, except non-finite ones: JSON has no NaN or
Infinity, so they are sent as ``null``. They only occur in the record (``trace``) of the step that
diverged and in errors of a net whose weights have grown huge; weights are always finite (the
engine does not apply an update that would make one non-finite).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, JsonValue, model_validator
from pydantic_core import PydanticCustomError

from core import ACTIVATIONS, LOSSES, Sampling, TrainerConfig, dataset_names
from core.config import (
    MAX_HIDDEN_LAYERS,
    MAX_HIDDEN_UNITS,
    MAX_LEARNING_RATE,
    MAX_SEED,
    MAX_WEIGHT_LIMIT,
)
from core.csv_data import NAME_PATTERN
from core.features import FEATURES, MAX_NOISE

MAX_STEPS = 100_000  # steps in one request or one live-stream `step` command
NULL = " Non-finite values are sent as null."
_DEFAULT = TrainerConfig()


def _enum(names: list[str]) -> dict[str, JsonValue]:
    """The allowed names, for the OpenAPI schema (the engine checks them: see ``app.errors``)."""
    values: list[JsonValue] = [*names]
    return {"enum": values}


Vector = list[float | None]
Matrix = list[list[float | None]]
LearningRate = Annotated[
    float,
    Field(
        gt=0,
        le=MAX_LEARNING_RATE,
        allow_inf_nan=False,
        strict=True,
        description=f"η, a finite number in (0, {MAX_LEARNING_RATE:g}].",
    ),
]
HiddenSize = Annotated[int, Field(strict=True, ge=1, le=MAX_HIDDEN_UNITS)]
StepCount = Annotated[
    int,
    Field(strict=True, ge=1, le=MAX_STEPS, description=f"Steps to take, 1 to {MAX_STEPS}."),
]


class SessionConfig(BaseModel):
    """What a session trains. In a request every field is optional."""

    model_config = ConfigDict(extra="forbid")

    dataset: str = Field(
        default=_DEFAULT.dataset,
        strict=True,
        description="The data set, by name: a built-in one (see `GET /api/datasets`) or an "
        "uploaded one (`POST /api/datasets`).",
        json_schema_extra={
            "anyOf": [_enum(dataset_names()), {"pattern": f"^{NAME_PATTERN.pattern}$"}]
        },
    )
    hidden: list[HiddenSize] = Field(
        default_factory=lambda: list(_DEFAULT.hidden),
        max_length=MAX_HIDDEN_LAYERS,
        strict=True,
        description=f"Hidden-layer sizes from input to output, at most {MAX_HIDDEN_LAYERS} "
        f"layers of 1 to {MAX_HIDDEN_UNITS} units; `[]` is the tutorial's net, one weight "
        "matrix between input and output.",
    )
    activation: str = Field(
        default=_DEFAULT.activation,
        strict=True,
        description="The activation of every layer, by name (see `GET /api/activations`), "
        "except the output layer's with `cross_entropy`.",
        json_schema_extra=_enum(list(ACTIVATIONS)),
    )
    loss: str = Field(
        default=_DEFAULT.loss,
        strict=True,
        description="The loss E of one sample: `squared_error`, the tutorial's ½‖t − y‖² (every "
        "layer uses `activation`), or `cross_entropy`: −Σ t ln y over a softmax output layer "
        "(several output units) or −[t ln y + (1 − t) ln(1 − y)] over a logistic sigmoid unit "
        "(one), the hidden layers using `activation`; its output delta is t − y exactly.",
        json_schema_extra=_enum(list(LOSSES)),
    )
    learning_rate: LearningRate = Field(
        default=_DEFAULT.learning_rate,
        description=f"η, a finite number in (0, {MAX_LEARNING_RATE:g}]; in a state, the current "
        "one (it may have been changed since the start).",
    )
    max_weight: float = Field(
        default=_DEFAULT.max_weight,
        ge=0,
        le=MAX_WEIGHT_LIMIT,
        allow_inf_nan=False,
        strict=True,
        description="Initial weights are drawn uniformly from [-max_weight, max_weight], "
        f"in [0, {MAX_WEIGHT_LIMIT:g}].",
    )
    seed: int = Field(
        default=_DEFAULT.seed,
        ge=0,
        le=MAX_SEED,
        strict=True,
        description="Seed of the session's random generator (initial weights and sample order).",
    )
    sampling: Sampling = Field(
        default=_DEFAULT.sampling,
        description="Sample order: `random` (with replacement, as the tutorial), `epoch` "
        "(a fresh permutation every pass) or `sequential`.",
    )
    features: list[Annotated[str, Field(json_schema_extra=_enum(list(FEATURES)))]] = Field(
        default_factory=lambda: list(_DEFAULT.features),
        min_length=1,
        max_length=len(FEATURES),
        strict=True,
        description="The net's inputs, for the built-in 2-D sets (those whose `plane` is true): "
        "distinct functions of the plane's points (x1, x2), computed on the plane mapped to "
        "[-π, π]² and scaled to [0, 1] by each function's range there. Other sets take only "
        "the default.",
    )
    noise: float = Field(
        default=_DEFAULT.noise,
        ge=0,
        le=MAX_NOISE,
        allow_inf_nan=False,
        description=f"For the built-in 2-D sets, in [0, {MAX_NOISE:g}]: the standard deviation "
        "of Gaussian noise added to every point (in the plane scaled to [0, 1], then scaled "
        "again), from a fixed seed; 0 is the set as it is. Other sets take only 0.",
    )


class StepRequest(BaseModel):
    """How many steps to take."""

    model_config = ConfigDict(extra="forbid")

    n: StepCount = 1


class WeightEdit(BaseModel):
    """One weight set by hand: ``W[row][column]`` of layer ``layer``."""

    model_config = ConfigDict(extra="forbid")

    layer: int = Field(strict=True, ge=0, description="The layer, from 0 (input to output).")
    row: int = Field(strict=True, ge=0, description="The unit k: the matrix's row.")
    column: int = Field(
        strict=True, ge=0, description="The input j: the matrix's column (the last: the bias)."
    )
    value: float = Field(
        strict=True,
        ge=-MAX_WEIGHT_LIMIT,
        le=MAX_WEIGHT_LIMIT,
        allow_inf_nan=False,
        description=f"The new weight, a finite number in [{-MAX_WEIGHT_LIMIT:g}, "
        f"{MAX_WEIGHT_LIMIT:g}].",
    )


class SessionUpdate(BaseModel):
    """Changes taking effect from the next step, without a reset: a new learning rate, one
    weight set by hand, or both."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"learning_rate": 0.2},
                {"weight": {"layer": 0, "row": 2, "column": 4, "value": 0.25}},
            ]
        },
    )

    learning_rate: LearningRate | None = Field(
        default=None, description=f"η, a finite number in (0, {MAX_LEARNING_RATE:g}]."
    )
    weight: WeightEdit | None = Field(
        default=None,
        description="Indices within the session's weight shapes (see `layers[].weights`).",
    )

    @model_validator(mode="after")
    def _something(self) -> SessionUpdate:
        if self.learning_rate is None and self.weight is None:
            raise PydanticCustomError(
                "nothing_to_update", "send a learning_rate, a weight or both", {}
            )
        return self


class SetMetrics(BaseModel):
    """How well the net does on one set, now."""

    error: float | None = Field(
        description="The tutorial's network error: sum((target - output)²) / (samples × outputs)."
        + NULL
    )
    classification_error: float | None = Field(
        description="Fraction of samples classified wrongly; null for a regression set."
    )
    loss: float | None = Field(description="The mean of the samples' loss E." + NULL)


class Metrics(BaseModel):
    """The current errors of the three sets."""

    train: SetMetrics = Field(description="The training set, which the steps draw from.")
    validation: SetMetrics = Field(description="The validation set.")
    test: SetMetrics = Field(description="The test set.")


class LayerWeights(BaseModel):
    """One layer's weights."""

    weights: list[list[float]] = Field(
        description="Shape (n_out, n_in + 1): row k holds unit k's weights from each input, "
        "the last column the bias weight (its input is fixed at 1)."
    )


class SessionState(BaseModel):
    """A session now."""

    id: str = Field(description="The session's id, for the URLs of the other endpoints.")
    config: SessionConfig = Field(description="What the session trains.")
    step: int = Field(description="Steps taken since the start or the last reset.")
    layers: list[LayerWeights] = Field(description="The layers from input to output.")
    metrics: Metrics = Field(description="The current errors of each set.")
    diverged: bool = Field(
        description="Whether training has stopped because a weight would have become "
        "non-finite; reset to train again."
    )


class SampleTrace(BaseModel):
    """The training sample a step used."""

    set: str = Field(description="The set it comes from (always `train`).")
    index: int = Field(description="Its index in that set.")
    x: Vector = Field(description="Its input features, scaled to [0, 1].")
    target: Vector = Field(description="Its target output.")


class LayerTrace(BaseModel):
    """One layer's part of a step; vectors have one entry per unit, matrices (n_out, n_in + 1)."""

    activation: str = Field(
        description="The layer's activation f: the session's, or `softmax` / `sigmoid` at a "
        "cross-entropy output layer."
    )
    input: Vector = Field(
        description="The layer's input (the sample's x, or the layer below's output)." + NULL
    )
    net: Vector = Field(description="net = weights_before · [input; 1]." + NULL)
    output: Vector = Field(description="output = f(net)." + NULL)
    activation_diff: Vector = Field(
        description="f'(net), the slope of the activation; for `softmax`, the diagonal "
        "y(1 − y) of its Jacobian diag(y) − y yᵀ, which is not diagonal." + NULL
    )
    incoming: Vector = Field(
        description="−∂E/∂output, the vector delta scales: target − output at the output layer "
        "with squared error, W_nextᵀ delta_next (without the bias column) below it; at a "
        "cross-entropy output t / y (softmax) or t / y − (1 − t) / (1 − y) (sigmoid), terms "
        "with a zero coefficient taken as 0." + NULL
    )
    delta: Vector = Field(
        description="−∂E/∂net: incoming ∘ f'(net), except at a cross-entropy output layer, "
        "where it is target − output exactly (for softmax Jᵀ incoming, not incoming ∘ f')." + NULL
    )
    weights_before: Matrix = Field(description="The weights the step started from." + NULL)
    weight_update: Matrix = Field(description="learning_rate · outer(delta, [input; 1])." + NULL)
    weights: Matrix = Field(
        description="weights_before + weight_update, or weights_before if the step diverged." + NULL
    )


class StepTrace(BaseModel):
    """Everything one step computed."""

    step: int = Field(description="The step's number, counting from 1.")
    learning_rate: float = Field(description="The learning rate the step used.")
    sample: SampleTrace = Field(description="The training sample the step used.")
    layers: list[LayerTrace] = Field(description="The layers from input to output.")
    error: Vector = Field(description="target - output of the output layer." + NULL)
    loss: float | None = Field(
        description="The sample's loss E before the step (½‖target - output‖² for squared "
        "error)." + NULL
    )
    loss_after: float | None = Field(
        description="The same sample's loss with the weights after the step (those before, "
        "if it diverged)." + NULL
    )
    diverged: bool = Field(
        description="Whether this step's update would have made a weight non-finite "
        "(it was then not applied)."
    )


class StepResponse(SessionState):
    """A session after some steps, with the record of the last one."""

    trace: StepTrace = Field(description="The record of the last step taken.")


class Curve(BaseModel):
    """One set's errors at the recorded steps; the four lists have equal length."""

    step: list[int] = Field(description="Step counts, increasing.")
    error: list[float | None] = Field(description="The network error at each step." + NULL)
    classification_error: list[float | None] = Field(
        description="The classification error at each step; null for a regression set."
    )
    loss: list[float | None] = Field(description="The mean loss E at each step." + NULL)


class Curves(BaseModel):
    """Learning curves: every few steps (more apart as training goes on, at most 512 points)."""

    train: Curve = Field(description="The training set.")
    validation: Curve = Field(description="The validation set.")
    test: Curve = Field(description="The test set.")


class Regions(BaseModel):
    """The class the net predicts over a grid of the (scaled) feature plane."""

    x1: list[float] = Field(description="The grid's first-feature values (columns).")
    x2: list[float] = Field(description="The grid's second-feature values (rows).")
    predicted: list[list[int]] = Field(
        description="predicted[i][j]: the class index predicted at (x1[j], x2[i])."
    )
    output: Matrix = Field(
        description="output[i][j]: the first output unit's value at (x1[j], x2[i])." + NULL
    )
