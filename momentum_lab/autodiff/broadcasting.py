"""``reshape``, ``broadcast_to``, ``sum`` and the one ``unbroadcast`` helper.

Chapter 4 ("Automatic differentiation from scratch"): undoing broadcasting in the backward pass.

``broadcast_to`` copies a value along new or length-1 axes; its VJP adds the copies back up, which is
``sum``. ``sum``'s VJP hands the same cotangent to every summed element, which is ``broadcast_to``. The
two are each other's backward pass, and :func:`~momentum_lab.autodiff.unbroadcast` (sum over the axes that broadcasting
created) is how every binary operation hands a cotangent back to a smaller operand.
"""

import numbers

import numpy as np

from momentum_lab._validate import normalize_axes as normalize_axis
from momentum_lab.autodiff.primitive import primitive
from momentum_lab.autodiff.tensor import as_tensor


def nbatch(g, ans):
    """Number of leading batch axes of the cotangent ``g`` of ``ans`` (0 for a plain gradient)."""
    return g.ndim - ans.ndim


def _shape(shape, name="shape"):
    shape = (shape,) if isinstance(shape, numbers.Integral) else shape
    if isinstance(shape, (str, bytes)) or not all(isinstance(n, numbers.Integral) for n in _iterate(shape)):
        raise TypeError(f"{name} must be an int or a tuple of ints; got {name}={shape!r}")
    return tuple(int(n) for n in shape)


def _iterate(value):
    try:
        return list(value)
    except TypeError:
        return [None]


# ---- reshape ---------------------------------------------------------------------------------------
@primitive
def _reshape(x, *, shape):
    return x.reshape(shape)


_reshape.defvjp(lambda g, ans, x, *, shape: _reshape(g, shape=g.shape[:nbatch(g, ans)] + x.shape))


def reshape(x, shape):
    """``x`` with a new shape (one entry may be -1), as ``np.reshape``. VJP: reshape back."""
    x = as_tensor(x, "x")
    return _reshape(x, shape=_shape(shape))


# ---- broadcast_to and sum: each is the other's VJP -------------------------------------------------------
@primitive
def _broadcast_to(x, *, shape):
    return np.broadcast_to(x, shape)  # a read-only view: no copy


_broadcast_to.defvjp(lambda g, ans, x, *, shape: unbroadcast(g, x.shape, nbatch(g, ans)))


def broadcast_to(x, shape):
    """``x`` repeated along new leading or length-1 axes to ``shape`` (``np.broadcast_to``)."""
    x = as_tensor(x, "x")
    return _broadcast_to(x, shape=_shape(shape))


@primitive
def _sum(x, *, axis, keepdims):
    return np.add.reduce(x, axis=axis, keepdims=keepdims)  # np.sum without its Python wrapper


def _sum_vjp(g, ans, x, *, axis, keepdims):
    # Every summed element receives the cotangent of its sum: put the summed axes back (length 1)
    # and broadcast. Leading batch axes of g are carried along untouched.
    batch = g.shape[:nbatch(g, ans)]
    if not keepdims and (batch or axis != tuple(range(len(axis)))):  # (leading axes broadcast as they are)
        g = _reshape(g, shape=batch + tuple(1 if i in axis else n for i, n in enumerate(x.shape)))
    return _broadcast_to(g, shape=batch + x.shape)


_sum.defvjp(_sum_vjp)


def sum(x, axis=None, keepdims=False):  # noqa: A001 (numpy name on purpose)
    """Σ of ``x`` over ``axis`` (None: all axes), as ``np.sum``. VJP: broadcast the cotangent back."""
    x = as_tensor(x, "x")
    return _sum(x, axis=normalize_axis(axis, x.ndim), keepdims=bool(keepdims))


def unbroadcast(g, shape, batch_ndim=0):
    """Undo broadcasting: sum the cotangent ``g`` down to ``batch + shape``.

    ``g`` has shape ``batch + s`` where ``s`` is what ``shape`` was broadcast to; the first
    ``batch_ndim`` axes are batch axes and are kept. Summed: the leading axes broadcasting added, and
    the axes where ``shape`` has length 1 but ``s`` does not. This is the only place in the library where
    broadcasting is undone.
    """
    shape = tuple(shape)
    inner = g.shape[batch_ndim:]
    if inner == shape:
        return g
    lead = len(inner) - len(shape)
    axes = tuple(range(batch_ndim, batch_ndim + lead)) + tuple(
        batch_ndim + lead + i for i, n in enumerate(shape) if n == 1 and inner[lead + i] != 1)
    out = _sum(g, axis=axes, keepdims=False)
    target = g.shape[:batch_ndim] + shape
    return out if out.shape == target else _reshape(out, shape=target)
