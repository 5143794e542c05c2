"""The step's numbers against independent computations: a hand-worked step, finite differences."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core import ACTIVATIONS, LayerRecord, Trainer, TrainerConfig, backprop
from core.activations import Activation
from core.backprop import updated_weights
from core.losses import LOSSES
from tests.core.finite_differences import central_difference, numerical_weight_update

# ---------------------------------------------------------------------------------------------
# A hand-worked single step of the tutorial's 4-3 iris net (seed 0, tanh01, learning rate 0.1).
# The first sample drawn is training sample 63: iris flower 127 (6.2, 2.8, 4.8, 1.8, virginica),
# min-max scaled over the whole set: (6.2 - 4.3) / 3.6, (2.8 - 2.0) / 2.4, (4.8 - 1.0) / 5.9,
# (1.8 - 0.1) / 2.4.
X = [19 / 36, 0.8 / 2.4, 3.8 / 5.9, 1.7 / 2.4]
TARGET = [0.0, 0.0, 1.0]
W = [  # uniform in [-0.5, 0.5] from seed 0, last column the bias weight
    [0.1369616873214543, -0.2302132862361297, -0.4590264760638053, -0.4834723644714709,
     0.3132702392002724],
    [0.4127555772777217, 0.10663577576717986, 0.2294965609839984, 0.04362499146542287,
     0.4350724237877682],
    [0.31585355412153215, -0.4972614998298519, 0.35740427658756935, -0.46641442469453565,
     0.22965544642994407],
]  # fmt: skip
# Rounded to 6 places by hand (plain Python, below), for the reader:
#   net   = W · [x; 1]           = (-0.329286,  0.867173,  0.130418)
#   y     = (tanh(net) + 1) / 2  = ( 0.341060,  0.849968,  0.564842)
#   e     = t - y                = (-0.341060, -0.849968,  0.435158)
#   f'    = (1 - tanh²(net)) / 2 = ( 0.449476,  0.255045,  0.491591)
#   delta = e ∘ f'               = (-0.153299, -0.216780,  0.213920)
#   ΔW[2] = 0.1 · delta[2] · [x; 1] = (0.011290, 0.007131, 0.013778, 0.015153, 0.021392)
HAND_NET = (-0.329286, 0.867173, 0.130418)
HAND_DELTA = (-0.153299, -0.216780, 0.213920)
HAND_UPDATE_ROW_2 = (0.011290, 0.007131, 0.013778, 0.015153, 0.021392)


def test_first_iris_step_matches_the_hand_worked_step() -> None:
    record = Trainer(TrainerConfig(dataset="iris", seed=0)).step()
    layer = record.layers[0]
    assert len(record.layers) == 1
    assert record.sample.index == 63
    np.testing.assert_allclose(record.sample.x, X, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(record.sample.target, TARGET)
    np.testing.assert_array_equal(layer.weights_before, W)

    x_b = [*X, 1.0]
    net = [sum(W[k][j] * x_b[j] for j in range(5)) for k in range(3)]
    output = [(math.tanh(n) + 1) / 2 for n in net]
    error = [t - y for t, y in zip(TARGET, output, strict=True)]
    slope = [(1 - math.tanh(n) ** 2) / 2 for n in net]
    delta = [e * s for e, s in zip(error, slope, strict=True)]
    update = [[0.1 * delta[k] * x_b[j] for j in range(5)] for k in range(3)]
    after = [[W[k][j] + update[k][j] for j in range(5)] for k in range(3)]

    np.testing.assert_allclose(net, HAND_NET, atol=5e-7)
    np.testing.assert_allclose(delta, HAND_DELTA, atol=5e-7)
    np.testing.assert_allclose(update[2], HAND_UPDATE_ROW_2, atol=5e-7)
    np.testing.assert_allclose(layer.input, X, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(layer.net, net, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(layer.output, output, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(record.error, error, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(layer.activation_diff, slope, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(layer.delta, delta, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(layer.weight_update, update, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(layer.weights, after, rtol=1e-12, atol=1e-15)
    assert record.loss == pytest.approx(0.5 * sum(e * e for e in error), rel=1e-12)
    assert record.step == 1
    assert not record.diverged


# ---------------------------------------------------------------------------------------------
# Finite differences. E(W) = ½‖t − y‖² of one sample, with a forward pass written here, apart
# from the engine's.


def _forward_nets(
    weights: list[np.ndarray], activation: Activation, x: np.ndarray
) -> list[np.ndarray]:
    nets, a = [], x
    for w in weights:
        nets.append(w[:, :-1] @ a + w[:, -1])
        a = activation.f(nets[-1])
    return nets


def _loss(weights: list[np.ndarray], activation: Activation, x: np.ndarray, t: np.ndarray) -> float:
    y = activation.f(_forward_nets(weights, activation, x)[-1])
    return 0.5 * float(np.sum((t - y) ** 2))


def _loss_from_net(
    weights: list[np.ndarray],
    activation: Activation,
    layer: int,
    net: np.ndarray,
    t: np.ndarray,
) -> float:
    """E as a function of layer ``layer``'s net, the later layers unchanged."""
    a = activation.f(net)
    for w in weights[layer + 1 :]:
        a = activation.f(w[:, :-1] @ a + w[:, -1])
    return 0.5 * float(np.sum((t - a) ** 2))


def _trained_a_little(activation: str, hidden: tuple[int, ...]) -> Trainer:
    """A net 7 steps in (so that nothing sits at its initial point) whose next step has no net
    input within 1e-3 of a ReLU kink (a twin trainer with the same seed takes that step first)."""
    for seed in range(50):
        config = TrainerConfig(activation=activation, hidden=hidden, seed=seed, learning_rate=0.05)
        twin = Trainer(config)
        twin.run(7, record_last=False)
        upcoming = twin.step()
        if all(np.all(np.abs(layer.net) > 1e-3) for layer in upcoming.layers):
            trainer = Trainer(config)
            trainer.run(7, record_last=False)
            return trainer
    raise AssertionError("no seed without a kink")


@pytest.mark.parametrize("hidden", [(), (5,), (6, 4)], ids=["0-hidden", "1-hidden", "2-hidden"])
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_weight_update_is_minus_learning_rate_times_gradient(
    activation: str, hidden: tuple[int, ...]
) -> None:
    trainer = _trained_a_little(activation, hidden)
    before = [np.array(w) for w in trainer.weights]
    record = trainer.step()
    x, t = np.array(record.sample.x), np.array(record.sample.target)
    act = trainer.activation
    assert len(record.layers) == len(hidden) + 1
    for layer, rec in enumerate(record.layers):
        np.testing.assert_array_equal(rec.weights_before, before[layer])

        update = numerical_weight_update(
            lambda weights: _loss(weights, act, x, t), before, layer, record.learning_rate
        )
        np.testing.assert_allclose(rec.weight_update, update, rtol=1e-5, atol=1e-10)
        np.testing.assert_array_equal(rec.weights, before[layer] + rec.weight_update)


@pytest.mark.parametrize("hidden", [(), (5,), (6, 4)], ids=["0-hidden", "1-hidden", "2-hidden"])
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_delta_is_minus_loss_gradient_wrt_net(activation: str, hidden: tuple[int, ...]) -> None:
    trainer = _trained_a_little(activation, hidden)
    before = [np.array(w) for w in trainer.weights]
    record = trainer.step()
    t = np.array(record.sample.target)
    for layer, rec in enumerate(record.layers):
        gradient = central_difference(
            lambda net, layer=layer: _loss_from_net(before, trainer.activation, layer, net, t),
            np.array(rec.net),
        )
        np.testing.assert_allclose(rec.delta, -gradient, rtol=1e-5, atol=1e-10)


@pytest.mark.parametrize("hidden", [(), (3,), (4, 3)])
def test_weight_update_is_exactly_learning_rate_times_outer_product(
    hidden: tuple[int, ...],
) -> None:
    record = Trainer(TrainerConfig(hidden=hidden, learning_rate=0.37)).run(5)
    assert record is not None
    for layer in record.layers:
        input_b = np.append(layer.input, 1.0)
        np.testing.assert_array_equal(layer.weight_update, 0.37 * np.outer(layer.delta, input_b))


def test_output_delta_is_error_times_slope_and_hidden_delta_holds_the_weights() -> None:
    record = Trainer(TrainerConfig(hidden=(4,))).run(3)
    assert record is not None
    hidden, output = record.layers
    # base case: the output layer's delta is the error vector scaled by f'(net), no weights
    np.testing.assert_array_equal(output.delta, record.error * output.activation_diff)
    np.testing.assert_array_equal(record.error, record.sample.target - output.output)
    # recursion: the hidden delta is f'(net) ∘ (W_next without bias)ᵀ delta_next, W from before
    expected = hidden.activation_diff * (output.weights_before[:, :-1].T @ output.delta)
    np.testing.assert_allclose(hidden.delta, expected, rtol=1e-15, atol=0)
    np.testing.assert_array_equal(output.input, hidden.output)


def test_every_record_array_has_the_documented_shape() -> None:
    record = Trainer(TrainerConfig(hidden=(7, 5))).step()
    sizes = [4, 7, 5, 3]
    for layer, n_in, n_out in zip(record.layers, sizes[:-1], sizes[1:], strict=True):
        assert layer.input.shape == (n_in,)
        for name in ("net", "output", "activation_diff", "delta"):
            assert getattr(layer, name).shape == (n_out,), name
        for name in ("weights_before", "weight_update", "weights"):
            assert getattr(layer, name).shape == (n_out, n_in + 1), name
    assert record.error.shape == (3,)


def test_record_weights_are_read_only_and_the_engine_keeps_its_own() -> None:
    trainer = Trainer()
    record = trainer.step()
    with pytest.raises(ValueError, match="read-only"):
        record.layers[0].weights[0, 0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        trainer.weights[0][0, 0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        record.sample.x[0] = 1.0


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_the_tutorial_nets_written_out_step_is_backprop_bit_for_bit(activation: str) -> None:
    trainer = Trainer(TrainerConfig(activation=activation, seed=5))
    trainer.run(40, record_last=False)
    before = [np.array(w) for w in trainer.weights]
    record = trainer.step()
    expected = backprop(
        before, record.sample.x, record.sample.target, trainer.activation, trainer.loss, 0.1
    )
    for got, want in zip(record.layers, expected.layers, strict=True):
        for name in LayerRecord._fields:
            assert np.array_equal(getattr(got, name), getattr(want, name)), name
    np.testing.assert_array_equal(record.error, expected.error)
    assert record.loss == expected.loss


@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("hidden", [(), (5,), (4, 3)])
def test_the_many_steps_modes_weights_are_backprops_bit_for_bit(
    activation: str, loss: str, hidden: tuple[int, ...]
) -> None:
    trainer = Trainer(TrainerConfig(activation=activation, loss=loss, hidden=hidden, seed=3))
    weights = [np.array(w) for w in trainer.weights]
    train = trainer.dataset.train
    for k in range(30):  # weights that have moved, on several samples
        x, target = np.array(train.x[k]), np.array(train.target[k])
        got = updated_weights(weights, x, target, trainer.activation, trainer.loss, 0.3)
        want = backprop(weights, x, target, trainer.activation, trainer.loss, 0.3)
        for new, layer in zip(got, want.layers, strict=True):
            assert np.array_equal(new, layer.weights, equal_nan=True)
        weights = got


def test_backprop_changes_none_of_its_arguments() -> None:
    trainer = Trainer(TrainerConfig(hidden=(4, 3), seed=2))
    weights = [np.array(w) for w in trainer.weights]
    x, target = np.array(trainer.dataset.train.x[0]), np.array(trainer.dataset.train.target[0])
    copies = [w.copy() for w in weights], x.copy(), target.copy()
    result = backprop(weights, x, target, trainer.activation, trainer.loss, 0.5)
    for w, saved in zip(weights, copies[0], strict=True):
        np.testing.assert_array_equal(w, saved)
    np.testing.assert_array_equal(x, copies[1])
    np.testing.assert_array_equal(target, copies[2])
    assert all(layer.weights is not layer.weights_before for layer in result.layers)
