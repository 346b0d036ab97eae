"""Checkers of chapter 12: the references agree with the library, and the feedback names the mistake."""

import math

import numpy as np
import pytest

from momentum_lab.check import adaptive as check
from momentum_lab.optim import Adam, AdamW, KerasAdam


def test_reference_adam_step_is_the_librarys_adam():
    # Two steps of the checker's reference against momentum_lab.optim.Adam (torch's convention).
    rng = np.random.default_rng(0)
    theta, g1, g2 = rng.standard_normal((3, 4))
    ours = theta.copy()
    opt = Adam(lr=0.05, betas=(0.8, 0.95), eps=1e-3)
    opt.step(ours, g1)
    opt.step(ours, g2)
    th, m, v = check._adam_step(theta, np.zeros(4), np.zeros(4), g1, 1, 0.05, 0.8, 0.95, 1e-3)
    th, m, v = check._adam_step(th, m, v, g2, 2, 0.05, 0.8, 0.95, 1e-3)
    np.testing.assert_allclose(th, ours, rtol=1e-14)
    np.testing.assert_allclose(m, opt.state[ours]["exp_avg"], rtol=1e-14)


def test_reference_adamw_and_the_keras_epsilon_mistake_are_the_librarys():
    rng = np.random.default_rng(1)
    theta, g = rng.standard_normal((2, 3))
    ours = theta.copy()
    AdamW(lr=0.1, weight_decay=0.3).step(ours, g)
    th, _, _ = check._adamw_step(theta, np.zeros(3), np.zeros(3), g, 1, 0.1, 0.9, 0.999, 1e-8, 0.3)
    np.testing.assert_allclose(th, ours, rtol=1e-14)
    keras_form = theta.copy()
    KerasAdam(learning_rate=0.1, epsilon=0.01).step(keras_form, g)
    th, _, _ = check._adam_variant(theta, np.zeros(3), np.zeros(3), g, 1, 0.1, 0.9, 0.999, 0.01, keras_eps=True)
    np.testing.assert_allclose(th, keras_form, rtol=1e-14)


def test_moment_weights_sum_to_one_and_reproduce_the_corrected_moment():
    rng = np.random.default_rng(2)
    gs = rng.standard_normal(9)
    m = 0.0
    for g in gs:
        m = 0.7 * m + 0.3 * g
    w = check._weights(9, 0.7)
    assert w.sum() == pytest.approx(1.0, rel=1e-14)
    assert w @ gs == pytest.approx(m / (1 - 0.7**9), rel=1e-13)


def test_feedback_never_states_the_answer():
    for feedback in [check.check_bias_factor(0.3, beta1=0.9, t=5), check.check_keras_epsilon(1.0, 1e-7, 0.999, 1)]:
        assert not feedback.passed
        assert f"{1 - 0.9**5:.3f}" not in feedback.message and "3.16" not in feedback.message


@pytest.mark.parametrize("answer", [True, None, "x", [1.0]])
def test_number_checkers_refuse_what_is_not_a_number(answer):
    assert check.check_bias_factor(answer, 0.9, 5).mistake == "not a number"
    assert check.check_keras_epsilon(answer, 1e-7, 0.999, 1).mistake == "not a number"


def test_right_answers_pass_with_their_explanation():
    assert check.check_bias_factor(1 - 0.9**5, 0.9, 5).passed
    assert check.check_keras_epsilon(1e-7 / math.sqrt(0.001), 1e-7, 0.999, 1).passed
    assert check.check_adam_step(check._adam_step).passed
    assert check.check_moment_weights(check._weights).passed
