"""The autodiff package at its edges: the power rule at a zero base, zero cotangents against infinite
slopes, float32 kept float32, errors that name the operation and its arguments, NumPy functions on
tensors, non-finite points, and what each docstring says about NaN, empty arrays, zero denominators and
overflow. The PyTorch and TensorFlow comparisons of the same claims are in test_autodiff_frameworks.py.
"""

import inspect
import math
import typing
import warnings

import numpy as np
import pytest

from momentum_lab import autodiff as ad
from momentum_lab.autodiff.primitive import IndexOutOfRange, Primitive

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # log(0), 0 ** -0.5: NumPy's warnings


def nth_derivative(f, x, k):
    """f^(k)(x) for a scalar function, by k nested ``grad`` (each one records the previous one)."""
    for _ in range(k):
        f = ad.grad(f)
    return float(f(ad.constant(x)))


def falling_factorial(p, k):
    """p (p − 1) ... (p − k + 1): the coefficient of x^(p−k) in the k-th derivative of x^p."""
    return math.prod(p - j for j in range(k))


# ---- 1. the power rule at a zero base, every order -----------------------------------------------------------------
# For an integer p >= 0, d^k/dx^k x^p at 0 = p!/(p−k)! · 0^(p−k): 0 for k < p, p! for k = p, 0 for k > p.
# Worked for p = 3: 3x², 6x, 6, 0  ->  at 0: 0, 0, 6, 0.
INTEGER_POWERS = [(p, k) for p in (0, 1, 2, 3, 4, 1.0, 2.0, 3.0) for k in range(1, 6)]


@pytest.mark.parametrize("p, k", INTEGER_POWERS, ids=[f"x**{p!r}, order {k}" for p, k in INTEGER_POWERS])
def test_integer_power_derivatives_at_zero_are_exact(p, k):
    expected = math.factorial(int(p)) if k == p else 0.0
    assert nth_derivative(lambda x: x**p, 0.0, k) == expected


def test_hand_worked_cube_at_zero():
    # x³: derivatives 3x², 6x, 6, 0, evaluated at 0.
    assert [nth_derivative(lambda x: x**3, 0.0, k) for k in (1, 2, 3, 4)] == [0.0, 0.0, 6.0, 0.0]


# For a non-integer p: 0 where p − k > 0, ±∞ where p − k < 0, the sign that of p (p − 1) ... (p − k + 1).
FRACTIONAL_POWERS = [(p, k) for p in (0.5, 1.5, 2.5) for k in range(1, 5)]


@pytest.mark.parametrize("p, k", FRACTIONAL_POWERS, ids=[f"x**{p}, order {k}" for p, k in FRACTIONAL_POWERS])
def test_fractional_power_derivatives_at_zero(p, k):
    c = falling_factorial(p, k)
    expected = 0.0 if p - k > 0 else math.copysign(math.inf, c)
    assert nth_derivative(lambda x: x**p, 0.0, k) == expected


@pytest.mark.parametrize("p", [0, 1, 2, 3, 1.5, 2.5, -1, -2.5])
def test_power_derivatives_away_from_zero_match_finite_differences(p):
    ad.check_grads(lambda x: x**p, np.array([0.7, 1.3, 2.1]), order=3, eps=1e-5, rtol=1e-5, atol=1e-6)
    for k in (1, 2, 3):  # and the closed form p (p−1) ... x^(p−k)
        assert nth_derivative(lambda x: x**p, 1.3, k) == pytest.approx(
            falling_factorial(p, k) * 1.3 ** (p - k), rel=1e-12
        )


def test_x_to_the_zero_has_derivative_zero_everywhere_including_zero():
    # x⁰ ≡ 1, so every derivative is 0 (PyTorch agrees; TensorFlow returns NaN at 0).
    for x in (0.0, 2.0, -3.0):
        assert nth_derivative(lambda t: t**0, x, 1) == 0.0
        assert nth_derivative(lambda t: t**0.0, x, 2) == 0.0
    np.testing.assert_array_equal(ad.hessian(lambda v: ad.sum(v**0), np.zeros(3)), np.zeros((3, 3)))


def test_hessian_of_x_to_the_one_at_zero_is_zero_and_finite():
    H = ad.hessian(lambda v: ad.sum(v**1.0) + v[0] * v[1], np.array([0.0, 0.0]))
    np.testing.assert_array_equal(H, [[0.0, 1.0], [1.0, 0.0]])


def test_third_derivative_tensor_of_powers_at_zero():
    # ∂³/∂x_i³ Σ x_j³ = 6 on the diagonal, 0 elsewhere; of Σ x_j² it is 0 everywhere.
    for p, diagonal in ((2, 0.0), (3, 6.0)):
        T = ad.jacobian(lambda v, p=p: ad.hessian(lambda u: ad.sum(u**p), v), ad.constant(np.zeros(3))).numpy()
        expected = np.zeros((3, 3, 3))
        expected[np.arange(3), np.arange(3), np.arange(3)] = diagonal
        np.testing.assert_array_equal(T, expected)


def test_exponent_gradient_is_zero_at_a_non_positive_base():
    # d/db a^b = log(a) a^b, taken as 0 where a <= 0 (TensorFlow's choice): finite even where a^b = ∞.
    g = ad.grad(lambda b: ad.sum(ad.constant([0.0, -2.0, 2.0]) ** b))(np.array([-1.0, 2.0, 3.0]))
    np.testing.assert_allclose(g, [0.0, 0.0, math.log(2.0) * 8.0], rtol=1e-15)


# ---- no NaN through 0 · ∞ in the other entries of a Hessian --------------------------------------------------------
# Each f mixes one coordinate with an infinite second derivative at the point (x0 = 0) with ordinary terms;
# the expected Hessians are worked by hand. PyTorch and TensorFlow give NaN at [1, 0] for the first two.
INFINITE_SLOPES = [
    # f = x0^1.5 + x1² + x0 x1: ∂²/∂x0² = 0.75 x0^−0.5 = ∞, mixed 1, ∂²/∂x1² = 2
    ("x0**1.5", lambda v: v[0] ** 1.5 + v[1] ** 2 + v[0] * v[1], [[np.inf, 1.0], [1.0, 2.0]]),
    # f = √x0 + x1² + e^x0 x1: ∂²/∂x0² = −¼ x0^−1.5 + e^x0 x1 = −∞, mixed e^0 = 1, ∂²/∂x1² = 2
    ("sqrt", lambda v: ad.sqrt(v[0]) + v[1] ** 2 + ad.exp(v[0]) * v[1], [[-np.inf, 1.0], [1.0, 2.0]]),
    # f = log x0 + x1²: ∂²/∂x0² = −1/x0² = −∞, mixed 0, ∂²/∂x1² = 2
    ("log", lambda v: ad.log(v[0]) + v[1] ** 2, [[-np.inf, 0.0], [0.0, 2.0]]),
    # f = x1 / (1 + x0^0.5) ... at x0 = 0: ∂/∂x1 = 1/(1+√x0) = 1, ∂²/∂x1² = 0, mixed = −1/(2√x0 (1+√x0)²) = −∞
    ("divide", lambda v: v[1] / (1.0 + ad.sqrt(v[0])), [[np.inf, -np.inf], [-np.inf, 0.0]]),
]


@pytest.mark.parametrize("case, f, expected", INFINITE_SLOPES, ids=[c[0] for c in INFINITE_SLOPES])
def test_infinite_second_derivatives_do_not_spread_nan(case, f, expected):
    H = ad.hessian(f, np.array([0.0, 1.0]))
    assert not np.isnan(H).any()
    np.testing.assert_array_equal(H, expected)
    Hv = ad.hvp(f, np.array([0.0, 1.0]), np.array([0.0, 1.0]))  # the finite column
    np.testing.assert_array_equal(Hv, np.asarray(expected)[:, 1])


def test_where_keeps_an_infinite_dead_branch_out_of_the_gradient():
    # The classic trap: where(x > 0, √x, 0) at 0. The √x branch is not taken; its slope ∞ meets a zero
    # cotangent, which counts as no gradient: the derivative is 0 (0 · ∞ = NaN in TF and PyTorch).
    f = lambda x: ad.sum(ad.where(x.data > 0, ad.sqrt(x), 0.0))  # noqa: E731
    np.testing.assert_array_equal(ad.grad(f)(np.array([0.0, 4.0])), [0.0, 0.25])


def test_a_nan_or_inf_from_the_mathematics_is_the_answer():
    # log(0) = −∞ and its slope 1/0 = ∞: returned, not refused (only the point itself must be finite).
    value, g = ad.value_and_grad(lambda v: ad.sum(ad.log(v)))(np.array([0.0, 1.0]))
    assert value == -np.inf
    np.testing.assert_array_equal(g, [np.inf, 1.0])
    assert np.isnan(float(ad.sqrt(ad.constant(-1.0))))


# ---- 2. float32 in, float32 out ------------------------------------------------------------------------------------
X32 = np.array([0.3, 0.8, 1.7], np.float32)
C64 = np.float64(0.5)  # a float64 NumPy scalar
Z64 = np.array(1.25)  # a 0-d float64 array
FLOAT32_CASES = {
    "add": lambda x: ad.sum(x + 1.5 + C64),
    "subtract": lambda x: ad.sum(2.5 - x - Z64),
    "multiply": lambda x: ad.sum(x * C64 * x * 3),
    "divide": lambda x: ad.sum(1.0 / (x + C64) + x / 3.0),
    "power": lambda x: ad.sum(x**2.5 + x**C64 + 2.0**x),
    "negative": lambda x: ad.sum(-(x * x)),
    "square": lambda x: ad.sum(ad.square(x) * 0.5),
    "sqrt": lambda x: ad.sum(ad.sqrt(x + 0.1)),
    "exp": lambda x: ad.sum(ad.exp(x * C64)),
    "log": lambda x: ad.sum(ad.log(x + 1e-3)),
    "log1p": lambda x: ad.sum(ad.log1p(x * 2.0)),
    "tanh": lambda x: ad.sum(ad.tanh(x - 0.5) ** 2),
    "sigmoid": lambda x: ad.sum(ad.sigmoid(x * 3.0 - 1.0) ** 2),
    "softplus": lambda x: ad.sum(ad.softplus(x - 1.0) ** 2),
    "relu": lambda x: ad.sum(ad.relu(x - 0.5) ** 2),
    "abs": lambda x: ad.sum(ad.abs(x - 1.0) * x),
    "sign": lambda x: ad.sum(ad.sign(x - 1.0) * x * x),
    "maximum": lambda x: ad.sum(ad.maximum(x, 0.5) ** 2),
    "minimum": lambda x: ad.sum(ad.minimum(x, Z64) ** 2),
    "clip": lambda x: ad.sum(ad.clip(x, 0.5, 1.5) ** 2),
    "where": lambda x: ad.sum(ad.where(x.data > 1.0, x * x, 0.5 * x)),
    "sum, mean": lambda x: ad.sum(x * x, axis=0) + ad.mean(x**3),
    "max": lambda x: ad.max(x * x),
    "logsumexp": lambda x: ad.logsumexp(x * 2.0),
    "softmax": lambda x: ad.sum(ad.softmax(x) * x),
    "log_softmax": lambda x: ad.sum(ad.log_softmax(x) ** 2),
    "reshape, transpose": lambda x: ad.sum(ad.transpose(ad.reshape(x * x, (3, 1))) * C64),
    "getitem": lambda x: x[0] * x[2] + ad.sum(x[np.array([True, False, True])] ** 2),
    "take_along_axis": lambda x: ad.sum(ad.take_along_axis(ad.reshape(x, (1, 3)) ** 2, np.array([[2, 0]]), 1)),
    "concatenate, stack": lambda x: ad.sum(ad.concatenate([x, x * x]) * ad.sum(ad.stack([x, 2.0 * x]))),
    "broadcast_to": lambda x: ad.sum(ad.broadcast_to(x * x, (2, 3))),
    "matmul": lambda x: ad.sum((ad.reshape(x, (1, 3)) @ np.ones((3, 2), np.float32)) ** 2) + x @ x,
    "integer array": lambda x: ad.sum(x * x * np.array([1, 0, 2])),
}


@pytest.mark.parametrize("case", list(FLOAT32_CASES))
def test_float32_inputs_give_float32_values_gradients_hessians_and_hvps(case):
    f = FLOAT32_CASES[case]
    assert f(ad.constant(X32)).dtype == np.float32
    assert ad.grad(f)(X32).dtype == np.float32
    H = ad.hessian(f, X32)
    assert H.dtype == np.float32 and H.shape == (3, 3) and np.isfinite(H).all()
    assert ad.hvp(f, X32, np.ones(3)).dtype == np.float32  # v (float64) is cast to x's dtype
    # the float32 numbers are the float64 ones, rounded
    np.testing.assert_allclose(H, ad.hessian(f, X32.astype(np.float64)), rtol=2e-4, atol=1e-4)


def test_a_float64_array_promotes_the_value_but_the_gradient_keeps_the_source_dtype():
    # NumPy (and PyTorch) promote float32 with a float64 array; the gradient has its source's dtype.
    f = lambda x: ad.sum(x * np.array([1.0, 2.0, 3.0]))  # noqa: E731
    assert f(ad.constant(X32)).dtype == np.float64
    g = ad.grad(f)(X32)
    assert g.dtype == np.float32
    np.testing.assert_array_equal(g, [1.0, 2.0, 3.0])


def test_float32_tape_jacobian_and_output_gradients():
    x = ad.constant(X32)
    with ad.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = ad.exp(x) * C64
    assert tape.jacobian(y, x).dtype == np.float32
    assert tape.gradient(y, x, output_gradients=np.ones(3)).dtype == np.float32


# ---- 3. errors name the operation, the arguments and their shapes --------------------------------------------------
X3 = ad.constant([1.0, 2.0, 3.0])
M23 = ad.constant(np.ones((2, 3)))
ERRORS = [
    (
        "add",
        lambda: X3 + ad.constant([1, 2]),
        ValueError,
        r"^add: a\.shape=\(3,\) and b\.shape=\(2,\) cannot be broadcast together$",
    ),
    ("subtract", lambda: ad.subtract(X3, np.ones(2)), ValueError, r"subtract: a\.shape=\(3,\) and b\.shape=\(2,\)"),
    ("multiply", lambda: X3 * np.ones((2, 2)), ValueError, r"multiply: a\.shape=\(3,\) and b\.shape=\(2, 2\)"),
    ("divide", lambda: np.ones(2) / X3, ValueError, r"divide: a\.shape=\(2,\) and b\.shape=\(3,\)"),
    ("power", lambda: X3 ** np.ones(4), ValueError, r"power: a\.shape=\(3,\) and b\.shape=\(4,\)"),
    ("maximum", lambda: ad.maximum(X3, [1.0, 2.0]), ValueError, r"maximum: a\.shape=\(3,\) and b\.shape=\(2,\)"),
    ("minimum", lambda: ad.minimum([1.0, 2.0], X3), ValueError, r"minimum: a\.shape=\(2,\) and b\.shape=\(3,\)"),
    (
        "where",
        lambda: ad.where([True, False], X3, 0.0),
        ValueError,
        r"where: condition\.shape=\(2,\), a\.shape=\(3,\) and b\.shape=\(\)",
    ),
    ("where of strings", lambda: ad.where(np.array(["a"]), X3, 0.0), TypeError, "where: condition"),
    (
        "matmul",
        lambda: M23 @ M23,
        ValueError,
        r"matmul: a\.shape=\(2, 3\) and b\.shape=\(2, 3\) do not line up: a's last axis has 3 entries and b's "
        r"second-to-last axis has 2",
    ),
    ("matmul of a vector", lambda: M23 @ ad.constant([1.0, 2.0]), ValueError, r"b's only axis has 2"),
    ("matmul of a scalar", lambda: ad.matmul(2.0, M23), ValueError, r"matmul: a\.shape=\(\).*multiply"),
    (
        "reshape",
        lambda: ad.reshape(X3, (4,)),
        ValueError,
        r"reshape: cannot reshape x\.shape=\(3,\) \(3 entries\) into shape=\(4,\)",
    ),
    ("reshape, two -1", lambda: X3.reshape(-1, -1), ValueError, r"reshape: shape=\(-1, -1\) may contain at most one"),
    ("reshape to a bool", lambda: ad.reshape(X3, True), TypeError, "reshape: shape must be an int"),
    (
        "broadcast_to",
        lambda: ad.broadcast_to(X3, (2,)),
        ValueError,
        r"broadcast_to: x\.shape=\(3,\) cannot be broadcast to shape=\(2,\)",
    ),
    ("broadcast_to a negative size", lambda: ad.broadcast_to(X3, (-3,)), ValueError, "sizes >= 0"),
    (
        "concatenate, ndim",
        lambda: ad.concatenate([M23, X3]),
        ValueError,
        r"concatenate: tensors\[1\]\.shape=\(3,\) and tensors\[0\]\.shape=\(2, 3\) have different numbers",
    ),
    (
        "concatenate, lengths",
        lambda: ad.concatenate([M23, np.ones((2, 2))]),
        ValueError,
        r"concatenate: tensors\[1\]\.shape=\(2, 2\) and tensors\[0\]\.shape=\(2, 3\) differ on an axis other than "
        r"axis=0",
    ),
    ("concatenate 0-d tensors", lambda: ad.concatenate([ad.constant(1.0)]), ValueError, "0-d.*stack"),
    ("concatenate, bool axis", lambda: ad.concatenate([X3, X3], axis=True), TypeError, "concatenate: axis"),
    (
        "stack",
        lambda: ad.stack([X3, M23]),
        ValueError,
        r"stack: tensors\[1\]\.shape=\(2, 3\) differs from tensors\[0\]\.shape=\(3,\)",
    ),
    ("stack, float axis", lambda: ad.stack([X3, X3], axis=0.5), TypeError, "stack: axis must be an int"),
    ("index by a float", lambda: X3[1.5], TypeError, r"getitem: an index must be an int.*got 1\.5 \(float\)"),
    (
        "index out of range",
        lambda: X3[10],
        IndexOutOfRange,
        r"getitem: index 10 is out of range for axis 0 of size 3 \(x\.shape=\(3,\), index x\[10\]\)",
    ),
    (
        "negative index out of range",
        lambda: M23[0, -4],
        IndexOutOfRange,
        "index -4 is out of range for axis 1 of size 3",
    ),
    (
        "index array out of range",
        lambda: M23[:, np.array([0, 7])],
        IndexOutOfRange,
        "index 7 is out of range for axis 1",
    ),
    (
        "mask of the wrong length",
        lambda: X3[np.array([True, False])],
        IndexOutOfRange,
        r"boolean mask of shape \(2,\) does not match axis 0 of x, of shape \(3,\)",
    ),
    ("too many indices", lambda: X3[0, 0], IndexOutOfRange, "too many indices"),
    (
        "take_along_axis out of range",
        lambda: ad.take_along_axis(M23, np.array([[5], [0]]), axis=1),
        IndexOutOfRange,
        r"take_along_axis: indices must be in \[-3, 3\) along axis=1 of x\.shape=\(2, 3\); got 5",
    ),
    (
        "take_along_axis, shapes",
        lambda: ad.take_along_axis(M23, np.zeros((3, 1), int), axis=1),
        ValueError,
        r"take_along_axis: indices\.shape=\(3, 1\) must match x\.shape=\(2, 3\)",
    ),
    ("take_along_axis, axis", lambda: ad.take_along_axis(M23, np.zeros((2, 1), int), axis=2), ValueError, "axis"),
    ("keepdims not a bool (sum)", lambda: ad.sum(X3, keepdims="no"), TypeError, "keepdims must be True or False"),
    ("keepdims not a bool (mean)", lambda: ad.mean(X3, keepdims=1), TypeError, "keepdims"),
    ("keepdims not a bool (max)", lambda: ad.max(X3, keepdims=None), TypeError, "keepdims"),
    ("keepdims not a bool (logsumexp)", lambda: ad.logsumexp(X3, keepdims="yes"), TypeError, "keepdims"),
    ("axis out of range", lambda: ad.logsumexp(M23, axis=2), ValueError, "axis must be in"),
    ("axis a float", lambda: ad.sum(M23, axis=0.0), TypeError, "axis"),
    ("softmax axis out of range", lambda: ad.softmax(M23, axis=-3), ValueError, "axis"),
    ("transpose axes not a tuple", lambda: ad.transpose(M23, 3), TypeError, "axes"),
    (
        "max of an empty axis",
        lambda: ad.max(np.ones((2, 0)), axis=1),
        ValueError,
        r"max: x\.shape=\(2, 0\) has no entries along axis=\(1,\)",
    ),
    (
        "logsumexp of nothing",
        lambda: ad.logsumexp(np.ones(0)),
        ValueError,
        "logsumexp: x.shape=\\(0,\\) has no entries",
    ),
    # inputs that are not real numbers
    ("constant of complex numbers", lambda: ad.constant([1 + 2j]), TypeError, "value must hold real numbers.*complex"),
    ("constant of booleans", lambda: ad.constant(np.array([True])), TypeError, "value must hold real numbers.*bool"),
    ("Tensor of strings", lambda: ad.Tensor(np.array(["1.0"])), TypeError, "value"),
    ("Tensor of objects", lambda: ad.Tensor(np.array([1.0, None], dtype=object)), TypeError, "value.*object"),
    ("Variable of booleans", lambda: ad.Variable([True, False]), TypeError, "initial_value must hold real"),
    ("assign complex numbers", lambda: ad.Variable([1.0]).assign([1j]), TypeError, "value must hold real"),
    ("operand of complex numbers", lambda: X3 * np.array([1j, 1, 1]), TypeError, "multiply: b must hold real"),
    (
        "boolean mask as an operand",
        lambda: np.array([True, False, True]) * X3,
        TypeError,
        r"multiply: a must hold real numbers.*bool.*astype\(float\)",
    ),
    ("boolean operand of a unary operation", lambda: ad.exp(np.array([True])), TypeError, "exp: x must hold real"),
    ("Python bool as an operand", lambda: X3 + True, TypeError, "add: b must hold real"),
    (
        "grad at complex numbers",
        lambda: ad.grad(lambda v: ad.sum(v))(np.array([1j])),
        TypeError,
        "grad: argument 0 must hold real numbers",
    ),
    (
        "hessian at booleans",
        lambda: ad.hessian(lambda v: ad.sum(v), np.array([True])),
        TypeError,
        "hessian: x must hold real numbers",
    ),
    ("jacobian at strings", lambda: ad.jacobian(lambda v: v, ["a"]), TypeError, "jacobian: x must hold real"),
    (
        "hvp with complex v",
        lambda: ad.hvp(lambda v: ad.sum(v), np.ones(1), np.array([1j])),
        TypeError,
        "hvp: v must hold real",
    ),
    (
        "hvp with v of another shape",
        lambda: ad.hvp(lambda v: ad.sum(v), np.ones(2), np.ones(3)),
        ValueError,
        r"hvp: v must have x's shape \(2,\); got v\.shape=\(3,\)",
    ),
    # the helpers for building and checking rules
    (
        "unbroadcast from a shape g was not broadcast from",
        lambda: ad.unbroadcast(M23, (4,)),
        ValueError,
        r"unbroadcast: g\.shape=\(2, 3\) .*was not broadcast from shape=\(4,\)",
    ),
    (
        "unbroadcast, batch_ndim out of range",
        lambda: ad.unbroadcast(M23, (3,), 2),
        ValueError,
        r"batch_ndim must be in \[0, g\.ndim - len\(shape\)\] = \[0, 1\]",
    ),
    ("unbroadcast, batch_ndim a bool", lambda: ad.unbroadcast(M23, (3,), True), TypeError, "batch_ndim must be an int"),
    ("unbroadcast, shape not a tuple", lambda: ad.unbroadcast(M23, 3), TypeError, "unbroadcast: shape"),
    ("unbroadcast of None", lambda: ad.unbroadcast(None, (3,)), TypeError, "g must be array-like"),
    ("primitive of a number", lambda: ad.primitive(3.0), TypeError, "impl must be a function"),
    ("check_grads, eps 0", lambda: ad.check_grads(ad.exp, np.ones(2), eps=0.0), ValueError, "eps must be > 0"),
    ("check_grads, rtol NaN", lambda: ad.check_grads(ad.exp, np.ones(2), rtol=np.nan), ValueError, "rtol"),
    ("check_grads, atol a string", lambda: ad.check_grads(ad.exp, np.ones(2), atol="0"), TypeError, "atol"),
    ("check_grads, order 0", lambda: ad.check_grads(ad.exp, np.ones(2), order=0), ValueError, "order must be >= 1"),
    ("check_grads, f not callable", lambda: ad.check_grads(None, np.ones(2)), TypeError, "f must be callable"),
    (
        "numerical_jacobian, argnum out of range",
        lambda: ad.numerical_jacobian(ad.exp, [np.ones(2)], 1),
        ValueError,
        r"argnum must be < len\(args\) = 1",
    ),
    (
        "numerical_jacobian, argnum a float",
        lambda: ad.numerical_jacobian(ad.exp, [np.ones(2)], 0.0),
        TypeError,
        "argnum must be an integer",
    ),
    ("numerical_jacobian, eps a string", lambda: ad.numerical_jacobian(ad.exp, [np.ones(2)], 0, "a"), TypeError, "eps"),
]


@pytest.mark.parametrize("case, call, exception, pattern", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_name_the_operation_and_the_arguments(case, call, exception, pattern):
    with pytest.raises(exception, match=pattern):
        call()


def test_index_errors_are_index_errors_and_value_errors():
    for call in (lambda: X3[10], lambda: ad.take_along_axis(M23, np.array([[3], [0]]), 1)):
        with pytest.raises(IndexError):
            call()
        with pytest.raises(ValueError):
            call()


def test_unbroadcast_sums_batch_and_broadcast_axes():
    # g of shape (batch 2, 3, 4) broadcast from (1, 4): sum over axis 1, keep the batch axis.
    g = ad.constant(np.arange(24.0).reshape(2, 3, 4))
    np.testing.assert_array_equal(ad.unbroadcast(g, (1, 4), 1).numpy(), g.numpy().sum(axis=1, keepdims=True))
    np.testing.assert_array_equal(ad.unbroadcast(g, (4,), 1).numpy(), g.numpy().sum(axis=1))


def test_errors_from_numpy_cost_nothing_until_numpy_raises():
    # The messages are built from the arguments only after NumPy refused them: a valid call is unchanged.
    np.testing.assert_array_equal((X3 + ad.constant([[1.0], [2.0]])).numpy(), [[2, 3, 4], [3, 4, 5]])


# ---- NumPy functions applied to tensors ----------------------------------------------------------------------------
UFUNCS = [
    (np.exp, "exp"),
    (np.log, "log"),
    (np.sqrt, "sqrt"),
    (np.tanh, "tanh"),
    (np.abs, "abs"),
    (np.maximum, "maximum"),
    (np.negative, "negative"),
    (np.square, "square"),
]


@pytest.mark.parametrize("ufunc, name", UFUNCS, ids=[u[1] for u in UFUNCS])
def test_numpy_ufuncs_on_a_tensor_name_the_autodiff_function(ufunc, name):
    args = (X3,) * ufunc.nin
    with pytest.raises(TypeError, match=rf"np\.{ufunc.__name__} cannot be applied to a Tensor.*autodiff\.{name} "):
        ufunc(*args)


def test_a_ufunc_without_an_autodiff_equivalent_says_so():
    with pytest.raises(TypeError, match="np.isfinite .*write it with momentum_lab.autodiff operations"):
        np.isfinite(X3)


def test_numpy_functions_on_a_followed_tensor_name_the_autodiff_function():
    with ad.GradientTape() as tape:
        tape.watch(X3)
        with pytest.raises(TypeError, match=r"np\.concatenate .*autodiff\.concatenate"):
            np.concatenate([X3, X3])
        with pytest.raises(TypeError, match=r"np\.dot .*autodiff\.matmul"):
            np.dot(X3, X3)
        with pytest.raises(TypeError, match=r"np\.stack .*autodiff\.stack"):
            np.stack([np.ones(3), X3])
        y = np.sum(X3 * X3) + np.mean(X3) + np.max(X3)  # these call the tensor's methods
    np.testing.assert_allclose(tape.gradient(y, X3).numpy(), 2 * X3.numpy() + 1 / 3 + [0, 0, 1])


def test_grad_of_a_function_using_numpy_names_the_autodiff_function():
    with pytest.raises(TypeError, match="autodiff.exp"):
        ad.grad(lambda v: ad.sum(np.exp(v)))(np.ones(2))
    with pytest.raises(TypeError, match="autodiff.concatenate"):
        ad.grad(lambda v: ad.sum(np.concatenate([v, v])))(np.ones(2))


def test_numpy_functions_outside_any_tape_read_the_values():
    np.testing.assert_array_equal(np.concatenate([X3, X3]), [1, 2, 3, 1, 2, 3])
    assert np.allclose(X3, [1.0, 2.0, 3.0]) and np.round(X3 / 3, 2)[0] == 0.33


def test_ndarray_operators_with_a_tensor_are_recorded():
    x = ad.constant([1.0, 2.0])
    with ad.GradientTape() as tape:
        tape.watch(x)
        a = np.array([3.0, 4.0])
        a += x  # the array cannot hold a tensor: the name is rebound to the Tensor a + x
        y = ad.sum(np.array([2.0, 1.0]) * a + np.float64(2.0) ** x - np.ones(2) / x)
    assert isinstance(a, ad.Tensor)
    # ∂/∂x_i: c_i + 2^x_i ln 2 + 1/x_i², with c = (2, 1) and x = (1, 2)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [2 + 2 * math.log(2) + 1, 1 + 4 * math.log(2) + 0.25])
    assert (np.ones(2) < x).tolist() == [False, True]


# ---- 4. non-finite points ------------------------------------------------------------------------------------------
def f_sum(v):
    return ad.sum(v * v)


NON_FINITE = [
    ("grad at NaN", lambda: ad.grad(f_sum)(np.array([np.nan, 1.0])), r"grad: argument 0 must contain only finite"),
    ("value_and_grad at inf", lambda: ad.value_and_grad(f_sum)(np.array([np.inf])), "value_and_grad: argument 0"),
    (
        "grad of a second argument at NaN",
        lambda: ad.grad(lambda a, b: ad.sum(a * b), argnums=1)(1.0, np.nan),
        "grad: argument 1",
    ),
    ("jacobian at NaN", lambda: ad.jacobian(lambda v: v * 2, [1.0, np.nan]), r"jacobian: x must contain only finite"),
    (
        "hessian at NaN",
        lambda: ad.hessian(f_sum, np.array([np.nan, 1.0])),
        r"hessian: x must contain only finite numbers .*got x=\[nan,  1\.\]",
    ),
    ("hessian at -inf", lambda: ad.hessian(f_sum, ad.constant([-np.inf])), "hessian: x"),
    ("hvp at NaN", lambda: ad.hvp(f_sum, np.array([np.nan]), np.ones(1)), "hvp: x"),
    ("hvp along NaN", lambda: ad.hvp(f_sum, np.ones(1), np.array([np.nan])), "hvp: v"),
]


@pytest.mark.parametrize("case, call, pattern", NON_FINITE, ids=[n[0] for n in NON_FINITE])
def test_non_finite_points_are_refused_naming_the_argument(case, call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


def test_check_grads_refuses_a_non_finite_point():
    # NaN against NaN would compare equal in assert_allclose, so the check would pass without checking.
    with pytest.raises(ValueError, match=r"check_grads: args\[1\] must contain only finite"):
        ad.check_grads(lambda a, b: a * b, np.ones(2), np.array([1.0, np.nan]))


def test_arguments_that_are_not_differentiated_may_hold_nan():
    g = ad.grad(lambda w, data: ad.sum(w * ad.where(np.isnan(data), 0.0, data)))(np.ones(2), np.array([np.nan, 2.0]))
    np.testing.assert_array_equal(g, [0.0, 2.0])


def test_tapes_propagate_nan_inputs_as_numpy_does():
    x = ad.constant([np.nan, 1.0])
    with ad.GradientTape() as tape:
        tape.watch(x)
        y = ad.sum(x * x)
    assert np.isnan(float(y))
    g = tape.gradient(y, x).numpy()
    assert np.isnan(g[0]) and g[1] == 2.0


# ---- 5. what the docstrings say about NaN, empty arrays, zero denominators and overflow ----------------------------
def test_empty_arrays():
    empty = ad.constant(np.ones((0, 3)))
    assert float(ad.sum(empty)) == 0.0 and ad.sum(empty, axis=0).shape == (3,)
    assert np.isnan(float(ad.mean(empty)))  # as np.mean, tf.reduce_mean, torch.mean
    assert (empty * 2.0 + 1.0).shape == (0, 3) and ad.exp(empty).shape == (0, 3)
    assert ad.concatenate([empty, ad.constant(np.ones((1, 3)))]).shape == (1, 3)
    assert ad.grad(lambda v: ad.sum(v * v))(np.ones(0)).shape == (0,)
    assert ad.hessian(lambda v: ad.sum(v * v), np.ones(0)).shape == (0, 0)
    assert ad.jacobian(lambda v: v * 2.0, np.ones(0)).shape == (0, 0)
    assert X3[1:1].shape == (0,)


def test_zero_denominators():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert float(ad.divide(1.0, ad.constant(0.0))) == np.inf
        assert np.isnan(float(ad.divide(0.0, ad.constant(0.0))))
    g = ad.grad(lambda b: ad.sum(2.0 / b))(np.array([0.0, 2.0]))  # −2/b²
    np.testing.assert_array_equal(g, [-np.inf, -0.5])
    assert ad.grad(lambda x: ad.sqrt(x))(np.array(0.0)) == np.inf  # 1/(2√x) at 0
    assert ad.grad(lambda x: ad.log1p(x))(np.array(-1.0)) == np.inf


def test_overflow_and_saturation():
    big = np.array([-1e4, 0.0, 1e4])
    assert np.isfinite(ad.softplus(big).numpy()).all() and np.isfinite(ad.sigmoid(big).numpy()).all()
    np.testing.assert_array_equal(ad.grad(lambda x: ad.sum(ad.sigmoid(x)))(big), [0.0, 0.25, 0.0])
    assert float(ad.logsumexp(big)) == 1e4
    np.testing.assert_allclose(ad.softmax(big).numpy(), [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(ad.grad(lambda x: ad.sum(ad.tanh(x)))(np.array([30.0])), [0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert float(ad.exp(ad.constant(1000.0))) == np.inf
        assert float(ad.exp(ad.constant(np.float32(89.0)))) == np.inf  # float32 overflows sooner
    # e^x overflows but the zero cotangent of the unused term carries no gradient (no 0 · ∞ = NaN)
    H = ad.hessian(lambda v: v[0] * v[1] + 0.0 * ad.exp(v[0] * 1000.0), np.array([1.0, 1.0]))
    assert not np.isnan(H).any()


def test_logsumexp_of_minus_infinity_and_nan():
    assert float(ad.logsumexp(ad.constant([-np.inf, -np.inf]))) == -np.inf
    assert np.isnan(float(ad.logsumexp(ad.constant([np.nan, 1.0]))))


def test_max_with_nan_and_ties():
    assert np.isnan(float(ad.max(ad.constant([1.0, np.nan]))))
    np.testing.assert_array_equal(ad.grad(lambda x: ad.max(x))(np.array([2.0, 2.0, 1.0])), [0.5, 0.5, 0.0])


def test_clip_with_crossed_or_bad_bounds_and_nan():
    with pytest.raises(ValueError, match="clip: lo must be <= hi; got lo=3.0, hi=1.0"):
        ad.clip(ad.constant([0.0, 5.0]), 3.0, 1.0)
    with pytest.raises(ValueError, match="clip: hi must not be NaN"):
        ad.clip(ad.constant([0.0]), None, np.nan)
    with pytest.raises(TypeError, match="clip: lo must hold real numbers"):
        ad.clip(ad.constant([0.0]), 1j, None)
    with pytest.raises(TypeError, match="clip: hi must be array-like"):
        ad.clip(ad.constant([0.0]), 0.0, "1")
    assert np.isnan(ad.clip(ad.constant([np.nan]), 0.0, 1.0).numpy()[0])
    np.testing.assert_array_equal(ad.clip(ad.constant([-1.0, 0.5, 2.0]), 0.0, 1.0).numpy(), [0.0, 0.5, 1.0])


def test_maximum_with_nan_sends_the_cotangent_to_b():
    a, b = ad.constant([np.nan]), ad.constant([1.0])
    with ad.GradientTape() as tape:
        tape.watch([a, b])
        y = ad.maximum(a, b)
    assert np.isnan(float(y[0]))
    ga, gb = tape.gradient(y, [a, b])
    assert ga.numpy()[0] == 0.0 and gb.numpy()[0] == 1.0


def test_a_negative_base_with_a_fractional_exponent_is_nan():
    assert np.isnan(float(ad.power(ad.constant(-2.0), 0.5)))
    assert float(ad.power(ad.constant(-2.0), 3.0)) == -8.0


# ---- 6. type hints on the public API -------------------------------------------------------------------------------
def _public_callables():
    for name in ad.__all__:
        obj = getattr(ad, name)
        if isinstance(obj, Primitive):
            continue  # a Primitive's signature is its __call__, checked with the class
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if inspect.isfunction(member) and (not attr.startswith("_") or attr == "__init__"):
                    yield f"{name}.{attr}", member
            continue
        yield name, obj
    yield "Primitive.__call__", Primitive.__call__


@pytest.mark.parametrize("name, fn", list(_public_callables()), ids=[n for n, _ in _public_callables()])
def test_public_functions_are_fully_annotated(name, fn):
    hints = typing.get_type_hints(fn)
    parameters = [p for p in inspect.signature(fn).parameters.values() if p.name != "self"]
    missing = [p.name for p in parameters if p.name not in hints]
    assert not missing, f"{name}: parameters without a type hint: {missing}"
    assert "return" in hints, f"{name}: no return annotation"
