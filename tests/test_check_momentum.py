"""The momentum checkers (chapters 2 and 3) accept the right answers and name the typical mistakes."""

import numpy as np
import pytest

from momentum_lab.check.momentum import (
    check_heavy_ball_rate,
    check_heavy_ball_step,
    check_nesterov_step,
    check_optimal_momentum,
    check_stability_limit,
    check_terminal_speed,
)

# ------------------------------------------------------------------------------------ heavy-ball step


def heavy_ball(theta, v, g, lr, beta):
    v = beta * v + lr * g
    return theta - v, v


def heavy_ball_in_place(theta, v, g, lr, beta):
    v *= beta
    v += lr * g
    theta -= v
    return theta, v


def heavy_ball_list(theta, v, g, lr, beta):
    new_v = beta * v + lr * g
    return [theta - new_v, new_v]


HEAVY_BALL_MISTAKES = [
    # (learner's function, mistake name, a phrase the hint must contain)
    (lambda th, v, g, lr, b: (th + (b * v + lr * g), b * v + lr * g), "wrong sign", "uphill"),
    (lambda th, v, g, lr, b: (th + (b * v - lr * g), b * v - lr * g), "mixed conventions", "Keras"),
    (lambda th, v, g, lr, b: (th - (b * v + g), b * v + g), "forgot learning rate", "learning rate"),
    (lambda th, v, g, lr, b: (th - lr * (b * v + g), b * v + g), "learning rate outside the velocity", "PyTorch"),
    (lambda th, v, g, lr, b: (th - v, b * v + lr * g), "stale velocity", "old one"),
    (lambda th, v, g, lr, b: (th - (v + lr * g), v + lr * g), "forgot momentum", "β"),
    (lambda th, v, g, lr, b: (th - lr * g, lr * g), "velocity dropped", "plain gradient descent"),
    (
        lambda th, v, g, lr, b: (th - (b * v + (1 - b) * lr * g), b * v + (1 - b) * lr * g),
        "dampened velocity",
        "dampening",
    ),
    (lambda th, v, g, lr, b: (th - (lr * v + b * g), lr * v + b * g), "swapped learning rate and momentum", "swapped"),
    (lambda th, v, g, lr, b: (b * v + lr * g, th - (b * v + lr * g)), "returned in the wrong order", "order"),
    (lambda th, v, g, lr, b: th - (b * v + lr * g), "not a pair", "two arrays"),
    (heavy_ball_in_place, "modified input", "in place"),
    (lambda th, v, g, lr, b: None, "returned None", "return"),
    (lambda th, v, g, lr, b: (th - (b * v + lr * g)).sum(), "not a pair", "two arrays"),
    (lambda th, v, g, lr, b: (th - 0.5 * (b * v + lr * g), b * v + lr * g), "wrong values", "wrong values"),
]


@pytest.mark.parametrize("step", [heavy_ball, heavy_ball_list], ids=["tuple", "list"])
def test_heavy_ball_accepts_the_reference(step):
    feedback = check_heavy_ball_step(step)
    assert feedback and feedback.mistake is None


@pytest.mark.parametrize(
    "step, name, phrase", HEAVY_BALL_MISTAKES, ids=[f"{i}-{m[1]}" for i, m in enumerate(HEAVY_BALL_MISTAKES)]
)
def test_heavy_ball_names_the_mistake(step, name, phrase):
    feedback = check_heavy_ball_step(step)
    assert not feedback
    assert feedback.mistake == name
    assert phrase in feedback.message


def test_heavy_ball_feedback_never_prints_the_expected_numbers():
    from momentum_lab.check.momentum import _heavy_ball_cases

    feedback = check_heavy_ball_step(lambda th, v, g, lr, b: (th - 0.5 * (b * v + lr * g), b * v + lr * g))
    for theta, v, g, lr, beta in _heavy_ball_cases():
        for value in np.ravel(heavy_ball(theta, v, g, lr, beta)):
            assert f"{value:.3f}" not in feedback.message


def test_heavy_ball_mistakes_are_distinguishable():
    """No two recognised mistakes agree with each other (or the reference) on every case."""
    from momentum_lab.check.momentum import _HEAVY_BALL_MISTAKES, _heavy_ball_cases, _heavy_ball_step

    functions = [_heavy_ball_step] + [m.wrong for m in _HEAVY_BALL_MISTAKES]
    cases = _heavy_ball_cases()
    for i, f in enumerate(functions):
        for g in functions[i + 1 :]:
            assert not all(np.allclose(np.asarray(f(*c)), np.asarray(g(*c))) for c in cases)


def test_not_callable():
    feedback = check_heavy_ball_step(3)
    assert not feedback and feedback.mistake == "not callable"


# ------------------------------------------------------------------------------------ Nesterov step


def nesterov(theta, v, grad_fn, lr, beta):
    v = beta * v + lr * grad_fn(theta - beta * v)
    return theta - v, v


NESTEROV_MISTAKES = [
    (lambda th, v, gf, lr, b: heavy_ball(th, v, gf(th), lr, b), "gradient at the current point", "heavy ball"),
    (
        lambda th, v, gf, lr, b: (th - (b * v + lr * gf(th + b * v)), b * v + lr * gf(th + b * v)),
        "look-ahead in the wrong direction",
        "wrong side",
    ),
    (
        lambda th, v, gf, lr, b: (th - (b * v + lr * gf(th - v)), b * v + lr * gf(th - v)),
        "look-ahead without the momentum factor",
        "βv",
    ),
    (
        lambda th, v, gf, lr, b: (th - (b * v + gf(th - b * v)), b * v + gf(th - b * v)),
        "forgot learning rate",
        "learning rate",
    ),
    (
        lambda th, v, gf, lr, b: (th + (b * v + lr * gf(th - b * v)), b * v + lr * gf(th - b * v)),
        "wrong sign",
        "uphill",
    ),
    (lambda th, v, gf, lr, b: th, "not a pair", "two arrays"),
]


def test_nesterov_accepts_the_reference():
    feedback = check_nesterov_step(nesterov)
    assert feedback and feedback.mistake is None


@pytest.mark.parametrize(
    "step, name, phrase", NESTEROV_MISTAKES, ids=[f"{i}-{m[1]}" for i, m in enumerate(NESTEROV_MISTAKES)]
)
def test_nesterov_names_the_mistake(step, name, phrase):
    feedback = check_nesterov_step(step)
    assert not feedback
    assert feedback.mistake == name
    assert phrase in feedback.message


# ------------------------------------------------------------------------------------ rate function


def rate(lr, beta, lam):
    return max(abs(z) for z in np.roots([1.0, -(1.0 + beta - lr * lam), beta]))


def rate_closed_form(lr, beta, lam):
    a = 1.0 + beta - lr * lam
    disc = a * a - 4 * beta
    if disc < 0:
        return np.sqrt(beta)
    return (abs(a) + np.sqrt(disc)) / 2


def rate_goh_misprint(lr, beta, lam):
    a = 1.0 + beta - lr * lam
    return 2 * np.sqrt(beta) if a * a < 4 * beta else rate_closed_form(lr, beta, lam)


RATE_MISTAKES = [
    (rate_goh_misprint, "misprinted complex modulus", "√β"),
    (lambda lr, b, lam: abs(1 - lr * lam), "gradient-descent rate", "|1 − ηλ|"),
    (lambda lr, b, lam: max(np.roots([1.0, -(1.0 + b - lr * lam), b])), "forgot the modulus", "|z|"),
    (lambda lr, b, lam: max(np.roots([1.0, -(1.0 + b - lr * lam), b]).real), "forgot the modulus", "size"),
    (lambda lr, b, lam: min(abs(np.roots([1.0, -(1.0 + b - lr * lam), b]))), "smaller root", "larger"),
    (lambda lr, b, lam: rate(-lr, b, lam), "wrong sign of the gradient term", "sign"),
    (lambda lr, b, lam: 1.1 * rate(lr, b, lam), "wrong values", "wrong values"),
]


@pytest.mark.parametrize("fn", [rate, rate_closed_form], ids=["roots", "closed form"])
def test_rate_accepts_the_reference(fn):
    feedback = check_heavy_ball_rate(fn)
    assert feedback and feedback.mistake is None


@pytest.mark.parametrize("fn, name, phrase", RATE_MISTAKES, ids=[f"{i}-{m[1]}" for i, m in enumerate(RATE_MISTAKES)])
def test_rate_names_the_mistake(fn, name, phrase):
    feedback = check_heavy_ball_rate(fn)
    assert not feedback
    assert feedback.mistake == name
    assert phrase in feedback.message


def test_rate_cases_cover_every_regime():
    """Real roots, a double root, complex roots and divergence all appear among the cases."""
    from momentum_lab.check.momentum import _heavy_ball_radius, _rate_cases

    regimes = set()
    for lr, beta, lam in _rate_cases():
        disc = (1 + beta - lr * lam) ** 2 - 4 * beta
        regimes.add("double" if abs(disc) < 1e-12 else "complex" if disc < 0 else "real")
        if _heavy_ball_radius(lr, beta, lam) > 1:
            regimes.add("unstable")
    assert regimes == {"double", "complex", "real", "unstable"}


# ------------------------------------------------------------------------------------ numeric answers


@pytest.mark.parametrize(
    "answer, beta, passed, mistake",
    [
        (10, 0.9, True, None),
        ("10.0", 0.9, False, "not a number"),
        (2.0, 0.5, True, None),
        (1 / 1.9, 0.9, False, "1/(1+β)"),
        (9.0, 0.9, False, "β/(1−β)"),
        (0.1, 0.9, False, "1−β"),
        (1 / 0.9, 0.9, False, "1/β"),
        (1.9, 0.9, False, "1+β"),
        (3.0, 0.9, False, "other"),
        ("ten", 0.9, False, "not a number"),
        (float("nan"), 0.9, False, "not a number"),
    ],
)
def test_terminal_speed(answer, beta, passed, mistake):
    feedback = check_terminal_speed(answer, beta)
    assert feedback.passed == passed
    assert feedback.mistake == mistake


@pytest.mark.parametrize(
    "answer, L, beta, passed, mistake",
    [
        (3.8, 1.0, 0.9, True, None),
        (0.38, 10.0, 0.9, True, None),
        (0.2, 10.0, 0.9, False, "gradient-descent limit"),
        (0.02, 10.0, 0.9, False, "effective step size"),
        (0.19, 10.0, 0.9, False, "dropped the 2"),
        (38.0, 10.0, 0.9, False, "units"),
        (0.038, 10.0, 0.9, False, "units"),
        (0.3, 10.0, 0.9, False, "other"),
        (None, 10.0, 0.9, False, "not a number"),
    ],
)
def test_stability_limit(answer, L, beta, passed, mistake):
    feedback = check_stability_limit(answer, L, beta)
    assert feedback.passed == passed
    assert feedback.mistake == mistake


@pytest.mark.parametrize(
    "answer, kappa, passed, mistake",
    [
        (81 / 121, 100.0, True, None),
        (0.6694, 100.0, True, None),  # four digits are enough
        (9 / 11, 100.0, False, "rate instead of momentum"),
        (99 / 101, 100.0, False, "gradient-descent rate"),
        ((99 / 101) ** 2, 100.0, False, "κ instead of √κ"),
        (0.9, 100.0, False, "Nesterov's rate"),
        (0.5, 100.0, False, "other"),
        ("beta", 100.0, False, "not a number"),
    ],
)
def test_optimal_momentum(answer, kappa, passed, mistake):
    feedback = check_optimal_momentum(answer, kappa)
    assert feedback.passed == passed
    assert feedback.mistake == mistake


def test_numeric_feedback_does_not_give_the_answer_away():
    for feedback, right in [
        (check_optimal_momentum(0.5, 100.0), 81 / 121),
        (check_stability_limit(0.3, 10.0, 0.9), 0.38),
        (check_terminal_speed(3.0, 0.9), 10.0),
    ]:
        for digits in (2, 3, 4):
            assert f"{right:.{digits}f}" not in feedback.message
