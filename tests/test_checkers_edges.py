"""Checkers refuse bad input clearly: a learner's wrong answer is feedback, a wrong parameter is an error.

The contract (``momentum_lab/check/_core.py``'s docstring): whatever the learner passes as the answer
(a string, None, a complex number, an array of the wrong shape, a function that raises or returns NaN)
comes back as a :class:`Feedback` with ``passed=False`` and a mistake name, never as an exception and
never with a NumPy warning; the checker's own parameters (``L``, ``beta``, ``kappa``, ``primitive``,
...) are the chapter's, and a wrong one raises TypeError/ValueError naming it.
"""

import importlib
import math
import warnings

import numpy as np
import pytest

from momentum_lab.check import _core
from momentum_lab.check._core import Feedback, Mistake, compare_function, numeric_result, read_number

MODULES = ["gradient_descent", "momentum", "adaptive", "autodiff", "capstone", "losses", "metric", "noise"]
SPECS = [
    (name, spec)
    for name in MODULES
    for spec in importlib.import_module(f"momentum_lab.check.{name}").CHECKERS
    if spec.checker.__name__ != "check_keras_loss_class"
]  # needs Keras: tests/test_check_losses.py


def _raises(*args):
    raise RuntimeError("boom")


BAD_FUNCTIONS = {
    "not callable": 3,
    "raises": _raises,
    "returns None": lambda *a: None,
    "returns a string": lambda *a: "0.5",
    "returns a complex number": lambda *a: 1 + 2j,
    "returns a complex array": lambda *a: np.ones(3) * 1j,
    "returns NaN": lambda *a: float("nan"),
    "returns an array of NaN": lambda *a: np.full(3, np.nan),
    "returns an object": lambda *a: object(),
    "returns a dict": lambda *a: {},
    "returns parts of different shapes": lambda *a: (np.ones(2), np.ones(3)),
    "returns a bool": lambda *a: True,
    "returns a list of strings": lambda *a: ["a", "b"],
    "returns a generator": lambda *a: (i for i in range(3)),
    "returns a ragged mixture": lambda *a: (1.0, "x", None),
}

BAD_NUMBERS = {
    "None": None,
    "Ellipsis": ...,
    "a word": "two over L",
    "a numeric string": "0.5",
    "True": True,
    "a complex number": 1 + 2j,
    "a NumPy complex": np.complex128(0.5),
    "NaN": float("nan"),
    "inf": float("inf"),
    "-inf": -np.inf,
    "an array": np.array([1.0, 2.0]),
    "a list of one": [0.5],
    "a dict": {},
    "an object": object(),
    "a function": lambda: 0.5,
    "a 0-d complex array": np.array(0.5 + 0j),
}


def _answers(spec):
    if isinstance(spec.reference, tuple):  # check_backward_rule: one rule per input
        return {name: tuple(f for _ in spec.reference) for name, f in BAD_FUNCTIONS.items()}
    if callable(spec.reference):
        return BAD_FUNCTIONS
    return BAD_NUMBERS


CASES = [
    (f"{module}.{spec.checker.__name__}[{i}]:{what}", spec, answer)
    for module, specs in [(m, [s for n, s in SPECS if n == m]) for m in MODULES]
    for i, spec in enumerate(specs)
    for what, answer in _answers(spec).items()
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_a_bad_answer_is_feedback_not_an_exception(case):
    _, spec, answer = case
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ComplexWarning, RuntimeWarning or DeprecationWarning either
        feedback = spec.check(answer)
    assert isinstance(feedback, Feedback)
    assert not feedback.passed
    assert feedback.mistake and feedback.message.strip()
    if not callable(spec.reference) and not isinstance(spec.reference, tuple):
        assert feedback.mistake == "not a number"


# --- what each kind of bad answer is called, on the chapter-1 step checker ---------------------------


def test_each_kind_of_bad_function_gets_its_own_mistake_and_message():
    from momentum_lab.check import check_gd_step

    expected = {
        "not callable": ("not callable", "should be a function"),
        "raises": ("raised", "RuntimeError: boom"),
        "returns None": ("returned None", "forget `return`"),
        "returns a string": ("not numbers", "not numbers"),
        "returns a complex array": ("complex result", "complex numbers"),
        "returns an array of NaN": ("wrong shape", "shape"),  # shape (3,) is checked before the values
        "returns parts of different shapes": ("wrong shape", "different shapes ((2,), (3,))"),
        "returns a bool": ("not numbers", "booleans"),
        "returns a dict": ("not numbers", "not numbers"),
    }
    for what, (mistake, phrase) in expected.items():
        feedback = check_gd_step(BAD_FUNCTIONS[what])
        assert feedback.mistake == mistake, (what, feedback)
        assert phrase in feedback.message, (what, feedback.message)


def test_a_nan_result_names_the_test_case_by_shapes_not_by_the_answer():
    from momentum_lab.check import check_gd_step

    def nan_on_the_second_case(x, grad, lr):
        return x - lr * grad if x.shape != (5,) else np.full(x.shape, np.nan)

    feedback = check_gd_step(nan_on_the_second_case)
    assert feedback.mistake == "non-finite"
    # case 2 of 4 is (x of shape (5,), grad of shape (5,), lr = 0.37)
    assert "test case 2 of 4" in feedback.message
    assert "an array of shape (5,), an array of shape (5,), 0.37" in feedback.message


def test_a_division_by_zero_in_the_learners_code_is_feedback_without_a_warning():
    from momentum_lab.check import check_gd_step

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        feedback = check_gd_step(lambda x, grad, lr: x - lr * grad / np.zeros_like(grad))
    assert feedback.mistake == "non-finite"


def test_a_pair_of_different_shapes_is_a_wrong_shape():
    from momentum_lab.check.momentum import check_heavy_ball_step

    feedback = check_heavy_ball_step(lambda th, v, g, lr, b: (th - v, np.zeros(7)))
    assert feedback.mistake == "wrong shape"
    assert "different shapes" in feedback.message


def test_a_tuning_function_returning_text_or_three_numbers_is_named():
    from momentum_lab.check.capstone import check_optimal_tuning

    assert check_optimal_tuning(lambda mu, L: ("0.1", "0.9")).mistake == "not numbers"
    assert check_optimal_tuning(lambda mu, L: (0.1, 0.9, 0.5)).mistake == "wrong shape"
    assert check_optimal_tuning(lambda mu, L: (1j, 0.5)).mistake == "complex result"
    nan = check_optimal_tuning(lambda mu, L: (float("nan"), 0.5))
    assert nan.mistake == "non-finite" and "mu=0.01, L=1.0" in nan.message


def test_a_backward_rule_that_is_not_a_function_is_feedback():
    from momentum_lab.check.autodiff import check_backward_rule

    feedback = check_backward_rule("multiply", lambda g, ans, a, b: g * b, "g * a")
    assert feedback.mistake == "not callable" and "`b`" in feedback.message


@pytest.mark.parametrize("name", ["check_jacobian", "check_hessian", "check_hvp"])
def test_derivative_checkers_say_not_callable(name):
    from momentum_lab.check import autodiff

    feedback = getattr(autodiff, name)(np.eye(2))
    assert feedback.mistake == "not callable" and "ndarray" in feedback.message


# --- number answers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer, phrase",
    [
        (None, "got None"),
        ("0.5", "without the quotes"),
        ("half", "got 'half'"),
        (True, "truth value"),
        (1 + 2j, "complex number"),
        (float("nan"), "finite number; got nan"),
        (float("inf"), "finite number; got inf"),
        (np.array([0.5, 0.5]), "one number; got an array of shape (2,)"),
        ([0.5], "one number; got an array of shape (1,) (a list"),
        (lambda: 0.5, "a function"),
        ({}, "got a dict"),
    ],
)
def test_read_number_refuses_with_a_reason(answer, phrase):
    feedback = read_number(answer)
    assert isinstance(feedback, Feedback) and feedback.mistake == "not a number"
    assert phrase in feedback.message, feedback.message


class _FakeTensor:
    """A stand-in for a framework tensor holding one number: it has ``.numpy()``."""

    def __init__(self, value):
        self.value = value

    def numpy(self):
        return np.asarray(self.value)


@pytest.mark.parametrize("answer", [0.5, 1, np.float32(0.5), np.int64(1), np.array(0.5), _FakeTensor(0.5)])
def test_read_number_accepts_real_numbers_and_one_number_tensors(answer):
    value = read_number(answer)
    assert isinstance(value, float) and value == float(np.asarray(getattr(answer, "value", answer)))


def test_numeric_result_converts_tensors_and_pairs_and_names_what_is_not_numbers():
    pair = numeric_result((_FakeTensor([1.0, 2.0]), np.array([3, 4])))
    assert isinstance(pair, np.ndarray) and pair.dtype == np.float64 and pair.shape == (2, 2)
    assert numeric_result(np.array([1, 2], dtype=np.int32)).dtype == np.float64
    assert numeric_result(np.array([True])).mistake == "not numbers"
    assert numeric_result(np.array(["a"])).mistake == "not numbers"
    assert numeric_result(np.array([1j])).mistake == "complex result"
    assert numeric_result(None).mistake == "returned None"
    assert numeric_result([np.ones(2), [np.ones(2), np.ones(3)]]).mistake == "wrong shape"


# --- the checkers' own parameters raise, naming them --------------------------------------------------


def _checker(module, name):
    return getattr(importlib.import_module(f"momentum_lab.check.{module}"), name)


PARAMETER_ERRORS = [
    # (module, checker, args, kwargs, exception, phrase)
    ("gradient_descent", "check_step_size_answer", (0.2, 0.0), {}, ValueError, "L must be > 0; got L=0.0"),
    ("gradient_descent", "check_step_size_answer", (0.2, -4.0), {}, ValueError, "L must be > 0"),
    ("gradient_descent", "check_step_size_answer", (0.2, "4"), {}, TypeError, "L must be a real number"),
    ("gradient_descent", "check_step_size_answer", (0.2, None), {}, TypeError, "L must be a real number"),
    ("gradient_descent", "check_step_size_answer", (0.2, 4 + 0j), {}, TypeError, "L must be a real number"),
    ("gradient_descent", "check_step_size_answer", (0.2, math.nan), {}, ValueError, "L must be finite"),
    ("momentum", "check_terminal_speed", (10.0, 1.0), {}, ValueError, "beta must be in [0, 1)"),
    ("momentum", "check_terminal_speed", (10.0, True), {}, TypeError, "beta must be a real number"),
    ("momentum", "check_stability_limit", (0.95, 0.0, 0.9), {}, ValueError, "L must be > 0"),
    ("momentum", "check_stability_limit", (0.95, 4.0, -0.1), {}, ValueError, "beta must be in [0, 1)"),
    ("momentum", "check_optimal_momentum", (0.5, 0.5), {}, ValueError, "kappa must be >= 1"),
    ("momentum", "check_optimal_momentum", (0.5, "100"), {}, TypeError, "kappa must be a real number"),
    ("adaptive", "check_bias_factor", (0.5, 0.9, 0), {}, ValueError, "t must be >= 1; got t=0"),
    ("adaptive", "check_bias_factor", (0.5, 0.9, 2.5), {}, TypeError, "t must be an integer"),
    ("adaptive", "check_bias_factor", (0.5, 1.0, 3), {}, ValueError, "beta1 must be in [0, 1)"),
    ("adaptive", "check_keras_epsilon", (1e-6, 0.0, 0.999, 1), {}, ValueError, "epsilon must be > 0"),
    ("adaptive", "check_keras_epsilon", (1e-6, 1e-7, 1.0, 1), {}, ValueError, "beta2 must be in [0, 1)"),
    ("metric", "check_focal_discount", (0.01, 0.0, 2.0), {}, ValueError, "p_true must be in (0, 1]"),
    ("metric", "check_focal_discount", (0.01, 1.5, 2.0), {}, ValueError, "p_true must be in [0, 1]"),
    ("metric", "check_focal_discount", (0.01, 0.9, -1.0), {}, ValueError, "gamma must be >= 0"),
    ("metric", "check_pos_weight_threshold", (0.2, 0), {}, ValueError, "pos_weight must be > 0"),
    ("noise", "check_sgd_noise_ball", (0.01, 1.0, 2.0, 0.2), {}, ValueError, "lr * lam must be < 2"),
    ("noise", "check_sgd_noise_ball", (0.01, 0.0, 2.0, 0.2), {}, ValueError, "lr must be > 0"),
    ("noise", "check_sgd_noise_ball", (0.01, 0.1, 2.0, -0.2), {}, ValueError, "noise_variance must be >= 0"),
    ("losses", "check_weight_decay_answer", (2e-4, -1.0), {}, ValueError, "l2 must be >= 0; got l2=-1.0"),
    ("losses", "check_keras_loss_class", (object,), {"delta": 0.0}, ValueError, "delta must be > 0"),
    ("autodiff", "check_backward_rule", ("cosh", lambda g, ans, x: g), {}, ValueError, "primitive must be one of"),
    ("autodiff", "check_backward_rule", (3, lambda g, ans, x: g), {}, TypeError, "primitive must be a str"),
    (
        "autodiff",
        "check_backward_rule",
        ("tanh", lambda g, ans, x: g),
        {"batched": 1},
        TypeError,
        "batched must be True or False",
    ),
]


@pytest.mark.parametrize(
    "module, name, args, kwargs, error, phrase",
    PARAMETER_ERRORS,
    ids=[f"{r[1]}-{i}" for i, r in enumerate(PARAMETER_ERRORS)],
)
def test_a_bad_parameter_raises_naming_it(module, name, args, kwargs, error, phrase):
    with pytest.raises(error) as info:
        _checker(module, name)(*args, **kwargs)
    assert phrase in str(info.value)


@pytest.mark.parametrize("beta", [0.0, 0.5])
def test_terminal_speed_is_defined_at_beta_zero(beta):
    from momentum_lab.check.momentum import check_terminal_speed

    # 1/(1 − β): 1 at β = 0 (no momentum, the step of gradient descent), 2 at β = ½
    assert check_terminal_speed(1 / (1 - beta), beta)
    assert check_terminal_speed(7.0, beta).mistake == "other"


@pytest.mark.parametrize(
    "module, name, args, right",
    [
        ("momentum", "check_optimal_momentum", (1.0,), 0.0),  # κ = 1: ((1 − 1)/(1 + 1))² = 0
        ("adaptive", "check_bias_factor", (0.0, 1), 1.0),  # β₁ = 0: 1 − 0¹ = 1
        ("metric", "check_focal_discount", (1.0, 2.0), 0.0),  # p = 1: (1 − 1)² = 0
        ("noise", "check_sgd_noise_ball", (0.1, 1.0, 0.0), 0.0),  # no noise: no noise ball
        ("losses", "check_weight_decay_answer", (0.0,), 0.0),  # no L2: no weight decay
    ],
)
def test_boundary_parameters_have_a_right_answer(module, name, args, right):
    assert _checker(module, name)(right, *args)


# --- compare_function's own arguments ------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, error, phrase",
    [
        ({"reference": 3}, TypeError, "reference must be callable"),
        ({"cases": []}, ValueError, "cases must be a non-empty sequence"),
        ({"cases": "abc"}, ValueError, "cases must be a non-empty sequence"),
        ({"cases": [1, 2]}, TypeError, "cases must hold tuples"),
        ({"mistakes": ["wrong sign"]}, TypeError, "mistakes must be Mistake objects"),
        ({"rtol": -1.0}, ValueError, "rtol must be >= 0"),
        ({"atol": "0"}, TypeError, "atol must be a real number"),
        ({"check_inputs_unchanged": 1}, TypeError, "check_inputs_unchanged must be True or False"),
        ({"what": None}, TypeError, "what must be a str"),
    ],
)
def test_compare_function_refuses_bad_arguments(kwargs, error, phrase):
    arguments = {"candidate": lambda x: x, "reference": lambda x: x, "cases": [(np.ones(2),)], **kwargs}
    with pytest.raises(error) as info:
        compare_function(**arguments)
    assert phrase in str(info.value)


def test_feedback_and_mistake_refuse_what_they_cannot_hold():
    with pytest.raises(TypeError, match="passed must be True or False"):
        Feedback(1, "ok")
    with pytest.raises(TypeError, match="message must be a str"):
        Feedback(True, None)
    with pytest.raises(TypeError, match="wrong must be callable"):
        Mistake("sign", 3.0, "hint")


def test_describe_case_gives_shapes_and_scalars_only():
    x = np.array([0.123456, 0.5])
    text = _core.describe_case((x, 0.25, "mean", lambda: 0))
    assert text == "an array of shape (2,), 0.25, the string 'mean', a function"
    assert "0.123" not in text
