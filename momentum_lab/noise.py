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
"""

import numpy as np

from momentum_lab._validate import as_float_array, in_unit_interval, non_negative, positive, positive_int

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


def per_example_gradients(model, theta, X, y):
    """The gradient of the loss on each example alone: row i is ``∇f(θ; x_i, y_i)``, shape ``(n, dim)``.

    The full-batch gradient is their mean (the loss is a mean over examples), and the gradient of any
    minibatch is the mean of its rows, so one pass gives every minibatch gradient exactly. Any L2 term
    of the model is in every row, so it cancels in the differences. Uses ``model.value_and_grad`` on one
    example at a time.
    """
    X = as_float_array(X, "X", ndim=2)
    y = np.asarray(y)
    if len(y) != len(X):
        raise ValueError(f"y must have one label per row of X ({len(X)}); got {len(y)}")
    return np.stack([model.value_and_grad(theta, X[i:i + 1], y[i:i + 1])[1] for i in range(len(X))])


def _gradients(G):
    G = as_float_array(G, "per_example_grads", ndim=2)
    if len(G) < 2:
        raise ValueError(f"per_example_grads must have at least 2 rows; got shape {G.shape}")
    return G


def sampling_variance(per_example_grads, batch_size):
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


def minibatch_gradient_variance(per_example_grads, batch_size, draws=200, seed=0):
    """``E‖g_B − g‖²`` measured: the mean over ``draws`` minibatches (each ``batch_size`` distinct rows
    drawn by ``default_rng(seed).choice(N, B, replace=False)``) of the squared distance between the
    minibatch gradient and the full one."""
    G = _gradients(per_example_grads)
    batch_size = positive_int(batch_size, "batch_size")
    if batch_size > len(G):
        raise ValueError(f"batch_size must be at most the number of examples {len(G)}; got batch_size={batch_size}")
    draws = positive_int(draws, "draws")
    rng = np.random.default_rng(seed)
    batches = [rng.choice(len(G), batch_size, replace=False) for _ in range(draws)]
    full = G.mean(axis=0)
    if batch_size <= 64:  # small batches: gather their rows
        return float(np.mean([np.sum((G[rows].mean(axis=0) - full) ** 2) for rows in batches]))
    weights = np.zeros((draws, len(G)))  # large batches: row j of `weights` averages batch j, one product
    for j, rows in enumerate(batches):
        weights[j, rows] = 1.0 / batch_size
    return float(np.mean(np.sum((weights @ G - full) ** 2, axis=1)))


def noise_scale(per_example_grads):
    """McCandlish et al.'s simple noise scale ``B_simple = tr Σ / ‖g‖²`` (Σ the per-example covariance,
    with 1/N, and g the full gradient).

    It is the batch size at which the minibatch noise ``E‖g_B − g‖² ≈ tr Σ / B`` equals the signal
    ``‖g‖²``: below it, doubling the batch nearly halves the noise and lets the step size double (the
    linear scaling rule); far above it, bigger batches buy little. It changes during training (the signal
    shrinks near a minimum), so it is measured at a given θ.
    """
    G = _gradients(per_example_grads)
    mean = G.mean(axis=0)
    signal = float(mean @ mean)
    if signal == 0.0:
        raise ValueError("the full gradient is zero: the noise scale is infinite at a stationary point")
    return float(np.mean(np.sum((G - mean) ** 2, axis=1))) / signal


# ----------------------------------------------------------------------------------------------------
# Modelled: a quadratic with additive gradient noise


def noise_ball(lr, curvature, noise_variance, momentum=0.0):
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
    room = 2.0 * (1.0 + beta) - lr * lam
    with np.errstate(divide="ignore"):
        value = np.where(room > 0, lr * s * (1.0 + beta) / (2.0 * (1.0 - beta) * np.where(room > 0, room, 1.0)),
                         np.inf)
    return float(value) if value.ndim == 0 else value


def simulate_noisy_quadratic(curvatures, optimizer, steps, *, noise_std=1.0, batch_size=1, chains=1000,
                             theta0=None, seed=0, callback=None, per_direction=False):
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
        (shape ``(steps + 1, d)`` with ``per_direction``).
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
    rng = np.random.default_rng(seed)
    theta = np.tile(start, (chains, 1))
    scale = noise_std / np.sqrt(batch_size)
    losses = np.empty((steps + 1, len(lam)))
    losses[0] = 0.5 * lam * np.mean(theta**2, axis=0)
    for k in range(steps):
        g = lam * theta + scale * rng.standard_normal(theta.shape)
        optimizer.step(theta, g)
        if callback is not None:
            callback(k, theta)
        losses[k + 1] = 0.5 * lam * np.mean(theta**2, axis=0)
    return losses if per_direction else losses.sum(axis=1)
