"""The chapter-1 explorer's compute function (the part of a widget a test can call)."""

import warnings

import numpy as np
import pytest

from momentum_lab import landscapes
from momentum_lab.widgets.gradient_descent import DEFAULT_LR, explore_gd


@pytest.mark.parametrize("name", list(landscapes.CATALOGUE))
def test_default_step_size_converges_on_every_landscape(name):
    run = explore_gd(name, DEFAULT_LR[name], steps=200)
    assert not run["diverged"]
    gap = run["losses"] - run["landscape"].minimum
    assert gap[-1] < gap[0]


@pytest.mark.parametrize("lr, diverged", [(1.9, False), (2.1, True), (40.0, True)])
def test_divergence_beyond_two_over_L_is_reported_and_nothing_is_infinite(lr, diverged):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warnings leak to the learner
        run = explore_gd("bowl", lr, steps=300)
    assert run["lr_limit"] == pytest.approx(2.0)
    assert run["diverged"] == diverged
    assert np.all(np.isfinite(run["losses"])) and np.all(np.isfinite(run["path"]))


def test_figure_and_widget_build():
    pytest.importorskip("matplotlib")
    pytest.importorskip("ipywidgets")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from momentum_lab.widgets.gradient_descent import gd_figure, gd_widget

    fig = gd_figure("valley", (0.01, 0.05, 0.2))
    assert len(fig.axes) == 2
    plt.close(fig)
    widget = gd_widget(steps=20)
    assert "Gradient-descent explorer" in repr(widget)
    menu = widget.children[0].children[0].children[0]
    menu.value = "rosenbrock"  # resets start point and step size to the landscape's defaults
    lr = widget.children[0].children[0].children[1]
    assert lr.value == pytest.approx(DEFAULT_LR["rosenbrock"])
    plt.close("all")


@pytest.mark.parametrize("lr, status", [(0.0019, "converging"), (0.0020, "oscillates"), (0.0025, "diverges")])
def test_rosenbrock_just_above_two_over_L_oscillates_instead_of_converging(lr, status):
    """Chapter 1's Rosenbrock exercise: 0.0020 is above 2/L(θ*) = 0.0019968 and never converges, although
    after 2000 steps its gap (4.6e-5) looks small and nothing blows up."""
    run = explore_gd("rosenbrock", lr, steps=2000)
    # Hessian at (1, 1) is [[802, -400], [-400, 200]]: L = 501 + √(301² + 400²) = 1001.6006...
    assert run["lr_limit"] == pytest.approx(2 / (501 + np.sqrt(301**2 + 400**2)), rel=1e-12)
    assert run["status"] == status
    assert run["diverged"] == (status == "diverges")
    if status == "oscillates":
        gap = run["losses"][-1]
        assert 1e-5 < gap < 1e-4  # small, which is why the flag cannot be read off the loss
        # ... but it never converges: ten times as many steps end further from the minimum, in a two-step
        # oscillation whose successive steps point opposite ways.
        longer = explore_gd("rosenbrock", lr, steps=20_000)
        assert longer["status"] == "oscillates" and longer["losses"][-1] > 10 * gap
        steps = np.diff(longer["path"][-3:], axis=0)
        assert steps[0] @ steps[1] < 0


def test_a_run_that_reaches_the_minimum_is_converged():
    run = explore_gd("bowl", 0.5, steps=400)
    assert run["status"] == "converged"
    assert run["losses"][-1] - run["landscape"].minimum <= 1e-12 * (run["losses"][0] - run["landscape"].minimum)
