"""grad, value_and_grad, jacobian(f, x), hessian(f, x), hvp(f, x, v): values, shapes, nesting, errors."""

import numpy as np
import pytest

from momentum_lab import autodiff as ad


def f_vec(v):
    """f = x²y + y³ with (x, y) = v."""
    return v[0] ** 2 * v[1] + v[1] ** 3


# f = x²y + y³ at (1, 2): value 1·2 + 8 = 10; gradient (2xy, x² + 3y²) = (4, 13);
# Hessian [[2y, 2x], [2x, 6y]] = [[4, 2], [2, 12]].
POINT, VALUE, GRADIENT, HESSIAN = np.array([1.0, 2.0]), 10.0, [4.0, 13.0], [[4.0, 2.0], [2.0, 12.0]]


def test_hand_worked_grad_value_and_grad_hessian_hvp():
    value, gradient = ad.value_and_grad(f_vec)(POINT)
    assert value == VALUE
    np.testing.assert_array_equal(gradient, GRADIENT)
    np.testing.assert_array_equal(ad.grad(f_vec)(POINT), GRADIENT)
    np.testing.assert_array_equal(ad.hessian(f_vec, POINT), HESSIAN)
    np.testing.assert_array_equal(ad.hvp(f_vec, POINT, [1.0, -1.0]), [2.0, -10.0])  # H @ (1, −1)


def test_argnums_selects_the_arguments():
    f = lambda x, y, scale=1.0: scale * (x * x * y + y**3)  # noqa: E731
    np.testing.assert_array_equal(ad.grad(f, argnums=(0, 1))(1.0, 2.0), (4.0, 13.0))
    assert ad.grad(f, argnums=1)(1.0, 2.0, scale=2.0) == 26.0


def test_an_argument_f_ignores_gets_zeros():
    np.testing.assert_array_equal(ad.grad(lambda x, y: ad.sum(x), argnums=1)(np.ones(2), np.ones(3)), np.zeros(3))


def test_outputs_mirror_the_inputs():
    assert type(ad.grad(f_vec)(POINT)) is np.ndarray
    assert type(ad.hessian(f_vec, [1.0, 2.0])) is np.ndarray
    assert isinstance(ad.grad(f_vec)(ad.constant(POINT)), ad.Tensor)
    assert isinstance(ad.hessian(f_vec, ad.constant(POINT)), ad.Tensor)


@pytest.mark.parametrize("x", [-1.0, 0.5, 3.0])
def test_grad_nests_third_derivative_of_x4(x):
    d3 = ad.grad(ad.grad(ad.grad(lambda t: t**4)))
    assert d3(x) == pytest.approx(24 * x, rel=1e-14)


def test_third_derivative_tensor_by_jacobian_of_hessian():
    # f = Σ xᵢ³: H = diag(6x), so ∂H_ij/∂x_k = 6 [i = j = k].
    x = np.array([0.5, -1.0, 2.0])
    T = ad.jacobian(lambda t: ad.hessian(lambda u: ad.sum(u**3), t), x)
    expected = np.zeros((3, 3, 3))
    expected[np.arange(3), np.arange(3), np.arange(3)] = 6.0
    np.testing.assert_allclose(T, expected, atol=1e-12)


# ---- jacobian(f, x): shape f(x).shape + x.shape --------------------------------------------------------------------
A = np.array([[1.0, -2.0, 0.5], [0.3, 0.8, -1.1]])
JACOBIANS = [
    ("scalar of a vector", lambda x: ad.sum(ad.exp(x)), (3,), ()),
    ("vector of a vector", lambda x: ad.tanh(A @ x), (3,), (2,)),
    ("vector of a matrix", lambda x: ad.sum(x * x, axis=1), (2, 3), (2,)),
    ("matrix of a scalar", lambda x: x * A, (), (2, 3)),
    ("softmax", lambda x: ad.softmax(x), (4,), (4,)),
]


@pytest.mark.parametrize("case, f, x_shape, y_shape", JACOBIANS, ids=[j[0] for j in JACOBIANS])
def test_jacobian_against_finite_differences(case, f, x_shape, y_shape):
    x = np.random.default_rng(0).uniform(-1, 1, x_shape)
    J = ad.jacobian(f, x)
    assert J.shape == y_shape + x_shape
    np.testing.assert_allclose(J, ad.numerical_jacobian(f, [x], 0), rtol=1e-6, atol=1e-8)


# ---- hessian(f, x) -------------------------------------------------------------------------------------------------
def test_hessian_of_a_matrix_argument_has_shape_x_shape_twice():
    x = np.random.default_rng(1).uniform(-1, 1, (2, 3))
    f = lambda w: ad.sum(ad.tanh(w) * ad.sum(w, axis=0))  # noqa: E731
    H = ad.hessian(f, x)
    assert H.shape == (2, 3, 2, 3)
    numeric = ad.numerical_jacobian(ad.grad(f), [x], 0)
    np.testing.assert_allclose(H, numeric, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(H.reshape(6, 6), H.reshape(6, 6).T, atol=1e-12)


@pytest.mark.parametrize("f", [lambda x: ad.sum(3.0 * x), lambda x: ad.constant(2.0)], ids=["linear", "constant"])
def test_hessian_of_a_linear_or_constant_function_is_zero(f):
    np.testing.assert_array_equal(ad.hessian(f, np.ones(3)), np.zeros((3, 3)))


def test_batched_hessian_equals_row_by_row_hvps():
    rng = np.random.default_rng(2)
    X, y, w = rng.standard_normal((20, 4)), (rng.random(20) < 0.5).astype(float), rng.standard_normal(4)
    loss = lambda w: ad.mean(ad.softplus(X @ w) - y * (X @ w))  # noqa: E731
    H = ad.hessian(loss, w)
    rows = np.array([ad.hvp(loss, w, e) for e in np.eye(4)])
    np.testing.assert_allclose(H, rows, rtol=1e-12, atol=1e-15)
    # closed form: ∇²L = Xᵀ diag(σ(1 − σ)) X / N with σ = σ(Xw)
    s = 1 / (1 + np.exp(-X @ w))
    np.testing.assert_allclose(H, X.T @ (X * (s * (1 - s))[:, None]) / 20, rtol=1e-12)


def test_softmax_cross_entropy_hessian_hand_worked():
    # CE(z) = logsumexp(z) − z_y; at z = (0, 0), p = (½, ½): ∇ = p − e_y = (−½, ½), H = diag(p) − ppᵀ.
    ce = lambda z: ad.logsumexp(z) - z[0]  # noqa: E731
    np.testing.assert_allclose(ad.grad(ce)(np.zeros(2)), [-0.5, 0.5], atol=1e-15)
    np.testing.assert_allclose(ad.hessian(ce, np.zeros(2)), [[0.25, -0.25], [-0.25, 0.25]], atol=1e-15)


def test_hvp_equals_hessian_times_v():
    rng = np.random.default_rng(3)
    x, v = rng.standard_normal(5), rng.standard_normal(5)
    f = lambda x: ad.sum(ad.tanh(x) ** 2) * ad.logsumexp(x)  # noqa: E731
    np.testing.assert_allclose(ad.hvp(f, x, v), ad.hessian(f, x) @ v, rtol=1e-12, atol=1e-14)


# ---- errors --------------------------------------------------------------------------------------------------------
ERRORS = [
    ("grad of a non-callable", lambda: ad.grad(3.0), TypeError, "f must be callable"),
    ("argnums of the wrong type", lambda: ad.grad(f_vec, argnums="0"), TypeError, "argnums"),
    ("argnums repeated", lambda: ad.grad(f_vec, argnums=(0, 0)), ValueError, "argnums"),
    ("argnums past the arguments", lambda: ad.grad(f_vec, argnums=1)(POINT), TypeError, "argnums"),
    ("grad of a vector-valued f", lambda: ad.grad(lambda x: x * 2.0)(POINT), ValueError, "scalar"),
    ("hessian of a vector-valued f", lambda: ad.hessian(lambda x: x * x, POINT), ValueError, "scalar"),
    ("hessian at a string", lambda: ad.hessian(f_vec, "ab"), TypeError, "x must be array-like"),
    ("hvp with v of the wrong shape", lambda: ad.hvp(f_vec, POINT, np.ones(3)), ValueError, "v must have"),
    ("f returning a string", lambda: ad.grad(lambda x: "loss")(POINT), TypeError, "returned by f"),
    ("jacobian of a non-callable", lambda: ad.jacobian(None, POINT), TypeError, "callable"),
]


@pytest.mark.parametrize("case, call, exception, fragment", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_name_the_argument(case, call, exception, fragment):
    with pytest.raises(exception, match=fragment):
        call()
