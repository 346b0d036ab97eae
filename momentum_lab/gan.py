"""Two small GANs trained from scratch with ``momentum_lab.autodiff``: the game of two losses, and momentum in it.

Chapter 14. Both players take heavy-ball steps ``v ← βv + g``, ``θ ← θ − lr·v`` on their own loss,
alternately (the discriminator first, then the generator against the updated discriminator), as Gidel et
al. (2019) analyse them; ``β < 0`` is their negative momentum.

* :func:`dirac_gan` is the smallest GAN there is (Mescheder, Geiger and Nowozin 2018): the data are the
  point 0, the generator is a point θ, the discriminator a line with logit ``D(x) = ψ·x``. The
  equilibrium is θ = ψ = 0; plain gradient steps circle around it, and momentum decides whether the
  circles shrink or grow.
* :func:`train_gan` fits a 1-D Gaussian: generator ``G(z) = a·z + b``, ``z ~ N(0, 1)``; discriminator a
  tanh network with one hidden layer, both on the tape. It records the generator's gradient norm, the
  measure of the minimax loss's saturation early in training.

The losses are the library's: ``gan_discriminator_loss``, ``gan_generator_minimax_loss`` (minimize
``log(1 − D(G(z)))``) and ``gan_generator_nonsaturating_loss`` (minimize ``−log D(G(z))``), on logits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from momentum_lab import autodiff as ad
from momentum_lab._typing import Array
from momentum_lab._validate import positive, positive_int, real_number
from momentum_lab.losses import gan_discriminator_loss, gan_generator_minimax_loss, gan_generator_nonsaturating_loss

__all__ = ["GENERATOR_LOSSES", "dirac_gan", "train_gan"]

#: The generator's two losses, by name.
GENERATOR_LOSSES: dict[str, Callable[..., object]] = {
    "minimax": gan_generator_minimax_loss,
    "nonsaturating": gan_generator_nonsaturating_loss,
}


def _generator_loss(name: object) -> Callable[..., object]:
    if not isinstance(name, str):
        raise TypeError(
            f"generator_loss must be a string, one of {tuple(GENERATOR_LOSSES)}; got generator_loss={name!r} "
            f"({type(name).__name__})"
        )
    if name not in GENERATOR_LOSSES:
        raise ValueError(f"generator_loss must be one of {tuple(GENERATOR_LOSSES)}; got generator_loss={name!r}")
    return GENERATOR_LOSSES[name]


def _momentum(beta: float) -> float:
    beta = real_number(beta, "beta")
    if not -1.0 < beta < 1.0:
        raise ValueError(f"beta must be in (-1, 1); got beta={beta!r}")
    return beta


def _seed(seed: int | None) -> int | None:
    if seed is None:
        return None
    return positive_int(seed, "seed", minimum=0)


def _heavy_ball(
    params: Sequence[np.ndarray], velocity: Sequence[np.ndarray], grads: Sequence[np.ndarray], lr: float, beta: float
) -> None:
    """One heavy-ball step on a list of arrays, in place: ``v ← βv + g``, ``θ ← θ − lr·v``."""
    for p, v, g in zip(params, velocity, grads):
        v *= beta
        v += g
        p -= lr * v


def dirac_gan(
    steps: int = 300,
    lr: float = 0.1,
    beta: float = 0.0,
    generator_loss: str = "nonsaturating",
    theta: float = 1.0,
    psi: float = 1.0,
) -> dict[str, Array]:
    """Train the Dirac GAN by alternating heavy-ball steps; return the path of ``(θ, ψ)``.

    Losses (data at 0, ``D(x) = ψx`` a logit): the discriminator minimizes
    ``−log σ(ψ·0) − log(1 − σ(ψθ)) = log 2 + softplus(ψθ)``, the generator ``−log σ(ψθ)`` (non-saturating)
    or ``log(1 − σ(ψθ))`` (minimax). Near the equilibrium both give the bilinear game ``±ψθ/2``.

    Args:
        steps: number of rounds (one discriminator step, then one generator step), ≥ 1.
        lr: the step size of both players, > 0.
        beta: the heavy-ball momentum of both players, in (−1, 1); negative values damp the rotation.
        generator_loss: ``"nonsaturating"`` (default) or ``"minimax"``.
        theta, psi: the starting point.

    Returns:
        dict with ``theta`` and ``psi`` (arrays of length ``steps + 1``, the start included) and
        ``distance`` (``√(θ² + ψ²)``, the distance to the equilibrium).

    Edge cases: the start ``θ = ψ = 0`` is the equilibrium and stays there (both gradients are 0). With
    ``β > 0`` the path spirals outwards; it stays finite, because each gradient is bounded by the other
    player's coordinate (``|∂/∂ψ| = |θ|σ(ψθ) ≤ |θ|``), so it grows at most geometrically and the losses are
    computed as softplus, which does not overflow.

    Raises:
        TypeError: a non-integer ``steps``, a non-number ``lr``, ``beta``, ``theta`` or ``psi``, a
            ``generator_loss`` that is not a string.
        ValueError: ``steps < 1``, ``lr <= 0``, ``beta`` outside (−1, 1) (``"beta must be in (-1, 1); got
            beta=1.0"``), an unknown ``generator_loss``, a NaN or infinite start.

    Example:
        >>> path = dirac_gan(steps=200, beta=-0.3)
        >>> bool(path["distance"][-1] < path["distance"][0])
        True
    """
    steps = positive_int(steps, "steps")
    lr = positive(lr, "lr")
    beta = _momentum(beta)
    g_loss = _generator_loss(generator_loss)
    theta_psi = [np.array(real_number(theta, "theta")), np.array(real_number(psi, "psi"))]
    velocity = [np.zeros(()), np.zeros(())]
    path = [(float(theta_psi[0]), float(theta_psi[1]))]
    d_grad = ad.grad(lambda s, t: gan_discriminator_loss(s * 0.0, s * t), argnums=0)
    g_grad = ad.grad(lambda t, s: g_loss(s * t), argnums=0)
    for _ in range(steps):
        grad_psi = d_grad(theta_psi[1], theta_psi[0])
        _heavy_ball([theta_psi[1]], [velocity[1]], [grad_psi], lr, beta)
        grad_theta = g_grad(theta_psi[0], theta_psi[1])
        _heavy_ball([theta_psi[0]], [velocity[0]], [grad_theta], lr, beta)
        path.append((float(theta_psi[0]), float(theta_psi[1])))
    t, s = np.array(path).T
    return {"theta": t, "psi": s, "distance": np.hypot(t, s)}


def _discriminator_logits(params: Sequence[object], x: object) -> ad.Tensor:
    w1, b1, w2, b2 = params
    hidden = ad.tanh(ad.matmul(x, w1) + b1)
    return ad.matmul(hidden, w2)[:, 0] + b2


def train_gan(
    steps: int = 400,
    generator_loss: str = "nonsaturating",
    lr: float = 0.05,
    beta: float = 0.0,
    batch: int = 64,
    hidden: int = 8,
    data_mean: float = 3.0,
    data_std: float = 0.5,
    seed: int | None = 0,
    record_every: int = 1,
    warmup: int = 100,
) -> dict[str, Array]:
    """Fit ``G(z) = a·z + b`` to samples of ``N(data_mean, data_std²)`` against a one-hidden-layer tanh
    discriminator, by alternating heavy-ball steps (both players ``lr`` and ``beta``).

    The generator starts at ``a = 1, b = 0``, far from the data, so the discriminator soon tells the two
    apart: there ``D(G(z)) ≈ 0`` and the minimax loss ``log(1 − D(G(z)))`` is flat (its gradient carries a
    factor ``D(G(z))``), while the non-saturating ``−log D(G(z))`` keeps a gradient of order one.

    Args:
        steps: rounds of one discriminator and one generator step, ≥ 1.
        generator_loss: ``"nonsaturating"`` (default) or ``"minimax"``.
        lr, beta: step size (> 0) and momentum (in (−1, 1)) of both players.
        batch: real and fake samples per step; hidden: the discriminator's width.
        data_mean, data_std: the data distribution.
        seed: seeds the initial discriminator and every sample (an integer ≥ 0; ``None`` draws fresh entropy,
            so the run is not repeatable).
        record_every: keep every ``record_every``-th round in the history.
        warmup: discriminator-only steps before the game starts (≥ 0), so that training starts where
            Goodfellow et al. (2014) place the saturation: a discriminator that rejects the fakes confidently.

    Returns:
        dict of arrays over the recorded rounds: ``step``, ``a``, ``b`` (the generator; the data's
        values are ``data_std`` and ``data_mean``, up to the sign of ``a``), ``generator_grad_norm``
        (‖∂L_G/∂(a, b)‖), ``d_fake`` (the mean D(G(z)), a probability), ``discriminator_loss``. Round 0
        (the state after the warm-up, before any generator step) is always recorded, and so is round
        ``steps`` when ``record_every`` divides it.

    Edge cases: the losses are computed from logits (softplus), so a discriminator that is certain
    (``D(G(z))`` within 1e-300 of 0) gives a minimax gradient that underflows to 0, not a NaN; the
    recorded ``d_fake`` is then 0.0.

    Raises:
        TypeError: a non-integer ``steps``, ``batch``, ``hidden``, ``record_every``, ``warmup`` or ``seed``;
            a non-number ``lr``, ``beta``, ``data_mean`` or ``data_std``; a ``generator_loss`` that is not
            a string.
        ValueError: ``steps``, ``batch``, ``hidden`` or ``record_every`` < 1, ``warmup`` or ``seed`` < 0,
            ``lr`` or ``data_std`` <= 0, ``beta`` outside (−1, 1), an unknown ``generator_loss``, e.g.
            ``"generator_loss must be one of ('minimax', 'nonsaturating'); got generator_loss='wasserstein'"``.
    """
    steps = positive_int(steps, "steps")
    lr = positive(lr, "lr")
    beta = _momentum(beta)
    g_loss = _generator_loss(generator_loss)
    batch = positive_int(batch, "batch")
    hidden = positive_int(hidden, "hidden")
    data_mean = real_number(data_mean, "data_mean")
    data_std = positive(data_std, "data_std")
    seed = _seed(seed)
    record_every = positive_int(record_every, "record_every")
    warmup = positive_int(warmup, "warmup", minimum=0)
    rng = np.random.default_rng(seed)
    d_params = [
        rng.normal(scale=1.0, size=(1, hidden)),
        np.zeros(hidden),
        rng.normal(scale=1.0 / np.sqrt(hidden), size=(hidden, 1)),
        np.zeros(()),
    ]
    g_params = [np.array(1.0), np.array(0.0)]
    d_velocity = [np.zeros_like(p) for p in d_params]
    g_velocity = [np.zeros_like(p) for p in g_params]
    history: dict[str, list[float]] = {
        key: [] for key in ("step", "a", "b", "generator_grad_norm", "d_fake", "discriminator_loss")
    }

    def d_objective(*params):
        logits_real = _discriminator_logits(params, real)
        logits_fake = _discriminator_logits(params, fake)
        return gan_discriminator_loss(logits_real, logits_fake)

    def g_objective(a, b):
        return g_loss(_discriminator_logits(d_params, a * z + b))

    for _ in range(warmup):
        real = data_mean + data_std * rng.standard_normal((batch, 1))
        fake = g_params[0] * rng.standard_normal((batch, 1)) + g_params[1]
        _heavy_ball(d_params, d_velocity, ad.grad(d_objective, argnums=(0, 1, 2, 3))(*d_params), lr, beta)
    for step in range(steps + 1):
        real = data_mean + data_std * rng.standard_normal((batch, 1))
        z = rng.standard_normal((batch, 1))
        fake = g_params[0] * z + g_params[1]
        d_loss, d_grads = ad.value_and_grad(d_objective, argnums=(0, 1, 2, 3))(*d_params)
        g_grads = ad.grad(g_objective, argnums=(0, 1))(*g_params)
        if step % record_every == 0:
            logits = _discriminator_logits(d_params, fake).numpy()
            history["step"].append(step)
            history["a"].append(float(g_params[0]))
            history["b"].append(float(g_params[1]))
            history["generator_grad_norm"].append(float(np.sqrt(sum(np.sum(g**2) for g in g_grads))))
            history["d_fake"].append(float(np.mean(np.exp(-np.logaddexp(0.0, -logits)))))  # σ without overflow
            history["discriminator_loss"].append(float(d_loss))
        if step == steps:
            break
        _heavy_ball(d_params, d_velocity, d_grads, lr, beta)
        g_grads = ad.grad(g_objective, argnums=(0, 1))(*g_params)  # against the updated discriminator
        _heavy_ball(g_params, g_velocity, g_grads, lr, beta)
    return {key: np.array(values) for key, values in history.items()}
