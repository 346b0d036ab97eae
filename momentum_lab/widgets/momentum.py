"""The explorers of chapters 2 and 3: gradient descent against momentum, and the rate map.

Chapter 2, "Momentum: the heavy ball": :func:`explore_momentum` runs gradient descent and the heavy ball
(or Nesterov) side by side on a landscape of the catalogue; :func:`momentum_figure` draws both paths on
the contours and both loss curves; :func:`momentum_widget` wires controls to them.

Chapter 3, "Why momentum works": :func:`rate_map_data` computes the convergence rate of the heavy ball
(or Nesterov's method) over a grid of step sizes and momenta for a quadratic with condition number κ;
:func:`rate_map_figure` draws it with the stability boundary and the optimal pair; :func:`rate_map_widget`
wires controls to them.

Only the ``*_figure`` and ``*_widget`` functions import matplotlib and ipywidgets.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from momentum_lab import landscapes, theory
from momentum_lab._validate import as_float_array, flag, in_unit_interval, positive, positive_int, real_number
from momentum_lab.optim import ClassicalMomentum, GradientDescent
from momentum_lab.widgets._base import check_figure, landscape_run, start_point

#: A step size and a momentum per landscape at which momentum visibly helps (the widget's presets).
DEFAULTS = {
    "bowl": (0.1, 0.8),
    "narrow bowl": (0.2, 0.9),
    "valley": (0.02, 0.9),
    "rosenbrock": (0.001, 0.9),
    "saddle": (0.05, 0.7),
}


def explore_momentum(
    landscape: str | landscapes.Landscape = "bowl",
    lr: float | None = None,
    momentum: float | None = None,
    nesterov: bool = False,
    start: npt.ArrayLike | None = None,
    steps: int = 100,
) -> dict[str, Any]:
    """Run gradient descent and momentum with the same step size and return what the explorer draws.

    Args:
        landscape: a name from ``landscapes.CATALOGUE`` or a 2-d landscape object.
        lr: step size η > 0 (default: the landscape's preset in ``DEFAULTS``).
        momentum: β in [0, 1) (default: the preset).
        nesterov: use Nesterov's look-ahead gradient instead of the heavy ball (True or False).
        start: start point of shape (2,), finite (default: the landscape's ``default_start``).
        steps: number of steps, 1 to 1000.

    Returns:
        A dict with ``landscape``, ``lr``, ``beta``, ``nesterov``, and for each method (keys ``"gd"``
        and ``"momentum"``) a dict with the iterates ``path`` (k+1, 2), the losses ``f(θ_k)``,
        ``diverged`` and ``status`` (see :func:`~momentum_lab.widgets._base.landscape_run`). A run whose
        loss grows a billion-fold over its start is cut there and counts as diverged, so nothing returned is
        inf or NaN. Also ``lr_limit_gd`` = 2/L and ``lr_limit`` = the step beyond which the method
        diverges near the minimum, 2(1 + β)/L for the heavy ball and 2(1 + β)/((1 + 2β)L) for Nesterov,
        with L the largest curvature at the (first) minimum.

    Raises:
        ValueError, TypeError: naming the argument that is out of range or of the wrong type.
    """
    surface = landscapes.resolve(landscape)
    name = landscape if isinstance(landscape, str) else None
    preset_lr, preset_beta = DEFAULTS.get(name, (0.1, 0.9)) if name is not None else (0.1, 0.9)
    lr = positive(preset_lr if lr is None else lr, "lr")
    beta = in_unit_interval(preset_beta if momentum is None else momentum, "momentum")
    steps = positive_int(steps, "steps")
    if steps > 1000:
        raise ValueError(f"steps must be <= 1000; got steps={steps!r}")
    nesterov = flag(nesterov, "nesterov")
    x0 = start_point(surface, start)
    L = float(np.linalg.eigvalsh(surface.hessian(surface.minimizers[0]))[-1])
    limit = 2 * (1 + beta) / ((1 + 2 * beta) * L) if nesterov else 2 * (1 + beta) / L
    return {
        "landscape": surface,
        "lr": lr,
        "beta": beta,
        "nesterov": bool(nesterov),
        "gd": landscape_run(surface, GradientDescent(lr), x0, steps, lr_limit=2 / L),
        "momentum": landscape_run(
            surface, ClassicalMomentum(lr, beta, nesterov=bool(nesterov)), x0, steps, lr_limit=limit
        ),
        "lr_limit_gd": 2 / L,
        "lr_limit": limit,
    }


def _method_label(run):
    name = "Nesterov" if run["nesterov"] else "heavy ball"
    return f"{name}, β = {run['beta']:g}"


def momentum_figure(
    landscape: str | landscapes.Landscape = "narrow bowl",
    lr: float | None = None,
    momentum: float | None = None,
    nesterov: bool = False,
    start: npt.ArrayLike | None = None,
    steps: int = 100,
    *,
    fig: Any = None,
) -> Any:
    """Contours with the paths of gradient descent and momentum (same η), and both loss curves.

    Arguments as in :func:`explore_momentum`; ``fig`` None or a matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    from momentum_lab import plotting

    run = explore_momentum(landscape, lr, momentum, nesterov, start, steps)
    surface = run["landscape"]
    if check_figure(fig) is None:
        fig = plt.figure(figsize=(10, 4.2))
    ax_path, ax_loss = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1]})
    plotting.contour(ax_path, surface)
    entries = [
        ("gradient descent", run["gd"], plotting.PALETTE[0], "-"),
        (_method_label(run), run["momentum"], plotting.PALETTE[3], "--"),
    ]
    for label, result, color, style in entries:
        if result["diverged"]:
            label += " (diverges)"
        plotting.path(ax_path, result["path"], label=label, color=color, linestyle=style, markersize=2)
        plotting.loss_curve(
            ax_loss, result["losses"], minimum=surface.minimum, label=label, color=color, linestyle=style
        )
    ax_path.set_title(f"{surface.name}, η = {run['lr']:g}")
    ax_path.legend(loc="lower right", fontsize=8)
    ax_loss.set_title("distance to the minimum value")
    ax_loss.legend(loc="best", fontsize=8)
    fig.tight_layout()
    return fig


def momentum_widget(steps: int = 150) -> Any:
    """Controls for the landscape, η, β, Nesterov and the start point.

    The contours are drawn once per landscape; a control move recomputes both runs and redraws only the
    paths and loss curves (see :class:`~momentum_lab.widgets._base.BlitFigure`). ``steps``: an integer
    from 1 to 1000.
    """
    steps = positive_int(steps, "steps")
    if steps > 1000:
        raise ValueError(f"steps must be <= 1000; got steps={steps!r}")
    import ipywidgets as w

    from momentum_lab import plotting
    from momentum_lab.widgets._base import PathPanel, figure_image, titled_box

    first = "narrow bowl"
    lr0, beta0 = DEFAULTS[first]
    start0 = landscapes.get(first).default_start
    menu = w.Dropdown(options=list(landscapes.CATALOGUE), value=first, description="landscape")
    lr = w.FloatLogSlider(
        value=lr0,
        base=10,
        min=-4,
        max=0.5,
        step=0.02,
        description="step size η",
        readout_format=".4f",
        continuous_update=False,
    )
    beta = w.FloatSlider(value=beta0, min=0.0, max=0.99, step=0.01, description="momentum β", continuous_update=False)
    nesterov = w.Checkbox(value=False, description="Nesterov")
    x0 = w.FloatSlider(value=start0[0], min=-3.5, max=3.5, step=0.05, description="start θ₁", continuous_update=False)
    y0 = w.FloatSlider(value=start0[1], min=-2.0, max=3.0, step=0.05, description="start θ₂", continuous_update=False)
    status = w.HTML()
    image = figure_image()
    state = {"resetting": False}

    panel = PathPanel(
        steps,
        [("gd", "gradient descent", plotting.PALETTE[0], "-"), ("momentum", "momentum", plotting.PALETTE[3], "--")],
    )

    def redraw(_=None):
        if state["resetting"]:
            return
        surface = panel.surface
        run = explore_momentum(surface, lr.value, beta.value, nesterov.value, (x0.value, y0.value), steps)
        for key in ("gd", "momentum"):
            panel.show(key, run[key]["path"], run[key]["losses"])
        image.value = panel.image_bytes()

        def verdict(result):
            if result["diverged"]:
                return "diverges"
            return f"f − f* = {result['losses'][-1] - surface.minimum:.2e}"

        status.value = (
            f"After {steps} steps: gradient descent {verdict(run['gd'])}; "
            f"{_method_label(run)} {verdict(run['momentum'])}. "
            f"Near the minimum, η < {run['lr_limit']:.3g} is stable "
            f"(gradient descent: η < {run['lr_limit_gd']:.3g})."
        )

    def change_landscape(change):
        state["resetting"] = True
        panel.build(landscapes.get(change["new"]))
        lr.value, beta.value = DEFAULTS.get(change["new"], (lr.value, beta.value))
        x0.value, y0.value = panel.surface.default_start
        state["resetting"] = False
        redraw()

    panel.build(landscapes.get(menu.value))
    menu.observe(change_landscape, names="value")
    for control in (lr, beta, nesterov, x0, y0):
        control.observe(redraw, names="value")
    redraw()
    controls = w.HBox([w.VBox([menu, lr, beta]), w.VBox([nesterov, x0, y0])])
    return titled_box([controls, status, image], "Momentum explorer")


# ---------------------------------------------------------------------------------------------------
# Chapter 3: the rate map


def rate_map_data(
    kappa: float = 100.0, method: str = "heavy_ball", n: int = 161, eigenvalues: npt.ArrayLike | None = None
) -> dict[str, Any]:
    """The convergence rate over a grid of (α, β) for a quadratic, with the landmarks the map shows.

    Args:
        kappa: condition number κ ≥ 1 of a spectrum ``[1/κ, 1]`` (so L = 1 and αL is just α). Ignored
            when ``eigenvalues`` is given.
        method: ``"heavy_ball"`` or ``"nesterov"``.
        n: grid points per axis, 11 to 401. α runs over (0, 4/L], β over [0, 0.995].
        eigenvalues: an explicit spectrum (positive numbers), instead of ``kappa``.

    Returns:
        A dict with ``lrs`` (n,), ``momenta`` (n,), ``rates`` (n, n) with ``rates[i, j]`` the rate at
        (``lrs[j]``, ``momenta[i]``), ``mu``, ``L``, ``kappa``, ``method``; ``best``: the best grid point
        ``(α, β, rate)``; ``optimum``: the theoretical optimum ``(α, β, rate)`` (Polyak's pair for the
        heavy ball, Nesterov's classical choice α = 1/L, β = (√κ−1)/(√κ+1) for Nesterov);
        ``gd_optimum``: ``(α, rate)`` of the best gradient descent; and ``boundary``: the largest stable
        α at each β (2(1 + β)/L for the heavy ball, 2(1 + β)/((1 + 2β)L) for Nesterov).

    Raises:
        ValueError, TypeError: naming the argument: a κ that is not a number ≥ 1, an unknown method, an
            ``n`` outside 11 to 401, eigenvalues that are not finite positive numbers.
    """
    if not isinstance(method, str) or method not in ("heavy_ball", "nesterov"):
        raise ValueError(f"method must be 'heavy_ball' or 'nesterov'; got method={method!r}")
    n = positive_int(n, "n", minimum=11)
    if n > 401:
        raise ValueError(f"n must be <= 401; got n={n!r}")
    if eigenvalues is None:
        kappa = real_number(kappa, "kappa")
        if kappa < 1:
            raise ValueError(f"kappa must be >= 1; got kappa={kappa!r}")
        eigenvalues = np.array([1.0 / kappa, 1.0])
    else:
        eigenvalues = as_float_array(eigenvalues, "eigenvalues").reshape(-1)
        if eigenvalues.size == 0 or not np.all(np.isfinite(eigenvalues)) or np.any(eigenvalues <= 0):
            raise ValueError(f"eigenvalues must be positive numbers; got {eigenvalues!r}")
    mu, L = float(eigenvalues.min()), float(eigenvalues.max())
    lrs = np.linspace(4.0 / L / n, 4.0 / L, n)
    momenta = np.linspace(0.0, 0.995, n)
    rates = theory.rate_map(lrs, momenta, eigenvalues, method)
    i, j = np.unravel_index(np.argmin(rates), rates.shape)
    if method == "heavy_ball":
        optimum = theory.optimal_momentum(mu, L)
        boundary = 2 * (1 + momenta) / L
    else:
        optimum = theory.nesterov_parameters(mu, L)
        boundary = 2 * (1 + momenta) / ((1 + 2 * momenta) * L)
    return {
        "lrs": lrs,
        "momenta": momenta,
        "rates": rates,
        "mu": mu,
        "L": L,
        "kappa": L / mu,
        "method": method,
        "best": (float(lrs[j]), float(momenta[i]), float(rates[i, j])),
        "optimum": tuple(float(v) for v in optimum),
        "gd_optimum": tuple(float(v) for v in theory.optimal_gd(mu, L)),
        "boundary": boundary,
    }


_METHOD_NAMES = {"heavy_ball": "heavy ball", "nesterov": "Nesterov"}


def rate_map_figure(
    kappa: float = 100.0,
    method: str = "heavy_ball",
    point: npt.ArrayLike | None = None,
    *,
    n: int = 161,
    eigenvalues: npt.ArrayLike | None = None,
    fig: Any = None,
) -> Any:
    """The (αL, β) plane coloured by the steps a method needs to shrink the error 10⁶-fold.

    The colour is ``theory.iterations_to(rate, 1e-6)`` on a log scale (capped at 10⁴ steps); the
    diverging region is blank. Marks the stability boundary, the theoretical optimum (★), the best
    gradient descent (on β = 0) and, if given, a ``point`` = (α, β) with its rate: α > 0 and β in
    [0, 1) (ValueError/TypeError naming ``point`` otherwise). The other arguments are as in
    :func:`rate_map_data`; ``fig`` None or a matplotlib Figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FixedLocator, FuncFormatter

    from momentum_lab import plotting

    data = rate_map_data(kappa, method, n, eigenvalues)
    L = data["L"]
    if point is not None:
        point = as_float_array(point, "point", ndim=1)
        if point.shape != (2,) or point[0] <= 0 or not 0 <= point[1] < 1:
            raise ValueError(f"point must be (α, β) with α > 0 and β in [0, 1); got point={point!r}")
    if check_figure(fig) is None:
        fig = plt.figure(figsize=(7.5, 4.6))
    ax = fig.subplots()
    steps = np.asarray(theory.iterations_to(data["rates"], 1e-6), dtype=float)
    log_steps = np.where(np.isfinite(steps), np.log10(np.clip(steps, 1, 1e4)), np.nan)
    low = float(np.floor(np.nanmin(log_steps))) if np.isfinite(log_steps).any() else 0.0
    levels = np.linspace(min(low, 3.0), 4.0, 25)
    filled = ax.contourf(data["lrs"] * L, data["momenta"], log_steps, levels=levels, cmap="viridis")
    ax.contour(
        data["lrs"] * L, data["momenta"], log_steps, levels=[2.0, 3.0], colors="white", linewidths=0.8, linestyles=":"
    )
    bar = fig.colorbar(filled, ax=ax, label="steps to shrink the error 10⁶-fold")
    bar.ax.yaxis.set_major_locator(FixedLocator(list(np.arange(levels[0], 4.5))))
    bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{10**v:.0f}" if v < 4 else "≥ 10000"))
    ax.plot(data["boundary"] * L, data["momenta"], color="black", linewidth=1.2, label="stability boundary")
    a_opt, b_opt, r_opt = data["optimum"]
    name = _METHOD_NAMES[method]
    star = (
        f"optimal heavy ball: ρ = {r_opt:.4f}"
        if method == "heavy_ball"
        else f"Nesterov's choice α = 1/L: ρ = {r_opt:.4f}"
    )
    ax.plot(
        [a_opt * L],
        [b_opt],
        marker="*",
        color=plotting.PALETTE[1],
        markersize=15,
        linestyle="none",
        markeredgecolor="black",
        label=star,
    )
    a_gd, r_gd = data["gd_optimum"]
    ax.plot(
        [a_gd * L],
        [0.0],
        marker="o",
        color=plotting.PALETTE[5],
        markersize=8,
        linestyle="none",
        markeredgecolor="black",
        label=f"best gradient descent: ρ = {r_gd:.4f}",
        clip_on=False,
    )
    if point is not None:
        a, b = float(point[0]), float(point[1])
        rate_fn = theory.heavy_ball_rate if method == "heavy_ball" else theory.nesterov_rate
        r = rate_fn(a, b, [data["mu"], L])
        shown = f"{r:.4f}" if r < 1 else f"{r:.3g} (diverges)"
        ax.plot(
            [a * L],
            [b],
            marker="X",
            color=plotting.PALETTE[3],
            markersize=10,
            linestyle="none",
            markeredgecolor="white",
            label=f"your choice: ρ = {shown}",
        )
    ax.set_xlim(0, 4)
    ax.set_ylim(0, 1)
    ax.set_xlabel("step size × largest curvature, $\\alpha L$")
    ax.set_ylabel("momentum $\\beta$")
    ax.set_title(f"{name}, κ = {data['kappa']:.4g} (blank: diverges; dotted: 100 and 1000 steps)", fontsize=10)
    ax.legend(loc="lower right", fontsize=8, framealpha=0.9)
    fig.tight_layout()
    return fig


def rate_map_widget(n: int = 121) -> Any:
    """Controls for κ, the method and a point (αL, β).

    The axes, colour bar and stability boundary (which, in units of αL, do not depend on κ) are drawn
    once per method; the map itself is an image whose pixels are replaced when κ moves, and the
    markers move with the sliders (see :class:`~momentum_lab.widgets._base.BlitFigure`), so no slider
    move re-renders the whole figure. ``n`` as in :func:`rate_map_data` (11 to 401).
    """
    n = positive_int(n, "n", minimum=11)
    if n > 401:
        raise ValueError(f"n must be <= 401; got n={n!r}")
    import ipywidgets as w
    from matplotlib.figure import Figure  # not pyplot: the inline backend must not show it as well

    from momentum_lab import plotting
    from momentum_lab.widgets._base import BlitFigure, figure_image, titled_box

    kappa = w.FloatLogSlider(
        value=100.0,
        base=10,
        min=0,
        max=3,
        step=0.05,
        description="κ = L/μ",
        readout_format=".4g",
        continuous_update=False,
    )
    method = w.ToggleButtons(
        options=[("heavy ball", "heavy_ball"), ("Nesterov", "nesterov")], value="heavy_ball", description="method"
    )
    alpha = w.FloatSlider(value=1.0, min=0.02, max=4.0, step=0.02, description="αL", continuous_update=False)
    beta = w.FloatSlider(value=0.5, min=0.0, max=0.99, step=0.01, description="β", continuous_update=False)
    status = w.HTML()
    image = figure_image()
    state: dict[str, Any] = {}

    def log_steps(data):
        steps = np.asarray(theory.iterations_to(data["rates"], 1e-6), dtype=float)
        return np.where(np.isfinite(steps), np.log10(np.clip(steps, 1, 1e4)), np.nan)

    def build_background(_=None):
        """Axes, colour bar, boundary and legend for the current method (slow; method changes only)."""
        data = rate_map_data(kappa.value, method.value, n)
        fig = Figure(figsize=(7.5, 4.6), dpi=80)
        ax = fig.subplots()
        shown = ax.imshow(
            log_steps(data),
            origin="lower",
            aspect="auto",
            cmap="viridis",
            vmin=0.0,
            vmax=4.0,
            extent=(data["lrs"][0] * data["L"], data["lrs"][-1] * data["L"], data["momenta"][0], data["momenta"][-1]),
        )
        fig.colorbar(shown, ax=ax, label="log₁₀ of the steps to shrink the error 10⁶-fold")
        (edge,) = ax.plot(
            data["boundary"] * data["L"], data["momenta"], color="black", linewidth=1.2, label="stability boundary"
        )
        (star,) = ax.plot(
            [],
            [],
            marker="*",
            color=plotting.PALETTE[1],
            markersize=15,
            linestyle="none",
            markeredgecolor="black",
            label="optimum for this κ",
        )
        (gd,) = ax.plot(
            [],
            [],
            marker="o",
            color=plotting.PALETTE[5],
            markersize=8,
            linestyle="none",
            markeredgecolor="black",
            label="best gradient descent",
            clip_on=False,
        )
        (mark,) = ax.plot(
            [],
            [],
            marker="X",
            color=plotting.PALETTE[3],
            markersize=11,
            linestyle="none",
            markeredgecolor="white",
            label="your choice",
        )
        ax.set_xlim(0, 4)
        ax.set_ylim(0, 1)
        ax.set_xlabel("step size × largest curvature, $\\alpha L$")
        ax.set_ylabel("momentum $\\beta$")
        ax.set_title(f"{_METHOD_NAMES[method.value]} (blank: diverges)", fontsize=10)
        legend = ax.legend(loc="lower right", fontsize=8, framealpha=0.9)
        fig.tight_layout()
        # Everything drawn over the map is redrawn after it, in this order.
        state.update(
            map=shown, star=star, gd=gd, mark=mark, blit=BlitFigure(fig, [shown, edge, star, gd, mark, legend])
        )
        change_kappa()

    def change_kappa(_=None):
        data = rate_map_data(kappa.value, method.value, n)
        state["map"].set_data(log_steps(data))
        state["star"].set_data([data["optimum"][0] * data["L"]], [data["optimum"][1]])
        state["gd"].set_data([data["gd_optimum"][0] * data["L"]], [0.0])
        state["data"] = data
        redraw()

    def redraw(_=None):
        data = state["data"]
        mu = data["mu"]
        rate_fn = theory.heavy_ball_rate if method.value == "heavy_ball" else theory.nesterov_rate
        r = rate_fn(alpha.value, beta.value, [mu, 1.0])
        state["mark"].set_data([alpha.value], [beta.value])
        image.value = state["blit"].image_bytes()
        steps = theory.iterations_to(r, 1e-6)
        gd_steps = theory.iterations_to(data["gd_optimum"][1], 1e-6)
        if steps == float("inf"):
            reach = "the error never shrinks a million-fold (it diverges or stalls)"
        else:
            reach = f"the error shrinks a million-fold in {steps} steps"
        status.value = (
            f"κ = {kappa.value:.4g}. ✕ at αL = {alpha.value:.2f}, β = {beta.value:.2f}: "
            f"rate {r:.4f}; {reach}. Optimum ★: rate {data['optimum'][2]:.4f}; "
            f"best gradient descent: rate {data['gd_optimum'][1]:.4f}, {gd_steps} steps."
        )

    method.observe(build_background, names="value")
    kappa.observe(change_kappa, names="value")
    for control in (alpha, beta):
        control.observe(redraw, names="value")
    build_background()
    controls = w.HBox([w.VBox([kappa, method]), w.VBox([alpha, beta])])
    return titled_box([controls, status, image], "Rate-map explorer")


# ---------------------------------------------------------------------------------- the page's explorers
#
# The published page runs both explorers in the reader's browser (book/_static/explorers/momentum.js and
# rate-map.js); tests/test_explorers.py checks that they compute what these functions compute.

#: Grid points per axis of the rate map on the page (the notebook widget's n).
PAGE_RATE_MAP_N = 121


def _web_momentum(landscape="narrow bowl", lr=None, momentum=None, nesterov=False, start=None, steps=150):
    """:func:`explore_momentum` as the page returns it: the landscape by its catalogue key.

    The defaults are the widget's first state (the narrow bowl, its preset η and β, 150 steps).
    """
    if not isinstance(landscape, str):
        raise TypeError(f"landscape must be a catalogue key on the page; got {type(landscape).__name__}")
    return {**explore_momentum(landscape, lr, momentum, nesterov, start, steps), "landscape": landscape}


def _web_momentum_sample(rng):
    """A random setting of the page's controls over their whole ranges (η from 10⁻⁴, where nothing moves,
    to 10^0.5, where everything diverges; β from 0 to 0.99; any start in the sliders' box). Now and then
    η, β or the start is left to the landscape's preset, as after a change of landscape."""

    def preset_or(value):
        return None if rng.random() < 0.15 else value

    if rng.random() < 0.15:
        beta = float(rng.choice([0.0, 0.99]))
    else:
        beta = float(rng.uniform(0.0, 0.99))
    return {
        "landscape": str(rng.choice(list(landscapes.CATALOGUE))),
        "lr": preset_or(float(10 ** rng.uniform(-4.0, 0.5))),
        "momentum": preset_or(beta),
        "nesterov": bool(rng.random() < 0.5),
        "start": preset_or([float(rng.uniform(-3.5, 3.5)), float(rng.uniform(-2.0, 3.0))]),
        "steps": 150,
    }


def _web_momentum_params(args, kwargs):
    """``momentum_widget(steps)``: the page starts where the widget starts, with the same number of steps."""
    steps = kwargs.get("steps", args[0] if args else 150)
    return {"steps": int(steps)}


def _web_momentum_nudges(params):
    """The setting with each coordinate of the start moved one unit in the last place (the landscape's
    default start when the setting leaves it to the preset): a diverging run on the valley (a sine) or
    the saddle (a cube) is chaotic, and the library's own result moves that much under such a nudge."""
    from momentum_lab.widgets.web import nudge_start

    start = params.get("start")
    if start is None:
        start = list(landscapes.get(params.get("landscape", "narrow bowl")).default_start)
    return nudge_start({**params, "start": [float(v) for v in start]})


def _log_steps(rates):
    """log₁₀ of the steps to shrink the error 10⁶-fold, capped to [1, 10⁴]; NaN where a rate is ≥ 1 (the
    colour of the widget's map)."""
    steps = np.asarray(theory.iterations_to(rates, 1e-6), dtype=float)
    return np.where(np.isfinite(steps), np.log10(np.clip(steps, 1, 1e4)), np.nan)


def _web_rate_map(kappa=100.0, method="heavy_ball", point=(1.0, 0.5), n=PAGE_RATE_MAP_N):
    """What the rate-map explorer shows: :func:`rate_map_data`, the colour ``log_steps`` of each cell, and
    the reader's ``point`` = (αL, β) with its ``rate`` and ``steps`` (to shrink the error 10⁶-fold; ``inf``
    when it never does), beside ``gd_steps`` of the best gradient descent, as the widget's status line."""
    data = rate_map_data(kappa, method, n)
    point = np.asarray(point, dtype=float)
    if point.shape != (2,) or not np.all(np.isfinite(point)):
        raise ValueError(f"point must be two finite numbers (αL, β); got point={point.tolist()!r}")
    alpha, beta = float(point[0]), float(point[1])
    rate_fn = theory.heavy_ball_rate if method == "heavy_ball" else theory.nesterov_rate
    rate = rate_fn(alpha / data["L"], beta, [data["mu"], data["L"]])
    return {
        **data,
        "log_steps": _log_steps(data["rates"]),
        "point": [alpha, beta],
        "rate": rate,
        "steps": theory.iterations_to(rate, 1e-6),
        "gd_steps": theory.iterations_to(data["gd_optimum"][1], 1e-6),
    }


def _web_rate_map_sample(rng):
    """κ over the slider's 1 to 1000 (its ends included now and then), either method, any point of the map."""
    exponent = float(rng.choice([0.0, 3.0])) if rng.random() < 0.15 else float(rng.uniform(0.0, 3.0))
    return {
        "kappa": float(10**exponent),
        "method": str(rng.choice(["heavy_ball", "nesterov"])),
        "point": [float(rng.uniform(0.02, 4.0)), float(rng.uniform(0.0, 0.99))],
        "n": PAGE_RATE_MAP_N,
    }


def _web_rate_map_params(args, kwargs):
    """``rate_map_widget(n)``: the page's grid is at most :data:`PAGE_RATE_MAP_N` points a side."""
    n = kwargs.get("n", args[0] if args else PAGE_RATE_MAP_N)
    return {"n": min(int(n), PAGE_RATE_MAP_N)}


def _web_explorers():
    from momentum_lab.widgets.web import Explorer

    return {
        "momentum": Explorer(
            name="momentum",
            compute=_web_momentum,
            sample=_web_momentum_sample,
            widget="momentum_widget",
            page_params=_web_momentum_params,
            nudges=_web_momentum_nudges,
        ),
        "rate-map": Explorer(
            name="rate-map",
            compute=_web_rate_map,
            sample=_web_rate_map_sample,
            widget="rate_map_widget",
            page_params=_web_rate_map_params,
        ),
    }


#: The page's live versions of :func:`momentum_widget` and :func:`rate_map_widget`.
EXPLORERS = _web_explorers()
