"""Engineered input features of the 2-D data sets, and the noise that blurs them.

A 2-D set's samples are points ``(x1, x2)`` of the plane, scaled to ``[0, 1]``. The net may see
other functions of them instead (TensorFlow Playground's inputs): ``x1^2``, ``x1*x2``,
``sin(x1)``... These are computed on the plane mapped to ``[-π, π]²`` (so ``x1*x2`` changes sign
at the centre and ``sin`` goes through one whole period, as over TensorFlow Playground's
``[-6, 6]``), then mapped to ``[0, 1]`` by each function's own range over that square, not the
data's: the same function then maps a decision-regions grid as it maps the samples. ``x1`` and
``x2`` are the scaled coordinates themselves, so the default ``("x1", "x2")`` is the set as it is.

With the plane's ``p = π (2 x - 1)``:

=========  ============  ===================
feature    value         range over [-π, π]²
=========  ============  ===================
x1, x2     x             [0, 1] (as scaled)
x1^2       p1²           [0, π²]
x2^2       p2²           [0, π²]
x1*x2      p1 · p2       [-π², π²]
sin(x1)    sin p1        [-1, 1]
sin(x2)    sin p2        [-1, 1]
=========  ============  ===================
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

RAW_FEATURES = ("x1", "x2")
MAX_NOISE = 0.5

_PI2 = math.pi**2
# each feature of the plane p (m, 2) in [-π, π]², with its range there
_OF_PLANE: dict[str, tuple[Callable[[Array], Array], float, float]] = {
    "x1^2": (lambda p: p[:, 0] ** 2, 0.0, _PI2),
    "x2^2": (lambda p: p[:, 1] ** 2, 0.0, _PI2),
    "x1*x2": (lambda p: p[:, 0] * p[:, 1], -_PI2, _PI2),
    "sin(x1)": (lambda p: np.sin(p[:, 0]), -1.0, 1.0),
    "sin(x2)": (lambda p: np.sin(p[:, 1]), -1.0, 1.0),
}
FEATURES = (*RAW_FEATURES, *_OF_PLANE)


def check_features(features: tuple[str, ...]) -> tuple[str, ...]:
    """``features`` if they are distinct, known and at least one; ``ValueError`` saying why."""
    unknown = [f for f in features if f not in FEATURES]
    if unknown:
        raise ValueError(f"unknown feature {unknown[0]!r}; known: {', '.join(FEATURES)}")
    if not features:
        raise ValueError("at least one feature")
    if len(set(features)) != len(features):
        raise ValueError("each feature at most once")
    return features


def engineer(points: Array, features: tuple[str, ...]) -> Array:
    """The net's inputs ``(m, len(features))`` for points ``(m, 2)`` of the scaled plane,
    each column in ``[0, 1]`` for points in ``[0, 1]²`` (see the module docstring)."""
    plane = math.pi * (2.0 * points - 1.0)
    columns = []
    for name in features:
        if name in RAW_FEATURES:
            columns.append(points[:, RAW_FEATURES.index(name)])
        else:
            f, low, high = _OF_PLANE[name]
            columns.append((f(plane) - low) / (high - low))
    return np.stack(columns, axis=1)


def jitter(points: Array, noise: float, rng: np.random.Generator) -> Array:
    """``points`` ``(m, 2)`` moved by Gaussian noise of standard deviation ``noise`` (in the
    scaled plane's units), then scaled to ``[0, 1]`` again, column by column. ``noise = 0``
    gives the points back unchanged. The draws do not depend on ``noise``: a larger noise moves
    each point further along the same direction."""
    if noise == 0:
        return points
    moved = points + noise * rng.standard_normal(points.shape)
    low, high = moved.min(axis=0), moved.max(axis=0)
    scaled: Array = (moved - low) / np.where(high > low, high - low, 1.0)
    return scaled
