"""Chapter 10's explorer: heavy-ball momentum on a real logistic-regression loss, tuned by its curvature.

:func:`logistic_problem` sets the stage once (data, model, start ``θ₀``, minimiser ``θ*``, the extreme
eigenvalues ``μ, L`` of the Hessian at ``θ*`` and Polyak's optimal pair ``α*, β*`` from them);
:func:`momentum_run` runs the heavy ball with any ``(α, β)`` and returns ``‖θ_k − θ*‖``, the measured
rate and the rate the quadratic theory predicts; :func:`capstone_figure` draws runs and a rate scan;
:func:`capstone_widget` puts sliders for ``α/α*`` and ``β/β*`` on the same picture.

A slider move costs one run (a few hundred steps with the NumPy gradient derived by hand,
``LogisticRegression.grad_by_hand``) and a redraw of the moving lines only
(:class:`~momentum_lab.widgets._base.BlitFigure`): about 10–30 ms in all, 3 ms of it the run.

:func:`mlp_figure` and :func:`decision_figure` draw the chapter's other two figures. Only the
``*_figure`` and ``*_widget`` functions import matplotlib and ipywidgets.
"""

from __future__ import annotations

import functools
import numbers
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from momentum_lab import models, theory
from momentum_lab._validate import as_float_array, in_unit_interval, non_negative, positive, positive_int, real_number
from momentum_lab.optim import SGD, DivergenceWarning, trajectory
from momentum_lab.widgets._base import check_figure

#: The y-range of the distance plots: rounding errors stop ‖θ_k − θ*‖ near 1e-15.
DISTANCE_RANGE = (1e-15, 1e3)
#: The y-range of the rate plots (a rate above the top is drawn at the top).
RATE_RANGE = (0.5, 1.05)


@dataclass(frozen=True)
class Problem:
    """Everything fixed while the sliders move (see :func:`logistic_problem`)."""

    model: models.LogisticRegression
    theta0: np.ndarray
    theta_star: np.ndarray
    mu: float
    L: float
    lr_star: float
    momentum_star: float
    rate_star: float
    gd_lr: float
    gd_rate: float

    @property
    def kappa(self) -> float:
        """The condition number L/μ of the Hessian at θ*."""
        return self.L / self.mu


def _problem(problem: Any, name: str = "problem") -> Problem:
    if not isinstance(problem, Problem):
        raise TypeError(f"{name} must be a Problem (from logistic_problem()); got {type(problem).__name__}")
    return problem


def _seed(value: Any, name: str) -> int:
    return positive_int(value, name, minimum=0)


def logistic_problem(
    n: int = 200, noise: float = 0.15, degree: int = 3, l2: float = 1e-3, seed: int = 0, init_seed: int = 0
) -> Problem:
    """The chapter's logistic regression, ready to explore.

    Data: ``make_moons(n, noise, seed)`` with cubic (``degree``) features; model
    ``LogisticRegression(features, y, l2)``; ``θ₀ = model.init(init_seed)``; ``θ*`` by
    :func:`~momentum_lab.training.newton_minimum`; ``μ, L`` the extreme eigenvalues of the Hessian at
    ``θ*``; ``(α*, β*, rate*) = theory.optimal_momentum(μ, L)`` and gradient descent's best
    ``(2/(μ+L), (κ−1)/(κ+1))``.

    ``n`` must be an integer ≥ 4, ``noise`` ≥ 0, ``degree`` an integer ≥ 1, ``l2`` > 0 (without the
    penalty the moons can be separable and θ* does not exist) and both seeds integers ≥ 0
    (ValueError/TypeError naming the argument otherwise).
    """
    n, degree = positive_int(n, "n", minimum=4), positive_int(degree, "degree")
    noise, l2 = non_negative(noise, "noise"), positive(l2, "l2")
    seed, init_seed = _seed(seed, "seed"), _seed(init_seed, "init_seed")
    X, y = models.make_moons(n, noise, seed)
    model = models.LogisticRegression(models.polynomial_features(X, degree), y, l2=l2)
    theta0 = model.init(init_seed)
    theta_star = models.newton_minimum(model, theta0)
    eigenvalues = np.linalg.eigvalsh(model.hessian_by_hand(theta_star))
    mu, L = float(eigenvalues[0]), float(eigenvalues[-1])
    lr_star, momentum_star, rate_star = theory.optimal_momentum(mu, L)
    gd_lr, gd_rate = theory.optimal_gd(mu, L)
    return Problem(model, theta0, theta_star, mu, L, lr_star, momentum_star, rate_star, gd_lr, gd_rate)


def heavy_ball_iterates(
    grad: Callable[[npt.NDArray[np.float64]], npt.ArrayLike],
    theta0: npt.ArrayLike,
    lr: float,
    momentum: float,
    steps: int,
) -> npt.NDArray[np.float64]:
    """``θ_0 … θ_steps`` of :class:`momentum_lab.optim.SGD` (torch's heavy ball) from ``theta0``.

    A diverging run stops early (the :class:`~momentum_lab.optim.DivergenceWarning` is silenced: the
    widget reports divergence itself), returning only finite iterates. ``grad`` must be callable,
    ``theta0`` a finite 1-d array; ``lr``, ``momentum`` and ``steps`` are checked by ``SGD`` and
    ``trajectory`` (ValueError/TypeError naming them).
    """
    if not callable(grad):
        raise TypeError(f"grad must be callable; got {type(grad).__name__}")
    theta0 = as_float_array(theta0, "theta0", ndim=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergenceWarning)
        return trajectory(grad, theta0, SGD(lr, momentum=momentum), steps)


def momentum_run(problem: Problem, lr: float, momentum: float, steps: int = 200) -> dict[str, Any]:
    """Heavy ball with step ``lr`` and ``momentum`` from ``problem.theta0`` on the logistic loss.

    Returns a dict:

    * ``distances``: ``‖θ_k − θ*‖``, k = 0 … steps (shorter if the run blew up);
    * ``measured``: :func:`~momentum_lab.theory.measured_rate` of the distances (a ``Rate``);
    * ``predicted``: ``theory.heavy_ball_rate(lr, momentum, [μ, L])``, the rate of the quadratic model
      at ``θ*``;
    * ``converged``: whether the run ended within ``1e-2 · ‖θ₀ − θ*‖`` of ``θ*``.

    ``problem`` must be a :class:`Problem`, ``lr`` > 0, ``momentum`` in [0, 1) and ``steps`` an integer
    ≥ 2 (ValueError/TypeError naming the argument otherwise).
    """
    problem = _problem(problem)
    lr = positive(lr, "lr")
    momentum = in_unit_interval(momentum, "momentum")
    steps = positive_int(steps, "steps", minimum=2)
    thetas = heavy_ball_iterates(problem.model.grad_by_hand, problem.theta0, lr, momentum, steps)
    distances = np.linalg.norm(thetas - problem.theta_star, axis=1)
    if len(distances) < 3:  # blew up at once: nothing to measure
        distances = np.concatenate([distances, np.full(3 - len(distances), distances[-1])])
    return {
        "distances": distances,
        "measured": models.measured_rate(distances),
        "predicted": float(theory.heavy_ball_rate(lr, momentum, [problem.mu, problem.L])),
        "converged": bool(len(thetas) == steps + 1 and distances[-1] <= 1e-2 * distances[0]),
    }


def _momentum_scales(problem: Problem, scales: Any, name: str = "momentum_scales") -> npt.NDArray[np.float64]:
    """``scales`` as a 1-d array whose momenta β*·scale lie in [0, 1)."""
    scales = as_float_array(scales, name, ndim=1)
    momenta = problem.momentum_star * scales
    if np.any(momenta < 0) or np.any(momenta >= 1):
        raise ValueError(
            f"{name} must keep the momentum β*·scale in [0, 1), so each scale in "
            f"[0, {1 / problem.momentum_star:.4g}) for β* = {problem.momentum_star:.4g}; "
            f"got {name}={scales!r}"
        )
    return scales


def rate_scan(problem: Problem, lr: float, momentum_scales: npt.ArrayLike, steps: int = 300) -> dict[str, Any]:
    """Measured and predicted rates of the heavy ball with step ``lr`` and momenta ``β* · momentum_scales``.

    Returns a dict of arrays of the length of ``momentum_scales``: ``momenta``, ``measured``,
    ``predicted`` and ``converged`` (see :func:`momentum_run`). ``momentum_scales`` must be a non-empty
    1-d array whose momenta β*·scale lie in [0, 1); the rest is checked as in :func:`momentum_run`.
    """
    problem = _problem(problem)
    momenta = problem.momentum_star * _momentum_scales(problem, momentum_scales)
    runs = [momentum_run(problem, lr, float(b), steps) for b in momenta]
    return {
        "momenta": momenta,
        "measured": np.array([r["measured"].rate for r in runs]),
        "predicted": np.array([r["predicted"] for r in runs]),
        "converged": np.array([r["converged"] for r in runs]),
    }


def _predicted_curve(problem, lr, scales):
    momenta = problem.momentum_star * scales
    return np.minimum(theory.heavy_ball_rate(lr, momenta, [problem.mu, problem.L]), RATE_RANGE[1])


def _anchored_line(run, steps):
    """The predicted geometric decay drawn through the measured distance at the window's start."""
    start = run["measured"].start
    k = np.arange(start, steps + 1)
    with np.errstate(over="ignore", under="ignore"):
        line = run["distances"][start] * run["predicted"] ** (k - start).astype(float)
    return k, np.clip(line, *DISTANCE_RANGE)


def _setup_axes(ax_dist, ax_rate, problem, steps, max_scale):
    ax_dist.set_yscale("log")
    ax_dist.set_xlim(0, steps)
    ax_dist.set_ylim(*DISTANCE_RANGE)
    ax_dist.set_xlabel("step $k$")
    ax_dist.set_ylabel(r"$\|\theta_k - \theta^\star\|$")
    ax_rate.set_xlim(0, max_scale)
    ax_rate.set_ylim(*RATE_RANGE)
    ax_rate.set_xlabel(r"momentum $\beta / \beta^\star$")
    ax_rate.set_ylabel("rate per step")
    ax_rate.axhline(problem.gd_rate, color="0.5", linestyle=":", linewidth=1.0, label="gradient descent, best step")
    ax_rate.axvline(1.0, color="0.7", linewidth=0.8)


def _figure_args(
    problem: Any, momentum_scales: Any, lr_scales: Any, steps: Any, scan_points: Any
) -> tuple[Problem, npt.NDArray[np.float64], npt.NDArray[np.float64], int, int]:
    """The arguments of :func:`capstone_figure` (and ``panels.capstone_panels``), checked."""
    problem = logistic_problem() if problem is None else _problem(problem)
    scales = _momentum_scales(problem, momentum_scales)
    lr_scales = as_float_array(lr_scales, "lr_scales", ndim=1)
    if np.any(lr_scales <= 0):
        raise ValueError(f"lr_scales must all be > 0; got lr_scales={lr_scales!r}")
    steps = positive_int(steps, "steps", minimum=2)
    scan_points = positive_int(scan_points, "scan_points", minimum=2)
    return problem, scales, lr_scales, steps, scan_points


def capstone_figure(
    problem: Problem | None = None,
    momentum_scales: Sequence[float] = (0.5, 1.0, 1.25),
    lr_scales: Sequence[float] = (1.0, 0.5),
    steps: int = 300,
    scan_points: int = 17,
    *,
    fig: Any = None,
) -> Any:
    """The chapter's static picture of the logistic-regression runs.

    Left: ``‖θ_k − θ*‖`` for the heavy ball at ``α*`` with ``β = β* · scale`` for each of
    ``momentum_scales``, and for gradient descent at its best step; each converging run has its
    predicted rate drawn as a dotted line. Right: the rate against ``β/β*`` for ``α = α* · scale``, each
    of ``lr_scales``: the prediction from the Hessian at ``θ*`` (line) and the measured rates (dots).

    ``problem``: a :class:`Problem` or None (:func:`logistic_problem`'s default); ``momentum_scales`` a
    1-d array keeping β*·scale in [0, 1); ``lr_scales`` numbers > 0; ``steps`` and ``scan_points``
    integers ≥ 2; ``fig`` None or a matplotlib Figure (ValueError/TypeError naming the argument
    otherwise). The rate scan runs over ``scan_points`` momenta from 0 to 1.6 β*, which must stay below 1.
    """
    import matplotlib.pyplot as plt

    from momentum_lab import plotting

    problem, chosen_scales, chosen_lr_scales, steps, scan_points = _figure_args(
        problem, momentum_scales, lr_scales, steps, scan_points
    )
    if check_figure(fig) is None:
        fig = plt.figure(figsize=(11, 4.2))
    ax_dist, ax_rate = fig.subplots(1, 2)
    max_scale = 1.6
    _setup_axes(ax_dist, ax_rate, problem, steps, max_scale)
    gd = momentum_run(problem, problem.gd_lr, 0.0, steps)
    ax_dist.plot(
        gd["distances"],
        color="black",
        linestyle="--",
        linewidth=1.2,
        label=f"gradient descent, $2/(\\mu+L)$: rate {gd['measured'].rate:.3f}",
    )
    for i, scale in enumerate(chosen_scales):
        run = momentum_run(problem, problem.lr_star, problem.momentum_star * scale, steps)
        color = plotting.PALETTE[i % len(plotting.PALETTE)]
        verdict = f"rate {run['measured'].rate:.3f}" if run["converged"] else "does not converge"
        ax_dist.plot(
            run["distances"], color=color, label=f"$\\alpha^\\star$, $\\beta = {scale:g}\\,\\beta^\\star$: {verdict}"
        )
        if run["converged"]:
            ax_dist.plot(*_anchored_line(run, steps), color=color, linestyle=":", linewidth=1.0)
    ax_dist.legend(loc="lower left", fontsize=7.5)
    ax_dist.set_title(f"logistic regression, $\\kappa$ = {problem.kappa:.1f} at $\\theta^\\star$")
    fine = np.linspace(0.0, max_scale, 321)
    scales = np.linspace(0.0, max_scale, scan_points)
    for i, lr_scale in enumerate(chosen_lr_scales):
        color = plotting.PALETTE[(i + 4) % len(plotting.PALETTE)] if i else plotting.PALETTE[1]
        lr = problem.lr_star * lr_scale
        name = "\\alpha^\\star" if lr_scale == 1 else f"{lr_scale:g}\\,\\alpha^\\star"
        ax_rate.plot(fine, _predicted_curve(problem, lr, fine), color=color, label=f"predicted, $\\alpha = {name}$")
        scan = rate_scan(problem, lr, scales, steps)
        ok = scan["converged"]
        ax_rate.plot(
            scales[ok],
            scan["measured"][ok],
            linestyle="none",
            marker="o",
            markersize=5,
            color=color,
            markeredgecolor="black",
            markeredgewidth=0.5,
            label="measured (dots)" if i == 0 else None,
        )
        ax_rate.plot(
            scales[~ok],
            np.full((~ok).sum(), 1.0),
            linestyle="none",
            marker="x",
            markersize=6,
            color=color,
            label=f"no convergence in {steps} steps (×)" if i == 0 else None,
        )
    ax_rate.legend(loc="lower right", fontsize=8)
    ax_rate.set_title("rate: prediction from the Hessian at $\\theta^\\star$ vs measurement")
    fig.tight_layout()
    return fig


def capstone_widget(problem: Problem | None = None, steps: int = 200) -> Any:
    """Sliders for ``α/α*`` and ``β/β*``; shows ``‖θ_k − θ*‖`` and the rate, measured and predicted.

    The axes, the reference run at ``(α*, β*)`` and gradient descent are drawn once; a slider move
    recomputes one run and redraws the moving lines (:class:`~momentum_lab.widgets._base.BlitFigure`).
    ``problem`` must be a :class:`Problem` or None, ``steps`` an integer ≥ 2.
    """
    if problem is not None:
        _problem(problem)
    steps = positive_int(steps, "steps", minimum=2)
    import ipywidgets as w
    from matplotlib.figure import Figure

    from momentum_lab import plotting
    from momentum_lab.widgets._base import BlitFigure, figure_image, titled_box

    problem = logistic_problem() if problem is None else problem
    max_scale = 1.6
    lr_scale = w.FloatSlider(
        value=1.0, min=0.1, max=2.0, step=0.005, description="α / α*", readout_format=".3f", continuous_update=False
    )
    momentum_scale = w.FloatSlider(
        value=1.0,
        min=0.0,
        max=max_scale,
        step=0.02,
        description="β / β*",
        readout_format=".2f",
        continuous_update=False,
    )
    status = w.HTML()
    image = figure_image()

    # A Figure outside pyplot: the widget owns it, and the notebook does not display it a second time.
    fig = Figure(figsize=(11, 4.2), dpi=80)
    ax_dist, ax_rate = fig.subplots(1, 2)
    _setup_axes(ax_dist, ax_rate, problem, steps, max_scale)
    reference = momentum_run(problem, problem.lr_star, problem.momentum_star, steps)
    gd = momentum_run(problem, problem.gd_lr, 0.0, steps)
    ax_dist.plot(reference["distances"], color="0.75", linewidth=2.5, label="$(\\alpha^\\star, \\beta^\\star)$")
    ax_dist.plot(gd["distances"], color="black", linestyle="--", linewidth=1.0, label="gradient descent, best step")
    ax_rate.plot([1.0], [reference["predicted"]], marker="*", color="0.4", markersize=11, linestyle="none")
    color = plotting.PALETTE[0]
    (run_line,) = ax_dist.plot([], [], color=color, linewidth=1.6, label="your $(\\alpha, \\beta)$")
    (slope_line,) = ax_dist.plot(
        [], [], color=plotting.PALETTE[3], linestyle=":", linewidth=1.4, label="predicted rate"
    )
    fine = np.linspace(0.0, max_scale, 161)
    (curve,) = ax_rate.plot([], [], color=color, label="predicted at your $\\alpha$")
    (predicted_dot,) = ax_rate.plot([], [], marker="o", color=color, markersize=7, linestyle="none")
    (measured_dot,) = ax_rate.plot(
        [], [], marker="o", color=plotting.PALETTE[3], markersize=6, linestyle="none", label="measured"
    )
    ax_dist.legend(loc="lower left", fontsize=8)
    ax_rate.legend(loc="lower right", fontsize=8)
    ax_dist.set_title("distance to the minimiser")
    ax_rate.set_title("rate per step")
    fig.tight_layout()
    blit = BlitFigure(fig, [run_line, slope_line, curve, predicted_dot, measured_dot])

    def redraw(_=None):
        lr = problem.lr_star * lr_scale.value
        momentum = min(problem.momentum_star * momentum_scale.value, 0.999)
        run = momentum_run(problem, lr, momentum, steps)
        d = np.clip(run["distances"], *DISTANCE_RANGE)
        run_line.set_data(np.arange(len(d)), d)
        if run["converged"]:
            slope_line.set_data(*_anchored_line(run, steps))
        else:
            slope_line.set_data([], [])
        curve.set_data(fine, _predicted_curve(problem, lr, fine))
        predicted_dot.set_data([momentum_scale.value], [min(run["predicted"], RATE_RANGE[1])])
        measured_dot.set_data([momentum_scale.value], [min(run["measured"].rate, RATE_RANGE[1])])
        image.value = blit.image_bytes()
        m = run["measured"]
        outcome = (
            f"measured {m.rate:.4f} (steps {m.start}–{m.stop})" if run["converged"] else "the run does not converge"
        )
        status.value = (
            f"α = {lr:.4g} ({lr_scale.value:.3f} α*), β = {momentum:.4f} "
            f"({momentum_scale.value:.2f} β*): predicted rate {run['predicted']:.4f}, {outcome}. "
            f"Optimum: α* = {problem.lr_star:.4g}, β* = {problem.momentum_star:.4f}, "
            f"rate {problem.rate_star:.4f}."
        )

    for control in (lr_scale, momentum_scale):
        control.observe(redraw, names="value")
    redraw()
    return titled_box(
        [w.HBox([lr_scale, momentum_scale]), status, image], "Momentum tuned by curvature, on logistic regression"
    )


def _check_mlp_args(
    runs: Any, spectrum: Any, stability_limit: Any, mu_star: Any, L_star: Any
) -> tuple[dict[str, Any], tuple[npt.NDArray[np.float64], ...], float, float, float]:
    """The arguments of :func:`mlp_figure` (and ``panels.mlp_panels``) checked: ValueError/TypeError naming them.

    ``runs`` a non-empty dict ``{label: (distances, measured, predictions)}`` with ``distances`` a
    non-empty 1-d array of finite numbers ≥ 0, ``measured`` a :class:`~momentum_lab.theory.Rate` and
    ``predictions`` a dict of rates; ``spectrum`` three 1-d arrays of one length; the three numbers
    finite with ``stability_limit`` > 0.
    """
    if not isinstance(runs, Mapping) or not runs:
        raise TypeError(f"runs must be a non-empty dict {{label: (distances, measured, predictions)}}; got {runs!r}")
    checked = {}
    for label, entry in runs.items():
        if not isinstance(entry, (tuple, list)) or len(entry) != 3:
            raise TypeError(f"runs[{label!r}] must be (distances, measured, predictions); got {entry!r}")
        distances, measured, predictions = entry
        distances = as_float_array(distances, f"runs[{label!r}] distances", ndim=1)
        if np.any(distances < 0):
            raise ValueError(f"runs[{label!r}] distances must be >= 0; got {distances!r}")
        if not hasattr(measured, "start") or not hasattr(measured, "rate"):
            raise TypeError(
                f"runs[{label!r}] measured must be a Rate (from measured_rate); got {type(measured).__name__}"
            )
        if not isinstance(predictions, Mapping) or not all(isinstance(v, numbers.Real) for v in predictions.values()):
            raise TypeError(f"runs[{label!r}] predictions must be a dict {{label: rate}}; got {predictions!r}")
        checked[label] = (distances, measured, predictions)
    if not isinstance(spectrum, (tuple, list)) or len(spectrum) != 3:
        raise TypeError(f"spectrum must be (steps, smallest, largest); got {type(spectrum).__name__}")
    parts = tuple(as_float_array(a, f"spectrum[{i}]", ndim=1) for i, a in enumerate(spectrum))
    if len({len(a) for a in parts}) != 1:
        raise ValueError(f"spectrum's three arrays must have one length; got {[len(a) for a in parts]}")
    return (
        checked,
        parts,
        positive(stability_limit, "stability_limit"),
        real_number(mu_star, "mu_star"),
        real_number(L_star, "L_star"),
    )


def mlp_figure(
    runs: dict[str, Any],
    spectrum: Sequence[npt.ArrayLike],
    *,
    stability_limit: float,
    mu_star: float,
    L_star: float,
    fig: Any = None,
) -> Any:
    """The MLP's honest look: distances of runs (left) and the Hessian's extreme eigenvalues along a path.

    Args:
        runs: ``{label: (distances, measured, predictions)}``: ``distances`` to the run's own limit,
            ``measured`` a :class:`~momentum_lab.theory.Rate` (its window anchors the predicted lines),
            ``predictions`` a dict ``{label: predicted rate}``, each drawn as a dotted line.
        spectrum: ``(steps, smallest, largest)``, three 1-d arrays: eigenvalues of ``H(θ_k)`` at those k.
        stability_limit: ``2(1 + β)/α``, the largest curvature the chosen pair tolerates.
        mu_star, L_star: the extreme eigenvalues at the minimiser used for tuning.
        fig: None (a new figure) or a matplotlib Figure.

    Raises:
        ValueError, TypeError: naming the argument that is malformed (the checks of the model's arguments).
    """
    import matplotlib.pyplot as plt

    from momentum_lab import plotting

    runs, spectrum, stability_limit, mu_star, L_star = _check_mlp_args(runs, spectrum, stability_limit, mu_star, L_star)
    if check_figure(fig) is None:
        fig = plt.figure(figsize=(11, 4.2))
    ax_dist, ax_eig = fig.subplots(1, 2)
    longest = 0
    for i, (label, (distances, measured, predictions)) in enumerate(runs.items()):
        color = plotting.PALETTE[i % len(plotting.PALETTE)]
        d = np.clip(np.asarray(distances, dtype=float), *DISTANCE_RANGE)
        longest = max(longest, len(d) - 1)
        ax_dist.semilogy(d, color=color, label=f"{label}: measured {measured.rate:.3f}")
        k = np.arange(measured.start, measured.stop + 1)
        for j, (name, predicted) in enumerate(predictions.items()):
            style = (":", "-.", "--")[j % 3]
            line = distances[measured.start] * predicted ** (k - measured.start).astype(float)
            ax_dist.semilogy(
                k,
                np.clip(line, *DISTANCE_RANGE),
                color=color,
                linestyle=style,
                linewidth=1.3,
                label=f"   {name}: {predicted:.3f}",
            )
    ax_dist.set_ylim(*DISTANCE_RANGE)
    ax_dist.set_xlim(0, longest)
    ax_dist.set_xlabel("step $k$")
    ax_dist.set_ylabel(r"$\|\theta_k - \hat\theta\|$ (to the run's own limit)")
    ax_dist.legend(loc="lower left", fontsize=8)
    ax_dist.set_title("tanh MLP, heavy ball tuned to minimum A")
    steps, smallest, largest = (np.asarray(a, dtype=float) for a in spectrum)
    ax_eig.plot(steps, largest, marker="o", markersize=4, color=plotting.PALETTE[0], label="largest eigenvalue")
    ax_eig.plot(steps, smallest, marker="s", markersize=4, color=plotting.PALETTE[3], label="smallest eigenvalue")
    ax_eig.axhline(
        stability_limit,
        color=plotting.PALETTE[0],
        linestyle="--",
        linewidth=1.0,
        label="$2(1+\\beta^\\star)/\\alpha^\\star$ (stable below)",
    )
    ax_eig.axhline(L_star, color="0.5", linestyle=":", linewidth=1.0, label="$L$ at minimum A")
    ax_eig.axhline(mu_star, color="0.5", linestyle="-.", linewidth=1.0, label="$\\mu$ at minimum A")
    ax_eig.axhline(0.0, color="black", linewidth=0.6)
    ax_eig.set_xscale("symlog", linthresh=10)
    ax_eig.set_xlim(0, 1.2 * steps.max())
    ax_eig.set_xlabel("step $k$ (linear to 10, then logarithmic)")
    ax_eig.set_ylabel("eigenvalue of $\\nabla^2 f(\\theta_k)$")
    ax_eig.legend(loc="lower right", fontsize=8)
    ax_eig.set_title("curvature along the run from $\\theta_0$")
    fig.tight_layout()
    return fig


def _check_decision_args(
    X: Any, y: Any, panels: Any, n: Any
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], list[Any], int]:
    """The arguments of :func:`decision_figure` (and ``panels.decision_panels``) checked.

    ``X`` a finite (m, 2) array, ``y`` m labels in {0, 1}, ``panels`` a non-empty list of
    ``(title, probability)`` with a str title and a callable, ``n`` an integer ≥ 2; ValueError/TypeError
    naming the argument otherwise.
    """
    X = as_float_array(X, "X", ndim=2)
    if X.shape[1] != 2:
        raise ValueError(f"X must have shape (m, 2); got shape {X.shape}")
    y = as_float_array(y, "y", ndim=1)
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have one label per row of X, shape ({X.shape[0]},); got shape {y.shape}")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError(f"y must hold 0/1 labels; got values {np.unique(y)!r}")
    if isinstance(panels, (str, bytes)) or not isinstance(panels, Sequence):
        raise TypeError(f"panels must be a list of (title, probability); got {type(panels).__name__}")
    if not panels:
        raise ValueError("panels must hold at least one (title, probability) pair; got none")
    for i, entry in enumerate(panels):
        if not (
            isinstance(entry, (tuple, list)) and len(entry) == 2 and isinstance(entry[0], str) and callable(entry[1])
        ):
            raise TypeError(f"panels[{i}] must be (title, probability function); got {entry!r}")
    return X, y, list(panels), positive_int(n, "n", minimum=2)


def _probability_grid(
    probability: Callable[..., Any], grid: npt.NDArray[np.float64], shape: tuple[int, ...], name: str
) -> npt.NDArray[np.float64]:
    """``probability(grid)`` as an array of ``shape``: one finite probability in [0, 1] per grid point.

    Raises ValueError/TypeError naming ``name`` when the function returns anything else.
    """
    values = as_float_array(probability(grid), f"{name} probability(points)")
    if values.size != int(np.prod(shape)):
        raise ValueError(
            f"{name} probability(points) must return one value per point ({grid.shape[0]}); got shape {values.shape}"
        )
    if np.any(values < 0) or np.any(values > 1):
        raise ValueError(
            f"{name} probability(points) must return probabilities in [0, 1]; got values in "
            f"[{values.min():g}, {values.max():g}]"
        )
    return values.reshape(shape)


def decision_figure(
    X: npt.ArrayLike,
    y: npt.ArrayLike,
    panels: Sequence[tuple[str, Callable[..., Any]]],
    *,
    n: int = 201,
    fig: Any = None,
) -> Any:
    """The data and, per panel, a model's decision boundary ``p = ½`` and its probability shading.

    Args:
        X, y: the 2-d inputs, shape (m, 2), and their 0/1 labels, shape (m,).
        panels: ``[(title, probability)]`` where ``probability(points)`` maps an ``(m, 2)`` array of
            inputs to the predicted probability of class 1.
        n: grid points per axis of the shading, an integer ≥ 2.
        fig: None (a new figure) or a matplotlib Figure.

    Raises:
        ValueError, TypeError: naming the argument that is malformed (the checks of the figure's arguments).
    """
    import matplotlib.pyplot as plt

    from momentum_lab import plotting

    X, y, panels, n = _check_decision_args(X, y, panels, n)
    if check_figure(fig) is None:
        fig = plt.figure(figsize=(4.2 * len(panels), 3.8))
    axes = np.atleast_1d(fig.subplots(1, len(panels)))
    pad = 0.5
    (x0, y0), (x1, y1) = X.min(axis=0) - pad, X.max(axis=0) + pad
    gx, gy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1)
    for index, (ax, (title, probability)) in enumerate(zip(axes, panels)):
        p = _probability_grid(probability, grid, gx.shape, f"panels[{index}]")
        ax.contourf(gx, gy, p, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.35)
        ax.contour(gx, gy, p, levels=[0.5], colors="black", linewidths=1.2)
        for label, color, marker in ((0, plotting.PALETTE[0], "o"), (1, plotting.PALETTE[3], "^")):
            pts = X[y == label]
            ax.scatter(
                pts[:, 0],
                pts[:, 1],
                s=12,
                color=color,
                marker=marker,
                edgecolor="white",
                linewidth=0.3,
                label=f"class {label}",
            )
        ax.set_title(title)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel("$x_1$ (standardised)")
        ax.set_ylabel("$x_2$ (standardised)")
    axes[0].legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------------- the page's explorer
#
# The published page runs the widget's run in the reader's browser (book/_static/explorers/capstone.js),
# on the problem's numbers written at build time to data/capstone.js; tests/test_explorers.py checks that
# it computes what these functions compute.

#: β/β* and the predicted-rate curve of the widget's right panel.
PAGE_MAX_SCALE = 1.6
PAGE_CURVE_POINTS = 161


@functools.lru_cache(maxsize=1)
def _page_problem():
    return logistic_problem()


def _run_json(run):
    return {
        "distances": run["distances"],
        "measured": {"rate": run["measured"].rate, "start": run["measured"].start, "stop": run["measured"].stop},
        "predicted": run["predicted"],
        "converged": run["converged"],
    }


def _web_capstone(lr_scale=1.0, momentum_scale=1.0, steps=200):
    """What :func:`capstone_widget` draws for its two sliders, on the chapter's :func:`logistic_problem`.

    ``lr = α*·lr_scale`` and ``momentum = min(β*·momentum_scale, 0.999)`` as the widget sets them; ``run``
    is :func:`momentum_run` at that pair (its ``measured`` Rate as a dict), ``curve`` the predicted rate at
    ``lr`` for β/β* = ``scales`` (capped at the plot's top, as ``_predicted_curve``), and ``reference`` and
    ``gd`` the distances and predicted rates of the widget's two fixed runs: (α*, β*) and gradient descent
    at its best step.
    """
    problem = _page_problem()
    lr = problem.lr_star * lr_scale
    momentum = min(problem.momentum_star * momentum_scale, 0.999)
    scales = np.linspace(0.0, PAGE_MAX_SCALE, PAGE_CURVE_POINTS)
    return {
        "lr": lr,
        "momentum": momentum,
        "run": _run_json(momentum_run(problem, lr, momentum, steps)),
        "scales": scales,
        "curve": _predicted_curve(problem, lr, scales),
        "reference": _fixed_run_json(momentum_run(problem, problem.lr_star, problem.momentum_star, steps)),
        "gd": _fixed_run_json(momentum_run(problem, problem.gd_lr, 0.0, steps)),
    }


def _fixed_run_json(run):
    """What the widget draws of its two fixed runs: the distances and the predicted rate (not the measured
    rate, which it does not show and which, as a ratio of distances near 1e-10, is only known to ~1e-8)."""
    return {"distances": run["distances"], "predicted": run["predicted"]}


def _web_capstone_sample(rng):
    """The widget's sliders over their whole ranges: α/α* in [0.1, 2] (above about 1.05 the run leaves the
    region where the quadratic theory holds and wanders), β/β* in [0, 1.6] (capped at β = 0.999); now and
    then an end of a slider or the tuned pair (1, 1)."""
    if rng.random() < 0.1:
        return {"lr_scale": 1.0, "momentum_scale": 1.0, "steps": 200}

    def ends_or(lo, hi):
        return float(rng.choice([lo, hi])) if rng.random() < 0.15 else float(rng.uniform(lo, hi))

    return {"lr_scale": ends_or(0.1, 2.0), "momentum_scale": ends_or(0.0, PAGE_MAX_SCALE), "steps": 200}


def _web_capstone_nudges(params):
    """The setting with α/α* and β/β* each moved one unit in the last place, both ways.

    Where the heavy ball is unstable somewhere along its path (α above about α*), the logistic loss keeps
    it bounded but chaotic: a one-ulp change anywhere (the order in which BLAS adds a dot product, the last
    bit of an ``exp``) grows threefold a step and reaches the size of the run within a few dozen steps, so
    the library's own result moves as much under these nudges as the page's differs from it. The measured
    rate of a converging run is also only known to about 1e-8: it divides two distances, one of them near
    1e-10·‖θ₀ − θ*‖, where rounding leaves about 1e-15·‖θ*‖.
    """
    out = []
    for key in ("lr_scale", "momentum_scale"):
        for direction in (-np.inf, np.inf):
            moved = float(np.nextafter(float(params[key]), direction))
            if moved >= 0:  # β/β* = 0 has no smaller valid neighbour
                out.append({**params, key: moved})
    return out


def _web_capstone_params(args, kwargs):
    """``capstone_widget(problem, steps)``: the page runs as many steps (the problem is always the chapter's)."""
    steps = kwargs.get("steps", args[1] if len(args) > 1 else 200)
    return {"steps": int(steps)}


def _web_capstone_data():
    """The problem's numbers, which come from NumPy's generator (the moons, θ₀) and Newton's method (θ*)."""
    problem = _page_problem()
    return {
        "X": problem.model.X,
        "y": problem.model.y,
        "l2": problem.model.l2,
        "theta0": problem.theta0,
        "theta_star": problem.theta_star,
        "mu": problem.mu,
        "L": problem.L,
        "lr_star": problem.lr_star,
        "momentum_star": problem.momentum_star,
        "rate_star": problem.rate_star,
        "gd_lr": problem.gd_lr,
        "gd_rate": problem.gd_rate,
        "distance_range": DISTANCE_RANGE,
        "rate_range": RATE_RANGE,
    }


def _web_explorers():
    from momentum_lab.widgets.web import Explorer

    return {
        "capstone": Explorer(
            name="capstone",
            compute=_web_capstone,
            sample=_web_capstone_sample,
            widget="capstone_widget",
            page_params=_web_capstone_params,
            data=_web_capstone_data,
            nudges=_web_capstone_nudges,
            # The measured rate (d_stop / d_start)^(1/(stop − start)) divides by a
            # distance near 1e-10·‖θ₀ − θ*‖ that rounding knows only to ~1e-15·‖θ*‖,
            # so it carries a relative uncertainty up to ~1e-7 (6e-8 at most between
            # BLAS and NumPy's own sums over 1,287 settings): two correct float64
            # runs agree on it to about that, not to 1e-12. The distances themselves
            # agree to ~1e-15 of their largest value where the run is not chaotic,
            # and are held to the default 1e-12.
            loose={"run.measured": 1e-6},
        )
    }


#: The page's live version of :func:`capstone_widget`.
EXPLORERS = _web_explorers()
