"""``Tensor`` and ``Variable``: a NumPy array that tapes can record.

Chapter 4 ("Automatic differentiation from scratch"): the value a tape records.

A :class:`Tensor` is nothing more than a NumPy array in a thin wrapper (one slot, ``data``). It does
not know its parents or its gradient: which operations produced which tensors is written down by the
:class:`~momentum_lab.autodiff.tape.GradientTape` objects that were recording at the time, as in
TensorFlow. That is what lets several tapes watch the same computation and nest.

Dtypes. A tensor holds real floating numbers: lists, Python numbers and integer arrays become float64,
floating arrays keep their dtype; booleans, complex numbers, objects and strings are refused with a
TypeError naming the argument, also as operands of an operation (``x * mask`` with a boolean mask: write
``x * mask.astype(float)``, or ``where(mask, x, 0.0)``). Inside an operation a *scalar* operand (a Python
or NumPy number, a 0-d array) and an integer array take the dtype of the tensor beside it, so a float32
computation stays float32 (PyTorch's rule; NumPy would promote a float64 NumPy scalar to float64). Two
floating arrays of different precision promote as in NumPy.

NB: ``tf.Tensor`` / ``tf.constant`` / ``tf.Variable`` play the same roles; in PyTorch a tensor stores its
own graph node (``.grad_fn``) instead.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from momentum_lab._validate import check_real_dtype

#: An ``axis`` argument: None (all axes), an int, or a sequence of ints (negative values count from the end).
AxisLike = int | Sequence[int] | None


class Tensor:
    """An immutable-by-convention NumPy array that :class:`GradientTape` can differentiate through.

    ``Tensor(value, dtype=None)``: floating arrays keep their dtype; lists, Python numbers and integer
    arrays become float64 (or ``dtype``, which must be a floating dtype). Booleans, complex numbers,
    objects, strings and None raise TypeError naming ``value``. NaN and infinities are kept (they are
    numbers; operations propagate them as NumPy does). The array is not copied: treat it as read-only.

    Operators ``+ - * / ** @`` and unary ``-`` build new tensors (and are recorded by active tapes);
    comparisons ``< <= > >= == !=`` return plain NumPy boolean arrays (they have no gradient).
    ``ndarray ∘ Tensor`` also works: NumPy hands the operator to the tensor. Any other NumPy ufunc
    (``np.exp(x)``) raises TypeError naming the autodiff function to use (``autodiff.exp``), and so does
    a NumPy function (``np.concatenate``) given a tensor that a recording tape follows, since NumPy would
    compute on the bare array and the tape would lose the tensor. ``np.sum``, ``np.mean`` and ``np.max``
    call the tensor's own methods and stay differentiable; ``np.asarray(x)`` reads the value.
    """

    __slots__ = ("data",)
    data: np.ndarray
    _is_variable = False

    # NumPy hands ``ndarray ∘ Tensor`` to us: ndarray operators call the ufunc (np.add, ...), which calls
    # Tensor.__array_ufunc__; the arithmetic ones are mapped to our operations, every other ufunc is refused.
    __array_priority__ = 100

    def __init__(self, value: TensorLike, dtype: npt.DTypeLike | None = None) -> None:
        self.data = _to_array(value, "value", dtype)

    @classmethod
    def _wrap(cls, array: np.ndarray) -> Tensor:
        """Wrap an ndarray without any checks (the fast path used by every primitive)."""
        t = object.__new__(cls)
        t.data = array
        return t

    # ---- array-like attributes ---------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def size(self) -> int:
        return self.data.size

    @property
    def T(self) -> Tensor:
        return _ops.transpose(self)

    def numpy(self) -> np.ndarray:
        """A copy of the value as a NumPy array (like ``tf.Tensor.numpy()``)."""
        return np.array(self.data)

    def item(self) -> float:
        """The value of a one-entry tensor as a Python float (ValueError for more than one entry)."""
        return self.data.item()

    def __array__(self, dtype: npt.DTypeLike | None = None, copy: bool | None = None) -> np.ndarray:
        if copy is False and dtype is not None and np.dtype(dtype) != self.data.dtype:
            raise ValueError("cannot convert a Tensor to another dtype without a copy")
        array = self.data if dtype is None else self.data.astype(dtype, copy=False)
        return np.array(array, copy=True) if copy else array

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        """``ndarray ∘ Tensor`` and ``np.add(array, tensor)``: our operation; any other ufunc: TypeError."""
        if method == "__call__":
            op = _OPERATOR_UFUNCS.get(ufunc.__name__)
            if kwargs:
                # ``array += tensor`` passes out=(array,): the array cannot hold a tensor, so the name is
                # rebound to the result, as Python does for ``+=`` on immutable values.
                out = kwargs.get("out")
                if len(kwargs) > 1 or out is None or len(out) != 1 or out[0] is not inputs[0]:
                    op = None
            if op is not None:
                return getattr(_ops, op)(*inputs)
            if ufunc.__name__ in _COMPARISON_UFUNCS and not kwargs:
                return ufunc(*[_raw(i) for i in inputs])
        raise TypeError(_numpy_refusal(f"np.{ufunc.__name__}", ufunc.__name__))

    def __array_function__(self, func: Callable[..., Any], types: Any, args: Any, kwargs: Any) -> Any:
        """NumPy functions on tensors: ``np.sum``/``np.mean``/``np.max`` call our methods (differentiable);
        the others compute on the values, unless a recording tape follows one of the tensors (TypeError)."""
        name = func.__name__
        if name in _METHOD_FUNCTIONS:
            return func._implementation(*args, **kwargs)  # type: ignore[attr-defined]  # calls Tensor.sum, ...
        tensors = [t for t in _flat(args) if isinstance(t, Tensor)] + [
            t for t in _flat(list(kwargs.values())) if isinstance(t, Tensor)
        ]
        if _followed(tensors):
            raise TypeError(_numpy_refusal(f"np.{name}", name))
        return func(*_unwrap(args), **_unwrap(kwargs))

    def __float__(self) -> float:
        return float(self.data)

    def __int__(self) -> int:
        return int(self.data)

    def __bool__(self) -> bool:
        return bool(self.data)

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d Tensor")
        return len(self.data)

    def __iter__(self) -> Iterator[Tensor]:
        """The sub-tensors along the first axis (each a recorded indexing operation)."""
        for i in range(len(self)):
            yield self[i]

    def __format__(self, spec: str) -> str:
        """``f"{loss:.4f}"`` formats the value, as for a NumPy scalar."""
        return format(self.data[()] if self.data.ndim == 0 else self.data, spec)

    def __round__(self, ndigits: int | None = None) -> Any:
        return round(self.data.item(), ndigits) if self.data.ndim == 0 else np.round(self.data, ndigits or 0)

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix=type(self).__name__ + "(")
        return f"{type(self).__name__}({body})"

    __hash__ = object.__hash__  # tensors are hashed by identity; == is elementwise

    # ---- differentiable operators (defined in ops.py) ----------------------------------------
    def __add__(self, other: object) -> Tensor:
        return _ops.add(self, other)

    def __radd__(self, other: object) -> Tensor:
        return _ops.add(other, self)

    def __sub__(self, other: object) -> Tensor:
        return _ops.subtract(self, other)

    def __rsub__(self, other: object) -> Tensor:
        return _ops.subtract(other, self)

    def __mul__(self, other: object) -> Tensor:
        return _ops.multiply(self, other)

    def __rmul__(self, other: object) -> Tensor:
        return _ops.multiply(other, self)

    def __truediv__(self, other: object) -> Tensor:
        return _ops.divide(self, other)

    def __rtruediv__(self, other: object) -> Tensor:
        return _ops.divide(other, self)

    def __pow__(self, other: object) -> Tensor:
        return _ops.power(self, other)

    def __rpow__(self, other: object) -> Tensor:
        return _ops.power(other, self)

    def __matmul__(self, other: object) -> Tensor:
        return _ops.matmul(self, other)

    def __rmatmul__(self, other: object) -> Tensor:
        return _ops.matmul(other, self)

    def __neg__(self) -> Tensor:
        return _ops.negative(self)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return _ops.abs(self)

    def __getitem__(self, index: Any) -> Tensor:
        return _ops.getitem(self, index)

    # ---- comparisons: plain NumPy booleans, no gradient --------------------------------------
    def __lt__(self, other: TensorLike) -> np.ndarray:
        return self.data < _raw(other)

    def __le__(self, other: TensorLike) -> np.ndarray:
        return self.data <= _raw(other)

    def __gt__(self, other: TensorLike) -> np.ndarray:
        return self.data > _raw(other)

    def __ge__(self, other: TensorLike) -> np.ndarray:
        return self.data >= _raw(other)

    def __eq__(self, other: object) -> np.ndarray:  # type: ignore[override]
        return self.data == _raw(other)

    def __ne__(self, other: object) -> np.ndarray:  # type: ignore[override]
        return self.data != _raw(other)

    # ---- methods mirroring the NumPy ones -----------------------------------------------------
    # ``dtype``/``out`` are accepted only so that np.sum(tensor), np.mean(tensor), np.max(tensor),
    # which call these methods, keep working (and stay differentiable).
    def sum(
        self, axis: AxisLike = None, keepdims: bool = False, dtype: None = None, out: None = None, **unused: Any
    ) -> Tensor:
        """``autodiff.sum(self, axis, keepdims)``."""
        _no_numpy_extras(dtype, out, "sum")
        return _ops.sum(self, axis=axis, keepdims=keepdims)

    def mean(
        self, axis: AxisLike = None, keepdims: bool = False, dtype: None = None, out: None = None, **unused: Any
    ) -> Tensor:
        """``autodiff.mean(self, axis, keepdims)``."""
        _no_numpy_extras(dtype, out, "mean")
        return _ops.mean(self, axis=axis, keepdims=keepdims)

    def max(self, axis: AxisLike = None, keepdims: bool = False, out: None = None, **unused: Any) -> Tensor:
        """``autodiff.max(self, axis, keepdims)``."""
        _no_numpy_extras(None, out, "max")
        return _ops.max(self, axis=axis, keepdims=keepdims)

    def reshape(self, *shape: Any) -> Tensor:
        """``autodiff.reshape(self, shape)``; ``x.reshape(2, 3)`` and ``x.reshape((2, 3))`` both work."""
        if len(shape) == 1 and not isinstance(shape[0], numbers.Integral):
            shape = shape[0]
        return _ops.reshape(self, shape)

    def transpose(self, *axes: Any) -> Tensor:
        """``autodiff.transpose(self, axes)``; ``x.transpose(1, 0)`` and ``x.transpose((1, 0))`` both work."""
        given: Any = axes
        if len(axes) == 1 and (axes[0] is None or not isinstance(axes[0], numbers.Integral)):
            given = axes[0]
        return _ops.transpose(self, given or None)


#: What the operations accept: a Tensor, or anything NumPy reads as an array of real numbers.
TensorLike = Tensor | npt.ArrayLike


class Variable(Tensor):
    """A trainable tensor whose value can be replaced (``assign``), like ``tf.Variable``.

    A trainable Variable used by an operation inside a ``GradientTape`` context is watched by that
    tape automatically (unless the tape was made with ``watch_accessed_variables=False``).
    The initial value is copied and converted as for :class:`Tensor` (booleans, complex numbers and
    strings raise TypeError naming ``initial_value``). ``assign*`` rebind the value to a new array
    of the same shape and dtype, so tensors computed earlier keep the value they were computed from;
    call ``tape.gradient`` before ``assign``, as in any training step.
    """

    __slots__ = ("trainable", "name")
    _is_variable = True

    def __init__(
        self,
        initial_value: TensorLike,
        trainable: bool = True,
        name: str | None = None,
        dtype: npt.DTypeLike | None = None,
    ) -> None:
        if not isinstance(trainable, bool):
            raise TypeError(f"trainable must be a bool; got trainable={trainable!r}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"name must be a string or None; got name={name!r}")
        self.data = np.array(_to_array(initial_value, "initial_value", dtype))
        self.trainable = trainable
        self.name = name

    def assign(self, value: TensorLike) -> Variable:
        """Set the value to ``value`` (same shape, cast to the variable's dtype); returns the variable."""
        new = np.array(_to_array(value, "value", self.data.dtype))
        if new.shape != self.data.shape:
            raise ValueError(f"value must have the variable's shape {self.data.shape}; got shape {new.shape}")
        self.data = new
        return self

    def assign_add(self, delta: TensorLike) -> Variable:
        """``self ← self + delta``; returns the variable."""
        return self.assign(self.data + _to_array(delta, "delta", self.data.dtype))

    def assign_sub(self, delta: TensorLike) -> Variable:
        """``self ← self − delta`` (one gradient-descent step is ``w.assign_sub(lr * g)``)."""
        return self.assign(self.data - _to_array(delta, "delta", self.data.dtype))

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="Variable(")
        name = "" if self.name is None else f", name={self.name!r}"
        return f"Variable({body}{name})"


def constant(value: TensorLike, dtype: npt.DTypeLike | None = None) -> Tensor:
    """A new :class:`Tensor` holding ``value`` (float64 unless ``value`` is already a float array).

    Booleans, complex numbers, objects, strings and None raise TypeError naming ``value``; a
    non-floating ``dtype`` raises TypeError naming ``dtype``. NaN and infinities are kept.
    """
    return Tensor(value, dtype=dtype)


def convert_to_tensor(value: TensorLike, dtype: npt.DTypeLike | None = None) -> Tensor:
    """``value`` itself if it is a Tensor (or Variable), else ``Tensor(value, dtype)``.

    A tensor of another dtype than ``dtype`` raises ValueError (no silent cast, as in TensorFlow).
    """
    if isinstance(value, Tensor):
        if dtype is not None and np.dtype(dtype) != value.dtype:
            raise ValueError(f"value has dtype {value.dtype}; cannot convert it to dtype {np.dtype(dtype)}")
        return value
    return Tensor(value, dtype=dtype)


def as_tensor(value: object, name: str, like: Tensor | None = None) -> Tensor:
    """Internal conversion used by the operations: errors name the argument ``name``.

    Next to a tensor ``like``, a scalar (Python or NumPy number, 0-d array) and an integer array take
    ``like``'s floating dtype, so ``2 * x`` keeps x's dtype. Without ``like``, integers become float64.
    Booleans (a mask is not a number), complex numbers, objects and strings raise TypeError naming ``name``.
    """
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (list, tuple)) and any(isinstance(v, Tensor) for v in value):
        raise TypeError(
            f"{name} is a list holding Tensors, which would be converted to a constant and not "
            f"differentiated; build it with stack(...) or concatenate(...) instead"
        )
    if like is not None and isinstance(value, _SCALARS) and value.__class__ is not bool:
        try:
            return Tensor._wrap(np.asarray(value, dtype=like.data.dtype))
        except OverflowError:  # a Python int beyond the float range: let NumPy decide below
            pass
    array = _to_array(value, name, None, keep=True)
    if array.dtype.kind != "f":
        array = array.astype(like.data.dtype if like is not None else np.float64)
    elif like is not None and array.ndim == 0 and array.dtype != like.data.dtype:
        array = array.astype(like.data.dtype)  # a 0-d float array is a scalar: it does not upcast
    return Tensor._wrap(array)


# Python and NumPy numbers (a Python bool is an int, and is refused with the boolean arrays).
_SCALARS = (int, float, np.integer, np.floating)


def _to_array(value: Any, name: str, dtype: npt.DTypeLike | None, keep: bool = False) -> np.ndarray:
    """``value`` as a floating array (``keep``: integer arrays are returned as they are)."""
    if isinstance(value, Tensor):
        value = value.data
    if dtype is not None:
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"dtype must be a floating dtype; got dtype={dtype}")
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be array-like of numbers; got {name}={value!r}")
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be array-like of numbers; got {type(value).__name__} ({exc})") from None
    kind = array.dtype.kind
    if kind != "f":
        check_real_dtype(array.dtype, name)
    if dtype is not None:
        return array.astype(dtype, copy=False)
    if kind != "f" and not keep:
        return array.astype(np.float64)
    return array


def _raw(value: Any) -> Any:
    return value.data if isinstance(value, Tensor) else value


def _no_numpy_extras(dtype: Any, out: Any, method: str) -> None:
    if dtype is not None or out is not None:
        raise TypeError(f"Tensor.{method} does not support dtype= or out=; got dtype={dtype!r}, out={out!r}")


# ---- NumPy functions applied to tensors ----------------------------------------------------------------
# ufuncs that the ndarray operators call, and the operation each one is.
_OPERATOR_UFUNCS = {
    "add": "add",
    "subtract": "subtract",
    "multiply": "multiply",
    "divide": "divide",
    "true_divide": "divide",
    "power": "power",
    "matmul": "matmul",
}
_COMPARISON_UFUNCS = frozenset({"less", "less_equal", "greater", "greater_equal", "equal", "not_equal"})
# NumPy functions that call the array's method of the same name (np.sum(x) is x.sum()).
_METHOD_FUNCTIONS = frozenset({"sum", "mean", "max", "amax"})
# NumPy names whose autodiff equivalent has another name.
_EQUIVALENTS = {
    "absolute": "abs",
    "true_divide": "divide",
    "amax": "max",
    "dot": "matmul",
    "logaddexp": "softplus (logaddexp(0, x) = softplus(x))",
    "clip": "clip",
}


def _numpy_refusal(what: str, name: str) -> str:
    equivalent = _EQUIVALENTS.get(name, name if name in _ops.__all__ else None)
    use = (
        f"use momentum_lab.autodiff.{equivalent} instead"
        if equivalent
        else "write it with momentum_lab.autodiff operations instead"
    )
    return (
        f"{what} cannot be applied to a Tensor: NumPy would compute on the bare array and the tape would "
        f"lose the tensor, so no gradient could flow through it; {use} (or call x.numpy() for a plain "
        f"array of the value, outside the differentiated computation)"
    )


def _flat(values: Any) -> Iterator[Any]:
    for v in values:
        if isinstance(v, (list, tuple)):
            yield from _flat(v)
        else:
            yield v


def _unwrap(values: Any) -> Any:
    if isinstance(values, Tensor):
        return values.data
    if isinstance(values, (list, tuple)):
        return type(values)(_unwrap(v) for v in values)
    if isinstance(values, dict):
        return {k: _unwrap(v) for k, v in values.items()}
    return values


def _followed(tensors: list[Tensor]) -> bool:
    """True if a recording tape follows one of ``tensors`` (watched, recorded, or a variable it would watch)."""
    from momentum_lab.autodiff.tape import active_tapes

    return any(
        id(t) in tape._tracked or (tape._watch_accessed and getattr(t, "trainable", False))
        for tape in active_tapes
        for t in tensors
    )


# The operators above call functions defined in ops.py, which itself imports this module.
# Importing it here, after Tensor exists, closes the loop (the package __init__ imports tensor first).
from momentum_lab.autodiff import ops as _ops  # noqa: E402
