"""docs/delta.md quotes the engine's numbers: recompute them so the page cannot drift."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from core import Trainer, TrainerConfig

DOC = (Path(__file__).parents[2] / "docs" / "delta.md").read_text()


def _quoted(*values: float) -> list[str]:
    return [f"{v:.4f}" for v in values]


def _assert_quoted(values: np.ndarray | list[float]) -> None:
    for text in _quoted(*np.ravel(values)):
        assert text in DOC, f"{text} is not in docs/delta.md"


def test_iris_numbers_in_the_doc_are_the_engines() -> None:
    record = Trainer(TrainerConfig(dataset="iris", seed=0)).step()
    layer = record.layers[0]
    assert record.sample.index == 63
    for row in range(3):
        line = " | ".join(
            _quoted(
                layer.net[row],
                layer.output[row],
                record.error[row],
                layer.activation_diff[row],
                layer.delta[row],
            )
        )
        assert line in DOC, line
    _assert_quoted(record.sample.x)
    _assert_quoted(layer.weight_update[2])


def test_xor_hidden_layer_numbers_in_the_doc_are_the_engines() -> None:
    config = TrainerConfig(dataset="xor", hidden=(2,), seed=0, learning_rate=0.5)
    record = Trainer(config).step()
    hidden, output = record.layers
    assert record.sample.x.tolist() == [1.0, 0.0]
    _assert_quoted([output.net[0], output.output[0], record.error[0], output.activation_diff[0]])
    assert f"**delta^out = {record.error[0]:.4f} · {output.activation_diff[0]:.4f} = " in DOC
    assert f"= {output.delta[0]:.4f}**" in DOC
    _assert_quoted(output.weights_before[0, :-1])
    _assert_quoted(output.weights_before[:, :-1].T @ output.delta)
    _assert_quoted(hidden.activation_diff)
    assert "**delta^hidden = ({:.4f}, {:.4f})**".format(*hidden.delta) in DOC
    assert hidden.weight_update[:, 1].tolist() == [0.0, 0.0]  # input b is 0: "no blame"

    deep, flat = Trainer(config), Trainer(TrainerConfig(dataset="xor", learning_rate=0.5))
    deep.run(20_000, record_last=False)
    flat.run(20_000, record_last=False)
    assert deep.set_errors()["train"].classification_error == 0.0
    assert f"network error {deep.set_errors()['train'].error:.5f}" in DOC
    assert flat.set_errors()["train"].classification_error >= 0.25


def test_cross_entropy_numbers_in_the_doc_are_the_engines() -> None:
    record = Trainer(TrainerConfig(dataset="iris", seed=0, loss="cross_entropy")).step()
    layer = record.layers[0]
    assert record.sample.index == 63
    assert layer.activation == "softmax"
    for row in range(3):
        line = " | ".join(
            _quoted(
                layer.net[row],
                layer.output[row],
                record.error[row],
                layer.incoming[row],
                layer.activation_diff[row],
                layer.delta[row],
            )
        )
        assert line in DOC, line
    assert f"E = −ln {layer.output[2]:.4f} = {record.loss:.4f}" in DOC
    assert f"from {record.loss:.4f} to {record.loss_after:.4f} (`loss_after`)" in DOC
    _assert_quoted(layer.weight_update[2])
    squared = Trainer(TrainerConfig(dataset="iris", seed=0)).step().layers[0]
    assert layer.weight_update[2, 0] > 3 * squared.weight_update[2, 0]  # "more than three times"
