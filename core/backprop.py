"""One step of backpropagation on one sample, written once, in the tutorial's order.

Notation (tutorial name = Wikipedia name, for layer l of L, the output layer being L):

==========================  ==============================  =====================================
tutorial / this code         Wikipedia ("Backpropagation")   meaning
==========================  ==============================  =====================================
``x``, ``[x; 1]``            ``a^(l-1)`` with a bias input   the layer's input, bias input fixed 1
``weights`` ``W``            ``W^l`` (bias column last)      ``(n_out, n_in + 1)``
``net``                      ``z^l``                         ``W · [x; 1]``
``output`` ``y``             ``a^l = f(z^l)``                the layer's output
``activation_diff``          ``f'(z^l)``                     slope of the activation at ``net``
``error`` ``t - y``          ``-∇_a C`` for C = ½‖t - y‖²   the output layer only
``incoming``                 ``-∂C/∂a^l``                    what the layer's delta scales
``delta``                    ``-δ^l``                        ``-∂E/∂net``, the sensitivity
``learning_rate`` ``η``      ``η``
``W ← W + η δ [x; 1]ᵀ``      ``W ← W - η δ^l (a^(l-1))ᵀ``    same update, sign folded into delta
==========================  ==============================  =====================================

The output layer is the recursion's base case: for the tutorial's loss ``E = ½‖t − y‖²``,
``delta^L = error ∘ f'(net^L)`` holds the error vector and no weights (other losses:
``core.losses``). Each hidden layer's delta is
``delta^l = f'(net^l) ∘ (W^(l+1) without its bias column)ᵀ delta^(l+1)``: there the weights appear.

``updated_weights`` is the same step for the steps nobody looks at: its new weights only, bit for
bit ``backprop``'s (a test holds them equal), without the record's cost.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from core.activations import Activation
from core.losses import Loss
from core.network import with_bias
from core.records import BackpropRecord, LayerRecord

Array = NDArray[np.float64]

outer = np.multiply.outer  # outer(d, x)[k, j] = d[k] * x[j], as np.outer, in one C call


def _feedforward_keeping(
    weights: Sequence[Array], activations: Sequence[Activation], x: Array
) -> tuple[list[Array], list[Array], list[Array], list[Array]]:
    """The feedforward, keeping what the backward pass needs: per layer, input to output, its
    ``[input; 1]``, ``net = W · [input; 1]``, ``output = f(net)`` and ``activation_diff = f'(net)``
    (vectors; ``f`` the layer's own of ``activations``)."""
    inputs_b, nets, outputs, diffs = [], [], [], []
    output = x
    for w, f in zip(weights, activations, strict=True):
        input_b = with_bias(output)
        net = w @ input_b
        output, activation_diff = f.both(net)
        inputs_b.append(input_b)
        nets.append(net)
        outputs.append(output)
        diffs.append(activation_diff)
    return inputs_b, nets, outputs, diffs


def backprop(
    weights: Sequence[Array],
    x: Array,
    target: Array,
    activation: Activation,
    loss: Loss,
    learning_rate: float,
) -> BackpropRecord:
    """One step on the sample ``(x, target)`` from ``weights`` (the weights before the step, one
    ``(n_out, n_in + 1)`` matrix per layer, input to output), with every number it computes.

    The hidden layers use ``activation``, the output layer ``loss``'s output activation.
    Feedforward, keeping each layer's ``[input; 1]``, ``net = W · [input; 1]``,
    ``output = f(net)`` and ``activation_diff = f'(net)``. The base case, at the output layer:
    ``error = target − output``, ``incoming = −∂E/∂output`` (the error itself for squared error)
    and ``delta = −∂E/∂net`` (``incoming ∘ f'(net)`` for squared error, ``target − output`` for
    cross-entropy). The recursion, from there down: ``incoming = W_next[:, :-1]ᵀ delta_next``,
    ``delta = incoming ∘ f'(net)``. The updates, all from the weights before the step:
    ``weight_update = learning_rate · outer(delta, [input; 1])``,
    ``weights = weights_before + weight_update``.

    Returns new arrays and never changes its arguments; the record holds ``weights`` and
    ``target`` themselves (``weights_before``, ``target``).
    """
    activations = loss.activations(activation, len(weights), target.shape[0])

    inputs_b, nets, outputs, diffs = _feedforward_keeping(weights, activations, x)
    output, activation_diff = outputs[-1], diffs[-1]

    # the base case, the output layer: where the loss meets the output
    error = target - output
    incoming = loss.incoming(error, output, target)
    delta = loss.delta(incoming, error, activation_diff)
    incomings, deltas = [incoming], [delta]

    # the recursion, from the output layer down: each delta carried back through the weights
    for layer in range(len(weights) - 2, -1, -1):
        incoming = weights[layer + 1][:, :-1].T @ delta
        delta = incoming * diffs[layer]
        incomings.append(incoming)
        deltas.append(delta)
    incomings.reverse()
    deltas.reverse()

    # the updates, every layer's from the weights before the step
    layers = []
    for w, f, input_b, net, output, activation_diff, incoming, delta in zip(
        weights, activations, inputs_b, nets, outputs, diffs, incomings, deltas, strict=True
    ):
        weight_update = learning_rate * outer(delta, input_b)
        layers.append(
            LayerRecord(
                f.name,
                input_b[:-1],
                net,
                output,
                activation_diff,
                incoming,
                delta,
                w,
                weight_update,
                w + weight_update,
            )
        )
    return BackpropRecord(tuple(layers), error, target, loss.name)


def updated_weights(
    weights: Sequence[Array],
    x: Array,
    target: Array,
    activation: Activation,
    loss: Loss,
    learning_rate: float,
) -> list[Array]:
    """``backprop``'s new weights alone, bit for bit, for the steps nobody looks at (the
    many-steps mode): the same feedforward and equations in the same order, without the record,
    each layer's update made as the recursion passes it, from the output layer down. The
    record's tuples and lists are an eighth of a deep net's step (``make bench``,
    docs/benchmarks.md)."""
    activations = loss.activations(activation, len(weights), target.shape[0])
    inputs_b, _, outputs, diffs = _feedforward_keeping(weights, activations, x)
    output = outputs[-1]
    error = target - output
    delta = loss.delta(loss.incoming(error, output, target), error, diffs[-1])
    updated = list(weights)
    for layer in range(len(weights) - 1, -1, -1):
        w = weights[layer]
        updated[layer] = w + learning_rate * outer(delta, inputs_b[layer])
        if layer:  # the recursion: this layer's delta carried back through its weights
            delta = (w[:, :-1].T @ delta) * diffs[layer - 1]
    return updated
