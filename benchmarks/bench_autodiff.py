"""momentum_lab.autodiff against hand-written NumPy, PyTorch autograd and TensorFlow's GradientTape.

Three measurements, all float64 on the CPU, every framework in this one process:

1. Gradient of a logistic-regression loss, L(w) = mean(softplus(Xw) − y·Xw), N = 4096, d = 256:
   ours (``ad.value_and_grad``, from scratch, recording a tape each call) vs a hand-written NumPy
   loss-and-gradient (goal ≤ 1.5×), vs ``torch.autograd.grad`` and ``tf.GradientTape`` (reported).
2. Full Hessian of the L2-regularised loss, L(w) + ½λ‖w‖², N = 2048, d ∈ {16, 64, 256}: ours
   (``ad.hessian``, reverse over reverse with one batched backward pass) vs ``torch.func.hessian``,
   ``torch.autograd.functional.hessian(vectorize=True)`` (goal: within 2× of the faster of the two)
   and TF nested tapes + ``jacobian`` (goal: faster than TF).
3. Hessian-vector product (``ad.hvp``) vs one gradient (``ad.grad``) on problem 1 (goal ≤ 4×).
"""

import numpy as np

from benchmarks._harness import Row, best_time
from momentum_lab import autodiff as ad

GROUP = "autodiff"
LAMBDA = 1e-2


def _problem(n, d, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) / np.sqrt(d)
    w_true = rng.standard_normal(d)
    y = (rng.random(n) < 1 / (1 + np.exp(-X @ w_true))).astype(float)
    w = 0.1 * rng.standard_normal(d)
    return X, y, w


# ---- the loss, written four times ------------------------------------------------------------------------
def ours_loss(X, y, l2=0.0):
    def loss(w):
        z = X @ w
        value = ad.mean(ad.softplus(z) - y * z)
        return value + (0.5 * l2) * ad.sum(w * w) if l2 else value
    return loss


def numpy_value_and_grad(X, y):
    """The hand-written loss and gradient: ∇L = Xᵀ(σ(Xw) − y) / N, with the same stable σ and softplus."""
    n = X.shape[0]

    def value_and_grad(w):
        z = X @ w
        e = np.exp(-np.abs(z))
        sig = np.where(z >= 0, 1.0, e) / (1.0 + e)
        return np.mean(np.logaddexp(0.0, z) - y * z), (sig - y) @ X / n
    return value_and_grad


def torch_fns(X, y, l2=0.0):
    import torch

    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)

    def loss(w):
        z = Xt @ w
        value = torch.mean(torch.nn.functional.softplus(z) - yt * z)
        return value + 0.5 * l2 * torch.sum(w * w) if l2 else value

    def value_and_grad(w_np):
        w = torch.from_numpy(w_np).requires_grad_(True)
        value = loss(w)
        (g,) = torch.autograd.grad(value, w)
        return value.detach().numpy(), g.numpy()

    def func_hessian(w_np):
        return torch.func.hessian(loss)(torch.from_numpy(w_np)).numpy()

    def functional_hessian(w_np):
        return torch.autograd.functional.hessian(loss, torch.from_numpy(w_np), vectorize=True).numpy()

    return value_and_grad, func_hessian, functional_hessian


def tf_fns(X, y, l2=0.0):
    import tensorflow as tf

    Xt, yt = tf.constant(X), tf.constant(y)

    def loss(w):
        z = tf.linalg.matvec(Xt, w)
        value = tf.reduce_mean(tf.nn.softplus(z) - yt * z)
        return value + 0.5 * l2 * tf.reduce_sum(w * w) if l2 else value

    def value_and_grad(w_np):
        w = tf.constant(w_np)
        with tf.GradientTape() as tape:
            tape.watch(w)
            value = loss(w)
        return value.numpy(), tape.gradient(value, w).numpy()

    def hessian(w_np):
        w = tf.constant(w_np)
        with tf.GradientTape() as outer:
            outer.watch(w)
            with tf.GradientTape() as inner:
                inner.watch(w)
                value = loss(w)
            g = inner.gradient(value, w)
        return outer.jacobian(g, w).numpy()

    return value_and_grad, hessian


def _available(name):
    try:
        __import__(name)
    except ImportError:
        return False
    return True


# ---- the measurements -----------------------------------------------------------------------------------------
def gradient_rows(n, d):
    X, y, w = _problem(n, d)
    ours = ad.value_and_grad(ours_loss(X, y))
    hand = numpy_value_and_grad(X, y)
    np.testing.assert_allclose(ours(w)[1], hand(w)[1], rtol=1e-10, atol=1e-14)
    t_ours = best_time(lambda: ours(w))
    size = f"N={n}, d={d}"
    rows = [Row(GROUP, f"logistic gradient, {size}", t_ours, "hand-written NumPy", best_time(lambda: hand(w)),
                goal="≤ 1.5×")]
    if _available("torch"):
        vg, _, _ = torch_fns(X, y)
        np.testing.assert_allclose(vg(w)[1], hand(w)[1], rtol=1e-10, atol=1e-14)
        rows.append(Row(GROUP, f"logistic gradient, {size}", t_ours, "torch.autograd.grad",
                        best_time(lambda: vg(w))))
    if _available("tensorflow"):
        vg, _ = tf_fns(X, y)
        np.testing.assert_allclose(vg(w)[1], hand(w)[1], rtol=1e-10, atol=1e-14)
        rows.append(Row(GROUP, f"logistic gradient, {size}", t_ours, "tf.GradientTape",
                        best_time(lambda: vg(w), repeat=5)))
    rows[0].met = rows[0].ratio <= 1.5
    return rows


def hessian_rows(n, d):
    X, y, w = _problem(n, d, seed=d)
    f = ours_loss(X, y, LAMBDA)
    H = ad.hessian(f, w)
    t_ours = best_time(lambda: ad.hessian(f, w), repeat=5)
    name = f"Hessian, N={n}, d={d}"
    rows = []
    if _available("torch"):
        _, func_h, functional_h = torch_fns(X, y, LAMBDA)
        np.testing.assert_allclose(H, func_h(w), rtol=1e-9, atol=1e-13)
        np.testing.assert_allclose(H, functional_h(w), rtol=1e-9, atol=1e-13)
        t_func = best_time(lambda: func_h(w), repeat=5)
        t_functional = best_time(lambda: functional_h(w), repeat=5)
        fastest = min(t_func, t_functional)
        rows.append(Row(GROUP, name, t_ours, "torch.func.hessian", t_func))
        rows.append(Row(GROUP, name, t_ours, "torch.autograd.functional.hessian(vectorize=True)", t_functional))
        rows.append(Row(GROUP, name, t_ours, "fastest PyTorch", fastest, goal="≤ 2×", met=t_ours <= 2 * fastest))
    if _available("tensorflow"):
        _, tf_h = tf_fns(X, y, LAMBDA)
        np.testing.assert_allclose(H, tf_h(w), rtol=1e-9, atol=1e-13)
        t_tf = best_time(lambda: tf_h(w), repeat=3)
        rows.append(Row(GROUP, name, t_ours, "TF nested tapes + jacobian", t_tf, goal="< 1×", met=t_ours < t_tf))
    return rows


def hvp_rows(n, d):
    X, y, w = _problem(n, d, seed=1)
    v = np.random.default_rng(2).standard_normal(d)
    f = ours_loss(X, y)
    np.testing.assert_allclose(ad.hvp(f, w, v), ad.hessian(f, w) @ v, rtol=1e-9, atol=1e-13)
    gradient = ad.grad(f)
    t_grad = best_time(lambda: gradient(w))
    t_hvp = best_time(lambda: ad.hvp(f, w, v))
    return [Row(GROUP, f"HVP, N={n}, d={d}", t_hvp, "one gradient (ours)", t_grad, goal="≤ 4×",
                met=t_hvp <= 4 * t_grad)]


def run(quick=False):
    n, d = (512, 64) if quick else (4096, 256)
    rows = gradient_rows(n, d)
    for dh in ((16,) if quick else (16, 64, 256)):
        rows += hessian_rows(256 if quick else 2048, dh)
    rows += hvp_rows(n, d)
    return rows
