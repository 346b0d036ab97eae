"""Convergence theory (``momentum_lab.theory``) against hand-worked values, the 2×2 matrices, finite
differences of the optimizers' own steps, and rates measured on random quadratics."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from momentum_lab import theory
from momentum_lab.landscapes import Quadratic
from momentum_lab.optim import SGD, ClassicalMomentum, DivergenceWarning, GradientDescent, trajectory

# ----------------------------------------------------------------------------------------------------
# Hand-worked values


def test_condition_number_100_numbers():
    # μ = 1, L = 100, κ = 100, √κ = 10.
    alpha, rate = theory.optimal_gd(1.0, 100.0)
    assert alpha == pytest.approx(2 / 101) and rate == pytest.approx(99 / 101)  # 0.980198
    assert round(rate, 6) == 0.980198
    alpha, beta, rate = theory.optimal_momentum(1.0, 100.0)
    # α* = 4/(10 + 1)² = 4/121, β* = (9/11)² = 81/121, rate 9/11
    assert (alpha, beta, rate) == pytest.approx((4 / 121, 81 / 121, 9 / 11), rel=1e-15)
    assert round(rate, 6) == 0.818182
    # log(1e-6)/log(99/101) = 690.8 → 691 steps; log(1e-6)/log(9/11) = 68.8 → 69 steps
    assert theory.iterations_to(99 / 101, 1e-6) == 691
    assert theory.iterations_to(9 / 11, 1e-6) == 69
    # Nesterov: α = 1/100, β = 9/11, rate 1 − 1/10
    assert theory.nesterov_parameters(1.0, 100.0) == pytest.approx((0.01, 9 / 11, 0.9), rel=1e-15)


HAND_RATES = [
    # |1 − 0.1·1| = 0.9, |1 − 0.1·10| = 0 → 0.9
    ("gd", lambda: theory.gd_rate(0.1, [1.0, 10.0]), 0.9),
    # β = 0: the heavy ball is gradient descent
    ("heavy ball β=0", lambda: theory.heavy_ball_rate(0.1, 0.0, [1.0, 10.0]), 0.9),
    # α = 0.16, β = 0.16, λ = 1: T = 1 + 0.16 − 0.16 = 1, z² − z + 0.16 = (z − 0.8)(z − 0.2) → 0.8
    ("heavy ball real roots", lambda: theory.heavy_ball_rate(0.16, 0.16, 1.0), 0.8),
    # α = 0.1, β = 0.5, λ = 2: T = 1.3, T² − 4β = 1.69 − 2 < 0 → complex, |z| = √0.5
    ("heavy ball complex roots", lambda: theory.heavy_ball_rate(0.1, 0.5, 2.0), math.sqrt(0.5)),
    # α = 0.1, β = 0.5, λ = 30: αλ = 3 = 2(1 + β): T = −1.5, z² + 1.5z + 0.5 = (z + 1)(z + 0.5) → 1
    ("heavy ball on the boundary", lambda: theory.heavy_ball_rate(0.1, 0.5, 30.0), 1.0),
    # α = 0.5, β = 0.5, λ = 1: 1 − αλ = 0.5, T = 0.75, D = 0.25, T² − 4D < 0 → √0.25
    ("nesterov complex roots", lambda: theory.nesterov_rate(0.5, 0.5, 1.0), 0.5),
    # α = 1, λ = 1: 1 − αλ = 0, both coefficients vanish, z = 0
    ("nesterov exact step", lambda: theory.nesterov_rate(1.0, 0.9, 1.0), 0.0),
    # αλ = 0.25: β = (1 − 0.5)² = 0.25 and the double root is 1 − 0.5
    ("critical momentum", lambda: theory.critical_momentum(0.25, 1.0), 0.25),
    ("critical rate", lambda: theory.heavy_ball_rate(0.25, 0.25, 1.0), 0.5),
    # 0.5³ = 0.125 > 0.1 ≥ 0.5⁴ = 0.0625
    ("iterations", lambda: theory.iterations_to(0.5, 0.1), 4),
    # 0.5³ = 0.125 exactly in binary: three steps, no extra step from round-off in the logarithms
    ("iterations at an exact power", lambda: theory.iterations_to(0.5, 0.125), 3),
    # the floats 0.1 and 1e-3 are not 1/10 and 10⁻³: 0.1 ** 3 == 0.0010000000000000002 > 1e-3, so a fourth
    # step is needed (0.1 ** 4 ≈ 1e-4 <= 1e-3); likewise 0.1 ** 6 > 1e-6 needs a seventh
    ("iterations at a decimal power", lambda: theory.iterations_to(0.1, 1e-3), 4),
    ("iterations at a decimal power, 1e-6", lambda: theory.iterations_to(0.1, 1e-6), 7),
    ("iterations rate 0", lambda: theory.iterations_to(0.0, 1e-9), 1),
    ("iterations rate 1", lambda: theory.iterations_to(1.0, 0.5), math.inf),
    # 2(1 + 0.9)/10 = 0.38
    ("stability boundary", lambda: theory.stability_boundary(0.9, 10.0), 0.38),
]


@pytest.mark.parametrize("name, compute, expected", HAND_RATES, ids=[c[0] for c in HAND_RATES])
def test_hand_worked_values(name, compute, expected):
    assert compute() == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_heavy_ball_matrix_by_hand():
    # α = 0.1, β = 0.5, λ = 2: [[1 + 0.5 − 0.2, −0.5], [1, 0]]
    np.testing.assert_allclose(theory.heavy_ball_matrix(0.1, 0.5, 2.0), [[1.3, -0.5], [1.0, 0.0]])
    # Nesterov, same numbers: 1 − αλ = 0.8 → [[1.5·0.8, −0.5·0.8], [1, 0]]
    np.testing.assert_allclose(theory.nesterov_matrix(0.1, 0.5, 2.0), [[1.2, -0.4], [1.0, 0.0]])


def test_functions_broadcast_over_grids():
    lrs, momenta = np.linspace(0.0, 0.5, 7), np.linspace(0.0, 0.95, 5)
    lams = [0.5, 1.0, 3.0]
    grid = theory.heavy_ball_rate(lrs[None, :], momenta[:, None], lams)
    assert grid.shape == (5, 7)
    for i, beta in enumerate(momenta):
        for j, alpha in enumerate(lrs):
            assert grid[i, j] == theory.heavy_ball_rate(alpha, beta, lams)
    assert theory.heavy_ball_matrix(lrs, 0.5, 1.0).shape == (7, 2, 2)
    assert theory.is_stable(lrs[None, :], momenta[:, None], lams).shape == (5, 7)
    assert theory.iterations_to(np.array([0.5, 2.0]), 0.1).tolist() == [4.0, math.inf]


@pytest.mark.parametrize(
    "method, single",
    [
        ("heavy_ball", theory.heavy_ball_rate),
        ("nesterov", theory.nesterov_rate),
        ("gd", lambda a, b, lam: theory.gd_rate(a, lam)),
    ],
)
def test_rate_map_is_the_rate_at_every_grid_point(method, single):
    lrs, momenta, lams = np.linspace(0.0, 1.2, 13), np.linspace(0.0, 0.99, 11), [0.3, 1.0, 2.5]
    grid = theory.rate_map(lrs, momenta, lams, method=method)
    assert grid.shape == (11, 13)
    expected = np.array([[single(a, b, lams) for a in lrs] for b in momenta])
    np.testing.assert_allclose(grid, expected, rtol=1e-15)


# ----------------------------------------------------------------------------------------------------
# Against the 2×2 matrices (NumPy eigenvalues) and between functions

alphas = st.floats(0.0, 3.0)
betas = st.floats(0.0, 1.2)
lambda_lists = st.lists(st.floats(0.01, 10.0), min_size=1, max_size=6)


def matrix_radius(matrices):
    return np.abs(np.linalg.eigvals(matrices)).max()


@settings(max_examples=150, deadline=None)
@given(alpha=alphas, beta=betas, lams=lambda_lists)
def test_rates_are_the_spectral_radius_of_the_matrices(alpha, beta, lams):
    # Near a double root the eigenvalues are only √ε-accurate (for both computations): atol 1e-6.
    hb = matrix_radius(theory.heavy_ball_matrix(alpha, beta, np.array(lams)))
    ne = matrix_radius(theory.nesterov_matrix(alpha, beta, np.array(lams)))
    assert theory.heavy_ball_rate(alpha, beta, lams) == pytest.approx(hb, rel=1e-9, abs=1e-6)
    assert theory.nesterov_rate(alpha, beta, lams) == pytest.approx(ne, rel=1e-9, abs=1e-6)


@settings(max_examples=150, deadline=None)
@given(alpha=alphas, beta=betas, lams=lambda_lists)
def test_rate_properties(alpha, beta, lams):
    rate = theory.heavy_ball_rate(alpha, beta, lams)
    # the two roots multiply to β, so the larger has modulus ≥ √β
    assert rate >= math.sqrt(beta) * (1 - 1e-12)
    # only the extreme eigenvalues matter
    assert rate == pytest.approx(max(theory.heavy_ball_rate(alpha, beta, lam) for lam in lams), rel=1e-14)
    # without momentum it is gradient descent
    assert theory.heavy_ball_rate(alpha, 0.0, lams) == pytest.approx(theory.gd_rate(alpha, lams), rel=1e-14)


@settings(max_examples=200, deadline=None)
@given(alpha=alphas, beta=betas, lams=lambda_lists)
def test_stable_exactly_when_the_rate_is_below_one(alpha, beta, lams):
    rate = theory.heavy_ball_rate(alpha, beta, lams)
    assume(abs(rate - 1) > 1e-6)  # away from the boundary, where round-off decides
    assert theory.is_stable(alpha, beta, lams) == (rate < 1)


@settings(max_examples=100, deadline=None)
@given(rate=st.floats(0.0, 0.999), tol=st.floats(1e-12, 0.99))
def test_iterations_to_is_the_first_k_below_tol(rate, tol):
    k = theory.iterations_to(rate, tol)
    assert rate**k <= tol
    assert k == 0 or rate ** (k - 1) > tol * (1 + 1e-12)


@settings(max_examples=100, deadline=None)
@given(mu=st.floats(0.01, 1.0), kappa=st.floats(1.5, 1e4))
def test_optimal_parameters_against_dense_eigenvalue_grids(mu, kappa):
    L = mu * kappa
    lams = np.linspace(mu, L, 401)
    alpha, beta, rate = theory.optimal_momentum(mu, L)
    assert rate == pytest.approx(math.sqrt(beta))
    # near the double roots at μ and L the computed modulus carries √ε round-off
    assert theory.heavy_ball_rate(alpha, beta, lams) == pytest.approx(rate, abs=1e-6)
    alpha, beta, rate = theory.nesterov_parameters(mu, L)
    assert theory.nesterov_rate(alpha, beta, lams) == pytest.approx(rate, abs=1e-6)
    alpha, rate = theory.optimal_gd(mu, L)
    assert theory.gd_rate(alpha, lams) == pytest.approx(rate, rel=1e-12)


def test_critical_momentum_makes_a_double_root():
    for alpha, lam in [(0.1, 1.0), (0.3, 2.0), (1.0, 0.04), (0.5, 5.0)]:
        beta = theory.critical_momentum(alpha, lam)
        trace = 1 + beta - alpha * lam
        assert trace**2 - 4 * beta == pytest.approx(0.0, abs=1e-12)
        assert theory.heavy_ball_rate(alpha, beta, lam) == pytest.approx(abs(1 - math.sqrt(alpha * lam)), abs=1e-7)
        # and it is the best momentum for that direction (checked on a fine grid of β)
        grid = np.linspace(0, 0.999, 2001)
        assert theory.heavy_ball_rate(alpha, grid, lam).min() >= theory.heavy_ball_rate(alpha, beta, lam) - 1e-6


def test_optimal_pair_beats_a_grid_search():
    mu, L = 0.5, 50.0
    alpha, beta, rate = theory.optimal_momentum(mu, L)
    lrs = np.linspace(0.0, 3 * alpha, 401)
    momenta = np.linspace(0.0, 0.999, 400)
    grid = theory.rate_map(lrs, momenta, [mu, L])
    assert grid.min() >= rate - 1e-7
    assert grid.min() <= rate + 0.01  # and the grid gets close to it
    gd_alpha, gd_rate = theory.optimal_gd(mu, L)
    assert theory.rate_map(lrs, [0.0], [mu, L], method="gd").min() >= gd_rate - 1e-12


# ----------------------------------------------------------------------------------------------------
# Finite differences of the optimizers' own steps: the 2×2 matrices are their Jacobians


def heavy_ball_map(state, lr, beta, lam):
    """(θ_k, θ_{k−1}) → (θ_{k+1}, θ_k) by one ClassicalMomentum step on f = ½λθ²."""
    theta_k, theta_prev = state
    opt, x = ClassicalMomentum(lr, beta), np.array([theta_k])
    opt.step(x, np.zeros(1))  # creates the state; with a zero gradient nothing moves
    opt.state[x]["velocity"][:] = theta_prev - theta_k  # classical: θ_k = θ_{k−1} − v_k
    opt.step(x, lam * x)
    return np.array([x[0], theta_k])


def nesterov_map(state, lr, beta, lam):
    """(φ_k, φ_{k−1}) → (φ_{k+1}, φ_k) by one Nesterov step (classical form) on f = ½λφ²."""
    phi_k, phi_prev = state
    opt, x = ClassicalMomentum(lr, beta, nesterov=True), np.array([phi_k])
    opt.step(x, np.zeros(1))
    # the previous step was φ_k = φ_{k−1} − β v_k − η λ φ_{k−1}; solve it for v_k
    opt.state[x]["velocity"][:] = (phi_prev - phi_k - lr * lam * phi_prev) / beta
    opt.step(x, lam * x)
    return np.array([x[0], phi_k])


def jacobian_fd(fn, point, h=1e-5):
    columns = []
    for i in range(2):
        e = np.zeros(2)
        e[i] = h
        columns.append((fn(point + e) - fn(point - e)) / (2 * h))
    return np.stack(columns, axis=1)


@pytest.mark.parametrize("lr, beta, lam", [(0.1, 0.9, 2.0), (0.4, 0.5, 1.0), (0.05, 0.3, 30.0), (1.0, 0.7, 0.1)])
def test_matrices_are_the_jacobians_of_one_step(lr, beta, lam):
    point = np.array([0.7, -0.3])
    hb = jacobian_fd(lambda s: heavy_ball_map(s, lr, beta, lam), point)
    np.testing.assert_allclose(hb, theory.heavy_ball_matrix(lr, beta, lam), atol=1e-8)
    ne = jacobian_fd(lambda s: nesterov_map(s, lr, beta, lam), point)
    np.testing.assert_allclose(ne, theory.nesterov_matrix(lr, beta, lam), atol=1e-8)


# ----------------------------------------------------------------------------------------------------
# Measured on random quadratics with known spectra


def random_quadratic(eigenvalues, seed):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((len(eigenvalues), len(eigenvalues))))
    A = (Q * np.asarray(eigenvalues)) @ Q.T
    return Quadratic(0.5 * (A + A.T)), rng.standard_normal(len(eigenvalues))


def measured_rate(path, k1, k2, window=20):
    """Per-step contraction between steps k1 and k2, from the envelope (max over a window) of ‖θ_k‖,
    so that oscillating (complex-root) runs are measured by their amplitude. The minimizer is 0."""
    norms = np.linalg.norm(path, axis=1)
    envelope = lambda k: norms[k - window : k + 1].max()  # noqa: E731
    return (envelope(k2) / envelope(k1)) ** (1 / (k2 - k1))


MEASURED = [
    # name, eigenvalues, optimizer, predicted rate, steps
    ("gd at 2/(μ+L)", np.geomspace(1, 20, 6), lambda: GradientDescent(2 / 21), theory.optimal_gd(1, 20)[1], 400),
    (
        "heavy ball, optimal",
        np.geomspace(1, 100, 8),
        lambda: SGD(theory.optimal_momentum(1, 100)[0], momentum=theory.optimal_momentum(1, 100)[1]),
        theory.optimal_momentum(1, 100)[2],
        400,
    ),
    (
        "heavy ball, over-damped",
        np.geomspace(1, 100, 8),
        lambda: ClassicalMomentum(0.01, 0.5),
        theory.heavy_ball_rate(0.01, 0.5, [1, 100]),
        600,
    ),
    (
        "heavy ball, under-damped",
        np.linspace(0.5, 2.0, 5),
        lambda: ClassicalMomentum(0.5, 0.9),
        theory.heavy_ball_rate(0.5, 0.9, [0.5, 2.0]),
        500,
    ),
    (
        "nesterov, Nesterov's parameters",
        np.geomspace(1, 100, 8),
        lambda: SGD(0.01, momentum=theory.nesterov_parameters(1, 100)[1], nesterov=True),
        theory.nesterov_parameters(1, 100)[2],
        400,
    ),
    (
        "nesterov, other parameters",
        np.geomspace(0.2, 5, 6),
        lambda: ClassicalMomentum(0.1, 0.6, nesterov=True),
        theory.nesterov_rate(0.1, 0.6, np.geomspace(0.2, 5, 6)),
        500,
    ),
]


@pytest.mark.parametrize("name, eigenvalues, make, predicted, steps", MEASURED, ids=[c[0] for c in MEASURED])
@pytest.mark.parametrize("seed", [0, 1])
def test_measured_rate_matches_theory_within_2_percent(name, eigenvalues, make, predicted, steps, seed):
    f, x0 = random_quadratic(eigenvalues, seed)
    path = trajectory(f.grad, x0, make(), steps)
    rate = measured_rate(path, steps // 2, steps)
    assert rate == pytest.approx(predicted, rel=0.02)


def test_no_measured_grid_point_beats_the_optimal_pair():
    # Run the heavy ball e_{k+1} = e_k − αAe_k + β(e_k − e_{k−1}) for a whole (α, β) grid at once and
    # measure every rate; the optimum (measured with SGD) is at least as fast as all of them, within the
    # 1% that the double roots at the optimum add to a finite-window measurement.
    f, x0 = random_quadratic(np.geomspace(1, 100, 6), seed=5)
    alpha_star, beta_star, rate_star = theory.optimal_momentum(1, 100)
    alphas = np.linspace(0.2, 2.0, 19)[:, None, None] * alpha_star
    betas = np.linspace(0.0, 0.95, 20)[None, :, None]
    steps = 400
    prev = cur = np.broadcast_to(x0, (19, 20, 6)).copy()
    norms = [np.linalg.norm(cur, axis=-1)]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            prev, cur = cur, cur - alphas * (cur @ f.A) + betas * (cur - prev)
            norms.append(np.linalg.norm(cur, axis=-1))
    norms = np.nan_to_num(np.array(norms), nan=np.inf)
    grid_rates = (norms[steps - 20 :].max(axis=0) / norms[steps // 2 - 20 : steps // 2 + 1].max(axis=0)) ** (2 / steps)
    best = trajectory(f.grad, x0, SGD(alpha_star, momentum=beta_star), steps)
    measured_star = measured_rate(best, steps // 2, steps)
    assert measured_star == pytest.approx(rate_star, rel=0.02)
    assert np.nanmin(grid_rates) >= measured_star * 0.99


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9])
@pytest.mark.parametrize("side, factor", [("just below", 0.99), ("just above", 1.01)])
def test_divergence_starts_at_two_times_one_plus_beta(beta, side, factor):
    f, x0 = random_quadratic([0.5, 2.0, 4.0], seed=3)
    lr = factor * theory.stability_boundary(beta, f.L)  # αL = 0.99 or 1.01 × 2(1 + β)
    assert theory.is_stable(lr, beta, f.eigenvalues) == (factor < 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergenceWarning)
        path = trajectory(f.grad, x0, SGD(lr, momentum=beta), 5000)
    final = np.linalg.norm(path[-1]) / np.linalg.norm(x0)
    if factor < 1:
        assert len(path) == 5001 and final < 1e-3
    else:
        assert final > 1e3


# ----------------------------------------------------------------------------------------------------
# Argument checks

BAD = [
    (lambda: theory.gd_rate(-0.1, [1.0]), ValueError, "lr must be >= 0; got lr=-0.1"),
    (lambda: theory.gd_rate([0.1, -0.2], [1.0]), ValueError, "lr must be >= 0; got a value -0.2 in lr"),
    (lambda: theory.gd_rate("fast", [1.0]), TypeError, "lr must be array-like of numbers"),
    (lambda: theory.heavy_ball_rate(0.1, -0.5, [1.0]), ValueError, "momentum must be >= 0; got momentum=-0.5"),
    (lambda: theory.heavy_ball_rate(0.1, float("nan"), [1.0]), ValueError, "momentum must contain only finite numbers"),
    (lambda: theory.heavy_ball_rate(0.1, 0.5, []), ValueError, "eigenvalues must not be empty"),
    (
        lambda: theory.heavy_ball_rate(0.1, 0.5, [[1.0, 2.0]]),
        ValueError,
        "eigenvalues must be a number or a 1-d list; got shape (1, 2)",
    ),
    (lambda: theory.nesterov_rate(0.1, 0.5, None), TypeError, "eigenvalues must be array-like of numbers"),
    (lambda: theory.heavy_ball_matrix(0.1, 0.5, "x"), TypeError, "lam must be array-like of numbers"),
    (lambda: theory.is_stable(0.1, 0.5, [float("inf")]), ValueError, "eigenvalues must contain only finite numbers"),
    (lambda: theory.stability_boundary(0.5, L=0), ValueError, "L must be > 0; got L=0"),
    (lambda: theory.optimal_gd(0.0, 1.0), ValueError, "mu must be > 0; got mu=0.0"),
    (lambda: theory.optimal_momentum(2.0, 1.0), ValueError, "mu must be <= L; got mu=2.0, L=1.0"),
    (lambda: theory.nesterov_parameters(1.0, "big"), TypeError, "L must be a real number; got L='big'"),
    (lambda: theory.critical_momentum(0.1, -1.0), ValueError, "lam must be >= 0; got lam=-1.0"),
    (lambda: theory.iterations_to(0.5, 1.0), ValueError, "tol must be in (0, 1); got tol=1.0"),
    (lambda: theory.iterations_to(-0.5, 0.1), ValueError, "rate must be >= 0; got rate=-0.5"),
    (
        lambda: theory.rate_map([0.1], [0.5], [1.0], method="adam"),
        ValueError,
        "method must be one of ['gd', 'heavy_ball', 'nesterov']; got method='adam'",
    ),
    (lambda: theory.rate_map([[0.1]], [0.5], [1.0]), ValueError, "lrs must be 1-d; got shape (1, 1)"),
    (lambda: theory.rate_map([0.1], 0.5, [1.0]), ValueError, "momenta must be 1-d; got shape ()"),
]


@pytest.mark.parametrize("call, error, fragment", BAD, ids=[c[2] for c in BAD])
def test_bad_arguments(call, error, fragment):
    with pytest.raises(error) as info:
        call()
    assert fragment in str(info.value)
