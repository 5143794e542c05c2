"""The data sets shipped with the engine: iris, the logic gates, generated 2-D sets for
classification and for regression, and their variants with engineered features and noise.

Every set is split into ``train`` / ``validation`` / ``test`` parts, as the tutorial trains on one
and watches the error of all three. Features are min-max scaled to ``[0, 1]`` over the whole set
(a constant feature becomes 0 everywhere). For classification, targets are one-hot rows of shape
``(class_count,)`` when there are more than two classes, and a single unit ``(1,)`` holding 0 or 1
when there are two (the logic gates' convention); the split is within each class (see
``split_by_class``). For regression, the target is one unit scaled to ``[0, 1]`` over the whole
set, the split is in the samples' order (``split_in_order``) and every ``label`` is 0.
"""

from __future__ import annotations

import csv
import enum
import functools
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from core.features import RAW_FEATURES, check_features, engineer, jitter

if TYPE_CHECKING:
    from core.csv_data import CsvSource

Array = NDArray[np.float64]

SET_NAMES = ("train", "validation", "test")
DATA_DIR = Path(__file__).parent / "data"
GENERATED_SEED = 20_161_205  # fixed, so a generated set is the same everywhere
NOISE_SEED = 20_170_414  # fixed, so a set with noise is the same everywhere


class Task(enum.StrEnum):
    CLASSIFICATION = "classification"  # a class per sample; targets one-hot (or 0/1)
    REGRESSION = "regression"  # a number per sample; the target scaled to [0, 1]


@dataclass(frozen=True)
class SampleSet:
    """Samples of one part of a data set: ``x`` (m, n_features), ``target`` (m, n_outputs),
    ``label`` (m,) the class index of each sample."""

    x: Array
    target: Array
    label: NDArray[np.int64]
    plane: Array | None = None  # the points (m, 2) behind engineered features, else None

    @property
    def size(self) -> int:
        return int(self.x.shape[0])


@dataclass(frozen=True)
class Dataset:
    """A named data set with its three parts and the names the page labels plots with.

    ``features`` is set for the built-in 2-D sets: which functions of the plane's points
    ``(x1, x2)`` the inputs are (``core.features``; ``("x1", "x2")``: the points themselves).
    ``source`` is set for an uploaded set: the CSV it was read from.
    """

    name: str
    description: str
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...]
    output_names: tuple[str, ...]
    train: SampleSet
    validation: SampleSet
    test: SampleSet
    task: Task = Task.CLASSIFICATION
    features: tuple[str, ...] | None = None
    source: CsvSource | None = None

    @property
    def input_count(self) -> int:
        return len(self.feature_names)

    @property
    def output_count(self) -> int:
        return len(self.output_names)

    def part(self, set_name: str) -> SampleSet:
        """The part called ``train``, ``validation`` or ``test``."""
        if set_name not in SET_NAMES:
            raise ValueError(f"unknown set {set_name!r}; known: {', '.join(SET_NAMES)}")
        part: SampleSet = getattr(self, set_name)
        return part

    def parts(self) -> dict[str, SampleSet]:
        return {name: self.part(name) for name in SET_NAMES}


def _frozen(a: NDArray[np.generic]) -> NDArray[np.generic]:
    a = np.ascontiguousarray(a)
    a.flags.writeable = False
    return a


def _sample_set(
    x: Array, target: Array, label: NDArray[np.int64], plane: Array | None = None
) -> SampleSet:
    return SampleSet(
        x=_frozen(x.astype(np.float64)),  # type: ignore[arg-type]
        target=_frozen(target.astype(np.float64)),  # type: ignore[arg-type]
        label=_frozen(label.astype(np.int64)),  # type: ignore[arg-type]
        plane=None if plane is None else _frozen(plane.astype(np.float64)),  # type: ignore[arg-type]
    )


def min_max_scale(x: Array) -> Array:
    low, high = x.min(axis=0), x.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    scaled: Array = (x - low) / span
    return scaled


def _targets(label: NDArray[np.int64], class_count: int) -> Array:
    if class_count == 2:
        return label.reshape(-1, 1).astype(np.float64)
    return np.eye(class_count)[label]


def split_by_class(label: NDArray[np.int64]) -> dict[str, NDArray[np.int64]]:
    """Indices of each part: within each class, the i-th sample (from 0) goes to validation when
    ``i mod 4 == 1``, to test when ``i mod 4 == 3``, and to training otherwise."""
    rank = np.zeros(label.shape[0], dtype=np.int64)
    for c in np.unique(label):
        members = np.flatnonzero(label == c)
        rank[members] = np.arange(members.shape[0])
    phase = rank % 4
    return {
        "train": np.flatnonzero((phase == 0) | (phase == 2)),
        "validation": np.flatnonzero(phase == 1),
        "test": np.flatnonzero(phase == 3),
    }


def split_in_order(size: int) -> dict[str, NDArray[np.int64]]:
    """Indices of each part of ``size`` samples by their position ``i``: validation when
    ``i mod 4 == 1``, test when ``i mod 4 == 3``, training otherwise."""
    phase = np.arange(size) % 4
    return {
        "train": np.flatnonzero((phase == 0) | (phase == 2)),
        "validation": np.flatnonzero(phase == 1),
        "test": np.flatnonzero(phase == 3),
    }


def classification_dataset(
    name: str,
    description: str,
    x: Array,
    label: NDArray[np.int64],
    feature_names: tuple[str, ...],
    class_names: tuple[str, ...],
    output_names: tuple[str, ...],
    *,
    features: tuple[str, ...] | None = None,
    source: CsvSource | None = None,
) -> Dataset:
    """A classification set from raw features ``x`` ``(m, n)`` and class indices ``label``
    ``(m,)``: features scaled, targets made, split within each class."""
    x = min_max_scale(x)
    target = _targets(label, len(class_names))
    parts = {
        part: _sample_set(x[idx], target[idx], label[idx])
        for part, idx in split_by_class(label).items()
    }
    return Dataset(
        name,
        description,
        feature_names,
        class_names,
        output_names,
        parts["train"],
        parts["validation"],
        parts["test"],
        features=features,
        source=source,
    )


def regression_dataset(
    name: str,
    description: str,
    x: Array,
    value: Array,
    feature_names: tuple[str, ...],
    output_name: str,
    *,
    features: tuple[str, ...] | None = None,
    source: CsvSource | None = None,
) -> Dataset:
    """A regression set from raw features ``x`` ``(m, n)`` and values ``value`` ``(m,)``: both
    scaled to ``[0, 1]`` over the whole set, split in order, every label 0."""
    x = min_max_scale(x)
    target = min_max_scale(value.reshape(-1, 1))
    label = np.zeros(x.shape[0], dtype=np.int64)
    parts = {
        part: _sample_set(x[idx], target[idx], label[idx])
        for part, idx in split_in_order(x.shape[0]).items()
    }
    return Dataset(
        name,
        description,
        feature_names,
        (),
        (output_name,),
        parts["train"],
        parts["validation"],
        parts["test"],
        task=Task.REGRESSION,
        features=features,
        source=source,
    )


def _iris() -> Dataset:
    with (DATA_DIR / "iris.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    feature_keys = ("sepal_length", "sepal_width", "petal_length", "petal_width")
    class_names = ("setosa", "versicolor", "virginica")
    x = np.array([[float(r[k]) for k in feature_keys] for r in rows])
    label = np.array([class_names.index(r["species"]) for r in rows], dtype=np.int64)
    return classification_dataset(
        "iris",
        "Fisher's 150 iris flowers (UCI order): 4 measurements, 3 species",
        x,
        label,
        ("sepal length", "sepal width", "petal length", "petal width"),
        class_names,
        class_names,
    )


def _logic_gate(name: str, truth: tuple[int, int, int, int]) -> Dataset:
    x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    label = np.array(truth, dtype=np.int64)
    same = _sample_set(x, label.reshape(-1, 1).astype(np.float64), label)
    learnable = "learnable" if name != "xor" else "not linearly separable: needs a hidden layer"
    return Dataset(
        name,
        f"{name.upper()} of two bits: 4 points ({learnable}); all three sets are the same 4 points",
        ("a", "b"),
        ("0", "1"),
        (f"a {name} b",),
        same,
        same,
        same,
        features=RAW_FEATURES,
    )


def _blobs(rng: np.random.Generator) -> Dataset:
    centres = np.array([[-2.0, -1.0], [2.0, -1.0], [0.0, 2.2]])
    per_class = 80
    x = np.concatenate([c + rng.normal(0.0, 0.9, size=(per_class, 2)) for c in centres])
    label = np.repeat(np.arange(3), per_class)
    names = ("red", "green", "blue")
    return classification_dataset(
        "blobs",
        "three overlapping Gaussian blobs in the plane (240 points)",
        x,
        label,
        ("x₁", "x₂"),
        names,
        names,
        features=RAW_FEATURES,
    )


def _circle(rng: np.random.Generator) -> Dataset:
    per_class = 100
    radius = np.concatenate([rng.uniform(0.0, 2.0, per_class), rng.uniform(3.0, 5.0, per_class)])
    angle = rng.uniform(0.0, 2.0 * np.pi, 2 * per_class)
    x = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    x += rng.normal(0.0, 0.2, size=x.shape)
    label = np.repeat(np.array([1, 0]), per_class)  # class 1 inside, class 0 outside
    return classification_dataset(
        "circle",
        "a disc inside a ring (200 points): needs a hidden layer",
        x,
        label,
        ("x₁", "x₂"),
        ("outside", "inside"),
        ("inside",),
        features=RAW_FEATURES,
    )


def _spiral(rng: np.random.Generator) -> Dataset:
    per_class = 100
    xs, labels = [], []
    for c in (0, 1):
        t = np.linspace(0.0, 1.0, per_class)
        r = 5.0 * t
        angle = 1.75 * t * 2.0 * np.pi + c * np.pi
        arm = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
        xs.append(arm + rng.normal(0.0, 0.15, size=arm.shape))
        labels.append(np.full(per_class, c))
    return classification_dataset(
        "spiral",
        "two interleaved spiral arms (200 points): needs deeper layers",
        np.concatenate(xs),
        np.concatenate(labels).astype(np.int64),
        ("x₁", "x₂"),
        ("arm A", "arm B"),
        ("arm B",),
        features=RAW_FEATURES,
    )


def _plane(rng: np.random.Generator) -> Dataset:
    x = rng.uniform(-1.0, 1.0, size=(200, 2))
    return regression_dataset(
        "plane",
        "regression: a tilted plane, x₁ + x₂ at 200 random points",
        x,
        x[:, 0] + x[:, 1],
        ("x₁", "x₂"),
        "x₁ + x₂",
        features=RAW_FEATURES,
    )


def _gauss(rng: np.random.Generator) -> Dataset:
    x = rng.uniform(-1.0, 1.0, size=(200, 2))
    bumps = ((-0.5, -0.5, 1.0), (0.5, 0.5, 1.0), (-0.5, 0.5, -1.0), (0.5, -0.5, -1.0))
    value = sum(
        sign * np.exp(-((x[:, 0] - c1) ** 2 + (x[:, 1] - c2) ** 2) / (2 * 0.3**2))
        for c1, c2, sign in bumps
    )
    return regression_dataset(
        "gauss",
        "regression: two Gaussian bumps and two dips at 200 random points: needs a hidden layer",
        x,
        np.asarray(value),
        ("x₁", "x₂"),
        "height",
        features=RAW_FEATURES,
    )


@functools.cache
def _all() -> dict[str, Dataset]:
    rng = np.random.default_rng(GENERATED_SEED)
    sets = [
        _iris(),
        _logic_gate("and", (0, 0, 0, 1)),
        _logic_gate("or", (0, 1, 1, 1)),
        _logic_gate("xor", (0, 1, 1, 0)),
        _blobs(rng),
        _circle(rng),
        _spiral(rng),
        _plane(rng),
        _gauss(rng),
    ]
    return {d.name: d for d in sets}


def dataset_names() -> list[str]:
    return list(_all())


def planar_names() -> list[str]:
    """The built-in 2-D sets: those that take engineered ``features`` and ``noise``."""
    return [name for name, d in _all().items() if d.features is not None]


def load_dataset(
    name: str, features: tuple[str, ...] = RAW_FEATURES, noise: float = 0.0
) -> Dataset:
    """The built-in data set called ``name``, for a 2-D set with the inputs ``features`` and
    its points moved by ``noise`` (``core.features``); ``ValueError`` naming the known sets, or
    saying why the features or the noise do not fit."""
    try:
        dataset = _all()[name]
    except KeyError:
        known = ", ".join(_all())
        raise ValueError(f"unknown dataset {name!r}; known: {known}") from None
    if dataset.features is None:
        if tuple(features) != RAW_FEATURES or noise:
            raise ValueError(f"dataset {name!r} is not 2-D: it takes no features or noise")
        return dataset
    return _planar(name, check_features(tuple(features)), float(noise))


@functools.lru_cache(maxsize=64)  # a few variants in use at once; each is small
def _planar(name: str, features: tuple[str, ...], noise: float) -> Dataset:
    """A 2-D set with its points moved by ``noise``, and its inputs the ``features`` of them."""
    dataset = _all()[name]
    if features == RAW_FEATURES and noise == 0:
        return dataset
    parts = dataset.parts()
    rng = np.random.default_rng(NOISE_SEED)
    if parts["train"] is parts["test"]:  # the logic gates: one set of points, three times
        moved = dict.fromkeys(SET_NAMES, jitter(dataset.train.x, noise, rng))
    else:
        every = jitter(np.concatenate([p.x for p in parts.values()]), noise, rng)
        ends = np.cumsum([p.size for p in parts.values()])[:-1]
        moved = dict(zip(SET_NAMES, np.split(every, ends), strict=True))
    new = {
        part: _sample_set(engineer(moved[part], features), p.target, p.label, moved[part])
        for part, p in parts.items()
    }
    if parts["train"] is parts["test"]:
        new = dict.fromkeys(SET_NAMES, new["train"])
    names = dataset.feature_names if features == RAW_FEATURES else features
    return replace(
        dataset,
        feature_names=names,
        features=features,
        train=new["train"],
        validation=new["validation"],
        test=new["test"],
    )
