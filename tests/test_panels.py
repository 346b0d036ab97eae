"""The one-figure-per-panel figures of chapters 6–10: how many, how wide, how large their text is."""

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from momentum_lab import models, panels, plotting  # noqa: E402
from momentum_lab.widgets.losses import disc_probabilities  # noqa: E402


@pytest.fixture(autouse=True)
def course_style():
    plotting.use_course_style()
    yield
    plt.close("all")


def text_sizes(fig):
    fig.canvas.draw()
    return [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def check(figures, count):
    assert len(figures) == count
    for fig in figures:
        width, height = fig.get_size_inches()
        assert 0 < width <= 7.5 and 0 < height <= 7.5
        assert len(fig.axes) == 1, "one panel per figure"
        sizes = text_sizes(fig)
        assert sizes, "a panel with no text at all"
        assert min(sizes) >= plotting.MIN_FONT_SIZE, sizes


@pytest.mark.parametrize("family", ["regression", "classification"])
def test_loss_panels(family):
    figures = panels.loss_panels(family, point=0.5)
    check(figures, 3)
    # every curve of the loss panel is in the palette, and the legend names each loss once
    labels = [t.get_text() for t in figures[0].axes[0].get_legend().get_texts()]
    assert len(labels) == len(set(labels)) >= 4
    for line in figures[1].axes[0].get_lines():
        color = line.get_color()
        assert color in plotting.PALETTE or color in ("0.4",), color


def test_overlap_and_segmentation_panels():
    g = disc_probabilities(16, (8, 8), 4.0)
    check(panels.overlap_panels(g, {"same": g, "shifted": disc_probabilities(16, (8, 10), 4.0)}), 2)
    check(panels.segmentation_panels(shift=2.0, radius=7.0, softness=1.0), 3)
    with pytest.raises(TypeError, match="predictions"):
        panels.overlap_panels(g, [g])


def test_capstone_and_decision_panels():
    check(panels.capstone_panels(steps=60, scan_points=3), 2)
    X, y = models.make_moons(n=40, noise=0.15, seed=0)
    check(
        panels.decision_panels(
            X, y, [("one", lambda P: 1 / (1 + np.exp(-P[:, 0]))), ("two", lambda P: np.full(len(P), 0.3))], n=21
        ),
        2,
    )
    with pytest.raises(ValueError, match="panels"):
        panels.decision_panels(X, y, [])


def test_mlp_panels():
    rate = models.Rate(rate=0.9, start=2, stop=20)
    distances = 0.9 ** np.arange(30.0)
    figures = panels.mlp_panels(
        {"run": (distances, rate, {"predicted": 0.9})},
        ([0, 5, 10, 29], [-0.1, 0.0, 0.01, 0.01], [0.9, 0.7, 0.6, 0.6]),
        stability_limit=0.74,
        mu_star=0.003,
        L_star=0.7,
    )
    check(figures, 2)
    with pytest.raises(TypeError, match="runs"):
        panels.mlp_panels([], ([0], [0], [0]), stability_limit=1, mu_star=0, L_star=1)
