"""The training engine: a net, its data set, the sample order and the learning curves.

Each step is ``core.backprop.backprop`` on one training sample (its docstring holds the
notation); the trainer draws the sample, keeps the weights, stops a diverging net and records
the set-level errors every few steps.
"""

from __future__ import annotations

import copy
import math
from math import isfinite

import numpy as np
from numpy.typing import NDArray

from core.activations import get_activation
from core.backprop import backprop, outer, updated_weights
from core.config import MAX_WEIGHT_LIMIT, ConfigError, TrainerConfig, check_learning_rate
from core.datasets import SET_NAMES, Dataset, Task, load_dataset
from core.history import DEFAULT_CAPACITY, DEFAULT_INTERVAL, History, SetErrors
from core.losses import SQUARED_ERROR, get_loss
from core.metrics import predicted_class
from core.network import feedforward, init_weights, layer_sizes, with_bias
from core.records import LayerRecord, SampleRecord, StepRecord
from core.sampling import Sampler
from core.state import TrainerState

Array = NDArray[np.float64]


class DivergedError(RuntimeError):
    """Raised when asked to train a network that has diverged; reset it to train again."""


_add_reduce = np.add.reduce


def _all_finite(weights: list[Array]) -> bool:
    """Whether every weight is finite: a sum is non-finite when any term is (or when it
    overflows, which only weights near 1e308 can make happen)."""
    return all(isfinite(_add_reduce(w, None)) for w in weights)


def _check_index(field: str, index: int, size: int, why: str) -> None:
    if isinstance(index, bool) or not isinstance(index, int):
        raise ConfigError(field, index, "must be an integer")
    if not 0 <= index < size:
        raise ConfigError(field, index, f"must be in [0, {size - 1}]: {why}")


def _dataset(config: TrainerConfig, dataset: Dataset | None) -> Dataset:
    """The data set ``config`` names: ``dataset`` if given, else the built-in one."""
    if dataset is None:
        try:
            return load_dataset(config.dataset, config.features, config.noise)
        except ValueError:  # the config checked the built-in names: an uploaded set's
            raise ConfigError(
                "dataset", config.dataset, "no uploaded data set has this name here"
            ) from None
    if dataset.name != config.dataset:
        raise ValueError(f"dataset {dataset.name!r} given for a config of {config.dataset!r}")
    return dataset


def _read_only(a: Array) -> Array:
    a.setflags(write=False)
    return a


class Trainer:
    """One training run: a net, its data set, its random generator, its step count and history.

    ``run(n)`` takes ``n`` steps and returns the full record of the last one only; ``step()`` is
    ``run(1)``. Both do the same arithmetic, so weights depend only on the config, the seed and
    the number of steps, however the steps are split into calls.
    """

    def __init__(
        self,
        config: TrainerConfig | None = None,
        *,
        dataset: Dataset | None = None,
        history_capacity: int = DEFAULT_CAPACITY,
        history_interval: int = DEFAULT_INTERVAL,
    ) -> None:
        """``dataset``: the set ``config.dataset`` names, needed when it is an uploaded one."""
        self.config = config = config if config is not None else TrainerConfig()
        self.dataset = _dataset(config, dataset)
        self.activation = get_activation(config.activation)
        self._f_and_diff = self.activation.f_and_diff or self.activation.both
        self.loss = get_loss(config.loss)
        self.activations = self.loss.activations(  # each layer's f, input to output
            self.activation, len(config.hidden) + 1, self.dataset.output_count
        )
        self._tutorial_net = not config.hidden and self.loss is SQUARED_ERROR
        rng = np.random.default_rng(config.seed)
        self._rng = rng
        sizes = layer_sizes(self.dataset.input_count, config.hidden, self.dataset.output_count)
        self._weights = init_weights(sizes, config.max_weight, rng)
        self._learning_rate = config.learning_rate
        train = self.dataset.train
        self._x = list(train.x)  # rows of the data set's read-only arrays
        # [x; 1] of every sample, made once, as rows of one array (closer in memory than one
        # array a row, which a many-steps run measurably feels)
        x_b = np.concatenate((train.x, np.ones((train.size, 1))), axis=1)
        self._x_b = [_read_only(row) for row in x_b]
        self._target = list(train.target)
        self._sampler = Sampler(config.sampling, train.size, rng)
        parts = self.dataset.parts()
        # the three sets stacked as columns, for one feedforward of all of them (see set_errors)
        self._eval_x_b_t = with_bias(np.concatenate([p.x for p in parts.values()]).T.copy())
        self._eval_target_t = np.concatenate([p.target for p in parts.values()]).T.copy()
        self._eval_label = np.concatenate([p.label for p in parts.values()])
        self._eval_sizes = np.array([p.size for p in parts.values()])
        self._eval_units = self._eval_sizes * self.dataset.output_count
        self._half_outputs = self.dataset.output_count / 2
        self._eval_starts = np.cumsum(self._eval_sizes) - self._eval_sizes
        self.step_count = 0
        self.diverged = False
        # the record of the last step, while no unrecorded step came after it (for the checks)
        self.last_step: StepRecord | None = None
        self.history = History(history_capacity, history_interval)
        self.history.record(0, self.set_errors())

    def state(self, *, history: bool = True) -> TrainerState:
        """The complete state, as plain values (copies): ``Trainer.from_state`` resumes it.
        Without ``history`` its curves are left empty (a store that keeps them apart, appending
        only new points, spares a copy of them at every step)."""
        curves = (
            {name: curve.copy() for name, curve in self.history.curves.items()} if history else {}
        )
        recorded = self.history
        queue, position = self._sampler.queue
        return TrainerState(
            config=self.config,
            learning_rate=self._learning_rate,
            step_count=self.step_count,
            diverged=self.diverged,
            weights=tuple(np.array(w) for w in self._weights),
            rng=dict(self._rng.bit_generator.state),  # new dicts at each call: copies already
            sampler_queue=queue,
            sampler_position=position,
            history_capacity=recorded.capacity,
            history_interval=recorded.interval,
            history=curves,
        )

    @classmethod
    def from_state(cls, state: TrainerState, dataset: Dataset | None = None) -> Trainer:
        """A trainer that goes on exactly where ``state`` was taken; ``ValueError`` naming the
        part that does not fit (weights of the wrong shape or non-finite, a foreign generator,
        an inconsistent history)."""
        trainer = cls(
            state.config,
            dataset=dataset,
            history_capacity=state.history_capacity,
            history_interval=state.history_interval,
        )
        shapes = [w.shape for w in trainer._weights]
        if [np.shape(w) for w in state.weights] != shapes:
            raise ValueError(f"weights: shapes must be {shapes} for this config")
        weights = [np.array(w, dtype=np.float64) for w in state.weights]
        if not _all_finite(weights):
            raise ValueError("weights: every weight must be finite")
        if state.step_count < 0:
            raise ValueError(f"step_count={state.step_count}: must be >= 0")
        try:
            trainer._rng.bit_generator.state = copy.deepcopy(state.rng)
        except (TypeError, ValueError, KeyError, OverflowError) as e:
            kind = type(trainer._rng.bit_generator).__name__
            raise ValueError(f"rng: not a {kind} state: {e}") from None
        try:
            trainer._sampler.restore_queue(list(state.sampler_queue), state.sampler_position)
        except ValueError as e:
            raise ValueError(f"sampler: {e}") from None
        trainer.history.restore(state.history_interval, state.history, state.step_count)
        trainer.learning_rate = state.learning_rate
        trainer._weights = weights
        trainer.step_count = state.step_count
        trainer.diverged = state.diverged
        return trainer

    def recall_step(self, index: int, weights_before: list[Array], learning_rate: float) -> None:
        """Recomputes ``last_step``, the record of the step just taken (on training sample
        ``index``, from ``weights_before``, at ``learning_rate``), for a trainer resumed from a
        state, which carries no records; the weights, step count and generator stay as they
        are (the same arithmetic gives the same weights)."""
        kept = self._weights, self.step_count, self._learning_rate
        self._weights = [np.array(w, dtype=np.float64) for w in weights_before]
        self.step_count, self._learning_rate = self.step_count - 1, learning_rate
        try:
            with np.errstate(all="ignore"):
                self.last_step = self._train_on(index, True)
        finally:
            self._weights, self.step_count, self._learning_rate = kept

    @property
    def weights(self) -> tuple[Array, ...]:
        """The current weights, one read-only ``(n_out, n_in + 1)`` matrix per layer."""
        return tuple(_read_only(w) for w in self._weights)

    def set_weight(self, layer: int, row: int, column: int, value: float) -> None:
        """Sets ``W[row, column]`` of layer ``layer`` (input to output, from 0) by hand; the next
        steps go on from it. ``ConfigError`` naming the index out of this net's shapes, or a
        value that is not a finite number in ``[-MAX_WEIGHT_LIMIT, MAX_WEIGHT_LIMIT]``."""
        layers = len(self._weights)
        _check_index("weight.layer", layer, layers, f"this net has {layers} weight matrices")
        rows, columns = self._weights[layer].shape
        _check_index("weight.row", row, rows, f"layer {layer} has {rows} units")
        _check_index(
            "weight.column", column, columns, f"layer {layer} has {columns} columns, bias last"
        )
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError("weight.value", value, "must be a number")
        if not (isfinite(value) and -MAX_WEIGHT_LIMIT <= value <= MAX_WEIGHT_LIMIT):
            raise ConfigError(
                "weight.value",
                value,
                f"must be a finite number in [{-MAX_WEIGHT_LIMIT:g}, {MAX_WEIGHT_LIMIT:g}]",
            )
        edited = np.array(self._weights[layer])
        edited[row, column] = value
        weights = list(self._weights)
        weights[layer] = _read_only(edited)
        self._weights = weights

    @property
    def learning_rate(self) -> float:
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        """Changes the learning rate for the next steps, without resetting anything."""
        self._learning_rate = check_learning_rate(value)

    def step(self) -> StepRecord:
        """One training step, with its full record (``run(1)``, with less overhead)."""
        if self.diverged:
            raise DivergedError("the network has diverged; reset it to train again")
        with np.errstate(all="ignore"):
            record = self._train_on(self._sampler.next_index(), True)
        assert record is not None
        if not (self.diverged or self.step_count % self.history.interval):
            self.history.record(self.step_count, self.set_errors())
        self.last_step = record
        return record

    def run(self, n: int, *, record_last: bool = True) -> StepRecord | None:
        """Takes ``n`` steps (fewer if the net diverges) and returns the record of the last one
        (``None`` when ``record_last`` is false and nothing diverged, or when ``n == 0``).

        Unrecorded steps skip the per-step finiteness check: a non-finite weight stays
        non-finite (NaN and ±inf absorb every later update), so checking at each history point
        and at the end finds any divergence, and the steps since the last check are then replayed
        with checks to stop at the very step that diverged, exactly as recorded steps would.
        Raises ``DivergedError`` when the net has already diverged.
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValueError(f"n={n!r}: must be a non-negative integer")
        if self.diverged:
            raise DivergedError("the network has diverged; reset it to train again")
        record = self._run(n, record_last)
        if n:
            self.last_step = record
        return record

    def _run(self, n: int, record_last: bool) -> StepRecord | None:
        record = None
        next_index, train_on, history = self._sampler.next_index, self._train_on, self.history
        checked = (self.step_count, self._weights)
        unchecked: list[int] = []  # sample indices of the steps since the last check
        with np.errstate(all="ignore"):
            for i in range(n - 1, -1, -1):
                index = next_index()
                keep = record_last and not i
                if keep and unchecked and not _all_finite(self._weights):
                    return self._replay_to_divergence(checked, unchecked)
                unchecked.append(index)
                record = train_on(index, keep)
                if self.diverged:
                    return record
                if not self.step_count % history.interval:
                    if not _all_finite(self._weights):
                        return self._replay_to_divergence(checked, unchecked)
                    checked, unchecked = (self.step_count, self._weights), []
                    history.record(self.step_count, self.set_errors())
            if record is None and unchecked and not _all_finite(self._weights):
                return self._replay_to_divergence(checked, unchecked)
        return record

    def _replay_to_divergence(
        self, checked: tuple[int, list[Array]], indices: list[int]
    ) -> StepRecord:
        """Goes back to the last finite weights and retakes the steps on ``indices`` with
        checks, up to the one that diverges; returns that step's record."""
        self.step_count, self._weights = checked
        for index in indices:
            record = self._train_on(index, True)
            if self.diverged:
                assert record is not None
                return record
        raise AssertionError("non-finite weights, but no replayed step diverged")

    def _train_on(self, index: int, keep: bool) -> StepRecord | None:
        """One step on training sample ``index``. With ``keep`` the step is checked (a step
        that would make a weight non-finite is not applied and marks the net diverged) and its
        record returned; without, neither (see ``run``)."""
        self.step_count += 1
        if self._tutorial_net:
            return self._tutorial_step(index, keep)
        x, target = self._x[index], self._target[index]
        if not keep:
            self._weights = updated_weights(
                self._weights, x, target, self.activation, self.loss, self._learning_rate
            )
            return None
        result = backprop(self._weights, x, target, self.activation, self.loss, self._learning_rate)
        weights = [layer.weights for layer in result.layers]
        return self._record(index, result.layers, weights, result.error)

    def _tutorial_step(self, index: int, keep: bool) -> StepRecord | None:
        """``_train_on`` for the tutorial's net (one weight matrix, squared error), ``backprop``
        written out for its one layer: ``net = W · [x; 1]``, ``output = f(net)``,
        ``error = target − output``, ``delta = error ∘ f'(net)``,
        ``weight_update = η outer(delta, [x; 1])``. ``backprop``'s loops and lists cost more
        than ``make bench``'s targets allow (docs/benchmarks.md); the tests check that this
        gives ``backprop``'s record bit for bit."""
        x_b, w, target = self._x_b[index], self._weights[0], self._target[index]
        net = w @ x_b
        output, activation_diff = self._f_and_diff(net)
        error = target - output
        delta = error * activation_diff
        weight_update = self._learning_rate * outer(delta, x_b)
        w_after = w + weight_update
        if not keep:
            self._weights = [w_after]
            return None
        layer = LayerRecord(
            self.activation.name,
            x_b[:-1],
            net,
            output,
            activation_diff,
            error,
            delta,
            w,
            weight_update,
            w_after,
        )
        return self._record(index, (layer,), [w_after], error)

    def _record(
        self, index: int, layers: tuple[LayerRecord, ...], weights: list[Array], error: Array
    ) -> StepRecord:
        """The step's record, its weights taken unless one is non-finite (then the net has
        diverged, and the record's weights are those before the step)."""
        if _all_finite(weights):
            self._weights = weights
        else:
            self.diverged = True
            layers = tuple(layer._replace(weights=layer.weights_before) for layer in layers)
        for layer in layers:
            _read_only(layer.weights_before)
            _read_only(layer.weights)
        target = self._target[index]
        return StepRecord(
            self.step_count,
            self._learning_rate,
            SampleRecord("train", index, self._x[index], target),
            layers,
            error,
            target,
            self.loss.name,
            self.diverged,
        )

    def outputs(self, x: Array) -> Array:
        """The net's outputs ``(m, n_outputs)`` for inputs ``x`` ``(m, n_inputs)``."""
        with np.errstate(all="ignore"):
            return feedforward(self._weights, self.activations, np.asarray(x, np.float64).T).T

    def set_errors(self) -> dict[str, SetErrors]:
        """The tutorial's network error, the classification error and the mean loss of each set,
        now.

        One feedforward of the three sets stacked as columns ``(n_units, M)``; the per-set sums
        are segment sums over the columns.
        """
        weights, activations = self._weights, self.activations
        with np.errstate(all="ignore"):
            # feedforward (core.network), the inputs' bias row added once, keeping the last net
            net = weights[0] @ self._eval_x_b_t
            for w, f in zip(weights[1:], activations, strict=False):
                net = w @ with_bias(f.f(net))
            a = activations[-1].f(net)
            difference = self._eval_target_t - a
            difference *= difference  # in place: a fresh array
            squared = np.add.reduce(difference, axis=0)
            wrong = predicted_class(a.T) != self._eval_label
            errors = (np.add.reduceat(squared, self._eval_starts) / self._eval_units).tolist()
            class_errors = (np.add.reduceat(wrong, self._eval_starts) / self._eval_sizes).tolist()
            if self.loss is SQUARED_ERROR:
                # the mean of ½‖t − y‖² is n_outputs / 2 times the network error (as a snapshot
                # without losses is restored: core.snapshot)
                losses = [e * self._half_outputs for e in errors]
            else:
                sample_losses = self.loss.value(net, a, self._eval_target_t)
                losses = (
                    np.add.reduceat(sample_losses, self._eval_starts) / self._eval_sizes
                ).tolist()
        if self.dataset.task is Task.REGRESSION:  # no classes: only the network error
            class_errors = [math.nan, math.nan, math.nan]
        return {
            SET_NAMES[0]: SetErrors(errors[0], class_errors[0], losses[0]),
            SET_NAMES[1]: SetErrors(errors[1], class_errors[1], losses[1]),
            SET_NAMES[2]: SetErrors(errors[2], class_errors[2], losses[2]),
        }
