"""What every loss does before and after its formula: pick the backend, check the inputs, reduce.

A loss is written once against a namespace ``xp`` of NumPy-named operations:

* plain arrays (or lists, or NumPy scalars) run on :mod:`momentum_lab.losses._numpy_ops`;
* tensors of the from-scratch autodiff engine run on :mod:`momentum_lab.autodiff`, so the tape records
  the loss and gradients (and Hessians, by nesting tapes) come for free.

The autodiff engine is never imported here: a tensor can only exist once its module has been imported,
so looking the module up in ``sys.modules`` is enough and keeps ``momentum_lab.losses`` free of import
cycles.
"""

import sys

import numpy as np

from momentum_lab._validate import as_float_array, normalize_axes, real_number
from momentum_lab.losses import _numpy_ops

#: The ``reduction`` values every loss accepts.
REDUCTIONS = ("mean", "sum", "none")

#: Probabilities are clipped to [EPSILON, 1 − EPSILON] before a logarithm (the value Keras uses).
EPSILON = 1e-7

_AUTODIFF = "momentum_lab.autodiff"


def is_tensor(value):
    """True if ``value`` is a tensor of ``momentum_lab.autodiff`` (without importing it)."""
    module = sys.modules.get(_AUTODIFF)
    return module is not None and isinstance(value, module.Tensor)


def namespace(*values):
    """The backend for these inputs: ``momentum_lab.autodiff`` if any is a tensor, else the NumPy shim."""
    if any(is_tensor(value) for value in values):
        return sys.modules[_AUTODIFF]
    return _numpy_ops


def values_of(value, name):
    """The numbers held by ``value`` (an array-like or a tensor) as a float64 array, checked finite."""
    if is_tensor(value):
        value = value.numpy()
    return as_float_array(value, name)


def operand(xp, value, array):
    """What the formula computes with: a tensor stays a tensor (so the tape sees it); else a constant."""
    return value if is_tensor(value) else xp.constant(array)


def check_reduction(reduction):
    if not isinstance(reduction, str) or reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}; got reduction={reduction!r}")
    return reduction


def reduce(xp, values, reduction):
    """Apply ``reduction`` to the unreduced losses ``values`` ("none" returns them as they are)."""
    if reduction == "mean":
        return xp.mean(values)
    if reduction == "sum":
        return xp.sum(values)
    return values


def check_same_shape(true_array, pred_array, true_name="y_true", pred_name="y_pred"):
    if true_array.shape != pred_array.shape:
        raise ValueError(
            f"{true_name} and {pred_name} must have the same shape (no broadcasting); "
            f"got {true_name}.shape={true_array.shape} and {pred_name}.shape={pred_array.shape}"
        )


def first_bad(array, bad):
    """``"[i]=value"`` for the first entry of ``array`` where ``bad`` holds, to finish an error message."""
    if array.ndim == 0:
        return f"={array.item()!r}"
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    shown = index[0] if len(index) == 1 else index
    return f"[{shown}]={array[index].item()!r}"


def check_unit_interval(array, name, what):
    """Raise unless every entry of ``array`` lies in [0, 1]; ``what`` names them (e.g. "probabilities")."""
    bad = (array < 0) | (array > 1)
    if np.any(bad):
        raise ValueError(f"{name} must hold {what}; got {name}{first_bad(array, bad)}")


def signed_labels(array, name="y_true"):
    """Labels in {−1, 1} as they are, or labels in {0, 1} mapped by 2y − 1; anything else raises.

    The rule: if any label is −1 all must be in {−1, 1}; otherwise all must be in {0, 1}. It agrees with
    Keras (which converts only when every label is 0 or 1) on every input it accepts.
    """
    if np.any(array == -1):
        bad = (array != -1) & (array != 1)
        if np.any(bad):
            raise ValueError(
                f"{name} must hold labels in {{-1, 1}} or in {{0, 1}}, not a mix; "
                f"got {name}{first_bad(array, bad)} next to a label -1"
            )
        return array
    bad = (array != 0) & (array != 1)
    if np.any(bad):
        raise ValueError(f"{name} must hold labels in {{-1, 1}} or in {{0, 1}}; got {name}{first_bad(array, bad)}")
    return 2.0 * array - 1.0


def check_one_hot(array, name="y_true"):
    """Raise unless ``array`` is one-hot along its last axis (entries in {0, 1}, exactly one 1 per row)."""
    if array.ndim == 0:
        raise ValueError(f"{name} must be one-hot with a class axis last; got a scalar {name}={array.item()!r}")
    bad = (array != 0) & (array != 1)
    if np.any(bad):
        raise ValueError(f"{name} must be one-hot (entries 0 or 1); got {name}{first_bad(array, bad)}")
    counts = array.sum(axis=-1)
    bad = counts != 1
    if np.any(bad):
        raise ValueError(
            f"{name} must be one-hot (exactly one 1 per row of the last axis); "
            f"got a row summing to {counts[np.nonzero(bad)][0].item():g}"
        )


def check_distribution(array, name, *, atol=1e-6):
    """Raise unless ``array`` holds probability vectors along its last axis (in [0, 1], summing to 1)."""
    if array.ndim == 0:
        raise ValueError(f"{name} must have a class axis last; got a scalar {name}={array.item()!r}")
    check_unit_interval(array, name, "probabilities in [0, 1]")
    sums = array.sum(axis=-1)
    bad = np.abs(sums - 1.0) > atol
    if np.any(bad):
        raise ValueError(
            f"{name} must sum to 1 along the last axis (within {atol:g}); got a row summing to "
            f"{sums[np.nonzero(bad)][0].item()!r}"
        )


def check_label_smoothing(label_smoothing):
    value = real_number(label_smoothing, "label_smoothing")
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1]; got label_smoothing={value!r}")
    return value


def check_flag(value, name):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {name}={value!r} ({type(value).__name__})")
    return bool(value)


def prepare_pair(y_true, y_pred, reduction):
    """Check ``reduction`` and two same-shaped finite inputs; return ``xp`` and both operands."""
    check_reduction(reduction)
    xp = namespace(y_true, y_pred)
    true_array = values_of(y_true, "y_true")
    pred_array = values_of(y_pred, "y_pred")
    check_same_shape(true_array, pred_array)
    return xp, operand(xp, y_true, true_array), operand(xp, y_pred, pred_array), true_array, pred_array


def class_indices(y_true, num_classes):
    """``y_true`` as int64 class indices, checked to be integers in [0, num_classes)."""
    labels = values_of(y_true, "y_true")
    bad = labels != np.round(labels)
    if np.any(bad):
        raise ValueError(f"y_true must hold integer class indices; got y_true{first_bad(labels, bad)}")
    bad = (labels < 0) | (labels >= num_classes)
    if np.any(bad):
        raise ValueError(
            f"y_true must hold class indices in [0, {num_classes - 1}] (y_pred has {num_classes} classes); "
            f"got y_true{first_bad(labels, bad)}"
        )
    return labels.astype(np.int64)
