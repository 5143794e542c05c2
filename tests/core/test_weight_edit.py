"""A weight set by hand: checked against the net's shapes and the limits; the next step uses it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core import ConfigError, Trainer, TrainerConfig, backprop
from core.config import MAX_WEIGHT_LIMIT


def test_the_next_step_goes_on_from_the_edited_weight() -> None:
    trainer = Trainer(TrainerConfig(hidden=(4,), seed=3))
    trainer.run(20)
    trainer.set_weight(0, 1, 4, 0.75)  # unit 1's bias weight
    edited = [np.array(w) for w in trainer.weights]
    assert edited[0][1, 4] == 0.75
    record = trainer.step()
    for layer, w in zip(record.layers, edited, strict=True):
        np.testing.assert_array_equal(layer.weights_before, w)
    expected = backprop(
        edited, record.sample.x, record.sample.target, trainer.activation, trainer.loss, 0.1
    )
    for got, want in zip(record.layers, expected.layers, strict=True):
        np.testing.assert_array_equal(got.weights, want.weights)


def test_an_edit_changes_that_weight_only_and_no_array_handed_out() -> None:
    trainer = Trainer(TrainerConfig(hidden=(4,), seed=3))
    record = trainer.step()
    before = [np.array(w) for w in trainer.weights]
    handed_out = trainer.weights
    trainer.set_weight(1, 2, 0, -3.0)
    after = trainer.weights
    assert after[1][2, 0] == -3.0
    changed = np.argwhere(after[1] != before[1])
    assert changed.tolist() == [[2, 0]]
    np.testing.assert_array_equal(after[0], before[0])
    np.testing.assert_array_equal(handed_out[1], before[1])
    np.testing.assert_array_equal(record.layers[1].weights, before[1])
    with pytest.raises(ValueError, match="read-only"):
        after[1][0, 0] = 1.0


@pytest.mark.parametrize(
    ("layer", "row", "column", "value", "field"),
    [
        (2, 0, 0, 0.1, "weight.layer"),
        (-1, 0, 0, 0.1, "weight.layer"),
        (0, 4, 0, 0.1, "weight.row"),
        (1, 3, 0, 0.1, "weight.row"),
        (0, 0, 5, 0.1, "weight.column"),
        (1, 0, 5, 0.1, "weight.column"),
        (0, 0, 0, math.nan, "weight.value"),
        (0, 0, 0, math.inf, "weight.value"),
        (0, 0, 0, MAX_WEIGHT_LIMIT * 1.01, "weight.value"),
        (0, 0, 0, "1", "weight.value"),
        (0, True, 0, 0.1, "weight.row"),
    ],
)
def test_a_bad_index_or_value_is_refused_naming_it(
    layer: int, row: int, column: int, value: float, field: str
) -> None:
    trainer = Trainer(TrainerConfig(hidden=(4,)))  # shapes (4, 5) and (3, 5)
    before = [np.array(w) for w in trainer.weights]
    with pytest.raises(ConfigError) as raised:
        trainer.set_weight(layer, row, column, value)
    assert raised.value.field == field
    for got, want in zip(trainer.weights, before, strict=True):
        np.testing.assert_array_equal(got, want)


def test_the_last_step_is_kept_for_the_checks_until_an_unrecorded_step() -> None:
    trainer = Trainer()
    assert trainer.last_step is None
    record = trainer.step()
    assert trainer.last_step is record
    ran = trainer.run(5)
    assert trainer.last_step is ran
    trainer.run(0)
    assert trainer.last_step is ran
    trainer.run(3, record_last=False)
    assert trainer.last_step is None
