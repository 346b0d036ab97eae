"""Checkers for chapter 1, "Gradient descent on a loss landscape".

The learner's answer is judged, never trusted: a function that raises, returns NaN, a string or the
wrong shape, and a number answer that is None, a string, complex or NaN, get a :class:`Feedback` that
says so (``check/_core.py`` lists the cases). The checkers' own parameters (``L``) are the chapter's:
a wrong one raises ValueError/TypeError naming it, e.g. ``check_step_size_answer(0.2, L=0.0)`` raises
``ValueError: L must be > 0; got L=0.0``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from momentum_lab._validate import positive
from momentum_lab.check._core import CheckerSpec, Feedback, Mistake, compare_function, read_number
from momentum_lab.optim import gradient_descent_step

_GD_MISTAKES = (
    Mistake(
        "wrong sign",
        lambda x, g, lr: x + lr * g,
        "Your step goes uphill: it moves along the gradient. The gradient points to where the loss "
        "grows fastest; which way should the step go?",
    ),
    Mistake(
        "forgot learning rate",
        lambda x, g, lr: x - g,
        "Your step ignores the learning rate: it has the same size whatever `lr` is. Where should `lr` enter?",
    ),
    Mistake(
        "forgot learning rate and wrong sign",
        lambda x, g, lr: x + g,
        "Your step ignores the learning rate and also moves uphill, along the gradient.",
    ),
    Mistake(
        "returned the update only",
        lambda x, g, lr: -lr * g,
        "You return only the change of the parameters. The function should return the new "
        "parameters: where does the old point go?",
    ),
    Mistake(
        "divided by the learning rate",
        lambda x, g, lr: x - g / lr,
        "A larger learning rate should mean a larger step; in yours it makes the step smaller.",
    ),
)


def _gd_cases(seed: int = 0) -> list[tuple[Any, ...]]:
    rng = np.random.default_rng(seed)
    cases = []
    for shape, lr in (((2,), 0.1), ((5,), 0.37), ((3, 4), 0.05), ((1,), 2.5)):
        cases.append((rng.standard_normal(shape), rng.standard_normal(shape), lr))
    return cases


def check_gd_step(step: object) -> Feedback:
    """Check a learner's ``step(x, grad, lr)`` that returns the parameters after one descent step.

    Recognises: a step uphill (wrong sign), a forgotten learning rate, returning only the update,
    dividing by the learning rate, a wrong shape (e.g. a sum or a transpose), and changing ``x`` in
    place. Anything else wrong with ``step`` (not a function, raises, returns None, NaN or strings) is
    feedback too, never an exception.
    """
    return compare_function(step, gradient_descent_step, _gd_cases(), _GD_MISTAKES, what="your step function")


def check_step_size_answer(answer: object, L: float) -> Feedback:
    """Check the learner's answer to "beyond which step size does gradient descent diverge on a
    quadratic whose largest curvature is ``L``?" (a number; the answer is 2/L).

    ``answer`` that is not a finite real number (None, a string, complex, NaN) gets ``"not a number"``
     feedback. ``L`` must be a real number > 0 (ValueError/TypeError otherwise).
    """
    L = positive(L, "L")
    value = read_number(answer)
    if isinstance(value, Feedback):
        return value
    right = 2.0 / L
    if np.isclose(value, right, rtol=1e-6):
        return Feedback(True, "Right: any step size above this makes the steepest direction blow up.")
    if np.isclose(value, 1.0 / L, rtol=1e-6):
        return Feedback(
            False,
            "That step size is the best one for the steepest direction alone, not "
            "the largest that still converges. What is |1 − ηL| at your value, and when "
            "does it reach 1?",
            "best step instead of largest",
        )
    if np.isclose(value, 2.0 / (L * L), rtol=1e-6) or np.isclose(value, 2.0 * L, rtol=1e-6):
        return Feedback(False, "Check the units: a step size times a curvature is a pure number.", "units")
    return Feedback(
        False,
        "Not quite. Write the error after one step along the steepest eigen-"
        "direction as a multiple of the error before, and ask when that multiple "
        "exceeds 1 in size.",
        "other",
    )


# What each checker accepts and the mistakes it names (tested by tests/test_exercises.py).
def _step_in_place(x: np.ndarray, grad: np.ndarray, lr: float) -> np.ndarray:
    x -= lr * grad
    return x


CHECKERS = [
    CheckerSpec(
        check_gd_step,
        reference=lambda x, grad, lr: x - lr * grad,
        mistakes={
            **{mistake.name: mistake.wrong for mistake in _GD_MISTAKES},
            "wrong shape": lambda x, grad, lr: np.sum(x - lr * grad),
            "modified input": _step_in_place,
            "returned None": lambda x, grad, lr: None,
        },
    ),
    CheckerSpec(
        check_step_size_answer,
        reference=0.5,
        mistakes={"best step instead of largest": 0.25, "units": 8.0, "not a number": "two over L"},
        call=lambda answer: check_step_size_answer(answer, L=4.0),
    ),
]
