"""Checkers for chapter 12, "Adaptive methods as relatives of momentum".

Conventions (the chapter's, and ``torch.optim.Adam``'s): step t = 1, 2, …, gradient g, and

    m ← β₁ m + (1 − β₁) g,    v ← β₂ v + (1 − β₂) g²
    θ ← θ − η · m̂ / (√v̂ + ε),   m̂ = m / (1 − β₁ᵗ),   v̂ = v / (1 − β₂ᵗ)

AdamW first shrinks θ by the factor (1 − η λ), λ the weight decay, and never lets λ touch m or v.
Each checker recognises the typical wrong versions and answers with a hint, never with the numbers.

Bad answers are feedback, bad parameters are errors (``check/_core.py`` lists the cases): a step
that raises, returns two arrays instead of three, NaN or complex numbers, and a number answer that is
None, a string, complex or NaN, each get a :class:`Feedback`; the chapter's parameters (``beta1`` and
``beta2`` in [0, 1), ``t`` a positive integer, ``epsilon`` > 0) raise ValueError/TypeError naming them,
e.g. ``check_bias_factor(0.5, beta1=0.9, t=0)`` raises ``ValueError: t must be >= 1; got t=0``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from momentum_lab._validate import in_unit_interval, positive, positive_int
from momentum_lab.check._core import CheckerSpec, Feedback, Mistake, compare_function, read_number


# ---------------------------------------------------------------------------------------------------
# Reference answers, in the chapter's notation: each mistake below is a one-line change of these.


def _adam_step(theta, m, v, grad, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def _adam_variant(
    theta,
    m,
    v,
    grad,
    t,
    lr,
    beta1,
    beta2,
    eps,
    *,
    correct=True,
    keras_eps=False,
    eps_inside=False,
    t_plus_one=False,
    no_sqrt=False,
):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    tt = t + 1 if t_plus_one else t
    c1, c2 = (1 - beta1**tt, 1 - beta2**tt) if correct else (1.0, 1.0)
    if keras_eps:
        step = lr * math.sqrt(c2) / c1 * m / (np.sqrt(v) + eps)
    elif eps_inside:
        step = lr * (m / c1) / np.sqrt(v / c2 + eps)
    elif no_sqrt:
        step = lr * (m / c1) / (v / c2 + eps)
    else:
        step = lr * (m / c1) / (np.sqrt(v / c2) + eps)
    return theta - step, m, v


_ADAM_MISTAKES = (
    Mistake(
        "no bias correction",
        lambda *a: _adam_variant(*a, correct=False),
        "Your m and v are right, but the step uses them raw. In the first steps both are far too small "
        "(they start at zero): divide m by 1 − β₁ᵗ and v by 1 − β₂ᵗ before you use them.",
    ),
    Mistake(
        "Keras' epsilon",
        lambda *a: _adam_variant(*a, keras_eps=True),
        "That is Keras' Adam: it folds both corrections into the step size and adds ε to the raw √v. "
        "Here ε is added to the corrected root √v̂, as torch does.",
    ),
    Mistake(
        "epsilon inside the root",
        lambda *a: _adam_variant(*a, eps_inside=True),
        "Your ε sits inside the square root, as in Keras' RMSprop. In Adam it is added after the root: √v̂ + ε.",
    ),
    Mistake(
        "step counted twice",
        lambda *a: _adam_variant(*a, t_plus_one=True),
        "Your bias corrections use the next step's count: t is already the number of this step (t = 1 "
        "on the first), so do not add one to it. The corrections of step t are 1 − β₁ᵗ and 1 − β₂ᵗ.",
    ),
    Mistake(
        "forgot the square root",
        lambda *a: _adam_variant(*a, no_sqrt=True),
        "You divide by v̂ itself. v̂ is a mean of squared gradients; the step divides by its root, so "
        "that the step has the units of θ.",
    ),
    Mistake(
        "undampened moments",
        lambda th, m, v, g, t, lr, b1, b2, eps: (
            th - lr * ((b1 * m + g) / (1 - b1**t)) / (np.sqrt((b2 * v + g**2) / (1 - b2**t)) + eps),
            b1 * m + g,
            b2 * v + g**2,
        ),
        "Your moments add the whole new gradient, as the heavy ball's velocity does. Adam's are "
        "moving averages: the new term enters with weight 1 − β₁ (and 1 − β₂ for v).",
    ),
    Mistake(
        "returned in the wrong order",
        lambda *a: (lambda r: (r[1], r[2], r[0]))(_adam_step(*a)),
        "Your numbers are right but come back in the wrong order: return (new θ, new m, new v).",
    ),
)


def _adam_cases(seed=3):
    rng = np.random.default_rng(seed)
    cases = []
    for shape, t, lr, b1, b2, eps in (
        ((3,), 1, 0.01, 0.9, 0.999, 1e-8),
        ((4,), 2, 0.1, 0.9, 0.99, 1e-3),
        ((2, 3), 7, 0.05, 0.5, 0.9, 1e-2),
        ((1,), 3, 1.0, 0.8, 0.95, 0.1),
    ):
        theta, grad = rng.standard_normal(shape), rng.standard_normal(shape)
        m = 0.3 * rng.standard_normal(shape) if t > 1 else np.zeros(shape)
        v = 0.5 * rng.random(shape) if t > 1 else np.zeros(shape)
        cases.append((theta, m, v, grad, t, lr, b1, b2, eps))
    return cases


def _triple_feedback(step: Any, case: tuple[Any, ...], what: str) -> Feedback | None:
    try:
        with np.errstate(all="ignore"):
            got = step(*(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in case))
    except Exception:
        return None  # compare_function reports the exception
    if got is None:
        return None
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        return Feedback(
            False, f"{what} should return three arrays, the new θ, m and v: `return theta, m, v`.", "not a triple"
        )
    return None


def check_adam_step(step: object) -> Feedback:
    """Check a learner's ``step(theta, m, v, grad, t, lr, beta1, beta2, eps)`` returning ``(theta, m, v)``.

    The reference is torch's Adam (ε after the corrected root). Recognised mistakes: no bias
    correction, Keras' placement of ε, ε inside the root, the step counted twice, no square root,
    moments without the (1 − β) weights, the triple in the wrong order, not a triple, an input changed
    in place.
    """
    what = "your Adam step"
    cases = _adam_cases()
    early = _triple_feedback(step, cases[0], what) if callable(step) else None
    if early is not None:
        return early
    return compare_function(step, _adam_step, cases, _ADAM_MISTAKES, what=what, rtol=1e-9, atol=1e-12)


# ---------------------------------------------------------------------------------------------------
# AdamW's step


def _adamw_step(theta, m, v, grad, t, lr, beta1, beta2, eps, weight_decay):
    theta = theta * (1 - lr * weight_decay)
    return _adam_step(theta, m, v, grad, t, lr, beta1, beta2, eps)


_ADAMW_MISTAKES = (
    Mistake(
        "L2 in the gradient",
        lambda th, m, v, g, t, lr, b1, b2, eps, wd: _adam_step(th, m, v, g + wd * th, t, lr, b1, b2, eps),
        "You added λθ to the gradient: that is L2 regularisation inside Adam (torch's "
        "Adam(weight_decay=...)), and the decay is then divided by √v̂ like the rest of the gradient. "
        "AdamW shrinks θ itself and keeps the decay out of m and v.",
    ),
    Mistake(
        "decay without the learning rate",
        lambda th, m, v, g, t, lr, b1, b2, eps, wd: _adam_step(th * (1 - wd), m, v, g, t, lr, b1, b2, eps),
        "Your θ shrinks by (1 − λ) at every step whatever the learning rate. In AdamW the shrink "
        "factor is 1 − ηλ: the decay is a step of size η too.",
    ),
    Mistake(
        "decay after the Adam step",
        lambda th, m, v, g, t, lr, b1, b2, eps, wd: (lambda r: (r[0] * (1 - lr * wd), r[1], r[2]))(
            _adam_step(th, m, v, g, t, lr, b1, b2, eps)
        ),
        "You shrink the parameters after Adam's step. torch and Keras shrink the θ the gradient was "
        "taken at, before the step.",
    ),
    Mistake(
        "no decay",
        lambda th, m, v, g, t, lr, b1, b2, eps, wd: _adam_step(th, m, v, g, t, lr, b1, b2, eps),
        "Your step is plain Adam: the weight decay plays no part.",
    ),
)


def check_adamw_step(step: object) -> Feedback:
    """Check ``step(theta, m, v, grad, t, lr, beta1, beta2, eps, weight_decay)`` returning ``(theta, m, v)``:
    torch's AdamW, θ ← θ(1 − ηλ) then Adam's step. Recognised mistakes: L2 added to the gradient, the
    decay without η, the decay after the step, no decay."""
    what = "your AdamW step"
    cases = [case + (wd,) for case, wd in zip(_adam_cases(seed=5), (0.1, 0.01, 0.5, 0.2))]
    early = _triple_feedback(step, cases[0], what) if callable(step) else None
    if early is not None:
        return early
    return compare_function(step, _adamw_step, cases, _ADAMW_MISTAKES, what=what, rtol=1e-9, atol=1e-12)


# ---------------------------------------------------------------------------------------------------
# Numbers


def check_bias_factor(answer: object, beta1: float, t: int) -> Feedback:
    """Check "after t steps of the same gradient g from m = 0, m_t equals which multiple of g?" (1 − β₁ᵗ).

    ``beta1`` must be in [0, 1) and ``t`` an integer ≥ 1 (ValueError/TypeError otherwise). An answer
    that is not a finite number gets ``"not a number"`` .
    """
    beta1, t = in_unit_interval(beta1, "beta1"), positive_int(t, "t")
    value = read_number(answer)
    if isinstance(value, Feedback):
        return value
    right = 1 - beta1**t
    if math.isclose(value, right, rel_tol=1e-6):
        return Feedback(
            True,
            "Right: the weights (1 − β₁)β₁^(t−i) of the t gradients sum to 1 − β₁ᵗ, which is why Adam divides m by it.",
        )
    if math.isclose(value, beta1**t, rel_tol=1e-6):
        return Feedback(
            False,
            "That is the weight the zero start still holds, the part that is missing. "
            "What do the weights of the t gradients add up to?",
            "missing part",
        )
    if math.isclose(value, 1 / right, rel_tol=1e-6):
        return Feedback(
            False,
            "That is the correction Adam multiplies by, the inverse of the factor asked for.",
            "the correction itself",
        )
    if math.isclose(value, (1 - beta1) * t, rel_tol=1e-6):
        return Feedback(
            False,
            "You added t copies of (1 − β₁)g, forgetting that each older term is also "
            "multiplied by β₁ once per step since.",
            "forgot the decay",
        )
    if math.isclose(value, 1.0, rel_tol=1e-6):
        return Feedback(
            False, "m starts at zero, so after finitely many steps it has not reached g yet.", "assumed it converged"
        )
    return Feedback(
        False, "Not quite. Unroll m_t = β₁m_{t−1} + (1 − β₁)g from m₀ = 0 and sum the geometric series.", "other"
    )


def check_keras_epsilon(answer: object, epsilon: float, beta2: float, t: int) -> Feedback:
    """Check "which torch eps gives Keras' Adam step with ``epsilon`` at step t?" (ε/√(1 − β₂ᵗ)).

    ``epsilon`` must be > 0, ``beta2`` in [0, 1) and ``t`` an integer ≥ 1 (ValueError/TypeError
    otherwise). An answer that is not a finite number gets ``"not a number"`` .
    """
    epsilon, beta2, t = positive(epsilon, "epsilon"), in_unit_interval(beta2, "beta2"), positive_int(t, "t")
    value = read_number(answer)
    if isinstance(value, Feedback):
        return value
    c = 1 - beta2**t
    right = epsilon / math.sqrt(c)
    if math.isclose(value, right, rel_tol=1e-6):
        return Feedback(
            True,
            "Right: Keras' ε is added before the division by √(1 − β₂ᵗ), so torch's eps must "
            "be that much larger to give the same step.",
        )
    wrong = {
        "multiplied instead of divided": epsilon * math.sqrt(c),
        "forgot the square root": epsilon / c,
        "the same epsilon": epsilon,
        "squared epsilon": epsilon**2 / c,
    }
    hints = {
        "multiplied instead of divided": "You scaled ε the wrong way: √(1 − β₂ᵗ) is below 1, and torch's eps "
        "sits in the corrected (larger) root √v̂ = √v / √(1 − β₂ᵗ).",
        "forgot the square root": "The correction enters through √v̂ = √v / √(1 − β₂ᵗ): the factor is a root.",
        "the same epsilon": "The two frameworks put ε in different places; the same number gives different "
        "steps. Write both denominators with √v and compare.",
        "squared epsilon": "ε is added to a root, not inside it: it is not squared.",
    }
    for name, number in wrong.items():
        if math.isclose(value, number, rel_tol=1e-6):
            return Feedback(False, hints[name], name)
    return Feedback(
        False,
        "Not quite. Write Keras' step η√(1 − β₂ᵗ)/(1 − β₁ᵗ) · m/(√v + ε) in the form "
        "η/(1 − β₁ᵗ) · m/(√v̂ + eps) and read off eps.",
        "other",
    )


def _weights(t, beta):
    return (1 - beta) * beta ** np.arange(t - 1, -1, -1) / (1 - beta**t)


_WEIGHT_MISTAKES = (
    Mistake(
        "not normalised",
        lambda t, b: (1 - b) * b ** np.arange(t - 1, -1, -1),
        "These are the weights of m_t itself. The exercise asks for m̂_t = m_t/(1 − βᵗ): divide, and "
        "check that your weights now add up to one.",
    ),
    Mistake(
        "oldest last",
        lambda t, b: (1 - b) * b ** np.arange(t) / (1 - b**t),
        "Your weights are reversed: the newest gradient g_t has the largest weight, (1 − β)/(1 − βᵗ), and "
        "g₁ the smallest. Return them in the order g₁, …, g_t.",
    ),
    Mistake(
        "without the (1 − β)",
        lambda t, b: b ** np.arange(t - 1, -1, -1) / (1 - b**t),
        "Each gradient enters m with the factor (1 − β) before it decays.",
    ),
    Mistake(
        "one too many powers",
        lambda t, b: (1 - b) * b ** np.arange(t, 0, -1) / (1 - b**t),
        "The newest gradient has not decayed yet: its weight carries β⁰.",
    ),
)


def check_moment_weights(weights: object) -> Feedback:
    """Check ``weights(t, beta)``: the weights w₁, …, w_t with m̂_t = Σ w_i g_i (Adam's corrected first
    moment), oldest first. The reference is (1 − β)β^(t−i)/(1 − βᵗ), which sums to one."""
    cases = [(1, 0.9), (2, 0.9), (5, 0.5), (12, 0.99), (30, 0.8)]
    return compare_function(weights, _weights, cases, _WEIGHT_MISTAKES, what="your weights", rtol=1e-10)


# What each checker accepts and the mistakes it names (tested by tests/test_exercises.py).
def _adam_in_place(theta, m, v, grad, t, lr, beta1, beta2, eps):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad**2
    theta -= lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return theta, m, v


CHECKERS = [
    CheckerSpec(
        check_adam_step,
        reference=_adam_step,
        mistakes={
            **{mistake.name: mistake.wrong for mistake in _ADAM_MISTAKES},
            "not a triple": lambda theta, m, v, grad, t, lr, beta1, beta2, eps: _adam_step(
                theta, m, v, grad, t, lr, beta1, beta2, eps
            )[0],
            "modified input": _adam_in_place,
        },
    ),
    CheckerSpec(
        check_adamw_step,
        reference=_adamw_step,
        mistakes={mistake.name: mistake.wrong for mistake in _ADAMW_MISTAKES},
    ),
    CheckerSpec(
        check_bias_factor,
        reference=1 - 0.9**5,
        mistakes={
            "missing part": 0.9**5,
            "the correction itself": 1 / (1 - 0.9**5),
            "forgot the decay": 0.5,
            "assumed it converged": 1,
            "not a number": "1 - β^t",
        },
        call=lambda answer: check_bias_factor(answer, beta1=0.9, t=5),
    ),
    CheckerSpec(
        check_keras_epsilon,
        reference=1e-7 / math.sqrt(0.001),
        mistakes={
            "multiplied instead of divided": 1e-7 * math.sqrt(0.001),
            "forgot the square root": 1e-4,
            "the same epsilon": 1e-7,
            "squared epsilon": 1e-14 / 0.001,
            "not a number": "3e-6?",
        },
        call=lambda answer: check_keras_epsilon(answer, epsilon=1e-7, beta2=0.999, t=1),
    ),
    CheckerSpec(
        check_moment_weights,
        reference=lambda t, beta: np.array([(1 - beta) * beta ** (t - i) for i in range(1, t + 1)]) / (1 - beta**t),
        mistakes={mistake.name: mistake.wrong for mistake in _WEIGHT_MISTAKES},
    ),
]
