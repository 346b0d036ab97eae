"""SSIM, total variation and the perceptual distance (momentum_lab.losses.image) in their three forms.

Checked against ``tf.image.ssim`` and ``tf.image.total_variation`` in float64 (``tf.image.ssim`` casts its
inputs to float32, so the float64 comparison calls the function it wraps, ``_ssim_per_channel``, with
float64 tensors; the public function is compared at float32 precision), against independent
implementations (SciPy's and torch's convolutions for the perceptual features), against hand-worked
values, and against finite differences to second order. Each comparison prints its largest absolute and
relative difference (``pytest -s`` shows them).
"""

import numpy as np
import pytest
from scipy.signal import correlate2d

import momentum_lab.losses as L
from momentum_lab import autodiff as ad
from momentum_lab.losses import image

rng = np.random.default_rng(14)
IMAGES = rng.random((3, 16, 17, 2))
NOISY = np.clip(IMAGES + 0.15 * rng.normal(size=IMAGES.shape), 0.0, 1.0)
WEIGHTS = np.array([0.5, 2.0, 1.25])
SSIM_SETTINGS = [
    {},
    {"filter_size": 7, "filter_sigma": 1.0},
    {"filter_size": 5, "filter_sigma": 0.8, "k1": 0.05, "k2": 0.1},
    {"max_val": 255.0},
]


def agreement(ours, theirs, name, atol=1e-12, rtol=1e-12):
    """Assert closeness; print and return the largest absolute and relative differences."""
    ours, theirs = np.asarray(ours, dtype=np.float64), np.asarray(theirs, dtype=np.float64)
    assert ours.shape == theirs.shape
    absolute = float(np.max(np.abs(ours - theirs)))
    relative = float(np.max(np.abs(ours - theirs) / np.maximum(np.abs(theirs), 1e-300)))
    print(f"{name}: largest absolute difference {absolute:.2e}, relative {relative:.2e}")
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol)
    return absolute, relative


def scaled(images, setting):
    return images * setting.get("max_val", 1.0)


# --- hand-worked values ---------------------------------------------------------------------------


def test_gaussian_window_is_normalized_and_symmetric():
    w = L.gaussian_window(5, 1.0)
    # exp(−d²/2) for d = 0, 1, 2: 1, e^{−1/2} = 0.6065307, e^{−2} = 0.1353353; sum 2.4837320
    np.testing.assert_allclose(w, np.array([0.1353353, 0.6065307, 1.0, 0.6065307, 0.1353353]) / 2.4837320, rtol=1e-6)
    assert w.sum() == pytest.approx(1.0, abs=1e-15)


def test_total_variation_by_hand():
    # x = [[0, 1], [0, 3]]: down differences |0−0| + |3−1| = 2, right differences |1−0| + |3−0| = 4
    x = np.array([[0.0, 1.0], [0.0, 3.0]]).reshape(1, 2, 2, 1)
    assert float(L.total_variation(x)) == 6.0
    assert L.total_variation(np.concatenate([x, 2 * x]), reduction="none").tolist() == [6.0, 12.0]


def test_ssim_by_hand_on_a_window_the_size_of_the_image():
    # filter_size = H = W = 3 gives one window. With x = [0, 1, 2, ...] and y = 2x the Gaussian-weighted
    # statistics are μ_y = 2μ_x, σ_y² = 4σ_x², σ_xy = 2σ_x², so with C1 = C2 = 1e-4 (k = 0.01):
    # SSIM = (4μ² + C1)/(5μ² + C1) · (4σ² + C2)/(5σ² + C2).
    x = np.arange(9.0).reshape(1, 3, 3, 1)
    w = L.gaussian_window(3, 1.5)
    window = np.outer(w, w)
    mu = float(np.sum(window * x[0, :, :, 0]))
    var = float(np.sum(window * x[0, :, :, 0] ** 2)) - mu**2
    c = 1e-4
    expected = (4 * mu**2 + c) / (5 * mu**2 + c) * (4 * var + c) / (5 * var + c)
    got = L.ssim(x, 2 * x, filter_size=3, k1=0.01, k2=0.01)
    assert float(got) == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("case", ["identical", "equal constants", "zeros"])
def test_ssim_is_one_for_identical_images(case):
    x = {"identical": IMAGES, "equal constants": np.full((2, 12, 12, 1), 0.3), "zeros": np.zeros((2, 12, 12, 1))}[case]
    np.testing.assert_allclose(L.ssim(x, x.copy(), reduction="none"), 1.0, atol=1e-14)
    assert float(L.ssim_loss(x, x.copy())) == pytest.approx(0.0, abs=1e-14)


def test_ssim_loss_is_one_minus_ssim_and_reductions():
    values = L.ssim(IMAGES, NOISY, reduction="none")
    assert values.shape == (3,)
    np.testing.assert_allclose(L.ssim_loss(IMAGES, NOISY, reduction="none"), 1 - values, atol=1e-15)
    assert float(L.ssim_loss(IMAGES, NOISY, reduction="sum")) == pytest.approx(float(np.sum(1 - values)), rel=1e-14)
    assert float(L.ssim_loss(IMAGES, NOISY)) == pytest.approx(float(np.mean(1 - values)), rel=1e-14)
    assert np.ndim(L.ssim(IMAGES[0], NOISY[0])) == 0  # one (H, W, C) image


def test_ssim_of_an_inverted_image_is_negative():
    # 1 − x keeps the local means near ½ (l ≈ 1) and flips the covariance (cs ≈ −1)
    assert float(L.ssim(IMAGES, 1.0 - IMAGES)) < -0.9


# --- the perceptual distance against SciPy --------------------------------------------------------


def scipy_features(images, bank, pool):
    """φ_f for every image, channel and filter with SciPy's 2-D correlation (an independent path)."""
    box = np.full((pool, pool), 1.0 / pool**2)
    out = np.empty(images.shape[:1] + (images.shape[3], bank.shape[2]), dtype=object)
    for n in range(images.shape[0]):
        for c in range(images.shape[3]):
            for f in range(bank.shape[2]):
                response = np.maximum(correlate2d(images[n, :, :, c], bank[:, :, f], mode="valid"), 0.0)
                out[n, c, f] = correlate2d(response, box, mode="valid")
    return out


def test_perceptual_against_scipy():
    bank = L.edge_filter_bank()
    a, b = scipy_features(IMAGES, bank, 8), scipy_features(NOISY, bank, 8)
    expected = np.array(
        [np.mean([np.mean((b[n, c, f] - a[n, c, f]) ** 2) for c in range(2) for f in range(10)]) for n in range(3)]
    )
    agreement(L.perceptual(IMAGES, NOISY, reduction="none"), expected, "perceptual vs SciPy", rtol=1e-11, atol=0)


def test_filter_bank_ignores_constants_and_pairs_opposites():
    bank = L.edge_filter_bank()
    assert bank.shape == (3, 3, 10)
    assert L.edge_filter_bank(5, 1.5).shape == (5, 5, 10)
    np.testing.assert_allclose(bank.sum(axis=(0, 1)), 0.0, atol=1e-14)
    np.testing.assert_allclose(bank[..., 1::2], -bank[..., 0::2])
    np.testing.assert_allclose(np.abs(bank).sum(axis=(0, 1)), 1.0)


def test_perceptual_prefers_a_shift_to_noise_of_the_same_mse():
    # a disc and a bar shifted by one pixel, and the same image with noise of exactly the shift's MSE
    y, x = np.mgrid[0:32, 0:32]
    blob = 0.2 + 0.6 * ((x - 12) ** 2 + (y - 14) ** 2 < 60) + 0.2 * ((x > 18) & (x < 28) & (y > 4) & (y < 26))
    blob = blob[None, :, :, None]
    shifted = np.roll(blob, 1, axis=2)
    noise = rng.normal(size=blob.shape)
    noisy = blob + noise * np.sqrt(np.mean((shifted - blob) ** 2) / np.mean(noise**2))
    assert float(L.mean_squared_error(blob, shifted)) == pytest.approx(float(L.mean_squared_error(blob, noisy)))
    assert float(L.perceptual(blob, shifted)) < float(L.perceptual(blob, noisy)) / 5
    brighter = blob + np.sqrt(np.mean((shifted - blob) ** 2))  # the same MSE again
    assert float(L.ssim(blob, brighter)) > 0.95 > 0.7 > float(L.ssim(blob, noisy))
    assert float(L.perceptual(blob, brighter)) == pytest.approx(0.0, abs=1e-20)


# --- gradients against finite differences ---------------------------------------------------------

SMALL = rng.random((1, 6, 6, 1))
SMALL_OTHER = rng.random((1, 6, 6, 1))
GRADIENT_CASES = [
    ("ssim_loss", lambda p: L.ssim_loss(SMALL_OTHER, p, filter_size=3, filter_sigma=1.0)),
    ("ssim 255", lambda p: L.ssim(255 * SMALL_OTHER, 255 * p, max_val=255.0, filter_size=5)),
    ("total_variation", lambda p: L.total_variation(p)),
    ("perceptual", lambda p: L.perceptual(SMALL_OTHER, p, pool=2, reduction="sum")),
]


@pytest.mark.parametrize("loss", [c[1] for c in GRADIENT_CASES], ids=[c[0] for c in GRADIENT_CASES])
def test_gradients_first_and_second_order(loss):
    value = loss(ad.constant(SMALL))
    assert isinstance(value, ad.Tensor)
    assert float(value.numpy()) == pytest.approx(float(loss(SMALL)), rel=1e-14)
    ad.check_grads(loss, SMALL, order=2, rtol=1e-5, atol=1e-6)


def test_hard_inputs_give_finite_values_and_gradients():
    zeros = np.zeros((1, 12, 12, 1))
    for loss in (
        lambda p: L.ssim_loss(zeros, p, filter_size=3),
        lambda p: L.perceptual(zeros, p),
        lambda p: L.total_variation(p),
    ):
        assert float(loss(zeros)) == pytest.approx(0.0, abs=1e-15)
        assert np.all(ad.grad(loss)(zeros) == 0.0)
    big = 1e6 * IMAGES
    assert np.all(np.isfinite(L.ssim(big, big[::-1], max_val=1e6, reduction="none")))
    assert np.all(np.isfinite(ad.grad(lambda p: L.ssim_loss(big, p, max_val=1e6))(big[::-1])))


# --- bad input ------------------------------------------------------------------------------------

BAD = [
    (lambda: L.ssim(IMAGES[0, :, :, 0], NOISY[0, :, :, 0]), ValueError, "y_pred must be images shaped"),
    (lambda: L.ssim(IMAGES[:, :8], NOISY[:, :8]), ValueError, "at least 11 × 11"),
    (lambda: L.ssim(IMAGES, NOISY[:2]), ValueError, "same shape"),
    (lambda: L.ssim(IMAGES, NOISY, k1=0.0), ValueError, "k1"),
    (lambda: L.ssim(IMAGES, NOISY, k2=-1.0), ValueError, "k2"),
    (lambda: L.ssim(IMAGES, NOISY, max_val=0), ValueError, "max_val"),
    (lambda: L.ssim(IMAGES, NOISY, filter_size=2.5), (TypeError, ValueError), "filter_size"),
    (lambda: L.ssim(IMAGES, NOISY, filter_sigma=0.0), ValueError, "filter_sigma"),
    (lambda: L.ssim_loss(IMAGES, NOISY, reduction="max"), ValueError, "reduction"),
    (lambda: L.ssim(IMAGES, np.full_like(IMAGES, np.nan)), ValueError, "y_pred"),
    (lambda: L.total_variation(np.zeros((4, 4))), ValueError, "images must be images shaped"),
    (lambda: L.perceptual(IMAGES, NOISY, filters=np.zeros((3, 4, 2))), ValueError, "filters must be a bank"),
    (lambda: L.perceptual(IMAGES, NOISY, pool=0), ValueError, "pool"),
    (lambda: L.perceptual(IMAGES[:, :9, :9], NOISY[:, :9, :9]), ValueError, "at least 10 × 10"),
    (
        lambda: L.perceptual(IMAGES, NOISY, filters=np.ones((3, 3, 2), dtype=bool)),
        TypeError,
        "filters must hold real numbers",
    ),
    (lambda: L.ssim(IMAGES + 0j, NOISY), TypeError, "y_true must hold real numbers"),
    (lambda: L.total_variation([["a"]]), TypeError, "images must hold real numbers"),
    (lambda: L.gaussian_window(0), ValueError, "size must be >= 1"),
    (lambda: L.gaussian_window(5, sigma=0.0), ValueError, "sigma must be > 0"),
    (lambda: L.gaussian_window(5.0), TypeError, "size must be an integer"),
    (lambda: L.edge_filter_bank(2), ValueError, "size must be >= 3"),
    (lambda: image.window_weights(11, filter_sigma=-1.0), ValueError, "filter_sigma must be > 0"),
]


def test_edge_cases_of_the_documentation():
    # two constant images a = 0.2, b = 0.6: only the luminance term, (2ab + C1)/(a² + b² + C1), C1 = 1e-4
    a, b, c1 = 0.2, 0.6, 1e-4
    got = L.ssim(np.full((1, 11, 11, 1), a), np.full((1, 11, 11, 1), b))
    assert float(got) == pytest.approx((2 * a * b + c1) / (a * a + b * b + c1), rel=1e-12)
    assert float(L.total_variation(np.ones((1, 1, 1, 3)))) == 0.0  # no neighbours
    # a filter of zeros adds a zero feature: a bank with one real and one zero filter gives half the loss
    one = np.zeros((3, 3, 1))
    one[1, 1, 0] = 1.0
    with_zero = np.concatenate([one, np.zeros((3, 3, 1))], axis=-1)
    full = L.perceptual(IMAGES, NOISY, filters=one, reduction="none")
    np.testing.assert_allclose(L.perceptual(IMAGES, NOISY, filters=with_zero, reduction="none"), full / 2, rtol=1e-14)
    assert image.filter_taps(with_zero)[1][1] == ()
    assert L.gaussian_window(1).tolist() == [1.0]
    assert np.all(np.isfinite(L.gaussian_window(11, 1e-3)))


@pytest.mark.parametrize("call, error, words", BAD, ids=[b[2] for b in BAD])
def test_bad_input_names_the_argument(call, error, words):
    with pytest.raises(error, match=words):
        call()


# --- TensorFlow and Keras -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tf():
    return pytest.importorskip("tensorflow")


def tf_ssim64(tf, a, b, max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03):
    """``tf.image.ssim`` without its cast to float32: the function it calls, on float64 tensors."""
    from tensorflow.python.ops import image_ops_impl

    per_channel, _ = image_ops_impl._ssim_per_channel(
        tf.constant(a), tf.constant(b), max_val, filter_size, filter_sigma, k1, k2
    )
    return tf.reduce_mean(per_channel, [-1])


@pytest.mark.frameworks
@pytest.mark.parametrize("setting", SSIM_SETTINGS, ids=[str(s) for s in SSIM_SETTINGS])
def test_ssim_against_tensorflow(tf, setting):
    a, b = scaled(IMAGES, setting), scaled(NOISY, setting)
    ours = L.ssim(a, b, reduction="none", **setting)
    agreement(ours, tf_ssim64(tf, a, b, **setting).numpy(), f"ssim float64 {setting}", atol=1e-14, rtol=1e-13)
    public = tf.image.ssim(tf.constant(a), tf.constant(b), **{"max_val": 1.0, **setting}).numpy()
    agreement(ours, public, f"ssim vs tf.image.ssim (float32) {setting}", atol=2e-6, rtol=2e-6)


@pytest.mark.frameworks
def test_gaussian_window_is_tensorflows(tf):
    from tensorflow.python.ops import image_ops_impl

    kernel = image_ops_impl._fspecial_gauss(11, tf.constant(1.5, tf.float64)).numpy()[:, :, 0, 0]
    w = L.gaussian_window(11, 1.5)
    agreement(np.outer(w, w), kernel, "Gaussian window", atol=1e-17, rtol=1e-13)


@pytest.mark.frameworks
def test_total_variation_against_tensorflow(tf):
    agreement(
        L.total_variation(IMAGES, reduction="none"),
        tf.image.total_variation(tf.constant(IMAGES)).numpy(),
        "total variation 4-D",
        atol=1e-12,
        rtol=1e-15,
    )
    agreement(
        L.total_variation(NOISY[1]),
        tf.image.total_variation(tf.constant(NOISY[1])).numpy(),
        "total variation 3-D",
        atol=1e-12,
        rtol=1e-15,
    )


KERAS_REDUCTIONS = ("sum_over_batch_size", "sum", None, "mean", "mean_with_sample_weight")


@pytest.mark.frameworks
@pytest.mark.parametrize("reduction", KERAS_REDUCTIONS)
def test_keras_classes_every_reduction_and_sample_weight(tf, reduction):

    from keras.src.losses.losses import LossFunctionWrapper

    import momentum_lab.tf.losses as KL

    def keras_reduced(values_fn):  # the built-in reduction machinery of Keras on TensorFlow's values
        return LossFunctionWrapper(values_fn, reduction=reduction, dtype="float64")

    cases = [
        (
            KL.SSIMLoss(filter_size=7, filter_sigma=1.0, reduction=reduction, dtype="float64"),
            keras_reduced(lambda t, p: 1.0 - tf_ssim64(tf, t.numpy(), p.numpy(), 1.0, 7, 1.0)),
            "Keras SSIMLoss",
        ),
        (
            KL.TotalVariation(reduction=reduction, dtype="float64"),
            keras_reduced(lambda t, p: tf.image.total_variation(p)),
            "Keras TotalVariation",
        ),
    ]
    for ours, theirs, name in cases:
        for weight in (None, WEIGHTS):
            got = ours(IMAGES, NOISY, sample_weight=weight)
            want = theirs(tf.constant(IMAGES), tf.constant(NOISY), sample_weight=weight)
            agreement(
                got.numpy(), want.numpy(), f"{name} {reduction} weights={weight is not None}", atol=1e-12, rtol=1e-12
            )
    perceptual = KL.PerceptualLoss(reduction=None, dtype="float64")(IMAGES, NOISY)
    agreement(
        perceptual.numpy(), L.perceptual(IMAGES, NOISY, reduction="none"), "Keras PerceptualLoss", atol=0, rtol=1e-12
    )


@pytest.mark.frameworks
def test_keras_compile_fit_and_config_round_trip(tf):
    import keras

    import momentum_lab.tf.losses as KL

    for loss in (
        KL.SSIMLoss(filter_size=5, k1=0.02),
        KL.PerceptualLoss(filters=L.edge_filter_bank(3), pool=2),
        KL.TotalVariation(),
    ):
        again = type(loss).from_config(loss.get_config())
        assert again.get_config() == loss.get_config()
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((12, 12, 1)), keras.layers.Conv2D(1, 3, padding="same")])
    model.compile(optimizer="adam", loss=KL.SSIMLoss(filter_size=5))
    x = rng.random((8, 12, 12, 1)).astype("float32")
    history = model.fit(x, x, epochs=3, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    with pytest.raises(ValueError, match="at least 11 × 11"):
        KL.SSIMLoss()(x[:, :8, :8], x[:, :8, :8])


# --- PyTorch --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def nchw(torch, images, grad=False):
    return torch.tensor(images.transpose(0, 3, 1, 2).copy(), dtype=torch.float64, requires_grad=grad)


@pytest.mark.frameworks
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_torch_modules_every_reduction(torch, reduction):
    import momentum_lab.torch.losses as TL

    reduce = {"mean": np.mean, "sum": np.sum, "none": lambda v: v}[reduction]
    got = TL.SSIMLoss(reduction=reduction)(nchw(torch, NOISY), nchw(torch, IMAGES))
    agreement(
        got.numpy(),
        reduce(L.ssim_loss(IMAGES, NOISY, reduction="none")),
        f"torch SSIMLoss {reduction}",
        atol=1e-15,
        rtol=1e-13,
    )
    got = TL.TotalVariation(reduction=reduction)(nchw(torch, NOISY))
    diff = nchw(torch, NOISY)  # an independent torch computation of the same sums
    tv = (diff[..., 1:, :] - diff[..., :-1, :]).abs().sum((1, 2, 3)) + (diff[..., 1:] - diff[..., :-1]).abs().sum(
        (1, 2, 3)
    )
    agreement(got.numpy(), reduce(tv.numpy()), f"torch TotalVariation {reduction}", atol=1e-12, rtol=1e-15)


@pytest.mark.frameworks
def test_torch_perceptual_against_conv2d(torch):
    import torch.nn.functional as F

    import momentum_lab.torch.losses as TL

    bank = torch.tensor(L.edge_filter_bank()).permute(2, 0, 1)[:, None]  # (10, 1, 3, 3)

    def features(x):  # channels as a batch of grey images, then conv2d, relu and an 8 × 8 mean
        n, c, h, w = x.shape
        response = F.relu(F.conv2d(x.reshape(n * c, 1, h, w), bank))
        return F.avg_pool2d(response, 8, stride=1).reshape(n, c, 10, h - 9, w - 9)

    want = ((features(nchw(torch, NOISY)) - features(nchw(torch, IMAGES))) ** 2).mean((1, 3, 4)).mean(1)
    got = TL.PerceptualLoss(reduction="none")(nchw(torch, NOISY), nchw(torch, IMAGES))
    agreement(got.numpy(), want.numpy(), "torch PerceptualLoss vs conv2d", atol=0, rtol=1e-11)


@pytest.mark.frameworks
def test_torch_gradients_first_and_second_order(torch):
    import momentum_lab.torch.losses as TL

    target = nchw(torch, SMALL_OTHER)
    for module in (TL.SSIMLoss(filter_size=3), TL.PerceptualLoss(pool=2)):
        assert torch.autograd.gradcheck(lambda p, m=module: m(p, target), (nchw(torch, SMALL, grad=True),))
        assert torch.autograd.gradgradcheck(lambda p, m=module: m(p, target), (nchw(torch, SMALL, grad=True),))
    x = nchw(torch, SMALL, grad=True)
    TL.SSIMLoss(filter_size=3)(x, target).backward()
    ours = ad.grad(lambda p: L.ssim_loss(SMALL_OTHER, p, filter_size=3))(SMALL)
    agreement(x.grad.numpy().transpose(0, 2, 3, 1), ours, "torch SSIM gradient vs autodiff", atol=1e-15, rtol=1e-11)


@pytest.mark.frameworks
def test_torch_bad_input_names_the_argument(torch):
    import momentum_lab.torch.losses as TL

    with pytest.raises(ValueError, match="input must be images shaped"):
        TL.TotalVariation()(torch.zeros(4, 4))
    with pytest.raises(ValueError, match="at least 11 × 11"):
        TL.SSIMLoss()(torch.zeros(1, 1, 8, 8, dtype=torch.float64), torch.zeros(1, 1, 8, 8, dtype=torch.float64))
    with pytest.raises(TypeError, match="target must be a torch.Tensor"):
        TL.SSIMLoss()(torch.zeros(1, 1, 12, 12), np.zeros((1, 1, 12, 12)))


def test_image_module_exports():
    assert set(image.__all__) <= set(L.__all__)


@pytest.mark.frameworks
def test_torch_modules_compile_without_graph_breaks(torch):
    import torch._dynamo

    import momentum_lab.torch.losses as TL

    cases = [
        ("SSIMLoss", {"filter_size": 7}, (nchw(torch, NOISY), nchw(torch, IMAGES))),
        ("TotalVariation", {}, (nchw(torch, NOISY),)),
        ("PerceptualLoss", {"pool": 4}, (nchw(torch, NOISY), nchw(torch, IMAGES))),
    ]
    assert {case[0] for case in cases} == set(image.IMAGE_CLASS_NAMES)
    for name, kwargs, inputs in cases:
        module = getattr(TL, name)(**kwargs)
        torch._dynamo.reset()
        explanation = torch._dynamo.explain(module)(*inputs)
        assert explanation.graph_break_count == 0 and explanation.graph_count == 1, (name, explanation.break_reasons)
        compiled = torch.compile(module, backend="eager", fullgraph=True)
        np.testing.assert_allclose(compiled(*inputs).numpy(), module(*inputs).numpy(), rtol=1e-15)
