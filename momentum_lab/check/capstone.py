"""Checkers for chapter 10's exercises: the gradient of logistic regression, and momentum tuned from μ and L.

Each returns a :class:`~momentum_lab.check._core.Feedback` and never prints the expected numbers.

The learner's answer is judged, never trusted (``check/_core.py`` lists the cases): a function that is
not callable, raises, returns None, strings, complex numbers, NaN, one number or three instead of
``(lr, beta)``, gets a :class:`Feedback` naming what is wrong; these checkers have no parameters of
their own.
"""

from __future__ import annotations

import numpy as np

from momentum_lab.check._core import CheckerSpec, Feedback, Mistake, compare_function, numeric_result


def _sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


def _gradient(theta, X1, y, l2):
    return X1.T @ (_sigmoid(X1 @ theta) - y) / len(y) + l2 * theta


_GRADIENT_MISTAKES = (
    Mistake(
        "sign",
        lambda t, X, y, l2: X.T @ (y - _sigmoid(X @ t)) / len(y) + l2 * t,
        "The data part points the wrong way: the derivative of the loss with respect to the logit z is "
        "σ(z) − y (too high a probability for a 0 label must push z down). Check the sign of (p − y).",
    ),
    Mistake(
        "sum instead of mean",
        lambda t, X, y, l2: X.T @ (_sigmoid(X @ t) - y) + l2 * t,
        "The data part is n times too large: the loss is the *mean* over the samples, so divide the sum "
        "over samples by n = len(y).",
    ),
    Mistake(
        "no L2 term",
        lambda t, X, y, l2: X.T @ (_sigmoid(X @ t) - y) / len(y),
        "The data part is right, but the penalty (λ/2)‖θ‖² is missing from the gradient: add its derivative.",
    ),
    Mistake(
        "L2 term halved",
        lambda t, X, y, l2: X.T @ (_sigmoid(X @ t) - y) / len(y) + 0.5 * l2 * t,
        "The penalty's derivative is off by a factor 2: the derivative of (λ/2)‖θ‖² is λθ.",
    ),
    Mistake(
        "L2 term doubled",
        lambda t, X, y, l2: X.T @ (_sigmoid(X @ t) - y) / len(y) + 2 * l2 * t,
        "The penalty's derivative is off by a factor 2: the derivative of (λ/2)‖θ‖² is λθ, not 2λθ.",
    ),
    Mistake(
        "p(1 − p) factor",
        lambda t, X, y, l2: X.T @ ((_sigmoid(X @ t) - y) * _sigmoid(X @ t) * (1 - _sigmoid(X @ t))) / len(y) + l2 * t,
        "There is an extra factor σ'(z) = p(1 − p): that is the chain rule for the squared error on "
        "probabilities. For cross-entropy on logits the σ' cancels: ∂loss/∂z = p − y.",
    ),
)


def _gradient_cases(seed=10):
    rng = np.random.default_rng(seed)
    cases = []
    for n, d, l2 in ((6, 3, 0.1), (20, 4, 1e-2), (50, 10, 1e-3)):
        X1 = np.concatenate([rng.standard_normal((n, d - 1)), np.ones((n, 1))], axis=1)
        y = (rng.uniform(size=n) < 0.5).astype(float)
        cases.append((rng.standard_normal(d), X1, y, l2))
    return cases


def check_logistic_gradient(gradient: object) -> Feedback:
    """Check ``gradient(theta, X1, y, l2)`` = ``X1ᵀ(σ(X1 θ) − y)/n + l2·θ``.

    ``X1`` has a column of ones for the bias, ``y`` holds 0/1 labels, the loss is the mean binary
    cross-entropy from logits plus ``(l2/2)‖θ‖²``.
    """
    return compare_function(
        gradient, _gradient, _gradient_cases(), _GRADIENT_MISTAKES, what="your gradient", rtol=1e-7, atol=1e-12
    )


# ----------------------------------------------------------------------------------------------------
# α*, β* from μ and L


def _optimal(mu, L):
    sl, sm = np.sqrt(L), np.sqrt(mu)
    return 4.0 / (sl + sm) ** 2, ((sl - sm) / (sl + sm)) ** 2


def _lr_mistakes(mu, L):
    return (
        (
            "gradient-descent step",
            2.0 / (mu + L),
            "Your α is gradient descent's best step 2/(μ + L). The heavy ball can afford a larger one, "
            "4/(√L + √μ)²: momentum widens the stable range to αL < 2(1 + β).",
        ),
        (
            "1/L",
            1.0 / L,
            "Your α is 1/L, the safe step of gradient descent (and of Nesterov's method). "
            "Polyak's heavy ball uses 4/(√L + √μ)².",
        ),
        (
            "squares instead of roots",
            4.0 / (L + mu),
            "Your α uses L and μ where their square roots belong: α* = 4/(√L + √μ)².",
        ),
        (
            "missing square",
            4.0 / (np.sqrt(L) + np.sqrt(mu)),
            "Your α is missing a square: α* = 4/(√L + √μ)² (check the units: α·L must be a pure number).",
        ),
        (
            "swapped μ and L",
            1.0 / mu,
            "Your α is 1/μ: μ and L are swapped. A step that large is unstable along the steepest "
            "direction; the step is limited by L, the largest curvature.",
        ),
    )


def _momentum_mistakes(mu, L):
    kappa = L / mu
    r = (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)
    return (
        (
            "rate instead of momentum",
            r,
            "Your β is the optimal *rate* (√κ − 1)/(√κ + 1), which is √β*. β* is its square.",
        ),
        (
            "κ instead of √κ",
            ((kappa - 1) / (kappa + 1)) ** 2,
            "Your β uses κ where √κ belongs: β* = ((√κ − 1)/(√κ + 1))², with κ = L/μ.",
        ),
        (
            "gradient-descent rate",
            (kappa - 1) / (kappa + 1),
            "Your β is gradient descent's best rate (κ − 1)/(κ + 1), not a momentum. The heavy ball's β* is "
            "((√κ − 1)/(√κ + 1))².",
        ),
        (
            "swapped μ and L",
            -r,
            "Your β is negative: κ must be L/μ ≥ 1, the largest curvature over the smallest. μ and L seem "
            "swapped (and the square is missing).",
        ),
        (
            "upside down",
            ((np.sqrt(kappa) + 1) / (np.sqrt(kappa) - 1)) ** 2,
            "Your β is above 1, where the heavy ball diverges: the fraction is upside down. β* = ((√κ − 1)/(√κ + 1))².",
        ),
        (
            "Nesterov's momentum",
            1 - 1 / np.sqrt(kappa),
            "Your β is 1 − 1/√κ, which belongs to Nesterov's method. The heavy ball's β* is ((√κ − 1)/(√κ + 1))².",
        ),
    )


_TUNING_CASES = ((0.01, 1.0), (0.5, 4.0), (1.5e-3, 0.1), (2.0, 3.0))


def _named(value, target, candidates, rtol=1e-6):
    if np.isclose(value, target, rtol=rtol, atol=0):
        return "right", None
    for name, wrong, hint in candidates:
        if np.isclose(value, wrong, rtol=rtol, atol=0):
            return name, hint
    return "other", None


def check_optimal_tuning(tuning: object) -> Feedback:
    """Check ``tuning(mu, L)`` → ``(α*, β*)`` = ``(4/(√L + √μ)², ((√L − √μ)/(√L + √μ))²)``.

    The step size and the momentum are judged separately, each against its typical mistakes (gradient
    descent's 2/(μ + L), the rate √β* given as β, κ in place of √κ, μ and L swapped, ...).
    """
    if not callable(tuning):
        return Feedback(False, f"tuning should be a function; got {type(tuning).__name__}.", "not callable")
    verdicts: dict[str, list[tuple[str, str | None]]] = {"α": [], "β": []}
    for mu, L in _TUNING_CASES:
        try:
            with np.errstate(all="ignore"):
                answer = tuning(mu, L)
        except Exception as exc:  # the learner's code may raise anything; report it
            return Feedback(False, f"your function raised {type(exc).__name__}: {exc}", "raised")
        got = numeric_result(answer, "your function")
        if isinstance(got, Feedback):  # None, strings, complex numbers, parts of different shapes
            return got
        if got.shape != (2,):
            return Feedback(
                False, "Return two numbers, the step size and the momentum: `return lr, beta`.", "wrong shape"
            )
        lr, momentum = float(got[0]), float(got[1])
        if not (np.isfinite(lr) and np.isfinite(momentum)):
            return Feedback(
                False, f"your function returned a non-finite value (nan or inf) for mu={mu}, L={L}.", "non-finite"
            )
        lr_star, momentum_star = _optimal(mu, L)
        verdicts["α"].append(_named(lr, lr_star, _lr_mistakes(mu, L)))
        verdicts["β"].append(_named(momentum, momentum_star, _momentum_mistakes(mu, L)))
    messages, names = [], []
    for what, found in verdicts.items():
        kinds = {name for name, _ in found}
        if kinds == {"right"}:
            continue
        if len(kinds) == 1 and found[0][1] is not None:
            messages.append(found[0][1])
            names.append(f"{what}: {found[0][0]}")
        else:
            formula = "step size" if what == "α" else "momentum"
            messages.append(
                f"Your {formula} {what} is not right on every case. At the optimum the two ends of "
                "the spectrum are critically damped: αμ = (1 − √β)² and αL = (1 + √β)². "
                "Solve these two equations for α and β."
            )
            names.append(f"{what}: other")
    if not messages:
        return Feedback(
            True,
            f"Right on all {len(_TUNING_CASES)} cases: α* = 4/(√L + √μ)² and β* = ((√κ − 1)/(√κ + 1))², with rate √β*.",
        )
    return Feedback(False, " ".join(messages), "; ".join(names))


def _tuning_with(lr=None, momentum=None):
    """A tuning function that gets α* and β* right except where ``lr``/``momentum`` replace them."""

    def tuning(mu, L):
        lr_star, momentum_star = _optimal(mu, L)
        return (lr_star if lr is None else lr(mu, L)), (momentum_star if momentum is None else momentum(mu, L))

    return tuning


def _rate(mu, L):
    return (np.sqrt(L / mu) - 1) / (np.sqrt(L / mu) + 1)


CHECKERS = [
    CheckerSpec(
        check_logistic_gradient,
        reference=lambda theta, X1, y, l2: X1.T @ (1 / (1 + np.exp(-X1 @ theta)) - y) / len(y) + l2 * theta,
        mistakes={
            **{mistake.name: mistake.wrong for mistake in _GRADIENT_MISTAKES},
            "wrong shape": lambda theta, X1, y, l2: X1 @ theta,
            "returned None": lambda theta, X1, y, l2: None,
        },
    ),
    CheckerSpec(
        check_optimal_tuning,
        reference=lambda mu, L: (
            4 / (np.sqrt(L) + np.sqrt(mu)) ** 2,
            ((np.sqrt(L) - np.sqrt(mu)) / (np.sqrt(L) + np.sqrt(mu))) ** 2,
        ),
        mistakes={
            "α: gradient-descent step": _tuning_with(lr=lambda mu, L: 2 / (mu + L)),
            "α: 1/L": _tuning_with(lr=lambda mu, L: 1 / L),
            "β: rate instead of momentum": _tuning_with(momentum=_rate),
            "β: κ instead of √κ": _tuning_with(momentum=lambda mu, L: ((L / mu - 1) / (L / mu + 1)) ** 2),
            "α: swapped μ and L; β: swapped μ and L": _tuning_with(
                lr=lambda mu, L: 1 / mu, momentum=lambda mu, L: -_rate(mu, L)
            ),
            "β: Nesterov's momentum": _tuning_with(momentum=lambda mu, L: 1 - np.sqrt(mu / L)),
            "returned None": lambda mu, L: None,
            "wrong shape": lambda mu, L: 4 / (np.sqrt(L) + np.sqrt(mu)) ** 2,
        },
    ),
]
