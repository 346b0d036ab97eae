"""Checkers of chapter 14: right answers pass, each typical mistake gets its own feedback, odd answers are
refused, and the library's own functions count as right answers."""

import numpy as np
import pytest

import momentum_lab.losses as L
from momentum_lab.check import image as C


def test_the_library_passes_as_an_answer():
    assert C.check_total_variation(lambda images: L.total_variation(images, reduction="none"))
    # the library's SSIM with one window the size of the image and σ = 1e6 (uniform to 1e-12) is the
    # global SSIM of the exercise, with C1 = (k1·1)², C2 = (k2·1)²
    x, y = np.random.default_rng(0).random((2, 3, 5, 5))
    ours = L.ssim(x[..., None], y[..., None], filter_size=5, filter_sigma=1e6, k1=0.01, k2=0.03, reduction="none")
    np.testing.assert_allclose(ours, C._global_ssim(x, y, 1e-4, 9e-4), rtol=1e-9)
    assert C.check_global_ssim(C._global_ssim)


@pytest.mark.parametrize("spec", C.CHECKERS, ids=[s.checker.__name__ for s in C.CHECKERS])
def test_reference_passes_and_each_mistake_is_named(spec):
    assert spec.check(spec.reference).passed
    assert len(spec.mistakes) >= 3
    for name, wrong in spec.mistakes.items():
        feedback = spec.check(wrong)
        assert not feedback.passed and feedback.mistake == name, (name, feedback)
        assert str(feedback).startswith("❌") and len(feedback.message) > 20


def test_every_public_checker_is_listed():
    assert sorted(s.checker.__name__ for s in C.CHECKERS) == sorted(C.__all__)


@pytest.mark.parametrize(
    "answer, mistake",
    [
        (lambda images: None, "returned None"),
        (lambda images: np.zeros(7), "wrong shape"),
        (lambda images: 1 / 0, "raised"),
        ("not a function", "not callable"),
        (lambda images: np.full(len(images), 3.0), "wrong values"),
    ],
)
def test_function_checker_refuses_broken_answers(answer, mistake):
    assert C.check_total_variation(answer).mistake == mistake


def test_an_answer_that_changes_its_input_is_refused():
    def in_place(images):
        images -= 1.0
        return C._tv(images)

    assert C.check_total_variation(in_place).mistake == "modified input"


def test_number_checkers_refuse_bools_strings_and_nan():
    assert C.check_constant_ssim(True, 0.2, 0.6).mistake == "not a number"
    assert C.check_minimax_ratio("0.0101", 0.01).mistake == "not a number"
    assert not C.check_sigmoid_mse_gradient(float("nan"), -4.0, 1.0)
    assert C.check_minimax_ratio(np.float32(0.01 / 0.99), 0.01)


def test_number_checkers_by_hand():
    # constant images 0.4 and 0.5, C1 = 1e-4: (0.4 + 1e-4)/(0.41 + 1e-4) = 0.975616...
    assert C.check_constant_ssim(0.9756157, a=0.4, b=0.5)
    # σ(−4) = 0.0179862: 2·(−0.9820138)·0.0179862·0.9820138 = −0.0346909
    assert C.check_sigmoid_mse_gradient(-0.0346909, z=-4.0, y=1.0)
    assert C.check_sigmoid_mse_gradient(-0.9820138, z=-4.0, y=1.0).mistake == "cross-entropy gradient"
    # D = 0.1: 0.1/0.9
    assert C.check_minimax_ratio(0.111111, d_fake=0.1)
