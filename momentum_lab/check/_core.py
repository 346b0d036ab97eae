"""The machinery every checker shares.

Shared by the checkers of every chapter's exercises.

A checker knows the reference answer and a list of :class:`Mistake` s: wrong versions of the answer,
each with a hint. :func:`compare_function` runs the learner's function on a few cases; if it matches
the reference everywhere the answer passes; if it matches one of the mistakes on every case the
learner gets that mistake's hint; otherwise they get the first case where it went wrong, described by
shapes and by what went wrong, never by the expected numbers.
"""

from dataclasses import dataclass
from collections.abc import Callable

import numpy as np


@dataclass(frozen=True)
class Feedback:
    """The result of a check: ``passed`` and a message for the learner. Truthy when passed."""

    passed: bool
    message: str
    mistake: str | None = None  # the name of the recognised mistake, if any

    def __bool__(self):
        return self.passed

    def __str__(self):
        mark = "✅" if self.passed else "❌"
        return f"{mark} {self.message}"

    def __repr__(self):
        return str(self)

    def _repr_markdown_(self):
        return str(self)


@dataclass(frozen=True)
class Mistake:
    """A typical wrong answer: ``wrong(*args)`` computes it, ``hint`` says where to look."""

    name: str
    wrong: Callable
    hint: str


@dataclass(frozen=True)
class CheckerSpec:
    """How a checker describes itself to the test suite (CONTRIBUTING.md, "Checkers").

    Each checker module lists one per public ``check_*`` function in a module-level ``CHECKERS``;
    ``tests/test_exercises.py`` asserts that ``check(reference)`` passes and that ``check(wrong)`` fails
    naming ``mistake`` (the :attr:`Feedback.mistake` it must return) for each entry of ``mistakes``, of
    which there are at least three.

    ``call`` checks one answer; leave it out when the answer is the checker's only argument, or pass a
    function that supplies the rest, e.g. ``call=lambda answer: check_step_size_answer(answer, L=4.0)``.
    """

    checker: Callable
    reference: object
    mistakes: dict  # {mistake name: a typical wrong answer}
    call: Callable | None = None

    def check(self, answer):
        return (self.call or self.checker)(answer)


def _same(a, b, rtol, atol):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=False)


def _copy_args(args):
    return tuple(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args)


def compare_function(candidate, reference, cases, mistakes=(), *, what="your function",
                     rtol=1e-7, atol=1e-10, check_inputs_unchanged=True):
    """Compare ``candidate`` with ``reference`` on ``cases`` (tuples of positional arguments).

    Returns a :class:`Feedback`. The order of checks: it must be callable and not raise; it must not
    modify its array arguments in place (optional); results must have the reference's shape; then the
    values are compared, and a wrong answer is matched against ``mistakes``.
    """
    if not callable(candidate):
        return Feedback(False, f"{what} should be a function; got {type(candidate).__name__}.",
                        "not callable")
    wrong_cases = []
    for args in cases:
        given = _copy_args(args)
        try:
            got = candidate(*given)
        except Exception as exc:  # the learner's code may raise anything; report it
            return Feedback(False, f"{what} raised {type(exc).__name__}: {exc}", "raised")
        if got is None:
            return Feedback(False, f"{what} returned None. Did you forget `return`?", "returned None")
        if check_inputs_unchanged and any(
            isinstance(a, np.ndarray) and not np.array_equal(a, g) for a, g in zip(args, given)
        ):
            return Feedback(
                False,
                f"{what} changed one of its input arrays in place (for example with `-=`). "
                "Build and return a new array instead.",
                "modified input",
            )
        expected = reference(*_copy_args(args))
        got_shape, expected_shape = np.shape(got), np.shape(expected)
        if got_shape != expected_shape:
            return Feedback(
                False,
                f"{what} returned shape {got_shape}, but the answer must have shape "
                f"{expected_shape}. Check which axes you sum or average over, and transposes.",
                "wrong shape",
            )
        if not np.all(np.isfinite(np.asarray(got, dtype=float))):
            return Feedback(False, f"{what} returned a non-finite value (nan or inf).", "non-finite")
        if not _same(got, expected, rtol, atol):
            wrong_cases.append((args, got))
    if not wrong_cases:
        return Feedback(True, f"{what} gives the right answer on all {len(cases)} test cases.")
    for mistake in mistakes:
        if all(_same(got, mistake.wrong(*_copy_args(args)), rtol, atol) for args, got in wrong_cases):
            return Feedback(False, mistake.hint, mistake.name)
    return Feedback(
        False,
        f"{what} returns the right shape but wrong values on {len(wrong_cases)} of {len(cases)} "
        "test cases. Work through a one-dimensional example by hand and compare.",
        "wrong values",
    )
