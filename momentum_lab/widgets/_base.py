"""What every widget shares: a container with a stable text form, and the course palette."""


def titled_box(children, title, *, layout=None):
    """A vertical box of ``children`` whose plain-text form is ``title``.

    The text form is what a page shows where no kernel runs the widget (PDF, static HTML fallback), and
    what nbval compares, so it must not contain model ids or rendered images.
    """
    import ipywidgets as w

    class _Explorer(w.VBox):
        def __repr__(self):
            return f"{title} (interactive: move the sliders in a running notebook)"

    return _Explorer(children=list(children), layout=layout)


def debounced_output():
    """An Output area for figures that the widget redraws in place."""
    import ipywidgets as w

    return w.Output(layout=w.Layout(min_height="360px"))
