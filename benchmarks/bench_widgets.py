"""Widget update latency: the compute and redraw time of one slider move in each chapter widget.

Every ``*_widget`` builder in ``momentum_lab.widgets`` is built with its defaults; each of its sliders
is moved through a few values, and each move (which recomputes and re-renders the figure into the
widget's image, synchronously) is timed. Goal: median under 50 ms for every slider.
"""

import importlib
import inspect
import pkgutil
import statistics
import time

from benchmarks._harness import Row


def _sliders(widget):
    import ipywidgets as w

    found, stack = [], [widget]
    while stack:
        node = stack.pop(0)
        if isinstance(node, (w.FloatSlider, w.FloatLogSlider, w.IntSlider)):
            found.append(node)
        stack.extend(getattr(node, "children", ()))
    return found


def _builders():
    import momentum_lab.widgets as package

    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"momentum_lab.widgets.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.endswith("_widget") and fn.__module__ == module.__name__:
                yield f"{info.name}.{name}", fn


def run(quick=False):
    import matplotlib

    matplotlib.use("Agg")
    rows = []
    for label, build in _builders():
        widget = build()
        for slider in _sliders(widget):
            median = _median_move(slider, quick)
            rows.append(
                Row(
                    "widgets",
                    f"{label}: move '{slider.description}'",
                    median,
                    "",
                    None,
                    goal="median < 50 ms",
                    met=median < 0.050,
                )
            )
    return rows


def _median_move(slider, quick):
    """Median time of moving ``slider`` to a few values across its range (then back)."""
    import ipywidgets as w

    lo, hi = slider.min, slider.max
    start = slider.value
    fractions = (0.3, 0.5, 0.7, 0.4, 0.6, 0.45, 0.55)
    if isinstance(slider, w.FloatLogSlider):  # min and max are exponents there
        targets = [slider.base ** (lo + (hi - lo) * f) for f in fractions]
    else:
        targets = [lo + (hi - lo) * f for f in fractions]
    if isinstance(slider, w.IntSlider):
        targets = [int(round(t)) for t in targets]
    times = []
    for value in targets[: 3 if quick else len(targets)]:
        if value == slider.value:
            continue
        t = time.perf_counter()
        slider.value = value
        times.append(time.perf_counter() - t)
    slider.value = start
    return statistics.median(times)
