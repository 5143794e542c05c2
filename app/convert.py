"""From the engine's objects to the API's schemas and back.

The answers built from arrays (state, step, history, regions) are plain dicts holding NumPy
arrays, written by ``app.responses`` (orjson), which sends NaN and ±Infinity as ``null``: JSON
has neither, and a client's ``JSON.parse`` would fail on them.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from typing import Any

from app.schemas import (
    ActivationInfo,
    DatasetInfo,
    DatasetSamples,
    SampleSetData,
    SessionConfig,
)
from app.sessions import Session
from core import (
    Activation,
    Dataset,
    DecisionRegions,
    History,
    SampleSet,
    StepRecord,
    TrainerConfig,
    max_slope,
)


def dataset_info(dataset: Dataset) -> DatasetInfo:
    return DatasetInfo(
        name=dataset.name,
        description=dataset.description,
        task=dataset.task.value,
        plane=dataset.features is not None,
        feature_names=list(dataset.feature_names),
        class_names=list(dataset.class_names),
        output_names=list(dataset.output_names),
        input_count=dataset.input_count,
        output_count=dataset.output_count,
        train_size=dataset.train.size,
        validation_size=dataset.validation.size,
        test_size=dataset.test.size,
    )


def samples(dataset: Dataset) -> DatasetSamples:
    """The fields of ``DatasetSamples``: every sample as the net sees it."""

    def part(p: SampleSet) -> SampleSetData:
        plane = p.x if p.plane is None else p.plane
        return SampleSetData(
            x=p.x.tolist(),
            label=p.label.tolist(),
            target=p.target.tolist(),
            plane=plane.tolist() if dataset.features is not None else None,
        )

    return DatasetSamples(
        train=part(dataset.train), validation=part(dataset.validation), test=part(dataset.test)
    )


def activation_info(activation: Activation) -> ActivationInfo:
    return ActivationInfo(
        name=activation.name,
        description=activation.description,
        max_slope=max_slope(activation),
    )


def trainer_config(body: SessionConfig, base: TrainerConfig | None = None) -> TrainerConfig:
    """The engine's config from a request's: fields the request set replace those of ``base``
    (the engine's defaults when ``None``). Raises ``core.ConfigError`` for a bad value."""
    changes = body.model_dump(exclude_unset=True)
    for name in ("hidden", "features"):
        if name in changes:
            changes[name] = tuple(changes[name])
    return replace(base, **changes) if base is not None else TrainerConfig(**changes)


@functools.lru_cache(maxsize=1024)  # a state's config: the same few configs, read often
def session_config_fields(config: TrainerConfig) -> dict[str, Any]:
    """``SessionConfig``'s fields as plain JSON values (shared: read it, do not change it)."""
    fields = _fields(config) | {"hidden": list(config.hidden), "features": list(config.features)}
    return SessionConfig.model_validate(fields).model_dump(mode="json")


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
            name: {"error": e.error, "classification_error": e.classification_error, "loss": e.loss}
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
        "loss_after": record.loss_after,
        "diverged": record.diverged,
    }


def step_fields(session: Session, record: StepRecord) -> dict[str, Any]:
    """The fields of ``StepResponse``: the state after the steps, and the last one's record."""
    return {**state_fields(session), "trace": step_trace(record)}


def curves(history: History) -> dict[str, Any]:
    """The fields of ``Curves``: each set's errors against the step count."""
    return {
        name: {
            "step": c.step,
            "error": c.error,
            "classification_error": c.classification_error,
            "loss": c.loss,
        }
        for name, c in history.curves.items()
    }


def regions(r: DecisionRegions) -> dict[str, Any]:
    """The fields of ``Regions``."""
    return {"x1": r.x1, "x2": r.x2, "predicted": r.predicted, "output": r.output}
