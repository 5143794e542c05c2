"""An exercise: a step's starting point (a *problem*) and a learner's numbers for it (an *answer*),
read from plain values (dicts, lists, NumPy arrays) and checked for shape and finiteness.

A problem is what a learner's own code starts from: ``activation`` and ``loss`` by name,
``learning_rate``, the sample's ``x`` ``(n_in,)`` and ``target`` ``(n_out,)``, and ``weights``,
the weights before the step, one ``(n_units, n_inputs + 1)`` matrix per layer, input to output,
bias column last. An answer is any subset of what the step computes: ``layers``, one mapping per
layer (input to output) with any of ``net``, ``output``, ``activation_diff``, ``delta``,
``weight_update`` and ``weights`` (after the step), and the output layer's ``error``.

An answer's numbers may have any shape (a wrong shape is a wrong answer, such as an update
transposed); they must be numbers, finite, and arrays of at most two dimensions. A vector given as
a column ``(n, 1)`` or a row ``(1, n)`` (as code with column vectors holds it) is read as ``(n,)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from core.activations import get_activation
from core.config import check_learning_rate
from core.losses import get_loss

Array = NDArray[np.float64]

LAYER_QUANTITIES = ("net", "output", "activation_diff", "delta", "weight_update", "weights")
VECTORS = ("net", "output", "activation_diff", "delta", "error")
ANSWER_FIELDS = ("layers", "error")
PROBLEM_FIELDS = ("activation", "loss", "learning_rate", "x", "target", "weights")


class ExerciseError(ValueError):
    """A problem or an answer that cannot be checked; ``place`` names where
    (``problem.weights[1]``) and the message says why."""

    def __init__(self, place: str, reason: str) -> None:
        super().__init__(f"{place}: {reason}")
        self.place = place
        self.reason = reason


class Problem(NamedTuple):
    """A step's starting point, checked: the shapes fit and every number is finite."""

    activation: str
    loss: str
    learning_rate: float
    x: Array
    target: Array
    weights: tuple[Array, ...]

    def to_dict(self) -> dict[str, Any]:
        """The problem as plain JSON values (``problem_from`` reads it back)."""
        return {
            "activation": self.activation,
            "loss": self.loss,
            "learning_rate": self.learning_rate,
            "x": self.x.tolist(),
            "target": self.target.tolist(),
            "weights": [w.tolist() for w in self.weights],
        }


class Answer(NamedTuple):
    """A learner's numbers: per layer (input to output) the quantities given, and the error."""

    layers: tuple[Mapping[str, Array], ...]
    error: Array | None


def _array(value: Any, place: str, ndim: int | None = None) -> Array:
    """``value`` as a new float64 array; ``ExerciseError`` naming ``place`` unless it is numbers,
    finite, rectangular and (with ``ndim``) of that many dimensions (at most two)."""
    if isinstance(value, str | bytes | Mapping) or value is None:
        raise ExerciseError(place, f"must be numbers, got {type(value).__name__}")
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ExerciseError(place, "must be a rectangular array of numbers") from None
    if ndim is not None and array.ndim != ndim:
        raise ExerciseError(place, f"must have {ndim} dimension(s), has {array.ndim}")
    if array.ndim > 2:
        raise ExerciseError(place, f"must have at most 2 dimensions, has {array.ndim}")
    if not np.isfinite(array).all():
        index = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        where = place + "".join(f"[{i}]" for i in index)
        raise ExerciseError(where, f"must be a finite number, got {array[index]!r}")
    return array


def _name(value: Any, place: str, known: Any) -> str:
    if not isinstance(value, str):
        raise ExerciseError(place, f"must be a name, got {value!r}")
    try:
        known(value)
    except ValueError as e:
        raise ExerciseError(place, str(e)) from None
    return value


def _check_fields(value: object, place: str, known: Sequence[str]) -> None:
    """``ExerciseError`` unless ``value`` is a mapping whose keys are all in ``known``."""
    if not isinstance(value, Mapping):
        raise ExerciseError(place, "must be a mapping of " + ", ".join(known))
    for key in value:
        if key not in known:
            raise ExerciseError(f"{place}.{key}", "unknown field; known: " + ", ".join(known))


def problem_from(problem: Mapping[str, Any]) -> Problem:
    """The problem read from plain values (``loss`` defaults to ``squared_error``);
    ``ExerciseError`` naming the place of the first thing that does not fit."""
    _check_fields(problem, "problem", PROBLEM_FIELDS)
    for key in ("activation", "learning_rate", "x", "target", "weights"):
        if key not in problem:
            raise ExerciseError(f"problem.{key}", "missing")
    activation = _name(problem["activation"], "problem.activation", get_activation)
    loss = _name(problem.get("loss", "squared_error"), "problem.loss", get_loss)
    try:
        learning_rate = check_learning_rate(problem["learning_rate"])
    except ValueError as e:
        raise ExerciseError("problem.learning_rate", str(e).split(": ", 1)[-1]) from None
    x = _array(problem["x"], "problem.x", 1)
    target = _array(problem["target"], "problem.target", 1)
    raw_weights = problem["weights"]
    if isinstance(raw_weights, np.ndarray | str | bytes | Mapping) or not isinstance(
        raw_weights, Sequence
    ):
        raise ExerciseError("problem.weights", "must be a list of matrices, one per layer")
    if not raw_weights:
        raise ExerciseError("problem.weights", "must hold at least one layer's matrix")
    weights = []
    inputs = x.shape[0]
    for layer, w in enumerate(raw_weights):
        place = f"problem.weights[{layer}]"
        matrix = _array(w, place, 2)
        if matrix.shape[0] < 1 or matrix.shape[1] != inputs + 1:
            raise ExerciseError(
                place,
                f"shape {matrix.shape} does not fit its {inputs} inputs: needs (units, "
                f"{inputs + 1}), the last column the bias weight",
            )
        weights.append(matrix)
        inputs = matrix.shape[0]
    if target.shape[0] != inputs:
        raise ExerciseError(
            "problem.target", f"has {target.shape[0]} entries; the output layer has {inputs} units"
        )
    if loss == "cross_entropy":
        if not (target.min() >= 0.0 and target.max() <= 1.0):
            raise ExerciseError("problem.target", "cross_entropy needs targets in [0, 1]")
        if inputs > 1 and abs(target.sum() - 1.0) > 1e-12:
            raise ExerciseError(
                "problem.target", "cross_entropy with several outputs needs targets summing to 1"
            )
    return Problem(activation, loss, learning_rate, x, target, tuple(weights))


def answer_from(answer: Mapping[str, Any], layer_count: int) -> Answer:
    """The answer read from plain values, for a problem of ``layer_count`` layers;
    ``ExerciseError`` naming the place of the first thing that cannot be read."""
    _check_fields(answer, "answer", ANSWER_FIELDS)
    raw_layers = answer.get("layers")
    if raw_layers is None:
        raw_layers = [{}] * layer_count
    if isinstance(raw_layers, str | bytes | Mapping) or not isinstance(raw_layers, Sequence):
        raise ExerciseError("answer.layers", "must be a list, one mapping per layer")
    if len(raw_layers) != layer_count:
        raise ExerciseError(
            "answer.layers",
            f"has {len(raw_layers)} layers; the problem has {layer_count} (input to output)",
        )
    layers = []
    for index, raw in enumerate(raw_layers):
        place = f"answer.layers[{index}]"
        raw = {} if raw is None else raw
        if not isinstance(raw, Mapping):
            raise ExerciseError(place, "must be a mapping of " + ", ".join(LAYER_QUANTITIES))
        given = {}
        for key, value in raw.items():
            if key not in LAYER_QUANTITIES:
                known = ", ".join(LAYER_QUANTITIES)
                raise ExerciseError(f"{place}.{key}", f"unknown quantity; known: {known}")
            if value is not None:
                given[key] = _quantity(key, value, f"{place}.{key}")
        layers.append(given)
    error = answer.get("error")
    return Answer(
        tuple(layers), None if error is None else _quantity("error", error, "answer.error")
    )


def _quantity(name: str, value: Any, place: str) -> Array:
    array = _array(value, place)
    if name in VECTORS and array.ndim == 2 and 1 in array.shape:
        return array.reshape(-1)  # a column (or row) vector
    return array
