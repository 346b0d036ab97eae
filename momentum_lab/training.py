"""Training a model with the course's optimizer, and a minimiser accurate to the last digits (chapter 10).

* :func:`train`: full-batch heavy-ball momentum (:class:`momentum_lab.optim.SGD`) on a model of
  :mod:`momentum_lab.models`, recording ``θ_k`` and the loss at every step (:class:`TrainingRun`);
* :func:`newton_minimum`: damped Newton steps to a minimiser ``θ*`` with a gradient of ~1e-10, the
  reference that measured convergence rates are taken against
  (:func:`momentum_lab.theory.measured_rate`).
"""

from dataclasses import dataclass

import numpy as np

from momentum_lab._validate import as_float_array, positive, positive_int
from momentum_lab.optim import SGD

__all__ = ["TrainingRun", "newton_minimum", "train"]


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
