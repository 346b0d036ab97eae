"""Training a model with the course's optimizer, and a minimiser accurate to the last digits (chapter 10).

* :func:`train`: full-batch heavy-ball momentum (:class:`momentum_lab.optim.SGD`) on a model of
  :mod:`momentum_lab.models`, recording ``θ_k`` and the loss at every step (:class:`TrainingRun`);
* :func:`fit`: minibatch training of a :class:`momentum_lab.networks.SoftmaxMLP` (chapters 11 and 12) with
  any optimizer of :mod:`momentum_lab.optim`, an optional learning-rate schedule, and the per-step
  minibatch losses recorded (:class:`FitRecord`);
* :func:`newton_minimum`: damped Newton steps to a minimiser ``θ*`` with a gradient of ~1e-10, the
  reference that measured convergence rates are taken against
  (:func:`momentum_lab.theory.measured_rate`).
"""

from dataclasses import dataclass

import numpy as np

from momentum_lab._validate import as_float_array, positive, positive_int
from momentum_lab.optim import SGD

__all__ = ["FitRecord", "TrainingRun", "fit", "newton_minimum", "train"]


@dataclass(frozen=True)
class TrainingRun:
    """A training run: ``thetas[k]`` is ``θ_k`` (shape ``(steps + 1, dim)``), ``losses[k]`` is ``f(θ_k)``."""

    thetas: np.ndarray
    losses: np.ndarray

    def distances(self, theta_star):
        """``‖θ_k − θ*‖`` for every k."""
        return np.linalg.norm(self.thetas - np.asarray(theta_star, dtype=float), axis=1)


def train(model, theta0, lr, momentum, steps, *, nesterov=False, log_every=0, value_and_grad=None):
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

    Returns a :class:`TrainingRun`.
    """
    theta = as_float_array(theta0, "theta0", ndim=1).copy()
    if theta.shape != (model.dim,):
        raise ValueError(f"theta0 must have shape ({model.dim},); got shape {theta.shape}")
    positive(lr, "lr")
    steps = positive_int(steps, "steps", minimum=0)
    log_every = positive_int(log_every, "log_every", minimum=0)
    value_and_grad = model.value_and_grad if value_and_grad is None else value_and_grad
    optimizer = SGD(lr, momentum=momentum, nesterov=nesterov)
    thetas = np.empty((steps + 1, model.dim))
    losses = np.empty(steps + 1)
    for k in range(steps):
        thetas[k] = theta
        losses[k], gradient = value_and_grad(theta)
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
    evals: tuple = ()

    def epoch_means(self, steps_per_epoch):
        """The mean minibatch loss of each epoch (the last one may be shorter)."""
        steps_per_epoch = positive_int(steps_per_epoch, "steps_per_epoch")
        return np.array([self.losses[k:k + steps_per_epoch].mean()
                         for k in range(0, len(self.losses), steps_per_epoch)])


def fit(model, theta0, optimizer, batches, X, y, *, lr_schedule=None, log_every=0, eval_fn=None, callback=None,
        value_and_grad=None):
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

    Returns a :class:`FitRecord`.
    """
    theta = as_float_array(theta0, "theta0", ndim=1).copy()
    if theta.shape != (model.dim,):
        raise ValueError(f"theta0 must have shape ({model.dim},); got shape {theta.shape}")
    if not (hasattr(optimizer, "step") and hasattr(optimizer, "lr")):
        raise TypeError(f"optimizer must have step(params, grads) and lr, like momentum_lab.optim.SGD; "
                        f"got {type(optimizer).__name__}")
    if lr_schedule is not None and not callable(lr_schedule):
        raise TypeError(f"lr_schedule must be a callable k -> lr or None; got {type(lr_schedule).__name__}")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be a callable (k, theta) -> None or None; got {type(callback).__name__}")
    if eval_fn is not None and not callable(eval_fn):
        raise TypeError(f"eval_fn must be a callable theta -> float or None; got {type(eval_fn).__name__}")
    log_every = positive_int(log_every, "log_every", minimum=0)
    value_and_grad = model.value_and_grad if value_and_grad is None else value_and_grad
    if not callable(value_and_grad):
        raise TypeError(f"value_and_grad must be a callable (theta, X, y) -> (loss, grad) or None; "
                        f"got {type(value_and_grad).__name__}")
    steps = len(batches)
    losses, lrs, evals = np.empty(steps), np.empty(steps), []
    for k, rows in enumerate(batches):
        if lr_schedule is not None:
            optimizer.lr = float(lr_schedule(k))
        lrs[k] = optimizer.lr
        losses[k], gradient = value_and_grad(theta, X[rows], y[rows])
        if not np.isfinite(losses[k]):
            raise FloatingPointError(f"the minibatch loss is {losses[k]} at step {k}: the run diverged "
                                     f"(lr={optimizer.lr:g})")
        if log_every and k % log_every == 0 and k:
            _log(k, losses[k - log_every:k], theta, eval_fn, evals)
        optimizer.step(theta, gradient)
        if callback is not None:
            callback(k, theta)
    if log_every or eval_fn is not None:
        _log(steps, losses[max(0, steps - (log_every or steps)):], theta, eval_fn, evals, quiet=not log_every)
    return FitRecord(losses, lrs, theta, tuple(evals))


def _log(k, recent, theta, eval_fn, evals, quiet=False):
    line = f"step {k:5d}: loss {np.mean(recent):.4f}"
    if eval_fn is not None:
        value = float(eval_fn(theta))
        evals.append((k, value))
        line += f", eval {value:.4f}"
    if not quiet:
        print(line)


def newton_minimum(model, theta0, *, tol=1e-10, max_steps=100):
    """A local minimiser of ``model``'s loss near ``theta0``, accurate to rounding error, by Newton's method.

    Each step solves ``(H + τI) δ = −g`` with the smallest ``τ`` in ``0, 10⁻⁸, 2·10⁻⁸, 4·10⁻⁸, …`` that
    makes ``H + τI`` positive definite (so that ``δ`` points downhill), then halves ``δ`` until the
    loss does not increase. Near a minimum with a positive definite Hessian, ``τ = 0`` and the full
    step are taken and the number of correct digits doubles at every step. The iteration stops when the
    step is below ``1e-15 · max(1, ‖θ‖)``: a gradient norm alone would be a poor test, since with a
    smallest curvature μ the distance to θ* is about ``‖g‖/μ``.

    Returns ``θ*``. Raises ValueError if the steps have not become that small after ``max_steps``, if
    ``‖∇f(θ*)‖ > tol`` at the end, or if the Hessian there is not positive definite (a saddle point).
    """
    theta = as_float_array(theta0, "theta0", ndim=1).copy()
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
        if np.linalg.norm(delta) <= 1e-15 * max(1.0, np.linalg.norm(theta)):
            break
        for _ in range(60):
            if model.loss(theta + delta) <= value:
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
        raise ValueError(f"newton_minimum stopped at a critical point that is not a minimum: the Hessian's "
                         f"smallest eigenvalue is {smallest:.3g}")
    return theta
