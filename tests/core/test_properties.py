"""Property tests: any valid config and learning rate, tiny to huge, either trains with finite
weights or reports divergence; never an exception, never a NaN in what a caller sees (but the
classification error of a regression set, which has no classes: NaN, sent as null)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import ACTIVATIONS, Sampling, Trainer, TrainerConfig, dataset_names
from core.datasets import Task

configs = st.builds(
    TrainerConfig,
    dataset=st.sampled_from(dataset_names()),
    hidden=st.lists(st.integers(1, 12), max_size=3).map(tuple),
    activation=st.sampled_from(sorted(ACTIVATIONS)),
    learning_rate=st.floats(1e-12, 1e6),
    max_weight=st.floats(0.0, 100.0),
    seed=st.integers(0, 2**63 - 1),
    sampling=st.sampled_from(list(Sampling)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=configs, steps=st.integers(1, 300), new_rate=st.floats(1e-12, 1e6))
def test_training_keeps_finite_weights_or_reports_divergence(
    config: TrainerConfig, steps: int, new_rate: float
) -> None:
    trainer = Trainer(config)
    record = trainer.run(steps)
    assert record is not None
    if not trainer.diverged:
        trainer.learning_rate = new_rate
        record = trainer.run(steps)
        assert record is not None
    assert record.diverged == trainer.diverged
    assert all(np.all(np.isfinite(w)) for w in trainer.weights)
    for layer in record.layers:
        assert np.all(np.isfinite(layer.weights))
        assert np.all(np.isfinite(layer.weights_before))
    if not trainer.diverged:
        for layer in record.layers:
            for name in ("net", "output", "activation_diff", "delta", "weight_update"):
                assert np.all(np.isfinite(getattr(layer, name))), name
    assert trainer.step_count == record.step <= 2 * steps
    errors = trainer.set_errors()
    for e in errors.values():
        if trainer.dataset.task is Task.REGRESSION:
            assert np.isnan(e.classification_error)
        else:
            assert 0.0 <= e.classification_error <= 1.0
        assert not e.error < 0  # may be inf when huge finite weights overflow the outputs
    curves = trainer.history.curves
    assert len({len(c.step) for c in curves.values()}) == 1


@settings(max_examples=60, deadline=None)
@given(
    config=configs,
    x=st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=4),
)
def test_outputs_of_any_input_never_raise(config: TrainerConfig, x: list[float]) -> None:
    trainer = Trainer(config)
    n = trainer.dataset.input_count
    values = (x * n)[:n]
    output = trainer.outputs(np.array([values]))
    assert output.shape == (1, trainer.dataset.output_count)
    if config.activation in {"tanh01", "sigmoid", "tanh"}:
        assert np.all(np.isfinite(output))
