"""How fast gradient descent and momentum converge on a quadratic (chapter 3), and how fast a run does.

On ``f(x) = ½ xᵀAx − bᵀx`` the error ``e = x − x*`` evolves independently along each eigenvector of
``A``. For an eigenvalue λ, learning rate α and momentum β:

* gradient descent:  ``e_{k+1} = (1 − αλ) e_k``;
* heavy ball:        ``e_{k+1} = (1 + β − αλ) e_k − β e_{k−1}``, i.e. ``(e_{k+1}, e_k) = M (e_k, e_{k−1})``
  with ``M = [[1 + β − αλ, −β], [1, 0]]`` (:func:`heavy_ball_matrix`);
* Nesterov:          ``e_{k+1} = (1 + β)(1 − αλ) e_k − β(1 − αλ) e_{k−1}`` (:func:`nesterov_matrix`).

The heavy-ball recursion is the same for the classical, Keras and (constant-rate) torch forms of
:mod:`momentum_lab.optim`; the Nesterov one holds for the look-ahead points that torch and Keras store.

The **rate** of a method is the spectral radius ρ of its 2×2 matrix, maximised over the eigenvalues:
the error shrinks like ρᵏ (times a factor growing like k when the two roots coincide). The eigenvalues
of ``M`` are the roots of ``z² − Tz + D`` with ``T`` the trace and ``D`` the determinant; when they are
complex, ``|z| = √D`` (for the heavy ball ``√β``, whatever α is).

Main results (Polyak 1964; Goh, "Why Momentum Really Works", Distill 2017), with eigenvalues in
``[μ, L]`` and κ = L/μ:

* gradient descent converges iff ``0 < αλ < 2``; the best α is ``2/(μ + L)``, rate ``(κ − 1)/(κ + 1)``;
* the heavy ball converges iff ``0 ≤ β < 1`` and ``0 < αλ < 2(1 + β)``;
  the best pair is ``α* = 4/(√L + √μ)²``, ``β* = ((√κ − 1)/(√κ + 1))²``, rate ``(√κ − 1)/(√κ + 1)``;
* Nesterov with ``α = 1/L``, ``β = (√κ − 1)/(√κ + 1)`` has rate ``1 − 1/√κ``.

For κ = 100 that is 0.980198 (gradient descent) against 0.818182 (heavy ball): 691 against 69 steps to
shrink the error a million times (:func:`iterations_to`).

Every function accepts NumPy arrays for ``lr`` and ``momentum`` and broadcasts them against each other,
so a whole grid of (α, β) is one call; the eigenvalues are a 1-d list that the rate is maximised over.

Edges, for every function: inputs must be finite real numbers (NaN, infinities, booleans and complex
numbers are refused with a ValueError or TypeError naming the argument); an empty ``lr`` or ``momentum``
array gives an empty result, an empty list of eigenvalues is refused; a product ``α·λ`` beyond the float
range gives the rate ``inf`` (never NaN). Results are float64.

:func:`measured_rate` is the other side: the rate a run actually shows (chapters 3 and 10 hold it
against these predictions).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from momentum_lab._validate import as_float_array, one_of, positive, real_number

#: A number or an array of numbers, what the rates take for ``lr`` and ``momentum``.
FloatOrArray = Any  # a Python float for 0-d inputs, else ``npt.NDArray[np.float64]``

__all__ = [
    "Rate",
    "critical_momentum",
    "gd_rate",
    "heavy_ball_matrix",
    "heavy_ball_rate",
    "is_stable",
    "iterations_to",
    "measured_rate",
    "nesterov_matrix",
    "nesterov_parameters",
    "nesterov_rate",
    "optimal_gd",
    "optimal_momentum",
    "rate_map",
    "stability_boundary",
]

_METHODS = ("gd", "heavy_ball", "nesterov")


# ----------------------------------------------------------------------------------------------------
# Argument checks


def _non_negative_array(value: npt.ArrayLike, name: str) -> np.ndarray:
    array = as_float_array(value, name, allow_empty=True)
    if np.any(array < 0):
        bad = float(array[array < 0].flat[0])
        raise ValueError(
            f"{name} must be >= 0; got {name}={bad!r}"
            if array.ndim == 0
            else f"{name} must be >= 0; got a value {bad!r} in {name}"
        )
    return array


def _eigenvalues(value: npt.ArrayLike, name: str = "eigenvalues") -> np.ndarray:
    """A non-empty 1-d float array (a scalar counts as one eigenvalue). Any real λ is allowed."""
    array = as_float_array(value, name)
    if array.ndim > 1:
        raise ValueError(f"{name} must be a number or a 1-d list; got shape {array.shape}")
    return array.reshape(-1)


def _mu_L(mu: float, L: float) -> tuple[float, float]:
    mu = positive(mu, "mu")
    L = positive(L, "L")
    if mu > L:
        raise ValueError(f"mu must be <= L; got mu={mu!r}, L={L!r}")
    return mu, L


def _out(array: npt.ArrayLike) -> FloatOrArray:
    """A Python scalar for 0-d results, the array otherwise."""
    array = np.asarray(array)
    return array.item() if array.ndim == 0 else array


def _broadcast_shapes(**arrays: np.ndarray) -> tuple[int, ...]:
    """The broadcast shape of the named arrays, or a ValueError naming them and their shapes."""
    try:
        return np.broadcast_shapes(*(a.shape for a in arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{name}.shape={a.shape}" for name, a in arrays.items())
        raise ValueError(f"{' and '.join(arrays)} must broadcast against each other; got {shapes}") from None


def _broadcastable(**values: npt.ArrayLike) -> list[np.ndarray]:
    """``lr`` and ``momentum`` (non-negative) and ``lam`` (any real) as float arrays that broadcast."""
    arrays = {
        name: (as_float_array(v, name) if name == "lam" else _non_negative_array(v, name)) for name, v in values.items()
    }
    _broadcast_shapes(**arrays)
    return list(arrays.values())


# ----------------------------------------------------------------------------------------------------
# Spectral radius of a 2×2 companion matrix


def _radius(trace: np.ndarray, det: np.ndarray) -> np.ndarray:
    """Largest |z| over the roots of z² − trace·z + det (elementwise, no complex arithmetic).

    Real roots (discriminant ≥ 0): both have the sign of ``trace`` or opposite signs, and the larger
    one in absolute value is (|trace| + √disc)/2 (no cancellation). Complex roots: |z|² = z z̄ = det.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        disc = trace * trace - 4.0 * det
    real = disc >= 0
    with np.errstate(over="ignore", invalid="ignore"):
        r_real = 0.5 * (np.abs(trace) + np.sqrt(np.where(real, disc, 0.0)))
        r_complex = np.sqrt(np.where(real, 0.0, det))
    return np.where(real, r_real, r_complex)


def _extremes(eigenvalues: np.ndarray) -> np.ndarray:
    """For gd and heavy ball only the smallest and largest eigenvalue matter: the radius grows with |T|,
    and |T| = |1 + β − αλ| is convex in λ, so its maximum over an interval sits at an end."""
    return np.unique([eigenvalues.min(), eigenvalues.max()])


def _max_over(eigenvalues: np.ndarray, radius_at: Callable[[float], np.ndarray]) -> np.ndarray:
    rate: np.ndarray | None = None
    for lam in eigenvalues:
        r = radius_at(float(lam))
        rate = r if rate is None else np.maximum(rate, r)
    assert rate is not None  # _eigenvalues refuses an empty list
    return rate


def _gd_radius(lr: np.ndarray, momentum: np.ndarray | float, lam: float) -> np.ndarray:
    with np.errstate(over="ignore"):
        return np.abs(1.0 - lr * lam) + 0.0 * np.asarray(momentum)


def _heavy_ball_radius(lr: np.ndarray, momentum: np.ndarray, lam: float) -> np.ndarray:
    with np.errstate(over="ignore"):
        return _radius(1.0 + momentum - lr * lam, momentum)


def _nesterov_radius(lr: np.ndarray, momentum: np.ndarray, lam: float) -> np.ndarray:
    with np.errstate(over="ignore", invalid="ignore"):
        contraction = 1.0 - lr * lam
        # β = 0 with an overflowed contraction would give 0·inf = NaN; the determinant is 0 there.
        det = np.where(momentum == 0, 0.0, momentum * contraction)
        return _radius((1.0 + momentum) * contraction, det)


# ----------------------------------------------------------------------------------------------------
# Public functions


def gd_rate(lr: npt.ArrayLike, eigenvalues: npt.ArrayLike) -> FloatOrArray:
    """Rate of gradient descent: ``max_λ |1 − lr·λ|``.

    Args:
        lr: learning rate α ≥ 0 (a number or an array; the result has its shape).
        eigenvalues: the Hessian's eigenvalues (a number or a 1-d list).

    Example: ``gd_rate(0.1, [1, 10])`` is ``max(|1 − 0.1|, |1 − 1|) = 0.9``.
    """
    lr = _non_negative_array(lr, "lr")
    lams = _extremes(_eigenvalues(eigenvalues))
    return _out(_max_over(lams, lambda lam: _gd_radius(lr, 0.0, lam)))


def heavy_ball_matrix(lr: npt.ArrayLike, momentum: npt.ArrayLike, lam: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """The heavy ball's iteration matrix along an eigenvector with eigenvalue ``lam``.

    ``(e_{k+1}, e_k) = M (e_k, e_{k−1})`` with::

        M = [[1 + β − αλ, −β],
             [1,           0]]

    Args:
        lr, momentum, lam: α ≥ 0, β ≥ 0 and λ (numbers or broadcastable arrays).

    Returns:
        An array of shape ``broadcast(lr, momentum, lam).shape + (2, 2)``; shapes that do not broadcast
        are a ValueError naming the three shapes.
    """
    lr_, momentum_, lam_ = _broadcastable(lr=lr, momentum=momentum, lam=lam)
    with np.errstate(over="ignore"):
        trace = 1.0 + momentum_ - lr_ * lam_
    beta = np.broadcast_to(momentum_, trace.shape)
    matrix = np.empty(trace.shape + (2, 2))
    matrix[..., 0, 0] = trace
    matrix[..., 0, 1] = -beta
    matrix[..., 1, 0] = 1.0
    matrix[..., 1, 1] = 0.0
    return matrix


def nesterov_matrix(lr: npt.ArrayLike, momentum: npt.ArrayLike, lam: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Nesterov's iteration matrix along an eigenvector with eigenvalue ``lam``::

        M = [[(1 + β)(1 − αλ), −β(1 − αλ)],
             [1,               0         ]]

    (from ``x_{k+1} = y_k − α∇f(y_k)``, ``y_k = x_k + β(x_k − x_{k−1})``; the look-ahead points ``y``
    follow the same recursion). Shapes as in :func:`heavy_ball_matrix`.
    """
    lr_, momentum_, lam_ = _broadcastable(lr=lr, momentum=momentum, lam=lam)
    with np.errstate(over="ignore", invalid="ignore"):
        contraction = 1.0 - lr_ * lam_
        trace = (1.0 + momentum_) * contraction
        off = np.where(momentum_ == 0, 0.0, -momentum_ * contraction)
    matrix = np.empty(trace.shape + (2, 2))
    matrix[..., 0, 0] = trace
    matrix[..., 0, 1] = off
    matrix[..., 1, 0] = 1.0
    matrix[..., 1, 1] = 0.0
    return matrix


def heavy_ball_rate(lr: npt.ArrayLike, momentum: npt.ArrayLike, eigenvalues: npt.ArrayLike) -> FloatOrArray:
    """Rate of the heavy ball: the largest spectral radius of :func:`heavy_ball_matrix` over the eigenvalues.

    Per eigenvalue the radius is the largest root modulus of ``z² − (1 + β − αλ) z + β``:
    ``(|T| + √(T² − 4β))/2`` for real roots, ``√β`` for complex ones. With β = 0 it is :func:`gd_rate`.
    It is always ≥ √β (the roots multiply to β).

    Args:
        lr: α ≥ 0; momentum: β ≥ 0 (numbers or arrays, broadcast against each other).
        eigenvalues: a number or a 1-d list.

    Returns:
        A float, or an array of shape ``broadcast(lr, momentum).shape``.
    """
    lr_, momentum_ = _broadcastable(lr=lr, momentum=momentum)
    lams = _extremes(_eigenvalues(eigenvalues))
    return _out(_max_over(lams, lambda lam: _heavy_ball_radius(lr_, momentum_, lam)))


def nesterov_rate(lr: npt.ArrayLike, momentum: npt.ArrayLike, eigenvalues: npt.ArrayLike) -> FloatOrArray:
    """Rate of Nesterov's method: the largest spectral radius of :func:`nesterov_matrix` over the eigenvalues.

    Per eigenvalue: the largest root modulus of ``z² − (1 + β)(1 − αλ) z + β(1 − αλ)``. Shapes as in
    :func:`heavy_ball_rate`; every eigenvalue is visited (the maximum need not sit at an end).
    """
    lr_, momentum_ = _broadcastable(lr=lr, momentum=momentum)
    lams = np.unique(_eigenvalues(eigenvalues))
    return _out(_max_over(lams, lambda lam: _nesterov_radius(lr_, momentum_, lam)))


def is_stable(lr: npt.ArrayLike, momentum: npt.ArrayLike, eigenvalues: npt.ArrayLike) -> bool | np.ndarray:
    """Whether the heavy ball converges: ``0 ≤ β < 1`` and ``0 < αλ < 2(1 + β)`` for every eigenvalue.

    This is the Jury criterion ``|D| < 1, |T| < 1 + D`` for ``z² − Tz + D`` with ``T = 1 + β − αλ``,
    ``D = β``; it holds exactly when :func:`heavy_ball_rate` < 1. With β = 0 it is gradient descent's
    ``0 < αλ < 2``.

    On the boundary itself (``αλ = 2(1 + β)`` exactly, in floating point) the answer is False: the rate
    is 1 there.

    Returns:
        A bool, or a bool array of shape ``broadcast(lr, momentum).shape``.
    """
    lr_, momentum_ = _broadcastable(lr=lr, momentum=momentum)
    lams = _extremes(_eigenvalues(eigenvalues))
    stable = momentum_ < 1.0
    with np.errstate(over="ignore"):
        for lam in lams:
            step = lr_ * lam
            stable = stable & (step > 0) & (step < 2.0 * (1.0 + momentum_))
    result = np.asarray(stable)
    return bool(result) if result.ndim == 0 else result


def stability_boundary(momentum: npt.ArrayLike, L: float = 1.0) -> FloatOrArray:
    """The learning rate at which the heavy ball starts to diverge: ``2(1 + β)/L``.

    Every ``0 < α < 2(1 + β)/L`` converges on a quadratic whose largest eigenvalue is ``L`` (for
    ``0 ≤ β < 1``); at ``α = 2(1 + β)/L`` the root ``z = −1`` appears. With the default ``L = 1`` this is
    the boundary on ``αλ``. Momentum almost doubles the usable step size: 2/L at β = 0, → 4/L as β → 1.
    A momentum ≥ 1 is a ValueError: then no learning rate converges.
    """
    momentum_ = _non_negative_array(momentum, "momentum")
    if np.any(momentum_ >= 1):
        bad = float(momentum_[momentum_ >= 1].flat[0])
        raise ValueError(f"momentum must be in [0, 1) (with β ≥ 1 no learning rate converges); got momentum={bad!r}")
    L = positive(L, "L")
    return _out(2.0 * (1.0 + momentum_) / L)


def optimal_gd(mu: float, L: float) -> tuple[float, float]:
    """The best constant step for gradient descent and its rate: ``(2/(μ + L), (L − μ)/(L + μ))``.

    At this α the two extreme eigen-directions contract equally fast: ``1 − αμ = −(1 − αL)``.
    """
    mu, L = _mu_L(mu, L)
    return 2.0 / (mu + L), (L - mu) / (L + mu)


def optimal_momentum(mu: float, L: float) -> tuple[float, float, float]:
    """The best heavy ball (Polyak 1964): ``(α*, β*, rate)``.

    ``α* = 4/(√L + √μ)²``, ``β* = ((√L − √μ)/(√L + √μ))² = ((√κ − 1)/(√κ + 1))²``, rate ``√β*``.
    At this pair the roots for λ = μ and λ = L are both double (critically damped), and every
    eigenvalue in between has complex roots of modulus √β*.
    """
    mu, L = _mu_L(mu, L)
    sl, sm = math.sqrt(L), math.sqrt(mu)
    rate = (sl - sm) / (sl + sm)
    return 4.0 / (sl + sm) ** 2, rate * rate, rate


def critical_momentum(lr: npt.ArrayLike, lam: npt.ArrayLike) -> FloatOrArray:
    """The momentum that critically damps the direction with eigenvalue ``lam``: ``β = (1 − √(αλ))²``.

    There the discriminant ``(1 + β − αλ)² − 4β`` vanishes and the heavy ball has the double root
    ``z = 1 − √(αλ)``: the fastest convergence along that direction, rate ``|1 − √(αλ)|``. Less momentum
    is over-damped (slower, real roots), more is under-damped (oscillates, rate √β).

    Args:
        lr: α ≥ 0; lam: λ ≥ 0 (numbers or broadcastable arrays).
    """
    lr_ = _non_negative_array(lr, "lr")
    lam_ = _non_negative_array(lam, "lam")
    _broadcast_shapes(lr=lr_, lam=lam_)
    with np.errstate(over="ignore"):
        return _out((1.0 - np.sqrt(lr_ * lam_)) ** 2)


def nesterov_parameters(mu: float, L: float) -> tuple[float, float, float]:
    """Nesterov's classical choice for a μ-strongly convex, L-smooth quadratic: ``(α, β, rate)``.

    ``α = 1/L``, ``β = (√κ − 1)/(√κ + 1)``, rate ``1 − 1/√κ`` (the smallest eigenvalue has the double
    root ``1 − 1/√κ``). Slower than the optimal heavy ball on a quadratic, but it keeps its guarantee on
    every smooth strongly convex function, which the heavy ball does not.
    """
    mu, L = _mu_L(mu, L)
    root_kappa = math.sqrt(L / mu)
    return 1.0 / L, (root_kappa - 1.0) / (root_kappa + 1.0), 1.0 - 1.0 / root_kappa


def iterations_to(rate: npt.ArrayLike, tol: float) -> int | float | np.ndarray:
    """How many steps shrink the error by ``tol``: the smallest integer k ≥ 0 with ``rate**k <= tol``.

    ``rate**k`` and ``tol`` are compared as float64 numbers, exactly as ``rate ** k <= tol`` in Python:
    the estimate ``⌈log(tol)/log(rate)⌉`` is corrected in both directions against ``rate**k`` itself,
    so round-off in the logarithms can neither add nor remove a step. At an exact power in decimal the
    floats decide: ``iterations_to(0.1, 1e-6)`` is 7, since ``0.1 ** 6 == 1.0000000000000004e-06 > 1e-06``
    (the floats 0.1 and 1e-6 are not exactly 1/10 and 10⁻⁶), while ``iterations_to(0.5, 0.125)`` is 3.
    A rate ≥ 1 never gets there: the result is ``math.inf``; a rate of 0 needs one step.

    Args:
        rate: ρ ≥ 0 (a number or an array).
        tol: the factor, 0 < tol < 1.

    Returns:
        An int (or ``math.inf``) for a number; a float array for an array.

    Example: ``iterations_to(0.5, 0.1)`` is 4, since 0.5³ = 0.125 > 0.1 ≥ 0.5⁴ = 0.0625.
    """
    rate_ = _non_negative_array(rate, "rate")
    tol = real_number(tol, "tol")
    if not 0 < tol < 1:
        raise ValueError(f"tol must be in (0, 1); got tol={tol!r}")
    converges = rate_ < 1
    safe = np.where(converges & (rate_ > 0), rate_, 0.5)
    k = np.maximum(np.ceil(np.log(tol) / np.log(safe)), 1.0)
    with np.errstate(under="ignore"):
        for _ in range(2):  # the estimate is off by at most one step either way; correct it against rate**k
            k = np.where((k > 1) & (safe ** (k - 1) <= tol), k - 1, k)
            k = np.where(safe**k > tol, k + 1, k)
    k = np.where(rate_ == 0, 1.0, k)
    k = np.where(converges, k, np.inf)
    if k.ndim == 0:
        return math.inf if np.isinf(k) else int(k)
    return k


def rate_map(
    lrs: npt.ArrayLike, momenta: npt.ArrayLike, eigenvalues: npt.ArrayLike, method: str = "heavy_ball"
) -> npt.NDArray[np.float64]:
    """The rate over a grid of learning rates and momenta, for a chapter widget.

    Args:
        lrs: 1-d array of learning rates α ≥ 0 (the columns, x axis).
        momenta: 1-d array of momenta β ≥ 0 (the rows, y axis).
        eigenvalues: a number or a 1-d list.
        method: ``"heavy_ball"`` (default), ``"nesterov"`` or ``"gd"`` (ignores the momentum).

    Returns:
        An array of shape ``(len(momenta), len(lrs))`` with ``result[i, j]`` the rate at
        ``(lrs[j], momenta[i])``, ready for ``imshow``/``contourf`` with α horizontal.
    """
    lrs_ = _non_negative_array(lrs, "lrs")
    momenta_ = _non_negative_array(momenta, "momenta")
    if lrs_.ndim != 1:
        raise ValueError(f"lrs must be 1-d; got shape {lrs_.shape}")
    if momenta_.ndim != 1:
        raise ValueError(f"momenta must be 1-d; got shape {momenta_.shape}")
    lams = _eigenvalues(eigenvalues)
    one_of(method, "method", _METHODS)
    alpha, beta = lrs_[None, :], momenta_[:, None]
    if method == "nesterov":
        return _max_over(np.unique(lams), lambda lam: _nesterov_radius(alpha, beta, lam))
    radius = _gd_radius if method == "gd" else _heavy_ball_radius
    return _max_over(_extremes(lams), lambda lam: radius(alpha, beta, lam))


# ----------------------------------------------------------------------------------------------------
# Measuring a rate (chapters 3 and 10): how fast a run's distance to the minimiser shrinks, to hold
# against the rates above.


@dataclass(frozen=True)
class Rate:
    """A measured convergence rate: ``rate = (d[stop] / d[start]) ** (1 / (stop − start))``."""

    rate: float
    start: int
    stop: int

    def __float__(self) -> float:
        return self.rate


def measured_rate(
    distances: npt.ArrayLike, window: tuple[int, int] | None = None, *, upper: float = 1e-3, lower: float = 1e-10
) -> Rate:
    """The geometric mean of ``d_{k+1} / d_k`` over a window: ``(d_stop / d_start)^{1/(stop − start)}``.

    Args:
        distances: ``d_k = ‖θ_k − θ*‖`` for k = 0, 1, … (1-d, positive).
        window: ``(start, stop)``; by default, from the first k with ``d_k ≤ upper · d_0`` (the start-up
            transient is over) to the first k with ``d_k ≤ lower · d_0`` (before rounding errors, at
            about 1e-16 · ‖θ*‖, take over), or the last k if the run never gets there.

    Returns a :class:`Rate` (``float(rate)`` is the number). A window that cannot be formed (the run
    never gets below ``upper · d_0``, or it spans fewer than 2 steps) falls back to the last half of the
    run. ``upper`` and ``lower`` must satisfy ``0 < lower < upper ≤ 1``; ``window`` is a pair of integers.
    A zero distance inside the window (the run reached θ* exactly) is a ValueError, since the rate of an
    error that vanished is not defined; so are NaN or negative distances.
    """
    d = as_float_array(distances, "distances", ndim=1)
    if len(d) < 3:
        raise ValueError(f"distances must have at least 3 entries; got {len(d)}")
    if np.any(d < 0):
        raise ValueError(f"distances must be non-negative; got {float(d[d < 0][0])!r} at index {int(np.argmax(d < 0))}")
    upper = positive(upper, "upper")
    lower = positive(lower, "lower")
    if not lower < upper <= 1:
        raise ValueError(f"upper and lower must satisfy 0 < lower < upper <= 1; got upper={upper!r}, lower={lower!r}")
    if window is None:
        below_upper = np.flatnonzero(d <= upper * d[0])
        below_lower = np.flatnonzero(d <= lower * d[0])
        start = int(below_upper[0]) if below_upper.size else (len(d) - 1) // 2
        stop = int(below_lower[0]) if below_lower.size else len(d) - 1
        if stop - start < 2:
            start, stop = (len(d) - 1) // 2, len(d) - 1
    else:
        if (
            not isinstance(window, (tuple, list))
            or len(window) != 2
            or not all(isinstance(k, (int, np.integer)) and not isinstance(k, bool) for k in window)
        ):
            raise TypeError(f"window must be a pair of integers (start, stop) or None; got window={window!r}")
        start, stop = (int(k) for k in window)
        if not 0 <= start < stop < len(d):
            raise ValueError(f"window must satisfy 0 <= start < stop < {len(d)}; got window={window!r}")
    if d[start] == 0 or d[stop] == 0:
        raise ValueError(f"distances must be positive in the window ({start}, {stop})")
    return Rate(float((d[stop] / d[start]) ** (1.0 / (stop - start))), start, stop)
