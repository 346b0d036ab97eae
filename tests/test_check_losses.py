"""The loss checkers accept a right answer and name the typical wrong ones.

Each table row is (a learner's function, the mistake the checker must name; None = must pass). The wrong
functions are written the way a learner would write them, independently of the checkers' own formulas.
"""

import numpy as np
import pytest

from momentum_lab.check import losses as C

# ------------------------------------------------------------------------------------------ MSE

MSE_ANSWERS = [
    ("reference", lambda t, p: np.mean((p - t) ** 2), None),
    ("swapped arguments are fine for MSE", lambda t, p: np.mean((t - p) ** 2), None),
    ("sum", lambda t, p: np.sum((p - t) ** 2), "sum instead of mean"),
    ("rmse", lambda t, p: np.sqrt(np.mean((p - t) ** 2)), "root mean square"),
    ("half", lambda t, p: np.mean((p - t) ** 2) / 2, "half mean square"),
    ("mae", lambda t, p: np.mean(np.abs(p - t)), "absolute error"),
    ("mean error squared", lambda t, p: np.mean(p - t) ** 2, "square of the mean error"),
    ("last axis only", lambda t, p: np.mean((p - t) ** 2, axis=-1), "wrong shape"),
    ("in place", lambda t, p: np.mean(np.subtract(p, t, out=p) ** 2), "modified input"),
    ("forgot return", lambda t, p: None, "returned None"),
]


@pytest.mark.parametrize("name, answer, mistake", MSE_ANSWERS, ids=[row[0] for row in MSE_ANSWERS])
def test_check_mse(name, answer, mistake):
    feedback = C.check_mse(answer)
    assert bool(feedback) is (mistake is None), feedback.message
    assert feedback.mistake == mistake


# ---------------------------------------------------------------------------------------- Huber


def _huber(t, p, d, half=0.5, offset=True, slope=None):
    e = p - t
    slope = d if slope is None else slope
    linear = slope * np.abs(e) - (0.5 * d**2 if offset else 0.0)
    return np.mean(np.where(np.abs(e) <= d, half * e**2, linear))


HUBER_ANSWERS = [
    ("reference", lambda t, p, d: _huber(t, p, d), None),
    ("forgot the half", lambda t, p, d: _huber(t, p, d, half=1.0), "forgot the half"),
    ("no offset", lambda t, p, d: _huber(t, p, d, offset=False), "no offset in the linear part"),
    (
        "smooth l1",
        lambda t, p, d: np.mean(np.where(np.abs(p - t) < d, 0.5 * (p - t) ** 2 / d, np.abs(p - t) - 0.5 * d)),
        "smooth L1",
    ),
    ("sum", lambda t, p, d: np.size(t) * _huber(t, p, d), "sum instead of mean"),
    ("ignored delta", lambda t, p, d: _huber(t, p, 1.0), "ignored delta"),
    (
        "branches swapped",
        lambda t, p, d: np.mean(np.where(np.abs(p - t) > d, 0.5 * (p - t) ** 2, d * np.abs(p - t) - 0.5 * d**2)),
        "branches swapped",
    ),
    ("per element", lambda t, p, d: np.where(np.abs(p - t) <= d, 0.5 * (p - t) ** 2, 0.0), "wrong shape"),
]


@pytest.mark.parametrize("name, answer, mistake", HUBER_ANSWERS, ids=[row[0] for row in HUBER_ANSWERS])
def test_check_huber(name, answer, mistake):
    feedback = C.check_huber(answer)
    assert bool(feedback) is (mistake is None), feedback.message
    assert feedback.mistake == mistake


# ------------------------------------------------------------------------------------------ BCE


def _bce(t, p, eps=1e-7):
    p = np.clip(p, eps, 1 - eps)
    return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))


BCE_ANSWERS = [
    ("reference", _bce, None),
    ("no clipping", lambda t, p: -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)), "log of zero"),
    ("other epsilon", lambda t, p: _bce(t, p, eps=1e-12), "different epsilon"),
    ("swapped", lambda t, p: _bce(p, t), "swapped y_true and y_pred"),
    ("no minus", lambda t, p: -_bce(t, p), "forgot the minus sign"),
    ("positive term only", lambda t, p: -np.mean(t * np.log(np.clip(p, 1e-7, 1))), "only the positive term"),
    ("sum", lambda t, p: np.size(t) * _bce(t, p), "sum instead of mean"),
    ("log2", lambda t, p: _bce(t, p) / np.log(2), "log base 2"),
    ("per sample", lambda t, p: np.mean(-(t * np.log(np.clip(p, 1e-7, 1 - 1e-7))), axis=-1), "wrong shape"),
]


@pytest.mark.parametrize("name, answer, mistake", BCE_ANSWERS, ids=[row[0] for row in BCE_ANSWERS])
def test_check_bce(name, answer, mistake):
    feedback = C.check_bce(answer)
    assert bool(feedback) is (mistake is None), feedback.message
    assert feedback.mistake == mistake


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


BCE_LOGIT_ANSWERS = [
    ("reference", lambda t, x: np.mean(np.maximum(x, 0) - x * t + np.log1p(np.exp(-np.abs(x)))), None),
    ("softplus form", lambda t, x: np.mean(np.logaddexp(0, x) - x * t), None),
    (
        "naive sigmoid then log",
        lambda t, x: -np.mean(t * np.log(_sigmoid(x)) + (1 - t) * np.log(1 - _sigmoid(x))),
        "overflow",
    ),
    ("clipped sigmoid", lambda t, x: _bce(t, _sigmoid(x)), "clipped probabilities"),
    (
        "wrong sign",
        lambda t, x: np.mean(np.maximum(-x, 0) + x * t + np.log1p(np.exp(-np.abs(x)))),
        "wrong sign of the logit",
    ),
    ("logits as probabilities", lambda t, x: _bce(t, x), "logits used as probabilities"),
    (
        "swapped",
        lambda t, x: np.mean(np.maximum(t, 0) - t * x + np.log1p(np.exp(-np.abs(t)))),
        "swapped y_true and y_pred",
    ),
    ("sum", lambda t, x: np.sum(np.logaddexp(0, x) - x * t), "sum instead of mean"),
]


@pytest.mark.parametrize("name, answer, mistake", BCE_LOGIT_ANSWERS, ids=[row[0] for row in BCE_LOGIT_ANSWERS])
def test_check_bce_with_logits(name, answer, mistake):
    feedback = C.check_bce_with_logits(answer)
    assert bool(feedback) is (mistake is None), feedback.message
    assert feedback.mistake == mistake


SMOOTHING_ANSWERS = [
    ("reference", lambda y, s: y * (1 - s) + s / y.shape[-1], None),
    ("binary rule", lambda y, s: y * (1 - s) + s / 2, "binary rule s/2"),
    ("s/(C-1)", lambda y, s: np.where(y == 1, 1 - s, s / (y.shape[-1] - 1)), "s/(C−1) on the wrong classes"),
    ("no scaling", lambda y, s: y + s / y.shape[-1], "forgot to scale y"),
    ("no spreading", lambda y, s: y * (1 - s), "forgot to add s/C"),
    ("in place", lambda y, s: np.multiply(y, 1 - s, out=y) + s / y.shape[-1], "modified input"),
]


@pytest.mark.parametrize("name, answer, mistake", SMOOTHING_ANSWERS, ids=[row[0] for row in SMOOTHING_ANSWERS])
def test_check_smoothed_targets(name, answer, mistake):
    feedback = C.check_smoothed_targets(answer)
    assert bool(feedback) is (mistake is None), feedback.message
    assert feedback.mistake == mistake


# ---------------------------------------------------------------------------------- segmentation


def _dice(g, p, smooth=1.0, axes=(1, 2), two=2.0, smooth_top=True, squared=False):
    tp = np.sum(p * g, axis=axes)
    den = np.sum(p**2, axis=axes) + np.sum(g**2, axis=axes) if squared else np.sum(p + g, axis=axes)
    return 1 - (two * tp + (smooth if smooth_top else 0.0)) / (den + smooth)


DICE_ANSWERS = [
    ("reference", _dice, None),
    ("no smoothing", lambda g, p: _dice(g, p, smooth=0.0), "no smoothing"),
    ("coefficient", lambda g, p: 1 - _dice(g, p), "coefficient instead of loss"),
    ("forgot the 2", lambda g, p: _dice(g, p, two=1.0), "forgot the 2"),
    ("V-Net", lambda g, p: _dice(g, p, squared=True), "squared denominator"),
    ("smooth below only", lambda g, p: _dice(g, p, smooth_top=False), "smooth only in the denominator"),
    ("whole batch", lambda g, p: _dice(g, p, axes=None), "wrong shape"),
    ("wrong axes", lambda g, p: _dice(g, p, axes=(0, 1)), "wrong shape"),
]


@pytest.mark.parametrize("name, answer, mistake", DICE_ANSWERS, ids=[row[0] for row in DICE_ANSWERS])
def test_check_dice_loss(name, answer, mistake):
    with np.errstate(all="ignore"):
        feedback = C.check_dice_loss(answer)
    assert bool(feedback) is (mistake is None), feedback.message
    assert feedback.mistake == mistake


def test_dice_checker_catches_a_special_case_that_breaks_empty_masks():
    def dice_with_a_bad_special_case(g, p):
        loss = _dice(g, p)
        return np.where(np.sum(g + p, axis=(1, 2)) == 0, 1.0, loss)  # empty counted as a total miss

    feedback = C.check_dice_loss(dice_with_a_bad_special_case)
    assert not feedback and feedback.mistake == "empty masks"


def _tversky(g, p, a, b, smooth=1.0):
    tp = np.sum(p * g, axis=(1, 2))
    fp = np.sum(p * (1 - g), axis=(1, 2))
    fn = np.sum((1 - p) * g, axis=(1, 2))
    return 1 - (tp + smooth) / (tp + a * fp + b * fn + smooth)


TVERSKY_ANSWERS = [
    ("reference", _tversky, None),
    ("alpha beta swapped", lambda g, p, a, b: _tversky(g, p, b, a), "alpha and beta swapped"),
    ("y_true y_pred swapped", lambda g, p, a, b: _tversky(p, g, a, b), "alpha and beta swapped"),
    ("no smoothing", lambda g, p, a, b: _tversky(g, p, a, b, smooth=0.0), "no smoothing"),
    ("index", lambda g, p, a, b: 1 - _tversky(g, p, a, b), "index instead of loss"),
    ("dice", lambda g, p, a, b: _tversky(g, p, 0.5, 0.5), "dice instead of tversky"),
    ("scalar", lambda g, p, a, b: np.mean(_tversky(g, p, a, b)), "wrong shape"),
]


@pytest.mark.parametrize("name, answer, mistake", TVERSKY_ANSWERS, ids=[row[0] for row in TVERSKY_ANSWERS])
def test_check_tversky_loss(name, answer, mistake):
    with np.errstate(all="ignore"):
        feedback = C.check_tversky_loss(answer)
    assert bool(feedback) is (mistake is None), feedback.message
    assert feedback.mistake == mistake


# ------------------------------------------------------------------------------ custom losses (ch. 9)


def _keras_style_huber(d, half=0.5, reduce=np.mean, axis=-1):
    def loss(t, p):
        e = p - t
        return reduce(np.where(np.abs(e) <= d, half * e**2, d * np.abs(e) - 0.5 * d**2), axis=axis)

    return loss


def _calls_the_loss(d):
    return _keras_style_huber(d)(None, None)


HUBER_FACTORY_ANSWERS = [
    ("reference", _keras_style_huber, None),
    ("calls the loss", _calls_the_loss, "called the loss"),
    ("returns a number", lambda d: 1.0, "returned a value"),
    ("ignored delta", lambda d: _keras_style_huber(1.0), "ignored delta"),
    ("sum over last axis", lambda d: _keras_style_huber(d, reduce=np.sum), "sum over the last axis"),
    ("forgot the half", lambda d: _keras_style_huber(d, half=1.0), "forgot the half"),
    ("mean over everything", lambda d: _keras_style_huber(d, axis=None), "wrong shape"),
]


@pytest.mark.parametrize("name, answer, mistake", HUBER_FACTORY_ANSWERS, ids=[row[0] for row in HUBER_FACTORY_ANSWERS])
def test_check_huber_factory(name, answer, mistake):
    feedback = C.check_huber_factory(answer)
    assert bool(feedback) is (mistake is None), feedback.message
    assert feedback.mistake == mistake


@pytest.mark.parametrize(
    "answer, mistake",
    [
        (2e-4, None),
        ("2e-4", "not a number"),
        (1e-4, "forgot the factor 2"),
        (5e-5, "halved"),
        (None, "not a number"),
        (1e-3, "other"),
    ],
)
def test_check_weight_decay_answer(answer, mistake):
    feedback = C.check_weight_decay_answer(answer, l2=1e-4)
    assert bool(feedback) is (mistake is None)
    assert feedback.mistake == mistake


@pytest.fixture(scope="module")
def keras():
    return pytest.importorskip("keras")


@pytest.mark.frameworks
class TestKerasLossClass:
    """The ``keras.losses.Loss`` checker of chapter 9, on classes written the way learners write them."""

    @pytest.mark.parametrize(
        "kwargs, mistake",
        [
            ({}, None),
            ({"config": "none"}, "delta lost on saving"),
            ({"config": "no base"}, "dropped base config"),
            ({"register": False}, "not registered"),
            ({"half": 1.0}, "forgot the half"),
        ],
    )
    def test_classes(self, keras, kwargs, mistake):
        # The classes are built the way learners write them, by the same recipes the CHECKERS entry uses.
        feedback = C.check_keras_loss_class(C._learner_keras_class(kwargs))
        assert bool(feedback) is (mistake is None), feedback.message
        assert feedback.mistake == mistake

    def test_not_a_loss(self, keras):
        class NotALoss:
            def __init__(self, delta=1.0):
                self.delta = delta

        assert C.check_keras_loss_class(NotALoss).mistake == "not a Loss"


def test_feedback_never_shows_expected_numbers():
    feedback = C.check_mse(lambda t, p: np.sum((p - t) ** 2))
    assert not any(ch.isdigit() for ch in feedback.message)
