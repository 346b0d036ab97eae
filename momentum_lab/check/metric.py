"""Checkers for chapter 13, "Losses for embeddings and for rare classes".

Conventions of the chapter: embeddings are the rows of ``(N, D)`` arrays; distances are Euclidean; the
InfoNCE logits are the cosine similarities divided by the temperature τ; a binary classifier outputs
``p = σ(x)`` and is trained with the positives' log-loss weighted by ``pos_weight = w``.

Bad answers are feedback, bad parameters are errors (``check/_core.py`` lists the cases): a loss that
raises, returns NaN, strings or the wrong shape, and a number answer that is None, a string, complex or
NaN, each get a :class:`Feedback`; the chapter's parameters (``p_true`` in (0, 1], ``gamma`` ≥ 0,
``pos_weight`` > 0) raise ValueError/TypeError naming them, e.g.
``check_pos_weight_threshold(0.2, pos_weight=0)`` raises ``ValueError: pos_weight must be > 0; got
pos_weight=0.0``.
"""

from __future__ import annotations

import numpy as np

from momentum_lab._validate import in_unit_interval, non_negative, positive
from momentum_lab.check._core import CheckerSpec, Feedback, Mistake, compare_function, read_number

# ---------------------------------------------------------------------------------------------------
# Reference answers, in the chapter's notation, so that each mistake reads as a one-line change.


def _distance(u, v):
    return np.sqrt(np.sum((u - v) ** 2, axis=-1))


def _triplet(anchor, positive, negative, margin):
    return np.maximum(0.0, _distance(anchor, positive) - _distance(anchor, negative) + margin)


def _normalized(z):
    return z / np.linalg.norm(z, axis=-1, keepdims=True)


def _log_softmax_rows(s):
    top = s.max(axis=-1, keepdims=True)
    return s - top - np.log(np.sum(np.exp(s - top), axis=-1, keepdims=True))


def _info_nce(z1, z2, tau):
    s = _normalized(z1) @ _normalized(z2).T / tau
    return -np.diag(_log_softmax_rows(s))


def _match(value, candidates, rtol=1e-3):
    for name, target in candidates:
        if np.isclose(value, target, rtol=rtol, atol=1e-12):
            return name
    return None


_rng = np.random.default_rng(1313)
_TRIPLET_CASES = [
    (_rng.normal(size=(6, 3)), _rng.normal(size=(6, 3)), _rng.normal(size=(6, 3)), 0.5),
    (_rng.normal(size=(4, 5)), _rng.normal(size=(4, 5)), _rng.normal(size=(4, 5)), 2.0),
    # anchors near their positives, negatives far away: most of these triplets are already satisfied
    (np.zeros((3, 2)), 0.1 * _rng.normal(size=(3, 2)), np.array([[3.0, 0.0], [0.0, -4.0], [0.5, 0.5]]), 1.0),
]
_INFO_CASES = [
    (_rng.normal(size=(5, 3)), _rng.normal(size=(5, 3)), 0.1),
    (3.0 * _rng.normal(size=(4, 2)), _rng.normal(size=(4, 2)), 0.5),
]

# ---------------------------------------------------------------------------------------------------
# ★ The triplet margin loss, per triplet


def check_triplet_loss(triplet_loss: object) -> Feedback:
    """Check ``triplet_loss(anchor, positive, negative, margin)``: per triplet
    ``max(0, ‖a − p‖ − ‖a − n‖ + margin)``, Euclidean distances, shape ``(N,)``."""
    mistakes = [
        Mistake(
            "no hinge",
            lambda a, p, n, m: _distance(a, p) - _distance(a, n) + m,
            "Some of your losses are negative. A triplet that already satisfies the margin costs 0: take "
            "max(0, ·) of the difference.",
        ),
        Mistake(
            "squared distances",
            lambda a, p, n, m: np.maximum(0.0, _distance(a, p) ** 2 - _distance(a, n) ** 2 + m),
            "You compare squared distances (FaceNet's form). torch's TripletMarginLoss and this chapter use "
            "the distances themselves: take the square root of the sums of squares.",
        ),
        Mistake(
            "positive and negative swapped",
            lambda a, p, n, m: np.maximum(0.0, _distance(a, n) - _distance(a, p) + m),
            "Your loss is large when the anchor is near its positive. The positive's distance enters with a "
            "plus sign: the loss asks d(a, p) + margin <= d(a, n).",
        ),
        Mistake(
            "margin subtracted",
            lambda a, p, n, m: np.maximum(0.0, _distance(a, p) - _distance(a, n) - m),
            "The margin is added: a triplet is satisfied only when the negative is farther than the "
            "positive by at least the margin.",
        ),
    ]
    return compare_function(triplet_loss, _triplet, _TRIPLET_CASES, mistakes, what="triplet_loss")


# ---------------------------------------------------------------------------------------------------
# ★★ InfoNCE from the stable log-softmax


def check_info_nce(info_nce: object) -> Feedback:
    """Check ``info_nce(z1, z2, tau)``: per query ``−log softmax_j(cos(z1_i, z2_j)/τ)`` at ``j = i``, shape
    ``(N,)``."""
    mistakes = [
        Mistake(
            "no temperature",
            lambda z1, z2, tau: _info_nce(z1, z2, 1.0),
            "Your losses do not change with tau. Divide the similarity matrix by the temperature before "
            "the log-softmax.",
        ),
        Mistake(
            "not normalized",
            lambda z1, z2, tau: -np.diag(_log_softmax_rows(z1 @ z2.T / tau)),
            "You use raw dot products. The chapter's InfoNCE compares cosines: divide each row of z1 and "
            "z2 by its norm first.",
        ),
        Mistake(
            "softmax over the queries",
            lambda z1, z2, tau: -np.diag(_log_softmax_rows((_normalized(z1) @ _normalized(z2).T / tau).T)),
            "You normalize each column (over the queries). Query i chooses among the keys: the softmax runs "
            "along each row of S = z1 z2ᵀ/τ.",
        ),
        Mistake(
            "multiplied by the temperature",
            lambda z1, z2, tau: _info_nce(z1, z2, 1.0 / tau),
            "You multiply by tau. The logits are S/τ: a small temperature sharpens the softmax.",
        ),
    ]
    return compare_function(info_nce, _info_nce, _INFO_CASES, mistakes, what="info_nce", rtol=1e-6)


# ---------------------------------------------------------------------------------------------------
# ★ How much the focal factor discounts an easy example (a number)


def check_focal_discount(answer: object, p_true: float, gamma: float) -> Feedback:
    """Check "the focal loss of an example whose true class has probability ``p_true``, divided by its
    cross-entropy, with focusing parameter ``gamma`` (α = 1)": ``(1 − p_true)^γ``.

    ``p_true`` must be in (0, 1] (the cross-entropy −log p is infinite at 0) and ``gamma`` ≥ 0
    (ValueError/TypeError otherwise). An answer that is not a finite number gets ``"not a number"``.
    """
    p_true, gamma = in_unit_interval(p_true, "p_true", closed_right=True), non_negative(gamma, "gamma")
    if p_true == 0:
        raise ValueError(f"p_true must be in (0, 1]; got p_true={p_true!r}")
    value = read_number(answer)
    if isinstance(value, Feedback):
        return value
    found = _match(
        value,
        [
            ("right", (1.0 - p_true) ** gamma),
            ("p instead of 1 − p", p_true**gamma),
            ("no power", 1.0 - p_true),
            ("focal loss itself", -((1.0 - p_true) ** gamma) * np.log(p_true)),
            ("alpha included", 0.25 * (1.0 - p_true) ** gamma),
        ],
    )
    if found == "right":
        return Feedback(True, f"Right: the factor (1 − p_t)^γ = {value:.4g} multiplies the cross-entropy.")
    hints = {
        "p instead of 1 − p": "That factor grows with the probability of the true class. Focal loss shrinks "
        "the easy examples: the factor is (1 − p_t)^γ.",
        "no power": "You left out γ: the factor is (1 − p_t) raised to the power γ.",
        "focal loss itself": "That is the focal loss. The question asks for its ratio to the cross-entropy −log p_t.",
        "alpha included": "You included Keras' default α = 0.25; the question sets α = 1.",
    }
    if found is None:
        return Feedback(
            False, "Not quite. Write the focal loss as a factor times −log p_t and read off the factor.", "wrong value"
        )
    return Feedback(False, hints[found], found)


# ---------------------------------------------------------------------------------------------------
# ★★ The decision threshold that pos_weight implies (a number)


def check_pos_weight_threshold(answer: object, pos_weight: float) -> Feedback:
    """Check "a model trained with ``pos_weight = w`` outputs σ(x) = 0.5 exactly where the true probability
    of a positive is π; what is π?": the weighted log-loss is minimized by ``σ(x) = wπ / (wπ + 1 − π)``, so
    σ = ½ at ``π = 1/(1 + w)``.

    ``pos_weight`` must be > 0 (ValueError/TypeError otherwise). An answer that is not a finite number
    gets ``"not a number"`` .
    """
    pos_weight = positive(pos_weight, "pos_weight")
    value = read_number(answer)
    if isinstance(value, Feedback):
        return value
    w = pos_weight
    found = _match(
        value,
        [
            ("right", 1.0 / (1.0 + w)),
            ("w/(1 + w)", w / (1.0 + w)),
            ("1/w", 1.0 / w),
            ("unchanged", 0.5),
        ],
    )
    if found == "right":
        return Feedback(
            True,
            f"Right: wπ = 1 − π gives π = 1/(1 + w) = {value:.4g}; the weight moves the "
            "threshold on the true probability from ½ down to this value.",
        )
    hints = {
        "w/(1 + w)": "That moves the threshold the wrong way: weighting the positives makes the model say "
        "'positive' more often, so it does so at true probabilities below ½.",
        "1/w": "Close: solve wπ = 1 − π for π (both classes' weighted probabilities equal at σ = ½).",
        "unchanged": "pos_weight changes what the model outputs: the minimizer of the weighted loss is "
        "wπ/(wπ + 1 − π), not π.",
    }
    if found is None:
        return Feedback(
            False, "Not quite. Minimize w·π·(−log s) + (1 − π)(−log(1 − s)) over s and set s = ½.", "wrong value"
        )
    return Feedback(False, hints[found], found)


CHECKERS = [
    CheckerSpec(
        check_triplet_loss,
        reference=_triplet,
        mistakes={
            "no hinge": lambda a, p, n, m: _distance(a, p) - _distance(a, n) + m,
            "squared distances": lambda a, p, n, m: np.maximum(0.0, _distance(a, p) ** 2 - _distance(a, n) ** 2 + m),
            "positive and negative swapped": lambda a, p, n, m: np.maximum(0.0, _distance(a, n) - _distance(a, p) + m),
            "margin subtracted": lambda a, p, n, m: np.maximum(0.0, _distance(a, p) - _distance(a, n) - m),
        },
    ),
    CheckerSpec(
        check_info_nce,
        reference=_info_nce,
        mistakes={
            "no temperature": lambda z1, z2, tau: _info_nce(z1, z2, 1.0),
            "not normalized": lambda z1, z2, tau: -np.diag(_log_softmax_rows(z1 @ z2.T / tau)),
            "softmax over the queries": lambda z1, z2, tau: (
                -np.diag(_log_softmax_rows((_normalized(z1) @ _normalized(z2).T / tau).T))
            ),
            "multiplied by the temperature": lambda z1, z2, tau: _info_nce(z1, z2, 1.0 / tau),
        },
    ),
    CheckerSpec(
        check_focal_discount,
        reference=0.01,
        mistakes={
            "p instead of 1 − p": 0.81,
            "no power": 0.1,
            "focal loss itself": 0.01 * -np.log(0.9),
            "alpha included": 0.0025,
            "not a number": "small",
        },
        call=lambda answer: check_focal_discount(answer, p_true=0.9, gamma=2.0),
    ),
    CheckerSpec(
        check_pos_weight_threshold,
        reference=0.2,
        mistakes={
            "w/(1 + w)": 0.8,
            "1/w": 0.25,
            "unchanged": 0.5,
            "wrong value": 0.33,
        },
        call=lambda answer: check_pos_weight_threshold(answer, pos_weight=4.0),
    ),
]
