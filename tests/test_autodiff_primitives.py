"""Every primitive of momentum_lab.autodiff against central finite differences, first AND second order.

``ad.check_grads(f, *args, order=2)`` compares the full Jacobian (one batched backward pass), a VJP, and
then the Jacobian and VJP of the VJP (an outer tape differentiating the recorded backward pass) with
central differences. Shapes, axes and indices are drawn by hypothesis, broadcasting included.

Each operation is checked through ``y ↦ y + ½y²`` so that its VJP depends on x: otherwise a linear
operation's VJP would be constant and the second-order check would not run its rules on batched
cotangents. Values are kept in ±[0.3, 1.5], away from the kinks of relu, abs, sign and clip.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from momentum_lab import autodiff as ad

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)


def draw_values(data, shape, domain="real", stream=0):
    """An array of ``shape``: 'positive' in [0.3, 1.5], 'real' the same with random signs.

    ``stream`` separates the arguments of one call: equal seeds must not give equal arrays (a tie of
    ``maximum`` is a kink that finite differences straddle).
    """
    rng = np.random.default_rng([data.draw(st.integers(0, 2**32 - 1), label="seed"), stream])
    x = rng.uniform(0.3, 1.5, shape)
    return x if domain == "positive" else x * rng.choice([-1.0, 1.0], shape)


def nonlinear(y):
    return y + 0.5 * y * y


def check(f, *args):
    ad.check_grads(lambda *a: nonlinear(f(*a)), *args, order=2)


# ---- unary elementwise ---------------------------------------------------------------------------------------------
UNARY = {
    "negative": (lambda x: -x, "real"),
    "exp": (ad.exp, "real"),
    "log": (ad.log, "positive"),
    "log1p": (ad.log1p, "positive"),
    "sqrt": (ad.sqrt, "positive"),
    "abs": (ad.abs, "real"),
    "tanh": (ad.tanh, "real"),
    "sigmoid": (ad.sigmoid, "real"),
    "softplus": (ad.softplus, "real"),
    "relu": (ad.relu, "real"),
    "square": (ad.square, "real"),
    "sign (zero gradient)": (ad.sign, "real"),
    "x ** 3": (lambda x: x**3, "real"),
    "x ** 0.5": (lambda x: x**0.5, "positive"),
    "x ** -1.5": (lambda x: ad.power(x, -1.5), "positive"),
    "2 ** x (rpow)": (lambda x: 2.0**x, "real"),
    "clip(x, -0.8, 0.9)": (lambda x: ad.clip(x, -0.8, 0.9), "real"),
    "clip(x, None, 0.5)": (lambda x: ad.clip(x, None, 0.5), "real"),
    "maximum(x, 0.5) (number operand)": (lambda x: ad.maximum(x, 0.5), "real"),
    "3 - x / 2 (reflected operators)": (lambda x: 3.0 - x / 2.0, "real"),
    "ndarray * x (array on the left)": (lambda x: np.full(x.shape, 1.7) * x, "real"),
}


@pytest.mark.parametrize("name", UNARY)
@SETTINGS
@given(data=st.data())
def test_unary(name, data):
    f, domain = UNARY[name]
    check(f, draw_values(data, data.draw(SHAPES, label="shape"), domain))


# ---- binary elementwise, with broadcasting -------------------------------------------------------------------------
BINARY = {
    "add": (ad.add, "real", "real"),
    "subtract": (ad.subtract, "real", "real"),
    "multiply": (ad.multiply, "real", "real"),
    "divide": (ad.divide, "real", "real"),
    "power": (ad.power, "positive", "real"),
    "maximum": (ad.maximum, "real", "real"),
    "minimum": (ad.minimum, "real", "real"),
    "operators a * b - a / b": (lambda a, b: a * b - a / b, "real", "real"),
    "clip(x, lo, hi) with tensor bounds": (lambda x, lo: ad.clip(x, lo, lo + 1.0), "real", "real"),
}


@pytest.mark.parametrize("name", BINARY)
@SETTINGS
@given(data=st.data())
def test_binary_broadcasting(name, data):
    f, domain_a, domain_b = BINARY[name]
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3), label="shapes")
    a, b = (draw_values(data, s, d, k) for k, (s, d) in enumerate(zip(shapes.input_shapes, (domain_a, domain_b))))
    check(f, a, b)


@SETTINGS
@given(data=st.data())
def test_where_broadcasts_condition_and_both_branches(data):
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3), label="shapes")
    condition = draw_values(data, shapes.input_shapes[0]) > 0
    a, b = (draw_values(data, s, stream=k) for k, s in enumerate(shapes.input_shapes[1:], start=1))
    check(lambda a, b: ad.where(condition, a, b), a, b)


# ---- reductions ----------------------------------------------------------------------------------------------------
def draw_axis(data, ndim):
    """None, one axis (maybe negative) or a tuple of distinct axes."""
    kind = data.draw(st.sampled_from(["none", "int", "tuple"]), label="axis kind")
    if kind == "none" or ndim == 0:
        return None
    if kind == "int":
        return data.draw(st.integers(-ndim, ndim - 1), label="axis")
    return tuple(data.draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True), label="axes"))


REDUCTIONS = {"sum": ad.sum, "mean": ad.mean, "max": ad.max, "logsumexp": ad.logsumexp}


@pytest.mark.parametrize("name", REDUCTIONS)
@SETTINGS
@given(data=st.data())
def test_reduction(name, data):
    x = draw_values(data, data.draw(SHAPES, label="shape"))
    axis = draw_axis(data, x.ndim)
    keepdims = data.draw(st.booleans(), label="keepdims")
    check(lambda x: REDUCTIONS[name](x, axis=axis, keepdims=keepdims), x)


@pytest.mark.parametrize("name", ["sum", "mean", "max"])
def test_tensor_methods_match_functions(name):
    x = np.arange(6.0).reshape(2, 3) - 2.5
    expected = getattr(np, name)(x, axis=1, keepdims=True)
    assert np.allclose(getattr(ad.constant(x), name)(axis=1, keepdims=True).numpy(), expected)
    check(lambda t: getattr(t, name)(axis=0), x)


@pytest.mark.parametrize("fn", [ad.softmax, ad.log_softmax], ids=["softmax", "log_softmax"])
@SETTINGS
@given(data=st.data())
def test_softmax_pair(fn, data):
    x = draw_values(data, data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=3), label="shape"))
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1), label="axis")
    check(lambda x: fn(x, axis=axis), x)


# ---- shapes --------------------------------------------------------------------------------------------------------
@SETTINGS
@given(data=st.data())
def test_reshape(data):
    x = draw_values(data, data.draw(SHAPES, label="shape"))
    new_shape = data.draw(
        st.sampled_from([(x.size,), (1, x.size), (x.size, 1, 1), (-1,), ()]).filter(lambda s: s != () or x.size == 1),
        label="new shape",
    )
    check(lambda x: ad.reshape(x, new_shape), x)


@SETTINGS
@given(data=st.data())
def test_transpose(data):
    x = draw_values(data, data.draw(SHAPES, label="shape"))
    axes = data.draw(st.permutations(range(x.ndim)), label="axes")
    check(lambda x: ad.transpose(x, axes), x)
    check(lambda x: x.T, x)


@SETTINGS
@given(data=st.data())
def test_broadcast_to(data):
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=1, max_dims=3, max_side=3), label="shapes")
    x = draw_values(data, shapes.input_shapes[0])
    check(lambda x: ad.broadcast_to(x, shapes.result_shape), x)


@SETTINGS
@given(data=st.data())
def test_getitem_basic_indices(data):
    x = draw_values(data, data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4), label="shape"))
    index = data.draw(hnp.basic_indices(x.shape, allow_newaxis=True), label="index")
    check(lambda x: x[index], x)


@SETTINGS
@given(data=st.data())
def test_getitem_integer_arrays_with_repeats(data):
    x = draw_values(data, data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4), label="shape"))
    index = data.draw(
        hnp.integer_array_indices(x.shape, result_shape=hnp.array_shapes(max_dims=2, max_side=4)), label="index"
    )
    check(lambda x: x[index], x)


def test_getitem_with_separated_array_indices_gradient_works_jacobian_is_refused():
    # x[[0, 1], :, [1, 0]]: NumPy moves the advanced axes to the front, which a batched cotangent cannot
    # follow; the plain gradient (no batch axes) is fine, jacobian/hessian raise a clear error.
    x = ad.constant(np.arange(12.0).reshape(2, 3, 2))
    index = (np.array([0, 1]), slice(None), np.array([1, 0]))
    with ad.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x[index] ** 2
    expected = np.zeros((2, 3, 2))
    expected[0, :, 1], expected[1, :, 0] = 2 * x.numpy()[0, :, 1], 2 * x.numpy()[1, :, 0]
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), expected)
    with pytest.raises(NotImplementedError, match="separated"):
        tape.jacobian(y, x)


def test_getitem_boolean_mask():
    x = np.array([[0.5, -1.2, 0.7], [-0.4, 1.1, -0.9]])
    check(lambda x: x[x.data > 0], x)


@SETTINGS
@given(data=st.data())
def test_take_along_axis(data):
    x = draw_values(data, data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=3), label="shape"))
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1), label="axis")
    picks = data.draw(st.integers(1, 3), label="picks")
    index_shape = tuple(picks if k == axis % x.ndim else n for k, n in enumerate(x.shape))
    rng = np.random.default_rng(data.draw(st.integers(0, 1000), label="index seed"))
    indices = rng.integers(0, x.shape[axis], size=index_shape)
    check(lambda x: ad.take_along_axis(x, indices, axis=axis), x)


@pytest.mark.parametrize("join", ["concatenate", "stack"])
@SETTINGS
@given(data=st.data())
def test_concatenate_and_stack(join, data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=3), label="shape")
    axis = data.draw(st.integers(-shape.__len__(), len(shape) - 1), label="axis")
    count = data.draw(st.integers(1, 3), label="count")
    shapes = [shape] * count
    if join == "concatenate":  # the joined axis may differ in length
        lengths = data.draw(st.lists(st.integers(1, 3), min_size=count, max_size=count), label="lengths")
        shapes = [tuple(n if k == axis % len(shape) else s for k, s in enumerate(shape)) for n in lengths]
    xs = [draw_values(data, s, stream=k) for k, s in enumerate(shapes)]
    fn = getattr(ad, join)
    check(lambda *xs: fn([x * (k + 1) for k, x in enumerate(xs)], axis=axis), *xs)


# ---- matmul: every combination of vectors, matrices and broadcast stacks -------------------------------------------
@SETTINGS
@given(data=st.data())
def test_matmul(data):
    stacks = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=2, max_side=2), label="stacks")
    m, k, n = (data.draw(st.integers(1, 3), label=name) for name in "mkn")
    a_vector, b_vector = data.draw(st.booleans(), label="a is 1-D"), data.draw(st.booleans(), label="b is 1-D")
    a = draw_values(data, (k,) if a_vector else stacks.input_shapes[0] + (m, k))
    b = draw_values(data, (k,) if b_vector else stacks.input_shapes[1] + (k, n), stream=1)
    check(ad.matmul, a, b)
    check(lambda a, b: a @ b, a, b)


def test_matrix_times_stack_uses_one_product_and_matches_numpy():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((4, 3, 5)), rng.standard_normal((5, 2))
    np.testing.assert_allclose(ad.matmul(a, b).numpy(), np.matmul(a, b), rtol=1e-14)
    np.testing.assert_allclose(ad.matmul(a[:, :, ::2], b[::2]).numpy(), np.matmul(a[:, :, ::2], b[::2]))


# ---- third order: the Jacobian of the Jacobian (two batch axes on the cotangents) ----------------------------------
THIRD_ORDER = {
    "multiply with broadcasting": (lambda a, b: a * b, [(2, 3), (3,)]),
    "matmul": (lambda a, b: ad.tanh(a @ b), [(2, 3), (3, 2)]),
    "logsumexp over an axis": (lambda a, b: ad.logsumexp(a * b, axis=1), [(2, 3), (3,)]),
    "getitem and concatenate": (lambda a, b: ad.concatenate([a[:, ::2] ** 3, b[None, :2]], axis=0), [(2, 3), (3,)]),
    "max over an axis": (lambda a, b: ad.max(a * b, axis=0) ** 2, [(2, 3), (3,)]),
}


@pytest.mark.parametrize("name", THIRD_ORDER)
def test_third_order(name):
    f, shapes = THIRD_ORDER[name]
    rng = np.random.default_rng(7)
    args = [rng.uniform(0.3, 1.5, s) * rng.choice([-1, 1], s) for s in shapes]
    ad.check_grads(f, *args, order=3, rtol=1e-4, atol=1e-5)


# ---- hard inputs: finite values and finite, correct first and second derivatives -----------------------------------
# σ(±1e4) = 1, 0 and σ(0) = ½; Σσ has gradient σ' = σ(1 − σ) = [0, 0, ¼] and Hessian diag(σ'') = 0 (σ'' = σ'(1 − 2σ)).
# softplus(±1e4) = 1e4, 0; gradient σ = [1, 0, ½]; Hessian diag(σ') = diag(0, 0, ¼).
# logsumexp([1e4, −1e4, 1e4]) = 1e4 + log 2; gradient p = softmax = [½, 0, ½]; Hessian diag(p) − ppᵀ.
# log_softmax(x)[0] = x₀ − logsumexp(x) = −log 2; gradient e₀ − p = [½, 0, −½]; Hessian −(diag(p) − ppᵀ).
_P = np.array([0.5, 0.0, 0.5])
HARD = {
    "sigmoid": (ad.sigmoid, [1e4, -1e4, 0.0], [1.0, 0.0, 0.5], [0.0, 0.0, 0.25], np.zeros((3, 3))),
    "softplus": (ad.softplus, [1e4, -1e4, 0.0], [1e4, 0.0, np.log(2)], [1.0, 0.0, 0.5], np.diag([0, 0, 0.25])),
    "logsumexp": (ad.logsumexp, [1e4, -1e4, 1e4], 1e4 + np.log(2), _P, np.diag(_P) - np.outer(_P, _P)),
    "log_softmax": (
        lambda x: ad.log_softmax(x)[0],
        [1e4, -1e4, 1e4],
        -np.log(2),
        [0.5, 0.0, -0.5],
        np.outer(_P, _P) - np.diag(_P),
    ),
}


@pytest.mark.parametrize("name", HARD)
def test_hard_inputs_are_stable(name):
    f, x, value, gradient, hessian = HARD[name]

    def total(t):  # the elementwise ones are differentiated through their sum, as the comments above say
        return ad.sum(f(t))

    y = f(ad.constant(x)).numpy()
    g, H = ad.grad(total)(x), ad.hessian(total, x)
    np.testing.assert_allclose(y, value, rtol=1e-12, atol=0)
    np.testing.assert_allclose(g, gradient, rtol=0, atol=1e-12)
    np.testing.assert_allclose(H, hessian, rtol=0, atol=1e-12)
