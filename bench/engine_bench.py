"""Engine speed against references measured in the same run (figures: docs/benchmarks.md).

Compares, per training step of the tutorial's 4-3 iris net (tanh01, learning rate 0.1):
- ``engine_many``: ``Trainer.run(n, record_last=False)``, the many-steps mode;
- ``engine_recorded``: ``Trainer.step()`` n times, every step with its full record;
- ``minimal_numpy``: a minimal hand-written NumPy loop doing the same math on the same net;
- for a deep net (spiral, hidden layers 8 and 4): ``deep_updated``, a bare loop of the many-steps
  mode's step (``core.backprop.updated_weights``), against ``deep_backprop``, the same loop through
  ``core.backprop.backprop`` and its full record (the many-steps mode's step before): what the
  record costs a deep step; ``deep_many``, the engine's many-steps mode (sampling and the learning
  curves' points included), for information;
- ``torch_autograd``: the canonical per-sample PyTorch autograd SGD loop (``nn.Linear``,
  ``torch.optim.SGD``), when torch is installed; ``torch_manual``, a leaner autograd loop that
  updates a bare tensor by hand, is reported beside it for information.

Rounds interleave the variants so that a noisy machine slows them alike; the ratio of each round
is taken against the reference of that same round, and the median over rounds is reported.
Targets: many-steps <= 1.2x minimal, recorded <= 2x minimal, both >= 10x faster than torch.

Run: ``make bench`` (or ``python -m bench.engine_bench --rounds 7``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable

import numpy as np

from core import Sampling, Trainer, TrainerConfig, backprop, load_dataset
from core.backprop import updated_weights

LEARNING_RATE = 0.1


def _iris_arrays() -> tuple[np.ndarray, np.ndarray]:
    train = load_dataset("iris").train
    x_b = np.hstack([train.x, np.ones((train.size, 1))])
    return x_b, np.array(train.target)


def minimal_numpy(n: int) -> float:
    """The tutorial's loop written by hand: seconds per step."""
    return _minimal_loop(n)[0]


def _minimal_loop(n: int, indices: np.ndarray | None = None) -> tuple[float, np.ndarray]:
    x_b, target = _iris_arrays()
    rng = np.random.default_rng(0)
    w = rng.uniform(-0.5, 0.5, size=(3, 5))
    if indices is None:
        indices = rng.integers(0, x_b.shape[0], size=n)
    start = time.perf_counter()
    for i in indices:
        x = x_b[i]
        net = w @ x
        t = np.tanh(net)
        output = (t + 1.0) / 2.0
        delta = (target[i] - output) * ((1.0 - t * t) / 2.0)
        w += LEARNING_RATE * np.outer(delta, x)
    return (time.perf_counter() - start) / n, w


def check_same_math() -> None:
    """The engine and the minimal loop compute the same thing: same weights after the same
    samples (sequential order, so both see the same ones)."""
    trainer = Trainer(TrainerConfig(learning_rate=LEARNING_RATE, sampling=Sampling.SEQUENTIAL))
    trainer.run(1_000, record_last=False)
    _, w = _minimal_loop(1_000, np.arange(1_000) % trainer.dataset.train.size)
    np.testing.assert_allclose(trainer.weights[0], w, rtol=1e-9, atol=1e-12)


def engine_many(n: int) -> float:
    trainer = Trainer(TrainerConfig(learning_rate=LEARNING_RATE))
    start = time.perf_counter()
    trainer.run(n, record_last=False)
    return (time.perf_counter() - start) / n


def engine_recorded(n: int) -> float:
    trainer = Trainer(TrainerConfig(learning_rate=LEARNING_RATE))
    step = trainer.step
    start = time.perf_counter()
    for _ in range(n):
        step()
    return (time.perf_counter() - start) / n


DEEP = TrainerConfig(dataset="spiral", hidden=(8, 4), learning_rate=LEARNING_RATE)


def deep_many(n: int) -> float:
    trainer = Trainer(DEEP)
    start = time.perf_counter()
    trainer.run(n, record_last=False)
    return (time.perf_counter() - start) / n


def deep_backprop(n: int) -> float:
    """Steps of the deep net through ``backprop``, its record built and dropped."""
    return _deep_loop(n, lambda *step: [layer.weights for layer in backprop(*step).layers])


def deep_updated(n: int) -> float:
    """``deep_backprop``'s steps (the same samples from the same weights) through
    ``updated_weights``."""
    return _deep_loop(n, updated_weights)


def _deep_loop(n: int, step: Callable[..., list[np.ndarray]]) -> float:
    trainer = Trainer(DEEP)
    weights, loss, activation = list(trainer.weights), trainer.loss, trainer.activation
    train = trainer.dataset.train
    indices = np.random.default_rng(0).integers(0, train.size, size=n).tolist()
    samples = [(np.array(train.x[i]), np.array(train.target[i])) for i in indices]
    start = time.perf_counter()
    for x, target in samples:
        weights = step(weights, x, target, activation, loss, LEARNING_RATE)
    return (time.perf_counter() - start) / n


def torch_autograd(n: int) -> float:
    """The canonical per-sample PyTorch loop: ``nn.Linear``, autograd, ``torch.optim.SGD``."""
    import torch

    torch.set_num_threads(1)
    x_np, t_np = _iris_arrays()
    x, target = torch.tensor(x_np[:, :-1]), torch.tensor(t_np)
    rng = np.random.default_rng(0)
    layer = torch.nn.Linear(4, 3, dtype=torch.float64)
    with torch.no_grad():
        w = torch.tensor(rng.uniform(-0.5, 0.5, size=(3, 5)))
        layer.weight.copy_(w[:, :-1])
        layer.bias.copy_(w[:, -1])
    optimizer = torch.optim.SGD(layer.parameters(), lr=LEARNING_RATE)
    indices = rng.integers(0, x_np.shape[0], size=n).tolist()
    start = time.perf_counter()
    for i in indices:
        optimizer.zero_grad()
        output = (torch.tanh(layer(x[i])) + 1.0) / 2.0
        loss = 0.5 * torch.sum((target[i] - output) ** 2)
        loss.backward()
        optimizer.step()
    return (time.perf_counter() - start) / n


def torch_manual(n: int) -> float:
    """A lean PyTorch autograd loop: a bare weight tensor updated by hand, no optimizer."""
    import torch

    torch.set_num_threads(1)
    x_np, t_np = _iris_arrays()
    x_b, target = torch.tensor(x_np), torch.tensor(t_np)
    rng = np.random.default_rng(0)
    w = torch.tensor(rng.uniform(-0.5, 0.5, size=(3, 5)), requires_grad=True)
    indices = rng.integers(0, x_np.shape[0], size=n).tolist()
    start = time.perf_counter()
    for i in indices:
        output = (torch.tanh(w @ x_b[i]) + 1.0) / 2.0
        loss = 0.5 * torch.sum((target[i] - output) ** 2)
        loss.backward()
        with torch.no_grad():
            assert w.grad is not None
            w -= LEARNING_RATE * w.grad
            w.grad.zero_()
    return (time.perf_counter() - start) / n


def _have_torch() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--steps", type=int, default=20_000)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()

    variants: dict[str, Callable[[int], float]] = {
        "minimal_numpy": minimal_numpy,
        "engine_many": engine_many,
        "engine_recorded": engine_recorded,
        "deep_many": deep_many,
        "deep_backprop": deep_backprop,
        "deep_updated": deep_updated,
    }
    if _have_torch():
        variants["torch_autograd"] = torch_autograd
        variants["torch_manual"] = torch_manual
    check_same_math()
    for fn in variants.values():  # warm-up: imports, caches, first allocations
        fn(500)
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(args.rounds):
        for name, fn in variants.items():
            steps = args.steps if not name.startswith("torch") else args.steps // 4
            times[name].append(fn(steps))

    def ratio(a: str, b: str) -> float:
        return statistics.median(x / y for x, y in zip(times[a], times[b], strict=True))

    results: dict[str, object] = {
        "us_per_step_median": {k: statistics.median(v) * 1e6 for k, v in times.items()},
        "engine_many / minimal_numpy": ratio("engine_many", "minimal_numpy"),
        "engine_recorded / minimal_numpy": ratio("engine_recorded", "minimal_numpy"),
        "deep_updated / deep_backprop": ratio("deep_updated", "deep_backprop"),
    }
    if "torch_autograd" in times:
        results["torch_autograd / engine_many"] = ratio("torch_autograd", "engine_many")
        results["torch_autograd / engine_recorded"] = ratio("torch_autograd", "engine_recorded")
        results["torch_manual / engine_many"] = ratio("torch_manual", "engine_many")
        results["torch_manual / engine_recorded"] = ratio("torch_manual", "engine_recorded")
    else:
        results["torch_autograd"] = "not installed (pip install torch==2.13.0 to include it)"
    print(json.dumps(results, indent=2))
    targets = [
        ("engine_many <= 1.2x minimal", results["engine_many / minimal_numpy"], 1.2, "<="),
        ("engine_recorded <= 2x minimal", results["engine_recorded / minimal_numpy"], 2.0, "<="),
    ]
    if "torch_autograd" in times:
        targets += [
            ("torch >= 10x engine_many", results["torch_autograd / engine_many"], 10.0, ">="),
            ("torch >= 10x recorded", results["torch_autograd / engine_recorded"], 10.0, ">="),
        ]
    for label, value, bound, op in targets:
        assert isinstance(value, float)
        ok = value <= bound if op == "<=" else value >= bound
        print(f"{'MET ' if ok else 'MISSED'} {label}: {value:.2f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
