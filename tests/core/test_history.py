"""Set-level errors: the tutorial's definitions, and a history bounded however long it runs."""

from __future__ import annotations

import numpy as np

from core import SET_NAMES, History, SetErrors, Trainer, TrainerConfig
from core.metrics import predicted_class


def test_predicted_class_is_the_argmax_or_the_single_unit_midpoint() -> None:
    np.testing.assert_array_equal(
        predicted_class(np.array([[0.1, 0.7, 0.2], [0.5, 0.2, 0.1]])), [1, 0]
    )
    single = np.array([[0.51], [0.49], [0.9], [0.5]])
    np.testing.assert_array_equal(predicted_class(single), [1, 0, 1, 0])


def test_set_errors_match_an_independent_feedforward_of_each_set() -> None:
    trainer = Trainer(TrainerConfig(hidden=(5,), seed=4))
    trainer.run(321)
    errors = trainer.set_errors()
    for name in SET_NAMES:
        part = trainer.dataset.part(name)
        a = part.x
        for w in trainer.weights:
            a = trainer.activation.f(a @ w[:, :-1].T + w[:, -1])
        # the tutorial's network error: squared differences over samples x outputs
        m, n = part.target.shape
        assert np.isclose(errors[name].error, np.sum((part.target - a) ** 2) / (m * n), rtol=1e-12)
        wrong = [int(np.argmax(row)) != label for row, label in zip(a, part.label, strict=True)]
        assert errors[name].classification_error == np.mean(wrong)


def test_history_records_every_ten_steps_from_step_zero() -> None:
    trainer = Trainer()
    trainer.run(95)
    curves = trainer.history.curves
    assert curves["train"].step == list(range(0, 91, 10))
    for name in SET_NAMES:
        curve = curves[name]
        assert len(curve.step) == len(curve.error) == len(curve.classification_error)


def test_history_values_are_the_set_errors_at_those_steps() -> None:
    trainer, probe = Trainer(), Trainer()
    trainer.run(200)
    for step in (0, 50, 120, 200):
        probe.run(step - probe.step_count)
        i = trainer.history.curves["test"].step.index(step)
        now = probe.set_errors()
        for name in SET_NAMES:
            assert np.isclose(trainer.history.curves[name].error[i], now[name].error, rtol=1e-12)
            assert (
                trainer.history.curves[name].classification_error[i]
                == now[name].classification_error
            )


def test_history_stays_bounded_and_evenly_thinned_over_a_long_run() -> None:
    trainer = Trainer(history_capacity=64)
    trainer.run(50_000, record_last=False)
    steps = trainer.history.curves["train"].step
    assert 32 <= len(steps) < 64
    assert steps[0] == 0
    gaps = set(np.diff(steps).tolist())
    assert gaps == {trainer.history.interval}
    assert steps[-1] > 50_000 - 2 * trainer.history.interval


def test_history_thinning_keeps_every_other_point_and_doubles_the_interval() -> None:
    history = History(capacity=4, interval=1)
    e = {name: SetErrors(0.5, 0.25, 0.75) for name in SET_NAMES}
    for step in range(4):
        history.record(step, e)
    assert history.curves["train"].step == [0, 2]
    assert history.interval == 2
    history.record(3, e)  # no longer a recorded step
    history.record(4, e)
    assert history.curves["validation"].step == [0, 2, 4]
