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
