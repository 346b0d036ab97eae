"""The compute functions behind the explorers of chapters 2 and 3, and that their widgets build."""

import warnings

import numpy as np
import pytest

from momentum_lab import landscapes, theory
from momentum_lab.widgets.momentum import DEFAULTS, explore_momentum, rate_map_data

# ------------------------------------------------------------------------------ chapter 2: explorer


@pytest.mark.parametrize("name", list(landscapes.CATALOGUE))
@pytest.mark.parametrize("nesterov", [False, True], ids=["heavy ball", "nesterov"])
def test_presets_converge_and_momentum_beats_gradient_descent(name, nesterov):
    """Every landscape has a preset, and at it momentum ends closer to the minimum than gradient descent."""
    assert name in DEFAULTS
    run = explore_momentum(name, nesterov=nesterov, steps=150)
    minimum = run["landscape"].minimum
    gd, mom = run["gd"], run["momentum"]
    assert not gd["diverged"] and not mom["diverged"]
    assert mom["losses"][-1] - minimum < gd["losses"][-1] - minimum
    assert gd["path"].shape == mom["path"].shape == (151, 2)
    assert (run["lr"], run["beta"]) == DEFAULTS[name]


def test_same_step_size_and_start_for_both_methods():
    run = explore_momentum("valley", lr=0.03, momentum=0.5, start=(-2.0, 1.0), steps=10)
    assert run["lr"] == 0.03 and run["beta"] == 0.5
    np.testing.assert_array_equal(run["gd"]["path"][0], [-2.0, 1.0])
    np.testing.assert_array_equal(run["momentum"]["path"][0], [-2.0, 1.0])
    # First step: the velocity starts at zero, so momentum's first step is gradient descent's.
    np.testing.assert_allclose(run["momentum"]["path"][1], run["gd"]["path"][1], rtol=0, atol=1e-15)


def test_momentum_zero_is_gradient_descent():
    run = explore_momentum("rosenbrock", lr=1e-3, momentum=0.0, steps=50)
    np.testing.assert_allclose(run["momentum"]["path"], run["gd"]["path"], rtol=0, atol=1e-13)


def test_heavy_ball_path_matches_the_scalar_recurrence_on_the_bowl():
    """θ_{k+1} = θ_k − η A θ_k + β(θ_k − θ_{k−1}) is the heavy ball written without a velocity."""
    lr, beta = 0.3, 0.6
    run = explore_momentum("bowl", lr, beta, steps=30)
    A = run["landscape"].A
    theta = [np.array(run["landscape"].default_start, dtype=float)]
    theta.append(theta[0] - lr * A @ theta[0])
    for _ in range(29):
        theta.append(theta[-1] - lr * A @ theta[-1] + beta * (theta[-1] - theta[-2]))
    np.testing.assert_allclose(run["momentum"]["path"], np.array(theta), rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "beta, nesterov, limit",
    [(0.0, False, 2.0), (0.9, False, 3.8), (0.5, False, 3.0), (0.9, True, 3.8 / 2.8), (0.5, True, 1.5)],
)
def test_stability_limits_on_the_bowl(beta, nesterov, limit):
    """The bowl has L = 1: the reported limit is 2(1+β) (heavy ball) or 2(1+β)/(1+2β) (Nesterov), and
    steps just below converge while steps just above diverge."""
    if beta == 0.0 and nesterov:
        pytest.skip("Nesterov needs β > 0")
    run = explore_momentum("bowl", 0.5, beta, nesterov, steps=10)
    assert run["lr_limit"] == pytest.approx(limit)
    assert run["lr_limit_gd"] == pytest.approx(2.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warnings reach the learner
        below = explore_momentum("bowl", 0.97 * limit, beta, nesterov, steps=1000)
        above = explore_momentum("bowl", 1.03 * limit, beta, nesterov, steps=1000)
    assert not below["momentum"]["diverged"]
    assert below["momentum"]["losses"][-1] < below["momentum"]["losses"][0]
    assert above["momentum"]["diverged"]
    for result in (above["gd"], above["momentum"]):
        assert np.all(np.isfinite(result["losses"])) and np.all(np.isfinite(result["path"]))


@pytest.mark.parametrize(
    "kwargs, error, phrase",
    [
        ({"lr": -0.1}, ValueError, "lr must be > 0"),
        ({"momentum": 1.0}, ValueError, "momentum must be in [0, 1)"),
        ({"momentum": "high"}, TypeError, "momentum must be a real number"),
        ({"steps": 0}, ValueError, "steps must be >= 1"),
        ({"steps": 5000}, ValueError, "steps must be <= 1000"),
        ({"nesterov": "yes"}, TypeError, "nesterov must be True or False"),
        ({"landscape": "moon"}, ValueError, "landscape must be"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, phrase):
    with pytest.raises(error, match=phrase.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
        explore_momentum(**kwargs)


# ------------------------------------------------------------------------------ chapter 3: rate map


def test_rate_map_optimum_for_kappa_100():
    """The numbers the chapter quotes: optimal heavy ball ρ = 9/11 = 0.818182 at α* = 4/(1 + 0.1)² = 3.3058,
    β* = (9/11)² = 0.669421; best gradient descent ρ = 99/101 = 0.980198."""
    data = rate_map_data(100.0)
    alpha, beta, rate = data["optimum"]
    assert alpha == pytest.approx(4 / 1.1**2)
    assert beta == pytest.approx(81 / 121)
    assert rate == pytest.approx(9 / 11)
    assert data["gd_optimum"] == pytest.approx((2 / 1.01, 99 / 101))
    assert data["kappa"] == pytest.approx(100.0)
    # No grid point beats the theoretical optimum, and the best grid point is close to it.
    assert data["best"][2] >= rate - 1e-12
    assert data["best"][2] < rate + 0.02


def test_rate_map_grid_shape_and_stability_boundary():
    data = rate_map_data(10.0, n=41)
    assert data["rates"].shape == (41, 41)
    assert data["lrs"].shape == data["momenta"].shape == data["boundary"].shape == (41,)
    stable = data["rates"] < 1
    expected = theory.is_stable(data["lrs"][None, :], data["momenta"][:, None], [0.1, 1.0])
    assert np.array_equal(stable, expected)
    np.testing.assert_allclose(data["boundary"], 2 * (1 + data["momenta"]))


def test_rate_map_only_the_extreme_eigenvalues_matter_for_the_heavy_ball():
    spread = rate_map_data(eigenvalues=[0.01, 0.05, 0.3, 0.7, 1.0], n=31)
    ends = rate_map_data(100.0, n=31)
    np.testing.assert_allclose(spread["rates"], ends["rates"], rtol=0, atol=1e-15)


def test_rate_map_nesterov():
    """Nesterov with α = 1/L and β = (√κ − 1)/(√κ + 1) has rate 1 − 1/√κ = 0.9 for κ = 100, and its
    stable step sizes stop at 2(1 + β)/((1 + 2β)L)."""
    data = rate_map_data(100.0, "nesterov", n=51)
    assert data["optimum"] == pytest.approx((1.0, 9 / 11, 0.9))
    assert theory.nesterov_rate(1.0, 9 / 11, [0.01, 1.0]) == pytest.approx(0.9)
    for beta in (0.0, 0.5, 0.9):
        limit = 2 * (1 + beta) / (1 + 2 * beta)
        assert theory.nesterov_rate(0.99 * limit, beta, [0.01, 1.0]) < 1
        assert theory.nesterov_rate(1.01 * limit, beta, [0.01, 1.0]) > 1


@pytest.mark.parametrize(
    "kwargs, error, phrase",
    [
        ({"kappa": 0.5}, ValueError, "kappa must be >= 1"),
        ({"method": "adam"}, ValueError, "method must be"),
        ({"n": 5}, ValueError, "n must be >= 11"),
        ({"n": 1000}, ValueError, "n must be <= 401"),
        ({"eigenvalues": [1.0, -1.0]}, ValueError, "eigenvalues must be positive"),
    ],
)
def test_rate_map_bad_arguments(kwargs, error, phrase):
    with pytest.raises(error, match=phrase):
        rate_map_data(**kwargs)


# ------------------------------------------------------------------------------ figures and widgets


@pytest.fixture
def agg():
    pytest.importorskip("matplotlib")
    pytest.importorskip("ipywidgets")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


def test_momentum_figure_and_widget_build(agg):
    from momentum_lab.widgets.momentum import momentum_figure, momentum_widget

    fig = momentum_figure("valley", 0.02, 0.9, steps=30)
    assert len(fig.axes) == 2
    fig = momentum_figure("bowl", 3.0, 0.9, nesterov=True, steps=30)  # diverging Nesterov: still draws
    assert "diverges" in " ".join(t.get_text() for t in fig.axes[0].get_legend().get_texts())
    widget = momentum_widget(steps=20)
    assert "Momentum explorer" in repr(widget)
    menu, lr, beta = widget.children[0].children[0].children
    menu.value = "rosenbrock"  # resets step size and momentum to the landscape's preset
    assert (lr.value, beta.value) == pytest.approx(DEFAULTS["rosenbrock"])
    assert "gradient descent" in widget.children[1].value


def test_rate_map_figure_and_widget_build(agg):
    from momentum_lab.widgets.momentum import rate_map_figure, rate_map_widget

    fig = rate_map_figure(100.0, point=(1.0, 0.5), n=41)
    assert len(fig.axes) == 2  # the map and its colour bar
    fig = rate_map_figure(10.0, "nesterov", point=(3.9, 0.2), n=41)
    legend = " ".join(t.get_text() for t in fig.axes[0].get_legend().get_texts())
    assert "diverges" in legend and "Nesterov" in legend
    widget = rate_map_widget(n=41)
    assert "Rate-map explorer" in repr(widget)
    alpha, beta = widget.children[0].children[1].children
    alpha.value, beta.value = 3.3, 0.67
    assert "rate 0.8" in widget.children[1].value and "million-fold in" in widget.children[1].value


# ------------------------------------------------------------------------------ the page's explorers


def _page(name):
    from momentum_lab.widgets.momentum import EXPLORERS

    return EXPLORERS[name]


def _json(result):
    import json

    from momentum_lab.widgets.web import to_json

    return json.loads(json.dumps(to_json(result), allow_nan=False))


def test_page_explorers_are_declared_for_the_widgets():
    assert _page("momentum").widget == "momentum_widget"
    assert _page("rate-map").widget == "rate_map_widget"
    assert _page("momentum").name == "momentum" and _page("rate-map").name == "rate-map"


def test_momentum_page_compute_is_explore_momentum_with_the_landscape_key():
    params = {"landscape": "valley", "lr": 0.02, "momentum": 0.9, "nesterov": False, "start": [-1.5, 1.0], "steps": 100}
    page = _json(_page("momentum").compute(**params))
    direct = explore_momentum(**params)
    assert page["landscape"] == "valley"
    assert set(page) == set(direct)
    assert set(page["gd"]) == set(page["momentum"]) == {"path", "losses", "diverged", "status"}
    np.testing.assert_array_equal(page["momentum"]["path"], direct["momentum"]["path"])
    assert page["lr_limit"] == direct["lr_limit"] and page["lr_limit_gd"] == direct["lr_limit_gd"]
    # The defaults are the widget's first state: the narrow bowl, its presets, 150 steps.
    first = _page("momentum").compute()
    assert first["landscape"] == "narrow bowl" and (first["lr"], first["beta"]) == DEFAULTS["narrow bowl"]
    assert len(first["gd"]["path"]) == 151
    with pytest.raises(TypeError, match="landscape must be a catalogue key"):
        _page("momentum").compute(landscape=landscapes.get("bowl"))


def test_momentum_page_sample_covers_every_control():
    rng = np.random.default_rng(0)
    samples = [_page("momentum").sample(rng) for _ in range(400)]
    assert {s["landscape"] for s in samples} == set(landscapes.CATALOGUE)
    lrs = [s["lr"] for s in samples if s["lr"] is not None]
    assert min(lrs) < 2e-4 and max(lrs) > 2.0 and any(s["lr"] is None for s in samples)
    betas = [s["momentum"] for s in samples if s["momentum"] is not None]
    assert 0.0 in betas and 0.99 in betas and all(0.0 <= b <= 0.99 for b in betas)
    assert {s["nesterov"] for s in samples} == {False, True}
    starts = np.array([s["start"] for s in samples if s["start"] is not None])
    assert starts[:, 0].min() < -3.0 and starts[:, 0].max() > 3.0
    assert starts[:, 1].min() < -1.5 and starts[:, 1].max() > 2.5
    statuses = set()
    for s in samples[:60]:
        result = _json(_page("momentum").compute(**s))  # plain JSON: no NaN or inf anywhere
        statuses |= {result["gd"]["status"], result["momentum"]["status"]}
    assert {"diverges", "converged"} <= statuses


def test_momentum_page_params_follow_the_widget_call():
    params = _page("momentum").page_params
    assert params((), {}) == {"steps": 150}
    assert params((), {"steps": 40}) == {"steps": 40}
    assert params((60,), {}) == {"steps": 60}


def test_rate_map_page_compute_adds_the_widget_status_to_rate_map_data():
    from momentum_lab.widgets.momentum import PAGE_RATE_MAP_N

    page = _json(_page("rate-map").compute(kappa=100.0, point=(3.3, 0.67)))
    data = rate_map_data(100.0, "heavy_ball", PAGE_RATE_MAP_N)
    assert set(data) < set(page) and len(page["lrs"]) == PAGE_RATE_MAP_N
    np.testing.assert_array_equal(page["rates"], data["rates"])
    assert page["rate"] == theory.heavy_ball_rate(3.3, 0.67, [0.01, 1.0])
    assert page["steps"] == theory.iterations_to(page["rate"], 1e-6) and page["steps"] < 100
    assert page["gd_steps"] == 691  # the chapter's number for κ = 100
    # The colour is blank ("nan") exactly where the rate is 1 or more.
    colour = np.array([[np.nan if v == "nan" else v for v in row] for row in page["log_steps"]])
    np.testing.assert_array_equal(np.isnan(colour), np.asarray(page["rates"]) >= 1)
    assert np.nanmax(colour) == 4.0 and np.nanmin(colour) >= 0.0
    diverging = _json(_page("rate-map").compute(kappa=10.0, method="nesterov", point=(3.9, 0.2), n=21))
    assert diverging["rate"] > 1 and diverging["steps"] == "inf" and diverging["method"] == "nesterov"
    with pytest.raises(ValueError, match="point must be two finite numbers"):
        _page("rate-map").compute(point=(1.0, float("nan")))


def test_rate_map_page_sample_and_params():
    from momentum_lab.widgets.momentum import PAGE_RATE_MAP_N

    rng = np.random.default_rng(1)
    samples = [_page("rate-map").sample(rng) for _ in range(300)]
    kappas = [s["kappa"] for s in samples]
    assert 1.0 in kappas and 1000.0 in kappas
    assert {s["method"] for s in samples} == {"heavy_ball", "nesterov"}
    points = np.array([s["point"] for s in samples])
    assert points[:, 0].min() < 0.1 and points[:, 0].max() > 3.9
    assert points[:, 1].min() < 0.02 and points[:, 1].max() > 0.97
    assert {s["n"] for s in samples} == {PAGE_RATE_MAP_N}
    _json(_page("rate-map").compute(**samples[0]))
    params = _page("rate-map").page_params
    assert params((), {}) == {"n": PAGE_RATE_MAP_N}
    assert params((), {"n": 41}) == {"n": 41}
    assert params((401,), {}) == {"n": PAGE_RATE_MAP_N}


def test_momentum_page_nudges_move_the_start_by_one_ulp():
    """Chaotic runs are compared within the library's own sensitivity to a one-ulp nudge of the start."""
    nudges = _page("momentum").nudges
    moved = nudges({"landscape": "saddle", "lr": 1.5, "start": [0.3, -0.2], "steps": 150})
    assert len(moved) == 4 and all(m["lr"] == 1.5 for m in moved)
    for m in moved:
        gaps = np.abs(np.array(m["start"]) - [0.3, -0.2])
        assert np.count_nonzero(gaps) == 1 and gaps.max() <= np.spacing(0.3)
    preset = nudges({"landscape": "valley", "start": None})  # the landscape's default start, nudged
    default = landscapes.get("valley").default_start
    assert len(preset) == 4
    np.testing.assert_allclose(preset[0]["start"], default, rtol=1e-15)
