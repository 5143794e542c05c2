"""Decision regions: the class predicted over the plane, for two-feature data sets only."""

from __future__ import annotations

import numpy as np
import pytest

from core import Trainer, TrainerConfig, decision_regions
from core.metrics import predicted_class


def test_regions_predict_each_grid_point_as_the_net_does() -> None:
    trainer = Trainer(TrainerConfig(dataset="blobs", hidden=(4,)))
    trainer.run(500)
    regions = decision_regions(trainer, resolution=7)
    assert regions.predicted.shape == regions.output.shape == (7, 7)
    assert regions.x1[0] < 0 < 1 < regions.x1[-1]
    for i, j in [(0, 0), (3, 5), (6, 2)]:
        point = np.array([[regions.x1[j], regions.x2[i]]])
        assert regions.predicted[i, j] == predicted_class(trainer.outputs(point))[0]


def test_trained_xor_net_carves_the_plane_into_xor() -> None:
    trainer = Trainer(TrainerConfig(dataset="xor", hidden=(3,), learning_rate=0.5, seed=1))
    trainer.run(20_000)
    regions = decision_regions(trainer, resolution=12)
    corner = {(0, 0): 0, (0, -1): 1, (-1, 0): 1, (-1, -1): 0}
    for (i, j), cls in corner.items():
        assert regions.predicted[i, j] == cls


def test_regions_refuse_other_than_two_features_and_bad_resolutions() -> None:
    with pytest.raises(ValueError, match="4 features; decision regions need exactly 2"):
        decision_regions(Trainer())
    with pytest.raises(ValueError, match="resolution=1"):
        decision_regions(Trainer(TrainerConfig(dataset="xor")), resolution=1)
