"""Checkers for the exercises: they run a learner's code, recognise typical mistakes and say what to

The exercises of every chapter: one checker module per topic.
look at, without printing the solution.

Each checker returns a :class:`Feedback`, which prints as a short message in a notebook and is truthy
when the answer is right.
"""

from momentum_lab.check._core import Feedback, Mistake, compare_function
from momentum_lab.check.gradient_descent import check_gd_step, check_step_size_answer

__all__ = ["Feedback", "Mistake", "compare_function", "check_gd_step", "check_step_size_answer"]
