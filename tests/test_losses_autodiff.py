"""Every loss on tensors of momentum_lab.autodiff: the tape's gradients and Hessians.

Checked three ways: against gradients and Hessians derived by hand (working in the comments), against
central finite differences of the value (first order) and of the tape's gradient (second order), and
the values against the NumPy path.
"""

import numpy as np
import pytest

import momentum_lab.losses as L
from momentum_lab import autodiff as ad

rng = np.random.default_rng(11)
N, C = 3, 4


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def sigmoid(x):
    with np.errstate(over="ignore"):  # e^{1e4} = inf gives the right limit, 0
        return 1 / (1 + np.exp(-x))


TARGETS = rng.normal(size=(N, C))
SCORES = rng.normal(scale=1.5, size=(N, C))
BINARY = rng.integers(0, 2, size=(N, C)).astype(float)
SIGNED = 2 * BINARY - 1
LABELS = rng.integers(0, C, size=N)
ONE_HOT = np.eye(C)[LABELS]
DIRICHLET = rng.dirichlet(np.ones(C), size=N)
PROBS = rng.uniform(0.1, 0.9, size=(N, C))
MASKS = (rng.random((2, 3, 3)) > 0.5).astype(float)
MASK_PROBS = rng.uniform(0.1, 0.9, size=(2, 3, 3))
# Scores whose margins stay away from the hinges' kinks (|1 − y·x| ≥ 0.2) so finite differences are valid.
HINGE_SCORES = SIGNED * np.where(
    rng.random((N, C)) < 0.5, rng.uniform(-1.0, 0.8, (N, C)), rng.uniform(1.2, 2.0, (N, C))
)

# (id, loss as a function of y_pred (array or tensor), point)
LOSSES = [
    ("mse", lambda p: L.mean_squared_error(TARGETS, p), SCORES),
    ("mae", lambda p: L.mean_absolute_error(TARGETS, p), SCORES),
    ("huber", lambda p: L.huber(TARGETS, p, delta=0.8), SCORES),
    ("log_cosh", lambda p: L.log_cosh(TARGETS, p), SCORES),
    ("bce probs", lambda p: L.binary_crossentropy(BINARY, p, label_smoothing=0.1), PROBS),
    ("bce logits", lambda p: L.binary_crossentropy(PROBS, p, from_logits=True), SCORES),
    ("cce probs", lambda p: L.categorical_crossentropy(DIRICHLET, p, reduction="sum"), PROBS),
    ("cce logits", lambda p: L.categorical_crossentropy(ONE_HOT, p, from_logits=True, label_smoothing=0.1), SCORES),
    ("scce logits", lambda p: L.sparse_categorical_crossentropy(LABELS, p, from_logits=True), SCORES),
    ("kl probs", lambda p: L.kl_divergence(ONE_HOT, p), PROBS),
    ("kl logits", lambda p: L.kl_divergence(DIRICHLET, p, from_logits=True), SCORES),
    ("hinge", lambda p: L.hinge(SIGNED, p), HINGE_SCORES),
    ("squared_hinge", lambda p: L.squared_hinge(BINARY, p), HINGE_SCORES),
    ("categorical_hinge", lambda p: L.categorical_hinge(ONE_HOT, p, margin=3.0), SCORES),
    ("weston_watkins", lambda p: L.weston_watkins_hinge(ONE_HOT, p, margin=5.0), SCORES),
    ("exponential", lambda p: L.exponential_loss(SIGNED, p), SCORES),
    ("log_loss", lambda p: L.log_loss(BINARY, p), SCORES),
    ("gan discriminator", lambda p: L.gan_discriminator_loss(p, -p[::-1]), SCORES),
    ("gan minimax", lambda p: L.gan_generator_minimax_loss(p), SCORES),
    ("gan nonsaturating probs", lambda p: L.gan_generator_nonsaturating_loss(p, from_logits=False), PROBS),
    ("dice", lambda p: L.dice(MASKS, p), MASK_PROBS),
    ("dice squared per sample", lambda p: L.dice(MASKS, p, axis=(1, 2), squared=True), MASK_PROBS),
    ("jaccard", lambda p: L.jaccard(MASKS, p, axis=(1, 2), smooth=0.0), MASK_PROBS),
    ("tversky", lambda p: L.tversky(MASKS, p, axis=(1, 2)), MASK_PROBS),
    ("focal_tversky", lambda p: L.focal_tversky(MASKS, p, axis=(1, 2), reduction="sum"), MASK_PROBS),
]
# Losses whose Hessian is zero (piecewise linear) or not defined by the formula at this point.
PIECEWISE_LINEAR = {"mae", "hinge", "categorical_hinge", "weston_watkins"}


def finite_difference_gradient(f, x, h=1e-6):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = h
        grad[i] = (float(f(x + step)) - float(f(x - step))) / (2 * h)
    return grad


def finite_difference_hessian(grad_fn, x, h=1e-5):
    columns = []
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = h
        columns.append((grad_fn(x + step) - grad_fn(x - step)) / (2 * h))
    return np.stack(columns, axis=-1).reshape(x.shape + x.shape)


@pytest.mark.parametrize("loss, x", [row[1:] for row in LOSSES], ids=[row[0] for row in LOSSES])
def test_tensor_value_equals_numpy_value(loss, x):
    value = loss(ad.constant(x))
    assert isinstance(value, ad.Tensor)
    assert float(value.numpy()) == pytest.approx(float(loss(x)), rel=1e-15, abs=1e-15)


@pytest.mark.parametrize("loss, x", [row[1:] for row in LOSSES], ids=[row[0] for row in LOSSES])
def test_tape_gradient_matches_finite_differences(loss, x):
    tape_grad = ad.grad(loss)(x)
    np.testing.assert_allclose(tape_grad, finite_difference_gradient(loss, x), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("loss, x", [row[1:] for row in LOSSES], ids=[row[0] for row in LOSSES])
def test_tape_hessian_matches_finite_differences_of_the_tape_gradient(loss, x, request):
    hessian = ad.hessian(loss, x)
    assert hessian.shape == x.shape + x.shape
    numeric = finite_difference_hessian(ad.grad(loss), x)
    np.testing.assert_allclose(hessian, numeric, rtol=1e-5, atol=1e-7)
    flat = hessian.reshape(x.size, x.size)
    np.testing.assert_allclose(flat, flat.T, atol=1e-12)
    if request.node.callspec.id in PIECEWISE_LINEAR:
        assert np.all(flat == 0)


def test_gradient_and_hessian_of_a_loss_with_the_gradient_tape():
    x = ad.constant(SCORES)
    with ad.GradientTape() as outer:
        outer.watch(x)
        with ad.GradientTape() as inner:
            inner.watch(x)
            loss = L.binary_crossentropy(BINARY, x, from_logits=True, reduction="sum")
        g = inner.gradient(loss, x)
    H = outer.jacobian(g, x)
    s = sigmoid(SCORES)
    np.testing.assert_allclose(g.numpy(), s - BINARY, rtol=1e-14)  # ∂/∂x [softplus(x) − xy] = σ(x) − y
    np.testing.assert_allclose(H.numpy().reshape(N * C, N * C), np.diag((s * (1 - s)).ravel()), atol=1e-15)


# ---------------------------------------------------------------------------------------------------
# Analytic gradients and Hessians (n = number of elements averaged, N = number of samples).
# ---------------------------------------------------------------------------------------------------


def dice_gradient(g, p, s):
    # loss = 1 − (2I + s)/(S + s), I = Σ p g, S = Σ p + Σ g:
    # ∂/∂p_i = −[2 g_i (S + s) − (2I + s)] / (S + s)²
    intersection, total = np.sum(p * g), np.sum(p) + np.sum(g)
    return -(2 * g * (total + s) - (2 * intersection + s)) / (total + s) ** 2


def crammer_singer_gradient(y, x, margin):
    # loss_n = max(0, margin + x_{j*} − x_k), j* = argmax_{j≠k} x_j: +1 at j*, −1 at k while active
    grad = np.zeros_like(x)
    for n in range(len(x)):
        k = np.argmax(y[n])
        wrong = np.where(y[n] == 1, -np.inf, x[n])
        j = np.argmax(wrong)
        if margin + x[n, j] - x[n, k] > 0:
            grad[n, j], grad[n, k] = 1.0, -1.0
    return grad / len(x)


ANALYTIC_GRADIENTS = [
    ("mse: 2(p − y)/n", lambda p: L.mean_squared_error(TARGETS, p), SCORES, lambda x: 2 * (x - TARGETS) / x.size),
    ("log_cosh: tanh(p − y)/n", lambda p: L.log_cosh(TARGETS, p), SCORES, lambda x: np.tanh(x - TARGETS) / x.size),
    (
        "huber: clip(e, ±δ)/n",
        lambda p: L.huber(TARGETS, p, delta=0.8),
        SCORES,
        lambda x: np.clip(x - TARGETS, -0.8, 0.8) / x.size,
    ),
    (
        "bce logits: (σ(x) − y)/n",
        lambda p: L.binary_crossentropy(PROBS, p, from_logits=True),
        SCORES,
        lambda x: (sigmoid(x) - PROBS) / x.size,
    ),
    (
        "bce probs: (p − y)/(p(1 − p) n)",
        lambda p: L.binary_crossentropy(BINARY, p),
        PROBS,
        lambda p: (p - BINARY) / (p * (1 - p)) / p.size,
    ),
    (
        "cce logits: (softmax(x) − y)/N",
        lambda p: L.categorical_crossentropy(ONE_HOT, p, from_logits=True),
        SCORES,
        lambda x: (softmax(x) - ONE_HOT) / len(x),
    ),
    (
        "cce logits smoothed: (softmax(x) − y_s)/N",
        lambda p: L.categorical_crossentropy(ONE_HOT, p, from_logits=True, label_smoothing=0.2),
        SCORES,
        lambda x: (softmax(x) - (0.8 * ONE_HOT + 0.2 / C)) / len(x),
    ),
    (
        "kl logits: (softmax(x) − p)/N",
        lambda p: L.kl_divergence(DIRICHLET, p, from_logits=True),
        SCORES,
        lambda x: (softmax(x) - DIRICHLET) / len(x),
    ),
    (
        "hinge: −y·1[y·x < 1]/n",
        lambda p: L.hinge(SIGNED, p),
        HINGE_SCORES,
        lambda x: -SIGNED * (SIGNED * x < 1) / x.size,
    ),
    (
        "squared hinge: −2y·max(0, 1 − y·x)/n",
        lambda p: L.squared_hinge(SIGNED, p),
        HINGE_SCORES,
        lambda x: -2 * SIGNED * np.maximum(0, 1 - SIGNED * x) / x.size,
    ),
    (
        "categorical hinge",
        lambda p: L.categorical_hinge(ONE_HOT, p, margin=3.0),
        SCORES,
        lambda x: crammer_singer_gradient(ONE_HOT, x, 3.0),
    ),
    (
        "weston watkins: Σ active terms",
        lambda p: L.weston_watkins_hinge(ONE_HOT, p, margin=5.0),
        SCORES,
        lambda x: ((1 - ONE_HOT) - ONE_HOT * (C - 1)) / len(x),
    ),  # margin 5 makes every term active
    (
        "exponential: −y e^{−y x}/n",
        lambda p: L.exponential_loss(SIGNED, p),
        SCORES,
        lambda x: -SIGNED * np.exp(-SIGNED * x) / x.size,
    ),
    (
        "log_loss: −y σ(−y x)/n",
        lambda p: L.log_loss(SIGNED, p),
        SCORES,
        lambda x: -SIGNED * sigmoid(-SIGNED * x) / x.size,
    ),
    (
        "gan nonsaturating: (σ(x) − 1)/n",
        lambda p: L.gan_generator_nonsaturating_loss(p),
        SCORES,
        lambda x: (sigmoid(x) - 1) / x.size,
    ),
    ("gan minimax: −σ(x)/n", lambda p: L.gan_generator_minimax_loss(p), SCORES, lambda x: -sigmoid(x) / x.size),
    ("dice", lambda p: L.dice(MASKS, p, smooth=0.5), MASK_PROBS, lambda p: dice_gradient(MASKS, p, 0.5)),
    ("zero_one: 0", lambda p: L.zero_one_loss(SIGNED, p), SCORES, np.zeros_like),
]


@pytest.mark.parametrize(
    "loss, x, expected", [row[1:] for row in ANALYTIC_GRADIENTS], ids=[row[0] for row in ANALYTIC_GRADIENTS]
)
def test_tape_gradient_matches_the_analytic_gradient(loss, x, expected):
    np.testing.assert_allclose(ad.grad(loss)(x), expected(x), rtol=1e-12, atol=1e-15)


def block_diagonal(blocks):
    n = sum(b.shape[0] for b in blocks)
    out, i = np.zeros((n, n)), 0
    for b in blocks:
        out[i : i + len(b), i : i + len(b)] = b
        i += len(b)
    return out


ANALYTIC_HESSIANS = [
    ("mse: 2I/n", lambda p: L.mean_squared_error(TARGETS, p), SCORES, lambda x: 2 * np.eye(x.size) / x.size),
    (
        "log_cosh: diag(1 − tanh²)/n",
        lambda p: L.log_cosh(TARGETS, p),
        SCORES,
        lambda x: np.diag((1 - np.tanh(x - TARGETS) ** 2).ravel()) / x.size,
    ),
    (
        "bce logits: diag(σ(1 − σ))/n",
        lambda p: L.binary_crossentropy(BINARY, p, from_logits=True),
        SCORES,
        lambda x: np.diag((sigmoid(x) * (1 - sigmoid(x))).ravel()) / x.size,
    ),
    (
        "cce logits: blocks (diag(s) − s sᵀ)/N",
        lambda p: L.categorical_crossentropy(ONE_HOT, p, from_logits=True),
        SCORES,
        lambda x: block_diagonal([np.diag(s) - np.outer(s, s) for s in softmax(x)]) / len(x),
    ),
    ("hinge: 0", lambda p: L.hinge(SIGNED, p), HINGE_SCORES, lambda x: np.zeros((x.size, x.size))),
]


@pytest.mark.parametrize(
    "loss, x, expected", [row[1:] for row in ANALYTIC_HESSIANS], ids=[row[0] for row in ANALYTIC_HESSIANS]
)
def test_tape_hessian_matches_the_analytic_hessian(loss, x, expected):
    np.testing.assert_allclose(ad.hessian(loss, x).reshape(x.size, x.size), expected(x), rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------------------------------------------
# Hard inputs on the tape.
# ---------------------------------------------------------------------------------------------------


def test_tape_gradients_at_extreme_logits_are_finite_and_exact():
    x = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0]])
    y = np.array([[1.0, 1.0, 1.0], [0.0, 0.0, 1.0]])
    value, grad = ad.value_and_grad(lambda p: L.binary_crossentropy(y, p, from_logits=True, reduction="sum"))(x)
    # entries (0, 1) and (1, 1) are wrong by 1e4 and cost 1e4 each, the two zero logits log 2 each, the rest 0
    assert value == pytest.approx(2e4 + 2 * np.log(2), rel=1e-15)
    np.testing.assert_array_equal(grad, sigmoid(x) - y)  # σ(0) − 1 = −½ at the zero logits, exactly
    one_hot = np.eye(3)[[1, 0]]
    value, grad = ad.value_and_grad(
        lambda p: L.categorical_crossentropy(one_hot, p, from_logits=True, reduction="sum")
    )(x)
    assert value == 4e4  # logsumexp = 1e4 on both rows, minus x_k = −1e4
    np.testing.assert_array_equal(grad, softmax(x) - one_hot)


def test_clipped_probabilities_have_zero_gradient_outside_the_clip():
    p = np.array([0.0, 1e-9, 0.5, 1.0])
    grad = ad.grad(lambda q: L.binary_crossentropy(np.ones(4), q, reduction="sum"))(p)
    np.testing.assert_allclose(grad, [0.0, 0.0, -2.0, 0.0])  # −1/p inside [1e-7, 1 − 1e-7], 0 outside


def test_overlap_losses_have_finite_gradients_on_empty_masks_and_at_perfect_prediction():
    empty = np.zeros((2, 3, 3))
    for loss in (L.dice, L.jaccard, L.tversky, L.focal_tversky):
        for smooth in (1.0, 0.0):
            grad = ad.grad(lambda p, loss=loss, smooth=smooth: loss(empty, p, axis=(1, 2), smooth=smooth))(empty)
            assert np.all(np.isfinite(grad)), (loss.__name__, smooth)
    # focal Tversky at TI = 1: loss 0, gradient defined as 0 (the one-sided derivative is unbounded)
    value, grad = ad.value_and_grad(lambda p: L.focal_tversky(MASKS, p))(MASKS)
    assert value == 0.0 and np.all(grad == 0)


def test_gradient_reaches_y_true_when_it_is_a_tensor():
    grad_true, grad_pred = ad.grad(lambda t, p: L.mean_squared_error(t, p), argnums=(0, 1))(TARGETS, SCORES)
    np.testing.assert_allclose(grad_true, -grad_pred, rtol=1e-15)
    grad_g = ad.grad(lambda g: L.dice(g, MASK_PROBS, smooth=0.5))(MASKS)
    assert np.all(np.isfinite(grad_g)) and np.any(grad_g != 0)


def test_labels_stay_constants_for_label_losses():
    # hinge labels are discrete: passing them as a tensor works and gives them no gradient
    grad_labels = ad.grad(lambda t: L.hinge(t, HINGE_SCORES))(SIGNED)
    np.testing.assert_array_equal(grad_labels, np.zeros_like(SIGNED))


def test_variables_are_watched_automatically_like_in_a_training_step():
    w = ad.Variable(np.array([0.5, -1.0]))
    with ad.GradientTape() as tape:
        loss = L.binary_crossentropy(np.array([1.0, 0.0]), w, from_logits=True)
    np.testing.assert_allclose(
        tape.gradient(loss, w).numpy(), (sigmoid(np.array([0.5, -1.0])) - [1, 0]) / 2, rtol=1e-14
    )
