"""What every widget shares: a container with a stable text form, and figures drawn into an Image.

Shared by the explorers of every chapter (chapters 1–12).

Widgets redraw by rendering a matplotlib figure to PNG bytes and putting them into an
``ipywidgets.Image``. Unlike an ``Output`` area, this needs no output capture, so the widget behaves
the same in Jupyter, in nbclient (the book build) and under nbval, where captured output would leak into
the cell's own outputs.
"""

import io

# The run the landscape explorers draw lives beside the optimizers; the explorers import it from here too.
from momentum_lab.optim.trajectory import CONVERGED, RUNAWAY, STATUSES, landscape_run  # noqa: E402,F401


def titled_box(children, title, *, layout=None):
    """A vertical box of ``children`` whose plain-text form is ``title``.

    The text form is what a page shows where no kernel runs the widget (PDF, static HTML fallback), and
    what nbval compares, so it must not contain model ids or rendered images.
    """
    import ipywidgets as w

    class _Explorer(w.VBox):
        def __repr__(self):
            return f"{title} (interactive: move the sliders in a running notebook)"

    box = _Explorer(children=list(children))
    if layout is not None:
        box.layout = layout
    return box


def figure_png(fig, *, dpi=80):
    """Render a matplotlib figure to PNG bytes and close it."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def figure_image():
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

    def __init__(self, fig, artists, *, fmt="png"):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.fig = fig
        self.canvas = FigureCanvasAgg(fig)
        self.artists = list(artists)
        for artist in self.artists:
            artist.set_animated(True)
        self.format = fmt
        self.background = None
        self.redraw_background()

    def redraw_background(self):
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(self.fig.bbox)

    def image_bytes(self):
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
    """

    def __init__(self, steps, series, *, figsize=(10, 4.2), floor=1e-14):
        self.steps = steps
        self.series = list(series)
        self.figsize = figsize
        self.floor = floor
        self.surface = None
        self.artists = {}
        self.blit = None

    def build(self, surface):
        import numpy as np
        from matplotlib.figure import Figure  # not pyplot: the inline backend must not show it too

        from momentum_lab import plotting

        fig = Figure(figsize=self.figsize, dpi=80)
        ax_path, ax_loss = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1]})
        plotting.contour(ax_path, surface)
        ax_path.set_title(surface.name)
        moving = []
        for key, label, color, style in self.series:
            (line,) = ax_path.plot([], [], marker="o", markersize=2.5, linewidth=1.4, color=color,
                                   linestyle=style, label=label)
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

    def show(self, key, path, losses):
        """Move series ``key`` to ``path`` (k, 2) and its loss curve to ``losses`` (k,)."""
        import numpy as np

        line, dot, loss = self.artists[key]
        gap = np.maximum(np.asarray(losses, dtype=float) - self.surface.minimum, 1e-16)
        line.set_data(path[:, 0], path[:, 1])
        dot.set_data(path[:1, 0], path[:1, 1])
        loss.set_data(np.arange(len(gap)), gap)
        return gap

    def image_bytes(self):
        return self.blit.image_bytes()
