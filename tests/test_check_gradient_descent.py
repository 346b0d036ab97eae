"""The chapter-1 checker accepts the right step and names each typical mistake without the answer."""

import numpy as np
import pytest

from momentum_lab.check import check_gd_step, check_step_size_answer


def right(x, g, lr):
    return x - lr * g


def in_place(x, g, lr):
    x -= lr * g
    return x


MISTAKES = [
    (lambda x, g, lr: x + lr * g, "wrong sign", "uphill"),
    (lambda x, g, lr: x - g, "forgot learning rate", "ignores the learning rate"),
    (lambda x, g, lr: -lr * g, "returned the update only", "only the change"),
    (lambda x, g, lr: x - g / lr, "divided by the learning rate", "smaller"),
    (lambda x, g, lr: np.sum(x - lr * g), "wrong shape", "shape"),
    (lambda x, g, lr: (x - lr * g).T.reshape(-1), "wrong shape", "shape"),
    (in_place, "modified input", "in place"),
    (lambda x, g, lr: None, "returned None", "return"),
    (lambda x, g, lr: 1 / 0, "raised", "ZeroDivisionError"),
    (lambda x, g, lr: x - 0.5 * lr * g, "wrong values", "wrong values"),
]


def test_accepts_the_reference_solution():
    feedback = check_gd_step(right)
    assert feedback and feedback.passed and feedback.mistake is None


@pytest.mark.parametrize("step, name, phrase", MISTAKES, ids=[m[1] + str(i) for i, m in enumerate(MISTAKES)])
def test_names_the_mistake(step, name, phrase):
    feedback = check_gd_step(step)
    assert not feedback
    assert feedback.mistake == name
    assert phrase in feedback.message


def test_feedback_never_prints_the_expected_numbers():
    from momentum_lab.check.gradient_descent import _gd_cases

    feedback = check_gd_step(lambda x, g, lr: x - 0.5 * lr * g)
    for x, g, lr in _gd_cases():
        for value in np.ravel(x - lr * g):
            assert f"{value:.3f}" not in feedback.message


@pytest.mark.parametrize(
    "answer, L, passed, mistake",
    [
        (0.5, 4.0, True, None),
        ("0.5", 4.0, False, "not a number"),
        (0.25, 4.0, False, "best step instead of largest"),
        (8.0, 4.0, False, "units"),
        (0.7, 4.0, False, "other"),
        ("two", 4.0, False, "not a number"),
    ],
)
def test_step_size_answer(answer, L, passed, mistake):
    feedback = check_step_size_answer(answer, L)
    assert feedback.passed == passed
    assert feedback.mistake == mistake
