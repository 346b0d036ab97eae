"""PyTorch versions of ``momentum_lab.losses``: the library's formulas evaluated with torch operations.

Chapters 6–9. Each class is a ``torch.nn.Module`` that follows PyTorch's loss conventions:

* ``forward(input, target)``: predictions first, targets second (``torch.nn.MSELoss`` order; the NumPy
  functions and Keras take ``(y_true, y_pred)``). The GAN losses take ``forward(d_real, d_fake)`` and
  ``forward(d_fake)``.
* ``reduction="mean"`` (default), ``"sum"`` or ``"none"``; ``KLDivergence`` also ``"batchmean"``. As in
  torch, ``"mean"`` averages every element of an elementwise loss (and of ``KLDivergence``'s terms), the
  samples of a class-axis loss, and the scores of an overlap loss.
* Weights where torch has them: ``weight`` (elementwise) and ``pos_weight`` (logits only) for
  ``BinaryCrossentropy``, as ``BCELoss``/``BCEWithLogitsLoss``; per-class ``weight`` for the categorical
  cross-entropies and ``ignore_index=-100`` for the sparse one, as ``CrossEntropyLoss`` (a weighted mean
  divides by the summed weights of the kept samples); ``log_target`` for ``KLDivergence``, as ``KLDivLoss``.
* Binary cross-entropy on probabilities floors each logarithm at −100 as ``BCELoss`` does (a saturated
  p = 0 for a positive costs 100, where Keras' clip to 1e-7 costs 16.1). Gradients agree with torch's
  wherever p(1 − p) ≥ 1e-12 (torch divides by max(p(1 − p), 1e-12)); at p = 0 or 1 ours is 0.
* The class axis is the last one (``torch.nn.functional.cross_entropy`` uses dimension 1).

The formulas run on ``torch_ops``, a shim that gives torch functions NumPy's names. Inputs are checked
in eager mode with the NumPy library's checks (bad labels, probabilities outside [0, 1], NaN, empty tensors,
mismatched shapes raise ValueError/TypeError naming ``input`` or ``target``); while ``torch.compile``
traces, only the static checks run (types, dtypes, shapes, arguments), so the checks cause no graph break.
Complex and boolean tensors always raise TypeError (torch would cast them to real numbers without a word).
Constructor arguments are checked when the module is built: flags are True or False, weights real and >= 0,
``axis`` an int or a tuple of ints (checked against the input's rank in ``forward``), and settings that
make a loss meaningless (Tversky's α = β = 0, a zero focal α, a temperature <= 0, ...) raise ValueError.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import cast

import numpy.typing as npt
import torch
import torch.nn.functional as F

from momentum_lab._validate import _KIND_ADVICE, flag, non_negative, normalize_axes, positive
from momentum_lab.losses import CLASS_NAMES, classical, margin, probabilistic, regression, segmentation
from momentum_lab.losses._validate import (
    check_axis_argument,
    check_balancing_alpha,
    check_binary_labels,
    check_class_weight_number,
    check_class_weights,
    check_cosine_margin,
    check_distribution,
    check_integer,
    check_label_smoothing,
    check_one_hot,
    check_reduction,
    check_same_shape,
    check_tversky_weights,
    check_unit_interval,
    class_indices,
    values_of,
)

#: ``axis`` of the overlap losses: None (every axis), one axis, or several.
Axis = int | tuple[int, ...] | list[int] | None

__all__ = list(CLASS_NAMES)


# --- the ops namespace ------------------------------------------------------------------------------


def _softplus(x):
    """log(1 + e^x) as ``logaddexp(0, x)``: no overflow, and autograd gives σ(x) everywhere
    (``F.softplus`` returns x itself above its threshold 20). Integer tensors are taken in the default float
    dtype (torch has no ``logaddexp`` of integers)."""
    if not x.is_floating_point():
        x = x.to(torch.get_default_dtype())
    return torch.logaddexp(torch.zeros_like(x), x)


def _maximum(x, floor):
    return torch.clamp(x, min=floor)


def _sum(x, axis=None, keepdims=False):
    return torch.sum(x, dim=axis, keepdim=keepdims)


def _mean(x, axis=None, keepdims=False):
    return torch.mean(x, dim=axis, keepdim=keepdims)


def _max(x, axis=None, keepdims=False):
    return x.amax() if axis is None else torch.amax(x, dim=axis, keepdim=keepdims)


def _logsumexp(x, axis=None, keepdims=False):
    return torch.logsumexp(x, dim=tuple(range(x.ndim)) if axis is None else axis, keepdim=keepdims)


#: The operations of :mod:`momentum_lab.losses._ops`, under the same names, for torch tensors.
torch_ops = SimpleNamespace(
    abs=torch.abs,
    all=torch.all,
    clip=torch.clamp,
    exp=torch.exp,
    log=torch.log,
    log1p=torch.log1p,
    logsumexp=_logsumexp,
    max=_max,
    maximum=_maximum,
    mean=_mean,
    relu=torch.relu,
    softplus=_softplus,
    square=torch.square,
    sum=_sum,
    where=torch.where,
)
T = torch_ops


# --- checks -----------------------------------------------------------------------------------------


def _eager():
    """True unless ``torch.compile`` is tracing: value checks need the numbers, so they run eagerly only."""
    return not torch.compiler.is_compiling()


def _tensor(value, name):
    """``value``, checked to be a tensor of real numbers (its dtype is static, so ``torch.compile`` traces it)."""
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor; got {type(value).__name__}")
    dtype = value.dtype
    if dtype.is_complex or dtype == torch.bool:
        advice = _KIND_ADVICE["c"] if dtype.is_complex else "booleans; convert a mask with .float()"
        raise TypeError(f"{name} must hold real numbers (integers or floats); got dtype {dtype} ({advice})")
    return value


def _weight(value, name, *, per_class=False):
    """A weight tensor of a constructor (None, or real, finite and >= 0; per class: a vector, not all 0)."""
    if value is None:
        return None
    _tensor(value, name)
    values = _numbers(value, name)
    if per_class:
        check_class_weights(values, name)
    elif (values < 0).any():
        raise ValueError(f"{name} must hold weights >= 0; got {name}.min()={float(values.min())!r}")
    return value


def _check_broadcast(weight, name, input):
    """Raise unless ``weight`` broadcasts to the shape of ``input`` (it must not enlarge the loss)."""
    w_shape, shape = tuple(weight.shape), tuple(input.shape)
    fits = len(w_shape) <= len(shape) and all(a in (1, b) for a, b in zip(reversed(w_shape), reversed(shape)))
    if not fits:
        raise ValueError(
            f"{name} must broadcast to the shape of input; got {name}.shape={w_shape} and input.shape={shape}"
        )


def _check_class_vector(weight, name, num_classes):
    """Raise unless a per-class ``weight`` (or None) has one entry per class of the input."""
    if weight is not None and tuple(weight.shape) != (num_classes,):
        raise ValueError(
            f"{name} must hold one weight per class, shape ({num_classes},) (input has "
            f"{num_classes} classes on its last axis); got {name}.shape={tuple(weight.shape)}"
        )


def _numbers(tensor, name):
    """The values of ``tensor`` as a checked (finite, non-empty) float64 NumPy array (eager mode only)."""
    return values_of(tensor.detach().cpu().to(torch.float64).numpy(), name)


def _pair(input, target):
    """Check two same-shaped tensors; in eager mode return their values ``(input, target)``, else None."""
    _tensor(input, "input")
    _tensor(target, "target")
    check_same_shape(target.shape, input.shape, "target", "input")
    if _eager():
        return _numbers(input, "input"), _numbers(target, "target")
    return None


class _Loss(torch.nn.Module):
    _reductions: tuple[str, ...] = ("mean", "sum", "none")

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = check_reduction(reduction, self._reductions)

    def _reduce(self, losses):
        """Apply ``reduction``; losses of integer inputs (``(input − target)²`` of two integer tensors) are
        taken in the default float dtype first, as the NumPy functions take every input in float64."""
        if not losses.is_floating_point():
            losses = losses.to(torch.get_default_dtype())
        if self.reduction == "mean":
            return losses.mean()
        if self.reduction == "sum":
            return losses.sum()
        return losses

    def extra_repr(self):
        return f"reduction={self.reduction!r}"


# --- regression -------------------------------------------------------------------------------------


class MeanSquaredError(_Loss):
    """Per element ``(input − target)²`` (``torch.nn.MSELoss``).

    Edge cases (besides the input checks of the module's docstring): errors beyond about 1e154 overflow to inf when
    squared, as in the frameworks.
    """

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        _pair(input, target)
        return self._reduce(regression.squared_error_values(T, target, input))


class MeanAbsoluteError(_Loss):
    """Per element ``|input − target|`` (``torch.nn.L1Loss``).

    Edge cases (besides the input checks of the module's docstring): any finite error gives a finite value.
    """

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        _pair(input, target)
        return self._reduce(regression.absolute_error_values(T, target, input))


class Huber(_Loss):
    """Per element ``½e²`` if ``|e| ≤ delta`` else ``delta·|e| − ½delta²``, ``e = input − target``
    (``torch.nn.HuberLoss``).

    Edge cases (besides the input checks of the module's docstring): any finite error gives a finite value (linear
    branch).
    """

    def __init__(self, delta: float = 1.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.delta = positive(delta, "delta")

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        _pair(input, target)
        return self._reduce(regression.huber_values(T, target, input, self.delta))


class LogCosh(_Loss):
    """Per element ``e + softplus(−2e) − log 2`` (= log cosh e), ``e = input − target``.

    Edge cases (besides the input checks of the module's docstring): any finite error gives a finite value (no cosh
    is formed).
    """

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        _pair(input, target)
        return self._reduce(regression.log_cosh_values(T, target, input))


# --- probabilistic ----------------------------------------------------------------------------------


def _check_probabilities(values, from_logits, name="input"):
    if not from_logits:
        check_unit_interval(values, name, "probabilities in [0, 1] (from_logits=False)")


def _class_axis(input):
    if input.ndim == 0:
        raise ValueError(f"input must have a class axis last; got a scalar input of shape {tuple(input.shape)}")
    return input.shape[-1]


class BinaryCrossentropy(_Loss):
    """Per element ``y·softplus(−x) + (1 − y)·softplus(x)`` (+ ``(pos_weight − 1)·y·softplus(−x)``) for logits x, as
    ``BCEWithLogitsLoss``, or ``−[y·max(log p, −100) + (1 − y)·max(log(1 − p), −100)]`` for probabilities,
    as ``BCELoss``; times ``weight``; targets smoothed to ``y(1 − s) + s/2``.

    Edge cases (besides the input checks of the module's docstring): logits of any finite size give finite values
    (softplus and logsumexp forms). Probabilities of exactly 0 or 1 are clipped (or, in torch's BCE, their logs
    floored at −100).
    """

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        reduction: str = "mean",
        weight: torch.Tensor | None = None,
        pos_weight: torch.Tensor | None = None,
    ) -> None:
        super().__init__(reduction)
        self.from_logits = flag(from_logits, "from_logits")
        self.label_smoothing = check_label_smoothing(label_smoothing)
        if pos_weight is not None and not self.from_logits:
            raise ValueError("pos_weight weighs logits (BCEWithLogitsLoss); got pos_weight with from_logits=False")
        self.register_buffer("weight", _weight(weight, "weight"))
        self.register_buffer("pos_weight", _weight(pos_weight, "pos_weight"))

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        values = _pair(input, target)
        for name in ("weight", "pos_weight"):
            if getattr(self, name) is not None:
                _check_broadcast(getattr(self, name), name, input)
        if values is not None:
            check_unit_interval(values[1], "target", "targets in [0, 1]")
            _check_probabilities(values[0], self.from_logits)
        losses = probabilistic.binary_crossentropy_values(
            T, target, input, self.from_logits, self.label_smoothing, probabilistic.TORCH_LOG_FLOOR, self.pos_weight
        )
        return self._reduce(losses if self.weight is None else losses * self.weight)


class CategoricalCrossentropy(_Loss):
    """Per sample ``−Σ_j w_j y_j log q_j`` over the last axis, targets smoothed to ``y(1 − s) + s/C``,
    ``w`` the per-class ``weight`` (``CrossEntropyLoss`` with probability targets, classes last).

    Edge cases (besides the input checks of the module's docstring): logits of any finite size give finite values
    (softplus and logsumexp forms). Probabilities of exactly 0 or 1 are clipped (or, in torch's BCE, their logs
    floored at −100).
    """

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        reduction: str = "mean",
        weight: torch.Tensor | None = None,
    ) -> None:
        super().__init__(reduction)
        self.from_logits = flag(from_logits, "from_logits")
        self.label_smoothing = check_label_smoothing(label_smoothing)
        self.register_buffer("weight", _weight(weight, "weight", per_class=True))

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        values = _pair(input, target)
        _check_class_vector(self.weight, "weight", _class_axis(input))
        if values is not None:
            check_distribution(values[1], "target")
            _check_probabilities(values[0], self.from_logits)
        return self._reduce(
            probabilistic.cross_entropy_values(
                T, target, input, self.from_logits, self.label_smoothing, class_weight=self.weight
            )
        )


class SparseCategoricalCrossentropy(_Loss):
    """``CategoricalCrossentropy`` of ``one_hot(target, C)``: integer targets of shape ``input.shape[:-1]``
    (``CrossEntropyLoss`` with class indices, classes last). Targets equal to ``ignore_index`` cost 0 and
    leave the mean; with ``weight``, ``"mean"`` divides by ``Σ_i weight[target_i]`` over the kept samples.

    Edge cases (besides the input checks of the module's docstring): logits of any finite size give finite values
    (softplus and logsumexp forms). Probabilities of exactly 0 or 1 are clipped (or, in torch's BCE, their logs
    floored at −100).
    """

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        reduction: str = "mean",
        weight: torch.Tensor | None = None,
        ignore_index: int = -100,
    ) -> None:
        super().__init__(reduction)
        self.from_logits = flag(from_logits, "from_logits")
        self.label_smoothing = check_label_smoothing(label_smoothing)
        self.register_buffer("weight", _weight(weight, "weight", per_class=True))
        self.ignore_index = check_integer(ignore_index, "ignore_index")

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        _tensor(input, "input")
        _tensor(target, "target")
        num_classes = _class_axis(input)
        _check_class_vector(self.weight, "weight", num_classes)
        if tuple(target.shape) != tuple(input.shape[:-1]):
            raise ValueError(
                "target must have shape input.shape[:-1] (one class index per sample); "
                f"got target.shape={tuple(target.shape)} and input.shape={tuple(input.shape)}"
            )
        if _eager():  # ignored entries are checked as class 0
            kept_labels = torch.where(target == self.ignore_index, 0, target).detach().cpu().numpy()
            class_indices(kept_labels, num_classes, "target", "input")
            _check_probabilities(_numbers(input, "input"), self.from_logits)
        kept = target != self.ignore_index
        labels = torch.where(kept, target, 0).long()
        one_hot = F.one_hot(labels, num_classes).to(input.dtype)
        losses = probabilistic.cross_entropy_values(
            T, one_hot, input, self.from_logits, self.label_smoothing, class_weight=self.weight
        )
        losses = torch.where(kept, losses, 0.0)
        if self.reduction != "mean":
            return self._reduce(losses)
        if self.weight is None:
            sample_weight = kept.to(input.dtype)
        else:
            sample_weight = torch.where(kept, cast(torch.Tensor, self.weight)[labels], 0.0)
        total = sample_weight.sum()
        if _eager() and not total.item() > 0:
            raise ValueError(
                f"the weighted mean over the kept samples is 0/0: every target equals ignore_index="
                f"{self.ignore_index} or has weight 0 (torch's CrossEntropyLoss returns nan); use reduction='sum'"
            )
        return losses.sum() / total


class KLDivergence(_Loss):
    """Per element ``p (log p − log q)`` (0 where p = 0), ``log q`` from ``input`` (probabilities, clipped to
    ``[1e-7, 1]``, or logits), ``p = target`` (or ``log p`` with ``log_target``), as ``KLDivLoss``:
    ``"mean"`` averages every element, ``"batchmean"`` (the true KL per sample) divides the sum by
    ``input.shape[0]``.

    Edge cases (besides the input checks of the module's docstring): logits of any finite size give finite values
    (softplus and logsumexp forms). Probabilities of exactly 0 or 1 are clipped (or, in torch's BCE, their logs
    floored at −100).
    """

    _reductions = ("mean", "sum", "none", "batchmean")

    def __init__(self, from_logits: bool = False, reduction: str = "mean", log_target: bool = False) -> None:
        super().__init__(reduction)
        self.from_logits = flag(from_logits, "from_logits")
        self.log_target = flag(log_target, "log_target")

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        values = _pair(input, target)
        _class_axis(input)
        if values is not None:
            if not self.log_target:
                check_distribution(values[1], "target")
            _check_probabilities(values[0], self.from_logits)
        log_q = probabilistic.log_probabilities(T, input, self.from_logits, high=1.0)
        terms = probabilistic.kl_divergence_terms(T, target, log_q, self.log_target)
        if self.reduction == "batchmean":
            return terms.sum() / input.shape[0]
        return self._reduce(terms)


# --- margin -----------------------------------------------------------------------------------------


def _binary_pair(input, target):
    values = _pair(input, target)
    if values is not None:
        check_binary_labels(values[1], "target")


class Hinge(_Loss):
    """Per element ``max(0, 1 − y·input)``, target labels y in {−1, 1} or {0, 1}.

    Edge cases (besides the input checks of the module's docstring): scores of any finite size give finite values.
    """

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        _binary_pair(input, target)
        return self._reduce(margin.hinge_values(T, target, input))


class SquaredHinge(_Loss):
    """Per element ``max(0, 1 − y·input)²``, target labels y in {−1, 1} or {0, 1}.

    Edge cases (besides the input checks of the module's docstring): scores of any finite size give finite values.
    """

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        _binary_pair(input, target)
        return self._reduce(margin.squared_hinge_values(T, target, input))


class _MulticlassHinge(_Loss):
    def __init__(self, margin: float = 1.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.margin = positive(margin, "margin")

    def _check(self, input, target):
        values = _pair(input, target)
        if input.ndim == 0 or input.shape[-1] < 2:
            raise ValueError(
                f"input must have at least 2 classes on its last axis; got input.shape={tuple(input.shape)}"
            )
        if values is not None:
            check_one_hot(values[1], "target")


class CategoricalHinge(_MulticlassHinge):
    """Per sample ``max(0, margin + max_{j≠k} x_j − x_k)`` (Crammer–Singer), one-hot targets.

    Edge cases (besides the input checks of the module's docstring): scores of any finite size give finite values.
    """

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        self._check(input, target)
        return self._reduce(margin.categorical_hinge_values(T, target, input, self.margin))


class WestonWatkinsHinge(_MulticlassHinge):
    """Per sample ``Σ_{j≠k} max(0, margin + x_j − x_k)``, one-hot targets.

    Edge cases (besides the input checks of the module's docstring): scores of any finite size give finite values.
    """

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        self._check(input, target)
        return self._reduce(margin.weston_watkins_hinge_values(T, target, input, self.margin))


# --- classical zoo ----------------------------------------------------------------------------------


class ZeroOneLoss(_Loss):
    """Per element 1 if ``y·input ≤ 0`` else 0 (gradient 0).

    Edge cases (besides the input checks of the module's docstring): scores of any finite size give finite values.
    """

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        _binary_pair(input, target)
        return self._reduce(classical.zero_one_values(T, target, input))


class ExponentialLoss(_Loss):
    """Per element ``exp(−y·input)``.

    Edge cases (besides the input checks of the module's docstring): margins below about −709.78 give inf (the true
    value exceeds float64), never NaN.
    """

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        _binary_pair(input, target)
        return self._reduce(classical.exponential_values(T, target, input))


class LogLoss(_Loss):
    """Per element ``softplus(−y·input)`` (logistic loss on margins).

    Edge cases (besides the input checks of the module's docstring): logits of any finite size give finite values
    (softplus and logsumexp forms). Probabilities of exactly 0 or 1 are clipped (or, in torch's BCE, their logs
    floored at −100).
    """

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        _binary_pair(input, target)
        return self._reduce(classical.log_loss_values(T, target, input))


class _GANLoss(_Loss):
    def __init__(self, from_logits: bool = True, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.from_logits = flag(from_logits, "from_logits")

    def _check(self, output, name):
        _tensor(output, name)
        if _eager():
            values = _numbers(output, name)
            if not self.from_logits:
                check_unit_interval(values, name, "probabilities D in [0, 1] (from_logits=False)")


class GANDiscriminatorLoss(_GANLoss):
    """``reduce(−log D(x)) + reduce(−log(1 − D(G(z))))``; ``forward(d_real, d_fake)``.

    Edge cases (besides the input checks of the module's docstring): logits of any finite size give finite values
    (softplus and logsumexp forms). Probabilities of exactly 0 or 1 are clipped (or, in torch's BCE, their logs
    floored at −100).
    """

    def forward(self, d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor:
        self._check(d_real, "d_real")
        self._check(d_fake, "d_fake")
        real_terms = classical.neg_log_d(T, d_real, self.from_logits)
        fake_terms = classical.neg_log_one_minus_d(T, d_fake, self.from_logits)
        if self.reduction == "none":
            check_same_shape(d_real.shape, d_fake.shape, "d_real", "d_fake")
            return real_terms + fake_terms
        return self._reduce(real_terms) + self._reduce(fake_terms)


class GANGeneratorMinimaxLoss(_GANLoss):
    """Per element ``log(1 − D(G(z)))``; ``forward(d_fake)``.

    Edge cases (besides the input checks of the module's docstring): logits of any finite size give finite values
    (softplus and logsumexp forms). Probabilities of exactly 0 or 1 are clipped (or, in torch's BCE, their logs
    floored at −100).
    """

    def forward(self, d_fake: torch.Tensor) -> torch.Tensor:
        self._check(d_fake, "d_fake")
        return self._reduce(-classical.neg_log_one_minus_d(T, d_fake, self.from_logits))


class GANGeneratorNonsaturatingLoss(_GANLoss):
    """Per element ``−log D(G(z))``; ``forward(d_fake)``.

    Edge cases (besides the input checks of the module's docstring): logits of any finite size give finite values
    (softplus and logsumexp forms). Probabilities of exactly 0 or 1 are clipped (or, in torch's BCE, their logs
    floored at −100).
    """

    def forward(self, d_fake: torch.Tensor) -> torch.Tensor:
        self._check(d_fake, "d_fake")
        return self._reduce(classical.neg_log_d(T, d_fake, self.from_logits))


# --- segmentation -----------------------------------------------------------------------------------


class _Overlap(_Loss):
    def __init__(self, axis: Axis = None, smooth: float = 1.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.axis = check_axis_argument(axis)
        self.smooth = non_negative(smooth, "smooth")

    def _axes(self, input, target):
        """Check probabilities ``input`` and mask ``target``; return the axes the sums run over."""
        values = _pair(input, target)
        if values is not None:
            check_unit_interval(values[1], "target", "mask values in [0, 1]")
            check_unit_interval(values[0], "input", "probabilities in [0, 1]")
        return normalize_axes(self.axis, input.ndim)


class Dice(_Overlap):
    """Per score ``1 − (2Σpg + s)/(Σp + Σg + s)`` (``squared``: ``Σp² + Σg²``), ``p = input``,
    ``g = target``, sums over ``axis``.

    Edge cases (besides the input checks of the module's docstring): an empty mask with an empty prediction scores a
    loss of 0 with gradient 0, even with smooth 0 (no 0/0).
    """

    def __init__(self, axis: Axis = None, smooth: float = 1.0, squared: bool = False, reduction: str = "mean") -> None:
        super().__init__(axis, smooth, reduction)
        self.squared = flag(squared, "squared")

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        axes = self._axes(input, target)
        return self._reduce(segmentation.dice_values(T, target, input, axes, self.smooth, self.squared))


class Jaccard(_Overlap):
    """Per score ``1 − (TP + s)/(Σp + Σg − TP + s)``, sums over ``axis``.

    Edge cases (besides the input checks of the module's docstring): an empty mask with an empty prediction scores a
    loss of 0 with gradient 0, even with smooth 0 (no 0/0).
    """

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        axes = self._axes(input, target)
        return self._reduce(segmentation.jaccard_values(T, target, input, axes, self.smooth))


class Tversky(_Overlap):
    """Per score ``1 − (TP + s)/(TP + α·FP + β·FN + s)``: α weights false positives, β false negatives.

    Edge cases (besides the input checks of the module's docstring): an empty mask with an empty prediction scores a
    loss of 0 with gradient 0, even with smooth 0 (no 0/0).
    """

    def __init__(
        self, alpha: float = 0.3, beta: float = 0.7, axis: Axis = None, smooth: float = 1.0, reduction: str = "mean"
    ) -> None:
        super().__init__(axis, smooth, reduction)
        self.alpha, self.beta = check_tversky_weights(alpha, beta)

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        axes = self._axes(input, target)
        return self._reduce(segmentation.tversky_values(T, target, input, self.alpha, self.beta, axes, self.smooth))


class FocalTversky(Tversky):
    """Per score ``(1 − TI)^{1/γ}`` as ``exp(log(1 − TI)/γ)``, 0 where TI = 1 (Abraham and Khan 2019).

    Edge cases (besides the input checks of the module's docstring): an empty mask with an empty prediction scores a
    loss of 0 with gradient 0, even with smooth 0 (no 0/0).
    """

    def __init__(
        self,
        alpha: float = 0.3,
        beta: float = 0.7,
        gamma: float = 4 / 3,
        axis: Axis = None,
        smooth: float = 1.0,
        reduction: str = "mean",
    ) -> None:
        super().__init__(alpha, beta, axis, smooth, reduction)
        self.gamma = positive(gamma, "gamma")

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        axes = self._axes(input, target)
        return self._reduce(
            segmentation.focal_tversky_values(T, target, input, self.alpha, self.beta, self.gamma, axes, self.smooth)
        )


# --- image losses (chapter 14) ------------------------------------------------------------------------
# PyTorch's image layout (N, C, H, W), moved channels-last for the shared formulas; one loss per image,
# reduced by ``reduction``. PyTorch has no built-in for any of them.

from momentum_lab._validate import positive_int  # noqa: E402 - this section is appended to the module
from momentum_lab.losses import image as _image  # noqa: E402

# Not in ``__all__``: the tables of the module's tests cover the classes above; these are tested in
# tests/test_losses_image.py and named in ``momentum_lab.losses.image.IMAGE_CLASS_NAMES``.


def _channels_last(images, name, minimum):
    """``(..., C, H, W)`` → ``(..., H, W, C)``, after checking the layout and the size."""
    if images.ndim < 3:
        raise ValueError(
            f"{name} must be images shaped (..., channels, height, width); got {name}.shape={tuple(images.shape)}"
        )
    moved = images.movedim(-3, -1)
    _image.check_images(moved.shape, f"{name} (as (..., H, W, C))", minimum)
    return moved


class SSIMLoss(_Loss):
    """Per image ``1 − SSIM(target, input)`` (:func:`momentum_lab.losses.ssim`: the formula of
    ``tf.image.ssim``), images ``(N, C, H, W)``; ``forward(input, target)``.

    Edge cases (besides the input checks of the module's docstring): any finite images give finite values.
    """

    def __init__(
        self,
        max_val: float = 1.0,
        filter_size: int = 11,
        filter_sigma: float = 1.5,
        k1: float = 0.01,
        k2: float = 0.03,
        reduction: str = "mean",
    ) -> None:
        super().__init__(reduction)
        (self.max_val, self.filter_size, self.filter_sigma, self.k1, self.k2) = _image._ssim_args(
            max_val, filter_size, filter_sigma, k1, k2
        )
        self._window = _image.window_weights(self.filter_size, self.filter_sigma)

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        _pair(input, target)
        x = _channels_last(target, "target", self.filter_size)
        y = _channels_last(input, "input", self.filter_size)
        return self._reduce(1.0 - _image.ssim_values(T, x, y, self._window, self.max_val, self.k1, self.k2))


class TotalVariation(_Loss):
    """Per image ``Σ|x[i+1, j] − x[i, j]| + Σ|x[i, j+1] − x[i, j]|`` over rows, columns and channels of
    ``(N, C, H, W)`` images; ``forward(input)``.

    Edge cases (besides the input checks of the module's docstring): any finite images give finite values.
    """

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        _tensor(input, "input")
        if _eager():
            _numbers(input, "input")
        return self._reduce(_image.total_variation_values(T, _channels_last(input, "input", 1)))


class PerceptualLoss(_Loss):
    """Per image the mean squared difference of fixed filter features ``box_pool(relu(filter ⋆ x))``
    (:func:`momentum_lab.losses.perceptual`), images ``(N, C, H, W)``; ``forward(input, target)``.

    Edge cases (besides the input checks of the module's docstring): any finite images give finite values.
    """

    def __init__(self, filters: npt.ArrayLike | None = None, pool: int = 8, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.filters = _image.edge_filter_bank() if filters is None else _image.check_filters(filters)
        self.pool = positive_int(pool, "pool")
        self._taps = _image.filter_taps(self.filters)

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        _pair(input, target)
        minimum = self.filters.shape[0] + self.pool - 1
        x = _channels_last(target, "target", minimum)
        y = _channels_last(input, "input", minimum)
        return self._reduce(_image.perceptual_values(T, x, y, self._taps, self.pool))


# --- metric, contrastive and focal losses (chapter 13) ------------------------------------------------
# The pair losses take ``forward(input1, input2, target)`` as torch.nn.CosineEmbeddingLoss does, the triplet
# loss ``forward(anchor, positive, negative)`` as torch.nn.TripletMarginLoss, the InfoNCE losses
# ``forward(z1, z2)`` (two views, row i of one the positive of row i of the other); the focal losses
# ``forward(input, target)``. PyTorch has no built-in focal, contrastive or InfoNCE loss.

import numpy as np  # noqa: E402 - this section is appended to the module

from momentum_lab.losses import METRIC_FOCAL_CLASS_NAMES, focal, metric  # noqa: E402
from momentum_lab.losses._validate import first_bad  # noqa: E402

__all__ += list(METRIC_FOCAL_CLASS_NAMES)


def _embedding_tensors(named, minimum_rows=1):
    """Check tensors of one shape ``(N, D)``; their values are checked finite in eager mode."""
    first_name, first = named[0]
    for name, tensor in named:
        _tensor(tensor, name)
        if tensor.ndim != 2:
            raise ValueError(
                f"{name} must have shape (N, D) (one embedding per row); got {name}.shape={tuple(tensor.shape)}"
            )
        check_same_shape(first.shape, tensor.shape, first_name, name)
        if _eager():
            _numbers(tensor, name)
    if first.shape[0] < minimum_rows:
        raise ValueError(
            f"{first_name} must hold at least {minimum_rows} rows; got {first_name}.shape={tuple(first.shape)}"
        )


def _pair_target(target, rows, allowed, what):
    _tensor(target, "target")
    if tuple(target.shape) != (rows,):
        raise ValueError(
            f"target must have shape ({rows},) (one label per pair); got target.shape={tuple(target.shape)}"
        )
    if _eager():
        values = _numbers(target, "target")
        bad = ~np.isin(values, allowed)
        if bad.any():
            raise ValueError(f"target must hold labels in {what}; got target{first_bad(values, bad)}")


class Contrastive(_Loss):
    """Per pair ``½[y d² + (1 − y) max(0, margin − d)²]``, ``d = ‖input1 − input2 + eps‖_p``; ``target``
    1 for a similar pair, 0 for a dissimilar one (Hadsell et al. 2006).

    Edge cases (besides the input checks of the module's docstring): with eps 0, equal embeddings are at distance 0
    with gradient 0 (not NaN).
    """

    def __init__(self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.margin = positive(margin, "margin")
        self.p = metric.check_norm_order(p)
        self.eps = non_negative(eps, "eps")

    def forward(self, input1: torch.Tensor, input2: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        _embedding_tensors([("input1", input1), ("input2", input2)])
        _pair_target(target, input1.shape[0], (0, 1), "{0, 1} (1 = similar pair)")
        distance = metric.pairwise_distance_values(T, input1, input2, self.p, self.eps)
        return self._reduce(metric.contrastive_values(T, target.to(input1.dtype), distance, self.margin))


class TripletMargin(_Loss):
    """``torch.nn.TripletMarginLoss``: per triplet ``max(0, d(a, p) − d(a, n) + margin)``,
    ``d(u, v) = ‖u − v + eps‖_p``, and with ``swap`` ``d(a, n)`` replaced by ``min(d(a, n), d(p, n))``.

    Edge cases (besides the input checks of the module's docstring): with eps 0, equal embeddings are at distance 0
    with gradient 0 (not NaN).
    """

    def __init__(
        self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6, swap: bool = False, reduction: str = "mean"
    ) -> None:
        super().__init__(reduction)
        self.margin = positive(margin, "margin")
        self.p = metric.check_norm_order(p)
        self.eps = non_negative(eps, "eps")
        self.swap = flag(swap, "swap")

    def forward(self, anchor: torch.Tensor, positive: torch.Tensor, negative: torch.Tensor) -> torch.Tensor:
        _embedding_tensors([("anchor", anchor), ("positive", positive), ("negative", negative)])
        return self._reduce(
            metric.triplet_margin_values(T, anchor, positive, negative, self.margin, self.p, self.eps, self.swap)
        )


class CosineEmbedding(_Loss):
    """``torch.nn.CosineEmbeddingLoss``: per pair ``1 − cos`` where ``target = 1``, ``max(0, cos − margin)``
    where ``target = −1``, ``cos = x1·x2 / √((‖x1‖² + 1e-12)(‖x2‖² + 1e-12))``.

    Edge cases (besides the input checks of the module's docstring): a zero embedding has cosine 0 with everything
    (no 0/0).
    """

    def __init__(self, margin: float = 0.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.margin = check_cosine_margin(margin)

    def forward(self, input1: torch.Tensor, input2: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        _embedding_tensors([("input1", input1), ("input2", input2)])
        _pair_target(target, input1.shape[0], (-1, 1), "{-1, 1} (1 = similar pair)")
        return self._reduce(metric.cosine_embedding_values(T, target, input1, input2, self.margin))


class InfoNCE(_Loss):
    """Per query ``−log softmax_j(S_ij/τ)`` at ``j = i``, ``S`` the (cosine) similarities of the rows of
    ``z1`` with those of ``z2``: ``F.cross_entropy(S/τ, arange(N))``.

    Edge cases (besides the input checks of the module's docstring): a zero embedding has cosine 0 with everything;
    tiny temperatures give finite values (logsumexp).
    """

    def __init__(self, temperature: float = 0.1, cosine: bool = True, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.temperature = positive(temperature, "temperature")
        self.cosine = flag(cosine, "cosine")

    def forward(self, z1: torch.Tensor, z2: torch.Tensor) -> torch.Tensor:
        _embedding_tensors([("z1", z1), ("z2", z2)])
        eye = torch.eye(z1.shape[0], dtype=z1.dtype, device=z1.device)
        return self._reduce(metric.info_nce_values(T, z1, z2, eye, self.temperature, self.cosine))


class NTXent(_Loss):
    """Per positive pair the mean of the two NT-Xent directions (SimCLR): ``F.cross_entropy`` of the
    2N × 2N cosine-similarity matrix over τ, its diagonal at −∞, each row labelled by its other view.

    Edge cases (besides the input checks of the module's docstring): a zero embedding has cosine 0 with everything;
    tiny temperatures give finite values (logsumexp).
    """

    def __init__(self, temperature: float = 0.5, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.temperature = positive(temperature, "temperature")

    def forward(self, z1: torch.Tensor, z2: torch.Tensor) -> torch.Tensor:
        _embedding_tensors([("z1", z1), ("z2", z2)], minimum_rows=2)
        eye = torch.eye(z1.shape[0], dtype=z1.dtype, device=z1.device)
        return self._reduce(metric.nt_xent_values(T, z1, z2, eye, self.temperature))


class BinaryFocalCrossentropy(_Loss):
    """Per element ``w (1 − p_t)^γ BCE`` as ``keras.losses.BinaryFocalCrossentropy`` computes it (probabilities
    clipped to ``[1e-7, 1 − 1e-7]`` in the log; logits through ``softplus``), ``forward(input, target)``.

    Edge cases (besides the input checks of the module's docstring): logits of any finite size give finite values
    (softplus and logsumexp forms). Probabilities of exactly 0 or 1 are clipped (or, in torch's BCE, their logs
    floored at −100).
    """

    def __init__(
        self,
        apply_class_balancing: bool = False,
        alpha: float = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        reduction: str = "mean",
    ) -> None:
        super().__init__(reduction)
        self.apply_class_balancing = flag(apply_class_balancing, "apply_class_balancing")
        self.alpha = check_balancing_alpha(alpha)
        self.gamma = non_negative(gamma, "gamma")
        self.from_logits = flag(from_logits, "from_logits")
        self.label_smoothing = check_label_smoothing(label_smoothing)

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        values = _pair(input, target)
        if values is not None:
            check_unit_interval(values[1], "target", "targets in [0, 1]")
            _check_probabilities(values[0], self.from_logits)
        return self._reduce(
            focal.binary_focal_crossentropy_values(
                T,
                target,
                input,
                self.apply_class_balancing,
                self.alpha,
                self.gamma,
                self.from_logits,
                self.label_smoothing,
            )
        )


class CategoricalFocalCrossentropy(_Loss):
    """Per sample ``−Σ_j α_j (1 − q_j)^γ y_j log q_j`` over the last axis, ``forward(input, target)``;
    ``alpha`` a number or a tensor of one weight per class.

    Edge cases (besides the input checks of the module's docstring): logits of any finite size give finite values
    (softplus and logsumexp forms). Probabilities of exactly 0 or 1 are clipped (or, in torch's BCE, their logs
    floored at −100).
    """

    def __init__(
        self,
        alpha: float | torch.Tensor = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        reduction: str = "mean",
    ) -> None:
        super().__init__(reduction)
        if isinstance(alpha, torch.Tensor):
            self.register_buffer("alpha", _weight(alpha, "alpha", per_class=True))
        else:
            self.alpha = check_class_weight_number(alpha, "alpha")
        self.gamma = non_negative(gamma, "gamma")
        self.from_logits = flag(from_logits, "from_logits")
        self.label_smoothing = check_label_smoothing(label_smoothing)

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        values = _pair(input, target)
        num_classes = _class_axis(input)
        if isinstance(self.alpha, torch.Tensor):
            _check_class_vector(self.alpha, "alpha", num_classes)
        if values is not None:
            check_distribution(values[1], "target")
            _check_probabilities(values[0], self.from_logits)
        return self._reduce(
            focal.categorical_focal_crossentropy_values(
                T, target, input, self.alpha, self.gamma, self.from_logits, self.label_smoothing
            )
        )
