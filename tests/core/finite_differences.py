"""The tests' independent reference for derivatives: central differences, one entry at a time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def central_difference(fn: Callable[..., Any], at: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """``∂fn/∂at`` entry by entry: ``(fn(at + eps e_i) - fn(at - eps e_i)) / 2 eps``."""
    grad = np.zeros_like(at)
    for idx in np.ndindex(at.shape):
        plus, minus = at.copy(), at.copy()
        plus[idx] += eps
        minus[idx] -= eps
        grad[idx] = (fn(plus) - fn(minus)) / (2 * eps)
    return grad


def numerical_weight_update(
    loss: Callable[[list[np.ndarray]], float],
    weights: list[np.ndarray],
    layer: int,
    learning_rate: float,
) -> np.ndarray:
    """``-learning_rate · ∂E/∂W`` of layer ``layer`` by central differences, ``E = loss(weights)``
    with only that layer's matrix moved."""

    def loss_of(w: np.ndarray) -> float:
        moved = list(weights)
        moved[layer] = w
        return loss(moved)

    return -learning_rate * central_difference(loss_of, weights[layer])
