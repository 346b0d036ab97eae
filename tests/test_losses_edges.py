"""The losses at their edges: inputs they refuse, settings that would make them meaningless, and the
numerically hard inputs they must survive.

* every public NumPy loss refuses complex, boolean and string arrays (TypeError), NaN and empty arrays
  (ValueError), each naming the argument; flags must be booleans; degenerate hyperparameters raise;
* the torch modules and Keras classes refuse complex and boolean tensors (TypeError naming the argument,
  also under ``torch.compile``) and check their arguments when they are built;
* hand-worked values at the edges: empty masks with ``smooth=0``, zero vectors, equal embeddings, overflow;
* huge logits give finite values equal to PyTorch's and TensorFlow's in float64;
* every public function and class of the three loss modules carries type hints.
"""

import inspect
import math

import numpy as np
import pytest

import momentum_lab.autodiff as ad
import momentum_lab.losses as L

rng = np.random.default_rng(2026)
N, C = 4, 3

VALUES = rng.normal(size=(N, C))
OTHER = rng.normal(size=(N, C))
BINARY = rng.integers(0, 2, size=(N, C)).astype(float)
SIGNED = 2 * BINARY - 1
PROBS = rng.uniform(0.05, 0.95, size=(N, C))
ONE_HOT = np.eye(C)[rng.integers(0, C, size=N)]
DIST = rng.dirichlet(np.ones(C), size=N)
LABELS = rng.integers(0, C, size=N).astype(float)
PAIR_01 = np.array([1.0, 0.0, 1.0, 0.0])
PAIR_PM = np.array([1.0, -1.0, 1.0, -1.0])
DISTANCES = rng.uniform(0.1, 2.0, size=N)

# (function, its array arguments by name, keyword arguments): one valid call of every public loss
CALLS = {
    "mean_squared_error": (L.mean_squared_error, {"y_true": VALUES, "y_pred": OTHER}, {}),
    "mean_absolute_error": (L.mean_absolute_error, {"y_true": VALUES, "y_pred": OTHER}, {}),
    "huber": (L.huber, {"y_true": VALUES, "y_pred": OTHER}, {}),
    "log_cosh": (L.log_cosh, {"y_true": VALUES, "y_pred": OTHER}, {}),
    "binary_crossentropy": (L.binary_crossentropy, {"y_true": BINARY, "y_pred": PROBS}, {}),
    "categorical_crossentropy": (L.categorical_crossentropy, {"y_true": ONE_HOT, "y_pred": DIST}, {}),
    "sparse_categorical_crossentropy": (L.sparse_categorical_crossentropy, {"y_true": LABELS, "y_pred": DIST}, {}),
    "kl_divergence": (L.kl_divergence, {"y_true": DIST, "y_pred": DIST[::-1]}, {}),
    "hinge": (L.hinge, {"y_true": SIGNED, "y_pred": VALUES}, {}),
    "squared_hinge": (L.squared_hinge, {"y_true": SIGNED, "y_pred": VALUES}, {}),
    "categorical_hinge": (L.categorical_hinge, {"y_true": ONE_HOT, "y_pred": VALUES}, {}),
    "weston_watkins_hinge": (L.weston_watkins_hinge, {"y_true": ONE_HOT, "y_pred": VALUES}, {}),
    "zero_one_loss": (L.zero_one_loss, {"y_true": SIGNED, "y_pred": VALUES}, {}),
    "exponential_loss": (L.exponential_loss, {"y_true": SIGNED, "y_pred": VALUES}, {}),
    "log_loss": (L.log_loss, {"y_true": SIGNED, "y_pred": VALUES}, {}),
    "gan_discriminator_loss": (L.gan_discriminator_loss, {"d_real": VALUES, "d_fake": OTHER}, {}),
    "gan_generator_minimax_loss": (L.gan_generator_minimax_loss, {"d_fake": OTHER}, {}),
    "gan_generator_nonsaturating_loss": (L.gan_generator_nonsaturating_loss, {"d_fake": OTHER}, {}),
    "dice": (L.dice, {"y_true": BINARY, "y_pred": PROBS}, {}),
    "jaccard": (L.jaccard, {"y_true": BINARY, "y_pred": PROBS}, {}),
    "tversky": (L.tversky, {"y_true": BINARY, "y_pred": PROBS}, {}),
    "focal_tversky": (L.focal_tversky, {"y_true": BINARY, "y_pred": PROBS}, {}),
    "pairwise_distance": (L.pairwise_distance, {"x1": VALUES, "x2": OTHER}, {}),
    "contrastive": (L.contrastive, {"y_true": PAIR_01, "distance": DISTANCES}, {}),
    "triplet_margin": (L.triplet_margin, {"anchor": VALUES, "positive": OTHER, "negative": VALUES[::-1]}, {}),
    "cosine_embedding": (L.cosine_embedding, {"y_true": PAIR_PM, "x1": VALUES, "x2": OTHER}, {}),
    "info_nce": (L.info_nce, {"z1": VALUES, "z2": OTHER}, {}),
    "nt_xent": (L.nt_xent, {"z1": VALUES, "z2": OTHER}, {}),
    "binary_focal_crossentropy": (L.binary_focal_crossentropy, {"y_true": BINARY, "y_pred": PROBS}, {}),
    "categorical_focal_crossentropy": (L.categorical_focal_crossentropy, {"y_true": ONE_HOT, "y_pred": DIST}, {}),
}

#: The public losses of chapters 6–9 and 13 (the image losses of chapter 14 have their own tests).
IMAGE_NAMES = {"ssim", "ssim_loss", "total_variation", "perceptual", "gaussian_window", "edge_filter_bank"}
PUBLIC = [name for name in L.__all__ if callable(getattr(L, name)) and name not in IMAGE_NAMES]


def test_the_table_covers_every_public_loss():
    assert sorted(CALLS) == sorted(PUBLIC)


def test_every_valid_call_gives_a_finite_number():
    for name, (fn, arrays, kwargs) in CALLS.items():
        assert np.all(np.isfinite(fn(**arrays, **kwargs))), name


def _arguments():
    return [pytest.param(name, arg, id=f"{name}-{arg}") for name, (_, arrays, _) in CALLS.items() for arg in arrays]


def _call_with(name, arg, value):
    fn, arrays, kwargs = CALLS[name]
    return fn(**{**arrays, arg: value}, **kwargs)


# (id, how to spoil an array, error, message pattern with {arg} for the argument's name)
SPOILED = [
    ("complex", lambda a: a.astype(complex), TypeError, r"{arg} must hold real numbers .*got dtype complex128"),
    ("complex with imaginary parts", lambda a: a + 1j, TypeError, r"{arg} must hold real numbers .*complex"),
    ("boolean", lambda a: a > 0.5, TypeError, r"{arg} must hold real numbers .*got dtype bool"),
    ("strings", lambda a: np.full(a.shape, "0.5"), TypeError, r"{arg} must hold real numbers .*strings"),
    (
        "NaN",
        lambda a: np.where(np.arange(a.size).reshape(a.shape) == 0, np.nan, a),
        ValueError,
        r"{arg} must contain only finite numbers",
    ),
    (
        "infinity",
        lambda a: np.where(np.arange(a.size).reshape(a.shape) == 0, np.inf, a),
        ValueError,
        r"{arg} must contain only finite numbers",
    ),
    ("empty", lambda a: a[:0], ValueError, r"{arg} must not be empty; got shape \(0"),
]


@pytest.mark.parametrize("spoil, error, message", [s[1:] for s in SPOILED], ids=[s[0] for s in SPOILED])
@pytest.mark.parametrize("name, arg", _arguments())
def test_every_array_argument_refuses_what_is_not_finite_real_numbers(name, arg, spoil, error, message):
    with pytest.raises(error, match=message.format(arg=arg)):
        _call_with(name, arg, spoil(CALLS[name][1][arg]))


def test_complex_numbers_are_no_longer_cut_to_their_real_part():
    # NumPy used to drop the imaginary part of y_pred with only a warning: the loss of the real part came out
    with pytest.raises(TypeError, match=r"y_pred must hold real numbers"):
        L.mean_squared_error([1.0, 2.0], np.array([1.0 + 5j, 2.0 - 5j]))


# (id, call, error, message): shapes that do not match name both arguments and both shapes
SHAPES = [
    (
        "mse",
        lambda: L.mean_squared_error(VALUES, OTHER[:2]),
        r"y_true and y_pred must have the same shape.*"
        r"y_true.shape=\(4, 3\) and y_pred.shape=\(2, 3\)",
    ),
    ("bce", lambda: L.binary_crossentropy(BINARY, PROBS.T), r"y_true.shape=\(4, 3\) and y_pred.shape=\(3, 4\)"),
    (
        "sparse",
        lambda: L.sparse_categorical_crossentropy(LABELS[:3], DIST),
        r"y_true.shape=\(3,\) and "
        r"y_pred.shape=\(4, 3\)",
    ),
    ("dice", lambda: L.dice(BINARY[:, :2], PROBS), r"y_true.shape=\(4, 2\) and y_pred.shape=\(4, 3\)"),
    (
        "contrastive",
        lambda: L.contrastive(PAIR_01[:3], DISTANCES),
        r"y_true must have shape \(4,\), one label per "
        r"pair of distance \(distance.shape=\(4,\)\); got y_true.shape=\(3,\)",
    ),
    (
        "cosine",
        lambda: L.cosine_embedding(PAIR_PM, VALUES[:3], OTHER[:3]),
        r"y_true must have shape \(3,\), one "
        r"label per pair of x1 \(x1.shape=\(3, 3\)\); got y_true.shape=\(4,\)",
    ),
    (
        "triplet",
        lambda: L.triplet_margin(VALUES, OTHER, VALUES[:, :2]),
        r"anchor and negative must have the same "
        r"shape.*anchor.shape=\(4, 3\) and negative.shape=\(4, 2\)",
    ),
    ("info_nce", lambda: L.info_nce(VALUES, OTHER[:3]), r"z1.shape=\(4, 3\) and z2.shape=\(3, 3\)"),
    (
        "gan none",
        lambda: L.gan_discriminator_loss(VALUES, OTHER[:1], reduction="none"),
        r"d_real.shape=\(4, 3\) and d_fake.shape=\(1, 3\)",
    ),
]


@pytest.mark.parametrize("call, message", [s[1:] for s in SHAPES], ids=[s[0] for s in SHAPES])
def test_mismatched_shapes_name_both_arguments_and_shapes(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# (loss, flag): every boolean flag of the NumPy losses
FLAGS = [
    ("binary_crossentropy", "from_logits"),
    ("categorical_crossentropy", "from_logits"),
    ("sparse_categorical_crossentropy", "from_logits"),
    ("kl_divergence", "from_logits"),
    ("gan_discriminator_loss", "from_logits"),
    ("gan_generator_minimax_loss", "from_logits"),
    ("gan_generator_nonsaturating_loss", "from_logits"),
    ("dice", "squared"),
    ("triplet_margin", "swap"),
    ("info_nce", "cosine"),
    ("binary_focal_crossentropy", "apply_class_balancing"),
    ("binary_focal_crossentropy", "from_logits"),
    ("categorical_focal_crossentropy", "from_logits"),
]


@pytest.mark.parametrize("value", ["False", 0, 1, None])
@pytest.mark.parametrize("name, flag", FLAGS, ids=[f"{n}-{f}" for n, f in FLAGS])
def test_flags_must_be_booleans(name, flag, value):
    fn, arrays, kwargs = CALLS[name]
    with pytest.raises(TypeError, match=rf"{flag} must be True or False; got {flag}={value!r}"):
        fn(**arrays, **{**kwargs, flag: value})


def test_the_issue_cases_dice_squared_string_and_tversky_without_weights():
    with pytest.raises(TypeError, match=r"squared must be True or False; got squared='False' \(str\)"):
        L.dice([1, 0], [0.5, 0.5], squared="False")
    # α = β = 0: TI = (TP + s)/(TP + s) = 1 whatever p is, so the exact opposite of the mask scored a loss of 0
    with pytest.raises(
        ValueError,
        match=r"alpha and beta must not both be 0: the Tversky index would be "
        r"\(TP \+ s\)/\(TP \+ s\) = 1 for every prediction",
    ):
        L.tversky([1, 0], [0, 1], alpha=0, beta=0, smooth=0)
    # one of the two at 0 is a legitimate extreme: α = 0 ignores the false positives only
    # TP = 0, FN = 1 (the missed pixel): TI = 0 / (0 + 0 + 1·1) = 0, loss 1
    assert float(L.tversky([1, 0], [0, 1], alpha=0, beta=1, smooth=0)) == 1.0


# (id, call, error, message): settings outside the range where the loss means something
DEGENERATE = [
    (
        "tversky α = β = 0",
        lambda: L.tversky(BINARY, PROBS, alpha=0.0, beta=0.0),
        ValueError,
        r"alpha and beta must not both be 0",
    ),
    (
        "focal tversky α = β = 0",
        lambda: L.focal_tversky(BINARY, PROBS, alpha=0, beta=0),
        ValueError,
        r"alpha and beta must not both be 0",
    ),
    ("tversky negative β", lambda: L.tversky(BINARY, PROBS, beta=-0.5), ValueError, r"beta must be >= 0"),
    ("focal tversky γ = 0", lambda: L.focal_tversky(BINARY, PROBS, gamma=0.0), ValueError, r"gamma must be > 0"),
    ("dice negative smooth", lambda: L.dice(BINARY, PROBS, smooth=-1e-3), ValueError, r"smooth must be >= 0"),
    ("huber δ = 0", lambda: L.huber(VALUES, OTHER, 0.0), ValueError, r"delta must be > 0; got delta=0.0"),
    (
        "label smoothing above 1",
        lambda: L.binary_crossentropy(BINARY, PROBS, label_smoothing=1.01),
        ValueError,
        r"label_smoothing must be in \[0, 1\]",
    ),
    (
        "label smoothing negative",
        lambda: L.categorical_crossentropy(ONE_HOT, DIST, label_smoothing=-0.1),
        ValueError,
        r"label_smoothing must be in \[0, 1\]",
    ),
    ("hinge margin 0", lambda: L.categorical_hinge(ONE_HOT, VALUES, 0.0), ValueError, r"margin must be > 0"),
    (
        "weston watkins margin < 0",
        lambda: L.weston_watkins_hinge(ONE_HOT, VALUES, -1.0),
        ValueError,
        r"margin must be > 0",
    ),
    (
        "contrastive margin < 0",
        lambda: L.contrastive(PAIR_01, DISTANCES, margin=-1.0),
        ValueError,
        r"margin must be > 0",
    ),
    (
        "triplet margin 0",
        lambda: L.triplet_margin(VALUES, OTHER, VALUES, margin=0.0),
        ValueError,
        r"margin must be > 0",
    ),
    (
        "cosine margin above 1",
        lambda: L.cosine_embedding(PAIR_PM, VALUES, OTHER, margin=1.5),
        ValueError,
        r"margin must be in \[-1, 1\] \(a cosine\); got margin=1.5",
    ),
    ("norm order below 1", lambda: L.pairwise_distance(VALUES, OTHER, p=0.5), ValueError, r"p must be >= 1"),
    ("negative eps", lambda: L.pairwise_distance(VALUES, OTHER, eps=-1e-6), ValueError, r"eps must be >= 0"),
    ("temperature 0", lambda: L.info_nce(VALUES, OTHER, temperature=0.0), ValueError, r"temperature must be > 0"),
    ("temperature < 0", lambda: L.nt_xent(VALUES, OTHER, temperature=-0.5), ValueError, r"temperature must be > 0"),
    ("focal γ < 0", lambda: L.binary_focal_crossentropy(BINARY, PROBS, gamma=-0.5), ValueError, r"gamma must be >= 0"),
    (
        "categorical focal γ < 0",
        lambda: L.categorical_focal_crossentropy(ONE_HOT, DIST, gamma=-1.0),
        ValueError,
        r"gamma must be >= 0",
    ),
    (
        "binary focal α above 1",
        lambda: L.binary_focal_crossentropy(BINARY, PROBS, alpha=1.5),
        ValueError,
        r"alpha must be in \[0, 1\]; got alpha=1.5",
    ),
    (
        "binary focal α < 0",
        lambda: L.binary_focal_crossentropy(BINARY, PROBS, alpha=-0.25),
        ValueError,
        r"alpha must be in \[0, 1\]",
    ),
    (
        "categorical focal α = 0",
        lambda: L.categorical_focal_crossentropy(ONE_HOT, DIST, alpha=0.0),
        ValueError,
        r"alpha must be > 0 \(a weight of 0 makes every loss 0\); got alpha=0.0",
    ),
    (
        "categorical focal α all 0",
        lambda: L.categorical_focal_crossentropy(ONE_HOT, DIST, alpha=[0, 0, 0]),
        ValueError,
        r"alpha must not be all 0",
    ),
    (
        "categorical focal α complex",
        lambda: L.categorical_focal_crossentropy(ONE_HOT, DIST, alpha=[1j, 1, 1]),
        TypeError,
        r"alpha must hold real numbers",
    ),
    (
        "reduction",
        lambda: L.hinge(SIGNED, VALUES, reduction="batchmean"),
        ValueError,
        r"reduction must be one of \('mean', 'sum', 'none'\); got reduction='batchmean'",
    ),
    (
        "axis not there",
        lambda: L.jaccard(BINARY, PROBS, axis=2),
        ValueError,
        r"axis must be in \[-2, 2\) for 2-d inputs; got axis=2",
    ),
    ("delta a string", lambda: L.huber(VALUES, OTHER, "1"), TypeError, r"delta must be a real number; got delta='1'"),
]


@pytest.mark.parametrize("call, error, message", [d[1:] for d in DEGENERATE], ids=[d[0] for d in DEGENERATE])
def test_degenerate_settings_raise_and_say_why(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ---------------------------------------------------------------------------------------------------
# Edge values, worked by hand.
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("loss", [L.dice, L.jaccard, L.tversky, L.focal_tversky])
def test_empty_mask_and_empty_prediction_score_a_loss_of_0_even_without_smoothing(loss):
    empty = np.zeros((2, 5))
    # 0/0 for smooth = 0 is defined as a score of 1 (the limit as s → 0): loss 0, gradient 0, no NaN
    assert float(loss(empty, empty, smooth=0.0)) == 0.0
    gradient = ad.grad(lambda p: loss(empty, p, smooth=0.0))(empty)
    np.testing.assert_array_equal(gradient, np.zeros_like(empty))
    # an empty mask under a prediction of ½ everywhere: TP = 0, so every score is 0 and the loss 1
    # (for focal Tversky 1^{1/γ} = 1)
    assert float(loss(empty, np.full((2, 5), 0.5), smooth=0.0)) == pytest.approx(1.0, abs=1e-15)


def test_zero_vectors_have_cosine_0_not_nan():
    zero, unit = np.zeros((2, 3)), np.eye(3)[:2]
    # similar pair: 1 − 0 = 1; dissimilar pair: max(0, 0 − 0) = 0
    np.testing.assert_array_equal(L.cosine_embedding([1, -1], zero, unit, reduction="none"), [1.0, 0.0])
    # InfoNCE with a zero query: its similarities are all 0, so the loss is log N = log 2
    loss = L.info_nce(np.vstack([np.zeros(3), np.eye(3)[1]]), np.eye(3)[:2], temperature=1.0, reduction="none")
    assert loss[0] == pytest.approx(math.log(2.0), rel=1e-15)
    assert np.all(np.isfinite(ad.grad(lambda z: L.nt_xent(z, unit, temperature=0.5))(zero)))


def test_equal_embeddings_with_eps_0_are_at_distance_0_with_gradient_0():
    x = np.array([[1.0, 2.0], [3.0, -1.0]])
    np.testing.assert_array_equal(L.pairwise_distance(x, x, eps=0.0), [0.0, 0.0])
    gradient = ad.grad(lambda a: L.triplet_margin(a, x, x + 5.0, eps=0.0))(x)
    assert np.all(np.isfinite(gradient))
    # d(a, p) = 0 at a = p: its (sub)gradient is taken as 0; d(a, n) = 5√2 > margin, so the loss and its
    # gradient are 0 altogether
    np.testing.assert_array_equal(gradient, np.zeros_like(x))


def test_overflow_gives_inf_as_documented_never_nan():
    with np.errstate(over="ignore"):
        assert float(L.exponential_loss([1.0], [-800.0])) == math.inf  # e^{800} > max float64
        assert float(L.mean_squared_error([0.0], [1e200])) == math.inf  # (1e200)² > max float64
        # huber's quadratic branch overflows too, but the linear one is taken: δ·|e| − δ²/2
        assert float(L.huber([0.0], [1e200])) == pytest.approx(1e200, rel=1e-15)
    # the stable forms stay finite at the same sizes: softplus(800) = 800 and log cosh(1e200) = 1e200 − log 2
    assert float(L.log_loss([1.0], [-800.0])) == 800.0
    assert float(L.log_cosh([0.0], [1e200])) == 1e200


def test_saturated_probabilities_cost_the_clip_not_infinity():
    # −log(clip(0, 1e-7, 1 − 1e-7)) = −log 1e-7 = 16.118095650958319
    assert float(L.binary_crossentropy([1.0], [0.0])) == pytest.approx(-math.log(1e-7), rel=1e-12)
    assert float(L.categorical_crossentropy([[1.0, 0.0]], [[0.0, 1.0]])) == pytest.approx(-math.log(1e-7), rel=1e-12)
    assert float(L.gan_generator_nonsaturating_loss([0.0], from_logits=False)) == pytest.approx(
        -math.log(1e-7), rel=1e-12
    )


HUGE = np.array([1e4, -1e4, 800.0, -800.0, 50.0, 0.0])
HUGE_LABELS = np.array([0.0, 1.0, 0.0, 1.0, 1.0, 0.0])


def test_huge_logits_give_the_exact_finite_values_by_hand():
    # softplus(x) − x·y: 1e4 (wrong sign, y = 0), 1e4 (x = −1e4, y = 1), 800, 800, softplus(−50) ≈ 1.93e-22
    # (here softplus(50) − 50 rounds to 0: the error is below one ulp of 50, 7.1e-15), log 2
    expected = [1e4, 1e4, 800.0, 800.0, math.log1p(math.exp(-50.0)), math.log(2.0)]
    got = L.binary_crossentropy(HUGE_LABELS, HUGE, from_logits=True, reduction="none")
    np.testing.assert_allclose(got, expected, rtol=1e-15, atol=np.spacing(50.0))
    # logsumexp([1e300, −1e300]) = 1e300, so the true class at −1e300 costs 2e300 (finite)
    assert float(L.categorical_crossentropy([[0.0, 1.0]], [[1e300, -1e300]], from_logits=True)) == 2e300
    gradient = ad.grad(lambda x: L.binary_crossentropy(HUGE_LABELS, x, from_logits=True))(HUGE)
    assert np.all(np.isfinite(gradient))


# ---------------------------------------------------------------------------------------------------
# Type hints.
# ---------------------------------------------------------------------------------------------------


def _unannotated(function, skip_first=False):
    signature = inspect.signature(function)
    parameters = list(signature.parameters.values())[1 if skip_first else 0 :]
    missing = [p.name for p in parameters if p.annotation is inspect.Parameter.empty]
    if signature.return_annotation is inspect.Signature.empty:
        missing.append("return")
    return missing


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_numpy_loss_is_typed(name):
    assert _unannotated(getattr(L, name)) == []


# ---------------------------------------------------------------------------------------------------
# The framework forms.
# ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def torch_losses():
    torch = pytest.importorskip("torch")
    import momentum_lab.torch.losses as TL

    return torch, TL


@pytest.fixture(scope="module")
def keras_losses():
    keras = pytest.importorskip("keras")
    import momentum_lab.tf.losses as KL

    return keras, KL


IMAGE_CLASSES = ("SSIMLoss", "TotalVariation", "PerceptualLoss")


def _class_names(module):
    return list(module.__all__) + list(IMAGE_CLASSES)


@pytest.mark.frameworks
def test_every_framework_class_is_typed(torch_losses, keras_losses):
    _, TL = torch_losses
    _, KL = keras_losses
    missing = {}
    for module, method in ((TL, "forward"), (KL, "call")):
        for name in _class_names(module):
            cls = getattr(module, name)
            for function in (cls.__init__, getattr(cls, method)):
                gaps = _unannotated(function, skip_first=True)
                if gaps:
                    missing[f"{module.__name__}.{name}.{function.__name__}"] = gaps
    assert missing == {}


@pytest.mark.frameworks
def test_torch_modules_refuse_complex_and_boolean_tensors_naming_the_argument(torch_losses):
    torch, TL = torch_losses
    for name in _class_names(TL):
        cls = getattr(TL, name)
        arguments = list(inspect.signature(cls.forward).parameters)[1:]
        first = arguments[0]
        shape = (1, 1, 12, 12) if name in IMAGE_CLASSES else (N, C)
        real = torch.rand(shape, dtype=torch.float64)
        for bad, dtype in ((real.to(torch.complex64), "torch.complex64"), (real > 0.5, "torch.bool")):
            with pytest.raises(
                TypeError,
                match=rf"{first} must hold real numbers \(integers or floats\); "
                rf"got dtype {dtype}",
            ):
                cls()(bad, *[real] * (len(arguments) - 1))


@pytest.mark.frameworks
def test_torch_the_second_argument_is_checked_too_and_the_issue_case(torch_losses):
    torch, TL = torch_losses
    x = torch.tensor([1.0 + 2.0j, 3.0 - 1.0j])
    # MeanSquaredError of two complex64 tensors used to return 0 (the values were cast to float64 silently)
    with pytest.raises(TypeError, match=r"input must hold real numbers .*got dtype torch.complex64"):
        TL.MeanSquaredError()(x, x)
    with pytest.raises(TypeError, match=r"target must hold real numbers .*got dtype torch.bool"):
        TL.Dice()(torch.rand(2, 3), torch.rand(2, 3) > 0.5)
    with pytest.raises(TypeError, match=r"target must hold real numbers .*complex"):
        TL.Contrastive()(torch.rand(3, 2), torch.rand(3, 2), torch.ones(3, dtype=torch.complex128))
    with pytest.raises(TypeError, match=r"target must hold real numbers .*got dtype torch.bool"):
        TL.SparseCategoricalCrossentropy()(torch.rand(3, 2).softmax(-1), torch.tensor([True, False, True]))


@pytest.mark.frameworks
@pytest.mark.parametrize(
    "name",
    ["MeanSquaredError", "MeanAbsoluteError", "Hinge", "Dice", "GANDiscriminatorLoss", "GANGeneratorNonsaturatingLoss"],
)
def test_torch_integer_tensors_are_real_numbers_taken_as_floats(torch_losses, name):
    torch, TL = torch_losses
    # integers are real numbers: the result is the loss of the same values as floats (torch's own
    # MSELoss, mean and logaddexp refuse integer tensors)
    g = torch.tensor([[1, 0, 0], [0, 1, 1]])
    arguments = len(inspect.signature(getattr(TL, name).forward).parameters) - 1
    for reduction in ("mean", "none"):
        loss = getattr(TL, name)(reduction=reduction)
        as_ints, as_floats = loss(*[g] * arguments), loss(*[g.to(torch.get_default_dtype())] * arguments)
        assert as_ints.is_floating_point()
        torch.testing.assert_close(as_ints, as_floats, rtol=0, atol=0)


@pytest.mark.frameworks
def test_torch_dtype_check_holds_under_torch_compile(torch_losses):
    torch, TL = torch_losses
    compiled = torch.compile(TL.MeanSquaredError(), backend="eager")
    x = torch.rand(3, dtype=torch.float64)
    assert compiled(x, x).item() == 0.0
    with pytest.raises(TypeError, match=r"input must hold real numbers"):
        compiled(x.to(torch.complex128), x.to(torch.complex128))


def _torch_bad_arguments(torch):
    return [
        ("Dice", {"squared": "False"}, TypeError, r"squared must be True or False; got squared='False'"),
        ("Dice", {"axis": 1.5}, TypeError, r"axis must be None, an int or a tuple of ints; got axis=1.5"),
        ("Jaccard", {"axis": (1, 1)}, ValueError, r"axis must not repeat an axis; got axis=\(1, 1\)"),
        ("Tversky", {"alpha": 0, "beta": 0}, ValueError, r"alpha and beta must not both be 0"),
        ("FocalTversky", {"alpha": 0.0, "beta": 0.0}, ValueError, r"alpha and beta must not both be 0"),
        ("FocalTversky", {"gamma": -1.0}, ValueError, r"gamma must be > 0"),
        ("MeanSquaredError", {"reduction": "avg"}, ValueError, r"reduction must be one of"),
        (
            "KLDivergence",
            {"reduction": "batch_mean"},
            ValueError,
            r"reduction must be one of \('mean', 'sum', "
            r"'none', 'batchmean'\)",
        ),
        ("BinaryCrossentropy", {"label_smoothing": 1.5}, ValueError, r"label_smoothing must be in \[0, 1\]"),
        ("BinaryCrossentropy", {"from_logits": "yes"}, TypeError, r"from_logits must be True or False"),
        ("BinaryCrossentropy", {"weight": torch.tensor([1.0, -1.0])}, ValueError, r"weight must hold weights >= 0"),
        (
            "BinaryCrossentropy",
            {"from_logits": True, "pos_weight": torch.tensor([1j])},
            TypeError,
            r"pos_weight must hold real numbers",
        ),
        ("CategoricalCrossentropy", {"weight": torch.zeros(3)}, ValueError, r"weight must not be all 0"),
        ("SparseCategoricalCrossentropy", {"ignore_index": 2.5}, TypeError, r"ignore_index must be an integer"),
        ("SparseCategoricalCrossentropy", {"ignore_index": "3"}, TypeError, r"ignore_index must be an integer"),
        ("Huber", {"delta": 0.0}, ValueError, r"delta must be > 0"),
        ("CategoricalHinge", {"margin": 0.0}, ValueError, r"margin must be > 0"),
        ("CosineEmbedding", {"margin": 2.0}, ValueError, r"margin must be in \[-1, 1\]"),
        ("TripletMargin", {"p": 0.5}, ValueError, r"p must be >= 1"),
        ("TripletMargin", {"swap": 1}, TypeError, r"swap must be True or False"),
        ("InfoNCE", {"temperature": 0.0}, ValueError, r"temperature must be > 0"),
        ("NTXent", {"temperature": -1.0}, ValueError, r"temperature must be > 0"),
        ("BinaryFocalCrossentropy", {"alpha": 1.5}, ValueError, r"alpha must be in \[0, 1\]"),
        ("BinaryFocalCrossentropy", {"gamma": -2.0}, ValueError, r"gamma must be >= 0"),
        ("CategoricalFocalCrossentropy", {"alpha": 0.0}, ValueError, r"alpha must be > 0"),
        (
            "CategoricalFocalCrossentropy",
            {"alpha": torch.tensor([-1.0, 1.0])},
            ValueError,
            r"alpha must hold weights >= 0",
        ),
    ]


@pytest.mark.frameworks
def test_torch_modules_check_their_arguments_when_built(torch_losses):
    torch, TL = torch_losses
    for name, kwargs, error, message in _torch_bad_arguments(torch):
        with pytest.raises(error, match=message):
            getattr(TL, name)(**kwargs)


@pytest.mark.frameworks
def test_torch_call_time_checks_name_the_axis_the_rank_and_the_weights(torch_losses):
    torch, TL = torch_losses
    p, g = torch.rand(2, 3, dtype=torch.float64), (torch.rand(2, 3) > 0.5).double()
    with pytest.raises(ValueError, match=r"axis must be in \[-2, 2\) for 2-d inputs; got axis=5"):
        TL.Dice(axis=5)(p, g)
    with pytest.raises(
        ValueError,
        match=r"weight must broadcast to the shape of input; got weight.shape=\(4,\) "
        r"and input.shape=\(2, 3\)",
    ):
        TL.BinaryCrossentropy(weight=torch.ones(4, dtype=torch.float64))(p, g)
    with pytest.raises(ValueError, match=r"weight must hold one weight per class, shape \(3,\)"):
        TL.CategoricalCrossentropy(weight=torch.ones(2, dtype=torch.float64))(p.softmax(-1), torch.eye(3)[:2].double())
    with pytest.raises(ValueError, match=r"input must contain only finite numbers"):
        TL.MeanSquaredError()(torch.tensor([float("nan")]), torch.tensor([0.0]))
    with pytest.raises(ValueError, match=r"input must not be empty"):
        TL.MeanSquaredError()(torch.zeros(0), torch.zeros(0))
    # every target ignored: torch's mean is 0/0 = nan; ours says so instead
    ignored = torch.tensor([-100, -100])
    assert torch.isnan(torch.nn.CrossEntropyLoss()(p, ignored))
    with pytest.raises(ValueError, match=r"the weighted mean over the kept samples is 0/0"):
        TL.SparseCategoricalCrossentropy(from_logits=True)(p, ignored)
    assert TL.SparseCategoricalCrossentropy(from_logits=True, reduction="sum")(p, ignored).item() == 0.0


@pytest.mark.frameworks
def test_keras_classes_refuse_complex_boolean_and_string_inputs_naming_the_argument(keras_losses):
    _, KL = keras_losses
    real = np.full((N, C), 0.5)
    for name in _class_names(KL):
        cls = getattr(KL, name)
        first, second = cls._inputs
        for bad, dtype in (
            (real.astype(np.complex64), "complex64"),
            (real > 0.25, "bool"),
            (np.full((N, C), "a"), "<U1"),
        ):
            with pytest.raises(
                TypeError,
                match=rf"{first} must hold real numbers \(integers or floats\); "
                rf"got dtype {dtype}",
            ):
                cls()(bad, real)
            with pytest.raises(TypeError, match=rf"{second} must hold real numbers .*got dtype {dtype}"):
                cls()(real, bad)


@pytest.mark.frameworks
def test_keras_refuses_complex_tensors_and_sample_weights(keras_losses):
    keras, KL = keras_losses
    complex_tensor = keras.ops.convert_to_tensor(np.array([[1.0 + 1.0j, 2.0]], dtype=np.complex64))
    with pytest.raises(TypeError, match=r"y_pred must hold real numbers .*got dtype complex64"):
        KL.MeanSquaredError()(np.ones((1, 2)), complex_tensor)
    with pytest.raises(TypeError, match=r"sample_weight must hold real numbers .*complex"):
        KL.MeanSquaredError()(np.ones((1, 2)), np.ones((1, 2)), sample_weight=np.array([1j]))


def _keras_bad_arguments():
    return [
        ("Dice", {"squared": "False"}, TypeError, r"squared must be True or False; got squared='False'"),
        ("Dice", {"axis": 1.5}, TypeError, r"axis must be None, an int or a tuple of ints; got axis=1.5"),
        ("Dice", {"axis": (True,)}, TypeError, r"axis must be None, an int or a tuple of ints"),
        ("Jaccard", {"axis": [2, 2]}, ValueError, r"axis must not repeat an axis"),
        ("Tversky", {"alpha": 0.0, "beta": 0.0}, ValueError, r"alpha and beta must not both be 0"),
        ("FocalTversky", {"alpha": 0, "beta": 0}, ValueError, r"alpha and beta must not both be 0"),
        ("Tversky", {"alpha_weights": "fp"}, ValueError, r"alpha_weights must be one of"),
        ("BinaryCrossentropy", {"axis": None}, TypeError, r"axis must be an int; got axis=None"),
        ("CategoricalCrossentropy", {"axis": 1.0}, TypeError, r"axis must be an int; got axis=1.0"),
        ("BinaryCrossentropy", {"label_smoothing": -0.5}, ValueError, r"label_smoothing must be in \[0, 1\]"),
        ("BinaryCrossentropy", {"from_logits": "True"}, TypeError, r"from_logits must be True or False"),
        ("KLDivergence", {"from_logits": 1}, TypeError, r"from_logits must be True or False"),
        ("MeanSquaredError", {"reduction": "avg"}, ValueError, r"reduction must be one of \('sum_over_batch_size'"),
        ("MeanSquaredError", {"name": 3}, TypeError, r"name must be a string or None; got name=3"),
        ("SparseCategoricalCrossentropy", {"ignore_class": 1.5}, TypeError, r"ignore_class must be an integer"),
        ("CategoricalHinge", {"wrong_classes_only": "no"}, TypeError, r"wrong_classes_only must be True or False"),
        ("Huber", {"delta": -1.0}, ValueError, r"delta must be > 0"),
        ("Contrastive", {"margin": 0.0}, ValueError, r"margin must be > 0"),
        ("CosineEmbedding", {"margin": -3.0}, ValueError, r"margin must be in \[-1, 1\]"),
        ("InfoNCE", {"cosine": None}, TypeError, r"cosine must be True or False"),
        ("NTXent", {"temperature": 0.0}, ValueError, r"temperature must be > 0"),
        ("BinaryFocalCrossentropy", {"alpha": 2.0}, ValueError, r"alpha must be in \[0, 1\]"),
        ("CategoricalFocalCrossentropy", {"alpha": [0.0, 0.0, 0.0]}, ValueError, r"alpha must not be all 0"),
        ("CategoricalFocalCrossentropy", {"alpha": 0.0}, ValueError, r"alpha must be > 0"),
        ("CategoricalFocalCrossentropy", {"gamma": -1.0}, ValueError, r"gamma must be >= 0"),
    ]


@pytest.mark.frameworks
def test_keras_classes_check_their_arguments_when_built(keras_losses):
    _, KL = keras_losses
    for name, kwargs, error, message in _keras_bad_arguments():
        with pytest.raises(error, match=message):
            getattr(KL, name)(**kwargs)


@pytest.mark.frameworks
def test_keras_axis_that_does_not_exist_is_named_with_the_rank_before_tensorflow_sees_it(keras_losses):
    _, KL = keras_losses
    g, p = np.ones((2, 3)), np.full((2, 3), 0.5)
    for loss in (
        KL.Dice(axis=5),
        KL.Jaccard(axis=(1, 2)),
        KL.BinaryCrossentropy(axis=5),
        KL.CategoricalCrossentropy(axis=-3),
        KL.BinaryFocalCrossentropy(axis=2),
    ):
        with pytest.raises(ValueError, match=r"axis must be in \[-2, 2\) for 2-d inputs; got axis="):
            loss(g, p)
    with pytest.raises(ValueError, match=r"alpha must hold one weight per class, shape \(3,\)"):
        KL.CategoricalFocalCrossentropy(alpha=[1.0, 1.0])(np.eye(3), np.full((3, 3), 1 / 3))
    with pytest.raises(
        ValueError,
        match=r"y_true must hold one label per pair of y_pred \(4 pairs, "
        r"y_pred.shape=\(4, 2, 3\)\); got y_true.shape=\(3,\)",
    ):
        KL.CosineEmbedding()(np.ones(3), rng.normal(size=(4, 2, 3)))
    # alpha as an array, as a list: the same loss
    y, p = np.eye(3), np.full((3, 3), 1 / 3)
    as_array = KL.CategoricalFocalCrossentropy(alpha=np.array([0.2, 0.3, 0.5]), dtype="float64")(y, p)
    as_list = KL.CategoricalFocalCrossentropy(alpha=[0.2, 0.3, 0.5], dtype="float64")(y, p)
    assert float(as_array) == float(as_list)


@pytest.mark.frameworks
def test_keras_categorical_cross_entropy_of_an_all_zero_row_is_the_clip_where_the_builtin_gives_nan(keras_losses):
    keras, KL = keras_losses
    y, p = np.array([[1.0, 0.0]]), np.zeros((1, 2))
    assert math.isnan(float(keras.losses.CategoricalCrossentropy(dtype="float64")(y, p)))
    # the row stays zeros, is clipped to 1e-7, and the true class costs −log 1e-7
    assert float(KL.CategoricalCrossentropy(dtype="float64")(y, p)) == pytest.approx(-math.log(1e-7), rel=1e-12)
    assert np.isfinite(float(KL.CategoricalFocalCrossentropy(dtype="float64")(y, p)))


@pytest.mark.frameworks
def test_keras_nan_passes_through_a_graph_as_documented(keras_losses):
    _, KL = keras_losses
    assert math.isnan(float(KL.MeanSquaredError(dtype="float64")(np.array([[np.nan]]), np.array([[0.0]]))))


# ---------------------------------------------------------------------------------------------------
# Huge logits against PyTorch and TensorFlow in float64.
# ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def frameworks():
    torch = pytest.importorskip("torch")
    tf = pytest.importorskip("tensorflow")
    import momentum_lab.tf.losses as KL
    import momentum_lab.torch.losses as TL

    return torch, tf, KL, TL


def _t(torch, x):
    return torch.tensor(np.asarray(x, dtype=np.float64))


LOGITS_2D = np.array([[1e4, -1e4, 0.0], [-800.0, 800.0, 3.0], [50.0, -50.0, 1e3], [0.0, 0.0, 0.0]])
CLASS_OF = np.array([1, 0, 2, 1])
ONE_HOT_OF = np.eye(3)[CLASS_OF]


@pytest.mark.frameworks
def test_huge_logits_binary_losses_match_torch_and_tensorflow(frameworks):
    torch, tf, KL, TL = frameworks
    F = torch.nn.functional
    x, y = HUGE, HUGE_LABELS
    ours = L.binary_crossentropy(y, x, from_logits=True, reduction="none")
    assert np.all(np.isfinite(ours))
    torch_value = F.binary_cross_entropy_with_logits(_t(torch, x), _t(torch, y), reduction="none").numpy()
    tf_value = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.constant(y), logits=tf.constant(x)).numpy()
    np.testing.assert_allclose(ours, torch_value, rtol=1e-15, atol=0)
    np.testing.assert_allclose(ours, tf_value, rtol=1e-15, atol=0)
    ours_torch = TL.BinaryCrossentropy(from_logits=True, reduction="none")(_t(torch, x), _t(torch, y)).numpy()
    ours_keras = KL.BinaryCrossentropy(from_logits=True, reduction=None, dtype="float64")(y[:, None], x[:, None])
    np.testing.assert_allclose(ours_torch, ours, rtol=1e-15)
    np.testing.assert_allclose(np.asarray(ours_keras), ours, rtol=1e-15)
    # the logistic loss on margins and the GAN losses are the same softplus: log(1 + e^{−m})
    signed = 2 * y - 1
    np.testing.assert_allclose(
        L.log_loss(signed, x, reduction="none"), F.softplus(-_t(torch, signed * x)).numpy(), rtol=1e-15
    )
    np.testing.assert_allclose(
        L.log_loss(signed, x, reduction="none"), tf.math.softplus(tf.constant(-signed * x)).numpy(), rtol=1e-15
    )
    expected = (
        F.binary_cross_entropy_with_logits(_t(torch, x), torch.ones(6, dtype=torch.float64))
        + F.binary_cross_entropy_with_logits(_t(torch, -x), torch.zeros(6, dtype=torch.float64))
    ).item()
    assert float(L.gan_discriminator_loss(x, -x)) == pytest.approx(expected, rel=1e-15)
    assert float(TL.GANDiscriminatorLoss()(_t(torch, x), _t(torch, -x))) == pytest.approx(expected, rel=1e-15)


@pytest.mark.frameworks
def test_huge_logits_categorical_losses_match_torch_and_tensorflow(frameworks):
    torch, tf, KL, TL = frameworks
    F = torch.nn.functional
    x = LOGITS_2D
    ours = L.categorical_crossentropy(ONE_HOT_OF, x, from_logits=True, reduction="none")
    assert np.all(np.isfinite(ours))
    torch_value = F.cross_entropy(_t(torch, x), torch.tensor(CLASS_OF), reduction="none").numpy()
    tf_value = tf.nn.softmax_cross_entropy_with_logits(labels=tf.constant(ONE_HOT_OF), logits=tf.constant(x)).numpy()
    np.testing.assert_allclose(ours, torch_value, rtol=1e-15)
    np.testing.assert_allclose(ours, tf_value, rtol=1e-15)
    np.testing.assert_allclose(
        L.sparse_categorical_crossentropy(CLASS_OF, x, from_logits=True, reduction="none"), ours, rtol=1e-15
    )
    np.testing.assert_allclose(
        TL.SparseCategoricalCrossentropy(from_logits=True, reduction="none")(_t(torch, x), torch.tensor(CLASS_OF)),
        ours,
        rtol=1e-15,
    )
    np.testing.assert_allclose(
        np.asarray(KL.CategoricalCrossentropy(from_logits=True, reduction=None, dtype="float64")(ONE_HOT_OF, x)),
        ours,
        rtol=1e-15,
    )
    # KL from logits: torch's kl_div of log_softmax with "batchmean" is the mean over the samples
    target = np.full((4, 3), 1 / 3)
    expected = F.kl_div(F.log_softmax(_t(torch, x), dim=-1), _t(torch, target), reduction="batchmean").item()
    assert float(L.kl_divergence(target, x, from_logits=True)) == pytest.approx(expected, rel=1e-15)
    tf_kl = np.sum(target * (np.log(target) - tf.nn.log_softmax(tf.constant(x)).numpy()), axis=-1).mean()
    assert float(L.kl_divergence(target, x, from_logits=True)) == pytest.approx(tf_kl, rel=1e-15)


@pytest.mark.frameworks
def test_huge_logits_focal_losses_match_the_formulas_in_torch(frameworks):
    torch, tf, KL, TL = frameworks
    F = torch.nn.functional
    x, y = _t(torch, HUGE), _t(torch, HUGE_LABELS)
    # torchvision's sigmoid_focal_loss in float64, ce · (1 − p_t)^γ, with 1 − p_t = y·σ(−x) + (1 − y)·σ(x) taken
    # from torch.sigmoid directly (torchvision's 1 − (p·y + (1 − p)(1 − y)) rounds 1 − σ(50) to 0, where the true
    # factor is σ(−50)² ≈ 3.7e-44 and the loss σ(−50)²·softplus(−50) ≈ 7.2e-66)
    ce = F.binary_cross_entropy_with_logits(x, y, reduction="none")
    expected = ce * (y * torch.sigmoid(-x) + (1 - y) * torch.sigmoid(x)) ** 2
    ours = L.binary_focal_crossentropy(HUGE_LABELS, HUGE, from_logits=True, reduction="none")
    assert np.all(np.isfinite(ours))
    np.testing.assert_allclose(ours, expected.numpy(), rtol=1e-14, atol=0)
    assert ours[4] == pytest.approx(math.exp(-50.0) ** 3, rel=1e-9)  # σ(−50)²·softplus(−50) ≈ e^{−150}
    np.testing.assert_allclose(
        TL.BinaryFocalCrossentropy(from_logits=True, reduction="none")(x, y).numpy(), ours, rtol=1e-15
    )
    logits, target = _t(torch, LOGITS_2D), _t(torch, ONE_HOT_OF)
    q, log_q = torch.softmax(logits, -1), torch.log_softmax(logits, -1)
    expected = -(0.25 * (1 - q) ** 2 * target * log_q).sum(-1)
    ours = L.categorical_focal_crossentropy(ONE_HOT_OF, LOGITS_2D, from_logits=True, reduction="none")
    assert np.all(np.isfinite(ours))
    np.testing.assert_allclose(ours, expected.numpy(), rtol=1e-14)
    tf_q = tf.nn.softmax(tf.constant(LOGITS_2D)).numpy()
    tf_expected = -(0.25 * (1 - tf_q) ** 2 * ONE_HOT_OF * tf.nn.log_softmax(tf.constant(LOGITS_2D)).numpy()).sum(-1)
    np.testing.assert_allclose(ours, tf_expected, rtol=1e-14)


@pytest.mark.frameworks
def test_tiny_temperatures_match_torch_and_tensorflow_cross_entropy(frameworks):
    torch, tf, KL, TL = frameworks
    F = torch.nn.functional
    z1, z2 = rng.normal(size=(5, 4)), rng.normal(size=(5, 4))
    for temperature in (1e-3, 1e-5):
        ours = L.info_nce(z1, z2, temperature=temperature, reduction="none")
        assert np.all(np.isfinite(ours))
        s = F.normalize(_t(torch, z1), dim=-1) @ F.normalize(_t(torch, z2), dim=-1).T / temperature
        np.testing.assert_allclose(ours, F.cross_entropy(s, torch.arange(5), reduction="none").numpy(), rtol=1e-12)
        tf_value = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.range(5), logits=tf.constant(s.numpy()))
        np.testing.assert_allclose(ours, tf_value.numpy(), rtol=1e-12)
        # NT-Xent: cross-entropy of the 2N × 2N similarity matrix, diagonal at −∞, labels the other view
        z = F.normalize(torch.cat([_t(torch, z1), _t(torch, z2)]), dim=-1)
        sim = (z @ z.T / temperature).fill_diagonal_(-math.inf)
        labels = torch.cat([torch.arange(5, 10), torch.arange(5)])
        expected = F.cross_entropy(sim, labels).item()
        assert float(L.nt_xent(z1, z2, temperature=temperature)) == pytest.approx(expected, rel=1e-12)
        assert float(TL.NTXent(temperature=temperature)(_t(torch, z1), _t(torch, z2))) == pytest.approx(
            expected, rel=1e-12
        )
