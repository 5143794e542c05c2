"""The loss ``E`` of one sample, each one object holding ``E`` and the output layer's delta side
by side, as an activation holds ``f`` and ``f'``.

``squared_error`` is the tutorial's ``E = ½‖t − y‖²``: every layer uses the chosen activation and
the output delta is ``(t − y) ∘ f'(net)``. ``cross_entropy`` is ``E = −Σ_k t_k ln y_k`` over a
softmax output layer (several output units, targets a distribution such as one-hot rows) or
``E = −[t ln y + (1 − t) ln(1 − y)]`` over a logistic sigmoid unit (one output unit, targets in
[0, 1]); the hidden layers use the chosen activation. Its output delta is ``t − y`` exactly: the
loss's ``−∂E/∂y`` and the activation's slope cancel (for the sigmoid,
``(t − y) / (y (1 − y)) · y (1 − y)``; for the softmax, ``Jᵀ (t / y)`` with its Jacobian
``J = diag(y) − y yᵀ`` gives ``t − y Σ_k t_k = t − y``).

Arrays: ``net``, ``output`` and ``target`` are the output layer's vectors ``(n,)`` or batches of
columns ``(n, m)``; ``value`` sums over the units (the first axis).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from core.activations import ACTIVATIONS, SOFTMAX, Activation
from core.network import with_bias

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Loss:
    """A loss: ``value`` is ``E(net, output, target)`` per sample; ``incoming`` is
    ``−∂E/∂y (error, output, target)`` at the output layer (``error = target − output``), the
    vector the delta of an elementwise activation scales; ``delta`` is the output layer's
    ``−∂E/∂net (incoming, error, activation_diff)``, the recursion's base case; and
    ``output_activation(activation, output_count)`` is the output layer's activation."""

    name: str
    description: str
    value: Callable[[Array, Array, Array], Array]
    incoming: Callable[[Array, Array, Array], Array]
    delta: Callable[[Array, Array, Array], Array]
    output_activation: Callable[[Activation, int], Activation]

    def activations(
        self, activation: Activation, layer_count: int, output_count: int
    ) -> tuple[Activation, ...]:
        """Each layer's activation, input to output: ``activation`` in the hidden layers."""
        return (activation,) * (layer_count - 1) + (
            self.output_activation(activation, output_count),
        )


def _squared_error(net: Array, output: Array, target: Array) -> Array:
    # E = ½‖t − y‖²
    error = target - output
    value: Array = 0.5 * np.add.reduce(error * error, axis=0)
    return value


def _squared_error_incoming(error: Array, output: Array, target: Array) -> Array:
    # −∂E/∂y = t − y: the error vector itself
    return error


def _squared_error_delta(incoming: Array, error: Array, activation_diff: Array) -> Array:
    # −∂E/∂net = (t − y) ∘ f'(net)
    delta: Array = incoming * activation_diff
    return delta


def _cross_entropy(net: Array, output: Array, target: Array) -> Array:
    # read from net through ln y = net − ln Σ e^net (softmax) and ln y = −ln(1 + e^−net)
    # (sigmoid), so that E stays finite where y rounds to 0 or 1
    if net.shape[0] == 1:
        binary: Array = np.add.reduce(
            target * np.logaddexp(0.0, -net) + (1.0 - target) * np.logaddexp(0.0, net), axis=0
        )
        return binary
    shifted = net - net.max(axis=0)
    log_y = shifted - np.log(np.add.reduce(np.exp(shifted), axis=0))
    categorical: Array = -np.add.reduce(target * log_y, axis=0)
    return categorical


def _ratio(a: Array, b: Array) -> Array:
    # a / b, taken as 0 where a is 0: that term of E is absent (0 ln y), whatever y is
    return np.divide(a, b, out=np.zeros_like(b), where=a != 0)


def _cross_entropy_incoming(error: Array, output: Array, target: Array) -> Array:
    # −∂E/∂y: t / y for the softmax, t / y − (1 − t) / (1 − y) for the sigmoid
    if output.shape[0] == 1:
        return _ratio(target, output) - _ratio(1.0 - target, 1.0 - output)
    return _ratio(target, output)


def _cross_entropy_delta(incoming: Array, error: Array, activation_diff: Array) -> Array:
    # −∂E/∂net = t − y exactly, the slope cancelled (see the module docstring)
    return error


def _same_activation(activation: Activation, output_count: int) -> Activation:
    return activation


def _softmax_or_sigmoid(activation: Activation, output_count: int) -> Activation:
    return SOFTMAX if output_count > 1 else ACTIVATIONS["sigmoid"]


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss(
            "squared_error",
            "the tutorial's ½‖t − y‖²; every layer uses the activation; δ = (t − y) ∘ f'(net)",
            _squared_error,
            _squared_error_incoming,
            _squared_error_delta,
            _same_activation,
        ),
        Loss(
            "cross_entropy",
            "−Σ t ln y over a softmax output layer (several outputs) or −[t ln y + (1 − t) "
            "ln(1 − y)] over a sigmoid unit (one output); δ = t − y at the output",
            _cross_entropy,
            _cross_entropy_incoming,
            _cross_entropy_delta,
            _softmax_or_sigmoid,
        ),
    )
}


SQUARED_ERROR = LOSSES["squared_error"]


def get_loss(name: str) -> Loss:
    """The loss called ``name``; ``ValueError`` naming the known ones otherwise."""
    try:
        return LOSSES[name]
    except KeyError:
        known = ", ".join(LOSSES)
        raise ValueError(f"unknown loss {name!r}; known: {known}") from None


def loss_from_net(
    net: Array,
    weights_above: Sequence[Array],
    activations: Sequence[Activation],
    loss: Loss,
    target: Array,
) -> Array:
    """``E`` as a function of one layer's ``net`` (a vector, or a batch of columns, each then
    giving its own ``E``), the layers above it with ``weights_above``; ``activations`` holds the
    layer's ``f`` and those above it."""
    if net.ndim == 2 and target.ndim == 1:
        target = target[:, None]  # the same target for every column
    for w, f in zip(weights_above, activations, strict=False):
        net = w @ with_bias(f.f(net))
    return loss.value(net, activations[-1].f(net), target)


def sample_loss(
    weights: Sequence[Array],
    activations: Sequence[Activation],
    loss: Loss,
    x: Array,
    target: Array,
) -> Array:
    """``E`` of the sample ``(x, target)`` for ``weights`` (or of each column of a batch)."""
    return loss_from_net(weights[0] @ with_bias(x), weights[1:], activations, loss, target)
