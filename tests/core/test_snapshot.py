"""Snapshots restore exactly, and a damaged or foreign one is refused saying where and why."""

from __future__ import annotations

import copy
import json
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import Sampling, Trainer, TrainerConfig
from core.snapshot import SnapshotError, restore_snapshot, take_snapshot


def _through_json(trainer: Trainer) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(json.dumps(take_snapshot(trainer), allow_nan=False))
    return document


def _same_weights(a: Trainer, b: Trainer) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a.weights, b.weights, strict=True))


@settings(max_examples=20, deadline=None)
@given(
    hidden=st.lists(st.integers(1, 6), max_size=2),
    sampling=st.sampled_from(list(Sampling)),
    before=st.integers(0, 700),
    after=st.integers(1, 400),
    seed=st.integers(0, 2**63 - 1),
)
def test_restored_trainer_takes_bit_identical_next_steps(
    hidden: list[int], sampling: Sampling, before: int, after: int, seed: int
) -> None:
    config = TrainerConfig(hidden=tuple(hidden), sampling=sampling, seed=seed)
    original = Trainer(config)
    original.run(before, record_last=False)
    restored = restore_snapshot(_through_json(original))
    assert restored.step_count == original.step_count == before
    a, b = original.run(after), restored.run(after)
    assert a is not None
    assert b is not None
    assert a.sample.index == b.sample.index
    assert _same_weights(original, restored)
    assert original.history.curves == restored.history.curves


def test_snapshot_keeps_a_changed_learning_rate_and_the_history() -> None:
    original = Trainer()
    original.run(3_000)
    original.learning_rate = 0.7
    restored = restore_snapshot(_through_json(original))
    assert restored.learning_rate == 0.7
    assert restored.config == original.config
    assert restored.history.curves == original.history.curves
    assert restored.history.interval == original.history.interval


def test_snapshot_of_a_diverged_net_restores_diverged() -> None:
    original = Trainer(TrainerConfig(activation="linear", learning_rate=10.0))
    original.run(1_000)
    assert original.diverged
    restored = restore_snapshot(_through_json(original))
    assert restored.diverged
    assert _same_weights(original, restored)


def test_snapshot_is_versioned_and_has_no_integer_a_browser_would_round() -> None:
    document = _through_json(Trainer())
    assert document["format"] == "delta-playground-snapshot"
    assert document["version"] == 1

    def integers(value: object) -> list[int]:
        if isinstance(value, dict):
            return [i for v in value.values() for i in integers(v)]
        if isinstance(value, list):
            return [i for v in value for i in integers(v)]
        return [value] if isinstance(value, int) and not isinstance(value, bool) else []

    assert all(abs(i) <= 2**53 for i in integers(document))


def _damaged(change: Any) -> dict[str, Any]:
    trainer = Trainer(TrainerConfig(hidden=(3,)))
    trainer.run(100)
    document = copy.deepcopy(_through_json(trainer))
    change(document)
    return document


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (lambda d: d.update(format="something-else"), "format", "must be"),
        (lambda d: d.update(version=99), "version", "must be 1"),
        (lambda d: d["config"].update(dataset="mnist"), "config.dataset", "unknown dataset"),
        (lambda d: d["config"].update(colour="red"), "config", "unknown fields"),
        (lambda d: d["config"].update(hidden=[3, 3]), "weights", "shapes must be"),
        (lambda d: d["weights"][0].pop(), "weights", "shapes must be"),
        (lambda d: d["weights"][1][0].pop(), "weights[1]", "equally long rows"),
        (lambda d: d["weights"][0][1].__setitem__(2, None), "weights[0][1][2]", "finite number"),
        (lambda d: d["weights"][0][1].__setitem__(2, 1e308 * 10), "weights[0][1][2]", "finite"),
        (lambda d: d.update(step=-5), "step", r"must be in \[0, "),
        (lambda d: d.update(step=10**40), "step", "an integer of 133 bits"),
        (lambda d: d.update(version=True), "version", "must be 1"),
        (lambda d: d.update(version=1.0), "version", "must be 1"),
        (lambda d: d["history"].update(interval=0), "history.interval", "must be in"),
        (lambda d: d["rng"]["state"].update(state=str(2**130)), "rng.state.state", r"2\*\*128"),
        (lambda d: d["rng"].update(uinteger=2**70), "rng", "not a PCG64 state"),
        (lambda d: d["weights"][0][0].__setitem__(0, 10**400), "weights[0][0][0]", "finite"),
        (lambda d: d.update(step="many"), "step", "must be an integer"),
        (lambda d: d["rng"].update(bit_generator="MT19937"), "rng", "not a PCG64 state"),
        (lambda d: d["sampler"]["queue"].append(75), "sampler", r"outside \[0, 75\)"),
        (lambda d: d["sampler"].update(position=10**6), "sampler", "position"),
        (lambda d: d["history"]["test"]["error"].pop(), "history.test", "equally long"),
        (lambda d: d["history"]["train"]["step"].reverse(), "history", "must increase"),
        (lambda d: d["history"].pop("validation"), "history.validation", "must be an object"),
        (lambda d: d.update(learning_rate=0), "learning_rate", "finite number in"),
        (lambda d: d.update(diverged="no"), "diverged", "true or false"),
        (lambda d: d["config"].update(loss="hinge"), "config.loss", "unknown loss"),
        (lambda d: d["history"]["train"]["loss"].pop(), "history.train", "equally long"),
        (lambda d: d["history"]["train"]["loss"].__setitem__(0, -1.0), "history.train", ">= 0"),
    ],
)
def test_damaged_snapshot_is_refused_saying_where_and_why(
    change: Any, path: str, message: str
) -> None:
    with pytest.raises(SnapshotError, match=message) as caught:
        restore_snapshot(_damaged(change))
    assert caught.value.path == path


@pytest.mark.parametrize("document", [None, [], "snapshot", 3, {"format": 1}])
def test_foreign_documents_are_refused(document: object) -> None:
    with pytest.raises(SnapshotError):
        restore_snapshot(document)


def test_a_cross_entropy_snapshot_restores_its_loss_and_losses() -> None:
    original = Trainer(TrainerConfig(dataset="xor", hidden=(3,), loss="cross_entropy", seed=4))
    original.run(500)
    document = _through_json(original)
    assert document["config"]["loss"] == "cross_entropy"
    assert document["history"]["train"]["loss"] == original.history.curves["train"].loss
    restored = restore_snapshot(document)
    assert restored.config.loss == "cross_entropy"
    assert restored.history.curves == original.history.curves
    a, b = original.run(50), restored.run(50)
    assert a is not None
    assert b is not None
    assert _same_weights(original, restored)
    assert a.loss == b.loss


def test_a_snapshot_without_losses_is_squared_errors() -> None:
    original = Trainer(TrainerConfig(hidden=(2,), seed=6))
    original.run(700)
    document = _through_json(original)
    del document["config"]["loss"]  # as written before the loss could be chosen
    for name in ("train", "validation", "test"):
        del document["history"][name]["loss"]
    restored = restore_snapshot(document)
    assert restored.config.loss == "squared_error"
    assert restored.history.curves == original.history.curves  # n_outputs / 2 x the error
    original.run(300)
    restored.run(300)
    assert _same_weights(original, restored)


def test_a_cross_entropy_snapshot_without_losses_is_refused() -> None:
    document = _through_json(Trainer(TrainerConfig(loss="cross_entropy")))
    del document["history"]["test"]["loss"]
    with pytest.raises(SnapshotError, match="missing") as caught:
        restore_snapshot(document)
    assert caught.value.path == "history.test.loss"


def test_an_edited_weight_is_in_the_snapshot_and_the_next_steps_go_on_from_it() -> None:
    original = Trainer(TrainerConfig(hidden=(3,), seed=8))
    original.run(40)
    original.set_weight(1, 2, 3, -1.25)
    restored = restore_snapshot(_through_json(original))
    assert restored.weights[1][2, 3] == -1.25
    original.run(60)
    restored.run(60)
    assert _same_weights(original, restored)
