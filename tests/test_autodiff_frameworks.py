"""Gradients, Hessians and HVPs of momentum_lab.autodiff against PyTorch and TensorFlow, float64.

The suite: a (non-symmetric) quadratic form, a logistic-regression loss, softmax cross-entropy over a
weight matrix (so the Hessian has shape (3, 4, 3, 4)), a small tanh MLP on a flat parameter vector, and
the Rosenbrock function. Each is written three times, once per framework, with the same numbers.

PyTorch: ``torch.func.hessian`` (forward over reverse) and ``torch.autograd.functional.hessian``.
TensorFlow: the nested-tape pattern of REFERENCE.md §5 (loss inside the inner tape, inner gradient inside
the outer tape's block, then ``outer.jacobian``).
"""

import numpy as np
import pytest

from momentum_lab import autodiff as ad

pytestmark = [
    pytest.mark.frameworks,
    # raised inside torch (torch.autograd.functional / torch.func internals), not by this code
    pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning"),
]
torch = pytest.importorskip("torch")
tf = pytest.importorskip("tensorflow")

RNG = np.random.default_rng(42)
A = RNG.standard_normal((4, 4))
B = RNG.standard_normal(4)
X = RNG.standard_normal((16, 3))
Y_BINARY = (RNG.random(16) < 0.5).astype(float)
LABELS = RNG.integers(0, 4, 16)
Y_REAL = RNG.standard_normal(16)
HIDDEN = 4
N_MLP = 3 * HIDDEN + HIDDEN + HIDDEN + 1  # W1, b1, w2, b2


# ---- the suite, once per framework ---------------------------------------------------------------------------------
def quadratic(ns):
    def f(x):
        if ns == "ad":
            return 0.5 * ad.sum(x * (A @ x)) + ad.sum(B * x)
        total = torch.sum if ns == "torch" else tf.reduce_sum
        return 0.5 * total(x * _matvec(ns, A, x)) + total(_c(ns, B) * x)

    return f


def logistic(ns):
    def f(w):
        if ns == "ad":
            z = X @ w
            return ad.mean(ad.softplus(z) - Y_BINARY * z) + 0.05 * ad.sum(w * w)
        z = _matvec(ns, X, w)
        y = _c(ns, Y_BINARY)
        softplus = torch.nn.functional.softplus if ns == "torch" else tf.nn.softplus
        mean, total = (torch.mean, torch.sum) if ns == "torch" else (tf.reduce_mean, tf.reduce_sum)
        return mean(softplus(z) - y * z) + 0.05 * total(w * w)

    return f


def softmax_cross_entropy(ns):
    def f(W):
        if ns == "ad":
            logits = X @ W
            picked = ad.take_along_axis(logits, LABELS[:, None], axis=1)
            return ad.mean(ad.logsumexp(logits, axis=1) - picked[:, 0])
        if ns == "torch":
            return torch.nn.functional.cross_entropy(torch.from_numpy(X) @ W, torch.from_numpy(LABELS))
        return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(LABELS, tf.constant(X) @ W))

    return f


def _mlp_parts(theta, reshape):
    W1 = reshape(theta[: 3 * HIDDEN], (3, HIDDEN))
    b1 = theta[3 * HIDDEN : 4 * HIDDEN]
    w2 = theta[4 * HIDDEN : 5 * HIDDEN]
    return W1, b1, w2, theta[5 * HIDDEN]


def tanh_mlp(ns):
    def f(theta):
        if ns == "ad":
            W1, b1, w2, b2 = _mlp_parts(theta, ad.reshape)
            out = ad.tanh(X @ W1 + b1) @ w2 + b2
            return ad.mean((out - Y_REAL) ** 2)
        T = _t(ns)
        W1, b1, w2, b2 = _mlp_parts(theta, T.reshape)
        hidden = T.tanh(_c(ns, X) @ W1 + b1)
        out = _matvec(ns, hidden, w2) + b2
        return (torch.mean if ns == "torch" else tf.reduce_mean)((out - _c(ns, Y_REAL)) ** 2)

    return f


def rosenbrock(ns):
    def f(x):
        total = ad.sum if ns == "ad" else (torch.sum if ns == "torch" else tf.reduce_sum)
        return total(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)

    return f


def _t(ns):
    return torch if ns == "torch" else tf


def _c(ns, array):
    return torch.from_numpy(array) if ns == "torch" else tf.constant(array)


def _matvec(ns, M, v):
    M = M if not isinstance(M, np.ndarray) else _c(ns, M)
    return M @ v if ns == "torch" else tf.linalg.matvec(M, v)


SUITE = {
    "quadratic form": (quadratic, RNG.standard_normal(4)),
    "logistic regression": (logistic, RNG.standard_normal(3)),
    "softmax cross-entropy": (softmax_cross_entropy, 0.5 * RNG.standard_normal((3, 4))),
    "tanh MLP": (tanh_mlp, 0.5 * RNG.standard_normal(N_MLP)),
    "Rosenbrock": (rosenbrock, RNG.uniform(-1.5, 1.5, 5)),
}


# ---- reference derivatives -----------------------------------------------------------------------------------------
def torch_gradient(f, x):
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    return torch.autograd.grad(f(xt), xt)[0].numpy()


def torch_hvp(f, x, v):
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(f(xt), xt, create_graph=True)
    return torch.autograd.grad(g, xt, grad_outputs=torch.from_numpy(v))[0].numpy()


def tf_gradient_and_hessian(f, x):
    x = tf.constant(x, dtype=tf.float64)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            loss = f(x)
        g = inner.gradient(loss, x)
    return g.numpy(), outer.jacobian(g, x).numpy()


@pytest.mark.parametrize("name", SUITE)
def test_gradient_and_hessian_match_pytorch_and_tensorflow(name):
    build, x = SUITE[name]
    ours, f_torch, f_tf = build("ad"), build("torch"), build("tf")
    value, gradient = ad.value_and_grad(ours)(x)
    H = ad.hessian(ours, x)
    assert H.shape == x.shape + x.shape

    np.testing.assert_allclose(value, f_torch(torch.from_numpy(x)).item(), rtol=1e-13)
    np.testing.assert_allclose(gradient, torch_gradient(f_torch, x), rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(H, torch.func.hessian(f_torch)(torch.from_numpy(x)).numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(
        H,
        torch.autograd.functional.hessian(f_torch, torch.from_numpy(x), vectorize=True).numpy(),
        rtol=1e-10,
        atol=1e-12,
    )
    g_tf, H_tf = tf_gradient_and_hessian(f_tf, x)
    np.testing.assert_allclose(gradient, g_tf, rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(H, H_tf, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", SUITE)
def test_hvp_matches_hessian_times_v_and_pytorch(name):
    build, x = SUITE[name]
    v = np.random.default_rng(0).standard_normal(x.shape)
    Hv = ad.hvp(build("ad"), x, v)
    H = ad.hessian(build("ad"), x).reshape(x.size, x.size)
    np.testing.assert_allclose(Hv.ravel(), H @ v.ravel(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(Hv, torch_hvp(build("torch"), x, v), rtol=1e-10, atol=1e-12)


def test_quadratic_hessian_is_the_symmetric_part():
    # f = ½ xᵀAx + bᵀx has ∇f = ½(A + Aᵀ)x + b and ∇²f = ½(A + Aᵀ), whatever x is.
    x = SUITE["quadratic form"][1]
    np.testing.assert_allclose(ad.grad(quadratic("ad"))(x), 0.5 * (A + A.T) @ x + B, rtol=1e-13)
    np.testing.assert_allclose(ad.hessian(quadratic("ad"), x), 0.5 * (A + A.T), rtol=1e-13)


# ---- hand-worked, in all three -------------------------------------------------------------------------------------
def test_hand_worked_example_in_every_framework():
    # f = x²y + y³ at (1, 2): g = [4, 13], H = [[4, 2], [2, 12]] (REFERENCE.md §5).
    f = lambda v: v[0] ** 2 * v[1] + v[1] ** 3  # noqa: E731
    point = np.array([1.0, 2.0])
    g_tf, H_tf = tf_gradient_and_hessian(f, point)
    for g, H in (
        (ad.grad(f)(point), ad.hessian(f, point)),
        (g_tf, H_tf),
        (torch_gradient(f, point), torch.func.hessian(f)(torch.from_numpy(point)).numpy()),
    ):
        np.testing.assert_allclose(g, [4.0, 13.0], rtol=1e-15)
        np.testing.assert_allclose(H, [[4.0, 2.0], [2.0, 12.0]], rtol=1e-15)


# ---- the same rules as tf.GradientTape, checked against TensorFlow itself ------------------------------------------
def _square_on_tape(module, persistent=False):
    x = module.constant([1.0, 2.0], dtype=np.float64) if module is tf else module.constant([1.0, 2.0])
    z = module.constant(3.0, dtype=np.float64) if module is tf else module.constant(3.0)
    tape = module.GradientTape(persistent=persistent)
    with tape:
        tape.watch([x, z])
        y = x * x
    return tape, x, z, y


@pytest.mark.parametrize("module", [ad, tf], ids=["ours", "tensorflow"])
def test_second_use_of_a_non_persistent_tape_raises_runtime_error(module):
    tape, x, z, y = _square_on_tape(module)
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="A non-persistent GradientTape can only be used to compute one set"):
        tape.gradient(y, x)


@pytest.mark.parametrize("mode", ["none", "zero"])
def test_unconnected_gradients_match_tensorflow(mode):
    results = []
    for module in (ad, tf):
        tape, x, z, y = _square_on_tape(module)
        results.append(tape.gradient(y, [x, z], unconnected_gradients=mode))
    (gx, gz), (tx, tz) = results
    np.testing.assert_array_equal(gx.numpy(), tx.numpy())
    if mode == "none":
        assert gz is None and tz is None
    else:
        np.testing.assert_array_equal(gz.numpy(), tz.numpy())


def test_loss_computed_before_the_tapes_gives_none_like_tensorflow():
    # REFERENCE.md §5: the popular snippet that computes the loss before opening the tapes.
    results = []
    for module in (ad, tf):
        x, y = module.Variable(1.0, dtype=np.float64), module.Variable(2.0, dtype=np.float64)
        f = x * x * y + y**3
        with module.GradientTape():  # the outer tape of the snippet, never used
            with module.GradientTape() as inner:
                pass
            results.append(inner.gradient(f, [x, y]))
    assert results == [[None, None], [None, None]]


def test_outer_gradient_of_the_inner_gradient_is_column_sums_like_tensorflow():
    # outer.gradient(g, x) sums over g's entries: the column sums of H ([4 + 2, 2 + 12]), not H.
    f = lambda v: v[0] ** 2 * v[1] + v[1] ** 3  # noqa: E731
    for module in (ad, tf):
        x = module.constant([1.0, 2.0], dtype=np.float64) if module is tf else module.constant([1.0, 2.0])
        with module.GradientTape() as outer:
            outer.watch(x)
            with module.GradientTape() as inner:
                inner.watch(x)
                loss = f(x)
            g = inner.gradient(loss, x)
        np.testing.assert_array_equal(outer.gradient(g, x).numpy(), [6.0, 14.0])


def test_tie_and_kink_conventions_match_tensorflow():
    x_np = np.array([1.0, 0.0, 2.0])
    results = []
    for module, ops in (
        (ad, (ad.maximum, ad.relu, ad.abs, lambda t: ad.clip(t, 0.0, 2.0))),
        (tf, (tf.maximum, tf.nn.relu, tf.abs, lambda t: tf.clip_by_value(t, 0.0, 2.0))),
    ):
        x = module.constant(x_np, dtype=np.float64) if module is tf else module.constant(x_np)
        other = module.constant([1.0, 1.0, 1.0], dtype=np.float64) if module is tf else module.constant([1.0] * 3)
        row = []
        for op in ops:
            with module.GradientTape() as tape:
                tape.watch(x)
                y = op(x, other) if op in (ad.maximum, tf.maximum) else op(x)
            row.append(tape.gradient(y, x).numpy())
        results.append(row)
    for ours, theirs in zip(*results):
        np.testing.assert_array_equal(ours, theirs)


# ---- the power rule at a zero base, and infinite slopes (test_autodiff_edges.py has the hand-worked side) ----------
def _torch_nth(p, x0, k):
    """d^k/dx^k x^p at x0 by nested torch.autograd.grad; a derivative that no longer depends on x is 0."""
    x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    y = x**p
    for _ in range(k):
        if not y.requires_grad:  # torch's pow rule returns a constant 0 for p = 0: no graph left
            return 0.0
        (y,) = torch.autograd.grad(y, x, create_graph=True)
    return y.item()


def _tf_nth(p, x0, k):
    """d^k/dx^k x^p at x0 by k nested tf.GradientTape (the innermost records the function)."""
    x = tf.constant(x0, dtype=tf.float64)
    tapes = [tf.GradientTape(persistent=True) for _ in range(k)]
    for tape in tapes:
        tape.__enter__()
        tape.watch(x)
    y = x**p
    for tape in reversed(tapes):  # innermost first, while the outer ones still record
        tape.__exit__(None, None, None)
        y = tape.gradient(y, x)
    return float(y.numpy())


def _ours_nth(p, x0, k):
    f = lambda t: t**p  # noqa: E731
    for _ in range(k):
        f = ad.grad(f)
    return float(f(ad.constant(x0)))


POWERS_AT_ZERO = [(p, k) for p in (0, 1, 2, 3, 1.0, 2.0, 1.5, 0.5) for k in (1, 2, 3, 4)]


@pytest.mark.parametrize("p, k", POWERS_AT_ZERO, ids=[f"x**{p!r}, order {k}" for p, k in POWERS_AT_ZERO])
def test_power_derivatives_at_zero_match_pytorch_and_tensorflow_where_they_are_right(p, k):
    ours = _ours_nth(p, 0.0, k)
    # PyTorch's pow rule is exact at 0 for every integer p (it special-cases p = 0), as ours is.
    assert ours == _torch_nth(p, 0.0, k)
    # TensorFlow computes p·x^(p−1) literally: right up to order p, then 0 · 0^(−1) = NaN. Fractional
    # powers (±∞ where p − k < 0) agree everywhere.
    theirs = _tf_nth(p, 0.0, k)
    if p == int(p) and k > p:
        assert np.isnan(theirs) and ours == 0.0
    else:
        assert ours == theirs


def test_x_to_the_zero_torch_gives_zero_tensorflow_gives_nan():
    # The course's answer is the mathematics': d/dx x⁰ = 0, also at 0.
    assert _ours_nth(0.0, 0.0, 1) == 0.0 == _torch_nth(0.0, 0.0, 1)
    assert np.isnan(_tf_nth(0.0, 0.0, 1))


def test_hessian_with_an_infinite_entry_where_the_frameworks_spread_nan():
    # f = x0^1.5 + x1² + x0 x1 at (0, 1): H = [[∞, 1], [1, 2]] (worked in test_autodiff_edges.py).
    point = np.array([0.0, 1.0])
    ours = ad.hessian(lambda v: v[0] ** 1.5 + v[1] ** 2 + v[0] * v[1], point)
    theirs = torch.autograd.functional.hessian(
        lambda v: v[0] ** 1.5 + v[1] ** 2 + v[0] * v[1], torch.from_numpy(point)
    ).numpy()
    _, tf_H = tf_gradient_and_hessian(lambda v: v[0] ** 1.5 + v[1] ** 2 + v[0] * v[1], point)
    np.testing.assert_array_equal(ours, [[np.inf, 1.0], [1.0, 2.0]])
    # Where the frameworks have a number it is ours; their NaN is 0 · ∞ in the batched backward pass.
    for H in (theirs, tf_H):
        finite = ~np.isnan(H)
        np.testing.assert_array_equal(ours[finite], H[finite])
        assert np.isnan(H).any()


def test_float32_promotion_matches_pytorch():
    # A float32 tensor with a Python float or a 0-d float64 stays float32 in torch as in ours; a float64
    # array (ndim >= 1) promotes, and autograd casts the gradient back to the source's dtype.
    x_np = np.array([0.5, 2.0], np.float32)
    x = torch.tensor(x_np, requires_grad=True)
    assert (x * 2.5 + torch.tensor(1.5, dtype=torch.float64)).dtype == torch.float32
    y = torch.sum(x * torch.tensor([1.0, 2.0], dtype=torch.float64))
    assert y.dtype == torch.float64
    (g,) = torch.autograd.grad(y, x)
    assert g.dtype == torch.float32
    ours = ad.constant(x_np)
    assert (ours * 2.5 + np.array(1.5)).dtype == np.float32
    assert ad.grad(lambda v: ad.sum(v * np.array([1.0, 2.0])))(x_np).dtype == np.float32
