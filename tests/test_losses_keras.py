"""momentum_lab.tf.losses against the Keras built-ins of the same name: defaults, every reduction,
per-sample weights, shapes, and training with ``fit``/``evaluate``.

A class bearing a built-in's name must compute what the built-in computes, argument for argument and
default for default. Everything runs in float64, so the two agree to rounding (≤ 1e-13 relative).
"""

import inspect

import numpy as np
import pytest

keras = pytest.importorskip("keras")

import momentum_lab.tf.losses as KL  # noqa: E402

pytestmark = pytest.mark.frameworks

REDUCTIONS = ("sum_over_batch_size", "sum", None, "mean", "mean_with_sample_weight")

rng = np.random.default_rng(31)
N, C = 5, 4
TARGETS = rng.normal(size=(N, C))
SCORES = rng.normal(scale=2.0, size=(N, C))
BINARY = rng.integers(0, 2, size=(N, C)).astype(float)
SIGNED = 2 * BINARY - 1
PROBS = rng.uniform(0.02, 0.98, size=(N, C))
UNNORMALIZED = rng.uniform(0.05, 0.5, size=(N, C))  # rows that do not sum to 1
LABELS = rng.integers(0, C, size=N)
ONE_HOT = np.eye(C)[LABELS]
DIRICHLET = rng.dirichlet(np.ones(C), size=N)
MASKS = (rng.random((N, 6, 6, 2)) > 0.6).astype(float)
MASK_PROBS = rng.random((N, 6, 6, 2))
WEIGHTS = rng.uniform(0.1, 2.0, size=N)

# (class name, kwargs for both, cases (y_true, y_pred))
SAME_NAME = [
    ("MeanSquaredError", {}, [(TARGETS, SCORES), (TARGETS[:, :1], SCORES[:, :1])]),
    ("MeanAbsoluteError", {}, [(TARGETS, SCORES)]),
    ("Huber", {}, [(TARGETS, SCORES)]),
    ("Huber", {"delta": 0.3}, [(TARGETS, SCORES)]),
    ("BinaryCrossentropy", {}, [(BINARY, PROBS), (PROBS, PROBS)]),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, [(BINARY, SCORES)]),
    ("BinaryCrossentropy", {"axis": 0}, [(BINARY, PROBS)]),
    ("CategoricalCrossentropy", {}, [(ONE_HOT, PROBS), (DIRICHLET, UNNORMALIZED)]),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, [(ONE_HOT, SCORES)]),
    ("CategoricalCrossentropy", {"axis": 0}, [(ONE_HOT.T.copy(), PROBS.T.copy())]),
    ("SparseCategoricalCrossentropy", {}, [(LABELS, PROBS), (LABELS[:, None], UNNORMALIZED)]),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, [(LABELS, SCORES), (LABELS[:, None], SCORES)]),
    ("SparseCategoricalCrossentropy", {"ignore_class": int(LABELS[0])}, [(LABELS, PROBS)]),
    ("KLDivergence", {}, [(DIRICHLET, PROBS), (ONE_HOT, DIRICHLET)]),
    ("Hinge", {}, [(SIGNED, SCORES), (BINARY, SCORES)]),
    ("SquaredHinge", {}, [(SIGNED, SCORES), (BINARY, SCORES)]),
    ("CategoricalHinge", {}, [(ONE_HOT, SCORES), (ONE_HOT, -np.abs(SCORES) - 1)]),
    ("Dice", {}, [(MASKS, MASK_PROBS)]),
    ("Dice", {"axis": (1, 2, 3)}, [(MASKS, MASK_PROBS)]),
    ("Tversky", {}, [(MASKS, MASK_PROBS)]),
    ("Tversky", {"alpha": 0.2, "beta": 0.9, "axis": (1, 2, 3)}, [(MASKS, MASK_PROBS)]),
]


def _params():
    return [
        pytest.param(name, kwargs, t, p, id=f"{name}{kwargs}-{i}")
        for name, kwargs, cases in SAME_NAME
        for i, (t, p) in enumerate(cases)
    ]


@pytest.mark.parametrize("name, kwargs, y_true, y_pred", _params())
def test_every_reduction_and_sample_weight_give_what_the_builtin_gives(name, kwargs, y_true, y_pred):
    ours_cls, theirs_cls = getattr(KL, name), getattr(keras.losses, name)
    # Per-sample weights need one loss per sample: not for an axis=None overlap loss (one score for the
    # batch) nor for a cross-entropy over axis 0 (one loss per column).
    weights = (
        (None, WEIGHTS)
        if kwargs.get("axis", -1) not in (None, 0) and not (name in ("Dice", "Tversky") and "axis" not in kwargs)
        else (None,)
    )
    for reduction in REDUCTIONS:
        for sample_weight in weights:
            ours = ours_cls(reduction=reduction, dtype="float64", **kwargs)(y_true, y_pred, sample_weight=sample_weight)
            theirs = theirs_cls(reduction=reduction, dtype="float64", **kwargs)(
                y_true, y_pred, sample_weight=sample_weight
            )
            ours, theirs = np.asarray(ours), np.asarray(theirs)
            assert ours.shape == theirs.shape, (reduction, sample_weight is None)
            np.testing.assert_allclose(
                ours,
                theirs,
                rtol=1e-13,
                atol=1e-15,
                err_msg=f"{name} reduction={reduction} weighted={sample_weight is not None}",
            )


def test_log_cosh_differs_from_the_builtin_only_by_log_2_in_float32():
    for reduction in REDUCTIONS:
        ours = np.asarray(KL.LogCosh(reduction=reduction, dtype="float64")(TARGETS, SCORES, sample_weight=WEIGHTS))
        theirs = np.asarray(
            keras.losses.LogCosh(reduction=reduction, dtype="float64")(TARGETS, SCORES, sample_weight=WEIGHTS)
        )
        # log 2 − float32(log 2) ≈ −1.9e-9 per sample; "sum" adds up N of them, weighted by up to 2
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=N * 2 * 1.9046543e-09 + 1e-15)


@pytest.mark.parametrize("name", sorted({row[0] for row in SAME_NAME} | {"LogCosh"}))
def test_arguments_come_in_the_builtins_order_with_its_defaults(name):
    ours = list(inspect.signature(getattr(KL, name)).parameters.values())
    theirs = list(inspect.signature(getattr(keras.losses, name)).parameters.values())
    assert [(p.name, p.default) for p in ours[: len(theirs)]] == [(p.name, p.default) for p in theirs]
    assert all(p.kind is p.KEYWORD_ONLY for p in ours[len(theirs) :])  # the course's extras, keyword-only


def test_the_issue_cases_a_2x3_sum_and_bce_without_reduction():
    y, p = np.array([[1.0, 20.0, 3.0], [4.0, 5.0, -30.0]]), np.array([[0.0, -1.0, 2.0], [3.0, 4.0, 5.0]])
    ours = float(KL.MeanSquaredError(reduction="sum", dtype="float64")(y, p))
    assert ours == pytest.approx(
        float(keras.losses.MeanSquaredError(reduction="sum", dtype="float64")(y, p)), rel=1e-15
    )
    assert ours == pytest.approx(np.sum(np.mean((p - y) ** 2, axis=-1)), rel=1e-15)  # per-sample means, summed
    assert KL.BinaryCrossentropy(reduction=None)(BINARY[:4, :3], PROBS[:4, :3]).shape == (4,)


def test_labels_with_a_trailing_axis_of_length_1():
    per_sample = KL.SparseCategoricalCrossentropy(reduction=None, dtype="float64")(LABELS[:, None], PROBS)
    assert per_sample.shape == (N,)  # squeezed, not broadcast to N × N
    # (N,) targets against (N, 1) outputs are expanded, as Keras does for every built-in
    ours = KL.BinaryCrossentropy(reduction=None, dtype="float64")(BINARY[:, 0], PROBS[:, :1])
    theirs = keras.losses.BinaryCrossentropy(reduction=None, dtype="float64")(BINARY[:, 0], PROBS[:, :1])
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-15)


@pytest.mark.parametrize("name", ["MeanSquaredError", "BinaryCrossentropy", "Hinge", "KLDivergence", "Dice"])
def test_mismatched_shapes_raise_instead_of_broadcasting(name):
    with pytest.raises(
        ValueError,
        match=r"y_true and y_pred must have the same shape \(no broadcasting\); "
        r"got y_true.shape=\(3, 1\) and y_pred.shape=\(3, 3\)",
    ):
        getattr(KL, name)()(np.ones((3, 1)) * 0.5, np.full((3, 3), 0.5))
    with pytest.raises(
        ValueError,
        match=r"y_true must have the same shape as y_pred without its class axis"
        r"|y_true and y_pred without its class axis must have the same shape",
    ):
        KL.SparseCategoricalCrossentropy()(np.zeros((3, 2)), np.full((3, 4), 0.25))


def test_dice_and_tversky_defaults_and_the_course_conventions():
    keras_dice = keras.losses.Dice(dtype="float64")(MASKS, MASK_PROBS)
    assert float(KL.Dice(dtype="float64")(MASKS, MASK_PROBS)) == pytest.approx(float(keras_dice), rel=1e-14)
    # smooth=s adds s above and below instead of Keras' 1e-7 below only
    tp, total = np.sum(MASKS * MASK_PROBS), np.sum(MASKS) + np.sum(MASK_PROBS)
    assert float(KL.Dice(dtype="float64", smooth=1.0)(MASKS, MASK_PROBS)) == pytest.approx(
        1 - (2 * tp + 1) / (total + 1), rel=1e-14
    )
    # Tversky: alpha on the false negatives by default (Keras 3.15), on the false positives on request
    fp, fn = np.sum(MASK_PROBS * (1 - MASKS)), np.sum((1 - MASK_PROBS) * MASKS)
    ours = KL.Tversky(0.2, 0.9, dtype="float64", alpha_weights="false_positives")(MASKS, MASK_PROBS)
    assert float(ours) == pytest.approx(1 - tp / (tp + 0.2 * fp + 0.9 * fn + 1e-7), rel=1e-14)
    with pytest.raises(ValueError, match=r"alpha_weights must be one of \('false_negatives', 'false_positives'\)"):
        KL.Tversky(alpha_weights="fp")


def test_ignore_class_leaves_the_mean_as_keras_does():
    ignored = int(LABELS[0])
    kept = np.not_equal(LABELS, ignored)
    ours = KL.SparseCategoricalCrossentropy(ignore_class=ignored, reduction=None, dtype="float64")(LABELS, PROBS)
    assert np.all(np.asarray(ours)[~kept] == 0)
    mean = float(KL.SparseCategoricalCrossentropy(ignore_class=ignored, dtype="float64")(LABELS, PROBS))
    assert mean == pytest.approx(np.asarray(ours)[kept].mean(), rel=1e-14)  # the ignored samples are not counted


def _model(seed, activation):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=(3,))
    outputs = keras.layers.Dense(C, activation=activation)(inputs)
    return keras.Model(inputs, outputs)


@pytest.mark.parametrize(
    "name, kwargs",
    [("MeanSquaredError", {}), ("BinaryCrossentropy", {}), ("Huber", {}), ("CategoricalCrossentropy", {})],
)
def test_fit_and_evaluate_with_per_sample_weights_match_the_builtin(name, kwargs):
    x = rng.normal(size=(16, 3)).astype("float32")
    y = (
        (rng.random((16, C)) > 0.5).astype("float32")
        if name != "CategoricalCrossentropy"
        else np.eye(C, dtype="float32")[rng.integers(0, C, 16)]
    )
    w = rng.uniform(0.1, 2.0, size=16).astype("float32")
    histories, evaluations, weights = [], [], []
    for loss in (getattr(KL, name)(**kwargs), getattr(keras.losses, name)(**kwargs)):
        # softmax for the categorical loss: Keras' built-in then reads the cached logits of a softmax
        # (exact), where a sigmoid's logits would be fed to a softmax (the trap in the module docstring).
        model = _model(seed=5, activation="softmax" if name == "CategoricalCrossentropy" else "sigmoid")
        model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9), loss=loss)
        histories.append(
            model.fit(x, y, sample_weight=w, epochs=3, batch_size=8, shuffle=False, verbose=0).history["loss"]
        )
        evaluations.append(model.evaluate(x, y, sample_weight=w, batch_size=16, verbose=0))
        weights.append(model.get_weights()[0])
    np.testing.assert_allclose(histories[0], histories[1], rtol=1e-6)
    assert evaluations[0] == pytest.approx(evaluations[1], rel=1e-6)
    np.testing.assert_allclose(weights[0], weights[1], rtol=1e-5, atol=1e-7)
