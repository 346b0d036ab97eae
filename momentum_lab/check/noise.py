"""Checkers for chapter 11, "Momentum with noisy gradients".

Conventions of the chapter: a quadratic direction with curvature λ, gradient ``λθ + ε`` with noise of
variance ``s`` (σ²/B for a minibatch of B), step size η (``lr``) and momentum β (``beta``); the noise ball
is the stationary expected loss ``E[½λθ²]``. Schedules are functions of the step number ``k = 0, 1, …``.
Per-example gradients are the rows of an array ``G`` of shape ``(N, dim)``.

Bad answers are feedback, bad parameters are errors (``check/_core.py`` lists the cases): a function
that raises, returns NaN, strings or the wrong shape, and a number answer that is None, a string,
complex or NaN, each get a :class:`Feedback`; the chapter's parameters raise ValueError/TypeError naming
them, e.g. ``check_sgd_noise_ball(0.01, lr=1.0, lam=2.0, noise_variance=0.2)`` raises
``ValueError: lr * lam must be < 2 ...`` (SGD diverges there, and there is no noise ball).
"""

from __future__ import annotations

import math

import numpy as np

from momentum_lab._validate import non_negative, positive
from momentum_lab.check._core import CheckerSpec, Feedback, Mistake, compare_function, read_number

# ---------------------------------------------------------------------------------------------------
# Reference answers, in the chapter's notation, so that each mistake reads as a one-line change.


def _sgd_ball(lr, lam, s):
    return lr * s / (2.0 * (2.0 - lr * lam))


def _heavy_ball_ball(lr, beta, lam, s):
    return lr * s * (1.0 + beta) / (2.0 * (1.0 - beta) * (2.0 * (1.0 + beta) - lr * lam))


def _cosine(k, lr, decay_steps, min_lr):
    t = min(k, decay_steps) / decay_steps
    return min_lr + 0.5 * (lr - min_lr) * (1.0 + math.cos(math.pi * t))


def _polyak_update(average, theta, n):
    return average + (theta - average) / n


def _noise_scale(G):
    g = G.mean(axis=0)
    return float(np.mean(np.sum((G - g) ** 2, axis=1)) / (g @ g))


def _match(value, candidates, rtol=1e-3):
    for name, target in candidates:
        if np.isclose(value, target, rtol=rtol, atol=1e-15):
            return name
    return None


# ---------------------------------------------------------------------------------------------------
# ★ The noise ball of SGD (a number)


def check_sgd_noise_ball(answer: object, lr: float, lam: float, noise_variance: float) -> Feedback:
    """Check "the stationary expected loss E[½λθ²] of SGD with step ``lr`` on curvature ``lam`` and
    gradient-noise variance ``noise_variance``": ``η s / (2(2 − ηλ))``.

    ``lr`` and ``lam`` must be > 0 with ``lr * lam < 2`` (SGD is stable only there, so only there is
    there a noise ball), and ``noise_variance`` ≥ 0 (ValueError/TypeError otherwise). An answer that is
    not a finite number gets ``"not a number"`` .
    """
    lr, lam = positive(lr, "lr"), positive(lam, "lam")
    noise_variance = non_negative(noise_variance, "noise_variance")
    if lr * lam >= 2:
        raise ValueError(
            f"lr * lam must be < 2 (SGD diverges otherwise, and has no noise ball); got lr={lr!r}, "
            f"lam={lam!r}, lr * lam={lr * lam!r}"
        )
    value = read_number(answer)
    if isinstance(value, Feedback):
        return value
    eta, s = lr, noise_variance
    found = _match(
        value,
        [
            ("right", _sgd_ball(eta, lam, s)),
            ("variance instead of loss", eta * s / (lam * (2 - eta * lam))),
            ("small-step approximation", eta * s / 4),
            ("forgot the ½", eta * s / (2 - eta * lam)),
            ("η² instead of η", eta**2 * s / (2 * (2 - eta * lam))),
            ("no noise ball", 0.0),
        ],
    )
    if found == "right":
        return Feedback(True, "Right: the variance settles at v = ηs/(λ(2 − ηλ)), and the loss is ½λv.")
    hints = {
        "variance instead of loss": "That is the stationary variance E[θ²]. The question asks for the "
        "expected loss, E[½λθ²].",
        "small-step approximation": "That is the small-step limit ηs/4. At this step size ηλ is not small: "
        "keep the exact factor from solving v = (1 − ηλ)²v + η²s.",
        "forgot the ½": "Twice the answer: the loss of a direction is ½λθ², not λθ².",
        "η² instead of η": "The noise enters each step as ηε, so its variance is η²s; but the variance of "
        "θ also divides by 1 − (1 − ηλ)² = ηλ(2 − ηλ). Did you drop that ηλ?",
        "no noise ball": "With a constant step size the noise never averages out: the iterates keep "
        "jittering, and the expected loss settles at a positive value.",
    }
    if found in hints:
        return Feedback(False, hints[found], found)
    return Feedback(
        False,
        "Not quite. Write e_{k+1} = (1 − ηλ)e_k − ηε_k, take the variance of both sides "
        "in the stationary state, solve for E[e²], then multiply by ½λ.",
        "other",
    )


# ---------------------------------------------------------------------------------------------------
# ★ A cosine schedule (a function)

_COSINE_CASES = [(k, 0.4, 10, 0.04) for k in (0, 1, 3, 5, 9, 10, 14)] + [(k, 1.0, 7, 0.0) for k in (0, 2, 6, 7, 8)]

_COSINE_MISTAKES = (
    Mistake(
        "ignores min_lr",
        lambda k, lr, T, m: 0.5 * lr * (1 + math.cos(math.pi * min(k, T) / T)),
        "Your rates fall to 0, not to min_lr: the cosine interpolates between lr and min_lr, "
        "min_lr + ½(lr − min_lr)(1 + cos πt).",
    ),
    Mistake(
        "not held after decay_steps",
        lambda k, lr, T, m: m + 0.5 * (lr - m) * (1 + math.cos(math.pi * k / T)),
        "Right until decay_steps, but then your rate climbs back up (the cosine is periodic). Hold it at "
        "min_lr once k passes decay_steps: use t = min(k, decay_steps)/decay_steps.",
    ),
    Mistake(
        "off by one",
        lambda k, lr, T, m: _cosine(k + 1, lr, T, m),
        "Your schedule is one step ahead: step 0 must use the full rate lr (t = 0 at k = 0).",
    ),
    Mistake(
        "half a period",
        lambda k, lr, T, m: m + (lr - m) * math.cos(0.5 * math.pi * min(k, T) / T),
        "A quarter cosine, cos(πt/2), falls too steeply at the end. The schedule is half a period: "
        "½(1 + cos πt), which is 1 at t = 0 and 0 at t = 1 with zero slope at both ends.",
    ),
)


def check_cosine_schedule(fn: object) -> Feedback:
    """Check ``fn(k, lr, decay_steps, min_lr)``: the cosine schedule of the chapter (held at ``min_lr``
    after ``decay_steps``)."""
    return compare_function(fn, _cosine, _COSINE_CASES, _COSINE_MISTAKES, what="your schedule", rtol=1e-9, atol=1e-12)


# ---------------------------------------------------------------------------------------------------
# ★★ The running (Polyak) average (a function)

_RNG = np.random.default_rng(11)
_POLYAK_CASES = [(_RNG.standard_normal(3), _RNG.standard_normal(3), n) for n in (2, 3, 7, 50)] + [
    (np.array([1.0, 2.0]), np.array([5.0, -2.0]), 4)
]

_POLYAK_MISTAKES = (
    Mistake(
        "divided by n − 1",
        lambda a, t, n: a + (t - a) / (n - 1),
        "Off by one: after the n-th iterate the new one has weight 1/n in the mean, not 1/(n − 1) "
        "(the n counts the iterate you are adding).",
    ),
    Mistake(
        "divided by n + 1",
        lambda a, t, n: a + (t - a) / (n + 1),
        "Off by one: the n passed in already counts the new iterate, so its weight is 1/n.",
    ),
    Mistake(
        "an EMA",
        lambda a, t, n: 0.5 * a + 0.5 * t,
        "That is a moving average with a fixed weight: old iterates fade away. The Polyak average "
        "weighs all n iterates equally, so the new one gets 1/n.",
    ),
    Mistake(
        "a sum",
        lambda a, t, n: a + t,
        "You are adding the iterates up; the average also divides. Write the mean of n values from "
        "the mean of the first n − 1.",
    ),
)


def check_running_average(fn: object) -> Feedback:
    """Check ``fn(average, theta, n)``: the mean of n iterates from the mean of the first n − 1 and the
    n-th, ``average + (theta − average)/n`` (a new array)."""
    return compare_function(fn, _polyak_update, _POLYAK_CASES, _POLYAK_MISTAKES, what="your average")


# ---------------------------------------------------------------------------------------------------
# ★★ The noise scale (a function)


def _noise_cases():
    rng = np.random.default_rng(5)
    cases = []
    for n, d, shift in ((20, 3, 1.0), (50, 6, 0.3), (8, 2, 2.0)):
        cases.append((rng.standard_normal((n, d)) + shift,))
    return cases


_NOISE_CASES = _noise_cases()


def _mean_square(G):
    g = G.mean(axis=0)
    return float(np.mean(np.sum(G**2, axis=1)) / (g @ g))


_NOISE_MISTAKES = (
    Mistake(
        "did not subtract the mean",
        _mean_square,
        "Your numerator is the mean of ‖g_i‖², which includes the signal: it is tr Σ + ‖g‖², so your "
        "scale is one too big. Subtract the full gradient from each row first.",
    ),
    Mistake(
        "n − 1 in the covariance",
        lambda G: float(np.sum((G - G.mean(0)) ** 2) / (len(G) - 1) / (G.mean(0) @ G.mean(0))),
        "Close: you used the unbiased covariance (dividing by N − 1). The chapter's Σ is the covariance "
        "of one example drawn from the N, with 1/N, which is what the sampling formula uses.",
    ),
    Mistake(
        "inverted",
        lambda G: 1.0 / _noise_scale(G),
        "Upside down: the noise scale is noise over signal, tr Σ / ‖g‖², a batch size (large when the "
        "gradients disagree).",
    ),
    Mistake(
        "norm not squared",
        lambda G: float(np.mean(np.sum((G - G.mean(0)) ** 2, 1)) / np.linalg.norm(G.mean(0))),
        "Divide by the squared norm ‖g‖², so that the ratio has no units (it is a number of examples).",
    ),
)


def check_noise_scale(fn: object) -> Feedback:
    """Check ``fn(G)``: the simple noise scale ``tr Σ / ‖g‖²`` of the per-example gradients ``G``."""
    return compare_function(fn, _noise_scale, _NOISE_CASES, _NOISE_MISTAKES, what="your noise scale")


# ---------------------------------------------------------------------------------------------------
# ★★★ The heavy ball's noise ball (a derived formula, as a function)

_BALL_CASES = [
    (0.1, 0.9, 1.0, 1.0),
    (0.5, 0.5, 1.0, 0.2),
    (0.05, 0.0, 4.0, 1.0),
    (1.0, 0.8, 2.0, 0.5),
    (0.02, 0.95, 10.0, 3.0),
]

_BALL_MISTAKES = (
    Mistake(
        "small-step approximation",
        lambda lr, b, lam, s: lr * s / (4 * (1 - b)),
        "That is the small-step limit, η s/(4(1 − β)). It is right when ηλ ≪ 1 only; keep the exact "
        "stationary variance of the two-term recursion.",
    ),
    Mistake(
        "SGD with the effective step",
        lambda lr, b, lam, s: _sgd_ball(lr / (1 - b), lam, s),
        "You used SGD's formula with the effective step η/(1 − β). The two agree only for small ηλ; "
        "solve the heavy ball's own stationary equations (for E[e²] and E[e_k e_{k−1}]).",
    ),
    Mistake(
        "variance instead of loss",
        lambda lr, b, lam, s: 2 * _heavy_ball_ball(lr, b, lam, s) / lam,
        "That is the stationary variance E[θ²]; the noise ball asked for is the loss E[½λθ²].",
    ),
    Mistake(
        "missing (1 + β)",
        lambda lr, b, lam, s: _heavy_ball_ball(lr, b, lam, s) / (1 + b),
        "Nearly: a factor (1 + β) is missing in the numerator. It comes from eliminating the lag-one "
        "covariance E[e_k e_{k−1}] = a/(1 + β) · E[e²].",
    ),
)


def check_heavy_ball_noise_ball(fn: object) -> Feedback:
    """Check ``fn(lr, beta, lam, s)``: heavy ball's stationary expected loss,
    ``η s (1 + β) / (2(1 − β)(2(1 + β) − ηλ))``."""
    return compare_function(
        fn, _heavy_ball_ball, _BALL_CASES, _BALL_MISTAKES, what="your formula", rtol=1e-9, atol=1e-14
    )


# ---------------------------------------------------------------------------------------------------

CHECKERS = [
    CheckerSpec(
        check_sgd_noise_ball,
        reference=0.025 / 3,
        mistakes={
            "variance instead of loss": 0.025 / 6,
            "small-step approximation": 0.00625,
            "forgot the ½": 0.05 / 3,
            "η² instead of η": 0.125**2 * 0.2 / 3,
            "no noise ball": 0,
            "not a number": "small",
        },
        call=lambda answer: check_sgd_noise_ball(answer, lr=0.125, lam=4.0, noise_variance=0.2),
    ),
    CheckerSpec(
        check_cosine_schedule,
        reference=lambda k, lr, T, m: m + (lr - m) * (1 + math.cos(math.pi * min(k / T, 1.0))) / 2,
        mistakes={mistake.name: mistake.wrong for mistake in _COSINE_MISTAKES},
    ),
    CheckerSpec(
        check_running_average,
        reference=lambda average, theta, n: (average * (n - 1) + theta) / n,
        mistakes={
            **{mistake.name: mistake.wrong for mistake in _POLYAK_MISTAKES},
            "modified input": lambda a, t, n: a.__iadd__((t - a) / n),
        },
    ),
    CheckerSpec(
        check_noise_scale,
        reference=lambda G: float(np.sum(G.var(axis=0)) / np.sum(G.mean(axis=0) ** 2)),
        mistakes={mistake.name: mistake.wrong for mistake in _NOISE_MISTAKES},
    ),
    CheckerSpec(
        check_heavy_ball_noise_ball,
        reference=lambda lr, beta, lam, s: (lr * s / (1 - beta)) * (1 + beta) / (2 * (2 + 2 * beta - lr * lam)),
        mistakes={mistake.name: mistake.wrong for mistake in _BALL_MISTAKES},
    ),
]
