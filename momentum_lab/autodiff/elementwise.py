"""Elementwise primitives: arithmetic and the usual scalar functions, each with its VJP beside it.

Chapter 4 ("Automatic differentiation from scratch"): the elementwise operations and their rules.

All binary operations broadcast like NumPy; their VJPs hand the cotangent back through
:func:`~momentum_lab.autodiff.unbroadcast`. Unary VJPs are ``g * f'(x)`` written with
library operations (often in terms of the output ``ans``: ``exp' = exp``, ``tanh' = 1 − tanh²``), so a
cotangent with leading batch axes broadcasts through them unchanged.

Masks (``x > 0`` for relu, ``a >= b`` for maximum) are computed on ``.data``: they are piecewise constant,
so there is nothing to differentiate and nothing to record. Where a branch is cut, ``where`` is used rather
than multiplying by the mask, so an infinite cotangent on the dead branch cannot produce ``0 · ∞ = NaN``.

Conventions at ties and kinks follow TensorFlow: ``relu'(0) = 0``, ``abs'(0) = 0``, ``sign' = 0``, and
``maximum``/``minimum`` give the whole gradient to their first argument at ties (PyTorch splits it).
"""

import numpy as np

from momentum_lab.autodiff.broadcasting import nbatch, unbroadcast
from momentum_lab.autodiff.primitive import primitive
from momentum_lab.autodiff.tensor import Tensor, as_tensor


def _zeros(g):
    return Tensor._wrap(np.zeros(g.shape, g.dtype))


# ---- arithmetic -----------------------------------------------------------------------------------------
@primitive
def add(a, b):
    """``a + b``."""
    return np.add(a, b)


add.defvjp(lambda g, ans, a, b: unbroadcast(g, a.shape, nbatch(g, ans)),
           lambda g, ans, a, b: unbroadcast(g, b.shape, nbatch(g, ans)))


@primitive
def subtract(a, b):
    """``a − b``."""
    return np.subtract(a, b)


subtract.defvjp(lambda g, ans, a, b: unbroadcast(g, a.shape, nbatch(g, ans)),
                lambda g, ans, a, b: unbroadcast(negative(g), b.shape, nbatch(g, ans)))


@primitive
def multiply(a, b):
    """``a · b``."""
    return np.multiply(a, b)


multiply.defvjp(lambda g, ans, a, b: unbroadcast(g * b, a.shape, nbatch(g, ans)),
                lambda g, ans, a, b: unbroadcast(g * a, b.shape, nbatch(g, ans)))


@primitive
def divide(a, b):
    """``a / b``."""
    return np.divide(a, b)


divide.defvjp(lambda g, ans, a, b: unbroadcast(g / b, a.shape, nbatch(g, ans)),
              lambda g, ans, a, b: unbroadcast(negative(g) * ans / b, b.shape, nbatch(g, ans)))


@primitive
def negative(x):
    """``−x``."""
    return np.negative(x)


negative.defvjp(lambda g, ans, x: negative(g))


@primitive
def power(a, b):
    """``a ** b``. VJPs: ``b · a^(b−1)`` for the base; ``log(a) · a^b`` for the exponent, taken as 0
    where ``a <= 0`` (as TensorFlow does, so a constant exponent never produces NaN)."""
    return np.power(a, b)


def _power_vjp_exponent(g, ans, a, b):
    log_a = log(where(a.data > 0, a, 1.0))
    return unbroadcast(g * ans * log_a, b.shape, nbatch(g, ans))


power.defvjp(lambda g, ans, a, b: unbroadcast(g * b * a ** (b - 1.0), a.shape, nbatch(g, ans)),
             _power_vjp_exponent)


@primitive
def square(x):
    """``x²``."""
    return np.square(x)


square.defvjp(lambda g, ans, x: g * (2.0 * x))


@primitive
def sqrt(x):
    """``√x`` (VJP ``1 / (2√x)``, infinite at 0)."""
    return np.sqrt(x)


sqrt.defvjp(lambda g, ans, x: g / (2.0 * ans))


# ---- exponentials and logarithms -------------------------------------------------------------------------
@primitive
def exp(x):
    """``eˣ``."""
    return np.exp(x)


exp.defvjp(lambda g, ans, x: g * ans)


@primitive
def log(x):
    """Natural logarithm ``ln x``."""
    return np.log(x)


log.defvjp(lambda g, ans, x: g / x)


@primitive
def log1p(x):
    """``ln(1 + x)``, accurate for small ``x``."""
    return np.log1p(x)


log1p.defvjp(lambda g, ans, x: g / (1.0 + x))


# ---- activations ------------------------------------------------------------------------------------------
@primitive
def tanh(x):
    """``tanh x``."""
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
@primitive
def _where(a, b, *, condition):
    return np.where(condition, a, b)


_where.defvjp(lambda g, ans, a, b, *, condition: unbroadcast(_where(g, 0.0, condition=condition), a.shape,
                                                             nbatch(g, ans)),
              lambda g, ans, a, b, *, condition: unbroadcast(_where(0.0, g, condition=condition), b.shape,
                                                             nbatch(g, ans)))


def where(condition, a, b):
    """``a`` where ``condition`` holds, else ``b`` (``np.where``; all three broadcast).

    ``condition`` is not differentiated (a boolean array, or anything whose nonzero entries mean True).
    The cotangent goes to ``a`` where the condition holds and to ``b`` elsewhere.
    """
    if isinstance(condition, Tensor):
        condition = condition.data
    condition = np.asarray(condition).astype(bool, copy=False)
    return _where(a, b, condition=condition)


@primitive
def maximum(a, b):
    """Elementwise ``max(a, b)``; at ties the cotangent goes to ``a`` (TensorFlow's convention)."""
    return np.maximum(a, b)


maximum.defvjp(lambda g, ans, a, b: unbroadcast(_where(g, 0.0, condition=a.data >= b.data), a.shape,
                                                nbatch(g, ans)),
               lambda g, ans, a, b: unbroadcast(_where(g, 0.0, condition=a.data < b.data), b.shape,
                                                nbatch(g, ans)))


@primitive
def minimum(a, b):
    """Elementwise ``min(a, b)``; at ties the cotangent goes to ``a`` (TensorFlow's convention)."""
    return np.minimum(a, b)


minimum.defvjp(lambda g, ans, a, b: unbroadcast(_where(g, 0.0, condition=a.data <= b.data), a.shape,
                                                nbatch(g, ans)),
               lambda g, ans, a, b: unbroadcast(_where(g, 0.0, condition=a.data > b.data), b.shape,
                                                nbatch(g, ans)))


def clip(x, lo, hi):
    """``x`` limited to ``[lo, hi]`` = ``minimum(maximum(x, lo), hi)`` (either bound may be None).

    The cotangent passes where ``lo <= x <= hi`` (bounds included, as ``tf.clip_by_value`` and
    ``torch.clamp``) and goes to the bound elsewhere, so tensor bounds are differentiable too.
    """
    if lo is None and hi is None:
        raise ValueError("clip needs at least one bound; got lo=None and hi=None")
    x = as_tensor(x, "x")
    if lo is not None:
        x = maximum(x, lo)
    if hi is not None:
        x = minimum(x, hi)
    return x
