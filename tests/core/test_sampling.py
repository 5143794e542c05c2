"""The three sampling orders: random with replacement, a permutation per epoch, in sequence."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from core import Sampling, Trainer, TrainerConfig
from core.sampling import Sampler


def _indices(sampling: Sampling, n: int, size: int = 10, seed: int = 0) -> list[int]:
    sampler = Sampler(sampling, size, np.random.default_rng(seed))
    return [sampler.next_index() for _ in range(n)]


def test_sequential_goes_round_in_order() -> None:
    assert _indices(Sampling.SEQUENTIAL, 25) == [*range(10), *range(10), *range(5)]


def test_epoch_visits_every_sample_once_per_pass_in_a_new_order() -> None:
    drawn = _indices(Sampling.EPOCH, 30)
    passes = [drawn[:10], drawn[10:20], drawn[20:]]
    for p in passes:
        assert sorted(p) == list(range(10))
    assert passes[0] != passes[1] or passes[1] != passes[2]


def test_random_draws_with_replacement_roughly_uniformly() -> None:
    drawn = _indices(Sampling.RANDOM, 20_000)
    counts = Counter(drawn)
    assert set(counts) == set(range(10))
    assert max(counts.values()) < 2_300
    assert min(counts.values()) > 1_700
    assert len(set(drawn[:10])) < 10 or len(set(drawn[10:20])) < 10  # repeats happen


def test_trainer_steps_use_the_samplers_indices() -> None:
    trainer = Trainer(TrainerConfig(sampling=Sampling.SEQUENTIAL))
    assert [trainer.step().sample.index for _ in range(77)] == [*range(75), 0, 1]


def test_empty_set_cannot_be_sampled() -> None:
    with pytest.raises(ValueError, match="empty set"):
        Sampler(Sampling.RANDOM, 0, np.random.default_rng(0))
