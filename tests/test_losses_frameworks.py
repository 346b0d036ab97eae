"""momentum_lab.losses against its Keras 3 and PyTorch versions and against the frameworks' built-ins.

Everything runs in float64. Three kinds of checks:

* agreement: the NumPy functions, ``momentum_lab.tf.losses`` and ``momentum_lab.torch.losses`` give the
  same numbers on every case and reduction, and so do the frameworks' built-ins where they compute the
  same quantity (after the documented conversions: Keras averages over the last axis first, torch's
  class axis is 1, …);
* pinned differences: where a framework differs by design, the test asserts the difference itself
  (clipping vs log clamp, Keras' Tversky α/β swap, …), so a framework change shows up as a failure;
* Keras serialization and a model saved to ``.keras`` and loaded back.

The largest disagreement seen against each framework is collected in ``DISAGREEMENT`` and printed at
the end of the module (run with ``-s`` to see it); set ``MOMENTUM_LAB_LOSS_REPORT=path.json`` to write it.
"""

import inspect
import json
import math
import os
from collections import defaultdict

import numpy as np
import pytest

torch = pytest.importorskip("torch")
keras = pytest.importorskip("keras")
F = torch.nn.functional

import momentum_lab.losses as L  # noqa: E402
import momentum_lab.tf.losses as KL  # noqa: E402
import momentum_lab.torch.losses as TL  # noqa: E402

pytestmark = pytest.mark.frameworks

KERAS_REDUCTION = {"mean": "sum_over_batch_size", "sum": "sum", "none": None}
REDUCTIONS = ("mean", "sum", "none")

# ---------------------------------------------------------------------------------------------------
# Bookkeeping of the disagreements.
# ---------------------------------------------------------------------------------------------------

DISAGREEMENT = defaultdict(lambda: {"comparisons": 0, "max_abs": 0.0, "worst_abs": "", "max_rel": 0.0, "worst_rel": ""})
PINNED = {}


def agree(framework, case, ours, theirs, rtol=1e-12, atol=1e-12):
    """Assert ``theirs`` ≈ ``ours`` and record the gap under ``framework``."""
    ours = np.asarray(ours, dtype=np.float64)
    theirs = np.asarray(theirs, dtype=np.float64)
    assert ours.shape == theirs.shape, (case, ours.shape, theirs.shape)
    gap = np.abs(ours - theirs)
    rel = gap / np.maximum(np.abs(ours), 1e-300)
    entry = DISAGREEMENT[framework]
    entry["comparisons"] += 1
    if gap.size and gap.max() > entry["max_abs"]:
        entry["max_abs"], entry["worst_abs"] = float(gap.max()), case
    if gap.size and np.max(np.where(gap > 0, rel, 0.0)) > entry["max_rel"]:
        entry["max_rel"], entry["worst_rel"] = float(np.max(np.where(gap > 0, rel, 0.0))), case
    np.testing.assert_allclose(theirs, ours, rtol=rtol, atol=atol, err_msg=case)


def pin(name, ours, theirs):
    """Record a documented difference (the test asserts its exact form separately)."""
    PINNED[name] = {
        "ours": np.round(np.asarray(ours, dtype=float), 6).tolist(),
        "theirs": np.round(np.asarray(theirs, dtype=float), 6).tolist(),
    }


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    summary = {
        "losses": len(L.__all__) - 2,
        "agreement": {k: dict(v) for k, v in sorted(DISAGREEMENT.items())},
        "agreement_cases": sum(v["comparisons"] for v in DISAGREEMENT.values()),
        "pinned": PINNED,
    }
    print("\n" + json.dumps(summary, indent=1))
    path = os.environ.get("MOMENTUM_LAB_LOSS_REPORT")
    if path:
        with open(path, "w") as fh:
            json.dump(summary, fh, indent=1)


def t64(array):
    return torch.tensor(np.array(array, dtype=np.float64))  # a copy: torch refuses negative strides


# ---------------------------------------------------------------------------------------------------
# Inputs.
# ---------------------------------------------------------------------------------------------------

rng = np.random.default_rng(2024)
N, C = 6, 4


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


SCORES = rng.normal(scale=2.0, size=(N, C))
TARGETS = rng.normal(size=(N, C))
BINARY = rng.integers(0, 2, size=(N, C)).astype(float)
SIGNED = 2 * BINARY - 1
PROBS = rng.uniform(0.02, 0.98, size=(N, C))
SOFT = rng.uniform(size=(N, C))
LABELS = rng.integers(0, C, size=N)
ONE_HOT = np.eye(C)[LABELS]
DIRICHLET = rng.dirichlet(np.ones(C), size=N)
SOFTMAX = softmax(SCORES)
EXTREME = np.array([[1e4, -1e4, 0.0, 30.0], [-1e4, 1e4, -30.0, 1e-9]])
EXTREME_ONE_HOT = np.eye(C)[[1, 1]]
SATURATED = np.array([[0.0, 1.0, 1.0, 0.0], [1.0, 0.0, 0.5, 1e-12]])
AT_DELTA = TARGETS + np.sign(rng.normal(size=(N, C)))  # errors of exactly ±1 (up to rounding)
MASKS = (rng.random((2, 6, 6, 3)) > 0.6).astype(float)
MASK_PROBS = rng.random((2, 6, 6, 3))
EMPTY = np.zeros((2, 6, 6, 3))


# (id, function, class name, kwargs, cases: list of (case id, y_true, y_pred))
SPECS = [
    (
        "mse",
        L.mean_squared_error,
        "MeanSquaredError",
        {},
        [("random", TARGETS, SCORES), ("large", TARGETS, 1e3 * SCORES)],
    ),
    (
        "mae",
        L.mean_absolute_error,
        "MeanAbsoluteError",
        {},
        [("random", TARGETS, SCORES), ("zero error", TARGETS, TARGETS.copy())],
    ),
    ("huber", L.huber, "Huber", {}, [("random", TARGETS, SCORES), ("at delta", TARGETS, AT_DELTA)]),
    ("huber delta 0.3", L.huber, "Huber", {"delta": 0.3}, [("random", TARGETS, SCORES)]),
    ("log_cosh", L.log_cosh, "LogCosh", {}, [("random", TARGETS, SCORES), ("huge", TARGETS, 1e4 * SCORES)]),
    (
        "bce probs",
        L.binary_crossentropy,
        "BinaryCrossentropy",
        {},
        [("random", BINARY, PROBS), ("soft targets", SOFT, PROBS), ("saturated", np.round(SATURATED), SATURATED)],
    ),
    (
        "bce logits",
        L.binary_crossentropy,
        "BinaryCrossentropy",
        {"from_logits": True},
        [("random", BINARY, SCORES), ("extreme", np.round(SATURATED), EXTREME)],
    ),
    (
        "bce smoothed",
        L.binary_crossentropy,
        "BinaryCrossentropy",
        {"label_smoothing": 0.1},
        [("random", BINARY, PROBS)],
    ),
    (
        "cce probs",
        L.categorical_crossentropy,
        "CategoricalCrossentropy",
        {},
        [("one-hot", ONE_HOT, SOFTMAX), ("soft", DIRICHLET, SOFTMAX), ("saturated", ONE_HOT, np.eye(C)[LABELS[::-1]])],
    ),
    (
        "cce logits smoothed",
        L.categorical_crossentropy,
        "CategoricalCrossentropy",
        {"from_logits": True, "label_smoothing": 0.2},
        [("random", ONE_HOT, SCORES), ("extreme", EXTREME_ONE_HOT, EXTREME)],
    ),
    (
        "scce probs",
        L.sparse_categorical_crossentropy,
        "SparseCategoricalCrossentropy",
        {},
        [("random", LABELS, SOFTMAX)],
    ),
    (
        "scce logits",
        L.sparse_categorical_crossentropy,
        "SparseCategoricalCrossentropy",
        {"from_logits": True},
        [("random", LABELS, SCORES), ("extreme", np.array([1, 1]), EXTREME)],
    ),
    (
        "kl probs",
        L.kl_divergence,
        "KLDivergence",
        {},
        [("dirichlet", DIRICHLET, SOFTMAX), ("one-hot targets", ONE_HOT, SOFTMAX)],
    ),
    (
        "kl logits",
        L.kl_divergence,
        "KLDivergence",
        {"from_logits": True},
        [("dirichlet", DIRICHLET, SCORES), ("extreme", EXTREME_ONE_HOT, EXTREME)],
    ),
    ("hinge", L.hinge, "Hinge", {}, [("±1", SIGNED, SCORES), ("0/1", BINARY, SCORES), ("at margin", SIGNED, SIGNED)]),
    ("squared_hinge", L.squared_hinge, "SquaredHinge", {}, [("±1", SIGNED, SCORES), ("0/1", BINARY, SCORES)]),
    (
        "categorical_hinge",
        L.categorical_hinge,
        "CategoricalHinge",
        {},
        [("random", ONE_HOT, SCORES), ("negative", ONE_HOT, -np.abs(SCORES) - 1)],
    ),
    (
        "categorical_hinge margin 2",
        L.categorical_hinge,
        "CategoricalHinge",
        {"margin": 2.0},
        [("random", ONE_HOT, SCORES)],
    ),
    (
        "weston_watkins",
        L.weston_watkins_hinge,
        "WestonWatkinsHinge",
        {},
        [("random", ONE_HOT, SCORES), ("ties", ONE_HOT, np.zeros((N, C)))],
    ),
    (
        "zero_one",
        L.zero_one_loss,
        "ZeroOneLoss",
        {},
        [("±1", SIGNED, SCORES), ("0/1 with zeros", BINARY, np.round(SCORES))],
    ),
    ("exponential", L.exponential_loss, "ExponentialLoss", {}, [("±1", SIGNED, SCORES), ("0/1", BINARY, SCORES)]),
    (
        "log_loss",
        L.log_loss,
        "LogLoss",
        {},
        [("±1", SIGNED, SCORES), ("extreme", 2 * np.round(SATURATED) - 1, EXTREME)],
    ),
    ("dice", L.dice, "Dice", {}, [("random", MASKS, MASK_PROBS), ("empty", EMPTY, EMPTY)]),
    (
        "dice per sample/class, smooth 0",
        L.dice,
        "Dice",
        {"axis": (1, 2), "smooth": 0.0},
        [("random", MASKS, MASK_PROBS), ("empty", EMPTY, EMPTY)],
    ),
    ("dice squared", L.dice, "Dice", {"axis": (0, 1, 2), "squared": True}, [("random", MASKS, MASK_PROBS)]),
    ("jaccard", L.jaccard, "Jaccard", {"axis": (1, 2)}, [("random", MASKS, MASK_PROBS), ("perfect", MASKS, MASKS)]),
    ("jaccard smooth 0", L.jaccard, "Jaccard", {"axis": (1, 2), "smooth": 0.0}, [("empty", EMPTY, EMPTY)]),
    ("tversky", L.tversky, "Tversky", {"axis": (1, 2)}, [("random", MASKS, MASK_PROBS)]),
    (
        "tversky α=0.8 β=0.1 smooth 0",
        L.tversky,
        "Tversky",
        {"alpha": 0.8, "beta": 0.1, "smooth": 0.0},
        [("random", MASKS, MASK_PROBS), ("empty", EMPTY, EMPTY)],
    ),
    (
        "focal_tversky",
        L.focal_tversky,
        "FocalTversky",
        {"axis": (1, 2)},
        [("random", MASKS, MASK_PROBS), ("perfect", MASKS, MASKS)],
    ),
    (
        "focal_tversky γ=2 smooth 0",
        L.focal_tversky,
        "FocalTversky",
        {"gamma": 2.0, "smooth": 0.0, "axis": (0, 1, 2)},
        [("random", MASKS, MASK_PROBS), ("empty", EMPTY, EMPTY)],
    ),
]

GAN_SPECS = [
    (
        "gan discriminator logits",
        L.gan_discriminator_loss,
        "GANDiscriminatorLoss",
        {},
        [("random", SCORES, TARGETS), ("extreme", EXTREME, -EXTREME)],
    ),
    (
        "gan discriminator probs",
        L.gan_discriminator_loss,
        "GANDiscriminatorLoss",
        {"from_logits": False},
        [("random", PROBS, SOFT), ("saturated", SATURATED, SATURATED[::-1])],
    ),
    (
        "gan minimax logits",
        L.gan_generator_minimax_loss,
        "GANGeneratorMinimaxLoss",
        {},
        [("random", None, SCORES), ("extreme", None, EXTREME)],
    ),
    (
        "gan minimax probs",
        L.gan_generator_minimax_loss,
        "GANGeneratorMinimaxLoss",
        {"from_logits": False},
        [("saturated", None, SATURATED)],
    ),
    (
        "gan nonsaturating logits",
        L.gan_generator_nonsaturating_loss,
        "GANGeneratorNonsaturatingLoss",
        {},
        [("random", None, SCORES), ("extreme", None, EXTREME)],
    ),
    (
        "gan nonsaturating probs",
        L.gan_generator_nonsaturating_loss,
        "GANGeneratorNonsaturatingLoss",
        {"from_logits": False},
        [("saturated", None, SATURATED)],
    ),
]


def _spec_params(specs):
    return [
        pytest.param(fn, cls_name, kwargs, y_true, y_pred, id=f"{spec_id}-{case_id}")
        for spec_id, fn, cls_name, kwargs, cases in specs
        for case_id, y_true, y_pred in cases
    ]


def test_every_loss_has_both_framework_classes():
    # The 22 losses of chapters 6-9 are compared here; the later chapters' losses (metric, focal, image)
    # have their own test files. Every loss class exists in both frameworks under one name.
    names = {spec[2] for spec in SPECS + GAN_SPECS}
    assert len(names) == 22
    assert names <= set(KL.__all__) and names <= set(TL.__all__)
    assert set(KL.__all__) == set(TL.__all__)


# Keras classes compute one loss per sample: the elementwise losses are averaged over the last axis.
ELEMENTWISE = {
    "MeanSquaredError",
    "MeanAbsoluteError",
    "Huber",
    "LogCosh",
    "BinaryCrossentropy",
    "Hinge",
    "SquaredHinge",
    "ZeroOneLoss",
    "ExponentialLoss",
    "LogLoss",
    "GANDiscriminatorLoss",
    "GANGeneratorMinimaxLoss",
    "GANGeneratorNonsaturatingLoss",
}
# A Keras class with a built-in's name has the built-in's defaults; these arguments select the course's
# convention, which the NumPy function computes.
KERAS_COURSE_CONVENTION = {
    "CategoricalHinge": {"wrong_classes_only": True},
    "Dice": {"smooth": 1.0},
    "Tversky": {"alpha": 0.3, "beta": 0.7, "smooth": 1.0, "alpha_weights": "false_positives"},
}
# Keras' KL divergence clips the targets to [1e-7, 1] as the built-in does.
KERAS_TARGETS = {"KLDivergence": lambda t: np.clip(t, 1e-7, 1.0)}
# torch's KL reductions: "mean" averages every element; the per-sample mean is "batchmean".
TORCH_KL_REDUCTION = {"mean": "batchmean", "sum": "sum", "none": "none"}
# torch's BCE floors each log at −100 instead of clipping p: saturated probabilities differ by design
# (tests/test_losses_torch.py compares them with torch.nn.BCELoss).
TORCH_DIFFERS = {"bce probs-saturated"}


def keras_expected(fn, cls_name, y_true, args, kwargs, reduction):
    """What a Keras class gives, from the NumPy function: per-sample values, then Keras' reduction."""
    if cls_name in KERAS_TARGETS:
        args = (KERAS_TARGETS[cls_name](y_true), *args[1:])
    per_sample = np.asarray(fn(*args, reduction="none", **kwargs))
    if cls_name in ELEMENTWISE:
        per_sample = per_sample.mean(axis=-1)
    return {"mean": np.mean, "sum": np.sum, "none": lambda v: v}[reduction](per_sample)


@pytest.mark.parametrize("fn, cls_name, kwargs, y_true, y_pred", _spec_params(SPECS))
def test_numpy_keras_and_torch_versions_agree(fn, cls_name, kwargs, y_true, y_pred, request):
    for reduction in REDUCTIONS:
        case_id = f"{cls_name}{kwargs}-{reduction}"
        ours = fn(y_true, y_pred, reduction=reduction, **kwargs)
        keras_kwargs = {**KERAS_COURSE_CONVENTION.get(cls_name, {}), **kwargs}
        keras_loss = getattr(KL, cls_name)(reduction=KERAS_REDUCTION[reduction], dtype="float64", **keras_kwargs)
        agree(
            "keras (momentum_lab.tf)",
            case_id,
            keras_expected(fn, cls_name, y_true, (y_true, y_pred), kwargs, reduction),
            keras_loss(y_true, y_pred).numpy(),
        )
        if request.node.callspec.id in TORCH_DIFFERS:
            continue
        torch_reduction = TORCH_KL_REDUCTION[reduction] if cls_name == "KLDivergence" else reduction
        torch_loss = getattr(TL, cls_name)(reduction=torch_reduction, **kwargs)
        torch_true = torch.tensor(y_true) if y_true.dtype.kind == "i" else t64(y_true)
        theirs = torch_loss(t64(y_pred), torch_true).numpy()  # torch order: (input, target)
        if cls_name == "KLDivergence" and reduction == "none":
            theirs = theirs.sum(axis=-1)  # torch's "none" keeps every element
        agree("torch (momentum_lab.torch)", case_id, ours, theirs)


@pytest.mark.parametrize("fn, cls_name, kwargs, d_real, d_fake", _spec_params(GAN_SPECS))
def test_gan_losses_agree_across_numpy_keras_and_torch(fn, cls_name, kwargs, d_real, d_fake):
    for reduction in REDUCTIONS:
        case_id = f"{cls_name}{kwargs}-{reduction}"
        args = (d_fake,) if d_real is None else (d_real, d_fake)
        ours = fn(*args, reduction=reduction, **kwargs)
        keras_loss = getattr(KL, cls_name)(reduction=KERAS_REDUCTION[reduction], dtype="float64", **kwargs)
        keras_args = (np.zeros_like(d_fake), d_fake) if d_real is None else args  # y_true ignored by generators
        agree(
            "keras (momentum_lab.tf)",
            case_id,
            keras_expected(fn, cls_name, None, args, kwargs, reduction),
            keras_loss(*keras_args).numpy(),
        )
        torch_loss = getattr(TL, cls_name)(reduction=reduction, **kwargs)
        agree("torch (momentum_lab.torch)", case_id, ours, torch_loss(*map(t64, args)).numpy())


def test_torch_classes_check_their_inputs_like_the_numpy_functions():
    with pytest.raises(ValueError, match=r"target must hold labels in \{-1, 1\} or in \{0, 1\}; got target\[1\]=2.0"):
        TL.Hinge()(t64([0.5, 0.5]), t64([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"target and input must have the same shape"):
        TL.MeanSquaredError()(t64([[1.0, 2.0]]), t64([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"target must hold class indices in \[0, 3\].*got target\[0\]=4.0"):
        TL.SparseCategoricalCrossentropy()(t64(SOFTMAX[:1]), torch.tensor([4]))
    with pytest.raises(ValueError, match=r"input must hold probabilities in \[0, 1\] \(from_logits=False\)"):
        TL.BinaryCrossentropy()(t64([1.5]), t64([1.0]))
    with pytest.raises(
        ValueError, match=r"reduction must be one of \('mean', 'sum', 'none'\); got reduction='batchmean'"
    ):
        TL.Dice(reduction="batchmean")
    with pytest.raises(TypeError, match=r"target must be a torch.Tensor; got ndarray"):
        TL.MeanSquaredError()(t64([1.0]), np.array([1.0]))
    with pytest.raises(ValueError, match=r"delta must be > 0; got delta=-1.0"):
        KL.Huber(delta=-1.0)
    with pytest.raises(TypeError, match=r"from_logits must be True or False"):
        KL.BinaryCrossentropy(from_logits=1)


# ---------------------------------------------------------------------------------------------------
# Built-ins that compute the same quantity (after documented conversions).
# ---------------------------------------------------------------------------------------------------


def keras_per_sample(ours_fn, *args, **kwargs):
    """Ours per element, averaged over the last axis: what Keras' functional losses return."""
    return np.mean(ours_fn(*args, reduction="none", **kwargs), axis=-1)


KERAS_BUILTINS = [
    (
        "mse",
        lambda t, p: keras.losses.mean_squared_error(t, p),
        lambda t, p: keras_per_sample(L.mean_squared_error, t, p),
        [(TARGETS, SCORES)],
    ),
    (
        "mae",
        lambda t, p: keras.losses.mean_absolute_error(t, p),
        lambda t, p: keras_per_sample(L.mean_absolute_error, t, p),
        [(TARGETS, SCORES)],
    ),
    (
        "huber δ=1",
        lambda t, p: keras.losses.huber(t, p),
        lambda t, p: keras_per_sample(L.huber, t, p),
        [(TARGETS, SCORES), (TARGETS, AT_DELTA)],
    ),
    (
        "huber δ=0.3",
        lambda t, p: keras.losses.huber(t, p, delta=0.3),
        lambda t, p: keras_per_sample(L.huber, t, p, delta=0.3),
        [(TARGETS, SCORES)],
    ),
    (
        "bce probs",
        lambda t, p: keras.losses.binary_crossentropy(t, p),
        lambda t, p: keras_per_sample(L.binary_crossentropy, t, p),
        [(BINARY, PROBS), (SOFT, PROBS), (np.round(SATURATED), SATURATED)],
    ),
    (
        "bce logits",
        lambda t, p: keras.losses.binary_crossentropy(t, p, from_logits=True),
        lambda t, p: keras_per_sample(L.binary_crossentropy, t, p, from_logits=True),
        [(BINARY, SCORES), (np.round(SATURATED), EXTREME)],
    ),
    (
        "bce smoothing",
        lambda t, p: keras.losses.binary_crossentropy(t, p, label_smoothing=0.1),
        lambda t, p: keras_per_sample(L.binary_crossentropy, t, p, label_smoothing=0.1),
        [(BINARY, PROBS)],
    ),
    (
        "cce probs",
        lambda t, p: keras.losses.categorical_crossentropy(t, p),
        lambda t, p: L.categorical_crossentropy(t, p, reduction="none"),
        [(ONE_HOT, SOFTMAX), (DIRICHLET, SOFTMAX), (ONE_HOT, np.eye(C)[LABELS[::-1]])],
    ),
    (
        "cce logits smoothing",
        lambda t, p: keras.losses.categorical_crossentropy(t, p, from_logits=True, label_smoothing=0.2),
        lambda t, p: L.categorical_crossentropy(t, p, from_logits=True, label_smoothing=0.2, reduction="none"),
        [(ONE_HOT, SCORES), (EXTREME_ONE_HOT, EXTREME)],
    ),
    (
        "scce probs",
        lambda t, p: keras.losses.sparse_categorical_crossentropy(t, p),
        lambda t, p: L.sparse_categorical_crossentropy(t, p, reduction="none"),
        [(LABELS, SOFTMAX)],
    ),
    (
        "scce logits",
        lambda t, p: keras.losses.sparse_categorical_crossentropy(t, p, from_logits=True),
        lambda t, p: L.sparse_categorical_crossentropy(t, p, from_logits=True, reduction="none"),
        [(LABELS, SCORES), (np.array([1, 1]), EXTREME)],
    ),
    (
        "kl",
        lambda t, p: keras.losses.kl_divergence(t, p),
        lambda t, p: L.kl_divergence(t, p, reduction="none"),
        [(DIRICHLET, SOFTMAX)],
    ),
    (
        "hinge",
        lambda t, p: keras.losses.hinge(t, p),
        lambda t, p: keras_per_sample(L.hinge, t, p),
        [(SIGNED, SCORES), (BINARY, SCORES)],
    ),
    (
        "squared_hinge",
        lambda t, p: keras.losses.squared_hinge(t, p),
        lambda t, p: keras_per_sample(L.squared_hinge, t, p),
        [(SIGNED, SCORES), (BINARY, SCORES)],
    ),
    (
        "categorical_hinge (a wrong score ≥ 0)",
        lambda t, p: keras.losses.categorical_hinge(t, p),
        lambda t, p: L.categorical_hinge(t, p, reduction="none"),
        [(ONE_HOT, np.abs(SCORES))],
    ),
    (
        "log_loss = bce from logits",
        lambda t, p: keras.losses.binary_crossentropy(t, p, from_logits=True),
        lambda t, p: keras_per_sample(L.log_loss, t, p),
        [(BINARY, SCORES), (np.round(SATURATED), EXTREME)],
    ),
    (
        "gan discriminator = bce(1, real) + bce(0, fake)",
        lambda r, f: (
            keras.losses.binary_crossentropy(np.ones_like(r), r, from_logits=True)
            + keras.losses.binary_crossentropy(np.zeros_like(f), f, from_logits=True)
        ),
        lambda r, f: keras_per_sample(L.gan_discriminator_loss, r, f),
        [(SCORES, TARGETS), (EXTREME, -EXTREME)],
    ),
    (
        "gan nonsaturating = bce(1, fake)",
        lambda _, f: keras.losses.binary_crossentropy(np.ones_like(f), f, from_logits=True),
        lambda _, f: keras_per_sample(L.gan_generator_nonsaturating_loss, f),
        [(None, SCORES), (None, EXTREME)],
    ),
    (
        "gan minimax = −bce(0, fake)",
        lambda _, f: -keras.losses.binary_crossentropy(np.zeros_like(f), f, from_logits=True),
        lambda _, f: keras_per_sample(L.gan_generator_minimax_loss, f),
        [(None, SCORES), (None, EXTREME)],
    ),
]


def _builtin_params(table):
    return [
        pytest.param(builtin, ours, a, b, id=f"{name}-{i}")
        for name, builtin, ours, cases in table
        for i, (a, b) in enumerate(cases)
    ]


@pytest.mark.parametrize("builtin, ours, a, b", _builtin_params(KERAS_BUILTINS))
def test_keras_builtin_agrees(builtin, ours, a, b, request):
    agree("keras built-in", request.node.callspec.id, ours(a, b), np.asarray(builtin(a, b)))


def torch_ce(t, p, **kwargs):
    return F.cross_entropy(t64(p), t64(t) if t.dtype.kind == "f" else torch.tensor(t), **kwargs)


TORCH_BUILTINS = [
    (
        "mse",
        lambda t, p, r: F.mse_loss(t64(p), t64(t), reduction=r),
        lambda t, p, r: L.mean_squared_error(t, p, reduction=r),
        [(TARGETS, SCORES)],
    ),
    (
        "l1",
        lambda t, p, r: F.l1_loss(t64(p), t64(t), reduction=r),
        lambda t, p, r: L.mean_absolute_error(t, p, reduction=r),
        [(TARGETS, SCORES)],
    ),
    (
        "huber",
        lambda t, p, r: F.huber_loss(t64(p), t64(t), reduction=r, delta=0.7),
        lambda t, p, r: L.huber(t, p, delta=0.7, reduction=r),
        [(TARGETS, SCORES), (TARGETS, TARGETS + 0.7)],
    ),
    (
        "bce probs (unsaturated)",
        lambda t, p, r: F.binary_cross_entropy(t64(p), t64(t), reduction=r),
        lambda t, p, r: L.binary_crossentropy(t, p, reduction=r),
        [(BINARY, PROBS), (SOFT, PROBS)],
    ),
    (
        "bce logits",
        lambda t, p, r: F.binary_cross_entropy_with_logits(t64(p), t64(t), reduction=r),
        lambda t, p, r: L.binary_crossentropy(t, p, from_logits=True, reduction=r),
        [(BINARY, SCORES), (SOFT, SCORES), (np.round(SATURATED), EXTREME)],
    ),
    (
        "cross_entropy prob targets",
        lambda t, p, r: torch_ce(t, p, reduction=r, label_smoothing=0.2),
        lambda t, p, r: L.categorical_crossentropy(t, p, from_logits=True, label_smoothing=0.2, reduction=r),
        [(ONE_HOT, SCORES), (DIRICHLET, SCORES), (EXTREME_ONE_HOT, EXTREME)],
    ),
    (
        "cross_entropy index targets",
        lambda t, p, r: torch_ce(t, p, reduction=r, label_smoothing=0.1),
        lambda t, p, r: L.sparse_categorical_crossentropy(t, p, from_logits=True, label_smoothing=0.1, reduction=r),
        [(LABELS, SCORES), (np.array([1, 1]), EXTREME)],
    ),
    (
        "nll_loss of log p",
        lambda t, p, r: F.nll_loss(torch.log(t64(p)), torch.tensor(t), reduction=r),
        lambda t, p, r: L.sparse_categorical_crossentropy(t, p, reduction=r),
        [(LABELS, SOFTMAX)],
    ),
    (
        "kl_div batchmean",
        lambda t, p, r: F.kl_div(
            torch.log(t64(p)), t64(t), reduction={"mean": "batchmean", "sum": "sum", "none": "none"}[r]
        ),
        lambda t, p, r: (lambda v: v[..., None] if r == "none" else v)(L.kl_divergence(t, p, reduction=r)),
        [(DIRICHLET, SOFTMAX), (ONE_HOT, SOFTMAX)],
    ),
    (
        "soft_margin_loss = log_loss",
        lambda t, p, r: F.soft_margin_loss(t64(p), t64(t), reduction=r),
        lambda t, p, r: L.log_loss(t, p, reduction=r),
        [(SIGNED, SCORES)],
    ),
    (
        "gan discriminator = bce_with_logits(real, 1) + bce_with_logits(fake, 0)",
        lambda a, b, r: (
            F.binary_cross_entropy_with_logits(t64(a), torch.ones(a.shape, dtype=torch.float64), reduction=r)
            + F.binary_cross_entropy_with_logits(t64(b), torch.zeros(b.shape, dtype=torch.float64), reduction=r)
        ),
        lambda a, b, r: L.gan_discriminator_loss(a, b, reduction=r),
        [(SCORES, TARGETS), (EXTREME, -EXTREME)],
    ),
]


@pytest.mark.parametrize("builtin, ours, a, b", _builtin_params(TORCH_BUILTINS))
def test_torch_builtin_agrees(builtin, ours, a, b, request):
    for reduction in REDUCTIONS:
        theirs = builtin(a, b, reduction).numpy()
        mine = ours(a, b, reduction)
        if reduction == "none" and theirs.shape != np.shape(mine):  # kl_div "none" is per element
            theirs = theirs.sum(axis=-1, keepdims=True)
        agree("torch built-in", f"{request.node.callspec.id}-{reduction}", mine, theirs)


# ---------------------------------------------------------------------------------------------------
# Pinned differences: the framework computes something else, by design. Assert what it computes.
# ---------------------------------------------------------------------------------------------------


def test_torch_bce_clamps_each_log_at_minus_100_where_we_clip_p_to_1e7():
    y = np.array([1.0, 0.0, 1.0, 0.0, 1.0])
    p = np.array([0.0, 1.0, 1e-30, 1.0 - 1e-16, 0.3])
    theirs = F.binary_cross_entropy(t64(p), t64(y), reduction="none").numpy()
    with np.errstate(divide="ignore"):
        clamped = -(y * np.maximum(np.log(p), -100) + (1 - y) * np.maximum(np.log1p(-p), -100))
    np.testing.assert_allclose(theirs, clamped, rtol=1e-12)
    ours = L.binary_crossentropy(y, p, reduction="none")
    high = 1 - 1e-7
    clipped = -(y * np.log(np.clip(p, 1e-7, high)) + (1 - y) * np.log(1 - np.clip(p, 1e-7, high)))
    np.testing.assert_allclose(ours, clipped, rtol=1e-15)
    assert theirs[0] == 100.0 and ours[0] == pytest.approx(16.118095651)
    np.testing.assert_allclose(ours[4], theirs[4], rtol=1e-15)  # unsaturated entries agree
    # Keras clips like we do:
    keras_value = np.asarray(keras.losses.binary_crossentropy(y[None], p[None]))[0]
    np.testing.assert_allclose(keras_value, ours.mean(), rtol=1e-15)
    pin("bce saturated p: ours (= keras) vs torch", ours, theirs)


def test_bce_gradient_at_saturated_probabilities_torch_form_versus_the_clip():
    # torch divides by max(p(1 − p), 1e-12), so at p = 1e-9 the gradient is −1/p; the clip of the NumPy
    # (and Keras) form has zero gradient outside [1e-7, 1 − 1e-7]. Our torch class follows torch.
    from momentum_lab import autodiff as ad

    p = torch.tensor([1e-9, 0.3], dtype=torch.float64, requires_grad=True)
    F.binary_cross_entropy(p, t64([1.0, 1.0]), reduction="sum").backward()
    np.testing.assert_allclose(p.grad.numpy(), [-1 / 1e-9, -1 / 0.3], rtol=1e-6)
    q = torch.tensor([1e-9, 0.3], dtype=torch.float64, requires_grad=True)
    TL.BinaryCrossentropy(reduction="sum")(q, t64([1.0, 1.0])).backward()
    np.testing.assert_allclose(q.grad.numpy(), p.grad.numpy(), rtol=1e-12)
    clipped = ad.grad(lambda x: L.binary_crossentropy(np.ones(2), x, reduction="sum"))(np.array([1e-9, 0.3]))
    np.testing.assert_allclose(clipped, [0.0, -1 / 0.3], rtol=1e-12)


def test_keras_sigmoid_output_carries_its_logits_and_skips_the_clip():
    x = keras.ops.convert_to_tensor(np.array([[40.0, -3.0]]))
    p = keras.activations.sigmoid(x)  # p[0] rounds to exactly 1.0 in float64
    y = np.array([[0.0, 1.0]])
    builtin = float(keras.losses.binary_crossentropy(y, p)[0])
    from_logits = L.binary_crossentropy(y, np.asarray(x), from_logits=True)
    assert builtin == pytest.approx(from_logits, rel=1e-12)  # 40 + softplus(−40), not the clipped 16.12
    ours = float(KL.BinaryCrossentropy(dtype="float64")(y, p))
    assert ours == pytest.approx(L.binary_crossentropy(y, np.asarray(p)), rel=1e-15)
    assert ours == pytest.approx((-math.log(1 - (1 - 1e-7)) - math.log(1 / (1 + math.exp(3)))) / 2, rel=1e-9)
    pin("keras sigmoid output: keras built-in vs ours", ours, builtin)


def test_keras_cce_divides_probabilities_by_their_sum_we_do_not():
    p = np.array([[0.2, 0.2, 0.1, 0.1]])  # sums to 0.6
    y = np.eye(C)[[0]]
    theirs = float(keras.losses.categorical_crossentropy(y, p)[0])
    assert theirs == pytest.approx(-math.log(0.2 / 0.6), rel=1e-12)
    assert L.categorical_crossentropy(y, p) == pytest.approx(-math.log(0.2), rel=1e-15)
    assert L.categorical_crossentropy(y, p / p.sum()) == pytest.approx(theirs, rel=1e-12)
    agree(
        "keras built-in",
        "CategoricalCrossentropy on rows summing to 0.6",
        float(KL.CategoricalCrossentropy(dtype="float64")(y, p)),
        theirs,
    )
    pin("keras cce renormalizes", L.categorical_crossentropy(y, p), theirs)


def test_keras_sum_reduction_sums_per_sample_means():
    ours = L.mean_squared_error(TARGETS, SCORES, reduction="sum")
    theirs = float(keras.losses.MeanSquaredError(reduction="sum", dtype="float64")(TARGETS, SCORES))
    assert theirs == pytest.approx(ours / C, rel=1e-14)
    ours_mean = L.mean_squared_error(TARGETS, SCORES)
    assert float(keras.losses.MeanSquaredError(dtype="float64")(TARGETS, SCORES)) == pytest.approx(ours_mean, rel=1e-14)
    assert F.mse_loss(t64(SCORES), t64(TARGETS), reduction="sum").item() == pytest.approx(ours, rel=1e-14)
    pin("keras sum = ours sum / C", ours, theirs)


def test_bce_label_smoothing_is_keras_s_over_2_and_torch_has_none():
    s = 0.3
    ours = L.binary_crossentropy(BINARY, PROBS, label_smoothing=s)
    smoothed = BINARY * (1 - s) + s / 2
    assert F.binary_cross_entropy(t64(PROBS), t64(smoothed)).item() == pytest.approx(ours, rel=1e-13)
    assert "label_smoothing" not in inspect.signature(F.binary_cross_entropy).parameters
    assert float(keras.losses.BinaryCrossentropy(label_smoothing=s, dtype="float64")(BINARY, PROBS)) == pytest.approx(
        ours, rel=1e-13
    )


def test_torch_cross_entropy_wants_the_class_axis_at_1():
    logits = rng.normal(size=(2, 5, C))  # (batch, positions, classes), classes last as in Keras
    labels = rng.integers(0, C, size=(2, 5))
    ours = L.sparse_categorical_crossentropy(labels, logits, from_logits=True, reduction="none")
    theirs = F.cross_entropy(t64(logits).movedim(-1, 1), torch.tensor(labels), reduction="none").numpy()
    np.testing.assert_allclose(theirs, ours, rtol=1e-13)
    with pytest.raises(RuntimeError):  # classes last is read as 5 classes over 4 positions
        F.cross_entropy(t64(logits), torch.tensor(labels))


def test_keras_hinge_leaves_mixed_labels_unconverted_we_raise():
    y = np.array([[1.0, 0.0, -1.0]])
    x = np.array([[0.5, 0.5, 0.5]])
    theirs = float(keras.losses.hinge(y, x)[0])
    assert theirs == pytest.approx(np.mean(np.maximum(0, 1 - y * x)))  # 0 is used as a label 0: 1.0
    with pytest.raises(ValueError, match="not a mix"):
        L.hinge(y, x)
    # with only 0/1 labels both convert 0 → −1
    y01 = np.array([[1.0, 0.0, 0.0]])
    assert float(keras.losses.hinge(y01, x)[0]) == pytest.approx(L.hinge(y01, x), rel=1e-15)


def test_keras_categorical_hinge_counts_the_true_class_as_a_zero_score():
    y = np.eye(3)[[0]]
    x = np.array([[-5.0, -3.0, -4.0]])
    theirs = float(keras.losses.categorical_hinge(y, x)[0])
    assert theirs == 6.0  # max(0, 1 + max(0, −3, −4) − (−5))
    assert L.categorical_hinge(y, x) == 3.0  # max(0, 1 + (−3) − (−5)): Crammer–Singer
    negative = -np.abs(SCORES) - 1
    keras_form = np.maximum(0, 1 + np.max((1 - ONE_HOT) * negative, axis=-1) - np.sum(ONE_HOT * negative, axis=-1))
    np.testing.assert_allclose(np.asarray(keras.losses.categorical_hinge(ONE_HOT, negative)), keras_form, rtol=1e-14)
    assert float(KL.CategoricalHinge(dtype="float64")(y, x)) == theirs  # the built-in's form by default
    assert float(KL.CategoricalHinge(dtype="float64", wrong_classes_only=True)(y, x)) == 3.0
    pin("keras categorical_hinge, negative scores", L.categorical_hinge(y, x), theirs)


def test_torch_multi_margin_loss_is_weston_watkins_divided_by_classes():
    ours = L.weston_watkins_hinge(ONE_HOT, SCORES, reduction="none")
    theirs = F.multi_margin_loss(t64(SCORES), torch.tensor(LABELS), reduction="none").numpy()
    np.testing.assert_allclose(theirs * C, ours, rtol=1e-13)
    pin("torch multi_margin_loss = weston_watkins / C", ours[:2], theirs[:2])


def test_torch_hinge_embedding_loss_takes_a_distance_not_a_score():
    x, y = np.array([0.3, 0.3]), np.array([1.0, -1.0])
    theirs = F.hinge_embedding_loss(t64(x), t64(y), reduction="none").numpy()
    np.testing.assert_allclose(theirs, [0.3, 0.7])  # x itself for y = 1, max(0, 1 − x) for y = −1
    np.testing.assert_allclose(L.hinge(y, x, reduction="none"), [0.7, 1.3])


def test_torch_kl_div_mean_also_divides_by_the_number_of_classes():
    ours = L.kl_divergence(DIRICHLET, SOFTMAX)
    with pytest.warns(UserWarning, match="batchmean"):  # torch itself warns about it
        theirs = F.kl_div(torch.log(t64(SOFTMAX)), t64(DIRICHLET), reduction="mean").item()
    assert theirs == pytest.approx(ours / C, rel=1e-13)
    pin("torch kl_div mean = batchmean / C", ours, theirs)


def test_keras_kl_clips_zero_targets_to_1e7():
    ours = L.kl_divergence(ONE_HOT, SOFTMAX, reduction="none")
    theirs = np.asarray(keras.losses.kl_divergence(ONE_HOT, SOFTMAX))
    p, q = np.clip(ONE_HOT, 1e-7, 1), np.clip(SOFTMAX, 1e-7, 1)
    np.testing.assert_allclose(theirs, np.sum(p * np.log(p / q), axis=-1), rtol=1e-13)
    zero_terms = np.sum(np.where(ONE_HOT == 0, 1e-7 * np.log(1e-7 / q), 0.0), axis=-1)
    np.testing.assert_allclose(theirs - ours, zero_terms, atol=1e-15)
    agree(
        "keras built-in",
        "KLDivergence, one-hot targets",
        KL.KLDivergence(reduction=None, dtype="float64")(ONE_HOT, SOFTMAX).numpy(),
        theirs,
        rtol=1e-13,
        atol=1e-15,
    )
    pin("keras kl, one-hot targets", ours[:2], theirs[:2])


def _keras_denominator_adjusted(ours_loss, denominator):
    """Keras' overlap losses use smooth 0 and add 1e-7 to the denominator only."""
    return 1 - (1 - ours_loss) * denominator / (denominator + 1e-7)


def test_keras_dice_is_smooth_0_with_1e7_in_the_denominator():
    for axis in (None, (1, 2, 3)):
        ours = L.dice(MASKS, MASK_PROBS, axis=axis, smooth=0.0, reduction="none")
        denominator = np.sum(MASKS, axis=axis) + np.sum(MASK_PROBS, axis=axis)
        theirs = np.asarray(keras.losses.dice(MASKS, MASK_PROBS, axis=axis))
        agree(
            "keras built-in",
            f"dice axis={axis} (after the 1e-7 adjustment)",
            _keras_denominator_adjusted(ours, denominator),
            theirs,
            rtol=1e-14,
            atol=1e-15,
        )
        ours_keras = KL.Dice(reduction=None, axis=axis, dtype="float64")(MASKS, MASK_PROBS).numpy()
        agree("keras built-in", f"Dice axis={axis}", ours_keras, theirs, rtol=1e-14, atol=1e-15)
    assert float(keras.losses.dice(EMPTY, EMPTY)) == 1.0  # Keras: an empty mask predicted empty costs 1
    assert float(KL.Dice(dtype="float64")(EMPTY, EMPTY)) == 1.0
    assert L.dice(EMPTY, EMPTY, smooth=0.0) == 0.0
    pin("dice of empty masks: ours vs keras", 0.0, 1.0)


@pytest.mark.skipif(not keras.__version__.startswith("3.15."), reason="pins Keras 3.15's Tversky convention")
def test_keras_3_15_tversky_swaps_alpha_and_beta():
    alpha, beta, axis = 0.2, 0.9, (1, 2, 3)
    tp = np.sum(MASKS * MASK_PROBS, axis=axis)
    fp = np.sum((1 - MASKS) * MASK_PROBS, axis=axis)
    fn = np.sum(MASKS * (1 - MASK_PROBS), axis=axis)
    theirs = np.asarray(keras.losses.tversky(MASKS, MASK_PROBS, alpha=alpha, beta=beta, axis=axis))
    # Keras 3.15.1 multiplies FN by its alpha and FP by its beta:
    np.testing.assert_allclose(theirs, 1 - tp / (tp + alpha * fn + beta * fp + 1e-7), rtol=1e-14)
    swapped = L.tversky(MASKS, MASK_PROBS, alpha=beta, beta=alpha, axis=axis, smooth=0.0, reduction="none")
    agree(
        "keras built-in",
        "tversky with α and β swapped (after the 1e-7 adjustment)",
        _keras_denominator_adjusted(swapped, tp + beta * fp + alpha * fn),
        theirs,
        rtol=1e-14,
        atol=1e-15,
    )
    same_names = L.tversky(MASKS, MASK_PROBS, alpha=alpha, beta=beta, axis=axis, smooth=0.0, reduction="none")
    assert np.max(np.abs(same_names - theirs)) > 0.05
    # our Keras class follows the built-in by default, and the paper with alpha_weights="false_positives"
    ours_keras = KL.Tversky(alpha, beta, axis=axis, reduction=None, dtype="float64")(MASKS, MASK_PROBS).numpy()
    agree("keras built-in", "Tversky(alpha=0.2, beta=0.9)", ours_keras, theirs, rtol=1e-14, atol=1e-15)
    salehi = KL.Tversky(
        alpha, beta, axis=axis, reduction=None, dtype="float64", alpha_weights="false_positives", smooth=0.0
    )(MASKS, MASK_PROBS).numpy()
    np.testing.assert_allclose(salehi, same_names, rtol=1e-14)
    pin("keras 3.15 tversky(alpha=0.2, beta=0.9) vs ours with the same names", same_names, theirs)


def test_keras_log_cosh_uses_log_2_rounded_to_float32():
    ours = L.log_cosh(TARGETS, SCORES, reduction="none").mean(axis=-1)
    theirs = np.asarray(keras.losses.log_cosh(TARGETS, SCORES))
    log2_float32 = float(np.float32(math.log(2.0)))
    np.testing.assert_allclose(theirs, ours + math.log(2.0) - log2_float32, rtol=1e-14)
    assert math.log(2.0) - log2_float32 == pytest.approx(-1.9046543e-09, rel=1e-6)
    np.testing.assert_allclose(  # our Keras class uses the float64 constant
        KL.LogCosh(dtype="float64", reduction=None)(TARGETS, SCORES).numpy(), ours, rtol=1e-14
    )
    pin("keras log_cosh float32 log 2", ours[:2], theirs[:2])


def test_torch_soft_margin_loss_overflows_where_log_loss_does_not():
    y, x = np.array([1.0, -1.0]), np.array([-1e4, 1e4])
    theirs = F.soft_margin_loss(t64(x), t64(y), reduction="none").numpy()
    assert np.all(theirs == np.inf)  # log(1 + exp(1e4)) evaluated as written
    np.testing.assert_array_equal(L.log_loss(y, x, reduction="none"), [1e4, 1e4])
    pin("log_loss at margin −1e4: ours vs torch soft_margin_loss", [1e4, 1e4], theirs)


# ---------------------------------------------------------------------------------------------------
# Hard inputs: ±1e4 logits give finite values and torch's gradients.
# ---------------------------------------------------------------------------------------------------

HARD_LABELS = np.round(SATURATED)  # {0, 1} labels for the EXTREME logits
CLIPPED_ONE_HOT = np.clip(EXTREME_ONE_HOT, 1e-7, 1.0)

# (id, our NumPy/autodiff loss, our torch loss, our keras loss, torch built-in): functions of the logits
LOGIT_GRADIENTS = [
    (
        "bce",
        lambda x: L.binary_crossentropy(HARD_LABELS, x, from_logits=True),
        lambda x: TL.BinaryCrossentropy(from_logits=True)(x, t64(HARD_LABELS)),
        lambda x: KL.BinaryCrossentropy(from_logits=True, dtype="float64")(HARD_LABELS, x),
        lambda x: F.binary_cross_entropy_with_logits(x, t64(HARD_LABELS)),
    ),
    (
        "cce",
        lambda x: L.categorical_crossentropy(EXTREME_ONE_HOT, x, from_logits=True),
        lambda x: TL.CategoricalCrossentropy(from_logits=True)(x, t64(EXTREME_ONE_HOT)),
        lambda x: KL.CategoricalCrossentropy(from_logits=True, dtype="float64")(EXTREME_ONE_HOT, x),
        lambda x: F.cross_entropy(x, t64(EXTREME_ONE_HOT)),
    ),
    (
        "scce",
        lambda x: L.sparse_categorical_crossentropy(np.array([0, 1]), x, from_logits=True),
        lambda x: TL.SparseCategoricalCrossentropy(from_logits=True)(x, torch.tensor([0, 1])),
        lambda x: KL.SparseCategoricalCrossentropy(from_logits=True, dtype="float64")(np.array([0, 1]), x),
        lambda x: F.cross_entropy(x, torch.tensor([0, 1])),
    ),
    (
        "kl from logits",
        lambda x: L.kl_divergence(EXTREME_ONE_HOT, x, from_logits=True),
        lambda x: TL.KLDivergence(from_logits=True, reduction="batchmean")(x, t64(EXTREME_ONE_HOT)),
        None,
        lambda x: F.kl_div(F.log_softmax(x, dim=-1), t64(EXTREME_ONE_HOT), reduction="batchmean"),
    ),
    (
        "kl from logits, targets clipped to [1e-7, 1] as Keras does",
        lambda x: L.kl_divergence(CLIPPED_ONE_HOT, x, from_logits=True),
        lambda x: TL.KLDivergence(from_logits=True, reduction="batchmean")(x, t64(CLIPPED_ONE_HOT)),
        lambda x: KL.KLDivergence(from_logits=True, dtype="float64")(EXTREME_ONE_HOT, x),
        lambda x: F.kl_div(F.log_softmax(x, dim=-1), t64(CLIPPED_ONE_HOT), reduction="batchmean"),
    ),
    (
        "log_loss",
        lambda x: L.log_loss(2 * HARD_LABELS - 1, x),
        lambda x: TL.LogLoss()(x, t64(2 * HARD_LABELS - 1)),
        lambda x: KL.LogLoss(dtype="float64")(2 * HARD_LABELS - 1, x),
        lambda x: F.binary_cross_entropy_with_logits(x, t64(HARD_LABELS)),
    ),
    (
        "gan discriminator",
        lambda x: L.gan_discriminator_loss(x, -x),
        lambda x: TL.GANDiscriminatorLoss()(x, -x),
        lambda x: KL.GANDiscriminatorLoss(dtype="float64")(x, -x),
        lambda x: (
            F.binary_cross_entropy_with_logits(x, torch.ones_like(x))
            + F.binary_cross_entropy_with_logits(-x, torch.zeros_like(x))
        ),
    ),
    (
        "gan minimax",
        lambda x: L.gan_generator_minimax_loss(x),
        lambda x: TL.GANGeneratorMinimaxLoss()(x),
        lambda x: KL.GANGeneratorMinimaxLoss(dtype="float64")(np.zeros(x.shape), x),
        lambda x: -F.binary_cross_entropy_with_logits(x, torch.zeros_like(x)),
    ),
    (
        "gan nonsaturating",
        lambda x: L.gan_generator_nonsaturating_loss(x),
        lambda x: TL.GANGeneratorNonsaturatingLoss()(x),
        lambda x: KL.GANGeneratorNonsaturatingLoss(dtype="float64")(np.zeros(x.shape), x),
        lambda x: F.binary_cross_entropy_with_logits(x, torch.ones_like(x)),
    ),
]


def torch_value_and_grad(fn, logits):
    x = t64(logits).requires_grad_(True)
    value = fn(x)
    (grad,) = torch.autograd.grad(value, x)
    return value.item(), grad.numpy()


def keras_value_and_grad(fn, logits):
    import tensorflow as tf

    x = tf.Variable(logits, dtype=tf.float64)
    with tf.GradientTape() as tape:
        value = fn(x)
    return float(value), tape.gradient(value, x).numpy()


@pytest.mark.parametrize(
    "ours, ours_torch, ours_keras, builtin",
    [row[1:] for row in LOGIT_GRADIENTS],
    ids=[row[0] for row in LOGIT_GRADIENTS],
)
def test_extreme_logits_give_finite_losses_and_torch_gradients(ours, ours_torch, ours_keras, builtin):
    from momentum_lab import autodiff as ad

    their_value, their_grad = torch_value_and_grad(builtin, EXTREME)
    results = {
        "autodiff tape": ad.value_and_grad(ours)(EXTREME),
        "torch class": torch_value_and_grad(ours_torch, EXTREME),
    }
    if ours_keras is not None:
        results["keras class"] = keras_value_and_grad(ours_keras, EXTREME)
    for label, (value, grad) in results.items():
        assert np.isfinite(value) and np.all(np.isfinite(grad))
        agree("torch built-in", f"±1e4 logits value ({label})", value, their_value)
        agree("torch built-in", f"±1e4 logits gradient ({label})", grad, their_grad, rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------------------------------------------
# Keras serialization.
# ---------------------------------------------------------------------------------------------------

NON_DEFAULT = {
    "Huber": {"delta": 0.5},
    "BinaryCrossentropy": {"from_logits": True, "label_smoothing": 0.1, "axis": 1},
    "CategoricalCrossentropy": {"from_logits": True, "label_smoothing": 0.1, "axis": 1},
    "SparseCategoricalCrossentropy": {"from_logits": True, "ignore_class": 2, "label_smoothing": 0.1},
    "KLDivergence": {"from_logits": True},
    "CategoricalHinge": {"margin": 0.5, "wrong_classes_only": True},
    "WestonWatkinsHinge": {"margin": 2.0},
    "GANDiscriminatorLoss": {"from_logits": False},
    "Dice": {"axis": (1, 2), "smooth": 0.5, "squared": True},
    "Jaccard": {"axis": 1, "smooth": 0.0},
    "Tversky": {"alpha": 0.1, "beta": 0.9, "axis": [1, 2], "smooth": 1.0, "alpha_weights": "false_positives"},
    "FocalTversky": {"alpha": 0.4, "beta": 0.6, "gamma": 2.0},
}


@pytest.mark.parametrize("cls_name", KL.__all__)
def test_keras_loss_round_trips_through_serialization(cls_name):
    cls = getattr(KL, cls_name)
    loss = cls(reduction="sum", dtype="float64", **NON_DEFAULT.get(cls_name, {}))
    config = keras.saving.serialize_keras_object(loss)
    assert config["registered_name"] == f"momentum_lab>{cls_name}"
    restored = keras.saving.deserialize_keras_object(json.loads(json.dumps(config)))
    assert type(restored) is cls
    assert restored.get_config() == loss.get_config()
    assert restored.reduction == "sum" and restored.dtype == "float64"


def test_model_compiled_with_momentum_lab_losses_saves_and_loads(tmp_path):
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(4,))
    mask = keras.layers.Dense(3, activation="sigmoid", name="mask")(inputs)
    logit = keras.layers.Dense(1, name="logit")(inputs)
    model = keras.Model(inputs, {"mask": mask, "logit": logit})
    model.compile(
        optimizer=keras.optimizers.SGD(0.1, momentum=0.9),
        loss={"mask": KL.Tversky(alpha=0.2, beta=0.8, axis=[1]), "logit": KL.BinaryCrossentropy(from_logits=True)},
    )
    x = rng.normal(size=(8, 4)).astype("float32")
    y = {"mask": (rng.random((8, 3)) > 0.5).astype("float32"), "logit": rng.integers(0, 2, (8, 1)).astype("float32")}
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    before = model.evaluate(x, y, verbose=0, return_dict=True)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    after = loaded.evaluate(x, y, verbose=0, return_dict=True)
    assert after["loss"] == pytest.approx(before["loss"], rel=1e-6)
    losses = loaded.loss
    tversky = losses["mask"] if isinstance(losses, dict) else losses[0]
    assert isinstance(tversky, KL.Tversky) and (tversky.alpha, tversky.beta, tversky.axis) == (0.2, 0.8, [1])
