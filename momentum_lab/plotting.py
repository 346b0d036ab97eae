"""Plotting helpers shared by the chapters and widgets (matplotlib is imported on first use).

The palette is Okabe and Ito's, which stays distinguishable under the common colour-vision deficiencies.

The drawing helpers check what they draw and name a bad argument (TypeError/ValueError): a landscape
without ``grid``/``value``/``minimizers``/``bounds``, iterates that are not a (k, 2) array of real
numbers, losses that are not a 1-d array of real numbers, a count or a size that is not a positive
number, a ``log`` that is not True or False. NaN and infinities in iterates and losses (a diverged run)
are allowed and leave a gap in the line.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from momentum_lab._validate import as_real_array, flag, positive, positive_int, real_number

#: Okabe–Ito colour-blind-safe palette.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
LINESTYLES = ("-", "--", "-.", ":")


def _plt() -> Any:
    import matplotlib.pyplot as plt

    return plt


#: The smallest font size (points) the course's figures use; see :func:`use_course_style`.
MIN_FONT_SIZE = 11


def use_course_style() -> None:
    """Set the course's matplotlib defaults: palette, sizes, a light grid, SVG output in notebooks.

    Figures are drawn for the book's text column: 7.5 × 3.6 inches, shown at about their natural size on
    a desktop page, with no text under ``MIN_FONT_SIZE`` points. In a notebook (the book build
    included) they are shown as SVG with real text (``svg.fonttype: none``), so they stay sharp at any
    zoom and the browser test can measure every label's rendered size.
    """
    plt = _plt()
    from cycler import cycler

    plt.rcParams.update(
        {
            "axes.prop_cycle": cycler(color=PALETTE),
            "figure.figsize": (7.5, 3.6),
            "figure.dpi": 96,
            "savefig.dpi": 192,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "font.size": 12,
            "axes.titlesize": 12,
            "axes.labelsize": 12,
            "xtick.labelsize": MIN_FONT_SIZE,
            "ytick.labelsize": MIN_FONT_SIZE,
            "legend.fontsize": MIN_FONT_SIZE,
            "legend.title_fontsize": MIN_FONT_SIZE,
            "figure.titlesize": 13,
            "svg.fonttype": "none",
        }
    )
    try:
        from IPython import get_ipython
    except ImportError:
        return
    if get_ipython() is not None:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("svg")


def _axes(ax: Any) -> Any:
    if not hasattr(ax, "plot") or not hasattr(ax, "set_xlim"):
        raise TypeError(f"ax must be a matplotlib Axes; got {type(ax).__name__}")
    return ax


def contour(ax: Any, landscape: Any, *, levels: int = 30, n: int = 201, log: bool = True) -> Any:
    """Draw ``landscape`` (2-d) on ``ax`` as filled contours, log-spaced by default, with its minima.

    ``ax`` must be a matplotlib Axes, ``landscape`` a 2-d landscape (with ``grid``, ``value``,
    ``minimizers`` and ``bounds``), ``levels`` an integer ≥ 2, ``n`` (grid points per side) an integer
    ≥ 2 and ``log`` True or False. Returns ``ax``.
    """
    _axes(ax)
    for attribute in ("grid", "value", "minimizers", "bounds"):
        if not hasattr(landscape, attribute):
            raise TypeError(
                f"landscape must be a Landscape (with grid, value, minimizers and bounds); "
                f"got {type(landscape).__name__}"
            )
    levels = positive_int(levels, "levels", minimum=2)
    n = positive_int(n, "n", minimum=2)
    log = flag(log, "log")
    grid = landscape.grid(n)
    values = landscape.value(grid)
    if log:
        shifted = values - values.min() + 1e-3
        lo, hi = np.log10(shifted.min()), np.log10(shifted.max())
        ax.contour(
            grid[..., 0], grid[..., 1], shifted, levels=np.logspace(lo, hi, levels), colors="0.55", linewidths=0.6
        )
    else:
        ax.contour(grid[..., 0], grid[..., 1], values, levels=levels, colors="0.55", linewidths=0.6)
    mins = landscape.minimizers
    ax.plot(mins[:, 0], mins[:, 1], marker="*", color="black", markersize=12, linestyle="none", label="minimum")
    (x0, x1), (y0, y1) = landscape.bounds
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("θ₁")
    ax.set_ylabel("θ₂")
    return ax


def path(
    ax: Any,
    iterates: npt.ArrayLike,
    *,
    label: str | None = None,
    color: Any = None,
    linestyle: str = "-",
    marker: str = "o",
    markersize: float = 3,
) -> Any:
    """Draw an optimizer's iterates (shape ``(k, 2)``, k ≥ 1) as a path with its start point marked.

    Returns the line. ``iterates`` must hold real numbers (NaN leaves a gap), ``markersize`` be > 0.
    """
    _axes(ax)
    iterates = as_real_array(iterates, "iterates").astype(float)
    if iterates.ndim != 2 or iterates.shape[1] != 2 or iterates.shape[0] == 0:
        raise ValueError(f"iterates must have shape (k, 2) with k >= 1; got shape {iterates.shape}")
    markersize = positive(markersize, "markersize")
    (line,) = ax.plot(
        iterates[:, 0],
        iterates[:, 1],
        linestyle=linestyle,
        marker=marker,
        markersize=markersize,
        linewidth=1.4,
        color=color,
        label=label,
    )
    ax.plot(iterates[0, 0], iterates[0, 1], marker="s", color=line.get_color(), markersize=6)
    return line


def loss_curve(
    ax: Any,
    losses: npt.ArrayLike,
    *,
    minimum: float = 0.0,
    label: str | None = None,
    color: Any = None,
    linestyle: str = "-",
) -> Any:
    """Plot ``f(θ_k) − f*`` against k on a log scale (clipped at 1e-16 so that exact zeros show).

    Returns the line. ``losses`` must be a 1-d array of real numbers (NaN or inf, a diverged run, leaves a
    gap) and ``minimum`` a finite number.
    """
    _axes(ax)
    losses = as_real_array(losses, "losses").astype(float)
    if losses.ndim != 1:
        raise ValueError(f"losses must have 1 dimension(s); got shape {losses.shape}")
    minimum = real_number(minimum, "minimum")
    with np.errstate(invalid="ignore"):
        gap = np.maximum(losses - minimum, 1e-16)
    (line,) = ax.semilogy(np.arange(len(gap)), gap, label=label, color=color, linestyle=linestyle)
    ax.set_xlabel("step k")
    ax.set_ylabel("f(θₖ) − f*")
    return line
