"""Numbers the errata of chapters 6–10 rest on, recomputed; and the form those chapters keep.

Each test recomputes a claim a chapter prints or states, so that a change in the library or the data that
would make the sentence false fails here first.
"""

import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from momentum_lab import losses, models, theory

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = [
    ROOT / "book" / name
    for name in (
        "06_regression_losses.ipynb",
        "07_classification_losses.ipynb",
        "08_segmentation_losses.ipynb",
        "09_custom_losses.ipynb",
        "10_capstone.ipynb",
    )
]


# --- chapter 10, ch10-ex-start: stable along the run, not everywhere ----------------------------------


@pytest.fixture(scope="module")
def logistic():
    X, y = models.make_moons(n=200, noise=0.15, seed=0)
    return models.LogisticRegression(models.polynomial_features(X, degree=3), y, l2=1e-3)


def largest_curvature(model, theta):
    return np.linalg.eigvalsh(model.hessian_by_hand(theta))[-1]


def test_start_tuned_pair_is_stable_along_its_run_but_not_at_zero(logistic):
    theta0 = logistic.init(seed=0)
    start = np.linalg.eigvalsh(logistic.hessian_by_hand(theta0))
    alpha0, beta0, _ = theory.optimal_momentum(start[0], start[-1])
    limit = 2 * (1 + beta0) / alpha0
    assert start[-1] == pytest.approx(0.619, abs=5e-4)
    assert limit == pytest.approx(0.624, abs=5e-4)
    at_zero = largest_curvature(logistic, np.zeros(logistic.dim))
    assert at_zero == pytest.approx(0.919, abs=5e-4)
    assert at_zero > limit  # so "safe everywhere" was false
    run = models.train(logistic, theta0, *models.as_float32(alpha0, beta0), steps=200)
    along = max(largest_curvature(logistic, t) for t in run.thetas)
    assert along <= limit  # "stable along this run" holds
    assert np.all(run.losses <= run.losses[0])


# --- chapter 10, ch10-ex-double-root ---------------------------------------------------------------


def test_double_root_excess_formula_is_exact_on_the_recurrence():
    mu, L = 0.0015144314, 0.0963122314
    alpha, beta, rho = theory.optimal_momentum(mu, L)
    assert rho == pytest.approx(np.sqrt(beta))
    # (z − ρ)² and (z + ρ)²: the discriminant of z² − (1 + β − αλ)z + β vanishes at λ = μ and λ = L
    for lam in (mu, L):
        assert (1 + beta - alpha * lam) ** 2 - 4 * beta == pytest.approx(0, abs=1e-12)
    xs = [1.0, 1.0 - alpha * mu]
    for _ in range(112):
        xs.append((1 + beta - alpha * mu) * xs[-1] - beta * xs[-2])
    k1, k2 = 44, 112
    measured = (abs(xs[k2]) / abs(xs[k1])) ** (1 / (k2 - k1))
    c0, c1 = xs[0], xs[1] / rho - xs[0]
    assert measured == pytest.approx(rho * ((c0 + c1 * k2) / (c0 + c1 * k1)) ** (1 / (k2 - k1)), rel=1e-9)
    assert 0.005 < np.log(k2 / k1) / (k2 - k1) < 0.02  # the 1.4% the solution compares with +1.8%


# --- chapter 7: calibration and the gradient of clipped BCE ---------------------------------------


@pytest.mark.parametrize("prob", [0.1, 0.3, 0.6, 0.8, 0.9])
def test_surrogate_minimisers_match_their_closed_forms(prob):
    grid = np.linspace(-5, 5, 200001)
    plus = np.ones_like(grid)
    closed = {
        losses.log_loss: np.log(prob / (1 - prob)),
        losses.exponential_loss: 0.5 * np.log(prob / (1 - prob)),
        losses.squared_hinge: 2 * prob - 1,
        losses.hinge: np.sign(2 * prob - 1),
    }
    for phi, best in closed.items():
        risk = prob * phi(plus, grid, reduction="none") + (1 - prob) * phi(plus, -grid, reduction="none")
        found = grid[np.argmin(risk)]
        assert found == pytest.approx(best, abs=1e-4), phi.__name__
        assert np.sign(found) == np.sign(2 * prob - 1)  # calibrated
    assert 1 / (1 + np.exp(-np.log(prob / (1 - prob)))) == pytest.approx(prob)  # the logistic link


@pytest.mark.frameworks
def test_clipped_bce_gradients_with_respect_to_p_and_to_the_logit():
    torch = pytest.importorskip("torch")
    import torch.nn.functional as F

    labels = torch.tensor([1.0, 0.0], dtype=torch.float64)  # two saturated wrong answers
    p = torch.tensor([0.0, 1.0], dtype=torch.float64, requires_grad=True)
    F.binary_cross_entropy(p, labels, reduction="sum").backward()
    assert p.grad.tolist() == pytest.approx([-1e12, 1e12])
    x = torch.tensor([-1e4, 1e4], dtype=torch.float64, requires_grad=True)
    F.binary_cross_entropy(torch.sigmoid(x), labels, reduction="sum").backward()
    assert x.grad.tolist() == [0.0, 0.0]
    x2 = torch.tensor([-1e4, 1e4], dtype=torch.float64, requires_grad=True)
    F.binary_cross_entropy_with_logits(x2, labels, reduction="sum").backward()
    assert x2.grad.tolist() == [-1.0, 1.0]


@pytest.mark.frameworks
def test_keras_clip_has_zero_slope_in_p():
    pytest.importorskip("tensorflow")
    import keras
    import tensorflow as tf

    p = tf.Variable(np.array([[0.0], [1.0]]))
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(keras.losses.binary_crossentropy(np.array([[1.0], [0.0]]), p))
    assert np.all(tape.gradient(total, p).numpy() == 0.0)
    assert float(total) == pytest.approx(2 * -np.log(1e-7), rel=1e-3)


# --- chapter 8: Dice and Jaccard rank one image alike, a batch not ---------------------------------


def test_dice_and_jaccard_disagree_on_a_batch():
    def masks(tp, fp, fn, size=40):
        truth, pred = np.zeros(size), np.zeros(size)
        truth[: tp + fn] = 1
        pred[fn : fn + tp + fp] = 1
        return truth, pred

    means = {}
    for name, counts in {"P": [(10, 0, 0), (1, 0, 9)], "Q": [(8, 3, 2), (5, 3, 5)]}.items():
        truth, pred = map(np.stack, zip(*(masks(*c) for c in counts)))
        d = losses.dice(truth, pred, smooth=0.0, axis=1, reduction="none")
        j = losses.jaccard(truth, pred, smooth=0.0, axis=1, reduction="none")
        np.testing.assert_allclose(1 - j, (1 - d) / (1 + d), rtol=1e-12)  # J = D/(2 − D)
        means[name] = (d.mean(), j.mean())
    assert means["Q"][0] < means["P"][0]  # Dice prefers Q
    assert means["P"][1] < means["Q"][1]  # Jaccard prefers P


# --- chapter 6: Huber's location estimate ----------------------------------------------------------


def test_huber_location_by_bisection():
    rng = np.random.default_rng(0)
    targets = 1.0 + 0.3 * rng.normal(size=60)
    targets[:5] += rng.uniform(8.0, 12.0, size=5)

    def location(delta):
        lo, hi = targets.min(), targets.max()
        while hi - lo > 1e-13:
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if np.mean(np.clip(mid - targets, -delta, delta)) < 0 else (lo, mid)
        return 0.5 * (lo + hi)

    assert location(1.0) == pytest.approx(1.1151, abs=5e-5)
    middle = np.sort(targets)[[29, 30]]
    assert middle[0] <= location(0.01) <= middle[1]
    assert location(0.1) < np.median(targets)  # the path is not monotone
    assert location(100.0) == pytest.approx(targets.mean(), abs=1e-10)


# --- chapter 9: the temperature gradient and distillation's T² ------------------------------------


def test_distillation_gradient_scales_as_one_over_t_squared():
    rng = np.random.default_rng(8)
    z, v = rng.normal(size=4), rng.normal(size=4)
    z, v = z - z.mean(), v - v.mean()

    def softmax(u):
        e = np.exp(u - u.max())
        return e / e.sum()

    ratios = [T**2 * (softmax(z / T) - softmax(v / T)) / T / ((z - v) / 4) for T in (5.0, 20.0, 100.0)]
    errors = [np.abs(r - 1).max() for r in ratios]
    assert errors[0] > errors[1] > errors[2] and errors[2] < 0.05


# --- the form of chapters 6–10 ---------------------------------------------------------------------


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_levels_key_idea_and_references(path):
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    titles = re.findall(r"\{exercise\}\s*(.*)", text)
    assert titles and all(re.match(r"★{1,3} ", t) for t in titles), titles
    assert any(t.startswith("★★★ ") for t in titles)
    assert "```{admonition} Key idea" in text
    assert not re.search(r"Exercise\s+\{ref\}", text)


def test_notation_page_is_in_the_book():
    assert "book/notation" in (ROOT / "_toc.yml").read_text(encoding="utf-8")
    notation = (ROOT / "book" / "notation.md").read_text(encoding="utf-8")
    for symbol in (r"w_{\mathrm{FP}}", r"a_j", r"\omega", r"\alpha^\star", r"\eta"):
        assert symbol in notation


def test_bibliography_has_a_note_per_entry_and_no_tex_in_titles():
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    entries = re.split(r"(?m)^(?=@)", bib)[1:]
    assert entries
    for entry in entries:
        key = re.match(r"@\w+\{(\w+),", entry).group(1)
        assert re.search(r"(?m)^\s*note\s*=", entry), f"{key} has no note"
        title = re.search(r"(?m)^\s*title\s*=\s*\{(.*)\},?$", entry).group(1)
        assert "$" not in title and "\\" not in title.replace("{\\", ""), f"{key}: TeX in the title"
