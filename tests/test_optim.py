"""The NumPy optimizers of ``momentum_lab.optim``: hand-worked steps, the three momentum conventions,
state handling, the chunked/threaded fast path, trajectories and argument checks.

Comparisons against torch.optim.SGD and keras.optimizers.SGD are in test_optim_vs_torch.py and
test_optim_vs_keras.py.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from momentum_lab import optim
from momentum_lab.landscapes import Quadratic, Rosenbrock, quadratic_bowl
from momentum_lab.optim import (
    SGD,
    ClassicalMomentum,
    DivergenceWarning,
    GradientDescent,
    KerasMomentum,
    gradient_descent,
    trajectory,
)

# ----------------------------------------------------------------------------------------------------
# Hand-worked steps on f(x) = x² (gradient 2x) from x = 1 with η = 0.1.

HAND_WORKED = [
    # plain: x1 = 1 − 0.1·2 = 0.8; x2 = 0.8 − 0.1·1.6 = 0.64
    ("gradient descent", lambda: GradientDescent(0.1), [0.8, 0.64]),
    ("SGD momentum=0", lambda: SGD(0.1), [0.8, 0.64]),
    # torch form, μ = 0.5: b1 = g1 = 2, x1 = 1 − 0.2 = 0.8; g2 = 1.6, b2 = 0.5·2 + 1.6 = 2.6, x2 = 0.8 − 0.26
    ("SGD heavy ball", lambda: SGD(0.1, momentum=0.5), [0.8, 0.54]),
    # classical, β = 0.5: v1 = 0.1·2 = 0.2, x1 = 0.8; v2 = 0.5·0.2 + 0.1·1.6 = 0.26, x2 = 0.54
    ("classical", lambda: ClassicalMomentum(0.1, 0.5), [0.8, 0.54]),
    # Keras: v1 = −0.2, x1 = 0.8; v2 = 0.5·(−0.2) − 0.16 = −0.26, x2 = 0.54
    ("keras", lambda: KerasMomentum(0.1, 0.5), [0.8, 0.54]),
    # torch Nesterov: b1 = 2, d1 = 2 + 0.5·2 = 3, x1 = 1 − 0.3 = 0.7;
    #                 g2 = 1.4, b2 = 0.5·2 + 1.4 = 2.4, d2 = 1.4 + 1.2 = 2.6, x2 = 0.7 − 0.26 = 0.44
    ("SGD nesterov", lambda: SGD(0.1, momentum=0.5, nesterov=True), [0.7, 0.44]),
    # classical Nesterov: v1 = 0.2, x1 = 1 − (0.5·0.2 + 0.2) = 0.7;
    #                     v2 = 0.1 + 0.14 = 0.24, x2 = 0.7 − (0.12 + 0.14) = 0.44
    ("classical nesterov", lambda: ClassicalMomentum(0.1, 0.5, nesterov=True), [0.7, 0.44]),
    # Keras Nesterov: v1 = −0.2, x1 = 1 + (−0.1 − 0.2) = 0.7; v2 = −0.1 − 0.14 = −0.24, x2 = 0.7 − 0.26
    ("keras nesterov", lambda: KerasMomentum(0.1, 0.5, nesterov=True), [0.7, 0.44]),
    # dampening τ = 0.5: b1 = g1 = 2 (no damping at step 1), x1 = 0.8;
    #                    b2 = 0.5·2 + 0.5·1.6 = 1.8, x2 = 0.8 − 0.18 = 0.62
    ("SGD dampening", lambda: SGD(0.1, momentum=0.5, dampening=0.5), [0.8, 0.62]),
    # weight decay 0.5 (coupled): d1 = 2 + 0.5·1 = 2.5, x1 = 0.75; d2 = 1.5 + 0.375 = 1.875, x2 = 0.5625
    ("SGD weight decay", lambda: SGD(0.1, weight_decay=0.5), [0.75, 0.5625]),
    # weight decay into the buffer: b1 = 2.5, x1 = 0.75; b2 = 0.5·2.5 + 1.875 = 3.125, x2 = 0.4375
    ("SGD momentum + weight decay", lambda: SGD(0.1, momentum=0.5, weight_decay=0.5), [0.75, 0.4375]),
]


@pytest.mark.parametrize("name, make, expected", HAND_WORKED, ids=[c[0] for c in HAND_WORKED])
def test_two_steps_by_hand(name, make, expected):
    path = trajectory(lambda x: 2 * x, [1.0], make(), 2)
    np.testing.assert_allclose(path[:, 0], [1.0, *expected], rtol=1e-14)


def test_state_after_two_steps_by_hand():
    # Same run as "SGD heavy ball": the torch buffer holds gradients (2.6), the classical velocity
    # holds steps (0.26 = η·2.6) and the Keras velocity is its negative.
    x_t, x_c, x_k = (np.array([1.0]) for _ in range(3))
    torch_form, classical, keras_form = SGD(0.1, momentum=0.5), ClassicalMomentum(0.1, 0.5), KerasMomentum(0.1, 0.5)
    for _ in range(2):
        torch_form.step(x_t, 2 * x_t)
        classical.step(x_c, 2 * x_c)
        keras_form.step(x_k, 2 * x_k)
    np.testing.assert_allclose(torch_form.state[x_t]["momentum_buffer"], [2.6])
    np.testing.assert_allclose(classical.state[x_c]["velocity"], [0.26])
    np.testing.assert_allclose(keras_form.state[x_k]["velocity"], [-0.26])


# ----------------------------------------------------------------------------------------------------
# The three conventions

PROBLEMS = {
    "bowl κ=10": quadratic_bowl(10.0),
    "bowl κ=50, d=6": quadratic_bowl(50.0, L=2.0, dim=6),
    "rosenbrock": Rosenbrock(),
}
STARTS = {"bowl κ=10": [-1.5, 1.5], "bowl κ=50, d=6": [1.0, -1.0, 0.5, 2.0, -0.5, 1.0], "rosenbrock": [-1.2, 1.0]}
STEP_SIZES = {"bowl κ=10": 0.3, "bowl κ=50, d=6": 0.2, "rosenbrock": 2e-4}


@pytest.mark.parametrize("problem", PROBLEMS)
@pytest.mark.parametrize("nesterov", [False, True])
def test_torch_form_equals_classical_form_at_constant_lr(problem, nesterov):
    # With η constant and no dampening, v_classical = η · b_torch, so the iterates agree.
    f, x0, lr = PROBLEMS[problem], STARTS[problem], STEP_SIZES[problem]
    torch_form = trajectory(f.grad, x0, SGD(lr, momentum=0.9, nesterov=nesterov), 80)
    classical = trajectory(f.grad, x0, ClassicalMomentum(lr, 0.9, nesterov=nesterov), 80)
    np.testing.assert_allclose(torch_form, classical, rtol=1e-11, atol=1e-12)


lr_schedules = st.lists(st.floats(0.0, 0.5, allow_nan=False), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(
    schedule=lr_schedules, momentum=st.floats(0.0, 1.0), nesterov=st.booleans(), problem=st.sampled_from(list(PROBLEMS))
)
def test_classical_and_keras_forms_are_identical_under_any_schedule(schedule, momentum, nesterov, problem):
    # v_Keras = −v_classical exactly, and negating a float is exact, so the iterates agree bit for bit.
    f, x0 = PROBLEMS[problem], STARTS[problem]
    lr_schedule = (lambda k: schedule[k]) if problem != "rosenbrock" else (lambda k: 1e-3 * schedule[k])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergenceWarning)
        classical = trajectory(f.grad, x0, ClassicalMomentum(0.1, momentum, nesterov), len(schedule), lr_schedule)
        keras_form = trajectory(f.grad, x0, KerasMomentum(0.1, momentum, nesterov), len(schedule), lr_schedule)
    np.testing.assert_array_equal(classical, keras_form)


# A stated setup for the schedule gap: f = ½ xᵀ diag(1, 2, 3) x from (1, 1, 1), β = 0.9,
# η_k = 0.1 · 0.9^k, 20 steps. (REFERENCE.md quotes 1.91 / 1.72 for an unstated 3-d quadratic.)
SCHEDULE_GAP = Quadratic(np.diag([1.0, 2.0, 3.0]))


def decaying(k):
    return 0.1 * 0.9**k


@pytest.mark.parametrize("nesterov, gap", [(False, 0.524522), (True, 0.264048)])
def test_torch_form_departs_from_classical_under_a_schedule(nesterov, gap):
    x0 = [1.0, 1.0, 1.0]
    torch_form = trajectory(SCHEDULE_GAP.grad, x0, SGD(0.1, momentum=0.9, nesterov=nesterov), 20, decaying)
    classical = trajectory(SCHEDULE_GAP.grad, x0, ClassicalMomentum(0.1, 0.9, nesterov), 20, decaying)
    distance = np.linalg.norm(torch_form - classical, axis=1)
    assert distance[1] == 0.0  # step 1 is plain gradient descent in every form
    assert distance.max() == pytest.approx(gap, abs=1e-6)


def test_torch_form_under_a_schedule_is_classical_with_rescaled_momentum():
    # torch: θ ← θ − η_k b_k with b_k = β b_{k−1} + g_k. Writing u_k = η_k b_k gives
    # u_k = β (η_k/η_{k−1}) u_{k−1} + η_k g_k: the classical form with momentum β·η_k/η_{k−1}.
    # For η_k = 0.1 · 0.9^k that is a constant 0.9 · 0.9 = 0.81.
    x0 = [1.0, 1.0, 1.0]
    torch_form = trajectory(SCHEDULE_GAP.grad, x0, SGD(0.1, momentum=0.9), 20, decaying)
    classical = trajectory(SCHEDULE_GAP.grad, x0, ClassicalMomentum(0.1, 0.81), 20, decaying)
    np.testing.assert_allclose(torch_form, classical, rtol=1e-13, atol=1e-15)


# ----------------------------------------------------------------------------------------------------
# Arrays, in place, state


def test_updates_a_list_of_arrays_in_place_and_leaves_gradients_alone():
    w, b = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([0.5])
    gw, gb = np.ones((2, 2)), np.array([2.0])
    w_id, b_id = id(w), id(b)
    opt = SGD(0.1, momentum=0.9, nesterov=True, weight_decay=0.1)
    opt.step([w, b], [gw, gb])
    assert (id(w), id(b)) == (w_id, b_id)
    # step 1: d = g + 0.1 θ; b = d; d ← d + 0.9 d = 1.9 d; θ ← θ − 0.1 · 1.9 d
    np.testing.assert_allclose(w, [[1.0, 2.0], [3.0, 4.0]] - 0.19 * (1 + 0.1 * np.array([[1.0, 2.0], [3.0, 4.0]])))
    np.testing.assert_array_equal(gw, np.ones((2, 2)))
    np.testing.assert_array_equal(gb, [2.0])
    assert w in opt.state and b in opt.state and len(opt.state) == 2


def test_a_single_array_and_a_list_give_the_same_step():
    a, b = np.array([1.0, -2.0]), np.array([1.0, -2.0])
    SGD(0.1, momentum=0.9).step(a, np.array([0.5, 0.5]))
    SGD(0.1, momentum=0.9).step([b], [np.array([0.5, 0.5])])
    np.testing.assert_array_equal(a, b)


def test_a_parameter_without_gradient_is_skipped():
    w, b = np.array([1.0]), np.array([1.0])
    opt = SGD(0.1, momentum=0.9)
    opt.step([w, b], [np.array([1.0]), None])
    np.testing.assert_array_equal(b, [1.0])
    assert w in opt.state and b not in opt.state


def test_state_is_created_on_first_use_and_belongs_to_the_array():
    x, y = np.array([1.0]), np.array([1.0])
    opt = SGD(0.1, momentum=0.9)
    with pytest.raises(KeyError, match="no optimizer state yet"):
        opt.state[x]
    opt.step(x, np.array([1.0]))
    np.testing.assert_array_equal(opt.state[x]["momentum_buffer"], [1.0])
    # A different array with equal values has its own, fresh state: its step 1 is b = g.
    opt.step(y, np.array([3.0]))
    np.testing.assert_array_equal(opt.state[y]["momentum_buffer"], [3.0])
    assert [p is q for p, q in zip(opt.state, [x, y])] == [True, True]
    opt.zero_state()
    assert len(opt.state) == 0
    opt.step(x, np.array([2.0]))  # after zero_state the next step is a first step again
    np.testing.assert_array_equal(opt.state[x]["momentum_buffer"], [2.0])


def test_state_is_dropped_with_its_array():
    opt = ClassicalMomentum(0.1, 0.9)
    x = np.ones(3)
    opt.step(x, np.ones(3))
    assert len(opt.state) == 1
    del x
    assert len(opt.state) == 0


def test_no_state_without_momentum():
    x = np.ones(2)
    opt = SGD(0.1)
    opt.step(x, np.ones(2))
    assert len(opt.state) == 0


def test_lr_can_change_between_steps():
    x = np.array([1.0])
    opt = GradientDescent(0.1)
    opt.step(x, np.array([1.0]))
    opt.lr = 0.5
    opt.step(x, np.array([1.0]))
    np.testing.assert_allclose(x, [1.0 - 0.1 - 0.5])
    with pytest.raises(ValueError, match="lr must be >= 0; got lr=-1.0"):
        opt.lr = -1.0


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_keeps_the_parameter_dtype_and_casts_gradients(dtype):
    x = np.ones(4, dtype=dtype)
    opt = SGD(0.5, momentum=0.9)
    opt.step(x, np.full(4, 0.5))  # float64 gradient for any parameter dtype
    assert x.dtype == dtype and opt.state[x]["momentum_buffer"].dtype == dtype
    np.testing.assert_array_equal(x, np.full(4, 0.75, dtype=dtype))


def reference_sgd(theta, grads, lr, momentum, nesterov, dampening, weight_decay):
    """torch.optim.SGD's loop written with whole-array temporaries (the obvious NumPy)."""
    theta, buf = theta.copy(), None
    for g in grads:
        d = g + weight_decay * theta if weight_decay else g
        if momentum:
            buf = d.copy() if buf is None else momentum * buf + (1 - dampening) * d
            d = d + momentum * buf if nesterov else buf
        theta = theta - lr * d
    return theta


FAST_PATH_CASES = [
    dict(momentum=0.9),
    dict(momentum=0.9, nesterov=True, weight_decay=0.01),
    dict(momentum=0.8, dampening=0.3, weight_decay=0.02),
    dict(weight_decay=0.1),
]


@pytest.mark.parametrize("kwargs", FAST_PATH_CASES, ids=str)
@pytest.mark.parametrize("threads", [1, 3])
def test_chunked_and_threaded_steps_equal_the_whole_array_formula(kwargs, threads, monkeypatch):
    # With 64 KiB chunks 150_001 float32 elements are 9 chunks and a remainder; with PARALLEL_MIN_SIZE
    # lowered they are also split over threads. Every element sees the same arithmetic.
    monkeypatch.setattr(optim._engine, "CHUNK_BYTES", 1 << 16)
    monkeypatch.setattr(optim._engine, "PARALLEL_MIN_SIZE", 1000)
    monkeypatch.setattr(optim._engine, "_num_threads", threads)
    rng = np.random.default_rng(0)
    theta = rng.standard_normal(150_001).astype(np.float32).reshape(-1)
    grads = [rng.standard_normal(theta.size).astype(np.float32) for _ in range(4)]
    expected = reference_sgd(
        theta,
        grads,
        np.float32(0.01),
        np.float32(kwargs.get("momentum", 0.0)),
        kwargs.get("nesterov", False),
        np.float32(kwargs.get("dampening", 0.0)),
        np.float32(kwargs.get("weight_decay", 0.0)),
    )
    opt = SGD(0.01, **kwargs)
    for g in grads:
        opt.step(theta, g)
    np.testing.assert_allclose(theta, expected, rtol=2e-6, atol=2e-7)


@pytest.mark.parametrize(
    "make",
    [
        lambda: SGD(0.1, momentum=0.9, nesterov=True, weight_decay=0.1),
        lambda: ClassicalMomentum(0.1, 0.9, nesterov=True),
        lambda: KerasMomentum(0.1, 0.9),
    ],
    ids=["SGD", "classical", "keras"],
)
@pytest.mark.parametrize("layout", ["column slice", "transposed", "fortran gradient"])
def test_non_contiguous_arrays_give_the_same_result(make, layout):
    rng = np.random.default_rng(1)
    base = rng.standard_normal((6, 5))
    grads = [rng.standard_normal((6, 5)) for _ in range(3)]
    expected, opt = base.copy(), make()
    for g in grads:
        opt.step(expected, g)
    opt = make()
    if layout == "column slice":
        holder = np.zeros((6, 10))
        param = holder[:, ::2]
        param[...] = base
        gs = grads
    elif layout == "transposed":
        param = np.ascontiguousarray(base.T).T
        gs = grads
    else:
        param = base.copy()
        gs = [np.asfortranarray(g) for g in grads]
    for g in gs:
        opt.step(param, g)
    np.testing.assert_allclose(param, expected, rtol=1e-15, atol=1e-15)


def test_thread_count_can_be_set_and_reset():
    optim.set_num_threads(2)
    assert optim.get_num_threads() == 2
    optim.set_num_threads(None)
    assert optim.get_num_threads() >= 1
    with pytest.raises(ValueError, match="n must be >= 1; got n=0"):
        optim.set_num_threads(0)


# ----------------------------------------------------------------------------------------------------
# trajectory


def test_trajectory_rows_and_start():
    bowl = quadratic_bowl(10.0)
    x0 = np.array([1.0, 2.0])
    path = trajectory(bowl.grad, x0, SGD(0.1, momentum=0.9), 25)
    assert path.shape == (26, 2) and path.dtype == np.float64
    np.testing.assert_array_equal(path[0], x0)
    np.testing.assert_array_equal(x0, [1.0, 2.0])  # not modified


def test_trajectory_of_gradient_descent_is_chapter_one_gradient_descent():
    bowl = quadratic_bowl(10.0)
    np.testing.assert_array_equal(
        trajectory(bowl.grad, [1.0, 2.0], GradientDescent(0.3), 40), gradient_descent(bowl.grad, [1.0, 2.0], 0.3, 40)
    )


def test_one_optimizer_draws_several_independent_trajectories():
    bowl = quadratic_bowl(10.0)
    opt = SGD(0.1, momentum=0.9)
    first = trajectory(bowl.grad, [1.0, 2.0], opt, 10)
    second = trajectory(bowl.grad, [1.0, 2.0], opt, 10)
    np.testing.assert_array_equal(first, second)


def test_schedule_is_applied_before_each_step_and_lr_restored():
    calls = []

    def schedule(k):
        calls.append(k)
        return 0.1 / (k + 1)

    opt = GradientDescent(0.7)
    # f = ½x², gradient x: x_{k+1} = (1 − η_k) x_k with η_k = 0.1/(k+1): 1 → 0.9 → 0.855 → 0.8265
    path = trajectory(lambda x: x, [1.0], opt, 3, lr_schedule=schedule)
    assert calls == [0, 1, 2]
    np.testing.assert_allclose(path[:, 0], [1.0, 0.9, 0.855, 0.8265])
    assert opt.lr == 0.7


def test_works_with_any_object_that_has_step():
    class HalfWay:
        def step(self, params, grads):
            params *= 0.5

    np.testing.assert_array_equal(trajectory(lambda x: x, [8.0], HalfWay(), 3)[:, 0], [8.0, 4.0, 2.0, 1.0])


@pytest.mark.parametrize(
    "make",
    [
        lambda: SGD(10.0, momentum=0.9),
        lambda: ClassicalMomentum(10.0, 0.9, nesterov=True),
        lambda: KerasMomentum(10.0, 0.5),
        lambda: GradientDescent(10.0),
    ],
    ids=["SGD", "classical", "keras", "gd"],
)
def test_divergence_stops_early_with_a_warning_and_no_nan(make):
    with pytest.warns(DivergenceWarning, match=r"diverged at step \d+ \(lr=10\)"):
        path = trajectory(lambda x: x, [1.0, 1.0], make(), 5000)
    assert len(path) < 5001
    assert np.all(np.isfinite(path)) and np.linalg.norm(path[-1]) <= optim.DIVERGENCE_NORM


def test_gradient_descent_warning_keeps_its_wording():
    with pytest.warns(DivergenceWarning, match=r"^gradient descent diverged at step \d+ \(lr=50\); returning the"):
        gradient_descent(lambda x: x, [1.0, 1.0], 50.0, 1000)


# ----------------------------------------------------------------------------------------------------
# Argument checks

BAD_CONSTRUCTORS = [
    (lambda: SGD(-0.1), ValueError, "lr must be >= 0; got lr=-0.1"),
    (lambda: SGD("0.1"), TypeError, "lr must be a real number; got lr='0.1'"),
    (lambda: SGD(0.1, momentum=-0.5), ValueError, "momentum must be >= 0; got momentum=-0.5"),
    (lambda: SGD(0.1, momentum=float("nan")), ValueError, "momentum must be finite; got momentum=nan"),
    (lambda: SGD(0.1, nesterov=True), ValueError, "nesterov=True requires momentum > 0; got momentum=0.0"),
    (
        lambda: SGD(0.1, momentum=0.9, nesterov=True, dampening=0.1),
        ValueError,
        "nesterov=True requires dampening=0; got dampening=0.1",
    ),
    (lambda: SGD(0.1, momentum=0.9, nesterov="yes"), TypeError, "nesterov must be True or False; got nesterov='yes'"),
    (lambda: SGD(0.1, momentum=0.9, dampening=1.5), ValueError, "dampening must be in [0, 1]; got dampening=1.5"),
    (lambda: SGD(0.1, weight_decay=-1e-4), ValueError, "weight_decay must be >= 0; got weight_decay=-0.0001"),
    (lambda: ClassicalMomentum(0.1, 1.5), ValueError, "momentum must be in [0, 1]; got momentum=1.5"),
    (lambda: ClassicalMomentum(0.1, None), TypeError, "momentum must be a real number; got momentum=None"),
    (lambda: KerasMomentum(0.1, -0.1), ValueError, "momentum must be in [0, 1]; got momentum=-0.1"),
    (lambda: KerasMomentum(-1, 0.9), ValueError, "lr must be >= 0; got lr=-1.0"),
    (lambda: GradientDescent(True), TypeError, "lr must be a real number; got lr=True"),
]


@pytest.mark.parametrize("make, error, fragment", BAD_CONSTRUCTORS, ids=[c[2] for c in BAD_CONSTRUCTORS])
def test_bad_constructor_arguments(make, error, fragment):
    with pytest.raises(error) as info:
        make()
    assert fragment in str(info.value)


NOT_ARRAYS = "params must be a NumPy array or a list of NumPy arrays (updated in place); got"
NOT_FLOATS = "must be a NumPy array of floats (it is updated in place); got"
BAD_STEPS = [
    ([1.0, 2.0], [1.0, 1.0], TypeError, f"{NOT_ARRAYS} a list of numbers"),
    (3.0, 1.0, TypeError, f"{NOT_ARRAYS} float"),
    ([[1.0, 2.0]], [[1.0, 1.0]], TypeError, f"params[0] {NOT_FLOATS} list"),
    (np.array([1, 2]), np.array([1, 1]), TypeError, f"params {NOT_FLOATS} array of dtype int64"),
    (np.ones(2), np.ones(3), ValueError, "grads must have the shape of params, (2,); got shape (3,)"),
    ([np.ones(2), np.ones(3)], [np.ones(2)], ValueError, "grads must have one entry per parameter (2); got 1"),
    (
        [np.ones(2)],
        np.ones(2),
        TypeError,
        "grads must be a list with one gradient per parameter, like params; got ndarray",
    ),
    ([np.ones(2)], [np.ones((2, 1))], ValueError, "grads[0] must have the shape of params[0], (2,); got shape (2, 1)"),
    (np.ones(2), "ab", TypeError, "grads must be array-like of numbers; got str"),
    (np.ones(2), np.array(["a", "b"]), TypeError, "grads must hold real numbers (integers or floats); got dtype <U1"),
]


@pytest.mark.parametrize("params, grads, error, fragment", BAD_STEPS, ids=[c[3] for c in BAD_STEPS])
def test_bad_step_arguments(params, grads, error, fragment):
    with pytest.raises(error) as info:
        SGD(0.1, momentum=0.9).step(params, grads)
    assert fragment in str(info.value)


def test_read_only_parameter_is_refused():
    x = np.ones(2)
    x.flags.writeable = False
    with pytest.raises(ValueError, match="params must be writable"):
        GradientDescent(0.1).step(x, np.ones(2))


BAD_TRAJECTORIES = [
    (dict(grad_fn=3), TypeError, "grad_fn must be callable (x -> gradient at x); got int"),
    (dict(x0=[[1.0, 2.0]]), ValueError, "x0 must have 1 dimension(s); got shape (1, 2)"),
    (dict(x0=[1.0, float("nan")]), ValueError, "x0 must contain only finite numbers"),
    (dict(optimizer="sgd"), TypeError, "optimizer must have a step(params, grads) method; got str"),
    (dict(steps=-1), ValueError, "steps must be >= 0; got steps=-1"),
    (dict(steps=1.5), TypeError, "steps must be an integer; got steps=1.5"),
    (dict(lr_schedule=0.1), TypeError, "lr_schedule must be callable (k -> lr, or None); got float"),
    (dict(lr_schedule=lambda k: -0.1), ValueError, "lr_schedule(0) must be >= 0; got lr_schedule(0)=-0.1"),
    (dict(lr_schedule=lambda k: "fast"), TypeError, "lr_schedule(0) must be a real number"),
    (
        dict(grad_fn=lambda x: np.zeros(3)),
        ValueError,
        "grad_fn must return an array of x0's shape (2,); got shape (3,)",
    ),
]


@pytest.mark.parametrize("kwargs, error, fragment", BAD_TRAJECTORIES, ids=[c[2] for c in BAD_TRAJECTORIES])
def test_bad_trajectory_arguments(kwargs, error, fragment):
    args = dict(grad_fn=lambda x: x, x0=[1.0, 2.0], optimizer=SGD(0.1, momentum=0.9), steps=5) | kwargs
    with pytest.raises(error) as info:
        trajectory(**args)
    assert fragment in str(info.value)


def test_schedule_needs_an_optimizer_with_lr():
    class NoRate:
        def step(self, params, grads):
            pass

    with pytest.raises(TypeError, match="lr_schedule needs an optimizer with an lr attribute; got NoRate"):
        trajectory(lambda x: x, [1.0], NoRate(), 3, lr_schedule=lambda k: 0.1)
