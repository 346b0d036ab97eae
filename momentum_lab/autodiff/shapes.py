"""Moving entries around: ``transpose``, indexing, ``take_along_axis``, ``concatenate``, ``stack``.

Chapter 4: reshapes, indexing and the other shape operations, with their rules.

Their VJPs move the cotangent back: transpose by the inverse permutation, indexing by scattering into
zeros (``_scatter``; whose own VJP is indexing again), concatenation by slicing. Leading batch axes of the
cotangent are kept in front: a batched index starts with one full slice per batch axis.
"""

import builtins
import numbers

import numpy as np

from momentum_lab.autodiff.broadcasting import nbatch
from momentum_lab.autodiff.primitive import primitive
from momentum_lab.autodiff.tensor import Tensor, as_tensor


# ---- transpose -----------------------------------------------------------------------------------------
@primitive
def _transpose(x, *, axes):
    return np.transpose(x, axes)


def _transpose_vjp(g, ans, x, *, axes):
    nb = nbatch(g, ans)
    inverse = np.argsort(axes)
    return _transpose(g, axes=tuple(range(nb)) + tuple(nb + int(i) for i in inverse))


_transpose.defvjp(_transpose_vjp)


def transpose(x, axes=None):
    """``x`` with its axes permuted (None: reversed), as ``np.transpose``. VJP: the inverse permutation."""
    x = as_tensor(x, "x")
    if axes is None:
        axes = tuple(range(x.ndim))[::-1]
    given = tuple(axes)
    if not all(isinstance(a, numbers.Integral) and -x.ndim <= a < x.ndim for a in given):
        raise ValueError(f"axes must be a permutation of range({x.ndim}); got axes={given!r}")
    axes = tuple(int(a) % x.ndim for a in given)
    if sorted(axes) != list(range(x.ndim)):
        raise ValueError(f"axes must be a permutation of range({x.ndim}); got axes={given!r}")
    return _transpose(x, axes=axes)


def matrix_transpose(x):
    """Swap the last two axes (``x.T`` of each matrix in a stack); used by the matmul VJPs."""
    axes = tuple(range(x.ndim - 2)) + (x.ndim - 1, x.ndim - 2)
    return _transpose(x, axes=axes)


# ---- indexing and its adjoint, scatter --------------------------------------------------------------------
def _is_array_index(i):
    return isinstance(i, np.ndarray)


def _batched(index, nb):
    """``index`` applied to an array with ``nb`` extra leading axes."""
    if nb and _advanced_split(index):
        raise NotImplementedError(
            "batched gradients (jacobian/hessian) through an index whose array indices are separated by "
            "a slice are not supported; index one axis at a time instead")
    return (slice(None),) * nb + index


def _advanced_split(index):
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


_getitem.defvjp(lambda g, ans, x, *, index: _scatter(
    g, index=_batched(index, nbatch(g, ans)), shape=g.shape[:nbatch(g, ans)] + x.shape))
_scatter.defvjp(lambda g, ans, x, *, index, shape: _getitem(g, index=_batched(index, nbatch(g, ans))))


def _normalize_index(index):
    if not isinstance(index, tuple):
        index = (index,)
    out = []
    for i in index:
        if isinstance(i, Tensor):
            i = i.data
        if isinstance(i, (list, np.ndarray)):
            i = np.asarray(i)
            if i.dtype.kind not in "biu":
                raise TypeError(f"index arrays must hold integers or booleans; got dtype {i.dtype}")
        out.append(i)
    return tuple(out)


def getitem(x, index):
    """``x[index]`` with NumPy's rules (ints, slices, None, ..., integer and boolean arrays).

    VJP: scatter the cotangent into zeros of x's shape, adding at repeated indices.
    """
    x = as_tensor(x, "x")
    return _getitem(x, index=_normalize_index(index))


def take_along_axis(x, indices, axis):
    """``np.take_along_axis(x, indices, axis)``: pick, along ``axis``, the entries named by ``indices``
    (an integer array with x's number of dimensions). ``take_along_axis(logp, y[:, None], axis=1)``
    picks each row's log-probability of its label. Built on indexing, so its VJP is a scatter."""
    x = as_tensor(x, "x")
    indices = np.asarray(indices.data if isinstance(indices, Tensor) else indices)
    if indices.dtype.kind not in "iu":
        raise TypeError(f"indices must be an integer array; got dtype {indices.dtype}")
    if indices.ndim != x.ndim:
        raise ValueError(f"indices must have x's number of dimensions ({x.ndim}); got shape {indices.shape}")
    if not isinstance(axis, numbers.Integral) or not -x.ndim <= axis < x.ndim:
        raise ValueError(f"axis must be an int in [-{x.ndim}, {x.ndim}); got axis={axis!r}")
    axis = int(axis) % x.ndim
    index = tuple(indices if k == axis else
                  np.arange(n).reshape([-1 if j == k else 1 for j in range(x.ndim)])
                  for k, n in enumerate(x.shape))
    return _getitem(x, index=index)


# ---- concatenate and stack (variadic) -------------------------------------------------------------------
@primitive
def _concatenate(*xs, axis):
    return np.concatenate(xs, axis=axis)


def _concatenate_vjp(i, g, ans, *xs, axis):
    start = builtins.sum(x.shape[axis] for x in xs[:i])
    index = (Ellipsis, slice(start, start + xs[i].shape[axis])) + (slice(None),) * (ans.ndim - 1 - axis)
    return _getitem(g, index=index)


_concatenate.defvjp_argnum(_concatenate_vjp)


@primitive
def _stack(*xs, axis):
    return np.stack(xs, axis=axis)


_stack.defvjp_argnum(lambda i, g, ans, *xs, axis: _getitem(
    g, index=(Ellipsis, i) + (slice(None),) * (ans.ndim - 1 - axis)))


def _tensors(tensors, name):
    if isinstance(tensors, (Tensor, np.ndarray)) or not hasattr(tensors, "__len__") or len(tensors) == 0:
        raise TypeError(f"{name} must be a non-empty list or tuple of tensors; got {type(tensors).__name__}")
    return [as_tensor(t, f"{name}[{k}]") for k, t in enumerate(tensors)]


def concatenate(tensors, axis=0):
    """Join ``tensors`` along an existing ``axis`` (``np.concatenate``). VJP: slice the cotangent."""
    xs = _tensors(tensors, "tensors")
    ndim = xs[0].ndim
    if not isinstance(axis, numbers.Integral) or not -ndim <= axis < max(ndim, 1):
        raise ValueError(f"axis must be an int in [-{ndim}, {ndim}); got axis={axis!r}")
    return _concatenate(*xs, axis=int(axis) % ndim)


def stack(tensors, axis=0):
    """Join ``tensors`` (all one shape) along a new ``axis`` (``np.stack``). VJP: index the cotangent."""
    xs = _tensors(tensors, "tensors")
    ndim = xs[0].ndim + 1
    if not isinstance(axis, numbers.Integral) or not -ndim <= axis < ndim:
        raise ValueError(f"axis must be an int in [-{ndim}, {ndim}); got axis={axis!r}")
    return _stack(*xs, axis=int(axis) % ndim)
