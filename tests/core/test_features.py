"""Engineered features and noise for the 2-D sets: the functions worked by hand, the default
the set as it is, and the lesson: with x1*x2 as an input, the net without a hidden layer learns
xor."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core import ConfigError, Trainer, TrainerConfig, decision_regions, load_dataset
from core.datasets import planar_names
from core.features import FEATURES, engineer
from core.snapshot import restore_snapshot, take_snapshot


def test_each_feature_worked_by_hand() -> None:
    # (0.75, 0.25) is (π/2, -π/2) on the plane [-π, π]²
    point = np.array([[0.75, 0.25]])
    values = engineer(point, FEATURES)[0]
    expected = {
        "x1": 0.75,
        "x2": 0.25,
        "x1^2": (math.pi / 2) ** 2 / math.pi**2,  # 0.25
        "x2^2": 0.25,
        "x1*x2": (-(math.pi**2) / 4 + math.pi**2) / (2 * math.pi**2),  # 0.375
        "sin(x1)": (1 + 1) / 2,
        "sin(x2)": (-1 + 1) / 2,
    }
    np.testing.assert_allclose(values, [expected[f] for f in FEATURES], atol=1e-15)


def test_features_of_the_unit_square_stay_in_zero_to_one() -> None:
    axis = np.linspace(0.0, 1.0, 41)
    grid = np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2)
    values = engineer(grid, FEATURES)
    assert values.min() >= 0.0
    assert values.max() <= 1.0 + 1e-15


@pytest.mark.parametrize("name", ["and", "xor", "blobs", "circle", "spiral", "plane", "gauss"])
def test_the_default_features_and_no_noise_are_the_set_as_it_is(name: str) -> None:
    assert load_dataset(name, ("x1", "x2"), 0.0) is load_dataset(name)
    trainer = Trainer(TrainerConfig(dataset=name))
    assert trainer.dataset is load_dataset(name)


def test_chosen_features_are_the_inputs_and_their_names() -> None:
    xor = load_dataset("xor", ("x1", "x2", "x1*x2"))
    assert xor.feature_names == ("x1", "x2", "x1*x2")
    np.testing.assert_array_equal(xor.train.x[:, :2], load_dataset("xor").train.x)
    # the corners (0,0), (0,1), (1,0), (1,1) are (±π, ±π): the product π² or -π²
    np.testing.assert_array_equal(xor.train.x[:, 2], [1.0, 0.0, 0.0, 1.0])
    np.testing.assert_array_equal(xor.train.plane, load_dataset("xor").train.x)


def test_noise_moves_the_points_the_same_way_every_time() -> None:
    blobs = load_dataset("blobs")
    noisy = load_dataset("blobs", noise=0.2)
    assert load_dataset("blobs", noise=0.2).train.x.tolist() == noisy.train.x.tolist()
    assert not np.array_equal(noisy.train.x, blobs.train.x)
    every = np.concatenate([p.x for p in noisy.parts().values()])
    np.testing.assert_array_equal(every.min(axis=0), 0.0)
    np.testing.assert_array_equal(every.max(axis=0), 1.0)
    for part in ("train", "validation", "test"):
        np.testing.assert_array_equal(noisy.part(part).label, blobs.part(part).label)
    moved = np.abs(noisy.train.x - blobs.train.x).mean()
    assert moved < np.abs(load_dataset("blobs", noise=0.5).train.x - blobs.train.x).mean()


def test_the_config_refuses_bad_features_and_noise() -> None:
    with pytest.raises(ConfigError, match=r"features=\['x3'\]: unknown feature 'x3'"):
        TrainerConfig(dataset="xor", features=("x3",))
    with pytest.raises(ConfigError, match="features=\\[\\]: at least one feature"):
        TrainerConfig(dataset="xor", features=())
    with pytest.raises(ConfigError, match="each feature at most once"):
        TrainerConfig(dataset="xor", features=("x1", "x1"))
    with pytest.raises(ConfigError, match="only the built-in 2-D sets take features, not 'iris'"):
        TrainerConfig(dataset="iris", features=("x1",))
    with pytest.raises(ConfigError, match=r"noise=0.6: must be in \[0, 0.5\]"):
        TrainerConfig(dataset="xor", noise=0.6)
    with pytest.raises(ConfigError, match="noise=nan"):
        TrainerConfig(dataset="xor", noise=math.nan)
    with pytest.raises(ConfigError, match="only the built-in 2-D sets take noise"):
        TrainerConfig(dataset="iris", noise=0.1)
    assert set(planar_names()) == {
        "and",
        "or",
        "xor",
        "blobs",
        "circle",
        "spiral",
        "plane",
        "gauss",
    }


def test_xor_with_the_product_as_an_input_needs_no_hidden_layer() -> None:
    config = TrainerConfig(dataset="xor", features=("x1", "x2", "x1*x2"), learning_rate=0.5)
    trainer = Trainer(config)
    trainer.run(2_000, record_last=False)
    errors = trainer.set_errors()["train"]
    assert errors.classification_error == 0.0
    assert errors.error < 0.01
    assert len(trainer.weights) == 1  # one weight matrix: the tutorial's net


def test_regions_are_drawn_over_the_plane_through_the_features() -> None:
    config = TrainerConfig(dataset="xor", features=("x1*x2", "sin(x1)"), hidden=(3,), seed=2)
    trainer = Trainer(config)
    trainer.run(300, record_last=False)
    regions = decision_regions(trainer, 13)  # the grid -0.1, 0.0, ..., 1.1 holds the corners
    corners = {(0.0, 0.0): 0, (0.0, 1.0): 1, (1.0, 0.0): 2, (1.0, 1.0): 3}
    outputs = trainer.outputs(trainer.dataset.train.x)[:, 0]
    for (x1, x2), sample in corners.items():
        i, j = round((x2 + 0.1) * 10), round((x1 + 0.1) * 10)
        assert regions.output[i, j] == pytest.approx(outputs[sample], abs=1e-12)


def test_a_snapshot_keeps_the_features_and_the_noise() -> None:
    config = TrainerConfig(dataset="circle", features=("x1^2", "x2^2"), noise=0.3, seed=9)
    trainer = Trainer(config)
    trainer.run(250, record_last=False)
    restored = restore_snapshot(take_snapshot(trainer))
    assert restored.config == config
    trainer.run(100, record_last=False)
    restored.run(100, record_last=False)
    assert [w.tolist() for w in restored.weights] == [w.tolist() for w in trainer.weights]
