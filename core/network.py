"""The layered net: weight initialisation and the batched feedforward used for set-level errors.

Weight convention (the API and the page rely on it): layer l's weights are a matrix ``W`` of shape
``(n_out, n_in + 1)``; ``W[k, j]`` is the weight from input j to unit k and the last column is the
bias weight, whose input is fixed at 1, so that ``net = W · [x; 1]``.
"""

from __future__ import annotations

import itertools

import numpy as np
from numpy.typing import NDArray

from core.activations import Activation

Array = NDArray[np.float64]


def layer_sizes(input_count: int, hidden: tuple[int, ...], output_count: int) -> list[int]:
    """Unit counts from the input layer to the output layer, e.g. ``[4, 3]`` for the tutorial."""
    return [input_count, *hidden, output_count]


def init_weights(sizes: list[int], max_weight: float, rng: np.random.Generator) -> list[Array]:
    """One ``(n_out, n_in + 1)`` matrix per layer, uniform in ``[-max_weight, max_weight]``,
    drawn layer by layer (input to output) from ``rng``."""
    return [
        rng.uniform(-max_weight, max_weight, size=(n_out, n_in + 1))
        for n_in, n_out in itertools.pairwise(sizes)
    ]


def with_bias(a: Array) -> Array:
    """``[a; 1]`` for a vector ``(n,)``, or a column of ones appended to a batch ``(m, n)``."""
    if a.ndim == 1:
        return np.concatenate((a, (1.0,)))
    return np.concatenate((a, np.ones((a.shape[0], 1))), axis=1)


def feedforward(weights: list[Array], activation: Activation, x: Array) -> Array:
    """Outputs ``(m, n_outputs)`` of the net for a batch ``x`` of shape ``(m, n_inputs)``:
    ``output = f(net)``, ``net = [a; 1] · Wᵀ``, layer by layer."""
    a = x
    for w in weights:
        a = activation.f(with_bias(a) @ w.T)
    return a
