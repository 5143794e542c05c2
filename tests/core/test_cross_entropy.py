"""Cross-entropy: its deltas and updates against central differences of a loss written here, apart
from the engine's; the output delta t − y exactly; loss_after; what it learns."""

from __future__ import annotations

import math

import numpy as np
import pytest

import core.gradient_check
from core import ACTIVATIONS, BackpropRecord, ConfigError, Trainer, TrainerConfig, backprop
from core.activations import Activation
from core.gradient_check import EPSILON, gradient_check
from tests.core.finite_differences import central_difference, numerical_weight_update


def _softmax(net: np.ndarray) -> np.ndarray:
    e = np.exp(net - net.max())
    y: np.ndarray = e / e.sum()
    return y


def _output(net: np.ndarray) -> np.ndarray:
    """The output layer's f: softmax over several units, the logistic sigmoid for one."""
    if net.shape[0] > 1:
        return _softmax(net)
    sigmoid: np.ndarray = 1.0 / (1.0 + np.exp(-net))
    return sigmoid


def _cross_entropy(y: np.ndarray, t: np.ndarray) -> float:
    if y.shape[0] > 1:
        return -float(sum(tk * math.log(yk) for tk, yk in zip(t, y, strict=True) if tk))
    return -float(t[0] * math.log(y[0]) + (1 - t[0]) * math.log(1 - y[0]))


def _loss_from_net(
    weights: list[np.ndarray], hidden: Activation, layer: int, net: np.ndarray, t: np.ndarray
) -> float:
    """E as a function of layer ``layer``'s net, the layers above unchanged."""
    for w in weights[layer + 1 :]:
        net = w[:, :-1] @ hidden.f(net) + w[:, -1]
    return _cross_entropy(_output(net), t)


def _loss(weights: list[np.ndarray], hidden: Activation, x: np.ndarray, t: np.ndarray) -> float:
    net = weights[0][:, :-1] @ x + weights[0][:, -1]
    return _loss_from_net(weights, hidden, 0, net, t)


def _trained_a_little(dataset: str, activation: str, hidden: tuple[int, ...]) -> Trainer:
    """A cross-entropy net 9 steps in whose next step has no hidden net input within 1e-3 of a
    ReLU kink (a twin trainer with the same seed takes that step first)."""
    for seed in range(50):
        config = TrainerConfig(
            dataset=dataset,
            activation=activation,
            hidden=hidden,
            loss="cross_entropy",
            seed=seed,
            learning_rate=0.05,
        )
        twin = Trainer(config)
        twin.run(9, record_last=False)
        upcoming = twin.step()
        if all(np.all(np.abs(layer.net) > 1e-3) for layer in upcoming.layers[:-1]):
            trainer = Trainer(config)
            trainer.run(9, record_last=False)
            return trainer
    raise AssertionError("no seed without a kink")


CASES = [
    pytest.param(dataset, hidden, activation, id=f"{dataset}-{len(hidden)}-hidden-{activation}")
    for dataset in ("iris", "xor")
    for hidden in [(), (5,), (6, 4)]
    for activation in sorted(ACTIVATIONS)
]


@pytest.mark.parametrize(("dataset", "hidden", "activation"), CASES)
def test_cross_entropy_delta_and_update_are_the_loss_gradients(
    dataset: str, hidden: tuple[int, ...], activation: str
) -> None:
    trainer = _trained_a_little(dataset, activation, hidden)
    before = [np.array(w) for w in trainer.weights]
    record = trainer.step()
    x, t = np.array(record.sample.x), np.array(record.sample.target)
    act = trainer.activation
    output = record.layers[-1]
    assert output.activation == ("softmax" if dataset == "iris" else "sigmoid")
    assert [layer.activation for layer in record.layers[:-1]] == [activation] * len(hidden)
    # the base case: the slope cancels, the output delta is the error itself, exactly
    np.testing.assert_array_equal(output.delta, t - output.output)
    np.testing.assert_array_equal(record.error, t - output.output)
    for layer, rec in enumerate(record.layers):
        gradient = central_difference(
            lambda net, layer=layer: _loss_from_net(before, act, layer, net, t), np.array(rec.net)
        )
        np.testing.assert_allclose(rec.delta, -gradient, rtol=1e-5, atol=1e-9)

        update = numerical_weight_update(
            lambda weights: _loss(weights, act, x, t), before, layer, record.learning_rate
        )
        np.testing.assert_allclose(rec.weight_update, update, rtol=1e-5, atol=1e-10)
    assert record.loss == pytest.approx(_loss(before, act, x, t), rel=1e-12)
    after = [np.array(layer.weights) for layer in record.layers]
    assert record.loss_after == pytest.approx(_loss(after, act, x, t), rel=1e-12)


@pytest.mark.parametrize("dataset", ["iris", "xor"])
def test_incoming_is_minus_the_loss_gradient_wrt_the_output(dataset: str) -> None:
    trainer = Trainer(TrainerConfig(dataset=dataset, hidden=(3,), loss="cross_entropy", seed=1))
    trainer.run(5)
    record = trainer.step()
    hidden, output = record.layers
    t = np.array(record.sample.target)
    gradient = central_difference(lambda y: _cross_entropy(y, t), np.array(output.output))
    np.testing.assert_allclose(output.incoming, -gradient, rtol=1e-6, atol=1e-9)
    # below the output layer, incoming is the next delta carried back through the weights
    np.testing.assert_array_equal(hidden.incoming, output.weights_before[:, :-1].T @ output.delta)
    np.testing.assert_array_equal(hidden.delta, hidden.incoming * hidden.activation_diff)


def test_softmax_activation_diff_is_the_diagonal_of_its_jacobian() -> None:
    record = Trainer(TrainerConfig(loss="cross_entropy")).step()
    (layer,) = record.layers
    jacobian = np.array(  # jacobian[k, j] = ∂y_k/∂net_j
        [
            central_difference(lambda net, k=k: _softmax(net)[k], np.array(layer.net))
            for k in range(3)
        ]
    )
    np.testing.assert_allclose(layer.activation_diff, np.diag(jacobian), rtol=1e-6)
    assert np.abs(jacobian - np.diag(np.diag(jacobian))).max() > 0.01  # it is not diagonal
    np.testing.assert_allclose(jacobian.T @ layer.incoming, layer.delta, rtol=1e-6, atol=1e-9)


def test_squared_error_incoming_is_the_error_vector() -> None:
    record = Trainer(TrainerConfig(hidden=(4,))).run(3)
    assert record is not None
    output = record.layers[-1]
    np.testing.assert_array_equal(output.incoming, record.error)
    # ½‖t − y‖², summed exactly here; the engine's sum and np.dot (BLAS, whose kernel depends on
    # the CPU) may each round the last bit differently
    assert record.loss == pytest.approx(0.5 * math.fsum(record.error**2), rel=1e-14)


def test_loss_after_is_the_samples_loss_with_the_new_weights() -> None:
    trainer = Trainer(TrainerConfig(hidden=(5,), seed=3))
    record = trainer.step()
    x, t = record.sample.x, record.sample.target
    a = x
    for w in trainer.weights:
        a = trainer.activation.f(w[:, :-1] @ a + w[:, -1])
    assert record.loss_after == pytest.approx(0.5 * float(np.sum((t - a) ** 2)), rel=1e-12)
    assert record.loss_after < record.loss  # a small step downhill


def test_cross_entropy_learns_iris_without_a_hidden_layer() -> None:
    trainer = Trainer(TrainerConfig(loss="cross_entropy", seed=0))
    trainer.run(10_000, record_last=False)
    errors = trainer.set_errors()
    assert errors["test"].classification_error <= 0.10
    assert errors["train"].loss < 0.3


def test_cross_entropy_learns_xor_with_a_hidden_layer() -> None:
    config = TrainerConfig(
        dataset="xor", hidden=(2,), loss="cross_entropy", learning_rate=0.5, seed=0
    )
    trainer = Trainer(config)
    trainer.run(20_000, record_last=False)
    errors = trainer.set_errors()["train"]
    assert errors.classification_error == 0.0
    assert errors.loss < 0.05


def test_set_losses_are_each_sets_mean_loss() -> None:
    trainer = Trainer(TrainerConfig(hidden=(4,), loss="cross_entropy", seed=2))
    trainer.run(200)
    for name, errors in trainer.set_errors().items():
        part = trainer.dataset.part(name)
        losses = []
        for x, t in zip(part.x, part.target, strict=True):
            losses.append(_loss([np.array(w) for w in trainer.weights], trainer.activation, x, t))
        assert errors.loss == pytest.approx(np.mean(losses), rel=1e-12)


def test_squared_error_set_loss_is_half_the_outputs_times_the_network_error() -> None:
    trainer = Trainer(TrainerConfig(seed=2))
    trainer.run(200)
    for name, errors in trainer.set_errors().items():
        part = trainer.dataset.part(name)
        output = trainer.outputs(part.x)
        mean = np.mean(0.5 * np.sum((part.target - output) ** 2, axis=1))
        assert errors.loss == pytest.approx(mean, rel=1e-12)


def test_an_unknown_loss_is_refused_naming_it() -> None:
    with pytest.raises(ConfigError, match="squared_error, cross_entropy") as raised:
        TrainerConfig(loss="hinge")
    assert raised.value.field == "loss"


def test_the_gradient_check_agrees_with_the_chain_rule_and_with_differences_taken_here() -> None:
    trainer = Trainer(TrainerConfig(hidden=(4, 3), loss="cross_entropy", activation="tanh"))
    trainer.run(30)
    record = trainer.step()
    before = [np.array(layer.weights_before) for layer in record.layers]
    x, t = np.array(record.sample.x), np.array(record.sample.target)
    check = gradient_check(before, x, t, trainer.activation, trainer.loss, record.learning_rate)
    assert check.epsilon == EPSILON
    for layer, (part, rec) in enumerate(zip(check.layers, record.layers, strict=True)):
        np.testing.assert_array_equal(part.delta, rec.delta)
        np.testing.assert_array_equal(part.weight_update, rec.weight_update)
        here = -central_difference(
            lambda net, layer=layer: _loss_from_net(before, trainer.activation, layer, net, t),
            np.array(rec.net),
        )
        np.testing.assert_allclose(part.numerical_delta, here, rtol=1e-6, atol=1e-10)

        here_update = numerical_weight_update(
            lambda weights: _loss(weights, trainer.activation, x, t),
            before,
            layer,
            record.learning_rate,
        )
        np.testing.assert_allclose(part.numerical_weight_update, here_update, rtol=1e-6, atol=1e-12)
        assert part.max_relative_difference < 1e-6
        floor = np.maximum(np.maximum(np.abs(rec.delta), np.abs(part.numerical_delta)), 1e-8)
        assert part.max_relative_difference >= np.max(
            np.abs(rec.delta - part.numerical_delta) / floor
        )


def test_the_gradient_check_finds_a_delta_without_its_slope(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    trainer = Trainer(TrainerConfig(seed=1))
    record = trainer.step()
    before = [np.array(layer.weights_before) for layer in record.layers]
    args = (before, record.sample.x, record.sample.target, trainer.activation, trainer.loss, 0.1)
    assert gradient_check(*args).layers[0].max_relative_difference < 1e-6

    def forgets_the_slope(*given: object) -> BackpropRecord:  # δ = e: f'(net) left out
        result = backprop(*given)  # type: ignore[arg-type]
        (layer,) = result.layers
        wrong = layer._replace(
            delta=layer.incoming, weight_update=0.1 * np.outer(layer.incoming, [*layer.input, 1])
        )
        return result._replace(layers=(wrong,))

    monkeypatch.setattr(core.gradient_check, "backprop", forgets_the_slope)
    assert gradient_check(*args).layers[0].max_relative_difference > 0.5
