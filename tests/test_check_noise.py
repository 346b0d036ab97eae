"""Checkers of chapter 11: their reference answers are the library's (noise_ball, CosineDecay,
PolyakAverage, noise_scale), and the notebook's placeholders get a useful message."""

import numpy as np
import pytest

from momentum_lab.check import noise as check
from momentum_lab.noise import noise_ball, noise_scale
from momentum_lab.optim import CosineDecay, PolyakAverage


def test_sgd_reference_is_the_library_noise_ball():
    right = noise_ball(0.125, 4.0, 0.2)
    assert check.check_sgd_noise_ball(right, lr=0.125, lam=4.0, noise_variance=0.2)
    feedback = check.check_sgd_noise_ball(None, lr=0.125, lam=4.0, noise_variance=0.2)
    assert not feedback and feedback.mistake == "not a number"
    assert check.check_sgd_noise_ball(0.5, lr=0.125, lam=4.0, noise_variance=0.2).mistake == "other"


def test_heavy_ball_reference_is_the_library_noise_ball():
    assert check.check_heavy_ball_noise_ball(lambda lr, beta, lam, s: noise_ball(lr, lam, s, momentum=beta))


def test_cosine_reference_is_the_library_schedule():
    assert check.check_cosine_schedule(lambda k, lr, T, m: CosineDecay(lr, T, min_lr=m)(k))


def test_running_average_reference_is_polyak_average():
    def with_library(average, theta, n):
        avg = PolyakAverage()
        avg.update(average)
        avg.count = n - 1  # the mean of n − 1 iterates so far
        return avg.update(theta).copy()

    assert check.check_running_average(with_library)


def test_noise_scale_reference_is_the_library_function():
    assert check.check_noise_scale(noise_scale)


@pytest.mark.parametrize(
    "checker",
    [
        check.check_cosine_schedule,
        check.check_running_average,
        check.check_noise_scale,
        check.check_heavy_ball_noise_ball,
    ],
)
def test_placeholder_raising_not_implemented_is_reported(checker):
    def placeholder(*args):
        raise NotImplementedError("replace this line")

    feedback = checker(placeholder)
    assert not feedback and feedback.mistake == "raised" and "NotImplementedError" in feedback.message


def test_running_average_rejects_in_place_update():
    def in_place(average, theta, n):
        average += (theta - average) / n
        return average

    assert check.check_running_average(in_place).mistake == "modified input"


def test_wrong_values_get_a_general_hint():
    feedback = check.check_noise_scale(lambda G: float(np.sum(G)))
    assert not feedback and feedback.mistake == "wrong values"
