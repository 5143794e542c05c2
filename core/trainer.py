"""The training engine: the tutorial's delta rule, one sample at a time, every intermediate kept.

Notation (tutorial name = Wikipedia name, for layer l of L, the output layer being L):

==========================  ==============================  =====================================
tutorial / this code         Wikipedia ("Backpropagation")   meaning
==========================  ==============================  =====================================
``x``, ``[x; 1]``            ``a^(l-1)`` with a bias input   the layer's input, bias input fixed 1
``weights`` ``W``            ``W^l`` (bias column last)      ``(n_out, n_in + 1)``
``net``                      ``z^l``                         ``W · [x; 1]``
``output`` ``y``             ``a^l = f(z^l)``                the layer's output
``activation_diff``          ``f'(z^l)``                     slope of the activation at ``net``
``error`` ``t - y``          ``-∇_a C`` for C = ½‖t - y‖²   the output layer only
``delta``                    ``-δ^l``                        ``-∂E/∂net``, the sensitivity
``learning_rate`` ``η``      ``η``
``W ← W + η δ [x; 1]ᵀ``      ``W ← W - η δ^l (a^(l-1))ᵀ``    same update, sign folded into delta
==========================  ==============================  =====================================

The output layer is the recursion's base case: ``delta^L = error ∘ f'(net^L)`` holds the error
vector and no weights. Each hidden layer's delta is
``delta^l = f'(net^l) ∘ (W^(l+1) without its bias column)ᵀ delta^(l+1)``: there the weights appear.
"""

from __future__ import annotations

import copy
from math import isfinite

import numpy as np
from numpy.typing import NDArray

from core.activations import get_activation
from core.config import TrainerConfig, check_learning_rate
from core.datasets import SET_NAMES, load_dataset
from core.history import DEFAULT_CAPACITY, DEFAULT_INTERVAL, History, SetErrors
from core.metrics import predicted_class
from core.network import init_weights, layer_sizes, with_bias
from core.records import LayerRecord, SampleRecord, StepRecord
from core.sampling import Sampler
from core.state import TrainerState

Array = NDArray[np.float64]


class DivergedError(RuntimeError):
    """Raised when asked to train a network that has diverged; reset it to train again."""


_ONE = np.ones(1)
_outer = np.multiply.outer  # outer(d, x)[k, j] = d[k] * x[j], as np.outer, in one C call
_add_reduce = np.add.reduce


def _all_finite(weights: list[Array]) -> bool:
    """Whether every weight is finite: a sum is non-finite when any term is (or when it
    overflows, which only weights near 1e308 can make happen)."""
    return all(isfinite(_add_reduce(w, None)) for w in weights)


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
        history_capacity: int = DEFAULT_CAPACITY,
        history_interval: int = DEFAULT_INTERVAL,
    ) -> None:
        self.config = config = config if config is not None else TrainerConfig()
        self.dataset = load_dataset(config.dataset)
        self.activation = get_activation(config.activation)
        self._f_and_diff = self.activation.f_and_diff or self.activation.both
        rng = np.random.default_rng(config.seed)
        self._rng = rng
        sizes = layer_sizes(self.dataset.input_count, config.hidden, self.dataset.output_count)
        self._weights = init_weights(sizes, config.max_weight, rng)
        self._learning_rate = config.learning_rate
        train = self.dataset.train
        self._x_b = [_read_only(row) for row in with_bias(train.x)]
        self._target = list(train.target)
        self._sampler = Sampler(config.sampling, train.size, rng)
        parts = self.dataset.parts()
        # the three sets stacked, for one feedforward of all of them (see set_errors)
        self._eval_x_t = with_bias(np.concatenate([p.x for p in parts.values()])).T.copy()
        self._eval_target_t = np.concatenate([p.target for p in parts.values()]).T.copy()
        self._eval_label = np.concatenate([p.label for p in parts.values()])
        self._eval_ones = np.ones((1, self._eval_label.shape[0]))
        self._eval_sizes = np.array([p.size for p in parts.values()])
        self._eval_units = self._eval_sizes * self.dataset.output_count
        self._eval_starts = np.cumsum(self._eval_sizes) - self._eval_sizes
        self.step_count = 0
        self.diverged = False
        self.history = History(history_capacity, history_interval)
        self.history.record(0, self.set_errors())

    def state(self) -> TrainerState:
        """The complete state, as plain values (copies): ``Trainer.from_state`` resumes it."""
        history = self.history
        queue, position = self._sampler.queue
        return TrainerState(
            config=self.config,
            learning_rate=self._learning_rate,
            step_count=self.step_count,
            diverged=self.diverged,
            weights=tuple(np.array(w) for w in self._weights),
            rng=copy.deepcopy(dict(self._rng.bit_generator.state)),
            sampler_queue=queue,
            sampler_position=position,
            history_capacity=history.capacity,
            history_interval=history.interval,
            history=copy.deepcopy(history.curves),
        )

    @classmethod
    def from_state(cls, state: TrainerState) -> Trainer:
        """A trainer that goes on exactly where ``state`` was taken; ``ValueError`` naming the
        part that does not fit (weights of the wrong shape or non-finite, a foreign generator,
        an inconsistent history)."""
        trainer = cls(
            state.config,
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

    @property
    def weights(self) -> tuple[Array, ...]:
        """The current weights, one read-only ``(n_out, n_in + 1)`` matrix per layer."""
        return tuple(_read_only(w) for w in self._weights)

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
        """One step on training sample ``index``: feed forward, deltas from the output layer
        down, then every layer's update from the weights before the step.

        Per layer: ``net = W · [a; 1]``, ``output = f(net)``; at the output layer
        ``error = target - output`` and ``delta = error ∘ f'(net)``; below it
        ``delta = f'(net) ∘ W_next[:, :-1]ᵀ delta_next``; then
        ``W ← W + learning_rate · outer(delta, [a; 1])``.
        The tutorial's net (one layer) takes the same arithmetic without the loops' lists.
        With ``keep`` the step is checked (a step that would make a weight non-finite is not
        applied and marks the net diverged) and recorded; without, neither (see ``run``).
        """
        lr = self._learning_rate
        target = self._target[index]
        x_b = self._x_b[index]
        weights = self._weights
        if len(weights) == 1:
            w = weights[0]
            net = w @ x_b
            output, activation_diff = self._f_and_diff(net)
            error = target - output
            delta = error * activation_diff
            update = lr * _outer(delta, x_b)
            w_after = w + update
            self.step_count += 1
            if not keep:
                self._weights = [w_after]
                return None
            layers: list[tuple[Array, ...]] = [
                (x_b, net, output, activation_diff, delta, w, update, w_after)
            ]
            finite = isfinite(_add_reduce(w_after, None))
        else:
            layers = self._layers_of_step(x_b, target)
            error = target - layers[-1][2]
            self.step_count += 1
            if not keep:
                self._weights = [layer[7] for layer in layers]
                return None
            finite = _all_finite([layer[7] for layer in layers])
        if finite:
            self._weights = [layer[7] for layer in layers]
        else:
            self.diverged = True
            layers = [(*layer[:7], layer[5]) for layer in layers]
        return StepRecord(
            step=self.step_count,
            learning_rate=lr,
            sample=SampleRecord("train", index, x_b[:-1], target),
            layers=tuple(
                [
                    LayerRecord(a_b[:-1], net, y, fd, d, _read_only(w0), u, _read_only(w1))
                    for a_b, net, y, fd, d, w0, u, w1 in layers
                ]
            ),
            error=error,
            diverged=self.diverged,
        )

    def _layers_of_step(self, x_b: Array, target: Array) -> list[tuple[Array, ...]]:
        """A deep net's step, layer by layer (input to output): ``([a; 1], net, output,
        f'(net), delta, weights_before, weight_update, weights_after)``."""
        f_and_diff = self._f_and_diff
        weights = self._weights
        inputs_b = [x_b]
        nets: list[Array] = []
        outputs: list[Array] = []
        diffs: list[Array] = []
        for w in weights:
            if outputs:
                inputs_b.append(np.concatenate((outputs[-1], _ONE)))
            net = w @ inputs_b[-1]
            output, activation_diff = f_and_diff(net)
            nets.append(net)
            outputs.append(output)
            diffs.append(activation_diff)
        delta = (target - output) * activation_diff
        deltas = [delta]
        for layer in range(len(weights) - 1, 0, -1):
            delta = diffs[layer - 1] * (weights[layer][:, :-1].T @ delta)
            deltas.append(delta)
        deltas.reverse()
        lr = self._learning_rate
        updates = [lr * _outer(d, a_b) for d, a_b in zip(deltas, inputs_b, strict=True)]
        return list(
            zip(
                inputs_b,
                nets,
                outputs,
                diffs,
                deltas,
                weights,
                updates,
                [w + u for w, u in zip(weights, updates, strict=True)],
                strict=True,
            )
        )

    def outputs(self, x: Array) -> Array:
        """The net's outputs ``(m, n_outputs)`` for inputs ``x`` ``(m, n_inputs)``."""
        a = np.asarray(x, dtype=np.float64)
        with np.errstate(all="ignore"):
            for w in self._weights:
                a = self.activation.f(with_bias(a) @ w.T)
        return a

    def set_errors(self) -> dict[str, SetErrors]:
        """The tutorial's network error and the classification error of each set, now.

        One feedforward of the three sets stacked as columns ``(n_units, M)``; the per-set sums
        are segment sums over the columns.
        """
        a = self._eval_x_t
        with np.errstate(all="ignore"):
            for layer, w in enumerate(self._weights):
                if layer:
                    a = np.concatenate((a, self._eval_ones), axis=0)
                a = self.activation.f(w @ a)
            difference = self._eval_target_t - a
            difference *= difference  # in place: a fresh array
            squared = np.add.reduce(difference, axis=0)
            wrong = predicted_class(a.T) != self._eval_label
            errors = (np.add.reduceat(squared, self._eval_starts) / self._eval_units).tolist()
            class_errors = (np.add.reduceat(wrong, self._eval_starts) / self._eval_sizes).tolist()
        return {
            SET_NAMES[0]: SetErrors(errors[0], class_errors[0]),
            SET_NAMES[1]: SetErrors(errors[1], class_errors[1]),
            SET_NAMES[2]: SetErrors(errors[2], class_errors[2]),
        }
