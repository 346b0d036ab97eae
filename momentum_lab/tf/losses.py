"""Keras 3 versions of ``momentum_lab.losses``: the same formulas, written from scratch in ``keras.ops``.

Each class is a ``keras.losses.Loss`` whose ``call`` returns the unreduced losses exactly as the NumPy
function does with ``reduction="none"`` (per element, per sample or per score; see
``momentum_lab.losses``). Keras then applies its own ``reduction``: the default
``"sum_over_batch_size"`` averages over every returned value, which equals the NumPy ``"mean"``; Keras'
``"sum"`` equals the NumPy ``"sum"``; ``None`` returns the unreduced values. ``sample_weight`` works as
for any Keras loss.

The classes take the same arguments as the NumPy functions (``delta``, ``from_logits``,
``label_smoothing``, ``margin``, ``alpha``, ``beta``, ``gamma``, ``axis``, ``smooth``, ``squared``) plus
Keras' ``reduction``, ``name`` and ``dtype``, and are registered for serialization under the package
``"momentum_lab"``, so a model compiled with them saves to ``.keras`` and loads back.

Differences from the NumPy functions, all due to running inside a traced graph: inputs are not checked
(invalid labels give numbers, not errors), and binary labels are converted with the same rule (any −1
present: used as they are; otherwise ``2y − 1``) but without raising on mixed labels.

Keras trap: a probability tensor produced by ``keras.activations.sigmoid``/``softmax`` carries its logits,
and Keras' *built-in* cross-entropies silently use them (skipping the 1e-7 clip). These classes never do.
"""

import math

import keras
from keras import ops

from momentum_lab._validate import flag, non_negative, positive
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

_register = keras.saving.register_keras_serializable(package="momentum_lab")


class _Loss(keras.losses.Loss):
    """Base class: stores the formula's parameters and puts them in ``get_config``."""

    _params = ()

    def __init__(self, reduction="sum_over_batch_size", name=None, dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        config["dtype"] = self._dtype_policy.name
        config.update({key: getattr(self, key) for key in self._params})
        return config


def _signed_labels(y_true):
    """Labels in {−1, 1} as they are; otherwise (labels in {0, 1}) mapped by 2y − 1."""
    has_minus_one = ops.any(ops.equal(y_true, -1.0))
    return ops.where(has_minus_one, y_true, 2.0 * y_true - 1.0)


def _log_softmax(x):
    return x - ops.logsumexp(x, axis=-1, keepdims=True)


def _log_clipped(p, high=1.0 - EPSILON):
    return ops.log(ops.clip(p, EPSILON, high))


# --- regression -------------------------------------------------------------------------------------


@_register
class MeanSquaredError(_Loss):
    """Per element ``(y_pred − y_true)²``."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(reduction, name, dtype)

    def call(self, y_true, y_pred):
        return ops.square(y_pred - y_true)


@_register
class MeanAbsoluteError(_Loss):
    """Per element ``|y_pred − y_true|``."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(reduction, name, dtype)

    def call(self, y_true, y_pred):
        return ops.abs(y_pred - y_true)


@_register
class Huber(_Loss):
    """Per element ``½e²`` if ``|e| ≤ delta`` else ``delta·|e| − ½delta²``, ``e = y_pred − y_true``."""

    _params = ("delta",)

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber", dtype=None):
        super().__init__(reduction, name, dtype)
        self.delta = positive(delta, "delta")

    def call(self, y_true, y_pred):
        error = y_pred - y_true
        abs_error = ops.abs(error)
        return ops.where(
            abs_error <= self.delta, 0.5 * ops.square(error), self.delta * abs_error - 0.5 * self.delta**2
        )


@_register
class LogCosh(_Loss):
    """Per element ``e + softplus(−2e) − log 2`` (= log cosh e), ``e = y_pred − y_true``."""

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(reduction, name, dtype)

    def call(self, y_true, y_pred):
        error = y_pred - y_true
        return error + ops.softplus(-2.0 * error) - _LOG2


# --- probabilistic ----------------------------------------------------------------------------------


@_register
class BinaryCrossentropy(_Loss):
    """Per element ``softplus(x) − x·y`` (logits) or ``−[y log p + (1 − y) log(1 − p)]``, p clipped to
    ``[1e-7, 1 − 1e-7]``; targets smoothed to ``y(1 − s) + s/2``."""

    _params = ("from_logits", "label_smoothing")

    def __init__(
        self, from_logits=False, label_smoothing=0.0, reduction="sum_over_batch_size", name="binary_crossentropy",
        dtype=None,
    ):
        super().__init__(reduction, name, dtype)
        self.from_logits = flag(from_logits, "from_logits")
        self.label_smoothing = checks.check_label_smoothing(label_smoothing)

    def call(self, y_true, y_pred):
        s = self.label_smoothing
        y = y_true * (1.0 - s) + 0.5 * s
        if self.from_logits:
            return ops.softplus(y_pred) - y_pred * y
        p = ops.clip(y_pred, EPSILON, 1.0 - EPSILON)
        return -(y * ops.log(p) + (1.0 - y) * ops.log(1.0 - p))


def _cross_entropy(y, y_pred, from_logits):
    log_q = _log_softmax(y_pred) if from_logits else _log_clipped(y_pred)
    return -ops.sum(y * log_q, axis=-1)


@_register
class CategoricalCrossentropy(_Loss):
    """Per sample ``−Σ_j y_j log q_j`` (class axis last), ``log q = x − logsumexp(x)`` for logits or
    ``log clip(p, 1e-7, 1 − 1e-7)``; targets smoothed to ``y(1 − s) + s/C``."""

    _params = ("from_logits", "label_smoothing")

    def __init__(
        self, from_logits=False, label_smoothing=0.0, reduction="sum_over_batch_size",
        name="categorical_crossentropy", dtype=None,
    ):
        super().__init__(reduction, name, dtype)
        self.from_logits = flag(from_logits, "from_logits")
        self.label_smoothing = checks.check_label_smoothing(label_smoothing)

    def call(self, y_true, y_pred):
        s = self.label_smoothing
        num_classes = ops.cast(ops.shape(y_pred)[-1], y_pred.dtype)
        y = y_true * (1.0 - s) + s / num_classes
        return _cross_entropy(y, y_pred, self.from_logits)


@_register
class SparseCategoricalCrossentropy(_Loss):
    """``CategoricalCrossentropy`` of ``one_hot(y_true, C)``: integer labels of shape ``y_pred.shape[:-1]``."""

    _params = ("from_logits", "label_smoothing")

    def __init__(
        self, from_logits=False, label_smoothing=0.0, reduction="sum_over_batch_size",
        name="sparse_categorical_crossentropy", dtype=None,
    ):
        super().__init__(reduction, name, dtype)
        self.from_logits = flag(from_logits, "from_logits")
        self.label_smoothing = checks.check_label_smoothing(label_smoothing)

    def call(self, y_true, y_pred):
        s = self.label_smoothing
        num_classes = ops.shape(y_pred)[-1]
        one_hot = ops.one_hot(ops.cast(y_true, "int32"), num_classes, dtype=y_pred.dtype)
        y = one_hot * (1.0 - s) + s / ops.cast(num_classes, y_pred.dtype)
        return _cross_entropy(y, y_pred, self.from_logits)


@_register
class KLDivergence(_Loss):
    """Per sample ``Σ_j p_j (log p_j − log q_j)``, zero-target terms 0, ``log q`` from logits or
    ``log clip(q, 1e-7, 1)``."""

    _params = ("from_logits",)

    def __init__(self, from_logits=False, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(reduction, name, dtype)
        self.from_logits = flag(from_logits, "from_logits")

    def call(self, y_true, y_pred):
        log_q = _log_softmax(y_pred) if self.from_logits else _log_clipped(y_pred, high=1.0)
        log_p = ops.log(ops.where(y_true > 0, y_true, ops.ones_like(y_true)))
        return ops.sum(y_true * (log_p - log_q), axis=-1)


# --- margin -----------------------------------------------------------------------------------------


@_register
class Hinge(_Loss):
    """Per element ``max(0, 1 − y·y_pred)``, labels in {−1, 1} or {0, 1}."""

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(reduction, name, dtype)

    def call(self, y_true, y_pred):
        return ops.relu(1.0 - _signed_labels(y_true) * y_pred)


@_register
class SquaredHinge(_Loss):
    """Per element ``max(0, 1 − y·y_pred)²``, labels in {−1, 1} or {0, 1}."""

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(reduction, name, dtype)

    def call(self, y_true, y_pred):
        return ops.square(ops.relu(1.0 - _signed_labels(y_true) * y_pred))


@_register
class CategoricalHinge(_Loss):
    """Per sample ``max(0, margin + max_{j≠k} x_j − x_k)`` (Crammer–Singer), one-hot labels."""

    _params = ("margin",)

    def __init__(self, margin=1.0, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(reduction, name, dtype)
        self.margin = positive(margin, "margin")

    def call(self, y_true, y_pred):
        true_score = ops.sum(y_true * y_pred, axis=-1)
        wrong_scores = ops.where(y_true > 0.5, ops.full_like(y_pred, -math.inf), y_pred)
        return ops.relu(self.margin + ops.max(wrong_scores, axis=-1) - true_score)


@_register
class WestonWatkinsHinge(_Loss):
    """Per sample ``Σ_{j≠k} max(0, margin + x_j − x_k)``, one-hot labels."""

    _params = ("margin",)

    def __init__(self, margin=1.0, reduction="sum_over_batch_size", name="weston_watkins_hinge", dtype=None):
        super().__init__(reduction, name, dtype)
        self.margin = positive(margin, "margin")

    def call(self, y_true, y_pred):
        true_score = ops.sum(y_true * y_pred, axis=-1, keepdims=True)
        return ops.sum((1.0 - y_true) * ops.relu(self.margin + y_pred - true_score), axis=-1)


# --- classical zoo ----------------------------------------------------------------------------------


@_register
class ZeroOneLoss(_Loss):
    """Per element 1 if ``y·f ≤ 0`` else 0 (gradient 0)."""

    def __init__(self, reduction="sum_over_batch_size", name="zero_one_loss", dtype=None):
        super().__init__(reduction, name, dtype)

    def call(self, y_true, y_pred):
        margins = _signed_labels(y_true) * y_pred
        return ops.cast(margins <= 0.0, y_pred.dtype) + 0.0 * margins


@_register
class ExponentialLoss(_Loss):
    """Per element ``exp(−y·f)``."""

    def __init__(self, reduction="sum_over_batch_size", name="exponential_loss", dtype=None):
        super().__init__(reduction, name, dtype)

    def call(self, y_true, y_pred):
        return ops.exp(-_signed_labels(y_true) * y_pred)


@_register
class LogLoss(_Loss):
    """Per element ``softplus(−y·f)`` (logistic loss on margins)."""

    def __init__(self, reduction="sum_over_batch_size", name="log_loss", dtype=None):
        super().__init__(reduction, name, dtype)

    def call(self, y_true, y_pred):
        return ops.softplus(-_signed_labels(y_true) * y_pred)


def _neg_log_d(output, from_logits):
    return ops.softplus(-output) if from_logits else -_log_clipped(output)


def _neg_log_one_minus_d(output, from_logits):
    if from_logits:
        return ops.softplus(output)
    return -ops.log(1.0 - ops.clip(output, EPSILON, 1.0 - EPSILON))


@_register
class GANDiscriminatorLoss(_Loss):
    """Per element ``−log D(x) − log(1 − D(G(z)))``: call it as ``loss(d_real, d_fake)`` (same shapes)."""

    _params = ("from_logits",)

    def __init__(self, from_logits=True, reduction="sum_over_batch_size", name="gan_discriminator_loss", dtype=None):
        super().__init__(reduction, name, dtype)
        self.from_logits = flag(from_logits, "from_logits")

    def call(self, y_true, y_pred):
        d_real, d_fake = y_true, y_pred
        return _neg_log_d(d_real, self.from_logits) + _neg_log_one_minus_d(d_fake, self.from_logits)


@_register
class GANGeneratorMinimaxLoss(_Loss):
    """Per element ``log(1 − D(G(z)))`` of ``y_pred = d_fake``; ``y_true`` is ignored (pass any tensor)."""

    _params = ("from_logits",)

    def __init__(
        self, from_logits=True, reduction="sum_over_batch_size", name="gan_generator_minimax_loss", dtype=None
    ):
        super().__init__(reduction, name, dtype)
        self.from_logits = flag(from_logits, "from_logits")

    def call(self, y_true, y_pred):
        return -_neg_log_one_minus_d(y_pred, self.from_logits)


@_register
class GANGeneratorNonsaturatingLoss(_Loss):
    """Per element ``−log D(G(z))`` of ``y_pred = d_fake``; ``y_true`` is ignored (pass any tensor)."""

    _params = ("from_logits",)

    def __init__(
        self, from_logits=True, reduction="sum_over_batch_size", name="gan_generator_nonsaturating_loss",
        dtype=None,
    ):
        super().__init__(reduction, name, dtype)
        self.from_logits = flag(from_logits, "from_logits")

    def call(self, y_true, y_pred):
        return _neg_log_d(y_pred, self.from_logits)


# --- segmentation -----------------------------------------------------------------------------------


def _check_axis(axis):
    if axis is None:
        return None
    if isinstance(axis, int) and not isinstance(axis, bool):
        return axis
    axis = tuple(axis)
    if not all(isinstance(a, int) and not isinstance(a, bool) for a in axis):
        raise TypeError(f"axis must be None, an int or a tuple of ints; got axis={axis!r}")
    return list(axis)  # a list, so get_config round-trips through JSON unchanged


def _score(numerator, denominator):
    """numerator / denominator, and 1 where the denominator is 0 (smooth = 0 on empty inputs)."""
    defined = denominator > 0.0
    safe = ops.where(defined, denominator, ops.ones_like(denominator))
    return ops.where(defined, numerator / safe, ops.ones_like(denominator))


def _axis_arg(axis):
    return tuple(axis) if isinstance(axis, list) else axis


class _Overlap(_Loss):
    def _sum(self, x):
        return ops.sum(x, axis=_axis_arg(self.axis))

    def _tversky_index(self, g, p):
        tp = self._sum(p * g)
        fp = self._sum(p * (1.0 - g))
        fn = self._sum((1.0 - p) * g)
        return _score(tp + self.smooth, tp + self.alpha * fp + self.beta * fn + self.smooth)


@_register
class Dice(_Overlap):
    """Per score ``1 − (2Σpg + s)/(Σp + Σg + s)`` (``squared``: ``Σp² + Σg²``), sums over ``axis``."""

    _params = ("axis", "smooth", "squared")

    def __init__(
        self, axis=None, smooth=1.0, squared=False, reduction="sum_over_batch_size", name="dice", dtype=None
    ):
        super().__init__(reduction, name, dtype)
        self.axis = _check_axis(axis)
        self.smooth = non_negative(smooth, "smooth")
        self.squared = bool(squared)

    def call(self, y_true, y_pred):
        g, p = y_true, y_pred
        intersection = self._sum(p * g)
        total = self._sum(ops.square(p)) + self._sum(ops.square(g)) if self.squared else self._sum(p) + self._sum(g)
        return 1.0 - _score(2.0 * intersection + self.smooth, total + self.smooth)


@_register
class Jaccard(_Overlap):
    """Per score ``1 − (TP + s)/(Σp + Σg − TP + s)``, sums over ``axis``."""

    _params = ("axis", "smooth")

    def __init__(self, axis=None, smooth=1.0, reduction="sum_over_batch_size", name="jaccard", dtype=None):
        super().__init__(reduction, name, dtype)
        self.axis = _check_axis(axis)
        self.smooth = non_negative(smooth, "smooth")

    def call(self, y_true, y_pred):
        g, p = y_true, y_pred
        intersection = self._sum(p * g)
        union = self._sum(p) + self._sum(g) - intersection
        return 1.0 - _score(intersection + self.smooth, union + self.smooth)


@_register
class Tversky(_Overlap):
    """Per score ``1 − (TP + s)/(TP + α·FP + β·FN + s)``: α weights false positives, β false negatives
    (Salehi et al. 2017; Keras 3.15.1's own ``Tversky`` has them swapped)."""

    _params = ("alpha", "beta", "axis", "smooth")

    def __init__(
        self, alpha=0.3, beta=0.7, axis=None, smooth=1.0, reduction="sum_over_batch_size", name="tversky", dtype=None
    ):
        super().__init__(reduction, name, dtype)
        self.alpha = non_negative(alpha, "alpha")
        self.beta = non_negative(beta, "beta")
        self.axis = _check_axis(axis)
        self.smooth = non_negative(smooth, "smooth")

    def call(self, y_true, y_pred):
        return 1.0 - self._tversky_index(y_true, y_pred)


@_register
class FocalTversky(_Overlap):
    """Per score ``(1 − TI)^{1/γ}`` as ``exp(log(1 − TI)/γ)``, 0 where TI = 1 (Abraham and Khan 2019)."""

    _params = ("alpha", "beta", "gamma", "axis", "smooth")

    def __init__(
        self, alpha=0.3, beta=0.7, gamma=4 / 3, axis=None, smooth=1.0, reduction="sum_over_batch_size",
        name="focal_tversky", dtype=None,
    ):
        super().__init__(reduction, name, dtype)
        self.alpha = non_negative(alpha, "alpha")
        self.beta = non_negative(beta, "beta")
        self.gamma = positive(gamma, "gamma")
        self.axis = _check_axis(axis)
        self.smooth = non_negative(smooth, "smooth")

    def call(self, y_true, y_pred):
        base = 1.0 - self._tversky_index(y_true, y_pred)
        positive_base = base > 0.0
        safe = ops.where(positive_base, base, ops.ones_like(base))
        return ops.where(positive_base, ops.exp(ops.log(safe) / self.gamma), ops.zeros_like(base))
