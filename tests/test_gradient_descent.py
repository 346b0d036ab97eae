"""Plain gradient descent (chapter 1): hand-worked steps, the 2/L boundary, divergence handling."""

import numpy as np
import pytest

from momentum_lab.landscapes import Quadratic, quadratic_bowl
from momentum_lab.optim import DivergenceWarning, gradient_descent, gradient_descent_step


def test_one_step_by_hand():
    # f = ½(2x² + 4y²) at (1, 1): gradient (2, 4); with η = 0.1 the step lands at (0.8, 0.6).
    q = Quadratic([[2.0, 0.0], [0.0, 4.0]])
    path = gradient_descent(q.grad, [1.0, 1.0], 0.1, 1)
    np.testing.assert_allclose(path, [[1.0, 1.0], [0.8, 0.6]])
    np.testing.assert_allclose(gradient_descent_step(np.array([1.0, 1.0]), np.array([2.0, 4.0]), 0.1), [0.8, 0.6])


def test_error_contracts_by_one_minus_lr_lambda_per_eigendirection():
    # On a diagonal quadratic each coordinate is multiplied by (1 − ηλ_i) every step.
    lam = np.array([0.5, 3.0])
    q = Quadratic(np.diag(lam))
    lr, steps = 0.3, 25
    path = gradient_descent(q.grad, [1.0, -2.0], lr, steps)
    expected = np.array([1.0, -2.0]) * (1 - lr * lam) ** np.arange(steps + 1)[:, None]
    np.testing.assert_allclose(path, expected, rtol=1e-12)


@pytest.mark.parametrize("factor, converges", [(0.99, True), (1.01, False)])
def test_two_over_L_is_the_boundary(factor, converges):
    bowl = quadratic_bowl(10.0, L=4.0)
    path = gradient_descent(bowl.grad, [1.0, 1.0], factor * 2.0 / bowl.L, 3000)
    final = np.linalg.norm(path[-1])
    assert (final < 1.0) == converges


def test_divergence_stops_early_with_a_warning_and_no_nan():
    q = Quadratic(np.diag([1.0, 1.0]))
    with pytest.warns(DivergenceWarning, match="diverged at step"):
        path = gradient_descent(q.grad, [1.0, 1.0], 50.0, 1000)
    assert len(path) < 1001
    assert np.all(np.isfinite(path))


def test_does_not_modify_the_start_point():
    x0 = np.array([1.0, 2.0])
    gradient_descent(lambda x: x, x0, 0.5, 3)
    np.testing.assert_array_equal(x0, [1.0, 2.0])


@pytest.mark.parametrize(
    "kwargs, error, fragment",
    [
        (dict(lr=0.0), ValueError, "lr must be > 0; got lr=0.0"),
        (dict(lr=-0.1), ValueError, "lr must be > 0; got lr=-0.1"),
        (dict(lr="0.1"), TypeError, "lr must be a real number"),
        (dict(steps=-1), ValueError, "steps must be >= 0; got steps=-1"),
        (dict(steps=2.5), TypeError, "steps must be an integer"),
        (dict(x0=[[1.0, 2.0]]), ValueError, "x0 must have 1 dimension(s)"),
        (dict(grad_fn=3), TypeError, "grad_fn must be callable"),
        (
            dict(grad_fn=lambda x: np.zeros(3)),
            ValueError,
            "grad_fn must return an array of x0's shape (2,); got shape (3,)",
        ),
    ],
)
def test_bad_arguments(kwargs, error, fragment):
    args = dict(grad_fn=lambda x: x, x0=[1.0, 2.0], lr=0.1, steps=5) | kwargs
    with pytest.raises(error) as info:
        gradient_descent(**args)
    assert fragment in str(info.value)
