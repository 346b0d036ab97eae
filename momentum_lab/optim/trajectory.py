"""Trajectories: run an optimizer on a function from a start point and keep every iterate.

Chapter 1 draws these paths on contour plots; chapter 2 compares the paths of gradient descent and of
momentum; the explorers of both chapters show them live (:func:`~momentum_lab.optim.landscape_run` is what
they draw, with a verdict on each run: converged, still converging, oscillating or diverging).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from momentum_lab._typing import ArrayLike, GradFn
from momentum_lab._validate import as_float_array, as_real_array, check_callable, non_negative, positive, positive_int
from momentum_lab.optim._engine import Optimizer

if TYPE_CHECKING:
    from momentum_lab.landscapes import Landscape

#: Iterates whose norm exceeds this are treated as diverged (long before float64 overflows).
DIVERGENCE_NORM = 1e100


class DivergenceWarning(RuntimeWarning):
    """An optimizer's iterates left every sensible bound and the run was stopped early."""


def check_grad_fn(grad_fn: object) -> None:
    """Raise TypeError unless ``grad_fn`` is callable."""
    check_callable(grad_fn, "grad_fn", "x -> gradient at x")


def trajectory(
    grad_fn: GradFn, x0: ArrayLike, optimizer: Optimizer, steps: int, lr_schedule: Callable[[int], float] | None = None
) -> np.ndarray:
    """Run ``optimizer`` for ``steps`` steps from ``x0`` and return every iterate.

    Args:
        grad_fn: callable mapping a point of shape ``(d,)`` to its gradient, shape ``(d,)``.
        x0: start point, shape ``(d,)``, finite real numbers (copied; never modified). A float32 ``x0``
            runs in float32 (the gradients are cast to it) and gives float32 iterates; anything else
            runs in float64.
        optimizer: any object with ``step(params, grads)`` that updates a NumPy array in place
            (:class:`SGD`, :class:`ClassicalMomentum`, …). Its state for the working array starts empty,
            so one optimizer object can draw several trajectories.
        steps: number of steps (an integer ≥ 0).
        lr_schedule: optional callable ``k -> lr``; before step ``k`` (k = 0, 1, …) it sets
            ``optimizer.lr = lr_schedule(k)``. The optimizer's ``lr`` is restored afterwards.

    Returns:
        An array of shape ``(steps + 1, d)`` (float32 for a float32 ``x0``, else float64) whose row ``k``
        is θ_k (row 0 is ``x0``). If the iterates diverge (their norm passes ``DIVERGENCE_NORM`` or stops
        being finite), or ``grad_fn`` returns NaN or an infinity (in the iterates' dtype), the run stops
        there with a :class:`DivergenceWarning` and the array holds only the iterates computed up to that
        point, so a run never returns NaN. ``steps=0`` gives ``x0`` alone, shape ``(1, d)``.

    Raises:
        TypeError: ``grad_fn`` or ``lr_schedule`` not callable, an ``optimizer`` without ``step``, an
            ``x0`` (or a gradient ``grad_fn`` returns) of booleans, complex numbers, objects or strings.
        ValueError: ``x0`` not 1-d, empty or not finite; a negative ``steps``; a gradient of the wrong
            shape; a negative rate from ``lr_schedule``.
    """
    check_grad_fn(grad_fn)
    x = as_float_array(x0, "x0", ndim=1, keep_float32=True)
    if not callable(getattr(optimizer, "step", None)):
        raise TypeError(f"optimizer must have a step(params, grads) method; got {type(optimizer).__name__}")
    steps = positive_int(steps, "steps", minimum=0)
    if lr_schedule is not None:
        check_callable(lr_schedule, "lr_schedule", "k -> lr, or None")
        if not hasattr(optimizer, "lr"):
            raise TypeError(f"lr_schedule needs an optimizer with an lr attribute; got {type(optimizer).__name__}")
    return run(grad_fn, x, optimizer, steps, lr_schedule, stacklevel=3)


def _warn_divergence(optimizer: Any, what: str, k: int, count: int, stacklevel: int) -> None:
    lr = getattr(optimizer, "lr", None)
    at = f" (lr={lr:g})" if isinstance(lr, float) else ""
    warnings.warn(
        f"{getattr(optimizer, 'label', type(optimizer).__name__)} {what} at step {k + 1}{at}; "
        f"returning the {count} iterates computed before it",
        DivergenceWarning,
        stacklevel=stacklevel + 1,
    )


def run(
    grad_fn: GradFn,
    x0: np.ndarray,
    optimizer: Any,
    steps: int,
    lr_schedule: Callable[[int], float] | None,
    *,
    stacklevel: int,
) -> np.ndarray:
    """The loop of :func:`~momentum_lab.optim.trajectory.trajectory` (arguments already checked).

    The iterates keep ``x0``'s dtype. Each gradient is checked once per step (real dtype, shape, finite
    in that dtype); a non-finite one ends the run with a :class:`DivergenceWarning`, like a diverging
    iterate.
    """
    x = x0.copy()  # the working array, updated in place by the optimizer
    iterates = np.empty((steps + 1, x.size), dtype=x.dtype)
    iterates[0] = x
    count = 1
    original_lr = getattr(optimizer, "lr", None)
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            for k in range(steps):
                if lr_schedule is not None:
                    optimizer.lr = non_negative(lr_schedule(k), f"lr_schedule({k})")
                g = as_real_array(grad_fn(x), "grad_fn(x)")
                if g.shape != x.shape:
                    raise ValueError(f"grad_fn must return an array of x0's shape {x.shape}; got shape {g.shape}")
                if g.dtype != x.dtype:
                    g = g.astype(x.dtype)
                elif np.may_share_memory(g, x):
                    g = g.copy()  # e.g. grad_fn = lambda x: x
                if not np.isfinite(g).all():
                    _warn_divergence(optimizer, "got a non-finite gradient from grad_fn", k, count, stacklevel)
                    break
                optimizer.step(x, g)
                if not np.all(np.isfinite(x)) or np.linalg.norm(x) > DIVERGENCE_NORM:
                    _warn_divergence(optimizer, "diverged", k, count, stacklevel)
                    break
                iterates[count] = x
                count += 1
    finally:
        if lr_schedule is not None:
            optimizer.lr = original_lr
    return iterates[:count].copy() if count < steps + 1 else iterates


#: A run whose gap f − f* grows past this multiple of its starting gap counts as runaway and is cut.
RUNAWAY = 1e9


#: A run counts as converged once its gap f − f* is below this fraction of its starting gap (or of 1).
CONVERGED = 1e-12

#: The verdicts :func:`landscape_run` gives a run, in the words the explorers show.
STATUSES = ("converged", "converging", "oscillates", "diverges")


def landscape_run(
    surface: Landscape, optimizer: Optimizer, x0: ArrayLike, steps: int, *, lr_limit: float | None = None
) -> dict[str, Any]:
    """Run ``optimizer`` on ``surface`` from ``x0``: iterates, losses and a verdict on the run.

    What the landscape explorers plot must be finite, so a runaway run (a loss that is not finite, or
    whose gap f − f* grows past ``RUNAWAY`` times its starting gap, or at least 1) is cut before
    that point. A slowly diverging run (a rate a little above 1) never trips the cut, so a run that
    ends further from the minimum value than it started also counts as diverged.

    ``diverged`` catches only runs that blow up. A step a little above the stability limit at the
    minimum does not blow up: the iterates come close to the minimum and then hover around it in a
    two-step oscillation that never settles (gradient descent on Rosenbrock's function with η = 0.0020,
    just above 2/L = 0.0019968). Such a run looks converged for thousands of steps, so the verdict uses
    the limit, which the linearisation at the minimum gives exactly. ``status`` is one of
    ``STATUSES``:

    * ``"diverges"``: the run blew up or ended further from f* than it started (``diverged`` is True);
    * ``"oscillates"``: it did not blow up, but ``lr_limit`` is given and the optimizer's step size is
      at or above it, so the minimum repels the iterates: the run oscillates and does not converge;
    * ``"converged"``: the gap f − f* fell to ``CONVERGED`` times its starting gap (or times 1);
    * ``"converging"``: none of these; a stable run that has not yet reached the minimum.

    Returns a dict with ``path`` (k+1, d), ``losses`` (k+1,), ``diverged`` and ``status``. Arguments are
    checked as in :func:`trajectory`; ``surface`` must be a :class:`~momentum_lab.landscapes.Landscape`
    (``value``, ``grad`` and ``minimum``), ``x0`` of shape ``(surface.dim,)`` and ``lr_limit`` a number > 0
    or None.
    """
    for attribute in ("value", "grad", "minimum"):
        if not hasattr(surface, attribute):
            raise TypeError(f"surface must be a Landscape (with value, grad and minimum); got {type(surface).__name__}")
    if lr_limit is not None:
        lr_limit = positive(lr_limit, "lr_limit")
    start = as_float_array(x0, "x0", ndim=1, keep_float32=True)
    dim = getattr(surface, "dim", start.shape[0])
    if start.shape != (dim,):
        raise ValueError(f"x0 must have the landscape's shape ({dim},); got shape {start.shape}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DivergenceWarning)
        iterates = trajectory(surface.grad, start, optimizer, steps)
    diverged = any(issubclass(w.category, DivergenceWarning) for w in caught)
    with np.errstate(over="ignore", invalid="ignore"):
        losses = surface.value(iterates)
    gap0 = losses[0] - surface.minimum
    runaway = ~np.isfinite(losses) | (losses - surface.minimum > RUNAWAY * max(gap0, 1.0))
    if runaway.any():
        cut = max(int(np.argmax(runaway)), 1)
        iterates, losses, diverged = iterates[:cut], losses[:cut], True
    diverged = diverged or bool(losses[-1] - surface.minimum > gap0)
    if diverged:
        status = "diverges"
    elif lr_limit is not None and optimizer.lr >= lr_limit:
        status = "oscillates"
    elif losses[-1] - surface.minimum <= CONVERGED * max(gap0, 1.0):
        status = "converged"
    else:
        status = "converging"
    return {"path": iterates, "losses": losses, "diverged": diverged, "status": status}
