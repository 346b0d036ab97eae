"""``Tensor`` and ``Variable``: a NumPy array that tapes can record.

Chapter 4 ("Automatic differentiation from scratch"): the value a tape records.

A :class:`Tensor` is nothing more than a NumPy array in a thin wrapper (one slot, ``data``). It does
not know its parents or its gradient: which operations produced which tensors is written down by the
:class:`~momentum_lab.autodiff.tape.GradientTape` objects that were recording at the time, as in
TensorFlow. That is what lets several tapes watch the same computation and nest.

NB: ``tf.Tensor`` / ``tf.constant`` / ``tf.Variable`` play the same roles; in PyTorch a tensor stores its
own graph node (``.grad_fn``) instead.
"""

import numbers

import numpy as np


class Tensor:
    """An immutable-by-convention NumPy array that :class:`GradientTape` can differentiate through.

    ``Tensor(value, dtype=None)``: floating arrays keep their dtype; anything else (lists, Python numbers,
    integer or boolean arrays) becomes float64. The array is not copied: treat it as read-only.

    Operators ``+ - * / ** @`` and unary ``-`` build new tensors (and are recorded by active tapes);
    comparisons ``< <= > >= == !=`` return plain NumPy boolean arrays (they have no gradient).
    ``ndarray ∘ Tensor`` also works: NumPy defers to the tensor's reflected operator.
    """

    __slots__ = ("data",)

    # NumPy defers binary operators (ndarray + Tensor) to us: __array_ufunc__ = None makes every
    # ndarray operator return NotImplemented, so Python calls Tensor.__radd__ and friends.
    # (__array_priority__ is the older spelling of the same request.) A side effect worth having:
    # np.exp(tensor) raises TypeError instead of silently dropping the tensor off the tape.
    __array_priority__ = 100
    __array_ufunc__ = None
    _is_variable = False

    def __init__(self, value, dtype=None):
        self.data = _to_array(value, "value", dtype)

    @classmethod
    def _wrap(cls, array):
        """Wrap an ndarray without any checks (the fast path used by every primitive)."""
        t = object.__new__(cls)
        t.data = array
        return t

    # ---- array-like attributes ---------------------------------------------------------------
    @property
    def shape(self):
        return self.data.shape

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def size(self):
        return self.data.size

    @property
    def T(self):
        return _ops.transpose(self)

    def numpy(self):
        """A copy of the value as a NumPy array (like ``tf.Tensor.numpy()``)."""
        return np.array(self.data)

    def item(self):
        return self.data.item()

    def __array__(self, dtype=None, copy=None):
        if copy is False and dtype is not None and np.dtype(dtype) != self.data.dtype:
            raise ValueError("cannot convert a Tensor to another dtype without a copy")
        array = self.data if dtype is None else self.data.astype(dtype, copy=False)
        return np.array(array, copy=True) if copy else array

    def __float__(self):
        return float(self.data)

    def __int__(self):
        return int(self.data)

    def __bool__(self):
        return bool(self.data)

    def __len__(self):
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d Tensor")
        return len(self.data)

    def __iter__(self):
        """The sub-tensors along the first axis (each a recorded indexing operation)."""
        for i in range(len(self)):
            yield self[i]

    def __format__(self, spec):
        """``f"{loss:.4f}"`` formats the value, as for a NumPy scalar."""
        return format(self.data[()] if self.data.ndim == 0 else self.data, spec)

    def __round__(self, ndigits=None):
        return round(self.data.item(), ndigits) if self.data.ndim == 0 else np.round(self.data, ndigits or 0)

    def __repr__(self):
        body = np.array2string(self.data, separator=", ", prefix=type(self).__name__ + "(")
        return f"{type(self).__name__}({body})"

    __hash__ = object.__hash__  # tensors are hashed by identity; == is elementwise

    # ---- differentiable operators (defined in ops.py) ----------------------------------------
    def __add__(self, other):
        return _ops.add(self, other)

    def __radd__(self, other):
        return _ops.add(other, self)

    def __sub__(self, other):
        return _ops.subtract(self, other)

    def __rsub__(self, other):
        return _ops.subtract(other, self)

    def __mul__(self, other):
        return _ops.multiply(self, other)

    def __rmul__(self, other):
        return _ops.multiply(other, self)

    def __truediv__(self, other):
        return _ops.divide(self, other)

    def __rtruediv__(self, other):
        return _ops.divide(other, self)

    def __pow__(self, other):
        return _ops.power(self, other)

    def __rpow__(self, other):
        return _ops.power(other, self)

    def __matmul__(self, other):
        return _ops.matmul(self, other)

    def __rmatmul__(self, other):
        return _ops.matmul(other, self)

    def __neg__(self):
        return _ops.negative(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _ops.abs(self)

    def __getitem__(self, index):
        return _ops.getitem(self, index)

    # ---- comparisons: plain NumPy booleans, no gradient --------------------------------------
    def __lt__(self, other):
        return self.data < _raw(other)

    def __le__(self, other):
        return self.data <= _raw(other)

    def __gt__(self, other):
        return self.data > _raw(other)

    def __ge__(self, other):
        return self.data >= _raw(other)

    def __eq__(self, other):
        return self.data == _raw(other)

    def __ne__(self, other):
        return self.data != _raw(other)

    # ---- methods mirroring the NumPy ones -----------------------------------------------------
    # ``dtype``/``out`` are accepted only so that np.sum(tensor), np.mean(tensor), np.max(tensor),
    # which call these methods, keep working (and stay differentiable).
    def sum(self, axis=None, keepdims=False, dtype=None, out=None, **unused):
        _no_numpy_extras(dtype, out, "sum")
        return _ops.sum(self, axis=axis, keepdims=keepdims)

    def mean(self, axis=None, keepdims=False, dtype=None, out=None, **unused):
        _no_numpy_extras(dtype, out, "mean")
        return _ops.mean(self, axis=axis, keepdims=keepdims)

    def max(self, axis=None, keepdims=False, out=None, **unused):
        _no_numpy_extras(None, out, "max")
        return _ops.max(self, axis=axis, keepdims=keepdims)

    def reshape(self, *shape):
        if len(shape) == 1 and not isinstance(shape[0], numbers.Integral):
            shape = shape[0]
        return _ops.reshape(self, shape)

    def transpose(self, *axes):
        if len(axes) == 1 and (axes[0] is None or not isinstance(axes[0], numbers.Integral)):
            axes = axes[0]
        return _ops.transpose(self, axes or None)


class Variable(Tensor):
    """A trainable tensor whose value can be replaced (``assign``), like ``tf.Variable``.

    A trainable Variable used by an operation inside a ``GradientTape`` context is watched by that
    tape automatically (unless the tape was made with ``watch_accessed_variables=False``).
    The initial value is copied. ``assign*`` rebind the value to a new array, so tensors computed
    earlier keep the value they were computed from; call ``tape.gradient`` before ``assign``,
    as in any training step.
    """

    __slots__ = ("trainable", "name")
    _is_variable = True

    def __init__(self, initial_value, trainable=True, name=None, dtype=None):
        if not isinstance(trainable, bool):
            raise TypeError(f"trainable must be a bool; got trainable={trainable!r}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"name must be a string or None; got name={name!r}")
        self.data = np.array(_to_array(initial_value, "initial_value", dtype))
        self.trainable = trainable
        self.name = name

    def assign(self, value):
        """Set the value to ``value`` (same shape); returns the variable."""
        new = np.array(_to_array(value, "value", self.data.dtype))
        if new.shape != self.data.shape:
            raise ValueError(f"value must have the variable's shape {self.data.shape}; got shape {new.shape}")
        self.data = new
        return self

    def assign_add(self, delta):
        """``self ← self + delta``; returns the variable."""
        return self.assign(self.data + _to_array(delta, "delta", self.data.dtype))

    def assign_sub(self, delta):
        """``self ← self − delta`` (one gradient-descent step is ``w.assign_sub(lr * g)``)."""
        return self.assign(self.data - _to_array(delta, "delta", self.data.dtype))

    def __repr__(self):
        body = np.array2string(self.data, separator=", ", prefix="Variable(")
        name = "" if self.name is None else f", name={self.name!r}"
        return f"Variable({body}{name})"


def constant(value, dtype=None):
    """A new :class:`Tensor` holding ``value`` (float64 unless ``value`` is already a float array)."""
    return Tensor(value, dtype=dtype)


def convert_to_tensor(value, dtype=None):
    """``value`` itself if it is a Tensor (or Variable), else ``Tensor(value, dtype)``."""
    if isinstance(value, Tensor):
        if dtype is not None and np.dtype(dtype) != value.dtype:
            raise ValueError(f"value has dtype {value.dtype}; cannot convert it to dtype {np.dtype(dtype)}")
        return value
    return Tensor(value, dtype=dtype)


def as_tensor(value, name, like=None):
    """Internal conversion used by the operations: errors name the argument ``name``.

    A Python number next to a float32 tensor ``like`` becomes float32, so ``2 * x`` keeps x's dtype.
    """
    if isinstance(value, Tensor):
        return value
    if like is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
        return Tensor._wrap(np.asarray(value, dtype=like.data.dtype))
    if isinstance(value, (list, tuple)) and any(isinstance(v, Tensor) for v in value):
        raise TypeError(f"{name} is a list holding Tensors, which would be converted to a constant and not "
                        f"differentiated; build it with stack(...) or concatenate(...) instead")
    return Tensor._wrap(_to_array(value, name, None))


def _to_array(value, name, dtype):
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
        raise TypeError(f"{name} must be array-like of numbers; got {type(value).__name__}") from exc
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be array-like of real numbers; got dtype {array.dtype} "
                        f"from {type(value).__name__}")
    if dtype is not None:
        return array.astype(dtype, copy=False)
    if array.dtype.kind != "f":
        return array.astype(np.float64)
    return array


def _raw(value):
    return value.data if isinstance(value, Tensor) else value


def _no_numpy_extras(dtype, out, method):
    if dtype is not None or out is not None:
        raise TypeError(f"Tensor.{method} does not support dtype= or out=; got dtype={dtype!r}, out={out!r}")


# The operators above call functions defined in ops.py, which itself imports this module.
# Importing it here, after Tensor exists, closes the loop (the package __init__ imports tensor first).
from momentum_lab.autodiff import ops as _ops  # noqa: E402
