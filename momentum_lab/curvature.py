"""Eigenvalues of a Hessian you never form: power iteration and Lanczos on Hessian-vector products.

Chapter 5 ("Hessians": power iteration on Hessian-vector products) and chapter 10 (Lanczos on the capstone's loss).

The tuning rules for momentum need the extreme curvatures of the loss, ``μ`` and ``L``: the smallest and
the largest eigenvalue of the Hessian ``H``. For a model with d parameters ``H`` has d² entries, but a
Hessian-vector product ``v ↦ Hv`` costs only about two gradients (Pearlmutter 1994; ``autodiff.hvp``).
Everything here sees ``H`` only through such a function ``hvp`` (any callable taking a vector of
shape ``(dim,)`` to ``H v`` of the same shape, for a symmetric ``H``):

* :func:`power_iteration`: ``v ← Hv/‖Hv‖``; converges to the eigenvalue of largest *magnitude*, at the
  speed of ``|λ₂/λ₁|`` per step;
* :func:`extreme_eigenvalues`: both ends of the spectrum from two power iterations, the second on the
  shifted ``H − λ₁I`` (whose largest-magnitude eigenvalue sits at the other end);
* :func:`lanczos`: a Krylov method that builds an orthonormal basis of ``{v, Hv, H²v, …}`` and the
  tridiagonal matrix ``T = QᵀHQ`` in it; the eigenvalues of ``T`` (Ritz values) approach both ends of
  the spectrum together, far faster than power iteration (Lanczos 1950; Golub and Van Loan, ch. 10);
* :func:`hessian_from_hvp`: the whole matrix, one column ``H e_i`` per call (fine for small d).

NumPy only. Random start vectors come from ``np.random.default_rng(seed)``, so results are reproducible.

Edges: ``hvp`` must return finite real numbers of the vector's shape (a NaN, an infinity, a complex or
boolean array, or a wrong shape is an error naming ``hvp``, with the shape it returned); a zero start
vector is refused; ``H = 0`` gives the eigenvalue 0; an ill-conditioned H is no problem for the
largest-magnitude end, but the smallest eigenvalue of a nearly singular H is only known to about
``1e-16 · |λ_max|`` (absolute), as for any method working in float64. Results are float64.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from momentum_lab._validate import as_float_array, as_real_array, check_callable, flag, positive, positive_int

#: A Hessian-vector product ``v -> H v``.
HVP = Callable[[np.ndarray], npt.ArrayLike]

__all__ = [
    "Extremes",
    "LanczosResult",
    "PowerResult",
    "extreme_eigenvalues",
    "hessian_from_hvp",
    "lanczos",
    "power_iteration",
]


def _check_hvp(hvp: object) -> None:
    check_callable(hvp, "hvp", "v -> H v")


def _apply(hvp: HVP, v: np.ndarray) -> np.ndarray:
    """``hvp(v)`` as a float array of v's shape, or a TypeError/ValueError saying what came back."""
    w = as_real_array(hvp(v), "hvp(v)").astype(np.float64, copy=False)
    if w.shape != v.shape:
        raise ValueError(f"hvp must return an array of shape {v.shape}; got shape {w.shape}")
    if not np.all(np.isfinite(w)):
        raise ValueError("hvp returned a non-finite value (nan or inf)")
    return w


def _check_dim(dim: object) -> int:
    return positive_int(dim, "dim")


def _seed(seed: object) -> int:
    return positive_int(seed, "seed", minimum=0)


def _start(dim: int, seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal(dim)
    return v / np.linalg.norm(v)


@dataclass(frozen=True)
class PowerResult:
    """The outcome of :func:`power_iteration`.

    ``value``: the Rayleigh quotient ``vᵀHv`` at the last unit vector ``vector``; ``iterations``: how many
    products with H were taken; ``converged``: whether ``‖Hv − value·v‖ ≤ tol·|value|`` was reached.
    """

    value: float
    vector: np.ndarray
    iterations: int
    converged: bool


def power_iteration(hvp: HVP, v0: npt.ArrayLike, iters: int = 1000, tol: float = 1e-10) -> PowerResult:
    """The eigenvalue of largest magnitude of a symmetric H, and its eigenvector, from products ``Hv``.

    Repeats ``w = H v``, ``λ = vᵀw`` (the Rayleigh quotient, v a unit vector) and ``v ← w/‖w‖``, and stops
    when the residual ``‖Hv − λv‖`` is at most ``tol·|λ|`` or after ``iters`` products. The error of
    ``λ`` is then about ``residual²/gap``, far below ``tol``. Each step shrinks the other eigen-components
    by ``|λ₂|/|λ₁|`` (second largest over largest magnitude), which can be slow.

    If ``H v = 0`` (v in the null space) the answer is ``λ = 0`` with that ``v``. If ``λ`` and ``−λ``
    are both eigenvalues of the largest magnitude the iteration does not settle; ``converged`` is False.

    Args:
        hvp: callable ``v -> H v`` for vectors of shape ``(dim,)``; H symmetric.
        v0: the start vector, shape ``(dim,)``, not zero (it should not be orthogonal to the wanted
            eigenvector; a random vector almost surely is not).
        iters: the largest number of products with H (≥ 1).
        tol: relative residual at which to stop (> 0).

    Returns a :class:`PowerResult`.
    """
    _check_hvp(hvp)
    v = as_float_array(v0, "v0", ndim=1).copy()
    iters = positive_int(iters, "iters")
    tol = positive(tol, "tol")
    if not np.any(v):
        raise ValueError("v0 must not be the zero vector")
    v /= np.max(np.abs(v))  # first to about 1, so that the norm of a huge v0 cannot overflow
    v /= np.linalg.norm(v)
    value = 0.0
    for i in range(1, iters + 1):
        w = _apply(hvp, v)
        value = float(v @ w)
        size = np.linalg.norm(w)
        if size == 0.0:  # v is in the null space: 0 is an eigenvalue and v an eigenvector
            return PowerResult(0.0, v, i, True)
        if np.linalg.norm(w - value * v) <= tol * abs(value):
            return PowerResult(value, v, i, True)
        v = w / size
    return PowerResult(value, v, iters, False)


@dataclass(frozen=True)
class Extremes:
    """The smallest and largest eigenvalue found by :func:`extreme_eigenvalues`, with its work count.

    ``iterations``: products with H in total (both power iterations); ``converged``: both converged.
    """

    smallest: float
    largest: float
    iterations: int
    converged: bool

    def __iter__(self) -> Iterator[float]:  # so that ``mu, L = extreme_eigenvalues(...)`` works
        return iter((self.smallest, self.largest))


def extreme_eigenvalues(hvp: HVP, dim: int, seed: int = 0, iters: int = 5000, tol: float = 1e-10) -> Extremes:
    """Both ends of the spectrum of a symmetric H by shifted power iteration.

    1. Power iteration on H finds ``λ₁``, the eigenvalue of largest magnitude: one end of the spectrum.
    2. Power iteration on ``H − λ₁ I`` (eigenvalues ``λ − λ₁``) finds the largest-magnitude ``λ − λ₁``,
       which belongs to the eigenvalue farthest from ``λ₁``: the other end. Add ``λ₁`` back.

    Works whatever the signs (an indefinite H gives a negative ``smallest``). The second stage converges
    at the rate ``|λ' − λ₁| / |λ_far − λ₁|`` (λ' the eigenvalue next to the far end): slowly when the far
    end is not well separated, which is where :func:`lanczos` does much better.

    Args:
        hvp: callable ``v -> H v``; dim: the size of v.
        seed: seed of the random start vector (both stages use it).
        iters, tol: as for :func:`power_iteration`, per stage.

    Returns an :class:`Extremes` (unpacks as ``smallest, largest``).
    """
    _check_hvp(hvp)
    dim = _check_dim(dim)
    v0 = _start(dim, _seed(seed))
    iters = positive_int(iters, "iters")
    tol = positive(tol, "tol")
    first = power_iteration(hvp, v0, iters, tol)
    shift = first.value
    second = power_iteration(lambda v: _apply(hvp, v) - shift * v, v0, iters, tol)
    other = second.value + shift
    smallest, largest = sorted((shift, other))
    return Extremes(smallest, largest, first.iterations + second.iterations, first.converged and second.converged)


@dataclass(frozen=True)
class LanczosResult:
    """The outcome of :func:`lanczos` after ``m`` steps (``m ≤ k``; fewer if an invariant subspace was found).

    ``values``: the Ritz values, ascending, shape ``(m,)``; ``vectors``: the Ritz vectors as columns,
    shape ``(dim, m)`` (unit length); ``residuals``: ``‖H y_i − θ_i y_i‖`` for each pair, computed as
    ``|β_m s_{m,i}|`` from the tridiagonal matrix; ``alphas``, ``betas``: the diagonal ``(m,)`` and
    off-diagonal ``(m − 1,)`` of ``T = QᵀHQ``; ``basis``: ``Q``, shape ``(dim, m)``.
    """

    values: np.ndarray
    vectors: np.ndarray
    residuals: np.ndarray
    alphas: np.ndarray
    betas: np.ndarray
    basis: np.ndarray

    @property
    def smallest(self) -> float:
        """The smallest Ritz value."""
        return float(self.values[0])

    @property
    def largest(self) -> float:
        """The largest Ritz value."""
        return float(self.values[-1])


def lanczos(hvp: HVP, dim: int, k: int, seed: int = 0, v0: npt.ArrayLike | None = None) -> LanczosResult:
    """``k`` steps of the Lanczos method with full reorthogonalisation on a symmetric H.

    Builds orthonormal ``q₁, q₂, …`` (``q₁`` random from ``seed``, or ``v0``) with the three-term
    recurrence ``β_j q_{j+1} = H q_j − α_j q_j − β_{j−1} q_{j−1}``, ``α_j = q_jᵀ H q_j``, so that
    ``T = QᵀHQ`` is tridiagonal (``α`` on the diagonal, ``β`` beside it). In floating point the q's lose
    their orthogonality as Ritz values converge (Paige), so each new vector is orthogonalised against all
    previous ones, twice ("twice is enough"), which keeps ``QᵀQ = I`` to rounding error; the cost is
    ``O(dim·k²)`` extra flops, nothing for the sizes in this course.

    If ``β_j`` falls below ``1e-12 · max|α|`` the Krylov space is invariant under H: its Ritz values are
    exact eigenvalues and the method stops early (then ``m < k``).

    Args:
        hvp: callable ``v -> H v``; dim: the size of v.
        k: the number of steps, ``1 ≤ k ≤ dim`` (with ``k = dim`` the Ritz values are all the
            eigenvalues).
        seed: seed of the random start vector; ignored when ``v0`` is given.
        v0: an optional start vector, shape ``(dim,)``, not zero.

    Returns a :class:`LanczosResult`.
    """
    _check_hvp(hvp)
    dim = _check_dim(dim)
    k = positive_int(k, "k")
    if k > dim:
        raise ValueError(f"k must be at most dim={dim} (a Krylov space has at most dim dimensions); got k={k}")
    if v0 is None:
        q = _start(dim, _seed(seed))
    else:
        q = as_float_array(v0, "v0", ndim=1)
        if q.shape != (dim,):
            raise ValueError(f"v0 must have shape ({dim},); got shape {q.shape}")
        if not np.any(q):
            raise ValueError("v0 must not be the zero vector")
        q = q / np.max(np.abs(q))  # first to about 1, so that the norm of a huge v0 cannot overflow
        q = q / np.linalg.norm(q)
    Q = np.zeros((dim, k))
    alphas = np.zeros(k)
    betas = np.zeros(k)
    m = k
    for j in range(k):
        Q[:, j] = q
        w = _apply(hvp, q)
        alphas[j] = q @ w
        w = w - alphas[j] * q
        if j > 0:
            w = w - betas[j - 1] * Q[:, j - 1]
        for _ in range(2):  # full reorthogonalisation, twice
            w = w - Q[:, : j + 1] @ (Q[:, : j + 1].T @ w)
        betas[j] = np.linalg.norm(w)
        if j == k - 1:
            break
        if betas[j] <= 1e-12 * max(np.max(np.abs(alphas[: j + 1])), np.finfo(float).tiny):
            m = j + 1
            betas[j] = 0.0
            break
        q = w / betas[j]
    alphas, last_beta, betas = alphas[:m], betas[m - 1], betas[: m - 1]
    T = np.diag(alphas) + np.diag(betas, 1) + np.diag(betas, -1)
    values, S = np.linalg.eigh(T)
    basis = Q[:, :m]
    return LanczosResult(
        values=values,
        vectors=basis @ S,
        residuals=np.abs(last_beta * S[-1, :]),
        alphas=alphas,
        betas=betas,
        basis=basis,
    )


def hessian_from_hvp(hvp: HVP, dim: int, symmetrize: bool = True) -> npt.NDArray[np.float64]:
    """The full matrix H, column by column: ``H[:, i] = hvp(e_i)`` (``dim`` products).

    With ``symmetrize`` (default) returns ``(H + Hᵀ)/2``, which removes rounding-level asymmetry.
    """
    _check_hvp(hvp)
    dim = _check_dim(dim)
    symmetrize = flag(symmetrize, "symmetrize")
    H = np.empty((dim, dim))
    for i, e in enumerate(np.eye(dim)):
        H[:, i] = _apply(hvp, e)
    return 0.5 * (H + H.T) if symmetrize else H
