"""Activation functions, each one object holding ``f`` and its derivative ``f'`` side by side.

Every function maps an array ``net`` of shape ``(n,)`` (or any shape) to an array of the same
shape. ``diff`` is ``f'`` evaluated at ``net``: the slope that scales the error into the delta,
``delta = error ∘ f'(net)``. None of them warns or overflows on large ``|net|``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

LEAKY_RELU_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    """A transfer function ``f`` and its derivative ``diff = f'``, both of ``net``."""

    name: str
    f: Callable[[Array], Array]
    diff: Callable[[Array], Array]
    description: str
    f_and_diff: Callable[[Array], tuple[Array, Array]] | None = None

    def both(self, net: Array) -> tuple[Array, Array]:
        """``(f(net), f'(net))``, sharing work between the two where the activation can."""
        if self.f_and_diff is not None:
            return self.f_and_diff(net)
        return self.f(net), self.diff(net)


def _tanh01(net: Array) -> Array:
    # the tutorial's f(net) = (tanh(net) + 1) / 2, a tanh squeezed into (0, 1)
    t = np.tanh(net)  # in place on this fresh array: the same values as (tanh(net) + 1) / 2
    t += 1.0
    t /= 2.0
    return t


def _tanh01_diff(net: Array) -> Array:
    # f'(net) = (1 - tanh²(net)) / 2
    t = np.tanh(net)
    return (1.0 - t * t) / 2.0


def _tanh01_both(net: Array) -> tuple[Array, Array]:
    # both at the cost of one tanh; in-place on fresh arrays, same values as the two above
    t = np.tanh(net)
    diff = t * t
    np.subtract(1.0, diff, out=diff)
    diff /= 2.0
    t += 1.0
    t /= 2.0
    return t, diff


def _sigmoid(net: Array) -> Array:
    # 1 / (1 + e^-net), written through tanh so that no exp() can overflow
    return 0.5 * (1.0 + np.tanh(0.5 * net))


def _sigmoid_diff(net: Array) -> Array:
    # f'(net) = f(net) (1 - f(net))
    s = _sigmoid(net)
    return s * (1.0 - s)


def _sigmoid_both(net: Array) -> tuple[Array, Array]:
    s = _sigmoid(net)
    return s, s * (1.0 - s)


def _tanh(net: Array) -> Array:
    return np.tanh(net)


def _tanh_diff(net: Array) -> Array:
    # f'(net) = 1 - tanh²(net)
    t = np.tanh(net)
    return 1.0 - t * t


def _tanh_both(net: Array) -> tuple[Array, Array]:
    t = np.tanh(net)
    return t, 1.0 - t * t


def _relu(net: Array) -> Array:
    return np.maximum(net, 0.0)


def _relu_diff(net: Array) -> Array:
    # f'(net) = 1 where net > 0, else 0 (0 at the kink, by convention)
    return (net > 0.0).astype(np.float64)


def _leaky_relu(net: Array) -> Array:
    return np.where(net > 0.0, net, LEAKY_RELU_SLOPE * net)


def _leaky_relu_diff(net: Array) -> Array:
    # f'(net) = 1 where net > 0, else the leak slope 0.01
    return np.where(net > 0.0, 1.0, LEAKY_RELU_SLOPE)


def _linear(net: Array) -> Array:
    return net.astype(np.float64, copy=True)


def _linear_diff(net: Array) -> Array:
    # f'(net) = 1: with it, delta is the error vector itself
    return np.ones_like(net, dtype=np.float64)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation(
            "tanh01",
            _tanh01,
            _tanh01_diff,
            "the tutorial's (tanh(net) + 1) / 2, in (0, 1)",
            _tanh01_both,
        ),
        Activation(
            "sigmoid",
            _sigmoid,
            _sigmoid_diff,
            "logistic 1 / (1 + e^-net), in (0, 1)",
            _sigmoid_both,
        ),
        Activation("tanh", _tanh, _tanh_diff, "tanh(net), in (-1, 1)", _tanh_both),
        Activation("relu", _relu, _relu_diff, "max(net, 0)"),
        Activation("leaky_relu", _leaky_relu, _leaky_relu_diff, "net if net > 0 else 0.01 net"),
        Activation("linear", _linear, _linear_diff, "net itself; f' = 1"),
    )
}


def _softmax(net: Array) -> Array:
    # y_k = e^net_k / Σ_j e^net_j over the units (the first axis: a vector, or a batch of
    # columns), shifted by the largest net first so that no exp() can overflow
    e = np.exp(net - net.max(axis=0))
    y: Array = e / e.sum(axis=0)
    return y


def _softmax_diff(net: Array) -> Array:
    # the diagonal of the Jacobian ∂y_k/∂net_j = y_k ([k = j] - y_j): y_k (1 - y_k)
    y = _softmax(net)
    return y * (1.0 - y)


def _softmax_both(net: Array) -> tuple[Array, Array]:
    y = _softmax(net)
    return y, y * (1.0 - y)


# The output layer's activation with the cross-entropy loss and several output units; not in
# ACTIVATIONS, which a hidden layer may use. Each y_k depends on every net, so its Jacobian
# diag(y) - y yᵀ is not diagonal: ``diff`` is that diagonal only, and delta is not e ∘ f' there.
SOFTMAX = Activation(
    "softmax",
    _softmax,
    _softmax_diff,
    "e^net_k / Σ_j e^net_j, outputs in (0, 1) summing to 1; f' here is the Jacobian's diagonal "
    "y(1 - y) (the Jacobian diag(y) - y yᵀ is not diagonal)",
    _softmax_both,
)


def activation_named(name: str) -> Activation:
    """The activation a layer record names: one of ``ACTIVATIONS``, or ``softmax``."""
    return SOFTMAX if name == SOFTMAX.name else get_activation(name)


def get_activation(name: str) -> Activation:
    """The activation called ``name``; ``ValueError`` naming the known ones otherwise."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        known = ", ".join(sorted(ACTIVATIONS))
        raise ValueError(f"unknown activation {name!r}; known: {known}") from None


# net from -10 to 10 in steps of 0.01, 0 exactly among them: each activation here is steepest at
# net = 0 (the S-shaped ones) or all over net > 0 (the linear and ReLU-like ones)
_SLOPE_NETS = np.arange(-1000, 1001) / 100


def max_slope(activation: Activation) -> float:
    """The largest slope ``f'(net)`` of ``activation``: the most a delta can be scaled by."""
    return float(np.max(activation.diff(_SLOPE_NETS)))
