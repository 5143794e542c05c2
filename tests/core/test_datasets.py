"""The shipped data sets: iris's fixed split and scaling, the gates, the generated 2-D sets."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from core import SET_NAMES, dataset_names, load_dataset
from core.datasets import DATA_DIR, split_by_class


def test_iris_split_is_75_39_36_by_position_within_each_class() -> None:
    iris = load_dataset("iris")
    assert (iris.train.size, iris.validation.size, iris.test.size) == (75, 39, 36)
    with (DATA_DIR / "iris.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 150
    # within each class (50 in a row, UCI order), i mod 4: 1 -> validation, 3 -> test
    raw = np.array([[float(r[k]) for k in list(r)[:4]] for r in rows])
    scaled = (raw - raw.min(axis=0)) / (raw.max(axis=0) - raw.min(axis=0))
    expected: dict[str, list[int]] = {"train": [], "validation": [], "test": []}
    for n in range(150):
        i = n % 50
        part = "validation" if i % 4 == 1 else "test" if i % 4 == 3 else "train"
        expected[part].append(n)
    for part in SET_NAMES:
        np.testing.assert_allclose(iris.part(part).x, scaled[expected[part]], rtol=1e-15)
        np.testing.assert_array_equal(iris.part(part).label, [n // 50 for n in expected[part]])


def test_iris_targets_are_one_hot_and_features_span_zero_to_one() -> None:
    iris = load_dataset("iris")
    assert iris.feature_names == ("sepal length", "sepal width", "petal length", "petal width")
    assert iris.class_names == ("setosa", "versicolor", "virginica")
    every_x = np.concatenate([p.x for p in iris.parts().values()])
    np.testing.assert_array_equal(every_x.min(axis=0), 0.0)
    np.testing.assert_array_equal(every_x.max(axis=0), 1.0)
    for part in iris.parts().values():
        np.testing.assert_array_equal(part.target, np.eye(3)[part.label])
    # the first training sample is the first iris, 5.1 3.5 1.4 0.2 setosa
    np.testing.assert_allclose(iris.train.x[0], [0.8 / 3.6, 1.5 / 2.4, 0.4 / 5.9, 0.1 / 2.4])


def test_split_by_class_follows_the_mod_four_rule_per_class() -> None:
    label = np.array([0, 1, 0, 1, 0, 1, 0, 1, 0])
    parts = split_by_class(label)
    # class 0 at 0, 2, 4, 6, 8 has ranks 0..4; class 1 at 1, 3, 5, 7 has ranks 0..3
    assert parts["train"].tolist() == [0, 1, 4, 5, 8]
    assert parts["validation"].tolist() == [2, 3]
    assert parts["test"].tolist() == [6, 7]


@pytest.mark.parametrize(
    ("name", "truth"), [("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1]), ("xor", [0, 1, 1, 0])]
)
def test_logic_gates_have_four_points_in_every_set(name: str, truth: list[int]) -> None:
    gate = load_dataset(name)
    for part in gate.parts().values():
        np.testing.assert_array_equal(part.x, [[0, 0], [0, 1], [1, 0], [1, 1]])
        np.testing.assert_array_equal(part.target[:, 0], truth)
        np.testing.assert_array_equal(part.label, truth)
    assert gate.output_count == 1
    assert gate.input_count == 2


@pytest.mark.parametrize("name", ["blobs", "circle", "spiral"])
def test_generated_sets_are_two_dimensional_scaled_and_the_same_every_time(name: str) -> None:
    data = load_dataset(name)
    assert data.input_count == 2
    every_x = np.concatenate([p.x for p in data.parts().values()])
    assert every_x.min() == 0.0
    assert every_x.max() == 1.0
    assert sum(p.size for p in data.parts().values()) >= 200
    assert len(data.class_names) >= 2
    assert data.output_count == (1 if len(data.class_names) == 2 else len(data.class_names))
    for part in data.parts().values():  # every class is in every part
        assert set(part.label.tolist()) == set(range(len(data.class_names)))


def test_every_dataset_has_names_for_features_classes_and_outputs() -> None:
    assert set(dataset_names()) >= {"iris", "and", "or", "xor", "blobs", "circle", "spiral"}
    for name in dataset_names():
        data = load_dataset(name)
        assert len(data.feature_names) == data.train.x.shape[1]
        assert len(data.output_names) == data.train.target.shape[1]
        assert all(data.feature_names)
        assert all(data.class_names)
        assert data.description


def test_dataset_arrays_are_read_only() -> None:
    with pytest.raises(ValueError, match="read-only"):
        load_dataset("iris").train.x[0, 0] = 5.0


def test_unknown_dataset_and_part_name_the_known_ones() -> None:
    with pytest.raises(ValueError, match="unknown dataset 'mnist'; known: iris"):
        load_dataset("mnist")
    with pytest.raises(ValueError, match="unknown set 'dev'"):
        load_dataset("iris").part("dev")
