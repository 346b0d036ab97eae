"""The digits set-up: the data (load_digits, minibatch_indices), the SoftmaxMLP classifier, the minibatch loop.

Checked three ways: a hand-worked tiny network, central finite differences of the autodiff gradient,
and step-by-step float64 agreement with PyTorch and Keras on the same initialisation and batch order.
"""

import math

import numpy as np
import pytest

from momentum_lab.data import load_digits, minibatch_indices
from momentum_lab.networks import SoftmaxMLP
from momentum_lab.optim import SGD, ClassicalMomentum, GradientDescent, KerasMomentum
from momentum_lab.training import FitRecord, fit


@pytest.fixture(scope="module")
def digits():
    return load_digits()


# -- data ----------------------------------------------------------------------------------------------


def test_load_digits_shapes_types_and_range(digits):
    X_train, y_train, X_test, y_test = digits
    assert X_train.shape == (1347, 64) and X_test.shape == (450, 64)
    assert X_train.dtype == np.float64 and y_train.dtype == np.int64 and y_test.dtype == np.int64
    assert X_train.min() == 0.0 and X_train.max() == 1.0 and X_test.max() <= 1.0
    # scaled by 1/16: every pixel is a multiple of 1/16
    assert np.all((X_train * 16) == np.round(X_train * 16))


def test_load_digits_split_is_stratified_disjoint_and_complete(digits):
    from sklearn.datasets import load_digits as sklearn_digits

    X_train, y_train, X_test, y_test = digits
    raw = sklearn_digits()
    counts = np.bincount(raw.target, minlength=10)
    # each class c contributes round(0.25 · n_c) test images
    assert np.array_equal(np.bincount(y_test, minlength=10), [round(0.25 * n) for n in counts])
    assert np.array_equal(np.bincount(y_train, minlength=10) + np.bincount(y_test, minlength=10), counts)
    # together the two sets are the whole data set, each image once
    both = np.concatenate([X_train, X_test]) * 16
    rows = {tuple(r) for r in both}
    assert len(rows) == len({tuple(r) for r in raw.data}) and len(both) == len(raw.data)


def test_load_digits_is_seeded(digits):
    again = load_digits()
    assert all(np.array_equal(a, b) for a, b in zip(digits, again))
    other = load_digits(seed=1)
    assert not np.array_equal(digits[2], other[2])
    digits[0][0, 0] = 5.0  # the cache is not shared with the caller
    assert load_digits()[0][0, 0] != 5.0


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"test_fraction": 0.0}, ValueError, "test_fraction must be in (0, 1)"),
        ({"test_fraction": 1.0}, ValueError, "test_fraction must be in (0, 1)"),
        ({"test_fraction": "a"}, TypeError, "test_fraction must be a real number"),
    ],
)
def test_load_digits_rejects(kwargs, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        load_digits(**kwargs)


def test_minibatch_indices_hand_worked():
    # n = 10, B = 4, 2 epochs: per epoch perm = rng.permutation(10) cut into 4, 4, 2 rows
    rng = np.random.default_rng(3)
    p1, p2 = rng.permutation(10), rng.permutation(10)
    batches = minibatch_indices(10, 4, 2, seed=3)
    expected = [p1[:4], p1[4:8], p1[8:], p2[:4], p2[4:8], p2[8:]]
    assert len(batches) == 6 and all(np.array_equal(a, b) for a, b in zip(batches, expected))
    dropped = minibatch_indices(10, 4, 2, seed=3, drop_last=True)
    assert [len(b) for b in dropped] == [4, 4, 4, 4]
    assert np.array_equal(dropped[2], p2[:4])


def test_minibatch_indices_cover_every_row_once_per_epoch():
    batches = minibatch_indices(1347, 32, 3, seed=0)
    assert len(batches) == 3 * math.ceil(1347 / 32)
    per_epoch = len(batches) // 3
    for e in range(3):
        rows = np.concatenate(batches[e * per_epoch : (e + 1) * per_epoch])
        assert np.array_equal(np.sort(rows), np.arange(1347))


@pytest.mark.parametrize(
    "args, kwargs, error, words",
    [
        ((10, 0, 1), {}, ValueError, "batch_size must be >= 1"),
        ((10, 11, 1), {}, ValueError, "batch_size must be at most n=10"),
        ((10, 2, 0), {}, ValueError, "epochs must be >= 1"),
        ((10, 2.0, 1), {}, TypeError, "batch_size must be an integer"),
        ((10, 2, 1), {"drop_last": 1}, TypeError, "drop_last must be True or False"),
    ],
)
def test_minibatch_indices_rejects(args, kwargs, error, words):
    with pytest.raises(error, match=words):
        minibatch_indices(*args, **kwargs)


# -- the network ---------------------------------------------------------------------------------------


def test_layout_and_init():
    model = SoftmaxMLP()
    assert model.dim == 64 * 32 + 32 + 32 * 10 + 10 == 2410
    theta = model.init(seed=0)
    (W1, b1), (W2, b2) = model.unflatten(theta)
    assert W1.shape == (64, 32) and W2.shape == (32, 10)
    assert np.all(b1 == 0) and np.all(b2 == 0)
    assert np.abs(W1).max() <= math.sqrt(6 / 96) and np.abs(W2).max() <= math.sqrt(6 / 42)
    # the same numbers as drawing the layers one after the other from default_rng(0)
    rng = np.random.default_rng(0)
    assert np.array_equal(W1.ravel(), rng.uniform(-math.sqrt(6 / 96), math.sqrt(6 / 96), 64 * 32))
    assert np.array_equal(W2.ravel(), rng.uniform(-math.sqrt(6 / 42), math.sqrt(6 / 42), 32 * 10))
    assert np.array_equal(model.flatten(model.unflatten(theta)), theta)


def test_hand_worked_linear_softmax():
    # sizes (2, 2): z = x W + b. W = 0, b = (ln 3, 0), x = (2, −1), label 0.
    # softmax(z) = (3/4, 1/4), so the loss is −ln(3/4) = ln(4/3) = 0.2876821.
    # ∂f/∂z = p − e₀ = (−1/4, 1/4); ∂f/∂b = the same; ∂f/∂W = xᵀ(p − e₀) = [[−1/2, 1/2], [1/4, −1/4]].
    model = SoftmaxMLP((2, 2))
    theta = model.flatten([(np.zeros((2, 2)), np.array([math.log(3.0), 0.0]))])
    X, y = np.array([[2.0, -1.0]]), np.array([0])
    value, g = model.value_and_grad(theta, X, y)
    assert value == pytest.approx(math.log(4 / 3), abs=1e-15)
    np.testing.assert_allclose(g, [-0.5, 0.5, 0.25, -0.25, -0.25, 0.25], atol=1e-15)
    # with l2 = 0.5: + (0.5/2)·(ln 3)² to the loss and + 0.5·θ to the gradient
    reg = SoftmaxMLP((2, 2), l2=0.5)
    v2, g2 = reg.value_and_grad(theta, X, y)
    assert v2 == pytest.approx(math.log(4 / 3) + 0.25 * math.log(3.0) ** 2, abs=1e-15)
    np.testing.assert_allclose(g2, g + 0.5 * theta, atol=1e-15)


def test_hand_worked_one_hidden_unit():
    # sizes (1, 1, 2), tanh: h = tanh(a x), z = (h, −h). Choose a x = atanh(½ ln 3), so h = ½ ln 3.
    # Label 0: f = logsumexp(h, −h) − h = ln(1 + e^{−2h}) = ln(1 + 1/3) = ln(4/3).
    # ∂f/∂h = −2e^{−2h}/(1 + e^{−2h}) = −(2/3)/(4/3) = −½, so ∂f/∂a = −½ (1 − h²) x.
    h = 0.5 * math.log(3.0)
    x = 1.5
    a = math.atanh(h) / x
    model = SoftmaxMLP((1, 1, 2))
    theta = model.flatten([(np.array([[a]]), np.zeros(1)), (np.array([[1.0, -1.0]]), np.zeros(2))])
    value, g = model.value_and_grad(theta, np.array([[x]]), np.array([0]))
    assert value == pytest.approx(math.log(4 / 3), abs=1e-14)
    assert g[0] == pytest.approx(-0.5 * (1 - h * h) * x, abs=1e-14)  # ∂f/∂a
    assert g[1] == pytest.approx(-0.5 * (1 - h * h), abs=1e-14)  # ∂f/∂b₁
    # ∂f/∂W₂ = h (p − e₀) with p = (3/4, 1/4): (−h/4, h/4); ∂f/∂b₂ = (−1/4, 1/4)
    np.testing.assert_allclose(g[2:], [-h / 4, h / 4, -0.25, 0.25], atol=1e-14)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_gradient_matches_finite_differences(digits, activation):
    X, y = digits[0][:40], digits[1][:40]
    model = SoftmaxMLP((64, 8, 10), l2=1e-3, activation=activation)
    theta = model.init(seed=2) + 0.01 * np.random.default_rng(0).standard_normal(model.dim)
    _, g = model.value_and_grad(theta, X, y)
    h, numeric = 1e-6, np.empty(model.dim)
    for i in range(model.dim):  # central differences, error O(h²)
        e = np.zeros(model.dim)
        e[i] = h
        numeric[i] = (model.loss(theta + e, X, y) - model.loss(theta - e, X, y)) / (2 * h)
    np.testing.assert_allclose(g, numeric, rtol=1e-6, atol=1e-8)


def test_loss_on_arrays_equals_loss_on_tensors_and_accuracy(digits):
    X, y = digits[0], digits[1]
    model = SoftmaxMLP()
    theta = model.init(0)
    value, _ = model.value_and_grad(theta, X, y)
    assert model.loss(theta, X, y) == pytest.approx(value, abs=1e-14)
    logits = model.logits(theta, X)
    assert np.mean(np.argmax(logits, 1) == y) == model.accuracy(theta, X, y)


@pytest.mark.parametrize(
    "build, error, words",
    [
        (lambda: SoftmaxMLP((64,)), ValueError, "at least an input and an output"),
        (lambda: SoftmaxMLP((64, 1)), ValueError, "number of classes"),
        (lambda: SoftmaxMLP((64, 0, 10)), ValueError, r"sizes\[1\] must be >= 1"),
        (lambda: SoftmaxMLP(64), TypeError, "sizes must be a sequence"),
        (lambda: SoftmaxMLP(l2=-1.0), ValueError, "l2 must be >= 0"),
        (lambda: SoftmaxMLP(activation="sigmoid"), ValueError, "activation must be one of"),
        (
            lambda: SoftmaxMLP().loss(np.zeros(3), np.zeros((1, 64)), np.array([0])),
            ValueError,
            r"theta must have shape \(2410,\)",
        ),
        (
            lambda: SoftmaxMLP().loss(np.zeros(2410), np.zeros((1, 63)), np.array([0])),
            ValueError,
            "X must have 64 columns",
        ),
        (lambda: SoftmaxMLP().loss(np.zeros(2410), np.zeros((2, 64)), np.array([0])), ValueError, "one label per row"),
        (lambda: SoftmaxMLP().loss(np.zeros(2410), np.zeros((1, 64)), np.array([10])), ValueError, r"labels in 0\.\.9"),
        (
            lambda: SoftmaxMLP().loss(np.zeros(2410), np.zeros((1, 64)), np.array([0.0])),
            TypeError,
            "integer class labels",
        ),
    ],
)
def test_network_rejects(build, error, words):
    with pytest.raises(error, match=words):
        build()


# -- the loop ------------------------------------------------------------------------------------------


def test_fit_is_the_loop_written_out(digits):
    X, y = digits[0], digits[1]
    model = SoftmaxMLP((64, 16, 10), l2=1e-4)
    theta0 = model.init(1)
    batches = minibatch_indices(len(X), 100, 2, seed=4)
    schedule = lambda k: 0.2 / (1 + k)  # noqa: E731
    record = fit(model, theta0, SGD(0.0, momentum=0.9), batches, X, y, lr_schedule=schedule)
    theta, opt, losses = theta0.copy(), SGD(0.0, momentum=0.9), []
    for k, rows in enumerate(batches):
        opt.lr = schedule(k)
        value, g = model.value_and_grad(theta, X[rows], y[rows])
        losses.append(value)
        opt.step(theta, g)
    assert isinstance(record, FitRecord)
    np.testing.assert_array_equal(record.losses, losses)
    np.testing.assert_array_equal(record.theta, theta)
    np.testing.assert_array_equal(record.lrs, [schedule(k) for k in range(len(batches))])
    assert np.array_equal(theta0, model.init(1))  # theta0 untouched
    seen = []
    fit(model, theta0, SGD(0.1), batches[:3], X, y, callback=lambda k, t: seen.append((k, t.copy())))
    assert [k for k, _ in seen] == [0, 1, 2] and not np.array_equal(seen[0][1], theta0)
    assert record.epoch_means(len(batches) // 2) == pytest.approx([np.mean(losses[:14]), np.mean(losses[14:])])


def test_fit_logs_and_evaluates(digits, capsys):
    X, y = digits[0], digits[1]
    model = SoftmaxMLP((64, 8, 10))
    batches = minibatch_indices(len(X), 300, 2, seed=0)  # 5 steps per epoch, 10 steps
    record = fit(
        model,
        model.init(0),
        GradientDescent(0.5),
        batches,
        X,
        y,
        log_every=4,
        eval_fn=lambda t: model.accuracy(t, X, y),
    )
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["step     4", "step     8", "step    10"]
    assert [k for k, _ in record.evals] == [4, 8, 10]
    assert record.evals[-1][1] == model.accuracy(record.theta, X, y)
    assert f"loss {record.losses[:4].mean():.4f}" in lines[0]


def test_fit_rejects_and_reports_divergence(digits):
    X, y = digits[0], digits[1]
    model = SoftmaxMLP((64, 8, 10))
    batches = minibatch_indices(len(X), 300, 1)
    with pytest.raises(ValueError, match="theta0 must have shape"):
        fit(model, np.zeros(3), SGD(0.1), batches, X, y)
    with pytest.raises(TypeError, match="optimizer must have step"):
        fit(model, model.init(0), object(), batches, X, y)
    with pytest.raises(TypeError, match="lr_schedule must be a callable"):
        fit(model, model.init(0), SGD(0.1), batches, X, y, lr_schedule=0.1)


class _Parabola:
    """f(θ) = θ², whatever the batch: gradient descent with lr = 10 multiplies θ by −19 per step."""

    dim = 1

    def value_and_grad(self, theta, X, y):
        return float(theta[0] ** 2), 2.0 * theta


def test_fit_stops_with_an_error_when_the_loss_overflows():
    batches = [np.arange(1)] * 400
    with np.errstate(over="ignore", invalid="ignore"):
        with pytest.raises(FloatingPointError, match=r"the minibatch loss is inf at step \d+: the run diverged"):
            fit(_Parabola(), np.ones(1), GradientDescent(10.0), batches, np.zeros((1, 1)), np.zeros(1))


# -- the same run in PyTorch and Keras -------------------------------------------------------------------


def _setup(digits, l2=1e-4, batch_size=64, epochs=2):
    X, y = digits[0], digits[1]
    model = SoftmaxMLP((64, 32, 10), l2=l2)
    return model, model.init(seed=3), minibatch_indices(len(X), batch_size, epochs, seed=5), X, y


@pytest.mark.frameworks
@pytest.mark.parametrize(
    "kwargs",
    [
        {"momentum": 0.9},
        {"momentum": 0.9, "nesterov": True},
        {"momentum": 0.5, "dampening": 0.5},
        {"momentum": 0.0},
    ],
)
def test_torch_sgd_equals_from_scratch_sgd_step_by_step(digits, kwargs):
    torch = pytest.importorskip("torch")
    from momentum_lab.torch import models as tm

    model, theta0, batches, X, y = _setup(digits)
    ours = fit(model, theta0, SGD(0.1, **kwargs), batches, X, y)
    theirs = tm.fit(model, theta0, lambda p: torch.optim.SGD(p, lr=0.1, **kwargs), batches, X, y)
    assert np.abs(ours.losses - theirs.losses).max() < 1e-12
    assert np.abs(ours.theta - theirs.theta).max() < 1e-12


@pytest.mark.frameworks
@pytest.mark.parametrize("nesterov", [False, True])
def test_keras_sgd_equals_keras_momentum_step_by_step(digits, nesterov):
    keras = pytest.importorskip("keras")
    pytest.importorskip("tensorflow")
    from momentum_lab.models import as_float32
    from momentum_lab.tf import models as km

    model, theta0, batches, X, y = _setup(digits)
    lr, momentum = as_float32(0.1, 0.9)  # Keras keeps both in float32
    ours = fit(model, theta0, KerasMomentum(lr, momentum, nesterov=nesterov), batches, X, y)
    theirs = km.fit(
        model, theta0, keras.optimizers.SGD(learning_rate=lr, momentum=momentum, nesterov=nesterov), batches, X, y
    )
    assert np.abs(ours.losses - theirs.losses).max() < 1e-12
    assert np.abs(ours.theta - theirs.theta).max() < 1e-12


@pytest.mark.frameworks
def test_under_a_schedule_torch_and_keras_part_and_each_matches_its_own_form(digits):
    torch = pytest.importorskip("torch")
    keras = pytest.importorskip("keras")
    from momentum_lab.models import as_float32
    from momentum_lab.tf import models as km
    from momentum_lab.torch import models as tm

    model, theta0, batches, X, y = _setup(digits, epochs=3)
    momentum = as_float32(0.9)
    schedule = lambda k: as_float32(0.2 * 0.95**k)  # noqa: E731
    torch_run = tm.fit(
        model, theta0, lambda p: torch.optim.SGD(p, lr=0.2, momentum=momentum), batches, X, y, lr_schedule=schedule
    )
    keras_run = km.fit(
        model, theta0, keras.optimizers.SGD(learning_rate=0.2, momentum=momentum), batches, X, y, lr_schedule=schedule
    )
    ours_torch = fit(model, theta0, SGD(0.2, momentum=momentum), batches, X, y, lr_schedule=schedule)
    ours_keras = fit(model, theta0, ClassicalMomentum(0.2, momentum), batches, X, y, lr_schedule=schedule)
    assert np.abs(ours_torch.losses - torch_run.losses).max() < 1e-12
    assert np.abs(ours_keras.losses - keras_run.losses).max() < 1e-12
    np.testing.assert_array_equal(keras_run.lrs, torch_run.lrs)
    # the two conventions are different algorithms once the rate changes
    assert np.abs(torch_run.theta - keras_run.theta).max() > 1e-2


@pytest.mark.frameworks
def test_framework_networks_hold_theta_and_compute_the_same_loss(digits):
    torch = pytest.importorskip("torch")
    pytest.importorskip("keras")
    import tensorflow as tf

    from momentum_lab.tf import models as km
    from momentum_lab.torch import models as tm

    model, theta0, _, X, y = _setup(digits, l2=1e-3)
    ours = model.loss(theta0, X, y)
    tnet, knet = tm.build(model, theta0), km.build(model, theta0)
    np.testing.assert_array_equal(tm.flat_parameters(tnet), theta0)
    np.testing.assert_array_equal(km.flat_parameters(knet), theta0)
    t_loss = tm.classifier_loss(tnet, torch.from_numpy(X), torch.from_numpy(y), model.l2).item()
    k_loss = float(km.classifier_loss(knet, tf.constant(X), tf.constant(y), model.l2))
    assert abs(t_loss - ours) < 1e-13 and abs(k_loss - ours) < 1e-13


# -- the backward pass written out -------------------------------------------------------------------


@pytest.mark.parametrize(
    "sizes, activation, l2",
    [
        ((64, 32, 10), "tanh", 1e-4),
        ((64, 16, 8, 10), "relu", 0.0),
        ((64, 10), "tanh", 1e-2),
    ],
)
def test_by_hand_equals_autodiff(digits, sizes, activation, l2):
    X, y = digits[0][:200], digits[1][:200]
    model = SoftmaxMLP(sizes, l2=l2, activation=activation)
    theta = model.init(seed=4)
    value, g = model.value_and_grad(theta, X, y)
    value_h, g_h = model.value_and_grad_by_hand(theta, X, y)
    assert abs(value - value_h) < 1e-14
    np.testing.assert_allclose(g_h, g, rtol=0, atol=1e-15)
    G = model.per_example_grads(theta, X[:30], y[:30])
    one_by_one = np.stack([model.grad(theta, X[i : i + 1], y[i : i + 1]) for i in range(30)])
    np.testing.assert_allclose(G, one_by_one, rtol=0, atol=1e-14)
    np.testing.assert_allclose(model.per_example_grads(theta, X, y).mean(axis=0), g, rtol=0, atol=1e-15)


def test_fit_with_the_by_hand_gradient_is_the_same_run(digits):
    X, y = digits[0], digits[1]
    model = SoftmaxMLP((64, 16, 10), l2=1e-4)
    batches = minibatch_indices(len(X), 64, 2, seed=6)
    a = fit(model, model.init(2), SGD(0.1, momentum=0.9), batches, X, y)
    b = fit(model, model.init(2), SGD(0.1, momentum=0.9), batches, X, y, value_and_grad=model.value_and_grad_by_hand)
    np.testing.assert_allclose(a.losses, b.losses, rtol=0, atol=1e-13)
    np.testing.assert_allclose(a.theta, b.theta, rtol=0, atol=1e-13)
    with pytest.raises(TypeError, match="value_and_grad must be a callable"):
        fit(model, model.init(2), SGD(0.1), batches, X, y, value_and_grad=1.0)
