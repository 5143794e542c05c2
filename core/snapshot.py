"""Snapshots: a trainer's whole state as one self-contained JSON-ready document, and back.

A snapshot restores bit for bit: the next N steps of the restored trainer are those the original
would have taken. Weights are written as JSON numbers (shortest round-trip form, exact in Python and
JavaScript alike); the generator's 128-bit integers are written as decimal strings, which a
JavaScript client cannot round off by parsing them. A network error or loss that overflowed (the
weights of a diverging net can be finite yet huge) is written as the string "inf" or "nan".

Snapshots written before the loss could be chosen have no ``config.loss`` and no ``loss`` curves:
they are squared error's, and each set's mean loss ½‖t − y‖² is then ``n_outputs / 2`` times its
network error, the same quantity.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from core.config import ConfigError, TrainerConfig
from core.csv_data import CsvError, CsvLimits, read_csv
from core.datasets import SET_NAMES, Dataset, Task, load_dataset
from core.history import Curve
from core.state import TrainerState
from core.trainer import Trainer

Array = NDArray[np.float64]
MAX_INT = 2**53  # larger JSON integers are rounded by JavaScript's JSON.parse
MAX_HISTORY_CAPACITY = 100_000
FORMAT = "delta-playground-snapshot"
VERSION = 1
CONFIG_FIELDS = (
    "dataset",
    "hidden",
    "activation",
    "loss",
    "learning_rate",
    "max_weight",
    "seed",
    "sampling",
    "features",
    "noise",
)


class SnapshotError(ValueError):
    """A snapshot that cannot be restored; ``path`` says where in the document (e.g.
    ``weights[0][2]``) and the message what is wrong there."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}" if path else reason)
        self.path = path
        self.reason = reason


def config_document(config: TrainerConfig) -> dict[str, Any]:
    """``config`` as the JSON-ready object a snapshot (and a store's compact state) holds."""
    return {
        "dataset": config.dataset,
        "hidden": list(config.hidden),
        "activation": config.activation,
        "loss": config.loss,
        "learning_rate": config.learning_rate,
        "max_weight": config.max_weight,
        "seed": config.seed,
        "sampling": str(config.sampling),
        "features": list(config.features),
        "noise": config.noise,
    }


def take_snapshot(trainer: Trainer) -> dict[str, Any]:
    """The trainer's state as a JSON-ready document (see the module docstring)."""
    return snapshot_document(trainer.state(), trainer.dataset)


def snapshot_document(state: TrainerState, dataset: Dataset) -> dict[str, Any]:
    """The document of ``state`` (a ``Trainer.state()``, a copy) on ``dataset``: the costly part
    of ``take_snapshot``, which may run away from the trainer (in another thread, say)."""
    config = state.config
    return {
        "format": FORMAT,
        "version": VERSION,
        "config": config_document(config),
        "learning_rate": state.learning_rate,
        "step": state.step_count,
        "diverged": state.diverged,
        "weights": [w.tolist() for w in state.weights],
        "rng": ints_to_strings(state.rng),
        "sampler": {"queue": list(state.sampler_queue), "position": state.sampler_position},
        **_dataset_out(dataset),
        "history": {
            "capacity": state.history_capacity,
            "interval": state.history_interval,
            **{
                name: {
                    "step": curve.step,
                    "error": [_float_out(v) for v in curve.error],
                    "classification_error": [_or_null(v) for v in curve.classification_error],
                    "loss": [_float_out(v) for v in curve.loss],
                }
                for name, curve in state.history.items()
            },
        },
    }


def restore_snapshot(
    document: object,
    limits: CsvLimits | None = None,
    known: Callable[[str], Dataset | None] | None = None,
) -> Trainer:
    """The trainer a snapshot describes; ``SnapshotError`` saying where and what is wrong.

    A snapshot of a session on an uploaded set carries the set (``dataset``: the CSV text, its
    label column and task), read again within ``limits`` unless ``known`` has it by name (its
    name is derived from the content): it restores where the set was never uploaded.
    """
    doc = _mapping(document, "")
    if doc.get("format") != FORMAT:
        raise SnapshotError("format", f"must be {FORMAT!r}, got {doc.get('format')!r}")
    if type(doc.get("version")) is not int or doc.get("version") != VERSION:
        raise SnapshotError("version", f"must be {VERSION}, got {doc.get('version')!r}")
    raw_config = _mapping(doc.get("config"), "config")
    unknown = set(raw_config) - set(CONFIG_FIELDS)
    if unknown:
        raise SnapshotError("config", f"unknown fields {sorted(unknown)}")
    hidden = _list(raw_config.get("hidden", []), "config.hidden")
    features = _list(raw_config.get("features", []), "config.features")
    extra = {"features": tuple(features)} if "features" in raw_config else {}
    try:
        config = TrainerConfig(**{**raw_config, "hidden": tuple(hidden), **extra})
    except ConfigError as e:
        raise SnapshotError(f"config.{e.field}", f"{e.value!r}: {e.reason}") from None
    except TypeError as e:
        raise SnapshotError("config", str(e)) from None
    history = _mapping(doc.get("history"), "history")
    dataset = _dataset_in(doc.get("dataset"), config, limits, known)
    output_count = _output_count(config, dataset)
    curves = {
        name: _curve(history.get(name), f"history.{name}", config.loss, output_count)
        for name in SET_NAMES
    }
    sampler = _mapping(doc.get("sampler"), "sampler")
    state = TrainerState(
        config=config,
        learning_rate=_number(doc.get("learning_rate"), "learning_rate"),
        step_count=_int(doc.get("step"), "step"),
        diverged=_bool(doc.get("diverged"), "diverged"),
        weights=tuple(
            _matrix(w, f"weights[{i}]") for i, w in enumerate(_list(doc.get("weights"), "weights"))
        ),
        rng=_rng_state(doc.get("rng")),
        sampler_queue=tuple(
            _int(i, "sampler.queue[]") for i in _list(sampler.get("queue"), "sampler.queue")
        ),
        sampler_position=_int(sampler.get("position"), "sampler.position"),
        history_capacity=_int(history.get("capacity"), "history.capacity", 2, MAX_HISTORY_CAPACITY),
        history_interval=_int(history.get("interval"), "history.interval", 1),
        history=curves,
    )
    try:
        return Trainer.from_state(state, dataset)
    except ConfigError as e:
        raise SnapshotError(e.field, f"{e.value!r}: {e.reason}") from None
    except ValueError as e:
        path, _, reason = str(e).partition(": ")
        raise SnapshotError(path, reason or str(e)) from None


def _output_count(config: TrainerConfig, dataset: Dataset | None) -> int:
    """The net's output units: the uploaded set's, or the built-in set's."""
    if dataset is not None:
        return dataset.output_count
    try:
        return load_dataset(config.dataset).output_count
    except ValueError:  # the config checked the built-in names: an uploaded set's, not here
        raise SnapshotError(
            "dataset", f"{config.dataset!r}: no uploaded data set has this name here"
        ) from None


def _dataset_out(dataset: Dataset) -> dict[str, Any]:
    """The ``dataset`` field: an uploaded set's source (a built-in set needs none)."""
    source = dataset.source
    if source is None:
        return {}
    return {"dataset": {"csv": source.text, "label": source.label, "task": str(source.task)}}


def _dataset_in(
    value: object,
    config: TrainerConfig,
    limits: CsvLimits | None,
    known: Callable[[str], Dataset | None] | None,
) -> Dataset | None:
    held = known(config.dataset) if known is not None else None
    if held is not None:  # the name is derived from the content: the same set
        return held
    if value is None:
        return None  # a built-in set (or an uploaded one missing: the trainer says so)
    raw = _mapping(value, "dataset")
    text, label, task = raw.get("csv"), raw.get("label"), raw.get("task")
    if not isinstance(text, str):
        raise SnapshotError("dataset.csv", f"must be the CSV text, got {_shown(text)}")
    if not isinstance(label, str):
        raise SnapshotError("dataset.label", f"must be a column's name, got {_shown(label)}")
    if task not in tuple(Task):
        tasks = ", ".join(Task)
        raise SnapshotError("dataset.task", f"must be one of {tasks}, got {_shown(task)}")
    try:
        dataset = read_csv(text, label, Task(task), limits)
    except CsvError as e:
        raise SnapshotError("dataset.csv", str(e)) from None
    if dataset.name != config.dataset:
        raise SnapshotError(
            "dataset", f"is the set {dataset.name!r}, not the config's {config.dataset!r}"
        )
    return dataset


def _or_null(value: float) -> float | None:
    """A classification error as JSON: a regression set's (NaN, no classes) as null."""
    return None if math.isnan(value) else value


def _float_out(value: float) -> float | str:
    """A network error as JSON: overflowed errors (finite but huge weights) as "inf"/"nan"."""
    return value if math.isfinite(value) else str(value)


def _float_in(value: object, path: str) -> float:
    if value in ("inf", "nan"):
        return float(value)
    return _number(value, path)


def _rng_state(value: object) -> dict[str, Any]:
    """The generator's state with its integers back from strings; numbers out of the 128-bit
    generator's range are refused here, where the path can still be named."""
    state: dict[str, Any] = strings_to_ints(_mapping(value, "rng"))

    def check(v: object, path: str) -> None:
        if isinstance(v, dict):
            for k, item in v.items():
                check(item, f"{path}.{k}")
        elif isinstance(v, int) and not isinstance(v, bool) and not 0 <= v < 2**128:
            raise SnapshotError(path, f"must be in [0, 2**128), got {_shown(v)}")

    check(state, "rng")
    return state


def ints_to_strings(value: Any) -> Any:
    """A generator's state with its integers as strings (they exceed JSON's 64 bits)."""
    if not isinstance(value, dict):
        return str(value) if type(value) is int else value
    # the leaves converted here, not by a call each: a store encodes this at every step
    return {
        k: str(v) if type(v) is int else ints_to_strings(v) if isinstance(v, dict) else v
        for k, v in value.items()
    }


def strings_to_ints(value: Any) -> Any:
    """``ints_to_strings`` undone."""
    if isinstance(value, dict):
        return {k: strings_to_ints(v) for k, v in value.items()}
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value


def _mapping(value: object, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SnapshotError(path, f"must be an object, got {type(value).__name__}")
    return value


def _list(value: object, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise SnapshotError(path, f"must be a list, got {type(value).__name__}")
    return value


def _int(value: object, path: str, low: int = 0, high: int = MAX_INT) -> int:
    """An integer in ``[low, high]`` (JSON integers a browser keeps exactly, by default)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise SnapshotError(path, f"must be an integer, got {_shown(value)}")
    if not low <= value <= high:
        raise SnapshotError(path, f"must be in [{low}, {high}], got {_shown(value)}")
    return value


def _shown(value: object) -> str:
    if isinstance(value, int) and abs(value) > 10**30:
        return f"an integer of {value.bit_length()} bits"
    text = repr(value)
    return text if len(text) <= 80 else text[:79] + "…"


def _bool(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise SnapshotError(path, f"must be true or false, got {value!r}")
    return value


def _number(value: object, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SnapshotError(path, f"must be a finite number, got {_shown(value)}")
    try:
        number = float(value)
    except OverflowError:  # an integer beyond float's range
        number = math.inf
    if not math.isfinite(number):
        raise SnapshotError(path, f"must be a finite number, got {_shown(value)}")
    return number


def _matrix(value: object, path: str) -> Array:
    rows = [_list(row, f"{path}[{i}]") for i, row in enumerate(_list(value, path))]
    if not rows or len({len(row) for row in rows}) != 1:
        raise SnapshotError(path, "must be a non-empty list of equally long rows")
    if all(type(v) is float for row in rows for v in row):  # the usual case, checked at once
        matrix = np.array(rows, dtype=np.float64)
        if np.isfinite(matrix).all():
            return matrix
    # otherwise value by value, to name the bad one
    return np.array(
        [[_number(v, f"{path}[{i}][{j}]") for j, v in enumerate(row)] for i, row in enumerate(rows)]
    )


def _curve(value: object, path: str, loss: str, output_count: int) -> Curve:
    curve = _mapping(value, path)
    error = [_float_in(v, f"{path}.error[]") for v in _list(curve.get("error"), f"{path}.error")]
    if curve.get("loss") is not None:
        losses = [_float_in(v, f"{path}.loss[]") for v in _list(curve["loss"], f"{path}.loss")]
    elif loss == "squared_error":  # written before the loss could be chosen (module docstring)
        half_outputs = output_count / 2
        losses = [e * half_outputs for e in error]
    else:
        raise SnapshotError(f"{path}.loss", f"missing: a {loss} snapshot records its losses")
    return Curve(
        step=[_int(s, f"{path}.step[]") for s in _list(curve.get("step"), f"{path}.step")],
        error=error,
        classification_error=[
            math.nan if v is None else _number(v, f"{path}.classification_error[]")
            for v in _list(curve.get("classification_error"), f"{path}.classification_error")
        ],
        loss=losses,
    )
