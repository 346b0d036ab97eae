"""Checkers for the loss chapters (6 regression, 7 classification, 8 segmentation, 9 custom losses).

Every checker compares a learner's function with the library's loss (:mod:`momentum_lab.losses`, the
single source of truth) on a few seeded cases and recognises the slips people make most often: a sum
where a mean belongs, a missing ½, a logarithm of 0, swapped arguments, the wrong axis. Inputs that
expose one slip on their own (an empty mask, a saturated probability, a huge logit) are tried first, so
the learner hears about the cause rather than the symptom ("nan").

Conventions the exercises state and the checkers assume:

* argument order ``(y_true, y_pred)``, as in Keras;
* ``check_mse``, ``check_huber``, ``check_bce``, ``check_bce_with_logits``: one number, the mean over
  every element;
* ``check_smoothed_targets``: the smoothed target rows, same shape as the one-hot input;
* ``check_dice_loss``, ``check_tversky_loss``: masks shaped ``(batch, H, W)``, one loss per sample;
* ``check_huber_factory``, ``check_keras_loss_class``: Keras-style per-sample losses, the mean over the
  last axis.

Bad answers are feedback, bad parameters are errors (``check/_core.py`` lists the cases): a loss that
raises, returns None, strings, complex numbers, NaN (on the ordinary cases: the message names the case)
or the wrong shape, and a number answer that is None, a string, complex or NaN, each get a
:class:`Feedback`; the checkers' own parameters (``l2`` ≥ 0, ``delta`` > 0) raise ValueError/TypeError
naming them, e.g. ``check_weight_decay_answer(2e-4, l2=-1.0)`` raises
``ValueError: l2 must be >= 0; got l2=-1.0``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from momentum_lab import losses as _losses
from momentum_lab._validate import non_negative, positive
from momentum_lab.check._core import CheckerSpec, Feedback, Mistake, compare_function, numeric_result, read_number

__all__ = [
    "check_mse",
    "check_huber",
    "check_bce",
    "check_bce_with_logits",
    "check_smoothed_targets",
    "check_dice_loss",
    "check_tversky_loss",
    "check_huber_factory",
    "check_keras_loss_class",
    "check_weight_decay_answer",
]

_EPS = _losses.EPSILON


def _call_quietly(function, *args):
    """``function(*args)`` as a float array, with NumPy's floating-point warnings silenced."""
    with np.errstate(all="ignore"):
        return np.asarray(function(*args), dtype=float)


def _probe(candidate, args, what):
    """Run ``candidate`` on one revealing input. Returns (values, None), or (None, Feedback) if it raised
    or returned something that is not an array of real numbers."""
    try:
        with np.errstate(all="ignore"):
            got = numeric_result(candidate(*args), what)
    except Exception as exc:  # the learner's code may raise anything; report it
        return None, Feedback(False, f"{what} raised {type(exc).__name__}: {exc}", "raised")
    if isinstance(got, Feedback):
        return None, got
    return got, None


def _with_shape_hint(feedback, hint):
    """Replace the generic wrong-shape message by a loss-specific one."""
    if feedback.mistake == "wrong shape":
        return Feedback(False, f"{feedback.message} {hint}", "wrong shape")
    return feedback


def _quiet(function):
    """Wrap ``function`` so NumPy's divide/log warnings do not clutter the learner's notebook."""

    def wrapped(*args):
        with np.errstate(all="ignore"):
            return function(*args)

    return wrapped


# --------------------------------------------------------------------------------------- regression


def _regression_cases(seed=0):
    rng = np.random.default_rng(seed)
    cases = []
    for shape in ((6,), (4, 3), (2, 3, 2)):
        y_true = rng.normal(size=shape)
        y_pred = y_true + rng.normal(scale=2.0, size=shape)  # errors both below and above 1
        cases.append((y_true, y_pred))
    return cases


def _mse(y_true, y_pred):
    return _losses.mean_squared_error(y_true, y_pred)


_MSE_MISTAKES = (
    Mistake(
        "sum instead of mean",
        lambda t, p: np.sum((p - t) ** 2),
        "Your loss grows with the number of elements: you add the squared errors up. The mean "
        "squared error divides by how many there are.",
    ),
    Mistake(
        "root mean square",
        lambda t, p: np.sqrt(np.mean((p - t) ** 2)),
        "You return the square root of the mean squared error (RMSE). RMSE is a fine metric, "
        "but the loss is the mean of the squares itself.",
    ),
    Mistake(
        "half mean square",
        lambda t, p: 0.5 * np.mean((p - t) ** 2),
        "Your values are exactly half the answer. The ½ belongs to Huber's quadratic part and to "
        "some textbook conventions, not to `mean_squared_error` in Keras and PyTorch.",
    ),
    Mistake(
        "absolute error",
        lambda t, p: np.mean(np.abs(p - t)),
        "You average the absolute errors: that is MAE. Square each error instead.",
    ),
    Mistake(
        "square of the mean error",
        lambda t, p: np.mean(p - t) ** 2,
        "You square the mean error, so errors of opposite signs cancel before squaring. Square "
        "each error first, then average.",
    ),
)


def check_mse(mse: object) -> Feedback:
    """Check a learner's ``mse(y_true, y_pred)``: the mean of the squared errors over every element.

    Recognises: a sum instead of a mean, RMSE, a factor ½, the absolute error, the square of the mean
    error, and a reduction over the wrong axes (a wrong shape).
    """
    feedback = compare_function(_quiet(mse), _mse, _regression_cases(), _MSE_MISTAKES, what="your mse")
    return _with_shape_hint(feedback, "The mean squared error averages over every element and returns one number.")


def _huber(y_true, y_pred, delta):
    return _losses.huber(y_true, y_pred, delta)


def _huber_parts(t, p, delta, quadratic, linear):
    e = p - t
    return np.mean(np.where(np.abs(e) <= delta, quadratic(e), linear(e)))


_HUBER_MISTAKES = (
    Mistake(
        "forgot the half",
        lambda t, p, d: _huber_parts(t, p, d, lambda e: e**2, lambda e: d * np.abs(e) - 0.5 * d**2),
        "Your quadratic part is e², but Huber's is ½e². With the ½, value and slope of the two "
        "pieces meet at |e| = δ; without it the loss jumps there.",
    ),
    Mistake(
        "no offset in the linear part",
        lambda t, p, d: _huber_parts(t, p, d, lambda e: 0.5 * e**2, lambda e: d * np.abs(e)),
        "Your linear part is δ|e|, which does not meet ½e² at |e| = δ (½δ² vs δ²). Subtract the "
        "constant that makes the two pieces join.",
    ),
    Mistake(
        "smooth L1",
        lambda t, p, d: _huber(t, p, d) / d,
        "Your values are Huber's divided by δ: that is PyTorch's `smooth_l1_loss` (½e²/β and "
        "|e| − ½β). Huber's linear part has slope δ, not 1.",
    ),
    Mistake(
        "sum instead of mean",
        lambda t, p, d: _losses.huber(t, p, d, reduction="sum"),
        "Your loss grows with the number of elements: average the per-element losses, do not add them up.",
    ),
    Mistake(
        "ignored delta",
        lambda t, p, d: _huber(t, p, 1.0),
        "Your loss ignores `delta`: it behaves as if δ = 1 for every value of `delta`.",
    ),
    Mistake(
        "branches swapped",
        lambda t, p, d: _huber_parts(t, p, d, lambda e: d * np.abs(e) - 0.5 * d**2, lambda e: 0.5 * e**2),
        "Your branches are swapped: the quadratic part is for small errors (|e| ≤ δ), the linear part for large ones.",
    ),
)


def check_huber(huber: object) -> Feedback:
    """Check a learner's ``huber(y_true, y_pred, delta)``: the mean Huber loss over every element.

    Recognises: a forgotten ½, a linear part without its offset, PyTorch's smooth L1 (divided by δ), a
    sum instead of a mean, an ignored ``delta``, swapped branches, and a wrong shape.
    """
    cases = [(t, p, delta) for (t, p), delta in zip(_regression_cases(1), (1.0, 0.5, 2.5))]
    cases.append((np.zeros(5), np.array([-3.0, -0.2, 0.0, 0.7, 4.0]), 0.8))
    feedback = compare_function(_quiet(huber), _huber, cases, _HUBER_MISTAKES, what="your huber")
    return _with_shape_hint(feedback, "The loss averages over every element and returns one number.")


# ----------------------------------------------------------------------------------- classification


def _bce(y_true, y_pred):
    return _losses.binary_crossentropy(y_true, y_pred)


def _bce_cases(seed=2):
    rng = np.random.default_rng(seed)
    cases = []
    for shape in ((8,), (4, 3), (2, 2, 3)):
        y = rng.integers(0, 2, size=shape).astype(float)
        p = rng.uniform(0.02, 0.98, size=shape)
        cases.append((y, p))
    return cases


def _bce_unclipped(t, p):
    return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))


_BCE_MISTAKES = (
    Mistake(
        "swapped y_true and y_pred",
        lambda t, p: _bce(p, t),
        "You seem to have swapped the arguments: the logarithm must be taken of the prediction "
        "`y_pred`, weighted by the target `y_true`. Keras' order is `(y_true, y_pred)`.",
    ),
    Mistake(
        "forgot the minus sign",
        lambda t, p: -_bce(t, p),
        "Your values are the negative of the loss: log p ≤ 0, so the cross-entropy needs a minus "
        "sign to be a positive cost.",
    ),
    Mistake(
        "only the positive term",
        lambda t, p: -np.mean(t * np.log(p)),
        "You only count the samples whose label is 1: add the term (1 − y)·log(1 − p) for the "
        "samples whose label is 0.",
    ),
    Mistake(
        "sum instead of mean",
        lambda t, p: _losses.binary_crossentropy(t, p, reduction="sum"),
        "Your loss grows with the number of elements: average the per-element losses.",
    ),
    Mistake(
        "log base 2",
        lambda t, p: _bce(t, p) / np.log(2.0),
        "Your values are the loss in bits (log base 2). Use the natural logarithm, `np.log`.",
    ),
)


def check_bce(bce: object) -> Feedback:
    """Check a learner's ``bce(y_true, y_pred)`` from probabilities, clipped like Keras, mean over all.

    Recognises on ordinary probabilities: swapped arguments, a missing minus sign, only the
    positive-class term, a sum instead of a mean, log base 2, and a wrong shape. Then feeds saturated
    probabilities (0 and 1, on the wrong side too): a NaN or inf there means the logarithm met 0 (no
    clipping); a finite but different value means another epsilon.
    """
    what = "your bce"
    feedback = compare_function(_quiet(bce), _bce, _bce_cases(), _BCE_MISTAKES, what=what)
    if not feedback:
        return _with_shape_hint(feedback, "Average over every element and return one number.")
    y_hard = np.array([1.0, 0.0, 1.0, 0.0])
    p_hard = np.array([0.0, 1.0, 1.0, 0.0])
    got, failure = _probe(bce, (y_hard, p_hard), what)
    if failure:
        return failure
    if not np.all(np.isfinite(got)):
        return Feedback(
            False,
            "Right on ordinary probabilities, but on predictions that are exactly 0 or "
            "1 your loss is not finite: log(0) = −inf. Clip the probabilities to "
            "[1e-7, 1 − 1e-7] before the logarithm (Keras' epsilon).",
            "log of zero",
        )
    if not np.allclose(got, _bce(y_hard, p_hard), rtol=1e-7):
        return Feedback(
            False,
            "Right on ordinary probabilities, but on predictions that are exactly 0 or "
            "1 your loss differs from clipping to [1e-7, 1 − 1e-7]: check the epsilon you clip "
            "with (Keras uses 1e-7; PyTorch instead clamps each log at −100).",
            "different epsilon",
        )
    return Feedback(True, f"{what} gives the right answer on ordinary and on saturated probabilities.")


def _bce_logits(y_true, logits):
    return _losses.binary_crossentropy(y_true, logits, from_logits=True)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


_BCE_LOGIT_MISTAKES = (
    Mistake(
        "swapped y_true and y_pred",
        lambda t, x: np.mean(np.maximum(t, 0) - t * x + np.log1p(np.exp(-np.abs(t)))),
        "You seem to have swapped the arguments: the logits are `y_pred`, the labels `y_true`.",
    ),
    Mistake(
        "wrong sign of the logit",
        lambda t, x: _bce_logits(t, -x),
        "Your loss treats a large positive logit as evidence for class 0. A logit x means "
        "p = σ(x) = 1/(1 + e^{−x}): check the sign in your exponent or in the x·y term.",
    ),
    Mistake(
        "logits used as probabilities",
        lambda t, x: _bce_unclipped(t, np.clip(x, _EPS, 1 - _EPS)),
        "Your function treats the logits as probabilities. Pass them through the sigmoid first, "
        "or better, use the logit form max(x, 0) − x·y + log(1 + e^{−|x|}).",
    ),
    Mistake(
        "forgot the minus sign",
        lambda t, x: -_bce_logits(t, x),
        "Your values are the negative of the loss: the cross-entropy is a positive cost.",
    ),
    Mistake(
        "sum instead of mean",
        lambda t, x: _losses.binary_crossentropy(t, x, from_logits=True, reduction="sum"),
        "Your loss grows with the number of elements: average the per-element losses.",
    ),
)


def check_bce_with_logits(bce: object) -> Feedback:
    """Check a learner's ``bce(y_true, logits)``: binary cross-entropy from logits, mean over all.

    Recognises on moderate logits: swapped arguments, the wrong sign of the logit, logits used as
    probabilities, a missing minus sign, a sum instead of a mean, and a wrong shape. Then feeds logits
    of ±1e4 and ±800: a NaN or inf means σ(x) was formed and its log taken (σ rounds to 0 or 1); a
    value near 16.1 per wrong sample means the probabilities were clipped (finite, but wrong: the true
    loss is about ``|x|``).
    """
    what = "your bce"
    rng = np.random.default_rng(3)
    cases = [
        (rng.integers(0, 2, size=shape).astype(float), rng.normal(scale=3.0, size=shape))
        for shape in ((8,), (4, 3), (2, 2, 3))
    ]
    feedback = compare_function(_quiet(bce), _bce_logits, cases, _BCE_LOGIT_MISTAKES, what=what)
    if not feedback:
        return _with_shape_hint(feedback, "Average over every element and return one number.")
    y_hard = np.array([1.0, 0.0, 1.0, 0.0, 1.0, 0.0])
    x_hard = np.array([-1e4, 1e4, 1e4, -1e4, -800.0, 800.0])
    got, failure = _probe(bce, (y_hard, x_hard), what)
    if failure:
        return failure
    if not np.all(np.isfinite(got)):
        return Feedback(
            False,
            "Right on moderate logits, but at logits of ±1e4 your loss is not finite: "
            "σ(x) rounds to exactly 0 or 1 and its logarithm is −inf. Never form σ(x): use "
            "max(x, 0) − x·y + log(1 + e^{−|x|}), which is finite for every x.",
            "overflow",
        )
    clipped = _bce_unclipped(y_hard, np.clip(_call_quietly(_sigmoid, x_hard), _EPS, 1 - _EPS))
    if np.allclose(got, clipped, rtol=1e-3):
        return Feedback(
            False,
            "Right on moderate logits, but too small at logits of ±1e4: clipping σ(x) "
            "caps each wrong sample at −log(1e-7) ≈ 16.1, while the true loss is about |x| = "
            "10⁴. Work with the logit directly: max(x, 0) − x·y + log(1 + e^{−|x|}).",
            "clipped probabilities",
        )
    if not np.allclose(got, _bce_logits(y_hard, x_hard), rtol=1e-7):
        return Feedback(
            False,
            "Right on moderate logits, but not at logits of ±1e4. Check your formula "
            "on one large logit by hand: the loss of a wrong sample is about |x|.",
            "wrong at large logits",
        )
    return Feedback(True, f"{what} gives the right answer on moderate logits and on logits of ±1e4.")


def _smoothed(y, s):
    return y * (1.0 - s) + s / y.shape[-1]


_SMOOTHING_MISTAKES = (
    Mistake(
        "binary rule s/2",
        lambda y, s: y * (1 - s) + s / 2,
        "You spread s/2 on every entry: that is Keras' rule for *binary* cross-entropy (two "
        "outcomes). With C classes each entry gets s/C, so that every row still sums to 1.",
    ),
    Mistake(
        "s/(C−1) on the wrong classes",
        lambda y, s: np.where(y == 1, 1 - s, s / (y.shape[-1] - 1)),
        "You give 1 − s to the true class and s/(C − 1) to the others. That is a valid smoothing "
        "too (it also sums to 1), but Keras and PyTorch use y(1 − s) + s/C, which gives the true "
        "class 1 − s + s/C.",
    ),
    Mistake(
        "forgot to scale y",
        lambda y, s: y + s / y.shape[-1],
        "Your rows sum to 1 + s: multiply the one-hot targets by (1 − s) before adding s/C.",
    ),
    Mistake(
        "forgot to add s/C",
        lambda y, s: y * (1 - s),
        "Your rows sum to 1 − s: the mass s you take from the true class must be spread, s/C on every class.",
    ),
)


def check_smoothed_targets(smooth: object) -> Feedback:
    """Check a learner's ``smooth(y_onehot, s)``: label smoothing for categorical cross-entropy.

    Recognises: the binary rule s/2, the alternative s/(C − 1) convention, forgetting to scale by
    (1 − s), forgetting to add s/C, and a wrong shape.
    """
    rng = np.random.default_rng(4)
    cases = []
    for n, c, s in ((4, 3, 0.1), (3, 5, 0.2), (2, 10, 0.05)):
        cases.append((np.eye(c)[rng.integers(0, c, size=n)], s))
    feedback = compare_function(_quiet(smooth), _smoothed, cases, _SMOOTHING_MISTAKES, what="your smoothing function")
    return _with_shape_hint(
        feedback, "Return the smoothed targets, one row per sample, same shape as the one-hot input."
    )


# ------------------------------------------------------------------------------------- segmentation


def _mask_cases(seed=5):
    """Masks and soft predictions shaped (batch, H, W), with an empty mask and a full miss among them."""
    rng = np.random.default_rng(seed)
    cases = []
    for batch, size in ((3, 6), (2, 8)):
        g = (rng.uniform(size=(batch, size, size)) < 0.35).astype(float)
        p = np.clip(0.7 * g + rng.uniform(0.0, 0.5, size=g.shape), 0.0, 1.0)
        g[-1] = 0.0  # an empty mask with a non-empty prediction
        cases.append((g, p))
    return cases


def _dice(y_true, y_pred):
    return _losses.dice(y_true, y_pred, axis=(1, 2), smooth=1.0, reduction="none")


def _per_sample_sums(g, p):
    tp = np.sum(p * g, axis=(1, 2))
    return tp, np.sum(p, axis=(1, 2)), np.sum(g, axis=(1, 2))


def _dice_variant(g, p, numerator, denominator):
    tp, sp, sg = _per_sample_sums(g, p)
    return 1.0 - numerator(tp) / denominator(sp, sg)


_DICE_MISTAKES = (
    Mistake(
        "no smoothing",
        lambda g, p: _dice_variant(g, p, lambda tp: 2 * tp, lambda sp, sg: sp + sg),
        "Your loss has no smoothing term: 1 − 2Σpg/(Σp + Σg) is 0/0 = nan on an empty mask with an "
        "empty prediction, which happens in every batch of a segmentation task with rare objects. "
        "Add `smooth = 1` to the numerator and the denominator.",
    ),
    Mistake(
        "coefficient instead of loss",
        lambda g, p: 1.0 - _dice(g, p),
        "You return the Dice *coefficient* (1 is perfect). A loss must be small when the overlap "
        "is good: return 1 − coefficient.",
    ),
    Mistake(
        "forgot the 2",
        lambda g, p: _dice_variant(g, p, lambda tp: tp + 1, lambda sp, sg: sp + sg + 1),
        "Your numerator is missing its factor 2: Dice is 2·|A∩B| / (|A| + |B|), so a perfect overlap scores 1.",
    ),
    Mistake(
        "squared denominator",
        lambda g, p: _losses.dice(g, p, axis=(1, 2), squared=True, reduction="none"),
        "You use Σp² + Σg² in the denominator: that is the V-Net variant. This exercise asks for Σp + Σg.",
    ),
    Mistake(
        "smooth only in the denominator",
        lambda g, p: _dice_variant(g, p, lambda tp: 2 * tp, lambda sp, sg: sp + sg + 1),
        "You add the smoothing term to the denominator only. Add it to the numerator as well, so "
        "that an empty prediction on an empty mask scores a perfect 1 (loss 0).",
    ),
    Mistake(
        "sums over the batch too",
        lambda g, p: np.broadcast_to(_losses.dice(g, p, axis=None, smooth=1.0), (g.shape[0],)),
        "Every sample gets the same loss: you sum over the batch axis as well. Sum over the spatial axes (1, 2) only.",
    ),
)


def check_dice_loss(dice_loss: object) -> Feedback:
    """Check a learner's ``dice_loss(y_true, y_pred)`` on masks ``(batch, H, W)``: one soft Dice loss
    per sample, ``1 − (2Σpg + 1)/(Σp + Σg + 1)``.

    Recognises: no smoothing (nan on empty masks), the coefficient instead of the loss, a missing
    factor 2, the squared (V-Net) denominator, smoothing in the denominator only, sums over the batch
    axis, and a wrong shape. A function that is right on the ordinary cases is then fed an empty mask
    with an empty prediction, which must score a loss of 0.
    """
    what = "your dice_loss"
    feedback = compare_function(_quiet(dice_loss), _dice, _mask_cases(), _DICE_MISTAKES, what=what)
    if not feedback:
        return _with_shape_hint(
            feedback, "Sum over the spatial axes (1, 2) only, so that you return one loss per sample, shape (batch,)."
        )
    return _empty_mask_probe(dice_loss, (), what)


def _empty_mask_probe(loss, extra_args, what):
    empty = np.zeros((2, 4, 4))
    got, failure = _probe(loss, (empty, empty.copy(), *extra_args), what)
    if failure:
        return failure
    if not np.all(np.isfinite(got)) or not np.allclose(got, 0.0, atol=1e-12):
        return Feedback(
            False,
            "Right on ordinary masks, but an empty prediction on an empty mask should "
            "cost 0 (a perfect answer), and yours does not. Add the smoothing term to the "
            "numerator and the denominator.",
            "empty masks",
        )
    return Feedback(True, f"{what} gives the right answer on all test cases, empty masks included.")


def _tversky(y_true, y_pred, alpha, beta):
    return _losses.tversky(y_true, y_pred, alpha, beta, axis=(1, 2), smooth=1.0, reduction="none")


_TVERSKY_MISTAKES = (
    Mistake(
        "no smoothing",
        lambda g, p, a, b: _losses.tversky(g, p, a, b, axis=(1, 2), smooth=0.0, reduction="none"),
        "Your loss has no smoothing term: TP/(TP + αFP + βFN) is 0/0 = nan on an empty mask with an "
        "empty prediction. Add `smooth = 1` to the numerator and the denominator.",
    ),
    Mistake(
        "alpha and beta swapped",
        lambda g, p, a, b: _tversky(g, p, b, a),
        "Your α multiplies the false negatives and β the false positives: swapped. In Salehi et "
        "al.'s definition (and in this course) α weighs FP = Σp(1 − g) and β weighs "
        "FN = Σ(1 − p)g. (Keras 3.15's `tversky` has the same swap. Swapping y_true and y_pred "
        "gives the same numbers, so check the argument order too.)",
    ),
    Mistake(
        "index instead of loss",
        lambda g, p, a, b: 1.0 - _tversky(g, p, a, b),
        "You return the Tversky *index* (1 is perfect). The loss is 1 − index.",
    ),
    Mistake(
        "dice instead of tversky",
        lambda g, p, a, b: _tversky(g, p, 0.5, 0.5),
        "Your loss ignores α and β: it is the Dice loss (α = β = ½) whatever they are.",
    ),
    Mistake(
        "sums over the batch too",
        lambda g, p, a, b: np.broadcast_to(_losses.tversky(g, p, a, b, axis=None, smooth=1.0), (g.shape[0],)),
        "Every sample gets the same loss: you sum over the batch axis as well. Sum over the spatial axes (1, 2) only.",
    ),
)


def check_tversky_loss(tversky_loss: object) -> Feedback:
    """Check a learner's ``tversky_loss(y_true, y_pred, alpha, beta)`` on masks ``(batch, H, W)``: one
    loss ``1 − (TP + 1)/(TP + α·FP + β·FN + 1)`` per sample.

    Recognises: no smoothing (nan on empty masks), α and β swapped (equivalently, y_true and y_pred
    swapped), the index instead of the loss, Dice whatever α and β, sums over the batch axis, and a
    wrong shape; then checks that an empty prediction on an empty mask costs 0.
    """
    what = "your tversky_loss"
    cases = [(g, p, a, b) for (g, p), (a, b) in zip(_mask_cases(6), ((0.3, 0.7), (0.8, 0.2)))]
    feedback = compare_function(_quiet(tversky_loss), _tversky, cases, _TVERSKY_MISTAKES, what=what)
    if not feedback:
        return _with_shape_hint(
            feedback, "Sum over the spatial axes (1, 2) only, so that you return one loss per sample, shape (batch,)."
        )
    return _empty_mask_probe(tversky_loss, (0.3, 0.7), what)


# ------------------------------------------------------------------------------ custom Keras losses


def _keras_huber(y_true, y_pred, delta):
    """Keras-style per-sample Huber: elementwise Huber, then the mean over the last axis."""
    return np.mean(_losses.huber(y_true, y_pred, delta, reduction="none"), axis=-1)


def _huber_factory_cases(seed=7):
    rng = np.random.default_rng(seed)
    cases = []
    for shape, delta in (((5, 3), 1.0), ((4, 2), 0.5), ((6, 4), 2.0)):
        y_true = rng.normal(size=shape)
        cases.append((y_true, y_true + rng.normal(scale=1.5, size=shape), delta))
    return cases


_HUBER_FACTORY_MISTAKES = (
    Mistake(
        "ignored delta",
        lambda t, p, d: _keras_huber(t, p, 1.0),
        "Your loss is the same whatever `delta` the factory received: use the factory's argument "
        "inside the inner function (that is what the closure is for).",
    ),
    Mistake(
        "sum over the last axis",
        lambda t, p, d: np.sum(_losses.huber(t, p, d, reduction="none"), axis=-1),
        "You add up the last axis; Keras' built-in losses average it (`ops.mean(..., axis=-1)`), "
        "so the loss does not depend on the number of outputs.",
    ),
    Mistake(
        "forgot the half",
        lambda t, p, d: np.mean(np.where(np.abs(p - t) <= d, (p - t) ** 2, d * np.abs(p - t) - 0.5 * d**2), axis=-1),
        "Your quadratic part is e², but Huber's is ½e².",
    ),
    Mistake(
        "no offset in the linear part",
        lambda t, p, d: np.mean(np.where(np.abs(p - t) <= d, 0.5 * (p - t) ** 2, d * np.abs(p - t)), axis=-1),
        "Your linear part is δ|e|; Huber's is δ|e| − ½δ², so that the two pieces meet at |e| = δ.",
    ),
)


def _as_numpy(value):
    """A tensor's values as an array; anything else unchanged, for ``compare_function`` to judge."""
    if hasattr(value, "numpy") and callable(value.numpy) and not isinstance(value, np.ndarray):
        return value.numpy()
    return value


def check_huber_factory(make_huber: object) -> Feedback:
    """Check a learner's factory ``make_huber(delta)`` that returns a Keras-style loss
    ``loss(y_true, y_pred)``: elementwise Huber, mean over the last axis, one value per sample.

    Recognises: a factory that returns a value instead of a function (the temperature snippet's
    mistake), an ignored ``delta``, a sum over the last axis, a forgotten ½, a linear part without its
    offset, and reducing over every axis (a wrong shape).
    """
    if not callable(make_huber):
        return Feedback(False, f"make_huber should be a function; got {type(make_huber).__name__}.", "not callable")
    try:
        loss = make_huber(1.0)
    except Exception as exc:
        return Feedback(
            False,
            f"make_huber(1.0) raised {type(exc).__name__}: {exc}. The factory should "
            "only define the loss and return it; the loss does the work when Keras calls it "
            "with (y_true, y_pred). Did you call the inner function instead of returning it?",
            "called the loss",
        )
    if not callable(loss):
        return Feedback(
            False,
            f"make_huber(1.0) returned a {type(loss).__name__}, not a function. Return "
            "the inner function itself (`return huber_loss`), not the result of calling it.",
            "returned a value",
        )

    def candidate(y_true, y_pred, delta):
        return _as_numpy(make_huber(delta)(y_true, y_pred))

    feedback = compare_function(
        candidate, _keras_huber, _huber_factory_cases(), _HUBER_FACTORY_MISTAKES, what="the loss from your factory"
    )
    return _with_shape_hint(feedback, "Keras wants one loss per sample: average over the last axis only (`axis=-1`).")


def check_keras_loss_class(loss_class: Any, *, delta: float = 0.3) -> Feedback:
    """Check a learner's ``keras.losses.Loss`` subclass ``loss_class(delta=...)`` for the Huber loss.

    Checks, in order: it can be built with ``delta``; ``call`` returns the per-sample Huber loss (mean
    over the last axis); it is registered (``keras.saving.register_keras_serializable``), so
    ``load_model`` can find it; and rebuilding it from ``get_config()`` (what ``load_model`` does) keeps
    ``delta``. Recognises: no ``get_config`` (``delta`` silently reset), a ``get_config`` that drops the
    base class's entries, a missing registration, and the value mistakes of :func:`check_huber_factory`.
    ``delta`` must be a real number > 0 (ValueError/TypeError otherwise); ``loss_class`` may be
    anything (something that cannot be built is feedback).
    """
    delta = positive(delta, "delta")
    import keras

    what = "your loss class"
    if not callable(loss_class):
        return Feedback(False, f"{what} should be a class; got {type(loss_class).__name__}.", "not callable")
    try:
        loss = loss_class(delta=delta)
    except Exception as exc:
        return Feedback(False, f"{what} could not be built with delta={delta}: {type(exc).__name__}: {exc}", "raised")
    if not isinstance(loss, keras.losses.Loss):
        return Feedback(False, f"{what} should subclass keras.losses.Loss; got {type(loss).__name__}.", "not a Loss")

    def candidate(y_true, y_pred, d):
        return _as_numpy(loss_class(delta=d).call(y_true, y_pred))

    values = compare_function(
        candidate, _keras_huber, _huber_factory_cases(8), _HUBER_FACTORY_MISTAKES, what=f"{what}'s `call`"
    )
    if not values:
        return _with_shape_hint(
            values, "`call` returns one loss per sample: average over the last axis only (`axis=-1`)."
        )
    config = loss.get_config()
    if keras.saving.get_registered_object(keras.saving.get_registered_name(loss_class)) is not loss_class:
        return Feedback(
            False,
            "The loss computes the right values, but Keras cannot find the class when "
            "it loads a saved model: decorate it with "
            "`@keras.saving.register_keras_serializable(package=...)`.",
            "not registered",
        )
    if "name" not in config or "reduction" not in config:
        return Feedback(
            False,
            "Your get_config drops the base class's entries (name, reduction): start "
            "from `super().get_config()` and add `delta` to it.",
            "dropped base config",
        )
    try:
        rebuilt = loss_class.from_config(config)
    except Exception as exc:
        return Feedback(
            False,
            f"Rebuilding from get_config() failed ({type(exc).__name__}: {exc}): every "
            "key of the config must be a constructor argument.",
            "config mismatch",
        )
    if getattr(rebuilt, "delta", None) != delta:
        return Feedback(
            False,
            f"After a save and load, delta came back as {getattr(rebuilt, 'delta', None)!r} "
            f"instead of {delta}: Keras rebuilds the loss as cls(**get_config()), so get_config "
            "must return delta.",
            "delta lost on saving",
        )
    return Feedback(
        True, "Your loss class computes the per-sample Huber loss and keeps delta through saving and loading."
    )


def check_weight_decay_answer(answer: object, l2: float) -> Feedback:
    """Check the PyTorch ``weight_decay`` that matches a Keras ``L2(l2)`` regularizer (a number).

    Recognises: ``l2`` itself (the factor 2 forgotten), ``l2/2`` (halved instead of doubled), and a
    non-number (None, a string, a bool, complex, NaN: ``"not a number"``). ``l2`` must be a real number
    ≥ 0 (ValueError/TypeError otherwise).
    """
    l2 = non_negative(l2, "l2")
    value = read_number(answer)
    if isinstance(value, Feedback):
        return value
    if np.isclose(value, 2.0 * l2, rtol=1e-9):
        return Feedback(True, "Right: the gradient of λΣw² is 2λw, and PyTorch adds weight_decay·w.")
    if np.isclose(value, l2, rtol=1e-9):
        return Feedback(
            False,
            "That applies half the penalty. Keras adds λΣw² to the loss; differentiate "
            "it and compare with the wd·w that PyTorch adds to the gradient.",
            "forgot the factor 2",
        )
    if np.isclose(value, 0.5 * l2, rtol=1e-9):
        return Feedback(
            False, "You halved λ, as if the penalty were ½·wd·Σw²; Keras' L2 has no ½. Differentiate λΣw².", "halved"
        )
    return Feedback(
        False,
        "Not quite. Write the gradient of the penalty λΣw² and compare it with the term "
        "wd·w that torch.optim.SGD adds to each gradient.",
        "other",
    )


# ----------------------------------------------------------------- the checkers' self-description
# Right and wrong answers written the way a learner writes them (CONTRIBUTING.md, "Checkers"); the
# test suite runs every entry. tests/test_check_losses.py has more cases per checker.


def _learner_huber(t, p, d, half=0.5, offset=True):
    e = p - t
    return np.mean(np.where(np.abs(e) <= d, half * e**2, d * np.abs(e) - (0.5 * d**2 if offset else 0.0)))


def _learner_bce(t, p, eps=1e-7):
    p = np.clip(p, eps, 1 - eps)
    return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))


def _learner_bce_logits(t, x):
    return np.mean(np.maximum(x, 0) - x * t + np.log1p(np.exp(-np.abs(x))))


def _learner_dice(g, p, smooth=1.0, two=2.0, axes=(1, 2)):
    tp = np.sum(g * p, axis=axes)
    return 1 - (two * tp + smooth) / (np.sum(g, axis=axes) + np.sum(p, axis=axes) + smooth)


def _learner_tversky(g, p, a, b, smooth=1.0):
    tp, fp, fn = (np.sum(x, axis=(1, 2)) for x in (p * g, p * (1 - g), (1 - p) * g))
    return 1 - (tp + smooth) / (tp + a * fp + b * fn + smooth)


def _learner_huber_factory(half=0.5, reduce=np.mean, axis=-1, ignore_delta=False, call_it=False):
    def make_huber(delta):
        d = 1.0 if ignore_delta else delta

        def huber_loss(y_true, y_pred):
            e = y_pred - y_true
            return reduce(np.where(np.abs(e) <= d, half * e**2, d * np.abs(e) - 0.5 * d**2), axis=axis)

        return huber_loss(np.zeros(1), np.zeros(1)) if call_it else huber_loss

    return make_huber


def _learner_keras_class(recipe):
    """Build the Keras ``HuberLoss`` class a learner might write, from a recipe (keras imported here)."""
    import keras

    half = recipe.get("half", 0.5)

    class HuberLoss(keras.losses.Loss):
        def __init__(self, delta=1.0, name="huber_loss", **kwargs):
            super().__init__(name=name, **kwargs)
            self.delta = delta

        def call(self, y_true, y_pred):
            e = y_pred - y_true
            d = self.delta
            small = keras.ops.abs(e) <= d
            return keras.ops.mean(keras.ops.where(small, half * e**2, d * keras.ops.abs(e) - 0.5 * d**2), axis=-1)

    config = recipe.get("config", "full")
    if config == "full":
        HuberLoss.get_config = lambda self: {**keras.losses.Loss.get_config(self), "delta": self.delta}
    elif config == "no base":
        HuberLoss.get_config = lambda self: {"delta": self.delta}
    if recipe.get("register", True):
        package = "momentum_lab_check_" + "_".join(f"{k}{v}" for k, v in sorted(recipe.items()))
        HuberLoss = keras.saving.register_keras_serializable(package=package)(HuberLoss)
    return HuberLoss


CHECKERS = [
    CheckerSpec(
        check_mse,
        reference=lambda t, p: np.mean((p - t) ** 2),
        mistakes={
            "sum instead of mean": lambda t, p: np.sum((p - t) ** 2),
            "root mean square": lambda t, p: np.sqrt(np.mean((p - t) ** 2)),
            "half mean square": lambda t, p: 0.5 * np.mean((p - t) ** 2),
            "absolute error": lambda t, p: np.mean(np.abs(p - t)),
            "wrong shape": lambda t, p: np.mean((p - t) ** 2, axis=-1),
        },
    ),
    CheckerSpec(
        check_huber,
        reference=_learner_huber,
        mistakes={
            "forgot the half": lambda t, p, d: _learner_huber(t, p, d, half=1.0),
            "no offset in the linear part": lambda t, p, d: _learner_huber(t, p, d, offset=False),
            "smooth L1": lambda t, p, d: _learner_huber(t, p, d) / d,
            "ignored delta": lambda t, p, d: _learner_huber(t, p, 1.0),
        },
    ),
    CheckerSpec(
        check_bce,
        reference=_learner_bce,
        mistakes={
            "log of zero": lambda t, p: -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)),
            "swapped y_true and y_pred": lambda t, p: _learner_bce(p, t),
            "forgot the minus sign": lambda t, p: -_learner_bce(t, p),
            "sum instead of mean": lambda t, p: np.size(t) * _learner_bce(t, p),
        },
    ),
    CheckerSpec(
        check_bce_with_logits,
        reference=_learner_bce_logits,
        mistakes={
            "overflow": lambda t, x: _learner_bce(t, 1 / (1 + np.exp(-x)), eps=0.0),
            "clipped probabilities": lambda t, x: _learner_bce(t, 1 / (1 + np.exp(-x))),
            "wrong sign of the logit": lambda t, x: _learner_bce_logits(t, -x),
            "logits used as probabilities": lambda t, x: _learner_bce(t, x),
        },
    ),
    CheckerSpec(
        check_smoothed_targets,
        reference=lambda y, s: y * (1 - s) + s / y.shape[-1],
        mistakes={
            "binary rule s/2": lambda y, s: y * (1 - s) + s / 2,
            "forgot to scale y": lambda y, s: y + s / y.shape[-1],
            "forgot to add s/C": lambda y, s: y * (1 - s),
        },
    ),
    CheckerSpec(
        check_dice_loss,
        reference=_learner_dice,
        mistakes={
            "no smoothing": lambda g, p: _learner_dice(g, p, smooth=0.0),
            "coefficient instead of loss": lambda g, p: 1 - _learner_dice(g, p),
            "forgot the 2": lambda g, p: _learner_dice(g, p, two=1.0),
            "wrong shape": lambda g, p: _learner_dice(g, p, axes=None),
        },
    ),
    CheckerSpec(
        check_tversky_loss,
        reference=_learner_tversky,
        mistakes={
            "alpha and beta swapped": lambda g, p, a, b: _learner_tversky(g, p, b, a),
            "no smoothing": lambda g, p, a, b: _learner_tversky(g, p, a, b, smooth=0.0),
            "index instead of loss": lambda g, p, a, b: 1 - _learner_tversky(g, p, a, b),
            "dice instead of tversky": lambda g, p, a, b: _learner_tversky(g, p, 0.5, 0.5),
        },
    ),
    CheckerSpec(
        check_huber_factory,
        reference=_learner_huber_factory(),
        mistakes={
            "returned a value": _learner_huber_factory(call_it=True),
            "ignored delta": _learner_huber_factory(ignore_delta=True),
            "sum over the last axis": _learner_huber_factory(reduce=np.sum),
            "forgot the half": _learner_huber_factory(half=1.0),
            "wrong shape": _learner_huber_factory(axis=None),
        },
    ),
    CheckerSpec(
        check_keras_loss_class,
        reference={},  # a recipe: the class is built when checked, so that keras is imported only then
        mistakes={
            "delta lost on saving": {"config": "none"},
            "dropped base config": {"config": "no base"},
            "not registered": {"register": False},
            "forgot the half": {"half": 1.0},
        },
        call=lambda recipe: check_keras_loss_class(_learner_keras_class(recipe)),
    ),
    CheckerSpec(
        check_weight_decay_answer,
        reference=2e-4,
        mistakes={"forgot the factor 2": 1e-4, "halved": 5e-5, "not a number": "2 lambda", "other": 1e-3},
        call=lambda answer: check_weight_decay_answer(answer, l2=1e-4),
    ),
]
