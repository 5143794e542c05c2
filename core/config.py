"""A training run's configuration and its limits, checked in one place."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from core.activations import get_activation
from core.csv_data import is_upload_name
from core.datasets import load_dataset
from core.features import MAX_NOISE, RAW_FEATURES, check_features
from core.losses import get_loss
from core.sampling import Sampling

MAX_HIDDEN_LAYERS = 4
MAX_HIDDEN_UNITS = 64
MAX_WEIGHT_LIMIT = 100.0
MAX_LEARNING_RATE = 1e6
MAX_SEED = 2**63 - 1


class ConfigError(ValueError):
    """A configuration value out of its limits; ``field`` names it and the message says why."""

    def __init__(self, field_name: str, value: object, reason: str) -> None:
        super().__init__(f"{field_name}={value!r}: {reason}")
        self.field = field_name
        self.value = value
        self.reason = reason


def check_learning_rate(value: float) -> float:
    """A finite learning rate in ``(0, MAX_LEARNING_RATE]``, or ``ConfigError``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError("learning_rate", value, "must be a number")
    if not math.isfinite(value) or not 0 < value <= MAX_LEARNING_RATE:
        raise ConfigError(
            "learning_rate", value, f"must be a finite number in (0, {MAX_LEARNING_RATE:g}]"
        )
    return float(value)


def _check_cross_entropy_targets(dataset_name: str) -> None:
    """``ConfigError`` unless the data set's targets are probabilities cross-entropy can take."""
    for part in load_dataset(dataset_name).parts().values():
        target = part.target
        if target.size and not (target.min() >= 0.0 and target.max() <= 1.0):
            raise ConfigError(
                "loss", "cross_entropy", f"needs targets in [0, 1]; {dataset_name!r} has others"
            )
        if target.shape[1] > 1 and not np.allclose(target.sum(axis=1), 1.0, rtol=0, atol=1e-12):
            raise ConfigError(
                "loss",
                "cross_entropy",
                f"with several outputs needs target rows summing to 1; {dataset_name!r} has others",
            )


@dataclass(frozen=True)
class TrainerConfig:
    """What a training run is: data set, architecture, activation and the tutorial's settings.

    ``hidden`` lists hidden-layer sizes from input to output; ``()`` is the tutorial's net with one
    weight matrix between the input and the output layer. ``loss`` is ``squared_error`` (the
    tutorial's) or ``cross_entropy`` (see ``core.losses``), which needs targets in [0, 1] and,
    with several output units, target rows that sum to 1. ``dataset`` is a built-in set's name
    or an uploaded one's (``core.csv_data``; the trainer is then given the set). ``features`` and
    ``noise`` (in ``[0, MAX_NOISE]``) change a built-in 2-D set's inputs (``core.features``).
    """

    dataset: str = "iris"
    hidden: tuple[int, ...] = field(default=())
    activation: str = "tanh01"
    loss: str = "squared_error"
    learning_rate: float = 0.1
    max_weight: float = 0.5
    seed: int = 0
    sampling: Sampling = Sampling.RANDOM
    features: tuple[str, ...] = RAW_FEATURES
    noise: float = 0.0

    def __post_init__(self) -> None:
        noise = self.noise
        if isinstance(noise, bool) or not isinstance(noise, (int, float)):
            raise ConfigError("noise", noise, "must be a number")
        if not 0 <= noise <= MAX_NOISE:  # NaN fails too
            raise ConfigError("noise", noise, f"must be in [0, {MAX_NOISE:g}]")
        object.__setattr__(self, "noise", float(noise))
        if not isinstance(self.features, (tuple, list)) or not all(
            isinstance(f, str) for f in self.features
        ):
            raise ConfigError("features", self.features, "must be a list of feature names")
        object.__setattr__(self, "features", tuple(self.features))
        if not isinstance(self.dataset, str):
            raise ConfigError("dataset", self.dataset, "must be a data set's name")
        try:
            planar = load_dataset(self.dataset).features is not None
        except ValueError as e:
            if not is_upload_name(self.dataset):
                reason = f"{e}, or an uploaded set's name"
                raise ConfigError("dataset", self.dataset, reason) from None
            planar = False
        if planar:
            try:
                check_features(self.features)
            except ValueError as e:
                raise ConfigError("features", list(self.features), str(e)) from None
        elif self.features != RAW_FEATURES or self.noise:
            field_name = "features" if self.features != RAW_FEATURES else "noise"
            value = list(self.features) if field_name == "features" else self.noise
            reason = f"only the built-in 2-D sets take {field_name}, not {self.dataset!r}"
            raise ConfigError(field_name, value, reason)
        try:
            get_activation(self.activation)
        except ValueError as e:
            raise ConfigError("activation", self.activation, str(e)) from None
        try:
            get_loss(self.loss)
        except ValueError as e:
            raise ConfigError("loss", self.loss, str(e)) from None
        if self.loss == "cross_entropy" and not is_upload_name(self.dataset):
            # an uploaded set's targets are one-hot, 0/1 or scaled to [0, 1]: always fit
            _check_cross_entropy_targets(self.dataset)
        try:
            object.__setattr__(self, "sampling", Sampling(self.sampling))
        except ValueError:
            known = ", ".join(s.value for s in Sampling)
            raise ConfigError("sampling", self.sampling, f"must be one of {known}") from None
        hidden = tuple(self.hidden)
        if len(hidden) > MAX_HIDDEN_LAYERS:
            raise ConfigError("hidden", list(hidden), f"at most {MAX_HIDDEN_LAYERS} hidden layers")
        for size in hidden:
            if isinstance(size, bool) or not isinstance(size, int):
                raise ConfigError("hidden", list(hidden), "layer sizes must be integers")
            if not 1 <= size <= MAX_HIDDEN_UNITS:
                raise ConfigError(
                    "hidden", list(hidden), f"each layer needs 1 to {MAX_HIDDEN_UNITS} units"
                )
        object.__setattr__(self, "hidden", hidden)
        object.__setattr__(self, "learning_rate", check_learning_rate(self.learning_rate))
        mw = self.max_weight
        if isinstance(mw, bool) or not isinstance(mw, (int, float)) or not math.isfinite(mw):
            raise ConfigError("max_weight", mw, "must be a finite number")
        if not 0 <= mw <= MAX_WEIGHT_LIMIT:
            raise ConfigError("max_weight", mw, f"must be in [0, {MAX_WEIGHT_LIMIT:g}]")
        object.__setattr__(self, "max_weight", float(mw))
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise ConfigError("seed", self.seed, "must be an integer")
        if not 0 <= self.seed <= MAX_SEED:
            raise ConfigError("seed", self.seed, f"must be in [0, {MAX_SEED}]")
