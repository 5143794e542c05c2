"""The numerical check of a step: delta and the weight update against central differences of E.

``delta = −∂E/∂net`` and ``weight_update = −η ∂E/∂W`` come from the chain rule
(``core.backprop``); here the same quantities come from ``E`` alone: nudge one net (or one weight)
by ``±epsilon``, feed forward from there and take
``−(E(+epsilon) − E(−epsilon)) / (2 epsilon)``. The two agree to about ``epsilon²`` (the central
difference's error) plus ``1e-16 · |E| / epsilon`` (rounding); ``EPSILON`` balances the two. Near
a ReLU's kink the difference steps over the kink and need not agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from core.activations import Activation
from core.backprop import backprop
from core.losses import Loss, loss_from_net
from core.network import with_bias

Array = NDArray[np.float64]

EPSILON = 1e-6
# Numbers both below this are compared against it rather than against themselves: the rounding
# of a central difference (about 1e-16 · |E| / EPSILON) would otherwise make a tiny gradient look
# badly wrong.
RELATIVE_FLOOR = 1e-8


class LayerCheck(NamedTuple):
    """One layer's engine numbers beside their central differences (``delta`` ``(n_out,)``,
    ``weight_update`` ``(n_out, n_in + 1)``) and the largest relative difference of either."""

    delta: Array
    numerical_delta: Array
    weight_update: Array
    numerical_weight_update: Array
    max_relative_difference: float


class GradientCheck(NamedTuple):
    """The check of one step: the ``epsilon`` used and every layer's, input to output."""

    epsilon: float
    layers: tuple[LayerCheck, ...]


def relative_difference(a: Array, b: Array) -> Array:
    """``|a − b| / max(|a|, |b|, RELATIVE_FLOOR)``, entry by entry."""
    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), RELATIVE_FLOOR)
    difference: Array = np.abs(a - b) / scale
    return difference


def gradient_check(
    weights: Sequence[Array],
    x: Array,
    target: Array,
    activation: Activation,
    loss: Loss,
    learning_rate: float,
    epsilon: float = EPSILON,
) -> GradientCheck:
    """The step ``backprop`` takes from ``weights`` (before the step) on ``(x, target)``, its
    every delta and weight update beside the central differences of ``E``."""
    record = backprop(weights, x, target, activation, loss, learning_rate)
    activations = loss.activations(activation, len(weights), target.shape[0])
    checks = []
    with np.errstate(all="ignore"):
        for layer, part in enumerate(record.layers):
            above, active = weights[layer + 1 :], activations[layer:]

            def loss_of(
                nets: Array,
                above: Sequence[Array] = above,
                active: Sequence[Activation] = active,
            ) -> Array:
                # E for each column of nets, a version of this layer's net
                return loss_from_net(nets, above, active, loss, target)

            # −∂E/∂net: each unit's net nudged both ways, one column per unit
            nudge = epsilon * np.eye(part.net.shape[0])
            net = part.net[:, None]
            numerical_delta = -(loss_of(net + nudge) - loss_of(net - nudge)) / (2 * epsilon)

            # −η ∂E/∂W: each weight nudged both ways; nudging row k changes only net_k, so
            # each row's nudges are one batch of nets, one column per weight of the row
            w, input_b = weights[layer], with_bias(part.input)
            gradient = np.empty_like(w)
            for k in range(w.shape[0]):
                nets = np.repeat(net, w.shape[1], axis=1)
                row_nudge = epsilon * np.eye(w.shape[1])
                nets[k] = (w[k] + row_nudge) @ input_b
                plus = loss_of(nets)
                nets[k] = (w[k] - row_nudge) @ input_b
                gradient[k] = (plus - loss_of(nets)) / (2 * epsilon)
            numerical_update = -learning_rate * gradient

            largest = max(
                float(np.max(relative_difference(part.delta, numerical_delta))),
                float(np.max(relative_difference(part.weight_update, numerical_update))),
            )
            checks.append(
                LayerCheck(
                    part.delta, numerical_delta, part.weight_update, numerical_update, largest
                )
            )
    return GradientCheck(epsilon, tuple(checks))
