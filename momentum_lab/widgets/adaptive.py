"""Chapter 12's explorer ("Adaptive methods as relatives of momentum"): Adam beside the heavy ball.

:func:`explore_adam` runs Adam (``torch.optim.Adam``'s convention, :class:`momentum_lab.optim.Adam`) and
the heavy ball (:class:`momentum_lab.optim.ClassicalMomentum`, with momentum β₁, Adam's own first-moment
weight) on a landscape of chapter 1's catalogue; :func:`adam_figure` draws both paths on the contours and
both loss curves; :func:`adam_widget` wires the controls (β₁, β₂, ε, both step sizes, the start) to them.
Only ``adam_figure`` and ``adam_widget`` import matplotlib and ipywidgets.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from momentum_lab import landscapes
from momentum_lab._validate import as_float_array, in_unit_interval, positive, positive_int
from momentum_lab.optim import Adam, ClassicalMomentum
from momentum_lab.widgets._base import check_figure, check_run, landscape_run, start_point

#: Adam's step size η and the heavy ball's (chapter 2's presets) for each landscape, the explorer's start.
DEFAULTS = {
    "bowl": (0.1, 0.1),
    "narrow bowl": (0.1, 0.2),
    "valley": (0.3, 0.02),
    "rosenbrock": (0.1, 0.001),
    "saddle": (0.05, 0.05),
}
FALLBACK = (0.05, 0.05)


def explore_adam(
    landscape: str | landscapes.Landscape = "narrow bowl",
    lr: float | None = None,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    hb_lr: float | None = None,
    start: npt.ArrayLike | None = None,
    steps: int = 150,
) -> dict[str, Any]:
    """Run Adam and the heavy ball from the same start and return what the explorer draws.

    Args:
        landscape: a name from ``landscapes.CATALOGUE`` or a 2-d landscape object.
        lr: Adam's step size η > 0 (default: the landscape's preset in :data:`DEFAULTS`).
        beta1, beta2: Adam's β₁, β₂ in [0, 1); β₁ is also the heavy ball's momentum.
        eps: Adam's ε > 0 (added to the bias-corrected root, as in torch).
        hb_lr: the heavy ball's step size > 0 (default: chapter 2's preset).
        start: start point of shape (2,), finite (default: the landscape's ``default_start``).
        steps: number of steps, 1 to 1000.

    Returns:
        A dict with ``landscape``, ``lr``, ``beta1``, ``beta2``, ``eps``, ``hb_lr``; ``adam`` and
        ``momentum``, each a run of :func:`~momentum_lab.widgets._base.landscape_run` (``path``,
        ``losses``, ``diverged``, ``status``); ``lr_limit``: the heavy ball's stability limit
        2(1 + β₁)/L at the (first) minimum; and ``effective``: Adam's effective per-coordinate step
        size at the end of its run, ``η / (1 − β₁ᵗ) / (√v_t / √(1 − β₂ᵗ) + ε)`` (what multiplies m in the
        step), one number per coordinate.

    Raises:
        ValueError, TypeError: naming the argument that is out of range or of the wrong type.
    """
    surface = landscapes.resolve(landscape)
    name = landscape if isinstance(landscape, str) else None
    preset_lr, preset_hb = DEFAULTS.get(name, FALLBACK) if name is not None else FALLBACK
    lr = positive(preset_lr if lr is None else lr, "lr")
    hb_lr = positive(preset_hb if hb_lr is None else hb_lr, "hb_lr")
    beta1 = in_unit_interval(beta1, "beta1")
    beta2 = in_unit_interval(beta2, "beta2")
    eps = positive(eps, "eps")
    steps = positive_int(steps, "steps")
    if steps > 1000:
        raise ValueError(f"steps must be <= 1000; got steps={steps!r}")
    x0 = start_point(surface, start)
    L = float(np.linalg.eigvalsh(surface.hessian(surface.minimizers[0]))[-1])
    limit = 2 * (1 + beta1) / L
    adam = landscape_run(surface, Adam(lr, (beta1, beta2), eps), x0, steps)
    return {
        "landscape": surface,
        "lr": lr,
        "beta1": beta1,
        "beta2": beta2,
        "eps": eps,
        "hb_lr": hb_lr,
        "adam": adam,
        "momentum": landscape_run(surface, ClassicalMomentum(hb_lr, beta1), x0, steps, lr_limit=limit),
        "lr_limit": limit,
        "effective": effective_steps(surface, adam["path"], lr, beta1, beta2, eps),
    }


def effective_steps(
    surface: landscapes.Landscape, path: npt.ArrayLike, lr: float, beta1: float, beta2: float, eps: float
) -> npt.NDArray[np.float64]:
    """Adam's per-coordinate multiplier of m at the last step of ``path``, from the gradients along it.

    Replays v ← β₂v + (1 − β₂)g² over the gradients at ``path[:-1]`` (the points where Adam took them)
    and returns ``lr / (1 − β₁ᵗ) / (√v / √(1 − β₂ᵗ) + eps)`` with t = len(path) − 1 (zeros for t = 0).
    ``path`` must be a finite (t+1, d) array with t ≥ 0; ``lr`` and ``eps`` > 0, ``beta1`` and ``beta2``
    in [0, 1).
    """
    path = as_float_array(path, "path", ndim=2)
    lr, eps = positive(lr, "lr"), positive(eps, "eps")
    beta1, beta2 = in_unit_interval(beta1, "beta1"), in_unit_interval(beta2, "beta2")
    if not hasattr(surface, "grad"):
        raise TypeError(f"surface must be a Landscape (with grad); got {type(surface).__name__}")
    dim = getattr(surface, "dim", path.shape[1])
    if path.shape[1] != dim:
        raise ValueError(f"path must have shape (t+1, {dim}), points of the {dim}-d surface; got shape {path.shape}")
    v = np.zeros(path.shape[1])
    t = len(path) - 1
    if t == 0:
        return v
    for x in path[:-1]:
        g = surface.grad(x)
        v *= beta2
        v += g * g * (1 - beta2)
    return lr / (1 - beta1**t) / (np.sqrt(v) / (1 - beta2**t) ** 0.5 + eps)


def adam_figure(
    landscape: str | landscapes.Landscape = "narrow bowl",
    lr: float | None = None,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    hb_lr: float | None = None,
    start: npt.ArrayLike | None = None,
    steps: int = 150,
    *,
    fig: Any = None,
) -> Any:
    """Contours with the paths of Adam and the heavy ball, and both loss curves on a log scale.

    Arguments as in :func:`explore_adam`; ``fig`` None (a new figure) or a matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    from momentum_lab import plotting

    run = explore_adam(landscape, lr, beta1, beta2, eps, hb_lr, start, steps)
    surface = run["landscape"]
    if check_figure(fig) is None:
        fig = plt.figure(figsize=(10, 4.2))
    ax_path, ax_loss = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1]})
    plotting.contour(ax_path, surface)
    entries = [
        (f"Adam, η = {run['lr']:g}, ε = {run['eps']:.2g}", run["adam"], plotting.PALETTE[2], "-"),
        (f"heavy ball, η = {run['hb_lr']:g}, β = {run['beta1']:g}", run["momentum"], plotting.PALETTE[3], "--"),
    ]
    for label, result, color, style in entries:
        if result["diverged"]:
            label += " (diverges)"
        plotting.path(ax_path, result["path"], label=label, color=color, linestyle=style, markersize=2)
        plotting.loss_curve(
            ax_loss, result["losses"], minimum=surface.minimum, label=label, color=color, linestyle=style
        )
    ax_path.set_title(f"{surface.name}, β₁ = {run['beta1']:g}, β₂ = {run['beta2']:g}")
    ax_loss.set_title("distance to the minimum value")
    ax_loss.legend(loc="best")
    fig.tight_layout()
    return fig


def adam_widget(steps: int = 150) -> Any:
    """Controls for the landscape, Adam's η, β₁, β₂ and ε, the heavy ball's η and the start point.

    The contours are drawn once per landscape; a control move recomputes both runs and redraws only the
    paths and loss curves (see :class:`~momentum_lab.widgets._base.PathPanel`). ``steps``: an integer
    from 1 to 1000.
    """
    steps = positive_int(steps, "steps")
    if steps > 1000:
        raise ValueError(f"steps must be <= 1000; got steps={steps!r}")
    import ipywidgets as w

    from momentum_lab import plotting
    from momentum_lab.widgets._base import PathPanel, figure_image, titled_box

    first = "narrow bowl"
    lr0, hb0 = DEFAULTS[first]
    start0 = landscapes.get(first).default_start
    menu = w.Dropdown(options=list(landscapes.CATALOGUE), value=first, description="landscape")
    lr = w.FloatLogSlider(
        value=lr0,
        base=10,
        min=-3,
        max=0,
        step=0.02,
        description="Adam η",
        readout_format=".4f",
        continuous_update=False,
    )
    beta1 = w.FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01, description="β₁", continuous_update=False)
    beta2 = w.FloatSlider(
        value=0.999, min=0.5, max=0.9999, step=0.0001, description="β₂", readout_format=".4f", continuous_update=False
    )
    eps = w.FloatLogSlider(
        value=1e-8, base=10, min=-8, max=0, step=0.25, description="ε", readout_format=".0e", continuous_update=False
    )
    hb_lr = w.FloatLogSlider(
        value=hb0,
        base=10,
        min=-4,
        max=0.5,
        step=0.02,
        description="heavy-ball η",
        readout_format=".4f",
        continuous_update=False,
    )
    x0 = w.FloatSlider(value=start0[0], min=-3.5, max=3.5, step=0.05, description="start θ₁", continuous_update=False)
    y0 = w.FloatSlider(value=start0[1], min=-2.0, max=3.0, step=0.05, description="start θ₂", continuous_update=False)
    status = w.HTML()
    image = figure_image()
    state = {"resetting": False}
    panel = PathPanel(
        steps, [("adam", "Adam", plotting.PALETTE[2], "-"), ("momentum", "heavy ball", plotting.PALETTE[3], "--")]
    )

    def redraw(_=None):
        if state["resetting"]:
            return
        surface = panel.surface
        run = explore_adam(
            surface, lr.value, beta1.value, beta2.value, eps.value, hb_lr.value, (x0.value, y0.value), steps
        )
        for key in ("adam", "momentum"):
            panel.show(key, run[key]["path"], run[key]["losses"])
        image.value = panel.image_bytes()
        status.value = describe(run, steps)

    def change_landscape(change):
        state["resetting"] = True
        panel.build(landscapes.get(change["new"]))
        lr.value, hb_lr.value = DEFAULTS.get(change["new"], (lr.value, hb_lr.value))
        x0.value, y0.value = panel.surface.default_start
        state["resetting"] = False
        redraw()

    panel.build(landscapes.get(menu.value))
    menu.observe(change_landscape, names="value")
    for control in (lr, beta1, beta2, eps, hb_lr, x0, y0):
        control.observe(redraw, names="value")
    redraw()
    controls = w.HBox([w.VBox([menu, lr, beta1, beta2]), w.VBox([eps, hb_lr, x0, y0])])
    return titled_box([controls, status, image], "Adam explorer")


def describe(run: dict[str, Any], steps: int) -> str:
    """The widget's status line: where each method ended, and Adam's effective steps.

    ``run`` must be what :func:`explore_adam` returns and ``steps`` an integer ≥ 1 (ValueError/TypeError
    naming them otherwise).
    """
    run = dict(check_run(run, ("landscape", "adam", "momentum", "effective", "lr_limit"), "explore_adam"))
    steps = positive_int(steps, "steps")
    surface = run["landscape"]

    def verdict(result: dict[str, Any]) -> str:
        if result["diverged"]:
            return "diverges"
        return f"f − f* = {result['losses'][-1] - surface.minimum:.2e}"

    e1, e2 = run["effective"]
    return (
        f"After {steps} steps: Adam {verdict(run['adam'])}; heavy ball {verdict(run['momentum'])}. "
        f"Adam's effective step sizes now: {e1:.3g} along θ₁, {e2:.3g} along θ₂ "
        f"(the heavy ball is stable near the minimum for η < {run['lr_limit']:.3g})."
    )


# ---------------------------------------------------------------------------------- the page's explorer


def _web_compute(landscape="narrow bowl", lr=None, beta1=0.9, beta2=0.999, eps=1e-8, hb_lr=None, start=None, steps=150):
    """:func:`explore_adam` as the page's ``compute`` returns it: the landscape by its catalogue key."""
    if not isinstance(landscape, str):
        raise TypeError(f"landscape must be a catalogue key on the page; got {type(landscape).__name__}")
    return {**explore_adam(landscape, lr, beta1, beta2, eps, hb_lr, start, steps), "landscape": landscape}


def _web_sample(rng):
    """A random setting of every control of the page, over the sliders' whole ranges (ends included);
    the step sizes and the start are sometimes None (the landscape's presets)."""

    def sometimes_none(value):
        return None if rng.random() < 0.1 else value

    def slider(low, high, digits):
        return float(
            np.round(np.clip(rng.uniform(low - 0.05 * (high - low), high + 0.05 * (high - low)), low, high), digits)
        )

    return {
        "landscape": str(rng.choice(list(landscapes.CATALOGUE))),
        "lr": sometimes_none(float(10 ** rng.uniform(-3.0, 0.0))),
        "beta1": slider(0.0, 0.99, 2),
        "beta2": slider(0.5, 0.9999, 4),
        "eps": float(10 ** rng.uniform(-8.0, 0.0)),
        "hb_lr": sometimes_none(float(10 ** rng.uniform(-4.0, 0.5))),
        "start": sometimes_none(
            [float(np.round(rng.uniform(-3.5, 3.5), 2)), float(np.round(rng.uniform(-2.0, 3.0), 2))]
        ),
        "steps": int(rng.integers(1, 301)),
    }


def _web_page_params(args, kwargs):
    steps = kwargs.get("steps", args[0] if args else 150)
    return {"steps": int(steps)}


def _web_explorers():
    from momentum_lab.widgets.web import Explorer, nudge_start

    return {
        "adaptive": Explorer(
            name="adaptive",
            compute=_web_compute,
            sample=_web_sample,
            widget="adam_widget",
            page_params=_web_page_params,
            nudges=nudge_start,
        )
    }


#: The page's live version of :func:`adam_widget` (``book/_static/explorers/adaptive.js``).
EXPLORERS = _web_explorers()
