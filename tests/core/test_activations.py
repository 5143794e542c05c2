"""Each activation's f' against a central difference of its f; no warnings at extreme nets."""

from __future__ import annotations

import numpy as np
import pytest

from core import ACTIVATIONS, get_activation, max_slope

NETS = np.array([-3.0, -1.2, -0.3, 0.2, 0.7, 2.5])  # away from ReLU's kink at 0


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_diff_matches_central_difference_of_f(name: str) -> None:
    act = get_activation(name)
    eps = 1e-6
    numeric = (act.f(NETS + eps) - act.f(NETS - eps)) / (2 * eps)
    np.testing.assert_allclose(act.diff(NETS), numeric, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_both_gives_the_same_values_as_f_and_diff(name: str) -> None:
    act = get_activation(name)
    output, slope = act.both(NETS.copy())
    np.testing.assert_allclose(output, act.f(NETS), rtol=1e-15)
    np.testing.assert_allclose(slope, act.diff(NETS), rtol=1e-15)
    if act.f_and_diff is not None:
        fast_output, fast_slope = act.f_and_diff(NETS.copy())
        np.testing.assert_allclose(fast_output, act.f(NETS), rtol=1e-15)
        np.testing.assert_allclose(fast_slope, act.diff(NETS), rtol=1e-15)


def test_tutorial_activation_is_half_shifted_tanh() -> None:
    act = get_activation("tanh01")
    np.testing.assert_allclose(act.f(NETS), (np.tanh(NETS) + 1) / 2)
    np.testing.assert_allclose(act.diff(NETS), (1 - np.tanh(NETS) ** 2) / 2)
    np.testing.assert_allclose(get_activation("sigmoid").f(NETS), 1 / (1 + np.exp(-NETS)))


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_extreme_nets_give_no_warning_and_finite_values(name: str) -> None:
    act = get_activation(name)
    nets = np.array([-1e300, -800.0, 800.0, 1e300])
    assert np.all(np.isfinite(act.f(nets))) or name in {"relu", "leaky_relu", "linear"}
    assert np.all(np.isfinite(act.diff(nets)))


def test_relu_family_slopes_at_and_below_the_kink() -> None:
    nets = np.array([-2.0, 0.0, 2.0])
    np.testing.assert_array_equal(get_activation("relu").diff(nets), [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(get_activation("leaky_relu").diff(nets), [0.01, 0.01, 1.0])
    np.testing.assert_array_equal(get_activation("leaky_relu").f(nets), [-0.02, 0.0, 2.0])


def test_unknown_activation_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown activation 'softmax'; known: .*tanh01"):
        get_activation("softmax")


def test_f_does_not_change_its_input() -> None:
    for act in ACTIVATIONS.values():
        nets = NETS.copy()
        act.f(nets)
        act.diff(nets)
        act.both(nets)
        np.testing.assert_array_equal(nets, NETS)


# f'(0) of the S-shaped ones by hand: tanh01 (1 - tanh²0)/2, sigmoid s(0)(1 - s(0)) = 1/2 · 1/2,
# tanh 1 - tanh²0; the others' f' is 1 for net > 0
MAX_SLOPES = {
    "tanh01": 0.5,
    "sigmoid": 0.25,
    "tanh": 1.0,
    "relu": 1.0,
    "leaky_relu": 1.0,
    "linear": 1.0,
}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_max_slope_is_the_largest_value_of_diff(name: str) -> None:
    act = get_activation(name)
    assert max_slope(act) == MAX_SLOPES[name]
    nets = np.random.default_rng(0).normal(0.0, 5.0, 10_000)
    assert np.all(act.diff(nets) <= max_slope(act))
