"""A zoo of classical losses: surrogates of the 0-1 loss on margins, and the GAN losses.

Margin losses take binary labels ``y`` in {−1, 1} (or {0, 1}, mapped by ``2y − 1``; anything else raises)
and real scores ``f``; the margin is ``m = y·f`` and a sample is misclassified when ``m ≤ 0``. They are
elementwise: ``reduction="none"`` returns one loss per element.

The GAN losses take the discriminator's outputs on real and on generated samples, as logits by default
(``from_logits=True``, computed with softplus so logits of ±1e4 stay finite), or as probabilities
D ∈ [0, 1] clipped to ``[1e-7, 1 − 1e-7]`` before the logarithm.
"""

from __future__ import annotations

from momentum_lab._validate import flag
from momentum_lab.losses import _ops as ops
from momentum_lab.losses._ops import EPSILON, LossInput, LossValue
from momentum_lab.losses._validate import (
    check_reduction,
    check_same_shape,
    check_unit_interval,
    values_of,
)
from momentum_lab.losses.margin import label_margin_loss, signed_labels

__all__ = [
    "zero_one_loss",
    "exponential_loss",
    "log_loss",
    "gan_discriminator_loss",
    "gan_generator_minimax_loss",
    "gan_generator_nonsaturating_loss",
]


def zero_one_values(xp, y_true, y_pred):
    """Per element 1 if ``m = y·f ≤ 0`` else 0 (``y`` = :func:`signed_labels`), with gradient 0."""
    margins = signed_labels(xp, y_true) * y_pred
    zeros = 0.0 * margins  # keeps the margins on the tape (and their dtype), with derivative 0
    return xp.where(margins <= 0, zeros + 1.0, zeros)


def exponential_values(xp, y_true, y_pred):
    """Per element ``exp(−y·f)``."""
    return xp.exp(-(signed_labels(xp, y_true) * y_pred))


def log_loss_values(xp, y_true, y_pred):
    """Per element ``softplus(−y·f)``."""
    return xp.softplus(-(signed_labels(xp, y_true) * y_pred))


def neg_log_d(xp, output, from_logits=True):
    """Per element −log D: ``softplus(−x)`` for a logit x, ``−log clip(D, EPSILON, 1 − EPSILON)`` for a
    probability."""
    if from_logits:
        return xp.softplus(-output)
    return -xp.log(xp.clip(output, EPSILON, 1.0 - EPSILON))


def neg_log_one_minus_d(xp, output, from_logits=True):
    """Per element −log(1 − D): ``softplus(x)`` for a logit x, ``−log(1 − clip(D, EPSILON, 1 − EPSILON))``."""
    if from_logits:
        return xp.softplus(output)
    return -xp.log(1.0 - xp.clip(output, EPSILON, 1.0 - EPSILON))


def zero_one_loss(y_true: LossInput, y_pred: LossInput, *, reduction: str = "mean") -> LossValue:
    """0-1 loss: 1 for a misclassified sample, 0 otherwise (the error rate, with ``"mean"``).

    Formula:
        ``loss_i = 1 if y_i·f_i ≤ 0 else 0`` (a score of exactly 0 counts as a mistake), then
        ``reduction`` over every element. On the tape its gradient is 0, the derivative of a step
        almost everywhere: this is why it is never trained on directly.

    Args:
        y_true: labels in {−1, 1} or in {0, 1}.
        y_pred: scores f, same shape as ``y_true``.
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for the per-element losses.

    Edge cases:
        NaN or infinite entries and empty inputs raise ValueError; a score of exactly 0 is a mistake.

    Returns:
        A scalar, or an array shaped like the inputs for ``reduction="none"``.

    Example:
        >>> float(zero_one_loss([1, -1, 1, -1], [2.0, -0.5, -1.0, 0.0]))  # mistakes at 3rd and 4th
        0.5
    """
    return label_margin_loss(zero_one_values, y_true, y_pred, reduction)


def exponential_loss(y_true: LossInput, y_pred: LossInput, *, reduction: str = "mean") -> LossValue:
    """Exponential loss, the surrogate AdaBoost minimizes.

    Formula:
        ``loss_i = exp(−y_i·f_i)``, then ``reduction`` over every element. For margins below
        ``−log(max float64) ≈ −709.78`` the true value exceeds float64 and the result is ``inf``
        (NumPy warns about the overflow): the loss grows without bound on badly wrong samples.

    Args:
        y_true: labels in {−1, 1} or in {0, 1}.
        y_pred: scores f, same shape as ``y_true``.
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for the per-element losses.

    Edge cases:
        NaN or infinite entries and empty inputs raise ValueError; margins below about −709.78 give
        ``inf`` (see the formula), never NaN.

    Returns:
        A scalar, or an array shaped like the inputs for ``reduction="none"``.

    Example:
        >>> round(float(exponential_loss([1, -1], [0.0, 1.0])), 6)  # (e⁰ + e¹) / 2
        1.859141

    Reference:
        Freund and Schapire, J. Comput. Syst. Sci. 1997; Friedman, Hastie and Tibshirani, "Additive
        logistic regression", Ann. Statist. 2000.
    """
    return label_margin_loss(exponential_values, y_true, y_pred, reduction)


def log_loss(y_true: LossInput, y_pred: LossInput, *, reduction: str = "mean") -> LossValue:
    """Logistic loss on margins (not scikit-learn's ``log_loss``, which takes probabilities).

    Formula:
        ``loss_i = log(1 + e^{−y_i·f_i}) = softplus(−y_i·f_i)``, computed as
        ``max(−m, 0) + log1p(e^{−|m|})`` with ``m = y_i·f_i``, then ``reduction`` over every element.
        With {0, 1} labels and logits f it equals binary cross-entropy from logits.

    Args:
        y_true: labels in {−1, 1} or in {0, 1}.
        y_pred: scores f (logits), same shape as ``y_true``.
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for the per-element losses.

    Edge cases:
        NaN or infinite entries and empty inputs raise ValueError; scores of any finite size give finite
        values (``softplus``, no exponential of a large number is formed).

    Returns:
        A scalar, or an array shaped like the inputs for ``reduction="none"``.

    Example:
        >>> round(float(log_loss([1], [0.0])), 6)  # log 2
        0.693147
        >>> float(log_loss([1], [-1e4]))  # softplus(1e4) = 1e4 exactly in float64
        10000.0

    Reference:
        PyTorch ``torch.nn.functional.soft_margin_loss`` computes the same mean.
    """
    return label_margin_loss(log_loss_values, y_true, y_pred, reduction)


def _gan_inputs(values, from_logits, reduction):
    """Check ``{name: value}`` discriminator outputs; return the flag and the operands in order."""
    check_reduction(reduction)
    from_logits = flag(from_logits, "from_logits")
    operands = []
    for name, value in values.items():
        array = values_of(value, name)
        if not from_logits:
            check_unit_interval(array, name, "probabilities D in [0, 1] (from_logits=False)")
        operands.append(value if ops.is_tensor(value) else array)
    return from_logits, operands, any(ops.is_tensor(value) for value in values.values())


def gan_discriminator_loss(
    d_real: LossInput, d_fake: LossInput, *, from_logits: bool = True, reduction: str = "mean"
) -> LossValue:
    """The GAN discriminator's loss: classify real samples as 1 and generated ones as 0.

    Formula:
        ``loss = reduce(−log D(x)) + reduce(−log(1 − D(G(z))))``, i.e. with logits ``r = d_real``,
        ``f = d_fake``: ``reduce(softplus(−r)) + reduce(softplus(f))``; with probabilities both D are
        clipped to ``[1e-7, 1 − 1e-7]``. ``reduce`` is the ``reduction``, applied to each term
        separately, so the real and fake batches may differ in size ("none" needs equal shapes and
        returns the elementwise sum of the two terms).

    Args:
        d_real: discriminator outputs on real samples (logits, or probabilities if not ``from_logits``).
        d_fake: discriminator outputs on generated samples, same convention.
        from_logits: whether the outputs are logits (default True).
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"``.

    Edge cases:
        NaN or infinite entries and empty inputs raise ValueError; logits of any finite size give finite
        values, and probabilities of exactly 0 or 1 are clipped (at most ``≈ 16.12`` per term).

    Returns:
        A scalar, or an array shaped like the inputs for ``reduction="none"``.

    Example:
        >>> round(float(gan_discriminator_loss([0.0], [0.0])), 6)  # D = ½ on both: 2 log 2
        1.386294

    Reference:
        Goodfellow et al., "Generative adversarial nets", NeurIPS 2014 (eq. 1, negated).
    """
    from_logits, (real, fake), keep = _gan_inputs({"d_real": d_real, "d_fake": d_fake}, from_logits, reduction)
    real_terms = neg_log_d(ops, real, from_logits)
    fake_terms = neg_log_one_minus_d(ops, fake, from_logits)
    if reduction == "none":
        check_same_shape(values_of(d_real, "d_real").shape, values_of(d_fake, "d_fake").shape, "d_real", "d_fake")
        return ops.reduce(real_terms + fake_terms, reduction, keep)
    return ops.reduce(real_terms, reduction, keep) + ops.reduce(fake_terms, reduction, keep)


def gan_generator_minimax_loss(d_fake: LossInput, *, from_logits: bool = True, reduction: str = "mean") -> LossValue:
    """The generator's loss in the original minimax game: minimize log(1 − D(G(z))).

    Formula:
        ``loss_i = log(1 − D(G(z_i)))``: ``−softplus(f)`` for logits f, ``log(1 − clip(D, 1e-7, 1 − 1e-7))``
        for probabilities; then ``reduction``. Its gradient vanishes where the discriminator confidently
        rejects the sample (D → 0): the saturation that :func:`gan_generator_nonsaturating_loss` avoids.

    Args:
        d_fake: discriminator outputs on generated samples (logits, or probabilities).
        from_logits: whether ``d_fake`` holds logits (default True).
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for the per-element losses.

    Edge cases:
        NaN or infinite entries and empty inputs raise ValueError; logits of any finite size give finite
        values, and probabilities of exactly 0 or 1 are clipped (at most ``≈ 16.12`` per term).

    Returns:
        A scalar (negative), or an array shaped like ``d_fake`` for ``reduction="none"``.

    Example:
        >>> round(float(gan_generator_minimax_loss([0.0])), 6)  # log ½
        -0.693147

    Reference:
        Goodfellow et al., "Generative adversarial nets", NeurIPS 2014.
    """
    from_logits, (fake,), keep = _gan_inputs({"d_fake": d_fake}, from_logits, reduction)
    return ops.reduce(-neg_log_one_minus_d(ops, fake, from_logits), reduction, keep)


def gan_generator_nonsaturating_loss(
    d_fake: LossInput, *, from_logits: bool = True, reduction: str = "mean"
) -> LossValue:
    """The generator's non-saturating loss: minimize −log D(G(z)).

    Formula:
        ``loss_i = −log D(G(z_i))``: ``softplus(−f)`` for logits f, ``−log clip(D, 1e-7, 1 − 1e-7)`` for
        probabilities; then ``reduction``. Same fixed point as the minimax loss, but strong gradients
        early in training when D(G(z)) ≈ 0.

    Args:
        d_fake: discriminator outputs on generated samples (logits, or probabilities).
        from_logits: whether ``d_fake`` holds logits (default True).
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for the per-element losses.

    Edge cases:
        NaN or infinite entries and empty inputs raise ValueError; logits of any finite size give finite
        values, and probabilities of exactly 0 or 1 are clipped (at most ``≈ 16.12`` per term).

    Returns:
        A scalar, or an array shaped like ``d_fake`` for ``reduction="none"``.

    Example:
        >>> round(float(gan_generator_nonsaturating_loss([0.0])), 6)  # −log ½
        0.693147

    Reference:
        Goodfellow et al., "Generative adversarial nets", NeurIPS 2014, section 3.
    """
    from_logits, (fake,), keep = _gan_inputs({"d_fake": d_fake}, from_logits, reduction)
    return ops.reduce(neg_log_d(ops, fake, from_logits), reduction, keep)
