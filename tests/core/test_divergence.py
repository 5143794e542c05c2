"""A step that would make a weight non-finite stops training, and the record says so."""

from __future__ import annotations

import numpy as np
import pytest

from core import DivergedError, Trainer, TrainerConfig

EXPLOSIVE = TrainerConfig(activation="linear", hidden=(8, 8), learning_rate=1e5, seed=2)
# diverges at step 254, between two history points (every 10 steps): the fast path's checks
# happen at 250 and 260, and it must find step 254 by replaying from 250
SLOW_BURN = TrainerConfig(activation="linear", learning_rate=10.0)


def _diverging_step_recorded(config: TrainerConfig) -> int:
    trainer = Trainer(config)
    for _ in range(10_000):
        record = trainer.step()
        if record.diverged:
            return record.step
    raise AssertionError("did not diverge")


def test_huge_learning_rate_diverges_and_keeps_the_last_finite_weights() -> None:
    trainer = Trainer(EXPLOSIVE)
    record = trainer.run(10_000)
    assert record is not None
    assert record.diverged
    assert trainer.diverged
    assert trainer.step_count == record.step < 10_000
    for layer in record.layers:  # the offending update was not applied
        np.testing.assert_array_equal(layer.weights, layer.weights_before)
    assert all(np.all(np.isfinite(w)) for w in trainer.weights)
    assert not all(np.all(np.isfinite(layer.weight_update)) for layer in record.layers)
    np.testing.assert_array_equal(trainer.weights[0], record.layers[0].weights)


@pytest.mark.parametrize("chunk", [10_000, 97, 3])
@pytest.mark.parametrize("record_last", [True, False])
@pytest.mark.parametrize("config", [EXPLOSIVE, SLOW_BURN], ids=["explosive", "slow-burn"])
def test_fast_and_recorded_paths_diverge_at_the_same_step(
    config: TrainerConfig, record_last: bool, chunk: int
) -> None:
    trainer = Trainer(config)
    record = None
    while not trainer.diverged:
        record = trainer.run(chunk, record_last=record_last)
    assert record is not None  # a diverging step is always recorded
    assert record.diverged
    assert record.step == trainer.step_count == _diverging_step_recorded(config)
    if config is SLOW_BURN:
        assert record.step == 254


def test_diverged_net_refuses_to_train_until_reset() -> None:
    trainer = Trainer(EXPLOSIVE)
    trainer.run(10_000)
    steps = trainer.step_count
    with pytest.raises(DivergedError, match="reset"):
        trainer.run(1)
    with pytest.raises(DivergedError):
        trainer.step()
    assert trainer.step_count == steps
    assert not Trainer(EXPLOSIVE).diverged


def test_history_holds_only_finite_errors_after_divergence() -> None:
    trainer = Trainer(EXPLOSIVE)
    trainer.run(10_000)
    for curve in trainer.history.curves.values():
        assert all(np.isfinite(curve.error))
        assert all(s <= trainer.step_count for s in curve.step)


def test_sane_learning_rates_never_diverge_on_iris() -> None:
    trainer = Trainer(TrainerConfig(learning_rate=1.0))
    trainer.run(5_000)
    assert not trainer.diverged
