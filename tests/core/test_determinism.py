"""Same config and seed, same weights, bit for bit, however the steps are split into calls."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import Sampling, Trainer, TrainerConfig


def _weights_after(config: TrainerConfig, chunks: list[int], record_last: bool) -> list[np.ndarray]:
    trainer = Trainer(config)
    for n in chunks:
        if n == 1 and record_last:
            trainer.step()
        else:
            trainer.run(n, record_last=record_last)
    assert trainer.step_count == sum(chunks)
    return [np.array(w) for w in trainer.weights]


CONFIGS = [
    TrainerConfig(),
    TrainerConfig(hidden=(5, 3), activation="sigmoid", sampling=Sampling.EPOCH, seed=3),
    TrainerConfig(dataset="spiral", hidden=(8,), activation="relu", sampling=Sampling.SEQUENTIAL),
]


@pytest.mark.parametrize("config", CONFIGS, ids=["tutorial", "deep-epoch", "spiral-sequential"])
def test_one_call_n_calls_and_recorded_steps_give_identical_weights(config: TrainerConfig) -> None:
    n = 600
    reference = _weights_after(config, [n], record_last=False)
    for chunks, record_last in [
        ([n], True),
        ([1] * n, True),
        ([1] * n, False),
        ([7, 1, 250, 1, 1, 340], True),
        ([299, 301], False),
    ]:
        weights = _weights_after(config, chunks, record_last)
        for got, want in zip(weights, reference, strict=True):
            assert np.array_equal(got, want), (chunks, record_last)


@settings(max_examples=25, deadline=None)
@given(chunks=st.lists(st.integers(1, 60), min_size=1, max_size=12), record=st.booleans())
def test_any_split_of_steps_gives_the_weights_of_one_call(chunks: list[int], record: bool) -> None:
    config = TrainerConfig(hidden=(3,), seed=11)
    reference = _weights_after(config, [sum(chunks)], record_last=False)
    for got, want in zip(_weights_after(config, chunks, record), reference, strict=True):
        assert np.array_equal(got, want)


def test_the_history_does_not_depend_on_how_steps_were_split() -> None:
    one, many = Trainer(), Trainer()
    one.run(1234)
    for _ in range(1234):
        many.step()
    assert one.history.curves == many.history.curves


def test_different_seeds_give_different_initial_weights() -> None:
    a, b = Trainer(TrainerConfig(seed=0)), Trainer(TrainerConfig(seed=1))
    assert not np.array_equal(a.weights[0], b.weights[0])
    assert np.array_equal(a.weights[0], Trainer(TrainerConfig(seed=0)).weights[0])


def test_initial_weights_are_uniform_within_max_weight() -> None:
    trainer = Trainer(TrainerConfig(hidden=(64, 64), max_weight=0.25))
    every = np.concatenate([w.ravel() for w in trainer.weights])
    assert every.min() >= -0.25
    assert every.max() <= 0.25
    assert every.min() < -0.24
    assert every.max() > 0.24  # 4,000+ draws fill the interval
    assert abs(every.mean()) < 0.01
