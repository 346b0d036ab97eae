"""Chapter 1 ("Gradient descent on a loss landscape"): the plain gradient step, θ ← θ − η ∇f(θ).

``gradient_descent_step`` is the step itself, ``gradient_descent`` the loop that records every iterate
so that the path can be drawn on a contour plot, and :class:`GradientDescent` the same step as an
optimizer object with the ``step(params, grads)`` interface every optimizer of :mod:`momentum_lab.optim`
shares.
"""

from __future__ import annotations

import numpy as np

from momentum_lab._typing import ArrayLike, GradFn
from momentum_lab._validate import as_float_array, non_negative, positive, positive_int
from momentum_lab.optim._engine import Optimizer


def gradient_descent_step(x: ArrayLike, grad: ArrayLike, lr: float) -> np.ndarray:
    """One gradient-descent step: ``x − lr · grad`` (a new array; ``x`` is not modified).

    ``x`` and ``grad`` must be finite real arrays of the same shape and ``lr ≥ 0``; the result is float32
    when both are float32, else float64. Overflow (``lr · grad`` beyond the float range) gives ±inf, as
    NumPy does, with its RuntimeWarning.
    """
    point = as_float_array(x, "x", allow_empty=True, keep_float32=True)
    g = as_float_array(grad, "grad", allow_empty=True, keep_float32=True)
    if point.shape != g.shape:
        raise ValueError(f"x and grad must have the same shape; got x.shape={point.shape}, grad.shape={g.shape}")
    step = non_negative(lr, "lr")
    result: np.ndarray = point - step * g
    return result


def gradient_descent(grad_fn: GradFn, x0: ArrayLike, lr: float, steps: int) -> np.ndarray:
    """Run ``steps`` steps of gradient descent from ``x0`` and return every iterate.

    Args:
        grad_fn: callable mapping a point of shape ``(d,)`` to its gradient, shape ``(d,)``.
        x0: start point, shape ``(d,)`` (float32 stays float32, as in :func:`trajectory`).
        lr: step size η > 0.
        steps: number of steps (an integer ≥ 0).

    Returns:
        An array of shape ``(steps + 1, d)`` whose row ``k`` is θ_k (row 0 is ``x0``).
        If the iterates diverge (their norm passes ``DIVERGENCE_NORM`` or stops being finite) the run
        stops there with a :class:`DivergenceWarning`, and the array holds only the iterates computed
        up to that point, so a diverging run never returns NaN. A NaN or infinite gradient ends the run
        the same way.

    This is ``trajectory(grad_fn, x0, GradientDescent(lr), steps)``; each step computes exactly
    ``gradient_descent_step(x, grad_fn(x), lr)``.
    """
    from momentum_lab.optim.trajectory import check_grad_fn, run

    check_grad_fn(grad_fn)
    x = as_float_array(x0, "x0", ndim=1, keep_float32=True)
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

    def rule(self, theta: np.ndarray, g: np.ndarray, *buffers: np.ndarray, first: bool) -> None:
        """``θ ← θ − lr · g`` in place."""
        theta -= g * self.lr
