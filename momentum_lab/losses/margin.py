"""Margin losses: binary hinge, squared hinge, and two multi-class hinges.

Conventions:

* ``y_pred`` holds raw scores (any finite reals), not probabilities.
* Binary labels are ``{−1, 1}``, or ``{0, 1}`` mapped by ``2y − 1``; any other value, or a mix such as
  ``{−1, 0, 1}``, raises (Keras silently leaves mixed labels unconverted).
* Multi-class labels are one-hot along the last axis (at least 2 classes).
* ``reduction="none"`` returns per-element losses for the binary hinges (Keras averages over the last
  axis first) and per-sample losses for the multi-class ones.
"""

from __future__ import annotations

from momentum_lab._validate import positive
from momentum_lab.losses import _ops as ops
from momentum_lab.losses._ops import LossInput, LossValue
from momentum_lab.losses._validate import check_binary_labels, check_one_hot, checked_pair

__all__ = ["hinge", "squared_hinge", "categorical_hinge", "weston_watkins_hinge"]


def signed_labels(xp, y):
    """Binary labels as {−1, 1}: ``2y − 1`` when every label is 0 or 1, else ``y`` as given (Keras' rule)."""
    return xp.where(xp.all((y == 0) | (y == 1)), 2.0 * y - 1.0, y)


def hinge_values(xp, y_true, y_pred):
    """Per element ``max(0, 1 − y·y_pred)`` with ``y`` = :func:`signed_labels` of ``y_true``."""
    return xp.relu(1.0 - signed_labels(xp, y_true) * y_pred)


def squared_hinge_values(xp, y_true, y_pred):
    """Per element ``max(0, 1 − y·y_pred)²``."""
    return xp.square(hinge_values(xp, y_true, y_pred))


def categorical_hinge_values(xp, y_true, y_pred, margin=1.0, wrong_classes_only=True, axis=-1):
    """Per sample ``max(0, margin + max_j s_j − x_k)``, ``x_k = Σ y·x`` the true class's score.

    ``s = x`` over the wrong classes only (Crammer–Singer, ``wrong_classes_only=True``), or ``s = (1 − y)·x``
    over all classes, where the true class enters as a 0 (Keras' ``categorical_hinge``).
    """
    true_score = xp.sum(y_true * y_pred, axis=axis)
    if wrong_classes_only:
        scores = xp.where(y_true > 0.5, -float("inf"), y_pred)
    else:
        scores = (1.0 - y_true) * y_pred
    return xp.relu(margin + xp.max(scores, axis=axis) - true_score)


def weston_watkins_hinge_values(xp, y_true, y_pred, margin=1.0, axis=-1):
    """Per sample ``Σ_{j≠k} max(0, margin + x_j − x_k)``."""
    true_score = xp.sum(y_true * y_pred, axis=axis, keepdims=True)
    return xp.sum((1.0 - y_true) * xp.relu(margin + y_pred - true_score), axis=axis)


def label_margin_loss(formula, y_true, y_pred, reduction):
    """A NumPy loss of binary labels and scores: check them, evaluate ``formula`` on the scores, reduce."""
    pair = checked_pair(y_true, y_pred, reduction)
    check_binary_labels(pair.true_values)  # labels are data: the tape sees only the scores
    return ops.reduce(formula(ops, pair.true_values, pair.y_pred), reduction, pair.keep_tensor)


def hinge(y_true: LossInput, y_pred: LossInput, *, reduction: str = "mean") -> LossValue:
    """Hinge loss of binary scores, the loss of the soft-margin SVM.

    Formula:
        ``y`` = labels in {−1, 1} (``2·y_true − 1`` for {0, 1} labels), ``loss_i = max(0, 1 − y_i·y_pred_i)``,
        then ``reduction`` over every element.

    Args:
        y_true: labels in {−1, 1} or in {0, 1}.
        y_pred: scores, same shape as ``y_true``.
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for the per-element losses.

    Edge cases:
        NaN or infinite entries and empty inputs raise ValueError; scores of any finite size give finite
        values.

    Returns:
        A scalar, or an array shaped like the inputs for ``reduction="none"``.

    Example:
        >>> float(hinge([1, -1, 1], [2.0, 0.5, -1.0]))  # (max(0, −1) + max(0, 1.5) + max(0, 2)) / 3
        1.1666666666666667

    Reference:
        Cortes and Vapnik, "Support-vector networks", Machine Learning 1995. Keras ``keras.losses.hinge``.
    """
    return label_margin_loss(hinge_values, y_true, y_pred, reduction)


def squared_hinge(y_true: LossInput, y_pred: LossInput, *, reduction: str = "mean") -> LossValue:
    """Squared hinge loss: the hinge squared, differentiable at the margin.

    Formula:
        ``loss_i = max(0, 1 − y_i·y_pred_i)²`` with labels as in :func:`hinge`, then ``reduction`` over
        every element.

    Args:
        y_true: labels in {−1, 1} or in {0, 1}.
        y_pred: scores, same shape as ``y_true``.
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for the per-element losses.

    Edge cases:
        NaN or infinite entries and empty inputs raise ValueError; scores of any finite size give finite
        values (the square overflows to ``inf`` only for margins beyond about −1e154).

    Returns:
        A scalar, or an array shaped like the inputs for ``reduction="none"``.

    Example:
        >>> float(squared_hinge([1, 0], [0.5, 0.5]))  # labels become [1, −1]: (0.5² + 1.5²) / 2
        1.25

    Reference:
        Keras ``keras.losses.squared_hinge``.
    """
    return label_margin_loss(squared_hinge_values, y_true, y_pred, reduction)


def _multiclass(formula, y_true, y_pred, margin, reduction):
    margin = positive(margin, "margin")
    pair = checked_pair(y_true, y_pred, reduction)
    if pair.pred_values.ndim == 0 or pair.pred_values.shape[-1] < 2:
        raise ValueError(
            f"y_pred must have at least 2 classes on its last axis; got y_pred.shape={pair.pred_values.shape}"
        )
    check_one_hot(pair.true_values)
    return ops.reduce(formula(ops, pair.true_values, pair.y_pred, margin), reduction, pair.keep_tensor)


def categorical_hinge(
    y_true: LossInput, y_pred: LossInput, margin: float = 1.0, *, reduction: str = "mean"
) -> LossValue:
    """Crammer–Singer multi-class hinge: the best wrong class must trail the true one by ``margin``.

    Formula:
        class axis last, true class k, ``loss = max(0, margin + max_{j≠k} x_j − x_k)``, then
        ``reduction`` over the samples.

        Keras' ``categorical_hinge`` computes ``max_j((1 − y)·x)_j`` instead of ``max_{j≠k} x_j``: the
        true class enters that maximum as a 0, so the two differ when every wrong-class score is negative.

    Args:
        y_true: one-hot labels, shape ``(..., C)`` with C ≥ 2.
        y_pred: scores, same shape.
        margin: the required gap, > 0 (default 1.0).
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for the per-sample losses.

    Edge cases:
        NaN or infinite entries and empty inputs raise ValueError; scores of any finite size give finite
        values; a row that is not one-hot raises.

    Returns:
        A scalar, or an array of shape ``y_pred.shape[:-1]`` for ``reduction="none"``.

    Example:
        >>> float(categorical_hinge([[0, 1, 0]], [[0.5, 1.0, 0.2]]))  # max(0, 1 + 0.5 − 1.0)
        0.5

    Reference:
        Crammer and Singer, "On the algorithmic implementation of multiclass kernel-based vector
        machines", JMLR 2001.
    """
    return _multiclass(categorical_hinge_values, y_true, y_pred, margin, reduction)


def weston_watkins_hinge(
    y_true: LossInput, y_pred: LossInput, margin: float = 1.0, *, reduction: str = "mean"
) -> LossValue:
    """Weston–Watkins multi-class hinge: every wrong class must trail the true one by ``margin``.

    Formula:
        class axis last, true class k, ``loss = Σ_{j≠k} max(0, margin + x_j − x_k)``, then ``reduction``
        over the samples.

        PyTorch's ``multi_margin_loss(x, k)`` (p = 1) divides each sample's sum by the number of classes C.

    Args:
        y_true: one-hot labels, shape ``(..., C)`` with C ≥ 2.
        y_pred: scores, same shape.
        margin: the required gap, > 0 (default 1.0).
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for the per-sample losses.

    Edge cases:
        NaN or infinite entries and empty inputs raise ValueError; scores of any finite size give finite
        values; a row that is not one-hot raises.

    Returns:
        A scalar, or an array of shape ``y_pred.shape[:-1]`` for ``reduction="none"``.

    Example:
        >>> float(weston_watkins_hinge([[0, 1, 0]], [[0.5, 1.0, 0.2]]))  # (1 + 0.5 − 1) + (1 + 0.2 − 1)
        0.7

    Reference:
        Weston and Watkins, "Support vector machines for multi-class pattern recognition", ESANN 1999.
    """
    return _multiclass(weston_watkins_hinge_values, y_true, y_pred, margin, reduction)
