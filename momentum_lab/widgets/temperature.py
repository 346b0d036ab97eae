"""Chapter 9's explorer: the temperature of the custom loss, ℓ(y, z) = −Σ_c y_c log softmax(z / T)_c.

The chapter's temperature snippet divides the logits by T before the softmax cross-entropy. T < 1
sharpens the softened probabilities ``softmax(z / T)`` towards the largest logit and T > 1 flattens them
towards uniform; the loss and its gradient with respect to the logits,

    ∂ℓ/∂z_c = (softmax(z / T)_c − y_c) / T,

follow. :func:`explore_temperature` evaluates them on a log-spaced grid of temperatures and at the chosen
one. The loss is :func:`momentum_lab.losses.categorical_crossentropy` of the scaled logits (the library's
form of ``keras.losses.categorical_crossentropy(y, z / T, from_logits=True)``), and the gradient comes
from the tape of :mod:`momentum_lab.autodiff`, recorded through the division by T.
:func:`temperature_figure` draws it; :func:`temperature_widget` wires a temperature slider (log scale),
a label menu and one slider per logit to both. Only those two import matplotlib and ipywidgets.

Bad arguments raise ValueError/TypeError naming them: a temperature or grid bound that is not a finite
number > 0, a label that is not an integer index of the logits, logits that are not at least two
finite numbers, a ``run`` that is not :func:`explore_temperature`'s result, a ``fig`` that is not a
matplotlib Figure.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from momentum_lab import autodiff as ad
from momentum_lab import losses
from momentum_lab._validate import as_float_array, positive, positive_int
from momentum_lab.widgets import web
from momentum_lab.widgets._base import check_figure, check_run

#: The explorer's starting logits: three classes, the first the most likely.
DEFAULT_LOGITS = (2.0, 0.5, -1.0)

#: The temperature range of the slider and of the grid the curves are drawn on.
T_RANGE = (0.05, 20.0)

#: The range and step of each logit's slider.
LOGIT_RANGE = (-5.0, 5.0)
LOGIT_STEP = 0.1


def _label(label, num_classes):
    if isinstance(label, bool) or not isinstance(label, numbers.Integral):
        raise TypeError(f"label must be an integer class index; got label={label!r} ({type(label).__name__})")
    if not 0 <= label < num_classes:
        raise ValueError(f"label must be in [0, {num_classes - 1}] ({num_classes} logits); got label={label!r}")
    return int(label)


def _loss_and_gradient(logits, temperatures, label):
    """Loss, gradient with respect to the logits and softened probabilities, one row per temperature."""
    m, num_classes = len(temperatures), len(logits)
    z = ad.constant(np.tile(logits, (m, 1)))
    scale = ad.constant(np.asarray(temperatures, dtype=float).reshape(m, 1))
    y = np.zeros((m, num_classes))
    y[:, label] = 1.0
    with ad.GradientTape() as tape:
        tape.watch(z)
        scaled = z / scale
        per_row = losses.categorical_crossentropy(y, scaled, from_logits=True, reduction="none")
    # Each row depends on its own logits only, so the gradient of the summed losses holds, row by row,
    # the gradient of each row's loss (the tape seeds a non-scalar target with ones).
    gradient = tape.gradient(per_row, z)
    probabilities = ad.softmax(scaled, axis=-1)
    return per_row.numpy(), gradient.numpy(), probabilities.numpy()


def explore_temperature(
    temperature: float = 1.0,
    label: int = 0,
    logits: npt.ArrayLike = DEFAULT_LOGITS,
    *,
    t_min: float = T_RANGE[0],
    t_max: float = T_RANGE[1],
    n: int = 121,
) -> dict[str, Any]:
    """The temperature-scaled cross-entropy of ``logits`` for class ``label``, over T and at ``temperature``.

    Args:
        temperature: the chosen T > 0.
        label: the true class, an index into ``logits`` (the target is its one-hot row).
        logits: the scores z, a vector of at least two finite numbers.
        t_min, t_max: the grid spans [t_min, t_max] (0 < t_min < t_max), log-spaced as ``np.geomspace``.
        n: the number of grid points (≥ 2).

    Returns:
        A dict with ``temperature``, ``label``, ``logits``, ``temperatures``: the grid with ``temperature``
        inserted in order (n + 1 values), ``index``: where it was inserted (``np.searchsorted``, so
        ``temperatures[index] == temperature``), and ``curves``, with one row per temperature of
        ``loss`` = −log softmax(z / T)_label (shape (n + 1,)), ``gradient`` = ∂loss/∂z from the tape
        (it equals (softmax(z / T) − y) / T; shape (n + 1, C)) and ``probabilities`` = softmax(z / T)
        (shape (n + 1, C)). Row ``index`` holds the values at the chosen temperature (see :func:`at`).

        Every number is finite: a large z / T is handled by the loss's log-sum-exp form, and a loss
        that underflows is 0. Where softmax(z / T)_label is within a few rounding errors of 1, the
        gradient's entries are differences of nearly equal numbers, good to about 1e-16 / T in absolute
        terms, not relative to their own tiny size; on the grid they are small beside the gradient's
        size at other temperatures.
    """
    temperature = positive(temperature, "temperature")
    logits = as_float_array(logits, "logits", ndim=1)
    if logits.size < 2:
        raise ValueError(f"logits must hold at least two classes; got logits={logits.tolist()!r}")
    label = _label(label, logits.size)
    t_min = positive(t_min, "t_min")
    t_max = positive(t_max, "t_max")
    if not t_min < t_max:
        raise ValueError(f"t_min must be below t_max; got t_min={t_min!r}, t_max={t_max!r}")
    n = positive_int(n, "n", minimum=2)
    grid = np.geomspace(t_min, t_max, n)
    index = int(np.searchsorted(grid, temperature))
    temperatures = np.insert(grid, index, temperature)
    loss, gradient, probabilities = _loss_and_gradient(logits, temperatures, label)
    return {
        "temperature": temperature,
        "label": label,
        "logits": logits,
        "temperatures": temperatures,
        "index": index,
        "curves": {"loss": loss, "gradient": gradient, "probabilities": probabilities},
    }


def at(run: dict[str, Any]) -> dict[str, Any]:
    """The values of :func:`explore_temperature`'s ``run`` at its chosen temperature: loss, gradient, probabilities.

    ``run`` must be what :func:`explore_temperature` returns (TypeError/ValueError naming it otherwise).
    """
    run = dict(check_run(run, ("index", "curves"), "explore_temperature"))
    k = run["index"]
    return {
        "loss": float(run["curves"]["loss"][k]),
        "gradient": run["curves"]["gradient"][k],
        "probabilities": run["curves"]["probabilities"][k],
    }


# ------------------------------------------------------------------------------ figure and widget

#: The loss axis (log scale): from a loss that has all but vanished to the largest the sliders allow.
LOSS_LIMITS = (1e-4, 1e3)


def _class_name(c):
    return f"class {c + 1}"


def _gradient_limit(run):
    return 1.08 * max(float(np.max(np.abs(run["curves"]["gradient"]))), 1e-3)


def _draw_temperature(axes, run):
    """Draw ``run`` on three axes sharing the temperature axis; return the artists that move."""
    from momentum_lab import plotting

    ax_p, ax_loss, ax_g = axes
    T, now = run["temperatures"], at(run)
    curves, markers = {}, {}
    for c in range(len(run["logits"])):
        color = plotting.PALETTE[c % len(plotting.PALETTE)]
        style = plotting.LINESTYLES[c % len(plotting.LINESTYLES)]
        width = 2.4 if c == run["label"] else 1.4
        (curves["p", c],) = ax_p.plot(
            T,
            run["curves"]["probabilities"][:, c],
            color=color,
            linestyle=style,
            linewidth=width,
            label=_class_name(c) + (" (true)" if c == run["label"] else ""),
        )
        (markers["p", c],) = ax_p.plot([run["temperature"]], [now["probabilities"][c]], "o", color=color)
        (curves["g", c],) = ax_g.plot(T, run["curves"]["gradient"][:, c], color=color, linestyle=style, linewidth=width)
        (markers["g", c],) = ax_g.plot([run["temperature"]], [now["gradient"][c]], "o", color=color)
    (curves["loss"],) = ax_loss.plot(T, run["curves"]["loss"], color=plotting.PALETTE[7], linewidth=1.8)
    (markers["loss"],) = ax_loss.plot([run["temperature"]], [max(now["loss"], 1e-300)], "o", color=plotting.PALETTE[7])
    lines = [ax.axvline(run["temperature"], color="0.4", linewidth=0.9, linestyle=":") for ax in axes]
    for ax in axes:
        ax.set_xscale("log")
        ax.set_xlim(T[0], T[-1])
    ax_p.set_ylim(-0.03, 1.03)
    ax_p.set_ylabel("softmax(z / T)")
    ax_p.legend(loc="center left", fontsize=11)
    ax_loss.set_yscale("log")
    ax_loss.set_ylim(*LOSS_LIMITS)
    ax_loss.set_ylabel("loss ℓ")
    limit = _gradient_limit(run)
    ax_g.set_ylim(-limit, limit)
    ax_g.axhline(0.0, color="0.6", linewidth=0.8)
    ax_g.set_ylabel("∂ℓ/∂z")
    ax_g.set_xlabel("temperature T (log scale)")
    for ax in axes[:-1]:
        ax.tick_params(labelbottom=False)
    return {"curves": curves, "markers": markers, "lines": lines, "title": ax_p.set_title(_title(run))}


def _title(run):
    logits = ", ".join(f"{v:g}".replace("-", "−") for v in run["logits"])
    return f"z = ({logits}), true {_class_name(run['label'])}, T = {run['temperature']:.3g}: loss {at(run)['loss']:.3g}"


def _update_temperature(parts, run, *, curves=True):
    T, now, grid = run["temperature"], at(run), run["temperatures"]
    for c in range(len(run["logits"])):
        if curves:
            parts["curves"]["p", c].set_data(grid, run["curves"]["probabilities"][:, c])
            parts["curves"]["g", c].set_data(grid, run["curves"]["gradient"][:, c])
            for key in ("p", "g"):
                parts["curves"][key, c].set_linewidth(2.4 if c == run["label"] else 1.4)
        parts["markers"]["p", c].set_data([T], [now["probabilities"][c]])
        parts["markers"]["g", c].set_data([T], [now["gradient"][c]])
    if curves:
        parts["curves"]["loss"].set_data(grid, run["curves"]["loss"])
    parts["markers"]["loss"].set_data([T], [max(now["loss"], 1e-300)])
    for line in parts["lines"]:
        line.set_xdata([T, T])
    parts["title"].set_text(_title(run))


def temperature_figure(
    temperature: float = 0.6, label: int = 0, logits: Sequence[float] = DEFAULT_LOGITS, *, fig: Any = None
) -> Any:
    """Softened probabilities, loss and gradient against the temperature, with ``temperature`` marked.

    Arguments as in :func:`explore_temperature`; ``fig`` None or a matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    run = explore_temperature(temperature, label, logits)
    if check_figure(fig) is None:
        fig = plt.figure(figsize=(7.5, 7.0))
    axes = fig.subplots(3, 1, sharex=True, gridspec_kw={"height_ratios": [1, 1, 1]})
    _draw_temperature(axes, run)
    fig.tight_layout()
    return fig


def _status(run):
    def vector(values):
        return "(" + ", ".join(f"{v:+.3f}" for v in values) + ")"

    now = at(run)
    return (
        f"T = {run['temperature']:.3g}: softmax(z/T) = {vector(now['probabilities'])}, "
        f"loss = {now['loss']:.4g}, ∂ℓ/∂z = {vector(now['gradient'])}"
    )


def temperature_widget(temperature: float = 0.6, label: int = 0, logits: Sequence[float] = DEFAULT_LOGITS) -> Any:
    """A temperature slider (log scale), a menu for the true class and a slider per logit.

    The axes are drawn once; moving the temperature redraws only the markers (one loss evaluation);
    moving a logit or changing the class recomputes the curves and redraws them over the same axes,
    rebuilding the background only when the gradient's range grows past the axis. The arguments are the
    starting values, checked as in :func:`explore_temperature`.
    """
    import ipywidgets as w
    from matplotlib.figure import Figure

    from momentum_lab.widgets._base import BlitFigure, figure_image, titled_box

    run = explore_temperature(temperature, label, logits)
    lo, hi = T_RANGE
    slider_t = w.FloatLogSlider(
        value=run["temperature"],
        base=10,
        min=np.log10(lo),
        max=np.log10(hi),
        step=0.01,
        description="temperature T",
        readout_format=".3g",
        continuous_update=True,
        style={"description_width": "initial"},
    )
    menu = w.Dropdown(
        options=[(_class_name(c), c) for c in range(len(run["logits"]))], value=run["label"], description="true class"
    )
    z_lo, z_hi = LOGIT_RANGE
    sliders_z = [
        w.FloatSlider(
            value=float(v), min=z_lo, max=z_hi, step=LOGIT_STEP, description=f"logit z{c + 1}", continuous_update=True
        )
        for c, v in enumerate(run["logits"])
    ]
    status = w.HTML()
    image = figure_image()
    state: dict[str, Any] = {}

    def build():
        current = explore_temperature(slider_t.value, menu.value, [s.value for s in sliders_z])
        fig = Figure(figsize=(7.5, 7.0), dpi=72)  # not pyplot's: the notebook must not display it too
        parts = _draw_temperature(fig.subplots(3, 1, sharex=True), current)
        fig.tight_layout()
        moving = [*parts["curves"].values(), *parts["markers"].values(), *parts["lines"], parts["title"]]
        state.update(parts=parts, blit=BlitFigure(fig, moving), limit=_gradient_limit(current))
        show(current, curves=False)

    def show(current, *, curves):
        _update_temperature(state["parts"], current, curves=curves)
        image.value = state["blit"].image_bytes()
        status.value = _status(current)

    def move_temperature(_=None):
        current = explore_temperature(slider_t.value, menu.value, [s.value for s in sliders_z], n=2)
        show(current, curves=False)

    def change_curves(_=None):
        current = explore_temperature(slider_t.value, menu.value, [s.value for s in sliders_z])
        if _gradient_limit(current) > state["limit"]:
            return build()
        show(current, curves=True)

    slider_t.observe(move_temperature, names="value")
    menu.observe(change_curves, names="value")
    for slider in sliders_z:
        slider.observe(change_curves, names="value")
    build()
    controls = w.HBox([w.VBox([slider_t, menu]), w.VBox(sliders_z)])
    return titled_box([controls, status, image], "Temperature explorer")


# ------------------------------------------------------------------------------ the page's explorer


def _page_compute(temperature=0.6, label=0, logits=DEFAULT_LOGITS):
    """What the page draws: :func:`explore_temperature` on the slider's grid of temperatures."""
    return explore_temperature(temperature, label, logits)


def _sample(rng):
    """A random temperature (log-uniform over the slider), class and logits on the sliders' steps."""
    lo, hi = T_RANGE
    z_lo, z_hi = LOGIT_RANGE
    steps = int(round((z_hi - z_lo) / LOGIT_STEP))
    if rng.random() < 0.2:  # an end of the temperature slider, where the loss and its gradient are extreme
        temperature = float(rng.choice([lo, hi]))
    else:
        temperature = float(10 ** rng.uniform(np.log10(lo), np.log10(hi)))
    logits = [round(z_lo + LOGIT_STEP * int(k), 1) for k in rng.integers(0, steps + 1, size=len(DEFAULT_LOGITS))]
    if rng.random() < 0.15:  # a tie between two logits
        logits[1] = logits[0]
    return {"temperature": temperature, "label": int(rng.integers(len(DEFAULT_LOGITS))), "logits": logits}


def _page_params(args, kwargs):
    names = ("temperature", "label", "logits")
    params = dict(zip(names, args))
    params.update({k: v for k, v in kwargs.items() if k in names})
    if "logits" in params:
        params["logits"] = [float(v) for v in params["logits"]]
    return params


EXPLORERS = {
    "temperature": web.Explorer(
        name="temperature", compute=_page_compute, sample=_sample, widget="temperature_widget", page_params=_page_params
    ),
}
