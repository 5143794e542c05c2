"""The regression sets plane and gauss: generated from a fixed seed, targets scaled to [0, 1],
split in order, no classification error; the net's error falls on them."""

from __future__ import annotations

import math

import numpy as np

from core import Trainer, TrainerConfig, load_dataset
from core.datasets import Task
from core.snapshot import restore_snapshot, take_snapshot


def test_plane_is_x1_plus_x2_scaled() -> None:
    plane = load_dataset("plane")
    assert plane.task is Task.REGRESSION
    assert (plane.train.size, plane.validation.size, plane.test.size) == (100, 50, 50)
    every = np.concatenate([p.x for p in plane.parts().values()])
    target = np.concatenate([p.target for p in plane.parts().values()])[:, 0]
    # each feature is scaled by its own range (nearly [-1, 1]), so the scaled target is nearly,
    # not exactly, the scaled sum of the scaled features
    scaled_sum = every[:, 0] + every[:, 1]
    expected = (scaled_sum - scaled_sum.min()) / (scaled_sum.max() - scaled_sum.min())
    np.testing.assert_allclose(target, expected, atol=0.02)
    assert target.min() == 0.0
    assert target.max() == 1.0
    np.testing.assert_array_equal(plane.train.label, 0)


def test_gauss_is_generated_the_same_everywhere() -> None:
    gauss = load_dataset("gauss")
    assert gauss.task is Task.REGRESSION
    assert gauss.output_count == 1
    assert gauss.train.x.shape == (100, 2)
    assert gauss.train.target.min() >= 0.0
    assert gauss.train.target.max() <= 1.0


def test_regression_has_no_classification_error() -> None:
    trainer = Trainer(TrainerConfig(dataset="gauss"))
    trainer.run(20, record_last=False)
    for errors in trainer.set_errors().values():
        assert math.isnan(errors.classification_error)
        assert errors.error > 0
    restored = restore_snapshot(take_snapshot(trainer))
    assert math.isnan(restored.history.curves["test"].classification_error[-1])


def test_the_net_error_on_plane_falls_below_a_measured_threshold() -> None:
    # measured for seeds 0-2: from 0.04-0.09 at the start to about 0.0004 after 10,000 steps
    trainer = Trainer(TrainerConfig(dataset="plane"))
    assert trainer.set_errors()["test"].error > 0.03
    trainer.run(10_000, record_last=False)
    assert trainer.set_errors()["test"].error < 0.001
