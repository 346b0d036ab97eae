"""Moving entries around: ``transpose``, indexing, ``take_along_axis``, ``concatenate``, ``stack``.

Chapter 4: reshapes, indexing and the other shape operations, with their rules.

Their VJPs move the cotangent back: transpose by the inverse permutation, indexing by scattering into
zeros (``_scatter``; whose own VJP is indexing again), concatenation by slicing. Leading batch axes of the
cotangent are kept in front: a batched index starts with one full slice per batch axis.

Errors name the operation, the argument and the shapes: ``x[10]`` on three entries raises
``IndexOutOfRange`` (an IndexError and a ValueError) "getitem: index 10 is out of range for axis 0 of
size 3", ``x[1.5]`` a TypeError, tensors of different shapes given to ``concatenate`` or ``stack`` a
ValueError naming the two that differ. Empty tensors are indexed, joined and transposed as in NumPy.
"""

from __future__ import annotations

import builtins
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from momentum_lab.autodiff.broadcasting import nbatch
from momentum_lab.autodiff.primitive import IndexOutOfRange, primitive
from momentum_lab.autodiff.tensor import Tensor, TensorLike, as_tensor


# ---- transpose -----------------------------------------------------------------------------------------
@primitive
def _transpose(x, *, axes):
    return np.transpose(x, axes)


def _transpose_vjp(g, ans, x, *, axes):
    nb = nbatch(g, ans)
    inverse = np.argsort(axes)
    return _transpose(g, axes=tuple(range(nb)) + tuple(nb + int(i) for i in inverse))


_transpose.defvjp(_transpose_vjp)


def transpose(x: TensorLike, axes: Sequence[int] | None = None) -> Tensor:
    """``x`` with its axes permuted (None: reversed), as ``np.transpose``. VJP: the inverse permutation.

    ``axes`` that are not a permutation of ``range(x.ndim)`` raise ValueError naming ``axes``.
    """
    x = as_tensor(x, "x")
    if axes is None:
        axes = tuple(range(x.ndim))[::-1]
    try:
        given = tuple(axes)
    except TypeError:
        raise TypeError(f"transpose: axes must be None or a tuple of ints; got axes={axes!r}") from None
    if not all(_is_int(a) and -x.ndim <= a < x.ndim for a in given):
        raise ValueError(f"axes must be a permutation of range({x.ndim}); got axes={given!r}")
    axes = tuple(int(a) % x.ndim for a in given)
    if sorted(axes) != list(range(x.ndim)):
        raise ValueError(f"axes must be a permutation of range({x.ndim}); got axes={given!r}")
    return _transpose(x, axes=axes)


def matrix_transpose(x: Tensor) -> Tensor:
    """Swap the last two axes (``x.T`` of each matrix in a stack); used by the matmul VJPs."""
    axes = tuple(range(x.ndim - 2)) + (x.ndim - 1, x.ndim - 2)
    return _transpose(x, axes=axes)


# ---- indexing and its adjoint, scatter --------------------------------------------------------------------
def _is_int(value: Any) -> bool:
    """An int (Python or NumPy) that is not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _is_array_index(i: Any) -> bool:
    return isinstance(i, np.ndarray)


def _batched(index: tuple[Any, ...], nb: int) -> tuple[Any, ...]:
    """``index`` applied to an array with ``nb`` extra leading axes."""
    if nb and _advanced_split(index):
        raise NotImplementedError(
            "batched gradients (jacobian/hessian) through an index whose array indices are separated by "
            "a slice are not supported; index one axis at a time instead"
        )
    return (slice(None),) * nb + index


def _advanced_split(index: tuple[Any, ...]) -> bool:
    """True if the array indices are not adjacent (NumPy then moves their axes to the front)."""
    if not any(_is_array_index(i) for i in index):
        return False
    positions = [k for k, i in enumerate(index) if _is_array_index(i) or isinstance(i, numbers.Integral)]
    return positions != list(range(positions[0], positions[-1] + 1))


@primitive
def _getitem(x, *, index):
    return x[index]


@primitive
def _scatter(g, *, index, shape):
    # zeros of ``shape`` with g added at ``index``; np.add.at accumulates repeated array indices.
    out = np.zeros(shape, g.dtype)
    if any(_is_array_index(i) for i in index):
        np.add.at(out, index, g)
    else:
        out[index] = g
    return out


_getitem.defvjp(
    lambda g, ans, x, *, index: _scatter(
        g, index=_batched(index, nbatch(g, ans)), shape=g.shape[: nbatch(g, ans)] + x.shape
    )
)
_scatter.defvjp(lambda g, ans, x, *, index, shape: _getitem(g, index=_batched(index, nbatch(g, ans))))


def _normalize_index(index: Any) -> tuple[Any, ...]:
    if not isinstance(index, tuple):
        index = (index,)
    out = []
    for i in index:
        if isinstance(i, Tensor):
            i = i.data
        if isinstance(i, (list, np.ndarray)):
            i = np.asarray(i)
            if i.dtype.kind not in "biu":
                raise TypeError(f"getitem: index arrays must hold integers or booleans; got dtype {i.dtype}")
        elif not (i is None or i is Ellipsis or isinstance(i, (slice, numbers.Integral, np.bool_))):
            raise TypeError(
                f"getitem: an index must be an int, a slice, None, ... or an integer or boolean "
                f"array; got {i!r} ({type(i).__name__})"
            )
        out.append(i)
    return tuple(out)


def _index_problem(shape: tuple[int, ...], index: tuple[Any, ...]) -> str | None:
    """What is wrong with ``index`` for an array of ``shape``, in words (None if nothing is found)."""

    def width(i: Any) -> int:  # how many axes of x the index item uses
        if isinstance(i, np.ndarray):
            return i.ndim if i.dtype.kind == "b" else 1
        return 0 if i is None or i is Ellipsis or isinstance(i, (bool, np.bool_)) else 1

    used = builtins.sum(width(i) for i in index)
    if used > len(shape):
        return f"too many indices: the index uses {used} axes but x has {len(shape)}"
    axis = 0
    for i in index:
        if i is Ellipsis:
            axis += len(shape) - used
        elif isinstance(i, np.ndarray) and i.dtype.kind == "b":
            want = shape[axis : axis + i.ndim]
            if i.shape != want:
                axes = f"axis {axis}" if i.ndim == 1 else f"axes {axis}..{axis + i.ndim - 1}"
                return f"a boolean mask of shape {i.shape} does not match {axes} of x, of shape {want}"
        elif isinstance(i, np.ndarray) or _is_int(i):
            n = shape[axis]
            bad = np.asarray(i)[(np.asarray(i) < -n) | (np.asarray(i) >= n)]
            if bad.size:
                return f"index {bad.flat[0]} is out of range for axis {axis} of size {n}"
        axis += width(i)
    return None


def _getitem_error(exc: Exception, x: np.ndarray, *, index: tuple[Any, ...]) -> Exception:
    problem = _index_problem(x.shape, index) or str(exc)
    return IndexOutOfRange(f"getitem: {problem} (x.shape={x.shape}, index x{_show(index)})")


def _show(index: tuple[Any, ...]) -> str:
    """The index as written between brackets: ``[:, 5]``."""

    def item(i: Any) -> str:
        if isinstance(i, slice):
            text = ":".join("" if v is None else str(v) for v in (i.start, i.stop, i.step))
            return text[:-1] if text.endswith(":") and i.step is None else text
        return "..." if i is Ellipsis else repr(i)

    text = "[" + ", ".join(item(i) for i in index) + "]"
    return text if len(text) <= 60 else text[:57] + "...]"


_getitem.deferror(_getitem_error)


def getitem(x: TensorLike, index: Any) -> Tensor:
    """``x[index]`` with NumPy's rules (ints, slices, None, ..., integer and boolean arrays).

    VJP: scatter the cotangent into zeros of x's shape, adding at repeated indices.
    A float index raises TypeError; an index out of range, a boolean mask of the wrong shape or too many
    indices raise :class:`~momentum_lab.autodiff.primitive.IndexOutOfRange` (an IndexError and a
    ValueError) naming the axis and its size. An empty slice gives an empty tensor (gradient: zeros).
    """
    x = as_tensor(x, "x")
    return _getitem(x, index=_normalize_index(index))


def take_along_axis(x: TensorLike, indices: npt.ArrayLike, axis: int) -> Tensor:
    """``np.take_along_axis(x, indices, axis)``: pick, along ``axis``, the entries named by ``indices``
    (an integer array with x's number of dimensions). ``take_along_axis(logp, y[:, None], axis=1)``
    picks each row's log-probability of its label. Built on indexing, so its VJP is a scatter.

    Float indices raise TypeError; indices of another number of dimensions, out of ``[-n, n)`` along
    ``axis`` or whose other axes do not broadcast against x's raise ValueError (``IndexOutOfRange``)."""
    x = as_tensor(x, "x")
    indices = np.asarray(indices.data if isinstance(indices, Tensor) else indices)
    if indices.dtype.kind not in "iu":
        raise TypeError(f"take_along_axis: indices must be an integer array; got dtype {indices.dtype}")
    if indices.ndim != x.ndim:
        raise ValueError(
            f"take_along_axis: indices must have x's number of dimensions ({x.ndim}); got indices.shape={indices.shape}"
        )
    _check_axis(axis, x.ndim, "take_along_axis")
    axis = int(axis) % x.ndim
    index = tuple(
        indices if k == axis else np.arange(n).reshape([-1 if j == k else 1 for j in range(x.ndim)])
        for k, n in enumerate(x.shape)
    )
    try:
        return _getitem(x, index=index)
    except IndexError:
        n = x.shape[axis]
        bad = indices[(indices < -n) | (indices >= n)]
        if bad.size:
            raise IndexOutOfRange(
                f"take_along_axis: indices must be in [-{n}, {n}) along axis={axis} of "
                f"x.shape={x.shape}; got {bad.flat[0]}"
            ) from None
        raise IndexOutOfRange(
            f"take_along_axis: indices.shape={indices.shape} must match x.shape={x.shape} "
            f"on every axis except axis={axis} (or be 1 there)"
        ) from None


# ---- concatenate and stack (variadic) -------------------------------------------------------------------
@primitive
def _concatenate(*xs, axis):
    return np.concatenate(xs, axis=axis)


def _concatenate_vjp(i: int, g: Tensor, ans: Tensor, *xs: Tensor, axis: int) -> Tensor:
    start = builtins.sum(x.shape[axis] for x in xs[:i])
    index = (Ellipsis, slice(start, start + xs[i].shape[axis])) + (slice(None),) * (ans.ndim - 1 - axis)
    return _getitem(g, index=index)


_concatenate.defvjp_argnum(_concatenate_vjp)


@primitive
def _stack(*xs, axis):
    return np.stack(xs, axis=axis)


_stack.defvjp_argnum(
    lambda i, g, ans, *xs, axis: _getitem(g, index=(Ellipsis, i) + (slice(None),) * (ans.ndim - 1 - axis))
)


def _tensors(tensors: Sequence[TensorLike], name: str, op: str) -> list[Tensor]:
    if isinstance(tensors, (Tensor, np.ndarray)) or not hasattr(tensors, "__len__") or len(tensors) == 0:
        raise TypeError(f"{op}: {name} must be a non-empty list or tuple of tensors; got {type(tensors).__name__}")
    try:
        return [as_tensor(t, f"{name}[{k}]") for k, t in enumerate(tensors)]
    except TypeError as exc:
        raise TypeError(f"{op}: {exc}") from None


def _check_axis(axis: Any, ndim: int, op: str) -> None:
    if not _is_int(axis):
        raise TypeError(f"{op}: axis must be an int; got axis={axis!r} ({type(axis).__name__})")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{op}: axis must be an int in [-{ndim}, {ndim}); got axis={axis!r}")


def _first_mismatch(xs: tuple[np.ndarray, ...], same: Any) -> int | None:
    """The first k with ``same(xs[k], xs[0])`` false (None if there is none)."""
    return next((k for k in range(1, len(xs)) if not same(xs[k], xs[0])), None)


def _concatenate_error(exc: Exception, *xs: np.ndarray, axis: int) -> Exception:
    k = _first_mismatch(xs, lambda a, b: a.ndim == b.ndim)
    if k is not None:
        return ValueError(
            f"concatenate: tensors[{k}].shape={xs[k].shape} and tensors[0].shape={xs[0].shape} have "
            f"different numbers of dimensions"
        )
    k = _first_mismatch(xs, lambda a, b: a.shape[:axis] + a.shape[axis + 1 :] == b.shape[:axis] + b.shape[axis + 1 :])
    if k is None:
        return ValueError(f"concatenate: {exc}")
    return ValueError(
        f"concatenate: tensors[{k}].shape={xs[k].shape} and tensors[0].shape={xs[0].shape} differ "
        f"on an axis other than axis={axis}"
    )


_concatenate.deferror(_concatenate_error)


def _stack_error(exc: Exception, *xs: np.ndarray, axis: int) -> Exception:
    k = _first_mismatch(xs, lambda a, b: a.shape == b.shape)
    if k is None:
        return ValueError(f"stack: {exc}")
    return ValueError(
        f"stack: tensors[{k}].shape={xs[k].shape} differs from tensors[0].shape={xs[0].shape}; "
        f"stack needs tensors of one shape"
    )


_stack.deferror(_stack_error)


def concatenate(tensors: Sequence[TensorLike], axis: int = 0) -> Tensor:
    """Join ``tensors`` along an existing ``axis`` (``np.concatenate``). VJP: slice the cotangent.

    An empty list raises TypeError; 0-d tensors (no axis to join along), tensors with different numbers
    of dimensions or different lengths off ``axis`` raise ValueError naming the two that differ.
    Empty tensors join as in NumPy.
    """
    xs = _tensors(tensors, "tensors", "concatenate")
    ndim = xs[0].ndim
    if ndim == 0:
        raise ValueError("concatenate: tensors[0] is 0-d and has no axis to join along; use stack instead")
    _check_axis(axis, ndim, "concatenate")
    return _concatenate(*xs, axis=int(axis) % ndim)


def stack(tensors: Sequence[TensorLike], axis: int = 0) -> Tensor:
    """Join ``tensors`` (all one shape) along a new ``axis`` (``np.stack``). VJP: index the cotangent.

    An empty list raises TypeError; tensors of different shapes raise ValueError naming the two.
    """
    xs = _tensors(tensors, "tensors", "stack")
    ndim = xs[0].ndim + 1
    _check_axis(axis, ndim, "stack")
    return _stack(*xs, axis=int(axis) % ndim)
