"""Numbers that chapters 1–5 state after the errata review, recomputed from the library.

Each test computes the number the chapter prints or claims; none reads it from a notebook.
"""

import numpy as np
import pytest

from momentum_lab import landscapes
from momentum_lab.optim import SGD, trajectory
from momentum_lab.widgets.gradient_descent import explore_gd


# --- chapter 1, exercise ch1-ex-rosen: η = 0.0020 is above 2/L at the minimum and never converges --------


def test_rosenbrock_limit_at_the_minimum():
    run = explore_gd("rosenbrock", 0.0020, steps=10)
    # Hessian at (1, 1) is [[802, -400], [-400, 200]]: largest eigenvalue 501 + √(301² + 400²) = 1001.6006
    assert run["lr_limit"] == pytest.approx(2 / (501 + np.hypot(301, 400)), rel=1e-12)
    assert run["lr_limit"] == pytest.approx(0.0019968, abs=5e-8)
    assert 0.0020 > run["lr_limit"] > 0.00199


def test_rosenbrock_step_just_above_the_limit_oscillates():
    short = explore_gd("rosenbrock", 0.0020, steps=2000)
    long = explore_gd("rosenbrock", 0.0020, steps=20000)
    assert short["status"] == long["status"] == "oscillates"
    gap_short = short["losses"][-1] - short["landscape"].minimum
    gap_long = long["losses"][-1] - long["landscape"].minimum
    assert 3e-5 < gap_short < 6e-5  # prints as 0.0000 at four decimals, but is not 0
    assert 1.0e-3 < gap_long < 1.6e-3  # further from f* after 20 000 steps than after 2000
    path = long["path"]
    assert 2e-3 < np.linalg.norm(path[-1] - path[-2]) < 5e-3  # a two-step oscillation ...
    assert np.linalg.norm(path[-1] - path[-3]) < 1e-5  # ... that repeats every other step


@pytest.mark.parametrize("lr, status", [(0.0019, "converging"), (0.00199, "converging"), (0.0021, "diverges")])
def test_rosenbrock_scan_verdicts(lr, status):
    assert explore_gd("rosenbrock", lr, steps=2000)["status"] == status


def test_largest_stable_steps_are_the_fastest():
    gaps = {lr: explore_gd("rosenbrock", lr, steps=2000)["losses"][-1] for lr in (0.0018, 0.0019, 0.00199)}
    assert gaps[0.00199] < gaps[0.0019] < gaps[0.0018]


def test_one_over_k_bound_on_a_convex_bowl():
    bowl = landscapes.quadratic_bowl(1000.0, dim=50, seed=0)
    start = np.random.default_rng(2).standard_normal(50)
    path = trajectory(bowl.grad, start, SGD(1 / bowl.L), 2000)
    k = np.arange(1, 2001)
    bound = np.sum((start - bowl.minimizers[0]) ** 2) / (2 * (1 / bowl.L) * k)
    assert np.all(bowl.value(path[1:]) - bowl.minimum <= bound)


# --- chapter 2: dampening = β keeps g₀ with weight β^k; Adam starts at zero ------------------------------


def test_dampened_buffer_weights():
    beta, grads = 0.9, np.random.default_rng(4).standard_normal(10)
    b = None
    for g in grads:  # torch's rule: b = g on the first step
        b = g if b is None else beta * b + (1 - beta) * g
    k = len(grads) - 1
    weights = np.array([beta**k] + [(1 - beta) * beta ** (k - j) for j in range(1, k + 1)])
    assert b == pytest.approx(weights @ grads, abs=1e-14)
    assert weights.sum() == pytest.approx(1.0, abs=1e-14)
    adam = (1 - beta) * beta ** (k - np.arange(k + 1)) / (1 - beta ** (k + 1))
    assert adam.sum() == pytest.approx(1.0, abs=1e-14)
    assert weights[0] == pytest.approx(0.3874, abs=1e-4) and adam[0] == pytest.approx(0.0595, abs=1e-4)


@pytest.mark.frameworks
def test_dampened_buffer_matches_torch():
    torch = pytest.importorskip("torch")
    beta, grads = 0.9, np.random.default_rng(4).standard_normal(10)
    p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=1.0, momentum=beta, dampening=beta)
    for g in grads:
        p.grad = torch.tensor([g], dtype=torch.float64)
        opt.step()
    k = len(grads) - 1
    weights = np.array([beta**k] + [(1 - beta) * beta ** (k - j) for j in range(1, k + 1)])
    assert opt.state[p]["momentum_buffer"].item() == pytest.approx(weights @ grads, abs=1e-12)


@pytest.mark.parametrize("omega", [0.0, 0.3, np.arccos(0.45), 2.0, np.pi])
def test_momentum_filter_gain(omega):
    beta = 0.9
    k = np.arange(2000)
    v, history = 0.0, []
    for g in np.cos(omega * k):
        v = beta * v + g
        history.append(v)
    basis = np.stack([np.cos(omega * k[-200:]), np.sin(omega * k[-200:])], axis=1)
    (a, b), *_ = np.linalg.lstsq(basis, np.array(history[-200:]), rcond=1e-10)
    assert np.hypot(a, b) == pytest.approx(1 / np.sqrt(1 - 2 * beta * np.cos(omega) + beta**2), rel=1e-9)
    if np.isclose(omega, np.arccos(0.45)):
        assert np.hypot(a, b) == pytest.approx(1.0, rel=1e-9)  # momentum's gain = gradient descent's


# --- chapter 3: the discrete energy falls only when α < 2(1 − β)/L -----------------------------------------


def _double_well_energy_rises(alpha, beta, steps):
    f = lambda x: 0.25 * x**4 - 0.5 * x**2 + 0.25 * x
    df = lambda x: x**3 - x + 0.25
    x = np.linspace(-2.5, 2.5, 501)
    v, energy, rose = np.zeros_like(x), f(x), np.zeros(x.shape, dtype=bool)
    for _ in range(steps):
        v = beta * v + alpha * df(x)
        x_new = x - v
        energy_new = f(x_new) + beta / (2 * alpha) * (x_new - x) ** 2
        rose |= energy_new - energy > 1e-12
        x, energy = x_new, energy_new
    return int(rose.sum())


def test_double_well_energy():
    assert 2 * (1 - 0.5) / 17.75 > 0.05  # covered everywhere on [-2.5, 2.5]
    assert _double_well_energy_rises(0.05, 0.5, 4000) == 0
    assert 2 * (1 - 0.99) / 1.1 < 0.05  # not covered even at the shallow minimum
    assert _double_well_energy_rises(0.05, 0.99, 4000) == 501


@pytest.mark.parametrize("alpha, rises", [(0.9 * 2 * (1 - 0.99) / 1.1, False), (0.05, True)])
def test_energy_inequality_on_a_quadratic(alpha, rises):
    L, beta = 1.1, 0.99
    x_prev = x = np.random.default_rng(0).standard_normal(1000)
    energy, rose = 0.5 * L * x**2, False
    for _ in range(3000):
        x_next = x - alpha * L * x + beta * (x - x_prev)
        d = x_next - x
        energy_next = 0.5 * L * x_next**2 + beta / (2 * alpha) * d**2
        assert np.all(energy_next <= energy - ((1 - beta) / alpha - L / 2) * d**2 + 1e-12 * energy)
        rose |= bool(np.any(energy_next > energy * (1 + 1e-12)))
        x_prev, x, energy = x, x_next, energy_next
    assert rose == rises


# --- chapter 5: the memory of a million-parameter Hessian ------------------------------------------------


def test_hessian_memory():
    d, bytes_each = 10**6, np.dtype(np.float64).itemsize
    assert d * d * bytes_each == 8 * 10**12  # 8 TB, not 1 TB
    assert d * (d + 1) // 2 * bytes_each == pytest.approx(4e12, rel=1e-5)  # one triangle: 4 TB
