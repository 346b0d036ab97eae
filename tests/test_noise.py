"""Gradient noise (momentum_lab.noise): the closed forms against hand-worked values and simulation, the
measured minibatch variance against the sampling formula."""

import numpy as np
import pytest

from momentum_lab.data import load_digits
from momentum_lab.networks import SoftmaxMLP
from momentum_lab.noise import (
    minibatch_gradient_variance,
    noise_ball,
    noise_scale,
    per_example_gradients,
    sampling_variance,
    simulate_noisy_quadratic,
)
from momentum_lab.optim import SGD, ClassicalMomentum, GradientDescent


def test_noise_ball_by_hand():
    # SGD, η = 0.5, λ = 1, s = 1: E θ² = η s/(λ(2 − ηλ)) = 0.5/1.5 = 1/3, loss ½ · 1/3 = 1/6
    assert noise_ball(0.5, 1.0, 1.0) == pytest.approx(1 / 6, abs=1e-15)
    # heavy ball, η = 0.1, β = 0.9, λ = 1, s = 1: 0.1 · 1.9 / (2 · 0.1 · (3.8 − 0.1)) = 0.19/0.74
    assert noise_ball(0.1, 1.0, 1.0, momentum=0.9) == pytest.approx(0.19 / 0.74, abs=1e-15)
    # small steps: heavy ball (η, β) → SGD with η/(1 − β), both → η s/(4(1 − β))
    small = noise_ball(1e-6, 1.0, 1.0, momentum=0.9)
    assert small == pytest.approx(noise_ball(1e-5, 1.0, 1.0), rel=1e-5) == pytest.approx(1e-5 / 4, rel=1e-5)
    # beyond the stability limit ηλ < 2(1 + β): infinite
    assert noise_ball(3.9, 1.0, 1.0, momentum=0.9) == np.inf
    np.testing.assert_allclose(noise_ball(0.5, np.array([1.0, 4.0]), 1.0), [1 / 6, np.inf])


@pytest.mark.parametrize(
    "optimizer, lr, beta",
    [
        (lambda: GradientDescent(0.3), 0.3, 0.0),
        (lambda: SGD(0.05, momentum=0.9), 0.05, 0.9),
        (lambda: ClassicalMomentum(0.2, 0.6), 0.2, 0.6),
    ],
)
def test_simulation_settles_on_the_noise_ball(optimizer, lr, beta):
    lam = np.array([2.0, 0.5])
    losses = simulate_noisy_quadratic(
        lam, optimizer(), 3000, noise_std=0.7, batch_size=2, chains=400, theta0=np.zeros(2), seed=1
    )
    expected = noise_ball(lr, lam, 0.49 / 2, momentum=beta)
    assert losses[0] == 0.0
    assert losses[1000:].mean() == pytest.approx(expected.sum(), rel=0.05)
    each = simulate_noisy_quadratic(
        lam, optimizer(), 3000, noise_std=0.7, batch_size=2, chains=400, theta0=np.zeros(2), seed=1, per_direction=True
    )
    np.testing.assert_allclose(each.sum(axis=1), losses, rtol=1e-12)
    np.testing.assert_allclose(each[1000:].mean(axis=0), expected, rtol=0.07)


def test_simulation_without_noise_is_the_deterministic_run():
    lam = np.array([1.0, 0.1])
    losses = simulate_noisy_quadratic(lam, GradientDescent(0.5), 5, noise_std=0.0, chains=3)
    k = np.arange(6)
    expected = 0.5 * ((1 - 0.5) ** (2 * k) + 0.1 * (1 - 0.05) ** (2 * k))  # θ_i = (1 − ηλ_i)^k
    np.testing.assert_allclose(losses, expected, rtol=1e-14)


def test_sampling_variance_by_hand():
    # four examples g = 0, 0, 0, 4 (1-d): mean 1, tr Σ = (1+1+1+9)/4 = 3
    G = np.array([[0.0], [0.0], [0.0], [4.0]])
    assert sampling_variance(G, 1) == pytest.approx(3.0)
    assert sampling_variance(G, 2) == pytest.approx(3.0 / 2 * 2 / 3)  # finite-population factor (4−2)/3
    assert sampling_variance(G, 4) == 0.0
    assert noise_scale(G) == pytest.approx(3.0)  # tr Σ / ‖g‖² = 3/1
    # all six pairs: means 0, 0, 2, 0, 2, 2 → squared deviations 1, 1, 1, 1, 1, 1 → exactly 1
    assert minibatch_gradient_variance(G, 2, draws=4000, seed=0) == pytest.approx(1.0)


def test_per_example_gradients_average_to_the_full_gradient_and_match_the_formula():
    X, y, _, _ = load_digits()
    X, y = X[:300], y[:300]
    model = SoftmaxMLP((64, 8, 10), l2=1e-3)
    theta = model.init(0)
    G = per_example_gradients(model, theta, X, y)
    assert G.shape == (300, model.dim)
    np.testing.assert_allclose(G.mean(axis=0), model.grad(theta, X, y), atol=1e-14)
    measured = minibatch_gradient_variance(G, 16, draws=3000, seed=2)
    assert measured == pytest.approx(sampling_variance(G, 16), rel=0.06)


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: noise_ball(0.0, 1.0, 1.0), ValueError, "lr must be > 0"),
        (lambda: noise_ball(0.1, 0.0, 1.0), ValueError, "curvature must be > 0"),
        (lambda: noise_ball(0.1, 1.0, -1.0), ValueError, "noise_variance must be >= 0"),
        (lambda: noise_ball(0.1, 1.0, 1.0, momentum=1.0), ValueError, r"momentum must be in \[0, 1\)"),
        (lambda: sampling_variance(np.ones((3, 2)), 4), ValueError, "batch_size must be at most"),
        (
            lambda: noise_scale(np.ones((3, 2)) * [[1.0], [-1.0], [0.0]]),
            ValueError,
            "per_example_grads must not average to zero",
        ),
        (lambda: simulate_noisy_quadratic([1.0, -1.0], SGD(0.1), 3), ValueError, "curvatures must be > 0"),
        (lambda: simulate_noisy_quadratic([1.0], SGD(0.1), 3, theta0=[1.0, 2.0]), ValueError, "theta0 must have shape"),
    ],
)
def test_noise_functions_reject(call, error, words):
    with pytest.raises(error, match=words):
        call()
