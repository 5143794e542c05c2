"""A session's compact state for a shared store, written at every change, and its learning
curves as points, appended only when new ones are recorded.

The state is what ``core.Trainer.state`` holds but the history (config, learning rate, step
count, diverged, weights, the generator's state, the sampler's queue and position), and what
recomputes the last step's record (its sample, the weights before it), as orjson:
a snapshot (``core.snapshot``) with its history is far larger and slower to write, and is what
a user downloads, not what a store needs at every step. Floats go through orjson's shortest
round-tripping form, so a decoded trainer goes on bit for bit.
"""

from __future__ import annotations

import functools
import math
from typing import Any, NamedTuple

import numpy as np
import orjson

from core import Dataset, Trainer, TrainerConfig
from core.datasets import SET_NAMES
from core.history import Curve, History
from core.sampling import Sampling
from core.snapshot import config_document, ints_to_strings, strings_to_ints
from core.state import TrainerState

_NON_FINITE = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}


class HistoryMark(NamedTuple):
    """How much of a history a store holds: its recording interval and number of points."""

    interval: int
    points: int


def encode(trainer: Trainer) -> bytes:
    """The trainer's state but its history, as orjson bytes."""
    state = trainer.state(history=False)
    config = state.config
    return orjson.dumps(
        {
            "config": _config_json(config),
            "learning_rate": state.learning_rate,
            "step": state.step_count,
            "diverged": state.diverged,
            "weights": state.weights,
            # the generator's 128-bit integers are beyond JSON's (and orjson's) 64 bits
            "rng": ints_to_strings(state.rng),
            "queue": state.sampler_queue,
            "position": state.sampler_position,
            "capacity": state.history_capacity,
            "interval": state.history_interval,
            "last": _last_step(trainer),
        },
        option=orjson.OPT_SERIALIZE_NUMPY,
    )


@functools.lru_cache(maxsize=1024)
def _config_json(config: TrainerConfig) -> orjson.Fragment:
    """``config``'s document, serialized once (a session's config changes only with a reset or
    a new learning rate, its state at every step)."""
    return orjson.Fragment(orjson.dumps(config_document(config)))


def config_of(state: bytes) -> tuple[TrainerConfig, str]:
    """The config ``state`` holds, and its data set's name."""
    config = _config(orjson.loads(state)["config"])
    return config, config.dataset


def decode(state: bytes, points: list[bytes], dataset: Dataset | None = None) -> Trainer:
    """The trainer ``encode`` wrote, with the curves of ``points`` (``history_points``'s) and
    its last step's record; ``dataset``: the uploaded set its config names."""
    fields = orjson.loads(state)
    rows = [orjson.loads(point) for point in points]
    curves = {}
    for i, name in enumerate(SET_NAMES):
        columns = [[_float(row[1 + 3 * i + k]) for row in rows] for k in range(3)]
        curves[name] = Curve([int(row[0]) for row in rows], *columns)
    trainer = Trainer.from_state(
        TrainerState(
            config=_config(fields["config"]),
            learning_rate=fields["learning_rate"],
            step_count=fields["step"],
            diverged=fields["diverged"],
            weights=tuple(np.array(w, dtype=np.float64) for w in fields["weights"]),
            rng=strings_to_ints(fields["rng"]),
            sampler_queue=tuple(fields["queue"]),
            sampler_position=fields["position"],
            history_capacity=fields["capacity"],
            history_interval=fields["interval"],
            history=curves,
        ),
        dataset,
    )
    if (last := fields.get("last")) is not None:
        weights = [np.array(w, dtype=np.float64) for w in last["weights_before"]]
        trainer.recall_step(last["index"], weights, last["learning_rate"])
    return trainer


def _last_step(trainer: Trainer) -> dict[str, Any] | None:
    """What recomputes the last step's record elsewhere (``/gradient-check``, ``/exercise``):
    its sample, the weights before it and its learning rate."""
    record = trainer.last_step
    if record is None or record.step != trainer.step_count:
        return None
    return {
        "index": record.sample.index,
        "weights_before": [layer.weights_before for layer in record.layers],
        "learning_rate": record.learning_rate,
    }


def mark(history: History) -> HistoryMark:
    """How much of ``history`` a store holds once it has written all of it."""
    return HistoryMark(history.interval, len(history.curves[SET_NAMES[0]].step))


def history_change(history: History, written: HistoryMark) -> tuple[str, list[bytes]]:
    """What to write of ``history`` when the store holds ``written`` of it: ``append`` the new
    points (none: nothing to write), or ``replace`` all of them (the curves were thinned)."""
    now = mark(history)
    if now.interval == written.interval and now.points >= written.points:
        return "append", history_points(history, written.points)
    return "replace", history_points(history, 0)


def history_points(history: History, start: int) -> list[bytes]:
    """The recorded points from the ``start``-th on, one orjson array each: the step, then each
    set's error, classification error and loss."""
    curves = [history.curves[name] for name in SET_NAMES]
    steps = curves[0].step
    return [
        orjson.dumps(
            [
                steps[j],
                *(
                    _out(value)
                    for curve in curves
                    for value in (curve.error[j], curve.classification_error[j], curve.loss[j])
                ),
            ]
        )
        for j in range(start, len(steps))
    ]


def _config(fields: dict[str, Any]) -> TrainerConfig:
    return TrainerConfig(
        dataset=fields["dataset"],
        hidden=tuple(fields["hidden"]),
        activation=fields["activation"],
        loss=fields["loss"],
        learning_rate=fields["learning_rate"],
        max_weight=fields["max_weight"],
        seed=fields["seed"],
        sampling=Sampling(fields["sampling"]),
        features=tuple(fields["features"]),
        noise=fields["noise"],
    )


def _out(value: float) -> float | str:
    return value if math.isfinite(value) else str(value)


def _float(value: float | str) -> float:
    return _NON_FINITE[value] if isinstance(value, str) else float(value)
