"""The chapter-10 explorer's compute functions (what its sliders call), and that its figures and widget build."""

import numpy as np
import pytest

from momentum_lab import models, theory
from momentum_lab.widgets import capstone as cw


@pytest.fixture(scope="module")
def problem():
    return cw.logistic_problem()


def test_problem_is_tuned_from_the_hessian_at_the_minimiser(problem):
    model = problem.model
    assert np.linalg.norm(model.grad_by_hand(problem.theta_star)) < 1e-13
    eigenvalues = np.linalg.eigvalsh(model.hessian(problem.theta_star))
    assert (problem.mu, problem.L) == pytest.approx((eigenvalues[0], eigenvalues[-1]), rel=1e-12)
    assert (problem.lr_star, problem.momentum_star, problem.rate_star) == pytest.approx(
        theory.optimal_momentum(problem.mu, problem.L)
    )
    assert problem.rate_star == pytest.approx(np.sqrt(problem.momentum_star))
    assert problem.kappa == pytest.approx(problem.L / problem.mu)
    assert 20 < problem.kappa < 200  # the chapter's numbers: momentum matters, and runs stay short


def test_fast_gradient_matches_autodiff(problem):
    theta = problem.theta0 + 0.5
    np.testing.assert_allclose(problem.model.grad_by_hand(theta), problem.model.grad(theta), rtol=1e-12, atol=1e-15)


def test_tuned_run_converges_at_the_predicted_rate(problem):
    run = cw.momentum_run(problem, problem.lr_star, problem.momentum_star, 200)
    assert run["converged"]
    assert run["predicted"] == pytest.approx(problem.rate_star, rel=1e-6)
    assert run["measured"].rate == pytest.approx(run["predicted"], rel=0.03)


@pytest.mark.parametrize("lr_scale, momentum_scale", [(0.5, 0.0), (0.5, 0.5), (0.5, 1.2), (1.0, 1.25)])
def test_measured_rates_follow_the_prediction(problem, lr_scale, momentum_scale):
    run = cw.momentum_run(problem, problem.lr_star * lr_scale, problem.momentum_star * momentum_scale, 400)
    assert run["converged"]
    assert run["measured"].rate == pytest.approx(run["predicted"], rel=0.03)


def test_unstable_pair_does_not_converge_and_stays_finite(problem):
    # α* without momentum: α*·L = (1 + √β*)² > 2, beyond gradient descent's limit.
    assert problem.lr_star * problem.L > 2
    run = cw.momentum_run(problem, problem.lr_star, 0.0, 200)
    assert run["predicted"] > 1 and not run["converged"]
    assert np.all(np.isfinite(run["distances"]))


def test_blow_up_is_cut_before_infinity():
    # A quadratic "gradient" that explodes: the loop stops and returns only finite iterates.
    iterates = cw.heavy_ball_iterates(lambda th: 10.0 * th, np.ones(3), 1.0, 0.5, 400)
    assert len(iterates) < 401 and np.all(np.isfinite(iterates))


def test_rate_scan_shapes(problem):
    scan = cw.rate_scan(problem, problem.lr_star * 0.5, [0.0, 1.0], steps=100)
    assert set(scan) == {"momenta", "measured", "predicted", "converged"}
    assert all(len(v) == 2 for v in scan.values())
    np.testing.assert_allclose(scan["momenta"], [0.0, problem.momentum_star])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda p: cw.momentum_run(p, 0.0, 0.5), "lr must be > 0"),
        (lambda p: cw.momentum_run(p, 1.0, 1.0), r"momentum must be in \[0, 1\)"),
        (lambda p: cw.momentum_run(p, 1.0, 0.5, steps=1), "steps must be >= 2"),
    ],
)
def test_bad_arguments(problem, call, message):
    with pytest.raises(ValueError, match=message):
        call(problem)


def test_figures_and_widget_build(problem):
    pytest.importorskip("matplotlib")
    pytest.importorskip("ipywidgets")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = cw.capstone_figure(problem, steps=80, scan_points=5)
    assert len(fig.axes) == 2
    plt.close(fig)

    widget = cw.capstone_widget(problem, steps=80)
    assert repr(widget).startswith("Momentum tuned by curvature, on logistic regression")
    lr_scale, momentum_scale = widget.children[0].children
    status, image = widget.children[1], widget.children[2]
    first = image.value
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    assert "predicted rate 0.7772" in status.value
    momentum_scale.value = 1.2
    assert "(1.20 β*)" in status.value and image.value != first
    lr_scale.value = 2.0
    assert "the run does not converge" in status.value

    distances = np.geomspace(1.0, 1e-12, 50)
    fig = cw.mlp_figure(
        {"run": (distances, models.measured_rate(distances), {"predicted": 0.6})},
        ([0, 10, 49], [-0.5, -0.1, 0.01], [0.9, 0.7, 0.6]),
        stability_limit=0.74,
        mu_star=0.003,
        L_star=0.74,
    )
    assert len(fig.axes) == 2
    plt.close(fig)
    model = problem.model
    X, y = models.make_moons(200, 0.15, seed=0)
    fig = cw.decision_figure(
        X,
        y,
        [
            (
                "logistic",
                lambda pts: model.predict_proba(problem.theta_star, models.polynomial_features(pts, 3, reference=X)),
            )
        ],
        n=21,
    )
    assert len(fig.axes) == 1
    plt.close("all")


# --------------------------------------------------------------------------- the page's explorer


def test_page_explorer_is_the_widgets_run(problem):
    import json

    from momentum_lab.widgets import web

    result = web.compute("capstone", {"lr_scale": 0.8, "momentum_scale": 1.2, "steps": 200})
    json.dumps(result, allow_nan=False)
    lr, momentum = problem.lr_star * 0.8, problem.momentum_star * 1.2
    assert result["lr"] == lr and result["momentum"] == momentum
    run = cw.momentum_run(problem, lr, momentum, 200)
    np.testing.assert_array_equal(result["run"]["distances"], run["distances"])
    assert result["run"]["measured"] == {
        "rate": run["measured"].rate,
        "start": run["measured"].start,
        "stop": run["measured"].stop,
    }
    assert result["run"]["predicted"] == run["predicted"] and result["run"]["converged"] == run["converged"]
    np.testing.assert_array_equal(result["scales"], np.linspace(0.0, 1.6, 161))
    np.testing.assert_array_equal(result["curve"], cw._predicted_curve(problem, lr, np.linspace(0.0, 1.6, 161)))
    reference = cw.momentum_run(problem, problem.lr_star, problem.momentum_star, 200)
    np.testing.assert_array_equal(result["reference"]["distances"], reference["distances"])
    assert set(result["gd"]) == {"distances", "predicted"}
    # The widget caps the momentum below 1, and so does the page.
    assert web.compute("capstone", {"lr_scale": 1.0, "momentum_scale": 1e3, "steps": 5})["momentum"] == 0.999


def test_page_data_rebuild_the_problem(problem):
    from momentum_lab.widgets import web

    data = web.page_data("capstone")
    X1 = np.concatenate([np.array(data["X"]), np.ones((len(data["y"]), 1))], axis=1)
    np.testing.assert_array_equal(X1, problem.model._X1)
    np.testing.assert_array_equal(data["theta0"], problem.theta0)
    np.testing.assert_array_equal(data["theta_star"], problem.theta_star)
    assert (data["mu"], data["L"], data["lr_star"], data["momentum_star"]) == (
        problem.mu,
        problem.L,
        problem.lr_star,
        problem.momentum_star,
    )
    # The page computes the gradient from these numbers: the same formula gives the library's gradient.
    theta = problem.theta0 + 0.1
    z = X1 @ theta
    grad = X1.T @ (np.exp(-np.logaddexp(0.0, -z)) - np.array(data["y"])) / len(data["y"]) + data["l2"] * theta
    np.testing.assert_allclose(grad, problem.model.grad_by_hand(theta), rtol=0, atol=1e-15)


def test_page_samples_cover_both_sliders_and_nudges_stay_valid():
    rng = np.random.default_rng(3)
    explorer = cw.EXPLORERS["capstone"]
    samples = [explorer.sample(rng) for _ in range(300)]
    lr = np.array([s["lr_scale"] for s in samples])
    beta = np.array([s["momentum_scale"] for s in samples])
    assert lr.min() == 0.1 and lr.max() == 2.0 and beta.min() == 0.0 and beta.max() == 1.6
    assert {"lr_scale": 1.0, "momentum_scale": 1.0, "steps": 200} in samples
    nudged = explorer.nudges({"lr_scale": 1.0, "momentum_scale": 0.0, "steps": 200})
    assert len(nudged) == 3 and all(n["momentum_scale"] >= 0 for n in nudged)
    assert {n["lr_scale"] for n in nudged} == {np.nextafter(1.0, 0.0), 1.0, np.nextafter(1.0, 2.0)}
    assert explorer.page_params((object(),), {}) == {"steps": 200}
    assert explorer.page_params((), {"steps": 120}) == {"steps": 120}


def test_unstable_runs_are_chaotic_and_stable_ones_are_not():
    """Why the page is compared within the run's own sensitivity where α is large: a one-ulp nudge of α
    moves the library's own run by a sizeable fraction, while at the tuned pair it moves nothing visible."""
    from momentum_lab.widgets import web

    def sensitivity(params):
        return web.sensitivity("capstone", params)

    assert sensitivity({"lr_scale": 1.7, "momentum_scale": 1.1, "steps": 200}) > 1e-3
    expected = web.compute("capstone", {"lr_scale": 0.6, "momentum_scale": 1.0, "steps": 200})
    for moved in cw.EXPLORERS["capstone"].nudges({"lr_scale": 0.6, "momentum_scale": 1.0, "steps": 200}):
        other = web.compute("capstone", moved)
        difference, _ = web.compare(expected["run"]["distances"], other["run"]["distances"], 1.0)
        assert difference < 1e-13
