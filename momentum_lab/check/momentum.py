"""Checkers for chapters 2 and 3, "Momentum: the heavy ball" and "Why momentum works".

Function checkers run the learner's code on a few cases and compare it with the reference; numeric
checkers compare an answer with the closed form. Both recognise the typical wrong versions and answer
with a hint, never with the expected numbers.

Conventions (chapter 2): the *classical* heavy ball, with step size ``lr`` = η and momentum ``beta`` = β,

    v ← β v + η ∇f(θ)
    θ ← θ − v

and Nesterov's method in Sutskever's look-ahead form, ``v ← β v + η ∇f(θ − β v)``, ``θ ← θ − v``.

Bad answers are feedback, bad parameters are errors (``check/_core.py`` lists the cases): a step
function that raises, returns one array instead of a pair, a pair of different shapes, NaN or complex
numbers, and a number answer that is None, a string, complex or NaN, each get a :class:`Feedback`; the
chapter's parameters (``beta`` in [0, 1), ``L`` > 0, ``kappa`` ≥ 1) raise ValueError/TypeError naming
them, e.g. ``check_optimal_momentum(0.5, kappa=0.5)`` raises
``ValueError: kappa must be >= 1 (L/μ, the largest curvature over the smallest); got kappa=0.5``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from momentum_lab import theory
from momentum_lab._validate import in_unit_interval, positive, real_number
from momentum_lab.check._core import CheckerSpec, Feedback, Mistake, compare_function, read_number

# ---------------------------------------------------------------------------------------------------
# Reference answers. They are written out here, in the chapter's notation, so that each mistake below
# reads as a one-line change of the reference.


def _heavy_ball_step(theta, velocity, grad, lr, beta):
    v = beta * velocity + lr * grad
    return theta - v, v


def _nesterov_step(theta, velocity, grad_fn, lr, beta):
    v = beta * velocity + lr * grad_fn(theta - beta * velocity)
    return theta - v, v


def _heavy_ball_radius(lr, beta, lam):
    """max ``|z|`` over the roots of z² − (1 + β − ηλ) z + β, from NumPy's roots (any sign of ``lr``)."""
    return float(np.max(np.abs(np.roots([1.0, -(1.0 + beta - lr * lam), beta]))))


def _rate_reference(lr, beta, lam):
    """The library's closed form, ``theory.heavy_ball_rate`` (the reference answer)."""
    return float(theory.heavy_ball_rate(lr, beta, lam))


# ---------------------------------------------------------------------------------------------------
# Heavy-ball step


_HEAVY_BALL_MISTAKES = (
    Mistake(
        "wrong sign",
        lambda th, v, g, lr, b: (th + (b * v + lr * g), b * v + lr * g),
        "Your step goes uphill: the parameters move along the velocity, and the velocity points along "
        "the gradient. With v ← βv + η∇f, which way should θ move?",
    ),
    Mistake(
        "mixed conventions",
        lambda th, v, g, lr, b: (th + (b * v - lr * g), b * v - lr * g),
        "You mixed two conventions. Your velocity follows Keras (v ← βv − η∇f, then θ ← θ + v), but "
        "the velocity you receive is the classical one, which points uphill. In this exercise use "
        "v ← βv + η∇f and θ ← θ − v; the two forms are the same method only if you use one of them "
        "throughout.",
    ),
    Mistake(
        "forgot learning rate",
        lambda th, v, g, lr, b: (th - (b * v + g), b * v + g),
        "Your step ignores the learning rate: the gradient enters the velocity at full size. "
        "Where does η belong in the velocity update?",
    ),
    Mistake(
        "learning rate outside the velocity",
        lambda th, v, g, lr, b: (th - lr * (b * v + g), b * v + g),
        "You wrote PyTorch's form: the velocity sums raw gradients and the learning rate multiplies it "
        "when θ moves (b ← βb + ∇f, θ ← θ − ηb). That is the same method only after the velocity is "
        "rescaled by η. The velocity here is the classical one: it already contains η, so the step is "
        "θ ← θ − v.",
    ),
    Mistake(
        "stale velocity",
        lambda th, v, g, lr, b: (th - v, b * v + lr * g),
        "Your new velocity is right, but θ moves with the old one. Update the velocity first, then use "
        "the new velocity to move θ (check the order of your two lines).",
    ),
    Mistake(
        "forgot momentum",
        lambda th, v, g, lr, b: (th - (v + lr * g), v + lr * g),
        "Your velocity never forgets: it adds each new gradient to the whole of the old velocity. Where does β enter?",
    ),
    Mistake(
        "velocity dropped",
        lambda th, v, g, lr, b: (th - lr * g, lr * g),
        "Your step is plain gradient descent: the old velocity plays no part. The new velocity should "
        "keep a fraction β of the old one.",
    ),
    Mistake(
        "dampened velocity",
        lambda th, v, g, lr, b: (th - (b * v + (1 - b) * lr * g), b * v + (1 - b) * lr * g),
        "You wrote an exponential moving average, v ← βv + (1 − β)η∇f. That is momentum with "
        "dampening, and it shrinks every step by (1 − β). The classical heavy ball adds the whole "
        "η∇f to the velocity.",
    ),
    Mistake(
        "swapped learning rate and momentum",
        lambda th, v, g, lr, b: (th - (lr * v + b * g), lr * v + b * g),
        "The learning rate and the momentum have swapped places: β should multiply the old velocity and "
        "η the gradient.",
    ),
    Mistake(
        "returned in the wrong order",
        lambda th, v, g, lr, b: (b * v + lr * g, th - (b * v + lr * g)),
        "Your numbers are right but come back in the wrong order: return (new θ, new velocity).",
    ),
)


def _heavy_ball_cases(seed=1):
    rng = np.random.default_rng(seed)
    cases = []
    for shape, lr, beta in (((2,), 0.1, 0.9), ((5,), 0.037, 0.5), ((3, 4), 0.2, 0.99), ((1,), 1.5, 0.3)):
        theta, velocity, grad = (rng.standard_normal(shape) for _ in range(3))
        cases.append((theta, velocity, grad, lr, beta))
    return cases


def _pair_shape_feedback(step: Any, case: tuple[Any, ...], what: str) -> Feedback | None:
    """Feedback if ``step`` does not return a pair, else None (``compare_function`` takes over)."""
    try:
        with np.errstate(all="ignore"):
            got = step(*(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in case))
    except Exception:  # compare_function reports the exception with its message
        return None
    if got is None:
        return None
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return Feedback(
            False,
            f"{what} should return two arrays, the new parameters and the new velocity: `return theta, velocity`.",
            "not a pair",
        )
    return None


def check_heavy_ball_step(step: object) -> Feedback:
    """Check a learner's ``step(theta, velocity, grad, lr, beta)`` returning ``(new_theta, new_velocity)``.

    The reference is the classical heavy ball, ``v ← βv + η g``, ``θ ← θ − v``. Recognised mistakes: a
    step uphill, Keras's velocity mixed with the classical one, a forgotten learning rate, PyTorch's
    placement of the learning rate, θ moved with the old velocity, a forgotten β, no momentum at all,
    a dampened velocity, η and β swapped, the pair returned in the wrong order, not returning a pair,
    and changing an input in place.
    """
    what = "your step function"
    cases = _heavy_ball_cases()
    early = _pair_shape_feedback(step, cases[0], what) if callable(step) else None
    if early is not None:
        return early
    return compare_function(step, _heavy_ball_step, cases, _HEAVY_BALL_MISTAKES, what=what)


# ---------------------------------------------------------------------------------------------------
# Nesterov step (Sutskever's look-ahead form)


_NESTEROV_MISTAKES = (
    Mistake(
        "gradient at the current point",
        lambda th, v, gf, lr, b: _heavy_ball_step(th, v, gf(th), lr, b),
        "That is the heavy ball: you take the gradient where you stand. Nesterov's method first moves "
        "by the momentum part of the step and takes the gradient there, at the look-ahead point.",
    ),
    Mistake(
        "look-ahead in the wrong direction",
        lambda th, v, gf, lr, b: _look_ahead_wrong_way(th, v, gf, lr, b),
        "Your look-ahead point is on the wrong side. θ is about to move by −βv (and a gradient step), "
        "so the look-ahead point is θ − βv.",
    ),
    Mistake(
        "look-ahead without the momentum factor",
        lambda th, v, gf, lr, b: _look_ahead_full_velocity(th, v, gf, lr, b),
        "Your look-ahead goes one whole old velocity ahead. Only βv of it carries over to the next step, "
        "so the look-ahead point is θ − βv.",
    ),
    Mistake(
        "forgot learning rate",
        lambda th, v, gf, lr, b: _look_ahead_no_lr(th, v, gf, lr, b),
        "The look-ahead is right, but the gradient enters the velocity without the learning rate.",
    ),
    Mistake(
        "wrong sign",
        lambda th, v, gf, lr, b: _look_ahead_uphill(th, v, gf, lr, b),
        "Your step goes uphill: with v ← βv + η∇f(θ − βv), θ should move against v.",
    ),
)


def _look_ahead_wrong_way(th, v, gf, lr, b):
    nv = b * v + lr * gf(th + b * v)
    return th - nv, nv


def _look_ahead_full_velocity(th, v, gf, lr, b):
    nv = b * v + lr * gf(th - v)
    return th - nv, nv


def _look_ahead_no_lr(th, v, gf, lr, b):
    nv = b * v + gf(th - b * v)
    return th - nv, nv


def _look_ahead_uphill(th, v, gf, lr, b):
    nv = b * v + lr * gf(th - b * v)
    return th + nv, nv


class _QuadraticGradient:
    """∇f for f(x) = ½ xᵀAx − cᵀx + (a small cubic term), so no two mistakes coincide by linearity."""

    def __init__(self, rng, d):
        m = rng.standard_normal((d, d))
        self.A = m @ m.T / d + np.eye(d)
        self.c = rng.standard_normal(d)

    def __call__(self, x):
        x = np.asarray(x, dtype=float)
        return self.A @ x - self.c + 0.1 * x**3

    def __repr__(self):
        return "grad_fn"


def _nesterov_cases(seed=2):
    rng = np.random.default_rng(seed)
    cases = []
    for d, lr, beta in ((2, 0.1, 0.9), (4, 0.05, 0.5), (3, 0.3, 0.99), (1, 0.7, 0.3)):
        grad_fn = _QuadraticGradient(rng, d)
        theta, velocity = rng.standard_normal(d), rng.standard_normal(d)
        cases.append((theta, velocity, grad_fn, lr, beta))
    return cases


def check_nesterov_step(step: object) -> Feedback:
    """Check a learner's ``step(theta, velocity, grad_fn, lr, beta)`` for Nesterov's method.

    The reference is Sutskever's look-ahead form, ``v ← βv + η ∇f(θ − βv)``, ``θ ← θ − v``.
    Recognised mistakes: the gradient taken at θ (that is the heavy ball), the look-ahead point on the
    wrong side (θ + βv) or a whole velocity ahead (θ − v), a forgotten learning rate, a step uphill,
    plus everything :func:`check_heavy_ball_step` says about the shape of the answer.
    """
    what = "your Nesterov step"
    cases = _nesterov_cases()
    early = _pair_shape_feedback(step, cases[0], what) if callable(step) else None
    if early is not None:
        return early
    return compare_function(step, _nesterov_step, cases, _NESTEROV_MISTAKES, what=what)


# ---------------------------------------------------------------------------------------------------
# The rate of the heavy ball on one eigen-direction


_RATE_MISTAKES = (
    Mistake(
        "misprinted complex modulus",
        lambda lr, b, lam: _rate_with_complex_modulus(lr, b, lam, 2 * np.sqrt(b)),
        "In the oscillating regime your rate is 2√β; it is √β. The two roots are conjugate and "
        "their product is β, so each has modulus √β. (2√β is a misprint that circulates from a popular "
        "article; it would exceed 1 for every β > ¼.)",
    ),
    Mistake(
        "gradient-descent rate",
        lambda lr, b, lam: abs(1 - lr * lam),
        "You return |1 − ηλ|, the rate of gradient descent: β plays no part. The heavy ball's rate is "
        "the larger modulus of the two roots of z² − (1 + β − ηλ) z + β.",
    ),
    Mistake(
        "forgot the modulus",
        lambda lr, b, lam: float(np.max(np.real(np.roots([1.0, -(1.0 + b - lr * lam), b])))),
        "Your rate takes the largest root's real part (or the largest root), not its size. Roots can be "
        "negative or complex: the rate is max |z|.",
    ),
    Mistake(
        "smaller root",
        lambda lr, b, lam: float(np.min(np.abs(np.roots([1.0, -(1.0 + b - lr * lam), b])))),
        "You return the smaller of the two moduli. After many steps the larger root dominates the error, "
        "so the rate is the larger one.",
    ),
    Mistake(
        "wrong sign of the gradient term",
        lambda lr, b, lam: _heavy_ball_radius(-lr, b, lam),
        "Check the sign of ηλ in the characteristic polynomial: the recurrence is "
        "x_{k+1} = (1 + β − ηλ) x_k − β x_{k−1}.",
    ),
)


def _rate_with_complex_modulus(lr, beta, lam, modulus):
    a = 1.0 + beta - lr * lam
    if a * a < 4 * beta:
        return float(modulus)
    return _heavy_ball_radius(lr, beta, lam)


def _rate_cases():
    # (η, β, λ): real roots, a double root, complex roots, unstable, and β = 0.
    return [
        (0.1, 0.5, 1.0),
        (0.5, 0.9, 0.5),
        (1.0, (1 - np.sqrt(0.3)) ** 2, 0.3),
        (1.0, 0.81, 1.7),
        (0.04, 0.64, 100.0),
        (1.0, 0.5, 3.5),
        (0.3, 0.0, 2.0),
        (0.01, 0.95, 4.0),
    ]


def check_heavy_ball_rate(rate: object) -> Feedback:
    """Check a learner's ``rate(lr, beta, lam)``: the heavy ball's convergence rate on an eigenvalue λ.

    The reference is the spectral radius max ``|z|`` over the roots of ``z² − (1 + β − ηλ) z + β``.
    Recognised mistakes: the complex-root modulus written 2√β (a circulating misprint), the gradient
    descent rate ``|1 − ηλ|``, the largest root without its modulus, the smaller root, and +ηλ for −ηλ.
    """
    cases = _rate_cases()
    if callable(rate):
        for case in cases:
            try:
                with np.errstate(all="ignore"):
                    got = rate(*case)
            except Exception:  # compare_function reports it with the message
                break
            if isinstance(got, (complex, np.complexfloating)) or (isinstance(got, np.ndarray) and np.iscomplexobj(got)):
                return Feedback(
                    False,
                    "Your rate is a complex number: you return a root itself, not its "
                    "size. The rate is max |z| over the two roots.",
                    "forgot the modulus",
                )
    return compare_function(
        rate, _rate_reference, cases, _RATE_MISTAKES, what="your rate function", rtol=1e-6, atol=1e-9
    )


# ---------------------------------------------------------------------------------------------------
# Numeric answers


def _match(value: float, candidates: list[tuple[str, float | None]], rtol: float = 1e-4) -> str | None:
    """The name of the first candidate ``value`` matches (by relative tolerance ``rtol``), else None.

    A candidate of None (a wrong formula that is undefined for these parameters, such as 1/β at β = 0)
    is skipped.
    """
    for name, target in candidates:
        if target is not None and np.isclose(value, target, rtol=rtol, atol=1e-12):
            return name
    return None


def check_terminal_speed(answer: object, beta: float) -> Feedback:
    """Check "on a constant slope, the heavy ball's steps settle at how many times the step of gradient
    descent?" for momentum ``beta``: the answer is 1/(1 − β).

    ``beta`` must be in [0, 1) (ValueError/TypeError otherwise); at β = 0 the wrong answer 1/β is
    undefined and is not looked for. An answer that is not a finite number gets ``"not a number"``.
    """
    beta = in_unit_interval(beta, "beta")
    value = read_number(answer)
    if isinstance(value, Feedback):
        return value
    found = _match(
        value,
        [
            ("right", 1 / (1 - beta)),
            ("1/(1+β)", 1 / (1 + beta)),
            ("β/(1−β)", beta / (1 - beta)),
            ("1−β", 1 - beta),
            ("1/β", 1 / beta if beta else None),
            ("1+β", 1 + beta),
        ],
    )
    if found == "right":
        return Feedback(True, "Right: v = β v + η g settles where v = η g / (1 − β).")
    hints = {
        "1/(1+β)": "Your factor is below 1: momentum would slow the ball down on a slope. Each step keeps "
        "β of the old velocity and adds a fresh ηg: does the sum grow or shrink?",
        "β/(1−β)": "Close: you counted what the old velocity contributes but not the fresh gradient "
        "added in the same step.",
        "1−β": "Your factor is below 1: momentum would slow the ball down on a slope. Set v = βv + ηg "
        "and solve for the v that stays the same.",
        "1/β": "Set v = βv + ηg and solve for the v that stays the same from one step to the next.",
        "1+β": "That is the speed after two steps. Keep going: the ball keeps gathering speed, each step "
        "adding β times more than the last.",
    }
    if found in hints:
        return Feedback(False, hints[found], found)
    return Feedback(
        False,
        "Not quite. At the terminal speed the velocity stops changing: solve "
        "v = βv + ηg for v and compare it with gradient descent's step ηg.",
        "other",
    )


def check_stability_limit(answer: object, L: float, beta: float) -> Feedback:
    """Check "the largest step size η for which the heavy ball with momentum ``beta`` converges on a
    quadratic whose largest curvature is ``L``": the answer is 2(1 + β)/L.

    ``L`` must be > 0 and ``beta`` in [0, 1) (ValueError/TypeError otherwise). An answer that is not a
    finite number gets ``"not a number"``.
    """
    L, beta = positive(L, "L"), in_unit_interval(beta, "beta")
    value = read_number(answer)
    if isinstance(value, Feedback):
        return value
    found = _match(
        value,
        [
            ("right", 2 * (1 + beta) / L),
            ("gradient-descent limit", 2 / L),
            ("effective step size", 2 * (1 - beta) / L),
            ("dropped the 2", (1 + beta) / L),
            ("units", 2 * (1 + beta) * L),
            ("units", 2 * (1 + beta) / L**2),
        ],
    )
    if found == "right":
        return Feedback(
            True,
            "Right: momentum almost doubles the stable range of step sizes, though "
            "near the limit convergence is very slow.",
        )
    hints = {
        "gradient-descent limit": "That is gradient descent's limit, 2/L. With momentum the limit moves: "
        "evaluate the characteristic polynomial at z = −1 and ask when it "
        "changes sign.",
        "effective step size": "That comes from the 'effective step size η/(1 − β)' rule of thumb, "
        "which describes the slow directions, not the stiff one. Evaluate the "
        "characteristic polynomial at z = −1 and ask when it changes sign.",
        "dropped the 2": "You are a factor of 2 off. Evaluate z² − (1 + β − ηL) z + β at z = −1.",
        "units": "Check the units: a step size times a curvature is a pure number, so η scales as 1/L.",
    }
    if found in hints:
        return Feedback(False, hints[found], found)
    return Feedback(
        False,
        "Not quite. A root leaves the unit disc through z = −1 as η grows: evaluate "
        "the characteristic polynomial there and find where it reaches 0.",
        "other",
    )


def check_optimal_momentum(answer: object, kappa: float) -> Feedback:
    """Check "the optimal momentum β* for a quadratic of condition number ``kappa``": the answer is
    ((√κ − 1)/(√κ + 1))².

    ``kappa`` must be a real number ≥ 1 (ValueError/TypeError otherwise); at κ = 1 the answer is 0. An
    answer that is not a finite number gets ``"not a number"``.
    """
    kappa = real_number(kappa, "kappa")
    if kappa < 1:
        raise ValueError(f"kappa must be >= 1 (L/μ, the largest curvature over the smallest); got kappa={kappa!r}")
    value = read_number(answer)
    if isinstance(value, Feedback):
        return value
    root = np.sqrt(kappa)
    found = _match(
        value,
        [
            ("right", ((root - 1) / (root + 1)) ** 2),
            ("rate instead of momentum", (root - 1) / (root + 1)),
            ("gradient-descent rate", (kappa - 1) / (kappa + 1)),
            ("κ instead of √κ", ((kappa - 1) / (kappa + 1)) ** 2),
            ("Nesterov's rate", 1 - 1 / root),
        ],
    )
    if found == "right":
        return Feedback(True, "Right: with this β every direction converges at the same rate √β*.")
    hints = {
        "rate instead of momentum": "That is the optimal *rate*, √β*, not β* itself (it is also the β of "
        "Nesterov's method). At the optimum the roots are complex with "
        "modulus √β: square it.",
        "gradient-descent rate": "That is gradient descent's best rate (κ − 1)/(κ + 1). The heavy ball "
        "replaces κ by √κ, and β is the square of its rate.",
        "κ instead of √κ": "You used κ where √κ belongs: the optimal heavy ball is governed by √L and √μ.",
        "Nesterov's rate": "1 − 1/√κ is the rate of Nesterov's method with η = 1/L. The question asks for "
        "the heavy ball's optimal momentum.",
    }
    if found in hints:
        return Feedback(False, hints[found], found)
    return Feedback(
        False,
        "Not quite. At the optimum the smallest and the largest eigenvalue sit at the "
        "two ends of the oscillating regime, ημ = (1 − √β)² and ηL = (1 + √β)². Divide one "
        "by the other and solve for β.",
        "other",
    )


# ---------------------------------------------------------------------------------------------------
# What each checker accepts and the mistakes it names (tested by tests/test_exercises.py).


def _in_place_step(
    theta: np.ndarray, velocity: np.ndarray, grad: np.ndarray, lr: float, beta: float
) -> tuple[np.ndarray, np.ndarray]:
    velocity *= beta
    velocity += lr * grad
    theta -= velocity
    return theta, velocity


CHECKERS = [
    CheckerSpec(
        check_heavy_ball_step,
        reference=lambda theta, velocity, grad, lr, beta: (
            theta - (beta * velocity + lr * grad),
            beta * velocity + lr * grad,
        ),
        mistakes={
            **{mistake.name: mistake.wrong for mistake in _HEAVY_BALL_MISTAKES},
            "not a pair": lambda theta, velocity, grad, lr, beta: theta - (beta * velocity + lr * grad),
            "modified input": _in_place_step,
        },
    ),
    CheckerSpec(
        check_nesterov_step,
        reference=_nesterov_step,
        mistakes={mistake.name: mistake.wrong for mistake in _NESTEROV_MISTAKES},
    ),
    CheckerSpec(
        check_heavy_ball_rate,
        reference=lambda lr, beta, lam: max(abs(z) for z in np.roots([1.0, -(1.0 + beta - lr * lam), beta])),
        mistakes={
            **{mistake.name: mistake.wrong for mistake in _RATE_MISTAKES},
            "forgot the modulus": lambda lr, beta, lam: max(
                np.roots([1.0, -(1.0 + beta - lr * lam), beta]), key=lambda z: z.real
            ),
        },
    ),
    CheckerSpec(
        check_terminal_speed,
        reference=10.0,
        mistakes={"1/(1+β)": 1 / 1.9, "β/(1−β)": 9.0, "1−β": 0.1, "1/β": 1 / 0.9, "1+β": 1.9, "not a number": "ten"},
        call=lambda answer: check_terminal_speed(answer, beta=0.9),
    ),
    CheckerSpec(
        check_stability_limit,
        reference=0.95,
        mistakes={
            "gradient-descent limit": 0.5,
            "effective step size": 0.05,
            "dropped the 2": 0.475,
            "units": 15.2,
            "not a number": "0.95?",
        },
        call=lambda answer: check_stability_limit(answer, L=4.0, beta=0.9),
    ),
    CheckerSpec(
        check_optimal_momentum,
        reference=81 / 121,
        mistakes={
            "rate instead of momentum": 9 / 11,
            "gradient-descent rate": 99 / 101,
            "κ instead of √κ": (99 / 101) ** 2,
            "Nesterov's rate": 0.9,
            "not a number": "β*",
        },
        call=lambda answer: check_optimal_momentum(answer, kappa=100.0),
    ),
]
