"""Test landscapes for optimizers: values, gradients and Hessians written out by hand.

Chapter 1 ("Gradient descent on a loss landscape") introduces them. Every function takes points of
shape ``(..., d)`` and works on whole grids at once, so ``f(grid)`` draws a contour plot:

* ``value(x)``   has shape ``(...)``;
* ``grad(x)``    has shape ``(..., d)``;
* ``hessian(x)`` has shape ``(..., d, d)``.

The gradients are derived in the chapter and checked against finite differences in the tests.

Edges: points must be finite real numbers with last axis ``d`` (NaN, infinities, booleans and complex
numbers are refused, naming ``x``); an empty batch of shape ``(0, d)`` gives empty results; a point so far
out that the value overflows gives ``inf`` (with NumPy's overflow warning), never NaN for the
polynomials here. Results are float64 whatever the input's dtype.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from momentum_lab._typing import Array, ArrayLike
from momentum_lab._validate import as_float_array, one_of, positive, positive_int, real_number


class Landscape:
    """A smooth function ``f: R^d -> R`` with its gradient and Hessian.

    Subclasses implement ``_value``, ``_grad`` and ``_hessian`` on float arrays of shape ``(..., d)``.
    """

    _value: Callable[[Array], Array]
    _grad: Callable[[Array], Array]
    _hessian: Callable[[Array], Array]

    name: str = "landscape"
    dim: int = 2
    #: Plot window ``((xmin, xmax), (ymin, ymax))`` for two-dimensional landscapes.
    bounds: tuple[tuple[float, float], ...] = ((-2.0, 2.0), (-2.0, 2.0))
    #: A start point that shows the landscape's character.
    default_start: tuple[float, ...] = (-1.5, 1.5)
    _minimizers: Sequence[ArrayLike]

    def _points(self, x: ArrayLike) -> Array:
        points: Array = as_float_array(x, "x", allow_empty=True)
        if points.ndim == 0 or points.shape[-1] != self.dim:
            raise ValueError(
                f"x must have shape (..., {self.dim}) for the {self.name} landscape; got shape {points.shape}"
            )
        return points

    def __call__(self, x: ArrayLike) -> Array:
        return self.value(x)

    def value(self, x: ArrayLike) -> Array:
        """f(x) for points of shape (..., d)."""
        return self._value(self._points(x))

    def grad(self, x: ArrayLike) -> Array:
        """The gradient, shape (..., d)."""
        return self._grad(self._points(x))

    def hessian(self, x: ArrayLike) -> Array:
        """The Hessian, shape (..., d, d)."""
        return self._hessian(self._points(x))

    @property
    def minimizers(self) -> Array:
        """The global minimizers as an array of shape (k, d)."""
        return np.asarray(self._minimizers, dtype=float)

    @property
    def minimum(self) -> float:
        """The smallest value of f."""
        return float(self.value(self.minimizers[0]))

    def grid(self, n: int = 201) -> Array:
        """A ``(n, n, 2)`` grid covering :attr:`bounds`, for contour plots (``n`` an integer ≥ 2)."""
        n = positive_int(n, "n", minimum=2)
        if self.dim != 2:
            raise ValueError(f"grid() needs a 2-d landscape; {self.name} has dim={self.dim}")
        (x0, x1), (y0, y1) = self.bounds
        xs, ys = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
        return np.stack([xs, ys], axis=-1)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} dim={self.dim}>"


class Quadratic(Landscape):
    """``f(x) = ½ xᵀAx − bᵀx`` with a symmetric positive definite ``A``.

    Gradient ``Ax − b``, Hessian ``A``, minimizer ``A⁻¹b``. Its eigenvalues ``mu = λ_min`` and
    ``L = λ_max`` set what gradient descent and momentum can do (chapters 1 to 3).
    """

    name = "quadratic"

    def __init__(self, A: ArrayLike, b: ArrayLike | None = None, *, name: str | None = None) -> None:
        matrix: Array = as_float_array(A, "A", ndim=2)
        if matrix.shape[0] != matrix.shape[1]:
            raise ValueError(f"A must be square; got shape {matrix.shape}")
        if not np.allclose(matrix, matrix.T, rtol=1e-12, atol=1e-12):
            raise ValueError("A must be symmetric; got A != A.T")
        eigenvalues = np.linalg.eigvalsh(matrix)
        if eigenvalues[0] <= 0:
            raise ValueError(f"A must be positive definite; got smallest eigenvalue {eigenvalues[0]:.3g}")
        self.A = matrix
        self.dim = matrix.shape[0]
        self.b: Array = np.zeros(self.dim) if b is None else as_float_array(b, "b", ndim=1)
        if self.b.shape != (self.dim,):
            raise ValueError(f"b must have shape ({self.dim},); got shape {self.b.shape}")
        self.eigenvalues = eigenvalues
        self.mu = float(eigenvalues[0])
        self.L = float(eigenvalues[-1])
        minimizer: Array = np.asarray(np.linalg.solve(matrix, self.b), dtype=np.float64)
        self._minimizers = [minimizer]
        if name is not None:
            if not isinstance(name, str):
                raise TypeError(f"name must be a string or None; got name={name!r} ({type(name).__name__})")
            self.name = name
        if self.dim == 2:
            centre = [float(c) for c in minimizer]
            half = 2.0
            self.bounds = ((centre[0] - half, centre[0] + half), (centre[1] - half, centre[1] + half))
            self.default_start = (centre[0] - 1.6, centre[1] + 1.2)
        else:
            self.default_start = tuple(float(c) + 1.0 for c in minimizer)

    @property
    def condition_number(self) -> float:
        """κ = L / mu."""
        return self.L / self.mu

    def _value(self, x: Array) -> Array:
        return 0.5 * np.einsum("...i,ij,...j->...", x, self.A, x) - x @ self.b

    def _grad(self, x: Array) -> Array:
        return x @ self.A - self.b  # A is symmetric, so x A = (A x)ᵀ

    def _hessian(self, x: Array) -> Array:
        return np.broadcast_to(self.A, x.shape[:-1] + self.A.shape).copy()


def quadratic_bowl(
    condition_number: float = 10.0, *, L: float = 1.0, angle: float = np.pi / 6, dim: int = 2, seed: int = 0
) -> Quadratic:
    """A quadratic bowl with largest curvature ``L`` and condition number κ.

    In two dimensions the axes are rotated by ``angle`` radians, so the valley is not aligned with
    the coordinates. For ``dim ≠ 2`` the eigenvalues are spread geometrically between ``L/κ`` and
    ``L`` and the eigenvectors are a random rotation drawn with ``seed`` (``angle`` is not used).

    Args:
        condition_number: κ ≥ 1, finite. Rounding in ``Q diag(λ) Qᵀ`` limits it: beyond about 1e12 the
            smallest eigenvalue of the stored matrix drifts away from ``L/κ``, and a κ so large that it
            is no longer positive definite is a ValueError from :class:`Quadratic`.
        L: the largest eigenvalue, > 0.
        angle: the rotation in radians (a finite number).
        dim: the dimension, an integer ≥ 1.
        seed: an integer ≥ 0, the rotation's seed for ``dim ≠ 2``.
    """
    kappa = real_number(condition_number, "condition_number")
    if kappa < 1:
        raise ValueError(f"condition_number must be >= 1; got condition_number={kappa!r}")
    L = positive(L, "L")
    angle = real_number(angle, "angle")
    dim = positive_int(dim, "dim")
    seed = positive_int(seed, "seed", minimum=0)
    if dim == 2:
        c, s = np.cos(angle), np.sin(angle)
        Q = np.array([[c, -s], [s, c]])
        eigenvalues = np.array([L / kappa, L])
    else:
        rng = np.random.default_rng(seed)
        Q, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
        eigenvalues = np.geomspace(L / kappa, L, dim)
    A = (Q * eigenvalues) @ Q.T
    A = 0.5 * (A + A.T)
    return Quadratic(A, name=f"quadratic bowl (κ={kappa:g})")


class ElongatedValley(Landscape):
    """A narrow, curved valley: ``f(x, y) = ½(a x² + c (y − s·sin x)²)``.

    The floor of the valley follows ``y = s·sin x`` and rises slowly (``a`` is small) while the walls
    are steep (``c`` is large): the situation momentum was invented for. Minimum 0 at the origin.
    """

    name = "elongated valley"
    bounds = ((-3.5, 3.5), (-2.0, 2.0))
    default_start = (-3.0, 1.2)

    def __init__(self, a: float = 0.1, c: float = 10.0, s: float = 0.6) -> None:
        self.a = positive(a, "a")
        self.c = positive(c, "c")
        self.s = real_number(s, "s")
        self._minimizers = [(0.0, 0.0)]

    def _value(self, p: Array) -> Array:
        x, y = p[..., 0], p[..., 1]
        r = y - self.s * np.sin(x)
        return 0.5 * (self.a * x**2 + self.c * r**2)

    def _grad(self, p: Array) -> Array:
        x, y = p[..., 0], p[..., 1]
        r = y - self.s * np.sin(x)
        dx = self.a * x - self.c * r * self.s * np.cos(x)
        dy = self.c * r
        return np.stack([dx, dy], axis=-1)

    def _hessian(self, p: Array) -> Array:
        x, y = p[..., 0], p[..., 1]
        r = y - self.s * np.sin(x)
        cx, sx = np.cos(x), np.sin(x)
        hxx = self.a + self.c * (self.s**2 * cx**2 + r * self.s * sx)
        hxy = -self.c * self.s * cx
        hyy = np.full_like(x, self.c)
        return np.stack([np.stack([hxx, hxy], -1), np.stack([hxy, hyy], -1)], -2)


class Rosenbrock(Landscape):
    """``f(x, y) = (a − x)² + b (y − x²)²``; minimum 0 at ``(a, a²)``. Rosenbrock (1960)."""

    name = "Rosenbrock"
    bounds = ((-2.0, 2.0), (-1.0, 3.0))
    default_start = (-1.5, 2.0)

    def __init__(self, a: float = 1.0, b: float = 100.0) -> None:
        self.a = real_number(a, "a")
        self.b = positive(b, "b")
        self._minimizers = [(self.a, self.a**2)]

    def _value(self, p: Array) -> Array:
        x, y = p[..., 0], p[..., 1]
        return (self.a - x) ** 2 + self.b * (y - x**2) ** 2

    def _grad(self, p: Array) -> Array:
        x, y = p[..., 0], p[..., 1]
        dx = -2 * (self.a - x) - 4 * self.b * x * (y - x**2)
        dy = 2 * self.b * (y - x**2)
        return np.stack([dx, dy], axis=-1)

    def _hessian(self, p: Array) -> Array:
        x, y = p[..., 0], p[..., 1]
        hxx = 2 - 4 * self.b * (y - x**2) + 8 * self.b * x**2
        hxy = -4 * self.b * x
        hyy = np.full_like(x, 2 * self.b)
        return np.stack([np.stack([hxx, hxy], -1), np.stack([hxy, hyy], -1)], -2)


class SaddleWell(Landscape):
    """``f(x, y) = ¼x⁴ − ½x² + (c/2) y²``: two minima at ``(±1, 0)`` and a saddle at the origin.

    The Hessian at the saddle is ``diag(−1, c)``: curving down along x and up along y. Gradient
    descent started exactly on the y axis slides into the saddle and stays there; any nudge in x
    escapes it, slowly at first.
    """

    name = "saddle"
    bounds = ((-2.0, 2.0), (-1.5, 1.5))
    default_start = (-0.05, 1.3)

    def __init__(self, c: float = 1.0) -> None:
        self.c = positive(c, "c")
        self._minimizers = [(-1.0, 0.0), (1.0, 0.0)]
        self.saddle = np.array([0.0, 0.0])

    def _value(self, p: Array) -> Array:
        x, y = p[..., 0], p[..., 1]
        return 0.25 * x**4 - 0.5 * x**2 + 0.5 * self.c * y**2

    def _grad(self, p: Array) -> Array:
        x, y = p[..., 0], p[..., 1]
        return np.stack([x**3 - x, self.c * y], axis=-1)

    def _hessian(self, p: Array) -> Array:
        x = p[..., 0]
        zero = np.zeros_like(x)
        hxx = 3 * x**2 - 1
        hyy = np.full_like(x, self.c)
        return np.stack([np.stack([hxx, zero], -1), np.stack([zero, hyy], -1)], -2)


def get(name: str) -> Landscape:
    """The landscape called ``name`` in ``CATALOGUE`` (a fresh instance)."""
    one_of(name, "name", sorted(CATALOGUE))
    return CATALOGUE[name]()


def resolve(landscape: str | Landscape) -> Landscape:
    """``landscape`` itself if it is a :class:`Landscape`, else the catalogue's landscape of that name."""
    if isinstance(landscape, Landscape):
        return landscape
    if not isinstance(landscape, str):
        raise TypeError(f"landscape must be a Landscape or one of {sorted(CATALOGUE)}; got {type(landscape).__name__}")
    if landscape not in CATALOGUE:
        raise ValueError(f"landscape must be a Landscape or one of {sorted(CATALOGUE)}; got landscape={landscape!r}")
    return get(landscape)


#: The landscapes that widgets offer, by short name.
CATALOGUE: dict[str, Callable[[], Landscape]] = {
    "bowl": lambda: quadratic_bowl(10.0),
    "narrow bowl": lambda: quadratic_bowl(50.0),
    "valley": ElongatedValley,
    "rosenbrock": Rosenbrock,
    "saddle": SaddleWell,
}
