"""PyTorch versions of ``momentum_lab.losses``: the same formulas, written from scratch in torch ops.

Each class is a ``torch.nn.Module`` taking the same arguments as the NumPy function (``reduction`` among
them: ``"mean"``, ``"sum"`` or ``"none"``, with the same meaning), and its ``forward(y_true, y_pred)``
keeps the library's argument order: targets first, like Keras (torch's own functional losses take
``(input, target)``). The class axis is the last one (``torch.nn.functional.cross_entropy`` uses axis 1).

Inputs are checked eagerly with the NumPy library's checks, so bad labels, out-of-range probabilities and
mismatched shapes raise the same ValueError/TypeError as ``momentum_lab.losses``.
"""

import math

import torch
import torch.nn.functional as F

from momentum_lab._validate import flag, non_negative, normalize_axes, positive
from momentum_lab.losses import _validate as checks

#: Probabilities are clipped to [EPSILON, 1 − EPSILON] before a logarithm, as in ``momentum_lab.losses``.
EPSILON = 1e-7
_LOG2 = math.log(2.0)

__all__ = [
    "MeanSquaredError",
    "MeanAbsoluteError",
    "Huber",
    "LogCosh",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "KLDivergence",
    "Hinge",
    "SquaredHinge",
    "CategoricalHinge",
    "WestonWatkinsHinge",
    "ZeroOneLoss",
    "ExponentialLoss",
    "LogLoss",
    "GANDiscriminatorLoss",
    "GANGeneratorMinimaxLoss",
    "GANGeneratorNonsaturatingLoss",
    "Dice",
    "Jaccard",
    "Tversky",
    "FocalTversky",
]


def _numbers(tensor, name):
    """The values of ``tensor`` as a checked (finite, non-empty) float64 NumPy array."""
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor; got {type(tensor).__name__}")
    return checks.values_of(tensor.detach().cpu().to(torch.float64).numpy(), name)


def _pair(y_true, y_pred):
    true_values, pred_values = _numbers(y_true, "y_true"), _numbers(y_pred, "y_pred")
    checks.check_same_shape(true_values.shape, pred_values.shape)
    return true_values, pred_values


class _Loss(torch.nn.Module):
    def __init__(self, reduction="mean"):
        super().__init__()
        self.reduction = checks.check_reduction(reduction)

    def _reduce(self, losses):
        if self.reduction == "mean":
            return losses.mean()
        if self.reduction == "sum":
            return losses.sum()
        return losses

    def extra_repr(self):
        return f"reduction={self.reduction!r}"


def _signed(y_true, true_values):
    """Binary labels as {−1, 1} (checked by the NumPy rule: {−1, 1} as is, {0, 1} mapped by 2y − 1)."""
    checks.check_binary_labels(true_values)
    signed = true_values if (true_values == -1).any() else 2.0 * true_values - 1.0
    return torch.as_tensor(signed, dtype=y_true.dtype, device=y_true.device)


def _softplus(x):
    """log(1 + e^x) as ``logaddexp(0, x)`` = max(x, 0) + log1p(e^{−|x|}): no overflow, and autograd gives
    the exact derivative σ(x) everywhere. (Writing ``clamp(x, min=0) + log1p(exp(−|x|))`` literally
    gives the derivative 1 instead of ½ at x = 0, from the kinks' conventions; ``F.softplus`` returns x
    itself above its threshold 20.)"""
    return torch.logaddexp(torch.zeros_like(x), x)


def _log_softmax(x):
    return x - torch.logsumexp(x, dim=-1, keepdim=True)


# --- regression -------------------------------------------------------------------------------------


class MeanSquaredError(_Loss):
    """Per element ``(y_pred − y_true)²``."""

    def forward(self, y_true, y_pred):
        _pair(y_true, y_pred)
        return self._reduce(torch.square(y_pred - y_true))


class MeanAbsoluteError(_Loss):
    """Per element ``|y_pred − y_true|``."""

    def forward(self, y_true, y_pred):
        _pair(y_true, y_pred)
        return self._reduce(torch.abs(y_pred - y_true))


class Huber(_Loss):
    """Per element ``½e²`` if ``|e| ≤ delta`` else ``delta·|e| − ½delta²``, ``e = y_pred − y_true``."""

    def __init__(self, delta=1.0, reduction="mean"):
        super().__init__(reduction)
        self.delta = positive(delta, "delta")

    def forward(self, y_true, y_pred):
        _pair(y_true, y_pred)
        error = y_pred - y_true
        abs_error = torch.abs(error)
        losses = torch.where(
            abs_error <= self.delta, 0.5 * torch.square(error), self.delta * abs_error - 0.5 * self.delta**2
        )
        return self._reduce(losses)


class LogCosh(_Loss):
    """Per element ``e + softplus(−2e) − log 2`` (= log cosh e), ``e = y_pred − y_true``."""

    def forward(self, y_true, y_pred):
        _pair(y_true, y_pred)
        error = y_pred - y_true
        return self._reduce(error + _softplus(-2.0 * error) - _LOG2)


# --- probabilistic ----------------------------------------------------------------------------------


class _CrossEntropyBase(_Loss):
    def __init__(self, from_logits=False, label_smoothing=0.0, reduction="mean"):
        super().__init__(reduction)
        self.from_logits = flag(from_logits, "from_logits")
        self.label_smoothing = checks.check_label_smoothing(label_smoothing)

    def _check_prediction(self, pred_values):
        if not self.from_logits:
            checks.check_unit_interval(pred_values, "y_pred", "probabilities in [0, 1] (from_logits=False)")

    def _cross_entropy(self, y, y_pred):
        if self.from_logits:
            log_q = _log_softmax(y_pred)
        else:
            log_q = torch.log(torch.clamp(y_pred, EPSILON, 1.0 - EPSILON))
        return -(y * log_q).sum(dim=-1)


class BinaryCrossentropy(_CrossEntropyBase):
    """Per element ``softplus(x) − x·y`` (logits) or ``−[y log p + (1 − y) log(1 − p)]``, p clipped to
    ``[1e-7, 1 − 1e-7]``; targets smoothed to ``y(1 − s) + s/2``."""

    def forward(self, y_true, y_pred):
        true_values, pred_values = _pair(y_true, y_pred)
        checks.check_unit_interval(true_values, "y_true", "targets in [0, 1]")
        self._check_prediction(pred_values)
        s = self.label_smoothing
        y = y_true * (1.0 - s) + 0.5 * s
        if self.from_logits:
            return self._reduce(_softplus(y_pred) - y_pred * y)
        p = torch.clamp(y_pred, EPSILON, 1.0 - EPSILON)
        return self._reduce(-(y * torch.log(p) + (1.0 - y) * torch.log(1.0 - p)))


class CategoricalCrossentropy(_CrossEntropyBase):
    """Per sample ``−Σ_j y_j log q_j`` over the last axis; targets smoothed to ``y(1 − s) + s/C``."""

    def forward(self, y_true, y_pred):
        true_values, pred_values = _pair(y_true, y_pred)
        checks.check_distribution(true_values, "y_true")
        self._check_prediction(pred_values)
        s = self.label_smoothing
        y = y_true * (1.0 - s) + s / y_pred.shape[-1]
        return self._reduce(self._cross_entropy(y, y_pred))


class SparseCategoricalCrossentropy(_CrossEntropyBase):
    """``CategoricalCrossentropy`` of ``one_hot(y_true, C)``; integer labels of shape ``y_pred.shape[:-1]``."""

    def forward(self, y_true, y_pred):
        pred_values = _numbers(y_pred, "y_pred")
        if pred_values.ndim == 0:
            raise ValueError(f"y_pred must have a class axis last; got a scalar y_pred={pred_values.item()!r}")
        num_classes = pred_values.shape[-1]
        labels = checks.class_indices(y_true.detach().cpu().numpy(), num_classes)
        if labels.shape != pred_values.shape[:-1]:
            raise ValueError(
                "y_true must have shape y_pred.shape[:-1] (one class index per sample); "
                f"got y_true.shape={labels.shape} and y_pred.shape={pred_values.shape}"
            )
        self._check_prediction(pred_values)
        s = self.label_smoothing
        one_hot = F.one_hot(y_true.long(), num_classes).to(y_pred.dtype)
        return self._reduce(self._cross_entropy(one_hot * (1.0 - s) + s / num_classes, y_pred))


class KLDivergence(_Loss):
    """Per sample ``Σ_j p_j (log p_j − log q_j)``, zero-target terms 0, ``log q`` from logits or
    ``log clip(q, 1e-7, 1)``."""

    def __init__(self, from_logits=False, reduction="mean"):
        super().__init__(reduction)
        self.from_logits = flag(from_logits, "from_logits")

    def forward(self, y_true, y_pred):
        true_values, pred_values = _pair(y_true, y_pred)
        checks.check_distribution(true_values, "y_true")
        if not self.from_logits:
            checks.check_unit_interval(pred_values, "y_pred", "probabilities in [0, 1] (from_logits=False)")
        log_q = _log_softmax(y_pred) if self.from_logits else torch.log(torch.clamp(y_pred, EPSILON, 1.0))
        log_p = torch.log(torch.where(y_true > 0, y_true, torch.ones_like(y_true)))
        return self._reduce((y_true * (log_p - log_q)).sum(dim=-1))


# --- margin -----------------------------------------------------------------------------------------


class Hinge(_Loss):
    """Per element ``max(0, 1 − y·y_pred)``, labels in {−1, 1} or {0, 1}."""

    def forward(self, y_true, y_pred):
        true_values, _ = _pair(y_true, y_pred)
        return self._reduce(torch.relu(1.0 - _signed(y_true, true_values) * y_pred))


class SquaredHinge(_Loss):
    """Per element ``max(0, 1 − y·y_pred)²``, labels in {−1, 1} or {0, 1}."""

    def forward(self, y_true, y_pred):
        true_values, _ = _pair(y_true, y_pred)
        return self._reduce(torch.square(torch.relu(1.0 - _signed(y_true, true_values) * y_pred)))


class _MulticlassHinge(_Loss):
    def __init__(self, margin=1.0, reduction="mean"):
        super().__init__(reduction)
        self.margin = positive(margin, "margin")

    def _check(self, y_true, y_pred):
        true_values, pred_values = _pair(y_true, y_pred)
        if pred_values.ndim == 0 or pred_values.shape[-1] < 2:
            raise ValueError(
                f"y_pred must have at least 2 classes on its last axis; got y_pred.shape={pred_values.shape}"
            )
        checks.check_one_hot(true_values)


class CategoricalHinge(_MulticlassHinge):
    """Per sample ``max(0, margin + max_{j≠k} x_j − x_k)`` (Crammer–Singer), one-hot labels."""

    def forward(self, y_true, y_pred):
        self._check(y_true, y_pred)
        true_score = (y_true * y_pred).sum(dim=-1)
        wrong_scores = torch.where(y_true > 0.5, torch.full_like(y_pred, -math.inf), y_pred)
        return self._reduce(torch.relu(self.margin + wrong_scores.amax(dim=-1) - true_score))


class WestonWatkinsHinge(_MulticlassHinge):
    """Per sample ``Σ_{j≠k} max(0, margin + x_j − x_k)``, one-hot labels."""

    def forward(self, y_true, y_pred):
        self._check(y_true, y_pred)
        true_score = (y_true * y_pred).sum(dim=-1, keepdim=True)
        return self._reduce(((1.0 - y_true) * torch.relu(self.margin + y_pred - true_score)).sum(dim=-1))


# --- classical zoo ----------------------------------------------------------------------------------


class ZeroOneLoss(_Loss):
    """Per element 1 if ``y·f ≤ 0`` else 0 (gradient 0)."""

    def forward(self, y_true, y_pred):
        true_values, _ = _pair(y_true, y_pred)
        margins = _signed(y_true, true_values) * y_pred
        return self._reduce((margins <= 0).to(y_pred.dtype) + 0.0 * margins)


class ExponentialLoss(_Loss):
    """Per element ``exp(−y·f)``."""

    def forward(self, y_true, y_pred):
        true_values, _ = _pair(y_true, y_pred)
        return self._reduce(torch.exp(-_signed(y_true, true_values) * y_pred))


class LogLoss(_Loss):
    """Per element ``softplus(−y·f)`` (logistic loss on margins)."""

    def forward(self, y_true, y_pred):
        true_values, _ = _pair(y_true, y_pred)
        return self._reduce(_softplus(-_signed(y_true, true_values) * y_pred))


class _GANLoss(_Loss):
    def __init__(self, from_logits=True, reduction="mean"):
        super().__init__(reduction)
        self.from_logits = flag(from_logits, "from_logits")

    def _check(self, output, name):
        values = _numbers(output, name)
        if not self.from_logits:
            checks.check_unit_interval(values, name, "probabilities D in [0, 1] (from_logits=False)")
        return values

    def _neg_log_d(self, output):
        if self.from_logits:
            return _softplus(-output)
        return -torch.log(torch.clamp(output, EPSILON, 1.0 - EPSILON))

    def _neg_log_one_minus_d(self, output):
        if self.from_logits:
            return _softplus(output)
        return -torch.log(1.0 - torch.clamp(output, EPSILON, 1.0 - EPSILON))


class GANDiscriminatorLoss(_GANLoss):
    """``reduce(−log D(x)) + reduce(−log(1 − D(G(z))))``; ``forward(d_real, d_fake)``."""

    def forward(self, d_real, d_fake):
        real_values = self._check(d_real, "d_real")
        fake_values = self._check(d_fake, "d_fake")
        real_terms, fake_terms = self._neg_log_d(d_real), self._neg_log_one_minus_d(d_fake)
        if self.reduction == "none":
            checks.check_same_shape(real_values.shape, fake_values.shape, "d_real", "d_fake")
            return real_terms + fake_terms
        return self._reduce(real_terms) + self._reduce(fake_terms)


class GANGeneratorMinimaxLoss(_GANLoss):
    """Per element ``log(1 − D(G(z)))``; ``forward(d_fake)``."""

    def forward(self, d_fake):
        self._check(d_fake, "d_fake")
        return self._reduce(-self._neg_log_one_minus_d(d_fake))


class GANGeneratorNonsaturatingLoss(_GANLoss):
    """Per element ``−log D(G(z))``; ``forward(d_fake)``."""

    def forward(self, d_fake):
        self._check(d_fake, "d_fake")
        return self._reduce(self._neg_log_d(d_fake))


# --- segmentation -----------------------------------------------------------------------------------


def _sum(x, dims):
    return x.sum(dim=dims) if dims else x  # torch sums everything for dim=()


def _score(numerator, denominator):
    """numerator / denominator, and 1 where the denominator is 0 (smooth = 0 on empty inputs)."""
    defined = denominator > 0
    safe = torch.where(defined, denominator, torch.ones_like(denominator))
    return torch.where(defined, numerator / safe, torch.ones_like(denominator))


class _Overlap(_Loss):
    def __init__(self, axis=None, smooth=1.0, reduction="mean"):
        super().__init__(reduction)
        self.axis = axis
        self.smooth = non_negative(smooth, "smooth")

    def _dims(self, y_true, y_pred):
        """Check the inputs; return the dimensions the sums run over."""
        true_values, pred_values = _pair(y_true, y_pred)
        checks.check_unit_interval(true_values, "y_true", "mask values in [0, 1]")
        checks.check_unit_interval(pred_values, "y_pred", "probabilities in [0, 1]")
        return normalize_axes(self.axis, pred_values.ndim)

    def _tversky_index(self, g, p, dims):
        tp = _sum(p * g, dims)
        fp = _sum(p * (1.0 - g), dims)
        fn = _sum((1.0 - p) * g, dims)
        return _score(tp + self.smooth, tp + self.alpha * fp + self.beta * fn + self.smooth)


class Dice(_Overlap):
    """Per score ``1 − (2Σpg + s)/(Σp + Σg + s)`` (``squared``: ``Σp² + Σg²``), sums over ``axis``."""

    def __init__(self, axis=None, smooth=1.0, squared=False, reduction="mean"):
        super().__init__(axis, smooth, reduction)
        self.squared = bool(squared)

    def forward(self, y_true, y_pred):
        g, p, dims = y_true, y_pred, self._dims(y_true, y_pred)
        intersection = _sum(p * g, dims)
        total = _sum(p * p, dims) + _sum(g * g, dims) if self.squared else _sum(p, dims) + _sum(g, dims)
        return self._reduce(1.0 - _score(2.0 * intersection + self.smooth, total + self.smooth))


class Jaccard(_Overlap):
    """Per score ``1 − (TP + s)/(Σp + Σg − TP + s)``, sums over ``axis``."""

    def forward(self, y_true, y_pred):
        g, p, dims = y_true, y_pred, self._dims(y_true, y_pred)
        intersection = _sum(p * g, dims)
        union = _sum(p, dims) + _sum(g, dims) - intersection
        return self._reduce(1.0 - _score(intersection + self.smooth, union + self.smooth))


class Tversky(_Overlap):
    """Per score ``1 − (TP + s)/(TP + α·FP + β·FN + s)``: α weights false positives, β false negatives."""

    def __init__(self, alpha=0.3, beta=0.7, axis=None, smooth=1.0, reduction="mean"):
        super().__init__(axis, smooth, reduction)
        self.alpha = non_negative(alpha, "alpha")
        self.beta = non_negative(beta, "beta")

    def forward(self, y_true, y_pred):
        dims = self._dims(y_true, y_pred)
        return self._reduce(1.0 - self._tversky_index(y_true, y_pred, dims))


class FocalTversky(_Overlap):
    """Per score ``(1 − TI)^{1/γ}`` as ``exp(log(1 − TI)/γ)``, 0 where TI = 1 (Abraham and Khan 2019)."""

    def __init__(self, alpha=0.3, beta=0.7, gamma=4 / 3, axis=None, smooth=1.0, reduction="mean"):
        super().__init__(axis, smooth, reduction)
        self.alpha = non_negative(alpha, "alpha")
        self.beta = non_negative(beta, "beta")
        self.gamma = positive(gamma, "gamma")

    def forward(self, y_true, y_pred):
        dims = self._dims(y_true, y_pred)
        base = 1.0 - self._tversky_index(y_true, y_pred, dims)
        positive_base = base > 0
        safe = torch.where(positive_base, base, torch.ones_like(base))
        losses = torch.where(positive_base, torch.exp(torch.log(safe) / self.gamma), torch.zeros_like(base))
        return self._reduce(losses)
