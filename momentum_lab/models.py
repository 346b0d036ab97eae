"""Two small classifiers on data made in code, and a training loop (chapter 10, the capstone).

Everything a chapter needs to train a real model with the course's own pieces and to look at the
curvature of its loss:

* data: :func:`make_moons` (two interleaved half circles, standardised) and :func:`polynomial_features`
  (every monomial of the inputs up to a degree, each column standardised);
* models, each a loss of ONE flat parameter vector ``θ`` (shape ``(dim,)``) on fixed data:
  :class:`LogisticRegression` (convex) and :class:`TanhMLP` (one tanh hidden layer; not convex);
* :func:`train`: heavy-ball momentum (:class:`momentum_lab.optim.SGD`) on a model, recording ``θ_k`` and
  the loss at every step; :func:`newton_minimum`, a minimiser accurate to the last digits, used to find
  ``θ*``; :func:`measured_rate`, how fast ``‖θ_k − θ*‖`` shrinks over a window.

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
"""

import math
from dataclasses import dataclass

import numpy as np

from momentum_lab import autodiff as ad
from momentum_lab._validate import as_float_array, non_negative, positive, positive_int
from momentum_lab.losses import binary_crossentropy
from momentum_lab.optim import SGD

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


# ----------------------------------------------------------------------------------------------------
# Data


def standardise(X):
    """Each column shifted to mean 0 and scaled to standard deviation 1 (population std, ``ddof=0``)."""
    X = as_float_array(X, "X", ndim=2)
    std = X.std(axis=0)
    if np.any(std == 0):
        raise ValueError(f"X must not have a constant column; got column std {std}")
    return (X - X.mean(axis=0)) / std


def make_moons(n=200, noise=0.15, seed=0):
    """Two interleaving half circles in the plane, with Gaussian noise, standardised.

    Class 0: ``(cos t, sin t)``; class 1: ``(1 − cos t, ½ − sin t)``, ``t`` uniform in [0, π] (the shapes
    of scikit-learn's ``make_moons``); then ``noise`` times standard normal noise is added to every
    coordinate and each coordinate is standardised (:func:`standardise`).

    Returns ``(X, y)``: ``X`` of shape ``(n, 2)``, ``y`` of shape ``(n,)`` with ``n // 2`` zeros
    followed by ``n − n // 2`` ones (float64). The same ``seed`` gives the same numbers everywhere.
    """
    n = positive_int(n, "n", minimum=4)
    noise = non_negative(noise, "noise")
    rng = np.random.default_rng(seed)
    n0, n1 = n // 2, n - n // 2
    t0 = math.pi * rng.uniform(size=n0)
    t1 = math.pi * rng.uniform(size=n1)
    X = np.concatenate([
        np.stack([np.cos(t0), np.sin(t0)], axis=1),
        np.stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)], axis=1),
    ])
    X = X + noise * rng.standard_normal(X.shape)
    y = np.concatenate([np.zeros(n0), np.ones(n1)])
    return standardise(X), y


def polynomial_features(X, degree=3, reference=None):
    """Every monomial of the columns of ``X`` of total degree 1 to ``degree``, each column standardised.

    For two inputs ``(a, b)`` and degree 3 the columns are, in this order,
    ``a, b, a², ab, b², a³, a²b, ab², b³`` (degree by degree, the power of ``a`` falling).
    The constant monomial is left out: the models have a separate bias.

    Columns are standardised with the mean and standard deviation of the same monomials of
    ``reference`` (default: ``X`` itself); pass the training inputs as ``reference`` to transform new
    points (a grid for a decision boundary) exactly as the training data were.
    """
    X = as_float_array(X, "X", ndim=2)
    degree = positive_int(degree, "degree")
    ref = X if reference is None else as_float_array(reference, "reference", ndim=2)
    if ref.shape[1] != X.shape[1]:
        raise ValueError(f"reference must have X's {X.shape[1]} columns; got {ref.shape[1]}")
    raw, raw_ref = _monomials(X, degree), _monomials(ref, degree)
    std = raw_ref.std(axis=0)
    if np.any(std == 0):
        raise ValueError(f"reference must not give a constant monomial; got column std {std}")
    return (raw - raw_ref.mean(axis=0)) / std


def _monomials(X, degree):
    columns = []
    for total in range(1, degree + 1):
        for powers in _exponents(X.shape[1], total):
            columns.append(np.prod(X ** np.array(powers, dtype=float), axis=1))
    return np.stack(columns, axis=1)


def _exponents(d, total):
    """All ``d``-tuples of non-negative ints summing to ``total``, first entry falling."""
    if d == 1:
        return [(total,)]
    return [(first, *rest) for first in range(total, -1, -1) for rest in _exponents(d - 1, total - first)]


def as_float32(*values):
    """Each value rounded to the nearest float32 and returned as a Python float.

    Keras keeps ``learning_rate`` and ``momentum`` as float32 even when the model is float64; giving the
    rounded values to every implementation makes them run the same arithmetic.
    """
    out = tuple(float(np.float32(v)) for v in values)
    return out[0] if len(out) == 1 else out


# ----------------------------------------------------------------------------------------------------
# Models


class Model:
    """A classifier's loss as a function of one flat parameter vector ``θ`` (see the module docstring).

    Subclasses define ``dim``, :meth:`logits` (on a NumPy array or an autodiff Tensor), :meth:`unflatten`
    and :meth:`init`. Everything else is shared:

    * :meth:`loss` ``f(θ)`` (a float for an array, a Tensor for a Tensor);
    * :meth:`value_and_grad`, :meth:`grad`, :meth:`hessian`, :meth:`hvp` by the autodiff engine;
    * :meth:`hvp_at` ``θ`` → the function ``v ↦ H(θ) v`` that ``momentum_lab.curvature`` expects.
    """

    name = "model"
    dim = 0

    def __init__(self, X, y, l2):
        self.X = as_float_array(X, "X", ndim=2)
        self.y = as_float_array(y, "y", ndim=1)
        if len(self.y) != len(self.X):
            raise ValueError(f"y must have one label per row of X ({len(self.X)}); got {len(self.y)}")
        if not np.all((self.y == 0) | (self.y == 1)):
            raise ValueError("y must hold labels 0 and 1")
        self.l2 = non_negative(l2, "l2")

    # -- the model ------------------------------------------------------------------------------------
    def logits(self, theta, X=None):  # pragma: no cover - abstract
        raise NotImplementedError

    def unflatten(self, theta):  # pragma: no cover - abstract
        raise NotImplementedError

    def init(self, seed=0):  # pragma: no cover - abstract
        raise NotImplementedError

    def _theta(self, theta):
        """``theta`` checked to have shape ``(dim,)``: a Tensor as it is, anything else as a float array."""
        shape = theta.shape if isinstance(theta, ad.Tensor) else np.shape(theta)
        if shape != (self.dim,):
            raise ValueError(f"theta must have shape ({self.dim},); got shape {shape}")
        return theta if isinstance(theta, ad.Tensor) else as_float_array(theta, "theta", ndim=1)

    # -- the loss and its derivatives -----------------------------------------------------------------
    def loss(self, theta):
        """``mean BCE(y, logits(θ)) + (l2/2) ‖θ‖²``; a float for an array, a Tensor for a Tensor."""
        theta = self._theta(theta)
        data = binary_crossentropy(self.y, self.logits(theta), from_logits=True)
        penalty = 0.5 * self.l2 * (theta * theta).sum()
        if isinstance(theta, ad.Tensor):
            return data + penalty
        return float(data + penalty)

    def value_and_grad(self, theta):
        """``(f(θ), ∇f(θ))`` as ``(float, array)``, by the from-scratch autodiff engine."""
        value, gradient = ad.value_and_grad(self.loss)(self._theta(theta))
        return float(value), gradient

    def grad(self, theta):
        """``∇f(θ)``, shape ``(dim,)``."""
        return self.value_and_grad(theta)[1]

    def hessian(self, theta):
        """``∇²f(θ)``, shape ``(dim, dim)``, by nested tapes (``autodiff.hessian``)."""
        return ad.hessian(self.loss, self._theta(theta))

    def hvp(self, theta, v):
        """``∇²f(θ) v`` without forming the Hessian (``autodiff.hvp``, Pearlmutter's trick)."""
        return ad.hvp(self.loss, self._theta(theta), as_float_array(v, "v", ndim=1))

    def hvp_at(self, theta):
        """The map ``v ↦ ∇²f(θ) v`` at a fixed ``θ``, for ``momentum_lab.curvature``."""
        theta = self._theta(theta).copy()
        return lambda v: ad.hvp(self.loss, theta, v)

    # -- predictions ----------------------------------------------------------------------------------
    def predict_proba(self, theta, X=None):
        """``σ(logits)``: the predicted probability of class 1 for each row of ``X`` (default: the data)."""
        return _sigmoid(self.logits(self._theta(theta), X))

    def accuracy(self, theta):
        """The fraction of training points on the right side of the decision boundary ``logit = 0``."""
        return float(np.mean((self.logits(self._theta(theta)) > 0) == (self.y == 1)))

    def __repr__(self):
        return f"{type(self).__name__}(n={len(self.y)}, dim={self.dim}, l2={self.l2:g})"


def _sigmoid(z):
    """σ(z) = 1/(1 + e^{−z}), as exp(−softplus(−z)) so that no exp overflows."""
    return np.exp(-np.logaddexp(0.0, -z))


def _xp(theta):
    """The operations for ``theta``: the autodiff engine for a Tensor, NumPy for an array."""
    return ad if isinstance(theta, ad.Tensor) else np


def _glorot_uniform(rng, fan_in, fan_out):
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

    def __init__(self, X, y, l2=1e-3):
        super().__init__(X, y, l2)
        self.dim = self.X.shape[1] + 1
        self._X1 = np.concatenate([self.X, np.ones((len(self.X), 1))], axis=1)

    def logits(self, theta, X=None):
        """``X w + b`` for ``θ = (w, b)``; shape ``(n,)``."""
        X = self.X if X is None else as_float_array(X, "X", ndim=2)
        return X @ theta[:-1] + theta[-1]

    def unflatten(self, theta):
        """``{"w": shape (d, 1), "b": shape (1,)}`` (Keras' shapes for ``Dense(1)``)."""
        theta = np.asarray(theta, dtype=float)
        return {"w": theta[:-1].reshape(-1, 1).copy(), "b": theta[-1:].copy()}

    def init(self, seed=0):
        """Glorot-uniform weights (fan in d, fan out 1) and a zero bias, from ``default_rng(seed)``."""
        rng = np.random.default_rng(seed)
        return np.concatenate([_glorot_uniform(rng, self.dim - 1, 1)[:, 0], [0.0]])

    # -- by hand, in NumPy: fast enough for a widget -------------------------------------------------
    def value_and_grad_by_hand(self, theta):
        """``(f(θ), ∇f(θ))`` from the formulas in the class docstring (NumPy only, no tape)."""
        theta = np.asarray(theta, dtype=float)
        z = self._X1 @ theta
        value = np.mean(np.logaddexp(0.0, z) - self.y * z) + 0.5 * self.l2 * (theta @ theta)
        return float(value), self._X1.T @ (_sigmoid(z) - self.y) / len(self.y) + self.l2 * theta

    def grad_by_hand(self, theta):
        """``X̃ᵀ (σ(X̃θ) − y) / n + λ θ``."""
        theta = np.asarray(theta, dtype=float)
        return self._X1.T @ (_sigmoid(self._X1 @ theta) - self.y) / len(self.y) + self.l2 * theta

    def hessian_by_hand(self, theta):
        """``X̃ᵀ diag(p (1 − p)) X̃ / n + λ I`` with ``p = σ(X̃θ)``."""
        theta = np.asarray(theta, dtype=float)
        p = _sigmoid(self._X1 @ theta)
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

    def __init__(self, X, y, hidden=16, l2=1e-3):
        super().__init__(X, y, l2)
        self.hidden = positive_int(hidden, "hidden")
        self.inputs = self.X.shape[1]
        self.dim = (self.inputs + 2) * self.hidden + 1

    def _split(self, theta):
        d, h = self.inputs, self.hidden
        W1 = theta[: d * h].reshape(d, h)
        b1 = theta[d * h: (d + 1) * h]
        w2 = theta[(d + 1) * h: (d + 2) * h]
        b2 = theta[(d + 2) * h]
        return W1, b1, w2, b2

    def logits(self, theta, X=None):
        """``tanh(X W₁ + b₁) w₂ + b₂``; shape ``(n,)``."""
        X = self.X if X is None else as_float_array(X, "X", ndim=2)
        W1, b1, w2, b2 = self._split(theta)
        hidden = _xp(theta).tanh(X @ W1 + b1)
        return hidden @ w2 + b2

    def unflatten(self, theta):
        """``{"W1": (d, hidden), "b1": (hidden,), "W2": (hidden, 1), "b2": (1,)}`` (Keras' shapes)."""
        W1, b1, w2, b2 = self._split(np.asarray(theta, dtype=float))
        return {"W1": W1.copy(), "b1": b1.copy(), "W2": w2.reshape(-1, 1).copy(), "b2": np.array([b2])}

    def init(self, seed=0):
        """Glorot-uniform kernels and zero biases (Keras' ``Dense`` defaults), from ``default_rng(seed)``."""
        rng = np.random.default_rng(seed)
        W1 = _glorot_uniform(rng, self.inputs, self.hidden)
        w2 = _glorot_uniform(rng, self.hidden, 1)[:, 0]
        return np.concatenate([W1.ravel(), np.zeros(self.hidden), w2, [0.0]])


# ----------------------------------------------------------------------------------------------------
# Training and convergence


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


@dataclass(frozen=True)
class Rate:
    """A measured convergence rate: ``rate = (d[stop] / d[start]) ** (1 / (stop − start))``."""

    rate: float
    start: int
    stop: int

    def __float__(self):
        return self.rate


def measured_rate(distances, window=None, *, upper=1e-3, lower=1e-10):
    """The geometric mean of ``d_{k+1} / d_k`` over a window: ``(d_stop / d_start)^{1/(stop − start)}``.

    Args:
        distances: ``d_k = ‖θ_k − θ*‖`` for k = 0, 1, … (1-d, positive).
        window: ``(start, stop)``; by default, from the first k with ``d_k ≤ upper · d_0`` (the start-up
            transient is over) to the first k with ``d_k ≤ lower · d_0`` (before rounding errors, at
            about 1e-16 · ‖θ*‖, take over), or the last k if the run never gets there.

    Returns a :class:`Rate` (``float(rate)`` is the number). A window that cannot be formed (the run
    never gets below ``upper · d_0``, or it spans fewer than 2 steps) falls back to the last half of the
    run.
    """
    d = as_float_array(distances, "distances", ndim=1)
    if len(d) < 3:
        raise ValueError(f"distances must have at least 3 entries; got {len(d)}")
    if np.any(d < 0):
        raise ValueError("distances must be non-negative")
    if window is None:
        below_upper = np.flatnonzero(d <= upper * d[0])
        below_lower = np.flatnonzero(d <= lower * d[0])
        start = int(below_upper[0]) if below_upper.size else (len(d) - 1) // 2
        stop = int(below_lower[0]) if below_lower.size else len(d) - 1
        if stop - start < 2:
            start, stop = (len(d) - 1) // 2, len(d) - 1
    else:
        start, stop = (int(k) for k in window)
        if not 0 <= start < stop < len(d):
            raise ValueError(f"window must satisfy 0 <= start < stop < {len(d)}; got window={window!r}")
    if d[start] == 0 or d[stop] == 0:
        raise ValueError(f"distances must be positive in the window ({start}, {stop})")
    return Rate(float((d[stop] / d[start]) ** (1.0 / (stop - start))), start, stop)
