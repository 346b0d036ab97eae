"""``reshape``, ``broadcast_to``, ``sum`` and the one ``unbroadcast`` helper.

Chapter 4 ("Automatic differentiation from scratch"): undoing broadcasting in the backward pass.

``broadcast_to`` copies a value along new or length-1 axes; its VJP adds the copies back up, which is
``sum``. ``sum``'s VJP hands the same cotangent to every summed element, which is ``broadcast_to``. The
two are each other's backward pass, and :func:`~momentum_lab.autodiff.unbroadcast` (sum over the axes that broadcasting
created) is how every binary operation hands a cotangent back to a smaller operand.

Arguments are checked where it costs nothing: ``axis`` by ``_validate.normalize_axes`` (an int or tuple of
ints in range, no repeats), ``keepdims`` by ``_validate.flag`` (True or False only), ``shape`` for being
ints. A shape NumPy cannot reshape or broadcast to raises ValueError naming the operation and both
shapes. ``sum`` of an empty axis is 0; NaN entries make their sums NaN, and large sums overflow to ±∞.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from momentum_lab._validate import flag
from momentum_lab._validate import normalize_axes as normalize_axis
from momentum_lab.autodiff.primitive import primitive
from momentum_lab.autodiff.tensor import AxisLike, Tensor, TensorLike, as_tensor

__all__ = ["broadcast_to", "nbatch", "normalize_axis", "reshape", "sum", "unbroadcast"]

#: A ``shape`` argument: an int or a sequence of ints.
ShapeLike = Any


def nbatch(g: Tensor, ans: Tensor) -> int:
    """Number of leading batch axes of the cotangent ``g`` of ``ans`` (0 for a plain gradient)."""
    return g.ndim - ans.ndim


def _shape(shape: ShapeLike, name: str = "shape", op: str = "reshape") -> tuple[int, ...]:
    shape = (shape,) if isinstance(shape, numbers.Integral) else shape
    if isinstance(shape, (str, bytes)) or not all(
        isinstance(n, numbers.Integral) and not isinstance(n, (bool, np.bool_)) for n in _iterate(shape)
    ):
        raise TypeError(f"{op}: {name} must be an int or a tuple of ints; got {name}={shape!r}")
    return tuple(int(n) for n in shape)


def _iterate(value: Any) -> list[Any]:
    try:
        return list(value)
    except TypeError:
        return [None]


# ---- reshape ---------------------------------------------------------------------------------------
@primitive
def _reshape(x, *, shape):
    return x.reshape(shape)


_reshape.defvjp(lambda g, ans, x, *, shape: _reshape(g, shape=g.shape[: nbatch(g, ans)] + x.shape))


def _reshape_error(exc: Exception, x: np.ndarray, *, shape: tuple[int, ...]) -> Exception:
    if shape.count(-1) > 1:
        return ValueError(f"reshape: shape={shape} may contain at most one -1")
    if any(n < -1 for n in shape):
        return ValueError(f"reshape: shape={shape} must hold sizes >= 0 (and at most one -1)")
    return ValueError(f"reshape: cannot reshape x.shape={x.shape} ({x.size} entries) into shape={shape}")


_reshape.deferror(_reshape_error)


def reshape(x: TensorLike, shape: ShapeLike) -> Tensor:
    """``x`` with a new shape (one entry may be -1), as ``np.reshape``. VJP: reshape back.

    A shape with another number of entries raises ValueError naming both shapes.
    """
    x = as_tensor(x, "x")
    return _reshape(x, shape=_shape(shape))


# ---- broadcast_to and sum: each is the other's VJP -------------------------------------------------------
@primitive
def _broadcast_to(x, *, shape):
    return np.broadcast_to(x, shape)  # a read-only view: no copy


_broadcast_to.defvjp(lambda g, ans, x, *, shape: unbroadcast(g, x.shape, nbatch(g, ans)))


def _broadcast_to_error(exc: Exception, x: np.ndarray, *, shape: tuple[int, ...]) -> Exception:
    if any(n < 0 for n in shape):
        return ValueError(f"broadcast_to: shape={shape} must hold sizes >= 0")
    return ValueError(f"broadcast_to: x.shape={x.shape} cannot be broadcast to shape={shape}")


_broadcast_to.deferror(_broadcast_to_error)


def broadcast_to(x: TensorLike, shape: ShapeLike) -> Tensor:
    """``x`` repeated along new leading or length-1 axes to ``shape`` (``np.broadcast_to``).

    A shape x cannot be broadcast to raises ValueError naming both shapes.
    """
    x = as_tensor(x, "x")
    return _broadcast_to(x, shape=_shape(shape, op="broadcast_to"))


@primitive
def _sum(x, *, axis, keepdims):
    return np.add.reduce(x, axis=axis, keepdims=keepdims)  # np.sum without its Python wrapper


def _sum_vjp(g: Tensor, ans: Tensor, x: Tensor, *, axis: tuple[int, ...], keepdims: bool) -> Tensor:
    # Every summed element receives the cotangent of its sum: put the summed axes back (length 1)
    # and broadcast. Leading batch axes of g are carried along untouched.
    batch = g.shape[: nbatch(g, ans)]
    if not keepdims and (batch or axis != tuple(range(len(axis)))):  # (leading axes broadcast as they are)
        g = _reshape(g, shape=batch + tuple(1 if i in axis else n for i, n in enumerate(x.shape)))
    return _broadcast_to(g, shape=batch + x.shape)


_sum.defvjp(_sum_vjp)


def sum(x: TensorLike, axis: AxisLike = None, keepdims: bool = False) -> Tensor:  # noqa: A001 (numpy name)
    """Σ of ``x`` over ``axis`` (None: all axes), as ``np.sum``. VJP: broadcast the cotangent back.

    The sum over an empty axis is 0. ``axis`` out of range or repeated raises ValueError, of the wrong
    type TypeError; ``keepdims`` must be True or False (TypeError otherwise).
    """
    x = as_tensor(x, "x")
    return _sum(x, axis=normalize_axis(axis, x.ndim), keepdims=flag(keepdims, "keepdims"))


def unbroadcast(g: Tensor, shape: tuple[int, ...], batch_ndim: int = 0) -> Tensor:
    """Undo broadcasting: sum the cotangent ``g`` down to ``batch + shape``.

    ``g`` has shape ``batch + s`` where ``s`` is what ``shape`` was broadcast to; the first
    ``batch_ndim`` axes are batch axes and are kept. Summed: the leading axes broadcasting added, and
    the axes where ``shape`` has length 1 but ``s`` does not. This is the only place in the library where
    broadcasting is undone. ``g`` must have been broadcast from ``shape`` (a bug in a rule otherwise,
    which the backward pass reports by the shape it returned); empty axes sum to zeros.

    Arguments are checked where it is cheap: ``g`` is converted like any operand (TypeError naming ``g``),
    ``batch_ndim`` must be an int in ``[0, g.ndim − len(shape)]`` and ``shape`` ints that ``g``'s trailing
    axes were broadcast from (TypeError/ValueError naming the argument).
    """
    if g.__class__ is not Tensor or shape.__class__ is not tuple or batch_ndim.__class__ is not int:
        g, shape = _unbroadcast_arguments(g, shape, batch_ndim)  # (the rules always pass these types)
    inner = g.shape[batch_ndim:]
    if inner == shape and batch_ndim >= 0:
        return g
    lead = len(inner) - len(shape)
    if batch_ndim < 0 or lead < 0:
        raise ValueError(
            f"unbroadcast: batch_ndim must be in [0, g.ndim - len(shape)] = [0, {g.ndim - len(shape)}] for "
            f"g.shape={g.shape} and shape={shape}; got batch_ndim={batch_ndim!r}"
        )
    if any(n != 1 and n != m for n, m in zip(shape, inner[lead:])):
        raise ValueError(
            f"unbroadcast: g.shape={g.shape} (batch axes {g.shape[:batch_ndim]}) was not broadcast from shape={shape}"
        )
    axes = tuple(range(batch_ndim, batch_ndim + lead)) + tuple(
        batch_ndim + lead + i for i, n in enumerate(shape) if n == 1 and inner[lead + i] != 1
    )
    out = _sum(g, axis=axes, keepdims=False)
    target = g.shape[:batch_ndim] + shape
    return out if out.shape == target else _reshape(out, shape=target)


def _unbroadcast_arguments(g: Any, shape: Any, batch_ndim: Any) -> tuple[Tensor, tuple[int, ...]]:
    """``(g, shape)`` as a Tensor and a tuple, or TypeError naming the argument that is neither."""
    if not isinstance(g, Tensor):
        g = as_tensor(g, "g")
    try:
        shape = tuple(shape)
    except TypeError:
        raise TypeError(f"unbroadcast: shape must be a tuple of ints; got shape={shape!r}") from None
    if not all(isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in shape):
        raise TypeError(f"unbroadcast: shape must be a tuple of ints; got shape={shape!r}")
    if isinstance(batch_ndim, bool) or not isinstance(batch_ndim, numbers.Integral):
        raise TypeError(f"unbroadcast: batch_ndim must be an int; got batch_ndim={batch_ndim!r}")
    return g, shape
