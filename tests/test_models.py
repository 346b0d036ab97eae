"""``momentum_lab.models``: data made in code, two classifiers whose derivatives are checked against finite
differences (first and second order) and small examples worked by hand, the training loop, Newton's
minimiser and the measured convergence rate."""

import math

import numpy as np
import pytest

from momentum_lab import autodiff as ad
from momentum_lab import models, theory
from momentum_lab.optim import SGD


@pytest.fixture(scope="module")
def moons():
    return models.make_moons(80, 0.2, seed=1)


@pytest.fixture(scope="module")
def logistic(moons):
    X, y = moons
    return models.LogisticRegression(models.polynomial_features(X, 3), y, l2=1e-2)


@pytest.fixture(scope="module")
def mlp(moons):
    X, y = moons
    return models.TanhMLP(X, y, hidden=5, l2=1e-3)


def central_gradient(f, x, h=1e-5):
    return np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(len(x))])


def central_hessian(grad, x, h=1e-5):
    """Central differences of the gradient, column by column (second-order check)."""
    H = np.array([(grad(x + h * e) - grad(x - h * e)) / (2 * h) for e in np.eye(len(x))]).T
    return 0.5 * (H + H.T)


# ---- data -------------------------------------------------------------------------------------------------
def test_moons_are_standardised_balanced_and_reproducible():
    X, y = models.make_moons(101, 0.1, seed=4)
    assert X.shape == (101, 2) and y.shape == (101,)
    np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=1e-15)
    np.testing.assert_allclose(X.std(axis=0), 1.0, atol=1e-15)
    assert (y == 0).sum() == 50 and (y == 1).sum() == 51 and np.all(y[:50] == 0)
    X2, y2 = models.make_moons(101, 0.1, seed=4)
    np.testing.assert_array_equal(X, X2)
    assert not np.array_equal(X, models.make_moons(101, 0.1, seed=5)[0])


def test_noise_free_moons_lie_on_their_half_circles():
    # Before standardising, class 0 is on the unit circle around (0, 0) and class 1 on the one around
    # (1, 0.5). Standardising is affine per coordinate, so undo it with the raw means and stds.
    rng = np.random.default_rng(0)
    t0, t1 = math.pi * rng.uniform(size=3), math.pi * rng.uniform(size=3)
    raw = np.concatenate([np.stack([np.cos(t0), np.sin(t0)], 1), np.stack([1 - np.cos(t1), 0.5 - np.sin(t1)], 1)])
    X, _ = models.make_moons(6, 0.0, seed=0)
    np.testing.assert_allclose(X * raw.std(axis=0) + raw.mean(axis=0), raw, atol=1e-14)
    np.testing.assert_allclose(np.hypot(raw[:3, 0], raw[:3, 1]), 1.0)
    np.testing.assert_allclose(np.hypot(raw[3:, 0] - 1, raw[3:, 1] - 0.5), 1.0)


def test_polynomial_features_order_and_standardisation():
    X = np.array([[1.0, 2.0], [2.0, -1.0], [0.5, 0.0], [-1.0, 1.0]])
    a, b = X[:, 0], X[:, 1]
    raw = np.stack([a, b, a * a, a * b, b * b, a**3, a * a * b, a * b * b, b**3], axis=1)
    expected = (raw - raw.mean(axis=0)) / raw.std(axis=0)
    np.testing.assert_allclose(models.polynomial_features(X, 3), expected, atol=1e-14)
    # New points are transformed with the reference's statistics.
    new = np.array([[0.3, 0.7]])
    p, q = new[0]
    raw_new = np.array([[p, q, p * p, p * q, q * q, p**3, p * p * q, p * q * q, q**3]])
    np.testing.assert_allclose(
        models.polynomial_features(new, 3, reference=X), (raw_new - raw.mean(axis=0)) / raw.std(axis=0), atol=1e-14
    )
    assert models.polynomial_features(np.ones((5, 3)) + np.arange(15.0).reshape(5, 3) ** 1.5, 2).shape == (5, 9)


def test_as_float32_rounds_like_keras():
    lr, beta = models.as_float32(0.1, 0.9)
    assert lr == float(np.float32(0.1)) and beta == float(np.float32(0.9))
    assert lr != 0.1 and abs(lr - 0.1) < 1e-8
    assert models.as_float32(0.5) == 0.5


# ---- logistic regression -----------------------------------------------------------------------------------
def test_logistic_by_hand_tiny_example():
    # One feature, two samples x = (1, −1), labels (1, 0), θ = (w, b) = (0, 0), λ = 0.1.
    # Both logits are 0, so p = ½ and each sample's loss is log 2: f = log 2 (+ 0 penalty).
    # ∂f/∂w = mean((p − y) x) = ((½ − 1)·1 + (½ − 0)·(−1))/2 = −½, ∂f/∂b = mean(p − y) = 0.
    # H = X̃ᵀ diag(¼, ¼) X̃ / 2 + λI with X̃ = [[1, 1], [−1, 1]]: X̃ᵀX̃ = 2I, so H = (¼ + 0.1) I.
    model = models.LogisticRegression([[1.0], [-1.0]], [1.0, 0.0], l2=0.1)
    theta = np.zeros(2)
    assert model.loss(theta) == pytest.approx(math.log(2), abs=1e-15)
    for gradient in (model.grad(theta), model.grad_by_hand(theta)):
        np.testing.assert_allclose(gradient, [-0.5, 0.0], atol=1e-15)
    for H in (model.hessian(theta), model.hessian_by_hand(theta)):
        np.testing.assert_allclose(H, 0.35 * np.eye(2), atol=1e-15)
    # At θ = (1, 0): logits (1, −1), each sample's loss softplus(−1) = log(1 + e⁻¹); penalty 0.05.
    assert model.loss([1.0, 0.0]) == pytest.approx(math.log1p(math.exp(-1)) + 0.05, rel=1e-15)


def test_logistic_gradient_three_ways(logistic):
    theta = logistic.init(3) + 0.3
    autodiff_value, autodiff_grad = logistic.value_and_grad(theta)
    hand_value, hand_grad = logistic.value_and_grad_by_hand(theta)
    assert autodiff_value == pytest.approx(hand_value, rel=1e-14)
    assert autodiff_value == pytest.approx(logistic.loss(theta), rel=1e-15)
    np.testing.assert_allclose(autodiff_grad, hand_grad, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(logistic.grad_by_hand(theta), hand_grad, rtol=1e-14, atol=1e-16)
    np.testing.assert_allclose(central_gradient(logistic.loss, theta), hand_grad, rtol=1e-7, atol=1e-9)


def test_logistic_hessian_three_ways(logistic):
    theta = logistic.init(4)
    H = logistic.hessian(theta)
    np.testing.assert_allclose(H, logistic.hessian_by_hand(theta), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(central_hessian(logistic.grad_by_hand, theta), H, rtol=1e-6, atol=1e-9)
    v = np.random.default_rng(0).standard_normal(logistic.dim)
    np.testing.assert_allclose(logistic.hvp(theta, v), H @ v, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(logistic.hvp_at(theta)(v), H @ v, rtol=1e-12, atol=1e-15)
    # Convex: H ≥ λI everywhere.
    assert np.linalg.eigvalsh(H)[0] >= logistic.l2 - 1e-15


def test_loss_runs_on_tensors_so_tapes_nest(logistic):
    theta = ad.constant(logistic.init(0))
    value = logistic.loss(theta)
    assert isinstance(value, ad.Tensor) and float(value) == pytest.approx(logistic.loss(theta.numpy()))


# ---- tanh MLP --------------------------------------------------------------------------------------------
def test_mlp_by_hand_tiny_example():
    # One input x = 0.5, one hidden unit, label 1, λ = 0; θ = (W₁, b₁, w₂, b₂) = (1, 0, 2, 0).
    # h = tanh(0.5), z = 2h, f = softplus(z) − z = log(1 + e^{−z}).
    # ∂f/∂z = σ(z) − 1; ∂z/∂w₂ = h, ∂z/∂b₂ = 1, ∂z/∂b₁ = w₂(1 − h²), ∂z/∂W₁ = w₂(1 − h²)·x.
    model = models.TanhMLP([[0.5]], [1.0], hidden=1, l2=0.0)
    theta = np.array([1.0, 0.0, 2.0, 0.0])
    h = math.tanh(0.5)
    z = 2 * h
    dz = 1 / (1 + math.exp(-z)) - 1
    assert model.loss(theta) == pytest.approx(math.log1p(math.exp(-z)), rel=1e-15)
    expected = dz * np.array([2 * (1 - h * h) * 0.5, 2 * (1 - h * h), h, 1.0])
    np.testing.assert_allclose(model.grad(theta), expected, rtol=1e-14)


def test_mlp_layout_and_init(mlp):
    assert mlp.dim == (2 + 2) * 5 + 1
    theta = mlp.init(2)
    parts = mlp.unflatten(theta)
    assert {k: v.shape for k, v in parts.items()} == {"W1": (2, 5), "b1": (5,), "W2": (5, 1), "b2": (1,)}
    np.testing.assert_array_equal(np.concatenate([p.ravel() for p in parts.values()]), theta)
    np.testing.assert_array_equal(parts["b1"], 0.0)
    assert np.all(np.abs(parts["W1"]) <= math.sqrt(6 / 7)) and np.all(np.abs(parts["W2"]) <= math.sqrt(6 / 6))
    np.testing.assert_array_equal(mlp.init(2), theta)
    # Logits computed from the named parts.
    z = np.tanh(mlp.X @ parts["W1"] + parts["b1"]) @ parts["W2"][:, 0] + parts["b2"][0]
    np.testing.assert_allclose(mlp.logits(theta), z, rtol=1e-15)


def test_mlp_derivatives_against_finite_differences(mlp):
    theta = mlp.init(5) + 0.1
    np.testing.assert_allclose(central_gradient(mlp.loss, theta), mlp.grad(theta), rtol=1e-7, atol=1e-9)
    H = mlp.hessian(theta)
    np.testing.assert_allclose(H, H.T, atol=1e-15)
    np.testing.assert_allclose(central_hessian(mlp.grad, theta), H, rtol=1e-6, atol=1e-8)
    v = np.random.default_rng(1).standard_normal(mlp.dim)
    np.testing.assert_allclose(mlp.hvp(theta, v), H @ v, rtol=1e-11, atol=1e-14)


def test_mlp_is_not_convex_and_has_symmetries(mlp):
    theta = mlp.init(0)
    # At the start the Hessian has negative eigenvalues.
    assert np.linalg.eigvalsh(mlp.hessian(theta))[0] < 0
    # Swapping two hidden units, or flipping the signs of one unit's weights, gives the same loss.
    parts = mlp.unflatten(theta + 0.05)
    order = [1, 0, 2, 3, 4]
    swapped = np.concatenate([parts["W1"][:, order].ravel(), parts["b1"][order], parts["W2"][order, 0], parts["b2"]])
    flip = np.array([-1.0, 1, 1, 1, 1])
    flipped = np.concatenate([(parts["W1"] * flip).ravel(), parts["b1"] * flip, parts["W2"][:, 0] * flip, parts["b2"]])
    assert mlp.loss(swapped) == pytest.approx(mlp.loss(theta + 0.05), rel=1e-14)
    assert mlp.loss(flipped) == pytest.approx(mlp.loss(theta + 0.05), rel=1e-14)


def test_predictions(logistic, mlp):
    theta = logistic.init(0)
    p = logistic.predict_proba(theta)
    np.testing.assert_allclose(p, 1 / (1 + np.exp(-logistic.logits(theta))), rtol=1e-14)
    assert 0.0 <= logistic.accuracy(theta) <= 1.0
    grid = np.zeros((3, 2))
    assert mlp.predict_proba(mlp.init(0), grid).shape == (3,)


# ---- training, Newton, rates --------------------------------------------------------------------------------
def test_train_is_heavy_ball_in_torchs_form(logistic, capsys):
    theta0 = logistic.init(0)
    run = models.train(logistic, theta0, 0.7, 0.8, 30, log_every=10)
    # The same recursion by hand: b = g at the first step, then b = βb + g; θ = θ − αb.
    theta, b = theta0.copy(), None
    for k in range(30):
        np.testing.assert_array_equal(run.thetas[k], theta)
        g = logistic.grad(theta)
        b = g if b is None else 0.8 * b + g
        theta = theta - 0.7 * b
    np.testing.assert_allclose(run.thetas[-1], theta, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(run.losses, [logistic.loss(t) for t in run.thetas], rtol=1e-14)
    printed = capsys.readouterr().out.splitlines()
    assert printed == [f"step {k:5d}: loss {run.losses[k]:.8f}" for k in (0, 10, 20, 30)]
    assert run.thetas.shape == (31, logistic.dim) and run.losses.shape == (31,)
    np.testing.assert_array_equal(theta0, logistic.init(0))  # the start is not modified


def test_train_uses_optim_sgd(logistic):
    theta0 = logistic.init(1)
    run = models.train(logistic, theta0, 0.5, 0.9, 5, nesterov=True)
    theta, opt = theta0.copy(), SGD(0.5, momentum=0.9, nesterov=True)
    for _ in range(5):
        opt.step(theta, logistic.grad(theta))
    np.testing.assert_array_equal(run.thetas[-1], theta)


def test_newton_minimum_on_the_convex_model(logistic):
    theta_star = models.newton_minimum(logistic, logistic.init(0))
    assert np.linalg.norm(logistic.grad_by_hand(theta_star)) < 1e-14
    # Another start reaches the same point: the minimiser of a strongly convex loss is unique.
    other = models.newton_minimum(logistic, np.full(logistic.dim, 2.0))
    np.testing.assert_allclose(other, theta_star, atol=1e-12)


def test_newton_minimum_refuses_a_saddle(mlp):
    # θ = 0 is a critical point of the MLP's loss with balanced labels (all hidden units are 0, so is
    # every gradient), and a saddle: Newton does not move, and the check reports it.
    with pytest.raises(ValueError, match="not a minimum"):
        models.newton_minimum(mlp, np.zeros(mlp.dim))


@pytest.mark.parametrize("rate", [0.3, 0.8, 0.99])
def test_measured_rate_of_a_geometric_sequence(rate):
    d = 5.0 * rate ** np.arange(400.0)
    measured = models.measured_rate(d)
    assert measured.rate == pytest.approx(rate, rel=1e-12)
    assert float(measured) == measured.rate
    # The window: from the first k with d_k <= 1e-3 d_0 to the first with d_k <= 1e-10 d_0 (or the end);
    # a run that never gets below 1e-3 d_0 is measured over its last half.
    below_upper, below_lower = np.flatnonzero(d <= 1e-3 * d[0]), np.flatnonzero(d <= 1e-10 * d[0])
    start = below_upper[0] if below_upper.size else (len(d) - 1) // 2
    stop = below_lower[0] if below_lower.size else len(d) - 1
    assert (measured.start, measured.stop) == (start, stop)


def test_measured_rate_windows_and_fallback():
    d = np.array([1.0, 0.5, 0.25, 0.125, 0.0625])
    assert models.measured_rate(d, window=(1, 3)) == models.Rate(0.5, 1, 3)
    flat = np.ones(10)  # never converges: the last half
    assert models.measured_rate(flat) == models.Rate(1.0, 4, 9)
    with pytest.raises(ValueError, match="window must satisfy"):
        models.measured_rate(d, window=(3, 3))
    with pytest.raises(ValueError, match="at least 3 entries"):
        models.measured_rate([1.0, 0.5])


def test_convex_model_converges_at_the_predicted_rate():
    # The chapter's claim: tuned with μ and L of the Hessian at θ*, the heavy ball on the logistic loss
    # converges at Polyak's rate √β*, within a few percent (the double roots at μ and L add a factor k).
    X, y = models.make_moons(200, 0.15, seed=0)
    model = models.LogisticRegression(models.polynomial_features(X, 3), y, l2=1e-3)
    theta_star = models.newton_minimum(model, model.init(0))
    eigenvalues = np.linalg.eigvalsh(model.hessian(theta_star))
    lr, momentum, predicted = theory.optimal_momentum(eigenvalues[0], eigenvalues[-1])
    run = models.train(model, model.init(0), *models.as_float32(lr, momentum), 200)
    measured = models.measured_rate(run.distances(theta_star))
    assert measured.rate == pytest.approx(predicted, rel=0.03)
    # Gradient descent at its best step is much slower, also as predicted.
    gd_lr, gd_rate = theory.optimal_gd(eigenvalues[0], eigenvalues[-1])
    gd = models.train(model, model.init(0), gd_lr, 0.0, 400)
    assert models.measured_rate(gd.distances(theta_star)).rate == pytest.approx(gd_rate, rel=0.01)


# ---- argument errors ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda m: models.make_moons(2), ValueError, "n must be >= 4"),
        (lambda m: models.make_moons(10, noise=-1.0), ValueError, "noise must be >= 0"),
        (lambda m: models.polynomial_features(np.ones((3, 2)), 0), ValueError, "degree must be >= 1"),
        (lambda m: models.standardise(np.ones((3, 2))), ValueError, "constant column"),
        (lambda m: models.LogisticRegression(np.ones((3, 2)), [0, 1]), ValueError, "one label per row"),
        (lambda m: models.LogisticRegression(np.ones((2, 2)), [0, 2]), ValueError, "labels 0 and 1"),
        (lambda m: models.TanhMLP(np.ones((2, 2)), [0, 1], hidden=0), ValueError, "hidden must be >= 1"),
        (lambda m: m.loss(np.zeros(3)), ValueError, r"theta must have shape \(21,\); got shape \(3,\)"),
        (lambda m: models.train(m, np.zeros(21), 0.0, 0.9, 3), ValueError, "lr must be > 0"),
        (lambda m: models.train(m, np.zeros(4), 0.1, 0.9, 3), ValueError, r"theta0 must have shape \(21,\)"),
    ],
    ids=[
        "few samples",
        "negative noise",
        "degree 0",
        "constant column",
        "label count",
        "label values",
        "no hidden units",
        "theta shape",
        "lr 0",
        "theta0 shape",
    ],
)
def test_bad_arguments_are_named(mlp, call, error, message):
    with pytest.raises(error, match=message):
        call(mlp)
