"""momentum_lab.losses on NumPy arrays: hand-worked values, reductions, hard inputs and bad inputs."""

import doctest
import math
import subprocess
import sys

import numpy as np
import pytest

import momentum_lab.losses as L
from momentum_lab.losses import classical, margin, probabilistic, regression, segmentation

LOG2 = math.log(2.0)
CLIP_COST = -math.log(1e-7)  # the most a clipped probability can cost: −log(1e-7) ≈ 16.118

# ---------------------------------------------------------------------------------------------------
# Hand-worked values. Each row: (id, loss, y_true, y_pred, kwargs, expected, working).
# ---------------------------------------------------------------------------------------------------

HAND_WORKED = [
    ("mse", L.mean_squared_error, [0.0, 1.0, 2.0], [1.0, 1.0, 4.0], {}, 5 / 3, "(1 + 0 + 4) / 3"),
    ("mae", L.mean_absolute_error, [0.0, 1.0, 2.0], [1.0, 1.0, 4.0], {}, 1.0, "(1 + 0 + 2) / 3"),
    ("huber inside delta", L.huber, [0.0], [0.5], {}, 0.125, "½·0.5²"),
    ("huber at delta", L.huber, [0.0], [1.0], {}, 0.5, "½·1² = 1·1 − ½: both branches agree"),
    ("huber outside delta", L.huber, [0.0], [3.0], {"delta": 2.0}, 4.0, "2·3 − ½·2² = 4"),
    ("log_cosh zero", L.log_cosh, [1.0], [1.0], {}, 0.0, "log cosh 0 = 0"),
    ("log_cosh one", L.log_cosh, [0.0], [1.0], {}, math.log(math.cosh(1.0)), "log((e + 1/e)/2)"),
    ("log_cosh huge", L.log_cosh, [0.0], [1e4], {}, 1e4 - LOG2, "|e| − log 2; cosh(1e4) overflows"),
    (
        "bce probs",
        L.binary_crossentropy,
        [1.0, 0.0],
        [0.8, 0.4],
        {},
        -(math.log(0.8) + math.log(0.6)) / 2,
        "−(log 0.8 + log(1 − 0.4)) / 2",
    ),
    ("bce logits zero", L.binary_crossentropy, [1.0], [0.0], {"from_logits": True}, LOG2, "softplus(0) − 0 = log 2"),
    (
        "bce logits +1e4 right",
        L.binary_crossentropy,
        [1.0],
        [1e4],
        {"from_logits": True},
        0.0,
        "softplus(1e4) − 1e4 = log1p(e^−1e4) = 0",
    ),
    (
        "bce logits −1e4 wrong",
        L.binary_crossentropy,
        [1.0],
        [-1e4],
        {"from_logits": True},
        1e4,
        "softplus(−1e4) + 1e4 = 1e4",
    ),
    ("bce saturated prob", L.binary_crossentropy, [1.0], [0.0], {}, CLIP_COST, "p clipped to 1e-7"),
    (
        "bce smoothing",
        L.binary_crossentropy,
        [1.0],
        [0.5],
        {"label_smoothing": 0.2},
        LOG2,
        "y = 0.9 but p = ½ costs log 2 for any y",
    ),
    ("cce probs", L.categorical_crossentropy, [[0, 1, 0]], [[0.2, 0.7, 0.1]], {}, -math.log(0.7), "−log 0.7"),
    (
        "cce logits",
        L.categorical_crossentropy,
        [[1, 0]],
        [[0.0, 0.0]],
        {"from_logits": True},
        LOG2,
        "logsumexp(0, 0) − 0 = log 2",
    ),
    (
        "cce logits ±1e4",
        L.categorical_crossentropy,
        [[1, 0]],
        [[-1e4, 1e4]],
        {"from_logits": True},
        2e4,
        "logsumexp = 1e4 (+ log1p(e^−2e4) = 0); minus x_0 = −1e4",
    ),
    (
        "cce smoothing",
        L.categorical_crossentropy,
        [[1, 0]],
        [[0.5, 0.5]],
        {"label_smoothing": 0.5},
        LOG2,
        "targets (0.75, 0.25), both probabilities ½: log 2",
    ),
    ("scce probs", L.sparse_categorical_crossentropy, [2], [[0.25, 0.25, 0.5]], {}, LOG2, "−log 0.5"),
    (
        "scce logits",
        L.sparse_categorical_crossentropy,
        [0, 1],
        [[0.0, 0.0], [0.0, 0.0]],
        {"from_logits": True},
        LOG2,
        "each sample log 2",
    ),
    ("kl same", L.kl_divergence, [[0.3, 0.7]], [[0.3, 0.7]], {}, 0.0, "KL(P‖P) = 0"),
    (
        "kl half",
        L.kl_divergence,
        [[0.5, 0.5]],
        [[0.25, 0.75]],
        {},
        0.5 * math.log(2.0) + 0.5 * math.log(2 / 3),
        "½ log(½/¼) + ½ log(½/¾)",
    ),
    ("kl zero target", L.kl_divergence, [[1.0, 0.0]], [[0.5, 0.5]], {}, LOG2, "1·log(1/½) + 0 (0 log 0 = 0)"),
    ("hinge", L.hinge, [1, -1, 1], [2.0, 0.5, -1.0], {}, 3.5 / 3, "(0 + 1.5 + 2) / 3"),
    ("hinge 0/1 labels", L.hinge, [1, 0], [0.5, 0.5], {}, 1.0, "labels → (1, −1): (0.5 + 1.5) / 2"),
    ("squared hinge", L.squared_hinge, [1, 0], [0.5, 0.5], {}, 1.25, "(0.5² + 1.5²) / 2"),
    (
        "categorical hinge",
        L.categorical_hinge,
        [[0, 1, 0]],
        [[0.5, 1.0, 0.2]],
        {},
        0.5,
        "max(0, 1 + max(0.5, 0.2) − 1.0)",
    ),
    (
        "categorical hinge negative scores",
        L.categorical_hinge,
        [[1, 0, 0]],
        [[-5.0, -3.0, -4.0]],
        {},
        3.0,
        "max(0, 1 + (−3) − (−5)); Keras would use max(0, −3, −4) = 0 and give 6",
    ),
    (
        "weston watkins",
        L.weston_watkins_hinge,
        [[0, 1, 0]],
        [[0.5, 1.0, 0.2]],
        {},
        0.7,
        "max(0, 1 + 0.5 − 1) + max(0, 1 + 0.2 − 1)",
    ),
    (
        "weston watkins margin 2",
        L.weston_watkins_hinge,
        [[1, 0]],
        [[1.0, 0.0]],
        {"margin": 2.0},
        1.0,
        "max(0, 2 + 0 − 1)",
    ),
    ("zero one", L.zero_one_loss, [1, -1, 1, -1], [2.0, -0.5, -1.0, 0.0], {}, 0.5, "mistakes at −1.0 and at 0"),
    ("exponential", L.exponential_loss, [1, -1], [0.0, 1.0], {}, (1 + math.e) / 2, "(e^0 + e^1) / 2"),
    ("log loss", L.log_loss, [1, 0], [0.0, 0.0], {}, LOG2, "softplus(0) twice"),
    ("log loss −1e4", L.log_loss, [1], [-1e4], {}, 1e4, "softplus(1e4)"),
    ("dice smooth 0", L.dice, [1, 1, 0, 0], [1.0, 0.5, 0.5, 0.0], {"smooth": 0.0}, 0.25, "1 − 2·1.5 / (2 + 2)"),
    ("dice smooth 1", L.dice, [1, 1, 0, 0], [1.0, 0.5, 0.5, 0.0], {}, 0.2, "1 − (3 + 1) / (4 + 1)"),
    (
        "dice squared",
        L.dice,
        [1, 1, 0, 0],
        [1.0, 0.5, 0.5, 0.0],
        {"smooth": 0.0, "squared": True},
        1 - 3 / 3.5,
        "1 − 3 / (1 + ¼ + ¼ + 2)",
    ),
    ("jaccard", L.jaccard, [1, 1, 0, 0], [1.0, 0.5, 0.5, 0.0], {"smooth": 0.0}, 0.4, "1 − 1.5 / (2 + 2 − 1.5)"),
    (
        "tversky",
        L.tversky,
        [1, 1, 0, 0],
        [1.0, 0.5, 0.5, 0.0],
        {"smooth": 0.0},
        0.25,
        "TP 1.5, FP 0.5, FN 0.5: 1 − 1.5 / (1.5 + 0.15 + 0.35)",
    ),
    (
        "tversky favours recall",
        L.tversky,
        [1, 1],
        [1.0, 0.0],
        {"smooth": 0.0},
        1 - 1 / 1.7,
        "TP 1, FN 1: 1 − 1 / (1 + 0.7)",
    ),
    (
        "tversky ½ ½ is dice",
        L.tversky,
        [1, 1, 0, 0],
        [1.0, 0.5, 0.5, 0.0],
        {"alpha": 0.5, "beta": 0.5, "smooth": 0.0},
        0.25,
        "same as dice smooth 0",
    ),
    (
        "tversky 1 1 is jaccard",
        L.tversky,
        [1, 1, 0, 0],
        [1.0, 0.5, 0.5, 0.0],
        {"alpha": 1.0, "beta": 1.0, "smooth": 0.0},
        0.4,
        "same as jaccard",
    ),
    (
        "focal tversky",
        L.focal_tversky,
        [1, 1, 0, 0],
        [1.0, 0.5, 0.5, 0.0],
        {"smooth": 0.0},
        0.25**0.75,
        "(1 − 0.75)^{3/4}",
    ),
    (
        "focal tversky γ=1 is tversky",
        L.focal_tversky,
        [1, 1, 0, 0],
        [1.0, 0.5, 0.5, 0.0],
        {"smooth": 0.0, "gamma": 1.0},
        0.25,
        "exponent 1",
    ),
]


@pytest.mark.parametrize(
    "loss, y_true, y_pred, kwargs, expected",
    [row[1:6] for row in HAND_WORKED],
    ids=[row[0] for row in HAND_WORKED],
)
def test_hand_worked_value(loss, y_true, y_pred, kwargs, expected):
    assert float(loss(y_true, y_pred, **kwargs)) == pytest.approx(expected, rel=1e-12, abs=1e-12)


GAN_HAND_WORKED = [
    ("discriminator at D=½", L.gan_discriminator_loss, ([0.0], [0.0]), {}, 2 * LOG2, "−log ½ − log ½"),
    ("discriminator fooled", L.gan_discriminator_loss, ([-1e4], [1e4]), {}, 2e4, "softplus(1e4) twice"),
    (
        "discriminator probs",
        L.gan_discriminator_loss,
        ([0.8, 0.6], [0.1]),
        {"from_logits": False},
        -(math.log(0.8) + math.log(0.6)) / 2 - math.log(0.9),
        "mean over real + mean over fake, sizes differ",
    ),
    ("minimax at D=½", L.gan_generator_minimax_loss, ([0.0],), {}, -LOG2, "log(1 − ½)"),
    ("minimax rejected", L.gan_generator_minimax_loss, ([-1e4],), {}, -0.0, "log(1 − σ(−1e4)) = −softplus(−1e4) = 0"),
    ("nonsaturating at D=½", L.gan_generator_nonsaturating_loss, ([0.0],), {}, LOG2, "−log ½"),
    ("nonsaturating rejected", L.gan_generator_nonsaturating_loss, ([-1e4],), {}, 1e4, "softplus(1e4)"),
    (
        "nonsaturating probs",
        L.gan_generator_nonsaturating_loss,
        ([0.0],),
        {"from_logits": False},
        CLIP_COST,
        "D clipped to 1e-7",
    ),
]


@pytest.mark.parametrize(
    "loss, args, kwargs, expected", [row[1:5] for row in GAN_HAND_WORKED], ids=[row[0] for row in GAN_HAND_WORKED]
)
def test_gan_hand_worked_value(loss, args, kwargs, expected):
    assert float(loss(*args, **kwargs)) == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_module_examples_run_as_doctests():
    for module in (regression, probabilistic, margin, classical, segmentation):
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0, module.__name__
        assert result.attempted > 0, module.__name__


def test_importing_losses_imports_no_framework_and_evaluates_with_the_autodiff_ops():
    code = (
        "import sys, momentum_lab.losses; "
        "print(sorted(m for m in ('torch', 'tensorflow', 'keras', 'matplotlib', 'momentum_lab.autodiff') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['momentum_lab.autodiff']"  # the NumPy-only engine whose ops the formulas use


# ---------------------------------------------------------------------------------------------------
# Reductions and output shapes.
# ---------------------------------------------------------------------------------------------------

RNG = np.random.default_rng(7)
SCORES = RNG.normal(size=(4, 3))
PROBS = RNG.uniform(0.05, 0.95, size=(4, 3))
BINARY = RNG.integers(0, 2, size=(4, 3)).astype(float)
ONE_HOT = np.eye(3)[[0, 2, 1, 1]]
SOFTMAX = np.exp(SCORES) / np.exp(SCORES).sum(axis=-1, keepdims=True)
MASKS = (RNG.random((2, 5, 5, 3)) > 0.5).astype(float)
MASK_PROBS = RNG.random((2, 5, 5, 3))

# (id, loss, y_true, y_pred, kwargs, shape of reduction="none")
SHAPES = [
    ("mse", L.mean_squared_error, SCORES, PROBS, {}, (4, 3)),
    ("mae", L.mean_absolute_error, SCORES, PROBS, {}, (4, 3)),
    ("huber", L.huber, SCORES, PROBS, {}, (4, 3)),
    ("log_cosh", L.log_cosh, SCORES, PROBS, {}, (4, 3)),
    ("bce", L.binary_crossentropy, BINARY, PROBS, {}, (4, 3)),
    ("cce", L.categorical_crossentropy, ONE_HOT, SOFTMAX, {}, (4,)),
    ("scce", L.sparse_categorical_crossentropy, np.array([0, 2, 1, 1]), SOFTMAX, {}, (4,)),
    ("kl", L.kl_divergence, SOFTMAX[::-1], SOFTMAX, {}, (4,)),
    ("hinge", L.hinge, BINARY, SCORES, {}, (4, 3)),
    ("squared_hinge", L.squared_hinge, BINARY, SCORES, {}, (4, 3)),
    ("categorical_hinge", L.categorical_hinge, ONE_HOT, SCORES, {}, (4,)),
    ("weston_watkins_hinge", L.weston_watkins_hinge, ONE_HOT, SCORES, {}, (4,)),
    ("zero_one", L.zero_one_loss, BINARY, SCORES, {}, (4, 3)),
    ("exponential", L.exponential_loss, BINARY, SCORES, {}, (4, 3)),
    ("log_loss", L.log_loss, BINARY, SCORES, {}, (4, 3)),
    ("dice all axes", L.dice, MASKS, MASK_PROBS, {}, ()),
    ("dice per sample and class", L.dice, MASKS, MASK_PROBS, {"axis": (1, 2)}, (2, 3)),
    ("jaccard per class", L.jaccard, MASKS, MASK_PROBS, {"axis": (0, 1, 2)}, (3,)),
    ("tversky negative axes", L.tversky, MASKS, MASK_PROBS, {"axis": (-3, -2)}, (2, 3)),
    ("focal_tversky per sample", L.focal_tversky, MASKS, MASK_PROBS, {"axis": (1, 2, 3)}, (2,)),
]


@pytest.mark.parametrize(
    "loss, y_true, y_pred, kwargs, shape", [row[1:6] for row in SHAPES], ids=[row[0] for row in SHAPES]
)
def test_reductions_are_mean_and_sum_of_none(loss, y_true, y_pred, kwargs, shape):
    unreduced = loss(y_true, y_pred, reduction="none", **kwargs)
    assert np.shape(unreduced) == shape
    assert float(loss(y_true, y_pred, reduction="mean", **kwargs)) == pytest.approx(np.mean(unreduced), rel=1e-14)
    assert float(loss(y_true, y_pred, reduction="sum", **kwargs)) == pytest.approx(np.sum(unreduced), rel=1e-14)
    assert float(loss(y_true, y_pred, **kwargs)) == float(loss(y_true, y_pred, reduction="mean", **kwargs))


def test_gan_discriminator_reductions_apply_to_each_term():
    real, fake = SCORES[:, 0], SCORES[:3, 1]  # batches of different sizes
    expected = np.mean(np.logaddexp(0, -real)) + np.mean(np.logaddexp(0, fake))
    assert L.gan_discriminator_loss(real, fake) == pytest.approx(expected, rel=1e-14)
    expected_sum = np.sum(np.logaddexp(0, -real)) + np.sum(np.logaddexp(0, fake))
    assert L.gan_discriminator_loss(real, fake, reduction="sum") == pytest.approx(expected_sum, rel=1e-14)
    unreduced = L.gan_discriminator_loss(SCORES[:, 0], SCORES[:, 1], reduction="none")
    assert unreduced.shape == (4,)


def test_sparse_equals_categorical_on_one_hot_rows():
    labels = np.array([0, 2, 1, 1])
    for kwargs in ({}, {"from_logits": True, "label_smoothing": 0.1}):
        y_pred = SCORES if kwargs else SOFTMAX
        sparse = L.sparse_categorical_crossentropy(labels, y_pred, reduction="none", **kwargs)
        dense = L.categorical_crossentropy(ONE_HOT, y_pred, reduction="none", **kwargs)
        np.testing.assert_allclose(sparse, dense, rtol=1e-15)


def test_log_loss_is_bce_from_logits_and_hinges_agree_on_labels():
    np.testing.assert_allclose(
        L.log_loss(BINARY, SCORES, reduction="none"),
        L.binary_crossentropy(BINARY, SCORES, from_logits=True, reduction="none"),
        rtol=1e-14,
    )
    signed = 2 * BINARY - 1
    for loss in (L.hinge, L.squared_hinge, L.zero_one_loss, L.exponential_loss, L.log_loss):
        assert loss(signed, SCORES) == loss(BINARY, SCORES)


def test_weston_watkins_equals_crammer_singer_with_two_classes():
    two = SCORES[:, :2]
    labels = np.eye(2)[[0, 1, 1, 0]]
    np.testing.assert_allclose(L.weston_watkins_hinge(labels, two), L.categorical_hinge(labels, two), rtol=1e-15)


# ---------------------------------------------------------------------------------------------------
# Hard inputs: extreme logits, saturated probabilities, empty masks.
# ---------------------------------------------------------------------------------------------------

EXTREME_LOGITS = np.array([-1e4, -50.0, -1e-8, 0.0, 1e-8, 50.0, 1e4])


@pytest.mark.parametrize(
    "loss",
    [
        lambda x: L.binary_crossentropy(np.ones_like(x), x, from_logits=True, reduction="none"),
        lambda x: L.binary_crossentropy(np.zeros_like(x), x, from_logits=True, reduction="none"),
        lambda x: L.log_loss(np.ones_like(x), x, reduction="none"),
        lambda x: L.categorical_crossentropy(np.eye(7)[[0]], x[None, :], from_logits=True, reduction="none"),
        lambda x: L.sparse_categorical_crossentropy(np.array([6]), x[None, :], from_logits=True, reduction="none"),
        lambda x: L.kl_divergence(np.full((1, 7), 1 / 7), x[None, :], from_logits=True, reduction="none"),
        lambda x: L.gan_discriminator_loss(x, x, reduction="none"),
        lambda x: L.gan_generator_minimax_loss(x, reduction="none"),
        lambda x: L.gan_generator_nonsaturating_loss(x, reduction="none"),
        lambda x: L.log_cosh(np.zeros_like(x), x, reduction="none"),
    ],
    ids=["bce y=1", "bce y=0", "log_loss", "cce", "scce", "kl", "gan_d", "gan_minimax", "gan_nonsat", "log_cosh"],
)
def test_extreme_logits_give_finite_losses(loss):
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow to 0 is fine
        values = loss(EXTREME_LOGITS)
    assert np.all(np.isfinite(values))


def test_bce_from_logits_matches_the_naive_formula_where_that_is_accurate():
    x = np.linspace(-20, 20, 41)
    for y in (0.0, 0.3, 1.0):
        s = 1 / (1 + np.exp(-x))
        naive = -(y * np.log(s) + (1 - y) * np.log1p(-s))
        np.testing.assert_allclose(
            L.binary_crossentropy(np.full_like(x, y), x, from_logits=True, reduction="none"),
            naive,
            rtol=1e-8,
            atol=1e-12,
        )


def test_saturated_probabilities_cost_at_most_the_clip():
    y = np.array([1.0, 0.0, 1.0, 0.0])
    p = np.array([0.0, 1.0, 1.0, 0.0])
    high = 1 - 1e-7  # the upper clip, as rounded in float64
    np.testing.assert_allclose(
        L.binary_crossentropy(y, p, reduction="none"),
        [CLIP_COST, -math.log(1 - high), -math.log(high), -math.log(1 - 1e-7)],
        rtol=1e-15,
    )


def test_exponential_loss_overflows_to_inf_not_nan():
    with np.errstate(over="ignore"):
        values = L.exponential_loss([1.0, -1.0], [-1e4, -1e4], reduction="none")
    assert values[0] == np.inf and values[1] == 0.0


EMPTY = np.zeros((2, 4, 4, 1))


@pytest.mark.parametrize("loss", [L.dice, L.jaccard, L.tversky, L.focal_tversky], ids=lambda f: f.__name__)
@pytest.mark.parametrize("smooth", [1.0, 1e-5, 0.0])
def test_empty_mask_and_empty_prediction_give_zero_loss(loss, smooth):
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        assert loss(EMPTY, EMPTY, smooth=smooth) == 0.0
        np.testing.assert_array_equal(loss(EMPTY, EMPTY, axis=(1, 2, 3), smooth=smooth, reduction="none"), [0, 0])


@pytest.mark.parametrize("loss", [L.dice, L.jaccard, L.tversky, L.focal_tversky], ids=lambda f: f.__name__)
def test_empty_mask_with_predictions_gives_full_loss_when_smooth_is_zero(loss):
    pred = np.full((1, 4), 0.5)
    assert loss(np.zeros((1, 4)), pred, smooth=0.0) == pytest.approx(1.0)
    # …and with smoothing, the loss is slightly below 1: dice 1 − 1/(2 + 1)
    assert L.dice(np.zeros((1, 4)), pred) == pytest.approx(2 / 3)


def test_perfect_prediction_gives_zero_loss():
    for loss in (L.dice, L.jaccard, L.tversky, L.focal_tversky):
        assert loss(MASKS, MASKS, axis=(1, 2)) == pytest.approx(0.0, abs=1e-15)


# ---------------------------------------------------------------------------------------------------
# Bad inputs: the error names the argument, the constraint and the value.
# ---------------------------------------------------------------------------------------------------

BAD_INPUTS = [
    (
        "shape mismatch",
        L.mean_squared_error,
        ([1.0, 2.0], [[1.0, 2.0]]),
        {},
        ValueError,
        r"y_true and y_pred must have the same shape.*y_true.shape=\(2,\) and y_pred.shape=\(1, 2\)",
    ),
    ("nan prediction", L.mean_squared_error, ([1.0], [np.nan]), {}, ValueError, r"y_pred must contain only finite"),
    ("string input", L.mean_absolute_error, ("abc", [1.0]), {}, TypeError, r"y_true must be array-like"),
    ("empty input", L.mean_squared_error, ([], []), {}, ValueError, r"y_true must not be empty"),
    (
        "bad reduction",
        L.mean_squared_error,
        ([1.0], [1.0]),
        {"reduction": "batchmean"},
        ValueError,
        r"reduction must be one of \('mean', 'sum', 'none'\); got reduction='batchmean'",
    ),
    ("huber delta 0", L.huber, ([1.0], [1.0]), {"delta": 0.0}, ValueError, r"delta must be > 0; got delta=0.0"),
    (
        "bce prob above 1",
        L.binary_crossentropy,
        ([1.0], [1.5]),
        {},
        ValueError,
        r"y_pred must hold probabilities in \[0, 1\] \(from_logits=False\); got y_pred\[0\]=1.5",
    ),
    (
        "bce negative prob",
        L.binary_crossentropy,
        ([1.0, 0.0], [0.5, -0.1]),
        {},
        ValueError,
        r"y_pred must hold probabilities.*got y_pred\[1\]=-0.1",
    ),
    (
        "bce target 2",
        L.binary_crossentropy,
        ([2.0], [0.5]),
        {},
        ValueError,
        r"y_true must hold targets in \[0, 1\]; got y_true\[0\]=2.0",
    ),
    (
        "bce smoothing",
        L.binary_crossentropy,
        ([1.0], [0.5]),
        {"label_smoothing": 1.5},
        ValueError,
        r"label_smoothing must be in \[0, 1\]; got label_smoothing=1.5",
    ),
    (
        "bce from_logits string",
        L.binary_crossentropy,
        ([1.0], [0.5]),
        {"from_logits": "yes"},
        TypeError,
        r"from_logits must be True or False; got from_logits='yes'",
    ),
    (
        "cce row sum",
        L.categorical_crossentropy,
        ([[0.5, 0.6]], [[0.5, 0.5]]),
        {},
        ValueError,
        r"y_true must sum to 1 along the last axis.*got a row summing to 1.1",
    ),
    (
        "cce prob above 1",
        L.categorical_crossentropy,
        ([[1.0, 0.0]], [[1.2, 0.5]]),
        {},
        ValueError,
        r"y_pred must hold probabilities.*y_pred\[\(0, 0\)\]=1.2",
    ),
    (
        "scce out of range",
        L.sparse_categorical_crossentropy,
        ([0, 3], [[0.5, 0.5], [0.5, 0.5]]),
        {},
        ValueError,
        r"y_true must hold class indices in \[0, 1\] \(y_pred has 2 classes\); got y_true\[1\]=3.0",
    ),
    (
        "scce negative",
        L.sparse_categorical_crossentropy,
        ([-1], [[0.5, 0.5]]),
        {},
        ValueError,
        r"class indices in \[0, 1\].*got y_true\[0\]=-1.0",
    ),
    (
        "scce fractional",
        L.sparse_categorical_crossentropy,
        ([0.5], [[0.5, 0.5]]),
        {},
        ValueError,
        r"y_true must hold integer class indices; got y_true\[0\]=0.5",
    ),
    (
        "scce shape",
        L.sparse_categorical_crossentropy,
        ([[0], [1]], [[0.5, 0.5], [0.5, 0.5]]),
        {},
        ValueError,
        r"y_true must have shape y_pred.shape\[:-1\].*y_true.shape=\(2, 1\) and y_pred.shape=\(2, 2\)",
    ),
    (
        "kl negative target",
        L.kl_divergence,
        ([[-0.5, 1.5]], [[0.5, 0.5]]),
        {},
        ValueError,
        r"y_true must hold probabilities in \[0, 1\]; got y_true\[\(0, 0\)\]=-0.5",
    ),
    (
        "hinge label 2",
        L.hinge,
        ([1.0, 2.0], [0.5, 0.5]),
        {},
        ValueError,
        r"y_true must hold labels in \{-1, 1\} or in \{0, 1\}; got y_true\[1\]=2.0",
    ),
    (
        "hinge mixed labels",
        L.hinge,
        ([1.0, 0.0, -1.0], [0.5, 0.5, 0.5]),
        {},
        ValueError,
        r"labels in \{-1, 1\} or in \{0, 1\}, not a mix; got y_true\[1\]=0.0 next to a label -1",
    ),
    ("log_loss label 0.5", L.log_loss, ([0.5], [0.5]), {}, ValueError, r"y_true must hold labels.*y_true\[0\]=0.5"),
    (
        "categorical hinge not one-hot",
        L.categorical_hinge,
        ([[1, 1, 0]], [[0.1, 0.2, 0.3]]),
        {},
        ValueError,
        r"y_true must be one-hot \(exactly one 1 per row of the last axis\); got a row summing to 2",
    ),
    (
        "categorical hinge soft labels",
        L.categorical_hinge,
        ([[0.5, 0.5]], [[0.1, 0.2]]),
        {},
        ValueError,
        r"y_true must be one-hot \(entries 0 or 1\); got y_true\[\(0, 0\)\]=0.5",
    ),
    (
        "weston watkins one class",
        L.weston_watkins_hinge,
        ([[1.0]], [[0.3]]),
        {},
        ValueError,
        r"y_pred must have at least 2 classes on its last axis; got y_pred.shape=\(1, 1\)",
    ),
    (
        "weston watkins margin",
        L.weston_watkins_hinge,
        ([[1, 0]], [[0.1, 0.2]]),
        {"margin": -1.0},
        ValueError,
        r"margin must be > 0; got margin=-1.0",
    ),
    (
        "dice mask 2",
        L.dice,
        ([0.0, 2.0], [0.5, 0.5]),
        {},
        ValueError,
        r"y_true must hold mask values in \[0, 1\]; got y_true\[1\]=2.0",
    ),
    (
        "dice logits",
        L.dice,
        ([0.0, 1.0], [0.5, 3.0]),
        {},
        ValueError,
        r"y_pred must hold probabilities in \[0, 1\]; got y_pred\[1\]=3.0",
    ),
    (
        "dice negative smooth",
        L.dice,
        ([0.0], [0.5]),
        {"smooth": -1.0},
        ValueError,
        r"smooth must be >= 0; got smooth=-1.0",
    ),
    (
        "dice axis out of range",
        L.dice,
        ([[0.0]], [[0.5]]),
        {"axis": 2},
        ValueError,
        r"axis must be in \[-2, 2\) for 2-d inputs; got axis=2",
    ),
    (
        "dice axis repeated",
        L.dice,
        ([[0.0]], [[0.5]]),
        {"axis": (1, -1)},
        ValueError,
        r"axis must not repeat an axis; got axis=\(1, -1\)",
    ),
    (
        "dice axis float",
        L.dice,
        ([[0.0]], [[0.5]]),
        {"axis": 1.0},
        TypeError,
        r"axis must be None, an int or a tuple of ints; got axis=1.0",
    ),
    (
        "tversky negative alpha",
        L.tversky,
        ([0.0], [0.5]),
        {"alpha": -0.1},
        ValueError,
        r"alpha must be >= 0; got alpha=-0.1",
    ),
    (
        "focal tversky gamma",
        L.focal_tversky,
        ([0.0], [0.5]),
        {"gamma": 0},
        ValueError,
        r"gamma must be > 0; got gamma=0.0",
    ),
    (
        "gan probability",
        L.gan_generator_nonsaturating_loss,
        ([1.5],),
        {"from_logits": False},
        ValueError,
        r"d_fake must hold probabilities D in \[0, 1\] \(from_logits=False\); got d_fake\[0\]=1.5",
    ),
    (
        "gan none shapes",
        L.gan_discriminator_loss,
        ([0.0, 1.0], [0.0]),
        {"reduction": "none"},
        ValueError,
        r"d_real and d_fake must have the same shape.*d_real.shape=\(2,\) and d_fake.shape=\(1,\)",
    ),
]


@pytest.mark.parametrize(
    "loss, args, kwargs, error, message", [row[1:6] for row in BAD_INPUTS], ids=[row[0] for row in BAD_INPUTS]
)
def test_bad_input_raises_naming_argument_constraint_and_value(loss, args, kwargs, error, message):
    with pytest.raises(error, match=message):
        loss(*args, **kwargs)


def test_logits_need_no_probability_range():
    assert np.isfinite(L.binary_crossentropy([1.0], [3.0], from_logits=True))
    assert np.isfinite(L.categorical_crossentropy([[1.0, 0.0]], [[3.0, -7.0]], from_logits=True))
