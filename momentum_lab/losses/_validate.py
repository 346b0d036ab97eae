"""Input checks of the NumPy losses, run on the inputs' values before the formula (chapters 6–9).

Each check raises ValueError/TypeError naming the argument, the constraint and the first offending
entry. The torch modules run the same checks in eager mode (they are skipped while ``torch.compile``
traces, so no check breaks the graph); the Keras classes run inside traced graphs and check only shapes
and dtypes. The checks of arguments (``check_tversky_weights``, ``check_class_weights``, ``check_axis_argument``,
...) are shared by the three forms.
"""

import numbers
from typing import NamedTuple

import numpy as np

from momentum_lab._validate import as_float_array, in_unit_interval, non_negative, real_number
from momentum_lab.losses._ops import REDUCTIONS, is_tensor


def values_of(value, name):
    """The numbers held by ``value`` (an array-like or a tensor) as a float64 array, checked finite."""
    if is_tensor(value):
        value = value.numpy()
    return as_float_array(value, name)


def check_reduction(reduction, allowed=REDUCTIONS):
    if not isinstance(reduction, str) or reduction not in allowed:
        raise ValueError(f"reduction must be one of {allowed}; got reduction={reduction!r}")
    return reduction


def check_same_shape(true_shape, pred_shape, true_name="y_true", pred_name="y_pred"):
    """Raise unless the two shapes are equal (nothing is broadcast); a dimension still unknown while Keras
    traces (None) matches any."""
    true_shape, pred_shape = tuple(true_shape), tuple(pred_shape)
    same = len(true_shape) == len(pred_shape) and all(
        a is None or b is None or a == b for a, b in zip(true_shape, pred_shape)
    )
    if not same:
        raise ValueError(
            f"{true_name} and {pred_name} must have the same shape (no broadcasting); "
            f"got {true_name}.shape={true_shape} and {pred_name}.shape={pred_shape}"
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


def check_binary_labels(array, name="y_true"):
    """Raise unless ``array`` holds labels in {−1, 1} or in {0, 1} (not a mix such as {−1, 0, 1}).

    On every input it accepts, the formulas' conversion (``2y − 1`` exactly when every label is 0 or 1,
    Keras' rule) gives labels in {−1, 1}.
    """
    if np.any(array == -1):
        bad = (array != -1) & (array != 1)
        if np.any(bad):
            raise ValueError(
                f"{name} must hold labels in {{-1, 1}} or in {{0, 1}}, not a mix; "
                f"got {name}{first_bad(array, bad)} next to a label -1"
            )
        return
    bad = (array != 0) & (array != 1)
    if np.any(bad):
        raise ValueError(f"{name} must hold labels in {{-1, 1}} or in {{0, 1}}; got {name}{first_bad(array, bad)}")


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


def check_tversky_weights(alpha, beta):
    """``alpha`` and ``beta`` of the Tversky losses: each >= 0, not both 0.

    With α = β = 0 the index is ``(TP + s)/(TP + s) = 1`` whatever the prediction: every prediction, even
    the exact opposite of the mask, would score a loss of 0.
    """
    alpha, beta = non_negative(alpha, "alpha"), non_negative(beta, "beta")
    if alpha == 0 and beta == 0:
        raise ValueError(
            "alpha and beta must not both be 0: the Tversky index would be (TP + s)/(TP + s) = 1 for every "
            f"prediction, so a completely wrong one would score a loss of 0; got alpha={alpha!r}, beta={beta!r}"
        )
    return alpha, beta


def check_balancing_alpha(alpha):
    """``alpha`` of the binary focal loss's class balancing: a weight in [0, 1] (1 − α weighs the negatives)."""
    return in_unit_interval(alpha, "alpha", closed_right=True)


def check_class_weights(values, name, num_classes=None):
    """A vector of per-class weights (each >= 0, not all 0) as a float64 array of shape ``(C,)``.

    All-zero weights would make every loss 0 (and a weighted mean 0/0).
    """
    array = as_float_array(values, name)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a vector of one weight per class; got {name}.shape={array.shape}")
    if num_classes is not None and array.shape != (num_classes,):
        raise ValueError(
            f"{name} must hold one weight per class, shape ({num_classes},); got {name}.shape={array.shape}"
        )
    bad = array < 0
    if np.any(bad):
        raise ValueError(f"{name} must hold weights >= 0; got {name}{first_bad(array, bad)}")
    if not np.any(array > 0):
        raise ValueError(f"{name} must not be all 0 (every loss would be 0); got {name}={array.tolist()!r}")
    return array


def check_class_weight_number(value, name):
    """A single class weight: a real number > 0 (a weight of 0 would make every loss 0)."""
    value = non_negative(value, name)
    if value == 0:
        raise ValueError(f"{name} must be > 0 (a weight of 0 makes every loss 0); got {name}={value!r}")
    return value


def check_cosine_margin(margin):
    """``margin`` of the cosine embedding loss: a cosine, in [−1, 1] (beyond 1 no pair ever pays)."""
    value = real_number(margin, "margin")
    if not -1.0 <= value <= 1.0:
        raise ValueError(f"margin must be in [-1, 1] (a cosine); got margin={value!r}")
    return value


def check_axis_argument(axis, name="axis", *, allow_none=True):
    """``axis`` before the inputs' rank is known: None (if allowed), an int, or a tuple/list of distinct ints.

    Returns it unchanged; the range is checked against the inputs' rank when the loss runs
    (:func:`momentum_lab._validate.normalize_axes`), with a message naming ``axis`` and the rank.
    """
    expected = "None, an int or a tuple of ints" if allow_none else "an int"
    if axis is None:
        if allow_none:
            return axis
        raise TypeError(f"{name} must be {expected}; got {name}=None")
    if isinstance(axis, numbers.Integral) and not isinstance(axis, bool):
        return int(axis)
    if not allow_none or not isinstance(axis, (tuple, list)):
        raise TypeError(f"{name} must be {expected}; got {name}={axis!r} ({type(axis).__name__})")
    if any(isinstance(a, bool) or not isinstance(a, numbers.Integral) for a in axis):
        raise TypeError(f"{name} must be {expected}; got {name}={axis!r}")
    if len(set(axis)) != len(axis):
        raise ValueError(f"{name} must not repeat an axis; got {name}={axis!r}")
    return axis


def check_integer(value, name):
    """An integer (not a bool, not a float with an integer value), returned as an int."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {name}={value!r} ({type(value).__name__})")
    return int(value)


class Pair(NamedTuple):
    """Checked inputs: the operands the formula computes with (tensors stay tensors) and their values."""

    y_true: object
    y_pred: object
    true_values: np.ndarray
    pred_values: np.ndarray
    keep_tensor: bool


def checked_pair(y_true, y_pred, reduction):
    """Check ``reduction`` and two same-shaped finite inputs (no broadcasting)."""
    check_reduction(reduction)
    true_values = values_of(y_true, "y_true")
    pred_values = values_of(y_pred, "y_pred")
    check_same_shape(true_values.shape, pred_values.shape)
    keep = is_tensor(y_true) or is_tensor(y_pred)
    return Pair(
        y_true if is_tensor(y_true) else true_values,
        y_pred if is_tensor(y_pred) else pred_values,
        true_values,
        pred_values,
        keep,
    )


def class_indices(y_true, num_classes, name="y_true", pred_name="y_pred"):
    """``y_true`` as int64 class indices, checked to be integers in [0, num_classes)."""
    labels = values_of(y_true, name)
    bad = labels != np.round(labels)
    if np.any(bad):
        raise ValueError(f"{name} must hold integer class indices; got {name}{first_bad(labels, bad)}")
    bad = (labels < 0) | (labels >= num_classes)
    if np.any(bad):
        raise ValueError(
            f"{name} must hold class indices in [0, {num_classes - 1}] ({pred_name} has {num_classes} classes); "
            f"got {name}{first_bad(labels, bad)}"
        )
    return labels.astype(np.int64)
