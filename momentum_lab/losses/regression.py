"""Regression losses: squared, absolute, Huber and log-cosh error.

Conventions shared by the four functions:

* ``y_true`` (targets) and ``y_pred`` (predictions) are real arrays of the same shape; nothing is
  broadcast. The error is ``e = y_pred − y_true``.
* The losses are elementwise, so ``reduction="none"`` returns one loss per element, with the shape of
  the inputs (Keras instead first averages over the last axis; the means agree, the sums differ by the
  length of that axis). ``"mean"`` averages over every element (Keras' default and torch's ``"mean"``),
  ``"sum"`` adds them up (torch's ``"sum"``).
* Arrays give NumPy results; tensors of ``momentum_lab.autodiff`` give tensors on the tape.

Each loss is a formula ``*_values(xp, y_true, y_pred, ...)`` returning the per-element losses over an
ops namespace ``xp`` (see :mod:`momentum_lab.losses._ops`), and a NumPy function that checks the
inputs, evaluates the formula and reduces. The Keras classes and torch modules call the same formulas.
"""

from __future__ import annotations

import math

from momentum_lab._validate import positive
from momentum_lab.losses import _ops as ops
from momentum_lab.losses._ops import LossInput, LossValue
from momentum_lab.losses._validate import checked_pair

__all__ = ["mean_squared_error", "mean_absolute_error", "huber", "log_cosh"]

_LOG2 = math.log(2.0)


def squared_error_values(xp, y_true, y_pred):
    """Per element ``(y_pred − y_true)²``."""
    return xp.square(y_pred - y_true)


def absolute_error_values(xp, y_true, y_pred):
    """Per element ``|y_pred − y_true|``."""
    return xp.abs(y_pred - y_true)


def huber_values(xp, y_true, y_pred, delta=1.0):
    """Per element ``½e²`` if ``|e| ≤ delta`` else ``delta·|e| − ½delta²``, with ``e = y_pred − y_true``."""
    error = y_pred - y_true
    abs_error = xp.abs(error)
    return xp.where(abs_error <= delta, 0.5 * xp.square(error), delta * abs_error - 0.5 * delta**2)


def log_cosh_values(xp, y_true, y_pred):
    """Per element ``log cosh e = e + softplus(−2e) − log 2``, with ``e = y_pred − y_true``."""
    error = y_pred - y_true
    return error + xp.softplus(-2.0 * error) - _LOG2


def _elementwise(formula, y_true, y_pred, reduction, *params):
    pair = checked_pair(y_true, y_pred, reduction)
    return ops.reduce(formula(ops, pair.y_true, pair.y_pred, *params), reduction, pair.keep_tensor)


def mean_squared_error(y_true: LossInput, y_pred: LossInput, *, reduction: str = "mean") -> LossValue:
    """Mean squared error.

    Formula:
        ``loss_i = (y_pred_i − y_true_i)²``, then ``reduction`` over every element.

    Args:
        y_true: targets, real array-like.
        y_pred: predictions, same shape as ``y_true``.
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for the per-element losses.

    Edge cases:
        NaN or infinite entries and empty inputs raise ValueError; errors beyond about 1e154 overflow to
        ``inf`` when squared (float64), as in the frameworks.

    Returns:
        A scalar, or an array shaped like the inputs for ``reduction="none"``.

    Example:
        >>> float(mean_squared_error([0.0, 1.0], [0.5, 3.0]))  # (0.5² + 2²) / 2
        2.125

    Reference:
        Keras ``keras.losses.mean_squared_error``; PyTorch ``torch.nn.functional.mse_loss``.
    """
    return _elementwise(squared_error_values, y_true, y_pred, reduction)


def mean_absolute_error(y_true: LossInput, y_pred: LossInput, *, reduction: str = "mean") -> LossValue:
    """Mean absolute error.

    Formula:
        ``loss_i = |y_pred_i − y_true_i|`` (its gradient at a zero error is taken as 0, like PyTorch),
        then ``reduction`` over every element.

    Args:
        y_true: targets, real array-like.
        y_pred: predictions, same shape as ``y_true``.
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for the per-element losses.

    Edge cases:
        NaN or infinite entries and empty inputs raise ValueError; any finite error gives a finite loss.

    Returns:
        A scalar, or an array shaped like the inputs for ``reduction="none"``.

    Example:
        >>> float(mean_absolute_error([0.0, 1.0], [0.5, 3.0]))  # (0.5 + 2) / 2
        1.25

    Reference:
        Keras ``keras.losses.mean_absolute_error``; PyTorch ``torch.nn.functional.l1_loss``.
    """
    return _elementwise(absolute_error_values, y_true, y_pred, reduction)


def huber(y_true: LossInput, y_pred: LossInput, delta: float = 1.0, *, reduction: str = "mean") -> LossValue:
    """Huber loss: quadratic for small errors, linear (slope ``delta``) for large ones.

    Formula:
        with ``e = y_pred − y_true``,
        ``loss_i = ½ e²`` if ``|e| ≤ delta`` else ``delta·|e| − ½ delta²``,
        then ``reduction`` over every element. Value and slope are continuous at ``|e| = delta``.

    Args:
        y_true: targets, real array-like.
        y_pred: predictions, same shape as ``y_true``.
        delta: the switch point, > 0 (default 1.0).
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for the per-element losses.

    Edge cases:
        NaN or infinite entries and empty inputs raise ValueError; large errors are on the linear branch,
        so errors up to about 1e308/delta stay finite.

    Returns:
        A scalar, or an array shaped like the inputs for ``reduction="none"``.

    Example:
        >>> float(huber([0.0, 0.0], [0.5, 3.0]))  # (½·0.5² + (1·3 − ½)) / 2 = (0.125 + 2.5) / 2
        1.3125

    Reference:
        Huber, "Robust estimation of a location parameter", Ann. Math. Statist. 1964. Keras
        ``keras.losses.huber``; PyTorch ``torch.nn.functional.huber_loss`` (not ``smooth_l1_loss``,
        which divides by ``beta``).
    """
    return _elementwise(huber_values, y_true, y_pred, reduction, positive(delta, "delta"))


def log_cosh(y_true: LossInput, y_pred: LossInput, *, reduction: str = "mean") -> LossValue:
    """Log-cosh error: about ½e² for small errors and ``|e| − log 2`` for large ones.

    Formula:
        with ``e = y_pred − y_true``, ``loss_i = log cosh(e)``, computed in the overflow-free form
        ``e + softplus(−2e) − log 2`` (``softplus(x) = max(x, 0) + log1p(e^{−|x|})``), then
        ``reduction`` over every element.

    Args:
        y_true: targets, real array-like.
        y_pred: predictions, same shape as ``y_true``.
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for the per-element losses.

    Edge cases:
        NaN or infinite entries and empty inputs raise ValueError; errors of any finite size give finite
        values (no ``cosh`` is formed).

    Returns:
        A scalar, or an array shaped like the inputs for ``reduction="none"``.

    Example:
        >>> round(float(log_cosh([0.0], [1.0])), 6)  # log((e + 1/e) / 2)
        0.433781
        >>> float(log_cosh([0.0], [1000.0]))  # 1000 − log 2; cosh(1000) itself overflows
        999.3068528194401

    Reference:
        Keras ``keras.losses.log_cosh`` (PyTorch has no built-in).
    """
    return _elementwise(log_cosh_values, y_true, y_pred, reduction)
