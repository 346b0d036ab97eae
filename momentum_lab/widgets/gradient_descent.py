"""Chapter 1's explorer: gradient descent on a landscape, with a step size, a landscape and a start point.

``explore_gd`` computes everything a frame shows; ``gd_figure`` draws it; ``gd_widget`` wires sliders to
both. Only ``gd_figure`` and ``gd_widget`` import matplotlib and ipywidgets.

Every argument is checked: a landscape that is not in the catalogue, a step size that is not a number
≥ 0, a start point of the wrong shape or with NaN, a number of steps that is not an integer ≥ 0, a
``fig`` that is not a matplotlib Figure raise ValueError/TypeError naming the argument.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from momentum_lab import landscapes
from momentum_lab._validate import as_float_array, positive_int
from momentum_lab.optim import GradientDescent
from momentum_lab.widgets._base import check_figure, landscape_run, start_point

#: A step size that works on each landscape of the catalogue, the explorer's starting value.
DEFAULT_LR = {"bowl": 0.5, "narrow bowl": 1.0, "valley": 0.05, "rosenbrock": 0.001, "saddle": 0.3}


def explore_gd(
    landscape: str | landscapes.Landscape = "bowl", lr: float = 0.5, start: npt.ArrayLike | None = None, steps: int = 60
) -> dict[str, Any]:
    """Run gradient descent and return what the explorer draws.

    Returns a dict with the landscape object, the iterates ``path`` (k+1, 2), the losses ``f(θ_k)``,
    ``diverged``, ``status`` (see :func:`~momentum_lab.widgets._base.landscape_run`: ``"converged"``,
    ``"converging"``, ``"oscillates"`` or ``"diverges"``) and ``lr_limit``, the largest stable step size
    2/L at the (first) minimum, from the Hessian there. A diverging run's path and losses stop at the last
    iterate whose loss is finite and below 10⁹ times the starting gap, so nothing plotted is inf or NaN.

    ``start`` must be None (the landscape's default start) or a finite point of shape (2,); ``lr`` a
    number ≥ 0 (0 stays put); ``steps`` an integer ≥ 0 (0: the start point alone).
    """
    surface = landscapes.resolve(landscape)
    x0 = start_point(surface, start)
    curvature = np.linalg.eigvalsh(surface.hessian(surface.minimizers[0]))
    lr_limit = float(2.0 / curvature[-1])
    run = landscape_run(surface, GradientDescent(lr), x0, steps, lr_limit=lr_limit)
    return {
        "landscape": surface,
        **run,
        "lr_limit": lr_limit,
    }


def gd_figure(
    landscape: str | landscapes.Landscape = "bowl",
    lrs: Sequence[float] = (0.5,),
    start: npt.ArrayLike | None = None,
    steps: int = 60,
    *,
    fig: Any = None,
) -> Any:
    """Contour plot with the path of each step size in ``lrs`` and, beside it, f(θ_k) − f* on a log scale.

    ``lrs`` must be a non-empty 1-d sequence of step sizes; the other arguments are as in
    :func:`explore_gd`; ``fig`` None (a new figure) or a matplotlib Figure to draw on.
    """
    import matplotlib.pyplot as plt

    from momentum_lab import plotting

    lrs = [float(lr) for lr in as_float_array(lrs, "lrs", ndim=1)]
    if check_figure(fig) is None:
        fig = plt.figure()
    ax_path, ax_loss = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1]})
    surface = landscapes.resolve(landscape)
    plotting.contour(ax_path, surface)
    for i, lr in enumerate(lrs):
        run = explore_gd(surface, lr, start, steps)
        color = plotting.PALETTE[i % len(plotting.PALETTE)]
        style = plotting.LINESTYLES[i % len(plotting.LINESTYLES)]
        label = f"η = {lr:.4g}" + ("" if run["status"] in ("converged", "converging") else f" ({run['status']})")
        plotting.path(ax_path, run["path"], label=label, color=color, linestyle=style)
        plotting.loss_curve(ax_loss, run["losses"], minimum=surface.minimum, label=label, color=color, linestyle=style)
    ax_path.set_title(surface.name)
    ax_loss.set_title(f"distance to the minimum value (2/L = {run['lr_limit']:.3g})")
    ax_loss.legend(loc="best")
    fig.tight_layout()
    return fig


def gd_widget(steps: int = 60) -> Any:
    """Sliders for the step size and start point and a landscape menu.

    The contours are drawn once per landscape; a slider move recomputes the run and redraws only the
    path and the loss curve (see :class:`~momentum_lab.widgets._base.BlitFigure`). ``steps`` must be an
    integer ≥ 1.
    """
    steps = positive_int(steps, "steps")
    import ipywidgets as w

    from momentum_lab import plotting
    from momentum_lab.widgets._base import PathPanel, figure_image, titled_box

    names = list(landscapes.CATALOGUE)
    menu = w.Dropdown(options=names, value="bowl", description="landscape")
    lr = w.FloatLogSlider(
        value=DEFAULT_LR["bowl"],
        base=10,
        min=-3,
        max=0.5,
        step=0.01,
        description="step size η",
        readout_format=".4f",
        continuous_update=False,
    )
    x0 = w.FloatSlider(value=-1.5, min=-2.0, max=2.0, step=0.05, description="start θ₁", continuous_update=False)
    y0 = w.FloatSlider(value=1.5, min=-2.0, max=2.0, step=0.05, description="start θ₂", continuous_update=False)
    status = w.HTML()
    image = figure_image()
    panel = PathPanel(steps, [("gd", None, plotting.PALETTE[0], "-")])
    state = {"resetting": False}

    def redraw(_=None):
        if state["resetting"]:
            return
        run = explore_gd(panel.surface, lr.value, (x0.value, y0.value), steps)
        gap = panel.show("gd", run["path"], run["losses"])
        image.value = panel.image_bytes()
        verdict = (
            run["status"]
            if run["status"] in ("diverges", "oscillates")
            else f"{run['status']}: f − f* after {steps} steps: {gap[-1]:.2e}"
        )
        status.value = f"η = {lr.value:.4g}; 2/L at the minimum = {run['lr_limit']:.4g}: {verdict}"

    def change_landscape(change):
        state["resetting"] = True
        panel.build(landscapes.get(change["new"]))
        surface = panel.surface
        (a, b), (c, d) = surface.bounds
        x0.min, x0.max, y0.min, y0.max = min(a, -2.0), max(b, 2.0), min(c, -2.0), max(d, 2.0)
        x0.value, y0.value = surface.default_start
        lr.value = DEFAULT_LR.get(change["new"], lr.value)
        state["resetting"] = False
        redraw()

    panel.build(landscapes.get(menu.value))
    menu.observe(change_landscape, names="value")
    for control in (lr, x0, y0):
        control.observe(redraw, names="value")
    redraw()
    controls = w.HBox([w.VBox([menu, lr]), w.VBox([x0, y0])])
    return titled_box([controls, status, image], "Gradient-descent explorer")


# ---------------------------------------------------------------------------------- the page's explorer


def _web_compute(landscape="bowl", lr=0.5, start=None, steps=60):
    """:func:`explore_gd` as the page's ``compute`` returns it: the landscape by its catalogue key."""
    if not isinstance(landscape, str):
        raise TypeError(f"landscape must be a catalogue key on the page; got {type(landscape).__name__}")
    return {**explore_gd(landscape, lr, start, steps), "landscape": landscape}


def _web_sample(rng):
    """A random setting of the page's controls: any landscape, step size and start in the slider ranges."""
    landscape = str(rng.choice(list(landscapes.CATALOGUE)))
    return {
        "landscape": landscape,
        "lr": float(10 ** rng.uniform(-3.0, 0.5)),
        "start": [float(np.round(rng.uniform(-3.5, 3.5), 2)), float(np.round(rng.uniform(-2.0, 3.0), 2))],
        "steps": int(rng.integers(1, 201)),
    }


def _web_page_params(args, kwargs):
    steps = kwargs.get("steps", args[0] if args else 60)
    return {"steps": int(steps)}


def _web_explorers():
    from momentum_lab.widgets.web import Explorer, nudge_start

    return {
        "gradient-descent": Explorer(
            name="gradient-descent",
            compute=_web_compute,
            sample=_web_sample,
            widget="gd_widget",
            page_params=_web_page_params,
            nudges=nudge_start,
        )
    }


#: The page's live version of :func:`gd_widget` (``book/_static/explorers/gradient-descent.js``).
EXPLORERS = _web_explorers()
