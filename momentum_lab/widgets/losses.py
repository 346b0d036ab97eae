"""The explorers of the loss chapters.

Chapters 6 and 7, regression and classification losses: :func:`explore_losses` evaluates a family of
losses, their first and second derivatives, on a grid of residuals ``e = y_pred − y_true`` (regression)
or of margins ``m = y·f`` (classification, label y = ±1 and score f), and at one chosen point;
:func:`loss_figure` draws them; :func:`loss_widget` wires controls to them.

Chapter 8, segmentation losses: :func:`explore_segmentation` compares a predicted disc (shifted, grown or
shrunk, with a soft edge) with a true disc and returns the soft TP, FP, FN and the Dice, Jaccard,
Tversky and focal Tversky losses, plus the same losses over a sweep of predicted radii;
:func:`segmentation_figure` draws it; :func:`segmentation_widget` wires controls to it.

Every number comes from :mod:`momentum_lab.losses`; derivatives come from the tape of
:mod:`momentum_lab.autodiff` (the losses are elementwise, so the derivative of the summed loss with
respect to the input is the elementwise derivative, and the derivative of that, the curvature). Only the
``*_figure`` and ``*_widget`` functions import matplotlib and ipywidgets.

Bad arguments raise ValueError/TypeError naming them (an unknown family or loss name, a point, δ, a
radius or a weight that is not a finite number in range, masks of the wrong shape, a ``sweep`` that is
not True or False, a ``fig`` that is not a matplotlib Figure).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from momentum_lab import autodiff as ad
from momentum_lab import losses
from momentum_lab._validate import as_float_array, flag, non_negative, positive, positive_int, real_number
from momentum_lab.widgets._base import check_figure

# ------------------------------------------------------------------------------- loss explorer


def _regression(name):
    def loss(e, delta):
        zeros = np.zeros(e.shape)
        if name == "huber":
            return losses.huber(zeros, e, delta, reduction="none")
        return _REGRESSION_FUNCTIONS[name](zeros, e, reduction="none")

    return loss


def _margin(name):
    def loss(m, delta):  # delta unused: margin losses have no parameter here
        labels = np.ones(m.shape)
        return _MARGIN_FUNCTIONS[name](labels, m, reduction="none")

    return loss


_REGRESSION_FUNCTIONS = {
    "squared": losses.mean_squared_error,
    "absolute": losses.mean_absolute_error,
    "huber": losses.huber,
    "log-cosh": losses.log_cosh,
}
_MARGIN_FUNCTIONS = {
    "0-1": losses.zero_one_loss,
    "hinge": losses.hinge,
    "squared hinge": losses.squared_hinge,
    "logistic": losses.log_loss,
    "exponential": losses.exponential_loss,
}

#: The losses of each family, in the order the explorer lists them.
FAMILIES = {
    "regression": tuple(_REGRESSION_FUNCTIONS),
    "classification": tuple(_MARGIN_FUNCTIONS),
}

#: What the horizontal axis means in each family.
AXIS_LABEL = {
    "regression": "residual $e = \\hat y - y$",
    "classification": "margin $m = y \\cdot f$",
}


#: The largest ``lim`` and ``|point|`` of :func:`explore_losses`: e^100 ≈ 2.7e43 keeps the exponential
#: loss and its derivatives finite.
_LIMIT = 100.0


def _family(family: Any) -> str:
    if not isinstance(family, str) or family not in FAMILIES:
        raise ValueError(f"family must be one of {tuple(FAMILIES)}; got family={family!r}")
    return family


def _names(family, names):
    if names is None:
        return FAMILIES[family]
    if isinstance(names, str):
        names = (names,)
    if isinstance(names, np.ndarray) or not isinstance(names, Sequence):
        raise TypeError(f"names must be None, a loss name or a list of names; got {type(names).__name__}")
    names = tuple(names)
    if not names:
        raise ValueError(f"names must name at least one loss of {FAMILIES[family]}; got names=()")
    unknown = [n for n in names if n not in FAMILIES[family]]
    if unknown:
        raise ValueError(f"names must be among {FAMILIES[family]} for family={family!r}; got {unknown[0]!r}")
    return names


def _derivatives(loss, x, delta):
    """Value, first and second derivative of an elementwise loss at the points ``x`` (via the tape)."""

    def total(t):
        return ad.sum(loss(t, delta))

    first = ad.grad(total)

    def total_slope(t):
        return ad.sum(first(t))

    with np.errstate(over="ignore"):
        value = np.asarray(loss(x, delta), dtype=float)
        return value, np.asarray(first(x), dtype=float), np.asarray(ad.grad(total_slope)(x), dtype=float)


def explore_losses(
    family: str = "regression",
    names: str | Sequence[str] | None = None,
    point: float = 1.5,
    delta: float = 1.0,
    *,
    lim: float = 4.0,
    n: int = 401,
) -> dict[str, Any]:
    """Evaluate the losses of ``family`` on a grid and at ``point``.

    Args:
        family: ``"regression"`` (x is the residual e = ŷ − y; losses ``"squared"``, ``"absolute"``,
            ``"huber"``, ``"log-cosh"``) or ``"classification"`` (x is the margin m = y·f with label
            y = +1, so x is also the score; losses ``"0-1"``, ``"hinge"``, ``"squared hinge"``,
            ``"logistic"``, ``"exponential"``).
        names: the losses to evaluate: one name or a non-empty list (default: all of the family).
        point: the chosen residual or margin, in [−100, 100] (the limit: beyond it e^{−m} overflows).
        delta: Huber's δ > 0 (ignored by the other losses).
        lim: the grid spans [−lim, lim], 0 < lim ≤ 100; n: its number of points, an integer ≥ 3.

    Returns:
        A dict with ``x`` (the grid, shape (n,)), ``curves`` and ``at``: for each name, a dict of
        ``value``, ``slope`` (d loss / dx) and ``curvature`` (d² loss / dx²), arrays on the grid for
        ``curves`` and floats at ``point`` for ``at``. The derivatives are those of the tape: at a kink
        (``|e| = 0`` for MAE, ``|e| = δ`` for Huber, m = 1 for the hinge) it takes one side, and the 0-1 loss
        has slope 0 everywhere.

    Raises:
        ValueError, TypeError: naming the argument that is unknown, out of range or of the wrong type.
    """
    family = _family(family)
    names = _names(family, names)
    point = real_number(point, "point")
    if abs(point) > _LIMIT:
        raise ValueError(f"point must be in [-{_LIMIT:g}, {_LIMIT:g}]; got point={point!r}")
    delta = positive(delta, "delta")
    lim = positive(lim, "lim")
    if lim > _LIMIT:
        raise ValueError(f"lim must be <= {_LIMIT:g}; got lim={lim!r}")
    n = positive_int(n, "n", minimum=3)
    x = np.linspace(-lim, lim, n)
    make = _regression if family == "regression" else _margin
    curves, at = {}, {}
    for name in names:
        loss = make(name)
        value, slope, curvature = _derivatives(loss, x, delta)
        curves[name] = {"value": value, "slope": slope, "curvature": curvature}
        v, s, c = _derivatives(loss, np.array([point]), delta)
        at[name] = {"value": float(v[0]), "slope": float(s[0]), "curvature": float(c[0])}
    return {"family": family, "x": x, "point": point, "delta": delta, "curves": curves, "at": at}


def _loss_axes(fig):
    axes = fig.subplots(1, 3)
    titles = ("loss", "slope (first derivative)", "curvature (second derivative)")
    for ax, title in zip(axes, titles):
        ax.set_title(title)
    return axes


def _loss_ylim(family, kind):
    """Fixed vertical ranges, so that the axes do not jump when the losses or δ change."""
    if family == "regression":
        return {"value": (-0.2, 4.2), "slope": (-4.2, 4.2), "curvature": (-0.2, 2.4)}[kind]
    return {"value": (-0.2, 4.2), "slope": (-4.2, 0.5), "curvature": (-0.2, 2.4)}[kind]


def _draw_loss_curves(axes, run):
    """Draw every curve of ``run``.

    Returns the moving markers (one per loss per panel), the v-lines at the point, and the curves
    themselves by ``(name, kind)``.
    """
    from momentum_lab import plotting

    family, x = run["family"], run["x"]
    markers = []
    vlines = []
    lines = {}
    for ax, kind in zip(axes, ("value", "slope", "curvature")):
        for i, (name, curve) in enumerate(run["curves"].items()):
            color = plotting.PALETTE[i % len(plotting.PALETTE)]
            style = plotting.LINESTYLES[i % len(plotting.LINESTYLES)]
            y = curve[kind]
            if name == "0-1" and kind == "value":  # a step: draw it without the connecting vertical
                y = np.where(np.r_[False, np.diff(y) != 0], np.nan, y)
            (lines[name, kind],) = ax.plot(x, y, color=color, linestyle=style, label=name)
            (marker,) = ax.plot(
                [run["point"]], [run["at"][name][kind]], marker="o", color=color, markersize=6, linestyle="none"
            )
            markers.append((marker, name, kind))
        vlines.append(ax.axvline(run["point"], color="0.4", linewidth=0.8, linestyle=":"))
        ax.set_xlim(x[0], x[-1])
        ax.set_ylim(*_loss_ylim(family, kind))
        ax.set_xlabel(AXIS_LABEL[family])
    axes[0].legend(loc="upper center" if family == "regression" else "upper right", fontsize=8)
    return markers, vlines, lines


def loss_figure(
    family: str = "regression",
    names: str | Sequence[str] | None = None,
    point: float = 1.5,
    delta: float = 1.0,
    *,
    fig: Any = None,
) -> Any:
    """Three panels, loss, slope and curvature against the residual (or margin), with ``point`` marked.

    Arguments as in :func:`explore_losses`; ``fig`` None or a matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    run = explore_losses(family, names, point, delta)
    if check_figure(fig) is None:
        fig = plt.figure(figsize=(12, 3.6))
    axes = _loss_axes(fig)
    _draw_loss_curves(axes, run)
    if "huber" in run["curves"]:
        axes[0].set_title(f"loss (Huber δ = {run['delta']:g})")
    fig.tight_layout()
    return fig


def _loss_table(run):
    rows = "".join(
        f"<tr><td>{name}</td><td>{v['value']:.4f}</td><td>{v['slope']:+.4f}</td><td>{v['curvature']:.4f}</td></tr>"
        for name, v in run["at"].items()
    )
    what = "e" if run["family"] == "regression" else "m"
    return (
        f"<b>at {what} = {run['point']:.2f}</b><table><tr><th>loss</th><th>value</th><th>slope</th>"
        f"<th>curvature</th></tr>{rows}</table>"
    )


def loss_widget(family: str = "regression") -> Any:
    """A family menu, loss check boxes, a slider for the residual (or margin) and one for Huber's δ.

    The curves are drawn once per choice of family, losses and δ; moving the point redraws only the
    markers (see :class:`~momentum_lab.widgets._base.BlitFigure`).
    """
    import ipywidgets as w
    from matplotlib.figure import Figure

    from momentum_lab.widgets._base import BlitFigure, figure_image, titled_box

    _family(family)
    point = w.FloatSlider(value=1.5, min=-4.0, max=4.0, step=0.05, description="point", continuous_update=True)
    delta = w.FloatSlider(value=1.0, min=0.1, max=3.0, step=0.05, description="Huber δ", continuous_update=False)
    menu = w.Dropdown(options=list(FAMILIES), value=family, description="family")
    boxes = {
        name: w.Checkbox(value=True, description=name, indent=False, layout=w.Layout(width="auto"))
        for names in FAMILIES.values()
        for name in names
    }
    box_row = w.HBox([])
    table = w.HTML()
    image = figure_image()
    state: dict[str, Any] = {}

    def chosen():
        return [name for name in FAMILIES[menu.value] if boxes[name].value] or [FAMILIES[menu.value][0]]

    def build_background(_=None):
        """Draw the curves of the chosen losses (slow: runs when the family or the choice changes)."""
        box_row.children = [boxes[name] for name in FAMILIES[menu.value]]
        delta.layout.display = "" if menu.value == "regression" else "none"
        run = explore_losses(menu.value, chosen(), point.value, delta.value)
        fig = Figure(figsize=(12, 3.6), dpi=72)  # not pyplot's: the notebook must not display it too
        axes = _loss_axes(fig)
        markers, vlines, lines = _draw_loss_curves(axes, run)
        fig.tight_layout()
        # Huber's curves move with δ, so they are redrawn with the markers rather than kept in the
        # background: a δ move then costs one loss on the grid, not every loss and a full render.
        huber = [line for (name, _), line in lines.items() if name == "huber"]
        moving = [m for m, _, _ in markers] + vlines + huber
        state.update(markers=markers, vlines=vlines, lines=lines, blit=BlitFigure(fig, moving))
        redraw()

    def change_delta(_=None):
        if "huber" not in chosen():
            return redraw()
        run = explore_losses(menu.value, ["huber"], point.value, delta.value)
        for kind in ("value", "slope", "curvature"):
            state["lines"]["huber", kind].set_ydata(run["curves"]["huber"][kind])
        redraw()

    def redraw(_=None):
        run = explore_losses(menu.value, chosen(), point.value, delta.value, n=3)
        for marker, name, kind in state["markers"]:
            marker.set_data([run["point"]], [run["at"][name][kind]])
        for line in state["vlines"]:
            line.set_xdata([run["point"], run["point"]])
        image.value = state["blit"].image_bytes()
        table.value = _loss_table(run)

    menu.observe(build_background, names="value")
    delta.observe(change_delta, names="value")
    for box in boxes.values():
        box.observe(build_background, names="value")
    point.observe(redraw, names="value")
    build_background()
    controls = w.VBox([w.HBox([menu, point, delta]), box_row])
    return titled_box([controls, w.HBox([image, table])], "Loss explorer")


# ----------------------------------------------------------------------- segmentation explorer

#: The segmentation losses the explorer compares.
SEGMENTATION_LOSSES = ("dice", "jaccard", "tversky", "focal tversky")


def disc_probabilities(
    size: int, centre: Sequence[npt.ArrayLike], radius: npt.ArrayLike, softness: npt.ArrayLike = 0.0
) -> npt.NDArray[np.float64]:
    """A ``size × size`` map of probabilities for a disc: 1 inside, 0 outside, a sigmoid edge.

    ``softness`` = 0 gives a hard 0/1 mask (pixel centres at distance ≤ radius are 1); > 0 gives
    ``σ((radius − d)/softness)``, d the distance of the pixel centre from ``centre`` = (row, column).
    A radius ≤ 0 with no softness is the empty mask. ``centre``, ``radius`` and ``softness`` may be
    arrays that broadcast against each other; the map gets their shape in front.

    ``size`` must be an integer ≥ 1, ``centre`` a pair, all numbers finite and ``softness`` ≥ 0
    (ValueError/TypeError naming the argument otherwise).
    """
    size = positive_int(size, "size")
    if isinstance(centre, (str, bytes)) or not isinstance(centre, (Sequence, np.ndarray)) or len(centre) != 2:
        raise TypeError(f"centre must be a pair (row, column); got centre={centre!r}")
    rows, cols = np.mgrid[0:size, 0:size].astype(float)
    cy = as_float_array(centre[0], "centre")[..., None, None]
    cx = as_float_array(centre[1], "centre")[..., None, None]
    r = as_float_array(radius, "radius")[..., None, None]
    s = as_float_array(softness, "softness")[..., None, None]
    if np.any(s < 0):
        raise ValueError(f"softness must be >= 0; got softness={softness!r}")
    d = np.sqrt((rows - cy) ** 2 + (cols - cx) ** 2)
    hard = (d <= r).astype(float) * (r > 0)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        soft = 1.0 / (1.0 + np.exp(-(r - d) / np.where(s > 0, s, 1.0)))
    return np.where(s > 0, soft, hard)


def _overlap_losses(g, p, alpha, beta, gamma, smooth, axis):
    return {
        "dice": losses.dice(g, p, axis=axis, smooth=smooth, reduction="none"),
        "jaccard": losses.jaccard(g, p, axis=axis, smooth=smooth, reduction="none"),
        "tversky": losses.tversky(g, p, alpha, beta, axis=axis, smooth=smooth, reduction="none"),
        "focal tversky": losses.focal_tversky(g, p, alpha, beta, gamma, axis=axis, smooth=smooth, reduction="none"),
    }


def explore_segmentation(
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
    radii: npt.ArrayLike | None = None,
    sweep: bool = True,
) -> dict[str, Any]:
    """Compare a predicted disc with a true disc and return the overlap counts and losses.

    The true mask is a hard disc of ``true_radius`` at the centre of a ``size × size`` image
    (``true_radius`` = 0: an empty mask). The prediction is a disc of ``radius``, moved right by
    ``shift`` pixels, with a sigmoid edge of width ``softness`` (0: a hard mask).

    Returns a dict with the true mask ``g`` and prediction ``p`` (size × size), the soft counts ``tp``,
    ``fp``, ``fn``, the ``losses`` (dice, jaccard, tversky(α, β), focal tversky(α, β, γ), all with
    ``smooth``), and a sweep over predicted radii: ``radii`` and ``sweep`` (each loss as an array over
    ``radii``, with the same shift, softness, α, β and γ; ``sweep=False`` skips it and returns
    ``None`` for both).

    Arguments: ``shift`` a finite number; ``radius``, ``softness``, ``alpha``, ``beta``, ``true_radius``,
    ``smooth`` finite numbers ≥ 0 (``alpha`` and ``beta`` not both 0); ``gamma`` > 0; ``size`` an integer
    ≥ 4; ``radii`` None or a non-empty 1-d array of numbers ≥ 0; ``sweep`` True or False. Anything else
    raises ValueError/TypeError naming the argument. An empty prediction on an empty mask with
    ``smooth = 0`` scores 0 (the losses' convention for 0/0, see :mod:`momentum_lab.losses`).
    """
    sweep = flag(sweep, "sweep")
    if radii is not None:  # checked even when sweep=False skips it, so a bad value never passes silently
        radii = as_float_array(radii, "radii", ndim=1)
        if np.any(radii < 0):
            raise ValueError(f"radii must be >= 0; got radii={radii!r}")
    shift = real_number(shift, "shift")
    radius = non_negative(radius, "radius")
    softness = non_negative(softness, "softness")
    alpha = non_negative(alpha, "alpha")
    beta = non_negative(beta, "beta")
    gamma = positive(gamma, "gamma")
    true_radius = non_negative(true_radius, "true_radius")
    size = positive_int(size, "size", minimum=4)
    smooth = non_negative(smooth, "smooth")
    centre = ((size - 1) / 2, (size - 1) / 2)
    g = disc_probabilities(size, centre, true_radius)
    p = disc_probabilities(size, (centre[0], centre[1] + shift), radius, softness)
    tp, fp, fn = float(np.sum(p * g)), float(np.sum(p * (1 - g))), float(np.sum((1 - p) * g))
    at = {k: float(v) for k, v in _overlap_losses(g, p, alpha, beta, gamma, smooth, None).items()}
    curves = None
    if sweep:
        radii = np.linspace(0.0, size / 2, 65) if radii is None else radii
        stack = disc_probabilities(size, (centre[0], centre[1] + shift), radii, softness)
        curves = _overlap_losses(np.broadcast_to(g, stack.shape), stack, alpha, beta, gamma, smooth, (1, 2))
    else:
        radii = None
    return {
        "g": g,
        "p": p,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "losses": at,
        "radii": radii,
        "sweep": curves,
        "radius": radius,
        "true_radius": true_radius,
        "params": {"alpha": alpha, "beta": beta, "gamma": gamma, "smooth": smooth},
    }


def _check_masks(
    g: Any, p: Any, g_name: str = "g", p_name: str = "p"
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """A true mask and a prediction of one 2-d shape, values in [0, 1], or ValueError/TypeError naming them."""
    g = as_float_array(g, g_name, ndim=2)
    p = as_float_array(p, p_name, ndim=2)
    if p.shape != g.shape:
        raise ValueError(f"{p_name} must have the shape of {g_name}, {g.shape}; got shape {p.shape}")
    for name, a in ((g_name, g), (p_name, p)):
        if np.any(a < 0) or np.any(a > 1):
            raise ValueError(f"{name} must hold values in [0, 1]; got values in [{a.min():g}, {a.max():g}]")
    return g, p


def overlap_image(g: npt.ArrayLike, p: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """An RGB image of the overlap: TP green, FP orange, FN blue, true negatives white (soft blend).

    ``g`` (the true mask) and ``p`` (the prediction) must be 2-d arrays of one shape with values in
    [0, 1]; the image has shape ``g.shape + (3,)``.
    """
    from matplotlib.colors import to_rgb

    g, p = _check_masks(g, p)
    from momentum_lab import plotting

    tp_c, fp_c, fn_c = (np.array(to_rgb(plotting.PALETTE[i])) for i in (2, 1, 0))
    white = np.ones(3)
    g3, p3 = g[..., None], p[..., None]
    return g3 * p3 * tp_c + (1 - g3) * p3 * fp_c + g3 * (1 - p3) * fn_c + (1 - g3) * (1 - p3) * white


def _draw_segmentation(axes, run):
    """Draw the overlap map, the loss-vs-radius sweep and the loss bars; return the moving artists."""
    from matplotlib.patches import Patch

    from momentum_lab import plotting

    ax_map, ax_sweep, ax_bars = axes
    image = ax_map.imshow(overlap_image(run["g"], run["p"]), interpolation="nearest")
    ax_map.set_axis_off()
    ax_map.legend(
        handles=[Patch(color=plotting.PALETTE[i], label=lab) for i, lab in ((2, "TP"), (1, "FP"), (0, "FN"))],
        loc="lower center",
        ncol=3,
        fontsize=8,
        bbox_to_anchor=(0.5, -0.16),
        frameon=False,
    )
    ax_map.set_title("prediction against the true disc")
    sweep_lines, markers = [], []
    for i, name in enumerate(SEGMENTATION_LOSSES):
        color = plotting.PALETTE[i]
        (line,) = ax_sweep.plot(
            run["radii"], run["sweep"][name], color=color, linestyle=plotting.LINESTYLES[i % 4], label=name
        )
        (marker,) = ax_sweep.plot([run["radius"]], [run["losses"][name]], marker="o", color=color, linestyle="none")
        sweep_lines.append(line)
        markers.append(marker)
    truth = ax_sweep.axvline(run["true_radius"], color="0.4", linestyle=":", linewidth=1)
    ax_sweep.set_xlim(run["radii"][0], run["radii"][-1])
    ax_sweep.set_ylim(-0.03, 1.03)
    ax_sweep.set_xlabel("predicted radius (dotted: true radius)")
    ax_sweep.set_ylabel("loss")
    ax_sweep.set_title("loss against the predicted radius")
    ax_sweep.legend(fontsize=8, loc="upper right")
    bars = ax_bars.bar(
        range(len(SEGMENTATION_LOSSES)),
        [run["losses"][n] for n in SEGMENTATION_LOSSES],
        color=plotting.PALETTE[: len(SEGMENTATION_LOSSES)],
    )
    ax_bars.set_xticks(range(len(SEGMENTATION_LOSSES)), [n.replace(" ", "\n") for n in SEGMENTATION_LOSSES])
    ax_bars.set_ylim(0, 1.05)
    ax_bars.set_title("losses now")
    parts = (image, truth, sweep_lines, markers, bars)
    _update_segmentation(run, *parts)
    return [image, truth, *sweep_lines, *markers, *bars], parts


def _update_segmentation(run, image, truth, sweep_lines, markers, bars):
    """Move every changing artist to ``run``; the sweep curves only if ``run`` has a sweep."""
    image.set_data(overlap_image(run["g"], run["p"]))
    truth.set_xdata([run["true_radius"]] * 2)
    for name, line, marker, bar in zip(SEGMENTATION_LOSSES, sweep_lines, markers, bars):
        if run["sweep"] is not None:
            line.set_data(run["radii"], run["sweep"][name])
        marker.set_data([run["radius"]], [run["losses"][name]])
        bar.set_height(run["losses"][name])


def segmentation_figure(
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
    fig: Any = None,
) -> Any:
    """The overlap map (TP, FP, FN), each loss against the predicted radius, and the losses now.

    Arguments as in :func:`explore_segmentation`; ``fig`` None or a matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    run = explore_segmentation(
        shift, radius, softness, alpha, beta, gamma, true_radius=true_radius, size=size, smooth=smooth
    )
    if check_figure(fig) is None:
        fig = plt.figure(figsize=(12, 3.8))
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 1.4, 1]})
    _draw_segmentation(axes, run)
    p = run["params"]
    fig.suptitle(
        f"TP = {run['tp']:.1f}, FP = {run['fp']:.1f}, FN = {run['fn']:.1f};   "
        f"α = {p['alpha']:g}, β = {p['beta']:g}, γ = {p['gamma']:.3g}, smooth = {p['smooth']:g}",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


def segmentation_widget(size: int = 32) -> Any:
    """Sliders for the predicted disc (shift, radius, softness), the true radius, and α, β, γ.

    Every artist that changes is redrawn on a fixed background (see
    :class:`~momentum_lab.widgets._base.BlitFigure`). Moving the predicted radius costs the losses of one
    image plus one image encoding; the sweep over 65 radii is recomputed only when another control moves.
    ``size`` must be an integer ≥ 4.
    """
    size = positive_int(size, "size", minimum=4)
    import ipywidgets as w
    from matplotlib.figure import Figure

    from momentum_lab.widgets._base import BlitFigure, figure_image, titled_box

    def slider(value, lo, hi, step, description):
        return w.FloatSlider(
            value=value,
            min=lo,
            max=hi,
            step=step,
            description=description,
            continuous_update=True,
            style={"description_width": "initial"},
        )

    radius = slider(8.0, 0.0, size / 2, 0.25, "predicted radius")
    shift = slider(0.0, -12.0, 12.0, 0.5, "shift")
    softness = slider(0.0, 0.0, 4.0, 0.1, "edge softness")
    true_radius = slider(8.0, 0.0, size / 2 - 2, 0.5, "true radius")
    alpha = slider(0.3, 0.0, 1.0, 0.05, "α (FP)")
    # β starts at 0.05: with α = β = 0 the Tversky index is 1 for every prediction (the losses refuse it)
    beta = slider(0.7, 0.05, 1.0, 0.05, "β (FN)")
    gamma = slider(4 / 3, 0.5, 3.0, 0.05, "γ (focal)")
    status = w.HTML()
    image = figure_image()
    last_sweep: dict[str, Any] = {}

    run = explore_segmentation(size=size)
    fig = Figure(figsize=(12, 3.8), dpi=72)  # not pyplot's: the notebook must not display it too
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 1.4, 1]})
    moving, parts = _draw_segmentation(axes, run)
    fig.tight_layout()
    blit = BlitFigure(fig, moving)

    def redraw(_=None):
        # The sweep over radii does not depend on the predicted radius: recompute it only when another
        # control moved.
        key = (shift.value, softness.value, alpha.value, beta.value, gamma.value, true_radius.value)
        current = explore_segmentation(
            shift.value,
            radius.value,
            softness.value,
            alpha.value,
            beta.value,
            gamma.value,
            true_radius=true_radius.value,
            size=size,
            sweep=last_sweep.get("key") != key,
        )
        last_sweep["key"] = key
        _update_segmentation(current, *parts)
        image.value = blit.image_bytes()
        losses_now = ", ".join(f"{name} {value:.3f}" for name, value in current["losses"].items())
        status.value = (
            f"<b>TP</b> {current['tp']:.2f} &nbsp; <b>FP</b> {current['fp']:.2f} &nbsp; "
            f"<b>FN</b> {current['fn']:.2f} &nbsp;|&nbsp; losses: {losses_now}"
        )

    for control in (radius, shift, softness, true_radius, alpha, beta, gamma):
        control.observe(redraw, names="value")
    redraw()
    controls = w.HBox([w.VBox([radius, shift, softness, true_radius]), w.VBox([alpha, beta, gamma])])
    return titled_box([controls, status, image], "Segmentation-loss explorer")


# ---------------------------------------------------------------------------------- the page's explorers
#
# The published pages run both explorers in the reader's browser (book/_static/explorers/losses.js and
# segmentation.js); tests/test_explorers.py checks that they compute what these functions compute.


def _web_losses(family="regression", names=None, point=1.5, delta=1.0, lim=4.0, n=401):
    """:func:`explore_losses` as the page returns it (the same keys; arrays become lists).

    The defaults are the widget's first state: every loss of the family, the point at 1.5, δ = 1.
    """
    return explore_losses(family, None if names is None else list(names), point, delta, lim=lim, n=n)


def _web_losses_sample(rng):
    """A random setting of the page's controls: either family, a random non-empty choice of its losses
    (or all of them, ``names=None``), δ over the slider's 0.1 to 3, and the point anywhere on the slider's
    [−4, 4], now and then exactly at an end, at 0 or on a kink (``|e| = δ``, m = 1), where the derivatives
    take one side."""
    family = str(rng.choice(list(FAMILIES)))
    losses_of = FAMILIES[family]
    if rng.random() < 0.2:
        names = None
    else:
        chosen = rng.random(len(losses_of)) < 0.6
        chosen[rng.integers(len(losses_of))] = True
        names = [name for name, keep in zip(losses_of, chosen) if keep]
    delta = float(rng.choice([0.1, 3.0])) if rng.random() < 0.1 else float(rng.uniform(0.1, 3.0))
    special = [-4.0, 4.0, 0.0, delta, -delta, 1.0]
    point = float(rng.choice(special)) if rng.random() < 0.3 else float(rng.uniform(-4.0, 4.0))
    return {"family": family, "names": names, "point": point, "delta": delta}


def _web_losses_params(args, kwargs):
    """``loss_widget("classification")``: the page starts on that family."""
    family = kwargs.get("family", args[0] if args else "regression")
    return {"family": _family(family)}


def _web_segmentation(
    shift=0.0, radius=8.0, softness=0.0, alpha=0.3, beta=0.7, gamma=4 / 3, true_radius=8.0, size=32, smooth=1.0
):
    """:func:`explore_segmentation` with its sweep over radii, as the page returns it (same keys)."""
    return explore_segmentation(
        shift, radius, softness, alpha, beta, gamma, true_radius=true_radius, size=size, smooth=smooth
    )


def _web_segmentation_sample(rng):
    """A random setting of the page's sliders over their whole ranges: shift in [−12, 12], predicted radius
    in [0, 16], softness in [0, 4] (a hard mask a third of the time), true radius in [0, 14] (now and then
    an empty mask), α and β in [0, 1] (now and then exactly 0 or 1) and γ in [0.5, 3]."""

    def ends_or(lo, hi, p=0.15):
        return float(rng.choice([lo, hi])) if rng.random() < p else float(rng.uniform(lo, hi))

    return {
        "shift": ends_or(-12.0, 12.0),
        "radius": ends_or(0.0, 16.0),
        "softness": 0.0 if rng.random() < 0.3 else float(rng.uniform(0.0, 4.0)),
        "true_radius": 0.0 if rng.random() < 0.1 else ends_or(0.0, 14.0),
        "alpha": ends_or(0.0, 1.0),
        "beta": ends_or(0.05, 1.0),
        "gamma": ends_or(0.5, 3.0),
        "size": 32,
    }


def _web_segmentation_params(args, kwargs):
    """``segmentation_widget(size)``: the page shows an image of the same size."""
    size = kwargs.get("size", args[0] if args else 32)
    return {"size": int(size)}


def _web_explorers():
    from momentum_lab.widgets.web import Explorer

    return {
        "losses": Explorer(
            name="losses",
            compute=_web_losses,
            sample=_web_losses_sample,
            widget="loss_widget",
            page_params=_web_losses_params,
        ),
        "segmentation": Explorer(
            name="segmentation",
            compute=_web_segmentation,
            sample=_web_segmentation_sample,
            widget="segmentation_widget",
            page_params=_web_segmentation_params,
        ),
    }


#: The page's live versions of :func:`loss_widget` and :func:`segmentation_widget`.
EXPLORERS = _web_explorers()
