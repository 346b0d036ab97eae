"""Tensor, Variable, constant, convert_to_tensor: conversion, operators, NumPy interoperation, errors."""

import subprocess
import sys

import numpy as np
import pytest

from momentum_lab import autodiff as ad

# ---- conversion ----------------------------------------------------------------------------------------------------
DTYPES = [
    ("list of ints", [1, 2], np.float64),
    ("Python float", 2.5, np.float64),
    ("int array", np.arange(3), np.float64),
    ("float32 array keeps float32", np.ones(2, np.float32), np.float32),
    ("float64 array", np.ones(2), np.float64),
]


@pytest.mark.parametrize("case, value, dtype", DTYPES, ids=[d[0] for d in DTYPES])
def test_constant_dtype(case, value, dtype):
    t = ad.constant(value)
    assert t.dtype == dtype
    np.testing.assert_array_equal(t.numpy(), np.asarray(value, dtype=dtype))


BAD_VALUES = [
    ("string", "abc"),
    ("None", None),
    ("complex", np.array([1j])),
    ("mixed list", [1.0, "a"]),
    ("bytes", b"1"),
    ("bool", True),
    ("boolean array", np.array([True, False])),
    ("object array", np.array([1.0, None], dtype=object)),
]


@pytest.mark.parametrize("case, value", BAD_VALUES, ids=[b[0] for b in BAD_VALUES])
def test_constant_rejects_non_numbers(case, value):
    with pytest.raises(TypeError, match="value"):
        ad.constant(value)


def test_float32_is_kept_through_python_numbers_and_gradients():
    x = ad.constant(np.array([1.0, 2.0], np.float32))
    with ad.GradientTape() as tape:
        tape.watch(x)
        y = 2 * x + 1.5
    assert y.dtype == np.float32
    assert tape.gradient(y, x).dtype == np.float32


def test_convert_to_tensor_returns_tensors_unchanged():
    t = ad.constant([1.0])
    assert ad.convert_to_tensor(t) is t
    assert isinstance(ad.convert_to_tensor([1, 2]), ad.Tensor)
    with pytest.raises(ValueError, match="dtype"):
        ad.convert_to_tensor(t, dtype=np.float32)
    with pytest.raises(TypeError, match="dtype"):
        ad.constant([1], dtype=np.int64)


def test_numpy_returns_a_copy():
    t = ad.constant([1.0, 2.0])
    t.numpy()[0] = 99.0
    assert t.numpy()[0] == 1.0


# ---- attributes and methods ----------------------------------------------------------------------------------------
def test_array_attributes():
    t = ad.constant(np.arange(6.0).reshape(2, 3))
    assert (t.shape, t.ndim, t.dtype, t.size, len(t)) == ((2, 3), 2, np.float64, 6, 2)
    assert t.T.shape == (3, 2) and t.transpose().shape == (3, 2) and t.transpose(1, 0).shape == (3, 2)
    assert t.reshape(3, 2).shape == (3, 2) and t.reshape((6,)).shape == (6,) and t.reshape(-1).shape == (6,)
    assert float(ad.constant(2.5)) == 2.5 and ad.constant(2.5).item() == 2.5 and bool(ad.constant(1.0))
    with pytest.raises(TypeError, match="len"):
        len(ad.constant(1.0))


def test_format_round_and_iteration():
    assert f"{ad.constant(1.23456):.3f}" == "1.235" and round(ad.constant(1.26), 1) == 1.3
    rows = list(ad.constant([[1.0, 2.0], [3.0, 4.0]]))
    assert len(rows) == 2 and isinstance(rows[0], ad.Tensor)
    np.testing.assert_array_equal(rows[1].numpy(), [3.0, 4.0])
    with pytest.raises(TypeError, match="0-d"):
        list(ad.constant(1.0))


def test_repr():
    assert repr(ad.constant([1.0, 2.0])) == "Tensor([1., 2.])"
    assert repr(ad.Variable([1.0, 2.0], name="w")) == "Variable([1., 2.], name='w')"


# ---- operators and NumPy interoperation ----------------------------------------------------------------------------
OPERATORS = [
    ("+", lambda a, b: a + b),
    ("-", lambda a, b: a - b),
    ("*", lambda a, b: a * b),
    ("/", lambda a, b: a / b),
    ("**", lambda a, b: a**b),
    ("@", lambda a, b: a @ b),
]


@pytest.mark.parametrize("symbol, op", OPERATORS, ids=[o[0] for o in OPERATORS])
def test_operators_with_a_numpy_array_on_either_side(symbol, op):
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    b = np.array([[0.5, 1.5], [2.0, 0.25]])
    for left, right in ((ad.constant(a), b), (a, ad.constant(b)), (ad.constant(a), ad.constant(b))):
        result = op(left, right)
        assert isinstance(result, ad.Tensor), f"{type(left).__name__} {symbol} {type(right).__name__}"
        np.testing.assert_allclose(result.numpy(), op(a, b), rtol=1e-15)


def test_unary_operators():
    t = ad.constant([-1.0, 2.0])
    np.testing.assert_array_equal((-t).numpy(), [1.0, -2.0])
    np.testing.assert_array_equal(abs(t).numpy(), [1.0, 2.0])
    assert +t is t


def test_comparisons_return_numpy_booleans():
    t = ad.constant([1.0, 2.0, 3.0])
    for result, expected in (
        (t < 2, [True, False, False]),
        (t <= 2, [True, True, False]),
        (t > 2, [False, False, True]),
        (t >= 2, [False, True, True]),
        (t == 2, [False, True, False]),
        (t != 2, [True, False, True]),
        (np.full(3, 2.0) < t, [False, False, True]),
    ):
        assert type(result) is np.ndarray and result.dtype == bool
        np.testing.assert_array_equal(result, expected)


def test_tensors_hash_by_identity():
    a, b = ad.constant(1.0), ad.constant(1.0)
    assert len({a, b}) == 2


def test_numpy_reductions_on_a_tensor_stay_differentiable():
    x = ad.constant([1.0, 2.0, 3.0])
    with ad.GradientTape() as tape:
        tape.watch(x)
        y = np.sum(x * x) + np.mean(x) + np.max(x)
    assert isinstance(y, ad.Tensor)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [2 + 1 / 3, 4 + 1 / 3, 6 + 1 / 3 + 1])


def test_numpy_ufuncs_refuse_tensors_instead_of_dropping_them_off_the_tape():
    with pytest.raises(TypeError):
        np.exp(ad.constant(1.0))


def test_np_asarray_reads_the_value():
    np.testing.assert_array_equal(np.asarray(ad.constant([1.0, 2.0])), [1.0, 2.0])
    assert np.asarray(ad.constant([1.0]), dtype=np.float32).dtype == np.float32


# ---- Variable ------------------------------------------------------------------------------------------------------
def test_variable_copies_its_initial_value():
    x = np.array([1.0, 2.0])
    w = ad.Variable(x)
    x[0] = 99.0
    assert w.numpy()[0] == 1.0 and w.trainable and w.name is None


VARIABLE_ERRORS = [
    ("trainable must be a bool", lambda: ad.Variable(1.0, trainable=1), TypeError, "trainable"),
    ("name must be a string", lambda: ad.Variable(1.0, name=3), TypeError, "name"),
    ("assign keeps the shape", lambda: ad.Variable([1.0, 2.0]).assign([1.0]), ValueError, "shape"),
    ("assign_sub needs numbers", lambda: ad.Variable(1.0).assign_sub("a"), TypeError, "delta"),
]


@pytest.mark.parametrize("case, call, exception, fragment", VARIABLE_ERRORS, ids=[v[0] for v in VARIABLE_ERRORS])
def test_variable_errors(case, call, exception, fragment):
    with pytest.raises(exception, match=fragment):
        call()


# ---- operation arguments: errors name the argument -----------------------------------------------------------------
X = ad.constant(np.ones((2, 3)))
OP_ERRORS = [
    ("exp of a string", lambda: ad.exp("abc"), TypeError, "exp: x must be array-like"),
    ("multiply by a string", lambda: X * "abc", TypeError, "multiply: b"),
    ("sum over a missing axis", lambda: ad.sum(X, axis=2), ValueError, "axis must be in"),
    ("sum over a repeated axis", lambda: ad.sum(X, axis=(0, 0)), ValueError, "repeat"),
    ("axis of the wrong type", lambda: ad.mean(X, axis="rows"), TypeError, "axis"),
    ("transpose with a bad permutation", lambda: ad.transpose(X, (0, 0)), ValueError, "permutation"),
    ("transpose with an axis out of range", lambda: ad.transpose(X, (0, 5)), ValueError, "permutation"),
    ("concatenate nothing", lambda: ad.concatenate([]), TypeError, "tensors"),
    ("concatenate a string", lambda: ad.concatenate([X, "a"]), TypeError, r"tensors\[1\]"),
    ("stack along a missing axis", lambda: ad.stack([X, X], axis=4), ValueError, "axis"),
    ("take_along_axis with float indices", lambda: ad.take_along_axis(X, np.zeros((2, 1)), 1), TypeError, "indices"),
    ("take_along_axis with 1-d indices", lambda: ad.take_along_axis(X, np.zeros(2, int), 1), ValueError, "indices"),
    ("clip without bounds", lambda: ad.clip(X, None, None), ValueError, "bound"),
    ("index with float arrays", lambda: X[np.array([0.5])], TypeError, "index"),
    ("reshape to a non-shape", lambda: ad.reshape(X, "a"), TypeError, "shape"),
    ("a list of Tensors (would silently be a constant)", lambda: ad.exp([X[0, 0], X[0, 1]]), TypeError, "stack"),
]


@pytest.mark.parametrize("case, call, exception, fragment", OP_ERRORS, ids=[o[0] for o in OP_ERRORS])
def test_operation_errors_name_the_argument(case, call, exception, fragment):
    with pytest.raises(exception, match=fragment):
        call()


def test_importing_autodiff_imports_numpy_only():
    code = (
        "import sys, momentum_lab.autodiff; "
        "print(sorted(m for m in ('torch', 'tensorflow', 'keras', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
