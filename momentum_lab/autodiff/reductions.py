"""Reductions beyond ``sum``: ``mean``, ``max``, ``logsumexp`` and the softmax pair built on it.

Chapter 4: sums, means and the other reductions, with their rules.

Each VJP puts the reduced axes back (length 1) so the cotangent broadcasts against the input; leading
batch axes of the cotangent ride along in front.
"""

import math

import numpy as np

from momentum_lab.autodiff.broadcasting import _reshape, _sum, nbatch, normalize_axis
from momentum_lab.autodiff.elementwise import exp
from momentum_lab.autodiff.primitive import primitive
from momentum_lab.autodiff.tensor import as_tensor


def _kept_shape(shape, axis):
    """``shape`` with the reduced axes set to 1 (what ``keepdims=True`` returns)."""
    return tuple(1 if i in axis else n for i, n in enumerate(shape))


def _expand_cotangent(g, ans, x, axis, keepdims):
    """The cotangent ``g`` of a reduction, reshaped to ``batch + kept shape`` so it broadcasts against x."""
    if keepdims:
        return g
    return _reshape(g, shape=g.shape[:nbatch(g, ans)] + _kept_shape(x.shape, axis))


def mean(x, axis=None, keepdims=False):
    """Arithmetic mean over ``axis`` (None: all), computed as ``sum(x, axis) · (1/n)`` with ``n`` the
    number of entries averaged (NaN when n = 0, like ``np.mean``). Differentiated through ``sum`` and
    the product."""
    x = as_tensor(x, "x")
    axes = normalize_axis(axis, x.ndim)
    count = math.prod(x.shape[a] for a in axes)
    return _sum(x, axis=axes, keepdims=bool(keepdims)) * (1.0 / count if count else np.nan)


@primitive
def _max(x, *, axis, keepdims):
    return np.maximum.reduce(x, axis=axis, keepdims=keepdims)


def _max_vjp(g, ans, x, *, axis, keepdims):
    # The cotangent goes to the maximal entries, split equally among ties (TensorFlow's reduce_max
    # rule; torch.amax does the same). The split weights are piecewise constant: computed on .data.
    top = x.data == np.max(x.data, axis=axis, keepdims=True)
    weights = top / np.sum(top, axis=axis, keepdims=True)
    return _expand_cotangent(g, ans, x, axis, keepdims) * weights


_max.defvjp(_max_vjp)


def max(x, axis=None, keepdims=False):  # noqa: A001 (numpy name on purpose)
    """Largest entry over ``axis`` (None: all). At ties the cotangent is split equally."""
    x = as_tensor(x, "x")
    return _max(x, axis=normalize_axis(axis, x.ndim), keepdims=bool(keepdims))


@primitive
def _logsumexp(x, *, axis, keepdims):
    # log Σ eˣ = m + log Σ e^(x − m) with m = max x: no exponential exceeds 1, so nothing overflows
    # (finite for |x| ~ 1e4 and beyond). An all −∞ slice has m = −∞; use 0 there to avoid ∞ − ∞.
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


def _logsumexp_vjp(g, ans, x, *, axis, keepdims):
    # ∂/∂x log Σ eˣ = softmax(x) = exp(x − logsumexp(x)): every exponent is ≤ 0, so it is stable, and
    # it is written with exp and ans so that an outer tape can differentiate it again.
    kept = _kept_shape(x.shape, axis)
    lse = ans if keepdims else _reshape(ans, shape=kept)
    return _expand_cotangent(g, ans, x, axis, keepdims) * exp(x - lse)


_logsumexp.defvjp(_logsumexp_vjp)


def logsumexp(x, axis=None, keepdims=False):
    """``log Σ exp(x)`` over ``axis`` (None: all), computed stably as ``m + log Σ exp(x − m)``,
    ``m = max x``. VJP: ``softmax(x)`` along ``axis``."""
    x = as_tensor(x, "x")
    return _logsumexp(x, axis=normalize_axis(axis, x.ndim), keepdims=bool(keepdims))


def log_softmax(x, axis=-1):
    """``x − logsumexp(x, axis, keepdims=True)``: log-probabilities, stable for large logits."""
    x = as_tensor(x, "x")
    return x - logsumexp(x, axis=axis, keepdims=True)


def softmax(x, axis=-1):
    """``exp(x − logsumexp(x, axis, keepdims=True))``: probabilities along ``axis``."""
    return exp(log_softmax(x, axis=axis))
