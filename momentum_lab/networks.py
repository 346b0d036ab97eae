"""A multiclass network as a loss of one flat parameter vector (chapters 11 and 12, on the digits).

:class:`SoftmaxMLP` is a multilayer perceptron that maps a row of pixels to ten class logits. Like the
capstone models of :mod:`momentum_lab.models`, its parameters are ONE flat vector ``θ``; unlike them, the
data are not stored in the model but passed to every call, because minibatch training evaluates the loss
on a different set of rows at every step::

    model = SoftmaxMLP((64, 32, 10))
    theta = model.init(seed=0)
    value, g = model.value_and_grad(theta, X[batch], y[batch])

The loss, for integer labels ``y_i`` in {0, …, C − 1}, logits ``z_i = net(θ, x_i)`` and λ = ``l2``::

    f(θ; X, y) = (1/n) Σ_i [logsumexp(z_i) − z_{i, y_i}]  +  (λ/2) ‖θ‖²

the mean sparse categorical cross-entropy from logits
(``momentum_lab.losses.sparse_categorical_crossentropy(y, z, from_logits=True)``) plus an L2 term on every
parameter, biases included. It is written with NumPy-named operations, so it runs on a NumPy array (no
tape) or on a :class:`momentum_lab.autodiff.Tensor` (recorded, so the from-scratch engine differentiates
it). The same network in Keras and PyTorch is built by ``momentum_lab.tf.models.build`` and
``momentum_lab.torch.models.build`` from the same ``θ``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from momentum_lab import autodiff as ad
from momentum_lab._validate import as_float_array, as_real_array, non_negative, one_of, positive_int
from momentum_lab.losses import sparse_categorical_crossentropy

__all__ = ["SoftmaxMLP"]

_ACTIVATIONS = ("tanh", "relu")


class SoftmaxMLP:
    """A multilayer perceptron with ``sizes = (d, h₁, …, C)``: hidden layers ``a ← act(a W + b)``, then
    linear logits ``z = a W + b`` (the softmax is inside the loss).

    ``θ`` packs the layers in order, each as its kernel ``W`` (shape ``(inputs, outputs)``, row-major,
    Keras' layout) followed by its bias ``b``: for the default ``(64, 32, 10)`` that is
    ``64·32 + 32 + 32·10 + 10 = 2,410`` numbers.

    Args:
        sizes: layer widths, input first and number of classes last (at least two entries).
        l2: λ ≥ 0 of the penalty ``(λ/2)‖θ‖²`` (default 0).
        activation: ``"tanh"`` (default; smooth, so finite differences check it everywhere) or ``"relu"``.
    """

    def __init__(self, sizes: Sequence[int] = (64, 32, 10), l2: float = 0.0, activation: str = "tanh") -> None:
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
            raise TypeError(f"sizes must be a sequence of layer widths; got sizes={sizes!r}")
        if len(sizes) < 2:
            raise ValueError(f"sizes must hold at least an input and an output width; got sizes={tuple(sizes)}")
        self.sizes = tuple(positive_int(s, f"sizes[{i}]") for i, s in enumerate(sizes))
        if self.sizes[-1] < 2:
            raise ValueError(f"sizes[-1] (the number of classes) must be >= 2; got {self.sizes[-1]}")
        self.l2 = non_negative(l2, "l2")
        self.activation = one_of(activation, "activation", _ACTIVATIONS)
        self.shapes = [(n_in, n_out) for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:])]
        self.dim = sum(n_in * n_out + n_out for n_in, n_out in self.shapes)

    @property
    def num_classes(self) -> int:
        """The number of classes C, ``sizes[-1]``."""
        return self.sizes[-1]

    # -- parameters -----------------------------------------------------------------------------------
    def init(self, seed: int = 0) -> np.ndarray:
        """Glorot-uniform kernels (uniform on ±√(6/(inputs + outputs)), Keras' ``Dense`` default) drawn
        layer by layer from ``np.random.default_rng(seed)``, and zero biases."""
        rng = np.random.default_rng(positive_int(seed, "seed", minimum=0))
        parts = []
        for n_in, n_out in self.shapes:
            limit = math.sqrt(6.0 / (n_in + n_out))
            parts += [rng.uniform(-limit, limit, size=n_in * n_out), np.zeros(n_out)]
        return np.concatenate(parts)

    def unflatten(self, theta: Any) -> list[tuple[Any, Any]]:
        """``θ`` as a list of ``(W, b)`` pairs, ``W`` of shape ``(inputs, outputs)``; views for an array."""
        theta = self._theta(theta)
        layers, start = [], 0
        for n_in, n_out in self.shapes:
            W = theta[start : start + n_in * n_out].reshape(n_in, n_out)
            start += n_in * n_out
            b = theta[start : start + n_out]
            start += n_out
            layers.append((W, b))
        return layers

    def flatten(self, layers: Sequence[tuple[npt.ArrayLike, npt.ArrayLike]]) -> np.ndarray:
        """The inverse of :meth:`unflatten`: a list of ``(W, b)`` as one float64 vector."""
        if len(layers) != len(self.shapes):
            raise ValueError(f"layers must hold {len(self.shapes)} (W, b) pairs; got {len(layers)}")
        parts = []
        for i, ((W, b), (n_in, n_out)) in enumerate(zip(layers, self.shapes)):
            W, b = as_float_array(W, f"layers[{i}][0]"), as_float_array(b, f"layers[{i}][1]")
            if W.shape != (n_in, n_out) or b.shape != (n_out,):
                raise ValueError(
                    f"layers[{i}] must have shapes {(n_in, n_out)} and {(n_out,)}; got {W.shape} and {b.shape}"
                )
            parts += [W.ravel(), b]
        return np.concatenate(parts)

    def _theta(self, theta: Any) -> Any:
        shape = theta.shape if isinstance(theta, ad.Tensor) else np.shape(theta)
        if shape != (self.dim,):
            raise ValueError(f"theta must have shape ({self.dim},); got shape {shape}")
        return theta if isinstance(theta, ad.Tensor) else as_float_array(theta, "theta", ndim=1)

    def _inputs(self, X: npt.ArrayLike) -> np.ndarray:
        X = as_float_array(X, "X", ndim=2)
        if X.shape[1] != self.sizes[0]:
            raise ValueError(f"X must have {self.sizes[0]} columns (sizes[0]); got shape {X.shape}")
        return X

    def _labels(self, y: npt.ArrayLike, n: int) -> np.ndarray:
        y = as_real_array(y, "y")
        if y.shape != (n,):
            raise ValueError(f"y must hold one label per row of X, shape ({n},); got shape {y.shape}")
        if not np.issubdtype(y.dtype, np.integer):
            raise TypeError(f"y must hold integer class labels; got dtype {y.dtype}")
        if y.size and (y.min() < 0 or y.max() >= self.num_classes):
            raise ValueError(f"y must hold labels in 0..{self.num_classes - 1}; got min {y.min()}, max {y.max()}")
        return y

    # -- the network and its loss ---------------------------------------------------------------------
    def logits(self, theta: Any, X: npt.ArrayLike) -> Any:
        """The class scores ``z``, shape ``(n, C)``: a Tensor for a Tensor ``θ``, else an array."""
        xp = ad if isinstance(theta, ad.Tensor) else np
        a = self._inputs(X)
        layers = self.unflatten(theta)
        for W, b in layers[:-1]:
            z = a @ W + b
            a = xp.tanh(z) if self.activation == "tanh" else xp.maximum(z, 0.0)
        W, b = layers[-1]
        return a @ W + b

    def loss(self, theta: Any, X: npt.ArrayLike, y: npt.ArrayLike) -> Any:
        """``mean sparse CCE(y, logits(θ, X)) + (l2/2)‖θ‖²``: a float for an array, a Tensor for a Tensor."""
        theta = self._theta(theta)
        X = self._inputs(X)
        y = self._labels(y, len(X))
        value = sparse_categorical_crossentropy(y, self.logits(theta, X), from_logits=True)
        if self.l2:
            value = value + 0.5 * self.l2 * (theta * theta).sum()
        return value if isinstance(theta, ad.Tensor) else float(value)

    def value_and_grad(self, theta: npt.ArrayLike, X: npt.ArrayLike, y: npt.ArrayLike) -> tuple[float, np.ndarray]:
        """``(f(θ; X, y), ∇f(θ; X, y))`` as ``(float, array of shape (dim,))`` by ``momentum_lab.autodiff``."""
        theta = self._theta(theta)
        value, gradient = ad.value_and_grad(lambda t: self.loss(t, X, y))(theta)
        return float(value), np.asarray(gradient, dtype=np.float64)

    def grad(self, theta: npt.ArrayLike, X: npt.ArrayLike, y: npt.ArrayLike) -> np.ndarray:
        """``∇f(θ; X, y)``, shape ``(dim,)``."""
        return self.value_and_grad(theta, X, y)[1]

    # -- the backward pass written out (fast, NumPy only) ---------------------------------------------
    def _forward(
        self, theta: np.ndarray, X: np.ndarray, y: np.ndarray
    ) -> tuple[Any, list[np.ndarray], np.ndarray, np.ndarray]:
        """Activations of every layer (input first), the logits, and ``∂(Σ_i loss_i)/∂z`` = softmax − one-hot."""
        layers = self.unflatten(theta)
        activations = [X]
        for W, b in layers[:-1]:
            z = activations[-1] @ W + b
            activations.append(np.tanh(z) if self.activation == "tanh" else np.maximum(z, 0.0))
        W, b = layers[-1]
        z = activations[-1] @ W + b
        shifted = z - z.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(shifted).sum(axis=1))
        rows = np.arange(len(y))
        losses = log_norm - shifted[rows, y]  # logsumexp(z) − z_y, computed without overflow
        delta = np.exp(shifted - log_norm[:, None])  # softmax(z)
        delta[rows, y] -= 1.0
        return layers, activations, losses, delta

    def _backward(self, W: np.ndarray, a_in: np.ndarray, delta: np.ndarray) -> np.ndarray:
        """``δ`` of the layer below from the ``δ`` of this layer: ``(δ Wᵀ) ⊙ act'(z)``."""
        delta = delta @ W.T
        return delta * (1.0 - a_in**2) if self.activation == "tanh" else delta * (a_in > 0)

    def value_and_grad_by_hand(
        self, theta: npt.ArrayLike, X: npt.ArrayLike, y: npt.ArrayLike
    ) -> tuple[float, np.ndarray]:
        """``(f, ∇f)`` like :meth:`value_and_grad`, by backpropagation written out in NumPy (no tape).

        With ``δ_L = (softmax(z) − onehot(y)) / n`` at the logits, each layer ``a_out = act(a_in W + b)``
        gives ``∂f/∂W = a_inᵀ δ``, ``∂f/∂b = Σ_rows δ`` and passes down ``δ ← (δ Wᵀ) ⊙ act'``, with
        ``tanh' = 1 − a²`` and ``relu' = [a > 0]``; then ``+ l2 · θ``. Equal to the autodiff gradient to
        rounding error (``tests/test_networks.py``), and several times faster on small batches.
        """
        t: np.ndarray = self._theta(theta)
        X = self._inputs(X)
        y = self._labels(y, len(X))
        layers, activations, losses, delta = self._forward(t, X, y)
        delta /= len(X)
        grads = []
        for i in range(len(layers) - 1, -1, -1):
            grads.append((activations[i].T @ delta, delta.sum(axis=0)))
            if i:
                delta = self._backward(layers[i][0], activations[i], delta)
        value = float(losses.mean())
        gradient = self.flatten(grads[::-1])
        if self.l2:
            value += 0.5 * self.l2 * float(t @ t)
            gradient += self.l2 * t
        return value, gradient

    def per_example_grads(self, theta: npt.ArrayLike, X: npt.ArrayLike, y: npt.ArrayLike) -> np.ndarray:
        """Row i is ``∇f(θ; x_i, y_i)``, the gradient on example i alone, shape ``(n, dim)``, in one pass.

        The backward pass of :meth:`value_and_grad_by_hand` without the mean: per example, a layer's
        kernel gradient is the outer product ``a_in,i ⊗ δ_i``. Equal to ``n`` separate calls of
        :meth:`value_and_grad` (``momentum_lab.noise.per_example_gradients``) to rounding error.
        """
        t: np.ndarray = self._theta(theta)
        X = self._inputs(X)
        y = self._labels(y, len(X))
        layers, activations, _, delta = self._forward(t, X, y)
        n, parts = len(X), []
        for i in range(len(layers) - 1, -1, -1):
            kernel = np.einsum("ni,nj->nij", activations[i], delta).reshape(n, -1)
            parts.append(np.concatenate([kernel, delta], axis=1))
            if i:
                delta = self._backward(layers[i][0], activations[i], delta)
        G = np.concatenate(parts[::-1], axis=1)
        if self.l2:
            G += self.l2 * t
        return G

    # -- predictions ----------------------------------------------------------------------------------
    def predict(self, theta: npt.ArrayLike, X: npt.ArrayLike) -> np.ndarray:
        """The predicted class of each row, ``argmax_c z_c`` (int64, shape ``(n,)``)."""
        return np.argmax(self.logits(self._theta(theta), X), axis=1)

    def accuracy(self, theta: npt.ArrayLike, X: npt.ArrayLike, y: npt.ArrayLike) -> float:
        """The fraction of rows whose predicted class is the label."""
        X = self._inputs(X)
        return float(np.mean(self.predict(theta, X) == self._labels(y, len(X))))

    def __repr__(self) -> str:
        return f"SoftmaxMLP(sizes={self.sizes}, l2={self.l2:g}, activation={self.activation!r}, dim={self.dim})"
