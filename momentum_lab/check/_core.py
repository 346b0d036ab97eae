"""The machinery every checker shares.

Shared by the checkers of every chapter's exercises.

A checker knows the reference answer and a list of :class:`Mistake` s: wrong versions of the answer,
each with a hint. :func:`compare_function` runs the learner's function on a few cases; if it matches
the reference everywhere the answer passes; if it matches one of the mistakes on every case the
learner gets that mistake's hint; otherwise they get the first case where it went wrong, described by
shapes and by what went wrong, never by the expected numbers.

**Feedback or error.** A checker has two kinds of argument, and they are treated differently:

* *the learner's answer* (a function or a number) is never trusted. Anything wrong with it is
  feedback, a :class:`Feedback` with ``passed=False`` and a :attr:`Feedback.mistake` name, never an
  exception: a function that is not callable (``"not callable"``), raises (``"raised"``), returns
  ``None`` (``"returned None"``), changes its inputs in place (``"modified input"``), returns
  something that is not an array of real numbers (``"not numbers"``: strings, objects, booleans;
  ``"complex result"``: complex numbers), an array of the wrong shape or parts of different shapes
  (``"wrong shape"``) or a NaN or an infinity (``"non-finite"``, naming the test case). A number
  answer that is None, a string (even ``"0.5"``: the quotes are the slip, and the message says so), a
  bool, a complex number, a list or an array of more than one number, a function, a NaN or an
  infinity gets ``"not a number"``, with a message that says which. :func:`read_number` does this for every numeric
  checker.
* *the checker's own parameters* (``L``, ``beta``, ``kappa``, ``primitive``, ``batched``, ...) are
  given by the chapter, not by the learner: a wrong one is a bug in the calling cell, so it raises a
  TypeError or ValueError naming the parameter (``"L must be > 0; got L=0.0"``), as everywhere in the
  library.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from momentum_lab._validate import flag, non_negative

__all__ = ["CheckerSpec", "Feedback", "Mistake", "compare_function", "describe_case", "numeric_result", "read_number"]


@dataclass(frozen=True)
class Feedback:
    """The result of a check: ``passed`` and a message for the learner. Truthy when passed."""

    passed: bool
    message: str
    mistake: str | None = None  # the name of the recognised mistake, if any

    def __post_init__(self) -> None:
        flag(self.passed, "passed")
        if not isinstance(self.message, str):
            raise TypeError(f"message must be a str; got message={self.message!r} ({type(self.message).__name__})")
        if self.mistake is not None and not isinstance(self.mistake, str):
            raise TypeError(f"mistake must be a str or None; got mistake={self.mistake!r}")

    def __bool__(self) -> bool:
        return bool(self.passed)

    def __str__(self) -> str:
        mark = "✅" if self.passed else "❌"
        return f"{mark} {self.message}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_markdown_(self) -> str:
        return str(self)


@dataclass(frozen=True)
class Mistake:
    """A typical wrong answer: ``wrong(*args)`` computes it, ``hint`` says where to look."""

    name: str
    wrong: Callable[..., Any]
    hint: str

    def __post_init__(self) -> None:
        if not callable(self.wrong):
            raise TypeError(f"wrong must be callable; got wrong={self.wrong!r} ({type(self.wrong).__name__})")


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

    checker: Callable[..., Feedback]
    reference: object
    mistakes: dict[str, object]  # {mistake name: a typical wrong answer}
    call: Callable[[Any], Feedback] | None = None

    def check(self, answer: object) -> Feedback:
        """The checker's verdict on ``answer``."""
        return (self.call or self.checker)(answer)


# ---------------------------------------------------------------------------------------------------
# Reading a learner's answer


def _kind_of(value: object) -> str:
    """A short description of ``value`` for a message: arrays by shape, numbers by value."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if callable(value):
        return "a function"
    if isinstance(value, (numbers.Number, np.generic)):
        return repr(value.item() if isinstance(value, np.generic) else value)
    return f"a {type(value).__name__}"


def describe_case(args: Sequence[object]) -> str:
    """The arguments of one test case in words: arrays by their shape, numbers by their value.

    The expected result is never part of it, so the description does not give the answer away.
    """
    return ", ".join(_kind_of(a) for a in args)


def _to_numpy(value: object) -> object:
    """Tensors (anything with a ``.numpy()`` method) as arrays, also inside lists and tuples."""
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, (list, tuple)):
        return [_to_numpy(v) for v in value]
    numpy_method = getattr(value, "numpy", None)
    if callable(numpy_method):
        try:
            return numpy_method()
        except Exception:  # a tensor that cannot be read (e.g. on a device): judge it as it is
            return value
    return value


def _shape_text(part: Any) -> str:
    try:
        return str(np.shape(part))
    except (ValueError, TypeError):
        return "a ragged sequence"


_NOT_NUMBERS = {
    "b": ("True/False values (booleans), not numbers", "not numbers"),
    "c": (
        "complex numbers, but the answer is real: a square root or a polynomial root of a negative "
        "number? Take abs() or the real part where the formula says so",
        "complex result",
    ),
}


def numeric_result(got: object, what: str = "your function") -> npt.NDArray[np.float64] | Feedback:
    """The learner's result ``got`` as a float64 array, or a :class:`Feedback` saying why it is not one.

    Tensors (with a ``.numpy()`` method) and lists or tuples of arrays are converted; a sequence whose
    parts have different shapes gets ``"wrong shape"``; booleans, strings and objects get
    ``"not numbers"``; complex numbers ``"complex result"``. NaN and infinities are left to the caller.
    """
    if got is None:
        return Feedback(False, f"{what} returned None. Did you forget `return`?", "returned None")
    converted = _to_numpy(got)
    try:
        array = np.asarray(converted)
    except (ValueError, TypeError):
        parts = converted if isinstance(converted, list) else [converted]
        return Feedback(
            False,
            f"{what} returned a sequence whose parts have different shapes "
            f"({', '.join(_shape_text(p) for p in parts)}); every part must have the shape of "
            "the corresponding part of the answer.",
            "wrong shape",
        )
    kind = array.dtype.kind
    if kind in "iuf":
        return array.astype(np.float64, copy=False)
    if kind in _NOT_NUMBERS:
        text, name = _NOT_NUMBERS[kind]
        return Feedback(False, f"{what} returned {text}.", name)
    if kind == "O":
        try:  # e.g. a list mixing arrays and Python numbers of the same shape, or Fractions
            return array.astype(np.float64)
        except (TypeError, ValueError):
            pass
    return Feedback(False, f"{what} returned {_kind_of(got)}, not numbers: return a number or an array.", "not numbers")


def read_number(answer: object) -> float | Feedback:
    """A learner's number ``answer`` as a float, or a ``"not a number"`` :class:`Feedback` saying why not.

    Accepted: Python and NumPy integers and floats, 0-d arrays and tensors of one number. Refused with a
    hint: None (the exercise's placeholder), strings (``"0.5"`` too: the message asks for the number
    without quotes), booleans, complex numbers, lists and arrays of several numbers, functions, NaN and
    infinities.
    """
    if answer is None or answer is Ellipsis:
        return Feedback(False, f"Answer with a number; got {answer!r}.", "not a number")
    if isinstance(answer, (str, bytes)):
        try:
            float(answer)
        except ValueError:
            return Feedback(False, f"Answer with a number; got {answer!r}.", "not a number")
        return Feedback(
            False, f"Answer with a number, not the string {answer!r}: write it without the quotes.", "not a number"
        )
    if isinstance(answer, (bool, np.bool_)):
        return Feedback(False, f"Answer with a number; got {answer!r}, a truth value.", "not a number")
    if callable(answer) and not hasattr(answer, "numpy"):
        return Feedback(False, "Answer with a number; got a function. Call it, or write its value.", "not a number")
    value = numeric_result(answer, "your answer")
    if isinstance(value, Feedback):
        if value.mistake == "complex result":
            return Feedback(False, f"Answer with a real number; got the complex number {answer!r}.", "not a number")
        return Feedback(False, f"Answer with a number; got {_kind_of(answer)}.", "not a number")
    if value.ndim > 0:
        return Feedback(
            False,
            f"Answer with one number; got {_kind_of(value)} "
            f"({'a list' if isinstance(answer, (list, tuple)) else 'an array'} of numbers).",
            "not a number",
        )
    number = float(value)
    if not np.isfinite(number):
        return Feedback(
            False,
            f"Answer with a finite number; got {number}. (A division by zero or an "
            "overflow somewhere in your working?)",
            "not a number",
        )
    return number


# ---------------------------------------------------------------------------------------------------
# Comparing a learner's function with the reference


def _same(a: Any, b: Any, rtol: float, atol: float) -> bool:
    try:
        a = np.asarray(a, dtype=float)
        b = np.asarray(b, dtype=float)
    except (TypeError, ValueError):  # a mistake that does not apply to this case
        return False
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=False))


def _copy_args(args: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args)


def _reference_result(reference: Callable[..., Any], args: Sequence[object]) -> npt.NDArray[np.float64]:
    with np.errstate(all="ignore"):
        return np.asarray(reference(*_copy_args(args)), dtype=float)


def compare_function(
    candidate: object,
    reference: Callable[..., Any],
    cases: Sequence[Sequence[object]],
    mistakes: Iterable[Mistake] = (),
    *,
    what: str = "your function",
    rtol: float = 1e-7,
    atol: float = 1e-10,
    check_inputs_unchanged: bool = True,
) -> Feedback:
    """Compare ``candidate`` with ``reference`` on ``cases`` (tuples of positional arguments).

    Returns a :class:`Feedback`. The order of checks: it must be callable and not raise; it must not
    modify its array arguments in place (optional); it must return real numbers (see
    ``numeric_result``) of the reference's shape, all finite (a NaN or an infinity is reported with
    the test case's arguments, by shape); then the values are compared, and a wrong answer is matched
    against ``mistakes``. NumPy's floating-point warnings inside ``candidate`` are silenced: a NaN they
    announce is reported as feedback instead.

    ``candidate`` is the learner's and anything goes (feedback, never an exception); the other
    arguments are the checker's, and a wrong one raises TypeError/ValueError naming it.
    """
    if not callable(reference):
        raise TypeError(f"reference must be callable; got reference={reference!r}")
    if isinstance(cases, (str, bytes)) or not isinstance(cases, Sequence) or len(cases) == 0:
        raise ValueError(f"cases must be a non-empty sequence of argument tuples; got cases={cases!r}")
    if not all(isinstance(args, (tuple, list)) for args in cases):
        raise TypeError(
            f"cases must hold tuples of positional arguments; got {[type(args).__name__ for args in cases]}"
        )
    mistakes = tuple(mistakes)
    if not all(isinstance(m, Mistake) for m in mistakes):
        raise TypeError(f"mistakes must be Mistake objects; got {[type(m).__name__ for m in mistakes]}")
    if not isinstance(what, str):
        raise TypeError(f"what must be a str; got what={what!r}")
    rtol, atol = non_negative(rtol, "rtol"), non_negative(atol, "atol")
    check_inputs_unchanged = flag(check_inputs_unchanged, "check_inputs_unchanged")

    if not callable(candidate):
        return Feedback(False, f"{what} should be a function; got {type(candidate).__name__}.", "not callable")
    wrong_cases = []
    for number, args in enumerate(cases, start=1):
        given = _copy_args(args)
        try:
            with np.errstate(all="ignore"):
                raw = candidate(*given)
        except Exception as exc:  # the learner's code may raise anything; report it
            return Feedback(False, f"{what} raised {type(exc).__name__}: {exc}", "raised")
        if raw is None:
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
        got = numeric_result(raw, what)
        if isinstance(got, Feedback):
            return got
        expected = _reference_result(reference, args)
        if got.shape != expected.shape:
            return Feedback(
                False,
                f"{what} returned shape {got.shape}, but the answer must have shape "
                f"{expected.shape}. Check which axes you sum or average over, and transposes.",
                "wrong shape",
            )
        if not np.all(np.isfinite(got)):
            return Feedback(
                False,
                f"{what} returned a non-finite value (nan or inf) on test case {number} of "
                f"{len(cases)} (arguments: {describe_case(args)}). Look for a division by zero, "
                "a logarithm of 0 or an overflowing exponential.",
                "non-finite",
            )
        if not _same(got, expected, rtol, atol):
            wrong_cases.append((args, got))
    if not wrong_cases:
        return Feedback(True, f"{what} gives the right answer on all {len(cases)} test cases.")
    for mistake in mistakes:
        if all(_same(got, _mistake_result(mistake, args), rtol, atol) for args, got in wrong_cases):
            return Feedback(False, mistake.hint, mistake.name)
    return Feedback(
        False,
        f"{what} returns the right shape but wrong values on {len(wrong_cases)} of {len(cases)} "
        "test cases. Work through a one-dimensional example by hand and compare.",
        "wrong values",
    )


def _mistake_result(mistake: Mistake, args: Sequence[object]) -> Any:
    with np.errstate(all="ignore"):
        return mistake.wrong(*_copy_args(args))
