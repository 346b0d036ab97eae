"""What every widget shares: a container with a stable text form, and figures drawn into an Image.

Widgets redraw by rendering a matplotlib figure to PNG bytes and putting them into an
``ipywidgets.Image``. Unlike an ``Output`` area, this needs no output capture, so the widget behaves
the same in Jupyter, in nbclient (the book build) and under nbval, where captured output would leak into
the cell's own outputs.
"""

import io


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
