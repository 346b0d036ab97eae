"""Argument checks shared by the library. Messages name the argument, the constraint and the value.

One helper per kind of argument: numbers (``real_number``, ``positive``, ``non_negative``,
``in_unit_interval``, ``positive_int``), arrays (``as_float_array``), flags (``flag``) and axes
(``normalize_axes``). Every module that checks such an argument calls these.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt


#: dtype kinds an array of numbers may have: signed and unsigned integers and real floats. Booleans
#: ("b"), complex numbers ("c"), objects ("O"), strings ("U", "S"), datetimes and raw bytes are refused.
REAL_KINDS = frozenset("iuf")

_KIND_ADVICE = {
    "b": "booleans; convert a mask with .astype(float)",
    "c": "complex numbers; the course's functions are defined on real numbers (take .real or abs() first)",
    "O": "Python objects; pass numbers",
    "U": "strings; pass numbers",
    "S": "bytes; pass numbers",
}


def check_real_dtype(dtype: npt.DTypeLike, name: str) -> None:
    """Raise TypeError naming ``name`` unless ``dtype`` holds real numbers (integers or floats)."""
    dtype = np.dtype(dtype)
    if dtype.kind not in REAL_KINDS:
        advice = _KIND_ADVICE.get(dtype.kind, "values that are not real numbers")
        raise TypeError(f"{name} must hold real numbers (integers or floats); got dtype {dtype} ({advice})")


def as_real_array(value: object, name: str) -> np.ndarray:
    """``value`` as a NumPy array of real numbers with its own dtype (no copy when it already is one).

    Raises TypeError naming ``name`` for None, strings and arrays of booleans, complex numbers, objects
    or strings. NumPy would otherwise cut complex numbers to their real part with only a warning.
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be array-like of numbers; got {name}={value!r}")
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be array-like of numbers; got {type(value).__name__}") from exc
    check_real_dtype(array.dtype, name)
    return array


def as_float_array(
    value: object, name: str, *, ndim: int | None = None, allow_empty: bool = False, keep_float32: bool = False
) -> np.ndarray:
    """Return ``value`` as a float64 array, or raise TypeError/ValueError naming ``name``.

    Only real numbers are accepted (see ``as_real_array``); NaN and infinities are refused with a
    ValueError, and so is an empty array unless ``allow_empty``. With ``keep_float32`` a float32 array
    stays float32 (no copy); everything else (integers, float16, float64) becomes float64.
    """
    array = as_real_array(value, name)
    dtype = np.float32 if keep_float32 and array.dtype == np.float32 else np.float64
    array = array.astype(dtype, copy=False)
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s); got shape {array.shape}")
    if not allow_empty and array.size == 0:
        raise ValueError(f"{name} must not be empty; got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must contain only finite numbers; got {_summary(array)}")
    return array


def _summary(array: np.ndarray) -> str:
    """What a non-finite array holds, short enough for an error message."""
    bad = ~np.isfinite(array)
    where = tuple(int(i) for i in np.argwhere(bad)[0]) if array.ndim else ()
    first = f"{array[where]!r} at index {where}" if array.ndim else repr(float(array))
    return f"{int(bad.sum())} non-finite value(s) in shape {array.shape}, the first {first}"


def check_callable(value: object, name: str, expected: str) -> None:
    """Raise TypeError naming ``name`` unless ``value`` is callable; ``expected`` describes the call."""
    if not callable(value):
        raise TypeError(f"{name} must be callable ({expected}); got {type(value).__name__}")


def one_of(value: object, name: str, choices: Sequence[str]) -> str:
    """Return ``value`` if it is one of the strings ``choices``, else raise TypeError/ValueError naming ``name``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {list(choices)}; got {name}={value!r} ({type(value).__name__})")
    if value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}; got {name}={value!r}")
    return value


def real_number(value: object, name: str) -> float:
    """Return ``value`` as a Python float, or raise TypeError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {name}={value!r} ({type(value).__name__})")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {name}={value!r}")
    return value


def positive(value: object, name: str) -> float:
    """Return ``value`` as a float > 0, or raise TypeError/ValueError naming ``name``."""
    value = real_number(value, name)
    if value <= 0:
        raise ValueError(f"{name} must be > 0; got {name}={value!r}")
    return value


def non_negative(value: object, name: str) -> float:
    """Return ``value`` as a float >= 0, or raise TypeError/ValueError naming ``name``."""
    value = real_number(value, name)
    if value < 0:
        raise ValueError(f"{name} must be >= 0; got {name}={value!r}")
    return value


def in_unit_interval(value: object, name: str, *, closed_right: bool = False) -> float:
    """Check ``0 <= value < 1`` (or ``<= 1`` with ``closed_right``)."""
    value = real_number(value, name)
    upper_ok = value <= 1 if closed_right else value < 1
    if value < 0 or not upper_ok:
        bracket = "]" if closed_right else ")"
        raise ValueError(f"{name} must be in [0, 1{bracket}; got {name}={value!r}")
    return value


def positive_int(value: object, name: str, *, minimum: int = 1) -> int:
    """Return ``value`` as an int >= ``minimum`` (NumPy integers count; bools do not), else raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {name}={value!r} ({type(value).__name__})")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {name}={value!r}")
    return int(value)


def flag(value: object, name: str) -> bool:
    """Return ``value`` as a Python bool, or raise TypeError unless it is True or False (NumPy bools count).

    ``1``, ``"yes"`` and ``None`` are refused, so a misplaced positional argument does not pass as a flag.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {name}={value!r} ({type(value).__name__})")
    return bool(value)


def normalize_axes(axis: int | Sequence[int] | None, ndim: int, name: str = "axis") -> tuple[int, ...]:
    """``axis`` (None, an int or a tuple of ints, negatives allowed) as a sorted tuple of axes in [0, ndim)."""
    if axis is None:
        return tuple(range(ndim))
    if axis.__class__ is int and -ndim <= axis < ndim:  # fast path for the usual single axis
        return (axis % ndim,)
    try:
        axes: tuple[object, ...] = (axis,) if isinstance(axis, numbers.Integral) else tuple(axis)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"{name} must be None, an int or a tuple of ints; got {name}={axis!r}") from None
    out: list[int] = []
    for a in axes:
        if isinstance(a, bool) or not isinstance(a, numbers.Integral):
            raise TypeError(f"{name} must be None, an int or a tuple of ints; got {name}={axis!r}")
        index = int(a)
        if not -ndim <= index < ndim:
            raise ValueError(f"{name} must be in [-{ndim}, {ndim}) for {ndim}-d inputs; got {name}={axis!r}")
        out.append(index % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{name} must not repeat an axis; got {name}={axis!r}")
    return tuple(sorted(out))
