"""Focal losses: binary and categorical focal cross-entropy (Lin et al. 2017).

Chapter 13. The focal loss multiplies each cross-entropy term by ``(1 − p_t)^γ``, where ``p_t`` is the
probability the model gives the true class: a well-classified example (p_t near 1) costs almost nothing,
so the rare, hard examples dominate the sum. γ = 0 gives back the cross-entropy.

Conventions, as Keras' ``BinaryFocalCrossentropy`` and ``CategoricalFocalCrossentropy`` (Keras 3):

* ``(y_true, y_pred)``; the class axis of the categorical loss is the last one.
* Probabilities are clipped to ``[1e-7, 1 − 1e-7]`` in the logarithm; the binary focal factor uses the
  unclipped p (as Keras does), the categorical one the clipped q (as Keras does).
* From logits, the logarithms and the factor are computed without ever forming σ(x) or softmax(x)
  explicitly: ``log σ(x) = −softplus(−x)``, ``1 − σ(x) = e^{−softplus(x)}``, ``log q = x − logsumexp(x)``.
  Keras instead applies sigmoid/softmax first, so at saturated logits (a probability below 1e-7) Keras'
  categorical loss is clipped where this one keeps growing; the test pins that difference.
* ``label_smoothing = s`` smooths the targets to ``y(1 − s) + s/2`` (binary) and ``y(1 − s) + s/C``.
* ``reduction="none"``: per element for the binary loss, per sample for the categorical one.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from momentum_lab._validate import flag, non_negative
from momentum_lab.losses import _ops as ops
from momentum_lab.losses._ops import EPSILON, LossInput, LossValue
from momentum_lab.losses._validate import (
    check_balancing_alpha,
    check_class_weight_number,
    check_class_weights,
    check_distribution,
    check_label_smoothing,
    check_unit_interval,
    checked_pair,
    values_of,
)
from momentum_lab.losses.probabilistic import binary_crossentropy_values

__all__ = ["binary_focal_crossentropy", "categorical_focal_crossentropy"]


def focal_factor(xp, q, gamma):
    """``q^γ`` for ``q = 1 − p_t >= 0``; exactly 1 for γ = 0 (also at q = 0, where 0⁰ is taken as 1)."""
    return 1.0 if gamma == 0 else q**gamma


def binary_focal_crossentropy_values(
    xp, y, x, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0
):
    """Per element ``w · (1 − p_t)^γ · BCE``, ``1 − p_t = y(1 − p) + (1 − y)p``, ``w = αy + (1 − α)(1 − y)``
    when ``apply_class_balancing`` else 1; targets smoothed to ``y(1 − s) + s/2`` first."""
    if label_smoothing:
        y = y * (1.0 - label_smoothing) + 0.5 * label_smoothing
    bce = binary_crossentropy_values(xp, y, x, from_logits)
    if from_logits:
        p, one_minus_p = xp.exp(-xp.softplus(-x)), xp.exp(-xp.softplus(x))
    else:
        p, one_minus_p = x, 1.0 - x
    losses = focal_factor(xp, y * one_minus_p + (1.0 - y) * p, gamma) * bce
    if apply_class_balancing:
        losses = (alpha * y + (1.0 - alpha) * (1.0 - y)) * losses
    return losses


def categorical_focal_crossentropy_values(
    xp, y, x, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1
):
    """Per sample ``−Σ_j α_j (1 − q_j)^γ y_j log q_j`` along ``axis``; ``q`` = softmax of logits or the
    probabilities clipped to ``[1e-7, 1 − 1e-7]``; targets smoothed to ``y(1 − s) + s/C`` first."""
    if label_smoothing:
        y = y * (1.0 - label_smoothing) + label_smoothing / x.shape[axis]
    if from_logits:
        log_q = x - xp.logsumexp(x, axis=axis, keepdims=True)
        q = xp.exp(log_q)
    else:
        q = xp.clip(x, EPSILON, 1.0 - EPSILON)
        log_q = xp.log(q)
    return -xp.sum(alpha * focal_factor(xp, 1.0 - q, gamma) * y * log_q, axis=axis)


def check_class_alpha(alpha, num_classes):
    """``alpha`` of the categorical loss: a number > 0, or one weight >= 0 per class, not all 0; returned as a
    float or a float64 array of shape ``(num_classes,)``. A zero ``alpha`` would make every loss 0."""
    if np.ndim(alpha) == 0 and not ops.is_tensor(alpha):
        return check_class_weight_number(alpha, "alpha")
    values = values_of(alpha, "alpha")
    if values.shape != (num_classes,):
        raise ValueError(
            f"alpha must be a number or one weight per class, shape ({num_classes},); got alpha.shape={values.shape}"
        )
    return check_class_weights(values, "alpha")


def binary_focal_crossentropy(
    y_true: LossInput,
    y_pred: LossInput,
    *,
    apply_class_balancing: bool = False,
    alpha: float = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    reduction: str = "mean",
) -> LossValue:
    """Binary focal cross-entropy: binary cross-entropy scaled down on the examples already classified well.

    Formula:
        targets after smoothing ``y = y_true(1 − s) + s/2``; ``p = σ(x)`` for logits, else ``y_pred``;
        ``1 − p_t = y(1 − p) + (1 − y)p``;
        ``loss_i = w_i (1 − p_t)^γ · BCE_i``, with ``BCE`` as in :func:`binary_crossentropy` (clipped
        probabilities, or ``y·softplus(−x) + (1 − y)·softplus(x)`` for logits) and ``w = αy + (1 − α)(1 − y)`` if
        ``apply_class_balancing`` else 1; then ``reduction`` over every element.

    Args:
        y_true: targets in [0, 1].
        y_pred: probabilities in [0, 1], or logits if ``from_logits``; same shape as ``y_true``.
        apply_class_balancing: weigh positives by α and negatives by 1 − α (default False, as Keras).
        alpha: in [0, 1] (default 0.25, Lin et al.'s value with γ = 2); used only with class balancing.
        gamma: the focusing parameter γ >= 0 (default 2); γ = 0 is the binary cross-entropy.
        from_logits: whether ``y_pred`` holds logits (default False).
        label_smoothing: ``s`` in [0, 1] (default 0).
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for the per-element losses.

    Edge cases:
        NaN or infinite entries and empty inputs raise ValueError; logits of any finite size give finite
        values (the factor comes from ``e^{−softplus(±x)}``), probabilities 0 and 1 are clipped in the log.

    Returns:
        A scalar, or an array shaped like the inputs for ``reduction="none"``.

    Example:
        >>> round(float(binary_focal_crossentropy([1.0], [0.9], gamma=2.0)), 6)  # 0.1² · (−log 0.9)
        0.001054

    Reference:
        Lin, Goyal, Girshick, He and Dollár, "Focal loss for dense object detection", ICCV 2017. Keras
        ``keras.losses.BinaryFocalCrossentropy`` (same arguments; it averages over the last axis first).
        PyTorch has none in its core (torchvision has ``sigmoid_focal_loss``).
    """
    apply_class_balancing = flag(apply_class_balancing, "apply_class_balancing")
    alpha = check_balancing_alpha(alpha)
    gamma = non_negative(gamma, "gamma")
    from_logits = flag(from_logits, "from_logits")
    s = check_label_smoothing(label_smoothing)
    pair = checked_pair(y_true, y_pred, reduction)
    check_unit_interval(pair.true_values, "y_true", "targets in [0, 1]")
    if not from_logits:
        check_unit_interval(pair.pred_values, "y_pred", "probabilities in [0, 1] (from_logits=False)")
    losses = binary_focal_crossentropy_values(
        ops, pair.y_true, pair.y_pred, apply_class_balancing, alpha, gamma, from_logits, s
    )
    return ops.reduce(losses, reduction, pair.keep_tensor)


def categorical_focal_crossentropy(
    y_true: LossInput,
    y_pred: LossInput,
    *,
    alpha: float | ArrayLike = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    reduction: str = "mean",
) -> LossValue:
    """Categorical focal cross-entropy: categorical cross-entropy with each class term scaled by
    ``α_j (1 − q_j)^γ``.

    Formula:
        class axis last, C classes, targets after smoothing ``y = y_true(1 − s) + s/C``;
        ``log q = x − logsumexp(x)`` for logits, else ``q = clip(y_pred, 1e-7, 1 − 1e-7)``;
        ``loss = −Σ_j α_j (1 − q_j)^γ y_j log q_j``; then ``reduction`` over the samples.

    Args:
        y_true: target distributions (one-hot rows usually), shape ``(..., C)``.
        y_pred: probabilities in [0, 1] or logits, same shape. The probabilities are used as given (Keras
            first divides them by their sum; the two agree when the rows sum to 1).
        alpha: a weight > 0 for every class (default 0.25, as Keras, which always applies it), or one
            weight >= 0 per class, shape ``(C,)``, not all 0 (a zero weight everywhere makes every loss 0).
        gamma: γ >= 0 (default 2).
        from_logits: whether ``y_pred`` holds logits (default False).
        label_smoothing: ``s`` in [0, 1] (default 0).
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for the per-sample losses.

    Edge cases:
        NaN or infinite entries and empty inputs raise ValueError; logits of any finite size give finite
        values (``x − logsumexp(x)``), probabilities 0 and 1 are clipped.

    Returns:
        A scalar, or an array of shape ``y_pred.shape[:-1]`` for ``reduction="none"``.

    Example:
        >>> round(float(categorical_focal_crossentropy([[0, 1, 0]], [[0.2, 0.7, 0.1]])), 6)  # ¼·0.3²·(−log 0.7)
        0.008025

    Reference:
        Lin et al. 2017; Keras ``keras.losses.CategoricalFocalCrossentropy`` (which also rescales the
        probabilities to sum to 1, and clips softmax outputs). PyTorch has no built-in.
    """
    gamma = non_negative(gamma, "gamma")
    from_logits = flag(from_logits, "from_logits")
    s = check_label_smoothing(label_smoothing)
    pair = checked_pair(y_true, y_pred, reduction)
    if pair.pred_values.ndim == 0:
        raise ValueError(f"y_pred must have a class axis last; got a scalar y_pred={pair.pred_values.item()!r}")
    alpha = check_class_alpha(alpha, pair.pred_values.shape[-1])
    check_distribution(pair.true_values, "y_true")
    if not from_logits:
        check_unit_interval(pair.pred_values, "y_pred", "probabilities in [0, 1] (from_logits=False)")
    losses = categorical_focal_crossentropy_values(ops, pair.y_true, pair.y_pred, alpha, gamma, from_logits, s)
    return ops.reduce(losses, reduction, pair.keep_tensor)
