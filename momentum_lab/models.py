"""Two small classifiers as losses of one flat parameter vector (chapter 10, the capstone).

:class:`LogisticRegression` (convex) and :class:`TanhMLP` (one tanh hidden layer; not convex), each a
loss of ONE flat parameter vector ``θ`` (shape ``(dim,)``) on fixed data. The data they are trained on are
made in :mod:`momentum_lab.data`, the training loop is :mod:`momentum_lab.training`, and the measured
rate of convergence is :func:`momentum_lab.theory.measured_rate`; their names are also importable from
here, where chapter 10 first meets them.

The loss of both models (``y`` in {0, 1}, ``z_i`` the logit of sample ``i``, ``λ`` = ``l2``)::

    f(θ) = (1/n) Σ_i [softplus(z_i) − y_i z_i]  +  (λ/2) ‖θ‖²

the mean binary cross-entropy from logits (``momentum_lab.losses.binary_crossentropy(y, z,
from_logits=True)``) plus an L2 term on *every* parameter, biases included. The L2 term makes the loss of
logistic regression strongly convex (its Hessian is ≥ λI), so a unique minimiser exists even when the
classes can be separated.

Losses are written with NumPy-named operations, so the same ``model.loss`` runs on a NumPy array (fast,
no tape) and on a :class:`momentum_lab.autodiff.Tensor` (recorded, so ``autodiff.grad``,
``autodiff.hessian`` and ``autodiff.hvp`` differentiate it, to any order). Keras and PyTorch versions of
the same two models are in ``momentum_lab.tf.models`` and ``momentum_lab.torch.models``.

Edges: ``X`` must be a finite 2-d array with at least one row, ``y`` its 0/1 labels (NaN, booleans,
complex numbers and other labels are refused, naming the argument); ``θ`` of the wrong shape is a
ValueError naming ``theta``. Large logits do not overflow: the loss uses softplus (``logaddexp``) and σ is
computed as ``exp(−softplus(−z))``, so the loss stays finite for any finite ``θ``. Results are float64.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from momentum_lab import autodiff as ad
from momentum_lab._validate import as_float_array, non_negative, positive_int, real_number
from momentum_lab.data import make_moons, polynomial_features, standardise
from momentum_lab.losses import binary_crossentropy
from momentum_lab.theory import Rate, measured_rate
from momentum_lab.training import TrainingRun, newton_minimum, train

__all__ = [
    "LogisticRegression",
    "Model",
    "Rate",
    "TanhMLP",
    "TrainingRun",
    "as_float32",
    "make_moons",
    "measured_rate",
    "newton_minimum",
    "polynomial_features",
    "standardise",
    "train",
]


def as_float32(*values: float) -> float | tuple[float, ...]:
    """Each value rounded to the nearest float32 and returned as a Python float (one value: a float).

    Keras keeps ``learning_rate`` and ``momentum`` as float32 even when the model is float64; giving the
    rounded values to every implementation makes them run the same arithmetic. Each value must be a
    finite real number within float32's range (±3.4e38); at least one value is needed.
    """
    if not values:
        raise TypeError("values must hold at least one number; got none")
    out = []
    for i, v in enumerate(values):
        name = "values[0]" if len(values) == 1 else f"values[{i}]"
        number = real_number(v, name)
        if abs(number) > float(np.finfo(np.float32).max):
            raise ValueError(f"{name} must be within float32's range (±3.4e38); got {name}={number!r}")
        out.append(float(np.float32(number)))
    return out[0] if len(out) == 1 else tuple(out)


# ----------------------------------------------------------------------------------------------------
# Models


class Model:
    """A classifier's loss as a function of one flat parameter vector ``θ`` (see the module docstring).

    Subclasses define ``dim``, ``logits`` (on a NumPy array or an autodiff Tensor), ``unflatten``
    and ``init``. Everything else is shared:

    * :meth:`loss` ``f(θ)`` (a float for an array, a Tensor for a Tensor);
    * :meth:`value_and_grad`, :meth:`grad`, :meth:`hessian`, :meth:`hvp` by the autodiff engine;
    * :meth:`hvp_at` ``θ`` → the function ``v ↦ H(θ) v`` that ``momentum_lab.curvature`` expects.
    """

    name = "model"
    dim = 0

    def __init__(self, X: npt.ArrayLike, y: npt.ArrayLike, l2: float) -> None:
        self.X = as_float_array(X, "X", ndim=2)
        self.y = as_float_array(y, "y", ndim=1)
        if len(self.y) != len(self.X):
            raise ValueError(
                f"X and y must have one label per row of X ({len(self.X)}); got X.shape={self.X.shape}, "
                f"y.shape={self.y.shape}"
            )
        if not np.all((self.y == 0) | (self.y == 1)):
            bad = self.y[(self.y != 0) & (self.y != 1)]
            raise ValueError(f"y must hold labels 0 and 1; got {bad.size} other value(s), the first {float(bad[0])!r}")
        self.l2 = non_negative(l2, "l2")

    # -- the model ------------------------------------------------------------------------------------
    def logits(self, theta: Any, X: npt.ArrayLike | None = None) -> Any:  # pragma: no cover - abstract
        """The logit of every row of ``X`` (default: the data), shape ``(n,)``."""
        raise NotImplementedError

    def unflatten(self, theta: npt.ArrayLike) -> dict[str, np.ndarray]:  # pragma: no cover - abstract
        """``θ`` as named arrays in Keras' shapes."""
        raise NotImplementedError

    def init(self, seed: int = 0) -> np.ndarray:  # pragma: no cover - abstract
        """A start ``θ`` drawn from ``default_rng(seed)``."""
        raise NotImplementedError

    def _columns(self, X: npt.ArrayLike) -> np.ndarray:
        """New inputs ``X`` checked to have the training data's columns."""
        points = as_float_array(X, "X", ndim=2)
        if points.shape[1] != self.X.shape[1]:
            raise ValueError(f"X must have the data's {self.X.shape[1]} columns; got shape {points.shape}")
        return points

    def _theta(self, theta: Any) -> Any:
        """``theta`` checked to have shape ``(dim,)``: a Tensor as it is, anything else as a float array."""
        shape = theta.shape if isinstance(theta, ad.Tensor) else np.shape(theta)
        if shape != (self.dim,):
            raise ValueError(f"theta must have shape ({self.dim},); got shape {shape}")
        return theta if isinstance(theta, ad.Tensor) else as_float_array(theta, "theta", ndim=1)

    # -- the loss and its derivatives -----------------------------------------------------------------
    def loss(self, theta: Any) -> Any:
        """``mean BCE(y, logits(θ)) + (l2/2) ‖θ‖²``; a float for an array, a Tensor for a Tensor."""
        theta = self._theta(theta)
        data = binary_crossentropy(self.y, self.logits(theta), from_logits=True)
        penalty = 0.5 * self.l2 * (theta * theta).sum()
        if isinstance(theta, ad.Tensor):
            return data + penalty
        return float(data + penalty)

    def value_and_grad(self, theta: npt.ArrayLike) -> tuple[float, np.ndarray]:
        """``(f(θ), ∇f(θ))`` as ``(float, array)``, by the from-scratch autodiff engine."""
        value, gradient = ad.value_and_grad(self.loss)(self._theta(theta))
        return float(value), gradient

    def grad(self, theta: npt.ArrayLike) -> np.ndarray:
        """``∇f(θ)``, shape ``(dim,)``."""
        return self.value_and_grad(theta)[1]

    def hessian(self, theta: npt.ArrayLike) -> np.ndarray:
        """``∇²f(θ)``, shape ``(dim, dim)``, by nested tapes (``autodiff.hessian``)."""
        return ad.hessian(self.loss, self._theta(theta))

    def hvp(self, theta: npt.ArrayLike, v: npt.ArrayLike) -> np.ndarray:
        """``∇²f(θ) v`` without forming the Hessian (``autodiff.hvp``, Pearlmutter's trick)."""
        vector = as_float_array(v, "v", ndim=1)
        if vector.shape != (self.dim,):
            raise ValueError(f"v must have shape ({self.dim},), like theta; got shape {vector.shape}")
        return ad.hvp(self.loss, self._theta(theta), vector)

    def hvp_at(self, theta: npt.ArrayLike) -> Any:
        """The map ``v ↦ ∇²f(θ) v`` at a fixed ``θ``, for ``momentum_lab.curvature``."""
        theta = self._theta(theta).copy()
        return lambda v: ad.hvp(self.loss, theta, v)

    # -- predictions ----------------------------------------------------------------------------------
    def predict_proba(self, theta: npt.ArrayLike, X: npt.ArrayLike | None = None) -> np.ndarray:
        """``σ(logits)``: the predicted probability of class 1 for each row of ``X`` (default: the data)."""
        return _sigmoid(self.logits(self._theta(theta), X))

    def accuracy(self, theta: npt.ArrayLike) -> float:
        """The fraction of training points on the right side of the decision boundary ``logit = 0``."""
        return float(np.mean((self.logits(self._theta(theta)) > 0) == (self.y == 1)))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(n={len(self.y)}, dim={self.dim}, l2={self.l2:g})"


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1/(1 + e^{−z}), as exp(−softplus(−z)) so that no exp overflows."""
    return np.exp(-np.logaddexp(0.0, -z))


def _xp(theta: Any) -> Any:
    """The operations for ``theta``: the autodiff engine for a Tensor, NumPy for an array."""
    return ad if isinstance(theta, ad.Tensor) else np


def _glorot_uniform(rng: np.random.Generator, fan_in: int, fan_out: int) -> np.ndarray:
    """Keras' default kernel initialiser: uniform on ±√(6/(fan_in + fan_out))."""
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


class LogisticRegression(Model):
    """Logistic regression ``z = X w + b`` on the rows of ``X``; ``θ = (w, b)``, ``dim = d + 1``.

    Besides the autodiff derivatives of :class:`Model`, the gradient and the Hessian derived by hand
    (``p = σ(z)``, ``X̃ = [X, 1]``)::

        ∇f(θ)  = X̃ᵀ (p − y) / n + λ θ
        ∇²f(θ) = X̃ᵀ diag(p (1 − p)) X̃ / n + λ I

    The Hessian is a weighted covariance of the inputs plus λI: positive definite everywhere, with
    weights ``p(1 − p) ≤ ¼`` that are largest where the model is unsure (``p = ½``).
    """

    name = "logistic regression"

    def __init__(self, X: npt.ArrayLike, y: npt.ArrayLike, l2: float = 1e-3) -> None:
        super().__init__(X, y, l2)
        self.dim = self.X.shape[1] + 1
        self._X1 = np.concatenate([self.X, np.ones((len(self.X), 1))], axis=1)

    def logits(self, theta: Any, X: npt.ArrayLike | None = None) -> Any:
        """``X w + b`` for ``θ = (w, b)``; shape ``(n,)``."""
        X = self.X if X is None else self._columns(X)
        return X @ theta[:-1] + theta[-1]

    def unflatten(self, theta: npt.ArrayLike) -> dict[str, np.ndarray]:
        """``{"w": shape (d, 1), "b": shape (1,)}`` (Keras' shapes for ``Dense(1)``)."""
        t: np.ndarray = self._theta(theta)
        return {"w": t[:-1].reshape(-1, 1).copy(), "b": t[-1:].copy()}

    def init(self, seed: int = 0) -> np.ndarray:
        """Glorot-uniform weights (fan in d, fan out 1) and a zero bias, from ``default_rng(seed)``."""
        rng = np.random.default_rng(positive_int(seed, "seed", minimum=0))
        return np.concatenate([_glorot_uniform(rng, self.dim - 1, 1)[:, 0], [0.0]])

    # -- by hand, in NumPy: fast enough for a widget -------------------------------------------------
    def value_and_grad_by_hand(self, theta: npt.ArrayLike) -> tuple[float, np.ndarray]:
        """``(f(θ), ∇f(θ))`` from the formulas in the class docstring (NumPy only, no tape)."""
        t: np.ndarray = self._theta(theta)
        z = self._X1 @ t
        value = np.mean(np.logaddexp(0.0, z) - self.y * z) + 0.5 * self.l2 * (t @ t)
        return float(value), self._X1.T @ (_sigmoid(z) - self.y) / len(self.y) + self.l2 * t

    def grad_by_hand(self, theta: npt.ArrayLike) -> np.ndarray:
        """``X̃ᵀ (σ(X̃θ) − y) / n + λ θ``."""
        t: np.ndarray = self._theta(theta)
        return self._X1.T @ (_sigmoid(self._X1 @ t) - self.y) / len(self.y) + self.l2 * t

    def hessian_by_hand(self, theta: npt.ArrayLike) -> np.ndarray:
        """``X̃ᵀ diag(p (1 − p)) X̃ / n + λ I`` with ``p = σ(X̃θ)``."""
        t: np.ndarray = self._theta(theta)
        p = _sigmoid(self._X1 @ t)
        weights = p * (1.0 - p) / len(self.y)
        return (self._X1 * weights[:, None]).T @ self._X1 + self.l2 * np.eye(self.dim)


class TanhMLP(Model):
    """A multilayer perceptron ``z = tanh(X W₁ + b₁) w₂ + b₂`` with one hidden layer of ``hidden`` units.

    ``θ`` packs, in this order: ``W₁`` (shape ``(d, hidden)``, row-major, Keras' kernel layout),
    ``b₁`` (``hidden``), ``w₂`` (``hidden``, the output kernel as a vector) and ``b₂`` (1):
    ``dim = (d + 2) · hidden + 1`` (65 for d = 2, 16 hidden units). The loss is not convex: swapping
    two hidden units, or flipping the signs of one unit's weights, gives the same function, so minima come
    in families and there are saddle points between them.
    """

    name = "tanh MLP"

    def __init__(self, X: npt.ArrayLike, y: npt.ArrayLike, hidden: int = 16, l2: float = 1e-3) -> None:
        super().__init__(X, y, l2)
        self.hidden = positive_int(hidden, "hidden")
        self.inputs = self.X.shape[1]
        self.dim = (self.inputs + 2) * self.hidden + 1

    def _split(self, theta: Any) -> tuple[Any, Any, Any, Any]:
        d, h = self.inputs, self.hidden
        W1 = theta[: d * h].reshape(d, h)
        b1 = theta[d * h : (d + 1) * h]
        w2 = theta[(d + 1) * h : (d + 2) * h]
        b2 = theta[(d + 2) * h]
        return W1, b1, w2, b2

    def logits(self, theta: Any, X: npt.ArrayLike | None = None) -> Any:
        """``tanh(X W₁ + b₁) w₂ + b₂``; shape ``(n,)``."""
        X = self.X if X is None else self._columns(X)
        W1, b1, w2, b2 = self._split(theta)
        hidden = _xp(theta).tanh(X @ W1 + b1)
        return hidden @ w2 + b2

    def unflatten(self, theta: npt.ArrayLike) -> dict[str, np.ndarray]:
        """``{"W1": (d, hidden), "b1": (hidden,), "W2": (hidden, 1), "b2": (1,)}`` (Keras' shapes)."""
        W1, b1, w2, b2 = self._split(self._theta(theta))
        return {"W1": W1.copy(), "b1": b1.copy(), "W2": w2.reshape(-1, 1).copy(), "b2": np.array([b2])}

    def init(self, seed: int = 0) -> np.ndarray:
        """Glorot-uniform kernels and zero biases (Keras' ``Dense`` defaults), from ``default_rng(seed)``."""
        rng = np.random.default_rng(positive_int(seed, "seed", minimum=0))
        W1 = _glorot_uniform(rng, self.inputs, self.hidden)
        w2 = _glorot_uniform(rng, self.hidden, 1)[:, 0]
        return np.concatenate([W1.ravel(), np.zeros(self.hidden), w2, [0.0]])
