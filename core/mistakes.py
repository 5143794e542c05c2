"""The known mistakes of a hand-written backpropagation step, in one table (``MISTAKES``).

Each mistake is named by an ``id``, said in one plain sentence, and tied to the equation it breaks.
For each quantity where it shows, a small function computes what the mistake gives *from the right
numbers of everything before it* (``core.backprop``'s record of the step): the check
(``core.check``) compares a learner's wrong quantity with these values. A function returns
``(value, detail)`` pairs (none where the mistake cannot happen, such as ``W δ`` for a matrix
that is not square), ``detail`` saying which variant matched, or ``None``.

One entry is a *convention*, not a mistake: Wikipedia's delta is ``+∂E/∂net``, the negative of
the tutorial's, and its update subtracts. The check recognises it from the whole answer (every
delta of the other sign and the weights after the step right), not quantity by quantity.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from core.activations import ACTIVATIONS, SOFTMAX, Activation
from core.losses import Loss
from core.records import BackpropRecord

Array = NDArray[np.float64]


class Step(NamedTuple):
    """The right step, as the mistakes read it: the engine's record, each layer's activation
    (input to output), the loss and the learning rate."""

    record: BackpropRecord
    activations: tuple[Activation, ...]
    loss: Loss
    learning_rate: float

    def is_output(self, layer: int) -> bool:
        return layer == len(self.record.layers) - 1

    def delta_is_error(self, layer: int) -> bool:
        """Whether the layer's delta is ``t − y`` itself, no slope: a cross-entropy output."""
        return self.is_output(layer) and self.loss.name == "cross_entropy"


Values = list[tuple[Array, str | None]]
# (the right step, the layer, the learner's value) -> what the mistake gives there
ValueOf = Callable[[Step, int, Array], Values]


class Kind(StrEnum):
    MISTAKE = "mistake"
    CONVENTION = "convention"


class Mistake(NamedTuple):
    """A known mistake: ``values`` maps each quantity where it shows to its value function."""

    id: str
    sentence: str
    equation: str
    values: Mapping[str, ValueOf]
    kind: Kind = Kind.MISTAKE


# --- net ------------------------------------------------------------------------------------


def net_without_bias(step: Step, layer: int, given: Array) -> Values:
    """``W[:, :-1] · x``: the bias column (or the bias input 1) dropped."""
    part = step.record.layers[layer]
    return [(part.weights_before[:, :-1] @ part.input, None)]


# --- the slope f'(net) --------------------------------------------------------------------


def _elementwise(step: Step, layer: int) -> Activation | None:
    """The layer's activation, when its slope scales the delta entry by entry."""
    f = step.activations[layer]
    return None if f is SOFTMAX or step.delta_is_error(layer) else f


def diff_of_output(step: Step, layer: int, given: Array) -> Values:
    """``f'(y)``: the slope taken at the output instead of at net."""
    f = step.activations[layer]
    if f is SOFTMAX:
        return []
    return [(f.diff(step.record.layers[layer].output), None)]


def delta_with_diff_of_output(step: Step, layer: int, given: Array) -> Values:
    """``incoming ∘ f'(y)``."""
    f = _elementwise(step, layer)
    if f is None:
        return []
    part = step.record.layers[layer]
    return [(part.incoming * f.diff(part.output), None)]


def delta_without_diff(step: Step, layer: int, given: Array) -> Values:
    """``incoming`` alone: the error (or the sum sent back) not scaled by the slope."""
    if _elementwise(step, layer) is None:
        return []
    return [(step.record.layers[layer].incoming, None)]


def _others(f: Activation) -> list[Activation]:
    # linear's f' = 1 is "f' left out", named as that
    return [g for g in ACTIVATIONS.values() if g.name not in (f.name, "linear")]


def diff_of_another_activation(step: Step, layer: int, given: Array) -> Values:
    """``g'(net)`` for each other activation ``g`` (tanh's ``1 − tanh²`` for tanh01's
    ``(1 − tanh²) / 2``: the factor ½ missing)."""
    f = step.activations[layer]
    if f is SOFTMAX:
        return []
    net = step.record.layers[layer].net
    return [(g.diff(net), f"{g.name}'s f′ ({g.description})") for g in _others(f)]


def delta_with_another_activation(step: Step, layer: int, given: Array) -> Values:
    """``incoming ∘ g'(net)`` for each other activation ``g``."""
    f = _elementwise(step, layer)
    if f is None:
        return []
    part = step.record.layers[layer]
    return [
        (part.incoming * g.diff(part.net), f"{g.name}'s f′ ({g.description})") for g in _others(f)
    ]


def delta_with_slope_at_cross_entropy(step: Step, layer: int, given: Array) -> Values:
    """``(t − y) ∘ f'(net)`` at a cross-entropy output, where the slope has cancelled."""
    if not step.delta_is_error(layer):
        return []
    return [(step.record.error * step.record.layers[layer].activation_diff, None)]


# --- signs ------------------------------------------------------------------------------------


def error_reversed(step: Step, layer: int, given: Array) -> Values:
    """``y − t``."""
    return [(-step.record.error, None)]


def delta_reversed(step: Step, layer: int, given: Array) -> Values:
    """``−delta``."""
    return [(-step.record.layers[layer].delta, None)]


def update_reversed(step: Step, layer: int, given: Array) -> Values:
    """``−η δ [x; 1]ᵀ``."""
    return [(-step.record.layers[layer].weight_update, None)]


def weights_moved_uphill(step: Step, layer: int, given: Array) -> Values:
    """``W − η δ [x; 1]ᵀ``: the weights moved up the slope of E."""
    part = step.record.layers[layer]
    return [(part.weights_before - part.weight_update, None)]


# --- the hidden layers' delta -------------------------------------------------------------


def _sent_back(step: Step, layer: int, w_next: Array) -> Values:
    part, delta_next = step.record.layers[layer], step.record.layers[layer + 1].delta
    return [((w_next @ delta_next) * part.activation_diff, None)]


def hidden_delta_with_w(step: Step, layer: int, given: Array) -> Values:
    """``f'(net) ∘ W_next δ_next`` (``W_next`` without its bias column, not transposed): only
    where that matrix is square, otherwise the product has no meaning."""
    if step.is_output(layer):
        return []
    w = step.record.layers[layer + 1].weights_before[:, :-1]
    return _sent_back(step, layer, w) if w.shape[0] == w.shape[1] else []


def hidden_delta_with_bias_column(step: Step, layer: int, given: Array) -> Values:
    """One entry too many: ``W_nextᵀ δ_next`` with the bias column carried back. The first
    entries are right; the extra one (for the bias input, which has no delta) is whatever the
    learner's code made of it, so it is taken as given."""
    if step.is_output(layer):
        return []
    delta = step.record.layers[layer].delta
    if given.shape != (delta.shape[0] + 1,):
        return []
    return [(np.concatenate((delta, given[-1:])), None)]


def hidden_delta_with_weights_after(step: Step, layer: int, given: Array) -> Values:
    """``f'(net) ∘ W_nextᵀ δ_next`` with the next layer's weights after its update."""
    if step.is_output(layer):
        return []
    return _sent_back(step, layer, step.record.layers[layer + 1].weights[:, :-1].T)


# --- the update -------------------------------------------------------------------------------


def update_without_bias_input(step: Step, layer: int, given: Array) -> Values:
    """``η δ xᵀ``: the bias weights not updated (their column 0, or no column at all)."""
    update = step.record.layers[layer].weight_update
    zero_bias = update.copy()
    zero_bias[:, -1] = 0.0
    return [(zero_bias, "the bias column left 0"), (update[:, :-1], "no bias column")]


def weights_without_bias_input(step: Step, layer: int, given: Array) -> Values:
    part = step.record.layers[layer]
    unchanged_bias = part.weights.copy()
    unchanged_bias[:, -1] = part.weights_before[:, -1]
    return [(unchanged_bias, None)]


def update_without_learning_rate(step: Step, layer: int, given: Array) -> Values:
    """``δ [x; 1]ᵀ``."""
    return [(step.record.layers[layer].weight_update / step.learning_rate, None)]


def weights_without_learning_rate(step: Step, layer: int, given: Array) -> Values:
    part = step.record.layers[layer]
    return [(part.weights_before + part.weight_update / step.learning_rate, None)]


def update_transposed(step: Step, layer: int, given: Array) -> Values:
    """``η [x; 1] δᵀ``: the outer product the wrong way round, ``(n_in + 1, n_out)``."""
    return [(step.record.layers[layer].weight_update.T, None)]


WIKIPEDIA_CONVENTION = "wikipedia_convention"
SIGN_FLIPPED = "sign_flipped"

# The catalogue, in the order the step meets the quantities they break.
MISTAKES: dict[str, Mistake] = {
    m.id: m
    for m in (
        Mistake(
            "net_without_bias",
            "net was computed without the bias: the bias input 1 (or the bias column) is missing.",
            "net = W · [x; 1]",
            {"net": net_without_bias},
        ),
        Mistake(
            "diff_of_output",
            "f′ was applied to the output y instead of to net.",
            "activation_diff = f′(net)",
            {"activation_diff": diff_of_output, "delta": delta_with_diff_of_output},
        ),
        Mistake(
            "diff_of_another_activation",
            "f′ is the derivative of another activation (for tanh01 = (tanh + 1)/2 it is "
            "(1 − tanh²)/2: tanh's 1 − tanh² misses the factor ½).",
            "activation_diff = f′(net) of this layer's f",
            {"activation_diff": diff_of_another_activation, "delta": delta_with_another_activation},
        ),
        Mistake(
            "diff_left_out",
            "f′ was left out: the delta is the error (or the sum sent back) not scaled by the "
            "slope of the activation.",
            "delta = incoming ∘ f′(net)",
            {"delta": delta_without_diff},
        ),
        Mistake(
            "slope_at_cross_entropy",
            "With cross-entropy the output delta is t − y exactly: the slope f′(net) cancels "
            "and must not be multiplied in.",
            "delta = t − y (cross-entropy output)",
            {"delta": delta_with_slope_at_cross_entropy},
        ),
        Mistake(
            SIGN_FLIPPED,
            "A sign is flipped: the error as y − t, a delta or an update of the other sign, so "
            "the weights move up the slope of E instead of down.",
            "error = t − y, delta = −∂E/∂net, W ← W + η δ [x; 1]ᵀ",
            {
                "error": error_reversed,
                "delta": delta_reversed,
                "weight_update": update_reversed,
                "weights": weights_moved_uphill,
            },
        ),
        Mistake(
            "hidden_delta_with_w",
            "The hidden delta was sent back through W instead of Wᵀ.",
            "delta = f′(net) ∘ W_nextᵀ delta_next",
            {"delta": hidden_delta_with_w},
        ),
        Mistake(
            "hidden_delta_with_bias_column",
            "The hidden delta carries the bias column back: the bias input is a constant 1 and "
            "has no delta, so W_next's last column is left out.",
            "delta = f′(net) ∘ (W_next without its bias column)ᵀ delta_next",
            {"delta": hidden_delta_with_bias_column},
        ),
        Mistake(
            "hidden_delta_with_weights_after",
            "The hidden delta was sent back through the next layer's weights after its update; "
            "every delta uses the weights before the step.",
            "delta = f′(net) ∘ W_next,beforeᵀ delta_next",
            {"delta": hidden_delta_with_weights_after},
        ),
        Mistake(
            "update_without_bias_input",
            "The bias input was left out of the update: the bias weights are not updated.",
            "ΔW = η δ [x; 1]ᵀ",
            {"weight_update": update_without_bias_input, "weights": weights_without_bias_input},
        ),
        Mistake(
            "update_without_learning_rate",
            "The update leaves out the learning rate η.",
            "ΔW = η δ [x; 1]ᵀ",
            {
                "weight_update": update_without_learning_rate,
                "weights": weights_without_learning_rate,
            },
        ),
        Mistake(
            "update_transposed",
            "The outer product is the wrong way round: [x; 1] δᵀ instead of δ [x; 1]ᵀ, a "
            "(n_in + 1, n_out) matrix.",
            "ΔW = η δ [x; 1]ᵀ, shape (n_out, n_in + 1)",
            {"weight_update": update_transposed},
        ),
        Mistake(
            WIKIPEDIA_CONVENTION,
            "Right in Wikipedia's convention: its δ = +∂E/∂net is the negative of this delta, and "
            "its update subtracts, W ← W − η δ [x; 1]ᵀ, to the same weights.",
            "delta = −∂E/∂net (the tutorial's sign)",
            {},
            Kind.CONVENTION,
        ),
    )
}
