"""Keras 3 versions of ``momentum_lab.losses``: the library's formulas evaluated with ``keras.ops``.

Chapters 6–9. Each class is a ``keras.losses.Loss`` whose ``call`` returns one loss **per sample**, as
every Keras built-in does: the formula's per-element losses (from :mod:`momentum_lab.losses`, with
``xp = keras.ops``) averaged over the last axis (``axis`` where Keras has one), or the formula's
per-sample or per-score values for the class-axis and overlap losses. Keras' own ``Loss.__call__`` then
applies ``sample_weight``, masks and ``reduction`` (``"sum_over_batch_size"``, ``"sum"``, ``"mean"``,
``"mean_with_sample_weight"``, ``None``), so they give what the built-ins give.

Conventions:

* A class bearing a Keras built-in's name (``MeanSquaredError``, ``MeanAbsoluteError``, ``Huber``,
  ``LogCosh``, ``BinaryCrossentropy``, ``CategoricalCrossentropy``, ``SparseCategoricalCrossentropy``,
  ``KLDivergence``, ``Hinge``, ``SquaredHinge``, ``CategoricalHinge``, ``Dice``, ``Tversky``) takes the
  built-in's arguments in the built-in's order with its defaults, and computes what it computes; the
  course's conventions are keyword-only extras, off by default: ``label_smoothing`` for the sparse
  cross-entropy, ``from_logits`` for KL, ``margin`` and ``wrong_classes_only`` (Crammer–Singer) for the
  categorical hinge, ``smooth`` and ``squared`` for Dice, ``smooth`` and ``alpha_weights`` for Tversky.
* Two deliberate differences from the built-ins: inputs whose shapes differ after Keras' usual
  squeeze/expand of a trailing axis of length 1 raise ValueError (``MeanSquaredError`` built-in
  broadcasts a (3, 1) target against (3, 3) predictions); and ``LogCosh`` uses log 2 in float64 (the
  built-in rounds it to float32, a 1.9e-9 difference).
* The other classes (``WestonWatkinsHinge``, ``ZeroOneLoss``, ``ExponentialLoss``, ``LogLoss``, the GAN
  losses, ``Jaccard``, ``FocalTversky``) have no Keras counterpart and take the NumPy functions' arguments.
* Inputs are not checked for their values (a traced graph cannot raise on data): invalid labels give
  numbers, not errors, and NaN gives NaN. Their dtypes are static and are checked: complex, boolean and
  string inputs (and sample weights) raise TypeError naming the argument, where Keras would cast them.
  Arguments are checked when the loss is built (flags True or False, ``reduction`` one of Keras' names,
  ``axis`` an int or a tuple of ints, settings that make a loss meaningless such as Tversky's α = β = 0),
  and ``axis`` against the inputs' rank when the loss runs, before TensorFlow sees it.
* Probability tensors produced by ``keras.activations.sigmoid``/``softmax`` carry their
  logits, which the Keras built-ins silently use (skipping the clip); these classes never do.

Every class is registered for serialization under the package ``"momentum_lab"``, so a model compiled
with them saves to ``.keras`` and loads back.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np
import numpy.typing as npt
from keras import ops
from keras.src.backend.common.masking import set_keras_mask  # what Keras' own sparse cross-entropy calls
from keras.src.losses.loss import squeeze_or_expand_to_same_rank  # what every Keras built-in applies first

from momentum_lab._validate import _KIND_ADVICE, flag, non_negative, normalize_axes, positive
from momentum_lab.losses import CLASS_NAMES, classical, margin, probabilistic, regression, segmentation
from momentum_lab.losses._ops import EPSILON
from momentum_lab.losses._validate import (
    check_axis_argument,
    check_balancing_alpha,
    check_class_weight_number,
    check_class_weights,
    check_cosine_margin,
    check_integer,
    check_label_smoothing,
    check_same_shape,
    check_tversky_weights,
)

__all__ = list(CLASS_NAMES)

#: A tensor of the Keras backend (TensorFlow here), or a symbolic ``KerasTensor`` while a model is traced.
KerasTensor = Any
#: ``axis`` of the overlap losses: None (every axis), one axis, or several.
Axis = int | tuple[int, ...] | list[int] | None

#: The ``reduction`` values of ``keras.losses.Loss``.
KERAS_REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)

_register = keras.saving.register_keras_serializable(package="momentum_lab")
_BATCH = "sum_over_batch_size"


def _axis_config(axis):
    """``axis`` with a tuple stored as a list, so ``get_config`` round-trips through JSON unchanged (the
    axes are checked by ``normalize_axes`` when the loss first runs, once the number of dimensions is known)."""
    return list(axis) if isinstance(axis, tuple) else axis


def _dtype_of(value):
    """``(kind, name)`` of an input's static dtype: the NumPy kind (``"c"`` complex, ``"b"`` booleans, ``"U"``
    strings, ``"f"`` any real Keras dtype) and the dtype's name; None when it has none that can be read (Keras
    then reports the input itself)."""
    dtype = getattr(value, "dtype", None)
    if dtype is None:
        if isinstance(value, (str, bytes)):
            return "U", type(value).__name__
        try:
            dtype = np.asarray(value).dtype
        except (TypeError, ValueError):
            return None
    if isinstance(dtype, np.dtype):
        return dtype.kind, str(dtype)
    try:
        name = keras.backend.standardize_dtype(dtype)
    except (TypeError, ValueError):
        return None
    kind = "b" if name == "bool" else "c" if name.startswith("complex") else "U" if name == "string" else "f"
    return kind, name


def _check_real(value, name):
    """Raise TypeError naming ``name`` unless ``value`` holds real numbers: Keras would cast complex numbers to
    their real part and booleans to 0/1 without a word."""
    found = _dtype_of(value)
    if found is not None and found[0] not in "iuf":
        advice = _KIND_ADVICE.get(found[0], "values that are not real numbers")
        raise TypeError(f"{name} must hold real numbers (integers or floats); got dtype {found[1]} ({advice})")


def _check_axis_in_rank(axis, y_pred):
    """At call time: raise ValueError naming ``axis`` and the rank of ``y_pred`` when the axis does not exist."""
    if axis is not None:
        normalize_axes(axis, len(y_pred.shape))


class _Loss(keras.losses.Loss):
    """Base class: ``call`` aligns the ranks as Keras does, checks the shapes and returns ``per_sample``.

    ``_params`` names the attributes that ``get_config`` stores (and ``from_config`` passes back); ``_inputs``
    the names of the two inputs in error messages.
    """

    _params: tuple[str, ...] = ()
    _inputs = ("y_true", "y_pred")

    def __init__(self, reduction: str | None = _BATCH, name: str | None = None, dtype: str | None = None) -> None:
        if not (reduction is None or isinstance(reduction, str)) or reduction not in KERAS_REDUCTIONS:
            raise ValueError(f"reduction must be one of {KERAS_REDUCTIONS}; got reduction={reduction!r}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"name must be a string or None; got name={name!r} ({type(name).__name__})")
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def __call__(
        self, y_true: KerasTensor, y_pred: KerasTensor, sample_weight: KerasTensor | None = None
    ) -> KerasTensor:
        """Keras' ``Loss.__call__`` after checking that the inputs hold real numbers (their dtypes are static,
        so this runs in traced graphs too)."""
        _check_real(y_true, self._inputs[0])
        _check_real(y_pred, self._inputs[1])
        if sample_weight is not None:
            _check_real(sample_weight, "sample_weight")
        return super().__call__(y_true, y_pred, sample_weight=sample_weight)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["dtype"] = self._dtype_policy.name
        config.update({key: getattr(self, key) for key in self._params})
        return config

    def call(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        check_same_shape(y_true.shape, y_pred.shape)
        return self.per_sample(y_true, y_pred)

    def per_sample(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        raise NotImplementedError


# --- regression -------------------------------------------------------------------------------------


@_register
class MeanSquaredError(_Loss):
    """``keras.losses.MeanSquaredError``: per sample ``mean((y_pred − y_true)², axis=-1)``.

    Edge cases (besides the input checks of the module's docstring): errors beyond about 1e154 overflow to inf when
    squared, as in the frameworks.
    """

    def __init__(
        self, reduction: str | None = _BATCH, name: str | None = "mean_squared_error", dtype: str | None = None
    ) -> None:
        super().__init__(reduction, name, dtype)

    def per_sample(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        return ops.mean(regression.squared_error_values(ops, y_true, y_pred), axis=-1)


@_register
class MeanAbsoluteError(_Loss):
    """``keras.losses.MeanAbsoluteError``: per sample ``mean(|y_pred − y_true|, axis=-1)``.

    Edge cases (besides the input checks of the module's docstring): any finite error gives a finite value.
    """

    def __init__(
        self, reduction: str | None = _BATCH, name: str | None = "mean_absolute_error", dtype: str | None = None
    ) -> None:
        super().__init__(reduction, name, dtype)

    def per_sample(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        return ops.mean(regression.absolute_error_values(ops, y_true, y_pred), axis=-1)


@_register
class Huber(_Loss):
    """``keras.losses.Huber``: per sample the mean over the last axis of ``½e²`` if ``|e| ≤ delta`` else
    ``delta·|e| − ½delta²``, ``e = y_pred − y_true``.

    Edge cases (besides the input checks of the module's docstring): any finite error gives a finite value (linear
    branch).
    """

    _params = ("delta",)

    def __init__(
        self,
        delta: float = 1.0,
        reduction: str | None = _BATCH,
        name: str | None = "huber_loss",
        dtype: str | None = None,
    ) -> None:
        super().__init__(reduction, name, dtype)
        self.delta = positive(delta, "delta")

    def per_sample(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        return ops.mean(regression.huber_values(ops, y_true, y_pred, self.delta), axis=-1)


@_register
class LogCosh(_Loss):
    """``keras.losses.LogCosh``: per sample ``mean(e + softplus(−2e) − log 2, axis=-1)`` (log 2 in float64).

    Edge cases (besides the input checks of the module's docstring): any finite error gives a finite value (no cosh
    is formed).
    """

    def __init__(self, reduction: str | None = _BATCH, name: str | None = "log_cosh", dtype: str | None = None) -> None:
        super().__init__(reduction, name, dtype)

    def per_sample(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        return ops.mean(regression.log_cosh_values(ops, y_true, y_pred), axis=-1)


# --- probabilistic ----------------------------------------------------------------------------------


@_register
class BinaryCrossentropy(_Loss):
    """``keras.losses.BinaryCrossentropy``: per sample the mean over ``axis`` of
    ``y·softplus(−x) + (1 − y)·softplus(x)`` (= ``softplus(x) − x·y``)
    (logits) or ``−[y log p + (1 − y) log(1 − p)]`` with p clipped to ``[1e-7, 1 − 1e-7]``; targets
    smoothed to ``y(1 − s) + s/2``.

    Edge cases (besides the input checks of the module's docstring): logits of any finite size give finite values
    (softplus and logsumexp forms). Probabilities of exactly 0 or 1 are clipped (or, in torch's BCE, their logs
    floored at −100).
    """

    _params = ("from_logits", "label_smoothing", "axis")

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = _BATCH,
        name: str | None = "binary_crossentropy",
        dtype: str | None = None,
    ) -> None:
        super().__init__(reduction, name, dtype)
        self.from_logits = flag(from_logits, "from_logits")
        self.label_smoothing = check_label_smoothing(label_smoothing)
        self.axis = check_axis_argument(axis, allow_none=False)

    def per_sample(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        _check_axis_in_rank(self.axis, y_pred)
        losses = probabilistic.binary_crossentropy_values(ops, y_true, y_pred, self.from_logits, self.label_smoothing)
        return ops.mean(losses, axis=self.axis)


def _rescaled(y_pred, axis):
    """``p / Σp`` along ``axis`` (Keras' rescaling of probabilities); a row of zeros stays zeros (Keras' gives
    0/0 = NaN there), so the clip then costs it ``−log(1e-7)`` per unit of target."""
    total = ops.sum(y_pred, axis=axis, keepdims=True)
    return y_pred / ops.where(total > 0, total, ops.ones_like(total))


@_register
class CategoricalCrossentropy(_Loss):
    """``keras.losses.CategoricalCrossentropy``: per sample ``−Σ_j y_j log q_j`` along ``axis``, with
    ``log q = x − logsumexp(x)`` for logits, or ``log clip(p / Σp, 1e-7, 1 − 1e-7)`` (probabilities are
    first rescaled to sum to 1, as Keras does); targets smoothed to ``y(1 − s) + s/C``.

    Edge cases (besides the input checks of the module's docstring): logits of any finite size give finite values
    (softplus and logsumexp forms). An all-zero probability row costs −log(1e-7) per unit of target (Keras' built-in
    gives NaN).
    """

    _params = ("from_logits", "label_smoothing", "axis")

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = _BATCH,
        name: str | None = "categorical_crossentropy",
        dtype: str | None = None,
    ) -> None:
        super().__init__(reduction, name, dtype)
        self.from_logits = flag(from_logits, "from_logits")
        self.label_smoothing = check_label_smoothing(label_smoothing)
        self.axis = check_axis_argument(axis, allow_none=False)

    def per_sample(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        _check_axis_in_rank(self.axis, y_pred)
        if not self.from_logits:
            y_pred = _rescaled(y_pred, self.axis)
        return probabilistic.cross_entropy_values(
            ops, y_true, y_pred, self.from_logits, self.label_smoothing, self.axis
        )


@_register
class SparseCategoricalCrossentropy(_Loss):
    """``keras.losses.SparseCategoricalCrossentropy``: ``CategoricalCrossentropy`` of ``one_hot(y_true)``.

    As in Keras, probabilities are clipped to ``[1e-7, 1 − 1e-7]`` and their logarithms then used as
    logits, which rescales the clipped rows to sum to 1.

    Labels have the shape of ``y_pred`` without its class axis, or with it of length 1 (squeezed away).
    Samples labelled ``ignore_class`` get loss 0 and a mask, so Keras' mean skips them. Keyword-only
    ``label_smoothing`` (not in Keras) smooths the one-hot rows to ``y(1 − s) + s/C``.

    Edge cases (besides the input checks of the module's docstring): logits of any finite size give finite values
    (softplus and logsumexp forms). Probabilities of exactly 0 or 1 are clipped (or, in torch's BCE, their logs
    floored at −100).
    """

    _params = ("from_logits", "ignore_class", "axis", "label_smoothing")

    def __init__(
        self,
        from_logits: bool = False,
        ignore_class: int | None = None,
        reduction: str | None = _BATCH,
        axis: int = -1,
        name: str | None = "sparse_categorical_crossentropy",
        dtype: str | None = None,
        *,
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(reduction, name, dtype)
        self.from_logits = flag(from_logits, "from_logits")
        self.ignore_class = None if ignore_class is None else check_integer(ignore_class, "ignore_class")
        self.axis = check_axis_argument(axis, allow_none=False)
        self.label_smoothing = check_label_smoothing(label_smoothing)

    def call(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        axis = normalize_axes(self.axis, len(y_pred.shape))[0]
        if len(y_true.shape) == len(y_pred.shape) and y_true.shape[axis] == 1:
            y_true = ops.squeeze(y_true, axis=axis)
        without_classes = tuple(y_pred.shape[:axis]) + tuple(y_pred.shape[axis + 1 :])
        check_same_shape(y_true.shape, without_classes, "y_true", "y_pred without its class axis")
        labels = ops.cast(y_true, "int32")
        valid = None
        if self.ignore_class is not None:
            valid = ops.not_equal(labels, self.ignore_class)
            labels = ops.where(valid, labels, 0)
        one_hot = ops.one_hot(labels, y_pred.shape[axis], axis=axis, dtype=y_pred.dtype)
        logits = y_pred if self.from_logits else probabilistic.log_probabilities(ops, y_pred, False)
        losses = probabilistic.cross_entropy_values(ops, one_hot, logits, True, self.label_smoothing, axis)
        if valid is not None:
            losses = ops.where(valid, losses, 0.0)
            set_keras_mask(losses, valid)
        return losses


@_register
class KLDivergence(_Loss):
    """``keras.losses.KLDivergence``: per sample ``Σ_j p_j (log p_j − log q_j)`` with p and q clipped to
    ``[1e-7, 1]`` (as Keras; a zero target adds ``1e-7·log(1e-7/q)``); keyword-only ``from_logits`` takes
    ``log q = x − logsumexp(x)`` instead.

    Edge cases (besides the input checks of the module's docstring): logits of any finite size give finite values
    (softplus and logsumexp forms). Probabilities of exactly 0 or 1 are clipped (or, in torch's BCE, their logs
    floored at −100).
    """

    _params = ("from_logits",)

    def __init__(
        self,
        reduction: str | None = _BATCH,
        name: str | None = "kl_divergence",
        dtype: str | None = None,
        *,
        from_logits: bool = False,
    ) -> None:
        super().__init__(reduction, name, dtype)
        self.from_logits = flag(from_logits, "from_logits")

    def per_sample(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        log_q = probabilistic.log_probabilities(ops, y_pred, self.from_logits, high=1.0)
        p = ops.clip(y_true, EPSILON, 1.0)
        return ops.sum(probabilistic.kl_divergence_terms(ops, p, log_q), axis=-1)


# --- margin -----------------------------------------------------------------------------------------


@_register
class Hinge(_Loss):
    """``keras.losses.Hinge``: per sample ``mean(max(0, 1 − y·y_pred), axis=-1)``; labels {0, 1} become
    {−1, 1} when every label is 0 or 1.

    Edge cases (besides the input checks of the module's docstring): scores of any finite size give finite values.
    """

    def __init__(self, reduction: str | None = _BATCH, name: str | None = "hinge", dtype: str | None = None) -> None:
        super().__init__(reduction, name, dtype)

    def per_sample(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        return ops.mean(margin.hinge_values(ops, y_true, y_pred), axis=-1)


@_register
class SquaredHinge(_Loss):
    """``keras.losses.SquaredHinge``: per sample ``mean(max(0, 1 − y·y_pred)², axis=-1)``.

    Edge cases (besides the input checks of the module's docstring): scores of any finite size give finite values.
    """

    def __init__(
        self, reduction: str | None = _BATCH, name: str | None = "squared_hinge", dtype: str | None = None
    ) -> None:
        super().__init__(reduction, name, dtype)

    def per_sample(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        return ops.mean(margin.squared_hinge_values(ops, y_true, y_pred), axis=-1)


@_register
class CategoricalHinge(_Loss):
    """``keras.losses.CategoricalHinge``: per sample ``max(0, margin + max_j((1 − y)·x)_j − Σ y·x)``, the true
    class entering the maximum as a 0. Keyword-only: ``margin`` (Keras: 1), and ``wrong_classes_only=True``
    for Crammer–Singer's ``max_{j≠k} x_j`` (the course's :func:`momentum_lab.losses.categorical_hinge`).

    Edge cases (besides the input checks of the module's docstring): scores of any finite size give finite values.
    """

    _params = ("margin", "wrong_classes_only")

    def __init__(
        self,
        reduction: str | None = _BATCH,
        name: str | None = "categorical_hinge",
        dtype: str | None = None,
        *,
        margin: float = 1.0,
        wrong_classes_only: bool = False,
    ) -> None:
        super().__init__(reduction, name, dtype)
        self.margin = positive(margin, "margin")
        self.wrong_classes_only = flag(wrong_classes_only, "wrong_classes_only")

    def per_sample(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        return margin.categorical_hinge_values(ops, y_true, y_pred, self.margin, self.wrong_classes_only)


@_register
class WestonWatkinsHinge(_Loss):
    """Per sample ``Σ_{j≠k} max(0, margin + x_j − x_k)``, one-hot labels.

    Edge cases (besides the input checks of the module's docstring): scores of any finite size give finite values.
    """

    _params = ("margin",)

    def __init__(
        self,
        margin: float = 1.0,
        reduction: str | None = _BATCH,
        name: str | None = "weston_watkins_hinge",
        dtype: str | None = None,
    ) -> None:
        super().__init__(reduction, name, dtype)
        self.margin = positive(margin, "margin")

    def per_sample(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        return margin.weston_watkins_hinge_values(ops, y_true, y_pred, self.margin)


# --- classical zoo ----------------------------------------------------------------------------------


@_register
class ZeroOneLoss(_Loss):
    """Per sample the mean over the last axis of 1 if ``y·f ≤ 0`` else 0 (gradient 0).

    Edge cases (besides the input checks of the module's docstring): scores of any finite size give finite values.
    """

    def __init__(
        self, reduction: str | None = _BATCH, name: str | None = "zero_one_loss", dtype: str | None = None
    ) -> None:
        super().__init__(reduction, name, dtype)

    def per_sample(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        return ops.mean(classical.zero_one_values(ops, y_true, y_pred), axis=-1)


@_register
class ExponentialLoss(_Loss):
    """Per sample ``mean(exp(−y·f), axis=-1)``.

    Edge cases (besides the input checks of the module's docstring): margins below about −709.78 give inf (the true
    value exceeds float64), never NaN.
    """

    def __init__(
        self, reduction: str | None = _BATCH, name: str | None = "exponential_loss", dtype: str | None = None
    ) -> None:
        super().__init__(reduction, name, dtype)

    def per_sample(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        return ops.mean(classical.exponential_values(ops, y_true, y_pred), axis=-1)


@_register
class LogLoss(_Loss):
    """Per sample ``mean(softplus(−y·f), axis=-1)`` (logistic loss on margins).

    Edge cases (besides the input checks of the module's docstring): logits of any finite size give finite values
    (softplus and logsumexp forms). Probabilities of exactly 0 or 1 are clipped (or, in torch's BCE, their logs
    floored at −100).
    """

    def __init__(self, reduction: str | None = _BATCH, name: str | None = "log_loss", dtype: str | None = None) -> None:
        super().__init__(reduction, name, dtype)

    def per_sample(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        return ops.mean(classical.log_loss_values(ops, y_true, y_pred), axis=-1)


class _GANLoss(_Loss):
    _params = ("from_logits",)

    def __init__(self, from_logits: bool, reduction: str | None, name: str | None, dtype: str | None) -> None:
        super().__init__(reduction, name, dtype)
        self.from_logits = flag(from_logits, "from_logits")


@_register
class GANDiscriminatorLoss(_GANLoss):
    """Per sample ``mean(−log D(x) − log(1 − D(G(z))), axis=-1)``: call it as ``loss(d_real, d_fake)``.

    Edge cases (besides the input checks of the module's docstring): logits of any finite size give finite values
    (softplus and logsumexp forms). Probabilities of exactly 0 or 1 are clipped (or, in torch's BCE, their logs
    floored at −100).
    """

    _inputs = ("d_real", "d_fake")

    def __init__(
        self,
        from_logits: bool = True,
        reduction: str | None = _BATCH,
        name: str | None = "gan_discriminator_loss",
        dtype: str | None = None,
    ) -> None:
        super().__init__(from_logits, reduction, name, dtype)

    def per_sample(self, d_real: KerasTensor, d_fake: KerasTensor) -> KerasTensor:
        terms = classical.neg_log_d(ops, d_real, self.from_logits) + classical.neg_log_one_minus_d(
            ops, d_fake, self.from_logits
        )
        return ops.mean(terms, axis=-1)


@_register
class GANGeneratorMinimaxLoss(_GANLoss):
    """Per sample ``mean(log(1 − D(G(z))), axis=-1)`` of ``y_pred = d_fake``; ``y_true`` is ignored.

    Edge cases (besides the input checks of the module's docstring): logits of any finite size give finite values
    (softplus and logsumexp forms). Probabilities of exactly 0 or 1 are clipped (or, in torch's BCE, their logs
    floored at −100).
    """

    def __init__(
        self,
        from_logits: bool = True,
        reduction: str | None = _BATCH,
        name: str | None = "gan_generator_minimax_loss",
        dtype: str | None = None,
    ) -> None:
        super().__init__(from_logits, reduction, name, dtype)

    def call(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        return ops.mean(-classical.neg_log_one_minus_d(ops, y_pred, self.from_logits), axis=-1)


@_register
class GANGeneratorNonsaturatingLoss(_GANLoss):
    """Per sample ``mean(−log D(G(z)), axis=-1)`` of ``y_pred = d_fake``; ``y_true`` is ignored.

    Edge cases (besides the input checks of the module's docstring): logits of any finite size give finite values
    (softplus and logsumexp forms). Probabilities of exactly 0 or 1 are clipped (or, in torch's BCE, their logs
    floored at −100).
    """

    def __init__(
        self,
        from_logits: bool = True,
        reduction: str | None = _BATCH,
        name: str | None = "gan_generator_nonsaturating_loss",
        dtype: str | None = None,
    ) -> None:
        super().__init__(from_logits, reduction, name, dtype)

    def call(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        return ops.mean(classical.neg_log_d(ops, y_pred, self.from_logits), axis=-1)


# --- segmentation -----------------------------------------------------------------------------------


class _Overlap(_Loss):
    def _axes(self, y_pred: KerasTensor) -> tuple[int, ...] | None:
        return None if self.axis is None else normalize_axes(self.axis, len(y_pred.shape))


def _keras_smooth(smooth):
    """``(s, ε)``: Keras' form (0, 1e-7 in the denominator only) for ``smooth=None``, else ``(s, 0)``."""
    return (0.0, EPSILON) if smooth is None else (non_negative(smooth, "smooth"), 0.0)


@_register
class Dice(_Overlap):
    """``keras.losses.Dice``: per score ``1 − 2·Σpg / (Σp + Σg + 1e-7)``, sums over ``axis`` (None: all).

    Keyword-only: ``smooth=s`` gives the library's ``1 − (2·Σpg + s)/(Σp + Σg + s)`` instead, and
    ``squared=True`` the V-Net denominator ``Σp² + Σg²``.

    Edge cases (besides the input checks of the module's docstring): with the default smooth=None (Keras' 1e-7
    in the denominator only) an empty mask with an empty prediction has loss 1, as in the built-in; with
    smooth=s >= 0 it has loss 0 and gradient 0 (no 0/0).
    """

    _params = ("axis", "smooth", "squared")

    def __init__(
        self,
        reduction: str | None = _BATCH,
        name: str | None = "dice",
        axis: Axis = None,
        dtype: str | None = None,
        *,
        smooth: float | None = None,
        squared: bool = False,
    ) -> None:
        super().__init__(reduction, name, dtype)
        self.axis = _axis_config(check_axis_argument(axis))
        self.smooth = None if smooth is None else non_negative(smooth, "smooth")
        self.squared = flag(squared, "squared")

    def per_sample(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        s, epsilon = _keras_smooth(self.smooth)
        return segmentation.dice_values(ops, y_true, y_pred, self._axes(y_pred), s, self.squared, epsilon)


@_register
class Jaccard(_Overlap):
    """Per score ``1 − (TP + s)/(Σp + Σg − TP + s)``, sums over ``axis``.

    Edge cases (besides the input checks of the module's docstring): an empty mask with an empty prediction scores a
    loss of 0 with gradient 0, even with smooth 0 (no 0/0).
    """

    _params = ("axis", "smooth")

    def __init__(
        self,
        axis: Axis = None,
        smooth: float = 1.0,
        reduction: str | None = _BATCH,
        name: str | None = "jaccard",
        dtype: str | None = None,
    ) -> None:
        super().__init__(reduction, name, dtype)
        self.axis = _axis_config(check_axis_argument(axis))
        self.smooth = non_negative(smooth, "smooth")

    def per_sample(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        return segmentation.jaccard_values(ops, y_true, y_pred, self._axes(y_pred), self.smooth)


_ALPHA_WEIGHTS = ("false_negatives", "false_positives")


@_register
class Tversky(_Overlap):
    """``keras.losses.Tversky`` of Keras 3.15: per score ``1 − TP / (TP + alpha·FN + beta·FP + 1e-7)``.

    Keras 3.15.1 multiplies the false negatives by ``alpha`` although its docstring (and Salehi et al.
    2017) give ``alpha`` to the false positives; Keras master fixes this. Keyword-only
    ``alpha_weights="false_positives"`` selects the paper's (and the course's) convention,
    ``1 − TP / (TP + alpha·FP + beta·FN + ...)``; ``smooth=s`` adds ``s`` to the numerator and the
    denominator instead of the 1e-7. With ``alpha = beta`` (the default ½) the two conventions agree.

    Edge cases (besides the input checks of the module's docstring): with the default smooth=None (Keras' 1e-7
    in the denominator only) an empty mask with an empty prediction has loss 1, as in the built-in; with
    smooth=s >= 0 it has loss 0 and gradient 0 (no 0/0).
    """

    _params = ("alpha", "beta", "axis", "smooth", "alpha_weights")

    def __init__(
        self,
        alpha: float = 0.5,
        beta: float = 0.5,
        reduction: str | None = _BATCH,
        name: str | None = "tversky",
        axis: Axis = None,
        dtype: str | None = None,
        *,
        smooth: float | None = None,
        alpha_weights: str = "false_negatives",
    ) -> None:
        super().__init__(reduction, name, dtype)
        self.alpha, self.beta = check_tversky_weights(alpha, beta)
        self.axis = _axis_config(check_axis_argument(axis))
        self.smooth = None if smooth is None else non_negative(smooth, "smooth")
        if alpha_weights not in _ALPHA_WEIGHTS:
            raise ValueError(f"alpha_weights must be one of {_ALPHA_WEIGHTS}; got alpha_weights={alpha_weights!r}")
        self.alpha_weights = alpha_weights

    def per_sample(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        s, epsilon = _keras_smooth(self.smooth)
        if self.alpha_weights == "false_positives":
            fp_weight, fn_weight = self.alpha, self.beta
        else:  # Keras 3.15: alpha multiplies the false negatives
            fp_weight, fn_weight = self.beta, self.alpha
        return segmentation.tversky_values(ops, y_true, y_pred, fp_weight, fn_weight, self._axes(y_pred), s, epsilon)


@_register
class FocalTversky(_Overlap):
    """Per score ``(1 − TI)^{1/γ}``, ``TI = (TP + s)/(TP + α·FP + β·FN + s)`` (α weights the false
    positives, as in Salehi et al. and the course), 0 where TI = 1 (Abraham and Khan 2019).

    Edge cases (besides the input checks of the module's docstring): an empty mask with an empty prediction scores a
    loss of 0 with gradient 0, even with smooth 0 (no 0/0).
    """

    _params = ("alpha", "beta", "gamma", "axis", "smooth")

    def __init__(
        self,
        alpha: float = 0.3,
        beta: float = 0.7,
        gamma: float = 4 / 3,
        axis: Axis = None,
        smooth: float = 1.0,
        reduction: str | None = _BATCH,
        name: str | None = "focal_tversky",
        dtype: str | None = None,
    ) -> None:
        super().__init__(reduction, name, dtype)
        self.alpha, self.beta = check_tversky_weights(alpha, beta)
        self.gamma = positive(gamma, "gamma")
        self.axis = _axis_config(check_axis_argument(axis))
        self.smooth = non_negative(smooth, "smooth")

    def per_sample(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        return segmentation.focal_tversky_values(
            ops, y_true, y_pred, self.alpha, self.beta, self.gamma, self._axes(y_pred), self.smooth
        )


# --- image losses (chapter 14) ------------------------------------------------------------------------
# Channels-last images (batch, H, W, C), one loss per image; none has a Keras built-in (TensorFlow has the
# functions tf.image.ssim and tf.image.total_variation, which these classes reproduce).

from momentum_lab._validate import positive_int  # noqa: E402 - this section is appended to the module
from momentum_lab.losses import image as _image  # noqa: E402

# Not in ``__all__``: the tables of the module's tests cover the classes above; these are tested in
# tests/test_losses_image.py and named in ``momentum_lab.losses.image.IMAGE_CLASS_NAMES``.


class _ImageLoss(_Loss):
    _minimum = 1

    def call(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        check_same_shape(y_true.shape, y_pred.shape)
        _image.check_images(y_pred.shape, "y_pred", self._minimum)
        return self.per_sample(y_true, y_pred)


@_register
class SSIMLoss(_ImageLoss):
    """Per image ``1 − SSIM(y_true, y_pred)`` (:func:`momentum_lab.losses.ssim`, ``tf.image.ssim``'s
    formula: Gaussian window ``filter_size``/``filter_sigma``, ``C1 = (k1·max_val)²``, ``C2 = (k2·max_val)²``),
    computed in the inputs' dtype (``tf.image.ssim`` casts to float32).

    Edge cases (besides the input checks of the module's docstring): any finite images give finite values.
    """

    _params = ("max_val", "filter_size", "filter_sigma", "k1", "k2")

    def __init__(
        self,
        max_val: float = 1.0,
        filter_size: int = 11,
        filter_sigma: float = 1.5,
        k1: float = 0.01,
        k2: float = 0.03,
        reduction: str | None = _BATCH,
        name: str | None = "ssim_loss",
        dtype: str | None = None,
    ) -> None:
        super().__init__(reduction, name, dtype)
        (self.max_val, self.filter_size, self.filter_sigma, self.k1, self.k2) = _image._ssim_args(
            max_val, filter_size, filter_sigma, k1, k2
        )
        self._minimum = self.filter_size
        self._window = _image.window_weights(self.filter_size, self.filter_sigma)

    def per_sample(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        return 1.0 - _image.ssim_values(ops, y_true, y_pred, self._window, self.max_val, self.k1, self.k2)


@_register
class TotalVariation(_ImageLoss):
    """Per image the total variation of ``y_pred`` (``tf.image.total_variation``); ``y_true`` is ignored
    (a regularizer: add it to another loss, or compile with it for a pure smoothing objective).

    Edge cases (besides the input checks of the module's docstring): any finite images give finite values.
    """

    def __init__(
        self, reduction: str | None = _BATCH, name: str | None = "total_variation", dtype: str | None = None
    ) -> None:
        super().__init__(reduction, name, dtype)

    def per_sample(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        return _image.total_variation_values(ops, y_pred)


@_register
class PerceptualLoss(_ImageLoss):
    """Per image the mean squared difference of fixed filter features ``box_pool(relu(filter ⋆ x))``
    (:func:`momentum_lab.losses.perceptual`; ``filters=None`` is ``edge_filter_bank()``).

    Edge cases (besides the input checks of the module's docstring): any finite images give finite values.
    """

    _params = ("filters", "pool")

    def __init__(
        self,
        filters: npt.ArrayLike | None = None,
        pool: int = 8,
        reduction: str | None = _BATCH,
        name: str | None = "perceptual_loss",
        dtype: str | None = None,
    ) -> None:
        super().__init__(reduction, name, dtype)
        self._bank = _image.edge_filter_bank() if filters is None else _image.check_filters(filters)
        self.filters = None if filters is None else self._bank.tolist()
        self.pool = positive_int(pool, "pool")
        self._minimum = self._bank.shape[0] + self.pool - 1
        self._taps = _image.filter_taps(self._bank)

    def per_sample(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        return _image.perceptual_values(ops, y_true, y_pred, self._taps, self.pool)


# --- metric, contrastive and focal losses (chapter 13) ------------------------------------------------
#
# No Keras built-in takes two or three embeddings, so the metric losses read them from ``y_pred``: distances
# of shape (N,) for ``Contrastive`` (as the former TensorFlow Addons loss), and the embeddings stacked on
# axis 1 for the others, ``(N, 2, D)`` or ``(N, 3, D)``. ``y_true`` holds the pair labels where the loss has
# them and is ignored otherwise. The focal losses bear the Keras built-ins' names, arguments and defaults.

from momentum_lab.losses import METRIC_FOCAL_CLASS_NAMES, focal, metric  # noqa: E402

__all__ += list(METRIC_FOCAL_CLASS_NAMES)


class _Stacked(_Loss):
    """``y_pred`` of shape ``(N, k, D)``: the k embeddings of each sample; ``y_true`` is passed through."""

    _members = 2

    def call(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        if len(y_pred.shape) != 3 or y_pred.shape[1] != self._members:
            raise ValueError(
                f"y_pred must have shape (N, {self._members}, D) (the embeddings stacked on axis 1); "
                f"got y_pred.shape={tuple(y_pred.shape)}"
            )
        return self.per_sample(y_true, [y_pred[:, k, :] for k in range(self._members)])


@_register
class Contrastive(_Loss):
    """Per pair ``½[y d² + (1 − y) max(0, margin − d)²]``: ``y_true`` 1 for a similar pair, 0 for a
    dissimilar one, ``y_pred`` the distances d, shape ``(N,)`` (Hadsell et al. 2006).

    Edge cases (besides the input checks of the module's docstring): with eps 0, equal embeddings are at distance 0
    with gradient 0 (not NaN).
    """

    _params = ("margin",)

    def __init__(
        self,
        margin: float = 1.0,
        reduction: str | None = _BATCH,
        name: str | None = "contrastive",
        dtype: str | None = None,
    ) -> None:
        super().__init__(reduction, name, dtype)
        self.margin = positive(margin, "margin")

    def per_sample(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        return metric.contrastive_values(ops, y_true, y_pred, self.margin)


@_register
class TripletMargin(_Stacked):
    """Per triplet ``max(0, d(a, p) − d(a, n) + margin)``, ``d(u, v) = ‖u − v + eps‖_p`` (``swap``: the
    negative distance is ``min(d(a, n), d(p, n))``); ``y_pred`` stacks ``[anchor, positive, negative]`` as
    ``(N, 3, D)``, ``y_true`` is ignored. ``torch.nn.TripletMarginLoss``'s arguments and defaults.

    Edge cases (besides the input checks of the module's docstring): with eps 0, equal embeddings are at distance 0
    with gradient 0 (not NaN).
    """

    _members = 3
    _params = ("margin", "p", "eps", "swap")

    def __init__(
        self,
        margin: float = 1.0,
        p: float = 2.0,
        eps: float = 1e-6,
        swap: bool = False,
        reduction: str | None = _BATCH,
        name: str | None = "triplet_margin",
        dtype: str | None = None,
    ) -> None:
        super().__init__(reduction, name, dtype)
        self.margin = positive(margin, "margin")
        self.p = metric.check_norm_order(p)
        self.eps = non_negative(eps, "eps")
        self.swap = flag(swap, "swap")

    def per_sample(self, y_true: KerasTensor, embeddings: list[KerasTensor]) -> KerasTensor:
        anchor, positive, negative = embeddings
        return metric.triplet_margin_values(ops, anchor, positive, negative, self.margin, self.p, self.eps, self.swap)


@_register
class CosineEmbedding(_Stacked):
    """Per pair ``1 − cos`` where ``y_true = 1``, ``max(0, cos − margin)`` where ``y_true = −1``; ``y_pred``
    stacks the two embeddings as ``(N, 2, D)``. ``torch.nn.CosineEmbeddingLoss``'s formula and epsilon.

    Edge cases (besides the input checks of the module's docstring): a zero embedding has cosine 0 with everything
    (no 0/0).
    """

    _params = ("margin",)

    def __init__(
        self,
        margin: float = 0.0,
        reduction: str | None = _BATCH,
        name: str | None = "cosine_embedding",
        dtype: str | None = None,
    ) -> None:
        super().__init__(reduction, name, dtype)
        self.margin = check_cosine_margin(margin)

    def per_sample(self, y_true: KerasTensor, embeddings: list[KerasTensor]) -> KerasTensor:
        x1, x2 = embeddings
        rows, labels = x1.shape[0], math.prod(y_true.shape) if None not in tuple(y_true.shape) else None
        if rows is not None and labels is not None and labels != rows:
            raise ValueError(
                f"y_true must hold one label per pair of y_pred ({rows} pairs, y_pred.shape=({rows}, 2, "
                f"{x1.shape[-1]})); got y_true.shape={tuple(y_true.shape)}"
            )
        return metric.cosine_embedding_values(ops, ops.reshape(y_true, (-1,)), x1, x2, self.margin)


def _identity(y_pred):
    return ops.eye(ops.shape(y_pred)[0], dtype=y_pred.dtype)


@_register
class InfoNCE(_Stacked):
    """Per query ``−log softmax_j(S_ij/τ)`` at ``j = i``, ``S`` the (cosine) similarities between the first and
    the second embeddings of ``y_pred`` ``(N, 2, D)``; ``y_true`` is ignored (van den Oord et al. 2018).

    Edge cases (besides the input checks of the module's docstring): a zero embedding has cosine 0 with everything;
    tiny temperatures give finite values (logsumexp).
    """

    _params = ("temperature", "cosine")

    def __init__(
        self,
        temperature: float = 0.1,
        cosine: bool = True,
        reduction: str | None = _BATCH,
        name: str | None = "info_nce",
        dtype: str | None = None,
    ) -> None:
        super().__init__(reduction, name, dtype)
        self.temperature = positive(temperature, "temperature")
        self.cosine = flag(cosine, "cosine")

    def per_sample(self, y_true: KerasTensor, embeddings: list[KerasTensor]) -> KerasTensor:
        z1, z2 = embeddings
        return metric.info_nce_values(ops, z1, z2, _identity(z1), self.temperature, self.cosine)


@_register
class NTXent(_Stacked):
    """Per positive pair the mean of the two NT-Xent directions (SimCLR, Chen et al. 2020), the two views
    stacked in ``y_pred`` ``(N, 2, D)``; ``y_true`` is ignored.

    Edge cases (besides the input checks of the module's docstring): a zero embedding has cosine 0 with everything;
    tiny temperatures give finite values (logsumexp).
    """

    _params = ("temperature",)

    def __init__(
        self,
        temperature: float = 0.5,
        reduction: str | None = _BATCH,
        name: str | None = "nt_xent",
        dtype: str | None = None,
    ) -> None:
        super().__init__(reduction, name, dtype)
        self.temperature = positive(temperature, "temperature")

    def per_sample(self, y_true: KerasTensor, embeddings: list[KerasTensor]) -> KerasTensor:
        z1, z2 = embeddings
        return metric.nt_xent_values(ops, z1, z2, _identity(z1), self.temperature)


@_register
class BinaryFocalCrossentropy(_Loss):
    """``keras.losses.BinaryFocalCrossentropy``: per sample the mean over ``axis`` of
    ``w (1 − p_t)^γ BCE`` (``w = αy + (1 − α)(1 − y)`` with ``apply_class_balancing``, else 1); from logits,
    ``BCE = y·softplus(−x) + (1 − y)·softplus(x)`` and ``1 − p_t`` from ``e^{−softplus(±x)}``, never through σ(x).

    Edge cases (besides the input checks of the module's docstring): logits of any finite size give finite values
    (softplus and logsumexp forms). Probabilities of exactly 0 or 1 are clipped (or, in torch's BCE, their logs
    floored at −100).
    """

    _params = ("apply_class_balancing", "alpha", "gamma", "from_logits", "label_smoothing", "axis")

    def __init__(
        self,
        apply_class_balancing: bool = False,
        alpha: float = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = _BATCH,
        name: str | None = "binary_focal_crossentropy",
        dtype: str | None = None,
    ) -> None:
        super().__init__(reduction, name, dtype)
        self.apply_class_balancing = flag(apply_class_balancing, "apply_class_balancing")
        self.alpha = check_balancing_alpha(alpha)
        self.gamma = non_negative(gamma, "gamma")
        self.from_logits = flag(from_logits, "from_logits")
        self.label_smoothing = check_label_smoothing(label_smoothing)
        self.axis = check_axis_argument(axis, allow_none=False)

    def per_sample(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        _check_axis_in_rank(self.axis, y_pred)
        losses = focal.binary_focal_crossentropy_values(
            ops,
            y_true,
            y_pred,
            self.apply_class_balancing,
            self.alpha,
            self.gamma,
            self.from_logits,
            self.label_smoothing,
        )
        return ops.mean(losses, axis=self.axis)


@_register
class CategoricalFocalCrossentropy(_Loss):
    """``keras.losses.CategoricalFocalCrossentropy``: per sample ``−Σ_j α_j (1 − q_j)^γ y_j log q_j`` along
    ``axis``; probabilities are rescaled to sum to 1 and clipped to ``[1e-7, 1 − 1e-7]`` as Keras does,
    logits give ``log q = x − logsumexp(x)`` (Keras clips their softmax too). ``alpha``: a number or one
    weight per class.

    Edge cases (besides the input checks of the module's docstring): logits of any finite size give finite values
    (softplus and logsumexp forms). An all-zero probability row is clipped, not NaN (Keras' built-in gives NaN).
    """

    _params = ("alpha", "gamma", "from_logits", "label_smoothing", "axis")

    def __init__(
        self,
        alpha: float | Sequence[float] = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = _BATCH,
        name: str | None = "categorical_focal_crossentropy",
        dtype: str | None = None,
    ) -> None:
        super().__init__(reduction, name, dtype)
        if isinstance(alpha, (list, tuple, np.ndarray)) and np.ndim(alpha) > 0:
            self.alpha = check_class_weights(alpha, "alpha").tolist()
        else:
            self.alpha = check_class_weight_number(alpha, "alpha")
        self.gamma = non_negative(gamma, "gamma")
        self.from_logits = flag(from_logits, "from_logits")
        self.label_smoothing = check_label_smoothing(label_smoothing)
        self.axis = check_axis_argument(axis, allow_none=False)

    def per_sample(self, y_true: KerasTensor, y_pred: KerasTensor) -> KerasTensor:
        _check_axis_in_rank(self.axis, y_pred)
        if isinstance(self.alpha, list) and len(self.alpha) != y_pred.shape[self.axis]:
            raise ValueError(
                f"alpha must hold one weight per class, shape ({y_pred.shape[self.axis]},) (y_pred has "
                f"{y_pred.shape[self.axis]} classes on axis {self.axis}); got {len(self.alpha)} weights"
            )
        if not self.from_logits:
            y_pred = _rescaled(y_pred, self.axis)
        alpha = ops.convert_to_tensor(self.alpha, dtype=y_pred.dtype)
        return focal.categorical_focal_crossentropy_values(
            ops, y_true, y_pred, alpha, self.gamma, self.from_logits, self.label_smoothing, self.axis
        )
