"""``momentum_lab.curvature``: eigenvalues from Hessian-vector products, checked against ``np.linalg.eigvalsh``
on random symmetric matrices (definite and indefinite), on a 2×2 worked by hand, and on the autodiff
Hessian-vector products of the logistic-regression loss."""

import numpy as np
import pytest

from momentum_lab import curvature as cv
from momentum_lab import models


def symmetric(eigenvalues, seed=0):
    """Q diag(eigenvalues) Qᵀ with a random orthogonal Q."""
    eigenvalues = np.asarray(eigenvalues, dtype=float)
    Q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((len(eigenvalues),) * 2))
    return (Q * eigenvalues) @ Q.T


def random_spectrum(kind, n, seed):
    rng = np.random.default_rng(seed)
    if kind == "positive definite":
        return np.sort(rng.uniform(0.1, 10.0, n))
    if kind == "indefinite":
        return np.sort(rng.uniform(-5.0, 8.0, n))
    if kind == "negative definite":
        return np.sort(-rng.uniform(0.5, 4.0, n))
    if kind == "ill-conditioned":
        return np.geomspace(1e-3, 1.0, n)
    raise ValueError(kind)


SPECTRA = [
    (kind, n, seed)
    for kind in ("positive definite", "indefinite", "negative definite", "ill-conditioned")
    for n, seed in ((6, 1), (25, 2))
]


def ids(case):
    kind, n, seed = case
    return f"{kind}-{n}"


# ---- a 2×2 worked by hand ------------------------------------------------------------------------------
# H = [[2, 1], [1, 2]] has eigenvalues 1 (vector (1, −1)/√2) and 3 (vector (1, 1)/√2).
# Power iteration from v = e₁: Hv = (2, 1), Rayleigh quotient vᵀHv = 2. Next v = (2, 1)/√5,
# Hv = (5, 4)/√5, vᵀHv = (10 + 4)/5 = 2.8. The error 3 − λ shrinks by (1/3)² per step: 1, 0.2, ...
# Lanczos from e₁: α₁ = e₁ᵀHe₁ = 2, Hq₁ − α₁q₁ = (0, 1) so β₁ = 1 and q₂ = e₂, α₂ = 2:
# T = [[2, 1], [1, 2]] = H itself, with Ritz values 1 and 3.
H2 = np.array([[2.0, 1.0], [1.0, 2.0]])


def test_power_iteration_by_hand():
    one = cv.power_iteration(lambda v: H2 @ v, [1.0, 0.0], iters=1)
    two = cv.power_iteration(lambda v: H2 @ v, [1.0, 0.0], iters=2)
    assert (one.value, one.iterations, one.converged) == (2.0, 1, False)
    assert two.value == pytest.approx(2.8, abs=1e-15) and not two.converged
    done = cv.power_iteration(lambda v: H2 @ v, [1.0, 0.0], tol=1e-12)
    assert done.converged and done.value == pytest.approx(3.0, abs=1e-15)
    assert abs(done.vector @ np.array([1.0, 1.0]) / np.sqrt(2)) == pytest.approx(1.0, abs=1e-12)


def test_lanczos_by_hand():
    result = cv.lanczos(lambda v: H2 @ v, 2, 2, v0=[1.0, 0.0])
    np.testing.assert_allclose(result.alphas, [2.0, 2.0], atol=1e-15)
    np.testing.assert_allclose(result.betas, [1.0], atol=1e-15)
    np.testing.assert_allclose(result.values, [1.0, 3.0], atol=1e-14)
    assert (result.smallest, result.largest) == pytest.approx((1.0, 3.0), abs=1e-14)


def test_extreme_eigenvalues_by_hand():
    mu, L = cv.extreme_eigenvalues(lambda v: H2 @ v, 2)
    assert (mu, L) == pytest.approx((1.0, 3.0), abs=1e-12)


# ---- random symmetric matrices ----------------------------------------------------------------------------
@pytest.mark.parametrize("case", SPECTRA, ids=ids)
def test_power_iteration_finds_the_largest_magnitude(case):
    spectrum = random_spectrum(*case)
    A = symmetric(spectrum, seed=case[2])
    result = cv.power_iteration(
        lambda v: A @ v, np.random.default_rng(9).standard_normal(len(A)), iters=200_000, tol=1e-11
    )
    dominant = spectrum[np.argmax(np.abs(spectrum))]
    assert result.converged
    assert result.value == pytest.approx(dominant, rel=1e-10)
    assert np.linalg.norm(A @ result.vector - result.value * result.vector) <= 1e-11 * abs(result.value)


@pytest.mark.parametrize("case", SPECTRA, ids=ids)
def test_extreme_eigenvalues_match_eigvalsh(case):
    spectrum = random_spectrum(*case)
    A = symmetric(spectrum, seed=case[2])
    exact = np.linalg.eigvalsh(A)
    found = cv.extreme_eigenvalues(lambda v: A @ v, len(A), seed=3, iters=200_000, tol=1e-11)
    assert found.converged
    scale = np.max(np.abs(exact))
    assert found.smallest == pytest.approx(exact[0], abs=1e-9 * scale)
    assert found.largest == pytest.approx(exact[-1], abs=1e-9 * scale)


@pytest.mark.parametrize("case", SPECTRA, ids=ids)
def test_full_lanczos_recovers_every_eigenvalue(case):
    spectrum = random_spectrum(*case)
    A = symmetric(spectrum, seed=case[2])
    result = cv.lanczos(lambda v: A @ v, len(A), len(A), seed=4)
    scale = np.max(np.abs(spectrum))
    np.testing.assert_allclose(result.values, np.linalg.eigvalsh(A), rtol=0, atol=1e-12 * scale)
    # Full reorthogonalisation keeps the basis orthonormal and T = QᵀAQ tridiagonal.
    Q = result.basis
    np.testing.assert_allclose(Q.T @ Q, np.eye(len(A)), atol=1e-13)
    T = np.diag(result.alphas) + np.diag(result.betas, 1) + np.diag(result.betas, -1)
    np.testing.assert_allclose(Q.T @ A @ Q, T, atol=1e-12 * scale)


@pytest.mark.parametrize("case", SPECTRA, ids=ids)
def test_partial_lanczos_ritz_values_lie_inside_and_residuals_are_exact(case):
    spectrum = random_spectrum(*case)
    A = symmetric(spectrum, seed=case[2])
    k = max(2, len(A) // 2)
    result = cv.lanczos(lambda v: A @ v, len(A), k, seed=5)
    assert result.values.shape == (k,)
    # Ritz values of a symmetric matrix lie in [λ_min, λ_max] (Cauchy interlacing).
    assert spectrum[0] - 1e-12 <= result.smallest and result.largest <= spectrum[-1] + 1e-12
    actual = np.linalg.norm(A @ result.vectors - result.vectors * result.values, axis=0)
    np.testing.assert_allclose(result.residuals, actual, atol=1e-12 * np.max(np.abs(spectrum)))


def test_lanczos_converges_to_the_ends_faster_than_power_iteration():
    # κ = 1000 with a cluster next to μ: shifted power iteration crawls, Lanczos does not.
    spectrum = np.concatenate([[1e-3], np.linspace(2e-3, 1.0, 99)])
    A = symmetric(spectrum, seed=7)
    lanczos = cv.lanczos(lambda v: A @ v, 100, 60, seed=0)
    assert lanczos.smallest == pytest.approx(1e-3, rel=1e-8)
    assert lanczos.largest == pytest.approx(1.0, rel=1e-12)
    power = cv.extreme_eigenvalues(lambda v: A @ v, 100, iters=60)
    assert abs(power.smallest - 1e-3) > 1e-4


def test_lanczos_stops_early_on_an_invariant_subspace():
    # Three distinct eigenvalues: the Krylov space of any start vector has dimension at most 3.
    A = symmetric([1.0, 1.0, 2.0, 2.0, 2.0, 5.0], seed=2)
    result = cv.lanczos(lambda v: A @ v, 6, 6, seed=1)
    assert len(result.values) == 3
    np.testing.assert_allclose(result.values, [1.0, 2.0, 5.0], atol=1e-12)
    np.testing.assert_allclose(result.residuals, 0.0, atol=1e-12)


def test_hessian_from_hvp_rebuilds_the_matrix():
    A = symmetric(random_spectrum("indefinite", 7, 3), seed=3)
    np.testing.assert_allclose(cv.hessian_from_hvp(lambda v: A @ v, 7), A, atol=1e-15)
    B = np.arange(9.0).reshape(3, 3)
    np.testing.assert_array_equal(cv.hessian_from_hvp(lambda v: B @ v, 3, symmetrize=False), B)


def test_zero_matrix_and_null_space():
    result = cv.power_iteration(lambda v: 0 * v, [1.0, 2.0])
    assert (result.value, result.converged) == (0.0, True)


# ---- on the Hessian of a real loss, through autodiff HVPs --------------------------------------------------
@pytest.fixture(scope="module")
def logistic():
    X, y = models.make_moons(120, 0.15, seed=3)
    model = models.LogisticRegression(models.polynomial_features(X, 3), y, l2=1e-3)
    theta = model.init(1)
    return model, theta, np.linalg.eigvalsh(model.hessian_by_hand(theta))


def test_on_logistic_hvps_power_and_lanczos_match_eigvalsh(logistic):
    model, theta, exact = logistic
    hvp = model.hvp_at(theta)
    found = cv.extreme_eigenvalues(hvp, model.dim, iters=20_000, tol=1e-11)
    assert found.converged
    assert (found.smallest, found.largest) == pytest.approx((exact[0], exact[-1]), rel=1e-8)
    full = cv.lanczos(hvp, model.dim, model.dim)
    np.testing.assert_allclose(full.values, exact, rtol=1e-10)
    np.testing.assert_allclose(cv.hessian_from_hvp(hvp, model.dim), model.hessian_by_hand(theta), atol=1e-14)


# ---- argument errors ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: cv.power_iteration("H", [1.0]), TypeError, "hvp must be callable"),
        (lambda: cv.power_iteration(lambda v: v, [0.0, 0.0]), ValueError, "v0 must not be the zero vector"),
        (lambda: cv.power_iteration(lambda v: v, [1.0], iters=0), ValueError, "iters must be >= 1"),
        (lambda: cv.power_iteration(lambda v: v, [1.0], tol=0.0), ValueError, "tol must be > 0"),
        (lambda: cv.power_iteration(lambda v: v[:1], [1.0, 2.0]), ValueError, "hvp must return an array of shape (2,)"),
        (lambda: cv.power_iteration(lambda v: v * np.nan, [1.0, 2.0]), ValueError, "non-finite"),
        (lambda: cv.lanczos(lambda v: v, 3, 4), ValueError, "k must be at most dim=3"),
        (lambda: cv.lanczos(lambda v: v, 3, 0), ValueError, "k must be >= 1"),
        (lambda: cv.lanczos(lambda v: v, 3, 2, v0=[1.0, 2.0]), ValueError, "v0 must have shape (3,)"),
        (lambda: cv.extreme_eigenvalues(lambda v: v, 0), ValueError, "dim must be >= 1"),
        (lambda: cv.hessian_from_hvp(lambda v: v, 2, symmetrize="yes"), TypeError, "symmetrize must be True or False"),
    ],
    ids=[
        "hvp not callable",
        "zero start",
        "no iterations",
        "zero tol",
        "wrong shape",
        "nan",
        "k > dim",
        "k = 0",
        "v0 shape",
        "dim = 0",
        "symmetrize",
    ],
)
def test_bad_arguments_are_named(call, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        call()
