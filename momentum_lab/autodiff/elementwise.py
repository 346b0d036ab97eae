"""Elementwise primitives: arithmetic and the usual scalar functions, each with its VJP beside it.

Chapter 4 ("Automatic differentiation from scratch"): the elementwise operations and their rules.

All binary operations broadcast like NumPy; their VJPs hand the cotangent back through
:func:`~momentum_lab.autodiff.unbroadcast`. Unary VJPs are ``g * f'(x)`` written with
library operations (often in terms of the output ``ans``: ``exp' = exp``, ``tanh' = 1 − tanh²``), so a
cotangent with leading batch axes broadcasts through them unchanged.

Masks (``x > 0`` for relu, ``a >= b`` for maximum) are computed on ``.data``: they are piecewise constant,
so there is nothing to differentiate and nothing to record. Where a branch is cut, ``where`` is used rather
than multiplying by the mask, so an infinite cotangent on the dead branch cannot produce ``0 · ∞ = NaN``.

Zero cotangents and infinite slopes. Where a local derivative is infinite (``√x``, ``log x`` and ``1/x``
at 0, ``x^p`` at 0 for ``p < 1``), the rules multiply by it with ``_mul_no_nan``/``_div_no_nan``: the product
is 0 wherever the cotangent is 0. A zero cotangent carries no gradient, so ``0 · ∞`` counts as 0 (as
``tf.math.multiply_no_nan`` does), and an infinite entry of a Hessian does not turn the other entries of
its row into NaN in the batched backward pass. A NaN or ±∞ that the mathematics itself produces
(``log(0) = −∞``, ``√x``'s slope at 0) is the answer and is returned as such.

Conventions at ties and kinks follow TensorFlow: ``relu'(0) = 0``, ``abs'(0) = 0``, ``sign' = 0``, and
``maximum``/``minimum`` give the whole gradient to their first argument at ties (PyTorch splits it).

Every operation takes Tensors or array-likes; shapes that do not broadcast raise ValueError naming the
operation and the shapes (``"add: a.shape=(3,) and b.shape=(2,) cannot be broadcast together"``); empty
arrays give empty results; NaN inputs give NaN outputs (NumPy's arithmetic, no check).
"""

from __future__ import annotations

import math

import numpy as np

from momentum_lab.autodiff.broadcasting import nbatch, unbroadcast
from momentum_lab.autodiff.primitive import primitive
from momentum_lab.autodiff.tensor import Tensor, TensorLike, as_tensor


def _zeros(g: Tensor) -> Tensor:
    return Tensor._wrap(np.zeros(g.shape, g.dtype))


# ---- negation and selection, which the rules below are written with ----------------------------------------
@primitive
def negative(x):
    """``−x``. VJP ``−g``."""
    return np.negative(x)


negative.defvjp(lambda g, ans, x: negative(g))


@primitive
def _where(a, b, *, condition):
    return np.where(condition, a, b)


_where.defvjp(
    lambda g, ans, a, b, *, condition: unbroadcast(_where(g, 0.0, condition=condition), a.shape, nbatch(g, ans)),
    lambda g, ans, a, b, *, condition: unbroadcast(_where(0.0, g, condition=condition), b.shape, nbatch(g, ans)),
)


# ---- products that treat a zero cotangent as no gradient -------------------------------------------------
@primitive
def _mul_no_nan(g, d):
    # g · d, and 0 wherever g = 0 even if d is ±∞ or NaN (tf.math.multiply_no_nan(d, g)). Only a d with a
    # non-finite entry needs the mask; checking d (the unbatched factor) is cheap.
    if math.isfinite(d) if d.ndim == 0 else np.isfinite(d).all():  # (a scalar d is checked without NumPy)
        return np.multiply(g, d)
    with np.errstate(invalid="ignore"):  # the 0 · ∞ entries are replaced just below
        out = np.multiply(g, d)
    return np.where(g == 0, 0.0, out)


@primitive
def _div_no_nan(g, d):
    # g / d, and 0 wherever g = 0 even if d is 0 (0/0) or not finite.
    if (d != 0 and math.isfinite(d)) if d.ndim == 0 else (d.all() and np.isfinite(d).all()):
        return np.divide(g, d)
    with np.errstate(divide="ignore", invalid="ignore"):  # g ≠ 0 over 0 is ±∞, the mathematics' answer
        out = np.divide(g, d)
    return np.where(g == 0, 0.0, out)


_mul_no_nan.defvjp(
    lambda h, ans, g, d: unbroadcast(_mul_no_nan(h, d), g.shape, nbatch(h, ans)),
    lambda h, ans, g, d: unbroadcast(_mul_no_nan(h, g), d.shape, nbatch(h, ans)),
)
_div_no_nan.defvjp(
    lambda h, ans, g, d: unbroadcast(_div_no_nan(h, d), g.shape, nbatch(h, ans)),
    lambda h, ans, g, d: unbroadcast(negative(_div_no_nan(_mul_no_nan(h, ans), d)), d.shape, nbatch(h, ans)),
)


# ---- arithmetic -----------------------------------------------------------------------------------------
@primitive
def add(a, b):
    """``a + b`` (``∞ + (−∞)`` is NaN, as in NumPy). VJP: the cotangent, summed over broadcast axes."""
    return np.add(a, b)


add.defvjp(
    lambda g, ans, a, b: unbroadcast(g, a.shape, nbatch(g, ans)),
    lambda g, ans, a, b: unbroadcast(g, b.shape, nbatch(g, ans)),
)


@primitive
def subtract(a, b):
    """``a − b`` (``∞ − ∞`` is NaN, as in NumPy). VJPs: ``g`` and ``−g``, summed over broadcast axes."""
    return np.subtract(a, b)


subtract.defvjp(
    lambda g, ans, a, b: unbroadcast(g, a.shape, nbatch(g, ans)),
    lambda g, ans, a, b: unbroadcast(negative(g), b.shape, nbatch(g, ans)),
)


@primitive
def multiply(a, b):
    """``a · b`` (``0 · ∞`` is NaN, as in NumPy; a product too large overflows to ±∞). VJPs ``g·b``, ``g·a``."""
    return np.multiply(a, b)


multiply.defvjp(
    lambda g, ans, a, b: unbroadcast(g * b, a.shape, nbatch(g, ans)),
    lambda g, ans, a, b: unbroadcast(g * a, b.shape, nbatch(g, ans)),
)


@primitive
def divide(a, b):
    """``a / b``. A zero denominator gives ±∞ (or NaN for 0/0), as in NumPy; so do the VJPs ``1/b`` and
    ``−a/b²`` there, except where the cotangent is 0 (then 0)."""
    return np.divide(a, b)


divide.defvjp(
    lambda g, ans, a, b: unbroadcast(_div_no_nan(g, b), a.shape, nbatch(g, ans)),
    lambda g, ans, a, b: unbroadcast(negative(_div_no_nan(_mul_no_nan(g, ans), b)), b.shape, nbatch(g, ans)),
)


@primitive
def power(a, b):
    """``a ** b``, with the power rule right at a zero base, to every order.

    VJP for the base: ``b · a^(b−1)``, except where ``b = 0``: there ``a ** 0 ≡ 1`` and the derivative is
    exactly 0 (also at ``a = 0``, where ``0 · 0^(−1)`` would be NaN). Differentiating again applies the same
    rule to ``a^(b−1)``, so for an integer ``p ≥ 0`` (given as ``2`` or ``2.0``) the k-th derivative of
    ``x**p`` at 0 is ``p!/(p−k)!·0^(p−k)``: 0 for k < p, p! for k = p and 0 for k > p. For a non-integer
    ``p`` it is 0 where ``p − k > 0`` and ±∞ where ``p − k < 0`` (the mathematics: ``x**0.5`` has an
    infinite slope at 0). ``x**0`` at 0 has derivative 0 (PyTorch agrees; TensorFlow returns NaN).

    VJP for the exponent: ``log(a) · a^b``, taken as 0 where ``a <= 0`` (as TensorFlow does, so a constant
    exponent never produces NaN). A negative base with a non-integer exponent gives NaN, as in NumPy.
    """
    return np.power(a, b)


def _power_vjp_base(g: Tensor, ans: Tensor, a: Tensor, b: Tensor) -> Tensor:
    # g · b · a^(b−1), multiplied in that order; the last product is zero-safe (a^(b−1) = ∞ at a = 0, b < 1).
    zero = b.data == 0
    if (
        zero if b.data.ndim == 0 else zero.any()
    ):  # a^0 ≡ 1: cotangent 0, and base 1 in the discarded branch so that no ∞ is ever formed
        safe = _where(1.0, a, condition=zero)
        c = _where(0.0, _mul_no_nan(g * b, safe ** (b - 1.0)), condition=zero)
    else:
        c = _mul_no_nan(g * b, a ** (b - 1.0))
    return unbroadcast(c, a.shape, nbatch(g, ans))


def _power_vjp_exponent(g: Tensor, ans: Tensor, a: Tensor, b: Tensor) -> Tensor:
    positive = a.data > 0
    if positive.all():
        factor = ans * log(a)
    else:
        factor = _where(ans, 0.0, condition=positive) * log(_where(a, 1.0, condition=positive))
    return unbroadcast(_mul_no_nan(g, factor), b.shape, nbatch(g, ans))


power.defvjp(_power_vjp_base, _power_vjp_exponent)


@primitive
def square(x):
    """``x²`` (overflows to +∞ for ``|x|`` above ≈ 1.34e154 in float64). VJP ``2x``."""
    return np.square(x)


square.defvjp(lambda g, ans, x: g * (2.0 * x))


@primitive
def sqrt(x):
    """``√x``; NaN for ``x < 0`` (NumPy's answer). VJP ``1 / (2√x)``: +∞ at 0 (the mathematics), 0 where
    the cotangent is 0."""
    return np.sqrt(x)


sqrt.defvjp(lambda g, ans, x: _div_no_nan(g, 2.0 * ans))


# ---- exponentials and logarithms -------------------------------------------------------------------------
@primitive
def exp(x):
    """``eˣ``; overflows to +∞ for ``x`` above ≈ 709.78 (float64) or ≈ 88.72 (float32), as NumPy does
    (with a RuntimeWarning). VJP ``eˣ`` (0 where the cotangent is 0, even at an overflow)."""
    return np.exp(x)


exp.defvjp(lambda g, ans, x: _mul_no_nan(g, ans))


@primitive
def log(x):
    """Natural logarithm ``ln x``: ``log(0) = −∞`` and NaN for ``x < 0`` (the mathematics' answers, as in
    NumPy, with a RuntimeWarning). VJP ``1/x``: +∞ at 0, 0 where the cotangent is 0."""
    return np.log(x)


log.defvjp(lambda g, ans, x: _div_no_nan(g, x))


@primitive
def log1p(x):
    """``ln(1 + x)``, accurate for small ``x``; −∞ at ``x = −1``, NaN below. VJP ``1/(1 + x)``."""
    return np.log1p(x)


log1p.defvjp(lambda g, ans, x: _div_no_nan(g, 1.0 + x))


# ---- activations ------------------------------------------------------------------------------------------
@primitive
def tanh(x):
    """``tanh x``, finite for every x (±1 once ``|x|`` exceeds ≈ 19); VJP ``1 − tanh²`` (0 in saturation)."""
    return np.tanh(x)


tanh.defvjp(lambda g, ans, x: g * (1.0 - square(ans)))


@primitive
def sigmoid(x):
    """``σ(x) = 1 / (1 + e^−x)``, computed as ``1/(1+e^−|x|)`` or ``e^−|x|/(1+e^−|x|)`` by the sign of
    ``x``, so no exponential overflows (finite for any finite x). VJP ``σ(1 − σ)``."""
    e = np.exp(-np.abs(x))
    r = 1.0 / (1.0 + e)
    return np.where(x >= 0, r, e * r)


sigmoid.defvjp(lambda g, ans, x: g * (ans * (1.0 - ans)))


@primitive
def softplus(x):
    """``softplus(x) = ln(1 + eˣ)``, computed as ``np.logaddexp(0, x)`` (= max(x, 0) + ln(1 + e^−|x|)),
    finite for any finite x. VJP ``σ(x)``."""
    return np.logaddexp(0.0, x)


softplus.defvjp(lambda g, ans, x: g * sigmoid(x))


@primitive
def relu(x):
    """``max(x, 0)``; VJP ``1[x > 0]`` (0 at the kink, as in TensorFlow and PyTorch)."""
    return np.maximum(x, 0.0)


relu.defvjp(lambda g, ans, x: _where(g, 0.0, condition=x.data > 0))


@primitive
def sign(x):
    """``sign(x)`` ∈ {−1, 0, 1}; its gradient is zero everywhere (defined as 0 at 0)."""
    return np.sign(x)


sign.defvjp(lambda g, ans, x: _zeros(g))


@primitive
def abs(x):  # noqa: A001 (numpy name on purpose)
    """``|x|``; VJP ``sign(x)`` (0 at 0)."""
    return np.abs(x)


abs.defvjp(lambda g, ans, x: g * sign(x))


# ---- selection ----------------------------------------------------------------------------------------------
def _where_error(exc: Exception, a: np.ndarray, b: np.ndarray, *, condition: np.ndarray) -> Exception:
    return ValueError(
        f"where: condition.shape={condition.shape}, a.shape={a.shape} and b.shape={b.shape} "
        f"cannot be broadcast together"
    )


_where.deferror(_where_error)


def where(condition: TensorLike, a: TensorLike, b: TensorLike) -> Tensor:
    """``a`` where ``condition`` holds, else ``b`` (``np.where``; all three broadcast).

    ``condition`` is not differentiated (a boolean array, or numbers whose nonzero entries mean True; NaN
    counts as True, as in NumPy). The cotangent goes to ``a`` where the condition holds and to ``b``
    elsewhere, so an infinite or NaN value in the branch not taken does not reach the gradient.
    Shapes that do not broadcast raise ValueError naming the three shapes.
    """
    if isinstance(condition, Tensor):
        condition = condition.data
    condition = np.asarray(condition)
    if condition.dtype.kind not in "biuf":
        raise TypeError(f"where: condition must be a boolean or real array; got dtype {condition.dtype}")
    return _where(a, b, condition=condition.astype(bool, copy=False))


@primitive
def maximum(a, b):
    """Elementwise ``max(a, b)``; at ties the cotangent goes to ``a`` (TensorFlow's convention). A NaN in
    either argument gives NaN (``np.maximum``), and the cotangent of that entry goes to ``b``."""
    return np.maximum(a, b)


maximum.defvjp(
    lambda g, ans, a, b: unbroadcast(_where(g, 0.0, condition=a.data >= b.data), a.shape, nbatch(g, ans)),
    lambda g, ans, a, b: unbroadcast(_where(g, 0.0, condition=~(a.data >= b.data)), b.shape, nbatch(g, ans)),
)


@primitive
def minimum(a, b):
    """Elementwise ``min(a, b)``; at ties the cotangent goes to ``a`` (TensorFlow's convention). A NaN in
    either argument gives NaN (``np.minimum``), and the cotangent of that entry goes to ``b``."""
    return np.minimum(a, b)


minimum.defvjp(
    lambda g, ans, a, b: unbroadcast(_where(g, 0.0, condition=a.data <= b.data), a.shape, nbatch(g, ans)),
    lambda g, ans, a, b: unbroadcast(_where(g, 0.0, condition=~(a.data <= b.data)), b.shape, nbatch(g, ans)),
)


def clip(x: TensorLike, lo: TensorLike | None, hi: TensorLike | None) -> Tensor:
    """``x`` limited to ``[lo, hi]`` = ``minimum(maximum(x, lo), hi)`` (either bound may be None).

    The cotangent passes where ``lo <= x <= hi`` (bounds included, as ``tf.clip_by_value`` and
    ``torch.clamp``) and goes to the bound elsewhere, so tensor bounds are differentiable too.
    NaN entries of ``x`` stay NaN. Both bounds None, a NaN bound, or ``lo > hi`` anywhere raise ValueError;
    a bound that is not real numbers raises TypeError naming ``lo`` or ``hi``.
    """
    if lo is None and hi is None:
        raise ValueError("clip needs at least one bound; got lo=None and hi=None")
    x = as_tensor(x, "x")
    bounds = {}
    for name, bound in (("lo", lo), ("hi", hi)):
        if bound is not None:
            try:
                bounds[name] = as_tensor(bound, name, x)
            except TypeError as exc:
                raise TypeError(f"clip: {exc}") from None
            if np.isnan(bounds[name].data).any():
                raise ValueError(f"clip: {name} must not be NaN; got {name}={bound!r}")
    if len(bounds) == 2 and np.any(bounds["lo"].data > bounds["hi"].data):
        raise ValueError(f"clip: lo must be <= hi; got lo={lo!r}, hi={hi!r}")
    if "lo" in bounds:
        x = maximum(x, bounds["lo"])
    if "hi" in bounds:
        x = minimum(x, bounds["hi"])
    return x
