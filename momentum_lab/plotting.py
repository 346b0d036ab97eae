"""Plotting helpers shared by the chapters and widgets (matplotlib is imported on first use).

The palette is Okabe and Ito's, which stays distinguishable under the common colour-vision deficiencies.
"""

import numpy as np

#: Okabe–Ito colour-blind-safe palette.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
LINESTYLES = ("-", "--", "-.", ":")


def _plt():
    import matplotlib.pyplot as plt

    return plt


#: The smallest font size (points) the course's figures use; see :func:`use_course_style`.
MIN_FONT_SIZE = 11


def use_course_style():
    """Set the course's matplotlib defaults: palette, sizes, a light grid, SVG output in notebooks.

    Figures are drawn for the book's text column: 7.5 × 3.6 inches, shown at about their natural size on
    a desktop page, with no text under ``MIN_FONT_SIZE`` points. In a notebook (the book build
    included) they are shown as SVG with real text (``svg.fonttype: none``), so they stay sharp at any
    zoom and the browser test can measure every label's rendered size.
    """
    plt = _plt()
    from cycler import cycler

    plt.rcParams.update({
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
    })
    try:
        from IPython import get_ipython
    except ImportError:
        return
    if get_ipython() is not None:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("svg")


def contour(ax, landscape, *, levels=30, n=201, log=True):
    """Draw ``landscape`` (2-d) on ``ax`` as filled contours, log-spaced by default, with its minima."""
    grid = landscape.grid(n)
    values = landscape.value(grid)
    if log:
        shifted = values - values.min() + 1e-3
        lo, hi = np.log10(shifted.min()), np.log10(shifted.max())
        ax.contour(grid[..., 0], grid[..., 1], shifted, levels=np.logspace(lo, hi, levels),
                   colors="0.55", linewidths=0.6)
    else:
        ax.contour(grid[..., 0], grid[..., 1], values, levels=levels, colors="0.55", linewidths=0.6)
    mins = landscape.minimizers
    ax.plot(mins[:, 0], mins[:, 1], marker="*", color="black", markersize=12, linestyle="none",
            label="minimum")
    (x0, x1), (y0, y1) = landscape.bounds
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("θ₁")
    ax.set_ylabel("θ₂")
    return ax


def path(ax, iterates, *, label=None, color=None, linestyle="-", marker="o", markersize=3):
    """Draw an optimizer's iterates (shape ``(k, 2)``) as a path with its start point marked."""
    iterates = np.asarray(iterates)
    (line,) = ax.plot(iterates[:, 0], iterates[:, 1], linestyle=linestyle, marker=marker,
                      markersize=markersize, linewidth=1.4, color=color, label=label)
    ax.plot(iterates[0, 0], iterates[0, 1], marker="s", color=line.get_color(), markersize=6)
    return line


def loss_curve(ax, losses, *, minimum=0.0, label=None, color=None, linestyle="-"):
    """Plot ``f(θ_k) − f*`` against k on a log scale (clipped at 1e-16 so that exact zeros show)."""
    gap = np.maximum(np.asarray(losses, dtype=float) - minimum, 1e-16)
    (line,) = ax.semilogy(np.arange(len(gap)), gap, label=label, color=color, linestyle=linestyle)
    ax.set_xlabel("step k")
    ax.set_ylabel("f(θₖ) − f*")
    return line
