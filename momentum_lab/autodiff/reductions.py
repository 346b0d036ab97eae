"""Reductions beyond ``sum``: ``mean``, ``max``, ``logsumexp`` and the softmax pair built on it.

Chapter 4: sums, means and the other reductions, with their rules.

Each VJP puts the reduced axes back (length 1) so the cotangent broadcasts against the input; leading
batch axes of the cotangent ride along in front.

Arguments: ``axis`` is checked by ``_validate.normalize_axes`` (ValueError out of range or repeated,
TypeError for a non-int), ``keepdims`` by ``_validate.flag`` (True or False only).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from momentum_lab._validate import flag
from momentum_lab.autodiff.broadcasting import _reshape, _sum, nbatch, normalize_axis
from momentum_lab.autodiff.elementwise import exp
from momentum_lab.autodiff.primitive import primitive
from momentum_lab.autodiff.tensor import AxisLike, Tensor, TensorLike, as_tensor


def _kept_shape(shape: tuple[int, ...], axis: tuple[int, ...]) -> tuple[int, ...]:
    """``shape`` with the reduced axes set to 1 (what ``keepdims=True`` returns)."""
    return tuple(1 if i in axis else n for i, n in enumerate(shape))


def _expand_cotangent(g: Tensor, ans: Tensor, x: Tensor, axis: tuple[int, ...], keepdims: bool) -> Tensor:
    """The cotangent ``g`` of a reduction, reshaped to ``batch + kept shape`` so it broadcasts against x."""
    if keepdims:
        return g
    return _reshape(g, shape=g.shape[: nbatch(g, ans)] + _kept_shape(x.shape, axis))


def mean(x: TensorLike, axis: AxisLike = None, keepdims: bool = False) -> Tensor:
    """Arithmetic mean over ``axis`` (None: all), computed as ``sum(x, axis) · (1/n)`` with ``n`` the
    number of entries averaged. Differentiated through ``sum`` and the product.

    The mean over an empty axis (n = 0) is NaN, as ``np.mean``, ``tf.reduce_mean`` and ``torch.mean``
    give (without NumPy's warning); NaN entries give NaN; a sum beyond the float range overflows to ±∞.
    """
    x = as_tensor(x, "x")
    axes = normalize_axis(axis, x.ndim)
    count = math.prod(x.shape[a] for a in axes)
    return _sum(x, axis=axes, keepdims=flag(keepdims, "keepdims")) * (1.0 / count if count else np.nan)


@primitive
def _max(x, *, axis, keepdims):
    return np.maximum.reduce(x, axis=axis, keepdims=keepdims)


def _max_vjp(g: Tensor, ans: Tensor, x: Tensor, *, axis: tuple[int, ...], keepdims: bool) -> Tensor:
    # The cotangent goes to the maximal entries, split equally among ties (TensorFlow's reduce_max
    # rule; torch.amax does the same). The split weights are piecewise constant: computed on .data.
    # A NaN maximum matches no entry (NaN != NaN): then the NaN entries share it.
    m = np.max(x.data, axis=axis, keepdims=True)
    top = (x.data == m) | (np.isnan(x.data) & np.isnan(m))
    weights = (top / np.sum(top, axis=axis, keepdims=True)).astype(x.dtype)
    return _expand_cotangent(g, ans, x, axis, keepdims) * weights


_max.defvjp(_max_vjp)


def _empty_reduction(what: str) -> Callable[..., Exception]:
    def explain(exc: Exception, x: np.ndarray, *, axis: tuple[int, ...], keepdims: bool) -> Exception:
        return ValueError(
            f"{what}: x.shape={x.shape} has no entries along axis={axis}; the {what} of no numbers is undefined"
        )

    return explain


_max.deferror(_empty_reduction("max"))


def max(x: TensorLike, axis: AxisLike = None, keepdims: bool = False) -> Tensor:  # noqa: A001 (numpy name)
    """Largest entry over ``axis`` (None: all). At ties the cotangent is split equally.

    NaN entries make the maximum NaN (``np.max``); an empty axis raises ValueError (the maximum of no
    numbers is undefined); ``keepdims`` must be True or False.
    """
    x = as_tensor(x, "x")
    return _max(x, axis=normalize_axis(axis, x.ndim), keepdims=flag(keepdims, "keepdims"))


@primitive
def _logsumexp(x, *, axis, keepdims):
    # log Σ eˣ = m + log Σ e^(x − m) with m = max x: no exponential exceeds 1, so nothing overflows
    # (finite for |x| ~ 1e4 and beyond). An all −∞ slice has m = −∞; use 0 there to avoid ∞ − ∞.
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


def _logsumexp_vjp(g: Tensor, ans: Tensor, x: Tensor, *, axis: tuple[int, ...], keepdims: bool) -> Tensor:
    # ∂/∂x log Σ eˣ = softmax(x) = exp(x − logsumexp(x)): every exponent is ≤ 0, so it is stable, and
    # it is written with exp and ans so that an outer tape can differentiate it again.
    kept = _kept_shape(x.shape, axis)
    lse = ans if keepdims else _reshape(ans, shape=kept)
    return _expand_cotangent(g, ans, x, axis, keepdims) * exp(x - lse)


_logsumexp.defvjp(_logsumexp_vjp)
_logsumexp.deferror(_empty_reduction("logsumexp"))


def logsumexp(x: TensorLike, axis: AxisLike = None, keepdims: bool = False) -> Tensor:
    """``log Σ exp(x)`` over ``axis`` (None: all), computed stably as ``m + log Σ exp(x − m)``,
    ``m = max x``. VJP: ``softmax(x)`` along ``axis``.

    Finite for any finite x (no overflow at ``|x| ~ 1e4``); −∞ for a slice of −∞ entries; NaN entries give
    NaN; an empty axis raises ValueError; ``keepdims`` must be True or False.
    """
    x = as_tensor(x, "x")
    return _logsumexp(x, axis=normalize_axis(axis, x.ndim), keepdims=flag(keepdims, "keepdims"))


def log_softmax(x: TensorLike, axis: int = -1) -> Tensor:
    """``x − logsumexp(x, axis, keepdims=True)``: log-probabilities, stable for large logits.

    Finite for finite x (an entry far below its row's maximum gives a large negative number, not −∞
    until e^(x − max) underflows); NaN entries give a NaN row.
    """
    x = as_tensor(x, "x")
    return x - logsumexp(x, axis=axis, keepdims=True)


def softmax(x: TensorLike, axis: int = -1) -> Tensor:
    """``exp(x − logsumexp(x, axis, keepdims=True))``: probabilities along ``axis``, in [0, 1], summing to
    1; never overflows (entries far below the maximum underflow to 0)."""
    return exp(log_softmax(x, axis=axis))
