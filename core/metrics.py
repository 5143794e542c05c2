"""The class a net's output predicts, for the classification error."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def predicted_class(output: Array) -> NDArray[np.int64]:
    """The class each output row (the last axis of ``output``, e.g. ``(m, n_outputs)``)
    predicts: the arg-max unit, or with a single output unit (targets 0 and 1), class 1 when
    the output is above the midpoint 0.5."""
    if output.shape[-1] == 1:
        return (output[..., 0] > 0.5).astype(np.int64)
    predicted: NDArray[np.int64] = output.argmax(axis=-1).astype(np.int64, copy=False)
    return predicted
