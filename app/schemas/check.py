"""Checking a learner's own step: the exercise (a problem), an answer, and the verdict.

The shapes are checked by the engine (``core.exercise``), which names the place of a shape that
does not fit the weights (a ``422`` like any other bad value); here only the types: names and
finite numbers.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from core import ACTIVATIONS, LOSSES
from core.check import DEFAULT_TOLERANCE, MAX_TOLERANCE
from core.config import MAX_LEARNING_RATE
from core.mistakes import Kind

Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
Vector = list[Number]
Matrix = list[list[Number]]
Numbers = Vector | Matrix  # an answer's quantity: a vector, or a matrix of any shape
# the engine's numbers: non-finite ones (a step that overflowed) are sent as null
OutVector = list[float | None]
OutMatrix = list[list[float | None]]
QUANTITY = ("net", "output", "activation_diff", "delta", "weight_update", "weights", "error")


def _enum(names: list[str]) -> dict[str, JsonValue]:
    values: list[JsonValue] = [*names]
    return {"enum": values}


class Problem(BaseModel):
    """What one's own code starts a step from."""

    model_config = ConfigDict(extra="forbid")

    activation: str = Field(
        strict=True,
        description="The activation of every layer (see `GET /api/activations`); with "
        "`cross_entropy` the output layer's is softmax (several outputs) or sigmoid (one).",
        json_schema_extra=_enum(list(ACTIVATIONS)),
    )
    loss: str = Field(
        default="squared_error",
        strict=True,
        description="`squared_error` (the tutorial's ½‖t − y‖²) or `cross_entropy`.",
        json_schema_extra=_enum(list(LOSSES)),
    )
    learning_rate: float = Field(
        gt=0,
        le=MAX_LEARNING_RATE,
        strict=True,
        allow_inf_nan=False,
        description=f"η, a finite number in (0, {MAX_LEARNING_RATE:g}].",
    )
    x: Vector = Field(description="The sample's input, (n_in,).")
    target: Vector = Field(description="The sample's target, (n_out,).")
    weights: list[Matrix] = Field(
        description="The weights before the step, one (n_units, n_inputs + 1) matrix per "
        "layer, input to output, the last column the bias weight."
    )


class AnswerLayer(BaseModel):
    """One layer's numbers as one's own code computed them; any may be left out."""

    model_config = ConfigDict(extra="forbid")

    net: Numbers | None = Field(default=None, description="W · [x; 1].")
    output: Numbers | None = Field(default=None, description="y = f(net).")
    activation_diff: Numbers | None = Field(default=None, description="f′(net).")
    delta: Numbers | None = Field(default=None, description="−∂E/∂net (the tutorial's sign).")
    weight_update: Numbers | None = Field(default=None, description="η δ [x; 1]ᵀ.")
    weights: Numbers | None = Field(default=None, description="The weights after the step.")


class Answer(BaseModel):
    """Any subset of what the step computes. Vectors may be columns `[[a], [b]]`."""

    model_config = ConfigDict(extra="forbid")

    layers: list[AnswerLayer] | None = Field(
        default=None, description="One entry per layer, input to output (`{}` for none given)."
    )
    error: Numbers | None = Field(default=None, description="t − y of the output layer.")


class CheckRequest(BaseModel):
    """A problem, one's answer to it, and the relative tolerance."""

    model_config = ConfigDict(extra="forbid")

    problem: Problem = Field(description="What one's code starts the step from.")
    answer: Answer = Field(
        default_factory=Answer, description="One's numbers (none given: nothing to check)."
    )
    tolerance: float = Field(
        default=DEFAULT_TOLERANCE,
        gt=0,
        le=MAX_TOLERANCE,
        strict=True,
        allow_inf_nan=False,
        description="A quantity is right when its largest difference from the engine's is at "
        "most this times its scale (the magnitude of the numbers it is computed from: "
        "docs/check.md).",
    )


class Place(BaseModel):
    """Where in the step: the layer (0 the first weight layer) and the quantity."""

    layer: int = Field(description="0 is the first weight layer; the error is the output's.")
    quantity: str = Field(description="The quantity.", json_schema_extra=_enum(list(QUANTITY)))


class MistakeInfo(BaseModel):
    """A known mistake (or Wikipedia's convention) that explains one's numbers."""

    id: str = Field(description="The mistake's name, e.g. `diff_of_output`.")
    sentence: str = Field(description="What went wrong, in one sentence.")
    equation: str = Field(description="The equation it breaks.")
    kind: Kind = Field(description="`mistake`, or `convention`: right in another convention.")
    detail: str | None = Field(description="Which variant matched, where there are several.")


class QuantityVerdict(BaseModel):
    """One quantity of the step, in computation order."""

    layer: int = Field(description="0 is the first weight layer; the error is the output's.")
    quantity: str = Field(description="The quantity.", json_schema_extra=_enum(list(QUANTITY)))
    status: str = Field(
        description="`correct`, `wrong`, `not_given`, or `convention` (right with Wikipedia's "
        "sign).",
        json_schema_extra=_enum(["correct", "wrong", "not_given", "convention"]),
    )
    expected: OutVector | OutMatrix = Field(description="The engine's value.")
    max_abs_difference: float | None = Field(
        description="The largest |given − expected|; null when not given or of another shape."
    )
    mistakes: list[MistakeInfo] = Field(
        description="The known mistakes whose result is the given value (for a wrong quantity "
        "whose inputs were right)."
    )


class ExpectedLayer(BaseModel):
    """One layer of the engine's step (as in a step's `trace`, with `incoming`)."""

    activation: str = Field(
        description="The layer's f (softmax or sigmoid at a cross-entropy output)."
    )
    input: OutVector = Field(description="x, or the layer below's output.")
    net: OutVector = Field(description="W · [input; 1].")
    output: OutVector = Field(description="f(net).")
    activation_diff: OutVector = Field(description="f′(net).")
    incoming: OutVector = Field(description="−∂E/∂output, the vector delta scales.")
    delta: OutVector = Field(description="−∂E/∂net.")
    weights_before: OutMatrix = Field(description="The problem's weights.")
    weight_update: OutMatrix = Field(description="η δ [input; 1]ᵀ.")
    weights: OutMatrix = Field(description="weights_before + weight_update.")


class ExpectedStep(BaseModel):
    """The engine's whole step."""

    layers: list[ExpectedLayer] = Field(description="Input to output.")
    error: OutVector = Field(description="t − y of the output layer.")
    loss: float | None = Field(description="The sample's loss E before the step.")


class CheckResponse(BaseModel):
    """The verdict on one's step."""

    correct: bool = Field(description="Whether every given quantity is right.")
    first_wrong: Place | None = Field(description="The first wrong quantity, or null.")
    tolerance: float = Field(description="The relative tolerance used.")
    quantities: list[QuantityVerdict] = Field(description="Every quantity, in computation order.")
    expected: ExpectedStep = Field(description="The step as the engine computes it.")
