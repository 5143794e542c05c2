"""The layered net: its weights, and the feedforward that maps inputs to outputs.

Weight convention (the API and the page rely on it): layer l's weights are a matrix ``W`` of shape
``(n_out, n_in + 1)``; ``W[k, j]`` is the weight from input j to unit k and the last column is the
bias weight, whose input is fixed at 1, so that ``net = W · [x; 1]``.

Vectors are ``(n,)``; a batch of them is held as columns, ``(n, m)``, so that the same ``W @ a``
and the same activations (softmax normalises over the first axis) serve one sample and many.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from core.activations import Activation

Array = NDArray[np.float64]

_ONE = np.ones(1)  # the bias input, appended to a vector without building a new array for it


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
    """``[a; 1]``: a vector ``(n,)`` with the bias input 1 appended, or a batch of columns
    ``(n, m)`` with a row of ones appended."""
    if a.ndim == 1:
        return np.concatenate((a, _ONE))
    return np.concatenate((a, np.ones((1, a.shape[1]))), axis=0)


def feedforward(weights: Sequence[Array], activations: Sequence[Activation], x: Array) -> Array:
    """The net's output for ``x``, a vector ``(n_in,)`` or a batch of columns ``(n_in, m)``:
    layer by layer, ``output = f(net)`` with ``net = W · [input; 1]``, each layer's output the
    next one's input. ``activations`` holds each layer's ``f``, input to output."""
    output = x
    for w, activation in zip(weights, activations, strict=True):
        output = activation.f(w @ with_bias(output))
    return output
