"""Overlap losses for segmentation: soft Dice, Jaccard (IoU), Tversky and focal Tversky.

Conventions shared by the four functions:

* ``y_true`` = g, the mask (0/1, or soft labels in [0, 1]); ``y_pred`` = p, predicted probabilities in
  [0, 1] (apply the sigmoid or softmax first), same shape.
* ``axis`` names the axes the overlap sums run over. ``axis=None`` sums over every axis and gives one
  score for the whole input (Keras' default); for images shaped ``(batch, H, W, classes)``,
  ``axis=(1, 2)`` gives one score per sample and class. ``reduction`` then acts on those scores:
  ``"none"`` returns them (shape: the input's with the ``axis`` axes removed), ``"mean"`` averages them,
  ``"sum"`` adds them.
* The soft counts are ``TP = Σ p·g``, ``FP = Σ p·(1 − g)``, ``FN = Σ (1 − p)·g`` over ``axis``.
* ``smooth = s ≥ 0`` is added to the numerator and the denominator of every score. With ``s > 0`` an
  empty prediction on an empty mask scores 1 (loss 0). With ``s = 0`` that case is 0/0; it is defined
  as a score of 1 (loss 0, gradient 0), the limit as ``s → 0``, so no NaN ever comes out.
"""

from __future__ import annotations

from momentum_lab._validate import flag, non_negative, normalize_axes, positive
from momentum_lab.losses import _ops as ops
from momentum_lab.losses._ops import LossInput, LossValue
from momentum_lab.losses._validate import check_tversky_weights, check_unit_interval, checked_pair

#: ``axis`` of the overlap losses: None (every axis), one axis, or several.
Axis = int | tuple[int, ...] | None

__all__ = ["dice", "jaccard", "tversky", "focal_tversky"]


def _score(xp, numerator, denominator):
    """numerator / denominator, and 1 where the denominator is 0 (only for smooth = 0 on empty inputs)."""
    defined = denominator > 0
    return xp.where(defined, numerator / xp.where(defined, denominator, 1.0), 1.0)


def dice_values(xp, g, p, axis=None, smooth=1.0, squared=False, epsilon=0.0):
    """Per score ``1 − (2·Σpg + s) / (Σp + Σg + s + ε)`` (``squared``: ``Σp² + Σg²``), sums over ``axis``;
    ``ε`` is Keras' ``1e-7`` in the denominator only (0 in the library's form)."""
    intersection = xp.sum(p * g, axis=axis)
    if squared:
        total = xp.sum(xp.square(p), axis=axis) + xp.sum(xp.square(g), axis=axis)
    else:
        total = xp.sum(p, axis=axis) + xp.sum(g, axis=axis)
    return 1.0 - _score(xp, 2.0 * intersection + smooth, total + smooth + epsilon)


def jaccard_values(xp, g, p, axis=None, smooth=1.0):
    """Per score ``1 − (TP + s) / (Σp + Σg − TP + s)``, ``TP = Σpg`` over ``axis``."""
    intersection = xp.sum(p * g, axis=axis)
    union = xp.sum(p, axis=axis) + xp.sum(g, axis=axis) - intersection
    return 1.0 - _score(xp, intersection + smooth, union + smooth)


def _tversky_index(xp, g, p, axes, alpha, beta, s, epsilon=0.0):
    """``TI = (TP + s) / (TP + α·FP + β·FN + s + ε)``: α weights the false positives, β the false negatives."""
    tp = xp.sum(p * g, axis=axes)
    fp = xp.sum(p * (1.0 - g), axis=axes)
    fn = xp.sum((1.0 - p) * g, axis=axes)
    return _score(xp, tp + s, tp + alpha * fp + beta * fn + s + epsilon)


def tversky_values(xp, g, p, alpha=0.3, beta=0.7, axis=None, smooth=1.0, epsilon=0.0):
    """Per score ``1 − TI`` (:func:`_tversky_index`)."""
    return 1.0 - _tversky_index(xp, g, p, axis, alpha, beta, smooth, epsilon)


def focal_tversky_values(xp, g, p, alpha=0.3, beta=0.7, gamma=4 / 3, axis=None, smooth=1.0):
    """Per score ``(1 − TI)^{1/γ}`` as ``exp(log(1 − TI)/γ)``, and 0 (gradient 0) where ``TI = 1``."""
    base = tversky_values(xp, g, p, alpha, beta, axis, smooth)
    positive_base = base > 0
    return xp.where(positive_base, xp.exp(xp.log(xp.where(positive_base, base, 1.0)) / gamma), 0.0)


def _overlap(formula, y_true, y_pred, axis, smooth, reduction, **params):
    smooth = non_negative(smooth, "smooth")
    pair = checked_pair(y_true, y_pred, reduction)
    check_unit_interval(pair.true_values, "y_true", "mask values in [0, 1]")
    check_unit_interval(pair.pred_values, "y_pred", "probabilities in [0, 1]")
    axes = normalize_axes(axis, pair.pred_values.ndim)
    losses = formula(ops, pair.y_true, pair.y_pred, axis=axes, smooth=smooth, **params)
    return ops.reduce(losses, reduction, pair.keep_tensor)


def dice(
    y_true: LossInput,
    y_pred: LossInput,
    axis: Axis = None,
    smooth: float = 1.0,
    squared: bool = False,
    *,
    reduction: str = "mean",
) -> LossValue:
    """Soft Dice loss, one minus the soft Dice coefficient (F1 score) of prediction and mask.

    Formula:
        sums over ``axis``;
        ``loss = 1 − (2·Σ p·g + s) / (Σ p + Σ g + s)``, or with ``squared=True`` (V-Net)
        ``loss = 1 − (2·Σ p·g + s) / (Σ p² + Σ g² + s)``; then ``reduction`` over the scores. Note
        ``Σ p + Σ g = 2·TP + FP + FN``.

    Args:
        y_true: mask g in [0, 1].
        y_pred: probabilities p in [0, 1], same shape.
        axis: axes summed over (default None: all of them, one score).
        smooth: s ≥ 0 (default 1.0). See the module notes for empty masks and ``s = 0``.
        squared: use the V-Net denominator ``Σ p² + Σ g²`` (default False).
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for the individual scores' losses.

    Edge cases:
        NaN or infinite entries and empty inputs raise ValueError. An empty mask with an empty prediction
        scores 1 (loss 0, gradient 0) even with ``smooth=0``, where the ratio is 0/0: no NaN.

    Returns:
        A scalar, or for ``reduction="none"`` an array shaped like the inputs without the ``axis`` axes.

    Example:
        >>> float(dice([1, 1, 0, 0], [1.0, 0.5, 0.5, 0.0], smooth=0.0))  # 1 − 2·1.5 / (2 + 2)
        0.25
        >>> float(dice([0, 0], [0.0, 0.0]))  # empty mask, empty prediction: 1 − (0 + 1)/(0 + 1)
        0.0

    Reference:
        Dice, Ecology 1945; Milletari, Navab and Ahmadi, "V-Net", 3DV 2016 (squared denominator).
        Keras ``keras.losses.dice`` is ``s = 0`` with 1e-7 added to the denominator only.
    """
    return _overlap(dice_values, y_true, y_pred, axis, smooth, reduction, squared=flag(squared, "squared"))


def jaccard(
    y_true: LossInput, y_pred: LossInput, axis: Axis = None, smooth: float = 1.0, *, reduction: str = "mean"
) -> LossValue:
    """Soft Jaccard loss, one minus the soft intersection over union.

    Formula:
        sums over ``axis``, ``TP = Σ p·g``;
        ``loss = 1 − (TP + s) / (Σ p + Σ g − TP + s)`` (the denominator is ``TP + FP + FN``), then
        ``reduction`` over the scores.

    Args:
        y_true: mask g in [0, 1].
        y_pred: probabilities p in [0, 1], same shape.
        axis: axes summed over (default None: all of them, one score).
        smooth: s ≥ 0 (default 1.0). See the module notes for empty masks and ``s = 0``.
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for the individual scores' losses.

    Edge cases:
        NaN or infinite entries and empty inputs raise ValueError. An empty mask with an empty prediction
        scores 1 (loss 0, gradient 0) even with ``smooth=0``, where the ratio is 0/0: no NaN.

    Returns:
        A scalar, or for ``reduction="none"`` an array shaped like the inputs without the ``axis`` axes.

    Example:
        >>> float(jaccard([1, 1, 0, 0], [1.0, 0.5, 0.5, 0.0], smooth=0.0))  # 1 − 1.5 / (2 + 2 − 1.5)
        0.4

    Reference:
        Jaccard, Bull. Soc. Vaud. Sci. Nat. 1901; Rahman and Wang, "Optimizing intersection-over-union
        in deep neural networks for image segmentation", ISVC 2016.
    """
    return _overlap(jaccard_values, y_true, y_pred, axis, smooth, reduction)


def tversky(
    y_true: LossInput,
    y_pred: LossInput,
    alpha: float = 0.3,
    beta: float = 0.7,
    axis: Axis = None,
    smooth: float = 1.0,
    *,
    reduction: str = "mean",
) -> LossValue:
    """Tversky loss: Dice with separate weights on false positives (α) and false negatives (β).

    Formula:
        sums over ``axis``, ``TP = Σ p·g``, ``FP = Σ p·(1 − g)``, ``FN = Σ (1 − p)·g``;
        ``TI = (TP + s) / (TP + α·FP + β·FN + s)``, ``loss = 1 − TI``, then ``reduction`` over the
        scores. α = β = ½ gives Dice, α = β = 1 Jaccard; β > α favours recall.

    Args:
        y_true: mask g in [0, 1].
        y_pred: probabilities p in [0, 1], same shape.
        alpha: weight α ≥ 0 of the false positives (default 0.3).
        beta: weight β ≥ 0 of the false negatives (default 0.7); α and β may not both be 0 (the index
            would then be 1 for every prediction).
        axis: axes summed over (default None: all of them, one score).
        smooth: s ≥ 0 (default 1.0). See the module notes for empty masks and ``s = 0``.
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for the individual scores' losses.

    Edge cases:
        NaN or infinite entries and empty inputs raise ValueError. An empty mask with an empty prediction
        scores 1 (loss 0, gradient 0) even with ``smooth=0``, where the ratio is 0/0: no NaN.

    Returns:
        A scalar, or for ``reduction="none"`` an array shaped like the inputs without the ``axis`` axes.

    Example:
        >>> # TP = 1.5, FP = 0.5, FN = 0.5: 1 − 1.5 / (1.5 + 0.3·0.5 + 0.7·0.5)
        >>> float(tversky([1, 1, 0, 0], [1.0, 0.5, 0.5, 0.0], smooth=0.0))
        0.25

    Reference:
        Salehi, Erdogmus and Gholipour, "Tversky loss function for image segmentation using 3D fully
        convolutional deep networks", MLMI 2017 (α weights FP, β weights FN). Keras 3.15.1's
        ``keras.losses.tversky`` swaps the two (its ``alpha`` multiplies FN) and uses ``s = 0`` with
        1e-7 added to the denominator.
    """
    alpha, beta = check_tversky_weights(alpha, beta)
    return _overlap(tversky_values, y_true, y_pred, axis, smooth, reduction, alpha=alpha, beta=beta)


def focal_tversky(
    y_true: LossInput,
    y_pred: LossInput,
    alpha: float = 0.3,
    beta: float = 0.7,
    gamma: float = 4 / 3,
    axis: Axis = None,
    smooth: float = 1.0,
    *,
    reduction: str = "mean",
) -> LossValue:
    """Focal Tversky loss: the Tversky loss raised to 1/γ, to stress the poorly segmented scores.

    Formula:
        ``TI`` as in :func:`tversky`; ``loss = (1 − TI)^{1/γ}``, computed as ``exp(log(1 − TI)/γ)``
        where ``1 − TI > 0`` and set to 0 (with gradient 0) where ``TI = 1``; then ``reduction`` over
        the scores (``"sum"`` over per-class scores is the paper's ``Σ_c``). For γ > 1 the exact
        derivative is unbounded as TI → 1; only the point TI = 1 itself is given gradient 0.

    Args:
        y_true: mask g in [0, 1].
        y_pred: probabilities p in [0, 1], same shape.
        alpha: weight α ≥ 0 of the false positives (default 0.3).
        beta: weight β ≥ 0 of the false negatives (default 0.7); α and β may not both be 0 (the index
            would then be 1 for every prediction).
        gamma: γ > 0 (default 4/3, the paper's choice); γ = 1 gives :func:`tversky`.
        axis: axes summed over (default None: all of them, one score).
        smooth: s ≥ 0 (default 1.0). See the module notes for empty masks and ``s = 0``.
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for the individual scores' losses.

    Edge cases:
        NaN or infinite entries and empty inputs raise ValueError. An empty mask with an empty prediction
        scores 1 (loss 0, gradient 0) even with ``smooth=0``, where the ratio is 0/0: no NaN.

    Returns:
        A scalar, or for ``reduction="none"`` an array shaped like the inputs without the ``axis`` axes.

    Example:
        >>> # TI = 0.75 as in the tversky example: 0.25^{3/4}
        >>> round(float(focal_tversky([1, 1, 0, 0], [1.0, 0.5, 0.5, 0.0], smooth=0.0)), 6)
        0.353553

    Reference:
        Abraham and Khan, "A novel focal Tversky loss function with improved attention U-Net for lesion
        segmentation", ISBI 2019.
    """
    alpha, beta = check_tversky_weights(alpha, beta)
    gamma = positive(gamma, "gamma")
    return _overlap(focal_tversky_values, y_true, y_pred, axis, smooth, reduction, alpha=alpha, beta=beta, gamma=gamma)
