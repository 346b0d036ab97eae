"""The test landscapes: hand-worked values, gradients and Hessians against finite differences."""

import numpy as np
import pytest

from momentum_lab import landscapes
from momentum_lab.landscapes import ElongatedValley, Quadratic, Rosenbrock, SaddleWell, quadratic_bowl

ALL = [landscapes.get(name) for name in landscapes.CATALOGUE] + [quadratic_bowl(30.0, dim=5, seed=3)]
IDS = [s.name for s in ALL]


def central_gradient(f, x, h=1e-6):
    g = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


def central_hessian(grad, x, h=1e-5):
    """Second order by differencing the analytic gradient; symmetrised."""
    H = np.zeros((x.size, x.size))
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        H[:, i] = (grad(x + e) - grad(x - e)) / (2 * h)
    return 0.5 * (H + H.T)


def second_difference(f, x, h=1e-4):
    """Hessian from values only (second-order central differences), independent of the gradient."""
    d = x.size
    H = np.zeros((d, d))
    for i in range(d):
        for j in range(d):
            ei = np.zeros(d)
            ej = np.zeros(d)
            ei[i] = h
            ej[j] = h
            H[i, j] = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4 * h * h)
    return H


@pytest.mark.parametrize("surface", ALL, ids=IDS)
def test_gradient_matches_finite_differences(surface):
    rng = np.random.default_rng(0)
    for _ in range(5):
        x = rng.uniform(-1.5, 1.5, surface.dim)
        np.testing.assert_allclose(surface.grad(x), central_gradient(surface.value, x), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("surface", ALL, ids=IDS)
def test_hessian_matches_finite_differences_of_gradient_and_of_values(surface):
    rng = np.random.default_rng(1)
    for _ in range(3):
        x = rng.uniform(-1.5, 1.5, surface.dim)
        H = surface.hessian(x)
        np.testing.assert_allclose(H, H.T, atol=1e-12)
        np.testing.assert_allclose(H, central_hessian(surface.grad, x), rtol=1e-6, atol=1e-5)
        np.testing.assert_allclose(H, second_difference(surface.value, x), rtol=1e-4, atol=2e-3)


@pytest.mark.parametrize("surface", ALL, ids=IDS)
def test_minimizers_are_stationary_with_positive_definite_hessian(surface):
    for m in surface.minimizers:
        np.testing.assert_allclose(surface.grad(m), 0.0, atol=1e-12)
        assert np.linalg.eigvalsh(surface.hessian(m))[0] > 0


@pytest.mark.parametrize("surface", [s for s in ALL if s.dim == 2], ids=lambda s: s.name)
def test_functions_work_on_grids(surface):
    grid = surface.grid(11)
    assert grid.shape == (11, 11, 2)
    assert surface.value(grid).shape == (11, 11)
    assert surface.grad(grid).shape == (11, 11, 2)
    assert surface.hessian(grid).shape == (11, 11, 2, 2)
    # Every grid point agrees with the pointwise evaluation.
    np.testing.assert_allclose(surface.value(grid)[3, 7], surface.value(grid[3, 7]))
    np.testing.assert_allclose(surface.hessian(grid)[5, 2], surface.hessian(grid[5, 2]))


def test_hand_worked_values():
    # Rosenbrock (a=1, b=100) at (0, 0): (1-0)² + 100(0-0)² = 1; gradient (-2(1-0) - 0, 0) = (-2, 0).
    r = Rosenbrock()
    assert r.value([0.0, 0.0]) == 1.0
    np.testing.assert_array_equal(r.grad([0.0, 0.0]), [-2.0, 0.0])
    # At (1, 1): Hessian [[2 - 400(1-1) + 800, -400], [-400, 200]] = [[802, -400], [-400, 200]].
    np.testing.assert_array_equal(r.hessian([1.0, 1.0]), [[802.0, -400.0], [-400.0, 200.0]])
    # Saddle well at (0, 0): value 0, Hessian diag(-1, c): one direction down, one up.
    s = SaddleWell(c=2.0)
    np.testing.assert_array_equal(s.hessian([0.0, 0.0]), [[-1.0, 0.0], [0.0, 2.0]])
    assert s.value([1.0, 0.0]) == -0.25  # 1/4 - 1/2
    # Valley at (π/2, 0.6): the floor y = 0.6 sin x, so r = 0 and f = ½·0.1·(π/2)².
    v = ElongatedValley()
    assert np.isclose(v.value([np.pi / 2, 0.6]), 0.05 * (np.pi / 2) ** 2)
    # Quadratic ½xᵀAx − bᵀx with A = diag(2, 4), b = (2, 4): minimizer (1, 1), value ½(2+4) − 6 = −3.
    q = Quadratic([[2.0, 0.0], [0.0, 4.0]], [2.0, 4.0])
    np.testing.assert_allclose(q.minimizers[0], [1.0, 1.0])
    assert q.minimum == -3.0
    assert (q.mu, q.L, q.condition_number) == (2.0, 4.0, 2.0)


@pytest.mark.parametrize("kappa", [1.0, 10.0, 100.0, 1e4])
@pytest.mark.parametrize("dim", [2, 6])
def test_quadratic_bowl_has_the_condition_number_asked_for(kappa, dim):
    bowl = quadratic_bowl(kappa, L=3.0, dim=dim)
    assert np.isclose(bowl.L, 3.0)
    assert np.isclose(bowl.condition_number, kappa, rtol=1e-9)


@pytest.mark.parametrize(
    "call, error, fragment",
    [
        (lambda: quadratic_bowl(0.5), ValueError, "condition_number must be >= 1; got condition_number=0.5"),
        (lambda: quadratic_bowl("10"), TypeError, "condition_number must be a real number"),
        (lambda: quadratic_bowl(10, L=-1), ValueError, "L must be > 0; got L=-1.0"),
        (lambda: Quadratic([[1.0, 2.0], [0.0, 1.0]]), ValueError, "A must be symmetric"),
        (lambda: Quadratic([[1.0, 0.0], [0.0, -1.0]]), ValueError, "A must be positive definite"),
        (lambda: Quadratic([[1.0, 0.0], [0.0, 1.0]], [1.0]), ValueError, "b must have shape (2,)"),
        (lambda: Rosenbrock().value([1.0, 2.0, 3.0]), ValueError, "x must have shape (..., 2)"),
        (lambda: Rosenbrock().grad([np.nan, 0.0]), ValueError, "x must contain only finite numbers"),
        (lambda: Rosenbrock().value("ab"), TypeError, "x must be array-like of numbers"),
        (lambda: landscapes.get("moon"), ValueError, "name must be one of"),
        (lambda: quadratic_bowl(10, dim=5).grid(), ValueError, "grid() needs a 2-d landscape"),
    ],
)
def test_bad_arguments_raise_clear_errors(call, error, fragment):
    with pytest.raises(error) as info:
        call()
    assert fragment in str(info.value)


def test_resolve_takes_a_landscape_or_a_catalogue_name():
    valley = ElongatedValley()
    assert landscapes.resolve(valley) is valley
    assert isinstance(landscapes.resolve("rosenbrock"), Rosenbrock)
    with pytest.raises(ValueError, match="landscape must be a Landscape or one of"):
        landscapes.resolve("moon")
