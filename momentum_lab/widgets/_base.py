"""What every widget shares: a container with a stable text form, and figures drawn into an Image.

Shared by the explorers of every chapter (chapters 1–12).

Widgets redraw by rendering a matplotlib figure to PNG bytes and putting them into an
``ipywidgets.Image``. Unlike an ``Output`` area, this needs no output capture, so the widget behaves
the same in Jupyter, in nbclient (the book build) and under nbval, where captured output would leak into
the cell's own outputs.

It also holds the argument checks the widget modules share: :func:`start_point` (an explorer's start
point), :func:`check_figure` (the ``fig`` of every ``*_figure``) and :func:`check_run` (the result dict
that a describing function takes back).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from momentum_lab._validate import as_float_array, positive, positive_int

# The run the landscape explorers draw lives beside the optimizers; the explorers import it from here too.
from momentum_lab.optim.trajectory import CONVERGED, RUNAWAY, STATUSES, landscape_run  # noqa: E402,F401


def start_point(surface: Any, start: npt.ArrayLike | None, name: str = "start") -> npt.NDArray[np.float64]:
    """An explorer's start point: ``surface.default_start`` if ``start`` is None, else ``start`` checked.

    ``start`` must be a finite real vector of the landscape's shape ``(surface.dim,)``; anything else
    raises TypeError/ValueError naming ``name``.
    """
    if start is None:
        return np.array(surface.default_start, dtype=np.float64)
    x0 = as_float_array(start, name, ndim=1)
    dim = getattr(surface, "dim", x0.shape[0])
    if x0.shape != (dim,):
        raise ValueError(f"{name} must have the landscape's shape ({dim},); got shape {x0.shape}")
    return x0


def check_figure(fig: Any, name: str = "fig") -> Any:
    """``fig`` unchanged if it is None or a matplotlib ``Figure``, else a TypeError naming ``name``."""
    if fig is None:
        return None
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"{name} must be a matplotlib Figure or None; got {type(fig).__name__}")
    return fig


def check_run(run: Any, keys: Iterable[str], made_by: str, name: str = "run") -> Mapping[str, Any]:
    """``run`` if it is a dict holding ``keys`` (what ``made_by`` returns), else TypeError/ValueError naming it."""
    if not isinstance(run, Mapping):
        raise TypeError(f"{name} must be the dict that {made_by} returns; got {type(run).__name__}")
    missing = [key for key in keys if key not in run]
    if missing:
        raise ValueError(f"{name} must be the dict that {made_by} returns; it has no {', '.join(missing)}")
    return run


def titled_box(children: Iterable[Any], title: str, *, layout: Any = None) -> Any:
    """A vertical box of ``children`` whose plain-text form is ``title``.

    The text form is what a page shows where no kernel runs the widget (PDF, static HTML fallback), and
    what nbval compares, so it must not contain model ids or rendered images. ``title`` must be a str.
    """
    if not isinstance(title, str):
        raise TypeError(f"title must be a str; got title={title!r} ({type(title).__name__})")
    import ipywidgets as w

    class _Explorer(w.VBox):
        def __repr__(self) -> str:
            return f"{title} (interactive: move the sliders in a running notebook)"

    box = _Explorer(children=list(children))
    if layout is not None:
        box.layout = layout
    return box


def figure_png(fig: Any, *, dpi: float = 80) -> bytes:
    """Render a matplotlib figure to PNG bytes and close it (``dpi`` > 0)."""
    import matplotlib.pyplot as plt

    if check_figure(fig) is None:
        raise TypeError("fig must be a matplotlib Figure; got None")
    dpi = positive(dpi, "dpi")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def figure_image() -> Any:
    """An empty ``ipywidgets.Image`` to receive :func:`figure_png` output."""
    import ipywidgets as w

    return w.Image(format="png", layout=w.Layout(max_width="100%"))


class BlitFigure:
    """A figure whose static parts are drawn once and whose moving artists are redrawn on demand.

    A slider move then costs only the moving artists plus a fast image encoding, instead of a full
    matplotlib render (contours, ticks, text): typically a few milliseconds instead of a few hundred.
    Mark the moving artists ``animated=True`` (they are left out of the background), call
    :meth:`redraw_background` whenever the static parts change (another landscape, new axis limits),
    and :meth:`image_bytes` after updating the moving artists' data.
    """

    def __init__(self, fig: Any, artists: Iterable[Any], *, fmt: str = "png") -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        if check_figure(fig) is None:
            raise TypeError("fig must be a matplotlib Figure; got None")
        if fmt not in ("png", "jpeg"):
            raise ValueError(f"fmt must be 'png' or 'jpeg'; got fmt={fmt!r}")
        self.fig = fig
        self.canvas = FigureCanvasAgg(fig)
        self.artists = list(artists)
        for artist in self.artists:
            artist.set_animated(True)
        self.format = fmt
        self.background: Any = None
        self.redraw_background()

    def redraw_background(self) -> None:
        """Draw the static parts again (after a change of landscape or axis limits) and keep them."""
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(self.fig.bbox)

    def image_bytes(self) -> bytes:
        """The figure with the moving artists at their current data, encoded as PNG (or JPEG)."""
        from PIL import Image

        self.canvas.restore_region(self.background)
        for artist in self.artists:
            self.fig.draw_artist(artist)
        width, height = self.canvas.get_width_height(physical=True)
        pixels = Image.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buffer = io.BytesIO()
        if self.format == "jpeg":
            pixels.convert("RGB").save(buffer, format="JPEG", quality=90)
        else:
            pixels.save(buffer, format="PNG", compress_level=1)
        return buffer.getvalue()


class PathPanel:
    """The two-panel frame the landscape explorers share, drawn with :class:`BlitFigure`.

    Left: the landscape's contours with one optimizer path per series; right: ``f(θ_k) − f*`` on a log
    scale. :meth:`build` draws the static part for a landscape (slow: contours, axes, legend);
    :meth:`show` then moves one series' artists and :meth:`image_bytes` renders the frame (fast).

    ``series`` is a list of ``(key, label, color, linestyle)``; a ``label`` of ``None`` draws no legend.
    ``steps`` must be an integer ≥ 1, ``floor`` (the bottom of the loss axis) a number > 0 and
    ``figsize`` two numbers > 0.
    """

    def __init__(
        self,
        steps: int,
        series: Iterable[tuple[Any, str | None, Any, str]],
        *,
        figsize: tuple[float, float] = (10, 4.2),
        floor: float = 1e-14,
    ) -> None:
        self.steps = positive_int(steps, "steps")
        self.series = list(series)
        if not all(isinstance(entry, tuple) and len(entry) == 4 for entry in self.series):
            raise TypeError(f"series must hold (key, label, color, linestyle) tuples; got {self.series!r}")
        size = as_float_array(figsize, "figsize", ndim=1)
        if size.shape != (2,) or np.any(size <= 0):
            raise ValueError(f"figsize must be two numbers > 0; got figsize={figsize!r}")
        self.figsize = (float(size[0]), float(size[1]))
        self.floor = positive(floor, "floor")
        self.surface: Any = None
        self.artists: dict[Any, tuple[Any, Any, Any]] = {}
        self.blit: BlitFigure | None = None

    def build(self, surface: Any) -> None:
        """Draw the static frame for ``surface`` (a landscape: contours, axes and legend)."""
        from matplotlib.figure import Figure  # not pyplot: the inline backend must not show it too

        from momentum_lab import plotting

        fig = Figure(figsize=self.figsize, dpi=80)
        ax_path, ax_loss = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1]})
        plotting.contour(ax_path, surface)
        ax_path.set_title(surface.name)
        moving = []
        for key, label, color, style in self.series:
            (line,) = ax_path.plot(
                [], [], marker="o", markersize=2.5, linewidth=1.4, color=color, linestyle=style, label=label
            )
            (dot,) = ax_path.plot([], [], marker="s", markersize=6, color=color, linestyle="none")
            (loss,) = ax_loss.semilogy([], [], color=color, linestyle=style, label=label)
            self.artists[key] = (line, dot, loss)
            moving += [line, dot, loss]
        top = float(np.max(surface.value(surface.grid(61))) - surface.minimum)
        ax_loss.set_xlim(0, self.steps)
        ax_loss.set_ylim(self.floor, 10 * top)
        ax_loss.set_xlabel("step k")
        ax_loss.set_ylabel("f(θₖ) − f*")
        ax_loss.set_title("distance to the minimum value")
        if any(label for _, label, _, _ in self.series):
            ax_loss.legend(loc="upper right")
        fig.tight_layout()
        self.surface = surface
        self.blit = BlitFigure(fig, moving)

    def show(self, key: Any, path: npt.ArrayLike, losses: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Move series ``key`` to ``path`` (k, 2) and its loss curve to ``losses`` (k,); returns f − f*.

        Call :meth:`build` first (RuntimeError otherwise); ``key`` must be one of the series' keys.
        """
        if self.surface is None:
            raise RuntimeError("call build(surface) before show()")
        if key not in self.artists:
            raise ValueError(f"key must be one of {list(self.artists)}; got key={key!r}")
        path = as_float_array(path, "path", ndim=2)
        losses = as_float_array(losses, "losses", ndim=1, allow_empty=True)
        line, dot, loss = self.artists[key]
        gap = np.maximum(np.asarray(losses, dtype=float) - self.surface.minimum, 1e-16)
        line.set_data(path[:, 0], path[:, 1])
        dot.set_data(path[:1, 0], path[:1, 1])
        loss.set_data(np.arange(len(gap)), gap)
        return gap

    def image_bytes(self) -> bytes:
        """The current frame as PNG bytes (after :meth:`build`)."""
        if self.blit is None:
            raise RuntimeError("call build(surface) before image_bytes()")
        return self.blit.image_bytes()
