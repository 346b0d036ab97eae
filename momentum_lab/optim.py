"""Optimizers from scratch in NumPy.

Chapter 1 introduces plain gradient descent, ``θ ← θ − η ∇f(θ)``, and a loop that records the whole
trajectory so that it can be drawn on a contour plot.
"""

import warnings

import numpy as np

from momentum_lab._validate import as_float_array, positive, positive_int


class DivergenceWarning(RuntimeWarning):
    """An optimizer's iterates left every sensible bound and the run was stopped early."""


#: Iterates whose norm exceeds this are treated as diverged (long before float64 overflows).
DIVERGENCE_NORM = 1e100


def gradient_descent_step(x, grad, lr):
    """One gradient-descent step: ``x − lr · grad`` (a new array; ``x`` is not modified)."""
    return x - lr * grad


def gradient_descent(grad_fn, x0, lr, steps):
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
    """
    if not callable(grad_fn):
        raise TypeError(f"grad_fn must be callable; got {type(grad_fn).__name__}")
    x = as_float_array(x0, "x0", ndim=1)
    lr = positive(lr, "lr")
    steps = positive_int(steps, "steps", minimum=0)
    iterates = [x.copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps):
            g = np.asarray(grad_fn(x), dtype=float)
            if g.shape != x.shape:
                raise ValueError(f"grad_fn must return shape {x.shape}; got shape {g.shape}")
            x = gradient_descent_step(x, g, lr)
            if not np.all(np.isfinite(x)) or np.linalg.norm(x) > DIVERGENCE_NORM:
                warnings.warn(
                    f"gradient descent diverged at step {k + 1} (lr={lr:g}); "
                    f"returning the {len(iterates)} iterates computed before it",
                    DivergenceWarning,
                    stacklevel=2,
                )
                break
            iterates.append(x.copy())
    return np.array(iterates)
