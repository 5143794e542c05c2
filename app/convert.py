"""From the engine's objects to the API's schemas and back, with non-finite numbers as ``null``.

JSON has no NaN or Infinity; ``floats`` turns them into ``None`` so that no response ever holds
one (``json.dumps`` would fail on them, and a client's ``JSON.parse`` would too).
"""

from __future__ import annotations

import functools
import math
from itertools import chain
from typing import Any

import numpy as np
import orjson
from numpy.typing import NDArray

from app.schemas import (
    ActivationInfo,
    Curve,
    Curves,
    DatasetInfo,
    Regions,
    SessionConfig,
)
from app.sessions import Session
from core import Activation, Dataset, DecisionRegions, History, StepRecord, TrainerConfig

Nested = list[Any]


def number(x: float) -> float | None:
    """``x``, or ``None`` if it is NaN or infinite."""
    return x if math.isfinite(x) else None


def floats(a: NDArray[np.float64]) -> Nested:
    """The array (1-D or 2-D) as (nested) lists of floats, ``None`` for each non-finite entry."""
    nested: Nested = a.tolist()
    flat = nested if a.ndim == 1 else chain.from_iterable(nested)
    if all(map(math.isfinite, flat)):  # on lists: faster than NumPy for these small arrays
        return nested
    with_none = a.astype(object)
    with_none[~np.isfinite(a)] = None
    nested = with_none.tolist()
    return nested


def dataset_info(dataset: Dataset) -> DatasetInfo:
    return DatasetInfo(
        name=dataset.name,
        description=dataset.description,
        feature_names=list(dataset.feature_names),
        class_names=list(dataset.class_names),
        output_names=list(dataset.output_names),
        input_count=dataset.input_count,
        output_count=dataset.output_count,
        train_size=dataset.train.size,
        validation_size=dataset.validation.size,
        test_size=dataset.test.size,
    )


def activation_info(activation: Activation) -> ActivationInfo:
    return ActivationInfo(name=activation.name, description=activation.description)


def trainer_config(body: SessionConfig, base: TrainerConfig | None = None) -> TrainerConfig:
    """The engine's config from a request's: fields the request set replace those of ``base``
    (the engine's defaults when ``None``). Raises ``core.ConfigError`` for a bad value."""
    changes = body.model_dump(exclude_unset=True)
    if "hidden" in changes:
        changes["hidden"] = tuple(changes["hidden"])
    merged = {**_fields(base if base is not None else TrainerConfig()), **changes}
    return TrainerConfig(**merged)


@functools.lru_cache(maxsize=1024)  # a state's config: the same few configs, read often
def session_config(config: TrainerConfig) -> SessionConfig:
    return SessionConfig.model_validate(_fields(config) | {"hidden": list(config.hidden)})


@functools.lru_cache(maxsize=1024)
def _session_config_json(config: TrainerConfig) -> str:
    return session_config(config).model_dump_json()


def session_config_fields(config: TrainerConfig) -> dict[str, Any]:
    """``SessionConfig``'s fields as plain values (a fresh dict: callers may keep it)."""
    fields: dict[str, Any] = orjson.loads(_session_config_json(config))
    return fields


def _fields(config: TrainerConfig) -> dict[str, Any]:
    return {name: getattr(config, name) for name in TrainerConfig.__dataclass_fields__}


def state_fields(session: Session) -> dict[str, Any]:
    """The fields of ``SessionState`` (and of the responses built on it), read from the
    session's trainer, as plain values and NumPy arrays for ``app.responses.dumps``: call it
    holding the session's lock."""
    trainer = session.trainer
    errors = trainer.set_errors()
    return {
        "id": session.id,
        "config": session_config_fields(session.config),
        "step": trainer.step_count,
        "layers": [{"weights": w} for w in trainer.weights],
        "metrics": {
            name: {"error": e.error, "classification_error": e.classification_error}
            for name, e in errors.items()
        },
        "diverged": trainer.diverged,
    }


def step_trace(record: StepRecord) -> dict[str, Any]:
    """The fields of ``StepTrace``, as plain values and NumPy arrays (see ``state_fields``)."""
    sample = record.sample
    return {
        "step": record.step,
        "learning_rate": record.learning_rate,
        "sample": {
            "set": sample.set,
            "index": sample.index,
            "x": sample.x,
            "target": sample.target,
        },
        "layers": [layer._asdict() for layer in record.layers],
        "error": record.error,
        "loss": record.loss,
        "diverged": record.diverged,
    }


def curves(history: History) -> Curves:
    def curve(name: str) -> Curve:
        c = history.curves[name]
        return Curve(
            step=list(c.step),
            error=[number(e) for e in c.error],
            classification_error=list(c.classification_error),
        )

    return Curves(train=curve("train"), validation=curve("validation"), test=curve("test"))


def regions(r: DecisionRegions) -> Regions:
    return Regions(
        x1=r.x1.tolist(), x2=r.x2.tolist(), predicted=r.predicted.tolist(), output=floats(r.output)
    )
