"""Chapter 10 against the frameworks: the same two models trained from scratch, with Keras and with PyTorch
from the same start agree step by step in float64, and the Hessians of the losses agree with torch's and
TensorFlow's."""

import numpy as np
import pytest

from momentum_lab import models, theory

torch = pytest.importorskip("torch")
tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

from momentum_lab.tf import models as tf_models  # noqa: E402  (after the importorskip)
from momentum_lab.torch import models as torch_models  # noqa: E402

pytestmark = pytest.mark.frameworks

STEPS = 100


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    # Tiny tensors: one thread is fastest, and avoids thread spin-up when the machine is busy.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def problems():
    """The chapter's two models, each with its start and float32-rounded (lr, momentum)."""
    X, y = models.make_moons(200, 0.15, seed=0)
    logistic = models.LogisticRegression(models.polynomial_features(X, 3), y, l2=1e-3)
    theta_star = models.newton_minimum(logistic, logistic.init(0))
    eigenvalues = np.linalg.eigvalsh(logistic.hessian(theta_star))
    lr, momentum, _ = theory.optimal_momentum(eigenvalues[0], eigenvalues[-1])
    mlp = models.TanhMLP(X, y, hidden=16, l2=3e-3)
    return {
        "logistic regression, (α*, β*)": (logistic, logistic.init(0), models.as_float32(lr, momentum)),
        "tanh MLP, (0.5, 0.9)": (mlp, mlp.init(0), models.as_float32(0.5, 0.9)),
        "tanh MLP, nesterov (0.3, 0.9)": (mlp, mlp.init(1), models.as_float32(0.3, 0.9)),
    }


CASES = ["logistic regression, (α*, β*)", "tanh MLP, (0.5, 0.9)", "tanh MLP, nesterov (0.3, 0.9)"]


def relative(a, b):
    return np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300))


@pytest.fixture(scope="module")
def runs(problems):
    out = {}
    for name, (model, theta0, (lr, momentum)) in problems.items():
        nesterov = "nesterov" in name
        out[name] = {
            "ours": models.train(model, theta0, lr, momentum, STEPS, nesterov=nesterov),
            "keras": tf_models.train(model, theta0, lr, momentum, STEPS, nesterov=nesterov),
            "torch": torch_models.train(model, theta0, lr, momentum, STEPS, nesterov=nesterov),
        }
    return out


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("framework", ["keras", "torch"])
def test_losses_agree_step_by_step(runs, name, framework):
    ours, theirs = runs[name]["ours"], runs[name][framework]
    assert theirs.losses.shape == ours.losses.shape == (STEPS + 1,)
    assert ours.losses[-1] < ours.losses[0]  # the runs do train
    assert relative(theirs.losses, ours.losses) <= 1e-10


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("framework", ["keras", "torch"])
def test_parameters_agree_step_by_step(runs, name, framework):
    ours, theirs = runs[name]["ours"], runs[name][framework]
    scale = 1.0 + np.max(np.abs(ours.thetas))
    assert np.max(np.abs(theirs.thetas - ours.thetas)) <= 1e-10 * scale


def test_keras_rounds_lr_and_momentum_to_float32(problems):
    # Keras with the raw float64 α*, β* runs the float32-rounded values: it matches our run with the
    # rounded values, and differs from our run with the raw ones by far more than rounding error.
    model, theta0, _ = problems["logistic regression, (α*, β*)"]
    theta_star = models.newton_minimum(model, theta0)
    eigenvalues = np.linalg.eigvalsh(model.hessian(theta_star))
    lr, momentum, _ = theory.optimal_momentum(eigenvalues[0], eigenvalues[-1])
    keras_raw = tf_models.train(model, theta0, lr, momentum, 60)
    ours_rounded = models.train(model, theta0, *models.as_float32(lr, momentum), 60)
    ours_raw = models.train(model, theta0, lr, momentum, 60)
    assert relative(keras_raw.losses, ours_rounded.losses) <= 1e-12
    assert relative(keras_raw.losses, ours_raw.losses) > 1e-9


@pytest.mark.parametrize("module", [tf_models, torch_models], ids=["keras", "torch"])
@pytest.mark.parametrize("which", ["logistic", "mlp"])
def test_build_holds_theta_and_computes_the_same_logits(problems, module, which):
    model, _, _ = problems[CASES[0] if which == "logistic" else CASES[1]]
    theta = model.init(7) + 0.1
    net = module.build(model, theta)
    np.testing.assert_array_equal(module.flat_parameters(net), theta)
    if module is torch_models:
        logits = net(torch.from_numpy(model.X)).detach().numpy()[:, 0]
    else:
        logits = np.asarray(net(model.X))[:, 0]
    np.testing.assert_allclose(logits, model.logits(theta), rtol=1e-13, atol=1e-14)


def test_build_rejects_other_models():
    with pytest.raises(TypeError, match="LogisticRegression, a TanhMLP or a SoftmaxMLP"):
        tf_models.build(object(), np.zeros(3))
    with pytest.raises(TypeError, match="LogisticRegression, a TanhMLP or a SoftmaxMLP"):
        torch_models.build(object(), np.zeros(3))


# ---- Hessians ------------------------------------------------------------------------------------------
def torch_flat_loss(model):
    """The model's loss as a torch function of the flat θ (same layout as momentum_lab.models)."""
    X = torch.from_numpy(model.X)
    y = torch.from_numpy(model.y)

    def f(theta):
        if isinstance(model, models.LogisticRegression):
            z = X @ theta[:-1] + theta[-1]
        else:
            d, h = model.inputs, model.hidden
            W1 = theta[: d * h].reshape(d, h)
            b1, w2, b2 = theta[d * h : (d + 1) * h], theta[(d + 1) * h : (d + 2) * h], theta[(d + 2) * h]
            z = torch.tanh(X @ W1 + b1) @ w2 + b2
        data = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
        return data + 0.5 * model.l2 * (theta * theta).sum()

    return f


@pytest.mark.parametrize("which", ["logistic", "mlp"])
def test_hessian_and_hvp_match_torch(problems, which):
    model, theta0, _ = problems[CASES[0] if which == "logistic" else CASES[1]]
    theta = theta0 + 0.2
    f = torch_flat_loss(model)
    t = torch.from_numpy(theta)
    assert f(t).item() == pytest.approx(model.loss(theta), rel=1e-14)
    H_torch = torch.autograd.functional.hessian(f, t).numpy()
    np.testing.assert_allclose(model.hessian(theta), H_torch, rtol=1e-10, atol=1e-13)
    # Pearlmutter's HVP in torch: reverse over reverse.
    v = np.random.default_rng(2).standard_normal(model.dim)
    tt = t.clone().requires_grad_(True)
    (g,) = torch.autograd.grad(f(tt), tt, create_graph=True)
    (Hv,) = torch.autograd.grad(g, tt, grad_outputs=torch.from_numpy(v))
    np.testing.assert_allclose(model.hvp(theta, v), Hv.numpy(), rtol=1e-10, atol=1e-13)


def test_logistic_hessian_matches_tensorflow_nested_tapes(problems):
    model, theta0, _ = problems[CASES[0]]
    theta = tf.Variable(theta0 + 0.2)
    X, y = tf.constant(model.X), tf.constant(model.y)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            z = tf.linalg.matvec(X, theta[:-1]) + theta[-1]
            data = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=z))
            value = data + 0.5 * model.l2 * tf.reduce_sum(theta * theta)
        g = inner.gradient(value, theta)
    H_tf = outer.jacobian(g, theta).numpy()
    np.testing.assert_allclose(model.hessian(theta0 + 0.2), H_tf, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(model.hessian_by_hand(theta0 + 0.2), H_tf, rtol=1e-10, atol=1e-13)
