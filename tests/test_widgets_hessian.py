"""The Hessian explorer of chapter 5: its compute function, and that the figure and widget build."""

import numpy as np
import pytest

from momentum_lab import landscapes
from momentum_lab.widgets.hessian import (
    DEFAULT_POINT,
    curvature_kind,
    describe,
    local_quadratic,
    slices,
)

# Hessians worked by hand from the formulas in momentum_lab/landscapes.py.
#   saddle f = x⁴/4 − x²/2 + y²/2:          H = diag(3x² − 1, 1)
#     (0, 0): diag(−1, 1)  -> indefinite;  (1, 0): diag(2, 1) -> positive definite
#     (1/√3, 0.4): 3·(1/3) − 1 = 0         -> singular
#   Rosenbrock f = (1 − x)² + 100(y − x²)²: H = [[2 − 400(y − x²) + 800x², −400x], [−400x, 200]]
#     (1, 1): [[802, −400], [−400, 200]]; trace 1002, det 802·200 − 400² = 400,
#     λ = 501 ± √(501² − 400) = 501 ± 500.6006..., i.e. 0.39936..., 1001.6006...
#     (0, 1): [[2 − 400, 0], [0, 200]] = diag(−398, 200) -> indefinite
_ROOT = np.sqrt(501.0**2 - 400.0)
CASES = [
    ("saddle", (0.0, 0.0), [-1.0, 1.0], "indefinite"),
    ("saddle", (1.0, 0.0), [1.0, 2.0], "positive definite"),
    ("saddle", (-1.0, 0.0), [1.0, 2.0], "positive definite"),
    ("saddle", (1 / np.sqrt(3.0), 0.4), [0.0, 1.0], "singular"),
    ("rosenbrock", (1.0, 1.0), [501.0 - _ROOT, 501.0 + _ROOT], "positive definite"),
    ("rosenbrock", (0.0, 1.0), [-398.0, 200.0], "indefinite"),
    ("bowl", (0.3, -0.2), [0.1, 1.0], "positive definite"),
    ("narrow bowl", (0.0, 0.0), [1 / 50, 1.0], "positive definite"),
]


@pytest.mark.parametrize("name, point, eigenvalues, kind", CASES)
def test_eigenvalues_and_kind_match_hand_values(name, point, eigenvalues, kind):
    frame = local_quadratic(name, point)
    np.testing.assert_allclose(frame["eigenvalues"], eigenvalues, rtol=1e-10, atol=1e-12)
    assert frame["kind"] == kind


@pytest.mark.parametrize("name", sorted(landscapes.CATALOGUE))
def test_eigenvectors_are_orthonormal_and_diagonalise_the_hessian(name):
    frame = local_quadratic(name)
    H, lam, V = frame["hessian"], frame["eigenvalues"], frame["eigenvectors"]
    np.testing.assert_allclose(V.T @ V, np.eye(2), atol=1e-12)
    np.testing.assert_allclose(H @ V, V * lam, atol=1e-9 * max(1.0, np.abs(lam).max()))
    assert np.all(np.diff(lam) >= 0)
    for i in range(2):  # deterministic orientation: first nonzero entry non-negative
        first = V[:, i][np.abs(V[:, i]) > 1e-12][0]
        assert first > 0


@pytest.mark.parametrize("name", sorted(landscapes.CATALOGUE))
def test_model_agrees_with_f_to_second_order(name):
    # m(p + d) − f(p + d) = O(|d|³): halving the window divides the worst gap by about 8.
    gaps = []
    for radius in (0.02, 0.01):
        frame = local_quadratic(name, radius=radius, n=11)
        gaps.append(np.abs(frame["model"] - frame["true"]).max())
        centre = frame["model"][5, 5]
        assert centre == pytest.approx(frame["value"])
        np.testing.assert_allclose(frame["window"][5, 5], frame["point"])
    if gaps[0] > 1e-12:  # quadratics are modelled exactly
        assert 6.0 < gaps[0] / gaps[1] < 10.0


def test_slices_along_the_eigenvectors():
    frame = local_quadratic("rosenbrock", (-0.5, 1.0), radius=0.3)
    t, true, model = slices(frame, n=7)
    assert t.shape == (7,) and true.shape == model.shape == (2, 7)
    V, lam, g = frame["eigenvectors"], frame["eigenvalues"], frame["grad"]
    for i in range(2):
        points = frame["point"] + t[:, None] * V[:, i]
        np.testing.assert_allclose(true[i], frame["landscape"].value(points) - frame["value"])
        np.testing.assert_allclose(model[i], t * (g @ V[:, i]) + 0.5 * lam[i] * t**2)
    np.testing.assert_allclose(true[:, 3], 0.0, atol=1e-12)  # t = 0 is the point itself


def test_model_is_exact_on_a_quadratic():
    frame = local_quadratic("narrow bowl", (1.0, -1.5))
    np.testing.assert_allclose(frame["model"], frame["true"], atol=1e-12)


def test_gradient_and_hessian_match_finite_differences():
    surface = landscapes.Rosenbrock()
    p = np.array([-0.7, 0.4])
    frame = local_quadratic(surface, p)
    h = 1e-5
    e = np.eye(2)
    fd_grad = [(surface.value(p + h * e[i]) - surface.value(p - h * e[i])) / (2 * h) for i in range(2)]
    fd_hess = np.array([(surface.grad(p + h * e[i]) - surface.grad(p - h * e[i])) / (2 * h) for i in range(2)])
    np.testing.assert_allclose(frame["grad"], fd_grad, rtol=1e-7)
    np.testing.assert_allclose(frame["hessian"], fd_hess, rtol=1e-7)


def test_condition_and_newton_step():
    frame = local_quadratic("rosenbrock", (1.0, 1.0))
    assert frame["condition"] == pytest.approx((501 + _ROOT) / (501 - _ROOT))
    np.testing.assert_allclose(frame["newton_step"], [0.0, 0.0], atol=1e-12)  # a critical point
    # On a quadratic one Newton step lands on the minimizer.
    frame = local_quadratic("bowl", (0.8, -0.6))
    np.testing.assert_allclose(frame["point"] + frame["newton_step"], [0.0, 0.0], atol=1e-12)
    singular = local_quadratic("saddle", (1 / np.sqrt(3.0), 0.0))
    assert singular["newton_step"] is None and singular["condition"] == float("inf")


@pytest.mark.parametrize(
    "eigenvalues, kind",
    [
        ([1.0, 2.0], "positive definite"),
        ([-3.0, -0.5], "negative definite"),
        ([-1.0, 4.0], "indefinite"),
        ([0.0, 4.0], "singular"),
        ([1e-13, 1.0], "singular"),
        ([1e-6, 1.0], "positive definite"),
    ],
)
def test_curvature_kind(eigenvalues, kind):
    assert curvature_kind(eigenvalues) == kind


def test_defaults_and_description_are_stable_text():
    for name in landscapes.CATALOGUE:
        assert name in DEFAULT_POINT
        frame = local_quadratic(name)
        np.testing.assert_allclose(frame["point"], DEFAULT_POINT[name])
    text = describe(local_quadratic("saddle", (0.0, 0.0)))
    assert text.startswith("at (0.00, 0.00): λ₁ = -1, λ₂ = 1,")
    assert "indefinite" in text and "saddle" in text


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"landscape": "moon"}, ValueError, "landscape must be"),
        ({"point": (1.0, 2.0, 3.0)}, ValueError, "point must have shape (2,)"),
        ({"point": "here"}, TypeError, "point must be array-like"),
        ({"radius": -1.0}, ValueError, "radius must be > 0"),
        ({"n": 2}, ValueError, "n must be"),
        ({"landscape": landscapes.quadratic_bowl(dim=3)}, ValueError, "two-dimensional"),
    ],
)
def test_bad_input_names_the_argument(kwargs, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        local_quadratic(**kwargs)


def test_figure_and_widget_build():
    pytest.importorskip("matplotlib")
    pytest.importorskip("ipywidgets")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from momentum_lab.widgets.hessian import hessian_figure, hessian_widget

    fig = hessian_figure("rosenbrock", (1.0, 1.0))
    assert len(fig.axes) == 2
    plt.close(fig)
    widget = hessian_widget("saddle")
    assert repr(widget) == "Hessian explorer (interactive: move the sliders in a running notebook)"
    controls, status, _ = widget.children
    menu, sliders = controls.children
    assert "indefinite" in status.value
    menu.value = "rosenbrock"  # the sliders move to the new landscape's window and default point
    x, y = sliders.children
    assert (x.min, x.max, y.min, y.max) == (-2.0, 2.0, -1.0, 3.0)
    assert (x.value, y.value) == DEFAULT_POINT["rosenbrock"]
    x.value, y.value = 1.0, 1.0
    assert "positive definite" in status.value
    plt.close("all")


# ------------------------------------------------------------------------------ the page's explorer


def _page():
    from momentum_lab.widgets.hessian import EXPLORERS

    return EXPLORERS["hessian"]


def _json(result):
    import json

    from momentum_lab.widgets.web import to_json

    return json.loads(json.dumps(to_json(result), allow_nan=False))


def test_page_compute_is_local_quadratic_with_the_widget_text_and_slices():
    page = _json(_page().compute(landscape="rosenbrock", point=[-0.5, 1.0]))
    frame = local_quadratic("rosenbrock", (-0.5, 1.0))
    assert _page().widget == "hessian_widget"
    assert page["landscape"] == "rosenbrock"
    assert set(page) == set(frame) | {"describe", "levels", "slices"}
    assert page["describe"] == describe(frame)
    np.testing.assert_array_equal(page["eigenvectors"], frame["eigenvectors"])
    np.testing.assert_array_equal(page["model"], frame["model"])
    t, true, model = slices(frame)
    np.testing.assert_array_equal(page["slices"]["t"], t)
    np.testing.assert_array_equal(page["slices"]["true"], true)
    assert page["slices"]["scale"] == max(np.abs(true).max(), np.abs(model).max())
    levels = np.array(page["levels"])  # nine increasing levels inside the model's range
    assert levels.shape == (9,) and np.all(np.diff(levels) > 0)
    assert np.min(page["model"]) < levels[0] and levels[-1] < np.max(page["model"])
    # A singular point: no Newton step, an infinite condition number, both as JSON.
    singular = _json(_page().compute(landscape="saddle", point=[1 / np.sqrt(3.0), 0.0]))
    assert singular["newton_step"] is None and singular["condition"] == "inf"
    assert singular["kind"] == "singular"
    assert _page().compute()["landscape"] == "saddle"  # the widget's first state
    with pytest.raises(TypeError, match="landscape must be a catalogue key"):
        _page().compute(landscape=landscapes.get("bowl"))


def test_page_sample_covers_every_landscape_and_telling_points():
    rng = np.random.default_rng(0)
    samples = [_page().sample(rng) for _ in range(300)]
    assert {s["landscape"] for s in samples} == set(landscapes.CATALOGUE)
    assert any(s["point"] is None for s in samples)
    # Every landscape's H has a positive diagonal entry (∂²f/∂y² = c, 10 or 200), so no dome occurs.
    kinds = {_json(_page().compute(**s))["kind"] for s in samples[:120]}
    assert kinds == {"positive definite", "indefinite", "singular"}
    for s in samples:
        if s["point"] is None:
            continue
        (x0, x1), (y0, y1) = landscapes.get(s["landscape"]).bounds
        assert x0 <= s["point"][0] <= x1 and y0 <= s["point"][1] <= y1


def test_page_params_follow_the_widget_call():
    params = _page().page_params
    assert params(("saddle",), {}) == {"landscape": "saddle"}
    assert params((), {"landscape": "valley", "point": (0.5, 1)}) == {"landscape": "valley", "point": [0.5, 1.0]}
    assert params((), {}) == {}
