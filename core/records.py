"""The immutable record of one training step: every number the step computed.

Shapes, for a layer with ``n_in`` inputs and ``n_out`` units:
``input (n_in,)``, ``net``, ``output``, ``activation_diff``, ``incoming``, ``delta`` ``(n_out,)``,
``weights_before``, ``weight_update``, ``weights`` ``(n_out, n_in + 1)``.
The arrays the engine keeps using (the weights, the sample's ``x`` and ``target``) are read-only;
the others are the record's own. The engine never changes an array after handing it out.
Losses are computed when asked for, from the record's numbers (see ``core.losses``).

The records are ``NamedTuple``s rather than frozen dataclasses: equally immutable, and several
times cheaper to build, which keeps a fully recorded step within its target against a bare NumPy
loop (docs/benchmarks.md).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from core.activations import activation_named
from core.losses import get_loss, sample_loss

Array = NDArray[np.float64]


class SampleRecord(NamedTuple):
    """The training sample a step used: its set, its index in that set, ``x`` and ``target``."""

    set: str
    index: int  # type: ignore[assignment]  # shadows tuple.index, on purpose: the API's name
    x: Array
    target: Array


class LayerRecord(NamedTuple):
    """One layer's part of a step (see the module docstring for the shapes).

    ``activation`` names the layer's ``f``; ``net = weights_before · [input; 1]``,
    ``output = f(net)``, ``activation_diff = f'(net)``. ``incoming = −∂E/∂output`` is the vector
    the layer's delta scales: ``target − output`` at the output layer with squared error,
    ``W_next[:, :-1]ᵀ delta_next`` (the next layer's weights without their bias column) below it.
    ``delta = −∂E/∂net = incoming ∘ f'(net)``, except at a cross-entropy output layer, where
    ``delta = target − output`` exactly. There, for a softmax layer, ``activation_diff`` is the
    diagonal ``y (1 − y)`` of its Jacobian ``diag(y) − y yᵀ``, which is not diagonal, and delta is
    ``Jᵀ incoming``, not ``incoming ∘ f'``; ``incoming`` is ``t / y`` there, and
    ``t / y − (1 − t) / (1 − y)`` for a sigmoid unit (0 where the target's term is absent).
    ``weight_update = learning_rate · outer(delta, [input; 1])`` and
    ``weights = weights_before + weight_update``.
    """

    activation: str
    input: Array
    net: Array
    output: Array
    activation_diff: Array
    incoming: Array
    delta: Array
    weights_before: Array
    weight_update: Array
    weights: Array


def _loss(layers: tuple[LayerRecord, ...], target: Array, loss: str) -> float:
    output = layers[-1]
    with np.errstate(all="ignore"):
        return float(get_loss(loss).value(output.net, output.output, target))


class BackpropRecord(NamedTuple):
    """What ``core.backprop.backprop`` computes from the weights before a step: every layer's
    part, input to output, ``error = target − output`` of the output layer, and the name of the
    loss (``core.losses``)."""

    layers: tuple[LayerRecord, ...]
    error: Array
    target: Array
    loss_function: str

    @property
    def loss(self) -> float:
        """The sample's loss ``E`` before the step, computed when asked for."""
        return _loss(self.layers, self.target, self.loss_function)


class StepRecord(NamedTuple):
    """Everything one step computed. ``step`` counts steps taken including this one.

    ``error = target − output`` of the output layer (``target`` is the sample's);
    ``loss_function`` names the loss (``core.losses``).
    ``diverged`` is true when this step's update would have made a weight non-finite: the update
    was then not applied (``weights == weights_before``) and training stops.
    """

    step: int
    learning_rate: float
    sample: SampleRecord
    layers: tuple[LayerRecord, ...]
    error: Array
    target: Array
    loss_function: str
    diverged: bool

    @property
    def loss(self) -> float:
        """The sample's loss ``E`` before the step, computed when asked for (``inf`` or ``nan``
        when a diverging step's numbers overflowed)."""
        return _loss(self.layers, self.target, self.loss_function)

    @property
    def loss_after(self) -> float:
        """The same sample's loss with the weights after the step (the weights before, when it
        diverged), computed when asked for: a second feedforward, which only a reader of it
        pays for."""
        activations = [activation_named(layer.activation) for layer in self.layers]
        weights = [layer.weights for layer in self.layers]
        with np.errstate(all="ignore"):
            loss = sample_loss(
                weights,
                activations,
                get_loss(self.loss_function),
                self.sample.x,
                self.sample.target,
            )
        return float(loss)
