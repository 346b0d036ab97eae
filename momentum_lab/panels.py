"""Static figures of the loss chapters and the capstone, drawn as one figure per panel.

A figure with three panels side by side has to shrink to a third of a phone's width, and its labels
with it. The functions here draw the same pictures as the explorers' static figures
(:mod:`momentum_lab.widgets.losses`, :mod:`momentum_lab.widgets.capstone`), from the same computations,
but each panel is its own pyplot figure: a chapter outputs them from one cell tagged ``panels``, and the
page lays them side by side where there is room and stacks them on a phone.

Every figure is at most ``PANEL_WIDTH`` inches wide, uses the course's palette and leaves text at
the sizes of :func:`momentum_lab.plotting.use_course_style` (no font under
``momentum_lab.plotting.MIN_FONT_SIZE`` points). Labels are plain Unicode rather than mathtext, which
renders small. matplotlib is imported when a function is called, not when the module is imported.

Arguments are checked as the explorers check them, and a bad one raises ValueError/TypeError naming it
(an unknown loss family, masks of different shapes, a ``problem`` that is not a ``Problem``, momentum
scales that push β* · scale to 1 or beyond, malformed ``runs``/``spectrum``/``panels``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

#: Width and height (inches) of one panel.
PANEL_WIDTH = 5.0
PANEL_HEIGHT = 3.6

_LOSS_TITLES = {"value": "loss", "slope": "slope (first derivative)", "curvature": "curvature (second derivative)"}


def _figures(count: int, size: tuple[float, float] = (PANEL_WIDTH, PANEL_HEIGHT)) -> tuple[list[Any], list[Any]]:
    import matplotlib.pyplot as plt

    figures = [plt.figure(figsize=size) for _ in range(count)]
    return figures, [fig.add_subplot() for fig in figures]


def _finish(figures: list[Any]) -> list[Any]:
    for fig in figures:
        fig.tight_layout()
    return figures


def loss_panels(
    family: str = "regression", names: str | Sequence[str] | None = None, point: float = 1.5, delta: float = 1.0
) -> list[Any]:
    """Three figures: each loss of ``family``, its slope and its curvature, with ``point`` marked.

    The arguments are those of :func:`momentum_lab.widgets.losses.explore_losses`. The legend is on the
    first figure; the colours and line styles are the same in all three.
    """
    from momentum_lab.widgets.losses import _draw_loss_curves, explore_losses

    run = explore_losses(family, names, point, delta)
    figures, axes = _figures(3)
    _draw_loss_curves(axes, run)
    for ax, kind in zip(axes, ("value", "slope", "curvature")):
        ax.set_title(_LOSS_TITLES[kind])
    if "huber" in run["curves"]:
        axes[0].set_title(f"loss (Huber δ = {run['delta']:g})")
    for ax in axes:
        ax.set_xlabel("residual e = ŷ − y" if run["family"] == "regression" else "margin m = y·f")
    axes[0].legend(loc="upper center" if run["family"] == "regression" else "upper right")
    return _finish(figures)


def overlap_panels(g: npt.ArrayLike, predictions: Mapping[str, npt.ArrayLike]) -> list[Any]:
    """One small figure per prediction: its overlap with the true mask ``g`` (TP, FP, FN coloured).

    ``predictions`` maps a title (a str) to a probability map shaped like ``g``; ``g`` and every map
    must be 2-d with values in [0, 1] (ValueError/TypeError naming them otherwise). The first figure
    carries the colour key.
    """
    from matplotlib.patches import Patch

    from momentum_lab import plotting
    from momentum_lab.widgets.losses import _check_masks, overlap_image

    if not isinstance(predictions, Mapping) or not predictions:
        raise TypeError(f"predictions must be a non-empty dict of title: map; got {type(predictions).__name__}")
    maps = {}
    for title, p in predictions.items():
        if not isinstance(title, str):
            raise TypeError(f"predictions' titles must be str; got {title!r}")
        maps[title] = _check_masks(g, p, "g", f"predictions[{title!r}]")
    figures, axes = _figures(len(maps), size=(3.2, 3.6))
    for index, (ax, (title, (g_checked, p_checked))) in enumerate(zip(axes, maps.items())):
        ax.imshow(overlap_image(g_checked, p_checked), interpolation="nearest")
        ax.set_title(title)
        ax.set_axis_off()
        if index == 0:
            ax.legend(
                handles=[
                    Patch(color=plotting.PALETTE[i], label=label) for i, label in ((2, "TP"), (1, "FP"), (0, "FN"))
                ],
                loc="upper center",
                ncol=3,
                bbox_to_anchor=(0.5, 0.0),
                frameon=False,
                handlelength=1.0,
                columnspacing=0.8,
            )
    return _finish(figures)


def segmentation_panels(
    shift: float = 0.0,
    radius: float = 8.0,
    softness: float = 0.0,
    alpha: float = 0.3,
    beta: float = 0.7,
    gamma: float = 4 / 3,
    *,
    true_radius: float = 8.0,
    size: int = 32,
    smooth: float = 1.0,
) -> list[Any]:
    """Three figures: the overlap map, each loss against the predicted radius, and the losses now.

    The arguments are those of :func:`momentum_lab.widgets.losses.explore_segmentation`; ``alpha`` and
    ``beta`` are the Tversky weights of false positives and false negatives.
    """
    from matplotlib.patches import Patch

    from momentum_lab import plotting
    from momentum_lab.widgets.losses import _draw_segmentation, explore_segmentation

    run = explore_segmentation(
        shift, radius, softness, alpha, beta, gamma, true_radius=true_radius, size=size, smooth=smooth
    )
    (map_fig, sweep_fig, bars_fig), (ax_map, ax_sweep, ax_bars) = _figures(3)
    map_fig.set_size_inches(3.6, 3.9)
    bars_fig.set_size_inches(4.2, PANEL_HEIGHT)
    _draw_segmentation((ax_map, ax_sweep, ax_bars), run)
    ax_map.legend(
        handles=[Patch(color=plotting.PALETTE[i], label=label) for i, label in ((2, "TP"), (1, "FP"), (0, "FN"))],
        loc="upper center",
        ncol=3,
        bbox_to_anchor=(0.5, 0.0),
        frameon=False,
        handlelength=1.0,
        columnspacing=0.8,
    )
    ax_map.set_title(f"TP {run['tp']:.0f}, FP {run['fp']:.0f}, FN {run['fn']:.0f}")
    ax_sweep.legend(loc="upper right")
    ax_sweep.set_xlabel("predicted radius (dotted: true radius)")
    p = run["params"]
    ax_bars.set_title(f"losses now (w_FP = {p['alpha']:g}, w_FN = {p['beta']:g})")
    return _finish([map_fig, sweep_fig, bars_fig])


def _outside_legend(ax: Any, rows_below: bool = True) -> None:
    """A legend under the axes, so that it covers no data (the figure grows to hold it)."""
    if rows_below:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.36), ncol=1, frameon=False)


def capstone_panels(
    problem: Any = None,
    momentum_scales: Sequence[float] = (0.5, 1.0, 1.25),
    lr_scales: Sequence[float] = (1.0, 0.5),
    steps: int = 300,
    scan_points: int = 17,
) -> list[Any]:
    """Two figures of the logistic-regression runs (the content of ``capstone_figure``, one per panel).

    First: ``‖θ_k − θ*‖`` for the heavy ball at ``α*`` with ``β = β* · scale`` for each of
    ``momentum_scales``, and for gradient descent at its best step, with each converging run's predicted
    rate as a dotted line. Second: the rate against ``β/β*`` for ``α = α* · scale``, each of
    ``lr_scales``: the prediction from the Hessian at ``θ*`` (line) and the measured rates (dots; a cross
    where a run had not converged after ``steps`` steps).

    The arguments are checked as in :func:`momentum_lab.widgets.capstone.capstone_figure`.
    """
    from momentum_lab import plotting
    from momentum_lab.widgets.capstone import (
        _anchored_line,
        _figure_args,
        _predicted_curve,
        _setup_axes,
        momentum_run,
        rate_scan,
    )

    problem, chosen_scales, chosen_lr_scales, steps, scan_points = _figure_args(
        problem, momentum_scales, lr_scales, steps, scan_points
    )
    figures, (ax_dist, ax_rate) = _figures(2, size=(PANEL_WIDTH, 4.0))
    max_scale = 1.6
    _setup_axes(ax_dist, ax_rate, problem, steps, max_scale)
    ax_dist.set_ylabel("‖θₖ − θ*‖")
    ax_dist.set_xlabel("step k")
    ax_rate.set_xlabel("momentum β / β*")
    gd = momentum_run(problem, problem.gd_lr, 0.0, steps)
    ax_dist.plot(
        gd["distances"],
        color="black",
        linestyle="--",
        linewidth=1.2,
        label=f"gradient descent, step 2/(μ+L): rate {gd['measured'].rate:.3f}",
    )
    for i, scale in enumerate(chosen_scales):
        run = momentum_run(problem, problem.lr_star, problem.momentum_star * scale, steps)
        color = plotting.PALETTE[i % len(plotting.PALETTE)]
        verdict = f"rate {run['measured'].rate:.3f}" if run["converged"] else "does not converge"
        ax_dist.plot(
            run["distances"],
            color=color,
            linestyle=plotting.LINESTYLES[(i + 1) % 4],
            label=f"α*, β = {scale:g} β*: {verdict}",
        )
        if run["converged"]:
            ax_dist.plot(*_anchored_line(run, steps), color=color, linestyle=":", linewidth=1.0)
    ax_dist.set_title(f"distance to θ* (κ = {problem.kappa:.1f})")
    _outside_legend(ax_dist)
    fine = np.linspace(0.0, max_scale, 321)
    scales = np.linspace(0.0, max_scale, scan_points)
    for i, lr_scale in enumerate(chosen_lr_scales):
        color = plotting.PALETTE[(i + 4) % len(plotting.PALETTE)] if i else plotting.PALETTE[1]
        lr = problem.lr_star * lr_scale
        name = "α*" if lr_scale == 1 else f"{lr_scale:g} α*"
        ax_rate.plot(
            fine,
            _predicted_curve(problem, lr, fine),
            color=color,
            linestyle=plotting.LINESTYLES[i % 4],
            label=f"predicted, α = {name}",
        )
        scan = rate_scan(problem, lr, scales, steps)
        ok = scan["converged"]
        ax_rate.plot(
            scales[ok],
            scan["measured"][ok],
            linestyle="none",
            marker="o",
            markersize=6,
            color=color,
            markeredgecolor="black",
            markeredgewidth=0.5,
            label=f"measured, α = {name}",
        )
        ax_rate.plot(
            scales[~ok],
            np.full((~ok).sum(), 1.0),
            linestyle="none",
            marker="x",
            markersize=7,
            color=color,
            label=f"not converged in {steps} steps" if i == 0 else None,
        )
    ax_rate.set_title("rate: predicted and measured")
    _outside_legend(ax_rate)
    return _finish(figures)


def mlp_panels(
    runs: dict[str, Any], spectrum: Sequence[npt.ArrayLike], *, stability_limit: float, mu_star: float, L_star: float
) -> list[Any]:
    """Two figures of the network's runs (the content of ``mlp_figure``, one per panel).

    Args:
        runs: ``{label: (distances, measured, predictions)}``: ``distances`` to the run's own limit,
            ``measured`` a :class:`~momentum_lab.theory.Rate` (its window anchors the predicted lines),
            ``predictions`` a dict ``{label: predicted rate}``, each drawn as a dotted line.
        spectrum: ``(steps, smallest, largest)``, three 1-d arrays: eigenvalues of ``H(θ_k)`` at those k.
        stability_limit: ``2(1 + β)/α``, the largest curvature the chosen pair tolerates.
        mu_star, L_star: the extreme eigenvalues at the minimiser used for tuning.

    Raises:
        ValueError, TypeError: naming the malformed argument (the checks of the capstone's figures).
    """
    from momentum_lab import plotting
    from momentum_lab.widgets.capstone import DISTANCE_RANGE, _check_mlp_args

    runs, spectrum, stability_limit, mu_star, L_star = _check_mlp_args(runs, spectrum, stability_limit, mu_star, L_star)
    figures, (ax_dist, ax_eig) = _figures(2, size=(PANEL_WIDTH, 4.0))
    longest = 0
    for i, (label, (distances, measured, predictions)) in enumerate(runs.items()):
        color = plotting.PALETTE[i % len(plotting.PALETTE)]
        d = np.clip(np.asarray(distances, dtype=float), *DISTANCE_RANGE)
        longest = max(longest, len(d) - 1)
        ax_dist.semilogy(d, color=color, label=f"{label}: measured {measured.rate:.3f}")
        k = np.arange(measured.start, measured.stop + 1)
        for j, (name, predicted) in enumerate(predictions.items()):
            line = distances[measured.start] * predicted ** (k - measured.start).astype(float)
            ax_dist.semilogy(
                k,
                np.clip(line, *DISTANCE_RANGE),
                color=color,
                linestyle=(":", "-.", "--")[j % 3],
                linewidth=1.4,
                label=f"{label}, {name}: {predicted:.3f}",
            )
    ax_dist.set_ylim(*DISTANCE_RANGE)
    ax_dist.set_xlim(0, longest)
    ax_dist.set_xlabel("step k")
    ax_dist.set_ylabel("distance to the run's limit")
    ax_dist.set_title("network, heavy ball tuned to minimum A")
    _outside_legend(ax_dist)
    steps, smallest, largest = (np.asarray(a, dtype=float) for a in spectrum)
    ax_eig.plot(steps, largest, marker="o", markersize=6, color=plotting.PALETTE[0], label="largest eigenvalue")
    ax_eig.plot(
        steps,
        smallest,
        marker="s",
        markersize=6,
        color=plotting.PALETTE[3],
        linestyle="--",
        label="smallest eigenvalue",
    )
    ax_eig.axhline(
        stability_limit, color=plotting.PALETTE[0], linestyle="-.", linewidth=1.2, label="stability limit 2(1 + β*)/α*"
    )
    ax_eig.axhline(L_star, color="0.45", linestyle=":", linewidth=1.2, label="L at minimum A")
    ax_eig.axhline(mu_star, color="0.45", linestyle=(0, (6, 2)), linewidth=1.2, label="μ at minimum A")
    ax_eig.axhline(0.0, color="black", linewidth=0.6)
    ax_eig.set_xscale("symlog", linthresh=10)
    ax_eig.set_xlim(0, 1.2 * steps.max())
    ax_eig.set_xlabel("step k (linear to 10, then log)")
    ax_eig.set_ylabel("Hessian eigenvalue")
    ax_eig.set_title("curvature along the run from θ₀")
    _outside_legend(ax_eig)
    return _finish(figures)


def decision_panels(
    X: npt.ArrayLike, y: npt.ArrayLike, panels: Sequence[tuple[str, Callable[..., Any]]], *, n: int = 201
) -> list[Any]:
    """One figure per model: the data, its decision boundary ``p = ½`` and its probability shading.

    Args:
        X, y: the 2-d inputs, shape (m, 2), and their 0/1 labels, shape (m,).
        panels: ``[(title, probability)]`` where ``probability(points)`` maps an ``(m, 2)`` array of
            inputs to the predicted probability of class 1.
        n: grid points per axis of the shading, an integer ≥ 2.

    Raises:
        ValueError, TypeError: naming the malformed argument (the checks of the capstone's decision
            figure), or a probability function that does not return one finite probability per point.
    """
    from momentum_lab import plotting
    from momentum_lab.widgets.capstone import _check_decision_args, _probability_grid

    X, y, panels, n = _check_decision_args(X, y, panels, n)
    figures, axes = _figures(len(panels), size=(4.4, 4.4))
    pad = 0.5
    (x0, y0), (x1, y1) = X.min(axis=0) - pad, X.max(axis=0) + pad
    gx, gy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1)
    for index, (ax, (title, probability)) in enumerate(zip(axes, panels)):
        p = _probability_grid(probability, grid, gx.shape, f"panels[{index}]")
        ax.contourf(gx, gy, p, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.35)
        ax.contour(gx, gy, p, levels=[0.5], colors="black", linewidths=1.4)
        for label, color, marker in ((0, plotting.PALETTE[0], "o"), (1, plotting.PALETTE[3], "^")):
            pts = X[y == label]
            ax.scatter(
                pts[:, 0],
                pts[:, 1],
                s=22,
                color=color,
                marker=marker,
                edgecolor="white",
                linewidth=0.4,
                label=f"class {label}",
            )
        ax.set_title(title)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel("x₁ (standardised)")
        ax.set_ylabel("x₂ (standardised)")
        if index == 0:
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, frameon=False)
    return _finish(figures)
