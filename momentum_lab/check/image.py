"""Checkers for chapter 14, "Losses beyond the pixel, and a game".

Conventions of the chapter: images are channels-last arrays ``(N, H, W, C)``; the total variation is the
anisotropic sum of absolute differences of neighbours, not divided by the number of pixels; SSIM's
constants are ``C1 = (k1·max_val)²`` and ``C2 = (k2·max_val)²`` with the biased (window-weighted)
variances; a GAN's discriminator outputs a logit ``l`` and ``D = σ(l)``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from momentum_lab._validate import in_unit_interval, positive, real_number
from momentum_lab.check._core import CheckerSpec, Feedback, Mistake, compare_function, read_number

__all__ = [
    "check_total_variation",
    "check_global_ssim",
    "check_constant_ssim",
    "check_sigmoid_mse_gradient",
    "check_minimax_ratio",
]

# ---------------------------------------------------------------------------------------------------
# Reference answers, in the chapter's notation, so that each mistake reads as a one-line change.


def _tv(images: np.ndarray) -> np.ndarray:
    down = np.abs(np.diff(images, axis=1)).sum(axis=(1, 2, 3))
    right = np.abs(np.diff(images, axis=2)).sum(axis=(1, 2, 3))
    return down + right


def _global_ssim(x: np.ndarray, y: np.ndarray, c1: float, c2: float) -> np.ndarray:
    axes = (1, 2)
    mx, my = x.mean(axis=axes), y.mean(axis=axes)
    vx, vy = x.var(axis=axes), y.var(axis=axes)
    cov = ((x - mx[:, None, None]) * (y - my[:, None, None])).mean(axis=axes)
    return (2 * mx * my + c1) / (mx**2 + my**2 + c1) * (2 * cov + c2) / (vx + vy + c2)


def _sigmoid(z: float) -> float:
    return float(1.0 / (1.0 + np.exp(-z)))


def _match(value: float, candidates: list[tuple[str, float]], rtol: float = 1e-3) -> str | None:
    for name, target in candidates:
        if np.isclose(value, target, rtol=rtol, atol=1e-12):
            return name
    return None


_rng = np.random.default_rng(1414)
_TV_CASES = [
    (_rng.random((2, 5, 6, 1)),),
    (_rng.normal(size=(3, 4, 4, 2)),),
    # a vertical edge: only the right-differences see it, so the one-direction mistakes show
    (np.concatenate([np.zeros((1, 4, 2, 1)), np.ones((1, 4, 3, 1))], axis=2),),
]
_SSIM_CASES = [
    (_rng.random((3, 6, 7)), _rng.random((3, 6, 7)), 1e-4, 9e-4),
    (_rng.random((2, 5, 5)), 0.5 * _rng.random((2, 5, 5)) + 0.2, 1e-4, 9e-4),
    (_rng.random((2, 4, 8)), _rng.random((2, 4, 8)), 0.01, 0.05),
]

# ---------------------------------------------------------------------------------------------------
# ★ Total variation, per image


def _tv_mistakes() -> dict[str, Callable[..., np.ndarray]]:
    return {
        "one direction only": lambda im: np.abs(np.diff(im, axis=1)).sum(axis=(1, 2, 3)),
        "squared differences": lambda im: (
            (np.diff(im, axis=1) ** 2).sum(axis=(1, 2, 3)) + (np.diff(im, axis=2) ** 2).sum(axis=(1, 2, 3))
        ),
        "mean instead of sum": lambda im: (
            np.abs(np.diff(im, axis=1)).mean(axis=(1, 2, 3)) + np.abs(np.diff(im, axis=2)).mean(axis=(1, 2, 3))
        ),
        "wrapped around": lambda im: (
            np.abs(np.roll(im, -1, axis=1) - im).sum(axis=(1, 2, 3))
            + np.abs(np.roll(im, -1, axis=2) - im).sum(axis=(1, 2, 3))
        ),
    }


_TV_HINTS = {
    "one direction only": "You count the differences in one direction only. Total variation adds the "
    "vertical neighbours' differences (along the height axis) and the horizontal ones (along the width).",
    "squared differences": "You square the differences: that is a smoothness penalty (Tikhonov), which "
    "punishes one big jump more than many small steps. Total variation takes their absolute values.",
    "mean instead of sum": "You average the differences. tf.image.total_variation and this chapter add "
    "them: the value grows with the size of the image.",
    "wrapped around": "Your differences wrap around the border (np.roll compares the last row with the "
    "first). Only real neighbours count: use slices x[:, 1:] - x[:, :-1] or np.diff.",
}


def check_total_variation(total_variation: object) -> Feedback:
    """Check ``total_variation(images)`` for images ``(N, H, W, C)``: per image
    ``Σ |x[i+1, j] − x[i, j]| + Σ |x[i, j+1] − x[i, j]|`` over rows, columns and channels, shape ``(N,)``."""
    mistakes = [Mistake(name, wrong, _TV_HINTS[name]) for name, wrong in _tv_mistakes().items()]
    return compare_function(total_variation, _tv, _TV_CASES, mistakes, what="total_variation")


# ---------------------------------------------------------------------------------------------------
# ★★ SSIM with one window the size of the image


def _ssim_mistakes() -> dict[str, Callable[..., np.ndarray]]:
    def unbiased(x: np.ndarray, y: np.ndarray, c1: float, c2: float) -> np.ndarray:
        n = x.shape[1] * x.shape[2]
        axes = (1, 2)
        mx, my = x.mean(axis=axes), y.mean(axis=axes)
        cov = ((x - mx[:, None, None]) * (y - my[:, None, None])).sum(axis=axes) / (n - 1)
        vx, vy = x.var(axis=axes, ddof=1), y.var(axis=axes, ddof=1)
        return (2 * mx * my + c1) / (mx**2 + my**2 + c1) * (2 * cov + c2) / (vx + vy + c2)

    def raw_product(x: np.ndarray, y: np.ndarray, c1: float, c2: float) -> np.ndarray:
        axes = (1, 2)
        mx, my = x.mean(axis=axes), y.mean(axis=axes)
        vx, vy = x.var(axis=axes), y.var(axis=axes)
        return (2 * mx * my + c1) / (mx**2 + my**2 + c1) * (2 * (x * y).mean(axis=axes) + c2) / (vx + vy + c2)

    return {
        "luminance only": lambda x, y, c1, c2: (
            (2 * x.mean(axis=(1, 2)) * y.mean(axis=(1, 2)) + c1)
            / (x.mean(axis=(1, 2)) ** 2 + y.mean(axis=(1, 2)) ** 2 + c1)
        ),
        "unbiased variances": unbiased,
        "covariance without the means": raw_product,
        "constants swapped": lambda x, y, c1, c2: _global_ssim(x, y, c2, c1),
    }


_SSIM_HINTS = {
    "luminance only": "You return the luminance term alone. SSIM multiplies it by the contrast-structure "
    "term (2σ_xy + C2)/(σ_x² + σ_y² + C2).",
    "unbiased variances": "You divide by n − 1. SSIM's statistics are window-weighted means, so with a "
    "uniform window the variances and the covariance divide by n (np.var's default, ddof=0).",
    "covariance without the means": "Your σ_xy is the mean of x·y. The covariance subtracts the means "
    "first: mean((x − μ_x)(y − μ_y)) = mean(xy) − μ_x μ_y.",
    "constants swapped": "C1 belongs to the luminance term (the means) and C2 to the contrast-structure "
    "term (the variances); you have them the other way round.",
}


def check_global_ssim(global_ssim: object) -> Feedback:
    """Check ``global_ssim(x, y, c1, c2)`` for grey images ``(N, H, W)``: SSIM with one uniform window the
    size of the image, ``(2μ_xμ_y + C1)/(μ_x² + μ_y² + C1) · (2σ_xy + C2)/(σ_x² + σ_y² + C2)`` with biased
    statistics, shape ``(N,)``."""
    mistakes = [Mistake(name, wrong, _SSIM_HINTS[name]) for name, wrong in _ssim_mistakes().items()]
    return compare_function(global_ssim, _global_ssim, _SSIM_CASES, mistakes, what="global_ssim", rtol=1e-6)


# ---------------------------------------------------------------------------------------------------
# ★ SSIM of two constant images (a number)


def check_constant_ssim(
    answer: object, a: float, b: float, k1: float = 0.01, k2: float = 0.03, max_val: float = 1.0
) -> Feedback:
    """Check "the SSIM of a constant image of value ``a`` against one of value ``b``": the variances and
    the covariance are 0, so the contrast-structure term is ``C2/C2 = 1`` and SSIM is the luminance term
    ``(2ab + C1)/(a² + b² + C1)``, ``C1 = (k1·max_val)²``.

    The exercise's own numbers are checked first: ``a``, ``b`` real, ``k1``, ``k2`` in (0, 1), ``max_val``
    > 0 (TypeError/ValueError naming them); then the learner's ``answer`` gets feedback."""
    a, b = real_number(a, "a"), real_number(b, "b")
    for name, k in (("k1", k1), ("k2", k2)):
        if in_unit_interval(k, name) == 0:
            raise ValueError(f"{name} must be in (0, 1); got {name}={k!r}")
    max_val = positive(max_val, "max_val")
    value = read_number(answer)
    if isinstance(value, Feedback):
        return value
    c1 = (k1 * max_val) ** 2
    right = (2 * a * b + c1) / (a * a + b * b + c1)
    found = _match(
        value,
        [
            ("right", right),
            ("no constants", 2 * a * b / (a * a + b * b)),
            ("contrast term taken as 0", 0.0),
            ("the loss instead", 1.0 - right),
            ("C1 not squared", (2 * a * b + k1 * max_val) / (a * a + b * b + k1 * max_val)),
        ],
        rtol=1e-6,
    )
    if found == "right":
        return Feedback(True, f"Right: only the luminance term is left, (2ab + C1)/(a² + b² + C1) = {value:.6f}.")
    hints = {
        "no constants": "Close, but you dropped C1. With k1 = 0.01 and max_val = 1, C1 = 1e-4 stays in the "
        "numerator and the denominator.",
        "contrast term taken as 0": "σ_x = σ_y = σ_xy = 0 does not make the contrast-structure term 0: it is "
        "(0 + C2)/(0 + C2) = 1. That is what C2 is for.",
        "the loss instead": "That is 1 − SSIM, the loss. The question asks for SSIM itself.",
        "C1 not squared": "C1 is (k1·max_val)², not k1·max_val.",
    }
    if found is None:
        return Feedback(
            False,
            "Not quite. Write μ_x = a, μ_y = b and σ_x = σ_y = σ_xy = 0 into the two terms of SSIM.",
            "wrong value",
        )
    return Feedback(False, hints[found], found)


# ---------------------------------------------------------------------------------------------------
# ★ The gradient of sigmoid + squared error at a confidently wrong prediction (a number)


def check_sigmoid_mse_gradient(answer: object, z: float, y: float) -> Feedback:
    """Check "``∂/∂z (σ(z) − y)²`` at the logit ``z``, label ``y``": ``2(σ(z) − y)·σ(z)(1 − σ(z))``.

    ``z`` and ``y`` (the exercise's numbers) must be real, ``y`` in [0, 1] (TypeError/ValueError naming
    them); the learner's ``answer`` gets feedback."""
    z = real_number(z, "z")
    y = in_unit_interval(y, "y", closed_right=True)
    value = read_number(answer)
    if isinstance(value, Feedback):
        return value
    s = _sigmoid(z)
    right = 2 * (s - y) * s * (1 - s)
    found = _match(
        value,
        [
            ("right", right),
            ("cross-entropy gradient", s - y),
            ("sigmoid's derivative left out", 2 * (s - y)),
            ("half the square", (s - y) * s * (1 - s)),
            ("wrong sign", -right),
        ],
    )
    if found == "right":
        return Feedback(
            True, f"Right: {value:.6f}. The factor σ(1 − σ) makes it tiny although the prediction is badly wrong."
        )
    hints = {
        "cross-entropy gradient": "That is the gradient of sigmoid + cross-entropy, σ(z) − y. With the squared "
        "error the chain rule adds the sigmoid's derivative σ(z)(1 − σ(z)).",
        "sigmoid's derivative left out": "You differentiated the square but not the sigmoid: multiply by "
        "σ'(z) = σ(z)(1 − σ(z)).",
        "half the square": "You differentiated ½(σ − y)². The loss here is (σ − y)², without the ½.",
        "wrong sign": "The sign is off: at z < 0 with y = 1, σ(z) − y < 0, so increasing z lowers the loss and "
        "the gradient is negative.",
    }
    if found is None:
        return Feedback(False, "Not quite. Apply the chain rule: d/dz (σ − y)² = 2(σ − y)·σ'(z).", "wrong value")
    return Feedback(False, hints[found], found)


# ---------------------------------------------------------------------------------------------------
# ★★ How much weaker is the minimax generator's gradient? (a number)


def check_minimax_ratio(answer: object, d_fake: float) -> Feedback:
    """Check "the gradient of the minimax generator loss ``log(1 − D)`` with respect to the logit, divided by
    that of the non-saturating ``−log D``, where ``D = σ(l) = d_fake``": ``−σ(l) / −(1 − σ(l)) = D/(1 − D)``.

    ``d_fake`` is a probability strictly between 0 and 1 (at 0 or 1 one of the two gradients is 0 and the
    ratio has no value): anything else raises TypeError/ValueError naming it."""
    d_fake = real_number(d_fake, "d_fake")
    if not 0 < d_fake < 1:
        raise ValueError(f"d_fake must be in (0, 1), a discriminator's probability; got d_fake={d_fake!r}")
    value = read_number(answer)
    if isinstance(value, Feedback):
        return value
    d = d_fake
    found = _match(
        value,
        [
            ("right", d / (1 - d)),
            ("upside down", (1 - d) / d),
            ("D itself", d),
            ("wrong sign", -d / (1 - d)),
            ("ratio of the losses", np.log(1 - d) / -np.log(d)),
        ],
    )
    if found == "right":
        return Feedback(
            True,
            f"Right: D/(1 − D) = {value:.6g}. Against a confident discriminator the minimax "
            "generator gets about D times the non-saturating gradient.",
        )
    hints = {
        "upside down": "That is the non-saturating gradient divided by the minimax one; the question asks the "
        "other way round.",
        "D itself": "Close: the minimax gradient is −σ(l) = −D, but the non-saturating one is −(1 − D), not −1.",
        "wrong sign": "Both gradients are negative (both losses fall as the logit rises), so their ratio is positive.",
        "ratio of the losses": "That is the ratio of the two losses. Differentiate them with respect to the "
        "logit first: d/dl log(1 − σ(l)) = −σ(l), d/dl −log σ(l) = −(1 − σ(l)).",
    }
    if found is None:
        return Feedback(
            False, "Not quite. Differentiate both losses with respect to the logit l and divide.", "wrong value"
        )
    return Feedback(False, hints[found], found)


CHECKERS = [
    CheckerSpec(check_total_variation, reference=_tv, mistakes={k: v for k, v in _tv_mistakes().items()}),
    CheckerSpec(check_global_ssim, reference=_global_ssim, mistakes={k: v for k, v in _ssim_mistakes().items()}),
    CheckerSpec(
        check_constant_ssim,
        reference=(2 * 0.2 * 0.6 + 1e-4) / (0.04 + 0.36 + 1e-4),
        mistakes={
            "no constants": 0.24 / 0.4,
            "contrast term taken as 0": 0.0,
            "the loss instead": 1 - (0.24 + 1e-4) / (0.4 + 1e-4),
            "C1 not squared": (0.24 + 0.01) / (0.4 + 0.01),
            "wrong value": 0.5,
            "not a number": "0.6",
        },
        call=lambda answer: check_constant_ssim(answer, a=0.2, b=0.6),
    ),
    CheckerSpec(
        check_sigmoid_mse_gradient,
        reference=2 * (_sigmoid(-4.0) - 1) * _sigmoid(-4.0) * _sigmoid(4.0),
        mistakes={
            "cross-entropy gradient": _sigmoid(-4.0) - 1,
            "sigmoid's derivative left out": 2 * (_sigmoid(-4.0) - 1),
            "half the square": (_sigmoid(-4.0) - 1) * _sigmoid(-4.0) * _sigmoid(4.0),
            "wrong sign": -2 * (_sigmoid(-4.0) - 1) * _sigmoid(-4.0) * _sigmoid(4.0),
            "not a number": None,
        },
        call=lambda answer: check_sigmoid_mse_gradient(answer, z=-4.0, y=1.0),
    ),
    CheckerSpec(
        check_minimax_ratio,
        reference=0.01 / 0.99,
        mistakes={
            "upside down": 99.0,
            "D itself": 0.01,
            "wrong sign": -0.01 / 0.99,
            "ratio of the losses": np.log(0.99) / -np.log(0.01),
            "wrong value": 0.5,
        },
        call=lambda answer: check_minimax_ratio(answer, d_fake=0.01),
    ),
]
