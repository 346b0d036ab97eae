"""Probabilistic losses: binary and categorical cross-entropy, its sparse form, and KL divergence.

Conventions shared by the functions here:

* Argument order ``(y_true, y_pred)`` as in Keras (PyTorch's functional losses take ``(input, target)``).
* The class axis is the **last** axis (PyTorch's ``cross_entropy`` uses axis 1).
* ``from_logits=False`` (default): ``y_pred`` holds probabilities, checked to lie in [0, 1] and clipped
  to ``[EPSILON, 1 − EPSILON]`` with ``EPSILON = 1e-7`` before the logarithm, so a saturated
  prediction costs at most ``−log(1e-7) ≈ 16.12`` per term (Keras clips the same way; PyTorch's
  ``binary_cross_entropy`` instead clamps each log at −100, so saturated probabilities give different
  numbers in the two frameworks).
* ``from_logits=True``: ``y_pred`` holds logits (any finite reals) and the loss is computed in a form
  that never overflows, so logits of ±1e4 give finite losses and finite gradients.
* ``label_smoothing = s`` in [0, 1] replaces the targets by ``y(1 − s) + s/K``, with K = 2 for binary
  cross-entropy (Keras' ``s/2``) and K = number of classes for the categorical losses (Keras and PyTorch).
* ``reduction="none"`` returns the losses the formula defines before any mean: per element for
  binary cross-entropy, per sample (the class axis summed away) for the categorical losses and KL.
"""

from __future__ import annotations

import numpy as np

from momentum_lab._validate import flag
from momentum_lab.losses import _ops as ops
from momentum_lab.losses._ops import EPSILON, LossInput, LossValue
from momentum_lab.losses._validate import (
    check_distribution,
    check_label_smoothing,
    check_reduction,
    check_unit_interval,
    checked_pair,
    class_indices,
    values_of,
)

__all__ = [
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "kl_divergence",
]

#: torch's floor for a logarithm of a probability (``binary_cross_entropy``): log p ≥ −100.
TORCH_LOG_FLOOR = -100.0


def _floored_logs(xp, p, floor):
    """``max(log p, floor)`` and ``max(log1p(−p), floor)``, equal to ``floor`` at ``p = 0`` and ``p = 1``
    respectively, with no NaN in the gradient there."""
    log_p = xp.where(p > 0, xp.log(xp.where(p > 0, p, 1.0)), floor)
    log_1mp = xp.where(p < 1, xp.log1p(-xp.where(p < 1, p, 0.0)), floor)
    return xp.maximum(log_p, floor), xp.maximum(log_1mp, floor)


def binary_crossentropy_values(xp, y, x, from_logits=False, label_smoothing=0.0, log_floor=None, pos_weight=None):
    """Per element binary cross-entropy of targets ``y`` and probabilities or logits ``x``.

    Targets are first smoothed to ``y(1 − s) + s/2``. Logits: ``y·softplus(−x) + (1 − y)·softplus(x)``, which
    is ``softplus(x) − x·y`` summed without its cancellation (a confident right answer keeps its tiny loss,
    ``softplus(−50) ≈ 1.9e-22``, where ``softplus(50) − 50`` rounds to 0), plus
    ``(pos_weight − 1)·y·softplus(−x)`` when ``pos_weight`` is given (torch's weight of the positive
    term). Probabilities: ``−[y log p + (1 − y) log(1 − p)]`` with ``p`` clipped to ``[EPSILON, 1 − EPSILON]``
    (Keras), or with unclipped ``p`` and each log floored at ``log_floor`` (torch: −100, ``log(1 − p)`` as
    ``log1p(−p)``).
    """
    if label_smoothing:
        y = y * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        losses = y * xp.softplus(-x) + (1.0 - y) * xp.softplus(x)
        if pos_weight is not None:
            losses = losses + (pos_weight - 1.0) * y * xp.softplus(-x)
        return losses
    if log_floor is None:
        p = xp.clip(x, EPSILON, 1.0 - EPSILON)
        return -(y * xp.log(p) + (1.0 - y) * xp.log(1.0 - p))
    log_p, log_1mp = _floored_logs(xp, x, log_floor)
    return -(y * log_p + (1.0 - y) * log_1mp)


def log_probabilities(xp, x, from_logits, axis=-1, high=1.0 - EPSILON):
    """``log q`` along ``axis``: ``x − logsumexp(x)`` for logits, else ``log clip(x, EPSILON, high)``."""
    if from_logits:
        return x - xp.logsumexp(x, axis=axis, keepdims=True)
    return xp.log(xp.clip(x, EPSILON, high))


def cross_entropy_values(xp, y, x, from_logits=False, label_smoothing=0.0, axis=-1, class_weight=None):
    """Per sample ``−Σ_j w_j y_j log q_j`` along the class ``axis``.

    Targets are first smoothed to ``y(1 − s) + s/C`` (C classes); ``log q`` as in
    :func:`log_probabilities`; ``w`` = ``class_weight`` (torch's ``weight``), or 1.
    """
    if label_smoothing:
        y = y * (1.0 - label_smoothing) + label_smoothing / x.shape[axis]
    terms = y * log_probabilities(xp, x, from_logits, axis)
    if class_weight is not None:
        terms = terms * class_weight
    return -xp.sum(terms, axis=axis)


def kl_divergence_terms(xp, p, log_q, log_target=False):
    """Per element ``p (log p − log q)``, 0 where ``p = 0`` (the limit of p log p); with ``log_target`` the
    target is given as ``log p`` and the term is ``e^{log p} (log p − log q)`` (torch's ``log_target``)."""
    if log_target:
        return xp.exp(p) * (p - log_q)
    # log p where p > 0 and log 1 = 0 elsewhere, so a zero target contributes 0 · (0 − log q) = 0.
    return p * (xp.log(xp.where(p > 0, p, 1.0)) - log_q)


def _check_probabilities(pred_values, from_logits):
    if not from_logits:
        check_unit_interval(pred_values, "y_pred", "probabilities in [0, 1] (from_logits=False)")


def _class_axis(pred_values, name="y_pred"):
    if pred_values.ndim == 0:
        raise ValueError(f"{name} must have a class axis last; got a scalar {name}={pred_values.item()!r}")
    return pred_values.shape[-1]


def binary_crossentropy(
    y_true: LossInput,
    y_pred: LossInput,
    *,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    reduction: str = "mean",
) -> LossValue:
    """Binary cross-entropy (log loss) between targets in [0, 1] and predicted probabilities or logits.

    Formula:
        targets after smoothing: ``y = y_true(1 − s) + s/2``.

        * ``from_logits=True`` (``x = y_pred``):
          ``loss_i = y·softplus(−x) + (1 − y)·softplus(x)``, which equals
          ``−[y log σ(x) + (1 − y) log(1 − σ(x))]`` without ever forming σ(x), and
          ``softplus(x) − x·y`` without its cancellation (each ``softplus(t) = max(t, 0) + log1p(e^{−|t|})``).
        * ``from_logits=False`` (``p = clip(y_pred, 1e-7, 1 − 1e-7)``):
          ``loss_i = −[y log p + (1 − y) log(1 − p)]``.

        then ``reduction`` over every element.

    Args:
        y_true: targets in [0, 1] (hard 0/1 labels or soft targets).
        y_pred: probabilities in [0, 1], or logits if ``from_logits=True``; same shape as ``y_true``.
        from_logits: whether ``y_pred`` holds logits (default False).
        label_smoothing: ``s`` in [0, 1] (default 0).
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for the per-element losses.

    Edge cases:
        NaN or infinite entries and empty inputs raise ValueError. Saturated probabilities (0 or 1) cost
        at most ``−log(1e-7) ≈ 16.12`` per element; logits of any finite size give finite values.

    Returns:
        A scalar, or an array shaped like the inputs for ``reduction="none"``.

    Example:
        >>> round(float(binary_crossentropy([1.0, 0.0], [0.8, 0.4])), 6)  # −(log 0.8 + log 0.6) / 2
        0.366985
        >>> float(binary_crossentropy([1.0], [-1e4], from_logits=True))  # softplus(1e4) ≈ 1e4
        10000.0

    Reference:
        Keras ``keras.losses.binary_crossentropy`` (which averages over the last axis first);
        PyTorch ``binary_cross_entropy`` / ``binary_cross_entropy_with_logits``.
    """
    from_logits = flag(from_logits, "from_logits")
    s = check_label_smoothing(label_smoothing)
    pair = checked_pair(y_true, y_pred, reduction)
    check_unit_interval(pair.true_values, "y_true", "targets in [0, 1]")
    _check_probabilities(pair.pred_values, from_logits)
    losses = binary_crossentropy_values(ops, pair.y_true, pair.y_pred, from_logits, s)
    return ops.reduce(losses, reduction, pair.keep_tensor)


def categorical_crossentropy(
    y_true: LossInput,
    y_pred: LossInput,
    *,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    reduction: str = "mean",
) -> LossValue:
    """Categorical cross-entropy between target distributions and predicted probabilities or logits.

    Formula:
        class axis last, C classes, targets after smoothing ``y = y_true(1 − s) + s/C``.

        * ``from_logits=True`` (``x = y_pred``): ``loss = −Σ_j y_j (x_j − logsumexp(x))``, with
          ``logsumexp(x) = m + log Σ_j e^{x_j − m}``, ``m = max_j x_j`` (never overflows).
        * ``from_logits=False``: ``loss = −Σ_j y_j log clip(y_pred_j, 1e-7, 1 − 1e-7)``. The predicted
          probabilities are used as given (Keras first divides them by their sum; the two agree when the
          rows sum to 1).

        then ``reduction`` over the samples.

    Args:
        y_true: target distributions, shape ``(..., C)``: entries in [0, 1], each row summing to 1
            (within 1e-6); one-hot labels are the usual case.
        y_pred: probabilities in [0, 1] or logits, same shape as ``y_true``.
        from_logits: whether ``y_pred`` holds logits (default False).
        label_smoothing: ``s`` in [0, 1] (default 0).
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for the per-sample losses.

    Edge cases:
        NaN or infinite entries and empty inputs raise ValueError. A probability of 0 for the true class
        costs ``−log(1e-7) ≈ 16.12``; logits of any finite size (±1e4, ±1e300) give finite values.

    Returns:
        A scalar, or an array of shape ``y_pred.shape[:-1]`` for ``reduction="none"``.

    Example:
        >>> round(float(categorical_crossentropy([[0, 1, 0]], [[0.2, 0.7, 0.1]])), 6)  # −log 0.7
        0.356675
        >>> float(categorical_crossentropy([[1, 0]], [[-1e4, 1e4]], from_logits=True))  # 1e4 − (−1e4)
        20000.0

    Reference:
        Keras ``keras.losses.categorical_crossentropy``; PyTorch ``cross_entropy`` with probability
        targets (class axis 1).
    """
    from_logits = flag(from_logits, "from_logits")
    s = check_label_smoothing(label_smoothing)
    pair = checked_pair(y_true, y_pred, reduction)
    _class_axis(pair.pred_values)
    check_distribution(pair.true_values, "y_true")
    _check_probabilities(pair.pred_values, from_logits)
    losses = cross_entropy_values(ops, pair.y_true, pair.y_pred, from_logits, s)
    return ops.reduce(losses, reduction, pair.keep_tensor)


def sparse_categorical_crossentropy(
    y_true: LossInput,
    y_pred: LossInput,
    *,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    reduction: str = "mean",
) -> LossValue:
    """Categorical cross-entropy with integer class labels instead of one-hot rows.

    Formula:
        ``sparse_categorical_crossentropy(k, y_pred) = categorical_crossentropy(one_hot(k, C), y_pred)``
        with the same ``from_logits``, ``label_smoothing`` and clipping; without smoothing this is
        ``logsumexp(x) − x_k`` for logits and ``−log clip(p_k, 1e-7, 1 − 1e-7)`` for probabilities.

    Args:
        y_true: class indices in {0, …, C − 1}, shape ``y_pred.shape[:-1]`` (integers, or floats with
            integer values; no trailing axis of length 1).
        y_pred: probabilities in [0, 1] or logits, shape ``(..., C)``.
        from_logits: whether ``y_pred`` holds logits (default False).
        label_smoothing: ``s`` in [0, 1] (default 0), applied to the one-hot rows as ``y(1 − s) + s/C``.
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for the per-sample losses.

    Edge cases:
        NaN or infinite entries and empty inputs raise ValueError; as :func:`categorical_crossentropy`,
        huge logits give finite values and a zero probability costs ``≈ 16.12``.

    Returns:
        A scalar, or an array of shape ``y_true.shape`` for ``reduction="none"``.

    Example:
        >>> round(float(sparse_categorical_crossentropy([1], [[0.2, 0.7, 0.1]])), 6)  # −log 0.7
        0.356675

    Reference:
        Keras ``keras.losses.sparse_categorical_crossentropy``; PyTorch ``cross_entropy`` with integer
        targets (which also skips targets equal to ``ignore_index=-100``; this function has no ignored
        class).
    """
    from_logits = flag(from_logits, "from_logits")
    s = check_label_smoothing(label_smoothing)
    check_reduction(reduction)
    pred_values = values_of(y_pred, "y_pred")
    num_classes = _class_axis(pred_values)
    labels = class_indices(y_true, num_classes)
    if labels.shape != pred_values.shape[:-1]:
        raise ValueError(
            "y_true must have shape y_pred.shape[:-1] (one class index per sample); "
            f"got y_true.shape={labels.shape} and y_pred.shape={pred_values.shape}"
        )
    _check_probabilities(pred_values, from_logits)
    one_hot = (labels[..., None] == np.arange(num_classes)).astype(np.float64)
    x = y_pred if ops.is_tensor(y_pred) else pred_values
    return ops.reduce(cross_entropy_values(ops, one_hot, x, from_logits, s), reduction, ops.is_tensor(y_pred))


def kl_divergence(
    y_true: LossInput, y_pred: LossInput, *, from_logits: bool = False, reduction: str = "mean"
) -> LossValue:
    """Kullback–Leibler divergence KL(P ‖ Q) of the predicted distribution Q from the target P.

    Formula:
        class axis last, ``p = y_true``;
        ``log q = x − logsumexp(x)`` if ``from_logits`` else ``log clip(y_pred, 1e-7, 1)``;
        ``loss = Σ_j p_j (log p_j − log q_j)``, where a term with ``p_j = 0`` is 0 (the limit of
        p log p); then ``reduction`` over the samples.

    Args:
        y_true: target distributions P, shape ``(..., C)``, entries in [0, 1], rows summing to 1.
        y_pred: probabilities Q in [0, 1] or logits, same shape.
        from_logits: whether ``y_pred`` holds logits (default False).
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for the per-sample divergences.

    Edge cases:
        NaN or infinite entries and empty inputs raise ValueError. Zero targets add 0; a zero prediction
        under a positive target is clipped to 1e-7, so each such term is at most ``p·(log p + 16.12)``.

    Returns:
        A scalar, or an array of shape ``y_pred.shape[:-1]`` for ``reduction="none"``.

    Example:
        >>> round(float(kl_divergence([[0.5, 0.5]], [[0.25, 0.75]])), 6)  # ½ log 2 + ½ log(2/3)
        0.143841

    Reference:
        Kullback and Leibler, Ann. Math. Statist. 1951. Keras ``keras.losses.kl_divergence`` clips P to
        [1e-7, 1] too, so zero targets add about 1e-7·log(1e-7/q) each. PyTorch ``kl_div(log q, p)``
        equals this mean only with ``reduction="batchmean"``; its ``"mean"`` also divides by C.
    """
    from_logits = flag(from_logits, "from_logits")
    pair = checked_pair(y_true, y_pred, reduction)
    _class_axis(pair.pred_values)
    check_distribution(pair.true_values, "y_true")
    _check_probabilities(pair.pred_values, from_logits)
    log_q = log_probabilities(ops, pair.y_pred, from_logits, high=1.0)
    losses = ops.sum(kl_divergence_terms(ops, pair.y_true, log_q), axis=-1)
    return ops.reduce(losses, reduction, pair.keep_tensor)
