"""Chapter 11 ("Momentum with noisy gradients"): gradient noise, measured and modelled.

Two halves:

* **measured** on real data: :func:`per_example_gradients` (one gradient per training example),
  :func:`minibatch_gradient_variance` (how far a minibatch gradient falls from the full one, by drawing
  minibatches, against the closed form :func:`sampling_variance`) and :func:`noise_scale` (McCandlish et
  al.'s "simple noise scale" ``tr Σ / ‖G‖²``, the batch size above which bigger batches stop paying);
* **modelled** on a quadratic ``f(θ) = ½ Σ_i λ_i θ_i²`` whose gradients carry additive noise,
  ``g = Λθ + σ ξ/√B`` with ξ standard normal: :func:`noise_ball`, the stationary expected loss of SGD and
  heavy ball in closed form, and :func:`simulate_noisy_quadratic`, many independent runs at once with the
  optimizers of :mod:`momentum_lab.optim`.

The closed form, per eigen-direction with curvature λ, step size η, momentum β, noise variance s = σ²/B
(derived in chapter 11)::

    E[½ λ θ²]  →  η s (1 + β) / (2 (1 − β) (2(1 + β) − η λ))

which is ``η s / (2(2 − ηλ))`` for SGD (β = 0), and for small ηλ ≈ ``(η/(1 − β)) s / 4``: heavy ball
(η, β) and SGD with the effective step ``η/(1 − β)`` share one noise ball.

Edges: gradients and curvatures must be finite real arrays (NaN, booleans and complex numbers are
refused, naming the argument); seeds are integers ≥ 0; at a stationary point (a mean gradient at
rounding level) the noise scale is undefined and refused; a simulation whose iterates overflow stops
with a ``DivergenceWarning`` and reports the loss ``inf`` from there on, never NaN.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from momentum_lab._validate import (
    as_float_array,
    as_real_array,
    check_callable,
    flag,
    in_unit_interval,
    non_negative,
    positive,
    positive_int,
)
from momentum_lab.optim.trajectory import DivergenceWarning

__all__ = [
    "minibatch_gradient_variance",
    "noise_ball",
    "noise_scale",
    "per_example_gradients",
    "sampling_variance",
    "simulate_noisy_quadratic",
]


# ----------------------------------------------------------------------------------------------------
# Measured: minibatch gradients of a real loss


def per_example_gradients(model: Any, theta: npt.ArrayLike, X: npt.ArrayLike, y: npt.ArrayLike) -> np.ndarray:
    """The gradient of the loss on each example alone: row i is ``∇f(θ; x_i, y_i)``, shape ``(n, dim)``.

    The full-batch gradient is their mean (the loss is a mean over examples), and the gradient of any
    minibatch is the mean of its rows, so one pass gives every minibatch gradient exactly. Any L2 term
    of the model is in every row, so it cancels in the differences. Uses ``model.value_and_grad`` on one
    example at a time.
    """
    if not callable(getattr(model, "value_and_grad", None)):
        raise TypeError(f"model must have value_and_grad(theta, X, y), like SoftmaxMLP; got {type(model).__name__}")
    X = as_float_array(X, "X", ndim=2)
    y = as_real_array(y, "y")
    if y.ndim != 1 or len(y) != len(X):
        raise ValueError(
            f"X and y must have one label per row of X ({len(X)}); got X.shape={X.shape}, y.shape={y.shape}"
        )
    return np.stack([model.value_and_grad(theta, X[i : i + 1], y[i : i + 1])[1] for i in range(len(X))])


def _gradients(G: npt.ArrayLike) -> np.ndarray:
    G = as_float_array(G, "per_example_grads", ndim=2)
    if len(G) < 2:
        raise ValueError(f"per_example_grads must have at least 2 rows; got shape {G.shape}")
    return G


def sampling_variance(per_example_grads: npt.ArrayLike, batch_size: int) -> float:
    """``E‖g_B − g‖²`` for a minibatch of ``batch_size`` examples drawn *without* replacement, in closed form::

        E‖g_B − g‖² = (tr Σ / B) · (N − B)/(N − 1),     tr Σ = (1/N) Σ_i ‖g_i − g‖²

    with g the full gradient (the mean of the N rows) and Σ the covariance of one example's gradient.
    The finite-population factor (N − B)/(N − 1) is ≈ 1 for B ≪ N and 0 at B = N (the full batch).
    """
    G = _gradients(per_example_grads)
    n = len(G)
    batch_size = positive_int(batch_size, "batch_size")
    if batch_size > n:
        raise ValueError(f"batch_size must be at most the number of examples {n}; got batch_size={batch_size}")
    trace = float(np.mean(np.sum((G - G.mean(axis=0)) ** 2, axis=1)))
    return trace / batch_size * (n - batch_size) / (n - 1)


def minibatch_gradient_variance(
    per_example_grads: npt.ArrayLike, batch_size: int, draws: int = 200, seed: int = 0
) -> float:
    """``E‖g_B − g‖²`` measured: the mean over ``draws`` minibatches (each ``batch_size`` distinct rows
    drawn by ``default_rng(seed).choice(N, B, replace=False)``) of the squared distance between the
    minibatch gradient and the full one."""
    G = _gradients(per_example_grads)
    batch_size = positive_int(batch_size, "batch_size")
    if batch_size > len(G):
        raise ValueError(f"batch_size must be at most the number of examples {len(G)}; got batch_size={batch_size}")
    draws = positive_int(draws, "draws")
    rng = np.random.default_rng(positive_int(seed, "seed", minimum=0))
    batches = [rng.choice(len(G), batch_size, replace=False) for _ in range(draws)]
    full = G.mean(axis=0)
    if batch_size <= 64:  # small batches: gather their rows
        return float(np.mean([np.sum((G[rows].mean(axis=0) - full) ** 2) for rows in batches]))
    weights = np.zeros((draws, len(G)))  # large batches: row j of `weights` averages batch j, one product
    for j, rows in enumerate(batches):
        weights[j, rows] = 1.0 / batch_size
    return float(np.mean(np.sum((weights @ G - full) ** 2, axis=1)))


def noise_scale(per_example_grads: npt.ArrayLike) -> float:
    """McCandlish et al.'s simple noise scale ``B_simple = tr Σ / ‖g‖²`` (Σ the per-example covariance,
    with 1/N, and g the full gradient).

    It is the batch size at which the minibatch noise ``E‖g_B − g‖² ≈ tr Σ / B`` equals the signal
    ``‖g‖²``: below it, doubling the batch nearly halves the noise and lets the step size double (the
    linear scaling rule); far above it, bigger batches buy little. It changes during training (the signal
    shrinks near a minimum), so it is measured at a given θ.

    A mean gradient at rounding level (``‖g‖ ≤ 1e-12 · max_i ‖g_i‖``, a stationary point) is a ValueError:
    the ratio would be rounding noise over rounding noise, an arbitrary huge number.
    """
    G = _gradients(per_example_grads)
    mean = G.mean(axis=0)
    signal = float(mean @ mean)
    largest = float(np.max(np.linalg.norm(G, axis=1)))
    if signal == 0.0 or np.sqrt(signal) <= 1e-12 * largest:
        raise ValueError(
            f"per_example_grads must not average to zero: the noise scale is undefined at a stationary "
            f"point; got ‖mean‖ = {np.sqrt(signal):.3g} against a largest row norm {largest:.3g}"
        )
    return float(np.mean(np.sum((G - mean) ** 2, axis=1))) / signal


# ----------------------------------------------------------------------------------------------------
# Modelled: a quadratic with additive gradient noise


def noise_ball(
    lr: float, curvature: npt.ArrayLike, noise_variance: npt.ArrayLike, momentum: float = 0.0
) -> float | np.ndarray:
    """The stationary expected loss ``E[½ λ θ²]`` per eigen-direction of heavy ball on a noisy quadratic.

    Gradient ``g = λθ + ε`` with ε of mean 0 and variance ``noise_variance`` (σ²/B for a minibatch of B),
    independent from step to step; the iterates settle into a distribution with::

        E[θ²]     = η s (1 + β) / ((1 − β) λ (2(1 + β) − ηλ))
        E[½λθ²]   = η s (1 + β) / (2 (1 − β) (2(1 + β) − ηλ))

    (η = ``lr``, β = ``momentum``, λ = ``curvature``, s = ``noise_variance``; the classical, Keras and torch
    forms of heavy ball are the same method at a constant rate). For β = 0, ``η s / (2(2 − ηλ))``.

    Args:
        lr: η > 0.
        curvature: λ > 0, a number or an array (one value per direction, returned elementwise).
        noise_variance: s ≥ 0 (a number or an array broadcasting with ``curvature``).
        momentum: β in [0, 1).

    Returns:
        The expected loss per direction (same shape as the broadcast inputs); ``inf`` where the
        iteration is unstable (ηλ ≥ 2(1 + β)).
    """
    lr = positive(lr, "lr")
    beta = in_unit_interval(momentum, "momentum")
    lam = as_float_array(curvature, "curvature")
    if np.any(lam <= 0):
        raise ValueError(f"curvature must be > 0; got {lam}")
    s = as_float_array(noise_variance, "noise_variance")
    if np.any(s < 0):
        raise ValueError(f"noise_variance must be >= 0; got {s}")
    try:
        np.broadcast_shapes(lam.shape, s.shape)
    except ValueError:
        raise ValueError(
            f"curvature and noise_variance must broadcast; got curvature.shape={lam.shape}, "
            f"noise_variance.shape={s.shape}"
        ) from None
    room = 2.0 * (1.0 + beta) - lr * lam
    with np.errstate(divide="ignore"):
        value = np.where(room > 0, lr * s * (1.0 + beta) / (2.0 * (1.0 - beta) * np.where(room > 0, room, 1.0)), np.inf)
    return float(value) if value.ndim == 0 else value


def simulate_noisy_quadratic(
    curvatures: npt.ArrayLike,
    optimizer: Any,
    steps: int,
    *,
    noise_std: float = 1.0,
    batch_size: int = 1,
    chains: int = 1000,
    theta0: npt.ArrayLike | None = None,
    seed: int = 0,
    callback: Callable[[int, np.ndarray], None] | None = None,
    per_direction: bool = False,
) -> np.ndarray:
    """Run ``chains`` independent copies of ``optimizer`` on ``f(θ) = ½ Σ_i λ_i θ_i²`` with noisy gradients.

    Step k: ``g = λ ⊙ θ + (noise_std / √batch_size) ξ`` with ξ standard normal (one draw per chain and
    direction, from ``default_rng(seed)``), then ``optimizer.step(θ, g)``. The chains are the rows of one
    array of shape ``(chains, d)``, so one call of any optimizer of :mod:`momentum_lab.optim` (an
    elementwise rule) steps them all.

    Args:
        curvatures: the eigenvalues λ_i > 0, shape ``(d,)``.
        optimizer: a fresh optimizer (``step(params, grads)``, ``lr``); its ``lr`` may be set by the caller
            between runs only.
        steps: the number of steps.
        noise_std: σ ≥ 0, the standard deviation of one example's gradient noise per direction.
        batch_size: B ≥ 1: the noise of a mean over B examples has standard deviation σ/√B.
        chains: the number of independent runs.
        theta0: the start, shape ``(d,)`` (default ``(1, …, 1)``), the same for every chain.
        seed: the seed of the noise.
        callback: ``(k, θ) ↦ None`` after every step (θ of shape ``(chains, d)``, updated in place).
        per_direction: return the loss of each direction, ``½ λ_i θ_i²`` averaged over the chains.

    Returns:
        ``losses``: shape ``(steps + 1,)``, the loss ``f(θ_k)`` averaged over the chains, k = 0 … steps
        (shape ``(steps + 1, d)`` with ``per_direction``). If the iterates overflow (an unstable step
        size), the run stops with a :class:`~momentum_lab.optim.DivergenceWarning` and the losses from that
        step on are ``inf``.
    """
    lam = as_float_array(curvatures, "curvatures", ndim=1)
    if np.any(lam <= 0):
        raise ValueError(f"curvatures must be > 0; got {lam}")
    steps = positive_int(steps, "steps", minimum=0)
    noise_std = non_negative(noise_std, "noise_std")
    batch_size = positive_int(batch_size, "batch_size")
    chains = positive_int(chains, "chains")
    start = np.ones_like(lam) if theta0 is None else as_float_array(theta0, "theta0", ndim=1)
    if start.shape != lam.shape:
        raise ValueError(f"theta0 must have shape {lam.shape}; got shape {start.shape}")
    if not callable(getattr(optimizer, "step", None)):
        raise TypeError(
            f"optimizer must have step(params, grads), like momentum_lab.optim.SGD; got {type(optimizer).__name__}"
        )
    if callback is not None:
        check_callable(callback, "callback", "(k, theta) -> None, or None")
    per_direction = flag(per_direction, "per_direction")
    rng = np.random.default_rng(positive_int(seed, "seed", minimum=0))
    theta = np.tile(start, (chains, 1))
    scale = noise_std / np.sqrt(batch_size)
    losses = np.empty((steps + 1, len(lam)))
    losses[0] = 0.5 * lam * np.mean(theta**2, axis=0)
    for k in range(steps):
        with np.errstate(over="ignore", invalid="ignore"):
            g = lam * theta + scale * rng.standard_normal(theta.shape)
        if not np.all(np.isfinite(g)):
            warnings.warn(
                f"{getattr(optimizer, 'label', type(optimizer).__name__)} diverged at step {k + 1} "
                f"(lr={getattr(optimizer, 'lr', float('nan')):g}); the losses from there on are inf",
                DivergenceWarning,
                stacklevel=2,
            )
            losses[k + 1 :] = np.inf
            break
        optimizer.step(theta, g)
        if callback is not None:
            callback(k, theta)
        with np.errstate(over="ignore"):
            losses[k + 1] = 0.5 * lam * np.mean(theta**2, axis=0)
    return losses if per_direction else losses.sum(axis=1)
