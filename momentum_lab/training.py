"""Training a model with the course's optimizer, and a minimiser accurate to the last digits (chapter 10).

* :func:`train`: full-batch heavy-ball momentum (:class:`momentum_lab.optim.SGD`) on a model of
  :mod:`momentum_lab.models`, recording ``θ_k`` and the loss at every step (:class:`TrainingRun`);
* :func:`fit`: minibatch training of a :class:`momentum_lab.networks.SoftmaxMLP` (chapters 11 and 12) with
  any optimizer of :mod:`momentum_lab.optim`, an optional learning-rate schedule, and the per-step
  minibatch losses recorded (:class:`FitRecord`);
* :func:`newton_minimum`: damped Newton steps to a minimiser ``θ*`` with a gradient of ~1e-10, the
  reference that measured convergence rates are taken against
  (:func:`momentum_lab.theory.measured_rate`).

Edges: a run whose loss or gradient stops being finite (a learning rate far too large) raises
FloatingPointError naming the step and the rate, instead of filling the record with NaN; bad arguments
(a model without the methods used, a ``theta0`` of the wrong shape, indices outside the data) are a
TypeError or ValueError naming the argument.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from momentum_lab._validate import (
    as_float_array,
    as_real_array,
    check_callable,
    flag,
    non_negative,
    positive,
    positive_int,
)
from momentum_lab.optim import SGD


def _check_model(model: object, needs: Sequence[str], what: str) -> None:
    missing = [name for name in needs if not hasattr(model, name)]
    if missing:
        raise TypeError(f"model must be {what} (with {', '.join(needs)}); got {type(model).__name__}")


def _start(theta0: npt.ArrayLike, dim: int) -> np.ndarray:
    theta = as_float_array(theta0, "theta0", ndim=1).copy()
    if theta.shape != (dim,):
        raise ValueError(f"theta0 must have shape ({dim},) (the model's dim); got shape {theta.shape}")
    return theta


def _diverged(k: int, loss: float, gradient: np.ndarray, lr: float, name: str = "loss") -> None:
    """Raise FloatingPointError if the loss or the gradient at step k is not finite."""
    if not np.isfinite(loss) or not np.all(np.isfinite(gradient)):
        what = f"the {name} is {loss}" if not np.isfinite(loss) else f"the {name}'s gradient is not finite"
        raise FloatingPointError(f"{what} at step {k}: the run diverged (lr={lr:g})")


__all__ = ["FitRecord", "TrainingRun", "fit", "newton_minimum", "train"]


@dataclass(frozen=True)
class TrainingRun:
    """A training run: ``thetas[k]`` is ``θ_k`` (shape ``(steps + 1, dim)``), ``losses[k]`` is ``f(θ_k)``."""

    thetas: np.ndarray
    losses: np.ndarray

    def distances(self, theta_star: npt.ArrayLike) -> np.ndarray:
        """``‖θ_k − θ*‖`` for every k (``theta_star`` of shape ``(dim,)``)."""
        star = as_float_array(theta_star, "theta_star", ndim=1)
        if star.shape != self.thetas.shape[1:]:
            raise ValueError(f"theta_star must have shape {self.thetas.shape[1:]}; got shape {star.shape}")
        return np.linalg.norm(self.thetas - star, axis=1)


def train(
    model: Any,
    theta0: npt.ArrayLike,
    lr: float,
    momentum: float,
    steps: int,
    *,
    nesterov: bool = False,
    log_every: int = 0,
    value_and_grad: Callable[[np.ndarray], tuple[float, np.ndarray]] | None = None,
) -> TrainingRun:
    """Full-batch heavy-ball momentum on ``model`` from ``theta0``, with :class:`momentum_lab.optim.SGD`.

    Step k (k = 0, …, steps − 1): ``f(θ_k), g = value_and_grad(θ_k)``, then ``SGD.step`` (torch's form:
    ``b ← g`` at the first step, ``b ← β b + g`` after, ``θ ← θ − α b``). The loss at the last iterate
    is evaluated after the loop, so ``losses`` has ``steps + 1`` entries, like ``thetas``.

    Args:
        model: a :class:`Model`.
        theta0: the start, shape ``(dim,)`` (copied).
        lr, momentum: the step size α > 0 and the momentum β ≥ 0.
        steps: number of updates.
        nesterov: use Nesterov's momentum (as torch does).
        log_every: if > 0, print ``step k: loss …`` every ``log_every`` steps and after the last one.
        value_and_grad: the function ``θ ↦ (f(θ), ∇f(θ))``; default ``model.value_and_grad`` (autodiff).

    Returns a :class:`TrainingRun`. A loss or gradient that stops being finite raises FloatingPointError.
    """
    _check_model(model, ("dim", "loss", "value_and_grad"), "a Model")
    theta = _start(theta0, model.dim)
    positive(lr, "lr")
    steps = positive_int(steps, "steps", minimum=0)
    log_every = positive_int(log_every, "log_every", minimum=0)
    value_and_grad = model.value_and_grad if value_and_grad is None else value_and_grad
    check_callable(value_and_grad, "value_and_grad", "theta -> (loss, grad), or None")
    optimizer = SGD(lr, momentum=momentum, nesterov=nesterov)
    thetas = np.empty((steps + 1, model.dim))
    losses = np.empty(steps + 1)
    for k in range(steps):
        thetas[k] = theta
        losses[k], gradient = value_and_grad(theta)
        _diverged(k, losses[k], gradient, lr)
        if log_every and k % log_every == 0:
            print(f"step {k:5d}: loss {losses[k]:.8f}")
        optimizer.step(theta, gradient)
    thetas[steps] = theta
    losses[steps] = model.loss(theta)
    if log_every:
        print(f"step {steps:5d}: loss {losses[steps]:.8f}")
    return TrainingRun(thetas, losses)


@dataclass(frozen=True)
class FitRecord:
    """A minibatch run: ``losses[k]`` is the loss of step k's minibatch at ``θ_k`` (before its update),
    ``lrs[k]`` the learning rate step k used, ``theta`` the final parameters, and ``evals`` the pairs
    ``(k, eval_fn(θ_k))`` recorded every ``log_every`` steps and at the end (``k = steps``)."""

    losses: np.ndarray
    lrs: np.ndarray
    theta: np.ndarray
    evals: tuple[tuple[int, float], ...] = ()

    def epoch_means(self, steps_per_epoch: int) -> np.ndarray:
        """The mean minibatch loss of each epoch (the last one may be shorter)."""
        steps_per_epoch = positive_int(steps_per_epoch, "steps_per_epoch")
        return np.array(
            [self.losses[k : k + steps_per_epoch].mean() for k in range(0, len(self.losses), steps_per_epoch)]
        )


def fit(
    model: Any,
    theta0: npt.ArrayLike,
    optimizer: Any,
    batches: Sequence[npt.ArrayLike],
    X: npt.ArrayLike,
    y: npt.ArrayLike,
    *,
    lr_schedule: Callable[[int], float] | None = None,
    log_every: int = 0,
    eval_fn: Callable[[np.ndarray], float] | None = None,
    callback: Callable[[int, np.ndarray], None] | None = None,
    value_and_grad: Callable[[np.ndarray, np.ndarray, np.ndarray], tuple[float, np.ndarray]] | None = None,
) -> FitRecord:
    """Minibatch training of ``model`` from ``theta0``: one optimizer step per entry of ``batches``.

    Step k (k = 0, 1, …)::

        if lr_schedule: optimizer.lr = lr_schedule(k)
        loss_k, g = value_and_grad(θ, X[batches[k]], y[batches[k]])   # model.value_and_grad by default
        optimizer.step(θ, g)                       # θ updated in place
        if callback: callback(k, θ)                # e.g. an average of the iterates

    Args:
        model: anything with ``dim`` and ``value_and_grad(theta, X, y)`` (a
            :class:`~momentum_lab.networks.SoftmaxMLP`).
        theta0: the start, shape ``(dim,)`` (copied, never modified).
        optimizer: an optimizer of :mod:`momentum_lab.optim` (``step(params, grads)`` and ``lr``). Its
            state is kept between calls: pass a fresh one for a fresh run.
        batches: a sequence of index arrays, one per step (:func:`momentum_lab.data.minibatch_indices`).
        X, y: the training inputs and labels the indices refer to.
        lr_schedule: ``k ↦ η_k`` (a schedule of :mod:`momentum_lab.optim.schedules` or any callable), or
            None to keep the optimizer's ``lr``.
        log_every: if > 0, print ``step k: loss …`` (the mean of the last ``log_every`` minibatch losses)
            every ``log_every`` steps and after the last one, with ``eval_fn``'s value when given.
        eval_fn: ``θ ↦ float`` (test accuracy, full training loss), recorded with ``log_every``.
        callback: ``(k, θ) ↦ None``, called after every step with the updated θ (read it, do not keep
            it: the same array is updated in place), e.g. ``lambda k, t: ema.update(t)``.
        value_and_grad: the function ``(θ, X, y) ↦ (f, ∇f)``; default ``model.value_and_grad`` (autodiff).
            ``model.value_and_grad_by_hand`` gives the same numbers faster.

    Returns a :class:`FitRecord`. ``X`` and ``y`` must have one row per example, and every index in
    ``batches`` must be an integer in ``[0, len(X))``; a loss or gradient that stops being finite raises
    FloatingPointError naming the step.
    """
    _check_model(model, ("dim", "value_and_grad"), "a model like SoftmaxMLP")
    theta = _start(theta0, model.dim)
    X = as_real_array(X, "X")
    y = as_real_array(y, "y")
    if X.ndim == 0 or y.ndim == 0 or len(X) != len(y):
        raise ValueError(f"X and y must have one row per example; got X.shape={X.shape}, y.shape={y.shape}")
    batches = _batches(batches, len(X))
    if not (hasattr(optimizer, "step") and hasattr(optimizer, "lr")):
        raise TypeError(
            f"optimizer must have step(params, grads) and lr, like momentum_lab.optim.SGD; "
            f"got {type(optimizer).__name__}"
        )
    if lr_schedule is not None and not callable(lr_schedule):
        raise TypeError(f"lr_schedule must be a callable k -> lr or None; got {type(lr_schedule).__name__}")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be a callable (k, theta) -> None or None; got {type(callback).__name__}")
    if eval_fn is not None and not callable(eval_fn):
        raise TypeError(f"eval_fn must be a callable theta -> float or None; got {type(eval_fn).__name__}")
    log_every = positive_int(log_every, "log_every", minimum=0)
    value_and_grad = model.value_and_grad if value_and_grad is None else value_and_grad
    if not callable(value_and_grad):
        raise TypeError(
            f"value_and_grad must be a callable (theta, X, y) -> (loss, grad) or None; "
            f"got {type(value_and_grad).__name__}"
        )
    steps = len(batches)
    losses, lrs = np.empty(steps), np.empty(steps)
    evals: list[tuple[int, float]] = []
    for k, rows in enumerate(batches):
        if lr_schedule is not None:
            optimizer.lr = non_negative(lr_schedule(k), f"lr_schedule({k})")
        lrs[k] = optimizer.lr
        losses[k], gradient = value_and_grad(theta, X[rows], y[rows])
        _diverged(k, losses[k], gradient, optimizer.lr, "minibatch loss")
        if log_every and k % log_every == 0 and k:
            _log(k, losses[k - log_every : k], theta, eval_fn, evals)
        optimizer.step(theta, gradient)
        if callback is not None:
            callback(k, theta)
    if log_every or eval_fn is not None:
        _log(steps, losses[max(0, steps - (log_every or steps)) :], theta, eval_fn, evals, quiet=not log_every)
    return FitRecord(losses, lrs, theta, tuple(evals))


def _batches(batches: object, n: int) -> list[np.ndarray]:
    """``batches`` as a list of integer index arrays into ``range(n)``, checked once before the run."""
    if isinstance(batches, (str, bytes, np.ndarray)) or not isinstance(batches, Sequence):
        raise TypeError(f"batches must be a list of index arrays (minibatch_indices); got {type(batches).__name__}")
    out = []
    for i, rows in enumerate(batches):
        index = as_real_array(rows, f"batches[{i}]")
        if index.dtype.kind not in "iu":
            raise TypeError(f"batches[{i}] must hold integer indices; got dtype {index.dtype}")
        if index.size and (index.min() < 0 or index.max() >= n):
            raise ValueError(
                f"batches[{i}] must hold indices in [0, {n}) (rows of X); got min {index.min()}, max {index.max()}"
            )
        out.append(index)
    return out


def _framework_train_arguments(
    model: Any, theta0: npt.ArrayLike, lr: float, steps: int, nesterov: bool, log_every: int
) -> tuple[np.ndarray, float, int, bool, int]:
    """The checks of :func:`train`, for the Keras and torch versions of it (``momentum_lab.tf.models``,
    ``momentum_lab.torch.models``): the model, ``theta0``'s shape, ``lr > 0``, the counts and the flag."""
    _check_model(model, ("dim", "X", "y", "l2", "unflatten"), "a LogisticRegression or a TanhMLP")
    return (
        _start(theta0, model.dim),
        positive(lr, "lr"),
        positive_int(steps, "steps", minimum=0),
        flag(nesterov, "nesterov"),
        positive_int(log_every, "log_every", minimum=0),
    )


def _framework_fit_arguments(
    model: Any,
    theta0: npt.ArrayLike,
    batches: object,
    X: npt.ArrayLike,
    y: npt.ArrayLike,
    lr_schedule: object,
    log_every: int,
) -> tuple[np.ndarray, list[np.ndarray], np.ndarray, np.ndarray, int]:
    """The checks of :func:`fit`, for its Keras and torch versions: ``(theta0, batches, X, y, log_every)``."""
    _check_model(model, ("dim", "sizes", "l2", "unflatten"), "a SoftmaxMLP")
    theta = _start(theta0, model.dim)
    X_ = as_float_array(X, "X", ndim=2)
    y_ = as_real_array(y, "y")
    if y_.shape != (len(X_),):
        raise ValueError(f"X and y must have one label per row of X; got X.shape={X_.shape}, y.shape={y_.shape}")
    if lr_schedule is not None:
        check_callable(lr_schedule, "lr_schedule", "k -> lr, or None")
    return theta, _batches(batches, len(X_)), X_, y_, positive_int(log_every, "log_every", minimum=0)


def _log(
    k: int,
    recent: np.ndarray,
    theta: np.ndarray,
    eval_fn: Callable[[np.ndarray], float] | None,
    evals: list[tuple[int, float]],
    quiet: bool = False,
) -> None:
    line = f"step {k:5d}: loss {np.mean(recent):.4f}"
    if eval_fn is not None:
        value = float(eval_fn(theta))
        evals.append((k, value))
        line += f", eval {value:.4f}"
    if not quiet:
        print(line)


def newton_minimum(model: Any, theta0: npt.ArrayLike, *, tol: float = 1e-10, max_steps: int = 100) -> np.ndarray:
    """A local minimiser of ``model``'s loss near ``theta0``, accurate to rounding error, by Newton's method.

    Each step solves ``(H + τI) δ = −g`` with the smallest ``τ`` in ``0, 10⁻⁸, 2·10⁻⁸, 4·10⁻⁸, …`` that
    makes ``H + τI`` positive definite (so that ``δ`` points downhill), then halves ``δ`` until the
    loss does not increase by more than its rounding error (``4 ε |f|``: closer to the minimum the loss
    cannot tell a better point from a worse one, and the Newton step is trusted). Near a minimum with a
    positive definite Hessian, ``τ = 0`` and the full step are taken and the number of correct digits
    doubles at every step. The iteration stops when the step is below ``1e-15 · max(1, ‖θ‖)``, or once
    the steps are below ``1e-12 · max(1, ‖θ‖)`` and stop shrinking (the rounding floor, which a weak
    curvature μ raises to about ``1e-16 · |∂f| / μ``): a gradient norm alone would be a poor test, since
    with a smallest curvature μ the distance to θ* is about ``‖g‖/μ``.

    Returns ``θ*``. Raises ValueError if the steps have not become that small after ``max_steps``, if
    ``‖∇f(θ*)‖ > tol`` at the end, or if the Hessian there is not positive definite (a saddle point).
    """
    _check_model(model, ("dim", "loss", "value_and_grad", "grad", "hessian"), "a Model")
    theta = _start(theta0, model.dim)
    tol = positive(tol, "tol")
    max_steps = positive_int(max_steps, "max_steps")
    previous = np.inf
    for _ in range(max_steps):
        value, g = model.value_and_grad(theta)
        H = model.hessian(theta)
        H = 0.5 * (H + H.T)
        shift = 0.0
        while True:
            try:
                factor = np.linalg.cholesky(H + shift * np.eye(model.dim))
                break
            except np.linalg.LinAlgError:
                shift = 1e-8 if shift == 0.0 else 2.0 * shift
        delta = -np.linalg.solve(factor.T, np.linalg.solve(factor, g))
        size, scale = float(np.linalg.norm(delta)), max(1.0, float(np.linalg.norm(theta)))
        if size <= 1e-15 * scale or (size <= 1e-12 * scale and size >= 0.5 * previous):
            break
        previous = size
        noise = 4.0 * np.finfo(float).eps * abs(value)  # loss changes below this are rounding, not a rise
        for _ in range(60):
            if model.loss(theta + delta) <= value + noise:
                break
            delta = 0.5 * delta
        theta = theta + delta
    else:
        raise ValueError(f"newton_minimum did not converge in max_steps={max_steps} steps")
    gnorm = float(np.linalg.norm(model.grad(theta)))
    if gnorm > tol:
        raise ValueError(f"newton_minimum stopped with ‖∇f‖={gnorm:.3g} > tol={tol:g}")
    smallest = np.linalg.eigvalsh(0.5 * (H + H.T))[0]
    if smallest <= 0:
        raise ValueError(
            f"newton_minimum stopped at a critical point that is not a minimum: the Hessian's "
            f"smallest eigenvalue is {smallest:.3g}"
        )
    return theta
