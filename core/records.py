"""The immutable record of one training step: every number the step computed.

Shapes, for a layer with ``n_in`` inputs and ``n_out`` units:
``input (n_in,)``, ``net``, ``output``, ``activation_diff``, ``delta`` ``(n_out,)``,
``weights_before``, ``weight_update``, ``weights`` ``(n_out, n_in + 1)``.
The arrays the engine keeps using (the weights, the sample's ``x`` and ``target``) are read-only;
the others are the record's own. The engine never changes an array after handing it out.

The records are ``NamedTuple``s rather than frozen dataclasses: equally immutable, and about six
times cheaper to build (a frozen dataclass's ``__init__`` measured 2.3 µs here, a quarter of a
whole training step), which keeps a fully recorded step within 2x of a bare NumPy loop.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


class SampleRecord(NamedTuple):
    """The training sample a step used: its set, its index in that set, ``x`` and ``target``."""

    set: str
    index: int  # type: ignore[assignment]  # shadows tuple.index, on purpose: the API's name
    x: Array
    target: Array


class LayerRecord(NamedTuple):
    """One layer's part of a step (see the module docstring for the shapes).

    ``net = weights_before · [input; 1]``, ``output = f(net)``, ``activation_diff = f'(net)``,
    ``delta = error ∘ f'(net)`` for the output layer and ``f'(net) ∘ W_nextᵀ delta_next`` (without
    the bias column) below it; ``weight_update = learning_rate · outer(delta, [input; 1])`` and
    ``weights = weights_before + weight_update``.
    """

    input: Array
    net: Array
    output: Array
    activation_diff: Array
    delta: Array
    weights_before: Array
    weight_update: Array
    weights: Array


class StepRecord(NamedTuple):
    """Everything one step computed. ``step`` counts steps taken including this one.

    ``error = target - output`` of the output layer and ``loss = ½‖target - output‖²``.
    ``diverged`` is true when this step's update would have made a weight non-finite: the update
    was then not applied (``weights == weights_before``) and training stops.
    """

    step: int
    learning_rate: float
    sample: SampleRecord
    layers: tuple[LayerRecord, ...]
    error: Array
    diverged: bool

    @property
    def loss(self) -> float:
        """The per-sample loss ``E = ½‖target - output‖²`` (computed when asked for; ``inf`` or
        ``nan`` when a diverging step's error overflowed)."""
        with np.errstate(over="ignore", invalid="ignore"):
            return 0.5 * float(np.dot(self.error, self.error))
