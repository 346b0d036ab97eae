"""Focal losses (momentum_lab.losses.focal) in their three forms, against Keras' built-ins.

* hand-worked values (working in the comments); γ = 0 is the cross-entropy;
* agreement in float64 with ``keras.losses.BinaryFocalCrossentropy`` and ``CategoricalFocalCrossentropy``
  over ``alpha``, ``gamma``, ``apply_class_balancing``, ``from_logits``, ``label_smoothing`` and every
  reduction, with ``momentum_lab.tf.losses`` and ``momentum_lab.torch.losses`` alongside; the difference at
  saturated logits (Keras clips its softmax, the library does not) is pinned;
* gradients and Hessians of the tape against finite differences (order 2), and the analytic gradient;
* hard inputs (logits of ±1e4, probabilities 0 and 1) and bad inputs.

The largest absolute and relative differences against each built-in are printed at the end (``-s``).
"""

import json
from collections import defaultdict

import numpy as np
import pytest

import momentum_lab.losses as L
from momentum_lab import autodiff as ad

rng = np.random.default_rng(1317)
N, C = 6, 4
BINARY = rng.integers(0, 2, size=(N, C)).astype(float)
SOFT = rng.uniform(size=(N, C))
PROBS = rng.uniform(0.02, 0.98, size=(N, C))
LOGITS = rng.normal(scale=2.0, size=(N, C))
ONE_HOT = np.eye(C)[rng.integers(0, C, size=N)]
SOFTMAX = np.exp(LOGITS) / np.exp(LOGITS).sum(axis=-1, keepdims=True)
REDUCTIONS = ("mean", "sum", "none")
KERAS_REDUCTION = {"mean": "sum_over_batch_size", "sum": "sum", "none": None}

GAPS = defaultdict(lambda: {"comparisons": 0, "max_abs": 0.0, "max_rel": 0.0})


def agree(builtin, ours, theirs, rtol=1e-12, atol=1e-14):
    ours, theirs = np.asarray(ours, dtype=np.float64), np.asarray(theirs, dtype=np.float64)
    assert ours.shape == theirs.shape, (builtin, ours.shape, theirs.shape)
    gap = np.abs(ours - theirs)
    entry = GAPS[builtin]
    entry["comparisons"] += 1
    entry["max_abs"] = max(entry["max_abs"], float(gap.max(initial=0.0)))
    rel = np.where(gap > 0, gap / np.maximum(np.abs(theirs), 1e-300), 0.0)
    entry["max_rel"] = max(entry["max_rel"], float(rel.max(initial=0.0)))
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol, err_msg=builtin)


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    print("\nfocal losses, largest differences:\n" + json.dumps(dict(GAPS), indent=1))


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


# ---------------------------------------------------------------------------------------------------
# Hand-worked values.
# ---------------------------------------------------------------------------------------------------


def test_binary_focal_by_hand():
    # y = 1, p = 0.9: (1 − 0.9)² · (−log 0.9) = 0.01 · 0.105361 = 0.00105361
    # y = 0, p = 0.9: 0.9² · (−log 0.1) = 0.81 · 2.302585 = 1.865094
    # with class balancing α = 0.25: 0.25 · 0.00105361 and 0.75 · 1.865094
    values = L.binary_focal_crossentropy([1.0, 0.0], [0.9, 0.9], reduction="none")
    np.testing.assert_allclose(values, [0.01 * -np.log(0.9), 0.81 * -np.log(0.1)], rtol=1e-14)
    balanced = L.binary_focal_crossentropy([1.0, 0.0], [0.9, 0.9], apply_class_balancing=True, reduction="none")
    np.testing.assert_allclose(balanced, [0.25, 0.75] * values, rtol=1e-14)


def test_categorical_focal_by_hand():
    # q_true = 0.7, γ = 2, α = 0.25: 0.25 · 0.3² · (−log 0.7) = 0.0225 · 0.356675
    value = L.categorical_focal_crossentropy([[0, 1, 0]], [[0.2, 0.7, 0.1]], reduction="none")
    np.testing.assert_allclose(value, [0.0225 * -np.log(0.7)], rtol=1e-14)


def test_gamma_zero_gives_the_cross_entropies():
    np.testing.assert_allclose(
        L.binary_focal_crossentropy(SOFT, LOGITS, gamma=0.0, from_logits=True),
        L.binary_crossentropy(SOFT, LOGITS, from_logits=True),
        rtol=1e-14,
    )
    np.testing.assert_allclose(
        L.categorical_focal_crossentropy(ONE_HOT, LOGITS, alpha=1.0, gamma=0.0, from_logits=True),
        L.categorical_crossentropy(ONE_HOT, LOGITS, from_logits=True),
        rtol=1e-14,
    )


def test_probabilities_and_logits_agree():
    np.testing.assert_allclose(
        L.binary_focal_crossentropy(BINARY, LOGITS, from_logits=True, reduction="none"),
        L.binary_focal_crossentropy(BINARY, sigmoid(LOGITS), reduction="none"),
        rtol=1e-11,
    )
    np.testing.assert_allclose(
        L.categorical_focal_crossentropy(ONE_HOT, LOGITS, from_logits=True, reduction="none"),
        L.categorical_focal_crossentropy(ONE_HOT, SOFTMAX, reduction="none"),
        rtol=1e-11,
    )


def test_binary_focal_gradient_by_hand():
    # y = 1, logit x, p = σ(x), γ = 2: loss = (1 − p)² · softplus(−x); dp/dx = p(1 − p), d softplus(−x)/dx = −(1 − p):
    # d loss/dx = −2(1 − p)·p(1 − p)·softplus(−x) − (1 − p)³
    x = LOGITS[0]
    p = sigmoid(x)
    expected = (-2 * (1 - p) ** 2 * p * np.log1p(np.exp(-x)) - (1 - p) ** 3) / x.size
    grad = ad.grad(lambda z: L.binary_focal_crossentropy(np.ones(C), z, from_logits=True))(x)
    np.testing.assert_allclose(grad, expected, rtol=1e-12)


# ---------------------------------------------------------------------------------------------------
# Gradients against finite differences, first and second order.
# ---------------------------------------------------------------------------------------------------

GRADIENT_CASES = [
    ("binary probs", lambda p: L.binary_focal_crossentropy(BINARY, p), PROBS),
    (
        "binary logits balanced smoothed",
        lambda x: L.binary_focal_crossentropy(
            SOFT, x, apply_class_balancing=True, alpha=0.4, gamma=1.5, from_logits=True, label_smoothing=0.1
        ),
        LOGITS,
    ),
    (
        "binary logits gamma 3 sum",
        lambda x: L.binary_focal_crossentropy(BINARY, x, gamma=3.0, from_logits=True, reduction="sum"),
        LOGITS,
    ),
    ("categorical probs", lambda p: L.categorical_focal_crossentropy(ONE_HOT, p), SOFTMAX),
    (
        "categorical logits per-class alpha",
        lambda x: L.categorical_focal_crossentropy(
            ONE_HOT, x, alpha=[0.1, 0.2, 0.3, 0.4], gamma=2.5, from_logits=True, label_smoothing=0.2
        ),
        LOGITS,
    ),
]


@pytest.mark.parametrize("loss, x", [c[1:] for c in GRADIENT_CASES], ids=[c[0] for c in GRADIENT_CASES])
def test_gradients_and_hessians_match_finite_differences(loss, x):
    ad.check_grads(loss, x, order=2, rtol=1e-5, atol=1e-7)


# ---------------------------------------------------------------------------------------------------
# Hard inputs.
# ---------------------------------------------------------------------------------------------------


def test_saturated_logits_give_finite_exact_values():
    # a positive at logit −1e4: factor (1 − p)² = 1, BCE = softplus(1e4) = 1e4; at +1e4 it costs e^{−2e4}·... = 0
    values = L.binary_focal_crossentropy([1.0, 1.0], [-1e4, 1e4], from_logits=True, reduction="none")
    np.testing.assert_allclose(values, [1e4, 0.0], rtol=1e-15, atol=0)
    # categorical: the true class at −1e4 against +1e4: α·(1 − 0)²·2e4
    value = L.categorical_focal_crossentropy([[1.0, 0.0]], [[-1e4, 1e4]], from_logits=True)
    assert float(value) == pytest.approx(0.25 * 2e4, rel=1e-15)
    grad = ad.grad(lambda x: L.binary_focal_crossentropy(BINARY, x, from_logits=True))(1e4 * np.sign(LOGITS))
    assert np.all(np.isfinite(grad))


def test_probabilities_zero_and_one_are_clipped_in_the_log():
    # y = 1 at p = 0: factor 1 (unclipped p, as Keras), −log(1e-7) = 16.118; at p = 1: factor 0
    values = L.binary_focal_crossentropy([1.0, 1.0], [0.0, 1.0], reduction="none")
    np.testing.assert_allclose(values, [-np.log(1e-7), 0.0], rtol=1e-12, atol=1e-300)
    assert np.all(np.isfinite(ad.grad(lambda p: L.binary_focal_crossentropy([1.0, 1.0], p))(np.array([0.0, 1.0]))))


# ---------------------------------------------------------------------------------------------------
# Bad inputs.
# ---------------------------------------------------------------------------------------------------

ERRORS = [
    ("alpha above 1", lambda: L.binary_focal_crossentropy(BINARY, PROBS, alpha=1.5), ValueError, "alpha"),
    (
        "negative gamma",
        lambda: L.binary_focal_crossentropy(BINARY, PROBS, gamma=-1.0),
        ValueError,
        "gamma must be >= 0",
    ),
    ("probabilities out of range", lambda: L.binary_focal_crossentropy(BINARY, LOGITS), ValueError, "y_pred"),
    ("targets out of range", lambda: L.binary_focal_crossentropy(2 * BINARY, PROBS), ValueError, "y_true"),
    ("flag", lambda: L.binary_focal_crossentropy(BINARY, PROBS, from_logits="yes"), TypeError, "from_logits"),
    ("shape", lambda: L.binary_focal_crossentropy(BINARY, PROBS[:2]), ValueError, "same shape"),
    (
        "probabilities out of [0, 1]",
        lambda: L.categorical_focal_crossentropy(ONE_HOT, LOGITS),
        ValueError,
        "y_pred must hold probabilities",
    ),
    (
        "targets not distributions",
        lambda: L.categorical_focal_crossentropy(PROBS, SOFTMAX),
        ValueError,
        "y_true must sum to 1",
    ),
    (
        "alpha per class length",
        lambda: L.categorical_focal_crossentropy(ONE_HOT, SOFTMAX, alpha=[0.5, 0.5]),
        ValueError,
        r"alpha must be a number or one weight per class, shape \(4,\)",
    ),
    (
        "negative class alpha",
        lambda: L.categorical_focal_crossentropy(ONE_HOT, SOFTMAX, alpha=[1, -1, 1, 1]),
        ValueError,
        "alpha must hold weights >= 0",
    ),
    (
        "smoothing",
        lambda: L.categorical_focal_crossentropy(ONE_HOT, SOFTMAX, label_smoothing=2.0),
        ValueError,
        "label_smoothing",
    ),
]


@pytest.mark.parametrize("call, error, match", [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_bad_inputs_raise_naming_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---------------------------------------------------------------------------------------------------
# Keras built-ins and the framework forms.
# ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def frameworks():
    torch = pytest.importorskip("torch")
    keras = pytest.importorskip("keras")
    import momentum_lab.tf.losses as KL
    import momentum_lab.torch.losses as TL

    return torch, keras, KL, TL


def t64(x):
    import torch

    return torch.tensor(np.asarray(x, dtype=np.float64))


def numpy_of(value):
    return value.detach().numpy() if hasattr(value, "detach") else np.asarray(value)


BINARY_SETTINGS = [
    dict(),
    dict(from_logits=True),
    dict(apply_class_balancing=True, alpha=0.6),
    dict(gamma=0.5, label_smoothing=0.2),
    dict(gamma=3.0, from_logits=True, apply_class_balancing=True, label_smoothing=0.1),
]
BINARY_CASES = [("hard", BINARY), ("soft", SOFT)]


@pytest.mark.frameworks
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("settings", BINARY_SETTINGS, ids=[str(s) for s in BINARY_SETTINGS])
def test_binary_focal_agrees_with_keras(frameworks, settings, reduction):
    torch, keras, KL, TL = frameworks
    for case, y in BINARY_CASES:
        x = LOGITS if settings.get("from_logits") else PROBS
        builtin = np.asarray(
            keras.losses.BinaryFocalCrossentropy(reduction=KERAS_REDUCTION[reduction], dtype="float64", **settings)(
                y, x
            )
        )
        ours_keras = np.asarray(
            KL.BinaryFocalCrossentropy(reduction=KERAS_REDUCTION[reduction], dtype="float64", **settings)(y, x)
        )
        agree(f"keras.losses.BinaryFocalCrossentropy ({case} targets)", ours_keras, builtin)
        # the NumPy function and torch reduce over elements: Keras' per-sample means times C for "sum"
        per_element = L.binary_focal_crossentropy(y, x, reduction="none", **settings)
        agree(
            "keras.losses.BinaryFocalCrossentropy (per-sample means)",
            {"mean": per_element.mean(), "sum": per_element.mean(-1).sum(), "none": per_element.mean(-1)}[reduction],
            builtin,
        )
        agree(
            "momentum_lab.torch BinaryFocalCrossentropy",
            numpy_of(TL.BinaryFocalCrossentropy(reduction=reduction, **settings)(t64(x), t64(y))),
            L.binary_focal_crossentropy(y, x, reduction=reduction, **settings),
        )


CATEGORICAL_SETTINGS = [
    dict(),
    dict(from_logits=True),
    dict(alpha=1.0, gamma=0.0),
    dict(alpha=0.5, gamma=1.0, label_smoothing=0.3),
    dict(alpha=[0.1, 0.2, 0.3, 0.4], gamma=2.5, from_logits=True, label_smoothing=0.1),
]


@pytest.mark.frameworks
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("settings", CATEGORICAL_SETTINGS, ids=[str(s) for s in CATEGORICAL_SETTINGS])
def test_categorical_focal_agrees_with_keras(frameworks, settings, reduction):
    torch, keras, KL, TL = frameworks
    x = LOGITS if settings.get("from_logits") else SOFTMAX
    builtin = np.asarray(
        keras.losses.CategoricalFocalCrossentropy(reduction=KERAS_REDUCTION[reduction], dtype="float64", **settings)(
            ONE_HOT, x
        )
    )
    ours = L.categorical_focal_crossentropy(ONE_HOT, x, reduction=reduction, **settings)
    if isinstance(settings.get("alpha"), list):
        # pinned: Keras turns a list alpha into a float32 tensor (0.1 becomes 0.10000000149...), a relative
        # difference of up to 3e-8; with the float32-rounded weights the two agree to rounding
        rounded = dict(settings, alpha=np.float32(settings["alpha"]).astype(np.float64))
        np.testing.assert_allclose(ours, builtin, rtol=5e-8)
        assert np.max(np.abs(ours - builtin) / np.abs(builtin)) > 1e-9
        agree(
            "keras.losses.CategoricalFocalCrossentropy",
            L.categorical_focal_crossentropy(ONE_HOT, x, reduction=reduction, **rounded),
            builtin,
        )
    else:
        agree("keras.losses.CategoricalFocalCrossentropy", ours, builtin)
    agree(
        "momentum_lab.tf CategoricalFocalCrossentropy",
        np.asarray(
            KL.CategoricalFocalCrossentropy(reduction=KERAS_REDUCTION[reduction], dtype="float64", **settings)(
                ONE_HOT, x
            )
        ),
        ours,
    )
    torch_settings = dict(settings)
    if isinstance(settings.get("alpha"), list):
        torch_settings["alpha"] = t64(settings["alpha"])
    agree(
        "momentum_lab.torch CategoricalFocalCrossentropy",
        numpy_of(TL.CategoricalFocalCrossentropy(reduction=reduction, **torch_settings)(t64(x), t64(ONE_HOT))),
        ours,
    )


@pytest.mark.frameworks
def test_keras_rescales_unnormalized_probabilities(frameworks):
    torch, keras, KL, TL = frameworks
    scaled = 3.0 * SOFTMAX  # rows summing to 3: Keras (and the Keras class) divide by the sum first
    agree(
        "keras.losses.CategoricalFocalCrossentropy",
        np.asarray(KL.CategoricalFocalCrossentropy(dtype="float64")(ONE_HOT, scaled)),
        np.asarray(keras.losses.CategoricalFocalCrossentropy(dtype="float64")(ONE_HOT, scaled)),
    )


@pytest.mark.frameworks
def test_saturated_logits_difference_with_keras_is_pinned(frameworks):
    # Keras takes softmax first and clips q to [1e-7, 1 − 1e-7]: a true class at logit −1e4 against +1e4
    # costs α·(1 − 1e-7)²·(−log 1e-7) = 4.0295 there, and exactly α·2e4 = 5000 here.
    torch, keras, KL, TL = frameworks
    y, x = np.array([[1.0, 0.0]]), np.array([[-1e4, 1e4]])
    theirs = float(keras.losses.CategoricalFocalCrossentropy(from_logits=True, dtype="float64")(y, x))
    assert theirs == pytest.approx(0.25 * (1 - 1e-7) ** 2 * -np.log(1e-7), rel=1e-12)
    assert float(L.categorical_focal_crossentropy(y, x, from_logits=True)) == 5000.0
    # the binary built-in keeps sigmoid's logits (Keras' TensorFlow backend), so it agrees even here
    yb, xb = np.array([[1.0, 0.0, 1.0]]), np.array([[-1e4, -1e4, 40.0]])
    agree(
        "keras.losses.BinaryFocalCrossentropy (saturated logits)",
        L.binary_focal_crossentropy(yb, xb, from_logits=True),
        float(keras.losses.BinaryFocalCrossentropy(from_logits=True, dtype="float64")(yb, xb)),
        rtol=1e-9,
    )


@pytest.mark.frameworks
def test_torch_gradients_equal_the_tape_gradients(frameworks):
    torch, keras, KL, TL = frameworks
    settings = dict(apply_class_balancing=True, alpha=0.3, gamma=2.0, from_logits=True)
    x = t64(LOGITS).requires_grad_()
    TL.BinaryFocalCrossentropy(**settings)(x, t64(BINARY)).backward()
    agree(
        "momentum_lab.torch BinaryFocalCrossentropy gradient",
        x.grad.numpy(),
        ad.grad(lambda z: L.binary_focal_crossentropy(BINARY, z, **settings))(LOGITS),
    )
    x = t64(LOGITS).requires_grad_()
    TL.CategoricalFocalCrossentropy(from_logits=True)(x, t64(ONE_HOT)).backward()
    agree(
        "momentum_lab.torch CategoricalFocalCrossentropy gradient",
        x.grad.numpy(),
        ad.grad(lambda z: L.categorical_focal_crossentropy(ONE_HOT, z, from_logits=True))(LOGITS),
    )


@pytest.mark.frameworks
def test_keras_focal_losses_serialize(frameworks):
    torch, keras, KL, TL = frameworks
    for loss in (
        KL.BinaryFocalCrossentropy(True, 0.4, 1.0, True, 0.1),
        KL.CategoricalFocalCrossentropy([0.1, 0.9], 3.0, from_logits=True),
    ):
        clone = keras.losses.deserialize(keras.losses.serialize(loss))
        assert type(clone) is type(loss) and clone.get_config() == loss.get_config()
