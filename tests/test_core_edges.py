"""Edges of the core modules: bad numbers refused by name, non-finite values stopped, float32 kept.

One table per class of problem: arrays that are not real numbers, arguments checked by name, NaN and
infinite gradients, float32 runs, and the numerically hard corners (exact powers, overflow, zero
denominators, empty arrays, ill-conditioned problems).
"""

import math
import warnings

import numpy as np
import pytest

from momentum_lab import curvature, data, landscapes, models, networks, noise, theory, training
from momentum_lab.optim import (
    EMA,
    SGD,
    Adagrad,
    Adam,
    ClassicalMomentum,
    DivergenceWarning,
    GradientDescent,
    KerasAdagrad,
    KerasAdam,
    KerasRMSprop,
    LinearWarmup,
    PolyakAverage,
    RMSprop,
    StepDecay,
    gradient_descent,
    gradient_descent_step,
    landscape_run,
    trajectory,
)

BOWL = landscapes.quadratic_bowl(10.0)


# -- 1. arrays that are not real numbers ------------------------------------------------------------------

NOT_REAL = [
    ("is_stable, complex eigenvalue", lambda: theory.is_stable(0.1, 0.5, np.array([1 + 1j])), "eigenvalues"),
    ("gd_rate, complex lr", lambda: theory.gd_rate(np.array([0.1 + 0j]), [1.0]), "lr"),
    ("heavy_ball_rate, boolean momentum", lambda: theory.heavy_ball_rate(0.1, np.array([True]), [1.0]), "momentum"),
    ("iterations_to, string rate", lambda: theory.iterations_to(np.array(["0.5"]), 0.1), "rate"),
    ("landscape value, complex point", lambda: BOWL.value(np.array([1j, 0.0])), "x"),
    ("trajectory, complex x0", lambda: trajectory(BOWL.grad, np.array([1j, 0]), SGD(0.1), 3), "x0"),
    ("trajectory, complex gradient", lambda: trajectory(lambda x: x * (1 + 1j), [1.0, 1.0], SGD(0.1), 3), "grad_fn(x)"),
    ("gradient_descent, boolean gradient", lambda: gradient_descent(lambda x: x > 0, [1.0, 1.0], 0.1, 3), "grad_fn(x)"),
    ("SGD.step, complex gradient", lambda: SGD(0.1).step(np.ones(2), np.array([1j, 1.0])), "grads"),
    ("Adam.step, object gradient", lambda: Adam().step(np.ones(2), np.array([1.0, None])), "grads"),
    ("power_iteration, complex hvp", lambda: curvature.power_iteration(lambda v: v * 1j, [1.0, 0.0]), "hvp(v)"),
    ("lanczos, boolean hvp", lambda: curvature.lanczos(lambda v: v > 0, 2, 1), "hvp(v)"),
    ("PolyakAverage, booleans", lambda: PolyakAverage().update(np.array([True, False])), "theta"),
    ("standardise, strings", lambda: data.standardise(np.array([["a", "b"], ["c", "d"]])), "X"),
    ("as_float32, complex", lambda: models.as_float32(0.5, 1j), "values[1]"),
    ("LogisticRegression, complex X", lambda: models.LogisticRegression(np.ones((2, 1)) * 1j, [0, 1]), "X"),
]


@pytest.mark.parametrize("call, name", [c[1:] for c in NOT_REAL], ids=[c[0] for c in NOT_REAL])
def test_arrays_of_non_real_numbers_are_refused_by_name(call, name):
    with pytest.raises(TypeError) as info:
        call()
    message = str(info.value)
    assert message.startswith(f"{name} must"), message
    assert "got" in message


# -- 2. iterations_to: the smallest k with rate**k <= tol, in float64 ------------------------------------


def _smallest_k(rate, tol):
    """The definition, by brute force: k = 0, 1, 2, … until rate ** k <= tol."""
    k = 0
    while rate**k > tol:
        k += 1
    return k


@pytest.mark.parametrize(
    "rate, tol, expected",
    [
        # 0.1 ** 6 == 1.0000000000000004e-06 > 1e-06 (the floats are not 1/10 and 1e-6): a 7th step is needed
        (0.1, 1e-6, 7),
        (0.1, 1e-3, 4),  # 0.1 ** 3 == 0.0010000000000000002 > 1e-3
        (0.5, 0.125, 3),  # 0.5 ** 3 == 0.125 exactly (powers of two are exact)
        (0.5, 0.1, 4),  # 0.5 ** 3 = 0.125 > 0.1 >= 0.5 ** 4 = 0.0625
        (0.25, 0.0625, 2),  # 0.25 ** 2 == 0.0625 exactly
        (0.0, 1e-9, 1),  # a rate of 0 needs one step: 0 ** 0 = 1 > tol
    ],
)
def test_iterations_to_exact_powers(rate, tol, expected):
    assert theory.iterations_to(rate, tol) == expected == _smallest_k(rate, tol)


def test_iterations_to_agrees_with_the_definition_on_many_rates():
    rng = np.random.default_rng(3)
    rates = np.concatenate([rng.uniform(0.01, 0.999, 300), [0.9, 0.99, 0.999, 0.2, 0.3, 0.7]])
    for tol in (1e-2, 1e-6, 1e-10, 0.3):
        got = theory.iterations_to(rates, tol)
        expected = [_smallest_k(float(r), tol) for r in rates]
        np.testing.assert_array_equal(got, expected)
        assert all(theory.iterations_to(float(r), tol) == e for r, e in zip(rates[:20], expected[:20]))


def test_iterations_to_never_converges_at_or_above_one():
    assert theory.iterations_to(1.0, 0.5) == math.inf
    np.testing.assert_array_equal(theory.iterations_to([1.0, 2.0, 0.5], 0.25), [np.inf, np.inf, 2.0])


# -- 3. arguments checked by name, with what was expected and what was received -------------------------

MESSAGES = [
    (lambda: landscapes.quadratic_bowl(dim=0), ValueError, "dim must be >= 1; got dim=0"),
    (lambda: landscapes.quadratic_bowl(dim=2.5), TypeError, "dim must be an integer; got dim=2.5 (float)"),
    (lambda: landscapes.quadratic_bowl(dim="3"), TypeError, "dim must be an integer; got dim='3' (str)"),
    (lambda: landscapes.quadratic_bowl(angle="x"), TypeError, "angle must be a real number; got angle='x' (str)"),
    (lambda: landscapes.quadratic_bowl(seed=-1, dim=3), ValueError, "seed must be >= 0; got seed=-1"),
    (lambda: BOWL.grid(n=-5), ValueError, "n must be >= 2; got n=-5"),
    (lambda: BOWL.grid(n=1.5), TypeError, "n must be an integer; got n=1.5 (float)"),
    (
        lambda: BOWL.value(3.0),
        ValueError,
        "x must have shape (..., 2) for the quadratic bowl (κ=10) landscape; got shape ()",
    ),
    (lambda: landscapes.get(3), TypeError, "name must be one of"),
    (
        lambda: theory.heavy_ball_rate([0.1, 0.2], [0.1, 0.2, 0.3], 1.0),
        ValueError,
        "lr and momentum must broadcast against each other; got lr.shape=(2,), momentum.shape=(3,)",
    ),
    (lambda: theory.rate_map([0.1], [0.5], 1.0, method=None), TypeError, "method must be one of"),
    (lambda: theory.stability_boundary(1.0), ValueError, "momentum must be in [0, 1)"),
    (lambda: theory.measured_rate([1.0, 0.5, 0.25], window=(0.0, 2)), TypeError, "window must be a pair of integers"),
    (
        lambda: theory.measured_rate([1.0, 0.5, 0.25, 0.1], upper=1e-12),
        ValueError,
        "upper and lower must satisfy 0 < lower < upper <= 1",
    ),
    (lambda: KerasAdam(learning_rate=-1.0), ValueError, "learning_rate must be >= 0; got learning_rate=-1.0"),
    (lambda: KerasRMSprop(learning_rate="fast"), TypeError, "learning_rate must be a real number"),
    (lambda: RMSprop(alpha=1.5), ValueError, "alpha must be in [0, 1]; got alpha=1.5"),
    (lambda: LinearWarmup("0.1", 5), TypeError, "after must be a real number"),
    (
        lambda: landscape_run(BOWL, SGD(0.1), [1.0, 2.0, 3.0], 5),
        ValueError,
        "x0 must have the landscape's shape (2,); got shape (3,)",
    ),
    (lambda: landscape_run(BOWL, SGD(0.1), [1.0, 2.0], 5, lr_limit=0.0), ValueError, "lr_limit must be > 0"),
    (lambda: data.make_moons(seed=-1), ValueError, "seed must be >= 0; got seed=-1"),
    (lambda: data.minibatch_indices(10, 2, 1, drop_last=1), TypeError, "drop_last must be True or False"),
    (lambda: models.as_float32(1e39), ValueError, "values[0] must be within float32's range"),
    (lambda: models.LogisticRegression([[0.0], [1.0]], [0, 2]), ValueError, "y must hold labels 0 and 1; got 1 other"),
    (lambda: training.newton_minimum(None, [0.0]), TypeError, "model must be a Model"),
    (
        lambda: training.train(_logistic(), [0.0, 0.0, 0.0], 0.1, 0.5, 3),
        ValueError,
        "theta0 must have shape (2,) (the model's dim); got shape (3,)",
    ),
    (lambda: training.newton_minimum(_logistic(), [0.0, 0.0], tol=0.0), ValueError, "tol must be > 0; got tol=0.0"),
    (
        lambda: training.newton_minimum(_logistic(), [0.0, 0.0], max_steps=2.5),
        TypeError,
        "max_steps must be an integer",
    ),
    (lambda: _fit(batches=[np.array([0.5])]), TypeError, "batches[0] must hold integer indices"),
    (lambda: _fit(batches=[np.array([10**6])]), ValueError, "batches[0] must hold indices in [0, 4)"),
    (lambda: _fit(batches=None), TypeError, "batches must be a list of index arrays"),
    (lambda: noise.minibatch_gradient_variance(np.eye(3), 1, seed=2.5), TypeError, "seed must be an integer"),
    (
        lambda: noise.simulate_noisy_quadratic([1.0], SGD(0.1), 3, per_direction="yes"),
        TypeError,
        "per_direction must be True or False",
    ),
    (lambda: noise.simulate_noisy_quadratic([1.0], None, 3), TypeError, "optimizer must have step(params, grads)"),
    (lambda: noise.per_example_gradients(None, [0.0], [[0.0]], [0]), TypeError, "model must have value_and_grad"),
    (lambda: networks.SoftmaxMLP((2, 3), activation=1), TypeError, "activation must be one of"),
    (lambda: curvature.extreme_eigenvalues(lambda v: v, 2, seed=-1), ValueError, "seed must be >= 0"),
]


def _logistic():
    X = np.array([[-1.0], [-0.5], [0.4], [1.2]])
    return models.LogisticRegression(X, [0, 1, 0, 1], l2=0.01)


def _fit(**changes):
    net = networks.SoftmaxMLP((2, 3, 2))
    X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    y = np.array([0, 1, 1, 0])
    kwargs = dict(model=net, theta0=net.init(0), optimizer=SGD(0.1), batches=[np.array([0, 1])], X=X, y=y) | changes
    return training.fit(**kwargs)


@pytest.mark.parametrize("call, error, fragment", MESSAGES, ids=[m[2][:50] for m in MESSAGES])
def test_bad_arguments_are_named_with_what_was_expected_and_received(call, error, fragment):
    with pytest.raises(error) as info:
        call()
    assert fragment in str(info.value)


# -- 4. non-finite gradients: refused by the optimizers, a stop with a warning in the trajectories -------


@pytest.mark.parametrize(
    "make",
    [
        lambda: SGD(0.1, momentum=0.9),
        lambda: ClassicalMomentum(0.1, 0.9),
        Adam,
        Adagrad,
        KerasAdagrad,
        lambda: RMSprop(centered=True),
    ],
)
def test_a_non_finite_gradient_leaves_every_parameter_and_the_state_untouched(make):
    opt = make()
    w, b = np.array([1.0, 2.0]), np.array([3.0])
    opt.step([w, b], [np.array([0.5, 0.5]), np.array([1.0])])
    w_before, b_before = w.copy(), b.copy()
    state_before = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in opt.state[w].items()}
    with pytest.raises(ValueError) as info:
        opt.step([w, b], [np.array([0.5, 0.5]), np.array([np.nan])])  # the second parameter's gradient
    assert str(info.value).startswith("grads[1] must contain only finite numbers (the gradient of params[1]")
    np.testing.assert_array_equal(w, w_before)  # the first parameter was not updated either
    np.testing.assert_array_equal(b, b_before)
    for key, value in state_before.items():
        np.testing.assert_array_equal(opt.state[w][key], value)


def test_a_first_step_with_an_infinite_gradient_creates_no_state():
    opt, w = SGD(0.1, momentum=0.9), np.ones(3)
    with pytest.raises(ValueError, match=r"grads must contain only finite numbers .* the first inf at flat index 2"):
        opt.step(w, np.array([0.0, 1.0, np.inf]))
    assert w not in opt.state
    np.testing.assert_array_equal(w, 1.0)


def test_a_gradient_that_overflows_the_parameters_float32_is_refused():
    w = np.ones(2, dtype=np.float32)
    with pytest.raises(ValueError, match="non-finite value.* in float32"):
        SGD(0.1).step(w, np.array([1e300, 0.0]))  # finite in float64, inf in float32
    np.testing.assert_array_equal(w, 1.0)


def test_trajectory_stops_with_a_warning_when_grad_fn_returns_nan():
    calls = []

    def grad(x):  # finite for two steps, then NaN
        calls.append(1)
        return np.full_like(x, np.nan) if len(calls) == 3 else x

    with pytest.warns(DivergenceWarning, match="non-finite gradient from grad_fn at step 3"):
        path = trajectory(grad, [1.0, -2.0], GradientDescent(0.5), 10)
    # x_{k+1} = x_k − 0.5 x_k = x_k / 2: the iterates before the NaN gradient
    np.testing.assert_array_equal(path, [[1.0, -2.0], [0.5, -1.0], [0.25, -0.5]])


def test_gradient_descent_stops_on_an_infinite_gradient():
    with pytest.warns(DivergenceWarning):
        path = gradient_descent(lambda x: x * np.inf, [1.0], 0.1, 5)
    assert path.shape == (1, 1) and np.all(np.isfinite(path))


def test_a_diverging_trajectory_never_returns_nan():
    with pytest.warns(DivergenceWarning, match="diverged at step"):
        path = trajectory(BOWL.grad, [1.0, 1.0], SGD(5.0, momentum=0.9), 2000)
    assert np.all(np.isfinite(path)) and len(path) < 2001


def test_an_unstable_noisy_simulation_reports_inf_not_nan():
    with pytest.warns(DivergenceWarning):
        losses = noise.simulate_noisy_quadratic([1.0, 10.0], SGD(1.0), 600, chains=4)
    assert losses.shape == (601,)
    assert not np.any(np.isnan(losses)) and np.isinf(losses[-1])


def test_training_with_a_far_too_large_step_raises_instead_of_recording_nan():
    model = _logistic()
    with np.errstate(all="ignore"), pytest.raises(FloatingPointError, match="the run diverged"):
        training.train(model, [0.0, 0.0], 1e308, 0.9, 50, value_and_grad=lambda t: (float(t @ t), 1e10 * t + 1.0))


# -- 5. float32 stays float32 ---------------------------------------------------------------------------


def test_float32_runs_stay_float32():
    x0 = np.array([1.0, -1.0], dtype=np.float32)
    path = trajectory(BOWL.grad, x0, ClassicalMomentum(0.1, 0.9), 5)
    assert path.dtype == np.float32 and path.shape == (6, 2)
    assert gradient_descent(lambda x: 2 * x, x0, 0.1, 3).dtype == np.float32
    assert gradient_descent_step(x0, np.ones(2, np.float32), 0.1).dtype == np.float32
    assert trajectory(BOWL.grad, [1.0, -1.0], SGD(0.1), 2).dtype == np.float64  # a list runs in float64
    w = x0.copy()
    Adam().step(w, np.array([1.0, 2.0]))  # a float64 gradient is cast to the parameter's float32
    assert w.dtype == np.float32
    assert PolyakAverage().update(x0).dtype == np.float32
    assert EMA().update(x0).dtype == np.float32


def test_a_float32_trajectory_matches_the_float64_one_to_float32_rounding():
    x0 = np.array([1.0, -1.0])
    p64 = trajectory(BOWL.grad, x0, ClassicalMomentum(0.1, 0.9), 50)
    p32 = trajectory(BOWL.grad, x0.astype(np.float32), ClassicalMomentum(0.1, 0.9), 50)
    np.testing.assert_allclose(p32, p64, atol=1e-5)


# -- 6. numerically hard corners ------------------------------------------------------------------------


def test_overflowing_products_give_an_infinite_rate_not_nan():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no RuntimeWarning either
        assert theory.gd_rate(1e200, [1e200]) == math.inf
        assert theory.heavy_ball_rate(1e200, 0.5, [1e200]) == math.inf
        assert theory.nesterov_rate(1e200, 0.0, [1e200]) == math.inf  # β = 0 with an infinite contraction
        assert np.all(np.isfinite(theory.nesterov_matrix(1e200, 0.0, 1e200)[..., 0, 1]))


def test_empty_learning_rate_arrays_give_empty_results():
    assert theory.gd_rate(np.array([]), [1.0]).shape == (0,)
    assert theory.rate_map(np.array([]), np.array([0.5]), [1.0]).shape == (1, 0)
    assert theory.is_stable(np.array([]), 0.5, [1.0]).shape == (0,)
    with pytest.raises(ValueError, match="eigenvalues must not be empty"):
        theory.gd_rate(0.1, [])


def test_landscapes_take_an_empty_batch_of_points():
    for surface in (BOWL, landscapes.Rosenbrock(), landscapes.SaddleWell()):
        assert surface.value(np.zeros((0, 2))).shape == (0,)
        assert surface.grad(np.zeros((0, 2))).shape == (0, 2)
        assert surface.hessian(np.zeros((0, 2))).shape == (0, 2, 2)


def test_adaptive_methods_with_eps_zero_do_not_move_a_coordinate_without_gradient():
    # eps = 0 and a zero gradient in coordinate 1: its step is 0/0, which stays put (limit eps -> 0+)
    for make in (
        lambda: Adam(lr=0.1, eps=0.0),
        lambda: Adagrad(lr=0.1, eps=0.0),
        lambda: RMSprop(eps=0.0),
        lambda: KerasAdam(epsilon=0.0),
        lambda: KerasAdagrad(initial_accumulator_value=0.0, epsilon=0.0),
    ):
        opt, w = make(), np.array([1.0, 1.0])
        for _ in range(3):
            opt.step(w, np.array([2.0, 0.0]))
        assert np.all(np.isfinite(w)), type(opt).__name__
        assert w[1] == 1.0 and w[0] < 1.0
    # Adam's first step with eps = 0 is lr · sign(g): m̂ = g, √v̂ = |g|
    opt, w = Adam(lr=0.1, eps=0.0), np.array([1.0, 1.0])
    opt.step(w, np.array([-3.0, 0.0]))
    np.testing.assert_allclose(w, [1.1, 1.0])


def test_centered_rmsprop_with_a_constant_gradient_stays_finite():
    # v − ḡ² is 0 in exact arithmetic for a constant gradient; rounding can make it negative
    for opt in (RMSprop(lr=0.01, centered=True, eps=0.0), KerasRMSprop(centered=True, epsilon=0.0)):
        w = np.full(1000, 1.0)
        g = np.full(1000, 0.1) * np.linspace(1, 3, 1000)
        for _ in range(50):
            opt.step(w, g)
        assert not np.any(np.isnan(w)), type(opt).__name__


def test_a_step_decay_that_would_overflow_says_so():
    schedule = StepDecay(1.0, 1, gamma=10.0)
    assert schedule(300) == 1e300
    with pytest.raises(ValueError, match="the rate overflows at k=400"):
        schedule(400)


def test_the_noise_scale_at_a_stationary_point_is_refused():
    G = np.array([[1.0, 2.0], [-1.0, -2.0], [0.3, -0.1], [-0.3, 0.1]])  # rows cancel exactly
    with pytest.raises(ValueError, match="per_example_grads must not average to zero"):
        noise.noise_scale(G)
    G[0, 0] += 1e-20  # still rounding level against rows of norm ~2
    with pytest.raises(ValueError, match="must not average to zero"):
        noise.noise_scale(G)


def test_standardise_handles_columns_near_the_float_limit():
    X = np.array([[1.7e308, 1.0], [1.6e308, 2.0], [1.5e308, 4.0]])
    Z = data.standardise(X)
    assert np.all(np.isfinite(Z))
    np.testing.assert_allclose(Z, data.standardise(X / [1e308, 1.0]), atol=1e-12)
    # hand-worked: column 1 is 1, 2, 4 with mean 7/3 and std √(14/9): z = (x − 7/3)/√(14/9)
    np.testing.assert_allclose(Z[:, 1], (np.array([1.0, 2.0, 4.0]) - 7 / 3) / math.sqrt(14 / 9))


def test_polynomial_features_that_overflow_are_refused():
    with pytest.raises(ValueError, match=r"the monomials of X up to degree=3 overflow float64"):
        data.polynomial_features(np.array([[1e200, 1.0], [2.0, 3.0], [1.0, 1.0]]), 3)


def test_power_iteration_and_lanczos_take_a_huge_start_vector():
    H = np.diag([3.0, 1.0])
    result = curvature.power_iteration(lambda v: H @ v, [1e300, 1e300])
    assert result.converged and abs(result.value - 3.0) < 1e-9
    np.testing.assert_allclose(curvature.lanczos(lambda v: H @ v, 2, 2, v0=[1e300, 1e299]).values, [1.0, 3.0])


def test_ill_conditioned_bowls_keep_their_eigenvalues():
    for kappa in (1e4, 1e8, 1e10):
        bowl = landscapes.quadratic_bowl(kappa)
        np.testing.assert_allclose(bowl.condition_number, kappa, rtol=1e-4)
    with pytest.raises(ValueError, match="A must be positive definite"):
        landscapes.quadratic_bowl(1e17)  # L/κ is below the rounding of Q diag(λ) Qᵀ


def test_newton_minimum_stops_at_the_rounding_floor_of_a_weakly_curved_loss():
    # four points in 1-d, two classes interleaved, l2 = 0.01: the minimum exists but is flat
    model = _logistic()
    theta = training.newton_minimum(model, [0.0, 0.0])
    assert np.linalg.norm(model.grad(theta)) < 1e-10
    rng = np.random.default_rng(1)
    for _ in range(10):  # the random problems of the property test
        n, d = rng.integers(4, 13), rng.integers(1, 4)
        X = rng.normal(size=(n, d))
        y = rng.integers(0, 2, size=n).astype(float)
        y[:2] = [0, 1]
        m = models.LogisticRegression(X, y, l2=0.01)
        assert np.linalg.norm(m.grad(training.newton_minimum(m, np.zeros(d + 1)))) < 1e-10


def test_a_rate_of_an_error_that_vanished_is_refused():
    with pytest.raises(ValueError, match="distances must be positive in the window"):
        theory.measured_rate([1.0, 0.1, 0.0, 0.0], window=(0, 3))


# -- 7. the edges are written down ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "module",
    [
        theory,
        landscapes,
        curvature,
        data,
        models,
        noise,
        training,
        __import__("momentum_lab.optim.adaptive", fromlist=["x"]),
        __import__("momentum_lab.optim.averaging", fromlist=["x"]),
        __import__("momentum_lab.optim.schedules", fromlist=["x"]),
    ],
)
def test_each_module_documents_its_edges(module):
    assert "Edges" in module.__doc__, module.__name__
