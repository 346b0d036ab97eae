"""Margin losses: binary hinge, squared hinge, and two multi-class hinges.

Conventions:

* ``y_pred`` holds raw scores (any finite reals), not probabilities.
* Binary labels are ``{−1, 1}``, or ``{0, 1}`` mapped by ``2y − 1``; any other value, or a mix such as
  ``{−1, 0, 1}``, raises (Keras silently leaves mixed labels unconverted).
* Multi-class labels are one-hot along the last axis (at least 2 classes).
* ``reduction="none"`` returns per-element losses for the binary hinges (Keras averages over the last
  axis first) and per-sample losses for the multi-class ones.
"""

import numpy as np

from momentum_lab._validate import positive
from momentum_lab.losses._backend import check_one_hot, prepare_pair, reduce, signed_labels

__all__ = ["hinge", "squared_hinge", "categorical_hinge", "weston_watkins_hinge"]


def _margins(y_true, y_pred, reduction):
    xp, _, scores, true_values, _ = prepare_pair(y_true, y_pred, reduction)
    labels = xp.constant(signed_labels(true_values))
    return xp, labels * scores


def hinge(y_true, y_pred, *, reduction="mean"):
    """Hinge loss of binary scores, the loss of the soft-margin SVM.

    Formula:
        ``y`` = labels in {−1, 1} (``2·y_true − 1`` for {0, 1} labels), ``loss_i = max(0, 1 − y_i·y_pred_i)``,
        then ``reduction`` over every element.

    Args:
        y_true: labels in {−1, 1} or in {0, 1}.
        y_pred: scores, same shape as ``y_true``.
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for the per-element losses.

    Returns:
        A scalar, or an array shaped like the inputs for ``reduction="none"``.

    Example:
        >>> float(hinge([1, -1, 1], [2.0, 0.5, -1.0]))  # (max(0, −1) + max(0, 1.5) + max(0, 2)) / 3
        1.1666666666666667

    Reference:
        Cortes and Vapnik, "Support-vector networks", Machine Learning 1995. Keras ``keras.losses.hinge``.
    """
    xp, margins = _margins(y_true, y_pred, reduction)
    return reduce(xp, xp.relu(1.0 - margins), reduction)


def squared_hinge(y_true, y_pred, *, reduction="mean"):
    """Squared hinge loss: the hinge squared, differentiable at the margin.

    Formula:
        ``loss_i = max(0, 1 − y_i·y_pred_i)²`` with labels as in :func:`hinge`, then ``reduction`` over
        every element.

    Args:
        y_true: labels in {−1, 1} or in {0, 1}.
        y_pred: scores, same shape as ``y_true``.
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for the per-element losses.

    Returns:
        A scalar, or an array shaped like the inputs for ``reduction="none"``.

    Example:
        >>> float(squared_hinge([1, 0], [0.5, 0.5]))  # labels become [1, −1]: (0.5² + 1.5²) / 2
        1.25

    Reference:
        Keras ``keras.losses.squared_hinge``.
    """
    xp, margins = _margins(y_true, y_pred, reduction)
    return reduce(xp, xp.square(xp.relu(1.0 - margins)), reduction)


def _multiclass(y_true, y_pred, reduction):
    xp, _, scores, true_values, pred_values = prepare_pair(y_true, y_pred, reduction)
    if pred_values.ndim == 0 or pred_values.shape[-1] < 2:
        raise ValueError(
            f"y_pred must have at least 2 classes on its last axis; got y_pred.shape={pred_values.shape}"
        )
    check_one_hot(true_values)
    is_true = true_values == 1
    true_score = xp.sum(xp.constant(true_values) * scores, axis=-1, keepdims=True)
    return xp, scores, is_true, true_score


def categorical_hinge(y_true, y_pred, margin=1.0, *, reduction="mean"):
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

    Returns:
        A scalar, or an array of shape ``y_pred.shape[:-1]`` for ``reduction="none"``.

    Example:
        >>> float(categorical_hinge([[0, 1, 0]], [[0.5, 1.0, 0.2]]))  # max(0, 1 + 0.5 − 1.0)
        0.5

    Reference:
        Crammer and Singer, "On the algorithmic implementation of multiclass kernel-based vector
        machines", JMLR 2001.
    """
    margin = positive(margin, "margin")
    xp, scores, is_true, true_score = _multiclass(y_true, y_pred, reduction)
    wrong_scores = xp.where(is_true, xp.constant(np.full(is_true.shape, -np.inf)), scores)
    best_wrong = xp.max(wrong_scores, axis=-1, keepdims=True)
    losses = xp.relu(margin + best_wrong - true_score)
    return reduce(xp, xp.sum(losses, axis=-1), reduction)


def weston_watkins_hinge(y_true, y_pred, margin=1.0, *, reduction="mean"):
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

    Returns:
        A scalar, or an array of shape ``y_pred.shape[:-1]`` for ``reduction="none"``.

    Example:
        >>> float(weston_watkins_hinge([[0, 1, 0]], [[0.5, 1.0, 0.2]]))  # (1 + 0.5 − 1) + (1 + 0.2 − 1)
        0.7

    Reference:
        Weston and Watkins, "Support vector machines for multi-class pattern recognition", ESANN 1999.
    """
    margin = positive(margin, "margin")
    xp, scores, is_true, true_score = _multiclass(y_true, y_pred, reduction)
    wrong = xp.constant((~is_true).astype(np.float64))
    losses = wrong * xp.relu(margin + scores - true_score)
    return reduce(xp, xp.sum(losses, axis=-1), reduction)
