"""Configuration limits: every bad value is refused with its field and value named."""

from __future__ import annotations

import math

import pytest

from core import ConfigError, Trainer, TrainerConfig
from core.config import MAX_HIDDEN_LAYERS, MAX_HIDDEN_UNITS


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("dataset", "mnist", "unknown dataset"),
        ("activation", "softmax", "unknown activation"),
        ("sampling", "shuffled", "must be one of random, epoch, sequential"),
        ("hidden", (4,) * (MAX_HIDDEN_LAYERS + 1), "at most 4 hidden layers"),
        ("hidden", (MAX_HIDDEN_UNITS + 1,), "1 to 64 units"),
        ("hidden", (0,), "1 to 64 units"),
        ("hidden", (2.5,), "integers"),
        ("learning_rate", 0.0, "finite number in"),
        ("learning_rate", -0.1, "finite number in"),
        ("learning_rate", math.nan, "finite number in"),
        ("learning_rate", math.inf, "finite number in"),
        ("learning_rate", "fast", "must be a number"),
        ("max_weight", -1.0, "must be in"),
        ("max_weight", math.nan, "finite"),
        ("seed", -1, "must be in"),
        ("seed", 2**63, "must be in"),
        ("seed", 1.5, "integer"),
    ],
)
def test_config_rejects_bad_values_naming_field_and_value(
    field: str, value: object, message: str
) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        TrainerConfig(**{field: value})  # type: ignore[arg-type]
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}=")


def test_defaults_are_the_tutorials() -> None:
    config = TrainerConfig()
    assert (config.dataset, config.hidden, config.activation) == ("iris", (), "tanh01")
    assert (config.learning_rate, config.max_weight, config.seed) == (0.1, 0.5, 0)
    assert config.sampling == "random"
    trainer = Trainer(config)
    assert [w.shape for w in trainer.weights] == [(3, 5)]


def test_learning_rate_changes_between_steps_without_resetting() -> None:
    trainer = Trainer()
    trainer.run(50)
    weights = trainer.weights
    trainer.learning_rate = 0.5
    record = trainer.step()
    assert record.learning_rate == 0.5
    assert record.step == 51
    assert (record.layers[0].weights_before == weights[0]).all()
    with pytest.raises(ConfigError, match="learning_rate"):
        trainer.learning_rate = math.nan
    assert trainer.learning_rate == 0.5


def test_run_rejects_a_negative_or_non_integer_count() -> None:
    trainer = Trainer()
    for bad in (-1, 1.5, True):
        with pytest.raises(ValueError, match="non-negative integer"):
            trainer.run(bad)  # type: ignore[arg-type]
    assert trainer.run(0) is None
    assert trainer.step_count == 0
