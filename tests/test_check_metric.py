"""Checkers of chapter 13: right answers pass, typical mistakes are named, odd answers are refused."""

import numpy as np
import pytest

from momentum_lab.check import metric as M
from momentum_lab.losses import info_nce, triplet_margin


def test_the_library_losses_pass_as_answers():
    # the library's forms (eps = 0, per sample) are right answers to the two function exercises
    assert M.check_triplet_loss(lambda a, p, n, m: triplet_margin(a, p, n, margin=m, eps=0.0, reduction="none"))
    assert M.check_info_nce(lambda z1, z2, tau: info_nce(z1, z2, temperature=tau, reduction="none"))


@pytest.mark.parametrize("spec", M.CHECKERS, ids=[s.checker.__name__ for s in M.CHECKERS])
def test_reference_passes_and_each_mistake_is_named(spec):
    assert spec.check(spec.reference).passed
    for name, wrong in spec.mistakes.items():
        feedback = spec.check(wrong)
        assert not feedback.passed and feedback.mistake == name, (name, feedback)


@pytest.mark.parametrize(
    "answer, mistake",
    [
        (None, "returned None"),
        (lambda a, p, n, m: np.zeros(3), "wrong shape"),
        (lambda a, p, n, m: 1 / 0, "raised"),
        ("not a function", "not callable"),
    ],
)
def test_function_checker_refuses_broken_answers(answer, mistake):
    answer = (lambda a, p, n, m: None) if answer is None else answer
    assert M.check_triplet_loss(answer).mistake == mistake


def test_number_checkers_refuse_bools_and_nan():
    assert M.check_focal_discount(True, 0.9, 2.0).mistake == "not a number"
    assert M.check_pos_weight_threshold(float("nan"), 4.0).mistake == "not a number"
    assert M.check_pos_weight_threshold(0.2, 4.0)
