"""Decision regions of a net with two inputs: the class it predicts over a grid of the plane."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from core.features import engineer
from core.metrics import predicted_class
from core.trainer import Trainer

Array = NDArray[np.float64]

MIN_RESOLUTION = 2
MAX_RESOLUTION = 200
MARGIN = 0.1  # beyond the data's [0, 1] square, on each side


@dataclass(frozen=True)
class DecisionRegions:
    """``predicted[i][j]`` is the class predicted at ``(x1[j], x2[i])`` (row i, column j);
    ``output[i][j]`` the first output unit's value there (the certainty with one output)."""

    x1: Array
    x2: Array
    predicted: NDArray[np.int64]
    output: Array


def decision_regions(trainer: Trainer, resolution: int = 50) -> DecisionRegions:
    """The net's predicted class on a ``resolution × resolution`` grid over the features' range
    ``[-MARGIN, 1 + MARGIN]²``: the plane of a 2-D set (its points, whatever features of them
    the net sees), or the two features of another set; ``ValueError`` for a set with more."""
    dataset = trainer.dataset
    if dataset.features is None and dataset.input_count != 2:
        raise ValueError(
            f"dataset {dataset.name!r} has {dataset.input_count} features; "
            "decision regions need exactly 2"
        )
    if not MIN_RESOLUTION <= resolution <= MAX_RESOLUTION:
        raise ValueError(
            f"resolution={resolution!r}: must be in [{MIN_RESOLUTION}, {MAX_RESOLUTION}]"
        )
    axis = np.linspace(-MARGIN, 1.0 + MARGIN, resolution)
    grid1, grid2 = np.meshgrid(axis, axis)
    points = np.stack([grid1.ravel(), grid2.ravel()], axis=1)
    inputs = points if dataset.features is None else engineer(points, dataset.features)
    output = trainer.outputs(inputs)
    shape = (resolution, resolution)
    return DecisionRegions(
        x1=axis,
        x2=axis.copy(),
        predicted=predicted_class(output).reshape(shape),
        output=output[:, 0].reshape(shape),
    )
