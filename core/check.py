"""Check a learner's own backpropagation step against the engine's, naming the known mistake.

``check_step(problem, answer)`` recomputes the step with ``core.backprop.backprop`` (see
``core.exercise`` for what a problem and an answer hold), then goes through the step's quantities
in the order it computes them: each layer's ``net``, ``output`` and ``activation_diff``, input to
output; the output ``error``; each ``delta``, output to input; each ``weight_update`` and
``weights`` (after), input to output. Each given quantity is ``correct``, ``wrong``, or, for
Wikipedia's sign, ``convention``; the others are ``not_given``. For a wrong quantity whose
inputs were right (or not given), the learner's numbers are compared with what each known
mistake gives there (``core.mistakes``).

**Tolerance.** A quantity is right when ``max |given − expected| ≤ tolerance · scale``: the
largest difference against the quantity's *scale*, the magnitude rounding errors scale with, not
entry by entry. Entry by entry fails a correct float32 computation wherever an entry is a small
difference of larger numbers (a net near 0, an error where the output is near its target): there
float32's rounding, about 6e-8 of the numbers subtracted, is far more than 1e-6 of the result.
So the scale is carried through the step from the numbers each quantity is computed from:

- ``net``: ``‖|W|‖ · max(‖x‖, 1)`` (``‖|W|‖`` the largest row sum of ``|W|``, ``‖·‖`` the
  largest magnitude), the size of the terms summed;
- ``output``: ``max(‖y‖, ‖f′‖ · scale(net), 1)``; ``activation_diff``: ``max(‖f′‖, ‖f″‖ ·
  scale(net), 1)`` (``f″`` by central differences of ``f′``; at least 1, because the formulas
  add and subtract 1: ``(tanh + 1) / 2``, ``1 − tanh²``, ``s (1 − s)``);
- ``error``: ``max(‖t‖, scale(output))``;
- ``delta``: ``scale(incoming) · ‖f′‖ + ‖incoming‖ · scale(f′)``, with ``incoming`` the error
  (``scale(error)``) or ``W_nextᵀ δ_next`` (``‖|W_next|ᵀ‖ · scale(δ_next)``); ``scale(error)`` at
  a cross-entropy output;
- ``weight_update``: ``η · scale(delta) · max(scale(x), 1)``; ``weights``:
  ``max(‖W‖, scale(weight_update))``.

A mistake changes a quantity by about its own size, far above that, except where the two agree to
within rounding; a mistake whose value agrees with the right one is not named.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from core.activations import Activation, get_activation
from core.backprop import backprop
from core.exercise import Answer, ExerciseError, Problem, answer_from, problem_from
from core.losses import get_loss
from core.mistakes import MISTAKES, SIGN_FLIPPED, WIKIPEDIA_CONVENTION, Step
from core.records import BackpropRecord

Array = NDArray[np.float64]

DEFAULT_TOLERANCE = 1e-6
MAX_TOLERANCE = 0.1  # beyond this a mistake could pass for right
SLOPE_STEP = 1e-5  # the central difference's step for f″
TINY = np.finfo(np.float64).tiny  # a scale of 0 (all of a quantity exactly 0) still compares


class Status(StrEnum):
    CORRECT = "correct"
    WRONG = "wrong"
    NOT_GIVEN = "not_given"
    CONVENTION = "convention"  # right in Wikipedia's sign convention


class MistakeMatch(NamedTuple):
    """A known mistake (or convention) whose value matches the learner's numbers."""

    id: str
    sentence: str
    equation: str
    kind: str
    detail: str | None

    def to_dict(self) -> dict[str, Any]:
        return self._asdict()


class QuantityCheck(NamedTuple):
    """One quantity of the step: ``layer`` (0 is the first weight layer; the error is the output
    layer's), ``quantity``, its ``status``, the engine's ``expected`` value, the learner's
    ``given`` one (``None``: not given), the largest difference (``None`` when the shapes differ
    or nothing was given), the ``scale`` the tolerance is taken of, and the ``mistakes`` matched
    (most often one)."""

    layer: int
    quantity: str
    status: Status
    expected: Array
    given: Array | None
    max_abs_difference: float | None
    scale: float
    mistakes: tuple[MistakeMatch, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "layer": self.layer,
            "quantity": self.quantity,
            "status": self.status.value,
            "expected": self.expected.tolist(),
            "max_abs_difference": self.max_abs_difference,
            "mistakes": [m.to_dict() for m in self.mistakes],
        }


class StepCheck(NamedTuple):
    """The verdict: ``correct`` when every given quantity is right (or right in Wikipedia's
    convention); ``first_wrong`` the ``(layer, quantity)`` of the first wrong one in computation
    order, or ``None``; every quantity in that order; the engine's ``expected`` step."""

    correct: bool
    first_wrong: tuple[int, str] | None
    quantities: tuple[QuantityCheck, ...]
    expected: BackpropRecord
    tolerance: float

    def to_dict(self) -> dict[str, Any]:
        """The verdict as plain JSON values."""
        first = self.first_wrong
        return {
            "correct": self.correct,
            "first_wrong": None if first is None else {"layer": first[0], "quantity": first[1]},
            "tolerance": self.tolerance,
            "quantities": [q.to_dict() for q in self.quantities],
            "expected": expected_step(self.expected),
        }


def expected_step(record: BackpropRecord) -> dict[str, Any]:
    """The engine's step as plain JSON values: each layer's every quantity, the error, the loss."""
    return {
        "layers": [
            {name: _plain(value) for name, value in layer._asdict().items()}
            for layer in record.layers
        ],
        "error": record.error.tolist(),
        "loss": record.loss,
    }


def _plain(value: object) -> object:
    return value.tolist() if isinstance(value, np.ndarray) else value


def _order(layer_count: int) -> list[tuple[int, str]]:
    """The step's quantities in the order ``backprop`` computes them."""
    last = layer_count - 1
    order = [
        (layer, q) for layer in range(layer_count) for q in ("net", "output", "activation_diff")
    ]
    order.append((last, "error"))
    order += [(layer, "delta") for layer in range(last, -1, -1)]
    order += [(layer, q) for layer in range(layer_count) for q in ("weight_update", "weights")]
    return order


def _inputs(layer: int, quantity: str, layer_count: int) -> list[tuple[int, str]]:
    """The quantities this one is computed from (besides the problem's numbers)."""
    below = [(layer - 1, "output")] if layer > 0 else []
    if quantity == "net":
        return below
    if quantity in ("output", "activation_diff"):
        return [(layer, "net")]
    if quantity == "error":
        return [(layer, "output")]
    if quantity == "delta":
        sent = (layer_count - 1, "error") if layer == layer_count - 1 else (layer + 1, "delta")
        return [sent, (layer, "activation_diff")]
    if quantity == "weight_update":
        return [(layer, "delta"), *below]
    return [(layer, "weight_update")]  # weights


def _largest(a: Array) -> float:
    return float(np.max(np.abs(a))) if a.size else 0.0


def _row_sums(w: Array) -> float:
    return float(np.max(np.sum(np.abs(w), axis=1))) if w.size else 0.0


def _second_slope(f: Activation, net: Array) -> float:
    return _largest((f.diff(net + SLOPE_STEP) - f.diff(net - SLOPE_STEP)) / (2 * SLOPE_STEP))


def scales(step: Step) -> dict[tuple[int, str], float]:
    """Each quantity's scale (see the module docstring), by ``(layer, quantity)``."""
    record, layers = step.record, step.record.layers
    last = len(layers) - 1
    scale: dict[tuple[int, str], float] = {}
    x_scale = _largest(layers[0].input)
    input_scales = []
    for layer, (part, f) in enumerate(zip(layers, step.activations, strict=True)):
        input_scales.append(x_scale)
        net = _row_sums(part.weights_before) * max(x_scale, 1.0)
        slope = _largest(part.activation_diff)
        scale[layer, "net"] = net
        scale[layer, "output"] = max(_largest(part.output), slope * net, 1.0)
        scale[layer, "activation_diff"] = max(slope, _second_slope(f, part.net) * net, 1.0)
        x_scale = scale[layer, "output"]
    scale[last, "error"] = max(_largest(record.target), scale[last, "output"])
    incoming = scale[last, "error"]
    for layer in range(last, -1, -1):
        part = layers[layer]
        if layer < last:
            incoming = (
                _row_sums(layers[layer + 1].weights_before[:, :-1].T) * scale[layer + 1, "delta"]
            )
        if step.delta_is_error(layer):
            scale[layer, "delta"] = incoming
        else:
            scale[layer, "delta"] = (
                incoming * _largest(part.activation_diff)
                + _largest(part.incoming) * scale[layer, "activation_diff"]
            )
    for layer, part in enumerate(layers):
        update = step.learning_rate * scale[layer, "delta"] * max(input_scales[layer], 1.0)
        scale[layer, "weight_update"] = update
        scale[layer, "weights"] = max(_largest(part.weights_before), update)
    return {key: max(value, TINY) for key, value in scale.items()}


def _expected(record: BackpropRecord, layer: int, quantity: str) -> Array:
    if quantity == "error":
        return record.error
    value: Array = getattr(record.layers[layer], quantity)
    return value


def _given(answer: Answer, layer: int, quantity: str) -> Array | None:
    return answer.error if quantity == "error" else answer.layers[layer].get(quantity)


def _agrees(a: Array, b: Array, bound: float) -> bool:
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= bound))


def _matches(
    step: Step, layer: int, quantity: str, given: Array, bound: float
) -> list[MistakeMatch]:
    """The known mistakes whose value at this quantity is the learner's (and not the right one)."""
    expected = _expected(step.record, layer, quantity)
    found = []
    for mistake in MISTAKES.values():
        value_of = mistake.values.get(quantity)
        if value_of is None:
            continue
        with np.errstate(all="ignore"):
            values = value_of(step, layer, given)
        for value, detail in values:
            if _agrees(value, given, bound) and not _agrees(value, expected, bound):
                found.append(
                    MistakeMatch(
                        mistake.id, mistake.sentence, mistake.equation, mistake.kind.value, detail
                    )
                )
                break
    return found


def _match(mistake_id: str) -> MistakeMatch:
    m = MISTAKES[mistake_id]
    return MistakeMatch(m.id, m.sentence, m.equation, m.kind.value, None)


def _wikipedia_sign(
    step: Step, answer: Answer, bound: dict[tuple[int, str], float]
) -> tuple[set[tuple[int, str]], bool] | None:
    """Where the answer has the tutorial's numbers with Wikipedia's sign, and whether the
    weights after the step (or an update ``−η ∂E/∂W``) confirm it; ``None`` unless every given
    delta has the other sign and every given error, update and weights fit the convention."""
    record, confirmed = step.record, False
    flipped: set[tuple[int, str]] = set()
    deltas = 0
    for layer in range(len(record.layers)):
        for quantity in ("delta", "weight_update", "weights"):
            given = _given(answer, layer, quantity)
            if given is None:
                continue
            expected, b = _expected(record, layer, quantity), bound[layer, quantity]
            right, reversed_ = _agrees(given, expected, b), _agrees(given, -expected, b)
            if right and reversed_:  # about 0: either sign
                continue
            if quantity == "delta" and reversed_:
                deltas += 1
                flipped.add((layer, quantity))
            elif quantity == "weight_update" and reversed_:
                flipped.add((layer, quantity))
            elif quantity != "delta" and right:
                confirmed = True
            else:
                return None
    last = len(record.layers) - 1
    if answer.error is not None:
        right = _agrees(answer.error, record.error, bound[last, "error"])
        if _agrees(answer.error, -record.error, bound[last, "error"]) and not right:
            flipped.add((last, "error"))
        elif not right:
            return None
    return (flipped, confirmed) if deltas else None


def check_step(
    problem: Mapping[str, Any] | Problem,
    answer: Mapping[str, Any],
    tolerance: float = DEFAULT_TOLERANCE,
) -> StepCheck:
    """The learner's ``answer`` to ``problem`` checked against the engine's step (see the module
    docstring); ``core.exercise.ExerciseError`` naming the place of anything that cannot be
    checked (a shape that does not fit the weights, a non-finite number, an unknown name)."""
    if isinstance(tolerance, bool) or not isinstance(tolerance, int | float):
        raise ExerciseError("tolerance", f"must be a number, got {tolerance!r}")
    if not 0 < tolerance <= MAX_TOLERANCE:
        raise ExerciseError("tolerance", f"must be in (0, {MAX_TOLERANCE:g}], got {tolerance!r}")
    p = problem if isinstance(problem, Problem) else problem_from(problem)
    given_answer = answer_from(answer, len(p.weights))
    activation, loss = get_activation(p.activation), get_loss(p.loss)
    with np.errstate(all="ignore"):
        record = backprop(p.weights, p.x, p.target, activation, loss, p.learning_rate)
    activations = loss.activations(activation, len(p.weights), p.target.shape[0])
    step = Step(record, activations, loss, p.learning_rate)
    bound = {key: tolerance * value for key, value in scales(step).items()}
    order = _order(len(p.weights))

    status: dict[tuple[int, str], Status] = {}
    for key in order:
        given = _given(given_answer, *key)
        if given is None:
            status[key] = Status.NOT_GIVEN
        else:
            right = _agrees(given, _expected(record, *key), bound[key])
            status[key] = Status.CORRECT if right else Status.WRONG

    convention = _wikipedia_sign(step, given_answer, bound)
    matched: dict[tuple[int, str], list[MistakeMatch]] = {}
    if convention is not None:
        flipped, confirmed = convention
        for key in flipped:
            if confirmed:
                status[key] = Status.CONVENTION
                matched[key] = [_match(WIKIPEDIA_CONVENTION)]
            else:  # nothing says which: both named
                matched[key] = [_match(SIGN_FLIPPED), _match(WIKIPEDIA_CONVENTION)]

    # a mistake is looked for where everything this quantity is computed from was right
    clean: dict[tuple[int, str], bool] = {}
    for key in order:
        clean[key] = all(
            status[source] in (Status.CORRECT, Status.CONVENTION)
            or (status[source] is Status.NOT_GIVEN and clean[source])
            for source in _inputs(*key, len(p.weights))
        )
        given = _given(given_answer, *key)
        if given is not None and status[key] is Status.WRONG and clean[key] and key not in matched:
            matched[key] = _matches(step, *key, given, bound[key])

    quantities = []
    for key in order:
        given = _given(given_answer, *key)
        expected = _expected(record, *key)
        difference = None
        if given is not None and given.shape == expected.shape:
            difference = _largest(given - expected)
        quantities.append(
            QuantityCheck(
                key[0],
                key[1],
                status[key],
                expected,
                given,
                difference,
                bound[key] / tolerance,
                tuple(matched.get(key, ())),
            )
        )
    first_wrong = next((key for key in order if status[key] is Status.WRONG), None)
    return StepCheck(first_wrong is None, first_wrong, tuple(quantities), record, tolerance)
