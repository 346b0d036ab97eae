"""Chapter 1 ("Gradient descent on a loss landscape"): the plain gradient step, θ ← θ − η ∇f(θ).

``gradient_descent_step`` is the step itself, ``gradient_descent`` the loop that records every iterate
so that the path can be drawn on a contour plot, and :class:`GradientDescent` the same step as an
optimizer object with the ``step(params, grads)`` interface every optimizer of :mod:`momentum_lab.optim`
shares.
"""

from momentum_lab._validate import as_float_array, positive, positive_int
from momentum_lab._typing import Array, ArrayLike, GradFn
from momentum_lab.optim._engine import Optimizer


def gradient_descent_step(x: Array, grad: Array, lr: float) -> Array:
    """One gradient-descent step: ``x − lr · grad`` (a new array; ``x`` is not modified)."""
    return x - lr * grad


def gradient_descent(grad_fn: GradFn, x0: ArrayLike, lr: float, steps: int) -> Array:
    """Run ``steps`` steps of gradient descent from ``x0`` and return every iterate.

    Args:
        grad_fn: callable mapping a point of shape ``(d,)`` to its gradient, shape ``(d,)``.
        x0: start point, shape ``(d,)``.
        lr: step size η > 0.
        steps: number of steps (an integer ≥ 0).

    Returns:
        An array of shape ``(steps + 1, d)`` whose row ``k`` is θ_k (row 0 is ``x0``).
        If the iterates diverge (their norm passes ``DIVERGENCE_NORM`` or stops being finite) the run
        stops there with a :class:`DivergenceWarning`, and the array holds only the iterates computed
        up to that point, so a diverging run never returns NaN.

    This is ``trajectory(grad_fn, x0, GradientDescent(lr), steps)``; each step computes exactly
    ``gradient_descent_step(x, grad_fn(x), lr)``.
    """
    from momentum_lab.optim.trajectory import check_grad_fn, run

    check_grad_fn(grad_fn)
    x = as_float_array(x0, "x0", ndim=1)
    lr = positive(lr, "lr")
    steps = positive_int(steps, "steps", minimum=0)
    return run(grad_fn, x, GradientDescent(lr), steps, None, stacklevel=3)


class GradientDescent(Optimizer):
    """Plain gradient descent::

        θ ← θ − lr · g

    Args:
        lr: learning rate η ≥ 0.
    """

    label = "gradient descent"

    def rule(self, theta, g, *, first):
        theta -= g * self.lr
