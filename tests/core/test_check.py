"""The check of a learner's step: right answers pass (float64 and float32), and each known mistake,
made here with its wrong arithmetic written out, is named as that mistake and only that one.

The right step is written out here too (plain NumPy, the tutorial's formulas), independently of
``core.backprop``, and each mistake's answer changes one line of it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from core import ACTIVATIONS, LOSSES, Trainer, TrainerConfig
from core.check import DEFAULT_TOLERANCE, Status, check_step
from core.exercise import ExerciseError
from core.mistakes import MISTAKES

QUANTITIES = ("net", "output", "activation_diff", "delta", "weight_update", "weights")


def tanh01(net: Any) -> Any:
    return (np.tanh(net) + 1) / 2


def tanh01_diff(net: Any) -> Any:
    return (1 - np.tanh(net) ** 2) / 2


def problem(hidden: tuple[int, ...] = (3,), seed: int = 0, eta: float = 0.1) -> dict[str, Any]:
    """A tanh01 net on 4 inputs with 2 outputs, weights in [-1, 1]."""
    rng = np.random.default_rng(seed)
    sizes = [4, *hidden, 2]
    return {
        "activation": "tanh01",
        "loss": "squared_error",
        "learning_rate": eta,
        "x": rng.uniform(0, 1, 4),
        "target": np.array([0.0, 1.0]),
        "weights": [rng.uniform(-1, 1, (n, m + 1)) for m, n in itertools.pairwise(sizes)],
    }


def step_by_hand(
    p: dict[str, Any],
    *,
    net_of: Callable[[Any, Any], Any] = lambda w, x_b: w @ x_b,
    diff_of: Callable[[Any, Any], Any] = lambda net, y: tanh01_diff(net),
    error_of: Callable[[Any, Any], Any] = lambda t, y: t - y,
    back: Callable[[Any, Any, Any], Any] | None = None,
    update_of: Callable[[Any, Any, float], Any] = lambda d, x_b, eta: eta * np.outer(d, x_b),
    output_delta: Callable[[Any, Any], Any] = lambda e, diff: e * diff,
    f: Callable[[Any], Any] = tanh01,
    dtype: Any = np.float64,
) -> dict[str, Any]:
    """The tutorial's step, squared error and tanh01 in every layer, each formula replaceable:
    ``back(w_next, w_next_after, delta_next)`` sends a delta back (``w_next[:, :-1].T @ d``)."""
    weights = [np.asarray(w, dtype) for w in p["weights"]]
    eta = dtype(p["learning_rate"])
    a = np.asarray(p["x"], dtype)
    x_bs, nets, outputs, diffs = [], [], [], []
    for w in weights:
        x_b = np.concatenate([a, np.ones(1, dtype)])
        net = net_of(w, x_b)
        a = f(net)
        x_bs.append(x_b)
        nets.append(net)
        outputs.append(a)
        diffs.append(diff_of(net, a))
    error = error_of(np.asarray(p["target"], dtype), a)
    deltas = [output_delta(error, diffs[-1])]
    for layer in range(len(weights) - 2, -1, -1):
        w_next = weights[layer + 1]
        if back is None:
            sent = w_next[:, :-1].T @ deltas[0]
        else:
            sent = back(w_next, w_next + update_of(deltas[0], x_bs[layer + 1], eta), deltas[0])
        if sent.shape != diffs[layer].shape:  # the bias column carried back: a bias "slope" 1
            sent = sent * np.append(diffs[layer], 1.0)
        else:
            sent = sent * diffs[layer]
        deltas.insert(0, sent)
    layers = []
    for layer, w in enumerate(weights):
        update = update_of(deltas[layer], x_bs[layer], eta)
        after = w + update if update.shape == w.shape else w
        layers.append(
            {
                "net": nets[layer],
                "output": outputs[layer],
                "activation_diff": diffs[layer],
                "delta": deltas[layer],
                "weight_update": update,
                "weights": after,
            }
        )
    return {"layers": layers, "error": error}


def named(answer: dict[str, Any], p: dict[str, Any]) -> set[str]:
    return {m.id for q in check_step(p, answer).quantities for m in q.mistakes}


def only(answer: dict[str, Any], keep: dict[int, tuple[str, ...]]) -> dict[str, Any]:
    """The answer cut to the quantities ``keep`` names per layer (the error dropped)."""
    layers = answer["layers"]
    return {"layers": [{q: layers[i][q] for q in keep.get(i, ())} for i in range(len(layers))]}


def without(answer: dict[str, Any], quantity: str) -> dict[str, Any]:
    """The answer without ``quantity`` in any layer (a step that never computes it)."""
    layers = [{q: v for q, v in layer.items() if q != quantity} for layer in answer["layers"]]
    return {**answer, "layers": layers}


def test_the_hand_written_step_is_all_correct() -> None:
    p = problem()
    verdict = check_step(p, step_by_hand(p))
    assert verdict.correct
    assert verdict.first_wrong is None
    assert {q.status for q in verdict.quantities} == {Status.CORRECT}


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("hidden", [(), (3,), (4, 2)])
def test_the_engines_own_record_is_all_correct(
    activation: str, loss: str, hidden: tuple[int, ...]
) -> None:
    dataset = "xor" if loss == "cross_entropy" else "iris"
    config = TrainerConfig(dataset=dataset, hidden=hidden, activation=activation, loss=loss)
    trainer = Trainer(config)
    trainer.run(50, record_last=False)
    record = trainer.step()
    p = {
        "activation": activation,
        "loss": loss,
        "learning_rate": record.learning_rate,
        "x": record.sample.x.tolist(),
        "target": record.target.tolist(),
        "weights": [layer.weights_before.tolist() for layer in record.layers],
    }
    answer = {
        "layers": [{q: getattr(layer, q).tolist() for q in QUANTITIES} for layer in record.layers],
        "error": record.error.tolist(),
    }
    verdict = check_step(p, answer)
    assert verdict.correct, [q for q in verdict.quantities if q.status is not Status.CORRECT]
    assert {q.status for q in verdict.quantities} == {Status.CORRECT}


def _sigmoid(net: Any) -> Any:
    return 1 / (1 + np.exp(-net))


# each activation written out, f and f' (of net), as a learner's float32 code would have them
WRITTEN_OUT: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "tanh01": (tanh01, tanh01_diff),
    "sigmoid": (_sigmoid, lambda net: _sigmoid(net) * (1 - _sigmoid(net))),
    "tanh": (np.tanh, lambda net: 1 - np.tanh(net) ** 2),
    "relu": (lambda net: np.maximum(net, 0), lambda net: (net > 0).astype(net.dtype)),
    "leaky_relu": (
        lambda net: np.where(net > 0, net, net * net.dtype.type(0.01)),
        lambda net: np.where(net > 0, 1, 0.01).astype(net.dtype),
    ),
    "linear": (lambda net: net, np.ones_like),
}


def test_every_activation_is_written_out_for_the_float32_test() -> None:
    assert set(WRITTEN_OUT) == set(ACTIVATIONS)


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("hidden", [(), (3,), (4, 2)])
@pytest.mark.parametrize("activation", sorted(WRITTEN_OUT))
def test_a_float32_computation_of_the_right_step_passes_at_the_default_tolerance(
    seed: int, hidden: tuple[int, ...], activation: str
) -> None:
    f, f_diff = WRITTEN_OUT[activation]
    p = problem(hidden, seed)
    p["activation"] = activation
    rng = np.random.default_rng(seed)
    p["weights"] = [w * 3 for w in p["weights"]]  # saturated units: slopes near 0
    if seed % 2:  # outputs a hair from their targets: errors that are small differences
        right = step_by_hand(p, f=f, diff_of=lambda net, y: f_diff(net))
        p["target"] = right["layers"][-1]["output"] + rng.normal(0, 1e-4, 2)
    answer = step_by_hand(p, f=f, diff_of=lambda net, y: f_diff(net), dtype=np.float32)
    assert answer["layers"][0]["delta"].dtype == np.float32
    verdict = check_step(p, answer)
    assert DEFAULT_TOLERANCE == 1e-6
    assert verdict.correct, [
        (q.layer, q.quantity, q.max_abs_difference, q.scale)
        for q in verdict.quantities
        if q.status is not Status.CORRECT
    ]


def test_a_float32_step_fails_at_a_tolerance_below_float32s_precision() -> None:
    p = problem((3,), 1)
    verdict = check_step(p, step_by_hand(p, dtype=np.float32), tolerance=1e-12)
    assert not verdict.correct


# Each mistake's answer: the hand-written step with that one line wrong, and the quantities given.
def _diff_of_output(p: dict[str, Any]) -> dict[str, Any]:
    return step_by_hand(p, diff_of=lambda net, y: tanh01_diff(y))


def _tanh_diff(p: dict[str, Any]) -> dict[str, Any]:
    return step_by_hand(p, diff_of=lambda net, y: 1 - np.tanh(net) ** 2)


MISTAKE_ANSWERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "net_without_bias": lambda p: step_by_hand(p, net_of=lambda w, x_b: w[:, :-1] @ x_b[:-1]),
    "diff_of_output": _diff_of_output,
    "diff_of_another_activation": _tanh_diff,
    "diff_left_out": lambda p: without(
        step_by_hand(p, diff_of=lambda net, y: np.ones_like(net)), "activation_diff"
    ),
    "sign_flipped": lambda p: step_by_hand(p, error_of=lambda t, y: y - t),
    "hidden_delta_with_w": lambda p: step_by_hand(p, back=lambda w, after, d: w[:, :-1] @ d),
    "hidden_delta_with_bias_column": lambda p: step_by_hand(p, back=lambda w, after, d: w.T @ d),
    "hidden_delta_with_weights_after": lambda p: step_by_hand(
        p, back=lambda w, after, d: after[:, :-1].T @ d
    ),
    "update_without_bias_input": lambda p: step_by_hand(
        p, update_of=lambda d, x_b, eta: eta * np.outer(d, np.append(x_b[:-1], 0.0))
    ),
    "update_without_learning_rate": lambda p: step_by_hand(
        p, update_of=lambda d, x_b, eta: np.outer(d, x_b)
    ),
    "update_transposed": lambda p: step_by_hand(
        p, update_of=lambda d, x_b, eta: eta * np.outer(x_b, d)
    ),
}


@pytest.mark.parametrize("mistake", sorted(MISTAKE_ANSWERS))
def test_each_mistake_is_named_as_that_mistake_only(mistake: str) -> None:
    # a square hidden-to-output matrix (3 hidden units, 3 outputs), so that W δ exists
    p = problem((3,))
    p["target"] = np.array([0.0, 1.0, 0.0])
    p["weights"][1] = np.random.default_rng(7).uniform(-1, 1, (3, 4))
    answer = MISTAKE_ANSWERS[mistake](p)
    verdict = check_step(p, answer)
    assert not verdict.correct
    assert named(answer, p) == {mistake}
    first = next(q for q in verdict.quantities if q.status is Status.WRONG)
    assert (first.layer, first.quantity) == verdict.first_wrong
    assert [m.id for m in first.mistakes] == [mistake]


def test_every_mistake_of_the_catalogue_is_tested() -> None:
    tested = {*MISTAKE_ANSWERS, "slope_at_cross_entropy", "wikipedia_convention"}
    assert set(MISTAKES) == tested


def test_a_mistake_is_named_where_it_shows_when_the_quantities_before_are_not_given() -> None:
    p = problem((3,))
    answer = _diff_of_output(p)
    verdict = check_step(p, only(answer, {1: ("delta",)}))  # just the output delta
    assert verdict.first_wrong == (1, "delta")
    assert named(only(answer, {1: ("delta",)}), p) == {"diff_of_output"}


def test_the_quantities_after_a_mistake_are_wrong_but_not_named() -> None:
    p = problem((3,))
    verdict = check_step(p, _diff_of_output(p))
    wrong = [(q.layer, q.quantity) for q in verdict.quantities if q.status is Status.WRONG]
    assert wrong[0] == (0, "activation_diff")
    assert (1, "weights") in wrong  # carried through the step
    assert next(q.mistakes for q in verdict.quantities if q.mistakes)[0].id == "diff_of_output"
    assert sum(1 for q in verdict.quantities if q.mistakes) == 2  # both layers' f'


def test_a_delta_with_the_slope_at_a_cross_entropy_output_is_named() -> None:
    p = problem(())
    p["loss"] = "cross_entropy"
    w = p["weights"][0]
    net = w @ np.append(p["x"], 1.0)
    y = np.exp(net - net.max()) / np.exp(net - net.max()).sum()  # softmax
    delta = (p["target"] - y) * y * (1 - y)  # the slope that cancelled, multiplied in
    answer = {"layers": [{"net": net, "output": y, "delta": delta}]}
    verdict = check_step(p, answer)
    assert verdict.first_wrong == (0, "delta")
    assert named(answer, p) == {"slope_at_cross_entropy"}
    update = 0.1 * np.outer(p["target"] - y, np.append(p["x"], 1))
    right = {"layers": [{"delta": p["target"] - y, "weight_update": update}]}
    assert check_step(p, right).correct


def _wikipedia(p: dict[str, Any]) -> dict[str, Any]:
    """Wikipedia's convention: δ = +∂E/∂net = (y − t) ∘ f'(net), sent back the same way, and
    the update subtracts: W ← W − η δ [x; 1]ᵀ."""
    right = step_by_hand(p, error_of=lambda t, y: y - t)  # the deltas of Wikipedia's sign
    layers = []
    for layer, w in zip(right["layers"], p["weights"], strict=True):
        x_b = layer["weight_update"]  # η δ_wiki [x; 1]ᵀ: the amount subtracted
        layers.append({**layer, "weights": w - x_b})
    return {"layers": layers}


def test_the_wikipedia_sign_is_recognised_as_a_convention() -> None:
    p = problem((3,))
    verdict = check_step(p, _wikipedia(p))
    assert verdict.correct
    assert verdict.first_wrong is None
    conventions = [q for q in verdict.quantities if q.status is Status.CONVENTION]
    assert {(q.layer, q.quantity) for q in conventions} == {
        (0, "delta"),
        (1, "delta"),
        (0, "weight_update"),
        (1, "weight_update"),
    }
    assert all([m.id for m in q.mistakes] == ["wikipedia_convention"] for q in conventions)
    assert all(m.kind == "convention" for q in conventions for m in q.mistakes)


def test_wikipedias_deltas_with_the_tutorials_update_are_a_convention_too() -> None:
    p = problem((3,))
    wiki, right = _wikipedia(p), step_by_hand(p)
    answer = only(wiki, {0: ("delta",), 1: ("delta",)})
    for layer, part in zip(answer["layers"], right["layers"], strict=True):
        layer["weight_update"] = part["weight_update"]  # −η ∂E/∂W, Wikipedia's Δw
    assert check_step(p, answer).correct


def test_a_reversed_delta_without_weights_is_named_both_ways() -> None:
    p = problem((3,))
    answer = only(_wikipedia(p), {1: ("delta",)})
    verdict = check_step(p, answer)
    assert verdict.first_wrong == (1, "delta")
    assert named(answer, p) == {"sign_flipped", "wikipedia_convention"}


def test_an_update_without_the_bias_column_is_named() -> None:
    p = problem(())
    right = step_by_hand(p)
    update = right["layers"][0]["weight_update"][:, :-1]  # (n_out, n_in): no bias column
    answer = {"layers": [{"delta": right["layers"][0]["delta"], "weight_update": update}]}
    assert named(answer, p) == {"update_without_bias_input"}
    q = next(q for q in check_step(p, answer).quantities if q.quantity == "weight_update")
    assert q.max_abs_difference is None  # the shapes differ


def test_not_given_quantities_are_marked_and_an_empty_answer_is_correct() -> None:
    p = problem((3,))
    verdict = check_step(p, {})
    assert verdict.correct
    assert {q.status for q in verdict.quantities} == {Status.NOT_GIVEN}
    order = [(q.layer, q.quantity) for q in verdict.quantities]
    assert order[:3] == [(0, "net"), (0, "output"), (0, "activation_diff")]
    assert order[6:9] == [(1, "error"), (1, "delta"), (0, "delta")]
    assert order[-1] == (1, "weights")


def test_the_tolerance_is_settable() -> None:
    p = problem(())
    right = step_by_hand(p)
    delta = right["layers"][0]["delta"] * (1 + 1e-4)
    answer = {"layers": [{"delta": delta}]}
    assert not check_step(p, answer).correct
    assert check_step(p, answer, tolerance=1e-3).correct


def test_the_verdict_serializes_to_json_values() -> None:
    import json

    p = problem((3,))
    document = check_step(p, _diff_of_output(p)).to_dict()
    text = json.dumps(document, allow_nan=False)
    assert json.loads(text)["first_wrong"] == {"layer": 0, "quantity": "activation_diff"}
    assert set(document["expected"]["layers"][0]) >= set(QUANTITIES)


def test_check_leaves_its_arguments_unchanged() -> None:
    p = problem((3,))
    answer = step_by_hand(p)
    copies = [w.copy() for w in p["weights"]], answer["layers"][0]["delta"].copy()
    check_step(p, answer)
    for w, c in zip(p["weights"], copies[0], strict=True):
        np.testing.assert_array_equal(w, c)
    np.testing.assert_array_equal(answer["layers"][0]["delta"], copies[1])


@pytest.mark.parametrize(
    ("change", "place"),
    [
        (lambda p: p.update(activation="swish"), "problem.activation"),
        (lambda p: p.update(loss="hinge"), "problem.loss"),
        (lambda p: p.update(learning_rate=float("nan")), "problem.learning_rate"),
        (lambda p: p["x"].__setitem__(2, np.inf), "problem.x[2]"),
        (lambda p: p.update(x=p["x"][:3]), "problem.weights[0]"),
        (lambda p: p["weights"].__setitem__(1, np.zeros((2, 3))), "problem.weights[1]"),
        (lambda p: p.update(target=[0.0, 1.0, 0.0]), "problem.target"),
        (lambda p: p.update(weights=[]), "problem.weights"),
        (lambda p: p.pop("x"), "problem.x"),
        (lambda p: p.update(bias=1), "problem.bias"),
    ],
)
def test_a_problem_that_does_not_fit_is_refused_naming_the_place(
    change: Callable[[dict[str, Any]], Any], place: str
) -> None:
    p = problem((3,))
    change(p)
    with pytest.raises(ExerciseError) as info:
        check_step(p, {})
    assert info.value.place == place


@pytest.mark.parametrize(
    ("answer", "place"),
    [
        ({"layers": [{}]}, "answer.layers"),
        ({"layers": [{}, {"delta": [1.0, float("nan")]}]}, "answer.layers[1].delta[1]"),
        ({"layers": [{}, {"delta": [[1.0], [2.0, 3.0]]}]}, "answer.layers[1].delta"),
        ({"layers": [{}, {"delts": [1.0]}]}, "answer.layers[1].delts"),
        ({"errors": [1.0]}, "answer.errors"),
        ({"error": "big"}, "answer.error"),
    ],
)
def test_an_answer_that_cannot_be_read_is_refused_naming_the_place(
    answer: dict[str, Any], place: str
) -> None:
    with pytest.raises(ExerciseError) as info:
        check_step(problem((3,)), answer)
    assert info.value.place == place


def test_a_dead_relu_layer_with_zero_deltas_is_correct_not_a_convention() -> None:
    p = problem(())
    p["activation"] = "relu"
    p["weights"] = [np.full((2, 5), -1.0)]  # every net < 0: f' = 0, delta = 0
    update = np.zeros((2, 5))
    answer = {"layers": [{"delta": np.zeros(2), "weight_update": update}]}
    verdict = check_step(p, answer)
    assert verdict.correct
    assert {q.status for q in verdict.quantities if q.given is not None} == {Status.CORRECT}


def test_the_check_is_importable_from_core() -> None:
    import core

    assert core.check_step is check_step
