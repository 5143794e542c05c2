"""The compact state a shared store writes: a decoded trainer goes on bit for bit, with its
curves and the last step's record."""

from __future__ import annotations

import numpy as np
import pytest

from app import state_codec
from core import Trainer, TrainerConfig
from core.history import History
from core.sampling import Sampling
from tests.app.helpers import weights_of

CONFIGS = [
    TrainerConfig(),
    TrainerConfig(hidden=(4, 3), loss="cross_entropy", sampling=Sampling.EPOCH, seed=7),
    TrainerConfig(dataset="xor", hidden=(3,), sampling=Sampling.SEQUENTIAL, seed=2),
]


def round_trip(trainer: Trainer) -> Trainer:
    points = state_codec.history_points(trainer.history, 0)
    return state_codec.decode(state_codec.encode(trainer), points)


@pytest.mark.parametrize("config", CONFIGS)
def test_a_decoded_trainer_goes_on_bit_for_bit(config: TrainerConfig) -> None:
    trainer = Trainer(config)
    trainer.run(1234)
    trainer.learning_rate = 0.25
    decoded = round_trip(trainer)
    assert decoded.step_count == 1234
    assert decoded.history.curves == trainer.history.curves
    trainer.run(777)
    decoded.run(777)
    assert weights_of(decoded) == weights_of(trainer)
    assert decoded.history.curves == trainer.history.curves


@pytest.mark.parametrize("config", CONFIGS)
def test_the_last_steps_record_is_recomputed(config: TrainerConfig) -> None:
    trainer = Trainer(config)
    trainer.run(50)
    trainer.learning_rate = 0.3  # after the step: the record keeps the rate it was taken at
    record, recalled = trainer.last_step, round_trip(trainer).last_step
    assert record is not None
    assert recalled is not None
    assert recalled.step == record.step == 50
    assert recalled.sample.index == record.sample.index
    assert recalled.learning_rate == record.learning_rate
    for mine, theirs in zip(recalled.layers, record.layers, strict=True):
        np.testing.assert_array_equal(mine.weights_before, theirs.weights_before)
        np.testing.assert_array_equal(mine.delta, theirs.delta)
        np.testing.assert_array_equal(mine.weights, theirs.weights)


def test_a_fresh_trainer_has_no_last_step_after_decoding() -> None:
    assert round_trip(Trainer()).last_step is None


def test_history_changes_are_appended_until_thinned() -> None:
    history = History(capacity=4, interval=1)
    errors = Trainer().set_errors()
    history.record(0, errors)
    written = state_codec.mark(history)
    history.record(1, errors)
    mode, points = state_codec.history_change(history, written)
    assert (mode, len(points)) == ("append", 1)
    for step in (2, 3):  # the fourth point thins the curves: every other one goes
        history.record(step, errors)
    mode, points = state_codec.history_change(history, state_codec.mark(history))
    assert (mode, points) == ("append", [])
    history.record(4, errors)
    history.record(6, errors)
    assert state_codec.history_change(history, written)[0] == "replace"


def test_each_config_reads_back_as_its_own() -> None:
    # the configs' JSON is kept once serialized: equal configs share it, others never do
    configs = [
        *CONFIGS,
        TrainerConfig(learning_rate=0.2),
        TrainerConfig(dataset="xor", noise=0.1),
        *CONFIGS,
    ]
    for config in configs:
        assert state_codec.config_of(state_codec.encode(Trainer(config))) == (
            config,
            config.dataset,
        )
